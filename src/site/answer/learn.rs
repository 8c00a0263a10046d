//! `vouch answer learn REVIEWED`: records the links a person accepted in a
//! reviewed questionnaire into the answer library (`content/registers/answers.yaml`).
//!
//! The file is read as `vouch answer` reads a questionnaire. A row's accepted
//! claims are the links under the site's `base_url` in any of its cells but
//! the question and a "Suggested links" column (suggestions are not
//! accepted), plus root-relative paths in its `Links` column. Every link must
//! name a claim some edition publishes, or nothing is written. Existing
//! entries keep their place and text; an entry asked again (same id, or the
//! same wording) is replaced where it stands; new ones are appended.

use super::claims::Claim;
use super::library::{self, is_question_id, norm_id, Library, NEAR_DUPLICATE, REL};
use super::more_claims::citable;
use super::questionnaire::{self, Layout, Sheet};
use crate::core::date::Date;
use crate::pipeline::model::Site;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Header words of a question id column.
const ID_HEADERS: &[&str] = &[
    "id",
    "question id",
    "ref",
    "reference",
    "no",
    "nr",
    "number",
    "control id",
    "item",
    "#",
];

/// What `learn` did, for standard error.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    pub added: usize,
    pub updated: usize,
    /// Question rows with no accepted link.
    pub skipped: usize,
    /// Absolute path of the register written.
    pub path: std::path::PathBuf,
}

/// One question as the reviewed file states it.
#[derive(Debug, Clone, PartialEq)]
struct Reviewed {
    id: Option<String>,
    question: String,
    claims: Vec<String>,
}

fn header_words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The claim a link names, as its root-relative path (`None`: not ours).
fn claim_path(token: &str, base: &str, bare_paths: bool) -> Option<String> {
    let t = token.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | '<' | '>' | '"'));
    let base = base.trim_end_matches('/');
    let path = match t.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') => rest,
        _ if bare_paths && t.starts_with('/') && !t.starts_with("//") => t,
        _ => return None,
    };
    Some(path.trim_end_matches('.').to_string())
}

/// The accepted claims of every question row, or every link that names no
/// published claim (row and column, as a spreadsheet shows them).
fn reviewed(site: &Site, sheet: &Sheet, layout: &Layout) -> Result<(Vec<Reviewed>, usize), String> {
    let top = site.editions.len().saturating_sub(1);
    let known: HashSet<String> = citable(site, top).iter().map(Claim::path).collect();
    let header: Vec<String> = match layout.header {
        Some(h) => sheet.rows[h].iter().map(|c| header_words(c)).collect(),
        None => Vec::new(),
    };
    let id_col = header.iter().position(|h| ID_HEADERS.contains(&h.as_str()));
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut bad = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate().skip(layout.first_data_row()) {
        let question = row[layout.question].trim();
        if question.is_empty() {
            continue;
        }
        let mut claims: Vec<String> = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            let name = header.get(c).map_or("", String::as_str);
            if c == layout.question || name.contains("suggest") {
                continue;
            }
            for token in cell.split_whitespace() {
                let Some(path) = claim_path(token, &site.config.base_url, name == "links") else {
                    continue;
                };
                // A pasted link may lack the slash before its fragment or at its end.
                let fixed = with_slash(&path);
                let found = [path, fixed].into_iter().find(|p| known.contains(p));
                match found {
                    Some(p) if !claims.contains(&p) => claims.push(p),
                    Some(_) => {}
                    None => bad.push(format!(
                        "row {} column {}: {token} is no claim any edition publishes",
                        r + 1,
                        super::sheetxml::col_name(c as u32)
                    )),
                }
            }
        }
        if claims.is_empty() {
            skipped += 1;
            continue;
        }
        let id = id_col
            .map(|c| row[c].trim().to_string())
            .filter(|s| is_question_id(s));
        out.push(Reviewed {
            id,
            question: question.to_string(),
            claims,
        });
    }
    if !bad.is_empty() {
        return Err(format!(
            "{}\nnothing was learned: correct these links (`vouch links --edition internal` lists every claim)",
            bad.join("\n")
        ));
    }
    Ok((out, skipped))
}

fn with_slash(path: &str) -> String {
    let (p, frag) = path
        .split_once('#')
        .map_or((path, None), |(p, f)| (p, Some(f)));
    let p = if p.ends_with('/') {
        p.to_string()
    } else {
        format!("{p}/")
    };
    match frag {
        Some(f) => format!("{p}#{f}"),
        None => p,
    }
}

/// `q-` and the first significant words of the wording: an id for a
/// question its questionnaire did not number.
fn made_id(question: &str) -> String {
    let words: Vec<String> = question
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() > 2)
        .take(6)
        .map(str::to_string)
        .collect();
    format!("q-{}", words.join("-"))
}

/// A YAML scalar for any text: JSON's double-quoted string is valid YAML.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The YAML lines of one entry.
fn render(id: &str, r: &Reviewed, today: Date, source: &str) -> String {
    let mut out = format!(
        "- id: {}\n  question: {}\n  claims:\n",
        quoted(id),
        quoted(&r.question)
    );
    for c in &r.claims {
        out.push_str(&format!("    - {}\n", quoted(c)));
    }
    out.push_str(&format!(
        "  learned: {today}\n  source: {}\n",
        quoted(source)
    ));
    out
}

const HEADER: &str =
    "# Answer library: questionnaire questions a person reviewed, with the claims\n\
# (permalink paths) they accepted. `vouch answer` answers the same question id,\n\
# or a near-duplicate wording, with these claims before it ranks anything.\n\
# Written by `vouch answer learn REVIEWED`; internal: no edition publishes it.\n";

/// Reads a reviewed questionnaire and records its accepted claims.
pub fn learn(site: &Site, reviewed_file: &Path, today: Date) -> Result<Learned, String> {
    let name = reviewed_file.display();
    let sheet = questionnaire::read(reviewed_file)?;
    if questionnaire::is_empty(&sheet) {
        return Err(format!("{name} is empty: nothing to learn"));
    }
    let layout = questionnaire::detect(&sheet).map_err(|e| format!("{name}: {e}"))?;
    let (rows, skipped) = reviewed(site, &sheet, &layout).map_err(|e| format!("{name}: {e}"))?;
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(id) = &r.id {
            if let Some(j) = ids.insert(norm_id(id), i) {
                return Err(format!(
                    "{name}: the question id `{id}` is on two rows (\"{}\" and \"{}\"); nothing was learned",
                    rows[j].question, r.question
                ));
            }
        }
    }
    let path = Library::path(site);
    let old = match std::fs::symlink_metadata(&path) {
        Ok(_) => {
            let bytes = crate::pipeline::load::read_inside(&site.content, &path)
                .map_err(|e| format!("cannot read {REL}: {e}"))?;
            String::from_utf8(bytes).map_err(|_| format!("{REL} is not UTF-8 text"))?
        }
        Err(_) => String::new(),
    };
    let (lib, diags) = Library::parse(&site.root, old.clone());
    if let Some(d) = diags.first() {
        return Err(format!(
            "{}:{}:{}: {}; fix the library first (`vouch check`)",
            d.file, d.line, d.column, d.message
        ));
    }
    let source = reviewed_file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut learned = Learned {
        skipped,
        path: path.clone(),
        ..Learned::default()
    };
    let text = merge(&old, &lib, &rows, today, &source, &mut learned);
    // What is written must read back clean: the same parse `vouch check` runs.
    let (_, problems) = Library::parse(&site.root, text.clone());
    if let Some(d) = problems.first() {
        return Err(format!(
            "the library would not read back ({}); nothing was written",
            d.message
        ));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    super::target::write_atomically(&path, text.as_bytes())?;
    Ok(learned)
}

/// The register's new text: the old one with asked-again entries replaced
/// in place and new ones appended.
fn merge(
    old: &str,
    lib: &Library,
    rows: &[Reviewed],
    today: Date,
    source: &str,
    learned: &mut Learned,
) -> String {
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut replaced: HashMap<usize, String> = HashMap::new();
    let mut appended = String::new();
    for r in rows {
        let by_id = r.id.as_ref().and_then(|id| {
            lib.entries
                .iter()
                .position(|e| norm_id(&e.data.id) == norm_id(id))
        });
        let by_wording = || {
            lib.entries
                .iter()
                .position(|e| library::similarity(&r.question, &e.data.question) >= NEAR_DUPLICATE)
        };
        match by_id.or_else(|| if r.id.is_none() { by_wording() } else { None }) {
            Some(i) => {
                let id = lib.entries[i].data.id.clone();
                replaced.insert(i, render(&id, r, today, source));
                learned.updated += 1;
            }
            None => {
                let id = r.id.clone().unwrap_or_else(|| made_id(&r.question));
                appended.push_str(&render(&id, r, today, source));
                learned.added += 1;
            }
        }
    }
    let mut out = String::new();
    if old.trim().is_empty() {
        out.push_str(HEADER);
    }
    let mut skip_to = 0;
    for (idx, line) in lines.iter().enumerate() {
        if idx < skip_to {
            continue;
        }
        let entry = lib.entries.iter().position(|e| e.loc.lines.start == idx);
        match entry.and_then(|i| replaced.get(&i).map(|t| (i, t))) {
            Some((i, text)) => {
                out.push_str(text);
                // Keep the blank lines and comments that end the old entry.
                let range = lib.entries[i].loc.lines.clone();
                let mut last = range.end;
                while last > range.start + 1 && {
                    let t = lines.get(last - 1).map_or("", |l| l.trim());
                    t.is_empty() || t.starts_with('#')
                } {
                    last -= 1;
                }
                for l in &lines[last.min(lines.len())..range.end.min(lines.len())] {
                    out.push_str(l);
                }
                skip_to = range.end;
            }
            None => out.push_str(line),
        }
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&appended);
    out
}
