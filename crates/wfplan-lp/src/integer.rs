//! Whole numbers in the programme: the run decision of a course with a
//! minimum cohort or a fixed cost per run, and the columns marked integer.
//!
//! ```text
//! run[p,t] ∈ {0, 1}                              (a course that runs or not)
//! intake[p,t] ≤ capacity[p,t]·run[p,t]           (intake_capacity, in constraints)
//! intake[p,t] ≥ minimum_cohort[p,t]·run[p,t]     (minimum_cohort)
//! cost: fixed_cost_per_run[p,t]·run[p,t]         (in cost.training_course)
//! ```
//!
//! Columns are marked integer for `integer = true` on a pipeline (its
//! intakes) or a move (its moves), for every decision a `[model] integer`
//! entry selects, and for every run column. A model without any of these
//! marks nothing and builds the programme it always did.

use std::sync::Arc;

use good_lp::{Expression, Variable};

use super::{Family, Lp, Name, Vars};
use wfplan_model::model::{Model, Quantity};

/// One binary `run[p,t]` per period for each course that runs or not.
pub fn add_run_columns(lp: &mut Lp, model: &Model) {
    for pipeline in &model.pipelines {
        let run = pipeline.has_runs().then(|| {
            let entity: Arc<str> = Arc::from(pipeline.key.as_str());
            (0..model.periods.len())
                .map(|period| {
                    let name = Name::at("run", &entity, &lp.period_labels[period]);
                    let variable = lp.add_column(name, 0.0, 1.0);
                    lp.set_integer(variable);
                    variable
                })
                .collect()
        });
        lp.vars.run.push(run);
    }
}

/// Marks the intakes of `integer` pipelines, the moves of `integer` moves
/// and every decision `[model] integer` selects as whole numbers.
pub fn mark_integer_columns(lp: &mut Lp, model: &Model) {
    let mut marked: Vec<Variable> = Vec::new();
    for (index, pipeline) in model.pipelines.iter().enumerate() {
        if pipeline.integer {
            marked.extend(lp.vars.intake[index].iter().copied());
        }
    }
    for (index, movement) in model.moves.iter().enumerate() {
        if movement.integer {
            marked.extend(lp.vars.moves[index].iter().copied());
        }
    }
    for decision in &model.integer {
        marked.extend(decision_variables(&lp.vars, &decision.quantity));
    }
    for variable in marked {
        lp.set_integer(variable);
    }
}

/// Every column (all periods) of a decision quantity; nothing for a derived
/// quantity (`model` refuses those in `integer`).
pub fn decision_variables(vars: &Vars, quantity: &Quantity) -> Vec<Variable> {
    let mut out = Vec::new();
    match quantity {
        Quantity::Stock(groups) => groups.iter().for_each(|&g| out.extend(&vars.stock[g])),
        Quantity::Surplus(groups) => groups.iter().for_each(|&g| out.extend(&vars.surplus[g])),
        Quantity::Hire(groups, sources) => {
            for &g in groups {
                for (source, hires) in &vars.hire[g] {
                    if sources
                        .as_ref()
                        .is_none_or(|wanted| wanted.contains(source))
                    {
                        out.extend(hires);
                    }
                }
            }
        }
        Quantity::Intake(pipelines) => pipelines.iter().for_each(|&p| out.extend(&vars.intake[p])),
        Quantity::Runs(pipelines) => pipelines
            .iter()
            .filter_map(|&p| vars.run[p].as_ref())
            .for_each(|run| out.extend(run)),
        Quantity::Move(moves) => moves.iter().for_each(|&m| out.extend(&vars.moves[m])),
        Quantity::Exit(groups) => groups
            .iter()
            .filter_map(|&g| vars.exit[g].as_ref())
            .for_each(|exits| out.extend(exits)),
        Quantity::Reduced(groups) => groups
            .iter()
            .filter_map(|&g| vars.reduced[g].as_ref())
            .for_each(|reduced| out.extend(reduced)),
        Quantity::Work(groups, services) => {
            for &s in services {
                for (g, work) in &vars.work[s] {
                    if groups.contains(g) {
                        out.extend(work);
                    }
                }
            }
        }
        Quantity::Temp(pools, services) => {
            for &s in services {
                for (l, temp) in &vars.temp[s] {
                    if pools.contains(l) {
                        out.extend(temp);
                    }
                }
            }
        }
        Quantity::Unmet(services) => services
            .iter()
            .filter_map(|&s| vars.unmet[s].as_ref())
            .for_each(|unmet| out.extend(unmet)),
        _ => {}
    }
    out
}

/// Minimum cohort, for each course p with `minimum_cohort` and period t:
///
/// intake[p,t] − minimum_cohort[p,t]·run[p,t] ≥ 0
pub fn add_minimum_cohorts(lp: &mut Lp, model: &Model) {
    for (pipeline_index, pipeline) in model.pipelines.iter().enumerate() {
        let (Some(minimum), Some(run)) = (&pipeline.minimum_cohort, &lp.vars.run[pipeline_index])
        else {
            continue;
        };
        let run = run.clone();
        let entity: Arc<str> = Arc::from(pipeline.key.as_str());
        for period in 0..model.periods.len() {
            let expression = lp.vars.intake[pipeline_index][period] - minimum[period] * run[period];
            let name = lp.row_name(Family::MinimumCohort, &entity, period);
            lp.add_at_least(Family::MinimumCohort, name, expression, 0.0);
        }
    }
}

/// The fixed cost of the courses that run in one period (real: the price base's prices):
/// Σ_p fixed_cost_per_run[p,t]·run[p,t].
pub fn run_cost(model: &Model, vars: &Vars, period: usize) -> Expression {
    let mut cost = Expression::default();
    for (pipeline_index, pipeline) in model.pipelines.iter().enumerate() {
        if let (Some(fixed), Some(run)) = (&pipeline.fixed_cost_per_run, &vars.run[pipeline_index])
        {
            if fixed[period] != 0.0 {
                cost += fixed[period] * run[period];
            }
        }
    }
    cost
}
