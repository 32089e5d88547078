//! What summary.json and the terminal summary say about a model with
//! whole-number decisions: the MIP's status, gap and bound (per
//! lexicographic stage), which decisions are whole, the courses run, and
//! where its shadow prices come from. Nothing for a linear programme.

use serde_json::{json, Value};

use wfplan_engine::solution::Solution;
use wfplan_text::number::format_number;

/// The whole-number decisions as an expression would name them:
/// `[model] integer` as written, then `intake(p)` of `integer` pipelines,
/// `move(m)` of `integer` moves and `runs(p)` of courses that run or not.
pub fn whole_number_decisions(solution: &Solution) -> Vec<String> {
    let model = &solution.model;
    let mut decisions: Vec<String> = model.integer.iter().map(|d| d.text.clone()).collect();
    let mut push = |text: String| {
        if !decisions.contains(&text) {
            decisions.push(text);
        }
    };
    for pipeline in &model.pipelines {
        if pipeline.integer {
            push(format!("intake({})", pipeline.id));
        }
    }
    for movement in &model.moves {
        if movement.integer {
            push(format!("move({})", movement.id));
        }
    }
    for pipeline in &model.pipelines {
        if pipeline.has_runs() {
            push(format!("runs({})", pipeline.id));
        }
    }
    decisions
}

/// summary.json's `mip` object, or None for a linear programme.
pub fn mip_json(solution: &Solution) -> Option<Value> {
    let mip = solution.mip.as_ref()?;
    let model = &solution.model;
    let first = mip.stages.first();
    let stages: Vec<Value> = model
        .objectives
        .iter()
        .zip(&mip.stages)
        .map(|(objective, stage)| {
            json!({
                "minimise": objective.text,
                "status": stage.status,
                "proven_optimal": stage.proven,
                "objective": stage.objective,
                "bound": finite(stage.bound),
                "gap": finite(stage.gap),
                "nodes": stage.nodes,
            })
        })
        .collect();
    let courses: Vec<Value> = model
        .pipelines
        .iter()
        .enumerate()
        .filter_map(|(index, pipeline)| {
            let run = solution.plan.decisions.run[index].as_ref()?;
            let runs: Vec<f64> = run.iter().map(|v| v.round()).collect();
            let mut value = json!({ "pipeline": pipeline.id, "runs": runs });
            if model.has_regions() {
                value["region"] = json!(model.region_id(pipeline.region));
            }
            Some(value)
        })
        .collect();
    Some(json!({
        "status": mip.status(),
        "proven_optimal": mip.stages.iter().all(|s| s.proven),
        "objective": first.map(|s| s.objective),
        "bound": first.and_then(|s| finite(s.bound)),
        "gap": finite(mip.gap()),
        "mip_rel_gap": mip.mip_rel_gap,
        "integer_columns": mip.integer_columns,
        "whole_number_decisions": whole_number_decisions(solution),
        "stages": stages,
        "courses_run": courses,
        "shadow_prices": mip.shadow_price_note(),
    }))
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

/// The lines of the terminal summary about the MIP (empty for a linear
/// programme).
pub fn mip_lines(solution: &Solution) -> String {
    let Some(mip) = &solution.mip else {
        return String::new();
    };
    let decisions = whole_number_decisions(solution);
    let mut out = format!(
        "  whole numbers: {} ({} integer columns)\n",
        decisions.join(", "),
        mip.integer_columns
    );
    for (index, stage) in mip.stages.iter().enumerate() {
        let which = if mip.stages.len() > 1 {
            format!(" stage {}", index + 1)
        } else {
            String::new()
        };
        let proof = if stage.proven {
            "proved optimal".to_string()
        } else {
            "NOT proved optimal".to_string()
        };
        out.push_str(&format!(
            "  MIP{which}: {} — {proof}: objective {}, bound {}, gap {} (asked for {}), {} node{}\n",
            stage.status,
            format_number(stage.objective),
            if stage.bound.is_finite() {
                format_number(stage.bound)
            } else {
                "none".to_string()
            },
            percent(stage.gap),
            percent(mip.mip_rel_gap),
            stage.nodes,
            if stage.nodes == 1 { "" } else { "s" }
        ));
    }
    out.push_str(&format!("  {}\n", mip.shadow_price_note()));
    out
}

/// 0.0123 → "1.23%".
fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.2}%", 100.0 * share)
    } else {
        "unknown".to_string()
    }
}
