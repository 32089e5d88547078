//! Keeping charts and tables readable at scale: with more series, panels or
//! bars than a reader can tell apart, the largest are kept and the rest
//! summed into one "All other N …" entry. A chart never has more than
//! [`MAX_SERIES`] legend entries, [`MAX_PANELS`] panels or [`MAX_BARS`] bars.

use wfplan_charts::{Panel, Series};

/// Most legend entries in a chart (the "all others" entry included).
pub const MAX_SERIES: usize = 12;
/// Most panels in a small-multiples chart (the "all others" panel included).
pub use wfplan_model::group_sets::MAX_PANELS;
/// Most bars in a horizontal bar chart (the "all others" bar included).
pub const MAX_BARS: usize = 12;

/// Splits `items` into the `max - 1` with the largest weight (in their
/// original order) and the rest, when there are more than `max`; else keeps
/// them all.
pub fn split_top<T>(items: Vec<T>, weight: impl Fn(&T) -> f64, max: usize) -> (Vec<T>, Vec<T>) {
    if items.len() <= max {
        return (items, Vec::new());
    }
    let keep = max.saturating_sub(1);
    let mut order: Vec<(usize, f64)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (i, weight(item)))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let kept: Vec<usize> = order.iter().take(keep).map(|(i, _)| *i).collect();
    let (mut top, mut rest) = (Vec::new(), Vec::new());
    for (i, item) in items.into_iter().enumerate() {
        if kept.contains(&i) {
            top.push(item);
        } else {
            rest.push(item);
        }
    }
    (top, rest)
}

/// Σ|v| of a series (its size for ranking).
pub fn magnitude(values: &[f64]) -> f64 {
    values
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| v.abs())
        .sum()
}

fn add_into(total: &mut Vec<f64>, values: &[f64]) {
    if total.len() < values.len() {
        total.resize(values.len(), 0.0);
    }
    for (t, v) in values.iter().enumerate() {
        if v.is_finite() {
            total[t] += v;
        }
    }
}

/// At most `max` series: the largest by Σ|value| and one series "All other
/// N {what}" summing the rest.
pub fn top_series(series: Vec<Series>, max: usize, what: &str) -> Vec<Series> {
    let (mut top, rest) = split_top(series, |s| magnitude(&s.values), max);
    if !rest.is_empty() {
        let mut values = Vec::new();
        for s in &rest {
            add_into(&mut values, &s.values);
        }
        top.push(Series {
            label: format!("All other {} {what}", rest.len()),
            values,
        });
    }
    top
}

/// At most `max` panels: the heaviest by `weight` and one panel "All other
/// N {what}" whose series sum the others' series of the same label.
pub fn top_panels(
    panels: Vec<Panel>,
    weight: impl Fn(&Panel) -> f64,
    max: usize,
    what: &str,
) -> Vec<Panel> {
    let (mut top, rest) = split_top(panels, weight, max);
    if !rest.is_empty() {
        let mut series: Vec<Series> = Vec::new();
        for panel in &rest {
            for s in &panel.series {
                match series.iter_mut().find(|x| x.label == s.label) {
                    Some(total) => add_into(&mut total.values, &s.values),
                    None => series.push(s.clone()),
                }
            }
        }
        top.push(Panel {
            unit: None,
            title: format!("All other {} {what}", rest.len()),
            series,
        });
    }
    top
}

/// At most `max` bars, in the order given: the largest by |value| and one
/// bar "All other N {what}" summing the rest, last.
pub fn top_bars(bars: Vec<(String, f64)>, max: usize, what: &str) -> Vec<(String, f64)> {
    let (mut top, rest) = split_top(bars, |(_, v)| v.abs(), max);
    if !rest.is_empty() {
        let sum = rest.iter().map(|(_, v)| v).filter(|v| v.is_finite()).sum();
        top.push((format!("All other {} {what}", rest.len()), sum));
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(label: &str, values: Vec<f64>) -> Series {
        Series {
            label: label.to_string(),
            values,
        }
    }

    #[test]
    fn few_series_are_kept_as_they_are() {
        let input = vec![series("a", vec![1.0]), series("b", vec![2.0])];
        assert_eq!(top_series(input.clone(), 12, "x"), input);
    }

    #[test]
    fn many_series_keep_the_largest_and_sum_the_rest() {
        let input: Vec<Series> = (0..30)
            .map(|i| series(&format!("s{i}"), vec![i as f64, -(i as f64)]))
            .collect();
        let out = top_series(input, 12, "services");
        assert_eq!(out.len(), 12);
        // The 11 largest are s19..s29, in their original order.
        assert_eq!(out[0].label, "s19");
        assert_eq!(out[10].label, "s29");
        assert_eq!(out[11].label, "All other 19 services");
        let rest: f64 = (0..19).map(|i| i as f64).sum();
        assert_eq!(out[11].values, vec![rest, -rest]);
    }

    #[test]
    fn many_panels_and_bars_are_capped_and_sums_kept() {
        let panels: Vec<Panel> = (0..40)
            .map(|i| Panel {
                unit: None,
                title: format!("g{i}"),
                series: vec![series("Staff", vec![i as f64])],
            })
            .collect();
        let out = top_panels(panels, |p| p.series[0].values[0], 12, "groups");
        assert_eq!(out.len(), 12);
        assert_eq!(out[11].title, "All other 29 groups");
        assert_eq!(out[11].series[0].values[0], (0..29).sum::<i32>() as f64);
        let bars: Vec<(String, f64)> = (0..20).map(|i| (format!("b{i}"), -(i as f64))).collect();
        let out = top_bars(bars, 12, "regions");
        assert_eq!(out.len(), 12);
        assert_eq!(out[11], ("All other 9 regions".to_string(), -36.0));
    }
}
