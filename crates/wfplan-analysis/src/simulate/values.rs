//! The numbers an uncertain parameter changes: for `apply = "scale"` and
//! `"add"`, the parameter's value in the central model (after the
//! scenario and `--set`, CSV series read) as a TOML value, and the value
//! a draw turns it into.

use anyhow::{anyhow, bail, Result};

use wfplan_model::spec::{did_you_mean, Cohorts, Number, Param, Spec};

use super::uncertain::Apply;

/// The value at `path` in the resolved spec, as TOML: a number, a list per
/// period, or a table by region (or by pair of regions). Only numeric
/// fields can be scaled or shifted.
pub fn resolved_value(spec: &Spec, path: &str) -> Result<toml::Value> {
    let (kind, rest) = path
        .split_once('.')
        .ok_or_else(|| anyhow!("a path is kind.id.field (e.g. group.staff_nurse.attrition)"))?;
    if kind == "model" {
        return match rest {
            "discount_rate" => Ok(toml::Value::Float(spec.model.discount_rate)),
            _ => bail!("model.{rest} is not a number that can be scaled or shifted (model.discount_rate is)"),
        };
    }
    let ids: Vec<String> = match kind {
        "group" => spec.groups.iter().map(|e| e.id.clone()).collect(),
        "pool" => spec.pools.iter().map(|e| e.id.clone()).collect(),
        "pipeline" => spec.pipelines.iter().map(|e| e.id.clone()).collect(),
        "move" => spec.moves.iter().map(|e| e.effective_id()).collect(),
        "service" => spec.services.iter().map(|e| e.id.clone()).collect(),
        "target" => spec.targets.iter().map(|e| e.id.clone()).collect(),
        "limit" => spec.limits.iter().map(|e| e.id.clone()).collect(),
        "driver" => spec.drivers.iter().map(|e| e.id.clone()).collect(),
        _ => bail!(
            "unknown entity kind '{kind}'{}; expected model or one of {}",
            did_you_mean(kind, wfplan_model::spec::ENTITY_KINDS.iter().copied()),
            wfplan_model::spec::ENTITY_KINDS.join(", ")
        ),
    };
    let Some((index, id)) = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| rest.starts_with(&format!("{id}.")))
        .max_by_key(|(_, id)| id.len())
    else {
        let wanted = rest.split('.').next().unwrap_or(rest);
        bail!(
            "no {kind} '{wanted}'{}",
            did_you_mean(wanted, ids.iter().map(String::as_str))
        );
    };
    let field = &rest[id.len() + 1..];
    let missing = || {
        anyhow!("{kind} '{id}' has no {field} to scale or shift; give it a value in the model, or use apply = \"set\"")
    };
    let param = |value: &Option<Param>| value.as_ref().map(param_value).ok_or_else(missing);
    let not_numeric = || {
        anyhow!("{kind} '{id}', field '{field}': not a number that can be scaled or shifted; use apply = \"set\", or a numeric field")
    };
    let value = match kind {
        "group" => {
            let group = &spec.groups[index];
            match field {
                "opening" => number_value(&group.opening),
                "terminal_value" => group
                    .terminal_value
                    .as_ref()
                    .map(number_value)
                    .ok_or_else(missing)?,
                "attrition" => param(&group.attrition)?,
                // By band: one entry per band, each any parameter form.
                "age.attrition" => group
                    .age
                    .as_ref()
                    .and_then(|age| age.attrition.as_ref())
                    .map(|bands| toml::Value::Array(bands.iter().map(param_value).collect()))
                    .ok_or_else(missing)?,
                "new_starter_attrition" => param(&group.new_starter_attrition)?,
                "salary" => param(&group.salary)?,
                "hire_cost" => param(&group.hire_cost)?,
                "hire_max" => param(&group.hire_max)?,
                "exit_cost" => param(&group.exit_cost)?,
                "exit_max" => param(&group.exit_max)?,
                "surplus_cost" => param(&group.surplus_cost)?,
                "productivity" => param(&group.productivity)?,
                "reduced_hours.max" => group
                    .reduced_hours
                    .as_ref()
                    .map(|r| param_value(&r.max))
                    .ok_or_else(missing)?,
                "reduced_hours.cost" => {
                    param(&group.reduced_hours.as_ref().and_then(|r| r.cost.clone()))?
                }
                "reduced_hours.output" => group
                    .reduced_hours
                    .as_ref()
                    .map(|r| toml::Value::Float(r.output))
                    .ok_or_else(missing)?,
                _ => return Err(not_numeric()),
            }
        }
        "pool" => {
            let pool = &spec.pools[index];
            match field {
                "supply" => param(&pool.supply)?,
                "hire_cost" => param(&pool.hire_cost)?,
                "rate" => param(&pool.rate)?,
                _ => return Err(not_numeric()),
            }
        }
        "pipeline" => {
            let pipeline = &spec.pipelines[index];
            match field {
                "completion" => param(&pipeline.completion)?,
                "capacity" => param(&pipeline.capacity)?,
                "cost" => param(&pipeline.cost)?,
                "trainee_salary" => param(&pipeline.trainee_salary)?,
                "supervision.fte_per_trainee" => pipeline
                    .supervision
                    .as_ref()
                    .map(|s| param_value(&s.fte_per_trainee))
                    .ok_or_else(missing)?,
                "in_training" => match &pipeline.in_training {
                    Cohorts::List(list) => floats(list),
                    Cohorts::ByRegion(table) => toml::Value::Table(
                        table
                            .iter()
                            .map(|(region, list)| (region.clone(), floats(list)))
                            .collect(),
                    ),
                },
                _ => return Err(not_numeric()),
            }
        }
        "move" => {
            let movement = &spec.moves[index];
            match field {
                "retention" => param(&movement.retention)?,
                "cost" => param(&movement.cost)?,
                "max" => param(&movement.max)?,
                _ => return Err(not_numeric()),
            }
        }
        "service" => {
            let service = &spec.services[index];
            if let Some(group) = field.strip_prefix("staffed_by.") {
                service
                    .staffed_by
                    .get(group)
                    .map(|e| toml::Value::Float(*e))
                    .ok_or_else(missing)?
            } else if let Some(group) = field.strip_prefix("min_share.") {
                service
                    .min_share
                    .get(group)
                    .map(|e| toml::Value::Float(*e))
                    .ok_or_else(missing)?
            } else if let Some(term_field) = field.strip_prefix("need.") {
                // `need.<rate>` (one term) or `need.<term id>.<rate>`, as in `--set`.
                let terms = service.need.as_ref().map_or(&[][..], |need| &need.0[..]);
                let (term, rate) = match term_field.rsplit_once('.') {
                    Some((id, rate)) => (terms.iter().find(|t| t.effective_id() == id), rate),
                    None if terms.len() == 1 => (terms.first(), term_field),
                    None => (None, term_field),
                };
                let term = term.ok_or_else(missing)?;
                match rate {
                    "contacts_per_unit" => param_value(&term.contacts_per_unit),
                    "contacts_per_fte" => param_value(&term.contacts_per_fte),
                    _ => return Err(not_numeric()),
                }
            } else {
                match field {
                    "demand" => param(&service.demand)?,
                    "unmet_penalty" => param(&service.unmet_penalty)?,
                    _ => return Err(not_numeric()),
                }
            }
        }
        "driver" => match field {
            "values" => param_value(&spec.drivers[index].values),
            _ => return Err(not_numeric()),
        },
        _ => {
            let condition = if kind == "target" {
                &spec.targets[index]
            } else {
                &spec.limits[index]
            };
            match field {
                "min" => param(&condition.min)?,
                "max" => param(&condition.max)?,
                "penalty" => condition
                    .penalty
                    .map(toml::Value::Float)
                    .ok_or_else(missing)?,
                _ => return Err(not_numeric()),
            }
        }
    };
    Ok(value)
}

fn floats(values: &[f64]) -> toml::Value {
    toml::Value::Array(values.iter().map(|v| toml::Value::Float(*v)).collect())
}

fn number_value(number: &Number) -> toml::Value {
    match number {
        Number::One(value) => toml::Value::Float(*value),
        Number::ByRegion(table) => toml::Value::Table(
            table
                .iter()
                .map(|(region, value)| (region.clone(), toml::Value::Float(*value)))
                .collect(),
        ),
    }
}

fn param_value(param: &Param) -> toml::Value {
    match param {
        Param::Scalar(value) => toml::Value::Float(*value),
        Param::Series(values) => floats(values),
        // Read already: a CSV path left here is one the spec did not resolve.
        Param::File(path) => toml::Value::String(path.clone()),
        Param::ByRegion(table) => toml::Value::Table(
            table
                .iter()
                .map(|(region, inner)| (region.clone(), param_value(inner)))
                .collect(),
        ),
    }
}

/// The value a draw gives: `draw` itself (`set`), or every number of
/// `base` multiplied by it (`scale`) or with it added (`add`).
pub fn applied(apply: Apply, base: Option<&toml::Value>, draw: f64) -> toml::Value {
    match (apply, base) {
        (Apply::Set, _) | (_, None) => toml::Value::Float(draw),
        (apply, Some(base)) => map_numbers(base, &|value| match apply {
            Apply::Scale => value * draw,
            _ => value + draw,
        }),
    }
}

fn map_numbers(value: &toml::Value, f: &dyn Fn(f64) -> f64) -> toml::Value {
    match value {
        toml::Value::Float(x) => toml::Value::Float(f(*x)),
        toml::Value::Integer(x) => toml::Value::Float(f(*x as f64)),
        toml::Value::Array(items) => {
            toml::Value::Array(items.iter().map(|item| map_numbers(item, f)).collect())
        }
        toml::Value::Table(table) => toml::Value::Table(
            table
                .iter()
                .map(|(key, item)| (key.clone(), map_numbers(item, f)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether a resolved value holds only numbers (no unread CSV path).
pub fn is_numeric(value: &toml::Value) -> bool {
    match value {
        toml::Value::Float(_) | toml::Value::Integer(_) => true,
        toml::Value::Array(items) => items.iter().all(is_numeric),
        toml::Value::Table(table) => table.values().all(is_numeric),
        _ => false,
    }
}
