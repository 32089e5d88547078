//! `compare` with several policies against one base, and `solve --out`'s
//! single-scenario report, on tests/fixtures/freeze.toml (derived by hand
//! in its header): 'target' costs +£40 in 2026 and +£60 in 2027 (£100),
//! 'target_frozen' +£2,460 in 2027.

use crate::util::{assert_close_what, wfplan, REL_TOL};

#[test]
fn several_policies_are_reported_side_by_side_against_one_base() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("many");
    let output = wfplan(&[
        "compare",
        "tests/fixtures/freeze.toml",
        "--base",
        "base",
        "--policy",
        "target",
        "--policy",
        "target_frozen",
        "--json",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let policies = json["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_close_what(
        "target",
        policies[0]["cash"]["change"].as_f64().unwrap(),
        100.0,
        REL_TOL,
    );
    assert_close_what(
        "frozen",
        policies[1]["cash"]["change"].as_f64().unwrap(),
        2460.0,
        REL_TOL,
    );
    // One side-by-side report, each pair's full report, each plan once.
    for path in [
        "report.md",
        "report.html",
        "comparison.csv",
        "target-vs-base/report.html",
        "target-vs-base/channels.csv",
        "target_frozen-vs-base/report.html",
        "base/stocks.csv",
        "target/stocks.csv",
        "target_frozen/stocks.csv",
    ] {
        assert!(folder.join(path).is_file(), "{path} written");
    }
    let csv = std::fs::read_to_string(folder.join("comparison.csv")).unwrap();
    let value = |policy: &str, measure: &str| -> f64 {
        csv.lines()
            .find(|l| l.starts_with(&format!("{policy},{measure},")))
            .unwrap_or_else(|| panic!("no {policy} {measure} in {csv}"))
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_close_what("csv target", value("target", "cash_change"), 100.0, REL_TOL);
    assert_close_what(
        "csv frozen",
        value("target_frozen", "cash_change"),
        2460.0,
        REL_TOL,
    );
    let markdown = std::fs::read_to_string(folder.join("report.md")).unwrap();
    assert!(
        markdown.contains("| Measure | target | target_frozen |"),
        "{markdown}"
    );
    assert!(markdown.contains("£2.5k"), "{markdown}");
    // The same policy twice is refused.
    let output = wfplan(&[
        "compare",
        "tests/fixtures/freeze.toml",
        "--base",
        "base",
        "--policy",
        "target",
        "--policy",
        "target",
        "-q",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("given twice"));
}

#[test]
fn solve_out_writes_a_single_scenario_report() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("plan");
    let output = wfplan(&[
        "solve",
        "tests/fixtures/freeze.toml",
        "--scenario",
        "target",
        "-q",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let markdown = std::fs::read_to_string(folder.join("report.md")).unwrap();
    assert!(markdown.contains("plan of 'target'"), "{markdown}");
    // Health visitors 140 in 2026 and 200 in 2027 (40 then 60 moves).
    assert!(
        markdown.contains("| Health visitors | 140 | 200 |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("hv_200: stock(hv) | 2027 | 200 FTE | 200 FTE |"),
        "{markdown}"
    );
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(html.contains("<svg"), "charts inlined");
}
