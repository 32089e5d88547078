//! The first synthetic generator, kept for tests that need a large model in
//! memory (no CSV files): a chain of grades, sized by a few numbers,
//! deterministic. `generate` (the parent module) writes regional models with
//! their data for `wfplan generate` and `bench`.

use std::fmt::Write;

/// How large a synthetic model is.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub groups: usize,
    pub periods: usize,
    pub services: usize,
    pub pools: usize,
}

/// A small deterministic generator (xorshift), so no RNG crate is needed
/// for reproducible figures.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next()
    }
}

/// The TOML text of a synthetic model. Groups form a chain of grades: each
/// trains into the next through a one-year pipeline supervised by the
/// destination, moves down the chain with 80% retention, and hires from one
/// of the shared pools; each service is staffed by three neighbouring groups
/// with an unmet penalty, and one temporary pool serves every service. A
/// target asks the top grade to grow 20% by the last period.
pub fn model_text(size: Size) -> String {
    let Size {
        groups,
        periods,
        services,
        pools,
    } = size;
    let groups = groups.max(2);
    let pools = pools.max(1);
    let services = services.max(1);
    let periods = periods.max(1);
    let mut random = Sequence(0x9E37_79B9_7F4A_7C15);
    let mut out = String::new();
    let labels: Vec<String> = (0..periods).map(|t| format!("\"{}\"", 2025 + t)).collect();
    let _ = writeln!(
        out,
        "[model]\nname = \"Synthetic {groups} groups x {periods} periods\"\nperiods = [{}]\ndiscount_rate = 0.035\n",
        labels.join(", ")
    );
    let mut openings = Vec::new();
    for group in 0..groups {
        let opening = random.between(200.0, 2000.0).round();
        openings.push(opening);
        let _ = writeln!(
            out,
            "[[group]]\nid = \"g{group}\"\nopening = {opening}\nattrition = {:.3}\nnew_starter_attrition = {:.3}\nsalary = {:.0}\nhire_cost = {:.0}\nhire_max = {:.0}\nfrom_pools = [\"pool{}\"]\nexit_cost = {:.0}\nsurplus_cost = {:.0}\nreduced_hours = {{ max = {:.0}, output = 0.5, cost = 500 }}\n",
            random.between(0.05, 0.15),
            random.between(0.1, 0.2),
            random.between(30000.0, 60000.0),
            random.between(2000.0, 6000.0),
            opening * 0.2,
            group % pools,
            random.between(10000.0, 30000.0),
            random.between(0.0, 5000.0),
            opening * 0.05,
        );
    }
    for pool in 0..pools {
        let supply: Vec<String> = (0..periods)
            .map(|_| format!("{:.0}", random.between(100.0, 1000.0)))
            .collect();
        let _ = writeln!(
            out,
            "[[pool]]\nid = \"pool{pool}\"\nsupply = [{}]\nhire_cost = {:.0}\n",
            supply.join(", "),
            random.between(0.0, 8000.0)
        );
    }
    let service_ids: Vec<String> = (0..services).map(|s| format!("\"s{s}\"")).collect();
    let _ = writeln!(
        out,
        "[[pool]]\nid = \"agency\"\nkind = \"temporary\"\nsupply = {:.0}\nrate = 95000\nserves = [{}]\n",
        groups as f64 * 50.0,
        service_ids.join(", ")
    );
    for group in 0..groups - 1 {
        let _ = writeln!(
            out,
            "[[pipeline]]\nid = \"train{group}\"\nfrom = \"g{group}\"\nto = \"g{}\"\nduration = {}\ncompletion = 0.9\ncapacity = {:.0}\ncost = 15000\ntrainee_salary = 35000\nsupervision = {{ group = \"g{}\", fte_per_trainee = 0.2 }}\nin_training = [{:.0}]\n",
            group + 1,
            1 + group % 2,
            openings[group] * 0.1,
            group + 1,
            openings[group] * 0.02,
        );
        let _ = writeln!(out, "[[move]]\nfrom = \"g{}\"\nto = \"g{group}\"\nretention = 0.8\ncost = 1000\nmax = {:.0}\n", group + 1, openings[group + 1] * 0.05);
    }
    let total: f64 = openings.iter().sum();
    for service in 0..services {
        let first = service * groups / services;
        let staff: Vec<String> = (0..3)
            .map(|k| (first + k).min(groups - 1))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .enumerate()
            .map(|(k, g)| format!("g{g} = {:.2}", 1.0 - 0.15 * k as f64))
            .collect();
        let demand: Vec<String> = (0..periods)
            .map(|t| {
                format!(
                    "{:.0}",
                    total / services as f64 * 0.85 * (1.0 + 0.02 * t as f64)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "[[service]]\nid = \"s{service}\"\ndemand = [{}]\nstaffed_by = {{ {} }}\nunmet_penalty = 150000\n",
            demand.join(", "),
            staff.join(", ")
        );
    }
    let top = groups - 1;
    let _ = writeln!(
        out,
        "[[target]]\nid = \"grow_top\"\nexpr = \"stock(g{top})\"\nmin = {:.0}\nat = [{}]\npenalty = 500000\n",
        openings[top] * 1.2,
        labels[periods - 1]
    );
    out
}
