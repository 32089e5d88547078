//! `wfplan merge DIR... --out DIR`: joins the partition folders of a run
//! made with `--shard I/N` into the folder the unsharded run writes (see
//! `crate::shard`): every table byte for byte, its Parquet twin, and for a
//! sweep the trade-off report built from the joined table, for a
//! simulation quantiles.csv, conditions.csv, fan charts and report built
//! from the shards' results.json (`crate::simulate::stored`).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;

use crate::report::{unit, OutputFolder, UnitFile};
use crate::shard::{self, Partition};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The partition folders (the --out folders of every --shard I/N run)
    #[arg(required = true, value_name = "DIR")]
    pub partitions: Vec<PathBuf>,
    /// The folder to write (replaced as a whole if it is a wfplan output)
    #[arg(long, short = 'o', value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Also write the joined tables as one Excel workbook, the same as
    /// the unsharded run's --xlsx (replacing FILE atomically)
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Print nothing on standard output
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let out = canonical(&args.out);
    for partition in &args.partitions {
        if canonical(partition).starts_with(&out) {
            bail!(
                "refusing to write the merge into {}: it is or holds the partition {}, and an output folder is replaced as a whole; choose another --out folder",
                args.out.display(),
                partition.display()
            );
        }
    }
    let partitions = shard::read_partitions(&args.partitions)?;
    if let Some(path) = &args.xlsx {
        // The model file the shards recorded (a simulation's merge reads it
        // again) and everything in the partition folders are inputs.
        let models: Vec<PathBuf> = partitions
            .iter()
            .flat_map(|partition| {
                ["model", "model_absolute"].into_iter().filter_map(|note| {
                    let recorded = partition.manifest.notes.get(note)?.as_str()?;
                    Some(PathBuf::from(recorded))
                })
            })
            .collect();
        let mut folders: Vec<(&Path, &str)> = partitions
            .iter()
            .map(|partition| (partition.dir.as_path(), "the partition folder"))
            .collect();
        folders.push((&args.out, "the --out folder"));
        crate::report::refuse_output_file("--xlsx", path, &models, &folders)?;
    }
    let folder = OutputFolder::claim(&args.out, &[])?;
    let first = &partitions[0].manifest;
    let mut files: Vec<UnitFile> = Vec::new();
    let mut sweep_frame = None;
    for table in &first.tables {
        let mut parts = Vec::new();
        for partition in &partitions {
            let path = partition.dir.join(table);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            parts.push((partition.manifest.indices.clone(), text));
        }
        let merged = shard::merge_csv(&parts, table)?;
        files.push((PathBuf::from(table), merged.into_bytes()));
        if let Some(stem) = table.strip_suffix(".csv") {
            let parquet = format!("{stem}.parquet");
            if partitions.iter().all(|p| p.dir.join(&parquet).is_file()) {
                let mut frame = merge_parquet(&partitions, &parquet)?;
                files.push((
                    PathBuf::from(&parquet),
                    crate::tables::to_parquet(&mut frame)?,
                ));
                if stem == "sweep" {
                    sweep_frame = Some(frame);
                }
            }
        }
    }
    let mut workbook = None;
    if first.kind == "sweep" {
        if let Some(frame) = &sweep_frame {
            let facts = crate::report::sweep::SweepFacts::from_partition(first)?;
            files.extend(crate::report::sweep::sweep_report_files(frame, &facts)?);
            if args.xlsx.is_some() {
                let about: Vec<(String, String)> = first
                    .notes
                    .get(super::sweep::WORKBOOK_ABOUT)
                    .and_then(|value| serde_json::from_value(value.clone()).ok())
                    .ok_or_else(|| {
                        anyhow!(
                            "the partitions do not record the workbook's first sheet (written by an older wfplan); run merge without --xlsx"
                        )
                    })?;
                workbook = Some((
                    about,
                    vec![("sweep".to_string(), frame.clone())],
                    facts.currency,
                ));
            }
        }
    }
    if first.kind == "simulate" {
        let (merged, book) = super::simulate::merged_files(&partitions)?;
        files.extend(merged);
        workbook = Some((book.about, book.tables, book.currency));
    }
    let manifest_path = partitions[0].dir.join(unit::MANIFEST);
    let base: Option<serde_json::Value> = std::fs::read(&manifest_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    folder.write_with(&files, |files| {
        let mut value = base.unwrap_or_else(|| serde_json::json!({ "wfplan_manifest": 1 }));
        if let Some(options) = value
            .get_mut("options")
            .and_then(serde_json::Value::as_object_mut)
        {
            options.remove("shard");
        }
        value["outputs"] = unit::outputs_json(files);
        Ok(serde_json::to_string_pretty(&value)? + "\n")
    })?;
    if let Some(path) = &args.xlsx {
        let Some((about, tables, currency)) = &workbook else {
            bail!(
                "--xlsx {}: the partitions lack the Parquet tables the workbook is built from; run merge without --xlsx",
                path.display()
            );
        };
        let bytes = crate::xlsx::write_workbook_with_bases(
            about,
            tables,
            currency,
            super::sweep::RUN_BASES,
        )?;
        crate::report::write_output_file(path, &bytes, &[])?;
    }
    if !args.quiet {
        terminal::print_text(&format!(
            "merged {} partitions ({} {}) of a {} into {}\n",
            partitions.len(),
            first.points,
            if first.kind == "simulate" {
                "samples"
            } else {
                "points"
            },
            first.kind,
            args.out.display()
        ))?;
    }
    Ok(())
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The partitions' `name` Parquet files as one frame: columns in order of
/// first appearance (a column a partition lacks is null in its rows, with
/// the type it has elsewhere), rows in point order.
fn merge_parquet(partitions: &[Partition], name: &str) -> Result<DataFrame> {
    let mut frames = Vec::new();
    for partition in partitions {
        let path = partition.dir.join(name);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let frame = crate::tables::from_parquet(&bytes)
            .with_context(|| format!("cannot read {} as Parquet", path.display()))?;
        if frame.height() != partition.manifest.indices.len() {
            bail!(
                "{}: {} rows for the partition's {} points",
                path.display(),
                frame.height(),
                partition.manifest.indices.len()
            );
        }
        frames.push(frame);
    }
    let mut names: Vec<PlSmallStr> = Vec::new();
    let mut types: Vec<DataType> = Vec::new();
    for frame in &frames {
        for column in frame.columns() {
            if !names.contains(column.name()) {
                names.push(column.name().clone());
                types.push(column.dtype().clone());
            }
        }
    }
    let mut merged: Option<DataFrame> = None;
    for frame in &frames {
        let height = frame.height();
        let columns: Vec<Column> = names
            .iter()
            .zip(&types)
            .map(|(name, dtype)| match frame.column(name) {
                Ok(column) => column.clone(),
                Err(_) => Column::full_null(name.clone(), height, dtype),
            })
            .collect();
        let frame = DataFrame::new(height, columns)?;
        match &mut merged {
            None => merged = Some(frame),
            Some(merged) => {
                merged.vstack_mut(&frame)?;
            }
        }
    }
    let merged = merged.ok_or_else(|| anyhow!("no partitions"))?;
    let indices: Vec<usize> = partitions
        .iter()
        .flat_map(|p| p.manifest.indices.iter().copied())
        .collect();
    if indices.windows(2).all(|pair| pair[0] < pair[1]) {
        return Ok(merged);
    }
    let mut order: Vec<IdxSize> = (0..indices.len() as IdxSize).collect();
    order.sort_by_key(|&row| indices[row as usize]);
    Ok(merged.take(&IdxCa::from_vec("".into(), order))?)
}
