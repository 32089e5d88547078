//! Age bands: a group's stock by band with attrition and ageing by band,
//! the age mix of hires, `stock(g, band)` in a limit on age shares, the age
//! pyramid (ages.csv), headcount by band, and the errors.
//!
//! tests/fixtures/ages.toml: hv, 100 FTE at the start, 60% young and 40%
//! old; young attrition 0.1, old 0.5; a quarter of the young who stay move
//! up to old each year; hires (5 per FTE, none unless hire_max is raised)
//! are all young; salary 10; no exits.

use crate::util::*;

/// Without hires:
///   2026: young = 60·0.9·0.75 = 40.5; old = 40·0.5 + 60·0.9·0.25 = 20 + 13.5 = 33.5;
///         total 74 (attrition 6 + 20 = 26; 13.5 aged from young to old).
///   2027: young = 40.5·0.675 = 27.3375; old = 33.5·0.5 + 40.5·0.225 = 16.75 + 9.1125
///         = 25.8625; total 53.2.
/// Cost = 10·(74 + 53.2) = 1272.
#[test]
fn two_bands_age_and_retire() {
    let plan = solve_fixture("ages.toml", &[]);
    assert_series(&plan, "stock(hv, young)", &[40.5, 27.3375]);
    assert_series(&plan, "stock(hv, old)", &[33.5, 25.8625]);
    assert_series(&plan, "stock(hv)", &[74.0, 53.2]);
    assert_series(&plan, "stock(hv, young..old)", &[74.0, 53.2]);
    assert_close_what("objective", plan.objective, 1272.0, REL_TOL);

    // flows.csv still adds up to the group's stock change: attrition is
    // the sum over bands (6 + 20 = 26 in 2026, 4.05 + 16.75 = 20.8 in 2027).
    let flows = wfplan::tables::flows(&plan);
    let attrition: Vec<f64> = flows
        .iter()
        .filter(|f| f.flow == "attrition")
        .map(|f| f.fte)
        .collect();
    assert_close(attrition[0], -26.0, REL_TOL);
    assert_close(attrition[1], -20.8, REL_TOL);

    // ages.csv: the pyramid, with retirement and ageing by band.
    let csv = String::from_utf8(
        wfplan::tables::to_csv(&mut wfplan::tables::ages_frame(&plan).unwrap()).unwrap(),
    )
    .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "group,period,band,stock_fte,share,attrition_fte,aged_out_fte"
    );
    assert_eq!(lines[1], "hv,2026,young,40.5,0.5472972972972973,6.0,13.5");
    assert_eq!(lines[2], "hv,2026,old,33.5,0.4527027027027027,20.0,0.0");
    assert_eq!(lines.len(), 5);
    let files = wfplan::report::solve_outputs(std::path::Path::new(""), &plan).unwrap();
    assert!(files.iter().any(|(path, _)| path.ends_with("ages.csv")));
    // The terminal summary shows the pyramid by period.
    let text = wfplan::report::summary::terminal_summary(&plan);
    assert_mentions(&text, &["Age band (FTE)", "young", "40.5", "33.5"]);
}

/// A limit on the age share: no more than 40% old in 2026 (hires allowed).
/// Hires are young and old_2026 = 33.5 whatever is hired in 2026, so the
/// total must reach 33.5 / 0.4 = 83.75: hire 9.75 young in 2026.
///   2027: young = 50.25·0.675 = 33.91875; old = 16.75 + 50.25·0.225 = 28.05625;
///         total 61.975.
/// Cost = 9.75·5 + 83.75·10 + 61.975·10 = 48.75 + 837.5 + 619.75 = 1506.
/// Shadow price: one more FTE of room under the share (max 0 → −1) needs
/// 0.4·Δtotal = 1, i.e. 2.5 more hires, each costing 5 + 10 + 10·0.9 (0.9 of
/// a young hire is still there in 2027) = 24: 60 per FTE.
#[test]
fn a_limit_on_the_age_share_is_met_by_younger_hires() {
    let text = fixture_text("ages.toml").replace("hire_max = 0", "hire_max = 1000")
        + "\n[[limit]]\nid = \"old_share\"\nexpr = \"stock(hv, old) - 0.4 * stock(hv)\"\nmax = 0\nat = [\"2026\"]\n";
    let model = load_text("ages.toml", &text);
    let plan = solve_model(&model, "old share");
    assert_series(&plan, "hire(hv)", &[9.75, 0.0]);
    assert_series(&plan, "stock(hv, young)", &[50.25, 33.91875]);
    assert_series(&plan, "stock(hv, old)", &[33.5, 28.05625]);
    assert_series(&plan, "stock(hv)", &[83.75, 61.975]);
    assert_close_what("objective", plan.objective, 1506.0, REL_TOL);
    assert_shadow(&plan, "limit[old_share,2026]", 60.0);
    let tighter = load_text("ages.toml", &text.replace("max = 0\n", "max = -1\n"));
    let tighter = solve_model(&tighter, "old share, max -1");
    assert_finite_difference(
        "old share max 0 -> -1",
        plan.objective,
        tighter.objective,
        60.0,
    );
}

/// Participation by band: 0.9 young, 0.5 old ⇒ heads_2026 = 40.5/0.9 +
/// 33.5/0.5 = 45 + 67 = 112.
#[test]
fn headcount_by_band() {
    let plan = solve_fixture("ages.toml", &["group.hv.age.participation=[0.9, 0.5]"]);
    assert_series(&plan, "heads(hv)", &[112.0, 27.3375 / 0.9 + 25.8625 / 0.5]);
}

#[track_caller]
fn error_of(sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match wfplan::spec::load(&fixture_path("ages.toml"), None, &sets) {
        Ok(_) => panic!("{sets:?} should be refused"),
        Err(error) => format!("{error:#}"),
    }
}

#[test]
fn bad_age_bands_are_refused() {
    let common = ["ages.toml", "group 'hv'"];
    for (set, field, what) in [
        (
            "group.hv.age.opening_share=[0.6, 0.5]",
            "field 'age.opening_share'",
            "add up to 1.1, not 1",
        ),
        (
            "group.hv.age.hire_mix=[0.5, 0.3, 0.2]",
            "field 'age.hire_mix'",
            "expected 2 value(s), one per band (young, old), got 3",
        ),
        (
            "group.hv.age.hire_mix=[0.5, 0.3]",
            "field 'age.hire_mix'",
            "add up to 0.8, not 1",
        ),
        (
            "group.hv.age.leaver_mix=[0.7, 0.7]",
            "field 'age.leaver_mix'",
            "add up to 1.4, not 1",
        ),
        (
            "group.hv.age.ageing=[1.5]",
            "field 'age.ageing'",
            "in [0, 1]",
        ),
        (
            "group.hv.age.ageing=[0.1, 0.2]",
            "field 'age.ageing'",
            "one per band but the last",
        ),
        (
            "group.hv.age.attrition=[0.1]",
            "field 'age.attrition'",
            "expected 2 value(s)",
        ),
        (
            "group.hv.attrition=0.1",
            "field 'age.attrition'",
            "give one of them",
        ),
        (
            "group.hv.age.bands=[\"young\", \"young\"]",
            "field 'age.bands'",
            "listed twice",
        ),
        (
            "group.hv.age.attrition=[0.1, 1.5]",
            "field 'age.attrition.old'",
            "rate in [0, 1]",
        ),
    ] {
        let message = error_of(&[set]);
        assert_mentions(&message, &[common[0], common[1], field, what]);
    }
    // Bands named as age ranges must cover the ages: no gap, no overlap,
    // youngest first, the last open above. (Names that are not age ranges,
    // such as young and old, are not checked.)
    for (bands, what) in [
        (
            "[\"u30\", \"40plus\"]",
            "ages 30 to 39 are in no band (between 'u30' and '40plus')",
        ),
        (
            "[\"u30\", \"25plus\"]",
            "ages 25 to 29 are in two bands ('u30' and '25plus')",
        ),
        (
            "[\"30-39\", \"35plus\"]",
            "ages 35 to 39 are in two bands ('30-39' and '35plus')",
        ),
        (
            "[\"u30\", \"30-64\"]",
            "the last band '30-64' ends at age 64",
        ),
        (
            "[\"30plus\", \"u30\"]",
            "band '30plus' takes every age from 30 up, so it must be the last band",
        ),
        (
            "[\"49-40\", \"50plus\"]",
            "band '49-40' runs from age 49 down to 40",
        ),
    ] {
        let message = error_of(&[&format!("group.hv.age.bands={bands}")]);
        assert_mentions(&message, &[common[0], common[1], "field 'age.bands'", what]);
    }
    let plan = solve_fixture(
        "ages.toml",
        &["group.hv.age.bands=[\"under30\", \"30plus\"]"],
    );
    assert_series(&plan, "stock(hv, under30)", &[40.5, 27.3375]);

    let message = error_of(&["model.integer=[\"stock(hv, middle)\"]"]);
    assert_mentions(&message, &["no group selected has an age band 'middle'"]);
}

/// Hire mixes by source: graduates are young (`grads = [1, 0]`), returners
/// old (`returners = [0, 1]`). A graduate costs 5 + 3 to hire, a returner 5.
/// Over the horizon a hire in 2026 costs its hire cost, 10 in 2026 and 10
/// for each 2027 survivor (0.9 of a young hire, 0.5 of an old one):
/// graduate 8 + 10 + 9 = 27, returner 5 + 10 + 5 = 20.
/// A target of 90 FTE in 2026 needs 16 hires beyond the 74 (see above);
/// without a limit on age they are all returners: 16·20 = 320.
/// With no more than 40% old in 2026: 33.5 + r ≤ 0.4·90 ⇒ r ≤ 2.5, so
/// 2.5 returners and 13.5 graduates: 50 + 364.5 = 414.5 (hiring beyond 90 to
/// make room for returners costs 27 + 20·⅔ a graduate, more than it saves).
/// Objectives: 1272 + 320 = 1592 and 1272 + 414.5 = 1686.5.
#[test]
fn hire_mixes_by_source() {
    let text = fixture_text("ages.toml")
        .replace("hire_max = 0", "hire_max = 1000\nfrom_pools = [\"grads\", \"returners\"]")
        .replace("hire_mix = [1, 0]", "hire_mix = { grads = [1, 0], returners = [0, 1] }")
        + "\n[[pool]]\nid = \"grads\"\nsupply = 1000\nhire_cost = 3\n\n[[pool]]\nid = \"returners\"\nsupply = 1000\n\n[[target]]\nid = \"size\"\nexpr = \"stock(hv)\"\nmin = 90\nat = [\"2026\"]\n";
    let plan = solve_model(&load_text("ages.toml", &text), "by source");
    assert_series(&plan, "hire(hv, returners)", &[16.0, 0.0]);
    assert_series(&plan, "stock(hv, old)", &[49.5, 49.5 * 0.5 + 40.5 * 0.225]);
    assert_close_what("objective", plan.objective, 1592.0, REL_TOL);

    let limited = text.clone()
        + "\n[[limit]]\nid = \"old_share\"\nexpr = \"stock(hv, old) - 0.4 * stock(hv)\"\nmax = 0\nat = [\"2026\"]\n";
    let plan = solve_model(&load_text("ages.toml", &limited), "by source, limited");
    assert_series(&plan, "hire(hv, returners)", &[2.5, 0.0]);
    assert_series(&plan, "hire(hv, grads)", &[13.5, 0.0]);
    assert_close_what("objective", plan.objective, 1686.5, REL_TOL);

    let error = wfplan::spec::load_str(
        &text.replace("returners = [0, 1] }", "retirees = [0, 1] }"),
        &fixture_path("ages.toml"),
        None,
        &[],
    )
    .err()
    .unwrap();
    assert_mentions(
        &format!("{error:#}"),
        &[
            "group 'hv'",
            "field 'age.hire_mix'",
            "'retirees' is not one of the group's sources",
            "grads, returners",
        ],
    );
}

mod properties {
    //! On random banded groups (2–4 bands, random shares, attrition, ageing
    //! and mixes) with every kind of flow — hires with new-starter
    //! attrition, completions, moves in and out, exits — each band follows
    //! the band balance of DESIGN.md recomputed from the solved flows, the
    //! bands add up to the group, and flows.csv adds up to the stock change.

    // The band index b runs over several per-band lists, as in the equation.
    #![allow(clippy::needless_range_loop)]

    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;

    const PERIODS: usize = 3;

    #[derive(Debug, Clone)]
    struct Bands {
        opening_share: Vec<f64>,
        attrition: Vec<f64>,
        ageing: Vec<f64>,
        mixes: [Vec<f64>; 4],
        new_starter_attrition: f64,
        demand: Vec<u32>,
    }

    fn shares(weights: &[u32]) -> Vec<f64> {
        let total: u32 = weights.iter().sum::<u32>().max(1);
        let mut shares: Vec<f64> = weights
            .iter()
            .map(|w| f64::from(*w) / f64::from(total))
            .collect();
        if weights.iter().all(|w| *w == 0) {
            shares[0] = 1.0;
        }
        shares
    }

    fn bands() -> impl Strategy<Value = Bands> {
        (2usize..=4).prop_flat_map(|count| {
            let weights = || proptest::collection::vec(0u32..10, count);
            (
                weights(),
                proptest::collection::vec(0u32..60, count),
                proptest::collection::vec(0u32..=100, count - 1),
                [weights(), weights(), weights(), weights()],
                0u32..30,
                proptest::collection::vec(50u32..200, PERIODS),
            )
                .prop_map(
                    |(opening, attrition, ageing, mixes, new_starters, demand)| Bands {
                        opening_share: shares(&opening),
                        attrition: attrition.iter().map(|a| f64::from(*a) / 100.0).collect(),
                        ageing: ageing.iter().map(|a| f64::from(*a) / 100.0).collect(),
                        mixes: mixes.map(|m| shares(&m)),
                        new_starter_attrition: f64::from(new_starters) / 100.0,
                        demand,
                    },
                )
        })
    }

    fn list(values: &[f64]) -> String {
        format!(
            "[{}]",
            values
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn model_text(case: &Bands) -> String {
        let bands: Vec<String> = (0..case.opening_share.len())
            .map(|b| format!("\"b{b}\""))
            .collect();
        let periods: Vec<String> = (0..PERIODS).map(|t| format!("\"{}\"", 2026 + t)).collect();
        let demand: Vec<String> = case.demand.iter().map(u32::to_string).collect();
        format!(
            r#"[model]
periods = [{periods}]

[[group]]
id = "a"
opening = 100
salary = 10
hire_cost = 2
hire_max = 30
exit_cost = 1
new_starter_attrition = {nsa:?}

[group.age]
bands = [{bands}]
opening_share = {opening}
attrition = {attrition}
ageing = {ageing}
hire_mix = {hire}
completion_mix = {completion}
move_in_mix = {move_in}
leaver_mix = {leaver}

[[group]]
id = "b"
opening = 50
salary = 5

[[pipeline]]
id = "c"
to = "a"
duration = 1
capacity = 20
cost = 1

[[move]]
from = "a"
to = "b"
max = 10

[[move]]
from = "b"
to = "a"
max = 5
retention = 0.9

[[service]]
id = "s"
demand = [{demand}]
staffed_by = {{ a = 1.0 }}
unmet_penalty = 100

[[service]]
id = "t"
demand = 40
staffed_by = {{ b = 1.0 }}
unmet_penalty = 50
"#,
            periods = periods.join(", "),
            bands = bands.join(", "),
            nsa = case.new_starter_attrition,
            opening = list(&case.opening_share),
            attrition = list(&case.attrition),
            ageing = list(&case.ageing),
            hire = list(&case.mixes[0]),
            completion = list(&case.mixes[1]),
            move_in = list(&case.mixes[2]),
            leaver = list(&case.mixes[3]),
            demand = demand.join(", "),
        )
    }

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(100.0)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 48,
            failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
            ..ProptestConfig::default()
        })]

        #[test]
        fn bands_follow_their_balance_and_add_up(case in bands()) {
            let text = model_text(&case);
            let model = wfplan::spec::load_str(&text, std::path::Path::new("bands.toml"), None, &[])
                .map_err(|e| TestCaseError::fail(format!("{e:#}\n{text}")))?;
            let plan = wfplan::solve::solve(&model)
                .map_err(|e| TestCaseError::fail(format!("{e:#}\n{text}")))?;
            let value = |expression: &str| plan.value(expression).unwrap();
            let count = case.opening_share.len();
            let bands: Vec<Vec<f64>> = (0..count).map(|b| value(&format!("stock(a, b{b})"))).collect();
            let stock = value("stock(a)");
            let (hires, completions) = (value("hire(a)"), value("completions(c)"));
            let (moved_in, moved_out, exits) = (value("move(b -> a)"), value("move(a -> b)"), value("exit(a)"));
            let flows = wfplan::tables::flows(&plan);
            for t in 0..PERIODS {
                let total: f64 = bands.iter().map(|band| band[t]).sum();
                prop_assert!(near(total, stock[t]), "bands {total} vs stock {}", stock[t]);
                let previous = |b: usize| if t == 0 { 100.0 * case.opening_share[b] } else { bands[b][t - 1] };
                for b in 0..count {
                    let stay = (1.0 - case.attrition[b]) * (1.0 - case.ageing.get(b).copied().unwrap_or(0.0));
                    let mut expected = stay * previous(b);
                    if b > 0 {
                        expected += (1.0 - case.attrition[b - 1]) * case.ageing[b - 1] * previous(b - 1);
                    }
                    expected += case.mixes[0][b] * (1.0 - case.new_starter_attrition) * hires[t]
                        + case.mixes[1][b] * completions[t]
                        + case.mixes[2][b] * 0.9 * moved_in[t]
                        - case.mixes[3][b] * (moved_out[t] + exits[t]);
                    prop_assert!(near(bands[b][t], expected), "band b{b} in period {t}: {} vs {expected}\n{text}", bands[b][t]);
                }
                let change = stock[t] - if t == 0 { 100.0 } else { stock[t - 1] };
                let flowed: f64 = flows.iter().filter(|f| f.group == 0 && f.period == t).map(|f| f.fte).sum();
                prop_assert!(near(change, flowed), "flows {flowed} vs change {change}");
            }
        }
    }
}

/// The rows of the Markdown table that follows `heading` in a report, as
/// (first cell, the numbers in the other cells).
fn table_after(markdown: &str, heading: &str) -> Vec<(String, Vec<f64>)> {
    markdown_table(markdown, heading)
        .into_iter()
        .map(|cells| {
            let numbers = cells[1..]
                .iter()
                .flat_map(|cell| numbers_in(&cell.replace(',', "")))
                .collect();
            (cells[0].clone(), numbers)
        })
        .collect()
}

/// A table row's numbers against the hand figures, to the report's one
/// decimal (shares to whole per cent).
#[track_caller]
fn assert_row(rows: &[(String, Vec<f64>)], first: &str, expected: &[f64]) {
    let (_, numbers) = rows
        .iter()
        .find(|(cell, _)| cell == first)
        .unwrap_or_else(|| panic!("no row {first:?} in {rows:?}"));
    assert_eq!(numbers.len(), expected.len(), "row {first:?}: {numbers:?}");
    for (got, want) in numbers.iter().zip(expected) {
        assert!(
            (got - want).abs() <= 0.051,
            "row {first:?}: {numbers:?}, expected {expected:?}"
        );
    }
}

/// The age pyramid in reports, on tests/fixtures/ages.toml with a policy of
/// 90 FTE in 2026 (hires allowed, all young; 5 each plus salary 10, so the
/// policy hires exactly the 16 missing in 2026 and none in 2027).
///
/// Base (no hires; see `two_bands_age_and_retire`): young 40.5 → 27.3375,
/// old 33.5 → 25.8625; leavers young 6 → 4.05, old 20 → 16.75.
/// Policy: 2026 young 40.5 + 16 = 56.5, old 33.5, total 90 (shares 62.8%,
/// 37.2%); 2027 young 56.5·0.9·0.75 = 38.1375, old 33.5·0.5 + 56.5·0.9·0.25
/// = 16.75 + 12.7125 = 29.4625, total 67.6 (56.4%, 43.6%); leavers 2026
/// young 60·0.1 = 6, old 40·0.5 = 20 (26 in all); 2027 young 56.5·0.1 = 5.65,
/// old 33.5·0.5 = 16.75 (22.4).
/// Change (policy − base): 2026 young +16, old 0; 2027 young 16·0.675 =
/// +10.8, old 16·0.9·0.25 = +3.6 (14.4 in all, 75% young).
#[test]
fn age_pyramid_and_its_change_in_the_reports() {
    let text = fixture_text("ages.toml").replace("hire_max = 0", "hire_max = 1000")
        + "\n[[scenario]]\nid = \"grow\"\n[[scenario.target]]\nid = \"size\"\nexpr = \"stock(hv)\"\nmin = 90\nat = [\"2026\"]\n";
    let path = fixture_path("ages.toml");
    let base = solve_model(
        &wfplan::spec::load_str(&text, &path, None, &[]).unwrap(),
        "base",
    );
    let policy = solve_model(
        &wfplan::spec::load_str(&text, &path, Some("grow"), &[]).unwrap(),
        "grow",
    );
    assert_series(&policy, "hire(hv)", &[16.0, 0.0]);

    // solve --out: the pyramid at the first and last periods (2026 is also
    // the target year), the leavers by band and year, and their charts.
    let markdown = wfplan::report::plan_report::plan_document(&policy).to_markdown();
    let pyramid = table_after(&markdown, "hv: age pyramid (FTE)");
    assert_row(&pyramid, "young", &[56.5, 63.0, 38.1375, 56.0]);
    assert_row(&pyramid, "old", &[33.5, 37.0, 29.4625, 44.0]);
    assert_row(&pyramid, "All bands", &[90.0, 100.0, 67.6, 100.0]);
    let leavers = table_after(&markdown, "hv: leavers by age band");
    assert_row(&leavers, "young", &[6.0, 5.65]);
    assert_row(&leavers, "old", &[20.0, 16.75]);
    assert_row(&leavers, "All bands", &[26.0, 22.4]);
    let files = wfplan::report::solve_outputs(std::path::Path::new(""), &policy).unwrap();
    for chart in ["charts/ages_hv.svg", "charts/leavers_hv.png"] {
        assert!(
            files.iter().any(|(path, _)| path.ends_with(chart)),
            "{chart} missing"
        );
    }
    let svg = files
        .iter()
        .find(|(path, _)| path.ends_with("charts/ages_hv.svg"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .unwrap();
    assert_mentions(&svg, &["hv: staff in post by age band", "2026", "2027"]);

    // compare: the change by band, its sentence, chart and ages_change.csv.
    let impact = wfplan::compare::compare(&base, &policy, "base", "grow", None).unwrap();
    assert_eq!(impact.headline_period, 0, "the target's year, 2026");
    assert_eq!(impact.ages.len(), 1);
    let age = &impact.ages[0];
    for (t, expected) in [(0, [16.0, 0.0]), (1, [10.8, 3.6])] {
        for (got, want) in age.change(t).iter().zip(expected) {
            assert_close(*got, want, REL_TOL);
        }
    }
    assert_eq!(
        wfplan::report::ages::change_sentence(&impact, age, 0).unwrap(),
        "hv in 2026: 16 FTE more under grow than under base, all of them in band young (the youngest)."
    );
    assert_eq!(
        wfplan::report::ages::change_sentence(&impact, age, 1).unwrap(),
        "hv in 2027: 14.4 FTE more under grow than under base, 75% of them in band young (the youngest)."
    );
    // Ages that shift as well as grow: 4 fewer old in 2026 (made up here
    // by editing the policy's pyramid): +12 in all, +16 young, −4 old.
    let mut shifted = age.clone();
    shifted.policy.stock_fte[1][0] -= 4.0;
    assert_eq!(
        wfplan::report::ages::change_sentence(&impact, &shifted, 0).unwrap(),
        "hv in 2026: +12 FTE under grow against base, +16 in band young and −4 in band old: the ages shift as well as the number."
    );
    let files = wfplan::report::impact::impact_files(std::path::Path::new(""), &impact).unwrap();
    let file = |name: &str| {
        files
            .iter()
            .find(|(path, _)| path.ends_with(name))
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let report = file("report.md");
    assert_mentions(
        &report,
        &[
            "Ages: who the change is",
            "hv in 2026: 16 FTE more under grow than under base, all of them in band young",
            "charts/ages_change.png",
        ],
    );
    let change = table_after(&report, "Ages: who the change is");
    // 2026 base, policy, change; 2027 base, policy, change.
    assert_row(&change, "hv", &[40.5, 56.5, 16.0, 27.3375, 38.1375, 10.8]);
    assert!(file("charts/ages_change.svg").contains("Change in staff in post by age band, 2026"));
    let csv = file("ages_change.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "group,period,band,stock_base_fte,stock_policy_fte,stock_change_fte,leavers_base_fte,leavers_policy_fte"
    );
    assert_eq!(lines.len(), 5, "two periods × two bands");
    let row = |period: &str, band: &str| -> Vec<f64> {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&format!("hv,{period},{band},")))
            .unwrap();
        line.split(',')
            .skip(3)
            .map(|v| v.parse().unwrap())
            .collect()
    };
    for (period, band, expected) in [
        ("2026", "young", [40.5, 56.5, 16.0, 6.0, 6.0]),
        ("2026", "old", [33.5, 33.5, 0.0, 20.0, 20.0]),
        ("2027", "young", [27.3375, 38.1375, 10.8, 4.05, 5.65]),
        ("2027", "old", [25.8625, 29.4625, 3.6, 16.75, 16.75]),
    ] {
        for (got, want) in row(period, band).iter().zip(expected) {
            assert!(
                (got - want).abs() < 1e-6,
                "{period} {band}: {got} vs {want}"
            );
        }
    }
}
