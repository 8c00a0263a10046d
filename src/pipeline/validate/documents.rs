//! Document checks: clauses, review dates, passage markers and vague language.

use crate::core::catalogue;
use crate::core::diagnostics::{did_you_mean, rule, Diagnostic, Rule};
use crate::core::kinds::Kind;
use crate::core::source::{Span, WithHelp};
use crate::pipeline::markdown::BlockError;
use crate::pipeline::model::Site;

/// Phrases an auditor cannot test.
const VAGUE: &[&str] = &[
    "appropriate",
    "appropriately",
    "adequate",
    "adequately",
    "as needed",
    "as necessary",
    "where possible",
    "where practicable",
    "periodically",
    "regularly",
    "in a timely manner",
];

/// True when `text` holds a testable number: a figure followed by a unit of
/// time or quantity ("every 90 days", "within 24 hours", "95%").
fn states_a_frequency(text: &str) -> bool {
    const UNITS: &[&str] = &[
        "minute", "hour", "day", "week", "month", "quarter", "year", "time", "business", "working",
        "%", "percent",
    ];
    let lower = text.to_lowercase();
    let b = lower.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'.')
        {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                j += 1;
            }
            let rest = lower[j..].trim_start();
            if UNITS.iter().any(|u| rest.starts_with(u)) {
                return true;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    false
}

fn vague_language(
    site: &Site,
    doc: &crate::pipeline::model::Entity<crate::pipeline::parse::DocSource>,
    d: &mut Vec<Diagnostic>,
) {
    if !matches!(doc.kind, Kind::Policy | Kind::Scope)
        || doc
            .data
            .front
            .lint_allow
            .iter()
            .any(|r| r == "vague-language")
    {
        return;
    }
    let s = &site.sources;
    let mut offset = doc.data.body_offset;
    let mut in_code = false;
    for line in crate::pipeline::model::doc_body(s, doc).split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            in_code = !in_code;
        }
        if in_code {
            continue;
        }
        let lower = line.to_lowercase();
        for phrase in VAGUE {
            let mut from = 0;
            while let Some(p) = lower[from..].find(phrase).map(|p| p + from) {
                from = p + phrase.len();
                let before_ok = lower[..p]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                let after_ok = lower[from..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
                if !before_ok || !after_ok || lower.len() != line.len() {
                    continue;
                }
                let lo = p.saturating_sub(60);
                let hi = (from + 60).min(line.len());
                let window = line.get(lo..hi).unwrap_or(line);
                if states_a_frequency(window) {
                    continue;
                }
                let span = Span {
                    file: doc.loc.file,
                    offset: start + p,
                    len: phrase.len(),
                };
                d.push(
                    s.diag(&rule::VAGUE_LANGUAGE, span, format!("\"{}\" cannot be tested by an auditor", &line[p..from]))
                        .help("state who does what and how often (e.g. \"the Security Lead reviews access every 90 days\"), or add `lint_allow: [vague-language]`"),
                );
            }
        }
    }
}

/// The rule, message and hint of a passage problem, in a document body or a
/// register's Markdown field alike.
pub(super) fn block_diagnostic(e: &BlockError) -> (&'static Rule, String, &'static str) {
    match e {
        BlockError::Unterminated { .. } => (
            &rule::UNTERMINATED_BLOCK,
            "this passage is never closed".to_string(),
            "add a line holding only `:::` where the passage ends",
        ),
        BlockError::Misnested { .. } => (
            &rule::MISNESTED_BLOCK,
            "passage marker without a matching open passage, or inside another".to_string(),
            "passages do not nest: close the open one with `:::` first",
        ),
        BlockError::UnknownEdition { name, .. } => (
            &rule::UNKNOWN_EDITION,
            format!("no edition named `{name}`"),
            "use an edition from site.yaml, e.g. `:::internal` or `:::customer`",
        ),
        BlockError::Misplaced { place, .. } => (
            &rule::MISPLACED_PASSAGE_MARKER,
            format!("`:::` inside {place} is not a passage boundary: its text would be published as written"),
            "put `:::edition` and `:::` on lines of their own, outside any list, quote, table or HTML, with a blank line after HTML; close every code fence; in YAML use a literal block scalar, not `>`; write literal colons as code: `` `:::` ``",
        ),
        BlockError::HiddenDefinition { label, .. } => (
            &rule::HIDDEN_DEFINITION,
            format!("`{label}` is defined inside a passage that this link's editions cannot see"),
            "move the definition out of the passage, or the link into it",
        ),
        BlockError::HeadingIdClash { id, .. } => (
            &rule::HIDDEN_HEADING_ID,
            format!("this hidden heading would take the id `{id}` of a heading lower editions see"),
            "give it an explicit id, e.g. `## Title {#internal-title}`",
        ),
    }
}

pub(super) fn documents(site: &Site, d: &mut Vec<Diagnostic>) {
    super::registers::markdown_fields(site, d);
    use rayon::prelude::*;
    // Each document is checked on its own (its front matter and text), so
    // in parallel: a large project spends most of validation here.
    let found: Vec<Vec<Diagnostic>> = site
        .docs
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let mut d = Vec::new();
            document(site, i, doc, &mut d);
            document_dates(site, doc, &mut d);
            d
        })
        .collect();
    d.extend(found.into_iter().flatten());
}

fn document(
    site: &Site,
    i: usize,
    doc: &crate::pipeline::model::Entity<crate::pipeline::parse::DocSource>,
    d: &mut Vec<Diagnostic>,
) {
    let s = &site.sources;
    let cat = catalogue::get();
    {
        let f = &doc.data.front;
        for cl in &f.clauses {
            if cat.clause(cl).is_none() {
                let hint = clause_hint(cl, cat);
                d.push(
                    s.diag(
                        &rule::UNKNOWN_CLAUSE,
                        doc.loc.locate(s, &["clauses"], Some(cl)),
                        format!("`{cl}` is not an ISO/IEC 42001 clause"),
                    )
                    .help(hint),
                );
            }
        }
        if let Some(due) = f.review_due() {
            if due < site.today {
                d.push(
                    s.diag(
                        &rule::REVIEW_OVERDUE,
                        doc.loc.locate(s, &["approved"], None),
                        format!(
                            "{} `{}` was due for review on {due}",
                            doc.kind.name(),
                            doc.id
                        ),
                    )
                    .help("review the document and update `approved:` (and `version:`)"),
                );
            }
        }
        if let Some(md) = site.doc_md.get(i) {
            for e in &md.errors {
                let (r, msg, help) = block_diagnostic(e);
                let (off, len) = e.span();
                let span = Span {
                    file: doc.loc.file,
                    offset: doc.data.body_offset + off,
                    len,
                };
                d.push(s.diag(r, span, msg).help(help));
            }
        }
        vague_language(site, doc, d);
        malformed_lang(site, doc, d);
    }
}

/// W027: a `lang:` in front matter, or a `{lang=..}` on a heading line of the
/// body, that is not a language tag.
fn malformed_lang(
    site: &Site,
    doc: &crate::pipeline::model::Entity<crate::pipeline::parse::DocSource>,
    d: &mut Vec<Diagnostic>,
) {
    let s = &site.sources;
    let what = format!("{} `{}`", doc.kind.name(), doc.id);
    if let Some(lang) = doc.data.front.lang.as_deref() {
        if !crate::pipeline::markdown::is_lang_tag(lang) {
            let span = doc.loc.locate(s, &["lang"], None);
            d.push(
                s.diag(
                    &rule::MALFORMED_LANG,
                    span,
                    format!("{what}: `lang: {lang}` is not a language tag"),
                )
                .help("write a language tag such as `de` or `fr-CA`"),
            );
        }
    }
    let text = s.get(doc.loc.file).text();
    let body = text.get(doc.data.body_offset..).unwrap_or("");
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        if !line.trim_start().starts_with('#') {
            continue;
        }
        let Some(p) = line.find("lang=") else {
            continue;
        };
        let value: String = line[p + 5..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| !matches!(c, '}' | ' ' | '"' | '\''))
            .collect();
        if !crate::pipeline::markdown::is_lang_tag(&value) {
            let span = Span {
                file: doc.loc.file,
                offset: doc.data.body_offset + at + p,
                len: 5 + value.len(),
            };
            d.push(
                s.diag(
                    &rule::MALFORMED_LANG,
                    span,
                    format!("{what}: `lang={value}` is not a language tag"),
                )
                .help("write a language tag such as `de` or `fr-CA`"),
            );
        }
    }
}

/// A document's `approved` date may not lie after today, nor its review
/// period exceed three years (see `registers::future_date`).
fn document_dates(
    site: &Site,
    doc: &crate::pipeline::model::Entity<crate::pipeline::parse::DocSource>,
    d: &mut Vec<Diagnostic>,
) {
    let s = &site.sources;
    let f = &doc.data.front;
    let what = format!("{} `{}`", doc.kind.name(), doc.id);
    super::registers::future_date(s, &doc.loc, "approved", f.approved, site.today, &what, d);
    super::registers::long_review_period(s, &doc.loc, f.review_every, &what, d);
}

/// The hint for a `clauses:` entry that is not a clause: an Annex A control
/// id belongs in `controls:` (a did-you-mean towards a clause number would
/// silently change what the document claims); otherwise the closest clause.
fn clause_hint(cl: &str, cat: &catalogue::Catalogue) -> String {
    if cl.starts_with("A.") || cat.control(cl).is_some() {
        return format!(
            "`{cl}` is an Annex A control: move it to `controls:` (`clauses:` lists ISO/IEC 42001 clauses 4 to 10)"
        );
    }
    did_you_mean(cl, cat.clauses.iter().map(|c| c.id.as_str())).map_or(
        "clauses run from 4 to 10.2, e.g. \"5.2\" or \"6.1.4\"".to_string(),
        |m| format!("did you mean \"{m}\"?"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_units_make_language_testable() {
        assert!(states_a_frequency("reviewed every 90 days"));
        assert!(states_a_frequency("within 24 hours"));
        assert!(!states_a_frequency("see control A.2.9 regularly"));
        assert!(!states_a_frequency("version 2 is reviewed regularly"));
    }
}
