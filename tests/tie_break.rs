//! Answers that do not depend on the solver's tie-break (issue 22): the
//! flagships' `compare`, run with HiGHS's default, dual simplex
//! (`simplex_strategy=1`), primal simplex (`simplex_strategy=4`) and the
//! interior point method (`solver=ipm`), which return different optimal
//! plans of the same programme, reports the same canonical plan (least
//! total movement, then fixed weights; docs/DESIGN.md §5) every time:
//! every number of both plans' stocks.csv and costs_by_group.csv and of
//! the comparison's groups.csv, services.csv, channels.csv,
//! finance_summary.csv and costs_by_group.csv agrees to 1e-6 relative,
//! the summary of report.md is the same text, and so is the regional
//! flagship's ranking of regions.

use std::path::Path;

use crate::util::{split_csv_line, wfplan_in_ok};

/// The solver settings, as extra `compare` arguments.
const SETTINGS: [(&str, &[&str]); 4] = [
    ("default", &[]),
    ("dual simplex", &["--solver-option", "simplex_strategy=1"]),
    ("primal simplex", &["--solver-option", "simplex_strategy=4"]),
    ("interior point", &["--solver-option", "solver=ipm"]),
];

/// The files compared, relative to the compare folder (`{base}` and
/// `{policy}` are the plans' own folders).
const FILES: [&str; 8] = [
    "no_pledge/stocks.csv",
    "pledge/stocks.csv",
    "no_pledge/costs_by_group.csv",
    "pledge/costs_by_group.csv",
    "groups.csv",
    "services.csv",
    "channels.csv",
    "finance_summary.csv",
];

/// |a − b| ≤ 1e-6·max(|a|, |b|, M/1000), M the largest magnitude in that
/// column of the file: relative, except that a number near zero made as
/// the difference of two large ones (a change of 0.12 FTE between two
/// stocks of 179,548; £0.002 on a salary line of £1.45bn) is measured
/// against the scale of its column, not against itself.
const REL_TOL: f64 = 1e-6;

/// Cells of a CSV file (quoted cells may hold commas and doubled quotes).
fn cells(text: &str) -> Vec<Vec<String>> {
    text.lines().map(split_csv_line).collect()
}

/// Every cell of `file` under `a` and `b` is the same text or two numbers
/// within [`REL_TOL`]; returns the differing cells, described. Rows are
/// compared in order, so the order of the rows must agree too.
fn differences(a: &Path, b: &Path, file: &str) -> Vec<String> {
    let read = |folder: &Path| {
        let path = folder.join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let (left, right) = (cells(&read(a)), cells(&read(b)));
    if left.len() != right.len() {
        return vec![format!(
            "{file}: {} rows against {}",
            left.len(),
            right.len()
        )];
    }
    let header = &left[0];
    let mut scale = vec![0.0_f64; header.len()];
    for row in &left[1..] {
        for (column, cell) in row.iter().enumerate().take(scale.len()) {
            if let Ok(number) = cell.parse::<f64>() {
                scale[column] = scale[column].max(number.abs());
            }
        }
    }
    let mut found = Vec::new();
    for (row, (l, r)) in left.iter().zip(&right).enumerate() {
        if l.len() != r.len() {
            found.push(format!(
                "{file} row {row}: {} cells against {}",
                l.len(),
                r.len()
            ));
            continue;
        }
        for (column, (x, y)) in l.iter().zip(r).enumerate() {
            let same = match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) => {
                    let size = x.abs().max(y.abs());
                    let floor = scale.get(column).map_or(0.0, |m| m / 1000.0);
                    (x - y).abs() <= REL_TOL * size.max(floor)
                }
                _ => x == y,
            };
            if !same {
                found.push(format!(
                    "{file} row {row} ({}) {}: {x} against {y}",
                    l[..column.min(4)].join(","),
                    header.get(column).map_or("?", String::as_str)
                ));
            }
        }
    }
    found
}

/// The text of a Markdown section: from the `## ` line that contains
/// `heading` to the next `## ` heading.
fn section(markdown: &str, heading: &str) -> String {
    let mut lines = markdown
        .lines()
        .skip_while(|line| !(line.starts_with("## ") && line.contains(heading)));
    let Some(first) = lines.next() else {
        return String::new();
    };
    std::iter::once(first)
        .chain(lines.take_while(|line| !line.starts_with("## ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `compare MODEL --base no_pledge --policy pledge` (and `options`)
/// with each setting and checks that the four reports agree; `sections`
/// are the report.md sections whose text must be the same.
fn same_plan_whatever_the_solver(model: &str, options: &[&str], sections: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut folders = Vec::new();
    for (index, (name, extra)) in SETTINGS.iter().enumerate() {
        let folder = out.path().join(format!("run{index}"));
        let mut args = vec![
            "compare",
            model,
            "--base",
            "no_pledge",
            "--policy",
            "pledge",
            "--quiet",
            "--out",
            folder.to_str().unwrap(),
        ];
        args.extend_from_slice(options);
        args.extend_from_slice(extra);
        let start = std::time::Instant::now();
        wfplan_in_ok(root, &args);
        eprintln!("{model} ({name}): {:.1} s", start.elapsed().as_secs_f64());
        folders.push((name, folder));
    }
    let (first_name, first) = &folders[0];
    let first_report = std::fs::read_to_string(first.join("report.md")).unwrap();
    let mut problems = Vec::new();
    for (name, folder) in &folders[1..] {
        for file in FILES {
            for difference in differences(first, folder, file) {
                problems.push(format!("{first_name} against {name}: {difference}"));
            }
        }
        let report = std::fs::read_to_string(folder.join("report.md")).unwrap();
        for heading in sections {
            let (a, b) = (section(&first_report, heading), section(&report, heading));
            assert!(!a.is_empty(), "{model}: report.md has no '{heading}'");
            if a != b {
                problems.push(format!(
                    "{first_name} against {name}: report.md '{heading}' differs:\n{a}\n---\n{b}"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{model}: {} differences, the first 20:\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The flagship with its near-optimal ranges (the default 0.1%): the
/// summary quotes them, and they agree too.
#[test]
fn the_flagship_compare_does_not_depend_on_the_solver() {
    same_plan_whatever_the_solver("models/england_community_nursing.toml", &[], &["Summary"]);
}

/// The regional flagship also ranks its regions ("Which regions lose
/// most"): the same order, and the same figures, with every setting. Its
/// near-optimal ranges are left out (`--near-optimal-tolerance 0`): 290
/// re-solves of a 10-region programme take 7–100 s a run in a debug build
/// (100 s with `solver=ipm`, which each of them then uses).
#[test]
fn the_regional_flagship_compare_and_its_ranking_do_not_depend_on_the_solver() {
    same_plan_whatever_the_solver(
        "models/england_community_nursing_regions.toml",
        &["--near-optimal-tolerance", "0"],
        &["Summary", "Which regions lose most"],
    );
}
