//! Solving with HiGHS: the programme is handed to an instance wfplan owns
//! (`solver::Highs`) in one call, lexicographic stages re-solve that same
//! instance warm (a new objective and the previous stage's
//! `objective_bound` row, changed in place), values and sign-normalised
//! duals are read back, and — when the model is infeasible — an elastic
//! re-solve says which targets and limits must give way and by how much.
//! Only an optimal run becomes a `Solution`; every other outcome is a typed
//! error: [`Infeasible`], [`Unbounded`] or [`NotOptimal`].

use std::fmt;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use good_lp::{Expression, IntoAffineExpression};

use crate::solution::{MipInfo, MipStage, Solution, Timings};
use wfplan_highs::{Highs, HighsError, SparseLp};
pub use wfplan_highs::{OptionError, SolverOptions, Status};
use wfplan_lp::{self as lp, Family, Lp, Row};
use wfplan_model::model::Model;
use wfplan_text::number::format_number;

/// Relative tolerance kept on each earlier lexicographic stage:
/// objective_k ≤ z*_k + 1e-7·max(1, |z*_k|).
pub const LEXICOGRAPHIC_TOLERANCE: f64 = 1e-7;

/// A reduced cost or row dual counts as non-zero when its magnitude is above
/// this share of the stage's largest cost coefficient (at least 1): the
/// canonical plan's stages then hold that column or row where the optimum
/// has it ([`hold_optimal_face`]).
pub const CANONICAL_DUAL_TOLERANCE: f64 = 1e-9;

/// Raw output of one HiGHS run.
pub struct RawSolution {
    pub objective: f64,
    /// Column values, by column index.
    pub values: Vec<f64>,
    /// HiGHS row duals (∂objective/∂row bound), by row index.
    pub row_duals: Vec<f64>,
}

/// (column, coefficient) of a linear expression, by column index.
fn entries(lp: &Lp, expression: &Expression) -> Vec<(usize, f64)> {
    expression
        .linear_coefficients()
        .map(|(variable, coefficient)| (lp.index_of(variable), coefficient))
        .collect()
}

/// Column costs and constant of an objective.
pub fn objective_costs(lp: &Lp, objective: &Expression) -> (Vec<f64>, f64) {
    let mut costs = vec![0.0; lp.columns.len()];
    for (variable, coefficient) in objective.linear_coefficients() {
        costs[lp.index_of(variable)] += coefficient;
    }
    (costs, objective.constant())
}

/// The programme as row-wise arrays for HiGHS: `lp.rows` then `extra_rows`,
/// minimising `objective`. One pass over the rows, no expression cloned.
pub fn sparse_lp(lp: &Lp, objective: &Expression, extra_rows: &[Row]) -> SparseLp {
    let (col_cost, offset) = objective_costs(lp, objective);
    let rows = lp.rows.len() + extra_rows.len();
    let non_zeros: usize = lp
        .rows
        .iter()
        .chain(extra_rows)
        .map(|row| (&row.expression).linear_coefficients().size_hint().0)
        .sum();
    let integrality = if lp.is_mip() {
        lp.columns
            .iter()
            .map(|c| {
                if c.integer {
                    highs_sys::kHighsVarTypeInteger
                } else {
                    highs_sys::kHighsVarTypeContinuous
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut sparse = SparseLp {
        col_cost,
        col_lower: lp.columns.iter().map(|c| c.lower).collect(),
        col_upper: lp.columns.iter().map(|c| c.upper).collect(),
        offset,
        row_lower: Vec::with_capacity(rows),
        row_upper: Vec::with_capacity(rows),
        row_start: Vec::with_capacity(rows + 1),
        row_index: Vec::with_capacity(non_zeros),
        row_value: Vec::with_capacity(non_zeros),
        integrality,
    };
    for row in lp.rows.iter().chain(extra_rows) {
        sparse.push_row(
            (&row.expression)
                .linear_coefficients()
                .map(|(variable, coefficient)| (lp.index_of(variable), coefficient)),
            row.lower,
            row.upper,
        );
    }
    sparse
}

/// Runs HiGHS; when it can only say "unbounded or infeasible" (usually
/// presolve's verdict), runs again without presolve to say which.
///
/// A cold run of a large programme uses the interior point method (see
/// `SolverOptions::interior_point_columns`); the runs after it start warm
/// from its crossover basis with HiGHS's default (simplex).
pub fn run_resolving(highs: &mut Highs, options: &SolverOptions) -> Status {
    let status = if options.interior_point_for(highs) {
        let _ = highs.set_option("solver", "ipm");
        let status = highs.run();
        let _ = highs.set_option("solver", "choose");
        status
    } else {
        highs.run()
    };
    if status != Status::UnboundedOrInfeasible {
        return status;
    }
    let presolve = options
        .highs
        .iter()
        .rev()
        .find(|(key, _)| key == "presolve")
        .map_or("choose", |(_, value)| value.as_str());
    if highs.set_option("presolve", "off").is_err() {
        return status;
    }
    let status = highs.run();
    // The user's presolve setting was accepted once, so it is accepted again.
    let _ = highs.set_option("presolve", presolve);
    status
}

/// Reads an optimal run back: values, row duals and the objective's value.
pub fn read_back(
    highs: &Highs,
    lp: &Lp,
    objective: &Expression,
) -> Result<RawSolution, HighsError> {
    let (values, row_duals) = highs.solution()?;
    Ok(RawSolution {
        objective: lp.evaluate(objective, &values),
        values,
        row_duals,
    })
}

/// Solves `lp.rows` plus `extra_rows` for one objective in a fresh HiGHS
/// instance; anything but an optimum is returned as its status. A MIP is
/// solved as one, and its row duals are those of the linear programme with
/// the whole-number columns fixed at their optimal values
/// ([`fix_integers_and_resolve`]).
pub fn run_highs(
    lp: &Lp,
    objective: &Expression,
    extra_rows: &[Row],
    options: &SolverOptions,
) -> Result<RawSolution, Status> {
    let mut highs = Highs::new()?;
    if let Err(error) = highs.apply(options) {
        return Err(Status::Other {
            code: -1,
            text: error.to_string(),
        });
    }
    highs.pass_lp(&sparse_for(lp, objective, extra_rows, options))?;
    let mip = highs.is_mip();
    match run_resolving(&mut highs, options) {
        Status::Optimal if mip => {
            let values = highs.solution()?.0;
            match fix_integers_and_resolve(&mut highs, lp, &values, options) {
                Status::Optimal => Ok(read_back(&highs, lp, objective)?),
                status => Err(status),
            }
        }
        Status::Optimal => Ok(read_back(&highs, lp, objective)?),
        status => Err(status),
    }
}

/// After a MIP run: fixes every whole-number column of `lp` at its value in
/// `values` (rounded), makes the programme continuous and solves that
/// linear programme, whose row duals are the shadow prices wfplan reports
/// for a MIP (the marginal cost of each row with every whole-number
/// decision held where the MIP put it). The continuous columns are
/// re-optimised; the objective is the MIP's (or, within tolerances, below).
pub fn fix_integers_and_resolve(
    highs: &mut Highs,
    lp: &Lp,
    values: &[f64],
    options: &SolverOptions,
) -> Status {
    match fix_integers(highs, lp, values) {
        Ok(()) => run_resolving(highs, options),
        Err(error) => error.into(),
    }
}

/// Holds every whole-number column at its value in `values` (rounded,
/// within its bounds) and makes the programme continuous.
fn fix_integers(highs: &mut Highs, lp: &Lp, values: &[f64]) -> Result<(), HighsError> {
    for (index, column) in lp.columns.iter().enumerate() {
        if column.integer {
            let value = values[index].round().clamp(column.lower, column.upper);
            highs.change_col_bounds(index, value, value)?;
        }
    }
    highs.clear_integrality()
}

/// The objective can fall without limit.
#[derive(Debug, Clone)]
pub struct Unbounded {
    pub model_file: String,
    /// The objective (stage) that is unbounded, as written.
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

/// HiGHS stopped without an optimal plan for a reason other than
/// infeasibility ([`Infeasible`]) or unboundedness ([`Unbounded`]): a time or
/// iteration limit, numerical trouble, or a verdict it could not settle.
/// No plan is reported.
#[derive(Debug, Clone)]
pub struct NotOptimal {
    pub model_file: String,
    pub status: Status,
    /// The stage (1-based) that stopped, of `stages`.
    pub stage: usize,
    pub stages: usize,
    /// That stage's objective, as written.
    pub objective: String,
    /// The time limit in force, in seconds.
    pub time_limit: Option<f64>,
}

impl NotOptimal {
    /// Stage `stage` (1 or 2) of the canonical plan stopped with `status`
    /// after the objective's `stages` stages of `model` were optimal.
    pub fn canonical(
        model: &Model,
        stages: usize,
        stage: usize,
        status: Status,
        options: &SolverOptions,
    ) -> NotOptimal {
        NotOptimal {
            model_file: model.file.clone(),
            status,
            stage: stages + stage,
            stages: stages + CANONICAL_STAGES.len(),
            objective: CANONICAL_STAGES[stage - 1].to_string(),
            time_limit: options.time_limit,
        }
    }
}

impl fmt::Display for NotOptimal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = &self.model_file;
        let stage = if self.stages > 1 {
            format!(
                " in stage {} of {} of the objective (\"{}\")",
                self.stage, self.stages, self.objective
            )
        } else {
            String::new()
        };
        match &self.status {
            Status::TimeLimit => {
                let limit = self
                    .time_limit
                    .map(|seconds| format!(" of {seconds} s"))
                    .unwrap_or_default();
                write!(
                    formatter,
                    "{file}: HiGHS reached the time limit{limit}{stage} before finding the optimal plan, so there is no plan to report; raise --time-limit (or leave it out) to let it finish"
                )
            }
            Status::IterationLimit => write!(
                formatter,
                "{file}: HiGHS reached an iteration limit{stage} before finding the optimal plan, so there is no plan to report; raise the limit (e.g. --solver-option simplex_iteration_limit=…) or leave it out"
            ),
            Status::Infeasible => write!(
                formatter,
                "{file}: stage {} of the objective (\"{}\") became infeasible after fixing the earlier stages; this is a numerical problem — try a single objective",
                self.stage, self.objective
            ),
            Status::Other { code, .. } if *code == highs_sys::kHighsModelStatusSolutionLimit => write!(
                formatter,
                "{file}: HiGHS stopped at a limit on solutions, nodes or leaves of its branch and bound{stage} before finding any plan in whole numbers, so there is no plan to report; raise or remove the limit (mip_max_nodes, mip_max_leaves, mip_max_improving_sols)"
            ),
            Status::UnboundedOrInfeasible => write!(
                formatter,
                "{file}: HiGHS found no finite optimum{stage} but could not tell whether the model is infeasible or unbounded, even without presolve; check that the targets and limits can hold together, and that nothing the objective rewards is uncapped"
            ),
            status => write!(
                formatter,
                "{file}: HiGHS stopped without an optimal plan{stage}: {status}. This is usually numerical trouble: try --solver-option solver=ipm, or --solver-option presolve=off, or costs and bounds of less extreme sizes"
            ),
        }
    }
}

impl std::error::Error for NotOptimal {}

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
    /// For a model with whole-number decisions whose elastic re-solve has
    /// no whole-number plan either: what the explanation (made with the
    /// whole numbers relaxed) can and cannot say.
    pub note: Option<String>,
}

impl fmt::Display for Infeasible {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            formatter,
            "{}: the model is infeasible: its hard targets, limits and demands cannot all hold.",
            self.model_file
        )?;
        if let Some(note) = &self.note {
            writeln!(formatter, "{note}")?;
        }
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

/// Solves the model with the default options (one thread, no time limit):
/// each objective in turn, keeping earlier optima.
pub fn solve(model: &Model) -> Result<Solution> {
    solve_with(model, &SolverOptions::default())
}

/// Solves the model: each objective in turn, keeping earlier optima, in one
/// HiGHS instance re-solved warm between stages. Errors: [`OptionError`]
/// (a bad solver option), [`Infeasible`], [`Unbounded`], [`NotOptimal`].
pub fn solve_with(model: &Model, options: &SolverOptions) -> Result<Solution> {
    let build_start = Instant::now();
    let lp = lp::build(model);
    let build_seconds = build_start.elapsed().as_secs_f64();
    solve_lp(model, lp, build_seconds, options)
}

/// Solves `model` with its staffing decisions in the periods before
/// `until` held to those of `frozen` (a plan of the same model structure,
/// e.g. the base scenario of a compare): a scenario's `freeze_until`. The
/// decisions held are hires, training intakes, moves, managed exits,
/// reduced hours and temporary staff; stocks follow from them, and the
/// deployment of staff to services (work, unmet demand, surplus) stays free,
/// so a scenario whose demand differs in those years still has a plan.
/// Infeasible (with the usual explanation) when a target of the scenario
/// in those years cannot be met by the held decisions.
pub fn solve_frozen(
    model: &Model,
    frozen: &Solution,
    until: usize,
    options: &SolverOptions,
) -> Result<Solution> {
    let build_start = Instant::now();
    let mut lp = lp::build(model);
    let same_shape = frozen.model.groups.len() == model.groups.len()
        && frozen.model.pipelines.len() == model.pipelines.len()
        && frozen.model.moves.len() == model.moves.len()
        && frozen.model.services.len() == model.services.len()
        && frozen.model.periods == model.periods;
    if !same_shape {
        return Err(anyhow!(
            "{}: freeze_until needs a base plan of the same model (groups, pipelines, moves, services and periods)",
            model.file
        ));
    }
    let mut held: Vec<(usize, f64)> = Vec::new();
    {
        let (vars, base) = (&lp.vars, &frozen.plan.decisions);
        let mut hold = |mine: &[good_lp::Variable], theirs: &[f64]| {
            for t in 0..until.min(mine.len()) {
                held.push((lp.index_of(mine[t]), theirs[t]));
            }
        };
        for (g, sources) in vars.hire.iter().enumerate() {
            for ((_, mine), (_, theirs)) in sources.iter().zip(&base.hire[g]) {
                hold(mine, theirs);
            }
        }
        for (mine, theirs) in vars.intake.iter().zip(&base.intake) {
            hold(mine, theirs);
        }
        for (mine, theirs) in vars.moves.iter().zip(&base.moves) {
            hold(mine, theirs);
        }
        for (mine, theirs) in vars.exit.iter().zip(&base.exit) {
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                hold(mine, theirs);
            }
        }
        for (mine, theirs) in vars.reduced.iter().zip(&base.reduced) {
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                hold(mine, theirs);
            }
        }
        for (s, temps) in vars.temp.iter().enumerate() {
            for ((_, mine), (_, theirs)) in temps.iter().zip(&base.temp[s]) {
                hold(mine, theirs);
            }
        }
    }
    for (column, value) in held {
        lp.columns[column].lower = value.max(0.0);
        lp.columns[column].upper = value.max(0.0);
    }
    let build_seconds = build_start.elapsed().as_secs_f64();
    solve_lp(model, lp, build_seconds, options)
}

/// Solves a built programme (see [`solve_with`]).
fn solve_lp(
    model: &Model,
    lp: Lp,
    build_seconds: f64,
    options: &SolverOptions,
) -> Result<Solution> {
    let file = &model.file;
    let mut highs = Highs::new().with_context(|| file.clone())?;
    highs.apply(options)?;
    let Some(first) = lp.objectives.first() else {
        return Err(anyhow!("{file}: the model has no objective"));
    };
    let pass_start = Instant::now();
    highs
        .pass_lp(&sparse_for(&lp, first, &[], options))
        .with_context(|| file.clone())?;
    let mut timings = Timings {
        build: build_seconds,
        pass: pass_start.elapsed().as_secs_f64(),
        ..Timings::default()
    };
    let mip = lp.is_mip() && !options.solve_relaxation();
    let stages = lp.objectives.len();
    let mut stage_objectives = Vec::new();
    let mut mip_stages = Vec::new();
    let mut last: Option<RawSolution> = None;
    for (stage, objective) in lp.objectives.iter().enumerate() {
        if stage > 0 {
            let pass_start = Instant::now();
            let (costs, offset) = objective_costs(&lp, objective);
            highs
                .set_objective(&costs, offset)
                .with_context(|| format!("{file}: stage {} of the objective", stage + 1))?;
            timings.pass += pass_start.elapsed().as_secs_f64();
        }
        let run_start = Instant::now();
        let status = run_resolving(&mut highs, options);
        timings.solve += run_start.elapsed().as_secs_f64();
        // A MIP stopped by a limit with a whole-number plan in hand keeps
        // it (its status and gap are reported); a linear programme needs
        // its optimum.
        let incumbent = mip && highs.has_feasible_solution() && stopped_by_limit(&status);
        match status {
            Status::Optimal => {}
            _ if incumbent => {}
            Status::Infeasible if stage == 0 => {
                return Err(explain_infeasible_with(model, &lp, options).into())
            }
            Status::Unbounded => {
                return Err(Unbounded {
                    model_file: model.file.clone(),
                    objective: model.objectives[stage].text.clone(),
                }
                .into())
            }
            status => {
                return Err(NotOptimal {
                    model_file: model.file.clone(),
                    status,
                    stage: stage + 1,
                    stages,
                    objective: model.objectives[stage].text.clone(),
                    time_limit: options.time_limit,
                }
                .into())
            }
        }
        let read_start = Instant::now();
        let raw = read_back(&highs, &lp, objective).with_context(|| file.clone())?;
        timings.read += read_start.elapsed().as_secs_f64();
        let optimum = raw.objective;
        if mip {
            mip_stages.push(MipStage::read(&highs, &status, optimum));
        }
        stage_objectives.push(optimum);
        if stage + 1 < stages {
            // objective_bound[stage+1]: later stages keep this optimum.
            let pass_start = Instant::now();
            let slack = LEXICOGRAPHIC_TOLERANCE * optimum.abs().max(1.0);
            let constant = objective.constant();
            highs
                .add_row(
                    &entries(&lp, objective),
                    f64::NEG_INFINITY,
                    optimum + slack - constant,
                )
                .with_context(|| format!("{file}: objective_bound[{}]", stage + 1))?;
            timings.pass += pass_start.elapsed().as_secs_f64();
        }
        last = Some(raw);
    }
    let mut raw = last.ok_or_else(|| anyhow!("{}: the model has no objective", model.file))?;
    let mut fixed_duals = false;
    if mip {
        // Shadow prices of a MIP: the duals of its linear programme with
        // every whole-number decision fixed where the last stage put it.
        let run_start = Instant::now();
        let objective = lp.objectives.last().expect("at least one objective");
        let status = fix_integers_and_resolve(&mut highs, &lp, &raw.values, options);
        timings.solve += run_start.elapsed().as_secs_f64();
        if status == Status::Optimal {
            let read_start = Instant::now();
            raw = read_back(&highs, &lp, objective).with_context(|| file.clone())?;
            timings.read += read_start.elapsed().as_secs_f64();
            fixed_duals = true;
        } else {
            // No duals to give: every shadow price is reported as 0 and the
            // summary says why.
            raw.row_duals = vec![0.0; lp.rows.len()];
        }
    }
    // The canonical plan among the optimal ones (a MIP's among those with
    // its whole numbers where the last stage put them): its values are the
    // plan, while the row duals stay those of the last stage of the
    // objective (an optimal dual of that stage, so complementary with
    // every optimal plan, the canonical one included).
    let mut movement = None;
    if options.canonical && (!mip || fixed_duals) {
        let canonical_start = Instant::now();
        let objective = &lp.objectives[stages - 1];
        let canonical =
            canonical_plan(&mut highs, &lp, objective, options).map_err(|(stage, status, _)| {
                NotOptimal::canonical(model, stages, stage, status, options)
            })?;
        raw.objective = lp.evaluate(objective, &canonical.values);
        raw.values = canonical.values;
        movement = Some(canonical.movement);
        timings.canonical = canonical_start.elapsed().as_secs_f64();
    }
    let plan_start = Instant::now();
    let mut solution = Solution::new(
        model.clone(),
        lp,
        raw,
        stage_objectives,
        build_seconds,
        timings.pass + timings.solve + timings.read + timings.canonical,
    );
    solution.movement = movement;
    if mip {
        let info = MipInfo {
            integer_columns: solution.lp.columns.iter().filter(|c| c.integer).count(),
            mip_rel_gap: options.mip_rel_gap(),
            stages: mip_stages,
            fixed_duals,
        };
        solution.status = info.status().to_string();
        solution.mip = Some(info);
    } else if lp_was_mip(&solution) {
        solution.status = RELAXATION_STATUS.to_string();
    }
    timings.plan = plan_start.elapsed().as_secs_f64();
    solution.timings = timings;
    Ok(solution)
}

/// The two stages of the canonical plan, as error messages name them.
pub const CANONICAL_STAGES: [&str; 2] = [
    "canonical plan: least total movement (--any-optimum skips it)",
    "canonical plan: fixed weights on every column (--any-optimum skips it)",
];

/// The canonical plan and its total movement.
pub struct Canonical {
    /// Column values, by column index.
    pub values: Vec<f64>,
    /// m*, the least total movement ([`lp::objective::movement`]) of an
    /// optimal plan.
    pub movement: f64,
    /// The columns and rows held to the optimal faces.
    pub held: Held,
}

/// The canonical plan among the optimal plans of the programme `highs`
/// holds, whose last run was optimal for the last stage of the model's
/// objective. Two more lexicographic stages on the same instance:
///
/// ```text
/// stage A: on the optimal face of the objective, minimise
///          movement = Σ_t (hires + intakes + moves + exits
///                          + reduced hours + temporary staff)       → m*
/// stage B: on the optimal face of stage A,
///          minimise Σ_j w_j·x_j over every column j, w_j = tie_break_weight(name_j)
/// ```
///
/// A stage keeps the one before it optimal exactly, not within a tolerance
/// (which the next stage would spend in full to move less): by
/// complementary slackness with that stage's duals, every column with a
/// non-zero reduced cost and every row with a non-zero dual is held where
/// the optimum has it ([`hold_optimal_face`]); the plans that satisfy
/// that are exactly the optimal ones. Stage B's weights are positive and
/// fixed by each column's name, so its optimum is bounded and, unless the
/// weights happen to be orthogonal to an edge of the face, a single vertex
/// — the same whatever algorithm reached the optimum. Both stages run
/// primal simplex (`simplex_strategy = 4`) from the previous basis, which
/// stays primal feasible (the columns and rows held are held at the
/// values they have; only costs change); the user's `solver` and
/// `simplex_strategy` are restored after. An error gives the stage (1 or
/// 2) that stopped and HiGHS's status. Returns also the columns and rows
/// held (for [`canonical_in_place`] to free them again).
pub fn canonical_plan(
    highs: &mut Highs,
    lp: &Lp,
    objective: &Expression,
    options: &SolverOptions,
) -> Result<Canonical, (usize, Status, Held)> {
    let restore = |highs: &mut Highs| {
        for (key, default) in [("solver", "choose"), ("simplex_strategy", "1")] {
            let value = options
                .highs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map_or(default, |(_, value)| value.as_str());
            // The user's value was accepted once, so it is accepted again.
            let _ = highs.set_option(key, value);
        }
    };
    let mut held = Held::default();
    // Stage A: least total movement on the objective's optimal face.
    let (costs, _) = objective_costs(lp, objective);
    let movement = lp::objective::movement(&lp.vars);
    let (movement_costs, offset) = objective_costs(lp, &movement);
    let held_face = hold_optimal_face(highs, &costs, &mut held)
        .and_then(|()| highs.set_objective(&movement_costs, offset));
    if let Err(error) = held_face {
        restore(highs);
        return Err((1, error.into(), held));
    }
    if highs.set_option("solver", "simplex").is_err()
        || highs
            .set_option("simplex_strategy", wfplan_highs::PRIMAL_SIMPLEX)
            .is_err()
    {
        restore(highs);
        let status = Status::Other {
            code: -1,
            text: "HiGHS refused the primal simplex options".to_string(),
        };
        return Err((1, status, held));
    }
    let status = highs.run();
    if status != Status::Optimal {
        restore(highs);
        return Err((1, status, held));
    }
    let least = match highs.solution() {
        Ok((values, _)) => lp.evaluate(&movement, &values),
        Err(error) => {
            restore(highs);
            return Err((1, error.into(), held));
        }
    };
    // Stage B: a fixed weighting of every column on stage A's optimal face.
    let weights: Vec<f64> = lp
        .columns
        .iter()
        .map(|column| tie_break_weight(&column.name.to_string()))
        .collect();
    let held_face = hold_optimal_face(highs, &movement_costs, &mut held)
        .and_then(|()| highs.set_objective(&weights, 0.0));
    if let Err(error) = held_face {
        restore(highs);
        return Err((2, error.into(), held));
    }
    let status = highs.run();
    restore(highs);
    if status != Status::Optimal {
        return Err((2, status, held));
    }
    match highs.solution() {
        Ok((values, _)) => Ok(Canonical {
            values,
            movement: least,
            held,
        }),
        Err(error) => Err((2, error.into(), held)),
    }
}

/// The columns and rows [`hold_optimal_face`] has fixed, by index.
#[derive(Debug, Clone, Default)]
pub struct Held {
    pub columns: Vec<usize>,
    pub rows: Vec<usize>,
}

/// Restricts the programme `highs` holds to the optimal face of its last
/// run, whose objective had column costs `costs`: with (y, d) that run's
/// row duals and reduced costs, the optimal plans are exactly the feasible
/// plans x with
///
/// ```text
/// x_j = x*_j       for every column j with |d_j| > τ
/// a_i·x = a_i·x*   for every row i with |y_i| > τ,   τ = 1e-9·max(1, max_j |c_j|)
/// ```
///
/// (complementary slackness), so each such column's bounds, and each such
/// row's, are set to the value the optimum gives it. The optimum meets
/// them, so its basis stays valid and primal feasible.
pub fn hold_optimal_face(
    highs: &mut Highs,
    costs: &[f64],
    held: &mut Held,
) -> Result<(), HighsError> {
    let largest = costs.iter().fold(1.0_f64, |m, c| m.max(c.abs()));
    let tolerance = CANONICAL_DUAL_TOLERANCE * largest;
    let solution = highs.full_solution()?;
    for (column, (&value, &dual)) in solution
        .col_value
        .iter()
        .zip(&solution.col_dual)
        .enumerate()
    {
        if dual.abs() > tolerance {
            highs.change_col_bounds(column, value, value)?;
            held.columns.push(column);
        }
    }
    for (row, (&value, &dual)) in solution
        .row_value
        .iter()
        .zip(&solution.row_dual)
        .enumerate()
    {
        if dual.abs() > tolerance {
            highs.change_row_bounds(row, value, value)?;
            held.rows.push(row);
        }
    }
    Ok(())
}

/// [`canonical_plan`] on an instance that goes on to the next point of a
/// sweep or sample of a simulation: `raw` (read from its optimum of the
/// single objective of `sparse`) takes the canonical values, keeping its
/// duals; then the columns and rows the stages held get `sparse`'s bounds
/// back, its costs and the optimum's basis, so that the instance holds
/// `sparse` again, warm as before. Returns m*, or None with
/// `options.canonical` off.
pub fn canonical_in_place(
    highs: &mut Highs,
    lp: &Lp,
    sparse: &SparseLp,
    raw: &mut RawSolution,
    options: &SolverOptions,
) -> Result<Option<f64>, (usize, Status)> {
    if !options.canonical {
        return Ok(None);
    }
    let Some(objective) = lp.objectives.first() else {
        return Ok(None);
    };
    let basis = highs.basis();
    let canonical = canonical_plan(highs, lp, objective, options);
    let held = match &canonical {
        Ok(canonical) => &canonical.held,
        Err((_, _, held)) => held,
    };
    let restored = restore_programme(highs, held, sparse);
    if let Err(error) = restored {
        return Err((2, error.into()));
    }
    if let Some(basis) = basis {
        highs.set_basis(&basis);
    }
    let canonical = canonical.map_err(|(stage, status, _)| (stage, status))?;
    raw.objective = lp.evaluate(objective, &canonical.values);
    raw.values = canonical.values;
    Ok(Some(canonical.movement))
}

/// Gives the columns and rows `held` fixed their bounds in `sparse` back,
/// and `sparse`'s costs.
fn restore_programme(highs: &mut Highs, held: &Held, sparse: &SparseLp) -> Result<(), HighsError> {
    for &column in &held.columns {
        highs.change_col_bounds(column, sparse.col_lower[column], sparse.col_upper[column])?;
    }
    for &row in &held.rows {
        highs.change_row_bounds(row, sparse.row_lower[row], sparse.row_upper[row])?;
    }
    highs.set_objective(&sparse.col_cost, sparse.offset)
}

/// The weight of a column in the canonical plan's last stage, fixed by its
/// name alone (`hire[staff_nurse,newly_qualified,2025/26]`): w = 1 + u with
/// u ∈ [0, 1) the top 53 bits of splitmix64's finaliser applied to the
/// FNV-1a 64-bit hash of the name's UTF-8 bytes, over 2^53. The same
/// column has the same weight in every build, whatever the column order.
pub fn tie_break_weight(name: &str) -> f64 {
    // FNV-1a, 64 bits.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // splitmix64's finaliser.
    let mut z = hash.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    1.0 + (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The status of a model with whole-number decisions solved as its linear
/// relaxation (`--solver-option solve_relaxation=true`).
pub const RELAXATION_STATUS: &str =
    "optimal (linear relaxation: whole numbers treated as continuous)";

fn lp_was_mip(solution: &Solution) -> bool {
    solution.lp.is_mip()
}

/// The programme as HiGHS gets it: [`sparse_lp`], without its whole
/// numbers when the user asked for the relaxation.
fn sparse_for(
    lp: &Lp,
    objective: &Expression,
    extra_rows: &[Row],
    options: &SolverOptions,
) -> SparseLp {
    let mut sparse = sparse_lp(lp, objective, extra_rows);
    if options.solve_relaxation() {
        sparse.integrality.clear();
    }
    sparse
}

/// A run stopped by a limit (time, iterations, solutions, an interrupt)
/// rather than by a verdict on the model.
pub fn stopped_by_limit(status: &Status) -> bool {
    match status {
        Status::TimeLimit | Status::IterationLimit => true,
        Status::Other { code, .. } => matches!(
            *code,
            highs_sys::kHighsModelStatusSolutionLimit
                | highs_sys::kHighsModelStatusInterrupt
                | highs_sys::kHighsModelStatusObjectiveBound
                | highs_sys::kHighsModelStatusObjectiveTarget
                | highs_sys::kHighsModelStatusMemoryLimit
                | highs_sys::kHighsModelStatusHighsInterrupt
        ),
        _ => false,
    }
}

impl MipStage {
    /// What HiGHS reports after a MIP run: its status, the incumbent's
    /// objective (`objective`, as wfplan evaluates it), the dual bound and
    /// the relative gap.
    fn read(highs: &Highs, status: &Status, objective: f64) -> MipStage {
        let bound = highs.mip_dual_bound().unwrap_or(f64::NAN);
        let gap = highs.mip_gap().unwrap_or(f64::NAN);
        MipStage {
            status: status.as_str().to_string(),
            proven: *status == Status::Optimal,
            objective,
            bound,
            gap,
            nodes: highs.mip_nodes(),
        }
    }
}

/// Re-solves with every hard target and limit, every demand without an
/// unmet penalty, every skill-mix floor and every capacity balance made
/// elastic, minimising the total violation, and reports what gave way.
pub fn explain_infeasible(model: &Model, lp: &Lp) -> Infeasible {
    explain_infeasible_with(model, lp, &SolverOptions::default())
}

/// [`explain_infeasible`] with the caller's solver options (e.g. its time limit).
pub fn explain_infeasible_with(model: &Model, lp: &Lp, options: &SolverOptions) -> Infeasible {
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
            let variable = elastic.add_column(
                wfplan_lp::Name::whole("elastic", format!("{name},{direction}")),
                0.0,
                f64::INFINITY,
            );
            elastic.rows[row_index].expression += direction * variable;
            penalty += weight * variable;
            added.push((variable, direction));
        }
        violations.push((row_index, added));
    }
    // A MIP's elastic re-solve keeps its whole numbers; if even that has
    // no whole-number plan, the whole numbers themselves are in the way,
    // and the explanation falls back to the linear relaxation.
    let mut note = None;
    let raw = match run_highs(&elastic, &penalty, &[], options) {
        Ok(raw) => raw,
        Err(_) if elastic.is_mip() => {
            let mut relaxed = elastic.clone();
            relaxed.columns.iter_mut().for_each(|c| c.integer = false);
            match run_highs(&relaxed, &penalty, &[], options) {
                Ok(raw) => {
                    note = Some(WHOLE_NUMBERS_IN_THE_WAY.to_string());
                    raw
                }
                Err(_) => {
                    return Infeasible {
                        model_file: model.file.clone(),
                        relaxations: Vec::new(),
                        blocking: Vec::new(),
                        note: None,
                    }
                }
            }
        }
        Err(_) => {
            return Infeasible {
                model_file: model.file.clone(),
                relaxations: Vec::new(),
                blocking: Vec::new(),
                note: None,
            }
        }
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
    let binding: Vec<String> = lp
        .rows
        .iter()
        .zip(&raw.row_duals)
        .filter(|(row, dual)| {
            dual.abs() > 1e-7
                && !relaxed.contains(&row.name.to_string().as_str())
                && matches!(
                    row.family,
                    Family::HireCap
                        | Family::ExitCap
                        | Family::MoveCap
                        | Family::IntakeCapacity
                        | Family::MinimumCohort
                        | Family::PoolSupply
                        | Family::ReducedHoursCap
                        | Family::Target
                        | Family::Limit
                )
        })
        .map(|(row, _)| row.name.to_string())
        .collect();
    let binding: Vec<&str> = binding.iter().map(String::as_str).collect();
    let blocking = group_row_names(&binding);
    Infeasible {
        model_file: model.file.clone(),
        relaxations,
        blocking,
        note,
    }
}

/// The note of an infeasible MIP whose elastic re-solve has no whole-number
/// plan even with every target, limit and demand free to give way.
const WHOLE_NUMBERS_IN_THE_WAY: &str = "Even with every target, limit and demand free to give way there is no plan in whole numbers: the whole-number decisions themselves (a minimum cohort, `integer` on a stock with fractional attrition) are in the way. What follows treats them as continuous.";

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
        row: row.name.to_string(),
        description,
        amount,
    }
}
