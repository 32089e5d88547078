//! The flows into and out of a group's stock, defined once. The stock
//! balance row of a group and period is built from these terms, and
//! flows.csv is their values in the solved plan, so the table always adds up
//! to the stock change the programme enforces:
//!
//! ```text
//! stock[g,t] = (1−a_g)·stock[g,t−1] + Σ terms[g,t]
//! terms: hire[g,l,t], −n_g·hire[g,l,t] (new starters leaving),
//!        completions[p,t] (p → g), −intake[p,t] (p from g),
//!        ρ_m·move[m,t] (m → g), −move[m,t] (m from g), −exit[g,t]
//! ```
//!
//! Attrition, −a_g·stock[g,t−1], is the one flow the balance writes as the
//! retained share (1−a_g)·stock[g,t−1] (numerically the same programme as
//! before this module existed); `attrition` gives its term for flows.csv.

use good_lp::Expression;

use super::constraints::completions;
use super::Vars;
use crate::model::{Destination, HireSource, Model};

/// Which pipelines and moves touch each group, in index order, found once
/// rather than scanned for every group and period (quadratic at scale).
#[derive(Debug, Clone)]
pub struct Links {
    /// [group] → pipelines that deliver into it or second staff out of it.
    pub pipelines: Vec<Vec<usize>>,
    /// [group] → moves into or out of it.
    pub moves: Vec<Vec<usize>>,
}

impl Links {
    pub fn new(model: &Model) -> Self {
        let mut pipelines = vec![Vec::new(); model.groups.len()];
        for (index, pipeline) in model.pipelines.iter().enumerate() {
            if let Destination::Group(group) = pipeline.to {
                pipelines[group].push(index);
            }
            if let Some(group) = pipeline.from {
                if pipelines[group].last() != Some(&index) {
                    pipelines[group].push(index);
                }
            }
        }
        let mut moves = vec![Vec::new(); model.groups.len()];
        for (index, movement) in model.moves.iter().enumerate() {
            moves[movement.to].push(index);
            if movement.from != movement.to {
                moves[movement.from].push(index);
            }
        }
        Links { pipelines, moves }
    }
}

/// What a flow goes through: the pool (or open market) hired from, the
/// pipeline, or the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    None,
    Hire(HireSource),
    Pipeline(usize),
    Move(usize),
}

impl Channel {
    /// The channel as flows.csv names it: the pool, pipeline or move id
    /// (`open_market`; `id@from_region->to_region` for a move between
    /// regions), "" for attrition and exits.
    pub fn id(self, model: &Model) -> String {
        match self {
            Channel::None => String::new(),
            Channel::Hire(HireSource::Pool(pool)) => model.pools[pool].id.clone(),
            Channel::Hire(HireSource::OpenMarket) => "open_market".to_string(),
            Channel::Pipeline(pipeline) => model.pipelines[pipeline].id.clone(),
            Channel::Move(index) => {
                let movement = &model.moves[index];
                match movement.between {
                    Some((from, to)) => format!(
                        "{}@{}->{}",
                        movement.id,
                        model.region_id(Some(from)),
                        model.region_id(Some(to))
                    ),
                    None => movement.id.clone(),
                }
            }
        }
    }
}

/// One signed flow into (+) or out of (−) a group's stock in one period.
#[derive(Debug, Clone)]
pub struct FlowTerm {
    /// hire, new_starter_attrition, completion, intake, move_in, move_out, exit
    pub flow: &'static str,
    pub channel: Channel,
    pub expression: Expression,
}

/// The attrition of group g in period t: −a_g·stock[g,t−1] (stock[g,−1] is
/// the opening).
pub fn attrition(model: &Model, vars: &Vars, group: usize, period: usize) -> Expression {
    if model.groups[group].age.is_some() {
        // With age bands: −Σ_b a_{g,b}·stock[g,b,t−1].
        return -super::age::band_attrition(model, vars, group, period);
    }
    -model.groups[group].attrition_rate[period] * previous_stock(model, vars, group, period)
}

/// stock[g,t−1], or the opening FTE in the first period.
pub fn previous_stock(model: &Model, vars: &Vars, group: usize, period: usize) -> Expression {
    if period == 0 {
        Expression::from(model.groups[group].opening_fte)
    } else {
        Expression::from(vars.stock[group][period - 1])
    }
}

/// Every flow of group g in period t other than attrition, in the order
/// flows.csv lists them.
pub fn flow_terms(
    model: &Model,
    vars: &Vars,
    links: &Links,
    group: usize,
    period: usize,
) -> Vec<FlowTerm> {
    let mut terms = Vec::new();
    let new_starter_rate = model.groups[group].new_starter_attrition_rate[period];
    for (source, hires) in &vars.hire[group] {
        let channel = Channel::Hire(*source);
        terms.push(FlowTerm {
            flow: "hire",
            channel,
            expression: Expression::from(hires[period]),
        });
        terms.push(FlowTerm {
            flow: "new_starter_attrition",
            channel,
            expression: -new_starter_rate * hires[period],
        });
    }
    for &index in &links.pipelines[group] {
        let pipeline = &model.pipelines[index];
        if pipeline.to == Destination::Group(group) {
            terms.push(FlowTerm {
                flow: "completion",
                channel: Channel::Pipeline(index),
                expression: completions(model, vars, index, period),
            });
        }
        if pipeline.from == Some(group) {
            terms.push(FlowTerm {
                flow: "intake",
                channel: Channel::Pipeline(index),
                expression: -Expression::from(vars.intake[index][period]),
            });
        }
    }
    for &index in &links.moves[group] {
        let movement = &model.moves[index];
        let moved = vars.moves[index][period];
        if movement.to == group {
            terms.push(FlowTerm {
                flow: "move_in",
                channel: Channel::Move(index),
                expression: movement.retention_rate[period] * moved,
            });
        }
        if movement.from == group {
            terms.push(FlowTerm {
                flow: "move_out",
                channel: Channel::Move(index),
                expression: -Expression::from(moved),
            });
        }
    }
    if let Some(exits) = &vars.exit[group] {
        terms.push(FlowTerm {
            flow: "exit",
            channel: Channel::None,
            expression: -Expression::from(exits[period]),
        });
    }
    terms
}
