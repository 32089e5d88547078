//! Uncertain parameters: `[[uncertain]]` entries of a model file and
//! `--uncertain` / `--correlate` arguments, their distributions, the
//! correlation between them (a Gaussian copula) and the seeded draws.
//!
//! * **Entries.** Each names a `--set` path, how a draw is applied (`set`:
//!   the draw is the parameter's value, in every period and region;
//!   `scale`: every value of the parameter — each period, each region, a
//!   CSV series too — is multiplied by the draw; `add`: the draw is added
//!   to every value), and a distribution: `normal` (mean, sd), `lognormal`
//!   (mean, sd of the variable itself), `triangular` (min, mode, max),
//!   `uniform` (min, max) or `values` (a list, equally likely).
//! * **Correlation.** `correlation = { other_id = rho }` on an entry, or
//!   `--correlate A,B=RHO`: pairs of a correlation matrix (1 on the
//!   diagonal, 0 where no pair is given), checked positive semi-definite
//!   by a Cholesky factorisation. A sample draws independent standard
//!   normals z, correlates them (L·z) and maps each through Φ to a uniform
//!   and then through its distribution's inverse CDF (a Gaussian copula;
//!   normal and lognormal use z directly, so a correlated pair of normals
//!   is exactly bivariate normal).
//! * **Seeds.** Sample i's normals come from ChaCha20 seeded with `--seed`,
//!   on stream i: a sample's draws depend on the seed and its index only,
//!   never on `--jobs` or on the order samples are drawn in.

use anyhow::{anyhow, bail, Result};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rand_distr::StandardNormal;
use serde::Deserialize;

use wfplan_model::spec::did_you_mean;

/// How a draw changes its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// The draw is the value (one number for every period and region).
    Set,
    /// Every value of the parameter is multiplied by the draw.
    Scale,
    /// The draw is added to every value of the parameter.
    Add,
}

impl Apply {
    pub fn as_str(self) -> &'static str {
        match self {
            Apply::Set => "set",
            Apply::Scale => "scale",
            Apply::Add => "add",
        }
    }
}

/// A probability distribution of one uncertain parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Of the variable itself: mean and standard deviation, both > 0.
    LogNormal {
        mean: f64,
        sd: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Equally likely values.
    Values(Vec<f64>),
}

impl Distribution {
    /// A short description: `normal(mean 0.1, sd 0.01)`.
    pub fn describe(&self) -> String {
        let n = number_text;
        match self {
            Distribution::Normal { mean, sd } => {
                format!("normal(mean {}, sd {})", n(*mean), n(*sd))
            }
            Distribution::LogNormal { mean, sd } => {
                format!("lognormal(mean {}, sd {})", n(*mean), n(*sd))
            }
            Distribution::Triangular { min, mode, max } => format!(
                "triangular(min {}, mode {}, max {})",
                n(*min),
                n(*mode),
                n(*max)
            ),
            Distribution::Uniform { min, max } => {
                format!("uniform(min {}, max {})", n(*min), n(*max))
            }
            Distribution::Values(values) => format!(
                "one of {} equally likely",
                values.iter().map(|v| n(*v)).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// Checks the parameters: finite, sd ≥ 0 (> 0 for lognormal, whose
    /// mean must be > 0), min ≤ mode ≤ max, min ≤ max, a non-empty list.
    pub fn check(&self) -> Result<(), String> {
        let finite = |name: &str, value: f64| {
            if value.is_finite() && value.abs() < 1e20 {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number, not {value}"))
            }
        };
        match self {
            Distribution::Normal { mean, sd } => {
                finite("mean", *mean)?;
                finite("sd", *sd)?;
                if *sd < 0.0 {
                    return Err(format!(
                        "the standard deviation (sd) must be 0 or more, not {}",
                        number_text(*sd)
                    ));
                }
            }
            Distribution::LogNormal { mean, sd } => {
                finite("mean", *mean)?;
                finite("sd", *sd)?;
                if *mean <= 0.0 {
                    return Err(format!(
                        "a lognormal variable is positive: its mean must be above 0, not {}",
                        number_text(*mean)
                    ));
                }
                if *sd < 0.0 {
                    return Err(format!(
                        "the standard deviation (sd) must be 0 or more, not {}",
                        number_text(*sd)
                    ));
                }
            }
            Distribution::Triangular { min, mode, max } => {
                finite("min", *min)?;
                finite("mode", *mode)?;
                finite("max", *max)?;
                if min > max {
                    return Err(format!(
                        "min ({}) is above max ({})",
                        number_text(*min),
                        number_text(*max)
                    ));
                }
                if mode < min || mode > max {
                    return Err(format!(
                        "the mode ({}) must lie in [min, max] = [{}, {}]",
                        number_text(*mode),
                        number_text(*min),
                        number_text(*max)
                    ));
                }
            }
            Distribution::Uniform { min, max } => {
                finite("min", *min)?;
                finite("max", *max)?;
                if min > max {
                    return Err(format!(
                        "min ({}) is above max ({})",
                        number_text(*min),
                        number_text(*max)
                    ));
                }
            }
            Distribution::Values(values) => {
                if values.is_empty() {
                    return Err("the list of values is empty".to_string());
                }
                for value in values {
                    finite("each value", *value)?;
                }
            }
        }
        Ok(())
    }

    /// The value a standard normal `z` stands for (the inverse CDF at
    /// Φ(z); normal and lognormal directly from z).
    pub fn from_normal(&self, z: f64) -> f64 {
        match self {
            Distribution::Normal { mean, sd } => mean + sd * z,
            Distribution::LogNormal { mean, sd } => {
                let (mu, sigma) = lognormal_parameters(*mean, *sd);
                (mu + sigma * z).exp()
            }
            Distribution::Triangular { min, mode, max } => {
                let u = normal_cdf(z);
                let span = max - min;
                if span <= 0.0 {
                    return *min;
                }
                let split = (mode - min) / span;
                if u < split {
                    min + (u * span * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * span * (max - mode)).sqrt()
                }
            }
            Distribution::Uniform { min, max } => min + normal_cdf(z) * (max - min),
            Distribution::Values(values) => {
                let u = normal_cdf(z);
                let index = ((u * values.len() as f64) as usize).min(values.len() - 1);
                values[index]
            }
        }
    }

    /// The central value: the mean (the median of a list of values, the
    /// middle one of an even count taken low).
    pub fn centre(&self) -> f64 {
        match self {
            Distribution::Normal { mean, .. } | Distribution::LogNormal { mean, .. } => *mean,
            Distribution::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::Values(values) => {
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                sorted[(sorted.len() - 1) / 2]
            }
        }
    }

    /// The smallest and largest value a draw can take, when bounded.
    pub fn support(&self) -> Option<(f64, f64)> {
        match self {
            Distribution::Normal { sd, mean } if *sd == 0.0 => Some((*mean, *mean)),
            Distribution::Normal { .. } | Distribution::LogNormal { .. } => None,
            Distribution::Triangular { min, max, .. } | Distribution::Uniform { min, max } => {
                Some((*min, *max))
            }
            Distribution::Values(values) => Some((
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            )),
        }
    }
}

/// (μ, σ) of the underlying normal of a lognormal with this mean and sd.
fn lognormal_parameters(mean: f64, sd: f64) -> (f64, f64) {
    let variance = (1.0 + (sd / mean).powi(2)).ln();
    (mean.ln() - variance / 2.0, variance.sqrt())
}

/// Φ(z), the standard normal CDF.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// A number as written in messages and descriptions: shortest form.
pub fn number_text(value: f64) -> String {
    if value == 0.0 {
        "0".to_string()
    } else if value.is_finite() && value.abs() >= 1e16 {
        // 1e300 as `1e300`, not as 301 digits.
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// Names it in correlations and in samples.csv (default: the path).
    pub id: String,
    /// A `--set` path.
    pub path: String,
    pub apply: Apply,
    pub distribution: Distribution,
    /// Where it was declared, for messages: `uncertain 'id'` or
    /// `--uncertain TEXT`.
    pub source: String,
}

impl Uncertain {
    /// The column of samples.csv holding its draws: the id, with
    /// ` (factor)` or ` (shift)` for `scale` and `add`.
    pub fn column(&self) -> String {
        match self.apply {
            Apply::Set => self.id.clone(),
            Apply::Scale => format!("{} (factor)", self.id),
            Apply::Add => format!("{} (shift)", self.id),
        }
    }

    /// `group.hv.attrition ~ normal(mean 0.1, sd 0.01)`, `... × lognormal(..)`.
    pub fn describe(&self) -> String {
        let how = match self.apply {
            Apply::Set => "=",
            Apply::Scale => "×",
            Apply::Add => "+",
        };
        format!("{} {how} {}", self.path, self.distribution.describe())
    }
}

/// One correlation between two uncertain parameters, by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    pub first: String,
    pub second: String,
    pub rho: f64,
    pub source: String,
}

/// `[[uncertain]]` as written in a model file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct UncertainSpec {
    id: Option<String>,
    path: String,
    apply: Option<String>,
    distribution: Option<String>,
    mean: Option<f64>,
    sd: Option<f64>,
    min: Option<f64>,
    mode: Option<f64>,
    max: Option<f64>,
    values: Option<Vec<f64>>,
    #[serde(default)]
    correlation: std::collections::BTreeMap<String, f64>,
}

const DISTRIBUTIONS: [&str; 5] = ["normal", "lognormal", "triangular", "uniform", "values"];

/// The fields each distribution takes, in order.
fn fields_of(distribution: &str) -> &'static [&'static str] {
    match distribution {
        "normal" | "lognormal" => &["mean", "sd"],
        "triangular" => &["min", "mode", "max"],
        "uniform" => &["min", "max"],
        _ => &["values"],
    }
}

/// Reads the `[[uncertain]]` entries of a model file (its text): the
/// parameters and the correlations they declare. Errors name the file and
/// the entry.
pub fn from_model(text: &str, file: &str) -> Result<(Vec<Uncertain>, Vec<Correlation>)> {
    let table: toml::Table = text
        .parse()
        .map_err(|error: toml::de::Error| anyhow!("{file}: {}", error.to_string().trim_end()))?;
    let Some(value) = table.get("uncertain") else {
        return Ok((Vec::new(), Vec::new()));
    };
    let Some(entries) = value.as_array() else {
        bail!("{file}: 'uncertain' must be written as [[uncertain]] entries (an array of tables)");
    };
    let mut parameters = Vec::new();
    let mut correlations = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let named = entry
            .get("id")
            .and_then(|v| v.as_str())
            .or_else(|| entry.get("path").and_then(|v| v.as_str()));
        let label = match named {
            Some(id) => format!("uncertain '{id}'"),
            None => format!("uncertain #{}", index + 1),
        };
        let spec: UncertainSpec =
            serde_path_to_error::deserialize(entry.clone()).map_err(|error| {
                let field = error.path().to_string();
                let inner = error.into_inner().to_string();
                let inner = inner
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_end()
                    .to_string();
                if field == "." || field.is_empty() {
                    anyhow!("{file}: {label}: {inner}")
                } else {
                    anyhow!("{file}: {label}, field '{field}': {inner}")
                }
            })?;
        let fail = |message: String| anyhow!("{file}: {label}: {message}");
        let apply = match spec.apply.as_deref() {
            None | Some("set") => Apply::Set,
            Some("scale") => Apply::Scale,
            Some("add") => Apply::Add,
            Some(other) => {
                return Err(fail(format!(
                    "field 'apply': expected \"set\", \"scale\" or \"add\", not \"{other}\""
                )))
            }
        };
        let distribution_name = match (&spec.distribution, &spec.values) {
            (Some(name), _) => name.clone(),
            (None, Some(_)) => "values".to_string(),
            (None, None) => {
                return Err(fail(format!(
                    "field 'distribution' is missing; expected one of {}",
                    DISTRIBUTIONS.join(", ")
                )))
            }
        };
        if !DISTRIBUTIONS.contains(&distribution_name.as_str()) {
            return Err(fail(format!(
                "field 'distribution': no distribution '{distribution_name}'{}; expected one of {}",
                did_you_mean(&distribution_name, DISTRIBUTIONS.iter().copied()),
                DISTRIBUTIONS.join(", ")
            )));
        }
        let given: Vec<(&str, bool)> = vec![
            ("mean", spec.mean.is_some()),
            ("sd", spec.sd.is_some()),
            ("min", spec.min.is_some()),
            ("mode", spec.mode.is_some()),
            ("max", spec.max.is_some()),
            ("values", spec.values.is_some()),
        ];
        let wanted = fields_of(&distribution_name);
        for (field, present) in &given {
            if *present && !wanted.contains(field) {
                return Err(fail(format!(
                    "field '{field}' is not a parameter of a {distribution_name} distribution, which takes {}",
                    wanted.join(", ")
                )));
            }
            if !*present && wanted.contains(field) {
                return Err(fail(format!(
                    "field '{field}' is missing: a {distribution_name} distribution takes {}",
                    wanted.join(", ")
                )));
            }
        }
        let value = |field: Option<f64>| field.unwrap_or_default();
        let distribution = match distribution_name.as_str() {
            "normal" => Distribution::Normal {
                mean: value(spec.mean),
                sd: value(spec.sd),
            },
            "lognormal" => Distribution::LogNormal {
                mean: value(spec.mean),
                sd: value(spec.sd),
            },
            "triangular" => Distribution::Triangular {
                min: value(spec.min),
                mode: value(spec.mode),
                max: value(spec.max),
            },
            "uniform" => Distribution::Uniform {
                min: value(spec.min),
                max: value(spec.max),
            },
            _ => Distribution::Values(spec.values.clone().unwrap_or_default()),
        };
        distribution.check().map_err(fail)?;
        let id = spec.id.clone().unwrap_or_else(|| spec.path.clone());
        if spec.id.is_some() {
            wfplan_model::model::check_id(file, &label, &id)?;
        }
        for (other, rho) in &spec.correlation {
            correlations.push(Correlation {
                first: id.clone(),
                second: other.clone(),
                rho: *rho,
                source: format!("{file}: {label}, field 'correlation.{other}'"),
            });
        }
        parameters.push(Uncertain {
            id,
            path: spec.path.trim().to_string(),
            apply,
            distribution,
            source: format!("{file}: {label}"),
        });
    }
    Ok((parameters, correlations))
}

const UNCERTAIN_FORMS: &str = "expected PATH=normal:MEAN:SD, PATH=lognormal:MEAN:SD, PATH=triangular:MIN:MODE:MAX, PATH=uniform:MIN:MAX or PATH=values:V1,V2,...; write PATH*=... to scale the parameter by the draw and PATH+=... to add the draw to it";

/// Parses `--uncertain PATH=DIST`, `PATH*=DIST` (scale) or `PATH+=DIST`
/// (add), DIST one of `normal:MEAN:SD`, `lognormal:MEAN:SD`,
/// `triangular:MIN:MODE:MAX`, `uniform:MIN:MAX`, `values:V1,V2,...`.
pub fn parse_uncertain(argument: &str) -> Result<Uncertain> {
    let fail = |reason: String| anyhow!("--uncertain {argument}: {reason}");
    let Some((left, right)) = argument.split_once('=') else {
        return Err(fail(UNCERTAIN_FORMS.to_string()));
    };
    let left = left.trim();
    let (path, apply) = if let Some(path) = left.strip_suffix('*') {
        (path.trim(), Apply::Scale)
    } else if let Some(path) = left.strip_suffix('+') {
        (path.trim(), Apply::Add)
    } else {
        (left, Apply::Set)
    };
    if path.is_empty() {
        return Err(fail(UNCERTAIN_FORMS.to_string()));
    }
    let right = right.trim();
    let (name, rest) = right.split_once(':').unwrap_or((right, ""));
    let name = name.trim();
    if !DISTRIBUTIONS.contains(&name) {
        return Err(fail(format!(
            "no distribution '{name}'{}; {UNCERTAIN_FORMS}",
            did_you_mean(name, DISTRIBUTIONS.iter().copied())
        )));
    }
    let separator = if name == "values" { ',' } else { ':' };
    let mut numbers = Vec::new();
    for part in rest.split(separator) {
        let part = part.trim();
        match part.parse::<f64>() {
            Ok(number) if number.is_finite() => numbers.push(number),
            _ => {
                return Err(fail(format!(
                    "'{part}' is not a number; a {name} distribution is written {}",
                    written_form(name)
                )))
            }
        }
    }
    let wanted = fields_of(name);
    if name != "values" && numbers.len() != wanted.len() {
        return Err(fail(format!(
            "a {name} distribution takes {} numbers ({}), not {}; write {}",
            wanted.len(),
            wanted.join(", "),
            numbers.len(),
            written_form(name)
        )));
    }
    let distribution = match name {
        "normal" => Distribution::Normal {
            mean: numbers[0],
            sd: numbers[1],
        },
        "lognormal" => Distribution::LogNormal {
            mean: numbers[0],
            sd: numbers[1],
        },
        "triangular" => Distribution::Triangular {
            min: numbers[0],
            mode: numbers[1],
            max: numbers[2],
        },
        "uniform" => Distribution::Uniform {
            min: numbers[0],
            max: numbers[1],
        },
        _ => Distribution::Values(numbers),
    };
    distribution.check().map_err(fail)?;
    Ok(Uncertain {
        id: path.to_string(),
        path: path.to_string(),
        apply,
        distribution,
        source: format!("--uncertain {argument}"),
    })
}

fn written_form(name: &str) -> &'static str {
    match name {
        "normal" => "normal:MEAN:SD",
        "lognormal" => "lognormal:MEAN:SD",
        "triangular" => "triangular:MIN:MODE:MAX",
        "uniform" => "uniform:MIN:MAX",
        _ => "values:V1,V2,...",
    }
}

/// Parses `--correlate A,B=RHO` (A and B uncertain ids or paths).
pub fn parse_correlate(argument: &str) -> Result<Correlation> {
    let fail = |reason: &str| anyhow!("--correlate {argument}: {reason}");
    let forms = "expected A,B=RHO with A and B the ids (or paths) of two uncertain parameters and RHO in [-1, 1], e.g. --correlate hv_attrition,dn_attrition=0.6";
    let Some((pair, rho)) = argument.rsplit_once('=') else {
        return Err(fail(forms));
    };
    let Some((first, second)) = pair.split_once(',') else {
        return Err(fail(forms));
    };
    let rho: f64 = rho
        .trim()
        .parse()
        .ok()
        .filter(|r: &f64| r.is_finite())
        .ok_or_else(|| fail(forms))?;
    Ok(Correlation {
        first: first.trim().to_string(),
        second: second.trim().to_string(),
        rho,
        source: format!("--correlate {argument}"),
    })
}

/// The parameters of a simulation, in order, and the lower Cholesky factor
/// of their correlation matrix (None when they are independent).
#[derive(Debug, Clone)]
pub struct Parameters {
    pub list: Vec<Uncertain>,
    pub factor: Option<Vec<Vec<f64>>>,
    /// The pairs given (first index < second), for reports.
    pub correlations: Vec<(usize, usize, f64)>,
}

impl Parameters {
    /// The model's entries, then the command line's: an `--uncertain` on a
    /// path the model declares replaces that entry (keeping its id). Checks
    /// ids and paths are unique, and the correlations: known ids (or
    /// paths), two different parameters, ρ in [-1, 1], a pair given once
    /// (or twice with the same ρ), and a positive semi-definite matrix.
    pub fn new(
        model: Vec<Uncertain>,
        model_correlations: Vec<Correlation>,
        command_line: Vec<Uncertain>,
        command_correlations: Vec<Correlation>,
    ) -> Result<Parameters> {
        let mut list = model;
        for entry in command_line {
            if let Some(existing) = list.iter_mut().find(|p| p.path == entry.path) {
                let id = existing.id.clone();
                *existing = Uncertain { id, ..entry };
            } else if list.iter().any(|p| p.id == entry.id) {
                bail!(
                    "{}: the path is given twice on the command line; give it once",
                    entry.source
                );
            } else {
                list.push(entry);
            }
        }
        if list.is_empty() {
            bail!("nothing is uncertain: declare [[uncertain]] entries in the model file or give --uncertain PATH=DIST (e.g. --uncertain group.health_visitor.attrition=normal:0.1:0.01)");
        }
        for (index, parameter) in list.iter().enumerate() {
            if let Some(other) = list[..index].iter().find(|p| p.id == parameter.id) {
                bail!(
                    "{}: the id '{}' is also used by {}; give each uncertain parameter its own id",
                    parameter.source,
                    parameter.id,
                    other.source
                );
            }
            if let Some(other) = list[..index].iter().find(|p| p.path == parameter.path) {
                bail!(
                    "{}: the path {} is also made uncertain by {}; give one distribution per path",
                    parameter.source,
                    parameter.path,
                    other.source
                );
            }
        }
        let count = list.len();
        let mut matrix = vec![vec![0.0; count]; count];
        for (i, row) in matrix.iter_mut().enumerate() {
            row[i] = 1.0;
        }
        let mut given: Vec<Option<(f64, String)>> = vec![None; count * count];
        let mut correlations = Vec::new();
        let find = |name: &str, source: &str| -> Result<usize> {
            list.iter()
                .position(|p| p.id == name)
                .or_else(|| list.iter().position(|p| p.path == name))
                .ok_or_else(|| {
                    anyhow!(
                        "{source}: no uncertain parameter '{name}'{}; the uncertain parameters are {}",
                        did_you_mean(name, list.iter().map(|p| p.id.as_str())),
                        list.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
                    )
                })
        };
        for correlation in model_correlations.iter().chain(&command_correlations) {
            let source = &correlation.source;
            let a = find(&correlation.first, source)?;
            let b = find(&correlation.second, source)?;
            if a == b {
                bail!("{source}: a parameter's correlation with itself is 1; name two different parameters");
            }
            let rho = correlation.rho;
            if !(-1.0..=1.0).contains(&rho) {
                bail!(
                    "{source}: a correlation must lie in [-1, 1], not {}",
                    number_text(rho)
                );
            }
            let (low, high) = (a.min(b), a.max(b));
            match &given[low * count + high] {
                Some((earlier, _)) if *earlier == rho => continue,
                Some((earlier, earlier_source)) => bail!(
                    "{source}: the correlation of '{}' and '{}' is also given as {} by {earlier_source}; give it once",
                    list[low].id,
                    list[high].id,
                    number_text(*earlier)
                ),
                None => {}
            }
            given[low * count + high] = Some((rho, source.clone()));
            matrix[low][high] = rho;
            matrix[high][low] = rho;
            correlations.push((low, high, rho));
        }
        let factor = if correlations.iter().any(|(_, _, rho)| *rho != 0.0) {
            Some(cholesky(&matrix).map_err(|column| {
                let involved: Vec<String> = correlations
                    .iter()
                    .filter(|(a, b, _)| *a <= column && *b <= column)
                    .map(|(a, b, rho)| {
                        format!("{}~{} {}", list[*a].id, list[*b].id, number_text(*rho))
                    })
                    .collect();
                anyhow!(
                    "the correlations cannot hold together: the correlation matrix of the uncertain parameters is not positive semi-definite ({}); make them weaker or consistent",
                    involved.join(", ")
                )
            })?)
        } else {
            None
        };
        Ok(Parameters {
            list,
            factor,
            correlations,
        })
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Sample `index`'s draws (0-based), one per parameter, from `seed`.
    pub fn draw(&self, seed: u64, index: usize) -> Vec<f64> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        rng.set_stream(index as u64);
        let independent: Vec<f64> = (0..self.list.len())
            .map(|_| rng.sample(StandardNormal))
            .collect();
        let normals: Vec<f64> = match &self.factor {
            Some(factor) => factor
                .iter()
                .map(|row| {
                    row.iter()
                        .zip(&independent)
                        .map(|(l, z)| l * z)
                        .sum::<f64>()
                })
                .collect(),
            None => independent,
        };
        self.list
            .iter()
            .zip(normals)
            .map(|(parameter, z)| parameter.distribution.from_normal(z))
            .collect()
    }
}

/// The lower Cholesky factor L (L·Lᵀ = matrix) of a symmetric positive
/// semi-definite matrix; a zero pivot (a parameter fully determined by the
/// earlier ones) leaves its column zero. Err(column) where the matrix is
/// found not to be positive semi-definite.
pub fn cholesky(matrix: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, usize> {
    const TOLERANCE: f64 = 1e-9;
    let n = matrix.len();
    let mut factor = vec![vec![0.0; n]; n];
    for j in 0..n {
        let pivot = matrix[j][j] - factor[j][..j].iter().map(|l| l * l).sum::<f64>();
        if pivot < -TOLERANCE {
            return Err(j);
        }
        let diagonal = pivot.max(0.0).sqrt();
        factor[j][j] = diagonal;
        for i in j + 1..n {
            let rest = matrix[i][j]
                - factor[i][..j]
                    .iter()
                    .zip(&factor[j][..j])
                    .map(|(a, b)| a * b)
                    .sum::<f64>();
            if diagonal <= TOLERANCE {
                if rest.abs() > 1e-7 {
                    return Err(i.max(j));
                }
                factor[i][j] = 0.0;
            } else {
                factor[i][j] = rest / diagonal;
            }
        }
    }
    Ok(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_of_a_valid_and_an_invalid_matrix() {
        let valid = vec![vec![1.0, 0.5], vec![0.5, 1.0]];
        let factor = cholesky(&valid).unwrap();
        assert!((factor[1][0] - 0.5).abs() < 1e-12);
        assert!((factor[1][1] - 0.75f64.sqrt()).abs() < 1e-12);
        // Perfect correlation is allowed (a zero pivot).
        assert!(cholesky(&[vec![1.0, 1.0], vec![1.0, 1.0]]).is_ok());
        let invalid = vec![
            vec![1.0, 0.9, -0.9],
            vec![0.9, 1.0, 0.9],
            vec![-0.9, 0.9, 1.0],
        ];
        assert_eq!(cholesky(&invalid), Err(2));
    }

    #[test]
    fn inverse_cdfs() {
        let uniform = Distribution::Uniform { min: 2.0, max: 4.0 };
        assert!((uniform.from_normal(0.0) - 3.0).abs() < 1e-12);
        let triangular = Distribution::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 2.0,
        };
        assert!((triangular.from_normal(0.0) - 1.0).abs() < 1e-12);
        assert!((normal_cdf(1.959963984540054) - 0.975).abs() < 1e-12);
        let values = Distribution::Values(vec![1.0, 2.0, 3.0]);
        assert_eq!(values.from_normal(-10.0), 1.0);
        assert_eq!(values.from_normal(10.0), 3.0);
        let lognormal = Distribution::LogNormal { mean: 2.0, sd: 0.5 };
        let (mu, sigma) = lognormal_parameters(2.0, 0.5);
        assert!(((mu + sigma * sigma / 2.0).exp() - 2.0).abs() < 1e-12);
        assert!((lognormal.from_normal(0.0) - mu.exp()).abs() < 1e-12);
    }
}
