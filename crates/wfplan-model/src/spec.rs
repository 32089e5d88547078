//! Reading model files: the serde structs that mirror the TOML format of
//! DESIGN.md, scenario and `--set` overrides, and the CSV series a parameter
//! may point at. This module and `report` are the only ones that touch the
//! filesystem; everything after `load` is pure.
//!
//! Errors name the file, the entity and the field, e.g.
//! `models/x.toml: group 'staff_nurse', field 'attrition': expected a number…`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

use crate::model::{self, Model};

/// A numeric parameter: one value for every period, one value per period, a
/// CSV file (long format `period,<entity kind>,value`, or
/// `period,region,<entity kind>,value` for a value by region), or a table
/// by region `{ london = 0.11, north_west = [..] }` whose values are any of
/// the other forms.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(
    untagged,
    expecting = "expected a number, a list with one number per period, the path of a CSV file, or a table of region = value"
)]
pub enum Param {
    Scalar(f64),
    Series(Vec<f64>),
    File(String),
    ByRegion(BTreeMap<String, Param>),
}

/// A plain number that may differ by region (`opening`, `terminal_value`):
/// `300` or `{ london = 120, north_west = 180 }`. Deserialized by hand so
/// that a wrong type is quoted (`invalid type: string "a hundred"`).
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    One(f64),
    ByRegion(BTreeMap<String, f64>),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl<'de> serde::de::Visitor<'de> for NumberVisitor {
            type Value = Number;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a number or a table of region = number")
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Number, E> {
                Ok(Number::One(value))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Number, E> {
                Ok(Number::One(value as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Number, E> {
                Ok(Number::One(value as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Number, A::Error> {
                let mut table = BTreeMap::new();
                while let Some((region, value)) = map.next_entry::<String, f64>()? {
                    table.insert(region, value);
                }
                Ok(Number::ByRegion(table))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Number::One(value)
    }
}

/// Opening cohorts of a pipeline (`in_training`): `[40, 20]`, or by region
/// `{ london = [10], north_west = [30] }`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(
    untagged,
    expecting = "expected a list of cohort sizes or a table of region = list"
)]
pub enum Cohorts {
    List(Vec<f64>),
    ByRegion(BTreeMap<String, Vec<f64>>),
}

impl Default for Cohorts {
    fn default() -> Self {
        Cohorts::List(Vec::new())
    }
}

/// `[[region]]`: a region every regional entity is repeated in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    pub id: String,
    pub name: Option<String>,
}

impl From<f64> for Param {
    fn from(value: f64) -> Self {
        Param::Scalar(value)
    }
}

/// `[model]`: the horizon and the money conventions (with `[finance]`,
/// `crate::finance::FinanceSpec`, for prices and the discount rate's source).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSection {
    pub name: Option<String>,
    pub description: Option<String>,
    pub periods: Vec<String>,
    #[serde(default)]
    pub discount_rate: f64,
    #[serde(default = "default_currency")]
    pub currency: String,
    /// A CSV file of published figures to set the base plan beside
    /// (`expr,period,value,published,source,grade,note`): see `HistoryRow`.
    pub history: Option<String>,
    /// Decisions that take whole numbers (`["intake(scphn_hv)", "hire(hv, *)"]`):
    /// each one quantity of the expression language that is a decision.
    pub integer: Option<Vec<String>>,
}

/// One published figure of a `[model] history` file: the model quantity it
/// is compared with (`expr`, e.g. `stock(health_visitor)`), the model period
/// it is set beside, the published value, when it was published, its
/// source, its grade (S official, M reported, E estimate) and a note.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub expr: String,
    pub period: String,
    pub value: f64,
    pub published: String,
    pub source: String,
    pub grade: String,
    pub note: String,
}

/// The header of a history file, for messages.
pub const HISTORY_HEADER: &str = "`expr,period,value,published,source,grade,note`";

fn default_currency() -> String {
    "GBP".to_string()
}

/// `reduced_hours = { max, output, cost }` on a group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReducedHoursSpec {
    pub max: Param,
    pub output: f64,
    #[serde(default)]
    pub cost: Option<Param>,
}

/// `[[group]]`: a staff group in post.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub id: String,
    pub name: Option<String>,
    /// The staff family the group belongs to (`"nursing"`): charts and the
    /// terminal summary of a model with many groups sum them by family.
    pub family: Option<String>,
    /// The regions the group exists in (default: every region).
    pub regions: Option<Vec<String>>,
    pub opening: Number,
    pub attrition: Option<Param>,
    pub new_starter_attrition: Option<Param>,
    pub salary: Option<Param>,
    pub hire_cost: Option<Param>,
    pub hire_max: Option<Param>,
    pub from_pools: Option<Vec<String>>,
    pub exit_cost: Option<Param>,
    pub exit_max: Option<Param>,
    pub surplus_cost: Option<Param>,
    pub reduced_hours: Option<ReducedHoursSpec>,
    pub productivity: Option<Param>,
    /// FTE per head (0 < p ≤ 1): headcount = FTE ÷ participation.
    pub participation: Option<Param>,
    /// Age bands (`[group.age]`): the stock by band, with attrition and
    /// ageing by band and the age mix of what flows in and out.
    pub age: Option<AgeSpec>,
    /// Value per FTE in post at the end of the horizon (e.g. what replacing
    /// them would cost), credited in the default objective against end
    /// effects; not cash.
    pub terminal_value: Option<Number>,
}

/// `[group.age]`: a group's age bands. Lists have one entry per band
/// (`ageing` one per band but the last); a mix or share list sums to 1.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeSpec {
    /// Band ids, youngest first (`["u40", "40-49", "50plus"]`).
    pub bands: Vec<String>,
    /// Share of the opening stock in each band.
    pub opening_share: Vec<f64>,
    /// Attrition by band (each a number, a list per period, a CSV or a
    /// table by region); default: the group's `attrition` in every band.
    pub attrition: Option<Vec<Param>>,
    /// Share of each band's stayers that moves up a band each period (one
    /// per band but the last).
    #[serde(default)]
    pub ageing: Vec<f64>,
    /// Age mix of hires: one list for every source, or a table by source
    /// (`{ international = [...], open_market = [...] }`); default
    /// `opening_share`.
    pub hire_mix: Option<Mix>,
    /// Age mix of trainees completing into the group: a list, or a table
    /// by pipeline; default `opening_share`.
    pub completion_mix: Option<Mix>,
    /// Age mix of staff moving in: a list, or a table by move id; default
    /// `opening_share`.
    pub move_in_mix: Option<Mix>,
    /// Age mix of staff leaving by decision (seconded to training, moving
    /// out, managed exits); default `opening_share`.
    pub leaver_mix: Option<Vec<f64>>,
    /// FTE per head by band (instead of the group's `participation`).
    pub participation: Option<Vec<f64>>,
}

/// An age mix: one list of shares by band, or a table of such lists by
/// source (a pool, `open_market`, a pipeline or a move id).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(
    untagged,
    expecting = "expected a list of shares, one per band, or a table of source = list"
)]
pub enum Mix {
    One(Vec<f64>),
    BySource(BTreeMap<String, Vec<f64>>),
}

/// `[[pool]]`: a shared source of labour, permanent or temporary.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    pub id: String,
    pub name: Option<String>,
    /// The regions the pool exists in (default: every region); not with
    /// `scope = "national"`.
    pub regions: Option<Vec<String>>,
    /// `"regional"` (default: one pool per region) or `"national"` (one pool
    /// shared by every region).
    pub scope: Option<String>,
    pub kind: Option<String>,
    pub supply: Option<Param>,
    pub hire_cost: Option<Param>,
    pub rate: Option<Param>,
    #[serde(default)]
    pub serves: Serves,
}

/// The services a temporary pool staffs: a list (efficiency 1), or a table
/// `{ service = efficiency }` (an agency nurse new to a caseload delivers less).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(
    untagged,
    expecting = "expected a list of service ids or a table of service = efficiency"
)]
pub enum Serves {
    #[default]
    None,
    List(Vec<String>),
    Efficiencies(BTreeMap<String, f64>),
}

impl Serves {
    /// (service id, efficiency) pairs.
    pub fn entries(&self) -> Vec<(String, f64)> {
        match self {
            Serves::None => Vec::new(),
            Serves::List(ids) => ids.iter().map(|id| (id.clone(), 1.0)).collect(),
            Serves::Efficiencies(map) => map.iter().map(|(id, e)| (id.clone(), *e)).collect(),
        }
    }
}

/// `supervision = { group, fte_per_trainee }` on a pipeline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionSpec {
    pub group: String,
    pub fte_per_trainee: Param,
}

/// `[[pipeline]]`: training from a feeder group (or outside) to a group or pool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    pub id: String,
    pub name: Option<String>,
    /// The regions the pipeline runs in (default: every region).
    pub regions: Option<Vec<String>>,
    /// `"regional"` (default: local courses, local places) or `"national"`
    /// (one course recruiting from outside into a national pool).
    pub scope: Option<String>,
    pub from: Option<String>,
    pub to: String,
    pub duration: i64,
    pub completion: Option<Param>,
    pub capacity: Option<Param>,
    pub cost: Option<Param>,
    pub trainee_salary: Option<Param>,
    pub supervision: Option<SupervisionSpec>,
    #[serde(default)]
    pub in_training: Cohorts,
    /// Whole-number intakes.
    #[serde(default)]
    pub integer: bool,
    /// The fewest trainees a course takes in a period it runs (a yes/no
    /// decision per period: intake is 0 or between this and `capacity`).
    pub minimum_cohort: Option<Param>,
    /// A cost paid in each period the course runs, whatever its size.
    pub fixed_cost_per_run: Option<Param>,
}

/// `[[move]]`: a link along which staff move between groups, within each
/// region, or (with `between_regions = true`) from one region to another.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveSpec {
    pub id: Option<String>,
    pub name: Option<String>,
    /// The regions the move exists in (default: every region); for a move
    /// between regions, the regions it may join.
    pub regions: Option<Vec<String>>,
    pub from: String,
    pub to: String,
    /// Mobility: one move per ordered pair of distinct regions, from `from`
    /// in the first region to `to` in the second (which may be the same
    /// group id).
    #[serde(default)]
    pub between_regions: bool,
    /// With `between_regions`: the ordered pairs `[from_region, to_region]`
    /// that exist (default: those of a table or matrix by pair, else every
    /// pair of distinct regions where both groups exist).
    pub pairs: Option<Vec<Vec<String>>>,
    pub retention: Option<Param>,
    pub cost: Option<Param>,
    pub max: Option<Param>,
    /// Whole-number moves.
    #[serde(default)]
    pub integer: bool,
}

impl MoveSpec {
    /// The id a scenario path and an expression use: `id`, or `from->to`.
    pub fn effective_id(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{}->{}", self.from, self.to))
    }
}

/// `[[driver]]`: a series that demand is derived from (population by age
/// group, births, caseload), by period and, in a model with regions, by
/// region (a table or a CSV with a `region` column).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriverSpec {
    pub id: String,
    pub name: Option<String>,
    /// What one unit is (`births`, `people aged 75+`), for reports.
    pub unit: Option<String>,
    /// Where the numbers come from, for reports.
    pub source: Option<String>,
    pub values: Param,
}

/// One term of a service's `need`: FTE = driver × contacts_per_unit ÷
/// contacts_per_fte.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedTermSpec {
    /// The term's id in setting paths (`service.s.need.<id>.contacts_per_unit`);
    /// default: the driver's id.
    pub id: Option<String>,
    pub driver: String,
    /// Contacts (visits, hours) a year per unit of the driver.
    pub contacts_per_unit: Param,
    /// Contacts one FTE delivers a year.
    pub contacts_per_fte: Param,
}

impl NeedTermSpec {
    /// The id a setting path names: `id`, or the driver's id.
    pub fn effective_id(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.driver)
    }
}

/// A service's `need`: one term `{ driver, contacts_per_unit,
/// contacts_per_fte }` or a list of them (summed).
#[derive(Debug, Clone)]
pub struct Need(pub Vec<NeedTermSpec>);

impl<'de> Deserialize<'de> for Need {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NeedVisitor;
        impl<'de> serde::de::Visitor<'de> for NeedVisitor {
            type Value = Need;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str(
                    "a table { driver, contacts_per_unit, contacts_per_fte } or a list of them",
                )
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Need, A::Error> {
                let term =
                    NeedTermSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Need(vec![term]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Need, A::Error> {
                let mut terms = Vec::new();
                while let Some(term) = seq.next_element::<NeedTermSpec>()? {
                    terms.push(term);
                }
                Ok(Need(terms))
            }
        }
        deserializer.deserialize_any(NeedVisitor)
    }
}

/// `[[service]]`: work that must be done.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub id: String,
    pub name: Option<String>,
    /// The regions the service exists in (default: every region).
    pub regions: Option<Vec<String>>,
    /// Demand in FTE per period; or `need`.
    pub demand: Option<Param>,
    /// Demand derived from drivers (instead of `demand`).
    pub need: Option<Need>,
    pub staffed_by: BTreeMap<String, f64>,
    #[serde(default)]
    pub min_share: BTreeMap<String, f64>,
    pub unmet_penalty: Option<Param>,
    /// What one unit of the service's demand and care is, e.g.
    /// "district-nurse-equivalent FTE" (default "FTE").
    pub care_unit: Option<String>,
}

/// `[[target]]` and `[[limit]]`: a linear condition on named quantities.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionSpec {
    pub id: String,
    pub name: Option<String>,
    pub expr: String,
    pub min: Option<Param>,
    pub max: Option<Param>,
    pub at: Option<Vec<String>>,
    #[serde(default)]
    pub total: bool,
    /// One condition instance per region (each regional quantity restricted
    /// to that region), instead of one on the national sum.
    #[serde(default)]
    pub per_region: bool,
    pub penalty: Option<f64>,
    /// The unit of the expression for reports (default: FTE, or the
    /// currency for cost terms).
    pub unit: Option<String>,
    #[serde(default = "default_true")]
    pub enabled: bool,
}

fn default_true() -> bool {
    true
}

/// `[objective]`: one expression, or several solved lexicographically.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSpec {
    pub minimise: OneOrMany,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "expected an expression or a list of expressions"
)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(text) => vec![text.clone()],
            OneOrMany::Many(list) => list.clone(),
        }
    }
}

/// `[[scenario]]`: named `path = value` changes to the base model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub set: toml::Table,
    /// Targets the scenario adds (`[[scenario.target]]`), as written.
    #[serde(default)]
    pub target: Vec<toml::Table>,
    /// Limits the scenario adds (`[[scenario.limit]]`), as written.
    #[serde(default)]
    pub limit: Vec<toml::Table>,
    /// A period label: when the scenario is compared with a base, its
    /// staffing decisions in the periods before this one are held to the
    /// base plan (`compare`), or to the plan of the model as written
    /// (`solve`).
    pub freeze_until: Option<String>,
}

/// The scenario id that names the model as written, in `compare --base`
/// and `--scenario` alike; no model may define a scenario with it.
pub const BASE_SCENARIO: &str = "base";

/// Scenario ids follow the id rule, are unique, and are not `base`.
fn check_scenarios(file: &str, scenarios: &[ScenarioSpec]) -> Result<()> {
    for (index, scenario) in scenarios.iter().enumerate() {
        let label = if model::is_valid_id(&scenario.id) {
            format!("scenario '{}'", scenario.id)
        } else {
            format!("scenario #{}", index + 1)
        };
        model::check_id(file, &label, &scenario.id)?;
        if scenario.id == BASE_SCENARIO {
            bail!("{file}: {label}, field 'id': '{BASE_SCENARIO}' is reserved: it names the model as written (e.g. `compare --base base`); choose another id");
        }
        if scenarios[..index].iter().any(|s| s.id == scenario.id) {
            bail!("{file}: two scenarios have the id '{}'", scenario.id);
        }
        if let Some(name) = &scenario.name {
            model::check_label_text(file, &label, "name", name)?;
        }
    }
    Ok(())
}

/// The whole file, after scenario settings are applied and CSV references
/// are read (every `Param::File` has become a `Param::Series`).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file the model came from, for messages.
    pub file: PathBuf,
    pub model: ModelSection,
    pub regions: Vec<RegionSpec>,
    pub drivers: Vec<DriverSpec>,
    pub groups: Vec<GroupSpec>,
    pub pools: Vec<PoolSpec>,
    pub pipelines: Vec<PipelineSpec>,
    pub moves: Vec<MoveSpec>,
    pub services: Vec<ServiceSpec>,
    pub targets: Vec<ConditionSpec>,
    pub limits: Vec<ConditionSpec>,
    pub scenarios: Vec<ScenarioSpec>,
    pub objective: Option<ObjectiveSpec>,
    /// `[finance]`: price base, pay uplift, inflation, discount rate.
    pub finance: Option<crate::finance::FinanceSpec>,
    /// The scenario applied, if any.
    pub scenario: Option<String>,
    /// The files read: the model file and every CSV series.
    pub inputs: Vec<PathBuf>,
    /// The rows of `[model] history`, if any.
    pub history: Vec<HistoryRow>,
}

/// The entity kinds of a model file, as they appear in `[[kind]]` headers
/// and in scenario paths.
pub const ENTITY_KINDS: [&str; 8] = [
    "group", "pool", "pipeline", "move", "service", "target", "limit", "driver",
];
const TOP_LEVEL_KEYS: [&str; 14] = [
    "model",
    "finance",
    "region",
    "driver",
    "group",
    "pool",
    "pipeline",
    "move",
    "service",
    "target",
    "limit",
    "scenario",
    "objective",
    // Read by `simulate` (in the analysis layer), ignored by every other command.
    "uncertain",
];

/// Reads a model file, applies a scenario and `--set PATH=VALUE` overrides,
/// reads the CSV series it references, and validates it into a `Model`.
pub fn load(path: &Path, scenario: Option<&str>, sets: &[String]) -> Result<Model> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read model file {}", path.display()))?;
    load_str(&text, path, scenario, sets)
}

/// As `load`, from text already in memory; `path` names it in messages and
/// anchors relative CSV paths.
pub fn load_str(text: &str, path: &Path, scenario: Option<&str>, sets: &[String]) -> Result<Model> {
    let spec = read_spec(text, path, scenario, sets)?;
    model::build(&spec)
}

/// Parses, applies overrides and reads CSV series, without validating.
pub fn read_spec(text: &str, path: &Path, scenario: Option<&str>, sets: &[String]) -> Result<Spec> {
    read_spec_with(text, path, scenario, sets, &[])
}

/// As `load_str`, with `values` (path, TOML value) applied after `--set`:
/// the values a `simulate` sample draws (an error names the path as
/// `uncertain PATH`).
pub fn load_str_with(
    text: &str,
    path: &Path,
    scenario: Option<&str>,
    sets: &[String],
    values: &[(String, toml::Value)],
) -> Result<Model> {
    let spec = read_spec_with(text, path, scenario, sets, values)?;
    model::build(&spec)
}

/// As `read_spec`, with `values` applied after `--set` (see `load_str_with`).
pub fn read_spec_with(
    text: &str,
    path: &Path,
    scenario: Option<&str>,
    sets: &[String],
    values: &[(String, toml::Value)],
) -> Result<Spec> {
    let file = path.display().to_string();
    let mut table: toml::Table = text
        .parse()
        .map_err(|error: toml::de::Error| anyhow!("{file}: {}", error.to_string().trim_end()))?;
    for key in table.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            bail!(
                "{file}: unknown section '{key}'{}; expected one of {}",
                did_you_mean(key, TOP_LEVEL_KEYS.iter().copied()),
                TOP_LEVEL_KEYS.join(", ")
            );
        }
    }
    let scenarios: Vec<ScenarioSpec> = entities(&table, "scenario", &file)?;
    check_scenarios(&file, &scenarios)?;
    // `base` names the model as written (no model may define it), as in
    // `compare --base base`.
    let scenario = scenario.filter(|id| *id != BASE_SCENARIO);
    if let Some(scenario_id) = scenario {
        let Some(found) = scenarios
            .iter()
            .find(|candidate| candidate.id == scenario_id)
        else {
            bail!(
                "{file}: no scenario '{scenario_id}'{}; the file defines: {}",
                did_you_mean(scenario_id, scenarios.iter().map(|s| s.id.as_str())),
                if scenarios.is_empty() {
                    "none".to_string()
                } else {
                    scenarios
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
        };
        for (kind, added) in [("target", &found.target), ("limit", &found.limit)] {
            for (index, entry) in added.iter().enumerate() {
                add_entity(&mut table, kind, entry).with_context(|| {
                    format!(
                        "{file}: scenario '{scenario_id}', {kind} #{} it adds",
                        index + 1
                    )
                })?;
            }
        }
        for (setting_path, value) in &found.set {
            apply_setting(&mut table, setting_path, value.clone()).with_context(|| {
                format!("{file}: scenario '{scenario_id}', setting '{setting_path}'")
            })?;
        }
    }
    for setting in sets {
        let (setting_path, value) =
            parse_set_argument(setting).with_context(|| format!("--set {setting}"))?;
        apply_setting(&mut table, &setting_path, value)
            .with_context(|| format!("{file}: --set {setting}"))?;
    }
    for (setting_path, value) in values {
        apply_setting(&mut table, setting_path, value.clone())
            .with_context(|| format!("{file}: uncertain {setting_path}"))?;
    }

    let model_section: ModelSection = match table.get("model") {
        Some(value) => deserialize_entity(value.clone(), &file, "[model]")?,
        None => bail!(
            "{file}: missing [model] section (it needs at least `periods = [\"2025/26\", ...]`)"
        ),
    };
    let objective: Option<ObjectiveSpec> = match table.get("objective") {
        Some(value) => Some(deserialize_entity(value.clone(), &file, "[objective]")?),
        None => None,
    };
    let finance: Option<crate::finance::FinanceSpec> = match table.get("finance") {
        Some(value) => Some(deserialize_entity(value.clone(), &file, "[finance]")?),
        None => None,
    };
    let mut spec = Spec {
        finance,
        file: path.to_path_buf(),
        model: model_section,
        regions: entities(&table, "region", &file)?,
        drivers: entities(&table, "driver", &file)?,
        groups: entities(&table, "group", &file)?,
        pools: entities(&table, "pool", &file)?,
        pipelines: entities(&table, "pipeline", &file)?,
        moves: entities(&table, "move", &file)?,
        services: entities(&table, "service", &file)?,
        targets: entities(&table, "target", &file)?,
        limits: entities(&table, "limit", &file)?,
        scenarios,
        objective,
        scenario: scenario.map(str::to_string),
        inputs: Vec::new(),
        history: Vec::new(),
    };
    read_series_files(&mut spec)?;
    Ok(spec)
}

/// Deserializes one table into `T`, naming the entity and the field on error.
fn deserialize_entity<T: serde::de::DeserializeOwned>(
    value: toml::Value,
    file: &str,
    entity: &str,
) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let field = error.path().to_string();
        let inner = error.into_inner().to_string();
        // toml appends "in `key`" on a line of its own; the field is named already.
        let inner = inner.lines().next().unwrap_or_default().trim_end();
        if field == "." || field.is_empty() {
            anyhow!("{file}: {entity}: {inner}")
        } else {
            anyhow!("{file}: {entity}, field '{field}': {inner}")
        }
    })
}

/// Reads every `[[kind]]` entry of the table.
fn entities<T: serde::de::DeserializeOwned>(
    table: &toml::Table,
    kind: &str,
    file: &str,
) -> Result<Vec<T>> {
    let Some(value) = table.get(kind) else {
        return Ok(Vec::new());
    };
    let Some(array) = value.as_array() else {
        bail!("{file}: '{kind}' must be written as [[{kind}]] entries (an array of tables)");
    };
    array
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let label = entity_label(kind, index, entry);
            deserialize_entity(entry.clone(), file, &label)
        })
        .collect()
}

/// `group 'staff_nurse'` or, without an id, `group #3`.
fn entity_label(kind: &str, index: usize, entry: &toml::Value) -> String {
    let id = entry
        .get("id")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .or_else(|| {
            if kind == "move" {
                let from = entry.get("from")?.as_str()?;
                let to = entry.get("to")?.as_str()?;
                Some(format!("{from}->{to}"))
            } else {
                None
            }
        });
    match id {
        Some(id) => format!("{kind} '{id}'"),
        None => format!("{kind} #{}", index + 1),
    }
}

/// Splits `PATH=VALUE`; the value is read as TOML (`0.12`, `[1, 2]`, `false`)
/// and otherwise taken as a string.
pub fn parse_set_argument(argument: &str) -> Result<(String, toml::Value)> {
    let Some((path, raw)) = argument.split_once('=') else {
        bail!("expected PATH=VALUE, e.g. group.staff_nurse.attrition=0.12");
    };
    if argument.contains(['\n', '\r']) {
        bail!(
            "{}: a line break in the value; a value is one line (the text after the break would be dropped silently)",
            wfplan_text::terminal::excerpt(argument)
        );
    }
    let path = path.trim().to_string();
    let raw = raw.trim();
    let value = match format!("value = {raw}").parse::<toml::Table>() {
        Ok(mut parsed) => parsed
            .remove("value")
            .unwrap_or_else(|| toml::Value::String(raw.to_string())),
        Err(_) => toml::Value::String(raw.to_string()),
    };
    Ok((path, value))
}

/// Appends a `[[kind]]` entry a scenario adds, refusing an id the model
/// already has (a scenario changes an existing entry with `set`).
fn add_entity(table: &mut toml::Table, kind: &str, entry: &toml::Table) -> Result<()> {
    let id = entry.get("id").and_then(|v| v.as_str()).unwrap_or_default();
    let entries = table
        .entry(kind)
        .or_insert_with(|| toml::Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| anyhow!("'{kind}' must be written as [[{kind}]] entries"))?;
    if !id.is_empty()
        && entries
            .iter()
            .any(|existing| existing.get("id").and_then(|v| v.as_str()) == Some(id))
    {
        bail!("the model already has a {kind} '{id}'; change it with set = {{ \"{kind}.{id}.<field>\" = ... }} instead");
    }
    entries.push(toml::Value::Table(entry.clone()));
    Ok(())
}

/// Applies one `kind.id.field[.subfield]` (or `model.field`,
/// `objective.minimise`) setting.
pub fn apply_setting(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<()> {
    let (kind, rest) = path.split_once('.').ok_or_else(|| {
        anyhow!("a setting path is kind.id.field (e.g. group.staff_nurse.attrition), model.field or objective.minimise")
    })?;
    if kind == "model" || kind == "objective" || kind == "finance" {
        let section = table
            .entry(kind)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        return set_nested(section, rest, value);
    }
    if !ENTITY_KINDS.contains(&kind) {
        bail!(
            "unknown entity kind '{kind}'{}; expected model, objective or one of {}",
            did_you_mean(kind, ENTITY_KINDS.iter().copied()),
            ENTITY_KINDS.join(", ")
        );
    }
    let entries = table
        .get_mut(kind)
        .and_then(|v| v.as_array_mut())
        .ok_or_else(|| anyhow!("the model has no [[{kind}]] entries"))?;
    // The id may itself hold dots only if it matches an entity exactly:
    // try the longest id prefix first.
    let ids: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let label = entity_label(kind, index, entry);
            label
                .strip_prefix(&format!("{kind} '"))
                .and_then(|s| s.strip_suffix('\''))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let matched = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !id.is_empty() && rest.starts_with(&format!("{id}.")))
        .max_by_key(|(_, id)| id.len());
    let Some((index, id)) = matched else {
        let wanted = rest.split('.').next().unwrap_or(rest);
        bail!(
            "no {kind} '{wanted}'{}",
            did_you_mean(wanted, ids.iter().map(String::as_str))
        );
    };
    let field = &rest[id.len() + 1..];
    if field.is_empty() {
        bail!("the setting names {kind} '{id}' but no field");
    }
    set_nested(&mut entries[index], field, value)
}

/// Whether a table is the element a setting path names by `part`: its
/// `id`, or else its `driver` (the terms of a service's `need`).
fn names_element(element: &toml::Value, part: &str) -> bool {
    match element.get("id").and_then(|v| v.as_str()) {
        Some(id) => id == part,
        None => element.get("driver").and_then(|v| v.as_str()) == Some(part),
    }
}

fn set_nested(target: &mut toml::Value, field_path: &str, value: toml::Value) -> Result<()> {
    let mut current = target;
    let parts: Vec<&str> = field_path.split('.').collect();
    for (position, part) in parts.iter().enumerate() {
        // A list of tables (a service's `need` terms) is entered by the
        // element's id (or driver); a single such table may be named too.
        if position + 1 < parts.len() {
            if let Some(list) = current.as_array() {
                let found = list.iter().position(|element| names_element(element, part));
                let Some(index) = found else {
                    let names: Vec<String> = list
                        .iter()
                        .filter_map(|e| e.get("id").or_else(|| e.get("driver")))
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                    bail!(
                        "'{}' has no element '{part}'{} (elements are named by their id, or their driver)",
                        parts[..position].join("."),
                        did_you_mean(part, names.iter().map(String::as_str))
                    );
                };
                current = &mut current.as_array_mut().expect("a list")[index];
                continue;
            }
            if current.get(*part).is_none()
                && current.is_table()
                && current.get("driver").is_some()
                && names_element(current, part)
            {
                continue;
            }
        }
        let table = current
            .as_table_mut()
            .ok_or_else(|| anyhow!("'{}' is not a table", parts[..position].join(".")))?;
        if position + 1 == parts.len() {
            table.insert(part.to_string(), value);
            return Ok(());
        }
        current = table
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    }
    Ok(())
}

/// " (did you mean 'x'?)" when a candidate is close, else "".
pub fn did_you_mean<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let best = candidates
        .map(|candidate| (strsim::jaro_winkler(wanted, candidate), candidate))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, candidate)) => format!(" (did you mean '{candidate}'?)"),
        None => String::new(),
    }
}

/// Replaces every `Param::File` in the spec by the series it holds.
fn read_series_files(spec: &mut Spec) -> Result<()> {
    let periods = spec.model.periods.clone();
    let file = spec.file.clone();
    let region_ids: Vec<String> = spec.regions.iter().map(|r| r.id.clone()).collect();
    let mut reader = SeriesReader {
        model_file: &file,
        periods: &periods,
        region_ids: &region_ids,
        inputs: Vec::new(),
        tables: HashMap::new(),
    };
    for group in &mut spec.groups {
        let label = format!("group '{}'", group.id);
        for (field, param) in [
            ("attrition", &mut group.attrition),
            ("new_starter_attrition", &mut group.new_starter_attrition),
            ("salary", &mut group.salary),
            ("hire_cost", &mut group.hire_cost),
            ("hire_max", &mut group.hire_max),
            ("exit_cost", &mut group.exit_cost),
            ("exit_max", &mut group.exit_max),
            ("surplus_cost", &mut group.surplus_cost),
            ("productivity", &mut group.productivity),
            ("participation", &mut group.participation),
        ] {
            reader.resolve_optional(param, "group", &group.id, &label, field)?;
        }
        if let Some(age) = &mut group.age {
            let bands = age.bands.clone();
            if let Some(rates) = &mut age.attrition {
                for (position, param) in rates.iter_mut().enumerate() {
                    let band = bands
                        .get(position)
                        .cloned()
                        .unwrap_or_else(|| position.to_string());
                    reader.resolve(
                        param,
                        "group",
                        &group.id,
                        &label,
                        &format!("age.attrition.{band}"),
                    )?;
                }
            }
        }
        if let Some(reduced) = &mut group.reduced_hours {
            reader.resolve(
                &mut reduced.max,
                "group",
                &group.id,
                &label,
                "reduced_hours.max",
            )?;
            reader.resolve_optional(
                &mut reduced.cost,
                "group",
                &group.id,
                &label,
                "reduced_hours.cost",
            )?;
        }
    }
    for pool in &mut spec.pools {
        let label = format!("pool '{}'", pool.id);
        for (field, param) in [
            ("supply", &mut pool.supply),
            ("hire_cost", &mut pool.hire_cost),
            ("rate", &mut pool.rate),
        ] {
            reader.resolve_optional(param, "pool", &pool.id, &label, field)?;
        }
    }
    for pipeline in &mut spec.pipelines {
        let label = format!("pipeline '{}'", pipeline.id);
        for (field, param) in [
            ("completion", &mut pipeline.completion),
            ("capacity", &mut pipeline.capacity),
            ("cost", &mut pipeline.cost),
            ("trainee_salary", &mut pipeline.trainee_salary),
            ("minimum_cohort", &mut pipeline.minimum_cohort),
            ("fixed_cost_per_run", &mut pipeline.fixed_cost_per_run),
        ] {
            reader.resolve_optional(param, "pipeline", &pipeline.id, &label, field)?;
        }
        if let Some(supervision) = &mut pipeline.supervision {
            reader.resolve(
                &mut supervision.fte_per_trainee,
                "pipeline",
                &pipeline.id,
                &label,
                "supervision.fte_per_trainee",
            )?;
        }
    }
    for movement in &mut spec.moves {
        let id = movement.effective_id();
        let label = format!("move '{id}'");
        let between_regions = movement.between_regions;
        for (field, param) in [
            ("retention", &mut movement.retention),
            ("cost", &mut movement.cost),
            ("max", &mut movement.max),
        ] {
            match param {
                // A move between regions reads a CSV as a matrix by pair.
                Some(inner) if between_regions => {
                    reader.resolve_pairs(inner, &id, &label, field)?
                }
                _ => reader.resolve_optional(param, "move", &id, &label, field)?,
            }
        }
    }
    for driver in &mut spec.drivers {
        let label = format!("driver '{}'", driver.id);
        reader.resolve(&mut driver.values, "driver", &driver.id, &label, "values")?;
    }
    for service in &mut spec.services {
        let label = format!("service '{}'", service.id);
        reader.resolve_optional(
            &mut service.demand,
            "service",
            &service.id,
            &label,
            "demand",
        )?;
        if let Some(Need(terms)) = &mut service.need {
            let single = terms.len() == 1;
            for term in terms.iter_mut() {
                let prefix = if single {
                    "need".to_string()
                } else {
                    format!("need.{}", term.effective_id())
                };
                for (field, param) in [
                    ("contacts_per_unit", &mut term.contacts_per_unit),
                    ("contacts_per_fte", &mut term.contacts_per_fte),
                ] {
                    reader.resolve(
                        param,
                        "service",
                        &service.id,
                        &label,
                        &format!("{prefix}.{field}"),
                    )?;
                }
            }
        }
        reader.resolve_optional(
            &mut service.unmet_penalty,
            "service",
            &service.id,
            &label,
            "unmet_penalty",
        )?;
    }
    for (kind, conditions) in [("target", &mut spec.targets), ("limit", &mut spec.limits)] {
        for condition in conditions.iter_mut() {
            let label = format!("{kind} '{}'", condition.id);
            reader.resolve_optional(&mut condition.min, kind, &condition.id, &label, "min")?;
            reader.resolve_optional(&mut condition.max, kind, &condition.id, &label, "max")?;
        }
    }
    if let Some(finance) = &mut spec.finance {
        // Series by year: the periods, extended to a price base outside them.
        let years = crate::finance::index_years(&periods, finance.price_base.as_deref()).map_err(
            |message| {
                anyhow!(
                    "{}: [finance], field 'price_base': {message}",
                    file.display()
                )
            },
        )?;
        let mut by_year = SeriesReader {
            model_file: &file,
            periods: &years,
            region_ids: &region_ids,
            inputs: std::mem::take(&mut reader.inputs),
            tables: std::mem::take(&mut reader.tables),
        };
        for (field, param) in [
            ("inflation", &mut finance.inflation),
            ("pay_uplift", &mut finance.pay_uplift),
        ] {
            by_year.resolve_optional(param, "finance", field, "[finance]", field)?;
        }
        reader.inputs = by_year.inputs;
        reader.tables = by_year.tables;
    }
    if let Some(relative) = spec.model.history.clone() {
        spec.history = reader.with_table(
            &relative,
            "[model]",
            "history",
            &format!("{HISTORY_HEADER} and one row per published figure"),
            |csv| csv.history_rows(),
        )?;
    }
    let mut inputs = vec![file.clone()];
    inputs.extend(reader.inputs);
    spec.inputs = inputs;
    Ok(())
}

struct SeriesReader<'a> {
    model_file: &'a Path,
    periods: &'a [String],
    /// The model's region ids: a CSV file's region column may name no other.
    region_ids: &'a [String],
    /// Every CSV file read, so that outputs never overwrite one.
    inputs: Vec<PathBuf>,
    /// Each CSV file parsed once, however many entities read from it (a
    /// national model names `salary.csv` once per group).
    tables: HashMap<PathBuf, CsvText>,
}

impl SeriesReader<'_> {
    fn resolve_optional(
        &mut self,
        param: &mut Option<Param>,
        kind: &str,
        id: &str,
        label: &str,
        field: &str,
    ) -> Result<()> {
        match param {
            Some(inner) => self.resolve(inner, kind, id, label, field),
            None => Ok(()),
        }
    }

    /// Refuses a region in a CSV file's region column that the model does
    /// not have, naming the file (a model without `[[region]]`s is checked
    /// where its tables are used).
    fn check_regions<'r>(
        &self,
        relative: &str,
        label: &str,
        field: &str,
        regions: impl Iterator<Item = &'r String>,
    ) -> Result<()> {
        if self.region_ids.is_empty() {
            return Ok(());
        }
        for region in regions {
            if !self.region_ids.contains(region) {
                bail!(
                    "{}: {label}, field '{field}': reading {relative}: no region '{}' in the model{} (its regions: {})",
                    self.model_file.display(),
                    wfplan_text::terminal::excerpt(region),
                    did_you_mean(region, self.region_ids.iter().map(String::as_str)),
                    self.region_ids.join(", ")
                );
            }
        }
        Ok(())
    }

    fn resolve(
        &mut self,
        param: &mut Param,
        kind: &str,
        id: &str,
        label: &str,
        field: &str,
    ) -> Result<()> {
        match param {
            Param::File(relative) => {
                *param = match self.read(relative, kind, id, label, field)? {
                    CsvSeries::One(series) => Param::Series(series),
                    CsvSeries::ByRegion(by_region) => {
                        self.check_regions(relative, label, field, by_region.keys())?;
                        Param::ByRegion(
                            by_region
                                .into_iter()
                                .map(|(region, series)| (region, Param::Series(series)))
                                .collect(),
                        )
                    }
                };
            }
            Param::ByRegion(by_region) => {
                for (region, inner) in by_region.iter_mut() {
                    let Param::File(relative) = inner else {
                        continue;
                    };
                    let inner_field = format!("{field}.{region}");
                    *inner = match self.read(relative, kind, id, label, &inner_field)? {
                        CsvSeries::One(series) => Param::Series(series),
                        CsvSeries::ByRegion(mut series) => {
                            let Some(own) = series.remove(region.as_str()) else {
                                bail!(
                                    "{}: {label}, field '{inner_field}': the CSV file has a region column but no rows for region '{region}'",
                                    self.model_file.display()
                                );
                            };
                            Param::Series(own)
                        }
                    };
                }
            }
            Param::Scalar(_) | Param::Series(_) => {}
        }
        Ok(())
    }

    /// As `resolve`, for a move between regions: a CSV reference is a
    /// matrix by pair of regions (`from_region,to_region,value` or
    /// `period,from_region,to_region,value`) and becomes a table keyed
    /// `from->to`.
    fn resolve_pairs(
        &mut self,
        param: &mut Param,
        id: &str,
        label: &str,
        field: &str,
    ) -> Result<()> {
        let Param::File(relative) = param else {
            return self.resolve(param, "move", id, label, field);
        };
        let periods = self.periods;
        let by_pair = self.with_table(relative, label, field, PAIR_HEADER, |text| {
            text.pairs(id, periods)
        })?;
        *param = Param::ByRegion(
            by_pair
                .into_iter()
                .map(|(pair, series)| (pair, Param::Series(series)))
                .collect(),
        );
        Ok(())
    }

    /// Reads one CSV reference (one series, or one per region).
    fn read(
        &mut self,
        relative: &str,
        kind: &str,
        id: &str,
        label: &str,
        field: &str,
    ) -> Result<CsvSeries> {
        let periods = self.periods;
        self.with_table(relative, label, field, &series_read_header(kind), |text| {
            text.series(kind, id, periods)
        })
    }

    /// Finds a CSV reference, parses it once however many entities read it
    /// (cached by path), records it as an input, and hands it to `take`;
    /// errors name the model file, the entity, the field and the CSV file.
    /// `expected` describes the header wanted, for a file that does not
    /// read as CSV.
    fn with_table<T>(
        &mut self,
        relative: &str,
        label: &str,
        field: &str,
        expected: &str,
        take: impl FnOnce(&CsvText) -> Result<T>,
    ) -> Result<T> {
        // `data/x.xlsx#Sheet`: a sheet of a workbook, the same shape as the CSV.
        let workbook = crate::xlsx::split_reference(relative)
            .with_context(|| format!("{}: {label}, field '{field}'", self.model_file.display()))?;
        let file_part = workbook.map_or(relative, |(path, _)| path);
        let csv_path = self
            .locate(file_part)
            .with_context(|| format!("{}: {label}, field '{field}'", self.model_file.display()))?;
        let (key, context) = match workbook {
            Some((_, sheet)) => (
                PathBuf::from(format!("{}#{sheet}", csv_path.display())),
                format!(
                    "{}: {label}, field '{field}': reading workbook {}, sheet '{sheet}'",
                    self.model_file.display(),
                    csv_path.display()
                ),
            ),
            None => (
                csv_path.clone(),
                format!(
                    "{}: {label}, field '{field}': reading {}",
                    self.model_file.display(),
                    csv_path.display()
                ),
            ),
        };
        if !self.tables.contains_key(&key) {
            let text = match workbook {
                Some((_, sheet)) => crate::xlsx::read_sheet(&csv_path, sheet, expected),
                None => CsvText::read(&csv_path, expected),
            }
            .context(context.clone())?;
            self.tables.insert(key.clone(), text);
        }
        let value = take(&self.tables[&key]).context(context)?;
        if !self.inputs.contains(&csv_path) {
            self.inputs.push(csv_path);
        }
        Ok(value)
    }

    /// A CSV path is taken relative to the model file's folder, then to its
    /// parent (the project folder holding models/ and data/), then to the
    /// working directory.
    fn locate(&self, relative: &str) -> Result<PathBuf> {
        let model_dir = self.model_file.parent().unwrap_or(Path::new("."));
        let mut candidates = vec![model_dir.join(relative)];
        if let Some(project_dir) = model_dir.parent() {
            candidates.push(project_dir.join(relative));
        }
        candidates.push(PathBuf::from(relative));
        candidates
            .iter()
            .find(|candidate| candidate.is_file())
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "expected a number, a list of numbers, or the path of a CSV file, but '{relative}' is not a file (looked in {})",
                    candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")
                )
            })
    }
}

/// What a CSV reference holds: one series, or one per region.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvSeries {
    One(Vec<f64>),
    /// From a file with a `region` column: region id → series.
    ByRegion(BTreeMap<String, Vec<f64>>),
}

/// The header a series file has, for messages.
fn series_header(kind: &str) -> String {
    format!("`period,{kind},value` (or `period,value`)")
}

/// As `series_header`, with the rows, for a file that does not read as CSV.
fn series_read_header(kind: &str) -> String {
    format!("{} and one row per period", series_header(kind))
}

/// A CSV file read once as text (every cell a string; numbers are parsed
/// where a series uses them), with its rows indexed by the value of each
/// entity column asked for.
#[derive(Debug, Clone)]
pub struct CsvText {
    names: Vec<String>,
    columns: Vec<Vec<Option<String>>>,
    height: usize,
    /// entity column → id → rows, in file order (built on first use).
    index: std::cell::RefCell<HashMap<String, HashMap<String, Vec<usize>>>>,
    /// Where each row and cell is, for a table read from a workbook sheet
    /// (None for a CSV file, whose rows are named by line).
    sheet: Option<crate::xlsx::SheetPlaces>,
}

impl CsvText {
    /// Reads the file with polars. `expected` describes the header (and
    /// rows) the caller wants, for the message if the file is not a
    /// readable CSV.
    pub fn read(path: &Path, expected: &str) -> Result<CsvText> {
        use polars::prelude::*;
        let frame = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0)) // read every column as text; we parse numbers ourselves
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|reader| reader.finish())
            // The reader's own message may quote the file; name only what is expected.
            .map_err(|_| anyhow!("not a readable CSV file: expected a header row {expected}"))?;
        let names: Vec<String> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        let mut columns = Vec::with_capacity(names.len());
        for name in &names {
            let text = frame
                .column(name)
                .and_then(|series| series.str().cloned())
                .map_err(|_| anyhow!("not a readable CSV file: a column is not text"))?;
            columns.push(text.iter().map(|cell| cell.map(str::to_string)).collect());
        }
        Ok(CsvText {
            names,
            columns,
            height: frame.height(),
            index: Default::default(),
            sheet: None,
        })
    }

    /// A table read from a workbook sheet (`xlsx::read_sheet`): the header
    /// names, each column's cells as text, and where each cell is.
    pub fn from_sheet(
        names: Vec<String>,
        columns: Vec<Vec<Option<String>>>,
        places: crate::xlsx::SheetPlaces,
    ) -> CsvText {
        CsvText {
            height: columns.first().map_or(0, Vec::len),
            names,
            columns,
            index: Default::default(),
            sheet: Some(places),
        }
    }

    /// A data row (0-based) as messages name it: "line 5" of a CSV file
    /// (the header is line 1), "row 5" of a sheet (as the spreadsheet
    /// numbers it).
    fn row_name(&self, row: usize) -> String {
        match &self.sheet {
            None => format!("line {}", row + 2),
            Some(places) => format!("row {}", places.row_number(row)),
        }
    }

    /// The number in a cell of `column`: errors name the line (CSV) or the
    /// cell, row and column (sheet), and what the cell holds instead (text,
    /// a formula, part of merged cells, an error value, a date).
    /// `NaN`, `inf` and numbers too large for a float (`1e400`) are text
    /// here, not numbers: the error names the line or cell, where the file
    /// is known.
    fn number(&self, row: usize, column: &str, raw: &str) -> Result<f64> {
        let shown = wfplan_text::terminal::excerpt(raw);
        let finite = raw
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite());
        let Some(places) = &self.sheet else {
            return finite.ok_or_else(|| {
                anyhow!(
                    "line {}: value '{shown}' is not a number (a finite number is expected)",
                    row + 2
                )
            });
        };
        let position = self.names.iter().position(|n| n == column).unwrap_or(0);
        let cell = places.cell_name(row, position, column);
        if let Some(problem) = places.problem(row, position) {
            bail!("{cell}: {problem} where a number is expected");
        }
        finite.ok_or_else(|| {
            if raw.trim().is_empty() {
                anyhow!("{cell}: an empty cell where a number is expected")
            } else {
                anyhow!("{cell}: text '{shown}' where a number is expected")
            }
        })
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The rows of a history file (`HISTORY_HEADER`); a value that is not a
    /// number is an error naming its row.
    fn history_rows(&self) -> Result<Vec<HistoryRow>> {
        let text = |name: &str| -> Result<&[Option<String>]> { self.column(name, HISTORY_HEADER) };
        let (expr, period, value) = (text("expr")?, text("period")?, text("value")?);
        let (published, source, grade, note) = (
            text("published")?,
            text("source")?,
            text("grade")?,
            text("note")?,
        );
        let cell = |column: &[Option<String>], row: usize| column[row].clone().unwrap_or_default();
        (0..self.height)
            .map(|row| {
                let raw = cell(value, row);
                let number: f64 = raw
                    .trim()
                    .parse()
                    .map_err(|_| anyhow!("row {}: value {raw:?} is not a number", row + 2))?;
                Ok(HistoryRow {
                    expr: cell(expr, row),
                    period: cell(period, row),
                    value: number,
                    published: cell(published, row),
                    source: cell(source, row),
                    grade: cell(grade, row),
                    note: cell(note, row),
                })
            })
            .collect()
    }

    /// A column by name; `header` describes the header expected. Errors
    /// about the header never echo it (the path may be any file): they say
    /// what was expected, and suggest a column only when one is close to an
    /// expected name.
    fn column(&self, name: &str, header: &str) -> Result<&[Option<String>]> {
        let position = self.names.iter().position(|n| n == name).ok_or_else(|| {
            anyhow!(
                "expected a header row {header}, but there is no column '{name}'{}",
                did_you_mean(name, self.names.iter().map(String::as_str))
            )
        })?;
        Ok(&self.columns[position])
    }

    /// The rows whose `kind` column holds `id`, in file order; an error
    /// suggesting the nearest id the column holds when there are none.
    fn rows_of(&self, kind: &str, id: &str) -> Result<Vec<usize>> {
        let mut index = self.index.borrow_mut();
        if !index.contains_key(kind) {
            let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
            for (row, cell) in self.column(kind, &series_header(kind))?.iter().enumerate() {
                by_id
                    .entry(cell.clone().unwrap_or_default())
                    .or_default()
                    .push(row);
            }
            index.insert(kind.to_string(), by_id);
        }
        let by_id = &index[kind];
        match by_id.get(id) {
            Some(rows) => Ok(rows.clone()),
            None => {
                let mut ids: Vec<&str> = by_id.keys().map(String::as_str).collect();
                ids.sort_unstable();
                bail!(
                    "no rows for {kind} '{id}'{}",
                    did_you_mean(id, ids.into_iter())
                )
            }
        }
    }

    /// The series of entity `id`, aligned to the periods: one from a long
    /// format `period,<kind>,value` (or `period,value`), or one per region
    /// from `period,region,<kind>,value` (every region listed must give
    /// every period once).
    pub fn series(&self, kind: &str, id: &str, periods: &[String]) -> Result<CsvSeries> {
        let header = series_header(kind);
        let period_column = self.column("period", &header)?;
        let value_column = self.column("value", &header)?;
        let region_column = if self.has("region") {
            Some(self.column("region", &header)?)
        } else {
            None
        };
        let plain_columns = self.names.len() - usize::from(region_column.is_some());
        let rows: Vec<usize> = if self.has(kind) {
            self.rows_of(kind, id)?
        } else if plain_columns == 2 {
            (0..self.height).collect()
        } else {
            bail!(
                "expected a header row `period,{kind},value` (or `period,value`, or `period,region,{kind},value`), found {} columns and none named '{kind}'",
                self.names.len()
            );
        };
        // region ("" without a region column) → values by period
        let mut by_region: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
        if region_column.is_none() {
            by_region.insert(String::new(), vec![None; periods.len()]);
        }
        for row in rows {
            let line = self.row_name(row);
            let period = period_column[row].clone().unwrap_or_default();
            let Some(position) = periods.iter().position(|p| *p == period.trim()) else {
                bail!(
                    "{line}: period '{period}' is not one of the model's periods ({})",
                    periods.join(", ")
                );
            };
            let raw = value_column[row].clone().unwrap_or_default();
            let value = self.number(row, "value", &raw)?;
            let region = match region_column {
                Some(regions) => {
                    let region = regions[row].clone().unwrap_or_default().trim().to_string();
                    if region.is_empty() {
                        bail!("{line}: the region cell is empty");
                    }
                    region
                }
                None => String::new(),
            };
            let values = by_region
                .entry(region.clone())
                .or_insert_with(|| vec![None; periods.len()]);
            if values[position].is_some() {
                if region.is_empty() {
                    bail!("{line}: period '{period}' appears twice for '{id}'");
                }
                bail!("{line}: period '{period}' appears twice for '{id}' in region '{region}'");
            }
            values[position] = Some(value);
        }
        let mut aligned = BTreeMap::new();
        for (region, values) in by_region {
            let missing = missing_periods(periods, &values);
            if !missing.is_empty() {
                if region.is_empty() {
                    bail!("missing period(s) {} for '{id}'", missing.join(", "));
                }
                bail!(
                    "missing period(s) {} for '{id}' in region '{region}'",
                    missing.join(", ")
                );
            }
            let series: Vec<f64> = values
                .into_iter()
                .map(|value| value.unwrap_or_default())
                .collect();
            aligned.insert(region, series);
        }
        if region_column.is_none() {
            return Ok(CsvSeries::One(aligned.remove("").unwrap_or_default()));
        }
        Ok(CsvSeries::ByRegion(aligned))
    }
}

/// The periods a series read from a CSV file has no value for.
fn missing_periods<'a>(periods: &'a [String], values: &[Option<f64>]) -> Vec<&'a str> {
    periods
        .iter()
        .zip(values)
        .filter(|(_, value)| value.is_none())
        .map(|(period, _)| period.as_str())
        .collect()
}

/// The header a matrix by pair of regions has, for messages.
const PAIR_HEADER: &str =
    "`from_region,to_region,value` (one value per pair) or `period,from_region,to_region,value` (one per pair and period), optionally with a `move` column";

impl CsvText {
    /// A matrix by pair of regions for move `id` (a move between regions):
    /// columns `from_region,to_region,value` (a constant per pair) or
    /// `period,from_region,to_region,value`, and optionally `move` (rows of
    /// other moves are ignored). Gives `from->to` → series; every pair
    /// listed must give every period once. Pairs left out are not in the
    /// result (the model reads them as "no move").
    pub fn pairs(&self, id: &str, periods: &[String]) -> Result<BTreeMap<String, Vec<f64>>> {
        // As for a series, the header is never echoed.
        let header = format!("{PAIR_HEADER} (a matrix by pair of regions)");
        let from_column = self.column("from_region", &header)?;
        let to_column = self.column("to_region", &header)?;
        let value_column = self.column("value", &header)?;
        let period_column = if self.has("period") {
            Some(self.column("period", &header)?)
        } else {
            None
        };
        let move_column = if self.has("move") {
            Some(self.column("move", &header)?)
        } else {
            None
        };
        let expected =
            3 + usize::from(period_column.is_some()) + usize::from(move_column.is_some());
        if self.names.len() != expected {
            bail!(
                "expected a header row {PAIR_HEADER}, found {} columns",
                self.names.len()
            );
        }
        let cell = |column: &[Option<String>], row: usize| {
            column[row].clone().unwrap_or_default().trim().to_string()
        };
        let mut by_pair: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
        let mut seen_moves = std::collections::BTreeSet::new();
        for row in 0..self.height {
            let line = self.row_name(row);
            if let Some(moves) = &move_column {
                let movement = cell(moves, row);
                let matches = movement == id;
                seen_moves.insert(movement);
                if !matches {
                    continue;
                }
            }
            let from = cell(from_column, row);
            let to = cell(to_column, row);
            if from.is_empty() || to.is_empty() {
                bail!("{line}: the from_region or to_region cell is empty");
            }
            let pair = format!("{from}->{to}");
            let raw = cell(value_column, row);
            let value = self.number(row, "value", &raw)?;
            let values = by_pair
                .entry(pair.clone())
                .or_insert_with(|| vec![None; periods.len()]);
            match &period_column {
                Some(period_cells) => {
                    let period = cell(period_cells, row);
                    let Some(position) = periods.iter().position(|p| *p == period) else {
                        bail!(
                            "{line}: period '{period}' is not one of the model's periods ({})",
                            periods.join(", ")
                        );
                    };
                    if values[position].is_some() {
                        bail!("{line}: period '{period}' appears twice for the pair '{pair}'");
                    }
                    values[position] = Some(value);
                }
                None => {
                    if values.iter().any(Option::is_some) {
                        bail!("{line}: the pair '{pair}' appears twice (without a period column each pair has one row)");
                    }
                    values.iter_mut().for_each(|v| *v = Some(value));
                }
            }
        }
        if move_column.is_some() && !seen_moves.contains(id) {
            bail!(
                "no rows for move '{id}'{}",
                did_you_mean(id, seen_moves.iter().map(String::as_str))
            );
        }
        let mut aligned = BTreeMap::new();
        for (pair, values) in by_pair {
            let missing = missing_periods(periods, &values);
            if !missing.is_empty() {
                bail!(
                    "missing period(s) {} for the pair '{pair}'",
                    missing.join(", ")
                );
            }
            aligned.insert(
                pair,
                values.into_iter().map(Option::unwrap_or_default).collect(),
            );
        }
        Ok(aligned)
    }
}
