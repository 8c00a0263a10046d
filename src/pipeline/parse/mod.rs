//! Stage 2, parse: front matter and YAML registers into typed entries, each with
//! its source location. Every error becomes a diagnostic at `file:line:column`
//! counted from the top of the file; a broken item does not stop the others.

pub mod records;
pub mod rules;
pub mod types;

use crate::core::date::{INVALID_DATE, INVALID_PERIOD};
use crate::core::diagnostics::{did_you_mean, rule, Diagnostic, Rule};
use crate::core::memo::Cache;
use crate::core::source::{list_items, FileId, ItemLoc, Sources, Span, WithHelp};
use crate::core::yaml::{self, YamlError};
use crate::pipeline::load::{DocKind, Loaded, Register};
use serde::de::DeserializeOwned;
use types::*;

/// A parsed entry with the place it came from.
#[derive(Debug, Clone)]
pub struct Item<T> {
    pub data: T,
    pub loc: ItemLoc,
}

/// A Markdown document: front matter plus the body's text and offset.
#[derive(Debug, Clone)]
pub struct DocSource {
    pub kind: DocKind,
    pub id: String,
    pub front: FrontMatter,
    /// Location of the front matter lines (for field lookups).
    pub loc: ItemLoc,
    /// Byte offset of the body in its file (the text stays in `Sources`;
    /// a copy would double the memory of a large project).
    pub body_offset: usize,
}

/// Everything parsed, ready for the model.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    pub config: Option<Item<SiteConfig>>,
    pub docs: Vec<DocSource>,
    pub controls: Vec<Item<ControlEntry>>,
    pub evidence: Vec<Item<EvidenceEntry>>,
    pub risks: Vec<Item<RiskEntry>>,
    pub suppliers: Vec<Item<SupplierEntry>>,
    pub faq: Vec<Item<FaqEntry>>,
    pub systems: Vec<Item<SystemCard>>,
    /// The records of clauses 6.2, 7.2 and 9.1-10.2.
    pub records: records::ParsedRecords,
    /// Entities that failed to parse, as (kind name, id): references to them
    /// are not reported again, so one mistake gives one error.
    pub broken: Vec<(&'static str, String)>,
}

/// Parses every loaded file. Diagnostics are appended to `diags`.
pub fn parse(loaded: &Loaded, diags: &mut Vec<Diagnostic>) -> Parsed {
    parse_cached(loaded, diags, None)
}

/// Parses one file through the cache: the result and its diagnostics are
/// reused while the file's id, path and text are unchanged.
fn memo<T: Clone + Send + Sync + 'static>(
    cache: Option<&Cache>,
    s: &Sources,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
    f: impl FnOnce(&mut Vec<Diagnostic>) -> T,
) -> T {
    let Some(cache) = cache else { return f(diags) };
    let src = s.get(file);
    let key = crate::core::memo::hash_of(&(file, &src.path, src.hash, std::any::type_name::<T>()));
    let (value, found) = cache.parsed(key, || {
        let mut found = Vec::new();
        let value = f(&mut found);
        (value, found)
    });
    diags.extend(found);
    value
}

/// [`parse`] with the dev server's cache, so a save re-parses only the
/// files it changed.
pub fn parse_cached(loaded: &Loaded, diags: &mut Vec<Diagnostic>, cache: Option<&Cache>) -> Parsed {
    let s = &loaded.sources;
    let mut p = Parsed::default();
    let before = diags.len();
    if let Some(file) = loaded.site {
        p.config = memo(cache, s, file, diags, |d| {
            parse_whole::<SiteConfig>(s, file, d)
        });
    }
    for (kind, file) in &loaded.docs {
        if let Some(doc) = memo(cache, s, *file, diags, |d| parse_doc(s, *kind, *file, d)) {
            p.docs.push(doc);
        }
    }
    for (reg, file) in &loaded.registers {
        let f = *file;
        match reg {
            Register::Controls => p.controls = memo(cache, s, f, diags, |d| parse_list(s, f, d)),
            Register::Evidence => p.evidence = memo(cache, s, f, diags, |d| parse_list(s, f, d)),
            Register::Risks => p.risks = memo(cache, s, f, diags, |d| parse_list(s, f, d)),
            Register::Suppliers => p.suppliers = memo(cache, s, f, diags, |d| parse_list(s, f, d)),
            Register::Faq => p.faq = memo(cache, s, f, diags, |d| parse_list(s, f, d)),
            _ => records::parse_register(&mut p.records, *reg, cache, s, f, diags),
        }
    }
    for file in &loaded.systems {
        let f = *file;
        match memo(cache, s, f, diags, |d| parse_whole::<SystemCard>(s, f, d)) {
            Some(card) => p.systems.push(card),
            None => p
                .broken
                .extend(id_in(&s.get(*file).text()).map(|id| ("system", id))),
        }
    }
    let parsed_docs: std::collections::HashSet<FileId> =
        p.docs.iter().map(|d| d.loc.file).collect();
    for (kind, file) in &loaded.docs {
        if !parsed_docs.contains(file) {
            let f = s.get(*file);
            let stem = f
                .path
                .file_stem()
                .map(|x| x.to_string_lossy().into_owned())
                .unwrap_or_default();
            p.broken
                .push((doc_kind_name(*kind), id_in(&f.text()).unwrap_or(stem)));
        }
    }
    for d in &diags[before..] {
        // Broken register items: recover the id from the item's text.
        if let Some((reg, file)) = loaded
            .registers
            .iter()
            .find(|(_, f)| s.get(*f).rel == d.file)
        {
            let f = s.get(*file);
            let item = list_items(f)
                .into_iter()
                .find(|r| r.contains(&d.line.saturating_sub(1)));
            if let Some(r) = item {
                let text = f.text()[f.line_start(r.start)..f.line_start(r.end)].to_string();
                if let Some(id) = id_in(&text) {
                    p.broken.push((register_kind_name(*reg), id));
                }
            }
        }
    }
    p
}

fn doc_kind_name(k: DocKind) -> &'static str {
    match k {
        DocKind::Scope => "scope",
        DocKind::Policy => "policy",
        DocKind::Assessment => "assessment",
        DocKind::Notice => "notice",
        DocKind::Page => "page",
    }
}

fn register_kind_name(r: Register) -> &'static str {
    match r {
        Register::Controls => "control",
        Register::Evidence => "evidence",
        Register::Risks => "risk",
        Register::Suppliers => "supplier",
        Register::Faq => "faq",
        Register::Objectives => "objective",
        Register::Competence => "competence",
        Register::Monitoring => "monitoring",
        Register::Audits => "audit",
        Register::Reviews => "review",
        Register::Nonconformities => "nonconformity",
    }
}

/// The first `id:` value in a YAML text, read leniently (for broken entries).
fn id_in(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let t = l.trim_start().trim_start_matches("- ").trim_start();
        t.strip_prefix("id:")
            .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    })
}

fn whole_loc(s: &Sources, file: FileId) -> ItemLoc {
    ItemLoc {
        file,
        lines: 0..s.get(file).line_count(),
    }
}

fn is_blank(text: &str) -> bool {
    text.lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// Parses a file holding one YAML mapping.
fn parse_whole<T: DeserializeOwned>(
    s: &Sources,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<Item<T>> {
    let text = s.get(file).text();
    let text = &*text;
    if is_blank(text) {
        diags.push(
            s.file_diag(&rule::EMPTY_FILE, file, "the file is empty")
                .help("add the fields this file needs"),
        );
        return None;
    }
    match yaml::from_str_all::<T>(text) {
        Ok(data) => Some(Item {
            data,
            loc: whole_loc(s, file),
        }),
        Err(errors) => {
            diags.extend(errors.iter().map(|e| yaml_diag(s, file, 0, e)));
            None
        }
    }
}

/// Parses a register: a top-level YAML list, item by item so that one broken
/// item reports its own errors (all of them) and the rest still load.
pub fn parse_list<T: DeserializeOwned>(
    s: &Sources,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Item<T>> {
    let f = s.get(file);
    // An empty register (blank, or only comments) is an empty list, as a
    // missing one is: a register with no entries yet is not a mistake.
    let text = f.text();
    if is_blank(&text) {
        return Vec::new();
    }
    let ranges = list_items(f);
    let root = match yaml::parse(&text) {
        Ok(root) => root,
        Err(e) => return parse_items_apart(s, file, &ranges, &e, diags),
    };
    let items = match root.items() {
        Some(items) => items,
        None if root.is_null() => &[],
        None => {
            let span = Span {
                file,
                offset: 0,
                len: f.line(0).len(),
            };
            diags.push(
                s.diag(&rule::INVALID_VALUE, span, "a register must be a YAML list")
                    .help("start each entry with `- id: ...`"),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, node) in items.iter().enumerate() {
        // Flow-style or unusual layout: locate fields in the whole file.
        let lines = match ranges.get(i) {
            Some(r) if ranges.len() == items.len() => r.clone(),
            _ => whole_loc(s, file).lines,
        };
        match yaml::from_node_all::<T>(node) {
            Ok(data) => out.push(Item {
                data,
                loc: ItemLoc { file, lines },
            }),
            Err(errors) => diags.extend(errors.iter().map(|e| yaml_diag(s, file, 0, e))),
        }
    }
    out
}

/// After a syntax error in a register: parses each item on its own, so the
/// syntax error is reported in its item and the other items are still checked.
/// If no item shows the error on its own, it lies between items: report it as
/// the whole file's.
fn parse_items_apart<T: DeserializeOwned>(
    s: &Sources,
    file: FileId,
    ranges: &[std::ops::Range<usize>],
    whole: &YamlError,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Item<T>> {
    let f = s.get(file);
    let before = diags.len();
    let mut syntax = false;
    let mut out = Vec::new();
    for range in ranges {
        let start = f.line_start(range.start);
        let end = f.line_start(range.end).max(start);
        let mut slice = f.text()[start..end].to_string();
        // Turn "- key: v" into "  key: v": same columns, a mapping of its own.
        if let Some(dash) = slice.find('-') {
            slice.replace_range(dash..dash + 1, " ");
        }
        let node = match yaml::parse(&slice) {
            Ok(node) => node,
            Err(e) => {
                syntax = true;
                diags.push(yaml_diag(s, file, range.start, &e));
                continue;
            }
        };
        match yaml::from_node_all::<T>(&node) {
            Ok(data) => out.push(Item {
                data,
                loc: ItemLoc {
                    file,
                    lines: range.clone(),
                },
            }),
            Err(errors) => diags.extend(errors.iter().map(|e| yaml_diag(s, file, range.start, e))),
        }
    }
    if !syntax {
        diags.truncate(before);
        diags.push(yaml_diag(s, file, 0, whole));
        return Vec::new();
    }
    out
}

/// Splits front matter from a Markdown document and parses it.
fn parse_doc(
    s: &Sources,
    kind: DocKind,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<DocSource> {
    let f = s.get(file);
    let lines = f.lines();
    let head = Span {
        file,
        offset: 0,
        len: lines.line(0).len().max(1),
    };
    if lines.text.trim().is_empty() {
        diags.push(
            s.file_diag(&rule::EMPTY_FILE, file, "the document is empty")
                .help(
                    "start with front matter: `---`, `title: ...`, `---`, then the Markdown body",
                ),
        );
        return None;
    }
    if lines.line(0).trim_end() != "---" {
        diags.push(
            s.diag(
                &rule::FRONT_MATTER,
                head,
                "the document does not start with front matter",
            )
            .help("the first line must be `---`, followed by YAML fields and a closing `---`"),
        );
        return None;
    }
    let Some(close) = (1..lines.count()).find(|&i| lines.line(i).trim_end() == "---") else {
        diags.push(
            s.diag(
                &rule::FRONT_MATTER,
                head,
                "the front matter is never closed",
            )
            .help("add a line holding only `---` after the last front matter field"),
        );
        return None;
    };
    let yaml_text = &lines.text[lines.start(1)..lines.start(close)];
    let front = if yaml_text.trim().is_empty() {
        Err(vec![YamlError {
            message: "missing field `title`".into(),
            line: 1,
            column: 1,
            help: None,
            field: Some("title".into()),
        }])
    } else {
        yaml::from_str_all::<FrontMatter>(yaml_text)
    };
    let front = match front {
        Ok(fm) => fm,
        Err(errors) => {
            diags.extend(errors.iter().map(|e| yaml_diag(s, file, 1, e)));
            return None;
        }
    };
    let stem = f
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = match kind {
        DocKind::Scope => "scope".to_string(),
        _ => front.id.clone().unwrap_or(stem),
    };
    let body_offset = lines.start(close + 1);
    Some(DocSource {
        kind,
        id,
        front,
        loc: ItemLoc {
            file,
            lines: 1..close,
        },
        body_offset,
    })
}

/// Picks the rule for a YAML error from serde's message.
fn classify(message: &str) -> &'static Rule {
    let message = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && !path.contains('`') => rest,
        _ => message,
    };
    if message.starts_with("unknown field") {
        &rule::UNKNOWN_FIELD
    } else if message.starts_with("missing field") {
        &rule::MISSING_FIELD
    } else if message.contains(INVALID_DATE) {
        &rule::INVALID_DATE
    } else if message.contains(INVALID_PERIOD) {
        &rule::INVALID_PERIOD
    } else if message.starts_with("unknown variant")
        || message.starts_with("invalid type")
        || message.starts_with("invalid value")
    {
        &rule::INVALID_VALUE
    } else {
        &rule::YAML_SYNTAX
    }
}

/// Backticked words in a serde message: the offending token and the allowed list.
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// Converts a YAML error at `line_base` lines into the file into a diagnostic.
/// The YAML reader gives the exact place (the value, key or mapping at fault),
/// so the caret goes there and covers the token that starts there.
pub fn yaml_diag(s: &Sources, file: FileId, line_base: usize, e: &YamlError) -> Diagnostic {
    let f = s.get(file);
    let rule = classify(&e.message);
    let line_idx = (line_base + e.line.max(1) - 1).min(f.line_count().saturating_sub(1));
    let line = f.line(line_idx);
    let col_byte = line
        .char_indices()
        .nth(e.column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    // Older messages carry a field path prefix ("usage.domain: ").
    let raw = match e.message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && !path.contains('`') => rest,
        _ => e.message.as_str(),
    };
    let words = backticked(raw);
    let rest = &line[col_byte..];
    let token_len = words
        .first()
        .filter(|w| !w.is_empty() && rest.starts_with(**w))
        .map(|w| w.len())
        .unwrap_or_else(|| {
            rest.find(|c: char| c.is_whitespace() || c == ':' || c == ',')
                .unwrap_or(rest.len())
        });
    let span = Span {
        file,
        offset: f.line_start(line_idx) + col_byte,
        len: token_len.max(1),
    };
    let typed = e.field.as_deref().and_then(|field| type_error(field, raw));
    let message = match &typed {
        Some((message, _)) => message.clone(),
        None => match raw.find(", expected") {
            Some(i) => raw[..i].to_string(),
            None => raw.to_string(),
        },
    };
    let help = e
        .help
        .clone()
        .or(typed.map(|t| t.1))
        .or_else(|| yaml_help(rule, &words));
    s.diag(rule, span, message).help_opt(help)
}

fn yaml_help(rule: &'static Rule, words: &[&str]) -> Option<String> {
    let (wanted, allowed) = match words.split_first() {
        Some((w, rest)) => (*w, rest),
        None => ("", &[][..]),
    };
    if std::ptr::eq(rule, &rule::UNKNOWN_FIELD)
        || std::ptr::eq(rule, &rule::INVALID_VALUE) && !allowed.is_empty()
    {
        let list = allowed
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Some(match did_you_mean(wanted, allowed.iter().copied()) {
            Some(m) => format!("did you mean `{m}`? allowed: {list}"),
            None => format!("allowed: {list}"),
        });
    }
    if std::ptr::eq(rule, &rule::MISSING_FIELD) {
        return Some(format!("add `{wanted}: ...` to this entry"));
    }
    if std::ptr::eq(rule, &rule::INVALID_DATE) {
        return Some("dates are written YYYY-MM-DD, e.g. 2026-09-30".into());
    }
    if std::ptr::eq(rule, &rule::INVALID_PERIOD) {
        return Some(
            "write a number and a unit: `90 days`, `6 weeks`, `3 months`, `1 year`".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::SourceFile;

    fn one(text: &str) -> (Sources, FileId) {
        let mut s = Sources::default();
        let id = s.add(SourceFile::new(
            "content/registers/evidence.yaml".into(),
            "x".into(),
            text.into(),
        ));
        (s, id)
    }

    #[test]
    fn reports_unknown_field_in_second_item_with_suggestion() {
        let text = "- id: a\n  title: A\n  kind: url\n  location: https://x\n- id: b\n  title: B\n  kind: url\n  locaton: https://y\n";
        let (s, f) = one(text);
        let mut d = Vec::new();
        let items: Vec<Item<EvidenceEntry>> = parse_list(&s, f, &mut d);
        assert_eq!(items.len(), 1);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule.name, "unknown-field");
        assert_eq!((d[0].line, d[0].column), (8, 3));
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `location`"));
    }

    #[test]
    fn reports_invalid_enum_with_allowed_values() {
        let (s, f) = one("- id: a\n  title: A\n  kind: pdf\n  location: x\n");
        let mut d = Vec::new();
        let _: Vec<Item<EvidenceEntry>> = parse_list(&s, f, &mut d);
        assert_eq!(d[0].rule.name, "invalid-value");
        assert_eq!((d[0].line, d[0].column), (3, 9));
        assert!(d[0].help.as_deref().unwrap().contains("`file`"));
    }

    #[test]
    fn reports_bad_date_at_its_value() {
        let (s, f) =
            one("- id: a\n  title: A\n  kind: url\n  location: x\n  collected: 2026-13-01\n");
        let mut d = Vec::new();
        let _: Vec<Item<EvidenceEntry>> = parse_list(&s, f, &mut d);
        assert_eq!(d[0].rule.name, "invalid-date");
        assert_eq!(d[0].line, 5);
    }
}
