//! Whole numbers: a course that runs or not (a minimum cohort and a fixed
//! cost per run), whole-number intakes, the MIP's status and gap, shadow
//! prices from the LP with the whole numbers fixed, lexicographic stages and
//! infeasibility explanations of MIPs, and the errors of `integer`.
//!
//! Every optimum is derived by hand in the comment above its test, with the
//! optimum of the LP relaxation beside it (solved here with
//! `--solver-option solve_relaxation=true`).
//!
//! tests/fixtures/minimum_cohort.toml: periods 2026, 2027; the course takes
//! 10 to 20 trainees in a year it runs (fixed cost 200 a run, 10 a trainee
//! for the year of training), completes them a year later (completion 1)
//! into `hv` (salary 50, no opening staff, no hires, no attrition); care
//! needs 0 FTE in 2026 and D in 2027, 100 per FTE left unmet; no discount.
//!
//! With x = intake in 2026 and r ∈ {0, 1} its run (an intake in 2027 would
//! complete after the horizon, so it is 0, and so is its run):
//!
//!   cost = 200 r + 10 x + 50 x + 100 (D − x)⁺,   10 r ≤ x ≤ 20 r.

use crate::util::*;
use wfplan::solve::{self, SolverOptions};

/// The linear relaxation of a fixture with settings: every whole-number
/// decision continuous (run r ∈ [0, 1]).
#[track_caller]
fn relaxation(name: &str, sets: &[&str]) -> wfplan::solution::Solution {
    let model = load_fixture(name, sets);
    let mut options = SolverOptions::default();
    options.push_option("solve_relaxation=true").unwrap();
    solve::solve_with(&model, &options).unwrap_or_else(|e| panic!("relaxation of {name}: {e:#}"))
}

/// D = 6, below the minimum cohort.
///
/// MIP: r = 0 ⇒ x = 0, unmet 6, cost 600. r = 1 ⇒ x ≥ 10 > 6, so
/// cost = 200 + 60 x, least at x = 10: 800 > 600. Optimum 600: the course
/// is not run and the 6 FTE are left unmet.
///
/// LP relaxation: r ≥ x/20 is all that binds, so cost = 10 x + 60 x +
/// 100 (6 − x)⁺ = 600 − 30 x for x ≤ 6, rising after: x = 6, r = 0.3,
/// optimum 420 — a fifth of a course run for the six who are needed.
#[test]
fn a_course_below_its_minimum_cohort_is_not_run() {
    let plan = solve_fixture("minimum_cohort.toml", &[]);
    assert_series(&plan, "runs(course)", &[0.0, 0.0]);
    assert_series(&plan, "intake(course)", &[0.0, 0.0]);
    assert_series(&plan, "stock(hv)", &[0.0, 0.0]);
    assert_series(&plan, "unmet(care)", &[0.0, 6.0]);
    assert_series(&plan, "cost.training", &[0.0, 0.0]);
    assert_close_what("penalty", plan.penalty, 600.0, REL_TOL);
    assert_close_what("objective", plan.objective, 600.0, REL_TOL);
    let mip = plan.mip.as_ref().expect("a MIP");
    assert_eq!(plan.status, "optimal");
    assert_eq!(mip.status(), "optimal");
    assert!(mip.stages[0].proven);
    assert_close_what("bound", mip.stages[0].bound, 600.0, 1e-4);
    assert!(mip.gap() <= 1e-4, "gap {}", mip.gap());
    assert_eq!(
        mip.integer_columns, 2,
        "run[course,2026] and run[course,2027]"
    );

    let relaxed = relaxation("minimum_cohort.toml", &[]);
    assert!(relaxed.mip.is_none());
    assert!(
        relaxed.status.contains("linear relaxation"),
        "{}",
        relaxed.status
    );
    assert_series(&relaxed, "intake(course)", &[6.0, 0.0]);
    assert_series(&relaxed, "runs(course)", &[0.3, 0.0]);
    assert_close_what("relaxation objective", relaxed.objective, 420.0, REL_TOL);
}

/// D = 12, above the minimum cohort.
///
/// MIP: r = 0 ⇒ cost 1200. r = 1 ⇒ cost = 200 + 60 x + 100 (12 − x)⁺ =
/// 1400 − 40 x for 10 ≤ x ≤ 12, rising after: x = 12, cost 200 + 120 + 600
/// = 920 (training 320 with the run, salary 600). Optimum 920: run once.
///
/// LP relaxation: cost = 70 x + 100 (12 − x)⁺ (r = x/20), least at x = 12:
/// optimum 840 with r = 0.6.
#[test]
fn a_course_above_its_minimum_cohort_runs() {
    let sets = ["service.care.demand=[0, 12]"];
    let plan = solve_fixture("minimum_cohort.toml", &sets);
    assert_series(&plan, "runs(course)", &[1.0, 0.0]);
    assert_series(&plan, "intake(course)", &[12.0, 0.0]);
    assert_series(&plan, "stock(hv)", &[0.0, 12.0]);
    assert_series(&plan, "unmet(care)", &[0.0, 0.0]);
    assert_series(&plan, "cost.training_course", &[320.0, 0.0]);
    assert_series(&plan, "cost.salary", &[0.0, 600.0]);
    assert_close_what("objective", plan.objective, 920.0, REL_TOL);

    let relaxed = relaxation("minimum_cohort.toml", &sets);
    assert_series(&relaxed, "intake(course)", &[12.0, 0.0]);
    assert_series(&relaxed, "runs(course)", &[0.6, 0.0]);
    assert_close_what("relaxation objective", relaxed.objective, 840.0, REL_TOL);
}

/// Shadow prices of a MIP are those of the LP with the whole numbers fixed.
///
/// D = 6 (r fixed at 0, so intake ≤ 20·0): one more FTE of care in 2027 is
/// one more FTE unmet: service_cover[care,2027] = 100.
/// D = 12 (r fixed at 1, 10 < x = 12 < 20): one more FTE is one more
/// trainee, 10 + 50 = 60. (In the relaxation it also buys 1/20 of a run:
/// 60 + 200/20 = 70.) Finite difference with r held at 1: D = 13 ⇒ x = 13,
/// 200 + 13·60 = 980 = 920 + 60.
#[test]
fn shadow_prices_come_from_the_lp_with_whole_numbers_fixed() {
    let low = solve_fixture("minimum_cohort.toml", &[]);
    assert_shadow(&low, "service_cover[care,2027]", 100.0);
    let high = solve_fixture("minimum_cohort.toml", &["service.care.demand=[0, 12]"]);
    assert_shadow(&high, "service_cover[care,2027]", 60.0);
    let higher = solve_fixture("minimum_cohort.toml", &["service.care.demand=[0, 13]"]);
    assert_finite_difference("care 2027 12 -> 13", high.objective, higher.objective, 60.0);
    let relaxed = relaxation("minimum_cohort.toml", &["service.care.demand=[0, 12]"]);
    assert_shadow(&relaxed, "service_cover[care,2027]", 70.0);

    // Every place that shows them says so.
    let note = high.shadow_price_note().expect("a MIP has a note");
    assert!(note.contains("fixed"), "{note}");
    let summary = wfplan::report::summary::summary_value(&high);
    assert_eq!(summary["shadow_prices"], note);
    assert_eq!(summary["mip"]["status"], "optimal");
    assert_eq!(summary["mip"]["proven_optimal"], true);
    assert_close(summary["mip"]["bound"].as_f64().unwrap(), 920.0, 1e-4);
    assert!(summary["mip"]["gap"].as_f64().unwrap() <= 1e-4);
    assert_eq!(summary["mip"]["mip_rel_gap"], 1e-4);
    assert_eq!(summary["mip"]["whole_number_decisions"][0], "runs(course)");
    assert_eq!(summary["mip"]["courses_run"][0]["runs"][0], 1.0);
    let text = wfplan::report::summary::terminal_summary(&high);
    assert_mentions(
        &text,
        &[
            "MIP: optimal",
            "gap 0.00%",
            "bound 920",
            note,
            "shadow price (integers fixed)",
        ],
    );
    let csv = String::from_utf8(
        wfplan::tables::to_csv(&mut wfplan::tables::rows_frame(&high).unwrap()).unwrap(),
    )
    .unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",shadow_price_note"),
        "{csv}"
    );
    // A linear programme's tables and summary are as they were.
    let lp = solve_fixture("shared_pool.toml", &[]);
    assert!(lp.mip.is_none() && lp.shadow_price_note().is_none());
    let summary = wfplan::report::summary::summary_value(&lp);
    assert!(summary.get("mip").is_none() && summary.get("shadow_prices").is_none());
}

/// Whole-number intakes, D = 12, completion 0.9 (each trainee gives 0.9 FTE).
///
/// With the course run (not running costs 1200): cost = 200 + 10 x +
/// 50·0.9 x + 100 (12 − 0.9 x)⁺ = 1400 − 35 x up to x = 13⅓, then
/// 200 + 55 x. Continuous intake: x = 13⅓, 933⅓. Whole intakes: x = 13
/// ⇒ 200 + 715 + 100·0.3 = 945; x = 14 ⇒ 200 + 770 = 970. Optimum 945:
/// 13 trainees and 0.3 FTE unmet.
/// LP relaxation (r = x/20): 10 x + 65 x − 90 x + 1200 = 1200 − 15 x to
/// x = 13⅓: 1000 − ... = 65·13⅓ = 866⅔.
/// The same with `integer = true` on the pipeline or `[model] integer`.
#[test]
fn whole_number_intakes() {
    let sets = [
        "service.care.demand=[0, 12]",
        "pipeline.course.completion=0.9",
    ];
    let continuous = solve_fixture("minimum_cohort.toml", &sets);
    assert_series(&continuous, "intake(course)", &[40.0 / 3.0, 0.0]);
    assert_close_what(
        "continuous intake",
        continuous.objective,
        2800.0 / 3.0,
        REL_TOL,
    );

    for integer in [
        "pipeline.course.integer=true",
        "model.integer=[\"intake(course)\"]",
    ] {
        let sets = [sets[0], sets[1], integer];
        let plan = solve_fixture("minimum_cohort.toml", &sets);
        assert_series(&plan, "intake(course)", &[13.0, 0.0]);
        assert_series(&plan, "unmet(care)", &[0.0, 0.3]);
        assert_series(&plan, "runs(course)", &[1.0, 0.0]);
        assert_close_what(integer, plan.objective, 945.0, REL_TOL);
        assert_eq!(plan.mip.as_ref().unwrap().integer_columns, 4, "{integer}");
        let relaxed = relaxation("minimum_cohort.toml", &sets);
        assert_close_what("relaxation", relaxed.objective, 2600.0 / 3.0, REL_TOL);
    }
}

/// Lexicographic stages of a MIP: first minimise unmet care, then cost
/// (D = 6). Stage 1: unmet 0 needs x ≥ 6, so r = 1 and x ≥ 10: optimum 0.
/// Stage 2 keeps unmet at 0: x = 10, cost 200 + 60·10 = 800.
#[test]
fn lexicographic_stages_of_a_mip() {
    let plan = solve_fixture(
        "minimum_cohort.toml",
        &["objective.minimise=[\"unmet(*)\", \"cost\"]"],
    );
    assert_close_what("stage 1", plan.stage_objectives[0], 0.0, REL_TOL);
    assert_close_what("stage 2", plan.stage_objectives[1], 800.0, REL_TOL);
    assert_series(&plan, "intake(course)", &[10.0, 0.0]);
    assert_series(&plan, "runs(course)", &[1.0, 0.0]);
    let mip = plan.mip.as_ref().unwrap();
    assert_eq!(mip.stages.len(), 2);
    assert!(mip.stages.iter().all(|s| s.proven));
}

/// An infeasible MIP whose relaxation is feasible: a limit of 5 trainees in
/// 2026 and a hard target of 3 hv in 2027 (D = 6). In whole numbers a run
/// takes at least 10 > 5, and no run gives 0 < 3. The relaxation takes
/// x = 5 with r = 1/4: cost 70 x + 100 (6 − x) = 600 − 30 x at the limit
/// x = 5, 450. The elastic re-solve keeps the whole numbers: the
/// target short by 3 (not run) is cheaper than the limit over by 5 (one run
/// of 10 minus 5), so the target gives way by 3.
#[test]
fn an_infeasible_mip_is_explained_in_whole_numbers() {
    let text = fixture_text("minimum_cohort.toml")
        + "\n[[target]]\nid = \"hv_min\"\nexpr = \"stock(hv)\"\nmin = 3\nat = [\"2027\"]\n\n[[limit]]\nid = \"few\"\nexpr = \"intake(course)\"\nmax = 5\nat = [\"2026\"]\n";
    let model = load_text("minimum_cohort.toml", &text);
    let Err(error) = solve::solve(&model) else {
        panic!("infeasible in whole numbers");
    };
    let infeasible = error
        .downcast_ref::<solve::Infeasible>()
        .unwrap_or_else(|| panic!("{error:#}"));
    assert!(infeasible.note.is_none());
    assert_eq!(infeasible.relaxations.len(), 1, "{infeasible}");
    assert_eq!(infeasible.relaxations[0].row, "target[hv_min,2027]");
    assert_close(infeasible.relaxations[0].amount, 3.0, REL_TOL);

    let mut options = SolverOptions::default();
    options.push_option("solve_relaxation=true").unwrap();
    let relaxed = solve::solve_with(&model, &options).expect("the relaxation is feasible");
    assert_close(relaxed.objective, 450.0, REL_TOL);
}

#[track_caller]
fn load_error(sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match wfplan::spec::load(&fixture_path("minimum_cohort.toml"), None, &sets) {
        Ok(_) => panic!("{sets:?} should be refused"),
        Err(error) => format!("{error:#}"),
    }
}

#[test]
fn integer_on_something_that_is_not_a_decision_is_refused() {
    for (text, why) in [
        ("in_training(course)", "make intake(...) whole instead"),
        ("completions(course)", "make intake(...) whole instead"),
        (
            "cost.salary",
            "costs and penalties follow from the decisions",
        ),
    ] {
        let message = load_error(&[&format!("model.integer=[\"{text}\"]")]);
        assert_mentions(
            &message,
            &[
                "minimum_cohort.toml",
                "[model], field 'integer[0]'",
                text,
                "is not a decision",
                why,
            ],
        );
    }
    let message = load_error(&["model.integer=[\"2 * intake(course)\"]"]);
    assert_mentions(&message, &["field 'integer[0]'", "expected one decision"]);
    let message = load_error(&["model.integer=[\"exit(hv)\"]"]);
    assert_mentions(&message, &["field 'integer[0]'", "selects no decision"]);
    let message = load_error(&["model.integer=[\"intake(corse)\"]"]);
    assert_mentions(&message, &["field 'integer[0]'", "did you mean 'course'"]);
}

#[test]
fn a_minimum_cohort_above_capacity_or_without_one_is_refused() {
    let message = load_error(&["pipeline.course.minimum_cohort=25"]);
    assert_mentions(
        &message,
        &[
            "minimum_cohort.toml",
            "pipeline 'course'",
            "field 'minimum_cohort'",
            "above the capacity (20) in 2026",
        ],
    );
    let text = edited_text("minimum_cohort.toml", &[("capacity = 20\n", "")]);
    let error = wfplan::spec::load_str(&text, &fixture_path("minimum_cohort.toml"), None, &[])
        .expect_err("no capacity");
    assert_mentions(
        &format!("{error:#}"),
        &[
            "pipeline 'course'",
            "field 'minimum_cohort'",
            "needs a `capacity`",
        ],
    );
}

/// Whole numbers that can never hold: a whole-number stock of 10 FTE losing
/// 15% a year (8.5 in 2026, with no way in or out that year). Even with every
/// target, limit and demand free to give way there is no plan in whole
/// numbers, and the explanation says so.
#[test]
fn whole_numbers_that_cannot_hold_are_named_as_the_obstacle() {
    let model = load_fixture(
        "minimum_cohort.toml",
        &[
            "group.hv.opening=10",
            "group.hv.attrition=0.15",
            "model.integer=[\"stock(hv)\"]",
        ],
    );
    let Err(error) = solve::solve(&model) else {
        panic!("no whole-number stock of 8.5");
    };
    let infeasible = error
        .downcast_ref::<solve::Infeasible>()
        .unwrap_or_else(|| panic!("{error:#}"));
    let note = infeasible.note.as_deref().expect("a note");
    assert_mentions(
        note,
        &["no plan in whole numbers", "treats them as continuous"],
    );
    assert_mentions(&infeasible.to_string(), &[note]);
}

/// A MIP stopped by a limit with a whole-number plan in hand keeps the plan
/// and says it is not proved optimal (here HiGHS stops at its first
/// improving solution, `mip_max_improving_sols = 1`, on the whole-number
/// intakes model above, optimum 945): the plan's objective is no better
/// than 945 and the bound no better than the plan. Stopped before any
/// whole-number plan (`mip_max_nodes = 0`), there is no plan, and the error
/// names the limits.
#[test]
fn a_mip_stopped_by_a_limit_says_so() {
    let sets = [
        "service.care.demand=[0, 12]",
        "pipeline.course.completion=0.9",
        "pipeline.course.integer=true",
    ];
    let model = load_fixture("minimum_cohort.toml", &sets);
    let mut options = SolverOptions::default();
    options.push_option("mip_max_improving_sols=1").unwrap();
    let plan = solve::solve_with(&model, &options).expect("a plan in hand");
    let mip = plan.mip.as_ref().unwrap();
    assert_eq!(plan.status, "solution limit reached");
    assert!(!mip.stages[0].proven);
    assert!(plan.objective >= 945.0 - 1e-6, "{}", plan.objective);
    assert!(mip.stages[0].bound <= plan.objective + 1e-6);
    let summary = wfplan::report::summary::summary_value(&plan);
    assert_eq!(summary["status"], "solution limit reached");
    assert_eq!(summary["mip"]["proven_optimal"], false);
    assert_mentions(
        &wfplan::report::summary::terminal_summary(&plan),
        &["MIP: solution limit reached — NOT proved optimal"],
    );

    let mut options = SolverOptions::default();
    options.push_option("mip_max_nodes=0").unwrap();
    let Err(error) = solve::solve_with(&model, &options) else {
        panic!("no plan before any node");
    };
    assert!(
        error.downcast_ref::<solve::NotOptimal>().is_some(),
        "{error:#}"
    );
    assert_mentions(
        &format!("{error:#}"),
        &["before finding any plan in whole numbers", "mip_max_nodes"],
    );
}
