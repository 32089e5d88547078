//! Synthetic models for `wfplan generate` and `wfplan bench`: a regional
//! workforce system of any size, written as a model file and CSV series so
//! that benchmarks exercise parsing and validation too. Deterministic: the
//! same shape and seed give byte-identical files (a splitmix64 sequence, so
//! no RNG crate is needed).
//!
//! Shape of a generated model (G groups, S services, R regions, T periods):
//! - Groups form professions ("ladders") of 1–4 grades, each a staff
//!   `family` (`profession_NN`, NN the index of its entry grade). Each
//!   grade above the first is trained from the grade below by a regional
//!   pipeline of 1–4 periods, supervised by the grade it trains into; a
//!   move runs down each ladder (within a region).
//! - Mobility (R ≥ 2): each ladder's top grade moves between neighbouring
//!   regions (a ring of regions), with retention, a cost and a cap per pair.
//! - Pools: `grads`, national, fed by a national `degree` pipeline (1–4
//!   periods) and a supply series; `local`, regional, with supply by region;
//!   `agency`, regional and temporary, serving every service of its region.
//!   Entry grades hire from `grads` and `local`, others from `local`.
//! - Every group staffs 2–3 services (fewer only if S < 2); every service is
//!   staffed by at least one group and has an `unmet_penalty`, so every
//!   generated model is feasible.
//! - Region-varying parameters: openings (a table by region), salaries,
//!   demand and local/agency supply (CSV files with a `region` column).
//! - Targets: each ladder's top grade grows 10% by the last period, held
//!   `per_region = true` (soft, with a penalty); without regions the same
//!   target on the national stock.
//!
//! With `regions = 0` the model has no `[[region]]` and its CSV files have no
//! `region` column.
//!
//! Options (the model is byte-identical to one without them when off):
//! - `age_bands = B` (≥ 1): every group gets B age bands from 20 to 65
//!   (`u28`, `28-35`, …, `60plus` for 6), opening shares drawn round an even
//!   profile, attrition by band (the group's rate, rising to retirement in
//!   the last two bands), an ageing share of one over the band's width in
//!   years, and hires and completers mostly young. Drawn from a second
//!   sequence, so the rest of the model is the same as without bands.
//! - `integer_intakes`: every training course (not the national degree) has
//!   whole-number intakes, a minimum cohort of a third of its capacity and a
//!   fixed cost per run: a MIP.

use std::fmt::Write;
use std::path::PathBuf;

mod chains;
pub use chains::{model_text, Size};

/// How large a synthetic model is, and its seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Regions (0: a model without regions).
    pub regions: usize,
    /// Staff groups (in each region).
    pub groups: usize,
    /// Services (in each region).
    pub services: usize,
    pub periods: usize,
    pub seed: u64,
    /// Age bands on every group (0: none).
    pub age_bands: usize,
    /// Whole-number course intakes with a minimum cohort and a fixed cost
    /// per run.
    pub integer_intakes: bool,
}

impl Shape {
    /// Checks the sizes: at least one group, service and period, and no
    /// more services than three per group (each group staffs at most 3).
    pub fn check(&self) -> Result<(), String> {
        if self.groups == 0 || self.services == 0 || self.periods == 0 {
            return Err(format!(
                "a model needs at least one group, one service and one period (asked for {} groups, {} services, {} periods)",
                self.groups, self.services, self.periods
            ));
        }
        if self.services > 3 * self.groups {
            return Err(format!(
                "{} services cannot all be staffed by {} groups of 2–3 services each: give at most {} services",
                self.services,
                self.groups,
                3 * self.groups
            ));
        }
        if self.regions > 999 || self.groups > 99_999 || self.periods > 1000 {
            return Err("at most 999 regions, 99,999 groups and 1000 periods".to_string());
        }
        if self.age_bands > MAX_AGE_BANDS {
            return Err(format!(
                "at most {MAX_AGE_BANDS} age bands (asked for {}): the bands split the ages {FIRST_AGE} to {LAST_AGE}",
                self.age_bands
            ));
        }
        Ok(())
    }
}

/// The most decisions (columns of the linear programme) a synthetic model
/// may have by [`Shape::estimated_columns`], unless `--max-columns` raises
/// it: a judgement, about twice `bench --size large` (1.5 million
/// columns, 435 s of HiGHS), beyond which generating, building or solving
/// runs out of memory on most machines.
pub const MAX_COLUMNS: u64 = 3_000_000;

impl Shape {
    /// About how many decisions the generated model has: per region
    /// (at least one), period and group its stocks, hires, leavers, moves
    /// and training (and one more per age band), and per service its
    /// deployment and unmet demand. Within 10% of the programmes built
    /// (1,063 columns estimated 1,160 for 1×10×8×10; 21,350 estimated
    /// 22,400 for 10×20×12×10; 6,858 estimated 7,040 for 4×10×8×10 with 6
    /// bands). Saturates instead of overflowing.
    pub fn estimated_columns(&self) -> u64 {
        let regions = self.regions.max(1) as u64;
        let per_group = GROUP_COLUMNS.saturating_add(BAND_COLUMNS * self.age_bands as u64);
        let per_region_period = (self.groups as u64)
            .saturating_mul(per_group)
            .saturating_add((self.services as u64).saturating_mul(SERVICE_COLUMNS));
        regions
            .saturating_mul(self.periods as u64)
            .saturating_mul(per_region_period)
    }

    /// Refuses a shape whose estimated programme has more than
    /// `max_columns` decisions, saying the estimate and how to lift the
    /// limit.
    pub fn check_columns(&self, max_columns: u64) -> Result<(), String> {
        let estimate = self.estimated_columns();
        if estimate > max_columns {
            return Err(format!(
                "{} regions × {} groups × {} services × {} periods{} give about {estimate} decisions (columns), more than the limit of {max_columns}: generating, building and solving it would need more memory than most machines have; give smaller sizes, or raise the limit with --max-columns {estimate}",
                self.regions,
                self.groups,
                self.services,
                self.periods,
                if self.age_bands > 0 {
                    format!(" with {} age bands", self.age_bands)
                } else {
                    String::new()
                }
            ));
        }
        Ok(())
    }
}

/// Columns per group, region and period in [`Shape::estimated_columns`].
const GROUP_COLUMNS: u64 = 10;
/// Columns per age band of a group, region and period in
/// [`Shape::estimated_columns`].
const BAND_COLUMNS: u64 = 1;
/// Columns per service, region and period in [`Shape::estimated_columns`].
const SERVICE_COLUMNS: u64 = 2;

/// A generated model: the model file's text and its data files, by path
/// relative to the model's folder (`data/…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub model: String,
    pub data: Vec<(PathBuf, String)>,
}

impl Generated {
    /// Every file, the model (`model.toml`) first, by relative path.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = vec![(PathBuf::from(MODEL_FILE), self.model.clone().into_bytes())];
        files.extend(
            self.data
                .iter()
                .map(|(path, text)| (path.clone(), text.clone().into_bytes())),
        );
        files
    }

    /// Writes every file under `folder` (created if missing), no checks:
    /// for temporary folders (`bench`, tests). `generate` writes through
    /// `report::unit::OutputFolder` instead.
    pub fn write_into(&self, folder: &std::path::Path) -> std::io::Result<()> {
        for (relative, bytes) in self.files() {
            let path = folder.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }
}

/// Most age bands a generated group may have, and the ages they split.
pub const MAX_AGE_BANDS: usize = 15;
const FIRST_AGE: usize = 20;
const LAST_AGE: usize = 65;

/// The ids of `count` age bands splitting FIRST_AGE..LAST_AGE into bands of
/// equal width in years (the last open above): "u28", "28-35", …, "60plus";
/// one band is "all". With the width.
fn band_ids(count: usize) -> (Vec<String>, usize) {
    let width = (LAST_AGE - FIRST_AGE).div_ceil(count.max(1));
    if count <= 1 {
        return (vec!["all".to_string()], LAST_AGE - FIRST_AGE);
    }
    let ids = (0..count)
        .map(|band| {
            let low = FIRST_AGE + band * width;
            if band == 0 {
                format!("u{}", low + width)
            } else if band + 1 == count {
                format!("{low}plus")
            } else {
                format!("{low}-{}", low + width - 1)
            }
        })
        .collect();
    (ids, width)
}

/// Shares that add up to 1 as written with six decimals: the last is one
/// minus the others as written.
fn shares_text(weights: &[f64]) -> String {
    let total: f64 = weights.iter().sum();
    let mut cells: Vec<String> = weights[..weights.len() - 1]
        .iter()
        .map(|w| format!("{:.6}", w / total))
        .collect();
    let written: f64 = cells.iter().map(|c| c.parse::<f64>().unwrap_or(0.0)).sum();
    cells.push(format!("{:.6}", (1.0 - written).max(0.0)));
    format!("[{}]", cells.join(", "))
}

/// A group's `[group.age]` table: `count` bands, attrition by band round
/// the group's rate `attrition` (retirement in the last two bands), drawn
/// from `random`.
fn age_table(count: usize, attrition: f64, random: &mut SplitMix64) -> String {
    let (ids, width) = band_ids(count);
    let opening: Vec<f64> = (0..count).map(|_| random.between(0.6, 1.4)).collect();
    let young: Vec<f64> = (0..count).map(|band| 0.6f64.powi(band as i32)).collect();
    let rates: Vec<String> = (0..count)
        .map(|band| {
            let rate = if count >= 3 && band + 1 == count {
                random.between(0.20, 0.30)
            } else if count >= 3 && band + 2 == count {
                random.between(0.10, 0.16)
            } else {
                attrition * random.between(0.8, 1.2)
            };
            format!("{rate:.3}")
        })
        .collect();
    let ageing: Vec<String> = (1..count)
        .map(|_| format!("{:.4}", 1.0 / width as f64))
        .collect();
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!(
        "[group.age]\nbands = [{}]\nopening_share = {}\nattrition = [{}]\nageing = [{}]\nhire_mix = {}\ncompletion_mix = {}\n",
        quoted.join(", "),
        shares_text(&opening),
        rates.join(", "),
        ageing.join(", "),
        shares_text(&young),
        shares_text(&young),
    )
}

/// The options as `generate` flags (" --age-bands 6 --integer-intakes")
/// and as words for the model's name (", 6 age bands, whole-number intakes").
fn options_text(age_bands: usize, integer_intakes: bool) -> (String, String) {
    let (mut flags, mut words) = (String::new(), String::new());
    if age_bands > 0 {
        let _ = write!(flags, " --age-bands {age_bands}");
        let _ = write!(words, ", {age_bands} age bands");
    }
    if integer_intakes {
        flags.push_str(" --integer-intakes");
        words.push_str(", whole-number intakes");
    }
    (flags, words)
}

/// The model file's name in a generated folder.
pub const MODEL_FILE: &str = "model.toml";

/// splitmix64: a tiny, well-mixed generator; reproducible across platforms.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }
    /// Uniform in low..=high.
    fn int(&mut self, low: usize, high: usize) -> usize {
        low + (self.next_u64() % (high - low + 1) as u64) as usize
    }
}

/// One generated group: its ladder and grade, and base figures.
struct Group {
    id: String,
    /// The profession (ladder) it belongs to: its staff family.
    family: String,
    /// Grade within its ladder (0 = entry).
    grade: usize,
    /// The group trained into this one's grade above, if any.
    above: Option<usize>,
    /// Base opening (scaled by each region's size).
    opening: f64,
    salary: f64,
    /// Services it staffs, with efficiency.
    services: Vec<(usize, f64)>,
}

impl Group {
    /// The top grade of a ladder of two or more grades: the grade with a
    /// growth target, and the one that moves between regions.
    fn tops_a_ladder(&self) -> bool {
        self.grade > 0 && self.above.is_none()
    }
}

/// Generates the model of `shape` (call [`Shape::check`] first; sizes below
/// one are raised to one).
pub fn generate(shape: Shape) -> Generated {
    let Shape {
        regions,
        groups,
        services,
        periods,
        seed,
        age_bands,
        integer_intakes,
    } = shape;
    let groups = groups.max(1);
    let services = services.max(1);
    let periods = periods.max(1);
    let mut random = SplitMix64(seed ^ 0x5EED_0F3A_9E2B_7D71);
    // Age bands and course runs draw from their own sequence, so that the
    // rest of the model is the same with or without them.
    let mut options_random = SplitMix64(seed ^ 0xA9E5_B4D5_1C0F_0E11);
    let region_ids: Vec<String> = (1..=regions).map(|r| format!("r{r:03}")).collect();
    // A region's size (scales openings, demand and supply) and pay level.
    let region_size: Vec<f64> = (0..regions).map(|_| random.between(0.4, 2.0)).collect();
    let region_pay: Vec<f64> = (0..regions).map(|_| random.between(0.92, 1.25)).collect();
    let labels: Vec<String> = (0..periods).map(|t| format!("{}", 2026 + t)).collect();

    // Ladders of 1–4 grades.
    let mut group_list: Vec<Group> = Vec::with_capacity(groups);
    while group_list.len() < groups {
        let length = random.int(1, 4).min(groups - group_list.len());
        let first = group_list.len();
        for grade in 0..length {
            let index = first + grade;
            group_list.push(Group {
                id: format!("g{index:02}"),
                family: format!("profession_{first:02}"),
                grade,
                above: (grade + 1 < length).then_some(index + 1),
                opening: (random.between(80.0, 600.0) / (1.0 + grade as f64 * 0.6)).round(),
                salary: (random.between(28_000.0, 38_000.0) * (1.0 + 0.25 * grade as f64)).round(),
                services: Vec::new(),
            });
        }
    }
    // Services: each group staffs 2–3 (at most `services`), taken in turn
    // round the list so that every service is staffed.
    let mut counts: Vec<usize> = (0..groups)
        .map(|_| random.int(2, 3).min(services))
        .collect();
    let mut total: usize = counts.iter().sum();
    for count in counts.iter_mut() {
        if total >= services {
            break;
        }
        if *count < 3.min(services) {
            *count += 1;
            total += 1;
        }
    }
    let mut next = 0;
    for (group, count) in group_list.iter_mut().zip(&counts) {
        for _ in 0..*count {
            group.services.push((
                next % services,
                (random.between(0.8, 1.0) * 100.0).round() / 100.0,
            ));
            next += 1;
        }
    }

    let regional = regions > 0;
    let mut out = String::new();
    let quoted: Vec<String> = labels.iter().map(|l| format!("\"{l}\"")).collect();
    let options = options_text(age_bands, integer_intakes);
    let _ = writeln!(
        out,
        "# Generated by `wfplan generate --regions {regions} --groups {groups} --services {services} --periods {periods} --seed {seed}{}`.\n\n[model]\nname = \"Synthetic: {regions} regions, {groups} groups, {services} services, {periods} periods{} (seed {seed})\"\nperiods = [{}]\ndiscount_rate = 0.035\n",
        options.0,
        options.1,
        quoted.join(", ")
    );
    for (r, id) in region_ids.iter().enumerate() {
        let _ = writeln!(
            out,
            "[[region]]\nid = \"{id}\"\nname = \"Region {}\"\n",
            r + 1
        );
    }
    // opening: a table by region (or one number).
    let opening_of = |group: &Group, r: usize, random: &mut SplitMix64| -> f64 {
        (group.opening * region_size[r] * random.between(0.85, 1.15)).round()
    };
    let mut openings: Vec<Vec<f64>> = Vec::with_capacity(groups);
    for group in &group_list {
        let by_region: Vec<f64> = if regional {
            (0..regions)
                .map(|r| opening_of(group, r, &mut random))
                .collect()
        } else {
            vec![group.opening]
        };
        let opening = if regional {
            let cells: Vec<String> = region_ids
                .iter()
                .zip(&by_region)
                .map(|(id, v)| format!("{id} = {v}"))
                .collect();
            format!("{{ {} }}", cells.join(", "))
        } else {
            format!("{}", by_region[0])
        };
        let pools = if group.grade == 0 {
            "[\"grads\", \"local\"]"
        } else {
            "[\"local\"]"
        };
        let base = group.opening;
        let attrition = random.between(0.05, 0.14);
        // With bands, attrition is given by band (in `[group.age]`).
        let attrition_line = if age_bands > 0 {
            String::new()
        } else {
            format!("attrition = {attrition:.3}\n")
        };
        let _ = write!(
            out,
            "[[group]]\nid = \"{}\"\nfamily = \"{}\"\nopening = {opening}\n{attrition_line}new_starter_attrition = {:.3}\nsalary = \"data/salary.csv\"\nhire_cost = {:.0}\nhire_max = {:.0}\nfrom_pools = {pools}\nexit_cost = {:.0}\nsurplus_cost = {:.0}\nreduced_hours = {{ max = {:.0}, output = 0.5, cost = 500 }}\n",
            group.id,
            group.family,
            random.between(0.10, 0.20),
            random.between(2000.0, 6000.0),
            base * 0.5,
            random.between(10_000.0, 30_000.0),
            random.between(0.0, 5000.0),
            (base * 0.05).max(1.0),
        );
        if age_bands > 0 {
            out.push_str(&age_table(age_bands, attrition, &mut options_random));
        }
        out.push('\n');
        openings.push(by_region);
    }
    let min_opening = |g: usize| openings[g].iter().copied().fold(f64::INFINITY, f64::min);

    // Pools.
    let degree_duration = random.int(1, 4);
    let _ = writeln!(
        out,
        "[[pool]]\nid = \"grads\"\nname = \"Newly qualified (national)\"\nscope = \"national\"\nsupply = \"data/national_supply.csv\"\nhire_cost = {:.0}\n",
        random.between(500.0, 3000.0)
    );
    let _ = writeln!(
        out,
        "[[pool]]\nid = \"local\"\nname = \"Local labour market\"\nsupply = \"data/pool_supply.csv\"\nhire_cost = {:.0}\n",
        random.between(1000.0, 5000.0)
    );
    let _ = writeln!(
        out,
        "[[pool]]\nid = \"agency\"\nname = \"Agency staff\"\nkind = \"temporary\"\nsupply = \"data/pool_supply.csv\"\nrate = {:.0}\nserves = [{}]\n",
        random.between(80_000.0, 110_000.0),
        (0..services)
            .map(|s| format!("\"s{s:02}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Pipelines: the national degree, and one course per grade above entry.
    let _ = writeln!(
        out,
        "[[pipeline]]\nid = \"degree\"\nscope = \"national\"\nto = \"grads\"\nduration = {degree_duration}\ncompletion = 0.85\ncapacity = {:.0}\ncost = 9000\ntrainee_salary = 0\n",
        group_list.iter().filter(|g| g.grade == 0).map(|g| g.opening).sum::<f64>()
            * regions.max(1) as f64
            * 0.05
    );
    for group in &group_list {
        let Some(above) = group.above else { continue };
        let duration = random.int(1, 4);
        let cohort = (min_opening(above) * 0.02).floor();
        let cohorts: Vec<String> = (0..duration.min(2)).map(|_| format!("{cohort}")).collect();
        let capacity = (group_list[above].opening * 0.15).max(1.0);
        let runs = if integer_intakes {
            format!(
                "integer = true\nminimum_cohort = {:.0}\nfixed_cost_per_run = {:.0}\n",
                (capacity / 3.0).floor().max(1.0).min(capacity.round()),
                options_random.between(20_000.0, 60_000.0)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "[[pipeline]]\nid = \"train_{}\"\nfrom = \"{}\"\nto = \"{}\"\nduration = {duration}\ncompletion = {:.2}\ncapacity = {:.0}\ncost = {:.0}\ntrainee_salary = {:.0}\nsupervision = {{ group = \"{}\", fte_per_trainee = {:.2} }}\nin_training = [{}]\n{runs}",
            group_list[above].id,
            group.id,
            group_list[above].id,
            random.between(0.8, 0.95),
            capacity,
            random.between(5000.0, 20_000.0),
            group.salary * 0.9,
            group_list[above].id,
            random.between(0.1, 0.3),
            cohorts.join(", ")
        );
        let _ = writeln!(
            out,
            "[[move]]\nfrom = \"{}\"\nto = \"{}\"\nretention = 0.8\ncost = 1000\nmax = {:.0}\n",
            group_list[above].id,
            group.id,
            (group_list[above].opening * 0.05).max(1.0)
        );
    }

    // Services.
    let mut staffing: Vec<Vec<(usize, f64)>> = vec![Vec::new(); services];
    for (g, group) in group_list.iter().enumerate() {
        for &(s, efficiency) in &group.services {
            staffing[s].push((g, efficiency));
        }
    }
    // Demand base by service and region: the staff who can do it, shared.
    let cells = regions.max(1);
    let mut demand_base = vec![vec![0.0; cells]; services];
    for (g, group) in group_list.iter().enumerate() {
        for &(s, _) in &group.services {
            for (r, base) in demand_base[s].iter_mut().enumerate() {
                *base += openings[g][r] / group.services.len() as f64;
            }
        }
    }
    for (s, staff) in staffing.iter().enumerate() {
        let staffed: Vec<String> = staff
            .iter()
            .map(|(g, e)| format!("{} = {e}", group_list[*g].id))
            .collect();
        let _ = writeln!(
            out,
            "[[service]]\nid = \"s{s:02}\"\ndemand = \"data/demand.csv\"\nstaffed_by = {{ {} }}\nunmet_penalty = {:.0}\n",
            staffed.join(", "),
            random.between(120_000.0, 180_000.0)
        );
    }

    // Targets: each ladder's top grade (of two or more grades) grows 10%.
    for (g, group) in group_list.iter().enumerate() {
        if !group.tops_a_ladder() {
            continue;
        }
        let (bound, per_region) = if regional {
            (min_opening(g) * 1.1, "per_region = true\n")
        } else {
            (openings[g][0] * 1.1, "")
        };
        let _ = writeln!(
            out,
            "[[target]]\nid = \"grow_{}\"\nexpr = \"stock({})\"\nmin = {:.0}\nat = [\"{}\"]\n{per_region}penalty = 400000\n",
            group.id,
            group.id,
            bound.ceil(),
            labels[periods - 1]
        );
    }

    // Mobility: each ladder's top grade moves between neighbouring regions
    // (a ring: each region to the one before and the one after it), so the
    // regions' targets compete for the same staff. Fixed numbers, no draws,
    // so the rest of the model is what it was without mobility.
    if regions >= 2 {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for r in 0..regions {
            for next in [(r + 1) % regions, (r + regions - 1) % regions] {
                if next != r && !pairs.contains(&(r, next)) {
                    pairs.push((r, next));
                }
            }
        }
        let pairs_text: Vec<String> = pairs
            .iter()
            .map(|(from, to)| format!("[\"{}\", \"{}\"]", region_ids[*from], region_ids[*to]))
            .collect();
        for (g, group) in group_list.iter().enumerate() {
            if !group.tops_a_ladder() {
                continue;
            }
            let _ = writeln!(
                out,
                "[[move]]\nid = \"relocate_{}\"\nfrom = \"{}\"\nto = \"{}\"\nbetween_regions = true\npairs = [{}]\nretention = 0.9\ncost = 3000\nmax = {:.0}\n",
                group.id,
                group.id,
                group.id,
                pairs_text.join(", "),
                (min_opening(g) * 0.02).max(1.0)
            );
        }
    }

    // Data files.
    let header = |entity: &str| {
        if regional {
            format!("period,region,{entity},value\n")
        } else {
            format!("period,{entity},value\n")
        }
    };
    let region_cell = |r: usize| {
        if regional {
            format!("{},", region_ids[r])
        } else {
            String::new()
        }
    };
    let mut salary = header("group");
    for group in &group_list {
        for r in 0..cells {
            let pay = region_pay.get(r).copied().unwrap_or(1.0);
            for (t, label) in labels.iter().enumerate() {
                let value = group.salary * pay * 1.02f64.powi(t as i32);
                let _ = writeln!(salary, "{label},{}{},{value:.0}", region_cell(r), group.id);
            }
        }
    }
    let mut demand = header("service");
    for (s, bases) in demand_base.iter().enumerate() {
        for (r, base) in bases.iter().enumerate() {
            let growth = random.between(0.0, 0.03);
            let level = random.between(0.85, 1.05);
            for (t, label) in labels.iter().enumerate() {
                let value = base * level * (1.0 + growth).powi(t as i32);
                let _ = writeln!(demand, "{label},{}s{s:02},{value:.1}", region_cell(r));
            }
        }
    }
    let mut pool_supply = header("pool");
    for (pool, share) in [("local", 0.08), ("agency", 0.03)] {
        for r in 0..cells {
            let staff: f64 = openings.iter().map(|o| o[r]).sum();
            for label in &labels {
                let value = staff * share * random.between(0.8, 1.2);
                let _ = writeln!(pool_supply, "{label},{}{pool},{value:.0}", region_cell(r));
            }
        }
    }
    let entry_staff: f64 = group_list
        .iter()
        .enumerate()
        .filter(|(_, g)| g.grade == 0)
        .map(|(g, _)| openings[g].iter().sum::<f64>())
        .sum();
    let mut national_supply = "period,pool,value\n".to_string();
    for label in &labels {
        let value = entry_staff * random.between(0.03, 0.06);
        let _ = writeln!(national_supply, "{label},grads,{value:.0}");
    }
    Generated {
        model: out,
        data: vec![
            (PathBuf::from("data/demand.csv"), demand),
            (PathBuf::from("data/salary.csv"), salary),
            (PathBuf::from("data/pool_supply.csv"), pool_supply),
            (PathBuf::from("data/national_supply.csv"), national_supply),
        ],
    }
}
