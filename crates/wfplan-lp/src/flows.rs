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
use super::{Term, Vars};
use wfplan_model::model::{Destination, HireSource, Model};

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

/// One signed flow into (+) or out of (−) a group's stock in one period:
/// its linear expression over the columns (`FlowTerm<Expression>`), or its
/// value in a plan (`FlowTerm<f64>`).
#[derive(Debug, Clone)]
pub struct FlowTerm<S = Expression> {
    /// attrition, hire, new_starter_attrition, completion, intake,
    /// move_in, move_out, exit
    pub flow: &'static str,
    pub channel: Channel,
    pub fte: S,
}

/// The attrition of group g in period t: −a_g·stock[g,t−1] (stock[g,−1] is
/// the opening).
pub fn attrition(model: &Model, vars: &Vars, group: usize, period: usize) -> Expression {
    if model.groups[group].age.is_some() {
        // With age bands: −Σ_b a_{g,b}·stock[g,b,t−1].
        return -super::age::band_attrition(model, vars, group, period);
    }
    unbanded_attrition(model, vars, group, period)
}

/// The attrition of a group without age bands, −a_g·stock[g,t−1], over
/// columns or values.
pub fn unbanded_attrition<T: Term>(
    model: &Model,
    vars: &Vars<T>,
    group: usize,
    period: usize,
) -> T::Sum {
    previous_stock(model, vars, group, period) * -model.groups[group].attrition_rate[period]
}

/// stock[g,t−1], or the opening FTE in the first period.
pub fn previous_stock<T: Term>(
    model: &Model,
    vars: &Vars<T>,
    group: usize,
    period: usize,
) -> T::Sum {
    if period == 0 {
        T::Sum::from(model.groups[group].opening_fte)
    } else {
        T::Sum::from(vars.stock[group][period - 1])
    }
}

/// Every flow of group g in period t other than attrition, in the order
/// flows.csv lists them, over columns or values.
pub fn flow_terms<T: Term>(
    model: &Model,
    vars: &Vars<T>,
    links: &Links,
    group: usize,
    period: usize,
) -> Vec<FlowTerm<T::Sum>> {
    let mut terms = Vec::new();
    let new_starter_rate = model.groups[group].new_starter_attrition_rate[period];
    for (source, hires) in &vars.hire[group] {
        let channel = Channel::Hire(*source);
        terms.push(FlowTerm {
            flow: "hire",
            channel,
            fte: T::Sum::from(hires[period]),
        });
        terms.push(FlowTerm {
            flow: "new_starter_attrition",
            channel,
            fte: hires[period].times(-new_starter_rate),
        });
    }
    for &index in &links.pipelines[group] {
        let pipeline = &model.pipelines[index];
        if pipeline.to == Destination::Group(group) {
            terms.push(FlowTerm {
                flow: "completion",
                channel: Channel::Pipeline(index),
                fte: completions(model, vars, index, period),
            });
        }
        if pipeline.from == Some(group) {
            terms.push(FlowTerm {
                flow: "intake",
                channel: Channel::Pipeline(index),
                fte: -T::Sum::from(vars.intake[index][period]),
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
                fte: moved.times(movement.retention_rate[period]),
            });
        }
        if movement.from == group {
            terms.push(FlowTerm {
                flow: "move_out",
                channel: Channel::Move(index),
                fte: -T::Sum::from(moved),
            });
        }
    }
    if let Some(exits) = &vars.exit[group] {
        terms.push(FlowTerm {
            flow: "exit",
            channel: Channel::None,
            fte: -T::Sum::from(exits[period]),
        });
    }
    terms
}
