//! Costs by staff group (or pool), region, category and year, in real,
//! cash and discounted money (`finance` defines the three), and what a
//! policy changes in them: the finance view of a plan and of an impact.
//! Pure: `report::finance` writes the tables.

use wfplan_engine::solution::{clean, Solution};
use wfplan_model::model::{CostCategory, Destination, HireSource, Model};

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
                .map(|t| wfplan_lp::objective::discount_factor(model, t))
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
        if condition.kind != wfplan_model::model::ConditionKind::Limit
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
                wfplan_text::number::format_number(self.discount_rate * 100.0),
                self.restated_base()
                    .map(|base| format!(", {base} prices"))
                    .unwrap_or_default()
            ),
        }
    }
}

impl FinanceImpact {
    /// "2024/25 prices" or "prices as written".
    pub fn real_label_text(&self) -> String {
        wfplan_model::finance::real_label(self.real_prices.as_ref().or(self.price_base.as_ref()))
    }

    /// The price base when real amounts are restated in another year's
    /// prices (discounted amounts and shadow prices stay in it); else None.
    pub fn restated_base(&self) -> Option<&str> {
        match (&self.real_prices, &self.price_base) {
            (Some(shown), Some(base)) if shown != base => Some(base),
            _ => None,
        }
    }
}
