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
        age_bands: 0,
        integer_intakes: false,
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
        // Mobility joins each region to its neighbours on a ring (r and
        // r ± 1, wrapping round): 2 ordered pairs per region from 3 regions
        // on, 1 each with 2, none with fewer; each move keeps its group.
        // Only ladders of two or more grades have a top grade that moves
        // (the same grades that carry a target).
        let mut pairs: std::collections::BTreeSet<(usize, usize)> = Default::default();
        for movement in &model.moves {
            if let Some((from, to)) = movement.between {
                assert_eq!(model.groups[movement.from].id, model.groups[movement.to].id);
                let step = (to + regions - from) % regions;
                assert!(step == 1 || step == regions - 1, "{asked:?}: {from}->{to}");
                pairs.insert((from, to));
            }
        }
        let expected_pairs = match regions {
            _ if model.conditions.is_empty() => 0,
            0 | 1 => 0,
            2 => 2,
            r => 2 * r,
        };
        assert_eq!(pairs.len(), expected_pairs, "{asked:?}");
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

/// `--age-bands` and `--integer-intakes`: at tiny sizes the generated models
/// validate and solve (a MIP proved optimal); every group has the bands asked
/// for, from 20 to 65 in bands of ⌈45 / B⌉ years (6 bands: 8 years, so an
/// ageing share of 1/8 = 0.125), its opening shares add up to 1 and
/// attrition is by band; every training course (not the national degree)
/// has whole-number intakes and a minimum cohort of at most its capacity.
#[test]
fn generated_models_with_age_bands_and_whole_numbers_validate_and_solve() {
    for (regions, groups, services, periods, seed, bands, integer) in [
        (0, 4, 3, 4, 1, 6, true),
        (2, 5, 4, 3, 7, 3, false),
        (1, 3, 3, 3, 2, 1, true),
        (0, 6, 5, 3, 11, 0, true),
    ] {
        let asked = Shape {
            age_bands: bands,
            integer_intakes: integer,
            ..shape(regions, groups, services, periods, seed)
        };
        asked.check().unwrap();
        let (_folder, model) = load_generated(asked);
        for group in &model.groups {
            match (&group.age, bands) {
                (None, 0) => {}
                (Some(age), _) => {
                    assert_eq!(age.bands.len(), bands, "{asked:?}");
                    let total: f64 = age.opening.iter().sum();
                    assert_close_what("opening by band", total, group.opening_fte, 1e-6);
                    if bands == 6 {
                        assert_eq!(
                            age.bands,
                            ["u28", "28-35", "36-43", "44-51", "52-59", "60plus"],
                            "{asked:?}"
                        );
                        assert_eq!(age.ageing, [0.125, 0.125, 0.125, 0.125, 0.125, 0.0]);
                    }
                }
                (None, _) => panic!("{asked:?}: group {} has no bands", group.key),
            }
        }
        let courses: Vec<_> = model
            .pipelines
            .iter()
            .filter(|p| p.id != "degree")
            .collect();
        assert!(!courses.is_empty(), "{asked:?}: no training course");
        for course in courses {
            assert_eq!(course.integer, integer, "{asked:?}: {}", course.key);
        }
        let plan = solve_model(&model, &format!("{asked:?}"));
        assert!(plan.objective.is_finite(), "{asked:?}");
        // The reports' pyramids sum each group's regional copies: their
        // bands add up to the group's stock summed over regions, and their
        // leavers to the attrition of flows.csv (a route through no band).
        let pyramids = wfplan::tables::pyramids(&plan);
        assert_eq!(pyramids.len(), if bands > 0 { groups } else { 0 });
        let flows = wfplan::tables::flows(&plan);
        for pyramid in &pyramids {
            let copies: Vec<usize> = (0..model.groups.len())
                .filter(|g| model.groups[*g].id == pyramid.id)
                .collect();
            for t in 0..periods {
                let stock: f64 = copies.iter().map(|g| plan.stock(*g)[t]).sum();
                assert_close_what("pyramid total", pyramid.total(t), stock, 1e-6);
                let attrition: f64 = flows
                    .iter()
                    .filter(|f| f.period == t && f.flow == "attrition" && copies.contains(&f.group))
                    .map(|f| -f.fte)
                    .sum();
                let leavers: f64 = pyramid.attrition_fte.iter().map(|band| band[t]).sum();
                assert_close_what("pyramid leavers", leavers, attrition, 1e-6);
            }
        }
        match &plan.mip {
            Some(mip) => {
                assert!(integer, "{asked:?}: a MIP without --integer-intakes");
                assert!(mip.integer_columns > 0, "{asked:?}");
                assert_eq!(mip.status(), "optimal", "{asked:?}");
                assert!(mip.gap() <= mip.mip_rel_gap + 1e-12, "{asked:?}");
            }
            None => assert!(!integer, "{asked:?}: --integer-intakes gave an LP"),
        }
    }
}

/// The options add to a model and change nothing else: with bands and
/// whole-number intakes, the model file without its `[group.age]` tables,
/// the course-run lines and the groups' `attrition` lines (given by band
/// instead) is the file without the options, but for its first comment and
/// its name; the data files are the same bytes.
#[test]
fn the_options_change_nothing_else_in_a_generated_model() {
    let plain = shape(2, 6, 5, 4, 5);
    let with = Shape {
        age_bands: 4,
        integer_intakes: true,
        ..plain
    };
    let (plain, with) = (generate(plain), generate(with));
    assert_eq!(plain.data, with.data);
    let keep = |text: &str, drop_attrition: bool| -> Vec<String> {
        let mut lines = Vec::new();
        let mut in_age = false;
        for line in text.lines().skip(1) {
            if line.starts_with("name = \"Synthetic") {
                continue;
            }
            if line == "[group.age]" {
                in_age = true;
                continue;
            }
            if in_age && line.contains(" = ") {
                continue;
            }
            in_age = false;
            let run = ["integer = ", "minimum_cohort = ", "fixed_cost_per_run = "];
            if run.iter().any(|r| line.starts_with(r))
                || (drop_attrition && line.starts_with("attrition = "))
            {
                continue;
            }
            lines.push(line.to_string());
        }
        lines
    };
    assert_eq!(keep(&plain.model, true), keep(&with.model, false));
    assert!(with.model.contains("[group.age]") && with.model.contains("minimum_cohort = "));
    assert!(with.model.starts_with("# Generated by `wfplan generate --regions 2 --groups 6 --services 5 --periods 4 --seed 5 --age-bands 4 --integer-intakes`."));
}

/// `bench --integer-intakes` on a tiny shape: the row of a MIP carries its
/// status and gap (proved optimal, so within the relative gap asked for,
/// 0.01% by default), wfplan's and HiGHS alone's on the exported MPS (whose
/// integer markers make it a MIP too), and the same objective; the table
/// shows them in the mip_status, mip_gap and highs_mip_gap columns, and an
/// LP's row shows "-" there.
#[test]
fn bench_reports_a_mips_status_and_gap() {
    // bench on 0 regions × 4 groups × 3 services × 4 periods, once.
    let tiny = |options: &[&str]| -> String {
        let mut args = vec![
            "bench",
            "--regions",
            "0",
            "--groups",
            "4",
            "--services",
            "3",
            "--periods",
            "4",
            "--repeat",
            "1",
        ];
        args.extend(options);
        wfplan_ok(&args)
    };
    let text = tiny(&["--age-bands", "2", "--integer-intakes", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&text).unwrap();
    let row = &rows[0];
    assert_eq!(row["age_bands"], 2, "{row}");
    assert_eq!(row["integer_intakes"], true, "{row}");
    assert_eq!(row["wfplan"]["mip_status"], "optimal", "{row}");
    assert!(
        row["wfplan"]["integer_columns"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{row}"
    );
    for side in ["wfplan", "highs"] {
        let gap = row[side]["mip_gap"].as_f64();
        assert!(
            gap.is_some_and(|g| (0.0..=1e-4).contains(&g)),
            "{side}: {row}"
        );
    }
    assert_eq!(row["highs"]["mip_status"], "optimal", "{row}");
    assert_close_what(
        "HiGHS alone on the MIP",
        row["highs"]["objective"].as_f64().unwrap(),
        row["wfplan"]["objective"].as_f64().unwrap(),
        1e-4,
    );

    let table = tiny(&["--integer-intakes"]);
    let lines: Vec<&str> = table.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(header.len(), cells.len(), "{table}");
    let cell = |name: &str| cells[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("mip_status"), "optimal", "{table}");
    assert_eq!(cell("highs_mip_status"), "optimal", "{table}");
    assert_eq!(cell("bands"), "0", "{table}");
    for name in ["mip_gap", "highs_mip_gap"] {
        let percent = cell(name)
            .strip_suffix('%')
            .unwrap_or_else(|| panic!("{name}: {table}"));
        assert!(
            percent
                .parse::<f64>()
                .is_ok_and(|g| (0.0..=0.01).contains(&g)),
            "{table}"
        );
    }
    let lp = tiny(&[]);
    let cells: Vec<&str> = lp.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        cells[header.iter().position(|h| *h == "mip_gap").unwrap()],
        "-",
        "{lp}"
    );
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

/// A number of the report's tables ("+1,234.5", "−7", "0") as a float.
fn table_number(cell: &str) -> f64 {
    let plain: String = cell
        .replace('−', "-")
        .chars()
        .filter(|c| *c != ',' && *c != '+')
        .collect();
    plain
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{cell:?}: {e}"))
}

/// The compare report of a generated model with 60 groups per region (24
/// professions, each a `family`, one group's family taken away) over three
/// regions, under a policy that raises three growth targets: the staff
/// chart and the staff-change tables are by family, at most 12 panels (two
/// legend entries) and 12 rows, the rest in "All other N families"; and
/// each family's charted and tabled change is the sum of its groups'
/// changes read from the groups.csv the same report wrote (national rows),
/// period by period; the side-by-side table is by family too.
#[test]
fn a_compare_report_of_many_groups_is_drawn_by_family() {
    let folder = tempfile::tempdir().unwrap();
    generate(shape(3, 60, 8, 3, 11))
        .write_into(folder.path())
        .unwrap();
    let path = folder.path().join(MODEL_FILE);
    // g00 loses its family: it is charted as itself.
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("family = \"profession_00\"\n", "", 1);
    std::fs::write(&path, text).unwrap();
    let base_model = wfplan::spec::load(&path, None, &[]).unwrap();
    assert!(base_model.groups.iter().any(|g| g.family.is_none()));
    let raised: Vec<String> = ["grow_g03", "grow_g06", "grow_g09"]
        .iter()
        .map(|id| format!("target.{id}.min=400"))
        .collect();
    let policy_model = wfplan::spec::load(&path, None, &raised).unwrap();
    let base = solve_model(&base_model, "60 groups, base");
    let policy = solve_model(&policy_model, "60 groups, raised targets");
    let impact =
        wfplan::compare::compare(&base, &policy, "base", "raised", Some("g03")).expect("compare");

    // Each group's set, found independently: its family, or itself.
    let set_of = |id: &str| -> String {
        let group = base_model.groups.iter().find(|g| g.id == id).unwrap();
        group.family.clone().unwrap_or_else(|| group.name.clone())
    };
    let mut sets: Vec<String> = Vec::new();
    for group in &base_model.groups {
        let set = set_of(&group.id);
        if !sets.contains(&set) {
            sets.push(set);
        }
    }
    assert!(
        sets.len() > 12,
        "{} sets: the cap is not exercised",
        sets.len()
    );

    let files = wfplan::report::impact::impact_files(Path::new(""), &impact).unwrap();
    let file = |name: &str| -> String {
        let (_, bytes) = files
            .iter()
            .find(|(path, _)| path == Path::new(name))
            .unwrap_or_else(|| panic!("no {name}"));
        String::from_utf8(bytes.clone()).unwrap()
    };
    // groups.csv: group,region,period,stock_base_fte,stock_policy_fte,stock_change_fte
    // (region "", written `""`, is the national total); summed by set and
    // period.
    let periods = &base_model.periods;
    let csv = file("groups.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (group_column, region_column, period_column, change_column) = (
        column("group"),
        column("region"),
        column("period"),
        column("stock_change_fte"),
    );
    // By region id ("" for the national rows), then set.
    let mut change_by_set: BTreeMap<String, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    let mut groups_in_csv: Vec<String> = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let region = cells[region_column].trim_matches('"');
        if region.is_empty() && !groups_in_csv.iter().any(|g| g == cells[group_column]) {
            groups_in_csv.push(cells[group_column].to_string());
        }
        let t = periods
            .iter()
            .position(|p| p == cells[period_column])
            .unwrap();
        change_by_set
            .entry(region.to_string())
            .or_default()
            .entry(set_of(cells[group_column]))
            .or_insert_with(|| vec![0.0; periods.len()])[t] +=
            cells[change_column].parse::<f64>().unwrap();
    }
    assert_eq!(groups_in_csv.len(), 60, "groups.csv keeps every group");
    assert!(
        change_by_set[""].values().flatten().any(|v| v.abs() > 1.0),
        "the policy changes no group's staff"
    );

    // The change of a listed set (or "All other N families", the sets not
    // `listed`) in a region ("" nationally) at period t, from groups.csv.
    let expected_in = |region: &str, name: &str, listed: &[&str], t: usize| -> f64 {
        change_by_set[region]
            .iter()
            .filter(|(set, _)| match name.starts_with("All other ") {
                true => !listed.contains(&set.as_str()),
                false => *set == name,
            })
            .map(|(_, change)| change[t])
            .sum()
    };
    let expected = |name: &str, listed: &[&str], t: usize| expected_in("", name, listed, t);

    // The chart: at most 12 panels, each a set or the last "All other".
    let panels = wfplan::report::impact::stock_panels(&impact);
    assert_eq!(panels.len(), 12);
    let others = format!("All other {} families", sets.len() - 11);
    assert_eq!(panels[11].title, others);
    let mut legend: Vec<&str> = panels
        .iter()
        .flat_map(|p| p.series.iter().map(|s| s.label.as_str()))
        .collect();
    legend.sort();
    legend.dedup();
    assert_eq!(legend, ["base", "raised"]);
    let charted: Vec<&str> = panels[..11].iter().map(|p| p.title.as_str()).collect();
    for (t, period) in periods.iter().enumerate() {
        for panel in &panels {
            let change = panel.series[1].values[t] - panel.series[0].values[t];
            let expected = expected(&panel.title, &charted, t);
            assert!(
                (change - expected).abs() <= 1e-6 * (1.0 + expected.abs()),
                "{}, {period}: charted {change}, groups.csv {expected}",
                panel.title
            );
        }
    }

    // The table: the same 11 families and "All other", to 0.1 FTE.
    let report = file("report.md");
    assert!(
        !report.contains("Staff in post by group (change"),
        "{report}"
    );
    assert!(report.contains("Staff in post by family and region"));
    assert!(report.contains("![Staff in post by family"));
    let rows = markdown_table(&report, "### Staff in post by family (change, FTE)");
    let names: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(names[..11], charted[..], "{names:?}");
    assert_eq!(names[11..], [others.as_str()]);
    for row in &rows {
        for (t, period) in periods.iter().enumerate() {
            let expected = expected(&row[0], &charted, t);
            let shown = table_number(&row[1 + t]);
            assert!(
                (shown - expected).abs() <= 0.05 + 1e-9,
                "{}, {period}: table {shown}, groups.csv {expected}",
                row[0]
            );
        }
    }

    // By region at the headline period: the same rows, each region's cell
    // (and the national one) as groups.csv's rows of that region sum it.
    let headline = impact.headline_period;
    let regional_rows = markdown_table(&report, "### Staff in post by family and region");
    assert_eq!(regional_rows.len(), rows.len());
    for (regional, row) in regional_rows.iter().zip(&rows) {
        assert_eq!(regional[0], row[0]);
        assert_eq!(regional.len(), base_model.regions.len() + 2, "{regional:?}");
        let columns = base_model.regions.iter().map(|r| r.id.as_str()).chain([""]);
        for (cell, region) in regional[1..].iter().zip(columns) {
            let expected = expected_in(region, &row[0], &charted, headline);
            let shown = table_number(cell);
            assert!(
                (shown - expected).abs() <= 0.05 + 1e-9,
                "{}, region {region:?}: table {shown}, groups.csv {expected}",
                row[0]
            );
        }
    }

    // Side by side (one policy here): 11 families that change most at the
    // headline period and "All other", each as groups.csv sums it there.
    let side = wfplan::report::side_by_side::side_by_side_document(
        std::slice::from_ref(&impact),
        &["raised".to_string()],
    )
    .to_markdown();
    let side_rows = markdown_table(&side, "Family (FTE, change at each headline year)");
    assert_eq!(side_rows.len(), 12, "{side_rows:?}");
    assert_eq!(side_rows[11][0], others);
    let listed: Vec<&str> = side_rows[..11].iter().map(|row| row[0].as_str()).collect();
    for row in &side_rows {
        let expected = expected(&row[0], &listed, headline);
        let shown = table_number(&row[1]);
        assert!(
            (shown - expected).abs() <= 0.05 + 1e-9,
            "side by side, {}: {shown}, groups.csv {expected}",
            row[0]
        );
    }

    // The per-channel table lists the 12 groups whose national stock
    // changed most at the headline period (of 60), each with its regions'
    // rows (3 regions), its total as groups.csv has it.
    let mut national_change: Vec<(String, f64)> = Vec::new();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[region_column].trim_matches('"').is_empty()
            && cells[period_column] == periods[headline]
        {
            let change: f64 = cells[change_column].parse().unwrap();
            national_change.push((cells[group_column].to_string(), change));
        }
    }
    let moved = national_change
        .iter()
        .filter(|(_, c)| c.abs() >= 0.5)
        .count();
    assert!(
        moved > 12,
        "only {moved} groups change: the cap is not exercised"
    );
    let mut largest = national_change.clone();
    largest.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let twelfth = largest[11].1.abs();
    let channel_rows = markdown_table(&report, "### How each group's staff changed");
    let mut listed_groups: Vec<&str> = Vec::new();
    for row in &channel_rows {
        let (group, region) = match row[0].split_once(", ") {
            Some((group, region)) => (group, Some(region)),
            None => (row[0].as_str(), None),
        };
        if region.is_none() && !listed_groups.contains(&group) {
            listed_groups.push(group);
        }
        assert!(
            listed_groups.contains(&group),
            "{row:?} before its national rows"
        );
        if region.is_none() && row[1] == "Total: change in stock" {
            let (_, expected) = national_change.iter().find(|(g, _)| g == group).unwrap();
            let shown = table_number(&row[3]);
            assert!(
                (shown - expected).abs() <= 0.05 + 1e-9,
                "channel table, {group}: {shown}, groups.csv {expected}"
            );
            assert!(
                expected.abs() >= twelfth - 1e-9,
                "{group} is not among the 12 largest"
            );
        }
    }
    assert_eq!(listed_groups.len(), 12, "{listed_groups:?}");
    assert!(channel_rows
        .iter()
        .any(|row| row[0].ends_with(", Region 1")));
    assert!(report.contains("For the 12 groups whose staff in post changed most"));
}
