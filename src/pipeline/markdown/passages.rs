//! `:::edition` passages: marked before parsing, located by byte range.

use super::{BlockError, CLOSE, OPEN};

/// Replaces `:::edition` / `:::` lines (outside code fences) with marker comments
/// of the same line count, so that byte offsets before them and line numbers stay.
/// A passage in the marked text: byte range and edition level.
pub(super) type Passage = (usize, usize, u8);

pub(super) fn mark_passages(
    text: &str,
    editions: &[String],
    errors: &mut Vec<BlockError>,
) -> (String, Vec<Passage>) {
    let mut out = String::with_capacity(text.len() + 64);
    let mut passages: Vec<Passage> = Vec::new();
    let mut fence: Option<String> = None;
    let mut open: Option<(usize, usize)> = None;
    let mut open_at: Option<(usize, u8)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim();
        let start = offset;
        offset += line.len();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str())
                && t.trim_start_matches(f.chars().next().unwrap_or('`'))
                    .is_empty()
            {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            let ch = t.chars().next().unwrap_or('`');
            fence = Some(t.chars().take_while(|c| *c == ch).collect());
            out.push_str(line);
            continue;
        }
        let Some(name) = t.strip_prefix(":::") else {
            out.push_str(line);
            continue;
        };
        let name = name.trim();
        let len = body.len();
        let nl = &line[body.len()..];
        if name.is_empty() {
            if open.take().is_none() {
                errors.push(BlockError::Misnested { offset: start, len });
            }
            out.push_str(CLOSE);
            if let Some((from, level)) = open_at.take() {
                passages.push((from, out.len(), level));
            }
        } else if open.is_some() {
            errors.push(BlockError::Misnested { offset: start, len });
            // Conservative: the open passage takes the higher of the two levels.
            if let (Some(l), Some(o)) = (editions.iter().position(|e| e == name), open_at.as_mut())
            {
                o.1 = o.1.max(l as u8);
            }
            out.push_str(body);
        } else if let Some(level) = editions.iter().position(|e| e == name) {
            open = Some((start, len));
            open_at = Some((out.len(), level as u8));
            out.push_str(&format!("{OPEN}{level}-->"));
        } else {
            errors.push(BlockError::UnknownEdition {
                offset: start,
                len,
                name: name.to_string(),
            });
            out.push_str(body);
        }
        out.push_str(nl);
    }
    if let Some((offset, len)) = open {
        errors.push(BlockError::Unterminated { offset, len });
    }
    if let Some((from, level)) = open_at {
        passages.push((from, out.len(), level));
    }
    (out, passages)
}

/// Highest passage level overlapping `range` (leaf events: any overlap hides).
pub(super) fn overlap_level(passages: &[Passage], range: &std::ops::Range<usize>) -> u8 {
    passages
        .iter()
        .filter(|(a, b, _)| range.start < *b && range.end.max(range.start + 1) > *a)
        .map(|p| p.2)
        .max()
        .unwrap_or(0)
}

/// Level of the passage containing `offset` (container tags: structure only).
pub(super) fn start_level(passages: &[Passage], offset: usize) -> u8 {
    passages
        .iter()
        .filter(|(a, b, _)| offset >= *a && offset < *b)
        .map(|p| p.2)
        .max()
        .unwrap_or(0)
}

/// Maps an offset in the marked text to the original text (same line, same column).
pub(super) fn map_offset(original: &str, marked: &str, offset: usize) -> usize {
    let head = &marked[..offset.min(marked.len())];
    let line = head.matches('\n').count();
    let col = head.len() - head.rfind('\n').map_or(0, |p| p + 1);
    let mut start = 0;
    let mut lines = original.split_inclusive('\n');
    for l in lines.by_ref().take(line) {
        start += l.len();
    }
    // A NUL became U+FFFD (three bytes) before parsing; walk back to it.
    let mut seen = 0;
    for (i, c) in original[start..].char_indices() {
        if seen >= col || c == '\n' {
            return start + i;
        }
        seen += if c == '\0' { 3 } else { c.len_utf8() };
    }
    original.len()
}
