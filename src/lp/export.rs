//! The programme as text for another solver: CPLEX LP format or free MPS.
//! Pure: returns a string; `report` writes it. Terms are sorted by column so
//! the output is stable from run to run. Only the first objective is written
//! (a lexicographic model's later stages depend on the earlier optima).

use std::fmt::Write;

use good_lp::{Expression, IntoAffineExpression};

use super::Lp;

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

/// LP-format names allow letters, digits and a few symbols; anything else
/// (brackets, '/', '-', '>', spaces) becomes '_' — `stock[hv,2025/26]` is
/// written `stock(hv,2025_26)`.
fn lp_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c if c.is_ascii_alphanumeric() || "!\"#$%&(),.;?@_{}~'".contains(c) => c,
            _ => '_',
        })
        .collect()
}

/// MPS names may not hold spaces.
fn mps_name(name: &str) -> String {
    name.replace(char::is_whitespace, "_")
}

fn number(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:e}")
    }
}

fn write_linear(out: &mut String, lp: &Lp, terms: &[(usize, f64)]) {
    if terms.is_empty() {
        out.push_str(" 0 ");
        out.push_str(&lp_name(&lp.columns[0].name));
        return;
    }
    for (position, (index, coefficient)) in terms.iter().enumerate() {
        let sign = if *coefficient < 0.0 { "-" } else { "+" };
        if position > 0 || *coefficient < 0.0 {
            let _ = write!(out, " {sign}");
        }
        let magnitude = coefficient.abs();
        if magnitude == 1.0 {
            let _ = write!(out, " {}", lp_name(&lp.columns[*index].name));
        } else {
            let _ = write!(
                out,
                " {} {}",
                number(magnitude),
                lp_name(&lp.columns[*index].name)
            );
        }
        if position % 6 == 5 {
            out.push_str("\n   ");
        }
    }
}

/// CPLEX LP format.
pub fn to_lp_format(lp: &Lp, model_name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\\ wfplan model: {model_name}");
    out.push_str("Minimize\n obj:");
    let objective = lp.objectives.first().cloned().unwrap_or_default();
    write_linear(&mut out, lp, &sorted_terms(lp, &objective));
    // The constant (costs of cohorts already in training, and the like).
    let constant = objective.constant();
    if constant != 0.0 {
        let sign = if constant < 0.0 { "-" } else { "+" };
        let _ = write!(out, " {sign} {}", number(constant.abs()));
    }
    out.push_str("\nSubject To\n");
    for row in &lp.rows {
        let terms = sorted_terms(lp, &row.expression);
        let (sense, rhs) = if row.is_equality() {
            ("=", row.lower)
        } else if row.lower.is_finite() {
            (">=", row.lower)
        } else {
            ("<=", row.upper)
        };
        let _ = write!(out, " {}:", lp_name(&row.name));
        write_linear(&mut out, lp, &terms);
        let _ = writeln!(out, " {sense} {}", number(rhs));
    }
    out.push_str("Bounds\n");
    for column in &lp.columns {
        let name = lp_name(&column.name);
        match (column.lower, column.upper.is_finite()) {
            (0.0, false) => {}
            (lower, false) => {
                let _ = writeln!(out, " {name} >= {}", number(lower));
            }
            (lower, true) => {
                let _ = writeln!(
                    out,
                    " {} <= {name} <= {}",
                    number(lower),
                    number(column.upper)
                );
            }
        }
    }
    out.push_str("End\n");
    out
}

/// Free MPS format.
pub fn to_mps_format(lp: &Lp, model_name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "NAME {}", mps_name(model_name));
    out.push_str("ROWS\n N obj\n");
    for row in &lp.rows {
        let kind = if row.is_equality() {
            "E"
        } else if row.lower.is_finite() {
            "G"
        } else {
            "L"
        };
        let _ = writeln!(out, " {kind} {}", mps_name(&row.name));
    }
    // Column-wise coefficients.
    let mut by_column: Vec<Vec<(String, f64)>> = vec![Vec::new(); lp.columns.len()];
    let objective = lp.objectives.first().cloned().unwrap_or_default();
    for (index, coefficient) in sorted_terms(lp, &objective) {
        by_column[index].push(("obj".to_string(), coefficient));
    }
    for row in &lp.rows {
        for (index, coefficient) in sorted_terms(lp, &row.expression) {
            by_column[index].push((mps_name(&row.name), coefficient));
        }
    }
    out.push_str("COLUMNS\n");
    for (column, entries) in lp.columns.iter().zip(&by_column) {
        for (row_name, coefficient) in entries {
            let _ = writeln!(
                out,
                " {} {row_name} {}",
                mps_name(&column.name),
                number(*coefficient)
            );
        }
    }
    out.push_str("RHS\n");
    let objective_constant = objective.constant();
    if objective_constant != 0.0 {
        let _ = writeln!(out, " rhs obj {}", number(-objective_constant));
    }
    for row in &lp.rows {
        let rhs = if row.lower.is_finite() {
            row.lower
        } else {
            row.upper
        };
        if rhs != 0.0 {
            let _ = writeln!(out, " rhs {} {}", mps_name(&row.name), number(rhs));
        }
    }
    out.push_str("BOUNDS\n");
    for column in &lp.columns {
        let name = mps_name(&column.name);
        if column.lower != 0.0 {
            let _ = writeln!(out, " LO bnd {name} {}", number(column.lower));
        }
        if column.upper.is_finite() {
            let _ = writeln!(out, " UP bnd {name} {}", number(column.upper));
        }
    }
    out.push_str("ENDATA\n");
    out
}
