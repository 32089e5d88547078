//! The single integration-test binary: one `mod` line per test module.

mod cli;
mod compare_many;
mod export;
mod freeze;
mod generate;
mod hostile_input;
mod impact;
mod input_errors;
mod known_optimum;
mod mobility;
mod names;
mod near_optimal;
mod output_safety;
mod properties;
mod regional_flagship;
mod regional_report;
mod regions;
mod scenario_pairs;
mod solver;
mod sweep;
mod util;
mod warnings;
