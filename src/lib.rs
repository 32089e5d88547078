//! wfplan: workforce planning as a linear programme.
//!
//! The library is a workspace of crates, one per layer, each using only the
//! crates below it (docs/DESIGN.md section 3 draws the graph):
//! `wfplan-model` (model files read and validated) → `wfplan-lp` (the
//! programme) → `wfplan-engine` (HiGHS through `wfplan-highs`; plan,
//! solution, tables) → `wfplan-analysis` (compare, near-optimal, accounts,
//! sweep, simulate) → `wfplan-report` (files). `wfplan-text` and
//! `wfplan-charts` are the ground floor. This crate holds the commands
//! (`cmd`) and names every layer's modules in one place for them and for
//! the tests.

pub use wfplan_analysis::{
    accounts, compare, near_optimal, parallel, policy_change, shard, simulate, sweep, synthetic,
};
pub use wfplan_charts as charts;
pub use wfplan_engine::{plan, solution, solve, tables};
pub use wfplan_highs as solver;
pub use wfplan_lp as lp;
pub use wfplan_model::{age, expr, finance, group_sets, integer, model, need, spec, xlsx};
pub use wfplan_report as report;
pub use wfplan_text::{csv_safety, digest, names, number, terminal};

pub mod cmd;
