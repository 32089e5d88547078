//! The plan, read once from the solver's column values: every decision
//! and every quantity the tables, compare and reports show (flows, care
//! delivered, headcount, trainees, costs by category, penalties), typed and
//! indexed by entity index and period. Readers take numbers from here and
//! never from the programme's columns or good_lp expressions.
//!
//! Flows are the terms of `lp::flows` over values (the same functions that
//! build the stock-balance rows over columns). Sums of several columns
//! (care delivered, costs, penalties, a banded group's attrition) are
//! evaluated from their expressions through `Lp::evaluate`, once, so every
//! number is the one the tables have always shown, to the last digit.

use crate::solution::clean;
use wfplan_lp::constraints::{condition_instances, condition_value, delivered_care, in_training};
use wfplan_lp::flows::{self, Channel, FlowTerm};
use wfplan_lp::objective::{
    cost_at, discount_factor, slack_penalty_at, terminal_value, total_slack_penalty,
    unmet_penalty_at,
};
use wfplan_lp::{age, Lp, Vars};
use wfplan_model::model::{CostCategory, Model};

/// Real cost of each category in one period, in `CostCategory::ALL` order.
pub type CostsByCategory = [f64; CostCategory::ALL.len()];

#[derive(Debug, Clone)]
pub struct Plan {
    /// Every column's value, keyed like the programme's variables (stock
    /// [group][period], hires [group] → (pool, [period]), intakes
    /// [pipeline][period], moves, exits, work and temporary staff by
    /// service, surplus, reduced hours, unmet care, condition slacks,
    /// course runs, band stocks), solver noise rounded to 0.
    pub decisions: Vars<f64>,
    /// [group][period] → every signed flow into or out of the stock (FTE):
    /// attrition first, then the terms of `lp::flows` in their order. They
    /// add up to the stock change.
    pub flows: Vec<Vec<Vec<FlowTerm<f64>>>>,
    /// [group][period] headcount: stock ÷ participation.
    pub heads: Vec<Vec<f64>>,
    /// [service][period] care delivered (FTE): efficiency × staff time.
    pub delivered: Vec<Vec<f64>>,
    /// [pipeline][period] trainees in training, unrounded (costs multiply
    /// it before rounding).
    pub in_training: Vec<Vec<f64>>,
    /// [group] → [band][period], for a group with age bands: attrition out
    /// of the band in the period, a_{g,b}·stock[g,b,t−1].
    pub band_attrition: Vec<Option<Vec<Vec<f64>>>>,
    /// [group] → [band][period], for a group with age bands: staff who
    /// aged out of the band into the next.
    pub aged_out: Vec<Option<Vec<Vec<f64>>>>,
    /// [condition][instance] the value of each target's and limit's
    /// expression (instances as `lp::constraints::condition_instances`).
    pub condition_activity: Vec<Vec<f64>>,
    /// [period] real cost by category.
    pub cost: Vec<CostsByCategory>,
    /// [period] penalty of unmet demand, undiscounted.
    pub unmet_penalty: Vec<f64>,
    /// [period] penalty of soft targets and limits, undiscounted.
    pub soft_penalty: Vec<f64>,
    /// Penalty of soft conditions on totals.
    pub total_soft_penalty: f64,
    /// Discounted real cost over the horizon.
    pub cash: f64,
    /// Discounted penalty over the horizon (soft totals undiscounted).
    pub penalty: f64,
    /// Discounted value of the staff in post at the end.
    pub terminal_value: f64,
}

impl Plan {
    /// Reads the plan from the column values (by column index).
    pub fn new(model: &Model, lp: &Lp, values: &[f64]) -> Plan {
        let evaluate = |expression: &good_lp::Expression| lp.evaluate(expression, values);
        let raw = lp.vars.map(|variable| values[lp.index_of(variable)]);
        let periods = model.periods.len();
        let links = flows::Links::new(model);
        let banded = |group: usize| model.groups[group].age.is_some();
        let flows = (0..model.groups.len())
            .map(|group| {
                (0..periods)
                    .map(|period| {
                        let attrition = if banded(group) {
                            evaluate(&flows::attrition(model, &lp.vars, group, period))
                        } else {
                            flows::unbanded_attrition(model, &raw, group, period)
                        };
                        let mut terms = vec![FlowTerm {
                            flow: "attrition",
                            channel: Channel::None,
                            fte: clean(attrition),
                        }];
                        for mut term in flows::flow_terms(model, &raw, &links, group, period) {
                            term.fte = clean(term.fte);
                            terms.push(term);
                        }
                        terms
                    })
                    .collect()
            })
            .collect();
        let heads = (0..model.groups.len())
            .map(|group| {
                (0..periods)
                    .map(|period| {
                        let spec = &model.groups[group];
                        let banded_participation =
                            spec.age.as_ref().is_some_and(|a| a.participation.is_some());
                        clean(if banded_participation {
                            evaluate(&age::heads(model, &lp.vars, group, period))
                        } else {
                            (1.0 / spec.participation_at(period)) * raw.stock[group][period]
                        })
                    })
                    .collect()
            })
            .collect();
        let by_period = |f: &dyn Fn(usize) -> f64| (0..periods).map(f).collect::<Vec<f64>>();
        let delivered = (0..model.services.len())
            .map(|service| {
                by_period(&|period| {
                    clean(evaluate(&delivered_care(model, &lp.vars, service, period)))
                })
            })
            .collect();
        let in_training = (0..model.pipelines.len())
            .map(|pipeline| {
                by_period(&|period| evaluate(&in_training(model, &lp.vars, pipeline, period)))
            })
            .collect();
        let band_series = |of: fn(&Model, &Vars, usize, usize, usize) -> good_lp::Expression| {
            (0..model.groups.len())
                .map(|group| {
                    let bands = model.groups[group].age.as_ref()?.bands.len();
                    Some(
                        (0..bands)
                            .map(|band| {
                                by_period(&|period| {
                                    clean(evaluate(&of(model, &lp.vars, group, band, period)))
                                })
                            })
                            .collect(),
                    )
                })
                .collect()
        };
        let condition_activity = (model.conditions.iter())
            .map(|condition| {
                (condition_instances(model, condition).iter())
                    .map(|instance| {
                        clean(evaluate(&condition_value(
                            model, &lp.vars, condition, instance,
                        )))
                    })
                    .collect()
            })
            .collect();
        let band_attrition = band_series(age::attrition_of_band);
        let aged_out = band_series(age::ageing_out);

        // Costs and penalties, and the discounted totals from the same
        // unrounded values.
        let mut cost = Vec::with_capacity(periods);
        let mut cash = 0.0;
        let mut penalty = evaluate(&total_slack_penalty(model, &lp.vars));
        for period in 0..periods {
            let factor = discount_factor(model, period);
            let mut costs = [0.0; CostCategory::ALL.len()];
            for (slot, category) in costs.iter_mut().zip(CostCategory::ALL) {
                let real = evaluate(&cost_at(model, &lp.vars, category, period));
                cash += factor * real;
                *slot = clean(real);
            }
            cost.push(costs);
            penalty += factor
                * evaluate(
                    &(unmet_penalty_at(model, &lp.vars, period)
                        + slack_penalty_at(model, &lp.vars, period)),
                );
        }
        let unmet_penalty =
            by_period(&|period| clean(evaluate(&unmet_penalty_at(model, &lp.vars, period))));
        let soft_penalty =
            by_period(&|period| clean(evaluate(&slack_penalty_at(model, &lp.vars, period))));
        let last = periods.saturating_sub(1);
        let terminal_value =
            discount_factor(model, last) * evaluate(&terminal_value(model, &lp.vars));
        Plan {
            decisions: raw.map(clean),
            flows,
            heads,
            delivered,
            in_training,
            band_attrition,
            aged_out,
            condition_activity,
            cost,
            unmet_penalty,
            soft_penalty,
            total_soft_penalty: clean(evaluate(&total_slack_penalty(model, &lp.vars))),
            cash,
            penalty,
            terminal_value,
        }
    }

    /// Real cost in one category and period.
    pub fn cost(&self, category: CostCategory, period: usize) -> f64 {
        let slot = CostCategory::ALL
            .iter()
            .position(|c| *c == category)
            .expect("every category is in CostCategory::ALL");
        self.cost[period][slot]
    }
}
