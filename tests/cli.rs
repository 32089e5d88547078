//! The `wfplan` command as a user runs it: the built binary, from the project
//! folder, on models/two_group_example.toml. DESIGN.md section 4 lists what
//! each command must do and what `solve --out DIR` must write.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use crate::util::wfplan;

const EXAMPLE: &str = "models/two_group_example.toml";

/// Runs `wfplan args...` in the project folder.
fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs and asserts success, returning stdout.
#[track_caller]
fn wfplan_ok(args: &[&str]) -> String {
    let output = wfplan(args);
    assert!(
        output.status.success(),
        "wfplan {args:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// Runs and asserts failure with exit status 1 without a panic, returning
/// stderr.
#[track_caller]
fn wfplan_fails(args: &[&str]) -> String {
    wfplan_fails_with(args, 1)
}

/// Runs and asserts failure with exit status `code` without a panic,
/// returning stderr.
#[track_caller]
fn wfplan_fails_with(args: &[&str], code: i32) -> String {
    let output = wfplan(args);
    let err = stderr(&output);
    assert!(
        !output.status.success(),
        "wfplan {args:?} should fail but succeeded:\nstdout:\n{}\nstderr:\n{err}",
        stdout(&output)
    );
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit code of wfplan {args:?}; stderr:\n{err}"
    );
    assert!(
        !err.contains("panicked"),
        "wfplan {args:?} panicked:\n{err}"
    );
    assert!(
        err.lines().any(|line| line.starts_with("error: ")),
        "wfplan {args:?}: stderr should have an `error:` line:\n{err}"
    );
    err
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0)
}

/// The header and the rows of a simple CSV file (no quoted commas in the
/// columns read here).
#[track_caller]
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_else(|| panic!("{} is empty", path.display()))
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[track_caller]
fn assert_columns(path: &Path, header: &[String], expected: &[&str]) {
    for column in expected {
        assert!(
            header.iter().any(|h| h == column),
            "{}: expected a column '{column}', header is {header:?}",
            path.display()
        );
    }
}

#[test]
fn solve_out_writes_summary_and_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let printed = wfplan_ok(&["solve", EXAMPLE, "--out", out.to_str().unwrap()]);
    assert!(printed.contains("optimal"), "stdout: {printed}");

    // summary.json
    let summary_path = out.join("summary.json");
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&summary_path)
            .unwrap_or_else(|e| panic!("{}: {e}", summary_path.display())),
    )
    .expect("summary.json is JSON");
    assert_eq!(summary["status"], "optimal", "{summary}");
    let number = |key: &str| {
        summary[key]
            .as_f64()
            .unwrap_or_else(|| panic!("summary.json: '{key}' should be a number: {summary}"))
    };
    let (objective, cash, penalty) = (number("objective"), number("cash"), number("penalty"));
    assert!(
        close(objective, cash + penalty),
        "objective {objective} != cash {cash} + penalty {penalty}"
    );
    assert!(objective > 0.0);
    assert!(
        number("variables") >= 1.0 && number("constraints") >= 1.0,
        "{summary}"
    );
    // timings are apart, in timings.json, so summary.json is reproducible
    assert!(summary.get("build_seconds").is_none(), "{summary}");
    let timings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("timings.json")).unwrap())
            .expect("timings.json is JSON");
    let plan = &timings["base"];
    assert!(
        plan["build_seconds"].as_f64().unwrap() >= 0.0
            && plan["solve_seconds"].as_f64().unwrap() >= 0.0,
        "{timings}"
    );
    // the counts are those of the programme `validate` describes
    let model = wfplan::spec::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE),
        None,
        &[],
    )
    .unwrap();
    let lp = wfplan::lp::build(&model);
    assert_eq!(number("variables") as usize, lp.columns.len());
    assert_eq!(number("constraints") as usize, lp.rows.len());

    // stocks.csv: one row per group and period
    let path = out.join("stocks.csv");
    let (header, rows) = read_csv(&path);
    assert_columns(&path, &header, &["group", "period", "stock_fte"]);
    let group = header.iter().position(|h| h == "group").unwrap();
    let period = header.iter().position(|h| h == "period").unwrap();
    let stock = header.iter().position(|h| h == "stock_fte").unwrap();
    assert_eq!(
        rows.len(),
        model.groups.len() * model.periods.len(),
        "{}: {rows:?}",
        path.display()
    );
    let pairs: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r[group].clone(), r[period].clone()))
        .collect();
    for g in &model.groups {
        for p in &model.periods {
            assert!(
                pairs.contains(&(g.id.clone(), p.clone())),
                "stocks.csv has no row for {} in {p}",
                g.id
            );
        }
    }
    // the hard target hv_growth (stock(health_visitor) ≥ 360 in 2027/28) holds
    let hv = rows
        .iter()
        .find(|r| r[group] == "health_visitor" && r[period] == "2027/28")
        .expect("health_visitor 2027/28");
    let hv_stock: f64 = hv[stock].parse().unwrap();
    assert!(
        hv_stock >= 360.0 - 1e-6,
        "health_visitor 2027/28: {hv_stock}"
    );

    // the other tables
    for (file, columns) in [
        (
            "flows.csv",
            &["group", "period", "flow", "channel", "fte"][..],
        ),
        (
            "deployment.csv",
            &["period", "service", "staff", "kind", "fte"][..],
        ),
        (
            "costs.csv",
            &["period", "category", "kind", "cash", "real", "discounted"][..],
        ),
        (
            "constraints.csv",
            &[
                "kind",
                "id",
                "period",
                "activity",
                "min",
                "max",
                "shadow_price",
            ][..],
        ),
    ] {
        let path = out.join(file);
        let (header, rows) = read_csv(&path);
        assert_columns(&path, &header, columns);
        assert!(!rows.is_empty(), "{} has no rows", path.display());
    }
    let (header, rows) = read_csv(&out.join("constraints.csv"));
    let id = header.iter().position(|h| h == "id").unwrap();
    assert!(
        rows.iter().any(|r| r[id] == "hv_growth"),
        "constraints.csv lacks hv_growth: {rows:?}"
    );
}

#[test]
fn solve_prints_a_summary_without_out() {
    let printed = wfplan_ok(&["solve", EXAMPLE]);
    assert!(printed.contains("optimal"), "{printed}");
    assert!(
        printed.contains("staff_nurse") && printed.contains("health_visitor"),
        "{printed}"
    );
}

#[test]
fn solve_with_a_scenario_and_a_setting() {
    let printed = wfplan_ok(&[
        "solve",
        EXAMPLE,
        "--scenario",
        "no_target",
        "--set",
        "group.staff_nurse.attrition=0.12",
    ]);
    assert!(printed.contains("optimal"), "{printed}");
}

#[test]
fn validate_prints_the_entity_counts() {
    let printed = wfplan_ok(&["validate", EXAMPLE]);
    for part in [
        "valid",
        "3 periods",
        "2 groups: staff_nurse, health_visitor",
        "3 pools: newly_qualified, international, agency",
        "1 pipelines: scphn_hv",
        "1 moves: staff_nurse->health_visitor",
        "2 services: district_nursing, health_visiting",
        "1 targets and limits in force: hv_growth",
    ] {
        assert!(
            printed.contains(part),
            "validate should print {part:?}:\n{printed}"
        );
    }
}

#[test]
fn broken_model_exits_non_zero_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE)).unwrap();
    assert_eq!(text.matches("attrition = 0.09").count(), 1);
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, text.replace("attrition = 0.09", "atrition = 0.09")).unwrap();
    for command in ["validate", "solve", "export"] {
        let mut args = vec![command, broken.to_str().unwrap()];
        if command == "export" {
            args.extend(["--format", "lp"]);
        }
        let err = wfplan_fails(&args);
        let line = err.lines().find(|l| l.starts_with("error: ")).unwrap();
        for part in ["broken.toml", "group 'health_visitor'", "atrition"] {
            assert!(
                line.contains(part),
                "wfplan {command}: the error line should mention {part:?}:\n{err}"
            );
        }
    }
}

#[test]
fn broken_value_exits_non_zero_saying_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE)).unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, text.replace("opening = 300", "opening = -5")).unwrap();
    let err = wfplan_fails(&["solve", broken.to_str().unwrap()]);
    for part in ["group 'health_visitor'", "'opening'", "non-negative", "-5"] {
        assert!(
            err.contains(part),
            "the error should mention {part:?}:\n{err}"
        );
    }
}

#[test]
fn missing_model_file_is_named() {
    let err = wfplan_fails(&["validate", "models/no_such_model.toml"]);
    assert!(err.contains("models/no_such_model.toml"), "{err}");
}

#[test]
fn infeasible_model_exits_non_zero_with_an_explanation() {
    // no open-market hires: health visitors come only from the pipeline (60 a
    // year) and moves (10 a year), far short of 1,000; exit status 3
    let err = wfplan_fails_with(
        &[
            "solve",
            EXAMPLE,
            "--set",
            "group.health_visitor.hire_max=0",
            "--set",
            "target.hv_growth.min=1000",
        ],
        3,
    );
    assert!(
        err.contains("infeasible") && err.contains("hv_growth"),
        "{err}"
    );
}

#[test]
fn export_lp_contains_the_row_names() {
    let text = wfplan_ok(&["export", EXAMPLE, "--format", "lp"]);
    for part in [
        "Minimize",
        "Subject To",
        "End",
        "stock_balance",
        "capacity",
        "service_cover",
        "hv_growth",
    ] {
        assert!(text.contains(part), "the LP file should contain {part:?}");
    }
    // one named row per constraint of the programme
    let model = wfplan::spec::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE),
        None,
        &[],
    )
    .unwrap();
    let lp = wfplan::lp::build(&model);
    let section = text
        .split("Subject To")
        .nth(1)
        .and_then(|rest| rest.split("\nBounds").next())
        .expect("a Subject To section");
    let named = section
        .lines()
        .filter(|line| line.starts_with(' ') && !line.starts_with("    ") && line.contains(':'))
        .count();
    assert_eq!(named, lp.rows.len(), "named rows in the LP file");
    for group in &model.groups {
        assert!(
            text.contains(&format!("stock_balance({},", group.id)),
            "stock_balance row of {}",
            group.id
        );
    }
}

#[test]
fn export_mps_contains_the_row_names() {
    let text = wfplan_ok(&["export", EXAMPLE, "--format", "mps"]);
    for part in ["NAME", "ROWS", "COLUMNS", "RHS", "ENDATA"] {
        assert!(text.contains(part), "the MPS file should contain {part:?}");
    }
    let model = wfplan::spec::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE),
        None,
        &[],
    )
    .unwrap();
    let lp = wfplan::lp::build(&model);
    let rows = text
        .split("\nROWS\n")
        .nth(1)
        .and_then(|rest| rest.split("\nCOLUMNS").next())
        .expect("a ROWS section");
    let names: BTreeSet<&str> = rows
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    for row in &lp.rows {
        assert!(
            names.contains(row.name.to_string().as_str()),
            "the MPS ROWS section lacks {}",
            row.name
        );
    }
    assert!(names.contains("target[hv_growth,2027/28]"));
}

#[test]
fn export_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.mps");
    wfplan_ok(&[
        "export",
        EXAMPLE,
        "--format",
        "mps",
        "--out",
        path.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("stock_balance[staff_nurse,2025/26]"));
}

#[test]
fn unknown_scenario_fails_with_a_suggestion() {
    let err = wfplan_fails(&["solve", EXAMPLE, "--scenario", "nope"]);
    assert!(err.contains("scenario 'nope'"), "{err}");
    // the scenarios the file defines are offered
    assert!(err.contains("no_target"), "{err}");
    let err = wfplan_fails(&["solve", EXAMPLE, "--scenario", "no_targt"]);
    assert!(err.contains("did you mean 'no_target'"), "{err}");
}

/// `--scenario base` is the model as written, as `compare --base base` is:
/// the same summary as without `--scenario`, and the same manifest (no
/// scenario recorded) in an output folder.
#[test]
fn scenario_base_is_the_model_as_written() {
    assert_eq!(
        wfplan_ok(&["validate", EXAMPLE, "--scenario", "base"]),
        wfplan_ok(&["validate", EXAMPLE])
    );
    let without_timings = |printed: String| {
        printed
            .lines()
            .filter(|line| !line.contains("solved in"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_timings(wfplan_ok(&["solve", EXAMPLE, "--scenario", "base"])),
        without_timings(wfplan_ok(&["solve", EXAMPLE]))
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    wfplan_ok(&[
        "solve",
        EXAMPLE,
        "--scenario",
        "base",
        "--out",
        out.to_str().unwrap(),
    ]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["scenarios"],
        serde_json::json!({ "scenario": null }),
        "{manifest}"
    );
}

#[test]
fn bad_set_fails_with_a_suggestion() {
    let err = wfplan_fails(&["solve", EXAMPLE, "--set", "group.staff_nurce.attrition=0.2"]);
    assert!(err.contains("did you mean 'staff_nurse'"), "{err}");
}

#[test]
fn help_lists_the_commands() {
    let printed = wfplan_ok(&["--help"]);
    for command in ["validate", "solve", "export"] {
        assert!(
            printed
                .lines()
                .any(|line| line.trim_start().starts_with(command)),
            "--help should list {command}:\n{printed}"
        );
    }
    let printed = wfplan_ok(&["solve", "--help"]);
    for option in ["--scenario", "--set", "--out"] {
        assert!(
            printed.contains(option),
            "solve --help should list {option}:\n{printed}"
        );
    }
}

#[test]
fn no_arguments_is_a_usage_error_not_a_panic() {
    let output = wfplan(&[]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("Usage"), "{err}");
}

#[test]
fn compare_writes_the_impact_report_and_both_plans() {
    let out = tempfile::tempdir().expect("temporary folder");
    let out_dir = out.path().to_str().expect("utf-8 path");
    let printed = wfplan_ok(&[
        "compare",
        "tests/fixtures/pull.toml",
        "--base",
        "no_target",
        "--policy",
        "base",
        "--out",
        out_dir,
    ]);
    assert!(
        printed.contains("Health visitors reach 120 FTE in 2028"),
        "{printed}"
    );
    assert!(printed.contains("District nursing"), "{printed}");
    for file in [
        "report.md",
        "report.html",
        "headline.csv",
        "channels.csv",
        "finance.csv",
    ] {
        assert!(out.path().join(file).is_file(), "{file} written");
    }
    for plan in ["no_target", "base"] {
        assert!(
            out.path().join(plan).join("summary.json").is_file(),
            "{plan}/summary.json written"
        );
    }
}

#[test]
fn compare_refuses_to_write_beside_the_model_file() {
    let error = wfplan_fails(&[
        "compare",
        "tests/fixtures/pull.toml",
        "--base",
        "no_target",
        "--policy",
        "base",
        "--out",
        "tests/fixtures",
    ]);
    assert!(error.contains("refusing to write"), "{error}");
}

#[test]
fn solve_never_overwrites_an_input_series() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let out = folder.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let series = "period,service,value\n2026,ward,5\n";
    std::fs::write(out.join("stocks.csv"), series).unwrap();
    let model = folder.path().join("model.toml");
    std::fs::write(
        &model,
        "[model]\nperiods = [\"2026\"]\n[[group]]\nid = \"a\"\nopening = 10\n[[service]]\nid = \"ward\"\ndemand = \"out/stocks.csv\"\nstaffed_by = { a = 1.0 }\n",
    )
    .unwrap();
    let error = wfplan_fails(&[
        "solve",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        error.contains("refusing to write") && error.contains("stocks.csv"),
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("stocks.csv")).unwrap(),
        series,
        "the input is untouched"
    );
}
