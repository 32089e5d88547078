//! summary.json and the plain-text summary `wfplan solve` prints.

use std::fmt::Write;

use anyhow::Result;
use serde_json::json;

use crate::model::CostCategory;
use crate::solution::Solution;
use crate::solve::format_number;
use crate::tables;

/// summary.json, and the document `wfplan solve --json` prints: status,
/// objective, every stage's optimum, cash, penalty and terminal value
/// (discounted), sizes, staff by group, care by service, nominal cash by
/// category, the binding limits, and every target and limit with its shadow
/// price. No timings (they are in timings.json), so two runs of the same
/// inputs write the same bytes.
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
            json!({
                "id": group.id,
                "name": group.name,
                "opening_fte": group.opening_fte,
                "stock_fte": solution.stock(index),
            })
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
                .map(|t| crate::solution::clean(service.demand_fte[t] - delivered[t]))
                .collect();
            json!({
                "id": service.id,
                "name": service.name,
                "demand_fte": service.demand_fte,
                "delivered_fte": delivered,
                "unmet_fte": unmet,
            })
        })
        .collect();
    let categories: Vec<_> = CostCategory::ALL
        .iter()
        .map(|&category| {
            let nominal: Vec<f64> = (0..periods).map(|t| solution.cost(category, t)).collect();
            json!({
                "category": category.as_str(),
                "label": category.label(),
                "total": nominal.iter().sum::<f64>(),
                "nominal": nominal,
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
    json!({
        "model": model.name,
        "file": model.file,
        "scenario": model.scenario,
        "status": solution.status,
        "objective": solution.objective,
        "stages": stages,
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
    })
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

/// The text `wfplan solve` prints without `--out`.
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
    let _ = writeln!(
        out,
        "  {} variables, {} constraints, built in {:.3} s, solved in {:.3} s\n",
        solution.lp.columns.len(),
        solution.lp.rows.len(),
        solution.build_seconds,
        solution.solve_seconds
    );

    let mut header = vec!["Staff in post (FTE)".to_string(), "opening".to_string()];
    header.extend(model.periods.iter().cloned());
    let rows: Vec<Vec<String>> = model
        .groups
        .iter()
        .enumerate()
        .map(|(group_index, group)| {
            let mut row = vec![group.id.clone(), format_number(group.opening_fte)];
            row.extend(solution.stock(group_index).into_iter().map(format_number));
            row
        })
        .collect();
    out.push_str(&text_table(&header, &rows));
    out.push('\n');

    let mut header = vec!["Service (FTE)".to_string(), "measure".to_string()];
    header.extend(model.periods.iter().cloned());
    let mut rows = Vec::new();
    for (service_index, service) in model.services.iter().enumerate() {
        let mut demand = vec![service.id.clone(), "demand".to_string()];
        let mut delivered = vec![String::new(), "delivered".to_string()];
        let mut unmet = vec![String::new(), "unmet".to_string()];
        for period in 0..model.periods.len() {
            demand.push(format_number(service.demand_fte[period]));
            let care = tables::delivered(solution, service_index, period);
            delivered.push(format_number(care));
            unmet.push(format_number(service.demand_fte[period] - care));
        }
        rows.push(demand);
        rows.push(delivered);
        rows.push(unmet);
    }
    if !rows.is_empty() {
        out.push_str(&text_table(&header, &rows));
        out.push('\n');
    }

    let mut header = vec![format!("Cash ({}, nominal)", model.currency)];
    header.extend(model.periods.iter().cloned());
    header.push("total".to_string());
    let mut rows = Vec::new();
    for category in CostCategory::ALL {
        let values: Vec<f64> = (0..model.periods.len())
            .map(|t| solution.cost(category, t))
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
        let header: Vec<String> = ["Binding limit (most valuable first)", "shadow price"]
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
            "shadow price",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows: Vec<Vec<String>> = conditions
            .iter()
            .map(|c| {
                vec![
                    format!("{} {}", c.kind, c.id),
                    c.period.clone(),
                    format_number(c.activity),
                    c.min.map(format_number).unwrap_or_default(),
                    c.max.map(format_number).unwrap_or_default(),
                    format!(
                        "{} {} per {}",
                        format_number(c.shadow_price),
                        model.currency,
                        c.unit
                    ),
                ]
            })
            .collect();
        out.push_str(&text_table(&header, &rows));
    }
    out
}

/// The caps, pool supplies, intake capacities and skill-mix floors that bind,
/// by shadow price (discounted currency per FTE of relaxation), largest first.
pub fn binding_limits(solution: &Solution, count: usize) -> Vec<(String, f64)> {
    use crate::lp::Family;
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
