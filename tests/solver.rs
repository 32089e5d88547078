//! The solve layer: one HiGHS instance re-solved warm across lexicographic
//! stages, statuses that tell the truth (only an optimum becomes a plan),
//! and solver options.

use std::path::Path;

use good_lp::IntoAffineExpression;
use wfplan::lp::{Family, Row};
use wfplan::model::Model;
use wfplan::solve::{
    run_highs, solve_with, NotOptimal, OptionError, SolverOptions, Status, Unbounded,
    LEXICOGRAPHIC_TOLERANCE,
};

use crate::util::*;

/// A fixture with `[objective]` appended (the fixture must not have one).
fn with_objective(name: &str, objective: &str) -> Model {
    let mut text = fixture_text(name);
    assert!(
        !text
            .lines()
            .any(|line| line.trim_start().starts_with("[objective]")),
        "{name} has its own objective"
    );
    text.push_str(&format!("\n[objective]\nminimise = {objective}\n"));
    load_text(name, &text)
}

/// The error of a solve that must fail.
#[track_caller]
fn solve_error(model: &Model, options: &SolverOptions) -> anyhow::Error {
    match solve_with(model, options) {
        Ok(plan) => panic!(
            "expected an error, got a plan (objective {})",
            plan.objective
        ),
        Err(error) => error,
    }
}

/// Williams' lexicographic optimum (known_optimum.rs derives the figures)
/// through the warm re-solve: stage 1 is the published minimum redundancy
/// 841.8; stage 2, cost with redundancy held at it (within the lexicographic
/// tolerance), lies in [1,441,388.56, 1,441,389.80].
#[test]
fn williams_lexicographic_optimum_through_the_warm_re_solve() {
    let model = with_objective("williams_manpower.toml", r#"["exit(*)", "cost"]"#);
    let plan = solve_with(&model, &SolverOptions::default()).unwrap();
    assert_eq!(plan.stage_objectives.len(), 2);
    assert_close_what("stage 1", plan.stage_objectives[0], 841.8, 1e-4);
    assert_close_what("redundancy", plan.total("exit(*)").unwrap(), 841.8, 1e-4);
    let z2 = plan.stage_objectives[1];
    let (lo, hi) = (1_441_388.556772, 1_441_389.802632);
    assert!(
        z2 >= lo * (1.0 - 1e-6) && z2 <= hi * (1.0 + 1e-6),
        "stage 2: expected within [{lo}, {hi}], got {z2}"
    );
    assert_close_what("cash", plan.cash, z2, 1e-6);
    // The plan's rows are the model's; the objective_bound row HiGHS holds
    // is not one of them.
    assert_eq!(plan.rows.len(), plan.lp.rows.len());
    assert!(plan.row("objective_bound[1]").is_none());
}

/// Solves each stage cold — a fresh HiGHS instance with the earlier stages'
/// objective_bound rows built in from the start — and checks every stage
/// optimum against the warm re-solve's.
#[track_caller]
fn assert_warm_matches_cold(model: &Model, what: &str) {
    let options = SolverOptions::default();
    let warm = solve_with(model, &options).unwrap_or_else(|e| panic!("{what}: {e:#}"));
    let lp = wfplan::lp::build(model);
    assert!(lp.objectives.len() >= 2, "{what}: not lexicographic");
    assert_eq!(warm.stage_objectives.len(), lp.objectives.len());
    let mut bounds: Vec<Row> = Vec::new();
    for (stage, objective) in lp.objectives.iter().enumerate() {
        let cold = run_highs(&lp, objective, &bounds, &options)
            .unwrap_or_else(|status| panic!("{what}: cold stage {}: {status}", stage + 1));
        assert_close_what(
            &format!("{what}: stage {} warm against cold", stage + 1),
            warm.stage_objectives[stage],
            cold.objective,
            1e-7,
        );
        let constant = objective.constant();
        bounds.push(Row {
            name: format!("objective_bound[{}]", stage + 1).into(),
            family: Family::ObjectiveBound,
            expression: objective.clone() - constant,
            lower: f64::NEG_INFINITY,
            upper: cold.objective + LEXICOGRAPHIC_TOLERANCE * cold.objective.abs().max(1.0)
                - constant,
            condition: None,
        });
    }
}

#[test]
fn a_stage_re_solved_warm_matches_a_cold_rebuild() {
    assert_warm_matches_cold(&load_fixture("lexicographic.toml", &[]), "lexicographic");
    assert_warm_matches_cold(
        &with_objective("williams_manpower.toml", r#"["exit(*)", "cost"]"#),
        "williams",
    );
    assert_warm_matches_cold(
        &with_objective(
            "pipeline_supervision.toml",
            r#"["hire(*, *)", "cost", "intake(*)"]"#,
        ),
        "pipeline_supervision, three stages",
    );
    assert_warm_matches_cold(
        &with_objective("move_retention.toml", r#"["stock(*)", "cost"]"#),
        "move_retention",
    );
    assert_warm_matches_cold(
        &with_objective("shared_pool.toml", r#"["cost", "hire(*, *)"]"#),
        "shared_pool",
    );
}

/// The wrapper on its own: Williams' stage 2 re-run warm in the instance
/// that solved stage 1 (new costs, the objective_bound row added in place)
/// reaches the cold optimum from the stage-1 basis, in fewer simplex
/// iterations than a fresh instance needs on the whole programme.
#[test]
fn the_owned_instance_re_solves_warm_from_the_last_basis() {
    use wfplan::solve::{objective_costs, sparse_lp};
    use wfplan::solver::Highs;
    let model = with_objective("williams_manpower.toml", r#"["exit(*)", "cost"]"#);
    let lp = wfplan::lp::build(&model);
    let options = SolverOptions::default();
    let mut warm = Highs::new().unwrap();
    warm.apply(&options).unwrap();
    warm.pass_lp(&sparse_lp(&lp, &lp.objectives[0], &[]))
        .unwrap();
    assert_eq!(warm.run(), Status::Optimal);
    let (values, _) = warm.solution().unwrap();
    let z1 = lp.evaluate(&lp.objectives[0], &values);
    assert_close_what("stage 1", z1, 841.8, 1e-4);
    let bound = z1 + LEXICOGRAPHIC_TOLERANCE * z1.abs().max(1.0);
    let entries: Vec<(usize, f64)> = (&lp.objectives[0])
        .linear_coefficients()
        .map(|(variable, coefficient)| (lp.index_of(variable), coefficient))
        .collect();
    let row = warm.add_row(&entries, f64::NEG_INFINITY, bound).unwrap();
    assert_eq!(row, lp.rows.len());
    let (costs, offset) = objective_costs(&lp, &lp.objectives[1]);
    warm.set_objective(&costs, offset).unwrap();
    assert_eq!(warm.run(), Status::Optimal);
    let warm_iterations = warm.simplex_iterations();
    let (values, duals) = warm.solution().unwrap();
    assert_eq!(duals.len(), lp.rows.len() + 1);
    let z2_warm = lp.evaluate(&lp.objectives[1], &values);
    assert_close_what("objective value", warm.objective_value(), z2_warm, 1e-9);

    let bound_row = Row {
        name: "objective_bound[1]".into(),
        family: Family::ObjectiveBound,
        expression: lp.objectives[0].clone(),
        lower: f64::NEG_INFINITY,
        upper: bound,
        condition: None,
    };
    // Cold without presolve, so both count simplex iterations on the whole
    // programme (a re-run from a valid basis skips presolve).
    let mut cold = Highs::new().unwrap();
    cold.apply(&options).unwrap();
    cold.set_option("presolve", "off").unwrap();
    cold.pass_lp(&sparse_lp(&lp, &lp.objectives[1], &[bound_row]))
        .unwrap();
    assert_eq!(cold.run(), Status::Optimal);
    let (values, _) = cold.solution().unwrap();
    let z2_cold = lp.evaluate(&lp.objectives[1], &values);
    assert_close_what("stage 2 warm against cold", z2_warm, z2_cold, 1e-7);
    assert!(
        warm_iterations < cold.simplex_iterations(),
        "warm {warm_iterations} iterations, cold {}",
        cold.simplex_iterations()
    );

    // Changing a row's bounds in place: loosening the bound to 900 exits
    // lets stage 2 cost no more than before.
    warm.change_row_bounds(row, f64::NEG_INFINITY, 900.0)
        .unwrap();
    assert_eq!(warm.run(), Status::Optimal);
    let (values, _) = warm.solution().unwrap();
    assert!(lp.evaluate(&lp.objectives[1], &values) <= z2_warm + 1e-6);
}

/// One group; hiring costs 10 + salary 5 and each FTE at the end is worth
/// 100, with no hire_max: every hire lowers the objective by 85, without limit.
#[test]
fn a_terminal_value_above_hiring_cost_without_hire_max_is_unbounded() {
    let text = "[model]\nperiods = [\"2026\"]\n\n[[group]]\nid = \"staff\"\nopening = 10\nsalary = 5\nhire_cost = 10\nterminal_value = 100\n";
    let model =
        wfplan::spec::load_str(text, Path::new("models/unbounded.toml"), None, &[]).unwrap();
    let error = solve_error(&model, &SolverOptions::default());
    let unbounded = error
        .downcast_ref::<Unbounded>()
        .unwrap_or_else(|| panic!("expected solve::Unbounded, got: {error:#}"));
    assert_eq!(unbounded.model_file, "models/unbounded.toml");
    let message = format!("{error:#}");
    assert!(
        message.starts_with("models/unbounded.toml: ")
            && message.contains("unbounded")
            && message.contains("terminal_value"),
        "{message}"
    );
    // Also with presolve off (HiGHS then tells unbounded from infeasible itself).
    let mut options = SolverOptions::default();
    options.push_option("presolve=off").unwrap();
    let error = solve_error(&model, &options);
    assert!(error.downcast_ref::<Unbounded>().is_some(), "{error:#}");
}

/// A synthetic model of 200 groups (tens of thousands of columns) cannot be
/// solved in a microsecond: the result is the time-limit status, never a plan.
#[test]
fn a_time_limit_stops_without_a_plan_and_says_so() {
    let generated = wfplan::synthetic::generate(wfplan::synthetic::Shape {
        regions: 0,
        groups: 200,
        services: 100,
        periods: 20,
        seed: 1,
        age_bands: 0,
        integer_intakes: false,
    });
    let folder = tempfile::tempdir().unwrap();
    generated.write_into(folder.path()).unwrap();
    let file = folder.path().join("synthetic.toml");
    let model = wfplan::spec::load_str(&generated.model, &file, None, &[]).unwrap();
    for limit in [0.0, 1e-6] {
        let options = SolverOptions {
            time_limit: Some(limit),
            ..SolverOptions::default()
        };
        let error = solve_error(&model, &options);
        let not_optimal = error
            .downcast_ref::<NotOptimal>()
            .unwrap_or_else(|| panic!("time limit {limit}: expected NotOptimal, got: {error:#}"));
        assert_eq!(not_optimal.status, Status::TimeLimit);
        assert_eq!(not_optimal.time_limit, Some(limit));
        let message = format!("{error:#}");
        assert!(
            message.starts_with(&format!("{}: ", file.display()))
                && message.contains("time limit")
                && message.contains("--time-limit")
                && message.contains("no plan"),
            "{message}"
        );
    }
}

#[test]
fn a_bad_solver_option_is_a_clear_error_naming_it() {
    let model = load_fixture("lexicographic.toml", &[]);
    let cases = [
        ("no_such_option=1", "no option of that name"),
        ("time_limit=soon", "expected a number"),
        ("simplex_iteration_limit=lots", "expected a whole number"),
        ("mip_rel_gap=-1", "refuses this value"),
        ("presolve=sometimes", "refuses this value"),
        ("output_flag=maybe", "expected true or false"),
        ("presolve", "expected KEY=VALUE"),
    ];
    for (text, reason) in cases {
        let mut options = SolverOptions::default();
        let error: anyhow::Error = match options.push_option(text) {
            Err(error) => error.into(),
            Ok(()) => solve_error(&model, &options),
        };
        let option_error = error
            .downcast_ref::<OptionError>()
            .unwrap_or_else(|| panic!("{text}: expected OptionError, got: {error:#}"));
        let message = option_error.to_string();
        assert!(
            message.starts_with(&format!("solver option '{text}'")) && message.contains(reason),
            "{text}: {message}"
        );
    }
    // A good option is accepted and changes nothing in the optimum.
    let mut options = SolverOptions::default();
    options.push_option("presolve=off").unwrap();
    options.push_option("solver=ipm").unwrap();
    let plan = solve_with(&model, &options).unwrap();
    assert_close(plan.objective, 30.0, REL_TOL);
}

/// The command line: the options reach HiGHS, and a bad one is refused
/// before anything is solved, naming the option.
#[test]
fn solver_options_on_the_command_line() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wfplan"))
            .args(args)
            .output()
            .unwrap()
    };
    let fixture = fixture_path("lexicographic.toml");
    let fixture = fixture.to_str().unwrap();
    let output = run(&["solve", fixture, "--solver-option", "no_such_option=1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("solver option 'no_such_option=1': HiGHS has no option of that name"),
        "{stderr}"
    );
    let output = run(&["solve", fixture, "--time-limit=-1"]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--time-limit"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run(&[
        "solve",
        fixture,
        "--time-limit",
        "60",
        "--threads",
        "1",
        "--solver-option",
        "presolve=off",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A cold run of a programme at least `interior_point_columns` wide uses the
/// interior point method, and the runs after it start warm from its
/// crossover basis by simplex. With the threshold lowered to 1 every
/// fixture takes that path: Williams still gives the published minimum cost
/// (£498,677.29) and, lexicographically, the minimum redundancy 841.8 then
/// the cost of known_optimum.rs; the flagship and its pledge the same optima
/// as HiGHS's default simplex (relative 1e-7).
#[test]
fn a_large_programme_starts_by_interior_point_and_re_solves_warm() {
    use wfplan::solve::{solve_with, sparse_lp};
    use wfplan::solver::Highs;
    let ipm = SolverOptions {
        interior_point_columns: 1,
        ..SolverOptions::default()
    };

    // The wrapper: the first run is interior point, the next warm simplex.
    let model = with_objective("williams_manpower.toml", r#""cost""#);
    let lp = wfplan::lp::build(&model);
    let mut highs = Highs::new().unwrap();
    highs.apply(&ipm).unwrap();
    highs
        .pass_lp(&sparse_lp(&lp, &lp.objectives[0], &[]))
        .unwrap();
    assert!(
        ipm.interior_point_for(&highs),
        "a cold run of a wide programme"
    );
    assert!(
        !SolverOptions::default().interior_point_for(&highs),
        "69 columns are not wide"
    );
    highs.set_option("solver", "ipm").unwrap();
    assert_eq!(highs.run(), Status::Optimal);
    assert!(highs.ipm_iterations() > 0);
    assert!(highs.has_valid_basis(), "crossover leaves a basis");
    assert!(!ipm.interior_point_for(&highs), "a warm run stays simplex");
    let mut chosen = ipm.clone();
    chosen.push_option("solver=simplex").unwrap();
    let mut fresh = Highs::new().unwrap();
    fresh
        .pass_lp(&sparse_lp(&lp, &lp.objectives[0], &[]))
        .unwrap();
    assert!(!chosen.interior_point_for(&fresh), "the user's solver wins");

    // Through the solve layer.
    let cost = solve_with(&model, &ipm).unwrap_or_else(|e| panic!("{e:#}"));
    assert_close_what("minimum cost", cost.objective, 498_677.285, 1e-8);
    let lexicographic = with_objective("williams_manpower.toml", r#"["exit(*)", "cost"]"#);
    let plan = solve_with(&lexicographic, &ipm).unwrap_or_else(|e| panic!("{e:#}"));
    let simplex = solve_with(&lexicographic, &SolverOptions::default()).unwrap();
    assert_close_what("stage 1", plan.stage_objectives[0], 841.8, 1e-4);
    assert_close_what(
        "stage 2",
        plan.stage_objectives[1],
        simplex.stage_objectives[1],
        1e-7,
    );
    let flagship =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models/england_community_nursing.toml");
    for scenario in [None, Some("pledge")] {
        let model = wfplan::spec::load(&flagship, scenario, &[]).unwrap();
        let by_ipm = solve_with(&model, &ipm).unwrap_or_else(|e| panic!("{e:#}"));
        let by_simplex = solve_with(&model, &SolverOptions::default()).unwrap();
        assert_close_what("flagship", by_ipm.objective, by_simplex.objective, 1e-7);
    }
}

/// A HiGHS call that fails, or that wfplan refuses to make, is a typed
/// error naming the call — never a panic: a row or column out of range, an
/// objective of the wrong length, arrays that do not match the programme's
/// shape, a model file HiGHS cannot read.
#[test]
fn failing_highs_calls_are_errors_naming_the_call() {
    let mut highs = wfplan::solver::Highs::new().unwrap();
    let error = highs.change_row_bounds(3, 0.0, 1.0).unwrap_err();
    assert_eq!(error.call, "Highs_changeRowBounds");
    assert!(error.to_string().contains("row 3 of 0"), "{error}");
    let error = highs.change_col_bounds(0, 0.0, 1.0).unwrap_err();
    assert_eq!(error.call, "Highs_changeColBounds");
    let error = highs.set_objective(&[1.0, 2.0], 0.0).unwrap_err();
    assert_eq!(error.call, "Highs_changeColsCostByRange");
    assert!(
        error.to_string().contains("2 costs for 0 columns"),
        "{error}"
    );
    let lopsided = wfplan::solver::SparseLp {
        col_cost: vec![1.0, 1.0],
        col_lower: vec![0.0, 0.0],
        col_upper: vec![1.0],
        ..Default::default()
    };
    let error = highs.pass_lp(&lopsided).unwrap_err();
    assert_eq!(error.call, "Highs_passLp");
    assert!(error.to_string().contains("not passed"), "{error}");
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.mps");
    std::fs::write(&garbage, "this is not an MPS file\n").unwrap();
    let error = highs.read_model(&garbage).unwrap_err();
    assert_eq!(error.call, "Highs_readModel");
    assert!(error.to_string().contains("garbage.mps"), "{error}");
}
