//! The workbook of `--xlsx FILE` on `solve`, `compare`, `sweep`,
//! `simulate` and `merge`: the same tables as the CSV files, one sheet each
//! (`xlsx::write_workbook`), after a first sheet saying what the workbook
//! holds and how its money is stated.

use anyhow::Result;

use wfplan_analysis::compare::Impact;
use wfplan_engine::solution::Solution;
use wfplan_engine::tables;
use wfplan_model::finance::Finance;
use wfplan_model::model::Model;
use wfplan_model::xlsx::{self, Sheet};

/// The plan's tables, each sheet named `prefix` + table (stocks, flows,
/// deployment, costs, costs_by_group, constraints: targets and limits with
/// their shadow prices).
pub fn plan_sheets(solution: &Solution, prefix: &str) -> Result<Vec<Sheet>> {
    Ok(vec![
        (format!("{prefix}stocks"), tables::stocks_frame(solution)?),
        (format!("{prefix}flows"), tables::flows_frame(solution)?),
        (
            format!("{prefix}deployment"),
            tables::deployment_frame(solution)?,
        ),
        (format!("{prefix}costs"), tables::costs_frame(solution)?),
        (
            format!("{prefix}costs_by_group"),
            super::finance::plan_costs_frame(solution)?,
        ),
        (
            format!("{prefix}constraints"),
            tables::constraints_frame(solution)?,
        ),
    ])
}

/// How the workbook's money is stated, for its first sheet.
fn money_rows(finance: &Finance, currency: &str, discount_rate: f64) -> Vec<(String, String)> {
    vec![
        ("currency".to_string(), currency.to_string()),
        (
            "cash".to_string(),
            "outturn prices: what is paid in each year".to_string(),
        ),
        (
            "real".to_string(),
            match (&finance.price_base, &finance.real_prices) {
                (Some(base), Some(shown)) if shown != base => format!(
                    "{shown} prices, restated from the {base} prices the model's money is written in (discounted amounts and shadow prices stay in {base} prices)"
                ),
                (Some(base), _) => format!("{base} prices (the model's money is written in them)"),
                (None, _) => {
                    "prices as written (no [finance] section: cash and real are the same)"
                        .to_string()
                }
            },
        ),
        (
            "discounted".to_string(),
            format!(
                "present value at the first period, real, at {}% a year{}",
                wfplan_text::number::format_number(discount_rate * 100.0),
                finance
                    .discount_rate_source
                    .as_ref()
                    .map(|source| format!(" ({source})"))
                    .unwrap_or_default()
            ),
        ),
        (
            "units".to_string(),
            "each header gives its unit: FTE, or the currency and the basis".to_string(),
        ),
    ]
}

/// The workbook of one plan.
pub fn solve_workbook(solution: &Solution, scenario: Option<&str>) -> Result<Vec<u8>> {
    let model = &solution.model;
    let mut about = vec![
        ("model".to_string(), model.name.clone()),
        (
            "scenario".to_string(),
            scenario
                .unwrap_or("base (the model as written)")
                .to_string(),
        ),
    ];
    about.extend(money_rows(
        &model.finance,
        &model.currency,
        model.discount_rate,
    ));
    xlsx::write_workbook(&about, &plan_sheets(solution, "")?, &model.currency)
}

/// The workbook of an impact report: the impact tables, then each
/// scenario's plan (sheets prefixed "base " and "policy ").
pub fn compare_workbook(impact: &Impact, base: &Solution, policy: &Solution) -> Result<Vec<u8>> {
    let model = &policy.model;
    let mut about = vec![
        ("model".to_string(), model.name.clone()),
        ("policy".to_string(), impact.policy.clone()),
        ("base".to_string(), impact.base.clone()),
    ];
    about.extend(money_rows(
        &model.finance,
        &model.currency,
        model.discount_rate,
    ));
    let mut sheets = super::impact::impact_tables(impact)?;
    sheets.extend(plan_sheets(base, "base ")?);
    sheets.extend(plan_sheets(policy, "policy ")?);
    xlsx::write_workbook(&about, &sheets, &model.currency)
}

/// The first sheet of a run of many solves (`sweep`, `simulate`): the
/// model, what was run (label, text), then the model's money conventions.
/// A shard records it in its partition so that `merge --xlsx` writes the
/// same workbook as the unsharded run.
pub fn run_about(model: &Model, run: &[(String, String)]) -> Vec<(String, String)> {
    let mut about = vec![("model".to_string(), model.name.clone())];
    about.extend(run.iter().cloned());
    about.extend(money_rows(
        &model.finance,
        &model.currency,
        model.discount_rate,
    ));
    about
}

/// Refuses `--xlsx` on a shard: a shard holds a slice of the rows and none
/// of the tables built from all of them; `wfplan merge --xlsx` writes the
/// workbook of the whole run, the same as the unsharded run's.
pub fn refuse_on_shard(xlsx: Option<&std::path::Path>, shard: Option<&str>) -> Result<()> {
    if let (Some(path), Some(shard)) = (xlsx, shard) {
        anyhow::bail!(
            "--xlsx {} with --shard {shard}: a shard holds a slice of the rows, not the run's tables; write the workbook when joining the partitions (wfplan merge ... --xlsx FILE)",
            path.display()
        );
    }
    Ok(())
}
