//! wfplan: workforce planning as a linear programme.
//!
//! Data flows one way (DESIGN.md section 3):
//! `spec` (model files) → `model` (validated) → `lp` (variables and
//! constraint families, good_lp) → `solve` (HiGHS, through `solver`) → `solution` → `tables`
//! (polars) → `report` (files). Only `spec` and `report` touch the
//! filesystem.

pub mod accounts;
pub mod age;
pub mod charts;
pub mod cmd;
pub mod compare;
pub mod csv_safety;
pub mod digest;
pub mod expr;
pub mod finance;
pub mod group_sets;
pub mod integer;
pub mod lp;
pub mod model;
pub mod names;
pub mod near_optimal;
pub mod need;
pub mod number;
pub mod parallel;
pub mod plan;
pub mod policy_change;
pub mod report;
pub mod shard;
pub mod simulate;
pub mod solution;
pub mod solve;
pub mod solver;
pub mod spec;
pub mod sweep;
pub mod synthetic;
pub mod tables;
pub mod terminal;
pub mod xlsx;
