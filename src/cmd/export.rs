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
    /// Write to this file instead of standard output ("-" is standard
    /// output; a symbolic link is refused; a device or FIFO is written directly)
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
        None => crate::terminal::write_stdout(text.as_bytes()),
        Some(path) => crate::report::write_output_file(path, text.as_bytes(), &model.inputs),
    }
}
