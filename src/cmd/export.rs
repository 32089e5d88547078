//! `wfplan export MODEL --format lp|mps [--out FILE]`.

use std::path::PathBuf;

use anyhow::Result;

use super::ModelArgs;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// CPLEX LP format
    Lp,
    /// Free MPS format
    Mps,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    #[arg(long, value_enum)]
    pub format: Format,
    /// Write to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<()> {
    let model = args.model.load()?;
    let lp = crate::lp::build(&model);
    let text = match args.format {
        Format::Lp => crate::lp::export::to_lp_format(&lp, &model.name),
        Format::Mps => crate::lp::export::to_mps_format(&lp, &model.name),
    };
    match &args.out {
        None => print!("{text}"),
        Some(path) => {
            crate::report::refuse_input(path, &model.inputs)?;
            crate::report::write_atomic(path, text.as_bytes())?
        }
    }
    Ok(())
}
