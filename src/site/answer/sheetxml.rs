//! Writing answer cells into one worksheet's XML (`xl/worksheets/sheetN.xml`)
//! by splicing: the XML is read only to find where rows and cells start and
//! end, and new cells are inserted (or an empty cell replaced) at those byte
//! positions. Every byte outside the written cells stays as the customer's
//! spreadsheet program wrote it: styles, formulas, data validations,
//! conditional formats, merged cells, column widths.
//!
//! New cells are inline strings (`t="inlineStr"`), so `sharedStrings.xml`
//! is never touched, and text starting with `=` is text, never a formula.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::BTreeMap;

/// One cell to write: 0-based absolute row and column, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellWrite {
    pub row: u32,
    pub col: u32,
    pub text: String,
}

/// A cell as found in the sheet.
#[derive(Debug, Clone)]
struct Cell {
    col: u32,
    start: usize,
    end: usize,
    /// The `s="…"` attribute as written (kept when the cell is replaced).
    style: Option<String>,
    /// Whether the cell holds a value or a formula (never overwritten).
    filled: bool,
}

/// A `<row>` as found in the sheet.
#[derive(Debug, Clone)]
struct Row {
    num: u32,
    start: usize,
    /// End of the start tag (`<row …>`), or of the whole `<row …/>`.
    tag_end: usize,
    /// Where `</row>` starts; `None` for a self-closing row.
    close: Option<usize>,
    cells: Vec<Cell>,
}

/// Where things are in a worksheet's XML.
#[derive(Debug, Default)]
struct Layout {
    rows: Vec<Row>,
    /// Where `</sheetData>` starts, or the span of a self-closing `<sheetData/>`.
    data_close: Option<usize>,
    data_empty: Option<(usize, usize)>,
    /// Byte span of the `ref` value of `<dimension ref="…"/>`.
    dimension: Option<(usize, usize, String)>,
}

/// Column letters of a 0-based column (`0` → `A`, `26` → `AA`).
pub fn col_name(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A1-style reference of a 0-based cell.
pub fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", col_name(col), row + 1)
}

/// Parses `AB12` into 0-based (row, column).
fn parse_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        let raw = std::str::from_utf8(&a.value).ok()?;
        quick_xml::escape::unescape(raw)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// Reads where rows, cells and the dimension are.
fn scan(xml: &str) -> Result<Layout, String> {
    let mut reader = Reader::from_str(xml);
    reader.trim_text(false);
    let mut l = Layout::default();
    let mut in_data = false;
    let mut cell: Option<Cell> = None;
    // Rows and cells may omit `r`: their place is then the next one.
    let mut next_row = 0u32;
    let mut next_col = 0u32;
    loop {
        let before = reader.buffer_position();
        let ev = reader
            .read_event()
            .map_err(|e| format!("the worksheet XML cannot be read at byte {before}: {e}"))?;
        let after = reader.buffer_position();
        match ev {
            Event::Eof => break,
            Event::Empty(e) if e.local_name().as_ref() == b"dimension" => {
                if let Some(v) = attr(&e, b"ref") {
                    let tag = &xml[before..after];
                    if let Some(p) = tag.find("ref=\"").or_else(|| tag.find("ref='")) {
                        let s = before + p + 5;
                        l.dimension = Some((s, s + v.len(), v));
                    }
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"sheetData" => in_data = true,
            Event::Empty(e) if e.local_name().as_ref() == b"sheetData" => {
                l.data_empty = Some((before, after));
            }
            Event::End(e) if e.local_name().as_ref() == b"sheetData" => {
                in_data = false;
                l.data_close = Some(before);
            }
            Event::Start(e) | Event::Empty(e) if in_data && e.local_name().as_ref() == b"row" => {
                let num = match attr(&e, b"r") {
                    Some(r) => r
                        .parse::<u32>()
                        .ok()
                        .and_then(|n| n.checked_sub(1))
                        .ok_or_else(|| format!("the worksheet has a row numbered `{r}`"))?,
                    None => next_row,
                };
                next_row = num + 1;
                next_col = 0;
                // `close` stays `None` for a self-closing `<row …/>`.
                l.rows.push(Row {
                    num,
                    start: before,
                    tag_end: after,
                    close: None,
                    cells: Vec::new(),
                });
            }
            Event::End(e) if in_data && e.local_name().as_ref() == b"row" => {
                if let Some(r) = l.rows.last_mut() {
                    r.close = Some(before);
                }
            }
            Event::Start(e) | Event::Empty(e) if in_data && e.local_name().as_ref() == b"c" => {
                let col = match attr(&e, b"r") {
                    Some(r) => {
                        parse_ref(&r)
                            .ok_or_else(|| format!("the worksheet has a cell named `{r}`"))?
                            .1
                    }
                    None => next_col,
                };
                next_col = col + 1;
                let c = Cell {
                    col,
                    start: before,
                    end: after,
                    style: attr(&e, b"s"),
                    filled: false,
                };
                if xml[before..after].ends_with("/>") {
                    push_cell(&mut l, c);
                } else {
                    cell = Some(c);
                }
            }
            Event::Start(e) | Event::Empty(e)
                if cell.is_some() && matches!(e.local_name().as_ref(), b"v" | b"f" | b"is") =>
            {
                if let Some(c) = cell.as_mut() {
                    c.filled = true;
                }
            }
            Event::End(e) if in_data && e.local_name().as_ref() == b"c" => {
                if let Some(mut c) = cell.take() {
                    c.end = after;
                    push_cell(&mut l, c);
                }
            }
            _ => {}
        }
    }
    Ok(l)
}

fn push_cell(l: &mut Layout, c: Cell) {
    if let Some(r) = l.rows.last_mut() {
        r.cells.push(c);
    }
}

/// Escapes text for XML and drops the control characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An inline-string cell, keeping the style of the cell it replaces.
fn cell_xml(row: u32, col: u32, style: Option<&str>, text: &str) -> String {
    let s = style
        .map(|s| format!(" s=\"{}\"", escape(s)))
        .unwrap_or_default();
    format!(
        "<c r=\"{}\"{s} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        cell_ref(row, col),
        escape(text)
    )
}

/// A new inline-string cell at a 0-based place.
pub fn text_cell(row: u32, col: u32, text: &str) -> String {
    cell_xml(row, col, None, text)
}

/// One byte splice: replace `start..end` with `text`.
type Splice = (usize, usize, String);

/// Writes `writes` into the worksheet XML. A cell that already holds a value
/// or a formula is never overwritten: that is an error naming the cell.
pub fn edit(xml: &str, writes: &[CellWrite]) -> Result<String, String> {
    let l = scan(xml)?;
    let mut by_row: BTreeMap<u32, BTreeMap<u32, &str>> = BTreeMap::new();
    for w in writes {
        by_row
            .entry(w.row)
            .or_default()
            .insert(w.col, w.text.as_str());
    }
    let mut splices: Vec<Splice> = Vec::new();
    let mut new_rows: Vec<(u32, String)> = Vec::new();
    for (row, cells) in &by_row {
        match l.rows.iter().find(|r| r.num == *row) {
            Some(r) => splices.extend(edit_row(xml, r, cells)?),
            None => {
                let body: String = cells
                    .iter()
                    .map(|(c, t)| cell_xml(*row, *c, None, t))
                    .collect();
                new_rows.push((*row, format!("<row r=\"{}\">{body}</row>", row + 1)));
            }
        }
    }
    for (num, text) in new_rows {
        let at = l.rows.iter().find(|r| r.num > num).map(|r| r.start);
        match (at, l.data_close, l.data_empty) {
            (Some(p), _, _) | (None, Some(p), _) => splices.push((p, p, text)),
            (None, None, Some((s, e))) => {
                let tag = xml[s..e].trim_end_matches("/>").trim_end();
                splices.push((s, e, format!("{tag}>{text}</sheetData>")))
            }
            (None, None, None) => return Err("the worksheet has no sheetData".into()),
        }
    }
    if let Some(d) = dimension(&l, writes) {
        splices.push(d);
    }
    Ok(apply(xml, splices))
}

/// The splices that write `cells` into an existing row.
fn edit_row(xml: &str, r: &Row, cells: &BTreeMap<u32, &str>) -> Result<Vec<Splice>, String> {
    let mut out = Vec::new();
    let end = match r.close {
        Some(p) => p,
        None => {
            // `<row r="5"/>` becomes `<row r="5">…</row>`.
            let tag = xml[r.start..r.tag_end].trim_end_matches("/>").trim_end();
            let body: String = cells
                .iter()
                .map(|(c, t)| cell_xml(r.num, *c, None, t))
                .collect();
            out.push((r.start, r.tag_end, format!("{tag}>{body}</row>")));
            return Ok(out);
        }
    };
    for (col, text) in cells {
        match r.cells.iter().find(|c| c.col == *col) {
            Some(c) if c.filled => {
                return Err(format!(
                    "cell {} already holds a value or formula; vouch never overwrites the customer's cells",
                    cell_ref(r.num, *col)
                ))
            }
            Some(c) => out.push((
                c.start,
                c.end,
                cell_xml(r.num, *col, c.style.as_deref(), text),
            )),
            None => {
                let at = r
                    .cells
                    .iter()
                    .find(|c| c.col > *col)
                    .map_or(end, |c| c.start);
                out.push((at, at, cell_xml(r.num, *col, None, text)));
            }
        }
    }
    // A `spans="1:3"` hint narrower than the row now is is widened.
    let tag = &xml[r.start..r.tag_end];
    if let Some(p) = tag.find("spans=\"") {
        let s = r.start + p + 7;
        if let Some(len) = xml[s..].find('"') {
            let old = &xml[s..s + len];
            if let Some((a, b)) = old.split_once(':') {
                let (a, b) = (a.parse::<u32>(), b.parse::<u32>());
                if let (Ok(a), Ok(b)) = (a, b) {
                    let hi = cells.keys().max().map_or(b, |c| b.max(c + 1));
                    let lo = cells.keys().min().map_or(a, |c| a.min(c + 1));
                    out.push((s, s + len, format!("{lo}:{hi}")));
                }
            }
        }
    }
    Ok(out)
}

/// The `<dimension ref>` widened to cover the written cells.
fn dimension(l: &Layout, writes: &[CellWrite]) -> Option<Splice> {
    let (s, e, old) = l.dimension.as_ref()?;
    let (a, b) = match old.split_once(':') {
        Some((a, b)) => (parse_ref(a)?, parse_ref(b)?),
        None => (parse_ref(old)?, parse_ref(old)?),
    };
    let max_row = writes.iter().map(|w| w.row).max()?.max(b.0);
    let max_col = writes.iter().map(|w| w.col).max()?.max(b.1);
    let min_row = writes.iter().map(|w| w.row).min()?.min(a.0);
    let min_col = writes.iter().map(|w| w.col).min()?.min(a.1);
    Some((
        *s,
        *e,
        format!(
            "{}:{}",
            cell_ref(min_row, min_col),
            cell_ref(max_row, max_col)
        ),
    ))
}

/// Applies non-overlapping splices (inserts at the same place keep their order).
fn apply(xml: &str, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|s| (s.0, s.1));
    let mut out =
        String::with_capacity(xml.len() + splices.iter().map(|s| s.2.len()).sum::<usize>());
    let mut at = 0;
    for (s, e, text) in splices {
        out.push_str(&xml[at..s]);
        out.push_str(&text);
        at = e;
    }
    out.push_str(&xml[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = "<?xml version=\"1.0\"?><worksheet><dimension ref=\"A1:B2\"/><sheetData>\
<row r=\"1\" spans=\"1:2\"><c r=\"A1\" s=\"1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"2\"/></row>\
<row r=\"3\"><c r=\"A3\"><f>1+1</f><v>2</v></c></row></sheetData><dataValidations count=\"1\"/></worksheet>";

    fn w(row: u32, col: u32, text: &str) -> CellWrite {
        CellWrite {
            row,
            col,
            text: text.into(),
        }
    }

    #[test]
    fn column_names_round_trip() {
        for (i, n) in [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(col_name(i), n);
            assert_eq!(parse_ref(&format!("{n}7")), Some((6, i)));
        }
    }

    #[test]
    fn writes_cells_in_order_and_keeps_everything_else() {
        let out = edit(
            SHEET,
            &[
                w(0, 1, "x<y"),
                w(0, 2, "=1+1"),
                w(1, 0, "new"),
                w(2, 3, "d"),
            ],
        )
        .expect("edit");
        assert!(out.contains("<c r=\"A1\" s=\"1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"2\" t=\"inlineStr\"><is><t xml:space=\"preserve\">x&lt;y</t></is></c><c r=\"C1\""), "{out}");
        assert!(out.contains("spans=\"1:3\""), "{out}");
        assert!(out.contains("</row><row r=\"2\"><c r=\"A2\""), "{out}");
        assert!(out.contains("<f>1+1</f><v>2</v></c><c r=\"D3\""), "{out}");
        assert!(out.contains("<dimension ref=\"A1:D3\"/>"), "{out}");
        assert!(out.ends_with("</sheetData><dataValidations count=\"1\"/></worksheet>"));
    }

    #[test]
    fn never_overwrites_a_value_or_formula() {
        let e = edit(SHEET, &[w(2, 0, "x")]).unwrap_err();
        assert!(e.contains("A3"), "{e}");
        let e = edit(SHEET, &[w(0, 0, "x")]).unwrap_err();
        assert!(e.contains("A1"), "{e}");
    }

    #[test]
    fn fills_an_empty_sheet_data() {
        let out = edit("<worksheet><sheetData/></worksheet>", &[w(0, 0, "a")]).expect("edit");
        assert_eq!(
            out,
            "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">a</t></is></c></row></sheetData></worksheet>"
        );
    }
}
