//! Every scenario of the flagship against every other, in both directions:
//! each sentence of the summary is checked against the numbers behind it,
//! recomputed here from the two plans through the expression language and
//! the model's parameters (not from the impact's own tables), and against
//! rules a reader relies on — "X came from Y" only for an inflow Y whose
//! change is the amount stated, a shadow price in the unit of what binds
//! and under the scenario where it binds, a cost per extra FTE only for a
//! gain the policy buys, and a headline that follows what the policy
//! changes.

use std::collections::BTreeMap;

use wfplan::compare::{compare, Fact, Impact, TargetReason};
use wfplan::model::Model;
use wfplan::number::format_number;
use wfplan::number::{price, signed};
use wfplan::policy_change::ChangeKind;
use wfplan::solution::Solution;

const FLAGSHIP: &str = "models/england_community_nursing.toml";

fn flagship() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FLAGSHIP)
}

/// Σ over periods `from..=to` of an expression's values in a plan.
fn sum(plan: &Solution, expr: &str, from: usize, to: usize) -> f64 {
    let values = plan
        .value(expr)
        .unwrap_or_else(|e| panic!("value({expr}): {e:#}"));
    values[from..=to].iter().sum()
}

/// Cash in outturn prices over periods `from..=to`: the expression `cash`
/// is in the price base (real), times each year's price index.
fn outturn_cash(plan: &Solution, from: usize, to: usize) -> f64 {
    let real = plan.value("cash").unwrap();
    (from..=to)
        .map(|t| real[t] * plan.model.finance.price_index[t])
        .sum()
}

/// A group's stock in one period, as the expression language reads it.
fn stock(plan: &Solution, group: &str, region: Option<&str>, period: usize) -> f64 {
    let expr = match region {
        Some(r) => format!("stock({group} @ {r})"),
        None => format!("stock({group})"),
    };
    plan.value(&expr).unwrap()[period]
}

/// A group's flow (as flows.csv names it) summed over periods `0..=to`,
/// rebuilt from the decision variables and the model's rates:
/// hires, new starters leaving (−n·hires), completions, secondments out
/// (−intake), moves in (ρ·moves), moves out (−moves), leavers (−a·stock
/// the year before, band by band for a group with age bands).
fn flow(plan: &Solution, group: &str, flow: &str, channel: &str, to: usize) -> f64 {
    let model = &plan.model;
    let g = model.groups.iter().position(|g| g.id == group).unwrap();
    let series = |expr: &str| plan.value(expr).unwrap_or_else(|e| panic!("{expr}: {e:#}"));
    let per_period: Vec<f64> = match flow {
        "hire" => series(&format!("hire({group}, {channel})")),
        "new_starter_attrition" => series(&format!("hire({group}, {channel})"))
            .iter()
            .enumerate()
            .map(|(t, h)| -model.groups[g].new_starter_attrition_rate[t] * h)
            .collect(),
        "completion" => series(&format!("completions({channel})")),
        "intake" => series(&format!("intake({channel})"))
            .iter()
            .map(|v| -v)
            .collect(),
        "move_in" => {
            let m = model.moves.iter().position(|m| m.id == channel).unwrap();
            series(&format!("move({channel})"))
                .iter()
                .enumerate()
                .map(|(t, v)| model.moves[m].retention_rate[t] * v)
                .collect()
        }
        "move_out" => series(&format!("move({channel})"))
            .iter()
            .map(|v| -v)
            .collect(),
        // A group with age bands loses Σ_b a_b[t]·stock(g, b)[t−1] (each
        // band's opening FTE in the first period); any other a[t]·stock[t−1].
        "attrition" => match &model.groups[g].age {
            Some(age) => (0..model.periods.len())
                .map(|t| {
                    -age.bands
                        .iter()
                        .enumerate()
                        .map(|(b, band)| {
                            let before = if t == 0 {
                                age.opening[b]
                            } else {
                                series(&format!("stock({group}, {band})"))[t - 1]
                            };
                            age.attrition[b][t] * before
                        })
                        .sum::<f64>()
                })
                .collect(),
            None => {
                let stocks = series(&format!("stock({group})"));
                (0..model.periods.len())
                    .map(|t| {
                        let before = if t == 0 {
                            model.groups[g].opening_fte
                        } else {
                            stocks[t - 1]
                        };
                        -model.groups[g].attrition_rate[t] * before
                    })
                    .collect()
            }
        },
        "exit" => series(&format!("exit({group})"))
            .iter()
            .map(|v| -v)
            .collect(),
        other => panic!("unknown flow {other}"),
    };
    per_period[..=to].iter().sum()
}

/// Care a service delivers over `from..=to`: Σ efficiency · work of each
/// group staffing it, plus Σ efficiency · temporary staff.
fn care(plan: &Solution, service: &str, from: usize, to: usize) -> f64 {
    let model = &plan.model;
    let s = model.services.iter().position(|s| s.id == service).unwrap();
    let mut total = 0.0;
    for (group, efficiency) in &model.services[s].staffed_by {
        let id = &model.groups[*group].id;
        total += efficiency * sum(plan, &format!("work({id}, {service})"), from, to);
    }
    for pool in &model.pools {
        if let Some((_, efficiency)) = pool.serves.iter().find(|(x, _)| *x == s) {
            total += efficiency * sum(plan, &format!("temp({}, {service})", pool.id), from, to);
        }
    }
    total
}

/// Whether a text states "£0" (or "£0.00") as an amount.
fn states_zero_money(text: &str) -> bool {
    text.match_indices("£0").any(|(at, _)| {
        let rest = &text[at + "£0".len()..];
        match rest.chars().next() {
            Some('.') => rest.starts_with(".00"),
            Some(c) => !c.is_ascii_digit(),
            None => true,
        }
    })
}

#[track_caller]
fn near(what: &str, stated: f64, expected: f64) {
    assert!(
        (stated - expected).abs() <= 1e-6 * expected.abs().max(1.0) + 1e-6,
        "{what}: the sentence states {stated}, recomputed {expected}"
    );
}

/// The scenario's value of a parameter path the headline names, read from
/// the model (independently of `policy_change`): a condition bound per
/// period (None where it does not hold), or an entity's parameter.
fn parameter(model: &Model, path: &str) -> Vec<Option<f64>> {
    let periods = model.periods.len();
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        [kind @ ("target" | "limit"), id, side] => {
            let Some(condition) = model
                .conditions
                .iter()
                .find(|c| c.id == *id && c.kind.as_str() == *kind)
            else {
                return vec![None; periods];
            };
            let series = if *side == "min" {
                &condition.min
            } else {
                &condition.max
            };
            let at: Vec<usize> = match &condition.when {
                wfplan::model::When::At(at) => at.clone(),
                wfplan::model::When::Total => vec![periods - 1],
            };
            (0..periods)
                .map(|t| {
                    series.as_ref().filter(|_| at.contains(&t)).map(|s| {
                        s[if matches!(condition.when, wfplan::model::When::Total) {
                            0
                        } else {
                            t
                        }]
                    })
                })
                .collect()
        }
        ["move", id, "max"] => {
            let m = model.moves.iter().find(|m| m.id == *id).unwrap();
            (0..periods)
                .map(|t| m.max_fte.as_ref().map(|s| s[t]))
                .collect()
        }
        ["pipeline", id, "capacity"] => {
            let p = model.pipelines.iter().find(|p| p.id == *id).unwrap();
            (0..periods)
                .map(|t| p.capacity.as_ref().map(|s| s[t]))
                .collect()
        }
        ["service", id, "demand"] => {
            let s = model.services.iter().find(|s| s.id == *id).unwrap();
            s.demand_fte.iter().map(|v| Some(*v)).collect()
        }
        _ => panic!("the test does not read parameter {path}"),
    }
}

/// Checks every fact of every sentence of one comparison; counts the facts
/// checked by kind.
fn check(
    impact: &Impact,
    base: &Solution,
    policy: &Solution,
    counts: &mut BTreeMap<String, usize>,
) {
    let pair = format!("'{}' against '{}'", impact.policy, impact.base);
    let findings = wfplan::compare::findings(impact);
    assert!(!findings.is_empty(), "{pair}: no summary");
    let last = impact.periods.len() - 1;
    for finding in &findings {
        let text = &finding.text;
        let what = |fact: &str| format!("{pair}: {fact} in \"{text}\"");
        // Sentences that must not be written at all.
        assert!(
            !states_zero_money(text),
            "{}",
            what("a zero amount of money")
        );
        if text.contains("came mainly from") {
            assert!(
                !text.contains("leaving")
                    && !text.contains("leavers")
                    && !text.contains("seconded out"),
                "{}",
                what("an outflow listed as a source")
            );
            assert!(
                finding
                    .facts
                    .iter()
                    .any(|f| matches!(f, Fact::Source { .. })),
                "{}",
                what("a source sentence without its sources")
            );
            assert!(
                impact.target_change_at_headline() > 0.5,
                "{}",
                what("sources of a group that did not grow")
            );
        }
        if text.contains("per extra FTE") {
            assert!(
                finding
                    .facts
                    .iter()
                    .any(|f| matches!(f, Fact::CostPerFte { .. })),
                "{}",
                what("a cost per FTE without its numbers")
            );
        }
        for fact in &finding.facts {
            let kind = format!("{fact:?}");
            let kind = kind
                .split([' ', '{'])
                .next()
                .unwrap_or_default()
                .to_string();
            *counts.entry(kind).or_default() += 1;
            match fact {
                Fact::Stock {
                    group,
                    region,
                    period,
                    base: b,
                    policy: p,
                } => {
                    let region = region.map(|r| impact.regions[r].id.as_str());
                    near(&what("base stock"), *b, stock(base, group, region, *period));
                    near(
                        &what("policy stock"),
                        *p,
                        stock(policy, group, region, *period),
                    );
                    if text.starts_with("For every 10 extra") {
                        // The ratio's care change is the sentence's other fact.
                        let care = finding
                            .facts
                            .iter()
                            .find_map(|f| match f {
                                Fact::Care { change, .. } => Some(*change),
                                _ => None,
                            })
                            .expect("a ratio's care change");
                        let ratio = format_number(-care / (p - b) * 10.0);
                        assert!(
                            p - b > 0.5
                                && ratio != "0"
                                && text.contains(&format!("delivers {ratio} ")),
                            "{}",
                            what("the ratio")
                        );
                    } else {
                        assert!(
                            text.contains(&signed(p - b)),
                            "{}",
                            what("a stock change not stated")
                        );
                    }
                }
                Fact::Changed { path } => {
                    let (b, p) = (parameter(&base.model, path), parameter(&policy.model, path));
                    assert_ne!(
                        b,
                        p,
                        "{}",
                        what(&format!("{path} named as changed but equal"))
                    );
                }
                Fact::ConditionValue {
                    condition,
                    periods,
                    base: b,
                    policy: p,
                } => {
                    let expression = &policy
                        .model
                        .conditions
                        .iter()
                        .chain(&base.model.conditions)
                        .find(|c| c.id == *condition)
                        .unwrap()
                        .text;
                    let at = |plan: &Solution| -> f64 {
                        let values = plan.value(expression).unwrap();
                        periods.iter().map(|t| values[*t]).sum()
                    };
                    near(&what("the condition's value in the base"), *b, at(base));
                    near(&what("the condition's value in the policy"), *p, at(policy));
                }
                Fact::Cash {
                    from,
                    to,
                    outturn,
                    discounted,
                } => {
                    near(
                        &what("cash change"),
                        *outturn,
                        outturn_cash(policy, *from, *to) - outturn_cash(base, *from, *to),
                    );
                    // Discounted: Σ_t real_t / (1 + r)^t.
                    let rate = policy.model.discount_rate;
                    let pv = |plan: &Solution| -> f64 {
                        plan.value("cash")
                            .unwrap()
                            .iter()
                            .enumerate()
                            .map(|(t, v)| v / (1.0 + rate).powi(t as i32))
                            .sum()
                    };
                    near(
                        &what("discounted cash change"),
                        *discounted,
                        pv(policy) - pv(base),
                    );
                    assert!(
                        text.contains(&wfplan::number::money(outturn.abs(), &impact.currency))
                            || (outturn.abs() < 0.5 && text.contains("the same cash")),
                        "{}",
                        what("cash not stated")
                    );
                }
                Fact::CostPerFte {
                    group,
                    period,
                    cash,
                    fte,
                } => {
                    assert_eq!(
                        Some(group),
                        impact.target_group_id.as_ref(),
                        "{}",
                        what("per-FTE cost of another group")
                    );
                    assert!(
                        *fte > 0.5 && *cash > 0.0,
                        "{}",
                        what("a cost per FTE of no gain or no cost")
                    );
                    let gained = match period {
                        Some(t) => stock(policy, group, None, *t) - stock(base, group, None, *t),
                        None => (0..=last)
                            .map(|t| stock(policy, group, None, t) - stock(base, group, None, t))
                            .sum(),
                    };
                    near(&what("extra FTE"), *fte, gained);
                    near(
                        &what("cash behind the cost per FTE"),
                        *cash,
                        outturn_cash(policy, 0, last) - outturn_cash(base, 0, last),
                    );
                    assert!(
                        text.contains(&wfplan::number::money(cash / fte, &impact.currency)),
                        "{}",
                        what("cost per FTE not stated")
                    );
                    // Not a target moved later: no target year at which the group is lower.
                    for &t in &impact.target_periods {
                        assert!(
                            stock(policy, group, None, t) - stock(base, group, None, t) >= -0.5,
                            "{}",
                            what("a cost per extra FTE of a group lower at a target year")
                        );
                    }
                }
                Fact::Shadow {
                    condition,
                    period,
                    policy: in_policy,
                    value,
                    unit,
                    bound,
                } => {
                    let plan = if *in_policy { policy } else { base };
                    let scenario = if *in_policy {
                        &impact.policy
                    } else {
                        &impact.base
                    };
                    let result = plan
                        .conditions()
                        .into_iter()
                        .find(|c| c.id == *condition && c.period == *period)
                        .unwrap_or_else(|| {
                            panic!(
                                "{}",
                                what(&format!("no {condition} in {period} under '{scenario}'"))
                            )
                        });
                    near(&what("shadow price"), *value, result.shadow_price);
                    assert!(value.abs() > 1e-6, "{}", what("a zero shadow price"));
                    assert_eq!(*unit, result.unit, "{}", what("shadow price unit"));
                    assert!(
                        text.contains(&format!("'{scenario}'")),
                        "{}",
                        what("shadow price without its scenario")
                    );
                    let shown = price(*value, &impact.currency);
                    assert!(
                        text.contains(&shown) || text.contains("–"),
                        "{}",
                        what(&format!("shadow price {shown} not stated"))
                    );
                    if unit == &impact.currency {
                        assert!(
                            text.contains("£1") || text.contains("per £"),
                            "{}",
                            what("a money limit's price not per £")
                        );
                        assert!(
                            !text.contains("FTE"),
                            "{}",
                            what("a money limit priced per FTE")
                        );
                    } else {
                        assert!(
                            text.contains(&format!("per {unit}"))
                                || text.contains(&format!("one {unit}")),
                            "{}",
                            what("a price not in its unit")
                        );
                    }
                    // The bound that binds: activity at it.
                    let at = if *bound == "min" {
                        result.min
                    } else {
                        result.max
                    }
                    .unwrap();
                    assert!(
                        (result.activity - at).abs() <= 1e-6 * at.abs().max(1.0)
                            || result.violation > 1e-6,
                        "{}",
                        what("a shadow price of a bound that does not bind")
                    );
                }
                Fact::Source {
                    group,
                    flow: f,
                    channel,
                    to,
                    change,
                } => {
                    assert!(
                        matches!(f.as_str(), "hire" | "completion" | "move_in"),
                        "{}",
                        what(&format!("{f} listed as a source"))
                    );
                    assert!(*change > 0.5, "{}", what("a source that did not grow"));
                    let expected =
                        flow(policy, group, f, channel, *to) - flow(base, group, f, channel, *to);
                    near(&what(&format!("source {f} {channel}")), *change, expected);
                    assert!(
                        text.contains(&signed(*change)),
                        "{}",
                        what("source amount not stated")
                    );
                }
                Fact::Fall {
                    group,
                    flow: f,
                    channel,
                    to,
                    change,
                } => {
                    assert!(*change < -0.5, "{}", what("a fall that did not fall"));
                    let expected =
                        flow(policy, group, f, channel, *to) - flow(base, group, f, channel, *to);
                    near(&what(&format!("fall {f} {channel}")), *change, expected);
                    assert!(
                        text.contains(&signed(*change)),
                        "{}",
                        what("fall amount not stated")
                    );
                }
                Fact::Care {
                    service,
                    from,
                    to,
                    change,
                } => {
                    let expected =
                        care(policy, service, *from, *to) - care(base, service, *from, *to);
                    near(&what(&format!("care of {service}")), *change, expected);
                }
                Fact::Unmet {
                    service,
                    from,
                    to,
                    change,
                } => {
                    let expr = format!("unmet({})", service.as_deref().unwrap_or("*"));
                    let expected = sum(policy, &expr, *from, *to) - sum(base, &expr, *from, *to);
                    near(&what("unmet demand"), *change, expected);
                    assert!(
                        text.contains(&signed(*change))
                            || text.contains(&format_number(change.abs())),
                        "{}",
                        what("unmet change not stated")
                    );
                }
                Fact::Anticipation {
                    period,
                    group,
                    change,
                } => {
                    let first = impact
                        .horizon
                        .first_target
                        .expect("anticipation without a target");
                    assert!(
                        *period < first,
                        "{}",
                        what("anticipation at or after the target")
                    );
                    near(
                        &what("anticipated change"),
                        *change,
                        stock(policy, group, None, *period) - stock(base, group, None, *period),
                    );
                }
                Fact::Range { .. } => {}
            }
        }
    }
    // The headline follows what the policy changed.
    let headline = &findings[0];
    match impact.changes.first().map(|c| c.kind) {
        None => assert!(
            headline.text.contains("set the same"),
            "{pair}: {}",
            headline.text
        ),
        Some(ChangeKind::Target) => {
            // A target: the headline states its group at its period.
            let group = impact
                .target_group_id
                .clone()
                .expect("a target names a group here");
            assert!(
                matches!(impact.target_reason, Some(TargetReason::Target(_))),
                "{pair}"
            );
            assert!(
                headline.facts.iter().any(|f| matches!(f, Fact::Stock { group: g, period, .. } if *g == group && impact.target_periods.contains(period))),
                "{pair}: the headline does not state the target's group at its year: {}",
                headline.text
            );
        }
        Some(_) => {
            let path = &impact.changes[0].path;
            assert!(
                headline
                    .facts
                    .iter()
                    .any(|f| matches!(f, Fact::Changed { path: p } if p == path)),
                "{pair}: the headline does not follow the main change {path}: {}",
                headline.text
            );
            // Without a target, no group is taken as the policy's unless
            // the change is about that group alone.
            if let Some(TargetReason::Change(p)) = &impact.target_reason {
                assert_eq!(p, path, "{pair}");
            }
        }
    }
}

#[test]
fn every_flagship_scenario_against_every_other_in_both_directions() {
    let path = flagship();
    let ids: Vec<String> = {
        let model = wfplan::spec::load(&path, None, &[]).unwrap();
        let mut ids = vec!["base".to_string()];
        ids.extend(model.scenarios_defined.iter().map(|(id, _)| id.clone()));
        ids
    };
    assert!(ids.len() >= 7, "the flagship's scenarios: {ids:?}");
    let plans: BTreeMap<String, Solution> = ids
        .iter()
        .map(|id| {
            let scenario = (id != "base").then_some(id.as_str());
            let model = wfplan::spec::load(&path, scenario, &[]).unwrap();
            (
                id.clone(),
                wfplan::solve::solve(&model).unwrap_or_else(|e| panic!("{id}: {e:#}")),
            )
        })
        .collect();
    let mut compared = 0;
    let mut counts = BTreeMap::new();
    for base_id in &ids {
        for policy_id in &ids {
            if base_id == policy_id {
                continue;
            }
            let (base, policy) = (&plans[base_id], &plans[policy_id]);
            match compare(base, policy, base_id, policy_id, None) {
                Ok(impact) => {
                    check(&impact, base, policy, &mut counts);
                    // The document is built for every pair without panicking,
                    // and says what a unit of district nursing care is.
                    let markdown = wfplan::report::impact::impact_document(&impact).to_markdown();
                    assert!(
                        markdown.contains("district-nurse-equivalent FTE"),
                        "{policy_id} vs {base_id}"
                    );
                    compared += 1;
                }
                Err(error) => {
                    let message = format!("{error:#}");
                    assert!(
                        message.contains("--group"),
                        "{policy_id} vs {base_id}: {message}"
                    );
                }
            }
        }
    }
    assert_eq!(compared, ids.len() * (ids.len() - 1), "every pair reports");
    // Every kind of sentence was met and checked.
    for kind in [
        "Stock",
        "Changed",
        "ConditionValue",
        "Cash",
        "CostPerFte",
        "Shadow",
        "Source",
        "Fall",
        "Care",
        "Unmet",
        "Anticipation",
    ] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} fact checked: {counts:?}"
        );
    }
}

/// The cases of the issue, by name: what each pair says and does not say.
#[test]
fn the_pairs_the_issue_names_say_what_the_policy_changed() {
    let path = flagship();
    let solve = |id: &str| {
        let model = wfplan::spec::load(&path, Some(id), &[]).unwrap();
        wfplan::solve::solve(&model).unwrap()
    };
    let (pledge, unfunded, replacement) = (
        solve("pledge"),
        solve("pledge_unfunded"),
        solve("pledge_replacement_places"),
    );
    // pledge_unfunded against pledge: a budget on four groups; no group is
    // taken as the target, and the envelope's price is per £, not "£0".
    let impact = compare(&pledge, &unfunded, "pledge", "pledge_unfunded", None).unwrap();
    assert_eq!(impact.target_group, None);
    let text = wfplan::compare::narrative(&impact).join("\n");
    assert!(text.contains("community_pay_envelope"), "{text}");
    assert!(text.contains("each £1 more of it would save £0."), "{text}");
    assert!(!text.contains("per extra FTE"), "{text}");
    assert!(!text.contains("costs £0"), "{text}");
    // --group still follows a group when asked.
    let asked = compare(
        &pledge,
        &unfunded,
        "pledge",
        "pledge_unfunded",
        Some("district_nurse"),
    )
    .unwrap();
    assert_eq!(asked.target_group_id.as_deref(), Some("district_nurse"));
    assert_eq!(asked.target_reason, Some(TargetReason::Requested));
    // pledge_replacement_places: degree places (a pool's pipeline); no
    // group, and never "£1.0m per extra FTE".
    let impact = compare(
        &pledge,
        &replacement,
        "pledge",
        "pledge_replacement_places",
        None,
    )
    .unwrap();
    assert_eq!(impact.target_group, None);
    let text = wfplan::compare::narrative(&impact).join("\n");
    assert!(!text.contains("per extra FTE"), "{text}");
    assert!(text.contains("degree_places_commissioned"), "{text}");
    // pledge against no_pledge: only inflows as sources.
    let no_pledge = solve("no_pledge");
    let impact = compare(&no_pledge, &pledge, "no_pledge", "pledge", None).unwrap();
    let text = wfplan::compare::narrative(&impact).join("\n");
    let sources = text
        .lines()
        .find(|l| l.contains("came mainly from"))
        .unwrap();
    assert!(!sources.contains("new starters leaving"), "{sources}");
}

/// Targets on two groups, neither more than the other: the report refuses
/// to pick one and asks for --group.
#[test]
fn targets_on_two_groups_ask_for_group() {
    let text = std::fs::read_to_string(flagship()).unwrap()
        + r#"
[[scenario]]
id = "two_targets"
[[scenario.target]]
id = "more_school_nurses"
expr = "stock(school_nurse)"
min = 2900
at = ["2014/15"]
[[scenario.target]]
id = "more_district_nurses"
expr = "stock(district_nurse)"
min = 7000
at = ["2014/15"]
"#;
    let path = flagship();
    let load = |scenario| wfplan::spec::load_str(&text, &path, scenario, &[]).unwrap();
    let base = wfplan::solve::solve(&load(Some("no_pledge"))).unwrap();
    let policy_model = load(Some("two_targets"));
    let policy = wfplan::solve::solve(&policy_model).unwrap();
    // The model as written also has the pledge; against the model as
    // written (same pledge), only the two new targets differ.
    let written = wfplan::solve::solve(&load(None)).unwrap();
    let error = compare(&written, &policy, "base", "two_targets", None).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("--group"), "{message}");
    assert!(
        message.contains("school_nurse") && message.contains("district_nurse"),
        "{message}"
    );
    let _ = base;
    let impact = compare(
        &written,
        &policy,
        "base",
        "two_targets",
        Some("school_nurse"),
    )
    .unwrap();
    assert_eq!(impact.target_group_id.as_deref(), Some("school_nurse"));
}
