//! One HiGHS instance carried from one programme to the next: the points
//! of a sweep and the samples of a simulation each hand their programme
//! (one objective, no whole numbers) to a `Session`, which starts it warm
//! from the previous one — bounds and costs changed in place when only
//! they differ, the previous basis when the dimensions agree, else cold —
//! solves it, reads the optimum back and finds its canonical plan on the
//! same instance (`solve::canonical_in_place`), which then holds the
//! programme again for the next one.

use wfplan_highs::{Highs, HighsError, SolverOptions, SparseLp, Status};
use wfplan_lp::Lp;
use wfplan_model::model::Model;

use crate::solution::Solution;
use crate::solve::{canonical_in_place, read_back, run_resolving, sparse_lp};

/// The instance a run of points or samples solves on, with the programme
/// it holds.
pub struct Session<'a> {
    options: &'a SolverOptions,
    warm: bool,
    held: Option<(Highs, SparseLp)>,
}

/// What one programme gave, with how its run started (`in place`,
/// `basis` or `cold`) and HiGHS's simplex iterations.
pub enum Outcome {
    /// The optimum, as its canonical plan when `options.canonical`.
    Optimal {
        solution: Box<Solution>,
        iterations: i64,
        start: &'static str,
    },
    /// HiGHS stopped without an optimum; the programme is handed back for
    /// an explanation.
    Stopped {
        lp: Box<Lp>,
        status: Status,
        iterations: i64,
        start: &'static str,
    },
    /// The optimum was found, but a stage of its canonical plan stopped.
    CanonicalStopped {
        stage: usize,
        status: Status,
        iterations: i64,
        start: &'static str,
    },
    /// A HiGHS call failed.
    Failed(HighsError),
}

impl<'a> Session<'a> {
    /// A session with no instance yet; `warm` false starts every
    /// programme cold.
    pub fn new(options: &'a SolverOptions, warm: bool) -> Self {
        Session {
            options,
            warm,
            held: None,
        }
    }

    /// Drops the instance: the next programme starts cold (after a
    /// programme solved another way, e.g. lexicographic stages).
    pub fn forget(&mut self) {
        self.held = None;
    }

    /// Solves `lp` (of `model`, one objective) on the session's instance.
    pub fn solve(&mut self, model: &Model, lp: Lp) -> Outcome {
        let sparse = sparse_lp(&lp, &lp.objectives[0], &[]);
        let (mut highs, start) =
            match start_instance(self.held.take(), self.warm, self.options, &sparse) {
                Ok(started) => started,
                Err(error) => return Outcome::Failed(error),
            };
        let status = run_resolving(&mut highs, self.options);
        let iterations = highs.simplex_iterations();
        if status != Status::Optimal {
            return Outcome::Stopped {
                lp: Box::new(lp),
                status,
                iterations,
                start,
            };
        }
        let mut raw = match read_back(&highs, &lp, &lp.objectives[0]) {
            Ok(raw) => raw,
            Err(error) => return Outcome::Failed(error),
        };
        let objective = raw.objective;
        // The canonical plan among the optimal ones, on the same instance,
        // which then holds this programme again.
        let movement = match canonical_in_place(&mut highs, &lp, &sparse, &mut raw, self.options) {
            Ok(movement) => movement,
            Err((stage, status)) => {
                return Outcome::CanonicalStopped {
                    stage,
                    status,
                    iterations,
                    start,
                }
            }
        };
        let mut solution = Solution::new(model.clone(), lp, raw, vec![objective], 0.0, 0.0);
        solution.movement = movement;
        if self.warm {
            self.held = Some((highs, sparse));
        }
        Outcome::Optimal {
            solution: Box::new(solution),
            iterations,
            start,
        }
    }
}

/// The instance that solves `sparse` next, and how it starts: `held` (the
/// previous point's instance and programme) with bounds and costs changed
/// in place when only they differ, or handed `sparse` with its previous
/// basis when the dimensions are the same; otherwise (or not `warm`) a
/// fresh instance, `cold`.
fn start_instance(
    held: Option<(Highs, SparseLp)>,
    warm: bool,
    options: &SolverOptions,
    sparse: &SparseLp,
) -> Result<(Highs, &'static str), HighsError> {
    match held {
        Some((mut highs, previous)) if warm => {
            if same_matrix(&previous, sparse) {
                change_in_place(&mut highs, &previous, sparse)?;
                Ok((highs, "in place"))
            } else if previous.num_cols() == sparse.num_cols()
                && previous.num_rows() == sparse.num_rows()
            {
                let basis = highs.basis();
                highs.pass_lp(sparse)?;
                match basis {
                    Some(basis) if highs.set_basis(&basis) => Ok((highs, "basis")),
                    _ => Ok((highs, "cold")),
                }
            } else {
                Ok((fresh(options, sparse)?, "cold"))
            }
        }
        _ => Ok((fresh(options, sparse)?, "cold")),
    }
}

/// A new instance with the options applied and `sparse` passed.
fn fresh(options: &SolverOptions, sparse: &SparseLp) -> Result<Highs, HighsError> {
    let mut highs = Highs::new()?;
    // The options were checked against a fresh instance before any point.
    highs.apply(options).map_err(|error| HighsError {
        call: "Highs_setOptionValue",
        status: -1,
        detail: error.to_string(),
    })?;
    highs.pass_lp(sparse)?;
    Ok(highs)
}

/// Same dimensions and the same coefficients, so only bounds and costs
/// may differ.
fn same_matrix(a: &SparseLp, b: &SparseLp) -> bool {
    a.num_cols() == b.num_cols()
        && a.num_rows() == b.num_rows()
        && a.row_start == b.row_start
        && a.row_index == b.row_index
        && a.row_value == b.row_value
}

/// Changes the bounds and costs that differ from `previous` to `next`'s,
/// in place, keeping HiGHS's basis.
fn change_in_place(
    highs: &mut Highs,
    previous: &SparseLp,
    next: &SparseLp,
) -> Result<(), HighsError> {
    for row in 0..next.num_rows() {
        if previous.row_lower[row] != next.row_lower[row]
            || previous.row_upper[row] != next.row_upper[row]
        {
            highs.change_row_bounds(row, next.row_lower[row], next.row_upper[row])?;
        }
    }
    for column in 0..next.num_cols() {
        if previous.col_lower[column] != next.col_lower[column]
            || previous.col_upper[column] != next.col_upper[column]
        {
            highs.change_col_bounds(column, next.col_lower[column], next.col_upper[column])?;
        }
    }
    if previous.col_cost != next.col_cost || previous.offset != next.offset {
        highs.set_objective(&next.col_cost, next.offset)?;
    }
    Ok(())
}
