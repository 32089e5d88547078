//! The impact report of `wfplan compare`: report.md, a self-contained
//! report.html, charts (PNG and SVG) and the tables as CSV.

use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;

use super::document::{literal, Document};
use super::scale;
use wfplan_analysis::compare::{
    cost_per_extra_fte, narrative, Channel, ConditionChange, Impact, TargetReason,
};
use wfplan_charts::{self as charts, Chart, Panel, Series};
use wfplan_engine::tables::{to_csv, HistoryPoint};
use wfplan_text::number::format_number;
use wfplan_text::number::{money, per_unit, price, signed, span};

/// The charts of an impact report, by file stem.
pub fn impact_charts(impact: &Impact) -> Result<Vec<(String, Chart)>> {
    let periods = &impact.periods;
    let mut charts = Vec::new();
    let panels = stock_panels(impact);
    charts.push((
        "stocks".to_string(),
        charts::small_multiples(
            super::plan::stock_chart_title(impact.by_family),
            periods,
            "FTE",
            &panels,
        )?,
    ));
    let headline = &periods[impact.headline_period];
    let displacement = scale::top_bars(
        impact
            .services
            .iter()
            .map(|s| {
                (
                    care_bar_label(impact, &s.name, &s.care_unit),
                    s.delivered_change()[impact.headline_period],
                )
            })
            .collect(),
        scale::MAX_BARS,
        "services",
    );
    charts.push((
        "displacement".to_string(),
        bars(
            &format!("Change in care delivered by service, {headline}"),
            &displacement,
            &care_axis(impact, ""),
        )?,
    ));
    if let Some(name) = &impact.target_group_name {
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
                &format!("Change in {name} inflows and outflows by channel"),
                periods,
                "FTE per year",
                &channel_series,
            )?,
        ));
    }
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
    let millions = wfplan_text::number::millions(&impact.currency);
    charts.push((
        "cost_change".to_string(),
        charts::stacked_bars(
            "Change in cash cost by year and category",
            periods,
            &format!("{millions} per year, cash (outturn prices)"),
            &cost_series,
        )?,
    ));
    let (base_cash, policy_cash) = impact.cash_by_period();
    charts.push((
        "cost_by_year".to_string(),
        // Lines, not bars: totals of similar size differ by a few per cent,
        // which bars drawn from zero would hide.
        charts::line_chart(
            "Cash cost by year (the axis does not start at zero)",
            periods,
            &format!("{millions}, cash (outturn prices), axis not from zero"),
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
    charts.extend(super::ages::change_chart(impact)?);
    Ok(charts)
}

/// The panels of the staff-in-post chart (`stocks`): base and policy of
/// each group id — or, with more ids than MAX_PANELS and staff families
/// declared, of each family (`Impact::group_sets`) — at most MAX_PANELS:
/// those whose stock changed most (Σ|policy − base| over periods) and "All
/// other N groups" (or "… families") summing the rest.
pub fn stock_panels(impact: &Impact) -> Vec<Panel> {
    let panels: Vec<Panel> = group_rows(impact)
        .iter()
        .map(|row| Panel {
            unit: None,
            title: wfplan_charts::short_title(&row.name),
            series: vec![
                Series {
                    label: impact.base.clone(),
                    values: row.stock(impact, false),
                },
                Series {
                    label: impact.policy.clone(),
                    values: row.stock(impact, true),
                },
            ],
        })
        .collect();
    scale::top_panels(
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
        sets_word(impact),
    )
}

/// One row of the report's group charts and tables: a group id, a staff
/// family (`Impact::group_sets`) or "All other N families", with its
/// members (indices into `Impact::groups`).
pub(super) struct GroupRow {
    pub(super) name: String,
    members: Vec<usize>,
}

impl GroupRow {
    /// Σ of the members' staff in post under the policy (or the base), by
    /// period.
    fn stock(&self, impact: &Impact, policy: bool) -> Vec<f64> {
        let of = |g: usize| {
            let group = &impact.groups[g];
            if policy {
                &group.stock_policy
            } else {
                &group.stock_base
            }
        };
        let mut total = of(self.members[0]).clone();
        for g in &self.members[1..] {
            for (t, value) in of(*g).iter().enumerate() {
                total[t] += value;
            }
        }
        total
    }

    /// Policy minus base, by period.
    pub(super) fn change(&self, impact: &Impact) -> Vec<f64> {
        let (base, policy) = (self.stock(impact, false), self.stock(impact, true));
        policy
            .iter()
            .zip(&base)
            .map(|(p, b)| wfplan_engine::solution::clean(p - b))
            .collect()
    }

    /// The members' change in `region` at period `t`; None when no member
    /// is in that region.
    fn regional_change(&self, impact: &Impact, region: usize, t: usize) -> Option<f64> {
        impact
            .regional_groups
            .iter()
            .filter(|x| {
                x.region == Some(region)
                    && self.members.iter().any(|g| impact.groups[*g].id == x.id)
            })
            .map(|x| x.change()[t])
            .reduce(|a, b| a + b)
    }
}

/// The national groups the per-channel table lists, by index into
/// `impact.groups`: every group, in the model's order, up to MAX_PANELS
/// groups; beyond that the MAX_PANELS whose stock changed most (absolute
/// change at the headline period, the model's order among equals), largest
/// first — a table of every channel of hundreds of groups is not read.
pub fn channel_table_groups(impact: &Impact) -> Vec<usize> {
    let mut listed: Vec<usize> = (0..impact.groups.len()).collect();
    if listed.len() > scale::MAX_PANELS {
        let change = |index: usize| impact.groups[index].change()[impact.headline_period].abs();
        listed.sort_by(|&a, &b| change(b).total_cmp(&change(a)));
        listed.truncate(scale::MAX_PANELS);
    }
    listed
}

/// "families" when the report draws staff by family, else "groups".
fn sets_word(impact: &Impact) -> &'static str {
    if impact.by_family {
        "families"
    } else {
        "groups"
    }
}

/// One row per set of `Impact::group_sets`, in their order.
fn group_rows(impact: &Impact) -> Vec<GroupRow> {
    impact
        .group_sets
        .iter()
        .map(|set| GroupRow {
            name: set.name.clone(),
            members: set.members.clone(),
        })
        .collect()
}

/// The rows of the "which groups change" tables: every group — or, by
/// family, at most MAX_PANELS families, the ones whose stock changed least
/// (Σ|change| over periods, as the stocks chart ranks them) summed into
/// "All other N families", last.
fn table_rows(impact: &Impact) -> Vec<GroupRow> {
    top_rows(impact, |row| scale::magnitude(&row.change(impact)))
}

/// `impact`'s group rows — by family, at most MAX_PANELS: the heaviest by
/// `weight` and "All other N families" holding the rest's groups.
pub(super) fn top_rows(impact: &Impact, weight: impl Fn(&GroupRow) -> f64) -> Vec<GroupRow> {
    let rows = group_rows(impact);
    if !impact.by_family {
        return rows;
    }
    let (mut top, rest) = scale::split_top(rows, weight, scale::MAX_PANELS);
    if !rest.is_empty() {
        top.push(GroupRow {
            name: format!("All other {} families", rest.len()),
            members: rest.iter().flat_map(|row| row.members.clone()).collect(),
        });
    }
    top
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
                impact.target_group_name.clone().unwrap_or_default()
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
                    format!(
                        "{}: {}",
                        care_bar_label(impact, &service.name, &service.care_unit),
                        impact.region_name(s.region)
                    ),
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
                &care_axis(impact, "-years"),
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

/// A period label with its reading: "2014/15 (target)", "2018/19 (end)",
/// "2010/11 (anticipation)". Used in the header of the per-year tables.
fn period_headers(impact: &Impact) -> Vec<String> {
    let anticipation = impact.anticipation_periods();
    impact
        .periods
        .iter()
        .enumerate()
        .map(|(t, label)| {
            let mut marks = Vec::new();
            if anticipation.contains(&t) {
                marks.push("anticipation");
            }
            if impact.target_periods.contains(&t) {
                marks.push("target");
            }
            if impact.frozen_until.is_some_and(|f| t < f) {
                marks.push("frozen");
            }
            if impact.horizon.is_end(t) {
                marks.push("end");
            }
            if marks.is_empty() {
                label.clone()
            } else {
                format!("{label} ({})", marks.join(", "))
            }
        })
        .collect()
}

/// A service's name on a chart of changes in care: with its unit of care
/// when the services count care in different units ("District nursing
/// (district-nurse-equivalent FTE)"), so no bar is read in the wrong unit.
fn care_bar_label(impact: &Impact, name: &str, unit: &str) -> String {
    if impact.care_units_agree() {
        name.to_string()
    } else {
        format!("{} ({unit})", charts::short_title(name))
    }
}

/// The value axis of a chart of changes in care (`per` = "" for a year's
/// care, "-years" for care summed over the horizon): in the services'
/// unit, or, when they differ, pointing at the units in the bar labels.
fn care_axis(impact: &Impact, per: &str) -> String {
    let change = format!("{} minus {}", impact.policy, impact.base);
    let over = if per.is_empty() {
        ""
    } else {
        " over the horizon"
    };
    match common_care_unit(impact) {
        Some(unit) => format!("{unit}{per} of care{over}, {change}"),
        None => format!("care{per}{over}, {change}, each service in its unit (in its label)"),
    }
}

/// The unit of care of every service, when they agree ("FTE"), else None.
fn common_care_unit(impact: &Impact) -> Option<String> {
    impact.care_units_agree().then(|| {
        impact
            .services
            .first()
            .map_or("FTE".to_string(), |s| s.care_unit.clone())
    })
}

/// The report as a document (shared by Markdown and HTML).
pub fn impact_document(impact: &Impact) -> Document {
    let periods = &impact.periods;
    let last = periods.len() - 1;
    let headline = impact.headline_period;
    let headline_label = &periods[headline];
    let currency = &impact.currency;
    let focus = impact.horizon.focus_end(periods.len());
    let first_label = &periods[0];
    let last_label = &periods[last];
    let mut document = Document::new(format!(
        "{}: impact of '{}' against '{}'",
        impact.model_name, impact.policy, impact.base
    ));
    document.paragraph(format!(
        "Two optimal plans of the same model, solved by wfplan: **{}** (the policy) and **{}** (the base). Every number below is policy minus base unless labelled. FTE are full-time equivalents at the end of each year; care is counted in each service's unit of care (one FTE of the staff who deliver it at full efficiency, unless the service says otherwise); cash is in outturn prices unless marked real (price base) or discounted (present value). Penalties (a valuation of unmet care) and terminal values (what staff in post at the end are worth) are not cash and are shown apart.",
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

    document.heading(2, "What the policy changes");
    if impact.changes.is_empty() {
        document.paragraph(format!(
            "'{}' and '{}' set the same parameters, targets and limits: the plans can differ only where the model has several optimal plans.",
            literal(&impact.policy),
            literal(&impact.base)
        ));
    } else {
        document.paragraph(format!(
            "Every parameter, target and limit whose value differs between the two scenarios, read from the two models (most important kind first: targets, limits, capacities, prices, demand, other). The headline follows the first. {}",
            match (&impact.target_group_name, &impact.target_reason) {
                (Some(name), Some(TargetReason::Requested)) => format!("The report follows **{}**, as asked (--group).", literal(name)),
                (Some(name), Some(TargetReason::Target(id))) => format!("The report follows **{}**, the group of target '{}'.", literal(name), literal(id)),
                (Some(name), Some(TargetReason::Change(path))) => format!("The report follows **{}**, the one group `{}` is about.", literal(name), literal(path)),
                _ => "No target of the policy names one group, and its main change is about no one group, so the report follows the change itself and shows every group alike (name a group with --group to follow it).".to_string(),
            }
        ));
        document.table(
            vec![
                "Kind".into(),
                "Setting".into(),
                "Name".into(),
                format!("'{}' → '{}'", impact.base, impact.policy),
            ],
            impact
                .changes
                .iter()
                .map(|c| {
                    let description = c.describe(periods, currency);
                    let values = description
                        .split_once(": ")
                        .map_or(description.clone(), |(_, v)| v.to_string());
                    vec![
                        c.kind.as_str().to_string(),
                        c.path.clone(),
                        match &c.region {
                            Some(r) => format!("{} ({r})", c.name),
                            None => c.name.clone(),
                        },
                        values,
                    ]
                })
                .collect(),
        );
    }

    document.heading(2, "1. Headline");
    document.paragraph(format!(
        "Figures at a year are read at {} ({}). Totals are given to {} — {} — and over the whole horizon {}–{}; {}.",
        literal(headline_label),
        literal(&impact.headline_reason),
        literal(&periods[focus]),
        if impact.horizon.last_target.is_some() {
            "the last year of a target of the policy"
        } else {
            "the last year before the years the end of the horizon distorts"
        },
        literal(first_label),
        literal(last_label),
        if impact.horizon.end_from <= last {
            format!(
                "{} {} {} marked \"end\": the longest course the end of the horizon cuts short (one not kept full to the end) takes {} period(s), so no such course started there finishes inside the horizon, and training, stocks and unmet demand there are partly an artefact of where the horizon stops",
                if impact.horizon.end_from == last { "the year" } else { "the years" },
                literal(&span(periods, impact.horizon.end_from, last)),
                if impact.horizon.end_from == last { "is" } else { "are" },
                impact.horizon.lead
            )
        } else {
            "no year is marked as distorted by the end of the horizon".to_string()
        }
    ));
    let cash_change = impact.cash_change();
    let (base_cash, policy_cash) = impact.cash_by_period();
    let sum_to = |values: &[f64], to: usize| -> f64 { values[..=to].iter().sum() };
    let mut rows: Vec<Vec<String>> = Vec::new();
    if let Some(group) = impact.target() {
        let name = impact.target_group_name.clone().unwrap_or_default();
        let mut at: Vec<usize> = impact.target_periods.clone();
        if !at.contains(&headline) {
            at.push(headline);
        }
        at.sort_unstable();
        for t in at {
            rows.push(vec![
                format!("{name} in post, {} (FTE)", periods[t]),
                format_number(group.stock_base[t]),
                format_number(group.stock_policy[t]),
                signed(group.stock_policy[t] - group.stock_base[t]),
            ]);
        }
    }
    if impact.target().is_none() {
        // The main change's quantity, when it is a target or limit.
        if let Some(id) = impact.primary_change().and_then(|c| c.condition.clone()) {
            let instances: Vec<&ConditionChange> = impact
                .condition_changes
                .iter()
                .filter(|c| c.id == id)
                .collect();
            let total = |policy: bool| -> Option<f64> {
                instances
                    .iter()
                    .map(|c| c.of(policy).map(|r| r.activity))
                    .sum::<Option<f64>>()
            };
            if let (Some(b), Some(p), Some(first)) = (total(false), total(true), instances.first())
            {
                let indices: Vec<usize> = instances
                    .iter()
                    .filter_map(|c| periods.iter().position(|l| *l == c.period))
                    .collect();
                rows.push(vec![
                    format!(
                        "{id} ({}), {}",
                        first.expression,
                        wfplan_text::number::period_list(periods, &indices)
                    ),
                    amount(b, &first.unit, currency),
                    amount(p, &first.unit, currency),
                    if first.unit == *currency {
                        money(p - b, currency)
                    } else {
                        signed(p - b)
                    },
                ]);
            }
        }
    }
    rows.push(vec![
        format!("Cash cost {} (outturn prices)", span(periods, 0, focus)),
        money(sum_to(&base_cash, focus), currency),
        money(sum_to(&policy_cash, focus), currency),
        money(impact.cash_change_over(0, focus), currency),
    ]);
    if focus < last {
        rows.push(vec![
            format!(
                "Cash cost over the whole horizon {} (outturn prices)",
                span(periods, 0, last)
            ),
            money(base_cash.iter().sum(), currency),
            money(policy_cash.iter().sum(), currency),
            money(cash_change, currency),
        ]);
    }
    rows.push(vec![
        "Cash cost over the whole horizon (discounted)".to_string(),
        money(impact.cash_base, currency),
        money(impact.cash_policy, currency),
        money(impact.cash_policy - impact.cash_base, currency),
    ]);
    if let Some(unit) = common_care_unit(impact) {
        let unmet = |policy: bool, to: usize| impact.unmet_total_to(policy, to);
        let mut spans = vec![focus];
        if focus < last {
            spans.push(last);
        }
        for to in spans {
            rows.push(vec![
                format!(
                    "Unmet demand, all services, {} ({})",
                    span(periods, 0, to),
                    care_years(&unit)
                ),
                format_number(unmet(false, to)),
                format_number(unmet(true, to)),
                signed(unmet(true, to) - unmet(false, to)),
            ]);
        }
    }
    rows.push(vec![
        "Penalty: valuation of unmet care (discounted, not cash)".to_string(),
        money(impact.penalty_base, currency),
        money(impact.penalty_policy, currency),
        money(impact.penalty_policy - impact.penalty_base, currency),
    ]);
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
    if let Some((per_fte, per_year)) = cost_per_extra_fte(impact) {
        rows.push(vec![
            format!("Cost per extra FTE in post in {headline_label}"),
            String::new(),
            String::new(),
            money(per_fte, currency),
        ]);
        if let Some(per_year) = per_year {
            rows.push(vec![
                "Cost per extra FTE-year over the horizon".to_string(),
                String::new(),
                String::new(),
                money(per_year, currency),
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
    let shown: Vec<&ConditionChange> = impact
        .condition_changes
        .iter()
        .filter(|c| {
            c.kind == "target"
                || [c.base.as_ref(), c.policy.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|r| r.shadow_price.abs() > 1e-6)
        })
        .collect();
    if !shown.is_empty() {
        document.paragraph("The targets the policy changes, and the limits it changes where they bind in either plan, with their shadow prices under each plan — the discounted cost of tightening each by one unit of its own unit (for a floor such as a staffing target, the cost of one more unit required; for a ceiling such as a budget or a number of places, what one more unit of it would save):");
        if let Some(note) = shown.iter().find_map(|c| {
            [c.base.as_ref(), c.policy.as_ref()]
                .into_iter()
                .flatten()
                .find_map(|r| r.shadow_price_note)
        }) {
            document.paragraph(format!("With whole-number decisions, {note}."));
        }
        document.table(
            vec![
                "Target / limit".into(),
                "Period".into(),
                format!("Bound, {}", impact.base),
                format!("Bound, {}", impact.policy),
                format!("Value, {}", impact.base),
                format!("Value, {}", impact.policy),
                format!("Shadow price, {}", impact.base),
                format!("Shadow price, {}", impact.policy),
            ],
            shown
                .iter()
                .map(|c| {
                    let region = c
                        .region
                        .map(|r| format!(" @ {}", impact.regions[r].id))
                        .unwrap_or_default();
                    let bound = |r: Option<&wfplan_engine::solution::ConditionResult>| match r {
                        None => "none".to_string(),
                        Some(r) => [
                            r.min.map(|m| format!("≥ {}", amount(m, &r.unit, currency))),
                            r.max.map(|m| format!("≤ {}", amount(m, &r.unit, currency))),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", "),
                    };
                    let value = |r: Option<&wfplan_engine::solution::ConditionResult>| {
                        r.map(|r| amount(r.activity, &r.unit, currency))
                            .unwrap_or_default()
                    };
                    let shadow = |r: Option<&wfplan_engine::solution::ConditionResult>| {
                        r.map(|r| {
                            format!(
                                "{} {}",
                                price(r.shadow_price, currency),
                                per_unit(&r.unit, currency)
                            )
                        })
                        .unwrap_or_default()
                    };
                    vec![
                        format!("{}{region}: {}", c.id, c.expression),
                        c.period.clone(),
                        bound(c.base.as_ref()),
                        bound(c.policy.as_ref()),
                        value(c.base.as_ref()),
                        value(c.policy.as_ref()),
                        shadow(c.base.as_ref()),
                        shadow(c.policy.as_ref()),
                    ]
                })
                .collect(),
        );
    }
    let mut header = vec!["Per year".to_string()];
    header.extend(period_headers(impact));
    let change: Vec<f64> = policy_cash
        .iter()
        .zip(&base_cash)
        .map(|(p, b)| p - b)
        .collect();
    let mut per_year = Vec::new();
    if impact.target().is_some() {
        per_year.push(number_row(
            format!(
                "{} change (FTE)",
                impact.target_group_name.clone().unwrap_or_default()
            ),
            &impact.target_change(),
            signed,
        ));
    } else {
        let staff: Vec<f64> = (0..periods.len())
            .map(|t| impact.groups.iter().map(|g| g.change()[t]).sum())
            .collect();
        per_year.push(number_row(
            "Staff in post, all groups, change (FTE)".to_string(),
            &staff,
            signed,
        ));
    }
    per_year.push(number_row(
        "Cash change (outturn prices)".to_string(),
        &change,
        |v| money(v, currency),
    ));
    if let Some(unit) = common_care_unit(impact) {
        per_year.push(number_row(
            format!("Unmet demand change ({unit})"),
            &impact.unmet_change_by_period(),
            signed,
        ));
    }
    document.table(header.clone(), per_year);
    document.paragraph("Years are marked in the header: \"target\" a year a target the policy changes applies; \"anticipation\" a year before the first such target in which the plans already differ (the optimiser plans every year at once, so it acts early for a later target); \"frozen\" a year held to the base plan (`freeze_until`); \"end\" a year the end of the horizon distorts.");
    document.chart(
        "cost_by_year",
        "Cash cost by year, base and policy (outturn prices). The axis does not start at zero: it spans only the years' range, so a gap of 1% looks large; the change by year is in the table above and in the chart of the change by category below.",
    );

    let mut section = 2;
    if let Some(group) = impact.target() {
        let name = impact.target_group_name.clone().unwrap_or_default();
        let gained = impact.target_change_at_headline();
        document.heading(
            2,
            format!(
                "{section}. {} {name}",
                if gained >= 0.0 {
                    "Where the extra staff came from:"
                } else {
                    "How the staff fell:"
                }
            ),
        );
        section += 1;
        document.paragraph(format!(
            "The change in {}'s stock in {} ({} FTE) decomposed by channel: each line is the change in that flow summed over {}–{}. Inflows (hires, completions of training, moves in) are the only sources of extra staff; the other lines are outflows (leavers, new starters leaving, secondments out, moves out), where a positive change means fewer left. The lines sum exactly to the stock change.{}",
            literal(&name),
            literal(headline_label),
            signed(group.change()[headline]),
            literal(first_label),
            literal(headline_label),
            near_optimal_note(impact),
        ));
        let with_ranges = impact.near_optimal.is_some();
        let mut rows: Vec<Vec<String>> = impact
            .channels
            .iter()
            .filter(|c| c.change_to_headline.abs() > 1e-6)
            .map(|c| {
                let mut row = vec![
                    c.label.clone(),
                    if c.is_inflow() { "inflow" } else { "outflow" }.to_string(),
                    signed(c.change_to_headline),
                ];
                if with_ranges {
                    row.extend(range_cells(impact, &target_channel_key(impact, c)));
                }
                row
            })
            .collect();
        let sum: f64 = impact.channels.iter().map(|c| c.change_to_headline).sum();
        let mut total = vec![
            "Total: change in stock".to_string(),
            String::new(),
            signed(sum),
        ];
        if with_ranges {
            total.extend(range_cells(
                impact,
                &format!(
                    "group:{}",
                    impact.target_group_id.clone().unwrap_or_default()
                ),
            ));
        }
        rows.push(total);
        let mut channel_header = vec![
            "Channel".to_string(),
            "Kind".to_string(),
            format!("Change to {headline_label} (FTE)"),
        ];
        if with_ranges {
            channel_header.extend(range_header(impact));
        }
        document.table(channel_header, rows);
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
            format!("Change in the flows of {name} by channel and year (FTE), policy minus base."),
        );
        if impact.has_regions() && impact.target_region.is_none() {
            regional_channels_table(&mut document, impact, sum);
        }
    }

    document.heading(2, format!("{section}. Who lost"));
    section += 1;
    let losers = impact.losers();
    if losers.is_empty() {
        document.paragraph(
            "No service delivers less care over the horizon under the policy than under the base.",
        );
    } else {
        document.paragraph(format!(
            "Services that deliver less care over the whole horizon under the policy, largest loss first: {}.",
            losers
                .iter()
                .map(|(s, change)| {
                    format!(
                        "**{}** ({} {})",
                        literal(&s.name),
                        signed(*change),
                        literal(&care_years(&s.care_unit))
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let with_ranges = impact.near_optimal.is_some();
    let mut care_header = vec![
        "Service".to_string(),
        "Unit of care".to_string(),
        format!("Change in {headline_label}"),
        format!("Change {}", span(periods, 0, focus)),
    ];
    if focus < last {
        care_header.push(format!(
            "Change over the whole horizon {}",
            span(periods, 0, last)
        ));
        if impact.horizon.end_from <= last {
            care_header.push(format!(
                "of which in the end years {}",
                span(periods, impact.horizon.end_from, last)
            ));
        }
    }
    if with_ranges {
        care_header.extend(range_header(impact));
    }
    document.table(
        care_header,
        impact
            .services
            .iter()
            .map(|s| {
                let change = s.delivered_change();
                let mut row = vec![
                    s.name.clone(),
                    s.care_unit.clone(),
                    signed(change[headline]),
                    signed(s.delivered_change_over(0, focus)),
                ];
                if focus < last {
                    row.push(signed(s.delivered_change_over(0, last)));
                    if impact.horizon.end_from <= last {
                        row.push(signed(
                            s.delivered_change_over(impact.horizon.end_from, last),
                        ));
                    }
                }
                if with_ranges {
                    row.extend(range_cells(impact, &format!("care:{}", s.id)));
                }
                row
            })
            .collect(),
    );
    document.chart(
        "displacement",
        format!("Change in care delivered by service in {headline_label}, each in its own unit of care."),
    );
    document.heading(
        3,
        "Care delivered by service (change per year, in each service's unit of care)",
    );
    document.table(
        header.clone(),
        impact
            .services
            .iter()
            .map(|s| {
                number_row(
                    format!("{} ({})", s.name, s.care_unit),
                    &s.delivered_change(),
                    signed,
                )
            })
            .collect(),
    );
    document.heading(
        3,
        "Unmet demand by service (change per year, in each service's unit of care)",
    );
    document.table(
        header.clone(),
        impact
            .services
            .iter()
            .map(|s| {
                number_row(
                    format!("{} ({})", s.name, s.care_unit),
                    &s.unmet_change(),
                    signed,
                )
            })
            .collect(),
    );
    let rows = table_rows(impact);
    let (by, first_column) = if impact.by_family {
        ("family", "Family")
    } else {
        ("group", "Group")
    };
    document.heading(3, format!("Staff in post by {by} (change, FTE)"));
    document.table(
        header.clone(),
        rows.iter()
            .map(|row| number_row(row.name.clone(), &row.change(impact), signed))
            .collect(),
    );
    if impact.has_regions() {
        document.heading(
            3,
            format!("Staff in post by {by} and region (change, {headline_label}, FTE)"),
        );
        document.table(
            region_header(impact, first_column),
            rows.iter()
                .map(|row| {
                    region_row(
                        impact,
                        row.name.clone(),
                        |r| row.regional_change(impact, r, headline),
                        row.change(impact)[headline],
                    )
                })
                .collect(),
        );
    }
    document.chart(
        "stocks",
        if impact.by_family {
            "Staff in post by family (a group without a family is its own panel), base and policy (FTE), each panel on its own scale from zero; groups.csv has every group."
        } else {
            "Staff in post by group, base and policy (FTE), each panel on its own scale from zero."
        },
    );
    document.heading(
        3,
        format!("How each group's staff changed, to {headline_label}"),
    );
    let listed = channel_table_groups(impact);
    let with_regional_rows = impact.regions.len() <= scale::MAX_PANELS;
    let which = if listed.len() < impact.groups.len() {
        format!(
            "For the {} groups whose staff in post changed most by {} (of {}{})",
            listed.len(),
            literal(headline_label),
            impact.groups.len(),
            if with_regional_rows {
                ""
            } else {
                ", nationally"
            }
        )
    } else if with_regional_rows {
        "For every group whose staff in post or whose flows changed".to_string()
    } else {
        "For every group whose staff in post or whose flows changed, nationally".to_string()
    };
    let every = if listed.len() == impact.groups.len() && with_regional_rows {
        "them"
    } else {
        "every group and region"
    };
    document.paragraph(format!(
        "{which}, the channels of that change summed over {}–{} (policy minus base, FTE), one line each; each group's channels sum to its stock change. channels.csv has {every} by year.",
        literal(first_label),
        literal(headline_label),
    ));
    let mut rows = Vec::new();
    // With regions, each group's national rows, then its regions'.
    let mut pairs = Vec::new();
    for &index in &listed {
        let national = (&impact.groups[index], &impact.group_channels[index]);
        pairs.push(national);
        if with_regional_rows {
            pairs.extend(
                impact
                    .regional_groups
                    .iter()
                    .zip(&impact.regional_group_channels)
                    .filter(|(g, _)| g.id == national.0.id),
            );
        }
    }
    let mut group_header = vec![
        "Group".to_string(),
        "Channel".to_string(),
        "Kind".to_string(),
        format!("Change to {headline_label} (FTE)"),
    ];
    if with_ranges {
        group_header.extend(range_header(impact));
    }
    for (group, channels) in pairs {
        let change = group.change()[headline];
        if change.abs() < 0.5 && channels.iter().all(|c| c.change_to_headline.abs() < 0.5) {
            continue;
        }
        let name = match group.region {
            Some(_) => format!("{}, {}", group.name, impact.region_name(group.region)),
            None => group.name.clone(),
        };
        let mut shown: Vec<&Channel> = channels
            .iter()
            .filter(|c| c.change_to_headline.abs() >= 0.5)
            .collect();
        shown.sort_by(|a, b| {
            b.is_inflow().cmp(&a.is_inflow()).then(
                b.change_to_headline
                    .abs()
                    .total_cmp(&a.change_to_headline.abs()),
            )
        });
        for c in shown {
            let mut row = vec![
                name.clone(),
                c.label.clone(),
                if c.is_inflow() { "inflow" } else { "outflow" }.to_string(),
                signed(c.change_to_headline),
            ];
            if with_ranges {
                let key = match group.region {
                    Some(_) => String::new(),
                    None => {
                        wfplan_analysis::near_optimal::channel_key(&group.id, &c.flow, &c.channel)
                    }
                };
                row.extend(range_cells(impact, &key));
            }
            rows.push(row);
        }
        let mut total = vec![
            name.clone(),
            "Total: change in stock".to_string(),
            String::new(),
            signed(change),
        ];
        if with_ranges {
            let key = match group.region {
                Some(_) => String::new(),
                None => format!("group:{}", group.id),
            };
            total.extend(range_cells(impact, &key));
        }
        rows.push(total);
    }
    document.table(group_header, rows);

    if impact.has_regions() {
        regions_section(&mut document, impact, section);
        section += 1;
    }
    if super::ages::change_section(&mut document, impact, section) {
        section += 1;
    }
    document.heading(2, format!("{section}. Finance view"));
    section += 1;
    super::finance::section(&mut document, impact);
    document.paragraph(format!(
        "Cash cost by category and year, outturn prices ({}).",
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
        format!(
            "Change in cash cost by category and year ({}, outturn prices).",
            wfplan_text::number::millions(currency)
        ),
    );

    if let Some(near) = &impact.near_optimal {
        near_optimal_section(&mut document, impact, near, section);
        section += 1;
    }
    if !impact.history.is_empty() {
        history_section(&mut document, impact, section);
    }

    document.heading(2, "How to read this report");
    document.paragraph(format!(
        "Both plans are optimal for their scenario: wfplan minimises discounted cash cost plus penalties. The tables behind every number are in this folder as CSV (headline.csv, channels.csv, services.csv, groups.csv, finance.csv, costs_by_group.csv, finance_summary.csv{}), and each scenario's own plan is in {}/ and {}/ (stocks.csv, flows.csv, deployment.csv, costs.csv, constraints.csv).",
        [
            if impact.near_optimal.is_some() { ", near_optimal.csv" } else { "" },
            if impact.ages.is_empty() { "" } else { ", ages_change.csv" },
        ]
        .concat(),
        literal(&impact.base),
        literal(&impact.policy)
    ));
    let units: Vec<String> = impact
        .services
        .iter()
        .filter(|s| s.care_unit != "FTE")
        .map(|s| {
            format!(
                "{} is counted in {}",
                literal(&s.name),
                literal(&s.care_unit)
            )
        })
        .collect();
    document.paragraph(format!(
        "Units of care: a service's care and unmet demand are in its own unit — one FTE of the staff who deliver it at full efficiency, unless the service says otherwise{}. Care of services in different units is never added together.",
        if units.is_empty() {
            String::new()
        } else {
            format!(" ({})", units.join("; "))
        }
    ));
    document.paragraph(format!(
        "The end of the horizon: the last L periods are marked \"end\", L being the longest course that the end cuts short in either plan ({} period(s) here): a course without a capacity, or one whose intake falls below its capacity in its last L periods. A plan gains nothing from a course whose graduates arrive after the horizon, apart from any terminal value, so training stops there and stocks run down in every scenario; a course kept full to the end (places commissioned by data) is not cut short and marks no year. Compare totals to {} before reading whole-horizon totals.",
        impact.horizon.lead,
        literal(&periods[focus])
    ));
    if impact.has_regions() {
        document.paragraph("In channels.csv, services.csv and groups.csv the `region` column names the region of a row; a row with an empty region is the national total, the sum of the regional rows of that entity and period.");
    }
    document
}

/// "Baseline against history": each published figure of the model's
/// history file beside the base plan (and the policy's), with its source
/// and grade, so a reader sees where the model agrees and where not.
fn history_section(document: &mut Document, impact: &Impact, section: usize) {
    document.heading(
        2,
        format!("{section}. The plans against what was published"),
    );
    document.paragraph(format!(
        "Each figure the model's sources cite for comparison (the model's `history` file), beside the value of the same quantity in the same year in the base plan ('{}') and the policy's plan ('{}'). Grades: S official statistics, M reported by press, unions or think tanks quoting official data, E estimate. The difference is the plan minus the published figure; read it with the note: a published series may count something else (another set of providers, another month of the year).",
        literal(&impact.base),
        literal(&impact.policy)
    ));
    document.table(
        vec![
            "Quantity".into(),
            "Model year".into(),
            "Published".into(),
            "Published figure".into(),
            format!("Plan '{}'", impact.base),
            format!("Plan '{}'", impact.policy),
            format!("'{}' minus published", impact.base),
            format!("'{}' minus published", impact.policy),
            "Grade".into(),
            "Source".into(),
            "Note".into(),
        ],
        impact
            .history
            .iter()
            .map(|h| {
                vec![
                    h.row.expr.clone(),
                    impact.periods[h.period].clone(),
                    h.row.published.clone(),
                    format_number(h.row.value),
                    format_number(h.base),
                    format_number(h.policy),
                    signed(h.base - h.row.value),
                    signed(h.policy - h.row.value),
                    h.row.grade.clone(),
                    h.row.source.clone(),
                    h.row.note.clone(),
                ]
            })
            .collect(),
    );
}

/// " Ranges: ..." after a channel table's explanation, when computed.
fn near_optimal_note(impact: &Impact) -> String {
    match &impact.near_optimal {
        Some(near) => format!(
            " The last columns give the least and most each line can be across plans whose cost is within {} of the least cost (see \"How sure\" below).",
            near.tolerance_text()
        ),
        None => String::new(),
    }
}

fn range_header(impact: &Impact) -> Vec<String> {
    let tolerance = impact
        .near_optimal
        .as_ref()
        .map_or(String::new(), |n| n.tolerance_text());
    vec![
        format!("Least, within {tolerance}"),
        format!("Most, within {tolerance}"),
        "Robust".to_string(),
    ]
}

/// The range cells of a near-optimal key: least, most, and "yes"/"no"
/// (blank when the key has no range).
fn range_cells(impact: &Impact, key: &str) -> Vec<String> {
    match impact.near_optimal.as_ref().and_then(|n| n.range(key)) {
        Some(range) => vec![
            signed(range.change_low),
            signed(range.change_high),
            if range.robust() { "yes" } else { "no" }.to_string(),
        ],
        None => vec![String::new(), String::new(), String::new()],
    }
}

/// The near-optimal key of one of the report group's channels.
fn target_channel_key(impact: &Impact, channel: &Channel) -> String {
    let group = impact.target_group_id.clone().unwrap_or_default();
    let group = match impact.target_region {
        Some(r) => format!("{group}@{}", impact.regions[r].id),
        None => group,
    };
    wfplan_analysis::near_optimal::channel_key(&group, &channel.flow, &channel.channel)
}

/// "How sure": the near-optimal ranges, what they mean and how narrow is
/// narrow.
fn near_optimal_section(
    document: &mut Document,
    impact: &Impact,
    near: &wfplan_analysis::near_optimal::NearOptimal,
    section: usize,
) {
    document.heading(
        2,
        format!("{section}. How sure: what other plans could do at nearly the same cost"),
    );
    let robust = near.ranges.iter().filter(|r| r.robust()).count();
    document.paragraph(format!(
        "A linear programme often has many plans of the same, or almost the same, cost; the solver reports one. For each decision this report names, wfplan found the least and the most it can be across every plan of each scenario whose cost (each objective, discounted) is within {} of that scenario's least cost{}, by adding that cost as a constraint and then minimising and maximising the decision ({} re-solves of the two programmes, each started from the optimal plan's basis). A change (policy minus base) ranges from the policy's least minus the base's most to the policy's most minus the base's least. A finding is called robust when its range is narrow: no wider than {}% of the largest value in it, or {} unit (FTE, or unit of care), whichever is larger. {} of the {} ranges below are robust. A range that is not narrow means the model does not decide that number: read it as one of many equally good plans, not as a finding.",
        near.tolerance_text(),
        near.allowance_text(&literal(&impact.base), &literal(&impact.policy)),
        near.solves,
        wfplan_analysis::near_optimal::NARROW_SHARE * 100.0,
        wfplan_analysis::near_optimal::NARROW_UNITS,
        robust,
        near.ranges.len()
    ));
    let mut header = vec![
        "Decision".to_string(),
        "Over".to_string(),
        "Unit".to_string(),
        "Change in the reported plans".to_string(),
    ];
    header.extend(range_header(impact));
    document.table(
        header,
        near.ranges
            .iter()
            .map(|r| {
                vec![
                    r.label.clone(),
                    r.over.clone(),
                    r.unit.clone(),
                    signed(r.change()),
                    signed(r.change_low),
                    signed(r.change_high),
                    if r.robust() { "yes" } else { "no" }.to_string(),
                ]
            })
            .collect(),
    );
}

/// The report group's channels by region (national target of a regional
/// model).
fn regional_channels_table(document: &mut Document, impact: &Impact, sum: f64) {
    let headline_label = &impact.periods[impact.headline_period];
    let id = impact.target_group_id.clone().unwrap_or_default();
    document.paragraph(format!(
        "The same channels by region (change to {}, FTE); each region's column sums to its change in stock, and the regions sum to the national column.",
        literal(headline_label)
    ));
    let regional: Vec<(&wfplan_analysis::compare::GroupImpact, &Vec<Channel>)> = impact
        .regional_groups
        .iter()
        .zip(&impact.regional_group_channels)
        .filter(|(g, _)| g.id == id)
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

/// An amount in a condition's unit: money for the currency, else "N unit".
fn amount(value: f64, unit: &str, currency: &str) -> String {
    if unit == currency {
        money(value, currency)
    } else {
        format!("{} {unit}", format_number(value))
    }
}

fn care_years(unit: &str) -> String {
    format!("{unit}-years")
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
fn regions_section(document: &mut Document, impact: &Impact, section: usize) {
    let periods = &impact.periods;
    let headline = impact.headline_period;
    let headline_label = &periods[headline];
    let first = &periods[0];
    let last = &periods[periods.len() - 1];
    document.heading(2, format!("{section}. Which regions lose most"));
    document.paragraph(format!(
        "How the policy's gains and losses fall on each of the model's {} regions. The national figures above are the sums of these.",
        impact.regions.len()
    ));
    if let Some(target_index) = impact.target_group {
        let target = &impact.groups[target_index];
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
    }
    document.heading(3, "Care delivered by service and region");
    let mut ranked: Vec<&wfplan_analysis::compare::ServiceImpact> = impact
        .regional_losers()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    for service in &impact.services {
        if !ranked.iter().any(|s| s.id == service.id) {
            ranked.push(service);
        }
    }
    let changed: Vec<&wfplan_analysis::compare::ServiceImpact> = ranked
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
    let cash_change = impact.cash_change();
    let shadow = impact
        .condition_changes
        .iter()
        .filter_map(|c| c.policy.as_ref())
        .map(|c| c.shadow_price)
        .fold(0.0, f64::max);
    let target = impact.target();
    let nan = f64::NAN;
    let focus = impact.horizon.focus_end(periods.len());
    let cash_to_focus = |values: &[f64]| values[..=focus].iter().sum::<f64>();
    let unmet = |policy: bool, to: usize| impact.unmet_total_to(policy, to);
    let last = periods.len() - 1;
    let per_fte = cost_per_extra_fte(impact);
    let measures = [
        ("target_group", nan, nan, nan),
        (
            "target_group_fte_at_headline",
            target.map_or(nan, |g| g.stock_base[impact.headline_period]),
            target.map_or(nan, |g| g.stock_policy[impact.headline_period]),
            target.map_or(nan, |g| g.change()[impact.headline_period]),
        ),
        (
            "cash_total",
            base_cash.iter().sum(),
            policy_cash.iter().sum(),
            cash_change,
        ),
        (
            "cash_to_focus",
            cash_to_focus(&base_cash),
            cash_to_focus(&policy_cash),
            impact.cash_change_over(0, focus),
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
            "unmet_care_years_total",
            unmet(false, last),
            unmet(true, last),
            unmet(true, last) - unmet(false, last),
        ),
        (
            "unmet_care_years_to_focus",
            unmet(false, focus),
            unmet(true, focus),
            unmet(true, focus) - unmet(false, focus),
        ),
        (
            "cost_per_extra_fte_at_headline",
            nan,
            nan,
            per_fte.map_or(nan, |(per, _)| per),
        ),
        ("target_shadow_price_max", nan, nan, shadow),
    ];
    let note = |measure: &str| -> String {
        match measure {
            "target_group" => match (&impact.target_group_id, impact.target_region) {
                (Some(id), Some(region)) => format!("{id}@{}", impact.regions[region].id),
                (Some(id), None) => id.clone(),
                (None, _) => "none: the policy is about no one group".to_string(),
            },
            "target_group_fte_at_headline" => periods[impact.headline_period].clone(),
            "cash_to_focus" | "unmet_care_years_to_focus" => span(periods, 0, focus),
            "cash_total" | "unmet_care_years_total" => span(periods, 0, last),
            "unmet_care_years_total_mixed" => String::new(),
            _ => String::new(),
        }
    };
    let headline = df!(
        "measure" => measures.iter().map(|m| m.0.to_string()).collect::<Vec<_>>(),
        "base" => measures.iter().map(|m| m.1.is_finite().then_some(m.1)).collect::<Vec<_>>(),
        "policy" => measures.iter().map(|m| m.2.is_finite().then_some(m.2)).collect::<Vec<_>>(),
        "change" => measures.iter().map(|m| m.3.is_finite().then_some(m.3)).collect::<Vec<_>>(),
        "note" => measures.iter().map(|m| note(m.0)).collect::<Vec<_>>(),
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
    // Every group's channels: national rows, then each region's.
    let mut channel_sets: Vec<(&str, Option<usize>, &Vec<Channel>)> = impact
        .groups
        .iter()
        .zip(&impact.group_channels)
        .map(|(g, channels)| (g.id.as_str(), None, channels))
        .collect();
    channel_sets.extend(
        impact
            .regional_groups
            .iter()
            .zip(&impact.regional_group_channels)
            .map(|(g, channels)| (g.id.as_str(), g.region, channels)),
    );
    let (mut group, mut label, mut flow, mut channel, mut kind, mut period, mut change, mut region) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for (group_id, region_index, channels) in channel_sets {
        for c in channels {
            for (t, value) in c.change_by_period.iter().enumerate() {
                group.push(group_id.to_string());
                label.push(c.label.clone());
                flow.push(c.flow.clone());
                channel.push(c.channel.clone());
                kind.push(if c.is_inflow() { "inflow" } else { "outflow" }.to_string());
                period.push(periods[t].clone());
                change.push(*value);
                region.push(impact.region_id(region_index).to_string());
            }
        }
    }
    tables.push((
        "channels.csv".to_string(),
        with_region(
            df!("group" => group, "flow" => flow, "channel" => channel, "kind" => kind, "label" => label, "period" => period, "change_fte" => change)?,
            region,
        )?,
    ));

    let (mut service, mut unit, mut period, mut db, mut dp, mut ub, mut up, mut region) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for s in impact.services.iter().chain(&impact.regional_services) {
        for (t, label) in periods.iter().enumerate() {
            region.push(impact.region_id(s.region).to_string());
            service.push(s.id.clone());
            unit.push(s.care_unit.clone());
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
            df!("service" => service, "period" => period, "delivered_base_fte" => db, "delivered_policy_fte" => dp, "delivered_change_fte" => delivered_change, "unmet_base_fte" => ub, "unmet_policy_fte" => up, "unmet_change_fte" => unmet_change, "care_unit" => unit)?,
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
        df!("category" => category, "period" => period, "base_cash" => cb, "policy_cash" => cp, "change_cash" => cost_change)?,
    ));
    tables.extend(super::finance::tables(impact)?);
    if let Some(frame) = super::ages::change_frame(impact)? {
        tables.push(("ages_change.csv".to_string(), frame));
    }
    if !impact.history.is_empty() {
        let points: Vec<HistoryPoint> = impact
            .history
            .iter()
            .flat_map(|h| {
                [(&impact.base, h.base), (&impact.policy, h.policy)].map(|(scenario, value)| {
                    HistoryPoint {
                        row: &h.row,
                        period: &periods[h.period],
                        scenario,
                        model_value: value,
                    }
                })
            })
            .collect();
        tables.push((
            "history_fit.csv".to_string(),
            wfplan_engine::tables::history_fit_frame(&points)?,
        ));
    }
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
    files.extend(super::chart_files(out_dir, &charts));
    if let Some(near) = &impact.near_optimal {
        files.push((out_dir.join("near_optimal.csv"), near_optimal_csv(near)?));
    }
    for (name, mut frame) in impact_tables(impact)? {
        files.push((out_dir.join(name), to_csv(&mut frame)?));
    }
    files.extend(super::document_files(
        out_dir,
        &impact_document(impact),
        &charts,
    ));
    Ok(files)
}

/// near_optimal.csv: one row per decision the report names, with its value
/// in the reported plans and the least and most it can be across plans of
/// each scenario within the tolerance, and the same for the change.
fn near_optimal_csv(near: &wfplan_analysis::near_optimal::NearOptimal) -> Result<Vec<u8>> {
    let ranges = &near.ranges;
    let text = |f: &dyn Fn(&wfplan_analysis::near_optimal::Range) -> String| -> Vec<String> {
        ranges.iter().map(f).collect()
    };
    let number = |f: &dyn Fn(&wfplan_analysis::near_optimal::Range) -> f64| -> Vec<f64> {
        ranges.iter().map(f).collect()
    };
    let entity = |r: &wfplan_analysis::near_optimal::Range| match &r.kind {
        wfplan_analysis::near_optimal::Kind::Channel { group, .. }
        | wfplan_analysis::near_optimal::Kind::Group { group } => group.clone(),
        wfplan_analysis::near_optimal::Kind::Care { service } => service.clone(),
    };
    let mut frame = df!(
        "key" => text(&|r| r.key.clone()),
        "kind" => text(&|r| r.kind.as_str().to_string()),
        "entity" => text(&entity),
        "flow" => text(&|r| match &r.kind { wfplan_analysis::near_optimal::Kind::Channel { flow, .. } => flow.clone(), _ => String::new() }),
        "channel" => text(&|r| match &r.kind { wfplan_analysis::near_optimal::Kind::Channel { channel, .. } => channel.clone(), _ => String::new() }),
        "label" => text(&|r| r.label.clone()),
        "unit" => text(&|r| r.unit.clone()),
        "over" => text(&|r| r.over.clone()),
        "tolerance" => vec![near.tolerance; ranges.len()],
        "change" => number(&|r| r.change()),
        "change_least" => number(&|r| r.change_low),
        "change_most" => number(&|r| r.change_high),
        "robust" => ranges.iter().map(|r| r.robust()).collect::<Vec<_>>(),
        "base" => number(&|r| r.base),
        "base_least" => number(&|r| r.base_low),
        "base_most" => number(&|r| r.base_high),
        "policy" => number(&|r| r.policy),
        "policy_least" => number(&|r| r.policy_low),
        "policy_most" => number(&|r| r.policy_high),
    )?;
    to_csv(&mut frame)
}

/// The headline figures as one JSON document (`wfplan compare --json`):
/// the same numbers as headline.csv, the shadow prices of the policy's new
/// targets and limits, and every service's change in care. With regions
/// also `regions`, the target's `region` (null: national),
/// `target_group_fte_by_region` (largest gain first), `services_by_region`
/// (each service's regions, largest loss first) and `largest_regional_loss`.
pub fn headline_value(impact: &Impact) -> serde_json::Value {
    use serde_json::json;
    let headline = impact.headline_period;
    let group = impact.target();
    let (base_cash, policy_cash) = impact.cash_by_period();
    let cash_change = impact.cash_change();
    let per_fte = wfplan_analysis::compare::cost_per_extra_fte(impact);
    let shadow_prices: Vec<_> = impact
        .condition_changes
        .iter()
        .flat_map(|c| {
            [(false, c.base.as_ref()), (true, c.policy.as_ref())]
                .into_iter()
                .filter_map(move |(policy, r)| r.map(|r| (policy, r)))
        })
        .map(|(policy, c)| {
            json!({
                "scenario": if policy { &impact.policy } else { &impact.base },
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
    let changes: Vec<_> = impact
        .changes
        .iter()
        .map(|c| {
            json!({
                "kind": c.kind.as_str(),
                "path": c.path,
                "name": c.name,
                "unit": c.unit,
                "base": c.base,
                "policy": c.policy,
                "group": c.group,
                "region": c.region,
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
        "changes": changes,
        "target_group": group.map(|g| json!({ "id": g.id, "name": g.name })),
        "headline_period": impact.periods[headline],
        "headline_reason": impact.headline_reason,
        "target_group_fte": group.map(|g| json!({
            "base": g.stock_base[headline],
            "policy": g.stock_policy[headline],
            "change": g.change()[headline],
        })),
        "target_group_fte_years_change": group.map(|_| impact.target_fte_years()),
        "cash": {
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
        "cost_per_extra_fte_at_headline": per_fte.map(|(per, _)| per),
        "cost_per_extra_fte_year": per_fte.and_then(|(_, per)| per),
        "end_years": impact.periods[impact.horizon.end_from.min(impact.periods.len())..].to_vec(),
        "anticipation_years": impact.anticipation_periods().iter().map(|t| impact.periods[*t].clone()).collect::<Vec<_>>(),
        "shadow_prices": shadow_prices,
        "service_losses": service_losses,
        "services": services,
        "unmet_change_fte_years": impact.unmet_change_by_period().iter().sum::<f64>(),
    });
    if let Some(near) = &impact.near_optimal {
        value["near_optimal"] = json!({
            "tolerance": near.tolerance,
            "solves": near.solves,
            "ranges": near.ranges.iter().map(|r| json!({
                "key": r.key,
                "change": r.change(),
                "low": r.change_low,
                "high": r.change_high,
                "robust": r.robust(),
            })).collect::<Vec<_>>(),
        });
    }
    if impact.has_regions() {
        if group.is_some() {
            value["target_group"]["region"] =
                json!(impact.target_region.map(|r| &impact.regions[r].id));
        }
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
