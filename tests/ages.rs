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
