//! Excel workbooks in and out.
//!
//! In: any series or table a model may read from a CSV file may instead be
//! read from a sheet of an `.xlsx` workbook, written `"data/x.xlsx#Sheet"`,
//! with the same shape (a header row, then one row per period; `calamine`).
//! Every cell is read as its value; a cell where a number is expected that
//! holds text, a formula, an error value, a date or part of merged cells is
//! an error naming the workbook, the sheet, the cell, its row and column.
//!
//! Out: `--xlsx FILE` on `solve` and `compare` (see `write_workbook`).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, bail, Result};
use calamine::{Data, Reader, Xlsx};

use crate::spec::CsvText;

/// Splits `path.xlsx#Sheet` into the workbook's path and the sheet; None
/// for a reference that is not to a workbook (a CSV file). A workbook
/// without a sheet is an error: a workbook holds several.
pub fn split_reference(reference: &str) -> Result<Option<(&str, &str)>> {
    let is_workbook = |path: &str| {
        let lower = path.to_ascii_lowercase();
        lower.ends_with(".xlsx") || lower.ends_with(".xlsm")
    };
    match reference.rsplit_once('#') {
        Some((path, sheet)) if is_workbook(path) => {
            if sheet.trim().is_empty() {
                bail!("'{reference}': expected the sheet's name after '#', e.g. \"{path}#Demand\"");
            }
            Ok(Some((path, sheet)))
        }
        _ if is_workbook(reference) => bail!(
            "'{reference}' is a workbook: name the sheet to read after '#', e.g. \"{reference}#Sheet1\""
        ),
        _ => Ok(None),
    }
}

/// Where the rows and columns of a table read from a sheet are, and what
/// cells hold that is not a plain value.
#[derive(Debug, Clone, Default)]
pub struct SheetPlaces {
    /// The sheet row (0-based) of each data row.
    rows: Vec<u32>,
    /// The sheet column (0-based) of each column.
    columns: Vec<u32>,
    /// (data row, column) → what the cell holds instead of a value.
    problems: HashMap<(usize, usize), String>,
}

impl SheetPlaces {
    /// The row as the spreadsheet numbers it (1-based).
    pub fn row_number(&self, row: usize) -> u32 {
        self.rows.get(row).map_or(0, |r| r + 1)
    }

    /// "cell C5 (row 5, column C 'value')".
    pub fn cell_name(&self, row: usize, column: usize, name: &str) -> String {
        let letters = column_letters(self.columns.get(column).copied().unwrap_or(0));
        let number = self.row_number(row);
        format!("cell {letters}{number} (row {number}, column {letters} '{name}')")
    }

    /// What a cell holds that is not a plain value, if anything.
    pub fn problem(&self, row: usize, column: usize) -> Option<&str> {
        self.problems.get(&(row, column)).map(String::as_str)
    }
}

/// The spreadsheet's name of a 0-based column: A, B, … Z, AA, AB, …
pub fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The largest workbook file read, in bytes (a judgement, as are the
/// limits below: a workbook of a model's series is a few hundred
/// kilobytes; these stop a hostile file long before memory runs out).
pub const MAX_WORKBOOK_BYTES: u64 = 100 << 20;

/// The most bytes the parts of a workbook may hold once unpacked, by the
/// sizes its zip directory declares (a zip bomb of 5 MB can unpack to
/// gigabytes).
pub const MAX_WORKBOOK_UNPACKED: u64 = 256 << 20;

/// The most cells a sheet read may use, and the most cells of the block
/// from its first used cell to its last (a sheet is read as that block).
pub const MAX_SHEET_CELLS: u64 = 1_000_000;

/// The most characters in one cell: Excel's own limit.
pub const MAX_CELL_CHARS: usize = 32_767;

/// A workbook's number as text for the series reader: as written for
/// ordinary magnitudes, in scientific notation from 1e16 up (so that 1e300
/// reads, and is echoed by an error, as `1e300`, not as 301 digits). Both
/// forms read back as the same number.
fn float_text(number: f64) -> String {
    if number.is_finite() && number.abs() >= 1e16 {
        format!("{number:e}")
    } else {
        format!("{number}")
    }
}

/// The most sheet names an error lists.
const SHOWN_SHEETS: usize = 20;

/// Checks a workbook's size and its zip directory before anything is read
/// from it: the file at most [`MAX_WORKBOOK_BYTES`], its parts together at
/// most [`MAX_WORKBOOK_UNPACKED`] once unpacked (as the directory declares
/// them). A file that is not a zip is left for the workbook reader to
/// refuse.
fn check_workbook_size(path: &Path) -> Result<()> {
    let limit = "a judgement of wfplan's to stop a hostile file; save the series in a smaller workbook or as CSV";
    let size = std::fs::metadata(path)
        .map_err(|error| anyhow!("cannot read the workbook: {error}"))?
        .len();
    if size > MAX_WORKBOOK_BYTES {
        bail!(
            "the workbook is {} MiB; wfplan reads workbooks of at most {} MiB ({limit})",
            size >> 20,
            MAX_WORKBOOK_BYTES >> 20
        );
    }
    let bytes =
        std::fs::read(path).map_err(|error| anyhow!("cannot read the workbook: {error}"))?;
    let Some(unpacked) = zip_unpacked_size(&bytes) else {
        return Ok(());
    };
    if unpacked > MAX_WORKBOOK_UNPACKED {
        bail!(
            "the workbook's parts unpack to {} MiB; wfplan reads workbooks that unpack to at most {} MiB ({limit})",
            unpacked >> 20,
            MAX_WORKBOOK_UNPACKED >> 20
        );
    }
    Ok(())
}

/// The sum of the unpacked sizes a zip file's central directory declares
/// for its entries (`u64::MAX` for a ZIP64 archive, whose sizes are not
/// read here: no workbook of series needs one); `None` if `bytes` has no
/// readable zip directory.
fn zip_unpacked_size(bytes: &[u8]) -> Option<u64> {
    let u16_at = |at: usize| -> Option<u64> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as u64)
    };
    let u32_at = |at: usize| -> Option<u64> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as u64)
    };
    // The end-of-directory record: its signature within the last 64 KiB + 22 bytes.
    let search_from = bytes.len().saturating_sub(65_557);
    let end = (search_from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&at| bytes[at..at + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let entries = u16_at(end + 10)?;
    let directory = u32_at(end + 16)?;
    if entries == 0xffff || directory == 0xffff_ffff {
        return Some(u64::MAX);
    }
    let mut at = directory as usize;
    let mut total: u64 = 0;
    for _ in 0..entries {
        if bytes.get(at..at + 4)? != [0x50, 0x4b, 0x01, 0x02] {
            return None;
        }
        let unpacked = u32_at(at + 24)?;
        if unpacked == 0xffff_ffff {
            return Some(u64::MAX);
        }
        total = total.saturating_add(unpacked);
        let name = u16_at(at + 28)? as usize;
        let extra = u16_at(at + 30)? as usize;
        let comment = u16_at(at + 32)? as usize;
        at += 46 + name + extra + comment;
    }
    Some(total)
}

/// Reads through a sheet's cells once, holding none, before the sheet is
/// read as a block: refuses more than [`MAX_SHEET_CELLS`] cells or a block
/// of more, a cell of more than [`MAX_CELL_CHARS`] characters, and a
/// shared formula index (`si`) past the sheet's cells — each of which would
/// make the reader allocate without bound.
fn check_sheet_bounds<R: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<R>,
    sheet: &str,
) -> Result<()> {
    let limit = "a judgement of wfplan's to stop a hostile file; a sheet of series needs far fewer";
    let mut cells = workbook.worksheet_cells_reader(sheet).map_err(|error| {
        anyhow!(
            "cannot read the sheet: {}",
            wfplan_text::terminal::excerpt(&error.to_string())
        )
    })?;
    let mut count: u64 = 0;
    let mut first = (u32::MAX, u32::MAX);
    let mut last = (0_u32, 0_u32);
    loop {
        let record = cells.next_cell_with_formula_metadata().map_err(|error| {
            anyhow!(
                "cannot read the sheet: {}",
                wfplan_text::terminal::excerpt(&error.to_string())
            )
        })?;
        let Some(record) = record else {
            break;
        };
        count += 1;
        let (row, column) = record.pos;
        let name = format!("{}{}", column_letters(column), u64::from(row) + 1);
        if count > MAX_SHEET_CELLS {
            bail!("the sheet uses more than {MAX_SHEET_CELLS} cells; wfplan reads sheets of at most {MAX_SHEET_CELLS} cells ({limit})");
        }
        first = (first.0.min(row), first.1.min(column));
        last = (last.0.max(row), last.1.max(column));
        let block = (u64::from(last.0 - first.0) + 1) * (u64::from(last.1 - first.1) + 1);
        if block > MAX_SHEET_CELLS {
            bail!(
                "cell {name}: the sheet's cells span {}{}:{name}, a block of {block} cells; wfplan reads a sheet as the block from its first used cell to its last, of at most {MAX_SHEET_CELLS} cells ({limit}); delete the far cells",
                column_letters(first.1),
                u64::from(first.0) + 1
            );
        }
        let text_chars = match &record.value {
            calamine::DataRef::String(text) => text.chars().count(),
            calamine::DataRef::SharedString(text) => text.chars().count(),
            _ => 0,
        };
        if text_chars > MAX_CELL_CHARS {
            bail!("cell {name}: {text_chars} characters; a cell holds at most {MAX_CELL_CHARS} (Excel's own limit)");
        }
        if let Some(index) = record.formula.as_ref().and_then(|f| f.shared_index()) {
            if index as u64 > MAX_SHEET_CELLS {
                bail!("cell {name}: a shared formula numbered {index} (si); a sheet of at most {MAX_SHEET_CELLS} cells has no more shared formulas than that");
            }
        }
    }
    Ok(())
}

/// Reads one sheet of a workbook as a table: its first used row is the
/// header, every later row that holds anything is a data row. `expected`
/// describes the header wanted, for messages. The workbook's size and the
/// sheet's cells are checked against wfplan's limits first
/// ([`MAX_WORKBOOK_BYTES`], [`MAX_WORKBOOK_UNPACKED`], [`MAX_SHEET_CELLS`],
/// [`MAX_CELL_CHARS`]).
pub fn read_sheet(path: &Path, sheet: &str, expected: &str) -> Result<CsvText> {
    check_workbook_size(path)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook(path).map_err(|_| {
        anyhow!("not a readable workbook: expected an Excel workbook saved as .xlsx, with a sheet '{}' holding a header row {expected}", wfplan_text::terminal::excerpt(sheet))
    })?;
    let sheets = workbook.sheet_names();
    if !sheets.iter().any(|name| name == sheet) {
        let mut shown: Vec<String> = sheets
            .iter()
            .take(SHOWN_SHEETS)
            .map(|name| wfplan_text::terminal::excerpt(name))
            .collect();
        if sheets.len() > SHOWN_SHEETS {
            shown.push(format!("and {} more", sheets.len() - SHOWN_SHEETS));
        }
        bail!(
            "no sheet '{}'{}; the workbook's sheets: {}",
            wfplan_text::terminal::excerpt(sheet),
            crate::spec::did_you_mean(sheet, sheets.iter().map(String::as_str)),
            shown.join(", ")
        );
    }
    check_sheet_bounds(&mut workbook, sheet)?;
    let range = workbook
        .worksheet_range(sheet)
        .map_err(|error| anyhow!("cannot read the sheet: {error}"))?;
    let formulas = workbook.worksheet_formula(sheet).unwrap_or_default();
    let merged = workbook
        .merge_cells_by_sheet_name(sheet)
        .unwrap_or_default();
    let Some((first_row, first_column)) = range.start() else {
        bail!("the sheet is empty: expected a header row {expected}");
    };
    let mut rows = range.rows();
    let header = rows.next().unwrap_or_default();
    let names: Vec<String> = header
        .iter()
        .map(|cell| match cell {
            Data::String(text) => text.trim().to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        })
        .collect();
    let columns_at: Vec<u32> = (0..names.len() as u32).map(|c| first_column + c).collect();
    let mut places = SheetPlaces {
        columns: columns_at.clone(),
        ..SheetPlaces::default()
    };
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    for (offset, cells) in rows.enumerate() {
        let sheet_row = first_row + 1 + offset as u32;
        let mut problems = Vec::new();
        let mut values = Vec::with_capacity(names.len());
        for (column, cell) in cells.iter().enumerate() {
            let position = (sheet_row, columns_at[column]);
            let formula = formulas
                .get_value(position)
                .filter(|text| !text.is_empty())
                .map(|text| {
                    format!("a formula (={text}); wfplan reads values only: paste the values")
                });
            let merge = merged
                .iter()
                .find(|area| {
                    area.start != area.end
                        && (area.start.0..=area.end.0).contains(&position.0)
                        && (area.start.1..=area.end.1).contains(&position.1)
                })
                .map(|area| {
                    format!(
                        "part of merged cells {}{}:{}{}",
                        column_letters(area.start.1),
                        area.start.0 + 1,
                        column_letters(area.end.1),
                        area.end.0 + 1
                    )
                });
            let (value, kind) = match cell {
                Data::Empty => (None, None),
                Data::Int(number) => (Some(number.to_string()), None),
                Data::Float(number) => (Some(float_text(*number)), None),
                Data::String(text) => (Some(text.clone()), None),
                Data::Bool(flag) => (
                    Some(flag.to_string()),
                    Some(format!("a TRUE/FALSE value ({flag})")),
                ),
                Data::Error(error) => (None, Some(format!("an error value ({error})"))),
                Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => (
                    Some(cell.to_string()),
                    Some(format!("a date or time ({cell})")),
                ),
            };
            if let Some(problem) = formula.or(merge).or(kind) {
                problems.push((column, problem));
            }
            values.push(value);
        }
        if values.iter().all(Option::is_none) && problems.is_empty() {
            continue; // a blank row
        }
        let row = places.rows.len();
        places.rows.push(sheet_row);
        for (column, problem) in problems {
            places.problems.insert((row, column), problem);
        }
        for (column, value) in values.into_iter().enumerate() {
            columns[column].push(value);
        }
    }
    Ok(CsvText::from_sheet(names, columns, places))
}

/// One sheet of a workbook written by wfplan: its name and its table (the
/// same table as the CSV of that name).
pub type Sheet = (String, polars::prelude::DataFrame);

/// What a column holds, from its name (the CSV's column names carry their
/// units): FTE, money, a factor, or another number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnUnit {
    Fte,
    Money(&'static str),
    Factor,
    Other,
}

/// A column's unit from its name; `bases` names the money columns whose
/// basis the name does not say (sweep's and simulate's `cash` is
/// discounted).
fn column_unit(name: &str, bases: &[(&str, &'static str)]) -> ColumnUnit {
    if let Some((_, basis)) = bases.iter().find(|(column, _)| *column == name) {
        return ColumnUnit::Money(basis);
    }
    let basis = if name.contains("discounted") {
        "discounted"
    } else if name.contains("real") {
        "real"
    } else {
        "cash"
    };
    if name == "fte" || name.ends_with("_fte") || name.contains("fte_") {
        ColumnUnit::Fte
    } else if name == "discount_factor" {
        ColumnUnit::Factor
    } else if [
        "cash",
        "real",
        "discounted",
        "cost",
        "envelope",
        "spend",
        "value_per",
    ]
    .iter()
    .any(|word| name.contains(word))
    {
        ColumnUnit::Money(basis)
    } else if name.contains("shadow_price") {
        ColumnUnit::Money("discounted")
    } else {
        ColumnUnit::Other
    }
}

/// The header of a column with its unit: "stock_fte (FTE)",
/// "change_cash (GBP, cash)". The name before " (" is the CSV's column.
pub fn header_with_unit(name: &str, currency: &str, bases: &[(&str, &'static str)]) -> String {
    match column_unit(name, bases) {
        ColumnUnit::Fte => format!("{name} (FTE)"),
        ColumnUnit::Money(basis) => format!("{name} ({currency}, {basis})"),
        ColumnUnit::Factor => format!("{name} (factor)"),
        ColumnUnit::Other => name.to_string(),
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .trim_end_matches(".csv")
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    cleaned.chars().take(31).collect()
}

/// A workbook of tables, one sheet each: header row bold and frozen, each
/// header with its unit, FTE to one decimal, money with thousands
/// separators and the currency, column widths set, numbers stored as
/// numbers and text escaped for spreadsheets (`csv_safety`). `about` is a
/// first sheet of (label, text) rows saying what the workbook holds. The
/// document properties carry no time, so the same inputs give the same
/// bytes.
pub fn write_workbook(
    about: &[(String, String)],
    sheets: &[Sheet],
    currency: &str,
) -> Result<Vec<u8>> {
    write_workbook_with_bases(about, sheets, currency, &[])
}

/// `write_workbook`, with the basis of money columns whose name does not
/// say it: (column, "cash" | "real" | "discounted").
pub fn write_workbook_with_bases(
    about: &[(String, String)],
    sheets: &[Sheet],
    currency: &str,
    bases: &[(&str, &'static str)],
) -> Result<Vec<u8>> {
    use polars::prelude::DataType;
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

    let money_format = match wfplan_text::number::currency_symbol(currency) {
        Some(symbol) => format!("\"{symbol}\"#,##0;-\"{symbol}\"#,##0"),
        None => format!(
            "#,##0\" {}\";-#,##0\" {}\"",
            currency.replace('"', ""),
            currency.replace('"', "")
        ),
    };
    let header = Format::new().set_bold().set_text_wrap();
    let fte = Format::new().set_num_format("#,##0.0");
    let money = Format::new().set_num_format(money_format);
    let factor = Format::new().set_num_format("0.0000");
    let other = Format::new().set_num_format("#,##0.####");
    let safe = |text: &str| wfplan_text::csv_safety::escape_cell(text).into_owned();

    let mut workbook = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| anyhow!("{e}"))?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    if !about.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.set_name("about")?;
        sheet.write_string_with_format(0, 0, "About this workbook", &header)?;
        for (row, (label, text)) in about.iter().enumerate() {
            sheet.write_string(row as u32 + 1, 0, safe(label))?;
            sheet.write_string(row as u32 + 1, 1, safe(text))?;
        }
        sheet.set_column_width(0, 28)?;
        sheet.set_column_width(1, 100)?;
    }
    for (name, frame) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(name))?;
        sheet.set_freeze_panes(1, 0)?;
        for (index, column) in frame.columns().iter().enumerate() {
            let col = index as u16;
            let title = header_with_unit(column.name(), currency, bases);
            let mut width = title.chars().count().min(40);
            sheet.write_string_with_format(0, col, &title, &header)?;
            match column.dtype() {
                DataType::String => {
                    for (row, cell) in column.str()?.iter().enumerate() {
                        if let Some(text) = cell {
                            let text = safe(text);
                            width = width.max(text.chars().count().min(60));
                            sheet.write_string(row as u32 + 1, col, text)?;
                        }
                    }
                }
                DataType::Boolean => {
                    for (row, cell) in column.bool()?.iter().enumerate() {
                        if let Some(flag) = cell {
                            sheet.write_boolean(row as u32 + 1, col, flag)?;
                        }
                    }
                }
                dtype if dtype.is_primitive_numeric() => {
                    let format = match column_unit(column.name(), bases) {
                        ColumnUnit::Fte => &fte,
                        ColumnUnit::Money(_) => &money,
                        ColumnUnit::Factor => &factor,
                        ColumnUnit::Other => &other,
                    };
                    let values = column.cast(&DataType::Float64)?;
                    for (row, cell) in values.f64()?.iter().enumerate() {
                        if let Some(number) = cell.filter(|n| n.is_finite()) {
                            sheet.write_number_with_format(row as u32 + 1, col, number, format)?;
                        }
                    }
                    width = width.max(14);
                }
                _ => {
                    let values = column.cast(&DataType::String)?;
                    for (row, cell) in values.str()?.iter().enumerate() {
                        if let Some(text) = cell {
                            sheet.write_string(row as u32 + 1, col, safe(text))?;
                        }
                    }
                }
            }
            sheet.set_column_width(col, width as f64 + 2.0)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn references_name_a_sheet() {
        assert_eq!(
            split_reference("data/x.xlsx#Demand").unwrap(),
            Some(("data/x.xlsx", "Demand"))
        );
        assert_eq!(split_reference("data/x.csv").unwrap(), None);
        assert!(split_reference("data/x.xlsx").is_err());
        assert!(split_reference("data/x.xlsx#").is_err());
    }
}
