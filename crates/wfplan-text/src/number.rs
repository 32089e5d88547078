//! Numbers, money and periods as a reader sees them: every figure a
//! message, a table cell or a report sentence prints goes through here, so
//! one amount reads the same everywhere ("12,292.5", "£1.06bn",
//! "−1,234.5", "2010/11–2014/15").

/// Rounds solver noise (|x| < 1e-9, and -0) to 0.
pub fn clean(value: f64) -> f64 {
    if value.abs() < 1e-9 {
        0.0
    } else {
        value
    }
}

/// 12,292.5 style numbers for messages.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let negative = rounded < 0.0;
    let whole = rounded.abs().trunc() as u64;
    let tenth = ((rounded.abs() - rounded.abs().trunc()) * 10.0).round() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (position, c) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if tenth == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{tenth}")
    }
}

/// £12.3m style.
pub fn money(value: f64, currency: &str) -> String {
    let symbol = symbol_or_empty(currency);
    let sign = if value < 0.0 { "−" } else { "" };
    let magnitude = value.abs();
    let body = if magnitude >= 1e9 {
        format!("{:.2}bn", magnitude / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.1}m", magnitude / 1e6)
    } else if magnitude >= 1e3 {
        format!("{:.1}k", magnitude / 1e3)
    } else {
        format!("{magnitude:.0}")
    };
    if symbol.is_empty() {
        format!("{sign}{body} {currency}")
    } else {
        format!("{sign}{symbol}{body}")
    }
}

/// The currency's symbol ("£" for GBP), or "" where it has none
/// (`currency_symbol`).
fn symbol_or_empty(currency: &str) -> &'static str {
    currency_symbol(currency).unwrap_or("")
}

/// A price per unit, as `money` but with pence below 10 (a shadow price of
/// £0.41 per £ is not "£0").
pub fn price(value: f64, currency: &str) -> String {
    if value != 0.0 && value.abs() < 10.0 {
        let symbol = symbol_or_empty(currency);
        let sign = if value < 0.0 { "−" } else { "" };
        if symbol.is_empty() {
            format!("{sign}{:.2} {currency}", value.abs())
        } else {
            format!("{sign}{symbol}{:.2}", value.abs())
        }
    } else {
        money(value, currency)
    }
}

/// "one FTE", "£1", "one place": one unit of a condition, as a reader says it.
pub fn one_unit(unit: &str, currency: &str) -> String {
    if unit == currency && !symbol_or_empty(currency).is_empty() {
        format!("{}1", symbol_or_empty(currency))
    } else {
        format!("one {unit}")
    }
}

/// "per FTE", "per £": a price's unit.
pub fn per_unit(unit: &str, currency: &str) -> String {
    if unit == currency && !symbol_or_empty(currency).is_empty() {
        format!("per {}", symbol_or_empty(currency))
    } else {
        format!("per {unit}")
    }
}

/// Signed FTE, e.g. "+4,200" or "−1,234.5".
pub fn signed(value: f64) -> String {
    if value > 0.0 {
        format!("+{}", format_number(value))
    } else if value < 0.0 {
        format!("−{}", format_number(-value))
    } else {
        "0".to_string()
    }
}

/// "2010/11–2014/15", or one label when `from == to`.
pub fn span(periods: &[String], from: usize, to: usize) -> String {
    if from == to {
        periods[from].clone()
    } else {
        format!("{}–{}", periods[from], periods[to])
    }
}

/// "2011/12, 2013/14–2015/16": period indices as runs of labels.
pub fn period_list(periods: &[String], indices: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &t in indices {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == t => *end = t,
            _ => runs.push((t, t)),
        }
    }
    runs.iter()
        .map(|(a, b)| span(periods, *a, *b))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The symbol of a currency code wfplan knows (GBP £, EUR €, USD $).
pub fn currency_symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "GBP" => Some("£"),
        "EUR" => Some("€"),
        "USD" => Some("$"),
        _ => None,
    }
}

/// The unit of a chart axis in millions of the model's currency:
/// "£ million" for GBP, "NZD million" for a code without a symbol.
pub fn millions(currency: &str) -> String {
    match currency_symbol(currency) {
        Some(symbol) => format!("{symbol} million"),
        None => format!("{currency} million"),
    }
}

/// Like `format_number`, but a small rate keeps its digits (0.085, not 0.1).
pub fn precise(value: f64) -> String {
    if value != 0.0 && value.abs() < 10.0 {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format_number(value)
    }
}

/// A number in a message: up to 6 significant decimals, no trailing zeros.
pub fn six_decimals(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// A number to about 5 significant digits (at least one decimal, at most
/// four), no trailing zeros: 3.2, 8097.1.
pub fn five_digits(value: f64) -> String {
    let whole_digits = value.abs().max(1.0).log10().floor() as i32 + 1;
    let decimals = (5 - whole_digits).clamp(1, 4) as usize;
    let text = format!("{value:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way of printing a number, on values worked out by hand.
    #[test]
    fn numbers_read_as_written_by_hand() {
        assert_eq!(format_number(12292.46), "12,292.5");
        assert_eq!(format_number(-1234.0), "-1,234");
        assert_eq!(signed(4200.0), "+4,200");
        assert_eq!(signed(-1234.5), "−1,234.5");
        assert_eq!(signed(0.0), "0");
        assert_eq!(money(1.06e9, "GBP"), "£1.06bn");
        assert_eq!(money(-610.0e6, "GBP"), "−£610.0m");
        assert_eq!(money(2500.0, "NZD"), "2.5k NZD");
        assert_eq!(price(0.448, "GBP"), "£0.45");
        assert_eq!(precise(0.085), "0.085");
        assert_eq!(precise(12292.0), "12,292");
        assert_eq!(six_decimals(-0.0000001), "0");
        assert_eq!(six_decimals(0.1234567), "0.123457");
        assert_eq!(five_digits(8097.14), "8097.1");
        assert_eq!(five_digits(3.2), "3.2");
        let periods: Vec<String> = ["2010/11", "2011/12", "2012/13", "2013/14"]
            .map(String::from)
            .to_vec();
        assert_eq!(span(&periods, 0, 2), "2010/11–2012/13");
        assert_eq!(
            period_list(&periods, &[0, 2, 3]),
            "2010/11, 2012/13–2013/14"
        );
        assert_eq!(clean(-1e-12), 0.0);
    }
}
