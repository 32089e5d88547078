//! Helpers shared by the integration tests: loading fixtures (as they are, with
//! `--set`-style settings, or with their text edited), reading results, and
//! approximate comparisons.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use wfplan::model::Model;
use wfplan::solution::Solution;

/// Relative tolerance used throughout unless a test says otherwise.
pub const REL_TOL: f64 = 1e-6;

/// Absolute path of `tests/fixtures/<name>`.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Text of `tests/fixtures/<name>`.
pub fn fixture_text(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Load a fixture with `sets` applied (each "path=value", as `wfplan solve --set`).
#[track_caller]
pub fn load_fixture(name: &str, sets: &[&str]) -> Model {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    wfplan::spec::load(&fixture_path(name), None, &sets)
        .unwrap_or_else(|e| panic!("loading fixture {name} with {sets:?}: {e:#}"))
}

/// Apply text edits to a fixture: each `(from, to)` replaces `from`, which must
/// occur exactly once (so an edit can never silently miss or hit twice).
#[track_caller]
pub fn edited_text(name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = fixture_text(name);
    for (from, to) in edits {
        let n = text.matches(from).count();
        assert_eq!(
            n, 1,
            "edit of {name}: {from:?} occurs {n} times, expected once"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// Load TOML text as if it were the fixture `name` (relative data paths resolve
/// against the fixtures folder).
#[track_caller]
pub fn load_text(name: &str, text: &str) -> Model {
    wfplan::spec::load_str(text, &fixture_path(name), None, &[])
        .unwrap_or_else(|e| panic!("loading edited fixture {name}: {e:#}"))
}

/// Solve, panicking with the full error chain on failure.
#[track_caller]
pub fn solve_model(model: &Model, what: &str) -> Solution {
    wfplan::solve::solve(model).unwrap_or_else(|e| panic!("solving {what}: {e:#}"))
}

/// Load and solve a fixture with optional settings.
#[track_caller]
pub fn solve_fixture(name: &str, sets: &[&str]) -> Solution {
    let model = load_fixture(name, sets);
    solve_model(&model, &format!("{name} with {sets:?}"))
}

/// Load and solve a fixture with text edits.
#[track_caller]
pub fn solve_edited(name: &str, edits: &[(&str, &str)]) -> Solution {
    let text = edited_text(name, edits);
    let model = load_text(name, &text);
    solve_model(&model, &format!("{name} edited by {edits:?}"))
}

/// `|actual - expected| <= rel_tol * max(1, |expected|)`: relative for large
/// numbers, absolute (rel_tol) near zero.
pub fn close(actual: f64, expected: f64, rel_tol: f64) -> bool {
    actual.is_finite() && (actual - expected).abs() <= rel_tol * expected.abs().max(1.0)
}

#[track_caller]
pub fn assert_close(actual: f64, expected: f64, rel_tol: f64) {
    assert!(
        close(actual, expected, rel_tol),
        "expected {expected}, got {actual} (diff {:e}, rel tol {rel_tol:e})",
        actual - expected
    );
}

/// Like [`assert_close`] with a label naming the quantity.
#[track_caller]
pub fn assert_close_what(what: &str, actual: f64, expected: f64, rel_tol: f64) {
    assert!(
        close(actual, expected, rel_tol),
        "{what}: expected {expected}, got {actual} (diff {:e}, rel tol {rel_tol:e})",
        actual - expected
    );
}

/// Per-period values of an expression (undiscounted), panicking if it cannot be read.
#[track_caller]
pub fn series(plan: &Solution, expr: &str) -> Vec<f64> {
    plan.value(expr)
        .unwrap_or_else(|e| panic!("value({expr:?}): {e:#}"))
}

/// Assert an expression's per-period values (undiscounted).
#[track_caller]
pub fn assert_series(plan: &Solution, expr: &str, expected: &[f64]) {
    let got = series(plan, expr);
    assert_eq!(
        got.len(),
        expected.len(),
        "{expr}: expected {} periods {expected:?}, got {got:?}",
        expected.len()
    );
    for (t, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            close(*g, *e, REL_TOL),
            "{expr} in period {}: expected {e}, got {g} (all periods: expected {expected:?}, got {got:?})",
            t + 1
        );
    }
}

/// Assert an expression's sum over the horizon.
#[track_caller]
pub fn assert_total(plan: &Solution, expr: &str, expected: f64) {
    let got = plan
        .total(expr)
        .unwrap_or_else(|e| panic!("total({expr:?}): {e:#}"));
    assert_close_what(&format!("total {expr}"), got, expected, REL_TOL);
}

/// Assert a row's sign-normalised shadow price.
#[track_caller]
pub fn assert_shadow(plan: &Solution, row: &str, expected: f64) {
    let got = plan
        .shadow_price(row)
        .unwrap_or_else(|| panic!("no shadow price for row {row:?}"));
    assert_close_what(&format!("shadow price of {row}"), got, expected, REL_TOL);
}

/// Finite-difference check: tightening the bound by one unit raised the
/// objective from `base` to `tightened`; that rise must equal the shadow price.
#[track_caller]
pub fn assert_finite_difference(what: &str, base: f64, tightened: f64, expected_shadow: f64) {
    let diff = tightened - base;
    // the difference of two optima: judge it against the size of the objective
    let tol = REL_TOL * base.abs().max(1.0);
    assert!(
        (diff - expected_shadow).abs() <= tol.max(REL_TOL * expected_shadow.abs()),
        "{what}: objective {base} -> {tightened} (difference {diff}), expected difference {expected_shadow}"
    );
}

/// Every number written in a text (e.g. an error message), in order.
/// "-25.0" reads as 25 (a sign is not part of the number here).
pub fn numbers_in(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|s| s.trim_matches('.').parse::<f64>().ok())
        .collect()
}

/// Asserts that the message contains every part (an error's file, entity,
/// field and what was expected), listing those it misses.
#[track_caller]
pub fn assert_mentions(message: &str, parts: &[&str]) {
    let missing: Vec<&&str> = parts
        .iter()
        .filter(|part| !message.contains(**part))
        .collect();
    assert!(
        missing.is_empty(),
        "the message should mention {missing:?}\n  got: {message}"
    );
}

/// Runs the built `wfplan` binary with `args` in the project folder.
pub fn wfplan(args: &[&str]) -> std::process::Output {
    wfplan_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs the built `wfplan` binary with `args` in `dir`.
pub fn wfplan_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wfplan"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the wfplan binary runs")
}

/// Runs `wfplan args` in `dir` and asserts it succeeded.
#[track_caller]
pub fn wfplan_in_ok(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let output = wfplan_in(dir, args);
    assert!(
        output.status.success(),
        "wfplan {args:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs `wfplan args` in `dir` and asserts exit status 1 without a panic;
/// returns stderr.
#[track_caller]
pub fn wfplan_in_fails(dir: &std::path::Path, args: &[&str]) -> String {
    let output = wfplan_in(dir, args);
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "wfplan {args:?}: expected exit status 1:\nstdout:\n{}\nstderr:\n{err}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// The body rows of the Markdown table under `heading` in `markdown` (or
/// whose header holds `heading`).
pub fn markdown_table(markdown: &str, heading: &str) -> Vec<Vec<String>> {
    let found = markdown
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in the report"));
    // From the start of the heading's line (a heading, or the table's header).
    let start = markdown[..found].rfind('\n').map_or(0, |i| i + 1);
    markdown[start..]
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

/// The first row (the header) of a workbook sheet, as text.
#[track_caller]
pub fn sheet_header<R: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Xlsx<R>,
    sheet: &str,
) -> Vec<String> {
    use calamine::Reader;
    let range = workbook
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    range
        .rows()
        .next()
        .unwrap_or_else(|| panic!("sheet {sheet} is empty"))
        .iter()
        .map(|cell| cell.to_string())
        .collect()
}

/// The cells of one CSV line: double-quoted cells may hold commas and
/// doubled quotes (no cell holds a line break).
pub fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}
