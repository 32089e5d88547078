//! report.md and report.html of one solved scenario (`wfplan solve --out`):
//! what the plan costs, staff in post by group, care delivered and unmet by
//! service (each in its unit of care), cash by category, and the targets
//! and limits with their shadow prices in their own units, with the plan's
//! charts. The years the end of the horizon distorts are marked.

use super::document::{literal, Document};
use wfplan_engine::solution::Solution;
use wfplan_engine::tables;
use wfplan_model::model::CostCategory;
use wfplan_text::number::format_number;
use wfplan_text::number::{money, per_unit, price};

/// The last L periods, L the longest course the end of the horizon cuts
/// short (`compare::end_lead`): their first index.
fn end_from(solution: &Solution) -> usize {
    let lead = wfplan_analysis::compare::end_lead(&[solution]);
    solution.model.periods.len().saturating_sub(lead)
}

/// The plan as a document.
pub fn plan_document(solution: &Solution) -> Document {
    let model = &solution.model;
    let periods = &model.periods;
    let currency = &model.currency;
    let scenario = model.scenario.as_deref().unwrap_or("base");
    let end = end_from(solution);
    let mut document = Document::new(format!("{}: plan of '{}'", model.name, scenario));
    document.paragraph(format!(
        "The optimal plan of **{}**{}, solved by wfplan. FTE are full-time equivalents at the end of each year; care is counted in each service's unit of care; cash is in outturn prices unless marked real (price base) or discounted (present value).",
        literal(scenario),
        model
            .scenario_description
            .as_ref()
            .map(|d| format!(" ({})", literal(d)))
            .unwrap_or_default()
    ));
    let mut header = vec!["Per year".to_string()];
    header.extend(periods.iter().enumerate().map(|(t, label)| {
        if t >= end {
            format!("{label} (end)")
        } else {
            label.clone()
        }
    }));
    document.heading(2, "Summary");
    let mut bullets = vec![
        format!(
            "Cash over {}: {} (outturn prices), {} discounted.",
            literal(&wfplan_text::number::span(periods, 0, periods.len() - 1)),
            money(
                (0..periods.len())
                    .map(|t| CostCategory::ALL
                        .iter()
                        .map(|c| solution.cash_cost(*c, t))
                        .sum::<f64>())
                    .sum(),
                currency
            ),
            money(solution.cash, currency)
        ),
        format!(
            "Penalty (a valuation of unmet care and soft targets, not cash): {} discounted.",
            money(solution.penalty, currency)
        ),
    ];
    if solution.terminal_value != 0.0 {
        bullets.push(format!(
            "Terminal value of the staff in post at the end (credited, not cash): {} discounted.",
            money(solution.terminal_value, currency)
        ));
    }
    if end < periods.len() {
        bullets.push(format!(
            "{} {} the end of the horizon distorts (marked \"end\"): the longest course it cuts short (one not kept full to the end) takes {} period(s), so no such course started there finishes inside the horizon.",
            literal(&wfplan_text::number::span(periods, end, periods.len() - 1)),
            if end + 1 == periods.len() {
                "is the year"
            } else {
                "are the years"
            },
            periods.len() - end
        ));
    }
    document.bullets(bullets);

    document.heading(2, "Staff in post by group (FTE)");
    let mut ids: Vec<&str> = Vec::new();
    for group in &model.groups {
        if !ids.contains(&group.id.as_str()) {
            ids.push(&group.id);
        }
    }
    document.table(
        header.clone(),
        ids.iter()
            .map(|id| {
                let mut total = vec![0.0; periods.len()];
                let mut name = String::new();
                for (g, group) in model.groups.iter().enumerate() {
                    if group.id == *id {
                        name = group.name.clone();
                        for (t, v) in solution.stock(g).iter().enumerate() {
                            total[t] += v;
                        }
                    }
                }
                let mut row = vec![name];
                row.extend(total.into_iter().map(format_number));
                row
            })
            .collect(),
    );
    let (_, by_family) = wfplan_model::group_sets::group_sets(model, super::scale::MAX_PANELS);
    document.chart(
        "stocks",
        format!(
            "{} (FTE), each panel on its own scale from zero.",
            super::plan::stock_chart_title(by_family)
        ),
    );
    super::ages::plan_section(&mut document, solution, &header);

    document.heading(2, "Care by service (each in its unit of care)");
    let mut rows = Vec::new();
    let mut service_ids: Vec<&str> = Vec::new();
    for service in &model.services {
        if !service_ids.contains(&service.id.as_str()) {
            service_ids.push(&service.id);
        }
    }
    for id in service_ids {
        let mut demand = vec![0.0; periods.len()];
        let mut delivered = vec![0.0; periods.len()];
        let mut name = String::new();
        let mut unit = String::new();
        for (s, service) in model.services.iter().enumerate() {
            if service.id == id {
                name = service.name.clone();
                unit = service.care_unit.clone();
                for t in 0..periods.len() {
                    demand[t] += service.demand_fte[t];
                    delivered[t] += tables::delivered(solution, s, t);
                }
            }
        }
        let unmet: Vec<f64> = demand.iter().zip(&delivered).map(|(d, v)| d - v).collect();
        for (measure, values) in [
            ("demand", demand),
            ("delivered", delivered),
            ("unmet", unmet),
        ] {
            let mut row = vec![format!("{name}: {measure} ({unit})")];
            row.extend(values.into_iter().map(format_number));
            rows.push(row);
        }
    }
    document.table(header.clone(), rows);
    document.chart(
        "deployment",
        "Care demanded and delivered by service, each panel in its service's unit of care on its own scale from zero; the gap between the lines is the unmet demand.",
    );

    document.heading(2, "Cash by category (outturn prices)");
    let rows: Vec<Vec<String>> = CostCategory::ALL
        .iter()
        .filter_map(|category| {
            let values: Vec<f64> = (0..periods.len())
                .map(|t| solution.cash_cost(*category, t))
                .collect();
            values.iter().any(|v| v.abs() > 1e-6).then(|| {
                let mut row = vec![category.label().to_string()];
                row.extend(values.into_iter().map(|v| money(v, currency)));
                row
            })
        })
        .collect();
    document.table(header, rows);
    document.chart(
        "costs",
        format!(
            "Cash by category and year ({}, outturn prices).",
            wfplan_text::number::millions(currency)
        ),
    );

    let conditions: Vec<wfplan_engine::solution::ConditionResult> = solution
        .conditions()
        .into_iter()
        .filter(|c| c.kind == "target" || c.shadow_price.abs() > 1e-6)
        .collect();
    if !conditions.is_empty() {
        document.heading(2, "Targets, and limits where they bind");
        document.paragraph("Each with its shadow price in its own unit: the discounted cost of tightening it by one unit (for a floor, one more unit required; for a ceiling, one unit less allowed).");
        document.table(
            vec![
                "Target / limit".into(),
                "Period".into(),
                "Value".into(),
                "Min".into(),
                "Max".into(),
                "Shadow price".into(),
            ],
            conditions
                .iter()
                .map(|c| {
                    let amount = |v: f64| {
                        if c.unit == *currency {
                            money(v, currency)
                        } else {
                            format!("{} {}", format_number(v), c.unit)
                        }
                    };
                    vec![
                        format!("{}: {}", c.id, c.expression),
                        c.period.clone(),
                        amount(c.activity),
                        c.min.map(amount).unwrap_or_default(),
                        c.max.map(amount).unwrap_or_default(),
                        format!(
                            "{} {}",
                            price(c.shadow_price, currency),
                            per_unit(&c.unit, currency)
                        ),
                    ]
                })
                .collect(),
        );
    }
    if !model.history.is_empty() {
        document.heading(2, "The plan against what was published");
        document.paragraph("Each figure the model's sources cite for comparison (its `history` file) beside the plan's value of the same quantity in the same year, with its grade (S official, M reported, E estimate) and source.");
        document.table(
            vec![
                "Quantity".into(),
                "Model year".into(),
                "Published".into(),
                "Published figure".into(),
                "Plan".into(),
                "Plan minus published".into(),
                "Grade".into(),
                "Source".into(),
                "Note".into(),
            ],
            model
                .history
                .iter()
                .map(|o| {
                    let plan = solution
                        .value(&o.row.expr)
                        .map(|v| v[o.period])
                        .unwrap_or(f64::NAN);
                    vec![
                        o.row.expr.clone(),
                        periods[o.period].clone(),
                        o.row.published.clone(),
                        format_number(o.row.value),
                        format_number(plan),
                        wfplan_text::number::signed(plan - o.row.value),
                        o.row.grade.clone(),
                        o.row.source.clone(),
                        o.row.note.clone(),
                    ]
                })
                .collect(),
        );
    }
    document.heading(2, "How to read this report");
    document.paragraph(format!(
        "The tables behind it are in this folder: stocks.csv, flows.csv (every flow into and out of each group, by channel), deployment.csv, costs.csv, constraints.csv{} and duals.csv.",
        if model.groups.iter().any(|g| g.age.is_some()) { ", ages.csv (every age band and year)" } else { "" }
    ));
    document
}
