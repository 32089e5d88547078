//! Near-optimal ranges on tests/fixtures/feeder_tie.toml, derived by hand
//! in its header: an exact tie between two feeder groups spans its whole
//! range, a plan without a tie collapses to a point, and a tolerance widens
//! each range by exactly what it buys.

use wfplan::compare::compare;
use wfplan::near_optimal::{ranges, NearOptimal, Tolerance};
use wfplan::solve::SolverOptions;

use crate::util::{assert_close_what, fixture_path};

/// Absolute tolerance on a range's ends: HiGHS's own feasibility tolerance
/// on a plan of a few hundred FTE.
const END_TOL: f64 = 1e-5;

fn near_optimal(policy: &str, tolerance: Tolerance) -> NearOptimal {
    let solve = |scenario: Option<&str>| {
        let model = wfplan::spec::load(&fixture_path("feeder_tie.toml"), scenario, &[]).unwrap();
        wfplan::solve::solve(&model).unwrap()
    };
    let (base, plan) = (solve(None), solve(Some(policy)));
    let impact = compare(&base, &plan, "base", policy, None).unwrap();
    assert_eq!(impact.target_group_id.as_deref(), Some("hv"));
    ranges(&base, &plan, &impact, tolerance, &SolverOptions::default()).unwrap()
}

#[track_caller]
fn assert_range(near: &NearOptimal, key: &str, low: f64, high: f64) {
    let range = near.range(key).unwrap_or_else(|| {
        panic!(
            "no range {key}: {:?}",
            near.ranges.iter().map(|r| &r.key).collect::<Vec<_>>()
        )
    });
    assert_close_what(&format!("{key} least"), range.change_low, low, END_TOL);
    assert_close_what(&format!("{key} most"), range.change_high, high, END_TOL);
}

/// With (almost) no tolerance: the tie spans [0, 100] moves from a (and
/// from b); the group's change is exactly +100.
#[test]
fn an_exact_tie_between_two_feeders_spans_its_whole_range() {
    let near = near_optimal("target", Tolerance::of_cost(1e-9));
    assert_range(&near, "channel:hv:move_in:a_to_hv", 0.0, 100.0);
    assert_range(&near, "channel:hv:move_in:b_to_hv", 0.0, 100.0);
    assert_range(&near, "channel:a:move_out:a_to_hv", -100.0, 0.0);
    assert_range(&near, "group:hv", 100.0, 100.0);
    let tie = near.range("channel:hv:move_in:a_to_hv").unwrap();
    assert!(!tie.robust() && !tie.is_point());
    assert!(near.range("group:hv").unwrap().robust());
    // Two scenarios: one optimum each, then a least and a most per quantity.
    assert_eq!(near.solves, 2 * (1 + 2 * near.ranges.len()));
}

/// Moves from b at £2: the unique optimum takes all 100 from a, and the
/// range collapses to that point.
#[test]
fn without_a_tie_the_range_collapses_to_the_point() {
    let near = near_optimal("target_b_dearer", Tolerance::of_cost(1e-9));
    assert_range(&near, "channel:hv:move_in:a_to_hv", 100.0, 100.0);
    assert_range(&near, "channel:hv:move_in:b_to_hv", 0.0, 0.0);
    let point = near.range("channel:hv:move_in:a_to_hv").unwrap();
    assert!(point.is_point() && point.robust());
}

/// At 0.1%: the base (objective £5,000) may spend £5 on 5 moves from a,
/// the policy (£5,100) £5.10 on 5.1 more moves; so the change in moves
/// from a is in [0 − 5, 100 − 0] and the health visitors' change in
/// [200 − 105, 205.1 − 100] = [95, 105.1]. Without the tie (b at £2), the
/// policy can swap 5.1 moves from a for b at £1 each: [94.9 − 5, 100].
#[test]
fn a_tolerance_widens_each_range_by_what_it_buys() {
    let near = near_optimal("target", Tolerance::of_cost(0.001));
    assert_close_what("allowance base", near.allowance.0, 5.0, 1e-9);
    assert_close_what("allowance policy", near.allowance.1, 5.1, 1e-9);
    assert_range(&near, "channel:hv:move_in:a_to_hv", -5.0, 100.0);
    assert_range(&near, "group:hv", 95.0, 105.1);
    // 105.1 − 95 = 10.1 ≤ 10% of 105.1: narrow, so robust.
    assert!(near.range("group:hv").unwrap().robust());
    let near = near_optimal("target_b_dearer", Tolerance::of_cost(0.001));
    assert_range(&near, "channel:hv:move_in:a_to_hv", 94.9 - 5.0, 100.0);
}

/// 5% of the policy's effect: the policy costs £5,100 against the base's
/// £5,000, an effect of £100, so each scenario may spend £5 more than its
/// least — the base on 5 moves from a, the policy on 5 more. The moves
/// from a change by [0 − 5, 100 − 0] and the health visitors by
/// [200 − 105, 205 − 100] = [95, 105]: the same allowance on both sides,
/// where 0.1% of each cost gave £5 and £5.10.
#[test]
fn a_tolerance_of_the_policys_effect_allows_the_same_on_both_plans() {
    let near = near_optimal("target", Tolerance::of_effect(0.05));
    assert_close_what("allowance base", near.allowance.0, 5.0, 1e-9);
    assert_close_what("allowance policy", near.allowance.1, 5.0, 1e-9);
    assert_range(&near, "channel:hv:move_in:a_to_hv", -5.0, 100.0);
    assert_range(&near, "group:hv", 95.0, 105.0);
    assert_eq!(
        near.tolerance_text(),
        "£5 (5% of the policy's effect on the objective)"
    );
}
