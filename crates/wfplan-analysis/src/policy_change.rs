//! What a policy scenario changes against a base scenario of the same
//! model: every target and limit added, removed or re-bounded, and every
//! capacity, price, demand or other parameter whose value differs — read
//! from the two validated models, not from how the scenarios were written,
//! so `--base no_pledge --policy pledge` (where the base holds the settings)
//! and `--base pledge --policy pledge_unfunded` are found alike. Pure: the
//! impact (`compare`) reads its headline from the most important change.

use wfplan_model::model::{ConditionKind, Destination, Model, Quantity, When};

/// What kind of lever a change pulls, most important first: the headline
/// of an impact report follows the first kind present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// A target (a floor or ceiling the planner must reach).
    Target,
    /// A limit (a budget, a cap on a combination of quantities).
    Limit,
    /// How much can flow: training places, hiring caps, move caps, pool supply.
    Capacity,
    /// What something costs: salaries, hire, course and move costs, agency rates.
    Price,
    /// What a service needs.
    Demand,
    /// Anything else: attrition, completion, retention, openings, penalties.
    Other,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Target => "target",
            ChangeKind::Limit => "limit",
            ChangeKind::Capacity => "capacity",
            ChangeKind::Price => "price",
            ChangeKind::Demand => "demand",
            ChangeKind::Other => "other",
        }
    }
}

/// One parameter (or condition bound) whose value differs between the base
/// and the policy. Values are per period; `None` where the parameter does
/// not exist or does not hold in that period (a target only at its `at`
/// periods, an absent cap).
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    /// The setting path a scenario would use: `target.hv_pledge.min`,
    /// `pipeline.pre_registration.capacity`.
    pub path: String,
    /// The entity's name as the model gives it.
    pub name: String,
    /// The field in words: "min", "capacity", "salary", ...
    pub field: String,
    /// The unit of the values (FTE, the currency, "share", ...).
    pub unit: String,
    pub base: Vec<Option<f64>>,
    pub policy: Vec<Option<f64>>,
    /// The id of the group the change is about, when it is about one
    /// group: the group of a target or limit on one group's stock, a
    /// group's own parameter, the destination of a pipeline or move.
    pub group: Option<String>,
    /// For a target or limit: its id.
    pub condition: Option<String>,
    /// The region of a regional entity's copy (its name), if any.
    pub region: Option<String>,
}

impl Change {
    /// The periods (0-based) where the two values differ.
    pub fn periods(&self) -> Vec<usize> {
        (0..self.base.len())
            .filter(|&t| differs(self.base[t], self.policy[t]))
            .collect()
    }

    /// The first period where the two values differ.
    pub fn first_period(&self) -> Option<usize> {
        self.periods().first().copied()
    }

    /// Present in the policy only (a target or limit the policy adds).
    pub fn added(&self) -> bool {
        self.base.iter().all(Option::is_none) && self.policy.iter().any(Option::is_some)
    }

    /// Present in the base only (a target or limit the policy drops).
    pub fn removed(&self) -> bool {
        self.policy.iter().all(Option::is_none) && self.base.iter().any(Option::is_some)
    }

    /// One line in words, e.g. "target 'hv_pledge' min: none → 12,292 FTE in
    /// 2014/15" or "pipeline 'pre_registration' capacity: 17,741 → 20,092
    /// FTE in 2011/12; 17,546 → 20,092 FTE in 2012/13–2019/20".
    pub fn describe(&self, periods: &[String], currency: &str) -> String {
        let entity = self
            .path
            .rsplit_once('.')
            .map_or(self.path.as_str(), |(e, _)| e);
        let (kind, id) = entity.split_once('.').unwrap_or((entity, ""));
        let region = self
            .region
            .as_ref()
            .map(|r| format!(" in {r}"))
            .unwrap_or_default();
        format!(
            "{kind} '{id}'{region} {}: {}",
            self.field,
            describe_values(&self.base, &self.policy, &self.unit, currency, periods)
        )
    }
}

/// One parameter of an entity: kind, field, unit, base and policy values.
type Field<'a> = (
    ChangeKind,
    &'a str,
    &'a str,
    Vec<Option<f64>>,
    Vec<Option<f64>>,
);

/// Whether two optional values differ (beyond rounding).
fn differs(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1.0),
        (None, None) => false,
        _ => true,
    }
}

fn value_text(value: Option<f64>, unit: &str, currency: &str) -> String {
    match value {
        None => "none".to_string(),
        Some(v) if unit == currency => wfplan_text::number::money(v, unit),
        Some(v) if unit.is_empty() => wfplan_text::number::precise(v),
        Some(v) => format!("{} {unit}", wfplan_text::number::precise(v)),
    }
}

/// "a → b in P1–P2; c → d in P3" over the runs of periods with the same pair.
pub fn describe_values(
    base: &[Option<f64>],
    policy: &[Option<f64>],
    unit: &str,
    currency: &str,
    periods: &[String],
) -> String {
    let mut runs: Vec<(usize, usize, Option<f64>, Option<f64>)> = Vec::new();
    for t in 0..base.len() {
        if !differs(base[t], policy[t]) {
            continue;
        }
        match runs.last_mut() {
            Some((_, end, b, p))
                if *end + 1 == t && !differs(*b, base[t]) && !differs(*p, policy[t]) =>
            {
                *end = t
            }
            _ => runs.push((t, t, base[t], policy[t])),
        }
    }
    if runs.is_empty() {
        return "unchanged".to_string();
    }
    // More than three runs (a series that differs by a different amount
    // every year): its totals over the years that differ.
    if runs.len() > 3 {
        let (first, last) = (runs[0].0, runs[runs.len() - 1].1);
        let total = |values: &[Option<f64>]| -> Option<f64> {
            let held: Vec<f64> = (first..=last)
                .filter(|&t| differs(base[t], policy[t]))
                .filter_map(|t| values[t])
                .collect();
            (!held.is_empty()).then(|| held.iter().sum())
        };
        let count = (first..=last)
            .filter(|&t| differs(base[t], policy[t]))
            .count();
        return format!(
            "{} → {} in total over the {count} periods that differ, {}–{}",
            value_text(total(base), unit, currency),
            value_text(total(policy), unit, currency),
            periods[first],
            periods[last]
        );
    }
    let all = runs.len() == 1 && runs[0].0 == 0 && runs[0].1 + 1 == base.len();
    runs.iter()
        .map(|(start, end, b, p)| {
            let span = if all {
                "every period".to_string()
            } else if start == end {
                format!("in {}", periods[*start])
            } else {
                format!("in {}–{}", periods[*start], periods[*end])
            };
            format!(
                "{} → {} {span}",
                value_text(*b, unit, currency),
                value_text(*p, unit, currency)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every difference between the base and the policy model, most important
/// kind first (targets, limits, capacities, prices, demand, other), each
/// kind in model order.
pub fn changes(base: &Model, policy: &Model) -> Vec<Change> {
    let periods = policy.periods.len();
    let mut found: Vec<Change> = Vec::new();
    let region_name =
        |model: &Model, region: Option<usize>| region.map(|r| model.regions[r].name.clone());
    let mut push = |kind: ChangeKind,
                    path: String,
                    name: &str,
                    field: &str,
                    unit: &str,
                    b: Vec<Option<f64>>,
                    p: Vec<Option<f64>>,
                    group: Option<String>,
                    region: Option<String>| {
        if (0..periods).any(|t| differs(b[t], p[t])) {
            found.push(Change {
                kind,
                path,
                name: name.to_string(),
                field: field.to_string(),
                unit: unit.to_string(),
                base: b,
                policy: p,
                group,
                condition: None,
                region,
            });
        }
    };
    let some = |series: &[f64]| -> Vec<Option<f64>> { series.iter().map(|v| Some(*v)).collect() };
    let optional = |series: &Option<Vec<f64>>| -> Vec<Option<f64>> {
        match series {
            Some(values) => values.iter().map(|v| Some(*v)).collect(),
            None => vec![None; periods],
        }
    };
    let constant = |value: f64| -> Vec<Option<f64>> { vec![Some(value); periods] };
    let currency = policy.currency.as_str();

    // Groups, pools, pipelines, moves and services are the same in both
    // models (a scenario changes their parameters, never their list); they
    // are matched by key (id, and region).
    for group in &policy.groups {
        let Some(other) = base.groups.iter().find(|g| g.key == group.key) else {
            continue;
        };
        let path = |field: &str| format!("group.{}.{field}", group.id);
        let region = region_name(policy, group.region);
        let id = Some(group.id.clone());
        let fields: [Field<'_>; 10] = [
            (
                ChangeKind::Capacity,
                "hire_max",
                "FTE",
                optional(&other.hire_max_fte),
                optional(&group.hire_max_fte),
            ),
            (
                ChangeKind::Capacity,
                "exit_max",
                "FTE",
                optional(&other.exit_max_fte),
                optional(&group.exit_max_fte),
            ),
            (
                ChangeKind::Price,
                "salary",
                currency,
                some(&other.salary_per_fte),
                some(&group.salary_per_fte),
            ),
            (
                ChangeKind::Price,
                "hire_cost",
                currency,
                some(&other.hire_cost_per_fte),
                some(&group.hire_cost_per_fte),
            ),
            (
                ChangeKind::Price,
                "exit_cost",
                currency,
                optional(&other.exit_cost_per_fte),
                optional(&group.exit_cost_per_fte),
            ),
            (
                ChangeKind::Price,
                "terminal_value",
                currency,
                constant(other.terminal_value_per_fte),
                constant(group.terminal_value_per_fte),
            ),
            (
                ChangeKind::Other,
                "attrition",
                "share",
                some(&other.attrition_rate),
                some(&group.attrition_rate),
            ),
            (
                ChangeKind::Other,
                "new_starter_attrition",
                "share",
                some(&other.new_starter_attrition_rate),
                some(&group.new_starter_attrition_rate),
            ),
            (
                ChangeKind::Other,
                "productivity",
                "share",
                some(&other.productivity),
                some(&group.productivity),
            ),
            (
                ChangeKind::Other,
                "opening",
                "FTE",
                constant(other.opening_fte),
                constant(group.opening_fte),
            ),
        ];
        for (kind, field, unit, b, p) in fields {
            push(
                kind,
                path(field),
                &group.name,
                field,
                unit,
                b,
                p,
                id.clone(),
                region.clone(),
            );
        }
    }
    for pool in &policy.pools {
        let Some(other) = base.pools.iter().find(|p| p.key == pool.key) else {
            continue;
        };
        let path = |field: &str| format!("pool.{}.{field}", pool.id);
        let region = region_name(policy, pool.region);
        let fields: [Field<'_>; 3] = [
            (
                ChangeKind::Capacity,
                "supply",
                "FTE",
                some(&other.supply_fte),
                some(&pool.supply_fte),
            ),
            (
                ChangeKind::Price,
                "hire_cost",
                currency,
                some(&other.hire_cost_per_fte),
                some(&pool.hire_cost_per_fte),
            ),
            (
                ChangeKind::Price,
                "rate",
                currency,
                some(&other.rate_per_fte),
                some(&pool.rate_per_fte),
            ),
        ];
        for (kind, field, unit, b, p) in fields {
            push(
                kind,
                path(field),
                &pool.name,
                field,
                unit,
                b,
                p,
                None,
                region.clone(),
            );
        }
    }
    for pipeline in &policy.pipelines {
        let Some(other) = base.pipelines.iter().find(|p| p.key == pipeline.key) else {
            continue;
        };
        let path = |field: &str| format!("pipeline.{}.{field}", pipeline.id);
        let region = region_name(policy, pipeline.region);
        let group = match pipeline.to {
            Destination::Group(g) => Some(policy.groups[g].id.clone()),
            _ => None,
        };
        let fields: [Field<'_>; 5] = [
            (
                ChangeKind::Capacity,
                "capacity",
                "FTE",
                optional(&other.capacity),
                optional(&pipeline.capacity),
            ),
            (
                ChangeKind::Price,
                "cost",
                currency,
                some(&other.cost_per_trainee),
                some(&pipeline.cost_per_trainee),
            ),
            (
                ChangeKind::Price,
                "trainee_salary",
                currency,
                some(&other.trainee_salary),
                some(&pipeline.trainee_salary),
            ),
            (
                ChangeKind::Other,
                "completion",
                "share",
                some(&other.completion_rate),
                some(&pipeline.completion_rate),
            ),
            (
                ChangeKind::Other,
                "duration",
                "periods",
                constant(other.duration_periods as f64),
                constant(pipeline.duration_periods as f64),
            ),
        ];
        for (kind, field, unit, b, p) in fields {
            push(
                kind,
                path(field),
                &pipeline.name,
                field,
                unit,
                b,
                p,
                group.clone(),
                region.clone(),
            );
        }
    }
    for movement in &policy.moves {
        let Some(other) = base.moves.iter().find(|m| m.key == movement.key) else {
            continue;
        };
        let path = |field: &str| format!("move.{}.{field}", movement.id);
        let region = region_name(policy, movement.region);
        let group = Some(policy.groups[movement.to].id.clone());
        let fields: [Field<'_>; 3] = [
            (
                ChangeKind::Capacity,
                "max",
                "FTE",
                optional(&other.max_fte),
                optional(&movement.max_fte),
            ),
            (
                ChangeKind::Price,
                "cost",
                currency,
                some(&other.cost_per_move),
                some(&movement.cost_per_move),
            ),
            (
                ChangeKind::Other,
                "retention",
                "share",
                some(&other.retention_rate),
                some(&movement.retention_rate),
            ),
        ];
        for (kind, field, unit, b, p) in fields {
            push(
                kind,
                path(field),
                &movement.name,
                field,
                unit,
                b,
                p,
                group.clone(),
                region.clone(),
            );
        }
    }
    for service in &policy.services {
        let Some(other) = base.services.iter().find(|s| s.key == service.key) else {
            continue;
        };
        let path = |field: &str| format!("service.{}.{field}", service.id);
        let region = region_name(policy, service.region);
        push(
            ChangeKind::Demand,
            path("demand"),
            &service.name,
            "demand",
            &service.care_unit,
            some(&other.demand_fte),
            some(&service.demand_fte),
            None,
            region.clone(),
        );
        push(
            ChangeKind::Other,
            path("unmet_penalty"),
            &service.name,
            "unmet_penalty",
            currency,
            optional(&other.unmet_penalty),
            optional(&service.unmet_penalty),
            None,
            region.clone(),
        );
    }
    if (base.discount_rate - policy.discount_rate).abs() > 1e-12 {
        push(
            ChangeKind::Other,
            "model.discount_rate".to_string(),
            "the model",
            "discount_rate",
            "share",
            constant(base.discount_rate),
            constant(policy.discount_rate),
            None,
            None,
        );
    }

    // Targets and limits, by kind and id: bounds per period where they hold.
    let mut ids: Vec<(ConditionKind, &str)> = Vec::new();
    for condition in policy.conditions.iter().chain(&base.conditions) {
        if !ids.contains(&(condition.kind, condition.id.as_str())) {
            ids.push((condition.kind, &condition.id));
        }
    }
    for (kind, id) in ids {
        let find = |model: &'_ Model| {
            model
                .conditions
                .iter()
                .find(|c| c.kind == kind && c.id == id)
                .cloned()
        };
        let (in_base, in_policy) = (find(base), find(policy));
        let Some(either) = in_policy.as_ref().or(in_base.as_ref()) else {
            continue;
        };
        let model = if in_policy.is_some() { policy } else { base };
        // A side's bound per period where it holds: one region's, when
        // the bound is given by region, else the condition's.
        let bounds = |condition: &Option<wfplan_model::model::Condition>,
                      max: bool,
                      region: Option<usize>|
         -> Vec<Option<f64>> {
            let Some(condition) = condition else {
                return vec![None; periods];
            };
            let bound = |t: usize| {
                if max {
                    condition.max_at(region, t)
                } else {
                    condition.min_at(region, t)
                }
            };
            match &condition.when {
                When::At(at) => (0..periods)
                    .map(|t| if at.contains(&t) { bound(t) } else { None })
                    .collect(),
                // A total is shown at the last period.
                When::Total => (0..periods)
                    .map(|t| if t + 1 == periods { bound(0) } else { None })
                    .collect(),
            }
        };
        let change_kind = match kind {
            ConditionKind::Target => ChangeKind::Target,
            ConditionKind::Limit => ChangeKind::Limit,
        };
        let group = single_group(model, either);
        let mut any = false;
        for (side, max) in [("min", false), ("max", true)] {
            // A bound by region (in either model) changes region by region.
            let by_region = |condition: &Option<wfplan_model::model::Condition>| {
                condition.as_ref().is_some_and(|c| {
                    !(if max {
                        &c.max_by_region
                    } else {
                        &c.min_by_region
                    })
                    .is_empty()
                })
            };
            let regions: Vec<Option<usize>> = if by_region(&in_base) || by_region(&in_policy) {
                (0..model.regions.len()).map(Some).collect()
            } else {
                vec![None]
            };
            for region in regions {
                let (b, p) = (
                    bounds(&in_base, max, region),
                    bounds(&in_policy, max, region),
                );
                if (0..periods).any(|t| differs(b[t], p[t])) {
                    any = true;
                    found.push(Change {
                        kind: change_kind,
                        path: format!("{}.{id}.{side}", kind.as_str()),
                        name: either.name.clone(),
                        field: side.to_string(),
                        unit: either.unit.clone(),
                        base: b,
                        policy: p,
                        group: group.clone(),
                        condition: Some(id.to_string()),
                        region: region_name(model, region),
                    });
                }
            }
        }
        // A condition whose bounds are the same but whose expression or
        // softness differs is still a change of the condition.
        if !any {
            if let (Some(b), Some(p)) = (&in_base, &in_policy) {
                if b.text != p.text || b.penalty != p.penalty || b.per_region != p.per_region {
                    let side = if p.min.is_some() { "min" } else { "max" };
                    let values = bounds(&in_policy, side == "max", None);
                    found.push(Change {
                        kind: change_kind,
                        path: format!("{}.{id}.expr", kind.as_str()),
                        name: either.name.clone(),
                        field: if b.text != p.text {
                            format!("expression ({} → {})", b.text, p.text)
                        } else {
                            "penalty".to_string()
                        },
                        unit: either.unit.clone(),
                        base: values.iter().map(|_| None).collect(),
                        policy: values,
                        group: group.clone(),
                        condition: Some(id.to_string()),
                        region: None,
                    });
                }
            }
        }
    }
    found.sort_by_key(|c| c.kind);
    found
}

/// The one group id a condition's expression is about, if every term reads
/// one and the same group id (in any regions): its stock, hires, exits or
/// work, or the intake, completions or trainees of pipelines that deliver
/// into it. A term on anything else (money, unmet demand, a pool) makes it
/// about no one group.
pub fn single_group(model: &Model, condition: &wfplan_model::model::Condition) -> Option<String> {
    let mut ids: Vec<&str> = Vec::new();
    for (_, quantity) in &condition.expression.terms {
        let groups: Vec<usize> = match quantity {
            Quantity::Stock(groups)
            | Quantity::Hire(groups, _)
            | Quantity::Exit(groups)
            | Quantity::Work(groups, _) => groups.clone(),
            Quantity::Intake(pipelines)
            | Quantity::Completions(pipelines)
            | Quantity::InTraining(pipelines) => {
                let mut groups = Vec::new();
                for p in pipelines {
                    match model.pipelines[*p].to {
                        Destination::Group(g) => groups.push(g),
                        _ => return None,
                    }
                }
                groups
            }
            _ => return None,
        };
        for g in groups {
            let id = model.groups[g].id.as_str();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    match ids.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    }
}
