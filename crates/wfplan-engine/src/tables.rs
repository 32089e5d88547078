//! The plan as tidy polars DataFrames: one row per entity, period and
//! measure. Pure; `report` writes them.
//!
//! A model with `[[region]]`s gets a `region` column in stocks.csv,
//! flows.csv, deployment.csv and constraints.csv (entity columns keep the
//! plain id; "" marks a national row); a model without regions gets the
//! tables it always had.

use anyhow::Result;
use polars::prelude::*;

use crate::solution::{clean, Solution};
use wfplan_model::model::CostCategory;

/// A signed flow into or out of a group's stock; the flows of a group and
/// period add up to its stock change.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub period: usize,
    pub group: usize,
    /// attrition, hire, new_starter_attrition, completion, move_in, move_out, intake, exit
    pub flow: &'static str,
    /// The pool, pipeline or move the flow goes through ("" for attrition
    /// and exit); a move between regions is `id@from_region->to_region`.
    pub channel: String,
    pub fte: f64,
}

/// Every flow of every group and period: the values of the terms the stock
/// balance is built from (`lp::flows`), with attrition, as the plan holds
/// them.
pub fn flows(solution: &Solution) -> Vec<Flow> {
    let model = &solution.model;
    let mut rows = Vec::new();
    for (group, by_period) in solution.plan.flows.iter().enumerate() {
        for (period, terms) in by_period.iter().enumerate() {
            for term in terms {
                rows.push(Flow {
                    period,
                    group,
                    flow: term.flow,
                    channel: term.channel.id(model),
                    fte: term.fte,
                });
            }
        }
    }
    rows
}

/// Inserts a `region` column at `position` when the model has regions.
fn with_region_column(
    mut frame: DataFrame,
    model: &wfplan_model::model::Model,
    position: usize,
    regions: impl Iterator<Item = Option<usize>>,
) -> Result<DataFrame> {
    if model.has_regions() {
        let cells: Vec<String> = regions
            .map(|region| model.region_id(region).to_string())
            .collect();
        frame.insert_column(position, Column::new("region".into(), cells))?;
    }
    Ok(frame)
}

/// stocks.csv: group, (region,) period, opening (start of period), stock (end), change.
pub fn stocks_frame(solution: &Solution) -> Result<DataFrame> {
    let model = &solution.model;
    let (mut group, mut region, mut period, mut opening, mut stock, mut change) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (group_index, spec) in model.groups.iter().enumerate() {
        let mut previous = spec.opening_fte;
        for (label, value) in model.periods.iter().zip(solution.stock(group_index)) {
            group.push(spec.id.clone());
            region.push(spec.region);
            period.push(label.clone());
            opening.push(previous);
            stock.push(value);
            change.push(clean(value - previous));
            previous = value;
        }
    }
    let mut frame = df!(
        "group" => group,
        "period" => period,
        "opening_fte" => opening,
        "stock_fte" => stock,
        "change_fte" => change,
    )?;
    // Headcount beside FTE, when some group sets `participation`.
    if wfplan_model::model::reports_heads(model) {
        frame.with_column(Column::new("heads".into(), heads_by_row(solution)))?;
    }
    with_region_column(frame, model, 1, region.into_iter())
}

/// Headcount at the end of each period, group by group (the rows of
/// stocks.csv).
fn heads_by_row(solution: &Solution) -> Vec<f64> {
    (0..solution.model.groups.len())
        .flat_map(|group| solution.heads(group))
        .collect()
}

/// flows.csv: signed flows by group, (region,) period and channel; the
/// channel is the pool, pipeline or move id (of the group's region, or
/// national), or for a move between regions `id@from_region->to_region`
/// (booked as move_out in the first region and move_in in the second).
pub fn flows_frame(solution: &Solution) -> Result<DataFrame> {
    let model = &solution.model;
    let all = flows(solution);
    let frame = df!(
        "group" => all.iter().map(|f| model.groups[f.group].id.clone()).collect::<Vec<_>>(),
        "period" => all.iter().map(|f| model.periods[f.period].clone()).collect::<Vec<_>>(),
        "flow" => all.iter().map(|f| f.flow.to_string()).collect::<Vec<_>>(),
        "channel" => all.iter().map(|f| f.channel.clone()).collect::<Vec<_>>(),
        "fte" => all.iter().map(|f| f.fte).collect::<Vec<_>>(),
    )?;
    with_region_column(
        frame,
        model,
        1,
        all.iter().map(|f| model.groups[f.group].region),
    )
}

/// One row of deployment.csv.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub period: usize,
    /// The region of the service (or of the group, for surplus and reduced hours).
    pub region: Option<usize>,
    /// The service's index in the model (None for surplus and reduced hours).
    pub service_index: Option<usize>,
    /// The service ("" for a group's surplus and reduced hours).
    pub service: String,
    /// The group or temporary pool ("" for unmet demand).
    pub staff: String,
    /// work, temp, unmet, surplus, reduced
    pub kind: &'static str,
    /// FTE of staff time.
    pub fte: f64,
    /// FTE of care delivered (efficiency × staff time; 0 for unmet).
    pub delivered_fte: f64,
}

/// Work, temporary staff and unmet demand by service; surplus and reduced hours by group.
pub fn deployment(solution: &Solution) -> Vec<Deployment> {
    let model = &solution.model;
    let plan = &solution.plan.decisions;
    let mut rows = Vec::new();
    for period in 0..model.periods.len() {
        for (service_index, service) in model.services.iter().enumerate() {
            for ((group, efficiency), (_, work)) in
                service.staffed_by.iter().zip(&plan.work[service_index])
            {
                let fte = work[period];
                rows.push(Deployment {
                    period,
                    region: service.region,
                    service_index: Some(service_index),
                    service: service.id.clone(),
                    staff: model.groups[*group].id.clone(),
                    kind: "work",
                    fte,
                    delivered_fte: clean(efficiency * fte),
                });
            }
            for (pool, temp) in &plan.temp[service_index] {
                let fte = temp[period];
                rows.push(Deployment {
                    period,
                    region: service.region,
                    service_index: Some(service_index),
                    service: service.id.clone(),
                    staff: model.pools[*pool].id.clone(),
                    kind: "temp",
                    fte,
                    delivered_fte: clean(model.pools[*pool].efficiency_on(service_index) * fte),
                });
            }
            if let Some(unmet) = &plan.unmet[service_index] {
                let fte = unmet[period];
                rows.push(Deployment {
                    period,
                    region: service.region,
                    service_index: Some(service_index),
                    service: service.id.clone(),
                    staff: String::new(),
                    kind: "unmet",
                    fte,
                    delivered_fte: 0.0,
                });
            }
        }
        for (group_index, group) in model.groups.iter().enumerate() {
            rows.push(Deployment {
                period,
                region: group.region,
                service_index: None,
                service: String::new(),
                staff: group.id.clone(),
                kind: "surplus",
                fte: plan.surplus[group_index][period],
                delivered_fte: 0.0,
            });
            if let Some(reduced) = &plan.reduced[group_index] {
                rows.push(Deployment {
                    period,
                    region: group.region,
                    service_index: None,
                    service: String::new(),
                    staff: group.id.clone(),
                    kind: "reduced",
                    fte: reduced[period],
                    delivered_fte: 0.0,
                });
            }
        }
    }
    rows
}

/// Care delivered to a service in a period (FTE).
pub fn delivered(solution: &Solution, service: usize, period: usize) -> f64 {
    solution.plan.delivered[service][period]
}

/// deployment.csv.
pub fn deployment_frame(solution: &Solution) -> Result<DataFrame> {
    let model = &solution.model;
    let rows = deployment(solution);
    let demand: Vec<Option<f64>> = rows
        .iter()
        .map(|row| {
            row.service_index
                .map(|s| model.services[s].demand_fte[row.period])
        })
        .collect();
    let frame = df!(
        "period" => rows.iter().map(|r| model.periods[r.period].clone()).collect::<Vec<_>>(),
        "service" => rows.iter().map(|r| r.service.clone()).collect::<Vec<_>>(),
        "staff" => rows.iter().map(|r| r.staff.clone()).collect::<Vec<_>>(),
        "kind" => rows.iter().map(|r| r.kind.to_string()).collect::<Vec<_>>(),
        "fte" => rows.iter().map(|r| r.fte).collect::<Vec<_>>(),
        "delivered_fte" => rows.iter().map(|r| r.delivered_fte).collect::<Vec<_>>(),
        "service_demand_fte" => demand,
    )?;
    with_region_column(frame, model, 1, rows.iter().map(|r| r.region))
}

/// costs.csv: cost by category and period, cash (outturn prices), real
/// (price base) and discounted (present value), cash and penalty apart (a
/// penalty is a valuation, stated in real terms as written).
pub fn costs_frame(solution: &Solution) -> Result<DataFrame> {
    let model = &solution.model;
    let (mut period, mut category, mut kind, mut cash, mut real, mut factor, mut discounted) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (period_index, label) in model.periods.iter().enumerate() {
        let discount = wfplan_lp::objective::discount_factor(model, period_index);
        let mut push = |name: &str, cost_kind: &str, value: f64| {
            period.push(label.clone());
            category.push(name.to_string());
            kind.push(cost_kind.to_string());
            cash.push(model.finance.cash(value, period_index));
            real.push(value);
            factor.push(discount);
            discounted.push(clean(value * discount));
        };
        for cost_category in CostCategory::ALL {
            push(
                cost_category.as_str(),
                "cash",
                solution.cost(cost_category, period_index),
            );
        }
        push(
            "unmet_demand",
            "penalty",
            solution.unmet_penalty(period_index),
        );
        push(
            "soft_conditions",
            "penalty",
            solution.soft_penalty(period_index),
        );
    }
    let total_soft = solution.total_soft_penalty();
    if total_soft != 0.0 {
        period.push("total".to_string());
        category.push("soft_conditions".to_string());
        kind.push("penalty".to_string());
        cash.push(total_soft);
        real.push(total_soft);
        factor.push(1.0);
        discounted.push(total_soft);
    }
    Ok(df!(
        "period" => period,
        "category" => category,
        "kind" => kind,
        "cash" => cash,
        "real" => real,
        "discount_factor" => factor,
        "discounted" => discounted,
    )?)
}

/// constraints.csv: every target and limit with activity, bounds, slack and
/// shadow price (with regions: the region of a `per_region` instance, ""
/// for a national one).
pub fn constraints_frame(solution: &Solution) -> Result<DataFrame> {
    let results = solution.conditions();
    let currency = &solution.model.currency;
    let frame = df!(
        "kind" => results.iter().map(|r| r.kind.clone()).collect::<Vec<_>>(),
        "id" => results.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "expression" => results.iter().map(|r| r.expression.clone()).collect::<Vec<_>>(),
        "period" => results.iter().map(|r| r.period.clone()).collect::<Vec<_>>(),
        "activity" => results.iter().map(|r| r.activity).collect::<Vec<_>>(),
        "min" => results.iter().map(|r| r.min).collect::<Vec<_>>(),
        "max" => results.iter().map(|r| r.max).collect::<Vec<_>>(),
        "slack" => results.iter().map(|r| r.slack).collect::<Vec<_>>(),
        "violation" => results.iter().map(|r| r.violation).collect::<Vec<_>>(),
        "soft" => results.iter().map(|r| r.soft).collect::<Vec<_>>(),
        "shadow_price" => results.iter().map(|r| r.shadow_price).collect::<Vec<_>>(),
        "shadow_price_unit" => results.iter().map(|r| format!("{currency} per {}", r.unit)).collect::<Vec<_>>(),
    )?;
    let frame = with_shadow_price_note(frame, solution)?;
    with_region_column(frame, &solution.model, 2, results.iter().map(|r| r.region))
}

/// A MIP's tables of shadow prices end with a `shadow_price_note` column
/// saying where they come from (the LP with the whole numbers fixed); a
/// linear programme's tables are as they always were.
fn with_shadow_price_note(mut frame: DataFrame, solution: &Solution) -> Result<DataFrame> {
    if let Some(note) = solution.shadow_price_note() {
        let cells = vec![note.to_string(); frame.height()];
        frame.with_column(Column::new("shadow_price_note".into(), cells))?;
    }
    Ok(frame)
}

/// One published figure of a model's `history` beside one plan's value of
/// the same quantity in the same year.
#[derive(Debug, Clone, Copy)]
pub struct HistoryPoint<'a> {
    pub row: &'a wfplan_model::spec::HistoryRow,
    /// The model year (period label) the figure is set beside.
    pub period: &'a str,
    /// The plan's scenario.
    pub scenario: &'a str,
    pub model_value: f64,
}

/// Each published figure of the model's `history` in `plan` (solved for
/// `scenario`), in the history file's order.
pub fn history_points<'a>(scenario: &'a str, plan: &'a Solution) -> Result<Vec<HistoryPoint<'a>>> {
    plan.model
        .history
        .iter()
        .map(|observation| {
            Ok(HistoryPoint {
                row: &observation.row,
                period: &plan.model.periods[observation.period],
                scenario,
                model_value: plan.value(&observation.row.expr)?[observation.period],
            })
        })
        .collect()
}

/// history_fit.csv: each published figure beside the same quantity in the
/// same year of a plan, one row per figure and plan:
///
/// ```text
/// difference          = model_value − published_value
/// relative_difference = difference / |published_value|   (empty where published_value = 0)
/// ```
///
/// with the figure's grade (S official statistics, M reported, E estimate),
/// source and note, so a reader sees which published points a plan
/// reproduces and by how much it misses the others.
pub fn history_fit_frame(points: &[HistoryPoint]) -> Result<DataFrame> {
    fn text<'p>(points: &'p [HistoryPoint], pick: fn(&'p HistoryPoint) -> &'p str) -> Vec<String> {
        points.iter().map(|p| pick(p).to_string()).collect()
    }
    let difference: Vec<f64> = points
        .iter()
        .map(|p| clean(p.model_value - p.row.value))
        .collect();
    let relative: Vec<Option<f64>> = points
        .iter()
        .zip(&difference)
        .map(|(p, d)| (p.row.value != 0.0).then(|| d / p.row.value.abs()))
        .collect();
    Ok(df!(
        "expr" => text(points, |p| &p.row.expr),
        "period" => text(points, |p| p.period),
        "published" => text(points, |p| &p.row.published),
        "published_value" => points.iter().map(|p| p.row.value).collect::<Vec<_>>(),
        "scenario" => text(points, |p| p.scenario),
        "model_value" => points.iter().map(|p| clean(p.model_value)).collect::<Vec<_>>(),
        "difference" => difference,
        "relative_difference" => relative,
        "grade" => text(points, |p| &p.row.grade),
        "source" => text(points, |p| &p.row.source),
        "note" => text(points, |p| &p.row.note),
    )?)
}

/// duals.csv: every row's activity, bounds and sign-normalised shadow price
/// (service cover, pool supply, capacities...).
pub fn rows_frame(solution: &Solution) -> Result<DataFrame> {
    let rows = &solution.rows;
    let bound = |value: f64| value.is_finite().then_some(value);
    let frame = df!(
        "row" => rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
        "family" => rows.iter().map(|r| r.family.as_str().to_string()).collect::<Vec<_>>(),
        "activity" => rows.iter().map(|r| clean(r.activity)).collect::<Vec<_>>(),
        "lower" => rows.iter().map(|r| bound(r.lower)).collect::<Vec<_>>(),
        "upper" => rows.iter().map(|r| bound(r.upper)).collect::<Vec<_>>(),
        "shadow_price" => rows.iter().map(|r| r.shadow_price).collect::<Vec<_>>(),
    )?;
    with_shadow_price_note(frame, solution)
}

/// demand.csv (models with a `need`-driven service): each service's demand
/// by period, and for a demand derived from drivers one row per term with
/// the driver's value, the rates and the FTE it gives (the terms of a
/// service and period add up to its demand), and
/// `fte_per_contact_per_unit` = driver ÷ contacts_per_fte, the FTE of
/// demand one more contact per unit adds. A service given as a series has
/// one row per period with empty driver cells.
pub fn demand_frame(model: &wfplan_model::model::Model) -> Result<DataFrame> {
    let mut service = Vec::new();
    let mut region = Vec::new();
    let mut period = Vec::new();
    let mut term = Vec::new();
    let mut driver = Vec::new();
    let mut unit = Vec::new();
    let mut driver_value: Vec<Option<f64>> = Vec::new();
    let mut per_unit: Vec<Option<f64>> = Vec::new();
    let mut per_fte: Vec<Option<f64>> = Vec::new();
    let mut fte = Vec::new();
    let mut sensitivity: Vec<Option<f64>> = Vec::new();
    for entry in &model.services {
        for (t, label) in model.periods.iter().enumerate() {
            let mut push = |term_id: &str,
                            driver_id: &str,
                            driver_unit: &str,
                            values: Option<(f64, f64, f64, f64)>,
                            demand: f64| {
                service.push(entry.id.clone());
                region.push(entry.region);
                period.push(label.clone());
                term.push(term_id.to_string());
                driver.push(driver_id.to_string());
                unit.push(driver_unit.to_string());
                driver_value.push(values.map(|v| v.0));
                per_unit.push(values.map(|v| v.1));
                per_fte.push(values.map(|v| v.2));
                sensitivity.push(values.map(|v| v.3));
                fte.push(demand);
            };
            if entry.need.is_empty() {
                push("", "", "", None, entry.demand_fte[t]);
            }
            for need in &entry.need {
                let source = &model.drivers[need.driver];
                push(
                    &need.id,
                    &source.id,
                    &source.unit,
                    Some((
                        need.driver_values[t],
                        need.contacts_per_unit[t],
                        need.contacts_per_fte[t],
                        need.fte_per_contact_per_unit(t),
                    )),
                    need.fte[t],
                );
            }
        }
    }
    let frame = df!(
        "service" => service,
        "period" => period,
        "term" => term,
        "driver" => driver,
        "driver_unit" => unit,
        "driver_value" => driver_value,
        "contacts_per_unit" => per_unit,
        "contacts_per_fte" => per_fte,
        "demand_fte" => fte,
        "fte_per_contact_per_unit" => sensitivity,
    )?;
    with_region_column(frame, model, 1, region.into_iter())
}

/// ages.csv (models with age bands): the age pyramid of each group with
/// bands, by period and band — stock at the end of the period, its share of
/// the group, the attrition (retirement) out of the band in the period
/// (a_{g,b}·stock[g,b,t−1]) and the staff who aged out of it into the next.
pub fn ages_frame(solution: &Solution) -> Result<DataFrame> {
    let model = &solution.model;
    let plan = &solution.plan;
    let (mut group, mut region, mut period, mut band) = (vec![], vec![], vec![], vec![]);
    let (mut stock, mut share, mut attrition, mut aged) = (vec![], vec![], vec![], vec![]);
    for (g, spec) in model.groups.iter().enumerate() {
        let (Some(age), Some(bands), Some(leaving), Some(ageing)) = (
            &spec.age,
            &plan.decisions.band_stock[g],
            &plan.band_attrition[g],
            &plan.aged_out[g],
        ) else {
            continue;
        };
        for (t, label) in model.periods.iter().enumerate() {
            let total = plan.decisions.stock[g][t];
            for (b, band_id) in age.bands.iter().enumerate() {
                let value = bands[b][t];
                group.push(spec.id.clone());
                region.push(spec.region);
                period.push(label.clone());
                band.push(band_id.clone());
                stock.push(value);
                share.push(if total > 0.0 {
                    clean(value / total)
                } else {
                    0.0
                });
                attrition.push(leaving[b][t]);
                aged.push(ageing[b][t]);
            }
        }
    }
    let frame = df!(
        "group" => group,
        "period" => period,
        "band" => band,
        "stock_fte" => stock,
        "share" => share,
        "attrition_fte" => attrition,
        "aged_out_fte" => aged,
    )?;
    with_region_column(frame, model, 1, region.into_iter())
}

/// The age pyramid of one group id with bands, summed over its regional
/// copies (which share the group's bands): by band and period, the stock at
/// the end of the period and the attrition (retirement and other leavers)
/// out of the band in the period, a_{g,b}·stock[g,b,t−1].
#[derive(Debug, Clone, PartialEq)]
pub struct Pyramid {
    pub id: String,
    pub name: String,
    /// Band ids, youngest first.
    pub bands: Vec<String>,
    /// FTE by band and period: `stock_fte[band][period]`.
    pub stock_fte: Vec<Vec<f64>>,
    /// FTE leaving each band in each period: `attrition_fte[band][period]`.
    pub attrition_fte: Vec<Vec<f64>>,
}

impl Pyramid {
    /// The group's stock in a period (the sum of its bands).
    pub fn total(&self, period: usize) -> f64 {
        self.stock_fte.iter().map(|band| band[period]).sum()
    }
}

/// The pyramid of each group id with age bands, in the model's order.
pub fn pyramids(solution: &Solution) -> Vec<Pyramid> {
    let model = &solution.model;
    let vars = &solution.lp.vars;
    let periods = model.periods.len();
    let mut pyramids: Vec<Pyramid> = Vec::new();
    for (g, spec) in model.groups.iter().enumerate() {
        let (Some(age), Some(columns)) = (&spec.age, &vars.band_stock[g]) else {
            continue;
        };
        let position = match pyramids.iter().position(|p| p.id == spec.id) {
            Some(position) => position,
            None => {
                pyramids.push(Pyramid {
                    id: spec.id.clone(),
                    name: spec.name.clone(),
                    bands: age.bands.clone(),
                    stock_fte: vec![vec![0.0; periods]; age.bands.len()],
                    attrition_fte: vec![vec![0.0; periods]; age.bands.len()],
                });
                pyramids.len() - 1
            }
        };
        let pyramid = &mut pyramids[position];
        for (b, band_id) in age.bands.iter().enumerate() {
            let Some(into) = pyramid.bands.iter().position(|id| id == band_id) else {
                continue;
            };
            for (t, column) in columns[b].iter().enumerate() {
                pyramid.stock_fte[into][t] += clean(solution.value_of(*column));
                pyramid.attrition_fte[into][t] += clean(
                    solution.evaluate(&wfplan_lp::age::attrition_of_band(model, vars, g, b, t)),
                );
            }
        }
    }
    pyramids
}

/// Writes a frame as CSV into memory. Every text cell goes through
/// `csv_safety::escape_cell`, so no id, name or label from a model runs as
/// a formula when the file is opened in a spreadsheet; numeric columns are
/// written as numbers.
pub fn to_csv(frame: &mut DataFrame) -> Result<Vec<u8>> {
    let mut safe = escape_text_columns(frame)?;
    let mut buffer = Vec::new();
    CsvWriter::new(&mut buffer)
        .include_header(true)
        .finish(&mut safe)?;
    Ok(buffer)
}

/// A copy of the frame with every text cell escaped for spreadsheets
/// (`csv_safety::escape_cell`); other columns as they are.
pub fn escape_text_columns(frame: &DataFrame) -> Result<DataFrame> {
    let mut columns = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        if column.dtype() == &DataType::String {
            let escaped: Vec<Option<String>> = column
                .str()?
                .iter()
                .map(|cell| {
                    cell.map(|text| wfplan_text::csv_safety::escape_cell(text).into_owned())
                })
                .collect();
            columns.push(Column::new(column.name().clone(), escaped));
        } else {
            columns.push(column.clone());
        }
    }
    Ok(DataFrame::new(frame.height(), columns)?)
}

/// The frame as a Parquet file (polars' defaults: zstd, statistics).
pub fn to_parquet(frame: &mut DataFrame) -> Result<Vec<u8>> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    ParquetWriter::new(&mut buffer).finish(frame)?;
    Ok(buffer.into_inner())
}

/// Reads a Parquet file written by [`to_parquet`].
pub fn from_parquet(bytes: &[u8]) -> Result<DataFrame> {
    Ok(ParquetReader::new(std::io::Cursor::new(bytes)).finish()?)
}
