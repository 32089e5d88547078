//! Charts of one solved plan (`wfplan solve --out`): staff in post by group,
//! care delivered and unmet by service, and cash by category.

use anyhow::Result;

use crate::charts::{self, Chart, Panel, Series};
use crate::model::CostCategory;
use crate::solution::Solution;
use crate::tables;

/// The charts of a plan, by file stem.
pub fn plan_charts(solution: &Solution) -> Result<Vec<(String, Chart)>> {
    let model = &solution.model;
    let periods = &model.periods;
    let mut charts = Vec::new();

    let panels: Vec<Panel> = model
        .groups
        .iter()
        .enumerate()
        .map(|(group_index, group)| Panel {
            title: group.name.clone(),
            series: vec![Series {
                label: "Staff in post".to_string(),
                values: solution.stock(group_index),
            }],
        })
        .collect();
    if !panels.is_empty() {
        charts.push((
            "stocks".to_string(),
            charts::small_multiples("Staff in post by group", periods, "FTE", &panels)?,
        ));
    }

    let mut deployment: Vec<Series> = model
        .services
        .iter()
        .enumerate()
        .map(|(service_index, service)| Series {
            label: service.name.clone(),
            values: (0..periods.len())
                .map(|t| tables::delivered(solution, service_index, t))
                .collect(),
        })
        .collect();
    let unmet: Vec<f64> = (0..periods.len())
        .map(|t| {
            model
                .services
                .iter()
                .enumerate()
                .map(|(s, service)| service.demand_fte[t] - tables::delivered(solution, s, t))
                .sum()
        })
        .collect();
    if unmet.iter().any(|v| v.abs() > 1e-6) {
        deployment.push(Series {
            label: "Unmet demand (all services)".to_string(),
            values: unmet,
        });
    }
    if !deployment.is_empty() {
        charts.push((
            "deployment".to_string(),
            charts::stacked_bars(
                "Care delivered by service",
                periods,
                "FTE of care",
                &deployment,
            )?,
        ));
    }

    let costs: Vec<Series> = CostCategory::ALL
        .iter()
        .map(|&category| Series {
            label: category.label().to_string(),
            values: (0..periods.len())
                .map(|t| solution.cost(category, t) / 1e6)
                .collect(),
        })
        .filter(|series| series.values.iter().any(|v| v.abs() > 1e-9))
        .collect();
    let unit = if model.currency == "GBP" {
        "£ million (nominal)".to_string()
    } else {
        format!("{} million (nominal)", model.currency)
    };
    charts.push((
        "costs".to_string(),
        charts::stacked_bars("Cash cost by category", periods, &unit, &costs)?,
    ));
    Ok(charts)
}
