//! `wfplan compare MODEL --base S --policy S [--policy S ...] [--out DIR]
//! [--quiet | --json]`: the system-wide impact of a policy scenario against
//! a base scenario; with several policies, one report of all of them side
//! by side against the same base, and each pair's full report beside it.

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
    /// The policy scenario (e.g. pledge); repeat for several policies
    /// against the same base, side by side
    #[arg(long, required = true)]
    pub policy: Vec<String>,
    /// Change one parameter in both scenarios, e.g. --set group.hv.attrition=0.12
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// The group the policy targets: `g` (national, summed over regions) or
    /// `g@region` (default: the group in the policy's new targets)
    #[arg(long)]
    pub group: Option<String>,
    /// Near-optimal ranges: the least and most each decision the report
    /// names can be across plans whose cost is within this share (of the
    /// policy's effect on the objective, or see --near-optimal-of) above
    /// the least, e.g. 0.01 or 1% (default); 0 skips them
    #[arg(long, value_name = "SHARE", default_value = "1%", value_parser = parse_tolerance)]
    pub near_optimal_tolerance: f64,
    /// What --near-optimal-tolerance is a share of: `effect`, the policy's
    /// effect on each objective (|policy − base|, default), or `cost`, each
    /// scenario's own least cost
    #[arg(long, value_name = "effect|cost", default_value = "effect", value_parser = parse_reference)]
    pub near_optimal_of: crate::near_optimal::Reference,
    /// Output folder (default reports/<model>/<policy>-vs-<base>/), replaced
    /// as a whole if it is a wfplan output
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write the report's tables and both plans as one Excel workbook
    /// (a sheet per table, units in the headers), replacing FILE atomically
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// A tolerance: a share (0.01) or a percentage (1%), 0 or more, below 1.
fn parse_tolerance(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let value = match trimmed.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().map(|v| v / 100.0),
        None => trimmed.parse::<f64>(),
    };
    match value {
        Ok(value) if (0.0..1.0).contains(&value) => Ok(value),
        _ => Err(format!(
            "expected a share from 0 up to (not including) 1, as 0.01 or 1%, not '{text}'"
        )),
    }
}

/// `effect` or `cost`.
fn parse_reference(text: &str) -> Result<crate::near_optimal::Reference, String> {
    match text.trim() {
        "effect" => Ok(crate::near_optimal::Reference::Effect),
        "cost" => Ok(crate::near_optimal::Reference::Cost),
        _ => Err(format!(
            "expected 'effect' (the policy's effect on the objective) or 'cost' (each scenario's least cost), not '{text}'"
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
        crate::names::folder_name(what, id)
            .map(PathBuf::from)
            .map_err(|error| anyhow!("{file}: {error}"))
    };
    let base_dir = named("--base scenario", &args.base)?;
    let mut policy_dirs = Vec::new();
    for (index, policy) in args.policy.iter().enumerate() {
        policy_dirs.push(named("--policy scenario", policy)?);
        if *policy == args.base {
            bail!(
                "{file}: --base and --policy are both '{}'; compare needs two different scenarios",
                args.base
            );
        }
        if args.policy[..index].contains(policy) {
            bail!("{file}: --policy '{policy}' is given twice");
        }
    }
    let several = args.policy.len() > 1;
    if several && args.xlsx.is_some() {
        bail!(
            "{file}: --xlsx writes the workbook of one comparison; give one --policy with --xlsx (or run compare once per policy)"
        );
    }
    let pair_folder = |policy: &str| format!("{policy}-vs-{}", args.base);
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => {
            let stem = args
                .model
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let stem = crate::names::folder_name("the model file's name", &stem)
                .map_err(|error| anyhow!("{file}: {error}; give the report folder with --out"))?;
            let name = if several {
                format!("{}-vs-{}", args.policy.join("-and-"), args.base)
            } else {
                pair_folder(&args.policy[0])
            };
            crate::names::folder_name("the report folder", &name)
                .map_err(|error| anyhow!("{file}: {error}; give the report folder with --out"))?;
            Path::new("reports").join(stem).join(name)
        }
    };
    let read_start = std::time::Instant::now();
    let base_model = crate::spec::load(&args.model, scenario(&args.base), &args.sets)?;
    let base_read = read_start.elapsed().as_secs_f64();
    let mut inputs = base_model.inputs.clone();
    let mut policy_models = Vec::new();
    for policy in &args.policy {
        let read_start = std::time::Instant::now();
        let model = crate::spec::load(&args.model, scenario(policy), &args.sets)?;
        for input in &model.inputs {
            if !inputs.contains(input) {
                inputs.push(input.clone());
            }
        }
        policy_models.push((model, read_start.elapsed().as_secs_f64()));
    }
    if let Some(path) = &args.xlsx {
        report::refuse_output_file("--xlsx", path, &inputs, &[(&out_dir, "the report folder")])?;
    }
    let folder = OutputFolder::claim(&out_dir, &inputs)?;
    let mut base = crate::solve::solve_with(&base_model, &options)
        .with_context(|| format!("solving the base scenario '{}'", args.base))?;
    base.timings.load = base_read;
    let mut plans = Vec::new();
    let mut impacts = Vec::new();
    for ((policy_model, read), name) in policy_models.iter().zip(&args.policy) {
        let mut policy = match policy_model.freeze_until {
            Some(until) => crate::solve::solve_frozen(policy_model, &base, until, &options)
                .with_context(|| {
                    format!(
                        "solving the policy scenario '{name}' with its decisions before {} held to the plan of '{}' (freeze_until)",
                        policy_model.periods[until], args.base
                    )
                })?,
            None => crate::solve::solve_with(policy_model, &options)
                .with_context(|| format!("solving the policy scenario '{name}'"))?,
        };
        policy.timings.load = *read;
        let mut impact =
            crate::compare::compare(&base, &policy, &args.base, name, args.group.as_deref())?;
        if args.near_optimal_tolerance > 0.0 {
            impact.near_optimal = Some(
                crate::near_optimal::ranges(
                    &base,
                    &policy,
                    &impact,
                    crate::near_optimal::Tolerance {
                        share: args.near_optimal_tolerance,
                        of: args.near_optimal_of,
                    },
                    &options,
                )
                .context("computing near-optimal ranges (--near-optimal-tolerance 0 skips them)")?,
            );
        }
        plans.push(policy);
        impacts.push(impact);
    }
    // Everything is built in memory, then written as one unit.
    let write_start = std::time::Instant::now();
    let mut files = report::solve_outputs(&base_dir, &base)?;
    base.timings.write = write_start.elapsed().as_secs_f64();
    for (policy, dir) in plans.iter_mut().zip(&policy_dirs) {
        let write_start = std::time::Instant::now();
        files.extend(report::solve_outputs(dir, policy)?);
        policy.timings.write = write_start.elapsed().as_secs_f64();
    }
    if several {
        let folders: Vec<String> = args.policy.iter().map(|p| pair_folder(p)).collect();
        for (impact, folder) in impacts.iter().zip(&folders) {
            files.extend(report::impact::impact_files(Path::new(folder), impact)?);
        }
        let document = report::side_by_side::side_by_side_document(&impacts, &folders);
        files.extend(report::document_files(Path::new(""), &document, &[]));
        let mut table = report::side_by_side::side_by_side_table(&impacts)?;
        files.push((
            PathBuf::from("comparison.csv"),
            crate::tables::to_csv(&mut table)?,
        ));
    } else {
        files.extend(report::impact::impact_files(Path::new(""), &impacts[0])?);
    }
    let mut labelled: Vec<(&str, &crate::solution::Solution)> = vec![(&args.base, &base)];
    labelled.extend(args.policy.iter().map(String::as_str).zip(plans.iter()));
    let mut timings: serde_json::Value = serde_json::from_slice(&report::timings_json(&labelled)?)?;
    for impact in &impacts {
        if let Some(near) = &impact.near_optimal {
            let key = if several {
                format!("near_optimal:{}", impact.policy)
            } else {
                "near_optimal".to_string()
            };
            timings[key] = serde_json::json!({
                "tolerance": near.tolerance,
                "quantities": near.ranges.len(),
                "solves": near.solves,
                "seconds": near.seconds,
            });
        }
    }
    files.push((
        PathBuf::from(unit::TIMINGS),
        (serde_json::to_string_pretty(&timings)? + "\n").into_bytes(),
    ));
    let mut scenarios = vec![("base".to_string(), Some(args.base.clone()))];
    scenarios.extend(
        args.policy
            .iter()
            .map(|p| ("policy".to_string(), Some(p.clone()))),
    );
    let record = RunRecord {
        command: "compare".to_string(),
        model: file.to_string(),
        scenarios,
        sets: args.sets.clone(),
        options: [
            vec![
                ("group".to_string(), args.group.clone()),
                (
                    "near-optimal-tolerance".to_string(),
                    Some(args.near_optimal_tolerance.to_string()),
                ),
                (
                    "near-optimal-of".to_string(),
                    Some(
                        match args.near_optimal_of {
                            crate::near_optimal::Reference::Effect => "effect",
                            crate::near_optimal::Reference::Cost => "cost",
                        }
                        .to_string(),
                    ),
                ),
            ],
            args.solver.recorded(),
        ]
        .concat(),
        inputs,
    };
    folder.write(&files, &record)?;
    if let Some(path) = &args.xlsx {
        let bytes = report::workbook::compare_workbook(&impacts[0], &base, &plans[0])?;
        report::write_output_file(path, &bytes, &record.inputs)?;
    }
    let report_file = out_dir.join("report.html");
    if args.output.quiet {
        return Ok(());
    }
    if args.output.json {
        let mut value = if several {
            serde_json::json!({
                "base": args.base,
                "policies": impacts.iter().map(report::impact::headline_value).collect::<Vec<_>>(),
            })
        } else {
            report::impact::headline_value(&impacts[0])
        };
        value["out"] = serde_json::json!(out_dir.display().to_string());
        value["report"] = serde_json::json!(report_file.display().to_string());
        return terminal::write_stdout((serde_json::to_string_pretty(&value)? + "\n").as_bytes());
    }
    let mut text = String::new();
    for impact in &impacts {
        if several {
            text.push_str(&format!(
                "— '{}' against '{}':\n",
                impact.policy, impact.base
            ));
        }
        for line in crate::compare::narrative(impact) {
            text.push_str(&line);
            text.push('\n');
        }
        if several {
            text.push('\n');
        }
    }
    text.push_str(&format!("\nreport: {}\n", report_file.display()));
    terminal::print_text(&text)
}
