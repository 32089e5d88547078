//! Subcommands, one file each (xsv style). Each turns its arguments into a
//! validated model, runs the pipeline and hands results to `report`.

pub mod bench;
pub mod compare;
pub mod export;
pub mod generate;
pub mod merge;
pub mod progress;
pub mod simulate;
pub mod solve;
pub mod sweep;
pub mod validate;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// wfplan — workforce planning optimisation.
///
/// Describe staff groups, shared labour pools, training pipelines, services
/// and targets in a TOML model file; wfplan builds a linear programme, solves
/// it with HiGHS and writes the optimal plan as tables, charts and reports.
#[derive(Debug, Parser)]
#[command(
    name = "wfplan",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  wfplan validate models/england_community_nursing.toml\n  wfplan solve models/england_community_nursing.toml --scenario pledge --out results/pledge\n  wfplan solve models/england_community_nursing.toml --scenario pledge --set group.health_visitor.attrition=0.12\n  wfplan compare models/england_community_nursing.toml --base no_pledge --policy pledge\n  wfplan export models/england_community_nursing.toml --format mps --out pledge.mps\n  wfplan sweep models/england_community_nursing.toml --scenario pledge --vary target.hv_pledge.min=8000:14000:1000\n  wfplan simulate models/england_community_nursing.toml --samples 500 --seed 1 --plan fixed\n\nThe model file format is described in README.md and docs/DESIGN.md.\n\nExit status:\n  0  success\n  1  any other error (a model file that does not validate, an output folder refused, ...)\n  2  usage error (unknown command or option, missing argument, bad --solver-option)\n  3  the model is infeasible (the explanation says what must give way)\n  4  the model is unbounded\n  5  the solver stopped without an optimum (time or iteration limit, numerical trouble)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by the commands that load a model.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// The model file (TOML), e.g. models/england_community_nursing.toml
    pub model: PathBuf,
    /// Apply a scenario defined in the model file ([[scenario]] id; "base":
    /// the model as written)
    #[arg(long, short = 's')]
    pub scenario: Option<String>,
    /// Change one parameter, e.g. --set group.staff_nurse.attrition=0.12
    /// (repeatable; applied after the scenario)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

impl ModelArgs {
    pub fn load(&self) -> Result<crate::model::Model> {
        crate::spec::load(&self.model, self.scenario.as_deref(), &self.sets)
    }
}

/// How HiGHS is run: flattened into `solve`, `compare` and `bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct SolverArgs {
    /// Stop HiGHS after this many seconds; if it has not found the optimal
    /// plan by then, no plan is reported and the error says so
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub time_limit: Option<f64>,
    /// Threads HiGHS may use (1 to 256)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_threads)]
    pub threads: u32,
    /// Set any HiGHS option, e.g. --solver-option presolve=off or
    /// --solver-option solver=ipm (repeatable; names as in HiGHS's option list)
    #[arg(long = "solver-option", value_name = "KEY=VALUE")]
    pub solver_options: Vec<String>,
    /// Report whichever optimal plan HiGHS returns instead of the canonical
    /// one (least total movement, then fixed weights; docs/DESIGN.md §5):
    /// saves two re-solves, but figures the model does not decide (gross
    /// cost and offsets, channels) may then change with solver options
    #[arg(long)]
    pub any_optimum: bool,
}

impl SolverArgs {
    /// The options as recorded in an output folder's manifest: only those
    /// that can change which optimal plan is found (`--solver-option`).
    pub fn recorded(&self) -> Vec<(String, Option<String>)> {
        let mut recorded: Vec<(String, Option<String>)> = self
            .solver_options
            .iter()
            .map(|option| ("solver-option".to_string(), Some(option.clone())))
            .collect();
        if self.any_optimum {
            recorded.push(("any-optimum".to_string(), None));
        }
        recorded
    }

    /// The options, each checked against HiGHS (an unknown option or a bad
    /// value is an error naming it).
    pub fn options(&self) -> Result<crate::solve::SolverOptions> {
        let mut options = crate::solve::SolverOptions {
            time_limit: self.time_limit,
            threads: self.threads as usize,
            highs: Vec::new(),
            canonical: !self.any_optimum,
            ..crate::solve::SolverOptions::default()
        };
        for text in &self.solver_options {
            options.push_option(text)?;
        }
        options.check()?;
        Ok(options)
    }
}

/// A number of threads: 1 to [`crate::solver::MAX_THREADS`].
fn parse_threads(text: &str) -> Result<u32, String> {
    let limit = crate::solver::MAX_THREADS;
    match text.parse::<u32>() {
        Ok(threads) if threads >= 1 && threads as usize <= limit => Ok(threads),
        _ => Err(format!(
            "expected a whole number of threads from 1 to {limit} (wfplan's limit: HiGHS starts a thread for each, and a scheduler it cannot start ends the process), not '{}'",
            crate::terminal::excerpt(text)
        )),
    }
}

/// A time limit: a number of seconds, 0 or more.
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds >= 0.0 && !seconds.is_nan() => Ok(seconds),
        _ => Err(format!(
            "expected a number of seconds (0 or more), e.g. --time-limit 60, not '{text}'"
        )),
    }
}

/// What `solve` and `compare` print on standard output.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct OutputArgs {
    /// Print nothing on standard output (errors still go to standard error;
    /// the exit status is unchanged)
    #[arg(long, short = 'q', conflicts_with = "json")]
    pub quiet: bool,
    /// Print one JSON document on standard output instead of text
    #[arg(long)]
    pub json: bool,
}

/// The exit status for an error (see `--help`): 2 a bad solver option (a
/// usage error, like clap's own), 3 infeasible, 4 unbounded, 5 the solver
/// stopped without an optimum (time or iteration limit, numerical trouble),
/// 1 anything else.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if cause.downcast_ref::<crate::solve::OptionError>().is_some() {
            return 2;
        }
        if cause.downcast_ref::<crate::solve::Infeasible>().is_some() {
            return 3;
        }
        if cause.downcast_ref::<crate::solve::Unbounded>().is_some() {
            return 4;
        }
        if cause.downcast_ref::<crate::solve::NotOptimal>().is_some() {
            return 5;
        }
    }
    1
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a model file and print what it contains
    Validate(validate::Args),
    /// Find the optimal plan; print a summary, or write tables and charts with --out
    Solve(solve::Args),
    /// Compare a policy scenario with a base scenario: the system-wide impact report
    Compare(compare::Args),
    /// Time reading, building and solving synthetic models of growing size
    Bench(bench::Args),
    /// Write the linear programme for another solver (LP or MPS format)
    Export(export::Args),
    /// Solve the model at every point of a curve or grid of --set values; write sweep.csv
    Sweep(sweep::Args),
    /// Join the partition folders of a run made with --shard I/N into the folder the unsharded run writes
    Merge(merge::Args),
    /// Write a synthetic regional model and its CSV data, of any size
    Generate(generate::Args),
    /// Solve the model for many draws of its uncertain parameters; write quantiles, fan charts and a report
    Simulate(simulate::Args),
}

impl Command {
    /// The model options of a command that loads one model file.
    fn model_args_mut(&mut self) -> Option<&mut ModelArgs> {
        match self {
            Command::Validate(args) => Some(&mut args.model),
            Command::Solve(args) => Some(&mut args.model),
            Command::Export(args) => Some(&mut args.model),
            Command::Sweep(args) => Some(&mut args.model),
            Command::Simulate(args) => Some(&mut args.model),
            Command::Compare(_) | Command::Bench(_) | Command::Merge(_) | Command::Generate(_) => {
                None
            }
        }
    }
}

pub fn run(mut cli: Cli) -> Result<()> {
    // `--scenario base` is the model as written, as `compare --base base`
    // is (no model may define a scenario `base`): the same run, manifest
    // and folder names as without `--scenario`.
    if let Some(model) = cli.command.model_args_mut() {
        if model.scenario.as_deref() == Some(crate::spec::BASE_SCENARIO) {
            model.scenario = None;
        }
    }
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Solve(args) => solve::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Merge(args) => merge::run(&args),
    }
}
