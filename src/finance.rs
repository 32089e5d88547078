//! Money that says what it is: the `[finance]` section (price base, pay
//! uplift, inflation, discount rate and its source), the price and pay
//! indices built from it, and costs by staff group, category and year.
//! Pure: `spec` reads the section, `report::finance` writes the tables.
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

use crate::model::{CostCategory, Destination, HireSource, Model, Series};
use crate::solution::{clean, Solution};
use crate::spec::Param;

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

/// Who a cost is booked to: a staff group, or a pool (training into a
/// pool, temporary staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holder {
    Group,
    Pool,
}

impl Holder {
    pub fn as_str(self) -> &'static str {
        match self {
            Holder::Group => "group",
            Holder::Pool => "pool",
        }
    }
}

/// Real cost of one holder, region and category, per period.
#[derive(Debug, Clone, PartialEq)]
pub struct CostLine {
    pub holder: Holder,
    pub id: String,
    pub name: String,
    /// The region the cost falls in (its id): the holder's region, else
    /// that of the pipeline (training) or service (temporary staff) it is
    /// for. None for a cost of no region (a model without regions, a
    /// national entity), and for the national lines of `national`.
    pub region: Option<String>,
    pub category: CostCategory,
    pub real: Vec<f64>,
}

/// Cash by staff group (or pool), region and category and period, in
/// real terms: salaries, hiring, exits, surplus and reduced hours to the
/// group; training (courses and trainee salaries) and moves to the group
/// (or pool) they lead to; temporary staff to their pool. For each
/// category and period the lines sum to `Solution::cost`. Lines that are 0
/// throughout are left out. Without regions every line's region is None.
pub fn cost_lines(solution: &Solution) -> Vec<CostLine> {
    let model = &solution.model;
    let plan = &solution.plan.decisions;
    let periods = model.periods.len();
    let region_id = |region: Option<usize>| region.map(|r| model.regions[r].id.clone());
    let mut lines: Vec<CostLine> = Vec::new();
    let mut add = |holder: Holder,
                   id: &str,
                   name: &str,
                   region: Option<String>,
                   category: CostCategory,
                   period: usize,
                   amount: f64| {
        if amount == 0.0 {
            return;
        }
        let position = match lines.iter().position(|l| {
            l.holder == holder && l.id == id && l.region == region && l.category == category
        }) {
            Some(position) => position,
            None => {
                lines.push(CostLine {
                    holder,
                    id: id.to_string(),
                    name: name.to_string(),
                    region,
                    category,
                    real: vec![0.0; periods],
                });
                lines.len() - 1
            }
        };
        lines[position].real[period] += amount;
    };
    for period in 0..periods {
        for (g, group) in model.groups.iter().enumerate() {
            let book = |category, amount| (Holder::Group, &group.id, &group.name, category, amount);
            let mut entries = vec![book(
                CostCategory::Salary,
                group.salary_per_fte[period] * plan.stock[g][period],
            )];
            for (source, hires) in &plan.hire[g] {
                let pool_cost = match source {
                    HireSource::Pool(pool) => model.pools[*pool].hire_cost_per_fte[period],
                    HireSource::OpenMarket => 0.0,
                };
                entries.push(book(
                    CostCategory::Hire,
                    (group.hire_cost_per_fte[period] + pool_cost) * hires[period],
                ));
            }
            if let (Some(exits), Some(rate)) = (&plan.exit[g], &group.exit_cost_per_fte) {
                entries.push(book(CostCategory::Exit, rate[period] * exits[period]));
            }
            entries.push(book(
                CostCategory::Surplus,
                group.surplus_cost_per_fte[period] * plan.surplus[g][period],
            ));
            if let (Some(reduced), Some(options)) = (&plan.reduced[g], &group.reduced_hours) {
                entries.push(book(
                    CostCategory::Reduced,
                    options.cost_per_fte[period] * reduced[period],
                ));
            }
            for (holder, id, name, category, amount) in entries {
                add(
                    holder,
                    id,
                    name,
                    region_id(group.region),
                    category,
                    period,
                    amount,
                );
            }
        }
        for (p, pipeline) in model.pipelines.iter().enumerate() {
            let trainees = solution.plan.in_training[p][period];
            let (holder, id, name, region) = match pipeline.to {
                Destination::Group(g) => {
                    let group = &model.groups[g];
                    (Holder::Group, &group.id, &group.name, group.region)
                }
                Destination::Pool(l) => {
                    let pool = &model.pools[l];
                    (Holder::Pool, &pool.id, &pool.name, pool.region)
                }
            };
            let region = region_id(region.or(pipeline.region));
            add(
                holder,
                id,
                name,
                region.clone(),
                CostCategory::TrainingCourse,
                period,
                pipeline.cost_per_trainee[period] * trainees,
            );
            add(
                holder,
                id,
                name,
                region,
                CostCategory::TraineeSalary,
                period,
                pipeline.trainee_salary[period] * trainees,
            );
        }
        for (m, movement) in model.moves.iter().enumerate() {
            let to = &model.groups[movement.to];
            add(
                Holder::Group,
                &to.id,
                &to.name,
                region_id(to.region),
                CostCategory::Move,
                period,
                movement.cost_per_move[period] * plan.moves[m][period],
            );
        }
        for (service, temps) in plan.temp.iter().enumerate() {
            for (pool, temp) in temps {
                let pool = &model.pools[*pool];
                add(
                    Holder::Pool,
                    &pool.id,
                    &pool.name,
                    region_id(pool.region.or(model.services[service].region)),
                    CostCategory::Temp,
                    period,
                    pool.rate_per_fte[period] * temp[period],
                );
            }
        }
    }
    for line in &mut lines {
        line.real.iter_mut().for_each(|v| *v = clean(*v));
    }
    lines.retain(|line| line.real.iter().any(|v| *v != 0.0));
    sort_in_line_order(model, &mut lines);
    lines
}

/// The national lines of `cost_lines`: each holder and category summed
/// over its regions (region None), in the same order.
pub fn national(lines: &[CostLine]) -> Vec<CostLine> {
    let mut national: Vec<CostLine> = Vec::new();
    for line in lines {
        match national
            .iter_mut()
            .find(|n| n.holder == line.holder && n.id == line.id && n.category == line.category)
        {
            Some(total) => {
                for (sum, value) in total.real.iter_mut().zip(&line.real) {
                    *sum += value;
                }
            }
            None => national.push(CostLine {
                region: None,
                ..line.clone()
            }),
        }
    }
    for line in &mut national {
        line.real.iter_mut().for_each(|v| *v = clean(*v));
    }
    national
}

/// What places a line of cost (`CostLine`, `ChangeLine`): its holder,
/// holder id, region id and category.
trait Placed {
    fn place(&self) -> (Holder, &str, Option<&str>, CostCategory);
}

impl Placed for CostLine {
    fn place(&self) -> (Holder, &str, Option<&str>, CostCategory) {
        (self.holder, &self.id, self.region.as_deref(), self.category)
    }
}

impl Placed for ChangeLine {
    fn place(&self) -> (Holder, &str, Option<&str>, CostCategory) {
        (self.holder, &self.id, self.region.as_deref(), self.category)
    }
}

/// Sorts lines by `line_order`.
fn sort_in_line_order<L: Placed>(model: &Model, lines: &mut [L]) {
    lines.sort_by_key(|line| {
        let (holder, id, region, category) = line.place();
        line_order(model, holder, id, region, category)
    });
}

/// Where a line sorts: holders as in the model (groups, then pools), then
/// regions as declared (a line of no region last), then category.
fn line_order(
    model: &Model,
    holder: Holder,
    id: &str,
    region: Option<&str>,
    category: CostCategory,
) -> (Holder, usize, usize, CostCategory) {
    let position = match holder {
        Holder::Group => model.groups.iter().position(|g| g.id == id),
        Holder::Pool => model.pools.iter().position(|p| p.id == id),
    };
    let region = region.and_then(|r| model.regions.iter().position(|x| x.id == r));
    (
        holder,
        position.unwrap_or(usize::MAX),
        region.unwrap_or(usize::MAX),
        category,
    )
}

/// The three ways a money figure is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Outturn prices: what is paid in each year.
    Cash,
    /// The prices of the price base.
    Real,
    /// Present value at the first period (real, discounted).
    Discounted,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Cash, Basis::Real, Basis::Discounted];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Cash => "cash",
            Basis::Real => "real",
            Basis::Discounted => "discounted",
        }
    }
}

/// Converts real money by period (price-base prices) into each basis.
#[derive(Debug, Clone)]
pub struct Converter {
    pub price_index: Vec<f64>,
    pub discount_factor: Vec<f64>,
    /// Real amounts are shown times this (`Finance::real_factor`).
    pub real_factor: f64,
}

impl Converter {
    pub fn new(model: &Model) -> Converter {
        Converter {
            price_index: model.finance.price_index.clone(),
            discount_factor: (0..model.periods.len())
                .map(|t| crate::lp::objective::discount_factor(model, t))
                .collect(),
            real_factor: model.finance.real_factor,
        }
    }

    /// An amount in real terms (price-base prices) in period t, stated on
    /// `basis`: cash in outturn prices, real in the prices of
    /// `real_prices`, discounted in price-base prices (the objective's).
    pub fn convert(&self, real: f64, period: usize, basis: Basis) -> f64 {
        clean(match basis {
            Basis::Cash => real * self.price_index[period],
            Basis::Real => real * self.real_factor,
            Basis::Discounted => real * self.discount_factor[period],
        })
    }
}

/// One line of the policy's cost change: a holder and category, base and
/// policy in real terms per period.
#[derive(Debug, Clone)]
pub struct ChangeLine {
    pub holder: Holder,
    pub id: String,
    pub name: String,
    /// As `CostLine::region`.
    pub region: Option<String>,
    pub category: CostCategory,
    pub base: Vec<f64>,
    pub policy: Vec<f64>,
}

impl ChangeLine {
    /// Policy minus base, real, per period.
    pub fn change(&self) -> Vec<f64> {
        self.policy
            .iter()
            .zip(&self.base)
            .map(|(p, b)| clean(p - b))
            .collect()
    }
}

/// A limit on money (a funding envelope) in the policy, by period.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: String,
    pub name: String,
    pub periods: Vec<usize>,
    /// The limit and what is spent against it, real, per listed period.
    pub limit: Vec<f64>,
    pub spend: Vec<f64>,
    /// Discounted value of one more unit (real) of the limit in that period.
    pub shadow_price: Vec<f64>,
    pub soft: bool,
}

/// The finance of a policy against its base: cost lines by holder,
/// category and year, the unmet-care penalty apart, what the policy buys,
/// and the funding envelopes. Money in real terms; `converter` states it
/// as cash or discounted.
#[derive(Debug, Clone)]
pub struct FinanceImpact {
    pub currency: String,
    pub periods: Vec<String>,
    pub price_base: Option<String>,
    /// The year real amounts are shown in (None: the price base).
    pub real_prices: Option<String>,
    pub declared: bool,
    pub discount_rate: f64,
    pub discount_rate_source: Option<String>,
    pub converter: Converter,
    /// National lines (summed over regions): gross, offsets and net are
    /// taken over these.
    pub lines: Vec<ChangeLine>,
    /// With regions, the lines by region (a national entity's region
    /// None); empty without regions.
    pub regional: Vec<ChangeLine>,
    /// Unmet-care penalty (a valuation, not cash), real, per period.
    pub penalty_base: Vec<f64>,
    pub penalty_policy: Vec<f64>,
    pub envelopes: Vec<Envelope>,
}

/// Builds the finance of `policy` against `base` (two solved scenarios of
/// one model).
pub fn impact(base: &Solution, policy: &Solution) -> FinanceImpact {
    let model = &policy.model;
    let periods = model.periods.len();
    let (base_lines, policy_lines) = (cost_lines(base), cost_lines(policy));
    let lines = change_lines(model, &national(&base_lines), &national(&policy_lines));
    let regional = if model.has_regions() {
        change_lines(model, &base_lines, &policy_lines)
    } else {
        Vec::new()
    };
    let penalty = |solution: &Solution| -> Vec<f64> {
        (0..periods).map(|t| solution.unmet_penalty(t)).collect()
    };
    FinanceImpact {
        currency: model.currency.clone(),
        periods: model.periods.clone(),
        price_base: model.finance.price_base.clone(),
        real_prices: model.finance.real_prices.clone(),
        declared: model.finance.declared,
        discount_rate: model.discount_rate,
        discount_rate_source: model.finance.discount_rate_source.clone(),
        converter: Converter::new(model),
        lines,
        regional,
        penalty_base: penalty(base),
        penalty_policy: penalty(policy),
        envelopes: envelopes(policy),
    }
}

/// The change from `base` to `policy` of each line (holder, region,
/// category) either has, in `line_order`.
fn change_lines(model: &Model, base: &[CostLine], policy: &[CostLine]) -> Vec<ChangeLine> {
    let periods = model.periods.len();
    let mut lines: Vec<ChangeLine> = Vec::new();
    for (cost_lines, is_policy) in [(base, false), (policy, true)] {
        for line in cost_lines {
            let position = match lines.iter().position(|l| l.place() == line.place()) {
                Some(position) => position,
                None => {
                    lines.push(ChangeLine {
                        holder: line.holder,
                        id: line.id.clone(),
                        name: line.name.clone(),
                        region: line.region.clone(),
                        category: line.category,
                        base: vec![0.0; periods],
                        policy: vec![0.0; periods],
                    });
                    lines.len() - 1
                }
            };
            if is_policy {
                lines[position].policy = line.real.clone();
            } else {
                lines[position].base = line.real.clone();
            }
        }
    }
    sort_in_line_order(model, &mut lines);
    lines
}

/// The limits of a plan on money (unit the currency, or every term a cost)
/// with a maximum: funding envelopes.
pub fn envelopes(solution: &Solution) -> Vec<Envelope> {
    let model = &solution.model;
    let results = solution.conditions();
    let mut envelopes = Vec::new();
    for condition in &model.conditions {
        let money = condition.unit == model.currency
            || (!condition.expression.terms.is_empty()
                && condition.expression.terms.iter().all(|(_, q)| q.is_money()));
        if condition.kind != crate::model::ConditionKind::Limit
            || condition.max.is_none()
            || !money
            || condition.per_region
        {
            continue;
        }
        let mut envelope = Envelope {
            id: condition.id.clone(),
            name: condition.name.clone(),
            periods: Vec::new(),
            limit: Vec::new(),
            spend: Vec::new(),
            shadow_price: Vec::new(),
            soft: condition.penalty.is_some(),
        };
        for result in results.iter().filter(|r| r.id == condition.id) {
            let Some(period) = model.periods.iter().position(|p| *p == result.period) else {
                continue;
            };
            envelope.periods.push(period);
            envelope.limit.push(result.max.unwrap_or(f64::NAN));
            envelope.spend.push(result.activity);
            envelope.shadow_price.push(result.shadow_price);
        }
        if !envelope.periods.is_empty() {
            envelopes.push(envelope);
        }
    }
    envelopes
}

/// Gross, offsets and net of a set of changes on one basis: gross is the
/// sum of the increases (each holder, category and year counted apart),
/// offsets the sum of the decreases (negative), net their sum.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GrossNet {
    pub gross: f64,
    pub offsets: f64,
    pub net: f64,
}

impl FinanceImpact {
    /// Gross, offsets and net in one period on `basis`.
    pub fn gross_net_in(&self, period: usize, basis: Basis) -> GrossNet {
        let mut total = GrossNet::default();
        for line in &self.lines {
            let change =
                self.converter
                    .convert(line.policy[period] - line.base[period], period, basis);
            if change > 0.0 {
                total.gross += change;
            } else {
                total.offsets += change;
            }
        }
        total.net = total.gross + total.offsets;
        total
    }

    /// Gross, offsets and net over the horizon on `basis`.
    pub fn gross_net(&self, basis: Basis) -> GrossNet {
        let mut total = GrossNet::default();
        for period in 0..self.periods.len() {
            let year = self.gross_net_in(period, basis);
            total.gross += year.gross;
            total.offsets += year.offsets;
            total.net += year.net;
        }
        total
    }

    /// A line's change summed over the horizon on `basis`.
    pub fn line_total(&self, line: &ChangeLine, basis: Basis) -> f64 {
        line.change()
            .iter()
            .enumerate()
            .map(|(t, change)| self.converter.convert(*change, t, basis))
            .sum()
    }

    /// The change in the unmet-care penalty over the horizon on `basis`
    /// (real or discounted: it is a valuation, not cash).
    pub fn penalty_change(&self, basis: Basis) -> f64 {
        (0..self.periods.len())
            .map(|t| {
                self.converter
                    .convert(self.penalty_policy[t] - self.penalty_base[t], t, basis)
            })
            .sum()
    }

    /// How a basis is described in a report: "cash (outturn prices)",
    /// "real (2024/25 prices)", "discounted (present value at 2010/11, 3.5% a year)".
    pub fn basis_label(&self, basis: Basis) -> String {
        match basis {
            Basis::Cash => "cash (outturn prices)".to_string(),
            Basis::Real => format!("real ({})", self.real_label_text()),
            Basis::Discounted => format!(
                "discounted (present value at {}, {}% a year{})",
                self.periods[0],
                crate::solve::format_number(self.discount_rate * 100.0),
                self.restated_base()
                    .map(|base| format!(", {base} prices"))
                    .unwrap_or_default()
            ),
        }
    }
}

impl FinanceImpact {
    /// The price base when real amounts are restated in another year's
    /// prices (discounted amounts and shadow prices stay in it); else None.
    pub fn restated_base(&self) -> Option<&str> {
        match (&self.real_prices, &self.price_base) {
            (Some(shown), Some(base)) if shown != base => Some(base),
            _ => None,
        }
    }
}

/// The symbol of a currency code wfplan knows (GBP £, EUR €, USD $).
pub fn currency_symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "GBP" => Some("£"),
        "EUR" => Some("€"),
        "USD" => Some("$"),
        _ => None,
    }
}

/// The unit of a chart axis in millions of the model's currency:
/// "£ million" for GBP, "NZD million" for a code without a symbol.
pub fn millions(currency: &str) -> String {
    match currency_symbol(currency) {
        Some(symbol) => format!("{symbol} million"),
        None => format!("{currency} million"),
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
