//! Where `vouch answer` writes, and in which format.
//!
//! The format follows the output file's extension (`.xlsx` is a workbook,
//! `.csv` CSV, `.md` Markdown, `.json` JSON); a `--format` that contradicts
//! the extension is a usage error, not a guess. The questionnaire itself is
//! written only with `--in-place`: a customer's workbook is not overwritten
//! because an `--out` happened to name it.

use super::Format;
use std::path::{Path, PathBuf};

/// What kind of file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// CSV, Markdown or JSON text; `tab` for a `.tsv` file.
    Text { format: Format, tab: bool },
    /// A workbook: the customer's own (XLSX in), or a new one.
    Xlsx,
}

/// Where the answers go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout(Format),
    File { path: PathBuf, kind: Kind },
}

fn ext(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The kind an extension names, `None` when it names none (`.txt`, no extension).
fn kind_of(ext: &str) -> Result<Option<Kind>, String> {
    let text = |format| Ok(Some(Kind::Text { format, tab: false }));
    match ext {
        "csv" => text(Format::Csv),
        "tsv" => Ok(Some(Kind::Text {
            format: Format::Csv,
            tab: true,
        })),
        "md" | "markdown" => text(Format::Md),
        "json" => text(Format::Json),
        "xlsx" | "xlsm" => Ok(Some(Kind::Xlsx)),
        "xls" | "xlsb" | "ods" => Err(format!(
            "vouch cannot write .{ext} files; name the output .xlsx (the same sheets and values, answered)"
        )),
        _ => Ok(None),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Decides the target from the command line: the questionnaire, `--out`,
/// `--format` and `--in-place`.
pub fn decide(
    questions: &Path,
    out: Option<&Path>,
    format: Option<Format>,
    in_place: bool,
) -> Result<Target, String> {
    let path = match (out, in_place) {
        (Some(_), true) => {
            return Err("--in-place writes the answers into the questionnaire itself; drop --out, or drop --in-place to write elsewhere".into())
        }
        (None, false) => return Ok(Target::Stdout(format.unwrap_or(Format::Csv))),
        (None, true) => questions.to_path_buf(),
        (Some(p), false) => {
            if same_file(p, questions) {
                return Err(format!(
                    "--out {} is the questionnaire itself; pass --in-place to write the answers into it, or choose another --out",
                    p.display()
                ));
            }
            p.to_path_buf()
        }
    };
    let e = ext(&path);
    let kind = match kind_of(&e)? {
        Some(k) => k,
        None if in_place => {
            return Err(format!(
                "cannot answer {} in place: vouch writes .csv, .tsv, .xlsx or .xlsm questionnaires back",
                path.display()
            ))
        }
        None => Kind::Text {
            format: format.unwrap_or(Format::Csv),
            tab: false,
        },
    };
    if let (
        Some(f),
        Kind::Text {
            format: implied, ..
        },
    ) = (format, kind)
    {
        if f != implied && kind_of(&e)?.is_some() {
            return Err(format!(
                "--format {} contradicts --out {}: the format follows the extension; drop --format or rename the file",
                name(f),
                path.display()
            ));
        }
    }
    if let (Some(f), Kind::Xlsx) = (format, kind) {
        return Err(format!(
            "--format {} contradicts {}: a .{e} file is a workbook; drop --format or rename the file",
            name(f),
            path.display()
        ));
    }
    if kind == Kind::Xlsx {
        let macros_in = ext(questions) == "xlsm";
        if macros_in != (e == "xlsm") {
            return Err(format!(
                "{} is {} but {} is {}: keep the extension of the questionnaire (.xlsm keeps its macros)",
                questions.display(),
                if macros_in { "a macro workbook (.xlsm)" } else { "not a macro workbook" },
                path.display(),
                if e == "xlsm" { ".xlsm" } else { ".xlsx" },
            ));
        }
    }
    Ok(Target::File { path, kind })
}

fn name(f: Format) -> &'static str {
    match f {
        Format::Csv => "csv",
        Format::Md => "md",
        Format::Json => "json",
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place, so a failed write leaves the old file whole.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(bytes).map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(q: &str, out: Option<&str>, f: Option<Format>, in_place: bool) -> Result<Target, String> {
        decide(Path::new(q), out.map(Path::new), f, in_place)
    }

    #[test]
    fn the_format_follows_the_extension_and_a_contradiction_is_an_error() {
        assert_eq!(
            d("q.xlsx", Some("a.xlsx"), None, false),
            Ok(Target::File {
                path: "a.xlsx".into(),
                kind: Kind::Xlsx
            })
        );
        assert_eq!(
            d("q.csv", Some("a.txt"), Some(Format::Json), false),
            Ok(Target::File {
                path: "a.txt".into(),
                kind: Kind::Text {
                    format: Format::Json,
                    tab: false
                }
            })
        );
        assert!(d("q.csv", Some("a.csv"), Some(Format::Json), false).is_err());
        assert!(d("q.csv", Some("a.xlsx"), Some(Format::Csv), false).is_err());
        assert!(d("q.xlsx", Some("a.xls"), None, false).is_err());
        assert!(d("q.xlsm", Some("a.xlsx"), None, false).is_err());
        assert!(d("q.xlsx", Some("a.xlsm"), None, false).is_err());
    }

    #[test]
    fn the_questionnaire_is_written_only_in_place() {
        assert!(d("q.xlsx", Some("q.xlsx"), None, false)
            .unwrap_err()
            .contains("--in-place"));
        assert!(d("q.xlsx", Some("x.xlsx"), None, true).is_err());
        assert!(d("q.ods", None, None, true).is_err());
        assert_eq!(
            d("q.tsv", None, None, true),
            Ok(Target::File {
                path: "q.tsv".into(),
                kind: Kind::Text {
                    format: Format::Csv,
                    tab: true
                }
            })
        );
    }
}
