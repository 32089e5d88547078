//! Writing results: CSV tables, summary.json, charts and the text a planner
//! reads. With `spec`, the only module that touches the filesystem. An
//! output folder is written as one unit (`unit`: staged, then swapped in
//! under a lock, with a manifest); a single output file is written to a
//! temporary file and renamed, or straight to a device or FIFO; a symbolic
//! link is refused, and so is any path that is one of the model's inputs.

pub mod ages;
pub mod document;
pub mod finance;
pub mod impact;
pub mod mip;
pub mod plan;
pub mod plan_report;
pub mod scale;
pub mod side_by_side;
pub mod simulate;
pub mod summary;
pub mod sweep;
pub mod unit;
pub mod workbook;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use wfplan_charts::Chart;
use wfplan_engine::solution::Solution;
use wfplan_engine::tables;

pub use unit::{check_not_input, OutputFolder, RunRecord, UnitFile};

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create folder {}", folder.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".to_string());
    let temporary = folder.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file = std::fs::File::create(&temporary)
            .with_context(|| format!("cannot create {}", temporary.display()))?;
        file.write_all(bytes)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        file.sync_all()
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot move {} to {}", temporary.display(), path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Writes one output file (`export --out FILE`): `-` is standard output;
/// an existing character device or FIFO (`/dev/null`, `/dev/stdout`, a
/// named pipe) is written directly; a symbolic link, a folder or any other
/// special file is refused; anything else is written atomically. A path
/// that is one of the model's inputs is refused.
pub fn write_output_file(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<()> {
    if path.as_os_str() == "-" {
        return wfplan_text::terminal::write_stdout(bytes);
    }
    match std::fs::symlink_metadata(path) {
        Ok(metadata) => {
            let kind = metadata.file_type();
            if kind.is_symlink() {
                bail!(
                    "refusing to write {}: it is a symbolic link, which would be replaced by a file; give the path it points to",
                    path.display()
                );
            }
            if is_stream(&kind) {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                return file
                    .write_all(bytes)
                    .and_then(|()| file.flush())
                    .with_context(|| format!("cannot write {}", path.display()));
            }
            if kind.is_dir() {
                bail!("refusing to write {}: it is a folder", path.display());
            }
            if !kind.is_file() {
                bail!(
                    "refusing to write {}: it is neither a regular file, a character device nor a FIFO",
                    path.display()
                );
            }
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("cannot inspect {}", path.display()))
        }
    }
    refuse_input(path, inputs)?;
    write_atomic(path, bytes)
}

#[cfg(unix)]
fn is_stream(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_char_device() || kind.is_fifo()
}

#[cfg(not(unix))]
fn is_stream(_kind: &std::fs::FileType) -> bool {
    false
}

/// Refuses to write over a file the model was read from.
pub fn refuse_input(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    for input in inputs {
        let input = std::fs::canonicalize(input).unwrap_or_else(|_| input.clone());
        if input == target {
            bail!(
                "refusing to write {}: it is one of the model's inputs; choose another --out folder",
                path.display()
            );
        }
    }
    Ok(())
}

/// `path` made absolute without needing it to exist: canonical if it
/// exists, else its canonical folder joined with its name, else as given
/// joined to the current folder.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(parent), path.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// Refuses an output file (`--xlsx FILE`) before any work is done if it
/// would take the place of an input of the run — `inputs` are the files
/// any point of the run reads (the model file, its CSV and workbook
/// series) — or lie inside one of `folders`, each with what it is for the
/// message: the `--out` folder (replaced as a whole, which would remove
/// the file, or leave it out of the manifest) and `merge`'s partition
/// folders (its inputs).
pub fn refuse_output_file(
    flag: &str,
    path: &Path,
    inputs: &[PathBuf],
    folders: &[(&Path, &str)],
) -> Result<()> {
    if path.as_os_str() == "-" {
        return Ok(());
    }
    let target = resolved(path);
    for input in inputs {
        if resolved(input) == target {
            bail!(
                "refusing to write {flag} {}: it is one of the run's inputs ({}); choose another file",
                path.display(),
                input.display()
            );
        }
    }
    for (folder, what) in folders {
        if target.starts_with(resolved(folder)) {
            bail!(
                "refusing to write {flag} {}: it is inside {what} {}, which this run replaces or reads as a whole; write the file outside it",
                path.display(),
                folder.display()
            );
        }
    }
    Ok(())
}

/// charts/STEM.png and charts/STEM.svg of each chart, under `out_dir`.
pub fn chart_files(out_dir: &Path, charts: &[(String, Chart)]) -> Vec<UnitFile> {
    let mut files = Vec::with_capacity(2 * charts.len());
    for (stem, chart) in charts {
        files.push((
            out_dir.join("charts").join(format!("{stem}.png")),
            chart.png.clone(),
        ));
        files.push((
            out_dir.join("charts").join(format!("{stem}.svg")),
            chart.svg.clone().into_bytes(),
        ));
    }
    files
}

/// report.md and report.html of a document under `out_dir`, the HTML with
/// each chart the document names (by stem) inlined.
pub fn document_files(
    out_dir: &Path,
    document: &document::Document,
    charts: &[(String, Chart)],
) -> [UnitFile; 2] {
    let html = document.to_html(|stem| {
        charts
            .iter()
            .find(|(s, _)| s == stem)
            .map(|(_, c)| c.clone())
    });
    [
        (
            out_dir.join("report.md"),
            document.to_markdown().into_bytes(),
        ),
        (out_dir.join("report.html"), html.into_bytes()),
    ]
}

/// The files of `solve --out DIR` with its report (report.md and
/// report.html), the charts drawn once for both.
pub fn solve_outputs_with_report(out_dir: &Path, solution: &Solution) -> Result<Vec<UnitFile>> {
    let charts = plan::plan_charts(solution)?;
    let mut files = plan_files(out_dir, solution, &charts)?;
    files.extend(document_files(
        out_dir,
        &plan_report::plan_document(solution),
        &charts,
    ));
    Ok(files)
}

/// The files of one solved plan, in memory, under `out_dir` (a path
/// relative to the output folder; empty for its top): summary.json,
/// stocks.csv, flows.csv, deployment.csv, costs.csv, costs_by_group.csv,
/// constraints.csv, duals.csv and charts/. Timings go to timings.json (`timings_json`).
pub fn solve_outputs(out_dir: &Path, solution: &Solution) -> Result<Vec<UnitFile>> {
    plan_files(out_dir, solution, &plan::plan_charts(solution)?)
}

/// `solve_outputs` with the plan's charts already drawn.
fn plan_files(
    out_dir: &Path,
    solution: &Solution,
    charts: &[(String, Chart)],
) -> Result<Vec<UnitFile>> {
    let csv = |frame: Result<polars::prelude::DataFrame>| -> Result<Vec<u8>> {
        tables::to_csv(&mut frame?)
    };
    let mut files = vec![
        (
            out_dir.join("summary.json"),
            summary::summary_json(solution)?.into_bytes(),
        ),
        (
            out_dir.join("stocks.csv"),
            csv(tables::stocks_frame(solution))?,
        ),
        (
            out_dir.join("flows.csv"),
            csv(tables::flows_frame(solution))?,
        ),
        (
            out_dir.join("deployment.csv"),
            csv(tables::deployment_frame(solution))?,
        ),
        (
            out_dir.join("costs.csv"),
            csv(tables::costs_frame(solution))?,
        ),
        (
            out_dir.join("costs_by_group.csv"),
            csv(finance::plan_costs_frame(solution))?,
        ),
        (
            out_dir.join("constraints.csv"),
            csv(tables::constraints_frame(solution))?,
        ),
        (
            out_dir.join("duals.csv"),
            csv(tables::rows_frame(solution))?,
        ),
    ];
    // Demand derived from drivers: where it comes from (models without a
    // `need` write the files they always did).
    if solution.model.services.iter().any(|s| !s.need.is_empty()) {
        files.push((
            out_dir.join("demand.csv"),
            csv(tables::demand_frame(&solution.model))?,
        ));
    }
    // Published figures beside the plan (models without `history` write
    // the files they always did).
    if !solution.model.history.is_empty() {
        let scenario = solution.model.scenario.as_deref().unwrap_or("base");
        files.push((
            out_dir.join("history_fit.csv"),
            csv(tables::history_fit_frame(&tables::history_points(
                scenario, solution,
            )?))?,
        ));
    }
    // Age bands: the age pyramid by period (models without bands write
    // the files they always did).
    if solution.model.groups.iter().any(|g| g.age.is_some()) {
        files.push((out_dir.join("ages.csv"), csv(tables::ages_frame(solution))?));
    }
    files.extend(chart_files(out_dir, charts));
    Ok(files)
}

/// The run timings of solved plans, by scenario label: timings.json. Kept
/// out of summary.json so every other file is the same between two runs.
/// `read_seconds` is reading the model and its CSV files, `build_seconds`
/// building the programme, `solve_seconds` handing it to HiGHS, solving and
/// reading the plan back (`canonical_seconds` of it the canonical plan's
/// two stages, `solve::canonical_plan`), and `write_seconds` building the output files in
/// memory (tables, summary, charts; the folder is written after, with this
/// file in it).
pub fn timings_json(plans: &[(&str, &Solution)]) -> Result<Vec<u8>> {
    let value = serde_json::Value::Object(
        plans
            .iter()
            .map(|(label, solution)| {
                (
                    label.to_string(),
                    serde_json::json!({
                        "read_seconds": solution.timings.load,
                        "build_seconds": solution.build_seconds,
                        "solve_seconds": solution.solve_seconds,
                        "canonical_seconds": solution.timings.canonical,
                        "write_seconds": solution.timings.write,
                    }),
                )
            })
            .collect(),
    );
    Ok((serde_json::to_string_pretty(&value)? + "\n").into_bytes())
}
