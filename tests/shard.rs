//! `wfplan sweep --shard I/N` and `wfplan merge`: shards run as separate
//! processes of the built binary and merged give byte for byte the table an
//! unsharded run writes (and the same Parquet values and report); the
//! Parquet table holds every value of the CSV; bad shards and partitions
//! that do not belong together are refused before any work, each with an
//! error naming what is wrong.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

use crate::util::*;

/// pipeline_supervision.toml with a limit on senior hires in 2026 of 2 FTE
/// (the model of tests/sweep.rs, with its hand-derived curve).
fn capped_model_text() -> String {
    fixture_text("pipeline_supervision.toml")
        + "\n[[limit]]\nid = \"senior_hires\"\nexpr = \"hire(senior, *)\"\nmax = 2\nat = [\"2026\"]\n"
}

#[track_caller]
fn ok(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Exit status 1, no panic; returns stderr.
#[track_caller]
fn fails(output: Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{what}: expected exit status 1:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// 17 points, m = 0.5, 1.0, ..., 8.5: 4 warm runs of 5 (the last of 2),
/// past feasibility at m > 8 (two infeasible rows with an explanation).
const VARY: &str = "target.junior_2027.min=0.5:8.5:0.5";

struct Setup {
    dir: tempfile::TempDir,
    model: PathBuf,
}

fn setup(text: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("capped.toml");
    std::fs::write(&model, text).unwrap();
    Setup { dir, model }
}

impl Setup {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn sweep_args(&self, out: &str, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "sweep".into(),
            self.model.to_str().unwrap().into(),
            "--vary".into(),
            VARY.into(),
            "--out".into(),
            self.path(out).to_str().unwrap().into(),
            "--quiet".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    }

    /// Starts every shard I/N as its own process at once, then waits.
    fn run_shards(&self, count: usize, prefix: &str) -> Vec<PathBuf> {
        let children: Vec<(PathBuf, std::process::Child)> = (1..=count)
            .map(|index| {
                let out = format!("{prefix}{index}");
                let shard = format!("{index}/{count}");
                let args = self.sweep_args(&out, &["--shard", &shard, "--jobs", "1"]);
                let child = Command::new(env!("CARGO_BIN_EXE_wfplan"))
                    .args(&args)
                    .current_dir(self.dir.path())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("the wfplan binary starts");
                (self.path(&out), child)
            })
            .collect();
        children
            .into_iter()
            .map(|(out, child)| {
                ok(
                    child.wait_with_output().unwrap(),
                    &format!("shard {}", out.display()),
                );
                out
            })
            .collect()
    }

    fn merge(&self, parts: &[PathBuf], out: &str) -> Output {
        let mut args: Vec<String> = vec!["merge".into()];
        args.extend(parts.iter().map(|p| p.to_str().unwrap().to_string()));
        args.extend(["--out".into(), self.path(out).to_str().unwrap().into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        wfplan_in(self.dir.path(), &args)
    }

    fn run(&self, args: &[String]) -> Output {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        wfplan_in(self.dir.path(), &args)
    }
}

fn read_parquet(path: &Path) -> DataFrame {
    wfplan::tables::from_parquet(&std::fs::read(path).unwrap()).unwrap()
}

/// Three shards of the 4 warm runs (runs 1, 2 and 3–4: ⌊(I−1)·4/3⌋..⌊I·4/3⌋)
/// in three processes at once, merged: sweep.csv is byte for byte the
/// unsharded run's, sweep.parquet holds the same frame, and the report is
/// the same. Merging the partitions given in another order changes nothing.
#[test]
fn shards_in_separate_processes_merge_into_the_unsharded_table() {
    let setup = setup(&capped_model_text());
    ok(
        setup.run(&setup.sweep_args("whole", &["--jobs", "2"])),
        "unsharded sweep",
    );
    let parts = setup.run_shards(3, "part");
    let rows_per_part: Vec<usize> = parts
        .iter()
        .map(|part| {
            std::fs::read_to_string(part.join("sweep.csv"))
                .unwrap()
                .lines()
                .count()
                - 1
        })
        .collect();
    assert_eq!(rows_per_part, [5, 5, 7]);
    let manifest = std::fs::read_to_string(parts[1].join("partition.json")).unwrap();
    assert_mentions(
        &manifest,
        &["\"index\": 2", "\"count\": 3", "model_sha256", VARY],
    );

    ok(setup.merge(&parts, "merged"), "merge");
    let whole = std::fs::read(setup.path("whole/sweep.csv")).unwrap();
    let merged = std::fs::read(setup.path("merged/sweep.csv")).unwrap();
    assert!(
        whole == merged,
        "merged sweep.csv differs:\n--- unsharded\n{}\n--- merged\n{}",
        String::from_utf8_lossy(&whole),
        String::from_utf8_lossy(&merged)
    );
    assert!(String::from_utf8_lossy(&whole).contains("infeasible"));
    assert!(read_parquet(&setup.path("whole/sweep.parquet"))
        .equals_missing(&read_parquet(&setup.path("merged/sweep.parquet"))));
    assert_eq!(
        std::fs::read_to_string(setup.path("whole/report.md")).unwrap(),
        std::fs::read_to_string(setup.path("merged/report.md")).unwrap()
    );
    let merged_manifest = std::fs::read_to_string(setup.path("merged/manifest.json")).unwrap();
    assert!(!merged_manifest.contains("\"shard\""), "{merged_manifest}");

    let reversed: Vec<PathBuf> = parts.iter().rev().cloned().collect();
    ok(
        setup.merge(&reversed, "merged_reversed"),
        "merge in reverse",
    );
    assert!(whole == std::fs::read(setup.path("merged_reversed/sweep.csv")).unwrap());
}

/// More shards than warm runs: the surplus shards' partitions are empty,
/// and the merge is still the unsharded table.
#[test]
fn shards_past_the_number_of_runs_are_empty_and_still_merge() {
    let text = capped_model_text();
    let setup = setup(&text);
    ok(
        setup.run(&setup.sweep_args("whole", &[])),
        "unsharded sweep",
    );
    let parts = setup.run_shards(6, "part");
    let rows: Vec<usize> = parts
        .iter()
        .map(|p| {
            std::fs::read_to_string(p.join("sweep.csv"))
                .unwrap()
                .lines()
                .count()
                - 1
        })
        .collect();
    assert_eq!(rows.iter().sum::<usize>(), 17);
    assert!(rows.contains(&0), "{rows:?}");
    ok(setup.merge(&parts, "merged"), "merge");
    assert!(
        std::fs::read(setup.path("whole/sweep.csv")).unwrap()
            == std::fs::read(setup.path("merged/sweep.csv")).unwrap()
    );
}

/// Every cell of sweep.csv is in sweep.parquet with the same value: numbers
/// exactly (the CSV's shortest round-trip text parses to the same f64),
/// texts equal, empty cells null.
#[test]
fn parquet_holds_every_value_of_the_csv() {
    let setup = setup(&capped_model_text());
    ok(
        setup.run(&setup.sweep_args("out", &["--vary", "limit.senior_hires.max=1,2"])),
        "sweep",
    );
    let text = std::fs::read_to_string(setup.path("out/sweep.csv")).unwrap();
    let frame = read_parquet(&setup.path("out/sweep.parquet"));
    let rows = csv_rows(&text);
    let header = &rows[0];
    assert_eq!(frame.height(), rows.len() - 1);
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(&names, header);
    let mut checked = 0;
    for (position, name) in header.iter().enumerate() {
        let column = frame.column(name).unwrap().as_materialized_series().clone();
        for (row, cells) in rows[1..].iter().enumerate() {
            let cell = &cells[position];
            let value = column.get(row).unwrap();
            match value {
                AnyValue::Null => assert_eq!(cell, "", "{name} row {row}"),
                AnyValue::Float64(v) => {
                    assert_eq!(cell.parse::<f64>().unwrap(), v, "{name} row {row}")
                }
                AnyValue::Int64(v) => assert_eq!(cell.parse::<i64>().unwrap(), v, "{name}"),
                AnyValue::String(s) => assert_eq!(cell, s, "{name} row {row}"),
                other => panic!("{name}: unexpected Parquet value {other:?}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, header.len() * 34);
    // The typed values: m and the limit as numbers, a status as text.
    assert_eq!(
        frame.column("target.junior_2027.min").unwrap().dtype(),
        &DataType::Float64
    );
    assert_eq!(frame.column("status").unwrap().dtype(), &DataType::String);
}

/// CSV text as rows of cells (quotes undone).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                (true, '"') => quoted = false,
                (false, '"') => quoted = true,
                (false, ',') => cells.push(std::mem::take(&mut cell)),
                (_, c) => cell.push(c),
            }
        }
        cells.push(cell);
        rows.push(cells);
    }
    rows
}

#[test]
fn a_shard_out_of_range_is_refused_before_any_work() {
    let setup = setup(&capped_model_text());
    for (shard, expected) in [
        (
            "3/2",
            &["--shard 3/2", "no shard 3 of 2", "from 1 to 2"][..],
        ),
        (
            "0/2",
            &["--shard 0/2", "numbered from 1 to 2", "$((INDEX + 1))/2"],
        ),
        ("1/0", &["--shard 1/0", "at least 1"]),
        ("two/3", &["--shard two/3", "whole number", "'two'"]),
        ("2", &["--shard 2", "I/N"]),
    ] {
        let err = fails(
            setup.run(&setup.sweep_args("out", &["--shard", shard])),
            shard,
        );
        assert_mentions(&err, expected);
        assert!(!setup.path("out").exists(), "{shard}: wrote a folder");
    }
}

/// Partitions that are not the shards of one run are refused, naming the
/// folders and what differs, before a table is read.
#[test]
fn merge_refuses_partitions_that_do_not_belong_together() {
    let setup = setup(&capped_model_text());
    let parts = setup.run_shards(2, "part");
    // The same sweep of a model whose salary differs.
    let other_text = capped_model_text().replacen("salary = 100", "salary = 101", 1);
    let other_model = setup.path("other.toml");
    std::fs::write(&other_model, other_text).unwrap();
    let mut args = setup.sweep_args("other2", &["--shard", "2/2"]);
    args[1] = other_model.to_str().unwrap().into();
    ok(setup.run(&args), "shard of the other model");
    let err = fails(
        setup.merge(&[parts[0].clone(), setup.path("other2")], "merged"),
        "different models",
    );
    assert_mentions(
        &err,
        &[
            "partitions from different models",
            "part1",
            "other2",
            "model_sha256",
        ],
    );

    // Different --vary.
    let mut args = setup.sweep_args("vary2", &["--shard", "2/2"]);
    args[3] = "target.junior_2027.min=0.5:8.5:1".into();
    ok(setup.run(&args), "shard of another --vary");
    let err = fails(
        setup.merge(&[parts[0].clone(), setup.path("vary2")], "merged"),
        "different --vary",
    );
    assert_mentions(
        &err,
        &["partitions from different --vary lists", "0.5:8.5:1", VARY],
    );

    // A missing shard, a shard given twice.
    let err = fails(setup.merge(&parts[..1], "merged"), "missing");
    assert_mentions(&err, &["missing shard 2/2"]);
    let err = fails(
        setup.merge(
            &[parts[0].clone(), parts[0].clone(), parts[1].clone()],
            "merged",
        ),
        "twice",
    );
    assert_mentions(&err, &["shard 1/2 is given twice", "part1"]);

    // Overlapping points: shard 2 claims point 1 as well.
    let manifest_path = parts[1].join("partition.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["indices"]
        .as_array_mut()
        .unwrap()
        .insert(0, 0.into());
    std::fs::write(&manifest_path, serde_json::to_string(&manifest).unwrap()).unwrap();
    let err = fails(setup.merge(&parts, "merged"), "overlap");
    assert_mentions(
        &err,
        &["overlapping partitions", "point 1", "part1", "part2"],
    );

    // Into a partition, or a folder holding them.
    let err = fails(setup.merge(&parts[..], "part1"), "into a partition");
    assert_mentions(&err, &["refusing to write the merge into", "part1"]);
    let err = fails(
        setup.merge(&[parts[0].clone()], "."),
        "into the folder of the partitions",
    );
    assert_mentions(&err, &["refusing to write the merge into"]);
    assert!(parts[0].join("partition.json").is_file());

    // Not a partition at all.
    let err = fails(
        setup.merge(&[setup.dir.path().to_path_buf()], "merged"),
        "no manifest",
    );
    assert_mentions(&err, &["not a partition folder", "partition.json"]);
    assert!(!setup.path("merged").exists());
}

/// `simulate --shard I/N` on uncertain_demand.toml (its uncertain demand
/// plus a triangular attrition): 23 samples are 5 warm runs of 5 (the last
/// of 3); shards 1/3, 2/3, 3/3 take runs ⌊(I−1)·5/3⌋..⌊I·5/3⌋ = 0..1, 1..3,
/// 3..5, i.e. samples 1–5, 6–15 and 16–23.
pub(crate) fn simulate_args(dir: &Path, out: &str, seed: &str, extra: &[&str]) -> Vec<String> {
    let model = fixture_path("uncertain_demand.toml");
    let mut args: Vec<String> = [
        "simulate",
        model.to_str().unwrap(),
        "--samples",
        "23",
        "--seed",
        seed,
        "--uncertain",
        "group.nurse.attrition=triangular:0.05:0.1:0.2",
        "--jobs",
        "1",
        "--quiet",
        "--out",
        dir.join(out).to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run_args(dir: &Path, args: &[String]) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    wfplan_in(dir, &args)
}

/// The data rows' first fields (sample numbers) of a CSV file.
fn sample_numbers(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().to_string())
        .collect()
}

#[test]
fn simulate_shards_in_separate_processes_merge_into_the_unsharded_tables() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    ok(
        run_args(dir, &simulate_args(dir, "whole", "7", &[])),
        "unsharded",
    );
    let children: Vec<(PathBuf, std::process::Child)> = (1..=3)
        .map(|index| {
            let out = format!("part{index}");
            let shard = format!("{index}/3");
            let child = Command::new(env!("CARGO_BIN_EXE_wfplan"))
                .args(simulate_args(dir, &out, "7", &["--shard", &shard]))
                .current_dir(dir)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("the wfplan binary starts");
            (dir.join(out), child)
        })
        .collect();
    let parts: Vec<PathBuf> = children
        .into_iter()
        .map(|(out, child)| {
            ok(child.wait_with_output().unwrap(), "a simulate shard");
            out
        })
        .collect();
    // Each shard holds its whole warm runs, and no quantiles (they need
    // every sample).
    let expected: [Vec<usize>; 3] = [(1..=5).collect(), (6..=15).collect(), (16..=23).collect()];
    for (part, samples) in parts.iter().zip(&expected) {
        let numbers: Vec<String> = samples.iter().map(|s| s.to_string()).collect();
        assert_eq!(sample_numbers(&part.join("samples.csv")), numbers);
        assert!(!part.join("quantiles.csv").exists());
        assert!(!part.join("report.md").exists());
    }
    // Given out of order, merged in sample order.
    let shuffled = [parts[2].clone(), parts[0].clone(), parts[1].clone()];
    let mut merge: Vec<String> = vec!["merge".into()];
    merge.extend(shuffled.iter().map(|p| p.to_str().unwrap().to_string()));
    merge.extend(["--out".into(), dir.join("merged").to_str().unwrap().into()]);
    ok(run_args(dir, &merge), "merge");
    let mut files: Vec<String> = [
        "samples.csv",
        "quantiles.csv",
        "conditions.csv",
        "report.md",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for entry in std::fs::read_dir(dir.join("whole").join("charts")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".svg") {
            files.push(format!("charts/{name}"));
        }
    }
    assert!(files.len() > 4, "the unsharded run drew no fan charts");
    for file in &files {
        let whole = dir.join("whole").join(file);
        let merged = std::fs::read(dir.join("merged").join(file))
            .unwrap_or_else(|_| panic!("the merge wrote no {file}"));
        assert!(
            std::fs::read(&whole).unwrap() == merged,
            "{file} differs between the merged shards and the unsharded run"
        );
    }
}

#[test]
fn simulate_partitions_that_do_not_belong_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let shard = |out: &str, seed: &str, extra: &[&str]| {
        ok(
            run_args(dir, &simulate_args(dir, out, seed, extra)),
            &format!("shard {out}"),
        );
        dir.join(out)
    };
    let one = shard("one", "7", &["--shard", "1/2"]);
    let two = shard("two", "7", &["--shard", "2/2"]);
    let other_seed = shard("other_seed", "8", &["--shard", "2/2"]);
    let merge = |parts: &[&PathBuf]| {
        let mut args: Vec<String> = vec!["merge".into()];
        args.extend(parts.iter().map(|p| p.to_str().unwrap().to_string()));
        args.extend(["--out".into(), dir.join("merged").to_str().unwrap().into()]);
        fails(run_args(dir, &args), "merge")
    };
    let err = merge(&[&one, &other_seed]);
    assert_mentions(&err, &["seed", "7", "8"]);
    let err = merge(&[&one]);
    assert_mentions(&err, &["missing shard", "2/2"]);
    // A sweep's partition with a simulation's.
    let sweep_model = dir.join("capped.toml");
    std::fs::write(&sweep_model, capped_model_text()).unwrap();
    let sweep_part = dir.join("sweep_part");
    ok(
        wfplan_in(
            dir,
            &[
                "sweep",
                sweep_model.to_str().unwrap(),
                "--vary",
                VARY,
                "--shard",
                "2/2",
                "--quiet",
                "--out",
                sweep_part.to_str().unwrap(),
            ],
        ),
        "sweep shard",
    );
    let err = merge(&[&one, &sweep_part]);
    assert_mentions(&err, &["different commands", "simulate", "sweep"]);
    // And the two halves of the simulation do merge.
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend([&one, &two].iter().map(|p| p.to_str().unwrap().to_string()));
    args.extend(["--out".into(), dir.join("merged").to_str().unwrap().into()]);
    ok(run_args(dir, &args), "merge of both halves");
}
