//! Known-optimum tests: small models whose optimal plan is worked out by hand
//! in the comment above each test (never copied from a solver run), and one
//! textbook model (Williams' manpower planning) checked against its published
//! optimum.
//!
//! Each test asserts the forced plan first (stocks, flows per period), then each
//! cost component, then the objective, so that a failure points at its cause.
//! Shadow-price tests assert the hand-derived marginal cost and then re-solve
//! with the bound tightened by one unit (finite difference).
//!
//! Conventions used in the derivations: "per FTE" costs are per FTE-period;
//! "s_t" is stock at the end of period t; no discounting unless stated.

// The derivations are written as prose with equations, not Markdown lists.
#![allow(clippy::doc_lazy_continuation)]

use crate::util::*;

// ---------------------------------------------------------------------------
// (1) pipeline with supervision load: tests/fixtures/pipeline_supervision.toml
// ---------------------------------------------------------------------------

/// Derivation (pipeline_supervision.toml, periods 2026, 2027):
///
/// * junior cannot hire (hire_max 0), has no opening stock and no attrition, so
///   stock(junior)_2027 = completions_2027 = 0.8 · intake_2026 (duration 1:
///   intake in 2026 is in training in 2026 and completes in 2027).
///   Target junior_2027 ≥ 4 ⇒ intake_2026 ≥ 5; every trainee costs, so
///   intake_2026 = 5, and intake_2027 = 0 (it would complete after the horizon).
/// * in_training_2026 = 5 ⇒ supervision 0.5 · 5 = 2.5 senior FTE in 2026.
///   Senior avail_2026 = stock − 2.5 must cover care demand 10.
///   Options for the 2.5 FTE gap: hire seniors in 2026 at 50 + 100 (2026 salary)
///   + 100 (2027 salary: no exits allowed) = 250 per FTE, or leave care unmet at
///   1000 per FTE. Hiring is cheaper ⇒ hire 2.5 in 2026, unmet 0.
/// * 2027: senior stock 12.5, no trainees, demand 10 ⇒ work 10, surplus 2.5.
///
/// Plan: intake [5, 0]; in_training [5, 0]; stock(junior) [0, 4];
/// hire(senior) [2.5, 0]; stock(senior) [12.5, 12.5]; work [10, 10];
/// surplus(senior) [0, 2.5]; unmet [0, 0].
/// Costs: salary [12.5·100, 12.5·100 + 4·60] = [1250, 1490];
/// hire [2.5·50, 0] = [125, 0]; training [(20 + 30)·5, 0] = [250, 0];
/// cash [1625, 1490] = 3115; penalty 0. Objective 3115.
#[test]
fn pipeline_supervision_forces_senior_hires() {
    let plan = solve_fixture("pipeline_supervision.toml", &[]);
    // forced plan
    assert_series(&plan, "intake(course)", &[5.0, 0.0]);
    assert_series(&plan, "in_training(course)", &[5.0, 0.0]);
    assert_series(&plan, "stock(junior)", &[0.0, 4.0]);
    assert_series(&plan, "hire(senior, *)", &[2.5, 0.0]);
    assert_series(&plan, "stock(senior)", &[12.5, 12.5]);
    assert_series(&plan, "work(senior, care)", &[10.0, 10.0]);
    assert_series(&plan, "surplus(senior)", &[0.0, 2.5]);
    assert_series(&plan, "unmet(care)", &[0.0, 0.0]);
    // cost components
    assert_series(&plan, "cost.salary", &[1250.0, 1490.0]);
    assert_series(&plan, "cost.hire", &[125.0, 0.0]);
    assert_series(&plan, "cost.training", &[250.0, 0.0]);
    assert_series(&plan, "cash", &[1625.0, 1490.0]);
    assert_close_what("cash", plan.cash, 3115.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 0.0, REL_TOL);
    // objective
    assert_close_what("objective", plan.objective, 3115.0, REL_TOL);
}

/// Derivation: same model with unmet_penalty 200 instead of 1000. A senior hired
/// to free supervision capacity still costs 250 over the horizon (see above),
/// now dearer than 200 per unmet FTE ⇒ no hires, unmet 2.5 in 2026.
/// Plan: intake [5, 0]; hire(senior) [0, 0]; stock(senior) [10, 10];
/// work [7.5, 10]; unmet [2.5, 0]; surplus(senior) [0, 0].
/// Costs: salary [1000, 1000 + 240] = [1000, 1240]; hire 0; training [250, 0];
/// cash 2490; penalty 2.5 · 200 = 500. Objective 2990 (= 3115 − 2.5·(250 − 200)).
#[test]
fn pipeline_supervision_leaves_care_unmet_when_penalty_is_cheap() {
    let plan = solve_edited(
        "pipeline_supervision.toml",
        &[("unmet_penalty = 1000", "unmet_penalty = 200")],
    );
    assert_series(&plan, "intake(course)", &[5.0, 0.0]);
    assert_series(&plan, "stock(junior)", &[0.0, 4.0]);
    assert_series(&plan, "hire(senior, *)", &[0.0, 0.0]);
    assert_series(&plan, "stock(senior)", &[10.0, 10.0]);
    assert_series(&plan, "work(senior, care)", &[7.5, 10.0]);
    assert_series(&plan, "unmet(care)", &[2.5, 0.0]);
    assert_series(&plan, "surplus(senior)", &[0.0, 0.0]);
    assert_series(&plan, "cost.salary", &[1000.0, 1240.0]);
    assert_series(&plan, "cost.hire", &[0.0, 0.0]);
    assert_series(&plan, "cost.training", &[250.0, 0.0]);
    assert_series(&plan, "penalty", &[500.0, 0.0]);
    assert_close_what("cash", plan.cash, 2490.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 500.0, REL_TOL);
    assert_close_what("objective", plan.objective, 2990.0, REL_TOL);
}

/// Derivation of the shadow price of target[junior_2027,2027] (base model):
/// raising min from 4 to 5 needs 1/0.8 = 1.25 more trainees in 2026:
///   training 1.25 · (20 + 30)            =  62.50
///   supervision 1.25 · 0.5 = 0.625 FTE, met by hiring at 250 per FTE = 156.25
///   one more junior's 2027 salary        =  60.00
///   total                                 = 278.75
/// The same slope holds for lowering min (intake 3.75, hires 1.875 stay > 0),
/// so the dual is unique. Finite difference: min 5 ⇒ objective 3115 + 278.75.
/// With unmet_penalty 200 the 0.625 FTE is left unmet instead:
///   62.5 + 0.625 · 200 + 60 = 247.5.
#[test]
fn pipeline_target_shadow_price_and_finite_difference() {
    let base = solve_fixture("pipeline_supervision.toml", &[]);
    assert_shadow(&base, "target[junior_2027,2027]", 278.75);
    let tight = solve_fixture("pipeline_supervision.toml", &["target.junior_2027.min=5"]);
    assert_series(&tight, "intake(course)", &[6.25, 0.0]);
    assert_finite_difference(
        "target junior_2027 min 4 -> 5",
        base.objective,
        tight.objective,
        278.75,
    );

    let cheap = solve_edited(
        "pipeline_supervision.toml",
        &[("unmet_penalty = 1000", "unmet_penalty = 200")],
    );
    assert_shadow(&cheap, "target[junior_2027,2027]", 247.5);
}

// ---------------------------------------------------------------------------
// (2) move with retention below 1: tests/fixtures/move_retention.toml
// ---------------------------------------------------------------------------

/// Derivation (move_retention.toml): neither group can hire or exit; a has no
/// attrition, b loses 25% a year; the move a→b keeps 80% (retention 0.8).
/// Let m1, m2 be the moves in 2026, 2027:
///   a1 = 100 − m1,          a2 = 100 − m1 − m2        (cover sa = 30: a_t ≥ 30)
///   b1 = 0.8 m1,            b2 = 0.75 b1 + 0.8 m2 = 0.6 m1 + 0.8 m2
///   cover sb exactly (no unmet): b1 ≥ 40, b2 ≥ 42 (b's surplus is free)
/// Cost = 10(a1 + a2) + 20(b1 + b2) + 5(m1 + m2)
///      = 2000 − 20m1 − 10m2 + 16m1 + 12m1 + 16m2 + 5m1 + 5m2 = 2000 + 13 m1 + 11 m2.
/// m1 ≥ 50 (b1 ≥ 40). At m1 = 50, m2 ≥ (42 − 30)/0.8 = 15. Raising m1 by 1 cuts
/// m2 by 0.6/0.8 = 0.75 and changes cost by 13 − 8.25 = +4.75 > 0 ⇒ m1 = 50,
/// m2 = 15 (a2 = 35 ≥ 30 holds).
/// Plan: move [50, 15]; a [50, 35]; b [40, 42]; surplus(a) [20, 5]; surplus(b) [0, 0].
/// Costs: salary [50·10 + 40·20, 35·10 + 42·20] = [1300, 1190]; move [250, 75].
/// Objective 2000 + 650 + 165 = 2815 (= 1300 + 1190 + 325).
#[test]
fn move_with_retention_below_one() {
    let plan = solve_fixture("move_retention.toml", &[]);
    assert_series(&plan, "move(a -> b)", &[50.0, 15.0]);
    assert_series(&plan, "stock(a)", &[50.0, 35.0]);
    assert_series(&plan, "stock(b)", &[40.0, 42.0]);
    assert_series(&plan, "surplus(a)", &[20.0, 5.0]);
    assert_series(&plan, "surplus(b)", &[0.0, 0.0]);
    assert_series(&plan, "hire(*, *)", &[0.0, 0.0]);
    assert_series(&plan, "cost.salary", &[1300.0, 1190.0]);
    assert_series(&plan, "cost.move", &[250.0, 75.0]);
    assert_close_what("cash", plan.cash, 2815.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 0.0, REL_TOL);
    assert_close_what("objective", plan.objective, 2815.0, REL_TOL);
}

/// Derivation (from the cost 2000 + 13 m1 + 11 m2 above):
/// * service_cover[sb,2027]: one more FTE of sb demand in 2027 needs
///   Δm2 = 1/0.8 = 1.25 ⇒ +11 · 1.25 = 13.75 (m2 = 15 > 0, a2 has 5 spare: the
///   slope is the same both ways, so the dual is unique).
/// * service_cover[sb,2026]: one more FTE in 2026 needs Δm1 = 1.25, which leaves
///   0.75 · 1 more b in 2027 and so Δm2 = −0.75/0.8 = −0.9375:
///   13 · 1.25 − 11 · 0.9375 = 16.25 − 10.3125 = 5.9375.
/// Finite differences: demand [40, 43] ⇒ 2815 + 13.75; demand [41, 42] ⇒ 2815 + 5.9375.
#[test]
fn move_service_cover_shadow_prices_and_finite_differences() {
    let base = solve_fixture("move_retention.toml", &[]);
    assert_shadow(&base, "service_cover[sb,2027]", 13.75);
    assert_shadow(&base, "service_cover[sb,2026]", 5.9375);

    let more_2027 = solve_edited(
        "move_retention.toml",
        &[("demand = [40, 42]", "demand = [40, 43]")],
    );
    assert_series(&more_2027, "move(a -> b)", &[50.0, 16.25]);
    assert_finite_difference(
        "sb demand 2027 +1",
        base.objective,
        more_2027.objective,
        13.75,
    );

    let more_2026 = solve_edited(
        "move_retention.toml",
        &[("demand = [40, 42]", "demand = [41, 42]")],
    );
    assert_series(&more_2026, "move(a -> b)", &[51.25, 14.0625]);
    assert_finite_difference(
        "sb demand 2026 +1",
        base.objective,
        more_2026.objective,
        5.9375,
    );
}

// ---------------------------------------------------------------------------
// (3) shared pool split between two groups: tests/fixtures/shared_pool.toml
// ---------------------------------------------------------------------------

/// Derivation (shared_pool.toml, one period): after attrition the ward keeps
/// 0.8 · 50 = 40 and needs 60 ⇒ 20 hires; community keeps 0.9 · 20 = 18 and needs
/// 30 ⇒ 12 hires. The pool has 30 < 32. A graduate costs 10 + 100 = 110 in either
/// group; in the ward it saves 500 of unmet penalty (net 390), in community 300
/// (net 190). Both are worth hiring, the ward first ⇒ ward 20, community 10,
/// community unmet 2.
/// Plan: hire(ward, grads) 20; hire(community, grads) 10; stock ward 60,
/// community 28; unmet ward_care 0, community_care 2.
/// Costs: salary (60 + 28)·100 = 8800; hire 30 · 10 = 300; cash 9100;
/// penalty 2 · 300 = 600. Objective 9700.
#[test]
fn shared_pool_priority_to_higher_value_group() {
    let plan = solve_fixture("shared_pool.toml", &[]);
    assert_series(&plan, "hire(ward, grads)", &[20.0]);
    assert_series(&plan, "hire(community, grads)", &[10.0]);
    assert_series(&plan, "hire(*, grads)", &[30.0]);
    assert_series(&plan, "stock(ward)", &[60.0]);
    assert_series(&plan, "stock(community)", &[28.0]);
    assert_series(&plan, "unmet(ward_care)", &[0.0]);
    assert_series(&plan, "unmet(community_care)", &[2.0]);
    assert_series(&plan, "cost.salary", &[8800.0]);
    assert_series(&plan, "cost.hire", &[300.0]);
    assert_close_what("cash", plan.cash, 9100.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 600.0, REL_TOL);
    assert_close_what("objective", plan.objective, 9700.0, REL_TOL);
}

/// Derivation:
/// * pool_supply[grads,2026]: one graduate fewer is one community hire fewer:
///   +300 unmet − 110 hire and salary = +190 (both ways: community hires 10 lie
///   strictly between 0 and its need of 12) ⇒ shadow price 190.
/// * service_cover[community_care,2026]: one more FTE is one more unmet FTE: 300.
/// * service_cover[ward_care,2026]: the ward takes one more graduate (+110) from
///   community (−110), whose unmet rises by 1 (+300): 300.
/// Finite differences: supply 29 ⇒ 9700 + 190; community demand 31 ⇒ 9700 + 300.
#[test]
fn shared_pool_supply_shadow_price_and_finite_difference() {
    let base = solve_fixture("shared_pool.toml", &[]);
    assert_shadow(&base, "pool_supply[grads,2026]", 190.0);
    assert_shadow(&base, "service_cover[community_care,2026]", 300.0);
    assert_shadow(&base, "service_cover[ward_care,2026]", 300.0);

    let less = solve_edited("shared_pool.toml", &[("supply = 30", "supply = 29")]);
    assert_series(&less, "hire(ward, grads)", &[20.0]);
    assert_series(&less, "hire(community, grads)", &[9.0]);
    assert_finite_difference(
        "grads supply 30 -> 29",
        base.objective,
        less.objective,
        190.0,
    );

    let more = solve_edited(
        "shared_pool.toml",
        &[(
            "demand = 30\nstaffed_by = { community",
            "demand = 31\nstaffed_by = { community",
        )],
    );
    assert_finite_difference("community demand +1", base.objective, more.objective, 300.0);
}

// ---------------------------------------------------------------------------
// (4) temporary pool (agency): tests/fixtures/temporary_agency.toml
// ---------------------------------------------------------------------------

/// Derivation (temporary_agency.toml, one period): stock = 0.9 · 100 + 0.8 · h
/// (new-starter attrition 20%), h ≤ 5. Ward demand 100.
/// Cost per FTE delivered: a hire (20 + 0.8 · 50)/0.8 = 75; agency 120;
/// unmet 200. So: hire the cap 5 ⇒ stock 94, gap 6; agency all 3 ⇒ unmet 3.
/// Plan: hire [5]; stock [94]; work [94]; temp(agency, ward) [3]; unmet [3];
/// surplus 0.
/// Costs: salary 94 · 50 = 4700; hire 5 · 20 = 100; temp 3 · 120 = 360;
/// cash 5160; penalty 3 · 200 = 600. Objective 5760.
#[test]
fn agency_fills_gap_after_capped_hires() {
    let plan = solve_fixture("temporary_agency.toml", &[]);
    assert_series(&plan, "hire(nurse, *)", &[5.0]);
    assert_series(&plan, "stock(nurse)", &[94.0]);
    assert_series(&plan, "work(nurse, ward)", &[94.0]);
    assert_series(&plan, "surplus(nurse)", &[0.0]);
    assert_series(&plan, "temp(agency, ward)", &[3.0]);
    assert_series(&plan, "unmet(ward)", &[3.0]);
    assert_series(&plan, "cost.salary", &[4700.0]);
    assert_series(&plan, "cost.hire", &[100.0]);
    assert_series(&plan, "cost.temp", &[360.0]);
    assert_close_what("cash", plan.cash, 5160.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 600.0, REL_TOL);
    assert_close_what("objective", plan.objective, 5760.0, REL_TOL);
}

/// Derivation: same model with the agency rate at 250 > 200 unmet penalty:
/// the agency is never used; hires still 5 (75 < 200); unmet 6.
/// Costs: salary 4700; hire 100; temp 0; penalty 1200. Objective 6000.
#[test]
fn agency_unused_when_dearer_than_unmet() {
    let plan = solve_edited("temporary_agency.toml", &[("rate = 120", "rate = 250")]);
    assert_series(&plan, "hire(nurse, *)", &[5.0]);
    assert_series(&plan, "temp(agency, *)", &[0.0]);
    assert_series(&plan, "unmet(ward)", &[6.0]);
    assert_series(&plan, "cost.temp", &[0.0]);
    assert_close_what("cash", plan.cash, 4800.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 1200.0, REL_TOL);
    assert_close_what("objective", plan.objective, 6000.0, REL_TOL);
}

/// Derivation:
/// * pool_supply[agency,2026]: one agency FTE fewer is one unmet FTE more:
///   200 − 120 = 80 (agency 3 > 0 and unmet 3 > 0: same slope both ways).
/// * service_cover[ward,2026]: one more FTE of demand goes unmet: 200.
/// Finite differences: agency supply 2 ⇒ 5760 + 80; demand 101 ⇒ 5760 + 200.
#[test]
fn agency_shadow_prices_and_finite_differences() {
    let base = solve_fixture("temporary_agency.toml", &[]);
    assert_shadow(&base, "pool_supply[agency,2026]", 80.0);
    assert_shadow(&base, "service_cover[ward,2026]", 200.0);

    let less = solve_edited("temporary_agency.toml", &[("supply = 3", "supply = 2")]);
    assert_series(&less, "temp(agency, ward)", &[2.0]);
    assert_series(&less, "unmet(ward)", &[4.0]);
    assert_finite_difference("agency supply 3 -> 2", base.objective, less.objective, 80.0);

    let more = solve_edited("temporary_agency.toml", &[("demand = 100", "demand = 101")]);
    assert_finite_difference(
        "ward demand 100 -> 101",
        base.objective,
        more.objective,
        200.0,
    );
}

// ---------------------------------------------------------------------------
// (5) reduced hours and surplus: tests/fixtures/reduced_hours_surplus.toml
// ---------------------------------------------------------------------------

/// Derivation (reduced_hours_surplus.toml): no exits (no exit_cost), no attrition,
/// no reason to hire. Output of a reduced-hours worker is 0.5, so with r on short
/// time: surplus = stock − 0.5 r − demand.
/// * clerk: surplus = 100 − 0.5 r − 80 = 20 − 0.5 r. Cost r · 1 + 4 · (20 − 0.5 r)
///   = 80 − r: decreasing in r ⇒ r as large as allowed: 2026 the limit
///   short_time_cap (20), 2027 the group's cap (30). Surplus [10, 5].
/// * porter: cost 3 r + 1 · (10 − 0.5 r) = 10 + 2.5 r: increasing ⇒ r = 0,
///   surplus 10 both years.
/// Costs: salary (100 + 50) · 10 = [1500, 1500]; reduced [20, 30];
/// surplus [10·4 + 10·1, 5·4 + 10·1] = [50, 30]. Objective 3000 + 50 + 80 = 3130.
#[test]
fn reduced_hours_versus_surplus() {
    let plan = solve_fixture("reduced_hours_surplus.toml", &[]);
    assert_series(&plan, "stock(clerk)", &[100.0, 100.0]);
    assert_series(&plan, "stock(porter)", &[50.0, 50.0]);
    assert_series(&plan, "hire(*, *)", &[0.0, 0.0]);
    assert_series(&plan, "exit(*)", &[0.0, 0.0]);
    assert_series(&plan, "reduced(clerk)", &[20.0, 30.0]);
    assert_series(&plan, "surplus(clerk)", &[10.0, 5.0]);
    assert_series(&plan, "reduced(porter)", &[0.0, 0.0]);
    assert_series(&plan, "surplus(porter)", &[10.0, 10.0]);
    assert_series(&plan, "work(clerk, clerical)", &[80.0, 80.0]);
    assert_series(&plan, "cost.salary", &[1500.0, 1500.0]);
    assert_series(&plan, "cost.reduced", &[20.0, 30.0]);
    assert_series(&plan, "cost.surplus", &[50.0, 30.0]);
    assert_close_what("cash", plan.cash, 3130.0, REL_TOL);
    assert_close_what("objective", plan.objective, 3130.0, REL_TOL);
}

/// Derivation: limit[short_time_cap,2026] (reduced(clerk) ≤ 20): lowering max to
/// 19 takes one clerk off short time: −1 reduced cost, +0.5 surplus · 4 = +2 ⇒
/// +1. Raising it gives −1 (the group cap 30 is not reached) ⇒ unique dual 1.
/// Finite difference: max 19 ⇒ 3130 + 1.
#[test]
fn reduced_hours_limit_shadow_price_and_finite_difference() {
    let base = solve_fixture("reduced_hours_surplus.toml", &[]);
    assert_shadow(&base, "limit[short_time_cap,2026]", 1.0);
    let tight = solve_fixture(
        "reduced_hours_surplus.toml",
        &["limit.short_time_cap.max=19"],
    );
    assert_series(&tight, "reduced(clerk)", &[19.0, 30.0]);
    assert_series(&tight, "surplus(clerk)", &[10.5, 5.0]);
    assert_finite_difference(
        "short_time_cap 20 -> 19",
        base.objective,
        tight.objective,
        1.0,
    );
}

// ---------------------------------------------------------------------------
// (6) soft targets: tests/fixtures/soft_target.toml
// ---------------------------------------------------------------------------

/// Derivation (soft_target.toml): s1 = 90 + h1, s2 = 0.9 s1 + h2 = 81 + 0.9 h1 + h2
/// (attrition 10%, no exits; demand 80 is always covered). Shortfalls
/// v1 = (110 − s1)+ at 150, v2 = (125 − s2)+ at 80.
/// * h2: costs 20 + 100 = 120 and cuts v2 by 1 (80) ⇒ h2 = 0.
/// * h1 while v1 > 0: 20 + 100 (2026) + 0.9 · 100 (2027) − 150 − 0.9 · 80 = −12
///   ⇒ worth it; once v1 = 0: 210 − 72 = 138 > 0 ⇒ stop. h1 = 20.
/// Plan: hire [20, 0]; stock [110, 99]; grow_2026 met, grow_2027 short by 26.
/// Costs: salary [11000, 9900]; hire [400, 0]; cash 21300;
/// penalty [0, 26 · 80 = 2080]. Objective 23380.
#[test]
fn soft_targets_met_and_violated() {
    let plan = solve_fixture("soft_target.toml", &[]);
    assert_series(&plan, "hire(hv, *)", &[20.0, 0.0]);
    assert_series(&plan, "stock(hv)", &[110.0, 99.0]);
    assert_series(&plan, "surplus(hv)", &[30.0, 19.0]);
    assert_series(&plan, "cost.salary", &[11000.0, 9900.0]);
    assert_series(&plan, "cost.hire", &[400.0, 0.0]);
    assert_series(&plan, "penalty", &[0.0, 2080.0]);
    assert_close_what("cash", plan.cash, 21300.0, REL_TOL);
    assert_close_what("penalty", plan.penalty, 2080.0, REL_TOL);
    assert_close_what("objective", plan.objective, 23380.0, REL_TOL);
}

/// Derivation:
/// * target[grow_2026,2026] (met): one more FTE costs 138 (above), below its
///   penalty 150, so it is still met at min 111: shadow price 138.
/// * target[grow_2027,2027] (violated): one more unit of min is one more unit of
///   shortfall at 80: shadow price 80.
/// Both slopes hold both ways (h1 = 20 > 0, v2 = 26 > 0) ⇒ unique duals.
/// Finite differences: min 111 ⇒ 23380 + 138; min 126 ⇒ 23380 + 80.
#[test]
fn soft_target_shadow_prices_and_finite_differences() {
    let base = solve_fixture("soft_target.toml", &[]);
    assert_shadow(&base, "target[grow_2026,2026]", 138.0);
    assert_shadow(&base, "target[grow_2027,2027]", 80.0);

    let t1 = solve_fixture("soft_target.toml", &["target.grow_2026.min=111"]);
    assert_series(&t1, "hire(hv, *)", &[21.0, 0.0]);
    assert_finite_difference(
        "grow_2026 min 110 -> 111",
        base.objective,
        t1.objective,
        138.0,
    );

    let t2 = solve_fixture("soft_target.toml", &["target.grow_2027.min=126"]);
    assert_series(&t2, "hire(hv, *)", &[20.0, 0.0]);
    assert_finite_difference(
        "grow_2027 min 125 -> 126",
        base.objective,
        t2.objective,
        80.0,
    );
}

// ---------------------------------------------------------------------------
// (7) lexicographic objective: tests/fixtures/lexicographic.toml
// ---------------------------------------------------------------------------

/// Derivation (lexicographic.toml, one period, no attrition):
/// Stage 1, minimise exit(*): stock(a) + stock(b) ≤ 150 with openings 100 + 80
/// and no way down but exits (hiring only adds) ⇒ exits ≥ 30; z1 = 30.
/// Stage 2, minimise cost with exits ≤ 30 (+1e-7 · 30): an exit from a saves
/// 50 − 20 = 30, from b 40 − 30 = 10, and a may lose up to 40 (demand 60)
/// ⇒ all 30 exits from a: stock a 70, b 80.
/// The tolerance lets stage 2 exit 3e-6 more from a: cost 7300 − 9e-5, exits
/// 30 + 3e-6: both within 1e-6 relative.
/// Costs: salary 70 · 50 + 80 · 40 = 6700; exit 30 · 20 = 600; cash 7300.
/// stage_objectives [30, 7300]; objective (first stage) 30.
#[test]
fn lexicographic_exits_then_cost() {
    let plan = solve_fixture("lexicographic.toml", &[]);
    assert_series(&plan, "exit(a)", &[30.0]);
    assert_series(&plan, "exit(b)", &[0.0]);
    assert_series(&plan, "stock(a)", &[70.0]);
    assert_series(&plan, "stock(b)", &[80.0]);
    assert_series(&plan, "hire(*, *)", &[0.0]);
    assert_series(&plan, "cost.salary", &[6700.0]);
    assert_series(&plan, "cost.exit", &[600.0]);
    assert_close_what("cash", plan.cash, 7300.0, REL_TOL);
    assert_eq!(
        plan.stage_objectives.len(),
        2,
        "stage objectives {:?}",
        plan.stage_objectives
    );
    assert_close_what("stage 1 (exits)", plan.stage_objectives[0], 30.0, REL_TOL);
    assert_close_what("stage 2 (cost)", plan.stage_objectives[1], 7300.0, REL_TOL);
    assert_close_what("objective (first stage)", plan.objective, 30.0, REL_TOL);
}

/// Derivation: minimising cost alone, every exit pays (a saves 30, b saves 10)
/// down to demand: exits a 40, b 30; stocks 60, 50 (110 ≤ 150, cap slack).
/// Costs: salary 60·50 + 50·40 = 5000; exit 40·20 + 30·30 = 1700. Objective 6700,
/// below the lexicographic plan's 7300 but with 70 exits instead of 30.
#[test]
fn lexicographic_cost_only_plan_differs() {
    let plan = solve_edited(
        "lexicographic.toml",
        &[(
            r#"minimise = ["exit(*)", "cost"]"#,
            r#"minimise = ["cost"]"#,
        )],
    );
    assert_series(&plan, "exit(a)", &[40.0]);
    assert_series(&plan, "exit(b)", &[30.0]);
    assert_series(&plan, "stock(a)", &[60.0]);
    assert_series(&plan, "stock(b)", &[50.0]);
    assert_series(&plan, "cost.salary", &[5000.0]);
    assert_series(&plan, "cost.exit", &[1700.0]);
    assert_close_what("objective", plan.objective, 6700.0, REL_TOL);
}

// ---------------------------------------------------------------------------
// (8) infeasible model: tests/fixtures/infeasible_target.toml
// ---------------------------------------------------------------------------

/// Derivation (infeasible_target.toml): hv attrition 10%, hires ≤ 10 a year, no
/// pipelines or moves. Most stock: s1 = 90 + 10 = 100, s2 = 0.9 · 100 + 10 = 100.
/// hv_pledge wants stock(hv) ≥ 125 in 2027 ⇒ it must give way by 125 − 100 = 25.
/// The error must name hv_pledge and the amount 25.
#[test]
fn infeasible_target_names_target_and_shortfall() {
    let model = load_fixture("infeasible_target.toml", &[]);
    let err = match wfplan::solve::solve(&model) {
        Ok(plan) => panic!(
            "expected infeasible, got a plan with objective {}",
            plan.objective
        ),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        err.contains("hv_pledge"),
        "error does not name the target hv_pledge:\n{err}"
    );
    let numbers = numbers_in(&err);
    assert!(
        numbers.iter().any(|x| close(*x, 25.0, 1e-3)),
        "error does not state the shortfall 25 (numbers found {numbers:?}):\n{err}"
    );
}

/// Derivation: hv_floor (stock ≥ 50 every year) holds in every plan (stock never
/// falls below 90), so it does not have to give way and must not be blamed.
#[test]
fn infeasible_message_omits_satisfiable_target() {
    let model = load_fixture("infeasible_target.toml", &[]);
    let err = match wfplan::solve::solve(&model) {
        Ok(plan) => panic!(
            "expected infeasible, got a plan with objective {}",
            plan.objective
        ),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        !err.contains("hv_floor"),
        "error blames hv_floor, which can hold:\n{err}"
    );
}

/// Derivation: with the pledge lowered to the reachable 100 the model is feasible
/// and forced: hire 10 in both years, stock [100, 100].
/// Costs: salary [10000, 10000], nothing else. Objective 20000.
#[test]
fn infeasible_target_becomes_feasible_at_reachable_level() {
    let plan = solve_fixture("infeasible_target.toml", &["target.hv_pledge.min=100"]);
    assert_series(&plan, "hire(hv, *)", &[10.0, 10.0]);
    assert_series(&plan, "stock(hv)", &[100.0, 100.0]);
    assert_series(&plan, "cost.salary", &[10000.0, 10000.0]);
    assert_close_what("objective", plan.objective, 20000.0, REL_TOL);
}

// ---------------------------------------------------------------------------
// (9) discounting: tests/fixtures/discounting.toml
// ---------------------------------------------------------------------------

/// Derivation (discounting.toml): discount_rate 0.25 ⇒ factors [1, 1/1.25 = 0.8].
/// 10 nurses are needed by 2027 (demand 50 keeps the opening 50 busy; no attrition).
/// Hire in 2026: 100 + 20 (2026 salary) + 0.8 · 20 = 136 per nurse (discounted).
/// Hire in 2027: 0.8 · (130 + 20) = 120 ⇒ hire late.
/// Plan: hire [0, 10]; stock [50, 60]; surplus [0, 10].
/// Nominal costs: salary [1000, 1200]; hire [0, 1300]; cash [1000, 2500].
/// Discounted: cash = 1000 + 0.8 · 2500 = 3000 = objective.
#[test]
fn discounting_delays_hiring() {
    let plan = solve_fixture("discounting.toml", &[]);
    assert_series(&plan, "hire(nurse, *)", &[0.0, 10.0]);
    assert_series(&plan, "stock(nurse)", &[50.0, 60.0]);
    assert_series(&plan, "surplus(nurse)", &[0.0, 10.0]);
    assert_series(&plan, "cost.salary", &[1000.0, 1200.0]);
    assert_series(&plan, "cost.hire", &[0.0, 1300.0]);
    assert_series(&plan, "cash", &[1000.0, 2500.0]);
    assert_close_what("discounted cash", plan.cash, 3000.0, REL_TOL);
    assert_close_what("objective", plan.objective, 3000.0, REL_TOL);
}

/// Derivation: discount_rate 0: hire in 2026 costs 100 + 20 + 20 = 140 per nurse,
/// in 2027 130 + 20 = 150 ⇒ hire early.
/// Plan: hire [10, 0]; stock [60, 60]; surplus [10, 10].
/// Costs: salary [1200, 1200]; hire [1000, 0]; cash [2200, 1200]. Objective 3400.
#[test]
fn discounting_off_hires_early() {
    let plan = solve_edited(
        "discounting.toml",
        &[("discount_rate = 0.25", "discount_rate = 0")],
    );
    assert_series(&plan, "hire(nurse, *)", &[10.0, 0.0]);
    assert_series(&plan, "stock(nurse)", &[60.0, 60.0]);
    assert_series(&plan, "cost.salary", &[1200.0, 1200.0]);
    assert_series(&plan, "cost.hire", &[1000.0, 0.0]);
    assert_series(&plan, "cash", &[2200.0, 1200.0]);
    assert_close_what("cash", plan.cash, 3400.0, REL_TOL);
    assert_close_what("objective", plan.objective, 3400.0, REL_TOL);
}

/// Derivation: target[nurse_2027,2027] in discounted £: one more nurse in 2027 is
/// one more 2027 hire, 0.8 · (130 + 20) = 120 (hiring it in 2026 would cost 136).
/// Both ways the slope is 120 (hires 10 > 0). Finite difference: min 61 ⇒ 3120.
/// Undiscounted, the marginal nurse is hired in 2026 at 140.
#[test]
fn discounted_target_shadow_price_and_finite_difference() {
    let base = solve_fixture("discounting.toml", &[]);
    assert_shadow(&base, "target[nurse_2027,2027]", 120.0);
    let tight = solve_fixture("discounting.toml", &["target.nurse_2027.min=61"]);
    assert_series(&tight, "hire(nurse, *)", &[0.0, 11.0]);
    assert_finite_difference(
        "nurse_2027 min 60 -> 61",
        base.objective,
        tight.objective,
        120.0,
    );

    let undiscounted = solve_edited(
        "discounting.toml",
        &[("discount_rate = 0.25", "discount_rate = 0")],
    );
    assert_shadow(&undiscounted, "target[nurse_2027,2027]", 140.0);
}

// ---------------------------------------------------------------------------
// Textbook: H.P. Williams, Model Building in Mathematical Programming, 12.5
// (formulation 13.5, solution 14.5): tests/fixtures/williams_manpower.toml
// ---------------------------------------------------------------------------
//
// The fixture states the formulation assumed. Published optima: minimum total
// redundancy 841.8; minimum cost £498,677 (498,677.29 to the penny). An
// independent LP of the same formulation (tests/fixtures/williams_manpower_check.py,
// scipy) reproduces both (841.796875 and 498,677.285319) and gives the other
// figures used below; where a figure is derivable by hand the derivation is given.

const WILLIAMS: &str = "williams_manpower.toml";

fn williams_with_objective(objective: &str) -> wfplan::solution::Solution {
    let mut text = fixture_text(WILLIAMS);
    assert!(
        !text
            .lines()
            .any(|line| line.trim_start().starts_with("[objective]")),
        "the fixture must leave the objective to the tests"
    );
    text.push_str(&format!("\n[objective]\nminimise = {objective}\n"));
    let model = load_text(WILLIAMS, &text);
    solve_model(&model, &format!("{WILLIAMS} with minimise = {objective}"))
}

/// Minimise redundancy: published total 841.8 (checked to 1e-4 relative).
/// Per-year redundancies, unskilled only (442.97, 166.33, 232.5), are those of the
/// book's solution and unique (ranged with the independent LP); nobody semi-skilled
/// or skilled is made redundant.
#[test]
fn williams_minimise_redundancy() {
    let plan = williams_with_objective(r#"["exit(*)"]"#);
    assert_series(&plan, "exit(semi)", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "exit(skilled)", &[0.0, 0.0, 0.0]);
    let exits = series(&plan, "exit(unskilled)");
    for (got, want) in exits.iter().zip([442.96875, 166.328125, 232.5]) {
        assert_close_what("unskilled redundancy", *got, want, 1e-5);
    }
    assert_close_what(
        "total redundancy",
        plan.total("exit(*)").unwrap(),
        841.8,
        1e-4,
    );
    assert_close_what("objective", plan.objective, 841.8, 1e-4);
}

/// Minimise cost: published £498,677.29. The whole plan follows by hand from
/// the order of cheapness (the independent LP agrees, and ranging shows it unique):
/// recruiting is free, so recruit before retraining; retraining unskilled → semi
/// (400, and it saves a 200 redundancy) beats nothing else but is needed only
/// once semi recruitment is at its cap; downgrading is free; overmanning (1500+)
/// and short time cost more than redundancy (200 for unskilled), so every year
/// stock = requirement, surplus = reduced = 0, and only unskilled are made redundant.
/// Year 1: semi keep 0.95 · 1500 = 1425 vs 1400 needed: downgrade the spare 25 to
///   unskilled (free; 12.5 arrive) rather than redundancy at 500. Skilled keep 950
///   vs 1000: recruit 50/0.9 = 500/9 = 55.56. Unskilled: 1800 + 12.5 − 1000 = 812.5
///   redundant. Cost 812.5 · 200 = 162,500.
/// Year 2: skilled 950 + 0.9 · 500 (cap) = 1400 vs 1500: retrain v_SK = 100/0.95
///   = 105.263 (ratio: ≤ 0.25 · 1500, slack). Semi 0.95 · 1400 + 0.8 · 800 (cap)
///   − 105.263 = 1864.737 vs 2000: retrain v_US = 135.263/0.95 = 142.382 (≤ 200).
///   Unskilled 900 − 142.382 − 500 = 257.618 redundant.
///   Cost 257.618 · 200 + 142.382 · 400 + 105.263 · 500 = 51,523.55 + 109,584.49.
/// Year 3: skilled 1425 + 450 = 1875 vs 2000: v_SK = 125/0.95 = 131.579. Semi
///   1900 + 640 − 131.579 = 2408.421 vs 2500: v_US = 91.579/0.95 = 96.399.
///   Unskilled 450 − 96.399 = 353.601 redundant.
///   Cost 353.601 · 200 + 96.399 · 400 + 131.579 · 500 = 70,720.22 + 104,349.03.
/// Total 498,677.285 (published 498,677.29); redundancy 1423.719.
#[test]
fn williams_minimise_cost() {
    let plan = williams_with_objective(r#"["cost"]"#);
    // forced plan
    assert_series(&plan, "stock(unskilled)", &[1000.0, 500.0, 0.0]);
    assert_series(&plan, "stock(semi)", &[1400.0, 2000.0, 2500.0]);
    assert_series(&plan, "stock(skilled)", &[1000.0, 1500.0, 2000.0]);
    assert_series(&plan, "surplus(*)", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "reduced(*)", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "hire(unskilled, *)", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "hire(semi, *)", &[0.0, 800.0, 800.0]);
    assert_series(&plan, "hire(skilled, *)", &[500.0 / 9.0, 500.0, 500.0]);
    assert_series(&plan, "move(semi -> unskilled)", &[25.0, 0.0, 0.0]);
    assert_series(&plan, "move(skilled -> semi)", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "move(skilled -> unskilled)", &[0.0, 0.0, 0.0]);
    assert_series(
        &plan,
        "move(semi -> skilled)",
        &[0.0, 100.0 / 0.95, 125.0 / 0.95],
    );
    let v_us2 = (30.0 + 100.0 / 0.95) / 0.95;
    let v_us3 = (-40.0 + 125.0 / 0.95) / 0.95;
    assert_series(&plan, "move(unskilled -> semi)", &[0.0, v_us2, v_us3]);
    assert_series(&plan, "exit(semi)", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "exit(skilled)", &[0.0, 0.0, 0.0]);
    assert_series(
        &plan,
        "exit(unskilled)",
        &[812.5, 400.0 - v_us2, 450.0 - v_us3],
    );
    assert_close_what(
        "total redundancy",
        plan.total("exit(*)").unwrap(),
        1423.718837,
        1e-6,
    );
    // cost components
    assert_series(&plan, "cost.salary", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "cost.surplus", &[0.0, 0.0, 0.0]);
    assert_series(&plan, "cost.reduced", &[0.0, 0.0, 0.0]);
    assert_series(
        &plan,
        "cost.exit",
        &[162_500.0, 200.0 * (400.0 - v_us2), 200.0 * (450.0 - v_us3)],
    );
    assert_series(
        &plan,
        "cost.move",
        &[
            0.0,
            400.0 * v_us2 + 500.0 * 100.0 / 0.95,
            400.0 * v_us3 + 500.0 * 125.0 / 0.95,
        ],
    );
    // objective
    assert_close_what("objective (published)", plan.objective, 498_677.29, 1e-6);
    assert_close_what("objective (hand)", plan.objective, 498_677.285319, 1e-7);
}

/// Lexicographic: minimise redundancy, then cost. Stage 1 is 841.8 as above.
/// Stage 2's optimum with redundancy held exactly at z1 is 1,441,389.80 (independent
/// LP); with the contract's tolerance (z1 + 1e-7 · z1 = z1 + 8.4e-5 more
/// redundancy allowed) it is 1,441,388.56: each extra redundancy is worth ~14,800
/// in stage 2, so the stage-2 optimum may lie anywhere between those two.
/// The plan keeps redundancy at 841.8 (not the 1423.7 of the cost-only plan).
#[test]
fn williams_lexicographic_redundancy_then_cost() {
    let plan = williams_with_objective(r#"["exit(*)", "cost"]"#);
    assert_eq!(
        plan.stage_objectives.len(),
        2,
        "stage objectives {:?}",
        plan.stage_objectives
    );
    assert_close_what(
        "stage 1 (redundancy)",
        plan.stage_objectives[0],
        841.8,
        1e-4,
    );
    assert_close_what("objective (first stage)", plan.objective, 841.8, 1e-4);
    assert_close_what(
        "total redundancy",
        plan.total("exit(*)").unwrap(),
        841.8,
        1e-4,
    );
    let z2 = plan.stage_objectives[1];
    let (lo, hi) = (1_441_388.556772, 1_441_389.802632);
    assert!(
        z2 >= lo * (1.0 - 1e-6) && z2 <= hi * (1.0 + 1e-6),
        "stage 2 (cost): expected within [{lo}, {hi}], got {z2}"
    );
    assert_close_what("cash", plan.cash, z2, 1e-6);
}

/// A temporary pool serving a service at efficiency 0.5 (`serves` as a table).
///
/// One period, demand 10 FTE of care, no permanent staff (and none can be
/// hired), agency at 100 per
/// FTE with supply 30, unmet care at 1000 per FTE. Each agency FTE delivers
/// 0.5 FTE of care, so covering the demand takes 20 agency FTE (within the
/// supply of 30) costing 2000, against 10 000 for leaving it unmet:
/// temp = 20, unmet = 0, cash = 2000, objective = 2000. With supply 12, the
/// agency delivers 6 and 4 are unmet: 1200 + 4000 = 5200.
#[test]
fn temporary_pool_efficiency_below_one() {
    let text = |supply: u32| {
        format!(
            r#"
[model]
periods = ["2026"]

[[group]]
id = "nurse"
opening = 0
from_pools = []    # no hiring: only the agency can cover

[[pool]]
id = "agency"
kind = "temporary"
supply = {supply}
rate = 100
serves = {{ ward = 0.5 }}

[[service]]
id = "ward"
demand = 10
staffed_by = {{ nurse = 1.0 }}
unmet_penalty = 1000
"#
        )
    };
    let solve = |supply| {
        let model = wfplan::spec::load_str(
            &text(supply),
            std::path::Path::new("agency.toml"),
            None,
            &[],
        )
        .unwrap();
        wfplan::solve::solve(&model).unwrap()
    };
    let plan = solve(30);
    assert_close(plan.total("temp(agency, ward)").unwrap(), 20.0, REL_TOL);
    assert_close(plan.total("unmet(ward)").unwrap() + 1.0, 1.0, REL_TOL);
    assert_close(plan.cash, 2000.0, REL_TOL);
    assert_close(plan.objective, 2000.0, REL_TOL);
    let plan = solve(12);
    assert_close(plan.total("temp(agency, ward)").unwrap(), 12.0, REL_TOL);
    assert_close(plan.total("unmet(ward)").unwrap(), 4.0, REL_TOL);
    assert_close(plan.objective, 5200.0, REL_TOL);
}

/// A terminal value credits the staff in post at the end of the horizon.
///
/// One period; 10 staff, no attrition, salary 5, hire cost 10, at most 4
/// hires, no services. Without a terminal value nobody is hired: cash =
/// 10 × 5 = 50 = objective. With terminal_value = 20 each hire costs
/// 10 + 5 = 15 and is worth 20, so all 4 are hired: cash = 14 × 5 + 4 × 10
/// = 110, terminal value = 14 × 20 = 280, objective = 110 − 280 = −170.
/// With terminal_value = 12 a hire costs more than it is worth: no hires,
/// objective = 50 − 10 × 12 = −70.
#[test]
fn terminal_value_credits_staff_in_post_at_the_end() {
    let solve = |terminal: Option<f64>| {
        let line = terminal
            .map(|v| format!("terminal_value = {v}"))
            .unwrap_or_default();
        let text = format!(
            "[model]\nperiods = [\"2026\"]\n\n[[group]]\nid = \"staff\"\nopening = 10\nsalary = 5\nhire_cost = 10\nhire_max = 4\n{line}\n"
        );
        let model = wfplan::spec::load_str(&text, std::path::Path::new("terminal.toml"), None, &[])
            .unwrap();
        wfplan::solve::solve(&model).unwrap()
    };
    let plan = solve(None);
    assert_close(plan.total("hire(staff)").unwrap() + 1.0, 1.0, REL_TOL);
    assert_close(plan.objective, 50.0, REL_TOL);
    assert_close(plan.terminal_value + 1.0, 1.0, REL_TOL);

    let plan = solve(Some(20.0));
    assert_close(plan.total("hire(staff)").unwrap(), 4.0, REL_TOL);
    assert_close(plan.cash, 110.0, REL_TOL);
    assert_close(plan.terminal_value, 280.0, REL_TOL);
    assert_close(plan.objective, -170.0, REL_TOL);

    let plan = solve(Some(12.0));
    assert_close(plan.total("hire(staff)").unwrap() + 1.0, 1.0, REL_TOL);
    assert_close(plan.objective, -70.0, REL_TOL);
}

// ---------------------------------------------------------------------------
// The canonical plan among equally cheap ones: tests/fixtures/tie_break.toml
// ---------------------------------------------------------------------------

/// Derivation (tie_break.toml, periods 2026, 2027, no discounting). Visiting
/// needs 150 FTE a year and an unmet FTE costs £1,000, more than any way of
/// adding one (at most £2 + £10 a year), so stock(hv) = 150 in both years:
/// 50 more in 2026, none in 2027 (hiring earlier only adds salary). With h_n,
/// h_s the 2026 hires from north and south, h_a the assistants hired and m
/// the assistants moved on (stock(assistant) = h_a − m = 0, since an assistant
/// kept costs £10 and does nothing):
///
///   h_n + h_s + m = 50,  cash = 2·150·10 + 2·(h_n + h_s) + 1·h_a + 1·m
///                             = 3000 + 2·(50 − m) + 2·m = 3100 for every m ∈ [0, 50].
///
/// So the cost leaves m, and the split north/south, open. Stage A of the
/// canonical plan minimises movement = h_n + h_s + h_a + m = (50 − m) + 2·m
/// = 50 + m: m = 0, h_a = 0, movement 50. Stage B minimises Σ w_j·x_j with
/// h_n + h_s = 50 and everything else fixed: the whole 50 go to the column
/// of smaller weight, w(hire[hv,south,2026]) = 1.77900… <
/// w(hire[hv,north,2026]) = 1.87614… (`canonical_weights_are_fixed_by_name`):
/// h_s = 50, h_n = 0.
#[test]
fn canonical_plan_moves_least_then_follows_the_fixed_weights() {
    let plan = solve_fixture("tie_break.toml", &[]);
    assert_series(&plan, "stock(hv)", &[150.0, 150.0]);
    assert_series(&plan, "move(assistant_to_hv)", &[0.0, 0.0]);
    assert_series(&plan, "hire(assistant, *)", &[0.0, 0.0]);
    assert_series(&plan, "stock(assistant)", &[0.0, 0.0]);
    assert_series(&plan, "hire(hv, south)", &[50.0, 0.0]);
    assert_series(&plan, "hire(hv, north)", &[0.0, 0.0]);
    assert_series(&plan, "cost.salary", &[1500.0, 1500.0]);
    assert_series(&plan, "cost.hire", &[100.0, 0.0]);
    assert_series(&plan, "cost.move", &[0.0, 0.0]);
    assert_close_what("cash", plan.cash, 3100.0, REL_TOL);
    let movement = plan.movement.expect("the canonical plan is on by default");
    assert_close_what("least total movement", movement, 50.0, REL_TOL);
}

/// The weights of stage B are fixed by the column's name: the values here
/// were computed apart from wfplan (FNV-1a 64 of the name's bytes, then
/// splitmix64's finaliser, 1 + top 53 bits / 2^53; docs/DESIGN.md §5), so a
/// change to the rule, which would move the canonical plan, fails here.
#[test]
fn canonical_weights_are_fixed_by_name() {
    use wfplan::solve::tie_break_weight;
    for (name, weight) in [
        ("hire[hv,north,2026]", 1.8761465461771158),
        ("hire[hv,south,2026]", 1.779004643613503),
        ("stock[hv,2026]", 1.2863781244307746),
        ("", 1.7636945250957474),
    ] {
        assert_eq!(tie_break_weight(name), weight, "{name}");
    }
}

/// With `--any-optimum` (`SolverOptions::canonical` off) the plan is
/// whichever optimum HiGHS returns: it costs the same (3100), and no
/// movement is reported for it.
#[test]
fn any_optimum_skips_the_canonical_plan_at_the_same_cost() {
    let model = load_fixture("tie_break.toml", &[]);
    let options = wfplan::solve::SolverOptions {
        canonical: false,
        ..Default::default()
    };
    let plan = wfplan::solve::solve_with(&model, &options).unwrap();
    assert_close_what("cash", plan.cash, 3100.0, REL_TOL);
    assert_series(&plan, "stock(hv)", &[150.0, 150.0]);
    assert_eq!(plan.movement, None);
}
