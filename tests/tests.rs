//! The single integration-test binary: one `mod` line per test module.

mod cli;
mod export;
mod generate;
mod hostile_input;
mod impact;
mod input_errors;
mod known_optimum;
mod names;
mod output_safety;
mod properties;
mod regions;
mod solver;
mod util;
mod warnings;
