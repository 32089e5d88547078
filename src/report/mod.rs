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

/// Writes the outputs of `solve --out DIR`: summary.json, stocks.csv,
/// flows.csv, deployment.csv, costs.csv, constraints.csv, duals.csv and
/// charts/.
pub fn write_solve_outputs(out_dir: &Path, solution: &Solution) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: &[u8]| -> Result<()> {
        let path = out_dir.join(name);
        write_atomic(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    write("summary.json", summary::summary_json(solution)?.as_bytes())?;
    write(
        "stocks.csv",
        &tables::to_csv(&mut tables::stocks_frame(solution)?)?,
    )?;
    write(
        "flows.csv",
        &tables::to_csv(&mut tables::flows_frame(solution)?)?,
    )?;
    write(
        "deployment.csv",
        &tables::to_csv(&mut tables::deployment_frame(solution)?)?,
    )?;
    write(
        "costs.csv",
        &tables::to_csv(&mut tables::costs_frame(solution)?)?,
    )?;
    write(
        "constraints.csv",
        &tables::to_csv(&mut tables::constraints_frame(solution)?)?,
    )?;
    write(
        "duals.csv",
        &tables::to_csv(&mut tables::rows_frame(solution)?)?,
    )?;
    for (stem, chart) in plan::plan_charts(solution)? {
        write(&format!("charts/{stem}.png"), &chart.png)?;
        write(&format!("charts/{stem}.svg"), chart.svg.as_bytes())?;
    }
    Ok(written)
}
