//! The customer's workbook back as a workbook.
//!
//! An XLSX file is a zip of XML parts. Libraries that load a whole workbook
//! and save it again drop the parts they do not model (charts, pivot tables,
//! slicers, macros), so `vouch answer` does not: it rewrites only the
//! answered sheet's XML ([`super::sheetxml`]) and copies every other entry
//! of the zip raw, compressed bytes and all. A workbook in a format vouch
//! cannot edit (`.xls`, `.xlsb`, `.ods`) or a CSV becomes a new `.xlsx` with
//! the same sheets and values first, and is answered in that.

use super::sheetxml::{self, CellWrite};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// A value of a new workbook's cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Text(String),
}

/// A sheet of a new workbook: its name and its non-empty cells (0-based row
/// and column, where the source had them).
#[derive(Debug, Clone, Default)]
pub struct NewSheet {
    pub name: String,
    pub cells: Vec<(u32, u32, Value)>,
}

type Archive = ZipArchive<Cursor<Vec<u8>>>;

fn open(bytes: Vec<u8>) -> Result<Archive, String> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not an XLSX package: {e}"))
}

/// The text of one part of the package.
pub fn read_part(bytes: &[u8], part: &str) -> Result<String, String> {
    let mut zip = open(bytes.to_vec())?;
    let mut f = zip
        .by_name(part)
        .map_err(|e| format!("the package has no part `{part}`: {e}"))?;
    let mut text = String::new();
    f.read_to_string(&mut text)
        .map_err(|e| format!("cannot read part `{part}`: {e}"))?;
    Ok(text)
}

/// `(attribute values by name)` of every element named `tag` in `xml`.
fn elements(xml: &str, tag: &[u8]) -> Result<Vec<Vec<(String, String)>>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag => {
                let mut attrs = Vec::new();
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let raw = std::str::from_utf8(&a.value).map_err(|e| e.to_string())?;
                    let value = quick_xml::escape::unescape(raw)
                        .map_err(|e| e.to_string())?
                        .into_owned();
                    attrs.push((key, value));
                }
                out.push(attrs);
            }
            _ => {}
        }
    }
    Ok(out)
}

fn get<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key || k.rsplit_once(':').map(|x| x.1) == Some(key))
        .map(|(_, v)| v.as_str())
}

/// Resolves a relationship target against the folder of the part that
/// holds the relationship (`xl/` for the workbook).
fn resolve(base_dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in target.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The workbook part (`xl/workbook.xml` as a rule), from the package's relationships.
fn workbook_part(bytes: &[u8]) -> Result<String, String> {
    let rels = read_part(bytes, "_rels/.rels")?;
    elements(&rels, b"Relationship")?
        .iter()
        .find(|a| get(a, "Type").is_some_and(|t| t.ends_with("/officeDocument")))
        .and_then(|a| get(a, "Target"))
        .map(|t| resolve("", t))
        .ok_or_else(|| "the package names no workbook".to_string())
}

/// The zip path of the worksheet named `sheet` (the first sheet when `None`).
pub fn sheet_part(bytes: &[u8], sheet: Option<&str>) -> Result<String, String> {
    let wb = workbook_part(bytes)?;
    let (dir, file) = wb.rsplit_once('/').unwrap_or(("", wb.as_str()));
    let sheets = elements(&read_part(bytes, &wb)?, b"sheet")?;
    let found = match sheet {
        Some(name) => sheets.iter().find(|a| get(a, "name") == Some(name)),
        None => sheets.first(),
    };
    let rid = found
        .and_then(|a| get(a, "id"))
        .ok_or_else(|| format!("the workbook has no sheet `{}`", sheet.unwrap_or("")))?;
    let rels = read_part(
        bytes,
        format!("{dir}/_rels/{file}.rels").trim_start_matches('/'),
    )?;
    elements(&rels, b"Relationship")?
        .iter()
        .find(|a| get(a, "Id") == Some(rid))
        .and_then(|a| get(a, "Target"))
        .map(|t| resolve(dir, t))
        .ok_or_else(|| format!("the workbook's relationships do not name sheet {rid}"))
}

/// A copy of the package with `part` replaced by `text`; every other entry
/// is copied raw (its compressed bytes, timestamps and attributes as they were).
pub fn replace_part(bytes: &[u8], part: &str, text: &str) -> Result<Vec<u8>, String> {
    let mut zip = open(bytes.to_vec())?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let err = |e: zip::result::ZipError| format!("cannot write the workbook: {e}");
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(err)?;
        if f.name() == part {
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .last_modified_time(f.last_modified().unwrap_or_default());
            drop(f);
            out.start_file(part, options).map_err(err)?;
            out.write_all(text.as_bytes())
                .map_err(|e| format!("cannot write the workbook: {e}"))?;
        } else {
            out.raw_copy_file(f).map_err(err)?;
        }
    }
    Ok(out.finish().map_err(err)?.into_inner())
}

/// Writes `writes` into sheet `sheet` of the XLSX package `bytes`.
pub fn answer_package(
    bytes: &[u8],
    sheet: Option<&str>,
    writes: &[CellWrite],
) -> Result<Vec<u8>, String> {
    let part = sheet_part(bytes, sheet)?;
    let xml = read_part(bytes, &part)?;
    let edited = sheetxml::edit(&xml, writes)?;
    replace_part(bytes, &part, &edited)
}

/// Every sheet of a workbook calamine reads (`.xls`, `.xlsb`, `.ods`, …),
/// with its values where they were.
pub fn sheets_of(path: &Path) -> Result<Vec<NewSheet>, String> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut book = open_workbook_auto(path)
        .map_err(|e| format!("cannot read {} as a spreadsheet: {e}", path.display()))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("{}: cannot read sheet `{name}`: {e}", path.display()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (r, row) in range.rows().enumerate() {
            for (c, d) in row.iter().enumerate() {
                let v = match d {
                    Data::Empty => continue,
                    Data::Float(f) => Value::Number(*f),
                    Data::Int(i) => Value::Number(*i as f64),
                    Data::Bool(b) => Value::Bool(*b),
                    other => Value::Text(other.to_string()),
                };
                cells.push((r0 + r as u32, c0 + c as u32, v));
            }
        }
        out.push(NewSheet { name, cells });
    }
    Ok(out)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub fn excel_name(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    if name.trim().is_empty() {
        return "Questions".into();
    }
    name
}

/// A sheet holding `rows` of text from (0, 0), named after the file.
pub fn sheet_from_rows(name: &str, rows: &[Vec<String>]) -> NewSheet {
    let name = excel_name(name);
    let mut cells = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                cells.push((r as u32, c as u32, Value::Text(v.clone())));
            }
        }
    }
    NewSheet { name, cells }
}

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT_SHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The smallest style sheet Excel accepts: one font, fill, border and format.
const STYLES: &str = "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>";

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

fn worksheet_xml(sheet: &NewSheet) -> String {
    let mut cells = sheet.cells.clone();
    cells.sort_by_key(|c| (c.0, c.1));
    let mut body = String::new();
    let mut row: Option<u32> = None;
    for (r, c, v) in &cells {
        if row != Some(*r) {
            if row.is_some() {
                body.push_str("</row>");
            }
            body.push_str(&format!("<row r=\"{}\">", r + 1));
            row = Some(*r);
        }
        let at = sheetxml::cell_ref(*r, *c);
        body.push_str(&match v {
            Value::Number(n) if n.is_finite() => format!("<c r=\"{at}\"><v>{n}</v></c>"),
            Value::Number(n) => format!("<c r=\"{at}\" t=\"str\"><v>{n}</v></c>"),
            Value::Bool(b) => format!("<c r=\"{at}\" t=\"b\"><v>{}</v></c>", u8::from(*b)),
            Value::Text(t) => sheetxml::text_cell(*r, *c, t),
        });
    }
    if row.is_some() {
        body.push_str("</row>");
    }
    format!("{XML_HEAD}<worksheet xmlns=\"{MAIN_NS}\"><sheetData>{body}</sheetData></worksheet>")
}

/// A new XLSX package holding `sheets`.
pub fn new_workbook(sheets: &[NewSheet]) -> Result<Vec<u8>, String> {
    let mut types = format!(
        "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    );
    let mut book = String::new();
    let mut rels = String::new();
    let mut parts: Vec<(String, String)> = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"{CT_SHEET}\"/>"
        ));
        book.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
            esc(&excel_name(&s.name))
        ));
        rels.push_str(&format!(
            "<Relationship Id=\"rId{n}\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        ));
        parts.push((format!("xl/worksheets/sheet{n}.xml"), worksheet_xml(s)));
    }
    let styles_id = sheets.len() + 1;
    rels.push_str(&format!(
        "<Relationship Id=\"rId{styles_id}\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/>"
    ));
    types.push_str("</Types>");
    let mut all = vec![
        ("[Content_Types].xml".to_string(), types),
        (
            "_rels/.rels".into(),
            format!("{XML_HEAD}<Relationships xmlns=\"{PKG_REL_NS}\"><Relationship Id=\"rId1\" Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
        ),
        (
            "xl/workbook.xml".into(),
            format!("{XML_HEAD}<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheets>{book}</sheets></workbook>"),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!("{XML_HEAD}<Relationships xmlns=\"{PKG_REL_NS}\">{rels}</Relationships>"),
        ),
        (
            "xl/styles.xml".into(),
            format!("{XML_HEAD}<styleSheet xmlns=\"{MAIN_NS}\">{STYLES}</styleSheet>"),
        ),
    ];
    all.extend(parts);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let err = |e: String| format!("cannot write the workbook: {e}");
    for (name, text) in all {
        out.start_file(name, options)
            .map_err(|e| err(e.to_string()))?;
        out.write_all(text.as_bytes())
            .map_err(|e| err(e.to_string()))?;
    }
    Ok(out.finish().map_err(|e| err(e.to_string()))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_targets_resolve_against_their_folder() {
        assert_eq!(
            resolve("xl", "worksheets/sheet2.xml"),
            "xl/worksheets/sheet2.xml"
        );
        assert_eq!(resolve("xl", "/xl/worksheets/a.xml"), "xl/worksheets/a.xml");
        assert_eq!(
            resolve("xl/x", "../worksheets/a.xml"),
            "xl/worksheets/a.xml"
        );
    }

    #[test]
    fn a_new_workbook_names_its_sheets_and_answers_into_the_named_one() {
        let a = sheet_from_rows("q[1]", &[vec!["Question".into(), String::new()]]);
        let b = NewSheet {
            name: "Other & more".into(),
            cells: vec![(2, 1, Value::Number(3.5)), (0, 0, Value::Bool(true))],
        };
        let bytes = new_workbook(&[a, b]).expect("workbook");
        assert_eq!(
            sheet_part(&bytes, Some("q_1_")).unwrap(),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            sheet_part(&bytes, Some("Other & more")).unwrap(),
            "xl/worksheets/sheet2.xml"
        );
        let w = CellWrite {
            row: 0,
            col: 1,
            text: "Answer".into(),
        };
        let out = answer_package(&bytes, Some("q_1_"), &[w]).expect("answer");
        let xml = read_part(&out, "xl/worksheets/sheet1.xml").unwrap();
        assert!(xml.contains("<c r=\"B1\" t=\"inlineStr\">"), "{xml}");
        assert_eq!(
            read_part(&out, "xl/worksheets/sheet2.xml").unwrap(),
            read_part(&bytes, "xl/worksheets/sheet2.xml").unwrap()
        );
    }
}
