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

/// Questionnaire vocabulary: each variant phrase is rewritten to the
/// canonical term(s) first in its row; an empty canonical term removes the
/// phrase. Phrases match on words with plural endings removed, so list other
/// inflections explicitly. `#` stands for any number. Each group names one
/// concept, in the words customers and the AIMS use for it.
#[rustfmt::skip]
const SYNONYMS: &[(&str, &[&str])] = &[
    // "the vendor" in a questionnaire is the respondent, not a supplier.
    ("", &["the vendor", "the supplier", "the service provider", "the bidder", "the respondent",
        "your organisation", "your organization", "your company", "iec"]),
    ("train", &["fine tune", "fine tuning", "fine tuned", "finetune", "finetuning", "retrain",
        "retraining", "retrained", "re train", "re training"]),
    ("customer data", &["client data", "personal data", "customer information",
        "client information", "customer content", "tenant data", "user data",
        "personal information", "personally identifiable information", "pii"]),
    ("supplier", &["subprocessor", "sub processor", "third party", "vendor", "subcontractor",
        "service provider", "fourth party"]),
    ("human oversight", &["human review", "human in the loop", "human on the loop",
        "human in command", "human reviewer", "human intervention", "manual review",
        "human control"]),
    ("incident", &["breach", "security event"]),
    ("bias", &["biased", "fairness", "fair", "unfair", "discrimination", "discriminatory",
        "disparate impact"]),
    ("retention", &["retain", "retained", "retaining", "deletion", "delete", "deleted",
        "deleting", "erasure", "erase", "erased", "purge", "purged", "disposal", "how long",
        "retention period", "retention schedule", "kept for", "stored for"]),
    ("ai", &["artificial intelligence", "machine learning", "ml", "genai", "generative ai",
        "gen ai"]),
    ("llm", &["large language model", "foundation model", "gpt"]),
    ("explain", &["explainability", "explainable", "explanation", "interpretability",
        "interpretable"]),
    ("user", &["end user"]),
    ("host", &["store", "stored", "storage", "hosted", "hosting"]),
    ("inform", &["tell", "told", "informed", "made aware", "make aware"]),
    ("top management", &["senior management", "executive management", "executive team",
        "leadership", "ceo", "board of directors"]),
    ("inventory", &["register", "catalogue", "catalog"]),
    ("certification", &["certified", "certificate", "certify"]),
    ("opt out", &["switch off", "turn off", "disable", "disabled", "deactivate", "opt-out",
        "kill switch"]),
    ("penetration test", &["pen test", "pentest", "penetration testing"]),
    ("notify", &["notification", "notice", "notified"]),
    ("label", &["labelled", "labeled", "labelling", "labeling", "disclose", "disclosure",
        "watermark"]),
    // "Where" is how questionnaires ask about location.
    ("residency", &["data location", "data localisation", "data localization", "region",
        "located", "where", "geographic", "geographical", "country", "countries"]),
    ("impact assessment", &["dpia", "algorithmic impact assessment",
        "data protection impact assessment"]),
    ("ai act", &["eu ai act", "european ai act", "artificial intelligence act"]),
    ("staff", &["employee", "personnel", "workforce", "worker"]),
    ("customer", &["client", "tenant"]),
    ("feature", &["functionality", "capability", "capabilities"]),
    // "Responsible" and "response" share a Snowball stem; accountability is
    // the concept questionnaires mean by the former.
    ("accountable", &["responsible", "responsibility", "responsibilities", "accountability",
        "owner", "ownership"]),
    ("attack", &["jailbreak", "jailbreaking", "adversarial"]),
    ("retire", &["decommission", "decommissioned", "decommissioning", "sunset", "end of life"]),
    ("review", &["reassess", "reassessed", "reassessment", "re assess", "re assessed", "revisit"]),
    ("assistant", &["chatbot", "chat bot", "virtual agent", "conversational agent",
        "virtual assistant"]),
    ("quality", &["accuracy", "accurate"]),
    // How fast something must happen: "timelines" against "within 24 hours".
    ("deadline", &["timeline", "timeframe", "time frame", "how quickly", "how soon",
        "within # hour", "within # day", "within # business day", "within # working day",
        "within # minute"]),
    // How often something happens: "how frequently ..." against "every 12 months".
    ("frequency", &["how often", "how frequently", "frequently", "periodically", "regularly",
        "annually", "annual", "quarterly", "monthly", "weekly", "daily", "yearly", "every month",
        "every year", "every quarter", "every week", "every day", "every # month", "every # year",
        "every # week", "every # day", "every # hour", "every # minute"]),
];

/// English function words plus questionnaire boilerplate ("please describe",
/// "provide evidence that") which says how to answer, not what about.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "during", "each", "either", "etc", "for", "from", "further", "had", "has",
    "have", "having", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my", "no", "nor",
    "not", "of", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "per",
    "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "upon", "us", "very", "was", "we", "were", "what", "whatever", "when", "where",
    "whether", "which", "while", "who", "whom", "why", "will", "with", "within", "without",
    "would", "yes", "you", "your", "yours", "s", "t", "e", "g", "eg", "ie", "via",
    // Questionnaire boilerplate.
    "describe", "description", "please", "provide", "provided", "detail", "details", "confirm",
    "indicate", "specify", "outline", "evidence", "documentation", "documented", "document",
    "formal", "formally", "established", "maintain", "maintains", "ensure", "ensures", "process",
    "processes", "procedure", "procedures", "approach", "mechanism", "mechanisms", "place",
    "exist", "exists", "existing", "organisation", "organization", "company", "applicable",
    "relevant", "appropriate", "respect", "regard", "regarding", "related", "including", "include",
    "includes", "supporting", "attach", "share", "list",
];

/// Verbs, nouns and qualifiers that frame a questionnaire item without naming
/// its subject ("Does the vendor engage ...", "Describe your methodology ...",
/// "specific", "prior to", "rather than").
#[rustfmt::skip]
const BOILERPLATE: &[&str] = &[
    "engage", "engages", "engaged", "perform", "performs", "performed", "conduct", "conducts",
    "conducted", "maintained", "offer", "offers", "offered", "receive", "receives", "received",
    "submit", "submits", "submitted", "involve", "involves", "involved", "involving",
    "incorporate", "incorporates", "incorporated", "determine", "determines", "determined",
    "utilize", "utilise", "utilizes", "utilises", "utilized", "utilised", "leverage", "employ",
    "make", "makes", "made", "take", "takes", "taken", "ensured", "address", "addressed", "cover",
    "covers", "covered", "covering", "handle", "handled", "put", "methodology", "methodologies",
    "practice", "practices", "program", "programs", "programme", "programmes", "safeguard",
    "safeguards", "measure", "measures", "activity", "activities", "area", "areas", "aspect",
    "aspects", "manner", "way", "ways", "example", "examples", "instance", "copy", "overview",
    "specific", "specifically", "particular", "certain", "various", "sufficient", "adequate",
    "current", "currently", "recent", "latest", "ongoing", "prior", "toward", "towards", "rather",
    "every", "following", "whereby", "new", "deliver", "delivers", "delivered", "delivering",
    "rely", "relies", "relied", "service", "services",
];

struct Vocab {
    stemmer: Stemmer,
    stop: HashSet<String>,
    /// Variant phrase (light forms) -> canonical words; longest variants first.
    phrases: Vec<(Vec<String>, Vec<String>)>,
}

fn vocab() -> &'static Vocab {
    static V: OnceLock<Vocab> = OnceLock::new();
    V.get_or_init(|| {
        let stop = STOP_WORDS
            .iter()
            .chain(BOILERPLATE)
            .chain(super::vocab::FRAMING)
            .map(|s| s.to_string())
            .collect();
        let mut phrases: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for (canon, variants) in SYNONYMS.iter().chain(super::vocab::DOMAIN) {
            for v in *variants {
                // `#` (any number) becomes a digit so that it survives `words`.
                let light: Vec<String> = words(&v.replace('#', "0"))
                    .iter()
                    .map(|w| light(w))
                    .collect();
                phrases.push((light, words(canon)));
            }
        }
        phrases.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        Vocab {
            stemmer: Stemmer::create(Algorithm::English),
            stop,
            phrases,
        }
    })
}

/// Removes a plural ending only: a lighter touch than stemming, for matching
/// synonym phrases without merging unrelated words (`response`/`responsible`).
fn light(w: &str) -> String {
    if w.chars().all(|c| c.is_ascii_digit()) {
        return "#".into();
    }
    if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
        return format!("{stem}y");
    }
    if w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// Joins a short acronym and the number after it (`SOC 2` -> `soc2`, `ISO
/// 42001` -> `iso42001`): standards differ by their number, and "SOC 1" must
/// not match a page about SOC 2.
fn compounds(ws: Vec<String>, stop: &HashSet<String>) -> Vec<String> {
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

/// Text to index terms: words, synonym phrases, stop words removed, stems.
pub fn analyse(text: &str) -> Vec<String> {
    let v = vocab();
    let ws = compounds(words(text), &v.stop);
    let lights: Vec<String> = ws.iter().map(|w| light(w)).collect();
    let mut out = Vec::with_capacity(ws.len());
    let mut i = 0;
    'outer: while i < ws.len() {
        for (variant, canon) in &v.phrases {
            let n = variant.len();
            if n > 0 && lights.len() >= i + n && lights[i..i + n] == variant[..] {
                out.extend(canon.iter().map(|c| v.stemmer.stem(c).into_owned()));
                i += n;
                continue 'outer;
            }
        }
        // Stop words are listed as written (`process`, not its stem), so that
        // "processing" survives while the boilerplate "process for" does not.
        if !v.stop.contains(&ws[i]) {
            out.push(v.stemmer.stem(&ws[i]).into_owned());
        }
        i += 1;
    }
    out
}

/// Weight of a query term: a standard's identifier (`soc1`, `iso27001`) is
/// the subject of a question, so it counts three times.
fn weight(term: &str) -> f64 {
    let letters = term.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = &term[letters..];
    if letters >= 2 && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        3.0
    } else {
        1.0
    }
}

/// One document of the index: its weighted term frequencies and length.
struct DocStats {
    tf: HashMap<String, f64>,
    len: f64,
}

/// A BM25F index over a fixed list of documents, with postings so that a
/// question costs time in proportion to the documents sharing its terms, not
/// to the size of the corpus (300 questions against 10,000 pages).
pub struct Index {
    docs: Vec<DocStats>,
    df: HashMap<String, usize>,
    /// Term -> (document, weighted term frequency).
    postings: HashMap<String, Vec<(u32, f64)>>,
    /// Adjacent term pairs within one field -> the documents that have them.
    pairs: HashMap<(String, String), Vec<u32>>,
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
    /// IDF-weighted share of the question's terms no document contains.
    pub unseen: f64,
    /// Adjacent question terms that are adjacent in the document too.
    pub phrases: usize,
}

/// Score added per phrase (pair of adjacent question terms found adjacent in
/// a claim), as a share of the pair's mean IDF: words in the same order say
/// more than the same words scattered.
const PHRASE: f64 = 0.25;

impl Index {
    /// Indexes documents given as weighted fields `(text, weight)`.
    pub fn new(docs: &[Vec<(String, f64)>]) -> Index {
        let mut stats = Vec::with_capacity(docs.len());
        let mut df: HashMap<String, usize> = HashMap::new();
        let mut postings: HashMap<String, Vec<(u32, f64)>> = HashMap::new();
        let mut pairs: HashMap<(String, String), Vec<u32>> = HashMap::new();
        for (i, fields) in docs.iter().enumerate() {
            let mut tf: HashMap<String, f64> = HashMap::new();
            let mut seen_pairs: HashSet<(String, String)> = HashSet::new();
            let mut len = 0.0;
            for (text, weight) in fields {
                let terms = analyse(text);
                for w in terms.windows(2) {
                    seen_pairs.insert((w[0].clone(), w[1].clone()));
                }
                for t in terms {
                    *tf.entry(t).or_default() += weight;
                    len += weight;
                }
            }
            for (t, f) in &tf {
                *df.entry(t.clone()).or_default() += 1;
                postings.entry(t.clone()).or_default().push((i as u32, *f));
            }
            for p in seen_pairs {
                pairs.entry(p).or_default().push(i as u32);
            }
            stats.push(DocStats { tf, len });
        }
        let avg_len = stats.iter().map(|d| d.len).sum::<f64>() / stats.len().max(1) as f64;
        Index {
            docs: stats,
            df,
            postings,
            pairs,
            avg_len: avg_len.max(1.0),
        }
    }

    /// Inverse document frequency; a term no document has gets the highest.
    pub fn idf(&self, term: &str) -> f64 {
        let n = self.docs.len() as f64;
        let df = self.df.get(term).copied().unwrap_or(0) as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The query's terms with their IDF and whether `doc` contains them
    /// (for explaining a confidence).
    pub fn explain(&self, query: &str, doc: usize) -> Vec<(String, f64, bool)> {
        self.query_terms(query)
            .into_iter()
            .map(|(t, w)| {
                let has = self.docs.get(doc).is_some_and(|d| d.tf.contains_key(&t));
                (t, w, has)
            })
            .collect()
    }

    /// The query's distinct terms with their weight: IDF, times how often the
    /// question names the concept (a synonym counts as a repetition), times
    /// [`weight`].
    fn query_terms(&self, query: &str) -> Vec<(String, f64)> {
        let mut counts: Vec<(String, f64)> = Vec::new();
        for t in analyse(query) {
            match counts.iter_mut().find(|(c, _)| *c == t) {
                Some(c) => c.1 += 1.0,
                None => counts.push((t, 1.0)),
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
        let q = self.query_terms(query);
        let total: f64 = q.iter().map(|(_, w)| w).sum();
        let unseen: f64 = q
            .iter()
            .filter(|(t, _)| !self.df.contains_key(t))
            .map(|(_, w)| w)
            .sum();
        let unseen = if total > 0.0 { unseen / total } else { 0.0 };
        // Sparse accumulators: only documents sharing a term are touched.
        let mut acc: HashMap<u32, (f64, f64, usize)> = HashMap::new();
        for (t, w) in &q {
            let Some(list) = self.postings.get(t) else {
                continue;
            };
            for &(d, tf) in list {
                let len = self.docs[d as usize].len;
                let norm = K1 * (1.0 - B + B * len / self.avg_len);
                let e = acc.entry(d).or_default();
                e.0 += w * tf * (K1 + 1.0) / (tf + norm);
                e.1 += w;
            }
        }
        let terms = analyse(query);
        let mut asked: HashSet<(&String, &String)> = HashSet::new();
        for p in terms.windows(2).filter(|p| p[0] != p[1]) {
            if !asked.insert((&p[0], &p[1])) {
                continue;
            }
            let Some(list) = self.pairs.get(&(p[0].clone(), p[1].clone())) else {
                continue;
            };
            let bonus = PHRASE * (self.idf(&p[0]) + self.idf(&p[1])) / 2.0;
            for d in list {
                if let Some(e) = acc.get_mut(d) {
                    e.0 += bonus;
                    e.2 += 1;
                }
            }
        }
        let mut hits: Vec<Hit> = acc
            .into_iter()
            .filter(|(_, (score, _, _))| *score > 0.0)
            .map(|(d, (score, covered, phrases))| Hit {
                doc: d as usize,
                score,
                coverage: if total > 0.0 { covered / total } else { 0.0 },
                unseen,
                phrases,
            })
            .collect();
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
        assert_eq!(analyse("SOC 1 report"), vec!["soc1", "report"]);
        assert_eq!(analyse("ISO/IEC 42001"), analyse("ISO 42001"));
        assert_eq!(
            analyse("reviewed every 12 months"),
            analyse("reviewed how often")
        );
        assert_ne!(analyse("responsible"), analyse("response"));
    }

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
}
