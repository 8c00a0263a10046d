//! Where the drafted columns go in the customer's sheet: after its last
//! column (the default), or, with `--into-columns`, the answer into the
//! sheet's own empty "Response" column and the links into its "Comments"
//! column. The columns are those of [`super::output::ADDED`], whatever they
//! are: nothing here knows how many there are or in which order.

use super::output::{added_cells, ADDED};
use super::questionnaire::{Layout, Sheet};
use super::Draft;

/// Header names of a sheet's own answer column.
const RESPONSE_NAMES: &[&str] = &[
    "response",
    "responses",
    "answer",
    "answers",
    "vendor response",
    "supplier response",
    "your response",
    "vendor answer",
    "supplier answer",
    "respondent response",
    "reply",
];

/// Header names of a sheet's own comments column.
const COMMENT_NAMES: &[&str] = &[
    "comments",
    "comment",
    "vendor comments",
    "supplier comments",
    "additional comments",
    "notes",
    "remarks",
    "additional information",
];

/// The sheet column (0-based, relative to the sheet's first column) of each
/// drafted column, in the order of [`ADDED`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub columns: Vec<usize>,
    /// Whether each drafted column goes into one of the sheet's own columns
    /// (which keeps its own header).
    pub own: Vec<bool>,
}

fn words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sheet's column named like one of `names` whose question rows are all
/// empty; an error when such a column exists but holds text.
fn own_column(sheet: &Sheet, layout: &Layout, names: &[&str]) -> Result<Option<usize>, String> {
    let Some(h) = layout.header else {
        return Ok(None);
    };
    for (c, name) in sheet.rows[h].iter().enumerate() {
        if c == layout.question || !names.contains(&words(name).as_str()) {
            continue;
        }
        let filled = sheet
            .rows
            .iter()
            .enumerate()
            .skip(h + 1)
            .find(|(_, r)| !r[c].trim().is_empty() && !r[layout.question].trim().is_empty());
        if let Some((r, _)) = filled {
            return Err(format!(
                "--into-columns: the column `{}` already holds text (row {} of the sheet); vouch never overwrites the customer's cells — empty it, or answer without --into-columns",
                name.trim(),
                r + 1
            ));
        }
        return Ok(Some(c));
    }
    Ok(None)
}

/// Places the drafted columns: appended after the sheet's last column, or
/// (with `into`) the answer and the links in the sheet's own empty columns.
pub fn place(sheet: &Sheet, layout: &Layout, into: bool) -> Result<Placement, String> {
    let width = sheet.rows.first().map_or(0, Vec::len);
    let mut columns: Vec<Option<usize>> = vec![None; ADDED.len()];
    if into {
        let response = own_column(sheet, layout, RESPONSE_NAMES)?;
        let comments = own_column(sheet, layout, COMMENT_NAMES)?;
        if response.is_none() && comments.is_none() {
            return Err(
                "--into-columns: the sheet has no empty column headed Response, Answer or Comments; answer without --into-columns to add the answer columns after the last one"
                    .into(),
            );
        }
        for (i, name) in ADDED.iter().enumerate() {
            columns[i] = match *name {
                "Answer" => response,
                "Links" => comments,
                _ => None,
            };
        }
    }
    let own = columns.iter().map(Option::is_some).collect();
    let mut next = width;
    let columns = columns
        .into_iter()
        .map(|c| {
            c.unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    Ok(Placement { columns, own })
}

/// One cell to write, relative to the sheet: `row` `None` is a header row
/// above the sheet (when it had none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub row: Option<usize>,
    pub col: usize,
    pub text: String,
}

/// The cells to write: the names of the appended columns on the header row
/// (or a row above a sheet without one), and each draft's non-empty cells.
pub fn writes(layout: &Layout, drafts: &[Option<Draft>], placement: &Placement) -> Vec<Write> {
    let mut out = Vec::new();
    for (k, name) in ADDED.iter().enumerate() {
        if !placement.own[k] {
            out.push(Write {
                row: layout.header,
                col: placement.columns[k],
                text: name.to_string(),
            });
        }
    }
    for (r, d) in drafts.iter().enumerate() {
        let Some(d) = d else { continue };
        for (k, text) in added_cells(Some(d)).into_iter().enumerate() {
            if !text.is_empty() {
                out.push(Write {
                    row: Some(r),
                    col: placement.columns[k],
                    text,
                });
            }
        }
    }
    out
}

/// The sheet's rows with `writes` applied (a header row is added on top when
/// a write asks for one), for CSV and Markdown output.
pub fn apply(sheet: &Sheet, writes: &[Write]) -> Vec<Vec<String>> {
    let width = writes
        .iter()
        .map(|w| w.col + 1)
        .chain(sheet.rows.first().map(Vec::len))
        .max()
        .unwrap_or(0);
    let top = writes.iter().any(|w| w.row.is_none());
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(sheet.rows.len() + 1);
    if top {
        rows.push(vec![String::new(); width]);
    }
    for r in &sheet.rows {
        let mut r = r.clone();
        r.resize(width, String::new());
        rows.push(r);
    }
    for w in writes {
        let r = w.row.map_or(0, |r| r + usize::from(top));
        rows[r][w.col] = w.text.clone();
    }
    rows
}
