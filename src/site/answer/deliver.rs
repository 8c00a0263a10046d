//! Writing the drafted questionnaire where [`super::target`] decided: text
//! (CSV, TSV, Markdown, JSON) to standard output or a file, or a workbook.
//! Every byte of drafted text passes the leak sentinel first.

use super::output::{csv_text, markdown, write_table};
use super::placement::{self, Placement, Write};
use super::questionnaire::{Layout, Sheet};
use super::sheetxml::CellWrite;
use super::target::{write_atomically, Kind, Target};
use super::{guard, workbook, Draft, Format, Summary};
use crate::pipeline::model::Site;
use std::path::Path;

const NO_COLUMNS: &str = "--into-columns places the answers in the sheet's own columns, and JSON has none; drop --into-columns, or write CSV or XLSX";

/// A questionnaire with its drafts.
pub struct Answered<'a> {
    pub questions: &'a Path,
    pub sheet: &'a Sheet,
    pub layout: &'a Layout,
    pub drafts: &'a [Option<Draft>],
}

impl Answered<'_> {
    fn writes(&self, p: &Placement) -> Vec<Write> {
        placement::writes(self.layout, self.drafts, p)
    }
}

/// Writes the answers to `target`.
pub fn deliver(
    site: &Site,
    ed: usize,
    a: &Answered,
    delivery: &super::Delivery,
    target: &Target,
    summary: &mut Summary,
) -> Result<(), String> {
    let json = matches!(
        target,
        Target::Stdout(Format::Json)
            | Target::File {
                kind: Kind::Text {
                    format: Format::Json,
                    ..
                },
                ..
            }
    );
    if delivery.into_columns && json {
        return Err(NO_COLUMNS.into());
    }
    let into = delivery
        .into_columns
        .then(|| placement::place(a.sheet, a.layout, true))
        .transpose()?;
    let (format, tab, path) = match target {
        Target::Stdout(f) => (*f, false, None),
        Target::File {
            path,
            kind: Kind::Text { format, tab },
        } => (*format, *tab, Some(path)),
        Target::File {
            path,
            kind: Kind::Xlsx,
        } => return xlsx(site, ed, a, into, path, summary),
    };
    let delimiter = if tab { b'\t' } else { a.sheet.delimiter };
    let text = match (&into, format) {
        (None, _) => {
            let mut sheet = a.sheet.clone();
            sheet.delimiter = delimiter;
            write_table(&sheet, a.layout, a.drafts, format)?
        }
        (Some(p), Format::Csv) => csv_text(&placement::apply(a.sheet, &a.writes(p)), delimiter)?,
        (Some(p), Format::Md) => markdown(&placement::apply(a.sheet, &a.writes(p))),
        (Some(_), Format::Json) => return Err(NO_COLUMNS.into()),
    };
    guard(site, ed, a.sheet, &text)?;
    match path {
        Some(p) => write_atomically(p, text.as_bytes()),
        None => {
            summary.stdout = Some(text);
            Ok(())
        }
    }
}

/// Answers into a workbook: the customer's own XLSX edited in place of its
/// answered sheet, or a new one for every other input.
fn xlsx(
    site: &Site,
    ed: usize,
    a: &Answered,
    into: Option<Placement>,
    out: &Path,
    summary: &mut Summary,
) -> Result<(), String> {
    let p = match into {
        Some(p) => p,
        None => placement::place(a.sheet, a.layout, false)?,
    };
    let writes = a.writes(&p);
    // The drafted text as CSV: what the sentinel reads (the zip is compressed).
    let text = csv_text(&placement::apply(a.sheet, &writes), b',')?;
    guard(site, ed, a.sheet, &text)?;
    let ext = a
        .questions
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = a.questions.display();
    let bytes = match ext.as_str() {
        "xlsx" | "xlsm" => {
            let input =
                std::fs::read(a.questions).map_err(|e| format!("cannot read {name}: {e}"))?;
            let cells = absolute(a.sheet, &writes, summary);
            workbook::answer_package(&input, a.sheet.name.as_deref(), &cells)
                .map_err(|e| format!("{name}: {e}"))?
        }
        "xls" | "xlsb" | "ods" => {
            summary.notes.push(format!(
                "{name} is a .{ext} workbook: answered into a new .xlsx with the same sheets and values (formatting, formulas and charts are not carried over)"
            ));
            let book = workbook::new_workbook(&workbook::sheets_of(a.questions)?)?;
            let cells = absolute(a.sheet, &writes, summary);
            let sheet = a.sheet.name.as_deref().map(workbook::excel_name);
            workbook::answer_package(&book, sheet.as_deref(), &cells)
                .map_err(|e| format!("{name}: {e}"))?
        }
        _ => {
            let stem = a
                .questions
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rows = placement::apply(a.sheet, &writes);
            workbook::new_workbook(&[workbook::sheet_from_rows(&stem, &rows)])?
        }
    };
    write_atomically(out, &bytes)
}

/// Sheet-relative writes at their worksheet cells. A header for a sheet
/// without one goes in the row above its first row, if there is one.
fn absolute(sheet: &Sheet, writes: &[Write], summary: &mut Summary) -> Vec<CellWrite> {
    let (r0, c0) = sheet.origin;
    let mut unnamed = false;
    let out = writes
        .iter()
        .filter_map(|w| {
            let row = match w.row {
                Some(r) => r0 + r as u32,
                None if r0 > 0 => r0 - 1,
                None => {
                    unnamed = true;
                    return None;
                }
            };
            Some(CellWrite {
                row,
                col: c0 + w.col as u32,
                text: w.text.clone(),
            })
        })
        .collect();
    if unnamed {
        summary.notes.push(
            "the sheet has no header row and starts on row 1: the answer columns were added without names".into(),
        );
    }
    out
}
