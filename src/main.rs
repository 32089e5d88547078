//! The `wfplan` command: parses arguments, runs one subcommand, prints any
//! error once with its whole context chain, and exits non-zero on failure.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = wfplan::cmd::Cli::parse();
    match wfplan::cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
