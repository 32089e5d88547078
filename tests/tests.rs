//! The single integration-test binary: one `mod` line per test module.

mod cli;
mod export;
mod impact;
mod input_errors;
mod known_optimum;
mod output_safety;
mod properties;
mod util;
mod warnings;
