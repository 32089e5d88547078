//! One report for several policies against the same base (`wfplan compare
//! --base S --policy A --policy B ...`): each policy's headline, who lost
//! under each and the cost under each, side by side, one column per
//! policy; each pair's full impact report is in its own folder beside it.

use anyhow::Result;
use polars::prelude::*;

use super::document::{literal, Document};
use wfplan_analysis::compare::{cost_per_extra_fte, narrative, Impact};
use wfplan_text::number::{format_number, money, signed, span};

/// The side-by-side document: `impacts` share one base.
pub fn side_by_side_document(impacts: &[Impact], folders: &[String]) -> Document {
    let first = &impacts[0];
    let periods = &first.periods;
    let last = periods.len() - 1;
    let currency = &first.currency;
    let names: Vec<String> = impacts.iter().map(|i| i.policy.clone()).collect();
    let mut document = Document::new(format!(
        "{}: {} policies against '{}'",
        first.model_name,
        impacts.len(),
        first.base
    ));
    document.paragraph(format!(
        "Each policy's optimal plan against the same base plan, **{}**, side by side: one column per policy, every number policy minus base. Each policy's full impact report (where its staff came from, every group's channels, near-optimal ranges, the finance view) is in its own folder: {}. Each scenario's own plan is in the folder of its name.",
        literal(&first.base),
        folders
            .iter()
            .map(|f| format!("`{}/report.html`", literal(f)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    document.bullets(
        impacts
            .iter()
            .map(|i| {
                format!(
                    "**{}**: {}",
                    literal(&i.policy),
                    literal(
                        i.policy_description
                            .as_deref()
                            .unwrap_or("(no description)")
                    )
                )
            })
            .collect(),
    );

    let mut header = vec!["Measure".to_string()];
    header.extend(names.iter().cloned());
    document.heading(2, "1. Headline");
    let row = |label: &str, cell: &dyn Fn(&Impact) -> String| -> Vec<String> {
        let mut row = vec![label.to_string()];
        row.extend(impacts.iter().map(cell));
        row
    };
    let rows = vec![
        row("What it changes (main change)", &|i| {
            i.primary_change().map_or("nothing".to_string(), |c| {
                c.describe(&i.periods, &i.currency)
            })
        }),
        row("Settings that differ", &|i| i.changes.len().to_string()),
        row("Group the report follows", &|i| {
            i.target_group_name
                .clone()
                .unwrap_or_else(|| "none (no one group)".to_string())
        }),
        row("Headline year", &|i| i.periods[i.headline_period].clone()),
        row("Its change at the headline year (FTE)", &|i| {
            i.target()
                .map_or(String::new(), |g| signed(g.change()[i.headline_period]))
        }),
        row(
            &format!("Cash over {} (outturn prices)", span(periods, 0, last)),
            &|i| money(i.cash_change(), currency),
        ),
        row("Cash over the horizon (discounted)", &|i| {
            money(i.cash_policy - i.cash_base, currency)
        }),
        row("Penalty: valuation of unmet care (discounted)", &|i| {
            money(i.penalty_policy - i.penalty_base, currency)
        }),
        row("Cost per extra FTE at the headline year", &|i| {
            cost_per_extra_fte(i).map_or(String::new(), |(per, _)| money(per, currency))
        }),
        row("Years of anticipation", &|i| {
            wfplan_text::number::period_list(&i.periods, &i.anticipation_periods())
        }),
    ];
    document.table(header.clone(), rows);

    document.heading(2, "2. Who lost under each");
    document.paragraph(format!(
        "Change in care delivered by service over the whole horizon {}, in each service's unit of care (per year), policy minus base; the years {} are ones the end of the horizon distorts.",
        literal(&span(periods, 0, last)),
        literal(&span(periods, first.horizon.end_from.min(last), last))
    ));
    let mut care_header = vec!["Service (unit of care)".to_string()];
    care_header.extend(names.iter().cloned());
    document.table(
        care_header,
        first
            .services
            .iter()
            .enumerate()
            .map(|(s, service)| {
                let mut row = vec![format!("{} ({}-years)", service.name, service.care_unit)];
                row.extend(
                    impacts
                        .iter()
                        .map(|i| signed(i.services[s].delivered_change().iter().sum())),
                );
                row
            })
            .collect(),
    );
    // By family with more than 12 group ids and families declared: the
    // families that change most summed over the policies, then "All other".
    let rows = super::impact::top_rows(first, |row| {
        impacts
            .iter()
            .map(|i| row.change(i)[i.headline_period].abs())
            .sum()
    });
    let by = if first.by_family { "Family" } else { "Group" };
    let mut group_header = vec![format!("{by} (FTE, change at each headline year)")];
    group_header.extend(names.iter().cloned());
    document.table(
        group_header,
        rows.iter()
            .map(|row| {
                let mut row_cells = vec![row.name.clone()];
                row_cells.extend(
                    impacts
                        .iter()
                        .map(|i| signed(row.change(i)[i.headline_period])),
                );
                row_cells
            })
            .collect(),
    );

    document.heading(2, "3. Cost under each");
    document.paragraph(format!(
        "Change in cash by category over the whole horizon {}, in outturn prices ({}).",
        literal(&span(periods, 0, last)),
        literal(currency)
    ));
    let mut cost_header = vec!["Category".to_string()];
    cost_header.extend(names.iter().cloned());
    let mut rows: Vec<Vec<String>> = first
        .costs
        .iter()
        .enumerate()
        .filter(|(c, _)| {
            impacts.iter().any(|i| {
                let line = &i.costs[*c];
                line.base.iter().chain(&line.policy).any(|v| v.abs() > 1e-6)
            })
        })
        .map(|(c, line)| {
            let mut row = vec![line.category.label().to_string()];
            row.extend(impacts.iter().map(|i| {
                let line = &i.costs[c];
                money(
                    line.policy.iter().sum::<f64>() - line.base.iter().sum::<f64>(),
                    currency,
                )
            }));
            row
        })
        .collect();
    let mut total = vec!["Total".to_string()];
    total.extend(impacts.iter().map(|i| money(i.cash_change(), currency)));
    rows.push(total);
    document.table(cost_header, rows);

    document.heading(2, "4. Each policy in brief");
    for impact in impacts {
        document.heading(3, format!("'{}' against '{}'", impact.policy, impact.base));
        document.bullets(narrative(impact).iter().map(|l| literal(l)).collect());
    }
    let _ = format_number;
    document
}

/// comparison.csv: one row per policy and measure, the numbers of the
/// side-by-side headline.
pub fn side_by_side_table(impacts: &[Impact]) -> Result<DataFrame> {
    let (mut policy, mut measure, mut value) = (vec![], vec![], vec![]);
    for impact in impacts {
        let mut push = |name: &str, number: f64| {
            policy.push(impact.policy.clone());
            measure.push(name.to_string());
            value.push(number.is_finite().then_some(number));
        };
        push("cash_change", impact.cash_change());
        push(
            "cash_discounted_change",
            impact.cash_policy - impact.cash_base,
        );
        push(
            "penalty_discounted_change",
            impact.penalty_policy - impact.penalty_base,
        );
        push(
            "target_group_change_at_headline",
            impact
                .target()
                .map_or(f64::NAN, |g| g.change()[impact.headline_period]),
        );
        push(
            "cost_per_extra_fte_at_headline",
            cost_per_extra_fte(impact).map_or(f64::NAN, |(per, _)| per),
        );
        for service in &impact.services {
            push(
                &format!("care_change:{}", service.id),
                service.delivered_change().iter().sum(),
            );
        }
    }
    Ok(df!("policy" => policy, "measure" => measure, "value" => value)?)
}
