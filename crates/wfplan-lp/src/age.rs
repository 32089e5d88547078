//! Headcount, and the age bands of a group's stock.
//!
//! ```text
//! heads[g,t] = stock[g,t] / participation[g,t]            (no bands, or no band participation)
//! heads[g,t] = Σ_b stock[g,b,t] / participation[g,b]      (participation by band)
//! ```
//!
//! Participation is data, so headcount is linear in the stock.
//!
//! A group with age bands b = 1..B has a stock per band; its stock is their
//! sum (`age_total[g,t]`), so everything else about the group is unchanged.
//! Of band b's stock at t−1, a_{g,b} leave (attrition, retirement), a share
//! α_b of the stayers moves up to band b+1 (α_B = 0), and every flow of the
//! group's balance (`lp::flows`) is split by an age mix: hires (after new
//! starters leave) by `hire_mix`, completions by `completion_mix`, moves in
//! by `move_in_mix`, and intakes, moves out and exits by `leaver_mix`:
//!
//! ```text
//! stock[g,b,t] = (1−a_{g,b})·(1−α_b)·stock[g,b,t−1] + (1−a_{g,b−1})·α_{b−1}·stock[g,b−1,t−1]
//!   + Σ_{flows f of g} mix_{f,b}·f[g,t]
//! stock[g,t] = Σ_b stock[g,b,t]
//! ```
//!
//! (stock[g,b,−1] = opening × opening_share_b.) Summed over b these give the
//! group's own balance with attrition Σ_b a_{g,b}·stock[g,b,t−1].

use std::sync::Arc;

use good_lp::Expression;

use super::{sum, Family, Lp, Vars};
use wfplan_model::model::Model;

/// Headcount of group g at the end of period t: stock ÷ participation
/// (band by band where bands carry their own participation).
pub fn heads(model: &Model, vars: &Vars, group: usize, period: usize) -> Expression {
    let spec = &model.groups[group];
    if let (Some(age), Some(columns)) = (&spec.age, &vars.band_stock[group]) {
        if let Some(participation) = &age.participation {
            let mut heads = Expression::default();
            for (band, share) in participation.iter().enumerate() {
                heads += (1.0 / share) * columns[band][period];
            }
            return heads;
        }
    }
    let participation = spec.participation_at(period);
    (1.0 / participation) * vars.stock[group][period]
}

/// One column per band and period, `stock[g,band,t]`, for each group with
/// age bands (none otherwise).
pub fn add_band_columns(lp: &mut Lp, model: &Model) {
    for group in &model.groups {
        let columns = group.age.as_ref().map(|age| {
            age.bands
                .iter()
                .map(|band| lp.add_series("stock", &format!("{},{band}", group.key)))
                .collect()
        });
        lp.vars.band_stock.push(columns);
    }
}

/// stock[g,b,t−1], or the band's opening FTE in the first period.
fn previous_band(
    model: &Model,
    vars: &Vars,
    group: usize,
    band: usize,
    period: usize,
) -> Expression {
    let age = model.groups[group]
        .age
        .as_ref()
        .expect("a group with age bands");
    if period == 0 {
        Expression::from(age.opening[band])
    } else {
        let columns = vars.band_stock[group].as_ref().expect("band columns");
        Expression::from(columns[band][period - 1])
    }
}

/// Attrition of a banded group in period t: Σ_b a_{g,b}·stock[g,b,t−1].
pub fn band_attrition(model: &Model, vars: &Vars, group: usize, period: usize) -> Expression {
    let age = model.groups[group]
        .age
        .as_ref()
        .expect("a group with age bands");
    let mut leaving = Expression::default();
    for band in 0..age.bands.len() {
        leaving += attrition_of_band(model, vars, group, band, period);
    }
    leaving
}

/// Attrition of one band in period t: a_{g,b}·stock[g,b,t−1] (ages.csv).
pub fn attrition_of_band(
    model: &Model,
    vars: &Vars,
    group: usize,
    band: usize,
    period: usize,
) -> Expression {
    let age = model.groups[group]
        .age
        .as_ref()
        .expect("a group with age bands");
    age.attrition[band][period] * previous_band(model, vars, group, band, period)
}

/// Staff ageing out of band b into b+1 in period t: (1−a_b)·α_b·stock[g,b,t−1].
pub fn ageing_out(
    model: &Model,
    vars: &Vars,
    group: usize,
    band: usize,
    period: usize,
) -> Expression {
    let age = model.groups[group]
        .age
        .as_ref()
        .expect("a group with age bands");
    ((1.0 - age.attrition[band][period]) * age.ageing[band])
        * previous_band(model, vars, group, band, period)
}

/// A move's id (without the regions of a move between regions), "" for
/// any other channel.
fn movement_id(model: &Model, channel: super::flows::Channel) -> String {
    match channel {
        super::flows::Channel::Move(index) => model.moves[index].id.clone(),
        _ => String::new(),
    }
}

/// Band balances and the band total, for each group with age bands, band
/// b and period t (the equations of this module's doc):
///
/// ```text
/// stock_balance[g,b,t]: stock[g,b,t] = (1−a_b)(1−α_b)·stock[g,b,t−1]
///     + (1−a_{b−1})·α_{b−1}·stock[g,b−1,t−1] + Σ_f mix_{f,b}·f[g,t]
/// age_total[g,t]:      stock[g,t] = Σ_b stock[g,b,t]
/// ```
pub fn add_band_balances(lp: &mut Lp, model: &Model) {
    let links = super::flows::Links::new(model);
    for (group_index, group) in model.groups.iter().enumerate() {
        let Some(age) = &group.age else {
            continue;
        };
        let columns = lp.vars.band_stock[group_index]
            .clone()
            .expect("band columns");
        let band_entities: Vec<Arc<str>> = (age.bands.iter())
            .map(|band| Arc::from(format!("{},{band}", group.key)))
            .collect();
        let entity: Arc<str> = Arc::from(group.key.as_str());
        for period in 0..model.periods.len() {
            let vars = &lp.vars;
            let terms = super::flows::flow_terms(model, vars, &links, group_index, period);
            // Each flow's age mix, found once for all the bands.
            let mixes: Vec<&[f64]> = (terms.iter())
                .map(|term| {
                    let source = term.channel.id(model);
                    match term.flow {
                        "hire" | "new_starter_attrition" => age.hire_mix.of(&source),
                        "completion" => age.completion_mix.of(&source),
                        "move_in" => age.move_in_mix.of(&movement_id(model, term.channel)),
                        _ => &age.leaver_mix,
                    }
                })
                .collect();
            let mut rows = Vec::new();
            for band in 0..age.bands.len() {
                let stayers = (1.0 - age.attrition[band][period]) * (1.0 - age.ageing[band]);
                let mut inflow = stayers * previous_band(model, vars, group_index, band, period);
                if band > 0 {
                    inflow += ageing_out(model, vars, group_index, band - 1, period);
                }
                for (term, mix) in terms.iter().zip(&mixes) {
                    if mix[band] != 0.0 {
                        inflow.add_mul(mix[band], &term.fte);
                    }
                }
                let name = lp.row_name(Family::StockBalance, &band_entities[band], period);
                rows.push((name, columns[band][period] - inflow));
            }
            for (name, expression) in rows {
                lp.add_equality(Family::StockBalance, name, expression, 0.0);
            }
            let total =
                lp.vars.stock[group_index][period] - sum(columns.iter().map(|band| band[period]));
            let name = lp.row_name(Family::AgeTotal, &entity, period);
            lp.add_equality(Family::AgeTotal, name, total, 0.0);
        }
    }
}
