//! Reading a questionnaire (CSV, TSV or a spreadsheet) and finding its
//! question column.
//!
//! Real questionnaires are untidy: title rows above the header, an
//! instructions sheet before the questions, Excel's byte-order mark or
//! semicolons in a "CSV", no header at all. Reading keeps every cell as text
//! and every non-blank row in order (the answer is written back next to it);
//! detection then decides which row is the header and which column holds the
//! questions.

use std::path::Path;

/// A sheet as rows of text cells, every row padded to the same width.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// The worksheet's name (spreadsheets only).
    pub name: Option<String>,
    pub rows: Vec<Vec<String>>,
    /// The CSV field separator to write back: `;` when the file came with
    /// it (Excel in locales with a decimal comma), `,` otherwise.
    pub delimiter: u8,
    /// Spreadsheets: the 0-based (row, column) of `rows[0][0]` in the
    /// worksheet (the used range need not start at A1); (0, 0) otherwise.
    pub origin: (u32, u32),
}

/// Where the questions are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Row holding the column names, if the sheet has one.
    pub header: Option<usize>,
    /// Column holding the question text.
    pub question: usize,
}

impl Layout {
    /// Index of the first row that may hold a question.
    pub fn first_data_row(&self) -> usize {
        self.header.map_or(0, |h| h + 1)
    }
}

/// Header names that say "this column is the question", best first.
const HEADER_NAMES: &[&str] = &[
    "control question",
    "question text",
    "question",
    "questions",
    "assessment question",
    "security question",
    "question description",
    "requirement",
    "requirements",
    "requirement text",
    "query",
];

/// Words in a header that mark an identifier or category column, not text.
const ID_WORDS: &[&str] = &[
    "id",
    "no",
    "nr",
    "number",
    "num",
    "ref",
    "reference",
    "code",
    "type",
    "category",
    "section",
    "domain",
    "weight",
    "status",
    "answer",
    "response",
    "comment",
    "comments",
];

/// First words of a line phrased as a question or a request.
const ASKING_WORDS: &[&str] = &[
    "does", "do", "is", "are", "has", "have", "can", "could", "will", "would", "should", "how",
    "what", "which", "who", "where", "when", "why", "describe", "please", "provide", "explain",
    "list", "confirm", "indicate", "state", "specify", "outline", "identify",
];

/// Reads a questionnaire: `.xlsx`, `.xlsm`, `.xls`, `.xlsb` and `.ods` as a
/// spreadsheet, anything else as delimited text.
pub fn read(path: &Path) -> Result<Sheet, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_spreadsheet(path),
        _ => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            read_delimited(&bytes, &path.display().to_string(), ext == "tsv")
        }
    }
}

/// Parses delimited text (comma, semicolon or tab, sniffed from the first line).
pub fn read_delimited(bytes: &[u8], name: &str, tab: bool) -> Result<Sheet, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(format!(
            "{name} is not UTF-8 text (invalid byte on line {line}); save it as \"CSV UTF-8\" and try again"
        ));
    }
    let delimiter = if tab { b'\t' } else { sniff(bytes) };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| format!("{name}: cannot read as CSV: {e}"))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    let mut sheet = finish(None, rows);
    if delimiter == b';' {
        sheet.delimiter = b';';
    }
    Ok(sheet)
}

/// The delimiter of the first lines: whichever of `,` `;` tab occurs most
/// outside quotes in the first ten (title rows often hold none; Excel writes
/// `;` in locales with a decimal comma).
fn sniff(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    let mut lines = 0;
    for b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                lines += 1;
                if lines == 10 {
                    break;
                }
            }
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Reads the worksheet that looks most like a questionnaire (an instructions
/// sheet often comes first).
fn read_spreadsheet(path: &Path) -> Result<Sheet, String> {
    use calamine::{open_workbook_auto, Reader};
    let mut book = open_workbook_auto(path)
        .map_err(|e| format!("cannot read {} as a spreadsheet: {e}", path.display()))?;
    let mut best: Option<(u8, usize, Sheet)> = None;
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("{}: cannot read sheet `{name}`: {e}", path.display()))?;
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        let mut sheet = finish(Some(name), rows);
        sheet.origin = range.start().unwrap_or((0, 0));
        if let Ok(layout) = detect(&sheet) {
            let named = u8::from(
                layout
                    .header
                    .is_some_and(|h| header_score(&sheet.rows[h][layout.question]) > 0),
            );
            let questions = sheet
                .rows
                .iter()
                .skip(layout.first_data_row())
                .filter(|r| !r[layout.question].trim().is_empty())
                .count();
            if best
                .as_ref()
                .is_none_or(|b| (named, questions) > (b.0, b.1))
            {
                best = Some((named, questions, sheet));
            }
        } else if best.is_none() && !is_empty(&sheet) {
            best = Some((0, 0, sheet));
        }
    }
    Ok(best.map(|b| b.2).unwrap_or_default())
}

/// A cell as the text a person sees (`3` not `3.0`).
fn cell_text(d: &calamine::Data) -> String {
    match d {
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Drops trailing blank rows and pads rows to one width.
fn finish(name: Option<String>, mut rows: Vec<Vec<String>>) -> Sheet {
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for r in &mut rows {
        r.resize(width, String::new());
    }
    Sheet {
        name,
        rows,
        delimiter: b',',
        origin: (0, 0),
    }
}

/// True when no cell holds any text.
pub fn is_empty(sheet: &Sheet) -> bool {
    sheet
        .rows
        .iter()
        .all(|r| r.iter().all(|c| c.trim().is_empty()))
}

fn normalise(header: &str) -> String {
    header
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How strongly a header cell names the question column (0 = not at all).
fn header_score(cell: &str) -> usize {
    let h = normalise(cell);
    if let Some(i) = HEADER_NAMES.iter().position(|n| *n == h) {
        return 100 - i;
    }
    let words: Vec<&str> = h.split(' ').collect();
    if words.iter().any(|w| ID_WORDS.contains(w)) {
        return 0;
    }
    // "Question", not "Questionnaire" (a title row).
    if words.iter().any(|w| *w == "question" || *w == "questions") {
        return 20;
    }
    if words.iter().any(|w| w.starts_with("requirement")) {
        return 10;
    }
    0
}

/// Whether a cell reads like a question or a request for information.
pub fn looks_like_question(cell: &str) -> bool {
    let t = cell.trim();
    if t.ends_with('?') {
        return true;
    }
    let first = t
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    ASKING_WORDS.contains(&first.as_str()) && t.split_whitespace().count() >= 4
}

/// Finds the header row and the question column: a header cell such as
/// "Question" or "Requirement" within the first ten rows, or else the column
/// whose cells are the longest question-like text.
pub fn detect(sheet: &Sheet) -> Result<Layout, String> {
    if is_empty(sheet) {
        return Err("the questionnaire is empty".into());
    }
    for (r, row) in sheet.rows.iter().enumerate().take(10) {
        let best = row
            .iter()
            .enumerate()
            .map(|(c, cell)| (header_score(cell), c))
            .filter(|(s, _)| *s > 0)
            .max_by_key(|(s, c)| (*s, usize::MAX - c));
        if let Some((_, c)) = best {
            return Ok(Layout {
                header: Some(r),
                question: c,
            });
        }
    }
    let question = longest_text_column(sheet).ok_or_else(|| {
        "no question column found: name its header Question, Question Text, Requirement or \
         Control Question, or make sure the questions are full sentences"
            .to_string()
    })?;
    let header = first_row_is_header(sheet, question).then_some(0);
    Ok(Layout { header, question })
}

/// The column with the longest question-like cells, if any column holds text
/// that could be a question at all.
fn longest_text_column(sheet: &Sheet) -> Option<usize> {
    let width = sheet.rows.first().map_or(0, Vec::len);
    let mut best: Option<(f64, usize)> = None;
    for c in 0..width {
        let cells: Vec<&str> = sheet
            .rows
            .iter()
            .map(|r| r[c].trim())
            .filter(|s| !s.is_empty())
            .collect();
        if cells.is_empty() {
            continue;
        }
        let n = cells.len() as f64;
        let mean = cells.iter().map(|s| s.chars().count()).sum::<usize>() as f64 / n;
        let asking = cells.iter().filter(|s| looks_like_question(s)).count() as f64 / n;
        let words = cells
            .iter()
            .map(|s| s.split_whitespace().count())
            .sum::<usize>() as f64
            / n;
        // A column of codes or yes/no has no room for a question.
        if words < 3.0 && asking < 0.3 {
            continue;
        }
        let score = mean * (0.5 + asking);
        if best.is_none_or(|b| score > b.0) {
            best = Some((score, c));
        }
    }
    best.map(|b| b.1)
}

/// Without a recognised header name, row 0 is a header when it reads like
/// labels: short, no question, and the sheet has more rows under it.
fn first_row_is_header(sheet: &Sheet, question: usize) -> bool {
    let Some(first) = sheet.rows.first() else {
        return false;
    };
    sheet.rows.len() > 1
        && !looks_like_question(&first[question])
        && first[question].chars().count() < 40
        && first.iter().all(|c| {
            let t = c.trim();
            t.chars().count() < 40 && t.parse::<f64>().is_err()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(csv: &str) -> Sheet {
        read_delimited(csv.as_bytes(), "t.csv", false).expect("valid csv")
    }

    #[test]
    fn finds_named_headers_and_skips_id_columns() {
        let s = sheet("Question ID,Question,Notes\nGRC-01,Do you have an AI policy?,x\n");
        assert_eq!(
            detect(&s),
            Ok(Layout {
                header: Some(0),
                question: 1
            })
        );
        let s =
            sheet("Vendor questionnaire\n\nRef;Control Question;Answer\n1;Is data encrypted?;\n");
        assert_eq!(
            detect(&s),
            Ok(Layout {
                header: Some(1),
                question: 1
            })
        );
    }

    #[test]
    fn falls_back_to_the_longest_question_text() {
        let s = sheet("1,Governance,Does the vendor maintain an AI policy approved by management?\n2,Data,Describe how customer data is segregated between tenants.\n");
        assert_eq!(
            detect(&s),
            Ok(Layout {
                header: None,
                question: 2
            })
        );
        let s = sheet("1,yes\n2,no\n");
        assert!(detect(&s).is_err());
    }

    #[test]
    fn rejects_text_that_is_not_utf8_and_reads_excel_bom_and_semicolons() {
        assert!(read_delimited(b"Question\n\xff\xfe bad\n", "q.csv", false)
            .unwrap_err()
            .contains("line 2"));
        let s = read_delimited(b"\xEF\xBB\xBFQuestion;Id\nIs it?;1\n", "q.csv", false).expect("ok");
        assert_eq!(s.rows[0], vec!["Question", "Id"]);
    }
}
