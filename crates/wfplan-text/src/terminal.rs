//! What wfplan writes to the terminal: standard output through one function
//! that returns write errors instead of panicking (a closed pipe or a full
//! disk is an outcome, not a bug), and text from model files or the command
//! line with its control characters made visible, so that an ANSI escape in
//! a group name cannot recolour or rewrite the user's terminal.

use std::fmt;
use std::io::{self, Write};

/// `text` with every control character other than `\n` and `\t` written as
/// a Rust escape (`\u{1b}`), so it prints as what it is.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Writing to standard output failed. `main` exits quietly on a closed pipe
/// (`BrokenPipe`: the reader has all it wanted) and reports anything else.
#[derive(Debug)]
pub struct StdoutError(pub io::Error);

impl fmt::Display for StdoutError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

/// Writes `bytes` to standard output and flushes, returning a
/// [`StdoutError`] instead of panicking as `print!` does.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|error| StdoutError(error).into())
}

/// Prints text from the model or the command line: control characters
/// escaped (see [`escape_controls`]).
pub fn print_text(text: &str) -> anyhow::Result<()> {
    write_stdout(escape_controls(text).as_bytes())
}

/// Writes a line to standard error, control characters escaped. Errors are
/// ignored: there is nowhere left to report them.
pub fn eprint_line(text: &str) {
    let mut line = escape_controls(text);
    line.push('\n');
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_ansi_and_keeps_newlines_and_tabs() {
        assert_eq!(
            escape_controls("a\x1b[31mred\x1b[0m\tb\nc\r\u{7f}\u{9b}"),
            "a\\u{1b}[31mred\\u{1b}[0m\tb\nc\\u{d}\\u{7f}\\u{9b}"
        );
        assert_eq!(escape_controls("£12.3m — ok"), "£12.3m — ok");
    }
}
