//! A solved plan: values keyed by entity and period, sign-normalised shadow
//! prices by row name, and the expression language for reading any quantity.

use std::collections::HashMap;

use anyhow::Result;
use good_lp::Expression;

use crate::plan::Plan;
use crate::solve::RawSolution;
use wfplan_lp::constraints::{condition_instances, condition_row_name};
use wfplan_lp::objective::expression_at;
use wfplan_lp::{Family, Lp, Side};
use wfplan_model::model::{parse_expression, CostCategory, Model};
pub use wfplan_text::number::clean;

/// One row of the programme after solving.
#[derive(Debug, Clone)]
pub struct RowResult {
    pub name: String,
    pub family: Family,
    pub activity: f64,
    pub lower: f64,
    pub upper: f64,
    /// HiGHS's dual: ∂objective/∂(row bound).
    pub dual: f64,
    /// Positive = what one more unit of tightening costs (for equalities:
    /// the cost of one more unit of right-hand side, e.g. of demand).
    pub shadow_price: f64,
}

/// A target or limit instance after solving.
#[derive(Debug, Clone)]
pub struct ConditionResult {
    pub kind: String,
    pub id: String,
    pub expression: String,
    /// The region of a `per_region` instance (None: the national sum).
    pub region: Option<usize>,
    pub period: String,
    pub activity: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Distance to the nearest bound (≥ 0 when satisfied).
    pub slack: f64,
    /// Soft violation (0 for hard conditions).
    pub violation: f64,
    pub shadow_price: f64,
    pub unit: String,
    pub soft: bool,
    /// For a MIP: where the shadow price comes from (the LP with the whole
    /// numbers fixed); None for a linear programme.
    pub shadow_price_note: Option<&'static str>,
}

/// Seconds spent in each part of a solve (all stages together).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Building the `Lp` (variables, constraint families, objectives).
    pub build: f64,
    /// Handing it to HiGHS (arrays, `Highs_passLp`, later stages' changes).
    pub pass: f64,
    /// HiGHS runs.
    pub solve: f64,
    /// Reading values and duals back from HiGHS.
    pub read: f64,
    /// The canonical plan's two stages after the objective's
    /// (`solve::canonical_plan`): passing, running and reading back; 0
    /// with `--any-optimum`. Not part of `solve`.
    pub canonical: f64,
    /// Building this `Solution` from them (row activities, shadow prices,
    /// cash and penalty totals).
    pub plan: f64,
    /// Reading the model file and its CSV series. Not part of a solve: set
    /// by the command that loaded the model (0 until then).
    pub load: f64,
    /// Building the output files from the plan (tables, summary, charts),
    /// before the folder is written. Set by the command (0 until then).
    pub write: f64,
}

/// What HiGHS reported for one stage of a MIP.
#[derive(Debug, Clone, PartialEq)]
pub struct MipStage {
    /// `optimal` (within the relative gap), or the limit that stopped it
    /// with a whole-number plan in hand (`time limit reached`, ...).
    pub status: String,
    /// Optimal within `mip_rel_gap`.
    pub proven: bool,
    /// The plan's objective (the incumbent).
    pub objective: f64,
    /// The best objective any whole-number plan can reach, as far as
    /// branch and bound proved (HiGHS's dual bound).
    pub bound: f64,
    /// |objective − bound| / |objective| (HiGHS's `mip_gap`).
    pub gap: f64,
    /// Branch-and-bound nodes.
    pub nodes: i64,
}

/// How a model with whole-number decisions was solved.
#[derive(Debug, Clone, PartialEq)]
pub struct MipInfo {
    /// One per lexicographic stage.
    pub stages: Vec<MipStage>,
    /// The relative gap branch and bound was asked for.
    pub mip_rel_gap: f64,
    /// Whole-number columns (including the yes/no runs of courses).
    pub integer_columns: usize,
    /// Shadow prices are the duals of the linear programme with every
    /// whole-number decision fixed at its value in the plan; false when
    /// that programme could not be solved (every shadow price is then 0).
    pub fixed_duals: bool,
}

/// The sentence every place that shows a MIP's shadow prices carries.
pub const MIP_SHADOW_PRICE_NOTE: &str =
    "shadow prices are from the linear programme with every whole-number decision fixed at its value in this plan";

impl MipInfo {
    /// `optimal` when every stage was proved within the gap, else the
    /// first stage's limit (`time limit reached`).
    pub fn status(&self) -> &str {
        self.stages
            .iter()
            .find(|stage| !stage.proven)
            .map_or("optimal", |stage| stage.status.as_str())
    }

    /// The largest gap over the stages.
    pub fn gap(&self) -> f64 {
        self.stages
            .iter()
            .map(|stage| stage.gap)
            .fold(0.0, f64::max)
    }

    /// How the shadow prices were found, for every place that shows them.
    pub fn shadow_price_note(&self) -> &'static str {
        if self.fixed_duals {
            MIP_SHADOW_PRICE_NOTE
        } else {
            "no shadow prices: the linear programme with the whole-number decisions fixed could not be solved, so every shadow price is shown as 0"
        }
    }
}

#[derive(Clone)]
pub struct Solution {
    pub model: Model,
    pub lp: Lp,
    /// Column values, by column index.
    pub values: Vec<f64>,
    pub rows: Vec<RowResult>,
    /// The plan read from `values`: what tables, compare and reports read.
    pub plan: Plan,
    row_index: HashMap<String, usize>,
    pub status: String,
    /// The first stage's optimum.
    pub objective: f64,
    pub stage_objectives: Vec<f64>,
    /// Discounted cash and penalty over the horizon.
    pub cash: f64,
    pub penalty: f64,
    /// Discounted value of the staff in post at the end (groups'
    /// `terminal_value`); the default objective is cash + penalty − this.
    pub terminal_value: f64,
    pub build_seconds: f64,
    pub solve_seconds: f64,
    pub timings: Timings,
    /// How a model with whole-number decisions was solved (None for a
    /// linear programme).
    pub mip: Option<MipInfo>,
    /// The plan's total movement (`lp::objective::movement`) when it is the
    /// canonical plan among the optimal ones (`solve::canonical_plan`);
    /// None when it is whichever optimum HiGHS returned (`--any-optimum`,
    /// a sweep point solved in place, a MIP without its fixed re-solve).
    pub movement: Option<f64>,
}

impl Solution {
    pub fn new(
        model: Model,
        lp: Lp,
        raw: RawSolution,
        stage_objectives: Vec<f64>,
        build_seconds: f64,
        solve_seconds: f64,
    ) -> Self {
        let values = raw.values;
        let evaluate = |expression: &Expression| lp.evaluate(expression, &values);
        let rows: Vec<RowResult> = lp
            .rows
            .iter()
            .zip(&raw.row_duals)
            .map(|(row, &dual)| {
                // ≥ rows and equalities: ∂objective/∂bound as it is; ≤ rows: tightening lowers the bound.
                let shadow_price = if row.is_equality() || row.lower.is_finite() {
                    dual
                } else {
                    -dual
                };
                RowResult {
                    name: row.name.to_string(),
                    family: row.family,
                    activity: evaluate(&row.expression),
                    lower: row.lower,
                    upper: row.upper,
                    dual,
                    shadow_price: clean(shadow_price),
                }
            })
            .collect();
        let row_index = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), i))
            .collect();
        let plan = Plan::new(&model, &lp, &values);
        Solution {
            terminal_value: plan.terminal_value,
            objective: stage_objectives.first().copied().unwrap_or(raw.objective),
            stage_objectives,
            model,
            lp,
            values,
            rows,
            row_index,
            status: "optimal".to_string(),
            cash: plan.cash,
            penalty: plan.penalty,
            plan,
            build_seconds,
            solve_seconds,
            timings: Timings {
                build: build_seconds,
                solve: solve_seconds,
                ..Timings::default()
            },
            mip: None,
            movement: None,
        }
    }

    /// The value of one variable, with solver noise rounded to 0.
    pub fn value_of(&self, variable: good_lp::Variable) -> f64 {
        clean(self.values[self.lp.index_of(variable)])
    }

    /// A group's staff in post at the end of each period (FTE).
    pub fn stock(&self, group: usize) -> Vec<f64> {
        self.plan.decisions.stock[group].clone()
    }

    /// A group's headcount at the end of each period: stock ÷ participation.
    pub fn heads(&self, group: usize) -> Vec<f64> {
        self.plan.heads[group].clone()
    }

    /// The value of a linear expression over the columns.
    pub fn evaluate(&self, expression: &Expression) -> f64 {
        self.lp.evaluate(expression, &self.values)
    }

    /// Any expression of the language, one undiscounted (real) value per period.
    pub fn value(&self, text: &str) -> Result<Vec<f64>> {
        let expression = parse_expression(&self.model, text)?;
        Ok((0..self.model.periods.len())
            .map(|period| {
                clean(self.evaluate(&expression_at(
                    &self.model,
                    &self.lp.vars,
                    &expression,
                    period,
                )))
            })
            .collect())
    }

    /// The sum over periods of `value(text)`.
    pub fn total(&self, text: &str) -> Result<f64> {
        Ok(self.value(text)?.iter().sum())
    }

    /// A row by its stable name.
    pub fn row(&self, name: &str) -> Option<&RowResult> {
        self.row_index.get(name).map(|&index| &self.rows[index])
    }

    /// How the shadow prices of a MIP were found (None for a linear
    /// programme, whose shadow prices are its own duals).
    pub fn shadow_price_note(&self) -> Option<&'static str> {
        self.mip.as_ref().map(MipInfo::shadow_price_note)
    }

    /// The sign-normalised shadow price of a row (positive = cost of one more
    /// unit of tightening), in discounted currency per unit.
    pub fn shadow_price(&self, name: &str) -> Option<f64> {
        self.row(name).map(|row| row.shadow_price)
    }

    /// Cost in one category and period, in real terms (the prices the
    /// model's money is written in; see `finance`).
    pub fn cost(&self, category: CostCategory, period: usize) -> f64 {
        self.plan.cost(category, period)
    }

    /// Cash (outturn prices) in one category and period: `cost` times the
    /// price index of the period.
    pub fn cash_cost(&self, category: CostCategory, period: usize) -> f64 {
        self.model.finance.cash(self.cost(category, period), period)
    }

    /// Penalty of unmet demand in a period, undiscounted.
    pub fn unmet_penalty(&self, period: usize) -> f64 {
        self.plan.unmet_penalty[period]
    }

    /// Penalty of soft targets and limits in a period, undiscounted.
    pub fn soft_penalty(&self, period: usize) -> f64 {
        self.plan.soft_penalty[period]
    }

    /// Penalty of soft conditions on totals.
    pub fn total_soft_penalty(&self) -> f64 {
        self.plan.total_soft_penalty
    }

    /// Every target and limit instance with activity, bounds and shadow price.
    pub fn conditions(&self) -> Vec<ConditionResult> {
        let mut results = Vec::new();
        for (condition_index, condition) in self.model.conditions.iter().enumerate() {
            let unit = condition.unit.clone();
            for (instance_index, instance) in condition_instances(&self.model, condition)
                .iter()
                .enumerate()
            {
                let activity = self.plan.condition_activity[condition_index][instance_index];
                let bound_period = instance.period.unwrap_or(0);
                let min = condition.min_at(instance.region, bound_period);
                let max = condition.max_at(instance.region, bound_period);
                let slacks = &self.plan.decisions.slack[condition_index][instance_index];
                let violation: f64 = slacks.below.into_iter().chain(slacks.above).sum();
                let mut shadow_price = 0.0;
                let sides = [(Side::Min, min.is_some()), (Side::Max, max.is_some())];
                for side in sides
                    .into_iter()
                    .filter(|(_, present)| *present)
                    .map(|(side, _)| side)
                {
                    if let Some(row) =
                        self.row(&condition_row_name(condition, instance, side).to_string())
                    {
                        shadow_price += row.shadow_price;
                    }
                }
                let slack = match (min, max) {
                    (Some(lo), Some(hi)) => (activity - lo).min(hi - activity),
                    (Some(lo), None) => activity - lo,
                    (None, Some(hi)) => hi - activity,
                    (None, None) => 0.0,
                };
                results.push(ConditionResult {
                    kind: condition.kind.as_str().to_string(),
                    id: condition.id.clone(),
                    expression: condition.text.clone(),
                    region: instance.region,
                    period: instance.label.clone(),
                    activity,
                    min,
                    max,
                    slack: clean(slack),
                    violation: clean(violation),
                    shadow_price: clean(shadow_price),
                    unit: unit.clone(),
                    soft: condition.penalty.is_some(),
                    shadow_price_note: self.shadow_price_note(),
                });
            }
        }
        results
    }
}
