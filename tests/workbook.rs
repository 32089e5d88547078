//! Excel in and out (issue 10): a model whose data comes from a workbook
//! solves to the same plan as its CSV twin; a sheet that cannot be read is
//! an error naming the workbook, the sheet, the cell, its row and column;
//! `--xlsx FILE` writes one workbook whose every number equals the CSVs'.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use crate::util::{assert_mentions, wfplan};

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes a workbook of sheets, each a list of rows of cells: a cell that
/// reads as a number is written as a number, any other as text.
fn write_workbook(path: &Path, sheets: &[(String, Vec<Vec<String>>)]) {
    let mut workbook = Workbook::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(number) => sheet.write_number(r as u32, c as u16, number).unwrap(),
                    Err(_) => sheet.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
    }
    workbook.save(path).unwrap();
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|c| c.trim().to_string()).collect())
        .collect()
}

/// The flagship with every CSV series it reads moved into sheets of one
/// workbook (`data/flagship.xlsx#<sheet>`), in a folder of its own.
fn flagship_from_workbook(folder: &Path) -> PathBuf {
    let text =
        std::fs::read_to_string(project().join("models/england_community_nursing.toml")).unwrap();
    let mut sheets: BTreeMap<String, String> = BTreeMap::new(); // csv path → sheet
    for piece in text.split('"') {
        if piece.starts_with("data/") && piece.ends_with(".csv") && !sheets.contains_key(piece) {
            let sheet = format!("s{}", sheets.len());
            sheets.insert(piece.to_string(), sheet);
        }
    }
    assert!(sheets.len() >= 10, "{sheets:?}");
    std::fs::create_dir_all(folder.join("models")).unwrap();
    std::fs::create_dir_all(folder.join("data")).unwrap();
    let contents: Vec<(String, Vec<Vec<String>>)> = sheets
        .iter()
        .map(|(csv, sheet)| (sheet.clone(), csv_rows(&project().join(csv))))
        .collect();
    write_workbook(&folder.join("data/flagship.xlsx"), &contents);
    let mut edited = text.clone();
    for (csv, sheet) in &sheets {
        edited = edited.replace(
            &format!("\"{csv}\""),
            &format!("\"data/flagship.xlsx#{sheet}\""),
        );
    }
    assert!(!edited.contains(".csv\""));
    let model = folder.join("models/flagship.toml");
    std::fs::write(&model, edited).unwrap();
    model
}

#[test]
fn a_model_read_from_a_workbook_solves_to_the_plan_of_its_csv_twin() {
    let folder = tempfile::tempdir().unwrap();
    let from_workbook = flagship_from_workbook(folder.path());
    let csv_model = project().join("models/england_community_nursing.toml");
    for scenario in [Some("pledge"), Some("no_pledge")] {
        let csv = wfplan::spec::load(&csv_model, scenario, &[]).unwrap();
        let xlsx =
            wfplan::spec::load(&from_workbook, scenario, &[]).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(xlsx
            .inputs
            .iter()
            .any(|p| p.ends_with("data/flagship.xlsx")));
        let csv_plan = wfplan::solve::solve(&csv).unwrap();
        let xlsx_plan = wfplan::solve::solve(&xlsx).unwrap();
        assert_eq!(csv_plan.objective, xlsx_plan.objective, "{scenario:?}");
        for group in 0..csv.groups.len() {
            assert_eq!(
                csv_plan.stock(group),
                xlsx_plan.stock(group),
                "{scenario:?}"
            );
        }
        assert_eq!(csv_plan.values, xlsx_plan.values);
    }
}

/// Something wrong written into a sheet.
type Defect = dyn Fn(&mut rust_xlsxwriter::Worksheet);

/// A small model whose salary is read from `data/pay.xlsx#<sheet>`.
fn load_with_sheet(folder: &Path, sheet: &str) -> anyhow::Result<wfplan::model::Model> {
    let text = format!(
        "[model]\nperiods = [\"2025/26\", \"2026/27\"]\n[[group]]\nid = \"hv\"\nopening = 10\nsalary = \"data/pay.xlsx#{sheet}\"\n"
    );
    std::fs::create_dir_all(folder.join("models")).unwrap();
    let model = folder.join("models/pay.toml");
    std::fs::write(&model, text).unwrap();
    wfplan::spec::load(&model, None, &[])
}

#[test]
fn unreadable_sheets_are_errors_naming_workbook_sheet_row_and_column() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut workbook = Workbook::new();
    let good = workbook.add_worksheet().set_name("Pay").unwrap();
    for (r, row) in [["period", "group", "value"]].iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            good.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    good.write_string(1, 0, "2025/26").unwrap();
    good.write_string(1, 1, "hv").unwrap();
    good.write_number(1, 2, 100.0).unwrap();
    good.write_string(2, 0, "2026/27").unwrap();
    good.write_string(2, 1, "hv").unwrap();
    good.write_number(2, 2, 110.0).unwrap();
    // The same with a defect in C3 (the 2026/27 value).
    let defects: [(&str, &Defect); 4] = [
        ("Text", &|s| {
            s.write_string(2, 2, "a lot").unwrap();
        }),
        ("Formula", &|s| {
            s.write_formula(2, 2, "=C2*1.1").unwrap();
        }),
        ("Merged", &|s| {
            s.merge_range(1, 2, 2, 2, "100", &Format::new()).unwrap();
        }),
        ("NoValue", &|_| {}),
    ];
    for (name, defect) in defects {
        let sheet = workbook.add_worksheet().set_name(name).unwrap();
        let header = if name == "NoValue" { "amount" } else { "value" };
        for (c, cell) in ["period", "group", header].iter().enumerate() {
            sheet.write_string(0, c as u16, *cell).unwrap();
        }
        for (r, period) in ["2025/26", "2026/27"].iter().enumerate() {
            sheet.write_string(r as u32 + 1, 0, *period).unwrap();
            sheet.write_string(r as u32 + 1, 1, "hv").unwrap();
            sheet.write_number(r as u32 + 1, 2, 100.0).unwrap();
        }
        defect(sheet);
    }
    workbook.save(data.join("pay.xlsx")).unwrap();
    std::fs::write(data.join("fake.xlsx"), "period,group,value\n").unwrap();

    let model = load_with_sheet(folder.path(), "Pay").unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(model.groups[0].salary_per_fte, vec![100.0, 110.0]);

    let error = |sheet: &str| format!("{:#}", load_with_sheet(folder.path(), sheet).unwrap_err());
    let common = [
        "models/pay.toml",
        "group 'hv'",
        "field 'salary'",
        "pay.xlsx",
    ];
    assert_mentions(&error("Text"), &common);
    assert_mentions(
        &error("Text"),
        &[
            "sheet 'Text'",
            "cell C3 (row 3, column C 'value')",
            "text 'a lot' where a number is expected",
        ],
    );
    assert_mentions(
        &error("Formula"),
        &[
            "sheet 'Formula'",
            "cell C3",
            "a formula (=C2*1.1)",
            "where a number is expected",
        ],
    );
    assert_mentions(
        &error("Merged"),
        &["sheet 'Merged'", "cell C2", "part of merged cells C2:C3"],
    );
    assert_mentions(&error("NoValue"), &["sheet 'NoValue'", "no column 'value'"]);
    assert_mentions(
        &error("Missing"),
        &["no sheet 'Missing'", "Pay, Text, Formula"],
    );

    let text = "[model]\nperiods = [\"2025/26\", \"2026/27\"]\n[[group]]\nid = \"hv\"\nopening = 10\nsalary = \"data/fake.xlsx#Pay\"\n";
    let fake = folder.path().join("models/fake.toml");
    std::fs::write(&fake, text).unwrap();
    let error = format!("{:#}", wfplan::spec::load(&fake, None, &[]).unwrap_err());
    assert_mentions(
        &error,
        &["fake.xlsx", "not a readable workbook", "field 'salary'"],
    );
}

/// Every sheet of `compare --xlsx` against the CSV of the same table:
/// headers (less their units), text and every number.
#[test]
fn the_workbook_holds_the_numbers_of_the_csvs() {
    let folder = tempfile::tempdir().unwrap();
    let model = project().join("models/two_group_example.toml");
    let out = folder.path().join("report");
    let book = folder.path().join("report.xlsx");
    let output = wfplan(&[
        "compare",
        model.to_str().unwrap(),
        "--base",
        "no_target",
        "--policy",
        "base",
        "--out",
        out.to_str().unwrap(),
        "--xlsx",
        book.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut workbook: Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let names = workbook.sheet_names();
    for wanted in [
        "about",
        "headline",
        "costs_by_group",
        "finance_summary",
        "base stocks",
        "policy constraints",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "no sheet {wanted}: {names:?}"
        );
    }
    let mut numbers = 0;
    for name in names.iter().filter(|n| *n != "about") {
        let csv_path = match name.split_once(' ') {
            Some(("base", table)) => out.join("no_target").join(format!("{table}.csv")),
            Some(("policy", table)) => out.join("base").join(format!("{table}.csv")),
            _ => out.join(format!("{name}.csv")),
        };
        numbers += sheet_matches_csv(&mut workbook, name, &csv_path);
    }
    assert!(numbers > 200, "only {numbers} numbers compared");
}

/// Compares sheet `name` of a workbook with the CSV file the same run
/// wrote (an independent writer): headers less their units, text, and
/// every number. Returns how many numbers were compared.
fn sheet_matches_csv(
    workbook: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
    csv_path: &Path,
) -> usize {
    use polars::prelude::SerReader;
    let csv = polars::prelude::CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(csv_path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap_or_else(|e| panic!("{}: {e}", csv_path.display()));
    let range = workbook
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), csv.height() + 1, "{name}: rows");
    let mut numbers = 0;
    for (c, column) in csv.columns().iter().enumerate() {
        let header = match &rows[0][c] {
            Data::String(text) => text.clone(),
            other => panic!("{name}: header {other:?}"),
        };
        let bare = header.split(" (").next().unwrap();
        assert_eq!(bare, column.name().as_str(), "{name}: header {header}");
        for (r, cell) in column.str().unwrap().iter().enumerate() {
            let sheet_cell = &rows[r + 1][c];
            match (cell, sheet_cell) {
                (None, Data::Empty) => {}
                (Some(""), Data::Empty) => {}
                (Some(text), Data::Float(number)) => {
                    let expected: f64 = text.parse().unwrap_or_else(|_| {
                        panic!("{name} row {r} {}: {text} is not a number", column.name())
                    });
                    assert!(
                        (number - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                        "{name} row {r} {}: sheet {number}, CSV {expected}",
                        column.name()
                    );
                    numbers += 1;
                }
                (Some(text), Data::String(sheet_text)) => {
                    assert_eq!(sheet_text, text, "{name} row {r} {}", column.name())
                }
                (Some(text), Data::Bool(flag)) => assert_eq!(flag.to_string(), text),
                (cell, other) => panic!(
                    "{name} row {r} {}: CSV {cell:?}, sheet {other:?}",
                    column.name()
                ),
            }
        }
    }
    numbers
}

/// pipeline_supervision.toml with a limit on senior hires in 2026 (the
/// sweep model of tests/sweep.rs and tests/shard.rs).
fn capped_model(dir: &Path) -> PathBuf {
    let text = crate::util::fixture_text("pipeline_supervision.toml")
        + "\n[[limit]]\nid = \"senior_hires\"\nexpr = \"hire(senior, *)\"\nmax = 2\nat = [\"2026\"]\n";
    let model = dir.join("capped.toml");
    std::fs::write(&model, text).unwrap();
    model
}

fn run_ok(dir: &Path, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::util::wfplan_in_ok(dir, &args);
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Runs shards 1/2 and 2/2 of a run (`run(out, extra)` gives its
/// arguments), merges them with `--xlsx`, and checks the merged workbook is
/// the unsharded run's `book` byte for byte.
fn merges_to_the_same_workbook(
    dir: &Path,
    book: &Path,
    run: &dyn Fn(&str, &[&str]) -> Vec<String>,
) {
    for index in 1..=2 {
        run_ok(
            dir,
            &run(&format!("part{index}"), &["--shard", &format!("{index}/2")]),
        );
    }
    let merged = dir.join("merged.xlsx");
    run_ok(
        dir,
        &strings(&[
            "merge",
            dir.join("part1").to_str().unwrap(),
            dir.join("part2").to_str().unwrap(),
            "--out",
            dir.join("merged").to_str().unwrap(),
            "--quiet",
            "--xlsx",
            merged.to_str().unwrap(),
        ]),
    );
    assert!(
        std::fs::read(&merged).unwrap() == std::fs::read(book).unwrap(),
        "merge --xlsx differs from the unsharded run's workbook"
    );
}

/// `sweep --xlsx`: the sweep sheet holds every number of sweep.csv (the
/// points with their shadow prices); on a shard it is refused, and
/// `merge --xlsx` of the shards writes the unsharded run's workbook byte
/// for byte.
#[test]
fn sweep_workbooks_hold_the_numbers_of_sweep_csv_and_merge_to_the_whole_runs() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    let model = capped_model(dir);
    let sweep = |out: &str, extra: &[&str]| {
        let mut args = strings(&[
            "sweep",
            model.to_str().unwrap(),
            "--vary",
            "target.junior_2027.min=0.5:8.5:0.5",
            "--quiet",
            "--jobs",
            "1",
            "--out",
            dir.join(out).to_str().unwrap(),
        ]);
        args.extend(strings(extra));
        args
    };
    let book = dir.join("sweep.xlsx");
    run_ok(dir, &sweep("whole", &["--xlsx", book.to_str().unwrap()]));
    let mut workbook: Xlsx<_> = calamine::open_workbook(&book).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["about", "sweep"]);
    let numbers = sheet_matches_csv(&mut workbook, "sweep", &dir.join("whole/sweep.csv"));
    // 17 points, each with its bound, objective, cash, penalty, iterations
    // and shadow prices.
    assert!(numbers >= 17 * 5, "only {numbers} numbers compared");
    let headers = crate::util::sheet_header(&mut workbook, "sweep");
    // sweep.csv's objective, cash and penalty are discounted (present
    // value), and say so.
    for wanted in [
        "objective (GBP, discounted)",
        "cash (GBP, discounted)",
        "penalty (GBP, discounted)",
    ] {
        assert!(headers.iter().any(|h| h == wanted), "{wanted}: {headers:?}");
    }
    assert!(
        headers
            .iter()
            .any(|h| h.starts_with("shadow_price[") && h.ends_with("(GBP, discounted)")),
        "{headers:?}"
    );

    let args: Vec<String> = sweep("part1", &["--shard", "1/2", "--xlsx", "x.xlsx"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let error = crate::util::wfplan_in_fails(dir, &args);
    assert_mentions(
        &error,
        &["--xlsx", "--shard 1/2", "wfplan merge", "--xlsx FILE"],
    );
    assert!(!dir.join("part1").exists() && !dir.join("x.xlsx").exists());

    merges_to_the_same_workbook(dir, &book, &sweep);
}

/// `simulate --xlsx`: samples, quantiles and conditions, each sheet
/// holding every number of its CSV; `merge --xlsx` of two shards writes
/// the unsharded run's workbook byte for byte.
#[test]
fn simulate_workbooks_hold_the_numbers_of_their_csvs_and_merge_to_the_whole_runs() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    // The same runs as the shard tests': 23 samples, seed 7.
    let simulate = |out: &str, extra: &[&str]| crate::shard::simulate_args(dir, out, "7", extra);
    let book = dir.join("simulate.xlsx");
    run_ok(dir, &simulate("whole", &["--xlsx", book.to_str().unwrap()]));
    let mut workbook: Xlsx<_> = calamine::open_workbook(&book).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["about", "samples", "quantiles", "conditions"]
    );
    let mut numbers = 0;
    for table in ["samples", "quantiles", "conditions"] {
        numbers += sheet_matches_csv(
            &mut workbook,
            table,
            &dir.join("whole").join(format!("{table}.csv")),
        );
    }
    assert!(numbers >= 23 * 3, "only {numbers} numbers compared");
    let headers = crate::util::sheet_header(&mut workbook, "samples");
    for wanted in ["cash (GBP, discounted)", "cash_outturn (GBP, cash)"] {
        assert!(headers.iter().any(|h| h == wanted), "{wanted}: {headers:?}");
    }

    let args = simulate("part1", &["--shard", "1/2", "--xlsx", "x.xlsx"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let error = crate::util::wfplan_in_fails(dir, &args);
    assert_mentions(&error, &["--xlsx", "--shard 1/2", "wfplan merge"]);

    merges_to_the_same_workbook(dir, &book, &simulate);
}
