//! One function per constraint family, each with its equation. Periods are
//! 0-based here (t = 0 is the first planning period; stock before it is the
//! opening position). Each function returns early when its set is empty.

use std::sync::Arc;

use good_lp::Expression;

use super::{objective, sum, Family, Lp, Name, Side, Term, Vars};
use wfplan_model::model::{Condition, Destination, Model, When};

/// in_training[p,t] = Σ_{τ=t−d_p+1..t} intake[p,τ] + opening cohorts completing after t.
pub fn in_training(model: &Model, vars: &Vars, pipeline: usize, period: usize) -> Expression {
    let spec = &model.pipelines[pipeline];
    let first = (period + 1).saturating_sub(spec.duration_periods);
    let mut expression = sum((first..=period).map(|tau| vars.intake[pipeline][tau]));
    expression += spec.opening_in_training(period);
    expression
}

/// completions[p,t] = c_p[t]·intake[p,t−d_p] (opening cohort t completes
/// in t), over columns or values.
pub fn completions<T: Term>(
    model: &Model,
    vars: &Vars<T>,
    pipeline: usize,
    period: usize,
) -> T::Sum {
    let spec = &model.pipelines[pipeline];
    let mut completed = T::Sum::from(spec.opening_completions(period));
    if period >= spec.duration_periods {
        completed += vars.intake[pipeline][period - spec.duration_periods]
            .times(spec.completion_rate[period]);
    }
    completed
}

/// Stock balance, for each group g and period t (stock[g,−1] = opening):
///
/// ```text
/// stock[g,t] = (1−a_g)·stock[g,t−1] + (1−n_g)·Σ_l hire[g,l,t]
///   + Σ_{p→g} completions[p,t] + Σ_{m→g} ρ_m·move[m,t]
///   − Σ_{m from g} move[m,t] − Σ_{p from g} intake[p,t] − exit[g,t]
/// ```
///
/// The terms are defined once in `lp::flows`, which flows.csv reads too.
pub fn add_stock_balance(lp: &mut Lp, model: &Model) {
    let links = super::flows::Links::new(model);
    for (group_index, group) in model.groups.iter().enumerate() {
        if group.age.is_some() {
            continue; // balanced band by band (`lp::age`)
        }
        let entity: Arc<str> = Arc::from(group.key.as_str());
        for period in 0..model.periods.len() {
            let vars = &lp.vars;
            let stock = vars.stock[group_index][period];
            let previous = super::flows::previous_stock(model, vars, group_index, period);
            // The retained stock, then every flow of `lp::flows` (the terms
            // flows.csv reports).
            let mut inflow = (1.0 - group.attrition_rate[period]) * previous;
            for term in super::flows::flow_terms(model, vars, &links, group_index, period) {
                inflow += term.fte;
            }
            let name = lp.row_name(Family::StockBalance, &entity, period);
            lp.add_equality(Family::StockBalance, name, stock - inflow, 0.0);
        }
    }
}

/// Capacity, for each group g and period t:
///
/// ```text
/// Σ_s work[g,s,t] + surplus[g,t] = productivity_g·stock[g,t] − (1−h_g)·reduced[g,t]
///   − Σ_{p supervised by g} σ_p·in_training[p,t]
/// ```
pub fn add_capacity(lp: &mut Lp, model: &Model) {
    // The work series and supervised pipelines of each group, found once.
    let groups = model.groups.len();
    let work_of = entries_by_key(&lp.vars.work, groups);
    let mut supervising = vec![Vec::new(); groups];
    for (pipeline_index, pipeline) in model.pipelines.iter().enumerate() {
        if let Some(supervision) = &pipeline.supervision {
            supervising[supervision.group].push(pipeline_index);
        }
    }
    for (group_index, group) in model.groups.iter().enumerate() {
        let entity: Arc<str> = Arc::from(group.key.as_str());
        for period in 0..model.periods.len() {
            let vars = &lp.vars;
            let mut used = Expression::from(vars.surplus[group_index][period]);
            for &(service_index, entry) in &work_of[group_index] {
                used += vars.work[service_index][entry].1[period];
            }
            let mut available = group.productivity[period] * vars.stock[group_index][period];
            if let (Some(reduced), Some(options)) =
                (&vars.reduced[group_index], &group.reduced_hours)
            {
                available -= (1.0 - options.output_share) * reduced[period];
            }
            for &pipeline_index in &supervising[group_index] {
                if let Some(supervision) = &model.pipelines[pipeline_index].supervision {
                    available -= supervision.fte_per_trainee[period]
                        * in_training(model, vars, pipeline_index, period);
                }
            }
            let name = lp.row_name(Family::Capacity, &entity, period);
            lp.add_equality(Family::Capacity, name, used - available, 0.0);
        }
    }
}

/// For series kept by service as (key, series) entries (`Vars::work` keyed
/// by group, `Vars::temp` by temporary pool): each key's (service, entry)
/// pairs, in service order, for `keys` keys.
fn entries_by_key<T>(by_service: &[Vec<(usize, T)>], keys: usize) -> Vec<Vec<(usize, usize)>> {
    let mut entries = vec![Vec::new(); keys];
    for (service_index, series) in by_service.iter().enumerate() {
        for (entry, (key, _)) in series.iter().enumerate() {
            entries[*key].push((service_index, entry));
        }
    }
    entries
}

/// Service cover, for each service s and period t:
///
/// Σ_g e_{g,s}·work[g,s,t] + Σ_l e_{l,s}·temp[l,s,t] + unmet[s,t] = demand[s,t]
pub fn add_service_cover(lp: &mut Lp, model: &Model) {
    for (service_index, service) in model.services.iter().enumerate() {
        let entity: Arc<str> = Arc::from(service.key.as_str());
        for period in 0..model.periods.len() {
            let delivered = delivered_care(model, &lp.vars, service_index, period);
            let mut covered = delivered;
            if let Some(unmet) = &lp.vars.unmet[service_index] {
                covered += unmet[period];
            }
            let name = lp.row_name(Family::ServiceCover, &entity, period);
            lp.add_equality(
                Family::ServiceCover,
                name,
                covered,
                service.demand_fte[period],
            );
        }
    }
}

/// Care delivered to service s in period t: Σ_g e_{g,s}·work[g,s,t] + Σ_l e_{l,s}·temp[l,s,t].
pub fn delivered_care(model: &Model, vars: &Vars, service: usize, period: usize) -> Expression {
    let mut delivered = Expression::default();
    for ((_, efficiency), (_, work)) in model.services[service]
        .staffed_by
        .iter()
        .zip(&vars.work[service])
    {
        delivered += *efficiency * work[period];
    }
    for (pool, temp) in &vars.temp[service] {
        delivered += model.pools[*pool].efficiency_on(service) * temp[period];
    }
    delivered
}

/// Skill-mix floor, for each service s, group g with a minimum share μ_{g,s}, and period t:
///
/// e_{g,s}·work[g,s,t] ≥ μ_{g,s}·(demand[s,t] − unmet[s,t])
pub fn add_skill_mix(lp: &mut Lp, model: &Model) {
    for (service_index, service) in model.services.iter().enumerate() {
        for &(group, share) in &service.min_share {
            let Some(position) = service.staffed_by.iter().position(|(g, _)| *g == group) else {
                continue;
            };
            let efficiency = service.staffed_by[position].1;
            let entity: Arc<str> =
                Arc::from(format!("{},{}", service.key, model.groups[group].key));
            for period in 0..model.periods.len() {
                let vars = &lp.vars;
                let mut expression = efficiency * vars.work[service_index][position].1[period];
                if let Some(unmet) = &vars.unmet[service_index] {
                    expression += share * unmet[period];
                }
                let name = lp.row_name(Family::SkillMix, &entity, period);
                lp.add_at_least(
                    Family::SkillMix,
                    name,
                    expression,
                    share * service.demand_fte[period],
                );
            }
        }
    }
}

/// Pool supply, for each pool l and period t (unused supply is lost):
///
/// Σ_g hire[g,l,t] + Σ_s temp[l,s,t] ≤ supply[l,t] + Σ_{p→l} completions[p,t]
pub fn add_pool_supply(lp: &mut Lp, model: &Model) {
    // Each pool's links, found once: the hire series drawn from it (group,
    // entry), the temporary series it staffs (service, entry) and the
    // courses completing into it.
    let pools = model.pools.len();
    let mut hired_from = vec![Vec::new(); pools];
    for (group_index, sources) in lp.vars.hire.iter().enumerate() {
        for (entry, (source, _)) in sources.iter().enumerate() {
            if let wfplan_model::model::HireSource::Pool(pool_index) = source {
                hired_from[*pool_index].push((group_index, entry));
            }
        }
    }
    let staffing = entries_by_key(&lp.vars.temp, pools);
    let mut completing_into = vec![Vec::new(); pools];
    for (pipeline_index, pipeline) in model.pipelines.iter().enumerate() {
        if let Destination::Pool(pool_index) = pipeline.to {
            completing_into[pool_index].push(pipeline_index);
        }
    }
    for (pool_index, pool) in model.pools.iter().enumerate() {
        let entity: Arc<str> = Arc::from(pool.key.as_str());
        for period in 0..model.periods.len() {
            let vars = &lp.vars;
            let mut drawn = Expression::default();
            for &(group_index, entry) in &hired_from[pool_index] {
                drawn += vars.hire[group_index][entry].1[period];
            }
            for &(service_index, entry) in &staffing[pool_index] {
                drawn += vars.temp[service_index][entry].1[period];
            }
            for &pipeline_index in &completing_into[pool_index] {
                drawn -= completions(model, vars, pipeline_index, period);
            }
            let name = lp.row_name(Family::PoolSupply, &entity, period);
            lp.add_at_most(Family::PoolSupply, name, drawn, pool.supply_fte[period]);
        }
    }
}

/// Intake capacity, for each pipeline p with a capacity and period t:
///
/// intake[p,t] ≤ capacity[p,t]
///
/// For a course that runs or not (`lp::integer`), the capacity is open only
/// in the periods it runs: intake[p,t] − capacity[p,t]·run[p,t] ≤ 0.
pub fn add_intake_capacity(lp: &mut Lp, model: &Model) {
    for (pipeline_index, pipeline) in model.pipelines.iter().enumerate() {
        let Some(capacity) = &pipeline.capacity else {
            continue;
        };
        let entity: Arc<str> = Arc::from(pipeline.key.as_str());
        for period in 0..model.periods.len() {
            let mut intake = Expression::from(lp.vars.intake[pipeline_index][period]);
            let name = lp.row_name(Family::IntakeCapacity, &entity, period);
            match &lp.vars.run[pipeline_index] {
                Some(run) => {
                    intake -= capacity[period] * run[period];
                    lp.add_at_most(Family::IntakeCapacity, name, intake, 0.0);
                }
                None => lp.add_at_most(Family::IntakeCapacity, name, intake, capacity[period]),
            }
        }
    }
}

/// Hiring cap, for each group g with `hire_max` and period t:
///
/// Σ_l hire[g,l,t] ≤ hire_max[g,t]
pub fn add_hire_caps(lp: &mut Lp, model: &Model) {
    for (group_index, group) in model.groups.iter().enumerate() {
        let Some(cap) = &group.hire_max_fte else {
            continue;
        };
        let entity: Arc<str> = Arc::from(group.key.as_str());
        for period in 0..model.periods.len() {
            let hires = sum(lp.vars.hire[group_index]
                .iter()
                .map(|(_, hires)| hires[period]));
            let name = lp.row_name(Family::HireCap, &entity, period);
            lp.add_at_most(Family::HireCap, name, hires, cap[period]);
        }
    }
}

/// Exit cap, for each group g with `exit_max` and period t:
///
/// exit[g,t] ≤ exit_max[g,t]
pub fn add_exit_caps(lp: &mut Lp, model: &Model) {
    for (group_index, group) in model.groups.iter().enumerate() {
        let (Some(cap), Some(exits)) = (&group.exit_max_fte, &lp.vars.exit[group_index]) else {
            continue;
        };
        let exits = exits.clone();
        let entity: Arc<str> = Arc::from(group.key.as_str());
        for period in 0..model.periods.len() {
            let name = lp.row_name(Family::ExitCap, &entity, period);
            lp.add_at_most(
                Family::ExitCap,
                name,
                Expression::from(exits[period]),
                cap[period],
            );
        }
    }
}

/// Move cap, for each move m with `max` and period t:
///
/// move[m,t] ≤ max[m,t]
pub fn add_move_caps(lp: &mut Lp, model: &Model) {
    for (move_index, movement) in model.moves.iter().enumerate() {
        let Some(cap) = &movement.max_fte else {
            continue;
        };
        let entity: Arc<str> = Arc::from(movement.key.as_str());
        for (period, &cap) in cap.iter().enumerate() {
            let moves = Expression::from(lp.vars.moves[move_index][period]);
            let name = lp.row_name(Family::MoveCap, &entity, period);
            lp.add_at_most(Family::MoveCap, name, moves, cap);
        }
    }
}

/// Reduced-hours cap, for each group g offering reduced hours and period t:
///
/// reduced[g,t] ≤ reduced_max[g,t]
pub fn add_reduced_hours_caps(lp: &mut Lp, model: &Model) {
    for (group_index, group) in model.groups.iter().enumerate() {
        let (Some(options), Some(reduced)) = (&group.reduced_hours, &lp.vars.reduced[group_index])
        else {
            continue;
        };
        let reduced = reduced.clone();
        let entity: Arc<str> = Arc::from(group.key.as_str());
        for (period, &reduced) in reduced.iter().enumerate() {
            let name = lp.row_name(Family::ReducedHoursCap, &entity, period);
            lp.add_at_most(
                Family::ReducedHoursCap,
                name,
                Expression::from(reduced),
                options.max_fte[period],
            );
        }
    }
}

/// One instance of a condition: a period, or the whole horizon (and, for a
/// `per_region` condition, a region).
#[derive(Debug, Clone)]
pub struct Instance {
    /// The period label, or "total".
    pub label: String,
    /// The region of a `per_region` condition's instance.
    pub region: Option<usize>,
    /// `label`, or `region,label`: the instance's name in rows and columns.
    pub key: String,
    /// The periods whose values are summed (one, or all).
    pub periods: Vec<usize>,
    /// The period whose bound applies and whose discount factor weighs the slack
    /// (None for a total: bound of the first period, factor 1).
    pub period: Option<usize>,
}

/// The instances a condition holds in: each listed period, or the total;
/// for a `per_region` condition, those of each region in turn.
pub fn condition_instances(model: &Model, condition: &Condition) -> Vec<Instance> {
    let regions: Vec<Option<usize>> = if condition.per_region {
        (0..model.regions.len()).map(Some).collect()
    } else {
        vec![None]
    };
    let mut instances = Vec::new();
    for region in regions {
        let key = |label: &str| match region {
            Some(r) => format!("{},{label}", model.regions[r].id),
            None => label.to_string(),
        };
        match &condition.when {
            When::At(periods) => {
                for &period in periods {
                    let label = model.periods[period].clone();
                    instances.push(Instance {
                        key: key(&label),
                        label,
                        region,
                        periods: vec![period],
                        period: Some(period),
                    });
                }
            }
            When::Total => instances.push(Instance {
                key: key("total"),
                label: "total".to_string(),
                region,
                periods: (0..model.periods.len()).collect(),
                period: None,
            }),
        }
    }
    instances
}

/// The name of a condition row: `target[id,period]` (`target[id,region,period]`
/// per region), with `,min`/`,max` appended when the condition has both bounds.
pub fn condition_row_name(condition: &Condition, instance: &Instance, side: Side) -> Name {
    let kind = condition.kind.as_str();
    let suffix = match (condition.min.is_some() && condition.max.is_some(), side) {
        (false, _) => "",
        (true, Side::Min) => ",min",
        (true, Side::Max) => ",max",
    };
    Name::whole(kind, format!("{},{}{suffix}", condition.id, instance.key))
}

/// Targets and limits, for each condition c and instance i (a listed period,
/// or the sum over the horizon):
///
/// expr_c[i] + below[c,i] ≥ min_c[i]    expr_c[i] − above[c,i] ≤ max_c[i]
///
/// where the slacks exist only for soft conditions (`penalty`), and cost
/// terms in expr are undiscounted (real).
pub fn add_conditions(lp: &mut Lp, model: &Model) {
    for (condition_index, condition) in model.conditions.iter().enumerate() {
        let family = match condition.kind {
            wfplan_model::model::ConditionKind::Target => Family::Target,
            wfplan_model::model::ConditionKind::Limit => Family::Limit,
        };
        let instances = condition_instances(model, condition);
        for (instance_index, instance) in instances.iter().enumerate() {
            let value = condition_value(model, &lp.vars, condition, instance);
            let bound_period = instance.period.unwrap_or(0);
            let slack = lp.vars.slack[condition_index][instance_index].clone();
            if let Some(min) = condition.min_at(instance.region, bound_period) {
                let mut expression = value.clone();
                if let Some(below) = slack.below {
                    expression += below;
                }
                let name = condition_row_name(condition, instance, Side::Min);
                lp.add_condition_row(
                    family,
                    name,
                    expression,
                    min,
                    f64::INFINITY,
                    Some(condition_index),
                );
            }
            if let Some(max) = condition.max_at(instance.region, bound_period) {
                let mut expression = value;
                if let Some(above) = slack.above {
                    expression -= above;
                }
                let name = condition_row_name(condition, instance, Side::Max);
                lp.add_condition_row(
                    family,
                    name,
                    expression,
                    f64::NEG_INFINITY,
                    max,
                    Some(condition_index),
                );
            }
        }
    }
}

/// The value of a condition's expression over an instance's periods (undiscounted costs).
pub fn condition_value(
    model: &Model,
    vars: &Vars,
    condition: &Condition,
    instance: &Instance,
) -> Expression {
    let expression = match instance.region {
        Some(region) => &condition.regional[region],
        None => &condition.expression,
    };
    let mut value = Expression::default();
    for &period in &instance.periods {
        value += objective::expression_at(model, vars, expression, period);
    }
    value
}
