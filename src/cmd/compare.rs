//! `wfplan compare MODEL --base S --policy S [--out DIR] [--quiet | --json]`:
//! the system-wide impact of a policy scenario against a base scenario.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::{OutputArgs, SolverArgs};
use crate::report::{self, unit, OutputFolder, RunRecord};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (TOML)
    pub model: PathBuf,
    /// The base scenario (e.g. no_pledge); "base" means the model as written
    #[arg(long)]
    pub base: String,
    /// The policy scenario (e.g. pledge)
    #[arg(long)]
    pub policy: String,
    /// Change one parameter in both scenarios, e.g. --set group.hv.attrition=0.12
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// The group the policy targets: `g` (national, summed over regions) or
    /// `g@region` (default: the group in the policy's new targets)
    #[arg(long)]
    pub group: Option<String>,
    /// Near-optimal ranges: the least and most each decision the report
    /// names can be across plans whose cost is within this share of the
    /// least cost, e.g. 0.001 or 0.1% (default); 0 skips them
    #[arg(long, value_name = "SHARE", default_value = "0.1%", value_parser = parse_tolerance)]
    pub near_optimal_tolerance: f64,
    /// Output folder (default reports/<model>/<policy>-vs-<base>/), replaced
    /// as a whole if it is a wfplan output
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// A tolerance: a share (0.001) or a percentage (0.1%), 0 or more, below 1.
fn parse_tolerance(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let value = match trimmed.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().map(|v| v / 100.0),
        None => trimmed.parse::<f64>(),
    };
    match value {
        Ok(value) if (0.0..1.0).contains(&value) => Ok(value),
        _ => Err(format!(
            "expected a share of the least cost from 0 up to (not including) 1, as 0.001 or 0.1%, not '{text}'"
        )),
    }
}

fn scenario(name: &str) -> Option<&str> {
    (name != "base").then_some(name)
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    let file = args.model.display();
    // Folder names come from the scenario ids: checked before anything else.
    let named = |what: &str, id: &str| -> Result<PathBuf> {
        report::folder_name(what, id)
            .map(PathBuf::from)
            .map_err(|error| anyhow!("{file}: {error}"))
    };
    let base_dir = named("--base scenario", &args.base)?;
    let policy_dir = named("--policy scenario", &args.policy)?;
    if args.base == args.policy {
        bail!(
            "{file}: --base and --policy are both '{}'; compare needs two different scenarios",
            args.base
        );
    }
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => {
            let stem = args
                .model
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let stem = report::folder_name("the model file's name", &stem)
                .map_err(|error| anyhow!("{file}: {error}; give the report folder with --out"))?;
            Path::new("reports").join(stem).join(format!(
                "{}-vs-{}",
                policy_dir.display(),
                base_dir.display()
            ))
        }
    };
    let read_start = std::time::Instant::now();
    let base_model = crate::spec::load(&args.model, scenario(&args.base), &args.sets)?;
    let base_read = read_start.elapsed().as_secs_f64();
    let read_start = std::time::Instant::now();
    let policy_model = crate::spec::load(&args.model, scenario(&args.policy), &args.sets)?;
    let policy_read = read_start.elapsed().as_secs_f64();
    let mut inputs = base_model.inputs.clone();
    for input in &policy_model.inputs {
        if !inputs.contains(input) {
            inputs.push(input.clone());
        }
    }
    let folder = OutputFolder::claim(&out_dir, &inputs)?;
    let mut base = crate::solve::solve_with(&base_model, &options)
        .with_context(|| format!("solving the base scenario '{}'", args.base))?;
    base.timings.load = base_read;
    let mut policy = match policy_model.freeze_until {
        Some(until) => crate::solve::solve_frozen(&policy_model, &base, until, &options)
            .with_context(|| {
                format!(
                    "solving the policy scenario '{}' with its decisions before {} held to the plan of '{}' (freeze_until)",
                    args.policy, policy_model.periods[until], args.base
                )
            })?,
        None => crate::solve::solve_with(&policy_model, &options)
            .with_context(|| format!("solving the policy scenario '{}'", args.policy))?,
    };
    policy.timings.load = policy_read;
    let mut impact = crate::compare::compare(
        &base,
        &policy,
        &args.base,
        &args.policy,
        args.group.as_deref(),
    )?;
    if args.near_optimal_tolerance > 0.0 {
        impact.near_optimal = Some(
            crate::near_optimal::ranges(
                &base,
                &policy,
                &impact,
                args.near_optimal_tolerance,
                &options,
            )
            .context("computing near-optimal ranges (--near-optimal-tolerance 0 skips them)")?,
        );
    }
    // Everything is built in memory, then written as one unit.
    let write_start = std::time::Instant::now();
    let mut files = report::solve_outputs(&base_dir, &base)?;
    base.timings.write = write_start.elapsed().as_secs_f64();
    let write_start = std::time::Instant::now();
    files.extend(report::solve_outputs(&policy_dir, &policy)?);
    policy.timings.write = write_start.elapsed().as_secs_f64();
    files.extend(report::impact::impact_files(Path::new(""), &impact)?);
    let mut timings: serde_json::Value = serde_json::from_slice(&report::timings_json(&[
        (&args.base, &base),
        (&args.policy, &policy),
    ])?)?;
    if let Some(near) = &impact.near_optimal {
        timings["near_optimal"] = serde_json::json!({
            "tolerance": near.tolerance,
            "quantities": near.ranges.len(),
            "solves": near.solves,
            "seconds": near.seconds,
        });
    }
    files.push((
        PathBuf::from(unit::TIMINGS),
        (serde_json::to_string_pretty(&timings)? + "\n").into_bytes(),
    ));
    let record = RunRecord {
        command: "compare".to_string(),
        model: file.to_string(),
        scenarios: vec![
            ("base".to_string(), Some(args.base.clone())),
            ("policy".to_string(), Some(args.policy.clone())),
        ],
        sets: args.sets.clone(),
        options: [
            vec![
                ("group".to_string(), args.group.clone()),
                (
                    "near-optimal-tolerance".to_string(),
                    Some(args.near_optimal_tolerance.to_string()),
                ),
            ],
            args.solver.recorded(),
        ]
        .concat(),
        inputs,
    };
    folder.write(&files, &record)?;
    let report_file = out_dir.join("report.html");
    if args.output.quiet {
        return Ok(());
    }
    if args.output.json {
        let mut value = report::impact::headline_value(&impact);
        value["out"] = serde_json::json!(out_dir.display().to_string());
        value["report"] = serde_json::json!(report_file.display().to_string());
        return terminal::write_stdout((serde_json::to_string_pretty(&value)? + "\n").as_bytes());
    }
    let mut text = String::new();
    for line in crate::compare::narrative(&impact) {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&format!("\nreport: {}\n", report_file.display()));
    terminal::print_text(&text)
}
