//! The trade-off report of a sweep: report.md, a self-contained report.html
//! and charts (PNG and SVG), built from sweep.csv's table alone, so that
//! `wfplan sweep` and `wfplan merge` write the same report.
//!
//! * **Curves.** One `--vary`: one curve over its values. Two: one curve
//!   over the first path's values per value of the second (a line each).
//!   More: the table only, and the report says so.
//! * **Charts.** The swept value against cash cost, against each service's
//!   lost care (unmet demand over the horizon), and against each target's
//!   and limit's shadow price (the sum over its periods and regions: for the
//!   swept target's own bound, the slope of the objective).
//! * **Kinks.** A condition instance *binds* at a point when its shadow
//!   price is not zero (above 10⁻⁹ of the largest in the table). A kink lies
//!   between neighbouring optimal points whose sets of binding instances
//!   differ; it is named by what starts and stops binding. When the first
//!   path is a target's or limit's `min` or `max`, the objective's slope at
//!   each point is that condition's shadow price (+ for `min`, − for `max`:
//!   a price is the cost of tightening), and the kink is placed where the
//!   two neighbours' tangents meet.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{anyhow, Result};
use polars::prelude::*;

use super::document::{literal, Document};
use super::UnitFile;
use wfplan_charts::{self as charts, Chart, Panel, Series};

/// What the report needs besides the table.
#[derive(Debug, Clone)]
pub struct SweepFacts {
    /// The model's name.
    pub name: String,
    /// The swept paths, in `--vary` order.
    pub paths: Vec<String>,
    /// Each target's and limit's id → `target` or `limit`.
    pub kinds: BTreeMap<String, String>,
    /// GBP, EUR, USD or other.
    pub currency: String,
    /// Each service's key (as in sweep.csv's `unmet[key]` columns) → its
    /// unit of care ("FTE", "district-nurse-equivalent FTE").
    pub care_units: BTreeMap<String, String>,
}

impl SweepFacts {
    /// From partition.json (`merge`).
    pub fn from_partition(
        manifest: &wfplan_analysis::shard::PartitionManifest,
    ) -> Result<SweepFacts> {
        let varies: Vec<String> = manifest
            .identity
            .get("vary")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .ok_or_else(|| anyhow!("partition.json has no --vary list"))?;
        let paths = varies
            .iter()
            .map(|text| wfplan_analysis::sweep::parse_vary(text).map(|v| v.path))
            .collect::<Result<Vec<_>>>()?;
        let note = |key: &str| manifest.notes.get(key).cloned();
        Ok(SweepFacts {
            name: note("name")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            paths,
            kinds: note("conditions")
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
            currency: note("currency")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            care_units: note("care_units")
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
        })
    }
}

/// One kink: between the curve's points `before` and `before + 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Kink {
    /// Position in the curve of the point before the kink.
    pub before: usize,
    /// The swept values either side, as written.
    pub from: String,
    pub to: String,
    /// Where the tangents meet, when the slope is known.
    pub at: Option<f64>,
    /// "limit `senior_hires` (2026)" and the like.
    pub starts: Vec<String>,
    pub stops: Vec<String>,
}

impl Kink {
    /// "between 2.5 and 3.5 (at ≈ 3.2): limit `x` (2026) starts to bind".
    pub fn sentence(&self) -> String {
        let mut text = format!("between {} and {}", literal(&self.from), literal(&self.to));
        if let Some(at) = self.at {
            text.push_str(&format!(
                " (at ≈ {}, where the neighbours' tangents meet)",
                wfplan_text::number::five_digits(at)
            ));
        }
        let mut parts = Vec::new();
        if !self.starts.is_empty() {
            let verb = if self.starts.len() == 1 {
                "starts"
            } else {
                "start"
            };
            parts.push(format!("{} {verb} to bind", self.starts.join(", ")));
        }
        if !self.stops.is_empty() {
            let verb = if self.stops.len() == 1 {
                "stops"
            } else {
                "stop"
            };
            parts.push(format!("{} {verb} binding", self.stops.join(", ")));
        }
        format!("{text}: {}", parts.join("; "))
    }
}

/// One curve of the report: its label (the second path's value) and rows.
struct Curve {
    label: Option<String>,
    rows: Vec<usize>,
}

/// A column's cells as text (numbers as written by `{}`).
fn texts(frame: &DataFrame, name: &str) -> Result<Vec<String>> {
    let column = frame.column(name)?.as_materialized_series().clone();
    Ok(match column.dtype() {
        DataType::String => column
            .str()?
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect(),
        _ => {
            let column = column.cast(&DataType::Float64)?;
            column
                .f64()?
                .iter()
                .map(|v| v.map(|v| format!("{v}")).unwrap_or_default())
                .collect()
        }
    })
}

/// A numeric column (missing = NaN); NaN throughout if it is not numeric.
fn numbers(frame: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let column = frame.column(name)?.as_materialized_series().clone();
    if column.dtype() == &DataType::String {
        return Ok(vec![f64::NAN; frame.height()]);
    }
    Ok(column
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

/// The id and place of a shadow price column: `shadow_price[ID,REST]`.
fn shadow_column(name: &str) -> Option<(&str, &str)> {
    let inner = name.strip_prefix("shadow_price[")?.strip_suffix(']')?;
    Some(inner.split_once(',').unwrap_or((inner, "")))
}

/// The curves of the table (see the module doc).
fn curves(frame: &DataFrame, facts: &SweepFacts) -> Result<Vec<Curve>> {
    let rows = frame.height();
    if facts.paths.len() == 1 {
        return Ok(vec![Curve {
            label: None,
            rows: (0..rows).collect(),
        }]);
    }
    let second = texts(frame, &facts.paths[1])?;
    let mut labels: Vec<String> = Vec::new();
    for value in &second {
        if !labels.contains(value) {
            labels.push(value.clone());
        }
    }
    Ok(labels
        .into_iter()
        .map(|label| Curve {
            rows: (0..rows).filter(|&row| second[row] == label).collect(),
            label: Some(format!("{} = {label}", facts.paths[1])),
        })
        .collect())
}

/// Everything read from the table for the report.
struct Reading {
    x_text: Vec<String>,
    x: Vec<f64>,
    status: Vec<String>,
    explanation: Vec<String>,
    objective: Vec<f64>,
    cash: Vec<f64>,
    /// (service key, values).
    unmet: Vec<(String, Vec<f64>)>,
    /// (column name, condition id, place, values).
    shadows: Vec<(String, String, String, Vec<f64>)>,
    tolerance: f64,
}

fn read(frame: &DataFrame, facts: &SweepFacts) -> Result<Reading> {
    let first = &facts.paths[0];
    let mut unmet = Vec::new();
    let mut shadows = Vec::new();
    for column in frame.get_column_names() {
        let name = column.as_str();
        if let Some(service) = name
            .strip_prefix("unmet[")
            .and_then(|s| s.strip_suffix(']'))
        {
            unmet.push((service.to_string(), numbers(frame, name)?));
        } else if let Some((id, place)) = shadow_column(name) {
            shadows.push((
                name.to_string(),
                id.to_string(),
                place.to_string(),
                numbers(frame, name)?,
            ));
        }
    }
    let largest = shadows
        .iter()
        .flat_map(|(_, _, _, values)| values.iter())
        .filter(|v| v.is_finite())
        .fold(0.0f64, |most, v| most.max(v.abs()));
    Ok(Reading {
        x_text: texts(frame, first)?,
        x: numbers(frame, first)?,
        status: texts(frame, "status")?,
        explanation: texts(frame, "explanation")?,
        objective: numbers(frame, "objective")?,
        cash: numbers(frame, "cash")?,
        unmet,
        shadows,
        tolerance: 1e-9 * largest.max(1.0),
    })
}

impl Reading {
    /// The instances binding at `row` (column names).
    fn binding(&self, row: usize) -> Vec<&str> {
        self.shadows
            .iter()
            .filter(|(_, _, _, values)| {
                values[row].is_finite() && values[row].abs() > self.tolerance
            })
            .map(|(name, _, _, _)| name.as_str())
            .collect()
    }

    /// The sum of a condition's shadow prices at `row`.
    fn condition_price(&self, id: &str, row: usize) -> f64 {
        let mut any = false;
        let mut sum = 0.0;
        for (_, condition, _, values) in &self.shadows {
            if condition == id && values[row].is_finite() {
                any = true;
                sum += values[row];
            }
        }
        if any {
            sum
        } else {
            f64::NAN
        }
    }
}

/// "limit `id` (place)" for a shadow price column.
fn instance_name(reading: &Reading, facts: &SweepFacts, column: &str) -> String {
    let (_, id, place, _) = reading
        .shadows
        .iter()
        .find(|(name, _, _, _)| name == column)
        .expect("a shadow price column");
    let kind = facts.kinds.get(id).map_or("condition", String::as_str);
    // Inside a code span nothing is markup (and a backslash would show).
    let id = id.replace('`', "'");
    if place.is_empty() {
        format!("{kind} `{id}`")
    } else {
        format!("{kind} `{id}` ({})", literal(place))
    }
}

/// The slope of the objective in the first path, when the first path is a
/// condition's `min` or `max`: (condition id, sign).
fn bound_slope(facts: &SweepFacts) -> Option<(String, f64)> {
    let path = &facts.paths[0];
    let mut parts = path.split('.');
    let (kind, id, bound) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !matches!(kind, "target" | "limit") {
        return None;
    }
    match bound {
        "min" => Some((id.to_string(), 1.0)),
        "max" => Some((id.to_string(), -1.0)),
        _ => None,
    }
}

/// The kinks along one curve.
fn kinks(reading: &Reading, facts: &SweepFacts, curve: &Curve) -> Vec<Kink> {
    let slope = bound_slope(facts);
    let mut found = Vec::new();
    for (position, pair) in curve.rows.windows(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        if reading.status[a] != "optimal" || reading.status[b] != "optimal" {
            continue;
        }
        let (before, after) = (reading.binding(a), reading.binding(b));
        let starts: Vec<String> = after
            .iter()
            .filter(|name| !before.contains(name))
            .map(|name| instance_name(reading, facts, name))
            .collect();
        let stops: Vec<String> = before
            .iter()
            .filter(|name| !after.contains(name))
            .map(|name| instance_name(reading, facts, name))
            .collect();
        if starts.is_empty() && stops.is_empty() {
            continue;
        }
        let at = slope.as_ref().and_then(|(id, sign)| {
            let (xa, xb) = (reading.x[a], reading.x[b]);
            let sa = sign * reading.condition_price(id, a);
            let sb = sign * reading.condition_price(id, b);
            let (ya, yb) = (reading.objective[a], reading.objective[b]);
            let at = (yb - ya + sa * xa - sb * xb) / (sa - sb);
            let (low, high) = (xa.min(xb), xa.max(xb));
            (at.is_finite() && at >= low - 1e-9 * high.abs() && at <= high + 1e-9 * high.abs())
                .then_some(at)
        });
        found.push(Kink {
            before: position,
            from: reading.x_text[a].clone(),
            to: reading.x_text[b].clone(),
            at,
            starts,
            stops,
        });
    }
    found
}

/// The kinks of every curve, with the curve's label (grids), for tests and
/// the report.
pub fn sweep_kinks(frame: &DataFrame, facts: &SweepFacts) -> Result<Vec<(Option<String>, Kink)>> {
    if facts.paths.is_empty() || facts.paths.len() > 2 {
        return Ok(Vec::new());
    }
    let reading = read(frame, facts)?;
    Ok(curves(frame, facts)?
        .iter()
        .flat_map(|curve| {
            kinks(&reading, facts, curve)
                .into_iter()
                .map(|kink| (curve.label.clone(), kink))
        })
        .collect())
}

/// The most shadow price lines drawn (the conditions with the largest
/// prices along the sweep).
const MAX_PRICE_LINES: usize = 6;

/// report.md, report.html and charts/ for a sweep's table.
pub fn sweep_report_files(frame: &DataFrame, facts: &SweepFacts) -> Result<Vec<UnitFile>> {
    let mut document = Document::new(format!(
        "Trade-off: {} — {}",
        facts.paths.join(" × "),
        facts.name
    ));
    let mut charts: Vec<(String, Chart)> = Vec::new();
    let points = frame.height();
    if facts.paths.is_empty() || points == 0 {
        document.paragraph("The sweep has no points.");
    } else if facts.paths.len() > 2 {
        document.paragraph(format!(
            "A sweep of {} paths ({} points): the report draws curves of one or two swept paths only; every point is in sweep.csv and sweep.parquet.",
            facts.paths.len(),
            points
        ));
    } else {
        write_curves(frame, facts, &mut document, &mut charts)?;
    }
    let mut files = super::chart_files(Path::new(""), &charts);
    files.extend(super::document_files(Path::new(""), &document, &charts));
    Ok(files)
}

fn write_curves(
    frame: &DataFrame,
    facts: &SweepFacts,
    document: &mut Document,
    charts: &mut Vec<(String, Chart)>,
) -> Result<()> {
    let reading = read(frame, facts)?;
    let curves = curves(frame, facts)?;
    let first = &facts.paths[0];
    let money = |value: f64| wfplan_text::number::money(value, &facts.currency);
    // x labels: the first curve's values (every curve has the same ones).
    let x_labels: Vec<String> = curves[0]
        .rows
        .iter()
        .map(|&row| reading.x_text[row].clone())
        .collect();
    let along = |values: &[f64], curve: &Curve| -> Vec<f64> {
        curve.rows.iter().map(|&row| values[row]).collect()
    };
    let optimal = reading.status.iter().filter(|s| *s == "optimal").count();
    let mut intro = format!("{} points of `{}`", frame.height(), literal(first));
    if let Some(second) = facts.paths.get(1) {
        intro.push_str(&format!(
            ", one curve for each of the {} values of `{}`",
            curves.len(),
            literal(second)
        ));
    }
    intro.push_str(&format!(
        "; {optimal} with an optimal plan. A kink is where the set of binding targets and limits (those with a non-zero shadow price) changes between neighbouring points; the slope can also bend where a cap or capacity that is not a target or limit (a hire cap, a course's places) starts to bind, which sweep.csv does not record."
    ));
    document.paragraph(intro);

    let all_kinks: Vec<(Option<String>, Vec<Kink>)> = curves
        .iter()
        .map(|curve| (curve.label.clone(), kinks(&reading, facts, curve)))
        .collect();
    document.heading(2, "Kinks");
    let mut bullets = Vec::new();
    for (label, found) in &all_kinks {
        let prefix = label
            .as_ref()
            .map(|l| format!("{}: ", literal(l)))
            .unwrap_or_default();
        if found.is_empty() {
            bullets.push(format!(
                "{prefix}none: the same targets and limits bind all along"
            ));
        }
        for kink in found {
            bullets.push(format!("{prefix}{}", kink.sentence()));
        }
        // Where the curve stops having an optimum.
        if let Some(curve) = curves.iter().find(|c| &c.label == label) {
            for pair in curve.rows.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if reading.status[a] != reading.status[b] {
                    let mut why = reading.explanation[b].clone();
                    if why.chars().count() > 400 {
                        why = why.chars().take(400).collect::<String>() + "…";
                    }
                    bullets.push(format!(
                        "{prefix}from {} to {}: {} → {}{}",
                        literal(&reading.x_text[a]),
                        literal(&reading.x_text[b]),
                        reading.status[a],
                        reading.status[b],
                        if why.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", literal(&why))
                        }
                    ));
                }
            }
        }
    }
    document.bullets(bullets);

    // The kinks marked on a chart of one curve: a dot each, named.
    let marks = |values: &[f64]| -> Vec<Series> {
        if curves.len() != 1 {
            return Vec::new();
        }
        all_kinks[0]
            .1
            .iter()
            .enumerate()
            .take(MAX_PRICE_LINES)
            .map(|(number, kink)| {
                let row = curves[0].rows[kink.before + 1];
                let mut points = vec![f64::NAN; x_labels.len()];
                points[kink.before + 1] = values[row];
                let what: Vec<String> = kink
                    .starts
                    .iter()
                    .map(|s| format!("{} binds", s.replace('`', "")))
                    .chain(
                        kink.stops
                            .iter()
                            .map(|s| format!("{} slack", s.replace('`', ""))),
                    )
                    .collect();
                Series {
                    label: format!("kink {}: {}", number + 1, what.join(", ")),
                    values: points,
                }
            })
            .collect()
    };
    let curve_label =
        |curve: &Curve, fallback: &str| curve.label.clone().unwrap_or_else(|| fallback.to_string());

    document.heading(2, "Cash cost (discounted)");
    document.paragraph(
        "Cash is the present value at the first period (discounted, as the objective), in the model's price base; each point's cash in outturn prices is in its own `solve`.",
    );
    let mut series: Vec<Series> = curves
        .iter()
        .map(|curve| Series {
            label: curve_label(curve, "cash cost"),
            values: along(&reading.cash, curve),
        })
        .collect();
    series.extend(marks(&reading.cash));
    let cash_title = if charts::line_axis_includes_zero(&series) {
        format!("Cash cost against {first}")
    } else {
        format!("Cash cost against {first} (the axis does not start at zero)")
    };
    charts.push((
        "cash".to_string(),
        charts::line_chart(
            &cash_title,
            &x_labels,
            &format!("cash cost ({}, discounted)", facts.currency),
            &series,
        )?,
    ));
    document.chart("cash", format!("{cash_title}."));

    document.heading(2, "Care lost");
    if reading.unmet.is_empty() {
        document.paragraph("The model has no services.");
    } else {
        // A panel per service on its own scale: services lose care on very
        // different scales (district nursing's loss dwarfs health
        // visiting's), and count care in their own units.
        let panels: Vec<Panel> = reading
            .unmet
            .iter()
            .map(|(service, values)| Panel {
                unit: facts
                    .care_units
                    .get(service)
                    .map(|unit| format!("unmet demand, {unit}-years")),
                title: service.clone(),
                series: curves
                    .iter()
                    .map(|curve| Series {
                        label: curve_label(curve, "unmet demand"),
                        values: along(values, curve),
                    })
                    .collect(),
            })
            .collect();
        charts.push((
            "care_lost".to_string(),
            charts::small_multiples(
                &format!("Care lost by service against {first}"),
                &x_labels,
                "unmet demand, care-years",
                &panels,
            )?,
        ));
        document.chart(
            "care_lost",
            format!("Care lost by service against {first}: unmet demand summed over the horizon, each panel on its own scale from zero in its service's unit of care (sweep.csv has the numbers)."),
        );
    }

    document.heading(2, "Shadow prices");
    // Conditions by their largest price along the sweep.
    let mut conditions: Vec<(String, f64)> = Vec::new();
    for (_, id, _, values) in &reading.shadows {
        let largest = values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |most, v| most.max(v.abs()));
        match conditions.iter_mut().find(|(c, _)| c == id) {
            Some((_, most)) => *most = most.max(largest),
            None => conditions.push((id.clone(), largest)),
        }
    }
    conditions.retain(|(_, largest)| *largest > reading.tolerance);
    conditions.sort_by(|a, b| b.1.total_cmp(&a.1));
    let shown: Vec<&String> = conditions
        .iter()
        .take(MAX_PRICE_LINES)
        .map(|(id, _)| id)
        .collect();
    if shown.is_empty() {
        document.paragraph("No target or limit binds at any point.");
    } else {
        let price = |id: &str| -> Vec<f64> {
            (0..frame.height())
                .map(|row| reading.condition_price(id, row))
                .collect()
        };
        let kind = |id: &str| {
            facts
                .kinds
                .get(id)
                .map_or("condition", String::as_str)
                .to_string()
        };
        // A panel per condition on its own scale: prices differ by orders
        // of magnitude and in unit (a pay envelope's £ per £ beside a
        // target's £ per FTE). With one curve, the swept bound's panel also
        // carries the kinks as named dots.
        let bound = bound_slope(facts).map(|(id, _)| id);
        let panels: Vec<Panel> = shown
            .iter()
            .map(|id| {
                let mut series: Vec<Series> = curves
                    .iter()
                    .map(|curve| Series {
                        label: curve_label(curve, "shadow price"),
                        values: along(&price(id), curve),
                    })
                    .collect();
                if bound.as_deref() == Some(id.as_str()) {
                    series.extend(marks(&price(id)));
                }
                Panel {
                    unit: None,
                    title: format!("{} {id}", kind(id)),
                    series,
                }
            })
            .collect();
        charts.push((
            "shadow_prices".to_string(),
            charts::small_multiples(
                &format!("Shadow prices against {first}"),
                &x_labels,
                &format!("{} per unit of the condition", facts.currency),
                &panels,
            )?,
        ));
        document.chart(
            "shadow_prices",
            format!("Shadow prices against {first} (each condition summed over its periods), a panel per condition on its own scale from zero, in the currency per unit of the condition."),
        );
        if conditions.len() > shown.len() {
            document.paragraph(format!(
                "{} more conditions bind somewhere along the sweep with smaller prices; sweep.csv has every price.",
                conditions.len() - shown.len()
            ));
        }
    }

    document.heading(2, "Points");
    let mut header: Vec<String> = facts.paths.clone();
    header.extend(
        [
            "status",
            "cash cost, discounted",
            "objective, discounted",
            "binding",
        ]
        .map(String::from),
    );
    let second = match facts.paths.get(1) {
        Some(path) => Some(texts(frame, path)?),
        None => None,
    };
    let rows: Vec<Vec<String>> = (0..frame.height())
        .map(|row| {
            let mut cells = vec![reading.x_text[row].clone()];
            if let Some(second) = &second {
                cells.push(second[row].clone());
            }
            let cell = |v: f64| {
                if v.is_finite() {
                    money(v)
                } else {
                    String::new()
                }
            };
            let mut binding: Vec<&str> = Vec::new();
            for name in reading.binding(row) {
                let (_, id, _, _) = reading
                    .shadows
                    .iter()
                    .find(|(n, _, _, _)| n == name)
                    .expect("a shadow price column");
                if !binding.contains(&id.as_str()) {
                    binding.push(id);
                }
            }
            cells.push(reading.status[row].clone());
            cells.push(cell(reading.cash[row]));
            cells.push(cell(reading.objective[row]));
            cells.push(binding.join(", "));
            cells
        })
        .collect();
    document.table(header, rows);
    Ok(())
}
