//! Analyses over solved plans: the impact of a policy (`compare`,
//! `policy_change`, `accounts`), near-optimal ranges (`near_optimal`),
//! sweeps (`sweep`), simulation (`simulate`), shards of both (`shard`,
//! `parallel`) and generated models (`synthetic`). Pure apart from reading
//! model files again for a sweep or simulation point.

pub mod accounts;
pub mod compare;
pub mod near_optimal;
pub mod parallel;
pub mod policy_change;
pub mod shard;
pub mod simulate;
pub mod sweep;
pub mod synthetic;
