//! `:::edition` passages: marked before parsing, located by byte range.
//!
//! The pre-pass only proposes markers: a line whose text starts with `:::`,
//! outside the code blocks pulldown-cmark itself finds, becomes a marker
//! comment. Whether the renderer really treats it as a passage boundary (a
//! top-level HTML block of its own) is then checked on the parse that renders
//! (see `collect.rs`), so the two can never disagree silently.

mod code;

use super::{BlockError, CLOSE, OPEN};
use code::{CodeScan, Scanned};
use std::ops::Range;

/// A passage in the marked text: byte range and edition level.
pub(super) type Passage = (usize, usize, u8);

/// A marker line the pre-pass replaced with a comment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Marker {
    /// Offset of the comment in the marked text.
    pub marked: usize,
    /// Length of the `:::` text it replaced.
    pub len: usize,
}

/// What the pre-pass found: the marked text, its passages (sorted, disjoint),
/// the markers it placed and the marked-text ranges of the `:::` lines it
/// already reported as errors.
pub(super) struct Marked {
    pub text: String,
    pub passages: Vec<Passage>,
    pub markers: Vec<Marker>,
    pub reported: Vec<Range<usize>>,
}

/// True for a line that is a passage marker but for the number of colons:
/// two, or four and more, alone or before an edition name.
fn miscounted_marker(t: &str, editions: &[String]) -> bool {
    let colons = t.chars().take_while(|c| *c == ':').count();
    let rest = t[colons..].trim();
    let alone = colons >= 2
        && colons != 3
        && (rest.is_empty() || editions.iter().any(|e| e.eq_ignore_ascii_case(rest)));
    // YAML folding joins a marker and the text around it into one line
    // (`::customer > secret …`): a word that is a miscounted marker before
    // an edition name is one wherever it stands.
    alone || t.split_whitespace().any(|w| miscounted_word(w, editions))
}

/// Characters that look like `:` but are not: a CJK input method types the
/// full-width colon, and word processors offer the others.
const LOOKALIKE_COLONS: [char; 4] = ['\u{FF1A}', '\u{FE55}', '\u{2236}', '\u{A789}'];

/// True for `:` and the characters that look like it.
fn colon_like(c: char) -> bool {
    c == ':' || LOOKALIKE_COLONS.contains(&c)
}

/// The byte offset of the first run of three colons in `t`, ASCII or
/// look-alike (`:::`, `：：：`): text the renderer would print that reads as
/// a passage marker.
pub(super) fn colon_run(t: &str) -> Option<usize> {
    if t.is_ascii() {
        return t.find(":::");
    }
    let mut run = 0;
    let mut start = 0;
    for (i, c) in t.char_indices() {
        if !colon_like(c) {
            run = 0;
            continue;
        }
        if run == 0 {
            start = i;
        }
        run += 1;
        if run == 3 {
            return Some(start);
        }
    }
    None
}

/// True for a line that would be a passage marker if its colons were ASCII
/// (`：：：internal`, `：：：`): as text it would publish the passage the
/// author meant to hide.
fn lookalike_marker(t: &str, editions: &[String]) -> bool {
    let lead: &str = t.split(|c: char| !colon_like(c)).next().unwrap_or("");
    let rest = t[lead.len()..].trim();
    lead.chars().count() >= 2
        && lead.chars().any(|c| c != ':')
        && (rest.is_empty() || editions.iter().any(|e| e.eq_ignore_ascii_case(rest)))
}

/// `::name` or `::::name` as one word, `name` an edition.
fn miscounted_word(w: &str, editions: &[String]) -> bool {
    let colons = w.chars().take_while(|c| *c == ':').count();
    let name = &w[colons..];
    colons >= 2 && colons != 3 && editions.iter().any(|e| e.eq_ignore_ascii_case(name))
}

/// True when a line holds something that reads as a passage marker anywhere
/// in it (`:::` alone or before an edition name; after `> ` or joined by YAML
/// folding, say): inside a fence that is never closed it would be published.
fn has_marker(t: &str, editions: &[String]) -> bool {
    marker_kind(t, editions).is_some()
}

/// What the first thing in a line that reads as a passage marker does:
/// `Some(true)` opens a passage (`:::name`, `name` an edition in any case),
/// `Some(false)` closes one (`:::` alone); `None` when nothing reads as a
/// marker. Code is read conservatively: `:::Internal` is a marker there,
/// though outside code it is an unknown edition.
fn marker_kind(t: &str, editions: &[String]) -> Option<bool> {
    t.match_indices(":::").find_map(|(i, _)| {
        let rest = &t[i + 3..];
        let name: &str = rest
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .next()
            .unwrap_or("");
        if name.is_empty() && !rest.starts_with(':') {
            Some(false)
        } else if editions.iter().any(|e| e.eq_ignore_ascii_case(name)) {
            Some(true)
        } else {
            None
        }
    })
}

/// A `:::` line found outside code.
struct MarkerLine<'a> {
    name: &'a str,
    /// Offset and length of the marker in the original text.
    at: usize,
    len: usize,
    /// The line without its line end, and its indentation.
    body: &'a str,
    indent: usize,
}

/// Marks one `:::` line: opens or closes a passage, or reports a misnested
/// or unknown one (left as text for the parse check).
fn mark_line(
    m: &mut Marked,
    open: &mut Option<(usize, usize)>,
    open_at: &mut Option<(usize, u8)>,
    editions: &[String],
    errors: &mut Vec<BlockError>,
    line: MarkerLine<'_>,
) {
    let MarkerLine {
        name,
        at,
        len,
        body,
        indent,
    } = line;
    let line_start = m.text.len();
    if name.is_empty() {
        if open.take().is_none() {
            errors.push(BlockError::Misnested { offset: at, len });
        }
        m.text.push_str(&body[..indent]);
        m.markers.push(Marker {
            marked: m.text.len(),
            len,
        });
        m.text.push_str(CLOSE);
        if let Some((from, level)) = open_at.take() {
            m.passages.push((from, m.text.len(), level));
        }
    } else if open.is_some() {
        errors.push(BlockError::Misnested { offset: at, len });
        // Conservative: the open passage takes the higher of the two levels.
        if let (Some(l), Some(o)) = (editions.iter().position(|e| e == name), open_at.as_mut()) {
            o.1 = o.1.max(l as u8);
        }
        m.text.push_str(body);
        m.reported.push(line_start..m.text.len());
    } else if let Some(level) = editions.iter().position(|e| e == name) {
        *open = Some((at, len));
        *open_at = Some((line_start, level as u8));
        m.text.push_str(&body[..indent]);
        m.markers.push(Marker {
            marked: m.text.len(),
            len,
        });
        m.text.push_str(&format!("{OPEN}{level}-->"));
    } else {
        errors.push(BlockError::UnknownEdition {
            offset: at,
            len,
            name: name.to_string(),
        });
        m.text.push_str(body);
        m.reported.push(line_start..m.text.len());
    }
}

/// Replaces `:::edition` / `:::` lines (outside code blocks) with marker
/// comments of the same line count and indentation, so that byte offsets
/// before them and line numbers stay.
pub(super) fn mark_passages(
    text: &str,
    editions: &[String],
    errors: &mut Vec<BlockError>,
) -> Marked {
    let before = errors.len();
    let mut m = Marked {
        text: String::with_capacity(text.len() + 64),
        passages: Vec::new(),
        markers: Vec::new(),
        reported: Vec::new(),
    };
    let mut scan = CodeScan::new(text);
    let mut open: Option<(usize, usize)> = None;
    let mut open_at: Option<(usize, u8)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim();
        let start = offset;
        offset += line.len();
        let indent = body.len() - body.trim_start().len();
        let Scanned { in_code, lookalike } = scan.line(start, body, editions, errors);
        // `:::name` and more on one line (a YAML folded scalar, say) is no
        // marker: left as text, the parse check reports it as misplaced.
        let marker = t
            .strip_prefix(":::")
            .filter(|n| !in_code && !n.trim().contains(char::is_whitespace));
        let Some(name) = marker else {
            let line_start = m.text.len();
            m.text.push_str(line);
            // Reported here: the parse check need not report its colons again.
            if lookalike {
                m.reported.push(line_start..m.text.len());
            }
            continue;
        };
        let name = name.trim();
        let (at, len) = (start + indent, t.len());
        let nl = &line[body.len()..];
        let line = MarkerLine {
            name,
            at,
            len,
            body,
            indent,
        };
        mark_line(&mut m, &mut open, &mut open_at, editions, errors, line);
        m.text.push_str(nl);
    }
    if let Some((offset, len)) = open {
        errors.push(BlockError::Unterminated { offset, len });
    }
    if let Some((from, level)) = open_at {
        m.passages.push((from, m.text.len(), level));
    }
    one_misplaced_per_marker(errors, before);
    m
}

/// Several rules may find one marker misplaced (two code blocks holding a
/// passage's ends after a fence left open, say): the first reason given for
/// a marker is kept, so each is reported once.
fn one_misplaced_per_marker(errors: &mut Vec<BlockError>, from: usize) {
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    errors.retain(|e| {
        i += 1;
        match e {
            BlockError::Misplaced { offset, .. } if i > from => seen.insert(*offset),
            _ => true,
        }
    });
}

/// Highest passage level overlapping `range` (leaf events: any overlap hides).
/// Passages are sorted and disjoint: a binary search, then the few passages
/// the range spans.
pub(super) fn overlap_level(passages: &[Passage], range: &Range<usize>) -> u8 {
    let end = range.end.max(range.start + 1);
    let first = passages.partition_point(|p| p.1 <= range.start);
    passages[first..]
        .iter()
        .take_while(|p| p.0 < end)
        .map(|p| p.2)
        .max()
        .unwrap_or(0)
}

/// Level of the passage containing `offset` (container tags: structure only).
pub(super) fn start_level(passages: &[Passage], offset: usize) -> u8 {
    let i = passages.partition_point(|p| p.0 <= offset);
    match i.checked_sub(1).map(|i| passages[i]) {
        Some((_, b, level)) if offset < b => level,
        _ => 0,
    }
}

/// Maps offsets of the marked text back to the original text (same line,
/// same column), in O(log n) each: a page with a hundred thousand links maps
/// them all in one pass's time.
pub(super) struct OffsetMap {
    /// Line starts of the marked and of the clean text, when they differ.
    lines: Option<(Vec<usize>, Vec<usize>)>,
    /// Clean-text offsets of the U+FFFD that stand for a NUL of the original.
    nuls: Vec<usize>,
    clean_len: usize,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl OffsetMap {
    pub fn new(original: &str, clean: &str, marked: &str) -> Self {
        let lines = (marked != clean).then(|| (line_starts(marked), line_starts(clean)));
        let nuls = if clean.len() == original.len() {
            Vec::new()
        } else {
            // The k-th NUL sits 2k bytes further on in the clean text.
            (original.match_indices('\0').enumerate())
                .map(|(k, (i, _))| i + 2 * k)
                .collect()
        };
        OffsetMap {
            lines,
            nuls,
            clean_len: clean.len(),
        }
    }

    /// The clean-text offset of a marked-text offset.
    fn to_clean(&self, offset: usize) -> usize {
        let Some((marked, clean)) = &self.lines else {
            return offset;
        };
        let line = marked.partition_point(|s| *s <= offset).saturating_sub(1);
        let start = clean.get(line).copied().unwrap_or(self.clean_len);
        let end = clean.get(line + 1).copied().unwrap_or(self.clean_len);
        (start + (offset - marked[line])).min(end)
    }

    /// The original offset of a clean-text offset (a NUL became three bytes).
    pub fn clean_to_original(&self, offset: usize) -> usize {
        let k = self.nuls.partition_point(|p| *p < offset);
        match k.checked_sub(1).map(|j| self.nuls[j]) {
            // Inside a U+FFFD: the NUL it replaced.
            Some(p) if offset < p + 3 => p - 2 * (k - 1),
            _ => offset - 2 * k,
        }
    }

    /// The original offset of a marked-text offset.
    pub fn to_original(&self, offset: usize) -> usize {
        self.clean_to_original(self.to_clean(offset))
    }
}
