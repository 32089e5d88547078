//! The impact of a policy: two solved scenarios of one model turned into the
//! numbers of a system-wide impact report — headline, where the target
//! group's staff came from (by channel, summing exactly to its stock
//! change), who lost (services and groups), the finance view, and a short
//! narrative built from those numbers. Pure: `report::impact` writes it.
//!
//! Regions: a model with `[[region]]`s has one model entity per group (or
//! service) and region. The impact keys groups and services by id: `groups`,
//! `services` and `group_channels` are national (summed over the regions of
//! each id), and `regional_groups`, `regional_services` and
//! `regional_group_channels` hold the same numbers for each (id, region).
//! Without regions the regional lists are empty and the national ones are
//! the model's own groups and services, exactly as before regions existed.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use crate::model::{CostCategory, Quantity, Region};
use crate::solution::{ConditionResult, Solution};
use crate::solve::format_number;
use crate::tables::{self, Flow};

/// One inflow channel of the target group: its change, policy minus base,
/// per period and cumulated to the headline period.
#[derive(Debug, Clone)]
pub struct Channel {
    /// e.g. "training (scphn_hv, seconded from community_staff_nurse)"
    pub label: String,
    pub flow: String,
    pub channel: String,
    /// Policy minus base, per period (FTE).
    pub change_by_period: Vec<f64>,
    /// Σ of the change over periods up to and including the headline period.
    pub change_to_headline: f64,
}

#[derive(Debug, Clone)]
pub struct ServiceImpact {
    pub id: String,
    pub name: String,
    /// Index into `Impact::regions`; None for a national total (and for
    /// every service of a model without regions).
    pub region: Option<usize>,
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

/// Cash in one category, nominal, per period.
#[derive(Debug, Clone)]
pub struct CostLine {
    pub category: CostCategory,
    pub base: Vec<f64>,
    pub policy: Vec<f64>,
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
    /// The group the policy targets: an index into `groups` (national).
    pub target_group: usize,
    /// Set when the target is one region's copy of the group (`g@region`,
    /// or a new target on `stock(g @ region)`): see [`Impact::target`].
    pub target_region: Option<usize>,
    pub target_group_id: String,
    /// The group's name, followed by " in <region name>" for a regional target.
    pub target_group_name: String,
    /// The period the headline numbers are read at (the target's period).
    pub headline_period: usize,
    /// Targets and limits in force in the policy but not in the base (or changed).
    pub conditions: Vec<ConditionResult>,
    /// The target's channels (national, or of its region).
    pub channels: Vec<Channel>,
    /// The same decomposition for every group, by index into `groups`.
    pub group_channels: Vec<Vec<Channel>>,
    /// One per service id, summed over regions.
    pub services: Vec<ServiceImpact>,
    /// One per group id, summed over regions.
    pub groups: Vec<GroupImpact>,
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
}

fn difference(policy: &[f64], base: &[f64]) -> Vec<f64> {
    policy
        .iter()
        .zip(base)
        .map(|(p, b)| crate::solution::clean(p - b))
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

    /// The target: the national group, or its copy in the target region.
    pub fn target(&self) -> &GroupImpact {
        self.target_region
            .and_then(|region| {
                self.regional_groups
                    .iter()
                    .find(|g| g.id == self.target_group_id && g.region == Some(region))
            })
            .unwrap_or(&self.groups[self.target_group])
    }

    /// Target group stock change per period.
    pub fn target_change(&self) -> Vec<f64> {
        self.target().change()
    }

    /// Change in the target group at the headline period.
    pub fn target_change_at_headline(&self) -> f64 {
        self.target_change()[self.headline_period]
    }

    /// Nominal cash per period, base and policy.
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

    /// Σ nominal cash change over the horizon.
    pub fn cash_change_nominal(&self) -> f64 {
        let (base, policy) = self.cash_by_period();
        policy.iter().sum::<f64>() - base.iter().sum::<f64>()
    }

    /// Extra FTE-years of the target group over the horizon.
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

    /// Services other than those the target group mainly serves, sorted by
    /// delivered-care loss over the horizon (largest loss first).
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

    /// The target group's regional copies with their stock change at the
    /// headline period, largest gain first. Empty without regions.
    pub fn target_by_region(&self) -> Vec<(&GroupImpact, f64)> {
        let mut list: Vec<(&GroupImpact, f64)> = self
            .regional_groups
            .iter()
            .filter(|g| g.id == self.target_group_id)
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
}

/// The distinct group ids of a model in order of first appearance, and for
/// each model group the index of its id in that list.
fn group_ids(model: &crate::model::Model) -> (Vec<String>, Vec<usize>) {
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

/// Picks the group a policy targets, as (index into the group ids, region):
/// `requested` is `g` (the national group) or `g@region`; else the groups in
/// `stock(...)` terms of targets the policy has and the base lacks (or has
/// with other bounds) — a term on one region's copy of a group that exists
/// in several regions votes for that region, any other for the national
/// group; else the group whose national stock changes most.
fn find_target_group(
    base: &Solution,
    policy: &Solution,
    requested: Option<&str>,
) -> Result<(usize, Option<usize>)> {
    let model = &policy.model;
    let (ids, id_of) = group_ids(model);
    if let Some(requested) = requested {
        let (id, region) = match requested.split_once('@') {
            Some((id, region)) => (id.trim(), Some(region.trim())),
            None => (requested.trim(), None),
        };
        let index = ids.iter().position(|g| g == id).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: --group: no group '{id}'{}",
                model.file,
                crate::spec::did_you_mean(id, ids.iter().map(|g| g.as_str()))
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
                    crate::spec::did_you_mean(region, model.regions.iter().map(|r| r.id.as_str()))
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
        return Ok((index, Some(region_index)));
    }
    let copies = |index: usize| id_of.iter().filter(|i| **i == index).count();
    let mut votes: BTreeMap<(usize, Option<usize>), usize> = BTreeMap::new();
    for condition in &model.conditions {
        let same_in_base = base.model.conditions.iter().any(|b| {
            b.id == condition.id
                && b.min == condition.min
                && b.max == condition.max
                && b.when == condition.when
        });
        if same_in_base {
            continue;
        }
        for (_, quantity) in &condition.expression.terms {
            if let Quantity::Stock(groups) = quantity {
                // The selected copies of each group id.
                let mut selected: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
                for group in groups {
                    selected.entry(id_of[*group]).or_default().push(*group);
                }
                for (index, members) in selected {
                    let region = match members.as_slice() {
                        [one] if copies(index) > 1 => model.groups[*one].region,
                        _ => None,
                    };
                    *votes.entry((index, region)).or_default() += 1;
                }
            }
        }
    }
    if let Some((target, _)) = votes.iter().max_by_key(|(_, count)| **count) {
        return Ok(*target);
    }
    let last = model.periods.len() - 1;
    let mut change = vec![0.0; ids.len()];
    for (group, index) in id_of.iter().enumerate() {
        change[*index] += policy.stock(group)[last] - base.stock(group)[last];
    }
    let mut best = 0;
    let mut best_change = -1.0;
    for (index, change) in change.iter().enumerate() {
        if change.abs() > best_change {
            best = index;
            best_change = change.abs();
        }
    }
    Ok((best, None))
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
        .find(|&index| crate::lp::flows::Channel::Move(index).id(model) == flow.channel)
        .map(|index| &model.moves[index]);
    let region_of = |m: &crate::model::Move, end: usize| match m.between {
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

/// Compares two solved scenarios of the same model.
pub fn compare(
    base: &Solution,
    policy: &Solution,
    base_name: &str,
    policy_name: &str,
    target_group: Option<&str>,
) -> Result<Impact> {
    let model = &policy.model;
    if base.model.groups.len() != model.groups.len()
        || base.model.services.len() != model.services.len()
        || base.model.periods != model.periods
    {
        bail!("the two scenarios do not share groups, services and periods; compare needs scenarios of one model");
    }
    let periods = model.periods.len();
    let (target, target_region) = find_target_group(base, policy, target_group)?;
    let (ids, id_of) = group_ids(model);

    // Policy conditions new or changed against the base.
    let base_conditions = base.conditions();
    let conditions: Vec<ConditionResult> = policy
        .conditions()
        .into_iter()
        .filter(|result| {
            !base_conditions.iter().any(|b| {
                b.id == result.id
                    && b.region == result.region
                    && b.period == result.period
                    && b.min == result.min
                    && b.max == result.max
            })
        })
        .collect();
    // The headline is read where the policy's targets bite: the latest
    // period of a new target (limits such as budgets hold every year).
    let period_of = |c: &ConditionResult| model.periods.iter().position(|p| *p == c.period);
    let target_ids: Vec<&str> = model
        .conditions
        .iter()
        .filter(|c| c.kind == crate::model::ConditionKind::Target)
        .map(|c| c.id.as_str())
        .collect();
    let headline_period = conditions
        .iter()
        .filter(|c| target_ids.contains(&c.id.as_str()))
        .filter_map(period_of)
        .max()
        .or_else(|| conditions.iter().filter_map(period_of).max())
        .unwrap_or(periods - 1);

    let base_flows = tables::flows(base);
    let policy_flows = tables::flows(policy);
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
    // The model groups of each id (one per region it exists in).
    let members: Vec<Vec<usize>> = (0..ids.len())
        .map(|index| {
            (0..model.groups.len())
                .filter(|group| id_of[*group] == index)
                .collect()
        })
        .collect();
    let group_channels: Vec<Vec<Channel>> = members.iter().map(|m| channels_of(m)).collect();
    let regional = model.has_regions();
    let regional_group_channels: Vec<Vec<Channel>> = if regional {
        (0..model.groups.len()).map(|g| channels_of(&[g])).collect()
    } else {
        Vec::new()
    };

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
                    crate::solution::clean(demand - delivered[t])
                })
                .collect()
        };
        let delivered_base = delivered(base);
        let delivered_policy = delivered(policy);
        ServiceImpact {
            id: first.id.clone(),
            name: first.name.clone(),
            region,
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

    let channels = match target_region {
        Some(region) => (0..model.groups.len())
            .find(|g| id_of[*g] == target && model.groups[*g].region == Some(region))
            .map(|g| regional_group_channels[g].clone())
            .unwrap_or_default(),
        None => group_channels[target].clone(),
    };
    let target_group_name = match target_region {
        Some(region) => format!("{} in {}", groups[target].name, model.regions[region].name),
        None => groups[target].name.clone(),
    };
    let costs = CostCategory::ALL
        .iter()
        .map(|&category| CostLine {
            category,
            base: (0..periods).map(|t| base.cost(category, t)).collect(),
            policy: (0..periods).map(|t| policy.cost(category, t)).collect(),
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
        target_group: target,
        target_region,
        group_channels,
        target_group_id: groups[target].id.clone(),
        target_group_name,
        headline_period,
        conditions,
        channels,
        services,
        groups,
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
    })
}

/// £12.3m style.
pub fn money(value: f64, currency: &str) -> String {
    let symbol = match currency {
        "GBP" => "£",
        "EUR" => "€",
        "USD" => "$",
        _ => "",
    };
    let sign = if value < 0.0 { "−" } else { "" };
    let magnitude = value.abs();
    let body = if magnitude >= 1e9 {
        format!("{:.2}bn", magnitude / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.1}m", magnitude / 1e6)
    } else if magnitude >= 1e3 {
        format!("{:.1}k", magnitude / 1e3)
    } else {
        format!("{magnitude:.0}")
    };
    if symbol.is_empty() {
        format!("{sign}{body} {currency}")
    } else {
        format!("{sign}{symbol}{body}")
    }
}

/// Signed FTE, e.g. "+4,200" or "−1,234.5".
pub fn signed(value: f64) -> String {
    if value > 0.0 {
        format!("+{}", format_number(value))
    } else if value < 0.0 {
        format!("−{}", format_number(-value))
    } else {
        "0".to_string()
    }
}

/// The plain-English summary built from the numbers.
pub fn narrative(impact: &Impact) -> Vec<String> {
    let mut lines = Vec::new();
    let period = &impact.periods[impact.headline_period];
    let gained = impact.target_change_at_headline();
    let cash_change = impact.cash_change_nominal();
    let first = impact.periods.first().cloned().unwrap_or_default();
    let last = impact.periods.last().cloned().unwrap_or_default();
    lines.push(format!(
        "Under '{}', {} reach {} FTE in {period}, {} FTE against '{}'. It {} {} in cash over {first}–{last} (nominal; {} discounted).",
        impact.policy,
        impact.target_group_name,
        format_number(impact.target().stock_policy[impact.headline_period]),
        signed(gained),
        impact.base,
        if cash_change >= 0.0 { "adds" } else { "saves" },
        money(cash_change.abs(), &impact.currency),
        money(impact.cash_policy - impact.cash_base, &impact.currency),
    ));
    if gained.abs() > 1e-6 {
        let years = impact.target_fte_years();
        lines.push(format!(
            "That is {} per extra FTE in post in {period}, or {} per extra FTE-year over the horizon.",
            money(cash_change / gained, &impact.currency),
            if years.abs() > 1e-6 { money(cash_change / years, &impact.currency) } else { "n/a".into() }
        ));
    }
    for condition in &impact.conditions {
        if condition.shadow_price.abs() > 1e-6 {
            lines.push(format!(
                "The last FTE of '{}' in {} costs {} (its shadow price, discounted{}).",
                condition.id,
                condition.period,
                money(condition.shadow_price, &impact.currency),
                condition
                    .shadow_price_note
                    .map(|note| format!("; {note}"))
                    .unwrap_or_default()
            ));
        }
    }
    let inflows: Vec<&Channel> = impact
        .channels
        .iter()
        .filter(|c| c.change_to_headline > 0.5)
        .take(3)
        .collect();
    if !inflows.is_empty() {
        lines.push(format!(
            "The extra staff came mainly from: {}.",
            inflows
                .iter()
                .map(|c| format!("{} ({} FTE)", c.label, signed(c.change_to_headline)))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let losers = impact.losers();
    let headline = impact.headline_period;
    let losers_at_headline: Vec<(&ServiceImpact, f64)> = impact
        .services
        .iter()
        .map(|s| (s, s.delivered_change()[headline]))
        .filter(|(_, change)| *change < -0.5)
        .collect::<Vec<_>>();
    let mut losers_at_headline = losers_at_headline;
    losers_at_headline.sort_by(|a, b| a.1.total_cmp(&b.1));
    if losers.is_empty() {
        lines.push(format!(
            "No service delivers less care{} than under the base.",
            if impact.has_regions() {
                " nationally"
            } else {
                ""
            }
        ));
    } else {
        for (service, change) in losers.iter().take(3) {
            lines.push(format!(
                "{} delivers {} FTE-years less care over the horizon ({} FTE in {period}).",
                service.name,
                format_number(-change),
                signed(service.delivered_change()[headline])
            ));
        }
        if gained > 1e-6 {
            for (service, change) in losers_at_headline.iter().take(2) {
                lines.push(format!(
                    "For every 10 extra {} in {period}, {} delivers {} FTE less care.",
                    impact.target_group_name,
                    service.name,
                    format_number(-change / gained * 10.0)
                ));
            }
        }
    }
    if let Some((service, region, change)) = impact.worst_regional_loss() {
        lines.push(format!(
            "{} loses most in {}: {} FTE-years less care over the horizon ({} FTE in {period}).",
            service.name,
            impact.region_name(region.region),
            format_number(-change),
            signed(region.delivered_change()[headline])
        ));
    }
    let unmet: f64 = impact.unmet_change_by_period().iter().sum();
    if unmet.abs() > 0.5 {
        lines.push(format!(
            "Unmet demand across all services {} by {} FTE-years.",
            if unmet > 0.0 { "rises" } else { "falls" },
            format_number(unmet.abs())
        ));
    }
    lines
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
            let change: Vec<f64> = change.into_iter().map(crate::solution::clean).collect();
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
    channels.sort_by(|a, b| {
        b.change_to_headline
            .abs()
            .total_cmp(&a.change_to_headline.abs())
    });
    channels
}
