//! The engine: a model's programme solved by HiGHS (`solve`; a run of
//! programmes on one warm instance, `session`), the solved
//! plan read back once into typed results (`plan`, `solution`) and its
//! tables (`tables`).

pub mod plan;
pub mod session;
pub mod solution;
pub mod solve;
pub mod tables;
