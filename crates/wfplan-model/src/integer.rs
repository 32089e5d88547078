//! Whole-number decisions, model side: the `[model] integer` list (each
//! entry one quantity of the expression language that is a decision) and a
//! pipeline's run decision (`minimum_cohort`, `fixed_cost_per_run`), checked
//! and resolved. The columns and rows they make are in `lp::integer`.
//!
//! Errors name the file, the entity and the field, like every validation
//! error: `integer` on something that is not a decision (`in_training`,
//! `completions`, a cost, `heads`) or that selects no decision at all, a
//! minimum cohort or a fixed cost per run on a course without a capacity,
//! and a minimum cohort above the capacity.

use anyhow::{anyhow, bail, Result};

use crate::expr;
use crate::model::{parse_expression, Checker, HireSource, Model, Quantity, Series};
use crate::spec::PipelineSpec;

/// One entry of `[model] integer`: the text as written and the decisions it
/// selects.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegerDecision {
    pub text: String,
    pub quantity: Quantity,
}

/// A pipeline's run decision: (`minimum_cohort`, `fixed_cost_per_run`),
/// each a series, checked against the capacity.
pub(crate) fn pipeline_runs(
    checker: &mut Checker,
    label: &str,
    pipeline: &PipelineSpec,
    capacity: Option<&Series>,
) -> Result<(Option<Series>, Option<Series>)> {
    let file = checker.file;
    let minimum =
        checker.optional_non_negative(label, "minimum_cohort", pipeline.minimum_cohort.as_ref())?;
    let fixed = checker.optional_non_negative(
        label,
        "fixed_cost_per_run",
        pipeline.fixed_cost_per_run.as_ref(),
    )?;
    for (field, given) in [
        ("minimum_cohort", minimum.is_some()),
        ("fixed_cost_per_run", fixed.is_some()),
    ] {
        if given && capacity.is_none() {
            bail!(
                "{file}: {label}, field '{field}': a course that runs or not (a minimum cohort or a fixed cost per run) needs a `capacity`, the most one run takes"
            );
        }
    }
    if let (Some(minimum), Some(capacity)) = (&minimum, capacity) {
        if let Some(period) = (0..minimum.len()).find(|&t| minimum[t] > capacity[t] + 1e-9) {
            bail!(
                "{file}: {label}, field 'minimum_cohort': the minimum cohort ({}) is above the capacity ({}) in {}, so a run could never be filled",
                minimum[period],
                capacity[period],
                checker.periods[period]
            );
        }
    }
    Ok((minimum, fixed))
}

/// Resolves `[model] integer`: each entry must be one quantity (no
/// coefficient, no constant) that is a decision and selects at least one.
pub fn resolve(model: &Model, texts: &[String]) -> Result<Vec<IntegerDecision>> {
    let file = &model.file;
    let mut decisions = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        let at = format!("{file}: [model], field 'integer[{index}]'");
        let form = expr::parse(text)
            .map_err(|error| anyhow!("{at}: cannot parse \"{text}\" at {error}"))?;
        if form.terms.len() != 1 || form.constant != 0.0 || form.terms[0].0 != 1.0 {
            bail!("{at}: expected one decision such as \"intake(scphn_hv)\" or \"hire(*, international)\", not an expression (\"{text}\")");
        }
        let expression = parse_expression(model, text).map_err(|error| anyhow!("{at}: {error}"))?;
        let quantity = expression.terms[0].1.clone();
        let Some(count) = decision_count(model, &quantity) else {
            bail!(
                "{at}: \"{text}\" is not a decision: {}",
                not_a_decision(&quantity)
            );
        };
        if count == 0 {
            bail!("{at}: \"{text}\" selects no decision in this model (e.g. exit(g) of a group without exit_cost, or unmet(s) of a service without unmet_penalty)");
        }
        decisions.push(IntegerDecision {
            text: text.clone(),
            quantity,
        });
    }
    Ok(decisions)
}

/// Why a quantity cannot be made whole.
fn not_a_decision(quantity: &Quantity) -> &'static str {
    match quantity {
        Quantity::InTraining(_) => "in_training is the sum of earlier intakes; make intake(...) whole instead",
        Quantity::Completions(_) => "completions are a share of an earlier intake; make intake(...) whole instead",
        Quantity::Heads(_) => "heads are staff in post divided by participation; make the flows into the group (hire, intake, move) whole instead",
        Quantity::Cost(_) | Quantity::Penalty => "costs and penalties follow from the decisions",
        _ => "only stock, hire, intake, move, exit, work, surplus, reduced, temp and unmet are decisions",
    }
}

/// How many decision series a quantity selects, or None when it is not a
/// decision (a derived quantity or a cost).
pub fn decision_count(model: &Model, quantity: &Quantity) -> Option<usize> {
    let count = match quantity {
        Quantity::Stock(groups) | Quantity::Surplus(groups) => groups.len(),
        Quantity::Hire(groups, sources) => groups
            .iter()
            .flat_map(|&g| model.groups[g].hire_sources.iter())
            .filter(|source: &&HireSource| sources.as_ref().is_none_or(|s| s.contains(source)))
            .count(),
        Quantity::Intake(pipelines) => pipelines.len(),
        Quantity::Runs(pipelines) => pipelines
            .iter()
            .filter(|&&p| model.pipelines[p].has_runs())
            .count(),
        Quantity::Move(moves) => moves.len(),
        Quantity::Exit(groups) => groups
            .iter()
            .filter(|&&g| model.groups[g].exit_cost_per_fte.is_some())
            .count(),
        Quantity::Reduced(groups) => groups
            .iter()
            .filter(|&&g| model.groups[g].reduced_hours.is_some())
            .count(),
        Quantity::Work(groups, services) => services
            .iter()
            .flat_map(|&s| model.services[s].staffed_by.iter())
            .filter(|(g, _)| groups.contains(g))
            .count(),
        Quantity::Temp(pools, services) => services
            .iter()
            .map(|&s| {
                pools
                    .iter()
                    .filter(|&&l| model.pools[l].temporary && model.pools[l].efficiency_on(s) > 0.0)
                    .count()
            })
            .sum(),
        Quantity::Unmet(services) => services
            .iter()
            .filter(|&&s| model.services[s].unmet_penalty.is_some())
            .count(),
        _ => return None,
    };
    Some(count)
}
