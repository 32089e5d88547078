//! Sweeps: one model solved at many values of one or more `--set` paths (a
//! curve, or the cartesian product of several: a grid), the results as one
//! tidy table, a row per point.
//!
//! * **Points.** Each `--vary PATH=FROM:TO:STEP` or `PATH=v1,v2,...` gives
//!   a list of values; the points are their cartesian product with the
//!   first `--vary` varying slowest and the last fastest (nested loops in
//!   the order given), so neighbouring points differ in the last path only.
//!   A point's model is the model file with the scenario, the `--set`
//!   values and then the point's `PATH=value` settings applied, loaded and
//!   validated like `--set`. Every point is validated before any is solved.
//! * **Warm starts.** Points are solved in runs of consecutive points
//!   ([`chunk_len`]: a length fixed by the number of points, never by
//!   `--jobs`), each run by one worker holding its own HiGHS instance. The
//!   first point of a run starts cold; each later point rebuilds the
//!   programme and compares it with the previous point's: when only row or
//!   column bounds, costs or the objective's constant changed (a target's or
//!   limit's `min`/`max`, a capacity, a cap, a supply, a cost), they are
//!   changed in place and HiGHS re-solves from its basis; when coefficients
//!   changed but the dimensions did not (an attrition rate, a retention),
//!   the programme is passed again with the previous basis
//!   (`Highs_setBasis`); otherwise, or after a point without an optimum, the
//!   point starts cold. Because runs are fixed and HiGHS is deterministic,
//!   `--jobs` changes only the speed, never the table.
//! * **Failures.** A point without an optimum records its status and a
//!   one-line explanation (for an infeasible point, what must give way, from
//!   the elastic re-solve) and the sweep goes on.
//! * Models with several objectives (lexicographic stages) are solved point
//!   by point with [`solve::solve_with`], cold; `simplex_iterations` is then
//!   left empty.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

use wfplan_engine::session::{Outcome, Session};
use wfplan_engine::solution::{clean, Solution};
use wfplan_engine::solve::{
    self, explain_infeasible_with, NotOptimal, SolverOptions, Status, Unbounded,
};
use wfplan_lp::constraints::condition_instances;
use wfplan_lp::{self as lp, Lp};
use wfplan_model::model::{ConditionKind, Model};

/// The most points one sweep may have (the product of every `--vary`'s
/// count): more is almost certainly a mistyped STEP.
pub const MAX_POINTS: usize = 10_000;

/// One value of a swept path: the text handed to `--set`, and its number
/// when it is one (for a numeric column in sweep.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct VaryValue {
    pub text: String,
    pub number: Option<f64>,
}

/// A swept path and its values, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub path: String,
    pub values: Vec<VaryValue>,
}

const VARY_FORMS: &str =
    "expected PATH=FROM:TO:STEP (e.g. target.hv_pledge.min=8000:14000:1000) or PATH=v1,v2,... (e.g. group.hv.attrition=0.08,0.1,0.12)";

/// Parses `--vary PATH=FROM:TO:STEP` (FROM, FROM+STEP, ... up to TO
/// inclusive) or `--vary PATH=v1,v2,...` (each value as `--set` reads it;
/// commas inside `[...]` or quotes do not split).
pub fn parse_vary(argument: &str) -> Result<Vary> {
    if argument.contains(['\n', '\r']) {
        bail!(
            "--vary {}: a line break in the argument; a --vary value is one line (the text after the break would be dropped from the model while the point's label kept it)",
            wfplan_text::terminal::excerpt(argument)
        );
    }
    let fail = |reason: String| anyhow!("--vary {argument}: {reason}");
    let Some((path, raw)) = argument.split_once('=') else {
        return Err(fail(VARY_FORMS.to_string()));
    };
    let path = path.trim();
    let raw = raw.trim();
    if path.is_empty() || raw.is_empty() {
        return Err(fail(VARY_FORMS.to_string()));
    }
    let items = split_top_level(raw);
    let plain = !raw.contains(['[', '{', '"', '\'']);
    let values = if items.len() == 1 && plain && raw.contains(':') {
        range_values(raw).map_err(fail)?
    } else {
        let mut values = Vec::new();
        for item in items {
            let item = item.trim();
            if item.is_empty() {
                return Err(fail(format!("an empty value in the list; {VARY_FORMS}")));
            }
            let (_, value) = wfplan_model::spec::parse_set_argument(&format!("{path}={item}"))?;
            let number = value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64));
            values.push(VaryValue {
                text: item.to_string(),
                number,
            });
        }
        if values.len() > MAX_POINTS {
            return Err(fail(format!(
                "{} values; a sweep has at most {MAX_POINTS} points",
                values.len()
            )));
        }
        values
    };
    Ok(Vary {
        path: path.to_string(),
        values,
    })
}

/// Splits on commas outside brackets, braces and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (position, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                items.push(&text[start..position]);
                start = position + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

/// FROM:TO:STEP → FROM, FROM+STEP, ..., the last ≤ TO (TO itself when the
/// steps reach it, within rounding). Values are rounded to the decimals
/// written, so 0.1:0.3:0.1 gives 0.1, 0.2, 0.3 and not 0.30000000000000004.
fn range_values(raw: &str) -> Result<Vec<VaryValue>, String> {
    let parts: Vec<&str> = raw.split(':').map(str::trim).collect();
    if parts.len() != 3 {
        return Err(format!(
            "a range has three parts, FROM:TO:STEP, not {}; {VARY_FORMS}",
            parts.len()
        ));
    }
    let mut numbers = [0.0; 3];
    for (slot, (part, name)) in numbers
        .iter_mut()
        .zip(parts.iter().zip(["FROM", "TO", "STEP"]))
    {
        *slot = match part.parse::<f64>() {
            Ok(number) if number.is_finite() => number,
            _ => return Err(format!("{name} must be a number, not '{part}'")),
        };
    }
    let [from, to, step] = numbers;
    if step <= 0.0 {
        return Err(format!("STEP must be above 0, not {}", parts[2]));
    }
    if from > to {
        return Err(format!(
            "FROM ({}) is above TO ({}); write the range from the lower value up",
            parts[0], parts[1]
        ));
    }
    let steps = ((to - from) / step * (1.0 + 1e-12) + 1e-9).floor();
    if !steps.is_finite() || steps + 1.0 > MAX_POINTS as f64 {
        return Err(format!(
            "{raw} gives {} points; a sweep has at most {MAX_POINTS} points (use a larger STEP)",
            if steps.is_finite() {
                format!("{}", steps as u64 + 1)
            } else {
                "too many".to_string()
            }
        ));
    }
    // Decimals written in any of the three numbers (none with an exponent).
    let decimals = parts
        .iter()
        .map(|part| {
            if part.contains(['e', 'E']) {
                None
            } else {
                Some(
                    part.split_once('.')
                        .map_or(0, |(_, fraction)| fraction.len()),
                )
            }
        })
        .try_fold(0usize, |most, d| d.map(|d| most.max(d)));
    let count = steps as usize + 1;
    Ok((0..count)
        .map(|index| {
            let mut value = from + index as f64 * step;
            if let Some(decimals) = decimals.filter(|d| *d <= 12) {
                let scale = 10f64.powi(decimals as i32);
                value = (value * scale).round() / scale;
            }
            if value == 0.0 {
                value = 0.0; // no "-0"
            }
            VaryValue {
                text: format!("{value}"),
                number: Some(value),
            }
        })
        .collect())
}

/// A sweep: the model file's text and how each point's model is made.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The model file (names it in messages, anchors its CSV inputs).
    pub model_path: PathBuf,
    pub text: String,
    pub scenario: Option<String>,
    /// `--set` values, applied before the point's values.
    pub sets: Vec<String>,
    pub varies: Vec<Vary>,
}

impl Sweep {
    /// Reads the model file once; checks the `--vary` paths against each
    /// other and against `--set`, and the number of points.
    pub fn new(
        model_path: &Path,
        scenario: Option<&str>,
        sets: &[String],
        varies: Vec<Vary>,
    ) -> Result<Sweep> {
        let text = std::fs::read_to_string(model_path)
            .with_context(|| format!("cannot read model file {}", model_path.display()))?;
        Sweep::from_text(text, model_path, scenario, sets, varies)
    }

    /// As [`Sweep::new`], from text already in memory.
    pub fn from_text(
        text: String,
        model_path: &Path,
        scenario: Option<&str>,
        sets: &[String],
        varies: Vec<Vary>,
    ) -> Result<Sweep> {
        if varies.is_empty() {
            bail!("a sweep needs at least one --vary PATH=FROM:TO:STEP or PATH=v1,v2,...");
        }
        for (index, vary) in varies.iter().enumerate() {
            if varies[..index].iter().any(|other| other.path == vary.path) {
                bail!(
                    "--vary {}: the path is swept twice; give all its values in one --vary",
                    vary.path
                );
            }
            for set in sets {
                if let Ok((path, _)) = wfplan_model::spec::parse_set_argument(set) {
                    if path == vary.path {
                        bail!(
                            "--vary {}: the path is also given with --set {set}; drop one of them",
                            vary.path
                        );
                    }
                }
            }
        }
        let count = varies.iter().try_fold(1usize, |product, vary| {
            product.checked_mul(vary.values.len())
        });
        match count {
            Some(count) if count <= MAX_POINTS => {}
            _ => bail!(
                "the --vary values give {} points ({}); a sweep has at most {MAX_POINTS} points",
                count.map_or_else(|| "too many".to_string(), |c| c.to_string()),
                varies
                    .iter()
                    .map(|v| format!("{} × {}", v.values.len(), v.path))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
        Ok(Sweep {
            model_path: model_path.to_path_buf(),
            text,
            scenario: scenario.map(str::to_string),
            sets: sets.to_vec(),
            varies,
        })
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.varies.iter().map(|v| v.values.len()).product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value index of each `--vary` at point `index` (the first
    /// `--vary` varies slowest).
    pub fn coordinates(&self, mut index: usize) -> Vec<usize> {
        let mut coordinates = vec![0; self.varies.len()];
        for (slot, vary) in coordinates.iter_mut().zip(&self.varies).rev() {
            *slot = index % vary.values.len();
            index /= vary.values.len();
        }
        coordinates
    }

    /// The point's values, one per `--vary`.
    pub fn values(&self, index: usize) -> Vec<&VaryValue> {
        self.coordinates(index)
            .into_iter()
            .zip(&self.varies)
            .map(|(value, vary)| &vary.values[value])
            .collect()
    }

    /// The point's `PATH=value` settings.
    pub fn settings(&self, index: usize) -> Vec<String> {
        self.values(index)
            .into_iter()
            .zip(&self.varies)
            .map(|(value, vary)| format!("{}={}", vary.path, value.text))
            .collect()
    }

    /// The point's model: scenario, `--set`, then the point's settings.
    /// An error names the point and says `--vary` where the loader says
    /// `--set`.
    pub fn load(&self, index: usize) -> Result<Model> {
        let settings = self.settings(index);
        let mut sets = self.sets.clone();
        sets.extend(settings.iter().cloned());
        wfplan_model::spec::load_str(
            &self.text,
            &self.model_path,
            self.scenario.as_deref(),
            &sets,
        )
        .map_err(|error| {
            let mut message = format!("{error:#}");
            for setting in &settings {
                message =
                    message.replace(&format!("--set {setting}"), &format!("--vary {setting}"));
            }
            anyhow!(
                "sweep point {} of {} ({}): {message}",
                index + 1,
                self.len(),
                settings.join(", ")
            )
        })
    }

    /// Loads and validates every point's model (in parallel, on `jobs`
    /// threads), so that a bad path or value is reported before anything
    /// is solved; the error is the first failing point's.
    pub fn validate(&self, jobs: usize) -> Result<()> {
        self.inputs(jobs).map(|_| ())
    }

    /// Loads every point as [`Sweep::validate`] does and returns the files
    /// the points read, each once, in point order: the first point's
    /// inputs, then any a later point adds (a `--vary` over CSV paths gives
    /// each point its own series), so that no output may replace one.
    pub fn inputs(&self, jobs: usize) -> Result<Vec<PathBuf>> {
        let runs = crate::parallel::runs(0..self.len(), chunk_len(self.len()));
        let found: Vec<Result<Vec<PathBuf>>> = crate::parallel::in_ranges(&runs, jobs, |range| {
            let mut inputs: Vec<PathBuf> = Vec::new();
            for index in range {
                for input in self.load(index)?.inputs {
                    if !inputs.contains(&input) {
                        inputs.push(input);
                    }
                }
            }
            Ok(inputs)
        })?;
        let mut seen = std::collections::BTreeSet::new();
        let mut inputs = Vec::new();
        for run in found {
            for input in run? {
                if seen.insert(input.clone()) {
                    inputs.push(input);
                }
            }
        }
        Ok(inputs)
    }
}

/// How many consecutive points one worker solves warm, one after another:
/// at least 5, and at most 64 runs in all. It depends on the number of
/// points only, so the results do not depend on `--jobs`.
pub fn chunk_len(points: usize) -> usize {
    points.div_ceil(64).max(5)
}

/// What one point gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointResult {
    /// `optimal`, `infeasible`, `unbounded`, `time limit reached`, ...
    pub status: String,
    /// Empty for an optimum; otherwise one line saying why there is none.
    pub explanation: String,
    pub objective: Option<f64>,
    pub cash: Option<f64>,
    pub penalty: Option<f64>,
    /// HiGHS's simplex iterations (None for a lexicographic model).
    pub simplex_iterations: Option<i64>,
    /// How the point started: `cold`, `in place` (bounds/costs changed in
    /// the previous point's instance) or `basis` (rebuilt, previous basis).
    pub start: &'static str,
    /// (column name, value): shadow prices, unmet demand, final stocks.
    pub measures: Vec<(String, f64)>,
}

/// How a sweep runs.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Worker threads (`parallel::in_ranges`).
    pub jobs: usize,
    /// Warm-start neighbouring points (false: every point cold, for
    /// comparison).
    pub warm: bool,
}

/// Solves every point (validate first with [`Sweep::validate`]); `done`
/// is called once per finished point, from any worker thread.
pub fn run(
    sweep: &Sweep,
    options: &SolverOptions,
    run_options: RunOptions,
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<PointResult>> {
    run_points(sweep, 0..sweep.len(), options, run_options, done)
}

/// Solves the points `points` (a shard's slice: it starts at a multiple of
/// [`chunk_len`], so its warm runs are the unsharded run's), in order.
pub fn run_points(
    sweep: &Sweep,
    points: std::ops::Range<usize>,
    options: &SolverOptions,
    run_options: RunOptions,
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<PointResult>> {
    let end = points.end;
    let chunks = crate::parallel::runs(points, chunk_len(sweep.len()));
    let finished = AtomicUsize::new(0);
    let results: Vec<Result<Vec<PointResult>>> =
        crate::parallel::in_ranges(&chunks, run_options.jobs, |range| {
            let mut worker = Worker::new(options, run_options.warm);
            range
                .map(|index| {
                    let model = sweep.load(index)?;
                    let result = worker.solve(&model);
                    done(finished.fetch_add(1, Ordering::Relaxed) + 1);
                    Ok(result)
                })
                .collect()
        })?;
    let mut all = Vec::with_capacity(end);
    for chunk in results {
        all.extend(chunk?);
    }
    Ok(all)
}

/// A run of points on one warm HiGHS session.
struct Worker<'a> {
    options: &'a SolverOptions,
    session: Session<'a>,
}

impl<'a> Worker<'a> {
    fn new(options: &'a SolverOptions, warm: bool) -> Self {
        Worker {
            options,
            session: Session::new(options, warm),
        }
    }

    fn solve(&mut self, model: &Model) -> PointResult {
        let lp = lp::build(model);
        // Several objectives, or whole numbers (a MIP, whose shadow prices
        // need the fixed re-solve): point by point through `solve_with`.
        if lp.objectives.len() != 1 || lp.is_mip() {
            self.session.forget();
            return lexicographic_point(model, self.options);
        }
        let (mut result, iterations, start) = match self.session.solve(model, lp) {
            Outcome::Optimal {
                solution,
                iterations,
                start,
            } => (optimal_point(&solution), iterations, start),
            Outcome::Stopped {
                lp,
                status,
                iterations,
                start,
            } => (
                not_optimal_point(model, &lp, status, self.options),
                iterations,
                start,
            ),
            Outcome::CanonicalStopped {
                stage,
                status,
                iterations,
                start,
            } => (
                canonical_failed(model, stage, status, self.options),
                iterations,
                start,
            ),
            Outcome::Failed(error) => return failed(model, error.to_string()),
        };
        result.simplex_iterations = Some(iterations);
        result.start = start;
        result
    }
}

/// A point whose canonical plan (after its optimum) stopped: the stage and
/// HiGHS's status, as `solve_with` reports them.
pub(crate) fn canonical_failed(
    model: &Model,
    stage: usize,
    status: Status,
    options: &SolverOptions,
) -> PointResult {
    let not_optimal = NotOptimal::canonical(model, 1, stage, status.clone(), options);
    PointResult {
        status: status.as_str().to_string(),
        explanation: one_line(&not_optimal.to_string()),
        ..PointResult::default()
    }
}

/// A point HiGHS could not even be given.
fn failed(model: &Model, message: String) -> PointResult {
    PointResult {
        status: "error".to_string(),
        explanation: one_line(&format!("{}: {message}", model.file)),
        start: "cold",
        ..PointResult::default()
    }
}

/// A model with several objectives: solved cold by `solve_with`.
fn lexicographic_point(model: &Model, options: &SolverOptions) -> PointResult {
    match solve::solve_with(model, options) {
        Ok(solution) => optimal_point(&solution),
        Err(error) => {
            let status = if let Some(infeasible) = error.downcast_ref::<solve::Infeasible>() {
                return PointResult {
                    status: Status::Infeasible.as_str().to_string(),
                    explanation: infeasible_line(infeasible),
                    start: "cold",
                    ..PointResult::default()
                };
            } else if error.downcast_ref::<Unbounded>().is_some() {
                Status::Unbounded.as_str().to_string()
            } else if let Some(not_optimal) = error.downcast_ref::<NotOptimal>() {
                not_optimal.status.as_str().to_string()
            } else {
                "error".to_string()
            };
            PointResult {
                status,
                explanation: one_line(&format!("{error:#}")),
                start: "cold",
                ..PointResult::default()
            }
        }
    }
}

/// The row of a point without an optimum.
pub(crate) fn not_optimal_point(
    model: &Model,
    lp: &Lp,
    status: Status,
    options: &SolverOptions,
) -> PointResult {
    let explanation = match &status {
        Status::Infeasible => infeasible_line(&explain_infeasible_with(model, lp, options)),
        Status::Unbounded => Unbounded {
            model_file: model.file.clone(),
            objective: model.objectives[0].text.clone(),
        }
        .to_string(),
        status => NotOptimal {
            model_file: model.file.clone(),
            status: status.clone(),
            stage: 1,
            stages: 1,
            objective: model.objectives[0].text.clone(),
            time_limit: options.time_limit,
        }
        .to_string(),
    };
    PointResult {
        status: status.as_str().to_string(),
        explanation: one_line(&explanation),
        ..PointResult::default()
    }
}

/// "must give way: A; B" from the elastic re-solve, on one line.
pub(crate) fn infeasible_line(infeasible: &solve::Infeasible) -> String {
    if infeasible.relaxations.is_empty() {
        return "infeasible; no single target, limit or demand explains it".to_string();
    }
    let mut line = format!(
        "must give way: {}",
        infeasible
            .relaxations
            .iter()
            .map(|r| r.description.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    if !infeasible.blocking.is_empty() {
        line.push_str(&format!("; binding: {}", infeasible.blocking.join(", ")));
    }
    one_line(&line)
}

/// Newlines and tabs folded into spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The period whose stocks a sweep reports: the last period of any target
/// instance (a total counts as the last period), or the model's last.
pub fn stock_period(model: &Model) -> usize {
    let last = model.periods.len().saturating_sub(1);
    model
        .conditions
        .iter()
        .filter(|condition| condition.kind == ConditionKind::Target)
        .flat_map(|condition| condition_instances(model, condition))
        .filter_map(|instance| instance.periods.iter().max().copied())
        .max()
        .unwrap_or(last)
}

/// The measures of an optimal point: shadow price of each target and limit
/// instance, unmet demand by service over the horizon, and each group's
/// stock at [`stock_period`].
pub fn optimal_point(solution: &Solution) -> PointResult {
    let model = &solution.model;
    let mut measures = Vec::new();
    for condition in solution.conditions() {
        let key = match condition.region {
            Some(region) => format!(
                "{},{},{}",
                condition.id,
                model.region_id(Some(region)),
                condition.period
            ),
            None => format!("{},{}", condition.id, condition.period),
        };
        measures.push((format!("shadow_price[{key}]"), condition.shadow_price));
    }
    for (index, service) in model.services.iter().enumerate() {
        let unmet: f64 = solution.plan.decisions.unmet[index]
            .as_ref()
            .map_or(0.0, |values| values.iter().sum());
        measures.push((format!("unmet[{}]", service.key), clean(unmet)));
    }
    let period = stock_period(model);
    let label = &model.periods[period];
    for (index, group) in model.groups.iter().enumerate() {
        measures.push((
            format!("stock[{},{label}]", group.key),
            solution.stock(index)[period],
        ));
    }
    PointResult {
        status: solution.status.clone(),
        explanation: String::new(),
        objective: Some(solution.objective),
        cash: Some(clean(solution.cash)),
        penalty: Some(clean(solution.penalty)),
        simplex_iterations: None,
        start: "cold",
        measures,
    }
}

/// sweep.csv: a row per point in point order — the swept values (a column
/// per path), status, explanation, objective, cash, penalty,
/// simplex_iterations, then the measures (shadow prices, unmet demand,
/// stocks), each column in the order it first appears; a point without a
/// value is empty there.
pub fn table(sweep: &Sweep, results: &[PointResult]) -> Result<DataFrame> {
    table_from(sweep, 0, results)
}

/// The table of the points `first..first + results.len()` (a shard's
/// slice): each swept path's column is numeric when all of the path's
/// values are numbers, so a slice's columns have the whole sweep's types.
pub fn table_from(sweep: &Sweep, first: usize, results: &[PointResult]) -> Result<DataFrame> {
    let mut columns: Vec<Column> = Vec::new();
    for (position, vary) in sweep.varies.iter().enumerate() {
        let values: Vec<&VaryValue> = (0..results.len())
            .map(|index| sweep.values(first + index)[position])
            .collect();
        let name: PlSmallStr = vary.path.as_str().into();
        if vary.values.iter().all(|v| v.number.is_some()) {
            columns.push(Column::new(
                name,
                values.iter().map(|v| v.number).collect::<Vec<_>>(),
            ));
        } else {
            columns.push(Column::new(
                name,
                values.iter().map(|v| v.text.clone()).collect::<Vec<_>>(),
            ));
        }
    }
    columns.push(Column::new(
        "status".into(),
        results.iter().map(|r| r.status.clone()).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "explanation".into(),
        results
            .iter()
            .map(|r| r.explanation.clone())
            .collect::<Vec<_>>(),
    ));
    for (name, pick) in [
        (
            "objective",
            (|r: &PointResult| r.objective) as fn(&PointResult) -> Option<f64>,
        ),
        ("cash", |r| r.cash),
        ("penalty", |r| r.penalty),
    ] {
        columns.push(Column::new(
            name.into(),
            results.iter().map(pick).collect::<Vec<_>>(),
        ));
    }
    columns.push(Column::new(
        "simplex_iterations".into(),
        results
            .iter()
            .map(|r| r.simplex_iterations)
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "start".into(),
        results.iter().map(|r| r.start).collect::<Vec<_>>(),
    ));
    // Measure columns in order of first appearance, filled by name.
    let mut names: Vec<&str> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for result in results {
        for (name, _) in &result.measures {
            if !position.contains_key(name.as_str()) {
                position.insert(name.as_str(), names.len());
                names.push(name.as_str());
            }
        }
    }
    let mut cells: Vec<Vec<Option<f64>>> = vec![vec![None; results.len()]; names.len()];
    for (row, result) in results.iter().enumerate() {
        for (name, value) in &result.measures {
            cells[position[name.as_str()]][row] = Some(*value);
        }
    }
    for (name, cells) in names.into_iter().zip(cells) {
        columns.push(Column::new(name.into(), cells));
    }
    Ok(DataFrame::new(results.len(), columns)?)
}
