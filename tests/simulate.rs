//! `wfplan simulate`: Monte Carlo over uncertain parameters. On
//! uncertain_demand.toml (derivation in the fixture) the cost is linear in
//! a uniform demand, so every sample's objective and the quantiles are
//! known by hand; the fixed plan's cost is derived too and never below the
//! reoptimised one (a property over seeds and ranges); a target the fixed
//! plan misses, and a pool it overdraws, are reported per sample; the same
//! seed gives byte-identical tables whatever `--jobs`; the copula's
//! correlation; and the errors for bad distributions, paths and draws.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use wfplan::simulate::{self, uncertain, Layout, Plan, RunOptions, SampleResult, Simulation};
use wfplan::solve::SolverOptions;

use crate::util::*;

const FIXTURE: &str = "uncertain_demand.toml";

/// A CSV file as rows of column → cell (quotes taken off; no cell of these
/// tables holds a comma except inside quotes, handled here).
fn read_table(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().map(split_csv_line);
    let header = lines.next().expect("a header");
    lines
        .map(|cells| header.iter().cloned().zip(cells).collect())
        .collect()
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    row.get(column)
        .unwrap_or_else(|| panic!("no column {column} in {row:?}"))
        .parse()
        .unwrap_or_else(|_| panic!("column {column} is not a number in {row:?}"))
}

/// Runs `simulate` on the fixture into a temporary folder; returns the
/// folder (kept alive) and its path.
fn simulate_fixture(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let model = fixture_path(FIXTURE);
    let mut all = vec![
        "simulate",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    all.extend_from_slice(args);
    wfplan_in_ok(dir.path(), &all);
    (dir, out)
}

/// Reoptimised: cost = 120·D − 9,000 for the demand D each sample drew.
fn reoptimised_cost(demand: f64) -> f64 {
    120.0 * demand - 9_000.0
}

/// The central plan (stock 1,000) kept: 111,000, plus agency above 1,000.
fn fixed_cost(demand: f64) -> f64 {
    111_000.0 + 300.0 * (demand - 1_000.0).max(0.0)
}

#[test]
fn cost_linear_in_a_uniform_demand_has_the_quantiles_derived_by_hand() {
    const SAMPLES: usize = 400;
    let (_dir, out) = simulate_fixture(&["--samples", "400", "--seed", "7"]);
    let samples = read_table(&out.join("samples.csv"));
    assert_eq!(samples.len(), SAMPLES);
    let mut demands = Vec::new();
    for row in &samples {
        assert_eq!(row["status"], "optimal", "{row:?}");
        let demand = number(row, "demand");
        assert!((800.0..=1200.0).contains(&demand), "{row:?}");
        // Each sample exactly: the plan for its own demand.
        assert_close_what(
            "objective",
            number(row, "objective"),
            reoptimised_cost(demand),
            REL_TOL,
        );
        assert_close_what(
            "cash",
            number(row, "cash"),
            reoptimised_cost(demand),
            REL_TOL,
        );
        assert_close_what("stock", number(row, "stock[nurse,2025]"), demand, REL_TOL);
        demands.push(demand);
    }
    // The draws are uniform: mean 1,000, sd 400/√12 ≈ 115.5, so the mean of
    // 400 is within 4 standard errors (4 · 5.77 ≈ 23) of 1,000.
    let mean = demands.iter().sum::<f64>() / SAMPLES as f64;
    assert!((mean - 1000.0).abs() < 23.1, "mean demand {mean}");
    // Quantiles of the cost: 120 · (800 + 400 q) − 9,000. A sample quantile
    // of a uniform has standard error 400 · √(q(1−q)/N) in demand, times 120
    // in cost: allow 4 of them.
    let quantiles = read_table(&out.join("quantiles.csv"));
    let objective = quantiles
        .iter()
        .find(|row| row["measure"] == "objective" && row["period"] == "total")
        .expect("the objective's quantiles");
    for (q, column) in [
        (0.05, "p5"),
        (0.25, "p25"),
        (0.5, "p50"),
        (0.75, "p75"),
        (0.95, "p95"),
    ] {
        let expected = reoptimised_cost(800.0 + 400.0 * q);
        let tolerance = 4.0 * 120.0 * 400.0 * (q * (1.0 - q) / SAMPLES as f64).sqrt();
        let got = number(objective, column);
        assert!(
            (got - expected).abs() <= tolerance,
            "{column} of the objective: expected {expected} ± {tolerance}, got {got}"
        );
    }
    assert_close_what(
        "central objective",
        number(objective, "central"),
        111_000.0,
        REL_TOL,
    );
    assert_eq!(objective["samples"], "400");
    // The report quotes the 90% interval of the cash cost.
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_mentions(&report, &["90% interval for the cash cost", "£"]);
    for stem in ["stock_fan", "cash_fan"] {
        for extension in ["png", "svg"] {
            assert!(out
                .join("charts")
                .join(format!("{stem}.{extension}"))
                .is_file());
        }
    }
}

#[test]
fn scale_multiplies_the_parameter_by_the_draw() {
    // demand 1,000 × 0.9 or × 1.1: objective 120 · 900 − 9,000 or 120 · 1,100 − 9,000.
    let (_dir, out) = simulate_fixture(&[
        "--samples",
        "30",
        "--uncertain",
        "service.care.demand*=values:0.9,1.1",
    ]);
    let samples = read_table(&out.join("samples.csv"));
    let mut seen = [false, false];
    for row in &samples {
        // The model's entry on the same path is replaced (keeping its id).
        let factor = number(row, "demand (factor)");
        let slot = if (factor - 0.9).abs() < 1e-12 {
            0
        } else {
            assert!((factor - 1.1).abs() < 1e-12, "{row:?}");
            1
        };
        seen[slot] = true;
        assert_close_what(
            "objective",
            number(row, "objective"),
            reoptimised_cost(1000.0 * factor),
            REL_TOL,
        );
    }
    assert_eq!(seen, [true, true], "both values are drawn in 30 samples");
}

#[test]
fn fixed_plan_costs_what_the_hand_derivation_says_and_never_less() {
    let (_dir, fixed) = simulate_fixture(&["--samples", "60", "--seed", "3", "--plan", "fixed"]);
    let (_dir2, reoptimised) = simulate_fixture(&["--samples", "60", "--seed", "3"]);
    let fixed = read_table(&fixed.join("samples.csv"));
    let reoptimised = read_table(&reoptimised.join("samples.csv"));
    for (f, r) in fixed.iter().zip(&reoptimised) {
        let demand = number(f, "demand");
        assert_eq!(demand, number(r, "demand"), "same seed, same draws");
        assert_eq!(f["status"], "optimal");
        assert_close_what(
            "fixed objective",
            number(f, "objective"),
            fixed_cost(demand),
            REL_TOL,
        );
        // The decisions are the central plan's: 1,000 in post whatever D.
        assert_close_what(
            "fixed stock",
            number(f, "stock[nurse,2025]"),
            1000.0,
            REL_TOL,
        );
        assert!(number(f, "objective") >= number(r, "objective") - 1e-6 * number(r, "objective"));
    }
}

/// The library's run on the fixture text with the demand drawn from
/// uniform(low, high).
fn run_library(text: &str, plan: Plan, seed: u64, samples: usize) -> Vec<SampleResult> {
    let path = fixture_path(FIXTURE);
    let simulation = Simulation::from_text(
        text.to_string(),
        &path,
        None,
        &[],
        Vec::new(),
        Vec::new(),
        samples,
        seed,
        plan,
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    simulation.validate(1).unwrap_or_else(|e| panic!("{e:#}"));
    let options = SolverOptions::default();
    let central_model = simulation.central().unwrap();
    let layout = Layout::new(&central_model);
    let central = simulate::solve_central(&simulation, &central_model, &layout, &options).unwrap();
    let fixed = central.solution.as_ref().map(simulate::FixedPlan::new);
    let fixed = if plan == Plan::Fixed { fixed } else { None };
    simulate::run(
        &simulation,
        &layout,
        fixed.as_ref(),
        &options,
        RunOptions {
            jobs: 1,
            warm: true,
        },
        &|_| {},
    )
    .unwrap_or_else(|e| panic!("{e:#}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever the seed, the demand's range and the agency's rate (above
    /// the 120 a hired FTE costs), the fixed plan costs at least as much as
    /// the best plan for each sample: its decisions are one of the plans
    /// the reoptimised sample could choose.
    #[test]
    fn fixed_plan_never_beats_the_reoptimised_plan(
        seed in 0u64..1_000_000,
        low in 500.0f64..1000.0,
        width in 0.0f64..600.0,
        rate in 150.0f64..450.0,
    ) {
        let text = edited_text(FIXTURE, &[
            ("min = 800", &format!("min = {low}")),
            ("max = 1200", &format!("max = {}", low + width)),
            ("rate = 300", &format!("rate = {rate}")),
        ]);
        let fixed = run_library(&text, Plan::Fixed, seed, 6);
        let reoptimised = run_library(&text, Plan::Reoptimise, seed, 6);
        for (f, r) in fixed.iter().zip(&reoptimised) {
            let (f, r) = (f.objective.unwrap(), r.objective.unwrap());
            prop_assert!(f >= r - 1e-7 * r.abs().max(1.0), "fixed {} < reoptimised {}", f, r);
        }
    }
}

#[test]
fn a_target_the_fixed_plan_misses_is_reported_per_sample_with_its_shortfall() {
    // Attrition a ~ uniform(0.05, 0.15), demand 1,000 and a hard target of
    // 1,000 in post. The central plan (a = 0.1) hires 550. Kept, the stock
    // is 500 (1 − a) + 550 = 1,050 − 500 a: the target holds when a ≤ 0.1
    // and is missed by 500 a − 50 otherwise, the agency covering the gap.
    // Reoptimised, hiring 1,000 − 500 (1 − a) always meets it.
    let text = fixture_text(FIXTURE)
        + "\n[[target]]\nid = \"in_post\"\nexpr = \"stock(nurse)\"\nmin = 1000\n"
        + "\n[[uncertain]]\nid = \"attrition\"\npath = \"group.nurse.attrition\"\ndistribution = \"uniform\"\nmin = 0.05\nmax = 0.15\n";
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.toml");
    std::fs::write(&model, &text).unwrap();
    let model = model.to_str().unwrap();
    for plan in ["fixed", "reoptimise"] {
        let out = dir.path().join(plan);
        wfplan_in_ok(
            dir.path(),
            &[
                "simulate",
                model,
                "--samples",
                "80",
                "--plan",
                plan,
                "--quiet",
                "--uncertain",
                "service.care.demand=values:1000",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let samples = read_table(&out.join("samples.csv"));
        let mut met = 0;
        for row in &samples {
            let attrition = number(row, "attrition");
            let stock = number(row, "stock[nurse,2025]");
            if plan == "reoptimise" || attrition <= 0.1 {
                assert_eq!(row["status"], "optimal", "{row:?}");
                assert_eq!(row["met[in_post]"], "1", "{row:?}");
                met += 1;
            } else {
                assert_eq!(row["status"], "target missed", "{row:?}");
                assert_eq!(row["met[in_post]"], "0", "{row:?}");
                let short = 500.0 * attrition - 50.0;
                assert_close_what("stock", stock, 1000.0 - short, REL_TOL);
                assert_mentions(&row["explanation"], &["in_post", "short by"]);
                // Deployment re-solved: the agency covers the gap.
                assert_close_what(
                    "cash",
                    number(row, "cash"),
                    100.0 * stock + 20.0 * 550.0 + 300.0 * short,
                    REL_TOL,
                );
            }
        }
        let conditions = read_table(&out.join("conditions.csv"));
        let target = conditions.iter().find(|r| r["id"] == "in_post").unwrap();
        assert_close_what(
            "probability",
            number(target, "probability"),
            met as f64 / 80.0,
            1e-12,
        );
        if plan == "fixed" {
            // About half the draws are above 0.1 (80 samples: 4 standard errors is 0.22).
            assert!((met as f64 / 80.0 - 0.5).abs() < 0.23, "{met} of 80 met");
        } else {
            assert_eq!(met, 80);
        }
    }
}

#[test]
fn a_fixed_plan_that_overdraws_a_pool_is_infeasible_in_that_sample_and_says_why() {
    // Hires come from a pool of graduates whose supply is uncertain,
    // uniform(500, 700); the central plan (supply 600) hires 550. A sample
    // with less than 550 cannot carry it out.
    let text = fixture_text(FIXTURE).replace(
        "hire_cost = 20\n",
        "hire_cost = 20\nfrom_pools = [\"graduates\"]\n\n[[pool]]\nid = \"graduates\"\nsupply = 600\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.toml");
    std::fs::write(&model, &text).unwrap();
    let out = dir.path().join("out");
    wfplan_in_ok(
        dir.path(),
        &[
            "simulate",
            model.to_str().unwrap(),
            "--samples",
            "40",
            "--plan",
            "fixed",
            "--quiet",
            "--uncertain",
            "service.care.demand=values:1000",
            "--uncertain",
            "pool.graduates.supply=uniform:500:700",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let samples = read_table(&out.join("samples.csv"));
    let mut infeasible = 0;
    for row in &samples {
        let supply = number(row, "pool.graduates.supply");
        if supply < 550.0 {
            infeasible += 1;
            assert_eq!(row["status"], "infeasible", "{row:?}");
            assert_mentions(&row["explanation"], &["pool_supply[graduates,2025]", "550"]);
            assert_eq!(row["objective"], "");
        } else {
            assert_eq!(row["status"], "optimal", "{row:?}");
            assert_close_what("objective", number(row, "objective"), 111_000.0, REL_TOL);
        }
    }
    assert!(
        infeasible > 0,
        "some of 40 draws fall below 550 (a quarter expected)"
    );
}

#[test]
fn the_same_seed_writes_byte_identical_tables_whatever_the_jobs() {
    // 60 samples run in 12 runs of 5, so two workers interleave them.
    let args = [
        "--samples",
        "60",
        "--seed",
        "11",
        "--uncertain",
        "group.nurse.attrition=triangular:0.05:0.1:0.2",
    ];
    let (_a, one) = simulate_fixture(&[&args[..], &["--jobs", "1"]].concat());
    let (_b, two) = simulate_fixture(&[&args[..], &["--jobs", "2"]].concat());
    for file in [
        "samples.csv",
        "quantiles.csv",
        "conditions.csv",
        "report.md",
    ] {
        let first = std::fs::read(one.join(file)).unwrap();
        let second = std::fs::read(two.join(file)).unwrap();
        assert!(
            first == second,
            "{file} differs between --jobs 1 and --jobs 2"
        );
    }
    // Another seed draws other values.
    let (_c, other) = simulate_fixture(&[&args[..2], &["--seed", "12"], &args[4..]].concat());
    assert_ne!(
        std::fs::read(one.join("samples.csv")).unwrap(),
        std::fs::read(other.join("samples.csv")).unwrap()
    );
}

#[test]
fn correlated_draws_have_the_correlation_asked_for() {
    let uniform = |id: &str| uncertain::Uncertain {
        id: id.to_string(),
        path: format!("group.{id}.attrition"),
        apply: uncertain::Apply::Set,
        distribution: uncertain::Distribution::Normal { mean: 0.0, sd: 1.0 },
        source: format!("test {id}"),
    };
    let parameters = uncertain::Parameters::new(
        Vec::new(),
        Vec::new(),
        vec![uniform("a"), uniform("b")],
        vec![uncertain::parse_correlate("a,b=0.8").unwrap()],
    )
    .unwrap();
    const N: usize = 4000;
    let draws: Vec<Vec<f64>> = (0..N).map(|i| parameters.draw(5, i)).collect();
    let mean = |k: usize| draws.iter().map(|d| d[k]).sum::<f64>() / N as f64;
    let (ma, mb) = (mean(0), mean(1));
    let cov = draws.iter().map(|d| (d[0] - ma) * (d[1] - mb)).sum::<f64>() / N as f64;
    let var = |k: usize, m: f64| draws.iter().map(|d| (d[k] - m).powi(2)).sum::<f64>() / N as f64;
    let rho = cov / (var(0, ma) * var(1, mb)).sqrt();
    // The standard error of a sample correlation near 0.8 is (1 − 0.64)/√N ≈ 0.006.
    assert!((rho - 0.8).abs() < 0.03, "sample correlation {rho}");
    // Sample i's draws depend on the seed and i only.
    assert_eq!(parameters.draw(5, 17), draws[17]);
}

#[test]
fn bad_uncertain_input_is_refused_before_solving_with_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture_path(FIXTURE);
    let model = model.to_str().unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["simulate", model, "--out", out.to_str().unwrap()];
        if !extra.contains(&"--samples") {
            args.extend_from_slice(&["--samples", "50"]);
        }
        args.extend_from_slice(extra);
        let err = wfplan_in_fails(dir.path(), &args);
        assert!(!out.exists(), "nothing is written: {err}");
        err
    };
    // An unknown path: the field is named (with the nearest one).
    let err = run(&["--uncertain", "group.nurse.atrition=normal:0.1:0.01"]);
    assert_mentions(&err, &["--uncertain group.nurse.atrition", "atrition"]);
    let err = run(&["--uncertain", "group.nures.attrition=normal:0.1:0.01"]);
    assert_mentions(&err, &["no group 'nures'", "did you mean 'nurse'"]);
    // Impossible parameters.
    let err = run(&["--uncertain", "group.nurse.attrition=normal:0.1:-0.01"]);
    assert_mentions(
        &err,
        &["standard deviation (sd) must be 0 or more", "-0.01"],
    );
    let err = run(&["--uncertain", "group.nurse.attrition=uniform:0.2:0.1"]);
    assert_mentions(&err, &["min (0.2) is above max (0.1)"]);
    let err = run(&[
        "--uncertain",
        "group.nurse.attrition=triangular:0.1:0.3:0.2",
    ]);
    assert_mentions(&err, &["mode (0.3) must lie in [min, max] = [0.1, 0.2]"]);
    let err = run(&["--uncertain", "group.nurse.attrition=normal:0.1"]);
    assert_mentions(
        &err,
        &["normal distribution takes 2 numbers", "normal:MEAN:SD"],
    );
    let err = run(&["--uncertain", "group.nurse.attrition=gaussian:0.1:0.01"]);
    assert_mentions(&err, &["no distribution 'gaussian'"]);
    // A bounded range that takes a rate out of [0, 1]: refused whatever the seed.
    let err = run(&["--uncertain", "group.nurse.attrition=uniform:0.5:1.2"]);
    assert_mentions(
        &err,
        &[
            "its range reaches group.nurse.attrition = 1.2",
            "expected a rate in [0, 1]",
        ],
    );
    // A normal draw that leaves [0, 1]: refused, naming the sample and the draw.
    let err = run(&["--uncertain", "group.nurse.attrition=normal:0.9:0.2"]);
    assert_mentions(
        &err,
        &[
            "sample ",
            " of 50 (seed 1) draws",
            "group.nurse.attrition = 1.",
            "expected a rate in [0, 1]",
            "refused, not truncated",
        ],
    );
    // Scaling a parameter the model does not give.
    let err = run(&["--uncertain", "group.nurse.hire_max*=normal:1:0.1"]);
    assert_mentions(&err, &["group 'nurse' has no hire_max to scale"]);
    // Correlations.
    let err = run(&["--correlate", "demand,supply=0.5"]);
    assert_mentions(
        &err,
        &[
            "--correlate demand,supply=0.5",
            "no uncertain parameter 'supply'",
        ],
    );
    let err = run(&["--correlate", "demand,demand=0.5"]);
    assert_mentions(&err, &["correlation with itself"]);
    let err = run(&[
        "--uncertain",
        "group.nurse.attrition=uniform:0.05:0.15",
        "--uncertain",
        "group.nurse.salary=uniform:90:110",
        "--correlate",
        "demand,group.nurse.attrition=0.9",
        "--correlate",
        "demand,group.nurse.salary=0.9",
        "--correlate",
        "group.nurse.attrition,group.nurse.salary=-0.9",
    ]);
    assert_mentions(&err, &["not positive semi-definite"]);
    let err = run(&[
        "--correlate",
        "demand,x=1.5",
        "--uncertain",
        "group.nurse.attrition=values:0.1",
    ]);
    assert_mentions(&err, &["no uncertain parameter 'x'"]);
    // Samples.
    let err = run(&["--samples", "0"]);
    assert_mentions(&err, &["--samples 0", "1 to 100000"]);
    // A path also given with --set.
    let err = run(&["--set", "service.care.demand=900"]);
    assert_mentions(&err, &["also given with --set"]);
}

#[test]
fn bad_uncertain_entries_in_the_model_name_the_entry_and_the_field() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "sd = 5",
            &[
                "uncertain 'demand'",
                "field 'sd' is not a parameter of a uniform distribution",
            ],
        ),
        (
            "distribution = \"unifrom\"",
            &[
                "uncertain 'demand'",
                "no distribution 'unifrom'",
                "did you mean 'uniform'",
            ],
        ),
        (
            "spread = 3",
            &["uncertain 'demand'", "unknown field `spread`"],
        ),
        (
            "correlation = { demand = 0.5 }",
            &["correlation with itself"],
        ),
    ];
    for (line, expected) in cases {
        let text = fixture_text(FIXTURE) + line + "\n";
        let text = if line.starts_with("distribution") {
            text.replace("distribution = \"uniform\"\n", "")
        } else {
            text
        };
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("model.toml");
        std::fs::write(&model, &text).unwrap();
        let err = wfplan_in_fails(
            dir.path(),
            &[
                "simulate",
                model.to_str().unwrap(),
                "--samples",
                "5",
                "--out",
                "out",
            ],
        );
        assert_mentions(&err, expected);
        assert_mentions(&err, &["model.toml"]);
    }
    // Every other command reads the model as before, [[uncertain]] and all.
    let output = wfplan(&["solve", fixture_path(FIXTURE).to_str().unwrap(), "--quiet"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn base_scenario_under_the_same_draws_gives_the_extra_cash_sample_by_sample() {
    // Scenario `dearer` pays 110 instead of 100 per FTE: its best plan is
    // the same (hire D − 450; 110 + 20 < 300), costing 130 · D − 9,000, so
    // its extra cash over the model as written is 10 · D in every sample,
    // and the quantiles of the extra cash are 10 · (800 + 400 q).
    let text = fixture_text(FIXTURE)
        + "\n[[scenario]]\nid = \"dearer\"\nset = { \"group.nurse.salary\" = 110 }\n";
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.toml");
    std::fs::write(&model, &text).unwrap();
    let out = dir.path().join("out");
    let output = wfplan_in_ok(
        dir.path(),
        &[
            "simulate",
            model.to_str().unwrap(),
            "--scenario",
            "dearer",
            "--base",
            "base",
            "--samples",
            "200",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_mentions(
        &stdout,
        &["90% interval for the cash cost of dearer against base"],
    );
    let samples = read_table(&out.join("samples.csv"));
    for row in &samples {
        let demand = number(row, "demand");
        assert_eq!(row["base_status"], "optimal");
        assert_close_what(
            "base objective",
            number(row, "base_objective"),
            reoptimised_cost(demand),
            REL_TOL,
        );
        assert_close_what(
            "extra cash",
            number(row, "extra_cash_outturn"),
            10.0 * demand,
            REL_TOL,
        );
    }
    let quantiles = read_table(&out.join("quantiles.csv"));
    let extra = quantiles
        .iter()
        .find(|row| row["measure"] == "extra_cash" && row["period"] == "total")
        .expect("the extra cash's quantiles");
    assert_close_what(
        "central extra cash",
        number(extra, "central"),
        10_000.0,
        REL_TOL,
    );
    for (q, column) in [(0.05f64, "p5"), (0.5, "p50"), (0.95, "p95")] {
        let expected = 10.0 * (800.0 + 400.0 * q);
        let tolerance = 4.0 * 10.0 * 400.0 * (q * (1.0 - q) / 200.0).sqrt();
        let got = number(extra, column);
        assert!(
            (got - expected).abs() <= tolerance,
            "{column}: expected {expected} ± {tolerance}, got {got}"
        );
    }
    assert!(out.join("charts/extra_cash_fan.svg").is_file());
    // The base may not be the scenario simulated.
    let err = wfplan_in_fails(
        dir.path(),
        &[
            "simulate",
            model.to_str().unwrap(),
            "--scenario",
            "dearer",
            "--base",
            "dearer",
            "--out",
            "other",
        ],
    );
    assert_mentions(
        &err,
        &["--base dearer", "the base is the scenario simulated"],
    );
}

#[test]
fn validate_lists_and_checks_the_uncertain_entries() {
    let output = wfplan(&["validate", fixture_path(FIXTURE).to_str().unwrap()]);
    assert!(output.status.success());
    assert_mentions(
        &String::from_utf8_lossy(&output.stdout),
        &[
            "1 uncertain parameters (for simulate)",
            "demand: service.care.demand = uniform(min 800, max 1200)",
        ],
    );
    // A range that takes a rate out of [0, 1] fails validate too.
    let text = fixture_text(FIXTURE)
        + "\n[[uncertain]]\npath = \"group.nurse.attrition\"\ndistribution = \"uniform\"\nmin = 0.5\nmax = 1.5\n";
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.toml");
    std::fs::write(&model, &text).unwrap();
    let err = wfplan_in_fails(dir.path(), &["validate", model.to_str().unwrap()]);
    assert_mentions(
        &err,
        &[
            "uncertain 'group.nurse.attrition'",
            "its range reaches group.nurse.attrition = 1.5",
            "expected a rate in [0, 1]",
        ],
    );
}

/// The objective of every sample of `simulate FIXTURE --samples N
/// --uncertain PATH`, read from samples.csv.
fn sample_objectives(fixture: &str, samples: usize, uncertain: &str) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let model = fixture_path(fixture);
    let samples = samples.to_string();
    wfplan_in_ok(
        dir.path(),
        &[
            "simulate",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--samples",
            &samples,
            "--uncertain",
            uncertain,
        ],
    );
    read_table(&out.join("samples.csv"))
        .iter()
        .map(|row| number(row, "objective"))
        .collect()
}

/// Need rates and drivers can be uncertain like any number (need.toml,
/// derived in tests/need.rs): contacts per birth 5 × 1.2 = 6, or births ×
/// 1.2 = [1,200, 1,440], both give demand [12, 14.4] with 10 staff: unmet
/// [2, 4.4], penalty 100 × 6.4 = 640, cash 20, objective 660 in every
/// sample.
#[test]
fn need_rates_and_drivers_scale_like_any_number() {
    for path in [
        "service.visiting.need.contacts_per_unit*=values:1.2",
        "service.visiting.need.births.contacts_per_unit*=values:1.2",
        "driver.births.values*=values:1.2",
    ] {
        for objective in sample_objectives("need.toml", 3, path) {
            assert_close_what(path, objective, 660.0, REL_TOL);
        }
    }
}

/// Attrition by age band scales band by band (ages.toml, derived in
/// tests/ages.rs: young 0.1, old 0.5, a quarter of the young who stay age
/// up, salary 10, no hires). × 0: nobody leaves, 100 FTE each year, cost
/// 2,000. × 2 (young 0.2, old 1.0): 2026 young 60·0.8·0.75 = 36, old
/// 60·0.8·0.25 = 12; 2027 young 36·0.6 = 21.6, old 36·0.8·0.25 = 7.2; cost
/// 10·(48 + 28.8) = 768.
#[test]
fn attrition_by_age_band_scales_band_by_band() {
    for (factor, cost) in [("0", 2000.0), ("2", 768.0)] {
        let uncertain = format!("group.hv.age.attrition*=values:{factor}");
        for objective in sample_objectives("ages.toml", 2, &uncertain) {
            assert_close_what(&uncertain, objective, cost, REL_TOL);
        }
    }
}
