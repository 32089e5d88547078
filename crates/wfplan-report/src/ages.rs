//! Age bands in the reports: the age pyramid of each banded group at
//! chosen periods and its leavers by band and year (`solve --out`), and the
//! pyramid's change under a policy (`compare`): tables, charts, ages_change.csv
//! and a sentence that says only what the numbers say.
//!
//! The periods shown: in a plan, the first, the model's last target year
//! (if any) and the last; in `compare`, the headline period and the last.

use anyhow::Result;
use polars::prelude::*;

use super::document::{literal, Document};
use wfplan_analysis::compare::{AgeImpact, Impact};
use wfplan_charts::{self as charts, Chart, Series};
use wfplan_engine::solution::Solution;
use wfplan_engine::tables::{self, Pyramid};
use wfplan_text::number::format_number;
use wfplan_text::number::signed;

/// Most banded groups drawn and tabled in a report (the largest); every
/// group is in ages.csv / ages_change.csv.
pub const MAX_AGE_GROUPS: usize = 6;

/// A change smaller than this (FTE) is "no change" in a band.
const NEGLIGIBLE_FTE: f64 = 0.05;

/// The periods a pyramid is shown at: the first, the target year (if any)
/// and the last, in order, each once.
pub fn shown_periods(periods: usize, target: Option<usize>) -> Vec<usize> {
    let mut shown = vec![0];
    shown.extend(target.filter(|t| *t < periods));
    shown.push(periods.saturating_sub(1));
    shown.sort_unstable();
    shown.dedup();
    shown
}

/// A chart stem for one group: `{what}_{group id}` (ids are file-safe).
fn stem(what: &str, id: &str) -> String {
    format!("{what}_{id}")
}

/// The largest MAX_AGE_GROUPS pyramids by FTE at the start, in model order,
/// and how many were left out.
fn largest(pyramids: &[Pyramid]) -> (Vec<&Pyramid>, usize) {
    let mut order: Vec<usize> = (0..pyramids.len()).collect();
    order.sort_by(|a, b| pyramids[*b].total(0).total_cmp(&pyramids[*a].total(0)));
    order.truncate(MAX_AGE_GROUPS);
    order.sort_unstable();
    let kept: Vec<&Pyramid> = order.iter().map(|i| &pyramids[*i]).collect();
    let left_out = pyramids.len() - kept.len();
    (kept, left_out)
}

/// The charts of the age section of a plan: for each charted group, its
/// pyramid at the shown periods (`ages_{id}`) and its leavers by band and
/// year (`leavers_{id}`).
pub fn plan_charts(solution: &Solution) -> Result<Vec<(String, Chart)>> {
    let periods = &solution.model.periods;
    let shown = shown_periods(
        periods.len(),
        wfplan_analysis::compare::last_target(&solution.model),
    );
    let pyramids = tables::pyramids(solution);
    let mut out = Vec::new();
    for pyramid in largest(&pyramids).0 {
        let title = charts::short_title(&pyramid.name);
        let series: Vec<Series> = shown
            .iter()
            .map(|t| Series {
                label: periods[*t].clone(),
                values: pyramid.stock_fte.iter().map(|band| band[*t]).collect(),
            })
            .collect();
        out.push((
            stem("ages", &pyramid.id),
            charts::grouped_bars(
                &format!("{title}: staff in post by age band"),
                &pyramid.bands,
                "FTE at the end of the year",
                &series,
            )?,
        ));
        let leavers: Vec<Series> = pyramid
            .bands
            .iter()
            .zip(&pyramid.attrition_fte)
            .map(|(band, values)| Series {
                label: band.clone(),
                values: values.clone(),
            })
            .collect();
        out.push((
            stem("leavers", &pyramid.id),
            charts::stacked_bars(
                &format!("{title}: leavers (attrition and retirement) by age band"),
                periods,
                "FTE leaving per year",
                &leavers,
            )?,
        ));
    }
    Ok(out)
}

/// The pyramid table: one row per band, FTE and share of the group at each
/// shown period, and the group's total.
fn pyramid_rows(pyramid: &Pyramid, shown: &[usize]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = pyramid
        .bands
        .iter()
        .zip(&pyramid.stock_fte)
        .map(|(band, values)| {
            let mut row = vec![band.clone()];
            for t in shown {
                let total = pyramid.total(*t);
                row.push(format_number(values[*t]));
                row.push(if total > 0.0 {
                    format!("{:.0}%", 100.0 * values[*t] / total)
                } else {
                    "-".to_string()
                });
            }
            row
        })
        .collect();
    let mut total = vec!["All bands".to_string()];
    for t in shown {
        total.push(format_number(pyramid.total(*t)));
        total.push("100%".to_string());
    }
    rows.push(total);
    rows
}

/// The age section of a plan's report (models with age bands only).
pub fn plan_section(document: &mut Document, solution: &Solution, period_header: &[String]) {
    let periods = &solution.model.periods;
    let pyramids = tables::pyramids(solution);
    if pyramids.is_empty() {
        return;
    }
    let shown = shown_periods(
        periods.len(),
        wfplan_analysis::compare::last_target(&solution.model),
    );
    document.heading(2, "Age bands");
    let (kept, left_out) = largest(&pyramids);
    document.paragraph(format!(
        "Staff in post by age band (FTE at the end of the year, and share of the group) in {}, and the staff leaving each band each year (attrition, retirement included: the band's leaving rate times its staff at the start of the year).{}{}",
        literal(&shown.iter().map(|t| periods[*t].as_str()).collect::<Vec<_>>().join(", ")),
        if solution.model.has_regions() { " Each group is summed over its regions." } else { "" },
        if left_out > 0 {
            format!(" The {} largest groups with bands are shown; the other {left_out} are in ages.csv with the rest.", kept.len())
        } else {
            " ages.csv has every band and year.".to_string()
        }
    ));
    for pyramid in kept {
        document.heading(3, format!("{}: age pyramid (FTE)", pyramid.name));
        let mut header = vec!["Age band".to_string()];
        for t in &shown {
            header.push(periods[*t].clone());
            header.push(format!("{} share", periods[*t]));
        }
        document.table(header, pyramid_rows(pyramid, &shown));
        document.chart(
            stem("ages", &pyramid.id),
            format!(
                "{}: staff in post by age band (FTE), bars for {}.",
                pyramid.name,
                shown
                    .iter()
                    .map(|t| periods[*t].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        document.heading(
            3,
            format!("{}: leavers by age band (FTE per year)", pyramid.name),
        );
        let mut rows: Vec<Vec<String>> = pyramid
            .bands
            .iter()
            .zip(&pyramid.attrition_fte)
            .map(|(band, values)| {
                let mut row = vec![band.clone()];
                row.extend(values.iter().map(|v| format_number(*v)));
                row
            })
            .collect();
        let mut total = vec!["All bands".to_string()];
        total.extend(
            (0..periods.len())
                .map(|t| format_number(pyramid.attrition_fte.iter().map(|band| band[t]).sum())),
        );
        rows.push(total);
        let mut header = period_header.to_vec();
        header[0] = "Age band".to_string();
        document.table(header, rows);
        document.chart(
            stem("leavers", &pyramid.id),
            format!(
                "{}: staff leaving each age band per year (FTE), stacked by band.",
                pyramid.name
            ),
        );
    }
}

/// The banded groups of a comparison whose pyramid changes at `period`,
/// the largest change first, at most MAX_AGE_GROUPS.
fn changed(impact: &Impact, period: usize) -> Vec<&AgeImpact> {
    let size = |age: &AgeImpact| -> f64 { age.change(period).iter().map(|c| c.abs()).sum() };
    let mut list: Vec<&AgeImpact> = impact
        .ages
        .iter()
        .filter(|age| size(age) >= NEGLIGIBLE_FTE)
        .collect();
    list.sort_by(|a, b| size(b).total_cmp(&size(a)));
    list.truncate(MAX_AGE_GROUPS);
    list
}

/// The change chart of a comparison: policy minus base by group and band
/// at the headline period (`ages_change`), if any band changes.
pub fn change_chart(impact: &Impact) -> Result<Option<(String, Chart)>> {
    let period = impact.headline_period;
    let list = changed(impact, period);
    if list.is_empty() {
        return Ok(None);
    }
    let mut labels = Vec::new();
    let mut values = Vec::new();
    for age in list {
        let name = charts::short_title(&age.base.name);
        for (band, change) in age.base.bands.iter().zip(age.change(period)) {
            labels.push(format!("{name}: {band}"));
            values.push(change);
        }
    }
    Ok(Some((
        "ages_change".to_string(),
        charts::horizontal_bars(
            &format!(
                "Change in staff in post by age band, {}",
                impact.periods[period]
            ),
            &labels,
            &format!("FTE, {} minus {}", impact.policy, impact.base),
            &values,
        )?,
    )))
}

/// Bands as words, in the order given: "band young", "bands young and old",
/// "bands a, b and c".
fn band_list(bands: &[&str]) -> String {
    match bands {
        [] => String::new(),
        [one] => format!("band {one}"),
        [rest @ .., last] => format!("bands {} and {last}", rest.join(", ")),
    }
}

/// What the numbers say about one group's pyramid change at a period:
/// where the extra (or missing) staff are by band. None when no band
/// changes.
pub fn change_sentence(impact: &Impact, age: &AgeImpact, period: usize) -> Option<String> {
    let change = age.change(period);
    if change.iter().all(|c| c.abs() < NEGLIGIBLE_FTE) {
        return None;
    }
    let name = &age.base.name;
    let year = &impact.periods[period];
    let total: f64 = change.iter().sum();
    let bands = &age.base.bands;
    let of_sign = |positive: bool| -> (Vec<&str>, f64) {
        let picked: Vec<usize> = (0..bands.len())
            .filter(|b| change[*b].abs() >= NEGLIGIBLE_FTE && (change[*b] > 0.0) == positive)
            .collect();
        (
            picked.iter().map(|b| bands[*b].as_str()).collect(),
            picked.iter().map(|b| change[*b]).sum(),
        )
    };
    let (up, up_sum) = of_sign(true);
    let (down, down_sum) = of_sign(false);
    if up.is_empty() || down.is_empty() {
        // Every band moves the same way: the fewest bands (largest change
        // first) that hold more than half of the change, youngest first.
        let more = total > 0.0;
        let mut order: Vec<usize> = (0..bands.len()).collect();
        order.sort_by(|a, b| change[*b].abs().total_cmp(&change[*a].abs()));
        let mut held = 0.0;
        let mut most = Vec::new();
        for b in order {
            if held > 0.5 * total.abs() {
                break;
            }
            held += change[b].abs();
            most.push(b);
        }
        most.sort_unstable();
        let share = 100.0 * held / total.abs();
        let names: Vec<&str> = most.iter().map(|b| bands[*b].as_str()).collect();
        let youngest_or_oldest =
            if most.len() < bands.len() && most.iter().enumerate().all(|(i, b)| i == *b) {
                " (the youngest)"
            } else if most.len() < bands.len()
                && most
                    .iter()
                    .rev()
                    .enumerate()
                    .all(|(i, b)| *b == bands.len() - 1 - i)
            {
                " (the oldest)"
            } else {
                ""
            };
        return Some(format!(
            "{} in {}: {} FTE {} under {} than under {}, {} of {} in {}{youngest_or_oldest}.",
            literal(name),
            literal(year),
            format_number(total.abs()),
            if more { "more" } else { "fewer" },
            literal(&impact.policy),
            literal(&impact.base),
            if share >= 99.95 {
                "all".to_string()
            } else {
                format!("{share:.0}%")
            },
            if more { "them" } else { "the loss" },
            literal(&band_list(&names))
        ));
    }
    Some(format!(
        "{} in {}: {} FTE under {} against {}, {} in {} and {} in {}: the ages shift as well as the number.",
        literal(name),
        literal(year),
        signed(total),
        literal(&impact.policy),
        literal(&impact.base),
        signed(up_sum),
        literal(&band_list(&up)),
        signed(down_sum),
        literal(&band_list(&down)),
    ))
}

/// The age section of an impact report: the change of each banded group's
/// pyramid at the headline period (table, chart, sentences).
pub fn change_section(document: &mut Document, impact: &Impact, section: usize) -> bool {
    if impact.ages.is_empty() {
        return false;
    }
    let period = impact.headline_period;
    let periods = &impact.periods;
    document.heading(2, format!("{section}. Ages: who the change is"));
    let list = changed(impact, period);
    if list.is_empty() {
        document.paragraph(format!(
            "No age band of any group changes in {} (ages_change.csv has every band and year).",
            literal(&periods[period])
        ));
        return true;
    }
    let sentences: Vec<String> = list
        .iter()
        .filter_map(|age| change_sentence(impact, age, period))
        .collect();
    document.bullets(sentences);
    // The headline period and the last (where a change in the young
    // shows as it ages).
    let mut shown = vec![period, periods.len() - 1];
    shown.dedup();
    let mut header = vec!["Group".to_string(), "Age band".to_string()];
    for t in &shown {
        header.push(format!("{} {}", periods[*t], impact.base));
        header.push(format!("{} {}", periods[*t], impact.policy));
        header.push(format!("{} change", periods[*t]));
    }
    let mut rows = Vec::new();
    for age in &list {
        for (b, band) in age.base.bands.iter().enumerate() {
            let mut row = vec![age.base.name.clone(), band.clone()];
            for t in &shown {
                row.push(format_number(age.base.stock_fte[b][*t]));
                row.push(format_number(age.policy.stock_fte[b][*t]));
                row.push(signed(age.change(*t)[b]));
            }
            rows.push(row);
        }
    }
    document.paragraph(format!(
        "Staff in post by age band (FTE at the end of the year) under each plan and the change (policy minus base), for the groups whose ages change in {}{}; ages_change.csv has every banded group, band and year.",
        literal(&periods[period]),
        if impact.has_regions() { ", each summed over its regions" } else { "" }
    ));
    document.table(header, rows);
    document.chart(
        "ages_change",
        format!(
            "Change in staff in post by group and age band in {} (FTE, {} minus {}).",
            periods[period], impact.policy, impact.base
        ),
    );
    true
}

/// ages_change.csv: every banded group, period and band, with the FTE and
/// the leavers under each plan and the change in FTE.
pub fn change_frame(impact: &Impact) -> Result<Option<DataFrame>> {
    if impact.ages.is_empty() {
        return Ok(None);
    }
    let (mut group, mut period, mut band) = (vec![], vec![], vec![]);
    let (mut base, mut policy, mut change) = (vec![], vec![], vec![]);
    let (mut leavers_base, mut leavers_policy) = (vec![], vec![]);
    for age in &impact.ages {
        for (t, label) in impact.periods.iter().enumerate() {
            let by_band = age.change(t);
            for (b, band_id) in age.base.bands.iter().enumerate() {
                group.push(age.base.id.clone());
                period.push(label.clone());
                band.push(band_id.clone());
                base.push(age.base.stock_fte[b][t]);
                policy.push(age.policy.stock_fte[b][t]);
                change.push(by_band[b]);
                leavers_base.push(age.base.attrition_fte[b][t]);
                leavers_policy.push(age.policy.attrition_fte[b][t]);
            }
        }
    }
    Ok(Some(df!(
        "group" => group,
        "period" => period,
        "band" => band,
        "stock_base_fte" => base,
        "stock_policy_fte" => policy,
        "stock_change_fte" => change,
        "leavers_base_fte" => leavers_base,
        "leavers_policy_fte" => leavers_policy,
    )?))
}
