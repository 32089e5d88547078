//! Charts of one solved plan (`wfplan solve --out`): staff in post by group,
//! care delivered and unmet by service, and cash by category. A regional
//! model's copies of one group or service are drawn as one panel or series
//! (a line per region in each group's panel); many groups or services are
//! cut to the largest plus "all others" (see `scale`).

use anyhow::Result;

use wfplan_charts::{self as charts, Chart, Panel, Series};
use wfplan_engine::solution::Solution;
use wfplan_engine::tables;
use wfplan_model::model::CostCategory;

use super::scale;

/// Most regions drawn as their own line; beyond, the smaller ones are one
/// "Other regions" line.
const MAX_REGION_LINES: usize = 8;

/// The lines of a regional stock panel: one per region, the regions with
/// most staff first when there are more than MAX_REGION_LINES (the rest
/// one "Other regions" line), each with the test "is this group on it".
#[allow(clippy::type_complexity)]
fn region_lines<'a>(
    solution: &'a Solution,
    stocks: &'a [Vec<f64>],
) -> Vec<(String, Box<dyn Fn(usize) -> bool + 'a>)> {
    let model = &solution.model;
    let regions: Vec<usize> = (0..model.regions.len()).collect();
    let size = |r: &usize| -> f64 {
        (0..model.groups.len())
            .filter(|g| model.groups[*g].region == Some(*r))
            .map(|g| scale::magnitude(&stocks[g]))
            .sum()
    };
    let (top, rest) = scale::split_top(regions, size, MAX_REGION_LINES);
    let mut lines: Vec<(String, Box<dyn Fn(usize) -> bool + 'a>)> = top
        .into_iter()
        .map(|r| {
            let test: Box<dyn Fn(usize) -> bool + 'a> =
                Box::new(move |g: usize| model.groups[g].region == Some(r));
            (model.regions[r].name.clone(), test)
        })
        .collect();
    if !rest.is_empty() {
        lines.push((
            format!("Other {} regions", rest.len()),
            Box::new(move |g: usize| model.groups[g].region.is_some_and(|r| rest.contains(&r))),
        ));
    }
    lines
}

/// Σ of the stocks of some groups, per period.
fn sum_of<'a>(
    groups: impl Iterator<Item = &'a usize>,
    stocks: &[Vec<f64>],
    periods: usize,
) -> Vec<f64> {
    let mut total = vec![0.0; periods];
    for g in groups {
        for (t, v) in stocks[*g].iter().enumerate() {
            total[t] += v;
        }
    }
    total
}

/// One panel per service id (a regional model's copies summed): demand and
/// care delivered, in the service's unit of care, so the gap between the
/// lines is the unmet demand. Panels, not one stacked axis: services differ
/// in size by twenty times and more (acute nursing against school nursing),
/// and in their unit of care. At most MAX_PANELS panels, the services with
/// most demand first; the rest summed in one panel.
pub fn service_panels(solution: &Solution) -> Vec<Panel> {
    let model = &solution.model;
    let periods = model.periods.len();
    let mut ids: Vec<&str> = Vec::new();
    for service in &model.services {
        if !ids.contains(&service.id.as_str()) {
            ids.push(&service.id);
        }
    }
    let panels: Vec<Panel> = ids
        .iter()
        .map(|id| {
            let members: Vec<usize> = (0..model.services.len())
                .filter(|s| model.services[*s].id == *id)
                .collect();
            let first = &model.services[members[0]];
            let demand = (0..periods)
                .map(|t| {
                    members
                        .iter()
                        .map(|s| model.services[*s].demand_fte[t])
                        .sum()
                })
                .collect();
            let delivered = (0..periods)
                .map(|t| {
                    members
                        .iter()
                        .map(|s| tables::delivered(solution, *s, t))
                        .sum()
                })
                .collect();
            Panel {
                title: charts::short_title(&first.name),
                unit: Some(first.care_unit.clone()),
                series: vec![
                    Series {
                        label: "Demand".to_string(),
                        values: demand,
                    },
                    Series {
                        label: "Delivered".to_string(),
                        values: delivered,
                    },
                ],
            }
        })
        .collect();
    scale::top_panels(
        panels,
        |p| {
            p.series
                .first()
                .map_or(0.0, |s| scale::magnitude(&s.values))
        },
        scale::MAX_PANELS,
        "services",
    )
}

/// The panels of the staff-in-post chart: one per group id (a regional
/// model's copies summed) — or, with more ids than MAX_PANELS and staff
/// families declared, one per family — with a line per region when the
/// model has regions; at most MAX_PANELS panels (the smallest summed into
/// "All other N groups" or "… families"). True when the panels are
/// families.
pub fn stock_panels(solution: &Solution) -> (Vec<Panel>, bool) {
    let model = &solution.model;
    let periods = &model.periods;
    let (sets, by_family) = wfplan_model::group_sets::group_sets(model, scale::MAX_PANELS);
    let stocks: Vec<Vec<f64>> = (0..model.groups.len()).map(|g| solution.stock(g)).collect();
    let regions = region_lines(solution, &stocks);
    let panels: Vec<Panel> = sets
        .iter()
        .map(|set| {
            let members = &set.members;
            let title = wfplan_charts::short_title(&set.name);
            let series = if model.has_regions() {
                regions
                    .iter()
                    .filter(|(_, of_line)| members.iter().any(|g| of_line(*g)))
                    .map(|(label, of_line)| Series {
                        label: label.clone(),
                        values: sum_of(
                            members.iter().filter(|g| of_line(**g)),
                            &stocks,
                            periods.len(),
                        ),
                    })
                    .collect()
            } else {
                vec![Series {
                    label: "Staff in post".to_string(),
                    values: sum_of(members.iter(), &stocks, periods.len()),
                }]
            };
            Panel {
                title,
                unit: None,
                series,
            }
        })
        .collect();
    let panels = scale::top_panels(
        panels,
        |p| p.series.iter().map(|s| scale::magnitude(&s.values)).sum(),
        scale::MAX_PANELS,
        if by_family { "families" } else { "groups" },
    );
    (panels, by_family)
}

/// The title of the staff-in-post chart: by group, or by family.
pub fn stock_chart_title(by_family: bool) -> &'static str {
    if by_family {
        "Staff in post by family"
    } else {
        "Staff in post by group"
    }
}

/// The charts of a plan, by file stem.
pub fn plan_charts(solution: &Solution) -> Result<Vec<(String, Chart)>> {
    let model = &solution.model;
    let periods = &model.periods;
    let mut charts = Vec::new();

    let (panels, by_family) = stock_panels(solution);
    if !panels.is_empty() {
        charts.push((
            "stocks".to_string(),
            charts::small_multiples(stock_chart_title(by_family), periods, "FTE", &panels)?,
        ));
    }

    let services = service_panels(solution);
    if !services.is_empty() {
        charts.push((
            "deployment".to_string(),
            charts::small_multiples(
                "Care demanded and delivered by service",
                periods,
                "care",
                &services,
            )?,
        ));
    }

    let costs: Vec<Series> = CostCategory::ALL
        .iter()
        .map(|&category| Series {
            label: category.label().to_string(),
            values: (0..periods.len())
                .map(|t| solution.cash_cost(category, t) / 1e6)
                .collect(),
        })
        .filter(|series| series.values.iter().any(|v| v.abs() > 1e-9))
        .collect();
    let unit = format!(
        "{}, cash (outturn prices)",
        wfplan_text::number::millions(&model.currency)
    );
    charts.push((
        "costs".to_string(),
        charts::stacked_bars("Cash cost by category", periods, &unit, &costs)?,
    ));
    charts.extend(super::ages::plan_charts(solution)?);
    Ok(charts)
}
