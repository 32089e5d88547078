//! Hostile and careless input, second round (issue 21): output paths that
//! would replace an input or vanish in a folder swap, HiGHS options that
//! write files, thread counts HiGHS cannot start, tampered partitions,
//! workbooks built to exhaust memory, absurd generated sizes, reserved
//! region ids, line breaks in `--vary`, bidirectional controls on the
//! terminal and echoes of huge inputs. Each case is hand-built in a
//! temporary folder and run through the built binary as a user would; each
//! must be a clear error (exit status, no panic, nothing written where it
//! must not be) or work as documented.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::{assert_mentions, fixture_text, wfplan_in};

/// A small model with two groups, one service whose demand is read from
/// `demand.csv`, and one scenario; it solves in milliseconds.
const MODEL: &str = r#"[model]
name = "Round two"
periods = ["2026", "2027"]

[[group]]
id = "a"
opening = 10
attrition = 0.1
salary = 5
hire_cost = 1

[[group]]
id = "b"
opening = 10
salary = 4
hire_cost = 1

[[service]]
id = "s"
demand = "demand.csv"
staffed_by = { a = 1.0 }
unmet_penalty = 100

[[target]]
id = "grow"
expr = "stock(a)"
min = 12
at = ["2027"]

[[scenario]]
id = "relaxed"
set = { "target.grow.enabled" = false }
"#;

const DEMAND: &str = "period,service,value\n2026,s,8\n2027,s,9\n";

/// A temporary folder holding `model.toml`, `demand.csv` and
/// `demand2.csv`.
fn folder_with_model(model: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("model.toml"), model).unwrap();
    fs::write(dir.path().join("demand.csv"), DEMAND).unwrap();
    fs::write(
        dir.path().join("demand2.csv"),
        "period,service,value\n2026,s,7\n2027,s,7\n",
    )
    .unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit status and no panic; returns standard error.
#[track_caller]
fn status(output: &Output, code: i32, what: &str) -> String {
    let err = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}: exit status; stdout:\n{}\nstderr:\n{err}",
        text(&output.stdout)
    );
    assert!(!err.contains("panicked"), "{what} panicked:\n{err}");
    err
}

#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> Output {
    let output = wfplan_in(dir, args);
    status(&output, 0, &format!("{args:?}"));
    output
}

#[track_caller]
fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let output = wfplan_in(dir, args);
    status(&output, code, &format!("{args:?}"))
}

/// Every regular file under `folder` with its bytes, for before/after
/// comparisons.
fn snapshot(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).unwrap();
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

// ------------------------------------------------ files written where they must not be

#[test]
fn hig_hs_options_that_write_or_read_files_are_refused() {
    let dir = folder_with_model(MODEL);
    let before = snapshot(dir.path());
    for option in [
        "solution_file=model.toml",
        "solution_file=demand.csv",
        "write_basis_file=model.toml",
        "log_file=model.toml",
        "write_model_file=elsewhere.mps",
        "write_solution_to_file=true",
        "write_model_to_file=true",
        "read_basis_file=demand.csv",
    ] {
        for command in ["solve", "sweep"] {
            let mut args = vec![command, "model.toml", "--solver-option", option];
            if command == "sweep" {
                args.extend(["--vary", "target.grow.min=11,12", "--out", "sweep"]);
            }
            if option.starts_with("log_file") {
                args.extend(["--solver-option", "output_flag=true"]);
            }
            let err = fails(dir.path(), &args, 2);
            let key = option.split('=').next().unwrap();
            assert_mentions(
                &err,
                &[
                    &format!("solver option '{option}'"),
                    "refused",
                    "_file",
                    "--out",
                ],
            );
            assert!(err.contains(key), "{err}");
        }
    }
    assert_eq!(
        snapshot(dir.path()),
        before,
        "an input changed or a file appeared"
    );
}

#[test]
fn thread_counts_past_the_limit_are_refused_not_aborted() {
    let dir = folder_with_model(MODEL);
    let err = fails(
        dir.path(),
        &["solve", "model.toml", "--threads", "1000000"],
        2,
    );
    assert_mentions(&err, &["--threads", "1 to 256"]);
    let err = fails(
        dir.path(),
        &["solve", "model.toml", "--solver-option", "threads=1000000"],
        2,
    );
    assert_mentions(
        &err,
        &[
            "solver option 'threads=1000000'",
            "0 (HiGHS chooses) to 256",
        ],
    );
    ok(
        dir.path(),
        &["solve", "model.toml", "--threads", "2", "--quiet"],
    );
}

#[test]
fn the_hig_hs_log_goes_to_standard_error_so_json_stays_one_document() {
    let dir = folder_with_model(MODEL);
    let output = ok(
        dir.path(),
        &[
            "solve",
            "model.toml",
            "--json",
            "--solver-option",
            "output_flag=true",
        ],
    );
    let stdout = text(&output.stdout);
    serde_json::from_str::<serde_json::Value>(&stdout)
        .unwrap_or_else(|error| panic!("not one JSON document ({error}):\n{stdout}"));
    assert!(
        text(&output.stderr).contains("HiGHS"),
        "HiGHS's log is not on standard error:\n{}",
        text(&output.stderr)
    );
}

#[test]
fn a_workbook_inside_the_out_folder_or_over_an_input_is_refused_before_solving() {
    let dir = folder_with_model(MODEL);
    let before = snapshot(dir.path());
    let err = fails(
        dir.path(),
        &[
            "solve",
            "model.toml",
            "--out",
            "out",
            "--xlsx",
            "out/plan.xlsx",
        ],
        1,
    );
    assert_mentions(
        &err,
        &["--xlsx out/plan.xlsx", "inside the --out folder out"],
    );
    assert!(!dir.path().join("out").exists(), "the run went ahead");
    let err = fails(
        dir.path(),
        &[
            "sweep",
            "model.toml",
            "--vary",
            "target.grow.min=11,12",
            "--out",
            "sw",
            "--xlsx",
            "sw/x.xlsx",
        ],
        1,
    );
    assert_mentions(&err, &["--xlsx sw/x.xlsx", "inside the --out folder sw"]);
    assert!(!dir.path().join("sw").exists(), "the sweep went ahead");
    // compare refuses its input before writing the report.
    let err = fails(
        dir.path(),
        &[
            "compare",
            "model.toml",
            "--base",
            "base",
            "--policy",
            "relaxed",
            "--out",
            "cmp",
            "--xlsx",
            "demand.csv",
        ],
        1,
    );
    assert_mentions(&err, &["--xlsx demand.csv", "one of the run's inputs"]);
    assert!(
        !dir.path().join("cmp").exists(),
        "the report was written first"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_sweep_workbook_may_not_replace_an_input_of_any_point() {
    let dir = folder_with_model(MODEL);
    let before = snapshot(dir.path());
    let err = fails(
        dir.path(),
        &[
            "sweep",
            "model.toml",
            "--vary",
            r#"service.s.demand="demand.csv","demand2.csv""#,
            "--out",
            "sw",
            "--xlsx",
            "demand2.csv",
        ],
        1,
    );
    assert_mentions(&err, &["--xlsx demand2.csv", "one of the run's inputs"]);
    assert_eq!(snapshot(dir.path()), before, "demand2.csv was replaced");
    // ... nor may its --out folder hold one.
    fs::create_dir(dir.path().join("later")).unwrap();
    fs::write(dir.path().join("later/d3.csv"), DEMAND).unwrap();
    let err = fails(
        dir.path(),
        &[
            "sweep",
            "model.toml",
            "--vary",
            r#"service.s.demand="demand.csv","later/d3.csv""#,
            "--out",
            "later",
        ],
        1,
    );
    assert_mentions(
        &err,
        &["refusing to write results into", "later/d3.csv", "inputs"],
    );
    assert!(dir.path().join("later/d3.csv").is_file());
}

/// Two shards of a small sweep, run in `dir`: `parts/1` and `parts/2`.
fn two_partitions(dir: &Path) -> [PathBuf; 2] {
    for shard in ["1/2", "2/2"] {
        let out = format!("parts/{}", &shard[..1]);
        ok(
            dir,
            &[
                "sweep",
                "model.toml",
                "--vary",
                "target.grow.min=10:13:0.5",
                "--shard",
                shard,
                "--out",
                &out,
                "--quiet",
            ],
        );
    }
    [dir.join("parts/1"), dir.join("parts/2")]
}

#[test]
fn merge_refuses_a_workbook_over_its_partitions_or_the_model() {
    let dir = folder_with_model(MODEL);
    two_partitions(dir.path());
    let before = snapshot(dir.path());
    for target in [
        "parts/1/sweep.csv",
        "parts/2/partition.json",
        "parts/1/new.xlsx",
        "m/book.xlsx",
    ] {
        let err = fails(
            dir.path(),
            &[
                "merge", "parts/1", "parts/2", "--out", "m", "--xlsx", target,
            ],
            1,
        );
        assert_mentions(&err, &[&format!("--xlsx {target}"), "inside"]);
    }
    let err = fails(
        dir.path(),
        &[
            "merge",
            "parts/1",
            "parts/2",
            "--out",
            "m",
            "--xlsx",
            "model.toml",
        ],
        1,
    );
    assert_mentions(&err, &["--xlsx model.toml", "one of the run's inputs"]);
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a partition or the model changed"
    );
    assert!(!dir.path().join("m").exists());
    ok(
        dir.path(),
        &[
            "merge", "parts/1", "parts/2", "--out", "m", "--xlsx", "m.xlsx", "--quiet",
        ],
    );
}

#[test]
fn a_users_file_in_an_old_output_folder_is_named_not_deleted() {
    let dir = folder_with_model(MODEL);
    ok(
        dir.path(),
        &[
            "generate",
            "--groups",
            "2",
            "--services",
            "2",
            "--periods",
            "2",
            "--out",
            "gen",
            "--quiet",
        ],
    );
    fs::write(dir.path().join("gen/notes.txt"), "mine").unwrap();
    fs::write(dir.path().join("gen/data/extra.csv"), "mine too").unwrap();
    let err = fails(
        dir.path(),
        &[
            "generate",
            "--groups",
            "2",
            "--services",
            "2",
            "--periods",
            "3",
            "--out",
            "gen",
        ],
        1,
    );
    assert_mentions(
        &err,
        &[
            "refusing to replace gen",
            "notes.txt",
            "data/extra.csv",
            "manifest.json",
        ],
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("gen/notes.txt")).unwrap(),
        "mine"
    );

    ok(
        dir.path(),
        &["solve", "model.toml", "--out", "plan", "--quiet"],
    );
    fs::write(dir.path().join("plan/budget.xlsx"), "mine").unwrap();
    let err = fails(dir.path(), &["solve", "model.toml", "--out", "plan"], 1);
    assert_mentions(&err, &["refusing to replace plan", "budget.xlsx"]);
    assert!(dir.path().join("plan/budget.xlsx").is_file());
    // A file another kind of wfplan run writes is replaced, as before.
    fs::remove_file(dir.path().join("plan/budget.xlsx")).unwrap();
    fs::write(dir.path().join("plan/channels.csv"), "stale\n").unwrap();
    ok(
        dir.path(),
        &["solve", "model.toml", "--out", "plan", "--quiet"],
    );
    assert!(!dir.path().join("plan/channels.csv").exists());
}

// ------------------------------------------------------------ crashes

#[test]
fn tampered_partitions_are_refused_naming_the_partition_and_the_field() {
    let dir = folder_with_model(MODEL);
    let parts = two_partitions(dir.path());
    let manifest_path = parts[1].join("partition.json");
    let original = fs::read_to_string(&manifest_path).unwrap();
    let cases: Vec<(&str, serde_json::Value, &[&str])> = vec![
        (
            "shard",
            serde_json::json!({"index": 0, "count": 2}),
            &["field 'shard'", "shard 0 of 2"],
        ),
        (
            "shard",
            serde_json::json!({"index": 3, "count": 2}),
            &["field 'shard'", "shard 3 of 2"],
        ),
        (
            "shard",
            serde_json::json!({"index": 2, "count": 1_000_000_000_000_u64}),
            &["field 'shard'", "1 to 100000"],
        ),
        (
            "points",
            serde_json::json!(1_000_000_000_000_000_u64),
            &["field 'points'", "at most 100000"],
        ),
        (
            "wfplan_partition",
            serde_json::json!(2),
            &["field 'wfplan_partition'", "version 2", "version 1"],
        ),
        (
            "tables",
            serde_json::json!(["../model.toml"]),
            &["field 'tables'", "../model.toml"],
        ),
        (
            "tables",
            serde_json::json!(["/etc/passwd"]),
            &["field 'tables'", "/etc/passwd"],
        ),
        (
            "kind",
            serde_json::json!("solve"),
            &["field 'kind'", "sweep or simulate"],
        ),
    ];
    for (field, value, expected) in cases {
        let mut manifest: serde_json::Value = serde_json::from_str(&original).unwrap();
        manifest[field] = value.clone();
        fs::write(&manifest_path, serde_json::to_string(&manifest).unwrap()).unwrap();
        let err = fails(
            dir.path(),
            &["merge", "parts/1", "parts/2", "--out", "m"],
            1,
        );
        assert_mentions(&err, &["parts/2/partition.json", "cannot be merged"]);
        assert_mentions(&err, expected);
        assert!(!dir.path().join("m").exists(), "{field} = {value}");
    }
}

/// A zip archive of `entries` stored without compression (what an .xlsx
/// is), built by hand so that a test can write any XML.
fn stored_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffff_u32;
        for &byte in bytes {
            crc ^= byte as u32;
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let mut header = Vec::new();
        header.extend(0x0403_4b50_u32.to_le_bytes());
        header.extend(20_u16.to_le_bytes()); // version needed
        header.extend(0_u16.to_le_bytes()); // flags
        header.extend(0_u16.to_le_bytes()); // stored
        header.extend(0_u32.to_le_bytes()); // time and date
        header.extend(crc.to_le_bytes());
        header.extend(size.to_le_bytes());
        header.extend(size.to_le_bytes());
        header.extend((name.len() as u16).to_le_bytes());
        header.extend(0_u16.to_le_bytes());
        out.extend(&header);
        out.extend(name.as_bytes());
        out.extend(data);
        directory.extend(0x0201_4b50_u32.to_le_bytes());
        directory.extend(20_u16.to_le_bytes()); // made by
        directory.extend(&header[4..]);
        directory.extend(0_u16.to_le_bytes()); // comment length
        directory.extend(0_u16.to_le_bytes()); // disk
        directory.extend(0_u16.to_le_bytes()); // internal attributes
        directory.extend(0_u32.to_le_bytes()); // external attributes
        directory.extend(offset.to_le_bytes());
        directory.extend(name.as_bytes());
    }
    let directory_offset = out.len() as u32;
    out.extend(&directory);
    out.extend(0x0605_4b50_u32.to_le_bytes());
    out.extend(0_u16.to_le_bytes());
    out.extend(0_u16.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((directory.len() as u32).to_le_bytes());
    out.extend(directory_offset.to_le_bytes());
    out.extend(0_u16.to_le_bytes());
    out
}

/// A workbook of one sheet `Pay` whose `<sheetData>` is `sheet_data` (and
/// `shared` as its shared strings).
fn workbook_bytes(sheet_data: &str, shared: &[&str]) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Pay" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let workbook_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let strings: String = shared
        .iter()
        .map(|s| format!("<si><t>{s}</t></si>"))
        .collect();
    let shared_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">{strings}</sst>"#,
        shared.len()
    );
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    stored_zip(&[
        ("[Content_Types].xml", content_types.as_bytes().to_vec()),
        ("_rels/.rels", rels.as_bytes().to_vec()),
        ("xl/workbook.xml", workbook.as_bytes().to_vec()),
        (
            "xl/_rels/workbook.xml.rels",
            workbook_rels.as_bytes().to_vec(),
        ),
        ("xl/sharedStrings.xml", shared_xml.into_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ])
}

/// The header and two rows of a salary table, as sheet XML (shared
/// strings 0..=3 are period, group, value, hv).
const GOOD_ROWS: &str = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2"><v>2025</v></c><c r="B2" t="s"><v>3</v></c><c r="C2"><v>40000</v></c></row><row r="3"><c r="A3"><v>2026</v></c><c r="B3" t="s"><v>3</v></c><c r="C3"><v>41000</v></c></row>"#;
const GOOD_STRINGS: [&str; 4] = ["period", "group", "value", "hv"];

/// Validates a model whose salary is read from `pay.xlsx#Pay` holding
/// `bytes`; returns (exit status, standard error).
fn validate_workbook(bytes: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("model.toml"),
        "[model]\nperiods = [\"2025\", \"2026\"]\n[[group]]\nid = \"hv\"\nopening = 10\nsalary = \"pay.xlsx#Pay\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("pay.xlsx"), bytes).unwrap();
    let output = wfplan_in(dir.path(), &["validate", "model.toml"]);
    let err = text(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    (output.status.code(), err)
}

#[test]
fn hand_built_workbooks_read_as_they_should() {
    let (code, err) = validate_workbook(&workbook_bytes(GOOD_ROWS, &GOOD_STRINGS));
    assert_eq!(code, Some(0), "the well-formed workbook: {err}");
}

#[test]
fn workbooks_built_to_exhaust_memory_are_refused_before_reading() {
    // One far cell: a block of 17 billion cells.
    let far = format!(r#"{GOOD_ROWS}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#);
    let (code, err) = validate_workbook(&workbook_bytes(&far, &GOOD_STRINGS));
    assert_eq!(code, Some(1), "{err}");
    assert_mentions(
        &err,
        &[
            "pay.xlsx",
            "salary",
            "cell XFD1048576",
            "at most 1000000 cells",
        ],
    );

    // A shared formula numbered past any sheet's formulas.
    for si in ["4000000000", "18446744073709551615"] {
        let rows = GOOD_ROWS.replace(
            r#"<c r="C3"><v>41000</v></c>"#,
            &format!(r#"<c r="C3"><f t="shared" ref="C3:C4" si="{si}">C2+1</f><v>41000</v></c>"#),
        );
        let (code, err) = validate_workbook(&workbook_bytes(&rows, &GOOD_STRINGS));
        assert_eq!(code, Some(1), "{err}");
        assert_mentions(&err, &["pay.xlsx", "cell C3", "shared formula", si]);
    }

    // A cell longer than Excel allows, echoed in a short excerpt.
    let long = "x".repeat(100_000);
    let strings = ["period", "group", "value", long.as_str()];
    let (code, err) = validate_workbook(&workbook_bytes(GOOD_ROWS, &strings));
    assert_eq!(code, Some(1), "{err}");
    assert_mentions(&err, &["pay.xlsx", "cell B2", "100000 characters", "32767"]);
    assert!(err.len() < 2_000, "{} characters of error", err.len());

    // Parts that declare they unpack to more than the limit.
    let mut bytes = workbook_bytes(GOOD_ROWS, &GOOD_STRINGS);
    let directory = bytes
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    bytes[directory + 24..directory + 28].copy_from_slice(&(300_u32 << 20).to_le_bytes());
    let (code, err) = validate_workbook(&bytes);
    assert_eq!(code, Some(1), "{err}");
    assert_mentions(&err, &["pay.xlsx", "unpack to 300 MiB", "at most 256 MiB"]);
}

#[test]
fn a_huge_number_in_a_workbook_is_echoed_in_scientific_notation() {
    let rows = GOOD_ROWS.replace("<v>41000</v>", "<v>1e300</v>");
    let (code, err) = validate_workbook(&workbook_bytes(&rows, &GOOD_STRINGS));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("1e300"), "{err}");
    assert!(!err.contains("100000000000000000000000"), "{err}");
}

#[test]
fn a_missing_sheet_among_thousands_lists_a_few() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for index in 0..300 {
        workbook
            .add_worksheet()
            .set_name(format!("sheet_with_a_long_name_{index:04}"))
            .unwrap();
    }
    workbook.save(dir.path().join("pay.xlsx")).unwrap();
    fs::write(
        dir.path().join("model.toml"),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"hv\"\nopening = 10\nsalary = \"pay.xlsx#Pay\"\n",
    )
    .unwrap();
    let err = fails(dir.path(), &["validate", "model.toml"], 1);
    assert_mentions(
        &err,
        &[
            "no sheet 'Pay'",
            "sheet_with_a_long_name_0000",
            "and 280 more",
        ],
    );
    assert!(err.len() < 3_000, "{} characters", err.len());
}

#[test]
fn absurd_generated_sizes_are_refused_with_the_estimate_and_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    for (command, sizes) in [
        ("generate", ["999", "99999", "99999", "1000"]),
        ("generate", ["0", "99999", "8", "1000"]),
        ("bench", ["999", "10", "8", "1000"]),
    ] {
        let mut args = vec![
            command,
            "--regions",
            sizes[0],
            "--groups",
            sizes[1],
            "--services",
            sizes[2],
            "--periods",
            sizes[3],
        ];
        if command == "generate" {
            args.extend(["--out", "gen"]);
        }
        let err = fails(dir.path(), &args, 1);
        assert_mentions(
            &err,
            &[
                "decisions (columns)",
                "more than the limit of 3000000",
                "--max-columns",
            ],
        );
        assert!(!dir.path().join("gen").exists());
    }
}

// ------------------------------------------------------------ wrong output

#[test]
fn the_region_ids_all_and_national_are_reserved() {
    let base = fixture_text("two_regions.toml");
    for reserved in ["all", "national"] {
        let first_region = base
            .lines()
            .skip_while(|line| !line.starts_with("[[region]]"))
            .find(|line| line.starts_with("id = "))
            .unwrap()
            .to_string();
        let text = base.replacen(&first_region, &format!("id = \"{reserved}\""), 1);
        let message = match wfplan::spec::load_str(&text, Path::new("models/r.toml"), None, &[]) {
            Ok(_) => panic!("a region '{reserved}' was accepted"),
            Err(error) => format!("{error:#}"),
        };
        assert_mentions(
            &message,
            &[
                "models/r.toml",
                "field 'id'",
                reserved,
                "reserved",
                "costs_by_group.csv",
            ],
        );
    }
}

#[test]
fn a_line_break_in_a_vary_or_set_value_is_refused() {
    let dir = folder_with_model(MODEL);
    let err = fails(
        dir.path(),
        &[
            "sweep",
            "model.toml",
            "--vary",
            "group.a.attrition=0.1\n[model]\nname = \"x\"",
            "--out",
            "sw",
        ],
        1,
    );
    assert_mentions(&err, &["--vary", "line break"]);
    assert!(!dir.path().join("sw").exists());
    let err = fails(
        dir.path(),
        &[
            "solve",
            "model.toml",
            "--set",
            "group.a.attrition=0.1\n[model]\nname = \"x\"",
        ],
        1,
    );
    assert_mentions(&err, &["line break"]);
}

#[test]
fn bidirectional_controls_are_escaped_on_the_terminal() {
    let dir = folder_with_model(&MODEL.replace("Round two", "Round \u{202e}owt"));
    let output = ok(dir.path(), &["solve", "model.toml"]);
    let stdout = text(&output.stdout);
    assert!(
        !stdout.contains('\u{202e}'),
        "raw U+202E on the terminal:\n{stdout}"
    );
    assert!(stdout.contains("\\u{202e}"), "{stdout}");
}

// ------------------------------------------------------------ poor errors

#[test]
fn echoes_of_huge_ids_and_names_are_cut_with_their_length() {
    let dir = folder_with_model(&MODEL.replacen(
        "id = \"b\"",
        &format!("id = \"{}\"", "b".repeat(100_000)),
        1,
    ));
    let err = fails(dir.path(), &["validate", "model.toml"], 1);
    assert_mentions(
        &err,
        &[
            "model.toml",
            "field 'id'",
            "(100002 characters)",
            "not a valid id",
        ],
    );
    assert!(err.len() < 1_000, "{} characters of error", err.len());
    let name = format!("{}\n{}", "n".repeat(500_000), "m".repeat(500_000));
    let dir = folder_with_model(&MODEL.replacen(
        "id = \"b\"\n",
        &format!("id = \"b\"\nname = {:?}\n", name),
        1,
    ));
    let err = fails(dir.path(), &["validate", "model.toml"], 1);
    assert_mentions(
        &err,
        &["model.toml", "group 'b'", "field 'name'", "characters)"],
    );
    assert!(err.len() < 1_000, "{} characters of error", err.len());
}

#[test]
fn html_in_text_fields_is_escaped_in_report_md() {
    let model = MODEL
        .replace(
            "name = \"Round two\"",
            "name = \"Plan <script>alert(1)</script>\"\ncurrency = \"<i>GBP</i>\"",
        )
        .replace("id = \"a\"\n", "id = \"a\"\nname = \"<b>Nurses</b>\"\n");
    let dir = folder_with_model(&model);
    ok(
        dir.path(),
        &["solve", "model.toml", "--out", "plan", "--quiet"],
    );
    let markdown = fs::read_to_string(dir.path().join("plan/report.md")).unwrap();
    for (number, line) in markdown.lines().enumerate() {
        let raw = line
            .char_indices()
            .any(|(at, c)| c == '<' && !line[..at].ends_with('\\'));
        assert!(!raw, "report.md line {}: a raw '<': {line}", number + 1);
    }
    assert!(markdown.contains("\\<i\\>GBP\\</i\\>"), "{markdown}");
    let html = fs::read_to_string(dir.path().join("plan/report.html")).unwrap();
    assert!(!html.contains("<i>GBP"), "report.html holds the raw tag");
    assert!(html.contains("&lt;i&gt;GBP&lt;/i&gt;"));
}

#[test]
fn a_long_group_name_is_not_quadratic_in_the_charts() {
    let model = MODEL.replace(
        "id = \"a\"\n",
        &format!("id = \"a\"\nname = \"{}\"\n", "N".repeat(5_000)),
    );
    let dir = folder_with_model(&model);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wfplan"))
        .args(["solve", "model.toml", "--out", "plan", "--quiet"])
        .current_dir(dir.path())
        .spawn()
        .unwrap();
    // Measured in a debug build: about 1 s now; 3.5 minutes when each
    // shorter label was measured in turn.
    let start = std::time::Instant::now();
    let limit = std::time::Duration::from_secs(60);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success());
            break;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("solve --out with a 5,000-character name took over {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn csv_row_errors_say_line_once() {
    let dir = folder_with_model(MODEL);
    fs::write(
        dir.path().join("demand.csv"),
        "period,service,value\n2026,s,8\n2027,s,9\n2026,s,7\n",
    )
    .unwrap();
    let err = fails(dir.path(), &["validate", "model.toml"], 1);
    assert_mentions(&err, &["demand.csv", "line 4: period '2026' appears twice"]);
    assert!(!err.contains("line line"), "{err}");
    fs::write(
        dir.path().join("demand.csv"),
        "period,service,value\n2026,s,8\n2099,s,9\n",
    )
    .unwrap();
    let err = fails(dir.path(), &["validate", "model.toml"], 1);
    assert_mentions(
        &err,
        &[
            "demand.csv",
            "line 3: period '2099' is not one of the model's periods",
        ],
    );
    assert!(!err.contains("line line"), "{err}");
}

#[test]
fn nan_and_infinity_as_text_are_refused_naming_the_file_and_the_place() {
    for text in ["NaN", "inf", "-infinity", "1e400"] {
        let dir = folder_with_model(MODEL);
        fs::write(
            dir.path().join("demand.csv"),
            format!("period,service,value\n2026,s,8\n2027,s,{text}\n"),
        )
        .unwrap();
        let err = fails(dir.path(), &["validate", "model.toml"], 1);
        assert_mentions(
            &err,
            &[
                "demand.csv",
                &format!("line 3: value '{text}' is not a number"),
            ],
        );

        let rows = GOOD_ROWS.replace(
            r#"<c r="C3"><v>41000</v></c>"#,
            &format!(r#"<c r="C3" t="inlineStr"><is><t>{text}</t></is></c>"#),
        );
        let (code, err) = validate_workbook(&workbook_bytes(&rows, &GOOD_STRINGS));
        assert_eq!(code, Some(1), "{err}");
        assert_mentions(
            &err,
            &[
                "pay.xlsx",
                "cell C3",
                &format!("text '{text}' where a number is expected"),
            ],
        );
    }
}

#[test]
fn an_unknown_region_in_a_csv_file_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture_text("two_regions.toml").replacen(
        "salary = { london = 120, north = 100 }",
        "salary = \"salary.csv\"",
        1,
    );
    assert!(model.contains("salary = \"salary.csv\""));
    fs::write(dir.path().join("model.toml"), model).unwrap();
    fs::write(
        dir.path().join("salary.csv"),
        "period,region,group,value\n2026,london,nurse,120\n2026,north,nurse,100\n2026,narnia,nurse,1\n",
    )
    .unwrap();
    let err = fails(dir.path(), &["validate", "model.toml"], 1);
    assert_mentions(
        &err,
        &[
            "model.toml",
            "group 'nurse'",
            "field 'salary'",
            "reading salary.csv",
            "no region 'narnia'",
            "london, north",
        ],
    );
}

#[test]
fn compare_of_scenarios_with_other_periods_names_them() {
    let model = format!(
        "{MODEL}\n[[scenario]]\nid = \"longer\"\nset = {{ \"model.periods\" = [\"2026\", \"2027\", \"2028\"], \"service.s.demand\" = 8 }}\n"
    );
    let dir = folder_with_model(&model);
    let err = fails(
        dir.path(),
        &[
            "compare",
            "model.toml",
            "--base",
            "relaxed",
            "--policy",
            "longer",
            "--out",
            "cmp",
        ],
        1,
    );
    assert_mentions(
        &err,
        &[
            "model.toml",
            "periods",
            "the base 'relaxed' has 2026, 2027",
            "the policy 'longer' has 2026, 2027, 2028",
        ],
    );
}
