//! The impact report of `wfplan compare`: report.md, a self-contained
//! report.html, charts (PNG and SVG) and the tables as CSV.

use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;

use super::document::{literal, Document};
use super::scale;
use crate::charts::{self, Chart, Panel, Series};
use crate::compare::{money, narrative, signed, Channel, Impact};
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
    // At most MAX_PANELS panels: the groups whose stock changed most.
    let panels = scale::top_panels(
        panels,
        |p| match p.series.as_slice() {
            [base, policy, ..] => {
                let change: Vec<f64> = policy
                    .values
                    .iter()
                    .zip(&base.values)
                    .map(|(p, b)| p - b)
                    .collect();
                scale::magnitude(&change)
            }
            _ => 0.0,
        },
        scale::MAX_PANELS,
        "groups",
    );
    charts.push((
        "stocks".to_string(),
        charts::small_multiples("Staff in post by group", periods, "FTE", &panels)?,
    ));
    let headline = &periods[impact.headline_period];
    let displacement = scale::top_bars(
        impact
            .services
            .iter()
            .map(|s| (s.name.clone(), s.delivered_change()[impact.headline_period]))
            .collect(),
        scale::MAX_BARS,
        "services",
    );
    charts.push((
        "displacement".to_string(),
        bars(
            &format!("Change in care delivered by service, {headline}"),
            &displacement,
            &format!("FTE of care, {} minus {}", impact.policy, impact.base),
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
    let channel_series = scale::top_series(channel_series, scale::MAX_SERIES, "channels");
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
    if impact.has_regions() {
        charts.extend(regional_charts(impact)?);
    }
    Ok(charts)
}

fn bars(title: &str, bars: &[(String, f64)], axis: &str) -> Result<Chart> {
    let (labels, values): (Vec<String>, Vec<f64>) = bars.iter().cloned().unzip();
    charts::horizontal_bars(title, &labels, axis, &values)
}

/// Most bars for one service in the regional losses chart (the regions that
/// changed most, the rest as "all other regions").
const REGIONS_PER_SERVICE: usize = 3;

/// The regional charts: the target group's gain by region, ranked
/// (`regions_target`), and for the services that lose most, their loss by
/// region, ranked (`regions_services`). Ranked horizontal bars: no legend,
/// at most MAX_BARS bars.
fn regional_charts(impact: &Impact) -> Result<Vec<(String, Chart)>> {
    let mut charts = Vec::new();
    let headline = &impact.periods[impact.headline_period];
    let gains: Vec<(String, f64)> = impact
        .target_by_region()
        .into_iter()
        .map(|(g, change)| (impact.region_name(g.region).to_string(), change))
        .collect();
    // The ranking is kept: the largest gains first, the rest summed last.
    let gains = ranked_bars(gains, scale::MAX_BARS, "regions");
    charts.push((
        "regions_target".to_string(),
        bars(
            &format!(
                "Change in {} in post by region, {headline}",
                impact.groups[impact.target_group].name
            ),
            &gains,
            &format!("FTE, {} minus {}", impact.policy, impact.base),
        )?,
    ));
    // The services that lose somewhere, in order, each with its regions
    // that changed (ranked, the smaller ones summed), while the bars fit.
    let mut losses: Vec<(String, f64)> = Vec::new();
    for (service, regions) in impact.regional_losers() {
        let regions: Vec<(String, f64)> = regions
            .into_iter()
            .filter(|(_, change)| change.abs() > 1e-6)
            .map(|(s, change)| {
                (
                    format!("{}: {}", service.name, impact.region_name(s.region)),
                    change,
                )
            })
            .collect();
        let regions = ranked_bars(
            regions,
            REGIONS_PER_SERVICE,
            &format!("regions ({})", service.name),
        );
        if losses.len() + regions.len() > scale::MAX_BARS {
            break;
        }
        losses.extend(regions);
    }
    if !losses.is_empty() {
        charts.push((
            "regions_services".to_string(),
            bars(
                "Change in care delivered by region, services that lose most",
                &losses,
                &format!(
                    "FTE-years of care over the horizon, {} minus {}",
                    impact.policy, impact.base
                ),
            )?,
        ));
    }
    Ok(charts)
}

/// Bars already ranked: the first `max - 1` kept, the rest summed into one
/// "All other N {what}" bar, last.
fn ranked_bars(bars: Vec<(String, f64)>, max: usize, what: &str) -> Vec<(String, f64)> {
    if bars.len() <= max {
        return bars;
    }
    let keep = max.saturating_sub(1);
    let rest: f64 = bars[keep..].iter().map(|(_, v)| v).sum();
    let count = bars.len() - keep;
    let mut out: Vec<(String, f64)> = bars.into_iter().take(keep).collect();
    out.push((format!("All other {count} {what}"), rest));
    out
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
        if let Some(note) = shown.iter().find_map(|c| c.shadow_price_note) {
            document.paragraph(format!("With whole-number decisions, {note}."));
        }
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
                    let region = c
                        .region
                        .map(|r| format!(" @ {}", impact.regions[r].id))
                        .unwrap_or_default();
                    vec![
                        format!("{}{region}: {}", c.id, c.expression),
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
    if impact.has_regions() && impact.target_region.is_none() {
        document.paragraph(format!(
            "The same channels by region (change to {}, FTE); each region's column sums to its change in stock, and the regions sum to the national column.",
            literal(headline_label)
        ));
        let regional: Vec<(&crate::compare::GroupImpact, &Vec<Channel>)> = impact
            .regional_groups
            .iter()
            .zip(&impact.regional_group_channels)
            .filter(|(g, _)| g.id == impact.target_group_id)
            .collect();
        let mut header = vec!["Channel".to_string()];
        header.extend(
            regional
                .iter()
                .map(|(g, _)| impact.region_name(g.region).to_string()),
        );
        header.push("National".to_string());
        let mut rows: Vec<Vec<String>> = impact
            .channels
            .iter()
            .filter(|c| {
                // A channel may cancel out nationally and move staff between regions.
                c.change_to_headline.abs() > 1e-6
                    || regional.iter().any(|(_, channels)| {
                        channels.iter().any(|r| {
                            r.flow == c.flow
                                && r.channel == c.channel
                                && r.change_to_headline.abs() > 1e-6
                        })
                    })
            })
            .map(|c| {
                let mut row = vec![c.label.clone()];
                for (_, channels) in &regional {
                    let value = channels
                        .iter()
                        .find(|r| r.flow == c.flow && r.channel == c.channel)
                        .map_or(0.0, |r| r.change_to_headline);
                    row.push(signed(value));
                }
                row.push(signed(c.change_to_headline));
                row
            })
            .collect();
        let mut total = vec!["Total: change in stock".to_string()];
        for (_, channels) in &regional {
            total.push(signed(channels.iter().map(|c| c.change_to_headline).sum()));
        }
        total.push(signed(sum));
        rows.push(total);
        document.table(header, rows);
    }

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
    if impact.has_regions() {
        document.heading(
            3,
            format!("Staff in post by group and region (change, {headline_label}, FTE)"),
        );
        document.table(
            region_header(impact, "Group"),
            impact
                .groups
                .iter()
                .map(|g| {
                    let regional = |r: usize| {
                        impact
                            .regional_groups
                            .iter()
                            .find(|x| x.id == g.id && x.region == Some(r))
                            .map(|x| x.change()[headline])
                    };
                    region_row(impact, g.name.clone(), regional, g.change()[headline])
                })
                .collect(),
        );
    }
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
    // With regions, each group's national row, then its regions'.
    let mut pairs = Vec::new();
    for national in impact.groups.iter().zip(&impact.group_channels) {
        pairs.push(national);
        pairs.extend(
            impact
                .regional_groups
                .iter()
                .zip(&impact.regional_group_channels)
                .filter(|(g, _)| g.id == national.0.id),
        );
    }
    for (group, channels) in pairs {
        let change = group.change()[headline];
        if change.abs() < 0.5 && channels.iter().all(|c| c.change_to_headline.abs() < 0.5) {
            continue;
        }
        let parts: Vec<String> = channels
            .iter()
            .filter(|c| c.change_to_headline.abs() >= 0.5)
            .map(|c| format!("{} {}", c.label, signed(c.change_to_headline)))
            .collect();
        let name = match group.region {
            Some(_) => format!("{}, {}", group.name, impact.region_name(group.region)),
            None => group.name.clone(),
        };
        rows.push(vec![name, signed(change), parts.join("; ")]);
    }
    document.table(
        vec![
            "Group".into(),
            format!("Stock change, {headline_label}"),
            "Channels (FTE)".into(),
        ],
        rows,
    );

    let finance_section = if impact.has_regions() {
        regions_section(&mut document, impact);
        5
    } else {
        4
    };
    document.heading(2, format!("{finance_section}. Finance view"));
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
    if impact.has_regions() {
        document.paragraph("In channels.csv, services.csv and groups.csv the `region` column names the region of a row; a row with an empty region is the national total, the sum of the regional rows of that entity and period.");
    }
    document
}

/// Header of a table by region: the first column, each region, "National".
fn region_header(impact: &Impact, first: &str) -> Vec<String> {
    let mut header = vec![first.to_string()];
    header.extend(impact.regions.iter().map(|r| r.name.clone()));
    header.push("National".to_string());
    header
}

/// A row of a table by region: blank where the entity is not in a region.
fn region_row(
    impact: &Impact,
    label: String,
    regional: impl Fn(usize) -> Option<f64>,
    national: f64,
) -> Vec<String> {
    let mut row = vec![label];
    row.extend((0..impact.regions.len()).map(|r| regional(r).map(signed).unwrap_or_default()));
    row.push(signed(national));
    row
}

/// Most services listed one by one in "Which regions lose most".
const SERVICES_LISTED: usize = 12;

/// "Which regions lose most": the target group's gain by region and each
/// service's change in care by region, ranked.
fn regions_section(document: &mut Document, impact: &Impact) {
    let periods = &impact.periods;
    let headline = impact.headline_period;
    let headline_label = &periods[headline];
    let first = &periods[0];
    let last = &periods[periods.len() - 1];
    document.heading(2, "4. Which regions lose most");
    document.paragraph(format!(
        "How the policy's gains and losses fall on each of the model's {} regions. The national figures above are the sums of these.",
        impact.regions.len()
    ));
    let target = &impact.groups[impact.target_group];
    document.heading(
        3,
        format!("{} in post by region, {headline_label}", target.name),
    );
    let mut rows: Vec<Vec<String>> = impact
        .target_by_region()
        .into_iter()
        .map(|(g, change)| {
            vec![
                impact.region_name(g.region).to_string(),
                format_number(g.stock_base[headline]),
                format_number(g.stock_policy[headline]),
                signed(change),
            ]
        })
        .collect();
    rows.push(vec![
        "National".to_string(),
        format_number(target.stock_base[headline]),
        format_number(target.stock_policy[headline]),
        signed(target.change()[headline]),
    ]);
    document.table(
        vec![
            "Region (largest gain first)".into(),
            impact.base.clone(),
            impact.policy.clone(),
            "Change".into(),
        ],
        rows,
    );
    document.chart(
        "regions_target",
        format!(
            "Change in {} in post by region, {headline_label} (FTE), largest gain first.",
            target.name
        ),
    );

    document.heading(3, "Care delivered by service and region");
    let mut ranked: Vec<&crate::compare::ServiceImpact> = impact
        .regional_losers()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    for service in &impact.services {
        if !ranked.iter().any(|s| s.id == service.id) {
            ranked.push(service);
        }
    }
    let changed: Vec<&crate::compare::ServiceImpact> = ranked
        .into_iter()
        .filter(|s| {
            impact
                .service_by_region(&s.id)
                .iter()
                .any(|(_, change)| change.abs() >= 0.05)
        })
        .collect();
    if changed.is_empty() {
        document.paragraph("No service's care changes in any region.");
    } else {
        document.paragraph(format!(
            "For each service whose care changes, the change in care delivered in each region over {}–{} (FTE-years), regions ranked largest loss first:",
            literal(first),
            literal(last)
        ));
        let mut bullets: Vec<String> = changed
            .iter()
            .take(SERVICES_LISTED)
            .map(|service| {
                let regions: Vec<String> = impact
                    .service_by_region(&service.id)
                    .into_iter()
                    .map(|(s, change)| {
                        format!(
                            "{} {}",
                            literal(impact.region_name(s.region)),
                            signed(change)
                        )
                    })
                    .collect();
                format!(
                    "**{}** ({} nationally): {}",
                    literal(&service.name),
                    signed(service.delivered_change().iter().sum()),
                    regions.join("; ")
                )
            })
            .collect();
        if changed.len() > SERVICES_LISTED {
            bullets.push(format!(
                "… and {} more services (see services.csv).",
                changed.len() - SERVICES_LISTED
            ));
        }
        document.bullets(bullets);
    }
    document.table(
        region_header(impact, "Service (FTE-years)"),
        impact
            .services
            .iter()
            .map(|s| {
                let regional = |r: usize| {
                    impact
                        .regional_services
                        .iter()
                        .find(|x| x.id == s.id && x.region == Some(r))
                        .map(|x| x.delivered_change().iter().sum())
                };
                region_row(
                    impact,
                    s.name.clone(),
                    regional,
                    s.delivered_change().iter().sum(),
                )
            })
            .collect(),
    );
    if !impact.regional_losers().is_empty() {
        document.chart(
            "regions_services",
            format!(
                "Change in care delivered over {first}–{last} by region, for the services that lose most (FTE-years), largest loss first."
            ),
        );
    }
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
            "target_group" => match impact.target_region {
                Some(region) => format!("{}@{}", impact.target_group_id, impact.regions[region].id),
                None => impact.target_group_id.clone(),
            },
            "target_group_fte_at_headline" => periods[impact.headline_period].clone(),
            _ => String::new(),
        }).collect::<Vec<_>>(),
    )?;
    tables.push(("headline.csv".to_string(), headline));

    // With regions, a `region` column second: "" for a national total, the
    // region id for one region's rows (national rows first, then regions).
    let with_region = |mut frame: DataFrame, regions: Vec<String>| -> Result<DataFrame> {
        if impact.has_regions() {
            frame.insert_column(1, Column::new("region".into(), regions))?;
        }
        Ok(frame)
    };
    let mut channel_sets: Vec<(Option<usize>, &Vec<crate::compare::Channel>)> =
        vec![(impact.target_region, &impact.channels)];
    if impact.target_region.is_none() {
        channel_sets.extend(
            impact
                .regional_groups
                .iter()
                .zip(&impact.regional_group_channels)
                .filter(|(g, _)| g.id == impact.target_group_id)
                .map(|(g, channels)| (g.region, channels)),
        );
    }
    let (mut label, mut flow, mut channel, mut period, mut change, mut region) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (region_index, channels) in channel_sets {
        for c in channels {
            for (t, value) in c.change_by_period.iter().enumerate() {
                label.push(c.label.clone());
                flow.push(c.flow.clone());
                channel.push(c.channel.clone());
                period.push(periods[t].clone());
                change.push(*value);
                region.push(impact.region_id(region_index).to_string());
            }
        }
    }
    tables.push((
        "channels.csv".to_string(),
        with_region(
            df!("group" => vec![impact.target_group_id.clone(); label.len()], "flow" => flow, "channel" => channel, "label" => label, "period" => period, "change_fte" => change)?,
            region,
        )?,
    ));

    let (mut service, mut period, mut db, mut dp, mut ub, mut up, mut region) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for s in impact.services.iter().chain(&impact.regional_services) {
        for (t, label) in periods.iter().enumerate() {
            region.push(impact.region_id(s.region).to_string());
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
        with_region(
            df!("service" => service, "period" => period, "delivered_base_fte" => db, "delivered_policy_fte" => dp, "delivered_change_fte" => delivered_change, "unmet_base_fte" => ub, "unmet_policy_fte" => up, "unmet_change_fte" => unmet_change)?,
            region,
        )?,
    ));

    let (mut group, mut period, mut sb, mut sp, mut region) =
        (vec![], vec![], vec![], vec![], vec![]);
    for g in impact.groups.iter().chain(&impact.regional_groups) {
        for (t, label) in periods.iter().enumerate() {
            region.push(impact.region_id(g.region).to_string());
            group.push(g.id.clone());
            period.push(label.clone());
            sb.push(g.stock_base[t]);
            sp.push(g.stock_policy[t]);
        }
    }
    let stock_change: Vec<f64> = sp.iter().zip(&sb).map(|(p, b)| p - b).collect();
    tables.push((
        "groups.csv".to_string(),
        with_region(
            df!("group" => group, "period" => period, "stock_base_fte" => sb, "stock_policy_fte" => sp, "stock_change_fte" => stock_change)?,
            region,
        )?,
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
/// targets and limits, and every service's change in care. With regions
/// also `regions`, the target's `region` (null: national),
/// `target_group_fte_by_region` (largest gain first), `services_by_region`
/// (each service's regions, largest loss first) and `largest_regional_loss`.
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
    let mut value = json!({
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
    });
    if impact.has_regions() {
        value["target_group"]["region"] =
            json!(impact.target_region.map(|r| &impact.regions[r].id));
        value["regions"] = json!(impact
            .regions
            .iter()
            .map(|r| json!({ "id": r.id, "name": r.name }))
            .collect::<Vec<_>>());
        value["target_group_fte_by_region"] = json!(impact
            .target_by_region()
            .into_iter()
            .map(|(g, change)| json!({
                "region": impact.region_id(g.region),
                "base": g.stock_base[headline],
                "policy": g.stock_policy[headline],
                "change": change,
            }))
            .collect::<Vec<_>>());
        value["services_by_region"] = json!(impact
            .services
            .iter()
            .map(|s| json!({
                "id": s.id,
                "name": s.name,
                "delivered_change_fte_years": s.delivered_change().iter().sum::<f64>(),
                "regions": impact
                    .service_by_region(&s.id)
                    .into_iter()
                    .map(|(r, change)| json!({
                        "region": impact.region_id(r.region),
                        "delivered_change_fte_years": change,
                        "delivered_change_fte_at_headline": r.delivered_change()[headline],
                        "unmet_change_fte_years": r.unmet_change().iter().sum::<f64>(),
                    }))
                    .collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>());
        value["largest_regional_loss"] = match impact.worst_regional_loss() {
            Some((service, region, change)) => json!({
                "service": service.id,
                "region": impact.region_id(region.region),
                "delivered_change_fte_years": change,
            }),
            None => serde_json::Value::Null,
        };
    }
    value
}
