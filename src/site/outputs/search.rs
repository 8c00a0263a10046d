//! The full-text search index of an edition, split so the browser loads only
//! what a query needs.
//!
//! - `/search-index.json`: the manifest: every page (a line of URL, title
//!   and kind, see [`page_lines`]), the vocabulary as one string per postings shard (its sorted terms
//!   joined by a line feed: one JSON string each instead of one per term, so
//!   the browser parses the manifest in one pass and builds nothing over the
//!   whole vocabulary before the first query), and the first page of each
//!   text chunk.
//! - `/search-index/terms-N.json`: `{term: [page, count, page, count, ...]}`,
//!   pages delta-encoded (each is the distance from the previous one); a
//!   count has [`IN_TITLE`] added when the term is in the page's title, so
//!   ranking needs no titles.
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
const TEXT_CHUNK_BYTES: usize = 64 * 1024;

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

/// The manifest's page list: one line per page, `URL \t title \t kind`,
/// in index order. One JSON string instead of an object per page halves the
/// manifest and leaves the browser one string to parse; a tab or line break
/// in a title becomes a space (URLs and kinds never hold one).
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

#[derive(Serialize)]
struct Manifest {
    /// Format version: 3 is the split index with the vocabulary as strings.
    v: u32,
    /// [`page_lines`].
    docs: String,
    /// Each postings shard's sorted terms joined by `\n` (a term never
    /// holds one: it is letters, digits, `.` and `-`).
    terms: Vec<String>,
    /// The first page of each text chunk.
    chunks: Vec<usize>,
}

/// The manifest, postings shards and text chunks of one edition's pages.
pub fn files(mut search: Vec<SearchDoc>) -> Vec<OutFile> {
    search.sort_by(|a, b| a.u.cmp(&b.u));
    let mut postings: BTreeMap<String, Vec<(usize, u32)>> = BTreeMap::new();
    for (i, d) in search.iter().enumerate() {
        let title = terms(&d.t);
        let mut body = terms(&d.x);
        for t in title.keys() {
            body.entry(t.clone()).or_insert(1);
        }
        for (term, n) in body {
            let flag = if title.contains_key(&term) {
                IN_TITLE
            } else {
                0
            };
            postings
                .entry(term)
                .or_default()
                .push((i, n.min(255) + flag));
        }
    }
    let mut out = Vec::new();
    let (shards, bodies) = shard_terms(&postings);
    for (n, body) in bodies.into_iter().enumerate() {
        out.push((format!("{FOLDER}terms-{n}.json"), body));
    }
    let (chunks, texts) = chunk_texts(&search);
    for (n, body) in texts.into_iter().enumerate() {
        out.push((format!("{FOLDER}text-{n}.json"), body));
    }
    let manifest = Manifest {
        v: 3,
        docs: page_lines(&search),
        terms: shards.iter().map(|s| s.join("\n")).collect(),
        chunks,
    };
    let body = serde_json::to_vec(&manifest).unwrap_or_default();
    out.push(("/search-index.json".into(), body));
    out
}

/// Postings split into shards of consecutive terms: the terms of each shard
/// and each shard's JSON.
fn shard_terms(postings: &BTreeMap<String, Vec<(usize, u32)>>) -> (Vec<Vec<&str>>, Vec<Vec<u8>>) {
    let mut shards: Vec<Vec<&str>> = Vec::new();
    let mut bodies = Vec::new();
    let mut terms = Vec::new();
    let mut body = String::from("{");
    for (term, list) in postings {
        if body.len() > 1 {
            body.push(',');
        }
        body.push_str(&serde_json::to_string(term).unwrap_or_default());
        body.push_str(":[");
        let mut prev = 0;
        for (k, (doc, n)) in list.iter().enumerate() {
            if k > 0 {
                body.push(',');
            }
            body.push_str(&format!("{},{n}", doc - prev));
            prev = *doc;
        }
        body.push(']');
        terms.push(term.as_str());
        if body.len() >= TERMS_SHARD_BYTES {
            body.push('}');
            bodies.push(std::mem::replace(&mut body, String::from("{")).into_bytes());
            shards.push(std::mem::take(&mut terms));
        }
    }
    if !terms.is_empty() {
        body.push('}');
        bodies.push(body.into_bytes());
        shards.push(terms);
    }
    (shards, bodies)
}

/// Page texts in chunks of consecutive pages: the first page of each chunk
/// and each chunk's JSON (an array of texts).
fn chunk_texts(search: &[SearchDoc]) -> (Vec<usize>, Vec<Vec<u8>>) {
    let mut firsts = Vec::new();
    let mut bodies = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, d) in search.iter().enumerate() {
        size += d.x.len();
        if size >= TEXT_CHUNK_BYTES || i + 1 == search.len() {
            let texts: Vec<&str> = search[start..=i].iter().map(|d| d.x.as_str()).collect();
            firsts.push(start);
            bodies.push(serde_json::to_vec(&texts).unwrap_or_default());
            start = i + 1;
            size = 0;
        }
    }
    (firsts, bodies)
}
