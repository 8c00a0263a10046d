//! The storage behind [`super::index::Index`]: postings (term -> the
//! claims that hold it) and adjacent pairs (pair -> the claims that hold
//! it), each built from every claim's own part in parallel, and laid out
//! in a few flat arrays rather than a list per term or per pair.

use super::index::Built;
use rayon::prelude::*;

/// A pair of adjacent term ids as one key (first term in the high half).
pub(super) fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// How many parts of the term ids [`Postings::new`] fills in parallel.
const POSTING_PARTS: usize = 8;

/// Term id -> (document, weighted term frequency), documents in order, as
/// one array and where each term's list starts: a list per term was tens of
/// thousands of allocations on the benchmark project.
pub(super) struct Postings {
    starts: Vec<u32>,
    entries: Vec<(u32, f64)>,
}

impl Postings {
    pub(super) fn new(built: &[Built], terms: usize) -> Postings {
        let mut starts = vec![0u32; terms + 1];
        for b in built {
            b.terms
                .iter()
                .for_each(|&(t, _)| starts[t as usize + 1] += 1);
        }
        for t in 0..terms {
            // Over 4 billion postings would not fit a u32 offset.
            starts[t + 1] = starts[t + 1]
                .checked_add(starts[t])
                .expect("fewer than 2^32 postings");
        }
        let mut entries = vec![(0u32, 0.0); starts[terms] as usize];
        // Filled in parallel, each part of the terms by one task: a task
        // reads every document's (sorted) terms but writes only its own.
        let parts = POSTING_PARTS.min(terms.max(1));
        let bounds: Vec<usize> = (0..=parts).map(|k| k * terms / parts).collect();
        let mut slices = Vec::with_capacity(parts);
        let mut rest = entries.as_mut_slice();
        for k in 0..parts {
            let len = (starts[bounds[k + 1]] - starts[bounds[k]]) as usize;
            let (part, tail) = rest.split_at_mut(len);
            slices.push((bounds[k], bounds[k + 1], part));
            rest = tail;
        }
        slices.into_par_iter().for_each(|(lo, hi, part)| {
            let base = starts[lo];
            let mut next: Vec<u32> = starts[lo..hi].iter().map(|s| s - base).collect();
            for (i, b) in built.iter().enumerate() {
                let from = b.terms.partition_point(|t| (t.0 as usize) < lo);
                for &(t, tf) in b.terms[from..].iter().take_while(|t| (t.0 as usize) < hi) {
                    let at = &mut next[t as usize - lo];
                    part[*at as usize] = (i as u32, tf);
                    *at += 1;
                }
            }
        });
        Postings { starts, entries }
    }

    /// The postings of term `id`, documents in order.
    pub(super) fn of(&self, id: u32) -> &[(u32, f64)] {
        let id = id as usize;
        &self.entries[self.starts[id] as usize..self.starts[id + 1] as usize]
    }
}

/// How many documents' pairs [`Pairs`] sorts together.
const PAIR_CHUNK: usize = 1024;

/// Adjacent term pairs -> the documents that have them, in chunks of
/// [`PAIR_CHUNK`] consecutive documents, each three flat arrays (sorted
/// keys, where each key's documents start, the documents in order).
///
/// Why chunks: a hash map with a list per pair was millions of small
/// allocations, and one table over the whole corpus meant gathering and
/// sorting every (pair, document) entry in one array (3.7 million on the
/// benchmark project, a quarter of the index's time). Chunks are gathered
/// and sorted in parallel, each small enough to stay in cache, and a lookup
/// visits them in order, so a pair's documents still come in document
/// order.
pub(super) struct Pairs {
    pub(super) chunks: Vec<PairChunk>,
}

/// The pairs of [`PAIR_CHUNK`] consecutive documents.
pub(super) struct PairChunk {
    pub(super) keys: Vec<u64>,
    starts: Vec<u32>,
    docs: Vec<u32>,
}

impl Pairs {
    /// From each document's distinct pairs.
    pub(super) fn new(built: &[Built]) -> Pairs {
        let chunks = built
            .par_chunks(PAIR_CHUNK)
            .enumerate()
            .map(|(c, docs)| {
                let mut entries: Vec<(u64, u32)> =
                    Vec::with_capacity(docs.iter().map(|b| b.pairs.len()).sum());
                for (j, b) in docs.iter().enumerate() {
                    let d = (c * PAIR_CHUNK + j) as u32;
                    entries.extend(b.pairs.iter().map(|&p| (p, d)));
                }
                PairChunk::new(entries)
            })
            .collect();
        Pairs { chunks }
    }

    /// The documents, in order, that hold pair `key`: one binary search per
    /// chunk (about 30 at 30,000 claims, for each pair of a question).
    pub(super) fn get(&self, key: u64) -> impl Iterator<Item = &u32> {
        self.chunks.iter().flat_map(move |c| c.get(key))
    }
}

impl PairChunk {
    /// From `(pair, document)` entries, each distinct.
    fn new(mut entries: Vec<(u64, u32)>) -> PairChunk {
        entries.sort_unstable();
        let mut keys = Vec::new();
        let mut starts = Vec::new();
        let mut docs = Vec::with_capacity(entries.len());
        for (i, (k, d)) in entries.into_iter().enumerate() {
            if keys.last() != Some(&k) {
                keys.push(k);
                starts.push(i as u32);
            }
            docs.push(d);
        }
        starts.push(docs.len() as u32);
        PairChunk { keys, starts, docs }
    }

    /// The documents of the `i`th key.
    pub(super) fn docs_at(&self, i: usize) -> &[u32] {
        &self.docs[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// The documents, in order, that hold pair `key` (none if no document
    /// of the chunk does).
    fn get(&self, key: u64) -> &[u32] {
        match self.keys.binary_search(&key) {
            Ok(i) => self.docs_at(i),
            Err(_) => &[],
        }
    }
}
