//! The programme as text for another solver: CPLEX LP format or free MPS.
//! Pure: returns a string; `report` writes it. Terms are sorted by column so
//! the output is stable from run to run. Only the first objective is written
//! (a lexicographic model's later stages depend on the earlier optima).
//!
//! # Names
//!
//! wfplan's names (`stock[staff-nurse,2014/15]`) hold characters that the
//! formats do not allow, and period labels are free text. Every row and
//! column name is written through an encoding, one per format, which is
//! injective (`decode_name(&encode_name(x, f), f) == Some(x)` for every string
//! `x`) and writes only printable ASCII, with no whitespace. `~` is the escape
//! character: `~xx` stands for one byte of the name's UTF-8 encoding, in
//! lower-case hex (`-` is `~2d`, a space `~20`, `é` `~c3~a9`, `~` `~7e`).
//!
//! - **LP** (CPLEX; HiGHS reads any printable character but whitespace and
//!   `\ : + - * / ^ < > = [ ]`): `A`–`Z`, `a`–`z`, `0`–`9`, `_` and `,` are
//!   kept, `[` is written `(` and `]` is written `)`, and every other
//!   character — an original `(`, `)` or `~` too — is escaped. So
//!   `stock[staff-nurse,2014/15]` is written `stock(staff~2dnurse,2014~2f15)`
//!   and `stock[staff_nurse,2014/15]` is written `stock(staff_nurse,2014~2f15)`.
//! - **MPS** (free; fields are separated by whitespace): every printable
//!   ASCII character but `~` is kept, and whitespace, control characters,
//!   non-ASCII characters and `~` are escaped. So the usual names are written
//!   as they are (`stock[staff-nurse,2014/15]`), and `a b` is `a~20b`.
//!
//! In both, the first character is escaped too when it would make the name
//! hard to read back: a digit (an LP name cannot start with one), `e`/`E`
//! followed by a digit or `e`/`E` (CPLEX reads an exponent), `*` or `$`
//! (comments in some MPS readers), a start `inf` or `nan` in any case
//! (HiGHS 1.15's LP reader tries `strtod` first, so `infant` would read as
//! `inf ant`), or a whole name that is, in any case, a keyword of either
//! format or a name the writer uses itself (`end`, `free`, `st`, `NAME`,
//! `RHS`, `bnd`, the objective's `obj`, …).
//!
//! A name whose encoding would be empty or longer than [`MAX_NAME_LENGTH`]
//! (CPLEX's limit), or that repeats an earlier row's (or column's) name, is
//! not written as itself but as an alias from a side table: `~r<i>` for row
//! `i`, `~v<j>` for column `j` (0-based). An encoding never has `~` followed
//! by `r` or `v`, so an alias cannot clash with an encoded name. The side
//! table is written as comments at the head of the file (`\` in LP, `*` in
//! MPS), one line per alias, the name quoted as a Rust string literal:
//! `\ ~r12 = "limit[cap,2014/15]"`. [`ExportNames::original`] turns any
//! written name back into wfplan's.
//!
//! Free text (the model's name) is written only in a comment, quoted on one
//! line the same way (a line break is `\n`); the MPS `NAME` line carries the
//! MPS encoding of the model's name, one token, or `wfplan_model` if that
//! would be empty or too long.

use std::collections::HashSet;
use std::fmt::Write;

use good_lp::{Expression, IntoAffineExpression};

use super::Lp;

/// The longest name written (CPLEX's limit for LP and MPS names).
pub const MAX_NAME_LENGTH: usize = 255;

/// The objective row's name in both formats.
pub const OBJECTIVE_NAME: &str = "obj";

/// Words that a written name must not be (compared ignoring case): the LP
/// section keywords and the words the LP reader gives a meaning, the MPS
/// section keywords, and the objective's name.
const RESERVED_WORDS: &[&str] = &[
    // CPLEX LP
    "minimize",
    "minimise",
    "minimum",
    "min",
    "maximize",
    "maximise",
    "maximum",
    "max",
    "subject",
    "such",
    "st",
    "bounds",
    "bound",
    "general",
    "generals",
    "gen",
    "integer",
    "integers",
    "binary",
    "binaries",
    "bin",
    "semi",
    "semis",
    "continuous",
    "sos",
    "end",
    "free",
    "inf",
    "infinity",
    "nan",
    // free MPS
    "name",
    "objsense",
    "objsen",
    "rows",
    "columns",
    "rhs",
    "ranges",
    "endata",
    "qsection",
    "qmatrix",
    "quadobj",
    "qcmatrix",
    "csection",
    "indicators",
    "sets",
    "'marker'",
    "bnd",
    // ours
    OBJECTIVE_NAME,
];

/// The file format a name is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CPLEX LP.
    Lp,
    /// Free MPS.
    Mps,
}

/// Whether the first character must be escaped for the name to read back.
fn escape_first(name: &str) -> bool {
    let mut chars = name.chars();
    let first = chars.next();
    let second = chars.next();
    match first {
        Some(c) if c.is_ascii_digit() || c == '*' || c == '$' => true,
        Some('e' | 'E') if matches!(second, Some(s) if s.is_ascii_digit() || s == 'e' || s == 'E') => {
            true
        }
        _ => {
            // strtod, which older HiGHS LP readers try first, reads these.
            let prefix = name.get(..3).unwrap_or_default();
            prefix.eq_ignore_ascii_case("inf")
                || prefix.eq_ignore_ascii_case("nan")
                || RESERVED_WORDS
                    .iter()
                    .any(|word| word.eq_ignore_ascii_case(name))
        }
    }
}

fn push_escaped(out: &mut String, c: char) {
    let mut buffer = [0u8; 4];
    for byte in c.encode_utf8(&mut buffer).bytes() {
        let _ = write!(out, "~{byte:02x}");
    }
}

/// A name as written in an LP or MPS file (see the module documentation).
/// Injective; [`decode_name`] is its inverse.
pub fn encode_name(name: &str, format: Format) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let escape_first = escape_first(name);
    for (position, c) in name.chars().enumerate() {
        if position == 0 && escape_first {
            push_escaped(&mut out, c);
            continue;
        }
        match (format, c) {
            (Format::Lp, '[') => out.push('('),
            (Format::Lp, ']') => out.push(')'),
            (Format::Lp, c) if c.is_ascii_alphanumeric() || c == '_' || c == ',' => out.push(c),
            (Format::Mps, c) if c.is_ascii_graphic() && c != '~' => out.push(c),
            (_, c) => push_escaped(&mut out, c),
        }
    }
    out
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}

/// The wfplan name that [`encode_name`] wrote as `written`; `None` if
/// `written` is not an encoding (a side-table alias, or foreign text).
pub fn decode_name(written: &str, format: Format) -> Option<String> {
    let bytes = written.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (format, bytes[i]) {
            (_, b'~') => {
                let high = hex_digit(*bytes.get(i + 1)?)?;
                let low = hex_digit(*bytes.get(i + 2)?)?;
                out.push(high * 16 + low);
                i += 2;
            }
            (Format::Lp, b'(') => out.push(b'['),
            (Format::Lp, b')') => out.push(b']'),
            (Format::Lp, byte) if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b',' => {
                out.push(byte)
            }
            (Format::Mps, byte) if byte.is_ascii_graphic() => out.push(byte),
            _ => return None,
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The names written for every row and column of a programme, and the side
/// table of aliases for names that could not be written as themselves.
#[derive(Debug, Clone)]
pub struct ExportNames {
    /// By row index.
    pub rows: Vec<String>,
    /// By column index.
    pub columns: Vec<String>,
    /// (alias, wfplan name), in the order the aliases were made.
    pub side_table: Vec<(String, String)>,
    pub format: Format,
}

impl ExportNames {
    pub fn new(lp: &Lp, format: Format) -> Self {
        let mut side_table = Vec::new();
        let row_names: Vec<String> = lp.rows.iter().map(|row| row.name.to_string()).collect();
        let column_names: Vec<String> = (lp.columns.iter())
            .map(|column| column.name.to_string())
            .collect();
        let rows = assign_names(
            row_names.iter().map(String::as_str),
            'r',
            format,
            &mut side_table,
        );
        let columns = assign_names(
            column_names.iter().map(String::as_str),
            'v',
            format,
            &mut side_table,
        );
        ExportNames {
            rows,
            columns,
            side_table,
            format,
        }
    }

    /// The wfplan name of a written row or column name.
    pub fn original(&self, written: &str) -> Option<String> {
        self.side_table
            .iter()
            .find(|(alias, _)| alias == written)
            .map(|(_, name)| name.clone())
            .or_else(|| decode_name(written, self.format))
    }

    /// The side table as comment lines, each starting with `comment`.
    fn write_side_table(&self, out: &mut String, comment: &str) {
        if self.side_table.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "{comment} Names written as aliases (too long, empty or repeated):"
        );
        for (alias, name) in &self.side_table {
            let _ = writeln!(out, "{comment} {alias} = {name:?}");
        }
    }
}

/// Encoded names, or an alias `~<tag><index>` where the encoding is empty,
/// too long or already taken.
fn assign_names<'a>(
    names: impl Iterator<Item = &'a str>,
    tag: char,
    format: Format,
    side_table: &mut Vec<(String, String)>,
) -> Vec<String> {
    let mut taken = HashSet::new();
    names
        .enumerate()
        .map(|(index, name)| {
            let encoded = encode_name(name, format);
            if !encoded.is_empty()
                && encoded.len() <= MAX_NAME_LENGTH
                && taken.insert(encoded.clone())
            {
                encoded
            } else {
                let alias = format!("~{tag}{index}");
                side_table.push((alias.clone(), name.to_string()));
                alias
            }
        })
        .collect()
}

/// The model's name on one comment line: quoted, control characters escaped.
fn write_model_name(out: &mut String, comment: &str, model_name: &str) {
    let _ = writeln!(out, "{comment} wfplan model: {model_name:?}");
}

/// Sorted (column index, coefficient) pairs of a linear expression.
fn sorted_terms(lp: &Lp, expression: &Expression) -> Vec<(usize, f64)> {
    let mut terms: Vec<(usize, f64)> = expression
        .linear_coefficients()
        .filter(|(_, coefficient)| *coefficient != 0.0)
        .map(|(variable, coefficient)| (lp.index_of(variable), coefficient))
        .collect();
    terms.sort_by_key(|(index, _)| *index);
    terms
}

fn number(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:e}")
    }
}

/// The terms of a linear expression. An empty one is written `0 x` with the
/// first column, or `0` when there are no columns (HiGHS and CPLEX read a
/// lone constant as zero terms).
fn write_linear(out: &mut String, column_names: &[String], terms: &[(usize, f64)]) {
    if terms.is_empty() {
        out.push_str(" 0");
        if let Some(first) = column_names.first() {
            out.push(' ');
            out.push_str(first);
        }
        return;
    }
    for (position, (index, coefficient)) in terms.iter().enumerate() {
        let sign = if *coefficient < 0.0 { "-" } else { "+" };
        if position > 0 || *coefficient < 0.0 {
            let _ = write!(out, " {sign}");
        }
        let magnitude = coefficient.abs();
        let name = &column_names[*index];
        if magnitude == 1.0 {
            let _ = write!(out, " {name}");
        } else {
            let _ = write!(out, " {} {name}", number(magnitude));
        }
        if position % 6 == 5 {
            out.push_str("\n   ");
        }
    }
}

/// CPLEX LP format.
pub fn to_lp_format(lp: &Lp, model_name: &str) -> String {
    let names = ExportNames::new(lp, Format::Lp);
    let mut out = String::new();
    write_model_name(&mut out, "\\", model_name);
    names.write_side_table(&mut out, "\\");
    // A column that no term names is declared in Bounds, so none is lost.
    let mut named = vec![false; lp.columns.len()];
    let _ = write!(out, "Minimize\n {OBJECTIVE_NAME}:");
    let objective = lp.objectives.first().cloned().unwrap_or_default();
    let objective_terms = sorted_terms(lp, &objective);
    objective_terms
        .iter()
        .for_each(|(index, _)| named[*index] = true);
    write_linear(&mut out, &names.columns, &objective_terms);
    // The constant (costs of cohorts already in training, and the like).
    let constant = objective.constant();
    if constant != 0.0 {
        let sign = if constant < 0.0 { "-" } else { "+" };
        let _ = write!(out, " {sign} {}", number(constant.abs()));
    }
    out.push_str("\nSubject To\n");
    for (row, row_name) in lp.rows.iter().zip(&names.rows) {
        let terms = sorted_terms(lp, &row.expression);
        terms.iter().for_each(|(index, _)| named[*index] = true);
        let (sense, rhs) = if row.is_equality() {
            ("=", row.lower)
        } else if row.lower.is_finite() {
            (">=", row.lower)
        } else {
            ("<=", row.upper)
        };
        let _ = write!(out, " {row_name}:");
        write_linear(&mut out, &names.columns, &terms);
        let _ = writeln!(out, " {sense} {}", number(rhs));
    }
    out.push_str("Bounds\n");
    for ((column, name), named) in lp.columns.iter().zip(&names.columns).zip(named) {
        let (lower, upper) = (column.lower, column.upper);
        if lower == f64::NEG_INFINITY && upper == f64::INFINITY {
            let _ = writeln!(out, " {name} free");
        } else if upper.is_finite() {
            let _ = writeln!(out, " {} <= {name} <= {}", number(lower), number(upper));
        } else if lower != 0.0 || !named {
            let _ = writeln!(out, " {name} >= {}", number(lower));
        }
    }
    // Whole-number columns (a MIP); a linear programme has no such section.
    let integers: Vec<&str> = lp
        .columns
        .iter()
        .zip(&names.columns)
        .filter(|(column, _)| column.integer)
        .map(|(_, name)| name.as_str())
        .collect();
    if !integers.is_empty() {
        out.push_str("General\n");
        for name in integers {
            let _ = writeln!(out, " {name}");
        }
    }
    out.push_str("End\n");
    out
}

/// Free MPS format.
pub fn to_mps_format(lp: &Lp, model_name: &str) -> String {
    let names = ExportNames::new(lp, Format::Mps);
    let mut out = String::new();
    write_model_name(&mut out, "*", model_name);
    names.write_side_table(&mut out, "*");
    let encoded_model_name = encode_name(model_name, Format::Mps);
    let name_token = if encoded_model_name.is_empty() || encoded_model_name.len() > MAX_NAME_LENGTH
    {
        "wfplan_model"
    } else {
        encoded_model_name.as_str()
    };
    let _ = writeln!(out, "NAME {name_token}");
    let _ = writeln!(out, "ROWS\n N {OBJECTIVE_NAME}");
    for (row, row_name) in lp.rows.iter().zip(&names.rows) {
        let kind = if row.is_equality() {
            "E"
        } else if row.lower.is_finite() {
            "G"
        } else {
            "L"
        };
        let _ = writeln!(out, " {kind} {row_name}");
    }
    // Column-wise coefficients.
    let mut by_column: Vec<Vec<(&str, f64)>> = vec![Vec::new(); lp.columns.len()];
    let objective = lp.objectives.first().cloned().unwrap_or_default();
    for (index, coefficient) in sorted_terms(lp, &objective) {
        by_column[index].push((OBJECTIVE_NAME, coefficient));
    }
    for (row, row_name) in lp.rows.iter().zip(&names.rows) {
        for (index, coefficient) in sorted_terms(lp, &row.expression) {
            by_column[index].push((row_name, coefficient));
        }
    }
    out.push_str("COLUMNS\n");
    // Whole-number columns are written between INTORG and INTEND markers.
    let mut in_integers = false;
    let mut marker = 0;
    for ((column_name, entries), column) in names.columns.iter().zip(&by_column).zip(&lp.columns) {
        if column.integer != in_integers {
            let kind = if column.integer { "INTORG" } else { "INTEND" };
            let _ = writeln!(out, " MARKER{marker} 'MARKER' '{kind}'");
            marker += usize::from(!column.integer);
            in_integers = column.integer;
        }
        if entries.is_empty() {
            // Declared with a zero cost, so that a column in no row is kept.
            let _ = writeln!(out, " {column_name} {OBJECTIVE_NAME} 0");
        }
        for (row_name, coefficient) in entries {
            let _ = writeln!(out, " {column_name} {row_name} {}", number(*coefficient));
        }
    }
    if in_integers {
        let _ = writeln!(out, " MARKER{marker} 'MARKER' 'INTEND'");
    }
    out.push_str("RHS\n");
    let objective_constant = objective.constant();
    if objective_constant != 0.0 {
        let _ = writeln!(out, " rhs {OBJECTIVE_NAME} {}", number(-objective_constant));
    }
    for (row, row_name) in lp.rows.iter().zip(&names.rows) {
        let rhs = if row.lower.is_finite() {
            row.lower
        } else {
            row.upper
        };
        if rhs != 0.0 {
            let _ = writeln!(out, " rhs {row_name} {}", number(rhs));
        }
    }
    out.push_str("BOUNDS\n");
    for (column, name) in lp.columns.iter().zip(&names.columns) {
        if column.lower == f64::NEG_INFINITY && column.upper == f64::INFINITY {
            let _ = writeln!(out, " FR bnd {name}");
            continue;
        }
        if column.lower == f64::NEG_INFINITY {
            let _ = writeln!(out, " MI bnd {name}");
        } else if column.lower != 0.0 {
            let _ = writeln!(out, " LO bnd {name} {}", number(column.lower));
        }
        if column.upper.is_finite() {
            let _ = writeln!(out, " UP bnd {name} {}", number(column.upper));
        } else if column.integer {
            // Without a bound a reader may take an integer column for a
            // binary one (HiGHS and CPLEX do).
            let _ = writeln!(out, " PL bnd {name}");
        }
    }
    out.push_str("ENDATA\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_examples() {
        let lp = |name| encode_name(name, Format::Lp);
        let mps = |name| encode_name(name, Format::Mps);
        assert_eq!(
            lp("stock[staff-nurse,2014/15]"),
            "stock(staff~2dnurse,2014~2f15)"
        );
        assert_eq!(
            lp("stock[staff_nurse,2014/15]"),
            "stock(staff_nurse,2014~2f15)"
        );
        assert_eq!(
            mps("stock[staff-nurse,2014/15]"),
            "stock[staff-nurse,2014/15]"
        );
        assert_eq!(lp("a b"), "a~20b");
        assert_eq!(mps("a b"), "a~20b");
        assert_eq!(lp("a_b"), "a_b");
        assert_eq!(lp("(~)"), "~28~7e~29");
        assert_eq!(mps("(~)"), "(~7e)");
        assert_eq!(lp("é"), "~c3~a9");
        assert_eq!(mps("é\t"), "~c3~a9~09");
        assert_eq!(lp("1x"), "~31x");
        assert_eq!(lp("e1"), "~651");
        assert_eq!(lp("exit[a,1]"), "exit(a,1)");
        assert_eq!(lp("End"), "~45nd");
        assert_eq!(mps("NAME"), "~4eAME");
        assert_eq!(mps("*x"), "~2ax");
        assert_eq!(lp("obj"), "~6fbj");
        assert_eq!(lp("Infant[a,1]"), "~49nfant(a,1)");
        assert_eq!(mps("nan"), "~6ean");
        assert_eq!(lp("in"), "in");
        assert_eq!(mps("OBJ"), "~4fBJ");
        assert_eq!(lp(""), "");
    }

    #[test]
    fn decode_inverts_encode() {
        for name in [
            "",
            "stock[staff-nurse,2014/15]",
            "stock[staff_nurse,2014/15]",
            "stock[staff/nurse,2014/15]",
            "target[hv,Q1 2025,min]",
            "x[a,b[c],d]",
            "(already)~7e",
            "~r1",
            "tab\there\nnew line\r\u{2028}",
            "£€😀 ünïcödé",
            "0123",
            "E5",
            "ee",
            "free",
            "NAME",
            "s.t.",
            "*$",
            "\\ comment",
            "a:b+c-d*e/f^g<h>i=j",
        ] {
            for format in [Format::Lp, Format::Mps] {
                let encoded = encode_name(name, format);
                assert_eq!(
                    decode_name(&encoded, format).as_deref(),
                    Some(name),
                    "{encoded}"
                );
                assert!(encoded.chars().all(|c| c.is_ascii_graphic()), "{encoded}");
                if format == Format::Lp {
                    assert!(
                        encoded
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "_(),~".contains(c)),
                        "{encoded}"
                    );
                }
            }
        }
    }

    #[test]
    fn decode_refuses_what_encode_never_writes() {
        for written in ["~r1", "~v0", "~", "~2", "~2D", "a b", "~ff", "é"] {
            for format in [Format::Lp, Format::Mps] {
                assert_eq!(decode_name(written, format), None, "{written}");
            }
        }
        assert_eq!(decode_name("a-b", Format::Lp), None);
        assert_eq!(decode_name("a-b", Format::Mps).as_deref(), Some("a-b"));
    }
}
