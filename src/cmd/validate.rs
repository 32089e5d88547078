//! `wfplan validate MODEL`: check a model and print what it contains.

use std::fmt::Write;

use anyhow::Result;

use super::ModelArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
}

pub fn run(args: &Args) -> Result<()> {
    let model = args.model.load()?;
    let lp = crate::lp::build(&model);
    let mut text = describe(&model, lp.columns.len(), lp.rows.len());
    text.push_str(&describe_uncertain(&args.model)?);
    crate::terminal::print_text(&text)?;
    for warning in crate::model::warnings(&model) {
        crate::terminal::eprint_line(&format!("warning: {warning}"));
    }
    Ok(())
}

/// The model's `[[uncertain]]` entries, checked as `simulate` checks them
/// before drawing (each at its centre and the ends of a bounded range),
/// one line each; "" when there are none.
fn describe_uncertain(args: &ModelArgs) -> Result<String> {
    use crate::simulate::{uncertain, Plan, Simulation};
    let text = crate::simulate::read_model_text(&args.model)?;
    let file = args.model.display().to_string();
    if uncertain::from_model(&text, &file)?.0.is_empty() {
        return Ok(String::new());
    }
    let simulation = Simulation::from_text(
        text,
        &args.model,
        args.scenario.as_deref(),
        &args.sets,
        Vec::new(),
        Vec::new(),
        1,
        1,
        Plan::Reoptimise,
    )?;
    simulation.check_parameters()?;
    let mut out = format!(
        "  {} uncertain parameters (for simulate):\n",
        simulation.parameters.len()
    );
    for parameter in &simulation.parameters.list {
        let _ = writeln!(out, "    {}: {}", parameter.id, parameter.describe());
    }
    Ok(out)
}

/// A plain description of a valid model.
pub fn describe(model: &crate::model::Model, variables: usize, constraints: usize) -> String {
    let mut out = String::new();
    let scenario = model
        .scenario
        .as_deref()
        .map(|s| format!(", scenario '{s}'"))
        .unwrap_or_default();
    let _ = writeln!(out, "{}: valid — \"{}\"{scenario}", model.file, model.name);
    let _ = writeln!(
        out,
        "  {} periods: {} … {}; discount rate {}; currency {}",
        model.periods.len(),
        model.periods.first().map(String::as_str).unwrap_or(""),
        model.periods.last().map(String::as_str).unwrap_or(""),
        model.discount_rate,
        model.currency
    );
    if let Some(base) = &model.finance.price_base {
        let index = |series: &[f64]| {
            series
                .iter()
                .map(|v| format!("{v:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "  money in {base} prices (real); price index by period {}; pay index {}",
            index(&model.finance.price_index),
            index(&model.finance.pay_index)
        );
        if let Some(shown) = &model.finance.real_prices {
            let _ = writeln!(
                out,
                "  real amounts shown in {shown} prices (× {:.4}); the plan is optimised in {base} prices",
                model.finance.real_factor
            );
        }
    }
    let list = |ids: Vec<&str>| {
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        }
    };
    if model.has_regions() {
        let _ = writeln!(
            out,
            "  {} regions: {}",
            model.regions.len(),
            model
                .regions
                .iter()
                .map(|r| if r.name == r.id {
                    r.id.clone()
                } else {
                    format!("{} ({})", r.id, first_line(&r.name))
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // With regions, an entity declared once is listed once, with the
    // regions it exists in (or "national"); without, as declared.
    let entities = |entries: Vec<(&str, Option<usize>)>| -> (usize, String) {
        if !model.has_regions() {
            let count = entries.len();
            return (count, list(entries.into_iter().map(|(id, _)| id).collect()));
        }
        let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
        for (id, region) in entries {
            let region = model.region_id(region);
            match grouped.last_mut() {
                Some((last, regions)) if *last == id => regions.push(region),
                _ => grouped.push((id, vec![region])),
            }
        }
        let shown: Vec<String> = grouped
            .iter()
            .map(|(id, regions)| {
                if regions == &[""] {
                    format!("{id} (national)")
                } else if regions.len() == model.regions.len() {
                    format!("{id} (every region)")
                } else {
                    format!("{id} ({})", regions.join(", "))
                }
            })
            .collect();
        (
            grouped.len(),
            list(shown.iter().map(String::as_str).collect()),
        )
    };
    let (count, shown) = entities(
        model
            .groups
            .iter()
            .map(|g| (g.id.as_str(), g.region))
            .collect(),
    );
    let _ = writeln!(out, "  {count} groups: {shown}");
    let (count, shown) = entities(
        model
            .pools
            .iter()
            .map(|p| (p.id.as_str(), p.region))
            .collect(),
    );
    let _ = writeln!(out, "  {count} pools: {shown}");
    let (count, shown) = entities(
        model
            .pipelines
            .iter()
            .map(|p| (p.id.as_str(), p.region))
            .collect(),
    );
    let _ = writeln!(out, "  {count} pipelines: {shown}");
    let (mut count, mut shown) = entities(
        model
            .moves
            .iter()
            .filter(|m| m.between.is_none())
            .map(|m| (m.id.as_str(), m.region))
            .collect(),
    );
    // A move between regions is listed once, with its pairs of regions.
    let mut between: Vec<(&str, Vec<String>)> = Vec::new();
    for movement in &model.moves {
        let Some((from, to)) = movement.between else {
            continue;
        };
        let pair = format!(
            "{}->{}",
            model.region_id(Some(from)),
            model.region_id(Some(to))
        );
        match between.last_mut() {
            Some((id, pairs)) if *id == movement.id => pairs.push(pair),
            _ => between.push((movement.id.as_str(), vec![pair])),
        }
    }
    for (id, pairs) in between {
        count += 1;
        let entry = format!("{id} (between regions: {})", pairs.join(", "));
        shown = if shown == "none" {
            entry
        } else {
            format!("{shown}, {entry}")
        };
    }
    let _ = writeln!(out, "  {count} moves: {shown}");
    let (count, shown) = entities(
        model
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.region))
            .collect(),
    );
    let _ = writeln!(out, "  {count} services: {shown}");
    if !model.drivers.is_empty() {
        let _ = writeln!(
            out,
            "  {} drivers of demand: {}",
            model.drivers.len(),
            model
                .drivers
                .iter()
                .map(|d| format!("{} ({})", d.id, first_line(&d.unit)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  {} targets and limits in force: {}",
        model.conditions.len(),
        list(model.conditions.iter().map(|c| c.id.as_str()).collect())
    );
    let _ = writeln!(
        out,
        "  {} scenarios: {}",
        model.scenarios_defined.len(),
        if model.scenarios_defined.is_empty() {
            "none".to_string()
        } else {
            model
                .scenarios_defined
                .iter()
                .map(|(id, about)| match about {
                    Some(about) => format!("{id} ({})", first_line(about)),
                    None => id.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let _ = writeln!(
        out,
        "  objective: minimise {}",
        model
            .objectives
            .iter()
            .map(|o| o.text.as_str())
            .collect::<Vec<_>>()
            .join(", then ")
    );
    let _ = writeln!(
        out,
        "  linear programme: {variables} variables, {constraints} constraints"
    );
    out
}

/// The first line of a description, at most 60 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line.to_string()
    }
}
