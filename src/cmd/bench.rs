//! `wfplan bench`: generate synthetic regional models (`synthetic`, as
//! `wfplan generate` writes them) and time, per size, reading the model and
//! its CSV files, building the programme, handing it to HiGHS, solving,
//! reading the plan back and writing its tables as CSV, with the peak
//! memory; and, in the same run, HiGHS alone on the exported MPS of the same
//! model. The figures quoted in the README come from this command (run it
//! with `cargo run --release`). Sizes may have age bands on every group
//! (`medium-bands`, `--age-bands`) or whole-number course intakes (`mip`,
//! `--integer-intakes`); a MIP's row adds its status and gap, wfplan's and
//! HiGHS alone's.
//!
//! Each measurement runs in a child process (this executable, re-invoked
//! with a hidden `--one-size DIR` or `--highs-mps FILE`), so that its peak
//! memory (`VmHWM`) is its own. The child prints one JSON line.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};

use crate::synthetic::{generate, Shape, MODEL_FILE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// 1 region × 10 groups × 8 services × 10 periods
    Small,
    /// 42 regions × 20 groups × 12 services × 40 periods
    Medium,
    /// medium with 6 age bands on every group
    MediumBands,
    /// 42 regions × 40 groups × 20 services × 80 periods
    Large,
    /// 4 regions × 10 groups × 8 services × 10 periods with whole-number
    /// course intakes, minimum cohorts and fixed costs per run (a MIP)
    Mip,
}

impl Preset {
    /// (regions, groups, services, periods)
    pub fn sizes(self) -> (usize, usize, usize, usize) {
        match self {
            Preset::Small => (1, 10, 8, 10),
            Preset::Medium | Preset::MediumBands => (42, 20, 12, 40),
            Preset::Large => (42, 40, 20, 80),
            Preset::Mip => (4, 10, 8, 10),
        }
    }

    /// Age bands on every group.
    pub fn age_bands(self) -> usize {
        match self {
            Preset::MediumBands => 6,
            _ => 0,
        }
    }

    /// Whole-number course intakes.
    pub fn integer_intakes(self) -> bool {
        self == Preset::Mip
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Preset sizes, comma-separated: small (1 region × 10 groups × 8
    /// services × 10 periods), medium (42 × 20 × 12 × 40), medium-bands
    /// (medium with 6 age bands on every group), large (42 × 40 × 20 × 80),
    /// mip (4 × 10 × 8 × 10 with whole-number course intakes). Default:
    /// small, unless sizes are given below
    #[arg(long, value_enum, value_delimiter = ',', conflicts_with_all = ["regions", "groups", "services", "periods"])]
    pub size: Vec<Preset>,
    /// Regions of an explicit size (missing sizes are small's)
    #[arg(long)]
    pub regions: Option<usize>,
    /// Staff groups of an explicit size
    #[arg(long)]
    pub groups: Option<usize>,
    /// Services of an explicit size
    #[arg(long)]
    pub services: Option<usize>,
    /// Periods of an explicit size
    #[arg(long)]
    pub periods: Option<usize>,
    /// Seed of the generated models
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Age bands on every group of every size measured (overrides the
    /// preset's; 0 for none)
    #[arg(long, value_name = "BANDS")]
    pub age_bands: Option<usize>,
    /// Whole-number course intakes with minimum cohorts and fixed costs per
    /// run in every size measured (a MIP; the table adds its status and gap)
    #[arg(long)]
    pub integer_intakes: bool,
    /// Runs of each size, each in a fresh process (the fastest is reported)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    pub repeat: u64,
    /// Print one JSON document (a list of sizes) instead of the table
    #[arg(long)]
    pub json: bool,
    /// Refuse a size estimated to have more decisions (columns) than this
    #[arg(long, value_name = "N", default_value_t = crate::synthetic::MAX_COLUMNS)]
    pub max_columns: u64,
    /// Internal: measure the model in this generated folder and print JSON
    #[arg(long, hide = true, value_name = "DIR")]
    pub one_size: Option<PathBuf>,
    /// Internal: time HiGHS alone on this MPS file and print JSON
    #[arg(long, hide = true, value_name = "FILE")]
    pub highs_mps: Option<PathBuf>,
    #[command(flatten)]
    pub solver: super::SolverArgs,
}

impl Args {
    /// The shapes to measure, in order.
    pub fn shapes(&self) -> Vec<Shape> {
        let explicit = self.regions.is_some()
            || self.groups.is_some()
            || self.services.is_some()
            || self.periods.is_some();
        let presets = if self.size.is_empty() && !explicit {
            vec![Preset::Small]
        } else {
            self.size.clone()
        };
        let mut shapes: Vec<Shape> = presets
            .into_iter()
            .map(|preset| {
                let (regions, groups, services, periods) = preset.sizes();
                Shape {
                    regions,
                    groups,
                    services,
                    periods,
                    seed: self.seed,
                    age_bands: self.age_bands.unwrap_or(preset.age_bands()),
                    integer_intakes: self.integer_intakes || preset.integer_intakes(),
                }
            })
            .collect();
        if explicit {
            let (regions, groups, services, periods) = Preset::Small.sizes();
            shapes.push(Shape {
                regions: self.regions.unwrap_or(regions),
                groups: self.groups.unwrap_or(groups),
                services: self.services.unwrap_or(services),
                periods: self.periods.unwrap_or(periods),
                seed: self.seed,
                age_bands: self.age_bands.unwrap_or(0),
                integer_intakes: self.integer_intakes,
            });
        }
        shapes
    }
}

/// This process's peak resident memory in bytes (`VmHWM` of
/// `/proc/self/status`), if the system reports it.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// A temporary folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(what: &str) -> Result<Self> {
        let path = std::env::temp_dir().join(format!("wfplan-bench-{}-{what}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(TempFolder(path))
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A plan table, as `tables` builds it.
type Table = fn(&crate::solution::Solution) -> Result<polars::prelude::DataFrame>;

/// The child's side of one wfplan measurement: read, solve, write the plan's
/// tables as CSV into `DIR/plan/`, note the peak memory, then export the MPS
/// (`DIR/model.mps`, for HiGHS alone; not timed, not in the peak).
fn measure_wfplan(dir: &Path, options: &crate::solve::SolverOptions) -> Result<Value> {
    let start = Instant::now();
    let model = crate::spec::load(&dir.join(MODEL_FILE), None, &[])?;
    let read = start.elapsed().as_secs_f64();
    let solution = crate::solve::solve_with(&model, options)?;
    let start = Instant::now();
    let plan = dir.join("plan");
    std::fs::create_dir_all(&plan)?;
    let tables: [(&str, Table); 6] = [
        ("stocks.csv", crate::tables::stocks_frame),
        ("flows.csv", crate::tables::flows_frame),
        ("deployment.csv", crate::tables::deployment_frame),
        ("costs.csv", crate::tables::costs_frame),
        ("constraints.csv", crate::tables::constraints_frame),
        ("duals.csv", crate::tables::rows_frame),
    ];
    for (name, frame) in tables {
        let bytes = crate::tables::to_csv(&mut frame(&solution)?)?;
        std::fs::write(plan.join(name), bytes)?;
    }
    // A model with age bands also writes its pyramid, as `solve --out` does.
    if model.groups.iter().any(|g| g.age.is_some()) {
        let bytes = crate::tables::to_csv(&mut crate::tables::ages_frame(&solution)?)?;
        std::fs::write(plan.join("ages.csv"), bytes)?;
    }
    let write = start.elapsed().as_secs_f64();
    let peak = peak_memory_bytes();
    let t = solution.timings;
    let lp = &solution.lp;
    let first = lp
        .objectives
        .first()
        .ok_or_else(|| anyhow!("the model has no objective"))?;
    let nonzeros = crate::solve::sparse_lp(lp, first, &[]).row_index.len();
    let mps = crate::lp::export::to_mps_format(lp, &model.name);
    std::fs::write(dir.join("model.mps"), mps)?;
    // A MIP's status, largest gap over its stages, and size; null for an LP.
    let mip = solution.mip.as_ref();
    Ok(json!({
        "integer_columns": mip.map(|m| m.integer_columns),
        "mip_status": mip.map(|m| m.status().to_string()),
        "mip_gap": mip.map(|m| m.gap()).filter(|g| g.is_finite()),
        "mip_nodes": mip.map(|m| m.stages.iter().map(|s| s.nodes).sum::<i64>()),
        "variables": lp.columns.len(),
        "rows": lp.rows.len(),
        "nonzeros": nonzeros,
        "objective": solution.objective,
        "read_s": read,
        "build_s": t.build,
        "pass_s": t.pass,
        "solve_s": t.solve,
        "canonical_s": t.canonical,
        "back_s": t.read + t.plan,
        "write_s": write,
        "total_s": read + t.build + t.pass + t.solve + t.canonical + t.read + t.plan + write,
        "peak_bytes": peak,
    }))
}

/// The child's side of HiGHS alone: read the MPS file and run, with the
/// same options.
fn measure_highs(file: &Path, options: &crate::solve::SolverOptions) -> Result<Value> {
    let mut highs = crate::solver::Highs::new()?;
    highs.apply(options)?;
    let start = Instant::now();
    highs.read_model(file)?;
    let read = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let status = highs.run();
    let solve = start.elapsed().as_secs_f64();
    let peak = peak_memory_bytes();
    let mip = highs.has_integer_columns();
    // A MIP stopped by a limit is measured all the same: its status says
    // so, with its gap and objective when it had a whole-number plan.
    let stopped = mip && crate::solve::stopped_by_limit(&status);
    if status != crate::solve::Status::Optimal && !stopped {
        bail!("HiGHS alone on {}: {status}", file.display());
    }
    let plan = status == crate::solve::Status::Optimal || highs.has_feasible_solution();
    Ok(json!({
        "mip_status": mip.then(|| status.as_str().to_string()),
        "mip_gap": if mip && plan { highs.mip_gap().filter(|g| g.is_finite()) } else { None },
        "objective": plan.then(|| highs.objective_value()),
        "read_s": read,
        "solve_s": solve,
        "total_s": read + solve,
        "peak_bytes": peak,
    }))
}

/// The solver options as command-line arguments, for a child.
fn solver_arguments(solver: &super::SolverArgs) -> Vec<String> {
    let mut arguments = vec!["--threads".to_string(), solver.threads.to_string()];
    if let Some(seconds) = solver.time_limit {
        arguments.extend(["--time-limit".to_string(), seconds.to_string()]);
    }
    for option in &solver.solver_options {
        arguments.extend(["--solver-option".to_string(), option.clone()]);
    }
    if solver.any_optimum {
        arguments.push("--any-optimum".to_string());
    }
    arguments
}

/// Runs this executable as `bench <flag> <path>` and parses its JSON line.
fn child(flag: &str, path: &Path, solver: &super::SolverArgs) -> Result<Value> {
    let exe = std::env::current_exe().context("cannot find wfplan's own executable")?;
    let output = Command::new(exe)
        .arg("bench")
        .arg(flag)
        .arg(path)
        .args(solver_arguments(solver))
        .output()
        .context("cannot run wfplan's own executable")?;
    if !output.status.success() {
        bail!(
            "{}",
            String::from_utf8_lossy(&output.stderr)
                .trim()
                .trim_start_matches("error: ")
        );
    }
    serde_json::from_slice(&output.stdout).context("the measuring process printed no JSON")
}

/// The fastest of `repeat` runs (by `total_s`).
fn best_of(repeat: u64, mut run: impl FnMut() -> Result<Value>) -> Result<Value> {
    let mut best: Option<Value> = None;
    for _ in 0..repeat {
        let value = run()?;
        let faster = best
            .as_ref()
            .is_none_or(|b| value["total_s"].as_f64() < b["total_s"].as_f64());
        if faster {
            best = Some(value);
        }
    }
    best.ok_or_else(|| anyhow!("no run"))
}

/// Measures one shape: wfplan, then HiGHS alone, each the best of `repeat`.
fn measure(shape: Shape, args: &Args) -> Result<Value> {
    let folder = TempFolder::new(&format!(
        "{}x{}x{}x{}x{}{}",
        shape.regions,
        shape.groups,
        shape.services,
        shape.periods,
        shape.age_bands,
        if shape.integer_intakes { "i" } else { "" }
    ))?;
    generate(shape)
        .write_into(&folder.0)
        .with_context(|| format!("cannot write the model into {}", folder.0.display()))?;
    let what = format!(
        "{} regions × {} groups × {} services × {} periods{}{}",
        shape.regions,
        shape.groups,
        shape.services,
        shape.periods,
        if shape.age_bands > 0 {
            format!(" × {} age bands", shape.age_bands)
        } else {
            String::new()
        },
        if shape.integer_intakes {
            ", whole-number intakes"
        } else {
            ""
        }
    );
    let wfplan = best_of(args.repeat, || child("--one-size", &folder.0, &args.solver))
        .with_context(|| format!("bench, {what}"))?;
    let mps = folder.0.join("model.mps");
    let highs = best_of(args.repeat, || child("--highs-mps", &mps, &args.solver))
        .with_context(|| format!("bench, HiGHS alone, {what}"))?;
    let ratio = |key: &str| match (wfplan[key].as_f64(), highs[key].as_f64()) {
        (Some(a), Some(b)) if b > 0.0 => json!(a / b),
        _ => Value::Null,
    };
    Ok(json!({
        "regions": shape.regions,
        "groups": shape.groups,
        "services": shape.services,
        "periods": shape.periods,
        "age_bands": shape.age_bands,
        "integer_intakes": shape.integer_intakes,
        "seed": shape.seed,
        "repeat": args.repeat,
        "wfplan": wfplan,
        "highs": highs,
        "time_ratio": ratio("total_s"),
        "memory_ratio": ratio("peak_bytes"),
    }))
}

const COLUMNS: [(&str, usize); 27] = [
    ("regions", 7),
    ("groups", 6),
    ("services", 8),
    ("periods", 7),
    ("bands", 5),
    ("variables", 10),
    ("rows", 9),
    ("nonzeros", 10),
    ("read_s", 8),
    ("build_s", 8),
    ("pass_s", 8),
    ("solve_s", 8),
    ("canonical_s", 11),
    ("back_s", 8),
    ("write_s", 8),
    ("total_s", 8),
    ("peak_MB", 8),
    ("highs_read_s", 12),
    ("highs_solve_s", 13),
    ("highs_total_s", 13),
    ("highs_peak_MB", 13),
    ("time_x", 7),
    ("mem_x", 6),
    ("mip_status", 18),
    ("mip_gap", 9),
    ("highs_mip_status", 18),
    ("highs_mip_gap", 13),
];

fn table_row(row: &Value) -> String {
    let w = &row["wfplan"];
    let h = &row["highs"];
    let seconds = |v: &Value| v.as_f64().map_or("-".into(), |s| format!("{s:.3}"));
    let megabytes = |v: &Value| {
        v.as_f64()
            .map_or("-".into(), |b| format!("{:.0}", b / 1_048_576.0))
    };
    let ratio = |v: &Value| v.as_f64().map_or("-".into(), |r| format!("{r:.2}"));
    let gap = |v: &Value| {
        v.as_f64()
            .map_or("-".into(), |g| format!("{:.3}%", 100.0 * g))
    };
    // "-" for a linear programme; spaces would split the column.
    let status = |v: &Value| v.as_str().map_or("-".into(), |s| s.replace(' ', "_"));
    let cells = [
        row["regions"].to_string(),
        row["groups"].to_string(),
        row["services"].to_string(),
        row["periods"].to_string(),
        row["age_bands"].to_string(),
        w["variables"].to_string(),
        w["rows"].to_string(),
        w["nonzeros"].to_string(),
        seconds(&w["read_s"]),
        seconds(&w["build_s"]),
        seconds(&w["pass_s"]),
        seconds(&w["solve_s"]),
        seconds(&w["canonical_s"]),
        seconds(&w["back_s"]),
        seconds(&w["write_s"]),
        seconds(&w["total_s"]),
        megabytes(&w["peak_bytes"]),
        seconds(&h["read_s"]),
        seconds(&h["solve_s"]),
        seconds(&h["total_s"]),
        megabytes(&h["peak_bytes"]),
        ratio(&row["time_ratio"]),
        ratio(&row["memory_ratio"]),
        status(&w["mip_status"]),
        gap(&w["mip_gap"]),
        status(&h["mip_status"]),
        gap(&h["mip_gap"]),
    ];
    let mut line = cells
        .iter()
        .zip(COLUMNS)
        .map(|(cell, (_, width))| format!("{cell:>width$}"))
        .collect::<Vec<_>>()
        .join(" ");
    line.push('\n');
    line
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    if let Some(dir) = &args.one_size {
        let value = measure_wfplan(dir, &options)?;
        return crate::terminal::write_stdout((value.to_string() + "\n").as_bytes());
    }
    if let Some(file) = &args.highs_mps {
        let value = measure_highs(file, &options)?;
        return crate::terminal::write_stdout((value.to_string() + "\n").as_bytes());
    }
    let shapes = args.shapes();
    for shape in &shapes {
        if let Err(message) = shape
            .check()
            .and_then(|()| shape.check_columns(args.max_columns))
        {
            bail!("bench: {message}");
        }
    }
    if !args.json {
        let header = COLUMNS
            .iter()
            .map(|(name, width)| format!("{name:>width$}"))
            .collect::<Vec<_>>()
            .join(" ");
        crate::terminal::print_text(&(header + "\n"))?;
    }
    let mut rows = Vec::new();
    for shape in shapes {
        let row = measure(shape, args)?;
        if !args.json {
            crate::terminal::print_text(&table_row(&row))?;
        }
        rows.push(row);
    }
    if args.json {
        return crate::terminal::write_stdout(
            (serde_json::to_string_pretty(&Value::Array(rows))? + "\n").as_bytes(),
        );
    }
    Ok(())
}
