//! The impact report of `wfplan compare`: report.md, a self-contained
//! report.html, charts (PNG and SVG) and the tables as CSV.

use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;

use super::document::{literal, Document};
use crate::charts::{self, Chart, Panel, Series};
use crate::compare::{money, narrative, signed, Impact};
use crate::solve::format_number;
use crate::tables::to_csv;

/// The charts of an impact report, by file stem.
pub fn impact_charts(impact: &Impact) -> Result<Vec<(String, Chart)>> {
    let periods = &impact.periods;
    let mut charts = Vec::new();
    let panels: Vec<Panel> = impact
        .groups
        .iter()
        .map(|group| Panel {
            title: group.name.clone(),
            series: vec![
                Series {
                    label: impact.base.clone(),
                    values: group.stock_base.clone(),
                },
                Series {
                    label: impact.policy.clone(),
                    values: group.stock_policy.clone(),
                },
            ],
        })
        .collect();
    charts.push((
        "stocks".to_string(),
        charts::small_multiples("Staff in post by group", periods, "FTE", &panels)?,
    ));
    let headline = &periods[impact.headline_period];
    let displacement: Vec<f64> = impact
        .services
        .iter()
        .map(|s| s.delivered_change()[impact.headline_period])
        .collect();
    charts.push((
        "displacement".to_string(),
        charts::horizontal_bars(
            &format!("Change in care delivered by service, {headline}"),
            &impact
                .services
                .iter()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>(),
            &format!("FTE of care, {} minus {}", impact.policy, impact.base),
            &displacement,
        )?,
    ));
    let channel_series: Vec<Series> = impact
        .channels
        .iter()
        .filter(|c| c.change_by_period.iter().any(|v| v.abs() > 1e-6))
        .map(|c| Series {
            label: c.label.clone(),
            values: c.change_by_period.clone(),
        })
        .collect();
    charts.push((
        "channels".to_string(),
        charts::stacked_bars(
            &format!(
                "Change in {} inflows and outflows by channel",
                impact.target_group_name
            ),
            periods,
            "FTE per year",
            &channel_series,
        )?,
    ));
    let cost_series: Vec<Series> = impact
        .costs
        .iter()
        .map(|line| Series {
            label: line.category.label().to_string(),
            values: line
                .policy
                .iter()
                .zip(&line.base)
                .map(|(p, b)| (p - b) / 1e6)
                .collect(),
        })
        .filter(|s| s.values.iter().any(|v| v.abs() > 1e-9))
        .collect();
    let symbol = if impact.currency == "GBP" {
        "£".to_string()
    } else {
        format!("{} ", impact.currency)
    };
    charts.push((
        "cost_change".to_string(),
        charts::stacked_bars(
            "Change in cash cost by year and category",
            periods,
            &format!("{symbol}million per year (nominal)"),
            &cost_series,
        )?,
    ));
    let (base_cash, policy_cash) = impact.cash_by_period();
    charts.push((
        "cost_by_year".to_string(),
        // Lines, not bars: totals of similar size differ by a few per cent,
        // which bars drawn from zero would hide.
        charts::line_chart(
            "Cash cost by year",
            periods,
            &format!("{symbol}million (nominal)"),
            &[
                Series {
                    label: impact.base.clone(),
                    values: base_cash.iter().map(|v| v / 1e6).collect(),
                },
                Series {
                    label: impact.policy.clone(),
                    values: policy_cash.iter().map(|v| v / 1e6).collect(),
                },
            ],
        )?,
    ));
    Ok(charts)
}

fn number_row(label: String, values: &[f64], format: impl Fn(f64) -> String) -> Vec<String> {
    let mut row = vec![label];
    row.extend(values.iter().map(|v| format(*v)));
    row
}

/// The report as a document (shared by Markdown and HTML).
pub fn impact_document(impact: &Impact) -> Document {
    let periods = &impact.periods;
    let headline = impact.headline_period;
    let headline_label = &periods[headline];
    let currency = &impact.currency;
    let mut document = Document::new(format!(
        "{}: impact of '{}' against '{}'",
        impact.model_name, impact.policy, impact.base
    ));
    document.paragraph(format!(
        "Two optimal plans of the same model, solved by wfplan: **{}** (the policy) and **{}** (the base). Every number below is policy minus base unless labelled. FTE are full-time equivalents at the end of each year; cash is nominal unless marked discounted. Penalties (a valuation of unmet care) and terminal values (what staff in post at the end are worth) are not cash and are shown apart.",
        literal(&impact.policy),
        literal(&impact.base)
    ));

    let describe = |name: &str, description: &Option<String>, role: &str| match description {
        Some(text) => format!("**{}** ({role}): {}", literal(name), literal(text)),
        None if name == "base" => format!("**{name}** ({role}): the model as written."),
        None => format!("**{}** ({role}).", literal(name)),
    };
    document.bullets(vec![
        describe(&impact.policy, &impact.policy_description, "the policy"),
        describe(&impact.base, &impact.base_description, "the base"),
    ]);
    document.heading(2, "Summary");
    document.bullets(narrative(impact).iter().map(|line| literal(line)).collect());

    document.heading(2, "1. Headline");
    let gained = impact.target_change_at_headline();
    let cash_change = impact.cash_change_nominal();
    let unmet_total: f64 = impact.unmet_change_by_period().iter().sum();
    let mut rows = vec![
        vec![
            format!(
                "{} in post, {headline_label} (FTE)",
                impact.target_group_name
            ),
            format_number(impact.target().stock_base[headline]),
            format_number(impact.target().stock_policy[headline]),
            signed(gained),
        ],
        vec![
            "Cash cost over the horizon (nominal)".to_string(),
            money(impact.cash_by_period().0.iter().sum(), currency),
            money(impact.cash_by_period().1.iter().sum(), currency),
            money(cash_change, currency),
        ],
        vec![
            "Cash cost over the horizon (discounted)".to_string(),
            money(impact.cash_base, currency),
            money(impact.cash_policy, currency),
            money(impact.cash_policy - impact.cash_base, currency),
        ],
        vec![
            "Unmet demand, all services (FTE-years)".to_string(),
            format_number(
                impact
                    .services
                    .iter()
                    .map(|s| s.unmet_base.iter().sum::<f64>())
                    .sum(),
            ),
            format_number(
                impact
                    .services
                    .iter()
                    .map(|s| s.unmet_policy.iter().sum::<f64>())
                    .sum(),
            ),
            signed(unmet_total),
        ],
        vec![
            "Penalty: valuation of unmet care (discounted, not cash)".to_string(),
            money(impact.penalty_base, currency),
            money(impact.penalty_policy, currency),
            money(impact.penalty_policy - impact.penalty_base, currency),
        ],
    ];
    if impact.terminal_value_base != 0.0 || impact.terminal_value_policy != 0.0 {
        rows.push(vec![
            "Terminal value: staff in post at the end (discounted, not cash)".to_string(),
            money(impact.terminal_value_base, currency),
            money(impact.terminal_value_policy, currency),
            money(
                impact.terminal_value_policy - impact.terminal_value_base,
                currency,
            ),
        ]);
    }
    if gained.abs() > 1e-6 {
        rows.push(vec![
            format!("Cost per extra FTE in post in {headline_label}"),
            String::new(),
            String::new(),
            money(cash_change / gained, currency),
        ]);
        let years = impact.target_fte_years();
        if years.abs() > 1e-6 {
            rows.push(vec![
                "Cost per extra FTE-year over the horizon".to_string(),
                String::new(),
                String::new(),
                money(cash_change / years, currency),
            ]);
        }
    }
    document.table(
        vec![
            "Measure".into(),
            impact.base.clone(),
            impact.policy.clone(),
            "Change".into(),
        ],
        rows,
    );
    let shown: Vec<&crate::solution::ConditionResult> = impact
        .conditions
        .iter()
        .filter(|c| c.kind == "target" || c.shadow_price.abs() > 1e-6)
        .collect();
    if !shown.is_empty() {
        document.paragraph("Targets of the policy, and its limits where they bind, with their shadow prices (the discounted cost of tightening each by one more unit — for a staffing target, the marginal cost of the last FTE):");
        document.table(
            vec![
                "Target / limit".into(),
                "Period".into(),
                "Value".into(),
                "Min".into(),
                "Max".into(),
                "Shadow price".into(),
            ],
            shown
                .iter()
                .map(|c| {
                    vec![
                        format!("{}: {}", c.id, c.expression),
                        c.period.clone(),
                        format_number(c.activity),
                        c.min.map(format_number).unwrap_or_default(),
                        c.max.map(format_number).unwrap_or_default(),
                        format!("{} per {}", money(c.shadow_price, currency), c.unit),
                    ]
                })
                .collect(),
        );
    }
    let mut header = vec!["Per year".to_string()];
    header.extend(periods.iter().cloned());
    let (base_cash, policy_cash) = impact.cash_by_period();
    let change: Vec<f64> = policy_cash
        .iter()
        .zip(&base_cash)
        .map(|(p, b)| p - b)
        .collect();
    document.table(
        header.clone(),
        vec![
            number_row(
                format!("{} change (FTE)", impact.target_group_name),
                &impact.target_change(),
                signed,
            ),
            number_row("Cash change (nominal)".to_string(), &change, |v| {
                money(v, currency)
            }),
            number_row(
                "Unmet demand change (FTE)".to_string(),
                &impact.unmet_change_by_period(),
                signed,
            ),
        ],
    );
    document.chart(
        "cost_by_year",
        "Cash cost by year, base and policy (nominal, £ million).",
    );

    document.heading(
        2,
        format!("2. Where the extra {} came from", impact.target_group_name),
    );
    let stock_change = gained;
    document.paragraph(format!(
        "The change in {}'s stock in {} ({} FTE) decomposed by channel: each line is the change in that flow summed over {}–{}. Positive lines add staff, negative lines remove them; the lines sum exactly to the stock change.",
        literal(&impact.target_group_name),
        literal(headline_label),
        signed(stock_change),
        literal(&periods[0]),
        literal(headline_label)
    ));
    let mut rows: Vec<Vec<String>> = impact
        .channels
        .iter()
        .filter(|c| c.change_to_headline.abs() > 1e-6)
        .map(|c| vec![c.label.clone(), signed(c.change_to_headline)])
        .collect();
    let sum: f64 = impact.channels.iter().map(|c| c.change_to_headline).sum();
    rows.push(vec!["Total: change in stock".to_string(), signed(sum)]);
    document.table(
        vec![
            "Channel".into(),
            format!("Change to {headline_label} (FTE)"),
        ],
        rows,
    );
    document.table(
        header.clone(),
        impact
            .channels
            .iter()
            .filter(|c| c.change_by_period.iter().any(|v| v.abs() > 1e-6))
            .map(|c| number_row(c.label.clone(), &c.change_by_period, signed))
            .collect(),
    );
    document.chart(
        "channels",
        "Change in the target group's flows by channel and year (FTE).",
    );

    document.heading(2, "3. Who lost");
    let losers = impact.losers();
    if losers.is_empty() {
        document.paragraph("No service delivers less care under the policy than under the base.");
    } else {
        document.paragraph(format!(
            "Services that deliver less care under the policy, largest loss first: {}.",
            losers
                .iter()
                .map(|(s, change)| {
                    format!("**{}** ({} FTE-years)", literal(&s.name), signed(*change))
                })
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    document.chart(
        "displacement",
        format!("Change in care delivered by service in {headline_label} (FTE)."),
    );
    document.heading(3, "Care delivered by service (change, FTE)");
    document.table(
        header.clone(),
        impact
            .services
            .iter()
            .map(|s| number_row(s.name.clone(), &s.delivered_change(), signed))
            .collect(),
    );
    document.heading(3, "Unmet demand by service (change, FTE)");
    document.table(
        header.clone(),
        impact
            .services
            .iter()
            .map(|s| number_row(s.name.clone(), &s.unmet_change(), signed))
            .collect(),
    );
    document.heading(3, "Staff in post by group (change, FTE)");
    document.table(
        header.clone(),
        impact
            .groups
            .iter()
            .map(|g| number_row(g.name.clone(), &g.change(), signed))
            .collect(),
    );
    document.chart("stocks", "Staff in post by group, base and policy (FTE).");
    document.heading(
        3,
        format!("How each group's staff changed, to {headline_label}"),
    );
    document.paragraph(format!(
        "For every group whose staff in post or whose flows changed, the channels of that change summed over {}–{} (policy minus base, FTE); each group's channels sum to its stock change.",
        literal(&periods[0]),
        literal(headline_label)
    ));
    let mut rows = Vec::new();
    for (group, channels) in impact.groups.iter().zip(&impact.group_channels) {
        let change = group.change()[headline];
        if change.abs() < 0.5 && channels.iter().all(|c| c.change_to_headline.abs() < 0.5) {
            continue;
        }
        let parts: Vec<String> = channels
            .iter()
            .filter(|c| c.change_to_headline.abs() >= 0.5)
            .map(|c| format!("{} {}", c.label, signed(c.change_to_headline)))
            .collect();
        rows.push(vec![group.name.clone(), signed(change), parts.join("; ")]);
    }
    document.table(
        vec![
            "Group".into(),
            format!("Stock change, {headline_label}"),
            "Channels (FTE)".into(),
        ],
        rows,
    );

    document.heading(2, "4. Finance view");
    document.paragraph(format!(
        "Cash cost by category and year, nominal ({}).",
        literal(currency)
    ));
    let mut finance_rows = Vec::new();
    for line in &impact.costs {
        if line.base.iter().chain(&line.policy).all(|v| v.abs() < 1e-6) {
            continue;
        }
        finance_rows.push(number_row(
            format!("{} — {}", line.category.label(), impact.base),
            &line.base,
            |v| money(v, currency),
        ));
        finance_rows.push(number_row(
            format!("{} — {}", line.category.label(), impact.policy),
            &line.policy,
            |v| money(v, currency),
        ));
        let change: Vec<f64> = line
            .policy
            .iter()
            .zip(&line.base)
            .map(|(p, b)| p - b)
            .collect();
        finance_rows.push(number_row(
            format!("{} — change", line.category.label()),
            &change,
            |v| money(v, currency),
        ));
    }
    finance_rows.push(number_row(
        format!("Total — {}", impact.base),
        &base_cash,
        |v| money(v, currency),
    ));
    finance_rows.push(number_row(
        format!("Total — {}", impact.policy),
        &policy_cash,
        |v| money(v, currency),
    ));
    finance_rows.push(number_row("Total — change".to_string(), &change, |v| {
        money(v, currency)
    }));
    document.table(header, finance_rows);
    document.chart(
        "cost_change",
        "Change in cash cost by category and year (nominal, £ million).",
    );

    document.heading(2, "How to read this report");
    document.paragraph(format!(
        "Both plans are optimal for their scenario: wfplan minimises discounted cash cost plus penalties. The tables behind every number are in this folder as CSV (headline.csv, channels.csv, services.csv, groups.csv, finance.csv), and each scenario's own plan is in {}/ and {}/ (stocks.csv, flows.csv, deployment.csv, costs.csv, constraints.csv).",
        literal(&impact.base),
        literal(&impact.policy)
    ));
    document
}

/// Tables of the impact report.
pub fn impact_tables(impact: &Impact) -> Result<Vec<(String, DataFrame)>> {
    let periods = &impact.periods;
    let mut tables = Vec::new();
    let (base_cash, policy_cash) = impact.cash_by_period();
    let gained = impact.target_change_at_headline();
    let cash_change = impact.cash_change_nominal();
    let shadow = impact
        .conditions
        .iter()
        .map(|c| c.shadow_price)
        .fold(0.0, f64::max);
    let measures = [
        ("target_group", f64::NAN, f64::NAN, f64::NAN),
        (
            "target_group_fte_at_headline",
            impact.target().stock_base[impact.headline_period],
            impact.target().stock_policy[impact.headline_period],
            gained,
        ),
        (
            "cash_nominal_total",
            base_cash.iter().sum(),
            policy_cash.iter().sum(),
            cash_change,
        ),
        (
            "cash_discounted_total",
            impact.cash_base,
            impact.cash_policy,
            impact.cash_policy - impact.cash_base,
        ),
        (
            "penalty_discounted_total",
            impact.penalty_base,
            impact.penalty_policy,
            impact.penalty_policy - impact.penalty_base,
        ),
        (
            "unmet_fte_years_total",
            impact
                .services
                .iter()
                .map(|s| s.unmet_base.iter().sum::<f64>())
                .sum(),
            impact
                .services
                .iter()
                .map(|s| s.unmet_policy.iter().sum::<f64>())
                .sum(),
            impact.unmet_change_by_period().iter().sum(),
        ),
        (
            "cost_per_extra_fte_at_headline",
            f64::NAN,
            f64::NAN,
            if gained.abs() > 1e-6 {
                cash_change / gained
            } else {
                f64::NAN
            },
        ),
        ("target_shadow_price_max", f64::NAN, f64::NAN, shadow),
    ];
    let headline = df!(
        "measure" => measures.iter().map(|m| m.0.to_string()).collect::<Vec<_>>(),
        "base" => measures.iter().map(|m| m.1.is_finite().then_some(m.1)).collect::<Vec<_>>(),
        "policy" => measures.iter().map(|m| m.2.is_finite().then_some(m.2)).collect::<Vec<_>>(),
        "change" => measures.iter().map(|m| m.3.is_finite().then_some(m.3)).collect::<Vec<_>>(),
        "note" => measures.iter().map(|m| match m.0 {
            "target_group" => impact.target_group_id.clone(),
            "target_group_fte_at_headline" => periods[impact.headline_period].clone(),
            _ => String::new(),
        }).collect::<Vec<_>>(),
    )?;
    tables.push(("headline.csv".to_string(), headline));

    let (mut label, mut flow, mut channel, mut period, mut change) =
        (vec![], vec![], vec![], vec![], vec![]);
    for c in &impact.channels {
        for (t, value) in c.change_by_period.iter().enumerate() {
            label.push(c.label.clone());
            flow.push(c.flow.clone());
            channel.push(c.channel.clone());
            period.push(periods[t].clone());
            change.push(*value);
        }
    }
    tables.push((
        "channels.csv".to_string(),
        df!("group" => vec![impact.target_group_id.clone(); label.len()], "flow" => flow, "channel" => channel, "label" => label, "period" => period, "change_fte" => change)?,
    ));

    let (mut service, mut period, mut db, mut dp, mut ub, mut up) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for s in &impact.services {
        for (t, label) in periods.iter().enumerate() {
            service.push(s.id.clone());
            period.push(label.clone());
            db.push(s.delivered_base[t]);
            dp.push(s.delivered_policy[t]);
            ub.push(s.unmet_base[t]);
            up.push(s.unmet_policy[t]);
        }
    }
    let delivered_change: Vec<f64> = dp.iter().zip(&db).map(|(p, b)| p - b).collect();
    let unmet_change: Vec<f64> = up.iter().zip(&ub).map(|(p, b)| p - b).collect();
    tables.push((
        "services.csv".to_string(),
        df!("service" => service, "period" => period, "delivered_base_fte" => db, "delivered_policy_fte" => dp, "delivered_change_fte" => delivered_change, "unmet_base_fte" => ub, "unmet_policy_fte" => up, "unmet_change_fte" => unmet_change)?,
    ));

    let (mut group, mut period, mut sb, mut sp) = (vec![], vec![], vec![], vec![]);
    for g in &impact.groups {
        for (t, label) in periods.iter().enumerate() {
            group.push(g.id.clone());
            period.push(label.clone());
            sb.push(g.stock_base[t]);
            sp.push(g.stock_policy[t]);
        }
    }
    let stock_change: Vec<f64> = sp.iter().zip(&sb).map(|(p, b)| p - b).collect();
    tables.push((
        "groups.csv".to_string(),
        df!("group" => group, "period" => period, "stock_base_fte" => sb, "stock_policy_fte" => sp, "stock_change_fte" => stock_change)?,
    ));

    let (mut category, mut period, mut cb, mut cp) = (vec![], vec![], vec![], vec![]);
    for line in &impact.costs {
        for (t, label) in periods.iter().enumerate() {
            category.push(line.category.as_str().to_string());
            period.push(label.clone());
            cb.push(line.base[t]);
            cp.push(line.policy[t]);
        }
    }
    let cost_change: Vec<f64> = cp.iter().zip(&cb).map(|(p, b)| p - b).collect();
    tables.push((
        "finance.csv".to_string(),
        df!("category" => category, "period" => period, "base_nominal" => cb, "policy_nominal" => cp, "change_nominal" => cost_change)?,
    ));
    Ok(tables)
}

/// Writes report.md, report.html, charts/ and the CSV tables as the output
/// folder `out_dir` (one unit, see `report::unit`). `inputs` are the files
/// the model was read from, never overwritten.
pub fn write_impact_report(
    out_dir: &Path,
    impact: &Impact,
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let folder = super::OutputFolder::claim(out_dir, inputs)?;
    let record = super::RunRecord {
        command: "impact report".to_string(),
        model: impact.model_name.clone(),
        scenarios: vec![
            ("base".to_string(), Some(impact.base.clone())),
            ("policy".to_string(), Some(impact.policy.clone())),
        ],
        sets: Vec::new(),
        options: Vec::new(),
        inputs: inputs.to_vec(),
    };
    folder.write(&impact_files(Path::new(""), impact)?, &record)
}

/// The files of the impact report, in memory, under `out_dir` (relative to
/// the output folder; empty for its top).
pub fn impact_files(out_dir: &Path, impact: &Impact) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let charts = impact_charts(impact)?;
    for (stem, chart) in &charts {
        files.push((
            out_dir.join("charts").join(format!("{stem}.png")),
            chart.png.clone(),
        ));
        files.push((
            out_dir.join("charts").join(format!("{stem}.svg")),
            chart.svg.clone().into_bytes(),
        ));
    }
    for (name, mut frame) in impact_tables(impact)? {
        files.push((out_dir.join(name), to_csv(&mut frame)?));
    }
    let document = impact_document(impact);
    files.push((
        out_dir.join("report.md"),
        document.to_markdown().into_bytes(),
    ));
    let html = document.to_html(|stem| {
        charts
            .iter()
            .find(|(s, _)| s == stem)
            .map(|(_, c)| c.clone())
    });
    files.push((out_dir.join("report.html"), html.into_bytes()));
    Ok(files)
}

/// The headline figures as one JSON document (`wfplan compare --json`):
/// the same numbers as headline.csv, the shadow prices of the policy's new
/// targets and limits, and every service's change in care.
pub fn headline_value(impact: &Impact) -> serde_json::Value {
    use serde_json::json;
    let finite = |value: f64| value.is_finite().then_some(value);
    let headline = impact.headline_period;
    let group = impact.target();
    let gained = impact.target_change_at_headline();
    let years = impact.target_fte_years();
    let (base_cash, policy_cash) = impact.cash_by_period();
    let cash_change = impact.cash_change_nominal();
    let shadow_prices: Vec<_> = impact
        .conditions
        .iter()
        .map(|c| {
            json!({
                "kind": c.kind,
                "id": c.id,
                "period": c.period,
                "activity": c.activity,
                "min": c.min,
                "max": c.max,
                "shadow_price": c.shadow_price,
                "unit": c.unit,
            })
        })
        .collect();
    let services: Vec<_> = impact
        .services
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "name": s.name,
                "delivered_change_fte_years": s.delivered_change().iter().sum::<f64>(),
                "delivered_change_fte_at_headline": s.delivered_change()[headline],
                "unmet_change_fte_years": s.unmet_change().iter().sum::<f64>(),
            })
        })
        .collect();
    let service_losses: Vec<_> = impact
        .losers()
        .into_iter()
        .map(|(s, change)| json!({ "id": s.id, "name": s.name, "delivered_change_fte_years": change }))
        .collect();
    json!({
        "model": impact.model_name,
        "currency": impact.currency,
        "base": impact.base,
        "policy": impact.policy,
        "target_group": { "id": group.id, "name": group.name },
        "headline_period": impact.periods[headline],
        "target_group_fte": {
            "base": group.stock_base[headline],
            "policy": group.stock_policy[headline],
            "change": gained,
        },
        "target_group_fte_years_change": years,
        "cash_nominal": {
            "base": base_cash.iter().sum::<f64>(),
            "policy": policy_cash.iter().sum::<f64>(),
            "change": cash_change,
        },
        "cash_discounted": {
            "base": impact.cash_base,
            "policy": impact.cash_policy,
            "change": impact.cash_policy - impact.cash_base,
        },
        "penalty_discounted": {
            "base": impact.penalty_base,
            "policy": impact.penalty_policy,
            "change": impact.penalty_policy - impact.penalty_base,
        },
        "cost_per_extra_fte_at_headline": finite(if gained.abs() > 1e-6 { cash_change / gained } else { f64::NAN }),
        "cost_per_extra_fte_year": finite(if years.abs() > 1e-6 { cash_change / years } else { f64::NAN }),
        "shadow_prices": shadow_prices,
        "service_losses": service_losses,
        "services": services,
        "unmet_change_fte_years": impact.unmet_change_by_period().iter().sum::<f64>(),
    })
}
