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
    let mut policy = crate::solve::solve_with(&policy_model, &options)
        .with_context(|| format!("solving the policy scenario '{}'", args.policy))?;
    policy.timings.load = policy_read;
    let impact = crate::compare::compare(
        &base,
        &policy,
        &args.base,
        &args.policy,
        args.group.as_deref(),
    )?;
    // Everything is built in memory, then written as one unit.
    let write_start = std::time::Instant::now();
    let mut files = report::solve_outputs(&base_dir, &base)?;
    base.timings.write = write_start.elapsed().as_secs_f64();
    let write_start = std::time::Instant::now();
    files.extend(report::solve_outputs(&policy_dir, &policy)?);
    policy.timings.write = write_start.elapsed().as_secs_f64();
    files.extend(report::impact::impact_files(Path::new(""), &impact)?);
    files.push((
        PathBuf::from(unit::TIMINGS),
        report::timings_json(&[(&args.base, &base), (&args.policy, &policy)])?,
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
            vec![("group".to_string(), args.group.clone())],
            args.solver.recorded(),
        ]
        .concat(),
        inputs,
    };
    folder.write(&files, &record)?;
    if let Some(path) = &args.xlsx {
        let bytes = report::workbook::compare_workbook(&impact, &base, &policy)?;
        report::write_output_file(path, &bytes, &record.inputs)?;
    }
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
