//! The single integration-test binary: one `mod` line per test module.

mod known_optimum;
mod util;
