//! Source files and positions: byte offset -> line:column, the source line for
//! a caret, and a small locator that finds where a YAML field or value sits.
//!
//! Entity fields are located in the text after parsing: every register item
//! keeps its line range and the locator searches inside it. This is exact for
//! block-style YAML, the style people write; the YAML module reports its own
//! errors at their positions.

use crate::core::diagnostics::{Diagnostic, Rule};
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
    pub text: String,
    /// Hash of `text`, computed once when the file is read: the dev server's
    /// caches key on it instead of hashing every file again on every save.
    pub hash: u64,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps loaded text.
    pub fn new(rel: String, path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            rel,
            path,
            hash: crate::core::memo::hash_of(&text),
            text,
            line_starts,
        }
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line index of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The text of a 0-based line, without its newline.
    pub fn line(&self, idx: usize) -> &str {
        let start = self
            .line_starts
            .get(idx)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(idx + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        self.text
            .get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, idx: usize) -> usize {
        self.line_starts
            .get(idx)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// (1-based line, 1-based char column) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, col + 1)
    }
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
        let (line, column) = f.position(span.offset);
        let src = f.line(line - 1).to_string();
        let avail = src.chars().count().saturating_sub(column - 1);
        let len = f
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
        let f = sources.get(self.file);
        let mut idx = self.lines.start;
        while idx + 1 < self.lines.end && is_blank_or_comment(f.line(idx)) {
            idx += 1;
        }
        let line = f.line(idx);
        let trimmed = line.trim_start_matches([' ', '-']);
        Span {
            file: self.file,
            offset: f.line_start(idx) + (line.len() - trimmed.len()),
            len: trimmed.trim_end().len(),
        }
    }

    /// Locates `path` (nested keys) inside the item and, if `value` is given, that
    /// value inside the field's block. Falls back to the key, then to the item head.
    pub fn locate(&self, sources: &Sources, path: &[&str], value: Option<&str>) -> Span {
        let f = sources.get(self.file);
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
                        offset: f.line_start(idx) + pos,
                        len: v.len(),
                    };
                }
            }
        }
        Span {
            file: self.file,
            offset: f.line_start(kline) + kcol,
            len: klen,
        }
    }
}

/// Finds `key:` in `range`, at the shallowest indentation present. Returns the
/// line, the key's byte column and the line range of its block (value lines).
fn find_key(
    f: &SourceFile,
    range: Range<usize>,
    key: &str,
) -> Option<(usize, usize, Range<usize>)> {
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
    let mut starts = Vec::new();
    let mut indent = None;
    for idx in 0..f.line_count() {
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
        let end = starts.get(i + 1).copied().unwrap_or(f.line_count());
        out.push(*s..end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
