//! `wfplan sweep`: a model solved over a curve or grid of `--set` values.
//! The curve of a target's `min` on a small model is derived by hand
//! (optimum, shadow prices, unmet demand and stocks at each point, with the
//! kink where a limit starts to bind, and the point past feasibility); the
//! grid's order, independence from `--jobs`, agreement of the warm path with
//! cold solves and its saving in simplex iterations, and the errors for bad
//! `--vary` input are checked against the built binary and the library.

// The derivations are written as prose with equations, not Markdown lists.
#![allow(clippy::doc_lazy_continuation)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use wfplan::solve::SolverOptions;
use wfplan::sweep::{self, RunOptions, Sweep};

use crate::util::*;

/// pipeline_supervision.toml with a limit on senior hires in 2026 of 2 FTE.
fn capped_model_text() -> String {
    fixture_text("pipeline_supervision.toml")
        + "\n[[limit]]\nid = \"senior_hires\"\nexpr = \"hire(senior, *)\"\nmax = 2\nat = [\"2026\"]\n"
}

/// Writes `text` as `name` in a new temporary folder; returns both.
fn model_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// sweep.csv as rows of column → cell.
fn read_table(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv_reader(path);
    let header = reader.remove(0);
    reader
        .into_iter()
        .map(|cells| header.iter().cloned().zip(cells).collect())
        .collect()
}

/// A minimal CSV reader (polars quotes a cell holding a comma or a quote).
fn csv_reader(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
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

#[track_caller]
fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    let cell = row
        .get(column)
        .unwrap_or_else(|| panic!("no column {column:?} in {row:?}"));
    cell.parse()
        .unwrap_or_else(|_| panic!("{column}: {cell:?} is not a number"))
}

/// Derivation (pipeline_supervision.toml, see tests/known_optimum.rs (1),
/// plus the limit senior_hires: hire(senior) ≤ 2 in 2026), sweeping the
/// target's min m = 0.5, 1.5, ..., 8.5:
///
/// * stock(junior)_2027 = 0.8 · intake_2026 ≥ m ⇒ intake = 1.25 m, whose
///   trainees take 0.625 m senior FTE from care in 2026. Without the target
///   the plan is 10 seniors for 2 years at 100: 2000.
/// * Each FTE of m costs training 1.25 · 50 = 62.5 plus a junior's 2027
///   salary 60, and its 0.625 senior FTE: hired at 250 (hire 50 + two
///   years' salary) while hires are below the limit's 2, i.e. for
///   m ≤ 2 / 0.625 = 3.2, and left unmet at 1000 beyond.
///   Slope (the target's shadow price) 122.5 + 0.625 · 250 = 278.75 for
///   m < 3.2, 122.5 + 0.625 · 1000 = 747.5 for m > 3.2: the kink.
/// * objective: 2000 + 278.75 m for m ≤ 3.2; 2000 + 278.75 · 3.2 +
///   747.5 (m − 3.2) = 2892 + 747.5 (m − 3.2) beyond.
///   cash = objective for m ≤ 3.2; 2000 + 122.5 m + 2 · 250 beyond, with
///   penalty 1000 · (0.625 m − 2) = unmet(care) · 1000.
/// * The limit's shadow price: 0 while slack; once binding, one hire less
///   leaves one more FTE unmet instead of hired: 1000 − 250 = 750.
/// * stock[senior,2027] = 10 + hires = 10 + min(0.625 m, 2);
///   stock[junior,2027] = m (the last period of the target is 2027).
/// * m = 8.5 needs intake 10.625 > the course's capacity 10: infeasible;
///   the most reachable is 0.8 · 10 = 8, short by 0.5.
/// Consecutive points in one linear piece differ by the shadow price
/// (finite difference, step 1).
#[test]
fn target_min_curve_has_the_hand_derived_kink_and_infeasible_end() {
    let (dir, model) = model_file("capped.toml", &capped_model_text());
    let out = dir.path().join("out");
    wfplan_in_ok(
        dir.path(),
        &[
            "sweep",
            model.to_str().unwrap(),
            "--vary",
            "target.junior_2027.min=0.5:8.5:1",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    let rows = read_table(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 9);
    for (index, row) in rows.iter().enumerate().take(8) {
        let m = 0.5 + index as f64;
        let what = |quantity: &str| format!("m = {m}: {quantity}");
        assert_eq!(row["status"], "optimal", "{}", what("status"));
        assert_eq!(row["explanation"], "");
        assert_close_what(
            &what("min"),
            number(row, "target.junior_2027.min"),
            m,
            1e-12,
        );
        let (objective, cash, shadow, limit_shadow, hires) = if m < 3.2 {
            (
                2000.0 + 278.75 * m,
                2000.0 + 278.75 * m,
                278.75,
                0.0,
                0.625 * m,
            )
        } else {
            (
                2892.0 + 747.5 * (m - 3.2),
                2000.0 + 122.5 * m + 500.0,
                747.5,
                750.0,
                2.0,
            )
        };
        let unmet = 0.625 * m - hires;
        assert_close_what(
            &what("objective"),
            number(row, "objective"),
            objective,
            REL_TOL,
        );
        assert_close_what(&what("cash"), number(row, "cash"), cash, REL_TOL);
        assert_close_what(
            &what("penalty"),
            number(row, "penalty"),
            1000.0 * unmet,
            REL_TOL,
        );
        assert_close_what(
            &what("target shadow price"),
            number(row, "shadow_price[junior_2027,2027]"),
            shadow,
            REL_TOL,
        );
        assert_close_what(
            &what("limit shadow price"),
            number(row, "shadow_price[senior_hires,2026]"),
            limit_shadow,
            REL_TOL,
        );
        assert_close_what(
            &what("unmet care"),
            number(row, "unmet[care]"),
            unmet,
            REL_TOL,
        );
        assert_close_what(
            &what("senior stock"),
            number(row, "stock[senior,2027]"),
            10.0 + hires,
            REL_TOL,
        );
        assert_close_what(
            &what("junior stock"),
            number(row, "stock[junior,2027]"),
            m,
            REL_TOL,
        );
    }
    // Finite differences within each piece equal the shadow price.
    for (a, b) in [(0, 1), (1, 2), (3, 4), (4, 5), (6, 7)] {
        assert_finite_difference(
            &format!("min {} -> {}", 0.5 + a as f64, 0.5 + b as f64),
            number(&rows[a], "objective"),
            number(&rows[b], "objective"),
            number(&rows[a], "shadow_price[junior_2027,2027]"),
        );
    }
    let last = &rows[8];
    assert_eq!(last["status"], "infeasible");
    assert_eq!(last["objective"], "");
    assert_eq!(last["shadow_price[junior_2027,2027]"], "");
    let explanation = &last["explanation"];
    assert!(
        explanation.contains("target 'junior_2027'")
            && explanation.contains("the most reachable is 8")
            && explanation.contains("short by 0.5"),
        "{explanation}"
    );
    assert!(!explanation.contains('\n'));
    // The folder is one unit with its manifest.
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"sweep\"") && manifest.contains("sweep.csv"),
        "{manifest}"
    );
    assert!(
        manifest.contains("target.junior_2027.min=0.5:8.5:1"),
        "{manifest}"
    );
}

/// Two --vary paths give the cartesian product, the first varying slowest:
/// (m, h) = (1, 0.5), (1, 1.5), (2, 0.5), (2, 1.5), with h the hire limit.
/// From the derivation above, with hires = min(0.625 m, h):
/// objective = 2000 + 122.5 m + 250 · hires + 1000 · (0.625 m − hires).
/// m = 1: 0.625 FTE needed — h = 0.5 leaves 0.125 unmet: 2122.5 + 125 + 125
/// = 2372.5; h = 1.5 hires it all: 2122.5 + 156.25 = 2278.75.
/// m = 2: 1.25 needed — h = 0.5: 2245 + 125 + 750 = 3120; h = 1.5: 2245 +
/// 312.5 = 2557.5.
#[test]
fn a_grid_is_the_cartesian_product_in_order() {
    let (dir, model) = model_file("capped.toml", &capped_model_text());
    let out = dir.path().join("grid");
    wfplan_in_ok(
        dir.path(),
        &[
            "sweep",
            model.to_str().unwrap(),
            "--vary",
            "target.junior_2027.min=1,2",
            "--vary",
            "limit.senior_hires.max=0.5:1.5:1",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    let rows = read_table(&out.join("sweep.csv"));
    let expected = [
        (1.0, 0.5, 2372.5),
        (1.0, 1.5, 2278.75),
        (2.0, 0.5, 3120.0),
        (2.0, 1.5, 2557.5),
    ];
    assert_eq!(rows.len(), expected.len());
    for (row, (m, h, objective)) in rows.iter().zip(expected) {
        assert_eq!(number(row, "target.junior_2027.min"), m);
        assert_eq!(number(row, "limit.senior_hires.max"), h);
        assert_close_what(
            &format!("m {m} h {h}"),
            number(row, "objective"),
            objective,
            REL_TOL,
        );
    }
    let header = &csv_reader(&out.join("sweep.csv"))[0];
    assert_eq!(
        header[..9],
        [
            "target.junior_2027.min",
            "limit.senior_hires.max",
            "status",
            "explanation",
            "objective",
            "cash",
            "penalty",
            "simplex_iterations",
            "start"
        ]
    );
}

/// The synthetic model's text (a chain of grades, see `wfplan::synthetic`).
fn synthetic_text(groups: usize, periods: usize) -> String {
    wfplan::synthetic::model_text(wfplan::synthetic::Size {
        groups,
        periods,
        services: groups.div_ceil(4),
        pools: 4,
    })
}

/// `--jobs 1` and `--jobs 2` write byte-identical sweep.csv files: on the
/// small model across its infeasible end, and on a synthetic model of 40
/// groups over 12 points (three warm runs of consecutive points, solved
/// concurrently with --jobs 2).
#[test]
fn jobs_do_not_change_the_table() {
    let (dir, capped) = model_file("capped.toml", &capped_model_text());
    let synthetic = dir.path().join("synthetic.toml");
    std::fs::write(&synthetic, synthetic_text(40, 4)).unwrap();
    for (model, vary) in [
        (&capped, "target.junior_2027.min=0.5:8.5:1"),
        (&synthetic, "pool.pool1.supply=100:650:50"),
    ] {
        let mut tables = Vec::new();
        for jobs in ["1", "2"] {
            let out = dir.path().join(format!("jobs{jobs}"));
            wfplan_in_ok(
                dir.path(),
                &[
                    "sweep",
                    model.to_str().unwrap(),
                    "--vary",
                    vary,
                    "--jobs",
                    jobs,
                    "--out",
                    out.to_str().unwrap(),
                    "--quiet",
                ],
            );
            tables.push(std::fs::read(out.join("sweep.csv")).unwrap());
        }
        assert!(
            tables[0] == tables[1],
            "{vary}: --jobs 1 and --jobs 2 differ:\n{}\n---\n{}",
            String::from_utf8_lossy(&tables[0]),
            String::from_utf8_lossy(&tables[1])
        );
    }
}

/// The warm path (bounds changed in place; or, for a coefficient, the
/// programme rebuilt with the previous basis) gives the objective of an
/// independent `solve_with` at every point (relative 1e-9), and on a
/// synthetic model of 200 groups takes fewer simplex iterations in all than
/// solving every point cold.
#[test]
fn warm_sweep_matches_cold_solves_with_fewer_iterations() {
    let text = synthetic_text(200, 3);
    let path = fixture_path("synthetic.toml");
    let top = text
        .split("id = \"grow_top\"")
        .nth(1)
        .and_then(|rest| rest.split("min = ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|min| min.parse::<f64>().ok())
        .expect("the synthetic model's target");
    for (vary, start) in [
        (
            format!("target.grow_top.min={top}:{}:100", top + 900.0),
            "in place",
        ),
        ("group.g100.attrition=0.05:0.14:0.01".to_string(), "basis"),
    ] {
        let sweep = Sweep::from_text(
            text.clone(),
            &path,
            None,
            &[],
            vec![sweep::parse_vary(&vary).unwrap()],
        )
        .unwrap();
        sweep.validate(2).unwrap();
        assert_eq!(sweep.len(), 10, "{vary}");
        let options = SolverOptions::default();
        let run =
            |warm| sweep::run(&sweep, &options, RunOptions { jobs: 2, warm }, &|_| {}).unwrap();
        let warm = run(true);
        let cold = run(false);
        for (index, (w, c)) in warm.iter().zip(&cold).enumerate() {
            let model = sweep.load(index).unwrap();
            let solution = wfplan::solve::solve_with(&model, &options).unwrap();
            assert_eq!(w.status, "optimal");
            assert_close_what(
                &format!("{vary}: warm point {index}"),
                w.objective.unwrap(),
                solution.objective,
                1e-9,
            );
            assert_close_what(
                &format!("{vary}: cold point {index}"),
                c.objective.unwrap(),
                solution.objective,
                1e-9,
            );
            assert_eq!(c.start, "cold");
            let expected = if index % sweep::chunk_len(10) == 0 {
                "cold"
            } else {
                start
            };
            assert_eq!(w.start, expected, "{vary}: point {index}");
        }
        let total = |results: &[sweep::PointResult]| -> i64 {
            results.iter().map(|r| r.simplex_iterations.unwrap()).sum()
        };
        assert!(
            total(&warm) < total(&cold),
            "{vary}: warm {} iterations, cold {}",
            total(&warm),
            total(&cold)
        );
    }
}

/// Bad --vary input: one clear error naming the path or the rule, exit
/// status 1, and nothing written.
#[test]
fn bad_vary_input_gives_clear_errors() {
    let (dir, model) = model_file("capped.toml", &capped_model_text());
    let model = model.to_str().unwrap();
    let out = dir.path().join("never");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--vary", "target.junior_2027.min=1:5:0"],
            &["STEP must be above 0"],
        ),
        (
            &["--vary", "target.junior_2027.min=1:5:-1"],
            &["STEP must be above 0"],
        ),
        (
            &["--vary", "target.junior_2027.min=5:1:1"],
            &["FROM (5) is above TO (1)"],
        ),
        (
            &["--vary", "target.junior_2027.min=0:100000:1"],
            &["100001 points", "at most 10000"],
        ),
        (
            &[
                "--vary",
                "target.junior_2027.min=0:100:1",
                "--vary",
                "limit.senior_hires.max=0:100:1",
            ],
            &["10201 points", "at most 10000"],
        ),
        (
            &["--vary", "target.junior_2027.min=a:5:1"],
            &["FROM must be a number, not 'a'"],
        ),
        (&["--vary", "target.junior_2027.min=1:5"], &["three parts"]),
        (
            &["--vary", "target.junior_2027.min"],
            &["expected PATH=FROM:TO:STEP"],
        ),
        (
            &["--vary", "target.junior_2027.min=1,,2"],
            &["an empty value"],
        ),
        (
            &["--vary", "target.junoir_2027.min=1:2:1"],
            &[
                "--vary target.junoir_2027.min=1",
                "no target 'junoir_2027'",
                "did you mean 'junior_2027'",
            ],
        ),
        (
            &["--vary", "target.junior_2027.min=1,abc"],
            &[
                "sweep point 2 of 2 (target.junior_2027.min=abc)",
                "target 'junior_2027', field 'min'",
            ],
        ),
        (
            &["--vary", "group.senior.attrition=0.5:1.5:0.5"],
            &[
                "sweep point 3 of 3",
                "group.senior.attrition=1.5",
                "attrition",
            ],
        ),
        (
            &[
                "--vary",
                "target.junior_2027.min=1,2",
                "--vary",
                "target.junior_2027.min=3",
            ],
            &["swept twice"],
        ),
        (
            &[
                "--vary",
                "target.junior_2027.min=1,2",
                "--set",
                "target.junior_2027.min=3",
            ],
            &["also given with --set"],
        ),
    ];
    for (extra, wanted) in cases {
        let mut args = vec!["sweep", model, "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let err = wfplan_in_fails(dir.path(), &args);
        for fragment in *wanted {
            assert!(
                err.contains(fragment),
                "{extra:?}: expected {fragment:?} in:\n{err}"
            );
        }
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error")).count(),
            1,
            "{err}"
        );
        assert!(!out.exists(), "{extra:?} wrote {}", out.display());
    }
}

/// Without --out the table goes to reports/<model>/sweep-<first path>/;
/// without a terminal, progress is plain lines on standard error, and
/// --quiet prints nothing at all.
#[test]
fn default_folder_progress_lines_and_quiet() {
    let (dir, model) = model_file("capped.toml", &capped_model_text());
    let args = [
        "sweep",
        model.to_str().unwrap(),
        "--vary",
        "target.junior_2027.min=1:3:1",
    ];
    let output = wfplan_in_ok(dir.path(), &args);
    let folder = dir
        .path()
        .join("reports/capped/sweep-target.junior_2027.min");
    assert!(folder.join("sweep.csv").is_file());
    assert!(folder.join("manifest.json").is_file());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("3 points (3 optimal)"), "{stdout}");
    assert!(
        stdout.contains("wrote sweep.csv to reports/capped/sweep-target.junior_2027.min"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sweep: 3 of 3 points done"), "{stderr}");

    let mut quiet = args.to_vec();
    quiet.push("--quiet");
    let output = wfplan_in_ok(dir.path(), &quiet);
    assert!(output.stdout.is_empty() && output.stderr.is_empty());

    let mut json = args.to_vec();
    json.push("--json");
    let output = wfplan_in_ok(dir.path(), &json);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["statuses"]["optimal"], 3);
    assert_eq!(value["points"][2]["values"]["target.junior_2027.min"], 3.0);
}

/// The figures quoted in README: a 20-point sweep of a synthetic model of
/// 200 groups, warm (--jobs 1 and 2) against 20 cold `solve_with` calls.
/// Run with `cargo test --locked --release measure_sweep -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure_sweep() {
    let text = synthetic_text(200, 10);
    let path = fixture_path("synthetic.toml");
    let vary = sweep::parse_vary("pool.pool1.supply=100:1050:50").unwrap();
    let sweep = Sweep::from_text(text, &path, None, &[], vec![vary]).unwrap();
    assert_eq!(sweep.len(), 20);
    let options = SolverOptions::default();
    let start = Instant::now();
    let mut cold_objectives = Vec::new();
    for index in 0..sweep.len() {
        let model = sweep.load(index).unwrap();
        cold_objectives.push(
            wfplan::solve::solve_with(&model, &options)
                .unwrap()
                .objective,
        );
    }
    let cold_seconds = start.elapsed().as_secs_f64();
    println!("20 cold solve_with calls: {cold_seconds:.2} s");
    for (jobs, warm) in [(1, false), (1, true), (2, true)] {
        let start = Instant::now();
        let results = sweep::run(&sweep, &options, RunOptions { jobs, warm }, &|_| {}).unwrap();
        let seconds = start.elapsed().as_secs_f64();
        let iterations: i64 = results.iter().map(|r| r.simplex_iterations.unwrap()).sum();
        for (result, objective) in results.iter().zip(&cold_objectives) {
            assert_close(result.objective.unwrap(), *objective, 1e-9);
        }
        println!(
            "sweep --jobs {jobs}{}: {seconds:.2} s, {iterations} simplex iterations",
            if warm { "" } else { " --cold" }
        );
    }
}

/// Ranges keep the decimals written (no 0.30000000000000004) and include TO
/// when the steps reach it; lists split on commas outside brackets.
#[test]
fn vary_values_are_read_as_written() {
    let texts = |argument: &str| -> Vec<String> {
        sweep::parse_vary(argument)
            .unwrap()
            .values
            .into_iter()
            .map(|v| v.text)
            .collect()
    };
    assert_eq!(
        texts("group.a.attrition=0.1:0.3:0.1"),
        ["0.1", "0.2", "0.3"]
    );
    assert_eq!(texts("target.t.min=8000:14000:1000").len(), 7);
    assert_eq!(texts("target.t.min=0:10:3"), ["0", "3", "6", "9"]);
    assert_eq!(texts("target.t.min=-1:1:1"), ["-1", "0", "1"]);
    assert_eq!(
        texts("pipeline.p.capacity=[60,80],[70,90]"),
        ["[60,80]", "[70,90]"]
    );
    assert_eq!(texts("target.t.enabled=true,false"), ["true", "false"]);
    let vary = sweep::parse_vary("pipeline.p.capacity=[60,80],5").unwrap();
    assert_eq!(vary.path, "pipeline.p.capacity");
    assert_eq!(vary.values[0].number, None);
    assert_eq!(vary.values[1].number, Some(5.0));
}
