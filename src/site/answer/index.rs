//! The BM25F index behind [`super::rank`]: terms interned as `u32` ids,
//! postings per term, each document's length normalisation computed once,
//! and a dense score accumulator per question.
//!
//! Why it is built this way: the 10,000-page benchmark project has some
//! 30,000 claims, and both sides must be fast (issue #17: 300 questions in
//! under 2 s after the model is built). Indexing analyses the claims in
//! parallel (the analysis of one claim depends on nothing else) and then
//! interns their terms in claim order, so ids, postings and every floating
//! point sum are the same whatever the number of threads. A question only
//! touches the postings of its own terms.
//!
//! Scores are summed in the same order as the first, string-keyed version
//! of this index (question terms in sorted order, documents in order), so
//! the figures of `docs/answer.md` are bit-for-bit the same.

use super::postings::{pair_key, Pairs, Postings};
use super::rank::{analyse, analyse_numbered, weight};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalisation.
const B: f64 = 0.75;

/// Score added per phrase (pair of adjacent question terms found adjacent in
/// a claim), as a share of the pair's mean IDF: words in the same order say
/// more than the same words scattered.
const PHRASE: f64 = 0.25;

/// A multiply-rotate hasher (the one rustc uses) for the index's own keys:
/// they come from the project's own content, not from a remote party, and
/// SipHash was among the largest costs of indexing in a profile.
#[derive(Default, Clone, Copy)]
pub(super) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed with [`Fx`] (the analyser's tables use it too).
pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A BM25F index over a fixed list of documents, with postings so that a
/// question costs time in proportion to the documents sharing its terms, not
/// to the size of the corpus (300 questions against 10,000 pages).
pub struct Index {
    /// Term -> its id (its list in `postings`, see [`Postings::of`]).
    ids: FxMap<String, u32>,
    /// Term id -> (document, weighted term frequency), documents in order.
    postings: Postings,
    /// How many documents it holds.
    docs: usize,
    /// Document -> `K1 * (1 - B + B * len / avg_len)`, the BM25 denominator
    /// part that depends on the document only.
    norms: Vec<f64>,
    /// Adjacent term pairs within one field -> the documents that have them.
    pairs: Pairs,
}

/// What the index holds about one document ([`Index::contents`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Contents {
    /// Its distinct terms, sorted, each with its weighted frequency.
    pub terms: Vec<(String, f64)>,
    /// Its distinct adjacent term pairs within a field, sorted.
    pub pairs: Vec<(String, String)>,
    /// `K1 * (1 - B + B * len / avg_len)`.
    pub norm: f64,
}

/// A ranked document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Position in the list the index was built from.
    pub doc: usize,
    pub score: f64,
    /// IDF-weighted share of the question's terms the document contains (0–1).
    pub coverage: f64,
    /// IDF-weighted share of the question's terms no document contains.
    pub unseen: f64,
    /// Adjacent question terms that are adjacent in the document too.
    pub phrases: usize,
}

/// Per-question accumulator of one document.
#[derive(Default, Clone, Copy)]
struct Acc {
    score: f64,
    covered: f64,
    phrases: usize,
    touched: bool,
}

impl Index {
    /// Indexes documents given as weighted fields `(text, weight)`.
    ///
    /// Term ids are given in order of first occurrence, claim by claim, as
    /// if every occurrence were interned in turn; but only the claim's
    /// distinct terms are looked up in the shared table, and everything else
    /// (analysis, frequencies, pairs) is done per claim in parallel: the
    /// single-threaded interning of every occurrence was a third of the
    /// index's time on the benchmark project.
    pub fn new(docs: &[Vec<(String, f64)>]) -> Index {
        Index::from_fn(docs.len(), |i| {
            docs[i].iter().map(|(t, w)| (t.as_str(), *w)).collect()
        })
    }

    /// [`Index::new`] over `n` documents whose fields `fields(i)` gives: each
    /// document's fields are made, analysed and dropped in parallel, so the
    /// caller need not hold every field's copy at once.
    pub fn from_fn<S: AsRef<str>>(
        n: usize,
        fields: impl Fn(usize) -> Vec<(S, f64)> + Sync,
    ) -> Index {
        let locals: Vec<Local> = (0..n)
            .into_par_iter()
            .map(|i| Local::new(&fields(i)))
            .collect();
        let mut ids: FxMap<String, u32> = FxMap::default();
        let global: Vec<Vec<u32>> = locals
            .iter()
            .map(|l| {
                l.terms()
                    .map(|t| match ids.get(t) {
                        Some(&id) => id,
                        None => {
                            let id = ids.len() as u32;
                            ids.insert(t.to_string(), id);
                            id
                        }
                    })
                    .collect()
            })
            .collect();
        let built: Vec<Built> = locals
            .into_par_iter()
            .zip(global)
            .map(|(l, g)| l.build(&g))
            .collect();
        let postings = Postings::new(&built, ids.len());
        let pairs = Pairs::new(&built);
        let lens: Vec<f64> = built.iter().map(|b| b.len).collect();
        let avg_len = (lens.iter().sum::<f64>() / lens.len().max(1) as f64).max(1.0);
        let norms = lens
            .iter()
            .map(|len| K1 * (1.0 - B + B * len / avg_len))
            .collect();
        Index {
            ids,
            postings,
            docs: n,
            norms,
            pairs,
        }
    }

    /// Every document's terms (sorted, with their weighted frequency), its
    /// adjacent pairs (sorted) and its length normalisation, by term rather
    /// than by id: what the index holds, in a form a test can compare with
    /// an analysis of the same fields done another way.
    pub fn contents(&self) -> Vec<Contents> {
        let mut names = vec![""; self.ids.len()];
        for (t, &id) in &self.ids {
            names[id as usize] = t;
        }
        let mut out: Vec<Contents> = self
            .norms
            .iter()
            .map(|&norm| Contents {
                terms: Vec::new(),
                pairs: Vec::new(),
                norm,
            })
            .collect();
        for (id, name) in names.iter().enumerate() {
            for &(d, tf) in self.postings.of(id as u32) {
                out[d as usize].terms.push((name.to_string(), tf));
            }
        }
        for chunk in &self.pairs.chunks {
            for (i, &key) in chunk.keys.iter().enumerate() {
                let (a, b) = (names[(key >> 32) as usize], names[key as u32 as usize]);
                for &d in chunk.docs_at(i) {
                    out[d as usize].pairs.push((a.to_string(), b.to_string()));
                }
            }
        }
        for c in &mut out {
            c.terms.sort_by(|x, y| x.0.cmp(&y.0));
            c.pairs.sort();
        }
        out
    }

    fn df(&self, term: &str) -> usize {
        self.ids
            .get(term)
            .map_or(0, |&id| self.postings.of(id).len())
    }

    /// Inverse document frequency; a term no document has gets the highest.
    pub fn idf(&self, term: &str) -> f64 {
        let n = self.docs as f64;
        let df = self.df(term) as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The query's terms with their IDF and whether `doc` contains them
    /// (for explaining a confidence).
    pub fn explain(&self, query: &str, doc: usize) -> Vec<(String, f64, bool)> {
        self.query_terms(&analyse(query))
            .into_iter()
            .map(|(t, w)| {
                let has = self.ids.get(&t).is_some_and(|&id| {
                    let list = self.postings.of(id);
                    list.binary_search_by_key(&(doc as u32), |p| p.0).is_ok()
                });
                (t, w, has)
            })
            .collect()
    }

    /// The query's distinct terms, sorted, with their weight: IDF, times how
    /// often the question names the concept (a synonym counts as a
    /// repetition), times [`weight`].
    fn query_terms(&self, analysed: &[String]) -> Vec<(String, f64)> {
        let mut counts: Vec<(String, f64)> = Vec::new();
        for t in analysed {
            match counts.iter_mut().find(|(c, _)| c == t) {
                Some(c) => c.1 += 1.0,
                None => counts.push((t.clone(), 1.0)),
            }
        }
        counts.sort_by(|a, b| a.0.cmp(&b.0));
        counts
            .into_iter()
            .map(|(t, n)| {
                let w = self.idf(&t) * weight(&t) * n;
                (t, w)
            })
            .collect()
    }

    /// Documents ranked for `query`, best first, ties by position; documents
    /// sharing no term with the query are left out.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let mut hits = self.hits(query);
        sort(&mut hits);
        hits
    }

    /// [`Index::search`] unsorted, for a caller that re-scores the hits and
    /// sorts them once itself.
    pub fn hits(&self, query: &str) -> Vec<Hit> {
        let terms = analyse(query);
        let q = self.query_terms(&terms);
        let total: f64 = q.iter().map(|(_, w)| w).sum();
        let unseen: f64 = q
            .iter()
            .filter(|(t, _)| !self.ids.contains_key(t))
            .map(|(_, w)| w)
            .sum();
        let unseen = if total > 0.0 { unseen / total } else { 0.0 };
        // Dense accumulators, but only the touched documents are read back.
        let mut acc = vec![Acc::default(); self.docs];
        let mut touched: Vec<u32> = Vec::new();
        for (t, w) in &q {
            let Some(&id) = self.ids.get(t) else { continue };
            for &(d, tf) in self.postings.of(id) {
                let norm = self.norms[d as usize];
                let e = &mut acc[d as usize];
                if !e.touched {
                    e.touched = true;
                    touched.push(d);
                }
                e.score += w * tf * (K1 + 1.0) / (tf + norm);
                e.covered += w;
            }
        }
        self.add_phrases(&terms, &mut acc);
        touched
            .into_iter()
            .map(|d| (d, acc[d as usize]))
            .filter(|(_, e)| e.score > 0.0)
            .map(|(d, e)| Hit {
                doc: d as usize,
                score: e.score,
                coverage: if total > 0.0 { e.covered / total } else { 0.0 },
                unseen,
                phrases: e.phrases,
            })
            .collect()
    }

    /// Adds the phrase bonus to documents already scored that hold a pair of
    /// adjacent question terms as a pair.
    fn add_phrases(&self, terms: &[String], acc: &mut [Acc]) {
        let mut asked: Vec<(&String, &String)> = Vec::new();
        for p in terms.windows(2).filter(|p| p[0] != p[1]) {
            if asked.contains(&(&p[0], &p[1])) {
                continue;
            }
            asked.push((&p[0], &p[1]));
            let (Some(&a), Some(&b)) = (self.ids.get(&p[0]), self.ids.get(&p[1])) else {
                continue;
            };
            let bonus = PHRASE * (self.idf(&p[0]) + self.idf(&p[1])) / 2.0;
            for &d in self.pairs.get(pair_key(a, b)) {
                let e = &mut acc[d as usize];
                if e.touched {
                    e.score += bonus;
                    e.phrases += 1;
                }
            }
        }
    }
}

/// One document analysed, with its terms numbered locally in order of
/// first occurrence: everything about it that does not need the shared term
/// ids, computed in parallel with the other documents.
struct Local {
    /// The distinct terms, in order of first occurrence, end to end (one
    /// allocation per document, not per term).
    text: String,
    /// Where each term ends in `text`.
    ends: Vec<u32>,
    /// The weighted frequency of each of `terms`, summed in text order.
    tfs: Vec<f64>,
    /// Its adjacent pairs within a field, as local numbers, sorted and
    /// distinct.
    pairs: Vec<u64>,
    /// Its weighted length.
    len: f64,
}

/// One document's part of the index, with global term ids.
pub(super) struct Built {
    /// Its distinct term ids, sorted, each with its weighted frequency.
    pub(super) terms: Vec<(u32, f64)>,
    /// Its adjacent pairs within a field, sorted and distinct.
    pub(super) pairs: Vec<u64>,
    /// Its weighted length.
    len: f64,
}

thread_local! {
    /// Term number on this thread ([`analyse_numbered`]) -> (the document
    /// it was last seen in, its local number there): a claim's distinct
    /// terms are found by indexing this array, not by hashing each
    /// occurrence. Documents are told apart by a count that only grows.
    static SEEN: RefCell<(u32, Vec<(u32, u32)>)> = const { RefCell::new((0, Vec::new())) };
}

thread_local! {
    /// The claim being analysed on this thread: its buffers grow to the
    /// largest claim once and are reused (growing fresh ones for every
    /// claim was much of the index's fresh memory, which is slow here).
    static BUILDING: RefCell<Local> = const {
        RefCell::new(Local {
            text: String::new(),
            ends: Vec::new(),
            tfs: Vec::new(),
            pairs: Vec::new(),
            len: 0.0,
        })
    };
}

impl Local {
    fn new<S: AsRef<str>>(fields: &[(S, f64)]) -> Local {
        BUILDING.with(|building| {
            let mut local = building.borrow_mut();
            // Emptied first, not after: a panic that unwound out of an
            // earlier claim on this (long-lived) worker must not leave its
            // terms in the next one.
            local.text.clear();
            local.ends.clear();
            local.tfs.clear();
            local.pairs.clear();
            local.len = 0.0;
            local.fill(fields);
            local.pairs.sort_unstable();
            local.pairs.dedup();
            // Exact-size copies; the buffers stay for the next claim.
            Local {
                text: local.text.clone(),
                ends: local.ends.clone(),
                tfs: local.tfs.clone(),
                pairs: local.pairs.clone(),
                len: local.len,
            }
        })
    }

    /// Analyses `fields` into this (empty) local.
    fn fill<S: AsRef<str>>(&mut self, fields: &[(S, f64)]) {
        let local = self;
        SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            let (count, slots) = &mut *seen;
            // A fresh slot holds document 0: documents count from 1, and
            // the slots start afresh rather than let the count wrap around.
            if *count == u32::MAX {
                *count = 0;
                slots.clear();
            }
            *count += 1;
            let doc = *count;
            for (text, w) in fields {
                let mut prev: Option<u32> = None;
                analyse_numbered(text.as_ref(), &mut |t, id| {
                    let id = id as usize;
                    if slots.len() <= id {
                        slots.resize(id + 1, (0, 0));
                    }
                    let n = match slots[id] {
                        (d, n) if d == doc => n,
                        _ => {
                            let n = local.ends.len() as u32;
                            slots[id] = (doc, n);
                            local.text.push_str(t);
                            local.ends.push(local.text.len() as u32);
                            local.tfs.push(0.0);
                            n
                        }
                    };
                    if let Some(p) = prev {
                        local.pairs.push(pair_key(p, n));
                    }
                    prev = Some(n);
                    // In text order, as the frequency was always summed.
                    local.tfs[n as usize] += *w;
                    local.len += *w;
                });
            }
        });
    }

    /// The distinct terms, in order of first occurrence.
    fn terms(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(a, &b)| &self.text[a as usize..b as usize])
    }

    /// Frequencies, pairs and length, with `global[n]` the id of local term
    /// `n`; the pairs are renumbered in place (fresh memory is slow).
    fn build(self, global: &[u32]) -> Built {
        let mut terms: Vec<(u32, f64)> = global.iter().copied().zip(self.tfs).collect();
        // The ids are distinct: an unstable sort has one possible result.
        terms.sort_unstable_by_key(|t| t.0);
        let g = |n: u64| global[n as usize];
        let mut pairs = self.pairs;
        for p in &mut pairs {
            *p = pair_key(g(*p >> 32), g(*p & 0xffff_ffff));
        }
        // The local pairs are distinct and the numbering is one to one.
        pairs.sort_unstable();
        Built {
            terms,
            pairs,
            len: self.len,
        }
    }
}

/// The ranking order: best score first, ties by position. Positions are
/// unique, so the order is total and an unstable sort or selection gives the
/// one possible result.
pub fn order(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc))
}

/// Sorts hits in [`order`].
pub fn sort(hits: &mut [Hit]) {
    hits.sort_unstable_by(order);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bm25_prefers_the_document_about_the_question() {
        let docs = vec![
            vec![("How long do you keep logs".to_string(), 3.0)],
            vec![("We use no customer data to train models".to_string(), 3.0)],
        ];
        let idx = Index::new(&docs);
        let hits = idx.search("Is client data used for fine-tuning?");
        assert_eq!(hits[0].doc, 1);
        assert!(hits[0].coverage > 0.99);
        let unseen = idx.search("cyber insurance for customer data");
        assert!(unseen[0].coverage < 0.5);
    }

    #[test]
    fn phrases_count_only_adjacent_pairs_in_one_field() {
        let docs = vec![
            vec![("incident response plan".to_string(), 1.0)],
            vec![
                ("response".to_string(), 1.0),
                ("plan incident".to_string(), 1.0),
            ],
        ];
        let idx = Index::new(&docs);
        let hits = idx.search("incident response");
        assert_eq!(hits[0].doc, 0);
        assert_eq!(hits[0].phrases, 1);
        assert_eq!(hits[1].phrases, 0);
        assert!(idx.explain("incident response", 1).iter().all(|t| t.2));
    }
}
