//! `wfplan sweep MODEL --vary PATH=FROM:TO:STEP [--vary ...] [--jobs N]
//! [--out DIR] [--quiet | --json]`: the model solved at every point of a
//! curve or grid, written as one table, sweep.csv (see `crate::sweep`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Result};

use super::progress::Progress;
use super::{ModelArgs, OutputArgs, SolverArgs};
use crate::report::{self, unit, OutputFolder, RunRecord};
use crate::shard;
use crate::sweep::{self, PointResult, RunOptions, Sweep};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// A path to sweep and its values: PATH=FROM:TO:STEP (FROM up to TO
    /// inclusive) or PATH=v1,v2,...; PATH is any --set path. Repeat for a
    /// grid (the cartesian product; the first --vary varies slowest)
    #[arg(long = "vary", value_name = "PATH=FROM:TO:STEP", required = true)]
    pub varies: Vec<String>,
    /// Points solved in parallel (default: all cores); the results do not
    /// depend on it
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Solve every point from scratch instead of warm-starting from its
    /// neighbour (slower; for comparison)
    #[arg(long)]
    pub cold: bool,
    /// Solve only shard I of N (counted from 1): a deterministic slice of
    /// the points, written as a partition folder for `wfplan merge`
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write sweep.csv, timings.json and manifest.json into this folder
    /// (default reports/<model>/sweep-<first path>/), replaced as a whole if
    /// it is a wfplan output
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write sweep.csv as an Excel workbook (units in the headers,
    /// numbers as numbers), replacing FILE atomically; not with --shard
    /// (give it to `wfplan merge`)
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
}

/// reports/<model stem>/sweep-<first path>/.
fn default_out(model: &Path, first_path: &str) -> Result<PathBuf> {
    let file = model.display();
    let stem = model
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem = crate::names::folder_name("the model file's name", &stem)
        .map_err(|error| anyhow!("{file}: {error}; give the output folder with --out"))?;
    // A path is ids joined by dots; dots are safe after "sweep-" (the name
    // can be neither "." nor ".."), anything else must be a plain name.
    let name = format!("sweep-{first_path}");
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !plain || name.len() > 100 {
        bail!(
            "--vary {first_path}: the path cannot name an output folder (letters, digits, '_', '-' and '.', at most 94 characters); give the folder with --out"
        );
    }
    Ok(Path::new("reports").join(stem).join(name))
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    let varies = args
        .varies
        .iter()
        .map(|text| sweep::parse_vary(text))
        .collect::<Result<Vec<_>>>()?;
    let shard = args.shard.as_deref().map(shard::parse_shard).transpose()?;
    report::workbook::refuse_on_shard(args.xlsx.as_deref(), args.shard.as_deref())?;
    let sweep = Sweep::new(
        &args.model.model,
        args.model.scenario.as_deref(),
        &args.model.sets,
        varies,
    )?;
    let points = match shard {
        Some(shard) => shard::shard_points(sweep.len(), shard),
        None => 0..sweep.len(),
    };
    if let (Some(shard), true) = (shard, points.is_empty()) {
        terminal::eprint_line(&format!(
            "note: shard {shard} has no points: the {} points are solved in warm runs of {} and a shard takes whole runs; its partition holds no rows",
            sweep.len(),
            sweep::chunk_len(sweep.len())
        ));
    }
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => default_out(&args.model.model, &sweep.varies[0].path)?,
    };
    let jobs = match args.jobs {
        Some(jobs) => jobs as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let validate_start = Instant::now();
    // The first point's model also gives the inputs and the warnings.
    let first = sweep.load(0)?;
    // Every point's inputs: a --vary over CSV paths gives each its own.
    let inputs = sweep.inputs(jobs)?;
    let validate_seconds = validate_start.elapsed().as_secs_f64();
    if let Some(path) = &args.xlsx {
        report::refuse_output_file("--xlsx", path, &inputs, &[(&out_dir, "the --out folder")])?;
    }
    let folder = OutputFolder::claim(&out_dir, &inputs)?;
    for warning in crate::model::warnings(&first) {
        terminal::eprint_line(&format!("warning: {warning}"));
    }
    let progress = Progress::new(points.len(), args.output.quiet, "sweep", "points");
    let solve_start = Instant::now();
    let results = sweep::run_points(
        &sweep,
        points.clone(),
        &options,
        RunOptions {
            jobs,
            warm: !args.cold,
        },
        &|count| progress.done(count),
    );
    progress.finish();
    let results = results?;
    let solve_seconds = solve_start.elapsed().as_secs_f64();

    let mut frame = sweep::table_from(&sweep, points.start, &results)?;
    let timings = serde_json::json!({
        "points": points.len(),
        "jobs": jobs,
        "validate_seconds": validate_seconds,
        "solve_seconds": solve_seconds,
    });
    let mut files = vec![
        (
            PathBuf::from("sweep.csv"),
            crate::tables::to_csv(&mut frame)?,
        ),
        (
            PathBuf::from("sweep.parquet"),
            crate::tables::to_parquet(&mut frame)?,
        ),
        (
            PathBuf::from(unit::TIMINGS),
            (serde_json::to_string_pretty(&timings)? + "\n").into_bytes(),
        ),
    ];
    let mut recorded = args.solver.recorded();
    for vary in &args.varies {
        recorded.push(("vary".to_string(), Some(vary.clone())));
    }
    if args.cold {
        recorded.push(("cold".to_string(), None));
    }
    if shard.is_none() {
        let facts = crate::report::sweep::SweepFacts {
            name: first.name.clone(),
            paths: sweep.varies.iter().map(|v| v.path.clone()).collect(),
            kinds: condition_kinds(&first),
            currency: first.currency.clone(),
            care_units: care_units(&first),
        };
        files.extend(crate::report::sweep::sweep_report_files(&frame, &facts)?);
    }
    if let Some(shard) = shard {
        recorded.push(("shard".to_string(), Some(shard.to_string())));
        let manifest = partition_manifest(args, &sweep, &first, shard, points.clone())?;
        files.push((PathBuf::from(shard::PARTITION), manifest.to_json()?));
    }
    let record = RunRecord {
        command: "sweep".to_string(),
        model: args.model.model.display().to_string(),
        scenarios: vec![("scenario".to_string(), args.model.scenario.clone())],
        sets: args.model.sets.clone(),
        options: recorded,
        inputs: first.inputs.clone(),
    };
    folder.write(&files, &record)?;
    if let Some(path) = &args.xlsx {
        let about = report::workbook::run_about(&first, &sweep_about(&args.varies, sweep.len()));
        let bytes = crate::xlsx::write_workbook_with_bases(
            &about,
            &[("sweep".to_string(), frame)],
            &first.currency,
            RUN_BASES,
        )?;
        report::write_output_file(path, &bytes, &inputs)?;
    }

    if args.output.quiet {
        return Ok(());
    }
    if args.output.json {
        let value = json_summary(&sweep, points.start, &results, &out_dir);
        return terminal::write_stdout((serde_json::to_string_pretty(&value)? + "\n").as_bytes());
    }
    terminal::print_text(&text_summary(
        &first.name,
        &sweep,
        points.start,
        &results,
        &out_dir,
    ))
}

/// The money columns of sweep.csv and samples.csv whose name does not say
/// their basis: the objective, cash and penalty are discounted (present
/// value at the first period).
pub const RUN_BASES: &[(&str, &str)] = &[
    ("objective", "discounted"),
    ("cash", "discounted"),
    ("penalty", "discounted"),
];

/// The partition note holding the first sheet of `merge --xlsx`'s workbook.
pub const WORKBOOK_ABOUT: &str = "workbook_about";

/// The about rows of a sweep's workbook: what was varied, and how to read
/// the sheet.
pub fn sweep_about(varies: &[String], points: usize) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = varies
        .iter()
        .map(|vary| ("vary".to_string(), vary.clone()))
        .collect();
    rows.push((
        "sweep".to_string(),
        format!("{points} points, one row each (sweep.csv); objective, cash and penalty are discounted (present value at the first period); shadow_price[condition,period] is the discounted value of one more unit of the condition's bound in that period"),
    ));
    rows
}

/// partition.json of a shard: the identity every shard of this sweep
/// shares (the SHA-256 of the model file and of each input, scenario,
/// --set, --vary as given, and the options that change the table), the
/// shard, its points, and each target's and limit's kind for the report.
fn partition_manifest(
    args: &Args,
    sweep: &Sweep,
    first: &crate::model::Model,
    shard: shard::Shard,
    points: std::ops::Range<usize>,
) -> Result<shard::PartitionManifest> {
    use serde_json::json;
    let inputs = shard::inputs_sha256(&first.inputs)?;
    let mut identity = std::collections::BTreeMap::new();
    identity.insert(
        "model_sha256".to_string(),
        json!(crate::digest::sha256_hex(sweep.text.as_bytes())),
    );
    identity.insert("inputs_sha256".to_string(), json!(inputs));
    identity.insert("scenario".to_string(), json!(sweep.scenario));
    identity.insert("set".to_string(), json!(sweep.sets));
    identity.insert("vary".to_string(), json!(args.varies));
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
    notes.insert("name".to_string(), json!(first.name));
    notes.insert("currency".to_string(), json!(first.currency));
    notes.insert("conditions".to_string(), json!(condition_kinds(first)));
    notes.insert("care_units".to_string(), json!(care_units(first)));
    notes.insert(
        WORKBOOK_ABOUT.to_string(),
        json!(report::workbook::run_about(
            first,
            &sweep_about(&args.varies, sweep.len())
        )),
    );
    Ok(shard::PartitionManifest {
        wfplan_partition: shard::PARTITION_VERSION,
        kind: "sweep".to_string(),
        identity,
        shard,
        points: sweep.len(),
        indices: points.collect(),
        tables: vec!["sweep.csv".to_string()],
        notes,
    })
}

/// Each target's and limit's id and kind (`target` or `limit`).
pub fn condition_kinds(model: &crate::model::Model) -> std::collections::BTreeMap<String, String> {
    model
        .conditions
        .iter()
        .map(|condition| (condition.id.clone(), condition.kind.as_str().to_string()))
        .collect()
}

/// Each service's key (sweep.csv's `unmet[key]`) and its unit of care.
pub fn care_units(model: &crate::model::Model) -> std::collections::BTreeMap<String, String> {
    model
        .services
        .iter()
        .map(|service| (service.key.clone(), service.care_unit.clone()))
        .collect()
}

/// Counts by status, in order of first appearance.
fn status_counts(results: &[PointResult]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for result in results {
        match counts
            .iter_mut()
            .find(|(status, _)| *status == result.status)
        {
            Some((_, count)) => *count += 1,
            None => counts.push((result.status.clone(), 1)),
        }
    }
    counts
}

/// The most points printed on the terminal; sweep.csv has them all.
const MAX_PRINTED_POINTS: usize = 20;

fn text_summary(
    name: &str,
    sweep: &Sweep,
    first: usize,
    results: &[PointResult],
    out_dir: &Path,
) -> String {
    let mut header: Vec<String> = sweep.varies.iter().map(|v| v.path.clone()).collect();
    header.push("status".to_string());
    header.push("objective".to_string());
    let rows: Vec<Vec<String>> = results
        .iter()
        .enumerate()
        .take(MAX_PRINTED_POINTS)
        .map(|(index, result)| {
            let mut row: Vec<String> = sweep
                .values(first + index)
                .into_iter()
                .map(|value| value.text.clone())
                .collect();
            row.push(result.status.clone());
            row.push(
                result
                    .objective
                    .map(crate::number::format_number)
                    .unwrap_or_default(),
            );
            row
        })
        .collect();
    let counts = status_counts(results)
        .into_iter()
        .map(|(status, count)| format!("{count} {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = format!("{name}: {} points ({counts})\n", results.len());
    text.push_str(&crate::report::summary::text_table(&header, &rows));
    if results.len() > MAX_PRINTED_POINTS {
        text.push_str(&format!(
            "… and {} more (see sweep.csv)\n",
            results.len() - MAX_PRINTED_POINTS
        ));
    }
    text.push_str(&format!("wrote sweep.csv to {}\n", out_dir.display()));
    text
}

fn json_summary(
    sweep: &Sweep,
    first: usize,
    results: &[PointResult],
    out_dir: &Path,
) -> serde_json::Value {
    let points: Vec<serde_json::Value> = results
        .iter()
        .enumerate()
        .map(|(index, result)| {
            let values: serde_json::Map<String, serde_json::Value> = sweep
                .values(first + index)
                .into_iter()
                .zip(&sweep.varies)
                .map(|(value, vary)| {
                    let cell = match value.number {
                        Some(number) => serde_json::json!(number),
                        None => serde_json::json!(value.text),
                    };
                    (vary.path.clone(), cell)
                })
                .collect();
            serde_json::json!({
                "values": values,
                "status": result.status,
                "objective": result.objective,
            })
        })
        .collect();
    let counts: serde_json::Map<String, serde_json::Value> = status_counts(results)
        .into_iter()
        .map(|(status, count)| (status, serde_json::json!(count)))
        .collect();
    serde_json::json!({
        "points": points,
        "statuses": counts,
        "out": out_dir.display().to_string(),
        "table": out_dir.join("sweep.csv").display().to_string(),
    })
}
