//! Cells that a spreadsheet would run as a formula (OWASP's CSV-injection
//! rule): text from a model — an id, a name, a period label, an expression
//! — that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! written with a leading `'`, so Excel, LibreOffice and Google Sheets show
//! it as text instead of evaluating it. A cell that is a plain number
//! (`-12.5`, `+3`, `1e6`) is left as it is: a spreadsheet reads it as the
//! number it is, never as a formula. Every CSV wfplan writes goes through
//! [`escape_cell`] (`tables::to_csv`), and so does every text cell of the
//! workbook (`xlsx`).

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula (or, for
/// tab and carriage return, hide one behind them).
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a text cell would be read as a formula by a spreadsheet.
pub fn is_formula_like(text: &str) -> bool {
    text.starts_with(FORMULA_TRIGGERS) && !is_plain_number(text)
}

/// A finite number as a spreadsheet reads one: `-3`, `+2.5`, `-1e6`.
fn is_plain_number(text: &str) -> bool {
    text.parse::<f64>().is_ok_and(f64::is_finite)
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
}

/// The text as it is safe to write in a spreadsheet cell: prefixed with
/// `'` when it would otherwise be read as a formula.
pub fn escape_cell(text: &str) -> Cow<'_, str> {
    if is_formula_like(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_escaped_and_numbers_are_not() {
        for hostile in [
            "=1+1",
            "+SUM(A1:A9)",
            "-2+3",
            "@cmd",
            "\t=1",
            "\r=1",
            "=HYPERLINK(\"http://x\")",
            "-inf",
            "-NaN",
            "- 1",
        ] {
            assert_eq!(escape_cell(hostile), format!("'{hostile}"), "{hostile:?}");
        }
        for plain in [
            "-12.5",
            "+3",
            "-1e6",
            "0",
            "health_visitor",
            "2024/25",
            "",
            "a=b",
            "'=x",
        ] {
            assert_eq!(escape_cell(plain), plain, "{plain:?}");
        }
    }
}
