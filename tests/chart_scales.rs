//! Charts of groups or services of very different size: each gets a panel
//! on its own axis from zero, and says so, instead of sharing one axis on
//! which the small ones are flat lines (issue 9: "each scenario's own charts
//! are not swamped by its largest group").
//!
//! The flagship (pledge, the model as written) has acute adult nursing
//! demand of about 170,000–183,000 FTE and health visiting demand of
//! 7,967–12,600 FTE (births × contacts per birth ÷ contacts per FTE): on one
//! axis the health visitors would fill a fifteenth of the height.

use wfplan::charts::{panel_range, PANEL_SCALE_NOTE};

const FLAGSHIP: &str = "models/england_community_nursing.toml";
const DEMAND: &str = "data/england_community_nursing/demand.csv";
const DRIVERS: &str = "data/england_community_nursing/drivers.csv";

/// Rows `period,<id>,value` of a CSV file, read here without the model.
fn csv_rows(file: &str) -> Vec<(String, String, f64)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[2].trim().parse::<f64>().unwrap(),
            )
        })
        .collect()
}

/// The largest demand of each service over the horizon. Services with a
/// series read it from demand.csv; the two need-driven ones (the model's
/// `need = {...}`) are driver × contacts per unit ÷ contacts per FTE, with
/// the driver from drivers.csv and the rates as the model file states them
/// (health visiting: 5, 5, 5.6, 6.7, then 7.83 contacts per birth, 453.85
/// contacts per FTE; district nursing: 9.873 visits per person aged 80+,
/// 1,500 visits per FTE).
fn largest_demand(service: &str) -> f64 {
    let driven = |driver: &str, per_unit: &dyn Fn(usize) -> f64, per_fte: f64| {
        csv_rows(DRIVERS)
            .into_iter()
            .filter(|(_, id, _)| id == driver)
            .enumerate()
            .map(|(t, (_, _, value))| value * per_unit(t) / per_fte)
            .fold(f64::MIN, f64::max)
    };
    match service {
        "health_visiting" => driven(
            "births",
            &|t| [5.0, 5.0, 5.6, 6.7].get(t).copied().unwrap_or(7.83),
            453.85,
        ),
        "district_nursing" => driven("population_80plus", &|_| 9.873, 1500.0),
        _ => csv_rows(DEMAND)
            .into_iter()
            .filter(|(_, id, _)| id == service)
            .map(|(_, _, value)| value)
            .fold(f64::MIN, f64::max),
    }
}

#[test]
fn solve_report_draws_each_service_on_its_own_axis_from_zero() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FLAGSHIP);
    let model = wfplan::spec::load(&path, None, &[]).unwrap();
    let plan = wfplan::solve::solve(&model).unwrap();
    let panels = wfplan::report::plan::service_panels(&plan);

    let expected = [
        ("health_visiting", "Health visiting", "FTE"),
        ("school_nursing", "School nursing", "FTE"),
        (
            "district_nursing",
            "District nursing",
            "district-nurse-equivalent FTE",
        ),
        ("acute_adult", "Acute adult inpatient nursing", "FTE"),
        ("mental_health", "Mental health nursing", "FTE"),
        (
            "general_practice_nursing",
            "General practice nursing",
            "FTE",
        ),
    ];
    assert_eq!(panels.len(), expected.len(), "one panel per service");
    let mut tops = Vec::new();
    for (panel, (id, title, unit)) in panels.iter().zip(expected) {
        assert_eq!(panel.title, title);
        assert_eq!(
            panel.unit.as_deref(),
            Some(unit),
            "{title}: its unit of care"
        );
        let labels: Vec<&str> = panel.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["Demand", "Delivered"], "{title}");
        // Own axis: from zero to the panel's own largest value (its demand;
        // delivered care never exceeds demand here) plus 8%.
        let (bottom, top) = panel_range(&panel.series).unwrap();
        assert_eq!(bottom, 0.0, "{title}: the axis starts at zero");
        let largest = largest_demand(id);
        assert!(
            (top - 1.08 * largest).abs() <= 1e-6 * largest,
            "{title}: axis top {top}, expected 1.08 × {largest}"
        );
        tops.push(top);
    }
    // Health visiting (about 12,600 at most) is not drawn on acute nursing's axis
    // (about 183,000): its own axis is under a tenth as tall.
    assert!(tops[0] < tops[3] / 10.0, "{tops:?}");

    // Each panel says its axis is its own and starts at zero; the district
    // nursing panel names its unit.
    let charts = wfplan::report::plan::plan_charts(&plan).unwrap();
    let svg = |stem: &str| {
        charts
            .iter()
            .find(|(s, _)| s == stem)
            .unwrap_or_else(|| panic!("no chart {stem}"))
            .1
            .svg
            .clone()
    };
    let deployment = svg("deployment");
    assert_eq!(deployment.matches(PANEL_SCALE_NOTE).count(), 6);
    assert!(deployment.contains("district-nurse-equivalent FTE"));
    assert_eq!(
        svg("stocks").matches(PANEL_SCALE_NOTE).count(),
        7,
        "seven groups"
    );
}

/// The impact report's bars of care changes say each bar's unit when the
/// services count care in different units: the flagship counts district
/// nursing in district-nurse-equivalent FTE and the others in FTE, so the
/// axis cannot say "FTE of care" for all.
#[test]
fn care_change_bars_name_their_unit_when_units_differ() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FLAGSHIP);
    let solve = |scenario: &str| {
        let model = wfplan::spec::load(&path, Some(scenario), &[]).unwrap();
        wfplan::solve::solve(&model).unwrap()
    };
    let (base, policy) = (solve("no_pledge"), solve("pledge"));
    let impact = wfplan::compare::compare(&base, &policy, "no_pledge", "pledge", None).unwrap();
    let charts = wfplan::report::impact::impact_charts(&impact).unwrap();
    let svg = &charts
        .iter()
        .find(|(stem, _)| stem == "displacement")
        .unwrap()
        .1
        .svg;
    let text = |t: &str| svg.contains(&format!(">\n{t}\n</text>"));
    assert!(
        text("District nursing (district-nurse-equivalent FTE)"),
        "{svg}"
    );
    assert!(text("Health visiting (FTE)"));
    assert!(text(
        "care, pledge minus no_pledge, each service in its unit (in its label)"
    ));
    assert!(!svg.contains("FTE of care"), "no axis in one unit for all");
}
