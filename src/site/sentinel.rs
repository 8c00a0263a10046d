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

mod hashes;
use hashes::HashSetSorted;

/// How many consecutive words make a run the sentinel looks for.
pub const WINDOW: usize = 8;

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
    /// Hashes of the hidden runs, sorted: 8 bytes a run, so a large project
    /// costs little memory; where a run came from is found only on a hit.
    hidden: HashSetSorted,
    /// Word pairs within one visible line, and the words that start or end
    /// a visible line; built on the first match only.
    pieces: OnceLock<Pieces>,
}

/// What visible text is made of, to tell hidden prose from visible values
/// side by side (a table row restating a title, a description and a tier).
#[derive(Default)]
struct Pieces {
    pairs: HashSet<(u64, u64)>,
    starts: HashSet<u64>,
    ends: HashSet<u64>,
}

impl Pieces {
    fn add(&mut self, text: &str) {
        for line in text.lines() {
            let mut prev: Option<u64> = None;
            words(line, false, |w, _| {
                match prev {
                    Some(p) => {
                        self.pairs.insert((p, w));
                    }
                    None => {
                        self.starts.insert(w);
                    }
                }
                prev = Some(w);
            });
            if let Some(p) = prev {
                self.ends.insert(p);
            }
        }
    }

    /// True when every pair of neighbouring words in `ws` stands side by
    /// side in a visible line, or one ends a visible line and the next starts
    /// one: the run reads as visible values placed next to each other.
    fn explain(&self, ws: &[u64; WINDOW]) -> bool {
        ws.windows(2).all(|p| {
            self.pairs.contains(&(p[0], p[1]))
                || (self.ends.contains(&p[0]) && self.starts.contains(&p[1]))
        })
    }
}

/// Calls `f` with the hash and byte range of every word of `text`.
/// `markup`: skip `<…>` tags and `&…;` references (HTML, XML).
fn words(text: &str, markup: bool, mut f: impl FnMut(u64, (usize, usize))) {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    let mix = |h: u64, c: u64| (h ^ c).wrapping_mul(0x100_0000_01b3);
    let bytes = text.as_bytes();
    let mut word: Option<(u64, usize)> = None;
    let (mut in_tag, mut in_ref, mut escape) = (false, false, false);
    let mut i = 0;
    while i < bytes.len() {
        // ASCII, the bulk of any output, without decoding UTF-8.
        let (ch, len) = match bytes[i] {
            b if b < 0x80 => (b as char, 1),
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                (c, c.len_utf8())
            }
        };
        if !in_tag && !in_ref && !escape && ch.is_alphanumeric() {
            let (wh, _) = word.get_or_insert((SEED, i));
            if len == 1 {
                *wh = mix(*wh, ch.to_ascii_lowercase() as u64);
            } else {
                for lc in ch.to_lowercase() {
                    *wh = mix(*wh, lc as u64);
                }
            }
            i += len;
            continue;
        }
        if let Some((wh, start)) = word.take() {
            f(wh, (start, i));
        }
        i += len;
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

/// Calls `f` with the hash and byte range of every run of [`WINDOW`]
/// consecutive words in `text`, and a way to get the run's word hashes
/// (asked for only on a hit).
fn windows(
    text: &str,
    markup: bool,
    mut f: impl FnMut(u64, (usize, usize), &dyn Fn() -> [u64; WINDOW]),
) {
    let mut ring = [(0u64, 0usize); WINDOW];
    let mut n = 0usize;
    let mut h = 0u64;
    let top = P.wrapping_pow(WINDOW as u32);
    words(text, markup, |w, span| {
        let old = ring[n % WINDOW].0;
        ring[n % WINDOW] = (w, span.0);
        h = h.wrapping_mul(P).wrapping_add(w);
        if n >= WINDOW {
            h = h.wrapping_sub(old.wrapping_mul(top));
        }
        n += 1;
        if n >= WINDOW {
            let at = n;
            let ws = || std::array::from_fn(|k| ring[(at + k) % WINDOW].0);
            f(h, (ring[n % WINDOW].1, span.1), &ws);
        }
    });
}

/// The hashes of every run in `text`.
fn runs(text: &str, out: &mut Vec<u64>) {
    windows(text, false, |h, _, _| out.push(h));
}

/// The text of a register entry as written (its YAML lines).
fn entry_text<'s>(
    site: &'s Site,
    kind: Kind,
    id: &str,
) -> Option<(FileId, usize, std::borrow::Cow<'s, str>)> {
    let loc = site.loc(kind, id)?;
    let f = site.sources.get(loc.file);
    let start = f.line_start(loc.lines.start);
    let end = f.line_start(loc.lines.end).max(start);
    Some((loc.file, start, f.slice(start, end)?))
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

/// A piece of text and the lowest edition that may see it.
struct Piece<'s> {
    text: std::borrow::Cow<'s, str>,
    level: usize,
    origin: Origin,
}

/// `text` without any `:::` passage (their text reaches the sentinel through
/// the parsed Markdown, each at its own level); a YAML block scalar keeps a
/// passage's lines as written.
fn outside_passages(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut hiding = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with(":::") {
            hiding = t.len() > 3;
            continue;
        }
        if !hiding {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Every piece of text the site publishes somewhere, with its level: the
/// documents (front matter and Markdown, passage by passage), the register
/// entries (plain fields, and Markdown fields passage by passage), the
/// catalogue, `site.yaml` and the caller's own text (level 0).
fn pieces<'s>(site: &'s Site, also_visible: &'s [&'s str]) -> Vec<Piece<'s>> {
    let mut out = Vec::new();
    for (d, md) in site.docs.iter().zip(&site.doc_md) {
        let origin = Origin {
            file: d.loc.file,
            from: 0,
        };
        let f = site.sources.get(d.loc.file);
        let text = f.text();
        let front = &text[..d.data.body_offset.min(text.len())];
        out.push(Piece {
            text: without_keys(front).into_owned().into(),
            level: d.level,
            origin,
        });
        for (lvl, text) in md.text_by_level() {
            out.push(Piece {
                text: text.into(),
                level: d.level.max(lvl),
                origin,
            });
        }
    }
    entry_pieces(site, &mut out);
    public_pieces(site, also_visible, &mut out);
    out
}

/// The register entries' pieces: plain fields at the entry's level, Markdown
/// fields passage by passage.
fn entry_pieces<'s>(site: &'s Site, out: &mut Vec<Piece<'s>>) {
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
    all.extend(site.records.heads().iter().map(|h| (h.kind, h.id, h.level)));
    let mut fields: HashMap<(Kind, &str), Vec<&Arc<Parsed>>> = HashMap::new();
    for ((k, id, _), md) in &site.field_md {
        fields.entry((*k, id.as_str())).or_default().push(md);
    }
    for (kind, id, level) in all {
        let Some((file, from, text)) = entry_text(site, kind, id) else {
            continue;
        };
        let origin = Origin { file, from };
        let plain = without_keys(&outside_passages(&text)).into_owned();
        out.push(Piece {
            text: plain.into(),
            level,
            origin,
        });
        for md in fields.get(&(kind, id)).into_iter().flatten() {
            for (lvl, text) in md.text_by_level() {
                out.push(Piece {
                    text: text.into(),
                    level: level.max(lvl),
                    origin,
                });
            }
        }
    }
}

/// Text every edition may see: the catalogue, `site.yaml`, the caller's own.
fn public_pieces<'s>(site: &'s Site, also_visible: &'s [&'s str], out: &mut Vec<Piece<'s>>) {
    let none = Origin { file: 0, from: 0 };
    let cat = crate::core::catalogue::get();
    let mut public: Vec<String> = cat
        .controls
        .iter()
        .chain(&cat.clauses)
        .chain(&cat.objectives)
        .chain(&cat.groups)
        .map(|e| format!("{} {}", e.id, e.title))
        .collect();
    public.extend(cat.ai_act_titles.iter().map(|(id, t)| format!("{id} {t}")));
    if let Some(f) = site.sources.files.get(site.config_loc.file) {
        public.push(without_keys(&f.text()).into_owned());
    }
    public.extend(also_visible.iter().map(|t| t.to_string()));
    out.extend(public.into_iter().map(|t| Piece {
        text: t.into(),
        level: 0,
        origin: none,
    }));
}

/// Every run of the site with the lowest edition that may see it, sorted
/// by hash: computed once per build and shared by the lower editions. The
/// level sits in the low [`LEVEL_BITS`] bits of each entry, so a run costs
/// 8 bytes.
pub struct Runs(Vec<u64>);

/// Bits of a run's entry that hold its level (editions beyond 7 count as 7).
const LEVEL_BITS: u32 = 3;
const LEVEL_MASK: u64 = (1 << LEVEL_BITS) - 1;

impl Runs {
    /// The runs of `site` (and of `also_visible`, at level 0) that some
    /// edition may not see: those of hidden pieces (level above 0) that no
    /// level-0 piece also holds. A run every edition sees can never be
    /// hidden from one, so it is not kept: memory and time follow the hidden
    /// text, and a site with nothing hidden keeps no run at all.
    pub fn of(site: &Site, also_visible: &[&str]) -> Runs {
        use rayon::prelude::*;
        let pieces = pieces(site, also_visible);
        let level = |l: usize| (l as u64).min(LEVEL_MASK);
        let mut v: Vec<u64> = pieces
            .par_iter()
            .filter(|p| p.level > 0)
            .flat_map_iter(|p| {
                let mut hs = Vec::new();
                runs(&p.text, &mut hs);
                hs.into_iter()
                    .map(move |h| (h & !LEVEL_MASK) | level(p.level))
            })
            .collect();
        if v.is_empty() {
            return Runs(v);
        }
        v.par_sort_unstable();
        // Sorted by hash, then level: the first of each hash is its lowest level.
        v.dedup_by_key(|e| *e & !LEVEL_MASK);
        let hidden = HashSetSorted::new(v.iter().map(|e| e & !LEVEL_MASK).collect());
        let mut seen: Vec<u64> = pieces
            .par_iter()
            .filter(|p| p.level == 0)
            .flat_map_iter(|p| {
                let mut hs = Vec::new();
                windows(&p.text, false, |h, _, _| {
                    let h = h & !LEVEL_MASK;
                    if hidden.contains(h) {
                        hs.push(h);
                    }
                });
                hs
            })
            .collect();
        seen.par_sort_unstable();
        seen.dedup();
        v.retain(|e| seen.binary_search(&(e & !LEVEL_MASK)).is_err());
        Runs(v)
    }
}

impl<'s> Sentinel<'s> {
    /// The hidden runs of edition `ed`: runs that only editions above it
    /// may see. A run that also occurs in what `ed` sees, or in
    /// `also_visible` (text the caller publishes with it), is not hidden.
    pub fn new(site: &'s Site, ed: usize, also_visible: &[&str]) -> Sentinel<'s> {
        Sentinel::of_runs(site, ed, &Runs::of(site, also_visible), also_visible)
    }

    /// [`Sentinel::new`] from runs computed once for every edition.
    pub fn of_runs(site: &'s Site, ed: usize, runs: &Runs, also_visible: &[&str]) -> Sentinel<'s> {
        let top = (ed as u64).min(LEVEL_MASK);
        let hidden: Vec<u64> = runs
            .0
            .iter()
            .filter(|e| *e & LEVEL_MASK > top)
            .map(|e| e & !LEVEL_MASK)
            .collect();
        Sentinel {
            site,
            ed,
            also_visible: also_visible.iter().map(|s| s.to_string()).collect(),
            hidden: HashSetSorted::new(hidden),
            pieces: OnceLock::new(),
        }
    }

    /// True when the edition hides nothing long enough to look for.
    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty()
    }

    /// The pieces of what edition `ed` sees (built on the first hit only).
    fn pieces(&self) -> &Pieces {
        self.pieces.get_or_init(|| {
            let extra: Vec<&str> = self.also_visible.iter().map(String::as_str).collect();
            let mut p = Pieces::default();
            for piece in pieces(self.site, &extra)
                .iter()
                .filter(|p| p.level <= self.ed)
            {
                p.add(&piece.text);
            }
            p
        })
    }

    /// Where the hidden run `h` is written (found again on a hit only).
    fn origin(&self, h: u64) -> Origin {
        let extra: Vec<&str> = self.also_visible.iter().map(String::as_str).collect();
        pieces(self.site, &extra)
            .iter()
            .filter(|p| p.level > self.ed)
            .find(|p| {
                let mut hit = false;
                windows(&p.text, false, |x, _, _| hit |= x & !LEVEL_MASK == h);
                hit
            })
            .map_or(Origin { file: 0, from: 0 }, |p| p.origin)
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
            // The set holds hashes without their level bits (see `Runs`).
            let masked = h & !LEVEL_MASK;
            if hit.is_none() && self.hidden.contains(masked) && !self.pieces().explain(&ws()) {
                hit = Some((masked, a, b));
            }
        });
        let (h, a, b) = hit?;
        Some(Hit {
            origin: self.origin(h),
            output: output.to_string(),
            run: text[a..b].to_string(),
        })
    }
}

/// Where the run of a hit starts in its hidden source: the first place after
/// the entity's start where the same words follow each other.
fn source_offset(site: &Site, hit: &Hit) -> usize {
    let f = site.sources.get(hit.origin.file);
    let mut want = Vec::new();
    words(&hit.run, true, |w, _| want.push(w));
    let mut found = Vec::new();
    let whole = f.text();
    let text = whole.get(hit.origin.from..).unwrap_or("");
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

    fn ws(text: &str) -> [u64; WINDOW] {
        let mut v = Vec::new();
        words(text, false, |w, _| v.push(w));
        v.try_into().unwrap()
    }

    #[test]
    fn a_run_of_visible_values_side_by_side_is_explained() {
        let mut p = Pieces::default();
        p.add(&without_keys(
            "  mode: human-out-of-the-loop\ntitle: AI assistant connector\ndescription: Lets a customer\n",
        ));
        assert!(p.explain(&ws("human out of the loop ai assistant connector")));
        assert!(p.explain(&ws("out of the loop ai assistant connector lets")));
        assert!(!p.explain(&ws("human out of the loop ai assistant secret")));
    }

    #[test]
    fn rolling_runs_match_runs_of_the_same_words_anywhere() {
        let mut a = Vec::new();
        runs("one two three four five six seven eight nine", &mut a);
        let mut b = Vec::new();
        windows(
            "<p>Two <b>three</b> four five six seven eight nine</p>",
            true,
            |h, _, _| b.push(h),
        );
        assert_eq!(a.len(), 2);
        assert_eq!(b, vec![a[1]]);
    }
}
