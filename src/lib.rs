//! wfplan: workforce planning as a linear programme.
//!
//! Data flows one way (DESIGN.md section 3):
//! `spec` (model files) → `model` (validated) → `lp` (variables and
//! constraint families, good_lp) → `solve` (HiGHS) → `solution` → `tables`
//! (polars) → `report` (files). Only `spec` and `report` touch the
//! filesystem.

pub mod expr;
pub mod lp;
pub mod model;
pub mod solution;
pub mod solve;
pub mod spec;
pub mod cmd;
pub mod report;
pub mod tables;
