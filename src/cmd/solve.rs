//! `wfplan solve MODEL [--scenario S] [--set PATH=VALUE]... [--out DIR]
//! [--quiet | --json]`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{ModelArgs, OutputArgs, SolverArgs};
use crate::report::{self, unit, OutputFolder, RunRecord};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Write report.md, report.html, summary.json, stocks.csv, flows.csv,
    /// deployment.csv, costs.csv, constraints.csv, duals.csv, charts/,
    /// timings.json and manifest.json
    /// into this folder (replacing it as a whole if it is a wfplan output)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write the plan's tables as one Excel workbook (a sheet per
    /// table, units in the headers), replacing FILE atomically
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    let read_start = std::time::Instant::now();
    let model = args.model.load()?;
    let read_seconds = read_start.elapsed().as_secs_f64();
    // Claimed before solving: a second run into the same folder fails at
    // once, and a folder that may not be replaced is refused before the work.
    if let Some(path) = &args.xlsx {
        let folders: Vec<(&Path, &str)> = args
            .out
            .iter()
            .map(|dir| (dir.as_path(), "the --out folder"))
            .collect();
        report::refuse_output_file("--xlsx", path, &model.inputs, &folders)?;
    }
    let folder = match &args.out {
        Some(dir) => Some(OutputFolder::claim(dir, &model.inputs)?),
        None => None,
    };
    for warning in crate::model::warnings(&model) {
        terminal::eprint_line(&format!("warning: {warning}"));
    }
    let mut solution = match model.freeze_until {
        // The scenario's years before `freeze_until` are held to the plan
        // of the model as written (with the same --set values).
        Some(until) => {
            let written = crate::spec::load(&args.model.model, None, &args.model.sets)?;
            let base = crate::solve::solve_with(&written, &options).map_err(|e| {
                e.context("solving the model as written, whose plan freeze_until holds")
            })?;
            crate::solve::solve_frozen(&model, &base, until, &options)?
        }
        None => crate::solve::solve_with(&model, &options)?,
    };
    solution.timings.load = read_seconds;
    if let Some(path) = &args.xlsx {
        let bytes = report::workbook::solve_workbook(&solution, args.model.scenario.as_deref())?;
        report::write_output_file(path, &bytes, &model.inputs)?;
    }
    let written = match folder {
        None => None,
        Some(folder) => {
            let label = args.model.scenario.as_deref().unwrap_or("base");
            let write_start = std::time::Instant::now();
            let mut files = report::solve_outputs_with_report(Path::new(""), &solution)?;
            solution.timings.write = write_start.elapsed().as_secs_f64();
            files.push((
                PathBuf::from(unit::TIMINGS),
                report::timings_json(&[(label, &solution)])?,
            ));
            let record = RunRecord {
                command: "solve".to_string(),
                model: args.model.model.display().to_string(),
                scenarios: vec![("scenario".to_string(), args.model.scenario.clone())],
                sets: args.model.sets.clone(),
                options: args.solver.recorded(),
                inputs: model.inputs.clone(),
            };
            Some(folder.write(&files, &record)?)
        }
    };
    if args.output.quiet {
        return Ok(());
    }
    if args.output.json {
        let mut value = report::summary::summary_value(&solution);
        if let Some(dir) = &args.out {
            value["out"] = serde_json::json!(dir.display().to_string());
        }
        return terminal::write_stdout((serde_json::to_string_pretty(&value)? + "\n").as_bytes());
    }
    match (&args.out, written) {
        (Some(out_dir), Some(written)) => terminal::print_text(&format!(
            "{}: {}; objective {}; wrote {} files to {}\n",
            model.name,
            solution.status,
            crate::number::format_number(solution.objective),
            written.len(),
            out_dir.display()
        )),
        _ => terminal::print_text(&report::summary::terminal_summary(&solution)),
    }
}
