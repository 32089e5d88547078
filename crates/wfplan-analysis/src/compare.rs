//! The impact of a policy: two solved scenarios of one model turned into the
//! numbers of a system-wide impact report — what the policy changes
//! (`policy_change`), the headline that follows it (a target's group at the
//! target's period, or the limit, capacity or price it changes), where each
//! group's staff came from (by channel, summing exactly to its stock
//! change), who lost (services and groups), the finance view, the years the
//! horizon's end distorts and the years the plan anticipates the policy,
//! and a short narrative whose every sentence carries the numbers it states
//! (`Finding::facts`). Pure: `report::impact` writes it.
//!
//! Regions: a model with `[[region]]`s has one model entity per group (or
//! service) and region. The impact keys groups and services by id: `groups`,
//! `services` and `group_channels` are national (summed over the regions of
//! each id), and `regional_groups`, `regional_services` and
//! `regional_group_channels` hold the same numbers for each (id, region).
//! Without regions the regional lists are empty and the national ones are
//! the model's own groups and services.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use crate::policy_change::{Change, ChangeKind};
use wfplan_engine::solution::{ConditionResult, Solution};
use wfplan_engine::tables::{self, Flow};
use wfplan_model::model::{CostCategory, Quantity, Region};
use wfplan_text::number::{
    format_number, money, one_unit, per_unit, period_list, price, signed, span,
};

/// One channel of a group's change: its change, policy minus base, per
/// period and cumulated to the headline period.
#[derive(Debug, Clone)]
pub struct Channel {
    /// e.g. "Health visitor training, seconded community staff nurses"
    pub label: String,
    /// hire, new_starter_attrition, completion, intake, move_in, move_out,
    /// exit, attrition
    pub flow: String,
    /// The pool, pipeline or move id ("" for attrition and exits).
    pub channel: String,
    /// Policy minus base, per period (FTE).
    pub change_by_period: Vec<f64>,
    /// Σ of the change over periods up to and including the headline period.
    pub change_to_headline: f64,
}

impl Channel {
    /// Whether the flow brings staff in (hires, completions of training,
    /// moves in): the only channels that can be a source of extra staff.
    pub fn is_inflow(&self) -> bool {
        is_inflow(&self.flow)
    }
}

/// Hires, completions and moves in bring staff into a group; every other
/// flow (leavers, new starters leaving, secondments out, moves out, exits)
/// takes staff out.
pub fn is_inflow(flow: &str) -> bool {
    matches!(flow, "hire" | "completion" | "move_in")
}

#[derive(Debug, Clone)]
pub struct ServiceImpact {
    pub id: String,
    pub name: String,
    /// Index into `Impact::regions`; None for a national total (and for
    /// every service of a model without regions).
    pub region: Option<usize>,
    /// What one unit of its demand and care is ("FTE", or e.g.
    /// "district-nurse-equivalent FTE").
    pub care_unit: String,
    pub delivered_base: Vec<f64>,
    pub delivered_policy: Vec<f64>,
    pub unmet_base: Vec<f64>,
    pub unmet_policy: Vec<f64>,
}

impl ServiceImpact {
    pub fn delivered_change(&self) -> Vec<f64> {
        difference(&self.delivered_policy, &self.delivered_base)
    }
    pub fn unmet_change(&self) -> Vec<f64> {
        difference(&self.unmet_policy, &self.unmet_base)
    }
    /// Σ of the change in care delivered over periods `from..=to`.
    pub fn delivered_change_over(&self, from: usize, to: usize) -> f64 {
        self.delivered_change()[from..=to].iter().sum()
    }
}

#[derive(Debug, Clone)]
pub struct GroupImpact {
    pub id: String,
    pub name: String,
    /// Index into `Impact::regions`; None for a national total (and for
    /// every group of a model without regions).
    pub region: Option<usize>,
    pub opening: f64,
    pub stock_base: Vec<f64>,
    pub stock_policy: Vec<f64>,
}

impl GroupImpact {
    pub fn change(&self) -> Vec<f64> {
        difference(&self.stock_policy, &self.stock_base)
    }
}

/// Cash in one category (outturn prices), per period.
#[derive(Debug, Clone)]
pub struct CostLine {
    pub category: CostCategory,
    pub base: Vec<f64>,
    pub policy: Vec<f64>,
}

/// One instance (a period, or the total) of a target or limit the policy
/// changes, as each scenario has it (None where the scenario lacks it).
#[derive(Debug, Clone)]
pub struct ConditionChange {
    /// "target" or "limit".
    pub kind: String,
    pub id: String,
    pub name: String,
    pub expression: String,
    pub unit: String,
    pub region: Option<usize>,
    /// The period label, or "total".
    pub period: String,
    pub base: Option<ConditionResult>,
    pub policy: Option<ConditionResult>,
}

impl ConditionChange {
    /// The scenario's instance, `policy` or base.
    pub fn of(&self, policy: bool) -> Option<&ConditionResult> {
        if policy {
            self.policy.as_ref()
        } else {
            self.base.as_ref()
        }
    }

    /// Whether either scenario's bound differs, or the instance exists in
    /// one scenario only.
    pub fn bounds_differ(&self) -> bool {
        match (&self.base, &self.policy) {
            (Some(b), Some(p)) => b.min != p.min || b.max != p.max,
            _ => true,
        }
    }
}

/// How the report's group was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetReason {
    /// `--group`.
    Requested,
    /// A target the policy adds, drops, moves or re-bounds reads its stock.
    Target(String),
    /// The policy's most important change (a limit, capacity or price) is
    /// about this group alone: the path of that change.
    Change(String),
}

/// The years the horizon's end distorts, and the policy's target years.
///
/// Rule: the last L periods are marked, L being the longest duration of a
/// course the end of the horizon cuts short (none when no course is). A
/// course started in one of its last d periods finishes after the horizon,
/// so a plan has no reason to start it (only a terminal value, if any, pays
/// for it): in those years training stops, stocks run down and unmet demand
/// rises in every scenario alike. A course whose intake stays at its
/// capacity through its last d periods in every plan (places commissioned
/// by data and held full, e.g. a nursing degree) is not cut short, and does
/// not mark years (`end_lead`).
#[derive(Debug, Clone)]
pub struct Horizon {
    /// The first distorted period (== the number of periods when none is).
    pub end_from: usize,
    /// L: the longest pipeline duration, in periods (0 without pipelines).
    pub lead: usize,
    /// The last period of any target of the policy scenario (At targets).
    pub last_target: Option<usize>,
    /// The first period of a target the policy changes (added, moved or
    /// re-bounded), if any: plans that differ before it anticipate it.
    pub first_target: Option<usize>,
}

impl Horizon {
    /// The last period of the totals shown beside whole-horizon totals:
    /// the policy's last target year, else the last year before the end
    /// years (else the last period).
    pub fn focus_end(&self, periods: usize) -> usize {
        self.last_target
            .unwrap_or_else(|| self.end_from.saturating_sub(1))
            .min(periods - 1)
    }

    /// Whether a period is one of the end years the horizon distorts.
    pub fn is_end(&self, period: usize) -> bool {
        period >= self.end_from
    }
}

#[derive(Debug, Clone)]
pub struct Impact {
    pub model_name: String,
    pub currency: String,
    pub base: String,
    pub policy: String,
    /// What each scenario is, from its `description` in the model file.
    pub base_description: Option<String>,
    pub policy_description: Option<String>,
    pub periods: Vec<String>,
    /// The model's regions (empty without regions).
    pub regions: Vec<Region>,
    /// Everything the policy model differs in from the base model, most
    /// important kind first (`policy_change::changes`).
    pub changes: Vec<Change>,
    /// The group the report follows: an index into `groups` (national);
    /// None when no target names one group and the policy's change (a
    /// limit, capacity or price on several groups, a demand) is about no
    /// one group — the headline then follows the change itself.
    pub target_group: Option<usize>,
    /// Why `target_group` is the one it is.
    pub target_reason: Option<TargetReason>,
    /// Set when the target is one region's copy of the group (`g@region`,
    /// or a new target on `stock(g @ region)`): see [`Impact::target`].
    pub target_region: Option<usize>,
    pub target_group_id: Option<String>,
    /// The group's name, followed by " in <region name>" for a regional target.
    pub target_group_name: Option<String>,
    /// The period the headline numbers are read at.
    pub headline_period: usize,
    /// Why that period, in words ("the year of target 'hv_pledge'").
    pub headline_reason: String,
    /// The periods of the targets the policy changes (in either scenario).
    pub target_periods: Vec<usize>,
    /// Every instance of a target or limit the policy changes.
    pub condition_changes: Vec<ConditionChange>,
    /// The report group's channels (national, or of its region); empty
    /// without a report group.
    pub channels: Vec<Channel>,
    /// The same decomposition for every group, by index into `groups`.
    pub group_channels: Vec<Vec<Channel>>,
    /// One per service id, summed over regions.
    pub services: Vec<ServiceImpact>,
    /// One per group id, summed over regions.
    pub groups: Vec<GroupImpact>,
    /// What the report's group charts and tables draw: one set per group
    /// id — or, with more ids than `report::scale::MAX_PANELS` and staff
    /// families declared, one per family (`report::scale::group_sets`).
    /// Members are indices into `groups`.
    pub group_sets: Vec<wfplan_model::group_sets::GroupSet>,
    /// True when `group_sets` are families.
    pub by_family: bool,
    /// One per service and region (empty without regions).
    pub regional_services: Vec<ServiceImpact>,
    /// One per group and region (empty without regions).
    pub regional_groups: Vec<GroupImpact>,
    /// The channels of each of `regional_groups`.
    pub regional_group_channels: Vec<Vec<Channel>>,
    pub costs: Vec<CostLine>,
    /// Discounted totals.
    pub cash_base: f64,
    pub cash_policy: f64,
    pub penalty_base: f64,
    pub penalty_policy: f64,
    /// Discounted terminal value of the staff in post at the end (not cash).
    pub terminal_value_base: f64,
    pub terminal_value_policy: f64,
    /// Gross cost, offsets and net by group, category and year; cost per
    /// outcome; funding envelopes (`finance`, `report::finance`).
    pub finance: crate::accounts::FinanceImpact,
    pub horizon: Horizon,
    /// The policy's `freeze_until` period, if its years before were held to
    /// the base plan.
    pub frozen_until: Option<usize>,
    /// Near-optimal ranges of the decisions the report names, when computed
    /// (`near_optimal::ranges`; attached by the command).
    pub near_optimal: Option<crate::near_optimal::NearOptimal>,
    /// The model's published figures (`[model] history`) beside each plan's
    /// value of the same quantity in the same period.
    pub history: Vec<HistoryComparison>,
    /// The age pyramid of each group id with age bands under both plans
    /// (empty without bands; a group whose bands differ between the two
    /// scenarios is left out).
    pub ages: Vec<AgeImpact>,
}

/// The age pyramid of one banded group id under each plan (summed over
/// regions); the policy's change by band is policy minus base.
#[derive(Debug, Clone)]
pub struct AgeImpact {
    pub base: tables::Pyramid,
    pub policy: tables::Pyramid,
}

impl AgeImpact {
    /// Policy minus base, FTE in each band at the end of a period.
    pub fn change(&self, period: usize) -> Vec<f64> {
        self.policy
            .stock_fte
            .iter()
            .zip(&self.base.stock_fte)
            .map(|(p, b)| wfplan_engine::solution::clean(p[period] - b[period]))
            .collect()
    }
}

/// A published figure beside the base and policy plans.
#[derive(Debug, Clone)]
pub struct HistoryComparison {
    pub row: wfplan_model::spec::HistoryRow,
    pub period: usize,
    pub base: f64,
    pub policy: f64,
}

fn difference(policy: &[f64], base: &[f64]) -> Vec<f64> {
    policy
        .iter()
        .zip(base)
        .map(|(p, b)| wfplan_engine::solution::clean(p - b))
        .collect()
}

/// The regional copies of one service with their change over the horizon.
pub type RegionalChanges<'a> = Vec<(&'a ServiceImpact, f64)>;

impl Impact {
    /// Whether the model has regions (and the impact regional views).
    pub fn has_regions(&self) -> bool {
        !self.regions.is_empty()
    }

    /// The name of a region ("" for a national total).
    pub fn region_name(&self, region: Option<usize>) -> &str {
        region.map_or("", |r| self.regions[r].name.as_str())
    }

    /// The id of a region ("" for a national total).
    pub fn region_id(&self, region: Option<usize>) -> &str {
        region.map_or("", |r| self.regions[r].id.as_str())
    }

    /// The report group: the national group, or its copy in the target
    /// region; None without a report group.
    pub fn target(&self) -> Option<&GroupImpact> {
        let index = self.target_group?;
        let id = self.target_group_id.as_deref()?;
        Some(
            self.target_region
                .and_then(|region| {
                    self.regional_groups
                        .iter()
                        .find(|g| g.id == id && g.region == Some(region))
                })
                .unwrap_or(&self.groups[index]),
        )
    }

    /// The report group's stock change per period (zeros without one).
    pub fn target_change(&self) -> Vec<f64> {
        self.target()
            .map_or_else(|| vec![0.0; self.periods.len()], GroupImpact::change)
    }

    /// Change in the report group at the headline period (0 without one).
    pub fn target_change_at_headline(&self) -> f64 {
        self.target_change()[self.headline_period]
    }

    /// Cash (outturn prices) per period, base and policy.
    pub fn cash_by_period(&self) -> (Vec<f64>, Vec<f64>) {
        let periods = self.periods.len();
        let mut base = vec![0.0; periods];
        let mut policy = vec![0.0; periods];
        for line in &self.costs {
            for t in 0..periods {
                base[t] += line.base[t];
                policy[t] += line.policy[t];
            }
        }
        (base, policy)
    }

    /// Σ cash change (outturn prices) over the horizon.
    pub fn cash_change(&self) -> f64 {
        let (base, policy) = self.cash_by_period();
        policy.iter().sum::<f64>() - base.iter().sum::<f64>()
    }

    /// Σ cash change (outturn prices) over periods `from..=to`.
    pub fn cash_change_over(&self, from: usize, to: usize) -> f64 {
        let (base, policy) = self.cash_by_period();
        (from..=to).map(|t| policy[t] - base[t]).sum()
    }

    /// Extra FTE-years of the report group over the horizon.
    pub fn target_fte_years(&self) -> f64 {
        self.target_change().iter().sum()
    }

    /// Unmet demand change per period, all services.
    pub fn unmet_change_by_period(&self) -> Vec<f64> {
        let mut total = vec![0.0; self.periods.len()];
        for service in &self.services {
            for (t, change) in service.unmet_change().iter().enumerate() {
                total[t] += change;
            }
        }
        total
    }

    /// Unmet demand of all services summed over periods `0..=to`, under
    /// the policy's plan or the base's.
    pub fn unmet_total_to(&self, policy: bool, to: usize) -> f64 {
        self.services
            .iter()
            .map(|s| {
                let values = if policy {
                    &s.unmet_policy
                } else {
                    &s.unmet_base
                };
                values[..=to].iter().sum::<f64>()
            })
            .sum()
    }

    /// Whether every service counts its care in the same unit (so that
    /// care and unmet demand may be summed across services).
    pub fn care_units_agree(&self) -> bool {
        self.services
            .windows(2)
            .all(|pair| pair[0].care_unit == pair[1].care_unit)
    }

    /// Services that deliver less care over the horizon, largest loss first.
    pub fn losers(&self) -> Vec<(&ServiceImpact, f64)> {
        let mut list: Vec<(&ServiceImpact, f64)> = self
            .services
            .iter()
            .map(|service| (service, service.delivered_change().iter().sum::<f64>()))
            .filter(|(_, change)| *change < -1e-6)
            .collect();
        list.sort_by(|a, b| a.1.total_cmp(&b.1));
        list
    }

    /// The periods before the first target the policy changes in which the
    /// two plans already differ (a group's stock by half an FTE or more, or
    /// cash by more than a millionth of the base's cash that year): the plan
    /// anticipates the target. Empty without a changed target, and when the
    /// years before it are frozen to the base plan.
    pub fn anticipation_periods(&self) -> Vec<usize> {
        let Some(first) = self.horizon.first_target else {
            return Vec::new();
        };
        let (base_cash, policy_cash) = self.cash_by_period();
        (0..first)
            .filter(|&t| {
                self.groups.iter().any(|g| g.change()[t].abs() >= 0.5)
                    || (policy_cash[t] - base_cash[t]).abs() > 1e-6 * base_cash[t].abs().max(1.0)
            })
            .collect()
    }

    /// The changes of the policy already in force before `period`.
    pub fn changes_before(&self, period: usize) -> Vec<&Change> {
        self.changes
            .iter()
            .filter(|c| c.first_period().is_some_and(|t| t < period))
            .collect()
    }

    /// The regional copies of service `id` with their change in care
    /// delivered over the horizon (FTE-years), largest loss first (ties in
    /// region order). Empty without regions.
    pub fn service_by_region(&self, id: &str) -> Vec<(&ServiceImpact, f64)> {
        let mut list: Vec<(&ServiceImpact, f64)> = self
            .regional_services
            .iter()
            .filter(|s| s.id == id)
            .map(|s| (s, s.delivered_change().iter().sum::<f64>()))
            .collect();
        list.sort_by(|a, b| a.1.total_cmp(&b.1));
        list
    }

    /// The report group's regional copies with their stock change at the
    /// headline period, largest gain first. Empty without regions or
    /// without a report group.
    pub fn target_by_region(&self) -> Vec<(&GroupImpact, f64)> {
        let Some(id) = self.target_group_id.as_deref() else {
            return Vec::new();
        };
        let mut list: Vec<(&GroupImpact, f64)> = self
            .regional_groups
            .iter()
            .filter(|g| g.id == id)
            .map(|g| (g, g.change()[self.headline_period]))
            .collect();
        list.sort_by(|a, b| b.1.total_cmp(&a.1));
        list
    }

    /// The services that lose care in at least one region, each with its
    /// regions ranked largest loss first (FTE-years over the horizon): the
    /// services that lose most nationally first, then by their largest
    /// regional loss (a service may lose in one region what it gains in
    /// another). Empty without regions.
    pub fn regional_losers(&self) -> Vec<(&ServiceImpact, RegionalChanges<'_>)> {
        let mut list: Vec<(&ServiceImpact, f64, RegionalChanges<'_>)> = self
            .services
            .iter()
            .map(|s| {
                (
                    s,
                    s.delivered_change().iter().sum::<f64>(),
                    self.service_by_region(&s.id),
                )
            })
            .filter(|(_, _, regions)| regions.first().is_some_and(|(_, c)| *c < -1e-6))
            .collect();
        list.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2[0].1.total_cmp(&b.2[0].1)));
        list.into_iter()
            .map(|(s, _, regions)| (s, regions))
            .collect()
    }

    /// The first of [`Impact::regional_losers`], the region where it loses
    /// most, and that region's change over the horizon (FTE-years).
    pub fn worst_regional_loss(&self) -> Option<(&ServiceImpact, &ServiceImpact, f64)> {
        let (service, regions) = self.regional_losers().into_iter().next()?;
        let (region, change) = regions.into_iter().next()?;
        Some((service, region, change))
    }

    /// The policy's most important change (the first of `changes`).
    pub fn primary_change(&self) -> Option<&Change> {
        self.changes.first()
    }

    /// The changes of one kind.
    pub fn changes_of(&self, kind: ChangeKind) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.kind == kind).collect()
    }
}

/// The distinct group ids of a model in order of first appearance, and for
/// each model group the index of its id in that list.
fn group_ids(model: &wfplan_model::model::Model) -> (Vec<String>, Vec<usize>) {
    let mut ids: Vec<String> = Vec::new();
    let mut index_of = Vec::with_capacity(model.groups.len());
    for group in &model.groups {
        let index = match ids.iter().position(|id| *id == group.id) {
            Some(index) => index,
            None => {
                ids.push(group.id.clone());
                ids.len() - 1
            }
        };
        index_of.push(index);
    }
    (ids, index_of)
}

/// A readable label for a flow channel of the target group.
fn channel_label(solution: &Solution, flow: &Flow) -> String {
    let model = &solution.model;
    let pool_name = |id: &str| match model.pools.iter().find(|p| p.id == id) {
        Some(pool) => pool.name.clone(),
        None if id == "open_market" => "the open market".to_string(),
        None => id.to_string(),
    };
    let pipeline = model.pipelines.iter().find(|p| p.id == flow.channel);
    let pipeline_name = pipeline.map_or(flow.channel.clone(), |p| p.name.clone());
    // The move whose channel (as `lp::flows` names it) is the flow's.
    let movement = (0..model.moves.len())
        .find(|&index| wfplan_lp::flows::Channel::Move(index).id(model) == flow.channel)
        .map(|index| &model.moves[index]);
    let region_of = |m: &wfplan_model::model::Move, end: usize| match m.between {
        Some(pair) => {
            let region = if end == 0 { pair.0 } else { pair.1 };
            format!(" in {}", model.regions[region].name)
        }
        None => String::new(),
    };
    match flow.flow {
        "attrition" => "leavers (attrition)".to_string(),
        "exit" => "managed exits".to_string(),
        "hire" => format!("hires from {}", pool_name(&flow.channel)),
        "new_starter_attrition" => format!(
            "new starters leaving (hired from {})",
            pool_name(&flow.channel)
        ),
        // A pipeline the planner named is described by its name.
        "completion" => match (pipeline, pipeline.and_then(|p| p.from)) {
            (Some(p), _) if p.name != p.id => p.name.clone(),
            (_, Some(feeder)) => format!(
                "training via {pipeline_name} (seconded from {})",
                model.groups[feeder].name
            ),
            (_, None) => format!("training via {pipeline_name} (recruited from outside)"),
        },
        "intake" => format!("seconded out to {pipeline_name}"),
        "move_in" => match movement {
            Some(m) => format!(
                "moves from {}{}",
                model.groups[m.from].name,
                region_of(m, 0)
            ),
            None => format!("moves in ({})", flow.channel),
        },
        "move_out" => match movement {
            Some(m) => format!("moves to {}{}", model.groups[m.to].name, region_of(m, 1)),
            None => format!("moves out ({})", flow.channel),
        },
        other => format!("{other} {}", flow.channel),
    }
}

/// The group and region a `--group g` or `g@region` names.
fn requested_group(
    model: &wfplan_model::model::Model,
    ids: &[String],
    requested: &str,
) -> Result<(usize, Option<usize>)> {
    let (id, region) = match requested.split_once('@') {
        Some((id, region)) => (id.trim(), Some(region.trim())),
        None => (requested.trim(), None),
    };
    let index = ids.iter().position(|g| g == id).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: --group: no group '{id}'{}",
            model.file,
            wfplan_model::spec::did_you_mean(id, ids.iter().map(|g| g.as_str()))
        )
    })?;
    let Some(region) = region else {
        return Ok((index, None));
    };
    if !model.has_regions() {
        bail!(
            "{}: --group '{requested}': the model declares no [[region]]; give the group id alone",
            model.file
        );
    }
    let region_index = model
        .regions
        .iter()
        .position(|r| r.id == region)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{}: --group: no region '{region}'{}",
                model.file,
                wfplan_model::spec::did_you_mean(
                    region,
                    model.regions.iter().map(|r| r.id.as_str())
                )
            )
        })?;
    if !model
        .groups
        .iter()
        .any(|g| g.id == id && g.region == Some(region_index))
    {
        bail!(
            "{}: --group: group '{id}' does not exist in region '{region}'",
            model.file
        );
    }
    Ok((index, Some(region_index)))
}

/// The group the report follows, as (index into the group ids, region,
/// why), or None:
///
/// 1. `requested` (`--group g` or `g@region`);
/// 2. else the group whose stock the targets the policy changes (adds,
///    drops, moves or re-bounds, in either scenario) read — each such
///    target votes once for each group id of its `stock(...)` terms (for
///    one region's copy of a group that exists in several regions, for that
///    region); several groups with the most votes is an error asking for
///    `--group`, since no one of them is the policy's;
/// 3. else, when every change of the policy's most important kind (limits,
///    then capacities, prices, demand, other) is about one and the same
///    group (`Change::group`), that group;
/// 4. else None: the policy is about no one group (a budget over several
///    groups, a pool's supply, a service's demand), and the report follows
///    the change itself.
fn find_target_group(
    base: &Solution,
    policy: &Solution,
    requested: Option<&str>,
    changes: &[Change],
) -> Result<Option<(usize, Option<usize>, TargetReason)>> {
    let model = &policy.model;
    let (ids, id_of) = group_ids(model);
    if let Some(requested) = requested {
        let (index, region) = requested_group(model, &ids, requested)?;
        return Ok(Some((index, region, TargetReason::Requested)));
    }
    let copies = |index: usize| id_of.iter().filter(|i| **i == index).count();
    let mut votes: BTreeMap<(usize, Option<usize>), (usize, String)> = BTreeMap::new();
    let changed_targets: Vec<&str> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Target)
        .filter_map(|c| c.condition.as_deref())
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for id in changed_targets {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let (source, condition) = match model
            .conditions
            .iter()
            .find(|c| c.id == id && c.kind == wfplan_model::model::ConditionKind::Target)
        {
            Some(condition) => (model, condition),
            None => match base
                .model
                .conditions
                .iter()
                .find(|c| c.id == id && c.kind == wfplan_model::model::ConditionKind::Target)
            {
                Some(condition) => (&base.model, condition),
                None => continue,
            },
        };
        let mut selected: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (_, quantity) in &condition.expression.terms {
            if let Quantity::Stock(groups) = quantity {
                for group in groups {
                    // Group indices agree between the two models (a
                    // scenario changes parameters, not the list of groups).
                    let index = id_of[*group];
                    selected.entry(index).or_default().push(*group);
                }
            }
        }
        for (index, members) in selected {
            let region = match members.as_slice() {
                [one] if copies(index) > 1 => source.groups[*one].region,
                _ => None,
            };
            let entry = votes
                .entry((index, region))
                .or_insert((0, condition.id.clone()));
            entry.0 += 1;
        }
    }
    if let Some(most) = votes.values().map(|(count, _)| *count).max() {
        type Vote<'a> = (&'a (usize, Option<usize>), &'a (usize, String));
        let leaders: Vec<Vote<'_>> = votes
            .iter()
            .filter(|(_, (count, _))| *count == most)
            .collect();
        if let [((index, region), (_, condition))] = leaders.as_slice() {
            return Ok(Some((
                *index,
                *region,
                TargetReason::Target(condition.clone()),
            )));
        }
        let names: Vec<String> = leaders
            .iter()
            .map(|((index, region), _)| match region {
                Some(r) => format!("{}@{}", ids[*index], model.regions[*r].id),
                None => ids[*index].clone(),
            })
            .collect();
        bail!(
            "{}: the targets that differ between '{}' and '{}' are about several groups ({}), none more than another, so the report cannot tell which group the policy is for; name it with --group (e.g. --group {})",
            model.file,
            base.model.scenario.as_deref().unwrap_or("base"),
            policy.model.scenario.as_deref().unwrap_or("base"),
            names.join(", "),
            names[0]
        );
    }
    let Some(primary) = changes.first() else {
        return Ok(None);
    };
    let of_kind: Vec<&Change> = changes.iter().filter(|c| c.kind == primary.kind).collect();
    let groups: Vec<Option<&str>> = of_kind.iter().map(|c| c.group.as_deref()).collect();
    if let Some(Some(first)) = groups.first() {
        if groups.iter().all(|g| *g == Some(*first)) {
            if let Some(index) = ids.iter().position(|id| id == first) {
                return Ok(Some((
                    index,
                    None,
                    TargetReason::Change(primary.path.clone()),
                )));
            }
        }
    }
    Ok(None)
}

/// The last period named by any target of a model (targets held `at`
/// periods), if any.
pub fn last_target(model: &wfplan_model::model::Model) -> Option<usize> {
    model
        .conditions
        .iter()
        .filter(|c| c.kind == wfplan_model::model::ConditionKind::Target)
        .filter_map(|c| match &c.when {
            wfplan_model::model::When::At(at) => at.iter().max().copied(),
            wfplan_model::model::When::Total => None,
        })
        .max()
}

/// The horizon's end years (the last L periods, L the longest pipeline
/// duration), the policy's last target year and the first changed target.
fn horizon(base: &Solution, policy: &Solution, changes: &[Change]) -> Horizon {
    let model = &policy.model;
    let periods = model.periods.len();
    let lead = end_lead(&[base, policy]);
    let last_target = last_target(model);
    let changed_targets: Vec<usize> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Target)
        .flat_map(|c| c.periods())
        .collect();
    let first_target = changed_targets.iter().min().copied();
    let last_target = last_target.max(changed_targets.iter().max().copied());
    Horizon {
        end_from: periods.saturating_sub(lead),
        lead,
        last_target,
        first_target,
    }
}

/// L of `Horizon`: the longest duration d of a pipeline that the end of
/// the horizon cuts short in some plan: one without a capacity, or one
/// whose intake is below its capacity in one of its last d periods
/// (tolerance 1e-6 relative). 0 when no pipeline is cut short.
pub fn end_lead(plans: &[&Solution]) -> usize {
    let cut_short = |plan: &Solution, p: usize| {
        let pipeline = &plan.model.pipelines[p];
        let periods = plan.model.periods.len();
        let first = periods.saturating_sub(pipeline.duration_periods);
        match &pipeline.capacity {
            None => true,
            Some(capacity) => (first..periods).any(|t| {
                let intake = plan.plan.decisions.intake[p][t];
                intake < capacity[t] - 1e-6 * capacity[t].abs().max(1.0)
            }),
        }
    };
    plans
        .iter()
        .flat_map(|plan| {
            (0..plan.model.pipelines.len())
                .filter(|p| cut_short(plan, *p))
                .map(|p| plan.model.pipelines[p].duration_periods)
        })
        .max()
        .unwrap_or(0)
}

/// Compares two solved scenarios of the same model. `target_group` is
/// `--group` (`g` or `g@region`).
pub fn compare(
    base: &Solution,
    policy: &Solution,
    base_name: &str,
    policy_name: &str,
    target_group: Option<&str>,
) -> Result<Impact> {
    let model = &policy.model;
    let differs = |what: &str, base_has: String, policy_has: String| {
        anyhow::anyhow!(
            "{}: the scenarios do not share {what}: the base '{base_name}' has {base_has}, the policy '{policy_name}' has {policy_has}; compare needs scenarios of one model with the same groups, services and periods",
            model.file
        )
    };
    if base.model.periods != model.periods {
        return Err(differs(
            "periods (model.periods)",
            wfplan_text::terminal::excerpt(&base.model.periods.join(", ")),
            wfplan_text::terminal::excerpt(&model.periods.join(", ")),
        ));
    }
    if base.model.groups.len() != model.groups.len() {
        return Err(differs(
            "groups",
            format!("{} groups", base.model.groups.len()),
            format!("{} groups", model.groups.len()),
        ));
    }
    if base.model.services.len() != model.services.len() {
        return Err(differs(
            "services",
            format!("{} services", base.model.services.len()),
            format!("{} services", model.services.len()),
        ));
    }
    let periods = model.periods.len();
    let changes = crate::policy_change::changes(&base.model, model);
    let chosen = find_target_group(base, policy, target_group, &changes)?;
    let (ids, id_of) = group_ids(model);
    let horizon = horizon(base, policy, &changes);

    // Every instance of a target or limit whose bounds the policy changes,
    // as each scenario has it.
    let changed_conditions: Vec<&str> = changes
        .iter()
        .filter_map(|c| c.condition.as_deref())
        .collect();
    let (base_results, policy_results) = (base.conditions(), policy.conditions());
    let mut condition_changes: Vec<ConditionChange> = Vec::new();
    for result in policy_results.iter().chain(&base_results) {
        if !changed_conditions.contains(&result.id.as_str())
            || condition_changes.iter().any(|c| {
                c.id == result.id && c.region == result.region && c.period == result.period
            })
        {
            continue;
        }
        let find = |list: &[ConditionResult]| {
            list.iter()
                .find(|r| {
                    r.id == result.id && r.region == result.region && r.period == result.period
                })
                .cloned()
        };
        let name = model
            .conditions
            .iter()
            .chain(&base.model.conditions)
            .find(|c| c.id == result.id)
            .map_or_else(|| result.id.clone(), |c| c.name.clone());
        let (in_base, in_policy) = (find(&base_results), find(&policy_results));
        if let (Some(b), Some(p)) = (&in_base, &in_policy) {
            if b.min == p.min && b.max == p.max {
                continue;
            }
        }
        condition_changes.push(ConditionChange {
            kind: result.kind.clone(),
            id: result.id.clone(),
            name,
            expression: result.expression.clone(),
            unit: result.unit.clone(),
            region: result.region,
            period: result.period.clone(),
            base: in_base,
            policy: in_policy,
        });
    }
    let period_index = |label: &str| model.periods.iter().position(|p| p == label);
    condition_changes.sort_by_key(|c| {
        (
            changed_conditions.iter().position(|id| *id == c.id),
            c.region,
            period_index(&c.period),
        )
    });

    let base_flows = tables::flows(base);
    let policy_flows = tables::flows(policy);
    // The model groups of each id (one per region it exists in).
    let members: Vec<Vec<usize>> = (0..ids.len())
        .map(|index| {
            (0..model.groups.len())
                .filter(|group| id_of[*group] == index)
                .collect()
        })
        .collect();
    let regional = model.has_regions();

    let group_impact = |members: &[usize], region: Option<usize>| {
        let first = &model.groups[members[0]];
        let sum = |solution: &Solution| -> Vec<f64> {
            let mut total = vec![0.0; periods];
            for group in members {
                for (t, value) in solution.stock(*group).iter().enumerate() {
                    total[t] += value;
                }
            }
            total
        };
        GroupImpact {
            id: first.id.clone(),
            name: first.name.clone(),
            region,
            opening: members.iter().map(|g| model.groups[*g].opening_fte).sum(),
            stock_base: sum(base),
            stock_policy: sum(policy),
        }
    };
    let groups: Vec<GroupImpact> = members.iter().map(|m| group_impact(m, None)).collect();
    // The same sets as the plan report's, their members turned from model
    // groups into indices of `groups` (a regional model's copies are one).
    let (model_sets, by_family) =
        wfplan_model::group_sets::group_sets(model, wfplan_model::group_sets::MAX_PANELS);
    let group_sets = model_sets
        .into_iter()
        .map(|mut set| {
            let mut indices: Vec<usize> = Vec::new();
            for g in &set.members {
                if !indices.contains(&id_of[*g]) {
                    indices.push(id_of[*g]);
                }
            }
            set.members = indices;
            set
        })
        .collect();
    let regional_groups: Vec<GroupImpact> = if regional {
        (0..model.groups.len())
            .map(|g| group_impact(&[g], model.groups[g].region))
            .collect()
    } else {
        Vec::new()
    };

    let service_impact = |members: &[usize], region: Option<usize>| {
        let first = &model.services[members[0]];
        let delivered = |solution: &Solution| -> Vec<f64> {
            (0..periods)
                .map(|t| {
                    members
                        .iter()
                        .map(|s| tables::delivered(solution, *s, t))
                        .sum()
                })
                .collect()
        };
        let unmet = |solution: &Solution, delivered: &[f64]| -> Vec<f64> {
            (0..periods)
                .map(|t| {
                    let demand: f64 = members
                        .iter()
                        .map(|s| solution.model.services[*s].demand_fte[t])
                        .sum();
                    wfplan_engine::solution::clean(demand - delivered[t])
                })
                .collect()
        };
        let delivered_base = delivered(base);
        let delivered_policy = delivered(policy);
        ServiceImpact {
            id: first.id.clone(),
            name: first.name.clone(),
            region,
            care_unit: first.care_unit.clone(),
            unmet_base: unmet(base, &delivered_base),
            unmet_policy: unmet(policy, &delivered_policy),
            delivered_base,
            delivered_policy,
        }
    };
    let mut service_ids: Vec<&str> = Vec::new();
    for service in &model.services {
        if !service_ids.contains(&service.id.as_str()) {
            service_ids.push(&service.id);
        }
    }
    let services: Vec<ServiceImpact> = service_ids
        .iter()
        .map(|id| {
            let members: Vec<usize> = (0..model.services.len())
                .filter(|s| model.services[*s].id == *id)
                .collect();
            service_impact(&members, None)
        })
        .collect();
    let regional_services: Vec<ServiceImpact> = if regional {
        (0..model.services.len())
            .map(|s| service_impact(&[s], model.services[s].region))
            .collect()
    } else {
        Vec::new()
    };

    // The headline period: the latest period of a target the policy
    // changes; else the year the report group changes most; else the year
    // care delivered changes most (both outside the end years when any
    // other year is left); else the first year the main change differs.
    let target_periods: Vec<usize> = {
        let mut list: Vec<usize> = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Target)
            .flat_map(|c| c.periods())
            .collect();
        list.sort_unstable();
        list.dedup();
        list
    };
    let candidates: Vec<usize> = if horizon.end_from > 0 {
        (0..horizon.end_from).collect()
    } else {
        (0..periods).collect()
    };
    let largest = |values: &[f64]| -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for &t in &candidates {
            let size = values[t].abs();
            if size > 0.5 && best.is_none_or(|(_, b)| size > b + 1e-9) {
                best = Some((t, size));
            }
        }
        best.map(|(t, _)| t)
    };
    let chosen_group = chosen.as_ref().map(|(index, region, _)| match region {
        Some(r) => regional_groups
            .iter()
            .find(|g| g.id == ids[*index] && g.region == Some(*r))
            .unwrap_or(&groups[*index]),
        None => &groups[*index],
    });
    let care_change: Vec<f64> = (0..periods)
        .map(|t| services.iter().map(|s| s.delivered_change()[t]).sum())
        .collect();
    let (headline_period, headline_reason) = if let Some(&last) = target_periods.last() {
        let id = changes
            .iter()
            .find(|c| c.kind == ChangeKind::Target && c.periods().contains(&last))
            .and_then(|c| c.condition.clone())
            .unwrap_or_default();
        (last, format!("the year of target '{id}'"))
    } else if let Some(t) = chosen_group.and_then(|g| largest(&g.change())) {
        (
            t,
            format!(
                "the year {} changes most{}",
                chosen_group.map_or("", |g| g.name.as_str()),
                if horizon.end_from > 0 && horizon.end_from < periods {
                    " before the end years"
                } else {
                    ""
                }
            ),
        )
    } else if let Some(t) = largest(&care_change) {
        (
            t,
            format!(
                "the year care delivered changes most{}; no target the policy changes names a year",
                if horizon.end_from > 0 && horizon.end_from < periods {
                    " before the end years"
                } else {
                    ""
                }
            ),
        )
    } else if let Some((t, change)) = changes
        .iter()
        .find_map(|c| c.first_period().map(|t| (t, c)))
    {
        (t, format!("the first year '{}' differs", change.path))
    } else {
        (periods - 1, "the last year".to_string())
    };

    let channels_of = |members: &[usize]| {
        channel_changes(
            base,
            policy,
            &base_flows,
            &policy_flows,
            members,
            headline_period,
        )
    };
    let group_channels: Vec<Vec<Channel>> = members.iter().map(|m| channels_of(m)).collect();
    let regional_group_channels: Vec<Vec<Channel>> = if regional {
        (0..model.groups.len()).map(|g| channels_of(&[g])).collect()
    } else {
        Vec::new()
    };

    let (target_group, target_region, target_reason) = match chosen {
        Some((index, region, reason)) => (Some(index), region, Some(reason)),
        None => (None, None, None),
    };
    let channels = match (target_group, target_region) {
        (Some(target), Some(region)) => (0..model.groups.len())
            .find(|g| id_of[*g] == target && model.groups[*g].region == Some(region))
            .map(|g| regional_group_channels[g].clone())
            .unwrap_or_default(),
        (Some(target), None) => group_channels[target].clone(),
        _ => Vec::new(),
    };
    let target_group_name = target_group.map(|target| match target_region {
        Some(region) => format!("{} in {}", groups[target].name, model.regions[region].name),
        None => groups[target].name.clone(),
    });
    let costs = CostCategory::ALL
        .iter()
        .map(|&category| CostLine {
            category,
            base: (0..periods).map(|t| base.cash_cost(category, t)).collect(),
            policy: (0..periods)
                .map(|t| policy.cash_cost(category, t))
                .collect(),
        })
        .collect();
    Ok(Impact {
        model_name: model.name.clone(),
        currency: model.currency.clone(),
        base: base_name.to_string(),
        policy: policy_name.to_string(),
        base_description: base.model.scenario_description.clone(),
        policy_description: policy.model.scenario_description.clone(),
        periods: model.periods.clone(),
        regions: model.regions.clone(),
        changes,
        target_group,
        target_reason,
        target_region,
        target_group_id: target_group.map(|t| groups[t].id.clone()),
        target_group_name,
        headline_period,
        headline_reason,
        target_periods,
        condition_changes,
        channels,
        group_channels,
        services,
        groups,
        group_sets,
        by_family,
        regional_services,
        regional_groups,
        regional_group_channels,
        costs,
        cash_base: base.cash,
        cash_policy: policy.cash,
        penalty_base: base.penalty,
        penalty_policy: policy.penalty,
        terminal_value_base: base.terminal_value,
        terminal_value_policy: policy.terminal_value,
        finance: crate::accounts::impact(base, policy),
        horizon,
        frozen_until: model.freeze_until,
        near_optimal: None,
        history: base
            .model
            .history
            .iter()
            .map(|observation| {
                let at = |plan: &Solution| -> Result<f64> {
                    Ok(plan.value(&observation.row.expr)?[observation.period])
                };
                Ok(HistoryComparison {
                    row: observation.row.clone(),
                    period: observation.period,
                    base: at(base)?,
                    policy: at(policy)?,
                })
            })
            .collect::<Result<Vec<_>>>()?,
        ages: {
            let policy_pyramids = tables::pyramids(policy);
            tables::pyramids(base)
                .into_iter()
                .filter_map(|base| {
                    policy_pyramids
                        .iter()
                        .find(|p| p.id == base.id && p.bands == base.bands)
                        .map(|policy| AgeImpact {
                            base: base.clone(),
                            policy: policy.clone(),
                        })
                })
                .collect()
        },
    })
}

/// The cash change per extra FTE of the report group at the headline
/// period, and per extra FTE-year over the horizon: only for a gain the
/// policy buys — the group higher at the headline period by half an FTE or
/// more, cash higher, and the group not lower at any target year of either
/// scenario (a target moved later is not a gain bought).
pub fn cost_per_extra_fte(impact: &Impact) -> Option<(f64, Option<f64>)> {
    let group = impact.target()?;
    let gained = impact.target_change_at_headline();
    let cash = impact.cash_change();
    let held = impact
        .target_periods
        .iter()
        .all(|&t| group.stock_policy[t] - group.stock_base[t] >= -0.5);
    if gained <= 0.5 || cash <= 0.0 || !held {
        return None;
    }
    let years = impact.target_fte_years();
    Some((cash / gained, (years > 0.5).then(|| cash / years)))
}

/// One number a sentence of the narrative states, with what it is, so that
/// a test can recompute it from the two plans on its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// A group's stock (national, or one region's copy) at a period.
    Stock {
        group: String,
        region: Option<usize>,
        period: usize,
        base: f64,
        policy: f64,
    },
    /// A parameter or bound the policy changes (`Change::path`).
    Changed { path: String },
    /// Cash, policy minus base: outturn prices over periods `from..=to`, and
    /// discounted over the horizon.
    Cash {
        from: usize,
        to: usize,
        outturn: f64,
        discounted: f64,
    },
    /// The cash change per extra FTE of the group in `period`, or per extra
    /// FTE-year over the horizon (`period` None).
    CostPerFte {
        group: String,
        period: Option<usize>,
        cash: f64,
        fte: f64,
    },
    /// The shadow price of a condition instance under one scenario, with
    /// the bound (min or max) that binds and the condition's unit.
    Shadow {
        condition: String,
        period: String,
        policy: bool,
        value: f64,
        unit: String,
        bound: &'static str,
    },
    /// An inflow the group's extra staff came from: the change in that
    /// channel summed over the periods up to `to`.
    Source {
        group: String,
        flow: String,
        channel: String,
        to: usize,
        change: f64,
    },
    /// A channel through which the group's staff fell.
    Fall {
        group: String,
        flow: String,
        channel: String,
        to: usize,
        change: f64,
    },
    /// The change in care a service delivers, summed over `from..=to`.
    Care {
        service: String,
        from: usize,
        to: usize,
        change: f64,
    },
    /// The change in unmet demand of one service (or of all services, in
    /// one unit of care), summed over `from..=to`.
    Unmet {
        service: Option<String>,
        from: usize,
        to: usize,
        change: f64,
    },
    /// A group's stock change in a period before the first changed target.
    Anticipation {
        period: usize,
        group: String,
        change: f64,
    },
    /// A changed condition's value under each plan, summed over the
    /// periods (indices) where its bound differs.
    ConditionValue {
        condition: String,
        periods: Vec<usize>,
        base: f64,
        policy: f64,
    },
    /// A near-optimal range (least and most) of a quantity the sentence
    /// names, by its key in near_optimal.csv.
    Range { key: String, low: f64, high: f64 },
}

/// A sentence of the narrative and the numbers it states.
#[derive(Debug, Clone)]
pub struct Finding {
    pub text: String,
    pub facts: Vec<Fact>,
}

/// The plain-English summary built from the numbers.
pub fn narrative(impact: &Impact) -> Vec<String> {
    findings(impact).into_iter().map(|f| f.text).collect()
}

/// "care" in a service's unit: "FTE" → "FTE", "district-nurse-equivalent FTE".
fn care_years(unit: &str) -> String {
    format!("{unit}-years")
}

/// The sentences of the summary, each with the numbers it states.
pub fn findings(impact: &Impact) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let periods = &impact.periods;
    let last_index = periods.len() - 1;
    let headline = impact.headline_period;
    let period = &periods[headline];
    let currency = &impact.currency;
    let first = periods.first().cloned().unwrap_or_default();
    let last = periods.last().cloned().unwrap_or_default();
    let cash_change = impact.cash_change();
    let discounted = impact.cash_policy - impact.cash_base;
    let whole = span(periods, 0, last_index);
    let cash_fact = Fact::Cash {
        from: 0,
        to: last_index,
        outturn: cash_change,
        discounted,
    };
    // Gross and offsets beside the net, so that no one reads the net as
    // the programme's cost.
    let totals = impact.finance.gross_net(crate::accounts::Basis::Cash);
    let gross_text = if totals.gross > 0.5 && totals.offsets < -0.5 {
        format!(
            " That is {} of extra spending (gross) less {} no longer spent (offsets); the finance section has them by group and year.",
            money(totals.gross, currency),
            money(-totals.offsets, currency)
        )
    } else {
        String::new()
    };
    let cash_text = if cash_change.abs() < 0.5 && discounted.abs() < 0.5 {
        format!("The two plans spend the same cash over {whole}.{gross_text}")
    } else {
        format!(
            "It {} {} in cash over {whole} (outturn prices; {} discounted).{gross_text}",
            if cash_change >= 0.0 { "adds" } else { "saves" },
            money(cash_change.abs(), currency),
            if (discounted >= 0.0) == (cash_change >= 0.0) {
                money(discounted.abs(), currency)
            } else if discounted >= 0.0 {
                format!("but it adds {}", money(discounted, currency))
            } else {
                format!("but it saves {}", money(-discounted, currency))
            },
        )
    };
    let gained = impact.target_change_at_headline();

    // 1. What the policy changes, and the headline that follows it.
    let primary = impact.primary_change();
    let others = impact.changes.len().saturating_sub(1);
    let change_text = |change: &Change| change.describe(periods, currency);
    match (impact.target(), primary) {
        (Some(group), _) => {
            let name = impact.target_group_name.clone().unwrap_or_default();
            let stock_fact = |t: usize| Fact::Stock {
                group: group.id.clone(),
                region: group.region,
                period: t,
                base: group.stock_base[t],
                policy: group.stock_policy[t],
            };
            let target = match &impact.target_reason {
                Some(TargetReason::Target(id)) => impact
                    .changes
                    .iter()
                    .find(|c| c.condition.as_deref() == Some(id.as_str())),
                _ => None,
            };
            let mut facts = Vec::new();
            let lead = match (target, primary) {
                (Some(target), _) if target.added() => String::new(),
                (Some(target), _) => {
                    facts.push(Fact::Changed {
                        path: target.path.clone(),
                    });
                    format!("'{}' changes {}. ", impact.policy, change_text(target))
                }
                (None, Some(change)) => {
                    facts.push(Fact::Changed {
                        path: change.path.clone(),
                    });
                    format!(
                        "'{}' changes {}{}. ",
                        impact.policy,
                        change_text(change),
                        if others > 0 {
                            format!(" (and {others} other setting{})", plural(others))
                        } else {
                            String::new()
                        }
                    )
                }
                (None, None) => format!(
                    "'{}' and '{}' set the same parameters, targets and limits. ",
                    impact.policy, impact.base
                ),
            };
            let verb = if target.is_some_and(Change::added) {
                "reach"
            } else {
                "are"
            };
            let mut at: Vec<usize> = impact.target_periods.clone();
            if !at.contains(&headline) {
                at.push(headline);
            }
            at.sort_unstable();
            let stocks: Vec<String> = at
                .iter()
                .map(|&t| {
                    facts.push(stock_fact(t));
                    format!(
                        "{} FTE in {}, {} FTE against '{}'",
                        format_number(group.stock_policy[t]),
                        periods[t],
                        signed(group.stock_policy[t] - group.stock_base[t]),
                        impact.base
                    )
                })
                .collect();
            facts.push(cash_fact.clone());
            out.push(Finding {
                text: format!(
                    "{lead}Under '{}', {name} {verb} {}. {cash_text}",
                    impact.policy,
                    stocks.join("; and ")
                ),
                facts,
            });
            if let Some((per_fte, per_year)) = cost_per_extra_fte(impact) {
                let years = impact.target_fte_years();
                let mut facts = vec![Fact::CostPerFte {
                    group: group.id.clone(),
                    period: Some(headline),
                    cash: cash_change,
                    fte: gained,
                }];
                let per_year = match per_year {
                    Some(per_year) => {
                        facts.push(Fact::CostPerFte {
                            group: group.id.clone(),
                            period: None,
                            cash: cash_change,
                            fte: years,
                        });
                        format!(
                            ", or {} per extra FTE-year over the horizon",
                            money(per_year, currency)
                        )
                    }
                    None => String::new(),
                };
                out.push(Finding {
                    text: format!(
                        "That is {} per extra FTE in post in {period}{per_year}.",
                        money(per_fte, currency)
                    ),
                    facts,
                });
            }
        }
        (None, Some(change)) => {
            let mut facts = vec![Fact::Changed {
                path: change.path.clone(),
            }];
            let mut text = format!(
                "'{}' changes {}{}.",
                impact.policy,
                change_text(change),
                if others > 0 {
                    format!(" (and {others} other setting{})", plural(others))
                } else {
                    String::new()
                }
            );
            // A changed condition: its value under each plan over the
            // periods its bound differs.
            if let Some(id) = &change.condition {
                let instances: Vec<&ConditionChange> = impact
                    .condition_changes
                    .iter()
                    .filter(|c| &c.id == id && c.bounds_differ())
                    .collect();
                let value = |policy: bool| -> Option<f64> {
                    instances
                        .iter()
                        .map(|c| c.of(policy).map(|r| r.activity))
                        .sum::<Option<f64>>()
                };
                if let (Some(b), Some(p), false) = (value(false), value(true), instances.is_empty())
                {
                    let indices: Vec<usize> = instances
                        .iter()
                        .filter_map(|c| periods.iter().position(|l| *l == c.period))
                        .collect();
                    facts.push(Fact::ConditionValue {
                        condition: id.clone(),
                        periods: indices.clone(),
                        base: b,
                        policy: p,
                    });
                    let amount = |v: f64| quantity(v, &change.unit, currency);
                    text.push_str(&format!(
                        " Its quantity ({}) is {} under '{}' against {} under '{}'{}.",
                        instances[0].expression,
                        amount(p),
                        impact.policy,
                        amount(b),
                        impact.base,
                        if indices.len() > 1 {
                            format!(", summed over {}", period_list(periods, &indices))
                        } else if let Some(t) = indices.first() {
                            format!(" in {}", periods[*t])
                        } else {
                            String::new()
                        }
                    ));
                }
            }
            facts.push(cash_fact.clone());
            out.push(Finding {
                text: format!("{text} {cash_text}"),
                facts,
            });
            // No one group: the groups whose staff change most.
            let mut moved: Vec<&GroupImpact> = impact
                .groups
                .iter()
                .filter(|g| g.change()[headline].abs() >= 0.5)
                .collect();
            moved.sort_by(|a, b| {
                b.change()[headline]
                    .abs()
                    .total_cmp(&a.change()[headline].abs())
            });
            if !moved.is_empty() {
                let facts = moved
                    .iter()
                    .take(3)
                    .map(|g| Fact::Stock {
                        group: g.id.clone(),
                        region: None,
                        period: headline,
                        base: g.stock_base[headline],
                        policy: g.stock_policy[headline],
                    })
                    .collect();
                out.push(Finding {
                    text: format!(
                        "In {period} ({}), staff in post change most in: {}.",
                        impact.headline_reason,
                        moved
                            .iter()
                            .take(3)
                            .map(|g| format!("{} {} FTE", g.name, signed(g.change()[headline])))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                    facts,
                });
            }
        }
        (None, None) => out.push(Finding {
            text: format!(
                "'{}' and '{}' set the same parameters, targets and limits. {cash_text}",
                impact.policy, impact.base
            ),
            facts: vec![cash_fact.clone()],
        }),
    }

    // 2. Shadow prices of the changed targets and limits, in the unit of
    // what binds, under the scenario where they bind.
    out.extend(shadow_findings(impact));

    // 3. Where the report group's change came from: inflows only.
    if let Some(group) = impact.target() {
        let name = impact.target_group_name.clone().unwrap_or_default();
        if gained > 0.5 {
            let mut sources: Vec<&Channel> = impact
                .channels
                .iter()
                .filter(|c| c.is_inflow() && c.change_to_headline > 0.5)
                .collect();
            sources.sort_by(|a, b| b.change_to_headline.total_cmp(&a.change_to_headline));
            if let Some((parts, facts)) =
                channel_parts(impact, &group.id, headline, &sources, |fact| Fact::Source {
                    group: fact.0,
                    flow: fact.1,
                    channel: fact.2,
                    to: fact.3,
                    change: fact.4,
                })
            {
                out.push(Finding {
                    text: format!("The extra {name} came mainly from: {parts} (to {period})."),
                    facts,
                });
            }
        } else if gained < -0.5 {
            let mut falls: Vec<&Channel> = impact
                .channels
                .iter()
                .filter(|c| c.change_to_headline < -0.5)
                .collect();
            falls.sort_by(|a, b| a.change_to_headline.total_cmp(&b.change_to_headline));
            if let Some((parts, facts)) =
                channel_parts(impact, &group.id, headline, &falls, |fact| Fact::Fall {
                    group: fact.0,
                    flow: fact.1,
                    channel: fact.2,
                    to: fact.3,
                    change: fact.4,
                })
            {
                out.push(Finding {
                    text: format!("{name} are fewer mainly through: {parts} (to {period})."),
                    facts,
                });
            }
        }
    }

    // 4. Who lost: care by service, to the focus year and over the whole
    // horizon, in each service's unit of care.
    let focus = impact.horizon.focus_end(periods.len());
    let end_note = if impact.horizon.end_from <= last_index {
        format!(
            ", whose last {} the end of the horizon distorts",
            if impact.horizon.end_from == last_index {
                "year".to_string()
            } else {
                format!("{} years", periods.len() - impact.horizon.end_from)
            }
        )
    } else {
        String::new()
    };
    let losers = impact.losers();
    if losers.is_empty() {
        out.push(Finding {
            text: format!(
                "No service delivers less care over the horizon{} than under '{}'.",
                if impact.has_regions() {
                    " nationally"
                } else {
                    ""
                },
                impact.base
            ),
            facts: impact
                .services
                .iter()
                .map(|s| Fact::Care {
                    service: s.id.clone(),
                    from: 0,
                    to: last_index,
                    change: s.delivered_change().iter().sum(),
                })
                .collect(),
        });
    } else {
        for (service, whole) in losers.iter().take(3) {
            let to_focus = service.delivered_change_over(0, focus);
            let at = service.delivered_change()[headline];
            let mut facts = vec![
                Fact::Care {
                    service: service.id.clone(),
                    from: 0,
                    to: focus,
                    change: to_focus,
                },
                Fact::Care {
                    service: service.id.clone(),
                    from: 0,
                    to: last_index,
                    change: *whole,
                },
                Fact::Care {
                    service: service.id.clone(),
                    from: headline,
                    to: headline,
                    change: at,
                },
            ];
            let unit = &service.care_unit;
            let range = range_text(impact, &format!("care:{}", service.id), &mut facts)
                .replacen("; between", "; over the whole horizon, between", 1)
                .replacen(
                    "; the same in every plan",
                    "; over the whole horizon, the same in every plan",
                    1,
                );
            let text = if focus < last_index {
                format!(
                    "{} delivers {} over {first}–{} ({} over the whole horizon {first}–{last}{end_note}; {} {unit} in {period}){range}.",
                    service.name,
                    care_words(to_focus, unit),
                    periods[focus],
                    signed(*whole),
                    signed(at),
                )
            } else {
                format!(
                    "{} delivers {} over the horizon ({} {unit} in {period}){range}.",
                    service.name,
                    care_words(*whole, unit),
                    signed(at),
                )
            };
            out.push(Finding { text, facts });
        }
        if gained > 0.5 {
            let mut at_headline: Vec<(&ServiceImpact, f64)> = impact
                .services
                .iter()
                .map(|s| (s, s.delivered_change()[headline]))
                .filter(|(_, change)| *change < -0.5)
                .collect();
            at_headline.sort_by(|a, b| a.1.total_cmp(&b.1));
            let name = impact.target_group_name.clone().unwrap_or_default();
            for (service, change) in at_headline
                .iter()
                .filter(|(_, change)| (-change / gained * 10.0) >= 0.05)
                .take(2)
            {
                out.push(Finding {
                    text: format!(
                        "For every 10 extra {name} in {period}, {} delivers {} {} less care.",
                        service.name,
                        format_number(-change / gained * 10.0),
                        service.care_unit
                    ),
                    facts: vec![
                        Fact::Care {
                            service: service.id.clone(),
                            from: headline,
                            to: headline,
                            change: *change,
                        },
                        Fact::Stock {
                            group: impact.target_group_id.clone().unwrap_or_default(),
                            region: impact.target_region,
                            period: headline,
                            base: impact.target().map_or(0.0, |g| g.stock_base[headline]),
                            policy: impact.target().map_or(0.0, |g| g.stock_policy[headline]),
                        },
                    ],
                });
            }
        }
    }
    if let Some((service, region, change)) = impact.worst_regional_loss() {
        out.push(Finding {
            text: format!(
                "{} loses most in {}: {} {} less care over the horizon ({} {} in {period}).",
                service.name,
                impact.region_name(region.region),
                format_number(-change),
                care_years(&service.care_unit),
                signed(region.delivered_change()[headline]),
                service.care_unit
            ),
            facts: Vec::new(),
        });
    }
    if impact.care_units_agree() {
        let unmet_by_period = impact.unmet_change_by_period();
        let unmet: f64 = unmet_by_period.iter().sum();
        let unit = impact
            .services
            .first()
            .map_or("FTE".to_string(), |s| s.care_unit.clone());
        if unmet.abs() > 0.5 {
            out.push(Finding {
                text: format!(
                    "Unmet demand across all services {} by {} {} over the horizon.",
                    if unmet > 0.0 { "rises" } else { "falls" },
                    format_number(unmet.abs()),
                    care_years(&unit)
                ),
                facts: vec![Fact::Unmet {
                    service: None,
                    from: 0,
                    to: last_index,
                    change: unmet,
                }],
            });
        }
    } else {
        let parts: Vec<(String, Fact)> = impact
            .services
            .iter()
            .filter_map(|s| {
                let change: f64 = s.unmet_change().iter().sum();
                (change.abs() > 0.5).then(|| {
                    (
                        format!("{} {} {}", s.name, signed(change), care_years(&s.care_unit)),
                        Fact::Unmet {
                            service: Some(s.id.clone()),
                            from: 0,
                            to: last_index,
                            change,
                        },
                    )
                })
            })
            .collect();
        if !parts.is_empty() {
            out.push(Finding {
                text: format!(
                    "Unmet demand over the horizon, by service (each in its own unit of care): {}.",
                    parts
                        .iter()
                        .map(|(t, _)| t.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                facts: parts.into_iter().map(|(_, f)| f).collect(),
            });
        }
    }

    // How sure: the near-optimal ranges in one sentence.
    if let Some(near) = &impact.near_optimal {
        let robust: Vec<&crate::near_optimal::Range> =
            near.ranges.iter().filter(|r| r.robust()).collect();
        let named: Vec<String> = robust
            .iter()
            .filter(|r| r.change().abs() >= 0.5)
            .take(4)
            .map(|r| format!("{} ({} {})", r.label, signed(r.change()), r.unit))
            .collect();
        out.push(Finding {
            text: format!(
                "How sure: across plans whose cost is within {} of the least{}, {} of the {} decisions named here stay within a narrow range (no wider than 10% of their size or 1 unit){}; the others are not decided by the model at that tolerance.",
                near.tolerance_text(),
                near.allowance_text(&impact.base, &impact.policy),
                robust.len(),
                near.ranges.len(),
                if named.is_empty() {
                    String::new()
                } else {
                    format!(", among them {}", named.join("; "))
                }
            ),
            facts: robust
                .iter()
                .map(|r| Fact::Range {
                    key: r.key.clone(),
                    low: r.change_low,
                    high: r.change_high,
                })
                .collect(),
        });
    }

    // 5. Anticipation, and the end of the horizon.
    let anticipation = impact.anticipation_periods();
    if let (Some(first_target), Some(&t0)) = (impact.horizon.first_target, anticipation.first()) {
        let (base_cash, policy_cash) = impact.cash_by_period();
        // The report group, if it moved; else the group that moved most.
        let moved = impact
            .target()
            .filter(|g| g.region.is_none() && g.change()[t0].abs() >= 0.5)
            .or_else(|| {
                impact
                    .groups
                    .iter()
                    .max_by(|a, b| a.change()[t0].abs().total_cmp(&b.change()[t0].abs()))
                    .filter(|g| g.change()[t0].abs() >= 0.5)
            });
        let mut facts = Vec::new();
        let what = match moved {
            Some(g) => {
                facts.push(Fact::Anticipation {
                    period: t0,
                    group: g.id.clone(),
                    change: g.change()[t0],
                });
                format!(
                    "{} {} FTE and cash {} in {}",
                    g.name,
                    signed(g.change()[t0]),
                    money(policy_cash[t0] - base_cash[t0], currency),
                    periods[t0]
                )
            }
            None => format!(
                "cash {} in {}",
                money(policy_cash[t0] - base_cash[t0], currency),
                periods[t0]
            ),
        };
        let early: Vec<String> = impact
            .changes_before(first_target)
            .iter()
            .filter(|c| c.kind != ChangeKind::Target)
            .map(|c| {
                format!(
                    "{} from {}",
                    c.path,
                    c.first_period().map_or("", |t| periods[t].as_str())
                )
            })
            .collect();
        out.push(Finding {
            text: format!(
                "Anticipation: the plans already differ before {}, the first year of a target that differs between them ({what}; differences in {}). The optimiser plans every year at once, so it acts early for a later target{}. A scenario's `freeze_until` holds the years before a given period to the base plan.",
                periods[first_target],
                period_list(periods, &anticipation),
                if early.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; settings of '{}' that already differ in those years: {}",
                        impact.policy,
                        early.join(", ")
                    )
                }
            ),
            facts,
        });
    }
    if let Some(frozen) = impact.frozen_until {
        out.push(Finding {
            text: format!(
                "Under '{}', staffing decisions before {} are held to the plan of '{}' (freeze_until).",
                impact.policy, periods[frozen], impact.base
            ),
            facts: Vec::new(),
        });
    }
    if impact.horizon.end_from <= last_index {
        let end = span(periods, impact.horizon.end_from, last_index);
        out.push(Finding {
            text: format!(
                "{end} {} the end of the horizon distorts: the longest course it cuts short (one not kept full to the end) takes {} period{}, so no such course started there finishes inside the horizon; read {end} with care{}.",
                if impact.horizon.end_from == last_index { "is the year" } else { "are the years" },
                impact.horizon.lead,
                plural(impact.horizon.lead),
                if focus < last_index {
                    format!(", and totals to {} leave them out", periods[focus])
                } else {
                    String::new()
                }
            ),
            facts: Vec::new(),
        });
    }
    out
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// "13,079.9 FTE-years less care" / "1,234 FTE-years more care" / "the same care".
fn care_words(value: f64, unit: &str) -> String {
    if value < -0.05 {
        format!("{} {} less care", format_number(-value), care_years(unit))
    } else if value > 0.05 {
        format!("{} {} more care", format_number(value), care_years(unit))
    } else {
        "the same care".to_string()
    }
}

/// An amount in a condition's unit: money for the currency, else "N unit".
fn quantity(value: f64, unit: &str, currency: &str) -> String {
    if unit == currency {
        money(value, currency)
    } else {
        format!("{} {unit}", format_number(value))
    }
}

/// The first three of `channels` (sorted already) as "label (+n FTE; range)"
/// parts joined by "; ", with a fact per channel made by `fact` from
/// (group, flow, channel, to, change) and the facts of each range; None
/// when there are no channels.
fn channel_parts(
    impact: &Impact,
    group: &str,
    to: usize,
    channels: &[&Channel],
    fact: impl Fn((String, String, String, usize, f64)) -> Fact,
) -> Option<(String, Vec<Fact>)> {
    if channels.is_empty() {
        return None;
    }
    let mut facts = Vec::new();
    let parts: Vec<String> = channels
        .iter()
        .take(3)
        .map(|c| {
            facts.push(fact((
                group.to_string(),
                c.flow.clone(),
                c.channel.clone(),
                to,
                c.change_to_headline,
            )));
            format!(
                "{} ({} FTE{})",
                c.label,
                signed(c.change_to_headline),
                range_text(impact, &group_channel_key(impact, c), &mut facts)
            )
        })
        .collect();
    Some((parts.join("; "), facts))
}

/// The near-optimal key of one of the report group's channels.
fn group_channel_key(impact: &Impact, channel: &Channel) -> String {
    let group = impact.target_group_id.clone().unwrap_or_default();
    let group = match impact.target_region {
        Some(r) => format!("{group}@{}", impact.regions[r].id),
        None => group,
    };
    crate::near_optimal::channel_key(&group, &channel.flow, &channel.channel)
}

/// "; between a and b at a cost within 0.1% of the optimum" when a
/// near-optimal range of `key` is known (and pushes its fact), else "".
fn range_text(impact: &Impact, key: &str, facts: &mut Vec<Fact>) -> String {
    let Some(near) = &impact.near_optimal else {
        return String::new();
    };
    let Some(range) = near.range(key) else {
        return String::new();
    };
    facts.push(Fact::Range {
        key: key.to_string(),
        low: range.change_low,
        high: range.change_high,
    });
    if range.is_point() {
        format!(
            "; the same in every plan within {} of the least cost",
            near.tolerance_text()
        )
    } else {
        format!(
            "; between {} and {} at a cost within {} of the least cost{}",
            signed(range.change_low),
            signed(range.change_high),
            near.tolerance_text(),
            if range.robust() {
                ""
            } else {
                ", so not a robust finding"
            }
        )
    }
}

/// The shadow-price sentences: for each changed target or limit, under
/// each scenario where it binds, in the unit of the condition ("per FTE",
/// "per £"); a floor (min) costs to raise, a ceiling (max) saves to raise.
fn shadow_findings(impact: &Impact) -> Vec<Finding> {
    let currency = &impact.currency;
    let periods = &impact.periods;
    let mut out = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    for change in &impact.condition_changes {
        if !ids.contains(&change.id.as_str()) {
            ids.push(&change.id);
        }
    }
    for id in ids {
        for policy in [true, false] {
            let scenario = if policy { &impact.policy } else { &impact.base };
            // (period, result) of the instances that bind, by bound.
            for bound in ["min", "max"] {
                let binding: Vec<(&ConditionChange, &ConditionResult)> = impact
                    .condition_changes
                    .iter()
                    .filter(|c| c.id == id)
                    .filter_map(|c| c.of(policy).map(|r| (c, r)))
                    .filter(|(_, r)| r.shadow_price.abs() > 1e-6)
                    .filter(|(_, r)| binding_bound(r) == bound)
                    .collect();
                if binding.is_empty() {
                    continue;
                }
                let (change, result) = binding[0];
                let unit = &result.unit;
                let facts: Vec<Fact> = binding
                    .iter()
                    .map(|(c, r)| Fact::Shadow {
                        condition: c.id.clone(),
                        period: c.period.clone(),
                        policy,
                        value: r.shadow_price,
                        unit: r.unit.clone(),
                        bound,
                    })
                    .collect();
                let region = |c: &ConditionChange| {
                    c.region
                        .map(|r| format!(" in {}", impact.regions[r].name))
                        .unwrap_or_default()
                };
                let when = if binding.len() == 1 {
                    format!("{}{}", change.period, region(change))
                } else {
                    let indices: Vec<usize> = binding
                        .iter()
                        .filter_map(|(c, _)| periods.iter().position(|p| *p == c.period))
                        .collect();
                    if indices.len() == binding.len()
                        && binding.iter().all(|(c, _)| c.region == change.region)
                    {
                        format!("{}{}", period_list(periods, &indices), region(change))
                    } else {
                        binding
                            .iter()
                            .map(|(c, _)| format!("{}{}", c.period, region(c)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                };
                let prices: Vec<f64> = binding.iter().map(|(_, r)| r.shadow_price).collect();
                let (low, high) = prices
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                        (a.min(*v), b.max(*v))
                    });
                let amount = if binding.len() == 1 || price(low, currency) == price(high, currency)
                {
                    price(high, currency)
                } else {
                    format!("{}–{}", price(low, currency), price(high, currency))
                };
                let exceeded = binding.iter().any(|(_, r)| r.violation > 1e-6);
                let stock_floor =
                    bound == "min" && change.kind == "target" && unit == "FTE" && !exceeded;
                let text = if stock_floor && binding.len() == 1 {
                    format!(
                        "The last FTE of '{id}' in {when} costs {amount} under '{scenario}' (its shadow price, discounted, per FTE)."
                    )
                } else if bound == "min" {
                    format!(
                        "'{id}' binds under '{scenario}' in {when}: raising it by {} would cost {amount} {} (its shadow price{}, discounted).",
                        one_unit(unit, currency),
                        if binding.len() > 1 { "a year" } else { "" },
                        if exceeded { ", a soft target here missed and valued at its penalty" } else { "" }
                    )
                    .replace("  (", " (")
                } else {
                    format!(
                        "'{id}' binds under '{scenario}' in {when}: {} more of it would save {amount} {} (its shadow price {}{}, discounted).",
                        if unit == currency { format!("each {}", one_unit(unit, currency)) } else { one_unit(unit, currency) },
                        if binding.len() > 1 { "a year" } else { "" },
                        per_unit(unit, currency),
                        if exceeded { "; a soft limit here exceeded and valued at its penalty" } else { "" }
                    )
                    .replace("  (", " (")
                };
                // A MIP's shadow prices come from the LP with the whole
                // numbers fixed: say so wherever one is stated.
                let text = match binding.iter().find_map(|(_, r)| r.shadow_price_note) {
                    Some(note) => format!("{text} With whole-number decisions, {note}."),
                    None => text,
                };
                out.push(Finding { text, facts });
            }
        }
    }
    out
}

/// Which bound of a condition instance binds: "min" when its activity is
/// at (or below) the min, else "max".
fn binding_bound(result: &ConditionResult) -> &'static str {
    match (result.min, result.max) {
        (Some(min), Some(max))
            if (result.activity - min).abs() <= (result.activity - max).abs() =>
        {
            "min"
        }
        (Some(_), Some(_)) => "max",
        (Some(_), None) => "min",
        _ => "max",
    }
}

/// The change (policy minus base) in each flow channel of some groups (one
/// group, or the regional copies of one id), per period and cumulated to the
/// headline period, largest first. A channel is a (flow, via) pair: the
/// regional copies of one pool, pipeline or move share an id, so a national
/// channel is the sum of the regional ones. The channels of a group sum to
/// the change in its stock.
fn channel_changes(
    base: &Solution,
    policy: &Solution,
    base_flows: &[Flow],
    policy_flows: &[Flow],
    groups: &[usize],
    headline_period: usize,
) -> Vec<Channel> {
    let periods = policy.model.periods.len();
    let mut channel_map: BTreeMap<(String, String), (String, Vec<f64>)> = BTreeMap::new();
    for (solution, flows, sign) in [(policy, policy_flows, 1.0), (base, base_flows, -1.0)] {
        for flow in flows.iter().filter(|f| groups.contains(&f.group)) {
            let key = (flow.flow.to_string(), flow.channel.clone());
            let entry = channel_map
                .entry(key)
                .or_insert_with(|| (channel_label(solution, flow), vec![0.0; periods]));
            entry.1[flow.period] += sign * flow.fte;
        }
    }
    let mut channels: Vec<Channel> = channel_map
        .into_iter()
        .map(|((flow, channel), (label, change))| {
            let change: Vec<f64> = change
                .into_iter()
                .map(wfplan_engine::solution::clean)
                .collect();
            let change_to_headline = change[..=headline_period].iter().sum();
            Channel {
                label,
                flow,
                channel,
                change_by_period: change,
                change_to_headline,
            }
        })
        .collect();
    // Largest change first. Magnitudes are compared in micro-FTE, so two
    // channels that differ only by solver noise (a swap of 0.385 FTE between
    // two pools: −0.385 and +0.385) keep their order (flow, then channel)
    // whatever the algorithm.
    let magnitude = |channel: &Channel| (channel.change_to_headline.abs() * 1e6).round();
    channels.sort_by(|a, b| magnitude(b).total_cmp(&magnitude(a)));
    channels
}
