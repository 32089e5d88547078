//! The impact report of `compare`: on tests/fixtures/hand_compare.toml every
//! channel, loser, cost and price is checked against a derivation by hand
//! (in the impact and in the CSV files); on pull.toml (three periods, a
//! training pipeline) the channels sum to each group's stock change and the
//! Markdown a reader sees is pinned as a snapshot.

use std::path::Path;

use wfplan::compare::{compare, Impact};
use wfplan::solution::Solution;

use crate::util::{assert_close_what, fixture_path, REL_TOL};

fn solve(scenario: Option<&str>) -> Solution {
    let model =
        wfplan::spec::load(&fixture_path("pull.toml"), scenario, &[]).expect("pull.toml loads");
    wfplan::solve::solve(&model).expect("pull.toml solves")
}

fn impact() -> (Solution, Solution, Impact) {
    let base = solve(Some("no_target"));
    let policy = solve(None);
    let impact = compare(&base, &policy, "no_target", "target", None).expect("compare");
    (base, policy, impact)
}

#[test]
fn the_target_group_is_the_one_in_the_new_target_and_the_headline_is_its_period() {
    let (_, _, impact) = impact();
    assert_eq!(impact.target_group_id.as_deref(), Some("hv"));
    assert_eq!(impact.periods[impact.headline_period], "2028");
    assert!((impact.target().unwrap().stock_policy[impact.headline_period] - 120.0).abs() < 1e-6);
}

#[test]
fn channels_sum_exactly_to_each_groups_stock_change() {
    let (_, _, impact) = impact();
    for (group, channels) in impact.groups.iter().zip(&impact.group_channels) {
        let change = group.change();
        for (period, label) in impact.periods.iter().enumerate() {
            let cumulated: f64 = channels
                .iter()
                .map(|c| c.change_by_period[..=period].iter().sum::<f64>())
                .sum();
            assert!(
                (cumulated - change[period]).abs() < 1e-6,
                "group {} period {}: channels sum to {cumulated}, stock changed by {}",
                group.id,
                label,
                change[period]
            );
        }
    }
    let headline: f64 = impact.channels.iter().map(|c| c.change_to_headline).sum();
    assert!((headline - impact.target_change_at_headline()).abs() < 1e-6);
}

#[test]
fn the_pull_is_visible_through_named_channels() {
    let (_, _, impact) = impact();
    let channel = |label: &str| {
        impact
            .channels
            .iter()
            .find(|c| c.label == label)
            .map(|c| c.change_to_headline)
    };
    assert!(channel("training via train_hv (seconded from District nurses)").unwrap_or(0.0) > 1.0);
    assert!(channel("hires from nq").unwrap_or(0.0) > 1.0);
    let losers = impact.losers();
    assert_eq!(
        losers.first().map(|(s, _)| s.id.as_str()),
        Some("district_nursing")
    );
}

/// tests/fixtures/hand_compare.toml, derived by hand in its header: the
/// channels of both groups, who loses, the cash, the penalty and the
/// target's shadow price — against the impact and against the CSV files
/// the report writes.
#[test]
fn a_policy_derived_by_hand_ties_out_in_the_impact_and_its_csv_files() {
    let solve = |scenario: Option<&str>| {
        let model = wfplan::spec::load(&fixture_path("hand_compare.toml"), scenario, &[]).unwrap();
        wfplan::solve::solve(&model).unwrap()
    };
    let (base, policy) = (solve(Some("no_target")), solve(None));
    let impact = compare(&base, &policy, "no_target", "target", None).unwrap();
    assert_eq!(impact.target_group_id.as_deref(), Some("hv"));
    let channel = |group: &str, flow: &str| -> f64 {
        let index = impact.groups.iter().position(|g| g.id == group).unwrap();
        impact.group_channels[index]
            .iter()
            .filter(|c| c.flow == flow)
            .map(|c| c.change_to_headline)
            .sum()
    };
    // Health visitors +20: 15 hires, 5 moves in; district nurses −10: 5
    // fewer hires, 5 moves out; nobody else changes.
    for (group, flow, expected) in [
        ("hv", "hire", 15.0),
        ("hv", "move_in", 5.0),
        ("hv", "attrition", 0.0),
        ("dn", "hire", -5.0),
        ("dn", "move_out", -5.0),
        ("dn", "attrition", 0.0),
    ] {
        assert_close_what(
            &format!("{group} {flow}"),
            channel(group, flow),
            expected,
            REL_TOL,
        );
    }
    // Who lost: district nursing, 10 FTE of care; health visiting unchanged.
    let losers = impact.losers();
    assert_eq!(losers.len(), 1);
    assert_eq!(losers[0].0.id, "district_nursing");
    assert_close_what("district nursing", losers[0].1, -10.0, REL_TOL);
    // Cash +£660 (salaries +1,000 − 400, hires +75 − 25, moves +10);
    // penalty +£1,000; shadow price £112 per FTE.
    assert_close_what("cash", impact.cash_change(), 660.0, REL_TOL);
    assert_close_what(
        "penalty",
        impact.penalty_policy - impact.penalty_base,
        1000.0,
        REL_TOL,
    );
    let shadow = impact.condition_changes[0]
        .policy
        .as_ref()
        .unwrap()
        .shadow_price;
    assert_close_what("shadow price", shadow, 112.0, REL_TOL);
    assert_eq!(
        wfplan::compare::cost_per_extra_fte(&impact).map(|(per, _)| per),
        Some(33.0)
    );
    // The CSV files say the same.
    let out = tempfile::tempdir().unwrap();
    wfplan::report::impact::write_impact_report(out.path(), &impact, &[]).unwrap();
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap();
    let rows = |name: &str| -> Vec<Vec<String>> {
        read(name)
            .lines()
            .map(|l| {
                l.split(',')
                    .map(|c| c.trim_matches('"').to_string())
                    .collect()
            })
            .collect()
    };
    let value = |table: &[Vec<String>], keys: &[(&str, &str)], column: &str| -> f64 {
        let index = |name: &str| table[0].iter().position(|c| c == name).unwrap();
        let row = table[1..]
            .iter()
            .find(|r| keys.iter().all(|(k, v)| r[index(k)] == *v))
            .unwrap_or_else(|| panic!("no row {keys:?}"));
        row[index(column)].parse().unwrap()
    };
    let channels = rows("channels.csv");
    for (group, flow, expected) in [
        ("hv", "hire", 15.0),
        ("hv", "move_in", 5.0),
        ("dn", "hire", -5.0),
        ("dn", "move_out", -5.0),
    ] {
        assert_close_what(
            &format!("channels.csv {group} {flow}"),
            value(
                &channels,
                &[("group", group), ("flow", flow), ("period", "2026")],
                "change_fte",
            ),
            expected,
            REL_TOL,
        );
    }
    let services = rows("services.csv");
    assert_close_what(
        "services.csv district nursing",
        value(
            &services,
            &[("service", "district_nursing")],
            "delivered_change_fte",
        ),
        -10.0,
        REL_TOL,
    );
    assert_close_what(
        "services.csv unmet",
        value(
            &services,
            &[("service", "district_nursing")],
            "unmet_policy_fte",
        ),
        10.0,
        REL_TOL,
    );
    let headline = rows("headline.csv");
    for (measure, column, expected) in [
        ("target_group_fte_at_headline", "policy", 110.0),
        ("target_group_fte_at_headline", "base", 90.0),
        ("cash_total", "base", 8325.0),
        ("cash_total", "change", 660.0),
        ("penalty_discounted_total", "change", 1000.0),
        ("cost_per_extra_fte_at_headline", "change", 33.0),
        ("target_shadow_price_max", "change", 112.0),
    ] {
        assert_close_what(
            &format!("headline.csv {measure} {column}"),
            value(&headline, &[("measure", measure)], column),
            expected,
            REL_TOL,
        );
    }
    let finance = rows("finance.csv");
    for (category, expected) in [("salary", 600.0), ("hire", 50.0), ("move", 10.0)] {
        assert_close_what(
            &format!("finance.csv {category}"),
            value(&finance, &[("category", category)], "change_cash"),
            expected,
            REL_TOL,
        );
    }
}

/// `--set` reaches the compare: with 25 newly qualified staff instead of
/// 15 the pool covers both groups (h_dn = 5 + m, cost 2m − 275: m = 0), so
/// no service loses and the policy costs 20 hires at £55: +£1,100.
#[test]
fn set_changes_the_compare_result() {
    let run = |sets: &[&str]| -> serde_json::Value {
        let out = tempfile::tempdir().unwrap();
        let folder = out.path().join("report");
        let mut args = vec![
            "compare",
            "tests/fixtures/hand_compare.toml",
            "--base",
            "no_target",
            "--policy",
            "base",
            "--json",
            "--out",
            folder.to_str().unwrap(),
        ];
        for set in sets {
            args.extend(["--set", set]);
        }
        let output = crate::util::wfplan(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let plain = run(&[]);
    assert_close_what(
        "cash",
        plain["cash"]["change"].as_f64().unwrap(),
        660.0,
        REL_TOL,
    );
    assert_eq!(plain["service_losses"].as_array().unwrap().len(), 1);
    let more = run(&["pool.nq.supply=25"]);
    assert_close_what(
        "cash with 25",
        more["cash"]["change"].as_f64().unwrap(),
        1100.0,
        REL_TOL,
    );
    assert!(
        more["service_losses"].as_array().unwrap().is_empty(),
        "{more}"
    );
}

#[test]
fn markdown_report_snapshot() {
    let (_, _, impact) = impact();
    let markdown = wfplan::report::impact::impact_document(&impact).to_markdown();
    insta::assert_snapshot!("pull_report_markdown", markdown);
}

#[test]
fn html_report_is_self_contained() {
    let (_, _, impact) = impact();
    let out = tempfile::tempdir().unwrap();
    let written = wfplan::report::impact::write_impact_report(out.path(), &impact, &[]).unwrap();
    assert!(written.iter().any(|p| p.ends_with("report.html")));
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(html.contains("<svg"), "charts are inlined as SVG");
    assert!(
        !html.contains("src=\"http"),
        "nothing is fetched from the network"
    );
    assert!(!html.contains("<img"), "no external images");
    for name in [
        "headline.csv",
        "channels.csv",
        "services.csv",
        "groups.csv",
        "finance.csv",
        "report.md",
    ] {
        assert!(
            Path::new(&out.path().join(name)).is_file(),
            "{name} written"
        );
    }
    for stem in [
        "stocks",
        "displacement",
        "channels",
        "cost_change",
        "cost_by_year",
    ] {
        assert!(out
            .path()
            .join("charts")
            .join(format!("{stem}.png"))
            .is_file());
        assert!(out
            .path()
            .join("charts")
            .join(format!("{stem}.svg"))
            .is_file());
    }
}
