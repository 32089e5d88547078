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
    crate::terminal::print_text(&describe(&model, lp.columns.len(), lp.rows.len()))?;
    for warning in crate::model::warnings(&model) {
        crate::terminal::eprint_line(&format!("warning: {warning}"));
    }
    Ok(())
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
    let list = |ids: Vec<&str>| {
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        }
    };
    let _ = writeln!(
        out,
        "  {} groups: {}",
        model.groups.len(),
        list(model.groups.iter().map(|g| g.id.as_str()).collect())
    );
    let _ = writeln!(
        out,
        "  {} pools: {}",
        model.pools.len(),
        list(model.pools.iter().map(|p| p.id.as_str()).collect())
    );
    let _ = writeln!(
        out,
        "  {} pipelines: {}",
        model.pipelines.len(),
        list(model.pipelines.iter().map(|p| p.id.as_str()).collect())
    );
    let _ = writeln!(
        out,
        "  {} moves: {}",
        model.moves.len(),
        list(model.moves.iter().map(|m| m.id.as_str()).collect())
    );
    let _ = writeln!(
        out,
        "  {} services: {}",
        model.services.len(),
        list(model.services.iter().map(|s| s.id.as_str()).collect())
    );
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
