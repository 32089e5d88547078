//! The regional flagship, models/england_community_nursing_regions.toml: the
//! national flagship split over the 10 Strategic Health Authorities of 2010
//! by published shares (data/england_community_nursing_regions/). These tests
//! hold it to its documentation: it solves; each region's opening is the
//! national opening times the share its sources file names; its national sums
//! are the national model's; the pledge is met nationally; and the sources
//! file covers every region and every by-region parameter the model uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use wfplan::model::Model;

use crate::util::*;

const REGIONAL: &str = "models/england_community_nursing_regions.toml";
const NATIONAL: &str = "models/england_community_nursing.toml";
const DATA: &str = "data/england_community_nursing_regions";

const SHAS: [&str; 10] = [
    "north_east",
    "north_west",
    "yorkshire_humber",
    "east_midlands",
    "west_midlands",
    "east_of_england",
    "london",
    "south_east_coast",
    "south_central",
    "south_west",
];

fn project(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[track_caller]
fn load(path: &str, scenario: Option<&str>) -> Model {
    wfplan::spec::load(&project(path), scenario, &[])
        .unwrap_or_else(|e| panic!("loading {path} ({scenario:?}): {e:#}"))
}

/// Rows of a CSV file of the regional data folder, as header -> cell maps.
/// The files are written by build.py and the sources file by hand; the only
/// quoting they use is a double-quoted cell holding commas.
fn read_csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = project(DATA).join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv_line(lines.next().expect("a header"));
    lines
        .map(|line| {
            let cells = split_csv_line(line);
            assert_eq!(cells.len(), header.len(), "{name}: row {line:?}");
            header.iter().cloned().zip(cells).collect()
        })
        .collect()
}

/// share[(basis, region)] from shares.csv.
fn shares() -> BTreeMap<(String, String), f64> {
    read_csv("shares.csv")
        .into_iter()
        .map(|r| {
            (
                (r["basis"].clone(), r["region"].clone()),
                r["share"].parse::<f64>().expect("a share"),
            )
        })
        .collect()
}

/// The sources file's `parameter` rows: (parameter, entity) -> basis.
fn parameter_bases() -> BTreeMap<(String, String), String> {
    read_csv("sources.csv")
        .into_iter()
        .filter(|r| r["kind"] == "parameter")
        .map(|r| {
            (
                (r["parameter"].clone(), r["entity"].clone()),
                r["value"].clone(),
            )
        })
        .collect()
}

fn sum_by<T>(
    items: &[T],
    id: impl Fn(&T) -> &str,
    value: impl Fn(&T) -> f64,
) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for item in items {
        *out.entry(id(item).to_string()).or_insert(0.0) += value(item);
    }
    out
}

fn sum_series_by<T>(
    items: &[T],
    id: impl Fn(&T) -> &str,
    value: impl Fn(&T) -> Vec<f64>,
) -> BTreeMap<String, Vec<f64>> {
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for item in items {
        let v = value(item);
        let entry = out
            .entry(id(item).to_string())
            .or_insert_with(|| vec![0.0; v.len()]);
        for (e, x) in entry.iter_mut().zip(v) {
            *e += x;
        }
    }
    out
}

#[track_caller]
fn assert_same_sums(
    what: &str,
    regional: &BTreeMap<String, Vec<f64>>,
    national: &BTreeMap<String, Vec<f64>>,
) {
    assert_eq!(
        regional.keys().collect::<Vec<_>>(),
        national.keys().collect::<Vec<_>>(),
        "{what}: the same entities"
    );
    for (id, n) in national {
        let r = &regional[id];
        for (t, (a, b)) in r.iter().zip(n).enumerate() {
            assert!(
                (a - b).abs() < 1e-6,
                "{what} of {id} in period {}: regions sum to {a}, the national model has {b}",
                t + 1
            );
        }
    }
}

/// The model validates with its 10 SHAs and every entity in each (but the
/// national international pool), and both scenarios of the comparison solve.
#[test]
fn regional_flagship_validates_and_solves_both_scenarios() {
    let model = load(REGIONAL, None);
    let regions: Vec<&str> = model.regions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(regions, SHAS);
    assert_eq!(model.groups.len(), 7 * 10);
    assert_eq!(model.services.len(), 6 * 10);
    let national_pools: Vec<&str> = model
        .pools
        .iter()
        .filter(|p| p.region.is_none())
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(national_pools, ["international"]);
    for scenario in ["no_pledge", "pledge"] {
        let plan = solve_model(&load(REGIONAL, Some(scenario)), scenario);
        assert!(plan.objective.is_finite(), "{scenario}");
    }
}

/// Each region's opening staff is the national flagship's opening times the
/// region's share of the basis the sources file names for that group
/// (shares.csv), within rounding (build.py rounds by largest remainder).
#[test]
fn every_region_opening_is_the_national_opening_times_its_documented_share() {
    let regional = load(REGIONAL, None);
    let national = load(NATIONAL, None);
    let shares = shares();
    let bases = parameter_bases();
    for group in &national.groups {
        let basis = bases
            .get(&("group.opening".to_string(), group.id.clone()))
            .unwrap_or_else(|| {
                panic!(
                    "sources.csv names no basis for group.opening of {}",
                    group.id
                )
            });
        let mut total_share = 0.0;
        for g in regional.groups.iter().filter(|g| g.id == group.id) {
            let region = regional.region_id(g.region).to_string();
            let share = shares[&(basis.clone(), region.clone())];
            total_share += share;
            let expected = group.opening_fte * share;
            assert!(
                (g.opening_fte - expected).abs() <= 1.0,
                "{} in {region}: opening {} but {} x share {share} ({basis}) = {expected}",
                group.id,
                g.opening_fte,
                group.opening_fte
            );
        }
        assert_close_what(&format!("shares of {basis}"), total_share, 1.0, 1e-6);
    }
}

/// The regional model's national sums are the national flagship's: openings,
/// demand in every period (in the base model and in `no_pledge`), pool
/// supply, training capacities and cohorts, and the caps on hires and moves.
#[test]
fn national_sums_of_openings_and_demand_equal_the_national_flagship() {
    for scenario in [None, Some("no_pledge")] {
        let regional = load(REGIONAL, scenario);
        let national = load(NATIONAL, scenario);
        let what = |x: &str| format!("{x} ({scenario:?})");
        let open_r = sum_by(&regional.groups, |g| &g.id, |g| g.opening_fte);
        let open_n = sum_by(&national.groups, |g| &g.id, |g| g.opening_fte);
        assert_same_sums(
            &what("opening"),
            &open_r.into_iter().map(|(k, v)| (k, vec![v])).collect(),
            &open_n.into_iter().map(|(k, v)| (k, vec![v])).collect(),
        );
        assert_same_sums(
            &what("demand"),
            &sum_series_by(&regional.services, |s| &s.id, |s| s.demand_fte.clone()),
            &sum_series_by(&national.services, |s| &s.id, |s| s.demand_fte.clone()),
        );
        assert_same_sums(
            &what("hire_max"),
            &sum_series_by(
                &regional.groups,
                |g| &g.id,
                |g| g.hire_max_fte.clone().unwrap_or_default(),
            ),
            &sum_series_by(
                &national.groups,
                |g| &g.id,
                |g| g.hire_max_fte.clone().unwrap_or_default(),
            ),
        );
        assert_same_sums(
            &what("pool supply"),
            &sum_series_by(&regional.pools, |p| &p.id, |p| p.supply_fte.clone()),
            &sum_series_by(&national.pools, |p| &p.id, |p| p.supply_fte.clone()),
        );
        assert_same_sums(
            &what("pipeline capacity"),
            &sum_series_by(
                &regional.pipelines,
                |p| &p.id,
                |p| p.capacity.clone().unwrap_or_default(),
            ),
            &sum_series_by(
                &national.pipelines,
                |p| &p.id,
                |p| p.capacity.clone().unwrap_or_default(),
            ),
        );
        assert_same_sums(
            &what("in training at the start"),
            &sum_series_by(
                &regional.pipelines,
                |p| &p.id,
                |p| p.opening_cohorts.clone(),
            ),
            &sum_series_by(
                &national.pipelines,
                |p| &p.id,
                |p| p.opening_cohorts.clone(),
            ),
        );
        assert_same_sums(
            &what("move max"),
            &sum_series_by(
                &regional.moves,
                |m| &m.id,
                |m| m.max_fte.clone().unwrap_or_default(),
            ),
            &sum_series_by(
                &national.moves,
                |m| &m.id,
                |m| m.max_fte.clone().unwrap_or_default(),
            ),
        );
    }
}

/// The pledge is a national target, as in the national model: with it the
/// regions together reach 12,292 health visitors in 2014/15 (its row binds);
/// no region is given a target of its own.
#[test]
fn pledge_target_is_met_nationally() {
    let plan = solve_model(&load(REGIONAL, Some("pledge")), "pledge");
    let t = plan
        .model
        .periods
        .iter()
        .position(|p| p == "2014/15")
        .expect("2014/15");
    let national = series(&plan, "stock(health_visitor)")[t];
    assert!(national >= 12292.0 - 1e-6, "national stock {national}");
    let regional: f64 = SHAS
        .iter()
        .map(|r| series(&plan, &format!("stock(health_visitor @ {r})"))[t])
        .sum();
    assert_close_what("sum of the regions", regional, national, 1e-9);
    let shadow = plan
        .shadow_price("target[hv_pledge,2014/15]")
        .expect("the national pledge row");
    assert!(shadow > 0.0, "the pledge binds (shadow price {shadow})");
    assert!(plan.row("target[hv_pledge,london,2014/15]").is_none());
}

/// Every by-region parameter of the model file (a table keyed by region, or a
/// CSV of the regional data folder, on an entity or set by a scenario) has a
/// `parameter` row in sources.csv naming its basis; every basis named there
/// has a `figure` row for each of the 10 regions with the figure shares.csv
/// uses; and the sources file lists every region.
#[test]
fn sources_list_every_region_and_every_by_region_parameter() {
    let text = std::fs::read_to_string(project(REGIONAL)).expect("the model file");
    let doc: toml::Table = toml::from_str(&text).expect("TOML");
    let is_regional = |v: &toml::Value| match v {
        toml::Value::Table(t) => !t.is_empty() && t.keys().all(|k| SHAS.contains(&k.as_str())),
        toml::Value::String(s) => s.starts_with(DATA),
        _ => false,
    };
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    for kind in ["group", "pool", "pipeline", "move", "service", "driver"] {
        for entity in doc
            .get(kind)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let entity = entity.as_table().expect("an entity table");
            let id = entity["id"].as_str().expect("an id").to_string();
            for (field, value) in entity {
                if is_regional(value) {
                    used.insert((format!("{kind}.{field}"), id.clone()));
                }
            }
        }
    }
    for scenario in doc
        .get("scenario")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let set = scenario.get("set").and_then(|s| s.as_table());
        for (path, value) in set.into_iter().flatten() {
            if is_regional(value) {
                let parts: Vec<&str> = path.split('.').collect();
                used.insert((format!("{}.{}", parts[0], parts[2]), parts[1].to_string()));
            }
        }
    }
    // the regional series the model names, and their entities
    assert!(used.contains(&("service.demand".to_string(), "school_nursing".to_string())));
    assert!(used.contains(&("driver.values".to_string(), "population_80plus".to_string())));
    assert!(used.contains(&("group.opening".to_string(), "health_visitor".to_string())));
    assert!(used.len() >= 30, "{used:?}");

    let bases = parameter_bases();
    let missing: Vec<_> = used.iter().filter(|k| !bases.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "by-region parameters without a sources row: {missing:?}"
    );

    let sources = read_csv("sources.csv");
    let shares = shares();
    for basis in bases.values().collect::<BTreeSet<_>>() {
        for region in SHAS {
            let row = sources
                .iter()
                .find(|r| {
                    r["kind"] == "figure" && &r["parameter"] == basis && r["region"] == region
                })
                .unwrap_or_else(|| panic!("sources.csv has no figure of {basis} for {region}"));
            assert!(
                ["A", "B", "C"].contains(&row["grade"].as_str()),
                "{basis} {region}: grade {:?}",
                row["grade"]
            );
            assert!(
                !row["date"].is_empty() && !row["source"].is_empty(),
                "{basis} {region}"
            );
            assert!(
                shares.contains_key(&(basis.clone(), region.to_string())),
                "{basis} {region} not in shares.csv"
            );
        }
        for (b, region) in shares.keys() {
            if b == basis {
                let figure: f64 = sources
                    .iter()
                    .find(|r| {
                        r["kind"] == "figure" && &r["parameter"] == b && &r["region"] == region
                    })
                    .map(|r| r["value"].parse().expect("a number"))
                    .expect("a figure row");
                let used: f64 = read_csv("shares.csv")
                    .iter()
                    .find(|r| &r["basis"] == b && &r["region"] == region)
                    .map(|r| r["figure"].parse().expect("a number"))
                    .expect("a shares row");
                assert!(
                    (figure - used).abs() < 1e-6,
                    "{b} {region}: sources {figure}, shares {used}"
                );
            }
        }
    }
    for row in sources
        .iter()
        .filter(|r| r["kind"] == "figure" && r["grade"] != "C")
    {
        assert!(
            row["url"].starts_with("http"),
            "a published figure without a URL: {row:?}"
        );
    }
}
