//! Property: ids (from the allowed set), names and period labels (any one
//! line of printable text: quotes, commas, `<`, `&`, `|`, accents, emoji)
//! survive every output unchanged and unambiguous:
//!
//! - CSV: read back with polars, each group's id and each period label is
//!   one cell, exactly as written (behind a `'` where it would otherwise
//!   be a formula: `tests/finance.rs`);
//! - HTML: with tags stripped and entities decoded, every group's name is
//!   in the report's text exactly as written, and no name injects markup
//!   (the page has as many `<` as it would with plain names);
//! - LP and MPS: `tests/export.rs` (names are encoded injectively; HiGHS
//!   reads them back).

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

#[derive(Debug, Clone)]
struct Case {
    ids: Vec<String>,
    names: Vec<String>,
    periods: Vec<String>,
}

/// One line of printable text: no control characters.
fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\\p{C}]{1,16}",
        "[<>&\"'|,*`#\\[\\] a-z]{1,12}",
        Just("<script>alert(1)</script>".to_string()),
        Just("A & B, \"quoted\"".to_string()),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::btree_set("[A-Za-z0-9_][A-Za-z0-9_-]{0,15}", 2..=3),
        proptest::collection::vec(label(), 3),
        proptest::collection::btree_set(
            label().prop_filter("not blank", |s| !s.trim().is_empty()),
            2..=3,
        ),
    )
        .prop_map(|(ids, names, periods)| {
            let ids: Vec<String> = ids.into_iter().collect();
            let names = names.into_iter().take(ids.len()).collect();
            Case {
                ids,
                names,
                periods: periods.into_iter().collect(),
            }
        })
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Groups staffing one service; the policy adds a target on the first group.
fn model_text(case: &Case) -> String {
    let periods: Vec<String> = case.periods.iter().map(|p| quoted(p)).collect();
    let mut text = format!(
        "[model]\nname = \"Names\"\nperiods = [{}]\n",
        periods.join(", ")
    );
    for (index, (id, name)) in case.ids.iter().zip(&case.names).enumerate() {
        text += &format!(
            "[[group]]\nid = \"{id}\"\nname = {}\nopening = {}\nattrition = 0.1\nsalary = {}\n",
            quoted(name),
            10 + index * 5,
            100 + index
        );
    }
    let staffed: Vec<String> = case
        .ids
        .iter()
        .map(|id| format!("\"{id}\" = 1.0"))
        .collect();
    text += &format!(
        "[[service]]\nid = \"care\"\ndemand = 20\nstaffed_by = {{ {} }}\nunmet_penalty = 1000\n",
        staffed.join(", ")
    );
    text += &format!(
        "[[scenario]]\nid = \"policy\"\n[[scenario.target]]\nid = \"grow\"\nexpr = \"stock({})\"\nmin = 30\nat = [{}]\n",
        case.ids[0],
        periods.last().unwrap()
    );
    text
}

/// The visible text of an HTML page: tags removed, entities decoded.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push('\n');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn csv_column(bytes: &[u8], name: &str) -> Vec<String> {
    use polars::prelude::*;
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(std::io::Cursor::new(bytes.to_vec()))
        .finish()
        .expect("the CSV reads back");
    frame
        .column(name)
        .expect("column")
        .str()
        .expect("text")
        .iter()
        .map(|cell| cell.unwrap_or_default().to_string())
        .collect()
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let text = model_text(case);
    let path = Path::new("models/names.toml");
    let base = wfplan::spec::load_str(&text, path, None, &[])
        .map_err(|e| TestCaseError::fail(format!("{e:#}\n{text}")))?;
    let policy = wfplan::spec::load_str(&text, path, Some("policy"), &[])
        .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    let base = wfplan::solve::solve(&base).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    let policy =
        wfplan::solve::solve(&policy).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;

    // CSV: one cell per id and period, as written (a label a spreadsheet
    // would run as a formula carries the leading `'` of csv_safety).
    let mut stocks = wfplan::tables::stocks_frame(&base).unwrap();
    let csv = wfplan::tables::to_csv(&mut stocks).unwrap();
    let groups = csv_column(&csv, "group");
    let periods = csv_column(&csv, "period");
    let mut expected_groups = Vec::new();
    let mut expected_periods = Vec::new();
    for id in &case.ids {
        for period in &case.periods {
            expected_groups.push(id.clone());
            expected_periods.push(wfplan::csv_safety::escape_cell(period).into_owned());
        }
    }
    prop_assert_eq!(groups, expected_groups);
    prop_assert_eq!(periods, expected_periods);

    // HTML: every name is in the page's text as written, and none adds markup.
    let impact = wfplan::compare::compare(&base, &policy, "base", "policy", None)
        .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    let files = wfplan::report::impact::impact_files(Path::new("out"), &impact).unwrap();
    let html = files
        .iter()
        .find(|(p, _)| p.ends_with("report.html"))
        .map(|(_, bytes)| String::from_utf8(bytes.clone()).unwrap())
        .expect("report.html");
    let visible = visible_text(&html);
    for name in &case.names {
        prop_assert!(
            visible.contains(name.as_str()),
            "name {:?} not in the page",
            name
        );
    }
    let plain = Case {
        names: (0..case.names.len())
            .map(|i| format!("Group {i}"))
            .collect(),
        ..case.clone()
    };
    let plain_html = {
        let text = model_text(&plain);
        let base = wfplan::spec::load_str(&text, path, None, &[]).unwrap();
        let policy = wfplan::spec::load_str(&text, path, Some("policy"), &[]).unwrap();
        let impact = wfplan::compare::compare(
            &wfplan::solve::solve(&base).unwrap(),
            &wfplan::solve::solve(&policy).unwrap(),
            "base",
            "policy",
            None,
        )
        .unwrap();
        let files = wfplan::report::impact::impact_files(Path::new("out"), &impact).unwrap();
        files
            .iter()
            .find(|(p, _)| p.ends_with("report.html"))
            .map(|(_, bytes)| String::from_utf8(bytes.clone()).unwrap())
            .unwrap()
    };
    prop_assert_eq!(
        html.matches('<').count(),
        plain_html.matches('<').count(),
        "a name changed the page's markup"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    })]

    #[test]
    fn ids_names_and_periods_survive_csv_and_html(case in case()) {
        check(&case)?;
    }
}
