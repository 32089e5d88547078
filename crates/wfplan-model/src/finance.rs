//! Money that says what it is: the `[finance]` section (price base, pay
//! uplift, inflation, discount rate and its source) and the price and pay
//! indices built from it. Pure: `spec` reads the section; costs by staff
//! group, category and year are in `accounts`, written by
//! `report::finance`.
//!
//! Every money amount a model holds — salaries, costs, rates, penalties,
//! the bounds of targets and limits on money — is in **real** terms: the
//! prices of the price base (`price_base = "2024/25"`). The linear
//! programme works in those prices, and the objective discounts them at
//! the discount rate (HM Treasury's Green Book: real prices, discounted at
//! 3.5% a year). From real money per period t:
//!
//! ```text
//! price_index[base] = 1,  price_index[y] = price_index[y−1] · (1 + inflation[y])
//! pay_index[base]   = 1,  pay_index[y]   = pay_index[y−1]   · (1 + pay_uplift[y])
//! real pay[t]   = pay as written[t] · pay_index[t] / price_index[t]
//!                 (salaries, trainee salaries, temporary staff rates)
//! cash[t]       = real[t] · price_index[t]      (outturn prices)
//! discounted[t] = real[t] · (1 + δ)^−t          (present value at the first period)
//! ```
//!
//! (t counted from 0 here, as `lp::objective::discount_factor` counts it:
//! the first period is undiscounted; with periods numbered 1..T, as the
//! README and docs/DESIGN.md number them, the factor is (1 + δ)^−(t−1).)
//!
//! So pay rising with the pay awards while prices rise with inflation makes
//! later staff dearer in real terms when the awards run ahead of prices; a
//! pay uplift equal to inflation leaves the plan as written. Without
//! `[finance]`, both indices are 1 and cash, real and as written agree.
//!
//! `real_prices` restates real amounts in the prices of another year of
//! the index (e.g. 2010/11 rather than the price base 2024/25): real in
//! year R's prices = real · price_index[R]. It changes reports only: the
//! programme, its objective, the discounted amounts and the shadow prices
//! stay in price-base money, so no decision depends on it.

use anyhow::{anyhow, bail, Result};
use serde::Deserialize;

use crate::model::{Model, Series};
use crate::spec::Param;
use wfplan_text::number::clean;

/// `[finance]`: how the model's money is to be read.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FinanceSpec {
    /// The year whose prices the model's money is written in: one of the
    /// model's periods, or a financial year `YYYY/YY` reachable from them.
    pub price_base: Option<String>,
    /// Growth in pay from the year before, by year (pay awards): a number,
    /// a list (one per year) or a CSV/workbook series `period,value`.
    pub pay_uplift: Option<Param>,
    /// Growth in prices from the year before, by year (e.g. the GDP deflator).
    pub inflation: Option<Param>,
    /// The year whose prices real amounts are shown in (default the price
    /// base): any year of the index. Restates reports; changes no decision.
    pub real_prices: Option<String>,
    /// The discount rate (real), e.g. 0.035.
    pub discount_rate: Option<f64>,
    /// Where the discount rate comes from, e.g. "HM Treasury Green Book (2022), 3.5%".
    pub discount_rate_source: Option<String>,
}

/// The finance conventions of a model, resolved to its periods.
#[derive(Debug, Clone)]
pub struct Finance {
    /// Whether the model has a `[finance]` section.
    pub declared: bool,
    /// The price base (None without `[finance]`).
    pub price_base: Option<String>,
    /// The years the indices run over: the model's periods, extended to the
    /// price base when it lies outside them.
    pub years: Vec<String>,
    /// Inflation and pay uplift by year (as given; 0 where not given).
    pub inflation: Vec<f64>,
    pub pay_uplift: Vec<f64>,
    /// Prices of each period relative to the price base.
    pub price_index: Series,
    /// Pay of each period relative to the price base.
    pub pay_index: Series,
    pub discount_rate_source: Option<String>,
    /// The year whose prices real amounts are shown in (None: the price
    /// base), and its price index against the price base: real amounts
    /// are shown times this factor.
    pub real_prices: Option<String>,
    pub real_factor: f64,
}

impl Finance {
    /// No `[finance]`: indices of 1 for every period.
    pub fn as_written(periods: usize) -> Finance {
        Finance {
            declared: false,
            price_base: None,
            years: Vec::new(),
            inflation: Vec::new(),
            pay_uplift: Vec::new(),
            price_index: vec![1.0; periods],
            pay_index: vec![1.0; periods],
            discount_rate_source: None,
            real_prices: None,
            real_factor: 1.0,
        }
    }

    /// Cash (outturn prices) in period t of an amount in real terms.
    pub fn cash(&self, real: f64, period: usize) -> f64 {
        clean(real * self.price_index[period])
    }

    /// "2024/25 prices" (the year real amounts are shown in), or "prices
    /// as written" without a price base.
    pub fn real_label(&self) -> String {
        real_label(self.real_prices.as_ref().or(self.price_base.as_ref()))
    }
}

/// "2010/11 prices" for the year real amounts are shown in, or "prices as
/// written" without one.
pub fn real_label(year: Option<&String>) -> String {
    match year {
        Some(year) => format!("{year} prices"),
        None => "prices as written".to_string(),
    }
}

/// The years of the price and pay indices: the model's periods when the
/// price base is one of them (or there is none); else, when the periods are
/// consecutive financial years `YYYY/YY`, every financial year from the
/// earlier of the first period and the price base to the later of the last
/// period and the price base.
pub fn index_years(periods: &[String], price_base: Option<&str>) -> Result<Vec<String>, String> {
    let Some(base) = price_base else {
        return Ok(periods.to_vec());
    };
    if periods.iter().any(|p| p == base) {
        return Ok(periods.to_vec());
    }
    let not_a_year = || {
        format!(
            "'{base}' is not one of the model's periods ({}) nor a financial year such as \"2024/25\" reachable from them",
            periods.join(", ")
        )
    };
    let base_year = financial_year(base).ok_or_else(not_a_year)?;
    let starts: Vec<i32> = periods
        .iter()
        .map(|p| financial_year(p))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            format!(
                "'{base}' is not one of the model's periods, and the periods ({}) are not financial years \"YYYY/YY\", so no other year can be placed against them",
                periods.join(", ")
            )
        })?;
    if starts.windows(2).any(|pair| pair[1] != pair[0] + 1) {
        return Err(format!(
            "'{base}' is not one of the model's periods, and the periods ({}) are not consecutive financial years",
            periods.join(", ")
        ));
    }
    let first = starts[0].min(base_year);
    let last = starts[starts.len() - 1].max(base_year);
    if last - first > 200 {
        return Err(not_a_year());
    }
    Ok((first..=last)
        .map(|year| format!("{year}/{:02}", (year + 1).rem_euclid(100)))
        .collect())
}

/// The first calendar year of a financial year label `YYYY/YY` (e.g.
/// "2024/25" → 2024); None for any other text.
pub fn financial_year(label: &str) -> Option<i32> {
    let (first, second) = label.split_once('/')?;
    if first.len() != 4 || second.len() != 2 {
        return None;
    }
    let year: i32 = first.parse().ok()?;
    let next: i32 = second.parse().ok()?;
    (first.chars().all(|c| c.is_ascii_digit())
        && second.chars().all(|c| c.is_ascii_digit())
        && (year + 1).rem_euclid(100) == next)
        .then_some(year)
}

/// Validates `[finance]` (after its series are read) into the indices by
/// period. `discount_rate` is `[model]`'s. Errors name the file, `[finance]`
/// and the field.
pub fn build(
    file: &str,
    spec: Option<&FinanceSpec>,
    periods: &[String],
    model_discount_rate: f64,
) -> Result<(Finance, f64)> {
    let Some(spec) = spec else {
        return Ok((Finance::as_written(periods.len()), model_discount_rate));
    };
    let at = |field: &str| format!("{file}: [finance], field '{field}'");
    for (field, text) in [
        ("price_base", spec.price_base.as_deref()),
        ("real_prices", spec.real_prices.as_deref()),
        ("discount_rate_source", spec.discount_rate_source.as_deref()),
    ] {
        if let Some(text) = text {
            crate::model::check_label_text(file, "[finance]", field, text)?;
        }
    }
    let has_series =
        spec.pay_uplift.is_some() || spec.inflation.is_some() || spec.real_prices.is_some();
    if has_series && spec.price_base.is_none() {
        bail!(
            "{}: expected the year whose prices the model's money is written in (e.g. price_base = \"{}\"): inflation, pay_uplift and real_prices are read from it",
            at("price_base"),
            periods[0]
        );
    }
    let years = index_years(periods, spec.price_base.as_deref())
        .map_err(|message| anyhow!("{}: {message}", at("price_base")))?;
    let growth = |field: &str, param: Option<&Param>| -> Result<Vec<f64>> {
        let values = match param {
            None => vec![0.0; years.len()],
            Some(Param::Scalar(value)) => vec![*value; years.len()],
            Some(Param::Series(values)) => {
                if values.len() != years.len() {
                    bail!(
                        "{}: expected {} values (one per year: {}), got {}",
                        at(field),
                        years.len(),
                        years.join(", "),
                        values.len()
                    );
                }
                values.clone()
            }
            Some(Param::File(path)) => bail!("{}: CSV file '{path}' was not read", at(field)),
            Some(Param::ByRegion(_)) => bail!(
                "{}: expected a number, a list or a CSV series by year; {field} holds for the whole model, not by region",
                at(field)
            ),
        };
        for (year, value) in years.iter().zip(&values) {
            if !value.is_finite() || value.abs() >= 1e6 {
                bail!(
                    "{}: expected a finite rate, got {value} in {year}",
                    at(field)
                );
            }
            if *value <= -1.0 {
                bail!(
                    "{}: expected a rate above −100% (e.g. 0.02 for 2% a year), got {value} in {year}: prices cannot fall to nothing or below",
                    at(field)
                );
            }
        }
        Ok(values)
    };
    let inflation = growth("inflation", spec.inflation.as_ref())?;
    // Pay rises with prices unless told otherwise.
    let pay_uplift = match &spec.pay_uplift {
        None => inflation.clone(),
        Some(param) => growth("pay_uplift", Some(param))?,
    };
    let base_position = match &spec.price_base {
        Some(base) => years.iter().position(|y| y == base).unwrap_or(0),
        None => 0,
    };
    let index_of = |growth: &[f64]| -> Vec<f64> {
        let mut index = vec![1.0; years.len()];
        for year in base_position + 1..years.len() {
            index[year] = index[year - 1] * (1.0 + growth[year]);
        }
        for year in (0..base_position).rev() {
            index[year] = index[year + 1] / (1.0 + growth[year + 1]);
        }
        index
    };
    let price_by_year = index_of(&inflation);
    let real_factor = match &spec.real_prices {
        None => 1.0,
        Some(year) => match years.iter().position(|y| y == year) {
            Some(position) => price_by_year[position],
            None => bail!(
                "{}: expected one of the index years ({}), got '{year}'",
                at("real_prices"),
                years.join(", ")
            ),
        },
    };
    let on_periods = |index: Vec<f64>| -> Series {
        periods
            .iter()
            .map(|p| index[years.iter().position(|y| y == p).unwrap_or(0)])
            .collect()
    };
    let discount_rate = match spec.discount_rate {
        None => model_discount_rate,
        Some(rate) => {
            if !(0.0..1.0).contains(&rate) {
                bail!(
                    "{}: expected a rate in [0, 1) (e.g. 0.035, HM Treasury Green Book), got {rate}",
                    at("discount_rate")
                );
            }
            if model_discount_rate != 0.0 && model_discount_rate != rate {
                bail!(
                    "{}: {rate} differs from [model] discount_rate = {model_discount_rate}; give the discount rate once",
                    at("discount_rate")
                );
            }
            rate
        }
    };
    if spec.discount_rate_source.is_some() && discount_rate == 0.0 {
        bail!(
            "{}: a source is given but the discount rate is 0; set [finance] discount_rate",
            at("discount_rate_source")
        );
    }
    Ok((
        Finance {
            declared: true,
            price_base: spec.price_base.clone(),
            price_index: on_periods(price_by_year),
            pay_index: on_periods(index_of(&pay_uplift)),
            years,
            inflation,
            pay_uplift,
            discount_rate_source: spec.discount_rate_source.clone(),
            real_prices: spec.real_prices.clone(),
            real_factor,
        },
        discount_rate,
    ))
}

/// Puts pay into real terms: salaries, trainee salaries and temporary
/// staff rates as written (price-base pay) times pay_index / price_index.
pub fn apply_real_pay(model: &mut Model) {
    let factor: Vec<f64> = model
        .finance
        .pay_index
        .iter()
        .zip(&model.finance.price_index)
        .map(|(pay, price)| pay / price)
        .collect();
    if factor.iter().all(|f| *f == 1.0) {
        return;
    }
    let scale = |series: &mut Series| {
        for (value, f) in series.iter_mut().zip(&factor) {
            *value *= f;
        }
    };
    for group in &mut model.groups {
        scale(&mut group.salary_per_fte);
    }
    for pipeline in &mut model.pipelines {
        scale(&mut pipeline.trainee_salary);
    }
    for pool in &mut model.pools {
        scale(&mut pool.rate_per_fte);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_years_extend_to_the_price_base() {
        let periods: Vec<String> = ["2010/11", "2011/12"].map(String::from).to_vec();
        assert_eq!(index_years(&periods, Some("2011/12")).unwrap(), periods);
        assert_eq!(
            index_years(&periods, Some("2013/14")).unwrap(),
            ["2010/11", "2011/12", "2012/13", "2013/14"].map(String::from)
        );
        assert_eq!(
            index_years(&periods, Some("2009/10")).unwrap(),
            ["2009/10", "2010/11", "2011/12"].map(String::from)
        );
        assert_eq!(index_years(&periods, Some("1999/00")).unwrap().len(), 13);
        assert!(index_years(&periods, Some("2013/15")).is_err());
        assert!(index_years(&periods, Some("next year")).is_err());
        let labels: Vec<String> = ["Y1", "Y2"].map(String::from).to_vec();
        assert!(index_years(&labels, Some("2024/25")).is_err());
        assert_eq!(financial_year("1999/00"), Some(1999));
        assert_eq!(financial_year("+999/00"), None);
    }
}
