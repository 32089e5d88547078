//! Demand from need: `[[driver]]` series (population by age group, births,
//! caseload) and a service's `need`, one term or a list of them:
//!
//! ```text
//! demand[s,t] = Σ_terms driver[d,r,t] × contacts_per_unit[t] ÷ contacts_per_fte[t]
//! ```
//!
//! (r the service's region). Demand is data: the programme sees only the
//! FTE series, so a change in a rate (`--set service.hv.need.contacts_per_unit=4`,
//! a scenario, a sweep) moves demand by driver × Δrate ÷ contacts_per_fte.
//!
//! Errors name the file, the service (and region) and the field: a driver
//! that does not exist (nearest id suggested), a driver without a value for
//! the service's region (or, from its CSV, a period), contacts per FTE of
//! zero, both or neither of `demand` and `need`, two terms with one id.

use anyhow::{anyhow, bail, Context, Result};

use crate::model::{check_id, check_label_text, is_valid_id, Checker, Series};
use crate::spec::{did_you_mean, DriverSpec, ServiceSpec};

/// A `[[driver]]`, for reports (its values are read per service region
/// into each `NeedTerm`).
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    pub id: String,
    pub name: String,
    /// What one unit is (`births`); default "units".
    pub unit: String,
    pub source: Option<String>,
    /// Given as one series for every region (not by region) in a model
    /// with regions: `model::warnings` says so.
    pub national_in_regional_model: bool,
}

/// One term of a service's demand, in the service's region.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedTerm {
    /// The term's id (default: its driver's).
    pub id: String,
    /// Index into `Model::drivers`.
    pub driver: usize,
    /// The driver's value in the service's region, per period.
    pub driver_values: Series,
    pub contacts_per_unit: Series,
    pub contacts_per_fte: Series,
    /// driver × contacts_per_unit ÷ contacts_per_fte, per period.
    pub fte: Series,
}

impl NeedTerm {
    /// FTE of demand one more contact per unit adds in a period:
    /// driver ÷ contacts_per_fte.
    pub fn fte_per_contact_per_unit(&self, period: usize) -> f64 {
        self.driver_values[period] / self.contacts_per_fte[period]
    }
}

/// The `[[driver]]`s: ids follow the id rule and are unique, texts are one line.
pub(crate) fn build_drivers(
    file: &str,
    specs: &[DriverSpec],
    regional: bool,
) -> Result<Vec<Driver>> {
    let mut drivers: Vec<Driver> = Vec::new();
    for (index, driver) in specs.iter().enumerate() {
        let label = if is_valid_id(&driver.id) {
            format!("driver '{}'", driver.id)
        } else {
            format!("driver #{}", index + 1)
        };
        check_id(file, &label, &driver.id)?;
        for (field, text) in [
            ("name", driver.name.as_deref()),
            ("unit", driver.unit.as_deref()),
            ("source", driver.source.as_deref()),
        ] {
            if let Some(text) = text {
                check_label_text(file, &label, field, text)?;
            }
        }
        if drivers.iter().any(|d| d.id == driver.id) {
            bail!("{file}: two drivers have the id '{}'", driver.id);
        }
        drivers.push(Driver {
            id: driver.id.clone(),
            name: driver.name.clone().unwrap_or_else(|| driver.id.clone()),
            unit: driver.unit.clone().unwrap_or_else(|| "units".to_string()),
            source: driver.source.clone(),
            national_in_regional_model: regional
                && !matches!(driver.values, crate::spec::Param::ByRegion(_)),
        });
    }
    Ok(drivers)
}

/// A service's demand per period and, for a `need`, its terms. Exactly one
/// of `demand` and `need` must be given.
pub(crate) fn service_demand(
    checker: &mut Checker,
    label: &str,
    service: &ServiceSpec,
    driver_specs: &[DriverSpec],
) -> Result<(Series, Vec<NeedTerm>)> {
    let file = checker.file;
    let need = match (&service.demand, &service.need) {
        (Some(demand), None) => {
            return Ok((checker.non_negative(label, "demand", Some(demand), 0.0)?, Vec::new()))
        }
        (Some(_), Some(_)) => bail!(
            "{file}: {label}, field 'need': a service takes `demand` (FTE per period) or `need` (drivers × contacts), not both"
        ),
        (None, None) => bail!(
            "{file}: {label}: missing field 'demand': expected `demand` (FTE per period) or `need = {{ driver, contacts_per_unit, contacts_per_fte }}`"
        ),
        (None, Some(need)) => need,
    };
    if need.0.is_empty() {
        bail!("{file}: {label}, field 'need': expected at least one term {{ driver, contacts_per_unit, contacts_per_fte }}");
    }
    let single = need.0.len() == 1;
    let periods = checker.periods.len();
    let mut terms: Vec<NeedTerm> = Vec::new();
    let mut demand = vec![0.0; periods];
    for term in &need.0 {
        let id = term.effective_id().to_string();
        let field = |name: &str| {
            if single {
                format!("need.{name}")
            } else {
                format!("need.{id}.{name}")
            }
        };
        if terms.iter().any(|t| t.id == id) {
            bail!(
                "{file}: {label}, field 'need': two terms are named '{id}'; give each an `id` (setting paths name a term by it: service.{}.need.<id>.contacts_per_unit)",
                service.id
            );
        }
        let Some(driver) = driver_specs.iter().position(|d| d.id == term.driver) else {
            bail!(
                "{file}: {label}, field '{}': no driver '{}'{} (declare it with [[driver]])",
                field("driver"),
                term.driver,
                did_you_mean(&term.driver, driver_specs.iter().map(|d| d.id.as_str()))
            );
        };
        let driver_label = format!("driver '{}'", term.driver);
        let driver_values = checker
            .non_negative(
                &driver_label,
                "values",
                Some(&driver_specs[driver].values),
                0.0,
            )
            .with_context(|| {
                format!(
                    "{file}: {label}, field '{}': the driver has no usable value for this service",
                    field("driver")
                )
            })?;
        let contacts_per_unit = checker.non_negative(
            label,
            &field("contacts_per_unit"),
            Some(&term.contacts_per_unit),
            0.0,
        )?;
        let contacts_per_fte = checker.non_negative(
            label,
            &field("contacts_per_fte"),
            Some(&term.contacts_per_fte),
            0.0,
        )?;
        if let Some(t) = contacts_per_fte.iter().position(|c| *c <= 0.0) {
            bail!(
                "{file}: {label}, field '{}': expected a positive number of contacts one FTE delivers, got {} in {} (demand would be infinite)",
                field("contacts_per_fte"),
                contacts_per_fte[t],
                checker.periods[t]
            );
        }
        let fte: Series = (0..periods)
            .map(|t| driver_values[t] * contacts_per_unit[t] / contacts_per_fte[t])
            .collect();
        if let Some(t) = fte.iter().position(|v| !crate::model::sane(*v)) {
            return Err(anyhow!(
                "{file}: {label}, field '{}': the demand it gives in {} ({}) is out of range (below 1e20, and 0 or at least 1e-9)",
                field("contacts_per_fte"),
                checker.periods[t],
                fte[t]
            ));
        }
        for (total, value) in demand.iter_mut().zip(&fte) {
            *total += value;
        }
        terms.push(NeedTerm {
            id,
            driver,
            driver_values,
            contacts_per_unit,
            contacts_per_fte,
            fte,
        });
    }
    Ok((demand, terms))
}
