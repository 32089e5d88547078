//! Writing results: CSV tables, summary.json, charts and the text a planner
//! reads. With `spec`, the only module that touches the filesystem. Every
//! file is written atomically (to a temporary file beside it, then renamed),
//! and a path that is one of the model's inputs is refused.

pub mod document;
pub mod impact;
pub mod plan;
pub mod summary;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::solution::Solution;
use crate::tables;

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
        file.sync_all().ok();
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot move {} to {}", temporary.display(), path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Refuses to write into a folder that holds one of the inputs' files.
pub fn check_not_input(out_dir: &Path, inputs: &[PathBuf]) -> Result<()> {
    let out = std::fs::canonicalize(out_dir).unwrap_or_else(|_| out_dir.to_path_buf());
    for input in inputs {
        let input = std::fs::canonicalize(input).unwrap_or_else(|_| input.clone());
        if input.parent() == Some(out.as_path()) && input.extension().is_some_and(|e| e == "toml") {
            bail!(
                "refusing to write results into {}: it holds the model file {}; choose another --out folder",
                out_dir.display(),
                input.display()
            );
        }
    }
    Ok(())
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

/// Writes the outputs of `solve --out DIR`: summary.json, stocks.csv,
/// flows.csv, deployment.csv, costs.csv, constraints.csv, duals.csv and
/// charts/.
pub fn write_solve_outputs(out_dir: &Path, solution: &Solution) -> Result<Vec<PathBuf>> {
    write_all(&solve_outputs(out_dir, solution)?, &solution.model.inputs)
}

/// The files of `solve --out DIR`, in memory.
pub fn solve_outputs(out_dir: &Path, solution: &Solution) -> Result<Vec<(PathBuf, Vec<u8>)>> {
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
            out_dir.join("constraints.csv"),
            csv(tables::constraints_frame(solution))?,
        ),
        (
            out_dir.join("duals.csv"),
            csv(tables::rows_frame(solution))?,
        ),
    ];
    for (stem, chart) in plan::plan_charts(solution)? {
        files.push((
            out_dir.join("charts").join(format!("{stem}.png")),
            chart.png,
        ));
        files.push((
            out_dir.join("charts").join(format!("{stem}.svg")),
            chart.svg.into_bytes(),
        ));
    }
    Ok(files)
}

/// Writes every file atomically, after checking that none of them is one of
/// the model's inputs (so a refusal leaves nothing half-written).
pub fn write_all(files: &[(PathBuf, Vec<u8>)], inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    for (path, _) in files {
        refuse_input(path, inputs)?;
    }
    for (path, bytes) in files {
        write_atomic(path, bytes)?;
    }
    Ok(files.iter().map(|(path, _)| path.clone()).collect())
}
