//! The leak sentinel: defence in depth behind editions-by-construction.
//!
//! Rendering never hands hidden text to a template (see `ARCHITECTURE.md`), so
//! the sentinel should never fire. It checks the bytes anyway: before a lower
//! edition is published, every output file is scanned for runs of [`WINDOW`]
//! words that occur only in content the edition may not see — a hidden passage
//! of a document or Markdown field, or any text of a hidden entity. Runs that
//! also occur in content the edition may see (or in text the caller names, such
//! as a questionnaire being answered) are left out, so quoting public text in a
//! hidden passage raises no alarm. A hit is an error naming the hidden source's
//! `file:line` and the output file, and the build publishes nothing.
//!
//! Words are runs of letters and digits, compared in lower case; markup (HTML
//! and XML tags and character references, backslash escapes) separates words,
//! so the same text matches whether it was written as Markdown or YAML and
//! published as HTML, XML, JSON, CSV or plain text.

use crate::core::diagnostics::{rule, Diagnostic};
use crate::core::kinds::Kind;
use crate::core::source::{FileId, Span, WithHelp};
use crate::pipeline::markdown::Parsed;
use crate::pipeline::model::Site;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// How many consecutive words make a run the sentinel looks for.
pub const WINDOW: usize = 8;

/// Tags of one-word pieces that start or end a visible line.
const LINE_START: u64 = 0x5bd1_e995_0000_0001;
const LINE_END: u64 = 0x5bd1_e995_0000_0002;

/// Multiplier of the rolling hash over word hashes.
const P: u64 = 0x100_0000_01b3;

/// Where hidden text was written: a file and the byte offset its entity or
/// document starts at (the exact line is found when reporting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    pub from: usize,
}

/// A hidden run of words found in an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub origin: Origin,
    /// The output file (root-relative path of the edition).
    pub output: String,
    /// The run as the output has it.
    pub run: String,
}

/// The hidden runs of one edition, and what it may see (to tell a run that
/// only restates visible facts side by side from hidden prose).
pub struct Sentinel<'s> {
    site: &'s Site,
    ed: usize,
    also_visible: Vec<String>,
    hidden: HashMap<u64, Origin>,
    /// Runs of 2 to [`WINDOW`] words within one visible line or value, and
    /// visible one-word values; built on the first match only.
    pieces: OnceLock<HashSet<u64>>,
}

/// Calls `f` with the hash and byte range of every word of `text`.
/// `markup`: skip `<…>` tags and `&…;` references (HTML, XML).
fn words(text: &str, markup: bool, mut f: impl FnMut(u64, (usize, usize))) {
    let mut word: Option<(u64, usize)> = None;
    let mut in_tag = false;
    let mut in_ref = false;
    let mut escape = false;
    for (i, ch) in text.char_indices() {
        if !in_tag && !in_ref && !escape && ch.is_alphanumeric() {
            let (wh, _) = word.get_or_insert((0xcbf2_9ce4_8422_2325, i));
            for lc in ch.to_lowercase() {
                *wh = (*wh ^ lc as u64).wrapping_mul(0x100_0000_01b3);
            }
            continue;
        }
        if let Some((wh, start)) = word.take() {
            f(wh, (start, i));
        }
        match ch {
            '<' if markup => in_tag = true,
            '>' if in_tag => in_tag = false,
            '&' if markup => in_ref = true,
            ';' if in_ref => in_ref = false,
            c if in_ref && !(c.is_ascii_alphanumeric() || c == '#') => in_ref = false,
            '\\' if !escape => {
                escape = true;
                continue;
            }
            _ => {}
        }
        escape = false;
    }
    if let Some((wh, start)) = word.take() {
        f(wh, (start, text.len()));
    }
}

/// Hash of a run of word hashes (polynomial, so a window can roll), salted
/// with its length so runs of different lengths never meet.
fn run_hash(ws: &[u64]) -> u64 {
    ws.iter()
        .fold(0u64, |h, w| h.wrapping_mul(P).wrapping_add(*w))
        .wrapping_add((ws.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// Calls `f` with the hash, the byte range and the word hashes of every run
/// of [`WINDOW`] consecutive words in `text`.
fn windows(text: &str, markup: bool, mut f: impl FnMut(u64, (usize, usize), &[u64; WINDOW])) {
    let mut ring = [(0u64, (0usize, 0usize)); WINDOW];
    let mut n = 0usize;
    words(text, markup, |w, span| {
        ring[n % WINDOW] = (w, span);
        n += 1;
        if n >= WINDOW {
            let ws: [u64; WINDOW] = std::array::from_fn(|k| ring[(n + k) % WINDOW].0);
            let first = ring[n % WINDOW].1 .0;
            f(run_hash(&ws), (first, span.1), &ws);
        }
    });
}

/// The hashes of every run in `text`.
fn runs(text: &str) -> Vec<u64> {
    let mut v = Vec::new();
    windows(text, false, |h, _, _| v.push(h));
    v
}

/// Adds the runs of 2 to [`WINDOW`] words of each line of `text` to `set`,
/// and a line's only word when it has one (a value like `limited`).
fn add_pieces(text: &str, set: &mut HashSet<u64>) {
    for line in text.lines() {
        let mut ws = Vec::new();
        words(line, false, |w, _| ws.push(w));
        if ws.len() == 1 {
            set.insert(run_hash(&ws));
        }
        if let (Some(first), Some(last)) = (ws.first(), ws.last()) {
            set.insert(run_hash(&[*first]) ^ LINE_START);
            set.insert(run_hash(&[*last]) ^ LINE_END);
        }
        for a in 0..ws.len() {
            for b in a + 2..=(a + WINDOW).min(ws.len()) {
                set.insert(run_hash(&ws[a..b]));
            }
        }
    }
}

/// True when `ws` reads as visible pieces side by side: each piece a run of
/// two or more words within one visible line, or a whole one-word value.
fn explained(ws: &[u64; WINDOW], pieces: &HashSet<u64>) -> bool {
    let mut ok = [false; WINDOW + 1];
    ok[0] = true;
    // A window may start inside a line and end inside another: its first
    // word may end a visible line, and its last word may start one.
    let piece = |start: usize, end: usize| {
        let h = run_hash(&ws[start..end]);
        pieces.contains(&h)
            || (end - start == 1 && start == 0 && pieces.contains(&(h ^ LINE_END)))
            || (end - start == 1 && end == WINDOW && pieces.contains(&(h ^ LINE_START)))
    };
    for end in 1..=WINDOW {
        ok[end] = (0..end).any(|start| ok[start] && piece(start, end));
    }
    ok[WINDOW]
}

/// The text of a register entry as written (its YAML lines).
fn entry_text<'s>(site: &'s Site, kind: Kind, id: &str) -> Option<(FileId, usize, &'s str)> {
    let loc = site.loc(kind, id)?;
    let f = site.sources.get(loc.file);
    let start = f.line_start(loc.lines.start);
    let end = f.line_start(loc.lines.end).max(start);
    Some((loc.file, start, f.text.get(start..end)?))
}

/// YAML text without its keys (`- title:`, `  owner:`), so that the values of
/// neighbouring fields read on as pages show them (a title, then its
/// description), and runs across them count as written.
fn without_keys(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(':') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start().trim_start_matches("- ");
        let key_len = t
            .find(':')
            .filter(|&i| {
                i > 0
                    && t[..i]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
            .filter(|&i| t[i + 1..].is_empty() || t[i + 1..].starts_with(' '));
        out.push_str(match key_len {
            Some(i) => &t[i + 1..],
            None => line,
        });
        out.push('\n');
    }
    out.into()
}

/// What one edition may and may not see, as runs of words.
struct Collect<'s> {
    site: &'s Site,
    ed: usize,
    hidden: HashMap<u64, Origin>,
    visible: HashSet<u64>,
    /// When set, also the visible pieces (see [`add_pieces`]).
    pieces: Option<HashSet<u64>>,
}

impl<'s> Collect<'s> {
    fn new(site: &'s Site, ed: usize, pieces: Option<HashSet<u64>>) -> Self {
        Collect {
            site,
            ed,
            hidden: HashMap::new(),
            visible: HashSet::new(),
            pieces,
        }
    }

    /// Everything: documents, register entries, the catalogue, `site.yaml`
    /// and the caller's own visible text.
    fn all(&mut self, also_visible: &[&str]) {
        self.documents();
        self.entries();
        let none = Origin { file: 0, from: 0 };
        let cat = crate::core::catalogue::get();
        for e in cat
            .controls
            .iter()
            .chain(&cat.clauses)
            .chain(&cat.objectives)
            .chain(&cat.groups)
        {
            self.text(&format!("{} {}", e.id, e.title), false, none);
        }
        for (id, title) in &cat.ai_act_titles {
            self.text(&format!("{id} {title}"), false, none);
        }
        let site = self.site;
        if let Some(f) = site.sources.files.get(site.config_loc.file) {
            self.text(&f.text, false, none);
        }
        for text in also_visible {
            self.text(text, false, none);
        }
    }

    /// `text` without the lines of passages above the edition (a YAML
    /// block scalar keeps a passage's lines as written).
    fn outside_passages(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut hiding = false;
        for line in text.lines() {
            let t = line.trim();
            if let Some(name) = t.strip_prefix(":::").filter(|n| !n.is_empty()) {
                let level = self.site.editions.iter().position(|e| e == name.trim());
                hiding = level.is_none_or(|l| l > self.ed);
                continue;
            }
            if t == ":::" {
                hiding = false;
                continue;
            }
            if !hiding {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    fn text(&mut self, text: &str, hidden: bool, origin: Origin) {
        let text = without_keys(text);
        if let (false, Some(p)) = (hidden, self.pieces.as_mut()) {
            add_pieces(&text, p);
        }
        for h in runs(&text) {
            if hidden {
                self.hidden.entry(h).or_insert(origin);
            } else {
                self.visible.insert(h);
            }
        }
    }

    /// Parsed Markdown of an entity at `level`: each piece is hidden when it
    /// or its entity is above the edition.
    fn markdown(&mut self, md: &Parsed, level: usize, origin: Origin) {
        for (lvl, piece) in md.text_by_level() {
            self.text(piece, level.max(lvl) > self.ed, origin);
        }
    }

    fn documents(&mut self) {
        let site = self.site;
        for (d, md) in site.docs.iter().zip(&site.doc_md) {
            let origin = Origin {
                file: d.loc.file,
                from: 0,
            };
            self.markdown(md, d.level, origin);
            // Front matter (title, summary, owner) is as visible as its document.
            let f = site.sources.get(d.loc.file);
            let front = &f.text[..d.data.body_offset.min(f.text.len())];
            self.text(front, d.level > self.ed, origin);
        }
    }

    /// Register entries: a hidden entry's whole text is hidden; a visible
    /// entry's Markdown fields contribute by passage.
    fn entries(&mut self) {
        let site = self.site;
        let mut all: Vec<(Kind, &str, usize)> = Vec::new();
        all.extend(
            site.controls
                .iter()
                .map(|e| (e.kind, e.id.as_str(), e.level)),
        );
        all.extend(
            site.evidence
                .iter()
                .map(|e| (e.kind, e.id.as_str(), e.level)),
        );
        all.extend(site.risks.iter().map(|e| (e.kind, e.id.as_str(), e.level)));
        all.extend(
            site.suppliers
                .iter()
                .map(|e| (e.kind, e.id.as_str(), e.level)),
        );
        all.extend(site.faq.iter().map(|e| (e.kind, e.id.as_str(), e.level)));
        all.extend(
            site.systems
                .iter()
                .map(|e| (e.kind, e.id.as_str(), e.level)),
        );
        let mut fields: HashMap<(Kind, &str), Vec<&Arc<Parsed>>> = HashMap::new();
        for ((k, id, _), md) in &site.field_md {
            fields.entry((*k, id.as_str())).or_default().push(md);
        }
        for (kind, id, level) in all {
            let Some((file, from, text)) = entry_text(site, kind, id) else {
                continue;
            };
            let origin = Origin { file, from };
            if level > self.ed {
                self.text(text, true, origin);
                continue;
            }
            // Plain fields (title, owner, dates) are as visible as the entry;
            // Markdown fields contribute passage by passage.
            self.text(&self.outside_passages(text), false, origin);
            for md in fields.get(&(kind, id)).into_iter().flatten() {
                self.markdown(md, level, origin);
            }
        }
    }
}

impl<'s> Sentinel<'s> {
    /// The hidden runs of edition `ed`, less those that also occur in what
    /// `ed` may see or in `also_visible` (text the caller publishes with it).
    pub fn new(site: &'s Site, ed: usize, also_visible: &[&str]) -> Sentinel<'s> {
        let mut c = Collect::new(site, ed, None);
        c.all(also_visible);
        let visible = c.visible;
        let mut hidden = c.hidden;
        hidden.retain(|h, _| !visible.contains(h));
        Sentinel {
            site,
            ed,
            also_visible: also_visible.iter().map(|s| s.to_string()).collect(),
            hidden,
            pieces: OnceLock::new(),
        }
    }

    /// True when the edition hides nothing long enough to look for.
    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty()
    }

    fn pieces(&self) -> &HashSet<u64> {
        self.pieces.get_or_init(|| {
            let mut c = Collect::new(self.site, self.ed, Some(HashSet::new()));
            let extra: Vec<&str> = self.also_visible.iter().map(String::as_str).collect();
            c.all(&extra);
            c.pieces.unwrap_or_default()
        })
    }

    /// The first hidden run in an output file, if any.
    pub fn scan(&self, output: &str, bytes: &[u8]) -> Option<Hit> {
        if self.hidden.is_empty() {
            return None;
        }
        let text = String::from_utf8_lossy(bytes);
        let markup = [".html", ".xml", ".svg"]
            .iter()
            .any(|e| output.ends_with(e));
        let mut hit = None;
        windows(&text, markup, |h, (a, b), ws| {
            if hit.is_some() {
                return;
            }
            if let Some(origin) = self.hidden.get(&h) {
                if !explained(ws, self.pieces()) {
                    hit = Some(Hit {
                        origin: *origin,
                        output: output.to_string(),
                        run: text[a..b].to_string(),
                    });
                }
            }
        });
        hit
    }
}

/// Where the run of a hit starts in its hidden source: the first place after
/// the entity's start where the same words follow each other.
fn source_offset(site: &Site, hit: &Hit) -> usize {
    let f = site.sources.get(hit.origin.file);
    let mut want = Vec::new();
    words(&hit.run, true, |w, _| want.push(w));
    let mut found = Vec::new();
    let text = f.text.get(hit.origin.from..).unwrap_or("");
    words(text, false, |w, span| found.push((w, span.0)));
    found
        .windows(want.len().max(1))
        .find(|win| win.iter().map(|(w, _)| *w).eq(want.iter().copied()))
        .map_or(hit.origin.from, |win| hit.origin.from + win[0].1)
}

/// The error for a hit in edition `edition`, at the hidden source's line.
pub fn diagnostic(site: &Site, edition: &str, hit: &Hit) -> Diagnostic {
    let offset = source_offset(site, hit);
    site.sources
        .diag(
            &rule::LEAK_SENTINEL,
            Span {
                file: hit.origin.file,
                offset,
                len: 1,
            },
            format!(
                "text hidden from the {edition} edition appears in its output file {}",
                hit.output
            ),
        )
        .help(
            "nothing was published. A custom template or a static file under themes/ may \
             carry hidden text: remove it; with the default theme this is a vouch defect, \
             please report it",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(text: &str) -> Vec<u64> {
        let mut v = Vec::new();
        words(text, false, |w, _| v.push(w));
        v
    }

    #[test]
    fn a_run_of_visible_values_side_by_side_is_explained() {
        let mut pieces = HashSet::new();
        add_pieces("  mode: human-out-of-the-loop\n", &mut HashSet::new());
        add_pieces(
            &without_keys("  mode: human-out-of-the-loop\ntitle: AI assistant connector\n"),
            &mut pieces,
        );
        let w: [u64; WINDOW] = ws("human out of the loop ai assistant connector")
            .try_into()
            .unwrap();
        assert!(explained(&w, &pieces));
        let w: [u64; WINDOW] = ws("human out of the loop ai assistant secret")
            .try_into()
            .unwrap();
        assert!(!explained(&w, &pieces));
    }
}
