//! Cost expressions by category and period, and the objective.
//!
//! ```text
//! cash[t] = Σ salary·stock + Σ hire_cost·hire + Σ (cost_p + trainee_salary_p)·in_training
//!   + Σ fixed_cost_per_run_p·run (in the training course category)
//!   + Σ move_cost·move + Σ exit_cost·exit + Σ surplus_cost·surplus
//!   + Σ reduced_cost·reduced + Σ rate_l·temp
//! penalty[t] = Σ unmet_penalty·unmet + Σ soft penalty·slack
//! objective = Σ_t (1+δ)^−t · (cash[t] + penalty[t]) + Σ penalty·slack of total conditions
//! ```
//!
//! (t 0-based, so the first period is undiscounted).

use good_lp::Expression;

use super::constraints::{completions, condition_instances, in_training};
use super::{sum, Vars};
use wfplan_model::model::{
    expand_cost, CostCategory, Expression as ModelExpression, HireSource, Model, Quantity,
};

/// (1+δ)^−t for 0-based period t.
pub fn discount_factor(model: &Model, period: usize) -> f64 {
    (1.0 + model.discount_rate).powi(-(period as i32))
}

/// Cost in one category and period, undiscounted, in real terms (see `finance`).
pub fn cost_at(model: &Model, vars: &Vars, category: CostCategory, period: usize) -> Expression {
    let mut cost = Expression::default();
    match category {
        CostCategory::Salary => {
            for (group_index, group) in model.groups.iter().enumerate() {
                cost += group.salary_per_fte[period] * vars.stock[group_index][period];
            }
        }
        CostCategory::Hire => {
            for (group_index, group) in model.groups.iter().enumerate() {
                for (source, hires) in &vars.hire[group_index] {
                    let pool_cost = match source {
                        HireSource::Pool(pool) => model.pools[*pool].hire_cost_per_fte[period],
                        HireSource::OpenMarket => 0.0,
                    };
                    cost += (group.hire_cost_per_fte[period] + pool_cost) * hires[period];
                }
            }
        }
        CostCategory::TrainingCourse | CostCategory::TraineeSalary => {
            for (pipeline_index, pipeline) in model.pipelines.iter().enumerate() {
                let rate = if category == CostCategory::TrainingCourse {
                    pipeline.cost_per_trainee[period]
                } else {
                    pipeline.trainee_salary[period]
                };
                if rate != 0.0 {
                    cost += rate * in_training(model, vars, pipeline_index, period);
                }
            }
            if category == CostCategory::TrainingCourse {
                cost += super::integer::run_cost(model, vars, period);
            }
        }
        CostCategory::Move => {
            for (move_index, movement) in model.moves.iter().enumerate() {
                cost += movement.cost_per_move[period] * vars.moves[move_index][period];
            }
        }
        CostCategory::Exit => {
            for (group_index, group) in model.groups.iter().enumerate() {
                if let (Some(exits), Some(rate)) =
                    (&vars.exit[group_index], &group.exit_cost_per_fte)
                {
                    cost += rate[period] * exits[period];
                }
            }
        }
        CostCategory::Surplus => {
            for (group_index, group) in model.groups.iter().enumerate() {
                cost += group.surplus_cost_per_fte[period] * vars.surplus[group_index][period];
            }
        }
        CostCategory::Reduced => {
            for (group_index, group) in model.groups.iter().enumerate() {
                if let (Some(reduced), Some(options)) =
                    (&vars.reduced[group_index], &group.reduced_hours)
                {
                    cost += options.cost_per_fte[period] * reduced[period];
                }
            }
        }
        CostCategory::Temp => {
            for temps in &vars.temp {
                for (pool, temp) in temps {
                    cost += model.pools[*pool].rate_per_fte[period] * temp[period];
                }
            }
        }
    }
    cost
}

/// Penalty of unmet demand in one period, undiscounted.
pub fn unmet_penalty_at(model: &Model, vars: &Vars, period: usize) -> Expression {
    let mut penalty = Expression::default();
    for (service_index, service) in model.services.iter().enumerate() {
        if let (Some(unmet), Some(rate)) = (&vars.unmet[service_index], &service.unmet_penalty) {
            penalty += rate[period] * unmet[period];
        }
    }
    penalty
}

/// Penalty of soft targets and limits violated in one period, undiscounted
/// (conditions on a total are not in any period; see `total_slack_penalty`).
pub fn slack_penalty_at(model: &Model, vars: &Vars, period: usize) -> Expression {
    slack_penalty(model, vars, Some(period))
}

/// Penalty of soft conditions on the sum over the horizon (factor 1).
pub fn total_slack_penalty(model: &Model, vars: &Vars) -> Expression {
    slack_penalty(model, vars, None)
}

/// Σ penalty·slack over the soft condition instances whose period is
/// `period` (None: the instances on a total).
fn slack_penalty(model: &Model, vars: &Vars, period: Option<usize>) -> Expression {
    let mut penalty = Expression::default();
    for (condition_index, condition) in model.conditions.iter().enumerate() {
        let Some(rate) = condition.penalty else {
            continue;
        };
        for (instance, slack) in condition_instances(model, condition)
            .iter()
            .zip(&vars.slack[condition_index])
        {
            if instance.period == period {
                penalty += rate * sum(slack.below.into_iter().chain(slack.above));
            }
        }
    }
    penalty
}

/// The value of one quantity in one period, undiscounted (real).
pub fn quantity_at(model: &Model, vars: &Vars, quantity: &Quantity, period: usize) -> Expression {
    let t = period;
    match quantity {
        Quantity::Stock(groups) => sum(groups.iter().map(|&g| vars.stock[g][t])),
        Quantity::AgeStock(pairs) => sum(pairs.iter().flat_map(|(g, bands)| {
            let columns = vars.band_stock[*g]
                .as_ref()
                .expect("a group with age bands");
            bands.iter().map(move |&b| columns[b][t])
        })),
        Quantity::Heads(groups) => groups
            .iter()
            .map(|&g| super::age::heads(model, vars, g, t))
            .sum(),
        Quantity::Hire(groups, source) => sum(groups.iter().flat_map(|&g| {
            vars.hire[g]
                .iter()
                .filter(|(s, _)| source.as_ref().is_none_or(|wanted| wanted.contains(s)))
                .map(|(_, hires)| hires[t])
                .collect::<Vec<_>>()
        })),
        Quantity::Intake(pipelines) => sum(pipelines.iter().map(|&p| vars.intake[p][t])),
        Quantity::Runs(pipelines) => sum(pipelines
            .iter()
            .filter_map(|&p| vars.run[p].as_ref().map(|r| r[t]))),
        Quantity::InTraining(pipelines) => pipelines
            .iter()
            .map(|&p| in_training(model, vars, p, t))
            .sum(),
        Quantity::Completions(pipelines) => pipelines
            .iter()
            .map(|&p| completions(model, vars, p, t))
            .sum(),
        Quantity::Move(moves) => sum(moves.iter().map(|&m| vars.moves[m][t])),
        Quantity::Exit(groups) => sum(groups
            .iter()
            .filter_map(|&g| vars.exit[g].as_ref().map(|e| e[t]))),
        Quantity::Surplus(groups) => sum(groups.iter().map(|&g| vars.surplus[g][t])),
        Quantity::Reduced(groups) => sum(groups
            .iter()
            .filter_map(|&g| vars.reduced[g].as_ref().map(|r| r[t]))),
        Quantity::Work(groups, services) => sum(services.iter().flat_map(|&s| {
            vars.work[s]
                .iter()
                .filter(|(g, _)| groups.contains(g))
                .map(|(_, work)| work[t])
                .collect::<Vec<_>>()
        })),
        Quantity::Temp(pools, services) => sum(services.iter().flat_map(|&s| {
            vars.temp[s]
                .iter()
                .filter(|(l, _)| pools.contains(l))
                .map(|(_, temp)| temp[t])
                .collect::<Vec<_>>()
        })),
        Quantity::Unmet(services) => sum(services
            .iter()
            .filter_map(|&s| vars.unmet[s].as_ref().map(|u| u[t]))),
        Quantity::Cost(categories) if categories.is_empty() => {
            let mut total = Expression::default();
            for category in CostCategory::ALL {
                total += cost_at(model, vars, category, t);
            }
            total + unmet_penalty_at(model, vars, t) + slack_penalty_at(model, vars, t)
        }
        Quantity::Cost(categories) => categories.iter().map(|&c| cost_at(model, vars, c, t)).sum(),
        Quantity::Penalty => unmet_penalty_at(model, vars, t) + slack_penalty_at(model, vars, t),
    }
}

/// An expression's value in one period, undiscounted (targets, limits, reports).
pub fn expression_at(
    model: &Model,
    vars: &Vars,
    expression: &ModelExpression,
    period: usize,
) -> Expression {
    let mut value = Expression::from(expression.constant);
    for (coefficient, quantity) in &expression.terms {
        value += *coefficient * quantity_at(model, vars, quantity, period);
    }
    value
}

/// What the staff in post at the end of the horizon are worth (undiscounted, at
/// the end of the last period T), with trainees still in training counted
/// at their completion rate in their destination group:
///
/// Σ_g tv_g·stock[g,T] + Σ_{p→g} tv_g·c_p[T]·in_training[p,T]
pub fn terminal_value(model: &Model, vars: &Vars) -> Expression {
    let mut value = Expression::default();
    let Some(last) = model.periods.len().checked_sub(1) else {
        return value;
    };
    for (group_index, group) in model.groups.iter().enumerate() {
        if group.terminal_value_per_fte != 0.0 {
            value += group.terminal_value_per_fte * vars.stock[group_index][last];
        }
    }
    for (pipeline_index, pipeline) in model.pipelines.iter().enumerate() {
        if let wfplan_model::model::Destination::Group(group) = pipeline.to {
            let per_fte = model.groups[group].terminal_value_per_fte;
            if per_fte != 0.0 {
                value += per_fte
                    * pipeline.completion_rate[last]
                    * in_training(model, vars, pipeline_index, last);
            }
        }
    }
    value
}

/// An objective: the expression summed over all periods, with money terms
/// discounted; penalties of total conditions enter with factor 1; `cost`
/// is credited with the discounted terminal value of the staff in post at
/// the end (`cost = cash + penalty − terminal value`).
pub fn objective_expression(
    model: &Model,
    vars: &Vars,
    expression: &ModelExpression,
) -> Expression {
    let mut objective = Expression::default();
    for period in 0..model.periods.len() {
        let factor = discount_factor(model, period);
        objective += expression.constant;
        for (coefficient, quantity) in &expression.terms {
            let weight = if quantity.is_money() {
                *coefficient * factor
            } else {
                *coefficient
            };
            objective += weight * quantity_at(model, vars, quantity, period);
        }
    }
    for (coefficient, quantity) in &expression.terms {
        if expand_cost(quantity).contains(&Quantity::Penalty) {
            objective += *coefficient * total_slack_penalty(model, vars);
        }
        if matches!(quantity, Quantity::Cost(categories) if categories.is_empty()) {
            let last = model.periods.len().saturating_sub(1);
            objective -= *coefficient * discount_factor(model, last) * terminal_value(model, vars);
        }
    }
    objective
}

/// Total movement, the first criterion of the canonical plan (DESIGN §5,
/// **Canonical plan**): every staffing decision of the plan, in FTE,
/// summed over the horizon without discounting —
///
/// ```text
/// movement = Σ_t ( Σ_{g,l} hire[g,l,t] + Σ_p intake[p,t] + Σ_m move[m,t]
///                + Σ_g exit[g,t] + Σ_g reduced[g,t] + Σ_{l,s} temp[l,s,t] )
/// ```
///
/// (the decisions a scenario's `freeze_until` holds; stocks, deployment,
/// surplus and unmet demand follow from them).
pub fn movement(vars: &Vars) -> Expression {
    let hires = vars
        .hire
        .iter()
        .flat_map(|sources| sources.iter().flat_map(|(_, hires)| hires.iter().copied()));
    let intakes = vars.intake.iter().flatten().copied();
    let moves = vars.moves.iter().flatten().copied();
    let exits = vars.exit.iter().flatten().flatten().copied();
    let reduced = vars.reduced.iter().flatten().flatten().copied();
    let temps = vars
        .temp
        .iter()
        .flat_map(|temps| temps.iter().flat_map(|(_, temp)| temp.iter().copied()));
    sum(hires
        .chain(intakes)
        .chain(moves)
        .chain(exits)
        .chain(reduced)
        .chain(temps))
}
