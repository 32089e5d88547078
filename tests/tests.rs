//! The single integration-test binary: one `mod` line per test module.

mod ages;
mod cli;
mod export;
mod generate;
mod heads;
mod hostile_input;
mod impact;
mod input_errors;
mod known_optimum;
mod mobility;
mod names;
mod need;
mod output_safety;
mod properties;
mod regional_flagship;
mod regional_report;
mod regions;
mod solver;
mod sweep;
mod util;
mod warnings;
mod whole_numbers;
