//! `vouch answer` on workbooks: XLSX in → XLSX out with every part but the
//! answered sheet copied byte for byte, the sheet's own cells, styles,
//! formulas and data validations kept; `--into-columns`; `--in-place` and
//! no overwrite without it; the format following `--out`'s extension; CSV
//! and ODS answered into a new workbook. Test workbooks are built here with
//! the zip crate, so no binary fixture needs regenerating.

use crate::common::{code, repo, stderr, vouch, TODAY};
use calamine::{open_workbook_auto, Data, Reader};
use std::io::{Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/><Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Chart data" sheetId="1" r:id="rId1"/><sheet name="Questions" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
const WB_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>"#;
const SHARED: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5"><si><t>ID</t></si><si><t>Question</t></si><si><t>Response</t></si><si><t>Comments</t></si><si><t>Compliant?</t></si></sst>"#;
/// The questionnaire: bold header (style 1), a formula, a list validation,
/// styled empty Response cells, and a row the customer numbered without `r`.
const QUESTIONS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F4"/><cols><col min="2" max="2" width="60" customWidth="1"/></cols><sheetData><row r="1" spans="1:6"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="s"><v>1</v></c><c r="C1" s="1" t="s"><v>2</v></c><c r="D1" s="1" t="s"><v>3</v></c><c r="E1" s="1" t="s"><v>4</v></c><c r="F1" s="1" t="str"><f>"Words"</f><v>Words</v></c></row><row r="2" spans="1:6"><c r="A2" t="inlineStr"><is><t>GRC-1</t></is></c><c r="B2" t="inlineStr"><is><t>Do you use customer data to fine-tune models?</t></is></c><c r="C2" s="1"/><c r="F2"><f>LEN(B2)</f><v>45</v></c></row><row r="3" spans="1:6"><c r="A3" t="inlineStr"><is><t>GRC-2</t></is></c><c r="B3" t="inlineStr"><is><t>How do you monitor model drift in production?</t></is></c><c r="F3"><f>LEN(B3)</f><v>45</v></c></row><row r="4"><c t="inlineStr"><is><t>GRC-3</t></is></c><c t="inlineStr"><is><t>What are your cyber insurance coverage limits?</t></is></c></row></sheetData><dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="E2:E4"><formula1>"Yes,No"</formula1></dataValidation></dataValidations><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#;
const CHART_SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Quarter</t></is></c><c r="B1"><v>12</v></c></row></sheetData><drawing r:id="rId1"/></worksheet>"#;
const CHART_SHEET_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawing1.xml"/></Relationships>"#;
const DRAWING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"/>"#;
const CHART: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart><c:plotArea><c:barChart><c:barDir val="col"/></c:barChart></c:plotArea></c:chart></c:chartSpace>"#;

/// Writes the test workbook: two sheets (the questions second), styles,
/// shared strings, a formula, a data validation and chart parts.
fn workbook(path: &Path) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let deflate = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // One part stored uncompressed, as some tools write them: copied as it is.
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text, opts) in [
        ("[Content_Types].xml", CT, deflate),
        ("_rels/.rels", RELS, deflate),
        ("xl/workbook.xml", WORKBOOK, deflate),
        ("xl/_rels/workbook.xml.rels", WB_RELS, deflate),
        ("xl/styles.xml", STYLES, stored),
        ("xl/sharedStrings.xml", SHARED, deflate),
        ("xl/worksheets/sheet1.xml", QUESTIONS, deflate),
        ("xl/worksheets/sheet2.xml", CHART_SHEET, deflate),
        (
            "xl/worksheets/_rels/sheet2.xml.rels",
            CHART_SHEET_RELS,
            deflate,
        ),
        ("xl/drawings/drawing1.xml", DRAWING, deflate),
        ("xl/charts/chart1.xml", CHART, deflate),
    ] {
        z.start_file(name, opts).expect("entry");
        z.write_all(text.as_bytes()).expect("write");
    }
    z.finish().expect("finish");
}

/// Every entry of a zip: name, raw (compressed) bytes, CRC.
fn raw_entries(path: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index_raw(i).expect("entry");
            let mut raw = Vec::new();
            f.read_to_end(&mut raw).expect("read");
            (f.name().to_string(), raw, f.crc32())
        })
        .collect()
}

fn part(path: &Path, name: &str) -> String {
    vouch::site::answer::workbook::read_part(&std::fs::read(path).expect("read"), name)
        .expect("part")
}

fn answer(q: &Path, extra: &[&str]) -> std::process::Output {
    let root = repo();
    let mut args = vec![
        "answer",
        q.to_str().expect("p"),
        "--root",
        root.to_str().expect("p"),
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    vouch(&args)
}

fn range(path: &Path, sheet: &str) -> calamine::Range<Data> {
    let mut book = open_workbook_auto(path).expect("calamine opens it");
    book.worksheet_range(sheet).expect("sheet")
}

#[test]
fn xlsx_in_xlsx_out_keeps_every_other_part_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("vendor.xlsx");
    workbook(&q);
    let out = dir.path().join("answered.xlsx");
    let o = answer(&q, &["--out", out.to_str().expect("p")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("answered 2 of 3"), "{}", stderr(&o));
    let (before, after) = (raw_entries(&q), raw_entries(&out));
    assert_eq!(
        before.iter().map(|e| &e.0).collect::<Vec<_>>(),
        after.iter().map(|e| &e.0).collect::<Vec<_>>(),
        "same parts in the same order"
    );
    for (b, a) in before.iter().zip(&after) {
        if b.0 != "xl/worksheets/sheet1.xml" {
            assert_eq!(b, a, "{} changed", b.0);
        }
    }
    // The answered sheet: every original cell element (with its style and
    // formula), the columns, the validation and the margins are still there.
    let xml = part(&out, "xl/worksheets/sheet1.xml");
    for kept in [
        r#"<c r="B1" s="1" t="s"><v>1</v></c>"#,
        r#"<c r="F2"><f>LEN(B2)</f><v>45</v></c>"#,
        r#"<c r="C2" s="1"/>"#,
        r#"<cols><col min="2" max="2" width="60" customWidth="1"/></cols>"#,
        r#"<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="E2:E4"><formula1>"Yes,No"</formula1></dataValidation></dataValidations><pageMargins"#,
        r#"<c t="inlineStr"><is><t>GRC-3</t></is></c>"#,
    ] {
        assert!(xml.contains(kept), "lost {kept}: {xml}");
    }
    assert!(xml.contains(r#"<dimension ref="A1:L4"/>"#), "{xml}");
    // Read back as a spreadsheet program would: untouched cells equal, answers after the last column.
    let (a, b) = (range(&q, "Questions"), range(&out, "Questions"));
    for (r, row) in a.rows().enumerate() {
        for (c, v) in row.iter().enumerate() {
            assert_eq!(b.get((r, c)), Some(v), "cell ({r}, {c})");
        }
    }
    let header: Vec<String> = (6..10)
        .map(|c| b.get((0, c)).expect("cell").to_string())
        .collect();
    assert_eq!(header, ["Answer", "Links", "Confidence", "Status"]);
    assert!(b
        .get((1, 7))
        .expect("links")
        .to_string()
        .contains("/faq/training-on-customer-data/"));
    assert_eq!(b.get((3, 9)).expect("status").to_string(), "needs-human");
    let cells = |r: calamine::Range<Data>| {
        r.cells()
            .map(|(r, c, v)| (r, c, v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        cells(range(&q, "Chart data")),
        cells(range(&out, "Chart data"))
    );
}

#[test]
fn into_columns_fills_the_sheets_own_response_and_comments_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("vendor.xlsx");
    workbook(&q);
    let out = dir.path().join("answered.xlsx");
    let o = answer(&q, &["--out", out.to_str().expect("p"), "--into-columns"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let b = range(&out, "Questions");
    assert_eq!(
        b.get((0, 2)).expect("c").to_string(),
        "Response",
        "the customer's header stays"
    );
    assert!(!b.get((1, 2)).expect("answer").to_string().is_empty());
    assert!(b
        .get((1, 3))
        .expect("links")
        .to_string()
        .contains("/faq/training-on-customer-data/"));
    let header: Vec<String> = (6..8)
        .map(|c| b.get((0, c)).expect("cell").to_string())
        .collect();
    assert_eq!(header, ["Confidence", "Status"]);
    // The styled empty cell keeps its style when it is filled.
    let xml = part(&out, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"<c r="C2" s="1" t="inlineStr">"#), "{xml}");
    // Asked again, the Response column is no longer empty: refused, nothing written.
    let again = dir.path().join("again.xlsx");
    let o = answer(
        &out,
        &["--out", again.to_str().expect("p"), "--into-columns"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("already holds text"), "{}", stderr(&o));
    assert!(!again.exists());
}

#[test]
fn the_questionnaire_is_overwritten_only_with_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("vendor.xlsx");
    workbook(&q);
    let before = std::fs::read(&q).expect("read");
    let o = answer(&q, &["--out", q.to_str().expect("p")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--in-place"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&q).expect("read"), before, "untouched");
    let o = answer(&q, &["--in-place"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("wrote {}", q.display())),
        "{}",
        stderr(&o)
    );
    let b = range(&q, "Questions");
    assert_eq!(b.get((0, 9)).expect("status").to_string(), "Status");
    // CSV in place stays CSV.
    let csv = dir.path().join("q.csv");
    std::fs::write(
        &csv,
        "Question\nHow do you monitor model drift in production?\n",
    )
    .expect("write");
    let o = answer(&csv, &["--in-place"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).expect("read");
    assert!(
        text.starts_with("Question,Answer,Links,Confidence,Status,Why,Suggested links\n"),
        "{text}"
    );
}

#[test]
fn the_output_format_follows_the_extension_and_a_mismatch_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("q.csv");
    std::fs::write(
        &csv,
        "Id,Question\n1,How do you monitor model drift in production?\n",
    )
    .expect("write");
    let out = dir.path().join("answers.xlsx");
    let o = answer(&csv, &["--out", out.to_str().expect("p")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let b = range(&out, "q");
    assert_eq!(b.get((0, 2)).expect("cell").to_string(), "Answer");
    assert!(b
        .get((1, 3))
        .expect("links")
        .to_string()
        .contains("/faq/drift-monitoring/"));
    for (args, msg) in [
        (vec!["--out", "x.xlsx", "--format", "csv"], "contradicts"),
        (vec!["--out", "x.csv", "--format", "json"], "contradicts"),
        (vec!["--out", "x.xls"], "cannot write .xls"),
        (vec!["--into-columns", "--format", "json"], "JSON has none"),
    ] {
        let o = answer(&csv, &args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
    }
}

/// A one-sheet OpenDocument spreadsheet.
fn ods(path: &Path) {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Vendor Q"><table:table-row><table:table-cell office:value-type="string"><text:p>No</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Question</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>How do you monitor model drift in production?</text:p></table:table-cell></table:table-row></table:table><table:table table:name="Notes"><table:table-row><table:table-cell office:value-type="string"><text:p>keep me</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored).expect("entry");
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    z.start_file("META-INF/manifest.xml", stored)
        .expect("entry");
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).expect("write");
    z.start_file("content.xml", stored).expect("entry");
    z.write_all(content.as_bytes()).expect("write");
    z.finish().expect("finish");
}

#[test]
fn an_ods_questionnaire_is_answered_into_a_new_xlsx_with_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("vendor.ods");
    ods(&q);
    let out = dir.path().join("vendor.xlsx");
    let o = answer(&q, &["--out", out.to_str().expect("p")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: ") && stderr(&o).contains("new .xlsx"),
        "{}",
        stderr(&o)
    );
    let b = range(&out, "Vendor Q");
    assert_eq!(b.get((1, 0)), Some(&Data::Float(7.0)));
    assert!(b
        .get((1, 3))
        .expect("links")
        .to_string()
        .contains("/faq/drift-monitoring/"));
    assert_eq!(
        range(&out, "Notes").get((0, 0)).expect("cell").to_string(),
        "keep me"
    );
    let o = answer(&q, &["--in-place"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}
