//! The `wfplan` command: parses arguments, runs one subcommand, prints any
//! error once with its whole context chain (control characters escaped), and
//! exits with the status `--help` lists: 0 success, 1 error, 2 usage,
//! 3 infeasible, 4 unbounded, 5 solver stopped.

use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;
use wfplan::terminal::{eprint_line, StdoutError};

fn main() -> ExitCode {
    let cli = wfplan::cmd::Cli::parse();
    match wfplan::cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(StdoutError(cause)) = error
                .chain()
                .find_map(|cause| cause.downcast_ref::<StdoutError>())
            {
                // The reader closed the pipe (`| head`): it has what it wanted.
                if cause.kind() == ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
                eprint_line(&format!("error: cannot write to standard output: {cause}"));
                return ExitCode::FAILURE;
            }
            eprint_line(&wfplan::terminal::cut_message(&format!("error: {error:#}")));
            ExitCode::from(wfplan::cmd::exit_code(&error))
        }
    }
}
