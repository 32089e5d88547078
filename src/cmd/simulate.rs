//! `wfplan simulate MODEL [--samples N] [--seed S] [--plan reoptimise|fixed]
//! [--uncertain PATH=DIST]... [--correlate A,B=RHO]... [--jobs N] [--out DIR]
//! [--quiet | --json]`: the model solved for many draws of its uncertain
//! parameters (see `crate::simulate`), written as samples.csv,
//! quantiles.csv, conditions.csv, fan charts and a report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::progress::Progress;
use super::{ModelArgs, OutputArgs, SolverArgs};
use crate::number::money;
use crate::report::simulate::{self as output, ConditionOdds, Quantity};
use crate::report::{unit, OutputFolder, RunRecord, UnitFile};
use crate::shard;
use crate::simulate::{
    self, stored, uncertain, FixedPlan, Layout, Plan, RunOptions, SampleResult, Simulation,
};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Number of samples drawn
    #[arg(long, short = 'n', value_name = "N", default_value_t = 1000)]
    pub samples: usize,
    /// Seed of the draws: the same seed gives the same samples and results,
    /// whatever --jobs
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// reoptimise: solve each sample (the best plan had we known);
    /// fixed: keep the central plan's hires, intakes, moves and exits and
    /// re-solve only deployment, temporary staff and unmet demand
    #[arg(long, value_name = "PLAN", default_value = "reoptimise", value_parser = ["reoptimise", "reoptimize", "fixed"])]
    pub plan: String,
    /// Also solve every sample under this scenario, with the same draws, and
    /// report the extra cash of the simulated scenario over it ("base": the
    /// model as written)
    #[arg(long, value_name = "S")]
    pub base: Option<String>,
    /// An uncertain parameter, besides the model's [[uncertain]] entries:
    /// PATH=normal:MEAN:SD, lognormal:MEAN:SD, triangular:MIN:MODE:MAX,
    /// uniform:MIN:MAX or values:V1,V2,...; PATH*=... scales the parameter
    /// by the draw, PATH+=... adds the draw to it (repeatable; replaces a
    /// model entry on the same path)
    #[arg(long = "uncertain", value_name = "PATH=DIST")]
    pub uncertain: Vec<String>,
    /// Correlate two uncertain parameters (ids or paths): A,B=RHO
    /// (repeatable; a Gaussian copula)
    #[arg(long = "correlate", value_name = "A,B=RHO")]
    pub correlate: Vec<String>,
    /// Samples solved in parallel (default: all cores); the results do not
    /// depend on it
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Solve every sample from scratch instead of warm-starting from the
    /// previous one (slower; for comparison)
    #[arg(long)]
    pub cold: bool,
    /// Write the results into this folder (default
    /// reports/<model>/simulate-[<scenario>-]<plan>/), replaced as a whole if
    /// it is a wfplan output
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Solve only shard I of N (counted from 1): a deterministic slice of
    /// the samples, written as a partition folder (samples.csv for the
    /// slice, results.json, partition.json) for `wfplan merge`, which
    /// writes the quantiles, conditions, charts and report
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Also write the tables (samples, quantiles, conditions) as one Excel
    /// workbook, replacing FILE atomically; not with --shard (give it to
    /// `wfplan merge`)
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// The simulation asked for and, under `--base`, the base scenario's under
/// the same draws.
#[allow(clippy::too_many_arguments)]
fn simulations(
    text: String,
    model: &Path,
    scenario: Option<&str>,
    sets: &[String],
    base: Option<&str>,
    uncertain_texts: &[String],
    correlate_texts: &[String],
    samples: usize,
    seed: u64,
    plan: Plan,
) -> Result<(Simulation, Option<Simulation>)> {
    let uncertain = uncertain_texts
        .iter()
        .map(|text| uncertain::parse_uncertain(text))
        .collect::<Result<Vec<_>>>()?;
    let correlations = correlate_texts
        .iter()
        .map(|text| uncertain::parse_correlate(text))
        .collect::<Result<Vec<_>>>()?;
    let base_scenario = match base {
        None => None,
        Some(crate::spec::BASE_SCENARIO) => Some(None),
        Some(scenario) => Some(Some(scenario)),
    };
    if let Some(base_scenario) = &base_scenario {
        if *base_scenario == scenario {
            bail!(
                "--base {}: the base is the scenario simulated; give another scenario (\"base\" is the model as written)",
                base.unwrap_or_default()
            );
        }
    }
    let base_simulation = match &base_scenario {
        Some(base_scenario) => Some(Simulation::from_text(
            text.clone(),
            model,
            *base_scenario,
            sets,
            uncertain.clone(),
            correlations.clone(),
            samples,
            seed,
            plan,
        )?),
        None => None,
    };
    let simulation = Simulation::from_text(
        text,
        model,
        scenario,
        sets,
        uncertain,
        correlations,
        samples,
        seed,
        plan,
    )?;
    Ok((simulation, base_simulation))
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    let plan = Plan::parse(&args.plan)?;
    let shard = args.shard.as_deref().map(shard::parse_shard).transpose()?;
    crate::report::workbook::refuse_on_shard(args.xlsx.as_deref(), args.shard.as_deref())?;
    let text = simulate::read_model_text(&args.model.model)?;
    let (simulation, base_simulation) = simulations(
        text,
        &args.model.model,
        args.model.scenario.as_deref(),
        &args.model.sets,
        args.base.as_deref(),
        &args.uncertain,
        &args.correlate,
        args.samples,
        args.seed,
        plan,
    )?;
    let samples = match shard {
        Some(shard) => shard::shard_points(simulation.samples, shard),
        None => 0..simulation.samples,
    };
    if let (Some(shard), true) = (shard, samples.is_empty()) {
        terminal::eprint_line(&format!(
            "note: shard {shard} has no samples: the {} samples are solved in warm runs of {} and a shard takes whole runs; its partition holds no rows",
            simulation.samples,
            crate::sweep::chunk_len(simulation.samples)
        ));
    }
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => simulate::default_out(&args.model.model, args.model.scenario.as_deref(), plan)?,
    };
    let jobs = match args.jobs {
        Some(jobs) => jobs as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let validate_start = Instant::now();
    let central_model = simulation.central()?;
    let layout = Layout::new(&central_model);
    simulation.validate(jobs)?;
    let mut inputs = central_model.inputs.clone();
    let base_central_model = match &base_simulation {
        Some(base) => {
            let model = base.central()?;
            base.validate(jobs)?;
            for input in &model.inputs {
                if !inputs.contains(input) {
                    inputs.push(input.clone());
                }
            }
            Some(model)
        }
        None => None,
    };
    let validate_seconds = validate_start.elapsed().as_secs_f64();
    if let Some(path) = &args.xlsx {
        crate::report::refuse_output_file(
            "--xlsx",
            path,
            &inputs,
            &[(&out_dir, "the --out folder")],
        )?;
    }
    let folder = OutputFolder::claim(&out_dir, &inputs)?;
    for warning in crate::model::warnings(&central_model) {
        terminal::eprint_line(&format!("warning: {warning}"));
    }

    let central_start = Instant::now();
    let central = simulate::solve_central(&simulation, &central_model, &layout, &options)?;
    let central_seconds = central_start.elapsed().as_secs_f64();
    let fixed = match plan {
        Plan::Fixed => central.solution.as_ref().map(FixedPlan::new),
        Plan::Reoptimise => None,
    };
    if let Some(error) = &central.error {
        terminal::eprint_line(&format!(
            "warning: the central model has no optimal plan, so the report has no central values: {error}"
        ));
    }

    let progress = Progress::new(samples.len(), args.output.quiet, "simulate", "samples");
    let solve_start = Instant::now();
    let results = simulate::run_samples(
        &simulation,
        samples.clone(),
        &layout,
        fixed.as_ref(),
        &options,
        RunOptions {
            jobs,
            warm: !args.cold,
        },
        &|count| progress.done(count),
    );
    progress.finish();
    let results = results?;
    // The base under the same draws, each with its own central plan.
    let base_run = match (&base_simulation, &base_central_model) {
        (Some(base), Some(model)) => {
            let base_layout = Layout::new(model);
            let central = simulate::solve_central(base, model, &base_layout, &options)
                .context("the base scenario (--base)")?;
            let fixed = match plan {
                Plan::Fixed => central.solution.as_ref().map(FixedPlan::new),
                Plan::Reoptimise => None,
            };
            let progress = Progress::new(
                samples.len(),
                args.output.quiet,
                "simulate --base",
                "samples",
            );
            let results = simulate::run_samples(
                base,
                samples.clone(),
                &base_layout,
                fixed.as_ref(),
                &options,
                RunOptions {
                    jobs,
                    warm: !args.cold,
                },
                &|count| progress.done(count),
            );
            progress.finish();
            Some((results?, central.result))
        }
        _ => None,
    };
    let solve_seconds = solve_start.elapsed().as_secs_f64();
    let against = base_run.as_ref().map(|(results, central)| output::Against {
        base: args.base.clone().unwrap_or_default(),
        policy: policy_name(args.model.scenario.as_deref()),
        results,
        central: central.as_ref(),
    });
    let against = against.as_ref();

    let write_start = Instant::now();
    let mut samples_frame =
        output::samples_table(&simulation, &layout, samples.start, &results, against)?;
    let mut files = vec![(
        PathBuf::from("samples.csv"),
        crate::tables::to_csv(&mut samples_frame)?,
    )];
    let mut tables = vec![("samples".to_string(), samples_frame)];
    let mut recorded = args.solver.recorded();
    recorded.push(("samples".to_string(), Some(simulation.samples.to_string())));
    recorded.push(("seed".to_string(), Some(simulation.seed.to_string())));
    recorded.push(("plan".to_string(), Some(plan.as_str().to_string())));
    for text in &args.uncertain {
        recorded.push(("uncertain".to_string(), Some(text.clone())));
    }
    for text in &args.correlate {
        recorded.push(("correlate".to_string(), Some(text.clone())));
    }
    if let Some(base) = &args.base {
        recorded.push(("base".to_string(), Some(base.clone())));
    }
    if args.cold {
        recorded.push(("cold".to_string(), None));
    }
    let mut summary = None;
    match shard {
        Some(shard) => {
            // A shard writes its rows and what merge needs for the rest.
            let stored = stored::ShardResults {
                samples: results.iter().map(stored::StoredResult::new).collect(),
                base_samples: base_run
                    .as_ref()
                    .map(|(base, _)| base.iter().map(stored::StoredResult::new).collect()),
                central: central.result.as_ref().map(stored::StoredResult::new),
                central_error: central.error.clone(),
                base_central: base_run
                    .as_ref()
                    .and_then(|(_, central)| central.as_ref().map(stored::StoredResult::new)),
            };
            files.push((
                PathBuf::from(stored::RESULTS),
                (serde_json::to_string(&stored)? + "\n").into_bytes(),
            ));
            recorded.push(("shard".to_string(), Some(shard.to_string())));
            let manifest = partition_manifest(args, &simulation, &inputs, shard, samples.clone())?;
            files.push((PathBuf::from(shard::PARTITION), manifest.to_json()?));
        }
        None => {
            let (report, report_tables, quantities, odds) = report_files(
                &simulation,
                &layout,
                &results,
                central.result.as_ref(),
                central.error.as_deref(),
                against,
            )?;
            files.extend(report);
            tables.extend(report_tables);
            summary = Some((quantities, odds));
        }
    }
    let write_seconds = write_start.elapsed().as_secs_f64();
    let timings = serde_json::json!({
        "samples": samples.len(),
        "jobs": jobs,
        "plan": plan.as_str(),
        "validate_seconds": validate_seconds,
        "central_seconds": central_seconds,
        "solve_seconds": solve_seconds,
        "samples_per_minute": samples.len() as f64 / solve_seconds.max(1e-9) * 60.0,
        "write_seconds": write_seconds,
    });
    files.push((
        PathBuf::from(unit::TIMINGS),
        (serde_json::to_string_pretty(&timings)? + "\n").into_bytes(),
    ));
    let record = RunRecord {
        command: "simulate".to_string(),
        model: args.model.model.display().to_string(),
        scenarios: vec![("scenario".to_string(), args.model.scenario.clone())],
        sets: args.model.sets.clone(),
        options: recorded,
        inputs,
    };
    folder.write(&files, &record)?;
    if let Some(path) = &args.xlsx {
        let about = crate::report::workbook::run_about(
            &central_model,
            &simulation_about(&simulation, args.base.as_deref()),
        );
        let bytes = crate::xlsx::write_workbook_with_bases(
            &about,
            &tables,
            &central_model.currency,
            super::sweep::RUN_BASES,
        )?;
        crate::report::write_output_file(path, &bytes, &record.inputs)?;
    }

    if args.output.quiet {
        return Ok(());
    }
    let Some((quantities, odds)) = summary else {
        let counts = output::status_counts(&results)
            .into_iter()
            .map(|(status, count)| format!("{count} {status}"))
            .collect::<Vec<_>>()
            .join(", ");
        return terminal::print_text(&format!(
            "shard {}: samples {} to {} of {} ({counts}); wrote the partition {} for wfplan merge\n",
            args.shard.as_deref().unwrap_or_default(),
            samples.start + 1,
            samples.end,
            simulation.samples,
            out_dir.display()
        ));
    };
    let headline = output::headline(&simulation, &layout, &results, &quantities, &odds, against);
    if args.output.json {
        let value = json_summary(
            &simulation,
            &layout,
            &results,
            &quantities,
            &odds,
            &headline,
            &out_dir,
        );
        return terminal::write_stdout((serde_json::to_string_pretty(&value)? + "\n").as_bytes());
    }
    terminal::print_text(&text_summary(
        &simulation,
        &layout,
        &results,
        &quantities,
        &headline,
        &out_dir,
    ))
}

/// The simulated scenario's name in the report (`base` without `--scenario`).
fn policy_name(scenario: Option<&str>) -> String {
    scenario.unwrap_or(crate::spec::BASE_SCENARIO).to_string()
}

/// Everything but samples.csv, built from all the samples' results:
/// quantiles.csv, conditions.csv, the fan charts (PNG and SVG) and
/// report.md / report.html; the quantiles and conditions tables (for a
/// workbook); with the quantities and odds for the summary.
#[allow(clippy::type_complexity)]
fn report_files(
    simulation: &Simulation,
    layout: &Layout,
    results: &[SampleResult],
    central: Option<&SampleResult>,
    central_error: Option<&str>,
    against: Option<&output::Against>,
) -> Result<(
    Vec<UnitFile>,
    Vec<crate::xlsx::Sheet>,
    Vec<Quantity>,
    Vec<ConditionOdds>,
)> {
    let quantities = output::quantities(layout, results, central, against);
    let odds = output::condition_odds(layout, results, central);
    let charts = output::charts(simulation, layout, &quantities, against)?;
    let document = output::document(
        simulation,
        layout,
        results,
        &quantities,
        &odds,
        central_error,
        &charts,
        against,
    );
    let mut quantiles = output::quantiles_table(&quantities)?;
    let mut conditions = output::conditions_table(&odds)?;
    let mut files = vec![
        (
            PathBuf::from("quantiles.csv"),
            crate::tables::to_csv(&mut quantiles)?,
        ),
        (
            PathBuf::from("conditions.csv"),
            crate::tables::to_csv(&mut conditions)?,
        ),
    ];
    files.extend(crate::report::chart_files(Path::new(""), &charts));
    files.extend(crate::report::document_files(
        Path::new(""),
        &document,
        &charts,
    ));
    let tables = vec![
        ("quantiles".to_string(), quantiles),
        ("conditions".to_string(), conditions),
    ];
    Ok((files, tables, quantities, odds))
}

/// partition.json of a simulation shard: the identity every shard of this
/// simulation shares (the SHA-256 of the model file and of each input,
/// scenario, --base, --set, every --uncertain and --correlate as given,
/// seed, samples, plan and the solver options), the shard and its
/// samples; the model's path, for merge to rebuild the report.
fn partition_manifest(
    args: &Args,
    simulation: &Simulation,
    inputs: &[PathBuf],
    shard: shard::Shard,
    samples: std::ops::Range<usize>,
) -> Result<shard::PartitionManifest> {
    use serde_json::json;
    let mut identity = std::collections::BTreeMap::new();
    identity.insert(
        "model_sha256".to_string(),
        json!(crate::digest::sha256_hex(simulation.text.as_bytes())),
    );
    identity.insert("inputs_sha256".to_string(), shard::inputs_sha256(inputs)?);
    identity.insert("scenario".to_string(), json!(args.model.scenario));
    identity.insert("base".to_string(), json!(args.base));
    identity.insert("set".to_string(), json!(args.model.sets));
    identity.insert("uncertain".to_string(), json!(args.uncertain));
    identity.insert("correlate".to_string(), json!(args.correlate));
    identity.insert("seed".to_string(), json!(simulation.seed));
    identity.insert("samples".to_string(), json!(simulation.samples));
    identity.insert("plan".to_string(), json!(simulation.plan.as_str()));
    identity.insert("cold".to_string(), json!(args.cold));
    identity.insert(
        "solver_options".to_string(),
        json!(args.solver.solver_options),
    );
    identity.insert("time_limit".to_string(), json!(args.solver.time_limit));
    identity.insert("any_optimum".to_string(), json!(args.solver.any_optimum));
    let mut notes = std::collections::BTreeMap::new();
    notes.insert(
        "model".to_string(),
        json!(args.model.model.display().to_string()),
    );
    if let Ok(absolute) = std::fs::canonicalize(&args.model.model) {
        notes.insert(
            "model_absolute".to_string(),
            json!(absolute.display().to_string()),
        );
    }
    Ok(shard::PartitionManifest {
        wfplan_partition: shard::PARTITION_VERSION,
        kind: "simulate".to_string(),
        identity,
        shard,
        points: simulation.samples,
        indices: samples.collect(),
        tables: vec!["samples.csv".to_string()],
        notes,
    })
}

/// For `wfplan merge` of simulation partitions (already checked to be the
/// shards of one run by `shard::read_partitions`, in shard order):
/// quantiles.csv, conditions.csv, the fan charts and the report, built
/// from every shard's results.json exactly as the unsharded run builds
/// them. The model file the shards solved (same SHA-256) must be readable
/// at the path they recorded: the report needs its groups, services and
/// uncertain parameters. The central plan is not solved again: each shard
/// solved it and recorded its values.
pub fn merged_files(partitions: &[shard::Partition]) -> Result<(Vec<UnitFile>, MergedWorkbook)> {
    let first = &partitions[0].manifest;
    let identity = |field: &str| first.identity.get(field).cloned().unwrap_or_default();
    let text_of = |field: &str| identity(field).as_str().map(str::to_string);
    let list_of = |field: &str| -> Vec<String> {
        serde_json::from_value(identity(field)).unwrap_or_default()
    };
    let note = |field: &str| {
        first
            .notes
            .get(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let candidates: Vec<String> = [note("model_absolute"), note("model")]
        .into_iter()
        .flatten()
        .collect();
    let Some(model) = candidates.iter().map(PathBuf::from).find(|p| p.is_file()) else {
        bail!(
            "merge of a simulation rebuilds its report from the model the shards solved, but cannot find it at {}; run merge where that path is readable",
            candidates.join(" or ")
        );
    };
    let text = simulate::read_model_text(&model)?;
    let digest = crate::digest::sha256_hex(text.as_bytes());
    if Some(digest.as_str()) != text_of("model_sha256").as_deref() {
        bail!(
            "{}: the model file has changed since the shards ran (its SHA-256 differs from the partitions'); merge needs the model they solved to rebuild the report",
            model.display()
        );
    }
    let samples = identity("samples").as_u64().unwrap_or_default() as usize;
    let seed = identity("seed").as_u64().unwrap_or_default();
    let plan = Plan::parse(&text_of("plan").unwrap_or_default())?;
    let scenario = text_of("scenario");
    let base = text_of("base");
    let (simulation, _) = simulations(
        text,
        &model,
        scenario.as_deref(),
        &list_of("set"),
        base.as_deref(),
        &list_of("uncertain"),
        &list_of("correlate"),
        samples,
        seed,
        plan,
    )?;
    let central_model = simulation.central()?;
    let layout = Layout::new(&central_model);
    let mut results = Vec::with_capacity(samples);
    let mut base_results = Vec::new();
    let mut central = None;
    for (position, partition) in partitions.iter().enumerate() {
        let path = partition.dir.join(stored::RESULTS);
        let file = path.display().to_string();
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {file}"))?;
        let shard: stored::ShardResults = serde_json::from_slice(&bytes)
            .with_context(|| format!("{file}: not a simulation shard's results"))?;
        if shard.samples.len() != partition.manifest.indices.len() {
            bail!(
                "{file}: {} results for the partition's {} samples",
                shard.samples.len(),
                partition.manifest.indices.len()
            );
        }
        results.extend(stored::results(&shard.samples, &file)?);
        if base.is_some() {
            let Some(base_samples) = &shard.base_samples else {
                bail!("{file}: no base results, though the run has --base");
            };
            base_results.extend(stored::results(base_samples, &file)?);
        }
        if position == 0 {
            let result = |stored: &Option<stored::StoredResult>| {
                stored
                    .as_ref()
                    .map(|s| s.result())
                    .transpose()
                    .with_context(|| format!("{file}: the central plan's result"))
            };
            central = Some((
                result(&shard.central)?,
                shard.central_error.clone(),
                result(&shard.base_central)?,
            ));
        }
    }
    let (central, central_error, base_central) =
        central.ok_or_else(|| anyhow::anyhow!("no partitions"))?;
    let against = base.as_ref().map(|base| output::Against {
        base: base.clone(),
        policy: policy_name(scenario.as_deref()),
        results: &base_results,
        central: base_central.as_ref(),
    });
    let (files, report_tables, _, _) = report_files(
        &simulation,
        &layout,
        &results,
        central.as_ref(),
        central_error.as_deref(),
        against.as_ref(),
    )?;
    let mut tables = vec![(
        "samples".to_string(),
        output::samples_table(&simulation, &layout, 0, &results, against.as_ref())?,
    )];
    tables.extend(report_tables);
    let workbook = MergedWorkbook {
        about: crate::report::workbook::run_about(
            &central_model,
            &simulation_about(&simulation, base.as_deref()),
        ),
        currency: central_model.currency.clone(),
        tables,
    };
    Ok((files, workbook))
}

/// What `merge --xlsx` writes for a simulation: the unsharded run's
/// workbook, rebuilt from the shards' results.
pub struct MergedWorkbook {
    pub about: Vec<(String, String)>,
    pub currency: String,
    pub tables: Vec<crate::xlsx::Sheet>,
}

/// The about rows of a simulation's workbook: what was drawn and how.
fn simulation_about(simulation: &Simulation, base: Option<&str>) -> Vec<(String, String)> {
    let mut rows = vec![
        (
            "scenario".to_string(),
            policy_name(simulation.scenario.as_deref()),
        ),
        (
            "simulation".to_string(),
            format!(
                "{} samples, seed {}, plan {}",
                simulation.samples,
                simulation.seed,
                simulation.plan.as_str()
            ),
        ),
    ];
    if let Some(base) = base {
        rows.push(("base".to_string(), base.to_string()));
    }
    rows.push((
        "tables".to_string(),
        "samples: one row per sample (cash discounted, present value at the first period; cash_outturn in outturn prices); quantiles: each quantity's quantiles by period (its unit in the unit column); conditions: the odds each target and limit holds".to_string(),
    ));
    rows
}

/// Markdown's `**bold**` and `` `code` `` marks taken out, for the terminal.
fn plain(text: &str) -> String {
    text.replace("**", "").replace('`', "")
}

fn text_summary(
    simulation: &Simulation,
    layout: &Layout,
    results: &[SampleResult],
    quantities: &[Quantity],
    headline: &[String],
    out_dir: &Path,
) -> String {
    let counts = output::status_counts(results)
        .into_iter()
        .map(|(status, count)| format!("{count} {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = format!(
        "{}: {} samples, seed {}, plan {} ({counts})\n",
        layout.name,
        results.len(),
        simulation.seed,
        simulation.plan.as_str()
    );
    for parameter in &simulation.parameters.list {
        text.push_str(&format!("  {}\n", parameter.describe()));
    }
    let header: Vec<String> = ["", "P5", "P50", "P95", "central plan"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let currency = &layout.currency;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let find = |measure: &str, id: &str, period: &str| {
        quantities
            .iter()
            .find(|q| q.measure == measure && q.id == id && q.period == period && q.samples > 0)
    };
    for (label, measure) in [
        ("cash, outturn prices", "cash"),
        ("cash, discounted", "cash_discounted"),
        ("penalty, discounted", "penalty_discounted"),
        ("extra cash over base, outturn prices", "extra_cash"),
        ("extra cash over base, discounted", "extra_cash_discounted"),
    ] {
        if let Some(q) = find(measure, "", "total") {
            rows.push(vec![
                label.to_string(),
                money(q.quantiles[0], currency),
                money(q.quantiles[2], currency),
                money(q.quantiles[4], currency),
                q.central.map(|c| money(c, currency)).unwrap_or_default(),
            ]);
        }
    }
    let period = &layout.periods[layout.stock_period];
    for (id, _) in layout
        .groups
        .iter()
        .take(crate::report::summary::MAX_GROUP_ROWS)
    {
        if let Some(q) = find("stock", id, period) {
            rows.push(vec![
                format!("stock {id} {period}"),
                simulate::fte(q.quantiles[0]),
                simulate::fte(q.quantiles[2]),
                simulate::fte(q.quantiles[4]),
                q.central.map(simulate::fte).unwrap_or_default(),
            ]);
        }
    }
    for (id, _) in layout
        .services
        .iter()
        .take(crate::report::summary::MAX_SERVICE_ROWS)
    {
        if let Some(q) = find("unmet", id, "total").filter(|q| q.quantiles[4] > 0.0) {
            rows.push(vec![
                format!("unmet {id} (FTE-years)"),
                simulate::fte(q.quantiles[0]),
                simulate::fte(q.quantiles[2]),
                simulate::fte(q.quantiles[4]),
                q.central.map(simulate::fte).unwrap_or_default(),
            ]);
        }
    }
    text.push_str(&crate::report::summary::text_table(&header, &rows));
    for line in headline {
        text.push_str(&plain(line));
        text.push('\n');
    }
    text.push_str(&format!(
        "wrote samples.csv, quantiles.csv, conditions.csv, report.html and fan charts to {}\n",
        out_dir.display()
    ));
    text
}

fn json_summary(
    simulation: &Simulation,
    layout: &Layout,
    results: &[SampleResult],
    quantities: &[Quantity],
    odds: &[ConditionOdds],
    headline: &[String],
    out_dir: &Path,
) -> serde_json::Value {
    let total = |measure: &str| -> serde_json::Value {
        quantities
            .iter()
            .find(|q| q.measure == measure && q.period == "total" && q.id.is_empty())
            .map(|q| {
                serde_json::json!({
                    "p5": q.quantiles[0].is_finite().then_some(q.quantiles[0]),
                    "p50": q.quantiles[2].is_finite().then_some(q.quantiles[2]),
                    "p95": q.quantiles[4].is_finite().then_some(q.quantiles[4]),
                    "central": q.central,
                    "samples": q.samples,
                })
            })
            .unwrap_or(serde_json::Value::Null)
    };
    let statuses: serde_json::Map<String, serde_json::Value> = output::status_counts(results)
        .into_iter()
        .map(|(status, count)| (status, serde_json::json!(count)))
        .collect();
    let conditions: Vec<serde_json::Value> = odds
        .iter()
        .map(|o| {
            serde_json::json!({
                "kind": o.kind,
                "id": o.id,
                "hard": o.hard,
                "probability": o.probability(),
                "samples_met": o.met,
            })
        })
        .collect();
    serde_json::json!({
        "model": layout.name,
        "samples": results.len(),
        "seed": simulation.seed,
        "plan": simulation.plan.as_str(),
        "currency": layout.currency,
        "statuses": statuses,
        "cash_outturn": total("cash"),
        "cash_discounted": total("cash_discounted"),
        "penalty_discounted": total("penalty_discounted"),
        "objective": total("objective"),
        "extra_cash_outturn": total("extra_cash"),
        "extra_cash_discounted": total("extra_cash_discounted"),
        "conditions": conditions,
        "headline": headline.iter().map(|line| plain(line)).collect::<Vec<_>>(),
        "out": out_dir.display().to_string(),
        "report": out_dir.join("report.html").display().to_string(),
    })
}
