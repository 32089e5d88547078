//! What wfplan writes to the terminal: standard output through one function
//! that returns write errors instead of panicking (a closed pipe or a full
//! disk is an outcome, not a bug), and text from model files or the command
//! line with its control characters made visible, so that an ANSI escape in
//! a group name cannot recolour or rewrite the user's terminal.

use std::fmt;
use std::io::{self, Write};

/// Whether `c` is a bidirectional formatting character (U+061C, U+200E,
/// U+200F, U+202A to U+202E, U+2066 to U+2069): invisible, it reorders the
/// text around it, so a name holding U+202E would show the terminal's line
/// reversed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character other than `\n` and `\t`, and every
/// bidirectional formatting character, written as a Rust escape
/// (`\u{1b}`, `\u{202e}`), so it prints as what it is.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The most characters of an input an error message echoes (a judgement:
/// enough to recognise a value, short enough that a 100,000-character cell
/// or name cannot flood the terminal).
pub const EXCERPT_CHARS: usize = 80;

/// `text` as an error message echoes it: whole if it has at most
/// [`EXCERPT_CHARS`] characters on one line, else its first line cut to
/// that many characters and followed by `… (N characters)`.
pub fn excerpt(text: &str) -> String {
    let length = text.chars().count();
    let first_line = text.lines().next().unwrap_or("");
    if length <= EXCERPT_CHARS && first_line.len() == text.len() {
        return text.to_string();
    }
    let cut: String = first_line.chars().take(EXCERPT_CHARS).collect();
    format!("{cut}… ({length} characters)")
}

/// A number as a message shows it: as Rust writes it for ordinary
/// magnitudes, in scientific notation from 1e16 up and below 1e-6 (so
/// 1e300 is shown as `1e300`, not as 301 digits).
pub fn number(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && value != 0.0 && !(1e-6..1e16).contains(&magnitude) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

/// The most characters of one error message printed (a judgement: the
/// longest useful message, a missing column with every column listed, is
/// far shorter); the rest is cut and its length said.
pub const MESSAGE_CHARS: usize = 4_000;

/// An error message cut to [`MESSAGE_CHARS`] characters, with the length of
/// the whole.
pub fn cut_message(text: &str) -> String {
    let length = text.chars().count();
    if length <= MESSAGE_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(MESSAGE_CHARS).collect();
    format!("{cut}… (message cut at {MESSAGE_CHARS} of its {length} characters)")
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

    #[test]
    fn escapes_bidirectional_controls() {
        assert_eq!(
            escape_controls("a\u{202e}b\u{2066}c\u{200f}"),
            "a\\u{202e}b\\u{2066}c\\u{200f}"
        );
    }

    #[test]
    fn excerpts_say_the_length_of_what_they_cut() {
        assert_eq!(excerpt("short"), "short");
        let long = "x".repeat(100_000);
        let shown = excerpt(&long);
        assert!(shown.ends_with("… (100000 characters)"), "{shown}");
        assert!(shown.chars().count() < 120);
        assert_eq!(excerpt("a\nb"), "a… (3 characters)");
    }

    #[test]
    fn huge_and_tiny_numbers_are_shown_in_scientific_notation() {
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(-2.5e17), "-2.5e17");
        assert_eq!(number(1e-9), "1e-9");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::INFINITY), "inf");
    }
}
