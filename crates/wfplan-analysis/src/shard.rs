//! Running the points of a sweep (or any list of independent points) on
//! several machines: `--shard I/N` takes a deterministic slice of the
//! points and writes a *partition* folder; `wfplan merge` joins the
//! partitions into exactly the folder an unsharded run writes.
//!
//! * **Slices.** [`shard_points`]: the points are cut into the warm runs of
//!   [`crate::sweep::chunk_len`] (the same runs an unsharded sweep solves,
//!   so every point starts from the same neighbour and gives the same row),
//!   and shard I of N takes runs ⌊(I−1)·R/N⌋ up to ⌊I·R/N⌋ of the R runs: a
//!   contiguous block of points. With more shards than runs some shards are
//!   empty (their partition has no rows).
//! * **Partition folder.** The command's usual tables for its slice, each
//!   built as the whole run would build it (column types fixed by the whole
//!   list of points), plus `partition.json`: what produced it — the kind of
//!   run, an *identity* (model file and the SHA-256 of every input, scenario,
//!   `--set`, `--vary`, options) that every partition of one run shares, the
//!   shard I/N, the number of points and the indices of this slice's points
//!   — and the tables it holds.
//! * **Merge.** [`read_partitions`] checks, before reading any table, that
//!   the partitions share one identity and one N, that shards 1..N are each
//!   there once and that their points neither overlap nor miss one; then
//!   [`merge_csv`] joins each table's rows in point order. A row of a
//!   polars CSV does not depend on the other rows, and the header of a
//!   whole run lists the columns in order of first appearance, which is the
//!   union of the partitions' headers taken in point order; so the joined
//!   text is byte for byte the unsharded table.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The file in every partition folder.
pub const PARTITION: &str = "partition.json";

/// Shard `index` of `count`, numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The most shards one run may be cut into.
pub const MAX_SHARDS: usize = 100_000;

/// Parses `I/N`: 1 ≤ I ≤ N.
pub fn parse_shard(text: &str) -> Result<Shard> {
    let fail = |reason: &str| anyhow!("--shard {text}: {reason}");
    let Some((index, count)) = text.split_once('/') else {
        return Err(fail(
            "expected I/N, shard I of N counted from 1, e.g. --shard 2/8",
        ));
    };
    let number = |part: &str, name: &str| {
        part.trim().parse::<usize>().map_err(|_| {
            fail(&format!(
                "{name} must be a whole number, not '{}'",
                part.trim()
            ))
        })
    };
    let index = number(index, "I")?;
    let count = number(count, "N")?;
    if count == 0 {
        return Err(fail("N, the number of shards, must be at least 1"));
    }
    if count > MAX_SHARDS {
        return Err(fail(&format!("at most {MAX_SHARDS} shards")));
    }
    if index == 0 {
        return Err(fail(&format!(
            "shards are numbered from 1 to {count}; from a 0-based index such as SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX pass $((INDEX + 1))/{count}"
        )));
    }
    if index > count {
        return Err(fail(&format!(
            "there is no shard {index} of {count}; shards are numbered from 1 to {count}"
        )));
    }
    Ok(Shard { index, count })
}

/// The points of shard I/N of `points`: whole warm runs of
/// [`crate::sweep::chunk_len`] points, shard I taking runs
/// ⌊(I−1)·R/N⌋..⌊I·R/N⌋ of R. Deterministic, contiguous, and together the
/// N slices are `0..points` once each.
pub fn shard_points(points: usize, shard: Shard) -> Range<usize> {
    let run = crate::sweep::chunk_len(points);
    let runs = points.div_ceil(run);
    let first_run = (shard.index - 1) * runs / shard.count;
    let end_run = shard.index * runs / shard.count;
    (first_run * run).min(points)..(end_run * run).min(points)
}

/// The SHA-256 of each input after the first (the model file, hashed from
/// its text by the caller): `[file name, hex digest]` pairs, for a
/// partition's identity.
pub fn inputs_sha256(inputs: &[PathBuf]) -> Result<serde_json::Value> {
    let mut hashes = Vec::new();
    for input in inputs.iter().skip(1) {
        let bytes = std::fs::read(input).map_err(|error| {
            anyhow!(
                "cannot read the input {} to hash it: {error}",
                input.display()
            )
        })?;
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        hashes.push(serde_json::json!([
            name,
            wfplan_text::digest::sha256_hex(&bytes)
        ]));
    }
    Ok(serde_json::Value::Array(hashes))
}

/// partition.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionManifest {
    /// Marks the file (and its version).
    pub wfplan_partition: u32,
    /// The command that wrote it: `sweep`, `simulate`, ...
    pub kind: String,
    /// What every partition of one run shares; compared field by field.
    pub identity: BTreeMap<String, serde_json::Value>,
    pub shard: Shard,
    /// Points in the whole run.
    pub points: usize,
    /// This partition's points, in the order of its tables' rows.
    pub indices: Vec<usize>,
    /// Its CSV tables (one row per point, after the header), e.g. sweep.csv.
    pub tables: Vec<String>,
    /// Extra facts for the merged output (e.g. each condition's kind), not
    /// compared.
    #[serde(default)]
    pub notes: BTreeMap<String, serde_json::Value>,
}

impl PartitionManifest {
    pub fn to_json(&self) -> Result<Vec<u8>> {
        Ok((serde_json::to_string_pretty(self)? + "\n").into_bytes())
    }
}

/// A partition folder read back.
#[derive(Debug, Clone)]
pub struct Partition {
    pub dir: PathBuf,
    pub manifest: PartitionManifest,
}

/// The version of partition.json this wfplan writes and reads.
pub const PARTITION_VERSION: u32 = 1;

/// The most points a partitioned run may have: the larger of a sweep's
/// (10,000 points) and a simulation's (100,000 samples) limits.
pub const MAX_RUN_POINTS: usize = 100_000;

/// Checks one partition.json read from disk as untrusted input, before
/// anything is allocated from its numbers: its version, kind, shard I/N
/// (1 ≤ I ≤ N ≤ [`MAX_SHARDS`]), number of points (at most
/// [`MAX_RUN_POINTS`]), indices, and tables (plain `.csv` file names in
/// the folder). The reason names the field.
fn check_manifest(manifest: &PartitionManifest) -> Result<(), String> {
    if manifest.wfplan_partition != PARTITION_VERSION {
        return Err(format!(
            "field 'wfplan_partition': format version {}, but this wfplan reads version {PARTITION_VERSION} only; run every shard again with this wfplan",
            manifest.wfplan_partition
        ));
    }
    if !matches!(manifest.kind.as_str(), "sweep" | "simulate") {
        return Err(format!(
            "field 'kind': '{}', expected sweep or simulate",
            wfplan_text::terminal::excerpt(&manifest.kind)
        ));
    }
    let Shard { index, count } = manifest.shard;
    if count == 0 || count > MAX_SHARDS {
        return Err(format!(
            "field 'shard': {count} shards, expected 1 to {MAX_SHARDS}"
        ));
    }
    if index == 0 || index > count {
        return Err(format!(
            "field 'shard': shard {index} of {count}, expected a shard numbered 1 to {count}"
        ));
    }
    if manifest.points > MAX_RUN_POINTS {
        return Err(format!(
            "field 'points': {} points, but a run has at most {MAX_RUN_POINTS}",
            manifest.points
        ));
    }
    if manifest.indices.len() > manifest.points {
        return Err(format!(
            "field 'indices': {} points in this partition, more than the run's {}",
            manifest.indices.len(),
            manifest.points
        ));
    }
    for table in &manifest.tables {
        let plain = !table.starts_with('.')
            && table.ends_with(".csv")
            && table.len() <= 64
            && table
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !plain {
            return Err(format!(
                "field 'tables': '{}' is not a table of the folder (expected a plain file name ending in .csv, at most 64 letters, digits, '_', '-' and '.')",
                wfplan_text::terminal::excerpt(table)
            ));
        }
    }
    Ok(())
}

/// How an identity field is named in an error.
fn identity_words(field: &str) -> String {
    match field {
        "model_sha256" => "models (the model file's SHA-256 differs)".to_string(),
        "inputs_sha256" => "model inputs (a CSV file's SHA-256 differs)".to_string(),
        "vary" => "--vary lists".to_string(),
        "scenario" => "scenarios".to_string(),
        "set" => "--set values".to_string(),
        other => format!("{other} settings"),
    }
}

/// Reads `DIR/partition.json` of every folder and checks that they are the
/// N shards of one run, each once, together covering every point once.
/// Nothing else is read before these checks pass.
pub fn read_partitions(dirs: &[PathBuf]) -> Result<Vec<Partition>> {
    if dirs.is_empty() {
        bail!("merge needs at least one partition folder");
    }
    let mut partitions = Vec::new();
    for dir in dirs {
        let path = dir.join(PARTITION);
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "{}: not a partition folder (cannot read {PARTITION}); give the --out folders of runs with --shard",
                dir.display()
            )
        })?;
        let manifest: PartitionManifest = serde_json::from_slice(&bytes)
            .with_context(|| format!("{}: not a wfplan partition manifest", path.display()))?;
        check_manifest(&manifest)
            .map_err(|reason| anyhow!("{}: {reason}; it cannot be merged", path.display()))?;
        partitions.push(Partition {
            dir: dir.clone(),
            manifest,
        });
    }
    let first = &partitions[0];
    for other in &partitions[1..] {
        let (a, b) = (&first.manifest, &other.manifest);
        if a.kind != b.kind {
            bail!(
                "partitions from different commands: {} is from {}, {} from {}",
                first.dir.display(),
                a.kind,
                other.dir.display(),
                b.kind
            );
        }
        let fields: std::collections::BTreeSet<&String> =
            a.identity.keys().chain(b.identity.keys()).collect();
        for field in fields {
            let (x, y) = (a.identity.get(field), b.identity.get(field));
            if x != y {
                let show = |value: Option<&serde_json::Value>| {
                    value.map_or_else(|| "none".to_string(), |v| v.to_string())
                };
                bail!(
                    "partitions from different {}: {} has {field} {}, {} has {}; merge only the shards of one run",
                    identity_words(field),
                    first.dir.display(),
                    show(x),
                    other.dir.display(),
                    show(y)
                );
            }
        }
        if a.shard.count != b.shard.count || a.points != b.points {
            bail!(
                "partitions of runs cut differently: {} is shard {} of {} points, {} is shard {} of {} points",
                first.dir.display(),
                a.shard,
                a.points,
                other.dir.display(),
                b.shard,
                b.points
            );
        }
    }
    let count = first.manifest.shard.count;
    let points = first.manifest.points;
    let mut by_shard: Vec<Option<&Partition>> = vec![None; count];
    for partition in &partitions {
        let slot = &mut by_shard[partition.manifest.shard.index - 1];
        if let Some(earlier) = slot {
            bail!(
                "shard {} is given twice: {} and {}",
                partition.manifest.shard,
                earlier.dir.display(),
                partition.dir.display()
            );
        }
        *slot = Some(partition);
    }
    let missing: Vec<String> = by_shard
        .iter()
        .enumerate()
        .filter(|(_, slot)| slot.is_none())
        .map(|(index, _)| format!("{}/{count}", index + 1))
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing shard{} {} of the {count}; merge needs every shard's folder",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        );
    }
    let mut owner: Vec<Option<&Path>> = vec![None; points];
    for partition in &partitions {
        for &index in &partition.manifest.indices {
            if index >= points {
                bail!(
                    "{}: point {} is past the run's {points} points",
                    partition.dir.display(),
                    index + 1
                );
            }
            if let Some(earlier) = owner[index] {
                bail!(
                    "overlapping partitions: point {} is in both {} and {}",
                    index + 1,
                    earlier.display(),
                    partition.dir.display()
                );
            }
            owner[index] = Some(&partition.dir);
        }
    }
    if let Some(index) = owner.iter().position(Option::is_none) {
        bail!("no partition holds point {} of {points}", index + 1);
    }
    partitions.sort_by_key(|p| p.manifest.shard.index);
    Ok(partitions)
}

/// Splits one CSV record (no line break inside) into its fields as written
/// (quotes kept), so that a field is copied byte for byte.
fn csv_fields(line: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (position, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                fields.push(&line[start..position]);
                start = position + 1;
            }
            _ => {}
        }
    }
    fields.push(&line[start..]);
    fields
}

/// Splits CSV text into records: lines, except that a line break inside
/// quotes continues the record.
fn csv_records(text: &str) -> Vec<&str> {
    let mut records = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (position, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                records.push(&text[start..position]);
                start = position + 1;
            }
            _ => {}
        }
    }
    if start < text.len() {
        records.push(&text[start..]);
    }
    records
}

/// Joins partition tables — (the points of its rows, the CSV text) each,
/// in point order of their first points — into one: the header is the
/// union of the headers in that order, each row is copied field by field
/// into its columns (a column it lacks left empty), and rows are in point
/// order.
pub fn merge_csv(parts: &[(Vec<usize>, String)], what: &str) -> Result<String> {
    let mut header: Vec<&str> = Vec::new();
    let mut rows: Vec<(usize, Vec<(&str, &str)>)> = Vec::new();
    for (indices, text) in parts {
        let records = csv_records(text);
        let Some((first, body)) = records.split_first() else {
            bail!("{what}: a partition's table is empty (no header)");
        };
        let names = csv_fields(first);
        for name in &names {
            if !header.contains(name) {
                header.push(name);
            }
        }
        if body.len() != indices.len() {
            bail!(
                "{what}: a partition's table has {} rows for its {} points",
                body.len(),
                indices.len()
            );
        }
        for (record, &index) in body.iter().zip(indices) {
            let fields = csv_fields(record);
            if fields.len() != names.len() {
                bail!(
                    "{what}: point {}'s row has {} fields for {} columns",
                    index + 1,
                    fields.len(),
                    names.len()
                );
            }
            rows.push((index, names.iter().copied().zip(fields).collect()));
        }
    }
    rows.sort_by_key(|(index, _)| *index);
    let mut text = header.join(",");
    text.push('\n');
    for (_, fields) in rows {
        let line: Vec<&str> = header
            .iter()
            .map(|name| {
                fields
                    .iter()
                    .find(|(column, _)| column == name)
                    .map_or("", |(_, field)| field)
            })
            .collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_every_point_once_in_whole_runs() {
        for points in [1, 4, 5, 6, 20, 64, 321, 10_000] {
            for count in [1, 2, 3, 7, 64, 100] {
                let mut next = 0;
                for index in 1..=count {
                    let range = shard_points(points, Shard { index, count });
                    assert_eq!(range.start, next, "{points} points, shard {index}/{count}");
                    assert!(
                        range.start.is_multiple_of(crate::sweep::chunk_len(points))
                            || range.is_empty()
                    );
                    next = range.end;
                }
                assert_eq!(next, points);
            }
        }
    }

    #[test]
    fn merge_keeps_fields_and_fills_missing_columns() {
        let a = (vec![0, 1], "x,s,m[a]\n1.0,\"a,b\",2.0\n2.0,,\n".to_string());
        let b = (vec![2], "x,s,m[b]\n3.0,ok,4.0\n".to_string());
        let merged = merge_csv(&[a, b], "t").unwrap();
        assert_eq!(
            merged,
            "x,s,m[a],m[b]\n1.0,\"a,b\",2.0,\n2.0,,,\n3.0,ok,,4.0\n"
        );
    }
}
