//! Age bands, model side: a group's `[group.age]` checked into `AgeBands`.
//! The stock of a group with bands is the sum of its bands, so every
//! expression, row and table about the group works as before; the bands
//! carry their own attrition (retirement concentrated in the older bands)
//! and a share of each band ages into the next every period. See
//! `lp::age` for the equations.
//!
//! Errors name the file, the group and the field: bands that are not ids or
//! repeat, age-range bands (`u40`, `40-49`, `55plus`) that leave a gap,
//! overlap or stop short of the oldest ages, a list whose length does not match the bands, shares or mixes
//! that do not sum to 1, an ageing share or a rate outside [0, 1], and
//! `age.attrition` given beside the group's `attrition`.

use anyhow::{bail, Result};

use crate::model::{is_valid_id, Checker, Series, ID_RULE};
use crate::spec::{did_you_mean, GroupSpec, Mix};

/// A group's age bands.
#[derive(Debug, Clone, PartialEq)]
pub struct AgeBands {
    /// Band ids, youngest first.
    pub bands: Vec<String>,
    /// Opening FTE by band (opening × opening_share).
    pub opening: Vec<f64>,
    /// Attrition by band and period.
    pub attrition: Vec<Series>,
    /// Share of each band's stayers that moves up a band each period (0
    /// for the last band).
    pub ageing: Vec<f64>,
    pub hire_mix: SourceMix,
    pub completion_mix: SourceMix,
    pub move_in_mix: SourceMix,
    pub leaver_mix: Vec<f64>,
    /// FTE per head by band (None: the group's participation).
    pub participation: Option<Vec<f64>>,
}

/// An age mix by source: (source id, shares) for the sources listed, and
/// the mix of every other source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceMix {
    pub by_source: Vec<(String, Vec<f64>)>,
    pub otherwise: Vec<f64>,
}

impl SourceMix {
    /// The shares of a source (a pool id or `open_market`, a pipeline id,
    /// a move id).
    pub fn of(&self, source: &str) -> &[f64] {
        self.by_source
            .iter()
            .find(|(id, _)| id == source)
            .map_or(&self.otherwise, |(_, shares)| shares)
    }
}

impl AgeBands {
    /// The bands a selector names: one band id, or `first..last`
    /// (inclusive, youngest first). None when a name is not a band.
    pub fn select(&self, selector: &str) -> Option<Vec<usize>> {
        let position = |id: &str| self.bands.iter().position(|b| b == id);
        match selector.split_once("..") {
            Some((first, last)) => {
                let (first, last) = (position(first)?, position(last)?);
                (first <= last).then(|| (first..=last).collect())
            }
            None => position(selector).map(|band| vec![band]),
        }
    }
}

/// The ages a band id names when it reads as an age range: `u40` or
/// `under40` (every age below 40), `40-49` (40 to 49), `55plus` (55 and
/// over). (first age, last age), None where the band is open.
fn age_range(id: &str) -> Option<(Option<u32>, Option<u32>)> {
    let number = |text: &str| -> Option<u32> {
        (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    if let Some(upper) = id.strip_prefix("under").or_else(|| id.strip_prefix('u')) {
        return number(upper).map(|upper| (None, Some(upper.saturating_sub(1))));
    }
    if let Some(lower) = id.strip_suffix("plus") {
        return number(lower).map(|lower| (Some(lower), None));
    }
    let (first, last) = id.split_once('-')?;
    Some((Some(number(first)?), Some(number(last)?)))
}

/// Bands whose ids all read as age ranges (`u40`, `40-49`, `55plus`) must
/// cover the ages: youngest first, each starting the year after the one
/// before ends, with no gap and no overlap, and the last open above (it
/// keeps its staff until they leave, so a closed last band would leave the
/// older ages without a band). Ids that are not all age ranges are names,
/// not checked.
fn check_coverage(at: &str, bands: &[String]) -> Result<()> {
    let Some(ranges) = bands
        .iter()
        .map(|id| age_range(id))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(());
    };
    for (index, (band, (first, last))) in bands.iter().zip(&ranges).enumerate() {
        if let (Some(first), Some(last)) = (first, last) {
            if first > last {
                bail!("{at}: band '{band}' runs from age {first} down to {last}; expected its first age, then its last");
            }
        }
        if first.is_none() && index > 0 {
            bail!("{at}: band '{band}' takes every age below {}, so it must be the first band (youngest first)", last.map_or(0, |l| l + 1));
        }
        if last.is_none() && index + 1 < bands.len() {
            bail!("{at}: band '{band}' takes every age from {} up, so it must be the last band (youngest first)", first.unwrap_or(0));
        }
    }
    for pair in 0..bands.len().saturating_sub(1) {
        let (before, after) = (&bands[pair], &bands[pair + 1]);
        let (Some(end), (Some(start), after_last)) = (ranges[pair].1, ranges[pair + 1]) else {
            continue; // open ends were refused above
        };
        if start > end + 1 {
            bail!(
                "{at}: ages {} to {} are in no band (between '{before}' and '{after}'); the bands must cover the ages without a gap",
                end + 1,
                start - 1
            );
        }
        if start <= end {
            bail!(
                "{at}: ages {start} to {} are in two bands ('{before}' and '{after}'); expected each band to start the year after the one before ends, youngest first",
                after_last.map_or(end, |last| last.min(end))
            );
        }
    }
    if let (Some(last_band), Some((_, Some(last_age)))) = (bands.last(), ranges.last()) {
        bail!(
            "{at}: the last band '{last_band}' ends at age {last_age}, so staff older than that have no band (the last band keeps its staff until they leave); make it open above, e.g. '{}plus'",
            ranges.last().and_then(|r| r.0).unwrap_or(*last_age)
        );
    }
    Ok(())
}

/// The ids a group's inflows come through, for mixes by source: the pools
/// it hires from (or `open_market`), the pipelines into it, the moves into it.
pub(crate) struct Sources {
    pub hires: Vec<String>,
    pub pipelines: Vec<String>,
    pub moves: Vec<String>,
}

impl Sources {
    pub(crate) fn of(spec: &crate::spec::Spec, group: &GroupSpec) -> Sources {
        let hires = match &group.from_pools {
            Some(pools) => pools.clone(),
            None => vec!["open_market".to_string()],
        };
        let pipelines = spec
            .pipelines
            .iter()
            .filter(|p| p.to == group.id)
            .map(|p| p.id.clone())
            .collect();
        let moves = spec
            .moves
            .iter()
            .filter(|m| m.to == group.id)
            .map(|m| m.effective_id())
            .collect();
        Sources {
            hires,
            pipelines,
            moves,
        }
    }
}

/// Checks `[group.age]` against the group's opening FTE and attrition.
pub(crate) fn build(
    checker: &mut Checker,
    label: &str,
    group: &GroupSpec,
    opening: f64,
    sources: &Sources,
) -> Result<Option<AgeBands>> {
    let Some(age) = &group.age else {
        return Ok(None);
    };
    let file = checker.file;
    let at = |field: &str| format!("{file}: {label}, field 'age.{field}'");
    let count = age.bands.len();
    if count == 0 {
        bail!(
            "{}: expected at least one band id, youngest first",
            at("bands")
        );
    }
    for (position, band) in age.bands.iter().enumerate() {
        if !is_valid_id(band) {
            bail!("{}: {band:?} is not a valid band id: expected {ID_RULE} (e.g. \"u30\", \"50-54\", \"60plus\")", at("bands"));
        }
        if age.bands[..position].contains(band) {
            bail!("{}: band '{band}' is listed twice", at("bands"));
        }
    }
    check_coverage(&at("bands"), &age.bands)?;
    let length = |field: &str, values: usize, wanted: usize| -> Result<()> {
        if values != wanted {
            bail!(
                "{}: expected {wanted} value(s), one per band{} ({}), got {values}",
                at(field),
                if wanted + 1 == count {
                    " but the last"
                } else {
                    ""
                },
                age.bands.join(", ")
            );
        }
        Ok(())
    };
    let shares = |field: &str, values: &[f64]| -> Result<Vec<f64>> {
        length(field, values.len(), count)?;
        if let Some(bad) = values.iter().find(|v| !(0.0..=1.0).contains(*v)) {
            bail!("{}: expected shares in [0, 1], got {bad}", at(field));
        }
        let total: f64 = values.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            bail!(
                "{}: the shares add up to {total}, not 1 (one share per band: {})",
                at(field),
                age.bands.join(", ")
            );
        }
        Ok(values.to_vec())
    };
    let opening_share = shares("opening_share", &age.opening_share)?;
    let source_mix = |field: &str, given: &Option<Mix>, sources: &[String]| -> Result<SourceMix> {
        match given {
            None => Ok(SourceMix {
                by_source: Vec::new(),
                otherwise: opening_share.clone(),
            }),
            Some(Mix::One(values)) => Ok(SourceMix {
                by_source: Vec::new(),
                otherwise: shares(field, values)?,
            }),
            Some(Mix::BySource(table)) => {
                let mut by_source = Vec::new();
                for (source, values) in table {
                    if !sources.contains(source) {
                        bail!(
                            "{}: '{source}' is not one of the group's sources here{} (expected one of: {})",
                            at(field),
                            did_you_mean(source, sources.iter().map(String::as_str)),
                            if sources.is_empty() { "none".to_string() } else { sources.join(", ") }
                        );
                    }
                    by_source.push((
                        source.clone(),
                        shares(&format!("{field}.{source}"), values)?,
                    ));
                }
                Ok(SourceMix {
                    by_source,
                    otherwise: opening_share.clone(),
                })
            }
        }
    };
    let hire_mix = source_mix("hire_mix", &age.hire_mix, &sources.hires)?;
    let completion_mix = source_mix("completion_mix", &age.completion_mix, &sources.pipelines)?;
    let move_in_mix = source_mix("move_in_mix", &age.move_in_mix, &sources.moves)?;
    let leaver_mix = match &age.leaver_mix {
        Some(values) => shares("leaver_mix", values)?,
        None => opening_share.clone(),
    };
    length("ageing", age.ageing.len(), count - 1)?;
    if let Some(bad) = age.ageing.iter().find(|v| !(0.0..=1.0).contains(*v)) {
        bail!(
            "{}: expected a share in [0, 1] of each band's stayers moving up a band each period, got {bad}",
            at("ageing")
        );
    }
    let mut ageing = age.ageing.clone();
    ageing.push(0.0);
    let attrition = match &age.attrition {
        Some(rates) => {
            if group.attrition.is_some() {
                bail!("{}: attrition is given by band here and for the whole group in `attrition`; give one of them", at("attrition"));
            }
            length("attrition", rates.len(), count)?;
            rates
                .iter()
                .zip(&age.bands)
                .map(|(param, band)| {
                    checker.rate(label, &format!("age.attrition.{band}"), Some(param), 0.0)
                })
                .collect::<Result<Vec<_>>>()?
        }
        None => {
            let rate = checker.rate(label, "attrition", group.attrition.as_ref(), 0.0)?;
            vec![rate; count]
        }
    };
    let participation = match &age.participation {
        Some(values) => {
            length("participation", values.len(), count)?;
            if let Some(bad) = values.iter().find(|p| **p <= 0.0 || **p > 1.0) {
                bail!(
                    "{}: expected FTE per head in (0, 1], got {bad}",
                    at("participation")
                );
            }
            Some(values.clone())
        }
        None => None,
    };
    Ok(Some(AgeBands {
        bands: age.bands.clone(),
        opening: opening_share.iter().map(|share| opening * share).collect(),
        attrition,
        ageing,
        hire_mix,
        completion_mix,
        move_in_mix,
        leaver_mix,
        participation,
    }))
}
