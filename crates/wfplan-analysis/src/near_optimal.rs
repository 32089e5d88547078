//! Near-optimal ranges (modelling to generate alternatives): for each
//! decision an impact report names — each group's channels to the headline
//! period, each group's change at the headline period, each service's care
//! over the horizon — the least and the most it can be across all plans
//! whose cost is within a tolerance of the optimum.
//!
//! For each scenario, its programme is handed to a HiGHS instance wfplan
//! owns and solved; then one row holds every lexicographic stage's
//! objective within the tolerance,
//!
//! ```text
//! objective_k ≤ z*_k + tol·|z*_k|      (k = 1, 2, ...)
//! ```
//!
//! and each quantity q is minimised and then maximised (`set_objective`,
//! `run`), each run starting warm from the optimal plan's basis (restored
//! with `set_basis` before every run, so the ranges do not depend on the
//! order of the quantities). A change (policy minus base) then ranges over
//! `[min_policy q − max_base q, max_policy q − min_base q]`: both plans are
//! known only to within the tolerance.
//!
//! A range is a *point* when it is no wider than 0.05 (what the report
//! rounds to one decimal), and *robust* when it is narrow: no wider than
//! 10% of the largest magnitude in it, or 1 unit (FTE, or unit of care),
//! whichever is larger, and its ends do not differ in sign by more than
//! that. Both rules are stated in the report.

use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use good_lp::{Expression, IntoAffineExpression};

use crate::compare::Impact;
use wfplan_engine::solution::Solution;
use wfplan_engine::solve::{sparse_lp, SolverOptions, Status};
use wfplan_highs::Highs;
use wfplan_lp::constraints::delivered_care;
use wfplan_lp::flows;

/// What a near-optimal tolerance is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The policy's own effect on each objective, |z_k(policy) − z_k(base)|:
    /// plans that cost at most that share of what the policy changes more
    /// than the least (the default, `compare --near-optimal-of effect`).
    Effect,
    /// Each scenario's own optimum |z_k|: plans within that share of the
    /// whole cost (`--near-optimal-of cost`).
    Cost,
}

/// A near-optimal tolerance: a share of a reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// 0.01 = 1%.
    pub share: f64,
    pub of: Reference,
}

impl Tolerance {
    pub fn of_effect(share: f64) -> Tolerance {
        Tolerance {
            share,
            of: Reference::Effect,
        }
    }

    pub fn of_cost(share: f64) -> Tolerance {
        Tolerance {
            share,
            of: Reference::Cost,
        }
    }

    /// The slack on each objective stage of one scenario (`own`: its stage
    /// optima; `base`, `policy`: both scenarios' stage optima):
    ///
    /// ```text
    /// of cost:   slack_k = share · max(|z_k|, 1)
    /// of effect: slack_k = max(share · |z_k(policy) − z_k(base)|, 1e-7 · max(|z_k|, 1))
    /// ```
    ///
    /// The floor is the lexicographic stages' own tolerance: a policy that
    /// leaves a stage's optimum where it was still lets HiGHS hold that
    /// stage within its feasibility tolerance.
    pub fn slacks(&self, own: &[f64], base: &[f64], policy: &[f64]) -> Vec<f64> {
        own.iter()
            .enumerate()
            .map(|(k, z)| {
                let floor = wfplan_engine::solve::LEXICOGRAPHIC_TOLERANCE * z.abs().max(1.0);
                match self.of {
                    Reference::Cost => self.share * z.abs().max(1.0),
                    Reference::Effect => {
                        let effect = match (base.get(k), policy.get(k)) {
                            (Some(b), Some(p)) => (p - b).abs(),
                            _ => 0.0,
                        };
                        (self.share * effect).max(floor)
                    }
                }
            })
            .collect()
    }
}

/// The default tolerance: plans within 1% of the policy's effect on the
/// objective. 0.1% of the flagship's whole cost (£115m) was 6–10% of the
/// policy's own effect, wide enough to make every finding look undecided
/// on any data; a share of the effect asks the question a reader means:
/// could a plan that costs almost the same as this one, compared with
/// what the policy changes, do otherwise?
pub const DEFAULT_TOLERANCE: Tolerance = Tolerance {
    share: 0.01,
    of: Reference::Effect,
};

/// A range no wider than this is one value (the report shows one decimal).
pub const POINT_WIDTH: f64 = 0.05;

/// A range is narrow (a finding robust) when its width is at most this
/// share of the largest magnitude in it ...
pub const NARROW_SHARE: f64 = 0.10;

/// ... or at most this many units, whichever is larger.
pub const NARROW_UNITS: f64 = 1.0;

/// The key of a group's channel in near_optimal.csv: `channel:g:flow:id`
/// (`g@region` for one region's copy).
pub fn channel_key(group: &str, flow: &str, channel: &str) -> String {
    format!("channel:{group}:{flow}:{channel}")
}

/// What a quantity is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A group's channel (flow, pool/pipeline/move), summed over the
    /// periods up to the headline period.
    Channel {
        group: String,
        flow: String,
        channel: String,
    },
    /// A group's stock at the headline period.
    Group { group: String },
    /// A service's care delivered, summed over the horizon.
    Care { service: String },
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Channel { .. } => "channel",
            Kind::Group { .. } => "group",
            Kind::Care { .. } => "care",
        }
    }
}

/// The range of one quantity.
#[derive(Debug, Clone)]
pub struct Range {
    pub key: String,
    pub kind: Kind,
    /// What the report calls it.
    pub label: String,
    /// The unit (FTE, or the service's unit of care in years: a care total
    /// is summed over the horizon).
    pub unit: String,
    /// The periods it is summed over, as labels ("2010/11–2014/15").
    pub over: String,
    /// The value in the reported optimal plans.
    pub base: f64,
    pub policy: f64,
    /// The least and most over each scenario's near-optimal plans.
    pub base_low: f64,
    pub base_high: f64,
    pub policy_low: f64,
    pub policy_high: f64,
    /// The least and most of the change (policy minus base).
    pub change_low: f64,
    pub change_high: f64,
}

impl Range {
    /// The reported change (policy minus base in the optimal plans).
    pub fn change(&self) -> f64 {
        self.policy - self.base
    }

    /// The width of the change's range.
    pub fn width(&self) -> f64 {
        self.change_high - self.change_low
    }

    /// No wider than rounding: the same in every near-optimal plan.
    pub fn is_point(&self) -> bool {
        self.width() <= POINT_WIDTH
    }

    /// Narrow: no wider than 10% of the largest magnitude in the range, or
    /// one unit, whichever is larger.
    pub fn robust(&self) -> bool {
        let size = self.change_low.abs().max(self.change_high.abs());
        self.width().is_finite() && self.width() <= (NARROW_SHARE * size).max(NARROW_UNITS)
    }
}

/// The ranges of an impact's named decisions.
#[derive(Debug, Clone)]
pub struct NearOptimal {
    /// The share of the reference allowed on each objective (0.001 = 0.1%).
    pub tolerance: f64,
    /// What `tolerance` is a share of.
    pub of: Reference,
    /// The model's currency, for saying the allowance.
    pub currency: String,
    /// What the tolerance allows on the first objective of each scenario:
    /// (base, policy), in the objective's unit (discounted money for the
    /// default objective).
    pub allowance: (f64, f64),
    pub ranges: Vec<Range>,
    /// HiGHS runs made (both scenarios: one optimum each, then two per
    /// quantity).
    pub solves: usize,
    /// Seconds spent (not written into the report, whose files are
    /// reproducible; timings.json has it).
    pub seconds: f64,
}

impl NearOptimal {
    pub fn range(&self, key: &str) -> Option<&Range> {
        self.ranges.iter().find(|r| r.key == key)
    }

    /// " (£112.8m for 'no_pledge', £114.7m for 'pledge')": what the
    /// tolerance allows each scenario, where it differs between them (a
    /// share of each one's cost); "" where `tolerance_text` says it.
    pub fn allowance_text(&self, base: &str, policy: &str) -> String {
        match self.of {
            Reference::Cost => format!(
                " ({} for '{base}', {} for '{policy}')",
                wfplan_text::number::money(self.allowance.0, &self.currency),
                wfplan_text::number::money(self.allowance.1, &self.currency),
            ),
            Reference::Effect => String::new(),
        }
    }

    /// "0.1%" (of each plan's cost), or "£10.6m (1% of the policy's
    /// effect on the objective)".
    pub fn tolerance_text(&self) -> String {
        match self.of {
            Reference::Cost => tolerance_text(self.tolerance),
            Reference::Effect => format!(
                "{} ({} of the policy's effect on the objective)",
                wfplan_text::number::money(self.allowance.1, &self.currency),
                tolerance_text(self.tolerance)
            ),
        }
    }
}

/// A tolerance as a percentage: 0.001 → "0.1%".
pub fn tolerance_text(tolerance: f64) -> String {
    let percent = tolerance * 100.0;
    let text = format!("{percent:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// A linear quantity over one scenario's columns.
struct Linear {
    entries: Vec<(usize, f64)>,
    constant: f64,
}

fn linear(solution: &Solution, expression: &Expression) -> Linear {
    let lp = &solution.lp;
    let mut entries: Vec<(usize, f64)> = Vec::new();
    for (variable, coefficient) in expression.linear_coefficients() {
        let column = lp.index_of(variable);
        match entries.iter_mut().find(|(c, _)| *c == column) {
            Some((_, value)) => *value += coefficient,
            None => entries.push((column, coefficient)),
        }
    }
    Linear {
        entries,
        constant: expression.constant(),
    }
}

/// The model groups a report group key names: `g` (every region's copy)
/// or `g@region`.
fn members(solution: &Solution, key: &str) -> Vec<usize> {
    let model = &solution.model;
    let (id, region) = match key.split_once('@') {
        Some((id, region)) => (id, Some(region)),
        None => (key, None),
    };
    (0..model.groups.len())
        .filter(|g| model.groups[*g].id == id)
        .filter(|g| match region {
            Some(r) => model.region_id(model.groups[*g].region) == r,
            None => true,
        })
        .collect()
}

/// The expression of a quantity in one scenario.
fn expression(solution: &Solution, kind: &Kind, headline: usize) -> Expression {
    let model = &solution.model;
    let vars = &solution.lp.vars;
    let mut total = Expression::default();
    match kind {
        Kind::Channel {
            group,
            flow,
            channel,
        } => {
            let links = flows::Links::new(model);
            for g in members(solution, group) {
                for t in 0..=headline {
                    if flow == "attrition" {
                        total += flows::attrition(model, vars, g, t);
                        continue;
                    }
                    for term in flows::flow_terms(model, vars, &links, g, t) {
                        if term.flow == flow && term.channel.id(model) == *channel {
                            total += term.fte;
                        }
                    }
                }
            }
        }
        Kind::Group { group } => {
            for g in members(solution, group) {
                total += vars.stock[g][headline];
            }
        }
        Kind::Care { service } => {
            for s in (0..model.services.len()).filter(|s| model.services[*s].id == *service) {
                for t in 0..model.periods.len() {
                    total += delivered_care(model, vars, s, t);
                }
            }
        }
    }
    total
}

/// The quantities an impact report names: every group's change at the
/// headline period, each service's care over the horizon (services whose
/// care changes), and every channel of every group to the headline period
/// — also those that did not change, since a channel the reported plan
/// leaves alone may be one side of a tie (national groups, and the report
/// group's region when it is one region's copy).
fn named_quantities(impact: &Impact) -> Vec<(String, Kind, String, String, String)> {
    let periods = &impact.periods;
    let headline = impact.headline_period;
    let to_headline = wfplan_text::number::span(periods, 0, headline);
    let whole = wfplan_text::number::span(periods, 0, periods.len() - 1);
    let mut list = Vec::new();
    for group in &impact.groups {
        list.push((
            format!("group:{}", group.id),
            Kind::Group {
                group: group.id.clone(),
            },
            format!("{} in post, {}", group.name, periods[headline]),
            "FTE".to_string(),
            periods[headline].clone(),
        ));
    }
    for service in &impact.services {
        if service.delivered_change().iter().all(|c| c.abs() < 0.5)
            && service.delivered_change().iter().sum::<f64>().abs() < 0.5
        {
            continue;
        }
        list.push((
            format!("care:{}", service.id),
            Kind::Care {
                service: service.id.clone(),
            },
            format!("{}: care delivered", service.name),
            format!("{}-years", service.care_unit),
            whole.clone(),
        ));
    }
    let mut sets: Vec<(String, &Vec<crate::compare::Channel>, String)> = impact
        .groups
        .iter()
        .zip(&impact.group_channels)
        .map(|(g, channels)| (g.id.clone(), channels, g.name.clone()))
        .collect();
    if let (Some(region), Some(id)) = (impact.target_region, &impact.target_group_id) {
        let key = format!("{id}@{}", impact.regions[region].id);
        let name = impact.target_group_name.clone().unwrap_or_default();
        sets.push((key, &impact.channels, name));
    }
    for (group, channels, name) in sets {
        for channel in channels {
            list.push((
                channel_key(&group, &channel.flow, &channel.channel),
                Kind::Channel {
                    group: group.clone(),
                    flow: channel.flow.clone(),
                    channel: channel.channel.clone(),
                },
                format!("{name}: {}", channel.label),
                "FTE".to_string(),
                to_headline.clone(),
            ));
        }
    }
    list
}

/// The least and most of each quantity over one scenario's plans within
/// `tolerance` of its optimum, and the number of HiGHS runs.
fn scenario_ranges(
    solution: &Solution,
    quantities: &[Expression],
    slacks: &[f64],
    options: &SolverOptions,
) -> Result<(Vec<(f64, f64)>, usize)> {
    let lp = &solution.lp;
    let file = &solution.model.file;
    let Some(first) = lp.objectives.first() else {
        return Err(anyhow!("{file}: the model has no objective"));
    };
    let mut highs = Highs::new().with_context(|| file.clone())?;
    highs.apply(options)?;
    highs
        .pass_lp(&sparse_lp(lp, first, &[]))
        .with_context(|| file.clone())?;
    let mut solves = 1;
    let status = wfplan_engine::solve::run_resolving(&mut highs, options);
    if status != Status::Optimal {
        return Err(anyhow!(
            "{file}: near-optimal ranges: re-solving the plan gave '{status}' instead of the optimum"
        ));
    }
    // Hold every stage's objective within its slack of its optimum.
    for ((objective, optimum), slack) in lp
        .objectives
        .iter()
        .zip(&solution.stage_objectives)
        .zip(slacks)
    {
        let entries = linear_entries(solution, objective);
        highs
            .add_row(
                &entries,
                f64::NEG_INFINITY,
                optimum + slack - objective.constant(),
            )
            .with_context(|| format!("{file}: near-optimal ranges"))?;
    }
    let basis = highs.basis();
    // Each bound below changes only the objective, so the optimum's basis
    // stays primal feasible: primal simplex from it is the short way to
    // the new optimum (dual simplex, HiGHS's default, must first repair
    // dual feasibility, and took ten times as long on the regional
    // flagship). The user's own choice of algorithm is kept.
    let chosen = |key: &str| options.highs.iter().any(|(k, _)| k == key);
    if basis.is_some() && !chosen("solver") && !chosen("simplex_strategy") {
        highs.set_option("simplex_strategy", wfplan_highs::PRIMAL_SIMPLEX)?;
    }
    let mut ranges = Vec::with_capacity(quantities.len());
    for quantity in quantities {
        let q = linear(solution, quantity);
        let mut ends = [0.0; 2];
        for (end, sign) in [(0, 1.0), (1, -1.0)] {
            let mut costs = vec![0.0; highs.num_cols()];
            for (column, value) in &q.entries {
                costs[*column] = sign * value;
            }
            highs
                .set_objective(&costs, 0.0)
                .with_context(|| format!("{file}: near-optimal ranges"))?;
            if let Some(basis) = &basis {
                highs.set_basis(basis);
            }
            solves += 1;
            ends[end] = match wfplan_engine::solve::run_resolving(&mut highs, options) {
                Status::Optimal => sign * highs.objective_value() + q.constant,
                Status::Unbounded => sign * f64::NEG_INFINITY,
                status => {
                    return Err(anyhow!(
                        "{file}: near-optimal ranges: HiGHS stopped with '{status}' while bounding a quantity; try --near-optimal-tolerance 0 to skip the ranges"
                    ))
                }
            };
        }
        ranges.push((ends[0].min(ends[1]), ends[1].max(ends[0])));
    }
    Ok((ranges, solves))
}

fn linear_entries(solution: &Solution, expression: &Expression) -> Vec<(usize, f64)> {
    linear(solution, expression).entries
}

/// The near-optimal ranges of the decisions an impact report names (see
/// the module documentation). `tolerance.share` > 0.
pub fn ranges(
    base: &Solution,
    policy: &Solution,
    impact: &Impact,
    tolerance: Tolerance,
    options: &SolverOptions,
) -> Result<NearOptimal> {
    let start = Instant::now();
    let headline = impact.headline_period;
    let named = named_quantities(impact);
    let of = |solution: &Solution| -> Vec<Expression> {
        named
            .iter()
            .map(|(_, kind, _, _, _)| expression(solution, kind, headline))
            .collect()
    };
    let (base_expressions, policy_expressions) = (of(base), of(policy));
    let slacks = |own: &Solution| {
        tolerance.slacks(
            &own.stage_objectives,
            &base.stage_objectives,
            &policy.stage_objectives,
        )
    };
    let (base_slacks, policy_slacks) = (slacks(base), slacks(policy));
    let (base_ranges, base_solves) =
        scenario_ranges(base, &base_expressions, &base_slacks, options)?;
    let (policy_ranges, policy_solves) =
        scenario_ranges(policy, &policy_expressions, &policy_slacks, options)?;
    let mut ranges = Vec::with_capacity(named.len());
    for (index, (key, kind, label, unit, over)) in named.into_iter().enumerate() {
        let base_value = base.evaluate(&base_expressions[index]);
        let policy_value = policy.evaluate(&policy_expressions[index]);
        let (base_low, base_high) = base_ranges[index];
        let (policy_low, policy_high) = policy_ranges[index];
        // The optimal plan is itself within the tolerance: the range holds it.
        let base_low = wfplan_engine::solution::clean(base_low.min(base_value));
        let base_high = wfplan_engine::solution::clean(base_high.max(base_value));
        let policy_low = wfplan_engine::solution::clean(policy_low.min(policy_value));
        let policy_high = wfplan_engine::solution::clean(policy_high.max(policy_value));
        ranges.push(Range {
            key,
            kind,
            label,
            unit,
            over,
            base: base_value,
            policy: policy_value,
            base_low,
            base_high,
            policy_low,
            policy_high,
            change_low: wfplan_engine::solution::clean(policy_low - base_high),
            change_high: wfplan_engine::solution::clean(policy_high - base_low),
        });
    }
    let first = |slacks: &[f64]| slacks.first().copied().unwrap_or(0.0);
    Ok(NearOptimal {
        tolerance: tolerance.share,
        of: tolerance.of,
        currency: impact.currency.clone(),
        allowance: (first(&base_slacks), first(&policy_slacks)),
        ranges,
        solves: base_solves + policy_solves,
        seconds: start.elapsed().as_secs_f64(),
    })
}
