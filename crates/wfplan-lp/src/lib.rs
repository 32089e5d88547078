//! The linear programme: variables keyed by entity and period, one function
//! per constraint family (in `constraints`), and the cost expressions and
//! objectives (in `objective`). `build` is the readable list of families.
//!
//! Rows are kept in our own `Row` list (name, family, linear expression,
//! bounds) as well as handed to good_lp, so that reports, duals, elastic
//! re-solves and LP/MPS export all share stable row names
//! `family[entity,period]`.

pub mod age;
pub mod constraints;
pub mod export;
pub mod flows;
pub mod integer;
pub mod name;
pub mod objective;

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use good_lp::{variable, Expression, IntoAffineExpression, ProblemVariables, Variable};

pub use name::Name;
use wfplan_model::model::{HireSource, Model};

/// The index good_lp gave a variable: the order in which it was added to
/// its `ProblemVariables`. good_lp keeps the field private but derives
/// `Hash` on that one `usize`, so hashing a variable writes exactly it.
/// Looking columns up through this index instead of a hash map took the
/// map's inserts and lookups out of building and passing a programme.
pub fn variable_index(variable: Variable) -> usize {
    /// Keeps the last `usize` written.
    struct IndexOf(usize);

    impl Hasher for IndexOf {
        fn write(&mut self, _bytes: &[u8]) {
            // A derived `Hash` of one `usize` calls `write_usize`; anything
            // else means good_lp's `Variable` changed, and no index could
            // be trusted (the unit test below fails too).
            unreachable!("good_lp's Variable no longer hashes one usize");
        }

        fn write_usize(&mut self, value: usize) {
            self.0 = value;
        }

        fn finish(&self) -> u64 {
            self.0 as u64
        }
    }

    let mut index = IndexOf(usize::MAX);
    variable.hash(&mut index);
    index.0
}

/// Column index of each good_lp variable, by `variable_index`
/// (`NO_COLUMN` for a variable that is not a column).
pub type ColumnIndex = Vec<usize>;

/// `ColumnIndex`'s entry for a variable made outside `Lp::add_column`.
pub const NO_COLUMN: usize = usize::MAX;

/// Bounds of one column.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: Name,
    pub lower: f64,
    pub upper: f64,
    /// A whole-number column (the programme is then a MIP).
    pub integer: bool,
}

/// The constraint families, in the order `build` adds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    StockBalance,
    AgeTotal,
    Capacity,
    ServiceCover,
    SkillMix,
    PoolSupply,
    IntakeCapacity,
    MinimumCohort,
    HireCap,
    ExitCap,
    MoveCap,
    ReducedHoursCap,
    Target,
    Limit,
    ObjectiveBound,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::StockBalance => "stock_balance",
            Family::AgeTotal => "age_total",
            Family::Capacity => "capacity",
            Family::ServiceCover => "service_cover",
            Family::SkillMix => "skill_mix",
            Family::PoolSupply => "pool_supply",
            Family::IntakeCapacity => "intake_capacity",
            Family::MinimumCohort => "minimum_cohort",
            Family::HireCap => "hire_cap",
            Family::ExitCap => "exit_cap",
            Family::MoveCap => "move_cap",
            Family::ReducedHoursCap => "reduced_hours_cap",
            Family::Target => "target",
            Family::Limit => "limit",
            Family::ObjectiveBound => "objective_bound",
        }
    }
}

/// One row: `lower ≤ expression ≤ upper` with a linear expression (no
/// constant); equal bounds make an equality. At most one side is finite
/// unless the row is an equality.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: Name,
    pub family: Family,
    pub expression: Expression,
    pub lower: f64,
    pub upper: f64,
    /// For target and limit rows: the index of the condition in `model.conditions`.
    pub condition: Option<usize>,
}

impl Row {
    pub fn is_equality(&self) -> bool {
        self.lower == self.upper
    }
}

/// Which side of a condition a row enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Min,
    Max,
}

/// The soft slack of one condition instance (a period, or the total): its
/// columns, or (`ConditionSlack<f64>`) their values in a plan.
#[derive(Debug, Clone)]
pub struct ConditionSlack<T = Variable> {
    /// Shortfall below `min`.
    pub below: Option<T>,
    /// Excess above `max`.
    pub above: Option<T>,
}

/// Decision variables, keyed by entity and period (0-based): the
/// programme's columns (`Vars`), or their values in a solved plan
/// (`Vars<f64>`, see `plan::Plan`), with the same shape.
/// With regions, each regional entity is one entity per region (see
/// `model::build`), so no extra level is needed here.
#[derive(Debug, Clone)]
pub struct Vars<T = Variable> {
    /// [group][period]
    pub stock: Vec<Vec<T>>,
    /// [group] → (source, [period])
    pub hire: Vec<Vec<(HireSource, Vec<T>)>>,
    /// [pipeline][period]
    pub intake: Vec<Vec<T>>,
    /// [move][period]
    pub moves: Vec<Vec<T>>,
    /// [group] → [period], where managed exits are allowed
    pub exit: Vec<Option<Vec<T>>>,
    /// [service] → (group, [period])
    pub work: Vec<Vec<(usize, Vec<T>)>>,
    /// [group][period]
    pub surplus: Vec<Vec<T>>,
    /// [group] → [period], where reduced hours are offered
    pub reduced: Vec<Option<Vec<T>>>,
    /// [service] → (temporary pool, [period])
    pub temp: Vec<Vec<(usize, Vec<T>)>>,
    /// [service] → [period], where an unmet penalty is set
    pub unmet: Vec<Option<Vec<T>>>,
    /// [condition] → [instance]: one instance per listed period, or one for a total
    pub slack: Vec<Vec<ConditionSlack<T>>>,
    /// [pipeline] → [period], where the course runs or not (a minimum
    /// cohort or a fixed cost per run): 1 if it runs, binary.
    pub run: Vec<Option<Vec<T>>>,
    /// [group] → [band][period], for a group with age bands.
    pub band_stock: Vec<Option<Vec<Vec<T>>>>,
}

impl<T> Default for ConditionSlack<T> {
    fn default() -> Self {
        ConditionSlack {
            below: None,
            above: None,
        }
    }
}

impl<T> Default for Vars<T> {
    fn default() -> Self {
        Vars {
            stock: Vec::new(),
            hire: Vec::new(),
            intake: Vec::new(),
            moves: Vec::new(),
            exit: Vec::new(),
            work: Vec::new(),
            surplus: Vec::new(),
            reduced: Vec::new(),
            temp: Vec::new(),
            unmet: Vec::new(),
            slack: Vec::new(),
            run: Vec::new(),
            band_stock: Vec::new(),
        }
    }
}

impl<T: Copy> Vars<T> {
    /// The same shape with every entry mapped (a column to its value).
    pub fn map<U>(&self, mut f: impl FnMut(T) -> U) -> Vars<U> {
        let f = &mut f as &mut dyn FnMut(T) -> U;
        fn series<T: Copy, U>(entries: &[T], f: &mut dyn FnMut(T) -> U) -> Vec<U> {
            entries.iter().map(|&x| f(x)).collect()
        }
        fn keyed<K: Copy, T: Copy, U>(
            entries: &[(K, Vec<T>)],
            f: &mut dyn FnMut(T) -> U,
        ) -> Vec<(K, Vec<U>)> {
            entries.iter().map(|(k, s)| (*k, series(s, f))).collect()
        }
        Vars {
            stock: self.stock.iter().map(|s| series(s, f)).collect(),
            hire: self.hire.iter().map(|s| keyed(s, f)).collect(),
            intake: self.intake.iter().map(|s| series(s, f)).collect(),
            moves: self.moves.iter().map(|s| series(s, f)).collect(),
            exit: self
                .exit
                .iter()
                .map(|s| s.as_deref().map(|s| series(s, f)))
                .collect(),
            work: self.work.iter().map(|s| keyed(s, f)).collect(),
            surplus: self.surplus.iter().map(|s| series(s, f)).collect(),
            reduced: (self.reduced.iter())
                .map(|s| s.as_deref().map(|s| series(s, f)))
                .collect(),
            temp: self.temp.iter().map(|s| keyed(s, f)).collect(),
            unmet: self
                .unmet
                .iter()
                .map(|s| s.as_deref().map(|s| series(s, f)))
                .collect(),
            slack: (self.slack.iter())
                .map(|instances| {
                    (instances.iter())
                        .map(|slack| ConditionSlack {
                            below: slack.below.map(&mut *f),
                            above: slack.above.map(&mut *f),
                        })
                        .collect()
                })
                .collect(),
            run: self
                .run
                .iter()
                .map(|s| s.as_deref().map(|s| series(s, f)))
                .collect(),
            band_stock: (self.band_stock.iter())
                .map(|bands| {
                    bands
                        .as_ref()
                        .map(|b| b.iter().map(|s| series(s, f)).collect())
                })
                .collect(),
        }
    }
}

/// A column of the programme, or its value in a solved plan. Flows
/// (`flows`) are written once over either: over columns they are the
/// linear expressions of the stock-balance rows, over values the numbers
/// flows.csv reports.
pub trait Term: Copy {
    /// A sum of terms: a good_lp `Expression`, or a number.
    type Sum: From<f64>
        + From<Self>
        + std::ops::Neg<Output = Self::Sum>
        + std::ops::AddAssign
        + std::ops::Mul<f64, Output = Self::Sum>;

    /// coefficient · self
    fn times(self, coefficient: f64) -> Self::Sum;
}

impl Term for Variable {
    type Sum = Expression;

    fn times(self, coefficient: f64) -> Expression {
        coefficient * self
    }
}

impl Term for f64 {
    type Sum = f64;

    fn times(self, coefficient: f64) -> f64 {
        coefficient * self
    }
}

/// The whole programme.
#[derive(Clone)]
pub struct Lp {
    pub variables: ProblemVariables,
    pub columns: Vec<Column>,
    /// The good_lp handle of each column, by column index.
    pub column_variables: Vec<Variable>,
    /// Column index of each variable (good_lp keeps its own index private).
    pub column_index: ColumnIndex,
    pub rows: Vec<Row>,
    pub vars: Vars,
    /// One expression per lexicographic stage (summed over periods, costs discounted).
    pub objectives: Vec<Expression>,
    /// The model's period labels, shared by every name that uses one.
    pub period_labels: Vec<Arc<str>>,
}

impl Lp {
    fn new(model: &Model) -> Self {
        Lp {
            period_labels: model
                .periods
                .iter()
                .map(|label| Arc::from(label.as_str()))
                .collect(),
            variables: ProblemVariables::new(),
            columns: Vec::new(),
            column_variables: Vec::new(),
            column_index: ColumnIndex::default(),
            rows: Vec::new(),
            vars: Vars::default(),
            objectives: Vec::new(),
        }
    }

    /// Adds a column `lower ≤ x ≤ upper` named `family[entity,period]`.
    pub fn add_column(&mut self, name: Name, lower: f64, upper: f64) -> Variable {
        let variable = self.variables.add(variable().min(lower).max(upper));
        self.columns.push(Column {
            name,
            lower,
            upper,
            integer: false,
        });
        let index = variable_index(variable);
        if self.column_index.len() <= index {
            self.column_index.resize(index + 1, NO_COLUMN);
        }
        self.column_index[index] = self.column_variables.len();
        self.column_variables.push(variable);
        variable
    }

    /// Makes a column a whole number.
    pub fn set_integer(&mut self, variable: Variable) {
        let index = self.index_of(variable);
        self.columns[index].integer = true;
    }

    /// Whether any column is a whole number (the programme is a MIP).
    pub fn is_mip(&self) -> bool {
        self.columns.iter().any(|column| column.integer)
    }

    /// The column index of a variable.
    pub fn index_of(&self, variable: Variable) -> usize {
        let column = self.column_index[variable_index(variable)];
        assert_ne!(column, NO_COLUMN, "a variable that is not a column");
        column
    }

    /// The value of an affine expression given column values.
    pub fn evaluate(&self, expression: &Expression, values: &[f64]) -> f64 {
        expression.constant()
            + expression
                .linear_coefficients()
                .map(|(variable, coefficient)| coefficient * values[self.index_of(variable)])
                .sum::<f64>()
    }

    /// One non-negative column per period, `family[entity,period]`.
    pub fn add_series(&mut self, family: &'static str, entity: &str) -> Vec<Variable> {
        let entity: Arc<str> = Arc::from(entity);
        (0..self.period_labels.len())
            .map(|period| {
                let name = Name::at(family, &entity, &self.period_labels[period]);
                self.add_column(name, 0.0, f64::INFINITY)
            })
            .collect()
    }

    /// The name `family[entity,period]` of a row of one entity in one period.
    pub fn row_name(&self, family: Family, entity: &Arc<str>, period: usize) -> Name {
        Name::at(family.as_str(), entity, &self.period_labels[period])
    }

    /// Adds `lower ≤ expression ≤ upper`; the expression's constant moves to the bounds.
    pub fn add_row(
        &mut self,
        family: Family,
        name: Name,
        expression: Expression,
        lower: f64,
        upper: f64,
    ) {
        self.add_condition_row(family, name, expression, lower, upper, None);
    }

    pub fn add_condition_row(
        &mut self,
        family: Family,
        name: Name,
        expression: Expression,
        lower: f64,
        upper: f64,
        condition: Option<usize>,
    ) {
        let constant = expression.constant();
        let linear = expression - constant;
        self.rows.push(Row {
            name,
            family,
            expression: linear,
            lower: lower - constant,
            upper: upper - constant,
            condition,
        });
    }

    /// `expression = value`
    pub fn add_equality(&mut self, family: Family, name: Name, expression: Expression, value: f64) {
        self.add_row(family, name, expression, value, value);
    }

    /// `expression ≤ value`
    pub fn add_at_most(&mut self, family: Family, name: Name, expression: Expression, value: f64) {
        self.add_row(family, name, expression, f64::NEG_INFINITY, value);
    }

    /// `expression ≥ value`
    pub fn add_at_least(&mut self, family: Family, name: Name, expression: Expression, value: f64) {
        self.add_row(family, name, expression, value, f64::INFINITY);
    }
}

/// Builds the programme: variables, then each constraint family, then the objectives.
pub fn build(model: &Model) -> Lp {
    let mut lp = Lp::new(model);
    add_variables(&mut lp, model);
    constraints::add_stock_balance(&mut lp, model);
    age::add_band_balances(&mut lp, model);
    constraints::add_capacity(&mut lp, model);
    constraints::add_service_cover(&mut lp, model);
    constraints::add_skill_mix(&mut lp, model);
    constraints::add_pool_supply(&mut lp, model);
    constraints::add_intake_capacity(&mut lp, model);
    integer::add_minimum_cohorts(&mut lp, model);
    constraints::add_hire_caps(&mut lp, model);
    constraints::add_exit_caps(&mut lp, model);
    constraints::add_move_caps(&mut lp, model);
    constraints::add_reduced_hours_caps(&mut lp, model);
    constraints::add_conditions(&mut lp, model);
    lp.objectives = model
        .objectives
        .iter()
        .map(|objective| objective::objective_expression(model, &lp.vars, &objective.expression))
        .collect();
    lp
}

/// Creates every variable that can be non-zero: hires only from the sources
/// a group names, work only where a group staffs a service, and so on.
fn add_variables(lp: &mut Lp, model: &Model) {
    for group in &model.groups {
        let stock = lp.add_series("stock", &group.key);
        lp.vars.stock.push(stock);
        let mut sources = Vec::new();
        for source in &group.hire_sources {
            let source_id = match source {
                HireSource::Pool(pool) => model.pools[*pool].key.as_str(),
                HireSource::OpenMarket => "open_market",
            };
            let hires = lp.add_series("hire", &format!("{},{source_id}", group.key));
            sources.push((*source, hires));
        }
        lp.vars.hire.push(sources);
        let exits = group
            .exit_cost_per_fte
            .as_ref()
            .map(|_| lp.add_series("exit", &group.key));
        lp.vars.exit.push(exits);
        let surplus = lp.add_series("surplus", &group.key);
        lp.vars.surplus.push(surplus);
        let reduced = group
            .reduced_hours
            .as_ref()
            .map(|_| lp.add_series("reduced", &group.key));
        lp.vars.reduced.push(reduced);
    }
    for pipeline in &model.pipelines {
        let intake = lp.add_series("intake", &pipeline.key);
        lp.vars.intake.push(intake);
    }
    for movement in &model.moves {
        let moves = lp.add_series("move", &movement.key);
        lp.vars.moves.push(moves);
    }
    for (service_index, service) in model.services.iter().enumerate() {
        let mut work = Vec::new();
        for (group, _) in &service.staffed_by {
            let key = format!("{},{}", model.groups[*group].key, service.key);
            work.push((*group, lp.add_series("work", &key)));
        }
        lp.vars.work.push(work);
        let mut temp = Vec::new();
        for (pool_index, pool) in model.pools.iter().enumerate() {
            if pool.temporary && pool.serves.iter().any(|(s, _)| *s == service_index) {
                let key = format!("{},{}", pool.key, service.key);
                temp.push((pool_index, lp.add_series("temp", &key)));
            }
        }
        lp.vars.temp.push(temp);
        let unmet = service
            .unmet_penalty
            .as_ref()
            .map(|_| lp.add_series("unmet", &service.key));
        lp.vars.unmet.push(unmet);
    }
    for condition in &model.conditions {
        let instances = constraints::condition_instances(model, condition);
        let mut slacks = Vec::new();
        for instance in &instances {
            let mut slack = ConditionSlack::default();
            if condition.penalty.is_some() {
                let label = format!("{},{}", condition.id, instance.key);
                if condition.min.is_some() {
                    let name = Name::whole("slack_below", label.as_str());
                    slack.below = Some(lp.add_column(name, 0.0, f64::INFINITY));
                }
                if condition.max.is_some() {
                    let name = Name::whole("slack_above", label.as_str());
                    slack.above = Some(lp.add_column(name, 0.0, f64::INFINITY));
                }
            }
            slacks.push(slack);
        }
        lp.vars.slack.push(slacks);
    }
    integer::add_run_columns(lp, model);
    integer::mark_integer_columns(lp, model);
    age::add_band_columns(lp, model);
}

/// Σ over the given variables.
pub fn sum(variables: impl IntoIterator<Item = Variable>) -> Expression {
    variables.into_iter().map(Expression::from).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// good_lp numbers variables in the order they are added; a variable
    /// made outside `add_column` leaves a gap the column index skips.
    #[test]
    fn columns_are_found_by_good_lps_variable_index() {
        let mut variables = ProblemVariables::new();
        let first = variables.add(variable());
        let second = variables.add(variable());
        assert_eq!((variable_index(first), variable_index(second)), (0, 1));

        let mut lp = Lp {
            variables: ProblemVariables::new(),
            columns: Vec::new(),
            column_variables: Vec::new(),
            column_index: ColumnIndex::new(),
            rows: Vec::new(),
            vars: Vars::default(),
            objectives: Vec::new(),
            period_labels: Vec::new(),
        };
        let a = lp.add_column("a".into(), 0.0, 1.0);
        let outside = lp.variables.add(variable());
        let b = lp.add_column("b".into(), 0.0, 2.0);
        assert_eq!((lp.index_of(a), lp.index_of(b)), (0, 1));
        assert_eq!(lp.columns[lp.index_of(b)].upper, 2.0);
        assert_eq!(lp.column_index[variable_index(outside)], NO_COLUMN);
    }
}
