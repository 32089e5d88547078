//! Monte Carlo simulation: one model solved for many draws of its uncertain
//! parameters (see `uncertain`), summarised as quantiles, the probability
//! that each target is met, fan charts and a report (see `report::simulate`).
//!
//! * **Samples.** Sample i (0-based) draws one value per uncertain
//!   parameter from `--seed` and i alone ([`uncertain::Parameters::draw`]);
//!   its model is the model file with the scenario, `--set`, and then the
//!   draws applied as settings (`spec::load_str_with`). Every sample's model
//!   is loaded and validated before any is solved: a draw the model refuses
//!   — a rate outside [0, 1], a negative supply — is an error naming the
//!   sample, the draws and the field. Draws are never truncated.
//! * **Plans.** `reoptimise` solves each sample (the best plan had we known
//!   the draws). `fixed` solves the central model (as written, with the
//!   scenario and `--set`) once, fixes its decisions — hires, training
//!   intakes, moves and managed exits — at the central plan's values in
//!   every sample, and re-solves the rest (stocks follow from the fixed
//!   flows; deployment, reduced hours, temporary staff and unmet demand
//!   are re-optimised). A sample where that is infeasible is re-solved with
//!   its hard targets and limits made elastic: the smallest relative
//!   shortfall first, then the cheapest deployment at that shortfall; the
//!   sample's status is `target missed` and its explanation names each
//!   target missed and by how much. Where even that is infeasible (the
//!   plan's hires exceed a pool's drawn supply, a demand without an unmet
//!   penalty cannot be covered) the status is `infeasible` and the
//!   explanation names what the plan cannot do.
//! * **Workers.** As in a sweep: samples are solved in runs of
//!   consecutive samples (`sweep::chunk_len`, a function of the number of
//!   samples only), each by one worker whose HiGHS instance starts each
//!   sample from the previous one's (`wfplan_engine::session::Session`), so `--jobs`
//!   changes the speed, never the numbers.

pub mod stored;
pub mod uncertain;
pub mod values;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{anyhow, bail, Context, Result};
use good_lp::Expression;

use crate::sweep;
use wfplan_engine::session::{Outcome, Session};
use wfplan_engine::solution::{clean, Solution};
use wfplan_engine::solve::{
    self, explain_infeasible_with, objective_costs, read_back, run_resolving, sparse_lp,
    SolverOptions, Status,
};
use wfplan_highs::Highs;
use wfplan_lp::{self as lp, Family, Lp};
use wfplan_model::model::{CostCategory, Model};

pub use uncertain::{Apply, Correlation, Distribution, Parameters, Uncertain};

/// The most samples one simulation may have.
pub const MAX_SAMPLES: usize = 100_000;

/// What each sample solves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Every decision re-optimised for the sample's draws.
    Reoptimise,
    /// The central plan's hires, intakes, moves and exits kept; the rest
    /// re-solved.
    Fixed,
}

impl Plan {
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Reoptimise => "reoptimise",
            Plan::Fixed => "fixed",
        }
    }

    pub fn parse(text: &str) -> Result<Plan> {
        match text {
            "reoptimise" | "reoptimize" => Ok(Plan::Reoptimise),
            "fixed" => Ok(Plan::Fixed),
            _ => bail!("--plan {text}: expected reoptimise or fixed"),
        }
    }
}

/// A simulation: the model file's text, the uncertain parameters and how
/// each sample's model is made.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub model_path: PathBuf,
    pub text: String,
    pub scenario: Option<String>,
    pub sets: Vec<String>,
    pub parameters: Parameters,
    pub samples: usize,
    pub seed: u64,
    pub plan: Plan,
    /// For `scale` and `add`: the parameter's central value.
    bases: Vec<Option<toml::Value>>,
}

impl Simulation {
    /// Reads the model's `[[uncertain]]` entries and combines them with
    /// the command line's; checks the number of samples, and resolves the
    /// central value of every parameter that is scaled or shifted.
    #[allow(clippy::too_many_arguments)]
    pub fn from_text(
        text: String,
        model_path: &Path,
        scenario: Option<&str>,
        sets: &[String],
        uncertain: Vec<Uncertain>,
        correlations: Vec<Correlation>,
        samples: usize,
        seed: u64,
        plan: Plan,
    ) -> Result<Simulation> {
        let file = model_path.display().to_string();
        if samples == 0 || samples > MAX_SAMPLES {
            bail!("--samples {samples}: a simulation has 1 to {MAX_SAMPLES} samples");
        }
        let (declared, declared_correlations) = uncertain::from_model(&text, &file)?;
        let parameters = Parameters::new(declared, declared_correlations, uncertain, correlations)?;
        for parameter in &parameters.list {
            if let Ok((path, _)) =
                wfplan_model::spec::parse_set_argument(&format!("{}=0", parameter.path))
            {
                if sets.iter().any(|set| {
                    wfplan_model::spec::parse_set_argument(set).is_ok_and(|(p, _)| p == path)
                }) {
                    bail!(
                        "{}: the path {path} is also given with --set; drop one of them",
                        parameter.source
                    );
                }
            }
        }
        let needs_base = parameters.list.iter().any(|p| p.apply != Apply::Set);
        let mut bases = vec![None; parameters.len()];
        if needs_base {
            let spec = wfplan_model::spec::read_spec(&text, model_path, scenario, sets)?;
            for (slot, parameter) in bases.iter_mut().zip(&parameters.list) {
                if parameter.apply == Apply::Set {
                    continue;
                }
                let value = values::resolved_value(&spec, &parameter.path).map_err(|error| {
                    anyhow!(
                        "{}: apply = \"{}\" on {}: {error:#}",
                        parameter.source,
                        parameter.apply.as_str(),
                        parameter.path
                    )
                })?;
                if !values::is_numeric(&value) {
                    bail!(
                        "{}: {} is not a number, a list or a table of numbers, so it cannot be scaled or shifted",
                        parameter.source,
                        parameter.path
                    );
                }
                *slot = Some(value);
            }
        }
        Ok(Simulation {
            model_path: model_path.to_path_buf(),
            text,
            scenario: scenario.map(str::to_string),
            sets: sets.to_vec(),
            parameters,
            samples,
            seed,
            plan,
            bases,
        })
    }

    /// The central model: the model file with the scenario and `--set`,
    /// no draw applied (the plan made under central assumptions).
    pub fn central(&self) -> Result<Model> {
        wfplan_model::spec::load_str(
            &self.text,
            &self.model_path,
            self.scenario.as_deref(),
            &self.sets,
        )
    }

    /// Sample `index`'s draws, one per parameter.
    pub fn draws(&self, index: usize) -> Vec<f64> {
        self.parameters.draw(self.seed, index)
    }

    /// The settings the draws make: (path, value).
    fn settings(&self, draws: &[(usize, f64)]) -> Vec<(String, toml::Value)> {
        draws
            .iter()
            .map(|(parameter, draw)| {
                let uncertain = &self.parameters.list[*parameter];
                (
                    uncertain.path.clone(),
                    values::applied(uncertain.apply, self.bases[*parameter].as_ref(), *draw),
                )
            })
            .collect()
    }

    /// The model with some parameters at the given draws (parameter index,
    /// draw), the others as in the central model.
    fn load_draws(&self, draws: &[(usize, f64)]) -> Result<Model> {
        wfplan_model::spec::load_str_with(
            &self.text,
            &self.model_path,
            self.scenario.as_deref(),
            &self.sets,
            &self.settings(draws),
        )
    }

    /// `path = 0.12`, `path × 1.03`, `path + 0.01`.
    fn draw_text(&self, parameter: usize, draw: f64) -> String {
        let uncertain = &self.parameters.list[parameter];
        let how = match uncertain.apply {
            Apply::Set => "=",
            Apply::Scale => "×",
            Apply::Add => "+",
        };
        format!(
            "{} {how} {}",
            uncertain.path,
            wfplan_text::number::six_decimals(draw)
        )
    }

    /// Sample `index`'s model; an error names the sample and its draws.
    pub fn load(&self, index: usize) -> Result<Model> {
        let draws = self.draws(index);
        let pairs: Vec<(usize, f64)> = draws.iter().copied().enumerate().collect();
        self.load_draws(&pairs).map_err(|error| {
            let drawn: Vec<String> = pairs
                .iter()
                .map(|(parameter, draw)| self.draw_text(*parameter, *draw))
                .collect();
            anyhow!(
                "sample {} of {} (seed {}) draws {}: {error:#}; a draw the model does not allow is refused, not truncated: give the parameter a distribution that stays in range (triangular, uniform or values, or a smaller sd)",
                index + 1,
                self.samples,
                self.seed,
                drawn.join(", ")
            )
        })
    }

    /// Checks each parameter alone before anything is drawn: its path at
    /// its distribution's centre (an unknown path, a field that is not a
    /// number), then — for a bounded distribution — at the two ends of its
    /// range (a uniform attrition reaching 1.2).
    pub fn check_parameters(&self) -> Result<()> {
        for (index, parameter) in self.parameters.list.iter().enumerate() {
            let centre = parameter.distribution.centre();
            self.load_draws(&[(index, centre)])
                .map_err(|error| anyhow!("{}: {error:#}", parameter.source))?;
            if let Some((low, high)) = parameter.distribution.support() {
                for end in [low, high] {
                    self.load_draws(&[(index, end)]).map_err(|error| {
                        anyhow!(
                            "{}: its range reaches {}: {error:#}",
                            parameter.source,
                            self.draw_text(index, end)
                        )
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Loads and validates every sample's model (in parallel, on `jobs`
    /// threads) before anything is solved; the error is the first failing
    /// sample's.
    pub fn validate(&self, jobs: usize) -> Result<()> {
        self.check_parameters()?;
        let errors = in_runs(self.samples, jobs, |range| {
            range
                .map(|index| self.load(index).err())
                .collect::<Vec<_>>()
        })?;
        match errors.into_iter().flatten().flatten().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The national entities whose values a simulation reports: groups and
/// services by id (summed over regions), targets and limits, periods.
#[derive(Debug, Clone)]
pub struct Layout {
    pub name: String,
    pub currency: String,
    pub periods: Vec<String>,
    /// Group ids and names, in model order.
    pub groups: Vec<(String, String)>,
    /// Service ids and names.
    pub services: Vec<(String, String)>,
    /// (kind, id, name, hard): every target and limit.
    pub conditions: Vec<(String, String, String, bool)>,
    /// The period whose stocks samples.csv reports (`sweep::stock_period`).
    pub stock_period: usize,
}

impl Layout {
    pub fn new(model: &Model) -> Layout {
        let mut groups: Vec<(String, String)> = Vec::new();
        for group in &model.groups {
            if !groups.iter().any(|(id, _)| *id == group.id) {
                groups.push((group.id.clone(), group.name.clone()));
            }
        }
        let mut services: Vec<(String, String)> = Vec::new();
        for service in &model.services {
            if !services.iter().any(|(id, _)| *id == service.id) {
                services.push((service.id.clone(), service.name.clone()));
            }
        }
        let conditions = model
            .conditions
            .iter()
            .map(|c| {
                (
                    c.kind.as_str().to_string(),
                    c.id.clone(),
                    c.name.clone(),
                    c.penalty.is_none(),
                )
            })
            .collect();
        Layout {
            name: model.name.clone(),
            currency: model.currency.clone(),
            periods: model.periods.clone(),
            groups,
            services,
            conditions,
            stock_period: sweep::stock_period(model),
        }
    }
}

/// What a sample's plan gives, nationally (by group and service id).
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// [group][period], FTE at the end of each period.
    pub stock: Vec<Vec<f64>>,
    /// [service][period], FTE of demand not met.
    pub unmet: Vec<Vec<f64>>,
    /// Nominal cash per period.
    pub cash: Vec<f64>,
    /// Nominal penalty per period (unmet demand and soft conditions held
    /// by period).
    pub penalty: Vec<f64>,
    /// Per condition of the layout: whether every instance holds.
    pub met: Vec<bool>,
}

/// What one sample gave.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SampleResult {
    /// `optimal`, `target missed` (fixed plan), `infeasible`, ...
    pub status: String,
    /// Empty for an optimum; otherwise one line.
    pub explanation: String,
    pub objective: Option<f64>,
    /// Discounted cash and penalty over the horizon.
    pub cash: Option<f64>,
    pub penalty: Option<f64>,
    /// Nominal cash over the horizon.
    pub cash_outturn: Option<f64>,
    pub measures: Option<Measures>,
}

impl SampleResult {
    /// A plan was found (optimal, or the fixed plan with a target missed).
    pub fn has_plan(&self) -> bool {
        self.measures.is_some()
    }
}

/// The status of a fixed-plan sample that meets its hard targets only
/// with some of them relaxed.
pub const TARGET_MISSED: &str = "target missed";

/// The central plan's decisions (hires, intakes, moves, exits): column
/// name and value, in `decision_columns` order.
#[derive(Debug, Clone)]
pub struct FixedPlan {
    pub columns: Vec<(wfplan_lp::Name, f64)>,
}

/// The decision columns of a programme: hires, intakes, moves, exits.
pub fn decision_columns(lp: &Lp) -> Vec<usize> {
    let mut columns = Vec::new();
    let mut push = |variables: &[good_lp::Variable]| {
        columns.extend(variables.iter().map(|v| lp.index_of(*v)));
    };
    for sources in &lp.vars.hire {
        for (_, variables) in sources {
            push(variables);
        }
    }
    for variables in &lp.vars.intake {
        push(variables);
    }
    for variables in &lp.vars.moves {
        push(variables);
    }
    for variables in lp.vars.exit.iter().flatten() {
        push(variables);
    }
    columns
}

impl FixedPlan {
    pub fn new(central: &Solution) -> FixedPlan {
        FixedPlan {
            columns: decision_columns(&central.lp)
                .into_iter()
                .map(|column| {
                    (
                        central.lp.columns[column].name.clone(),
                        clean(central.values[column]).max(0.0),
                    )
                })
                .collect(),
        }
    }

    /// Fixes the decision columns of `lp` (a sample's programme) at the
    /// plan's values.
    fn apply(&self, lp: &mut Lp) -> Result<(), String> {
        let columns = decision_columns(lp);
        if columns.len() != self.columns.len() {
            return Err(format!(
                "the sample's programme has {} decision columns, the central plan {}",
                columns.len(),
                self.columns.len()
            ));
        }
        for (column, (name, value)) in columns.into_iter().zip(&self.columns) {
            let bounds = &mut lp.columns[column];
            if bounds.name != *name {
                return Err(format!(
                    "the sample's column {} is the central plan's {name}",
                    bounds.name
                ));
            }
            bounds.lower = *value;
            bounds.upper = *value;
        }
        Ok(())
    }
}

/// How a simulation runs.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    pub jobs: usize,
    /// Warm-start each sample from the previous one in its run.
    pub warm: bool,
}

/// The central plan's solve, and what it gives the samples.
pub struct Central {
    pub solution: Option<Solution>,
    /// Why there is none (reoptimise only: a fixed simulation needs it).
    pub error: Option<String>,
    pub result: Option<SampleResult>,
}

/// Solves the central model. A fixed simulation needs its optimum (an
/// error otherwise, with the solve's exit status); a reoptimised one
/// goes on without it.
pub fn solve_central(
    simulation: &Simulation,
    model: &Model,
    layout: &Layout,
    options: &SolverOptions,
) -> Result<Central> {
    if simulation.plan == Plan::Fixed && model.objectives.len() != 1 {
        bail!(
            "{}: --plan fixed needs a model with one objective; this one has {} (lexicographic stages); use --plan reoptimise",
            model.file,
            model.objectives.len()
        );
    }
    match solve::solve_with(model, options) {
        Ok(solution) => {
            let result = optimal_result(&solution, layout, Status::Optimal.as_str());
            Ok(Central {
                solution: Some(solution),
                error: None,
                result: Some(result),
            })
        }
        Err(error) if simulation.plan == Plan::Fixed => {
            Err(error
                .context("the central plan, whose decisions --plan fixed keeps, has no optimum"))
        }
        Err(error) => Ok(Central {
            solution: None,
            error: Some(sweep::one_line(&format!("{error:#}"))),
            result: None,
        }),
    }
}

/// Solves every sample (validate first with [`Simulation::validate`]);
/// `done` is called once per finished sample, from any worker thread.
pub fn run(
    simulation: &Simulation,
    layout: &Layout,
    fixed: Option<&FixedPlan>,
    options: &SolverOptions,
    run_options: RunOptions,
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<SampleResult>> {
    run_samples(
        simulation,
        0..simulation.samples,
        layout,
        fixed,
        options,
        run_options,
        done,
    )
}

/// Solves the samples `samples` (a shard's slice, see
/// `crate::shard::shard_points`: it starts on a run boundary), in the warm
/// runs of `sweep::chunk_len(simulation.samples)` an unsharded simulation
/// solves, so each sample starts from the same neighbour and gives the
/// same result; in sample order.
pub fn run_samples(
    simulation: &Simulation,
    samples: std::ops::Range<usize>,
    layout: &Layout,
    fixed: Option<&FixedPlan>,
    options: &SolverOptions,
    run_options: RunOptions,
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<SampleResult>> {
    if simulation.plan == Plan::Fixed && fixed.is_none() {
        bail!("internal error: a fixed simulation without the central plan");
    }
    let finished = AtomicUsize::new(0);
    let count = samples.len();
    let runs = crate::parallel::runs(samples, sweep::chunk_len(simulation.samples));
    let results = crate::parallel::in_ranges(&runs, run_options.jobs, |range| {
        let mut worker = Worker {
            options,
            session: Session::new(options, run_options.warm),
            fixed,
            layout,
        };
        range
            .map(|index| {
                let model = simulation.load(index)?;
                let result = worker.solve(&model);
                done(finished.fetch_add(1, Ordering::Relaxed) + 1);
                Ok(result)
            })
            .collect::<Result<Vec<SampleResult>>>()
    })?;
    let mut all = Vec::with_capacity(count);
    for run in results {
        all.extend(run?);
    }
    Ok(all)
}

/// Splits samples 0..count into runs of `sweep::chunk_len(count)`
/// consecutive samples (a function of the count only) and calls `each` on
/// every run, on `jobs` threads that take the next run as they finish one
/// (`parallel::in_ranges`); the results in run order.
fn in_runs<T: Send>(
    count: usize,
    jobs: usize,
    each: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Result<Vec<T>> {
    let runs = crate::parallel::runs(0..count, sweep::chunk_len(count));
    crate::parallel::in_ranges(&runs, jobs, each)
}

/// A run of samples on one warm HiGHS session.
struct Worker<'a> {
    options: &'a SolverOptions,
    session: Session<'a>,
    fixed: Option<&'a FixedPlan>,
    layout: &'a Layout,
}

impl Worker<'_> {
    fn solve(&mut self, model: &Model) -> SampleResult {
        let mut lp = lp::build(model);
        if lp.objectives.len() != 1 {
            // Lexicographic stages (reoptimise only): cold, stage by stage.
            self.session.forget();
            return match solve::solve_with(model, self.options) {
                Ok(solution) => optimal_result(&solution, self.layout, Status::Optimal.as_str()),
                Err(error) => failed_result(&error),
            };
        }
        if let Some(fixed) = self.fixed {
            if let Err(message) = fixed.apply(&mut lp) {
                self.session.forget();
                return SampleResult {
                    status: "error".to_string(),
                    explanation: format!("{}: {message}", model.file),
                    ..SampleResult::default()
                };
            }
        }
        match self.session.solve(model, lp) {
            Outcome::Optimal { solution, .. } => {
                optimal_result(&solution, self.layout, Status::Optimal.as_str())
            }
            Outcome::Stopped {
                lp,
                status: Status::Infeasible,
                ..
            } if self.fixed.is_some() => fixed_fallback(model, *lp, self.layout, self.options),
            Outcome::Stopped { lp, status, .. } => {
                let point = sweep::not_optimal_point(model, &lp, status, self.options);
                SampleResult {
                    status: point.status,
                    explanation: point.explanation,
                    ..SampleResult::default()
                }
            }
            Outcome::CanonicalStopped { stage, status, .. } => {
                let point = sweep::canonical_failed(model, stage, status, self.options);
                SampleResult {
                    status: point.status,
                    explanation: point.explanation,
                    ..SampleResult::default()
                }
            }
            Outcome::Failed(error) => SampleResult {
                status: "error".to_string(),
                explanation: sweep::one_line(&format!("{}: {error}", model.file)),
                ..SampleResult::default()
            },
        }
    }
}

/// The result of a sample whose solve returned an error (lexicographic).
fn failed_result(error: &anyhow::Error) -> SampleResult {
    let status = if let Some(infeasible) = error.downcast_ref::<solve::Infeasible>() {
        return SampleResult {
            status: Status::Infeasible.as_str().to_string(),
            explanation: sweep::infeasible_line(infeasible),
            ..SampleResult::default()
        };
    } else if error.downcast_ref::<solve::Unbounded>().is_some() {
        Status::Unbounded.as_str().to_string()
    } else if let Some(not_optimal) = error.downcast_ref::<solve::NotOptimal>() {
        not_optimal.status.as_str().to_string()
    } else {
        "error".to_string()
    };
    SampleResult {
        status,
        explanation: sweep::one_line(&format!("{error:#}")),
        ..SampleResult::default()
    }
}

/// Relative tolerance for a condition to count as met.
const MET_TOLERANCE: f64 = 1e-6;

/// The measures and totals of a plan.
pub fn optimal_result(solution: &Solution, layout: &Layout, status: &str) -> SampleResult {
    let model = &solution.model;
    let periods = model.periods.len();
    let mut stock = vec![vec![0.0; periods]; layout.groups.len()];
    for (index, group) in model.groups.iter().enumerate() {
        if let Some(slot) = layout.groups.iter().position(|(id, _)| *id == group.id) {
            for (total, value) in stock[slot].iter_mut().zip(solution.stock(index)) {
                *total += value;
            }
        }
    }
    let mut unmet = vec![vec![0.0; periods]; layout.services.len()];
    for (index, service) in model.services.iter().enumerate() {
        let Some(slot) = layout.services.iter().position(|(id, _)| *id == service.id) else {
            continue;
        };
        if let Some(values) = &solution.plan.decisions.unmet[index] {
            for (total, value) in unmet[slot].iter_mut().zip(values) {
                *total += value;
            }
        }
    }
    let cash: Vec<f64> = (0..periods)
        .map(|period| {
            clean(
                CostCategory::ALL
                    .iter()
                    .map(|category| solution.cash_cost(*category, period))
                    .sum(),
            )
        })
        .collect();
    let penalty: Vec<f64> = (0..periods)
        .map(|period| clean(solution.unmet_penalty(period) + solution.soft_penalty(period)))
        .collect();
    let mut met = vec![true; layout.conditions.len()];
    for instance in solution.conditions() {
        let Some(slot) = layout
            .conditions
            .iter()
            .position(|(kind, id, _, _)| *kind == instance.kind && *id == instance.id)
        else {
            continue;
        };
        if !holds(instance.activity, instance.min, instance.max) {
            met[slot] = false;
        }
    }
    SampleResult {
        status: status.to_string(),
        explanation: String::new(),
        objective: Some(solution.objective),
        cash: Some(clean(solution.cash)),
        penalty: Some(clean(solution.penalty)),
        cash_outturn: Some(clean(cash.iter().sum())),
        measures: Some(Measures {
            stock,
            unmet,
            cash,
            penalty,
            met,
        }),
    }
}

/// Whether an activity lies within its bounds, to a relative tolerance.
fn holds(activity: f64, min: Option<f64>, max: Option<f64>) -> bool {
    let tolerance = |bound: f64| MET_TOLERANCE * bound.abs().max(1.0);
    min.is_none_or(|lo| activity >= lo - tolerance(lo))
        && max.is_none_or(|hi| activity <= hi + tolerance(hi))
}

/// A fixed-plan sample that is infeasible as it stands: what the fixed
/// decisions cannot do, or the plan with its hard targets relaxed.
fn fixed_fallback(model: &Model, lp: Lp, layout: &Layout, options: &SolverOptions) -> SampleResult {
    let impossible = impossible_rows(&lp);
    if !impossible.is_empty() {
        return SampleResult {
            status: Status::Infeasible.as_str().to_string(),
            explanation: sweep::one_line(&format!(
                "the central plan's decisions cannot be carried out: {}",
                impossible.join("; ")
            )),
            ..SampleResult::default()
        };
    }
    match relaxed_targets(model, &lp, options) {
        Some(solution) => {
            let mut result = optimal_result(&solution, layout, TARGET_MISSED);
            let missed: Vec<String> = solution
                .conditions()
                .into_iter()
                .filter(|c| !c.soft && !holds(c.activity, c.min, c.max))
                .map(|c| {
                    let region = c
                        .region
                        .map(|r| format!(" in {}", model.regions[r].id))
                        .unwrap_or_default();
                    match (c.min, c.max) {
                        (Some(min), _) if c.activity < min => format!(
                            "{} '{}'{region} in {}: {} against a min of {} (short by {} {})",
                            c.kind,
                            c.id,
                            c.period,
                            wfplan_text::number::format_number(c.activity),
                            wfplan_text::number::format_number(min),
                            wfplan_text::number::format_number(min - c.activity),
                            c.unit
                        ),
                        (_, Some(max)) => format!(
                            "{} '{}'{region} in {}: {} against a max of {} (over by {} {})",
                            c.kind,
                            c.id,
                            c.period,
                            wfplan_text::number::format_number(c.activity),
                            wfplan_text::number::format_number(max),
                            wfplan_text::number::format_number(c.activity - max),
                            c.unit
                        ),
                        _ => format!("{} '{}'{region} in {}", c.kind, c.id, c.period),
                    }
                })
                .collect();
            result.explanation = sweep::one_line(&format!("missed: {}", missed.join("; ")));
            result
        }
        None => {
            let infeasible = explain_infeasible_with(model, &lp, options);
            SampleResult {
                status: Status::Infeasible.as_str().to_string(),
                explanation: sweep::one_line(&format!(
                    "with the central plan's decisions: {}",
                    sweep::infeasible_line(&infeasible)
                )),
                ..SampleResult::default()
            }
        }
    }
}

/// Rows that cannot hold whatever the free columns do, given the column
/// bounds (the fixed decisions): a cap, a pool's supply or an intake
/// capacity the plan exceeds in this sample.
fn impossible_rows(lp: &Lp) -> Vec<String> {
    let mut found = Vec::new();
    for row in &lp.rows {
        let (mut low, mut high) = (0.0, 0.0);
        for (variable, coefficient) in
            good_lp::IntoAffineExpression::linear_coefficients(&row.expression)
        {
            let column = &lp.columns[lp.index_of(variable)];
            let (a, b) = (coefficient * column.lower, coefficient * column.upper);
            low += a.min(b);
            high += a.max(b);
        }
        let tolerance = |bound: f64| 1e-6 * bound.abs().max(1.0);
        if row.upper.is_finite() && low > row.upper + tolerance(row.upper) {
            found.push(format!(
                "{} needs at least {} but may be at most {}",
                row.name,
                wfplan_text::number::format_number(low),
                wfplan_text::number::format_number(row.upper)
            ));
        } else if row.lower.is_finite() && high < row.lower - tolerance(row.lower) {
            found.push(format!(
                "{} can reach at most {} but must be at least {}",
                row.name,
                wfplan_text::number::format_number(high),
                wfplan_text::number::format_number(row.lower)
            ));
        }
    }
    found
}

/// The plan with every hard target and limit elastic: first the smallest
/// total shortfall (each relative to its bound), then the cheapest plan
/// at that shortfall. None when even that is infeasible.
fn relaxed_targets(model: &Model, lp: &Lp, options: &SolverOptions) -> Option<Solution> {
    let mut elastic = lp.clone();
    let mut violation = Expression::default();
    let mut any = false;
    for index in 0..elastic.rows.len() {
        let row = &elastic.rows[index];
        let hard = matches!(row.family, Family::Target | Family::Limit)
            && row
                .condition
                .is_some_and(|c| model.conditions[c].penalty.is_none());
        if !hard {
            continue;
        }
        let name = row.name.clone();
        let directions: Vec<(f64, f64)> = if row.is_equality() {
            vec![(1.0, row.lower), (-1.0, row.upper)]
        } else if row.lower.is_finite() {
            vec![(1.0, row.lower)]
        } else {
            vec![(-1.0, row.upper)]
        };
        for (direction, bound) in directions {
            let column = elastic.add_column(
                wfplan_lp::Name::whole("missed", format!("{name},{direction}")),
                0.0,
                f64::INFINITY,
            );
            elastic.rows[index].expression += direction * column;
            violation += column * (1.0 / bound.abs().max(1.0));
            any = true;
        }
    }
    if !any {
        return None;
    }
    let mut highs = Highs::new().ok()?;
    highs.apply(options).ok()?;
    highs.pass_lp(&sparse_lp(&elastic, &violation, &[])).ok()?;
    if run_resolving(&mut highs, options) != Status::Optimal {
        return None;
    }
    let least = highs.objective_value();
    let entries: Vec<(usize, f64)> = good_lp::IntoAffineExpression::linear_coefficients(&violation)
        .map(|(variable, coefficient)| (elastic.index_of(variable), coefficient))
        .collect();
    highs
        .add_row(
            &entries,
            f64::NEG_INFINITY,
            least + solve::LEXICOGRAPHIC_TOLERANCE * least.abs().max(1.0),
        )
        .ok()?;
    let objective = elastic.objectives[0].clone();
    let (costs, offset) = objective_costs(&elastic, &objective);
    highs.set_objective(&costs, offset).ok()?;
    if run_resolving(&mut highs, options) != Status::Optimal {
        return None;
    }
    let raw = read_back(&highs, &elastic, &objective).ok()?;
    let value = raw.objective;
    Some(Solution::new(
        model.clone(),
        elastic,
        raw,
        vec![value],
        0.0,
        0.0,
    ))
}

/// Writes a number as the report does: `format_number` for FTE.
pub fn fte(value: f64) -> String {
    wfplan_text::number::format_number(value)
}

/// `reports/<model stem>/simulate-<plan>` (with the scenario:
/// `simulate-<scenario>-<plan>`).
pub fn default_out(model: &Path, scenario: Option<&str>, plan: Plan) -> Result<PathBuf> {
    let file = model.display();
    let stem = model
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem = wfplan_text::names::folder_name("the model file's name", &stem)
        .map_err(|error| anyhow!("{file}: {error}; give the output folder with --out"))?;
    let name = match scenario {
        Some(scenario) => format!("simulate-{scenario}-{}", plan.as_str()),
        None => format!("simulate-{}", plan.as_str()),
    };
    Ok(Path::new("reports").join(stem).join(name))
}

/// Reads the model file (for `Simulation::from_text`).
pub fn read_model_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read model file {}", path.display()))
}
