//! Headcount (and, with age bands, the bands of a group's stock).
//!
//! ```text
//! heads[g,t] = stock[g,t] / participation[g,t]
//! ```
//!
//! Participation is data, so headcount is linear in the stock.

use good_lp::Expression;

use super::Vars;
use crate::model::Model;

/// Headcount of group g at the end of period t: stock ÷ participation.
pub fn heads(model: &Model, vars: &Vars, group: usize, period: usize) -> Expression {
    let participation = model.groups[group].participation_at(period);
    (1.0 / participation) * vars.stock[group][period]
}
