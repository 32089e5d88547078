//! summary.json and the plain-text summary `wfplan solve` prints.

use std::fmt::Write;

use anyhow::Result;
use serde_json::json;

use wfplan_engine::solution::Solution;
use wfplan_engine::tables;
use wfplan_model::model::CostCategory;
use wfplan_text::number::format_number;

/// summary.json, and the document `wfplan solve --json` prints: status,
/// objective, every stage's optimum, cash, penalty and terminal value
/// (discounted), sizes, staff by group, care by service, cash (outturn prices) by
/// category, the binding limits, and every target and limit with its shadow
/// price. No timings (they are in timings.json), so two runs of the same
/// inputs write the same bytes. In a model with regions each group and
/// service carries its `region` (one entry per regional copy).
pub fn summary_value(solution: &Solution) -> serde_json::Value {
    let model = &solution.model;
    let periods = model.periods.len();
    let stages: Vec<_> = model
        .objectives
        .iter()
        .zip(&solution.stage_objectives)
        .map(|(objective, value)| json!({ "minimise": objective.text, "optimum": value }))
        .collect();
    let groups: Vec<_> = model
        .groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let mut value = json!({
                "id": group.id,
                "name": group.name,
                "opening_fte": group.opening_fte,
                "stock_fte": solution.stock(index),
            });
            if model.has_regions() {
                value["region"] = json!(model.region_id(group.region));
            }
            if wfplan_model::model::reports_heads(model) {
                value["opening_heads"] = json!(group.opening_fte / group.participation_at(0));
                value["heads"] = json!(solution.heads(index));
            }
            value
        })
        .collect();
    let services: Vec<_> = model
        .services
        .iter()
        .enumerate()
        .map(|(index, service)| {
            let delivered: Vec<f64> = (0..periods)
                .map(|t| tables::delivered(solution, index, t))
                .collect();
            let unmet: Vec<f64> = (0..periods)
                .map(|t| wfplan_engine::solution::clean(service.demand_fte[t] - delivered[t]))
                .collect();
            let mut value = json!({
                "id": service.id,
                "name": service.name,
                "demand_fte": service.demand_fte,
                "delivered_fte": delivered,
                "unmet_fte": unmet,
            });
            if model.has_regions() {
                value["region"] = json!(model.region_id(service.region));
            }
            if !service.need.is_empty() {
                value["need"] = service
                    .need
                    .iter()
                    .map(|term| {
                        json!({
                            "term": term.id,
                            "driver": model.drivers[term.driver].id,
                            "driver_values": term.driver_values,
                            "contacts_per_unit": term.contacts_per_unit,
                            "contacts_per_fte": term.contacts_per_fte,
                            "demand_fte": term.fte,
                        })
                    })
                    .collect();
            }
            value
        })
        .collect();
    let categories: Vec<_> = CostCategory::ALL
        .iter()
        .map(|&category| {
            let cash: Vec<f64> = (0..periods)
                .map(|t| solution.cash_cost(category, t))
                .collect();
            let real: Vec<f64> = (0..periods).map(|t| solution.cost(category, t)).collect();
            json!({
                "category": category.as_str(),
                "label": category.label(),
                "total": cash.iter().sum::<f64>(),
                "cash": cash,
                "real_total": real.iter().sum::<f64>(),
                "real": real,
            })
        })
        .collect();
    let conditions: Vec<_> = solution
        .conditions()
        .into_iter()
        .map(|c| {
            json!({
                "kind": c.kind,
                "id": c.id,
                "expression": c.expression,
                "period": c.period,
                "activity": c.activity,
                "min": c.min,
                "max": c.max,
                "slack": c.slack,
                "violation": c.violation,
                "soft": c.soft,
                "shadow_price": c.shadow_price,
                "unit": c.unit,
            })
        })
        .collect();
    let binding: Vec<_> = binding_limits(solution, 12)
        .into_iter()
        .map(|(row, price)| json!({ "row": row, "shadow_price": price }))
        .collect();
    let mut value = json!({
        "model": model.name,
        "file": model.file,
        "scenario": model.scenario,
        "status": solution.status,
        "objective": solution.objective,
        "stages": stages,
        "canonical_plan": solution.movement.map(|movement| json!({
            "rule": "least total movement, then fixed weights on every column",
            "movement_fte": movement,
        })),
        "cash": solution.cash,
        "penalty": solution.penalty,
        "terminal_value": solution.terminal_value,
        "currency": model.currency,
        "discount_rate": model.discount_rate,
        "periods": model.periods,
        "variables": solution.lp.columns.len(),
        "constraints": solution.lp.rows.len(),
        "groups": groups,
        "services": services,
        "cash_by_category": categories,
        "binding_limits": binding,
        "conditions": conditions,
    });
    // A model with whole-number decisions: the MIP's status, gap and bound,
    // and where its shadow prices come from.
    if let Some(mip) = super::mip::mip_json(solution) {
        value["mip"] = mip;
        value["shadow_prices"] = json!(solution.shadow_price_note());
    }
    value
}

/// summary.json (see [`summary_value`]).
pub fn summary_json(solution: &Solution) -> Result<String> {
    Ok(serde_json::to_string_pretty(&summary_value(solution))? + "\n")
}

/// A fixed-width table: first column left-aligned, the rest right-aligned.
pub fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (column, cell) in row.iter().enumerate().take(columns) {
            widths[column] = widths[column].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        for (column, cell) in cells.iter().enumerate() {
            let pad = widths[column] - cell.chars().count();
            if column == 0 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.push('\n');
    };
    line(&mut out, header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut out, &rule);
    for row in rows {
        line(&mut out, row);
    }
    out
}

/// The text `wfplan solve` prints without `--out`. A regional model's
/// groups and services are shown by id, summed over regions, with a table of
/// staff by region; beyond [`MAX_GROUP_ROWS`] groups (or regions),
/// [`MAX_SERVICE_ROWS`] services or [`MAX_CONDITION_ROWS`] targets and
/// limits only the largest are listed, then "… and N more (see FILE)".
pub fn terminal_summary(solution: &Solution) -> String {
    let model = &solution.model;
    let mut out = String::new();
    let scenario = model
        .scenario
        .as_deref()
        .map(|s| format!(" — scenario '{s}'"))
        .unwrap_or_default();
    let _ = writeln!(out, "{}{scenario}: {}", model.name, solution.status);
    for (objective, value) in model.objectives.iter().zip(&solution.stage_objectives) {
        let _ = writeln!(
            out,
            "  minimise {:<28} {}",
            objective.text,
            format_number(*value)
        );
    }
    let _ = writeln!(
        out,
        "  cash (discounted)               {} {}\n  penalty (valuation of unmet care and soft targets, discounted) {} {}",
        format_number(solution.cash),
        model.currency,
        format_number(solution.penalty),
        model.currency
    );
    if solution.terminal_value != 0.0 {
        let _ = writeln!(
            out,
            "  terminal value of staff in post at the end (credited, not cash) {} {}",
            format_number(solution.terminal_value),
            model.currency
        );
    }
    out.push_str(&super::mip::mip_lines(solution));
    let _ = writeln!(
        out,
        "  {} variables, {} constraints, built in {:.3} s, solved in {:.3} s\n",
        solution.lp.columns.len(),
        solution.lp.rows.len(),
        solution.build_seconds,
        solution.solve_seconds
    );

    // Staff by group id (a regional model's copies summed over regions).
    let periods = model.periods.len();
    let mut ids: Vec<&str> = Vec::new();
    for group in &model.groups {
        if !ids.contains(&group.id.as_str()) {
            ids.push(&group.id);
        }
    }
    let stocks: Vec<Vec<f64>> = (0..model.groups.len()).map(|g| solution.stock(g)).collect();
    let sum_stocks = |members: &mut dyn Iterator<Item = usize>| -> (f64, Vec<f64>) {
        let mut opening = 0.0;
        let mut total = vec![0.0; periods];
        for g in members {
            opening += model.groups[g].opening_fte;
            for (t, v) in stocks[g].iter().enumerate() {
                total[t] += v;
            }
        }
        (opening, total)
    };
    // A table of staff in post (opening, then each period), the largest
    // rows by final stock first, cut at MAX_GROUP_ROWS.
    let staff_table = |out: &mut String, title: &str, rows: Vec<(String, f64, Vec<f64>)>| {
        let mut header = vec![title.to_string(), "opening".to_string()];
        header.extend(model.periods.iter().cloned());
        let (rows, more) = largest(rows, MAX_GROUP_ROWS, |(_, _, v)| {
            v.last().copied().unwrap_or(0.0)
        });
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|(label, opening, values)| {
                let mut row = vec![label, format_number(opening)];
                row.extend(values.into_iter().map(format_number));
                row
            })
            .collect();
        out.push_str(&text_table(&header, &rows));
        if more > 0 {
            let _ = writeln!(out, "… and {more} more (see stocks.csv)");
        }
        out.push('\n');
    };
    // More groups than a reader can scan, in staff families: the families
    // first (a group without a family as itself).
    let (families, by_family) =
        wfplan_model::group_sets::group_sets(model, super::scale::MAX_SERIES);
    if by_family {
        let rows: Vec<(String, f64, Vec<f64>)> = families
            .iter()
            .map(|set| {
                let (opening, values) = sum_stocks(&mut set.members.iter().copied());
                (set.id.clone(), opening, values)
            })
            .collect();
        staff_table(&mut out, "Staff by family (FTE)", rows);
    }
    let rows: Vec<(String, f64, Vec<f64>)> = ids
        .iter()
        .map(|id| {
            let (opening, values) =
                sum_stocks(&mut (0..model.groups.len()).filter(|g| model.groups[*g].id == *id));
            (id.to_string(), opening, values)
        })
        .collect();
    staff_table(&mut out, "Staff in post (FTE)", rows);
    if wfplan_model::model::reports_heads(model) {
        // Headcount beside FTE: the same groups, stock ÷ participation.
        let rows: Vec<(String, f64, Vec<f64>)> = ids
            .iter()
            .map(|id| {
                let mut opening = 0.0;
                let mut total = vec![0.0; periods];
                for (g, group) in model.groups.iter().enumerate() {
                    if group.id == *id {
                        opening += group.opening_fte / group.participation_at(0);
                        for (t, v) in solution.heads(g).into_iter().enumerate() {
                            total[t] += v;
                        }
                    }
                }
                (id.to_string(), opening, total)
            })
            .collect();
        staff_table(&mut out, "Headcount (heads)", rows);
    }
    if model.has_regions() {
        let rows: Vec<(String, f64, Vec<f64>)> = (0..model.regions.len())
            .map(|r| {
                let (opening, values) = sum_stocks(
                    &mut (0..model.groups.len()).filter(|g| model.groups[*g].region == Some(r)),
                );
                (model.regions[r].id.clone(), opening, values)
            })
            .collect();
        staff_table(&mut out, "Staff by region (FTE)", rows);
    }

    // Age bands: each banded group's pyramid by period (summed over regions).
    if model.groups.iter().any(|g| g.age.is_some()) {
        let mut header = vec![
            "Age band (FTE)".to_string(),
            "band".to_string(),
            "opening".to_string(),
        ];
        header.extend(model.periods.iter().cloned());
        let mut rows = Vec::new();
        for id in &ids {
            let members: Vec<usize> = (0..model.groups.len())
                .filter(|g| model.groups[*g].id == *id && model.groups[*g].age.is_some())
                .collect();
            let Some(age) = members.first().and_then(|g| model.groups[*g].age.as_ref()) else {
                continue;
            };
            for (band, band_id) in age.bands.iter().enumerate() {
                let mut opening = 0.0;
                let mut values = vec![0.0; periods];
                for &g in &members {
                    let bands = model.groups[g].age.as_ref().expect("banded");
                    opening += bands.opening.get(band).copied().unwrap_or(0.0);
                    if let Some(bands) = &solution.plan.decisions.band_stock[g] {
                        for (t, value) in values.iter_mut().enumerate() {
                            *value += bands[band][t];
                        }
                    }
                }
                let mut row = vec![
                    if band == 0 {
                        id.to_string()
                    } else {
                        String::new()
                    },
                    band_id.clone(),
                    format_number(opening),
                ];
                row.extend(values.into_iter().map(format_number));
                rows.push(row);
            }
        }
        out.push_str(&text_table(&header, &rows));
        let _ = writeln!(out, "(retirement and ageing by band in ages.csv)\n");
    }

    // Services by id (summed over regions): demand, delivered and unmet.
    let mut header = vec!["Service (unit of care)".to_string(), "measure".to_string()];
    header.extend(model.periods.iter().cloned());
    let mut service_ids: Vec<&str> = Vec::new();
    for service in &model.services {
        if !service_ids.contains(&service.id.as_str()) {
            service_ids.push(&service.id);
        }
    }
    let services: Vec<(String, Vec<f64>, Vec<f64>)> = service_ids
        .iter()
        .map(|id| {
            let mut demand = vec![0.0; periods];
            let mut delivered = vec![0.0; periods];
            for (index, service) in model.services.iter().enumerate() {
                if service.id == *id {
                    for t in 0..periods {
                        demand[t] += service.demand_fte[t];
                        delivered[t] += tables::delivered(solution, index, t);
                    }
                }
            }
            (id.to_string(), demand, delivered)
        })
        .collect();
    let (services, more_services) = largest(services, MAX_SERVICE_ROWS, |(_, demand, _)| {
        demand.iter().sum()
    });
    let mut rows = Vec::new();
    for (id, demand_fte, care) in services {
        // A service counted in its own unit of care says which.
        let unit = model
            .services
            .iter()
            .find(|s| s.id == id)
            .map_or("FTE", |s| s.care_unit.as_str());
        let label = if unit == "FTE" {
            id
        } else {
            format!("{id} ({unit})")
        };
        let mut demand = vec![label, "demand".to_string()];
        let mut delivered = vec![String::new(), "delivered".to_string()];
        let mut unmet = vec![String::new(), "unmet".to_string()];
        for period in 0..periods {
            demand.push(format_number(demand_fte[period]));
            delivered.push(format_number(care[period]));
            unmet.push(format_number(demand_fte[period] - care[period]));
        }
        rows.push(demand);
        rows.push(delivered);
        rows.push(unmet);
    }
    if !rows.is_empty() {
        out.push_str(&text_table(&header, &rows));
        if more_services > 0 {
            let _ = writeln!(out, "… and {more_services} more (see deployment.csv)");
        }
        out.push('\n');
    }

    let mut header = vec![format!("Cash ({}, outturn prices)", model.currency)];
    header.extend(model.periods.iter().cloned());
    header.push("total".to_string());
    let mut rows = Vec::new();
    for category in CostCategory::ALL {
        let values: Vec<f64> = (0..model.periods.len())
            .map(|t| solution.cash_cost(category, t))
            .collect();
        if values.iter().all(|v| *v == 0.0) {
            continue;
        }
        let mut row = vec![category.label().to_string()];
        row.extend(values.iter().map(|v| format_number(*v)));
        row.push(format_number(values.iter().sum()));
        rows.push(row);
    }
    let penalties: Vec<f64> = (0..model.periods.len())
        .map(|t| solution.unmet_penalty(t) + solution.soft_penalty(t))
        .collect();
    if penalties.iter().any(|v| *v != 0.0) {
        let mut row = vec!["Penalty (not cash)".to_string()];
        row.extend(penalties.iter().map(|v| format_number(*v)));
        row.push(format_number(penalties.iter().sum()));
        rows.push(row);
    }
    out.push_str(&text_table(&header, &rows));

    let binding = binding_limits(solution, 12);
    if !binding.is_empty() {
        out.push('\n');
        let header: Vec<String> = [
            "Binding limit (most valuable first)",
            shadow_price_header(solution),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows: Vec<Vec<String>> = binding
            .iter()
            .map(|(name, price)| {
                vec![
                    name.clone(),
                    format!("{} {} per FTE", format_number(*price), model.currency),
                ]
            })
            .collect();
        out.push_str(&text_table(&header, &rows));
    }

    let conditions = solution.conditions();
    if !conditions.is_empty() {
        out.push('\n');
        let header: Vec<String> = [
            "Target / limit",
            "period",
            "value",
            "min",
            "max",
            shadow_price_header(solution),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (conditions, more) = largest(conditions, MAX_CONDITION_ROWS, |c| c.shadow_price.abs());
        let rows: Vec<Vec<String>> = conditions
            .iter()
            .map(|c| {
                let region = c
                    .region
                    .map(|r| format!(" @ {}", model.regions[r].id))
                    .unwrap_or_default();
                vec![
                    format!("{} {}{region}", c.kind, c.id),
                    c.period.clone(),
                    format_number(c.activity),
                    c.min.map(format_number).unwrap_or_default(),
                    c.max.map(format_number).unwrap_or_default(),
                    // In the unit of what binds: "£99.3k per FTE", "£0.41 per £".
                    format!(
                        "{} {}",
                        wfplan_text::number::price(c.shadow_price, &model.currency),
                        wfplan_text::number::per_unit(&c.unit, &model.currency)
                    ),
                ]
            })
            .collect();
        out.push_str(&text_table(&header, &rows));
        if more > 0 {
            let _ = writeln!(out, "… and {more} more (see constraints.csv)");
        }
    }
    out
}

/// "shadow price", or for a MIP "shadow price (integers fixed)": its
/// shadow prices are those of the LP with the whole numbers fixed.
fn shadow_price_header(solution: &Solution) -> &'static str {
    if solution.mip.is_some() {
        "shadow price (integers fixed)"
    } else {
        "shadow price"
    }
}

/// Rows of the terminal summary beyond which only the largest are shown.
pub const MAX_GROUP_ROWS: usize = 20;
pub const MAX_SERVICE_ROWS: usize = 10;
pub const MAX_CONDITION_ROWS: usize = 20;

/// All `rows` when there are at most `max`; else the `max` largest by
/// `size`, largest first, and how many were left out.
fn largest<T>(rows: Vec<T>, max: usize, size: impl Fn(&T) -> f64) -> (Vec<T>, usize) {
    if rows.len() <= max {
        return (rows, 0);
    }
    let total = rows.len();
    let mut rows = rows;
    rows.sort_by(|a, b| size(b).total_cmp(&size(a)));
    rows.truncate(max);
    (rows, total - max)
}

/// The caps, pool supplies, intake capacities and skill-mix floors that bind,
/// by shadow price (discounted currency per FTE of relaxation), largest first.
pub fn binding_limits(solution: &Solution, count: usize) -> Vec<(String, f64)> {
    use wfplan_lp::Family;
    let mut rows: Vec<(String, f64)> = solution
        .rows
        .iter()
        .filter(|row| {
            matches!(
                row.family,
                Family::PoolSupply
                    | Family::IntakeCapacity
                    | Family::HireCap
                    | Family::ExitCap
                    | Family::MoveCap
                    | Family::ReducedHoursCap
                    | Family::SkillMix
            ) && row.shadow_price > 1e-6
        })
        .map(|row| (row.name.clone(), row.shadow_price))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.truncate(count);
    rows
}
