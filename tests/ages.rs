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
