//! Age bands, model side: a group's `[group.age]` checked into `AgeBands`.
//! The stock of a group with bands is the sum of its bands, so every
//! expression, row and table about the group works as before; the bands
//! carry their own attrition (retirement concentrated in the older bands)
//! and a share of each band ages into the next every period. See
//! `lp::age` for the equations.
//!
//! Errors name the file, the group and the field: bands that are not ids or
//! repeat, a list whose length does not match the bands, shares or mixes
//! that do not sum to 1, an ageing share or a rate outside [0, 1], and
//! `age.attrition` given beside the group's `attrition`.

use anyhow::{bail, Result};

use crate::model::{is_valid_id, Checker, Series, ID_RULE};
use crate::spec::GroupSpec;

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
    pub hire_mix: Vec<f64>,
    pub completion_mix: Vec<f64>,
    pub move_in_mix: Vec<f64>,
    pub leaver_mix: Vec<f64>,
    /// FTE per head by band (None: the group's participation).
    pub participation: Option<Vec<f64>>,
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

/// Checks `[group.age]` against the group's opening FTE and attrition.
pub(crate) fn build(
    checker: &mut Checker,
    label: &str,
    group: &GroupSpec,
    opening: f64,
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
    let mix = |field: &str, given: &Option<Vec<f64>>| match given {
        Some(values) => shares(field, values),
        None => Ok(opening_share.clone()),
    };
    let hire_mix = mix("hire_mix", &age.hire_mix)?;
    let completion_mix = mix("completion_mix", &age.completion_mix)?;
    let move_in_mix = mix("move_in_mix", &age.move_in_mix)?;
    let leaver_mix = mix("leaver_mix", &age.leaver_mix)?;
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
