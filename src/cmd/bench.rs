//! `wfplan bench`: generate synthetic models of growing size, and time
//! reading, building the programme, handing it to HiGHS, solving and reading
//! the plan back. The figures quoted in the README come from this command
//! (run it with `cargo run --release`).

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::solution::Timings;
use crate::synthetic::{model_text, Size};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numbers of staff groups to try (comma-separated)
    #[arg(long, value_delimiter = ',', default_values_t = [10, 50, 200])]
    pub groups: Vec<usize>,
    /// Periods in each model
    #[arg(long, default_value_t = 20)]
    pub periods: usize,
    /// Services per model, as a share of groups (at least 1)
    #[arg(long, default_value_t = 0.5)]
    pub services_per_group: f64,
    /// Pools per model
    #[arg(long, default_value_t = 5)]
    pub pools: usize,
    /// Repetitions of each size (the fastest is reported)
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    #[command(flatten)]
    pub solver: super::SolverArgs,
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    crate::terminal::print_text(&format!(
        "{:>7} {:>8} {:>9} {:>10} {:>12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n",
        "groups",
        "periods",
        "services",
        "variables",
        "constraints",
        "read_s",
        "build_s",
        "pass_s",
        "solve_s",
        "back_s",
        "plan_s"
    ))?;
    for &groups in &args.groups {
        let size = Size {
            groups,
            periods: args.periods,
            services: ((groups as f64 * args.services_per_group).round() as usize).max(1),
            pools: args.pools,
        };
        let text = model_text(size);
        let mut best: Option<(f64, Timings, usize, usize)> = None;
        for _ in 0..args.repeat.max(1) {
            let start = Instant::now();
            let model = crate::spec::load_str(&text, Path::new("synthetic.toml"), None, &[])?;
            let read_seconds = start.elapsed().as_secs_f64();
            let solution = crate::solve::solve_with(&model, &options)?;
            let t = solution.timings;
            let total = read_seconds + t.build + t.pass + t.solve + t.read + t.plan;
            let timing = (
                read_seconds,
                t,
                solution.lp.columns.len(),
                solution.lp.rows.len(),
            );
            if best.is_none_or(|b| {
                total < b.0 + b.1.build + b.1.pass + b.1.solve + b.1.read + b.1.plan
            }) {
                best = Some(timing);
            }
        }
        if let Some((read, t, variables, constraints)) = best {
            crate::terminal::print_text(&format!(
                "{:>7} {:>8} {:>9} {:>10} {:>12} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3}\n",
                groups,
                size.periods,
                size.services,
                variables,
                constraints,
                read,
                t.build,
                t.pass,
                t.solve,
                t.read,
                t.plan
            ))?;
        }
    }
    Ok(())
}
