//! A scenario's `freeze_until` and the anticipation it removes, on
//! tests/fixtures/freeze.toml (derived by hand in its header).

use wfplan::compare::{compare, Impact};
use wfplan::solution::Solution;

use crate::util::{
    assert_close_what, assert_series, fixture_path, split_csv_line, wfplan, wfplan_in_ok, REL_TOL,
};

fn load(scenario: Option<&str>) -> wfplan::model::Model {
    wfplan::spec::load(&fixture_path("freeze.toml"), scenario, &[]).unwrap()
}

/// Without a freeze the plan moves 40 in 2026, a year before the target:
/// the report calls it anticipation.
#[test]
fn the_plan_anticipates_a_later_target() {
    let base = wfplan::solve::solve(&load(None)).unwrap();
    let policy = wfplan::solve::solve(&load(Some("target"))).unwrap();
    assert_series(&policy, "move(feeder_to_hv)", &[40.0, 60.0]);
    assert_series(&policy, "hire(hv, *)", &[0.0, 0.0]);
    let impact = compare(&base, &policy, "base", "target", None).unwrap();
    assert_eq!(impact.anticipation_periods(), vec![0]);
    let (base_cash, policy_cash) = impact.cash_by_period();
    assert_close_what("cash 2026", policy_cash[0] - base_cash[0], 40.0, REL_TOL);
    assert_close_what("cash 2027", policy_cash[1] - base_cash[1], 60.0, REL_TOL);
    let text = wfplan::compare::narrative(&impact).join("\n");
    assert!(
        text.contains("Anticipation: the plans already differ before 2027"),
        "{text}"
    );
    assert!(text.contains("Health visitors +40 FTE"), "{text}");
}

/// freeze_until = "2027": 2026 is held to the base plan, so 2027 needs 60
/// moves and 40 hires (+£2,460); no anticipation is left.
#[test]
fn freeze_until_holds_the_years_before_to_the_base_plan() {
    let base = wfplan::solve::solve(&load(None)).unwrap();
    let model = load(Some("target_frozen"));
    assert_eq!(model.freeze_until, Some(1));
    let policy = wfplan::solve::solve_frozen(&model, &base, 1, &Default::default()).unwrap();
    assert_series(&policy, "move(feeder_to_hv)", &[0.0, 60.0]);
    assert_series(&policy, "hire(hv, *)", &[0.0, 40.0]);
    assert_series(&policy, "stock(hv)", &[100.0, 200.0]);
    let impact = compare(&base, &policy, "base", "target_frozen", None).unwrap();
    assert!(impact.anticipation_periods().is_empty());
    assert_eq!(impact.frozen_until, Some(1));
    let (base_cash, policy_cash) = impact.cash_by_period();
    assert_close_what("cash 2026", policy_cash[0] - base_cash[0], 0.0, REL_TOL);
    assert_close_what("cash 2027", policy_cash[1] - base_cash[1], 2460.0, REL_TOL);
    let text = wfplan::compare::narrative(&impact).join("\n");
    assert!(
        text.contains("decisions before 2027 are held to the plan of 'base'"),
        "{text}"
    );
    assert!(!text.contains("Anticipation"), "{text}");
}

/// The commands apply it: compare holds the policy to --base's plan, solve
/// to the model as written; a bad period is named.
#[test]
fn compare_and_solve_apply_freeze_until() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("report");
    let output = wfplan(&[
        "compare",
        "tests/fixtures/freeze.toml",
        "--base",
        "base",
        "--policy",
        "target_frozen",
        "--json",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_close_what(
        "cash",
        json["cash"]["change"].as_f64().unwrap(),
        2460.0,
        REL_TOL,
    );
    let output = wfplan(&[
        "solve",
        "tests/fixtures/freeze.toml",
        "--scenario",
        "target_frozen",
        "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(fixture_path("freeze.toml"))
        .unwrap()
        .replace("freeze_until = \"2027\"", "freeze_until = \"2072\"");
    let error = wfplan::spec::load_str(
        &text,
        &fixture_path("freeze.toml"),
        Some("target_frozen"),
        &[],
    )
    .unwrap_err();
    let message = format!("{error:#}");
    assert!(
        message.contains("scenario 'target_frozen', field 'freeze_until': no period '2072'"),
        "{message}"
    );
}

/// freeze.toml with `[model] history = "freeze_history.csv"`: its text,
/// the 'target' plan and its impact against the base plan.
fn history_plans() -> (String, Solution, Impact) {
    let path = fixture_path("freeze.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "discount_rate = 0.1",
        "discount_rate = 0.1\nhistory = \"freeze_history.csv\"",
    );
    let load = |scenario| wfplan::spec::load_str(&text, &path, scenario, &[]).unwrap();
    let base = wfplan::solve::solve(&load(None)).unwrap();
    let policy = wfplan::solve::solve(&load(Some("target"))).unwrap();
    let impact = compare(&base, &policy, "base", "target", None).unwrap();
    (text, policy, impact)
}

/// `[model] history`: each published figure beside both plans (base: 100
/// health visitors in 2027, 'target': 200; everyone 300 in 2026), in the
/// impact and in `solve --out`'s report; a bad period is named.
#[test]
fn published_figures_are_set_beside_the_plans() {
    let (text, policy, impact) = history_plans();
    assert_eq!(impact.history.len(), 2);
    let first = &impact.history[0];
    assert_eq!(first.row.source, "a made-up register");
    assert_close_what("base", first.base, 100.0, REL_TOL);
    assert_close_what("policy", first.policy, 200.0, REL_TOL);
    assert_close_what("published", first.row.value, 190.0, REL_TOL);
    let second = &impact.history[1];
    assert_eq!(second.row.source, "a survey, with a comma");
    assert_close_what("all staff", second.base, 300.0, REL_TOL);
    let markdown = wfplan::report::impact::impact_document(&impact).to_markdown();
    assert!(markdown.contains("| stock(hv) | 2027 | Mar 2028 | 190 | 100 | 200 | −90 | +10 | E | a made-up register | for the test |"), "{markdown}");
    let plan = wfplan::report::plan_report::plan_document(&policy).to_markdown();
    assert!(
        plan.contains("| stock(hv) | 2027 | Mar 2028 | 190 | 200 | +10 |"),
        "{plan}"
    );
    let bad = text.replace(
        "history = \"freeze_history.csv\"",
        "history = \"freeze_history_bad.csv\"",
    );
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("freeze.toml");
    std::fs::write(&model_path, &bad).unwrap();
    std::fs::write(
        dir.path().join("freeze_history_bad.csv"),
        "expr,period,value,published,source,grade,note\nstock(hv),2072,1,x,y,E,z\n",
    )
    .unwrap();
    let message = format!(
        "{:#}",
        wfplan::spec::load(&model_path, None, &[]).unwrap_err()
    );
    assert!(
        message.contains("field 'history', row 2: no period '2072'"),
        "{message}"
    );
}

/// history_fit.csv, from the same hand-worked plans: 'base' has 100 health
/// visitors in 2027 against 190 published (difference −90, relative
/// −90/190), 'target' 200 (+10, +10/190); both have 300 staff in 2026
/// against 310 published (−10, −10/310). compare writes both plans' rows,
/// figure by figure; solve --out writes its own plan's.
#[test]
fn history_fit_sets_each_published_figure_beside_each_plan() {
    let (text, _, impact) = history_plans();
    let tables = wfplan::report::impact::impact_tables(&impact).unwrap();
    let (_, frame) = tables
        .into_iter()
        .find(|(name, _)| name == "history_fit.csv")
        .expect("compare writes history_fit.csv");
    let csv = String::from_utf8(wfplan::tables::to_csv(&mut frame.clone()).unwrap()).unwrap();
    let rows: Vec<Vec<String>> = csv.lines().map(split_csv_line).collect();
    assert_eq!(
        rows[0].join(","),
        "expr,period,published,published_value,scenario,model_value,difference,relative_difference,grade,source,note"
    );
    // (expr, period, scenario, model value, difference, relative difference)
    let expected = [
        ("stock(hv)", "2027", "base", 100.0, -90.0, -90.0 / 190.0),
        ("stock(hv)", "2027", "target", 200.0, 10.0, 10.0 / 190.0),
        (
            "stock(hv) + stock(feeder)",
            "2026",
            "base",
            300.0,
            -10.0,
            -10.0 / 310.0,
        ),
        (
            "stock(hv) + stock(feeder)",
            "2026",
            "target",
            300.0,
            -10.0,
            -10.0 / 310.0,
        ),
    ];
    assert_eq!(rows.len(), 1 + expected.len(), "{csv}");
    for (row, (expr, period, scenario, value, difference, relative)) in
        rows[1..].iter().zip(expected)
    {
        assert_eq!(
            (row[0].as_str(), row[1].as_str(), row[4].as_str()),
            (expr, period, scenario),
            "{csv}"
        );
        let number = |cell: &str| cell.parse::<f64>().unwrap();
        assert_close_what("model value", number(&row[5]), value, REL_TOL);
        assert_close_what("difference", number(&row[6]), difference, REL_TOL);
        assert_close_what("relative difference", number(&row[7]), relative, REL_TOL);
    }
    // solve --out: the plan's own rows, under its scenario's name.
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("freeze.toml");
    std::fs::write(&model_path, &text).unwrap();
    std::fs::copy(
        fixture_path("freeze_history.csv"),
        dir.path().join("freeze_history.csv"),
    )
    .unwrap();
    wfplan_in_ok(
        dir.path(),
        &[
            "solve",
            "freeze.toml",
            "--scenario",
            "target",
            "--out",
            "out",
            "--quiet",
        ],
    );
    let written = std::fs::read_to_string(dir.path().join("out/history_fit.csv")).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 3, "{written}");
    assert!(
        lines[1].starts_with("stock(hv),2027,Mar 2028,190.0,target,200.0,10.0,"),
        "{written}"
    );
    assert!(lines[2].contains(",target,300.0,-10.0,"), "{written}");
}

/// `freeze_until` holds the years before it to the canonical base plan, not
/// to whichever of the equally cheap base plans HiGHS returns:
/// tests/fixtures/tie_break.toml, whose canonical plan (derived in
/// tests/known_optimum.rs, `canonical_plan_*`) hires the 50 extra health
/// visitors of 2026 from pool south and moves nobody, though moving 50
/// assistants on costs the same. `more_frozen` holds 2026 to that plan and
/// needs 20 more in 2027: hired straight in (movement 20 rather than 40
/// through assistants), from south, whose 2027 column weighs less
/// (1.70516… against north's 1.73590…).
#[test]
fn freeze_until_holds_the_canonical_base_plan() {
    let fixture =
        |scenario| wfplan::spec::load(&fixture_path("tie_break.toml"), scenario, &[]).unwrap();
    let base = wfplan::solve::solve(&fixture(None)).unwrap();
    let model = fixture(Some("more_frozen"));
    assert_eq!(model.freeze_until, Some(1));
    let policy = wfplan::solve::solve_frozen(&model, &base, 1, &Default::default()).unwrap();
    assert_series(&policy, "hire(hv, south)", &[50.0, 20.0]);
    assert_series(&policy, "hire(hv, north)", &[0.0, 0.0]);
    assert_series(&policy, "hire(assistant, *)", &[0.0, 0.0]);
    assert_series(&policy, "move(assistant_to_hv)", &[0.0, 0.0]);
    assert_series(&policy, "stock(hv)", &[150.0, 170.0]);
}
