//! The finance section of the impact report and its tables: what the money
//! is (cash, real, discounted), the gross cost of the policy, the offsets
//! and the net, by year and by staff group and category; cost per outcome
//! with its arithmetic; funding envelopes against spend with their shadow
//! prices. Also costs_by_group.csv of a single plan (`solve --out`).

use anyhow::Result;
use polars::prelude::*;

use super::document::{literal, Document};
use wfplan_analysis::accounts::{self, Basis, FinanceImpact};
use wfplan_analysis::compare::Impact;
use wfplan_engine::solution::Solution;
use wfplan_text::number::format_number;
use wfplan_text::number::money;

/// A price per unit with two decimals: "£0.96", "0.96 NZD".
pub fn per_unit(value: f64, currency: &str) -> String {
    let sign = if value < 0.0 { "−" } else { "" };
    match wfplan_text::number::currency_symbol(currency) {
        Some(symbol) => format!("{sign}{symbol}{:.2}", value.abs()),
        None => format!("{sign}{:.2} {currency}", value.abs()),
    }
}

/// "1 GBP" as a reader says it: "£1", "1 NZD".
fn one_unit(currency: &str) -> String {
    match wfplan_text::number::currency_symbol(currency) {
        Some(symbol) => format!("{symbol}1"),
        None => format!("1 {currency}"),
    }
}

/// What the three bases mean for this model, in one paragraph.
fn bases_paragraph(finance: &FinanceImpact) -> String {
    let mut discount = format!(
        "present value at {}, {}% a year",
        literal(&finance.periods[0]),
        format_number(finance.discount_rate * 100.0)
    );
    if let Some(source) = &finance.discount_rate_source {
        discount.push_str(&format!(" (source: {})", literal(source)));
    }
    if let Some(base) = finance.restated_base() {
        discount.push_str(&format!(", in {} prices", literal(base)));
    }
    let real = match finance.restated_base() {
        Some(base) => format!(
            "{}: cash with inflation taken out, restated from the {} prices the model's money is written in and the plan is optimised in (the plan does not depend on the year chosen)",
            literal(&finance.real_label_text()),
            literal(base)
        ),
        None => format!(
            "{}: cash with inflation taken out; the model's money is written in these prices and the plan is optimised in them",
            literal(&finance.real_label_text())
        ),
    };
    if finance.declared {
        format!(
            "Every amount below says what it is: **cash** (outturn prices: what is paid in each year, with pay rising by the model's pay uplift and other prices by its inflation), **real** ({real}), or **discounted** ({discount})."
        )
    } else {
        format!(
            "The model has no `[finance]` section, so its money is taken as written: **cash** and **real** are the same (no price base is stated, no inflation or pay uplift applied); **discounted** is the {discount}. Add `[finance]` with `price_base`, `inflation` and `pay_uplift` to state cash in outturn prices."
        )
    }
}

/// The headers of a line's three amounts: cash, real and discounted.
fn money_header(currency: &str) -> Vec<String> {
    vec![
        format!("Cash ({currency})"),
        format!("Real ({currency})"),
        format!("Discounted ({currency})"),
    ]
}

/// A line's change over the report's span in cash, real and discounted
/// money (`money_header`'s columns).
fn line_money(finance: &FinanceImpact, line: &accounts::ChangeLine, currency: &str) -> [String; 3] {
    [Basis::Cash, Basis::Real, Basis::Discounted]
        .map(|basis| money(finance.line_total(line, basis), currency))
}

/// The finance section of the impact report, leading with gross, offsets
/// and net.
pub fn section(document: &mut Document, impact: &Impact) {
    let finance = &impact.finance;
    let currency = &finance.currency;
    let periods = &finance.periods;
    let span = format!(
        "{}–{}",
        periods.first().cloned().unwrap_or_default(),
        periods.last().cloned().unwrap_or_default()
    );
    document.paragraph(bases_paragraph(finance));
    let totals: Vec<_> = Basis::ALL.iter().map(|b| finance.gross_net(*b)).collect();
    let row = |label: &str, pick: fn(&accounts::GrossNet) -> f64| {
        let mut row = vec![label.to_string()];
        row.extend(totals.iter().map(|t| money(pick(t), currency)));
        row
    };
    document.paragraph(format!(
        "**Gross cost, offsets and net of '{}' against '{}', {}.** Gross is every increase in spending (each staff group or pool, category and year where the policy spends more: extra pay where groups grow, training, agency); offsets are the spending no longer needed where the policy spends less (pay no longer spent where groups shrink). Net is gross plus offsets. The valuation of unmet care is a penalty, not cash, and is shown apart.",
        literal(&impact.policy),
        literal(&impact.base),
        literal(&span)
    ));
    let mut rows = vec![
        row("Gross cost of the policy", |t| t.gross),
        row("Offsets (spending no longer needed)", |t| t.offsets),
        row("Net cost", |t| t.net),
    ];
    rows.push(vec![
        "Valuation of unmet care (penalty, not cash): change".to_string(),
        "—".to_string(),
        money(finance.penalty_change(Basis::Real), currency),
        money(finance.penalty_change(Basis::Discounted), currency),
    ]);
    document.table(
        vec![
            "Over the horizon".to_string(),
            format!("Cash, outturn prices ({currency})"),
            format!("Real, {} ({currency})", finance.real_label_text()),
            format!("Discounted, present value ({currency})"),
        ],
        rows,
    );

    // By year.
    let mut header = vec!["Per year".to_string()];
    header.extend(periods.iter().cloned());
    let by_year = |label: String, basis: Basis, pick: fn(&accounts::GrossNet) -> f64| {
        let mut row = vec![label];
        row.extend(
            (0..periods.len()).map(|t| money(pick(&finance.gross_net_in(t, basis)), currency)),
        );
        row
    };
    document.table(
        header,
        vec![
            by_year("Gross, cash".to_string(), Basis::Cash, |t| t.gross),
            by_year("Offsets, cash".to_string(), Basis::Cash, |t| t.offsets),
            by_year("Net, cash".to_string(), Basis::Cash, |t| t.net),
            by_year(
                format!("Net, real ({})", finance.real_label_text()),
                Basis::Real,
                |t| t.net,
            ),
            by_year("Net, discounted".to_string(), Basis::Discounted, |t| t.net),
        ],
    );

    // By group and category.
    let mut lines: Vec<(&accounts::ChangeLine, f64)> = finance
        .lines
        .iter()
        .map(|line| (line, finance.line_total(line, Basis::Real)))
        .filter(|(_, total)| total.abs() > 0.5)
        .collect();
    lines.sort_by(|a, b| b.1.total_cmp(&a.1));
    if !lines.is_empty() {
        document.paragraph(format!(
            "Change in cost by staff group (or pool) and category, {span} (costs_by_group.csv has every year):"
        ));
        document.table(
            [
                vec!["Staff group or pool".to_string(), "Category".to_string()],
                money_header(currency),
            ]
            .concat(),
            lines
                .iter()
                .map(|(line, _)| {
                    vec![line.name.clone(), line.category.label().to_string()]
                        .into_iter()
                        .chain(line_money(finance, line, currency))
                        .collect()
                })
                .collect(),
        );
    }

    // By region, staff group and category: ranked, largest change first.
    let mut regional: Vec<(&accounts::ChangeLine, f64)> = finance
        .regional
        .iter()
        .map(|line| (line, finance.line_total(line, Basis::Real)))
        .filter(|(_, total)| total.abs() > 0.5)
        .collect();
    regional.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    if !regional.is_empty() {
        const SHOWN: usize = 15;
        document.paragraph(format!(
            "Change in cost by region, staff group (or pool) and category, {span}, largest first{} (costs_by_group.csv has every region and year; its rows with region `all` are the national totals, the sums of the regions' rows):",
            if regional.len() > SHOWN {
                format!(" ({SHOWN} of {})", regional.len())
            } else {
                String::new()
            }
        ));
        document.table(
            [
                vec![
                    "Region".to_string(),
                    "Staff group or pool".to_string(),
                    "Category".to_string(),
                ],
                money_header(currency),
            ]
            .concat(),
            regional
                .iter()
                .take(SHOWN)
                .map(|(line, _)| {
                    vec![
                        line.region
                            .as_deref()
                            .and_then(|id| impact.regions.iter().find(|r| r.id == id))
                            .map_or(NO_REGION.to_string(), |r| r.name.clone()),
                        line.name.clone(),
                        line.category.label().to_string(),
                    ]
                    .into_iter()
                    .chain(line_money(finance, line, currency))
                    .collect()
                })
                .collect(),
        );
    }

    // Cost per outcome, arithmetic shown.
    let outcomes = outcomes(impact);
    let net_real = totals[1].net;
    let net_discounted = totals[2].net;
    let mut bullets = Vec::new();
    let text = |amount: f64| literal(&money(amount, currency));
    for outcome in &outcomes {
        bullets.push(match outcome.amount {
            Some(amount) if amount > 1e-6 => format!(
                "Per {}: net {} ÷ {} = **{}** real; discounted, {} ÷ {} = {}.",
                literal(&outcome.what),
                text(net_real),
                format_number(amount),
                text(net_real / amount),
                text(net_discounted),
                format_number(amount),
                text(net_discounted / amount),
            ),
            _ => format!(
                "Per {}: not defined — {}.",
                literal(&outcome.what),
                literal(&outcome.why_not)
            ),
        });
    }
    document.paragraph(
        "**Cost per outcome** (net cost, real and discounted, divided by what the policy buys):",
    );
    document.bullets(bullets);

    // Funding envelopes.
    for envelope in &finance.envelopes {
        document.paragraph(format!(
            "**Funding envelope '{}'** ({}{}): the limit against what is spent under it, by year. Its shadow price is the value (discounted, in the objective's terms) of one more {} of envelope in that year{}.",
            literal(&envelope.id),
            literal(&envelope.name),
            if envelope.soft { ", soft: exceeding it carries a penalty" } else { "" },
            literal(&one_unit(currency)),
            if finance.declared { " (a cash pound is worth less than a real one where prices have risen: the cash reading divides by the price index)" } else { "" },
        ));
        let mut rows = Vec::new();
        for (position, &period) in envelope.periods.iter().enumerate() {
            let index = finance.converter.price_index[period];
            let shadow = envelope.shadow_price[position];
            rows.push(vec![
                periods[period].clone(),
                money(envelope.limit[position] * index, currency),
                money(envelope.spend[position] * index, currency),
                money(
                    (envelope.limit[position] - envelope.spend[position]) * index,
                    currency,
                ),
                format!(
                    "{} of value per extra {}",
                    per_unit(shadow / index, currency),
                    one_unit(currency)
                ),
            ]);
        }
        document.table(
            vec![
                "Year".to_string(),
                format!("Envelope, cash ({currency})"),
                format!("Spend, cash ({currency})"),
                "Headroom, cash".to_string(),
                "Shadow price".to_string(),
            ],
            rows,
        );
    }
}

/// Why care outcomes have no cost per unit when services count care in
/// different units.
const MIXED_UNITS: &str = "services count care in different units, which are not added together";

/// One outcome a policy buys, for cost per outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Its id in finance_summary.csv.
    pub measure: &'static str,
    /// e.g. "extra FTE of Health visitors in post in 2014/15".
    pub what: String,
    /// How much the policy buys (None or ≤ 0: not defined).
    pub amount: Option<f64>,
    pub why_not: String,
}

/// The outcomes: extra FTE in post at the headline period, extra FTE-years
/// over the horizon, FTE-years of care delivered, FTE-years of unmet demand
/// avoided.
pub fn outcomes(impact: &Impact) -> Vec<Outcome> {
    let period = &impact.periods[impact.headline_period];
    let gained = impact.target_change_at_headline();
    let years = impact.target_fte_years();
    let care: f64 = impact
        .services
        .iter()
        .map(|s| s.delivered_change().iter().sum::<f64>())
        .sum();
    let unmet: f64 = impact.unmet_change_by_period().iter().sum();
    // Care is never added across services that count it in different units.
    let units_agree = impact.care_units_agree();
    let care_unit = impact
        .services
        .first()
        .map_or("FTE".to_string(), |s| s.care_unit.clone());
    let (name, no_group) = match &impact.target_group_name {
        Some(name) => (name.clone(), None),
        None => (
            "the report group".to_string(),
            Some("the policy is about no one group (name one with --group)".to_string()),
        ),
    };
    vec![
        Outcome {
            measure: "cost_per_extra_fte_at_headline",
            what: format!("extra FTE of {name} in post in {period}"),
            amount: no_group.is_none().then_some(gained),
            why_not: no_group
                .clone()
                .unwrap_or_else(|| format!("{name} do not grow in {period}")),
        },
        Outcome {
            measure: "cost_per_extra_fte_year",
            what: format!("extra FTE-year of {name} over the horizon"),
            amount: no_group.is_none().then_some(years),
            why_not: no_group
                .clone()
                .unwrap_or_else(|| format!("{name} do not grow over the horizon")),
        },
        Outcome {
            measure: "cost_per_fte_year_of_care_delivered",
            what: format!("extra {care_unit}-year of care delivered, all services"),
            amount: units_agree.then_some(care),
            why_not: if units_agree {
                format!(
                    "care delivered changes by {} {care_unit}-years in all",
                    wfplan_text::number::signed(care)
                )
            } else {
                MIXED_UNITS.to_string()
            },
        },
        Outcome {
            measure: "cost_per_fte_year_of_unmet_demand_avoided",
            what: format!("{care_unit}-year of unmet demand avoided"),
            amount: units_agree.then_some(-unmet),
            why_not: if units_agree {
                format!(
                    "unmet demand changes by {} {care_unit}-years, so none is avoided",
                    wfplan_text::number::signed(unmet)
                )
            } else {
                MIXED_UNITS.to_string()
            },
        },
    ]
}

/// costs_by_group.csv and finance_summary.csv of the impact report (and
/// envelope.csv when the policy has a funding envelope).
pub fn tables(impact: &Impact) -> Result<Vec<(String, DataFrame)>> {
    let finance = &impact.finance;
    let periods = &finance.periods;
    let mut tables = Vec::new();

    let mut columns: Vec<(&str, Vec<f64>)> = [
        "base_cash",
        "policy_cash",
        "change_cash",
        "base_real",
        "policy_real",
        "change_real",
        "change_discounted",
    ]
    .into_iter()
    .map(|name| (name, Vec::new()))
    .collect();
    let (mut holder, mut id, mut category, mut period) = (vec![], vec![], vec![], vec![]);
    let mut region = vec![];
    for (line, region_label) in with_regions(&finance.regional, &finance.lines) {
        for (t, label) in periods.iter().enumerate() {
            holder.push(line.holder.as_str().to_string());
            id.push(line.id.clone());
            region.push(region_label.clone());
            category.push(line.category.as_str().to_string());
            period.push(label.clone());
            let convert = |value: f64, basis| finance.converter.convert(value, t, basis);
            let change = line.policy[t] - line.base[t];
            let values = [
                convert(line.base[t], Basis::Cash),
                convert(line.policy[t], Basis::Cash),
                convert(change, Basis::Cash),
                convert(line.base[t], Basis::Real),
                convert(line.policy[t], Basis::Real),
                convert(change, Basis::Real),
                convert(change, Basis::Discounted),
            ];
            for ((_, column), value) in columns.iter_mut().zip(values) {
                column.push(value);
            }
        }
    }
    let mut frame = df!("holder" => holder, "id" => id)?;
    if !finance.regional.is_empty() {
        frame.with_column(Column::new("region".into(), region))?;
    }
    frame.with_column(Column::new("category".into(), category))?;
    frame.with_column(Column::new("period".into(), period))?;
    for (name, values) in columns {
        frame.with_column(Column::new(name.into(), values))?;
    }
    tables.push(("costs_by_group.csv".to_string(), frame));

    // finance_summary.csv: measure, period ("total" for the horizon), cash, real, discounted.
    let (mut measure, mut period, mut cash, mut real, mut discounted) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut push = |name: &str, label: &str, values: [Option<f64>; 3]| {
        measure.push(name.to_string());
        period.push(label.to_string());
        cash.push(values[0]);
        real.push(values[1]);
        discounted.push(values[2]);
    };
    for (name, pick) in [
        (
            "gross",
            (|t: &accounts::GrossNet| t.gross) as fn(&accounts::GrossNet) -> f64,
        ),
        ("offsets", |t| t.offsets),
        ("net", |t| t.net),
    ] {
        for (t, label) in periods.iter().enumerate() {
            push(
                name,
                label,
                Basis::ALL.map(|basis| Some(pick(&finance.gross_net_in(t, basis)))),
            );
        }
        push(
            name,
            "total",
            Basis::ALL.map(|basis| Some(pick(&finance.gross_net(basis)))),
        );
    }
    push(
        "unmet_care_penalty_change",
        "total",
        [
            None,
            Some(finance.penalty_change(Basis::Real)),
            Some(finance.penalty_change(Basis::Discounted)),
        ],
    );
    let net = Basis::ALL.map(|basis| finance.gross_net(basis).net);
    for outcome in outcomes(impact) {
        let per = |total: f64| match outcome.amount {
            Some(amount) if amount > 1e-6 => Some(total / amount),
            _ => None,
        };
        push(outcome.measure, "total", net.map(per));
    }
    tables.push((
        "finance_summary.csv".to_string(),
        df!("measure" => measure, "period" => period, "cash" => cash, "real" => real, "discounted" => discounted)?,
    ));

    if !finance.envelopes.is_empty() {
        let (mut limit, mut period, mut limit_cash, mut spend_cash, mut limit_real, mut spend_real) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        let (mut shadow_real, mut value_per_cash) = (vec![], vec![]);
        for envelope in &finance.envelopes {
            for (position, &t) in envelope.periods.iter().enumerate() {
                let index = finance.converter.price_index[t];
                limit.push(envelope.id.clone());
                period.push(periods[t].clone());
                limit_cash.push(envelope.limit[position] * index);
                spend_cash.push(envelope.spend[position] * index);
                limit_real.push(finance.converter.convert(
                    envelope.limit[position],
                    t,
                    Basis::Real,
                ));
                spend_real.push(finance.converter.convert(
                    envelope.spend[position],
                    t,
                    Basis::Real,
                ));
                shadow_real.push(envelope.shadow_price[position]);
                value_per_cash.push(envelope.shadow_price[position] / index);
            }
        }
        tables.push((
            "envelope.csv".to_string(),
            df!(
                "limit" => limit,
                "period" => period,
                "envelope_cash" => limit_cash,
                "spend_cash" => spend_cash,
                "envelope_real" => limit_real,
                "spend_real" => spend_real,
                "shadow_price_per_real_unit" => shadow_real,
                "value_per_extra_cash_unit" => value_per_cash,
            )?,
        ));
    }
    Ok(tables)
}

/// The region column of costs_by_group.csv: a region's id, `national`
/// for a cost of no region in a model with regions, `all` for the national
/// total of a holder and category (the sum of its regions' rows).
pub const ALL_REGIONS: &str = "all";
const NO_REGION: &str = "national";

/// The lines of costs_by_group.csv with their region labels: with
/// regions, every regional line, then the national lines labelled `all`;
/// without, the national lines alone.
fn with_regions<'a, Line: HasRegion>(
    regional: &'a [Line],
    national: &'a [Line],
) -> Vec<(&'a Line, String)> {
    let mut rows: Vec<(&Line, String)> = regional
        .iter()
        .map(|line| {
            let label = line.region().unwrap_or(NO_REGION).to_string();
            (line, label)
        })
        .collect();
    let total = if regional.is_empty() { "" } else { ALL_REGIONS };
    rows.extend(national.iter().map(|line| (line, total.to_string())));
    rows
}

/// A cost line's region (`CostLine`, `ChangeLine`).
trait HasRegion {
    fn region(&self) -> Option<&str>;
}

impl HasRegion for accounts::CostLine {
    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

impl HasRegion for accounts::ChangeLine {
    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

/// costs_by_group.csv of one plan: holder (group or pool), id, region
/// (with regions), category, period, cash, real, discounted.
pub fn plan_costs_frame(solution: &Solution) -> Result<DataFrame> {
    let converter = accounts::Converter::new(&solution.model);
    let (mut holder, mut id, mut category, mut period) = (vec![], vec![], vec![], vec![]);
    let (mut cash, mut real, mut discounted) = (vec![], vec![], vec![]);
    let mut region = vec![];
    let lines = accounts::cost_lines(solution);
    let national = accounts::national(&lines);
    let regional: &[accounts::CostLine] = if solution.model.has_regions() {
        &lines
    } else {
        &[]
    };
    for (line, region_label) in with_regions(regional, &national) {
        for (t, label) in solution.model.periods.iter().enumerate() {
            holder.push(line.holder.as_str().to_string());
            id.push(line.id.clone());
            region.push(region_label.clone());
            category.push(line.category.as_str().to_string());
            period.push(label.clone());
            cash.push(converter.convert(line.real[t], t, Basis::Cash));
            real.push(converter.convert(line.real[t], t, Basis::Real));
            discounted.push(converter.convert(line.real[t], t, Basis::Discounted));
        }
    }
    let mut frame = df!("holder" => holder, "id" => id)?;
    if !regional.is_empty() {
        frame.with_column(Column::new("region".into(), region))?;
    }
    frame.with_column(Column::new("category".into(), category))?;
    frame.with_column(Column::new("period".into(), period))?;
    frame.with_column(Column::new("cash".into(), cash))?;
    frame.with_column(Column::new("real".into(), real))?;
    frame.with_column(Column::new("discounted".into(), discounted))?;
    Ok(frame)
}
