//! The full-text search index of an edition, split so the browser loads only
//! what a query needs.
//!
//! - `/search-index.json`: the manifest: the number of pages and the result
//!   group of each (one letter per page, see [`GROUPS`]), the vocabulary
//!   as one string per postings shard (its sorted terms joined by a line
//!   feed: one JSON string each instead of one per term, so the browser
//!   parses the manifest in one pass and builds nothing over the whole
//!   vocabulary before the first query), how many pages each page-list
//!   chunk holds, and the first page of each text chunk. It is small (no
//!   page list), so a first query waits for little.
//! - `/search-index/docs-N.json`: pages `N × per` onwards (see
//!   [`page_lines`]): URL, title and kind, loaded only for the results shown.
//! - `/search-index/terms-N.json`: one string per term of shard N, in the
//!   manifest's order: `page,count,page,count,...`, pages delta-encoded
//!   (each is the distance from the previous one); a count has [`IN_TITLE`]
//!   added when the term is in the page's title, so ranking needs no titles.
//!   Strings, not arrays of numbers: the browser parses a shard as a few
//!   strings and decodes only the lists of the query's terms.
//! - `/search-index/text-N.json`: the full text of consecutive pages, for
//!   snippets.
//!
//! Nothing is cut: every word a page shows is a term and its whole text is in
//! a chunk. The text is exactly what the page's search text holds (what the
//! edition shows), and every term is a word of that text, so the leak
//! sentinel, which scans the text chunks, covers the terms too.

use super::SearchDoc;
use crate::pipeline::write::OutFile;
use serde::Serialize;
use std::collections::BTreeMap;

/// Added to a posting's count when the term is in the page title too.
pub const IN_TITLE: u32 = 256;

/// Where the shards are written (a generated folder).
pub const FOLDER: &str = "/search-index/";

/// Words too common to search for; `search.js` drops the same ones from queries.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "in",
    "is", "it", "of", "on", "or", "our", "the", "to", "we", "what", "when", "which", "who", "with",
    "you", "your",
];

/// A postings shard is closed once its JSON passes this many bytes, and a text
/// chunk once its text does: small enough that a query loads little, large
/// enough that a 10,000-page site writes hundreds of files, not thousands.
const TERMS_SHARD_BYTES: usize = 64 * 1024;
const TEXT_CHUNK_BYTES: usize = 32 * 1024;

/// Pages per page-list chunk (about 5 KB): the first screen of results loads
/// a few small files, not the whole list, and the rest load as they scroll
/// into view.
pub const PAGES_PER_CHUNK: usize = 64;

/// The terms of `text` with how often each occurs: lower-cased runs of
/// letters and digits, a run joined by `.` or `-` (`a.6.2.4`,
/// `human-in-the-loop`) kept whole and also split into its parts; parts of
/// one character and stop words are left out. `search.js` tokenises queries
/// with the same rule (`[\p{Alphabetic}\p{N}]`, the same classes as Rust's
/// `char::is_alphanumeric`).
pub fn terms(text: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    let lower = text.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut parts = vec![];
        loop {
            let p = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            parts.push((p, i));
            // A joiner continues the token only when a letter or digit follows.
            let joined = i + 1 < chars.len()
                && (chars[i] == '.' || chars[i] == '-')
                && chars[i + 1].is_alphanumeric();
            if !joined {
                break;
            }
            i += 1;
        }
        let mut add = |w: String| {
            if !STOP.contains(&w.as_str()) {
                *out.entry(w).or_insert(0) += 1;
            }
        };
        add(chars[start..i].iter().collect());
        if parts.len() > 1 {
            for (a, b) in parts {
                if b - a > 1 {
                    add(chars[a..b].iter().collect());
                }
            }
        }
    }
    out
}

/// A page-list chunk: one line per page, `URL \t title \t kind`, in index
/// order. One JSON string instead of an object per page halves the list and
/// leaves the browser one string to parse; a tab or line break in a title
/// becomes a space (URLs and kinds never hold one).
fn page_lines(search: &[SearchDoc]) -> String {
    let mut out = String::with_capacity(search.len() * 64);
    for (i, d) in search.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (k, field) in [&d.u, &d.t, &d.k].into_iter().enumerate() {
            if k > 0 {
                out.push('\t');
            }
            out.extend(field.chars().map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c => c,
            }));
        }
    }
    out
}

/// The groups search results are shown in, by URL prefix (the last one is
/// everything else), in the order the manifest lists them.
pub const GROUPS: &[(&str, &str)] = &[
    ("/policies/", "Policies"),
    ("/assessments/", "Impact assessments"),
    ("/notices/", "Transparency notices"),
    ("/controls/", "Controls"),
    ("/systems/", "AI systems"),
    ("/risks/", "Risks"),
    ("/suppliers/", "Suppliers"),
    ("/evidence/", "Evidence"),
    ("/faq/", "Questions and answers"),
    ("/crosswalks/", "Crosswalks"),
    ("/scope/", "Scope"),
    ("", "Pages"),
];

/// The letter of a page's group in [`GROUPS`] (`a` for the first): the
/// scope is its one page, every other group a folder.
fn group_letter(url: &str) -> char {
    let n = GROUPS
        .iter()
        .position(|(prefix, _)| match *prefix {
            "/scope/" => url == "/scope/",
            p => url.starts_with(p),
        })
        .unwrap_or(GROUPS.len() - 1);
    char::from(b'a' + n as u8)
}

#[derive(Serialize)]
struct Manifest {
    /// Format version: 4 is the split index with the page list in chunks
    /// and postings as strings.
    v: u32,
    /// How many pages the edition has (the ranking's idf needs it).
    pages: usize,
    /// Pages per page-list chunk ([`PAGES_PER_CHUNK`]).
    per: usize,
    /// The labels of [`GROUPS`].
    groups: Vec<&'static str>,
    /// Each page's [`group_letter`], in page order: results are grouped
    /// before their page lists load.
    group: String,
    /// Each postings shard's sorted terms joined by `\n` (a term never
    /// holds one: it is letters, digits, `.` and `-`).
    terms: Vec<String>,
    /// The first page of each text chunk.
    chunks: Vec<usize>,
}

/// The manifest, postings shards and text chunks of one edition's pages.
pub fn files(search: Vec<SearchDoc>) -> Vec<OutFile> {
    let mut out = Vec::new();
    let _ = files_each(search, &mut |f| -> Result<(), ()> {
        out.push(f);
        Ok(())
    });
    out
}

/// One term's postings while an edition's index is built: each page
/// (ascending) as the gap from the previous one and the term's count (with
/// [`IN_TITLE`] added when the term is in the title), both LEB128 varints. Why: held as `(u32, u16)` pairs, the postings of 100,000
/// pages took about 240 MB at the build's peak; most gaps and counts take a
/// byte each.
#[derive(Default)]
struct Postings {
    bytes: Vec<u8>,
    last: u32,
}

impl Postings {
    fn push(&mut self, page: u32, n: u16) {
        let gap = page - self.last;
        self.last = page;
        leb128(&mut self.bytes, gap);
        leb128(&mut self.bytes, u32::from(n));
    }

    /// The (gap, count) pairs in the order pushed.
    fn gaps(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let gap = read_leb128(&self.bytes, &mut at)?;
            let n = read_leb128(&self.bytes, &mut at)?;
            Some((gap, n))
        })
    }
}

fn leb128(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_leb128(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut v = 0u32;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// Pages tokenised at a time: their term lists are held only until merged.
const BATCH: usize = 512;

/// [`files`], handing each file to `emit` as soon as it is made, so an
/// edition's index never sits in memory whole (postings shards are emitted
/// as they fill, then the text chunks, the page lists and the manifest). Pages are
/// tokenised on every core; the postings are merged in page order, so the
/// bytes are those of a sequential build.
pub fn files_each<E>(
    mut search: Vec<SearchDoc>,
    emit: &mut dyn FnMut(OutFile) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    search.sort_by(|a, b| a.u.cmp(&b.u));
    let mut ids: std::collections::HashMap<Box<str>, u32> = std::collections::HashMap::new();
    let mut lists: Vec<Postings> = Vec::new();
    for (b, batch) in search.chunks(BATCH).enumerate() {
        let found: Vec<Vec<(String, u16)>> = batch.par_iter().map(page_terms).collect();
        for (j, page_terms) in found.into_iter().enumerate() {
            let page = u32::try_from(b * BATCH + j).unwrap_or(u32::MAX);
            for (term, n) in page_terms {
                let id = match ids.get(term.as_str()) {
                    Some(id) => *id as usize,
                    None => {
                        ids.insert(term.into_boxed_str(), lists.len() as u32);
                        lists.push(Postings::default());
                        lists.len() - 1
                    }
                };
                lists[id].push(page, n);
            }
        }
    }
    let mut terms: Vec<(Box<str>, u32)> = ids.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let shards = shard_terms(&terms, &mut lists, emit)?;
    drop(lists);
    let chunks = chunk_texts(&search, emit)?;
    for (n, part) in search.chunks(PAGES_PER_CHUNK).enumerate() {
        let body = serde_json::to_vec(&page_lines(part)).unwrap_or_default();
        emit((format!("{FOLDER}docs-{n}.json"), body))?;
    }
    let manifest = Manifest {
        v: 4,
        pages: search.len(),
        per: PAGES_PER_CHUNK,
        groups: GROUPS.iter().map(|(_, label)| *label).collect(),
        group: search.iter().map(|d| group_letter(&d.u)).collect(),
        terms: shards.iter().map(|s| s.join("\n")).collect(),
        chunks,
    };
    let body = serde_json::to_vec(&manifest).unwrap_or_default();
    emit(("/search-index.json".into(), body))
}

/// A page's terms, sorted, each with its count capped at 255 and
/// [`IN_TITLE`] added when the title has it (a title term missing from
/// the text counts once).
fn page_terms(d: &SearchDoc) -> Vec<(String, u16)> {
    let title = terms(&d.t);
    let mut body = terms(&d.x.text());
    for t in title.keys() {
        body.entry(t.clone()).or_insert(1);
    }
    body.into_iter()
        .map(|(term, n)| {
            let flag = if title.contains_key(&term) {
                IN_TITLE
            } else {
                0
            };
            let n = (n.min(255) + flag) as u16;
            (term, n)
        })
        .collect()
}

/// Postings split into shards of consecutive terms (`terms` sorted, each
/// with its list in `lists`), each shard emitted as it fills; returns the
/// terms of each shard.
fn shard_terms<'a, E>(
    terms: &'a [(Box<str>, u32)],
    lists: &mut [Postings],
    emit: &mut dyn FnMut(OutFile) -> Result<(), E>,
) -> Result<Vec<Vec<&'a str>>, E> {
    use std::fmt::Write;
    let mut shards: Vec<Vec<&str>> = Vec::new();
    let mut shard = Vec::new();
    let mut body = String::from("[");
    for (term, id) in terms {
        if body.len() > 1 {
            body.push(',');
        }
        // Digits and commas only: a JSON string with nothing to escape.
        body.push('"');
        // The list is freed once written.
        let list = std::mem::take(&mut lists[*id as usize]);
        for (k, (gap, n)) in list.gaps().enumerate() {
            if k > 0 {
                body.push(',');
            }
            let _ = write!(body, "{gap},{n}");
        }
        body.push('"');
        shard.push(&**term);
        if body.len() >= TERMS_SHARD_BYTES {
            body.push(']');
            let n = shards.len();
            emit((
                format!("{FOLDER}terms-{n}.json"),
                std::mem::replace(&mut body, String::from("[")).into_bytes(),
            ))?;
            shards.push(std::mem::take(&mut shard));
        }
    }
    if !shard.is_empty() {
        body.push(']');
        let n = shards.len();
        emit((format!("{FOLDER}terms-{n}.json"), body.into_bytes()))?;
        shards.push(shard);
    }
    Ok(shards)
}

/// Page texts in chunks of consecutive pages, each chunk's JSON (an array
/// of texts) emitted as it is made; returns the first page of each chunk.
fn chunk_texts<E>(
    search: &[SearchDoc],
    emit: &mut dyn FnMut(OutFile) -> Result<(), E>,
) -> Result<Vec<usize>, E> {
    let mut firsts = Vec::new();
    let mut start = 0;
    let mut size = 0;
    let mut pending = Vec::new();
    for (i, d) in search.iter().enumerate() {
        let x = d.x.text();
        size += x.len();
        pending.push(x);
        if size >= TEXT_CHUNK_BYTES || i + 1 == search.len() {
            let texts: Vec<&str> = pending.iter().map(|t: &std::sync::Arc<str>| &**t).collect();
            let n = firsts.len();
            firsts.push(start);
            emit((
                format!("{FOLDER}text-{n}.json"),
                serde_json::to_vec(&texts).unwrap_or_default(),
            ))?;
            pending.clear();
            start = i + 1;
            size = 0;
        }
    }
    Ok(firsts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_give_back_each_gap_and_count_as_pushed() {
        let mut p = Postings::default();
        let pushed = [
            (0, 1),
            (1, (255 + IN_TITLE) as u16),
            (200, 3),
            (70_000, u16::MAX),
            (u32::MAX, 2),
        ];
        for (page, n) in pushed {
            p.push(page, n);
        }
        let mut prev = 0;
        let want: Vec<(u32, u32)> = pushed
            .iter()
            .map(|&(page, n)| {
                let gap = page - prev;
                prev = page;
                (gap, u32::from(n))
            })
            .collect();
        assert_eq!(p.gaps().collect::<Vec<_>>(), want);
        assert!(
            p.bytes.len() < pushed.len() * 8,
            "varints are smaller than pairs"
        );
    }
}
