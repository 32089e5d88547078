//! Headcount: `participation` (FTE per head), `heads(g)` in targets and
//! limits, headcount beside FTE in the tables and the summary.
//!
//! tests/fixtures/heads.toml: 100 FTE of hv, participation 0.8 in 2026 and
//! 0.75 in 2027 (so 125 heads at the start); hiring 5 per FTE, salary 10 per
//! FTE-period; no attrition, no exits; a pledge of 150 in 2027.

use crate::util::*;

/// Pledge in heads: heads(hv)_2027 = stock_2027 ÷ 0.75 ≥ 150 ⇒ stock ≥ 112.5.
/// Hiring in 2027 rather than 2026 saves a year's salary, so hire 12.5 in
/// 2027: cost = 100·10 (2026) + 12.5·5 + 112.5·10 (2027) = 1000 + 62.5 +
/// 1125 = 2187.5. Headcount [100/0.8, 112.5/0.75] = [125, 150].
/// Shadow price: one more head is 0.75 FTE more, hired and paid in 2027:
/// 0.75 × (5 + 10) = 11.25 per head.
///
/// Pledge in FTE: stock(hv)_2027 ≥ 150 ⇒ hire 50 in 2027: 1000 + 250 + 1500
/// = 2750, shadow price 15 per FTE; that is 200 heads.
#[test]
fn a_pledge_in_heads_is_not_a_pledge_in_fte() {
    let heads = solve_fixture("heads.toml", &[]);
    assert_series(&heads, "stock(hv)", &[100.0, 112.5]);
    assert_series(&heads, "heads(hv)", &[125.0, 150.0]);
    assert_series(&heads, "hire(hv)", &[0.0, 12.5]);
    assert_close_what("objective", heads.objective, 2187.5, REL_TOL);
    assert_shadow(&heads, "target[pledge,2027]", 11.25);
    let condition = &heads.conditions()[0];
    assert_eq!(condition.unit, "head");

    let fte = solve_fixture("heads.toml", &["target.pledge.expr=\"stock(hv)\""]);
    assert_series(&fte, "stock(hv)", &[100.0, 150.0]);
    assert_series(&fte, "heads(hv)", &[125.0, 200.0]);
    assert_close_what("objective", fte.objective, 2750.0, REL_TOL);
    assert_shadow(&fte, "target[pledge,2027]", 15.0);
    assert_eq!(fte.conditions()[0].unit, "FTE");

    // Finite difference: 151 heads cost 11.25 more.
    let more = solve_fixture("heads.toml", &["target.pledge.min=151"]);
    assert_finite_difference(
        "pledge 150 -> 151 heads",
        heads.objective,
        more.objective,
        11.25,
    );
}

/// Headcount is reported beside FTE: stocks.csv gains `heads`, summary.json
/// `opening_heads` and `heads`, the terminal summary a headcount table.
#[test]
fn headcount_is_reported_beside_fte() {
    let plan = solve_fixture("heads.toml", &[]);
    let csv = String::from_utf8(
        wfplan::tables::to_csv(&mut wfplan::tables::stocks_frame(&plan).unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        csv,
        "group,period,opening_fte,stock_fte,change_fte,heads\nhv,2026,100.0,100.0,0.0,125.0\nhv,2027,100.0,112.5,12.5,150.0\n"
    );
    let summary = wfplan::report::summary::summary_value(&plan);
    assert_eq!(summary["groups"][0]["opening_heads"], 125.0);
    assert_eq!(summary["groups"][0]["heads"][1], 150.0);
    let text = wfplan::report::summary::terminal_summary(&plan);
    assert_mentions(&text, &["Headcount (heads)", "£11 per head"]);

    // Without participation anywhere, the tables are as they were.
    let plain = solve_fixture("shared_pool.toml", &[]);
    let csv = String::from_utf8(
        wfplan::tables::to_csv(&mut wfplan::tables::stocks_frame(&plain).unwrap()).unwrap(),
    )
    .unwrap();
    assert!(
        csv.starts_with("group,period,opening_fte,stock_fte,change_fte\n"),
        "{csv}"
    );
    let summary = wfplan::report::summary::summary_value(&plain);
    assert!(summary["groups"][0].get("heads").is_none());
    // A group without participation counts one head per FTE.
    let model = load_fixture("shared_pool.toml", &[]);
    let plan = solve_model(&model, "shared pool");
    assert_eq!(
        plan.value("heads(ward)").unwrap(),
        plan.value("stock(ward)").unwrap()
    );
}

#[test]
fn participation_outside_zero_one_is_refused() {
    for (value, shown) in [("0", "got 0 in 2026"), ("[0.8, 1.25]", "got 1.25 in 2027")] {
        let sets = vec![format!("group.hv.participation={value}")];
        let error = wfplan::spec::load(&fixture_path("heads.toml"), None, &sets)
            .err()
            .unwrap_or_else(|| panic!("{value} should be refused"));
        assert_mentions(
            &format!("{error:#}"),
            &[
                "heads.toml",
                "group 'hv'",
                "field 'participation'",
                "(0, 1]",
                shown,
            ],
        );
    }
    let sets = vec!["model.integer=[\"heads(hv)\"]".to_string()];
    let error = wfplan::spec::load(&fixture_path("heads.toml"), None, &sets)
        .err()
        .unwrap();
    assert_mentions(&format!("{error:#}"), &["\"heads(hv)\" is not a decision"]);
}
