//! Text to words for the answer index: lower-cased, accents folded, a dot
//! between letters or digits kept inside a word (control ids, versions),
//! and a short acronym joined to the number after it (`SOC 2` -> `soc2`).
//! [`split_words`] is the fast form the analyser uses on every text;
//! [`words`] splits a heading or a question where speed does not matter
//! (and, with [`compounds`], is the plain form the analyser's test compares
//! with).

use super::index::Fx;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

/// Joins a short acronym and the number after it (`SOC 2` -> `soc2`, `ISO
/// 42001` -> `iso42001`): standards differ by their number, and "SOC 1" must
/// not match a page about SOC 2. [`end_word`] does this as the words are
/// split; this list-to-list form is the reference its test compares with.
#[cfg(test)]
pub(super) fn compounds(
    ws: Vec<String>,
    stop: &HashSet<String, BuildHasherDefault<Fx>>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ws.len());
    for w in ws {
        // "ISO/IEC 42001" and "ISO 42001" are one standard.
        if w == "iec" && out.last().is_some_and(|p| p == "iso") {
            continue;
        }
        let joins = w.chars().all(|c| c.is_ascii_digit())
            && w.len() <= 5
            && out.last().is_some_and(|p| {
                (2..=4).contains(&p.len())
                    && p.chars().all(|c| c.is_ascii_alphabetic())
                    && !stop.contains(p)
            });
        match out.last_mut() {
            Some(prev) if joins => prev.push_str(&w),
            _ => out.push(w),
        }
    }
    out
}

/// Folds the accents of Latin letters (`résumé` -> `resume`).
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => c,
    }
}

/// `text.chars().flat_map(char::to_lowercase).map(fold)`, with ASCII
/// lowered in place, for [`words`] (indexing uses [`split_words`], which
/// reads ASCII a byte at a time).
struct Lowered<'a> {
    chars: std::str::Chars<'a>,
    /// The rest of a non-ASCII character's lowercase form.
    rest: Option<std::char::ToLowercase>,
}

impl Iterator for Lowered<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        loop {
            if let Some(c) = self.rest.as_mut().and_then(Iterator::next) {
                return Some(fold(c));
            }
            self.rest = None;
            let c = self.chars.next()?;
            if c.is_ascii() {
                // `fold` leaves ASCII as it is.
                return Some(c.to_ascii_lowercase());
            }
            self.rest = Some(c.to_lowercase());
        }
    }
}

/// Lowercase words. A dot between letters or digits stays inside the word, so
/// control ids (`A.6.2.4`) and versions are one term.
pub fn words(text: &str) -> Vec<String> {
    let mut chars = Lowered {
        chars: text.chars(),
        rest: None,
    }
    .peekable();
    let mut out = Vec::new();
    let mut cur = String::new();
    while let Some(c) = chars.next() {
        let inner_dot =
            c == '.' && !cur.is_empty() && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() || inner_dot {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// [`words`] then [`compounds`], into one buffer: the words lie end to end
/// in `buf`, and `ws` holds each one's range (one allocation per text, not
/// per word).
pub(super) fn split_words(
    text: &str,
    stop: &HashSet<String, BuildHasherDefault<Fx>>,
    buf: &mut String,
    ws: &mut Vec<(usize, usize)>,
) {
    // ASCII a byte at a time (nearly all text), other characters through
    // their lowercase form as `Lowered` gives it; the words are the same
    // (`tests::cached_analysis_equals_the_word_by_word_reference`).
    let bytes = text.as_bytes();
    let mut start = buf.len();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            let inner_dot = b == b'.' && buf.len() > start && starts_alphanumeric(&text[i..]);
            if b.is_ascii_alphanumeric() || inner_dot {
                buf.push(char::from(b.to_ascii_lowercase()));
            } else if buf.len() > start {
                end_word(start, stop, buf, ws);
                start = buf.len();
            }
            continue;
        }
        let c = text[i..].chars().next().unwrap_or_default();
        i += c.len_utf8();
        // Lowering never gives a dot, so only letters and digits matter.
        for l in c.to_lowercase().map(fold) {
            if l.is_alphanumeric() {
                buf.push(l);
            } else if buf.len() > start {
                end_word(start, stop, buf, ws);
                start = buf.len();
            }
        }
    }
    if buf.len() > start {
        end_word(start, stop, buf, ws);
    }
}

/// Whether `text`'s first character, lowered, is a letter or digit.
fn starts_alphanumeric(text: &str) -> bool {
    text.chars()
        .next()
        .and_then(|c| c.to_lowercase().next())
        .is_some_and(|l| fold(l).is_alphanumeric())
}

/// The word `buf[start..]` is complete: kept, dropped (`iec` after `iso`)
/// or joined to the word before it, as [`compounds`] does.
fn end_word(
    start: usize,
    stop: &HashSet<String, BuildHasherDefault<Fx>>,
    buf: &mut String,
    ws: &mut Vec<(usize, usize)>,
) {
    let w = &buf[start..];
    let last = ws.last().map(|&(a, b)| &buf[a..b]);
    if w == "iec" && last == Some("iso") {
        buf.truncate(start);
        return;
    }
    let joins = w.chars().all(|c| c.is_ascii_digit())
        && w.len() <= 5
        && last.is_some_and(|p| {
            (2..=4).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_alphabetic())
                && !stop.contains(p)
        });
    match ws.last_mut() {
        // The words lie end to end, so the last one ends where this starts.
        Some(prev) if joins => prev.1 = buf.len(),
        _ => ws.push((start, buf.len())),
    }
}
