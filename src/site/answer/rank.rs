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

use super::index::{Fx, FxMap};
use rust_stemmers::{Algorithm, Stemmer};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

pub use super::index::{order, sort, Contents, Hit, Index};
#[cfg(test)]
use super::words::compounds;
use super::words::split_words;
pub use super::words::words;

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
    // Function words of the usual English stop lists that were missing:
    // "cannot" made "What it can and cannot do" a heading match.
    "cannot", "against", "between", "below", "off", "few", "because", "although", "though",
    "however", "therefore", "thus", "whose", "another", "across", "among", "ourselves",
    "themselves", "yourself", "yourselves", "myself", "himself", "herself", "ought",
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
    stop: HashSet<String, BuildHasherDefault<Fx>>,
    /// Variant phrase (light forms) -> stemmed canonical terms; longest
    /// variants first.
    phrases: Vec<(Vec<String>, Vec<String>)>,
    /// First word of a variant -> its phrases, in the order of `phrases`: a
    /// word is compared only with the variants it can start (comparing every
    /// word with the whole table was the largest cost of indexing a large
    /// project in a profile).
    by_first: FxMap<String, Vec<usize>>,
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
        let stemmer = Stemmer::create(Algorithm::English);
        let mut phrases: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for (canon, variants) in SYNONYMS.iter().chain(super::vocab::DOMAIN) {
            for v in *variants {
                // `#` (any number) becomes a digit so that it survives `words`.
                let light: Vec<String> = words(&v.replace('#', "0"))
                    .iter()
                    .map(|w| light(w))
                    .collect();
                let stems = words(canon)
                    .iter()
                    .map(|c| stemmer.stem(c).into_owned())
                    .collect();
                phrases.push((light, stems));
            }
        }
        phrases.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        let mut by_first: FxMap<String, Vec<usize>> = FxMap::default();
        for (i, (variant, _)) in phrases.iter().enumerate() {
            if let Some(first) = variant.first() {
                by_first.entry(first.clone()).or_default().push(i);
            }
        }
        Vocab {
            stemmer,
            stop,
            phrases,
            by_first,
        }
    })
}

/// Removes a plural ending only: a lighter touch than stemming, for matching
/// synonym phrases without merging unrelated words (`response`/`responsible`).
fn light(w: &str) -> String {
    light_cow(w).into_owned()
}

/// [`light`], borrowing `w` (or a part of it) when nothing is added: most
/// words need no copy, and a copy per word showed in a profile.
fn light_cow(w: &str) -> Cow<'_, str> {
    if w.chars().all(|c| c.is_ascii_digit()) {
        return Cow::Borrowed("#");
    }
    if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
        return Cow::Owned(format!("{stem}y"));
    }
    if w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        return Cow::Borrowed(&w[..w.len() - 1]);
    }
    Cow::Borrowed(w)
}

/// Text to index terms: words, synonym phrases, stop words removed, stems.
pub fn analyse(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    analyse_each(text, &mut |t| out.push(t.to_string()));
    out
}

/// [`analyse`], calling `f` with each term in turn instead of collecting
/// them: the index keeps each distinct term of a claim once, and a copy of
/// every occurrence was a large part of indexing a large project. `f` must
/// not analyse text itself (the word cache is borrowed while it runs).
pub(super) fn analyse_each(text: &str, f: &mut dyn FnMut(&str)) {
    analyse_numbered(text, &mut |t, _| f(t))
}

/// [`analyse_each`], with each term's number on this thread: the same term
/// always has the same number on one thread (numbers are dense from 0, in
/// order of first sight), so the index can tell a claim's distinct terms
/// apart with an array instead of hashing every occurrence's string. The
/// numbers of two threads have nothing in common.
pub(super) fn analyse_numbered(text: &str, f: &mut dyn FnMut(&str, u32)) {
    let v = vocab();
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let (buf, ws) = &mut *scratch;
        buf.clear();
        ws.clear();
        split_words(text, &v.stop, buf, ws);
        numbered(v, buf, ws, f);
    })
}

/// The terms of the words `ws` of `buf` (see [`analyse_numbered`]).
fn numbered(v: &Vocab, buf: &str, ws: &[(usize, usize)], f: &mut dyn FnMut(&str, u32)) {
    let word = |k: usize| &buf[ws[k].0..ws[k].1];
    WORDS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let Cache { words, terms } = &mut *cache;
        let mut i = 0;
        'outer: while i < ws.len() {
            let w = word(i);
            // One lookup for a word seen before (nearly every word).
            let info = match words.get(w) {
                Some(info) => info,
                None => {
                    let info = Word::new(v, w, terms);
                    words.entry(w.to_string()).or_insert(info)
                }
            };
            if info.phrase {
                let first = light_cow(w);
                for &p in v.by_first.get(first.as_ref()).into_iter().flatten() {
                    let (variant, canon) = &v.phrases[p];
                    let n = variant.len();
                    if ws.len() >= i + n
                        && (i..i + n)
                            .zip(variant)
                            .all(|(j, v)| light_cow(word(j)).as_ref() == v.as_str())
                    {
                        canon.iter().for_each(|c| f(c, number(terms, c)));
                        i += n;
                        continue 'outer;
                    }
                }
            }
            if let Some((t, n)) = &info.term {
                f(t, *n);
            }
            i += 1;
        }
    })
}

/// The number of `term` on this thread (see [`analyse_numbered`]).
fn number(terms: &mut FxMap<String, u32>, term: &str) -> u32 {
    match terms.get(term) {
        Some(&n) => n,
        None => {
            let n = terms.len() as u32;
            terms.insert(term.to_string(), n);
            n
        }
    }
}

/// The analysis's memory on one thread.
#[derive(Default)]
struct Cache {
    /// Every word analysed, with what it contributes (see [`Word`]).
    words: FxMap<String, Word>,
    /// Every term produced, with its number on this thread.
    terms: FxMap<String, u32>,
}

thread_local! {
    /// The words of the text being analysed on this thread, end to end, and
    /// each one's range: kept between analyses, because a fresh buffer per
    /// text was a large part of indexing a large project (on a virtual
    /// machine, memory the process has not touched yet is slow).
    static SCRATCH: RefCell<(String, Vec<(usize, usize)>)> = const { RefCell::new((String::new(), Vec::new())) };
}

thread_local! {
    /// Every word analysed on this thread, with what it contributes (see
    /// [`Word`]), and the terms numbered: a corpus repeats its words, and
    /// looking each up in the phrase table, the stop words and the stemmer
    /// in turn showed in a profile.
    static WORDS: RefCell<Cache> = RefCell::new(Cache::default());
}

/// What a word contributes to an analysis, known from the word alone.
struct Word {
    /// Its light form starts a synonym phrase: the words after it decide.
    phrase: bool,
    /// Its stem and the stem's number on this thread, or `None` for a stop
    /// word (stop words are listed as written, `process`, not its stem, so
    /// that "processing" survives while the boilerplate "process for" does
    /// not).
    term: Option<(String, u32)>,
}

impl Word {
    fn new(v: &Vocab, w: &str, terms: &mut FxMap<String, u32>) -> Word {
        let term = (!v.stop.contains(w)).then(|| v.stemmer.stem(w).into_owned());
        Word {
            phrase: v.by_first.contains_key(light_cow(w).as_ref()),
            term: term.map(|t| {
                let n = number(terms, &t);
                (t, n)
            }),
        }
    }
}

/// Weight of a query term: a standard's identifier (`soc1`, `iso27001`) is
/// the subject of a question, so it counts three times.
pub(super) fn weight(term: &str) -> f64 {
    let letters = term.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = &term[letters..];
    if letters >= 2 && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        3.0
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysis word by word, as it was before the word cache: words,
    /// compounds, light forms, the phrase table, stop words, stems. The
    /// cached [`analyse`] must give the same terms.
    fn reference(text: &str) -> Vec<String> {
        let v = vocab();
        let ws = compounds(words(text), &v.stop);
        let lights: Vec<String> = ws.iter().map(|w| light(w)).collect();
        let mut out = Vec::new();
        let mut i = 0;
        'outer: while i < ws.len() {
            for &p in v.by_first.get(&lights[i]).into_iter().flatten() {
                let (variant, canon) = &v.phrases[p];
                let n = variant.len();
                if lights.len() >= i + n && lights[i..i + n] == variant[..] {
                    out.extend(canon.iter().cloned());
                    i += n;
                    continue 'outer;
                }
            }
            if !v.stop.contains(&ws[i]) {
                out.push(v.stemmer.stem(&ws[i]).into_owned());
            }
            i += 1;
        }
        out
    }

    #[test]
    fn cached_analysis_equals_the_word_by_word_reference() {
        let mut texts: Vec<String> = [
            "ISO/IEC 42001 and ISO 27001:2022, SOC 2 Type II, soc 1 2 3, iso iec iec",
            "Does the vendor fine-tune models on client data? Third parties; sub-processors.",
            "Control A.6.2.4. Version 1.2.3 . .5 a.b. Ünïcödé RÉSUMÉ İstanbul ß ǅ",
            "human-in-the-loop human in the loop review, reviewed every 12 months",
            "processes processing process for policies policy's the  vendor's",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every Markdown file of the example project, whole.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if let Ok(t) = std::fs::read_to_string(&p) {
                    texts.push(t);
                }
            }
        }
        assert!(texts.len() > 20, "the example project was read");
        // Generated text mixing ASCII, dots, and characters whose lowercase
        // form is longer, folded, or not a letter: the byte-wise ASCII path
        // must split exactly as the character iterator does.
        let alphabet: Vec<char> = "aZ9 .-_/.É.İ.ß.ǅ.K.ẞ“”—é..1.x.Ⅻ.٣.😀.\n".chars().collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let text: String = (0..24)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            texts.push(text);
        }
        for t in &texts {
            assert_eq!(analyse(t), reference(t), "{t}");
        }
    }

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
}
