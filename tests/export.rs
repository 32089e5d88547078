//! `export`: the LP and MPS text carry every row and the objective constant.
//! (Checked once by hand against HiGHS's own readers: the flagship's MPS and
//! LP files re-solve to wfplan's objective.)

use good_lp::IntoAffineExpression;

use crate::util::fixture_path;

/// The flagship has degree cohorts already in training, whose costs are a
/// constant of the objective.
fn programme() -> (wfplan::model::Model, wfplan::lp::Lp) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models/england_community_nursing.toml");
    let model = wfplan::spec::load(&path, None, &[]).expect("flagship loads");
    let lp = wfplan::lp::build(&model);
    (model, lp)
}

#[test]
fn lp_format_has_every_row_and_the_objective_constant() {
    let (model, lp) = programme();
    let constant = lp.objectives[0].constant();
    assert!(constant > 0.0, "the flagship's objective has a constant");
    let text = wfplan::lp::export::to_lp_format(&lp, &model.name);
    let objective_block = text.split("Subject To").next().unwrap_or_default();
    let (_, last) = objective_block.rsplit_once(" + ").expect("a constant term");
    let written: f64 = last.trim().parse().expect("the constant is a number");
    assert!(
        (written - constant).abs() <= 1e-9 * constant.abs(),
        "wrote {written}, constant {constant}"
    );
    let subject_to = text
        .split("Subject To")
        .nth(1)
        .and_then(|s| s.split("Bounds").next())
        .unwrap_or_default();
    let rows = subject_to
        .lines()
        .filter(|l| l.starts_with(' ') && l.contains(':'))
        .count();
    assert_eq!(rows, lp.rows.len());
    assert!(text.contains(" stock_balance(health_visitor,2010~2f11):"));
}

#[test]
fn mps_format_has_every_row_and_the_objective_constant() {
    let (model, lp) = programme();
    let text = wfplan::lp::export::to_mps_format(&lp, &model.name);
    let rows_section = text
        .split("ROWS\n")
        .nth(1)
        .and_then(|s| s.split("COLUMNS").next())
        .unwrap_or_default();
    assert_eq!(
        rows_section.lines().count(),
        lp.rows.len() + 1,
        "every row plus the objective"
    );
    assert!(
        text.contains(" rhs obj "),
        "objective constant written as the RHS of the objective row"
    );
    assert!(text.contains("stock_balance[health_visitor,2010/11]"));
}

#[test]
fn fixtures_export_without_error() {
    for name in [
        "williams_manpower.toml",
        "pull.toml",
        "pipeline_supervision.toml",
    ] {
        let model = wfplan::spec::load(&fixture_path(name), None, &[]).expect("fixture loads");
        let lp = wfplan::lp::build(&model);
        assert!(wfplan::lp::export::to_mps_format(&lp, &model.name).ends_with("ENDATA\n"));
        assert!(wfplan::lp::export::to_lp_format(&lp, &model.name).ends_with("End\n"));
    }
}
