//! Writing drafted questionnaires and the permalink table as CSV, Markdown
//! or JSON.

use super::claims::{self, Claim};
use super::questionnaire::{Layout, Sheet};
use super::{Draft, Format, Status};
use crate::pipeline::model::Site;
use serde::Serialize;
use std::collections::BTreeMap;

/// The columns `vouch answer` appends to every row. `Suggested links` is
/// filled only on `needs-human` rows: candidates for a reviewer, not an answer.
pub const ADDED: [&str; 6] = [
    "Answer",
    "Links",
    "Confidence",
    "Status",
    "Why",
    "Suggested links",
];

/// The drafted cells of a row, in the order of [`ADDED`].
pub(super) fn added_cells(d: Option<&Draft>) -> [String; 6] {
    match d {
        Some(d) => [
            d.answer.clone(),
            d.links.join(" "),
            format!("{:.2}", d.confidence),
            d.status.as_str().to_string(),
            d.why.clone(),
            d.suggested.join(" "),
        ],
        None => Default::default(),
    }
}

/// The questionnaire's rows, each with the answer columns appended; a
/// header row is added when the sheet had none, so the new columns are named.
pub fn write_table(
    sheet: &Sheet,
    layout: &Layout,
    drafts: &[Option<Draft>],
    format: Format,
) -> Result<String, String> {
    let width = sheet.rows.first().map_or(0, Vec::len);
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(sheet.rows.len() + 1);
    if layout.header.is_none() {
        let mut h = vec![String::new(); width];
        h.extend(ADDED.iter().map(|s| s.to_string()));
        rows.push(h);
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let mut r = row.clone();
        if Some(i) == layout.header {
            r.extend(ADDED.iter().map(|s| s.to_string()));
        } else {
            r.extend(added_cells(drafts.get(i).and_then(Option::as_ref)));
        }
        rows.push(r);
    }
    match format {
        Format::Csv => csv_text(&rows, sheet.delimiter),
        Format::Md => Ok(markdown(&rows)),
        Format::Json => json(sheet, layout, drafts),
    }
}

/// Rows as CSV text, formula-like cells neutralised.
pub(super) fn csv_text(rows: &[Vec<String>], delimiter: u8) -> Result<String, String> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_writer(Vec::new());
    // Cells a spreadsheet would run as formulas are neutralised, the
    // questionnaire's own cells too: the file goes back into a spreadsheet.
    for r in rows {
        let cells = r.iter().map(|c| crate::site::outputs::csv_cell(c));
        w.write_record(cells.map(|c| c.into_owned()))
            .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// A GitHub-flavoured Markdown table; the first row is the header.
pub(super) fn markdown(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|c| md_cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            out.push_str(&format!("|{}\n", "---|".repeat(r.len())));
        }
    }
    out
}

/// A drafted question in `answer --format json`. Fields are in alphabetical
/// order: the file is written in field order and has always had sorted keys.
#[derive(Debug, Serialize)]
struct AnswerRow<'a> {
    answer: &'a str,
    /// The original cells by header name (a repeated name keeps its last cell).
    columns: BTreeMap<&'a str, &'a str>,
    /// Rounded to two decimals.
    confidence: f64,
    links: &'a [String],
    question: &'a str,
    /// 1-based, as a spreadsheet shows it.
    row: usize,
    status: Status,
    /// `needs-human` rows: candidates for a reviewer, not an answer.
    suggested_links: &'a [String],
    /// The question's words the answer contains, by field, and any boost.
    why: &'a str,
}

/// One object per question: its row number (1-based, as a spreadsheet shows
/// it), the original cells by header name, and the draft.
fn json(sheet: &Sheet, layout: &Layout, drafts: &[Option<Draft>]) -> Result<String, String> {
    let names: Vec<String> = match layout.header {
        Some(h) => sheet.rows[h]
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if n.trim().is_empty() {
                    format!("column {}", i + 1)
                } else {
                    n.clone()
                }
            })
            .collect(),
        None => (1..=sheet.rows.first().map_or(0, Vec::len))
            .map(|i| format!("column {i}"))
            .collect(),
    };
    let mut out = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        let Some(d) = d else { continue };
        out.push(AnswerRow {
            answer: &d.answer,
            columns: names
                .iter()
                .zip(&sheet.rows[i])
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect(),
            confidence: (d.confidence * 100.0).round() / 100.0,
            links: &d.links,
            question: &sheet.rows[i][layout.question],
            row: i + 1,
            status: d.status,
            suggested_links: &d.suggested,
            why: &d.why,
        });
    }
    serde_json::to_string_pretty(&out)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

fn kind_label(c: &Claim) -> String {
    match c.anchor {
        Some(_) => format!("{} section", c.kind.name()),
        None => c.kind.name().to_string(),
    }
}

/// A claim in `links --format json` (fields in alphabetical order, as the
/// file has always listed them).
#[derive(Debug, Serialize)]
struct LinkRow<'a> {
    id: &'a str,
    kind: &'a str,
    status: &'a str,
    title: &'a str,
    url: &'a str,
}

/// The permalink table of every claim edition `ed` publishes: kind, id,
/// title, status, absolute URL.
pub fn links_table(site: &Site, ed: usize, format: Format) -> Result<String, String> {
    let base = &site.config.base_url;
    let mut rows = vec![["Kind", "Id", "Title", "Status", "URL"]
        .map(String::from)
        .to_vec()];
    for c in claims::corpus(site, ed) {
        rows.push(vec![
            kind_label(&c),
            c.id.clone(),
            c.title.clone(),
            c.status.clone().unwrap_or_default(),
            c.permalink(base),
        ]);
    }
    match format {
        Format::Csv => csv_text(&rows, b','),
        Format::Md => Ok(markdown(&rows)),
        Format::Json => {
            let items: Vec<LinkRow> = rows[1..]
                .iter()
                .map(|r| LinkRow {
                    kind: &r[0],
                    id: &r[1],
                    title: &r[2],
                    status: &r[3],
                    url: &r[4],
                })
                .collect();
            serde_json::to_string_pretty(&items)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string())
        }
    }
}
