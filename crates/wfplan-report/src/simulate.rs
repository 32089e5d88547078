//! What a simulation writes: samples.csv (a row per sample), quantiles.csv
//! (P5, P25, P50, P75, P95 and the mean of each quantity, per period and
//! over the horizon), conditions.csv (the probability that each target
//! and limit holds), fan charts, and report.md / report.html.
//!
//! Quantiles are over the samples with a plan (optimal, or — fixed plan —
//! a target missed), by linear interpolation between order statistics
//! (Hyndman and Fan's type 7, numpy's default). A probability of meeting a
//! target is over all samples: one without a plan counts as not met.

use anyhow::Result;
use polars::prelude::*;

use super::document::{literal, Document};
use super::scale;
use wfplan_charts::{self as charts, Chart, FanLabels, FanPanel};
use wfplan_text::number::money;

use wfplan_analysis::simulate::{fte, Layout, Plan, SampleResult, Simulation, TARGET_MISSED};

/// The quantiles reported, as fractions, and their column names.
pub const QUANTILES: [(f64, &str); 5] = [
    (0.05, "p5"),
    (0.25, "p25"),
    (0.5, "p50"),
    (0.75, "p75"),
    (0.95, "p95"),
];

/// The q-quantile of sorted values (type 7); NaN for none.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let fraction = position - below as f64;
    sorted[below] + (sorted[above] - sorted[below]) * fraction
}

/// One quantity over the samples with a plan.
#[derive(Debug, Clone)]
pub struct Quantity {
    /// `stock`, `unmet`, `cash`, `penalty`, `objective`, `cash_discounted`,
    /// `penalty_discounted`.
    pub measure: String,
    /// The group or service id ("" for a total).
    pub id: String,
    /// A period label, or `total` (over the horizon).
    pub period: String,
    /// P5, P25, P50, P75, P95.
    pub quantiles: [f64; 5],
    pub mean: f64,
    /// The central plan's value.
    pub central: Option<f64>,
    pub samples: usize,
}

/// A base scenario solved under the same draws as the simulated one
/// (`--base`): the extra cash of the simulated scenario, sample by sample.
pub struct Against<'a> {
    /// The base scenario's id (`base`: the model as written).
    pub base: String,
    /// The simulated scenario's id (`base` without `--scenario`).
    pub policy: String,
    /// The base's result for each sample, in sample order.
    pub results: &'a [SampleResult],
    /// The base's central plan.
    pub central: Option<&'a SampleResult>,
}

impl Against<'_> {
    /// Policy minus base, per period (cash, outturn prices), when both have a plan.
    fn extra_cash(policy: &SampleResult, base: &SampleResult, period: usize) -> Option<f64> {
        Some(policy.measures.as_ref()?.cash[period] - base.measures.as_ref()?.cash[period])
    }

    fn difference(
        policy: &SampleResult,
        base: &SampleResult,
        pick: fn(&SampleResult) -> Option<f64>,
    ) -> Option<f64> {
        Some(pick(policy)? - pick(base)?)
    }
}

/// Summary statistics of `values` (sorted here).
fn summarise(mut values: Vec<f64>) -> ([f64; 5], f64, usize) {
    values.sort_by(f64::total_cmp);
    let mut quantiles = [f64::NAN; 5];
    for (slot, (q, _)) in quantiles.iter_mut().zip(QUANTILES) {
        *slot = quantile(&values, q);
    }
    let mean = if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    };
    (quantiles, mean, values.len())
}

/// The extra cash of the simulated scenario over the base: per period
/// (`extra_cash`, outturn prices) and over the horizon (`extra_cash` in outturn prices,
/// `extra_cash_discounted`), over the samples where both have a plan.
fn extra_quantities(
    layout: &Layout,
    results: &[SampleResult],
    central: Option<&SampleResult>,
    against: &Against,
) -> Vec<Quantity> {
    let mut out = Vec::new();
    let mut push = |period: &str,
                    measure: &str,
                    pick: &dyn Fn(&SampleResult, &SampleResult) -> Option<f64>| {
        let values: Vec<f64> = results
            .iter()
            .zip(against.results)
            .filter_map(|(policy, base)| pick(policy, base))
            .collect();
        let (quantiles, mean, samples) = summarise(values);
        out.push(Quantity {
            measure: measure.to_string(),
            id: String::new(),
            period: period.to_string(),
            quantiles,
            mean,
            central: central
                .zip(against.central)
                .and_then(|(policy, base)| pick(policy, base)),
            samples,
        });
    };
    for (index, period) in layout.periods.iter().enumerate() {
        push(period, "extra_cash", &|p, b| {
            Against::extra_cash(p, b, index)
        });
    }
    push("total", "extra_cash", &|p, b| {
        Against::difference(p, b, |r| r.cash_outturn)
    });
    push("total", "extra_cash_discounted", &|p, b| {
        Against::difference(p, b, |r| r.cash)
    });
    out
}

/// Every quantity of the simulation, in table order: per period the stock
/// of each group, the unmet demand of each service, cash (outturn prices) and
/// penalty; then over the horizon unmet demand by service, cash (outturn prices),
/// discounted cash, discounted penalty and the objective; with a base
/// scenario, the extra cash over it (see `extra_quantities`).
pub fn quantities(
    layout: &Layout,
    results: &[SampleResult],
    central: Option<&SampleResult>,
    against: Option<&Against>,
) -> Vec<Quantity> {
    let planned: Vec<&SampleResult> = results.iter().filter(|r| r.has_plan()).collect();
    let mut out = Vec::new();
    let mut push =
        |measure: &str, id: &str, period: &str, pick: &dyn Fn(&SampleResult) -> Option<f64>| {
            let mut values: Vec<f64> = planned.iter().filter_map(|r| pick(r)).collect();
            values.sort_by(f64::total_cmp);
            let mut quantiles = [f64::NAN; 5];
            for (slot, (q, _)) in quantiles.iter_mut().zip(QUANTILES) {
                *slot = quantile(&values, q);
            }
            let mean = if values.is_empty() {
                f64::NAN
            } else {
                values.iter().sum::<f64>() / values.len() as f64
            };
            out.push(Quantity {
                measure: measure.to_string(),
                id: id.to_string(),
                period: period.to_string(),
                quantiles,
                mean,
                central: central.and_then(pick),
                samples: values.len(),
            });
        };
    for (period_index, period) in layout.periods.iter().enumerate() {
        for (group, (id, _)) in layout.groups.iter().enumerate() {
            push("stock", id, period, &|r| {
                r.measures.as_ref().map(|m| m.stock[group][period_index])
            });
        }
        for (service, (id, _)) in layout.services.iter().enumerate() {
            push("unmet", id, period, &|r| {
                r.measures.as_ref().map(|m| m.unmet[service][period_index])
            });
        }
        push("cash", "", period, &|r| {
            r.measures.as_ref().map(|m| m.cash[period_index])
        });
        push("penalty", "", period, &|r| {
            r.measures.as_ref().map(|m| m.penalty[period_index])
        });
    }
    for (service, (id, _)) in layout.services.iter().enumerate() {
        push("unmet", id, "total", &|r| {
            r.measures.as_ref().map(|m| m.unmet[service].iter().sum())
        });
    }
    push("cash", "", "total", &|r| r.cash_outturn);
    push("cash_discounted", "", "total", &|r| r.cash);
    push("penalty_discounted", "", "total", &|r| r.penalty);
    push("objective", "", "total", &|r| r.objective);
    if let Some(against) = against {
        out.extend(extra_quantities(layout, results, central, against));
    }
    out
}

/// Finds a quantity.
fn find<'a>(
    quantities: &'a [Quantity],
    measure: &str,
    id: &str,
    period: &str,
) -> Option<&'a Quantity> {
    quantities
        .iter()
        .find(|q| q.measure == measure && q.id == id && q.period == period)
}

/// A report table row of a quantity with samples: id, P5, P50, P95 (FTE)
/// and the central plan's value; None when no sample had a plan.
fn quantile_row(quantity: &Quantity, id: &str) -> Option<Vec<String>> {
    (quantity.samples > 0).then(|| {
        vec![
            id.to_string(),
            fte(quantity.quantiles[0]),
            fte(quantity.quantiles[2]),
            fte(quantity.quantiles[4]),
            quantity.central.map(fte).unwrap_or_default(),
        ]
    })
}

/// samples.csv: a row per sample in sample order — `sample` (1-based), the
/// draws (a column per uncertain parameter), status, explanation,
/// objective, cash and penalty (discounted), cash_outturn, unmet demand by
/// service over the horizon (`unmet[service]`), each group's stock at the
/// layout's stock period (`stock[group,period]`), and whether each target
/// is met (`met[id]`) and each limit held (`held[id]`): 1 or 0, empty
/// without a plan. `results` are samples `first..first + results.len()`
/// (a shard's slice; 0 for the whole run).
pub fn samples_table(
    simulation: &Simulation,
    layout: &Layout,
    first: usize,
    results: &[SampleResult],
    against: Option<&Against>,
) -> Result<DataFrame> {
    let count = results.len();
    let samples = first..first + count;
    let mut columns: Vec<Column> = Vec::new();
    columns.push(Column::new(
        "sample".into(),
        samples.clone().map(|i| i as u64 + 1).collect::<Vec<u64>>(),
    ));
    let draws: Vec<Vec<f64>> = samples.map(|i| simulation.draws(i)).collect();
    for (position, parameter) in simulation.parameters.list.iter().enumerate() {
        columns.push(Column::new(
            parameter.column().as_str().into(),
            draws.iter().map(|d| d[position]).collect::<Vec<f64>>(),
        ));
    }
    columns.push(Column::new(
        "status".into(),
        results.iter().map(|r| r.status.clone()).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "explanation".into(),
        results
            .iter()
            .map(|r| r.explanation.clone())
            .collect::<Vec<_>>(),
    ));
    type Pick = fn(&SampleResult) -> Option<f64>;
    let totals: [(&str, Pick); 4] = [
        ("objective", |r| r.objective),
        ("cash", |r| r.cash),
        ("penalty", |r| r.penalty),
        ("cash_outturn", |r| r.cash_outturn),
    ];
    for (name, pick) in totals {
        columns.push(Column::new(
            name.into(),
            results.iter().map(pick).collect::<Vec<_>>(),
        ));
    }
    if let Some(against) = against {
        let base = against.results;
        columns.push(Column::new(
            "base_status".into(),
            base.iter().map(|r| r.status.clone()).collect::<Vec<_>>(),
        ));
        for (name, pick) in totals {
            columns.push(Column::new(
                format!("base_{name}").as_str().into(),
                base.iter().map(pick).collect::<Vec<_>>(),
            ));
        }
        let differences: [(&str, Pick); 2] = [
            ("extra_cash", |r| r.cash),
            ("extra_cash_outturn", |r| r.cash_outturn),
        ];
        for (name, pick) in differences {
            columns.push(Column::new(
                name.into(),
                results
                    .iter()
                    .zip(base)
                    .map(|(p, b)| Against::difference(p, b, pick))
                    .collect::<Vec<_>>(),
            ));
        }
    }
    for (service, (id, _)) in layout.services.iter().enumerate() {
        columns.push(Column::new(
            format!("unmet[{id}]").as_str().into(),
            results
                .iter()
                .map(|r| {
                    r.measures
                        .as_ref()
                        .map(|m| m.unmet[service].iter().sum::<f64>())
                })
                .collect::<Vec<_>>(),
        ));
    }
    let period = layout.stock_period;
    let label = &layout.periods[period];
    for (group, (id, _)) in layout.groups.iter().enumerate() {
        columns.push(Column::new(
            format!("stock[{id},{label}]").as_str().into(),
            results
                .iter()
                .map(|r| r.measures.as_ref().map(|m| m.stock[group][period]))
                .collect::<Vec<_>>(),
        ));
    }
    for (index, (kind, id, _, _)) in layout.conditions.iter().enumerate() {
        let name = if kind == "target" {
            format!("met[{id}]")
        } else {
            format!("held[{id}]")
        };
        columns.push(Column::new(
            name.as_str().into(),
            results
                .iter()
                .map(|r| r.measures.as_ref().map(|m| u8::from(m.met[index])))
                .collect::<Vec<_>>(),
        ));
    }
    Ok(DataFrame::new(count, columns)?)
}

/// quantiles.csv: measure, id, period, p5, p25, p50, p75, p95, mean,
/// central (the central plan's value), samples (the samples with a plan).
pub fn quantiles_table(quantities: &[Quantity]) -> Result<DataFrame> {
    let mut columns: Vec<Column> = vec![
        Column::new(
            "measure".into(),
            quantities
                .iter()
                .map(|q| q.measure.clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "id".into(),
            quantities.iter().map(|q| q.id.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "period".into(),
            quantities
                .iter()
                .map(|q| q.period.clone())
                .collect::<Vec<_>>(),
        ),
    ];
    for (position, (_, name)) in QUANTILES.iter().enumerate() {
        columns.push(Column::new(
            (*name).into(),
            quantities
                .iter()
                .map(|q| finite(q.quantiles[position]))
                .collect::<Vec<_>>(),
        ));
    }
    columns.push(Column::new(
        "mean".into(),
        quantities
            .iter()
            .map(|q| finite(q.mean))
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "central".into(),
        quantities.iter().map(|q| q.central).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "samples".into(),
        quantities
            .iter()
            .map(|q| q.samples as u64)
            .collect::<Vec<_>>(),
    ));
    Ok(DataFrame::new(quantities.len(), columns)?)
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

/// How often each target is met and each limit held.
#[derive(Debug, Clone)]
pub struct ConditionOdds {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub hard: bool,
    /// Samples where it holds (over all samples: none without a plan).
    pub met: usize,
    pub samples: usize,
    pub central: Option<bool>,
}

impl ConditionOdds {
    pub fn probability(&self) -> f64 {
        self.met as f64 / self.samples.max(1) as f64
    }
}

pub fn condition_odds(
    layout: &Layout,
    results: &[SampleResult],
    central: Option<&SampleResult>,
) -> Vec<ConditionOdds> {
    layout
        .conditions
        .iter()
        .enumerate()
        .map(|(index, (kind, id, name, hard))| ConditionOdds {
            kind: kind.clone(),
            id: id.clone(),
            name: name.clone(),
            hard: *hard,
            met: results
                .iter()
                .filter(|r| r.measures.as_ref().is_some_and(|m| m.met[index]))
                .count(),
            samples: results.len(),
            central: central
                .and_then(|c| c.measures.as_ref())
                .map(|m| m.met[index]),
        })
        .collect()
}

/// conditions.csv: kind, id, name, hard, probability, samples_met,
/// samples, central_met.
pub fn conditions_table(odds: &[ConditionOdds]) -> Result<DataFrame> {
    Ok(DataFrame::new(
        odds.len(),
        vec![
            Column::new(
                "kind".into(),
                odds.iter().map(|o| o.kind.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "id".into(),
                odds.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "name".into(),
                odds.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "hard".into(),
                odds.iter().map(|o| o.hard).collect::<Vec<_>>(),
            ),
            Column::new(
                "probability".into(),
                odds.iter().map(|o| o.probability()).collect::<Vec<_>>(),
            ),
            Column::new(
                "samples_met".into(),
                odds.iter().map(|o| o.met as u64).collect::<Vec<_>>(),
            ),
            Column::new(
                "samples".into(),
                odds.iter().map(|o| o.samples as u64).collect::<Vec<_>>(),
            ),
            Column::new(
                "central_met".into(),
                odds.iter().map(|o| o.central).collect::<Vec<_>>(),
            ),
        ],
    )?)
}

/// Counts by status, in order of first appearance.
pub fn status_counts(results: &[SampleResult]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for result in results {
        match counts
            .iter_mut()
            .find(|(status, _)| *status == result.status)
        {
            Some((_, count)) => *count += 1,
            None => counts.push((result.status.clone(), 1)),
        }
    }
    counts
}

/// A fan panel from the quantities of one measure and id over periods.
fn fan_panel(
    quantities: &[Quantity],
    layout: &Layout,
    measure: &str,
    id: &str,
    title: String,
    reference: bool,
) -> FanPanel {
    let series = |position: usize| -> Vec<f64> {
        layout
            .periods
            .iter()
            .map(|period| {
                find(quantities, measure, id, period).map_or(f64::NAN, |q| q.quantiles[position])
            })
            .collect()
    };
    let central: Vec<f64> = layout
        .periods
        .iter()
        .map(|period| {
            find(quantities, measure, id, period)
                .and_then(|q| q.central)
                .unwrap_or(f64::NAN)
        })
        .collect();
    FanPanel {
        title,
        outer: (series(0), series(4)),
        inner: (series(1), series(3)),
        middle: series(2),
        reference: (reference && central.iter().any(|v| v.is_finite())).then_some(central),
    }
}

fn fan_labels(plan: Plan) -> FanLabels {
    FanLabels {
        outer: "90% of samples (P5–P95)".to_string(),
        inner: "50% (P25–P75)".to_string(),
        middle: "median".to_string(),
        reference: match plan {
            Plan::Reoptimise => "central plan".to_string(),
            Plan::Fixed => "central plan as planned".to_string(),
        },
    }
}

/// The fan charts: staff by group, unmet demand by service (those with
/// any), and cash (outturn prices) per period. At most `scale::MAX_PANELS` panels,
/// the largest by median.
pub fn charts(
    simulation: &Simulation,
    layout: &Layout,
    quantities: &[Quantity],
    against: Option<&Against>,
) -> Result<Vec<(String, Chart)>> {
    let labels = fan_labels(simulation.plan);
    let weight = |measure: &str, id: &str| -> f64 {
        layout
            .periods
            .iter()
            .filter_map(|p| find(quantities, measure, id, p))
            .map(|q| q.quantiles[4].abs())
            .filter(|v| v.is_finite())
            .sum()
    };
    let mut out = Vec::new();
    let groups: Vec<&(String, String)> = layout.groups.iter().collect();
    let (groups, _) = scale::split_top(groups, |(id, _)| weight("stock", id), scale::MAX_PANELS);
    let panels: Vec<FanPanel> = groups
        .iter()
        .map(|(id, _)| fan_panel(quantities, layout, "stock", id, id.clone(), true))
        .collect();
    if !panels.is_empty() {
        out.push((
            "stock_fan".to_string(),
            charts::fan_chart(
                "Staff in post (FTE at the end of each period)",
                &layout.periods,
                "FTE",
                &labels,
                &panels,
            )?,
        ));
    }
    let services: Vec<&(String, String)> = layout
        .services
        .iter()
        .filter(|(id, _)| weight("unmet", id) > 0.0)
        .collect();
    let (services, _) =
        scale::split_top(services, |(id, _)| weight("unmet", id), scale::MAX_PANELS);
    let panels: Vec<FanPanel> = services
        .iter()
        .map(|(id, _)| fan_panel(quantities, layout, "unmet", id, id.clone(), true))
        .collect();
    if !panels.is_empty() {
        out.push((
            "unmet_fan".to_string(),
            charts::fan_chart(
                "Unmet demand (FTE)",
                &layout.periods,
                "FTE",
                &labels,
                &panels,
            )?,
        ));
    }
    let mut cash_fans = vec![("cash_fan", "cash", "Cash cost per period".to_string())];
    if let Some(against) = against {
        cash_fans.push((
            "extra_cash_fan",
            "extra_cash",
            format!(
                "Extra cash of '{}' over '{}' per period",
                against.policy, against.base
            ),
        ));
    }
    for (stem, measure, title) in cash_fans {
        out.push((
            stem.to_string(),
            cash_fan(quantities, layout, &labels, measure, &title)?,
        ));
    }
    Ok(out)
}

/// A one-panel fan of cash per period, in millions when it runs into
/// millions so that the axis reads.
fn cash_fan(
    quantities: &[Quantity],
    layout: &Layout,
    labels: &FanLabels,
    measure: &str,
    title: &str,
) -> Result<Chart> {
    let mut cash = fan_panel(quantities, layout, measure, "", String::new(), true);
    let largest = cash
        .outer
        .0
        .iter()
        .chain(&cash.outer.1)
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, |most: f64, v| most.max(v.abs()));
    let (divisor, unit) = if largest >= 1e7 {
        (1e6, format!("{} million", layout.currency))
    } else {
        (1.0, layout.currency.clone())
    };
    let scaled = |values: &mut Vec<f64>| values.iter_mut().for_each(|v| *v /= divisor);
    scaled(&mut cash.outer.0);
    scaled(&mut cash.outer.1);
    scaled(&mut cash.inner.0);
    scaled(&mut cash.inner.1);
    scaled(&mut cash.middle);
    if let Some(reference) = &mut cash.reference {
        scaled(reference);
    }
    charts::fan_chart(
        &format!("{title} ({unit}, cash in outturn prices)"),
        &layout.periods,
        &unit,
        labels,
        &[cash],
    )
}

/// "£1.23bn–£1.31bn".
fn money_range(low: f64, high: f64, currency: &str) -> String {
    format!("{}–{}", money(low, currency), money(high, currency))
}

fn percent(probability: f64) -> String {
    let value = probability * 100.0;
    if value > 0.0 && value < 0.1 {
        "under 0.1%".to_string()
    } else if value < 100.0 && value > 99.9 {
        "over 99.9%".to_string()
    } else {
        format!(
            "{}%",
            wfplan_text::number::six_decimals((value * 10.0).round() / 10.0)
        )
    }
}

/// The finance director's sentences: the 90% interval of the cash cost
/// (outturn prices and discounted), its median and the central plan's, the
/// penalty's interval, each target's probability of being met.
pub fn headline(
    simulation: &Simulation,
    layout: &Layout,
    results: &[SampleResult],
    quantities: &[Quantity],
    odds: &[ConditionOdds],
    against: Option<&Against>,
) -> Vec<String> {
    let currency = &layout.currency;
    let first = layout.periods.first().cloned().unwrap_or_default();
    let last = layout.periods.last().cloned().unwrap_or_default();
    let horizon = if first == last {
        format!("in {first}")
    } else {
        format!("over {first}–{last}")
    };
    let planned = results.iter().filter(|r| r.has_plan()).count();
    let mut lines = Vec::new();
    if let Some(against) = against {
        if let Some(extra) = find(quantities, "extra_cash", "", "total").filter(|q| q.samples > 0) {
            let plans = match simulation.plan {
                Plan::Reoptimise => "the best plans for each sample",
                Plan::Fixed => "each scenario's central plan, re-deployed in each sample",
            };
            let mut line = format!(
                "90% interval for the cash cost of `{}` against `{}` {horizon}: **{}** (cash in outturn prices; {plans}; P5–P95 of {} samples where both have a plan), median {}",
                literal(&against.policy),
                literal(&against.base),
                money_range(extra.quantiles[0], extra.quantiles[4], currency),
                extra.samples,
                money(extra.quantiles[2], currency)
            );
            if let Some(central) = extra.central {
                line.push_str(&format!(
                    "; under central assumptions {}",
                    money(central, currency)
                ));
            }
            line.push('.');
            lines.push(line);
        }
        if let Some(extra) =
            find(quantities, "extra_cash_discounted", "", "total").filter(|q| q.samples > 0)
        {
            lines.push(format!(
                "Discounted, that extra cash is {} (median {}).",
                money_range(extra.quantiles[0], extra.quantiles[4], currency),
                money(extra.quantiles[2], currency)
            ));
        }
    }
    let what = match simulation.plan {
        Plan::Reoptimise => "the cash cost of the best plan for each sample",
        Plan::Fixed => "the cash cost of the central plan, re-deployed in each sample",
    };
    if let Some(cash) = find(quantities, "cash", "", "total").filter(|q| q.samples > 0) {
        let mut line = format!(
            "90% interval for {what} {horizon}: **{}** (cash in outturn prices; P5–P95 of {} samples with a plan), median {}",
            money_range(cash.quantiles[0], cash.quantiles[4], currency),
            planned,
            money(cash.quantiles[2], currency)
        );
        if let Some(central) = cash.central {
            line.push_str(&format!(
                "; the central plan costs {}",
                money(central, currency)
            ));
        }
        line.push('.');
        lines.push(line);
    }
    if let Some(cash) = find(quantities, "cash_discounted", "", "total").filter(|q| q.samples > 0) {
        lines.push(format!(
            "Discounted, the same interval is {} (median {}).",
            money_range(cash.quantiles[0], cash.quantiles[4], currency),
            money(cash.quantiles[2], currency)
        ));
    }
    if let Some(penalty) =
        find(quantities, "penalty_discounted", "", "total").filter(|q| q.samples > 0)
    {
        if penalty.quantiles[4] > 0.0 {
            lines.push(format!(
                "90% interval for the penalty (the valuation of unmet care and of soft targets missed, not cash; discounted): {}.",
                money_range(penalty.quantiles[0], penalty.quantiles[4], currency)
            ));
        }
    }
    for condition in odds.iter().filter(|o| o.kind == "target") {
        lines.push(format!(
            "Target `{}` ({}) is met in {} of samples ({} of {}).",
            literal(&condition.id),
            literal(&condition.name),
            percent(condition.probability()),
            condition.met,
            condition.samples
        ));
    }
    for (id, name) in &layout.services {
        if let Some(unmet) = find(quantities, "unmet", id, "total").filter(|q| q.quantiles[4] > 0.0)
        {
            lines.push(format!(
                "{}: 90% interval of demand not met {horizon}: {}–{} FTE-years (median {}).",
                literal(name),
                fte(unmet.quantiles[0]),
                fte(unmet.quantiles[4]),
                fte(unmet.quantiles[2])
            ));
        }
    }
    lines
}

/// report.md / report.html.
#[allow(clippy::too_many_arguments)]
pub fn document(
    simulation: &Simulation,
    layout: &Layout,
    results: &[SampleResult],
    quantities: &[Quantity],
    odds: &[ConditionOdds],
    central_error: Option<&str>,
    charts: &[(String, Chart)],
    against: Option<&Against>,
) -> Document {
    let currency = &layout.currency;
    let mut document = Document::new(format!("Uncertainty: {}", layout.name));
    let counts = status_counts(results)
        .into_iter()
        .map(|(status, count)| format!("{count} {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    let plan = match simulation.plan {
        Plan::Reoptimise => "`reoptimise`: each sample is solved for its own draws — the best plan had we known them".to_string(),
        Plan::Fixed => "`fixed`: the hires, training intakes, moves and exits of the plan made under central assumptions are kept in every sample, and only deployment, temporary staff and unmet demand are re-solved — how the plan holds up, and what it costs when the assumptions are wrong".to_string(),
    };
    let scenario = simulation
        .scenario
        .as_ref()
        .map(|s| format!(", scenario `{}`", literal(s)))
        .unwrap_or_default();
    document.paragraph(format!(
        "{} samples (seed {}{scenario}; {counts}). Plan {plan}.",
        results.len(),
        simulation.seed
    ));
    if let Some(against) = against {
        let counts = status_counts(against.results)
            .into_iter()
            .map(|(status, count)| format!("{count} {status}"))
            .collect::<Vec<_>>()
            .join(", ");
        document.paragraph(format!(
            "Each sample was also solved under `{}` with the same draws ({counts}), so that the extra cash of `{}` over it is measured sample by sample.",
            literal(&against.base),
            literal(&against.policy)
        ));
    }
    document.heading(2, "In one paragraph");
    document.bullets(headline(
        simulation, layout, results, quantities, odds, against,
    ));
    if let Some(error) = central_error {
        document.paragraph(format!(
            "The central model itself has no optimal plan: {}",
            literal(error)
        ));
    }

    document.heading(2, "Uncertain parameters");
    let rows: Vec<Vec<String>> = simulation
        .parameters
        .list
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.path.clone(),
                match p.apply {
                    wfplan_analysis::simulate::Apply::Set => "value".to_string(),
                    wfplan_analysis::simulate::Apply::Scale => "multiplies every value".to_string(),
                    wfplan_analysis::simulate::Apply::Add => "added to every value".to_string(),
                },
                p.distribution.describe(),
            ]
        })
        .collect();
    document.table(
        vec![
            "id".to_string(),
            "path".to_string(),
            "the draw".to_string(),
            "distribution".to_string(),
        ],
        rows,
    );
    if !simulation.parameters.correlations.is_empty() {
        let list = &simulation.parameters.list;
        document.paragraph(format!(
            "Correlated (Gaussian copula): {}.",
            simulation
                .parameters
                .correlations
                .iter()
                .map(|(a, b, rho)| format!(
                    "`{}` and `{}` {}",
                    literal(&list[*a].id),
                    literal(&list[*b].id),
                    wfplan_text::number::six_decimals(*rho)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let header = |first: &str| -> Vec<String> {
        vec![
            first.to_string(),
            "P5".to_string(),
            "P50".to_string(),
            "P95".to_string(),
            "central plan".to_string(),
        ]
    };
    let money_row = |label: &str, quantity: Option<&Quantity>| -> Option<Vec<String>> {
        let q = quantity?;
        Some(vec![
            label.to_string(),
            money(q.quantiles[0], currency),
            money(q.quantiles[2], currency),
            money(q.quantiles[4], currency),
            q.central.map(|c| money(c, currency)).unwrap_or_default(),
        ])
    };
    document.heading(2, "Cost over the horizon");
    let rows: Vec<Vec<String>> = [
        ("cash (outturn prices)", "cash"),
        ("cash (discounted)", "cash_discounted"),
        ("penalty (discounted)", "penalty_discounted"),
        ("objective", "objective"),
    ]
    .into_iter()
    .chain(against.map(|_| ("extra cash over the base (outturn prices)", "extra_cash")))
    .chain(against.map(|_| {
        (
            "extra cash over the base (discounted)",
            "extra_cash_discounted",
        )
    }))
    .filter_map(|(label, measure)| {
        money_row(
            label,
            find(quantities, measure, "", "total").filter(|q| q.samples > 0),
        )
    })
    .collect();
    document.table(header("cost"), rows);

    document.heading(2, "Targets and limits");
    let rows: Vec<Vec<String>> = odds
        .iter()
        .map(|o| {
            vec![
                format!("{} {}", o.kind, o.id),
                if o.hard { "hard" } else { "soft" }.to_string(),
                percent(o.probability()),
                format!("{} of {}", o.met, o.samples),
                match o.central {
                    Some(true) => "yes".to_string(),
                    Some(false) => "no".to_string(),
                    None => String::new(),
                },
            ]
        })
        .collect();
    document.table(
        vec![
            "condition".to_string(),
            "kind".to_string(),
            "holds in".to_string(),
            "samples".to_string(),
            "central plan".to_string(),
        ],
        rows,
    );

    let period = &layout.periods[layout.stock_period];
    document.heading(2, format!("Staff in post in {period} (FTE)"));
    let rows: Vec<Vec<String>> = layout
        .groups
        .iter()
        .filter_map(|(id, _)| quantile_row(find(quantities, "stock", id, period)?, id))
        .collect();
    document.table(header("group"), rows);

    document.heading(2, "Demand not met over the horizon (FTE-years)");
    let rows: Vec<Vec<String>> = layout
        .services
        .iter()
        .filter_map(|(id, _)| quantile_row(find(quantities, "unmet", id, "total")?, id))
        .collect();
    document.table(header("service"), rows);

    document.heading(2, "Fan charts");
    document.paragraph(
        "Each band holds the middle 90% (light) and 50% (dark) of the samples with a plan, period by period; the line is the median, the orange line the central plan. A band is a pointwise interval, not the path of any one sample.".to_string(),
    );
    for (stem, _) in charts {
        let caption = match stem.as_str() {
            "stock_fan" => "Staff in post by group",
            "unmet_fan" => "Unmet demand by service",
            "extra_cash_fan" => {
                "Extra cash over the base scenario per period (cash, outturn prices)"
            }
            _ => "Cash cost per period (cash, outturn prices)",
        };
        document.chart(stem.clone(), caption);
    }

    let without: Vec<&SampleResult> = results
        .iter()
        .filter(|r| !r.has_plan() || r.status == TARGET_MISSED)
        .collect();
    if !without.is_empty() {
        document.heading(2, "Samples without a plan, or with a target missed");
        let mut items = Vec::new();
        for (status, count) in status_counts(results) {
            if status == "optimal" {
                continue;
            }
            let example = results
                .iter()
                .position(|r| r.status == status)
                .map(|index| {
                    format!(
                        " (e.g. sample {}: {})",
                        index + 1,
                        literal(&results[index].explanation)
                    )
                })
                .unwrap_or_default();
            items.push(format!("{count} {status}{example}"));
        }
        document.bullets(items);
        document.paragraph(
            "Quantiles are over the samples with a plan; a sample without one counts as a target not met. Every sample is a row of samples.csv with its status and explanation.".to_string(),
        );
    }
    document
}
