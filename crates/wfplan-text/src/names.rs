//! Names that become paths: a folder named after model text (a scenario id,
//! a model's file stem) can never climb out of the output folder.

use anyhow::{bail, Result};

/// The folder name for a scenario id or a model's file stem: only
/// `[A-Za-z0-9_][A-Za-z0-9_-]{0,63}`, so a name can never climb out of the
/// output folder (`..`), be absolute, or hold a separator or a control
/// character. Every folder named after model text goes through here.
pub fn folder_name<'a>(what: &str, name: &'a str) -> Result<&'a str> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if first_ok && rest_ok && name.len() <= 64 {
        Ok(name)
    } else {
        bail!(
            "{what} {name:?} cannot name an output folder: use 1 to 64 letters, digits, '_' and '-', not starting with '-'"
        )
    }
}
