//! Regions: entities declared once and repeated in each `[[region]]`,
//! parameters by region, national pools, `@ region` and `per_region`.
//! Every optimum here is derived by hand in the comment above its test (the
//! model is tests/fixtures/two_regions.toml unless a test says otherwise).
//!
//! Conventions: one period, no discounting; "s" is stock at the end of the
//! period; a hire costs hire_cost + salary (it is in post for the period).

// The derivations are written as prose with equations, not Markdown lists.
#![allow(clippy::doc_lazy_continuation)]

use std::path::Path;

use crate::util::*;

const FIXTURE: &str = "two_regions.toml";

// ---------------------------------------------------------------------------
// models without regions are unchanged
// ---------------------------------------------------------------------------

/// shared_pool.toml and pipeline_supervision.toml have no `[[region]]`: their
/// optima are those derived in known_optimum.rs (9700 with pool shadow price
/// 190; 3115 with target shadow price 278.75), their rows keep the names
/// `family[entity,period]`, and their tables have no `region` column.
#[test]
fn models_without_regions_are_unchanged() {
    let shared = solve_fixture("shared_pool.toml", &[]);
    assert!(!shared.model.has_regions());
    assert!(shared.model.groups.iter().all(|g| g.region.is_none()));
    assert_close_what("shared_pool objective", shared.objective, 9700.0, REL_TOL);
    assert_shadow(&shared, "pool_supply[grads,2026]", 190.0);
    for row in [
        "stock_balance[ward,2026]",
        "capacity[community,2026]",
        "service_cover[community_care,2026]",
    ] {
        assert!(shared.row(row).is_some(), "no row {row}");
    }
    let columns: Vec<String> = (shared.lp.columns.iter())
        .map(|c| c.name.to_string())
        .collect();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    assert!(columns.contains(&"hire[ward,grads,2026]"), "{columns:?}");

    let pipeline = solve_fixture("pipeline_supervision.toml", &[]);
    assert_close_what("pipeline objective", pipeline.objective, 3115.0, REL_TOL);
    assert_shadow(&pipeline, "target[junior_2027,2027]", 278.75);

    for (name, plan) in [("shared_pool", &shared), ("pipeline", &pipeline)] {
        let stocks = csv(wfplan::tables::stocks_frame(plan));
        assert_eq!(
            stocks[0],
            ["group", "period", "opening_fte", "stock_fte", "change_fte"],
            "{name}"
        );
        let flows = csv(wfplan::tables::flows_frame(plan));
        assert_eq!(
            flows[0],
            ["group", "period", "flow", "channel", "fte"],
            "{name}"
        );
        let deployment = csv(wfplan::tables::deployment_frame(plan));
        assert!(!deployment[0].contains(&"region".to_string()), "{name}");
    }
}

// ---------------------------------------------------------------------------
// two regions sharing a national pool
// ---------------------------------------------------------------------------

/// Derivation (two_regions.toml, one period 2026):
/// London keeps 0.8 · 50 = 40 nurses and needs 60 ⇒ wants 20 hires; the North
/// keeps 0.9 · 20 = 18 and needs 30 ⇒ wants 12. The national pool has
/// 30 < 32. A graduate costs 10 + 120 = 130 in London and 10 + 100 = 110 in
/// the North; it saves 500 of unmet care in London (net 370) and 300 in the
/// North (net 190). Both are worth hiring, London first ⇒ London 20, North
/// 10, North unmet 2.
/// Plan: hire(nurse @ london) 20, hire(nurse @ north) 10; stock London 60,
/// North 28 (national 88); unmet London 0, North 2.
/// Costs: salary 60·120 + 28·100 = 7200 + 2800 = 10000; hire 30 · 10 = 300;
/// cash 10300; penalty 2 · 300 = 600. Objective 10900.
#[test]
fn two_regions_scarce_national_pool_goes_to_london_first() {
    let plan = solve_fixture(FIXTURE, &[]);
    assert_eq!(plan.model.regions.len(), 2);
    assert_eq!(
        plan.model.groups.len(),
        2,
        "nurse in London and in the North"
    );
    assert_eq!(plan.model.pools.len(), 1, "one national pool");
    assert_series(&plan, "hire(nurse @ london, grads)", &[20.0]);
    assert_series(&plan, "hire(nurse @ north, grads)", &[10.0]);
    assert_series(&plan, "hire(*, grads)", &[30.0]);
    assert_series(&plan, "stock(nurse @ london)", &[60.0]);
    assert_series(&plan, "stock(nurse @ north)", &[28.0]);
    assert_series(&plan, "stock(nurse)", &[88.0]);
    assert_series(&plan, "unmet(care @ london)", &[0.0]);
    assert_series(&plan, "unmet(care @ north)", &[2.0]);
    assert_series(&plan, "cost.salary", &[10000.0]);
    assert_series(&plan, "cost.hire", &[300.0]);
    assert_close_what("cash", plan.cash, 10300.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 600.0, REL_TOL);
    assert_close_what("objective", plan.objective, 10900.0, REL_TOL);
}

/// Derivation:
/// * pool_supply[grads,2026]: one more graduate is one more North hire
///   (London is full): −300 unmet + 110 hire and salary = −190; one fewer is
///   one North hire fewer, +190 (North hires 10 lie strictly between 0 and
///   its need of 12) ⇒ shadow price 190.
/// * service_cover[care,north,2026]: one more North FTE of demand is one more
///   unmet FTE: 300.
/// * service_cover[care,london,2026]: London takes one more graduate (+130)
///   from the North (−110), whose unmet rises by 1 (+300): 320 (< 500, so
///   London's care stays met).
/// Finite differences: supply 31 ⇒ 10900 − 190 = 10710; London demand 61 ⇒
/// 10900 + 320.
#[test]
fn two_regions_pool_shadow_price_and_finite_difference() {
    let base = solve_fixture(FIXTURE, &[]);
    assert_shadow(&base, "pool_supply[grads,2026]", 190.0);
    assert_shadow(&base, "service_cover[care,north,2026]", 300.0);
    assert_shadow(&base, "service_cover[care,london,2026]", 320.0);

    let more = solve_edited(FIXTURE, &[("supply = 30", "supply = 31")]);
    assert_series(&more, "hire(nurse @ london, grads)", &[20.0]);
    assert_series(&more, "hire(nurse @ north, grads)", &[11.0]);
    assert_close_what("objective with supply 31", more.objective, 10710.0, REL_TOL);
    // one more unit of supply lowers the cost by the shadow price
    assert_finite_difference(
        "grads supply 31 -> 30",
        more.objective,
        base.objective,
        190.0,
    );

    let london = solve_edited(
        FIXTURE,
        &[("london = 60, north = 30", "london = 61, north = 30")],
    );
    assert_finite_difference("London demand +1", base.objective, london.objective, 320.0);
}

/// The same model written without `[[region]]`, each region's entities given
/// distinct ids by hand, is the same programme: objective 10900 (derivation
/// above), and the same plan.
#[test]
fn two_regions_equal_the_model_flattened_by_hand() {
    let flattened = r#"
[model]
name = "Two regions flattened by hand"
periods = ["2026"]

[[group]]
id = "nurse_london"
opening = 50
attrition = 0.2
salary = 120
hire_cost = 10
from_pools = ["grads"]

[[group]]
id = "nurse_north"
opening = 20
attrition = 0.1
salary = 100
hire_cost = 10
from_pools = ["grads"]

[[pool]]
id = "grads"
supply = 30

[[service]]
id = "care_london"
demand = 60
staffed_by = { nurse_london = 1.0 }
unmet_penalty = 500

[[service]]
id = "care_north"
demand = 30
staffed_by = { nurse_north = 1.0 }
unmet_penalty = 300
"#;
    let flat = solve_model(&load_text(FIXTURE, flattened), "flattened model");
    let regional = solve_fixture(FIXTURE, &[]);
    assert_close_what("flattened objective", flat.objective, 10900.0, REL_TOL);
    assert_close_what(
        "regional objective",
        regional.objective,
        flat.objective,
        REL_TOL,
    );
    assert_series(
        &flat,
        "stock(nurse_london)",
        &series(&regional, "stock(nurse @ london)"),
    );
    assert_series(
        &flat,
        "stock(nurse_north)",
        &series(&regional, "stock(nurse @ north)"),
    );
    assert_series(
        &flat,
        "unmet(care_north)",
        &series(&regional, "unmet(care @ north)"),
    );
    assert_eq!(flat.lp.columns.len(), regional.lp.columns.len());
    assert_eq!(flat.lp.rows.len(), regional.lp.rows.len());
}

/// Salary by region from a CSV with a region column
/// (`period,region,group,value`) is the table `{ london = 120, north = 100 }`:
/// the same plan and objective 10900; the CSV is recorded as an input.
#[test]
fn by_region_parameters_from_a_table_and_from_a_csv_agree() {
    let table = solve_fixture(FIXTURE, &[]);
    let from_csv = solve_edited(
        FIXTURE,
        &[(
            "salary = { london = 120, north = 100 }",
            "salary = \"two_regions_salary.csv\"",
        )],
    );
    assert!(from_csv
        .model
        .inputs
        .iter()
        .any(|p| p.ends_with("two_regions_salary.csv")));
    assert_close_what("objective from CSV", from_csv.objective, 10900.0, REL_TOL);
    for expr in [
        "stock(nurse @ london)",
        "stock(nurse @ north)",
        "hire(nurse @ north, grads)",
        "unmet(care @ north)",
        "cost.salary",
    ] {
        assert_series(&from_csv, expr, &series(&table, expr));
    }
    // a by-region table may itself point at the CSV: each region takes its rows
    let inner = solve_edited(
        FIXTURE,
        &[(
            "salary = { london = 120, north = 100 }",
            "salary = { london = \"two_regions_salary.csv\", north = 100 }",
        )],
    );
    assert_close_what(
        "objective, CSV inside a table",
        inner.objective,
        10900.0,
        REL_TOL,
    );
}

// ---------------------------------------------------------------------------
// `@ region` and `per_region` conditions
// ---------------------------------------------------------------------------

/// Derivation: target `stock(nurse @ north) ≥ 30`. The North needs 12 hires
/// (18 + 12 = 30), leaving 18 for London (58, unmet 2).
/// Costs: salary 58·120 + 30·100 = 6960 + 3000 = 9960; hire 300; unmet
/// 2 · 500 = 1000. Objective 11260.
/// Shadow price of target[north_floor,2026]: one more North nurse (+110, no
/// unmet left to save in the North) takes a graduate from London (−130 +
/// 500 unmet = +370): 480 (London hires 18 lie strictly inside [0, 20]).
/// Finite difference: min 31 ⇒ 11260 + 480.
/// The same bound on the national sum `stock(nurse) ≥ 30` does not bind
/// (88 ≥ 30): objective 10900 and shadow price 0.
#[test]
fn a_target_on_one_region_binds_there() {
    let target = |min: u32, expr: &str| {
        format!("\n[[target]]\nid = \"north_floor\"\nexpr = \"{expr}\"\nmin = {min}\n")
    };
    let solve_with = |extra: String| {
        let text = fixture_text(FIXTURE) + &extra;
        solve_model(&load_text(FIXTURE, &text), &extra)
    };
    let base = solve_with(target(30, "stock(nurse @ north)"));
    assert_series(&base, "stock(nurse @ north)", &[30.0]);
    assert_series(&base, "stock(nurse @ london)", &[58.0]);
    assert_series(&base, "unmet(care @ london)", &[2.0]);
    assert_close_what("objective", base.objective, 11260.0, REL_TOL);
    assert_shadow(&base, "target[north_floor,2026]", 480.0);
    let tight = solve_with(target(31, "stock(nurse @ north)"));
    assert_finite_difference(
        "north floor 30 -> 31",
        base.objective,
        tight.objective,
        480.0,
    );

    let national = solve_with(target(30, "stock(nurse)"));
    assert_close_what("national objective", national.objective, 10900.0, REL_TOL);
    assert_shadow(&national, "target[north_floor,2026]", 0.0);
}

/// Derivation: target `stock(nurse) ≥ 29` with `per_region = true` is two
/// rows, target[floor,london,2026] (London 60 ≥ 29, slack) and
/// target[floor,north,2026] (North 28 < 29: binds). The North hires 11
/// (29, unmet 1), London 19 (59, unmet 1).
/// Costs: salary 59·120 + 29·100 = 7080 + 2900 = 9980; hire 300; unmet
/// 1·500 + 1·300 = 800. Objective 11080 (= 10900 + 180).
/// Shadow price of the North row: one more North nurse (+110 − 300 unmet)
/// taken from London (+370, as above) = 180; London's row: 0.
/// Finite difference: min 30 ⇒ North 30, London 58 (unmet 2):
/// 6960 + 3000 + 300 + 1000 = 11260 = 11080 + 180.
/// Without `per_region` the national sum 88 ≥ 29 does not bind: 10900.
#[test]
fn a_per_region_target_is_one_row_per_region_and_binds_where_short() {
    let target = |min: u32, per_region: bool| {
        format!(
            "\n[[target]]\nid = \"floor\"\nexpr = \"stock(nurse)\"\nmin = {min}\nper_region = {per_region}\n"
        )
    };
    let solve_with = |extra: String| {
        let text = fixture_text(FIXTURE) + &extra;
        solve_model(&load_text(FIXTURE, &text), &extra)
    };
    let base = solve_with(target(29, true));
    assert_series(&base, "stock(nurse @ north)", &[29.0]);
    assert_series(&base, "stock(nurse @ london)", &[59.0]);
    assert_close_what("objective", base.objective, 11080.0, REL_TOL);
    assert_shadow(&base, "target[floor,north,2026]", 180.0);
    assert_shadow(&base, "target[floor,london,2026]", 0.0);
    assert!(base.row("target[floor,2026]").is_none());
    let results = base.conditions();
    assert_eq!(results.len(), 2);
    let north = results
        .iter()
        .find(|r| r.region == Some(1))
        .expect("the North's instance");
    assert_close_what("North activity", north.activity, 29.0, REL_TOL);
    assert_eq!(north.period, "2026");
    let constraints = csv(wfplan::tables::constraints_frame(&base));
    assert_eq!(constraints[0][2], "region");
    assert!(constraints[1..].iter().any(|row| row[2] == "north"));

    let tight = solve_with(target(30, true));
    assert_finite_difference(
        "per-region floor 29 -> 30",
        base.objective,
        tight.objective,
        180.0,
    );

    let national = solve_with(target(29, false));
    assert_close_what("national objective", national.objective, 10900.0, REL_TOL);
}

/// Derivation: target `stock(nurse) ≥ min` with `per_region = true` and
/// min = { london = 55, north = 29 }. The North's row binds as in the test
/// above (28 < 29): North 29 (hires 11, unmet 1), London 59 (hires 19,
/// unmet 1), and London's 59 ≥ 55 is slack. Objective 11080, North shadow
/// price 180 (as above), London 0.
/// Finite differences: north = 30 ⇒ 11260 = 11080 + 180; london = 56 ⇒
/// 11080 (59 ≥ 56 still slack). The same bounds from a CSV with a region
/// column give the same plan.
#[test]
fn a_per_region_target_takes_a_bound_by_region_from_a_table_or_a_csv() {
    let target = |min: &str| {
        format!(
            "\n[[target]]\nid = \"floor\"\nexpr = \"stock(nurse)\"\nmin = {min}\nper_region = true\n"
        )
    };
    let solve_with = |extra: String| {
        let text = fixture_text(FIXTURE) + &extra;
        solve_model(&load_text(FIXTURE, &text), &extra)
    };
    let base = solve_with(target("{ london = 55, north = 29 }"));
    assert_series(&base, "stock(nurse @ north)", &[29.0]);
    assert_series(&base, "stock(nurse @ london)", &[59.0]);
    assert_close_what("objective", base.objective, 11080.0, REL_TOL);
    assert_shadow(&base, "target[floor,north,2026]", 180.0);
    assert_shadow(&base, "target[floor,london,2026]", 0.0);
    let bounds: Vec<(Option<usize>, Option<f64>)> = base
        .conditions()
        .iter()
        .map(|r| (r.region, r.min))
        .collect();
    assert_eq!(bounds, vec![(Some(0), Some(55.0)), (Some(1), Some(29.0))]);

    let north = solve_with(target("{ london = 55, north = 30 }"));
    assert_finite_difference(
        "North's floor 29 -> 30",
        base.objective,
        north.objective,
        180.0,
    );
    let london = solve_with(target("{ london = 56, north = 29 }"));
    assert_finite_difference(
        "London's floor 55 -> 56",
        base.objective,
        london.objective,
        0.0,
    );

    let from_csv = solve_with(target("\"two_regions_floor.csv\""));
    assert_close_what("objective from CSV", from_csv.objective, 11080.0, REL_TOL);
    assert_shadow(&from_csv, "target[floor,north,2026]", 180.0);
}

/// Derivation: limit `stock(nurse) ≤ max` per region with max = { london =
/// 57, north = 40 }. London keeps 40 and may hire 17 (57; unmet 3 at 500);
/// the North hires its 12 (30 ≤ 40, unmet 0): 29 of the 30 graduates.
/// Costs: salary 57·120 + 30·100 = 6840 + 3000 = 9840; hire 29·10 = 290;
/// unmet 3·500 = 1500. Objective 11630.
/// Shadow price of limit[cap,london,2026]: one unit tighter is one London
/// hire fewer (−130) and one more unmet (+500): 370; the North's row: 0.
/// Finite difference: london = 56 ⇒ salary 6720 + 3000, hire 280, unmet
/// 2000: 12000 = 11630 + 370.
#[test]
fn a_per_region_limit_takes_a_bound_by_region() {
    let limit = |max: &str| {
        format!(
            "\n[[limit]]\nid = \"cap\"\nexpr = \"stock(nurse)\"\nmax = {max}\nper_region = true\n"
        )
    };
    let solve_with = |extra: String| {
        let text = fixture_text(FIXTURE) + &extra;
        solve_model(&load_text(FIXTURE, &text), &extra)
    };
    let base = solve_with(limit("{ london = 57, north = 40 }"));
    assert_series(&base, "stock(nurse @ london)", &[57.0]);
    assert_series(&base, "stock(nurse @ north)", &[30.0]);
    assert_series(&base, "unmet(care @ london)", &[3.0]);
    assert_close_what("objective", base.objective, 11630.0, REL_TOL);
    assert_shadow(&base, "limit[cap,london,2026]", 370.0);
    assert_shadow(&base, "limit[cap,north,2026]", 0.0);
    let tight = solve_with(limit("{ london = 56, north = 40 }"));
    assert_close_what("objective, London 56", tight.objective, 12000.0, REL_TOL);
    assert_finite_difference(
        "London's cap 57 -> 56",
        base.objective,
        tight.objective,
        370.0,
    );
}

/// What a policy changes (`policy_change`, which the impact report's
/// headline follows): raising one region's bound of a `per_region` target
/// given by region is one change, of that region's bound (29 → 30 in the
/// North), not a change of the regions' sum; London's unchanged bound is
/// not a change.
#[test]
fn a_change_of_one_regions_bound_is_named_with_its_region() {
    let model = |north: u32| {
        let text = fixture_text(FIXTURE)
            + &format!(
                "\n[[target]]\nid = \"floor\"\nexpr = \"stock(nurse)\"\nmin = {{ london = 55, north = {north} }}\nper_region = true\n"
            );
        load_text(FIXTURE, &text)
    };
    let changes = wfplan::policy_change::changes(&model(29), &model(30));
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].path, "target.floor.min");
    assert_eq!(changes[0].region.as_deref(), Some("North"));
    assert_eq!(changes[0].base, vec![Some(29.0)]);
    assert_eq!(changes[0].policy, vec![Some(30.0)]);
}

/// A bound by region names the file, the condition and the field when a
/// region is unknown or missing, and is refused on a condition that is not
/// `per_region`.
#[test]
fn bounds_by_region_name_unknown_and_missing_regions() {
    let load = |min: &str, per_region: bool| {
        let text = fixture_text(FIXTURE)
            + &format!(
                "\n[[target]]\nid = \"floor\"\nexpr = \"stock(nurse)\"\nmin = {min}\nper_region = {per_region}\n"
            );
        match wfplan::spec::load_str(&text, &fixture_path(FIXTURE), None, &[]) {
            Ok(_) => panic!("expected an error for min = {min}"),
            Err(error) => format!("{error:#}"),
        }
    };
    let unknown = load("{ london = 55, nroth = 29 }", true);
    assert_mentions(
        &unknown,
        &[
            FIXTURE,
            "target 'floor'",
            "field 'min'",
            "no region 'nroth'",
            "did you mean 'north'",
        ],
    );
    let missing = load("{ london = 55 }", true);
    assert_mentions(
        &missing,
        &[
            FIXTURE,
            "target 'floor'",
            "field 'min'",
            "no value for region 'north'",
        ],
    );
    let national = load("{ london = 55, north = 29 }", false);
    assert_mentions(
        &national,
        &[
            FIXTURE,
            "target 'floor'",
            "field 'min'",
            "per_region = true",
        ],
    );
}

// ---------------------------------------------------------------------------
// names and tables
// ---------------------------------------------------------------------------

/// Rows and columns of a regional entity carry its region
/// (`family[id,region,period]`); a national pool's do not. stocks.csv,
/// flows.csv and deployment.csv gain a region column, and the national stock
/// per period (`stock(nurse)`, 88) is the sum of the regional rows (60 + 28).
#[test]
fn rows_carry_the_region_and_national_totals_are_sums_of_regions() {
    let plan = solve_fixture(FIXTURE, &[]);
    for row in [
        "stock_balance[nurse,london,2026]",
        "stock_balance[nurse,north,2026]",
        "capacity[nurse,north,2026]",
        "service_cover[care,london,2026]",
        "pool_supply[grads,2026]",
    ] {
        assert!(plan.row(row).is_some(), "no row {row}");
    }
    assert!(plan.row("stock_balance[nurse,2026]").is_none());
    let columns: Vec<String> = plan.lp.columns.iter().map(|c| c.name.to_string()).collect();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    for column in [
        "stock[nurse,london,2026]",
        "hire[nurse,north,grads,2026]",
        "work[nurse,london,care,london,2026]",
        "unmet[care,north,2026]",
    ] {
        assert!(
            columns.contains(&column),
            "no column {column} in {columns:?}"
        );
    }

    let stocks = csv(wfplan::tables::stocks_frame(&plan));
    assert_eq!(
        stocks[0],
        [
            "group",
            "region",
            "period",
            "opening_fte",
            "stock_fte",
            "change_fte"
        ]
    );
    let national = series(&plan, "stock(nurse)");
    for (t, period) in plan.model.periods.iter().enumerate() {
        let regional: Vec<&Vec<String>> = stocks[1..]
            .iter()
            .filter(|row| row[0] == "nurse" && &row[2] == period)
            .collect();
        assert_eq!(regional.len(), 2, "one row per region");
        let sum: f64 = regional
            .iter()
            .map(|row| row[4].parse::<f64>().unwrap())
            .sum();
        assert_close_what("sum of regional stocks", sum, national[t], REL_TOL);
        assert_close_what("national stock", national[t], 88.0, REL_TOL);
    }

    let flows = csv(wfplan::tables::flows_frame(&plan));
    assert_eq!(flows[0][..3], ["group", "region", "period"]);
    let north_hires: f64 = flows[1..]
        .iter()
        .filter(|row| row[1] == "north" && row[3] == "hire" && row[4] == "grads")
        .map(|row| row[5].parse::<f64>().unwrap())
        .sum();
    assert_close_what("North hires in flows.csv", north_hires, 10.0, REL_TOL);

    let deployment = csv(wfplan::tables::deployment_frame(&plan));
    assert_eq!(deployment[0][..3], ["period", "region", "service"]);
    // each region's unmet row carries its own region's demand
    let north_unmet = deployment[1..]
        .iter()
        .find(|row| row[1] == "north" && row[4] == "unmet")
        .expect("the North's unmet row");
    assert_eq!(north_unmet[7], "30.0");
}

// ---------------------------------------------------------------------------
// errors name the file, the entity and the field
// ---------------------------------------------------------------------------

const FILE: &str = "models/regional.toml";

#[track_caller]
fn load_error(edits: &[(&str, &str)]) -> String {
    let text = edited_text(FIXTURE, edits);
    match wfplan::spec::load_str(&text, Path::new(FILE), None, &[]) {
        Ok(_) => panic!("expected an error, but the model loaded:\n{text}"),
        Err(error) => format!("{error:#}"),
    }
}

#[test]
fn an_unknown_region_in_a_table_is_named() {
    let message = load_error(&[(
        "salary = { london = 120, north = 100 }",
        "salary = { london = 120, north = 100, nroth = 90 }",
    )]);
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'nurse'",
            "field 'salary'",
            "no region 'nroth'",
            "did you mean 'north'",
        ],
    );
}

#[test]
fn a_missing_region_value_is_named() {
    let message = load_error(&[(
        "opening = { london = 50, north = 20 }",
        "opening = { london = 50 }",
    )]);
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'nurse'",
            "field 'opening'",
            "no value for region 'north'",
        ],
    );
    let message = load_error(&[(
        "unmet_penalty = { london = 500, north = 300 }",
        "unmet_penalty = { north = 300 }",
    )]);
    assert_mentions(
        &message,
        &[
            FILE,
            "service 'care'",
            "field 'unmet_penalty'",
            "no value for region 'london'",
        ],
    );
}

#[test]
fn an_unknown_region_after_at_is_named() {
    let text = fixture_text(FIXTURE)
        + "\n[[target]]\nid = \"somewhere\"\nexpr = \"stock(nurse @ nowhere)\"\nmin = 1\n";
    let message = match wfplan::spec::load_str(&text, Path::new(FILE), None, &[]) {
        Ok(_) => panic!("expected an error"),
        Err(error) => format!("{error:#}"),
    };
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'somewhere'",
            "field 'expr'",
            "no region 'nowhere'",
        ],
    );
}

#[test]
fn a_national_pipeline_with_a_from_is_refused() {
    let message = load_error(&[(
        "[[service]]",
        "[[pipeline]]\nid = \"degree\"\nscope = \"national\"\nfrom = \"nurse\"\nto = \"grads\"\nduration = 1\n\n[[service]]",
    )]);
    assert_mentions(
        &message,
        &[
            FILE,
            "pipeline 'degree'",
            "field 'from'",
            "national pipeline",
        ],
    );
    // without `from` it is valid and delivers into the national pool
    let text = edited_text(
        FIXTURE,
        &[(
            "[[service]]",
            "[[pipeline]]\nid = \"degree\"\nscope = \"national\"\nto = \"grads\"\nduration = 1\n\n[[service]]",
        )],
    );
    let model = load_text(FIXTURE, &text);
    assert_eq!(model.pipelines.len(), 1);
    assert!(model.pipelines[0].region.is_none());
}

/// A table by region in a model without regions, and a by-region value on a
/// national pool, are refused naming the entity and field.
#[test]
fn by_region_values_where_there_is_no_region_are_refused() {
    let text = fixture_text("shared_pool.toml").replace("supply = 30", "supply = { london = 30 }");
    let message = match wfplan::spec::load_str(&text, Path::new(FILE), None, &[]) {
        Ok(_) => panic!("expected an error"),
        Err(error) => format!("{error:#}"),
    };
    assert_mentions(
        &message,
        &[
            FILE,
            "pool 'grads'",
            "field 'supply'",
            "declares no [[region]]",
        ],
    );
    let message = load_error(&[("supply = 30", "supply = { london = 10, north = 20 }")]);
    assert_mentions(
        &message,
        &[FILE, "pool 'grads'", "field 'supply'", "one value"],
    );
}

/// The lines of a frame written as CSV, split into cells (no cell here
/// holds a comma).
fn csv(frame: anyhow::Result<polars::prelude::DataFrame>) -> Vec<Vec<String>> {
    let mut frame = frame.expect("building the table");
    let bytes = wfplan::tables::to_csv(&mut frame).expect("writing CSV");
    String::from_utf8(bytes)
        .expect("UTF-8")
        .lines()
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect()
}

/// `validate` lists the regions, and each entity declared once with the
/// regions it exists in (a national pool as national).
#[test]
fn validate_lists_regions_and_where_entities_exist() {
    let model = load_fixture(FIXTURE, &[]);
    let text = wfplan::cmd::validate::describe(&model, 0, 0);
    for part in [
        "2 regions: london (London), north (North)",
        "1 groups: nurse (every region)",
        "1 pools: grads (national)",
        "1 services: care (every region)",
    ] {
        assert!(
            text.contains(part),
            "validate should print {part:?}:\n{text}"
        );
    }
}

/// Links resolve within a region: a regional course seconds and is
/// supervised by its own region's nurses, and its opening cohorts come by
/// region; an entity with `regions = [...]` exists only there; a regional
/// agency serves its own region's service, a national one every region's.
#[test]
fn links_resolve_within_each_region() {
    let text = edited_text(
        FIXTURE,
        &[(
            "[[service]]",
            r#"[[group]]
id = "specialist"
opening = 5
regions = ["north"]

[[pipeline]]
id = "course"
from = "nurse"
to = "grads"
duration = 2
supervision = { group = "nurse", fte_per_trainee = 0.1 }
in_training = { london = [3, 4], north = [1] }

[[pool]]
id = "bank"
kind = "temporary"
rate = 200
serves = ["care"]

[[pool]]
id = "agency"
kind = "temporary"
scope = "national"
rate = 300
serves = ["care"]

[[service]]"#,
        )],
    );
    let model = load_text(FIXTURE, &text);
    let specialists: Vec<_> = model
        .groups
        .iter()
        .filter(|g| g.id == "specialist")
        .collect();
    assert_eq!(specialists.len(), 1);
    assert_eq!(specialists[0].key, "specialist,north");
    assert_eq!(model.pipelines.len(), 2, "one course per region");
    for pipeline in &model.pipelines {
        let region = pipeline.region;
        assert!(region.is_some());
        let from = pipeline.from.expect("a feeder group");
        assert_eq!(model.groups[from].region, region, "{}", pipeline.key);
        let supervisor = pipeline.supervision.as_ref().expect("supervised").group;
        assert_eq!(model.groups[supervisor].region, region, "{}", pipeline.key);
        // delivers into the national pool
        assert_eq!(pipeline.to, wfplan::model::Destination::Pool(0));
    }
    assert_eq!(model.pipelines[0].opening_cohorts, vec![3.0, 4.0]);
    assert_eq!(model.pipelines[1].opening_cohorts, vec![1.0]);
    for pool in model.pools.iter().filter(|p| p.id == "bank") {
        assert_eq!(pool.serves.len(), 1);
        assert_eq!(model.services[pool.serves[0].0].region, pool.region);
    }
    let agency = model.pools.iter().find(|p| p.id == "agency").unwrap();
    assert!(agency.region.is_none());
    assert_eq!(agency.serves.len(), 2, "care in London and in the North");
    // the programme builds and solves
    let plan = solve_model(&model, "model with regional links");
    assert!(plan.row("capacity[nurse,north,2026]").is_some());
    assert!(plan.row("pool_supply[bank,london,2026]").is_some());
}
