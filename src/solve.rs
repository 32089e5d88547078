//! Solving with HiGHS through good_lp: lexicographic stages, values and
//! sign-normalised duals, and — when the model is infeasible — an elastic
//! re-solve that says which targets and limits must give way and by how much.

use std::fmt;
use std::time::Instant;

use anyhow::{anyhow, Result};
use good_lp::solvers::highs::highs;
use good_lp::{Expression, IntoAffineExpression, ResolutionError, Solution as _, SolverModel};

use crate::lp::{self, Family, Lp, Row};
use crate::model::Model;
use crate::solution::Solution;

/// Relative tolerance kept on each earlier lexicographic stage:
/// objective_k ≤ z*_k + 1e-7·max(1, |z*_k|).
pub const LEXICOGRAPHIC_TOLERANCE: f64 = 1e-7;

/// Raw output of one HiGHS run.
pub struct RawSolution {
    pub objective: f64,
    /// Column values, by column index.
    pub values: Vec<f64>,
    /// HiGHS row duals (∂objective/∂row bound), by row index.
    pub row_duals: Vec<f64>,
}

/// Why one run gave no solution.
#[derive(Debug)]
pub enum RunFailure {
    Infeasible,
    Unbounded,
    Other(String),
}

/// Builds the good_lp problem for `lp.rows` plus `extra_rows` and solves it.
pub fn run_highs(
    lp: &Lp,
    objective: &Expression,
    extra_rows: &[Row],
) -> Result<RawSolution, RunFailure> {
    let mut problem = lp
        .variables
        .clone()
        .minimise(objective.clone())
        .using(highs)
        .set_option("output_flag", false)
        .set_option("threads", 1);
    for row in lp.rows.iter().chain(extra_rows) {
        let expression = row.expression.clone();
        let constraint = if row.is_equality() {
            expression.eq(row.lower)
        } else if row.lower.is_finite() {
            expression.geq(row.lower)
        } else {
            expression.leq(row.upper)
        };
        problem.add_constraint(constraint);
    }
    let solution = problem.solve().map_err(|error| match error {
        ResolutionError::Infeasible => RunFailure::Infeasible,
        ResolutionError::Unbounded => RunFailure::Unbounded,
        other => RunFailure::Other(other.to_string()),
    })?;
    let values: Vec<f64> = lp
        .column_variables
        .iter()
        .map(|v| solution.value(*v))
        .collect();
    let objective_value = lp.evaluate(objective, &values);
    let inner = solution.into_inner();
    let row_duals = inner.dual_rows().to_vec();
    Ok(RawSolution {
        objective: objective_value,
        values,
        row_duals,
    })
}

/// A target, limit or demand that must give way for the model to be feasible.
#[derive(Debug, Clone)]
pub struct Relaxation {
    pub row: String,
    pub description: String,
    pub amount: f64,
}

/// The model has no feasible plan; `relaxations` is the smallest set of
/// changes (by total amount) that would make one, `blocking` the limits that
/// bind in that closest plan.
#[derive(Debug, Clone)]
pub struct Infeasible {
    pub model_file: String,
    pub relaxations: Vec<Relaxation>,
    pub blocking: Vec<String>,
}

impl fmt::Display for Infeasible {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            formatter,
            "{}: the model is infeasible: its hard targets, limits and demands cannot all hold.",
            self.model_file
        )?;
        if self.relaxations.is_empty() {
            write!(
                formatter,
                "No single target, limit or demand explains it; check bounds on pipelines, pools and caps."
            )?;
            return Ok(());
        }
        writeln!(
            formatter,
            "The closest feasible plan needs these to give way:"
        )?;
        for relaxation in &self.relaxations {
            writeln!(formatter, "  - {}", relaxation.description)?;
        }
        if !self.blocking.is_empty() {
            writeln!(
                formatter,
                "What stands in the way (limits binding in that closest plan):"
            )?;
            for name in &self.blocking {
                writeln!(formatter, "  - {name}")?;
            }
        }
        write!(
            formatter,
            "Relax one of these (a lower target, `penalty = …` to make it soft, `unmet_penalty` on a service, or a higher cap)."
        )
    }
}

impl std::error::Error for Infeasible {}

/// The objective can fall without limit (exit status 4).
#[derive(Debug, Clone)]
pub struct Unbounded {
    pub model_file: String,
    /// The objective's text as written (`cost`, `exit(*)`, …).
    pub objective: String,
}

impl fmt::Display for Unbounded {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: the objective \"{}\" is unbounded: it can fall without limit (an objective that rewards a quantity nothing caps, or a group's terminal_value above what hiring one more FTE costs, with no hire_max)",
            self.model_file, self.objective
        )
    }
}

impl std::error::Error for Unbounded {}

/// HiGHS stopped without an optimum for a reason other than infeasibility
/// or unboundedness of the model (exit status 5).
#[derive(Debug, Clone)]
pub struct SolverFailed {
    pub message: String,
}

impl fmt::Display for SolverFailed {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for SolverFailed {}

/// Solves the model: each objective in turn, keeping earlier optima.
pub fn solve(model: &Model) -> Result<Solution> {
    let build_start = Instant::now();
    let lp = lp::build(model);
    let build_seconds = build_start.elapsed().as_secs_f64();
    let solve_start = Instant::now();
    let mut extra_rows: Vec<Row> = Vec::new();
    let mut stage_objectives = Vec::new();
    let mut last: Option<RawSolution> = None;
    for (stage, objective) in lp.objectives.iter().enumerate() {
        let raw = match run_highs(&lp, objective, &extra_rows) {
            Ok(raw) => raw,
            Err(RunFailure::Infeasible) if stage == 0 => return Err(explain_infeasible(model, &lp).into()),
            Err(RunFailure::Infeasible) => {
                return Err(SolverFailed {
                    message: format!(
                        "{}: stage {} of the objective (\"{}\") became infeasible after fixing the earlier stages; this is a numerical problem — try a single objective",
                        model.file,
                        stage + 1,
                        model.objectives[stage].text
                    ),
                }
                .into())
            }
            Err(RunFailure::Unbounded) => {
                return Err(Unbounded {
                    model_file: model.file.clone(),
                    objective: model.objectives[stage].text.clone(),
                }
                .into())
            }
            Err(RunFailure::Other(message)) => {
                return Err(SolverFailed {
                    message: format!("{}: HiGHS could not solve the model: {message}", model.file),
                }
                .into())
            }
        };
        let optimum = raw.objective;
        stage_objectives.push(optimum);
        if stage + 1 < lp.objectives.len() {
            let slack = LEXICOGRAPHIC_TOLERANCE * optimum.abs().max(1.0);
            let constant = objective.constant();
            extra_rows.push(Row {
                name: format!("objective_bound[{}]", stage + 1),
                family: Family::ObjectiveBound,
                expression: objective.clone() - constant,
                lower: f64::NEG_INFINITY,
                upper: optimum + slack - constant,
                condition: None,
            });
        }
        last = Some(raw);
    }
    let raw = last.ok_or_else(|| anyhow!("{}: the model has no objective", model.file))?;
    let solve_seconds = solve_start.elapsed().as_secs_f64();
    Ok(Solution::new(
        model.clone(),
        lp,
        raw,
        stage_objectives,
        build_seconds,
        solve_seconds,
    ))
}

/// Re-solves with every hard target and limit, every demand without an
/// unmet penalty, every skill-mix floor and every capacity balance made
/// elastic, minimising the total violation, and reports what gave way.
pub fn explain_infeasible(model: &Model, lp: &Lp) -> Infeasible {
    let mut elastic = lp.clone();
    let mut violations: Vec<(usize, Vec<(good_lp::Variable, f64)>)> = Vec::new();
    let mut penalty = Expression::default();
    for row_index in 0..elastic.rows.len() {
        let row = &elastic.rows[row_index];
        let relaxable = matches!(
            row.family,
            Family::Target
                | Family::Limit
                | Family::ServiceCover
                | Family::SkillMix
                | Family::Capacity
        );
        if !relaxable {
            continue;
        }
        let name = row.name.clone();
        // A capacity balance gives way only when nothing a planner wrote can:
        // it is a last resort (e.g. opening trainees needing more supervisors
        // than exist), so a shortfall is blamed on demand or targets first.
        let weight = if row.family == Family::Capacity {
            1000.0
        } else {
            1.0
        };
        let equality = row.is_equality();
        let lower_finite = row.lower.is_finite();
        let mut added = Vec::new();
        // direction +1 raises the row's activity, −1 lowers it.
        let directions: Vec<f64> = if equality {
            vec![1.0, -1.0]
        } else if lower_finite {
            vec![1.0]
        } else {
            vec![-1.0]
        };
        for direction in directions {
            let variable =
                elastic.add_column(format!("elastic[{name},{direction}]"), 0.0, f64::INFINITY);
            elastic.rows[row_index].expression += direction * variable;
            penalty += weight * variable;
            added.push((variable, direction));
        }
        violations.push((row_index, added));
    }
    let Ok(raw) = run_highs(&elastic, &penalty, &[]) else {
        return Infeasible {
            model_file: model.file.clone(),
            relaxations: Vec::new(),
            blocking: Vec::new(),
        };
    };
    let mut relaxations = Vec::new();
    for (row_index, added) in &violations {
        // Net change in the row's activity the elastic columns supplied.
        let shift: f64 = added
            .iter()
            .map(|(variable, direction)| direction * raw.values[elastic.index_of(*variable)])
            .sum();
        if shift.abs() <= 1e-6 {
            continue;
        }
        relaxations.push(describe_relaxation(model, &lp.rows[*row_index], shift));
    }
    // Caps, and hard targets and limits that held, whose duals are non-zero
    // in the closest plan: they are what stops the relaxed rows from holding.
    let relaxed: Vec<&str> = relaxations.iter().map(|r| r.row.as_str()).collect();
    let binding: Vec<&str> = lp
        .rows
        .iter()
        .zip(&raw.row_duals)
        .filter(|(row, dual)| {
            dual.abs() > 1e-7
                && !relaxed.contains(&row.name.as_str())
                && matches!(
                    row.family,
                    Family::HireCap
                        | Family::ExitCap
                        | Family::MoveCap
                        | Family::IntakeCapacity
                        | Family::PoolSupply
                        | Family::ReducedHoursCap
                        | Family::Target
                        | Family::Limit
                )
        })
        .map(|(row, _)| row.name.as_str())
        .collect();
    let blocking = group_row_names(&binding);
    Infeasible {
        model_file: model.file.clone(),
        relaxations,
        blocking,
    }
}

/// `hire_cap[a,2025]`, `hire_cap[a,2026]` → `hire_cap[a] in 2025, 2026`:
/// row names grouped by family and entity, periods listed in order.
fn group_row_names(names: &[&str]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for name in names {
        let (head, period) = match name.rsplit_once(',') {
            Some((head, rest)) => (format!("{head}]"), rest.trim_end_matches(']').to_string()),
            None => (name.to_string(), String::new()),
        };
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, periods)) => periods.push(period),
            None => groups.push((head, vec![period])),
        }
    }
    groups
        .into_iter()
        .map(|(head, periods)| {
            if periods.iter().all(String::is_empty) {
                head
            } else {
                format!("{head} in {}", periods.join(", "))
            }
        })
        .collect()
}

/// `shift` is how much the elastic columns added to the row's activity.
fn describe_relaxation(model: &Model, row: &Row, shift: f64) -> Relaxation {
    let amount = shift.abs();
    let description = match (row.family, row.condition) {
        (Family::Target | Family::Limit, Some(condition_index)) => {
            let condition = &model.conditions[condition_index];
            let unit = &condition.unit;
            if row.lower.is_finite() {
                format!(
                    "{} '{}' ({} ≥ {}) [{}]: the most reachable is {} — short by {} {unit}",
                    condition.kind.as_str(),
                    condition.id,
                    condition.text,
                    format_number(row.lower),
                    row.name,
                    format_number(row.lower - amount),
                    format_number(amount)
                )
            } else {
                format!(
                    "{} '{}' ({} ≤ {}) [{}]: cannot go below {} — over by {} {unit}",
                    condition.kind.as_str(),
                    condition.id,
                    condition.text,
                    format_number(row.upper),
                    row.name,
                    format_number(row.upper + amount),
                    format_number(amount)
                )
            }
        }
        (Family::ServiceCover, _) => format!(
            "demand [{}]: {} FTE of demand cannot be covered by the staff available (give the service an unmet_penalty to allow a shortfall)",
            row.name,
            format_number(amount)
        ),
        (Family::SkillMix, _) => format!(
            "skill-mix floor [{}]: short by {} FTE of the required staff group",
            row.name,
            format_number(amount)
        ),
        (Family::Capacity, _) => format!(
            "capacity [{}]: the group is {} FTE short of what its supervision load and work need",
            row.name,
            format_number(amount)
        ),
        _ => format!("[{}] must give way by {}", row.name, format_number(amount)),
    };
    Relaxation {
        row: row.name.clone(),
        description,
        amount,
    }
}

/// 12,292.5 style numbers for messages.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let negative = rounded < 0.0;
    let whole = rounded.abs().trunc() as u64;
    let tenth = ((rounded.abs() - rounded.abs().trunc()) * 10.0).round() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (position, c) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if tenth == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{tenth}")
    }
}
