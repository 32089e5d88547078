//! The single integration-test binary: one `mod` line per test module.

mod cli;
mod export;
mod hostile_input;
mod impact;
mod input_errors;
mod known_optimum;
mod names;
mod properties;
mod regions;
mod util;
mod warnings;
