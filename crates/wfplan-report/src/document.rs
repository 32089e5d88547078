//! A small document model — headings, paragraphs, tables, charts — rendered
//! both as Markdown and as a self-contained HTML page (charts inlined as
//! SVG, so the page opens offline).

use std::fmt::Write;

use wfplan_charts::Chart;

/// Headings, table cells and captions are plain text, shown as written.
/// Paragraphs and bullets are Markdown with `**bold**` and `` `code` ``:
/// text from the model file (names, ids, period labels, descriptions) goes
/// into them through `literal`, so no name is ever read as markup.
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    Bullets(Vec<String>),
    /// header, rows (plain text); the first column is left-aligned, the rest
    /// right-aligned.
    Table(Vec<String>, Vec<Vec<String>>),
    /// file stem (charts/<stem>.png and .svg), caption
    Chart(String, String),
}

pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(title: impl Into<String>) -> Self {
        Document {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    pub fn bullets(&mut self, items: Vec<String>) {
        self.blocks.push(Block::Bullets(items));
    }

    pub fn table(&mut self, header: Vec<String>, rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table(header, rows));
    }

    pub fn chart(&mut self, stem: impl Into<String>, caption: impl Into<String>) {
        self.blocks.push(Block::Chart(stem.into(), caption.into()));
    }

    /// Markdown; charts link to charts/<stem>.png.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n", literal(&self.title));
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let _ = writeln!(out, "{} {}\n", "#".repeat(*level as usize), literal(text));
                }
                Block::Paragraph(text) => {
                    let _ = writeln!(out, "{}\n", escape_raw_html(text));
                }
                Block::Bullets(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", escape_raw_html(item));
                    }
                    out.push('\n');
                }
                Block::Table(header, rows) => {
                    let numeric = numeric_columns(header.len(), rows);
                    let escape = |cell: &String| literal(cell).replace('|', "\\|");
                    let _ = writeln!(
                        out,
                        "| {} |",
                        header.iter().map(escape).collect::<Vec<_>>().join(" | ")
                    );
                    let rule: Vec<&str> = (0..header.len())
                        .map(|i| if numeric[i] { "---:" } else { "---" })
                        .collect();
                    let _ = writeln!(out, "| {} |", rule.join(" | "));
                    for row in rows {
                        let _ = writeln!(
                            out,
                            "| {} |",
                            row.iter().map(escape).collect::<Vec<_>>().join(" | ")
                        );
                    }
                    out.push('\n');
                }
                Block::Chart(stem, caption) => {
                    let _ = writeln!(out, "![{}](charts/{stem}.png)\n", literal(caption));
                }
            }
        }
        out
    }

    /// A self-contained HTML page; `chart` returns the rendered chart for a stem.
    pub fn to_html(&self, chart: impl Fn(&str) -> Option<Chart>) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
            escape_html(&self.title),
            escape_html(&self.title)
        );
        let mut tables = 0;
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let level = (*level).clamp(2, 4);
                    let _ = writeln!(out, "<h{level}>{}</h{level}>", escape_html(text));
                }
                Block::Paragraph(text) => {
                    let _ = writeln!(out, "<p>{}</p>", inline_markdown(text));
                }
                Block::Bullets(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(out, "<li>{}</li>", inline_markdown(item));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table(header, rows) => {
                    let numeric = numeric_columns(header.len(), rows);
                    tables += 1;
                    let _ = write!(
                        out,
                        "<div class=\"table\" role=\"region\" aria-label=\"table {tables}: {}\" tabindex=\"0\"><table>\n<thead><tr>",
                        escape_html(header.first().map_or("", String::as_str))
                    );
                    for (index, cell) in header.iter().enumerate() {
                        let class = if numeric[index] { " class=\"num\"" } else { "" };
                        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape_html(cell));
                    }
                    out.push_str("</tr></thead>\n<tbody>\n");
                    for row in rows {
                        out.push_str("<tr>");
                        for (index, cell) in row.iter().enumerate() {
                            let class = if !numeric.get(index).copied().unwrap_or(false) {
                                ""
                            } else if cell.starts_with('−') || cell.starts_with('-') {
                                " class=\"num neg\""
                            } else {
                                " class=\"num\""
                            };
                            if index == 0 {
                                let _ = write!(out, "<th scope=\"row\">{}</th>", escape_html(cell));
                            } else {
                                let _ = write!(out, "<td{class}>{}</td>", escape_html(cell));
                            }
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</tbody>\n</table></div>\n");
                }
                Block::Chart(stem, caption) => {
                    out.push_str("<figure>\n");
                    match chart(stem) {
                        Some(rendered) => {
                            let svg = strip_xml_declaration(&rendered.svg);
                            let _ = writeln!(
                                out,
                                "<div class=\"chart\" role=\"img\" aria-label=\"{}\" tabindex=\"0\">{svg}</div>",
                                escape_html(caption)
                            );
                        }
                        None => {
                            let _ = writeln!(out, "<p>(chart {stem} not available)</p>");
                        }
                    }
                    let _ = writeln!(
                        out,
                        "<figcaption>{}</figcaption>\n</figure>",
                        escape_html(caption)
                    );
                }
            }
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

/// The page's style. Tables scroll sideways inside their own box with the
/// first column fixed, text columns wrap, charts scale to the width of the
/// screen (their SVG has a viewBox), and below 600 px the margins shrink,
/// so the page is usable on a phone (400 px). Charts are 1,000 px canvases
/// with 11.3 px labels: shrunk to a phone's 380 px their text would be
/// 4 px, so below 600 px each is drawn 900 px wide (labels 10 px) and
/// scrolls sideways in its own focusable box, as tables do.
const STYLE: &str = "*{box-sizing:border-box}\
body{font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1d1d1f;background:#fff;margin:0;line-height:1.5}\
main{max-width:1280px;margin:0 auto;padding:24px}\
h1{font-size:1.8em;border-bottom:3px solid #0072b2;padding-bottom:8px;overflow-wrap:anywhere}\
h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:4px;overflow-wrap:anywhere}\
h3{overflow-wrap:anywhere}p,li{overflow-wrap:anywhere}\
.table{overflow-x:auto;max-width:100%;margin:12px 0}\
.table:focus{outline:2px solid #0072b2}\
table{border-collapse:separate;border-spacing:0;font-size:0.85em}\
th,td{padding:4px 10px;border-bottom:1px solid #e5e5e5;vertical-align:top}\
thead th{background:#f3f6f9;text-align:left;white-space:normal;min-width:6em}\
thead th.num{text-align:right}\
tbody th{text-align:left;font-weight:normal;white-space:normal;min-width:12em;max-width:22em}\
td{white-space:normal;min-width:8em;max-width:28em}\
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;min-width:0}td.neg{color:#b00020}\
th:first-child{position:sticky;left:0;z-index:1;background:#fff;box-shadow:1px 0 0 #e5e5e5}\
thead th:first-child{background:#f3f6f9;z-index:2}\
figure{margin:16px 0}figure .chart{overflow-x:auto;max-width:100%}figure .chart svg{display:block;width:100%;max-width:100%;height:auto}\
figure .chart:focus{outline:2px solid #0072b2}\
figcaption{color:#555;font-size:0.9em}\
ul li{margin:4px 0}code{background:#f3f3f3;padding:1px 4px;overflow-wrap:anywhere}\
@media (max-width:600px){main{padding:10px}h1{font-size:1.35em}table{font-size:0.8em}tbody th{min-width:9em;max-width:12em}td{min-width:6em}figure .chart svg{width:900px;max-width:none}}";

/// Which columns hold numbers (every non-empty cell of the column starts
/// like a number: a digit, a sign or a currency symbol, or is "none"); the
/// first column never does (it names the row). Numeric columns are
/// right-aligned, text columns left-aligned and wrapped.
fn numeric_columns(width: usize, rows: &[Vec<String>]) -> Vec<bool> {
    (0..width)
        .map(|column| {
            column > 0
                && rows
                    .iter()
                    .any(|row| row.get(column).is_some_and(|c| !c.is_empty()))
                && rows.iter().all(|row| {
                    row.get(column).is_none_or(|cell| {
                        cell.is_empty()
                            || cell == "none"
                            || cell
                                .starts_with(|c: char| c.is_ascii_digit() || "+−-£€$≥≤".contains(c))
                    })
                })
        })
        .collect()
}

pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The characters Markdown (or `inline_markdown`) may read as markup.
const MARKDOWN_SPECIAL: &str = "\\`*[]<>";

/// Plain text as Markdown that shows exactly that text: each character
/// Markdown could read as markup is backslash-escaped (CommonMark allows a
/// backslash before any ASCII punctuation; `inline_markdown` reads it too).
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if MARKDOWN_SPECIAL.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Markdown text with every `<` not already backslash-escaped written
/// `\<`, so that no text from the model (a currency, a unit, a name not
/// passed through [`literal`]) is read as an HTML tag by a Markdown
/// viewer; wfplan's own Markdown never holds a tag.
fn escape_raw_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut backslashes = 0;
    for c in text.chars() {
        if c == '<' && backslashes % 2 == 0 {
            out.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        out.push(c);
    }
    out
}

/// `**bold**`, `` `code` `` and backslash escapes in Markdown text, as HTML.
fn inline_markdown(text: &str) -> String {
    let mut out = String::new();
    let mut bold = false;
    let mut code = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|next| next.is_ascii_punctuation()) {
            let next = chars.next().unwrap_or_default();
            out.push_str(&escape_html(&next.to_string()));
        } else if c == '*' && chars.peek() == Some(&'*') {
            chars.next();
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
        } else if c == '`' {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
        } else {
            out.push_str(&escape_html(&c.to_string()));
        }
    }
    if bold {
        out.push_str("</strong>");
    }
    if code {
        out.push_str("</code>");
    }
    out
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    }
}
