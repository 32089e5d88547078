//! The validated model: ids resolved to indices, every parameter aligned to
//! the periods, expressions parsed and resolved. Built from a `spec::Spec`
//! by `build`, which is pure; every error names the file, the entity and the
//! field and says what was expected.

use anyhow::{anyhow, bail, Result};

use crate::expr::{self, Argument, LinearForm};
use crate::spec::{did_you_mean, ConditionSpec, Param, Spec};

/// A value per period.
pub type Series = Vec<f64>;

/// A number HiGHS can take as it is: finite and below 1e20 in magnitude
/// (HiGHS reads 1e20 and above as infinity).
pub fn sane(value: f64) -> bool {
    value.is_finite() && value.abs() < expr::MAX_MAGNITUDE
}

/// What an id may hold, for messages.
pub const ID_RULE: &str = "1 to 64 ASCII letters, digits, '_' or '-', not starting with '-'";

/// Ids name entities in setting paths, expressions, row names, table
/// columns and folder names, so they are plain: 1 to 64 ASCII letters,
/// digits, `_` or `-`, not starting with `-` (never a path, never `..`).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Refuses an id outside `ID_RULE`, showing it escaped.
pub fn check_id(file: &str, label: &str, id: &str) -> Result<()> {
    if is_valid_id(id) {
        return Ok(());
    }
    bail!("{file}: {label}, field 'id': {id:?} is not a valid id: expected {ID_RULE}")
}

/// Refuses free text (a name, a unit, a period label) holding control
/// characters such as a line break or a terminal escape: such text is
/// written into tables, reports and LP files as a single label.
pub fn check_label_text(file: &str, label: &str, field: &str, text: &str) -> Result<()> {
    if text.chars().any(char::is_control) {
        bail!("{file}: {label}, field '{field}': {text:?} holds a control character (a line break, tab or escape); expected one line of plain text");
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Model {
    /// The model file, for messages.
    pub file: String,
    pub name: String,
    pub scenario: Option<String>,
    /// The scenario's description (or name), for reports.
    pub scenario_description: Option<String>,
    /// Every scenario the file defines: (id, description or name).
    pub scenarios_defined: Vec<(String, Option<String>)>,
    /// The files the model was read from (model file and CSV series).
    pub inputs: Vec<std::path::PathBuf>,
    pub periods: Vec<String>,
    pub discount_rate: f64,
    pub currency: String,
    pub groups: Vec<Group>,
    pub pools: Vec<Pool>,
    pub pipelines: Vec<Pipeline>,
    pub moves: Vec<Move>,
    pub services: Vec<Service>,
    pub conditions: Vec<Condition>,
    /// Objectives solved in order (lexicographic); the first is the default `cost`.
    pub objectives: Vec<Objective>,
}

/// Where a group hires from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HireSource {
    Pool(usize),
    /// No `from_pools`: the open market, limited only by `hire_max`.
    OpenMarket,
}

#[derive(Debug, Clone)]
pub struct ReducedHours {
    pub max_fte: Series,
    /// Output of a reduced-hours worker as a share of a full one (h_g).
    pub output_share: f64,
    pub cost_per_fte: Series,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub opening_fte: f64,
    pub attrition_rate: Series,
    pub new_starter_attrition_rate: Series,
    pub salary_per_fte: Series,
    pub hire_cost_per_fte: Series,
    pub hire_max_fte: Option<Series>,
    pub hire_sources: Vec<HireSource>,
    pub exit_cost_per_fte: Option<Series>,
    pub exit_max_fte: Option<Series>,
    pub surplus_cost_per_fte: Series,
    pub reduced_hours: Option<ReducedHours>,
    pub productivity: Series,
    /// Value per FTE in post at the end of the last period (not cash).
    pub terminal_value_per_fte: f64,
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub id: String,
    pub name: String,
    pub temporary: bool,
    pub supply_fte: Series,
    pub hire_cost_per_fte: Series,
    pub rate_per_fte: Series,
    /// Services a temporary pool may staff directly, with the efficiency of
    /// one temporary FTE there.
    pub serves: Vec<(usize, f64)>,
}

impl Pool {
    /// Care one temporary FTE delivers on a service (0 where it does not serve).
    pub fn efficiency_on(&self, service: usize) -> f64 {
        self.serves
            .iter()
            .find(|(s, _)| *s == service)
            .map_or(0.0, |(_, efficiency)| *efficiency)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Group(usize),
    Pool(usize),
}

#[derive(Debug, Clone)]
pub struct Supervision {
    pub group: usize,
    pub fte_per_trainee: Series,
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub id: String,
    pub name: String,
    /// The feeder group; None recruits from outside.
    pub from: Option<usize>,
    pub to: Destination,
    pub duration_periods: usize,
    /// Completion rate, indexed by the period of completion.
    pub completion_rate: Series,
    pub capacity: Option<Series>,
    pub cost_per_trainee: Series,
    pub trainee_salary: Series,
    pub supervision: Option<Supervision>,
    /// Opening cohort k (0-based) completes in period k.
    pub opening_cohorts: Vec<f64>,
}

impl Pipeline {
    /// Trainees of opening cohorts still in training in period `period`
    /// (0-based): cohorts completing after it.
    pub fn opening_in_training(&self, period: usize) -> f64 {
        self.opening_cohorts.iter().skip(period + 1).sum()
    }

    /// Completions in `period` from cohorts already in training at the start.
    pub fn opening_completions(&self, period: usize) -> f64 {
        self.opening_cohorts.get(period).copied().unwrap_or(0.0) * self.completion_rate[period]
    }
}

#[derive(Debug, Clone)]
pub struct Move {
    pub id: String,
    pub name: String,
    pub from: usize,
    pub to: usize,
    pub retention_rate: Series,
    pub cost_per_move: Series,
    pub max_fte: Option<Series>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub demand_fte: Series,
    /// (group, efficiency e_{g,s})
    pub staffed_by: Vec<(usize, f64)>,
    /// (group, minimum share μ_{g,s})
    pub min_share: Vec<(usize, f64)>,
    pub unmet_penalty: Option<Series>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    Target,
    Limit,
}

impl ConditionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKind::Target => "target",
            ConditionKind::Limit => "limit",
        }
    }
}

/// When a condition holds.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// In each listed period (0-based indices).
    At(Vec<usize>),
    /// On the sum over the horizon.
    Total,
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub kind: ConditionKind,
    pub id: String,
    pub name: String,
    pub text: String,
    pub expression: Expression,
    pub min: Option<Series>,
    pub max: Option<Series>,
    pub when: When,
    /// Soft: cost per unit of violation.
    pub penalty: Option<f64>,
    /// The unit of the expression, as written or inferred.
    pub unit: String,
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub text: String,
    pub expression: Expression,
}

/// Which entities a `*` or an id selects.
pub type Selection = Vec<usize>;

/// A cost category (the parts of cash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostCategory {
    Salary,
    Hire,
    TrainingCourse,
    TraineeSalary,
    Move,
    Exit,
    Surplus,
    Reduced,
    Temp,
}

impl CostCategory {
    pub const ALL: [CostCategory; 9] = [
        CostCategory::Salary,
        CostCategory::Hire,
        CostCategory::TrainingCourse,
        CostCategory::TraineeSalary,
        CostCategory::Move,
        CostCategory::Exit,
        CostCategory::Surplus,
        CostCategory::Reduced,
        CostCategory::Temp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CostCategory::Salary => "salary",
            CostCategory::Hire => "hire",
            CostCategory::TrainingCourse => "training_course",
            CostCategory::TraineeSalary => "trainee_salary",
            CostCategory::Move => "move",
            CostCategory::Exit => "exit",
            CostCategory::Surplus => "surplus",
            CostCategory::Reduced => "reduced",
            CostCategory::Temp => "temp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CostCategory::Salary => "Salaries",
            CostCategory::Hire => "Hiring",
            CostCategory::TrainingCourse => "Training courses",
            CostCategory::TraineeSalary => "Trainee salaries",
            CostCategory::Move => "Moves",
            CostCategory::Exit => "Exits",
            CostCategory::Surplus => "Surplus staff",
            CostCategory::Reduced => "Reduced hours",
            CostCategory::Temp => "Agency and bank",
        }
    }
}

/// A resolved quantity of the expression language.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    Stock(Selection),
    /// groups × hire sources (index into the group's `hire_sources`, by pool or open market)
    Hire(Selection, Option<HireSource>),
    Intake(Selection),
    InTraining(Selection),
    Completions(Selection),
    Move(Selection),
    Exit(Selection),
    /// groups × services
    Work(Selection, Selection),
    Surplus(Selection),
    Reduced(Selection),
    /// pools × services
    Temp(Selection, Selection),
    Unmet(Selection),
    /// Cash in the listed categories.
    Cost(Vec<CostCategory>),
    Penalty,
}

impl Quantity {
    /// FTE-like quantities, or money.
    pub fn is_money(&self) -> bool {
        matches!(self, Quantity::Cost(_) | Quantity::Penalty)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    pub terms: Vec<(f64, Quantity)>,
    pub constant: f64,
}

impl Expression {
    /// "FTE", the currency, or "units" for a mix.
    pub fn unit(&self, currency: &str) -> String {
        let money = self.terms.iter().filter(|(_, q)| q.is_money()).count();
        if money == 0 {
            "FTE".to_string()
        } else if money == self.terms.len() {
            currency.to_string()
        } else {
            "units".to_string()
        }
    }
}

/// Validates a spec into a model.
pub fn build(spec: &Spec) -> Result<Model> {
    let file = spec.file.display().to_string();
    let periods = spec.model.periods.clone();
    if periods.is_empty() {
        bail!("{file}: [model], field 'periods': expected at least one period label");
    }
    for (index, period) in periods.iter().enumerate() {
        if periods[..index].contains(period) {
            bail!("{file}: [model], field 'periods': period '{period}' appears twice");
        }
    }
    if !(0.0..1.0).contains(&spec.model.discount_rate) {
        bail!(
            "{file}: [model], field 'discount_rate': expected a rate in [0, 1), got {}",
            spec.model.discount_rate
        );
    }
    let mut checker = Checker {
        file: &file,
        periods: &periods,
    };

    check_ids_and_labels(spec)?;
    if spec.groups.is_empty() {
        bail!("{file}: the model has no [[group]]: expected at least one staff group (a model without staff has nothing to plan)");
    }

    let group_ids: Vec<&str> = spec.groups.iter().map(|g| g.id.as_str()).collect();
    let pool_ids: Vec<&str> = spec.pools.iter().map(|p| p.id.as_str()).collect();
    let service_ids: Vec<&str> = spec.services.iter().map(|s| s.id.as_str()).collect();
    let pipeline_ids: Vec<&str> = spec.pipelines.iter().map(|p| p.id.as_str()).collect();
    let move_ids: Vec<String> = spec.moves.iter().map(|m| m.effective_id()).collect();
    check_unique(&file, "group", &group_ids)?;
    check_unique(&file, "pool", &pool_ids)?;
    check_unique(&file, "service", &service_ids)?;
    check_unique(&file, "pipeline", &pipeline_ids)?;
    check_unique(
        &file,
        "move",
        &move_ids.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    for group in &group_ids {
        if pool_ids.contains(group) {
            bail!("{file}: group '{group}' and pool '{group}' share an id; a pipeline's `to` would be ambiguous");
        }
    }

    let mut groups = Vec::new();
    for group in &spec.groups {
        let label = format!("group '{}'", group.id);
        let at = |field: &str| format!("{file}: {label}, field '{field}'");
        if !sane(group.opening) || group.opening < 0.0 {
            bail!(
                "{}: expected a non-negative FTE below 1e20, got {}",
                at("opening"),
                group.opening
            );
        }
        let hire_sources = match &group.from_pools {
            None => vec![HireSource::OpenMarket],
            Some(list) => list
                .iter()
                .map(|pool| {
                    lookup(&pool_ids, pool, "pool")
                        .map(HireSource::Pool)
                        .map_err(|error| anyhow!("{}: {error}", at("from_pools")))
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let reduced_hours = match &group.reduced_hours {
            None => None,
            Some(reduced) => {
                if !(0.0..=1.0).contains(&reduced.output) {
                    bail!(
                        "{}: expected a share in [0, 1], got {}",
                        at("reduced_hours.output"),
                        reduced.output
                    );
                }
                Some(ReducedHours {
                    max_fte: checker.non_negative(
                        &label,
                        "reduced_hours.max",
                        Some(&reduced.max),
                        0.0,
                    )?,
                    output_share: reduced.output,
                    cost_per_fte: checker.non_negative(
                        &label,
                        "reduced_hours.cost",
                        reduced.cost.as_ref(),
                        0.0,
                    )?,
                })
            }
        };
        groups.push(Group {
            id: group.id.clone(),
            name: group.name.clone().unwrap_or_else(|| group.id.clone()),
            opening_fte: group.opening,
            attrition_rate: checker.rate(&label, "attrition", group.attrition.as_ref(), 0.0)?,
            new_starter_attrition_rate: checker.rate(
                &label,
                "new_starter_attrition",
                group.new_starter_attrition.as_ref(),
                0.0,
            )?,
            salary_per_fte: checker.non_negative(&label, "salary", group.salary.as_ref(), 0.0)?,
            hire_cost_per_fte: checker.non_negative(
                &label,
                "hire_cost",
                group.hire_cost.as_ref(),
                0.0,
            )?,
            hire_max_fte: checker.optional_non_negative(
                &label,
                "hire_max",
                group.hire_max.as_ref(),
            )?,
            hire_sources,
            exit_cost_per_fte: checker.optional_non_negative(
                &label,
                "exit_cost",
                group.exit_cost.as_ref(),
            )?,
            exit_max_fte: checker.optional_non_negative(
                &label,
                "exit_max",
                group.exit_max.as_ref(),
            )?,
            surplus_cost_per_fte: checker.non_negative(
                &label,
                "surplus_cost",
                group.surplus_cost.as_ref(),
                0.0,
            )?,
            reduced_hours,
            terminal_value_per_fte: match group.terminal_value {
                Some(value) if !sane(value) || value < 0.0 => bail!(
                    "{}: expected a non-negative value per FTE below 1e20, got {value}",
                    at("terminal_value")
                ),
                Some(value) => value,
                None => 0.0,
            },
            productivity: checker.non_negative(
                &label,
                "productivity",
                group.productivity.as_ref(),
                1.0,
            )?,
        });
        if group.exit_max.is_some() && group.exit_cost.is_none() {
            bail!(
                "{}: exit_max is set but exit_cost is not; a group without exit_cost cannot make managed exits (set exit_cost = 0 to allow free exits)",
                at("exit_max")
            );
        }
    }

    let mut pools = Vec::new();
    for pool in &spec.pools {
        let label = format!("pool '{}'", pool.id);
        let temporary = match pool.kind.as_deref() {
            None | Some("permanent") => false,
            Some("temporary") => true,
            Some(other) => bail!(
                "{file}: {label}, field 'kind': expected \"permanent\" or \"temporary\", got \"{other}\""
            ),
        };
        let serves = pool
            .serves
            .entries()
            .into_iter()
            .map(|(service, efficiency)| {
                let index = lookup(&service_ids, &service, "service")
                    .map_err(|error| anyhow!("{file}: {label}, field 'serves': {error}"))?;
                if !sane(efficiency) || efficiency <= 0.0 {
                    bail!("{file}: {label}, field 'serves.{service}': expected a positive efficiency below 1e20, got {efficiency}");
                }
                Ok((index, efficiency))
            })
            .collect::<Result<Vec<_>>>()?;
        if !temporary && !serves.is_empty() {
            bail!("{file}: {label}, field 'serves': only a pool with kind = \"temporary\" serves services directly");
        }
        if temporary && pool.rate.is_none() && !serves.is_empty() {
            bail!("{file}: {label}, field 'rate': a temporary pool that serves services needs a rate per FTE-period");
        }
        pools.push(Pool {
            id: pool.id.clone(),
            name: pool.name.clone().unwrap_or_else(|| pool.id.clone()),
            temporary,
            supply_fte: checker.non_negative(&label, "supply", pool.supply.as_ref(), 0.0)?,
            hire_cost_per_fte: checker.non_negative(
                &label,
                "hire_cost",
                pool.hire_cost.as_ref(),
                0.0,
            )?,
            rate_per_fte: checker.non_negative(&label, "rate", pool.rate.as_ref(), 0.0)?,
            serves,
        });
    }

    let mut pipelines = Vec::new();
    for pipeline in &spec.pipelines {
        let label = format!("pipeline '{}'", pipeline.id);
        let at = |field: &str| format!("{file}: {label}, field '{field}'");
        let from = match &pipeline.from {
            None => None,
            Some(group) => Some(
                lookup(&group_ids, group, "group")
                    .map_err(|error| anyhow!("{}: {error}", at("from")))?,
            ),
        };
        let to = if let Some(group) = group_ids.iter().position(|g| *g == pipeline.to) {
            Destination::Group(group)
        } else if let Some(pool) = pool_ids.iter().position(|p| *p == pipeline.to) {
            Destination::Pool(pool)
        } else {
            let candidates = group_ids.iter().chain(pool_ids.iter()).copied();
            bail!(
                "{}: no group or pool '{}'{}",
                at("to"),
                pipeline.to,
                did_you_mean(&pipeline.to, candidates)
            );
        };
        if from.is_some() && from.map(Destination::Group) == Some(to) {
            bail!(
                "{}: the pipeline is circular: it trains group '{}' into itself",
                at("to"),
                pipeline.to
            );
        }
        if pipeline.duration < 1 {
            bail!(
                "{}: expected a whole number of periods ≥ 1, got {}",
                at("duration"),
                pipeline.duration
            );
        }
        let duration = pipeline.duration as usize;
        if pipeline.in_training.len() > duration {
            bail!(
                "{}: {} opening cohorts given but the course lasts {duration} period(s); cohort k completes in period k, so at most {duration} are possible",
                at("in_training"),
                pipeline.in_training.len()
            );
        }
        if let Some(bad) = pipeline
            .in_training
            .iter()
            .find(|v| !sane(**v) || **v < 0.0)
        {
            bail!(
                "{}: expected non-negative FTE below 1e20, got {bad}",
                at("in_training")
            );
        }
        let supervision = match &pipeline.supervision {
            None => None,
            Some(supervision) => Some(Supervision {
                group: lookup(&group_ids, &supervision.group, "group")
                    .map_err(|error| anyhow!("{}: {error}", at("supervision.group")))?,
                fte_per_trainee: checker.non_negative(
                    &label,
                    "supervision.fte_per_trainee",
                    Some(&supervision.fte_per_trainee),
                    0.0,
                )?,
            }),
        };
        let completion_rate =
            checker.rate(&label, "completion", pipeline.completion.as_ref(), 1.0)?;
        if completion_rate.iter().all(|rate| *rate == 0.0) {
            bail!("{}: the completion rate is 0 in every period, so the pipeline can never deliver anyone", at("completion"));
        }
        pipelines.push(Pipeline {
            id: pipeline.id.clone(),
            name: pipeline.name.clone().unwrap_or_else(|| pipeline.id.clone()),
            from,
            to,
            duration_periods: duration,
            completion_rate,
            capacity: checker.optional_non_negative(
                &label,
                "capacity",
                pipeline.capacity.as_ref(),
            )?,
            cost_per_trainee: checker.non_negative(&label, "cost", pipeline.cost.as_ref(), 0.0)?,
            trainee_salary: checker.non_negative(
                &label,
                "trainee_salary",
                pipeline.trainee_salary.as_ref(),
                0.0,
            )?,
            supervision,
            opening_cohorts: pipeline.in_training.clone(),
        });
    }

    let mut moves = Vec::new();
    for (movement, id) in spec.moves.iter().zip(&move_ids) {
        let label = format!("move '{id}'");
        let from = lookup(&group_ids, &movement.from, "group")
            .map_err(|error| anyhow!("{file}: {label}, field 'from': {error}"))?;
        let to = lookup(&group_ids, &movement.to, "group")
            .map_err(|error| anyhow!("{file}: {label}, field 'to': {error}"))?;
        if from == to {
            bail!("{file}: {label}, field 'to': a move must join two different groups");
        }
        moves.push(Move {
            id: id.clone(),
            name: movement.name.clone().unwrap_or_else(|| id.clone()),
            from,
            to,
            retention_rate: checker.rate(&label, "retention", movement.retention.as_ref(), 1.0)?,
            cost_per_move: checker.non_negative(&label, "cost", movement.cost.as_ref(), 0.0)?,
            max_fte: checker.optional_non_negative(&label, "max", movement.max.as_ref())?,
        });
    }

    let mut services = Vec::new();
    for service in &spec.services {
        let label = format!("service '{}'", service.id);
        let at = |field: &str| format!("{file}: {label}, field '{field}'");
        let mut staffed_by = Vec::new();
        for (group, efficiency) in &service.staffed_by {
            let index = lookup(&group_ids, group, "group")
                .map_err(|error| anyhow!("{}: {error}", at("staffed_by")))?;
            if !sane(*efficiency) || *efficiency <= 0.0 {
                bail!(
                    "{}: expected a positive efficiency below 1e20, got {efficiency}",
                    at(&format!("staffed_by.{group}"))
                );
            }
            staffed_by.push((index, *efficiency));
        }
        let mut min_share = Vec::new();
        for (group, share) in &service.min_share {
            let index = lookup(&group_ids, group, "group")
                .map_err(|error| anyhow!("{}: {error}", at("min_share")))?;
            if !service.staffed_by.contains_key(group) {
                bail!(
                    "{}: group '{group}' does not staff this service (add it to staffed_by)",
                    at("min_share")
                );
            }
            if !(0.0..=1.0).contains(share) {
                bail!(
                    "{}: expected a share in [0, 1], got {share}",
                    at(&format!("min_share.{group}"))
                );
            }
            min_share.push((index, *share));
        }
        let total_share: f64 = min_share.iter().map(|(_, share)| share).sum();
        if total_share > 1.0 + 1e-9 {
            bail!(
                "{}: the shares add up to {total_share}, more than 1",
                at("min_share")
            );
        }
        services.push(Service {
            id: service.id.clone(),
            name: service.name.clone().unwrap_or_else(|| service.id.clone()),
            demand_fte: checker.non_negative(&label, "demand", Some(&service.demand), 0.0)?,
            staffed_by,
            min_share,
            unmet_penalty: checker.optional_non_negative(
                &label,
                "unmet_penalty",
                service.unmet_penalty.as_ref(),
            )?,
        });
    }

    let mut model = Model {
        file: file.clone(),
        name: spec
            .model
            .name
            .clone()
            .unwrap_or_else(|| "model".to_string()),
        scenario: spec.scenario.clone(),
        scenario_description: spec
            .scenarios
            .iter()
            .find(|s| Some(&s.id) == spec.scenario.as_ref())
            .and_then(|s| s.description.clone().or_else(|| s.name.clone())),
        scenarios_defined: spec
            .scenarios
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.name.clone().or_else(|| s.description.clone()),
                )
            })
            .collect(),
        inputs: spec.inputs.clone(),
        periods: periods.clone(),
        discount_rate: spec.model.discount_rate,
        currency: spec.model.currency.clone(),
        groups,
        pools,
        pipelines,
        moves,
        services,
        conditions: Vec::new(),
        objectives: Vec::new(),
    };

    let mut condition_ids: Vec<(ConditionKind, &str)> = Vec::new();
    for (kind, list) in [
        (ConditionKind::Target, &spec.targets),
        (ConditionKind::Limit, &spec.limits),
    ] {
        for condition in list {
            if condition_ids.contains(&(kind, condition.id.as_str())) {
                bail!(
                    "{file}: two {}s have the id '{}'",
                    kind.as_str(),
                    condition.id
                );
            }
            condition_ids.push((kind, &condition.id));
            if condition.enabled {
                let built = build_condition(&model, &mut checker, kind, condition)?;
                model.conditions.push(built);
            }
        }
    }

    let objective_texts = match &spec.objective {
        Some(objective) => objective.minimise.to_vec(),
        None => vec!["cost".to_string()],
    };
    if objective_texts.is_empty() {
        bail!("{file}: [objective], field 'minimise': expected at least one expression");
    }
    for (index, text) in objective_texts.iter().enumerate() {
        let expression = parse_expression(&model, text)
            .map_err(|error| anyhow!("{file}: [objective], field 'minimise[{index}]': {error}"))?;
        model.objectives.push(Objective {
            text: text.clone(),
            expression,
        });
    }
    Ok(model)
}

fn build_condition(
    model: &Model,
    checker: &mut Checker,
    kind: ConditionKind,
    spec: &ConditionSpec,
) -> Result<Condition> {
    let file = checker.file;
    let label = format!("{} '{}'", kind.as_str(), spec.id);
    let expression = parse_expression(model, &spec.expr)
        .map_err(|error| anyhow!("{file}: {label}, field 'expr': {error}"))?;
    if spec.min.is_none() && spec.max.is_none() {
        bail!("{file}: {label}: expected `min`, `max` or both");
    }
    let min = checker.optional_finite(&label, "min", spec.min.as_ref())?;
    let max = checker.optional_finite(&label, "max", spec.max.as_ref())?;
    let when = if spec.total {
        if spec.at.is_some() {
            bail!("{file}: {label}, field 'at': a `total = true` condition holds on the sum over the horizon, so it takes no `at`");
        }
        When::Total
    } else {
        match &spec.at {
            None => When::At((0..model.periods.len()).collect()),
            Some(labels) if labels.is_empty() => bail!(
                "{file}: {label}, field 'at': expected at least one period (leave `at` out for every period, or set `enabled = false` to switch the {} off)",
                kind.as_str()
            ),
            Some(labels) => When::At(
                labels
                    .iter()
                    .enumerate()
                    .map(|(position, period)| {
                        if labels[..position].contains(period) {
                            bail!("{file}: {label}, field 'at': period '{period}' is listed twice");
                        }
                        model.periods.iter().position(|p| p == period).ok_or_else(|| {
                            anyhow!(
                                "{file}: {label}, field 'at': '{period}' is not a period of the model{} (periods: {})",
                                did_you_mean(period, model.periods.iter().map(String::as_str)),
                                model.periods.join(", ")
                            )
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
        }
    };
    if let (Some(min), Some(max)) = (&min, &max) {
        let bound_periods: Vec<usize> = match &when {
            When::At(periods) => periods.clone(),
            When::Total => vec![0],
        };
        if let Some(&period) = bound_periods.iter().find(|&&t| min[t] > max[t] + 1e-12) {
            bail!(
                "{file}: {label}, field 'max': expected at least min ({}) in {}, got {}",
                min[period],
                model.periods[period],
                max[period]
            );
        }
    }
    if let Some(penalty) = spec.penalty {
        if !sane(penalty) || penalty < 0.0 {
            bail!("{file}: {label}, field 'penalty': expected a non-negative cost per unit below 1e20, got {penalty}");
        }
    }
    Ok(Condition {
        kind,
        id: spec.id.clone(),
        name: spec.name.clone().unwrap_or_else(|| spec.id.clone()),
        text: spec.expr.clone(),
        min,
        max,
        when,
        penalty: spec.penalty,
        unit: spec
            .unit
            .clone()
            .unwrap_or_else(|| expression.unit(&model.currency)),
        expression,
    })
}

/// Every id follows `ID_RULE`, and every name, unit and period label is one
/// line of plain text.
fn check_ids_and_labels(spec: &Spec) -> Result<()> {
    let file = spec.file.display().to_string();
    let file = file.as_str();
    for (field, text) in [
        ("name", spec.model.name.as_deref()),
        ("currency", Some(spec.model.currency.as_str())),
    ] {
        if let Some(text) = text {
            check_label_text(file, "[model]", field, text)?;
        }
    }
    for period in &spec.model.periods {
        if period.trim().is_empty() {
            bail!("{file}: [model], field 'periods': expected non-empty period labels");
        }
        check_label_text(file, "[model]", "periods", period)?;
    }
    let mut entities: Vec<(&str, Option<&str>, Option<&str>)> = Vec::new();
    entities.extend(
        spec.groups
            .iter()
            .map(|g| ("group", Some(g.id.as_str()), g.name.as_deref())),
    );
    entities.extend(
        spec.pools
            .iter()
            .map(|p| ("pool", Some(p.id.as_str()), p.name.as_deref())),
    );
    entities.extend(
        spec.pipelines
            .iter()
            .map(|p| ("pipeline", Some(p.id.as_str()), p.name.as_deref())),
    );
    entities.extend(
        spec.moves
            .iter()
            .map(|m| ("move", m.id.as_deref(), m.name.as_deref())),
    );
    entities.extend(
        spec.services
            .iter()
            .map(|s| ("service", Some(s.id.as_str()), s.name.as_deref())),
    );
    entities.extend(
        spec.targets
            .iter()
            .map(|t| ("target", Some(t.id.as_str()), t.name.as_deref())),
    );
    entities.extend(
        spec.limits
            .iter()
            .map(|l| ("limit", Some(l.id.as_str()), l.name.as_deref())),
    );
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for (kind, id, name) in entities {
        let count = counts.entry(kind).or_default();
        *count += 1;
        let label = match id {
            Some(id) if is_valid_id(id) => format!("{kind} '{id}'"),
            _ => format!("{kind} #{count}"),
        };
        if let Some(id) = id {
            check_id(file, &label, id)?;
        }
        if let Some(name) = name {
            check_label_text(file, &label, "name", name)?;
        }
    }
    for (kind, conditions) in [("target", &spec.targets), ("limit", &spec.limits)] {
        for condition in conditions {
            if let Some(unit) = &condition.unit {
                check_label_text(file, &format!("{kind} '{}'", condition.id), "unit", unit)?;
            }
        }
    }
    Ok(())
}

fn check_unique(file: &str, kind: &str, ids: &[&str]) -> Result<()> {
    for (index, id) in ids.iter().enumerate() {
        if id.is_empty() {
            bail!(
                "{file}: {kind} #{}, field 'id': expected a non-empty id",
                index + 1
            );
        }
        if ids[..index].contains(id) {
            bail!("{file}: two {kind}s have the id '{id}'");
        }
    }
    Ok(())
}

fn lookup(ids: &[&str], wanted: &str, kind: &str) -> Result<usize> {
    ids.iter().position(|id| *id == wanted).ok_or_else(|| {
        anyhow!(
            "no {kind} '{wanted}'{}",
            did_you_mean(wanted, ids.iter().copied())
        )
    })
}

/// Turns parameters into per-period series with range checks.
struct Checker<'a> {
    file: &'a str,
    periods: &'a [String],
}

impl Checker<'_> {
    fn series(&mut self, label: &str, field: &str, param: &Param) -> Result<Series> {
        let file = self.file;
        let count = self.periods.len();
        let values = match param {
            Param::Scalar(value) => vec![*value; count],
            Param::Series(values) => {
                if values.len() != count {
                    bail!(
                        "{file}: {label}, field '{field}': expected {count} values (one per period: {}), got {}",
                        self.periods.join(", "),
                        values.len()
                    );
                }
                values.clone()
            }
            Param::File(path) => {
                bail!("{file}: {label}, field '{field}': CSV file '{path}' was not read")
            }
        };
        if let Some(position) = values.iter().position(|v| !sane(*v)) {
            bail!(
                "{file}: {label}, field '{field}': expected a finite number below 1e20 in magnitude in {}, got {}",
                self.periods[position],
                values[position]
            );
        }
        Ok(values)
    }

    fn optional_finite(
        &mut self,
        label: &str,
        field: &str,
        param: Option<&Param>,
    ) -> Result<Option<Series>> {
        param
            .map(|param| self.series(label, field, param))
            .transpose()
    }

    fn non_negative(
        &mut self,
        label: &str,
        field: &str,
        param: Option<&Param>,
        default: f64,
    ) -> Result<Series> {
        let values = match param {
            Some(param) => self.series(label, field, param)?,
            None => vec![default; self.periods.len()],
        };
        if let Some(position) = values.iter().position(|v| *v < 0.0) {
            bail!(
                "{}: {label}, field '{field}': expected a non-negative number, got {} in {}",
                self.file,
                values[position],
                self.periods[position]
            );
        }
        Ok(values)
    }

    fn optional_non_negative(
        &mut self,
        label: &str,
        field: &str,
        param: Option<&Param>,
    ) -> Result<Option<Series>> {
        param
            .map(|param| self.non_negative(label, field, Some(param), 0.0))
            .transpose()
    }

    fn rate(
        &mut self,
        label: &str,
        field: &str,
        param: Option<&Param>,
        default: f64,
    ) -> Result<Series> {
        let values = self.non_negative(label, field, param, default)?;
        if let Some(position) = values.iter().position(|v| *v > 1.0) {
            bail!(
                "{}: {label}, field '{field}': expected a rate in [0, 1] (a share per period, e.g. 0.1 for 10%), got {} in {}",
                self.file,
                values[position],
                self.periods[position]
            );
        }
        Ok(values)
    }
}

/// An expression as shown in a message: at most 80 characters.
fn excerpt(text: &str) -> String {
    if text.chars().count() <= 80 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(80).collect::<String>())
    }
}

/// Parses an expression and resolves its names against the model.
pub fn parse_expression(model: &Model, text: &str) -> Result<Expression> {
    let shown = excerpt(text);
    let form: LinearForm =
        expr::parse(text).map_err(|error| anyhow!("cannot parse \"{shown}\" at {error}"))?;
    if !sane(form.constant) {
        bail!(
            "in \"{shown}\": the constant {} is too large: numbers must be below 1e20 in magnitude",
            form.constant
        );
    }
    let mut terms = Vec::new();
    for (coefficient, reference) in form.terms {
        if !sane(coefficient) {
            bail!(
                "in \"{shown}\" at column {}: the coefficient {coefficient} is too large: numbers must be below 1e20 in magnitude",
                reference.column
            );
        }
        let quantity = resolve_quantity(model, &reference)
            .map_err(|error| anyhow!("in \"{shown}\" at column {}: {error}", reference.column))?;
        terms.push((coefficient, quantity));
    }
    Ok(Expression {
        terms,
        constant: form.constant,
    })
}

fn resolve_quantity(model: &Model, reference: &expr::QuantityRef) -> Result<Quantity> {
    let groups: Vec<&str> = model.groups.iter().map(|g| g.id.as_str()).collect();
    let pools: Vec<&str> = model.pools.iter().map(|p| p.id.as_str()).collect();
    let services: Vec<&str> = model.services.iter().map(|s| s.id.as_str()).collect();
    let pipelines: Vec<&str> = model.pipelines.iter().map(|p| p.id.as_str()).collect();
    let arguments = &reference.arguments;
    let name = reference.name.as_str();
    let arity = |allowed: &[usize]| -> Result<()> {
        if allowed.contains(&arguments.len()) {
            Ok(())
        } else {
            bail!(
                "{name} takes {} argument(s), got {}",
                allowed
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
                arguments.len()
            )
        }
    };
    let select = |ids: &[&str], kind: &str, position: usize| -> Result<Selection> {
        match arguments.get(position) {
            None | Some(Argument::All) => Ok((0..ids.len()).collect()),
            Some(Argument::Id(id)) => lookup(ids, id, kind).map(|index| vec![index]),
            Some(Argument::Link(..)) => {
                bail!("{name} takes a {kind} id or '*', not a link 'a -> b'")
            }
        }
    };
    Ok(match name {
        "stock" => {
            arity(&[1])?;
            Quantity::Stock(select(&groups, "group", 0)?)
        }
        "hire" => {
            arity(&[1, 2])?;
            let source = match arguments.get(1) {
                None | Some(Argument::All) => None,
                Some(Argument::Id(id)) if id == "open_market" => Some(HireSource::OpenMarket),
                Some(Argument::Id(id)) => Some(HireSource::Pool(lookup(&pools, id, "pool")?)),
                Some(Argument::Link(..)) => bail!("hire takes (group, pool), not a link"),
            };
            Quantity::Hire(select(&groups, "group", 0)?, source)
        }
        "intake" | "in_training" | "completions" => {
            arity(&[1])?;
            let selection = select(&pipelines, "pipeline", 0)?;
            match name {
                "intake" => Quantity::Intake(selection),
                "in_training" => Quantity::InTraining(selection),
                _ => Quantity::Completions(selection),
            }
        }
        "move" => {
            arity(&[1])?;
            let selection: Selection = match &arguments[0] {
                Argument::All => (0..model.moves.len()).collect(),
                Argument::Id(id) => {
                    let ids: Vec<&str> = model.moves.iter().map(|m| m.id.as_str()).collect();
                    vec![lookup(&ids, id, "move")?]
                }
                Argument::Link(from, to) => {
                    let from_index = from
                        .as_deref()
                        .map(|id| lookup(&groups, id, "group"))
                        .transpose()?;
                    let to_index = to
                        .as_deref()
                        .map(|id| lookup(&groups, id, "group"))
                        .transpose()?;
                    let selection: Selection = model
                        .moves
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| {
                            from_index.is_none_or(|f| m.from == f)
                                && to_index.is_none_or(|t| m.to == t)
                        })
                        .map(|(index, _)| index)
                        .collect();
                    if selection.is_empty() && from.is_some() && to.is_some() {
                        bail!(
                            "no move from '{}' to '{}' (add a [[move]] with from and to)",
                            from.as_deref().unwrap_or("*"),
                            to.as_deref().unwrap_or("*")
                        );
                    }
                    selection
                }
            };
            Quantity::Move(selection)
        }
        "exit" | "surplus" | "reduced" => {
            arity(&[1])?;
            let selection = select(&groups, "group", 0)?;
            match name {
                "exit" => Quantity::Exit(selection),
                "surplus" => Quantity::Surplus(selection),
                _ => Quantity::Reduced(selection),
            }
        }
        "work" => {
            arity(&[1, 2])?;
            Quantity::Work(
                select(&groups, "group", 0)?,
                select(&services, "service", 1)?,
            )
        }
        "temp" => {
            arity(&[1, 2])?;
            Quantity::Temp(select(&pools, "pool", 0)?, select(&services, "service", 1)?)
        }
        "unmet" => {
            arity(&[1])?;
            Quantity::Unmet(select(&services, "service", 0)?)
        }
        "cost" | "cash" | "penalty" => {
            arity(&[0])?;
            match name {
                "cost" => Quantity::Cost(Vec::new()), // placeholder replaced below: cash + penalty
                "cash" => Quantity::Cost(CostCategory::ALL.to_vec()),
                _ => Quantity::Penalty,
            }
        }
        _ => {
            if let Some(part) = name.strip_prefix("cost.") {
                arity(&[0])?;
                let categories = match part {
                    "salary" => vec![CostCategory::Salary],
                    "hire" => vec![CostCategory::Hire],
                    "training" => vec![CostCategory::TrainingCourse, CostCategory::TraineeSalary],
                    "training_course" => vec![CostCategory::TrainingCourse],
                    "trainee_salary" => vec![CostCategory::TraineeSalary],
                    "move" => vec![CostCategory::Move],
                    "exit" => vec![CostCategory::Exit],
                    "surplus" => vec![CostCategory::Surplus],
                    "reduced" => vec![CostCategory::Reduced],
                    "temp" => vec![CostCategory::Temp],
                    other => bail!(
                        "unknown cost part 'cost.{other}'{}; expected cost.salary, cost.hire, cost.training, cost.training_course, cost.trainee_salary, cost.move, cost.exit, cost.surplus, cost.reduced or cost.temp",
                        did_you_mean(other, ["salary", "hire", "training", "training_course", "trainee_salary", "move", "exit", "surplus", "reduced", "temp"].into_iter())
                    ),
                };
                Quantity::Cost(categories)
            } else {
                const NAMES: [&str; 17] = [
                    "stock",
                    "hire",
                    "intake",
                    "in_training",
                    "completions",
                    "move",
                    "exit",
                    "work",
                    "surplus",
                    "reduced",
                    "temp",
                    "unmet",
                    "cost",
                    "cash",
                    "penalty",
                    "cost.salary",
                    "cost.training",
                ];
                bail!(
                    "unknown quantity '{name}'{}; expected one of stock, hire, intake, in_training, completions, move, exit, work, surplus, reduced, temp, unmet, cost, cash, penalty, cost.<part>",
                    did_you_mean(name, NAMES.into_iter())
                )
            }
        }
    })
}

/// `cost` (cash plus penalty) is written as an empty category list; expand it.
pub fn expand_cost(quantity: &Quantity) -> Vec<Quantity> {
    match quantity {
        Quantity::Cost(categories) if categories.is_empty() => {
            vec![
                Quantity::Cost(CostCategory::ALL.to_vec()),
                Quantity::Penalty,
            ]
        }
        other => vec![other.clone()],
    }
}

/// Things that are valid but probably not what the planner meant, for
/// `validate` to print: each names the entity and the field.
pub fn warnings(model: &Model) -> Vec<String> {
    let file = &model.file;
    let periods = model.periods.len();
    let mut warnings = Vec::new();
    for pipeline in &model.pipelines {
        let label = format!("pipeline '{}'", pipeline.id);
        if pipeline.duration_periods >= periods {
            warnings.push(format!(
                "{file}: {label}, field 'duration': the course lasts {} period(s) and the horizon {periods}, so no new intake completes within it",
                pipeline.duration_periods
            ));
        }
        let free = pipeline.cost_per_trainee.iter().all(|c| *c == 0.0)
            && pipeline.trainee_salary.iter().all(|c| *c == 0.0);
        if let (true, Some(feeder)) = (free, pipeline.from) {
            if model.groups[feeder].exit_cost_per_fte.is_none() {
                warnings.push(format!(
                    "{file}: {label}, fields 'cost' and 'trainee_salary': training is free, so seconding staff whose course ends after the horizon is a free way out of group '{}' (which has no exit_cost)",
                    model.groups[feeder].id
                ));
            }
        }
    }
    for (service_index, service) in model.services.iter().enumerate() {
        let temporary = model
            .pools
            .iter()
            .any(|pool| pool.efficiency_on(service_index) > 0.0);
        if service.staffed_by.is_empty() && !temporary && service.unmet_penalty.is_none() {
            warnings.push(format!(
                "{file}: service '{}', field 'staffed_by': no group or temporary pool can staff it and it has no unmet_penalty, so any demand makes the model infeasible",
                service.id
            ));
        }
    }
    for group in &model.groups {
        if group.terminal_value_per_fte > 0.0
            && group.hire_max_fte.is_none()
            && !group.hire_sources.is_empty()
        {
            let last = periods - 1;
            let pool_cost = group
                .hire_sources
                .iter()
                .map(|source| match source {
                    HireSource::Pool(pool) => model.pools[*pool].hire_cost_per_fte[last],
                    HireSource::OpenMarket => 0.0,
                })
                .fold(f64::INFINITY, f64::min);
            let cheapest = group.hire_cost_per_fte[last] + pool_cost + group.salary_per_fte[last];
            if group.terminal_value_per_fte > cheapest {
                warnings.push(format!(
                    "{file}: group '{}', field 'terminal_value': {} is more than hiring one more FTE in the last period costs ({}), so hiring could be unbounded",
                    group.id, group.terminal_value_per_fte, cheapest
                ));
            }
        }
    }
    warnings
}
