//! The impact report of `compare` on a small model with pull between two
//! services: its numbers tie out against the two scenarios' own plans, and
//! the Markdown a reader sees is pinned as a snapshot.

use std::path::Path;

use wfplan::compare::{compare, Impact};
use wfplan::solution::Solution;

use crate::util::fixture_path;

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
    assert_eq!(impact.target_group_id, "hv");
    assert_eq!(impact.periods[impact.headline_period], "2028");
    assert!(
        (impact.groups[impact.target_group].stock_policy[impact.headline_period] - 120.0).abs()
            < 1e-6
    );
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

#[test]
fn cost_change_equals_the_difference_of_the_two_summaries() {
    let (base, policy, impact) = impact();
    assert!(((impact.cash_policy - impact.cash_base) - (policy.cash - base.cash)).abs() < 1e-6);
    let nominal = policy.total("cash").unwrap() - base.total("cash").unwrap();
    assert!((impact.cash_change_nominal() - nominal).abs() < 1e-6);
    let (base_by_year, policy_by_year) = impact.cash_by_period();
    for period in 0..impact.periods.len() {
        let expected = policy.value("cash").unwrap()[period] - base.value("cash").unwrap()[period];
        assert!((policy_by_year[period] - base_by_year[period] - expected).abs() < 1e-6);
    }
}

#[test]
fn unmet_change_ties_out_with_each_plan() {
    let (base, policy, impact) = impact();
    let expected = policy.total("unmet(*)").unwrap() - base.total("unmet(*)").unwrap();
    let reported: f64 = impact.unmet_change_by_period().iter().sum();
    assert!((reported - expected).abs() < 1e-6);
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
