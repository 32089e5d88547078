//! The HiGHS instance wfplan owns: a safe wrapper over the C API
//! (`highs-sys`) for what the solve layer needs and good_lp's backend does
//! not give — keeping one model across lexicographic stages and modifying it
//! in place (new column costs, an added row, changed row bounds), so that
//! each re-run starts warm from the previous basis.
//!
//! The programme is handed over in one call as row-wise (CSR) arrays
//! ([`SparseLp`]); rows stay good_lp `Expression`s in `lp::Lp` and are
//! converted once, with integer column ids.

use std::ffi::{c_void, CString};
use std::fmt;
use std::ptr::NonNull;

use highs_sys::HighsInt;

/// What HiGHS says about a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Optimal,
    Infeasible,
    Unbounded,
    /// HiGHS could tell only that there is no finite optimum (usually from
    /// presolve); the solve layer re-runs without presolve to tell which.
    UnboundedOrInfeasible,
    /// Stopped at `time_limit` (`--time-limit`).
    TimeLimit,
    /// Stopped at an iteration limit (e.g. `simplex_iteration_limit`).
    IterationLimit,
    /// Anything else — numerical trouble, a solve error, an interrupt — with
    /// HiGHS's model status code and text.
    Other {
        code: i32,
        text: String,
    },
}

impl Status {
    fn from_code(code: HighsInt) -> Status {
        match code {
            highs_sys::kHighsModelStatusOptimal => Status::Optimal,
            highs_sys::kHighsModelStatusInfeasible => Status::Infeasible,
            highs_sys::kHighsModelStatusUnbounded => Status::Unbounded,
            highs_sys::kHighsModelStatusUnboundedOrInfeasible => Status::UnboundedOrInfeasible,
            highs_sys::kHighsModelStatusTimeLimit => Status::TimeLimit,
            highs_sys::kHighsModelStatusIterationLimit => Status::IterationLimit,
            code => Status::Other {
                code,
                text: model_status_text(code).to_string(),
            },
        }
    }

    /// A short name: `optimal`, `time limit`, …
    pub fn as_str(&self) -> &str {
        match self {
            Status::Optimal => "optimal",
            Status::Infeasible => "infeasible",
            Status::Unbounded => "unbounded",
            Status::UnboundedOrInfeasible => "unbounded or infeasible",
            Status::TimeLimit => "time limit reached",
            Status::IterationLimit => "iteration limit reached",
            Status::Other { text, .. } => text,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// HiGHS's own text for a model status (utilModelStatusToString).
fn model_status_text(code: HighsInt) -> &'static str {
    match code {
        highs_sys::kHighsModelStatusNotset => "not set (HiGHS did not run)",
        highs_sys::kHighsModelStatusLoadError => "load error",
        highs_sys::kHighsModelStatusModelError => "model error",
        highs_sys::kHighsModelStatusPresolveError => "presolve error",
        highs_sys::kHighsModelStatusSolveError => "solve error (numerical trouble)",
        highs_sys::kHighsModelStatusPostsolveError => "postsolve error (numerical trouble)",
        highs_sys::kHighsModelStatusModelEmpty => "empty model",
        highs_sys::kHighsModelStatusObjectiveBound => "objective bound reached",
        highs_sys::kHighsModelStatusObjectiveTarget => "objective target reached",
        highs_sys::kHighsModelStatusUnknown => "unknown (HiGHS stopped without a verdict)",
        highs_sys::kHighsModelStatusSolutionLimit => "solution limit reached",
        highs_sys::kHighsModelStatusInterrupt => "interrupted",
        highs_sys::kHighsModelStatusMemoryLimit => "memory limit reached",
        highs_sys::kHighsModelStatusHighsInterrupt => "interrupted by HiGHS",
        _ => "unrecognised model status",
    }
}

/// How HiGHS is run. The default is what wfplan has always used: one
/// thread, no time limit, no output.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverOptions {
    /// Seconds (HiGHS's `time_limit`); `None` for no limit.
    pub time_limit: Option<f64>,
    /// HiGHS's `threads`. HiGHS starts one scheduler per process, so the
    /// first solve in a process fixes the number of threads.
    pub threads: usize,
    /// Any other HiGHS options, by name, as written (`KEY=VALUE`).
    pub highs: Vec<(String, String)>,
    /// A cold run of a programme with at least this many columns uses the
    /// interior point method (with crossover, so a basis is left for warm
    /// re-runs), unless a `solver` option is given. Measured (README,
    /// Benchmarks): the generator's medium model (348k columns) solves in
    /// 26 s by interior point and had not finished after 11 minutes by dual
    /// simplex, HiGHS's default; at 87k columns 3 s against 27 s.
    pub interior_point_columns: usize,
    /// Whether the plan reported is the canonical one among the optimal
    /// plans (`solve::canonical_plan`: least total movement, then a fixed
    /// weighting of every column), or whichever optimum HiGHS returns
    /// (`--any-optimum`). On by default.
    pub canonical: bool,
}

/// HiGHS's `simplex_strategy` value for primal simplex: the short way to a
/// new optimum when only the objective has changed and the last basis is
/// still primal feasible (canonical plan stages, near-optimal bounds).
pub const PRIMAL_SIMPLEX: &str = "4";

/// The most threads HiGHS may be given (`--threads` or `--solver-option
/// threads=N`). A judgement: HiGHS starts one worker thread per thread asked
/// for, each reserving its own stack, and a scheduler it cannot start ends
/// the process from C++ (a million threads did so in 0.2 s); no machine
/// wfplan runs on gains from more threads than this.
pub const MAX_THREADS: usize = 256;

/// HiGHS options that make HiGHS read or write a file of its own: every
/// option whose name ends in `_file`, and these switches. wfplan refuses
/// them: such a file could replace one of the model's inputs or land
/// outside `--out`, unknown to the manifest (and one read would change the
/// plan without being recorded as an input).
pub const FILE_SWITCHES: [&str; 6] = [
    "write_model_to_file",
    "write_presolved_model_to_file",
    "write_solution_to_file",
    "write_matrix_image",
    "write_hessian_image",
    "mip_improving_solution_save",
];

/// Whether HiGHS's option `key` reads or writes a file (see
/// [`FILE_SWITCHES`]).
pub fn is_file_option(key: &str) -> bool {
    key.ends_with("_file") || FILE_SWITCHES.contains(&key)
}

/// The default of `SolverOptions::interior_point_columns`.
pub const INTERIOR_POINT_COLUMNS: usize = 50_000;

/// wfplan's relative MIP gap (HiGHS's `mip_rel_gap`) unless the user sets
/// one with `--solver-option mip_rel_gap=...`: branch and bound stops when
/// the best whole-number plan is proved within 0.01% of the bound.
pub const MIP_REL_GAP: f64 = 1e-4;

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            time_limit: None,
            threads: 1,
            highs: Vec::new(),
            interior_point_columns: INTERIOR_POINT_COLUMNS,
            canonical: true,
        }
    }
}

impl SolverOptions {
    /// Whether the next run of `highs` should use the interior point
    /// method: a large programme, no basis to start from, and no `solver`
    /// chosen by the user.
    pub fn interior_point_for(&self, highs: &Highs) -> bool {
        !highs.is_mip()
            && highs.num_cols() >= self.interior_point_columns
            && !self.highs.iter().any(|(key, _)| key == "solver")
            && !highs.has_valid_basis()
    }
}

impl SolverOptions {
    /// The relative MIP gap in force: the user's `mip_rel_gap`, else
    /// [`MIP_REL_GAP`].
    pub fn mip_rel_gap(&self) -> f64 {
        self.highs
            .iter()
            .rev()
            .find(|(key, _)| key == "mip_rel_gap")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(MIP_REL_GAP)
    }

    /// Whether the user asked for the linear relaxation of a model with
    /// whole-number decisions (`--solver-option solve_relaxation=true`):
    /// wfplan then solves it as a linear programme.
    pub fn solve_relaxation(&self) -> bool {
        self.highs
            .iter()
            .rev()
            .find(|(key, _)| key == "solve_relaxation")
            .is_some_and(|(_, value)| {
                matches!(value.to_ascii_lowercase().as_str(), "true" | "on" | "1")
            })
    }

    /// Parses `KEY=VALUE` (as `--solver-option`) and adds it.
    pub fn push_option(&mut self, text: &str) -> Result<(), OptionError> {
        let Some((key, value)) = text.split_once('=') else {
            return Err(OptionError {
                option: text.to_string(),
                value: String::new(),
                reason: "expected KEY=VALUE, e.g. --solver-option presolve=off".to_string(),
            });
        };
        self.highs
            .push((key.trim().to_string(), value.trim().to_string()));
        Ok(())
    }

    /// Checks every option against a fresh HiGHS instance, so that a bad
    /// name or value is reported before anything is built.
    pub fn check(&self) -> Result<(), OptionError> {
        let mut highs = Highs::new().map_err(|error| OptionError {
            option: String::new(),
            value: String::new(),
            reason: error.to_string(),
        })?;
        highs.apply(self)
    }
}

/// An option HiGHS does not have, or a value it refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub option: String,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for OptionError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(
                formatter,
                "solver option '{}': {}",
                self.option, self.reason
            )
        } else {
            write!(
                formatter,
                "solver option '{}={}': {}",
                self.option, self.value, self.reason
            )
        }
    }
}

impl std::error::Error for OptionError {}

/// HiGHS's callback for its log (installed by
/// `Highs::log_to_standard_error`): writes each message to standard error.
/// It never panics, so nothing unwinds into C++.
unsafe extern "C" fn log_line_to_standard_error(
    callback_type: std::os::raw::c_int,
    message: *const std::os::raw::c_char,
    _data_out: *const highs_sys::HighsCallbackDataOut,
    _data_in: *mut highs_sys::HighsCallbackDataIn,
    _user_data: *mut c_void,
) {
    use std::io::Write;
    if callback_type != highs_sys::kHighsCallbackLogging as std::os::raw::c_int || message.is_null()
    {
        return;
    }
    // SAFETY: HiGHS passes a NUL-terminated message that lives for the call.
    let text = unsafe { std::ffi::CStr::from_ptr(message) };
    let _ = std::io::stderr().lock().write_all(text.to_bytes());
}

/// A HiGHS call that failed: which call, HiGHS's own status
/// (`kHighsStatusError` = −1), and what wfplan asked of it. Every call of
/// the C API that can fail returns this instead of panicking, so a caller
/// can say which model and stage it was at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HighsError {
    /// The C function, e.g. "Highs_passLp".
    pub call: &'static str,
    /// HiGHS's return status; wfplan's own checks before a call use −1 too.
    pub status: HighsInt,
    /// What was asked, for the message ("the programme: 12 columns, 4 rows").
    pub detail: String,
}

impl HighsError {
    fn new(call: &'static str, status: HighsInt, detail: impl Into<String>) -> Self {
        HighsError {
            call,
            status,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for HighsError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "HiGHS refused {} ({} returned status {})",
            self.detail, self.call, self.status
        )
    }
}

impl std::error::Error for HighsError {}

/// A failed call where a run's status is expected: `Status::Other` with
/// HiGHS's status code and the error's message.
impl From<HighsError> for Status {
    fn from(error: HighsError) -> Self {
        Status::Other {
            code: error.status,
            text: error.to_string(),
        }
    }
}

/// `Ok(())` when a HiGHS call succeeded, else the call's error.
fn checked(
    call: &'static str,
    status: HighsInt,
    detail: impl FnOnce() -> String,
) -> Result<(), HighsError> {
    if succeeded(status) {
        Ok(())
    } else {
        Err(HighsError::new(call, status, detail()))
    }
}

/// A linear programme `min cost·x + offset` subject to
/// `row_lower ≤ A x ≤ row_upper`, `col_lower ≤ x ≤ col_upper`, with A row-wise:
/// row r's entries are `row_index[row_start[r]..row_start[r+1]]` and the same
/// slice of `row_value`.
#[derive(Debug, Clone, Default)]
pub struct SparseLp {
    pub col_cost: Vec<f64>,
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    pub offset: f64,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    pub row_start: Vec<HighsInt>,
    pub row_index: Vec<HighsInt>,
    pub row_value: Vec<f64>,
    /// One `kHighsVarType*` per column for a MIP (0 continuous, 1 integer);
    /// empty for a linear programme.
    pub integrality: Vec<HighsInt>,
}

impl SparseLp {
    /// Whether some column must take a whole number.
    pub fn is_mip(&self) -> bool {
        self.integrality.iter().any(|&kind| kind != 0)
    }

    pub fn num_cols(&self) -> usize {
        self.col_lower.len()
    }

    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Appends a row; `entries` are (column, coefficient), zeros dropped.
    pub fn push_row(
        &mut self,
        entries: impl IntoIterator<Item = (usize, f64)>,
        lower: f64,
        upper: f64,
    ) {
        if self.row_start.is_empty() {
            self.row_start.push(0);
        }
        for (column, value) in entries {
            if value != 0.0 {
                self.row_index.push(column as HighsInt);
                self.row_value.push(value);
            }
        }
        self.row_start.push(self.row_index.len() as HighsInt);
        self.row_lower.push(lower);
        self.row_upper.push(upper);
    }
}

/// A simplex basis as HiGHS reports it: one `kHighsBasisStatus*` value per
/// column and per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    pub col_status: Vec<HighsInt>,
    pub row_status: Vec<HighsInt>,
}

/// A HiGHS instance, destroyed on drop.
pub struct Highs {
    pointer: NonNull<c_void>,
    /// The model passed has integer columns.
    mip: bool,
}

impl Drop for Highs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from Highs_create and is destroyed once, here.
        unsafe { highs_sys::Highs_destroy(self.pointer.as_ptr()) }
    }
}

/// A run's primal and dual solution ([`Highs::full_solution`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FullSolution {
    pub col_value: Vec<f64>,
    /// Reduced costs.
    pub col_dual: Vec<f64>,
    pub row_value: Vec<f64>,
    pub row_dual: Vec<f64>,
}

/// Whether a HiGHS call succeeded (a warning counts as success).
fn succeeded(status: HighsInt) -> bool {
    status != highs_sys::kHighsStatusError
}

impl Highs {
    /// A new, empty, silent instance.
    pub fn new() -> Result<Self, HighsError> {
        // SAFETY: Highs_create has no preconditions and returns an owned instance.
        let pointer = unsafe { highs_sys::Highs_create() };
        let pointer = NonNull::new(pointer).ok_or_else(|| {
            HighsError::new(
                "Highs_create",
                highs_sys::kHighsStatusError,
                "to make an instance (it returned none: out of memory)",
            )
        })?;
        let mut highs = Highs {
            pointer,
            mip: false,
        };
        highs.set_option("output_flag", "false").map_err(|error| {
            HighsError::new(
                "Highs_setBoolOptionValue",
                highs_sys::kHighsStatusError,
                format!("to be silent: {error}"),
            )
        })?;
        Ok(highs)
    }

    fn raw(&self) -> *mut c_void {
        self.pointer.as_ptr()
    }

    /// Sets wfplan's options (threads, MIP gap, time limit), then the user's.
    pub fn apply(&mut self, options: &SolverOptions) -> Result<(), OptionError> {
        self.set_option("threads", &options.threads.to_string())?;
        self.set_option("mip_rel_gap", &MIP_REL_GAP.to_string())?;
        if let Some(seconds) = options.time_limit {
            self.set_option("time_limit", &seconds.to_string())?;
        }
        for (key, value) in &options.highs {
            self.set_option(key, value)?;
        }
        if options
            .highs
            .iter()
            .any(|(key, _)| key == "output_flag" || key == "log_to_console")
        {
            self.log_to_standard_error();
        }
        Ok(())
    }

    /// Sends HiGHS's log, if the user turned it on (`output_flag=true`), to
    /// standard error instead of standard output, where it would break
    /// `--json`'s one document and `export --out -`.
    fn log_to_standard_error(&mut self) {
        let mut on: HighsInt = 0;
        // SAFETY: the instance is live, the name is NUL-terminated and `on` is a valid out-pointer.
        let read = unsafe {
            highs_sys::Highs_getBoolOptionValue(self.raw(), c"output_flag".as_ptr(), &mut on)
        };
        if !succeeded(read) || on == 0 {
            return;
        }
        // SAFETY: the instance is live; the callback lives for the whole
        // program and ignores its user data; the option name is NUL-terminated.
        unsafe {
            highs_sys::Highs_setBoolOptionValue(self.raw(), c"log_to_console".as_ptr(), 0);
            highs_sys::Highs_setCallback(
                self.raw(),
                Some(log_line_to_standard_error),
                std::ptr::null_mut(),
            );
            highs_sys::Highs_startCallback(self.raw(), highs_sys::kHighsCallbackLogging);
        }
    }

    /// Sets one HiGHS option from text, checked against the option's type;
    /// an unknown option or a bad value is an [`OptionError`] naming it.
    pub fn set_option(&mut self, key: &str, value: &str) -> Result<(), OptionError> {
        let error = |reason: String| OptionError {
            option: key.to_string(),
            value: value.to_string(),
            reason,
        };
        let Ok(c_key) = CString::new(key) else {
            return Err(error("an option name cannot contain a NUL byte".into()));
        };
        if is_file_option(key) {
            return Err(error(format!(
                "refused: HiGHS would read or write a file wfplan does not manage (it could replace an input or land outside --out, unknown to the manifest); wfplan refuses every HiGHS option whose name ends in _file ({}) and the switches {}; write the programme with `wfplan export` and the plan with --out",
                "solution_file, log_file, write_model_file, write_basis_file, read_basis_file, ...",
                FILE_SWITCHES.join(", ")
            )));
        }
        if key == "threads" {
            match value.parse::<usize>() {
                Ok(threads) if threads <= MAX_THREADS => {}
                _ => {
                    return Err(error(format!(
                        "expected a whole number of threads from 0 (HiGHS chooses) to {MAX_THREADS} (wfplan's limit: HiGHS starts a thread for each, and a scheduler it cannot start ends the process)"
                    )))
                }
            }
        }
        let mut kind: HighsInt = -1;
        // SAFETY: the instance is live, c_key is NUL-terminated and kind is a valid out-pointer.
        let found =
            unsafe { highs_sys::Highs_getOptionType(self.raw(), c_key.as_ptr(), &mut kind) };
        if !succeeded(found) {
            return Err(error(
                "HiGHS has no option of that name (see https://ergo-code.github.io/HiGHS/stable/options/definitions/)".into(),
            ));
        }
        let status = match kind {
            highs_sys::kHighsOptionTypeBool => {
                let flag = match value.to_ascii_lowercase().as_str() {
                    "true" | "on" | "1" => 1,
                    "false" | "off" | "0" => 0,
                    _ => return Err(error("expected true or false".into())),
                };
                // SAFETY: the instance is live and c_key is NUL-terminated.
                unsafe { highs_sys::Highs_setBoolOptionValue(self.raw(), c_key.as_ptr(), flag) }
            }
            highs_sys::kHighsOptionTypeInt => {
                let Ok(number) = value.parse::<HighsInt>() else {
                    return Err(error("expected a whole number".into()));
                };
                // SAFETY: the instance is live and c_key is NUL-terminated.
                unsafe { highs_sys::Highs_setIntOptionValue(self.raw(), c_key.as_ptr(), number) }
            }
            highs_sys::kHighsOptionTypeDouble => {
                let number = match value.parse::<f64>() {
                    Ok(number) if !number.is_nan() => number,
                    _ => return Err(error("expected a number".into())),
                };
                // SAFETY: the instance is live and c_key is NUL-terminated.
                unsafe { highs_sys::Highs_setDoubleOptionValue(self.raw(), c_key.as_ptr(), number) }
            }
            _ => {
                let Ok(c_value) = CString::new(value) else {
                    return Err(error("a value cannot contain a NUL byte".into()));
                };
                // SAFETY: the instance is live; both strings are NUL-terminated.
                unsafe {
                    highs_sys::Highs_setStringOptionValue(
                        self.raw(),
                        c_key.as_ptr(),
                        c_value.as_ptr(),
                    )
                }
            }
        };
        if succeeded(status) {
            Ok(())
        } else {
            Err(error(
                "HiGHS refuses this value (out of range or not one of the allowed values)".into(),
            ))
        }
    }

    /// Replaces the instance's model with `lp` (minimised).
    pub fn pass_lp(&mut self, lp: &SparseLp) -> Result<(), HighsError> {
        let num_col = lp.num_cols();
        let num_row = lp.num_rows();
        let call = if lp.is_mip() {
            "Highs_passMip"
        } else {
            "Highs_passLp"
        };
        let empty_start = [0];
        let row_start: &[HighsInt] = if num_row == 0 {
            &empty_start
        } else {
            &lp.row_start
        };
        let shaped = lp.col_cost.len() == num_col
            && lp.col_upper.len() == num_col
            && lp.row_upper.len() == num_row
            && row_start.len() == num_row + 1
            && lp.row_index.len() == lp.row_value.len()
            && (!lp.is_mip() || lp.integrality.len() == num_col);
        if !shaped {
            // Never sent: HiGHS would read past the arrays.
            return Err(HighsError::new(
                call,
                highs_sys::kHighsStatusError,
                format!("a programme whose arrays do not match its {num_col} columns and {num_row} rows (not passed)"),
            ));
        }
        if lp.row_index.len() > HighsInt::MAX as usize
            || num_col > HighsInt::MAX as usize
            || num_row > HighsInt::MAX as usize
        {
            return Err(HighsError::new(
                call,
                highs_sys::kHighsStatusError,
                format!("a programme of {num_col} columns, {num_row} rows and {} non-zeros: more than HiGHS's 32-bit indices hold (not passed)", lp.row_index.len()),
            ));
        }
        let detail = || {
            format!(
                "the programme ({num_col} columns, {num_row} rows, {} non-zeros)",
                lp.row_index.len()
            )
        };
        if lp.is_mip() {
            // SAFETY: as for Highs_passLp below, and integrality holds one
            // value per column (checked above).
            let status = unsafe {
                highs_sys::Highs_passMip(
                    self.raw(),
                    num_col as HighsInt,
                    num_row as HighsInt,
                    lp.row_index.len() as HighsInt,
                    highs_sys::kHighsMatrixFormatRowwise,
                    highs_sys::kHighsObjSenseMinimize,
                    lp.offset,
                    lp.col_cost.as_ptr(),
                    lp.col_lower.as_ptr(),
                    lp.col_upper.as_ptr(),
                    lp.row_lower.as_ptr(),
                    lp.row_upper.as_ptr(),
                    row_start.as_ptr(),
                    lp.row_index.as_ptr(),
                    lp.row_value.as_ptr(),
                    lp.integrality.as_ptr(),
                )
            };
            self.mip = succeeded(status);
            return checked(call, status, detail);
        }
        self.mip = false;
        // SAFETY: the instance is live; every array has the length passed
        // (checked above) and outlives the call, which copies them.
        let status = unsafe {
            highs_sys::Highs_passLp(
                self.raw(),
                num_col as HighsInt,
                num_row as HighsInt,
                lp.row_index.len() as HighsInt,
                highs_sys::kHighsMatrixFormatRowwise,
                highs_sys::kHighsObjSenseMinimize,
                lp.offset,
                lp.col_cost.as_ptr(),
                lp.col_lower.as_ptr(),
                lp.col_upper.as_ptr(),
                lp.row_lower.as_ptr(),
                lp.row_upper.as_ptr(),
                row_start.as_ptr(),
                lp.row_index.as_ptr(),
                lp.row_value.as_ptr(),
            )
        };
        checked(call, status, detail)
    }

    /// Replaces the instance's model with one read from a file (MPS or LP,
    /// by extension), as HiGHS's own reader does: for timing HiGHS alone
    /// (`bench`) on wfplan's exported programme.
    pub fn read_model(&mut self, path: &std::path::Path) -> Result<(), HighsError> {
        let refused = |why: &str| {
            HighsError::new(
                "Highs_readModel",
                highs_sys::kHighsStatusError,
                format!("to read {}: {why} (not passed)", path.display()),
            )
        };
        let text = path
            .to_str()
            .ok_or_else(|| refused("the path is not UTF-8"))?;
        let c_path = CString::new(text).map_err(|_| refused("the path holds a NUL byte"))?;
        // SAFETY: the instance is live and c_path is NUL-terminated.
        let status = unsafe { highs_sys::Highs_readModel(self.raw(), c_path.as_ptr()) };
        checked("Highs_readModel", status, || {
            format!("the model file {}", path.display())
        })
    }

    /// Whether any column of the instance's model is integer, as HiGHS
    /// holds it (e.g. after `read_model` of an MPS file with markers).
    pub fn has_integer_columns(&self) -> bool {
        (0..self.num_cols()).any(|column| {
            let mut integrality: HighsInt = 0;
            // SAFETY: the instance is live, the column is in range and
            // integrality is a valid out-pointer.
            let status = unsafe {
                highs_sys::Highs_getColIntegrality(self.raw(), column as HighsInt, &mut integrality)
            };
            succeeded(status) && integrality != 0
        })
    }

    /// Runs HiGHS (warm from the last basis when the model was modified in
    /// place) and returns the model status.
    pub fn run(&mut self) -> Status {
        // SAFETY: the instance is live.
        let ran = unsafe { highs_sys::Highs_run(self.raw()) };
        let status = self.status();
        if !succeeded(ran) && status == Status::Optimal {
            return Status::Other {
                code: highs_sys::kHighsModelStatusSolveError,
                text: model_status_text(highs_sys::kHighsModelStatusSolveError).to_string(),
            };
        }
        status
    }

    /// The model status of the last run.
    pub fn status(&self) -> Status {
        // SAFETY: the instance is live.
        Status::from_code(unsafe { highs_sys::Highs_getModelStatus(self.raw()) })
    }

    pub fn num_cols(&self) -> usize {
        // SAFETY: the instance is live.
        unsafe { highs_sys::Highs_getNumCol(self.raw()) as usize }
    }

    pub fn num_rows(&self) -> usize {
        // SAFETY: the instance is live.
        unsafe { highs_sys::Highs_getNumRow(self.raw()) as usize }
    }

    /// The objective value of the last run (offset included).
    pub fn objective_value(&self) -> f64 {
        // SAFETY: the instance is live.
        unsafe { highs_sys::Highs_getObjectiveValue(self.raw()) }
    }

    /// Whether HiGHS holds a valid basis (after an optimal simplex run or an
    /// interior point run with crossover, kept through changes of bounds and
    /// costs), from which the next run starts warm.
    pub fn has_valid_basis(&self) -> bool {
        self.int_info(c"basis_validity") == 1
    }

    /// Interior point iterations of the last run.
    pub fn ipm_iterations(&self) -> i64 {
        self.int_info(c"ipm_iteration_count")
    }

    /// An integer of HiGHS's run information (0 when HiGHS has none).
    fn int_info(&self, name: &std::ffi::CStr) -> i64 {
        let mut value: HighsInt = 0;
        // SAFETY: the instance is live, name is NUL-terminated and value is a valid out-pointer.
        let status =
            unsafe { highs_sys::Highs_getIntInfoValue(self.raw(), name.as_ptr(), &mut value) };
        if succeeded(status) {
            i64::from(value)
        } else {
            0
        }
    }

    /// Simplex iterations of the last run (0 when it needed none).
    pub fn simplex_iterations(&self) -> i64 {
        self.int_info(c"simplex_iteration_count")
    }

    /// A floating-point number of HiGHS's run information (None when HiGHS
    /// has none, e.g. `mip_gap` after a linear programme).
    fn double_info(&self, name: &std::ffi::CStr) -> Option<f64> {
        let mut value = 0.0;
        // SAFETY: the instance is live, name is NUL-terminated and value is a valid out-pointer.
        let status =
            unsafe { highs_sys::Highs_getDoubleInfoValue(self.raw(), name.as_ptr(), &mut value) };
        succeeded(status).then_some(value)
    }

    /// Whether the last run left a feasible primal solution (for a MIP
    /// stopped by a limit: an incumbent).
    pub fn has_feasible_solution(&self) -> bool {
        self.int_info(c"primal_solution_status")
            == i64::from(highs_sys::kHighsSolutionStatusFeasible)
    }

    /// The MIP's dual bound (the best objective any whole-number plan can
    /// reach, as far as the branch and bound has proved).
    pub fn mip_dual_bound(&self) -> Option<f64> {
        self.double_info(c"mip_dual_bound")
    }

    /// The MIP's relative gap |incumbent − bound| / |incumbent|.
    pub fn mip_gap(&self) -> Option<f64> {
        self.double_info(c"mip_gap")
    }

    /// Branch-and-bound nodes of the last MIP run.
    pub fn mip_nodes(&self) -> i64 {
        let mut value: i64 = 0;
        // SAFETY: the instance is live, the name is NUL-terminated and value is a valid out-pointer.
        let status = unsafe {
            highs_sys::Highs_getInt64InfoValue(self.raw(), c"mip_node_count".as_ptr(), &mut value)
        };
        if succeeded(status) {
            value
        } else {
            0
        }
    }

    /// Whether the instance holds a MIP (passed with integer columns, and
    /// not made continuous since).
    pub fn is_mip(&self) -> bool {
        self.mip
    }

    /// Makes every column continuous (the MIP becomes its linear programme).
    pub fn clear_integrality(&mut self) -> Result<(), HighsError> {
        let columns = self.num_cols();
        if columns == 0 {
            self.mip = false;
            return Ok(());
        }
        let continuous = vec![highs_sys::kHighsVarTypeContinuous; columns];
        // SAFETY: the instance is live and the array holds one value per column.
        let status = unsafe {
            highs_sys::Highs_changeColsIntegralityByRange(
                self.raw(),
                0,
                columns as HighsInt - 1,
                continuous.as_ptr(),
            )
        };
        checked("Highs_changeColsIntegralityByRange", status, || {
            format!("to make all {columns} columns continuous")
        })?;
        self.mip = false;
        Ok(())
    }

    /// Everything HiGHS holds of the last run's solution: column values,
    /// column duals (reduced costs), row activities and row duals.
    pub fn full_solution(&self) -> Result<FullSolution, HighsError> {
        let mut solution = FullSolution {
            col_value: vec![0.0; self.num_cols()],
            col_dual: vec![0.0; self.num_cols()],
            row_value: vec![0.0; self.num_rows()],
            row_dual: vec![0.0; self.num_rows()],
        };
        // SAFETY: the instance is live and each buffer holds num_cols or num_rows values.
        let status = unsafe {
            highs_sys::Highs_getSolution(
                self.raw(),
                solution.col_value.as_mut_ptr(),
                solution.col_dual.as_mut_ptr(),
                solution.row_value.as_mut_ptr(),
                solution.row_dual.as_mut_ptr(),
            )
        };
        checked("Highs_getSolution", status, || {
            "to give the solution".to_string()
        })?;
        Ok(solution)
    }

    /// Column values and row duals (∂objective/∂row bound) of the last run.
    pub fn solution(&self) -> Result<(Vec<f64>, Vec<f64>), HighsError> {
        let solution = self.full_solution()?;
        Ok((solution.col_value, solution.row_dual))
    }

    /// A new objective: every column's cost, and the constant.
    pub fn set_objective(&mut self, costs: &[f64], offset: f64) -> Result<(), HighsError> {
        if costs.len() != self.num_cols() {
            return Err(HighsError::new(
                "Highs_changeColsCostByRange",
                highs_sys::kHighsStatusError,
                format!(
                    "an objective of {} costs for {} columns (not passed)",
                    costs.len(),
                    self.num_cols()
                ),
            ));
        }
        if !costs.is_empty() {
            // SAFETY: the instance is live and costs holds one value per column.
            let status = unsafe {
                highs_sys::Highs_changeColsCostByRange(
                    self.raw(),
                    0,
                    costs.len() as HighsInt - 1,
                    costs.as_ptr(),
                )
            };
            checked("Highs_changeColsCostByRange", status, || {
                format!("a new objective over {} columns", costs.len())
            })?;
        }
        // SAFETY: the instance is live.
        let status = unsafe { highs_sys::Highs_changeObjectiveOffset(self.raw(), offset) };
        checked("Highs_changeObjectiveOffset", status, || {
            format!("the objective's constant {offset}")
        })
    }

    /// Adds `lower ≤ Σ value·x[column] ≤ upper`; returns its row index.
    pub fn add_row(
        &mut self,
        entries: &[(usize, f64)],
        lower: f64,
        upper: f64,
    ) -> Result<usize, HighsError> {
        let index: Vec<HighsInt> = entries.iter().map(|(c, _)| *c as HighsInt).collect();
        let value: Vec<f64> = entries.iter().map(|(_, v)| *v).collect();
        let row = self.num_rows();
        // SAFETY: the instance is live; index and value both hold entries.len() items.
        let status = unsafe {
            highs_sys::Highs_addRow(
                self.raw(),
                lower,
                upper,
                entries.len() as HighsInt,
                index.as_ptr(),
                value.as_ptr(),
            )
        };
        checked("Highs_addRow", status, || {
            format!(
                "a row of {} entries with bounds [{lower}, {upper}]",
                entries.len()
            )
        })?;
        Ok(row)
    }

    /// Deletes rows `first..` (rows added after the programme, e.g. the
    /// canonical plan's bounds), keeping the basis of the rest.
    pub fn delete_rows_from(&mut self, first: usize) {
        let rows = self.num_rows();
        if first >= rows {
            return;
        }
        // SAFETY: the instance is live and first..rows is a range of its rows.
        let status = unsafe {
            highs_sys::Highs_deleteRowsByRange(self.raw(), first as HighsInt, rows as HighsInt - 1)
        };
        assert!(succeeded(status), "Highs_deleteRowsByRange failed");
    }

    /// Changes one column's bounds.
    pub fn change_col_bounds(
        &mut self,
        column: usize,
        lower: f64,
        upper: f64,
    ) -> Result<(), HighsError> {
        let columns = self.num_cols();
        self.change_bounds(
            ("Highs_changeColBounds", "column"),
            highs_sys::Highs_changeColBounds,
            (column, columns),
            lower,
            upper,
        )
    }

    /// Sets the bounds of column or row `index` (of `count`) through
    /// `change` (`Highs_changeColBounds` or `Highs_changeRowBounds`, named
    /// in `names` with what it changes), refusing an index out of range.
    fn change_bounds(
        &mut self,
        (call, what): (&'static str, &str),
        change: unsafe extern "C" fn(*mut c_void, HighsInt, f64, f64) -> HighsInt,
        (index, count): (usize, usize),
        lower: f64,
        upper: f64,
    ) -> Result<(), HighsError> {
        if index >= count {
            return Err(HighsError::new(
                call,
                highs_sys::kHighsStatusError,
                format!("{what} {index} of {count} (not passed)"),
            ));
        }
        // SAFETY: the instance is live, index is in range and `change` is
        // one of HiGHS's bound setters, which take exactly these arguments.
        let status = unsafe { change(self.raw(), index as HighsInt, lower, upper) };
        checked(call, status, || {
            format!("bounds [{lower}, {upper}] on {what} {index}")
        })
    }

    /// The basis of the last run (HiGHS's basis status of every column and
    /// row), or `None` when HiGHS holds no valid basis (e.g. after a run that
    /// stopped without an optimum).
    pub fn basis(&self) -> Option<Basis> {
        let mut basis = Basis {
            col_status: vec![0; self.num_cols()],
            row_status: vec![0; self.num_rows()],
        };
        // SAFETY: the instance is live and the buffers hold num_cols and
        // num_rows values, which is what Highs_getBasis writes.
        let status = unsafe {
            highs_sys::Highs_getBasis(
                self.raw(),
                basis.col_status.as_mut_ptr(),
                basis.row_status.as_mut_ptr(),
            )
        };
        succeeded(status).then_some(basis)
    }

    /// Starts the next run from `basis` (of a model of the same dimensions,
    /// e.g. the previous point of a sweep). Returns false, leaving HiGHS to
    /// start cold, when the dimensions differ or HiGHS refuses the basis.
    pub fn set_basis(&mut self, basis: &Basis) -> bool {
        if basis.col_status.len() != self.num_cols() || basis.row_status.len() != self.num_rows() {
            return false;
        }
        // SAFETY: the instance is live and the arrays hold exactly num_cols
        // and num_rows statuses (checked above); HiGHS copies them and
        // checks that they form a basis.
        let status = unsafe {
            highs_sys::Highs_setBasis(
                self.raw(),
                basis.col_status.as_ptr(),
                basis.row_status.as_ptr(),
            )
        };
        succeeded(status)
    }

    /// Changes one row's bounds.
    pub fn change_row_bounds(
        &mut self,
        row: usize,
        lower: f64,
        upper: f64,
    ) -> Result<(), HighsError> {
        let rows = self.num_rows();
        self.change_bounds(
            ("Highs_changeRowBounds", "row"),
            highs_sys::Highs_changeRowBounds,
            (row, rows),
            lower,
            upper,
        )
    }
}
