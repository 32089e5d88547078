//! The ground floor: what every layer above prints or names the same way.
//! Numbers, money and periods as a reader sees them (`number`), CSV cells a
//! spreadsheet cannot run (`csv_safety`), text for a terminal (`terminal`),
//! names that may become folders (`names`) and content fingerprints
//! (`digest`). Depends on no other wfplan crate.

pub mod csv_safety;
pub mod digest;
pub mod names;
pub mod number;
pub mod terminal;
