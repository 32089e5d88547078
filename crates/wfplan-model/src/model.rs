//! The validated model: ids resolved to indices, every parameter aligned to
//! the periods, expressions parsed and resolved. Built from a `spec::Spec`
//! by `build`, which is pure; every error names the file, the entity and the
//! field and says what was expected.

use anyhow::{anyhow, bail, Result};

use crate::expr::{self, Argument, LinearForm};
use crate::spec::{did_you_mean, Cohorts, ConditionSpec, MoveSpec, Number, Param, Spec};

/// A value per period.
pub type Series = Vec<f64>;

/// The smallest magnitude of a non-zero number in a model: below it a
/// coefficient or bound is noise to HiGHS, whose tolerances are 1e-7 to 1e-9.
pub const MIN_MAGNITUDE: f64 = 1e-9;

/// A number HiGHS can take as it is: finite, below 1e20 in magnitude (HiGHS
/// reads 1e20 and above as infinity), and 0 or at least 1e-9 in magnitude.
pub fn sane(value: f64) -> bool {
    value.is_finite()
        && value.abs() < expr::MAX_MAGNITUDE
        && (value == 0.0 || value.abs() >= MIN_MAGNITUDE)
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
    bail!(
        "{file}: {label}, field 'id': {} is not a valid id: expected {ID_RULE}",
        wfplan_text::terminal::excerpt(&format!("{id:?}"))
    )
}

/// Refuses free text (a name, a unit, a period label) holding control
/// characters such as a line break or a terminal escape: such text is
/// written into tables, reports and LP files as a single label.
pub fn check_label_text(file: &str, label: &str, field: &str, text: &str) -> Result<()> {
    if text.chars().any(char::is_control) {
        bail!(
            "{file}: {label}, field '{field}': {} holds a control character (a line break, tab or escape); expected one line of plain text",
            wfplan_text::terminal::excerpt(&format!("{text:?}"))
        );
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
    /// The scenario's `freeze_until`: decisions in periods before this one
    /// (0-based) are to be held to a base plan (see `freeze`).
    pub freeze_until: Option<usize>,
    /// Published figures to set the plan beside (`[model] history`).
    pub history: Vec<Observation>,
    /// The files the model was read from (model file and CSV series).
    pub inputs: Vec<std::path::PathBuf>,
    pub periods: Vec<String>,
    pub discount_rate: f64,
    pub currency: String,
    /// `[finance]`: the price base and the price and pay indices by period
    /// (indices of 1 without it). Money in the model is in real terms.
    pub finance: crate::finance::Finance,
    /// The regions `[[region]]` declares (empty: one implicit region, and
    /// every entity's `region` is None).
    pub regions: Vec<Region>,
    pub groups: Vec<Group>,
    pub pools: Vec<Pool>,
    pub pipelines: Vec<Pipeline>,
    pub moves: Vec<Move>,
    pub services: Vec<Service>,
    pub conditions: Vec<Condition>,
    /// Objectives solved in order (lexicographic); the first is the default `cost`.
    pub objectives: Vec<Objective>,
    /// The `[[driver]]`s demand may be derived from (`Service::need`).
    pub drivers: Vec<crate::need::Driver>,
    /// Decisions `[model] integer` makes whole numbers (pipelines and moves
    /// with `integer = true` carry their own flag).
    pub integer: Vec<crate::integer::IntegerDecision>,
}

/// A region: every regional entity exists once per region it is in.
#[derive(Debug, Clone)]
pub struct Region {
    pub id: String,
    pub name: String,
}

impl Model {
    /// Whether the model declares `[[region]]`s.
    pub fn has_regions(&self) -> bool {
        !self.regions.is_empty()
    }

    /// Whether any decision must be a whole number (the programme is a MIP).
    pub fn has_integers(&self) -> bool {
        !self.integer.is_empty()
            || self.pipelines.iter().any(|p| p.integer || p.has_runs())
            || self.moves.iter().any(|m| m.integer)
    }

    /// The id of a region, "" for a national entity (and for every entity
    /// of a model without regions).
    pub fn region_id(&self, region: Option<usize>) -> &str {
        region.map_or("", |r| self.regions[r].id.as_str())
    }
}

/// The name of an entity in rows, columns and messages: `id`, or
/// `id,region` for an entity of one region.
pub fn entity_key(id: &str, region: Option<&str>) -> String {
    match region {
        Some(region) => format!("{id},{region}"),
        None => id.to_string(),
    }
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
    /// The staff family (`family = "nursing"`), if declared.
    pub family: Option<String>,
    /// The region the entity is in; None for a national entity and for
    /// every entity of a model without regions.
    pub region: Option<usize>,
    /// `id`, or `id,region`: the entity's name in rows and columns.
    pub key: String,
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
    /// FTE per head (`participation`); None: one head per FTE, and no
    /// headcount reported unless another group sets it.
    pub participation: Option<Series>,
    /// Age bands (`[group.age]`); None: one stock, as always.
    pub age: Option<crate::age::AgeBands>,
}

impl Group {
    /// FTE per head in a period (1 without `participation`).
    pub fn participation_at(&self, period: usize) -> f64 {
        self.participation.as_ref().map_or(1.0, |p| p[period])
    }
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub id: String,
    pub name: String,
    /// The region the entity is in; None for a national entity and for
    /// every entity of a model without regions.
    pub region: Option<usize>,
    /// `id`, or `id,region`: the entity's name in rows and columns.
    pub key: String,
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
    /// The region the entity is in; None for a national entity and for
    /// every entity of a model without regions.
    pub region: Option<usize>,
    /// `id`, or `id,region`: the entity's name in rows and columns.
    pub key: String,
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
    /// Whole-number intakes (`integer = true`, or named in `[model] integer`).
    pub integer: bool,
    /// The fewest trainees a run takes (`minimum_cohort`).
    pub minimum_cohort: Option<Series>,
    /// The cost of each period the course runs (`fixed_cost_per_run`).
    pub fixed_cost_per_run: Option<Series>,
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

    /// Whether the course has a yes/no run decision per period (a minimum
    /// cohort or a fixed cost per run).
    pub fn has_runs(&self) -> bool {
        self.minimum_cohort.is_some() || self.fixed_cost_per_run.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Move {
    pub id: String,
    pub name: String,
    /// The region the entity is in; None for a national entity and for
    /// every entity of a model without regions.
    pub region: Option<usize>,
    /// `id`, or `id,region`: the entity's name in rows and columns; for
    /// a move between regions `id,from_region,to_region`.
    pub key: String,
    pub from: usize,
    pub to: usize,
    /// A move between regions (`between_regions = true`): (the region
    /// staff leave, the region they arrive in); `region` is the first.
    /// None for a move within a region.
    pub between: Option<(usize, usize)>,
    pub retention_rate: Series,
    pub cost_per_move: Series,
    pub max_fte: Option<Series>,
    /// Whole-number moves (`integer = true`).
    pub integer: bool,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// The region the entity is in; None for a national entity and for
    /// every entity of a model without regions.
    pub region: Option<usize>,
    /// `id`, or `id,region`: the entity's name in rows and columns.
    pub key: String,
    pub demand_fte: Series,
    /// The terms of a demand derived from drivers (`need`); empty for a
    /// demand given as a series. Their `fte` add up to `demand_fte`.
    pub need: Vec<crate::need::NeedTerm>,
    /// (group, efficiency e_{g,s})
    pub staffed_by: Vec<(usize, f64)>,
    /// (group, minimum share μ_{g,s})
    pub min_share: Vec<(usize, f64)>,
    pub unmet_penalty: Option<Series>,
    /// What one unit of demand and care is ("FTE" unless the model says,
    /// e.g. "district-nurse-equivalent FTE").
    pub care_unit: String,
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
    /// `per_region = true`: one instance per region and period.
    pub per_region: bool,
    /// The bounds of a `per_region` condition given by region (a table
    /// `{ london = 900, ... }` or a CSV with a region column): [region] →
    /// series. Empty when the bound is the same in every region; when
    /// given, `min` (`max`) holds the sum over the regions.
    pub min_by_region: Vec<Series>,
    pub max_by_region: Vec<Series>,
    /// With `per_region`: the expression restricted to each region (by
    /// region index); empty otherwise.
    pub regional: Vec<Expression>,
}

impl Condition {
    /// The lower bound of an instance (a region's, when `min` is given by
    /// region; `region` None is the national sum) in a period.
    pub fn min_at(&self, region: Option<usize>, period: usize) -> Option<f64> {
        bound_at(&self.min, &self.min_by_region, region, period)
    }

    /// The upper bound of an instance, as `min_at`.
    pub fn max_at(&self, region: Option<usize>, period: usize) -> Option<f64> {
        bound_at(&self.max, &self.max_by_region, region, period)
    }
}

fn bound_at(
    national: &Option<Series>,
    by_region: &[Series],
    region: Option<usize>,
    period: usize,
) -> Option<f64> {
    match region {
        Some(region) if !by_region.is_empty() => Some(by_region[region][period]),
        _ => national.as_ref().map(|series| series[period]),
    }
}

/// A published figure and the model quantity it is compared with.
#[derive(Debug, Clone)]
pub struct Observation {
    pub row: crate::spec::HistoryRow,
    /// The index of `row.period`.
    pub period: usize,
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
    /// Headcount: stock ÷ participation, per group.
    Heads(Selection),
    /// The stock of some age bands: (group, bands) pairs.
    AgeStock(Vec<(usize, Vec<usize>)>),
    /// groups × hire sources (None: every source; else the pools, or the
    /// open market, selected)
    Hire(Selection, Option<Vec<HireSource>>),
    Intake(Selection),
    /// Courses run (the yes/no decision of pipelines with a minimum cohort
    /// or a fixed cost per run).
    Runs(Selection),
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
    /// "FTE", the currency, "head" (headcount), "run" (courses run), or
    /// "units" for a mix.
    pub fn unit(&self, currency: &str) -> String {
        let money = self.terms.iter().filter(|(_, q)| q.is_money()).count();
        let heads = self
            .terms
            .iter()
            .filter(|(_, q)| matches!(q, Quantity::Heads(_)))
            .count();
        let runs = self
            .terms
            .iter()
            .filter(|(_, q)| matches!(q, Quantity::Runs(_)))
            .count();
        let count = self.terms.len();
        if heads > 0 {
            return if heads == count { "head" } else { "units" }.to_string();
        }
        if runs > 0 {
            return if runs == count { "run" } else { "units" }.to_string();
        }
        if money == 0 {
            "FTE".to_string()
        } else if money == count {
            currency.to_string()
        } else {
            "units".to_string()
        }
    }
}

/// The applied scenario's `freeze_until`, as a period index: a period of
/// the model after the first (freezing before the first period holds
/// nothing).
fn freeze_until(file: &str, spec: &Spec, periods: &[String]) -> Result<Option<usize>> {
    let Some(scenario) = spec
        .scenarios
        .iter()
        .find(|s| Some(&s.id) == spec.scenario.as_ref())
    else {
        return Ok(None);
    };
    let Some(label) = &scenario.freeze_until else {
        return Ok(None);
    };
    match periods.iter().position(|p| p == label) {
        Some(0) => bail!(
            "{file}: scenario '{}', field 'freeze_until': '{label}' is the first period, so nothing would be frozen; name a later period, or leave freeze_until out",
            scenario.id
        ),
        Some(index) => Ok(Some(index)),
        None => bail!(
            "{file}: scenario '{}', field 'freeze_until': no period '{label}'{}; the periods are {}",
            scenario.id,
            did_you_mean(label, periods.iter().map(String::as_str)),
            periods.join(", ")
        ),
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
    check_ids_and_labels(spec)?;
    let regions = build_regions(&file, spec)?;
    let region_ids: Vec<&str> = regions.iter().map(|r| r.id.as_str()).collect();
    let mut checker = Checker {
        file: &file,
        periods: &periods,
        region_ids: region_ids.iter().map(|r| r.to_string()).collect(),
        region: None,
        pair: None,
    };

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

    // Expansion: each regional entity becomes one model entity per region
    // it exists in (in spec order, regions in declaration order); a
    // national entity, and every entity of a model without regions, is one.
    let expand = |kind: &str, id: &str, listed: Option<&[String]>, national: bool| {
        entity_regions(&file, kind, id, listed, national, &region_ids)
    };
    let pool_national: Vec<bool> = spec
        .pools
        .iter()
        .map(|pool| national_scope(&file, &format!("pool '{}'", pool.id), pool.scope.as_deref()))
        .collect::<Result<_>>()?;
    let pipeline_national: Vec<bool> = spec
        .pipelines
        .iter()
        .map(|p| national_scope(&file, &format!("pipeline '{}'", p.id), p.scope.as_deref()))
        .collect::<Result<_>>()?;
    let group_x = Expanded::new(
        "group",
        spec.groups
            .iter()
            .map(|g| {
                Ok((
                    g.id.as_str(),
                    expand("group", &g.id, g.regions.as_deref(), false)?,
                ))
            })
            .collect::<Result<_>>()?,
        &region_ids,
    );
    let pool_x = Expanded::new(
        "pool",
        spec.pools
            .iter()
            .zip(&pool_national)
            .map(|(p, &national)| {
                Ok((
                    p.id.as_str(),
                    expand("pool", &p.id, p.regions.as_deref(), national)?,
                ))
            })
            .collect::<Result<_>>()?,
        &region_ids,
    );
    let pipeline_x = Expanded::new(
        "pipeline",
        spec.pipelines
            .iter()
            .zip(&pipeline_national)
            .map(|(p, &national)| {
                Ok((
                    p.id.as_str(),
                    expand("pipeline", &p.id, p.regions.as_deref(), national)?,
                ))
            })
            .collect::<Result<_>>()?,
        &region_ids,
    );
    let service_x = Expanded::new(
        "service",
        spec.services
            .iter()
            .map(|s| {
                Ok((
                    s.id.as_str(),
                    expand("service", &s.id, s.regions.as_deref(), false)?,
                ))
            })
            .collect::<Result<_>>()?,
        &region_ids,
    );
    let key_of = |id: &str, region: Option<usize>| entity_key(id, region.map(|r| region_ids[r]));
    let label_of = |kind: &str, id: &str, region: Option<usize>| match region {
        Some(r) => format!("{kind} '{id}' in region '{}'", region_ids[r]),
        None => format!("{kind} '{id}'"),
    };

    let mut groups = Vec::new();
    for (group, region) in group_x.pairs(&spec.groups) {
        checker.region = region;
        let label = label_of("group", &group.id, region);
        let at = |field: &str| format!("{file}: {label}, field '{field}'");
        let opening = checker.number(&label, "opening", &group.opening)?;
        if !sane(opening) || opening < 0.0 {
            bail!(
                "{}: expected a non-negative FTE below 1e20 (and 0 or at least 1e-9), got {}",
                at("opening"),
                wfplan_text::terminal::number(opening)
            );
        }
        let hire_sources = match &group.from_pools {
            None => vec![HireSource::OpenMarket],
            Some(list) => list
                .iter()
                .map(|pool| {
                    pool_x
                        .find(pool, region)
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
        let terminal_value_per_fte = match &group.terminal_value {
            Some(number) => {
                let value = checker.number(&label, "terminal_value", number)?;
                if !sane(value) || value < 0.0 {
                    bail!(
                        "{}: expected a non-negative value per FTE below 1e20 (and 0 or at least 1e-9), got {value}",
                        at("terminal_value")
                    );
                }
                value
            }
            None => 0.0,
        };
        groups.push(Group {
            id: group.id.clone(),
            name: group.name.clone().unwrap_or_else(|| group.id.clone()),
            family: group.family.clone(),
            region,
            key: key_of(&group.id, region),
            opening_fte: opening,
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
            terminal_value_per_fte,
            productivity: checker.non_negative(
                &label,
                "productivity",
                group.productivity.as_ref(),
                1.0,
            )?,
            participation: participation(&mut checker, &label, group.participation.as_ref())?,
            age: crate::age::build(
                &mut checker,
                &label,
                group,
                opening,
                &crate::age::Sources::of(spec, group),
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
    for (pool, region) in pool_x.pairs(&spec.pools) {
        checker.region = region;
        let label = label_of("pool", &pool.id, region);
        let temporary = match pool.kind.as_deref() {
            None | Some("permanent") => false,
            Some("temporary") => true,
            Some(other) => bail!(
                "{file}: {label}, field 'kind': expected \"permanent\" or \"temporary\", got \"{other}\""
            ),
        };
        let mut serves = Vec::new();
        for (service, efficiency) in pool.serves.entries() {
            if !sane(efficiency) || efficiency <= 0.0 {
                bail!("{file}: {label}, field 'serves.{service}': expected a positive efficiency below 1e20 (and 0 or at least 1e-9), got {efficiency}");
            }
            // A regional pool serves its region's service; a national
            // pool the service in every region.
            let indices = if region.is_none() && service_x.exists(&service) {
                service_x.all(&service).into_iter().map(Ok).collect()
            } else {
                vec![service_x.find(&service, region)]
            };
            for index in indices {
                let index =
                    index.map_err(|error| anyhow!("{file}: {label}, field 'serves': {error}"))?;
                serves.push((index, efficiency));
            }
        }
        if !temporary && !serves.is_empty() {
            bail!("{file}: {label}, field 'serves': only a pool with kind = \"temporary\" serves services directly");
        }
        if temporary && pool.rate.is_none() && !serves.is_empty() {
            bail!("{file}: {label}, field 'rate': a temporary pool that serves services needs a rate per FTE-period");
        }
        pools.push(Pool {
            id: pool.id.clone(),
            name: pool.name.clone().unwrap_or_else(|| pool.id.clone()),
            region,
            key: key_of(&pool.id, region),
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
    for (spec_index, pipeline, region) in pipeline_x.indexed_pairs(&spec.pipelines) {
        checker.region = region;
        let label = label_of("pipeline", &pipeline.id, region);
        let at = |field: &str| format!("{file}: {label}, field '{field}'");
        let national = pipeline_national[spec_index] && !region_ids.is_empty();
        if national {
            if pipeline.from.is_some() {
                bail!(
                    "{}: a national pipeline recruits from outside, so it takes no `from` (leave `scope` out for a regional course seconding staff of its own region)",
                    at("from")
                );
            }
            if pipeline.supervision.is_some() {
                bail!(
                    "{}: a national pipeline has no region whose staff could supervise it (leave `scope` out for a regional course)",
                    at("supervision")
                );
            }
            if !pool_ids.contains(&pipeline.to.as_str()) || !pool_x.is_national(&pipeline.to) {
                bail!(
                    "{}: a national pipeline delivers into a national pool (scope = \"national\"), and '{}' is not one",
                    at("to"),
                    pipeline.to
                );
            }
        }
        let from = match &pipeline.from {
            None => None,
            Some(group) => Some(
                group_x
                    .find(group, region)
                    .map_err(|error| anyhow!("{}: {error}", at("from")))?,
            ),
        };
        let to = if group_ids.contains(&pipeline.to.as_str()) {
            Destination::Group(
                group_x
                    .find(&pipeline.to, region)
                    .map_err(|error| anyhow!("{}: {error}", at("to")))?,
            )
        } else if pool_ids.contains(&pipeline.to.as_str()) {
            Destination::Pool(
                pool_x
                    .find(&pipeline.to, region)
                    .map_err(|error| anyhow!("{}: {error}", at("to")))?,
            )
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
        let in_training = checker.cohorts(&label, "in_training", &pipeline.in_training)?;
        if in_training.len() > duration {
            bail!(
                "{}: {} opening cohorts given but the course lasts {duration} period(s); cohort k completes in period k, so at most {duration} are possible",
                at("in_training"),
                in_training.len()
            );
        }
        if let Some(bad) = in_training.iter().find(|v| !sane(**v) || **v < 0.0) {
            bail!(
                "{}: expected non-negative FTE below 1e20 (and 0 or at least 1e-9), got {bad}",
                at("in_training")
            );
        }
        let supervision = match &pipeline.supervision {
            None => None,
            Some(supervision) => Some(Supervision {
                group: group_x
                    .find(&supervision.group, region)
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
        let capacity =
            checker.optional_non_negative(&label, "capacity", pipeline.capacity.as_ref())?;
        let (minimum_cohort, fixed_cost_per_run) =
            crate::integer::pipeline_runs(&mut checker, &label, pipeline, capacity.as_ref())?;
        pipelines.push(Pipeline {
            id: pipeline.id.clone(),
            name: pipeline.name.clone().unwrap_or_else(|| pipeline.id.clone()),
            region,
            key: key_of(&pipeline.id, region),
            from,
            to,
            duration_periods: duration,
            completion_rate,
            capacity,
            cost_per_trainee: checker.non_negative(&label, "cost", pipeline.cost.as_ref(), 0.0)?,
            trainee_salary: checker.non_negative(
                &label,
                "trainee_salary",
                pipeline.trainee_salary.as_ref(),
                0.0,
            )?,
            supervision,
            opening_cohorts: in_training,
            integer: pipeline.integer,
            minimum_cohort,
            fixed_cost_per_run,
        });
    }

    let mut moves = Vec::new();
    for (movement, id) in spec.moves.iter().zip(&move_ids) {
        if movement.between_regions {
            let joined: Vec<usize> = expand("move", id, movement.regions.as_deref(), false)?
                .into_iter()
                .flatten()
                .collect();
            moves.extend(build_moves_between_regions(
                &mut checker,
                movement,
                id,
                &joined,
                &group_x,
            )?);
            continue;
        }
        if movement.pairs.is_some() {
            bail!("{file}: move '{id}', field 'pairs': pairs of regions belong to a move between regions (add `between_regions = true`)");
        }
        for region in expand("move", id, movement.regions.as_deref(), false)? {
            checker.region = region;
            let label = label_of("move", id, region);
            let from = group_x
                .find(&movement.from, region)
                .map_err(|error| anyhow!("{file}: {label}, field 'from': {error}"))?;
            let to = group_x
                .find(&movement.to, region)
                .map_err(|error| anyhow!("{file}: {label}, field 'to': {error}"))?;
            if from == to {
                bail!("{file}: {label}, field 'to': a move must join two different groups");
            }
            moves.push(Move {
                id: id.clone(),
                name: movement.name.clone().unwrap_or_else(|| id.clone()),
                region,
                key: key_of(id, region),
                from,
                to,
                between: None,
                retention_rate: checker.rate(
                    &label,
                    "retention",
                    movement.retention.as_ref(),
                    1.0,
                )?,
                cost_per_move: checker.non_negative(&label, "cost", movement.cost.as_ref(), 0.0)?,
                max_fte: checker.optional_non_negative(&label, "max", movement.max.as_ref())?,
                integer: movement.integer,
            });
        }
    }

    let mut services = Vec::new();
    for (service, region) in service_x.pairs(&spec.services) {
        checker.region = region;
        let label = label_of("service", &service.id, region);
        let at = |field: &str| format!("{file}: {label}, field '{field}'");
        let mut staffed_by = Vec::new();
        for (group, efficiency) in &service.staffed_by {
            let index = group_x
                .find(group, region)
                .map_err(|error| anyhow!("{}: {error}", at("staffed_by")))?;
            if !sane(*efficiency) || *efficiency <= 0.0 {
                bail!(
                    "{}: expected a positive efficiency below 1e20 (and 0 or at least 1e-9), got {efficiency}",
                    at(&format!("staffed_by.{group}"))
                );
            }
            staffed_by.push((index, *efficiency));
        }
        let mut min_share = Vec::new();
        for (group, share) in &service.min_share {
            let index = group_x
                .find(group, region)
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
        let (demand_fte, need) =
            crate::need::service_demand(&mut checker, &label, service, &spec.drivers)?;
        services.push(Service {
            id: service.id.clone(),
            name: service.name.clone().unwrap_or_else(|| service.id.clone()),
            region,
            key: key_of(&service.id, region),
            demand_fte,
            need,
            staffed_by,
            min_share,
            unmet_penalty: checker.optional_non_negative(
                &label,
                "unmet_penalty",
                service.unmet_penalty.as_ref(),
            )?,
            care_unit: service
                .care_unit
                .clone()
                .unwrap_or_else(|| "FTE".to_string()),
        });
    }
    checker.region = None;
    let (finance, discount_rate) = crate::finance::build(
        &file,
        spec.finance.as_ref(),
        &periods,
        spec.model.discount_rate,
    )?;

    let drivers = crate::need::build_drivers(&file, &spec.drivers, !region_ids.is_empty())?;
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
        freeze_until: freeze_until(&file, spec, &periods)?,
        history: Vec::new(),
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
        discount_rate,
        currency: spec.model.currency.clone(),
        finance,
        regions,
        groups,
        pools,
        pipelines,
        moves,
        services,
        conditions: Vec::new(),
        objectives: Vec::new(),
        integer: Vec::new(),
        drivers,
    };
    crate::finance::apply_real_pay(&mut model);

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
    for (index, row) in spec.history.iter().enumerate() {
        let label = format!("{file}: [model], field 'history', row {}", index + 2);
        parse_expression(&model, &row.expr)
            .map_err(|error| anyhow!("{label}: expr {:?}: {error}", row.expr))?;
        let Some(period) = model.periods.iter().position(|p| *p == row.period) else {
            bail!(
                "{label}: no period '{}'{}; the periods are {}",
                row.period,
                did_you_mean(&row.period, model.periods.iter().map(String::as_str)),
                model.periods.join(", ")
            );
        };
        model.history.push(Observation {
            row: row.clone(),
            period,
        });
    }
    for (index, text) in objective_texts.iter().enumerate() {
        let expression = parse_expression(&model, text)
            .map_err(|error| anyhow!("{file}: [objective], field 'minimise[{index}]': {error}"))?;
        model.objectives.push(Objective {
            text: text.clone(),
            expression,
        });
    }
    if let Some(texts) = &spec.model.integer {
        model.integer = crate::integer::resolve(&model, texts)?;
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
    let regional = if spec.per_region {
        if !model.has_regions() {
            bail!("{file}: {label}, field 'per_region': the model declares no [[region]], so there is nothing to hold the condition per region in");
        }
        (0..model.regions.len())
            .map(|region| {
                parse_expression_in(model, &spec.expr, Some(region)).map_err(|error| {
                    anyhow!(
                        "{file}: {label}, field 'expr' (in region '{}'): {error}",
                        model.regions[region].id
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    if spec.min.is_none() && spec.max.is_none() {
        bail!("{file}: {label}: expected `min`, `max` or both");
    }
    // A bound by region: each region's series (the checker picks the
    // region's value), and their sum as the condition's `min` (`max`).
    let mut by_region = |field: &str, param: Option<&Param>| -> Result<Vec<Series>> {
        let Some(param @ Param::ByRegion(_)) = param.filter(|_| spec.per_region) else {
            return Ok(Vec::new());
        };
        let series = (0..model.regions.len())
            .map(|region| {
                checker.region = Some(region);
                checker.series(&label, field, param)
            })
            .collect::<Result<Vec<_>>>();
        checker.region = None;
        series
    };
    let min_by_region = by_region("min", spec.min.as_ref())?;
    let max_by_region = by_region("max", spec.max.as_ref())?;
    let summed = |series: &[Series]| {
        (!series.is_empty()).then(|| {
            (0..model.periods.len())
                .map(|t| series.iter().map(|s| s[t]).sum())
                .collect::<Series>()
        })
    };
    let min = match summed(&min_by_region) {
        Some(sum) => Some(sum),
        None => checker.optional_finite(&label, "min", spec.min.as_ref())?,
    };
    let max = match summed(&max_by_region) {
        Some(sum) => Some(sum),
        None => checker.optional_finite(&label, "max", spec.max.as_ref())?,
    };
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
        // Region by region when either bound is given by region.
        let regions: Vec<Option<usize>> = if min_by_region.is_empty() && max_by_region.is_empty() {
            vec![None]
        } else {
            (0..model.regions.len()).map(Some).collect()
        };
        for region in regions {
            let pick = |by_region: &[Series], national: &Series| match region {
                Some(r) if !by_region.is_empty() => by_region[r].clone(),
                _ => national.clone(),
            };
            let (min, max) = (pick(&min_by_region, min), pick(&max_by_region, max));
            if let Some(&period) = bound_periods.iter().find(|&&t| min[t] > max[t] + 1e-12) {
                let place = region.map_or(String::new(), |r| {
                    format!(" in region '{}'", model.regions[r].id)
                });
                bail!(
                    "{file}: {label}, field 'max': expected at least min ({}){place} in {}, got {}",
                    min[period],
                    model.periods[period],
                    max[period]
                );
            }
        }
    }
    if let Some(penalty) = spec.penalty {
        if !sane(penalty) || penalty < 0.0 {
            bail!("{file}: {label}, field 'penalty': expected a non-negative cost per unit below 1e20 (and 0 or at least 1e-9), got {penalty}");
        }
    }
    let condition = Condition {
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
        per_region: spec.per_region,
        regional,
        min_by_region,
        max_by_region,
    };
    check_empty_instances(model, &label, &condition)?;
    Ok(condition)
}

/// A `per_region` instance whose expression selects nothing in its region
/// (a group that exists only elsewhere, an `exit` of a group without
/// `exit_cost` there, ...) is a constant; when that constant breaks its
/// bound no plan can meet it (a hard condition is infeasible, a soft one a
/// penalty no decision can avoid), so it is refused here, naming the
/// region, rather than found by the solver. An empty instance whose bound
/// holds is kept: it always holds.
fn check_empty_instances(model: &Model, label: &str, condition: &Condition) -> Result<()> {
    let file = &model.file;
    for (region, expression) in condition.regional.iter().enumerate() {
        if !expression
            .terms
            .iter()
            .all(|(_, quantity)| selects_nothing(model, quantity))
        {
            continue;
        }
        let instances: Vec<(usize, usize, String)> = match &condition.when {
            When::At(periods) => periods
                .iter()
                .map(|&t| (t, 1, format!("in {}", model.periods[t])))
                .collect(),
            When::Total => vec![(
                0,
                model.periods.len(),
                "over the horizon (total)".to_string(),
            )],
        };
        for (period, count, when) in instances {
            let value = expression.constant * count as f64;
            let broken = match (
                condition.min_at(Some(region), period),
                condition.max_at(Some(region), period),
            ) {
                (Some(min), _) if value < min - 1e-9 * min.abs().max(1.0) => {
                    Some(("min", format!("{value} ≥ {min}")))
                }
                (_, Some(max)) if value > max + 1e-9 * max.abs().max(1.0) => {
                    Some(("max", format!("{value} ≤ {max}")))
                }
                _ => None,
            };
            if let Some((field, reads)) = broken {
                let id = &model.regions[region].id;
                bail!(
                    "{file}: {label}, field '{field}': in region '{id}' \"{}\" selects nothing (no entity or decision it names exists there), so its instance there reads {reads} {when}, which no plan can meet; give that region a bound it can meet (a bound by region, e.g. `{field} = {{ {id} = {value}, ... }}`), or hold the condition in the regions that have them with `@ region` instead of `per_region`",
                    excerpt(&condition.text)
                );
            }
        }
    }
    Ok(())
}

/// Whether a quantity, as resolved (in a region, for a `per_region`
/// instance), has no column behind it: its value is 0 in every plan.
/// Costs and penalties are national and never empty.
fn selects_nothing(model: &Model, quantity: &Quantity) -> bool {
    match quantity {
        Quantity::Cost(_) | Quantity::Penalty => false,
        Quantity::Heads(selection)
        | Quantity::InTraining(selection)
        | Quantity::Completions(selection) => selection.is_empty(),
        Quantity::AgeStock(pairs) => pairs.iter().all(|(_, bands)| bands.is_empty()),
        decision => crate::integer::decision_count(model, decision) == Some(0),
    }
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
    for group in &spec.groups {
        if let Some(family) = &group.family {
            let label = format!("group '{}'", group.id);
            check_label_text(file, &label, "family", family)?;
        }
    }
    for service in &spec.services {
        if let Some(unit) = &service.care_unit {
            check_label_text(
                file,
                &format!("service '{}'", service.id),
                "care_unit",
                unit,
            )?;
            if unit.trim().is_empty() {
                bail!("{file}: service '{}', field 'care_unit': expected a unit such as \"FTE\" or \"district-nurse-equivalent FTE\", not an empty text", service.id);
            }
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

/// Region ids the region column of costs_by_group.csv already uses: `all`
/// for the national total, `national` for a cost of no region.
pub const RESERVED_REGION_IDS: [&str; 2] = ["all", "national"];

/// The `[[region]]`s: ids follow the id rule, are unique and not reserved
/// ([`RESERVED_REGION_IDS`]), names are one line of text.
fn build_regions(file: &str, spec: &Spec) -> Result<Vec<Region>> {
    let mut regions: Vec<Region> = Vec::new();
    for (index, region) in spec.regions.iter().enumerate() {
        let label = if is_valid_id(&region.id) {
            format!("region '{}'", region.id)
        } else {
            format!("region #{}", index + 1)
        };
        check_id(file, &label, &region.id)?;
        if RESERVED_REGION_IDS.contains(&region.id.as_str()) {
            bail!(
                "{file}: {label}, field 'id': '{}' is reserved: costs_by_group.csv labels the national total of each holder '{}' and costs of no region '{}'; choose another id",
                region.id,
                RESERVED_REGION_IDS[0],
                RESERVED_REGION_IDS[1]
            );
        }
        if let Some(name) = &region.name {
            check_label_text(file, &label, "name", name)?;
        }
        if regions.iter().any(|r| r.id == region.id) {
            bail!("{file}: two regions have the id '{}'", region.id);
        }
        regions.push(Region {
            id: region.id.clone(),
            name: region.name.clone().unwrap_or_else(|| region.id.clone()),
        });
    }
    Ok(regions)
}

/// `scope`: "regional" (default) or "national".
fn national_scope(file: &str, label: &str, scope: Option<&str>) -> Result<bool> {
    match scope {
        None | Some("regional") => Ok(false),
        Some("national") => Ok(true),
        Some(other) => bail!(
            "{file}: {label}, field 'scope': expected \"regional\" or \"national\", got {other:?}"
        ),
    }
}

/// The regions one spec entity exists in: None alone for a national entity
/// or a model without regions; else its `regions` list (default: every
/// region).
fn entity_regions(
    file: &str,
    kind: &str,
    id: &str,
    listed: Option<&[String]>,
    national: bool,
    region_ids: &[&str],
) -> Result<Vec<Option<usize>>> {
    let label = format!("{kind} '{id}'");
    let Some(listed) = listed else {
        if national || region_ids.is_empty() {
            return Ok(vec![None]);
        }
        return Ok((0..region_ids.len()).map(Some).collect());
    };
    if region_ids.is_empty() {
        bail!("{file}: {label}, field 'regions': the model declares no [[region]]");
    }
    if national {
        bail!("{file}: {label}, field 'regions': a national {kind} (scope = \"national\") exists once for every region, so it takes no `regions`");
    }
    if listed.is_empty() {
        bail!("{file}: {label}, field 'regions': expected at least one region (leave `regions` out for every region)");
    }
    let mut regions = Vec::new();
    for (position, region) in listed.iter().enumerate() {
        if listed[..position].contains(region) {
            bail!("{file}: {label}, field 'regions': region '{region}' is listed twice");
        }
        let index = lookup(region_ids, region, "region")
            .map_err(|error| anyhow!("{file}: {label}, field 'regions': {error}"))?;
        regions.push(index);
    }
    regions.sort_unstable();
    Ok(regions.into_iter().map(Some).collect())
}

/// The model entities of one kind after expansion: (spec index, spec id,
/// region) in model order, so that a model index is a position here.
struct Expanded<'a> {
    kind: &'static str,
    entries: Vec<(usize, &'a str, Option<usize>)>,
    region_ids: &'a [&'a str],
}

impl<'a> Expanded<'a> {
    fn new(
        kind: &'static str,
        per_spec: Vec<(&'a str, Vec<Option<usize>>)>,
        region_ids: &'a [&'a str],
    ) -> Self {
        let mut entries = Vec::new();
        for (spec_index, (id, regions)) in per_spec.into_iter().enumerate() {
            for region in regions {
                entries.push((spec_index, id, region));
            }
        }
        Expanded {
            kind,
            entries,
            region_ids,
        }
    }

    /// (spec entity, region) in model order.
    fn pairs<'s, T>(&self, specs: &'s [T]) -> Vec<(&'s T, Option<usize>)> {
        self.entries
            .iter()
            .map(|&(index, _, region)| (&specs[index], region))
            .collect()
    }

    /// (spec index, spec entity, region) in model order.
    fn indexed_pairs<'s, T>(&self, specs: &'s [T]) -> Vec<(usize, &'s T, Option<usize>)> {
        self.entries
            .iter()
            .map(|&(index, _, region)| (index, &specs[index], region))
            .collect()
    }

    fn exists(&self, id: &str) -> bool {
        self.entries.iter().any(|(_, e, _)| *e == id)
    }

    fn is_national(&self, id: &str) -> bool {
        self.entries.iter().any(|(_, e, r)| *e == id && r.is_none())
    }

    /// Every model entity of spec id `id`.
    fn all(&self, id: &str) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&i| self.entries[i].1 == id)
            .collect()
    }

    /// The entity `id` seen from `region`: the one of that region, or the
    /// national one (links resolve within a region).
    fn find(&self, id: &str, region: Option<usize>) -> Result<usize> {
        if !self.exists(id) {
            let mut ids: Vec<&str> = self.entries.iter().map(|(_, e, _)| *e).collect();
            ids.dedup();
            return lookup(&ids, id, self.kind);
        }
        if let Some(index) = self
            .entries
            .iter()
            .position(|(_, e, r)| *e == id && (r.is_none() || *r == region))
        {
            return Ok(index);
        }
        let kind = self.kind;
        match region {
            Some(r) => bail!(
                "{kind} '{id}' does not exist in region '{}' (its `regions` leave it out)",
                self.region_ids[r]
            ),
            None => bail!(
                "{kind} '{id}' is regional, so a national entity cannot link to it (one per region)"
            ),
        }
    }
}

/// A key of a table by pair of regions: `"london->north"` (spaces allowed
/// around `->`) is ("london", "north").
fn parse_pair_key(key: &str) -> Option<(&str, &str)> {
    let (from, to) = key.split_once("->")?;
    Some((from.trim(), to.trim()))
}

/// A move between regions (`between_regions = true`): one model move per
/// ordered pair of distinct regions, from group `from` of the first region
/// to group `to` of the second, in pair order (by region declaration).
///
/// The pairs are `pairs` if given; else those of the first field given by
/// pair (a table keyed `from->to` or a matrix CSV, in the order retention,
/// cost, max), so a pair the matrix leaves out has no move; else every
/// ordered pair of distinct regions of the move's `regions` in which both
/// groups exist. Every field given by pair must give exactly those pairs.
fn build_moves_between_regions(
    checker: &mut Checker,
    movement: &MoveSpec,
    id: &str,
    joined: &[usize],
    group_x: &Expanded,
) -> Result<Vec<Move>> {
    let file = checker.file;
    let region_ids = checker.region_ids.clone();
    let ids: Vec<&str> = region_ids.iter().map(String::as_str).collect();
    let label = format!("move '{id}'");
    if ids.is_empty() {
        bail!("{file}: {label}, field 'between_regions': the model declares no [[region]], so there are no regions to move between");
    }
    // A region of the model that the move joins.
    let region = |field: &str, wanted: &str| -> Result<usize> {
        let index = lookup(&ids, wanted, "region")
            .map_err(|error| anyhow!("{file}: {label}, field '{field}': {error}"))?;
        if !joined.contains(&index) {
            bail!("{file}: {label}, field '{field}': region '{wanted}' is not one of the move's `regions`");
        }
        Ok(index)
    };
    let pair_of = |field: &str, from: &str, to: &str| -> Result<(usize, usize)> {
        let pair = (region(field, from)?, region(field, to)?);
        if pair.0 == pair.1 {
            bail!("{file}: {label}, field '{field}': the pair '{from}->{to}' joins region '{from}' with itself; a move within a region is a [[move]] without between_regions");
        }
        Ok(pair)
    };
    let pair_name = |(from, to): (usize, usize)| format!("{}->{}", ids[from], ids[to]);
    for (field, group) in [("from", &movement.from), ("to", &movement.to)] {
        if !group_x.exists(group) {
            let error = group_x.find(group, None).err().map(|e| e.to_string());
            bail!(
                "{file}: {label}, field '{field}': {}",
                error.unwrap_or_default()
            );
        }
    }

    // The fields given by pair, and the pairs each lists.
    let mut keyed: Vec<(&str, Vec<(usize, usize)>)> = Vec::new();
    for (field, param) in [
        ("retention", &movement.retention),
        ("cost", &movement.cost),
        ("max", &movement.max),
    ] {
        let Some(Param::ByRegion(table)) = param else {
            continue;
        };
        let mut listed = Vec::new();
        for key in table.keys() {
            let Some((from, to)) = parse_pair_key(key) else {
                bail!(
                    "{file}: {label}, field '{field}': '{key}' is not a pair of regions: a move between regions takes a number, a list per period, a table keyed \"from->to\" (e.g. \"{}->{}\") or a matrix CSV",
                    ids[0],
                    ids[ids.len().min(2) - 1]
                );
            };
            listed.push(pair_of(field, from, to)?);
        }
        keyed.push((field, listed));
    }
    let (mut pairs, explicit) = match &movement.pairs {
        Some(list) => {
            let mut pairs = Vec::new();
            for entry in list {
                let [from, to] = entry.as_slice() else {
                    bail!(
                        "{file}: {label}, field 'pairs': expected each pair as [\"from_region\", \"to_region\"], got a list of {} id(s)",
                        entry.len()
                    );
                };
                let pair = pair_of("pairs", from, to)?;
                if pairs.contains(&pair) {
                    bail!(
                        "{file}: {label}, field 'pairs': the pair '{}' is listed twice",
                        pair_name(pair)
                    );
                }
                pairs.push(pair);
            }
            if pairs.is_empty() {
                bail!("{file}: {label}, field 'pairs': expected at least one pair (leave `pairs` out for every pair)");
            }
            (pairs, true)
        }
        None => match keyed.first() {
            Some((_, listed)) => (listed.clone(), true),
            None => {
                let all = joined
                    .iter()
                    .flat_map(|&from| joined.iter().map(move |&to| (from, to)))
                    .filter(|(from, to)| from != to)
                    .collect();
                (all, false)
            }
        },
    };
    for (field, listed) in &keyed {
        if let Some(&stray) = listed.iter().find(|pair| !pairs.contains(pair)) {
            bail!(
                "{file}: {label}, field '{field}': the pair '{}' is not one of the move's pairs ({})",
                pair_name(stray),
                pairs
                    .iter()
                    .map(|&pair| pair_name(pair))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    pairs.sort_unstable();

    let mut moves = Vec::new();
    for (from_region, to_region) in pairs {
        let pair_label = format!(
            "{label} from region '{}' to region '{}'",
            ids[from_region], ids[to_region]
        );
        let ends = (
            group_x.find(&movement.from, Some(from_region)),
            group_x.find(&movement.to, Some(to_region)),
        );
        let (from, to) = match ends {
            (Ok(from), Ok(to)) => (from, to),
            // Without a list of pairs, a pair where a group is missing
            // does not exist.
            _ if !explicit => continue,
            (Err(error), _) => bail!("{file}: {pair_label}, field 'from': {error}"),
            (_, Err(error)) => bail!("{file}: {pair_label}, field 'to': {error}"),
        };
        checker.region = Some(from_region);
        checker.pair = Some((from_region, to_region));
        let retention_rate =
            checker.rate(&pair_label, "retention", movement.retention.as_ref(), 1.0)?;
        let cost_per_move =
            checker.non_negative(&pair_label, "cost", movement.cost.as_ref(), 0.0)?;
        let max_fte = checker.optional_non_negative(&pair_label, "max", movement.max.as_ref())?;
        moves.push(Move {
            id: id.to_string(),
            name: movement.name.clone().unwrap_or_else(|| id.to_string()),
            region: Some(from_region),
            key: format!("{id},{},{}", ids[from_region], ids[to_region]),
            from,
            to,
            between: Some((from_region, to_region)),
            retention_rate,
            cost_per_move,
            max_fte,
            integer: movement.integer,
        });
    }
    checker.pair = None;
    checker.region = None;
    if moves.is_empty() {
        bail!(
            "{file}: {label}, field 'between_regions': no pair of distinct regions has group '{}' in the first and group '{}' in the second",
            movement.from,
            movement.to
        );
    }
    Ok(moves)
}

/// A group's `participation`: FTE per head, in (0, 1] in every period.
fn participation(
    checker: &mut Checker,
    label: &str,
    param: Option<&Param>,
) -> Result<Option<Series>> {
    let Some(values) = checker.optional_non_negative(label, "participation", param)? else {
        return Ok(None);
    };
    if let Some(t) = values.iter().position(|p| *p <= 0.0 || *p > 1.0) {
        bail!(
            "{}: {label}, field 'participation': expected FTE per head in (0, 1] (0.8: a head works 80% of full time), got {} in {}",
            checker.file,
            values[t],
            checker.periods[t]
        );
    }
    Ok(Some(values))
}

/// Whether a model reports headcount (some group sets `participation`).
pub fn reports_heads(model: &Model) -> bool {
    model.groups.iter().any(|g| g.participation.is_some())
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
pub(crate) struct Checker<'a> {
    pub(crate) file: &'a str,
    pub(crate) periods: &'a [String],
    /// The model's region ids.
    pub(crate) region_ids: Vec<String>,
    /// The region of the entity being checked: a value by region picks it.
    pub(crate) region: Option<usize>,
    /// The pair of regions of a move between regions being checked: a
    /// table keyed `from->to` picks it.
    pub(crate) pair: Option<(usize, usize)>,
}

impl Checker<'_> {
    /// The value of a by-region table for the current entity's region.
    /// Every key must be a region of the model, and the entity's region
    /// must have a value.
    pub(crate) fn pick_region<'p, T>(
        &self,
        label: &str,
        field: &str,
        table: &'p std::collections::BTreeMap<String, T>,
    ) -> Result<&'p T> {
        let file = self.file;
        if self.region_ids.is_empty() {
            bail!("{file}: {label}, field '{field}': a table by region, but the model declares no [[region]] (expected one value)");
        }
        for key in table.keys() {
            if !self.region_ids.contains(key) {
                bail!(
                    "{file}: {label}, field '{field}': no region '{key}'{} (the model's regions: {})",
                    did_you_mean(key, self.region_ids.iter().map(String::as_str)),
                    self.region_ids.join(", ")
                );
            }
        }
        let Some(region) = self.region else {
            bail!("{file}: {label}, field '{field}': it holds in every region at once (a national entity or a condition), so it takes one value, not a table by region (a condition with `per_region = true` takes one per region)");
        };
        let region_id = &self.region_ids[region];
        table.get(region_id).ok_or_else(|| {
            anyhow!(
                "{file}: {label}, field '{field}': no value for region '{region_id}' (the table gives {}; every region the entity exists in needs one)",
                table.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            )
        })
    }

    /// The value of a table keyed `from->to` for the pair being checked
    /// (the keys are checked by `build_moves_between_regions`).
    pub(crate) fn pick_pair<'p, T>(
        &self,
        label: &str,
        field: &str,
        table: &'p std::collections::BTreeMap<String, T>,
        (from, to): (usize, usize),
    ) -> Result<&'p T> {
        let key = format!("{}->{}", self.region_ids[from], self.region_ids[to]);
        table
            .iter()
            .find(|(candidate, _)| {
                parse_pair_key(candidate).is_some_and(|(a, b)| {
                    format!("{a}->{b}") == key
                })
            })
            .map(|(_, value)| value)
            .ok_or_else(|| {
                anyhow!(
                    "{}: {label}, field '{field}': no value for the pair '{key}' (the table gives {}; every pair of the move needs one)",
                    self.file,
                    table.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
                )
            })
    }

    /// A plain number that may be given by region.
    pub(crate) fn number(&self, label: &str, field: &str, number: &Number) -> Result<f64> {
        match number {
            Number::One(value) => Ok(*value),
            Number::ByRegion(table) => self.pick_region(label, field, table).copied(),
        }
    }

    /// Opening cohorts, that may be given by region.
    pub(crate) fn cohorts(&self, label: &str, field: &str, cohorts: &Cohorts) -> Result<Vec<f64>> {
        match cohorts {
            Cohorts::List(list) => Ok(list.clone()),
            Cohorts::ByRegion(table) => self.pick_region(label, field, table).cloned(),
        }
    }

    pub(crate) fn series(&mut self, label: &str, field: &str, param: &Param) -> Result<Series> {
        let file = self.file;
        let count = self.periods.len();
        let param = match param {
            Param::ByRegion(table) => {
                let inner = match self.pair {
                    Some(pair) => self.pick_pair(label, field, table, pair)?,
                    None => self.pick_region(label, field, table)?,
                };
                if let Param::ByRegion(_) = inner {
                    bail!("{file}: {label}, field '{field}': expected a number, a list or a CSV path for each region, not another table");
                }
                inner
            }
            other => other,
        };
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
            Param::ByRegion(_) => unreachable!("a table by region is resolved above"),
        };
        if let Some(position) = values.iter().position(|v| !sane(*v)) {
            bail!(
                "{file}: {label}, field '{field}': expected a finite number below 1e20 in magnitude (and 0 or at least 1e-9) in {}, got {}",
                self.periods[position],
                wfplan_text::terminal::number(values[position])
            );
        }
        Ok(values)
    }

    pub(crate) fn optional_finite(
        &mut self,
        label: &str,
        field: &str,
        param: Option<&Param>,
    ) -> Result<Option<Series>> {
        param
            .map(|param| self.series(label, field, param))
            .transpose()
    }

    pub(crate) fn non_negative(
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

    pub(crate) fn optional_non_negative(
        &mut self,
        label: &str,
        field: &str,
        param: Option<&Param>,
    ) -> Result<Option<Series>> {
        param
            .map(|param| self.non_negative(label, field, Some(param), 0.0))
            .transpose()
    }

    pub(crate) fn rate(
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

/// Parses an expression and resolves its names against the model; a
/// quantity without `@ region` sums over every region.
pub fn parse_expression(model: &Model, text: &str) -> Result<Expression> {
    parse_expression_in(model, text, None)
}

/// As `parse_expression`; with `region`, a quantity without `@ region`
/// selects the entities of that region and the national ones (one instance
/// of a `per_region` condition).
pub fn parse_expression_in(model: &Model, text: &str, region: Option<usize>) -> Result<Expression> {
    let shown = excerpt(text);
    let form: LinearForm =
        expr::parse(text).map_err(|error| anyhow!("cannot parse \"{shown}\" at {error}"))?;
    if !sane(form.constant) {
        bail!(
            "in \"{shown}\": the constant {} is out of range: numbers must be below 1e20 in magnitude and, unless 0, at least 1e-9",
            form.constant
        );
    }
    let mut terms = Vec::new();
    for (coefficient, reference) in form.terms {
        if !sane(coefficient) {
            bail!(
                "in \"{shown}\" at column {}: the coefficient {coefficient} is out of range: numbers must be below 1e20 in magnitude and, unless 0, at least 1e-9",
                reference.column
            );
        }
        let quantity = resolve_quantity(model, &reference, region)
            .map_err(|error| anyhow!("in \"{shown}\" at column {}: {error}", reference.column))?;
        terms.push((coefficient, quantity));
    }
    Ok(Expression {
        terms,
        constant: form.constant,
    })
}

/// Which regions an argument selects.
#[derive(Debug, Clone, Copy)]
enum RegionFilter {
    /// Every region (a national sum).
    Any,
    /// `@ r`: the entities of region r only.
    Exactly(usize),
    /// An instance of a `per_region` condition: region r and national entities.
    RegionOrNational(usize),
}

impl RegionFilter {
    fn admits(self, region: Option<usize>) -> bool {
        match self {
            RegionFilter::Any => true,
            RegionFilter::Exactly(r) => region == Some(r),
            RegionFilter::RegionOrNational(r) => region.is_none() || region == Some(r),
        }
    }
}

fn resolve_quantity(
    model: &Model,
    reference: &expr::QuantityRef,
    default_region: Option<usize>,
) -> Result<Quantity> {
    let groups: Vec<(&str, Option<usize>)> = model
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.region))
        .collect();
    let pools: Vec<(&str, Option<usize>)> = model
        .pools
        .iter()
        .map(|p| (p.id.as_str(), p.region))
        .collect();
    let services: Vec<(&str, Option<usize>)> = model
        .services
        .iter()
        .map(|s| (s.id.as_str(), s.region))
        .collect();
    let pipelines: Vec<(&str, Option<usize>)> = model
        .pipelines
        .iter()
        .map(|p| (p.id.as_str(), p.region))
        .collect();
    let region_ids: Vec<&str> = model.regions.iter().map(|r| r.id.as_str()).collect();
    let filter = |position: usize| -> Result<RegionFilter> {
        match reference.regions.get(position).cloned().flatten() {
            Some(region) => {
                if region_ids.is_empty() {
                    bail!("no region '{region}': the model declares no [[region]]");
                }
                lookup(&region_ids, &region, "region").map(RegionFilter::Exactly)
            }
            None => Ok(match default_region {
                Some(region) => RegionFilter::RegionOrNational(region),
                None => RegionFilter::Any,
            }),
        }
    };
    let arguments = &reference.arguments;
    let name = reference.name.as_str();
    if reference
        .region_pairs
        .iter()
        .enumerate()
        .any(|(position, pair)| pair.is_some() && (name != "move" || position > 0))
    {
        bail!("'@ a -> b' selects moves between two regions; {name} takes '@ region'");
    }
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
    // The entities an argument names (`*` or an id) in the regions its
    // filter admits. An id must exist; with `@ r` it must exist in r.
    let select = |entities: &[(&str, Option<usize>)],
                  kind: &str,
                  position: usize|
     -> Result<Selection> {
        let filter = filter(position)?;
        let wanted = match arguments.get(position) {
            None | Some(Argument::All) => None,
            Some(Argument::Id(id)) => {
                let mut ids: Vec<&str> = entities.iter().map(|(id, _)| *id).collect();
                ids.dedup();
                lookup(&ids, id, kind)?;
                Some(id.as_str())
            }
            Some(Argument::Link(..)) => {
                bail!("{name} takes a {kind} id or '*', not a link 'a -> b'")
            }
        };
        let selection: Selection = entities
            .iter()
            .enumerate()
            .filter(|(_, (id, region))| wanted.is_none_or(|w| w == *id) && filter.admits(*region))
            .map(|(index, _)| index)
            .collect();
        if let (Some(id), RegionFilter::Exactly(r), true) = (wanted, filter, selection.is_empty()) {
            bail!("{kind} '{id}' does not exist in region '{}' (a national {kind} takes no '@ region')", region_ids[r]);
        }
        Ok(selection)
    };
    Ok(match name {
        "stock" if arguments.len() == 2 => {
            let selection = select(&groups, "group", 0)?;
            let Some(Argument::Id(selector)) = arguments.get(1) else {
                bail!("stock(g, band) takes a band id or 'first..last' as its second argument");
            };
            let mut chosen = Vec::new();
            for g in selection {
                let Some(age) = &model.groups[g].age else {
                    continue;
                };
                if let Some(bands) = age.select(selector) {
                    chosen.push((g, bands));
                }
            }
            if chosen.is_empty() {
                bail!("no group selected has an age band '{selector}' (a band id of its [group.age] bands, or 'first..last')");
            }
            Quantity::AgeStock(chosen)
        }
        "stock" => {
            arity(&[1])?;
            Quantity::Stock(select(&groups, "group", 0)?)
        }
        "heads" => {
            arity(&[1])?;
            Quantity::Heads(select(&groups, "group", 0)?)
        }
        "hire" => {
            arity(&[1, 2])?;
            let source = match arguments.get(1) {
                None | Some(Argument::All)
                    if reference.regions.get(1).cloned().flatten().is_none() =>
                {
                    None
                }
                Some(Argument::Id(id)) if id == "open_market" => {
                    if reference.regions.get(1).cloned().flatten().is_some() {
                        bail!("open_market has no region: write hire(g @ region, open_market)");
                    }
                    Some(vec![HireSource::OpenMarket])
                }
                Some(Argument::Link(..)) => bail!("hire takes (group, pool), not a link"),
                _ => Some(
                    select(&pools, "pool", 1)?
                        .into_iter()
                        .map(HireSource::Pool)
                        .collect(),
                ),
            };
            Quantity::Hire(select(&groups, "group", 0)?, source)
        }
        "intake" | "in_training" | "completions" | "runs" => {
            arity(&[1])?;
            let selection = select(&pipelines, "pipeline", 0)?;
            match name {
                "intake" => Quantity::Intake(selection),
                "runs" => Quantity::Runs(selection),
                "in_training" => Quantity::InTraining(selection),
                _ => Quantity::Completions(selection),
            }
        }
        "move" => {
            arity(&[1])?;
            if let Some(Some(pair)) = reference.region_pairs.first() {
                return resolve_moves_between(model, &arguments[0], pair);
            }
            let selection: Selection = match &arguments[0] {
                Argument::All => {
                    let filter = filter(0)?;
                    (0..model.moves.len())
                        .filter(|&m| filter.admits(model.moves[m].region))
                        .collect()
                }
                Argument::Id(_) => {
                    let moves: Vec<(&str, Option<usize>)> = model
                        .moves
                        .iter()
                        .map(|m| (m.id.as_str(), m.region))
                        .collect();
                    select(&moves, "move", 0)?
                }
                Argument::Link(from, to) => {
                    let filter = filter(0)?;
                    let group_ids: Vec<&str> = groups.iter().map(|(id, _)| *id).collect();
                    for id in [from, to].into_iter().flatten() {
                        lookup(&group_ids, id, "group")?;
                    }
                    let selection: Selection = model
                        .moves
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| {
                            from.as_deref().is_none_or(|f| model.groups[m.from].id == f)
                                && to.as_deref().is_none_or(|t| model.groups[m.to].id == t)
                                && filter.admits(m.region)
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
                const NAMES: [&str; 19] = [
                    "stock",
                    "heads",
                    "runs",
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
                    "unknown quantity '{name}'{}; expected one of stock, heads, hire, intake, runs, in_training, completions, move, exit, work, surplus, reduced, temp, unmet, cost, cash, penalty, cost.<part>",
                    did_you_mean(name, NAMES.into_iter())
                )
            }
        }
    })
}

/// `move(x @ a -> b)`: the moves between regions x selects (`*`, a move id
/// or a link of groups) that leave region a for region b (`*`: any). An
/// explicit `@ a -> b` is kept in a `per_region` condition. A move id or a
/// link with no such move between regions is an error.
fn resolve_moves_between(
    model: &Model,
    argument: &Argument,
    (from_region, to_region): &expr::RegionPair,
) -> Result<Quantity> {
    let region_ids: Vec<&str> = model.regions.iter().map(|r| r.id.as_str()).collect();
    let region = |wanted: &Option<String>| -> Result<Option<usize>> {
        match wanted {
            None => Ok(None),
            Some(_) if region_ids.is_empty() => {
                bail!("'@ a -> b' selects moves between regions, but the model declares no [[region]]")
            }
            Some(id) => lookup(&region_ids, id, "region").map(Some),
        }
    };
    let (from_index, to_index) = (region(from_region)?, region(to_region)?);
    let named = match argument {
        Argument::All => None,
        Argument::Id(id) => {
            let mut ids: Vec<&str> = model.moves.iter().map(|m| m.id.as_str()).collect();
            ids.dedup();
            lookup(&ids, id, "move")?;
            Some(format!("move '{id}'"))
        }
        Argument::Link(from, to) => {
            let mut group_ids: Vec<&str> = model.groups.iter().map(|g| g.id.as_str()).collect();
            group_ids.dedup();
            for id in [from, to].into_iter().flatten() {
                lookup(&group_ids, id, "group")?;
            }
            Some(format!(
                "move from '{}' to '{}'",
                from.as_deref().unwrap_or("*"),
                to.as_deref().unwrap_or("*")
            ))
        }
    };
    let selection: Selection = model
        .moves
        .iter()
        .enumerate()
        .filter(|(_, m)| match argument {
            Argument::All => true,
            Argument::Id(id) => m.id == *id,
            Argument::Link(from, to) => {
                from.as_deref().is_none_or(|f| model.groups[m.from].id == f)
                    && to.as_deref().is_none_or(|t| model.groups[m.to].id == t)
            }
        })
        .filter(|(_, m)| {
            m.between.is_some_and(|(a, b)| {
                from_index.is_none_or(|f| f == a) && to_index.is_none_or(|t| t == b)
            })
        })
        .map(|(index, _)| index)
        .collect();
    if let (Some(named), true) = (named, selection.is_empty()) {
        bail!(
            "no {named} between regions from '{}' to '{}' (a move joins regions with between_regions = true, for the pairs it lists)",
            from_region.as_deref().unwrap_or("*"),
            to_region.as_deref().unwrap_or("*")
        );
    }
    Ok(Quantity::Move(selection))
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
    for (index, driver) in model.drivers.iter().enumerate() {
        let used = model
            .services
            .iter()
            .any(|s| s.region.is_some() && s.need.iter().any(|term| term.driver == index));
        if driver.national_in_regional_model && used {
            warnings.push(format!(
                "{file}: driver '{}', field 'values': one series for every region, so each region's services read the same value (give a table by region, or a CSV with a region column)",
                driver.id
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
