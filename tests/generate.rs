//! `wfplan generate` and `wfplan bench`: generated models of any shape
//! validate and solve, are deterministic for a seed, have the shape asked
//! for; `generate` replaces only its own folders; `bench` measures the
//! generated model and HiGHS alone on its MPS reaches the same optimum.

use std::collections::BTreeMap;
use std::path::Path;

use wfplan::synthetic::{generate, Shape, MODEL_FILE};

use crate::util::*;

#[track_caller]
fn wfplan_ok(args: &[&str]) -> String {
    let output = wfplan(args);
    assert!(
        output.status.success(),
        "wfplan {args:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn shape(regions: usize, groups: usize, services: usize, periods: usize, seed: u64) -> Shape {
    Shape {
        regions,
        groups,
        services,
        periods,
        seed,
    }
}

/// Generates `shape` into a temporary folder and loads it.
fn load_generated(shape: Shape) -> (tempfile::TempDir, wfplan::model::Model) {
    let folder = tempfile::tempdir().unwrap();
    generate(shape).write_into(folder.path()).unwrap();
    let model = wfplan::spec::load(&folder.path().join(MODEL_FILE), None, &[])
        .unwrap_or_else(|e| panic!("{shape:?} does not validate: {e:#}"));
    (folder, model)
}

const SHAPES: [(usize, usize, usize, usize, u64); 6] = [
    (0, 4, 3, 4, 1),
    (0, 1, 2, 3, 9),
    (1, 10, 8, 10, 1),
    (2, 5, 4, 3, 7),
    (3, 9, 12, 5, 42),
    (4, 13, 26, 6, 2026),
];

/// Models of several shapes and seeds (with and without regions, one group,
/// as many services as three per group) validate and solve to an optimum.
#[test]
fn generated_models_validate_and_solve() {
    for (regions, groups, services, periods, seed) in SHAPES {
        let shape = shape(regions, groups, services, periods, seed);
        shape.check().unwrap();
        let (_folder, model) = load_generated(shape);
        let plan = solve_model(&model, &format!("{shape:?}"));
        assert!(
            plan.objective.is_finite() && plan.objective > 0.0,
            "{shape:?}"
        );
    }
}

/// The regions, groups per region, services per region, services per group
/// (2–3), pipeline durations (1–4) are as asked; every region has its own
/// groups and services, the `grads` pool and the `degree` course are
/// national, and every target with regions is held per region.
#[test]
fn generated_models_have_the_shape_asked_for() {
    for (regions, groups, services, periods, seed) in SHAPES {
        let asked = shape(regions, groups, services, periods, seed);
        let (_folder, model) = load_generated(asked);
        assert_eq!(model.regions.len(), regions, "{asked:?}");
        assert_eq!(model.periods.len(), periods, "{asked:?}");
        let cells = regions.max(1);
        assert_eq!(model.groups.len(), groups * cells, "{asked:?}");
        assert_eq!(model.services.len(), services * cells, "{asked:?}");
        let mut groups_by_region: BTreeMap<Option<usize>, usize> = BTreeMap::new();
        for group in &model.groups {
            *groups_by_region.entry(group.region).or_default() += 1;
        }
        let expected: BTreeMap<Option<usize>, usize> = if regions == 0 {
            [(None, groups)].into()
        } else {
            (0..regions).map(|r| (Some(r), groups)).collect()
        };
        assert_eq!(groups_by_region, expected, "{asked:?}");
        // services per group: 2–3 (all of them when fewer than 2 exist)
        let mut services_of = vec![0usize; model.groups.len()];
        for service in &model.services {
            assert!(!service.staffed_by.is_empty(), "{asked:?}: {}", service.key);
            assert!(
                service.unmet_penalty.is_some(),
                "{asked:?}: {}",
                service.key
            );
            for &(g, _) in &service.staffed_by {
                assert_eq!(model.groups[g].region, service.region, "{asked:?}");
                services_of[g] += 1;
            }
        }
        for (g, count) in services_of.iter().enumerate() {
            let range = 2.min(services)..=3.min(services);
            assert!(
                range.contains(count),
                "{asked:?}: group {} staffs {count} services",
                model.groups[g].key
            );
        }
        assert!(!model.pipelines.is_empty(), "{asked:?}");
        for pipeline in &model.pipelines {
            assert!(
                (1..=4).contains(&pipeline.duration_periods),
                "{asked:?}: {} lasts {}",
                pipeline.key,
                pipeline.duration_periods
            );
            if pipeline.id == "degree" {
                assert_eq!(pipeline.region, None, "{asked:?}");
            } else {
                assert!(pipeline.supervision.is_some(), "{asked:?}");
            }
        }
        let grads = model.pools.iter().find(|p| p.id == "grads").unwrap();
        assert_eq!(grads.region, None, "{asked:?}");
        let local = model.pools.iter().filter(|p| p.id == "local").count();
        assert_eq!(local, cells, "{asked:?}");
        if groups > 1 && regions > 0 {
            assert!(!model.moves.is_empty(), "{asked:?}");
            assert!(model.conditions.iter().all(|c| c.per_region), "{asked:?}");
        }
    }
    // Pipelines of 1 to 4 periods all occur in a large enough model.
    let (_folder, model) = load_generated(shape(1, 60, 40, 5, 1));
    let durations: std::collections::BTreeSet<usize> =
        model.pipelines.iter().map(|p| p.duration_periods).collect();
    assert_eq!(durations, (1..=4).collect(), "durations");
}

/// Region-varying parameters: openings, salaries and demand differ between
/// regions of the same group or service; the demand file has a region column.
#[test]
fn generated_parameters_vary_by_region() {
    let (folder, model) = load_generated(shape(3, 6, 5, 4, 11));
    let g00: Vec<_> = model.groups.iter().filter(|g| g.id == "g00").collect();
    assert_eq!(g00.len(), 3);
    assert_ne!(g00[0].opening_fte, g00[1].opening_fte);
    assert_ne!(g00[0].salary_per_fte, g00[1].salary_per_fte);
    let s00: Vec<_> = model.services.iter().filter(|s| s.id == "s00").collect();
    assert_ne!(s00[0].demand_fte, s00[1].demand_fte);
    let demand = std::fs::read_to_string(folder.path().join("data/demand.csv")).unwrap();
    assert!(
        demand.starts_with("period,region,service,value\n"),
        "{demand}"
    );
}

/// The same shape and seed give byte-identical folders (manifest
/// included); another seed gives different files.
#[test]
fn the_same_seed_gives_the_same_bytes() {
    let root = tempfile::tempdir().unwrap();
    let run = |name: &str, seed: &str| {
        let out = root.path().join(name);
        let out = out.to_str().unwrap();
        wfplan_ok(&[
            "generate",
            "--regions",
            "3",
            "--groups",
            "7",
            "--services",
            "5",
            "--periods",
            "6",
            "--seed",
            seed,
            "--out",
            out,
            "--quiet",
        ]);
        read_tree(Path::new(out))
    };
    let first = run("a", "5");
    let second = run("b", "5");
    let other = run("c", "6");
    let names: Vec<&String> = first.keys().collect();
    assert_eq!(
        names,
        [
            "data/demand.csv",
            "data/national_supply.csv",
            "data/pool_supply.csv",
            "data/salary.csv",
            "manifest.json",
            "model.toml"
        ],
        "files written"
    );
    assert_eq!(first, second, "same seed, same bytes");
    assert_ne!(first["model.toml"], other["model.toml"]);
    assert_ne!(first["data/demand.csv"], other["data/demand.csv"]);
    // The library gives the same model text as the command wrote.
    let generated = generate(shape(3, 7, 5, 6, 5));
    assert_eq!(first["model.toml"], generated.model.as_bytes());
}

/// Files under `folder` by relative path (with `/`).
fn read_tree(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap();
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// `generate` replaces a previous `generate` output, but refuses a folder
/// holding anything else — a user's file, or a `solve` output folder —
/// leaving it untouched.
#[test]
fn generate_replaces_only_its_own_folders() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("model");
    let out_text = out.to_str().unwrap();
    let small = |seed: &str| {
        wfplan(&[
            "generate",
            "--groups",
            "3",
            "--services",
            "2",
            "--periods",
            "2",
            "--seed",
            seed,
            "--out",
            out_text,
            "--quiet",
        ])
    };
    assert!(small("1").status.success());
    let before = std::fs::read(out.join(MODEL_FILE)).unwrap();
    assert!(
        small("2").status.success(),
        "a previous generate output is replaced"
    );
    assert_ne!(std::fs::read(out.join(MODEL_FILE)).unwrap(), before);

    // A folder with a user's file.
    let mine = root.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
    let refused = wfplan(&[
        "generate",
        "--groups",
        "3",
        "--services",
        "2",
        "--out",
        mine.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("refusing to replace"), "{message}");
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert!(!mine.join(MODEL_FILE).exists());

    // A solve output folder (a wfplan manifest, but not generate's).
    let solved = root.path().join("solved");
    wfplan_ok(&[
        "solve",
        &out.join(MODEL_FILE).display().to_string(),
        "--out",
        solved.to_str().unwrap(),
        "--quiet",
    ]);
    let refused = wfplan(&[
        "generate",
        "--groups",
        "3",
        "--services",
        "2",
        "--out",
        solved.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(solved.join("stocks.csv").exists());
    assert!(!solved.join(MODEL_FILE).exists());

    // An empty folder is fine; impossible sizes are refused with a reason.
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    wfplan_ok(&["generate", "--out", empty.to_str().unwrap(), "--quiet"]);
    assert!(empty.join(MODEL_FILE).exists());
    let too_many = wfplan(&[
        "generate",
        "--groups",
        "2",
        "--services",
        "7",
        "--out",
        root.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(too_many.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&too_many.stderr).contains("at most 6 services"));
}

/// `solve --out` writes read and write seconds beside build and solve in
/// timings.json (still listed without a hash in the manifest).
#[test]
fn solve_timings_include_read_and_write() {
    let root = tempfile::tempdir().unwrap();
    generate(shape(2, 4, 3, 3, 1))
        .write_into(root.path())
        .unwrap();
    let out = root.path().join("plan");
    wfplan_ok(&[
        "solve",
        &root.path().join(MODEL_FILE).display().to_string(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let timings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("timings.json")).unwrap()).unwrap();
    for key in [
        "read_seconds",
        "build_seconds",
        "solve_seconds",
        "write_seconds",
    ] {
        let seconds = timings["base"][key].as_f64();
        assert!(seconds.is_some_and(|s| s > 0.0), "{key}: {timings}");
    }
}

/// `bench --size small --repeat 1` prints a header and one row whose
/// variables and rows are those of solving the generated small model
/// (1 region × 10 groups × 8 services × 10 periods, seed 1) directly.
#[test]
fn bench_small_prints_the_generated_models_size() {
    let text = wfplan_ok(&["bench", "--size", "small", "--repeat", "1"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(header.len(), row.len(), "{text}");
    let cell = |name: &str| -> &str {
        let at = header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name}: {text}"));
        row[at]
    };
    let (_folder, model) = load_generated(shape(1, 10, 8, 10, 1));
    let plan = solve_model(&model, "small");
    assert_eq!(cell("regions"), "1");
    assert_eq!(cell("groups"), "10");
    assert_eq!(cell("services"), "8");
    assert_eq!(cell("periods"), "10");
    assert_eq!(cell("variables"), plan.lp.columns.len().to_string());
    assert_eq!(cell("rows"), plan.lp.rows.len().to_string());
    for name in [
        "read_s",
        "solve_s",
        "write_s",
        "peak_MB",
        "highs_total_s",
        "time_x",
    ] {
        assert!(
            cell(name).parse::<f64>().is_ok_and(|v| v >= 0.0),
            "{name}: {text}"
        );
    }
}

/// HiGHS alone on the exported MPS reaches wfplan's optimum (relative 1e-7),
/// through `bench --json` on a regional shape; peak memory is reported for
/// both.
#[test]
fn highs_alone_reaches_the_same_objective() {
    let text = wfplan_ok(&[
        "bench",
        "--regions",
        "3",
        "--groups",
        "6",
        "--services",
        "5",
        "--periods",
        "4",
        "--seed",
        "3",
        "--repeat",
        "1",
        "--json",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&text).unwrap();
    let row = &rows[0];
    assert_eq!(row["regions"], 3);
    let wfplan_objective = row["wfplan"]["objective"].as_f64().unwrap();
    let highs_objective = row["highs"]["objective"].as_f64().unwrap();
    assert_close_what("HiGHS alone", highs_objective, wfplan_objective, 1e-7);
    for side in ["wfplan", "highs"] {
        assert!(
            row[side]["peak_bytes"].as_u64().is_some_and(|b| b > 0),
            "{row}"
        );
    }
    assert!(row["time_ratio"].as_f64().is_some_and(|r| r > 0.0), "{row}");
    // The same model solved in-process gives the same objective.
    let (_folder, model) = load_generated(shape(3, 6, 5, 4, 3));
    let plan = solve_model(&model, "bench shape");
    assert_close_what("wfplan in bench", wfplan_objective, plan.objective, 1e-9);
}

/// A generated model with 30 groups per region (in professions of 1–4
/// grades, each a `family`) over three regions: the staff-in-post chart is
/// drawn by family, with at most 12 panels, at most 12 lines in a panel and
/// at most 12 legend entries; and nothing is lost on the way: the panels'
/// lines add up, period by period, to the national staff in post summed
/// from stocks.csv's rows. The terminal summary leads with the families.
#[test]
fn many_groups_are_charted_by_family_in_at_most_twelve_series() {
    let (_folder, model) = load_generated(shape(3, 30, 8, 3, 11));
    assert!(model.groups.iter().all(|g| g.family.is_some()));
    let plan = solve_model(&model, "30 groups in 3 regions");
    let (panels, by_family) = wfplan::report::plan::stock_panels(&plan);
    assert!(by_family);
    assert!(panels.len() <= 12, "{} panels", panels.len());
    assert!(
        panels.iter().any(|p| p.title.starts_with("profession_")),
        "{:?}",
        panels.iter().map(|p| &p.title).collect::<Vec<_>>()
    );
    let mut legend: Vec<&str> = Vec::new();
    for panel in &panels {
        assert!(
            panel.series.len() <= 12,
            "{}: {}",
            panel.title,
            panel.series.len()
        );
        for series in &panel.series {
            if !legend.contains(&series.label.as_str()) {
                legend.push(&series.label);
            }
        }
    }
    assert!(legend.len() <= 12, "{legend:?}");

    // stocks.csv: group,region,period,opening_fte,stock_fte,change_fte
    let text = String::from_utf8(
        wfplan::tables::to_csv(&mut wfplan::tables::stocks_frame(&plan).unwrap()).unwrap(),
    )
    .unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let period_column = header.iter().position(|h| *h == "period").unwrap();
    let stock_column = header.iter().position(|h| *h == "stock_fte").unwrap();
    let mut from_csv = vec![0.0; model.periods.len()];
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let period = model
            .periods
            .iter()
            .position(|p| p == cells[period_column])
            .unwrap();
        from_csv[period] += cells[stock_column].parse::<f64>().unwrap();
    }
    for (t, expected) in from_csv.iter().enumerate() {
        let charted: f64 = panels
            .iter()
            .flat_map(|p| &p.series)
            .map(|s| s.values[t])
            .sum();
        assert_close_what(
            &format!("staff in post, period {t}"),
            charted,
            *expected,
            1e-9,
        );
    }

    let summary = wfplan::report::summary::terminal_summary(&plan);
    assert!(summary.contains("Staff by family (FTE)"), "{summary}");
}
