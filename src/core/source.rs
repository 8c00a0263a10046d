//! Source files and positions: byte offset -> line:column, the source line for
//! a caret, and a small locator that finds where a YAML field or value sits.
//!
//! Entity fields are located in the text after parsing: every register item
//! keeps its line range and the locator searches inside it. This is exact for
//! block-style YAML, the style people write; the YAML module reports its own
//! errors at their positions.

use crate::core::diagnostics::{Diagnostic, Rule};
use crate::core::packed::Packed;
use std::borrow::Cow;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// One loaded text file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root, `/`-separated (used in diagnostics).
    pub rel: String,
    /// Absolute path on disk.
    pub path: PathBuf,
    /// The text; a Markdown document's is held LZ4-packed (see [`Self::packed`]).
    text: Packed,
    /// Hash of the text, computed once when the file is read: the dev
    /// server's caches key on it instead of hashing every file again on
    /// every save.
    pub hash: u64,
    /// Byte offset where each line starts; empty for a packed file, whose
    /// index [`Self::lines`] builds when it unpacks the text (only
    /// diagnostics and the sentinel read a document's lines after the
    /// Markdown stage, and 100,000 documents' indexes took 50 MB).
    line_starts: Vec<usize>,
    /// The text's length in bytes.
    len: usize,
}

impl SourceFile {
    /// Wraps loaded text, held as it is (registers, `site.yaml`: the YAML
    /// locator reads their lines one by one).
    pub fn new(rel: String, path: PathBuf, text: String) -> Self {
        Self::with(rel, path, text, false)
    }

    /// Wraps a Markdown document's text, LZ4-packed when that gains. Why:
    /// documents are most of a large project's bytes, and after the
    /// Markdown stage only the leak sentinel and diagnostics read them
    /// again; packed, 100,000 pages hold about a third of their size.
    pub fn packed(rel: String, path: PathBuf, text: String) -> Self {
        Self::with(rel, path, text, true)
    }

    fn with(rel: String, path: PathBuf, text: String, pack: bool) -> Self {
        let (hash, len) = (crate::core::memo::hash_of(&text), text.len());
        let text = if pack {
            Packed::new(text)
        } else {
            Packed::Plain(Arc::from(text))
        };
        let line_starts = match &text {
            Packed::Plain(t) => starts_of(t),
            Packed::Lz4(_) => Vec::new(),
        };
        SourceFile {
            rel,
            path,
            hash,
            len,
            text,
            line_starts,
        }
    }

    /// The text: borrowed when held whole, else unpacked (a copy; keep it
    /// while reading many lines instead of calling [`Self::line`] for each).
    pub fn text(&self) -> Cow<'_, str> {
        self.text.as_str()
    }

    /// The bytes `start..end` of the text (`None` when that is not a range
    /// of whole characters in it): borrowed when held whole.
    pub fn slice(&self, start: usize, end: usize) -> Option<Cow<'_, str>> {
        match self.text() {
            Cow::Borrowed(t) => t.get(start..end).map(Cow::Borrowed),
            Cow::Owned(t) => t.get(start..end).map(|s| Cow::Owned(s.to_string())),
        }
    }

    /// The text with its line index, for reading many lines at once.
    pub fn lines(&self) -> Lines<'_> {
        let text = self.text();
        let starts = match &text {
            Cow::Borrowed(_) => Cow::Borrowed(self.line_starts.as_slice()),
            Cow::Owned(t) => Cow::Owned(starts_of(t)),
        };
        Lines { text, starts }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the text takes in memory (its packed size when packed).
    pub fn held(&self) -> usize {
        self.text.held()
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.lines().count()
    }

    /// 0-based line index of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        line_of(&self.lines().starts, offset)
    }

    /// The text of a 0-based line, without its newline.
    pub fn line(&self, idx: usize) -> Cow<'_, str> {
        match &self.text {
            Packed::Plain(t) => Cow::Borrowed(line_in(t, &self.line_starts, idx)),
            Packed::Lz4(_) => Cow::Owned(self.lines().line(idx).to_string()),
        }
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, idx: usize) -> usize {
        match &self.text {
            Packed::Plain(_) => line_start(&self.line_starts, idx, self.len),
            Packed::Lz4(_) => self.lines().start(idx),
        }
    }

    /// (1-based line, 1-based char column) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        self.lines().position(offset)
    }
}

/// A file's text and line index, unpacked once for reading many lines.
pub struct Lines<'a> {
    /// The whole text.
    pub text: Cow<'a, str>,
    starts: Cow<'a, [usize]>,
}

impl Lines<'_> {
    /// Number of lines.
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The text of a 0-based line, without its newline.
    pub fn line(&self, idx: usize) -> &str {
        line_in(&self.text, &self.starts, idx)
    }

    /// Byte offset where a 0-based line starts.
    pub fn start(&self, idx: usize) -> usize {
        line_start(&self.starts, idx, self.text.len())
    }

    /// (1-based line, 1-based char column) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = line_of(&self.starts, offset);
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, col + 1)
    }
}

/// Where each line of `text` starts.
fn starts_of(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts
}

fn line_of(starts: &[usize], offset: usize) -> usize {
    match starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i - 1,
    }
}

fn line_start(starts: &[usize], idx: usize, len: usize) -> usize {
    starts.get(idx).copied().unwrap_or(len)
}

fn line_in<'t>(text: &'t str, starts: &[usize], idx: usize) -> &'t str {
    let start = line_start(starts, idx, text.len());
    let end = starts.get(idx + 1).map(|&e| e - 1).unwrap_or(text.len());
    text.get(start..end.max(start))
        .unwrap_or("")
        .trim_end_matches('\r')
}

/// A place in a file: byte offset and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub file: FileId,
    pub offset: usize,
    pub len: usize,
}

/// All loaded files, indexed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Shared, so the dev server can keep an unchanged file between rebuilds
    /// without reading or copying it again.
    pub files: Vec<Arc<SourceFile>>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.add_shared(Arc::new(file))
    }

    /// Adds a file that may also be held elsewhere (a cache).
    pub fn add_shared(&mut self, file: Arc<SourceFile>) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }

    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// Builds a located diagnostic with the rule's default severity.
    pub fn diag(&self, rule: &'static Rule, span: Span, message: impl Into<String>) -> Diagnostic {
        let f = self.get(span.file);
        let lines = f.lines();
        let (line, column) = lines.position(span.offset);
        let src = lines.line(line - 1).to_string();
        let avail = src.chars().count().saturating_sub(column - 1);
        let len = lines
            .text
            .get(span.offset..span.offset + span.len)
            .map(|s| s.chars().count())
            .unwrap_or(1)
            .min(avail.max(1));
        Diagnostic {
            rule,
            severity: rule.severity,
            file: f.rel.clone(),
            line,
            column,
            len,
            message: message.into(),
            help: None,
            source_line: Some(src),
        }
    }

    /// A diagnostic about a whole file (no line).
    pub fn file_diag(
        &self,
        rule: &'static Rule,
        file: FileId,
        message: impl Into<String>,
    ) -> Diagnostic {
        file_diag(rule, &self.get(file).rel, message)
    }
}

/// A diagnostic about a whole file, by relative path.
pub fn file_diag(rule: &'static Rule, rel: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        rule,
        severity: rule.severity,
        file: rel.to_string(),
        line: 0,
        column: 0,
        len: 0,
        message: message.into(),
        help: None,
        source_line: None,
    }
}

/// Adds a help line to a diagnostic.
pub trait WithHelp {
    fn help(self, help: impl Into<String>) -> Self;
    fn help_opt(self, help: Option<String>) -> Self;
}

impl WithHelp for Diagnostic {
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// Where a YAML entity lives: its file and its 0-based line range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemLoc {
    pub file: FileId,
    pub lines: Range<usize>,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '-']).len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

impl ItemLoc {
    /// Span of the first line of the item (fallback location).
    pub fn head(&self, sources: &Sources) -> Span {
        let f = sources.get(self.file).lines();
        let mut idx = self.lines.start;
        while idx + 1 < self.lines.end && is_blank_or_comment(f.line(idx)) {
            idx += 1;
        }
        let line = f.line(idx);
        let trimmed = line.trim_start_matches([' ', '-']);
        Span {
            file: self.file,
            offset: f.start(idx) + (line.len() - trimmed.len()),
            len: trimmed.trim_end().len(),
        }
    }

    /// Locates `path` (nested keys) inside the item and, if `value` is given, that
    /// value inside the field's block. Falls back to the key, then to the item head.
    pub fn locate(&self, sources: &Sources, path: &[&str], value: Option<&str>) -> Span {
        let f = sources.get(self.file).lines();
        let f = &f;
        let mut range = self.lines.clone();
        let mut found: Option<(usize, usize, usize)> = None; // (line, key col, key len)
        for key in path {
            match find_key(f, range.clone(), key) {
                Some((line, col, block)) => {
                    found = Some((line, col, key.len()));
                    range = block;
                }
                None => break,
            }
        }
        let Some((kline, kcol, klen)) = found else {
            return self.head(sources);
        };
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let search = kline..range.end.max(kline + 1);
            for idx in search {
                let text = f.line(idx);
                let from = if idx == kline { kcol + klen } else { 0 };
                if let Some(pos) = find_token(text, v, from) {
                    return Span {
                        file: self.file,
                        offset: f.start(idx) + pos,
                        len: v.len(),
                    };
                }
            }
        }
        Span {
            file: self.file,
            offset: f.start(kline) + kcol,
            len: klen,
        }
    }
}

/// Finds `key:` in `range`, at the shallowest indentation present. Returns the
/// line, the key's byte column and the line range of its block (value lines).
fn find_key(f: &Lines<'_>, range: Range<usize>, key: &str) -> Option<(usize, usize, Range<usize>)> {
    let base = range
        .clone()
        .map(|i| f.line(i))
        .filter(|l| !is_blank_or_comment(l))
        .map(indent_of)
        .min()?;
    for idx in range.clone() {
        let line = f.line(idx);
        if is_blank_or_comment(line) || indent_of(line) != base {
            continue;
        }
        let body = &line[base..];
        let stripped = body.strip_prefix(key).or_else(|| {
            body.strip_prefix('"')
                .and_then(|b| b.strip_prefix(key))
                .and_then(|b| b.strip_prefix('"'))
        });
        if let Some(rest) = stripped {
            if rest.trim_start().starts_with(':') {
                let mut end = idx + 1;
                while end < range.end {
                    let l = f.line(end);
                    if !is_blank_or_comment(l) && indent_of(l) <= base {
                        break;
                    }
                    end += 1;
                }
                return Some((idx, base, idx + 1..end));
            }
        }
    }
    None
}

/// Finds `token` in `text` at or after byte `from`, not inside a longer word.
fn find_token(text: &str, token: &str, from: usize) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
    let mut start = from.min(text.len());
    while let Some(rel) = text.get(start..)?.find(token) {
        let pos = start + rel;
        let before = text[..pos].chars().next_back();
        let after = text[pos + token.len()..].chars().next();
        let ok_before = before.is_none_or(|c| !is_word(c) || c == ':');
        let ok_after = after
            .is_none_or(|c| !is_word(c) || c == '.' && text[pos + token.len() + 1..].is_empty());
        if ok_before && ok_after {
            return Some(pos);
        }
        start = pos + token.len().max(1);
    }
    None
}

/// Splits a register file (a top-level YAML list) into item line ranges.
pub fn list_items(f: &SourceFile) -> Vec<Range<usize>> {
    let f = f.lines();
    let mut starts = Vec::new();
    let mut indent = None;
    for idx in 0..f.count() {
        let line = f.line(idx);
        let trimmed = line.trim_start();
        if trimmed.starts_with("- ") || trimmed == "-" {
            let ind = line.len() - trimmed.len();
            if indent.is_none() {
                indent = Some(ind);
            }
            if Some(ind) == indent {
                starts.push(idx);
            }
        } else if !is_blank_or_comment(line)
            && indent.is_some_and(|i| line.len() - trimmed.len() <= i)
            && !trimmed.starts_with("---")
            && !trimmed.starts_with("...")
        {
            // A line at the list's own indentation that is not an item: not a
            // plain block list. Callers fall back to whole-file parsing.
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for (i, s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(f.count());
        out.push(*s..end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_document_reads_and_locates_exactly_as_a_plain_one() {
        let text: String = (0..200)
            .map(|i| format!("line {i} — größe: ünïcode\r\n"))
            .collect::<String>()
            + "last line, no newline";
        let plain = SourceFile::new("a.md".into(), "a.md".into(), text.clone());
        let packed = SourceFile::packed("a.md".into(), "a.md".into(), text.clone());
        assert!(
            packed.held() * 2 < text.len(),
            "a long document is held packed"
        );
        assert_eq!(packed.text(), plain.text());
        assert_eq!((packed.len(), packed.line_count()), (text.len(), 201));
        for idx in [0, 1, 99, 199, 200, 201] {
            assert_eq!(packed.line(idx), plain.line(idx), "line {idx}");
            assert_eq!(packed.line_start(idx), plain.line_start(idx));
        }
        assert_eq!(plain.line(200), "last line, no newline");
        for offset in [0, 5, 9, 500, text.len() - 1, text.len(), text.len() + 9] {
            assert_eq!(
                packed.position(offset),
                plain.position(offset),
                "offset {offset}"
            );
            assert_eq!(
                packed.line_of(offset.min(text.len())),
                plain.line_of(offset.min(text.len()))
            );
        }
        let mut a = Sources::default();
        let mut b = Sources::default();
        let (fa, fb) = (a.add(plain), b.add(packed));
        let span = |file| Span {
            file,
            offset: 40,
            len: 5,
        };
        let (da, db) = (
            a.diag(&crate::core::diagnostics::rule::EMPTY_FILE, span(fa), "m"),
            b.diag(&crate::core::diagnostics::rule::EMPTY_FILE, span(fb), "m"),
        );
        assert_eq!(
            (da.line, da.column, da.len, da.source_line),
            (db.line, db.column, db.len, db.source_line)
        );
    }

    fn sources(text: &str) -> Sources {
        let mut s = Sources::default();
        s.add(SourceFile::new(
            "t.yaml".into(),
            "t.yaml".into(),
            text.into(),
        ));
        s
    }

    #[test]
    fn positions_count_lines_and_chars_from_one() {
        let f = SourceFile::new("x".into(), "x".into(), "ab\nçd\n".into());
        assert_eq!(f.position(0), (1, 1));
        assert_eq!(f.position(3), (2, 1));
        assert_eq!(f.position(5), (2, 2));
    }

    #[test]
    fn locates_values_inside_list_items() {
        let text = "- id: a\n  evidence: [ev-1, ev-2]\n- id: b\n  usage:\n    domain: credit\n    decision: legal\n";
        let s = sources(text);
        let items = list_items(s.get(0));
        assert_eq!(items, vec![0..2, 2..7]);
        let a = ItemLoc {
            file: 0,
            lines: items[0].clone(),
        };
        let sp = a.locate(&s, &["evidence"], Some("ev-2"));
        assert_eq!(s.get(0).position(sp.offset), (2, 20));
        let b = ItemLoc {
            file: 0,
            lines: items[1].clone(),
        };
        let sp = b.locate(&s, &["usage", "decision"], Some("legal"));
        assert_eq!(s.get(0).position(sp.offset), (6, 15));
    }

    #[test]
    fn token_search_skips_longer_words() {
        assert_eq!(find_token("[ev-1x, ev-1]", "ev-1", 0), Some(8));
        assert_eq!(find_token("control:A.6.2.4)", "A.6.2.4", 0), Some(8));
    }
}
