//! The model: the model file as written (`spec`: TOML, CSV and workbook
//! series, scenarios and `--set`), validated into a `Model` (`model`) with
//! its expressions (`expr`), age bands (`age`), need-driven demand
//! (`need`), whole-number decisions (`integer`) and money (`finance`).
//! Reads files; knows nothing of the programme built from it.

pub mod age;
pub mod expr;
pub mod finance;
pub mod group_sets;
pub mod integer;
pub mod model;
pub mod need;
pub mod spec;
pub mod xlsx;
