//! The impact of a policy: two solved scenarios of one model turned into the
//! numbers of a system-wide impact report — headline, where the target
//! group's staff came from (by channel, summing exactly to its stock
//! change), who lost (services and groups), the finance view, and a short
//! narrative built from those numbers. Pure: `report::impact` writes it.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use crate::model::{CostCategory, Quantity};
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
    /// The group the policy targets.
    pub target_group: usize,
    pub target_group_id: String,
    pub target_group_name: String,
    /// The period the headline numbers are read at (the target's period).
    pub headline_period: usize,
    /// Targets and limits in force in the policy but not in the base (or changed).
    pub conditions: Vec<ConditionResult>,
    pub channels: Vec<Channel>,
    /// The same decomposition for every group, by group index.
    pub group_channels: Vec<Vec<Channel>>,
    pub services: Vec<ServiceImpact>,
    pub groups: Vec<GroupImpact>,
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

impl Impact {
    /// Target group stock change per period.
    pub fn target_change(&self) -> Vec<f64> {
        self.groups[self.target_group].change()
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
}

/// Picks the group a policy targets: the groups in `stock(...)` terms of
/// targets the policy has and the base lacks (or has with other bounds);
/// else the group whose stock changes most.
fn find_target_group(base: &Solution, policy: &Solution, requested: Option<&str>) -> Result<usize> {
    let model = &policy.model;
    if let Some(id) = requested {
        return model.groups.iter().position(|g| g.id == id).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: --group: no group '{id}'{}",
                model.file,
                crate::spec::did_you_mean(id, model.groups.iter().map(|g| g.id.as_str()))
            )
        });
    }
    let mut votes: BTreeMap<usize, usize> = BTreeMap::new();
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
                for group in groups {
                    *votes.entry(*group).or_default() += 1;
                }
            }
        }
    }
    if let Some((group, _)) = votes.iter().max_by_key(|(_, count)| **count) {
        return Ok(*group);
    }
    let last = model.periods.len() - 1;
    let mut best = 0;
    let mut best_change = -1.0;
    for group in 0..model.groups.len() {
        let change = (policy.stock(group)[last] - base.stock(group)[last]).abs();
        if change > best_change {
            best = group;
            best_change = change;
        }
    }
    Ok(best)
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
    let movement = model.moves.iter().find(|m| m.id == flow.channel);
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
            Some(m) => format!("moves from {}", model.groups[m.from].name),
            None => format!("moves in ({})", flow.channel),
        },
        "move_out" => match movement {
            Some(m) => format!("moves to {}", model.groups[m.to].name),
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
    let target = find_target_group(base, policy, target_group)?;

    // Policy conditions new or changed against the base.
    let base_conditions = base.conditions();
    let conditions: Vec<ConditionResult> = policy
        .conditions()
        .into_iter()
        .filter(|result| {
            !base_conditions.iter().any(|b| {
                b.id == result.id
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
    let group_channels: Vec<Vec<Channel>> = (0..model.groups.len())
        .map(|group| {
            channel_changes(
                base,
                policy,
                &base_flows,
                &policy_flows,
                group,
                headline_period,
            )
        })
        .collect();
    let channels = group_channels[target].clone();

    let services = model
        .services
        .iter()
        .enumerate()
        .map(|(index, service)| {
            let delivered = |solution: &Solution| -> Vec<f64> {
                (0..periods)
                    .map(|t| tables::delivered(solution, index, t))
                    .collect()
            };
            let delivered_base = delivered(base);
            let delivered_policy = delivered(policy);
            let unmet = |solution: &Solution, delivered: &[f64]| -> Vec<f64> {
                (0..periods)
                    .map(|t| {
                        crate::solution::clean(
                            solution.model.services[index].demand_fte[t] - delivered[t],
                        )
                    })
                    .collect()
            };
            ServiceImpact {
                id: service.id.clone(),
                name: service.name.clone(),
                unmet_base: unmet(base, &delivered_base),
                unmet_policy: unmet(policy, &delivered_policy),
                delivered_base,
                delivered_policy,
            }
        })
        .collect();
    let groups = model
        .groups
        .iter()
        .enumerate()
        .map(|(index, group)| GroupImpact {
            id: group.id.clone(),
            name: group.name.clone(),
            opening: group.opening_fte,
            stock_base: base.stock(index),
            stock_policy: policy.stock(index),
        })
        .collect();
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
        target_group: target,
        group_channels,
        target_group_id: model.groups[target].id.clone(),
        target_group_name: model.groups[target].name.clone(),
        headline_period,
        conditions,
        channels,
        services,
        groups,
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
        format_number(impact.groups[impact.target_group].stock_policy[impact.headline_period]),
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
                "The last FTE of '{}' in {} costs {} (its shadow price, discounted).",
                condition.id,
                condition.period,
                money(condition.shadow_price, &impact.currency)
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
        lines.push("No service delivers less care than under the base.".to_string());
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

/// The change (policy minus base) in each flow channel of one group, per
/// period and cumulated to the headline period, largest first. The channels
/// of a group sum to the change in its stock.
fn channel_changes(
    base: &Solution,
    policy: &Solution,
    base_flows: &[Flow],
    policy_flows: &[Flow],
    group: usize,
    headline_period: usize,
) -> Vec<Channel> {
    let periods = policy.model.periods.len();
    let mut channel_map: BTreeMap<(String, String), (String, Vec<f64>)> = BTreeMap::new();
    for (solution, flows, sign) in [(policy, policy_flows, 1.0), (base, base_flows, -1.0)] {
        for flow in flows.iter().filter(|f| f.group == group) {
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
