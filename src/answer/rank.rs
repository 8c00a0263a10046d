//! Ranking: BM25F over the claims corpus, with Snowball stemming, stop words
//! and a small table of questionnaire vocabulary.
//!
//! Text goes through one [`analyse`] function on both sides (documents and
//! questions), so a synonym or a stem can never match on one side only:
//! fold accents, split into words, stem, rewrite synonym phrases to one
//! canonical term, drop stop words.
//!
//! Besides the score, each hit carries its *coverage*: the share of the
//! question's information (IDF-weighted terms) that the claim contains. A term
//! the corpus has never seen counts with the highest IDF, which is what makes
//! questions about things the organisation never wrote about ("cyber insurance
//! limits") score low however well their common words match.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalisation.
const B: f64 = 0.75;

/// Questionnaire vocabulary: each variant phrase (any inflection, since
/// phrases are matched on stems) is rewritten to the canonical term(s) first
/// in its row. An empty canonical term removes the phrase. The groups name
/// one concept each, in the words customers and the AIMS use for it.
const SYNONYMS: &[(&str, &[&str])] = &[
    // "the vendor" in a questionnaire is the respondent, not a supplier.
    (
        "",
        &[
            "the vendor",
            "the service provider",
            "the bidder",
            "the respondent",
            "your organisation",
            "your organization",
            "your company",
        ],
    ),
    (
        "train",
        &["fine tune", "fine-tune", "finetune", "retrain", "re-train"],
    ),
    (
        "customer data",
        &[
            "client data",
            "personal data",
            "customer information",
            "client information",
            "customer content",
            "tenant data",
            "user data",
            "personal information",
            "personally identifiable information",
            "pii",
        ],
    ),
    (
        "supplier",
        &[
            "subprocessor",
            "sub processor",
            "third party",
            "vendor",
            "subcontractor",
            "service provider",
            "fourth party",
        ],
    ),
    (
        "human oversight",
        &[
            "human review",
            "human in the loop",
            "human on the loop",
            "human in command",
            "human reviewer",
            "human intervention",
            "manual review",
            "human control",
        ],
    ),
    ("incident", &["breach", "security event"]),
    (
        "bias",
        &[
            "fairness",
            "fair",
            "discrimination",
            "discriminatory",
            "disparate impact",
        ],
    ),
    (
        "retention",
        &[
            "retain", "deletion", "delete", "erasure", "erase", "purge", "disposal",
        ],
    ),
    (
        "ai",
        &[
            "artificial intelligence",
            "machine learning",
            "ml",
            "genai",
            "generative ai",
            "gen ai",
        ],
    ),
    ("llm", &["large language model", "foundation model", "gpt"]),
    (
        "explain",
        &[
            "explainability",
            "explainable",
            "interpretability",
            "interpretable",
        ],
    ),
    ("inventory", &["register", "catalogue", "catalog"]),
    ("certification", &["certified", "certificate", "certify"]),
    (
        "opt out",
        &[
            "switch off",
            "turn off",
            "disable",
            "deactivate",
            "opt-out",
            "kill switch",
        ],
    ),
    ("penetration test", &["pen test", "pentest"]),
    ("notify", &["notification", "notice"]),
    ("label", &["disclose", "disclosure", "watermark"]),
    (
        "residency",
        &[
            "data location",
            "data localisation",
            "data localization",
            "region",
            "located",
        ],
    ),
    (
        "impact assessment",
        &[
            "dpia",
            "algorithmic impact assessment",
            "data protection impact assessment",
        ],
    ),
    (
        "ai act",
        &[
            "eu ai act",
            "european ai act",
            "artificial intelligence act",
        ],
    ),
    ("staff", &["employee", "personnel", "workforce", "worker"]),
    ("customer", &["client", "tenant"]),
];

/// English function words plus questionnaire boilerplate ("please describe",
/// "provide evidence that") which says how to answer, not what about.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "either",
    "etc",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "no",
    "nor",
    "not",
    "of",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "whatever",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yes",
    "you",
    "your",
    "yours",
    "s",
    "t",
    "e",
    "g",
    "eg",
    "ie",
    "via",
    // Questionnaire boilerplate.
    "describe",
    "description",
    "please",
    "provide",
    "provided",
    "detail",
    "details",
    "confirm",
    "indicate",
    "specify",
    "outline",
    "evidence",
    "documentation",
    "documented",
    "document",
    "formal",
    "formally",
    "established",
    "maintain",
    "maintains",
    "ensure",
    "ensures",
    "process",
    "processes",
    "procedure",
    "procedures",
    "approach",
    "mechanism",
    "mechanisms",
    "place",
    "exist",
    "exists",
    "existing",
    "organisation",
    "organization",
    "company",
    "applicable",
    "relevant",
    "appropriate",
    "respect",
    "regard",
    "regarding",
    "related",
    "including",
    "include",
    "includes",
    "supporting",
    "attach",
    "share",
    "list",
];

struct Vocab {
    stemmer: Stemmer,
    stop: HashSet<String>,
    /// Variant phrase (as stems) -> canonical stems; longest variants first.
    phrases: Vec<(Vec<String>, Vec<String>)>,
}

fn vocab() -> &'static Vocab {
    static V: OnceLock<Vocab> = OnceLock::new();
    V.get_or_init(|| {
        let stemmer = Stemmer::create(Algorithm::English);
        let stems = |s: &str| -> Vec<String> {
            words(s)
                .iter()
                .map(|w| stemmer.stem(w).into_owned())
                .collect()
        };
        let stop = STOP_WORDS.iter().map(|s| s.to_string()).collect();
        let mut phrases: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for (canon, variants) in SYNONYMS {
            for v in *variants {
                phrases.push((stems(v), stems(canon)));
            }
        }
        phrases.sort_by(|a, b| b.0.len().cmp(&a.0.len()));
        Vocab {
            stemmer,
            stop,
            phrases,
        }
    })
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

/// Lowercase words. A dot between letters or digits stays inside the word, so
/// control ids (`A.6.2.4`) and versions are one term.
pub fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold)
        .collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, c) in chars.iter().enumerate() {
        let inner_dot =
            *c == '.' && !cur.is_empty() && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() || inner_dot {
            cur.push(*c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Text to index terms: words, stems, synonym phrases, stop words removed.
pub fn analyse(text: &str) -> Vec<String> {
    let v = vocab();
    let ws = words(text);
    let stop: Vec<bool> = ws.iter().map(|w| v.stop.contains(w)).collect();
    let stems: Vec<String> = ws.iter().map(|w| v.stemmer.stem(w).into_owned()).collect();
    let mut out = Vec::with_capacity(stems.len());
    let mut i = 0;
    'outer: while i < stems.len() {
        for (variant, canon) in &v.phrases {
            let n = variant.len();
            if n > 0 && stems.len() >= i + n && stems[i..i + n] == variant[..] {
                out.extend(canon.iter().filter(|c| !v.stop.contains(*c)).cloned());
                i += n;
                continue 'outer;
            }
        }
        // Stop words are listed as written (`process`, not its stem), so that
        // "processing" survives while the boilerplate "process for" does not.
        if !stop[i] {
            out.push(stems[i].clone());
        }
        i += 1;
    }
    out
}

/// One document of the index: weighted fields (e.g. a title counted 3 times).
struct DocStats {
    tf: HashMap<String, f64>,
    len: f64,
}

/// A BM25F index over a fixed list of documents.
pub struct Index {
    docs: Vec<DocStats>,
    df: HashMap<String, usize>,
    avg_len: f64,
}

/// A ranked document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Position in the list the index was built from.
    pub doc: usize,
    pub score: f64,
    /// IDF-weighted share of the question's terms the document contains (0–1).
    pub coverage: f64,
}

impl Index {
    /// Indexes documents given as weighted fields `(text, weight)`.
    pub fn new(docs: &[Vec<(String, f64)>]) -> Index {
        let mut stats = Vec::with_capacity(docs.len());
        let mut df: HashMap<String, usize> = HashMap::new();
        for fields in docs {
            let mut tf: HashMap<String, f64> = HashMap::new();
            let mut len = 0.0;
            for (text, weight) in fields {
                for t in analyse(text) {
                    *tf.entry(t).or_default() += weight;
                    len += weight;
                }
            }
            for t in tf.keys() {
                *df.entry(t.clone()).or_default() += 1;
            }
            stats.push(DocStats { tf, len });
        }
        let avg_len = stats.iter().map(|d| d.len).sum::<f64>() / stats.len().max(1) as f64;
        Index {
            docs: stats,
            df,
            avg_len: avg_len.max(1.0),
        }
    }

    /// Inverse document frequency; a term no document has gets the highest.
    pub fn idf(&self, term: &str) -> f64 {
        let n = self.docs.len() as f64;
        let df = self.df.get(term).copied().unwrap_or(0) as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// Documents ranked for `query`, best first, ties by position; documents
    /// sharing no term with the query are left out.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let mut terms = analyse(query);
        terms.sort();
        terms.dedup();
        let idf: Vec<f64> = terms.iter().map(|t| self.idf(t)).collect();
        let total: f64 = idf.iter().sum();
        let mut hits = Vec::new();
        for (i, d) in self.docs.iter().enumerate() {
            let mut score = 0.0;
            let mut covered = 0.0;
            for (t, w) in terms.iter().zip(&idf) {
                let Some(tf) = d.tf.get(t) else { continue };
                let norm = K1 * (1.0 - B + B * d.len / self.avg_len);
                score += w * tf * (K1 + 1.0) / (tf + norm);
                covered += w;
            }
            if score > 0.0 {
                hits.push(Hit {
                    doc: i,
                    score,
                    coverage: if total > 0.0 { covered / total } else { 0.0 },
                });
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_synonyms_meet_on_both_sides() {
        assert_eq!(analyse("fine-tuning"), analyse("train"));
        assert_eq!(analyse("sub-processors"), vec!["supplier"]);
        assert_eq!(analyse("Third parties"), vec!["supplier"]);
        assert_eq!(
            analyse("Does the vendor retain client data?"),
            analyse("retention customer data")
        );
        assert_eq!(analyse("human-in-the-loop"), analyse("human oversight"));
        assert_eq!(analyse("Résumé"), analyse("resume"));
        assert_eq!(words("Control A.6.2.4."), vec!["control", "a.6.2.4"]);
    }

    #[test]
    fn bm25_prefers_the_document_about_the_question() {
        let docs = vec![
            vec![("How long do you keep logs".to_string(), 3.0)],
            vec![("We train no models on customer data".to_string(), 3.0)],
        ];
        let idx = Index::new(&docs);
        let hits = idx.search("Is client data used for fine-tuning?");
        assert_eq!(hits[0].doc, 1);
        assert!(hits[0].coverage > 0.99);
        let unseen = idx.search("cyber insurance for customer data");
        assert!(unseen[0].coverage < 0.5);
    }
}
