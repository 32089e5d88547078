//! `wfplan solve MODEL [--scenario S] [--set PATH=VALUE]... [--out DIR]`.

use std::path::PathBuf;

use anyhow::Result;

use super::{ModelArgs, SolverArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Write summary.json, stocks.csv, flows.csv, deployment.csv, costs.csv,
    /// constraints.csv, duals.csv and charts/ into this folder
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub solver: SolverArgs,
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    let model = args.model.load()?;
    for warning in crate::model::warnings(&model) {
        eprintln!("warning: {warning}");
    }
    let solution = crate::solve::solve_with(&model, &options)?;
    match &args.out {
        None => print!("{}", crate::report::summary::terminal_summary(&solution)),
        Some(out_dir) => {
            crate::report::check_not_input(out_dir, std::slice::from_ref(&args.model.model))?;
            let written = crate::report::write_solve_outputs(out_dir, &solution)?;
            println!(
                "{}: optimal; objective {}; wrote {} files to {}",
                model.name,
                crate::solve::format_number(solution.objective),
                written.len(),
                out_dir.display()
            );
        }
    }
    Ok(())
}
