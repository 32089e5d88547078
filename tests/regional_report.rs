//! The compare report of a regional model: national figures are the sums of
//! the regions, the regional tables and `--json` figures match a derivation
//! by hand, and charts and the terminal summary stay readable with many
//! groups, services or regions.
//!
//! Derivations use tests/fixtures/two_regions.toml (one period, 2026; see
//! tests/regions.rs): with no target, the national pool's 30 graduates go 20
//! to London and 10 to the North — London 60 nurses (demand 60), North 28
//! (demand 30, unmet 2). Care delivered = stock (one group, efficiency 1,
//! never above demand here).

// The derivations are written as prose with equations, not Markdown lists.
#![allow(clippy::doc_lazy_continuation)]

use std::collections::BTreeMap;

use wfplan::compare::{compare, Impact};
use wfplan::solution::Solution;

use crate::util::*;

const FIXTURE: &str = "two_regions.toml";

/// Two policy scenarios added to a copy of the fixture.
const SCENARIOS: &str = r#"
[[scenario]]
id = "north_first"
description = "At least 30 nurses in the North"
[[scenario.target]]
id = "north_30"
expr = "stock(nurse @ north)"
min = 30

[[scenario]]
id = "floor_29"
description = "At least 29 nurses in every region"
[[scenario.target]]
id = "floor"
expr = "stock(nurse)"
min = 29
per_region = true
"#;

fn solve_scenario(scenario: Option<&str>) -> Solution {
    let text = fixture_text(FIXTURE) + SCENARIOS;
    let model = wfplan::spec::load_str(&text, &fixture_path(FIXTURE), scenario, &[])
        .unwrap_or_else(|e| panic!("loading {scenario:?}: {e:#}"));
    solve_model(&model, &format!("{scenario:?}"))
}

fn two_region_impact(policy: &str, group: Option<&str>) -> Impact {
    let base = solve_scenario(None);
    let plan = solve_scenario(Some(policy));
    compare(&base, &plan, "base", policy, group).expect("compare")
}

/// CSV text of an impact table, as rows of cells.
fn table(impact: &Impact, name: &str) -> Vec<Vec<String>> {
    let (_, mut frame) = wfplan::report::impact::impact_tables(impact)
        .unwrap()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"));
    let bytes = wfplan::tables::to_csv(&mut frame).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    text.lines().map(split_csv_line).collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

/// The value of `value_column` in the row whose `keys` columns are `key`.
fn cell(rows: &[Vec<String>], keys: &[(&str, &str)], value_column: &str) -> f64 {
    let value = column(rows, value_column);
    let matching: Vec<&Vec<String>> = rows[1..]
        .iter()
        .filter(|row| keys.iter().all(|(k, v)| row[column(rows, k)] == *v))
        .collect();
    assert_eq!(matching.len(), 1, "rows matching {keys:?}: {matching:?}");
    matching[0][value].parse().unwrap()
}

/// Every national row (region "") of `value_columns` equals the sum of the
/// regional rows with the same `keys` (entity, period, ...).
fn assert_national_rows_are_sums(rows: &[Vec<String>], keys: &[&str], value_columns: &[&str]) {
    let region = column(rows, "region");
    let key_columns: Vec<usize> = keys.iter().map(|k| column(rows, k)).collect();
    for value_name in value_columns {
        let value = column(rows, value_name);
        let mut national: BTreeMap<Vec<String>, f64> = BTreeMap::new();
        let mut regional: BTreeMap<Vec<String>, f64> = BTreeMap::new();
        for row in &rows[1..] {
            let key: Vec<String> = key_columns.iter().map(|c| row[*c].clone()).collect();
            let number: f64 = row[value].parse().unwrap();
            if row[region].is_empty() {
                assert!(national.insert(key, number).is_none(), "one national row");
            } else {
                *regional.entry(key).or_default() += number;
            }
        }
        assert!(!national.is_empty(), "{value_name}: no national rows");
        assert_eq!(
            national.keys().collect::<Vec<_>>(),
            regional.keys().collect::<Vec<_>>(),
            "{value_name}: national and regional rows cover the same keys"
        );
        for (key, total) in &national {
            let sum = regional[key];
            assert!(
                (total - sum).abs() < 1e-6 * (1.0 + sum.abs()),
                "{value_name} {key:?}: national {total}, regions sum to {sum}"
            );
        }
    }
}

/// Every group's channels, cumulated, sum to its stock change in every
/// period — nationally and in each region.
fn assert_channels_tie_out(impact: &Impact) {
    let pairs = impact.groups.iter().zip(&impact.group_channels).chain(
        impact
            .regional_groups
            .iter()
            .zip(&impact.regional_group_channels),
    );
    let mut checked = 0;
    for (group, channels) in pairs {
        assert_eq!(group.change().len(), impact.periods.len());
        for (period, change) in group.change().into_iter().enumerate() {
            let cumulated: f64 = channels
                .iter()
                .map(|c| c.change_by_period[..=period].iter().sum::<f64>())
                .sum();
            assert!(
                (cumulated - change).abs() < 1e-6,
                "group {} region {:?} period {period}: channels {cumulated}, stock change {change}",
                group.id,
                group.region,
            );
        }
        checked += 1;
    }
    assert_eq!(
        checked,
        impact.groups.len() + impact.regional_groups.len(),
        "every group checked"
    );
}

/// Policy `north_first`: `stock(nurse @ north) >= 30`.
/// The North must hire 12 (0.9 · 20 + 12 = 30), leaving 18 graduates for
/// London: 40 + 18 = 58, unmet 2 there (demand 60); the North delivers 30.
/// Against the base: London −2 nurses and −2 FTE of care, North +2 and +2;
/// nationally 88 nurses and 88 FTE of care in both, change 0. So `care`
/// loses nowhere nationally but loses 2 in London: the narrative names
/// London. The target is regional (a new target on one region's copy of a
/// group that exists in two): nurse in the North, 28 → 30, +2, all from
/// hires from `grads`.
/// Shadow price: a 31st North nurse moves a graduate from London: +110
/// (North hire) − 130 (London hire) + 500 (London unmet) = 480.
#[test]
fn a_target_on_one_region_makes_that_region_the_target_and_london_loses_the_care() {
    let impact = two_region_impact("north_first", None);
    assert_eq!(impact.target_group_id.as_deref(), Some("nurse"));
    assert_eq!(impact.target_region, Some(1), "the North");
    assert_eq!(impact.target_group_name.as_deref(), Some("nurse in North"));
    let target = impact.target().expect("a report group");
    assert_eq!(target.region, Some(1));
    assert_close_what("North base", target.stock_base[0], 28.0, REL_TOL);
    assert_close_what("North policy", target.stock_policy[0], 30.0, REL_TOL);
    assert_close_what(
        "target change",
        impact.target_change_at_headline(),
        2.0,
        REL_TOL,
    );
    let hires: f64 = impact
        .channels
        .iter()
        .filter(|c| c.flow == "hire" && c.channel == "grads")
        .map(|c| c.change_to_headline)
        .sum();
    assert_close_what("North hires from grads", hires, 2.0, REL_TOL);

    // National: 88 nurses and 88 FTE of care either way.
    assert_eq!(impact.groups.len(), 1, "one national group per id");
    assert_eq!(impact.services.len(), 1, "one national service per id");
    assert_close_what(
        "national change",
        impact.groups[0].change()[0],
        0.0,
        REL_TOL,
    );
    assert!(impact.losers().is_empty(), "no national loss");
    // By region, ranked: London −2 first, then the North +2.
    let ranked: Vec<(String, f64)> = impact
        .service_by_region("care")
        .into_iter()
        .map(|(s, change)| (impact.region_id(s.region).to_string(), change))
        .collect();
    assert_eq!(ranked.len(), 2);
    assert_eq!(ranked[0].0, "london");
    assert_close_what("London care", ranked[0].1, -2.0, REL_TOL);
    assert_eq!(ranked[1].0, "north");
    assert_close_what("North care", ranked[1].1, 2.0, REL_TOL);
    let gains: Vec<(String, f64)> = impact
        .target_by_region()
        .into_iter()
        .map(|(g, change)| (impact.region_id(g.region).to_string(), change))
        .collect();
    assert_eq!(gains[0].0, "north");
    assert_close_what("North gain", gains[0].1, 2.0, REL_TOL);
    assert_close_what("London gain", gains[1].1, -2.0, REL_TOL);

    let narrative = wfplan::compare::narrative(&impact);
    assert!(
        narrative
            .iter()
            .any(|line| line == "care loses most in London: 2 FTE-years less care over the horizon (−2 FTE in 2026)."),
        "{narrative:#?}"
    );

    // Tables: services.csv and groups.csv by region.
    let services = table(&impact, "services.csv");
    assert_eq!(services[0][..3], ["service", "region", "period"]);
    for (region, expected) in [("", 0.0), ("london", -2.0), ("north", 2.0)] {
        let keys = [("service", "care"), ("region", region), ("period", "2026")];
        assert_close_what(
            &format!("services.csv {region}"),
            cell(&services, &keys, "delivered_change_fte"),
            expected,
            REL_TOL,
        );
    }
    assert_close_what(
        "London unmet",
        cell(
            &services,
            &[("region", "london"), ("period", "2026")],
            "unmet_policy_fte",
        ),
        2.0,
        REL_TOL,
    );
    let groups = table(&impact, "groups.csv");
    assert_close_what(
        "groups.csv London",
        cell(&groups, &[("region", "london")], "stock_change_fte"),
        -2.0,
        REL_TOL,
    );
    let headline = table(&impact, "headline.csv");
    assert!(headline
        .iter()
        .any(|row| row.contains(&"nurse@north".to_string())));

    // --json.
    let json = wfplan::report::impact::headline_value(&impact);
    assert_eq!(json["target_group"]["id"], "nurse");
    assert_eq!(json["target_group"]["region"], "north");
    assert_close_what(
        "json target change",
        json["target_group_fte"]["change"].as_f64().unwrap(),
        2.0,
        REL_TOL,
    );
    let by_region = &json["services_by_region"][0];
    assert_eq!(by_region["id"], "care");
    assert_eq!(by_region["regions"][0]["region"], "london");
    assert_close_what(
        "json London care",
        by_region["regions"][0]["delivered_change_fte_years"]
            .as_f64()
            .unwrap(),
        -2.0,
        REL_TOL,
    );
    assert_eq!(json["largest_regional_loss"]["region"], "london");
    assert_close_what(
        "json shadow price",
        json["shadow_prices"][0]["shadow_price"].as_f64().unwrap(),
        480.0,
        REL_TOL,
    );
    assert_channels_tie_out(&impact);
}

/// The same policy read nationally (`--group nurse`): the target is the
/// national sum, 88 → 88, change 0; the regions show where it moved — the
/// North +2, London −2 — in the report's tables, in channels.csv (hires
/// from grads: national 0 = London −2 + North +2) and in `--json`.
#[test]
fn the_national_group_is_the_sum_of_regions_and_its_channels_split_by_region() {
    let impact = two_region_impact("north_first", Some("nurse"));
    assert_eq!(impact.target_region, None);
    assert_close_what(
        "national",
        impact.target().unwrap().stock_policy[0],
        88.0,
        REL_TOL,
    );
    assert_close_what("change", impact.target_change_at_headline(), 0.0, REL_TOL);
    let channels = table(&impact, "channels.csv");
    assert_eq!(channels[0][..2], ["group", "region"]);
    for (region, expected) in [("", 0.0), ("london", -2.0), ("north", 2.0)] {
        let keys = [
            ("group", "nurse"),
            ("region", region),
            ("flow", "hire"),
            ("period", "2026"),
        ];
        assert_close_what(
            &format!("channels.csv hires {region}"),
            cell(&channels, &keys, "change_fte"),
            expected,
            REL_TOL,
        );
    }
    assert_national_rows_are_sums(
        &channels,
        &["group", "flow", "channel", "period"],
        &["change_fte"],
    );
    let json = wfplan::report::impact::headline_value(&impact);
    assert!(json["target_group"]["region"].is_null());
    let gains = json["target_group_fte_by_region"].as_array().unwrap();
    assert_eq!(gains[0]["region"], "north");
    assert_close_what(
        "json North",
        gains[0]["change"].as_f64().unwrap(),
        2.0,
        REL_TOL,
    );
    assert_eq!(gains[1]["region"], "london");
    assert_close_what(
        "json London",
        gains[1]["change"].as_f64().unwrap(),
        -2.0,
        REL_TOL,
    );

    let markdown = wfplan::report::impact::impact_document(&impact).to_markdown();
    for text in [
        "## 4. Which regions lose most",
        "## 5. Finance view",
        "| Region (largest gain first) | base | north_first | Change |",
        "| North | 28 | 30 | +2 |",
        "| London | 60 | 58 | −2 |",
        "| National | 88 | 88 | 0 |",
        "- **care** (0 nationally): London −2; North +2",
        "| Channel | London | North | National |",
    ] {
        assert!(markdown.contains(text), "{text:?} not in\n{markdown}");
    }
    assert_channels_tie_out(&impact);
}

/// Policy `floor_29`: `stock(nurse) >= 29` per region. London (60) is
/// above; the North hires 11 (18 + 11 = 29), London 19 (40 + 19 = 59,
/// unmet 1). The target is the national nurse (the expression names every
/// region): 88 → 88; the North +1, London −1; care London −1, North +1.
#[test]
fn a_per_region_target_reads_the_national_group_and_ranks_london_first() {
    let impact = two_region_impact("floor_29", None);
    assert_eq!(impact.target_region, None);
    assert_close_what("national", impact.target_change_at_headline(), 0.0, REL_TOL);
    let (service, region, change) = impact.worst_regional_loss().expect("a regional loss");
    assert_eq!(service.id, "care");
    assert_eq!(impact.region_id(region.region), "london");
    assert_close_what("London loss", change, -1.0, REL_TOL);
    let gains = impact.target_by_region();
    assert_eq!(impact.region_id(gains[0].0.region), "north");
    assert_close_what("North gain", gains[0].1, 1.0, REL_TOL);
    // Two per-region instances of the new target, told apart by region.
    let regions: Vec<Option<usize>> = impact.condition_changes.iter().map(|c| c.region).collect();
    assert_eq!(regions, [Some(0), Some(1)]);
    let markdown = wfplan::report::impact::impact_document(&impact).to_markdown();
    assert!(
        markdown.contains("floor @ north: stock(nurse)"),
        "{markdown}"
    );
    for name in ["services.csv", "groups.csv"] {
        let rows = table(&impact, name);
        let key = if name == "services.csv" {
            "service"
        } else {
            "group"
        };
        let values: &[&str] = if name == "services.csv" {
            &[
                "delivered_base_fte",
                "delivered_policy_fte",
                "unmet_policy_fte",
            ]
        } else {
            &["stock_base_fte", "stock_policy_fte", "stock_change_fte"]
        };
        assert_national_rows_are_sums(&rows, &[key, "period"], values);
    }
}

#[test]
fn group_at_region_is_read_and_a_bad_one_is_named() {
    let base = solve_scenario(None);
    let plan = solve_scenario(Some("north_first"));
    let impact = compare(&base, &plan, "base", "north_first", Some("nurse@london")).unwrap();
    assert_eq!(impact.target_region, Some(0));
    assert_close_what("London", impact.target_change_at_headline(), -2.0, REL_TOL);
    let error = |group: &str| {
        format!(
            "{:#}",
            compare(&base, &plan, "base", "north_first", Some(group)).unwrap_err()
        )
    };
    assert!(
        error("nurse@londn").contains("no region 'londn'"),
        "{}",
        error("nurse@londn")
    );
    assert!(
        error("nurse@londn").contains("london"),
        "suggests the nearest"
    );
    assert!(error("nurs@north").contains("no group 'nurs'"));
    // A model without regions takes no '@'.
    let pull = |scenario| {
        let model = wfplan::spec::load(&fixture_path("pull.toml"), scenario, &[]).unwrap();
        wfplan::solve::solve(&model).unwrap()
    };
    let (no_target, target) = (pull(Some("no_target")), pull(None));
    let message = format!(
        "{:#}",
        compare(
            &no_target,
            &target,
            "no_target",
            "target",
            Some("hv@london")
        )
        .unwrap_err()
    );
    assert!(message.contains("declares no [[region]]"), "{message}");
}

// ---------------------------------------------------------------------------
// at scale
// ---------------------------------------------------------------------------

/// Distinct labels among `candidates` drawn as a text element of their own
/// in an SVG document (plotters writes `<text ...>\nLABEL\n</text>`).
fn drawn(svg: &str, candidates: impl Iterator<Item = String>) -> Vec<String> {
    candidates.filter(|label| has_text(svg, label)).collect()
}

fn has_text(svg: &str, label: &str) -> bool {
    svg.contains(&format!(">\n{label}\n</text>"))
}

fn chart<'a>(charts: &'a [(String, wfplan::charts::Chart)], stem: &str) -> &'a str {
    &charts
        .iter()
        .find(|(s, _)| s == stem)
        .unwrap_or_else(|| panic!("no chart {stem}"))
        .1
        .svg
}

/// A model of `regions` regions, `entities` groups each staffing its own
/// service, hiring from one scarce national pool; the policy asks for more
/// of g0 nationally.
fn many_regions_text(regions: usize, entities: usize) -> String {
    let mut text =
        String::from("[model]\nname = \"Many regions\"\nperiods = [\"2026\", \"2027\"]\n\n");
    for r in 0..regions {
        text += &format!("[[region]]\nid = \"r{r}\"\nname = \"Region {r}\"\n\n");
    }
    let by_region = |value: &dyn Fn(usize) -> f64| {
        let cells: Vec<String> = (0..regions)
            .map(|r| format!("r{r} = {}", value(r)))
            .collect();
        format!("{{ {} }}", cells.join(", "))
    };
    for k in 0..entities {
        text += &format!(
            "[[group]]\nid = \"g{k}\"\nopening = {}\nattrition = 0.1\nsalary = {}\nhire_cost = 10\nfrom_pools = [\"grads\"]\n\n",
            by_region(&|r| (100 + 3 * r + k) as f64),
            100 + k
        );
        text += &format!(
            "[[service]]\nid = \"s{k}\"\ndemand = {}\nstaffed_by = {{ g{k} = 1.0 }}\nunmet_penalty = {}\n\n",
            by_region(&|r| (130 + 2 * r + 3 * k) as f64),
            by_region(&|r| (300 + 20 * r + 7 * k) as f64)
        );
    }
    text += &format!(
        "[[pool]]\nid = \"grads\"\nscope = \"national\"\nsupply = {}\n\n",
        regions * entities * 20
    );
    text += &format!(
        "[[scenario]]\nid = \"grow\"\n[[scenario.target]]\nid = \"more_g0\"\nexpr = \"stock(g0)\"\nmin = {}\nat = [\"2027\"]\n",
        regions * 150
    );
    text
}

/// Ten regions, 14 groups and services: every chart of the impact report
/// and of the plan stays within the limits — at most 12 panels, 12 bars
/// and 12 legend entries, regions never one legend entry per region–group
/// pair — and the national rows of every CSV table are the regions' sums.
#[test]
fn ten_regions_keep_charts_small_and_national_rows_are_sums() {
    let (regions, entities) = (10, 14);
    let text = many_regions_text(regions, entities);
    let load = |scenario| {
        let model = wfplan::spec::load_str(&text, &fixture_path(FIXTURE), scenario, &[])
            .unwrap_or_else(|e| panic!("{e:#}"));
        solve_model(&model, "many regions")
    };
    let (base, policy) = (load(None), load(Some("grow")));
    let impact = compare(&base, &policy, "base", "grow", None).unwrap();
    assert_eq!(impact.target_group_id.as_deref(), Some("g0"));
    assert_eq!(impact.target_region, None);
    assert_eq!(impact.groups.len(), entities);
    assert_eq!(impact.regional_groups.len(), regions * entities);
    assert!(impact.target_change_at_headline() > 1.0, "g0 grows");
    assert!(
        !impact.regional_losers().is_empty(),
        "someone loses somewhere"
    );
    assert_channels_tie_out(&impact);

    let group_names = || (0..entities).map(|k| format!("g{k}"));
    let service_names = || (0..entities).map(|k| format!("s{k}"));
    let region_names = || (0..regions).map(|r| format!("Region {r}"));
    let charts = wfplan::report::impact::impact_charts(&impact).unwrap();
    let stocks = chart(&charts, "stocks");
    let panels = drawn(stocks, group_names());
    assert_eq!(panels.len(), 11, "{panels:?}");
    assert!(has_text(stocks, "All other 3 groups"));
    let bars = drawn(chart(&charts, "displacement"), service_names());
    assert_eq!(bars.len(), 11, "{bars:?}");
    let gains = drawn(chart(&charts, "regions_target"), region_names());
    assert_eq!(gains.len(), regions, "ten regions fit in 12 bars");
    let losses = chart(&charts, "regions_services");
    let labels: Vec<String> = service_names()
        .flat_map(|s| region_names().map(move |r| format!("{s}: {r}")))
        .collect();
    let shown = drawn(losses, labels.into_iter());
    assert!(!shown.is_empty() && shown.len() <= 12, "{shown:?}");

    let plan = wfplan::report::plan::plan_charts(&policy).unwrap();
    let stocks = chart(&plan, "stocks");
    assert_eq!(drawn(stocks, group_names()).len(), 11);
    let legend = drawn(stocks, region_names());
    assert_eq!(legend.len(), 7, "{legend:?}");
    assert!(has_text(stocks, "Other 3 regions"));
    // A panel per service, at most 12: the 11 with most demand and the rest.
    let deployment = chart(&plan, "deployment");
    assert_eq!(drawn(deployment, service_names()).len(), 11);
    assert!(has_text(deployment, "All other 3 services"));

    for (name, keys, values) in [
        (
            "services.csv",
            ["service", "period"],
            ["delivered_change_fte", "unmet_change_fte"],
        ),
        (
            "groups.csv",
            ["group", "period"],
            ["stock_base_fte", "stock_change_fte"],
        ),
    ] {
        assert_national_rows_are_sums(&table(&impact, name), &keys, &values);
    }
    assert_national_rows_are_sums(
        &table(&impact, "channels.csv"),
        &["group", "flow", "channel", "period"],
        &["change_fte"],
    );

    let summary = wfplan::report::summary::terminal_summary(&policy);
    let group_rows = summary
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.starts_with('g') && w[1..].parse::<u32>().is_ok())
        })
        .count();
    assert_eq!(group_rows, entities, "one row per group id, not per region");
    assert!(summary.contains("Staff by region (FTE)"), "{summary}");
    let json = wfplan::report::summary::summary_value(&policy);
    assert_eq!(json["groups"].as_array().unwrap().len(), regions * entities);
    assert_eq!(json["groups"][1]["id"], "g0");
    assert_eq!(json["groups"][1]["region"], "r1");
}

/// A synthetic model of 200 groups and 30 services: the plan's stock chart
/// has 12 panels (11 + "All other 189 groups"), care by service 12 panels
/// (11 + "All other 19 services"), and the terminal summary lists 20 groups and 10
/// services, each table followed by "… and N more".
#[test]
fn two_hundred_groups_keep_plan_charts_and_summary_short() {
    let text = wfplan::synthetic::model_text(wfplan::synthetic::Size {
        groups: 200,
        periods: 2,
        services: 30,
        pools: 4,
    });
    let model = wfplan::spec::load_str(&text, &fixture_path("synthetic.toml"), None, &[])
        .unwrap_or_else(|e| panic!("{e:#}"));
    let plan = solve_model(&model, "synthetic 200");
    let charts = wfplan::report::plan::plan_charts(&plan).unwrap();
    let stocks = chart(&charts, "stocks");
    let panels = drawn(stocks, (0..200).map(|g| format!("g{g}")));
    assert_eq!(panels.len(), 11, "{panels:?}");
    assert!(has_text(stocks, "All other 189 groups"));
    let deployment = chart(&charts, "deployment");
    let panels = drawn(deployment, (0..30).map(|s| format!("s{s}")));
    assert_eq!(panels.len(), 11, "{panels:?}");
    assert!(has_text(deployment, "All other 19 services"));

    let summary = wfplan::report::summary::terminal_summary(&plan);
    let first_word = |line: &str| line.split_whitespace().next().unwrap_or("").to_string();
    let is = |line: &str, prefix: char| {
        let word = first_word(line);
        word.starts_with(prefix) && word[1..].parse::<u32>().is_ok()
    };
    assert_eq!(
        summary.lines().filter(|l| is(l, 'g')).count(),
        20,
        "{summary}"
    );
    assert_eq!(
        summary.lines().filter(|l| is(l, 's')).count(),
        10,
        "{summary}"
    );
    assert!(
        summary.contains("… and 180 more (see stocks.csv)"),
        "{summary}"
    );
    assert!(
        summary.contains("… and 20 more (see deployment.csv)"),
        "{summary}"
    );
    assert!(
        summary.lines().count() < 120,
        "{} lines",
        summary.lines().count()
    );
}
