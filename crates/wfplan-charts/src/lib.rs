//! Chart rendering for wfplan reports.
//!
//! Every function here is pure: it takes labelled numbers and returns a
//! [`Chart`] holding the same picture twice, as PNG bytes and as an SVG
//! document. Nothing is written to disk; the caller decides where (and how
//! atomically) to store the result.
//!
//! Text is drawn with DejaVu Sans, which is compiled into the binary and
//! registered with plotters' `ab_glyph` font table on first use, so PNG output
//! is identical on machines that have no system fonts at all. (SVG output
//! names the `sans-serif` family and leaves glyph rendering to the viewer.)
//!
//! Colours follow the Okabe–Ito palette, which stays distinguishable under the
//! common forms of colour-vision deficiency. Values that are NaN or infinite
//! are skipped (a gap in a line, a missing bar) rather than treated as zero.

use std::sync::OnceLock;

use anyhow::{anyhow, bail, Context, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle, FontTransform};

/// DejaVu Sans, bundled so that rendering never depends on system fonts.
static FONT_REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));
/// DejaVu Sans Bold, used for chart and panel titles.
static FONT_BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans-Bold.ttf"
));

/// Font family name under which the bundled fonts are registered.
const FAMILY: &str = "sans-serif";

/// Default canvas width in pixels.
const WIDTH: u32 = 1000;
/// Default canvas height in pixels.
const HEIGHT: u32 = 600;
/// Largest magnitude accepted in data: far beyond any real headcount or
/// cost, and small enough that sums and axis arithmetic cannot overflow.
const MAX_VALUE: f64 = 1e15;
/// Upper bound on the canvas height, however many panels or categories.
const MAX_HEIGHT: u32 = 6000;

const TITLE_SIZE: f64 = 24.0;
const PANEL_TITLE_SIZE: f64 = 16.0;
const LABEL_SIZE: f64 = 14.0;
const DESC_SIZE: f64 = 15.0;
const LEGEND_SIZE: f64 = 15.0;

/// Okabe–Ito palette, reordered so that the first colours are the most
/// distinct on white. Its orange, reddish purple, sky blue and yellow are
/// darkened (same hue, each channel scaled down) until every colour has a
/// contrast of at least 3.3:1 against the white background, above WCAG 2.2's
/// 3:1 for graphical objects (success criterion 1.4.11); the originals were
/// 2.25, 3.06, 2.31 and 1.32.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(189, 130, 0),   // orange, darkened from (230, 159, 0)
    RGBColor(196, 116, 160), // reddish purple, darkened from (204, 121, 167)
    RGBColor(71, 149, 193),  // sky blue, darkened from (86, 180, 233)
    RGBColor(0, 0, 0),       // black
    RGBColor(151, 144, 42),  // yellow (olive), darkened from (240, 228, 66)
];
const GRID: RGBColor = RGBColor(225, 225, 225);
const AXIS: RGBColor = RGBColor(60, 60, 60);
const MUTED: RGBColor = RGBColor(110, 110, 110);

/// A rendered chart: the same picture as PNG bytes and as an SVG document.
#[derive(Debug, Clone)]
pub struct Chart {
    /// PNG-encoded 8-bit RGB image.
    pub png: Vec<u8>,
    /// Standalone SVG document.
    pub svg: String,
}

/// One named sequence of values, one value per x label (NaN = missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// One value per x label; NaN or infinite values are skipped.
    pub values: Vec<f64>,
}

/// A name short enough for a panel title: without a trailing "(...)"
/// ("Acute adult nurses (acute, elderly and general, band 5)" → "Acute
/// adult nurses"); a name that is all parenthesis is kept.
pub fn short_title(name: &str) -> String {
    let trimmed = name.trim_end();
    if trimmed.ends_with(')') {
        if let Some(open) = trimmed.rfind(" (") {
            if open > 0 {
                return trimmed[..open].to_string();
            }
        }
    }
    trimmed.to_string()
}

/// One panel of a small-multiples chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Panel heading (e.g. a staff group).
    pub title: String,
    /// The unit of this panel's axis when it differs from the chart's
    /// (e.g. a service's unit of care); None: the chart's y label.
    pub unit: Option<String>,
    /// Series drawn in this panel; series with the same label share a colour
    /// across panels and one legend entry.
    pub series: Vec<Series>,
}

/// What every small-multiples panel says under its title: its axis is its
/// own and starts at (includes) zero.
pub const PANEL_SCALE_NOTE: &str = "own scale, from 0";

/// The y range of one small-multiples panel: its own data's, widened to
/// include zero and padded by 8% of the span away from zero (like bars), so
/// panels of very different size each fill their height and none is
/// truncated. `None` when the panel has no finite value.
pub fn panel_range(series: &[Series]) -> Option<(f64, f64)> {
    let values = || finite(series.iter().flat_map(|s| s.values.iter().copied()));
    let lo = values().reduce(f64::min)?;
    let hi = values().reduce(f64::max)?;
    Some(bar_range(lo, hi))
}

/// What a single line chart's value axis says when it does not include zero
/// (its range is the data's, padded, so a small difference fills the height).
pub const NOT_FROM_ZERO: &str = "axis not from zero";

/// Whether a single line chart's value axis includes zero (true when there
/// is nothing to plot). When it does not, [`line_chart`] adds
/// [`NOT_FROM_ZERO`] to the axis label, and callers should say so in the
/// title too.
pub fn line_axis_includes_zero(series: &[Series]) -> bool {
    includes_zero(line_range(series))
}

fn includes_zero(range: Option<(f64, f64)>) -> bool {
    range.is_none_or(|(lo, hi)| lo <= 0.0 && hi >= 0.0)
}

/// The value axis's label, with [`NOT_FROM_ZERO`] added when its range
/// misses zero (once).
fn axis_label(y_label: &str, range: Option<(f64, f64)>) -> String {
    if includes_zero(range) || y_label.contains(NOT_FROM_ZERO) {
        y_label.to_string()
    } else {
        format!("{y_label}, {NOT_FROM_ZERO}")
    }
}

/// Lines over periods (e.g. stock of one group, base vs policy).
///
/// `x_labels` are the periods (e.g. "2010/11"); each series must have exactly
/// one value per period. The y axis is padded by about 8% around the data and
/// does not go below zero when all values are non-negative; when it does not
/// reach zero, the axis label says so ([`NOT_FROM_ZERO`]).
pub fn line_chart(
    title: &str,
    x_labels: &[String],
    y_label: &str,
    series: &[Series],
) -> Result<Chart> {
    check_series(x_labels.len(), series, None)?;
    let spec = Spec::Line {
        title,
        x_labels,
        y_label,
        series,
    };
    render(&spec, (WIDTH, HEIGHT)).with_context(|| format!("line chart {title:?}"))
}

/// Small multiples: one line panel per entity in a grid (e.g. 7 staff groups,
/// base vs policy), shared legend. Each panel has its own y axis, so a small
/// group is not a flat line under a large one, and every axis includes zero
/// (see [`panel_range`]), so a small change does not look like a collapse;
/// each panel says so under its title ([`PANEL_SCALE_NOTE`]).
///
/// The canvas grows taller with the number of panel rows. Series are matched
/// across panels by label, so "Base" has the same colour everywhere.
pub fn small_multiples(
    title: &str,
    x_labels: &[String],
    y_label: &str,
    panels: &[Panel],
) -> Result<Chart> {
    for panel in panels {
        check_series(x_labels.len(), &panel.series, Some(&panel.title))?;
    }
    let (_, rows) = grid_shape(panels.len());
    let height = (130 + rows.min(100) as u32 * 290).clamp(HEIGHT, MAX_HEIGHT);
    let spec = Spec::Multiples {
        title,
        x_labels,
        y_label,
        panels,
    };
    render(&spec, (WIDTH, height)).with_context(|| format!("small multiples {title:?}"))
}

/// Stacked bars per x label; positive values stack upwards from 0 and negative
/// downwards (for inflow channels and cost categories), with a zero line and
/// legend.
pub fn stacked_bars(
    title: &str,
    x_labels: &[String],
    y_label: &str,
    series: &[Series],
) -> Result<Chart> {
    check_series(x_labels.len(), series, None)?;
    let spec = Spec::Stacked {
        title,
        x_labels,
        y_label,
        series,
    };
    render(&spec, (WIDTH, HEIGHT)).with_context(|| format!("stacked bar chart {title:?}"))
}

/// Horizontal bars, one per category (e.g. change in delivered FTE by
/// service), negative to the left, labelled with the value.
///
/// Categories are listed top to bottom in the order given. `x_label` names
/// the value axis (with its unit). The canvas grows taller when there are
/// many categories.
pub fn horizontal_bars(
    title: &str,
    categories: &[String],
    x_label: &str,
    values: &[f64],
) -> Result<Chart> {
    if categories.len() != values.len() {
        bail!(
            "horizontal bar chart {title:?}: {} values for {} categories",
            values.len(),
            categories.len()
        );
    }
    check_magnitude(values).with_context(|| format!("horizontal bar chart {title:?}"))?;
    let height = (170 + categories.len().min(1000) as u32 * 30).clamp(HEIGHT, MAX_HEIGHT);
    let spec = Spec::HBars {
        title,
        categories,
        x_label,
        values,
    };
    render(&spec, (WIDTH, height)).with_context(|| format!("horizontal bar chart {title:?}"))
}

/// Grouped vertical bars: for each x label, one bar per series side by side
/// (e.g. cost by year base vs policy). Negative values go below the zero line.
pub fn grouped_bars(
    title: &str,
    x_labels: &[String],
    y_label: &str,
    series: &[Series],
) -> Result<Chart> {
    check_series(x_labels.len(), series, None)?;
    let spec = Spec::Grouped {
        title,
        x_labels,
        y_label,
        series,
    };
    render(&spec, (WIDTH, HEIGHT)).with_context(|| format!("grouped bar chart {title:?}"))
}

/// One panel of a fan chart: quantile bands of a quantity over periods
/// (e.g. one staff group's stock over the samples of a simulation).
#[derive(Debug, Clone, PartialEq)]
pub struct FanPanel {
    /// Panel heading (e.g. a staff group); empty for a one-panel chart.
    pub title: String,
    /// The outer band, lower and upper edge (e.g. P5 and P95).
    pub outer: (Vec<f64>, Vec<f64>),
    /// The inner band (e.g. P25 and P75).
    pub inner: (Vec<f64>, Vec<f64>),
    /// The middle line (e.g. the median).
    pub middle: Vec<f64>,
    /// A reference line (e.g. the central plan), if any.
    pub reference: Option<Vec<f64>>,
}

/// What the bands and lines of a fan chart stand for, for its legend.
#[derive(Debug, Clone, PartialEq)]
pub struct FanLabels {
    pub outer: String,
    pub inner: String,
    pub middle: String,
    pub reference: String,
}

/// Fan chart: per panel, two shaded quantile bands (outer lighter), the
/// middle line and an optional reference line, over periods; panels in a
/// grid as small multiples, each with its own y range.
pub fn fan_chart(
    title: &str,
    x_labels: &[String],
    y_label: &str,
    labels: &FanLabels,
    panels: &[FanPanel],
) -> Result<Chart> {
    for panel in panels {
        let mut lines = vec![
            ("outer lower", &panel.outer.0),
            ("outer upper", &panel.outer.1),
            ("inner lower", &panel.inner.0),
            ("inner upper", &panel.inner.1),
            ("middle", &panel.middle),
        ];
        if let Some(reference) = &panel.reference {
            lines.push(("reference", reference));
        }
        let series: Vec<Series> = lines
            .into_iter()
            .map(|(label, values)| Series {
                label: label.to_string(),
                values: values.clone(),
            })
            .collect();
        check_series(x_labels.len(), &series, Some(&panel.title))?;
    }
    let (_, rows) = grid_shape(panels.len());
    let height = if panels.len() <= 1 {
        HEIGHT
    } else {
        (130 + rows.min(100) as u32 * 290).clamp(HEIGHT, MAX_HEIGHT)
    };
    let spec = Spec::Fan {
        title,
        x_labels,
        y_label,
        labels,
        panels,
    };
    render(&spec, (WIDTH, height)).with_context(|| format!("fan chart {title:?}"))
}

// ---------------------------------------------------------------------------
// Rendering plumbing
// ---------------------------------------------------------------------------

/// Everything needed to draw one chart, independent of the backend.
enum Spec<'a> {
    Line {
        title: &'a str,
        x_labels: &'a [String],
        y_label: &'a str,
        series: &'a [Series],
    },
    Multiples {
        title: &'a str,
        x_labels: &'a [String],
        y_label: &'a str,
        panels: &'a [Panel],
    },
    Stacked {
        title: &'a str,
        x_labels: &'a [String],
        y_label: &'a str,
        series: &'a [Series],
    },
    HBars {
        title: &'a str,
        categories: &'a [String],
        x_label: &'a str,
        values: &'a [f64],
    },
    Grouped {
        title: &'a str,
        x_labels: &'a [String],
        y_label: &'a str,
        series: &'a [Series],
    },
    Fan {
        title: &'a str,
        x_labels: &'a [String],
        y_label: &'a str,
        labels: &'a FanLabels,
        panels: &'a [FanPanel],
    },
}

/// A linear f64 axis whose ticks are exactly the given key points (plotters'
/// own `WithKeyPoints` wrapper loses the label formatter for f64 ranges).
#[derive(Clone)]
struct KeyedAxis {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

impl KeyedAxis {
    fn new(lo: f64, hi: f64, keys: Vec<f64>) -> Self {
        Self {
            inner: (lo..hi).into(),
            keys,
        }
    }
}

impl Ranged for KeyedAxis {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }
}

/// Cartesian coordinates with explicitly chosen tick positions on both axes.
type KeyedCoord = Cartesian2d<KeyedAxis, KeyedAxis>;

/// Converts plotters' drawing errors into `anyhow` errors with context.
trait PlotContext<T> {
    fn plot(self, what: &str) -> Result<T>;
}

impl<T, E> PlotContext<T> for std::result::Result<T, DrawingAreaErrorKind<E>>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn plot(self, what: &str) -> Result<T> {
        self.map_err(|e| anyhow!("{what}: {e}"))
    }
}

/// Backend-specific text placement. Plotters' ab_glyph rasteriser places
/// vertically centred text about a fifth of the font size too high; SVG
/// viewers centre it themselves (`dy="0.5ex"`), so only bitmaps are nudged.
trait Backend: DrawingBackend {
    /// Downward shift, as a fraction of the font size, for centred text.
    const CENTER_NUDGE: f64;

    /// Pixels to move vertically centred text of `size` down by.
    fn nudge(size: f64) -> i32 {
        (size * Self::CENTER_NUDGE).round() as i32
    }
}

impl Backend for BitMapBackend<'_> {
    const CENTER_NUDGE: f64 = 0.2;
}

impl Backend for SVGBackend<'_> {
    const CENTER_NUDGE: f64 = 0.0;
}

/// Registers the bundled fonts with plotters exactly once per process.
fn ensure_fonts() -> Result<()> {
    static FONTS: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, FONT_REGULAR)
                .map_err(|_| "bundled DejaVuSans.ttf is not a usable font".to_string())?;
            register_font(FAMILY, FontStyle::Bold, FONT_BOLD)
                .map_err(|_| "bundled DejaVuSans-Bold.ttf is not a usable font".to_string())
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

/// Draws `spec` on a bitmap (encoded as PNG) and on an SVG string.
fn render(spec: &Spec, (w, h): (u32, u32)) -> Result<Chart> {
    ensure_fonts()?;

    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw(&root, spec).context("drawing PNG")?;
        root.present().plot("finishing PNG")?;
    }
    let png = encode_png(&rgb, w, h)?;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        draw(&root, spec).context("drawing SVG")?;
        root.present().plot("finishing SVG")?;
    }
    Ok(Chart { png, svg })
}

/// Encodes an 8-bit RGB buffer as PNG.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().context("writing PNG header")?;
        writer
            .write_image_data(rgb)
            .context("writing PNG image data")?;
        writer.finish().context("finishing PNG")?;
    }
    Ok(out)
}

/// Checks that every series has one value per x label.
/// Checks that every series has one value per x label and no value too
/// large to draw.
fn check_series(n: usize, series: &[Series], panel: Option<&str>) -> Result<()> {
    for s in series {
        let place = panel
            .map(|p| format!(" in panel {p:?}"))
            .unwrap_or_default();
        if s.values.len() != n {
            bail!(
                "series {:?}{place} has {} values but there are {n} x labels",
                s.label,
                s.values.len()
            );
        }
        check_magnitude(&s.values).with_context(|| format!("series {:?}{place}", s.label))?;
    }
    Ok(())
}

/// Rejects finite values beyond ±[`MAX_VALUE`] (NaN and infinities are
/// skipped when drawing, so they pass).
fn check_magnitude(values: &[f64]) -> Result<()> {
    if let Some((i, v)) = values
        .iter()
        .enumerate()
        .find(|(_, v)| v.is_finite() && v.abs() > MAX_VALUE)
    {
        bail!("value {v:e} at position {i} is beyond ±{MAX_VALUE:e} and cannot be drawn");
    }
    Ok(())
}

fn draw<DB>(root: &DrawingArea<DB, Shift>, spec: &Spec) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    match *spec {
        Spec::Line {
            title,
            x_labels,
            y_label,
            series,
        } => {
            let legend = legend_for(series.iter().map(|s| s.label.as_str()), Swatch::Line);
            let body = frame(root, title, &legend)?;
            let y_label = axis_label(y_label, line_range(series));
            draw_line_panel(&body, x_labels, &y_label, series, &legend, true)
        }
        Spec::Multiples {
            title,
            x_labels,
            y_label,
            panels,
        } => {
            let legend = legend_for(
                panels
                    .iter()
                    .flat_map(|p| p.series.iter().map(|s| s.label.as_str())),
                Swatch::Line,
            );
            let body = frame(root, title, &legend)?;
            draw_multiples(&body, x_labels, y_label, panels, &legend)
        }
        Spec::Stacked {
            title,
            x_labels,
            y_label,
            series,
        } => {
            let legend = legend_for(series.iter().map(|s| s.label.as_str()), Swatch::Box);
            let body = frame(root, title, &legend)?;
            draw_stacked(&body, x_labels, y_label, series)
        }
        Spec::HBars {
            title,
            categories,
            x_label,
            values,
        } => {
            let body = frame(root, title, &[])?;
            draw_hbars(&body, categories, x_label, values)
        }
        Spec::Grouped {
            title,
            x_labels,
            y_label,
            series,
        } => {
            let legend = legend_for(series.iter().map(|s| s.label.as_str()), Swatch::Box);
            let body = frame(root, title, &legend)?;
            draw_grouped(&body, x_labels, y_label, series)
        }
        Spec::Fan {
            title,
            x_labels,
            y_label,
            labels,
            panels,
        } => {
            let mut legend = vec![
                LegendItem {
                    label: labels.outer.clone(),
                    color: FAN_OUTER,
                    swatch: Swatch::Box,
                },
                LegendItem {
                    label: labels.inner.clone(),
                    color: FAN_INNER,
                    swatch: Swatch::Box,
                },
                LegendItem {
                    label: labels.middle.clone(),
                    color: FAN_MIDDLE,
                    swatch: Swatch::Line,
                },
            ];
            if panels.iter().any(|p| p.reference.is_some()) {
                legend.push(LegendItem {
                    label: labels.reference.clone(),
                    color: PALETTE[1],
                    swatch: Swatch::Line,
                });
            }
            let body = frame(root, title, &legend)?;
            draw_fans(&body, x_labels, y_label, panels)
        }
    }
}

// ---------------------------------------------------------------------------
// Fonts, title and legend
// ---------------------------------------------------------------------------

fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&BLACK)
}

fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size, FontStyle::Bold).into_font()).color(&BLACK)
}

fn text_width<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<u32>
where
    DB::ErrorType: 'static,
{
    Ok(area
        .estimate_text_size(text, style)
        .plot("measuring text")?
        .0)
}

#[derive(Clone, Copy, PartialEq)]
enum Swatch {
    Line,
    Box,
}

struct LegendItem {
    label: String,
    color: RGBColor,
    swatch: Swatch,
}

/// One legend entry per distinct label, in order of first appearance.
fn legend_for<'a>(labels: impl Iterator<Item = &'a str>, swatch: Swatch) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = Vec::new();
    for label in labels {
        if !items.iter().any(|i| i.label == label) {
            items.push(LegendItem {
                label: label.to_string(),
                color: PALETTE[items.len() % PALETTE.len()],
                swatch,
            });
        }
    }
    items
}

fn color_of(legend: &[LegendItem], label: &str) -> RGBColor {
    legend
        .iter()
        .find(|i| i.label == label)
        .map(|i| i.color)
        .unwrap_or(PALETTE[0])
}

/// Fills the background, draws the title and the legend box, and returns
/// the area left for the plot itself.
fn frame<DB>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).plot("filling background")?;
    let area = root.margin(12, 10, 10, 20);
    let title_style = bold(TITLE_SIZE);
    let title = fit_text(&area, title, &title_style, area.dim_in_pixel().0)?;
    let area = area.titled(&title, title_style).plot("drawing title")?;
    if legend.is_empty() {
        return Ok(area);
    }

    const SWATCH_W: i32 = 26;
    const GAP: i32 = 8;
    const ITEM_SPACING: i32 = 26;
    const ROW_H: i32 = 24;
    const PAD: i32 = 10;
    const MAX_ROWS: usize = 5;

    let style = font(LEGEND_SIZE);
    let (area_w, _) = area.dim_in_pixel();
    let max_row_w = area_w as i32 - 2 * PAD - 40;

    // Entries are (legend index or None for the "+N more" note, text, width).
    type Entry = (Option<usize>, String, i32);
    let mut rows: Vec<Vec<Entry>> = vec![Vec::new()];
    let mut row_w = 0;
    let mut shown = 0;
    for (i, item) in legend.iter().enumerate() {
        let text = fit_text(
            &area,
            &item.label,
            &style,
            (max_row_w - SWATCH_W - GAP) as u32,
        )?;
        let w = SWATCH_W + GAP + text_width(&area, &text, &style)? as i32;
        if row_w > 0 && row_w + ITEM_SPACING + w > max_row_w {
            if rows.len() == MAX_ROWS {
                break;
            }
            rows.push(Vec::new());
            row_w = 0;
        }
        row_w += if row_w > 0 { ITEM_SPACING + w } else { w };
        if let Some(row) = rows.last_mut() {
            row.push((Some(i), text, w));
        }
        shown += 1;
    }
    if shown < legend.len() {
        // Too many series to list: end the last row with a count of the rest,
        // dropping entries from it until the note fits.
        if let Some(row) = rows.last_mut() {
            loop {
                let more = format!("+{} more", legend.len() - shown);
                let more_w = text_width(&area, &more, &style)? as i32;
                let used: i32 = row.iter().map(|e| e.2 + ITEM_SPACING).sum();
                if used + more_w <= max_row_w || row.is_empty() {
                    row.push((None, more, more_w));
                    break;
                }
                row.pop();
                shown -= 1;
            }
        }
    }
    let row_widths: Vec<i32> = rows
        .iter()
        .map(|r| r.iter().map(|e| e.2).sum::<i32>() + ITEM_SPACING * (r.len() as i32 - 1))
        .collect();
    let box_w = row_widths.iter().copied().max().unwrap_or(0) + 2 * PAD;
    let box_h = rows.len() as i32 * ROW_H + PAD;
    let (legend_area, body) = area.split_vertically(box_h + 12);

    let x0 = (area_w as i32 - box_w) / 2;
    let y0 = 2;
    legend_area
        .draw(&Rectangle::new(
            [(x0, y0), (x0 + box_w, y0 + box_h)],
            WHITE.filled(),
        ))
        .plot("drawing legend box")?;
    legend_area
        .draw(&Rectangle::new(
            [(x0, y0), (x0 + box_w, y0 + box_h)],
            AXIS.stroke_width(1),
        ))
        .plot("drawing legend border")?;

    let text_style = style.pos(Pos::new(HPos::Left, VPos::Center));
    for (r, (row, row_w)) in rows.iter().zip(&row_widths).enumerate() {
        let mut x = x0 + PAD + (box_w - 2 * PAD - row_w) / 2;
        let cy = y0 + PAD / 2 + r as i32 * ROW_H + ROW_H / 2;
        for (index, text, w) in row {
            let mut text_x = x;
            if let Some(item) = index.and_then(|i| legend.get(i)) {
                let swatch = match item.swatch {
                    Swatch::Line => legend_area.draw(&PathElement::new(
                        vec![(x, cy), (x + SWATCH_W, cy)],
                        item.color.stroke_width(3),
                    )),
                    Swatch::Box => legend_area.draw(&Rectangle::new(
                        [(x + 5, cy - 8), (x + SWATCH_W - 5, cy + 8)],
                        item.color.filled(),
                    )),
                };
                swatch.plot("drawing legend swatch")?;
                text_x += SWATCH_W + GAP;
            }
            legend_area
                .draw_text(text, &text_style, (text_x, cy + DB::nudge(LEGEND_SIZE)))
                .plot("drawing legend label")?;
            x += w + ITEM_SPACING;
        }
    }
    Ok(body)
}

// ---------------------------------------------------------------------------
// Numbers, ranges and ticks
// ---------------------------------------------------------------------------

/// Formats `v` with `decimals` decimals and thousands separators
/// (`12292.0` → `"12,292"`), never printing a negative zero.
fn fmt_num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let is_zero = s.chars().all(|c| c == '0' || c == '.');
    let mut out = String::new();
    if v < 0.0 && !is_zero {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Number of decimals that distinguishes values of this magnitude.
fn value_decimals(max_abs: f64) -> usize {
    if max_abs >= 100.0 {
        0
    } else if max_abs >= 10.0 {
        1
    } else {
        2
    }
}

/// "Nice" tick positions covering `[lo, hi]` and the decimals they need.
struct Ticks {
    values: Vec<f64>,
    decimals: usize,
}

fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Ticks {
            values: vec![lo],
            decimals: 0,
        };
    }
    let raw = span / target.max(1) as f64;
    let exp = raw.log10().floor();
    let base = 10f64.powf(exp);
    let (mult, extra) = [(1.0, 0), (2.0, 0), (2.5, 1), (5.0, 0), (10.0, 0)]
        .into_iter()
        .find(|(m, _)| m * base >= raw * (1.0 - 1e-9))
        .unwrap_or((10.0, 0));
    let step = mult * base;
    // Decimals needed to show `step` exactly: 250 → 0, 2.5 → 1, 0.25 → 2.
    let (mant_exp, extra) = if mult >= 10.0 {
        (exp + 1.0, 0.0)
    } else {
        (exp, extra as f64)
    };
    let decimals = (extra - mant_exp).max(0.0) as usize;
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let values = (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect();
    Ticks {
        values,
        decimals: decimals.min(6),
    }
}

fn finite(values: impl Iterator<Item = f64>) -> impl Iterator<Item = f64> {
    values.filter(|v| v.is_finite())
}

/// Y range for lines: the data padded by ~8%, not below zero for
/// non-negative data. `None` when there is nothing to plot.
fn line_range(series: &[Series]) -> Option<(f64, f64)> {
    let (lo, hi) = finite(series.iter().flat_map(|s| s.values.iter().copied())).fold(
        None,
        |acc: Option<(f64, f64)>, v| match acc {
            None => Some((v, v)),
            Some((a, b)) => Some((a.min(v), b.max(v))),
        },
    )?;
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.08
    } else if lo != 0.0 {
        lo.abs() * 0.1
    } else {
        1.0
    };
    let mut y0 = lo - pad;
    let y1 = hi + pad;
    if lo >= 0.0 && y0 < 0.0 {
        y0 = 0.0;
    }
    Some((y0, y1))
}

/// Range for bars: always includes zero, padded ~8% away from it.
fn bar_range(lo: f64, hi: f64) -> (f64, f64) {
    let lo = lo.min(0.0);
    let hi = hi.max(0.0);
    let span = hi - lo;
    if span <= 0.0 || !span.is_finite() {
        return (0.0, 1.0);
    }
    let pad = span * 0.08;
    (
        if lo < 0.0 { lo - pad } else { 0.0 },
        if hi > 0.0 { hi + pad } else { 0.0 },
    )
}

/// Every how many periods an x label fits without overlapping, given the
/// pixel width available and the widest label.
fn label_step(n: usize, plot_w: i32, label_w: i32) -> usize {
    if n == 0 {
        return 1;
    }
    let slot = plot_w.max(1) as f64 / n as f64;
    let need = (label_w + 14) as f64;
    [1usize, 2, 3, 4, 5, 10, 20, 25, 50, 100]
        .into_iter()
        .find(|k| slot * *k as f64 >= need)
        .unwrap_or(n.max(1))
}

fn label_at(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

/// Width of the y label area: widest tick label plus the rotated axis title.
fn y_area_width<DB>(area: &DrawingArea<DB, Shift>, ticks: &Ticks) -> Result<u32>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let style = font(LABEL_SIZE);
    let mut widest = 0;
    for v in &ticks.values {
        widest = widest.max(text_width(area, &fmt_num(*v, ticks.decimals), &style)?);
    }
    Ok(widest + 44)
}

/// How the x labels of a chart are shown.
struct XAxis {
    keys: Vec<f64>,
    rotate: bool,
    area_h: u32,
}

/// Chooses which x labels to show and whether to rotate them.
/// `allow_rotate` is for bar charts where each bar deserves its own label.
fn x_axis<DB>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    plot_w: i32,
    allow_rotate: bool,
) -> Result<XAxis>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let style = font(LABEL_SIZE);
    let mut widest = 0;
    for l in labels {
        widest = widest.max(text_width(area, l, &style)? as i32);
    }
    let n = labels.len();
    let step = label_step(n, plot_w, widest);
    if step > 1 && allow_rotate {
        // Rotated labels need only their height (~LABEL_SIZE) per slot.
        let rot_step = label_step(n, plot_w, LABEL_SIZE as i32);
        return Ok(XAxis {
            keys: (0..n).step_by(rot_step).map(|i| i as f64).collect(),
            rotate: true,
            area_h: widest as u32 + 22,
        });
    }
    Ok(XAxis {
        keys: (0..n).step_by(step).map(|i| i as f64).collect(),
        rotate: false,
        area_h: 36,
    })
}

/// Why a bar chart has no bars to draw, if it has none.
fn bar_note(series: &[Series]) -> Option<&'static str> {
    let mut values = finite(series.iter().flat_map(|s| s.values.iter().copied())).peekable();
    if values.peek().is_none() {
        Some("No data")
    } else if values.all(|v| v == 0.0) {
        Some("All values are zero")
    } else {
        None
    }
}

/// Writes a grey note (e.g. "No data") in the middle of `area`.
fn note<DB>(area: &DrawingArea<DB, Shift>, message: &str) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    area.draw_text(
        message,
        &font(18.0)
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center)),
        (w as i32 / 2, h as i32 / 2 + DB::nudge(18.0)),
    )
    .plot("drawing note")
}

// ---------------------------------------------------------------------------
// Chart bodies
// ---------------------------------------------------------------------------

/// The axes of a line or fan panel: y ticks over `range` (0 to 1 when
/// there is no data), an x key per period, the caption fitted to the
/// width, the grid and both axes' labels drawn. `what` names the chart in
/// errors.
fn line_panel_axes<'a, DB>(
    area: &'a DrawingArea<DB, Shift>,
    caption: Option<&str>,
    x_labels: &'a [String],
    y_label: &str,
    range: Option<(f64, f64)>,
    large: bool,
    what: &str,
) -> Result<ChartContext<'a, DB, KeyedCoord>>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let n = x_labels.len();
    let (y0, y1) = range.unwrap_or((0.0, 1.0));
    let ticks = nice_ticks(y0, y1, if large { 10 } else { 6 });
    let y_area = y_area_width(area, &ticks)?;
    let (area_w, _) = area.dim_in_pixel();
    let right = if large { 30 } else { 22 };
    let plot_w = area_w as i32 - y_area as i32 - right;
    let xa = x_axis(area, x_labels, plot_w, false)?;
    let (x0, x1) = if n <= 1 {
        (-0.5, 0.5)
    } else {
        (0.0, (n - 1) as f64)
    };

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(if large { 6 } else { 4 })
        .margin_right(right)
        .x_label_area_size(xa.area_h)
        .y_label_area_size(y_area);
    let caption = match caption {
        Some(c) => Some(fit_text(area, c, &bold(PANEL_TITLE_SIZE), area_w - 10)?),
        None => None,
    };
    if let Some(c) = &caption {
        builder.caption(c, bold(PANEL_TITLE_SIZE));
    }
    let mut chart = builder
        .build_cartesian_2d(
            KeyedAxis::new(x0, x1, xa.keys.clone()),
            KeyedAxis::new(y0, y1, ticks.values.clone()),
        )
        .plot(&format!("building {what} axes"))?;
    let decimals = ticks.decimals;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .axis_style(AXIS)
        .label_style(font(LABEL_SIZE))
        .axis_desc_style(font(DESC_SIZE))
        .y_desc(y_label)
        .x_label_formatter(&|x| label_at(x_labels, *x))
        .y_label_offset(DB::nudge(LABEL_SIZE))
        .y_label_formatter(&|y| fmt_num(*y, decimals))
        .draw()
        .plot(&format!("drawing {what} axes"))?;
    Ok(chart)
}

/// Draws one line chart: the whole body (`large`: a padded range, which its
/// caller names on the axis when it does not start at zero) or one
/// small-multiples panel (its own [`panel_range`], which includes zero).
fn draw_line_panel<DB>(
    area: &DrawingArea<DB, Shift>,
    x_labels: &[String],
    y_label: &str,
    series: &[Series],
    legend: &[LegendItem],
    large: bool,
) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let range = if large {
        line_range(series)
    } else {
        panel_range(series)
    };
    let mut chart = line_panel_axes(area, None, x_labels, y_label, range, large, "line chart")?;

    if range.is_none() {
        return note(&chart.plotting_area().strip_coord_spec(), "No data");
    }

    for s in series {
        let color = color_of(legend, &s.label);
        let style = color.stroke_width(if large { 3 } else { 2 });
        // Split at missing values so gaps show as gaps.
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, v) in s.values.iter().enumerate() {
            if v.is_finite() {
                if let Some(seg) = segments.last_mut() {
                    seg.push((i as f64, *v));
                }
            } else if segments.last().is_some_and(|seg| !seg.is_empty()) {
                segments.push(Vec::new());
            }
        }
        for seg in segments.iter().filter(|seg| !seg.is_empty()) {
            if seg.len() == 1 {
                chart
                    .draw_series(seg.iter().map(|p| Circle::new(*p, 4, color.filled())))
                    .plot("drawing isolated point")?;
            } else {
                chart
                    .draw_series(LineSeries::new(seg.iter().copied(), style))
                    .plot("drawing line")?;
            }
        }
    }
    Ok(())
}

/// Columns and rows of the small-multiples grid.
fn grid_shape(n: usize) -> (usize, usize) {
    let cols = match n {
        0 | 1 => 1,
        2..=4 => 2,
        _ => 3,
    };
    (cols, n.max(1).div_ceil(cols))
}

fn draw_multiples<DB>(
    body: &DrawingArea<DB, Shift>,
    x_labels: &[String],
    y_label: &str,
    panels: &[Panel],
    legend: &[LegendItem],
) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    if panels.is_empty() {
        return note(body, "No data");
    }
    let (cols, rows) = grid_shape(panels.len());
    let cells = body.split_evenly((rows, cols));
    let title_style = bold(PANEL_TITLE_SIZE);
    let note_style = font(LABEL_SIZE)
        .color(&MUTED)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (panel, cell) in panels.iter().zip(cells.iter()) {
        let cell = cell.margin(4, 8, 4, 4);
        let (cell_w, _) = cell.dim_in_pixel();
        let title = fit_text(&cell, &panel.title, &title_style, cell_w - 10)?;
        let below_title = cell
            .titled(&title, title_style.clone())
            .plot("drawing panel title")?;
        let (note_row, plot) = below_title.split_vertically(LABEL_SIZE as i32 + 6);
        note_row
            .draw_text(PANEL_SCALE_NOTE, &note_style, (cell_w as i32 / 2, 0))
            .plot("drawing panel scale note")?;
        let unit = panel.unit.as_deref().unwrap_or(y_label);
        draw_line_panel(&plot, x_labels, unit, &panel.series, legend, false)
            .with_context(|| format!("panel {:?}", panel.title))?;
    }
    Ok(())
}

/// Shared set-up of vertical bar charts: category axis with one slot per x
/// label, value axis including zero, mesh, and a zero line.
fn bar_chart<'a, DB>(
    area: &'a DrawingArea<DB, Shift>,
    x_labels: &'a [String],
    y_label: &str,
    lo: f64,
    hi: f64,
) -> Result<ChartContext<'a, DB, KeyedCoord>>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let n = x_labels.len();
    let (y0, y1) = bar_range(lo, hi);
    let ticks = nice_ticks(y0, y1, 10);
    let y_area = y_area_width(area, &ticks)?;
    let (area_w, _) = area.dim_in_pixel();
    let plot_w = area_w as i32 - y_area as i32 - 20;
    let xa = x_axis(area, x_labels, plot_w, true)?;

    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_right(20)
        .x_label_area_size(xa.area_h)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            KeyedAxis::new(-0.5, n.max(1) as f64 - 0.5, xa.keys.clone()),
            KeyedAxis::new(y0, y1, ticks.values.clone()),
        )
        .plot("building bar chart axes")?;
    let decimals = ticks.decimals;
    let rotate = xa.rotate;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .axis_style(AXIS)
        .label_style(font(LABEL_SIZE))
        .axis_desc_style(font(DESC_SIZE))
        .y_desc(y_label)
        .x_label_formatter(&|x| {
            if rotate {
                String::new()
            } else {
                label_at(x_labels, *x)
            }
        })
        .y_label_offset(DB::nudge(LABEL_SIZE))
        .y_label_formatter(&|y| fmt_num(*y, decimals))
        .draw()
        .plot("drawing bar chart axes")?;

    if rotate {
        // Plotters anchors rotated tick labels badly, so draw them here:
        // reading upwards, ending just below the tick.
        let style = font(LABEL_SIZE)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let (bx, by) = area.get_base_pixel();
        for &k in &xa.keys {
            let (px, py) = chart.backend_coord(&(k, y0));
            let pos = (px - bx + DB::nudge(LABEL_SIZE), py - by + 8);
            area.draw_text(&label_at(x_labels, k), &style, pos)
                .plot("drawing rotated x label")?;
        }
    }
    Ok(chart)
}

fn zero_line<DB>(chart: &mut ChartContext<'_, DB, KeyedCoord>, n: usize) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let x1 = n.max(1) as f64 - 0.5;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(-0.5, 0.0), (x1, 0.0)],
            BLACK.stroke_width(1),
        )))
        .plot("drawing zero line")?;
    Ok(())
}

fn draw_stacked<DB>(
    area: &DrawingArea<DB, Shift>,
    x_labels: &[String],
    y_label: &str,
    series: &[Series],
) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let n = x_labels.len();
    let mut pos = vec![0.0f64; n];
    let mut neg = vec![0.0f64; n];
    for s in series {
        for (i, v) in s.values.iter().enumerate() {
            if v.is_finite() {
                if *v >= 0.0 {
                    pos[i] += v;
                } else {
                    neg[i] += v;
                }
            }
        }
    }
    let hi = pos.iter().copied().fold(0.0, f64::max);
    let lo = neg.iter().copied().fold(0.0, f64::min);
    let mut chart = bar_chart(area, x_labels, y_label, lo, hi)?;
    if let Some(message) = bar_note(series) {
        zero_line(&mut chart, n)?;
        return note(&chart.plotting_area().strip_coord_spec(), message);
    }

    let half = 0.38;
    let mut up = vec![0.0f64; n];
    let mut down = vec![0.0f64; n];
    for (k, s) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let mut rects = Vec::new();
        for (i, v) in s.values.iter().enumerate() {
            if !v.is_finite() || *v == 0.0 {
                continue;
            }
            let acc = if *v > 0.0 { &mut up[i] } else { &mut down[i] };
            let (a, b) = (*acc, *acc + v);
            *acc = b;
            let x = i as f64;
            rects.push(Rectangle::new(
                [(x - half, a), (x + half, b)],
                color.filled(),
            ));
        }
        chart.draw_series(rects).plot("drawing stacked bars")?;
    }
    zero_line(&mut chart, n)
}

fn draw_grouped<DB>(
    area: &DrawingArea<DB, Shift>,
    x_labels: &[String],
    y_label: &str,
    series: &[Series],
) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let n = x_labels.len();
    let all = finite(series.iter().flat_map(|s| s.values.iter().copied()));
    let (lo, hi) = all.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let mut chart = bar_chart(area, x_labels, y_label, lo, hi)?;
    if let Some(message) = bar_note(series) {
        zero_line(&mut chart, n)?;
        return note(&chart.plotting_area().strip_coord_spec(), message);
    }

    let k = series.len().max(1) as f64;
    let group = 0.8;
    let w = group / k;
    let gap = if k > 1.0 { w * 0.08 } else { 0.0 };
    for (j, s) in series.iter().enumerate() {
        let color = PALETTE[j % PALETTE.len()];
        let rects = s
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| {
                let left = i as f64 - group / 2.0 + j as f64 * w;
                Rectangle::new([(left + gap, 0.0), (left + w - gap, *v)], color.filled())
            });
        chart.draw_series(rects).plot("drawing grouped bars")?;
    }
    zero_line(&mut chart, n)
}

/// Shortens `text` with an ellipsis so that it fits `max_w` pixels: the
/// longest prefix that fits with the ellipsis, found by halving (a prefix
/// is never narrower than a shorter one), so a name of 100,000 characters
/// is measured about 17 times, not 100,000.
fn fit_text<DB>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: u32,
) -> Result<String>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    if text_width(area, text, style)? <= max_w {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let candidate = |keep: usize| chars[..keep].iter().collect::<String>() + "…";
    // The answer is the largest `keep` in 1..len whose candidate fits;
    // `fits` holds a `keep` known to fit (0: the ellipsis alone), `too_wide`
    // one known not to.
    let (mut fits, mut too_wide) = (0, chars.len());
    while too_wide - fits > 1 {
        let middle = fits + (too_wide - fits) / 2;
        if text_width(area, &candidate(middle), style)? <= max_w {
            fits = middle;
        } else {
            too_wide = middle;
        }
    }
    Ok(candidate(fits))
}

fn draw_hbars<DB>(
    area: &DrawingArea<DB, Shift>,
    categories: &[String],
    x_label: &str,
    values: &[f64],
) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let n = categories.len();
    let label_style = font(LABEL_SIZE);
    let (area_w, _) = area.dim_in_pixel();

    // Category names on the left, shortened if they would take over 35%.
    let max_name_w = area_w * 35 / 100;
    let mut names = Vec::with_capacity(n);
    let mut widest = 0;
    for c in categories {
        let name = fit_text(area, c, &label_style, max_name_w)?;
        widest = widest.max(text_width(area, &name, &label_style)?);
        names.push(name);
    }
    let y_area = widest + 20;

    // Value labels: sign shown when the chart mixes gains and losses.
    let finite_vals: Vec<f64> = finite(values.iter().copied()).collect();
    let max_abs = finite_vals.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let decimals = value_decimals(max_abs);
    let signed = finite_vals.iter().any(|v| *v < 0.0);
    let value_text = |v: f64| {
        if !v.is_finite() {
            "n/a".to_string()
        } else if signed && v > 0.0 {
            format!("+{}", fmt_num(v, decimals))
        } else {
            fmt_num(v, decimals)
        }
    };
    let mut widest_value = 0;
    for v in values {
        widest_value = widest_value.max(text_width(area, &value_text(*v), &label_style)?);
    }

    // X range: include zero, and leave room in pixels for the value labels.
    let lo = finite_vals.iter().copied().fold(0.0f64, f64::min);
    let hi = finite_vals.iter().copied().fold(0.0f64, f64::max);
    let plot_w = (area_w as f64 - y_area as f64 - 30.0).max(100.0);
    let label_px = widest_value as f64 + 14.0;
    let sides = (lo < 0.0) as u8 as f64 + (hi > 0.0) as u8 as f64;
    let (x0, x1) = if sides == 0.0 {
        (0.0, 1.0)
    } else {
        let span = hi - lo;
        let data_px = (plot_w - sides * label_px).max(plot_w * 0.3);
        let pad = span * label_px / data_px;
        let x0 = if lo < 0.0 { lo - pad } else { -span * 0.02 };
        let x1 = if hi > 0.0 { hi + pad } else { span * 0.02 };
        (x0, x1)
    };
    let ticks = nice_ticks(x0, x1, 8);
    let tick_dec = ticks.decimals;

    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_right(30)
        .x_label_area_size(52)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            KeyedAxis::new(x0, x1, ticks.values.clone()),
            KeyedAxis::new(
                -0.5,
                n.max(1) as f64 - 0.5,
                (0..n).map(|i| i as f64).collect(),
            ),
        )
        .plot("building horizontal bar axes")?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID)
        .axis_style(AXIS)
        .label_style(font(LABEL_SIZE))
        .axis_desc_style(font(DESC_SIZE))
        .x_desc(x_label)
        .x_label_formatter(&|x| fmt_num(*x, tick_dec))
        .y_label_offset(DB::nudge(LABEL_SIZE))
        .y_label_formatter(&|y| {
            // Index 0 is drawn at the top.
            let i = y.round();
            if (y - i).abs() > 1e-6 || i < 0.0 || i as usize >= n {
                return String::new();
            }
            names.get(n - 1 - i as usize).cloned().unwrap_or_default()
        })
        .draw()
        .plot("drawing horizontal bar axes")?;

    if finite_vals.is_empty() {
        return note(&chart.plotting_area().strip_coord_spec(), "No data");
    }

    let half = 0.34;
    let pos_color = PALETTE[0];
    let neg_color = PALETTE[1];
    let bars = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| {
            let y = (n - 1 - i) as f64;
            let color = if *v < 0.0 { neg_color } else { pos_color };
            Rectangle::new([(0.0, y - half), (*v, y + half)], color.filled())
        });
    chart.draw_series(bars).plot("drawing horizontal bars")?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n.max(1) as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))
        .plot("drawing zero line")?;

    let labels = values.iter().enumerate().map(|(i, v)| {
        let y = (n - 1 - i) as f64;
        let (x, offset, hpos) = if v.is_finite() && *v < 0.0 {
            (*v, -6, HPos::Right)
        } else if v.is_finite() {
            (*v, 6, HPos::Left)
        } else {
            (0.0, 6, HPos::Left)
        };
        EmptyElement::at((x, y))
            + Text::new(
                value_text(*v),
                (offset, DB::nudge(LABEL_SIZE)),
                font(LABEL_SIZE).pos(Pos::new(hpos, VPos::Center)),
            )
    });
    chart.draw_series(labels).plot("drawing value labels")?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Fan charts
// ---------------------------------------------------------------------------

/// The bands and the middle line of a fan chart: shades of the palette's
/// blue, blended with white beforehand so PNG and SVG show the same colours.
const FAN_OUTER: RGBColor = RGBColor(204, 227, 240);
const FAN_INNER: RGBColor = RGBColor(128, 185, 217);
const FAN_MIDDLE: RGBColor = RGBColor(0, 80, 130);

fn draw_fans<DB>(
    body: &DrawingArea<DB, Shift>,
    x_labels: &[String],
    y_label: &str,
    panels: &[FanPanel],
) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    if panels.is_empty() {
        return note(body, "No data");
    }
    if panels.len() == 1 {
        return draw_fan_panel(body, None, x_labels, y_label, &panels[0], true);
    }
    let (cols, rows) = grid_shape(panels.len());
    let cells = body.split_evenly((rows, cols));
    for (panel, cell) in panels.iter().zip(cells.iter()) {
        let cell = cell.margin(4, 8, 4, 4);
        draw_fan_panel(&cell, Some(&panel.title), x_labels, y_label, panel, false)
            .with_context(|| format!("panel {:?}", panel.title))?;
    }
    Ok(())
}

/// One fan: the bands as polygons (upper edge left to right, lower edge
/// back), then the middle and reference lines.
fn draw_fan_panel<DB>(
    area: &DrawingArea<DB, Shift>,
    caption: Option<&str>,
    x_labels: &[String],
    y_label: &str,
    panel: &FanPanel,
    large: bool,
) -> Result<()>
where
    DB: Backend,
    DB::ErrorType: 'static,
{
    let mut all = vec![
        Series {
            label: String::new(),
            values: panel.outer.0.clone(),
        },
        Series {
            label: String::new(),
            values: panel.outer.1.clone(),
        },
        Series {
            label: String::new(),
            values: panel.middle.clone(),
        },
    ];
    if let Some(reference) = &panel.reference {
        all.push(Series {
            label: String::new(),
            values: reference.clone(),
        });
    }
    let n = x_labels.len();
    let range = line_range(&all);
    let y_label = axis_label(y_label, range);
    let mut chart = line_panel_axes(area, caption, x_labels, &y_label, range, large, "fan chart")?;
    if range.is_none() {
        return note(&chart.plotting_area().strip_coord_spec(), "No data");
    }
    for ((lower, upper), color) in [(&panel.outer, FAN_OUTER), (&panel.inner, FAN_INNER)] {
        // A band over the periods where both edges are known.
        let known: Vec<usize> = (0..n)
            .filter(|i| lower[*i].is_finite() && upper[*i].is_finite())
            .collect();
        if known.len() < 2 {
            continue;
        }
        let mut points: Vec<(f64, f64)> = known.iter().map(|i| (*i as f64, upper[*i])).collect();
        points.extend(known.iter().rev().map(|i| (*i as f64, lower[*i])));
        chart
            .draw_series(std::iter::once(Polygon::new(points, color.filled())))
            .plot("drawing fan band")?;
    }
    let mut lines = vec![(&panel.middle, FAN_MIDDLE)];
    if let Some(reference) = &panel.reference {
        lines.push((reference, PALETTE[1]));
    }
    for (values, color) in lines {
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| (i as f64, *v))
            .collect();
        let style = color.stroke_width(if large { 3 } else { 2 });
        if points.len() == 1 {
            chart
                .draw_series(points.iter().map(|p| Circle::new(*p, 4, color.filled())))
                .plot("drawing isolated point")?;
        } else {
            chart
                .draw_series(LineSeries::new(points, style))
                .plot("drawing fan line")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(from: i32, n: usize) -> Vec<String> {
        (0..n as i32)
            .map(|i| format!("{}/{:02}", from + i, (from + i + 1) % 100))
            .collect()
    }

    fn series(label: &str, values: Vec<f64>) -> Series {
        Series {
            label: label.to_string(),
            values,
        }
    }

    /// Decodes the PNG and returns its size and RGB(A) pixels.
    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(png_bytes);
        let mut reader = decoder.read_info().expect("PNG header decodes");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("PNG frame decodes");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    fn has_colour(pixels: &[u8], c: RGBColor) -> bool {
        pixels.chunks_exact(3).any(|p| p == [c.0, c.1, c.2])
    }

    fn assert_chart(chart: &Chart, size: (u32, u32), texts: &[&str]) {
        let (w, h, _) = decode(&chart.png);
        assert_eq!((w, h), size);
        assert!(chart.svg.starts_with("<svg"), "not an SVG document");
        for t in texts {
            assert!(chart.svg.contains(t), "SVG lacks {t:?}");
        }
    }

    #[test]
    fn line_chart_renders_png_and_svg() {
        let x = years(2010, 20);
        let base: Vec<f64> = (0..20).map(|i| 12_000.0 + 15.0 * i as f64).collect();
        let policy: Vec<f64> = base.iter().map(|v| v + 100.0).collect();
        let chart = line_chart(
            "Nurses stock",
            &x,
            "FTE",
            &[series("Base", base), series("Policy", policy)],
        )
        .unwrap();
        assert_chart(
            &chart,
            (WIDTH, HEIGHT),
            &["Nurses stock", "Base", "Policy", "FTE", "2010/11", "12,"],
        );
        let (_, _, pixels) = decode(&chart.png);
        assert!(has_colour(&pixels, PALETTE[0]), "first series not drawn");
        assert!(has_colour(&pixels, PALETTE[1]), "second series not drawn");
    }

    #[test]
    fn small_multiples_grow_with_panels() {
        let x = years(2010, 10);
        let panels: Vec<Panel> = (0..7)
            .map(|g| Panel {
                unit: None,
                title: format!("Group {g}"),
                series: vec![
                    series("Base", (0..10).map(|i| (g * 100 + i) as f64).collect()),
                    series(
                        "Policy",
                        (0..10).map(|i| (g * 100 + 2 * i) as f64).collect(),
                    ),
                ],
            })
            .collect();
        let chart = small_multiples("Stock by group", &x, "FTE", &panels).unwrap();
        let (w, h, _) = decode(&chart.png);
        assert_eq!(w, WIDTH);
        assert!(h > HEIGHT, "7 panels should make a taller chart, got {h}");
        assert_chart(
            &chart,
            (w, h),
            &["Stock by group", "Base", "Policy", "Group 0", "Group 6"],
        );
        // The shared legend lists each label once.
        assert_eq!(chart.svg.matches(">\nBase\n<").count(), 1);

        let one = small_multiples("One", &x, "FTE", &panels[..1]).unwrap();
        assert_eq!(decode(&one.png).1, HEIGHT);
    }

    #[test]
    fn stacked_bars_render_positive_and_negative() {
        let x = years(2024, 5);
        let chart = stacked_bars(
            "Flows",
            &x,
            "FTE per year",
            &[
                series("Joiners", vec![100.0, 120.0, 130.0, 90.0, 80.0]),
                series("Returners", vec![10.0, 12.0, 13.0, 9.0, 8.0]),
                series("Leavers", vec![-50.0, -60.0, -70.0, -80.0, -90.0]),
            ],
        )
        .unwrap();
        assert_chart(
            &chart,
            (WIDTH, HEIGHT),
            &["Flows", "Joiners", "Returners", "Leavers", "FTE per year"],
        );
        let (_, _, pixels) = decode(&chart.png);
        for c in &PALETTE[..3] {
            assert!(has_colour(&pixels, *c), "bar colour {c:?} missing");
        }
    }

    /// WCAG 2.2's contrast ratio, (L1 + 0.05) / (L2 + 0.05), with relative
    /// luminance from linearised sRGB channels, worked here from its
    /// definition rather than through the chart code.
    fn contrast_against_white(colour: RGBColor) -> f64 {
        let linear = |channel: u8| {
            let c = f64::from(channel) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let luminance =
            0.2126 * linear(colour.0) + 0.7152 * linear(colour.1) + 0.0722 * linear(colour.2);
        1.05 / (luminance + 0.05)
    }

    #[test]
    fn every_series_colour_has_three_to_one_contrast_on_white() {
        // Reference points of the formula: black on white is 21:1, and the
        // Okabe–Ito yellow this palette replaced was about 1.3:1.
        assert!((contrast_against_white(RGBColor(0, 0, 0)) - 21.0).abs() < 1e-9);
        assert!(contrast_against_white(RGBColor(240, 228, 66)) < 1.4);
        for colour in PALETTE.iter().chain([&FAN_MIDDLE, &AXIS]) {
            let ratio = contrast_against_white(*colour);
            assert!(ratio >= 3.0, "{colour:?}: contrast {ratio:.2}:1 on white");
        }
    }

    #[test]
    fn horizontal_bars_label_values() {
        let cats: Vec<String> = ["Emergency", "Surgery", "Maternity"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let chart = horizontal_bars(
            "Change by service",
            &cats,
            "Change in FTE",
            &[1234.0, -56.0, 0.0],
        )
        .unwrap();
        assert_chart(
            &chart,
            (WIDTH, HEIGHT),
            &[
                "Change by service",
                "Emergency",
                "Surgery",
                "Maternity",
                "Change in FTE",
                "+1,234",
                "-56",
            ],
        );
        let many: Vec<String> = (0..40).map(|i| format!("Service {i}")).collect();
        let tall = horizontal_bars("Many", &many, "FTE", &[1.0; 40]).unwrap();
        assert!(decode(&tall.png).1 > HEIGHT);
    }

    #[test]
    fn grouped_bars_render() {
        let x = years(2024, 6);
        let chart = grouped_bars(
            "Cost by year",
            &x,
            "£ million",
            &[
                series("Base", vec![600.0, 610.0, 620.0, 630.0, 640.0, 650.0]),
                series("Policy", vec![600.0, 615.0, 630.0, 645.0, 660.0, 675.0]),
            ],
        )
        .unwrap();
        assert_chart(
            &chart,
            (WIDTH, HEIGHT),
            &["Cost by year", "Base", "Policy", "£ million", "2029/30"],
        );
    }

    #[test]
    fn mismatched_lengths_name_the_series() {
        let x = years(2024, 3);
        let bad = [
            series("Base", vec![1.0, 2.0, 3.0]),
            series("Oops", vec![1.0]),
        ];
        for result in [
            line_chart("t", &x, "y", &bad),
            stacked_bars("t", &x, "y", &bad),
            grouped_bars("t", &x, "y", &bad),
        ] {
            let msg = format!("{:#}", result.unwrap_err());
            assert!(msg.contains("\"Oops\""), "{msg}");
            assert!(
                msg.contains("1 values") && msg.contains("3 x labels"),
                "{msg}"
            );
        }
        let panels = [Panel {
            unit: None,
            title: "Nurses".into(),
            series: bad.to_vec(),
        }];
        let msg = format!("{:#}", small_multiples("t", &x, "y", &panels).unwrap_err());
        assert!(
            msg.contains("\"Oops\"") && msg.contains("\"Nurses\""),
            "{msg}"
        );
        let msg = format!("{:#}", horizontal_bars("t", &x, "y", &[1.0]).unwrap_err());
        assert!(msg.contains("1 values for 3 categories"), "{msg}");
    }

    #[test]
    fn edge_cases_do_not_panic() {
        let none: Vec<String> = Vec::new();
        let one = years(2020, 1);
        let x = years(2020, 4);
        let nan = f64::NAN;
        let inf = f64::INFINITY;
        let cases: Vec<(Vec<String>, Vec<Series>)> = vec![
            (none.clone(), vec![]),
            (none.clone(), vec![series("Empty", vec![])]),
            (one.clone(), vec![series("Only", vec![5.0])]),
            (one.clone(), vec![series("Zero", vec![0.0])]),
            (x.clone(), vec![]),
            (x.clone(), vec![series("Zeros", vec![0.0; 4])]),
            (x.clone(), vec![series("NaN", vec![nan; 4])]),
            (x.clone(), vec![series("Gaps", vec![1.0, nan, 3.0, inf])]),
            (
                x.clone(),
                vec![series("Negative", vec![-1.0, -2.0, -3.0, -4.0])],
            ),
            (
                x.clone(),
                vec![series("Tiny", vec![1e-9, 2e-9, 3e-9, 1e-9])],
            ),
            (
                x.clone(),
                vec![series("Huge", vec![1e12, 2e12, -3e12, 4e12])],
            ),
            (
                x.clone(),
                vec![series("Big", vec![MAX_VALUE, -MAX_VALUE, 0.0, 1.0])],
            ),
            (
                years(1950, 120),
                vec![series("Long", (0..120).map(|i| i as f64).collect())],
            ),
            (
                x.clone(),
                (0..12)
                    .map(|i| series(&format!("Series number {i}"), vec![i as f64; 4]))
                    .collect(),
            ),
        ];
        for (labels, ss) in &cases {
            line_chart("Edge", labels, "FTE", ss).unwrap();
            stacked_bars("Edge", labels, "FTE", ss).unwrap();
            grouped_bars("Edge", labels, "FTE", ss).unwrap();
            let panels: Vec<Panel> = vec![
                Panel {
                    unit: None,
                    title: "A".into(),
                    series: ss.clone(),
                },
                Panel {
                    unit: None,
                    title: "B".into(),
                    series: vec![],
                },
            ];
            small_multiples("Edge", labels, "FTE", &panels).unwrap();
            let values: Vec<f64> = ss.first().map(|s| s.values.clone()).unwrap_or_default();
            let cats: Vec<String> = (0..values.len()).map(|i| format!("C{i}")).collect();
            horizontal_bars("Edge", &cats, "FTE", &values).unwrap();
        }
        small_multiples("No panels", &x, "FTE", &[]).unwrap();
        let crowd: Vec<Series> = (0..100)
            .map(|i| series(&format!("Series with a long label {i}"), vec![1.0; 4]))
            .collect();
        let chart = line_chart("Crowded legend", &x, "FTE", &crowd).unwrap();
        assert!(
            chart.svg.contains(" more"),
            "legend should summarise the rest"
        );
        let long_title = "A very long title ".repeat(20);
        line_chart(&long_title, &x, "FTE", &crowd[..1]).unwrap();
        horizontal_bars("None", &[], "FTE", &[]).unwrap();
        let extreme = [series("Extreme", vec![f64::MAX, 0.0, 1.0, 2.0])];
        let msg = format!("{:#}", line_chart("t", &x, "y", &extreme).unwrap_err());
        assert!(
            msg.contains("\"Extreme\"") && msg.contains("position 0"),
            "{msg}"
        );
        assert!(horizontal_bars("t", &x[..1], "y", &[-f64::MAX]).is_err());
        let long = vec!["A category name far too long to fit in the margin ".repeat(4)];
        horizontal_bars("Long name", &long, "FTE", &[3.0]).unwrap();
    }

    #[test]
    fn text_is_escaped_in_svg() {
        let chart = line_chart(
            "Admin & clerical <all>",
            &years(2020, 2),
            "FTE",
            &[series("A & B", vec![1.0, 2.0])],
        )
        .unwrap();
        assert!(chart.svg.contains("Admin &amp; clerical &lt;all&gt;"));
        assert!(chart.svg.contains("A &amp; B"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let x = years(2020, 3);
        let s = [series("Base", vec![1.0, 2.0, 3.0])];
        let a = line_chart("Same", &x, "FTE", &s).unwrap();
        let b = line_chart("Same", &x, "FTE", &s).unwrap();
        assert_eq!(a.png, b.png);
        assert_eq!(a.svg, b.svg);
    }

    #[test]
    fn numbers_have_thousands_separators() {
        assert_eq!(fmt_num(12292.0, 0), "12,292");
        assert_eq!(fmt_num(999.6, 0), "1,000");
        assert_eq!(fmt_num(-1_234_567.5, 1), "-1,234,567.5");
        assert_eq!(fmt_num(123.0, 0), "123");
        assert_eq!(fmt_num(0.25, 2), "0.25");
        assert_eq!(fmt_num(-0.001, 2), "0.00");
        assert_eq!(fmt_num(-0.0, 0), "0");
        assert_eq!(fmt_num(f64::NAN, 0), "n/a");
    }

    #[test]
    fn ticks_are_round_and_need_few_decimals() {
        let t = nice_ticks(11_700.0, 13_500.0, 10);
        assert_eq!(t.decimals, 0);
        assert!(t.values.iter().all(|v| v % 200.0 == 0.0), "{:?}", t.values);
        assert!(t.values.len() >= 5 && t.values.len() <= 11);
        let t = nice_ticks(0.0, 3.3, 10);
        assert_eq!(t.decimals, 1);
        let t = nice_ticks(0.0, 0.9, 10);
        assert_eq!(t.decimals, 1);
        let t = nice_ticks(0.0, 0.2, 10);
        assert_eq!(t.decimals, 2);
        assert_eq!(
            nice_ticks(-10.0, 10.0, 4).values,
            vec![-10.0, -5.0, 0.0, 5.0, 10.0]
        );
        assert_eq!(nice_ticks(1.0, 1.0, 5).values, vec![1.0]);
    }

    #[test]
    fn ranges_pad_lines_and_include_zero_for_bars() {
        let (lo, hi) = line_range(&[series("a", vec![100.0, 200.0])]).unwrap();
        assert!(
            lo > 90.0 && lo < 100.0 && hi > 200.0 && hi < 210.0,
            "{lo} {hi}"
        );
        let (lo, _) = line_range(&[series("a", vec![0.0, 10.0])]).unwrap();
        assert_eq!(lo, 0.0);
        assert!(line_range(&[series("a", vec![f64::NAN])]).is_none());
        assert_eq!(bar_range(5.0, 10.0).0, 0.0);
        assert_eq!(bar_range(-10.0, -5.0).1, 0.0);
        assert_eq!(bar_range(0.0, 0.0), (0.0, 1.0));
    }

    /// Each small-multiples panel's axis is its own and includes zero:
    /// from 0 to the largest value plus 8% of the span (170,000–180,000 →
    /// 0–194,400; 8,000–12,000 → 0–12,960), ending at 0 for a panel of
    /// losses (−100…−50 → −108–0), spanning both signs around zero
    /// (−10…40 → −14–44), and none without finite data.
    #[test]
    fn panels_have_their_own_axis_from_zero() {
        let range = |values: Vec<f64>| panel_range(&[series("s", values)]);
        let near = |(a, b): (f64, f64), (c, d): (f64, f64)| {
            assert!(
                (a - c).abs() < 1e-9 && (b - d).abs() < 1e-9,
                "{a}–{b} against {c}–{d}"
            );
        };
        near(range(vec![170_000.0, 180_000.0]).unwrap(), (0.0, 194_400.0));
        near(range(vec![8_000.0, 12_000.0]).unwrap(), (0.0, 12_960.0));
        near(range(vec![-100.0, -50.0]).unwrap(), (-108.0, 0.0));
        near(range(vec![-10.0, 40.0]).unwrap(), (-14.0, 44.0));
        assert_eq!(range(vec![f64::NAN]), None);
        // Two series in one panel share its axis.
        let both = panel_range(&[series("a", vec![1.0]), series("b", vec![50.0])]);
        near(both.unwrap(), (0.0, 54.0));

        let x = years(2010, 2);
        let panels: Vec<Panel> = [("Acute", 170_000.0), ("Health visitors", 8_000.0)]
            .into_iter()
            .map(|(title, level)| Panel {
                title: title.to_string(),
                unit: None,
                series: vec![series("Staff", vec![level, level * 1.05])],
            })
            .collect();
        let chart = small_multiples("Staff", &x, "FTE", &panels).unwrap();
        assert_eq!(chart.svg.matches(PANEL_SCALE_NOTE).count(), 2);
        // The small panel has its own ticks: 8,000 is labelled on its axis.
        assert!(chart.svg.contains(">\n8,000\n<"), "no 8,000 tick");
    }

    /// A single line chart of 12,600–13,100 has an axis of about
    /// 12,560–13,140 (8% padding), which does not include zero, and says
    /// so on the axis; one of 0–10 starts at zero and says nothing.
    #[test]
    fn a_line_axis_not_from_zero_says_so() {
        let x = years(2010, 2);
        let high = [series("cash", vec![12_600.0, 13_100.0])];
        assert!(!line_axis_includes_zero(&high));
        let chart = line_chart("Cash", &x, "£ million", &high).unwrap();
        assert!(chart.svg.contains("£ million, axis not from zero"));
        let low = [series("cash", vec![0.0, 10.0])];
        assert!(line_axis_includes_zero(&low));
        let chart = line_chart("Cash", &x, "£ million", &low).unwrap();
        assert!(!chart.svg.contains(NOT_FROM_ZERO));
        // A label that already says it is not repeated.
        let chart = line_chart("Cash", &x, "£m, axis not from zero", &high).unwrap();
        assert_eq!(chart.svg.matches(NOT_FROM_ZERO).count(), 1);
        // A fan of 700–900 (padded 684–916) says so too.
        let fan = FanPanel {
            title: "Cash".to_string(),
            outer: (vec![700.0, 710.0], vec![900.0, 890.0]),
            inner: (vec![750.0, 760.0], vec![850.0, 840.0]),
            middle: vec![800.0, 800.0],
            reference: None,
        };
        let labels = FanLabels {
            outer: "90%".to_string(),
            inner: "50%".to_string(),
            middle: "median".to_string(),
            reference: "central".to_string(),
        };
        let chart = fan_chart("Cash", &x, "£m", &labels, &[fan]).unwrap();
        assert!(chart.svg.contains("£m, axis not from zero"));
    }

    /// Darkness (255 minus the darkest channel) of each pixel of a PNG, row
    /// by row.
    fn darkness(png_bytes: &[u8]) -> (usize, Vec<Vec<f64>>) {
        let (w, _, pixels) = decode(png_bytes);
        let rows = pixels
            .chunks_exact(w as usize * 3)
            .map(|row| {
                row.chunks_exact(3)
                    .map(|p| 255.0 - f64::from(*p.iter().min().unwrap_or(&255)))
                    .collect()
            })
            .collect();
        (w as usize, rows)
    }

    /// The horizontal centre of each letter of the text in rows `band` of
    /// the image: letters are runs of columns holding ink (a pixel darker
    /// than mid-grey); each centre is the darkness-weighted mean column over
    /// the letter's run and half of the gap on either side (where the faint
    /// edges of anti-aliased letters fall).
    fn letter_centres(dark: &[Vec<f64>], band: std::ops::Range<usize>) -> Vec<f64> {
        let width = dark[0].len();
        let column = |x: usize| band.clone().map(move |y| dark[y][x]);
        let inked: Vec<bool> = (0..width).map(|x| column(x).any(|d| d > 127.0)).collect();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (x, &ink) in inked.iter().enumerate() {
            match runs.last_mut() {
                Some((_, end)) if ink && *end == x => *end = x + 1,
                _ if ink => runs.push((x, x + 1)),
                _ => {}
            }
        }
        (0..runs.len())
            .map(|i| {
                let from = if i == 0 {
                    0
                } else {
                    (runs[i - 1].1 + runs[i].0) / 2
                };
                let to = runs
                    .get(i + 1)
                    .map_or(width, |next| (runs[i].1 + next.0) / 2);
                let (moment, mass) = (from..to).fold((0.0, 0.0), |(m, d), x| {
                    let ink: f64 = column(x).sum();
                    (m + ink * x as f64, d + ink)
                });
                moment / mass
            })
            .collect()
    }

    /// PNG text keeps each glyph at its pen position plus its own left side
    /// bearing. Plotters 0.3.7's ab_glyph drawing dropped the bearing (and
    /// truncated the pen position), so a letter with a wide bearing was
    /// pulled onto the one before it and stood apart from the next ("T
    /// raining", "Agen cy", "F TE"); the vendored plotters
    /// (vendor/README.md) places glyphs at their pen position.
    ///
    /// Derivation: A, H, I, V and Y are mirror-symmetric in DejaVu Sans
    /// (equal left and right bearings), so each letter's ink centre is the
    /// middle of its advance and, with no kerning between these pairs, the
    /// centres of neighbours are (advance₁ + advance₂) / 2 apart. In
    /// "AHAHA" every such distance is therefore the same. Dropping the
    /// bearing moves every H and I left by its bearing (a pixel or two) and
    /// every A, V and Y by none, so the distances alternate or letters
    /// merge; truncating the pen position alone spreads them by up to a
    /// pixel (1.7 px measured); drawn at the pen position they agree to
    /// within the anti-aliasing's hundredths of a pixel (0.05 px measured).
    /// Whole words such as "Training" cannot be measured this way: T's bar
    /// overhangs the r, so their columns overlap however they are drawn.
    #[test]
    fn png_letters_sit_at_their_pen_positions() {
        for word in ["AHAHA", "VIVIV", "YHYHY"] {
            let chart =
                line_chart(word, &[word.to_string()], "", &[series("s", vec![1.0])]).unwrap();
            let (_, dark) = darkness(&chart.png);
            let inked_row: Vec<bool> = dark.iter().map(|r| r.iter().any(|&d| d > 127.0)).collect();
            // The title is the highest band of ink, the only x-axis label the lowest.
            let title_top = inked_row.iter().position(|&i| i).unwrap();
            let title_end = title_top + inked_row[title_top..].iter().position(|&i| !i).unwrap();
            let label_end = inked_row.iter().rposition(|&i| i).unwrap() + 1;
            let label_top = inked_row[..label_end].iter().rposition(|&i| !i).unwrap() + 1;
            for (place, band) in [
                ("title (24 px bold)", title_top..title_end),
                ("x-axis label (14 px)", label_top..label_end),
            ] {
                let centres = letter_centres(&dark, band);
                assert_eq!(
                    centres.len(),
                    word.len(),
                    "{word:?} as {place}: letters found at {centres:?}"
                );
                let distances: Vec<f64> = centres.windows(2).map(|c| c[1] - c[0]).collect();
                let spread = distances.iter().copied().fold(f64::MIN, f64::max)
                    - distances.iter().copied().fold(f64::MAX, f64::min);
                assert!(
                    spread <= 0.25,
                    "{word:?} as {place}: distances between letter centres {distances:.2?} px \
                     should be equal"
                );
            }
        }
    }
}
