//! `vouch answer` and `vouch links`: draft answers to a customer's
//! questionnaire from the published claims of one edition.
//!
//! For each question: an FAQ entry whose `matches` list holds an id found in
//! the row wins outright; otherwise every claim of the edition (FAQ entries,
//! controls, document sections, system cards) is ranked with BM25F
//! ([`rank`]) and the best becomes the draft, if its confidence reaches
//! [`THRESHOLD`]. Below it the row is marked `needs-human` with no answer and
//! no link: a wrong link pasted into a customer's questionnaire costs more
//! than an empty cell.
//!
//! Confidence is the best claim's *coverage* (the IDF-weighted share of the
//! question's terms it contains, see [`rank::Hit::coverage`]), damped when
//! the score is close to zero (see [`confidence`]). `docs/answer.md` shows
//! how it is calibrated on the evaluation set and cross-validated.

pub mod calibrate;
pub mod claims;
mod deliver;
mod index;
mod intent;
pub mod learn;
pub mod library;
mod more_claims;
mod output;
pub mod placement;
mod postings;
pub mod questionnaire;
pub mod rank;
mod run;
pub mod sections;
pub mod sheetxml;
pub mod target;
mod vocab;
mod words;
pub mod workbook;

pub use output::{links_table, write_table};
use run::guard;
pub use run::{edition_index, run, run_with, AnswerOptions, Delivery, Summary};

use crate::core::kinds::Kind;
use crate::pipeline::model::Site;
use claims::Claim;
use rank::Index;
use std::borrow::Cow;

/// Confidence at or above which a draft is written (status `answered`):
/// the highest confidence of an unanswerable question of the example set
/// plus 0.02, rounded up (`tests/it/answer_eval.rs` checks the rule).
pub const THRESHOLD: f64 = 0.35;

/// Extra weight, in the confidence's denominator, of question terms no claim
/// contains, and the score scale of the confidence's damping: both chosen on
/// the example set by the cross-validation in `tests/it/answer_eval.rs`
/// (`docs/answer.md` has the table).
const UNSEEN_WEIGHT: f64 = 0.0;
const DAMPING_SCALE: f64 = 8.0;

/// Score multiplier of FAQ entries over other claims.
const FAQ_PRIOR: f64 = 1.15;

/// How many links a draft cites at most.
const MAX_LINKS: usize = 3;

/// How many of the best hits [`Answerer::rank`] puts in order; the rest stay
/// unordered behind them. A draft reads the first five, and a large project
/// has tens of thousands of hits per question: sorting them all is wasted
/// work (a selection finds the best in linear time).
const ORDERED: usize = 64;

/// Output format of `answer` and `links`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Md,
    Json,
}

impl Format {
    /// The format a file name implies (`.md`, `.json`; anything else CSV).
    pub fn from_path(p: &std::path::Path) -> Format {
        match p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("md" | "markdown") => Format::Md,
            Some("json") => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// Whether a draft may be sent as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Answered,
    NeedsHuman,
    /// Answered with the claims a person accepted before (the answer library).
    Library,
}

impl Status {
    /// The spelling in the output's Status column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Answered => "answered",
            Status::NeedsHuman => "needs-human",
            Status::Library => "library",
        }
    }
}

/// A candidate claim for one question.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ranked {
    /// Root-relative permalink (`/faq/opt-out/`, `/policies/x/#retention`).
    pub path: String,
    pub kind: Kind,
    pub score: f64,
    /// See [`rank::Hit`].
    pub coverage: f64,
    pub unseen: f64,
    pub confidence: f64,
    /// Why the claim ranks here: the question's words it contains, and in
    /// which field, and any field-aware boost ("names a role").
    pub why: String,
}

/// The drafted answer to one question.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Draft {
    /// Plain-text answer (empty when `needs-human`).
    pub answer: String,
    /// Absolute permalinks, best first (empty when `needs-human`).
    pub links: Vec<String>,
    pub confidence: f64,
    pub status: Status,
    /// Why the answer was chosen (empty when `needs-human`).
    pub why: String,
    /// `needs-human` rows: the best candidates' absolute permalinks, for a
    /// reviewer to pick from; never an answer (empty when `answered`).
    pub suggested: Vec<String>,
    /// The best candidates, whatever their confidence (for review and tests).
    pub ranked: Vec<Ranked>,
}

/// Ranks the claims of one edition against questions.
pub struct Answerer {
    claims: Vec<Claim>,
    /// What each claim offers to field-aware questions, in claim order.
    offers: Vec<intent::Offers>,
    index: Index,
    base_url: String,
}

/// Kinds of claim a draft may cite. Pages (about, changelog) are reachable
/// through `vouch links` but make poor answers.
fn answerable(c: &Claim) -> bool {
    match c.kind {
        Kind::Faq | Kind::Control | Kind::System | Kind::Supplier => true,
        Kind::Policy | Kind::Notice | Kind::Scope | Kind::Assessment => c.level <= 2,
        _ => false,
    }
}

/// A claim's name: a section's heading, else its title.
fn name(c: &Claim) -> String {
    match &c.anchor {
        Some(_) => c.title.rsplit(" › ").next().unwrap_or(&c.title).to_string(),
        None => c.title.clone(),
    }
}

/// The weighted fields of a claim: its name counts three times its body,
/// except a section heading's template words ("Purpose", "Conclusion", see
/// [`vocab::template_words`]), which count as body text. The body is
/// borrowed: a copy of every claim's text was fresh memory the size of the
/// corpus, and on this kind of machine fresh memory is slow.
pub fn fields(c: &Claim) -> Vec<(Cow<'_, str>, f64)> {
    let ((name, template), doc_title) = match &c.anchor {
        Some(_) => (
            vocab::template_words(&name(c)),
            c.title.split(" › ").next().unwrap_or(""),
        ),
        None => ((name(c), String::new()), ""),
    };
    vec![
        (Cow::Owned(name), 3.0),
        (Cow::Borrowed(doc_title), 1.0),
        (Cow::Borrowed(c.text.as_str()), 1.0),
        (Cow::Owned(template), 1.0),
    ]
}

impl Answerer {
    /// Builds the index over what edition `ed` publishes.
    pub fn new(site: &Site, ed: usize) -> Answerer {
        // Claims it does not cite are never made (their texts were a third
        // of the work on the benchmark project).
        let mut claims: Vec<Claim> = claims::corpus_where(site, ed, &answerable);
        claims.extend(more_claims::certifications(site));
        Answerer::with_claims(site, ed, claims)
    }

    /// The claims it ranks, in index order.
    pub fn claims(&self) -> &[Claim] {
        &self.claims
    }

    /// Its index over [`Answerer::claims`] (each claim's [`fields`]).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// [`Answerer::new`] from its claims made already (the ones `new` makes).
    fn with_claims(site: &Site, ed: usize, claims: Vec<Claim>) -> Answerer {
        Answerer {
            index: Index::from_fn(claims.len(), |i| fields(&claims[i])),
            offers: intent::offers(site, ed, &claims),
            claims,
            base_url: site.config.base_url.clone(),
        }
    }

    /// Drafts the answer to `question`; `cells` are the row's other cells,
    /// searched for questionnaire ids listed in an FAQ entry's `matches`.
    pub fn answer(&self, question: &str, cells: &[String]) -> Draft {
        let (hits, wants) = self.rank(question);
        let ranked: Vec<Ranked> = hits
            .iter()
            .take(5)
            .map(|h| Ranked {
                path: self.claims[h.doc].path(),
                kind: self.claims[h.doc].kind,
                score: h.score,
                coverage: h.coverage,
                unseen: h.unseen,
                confidence: shown(confidence(h)),
                why: self.why(question, h.doc, self.boosted(wants, h.doc).as_deref()),
            })
            .collect();
        let by_id = self.matched_by_id(cells);
        if !by_id.is_empty() {
            // Several entries may list the same id: the text decides the order.
            let mut ids = by_id;
            // In ranking order; an entry the question shares no term with last.
            let hit = |i: &usize| hits.iter().find(|h| h.doc == *i);
            ids.sort_by(|a, b| match (hit(a), hit(b)) {
                (Some(x), Some(y)) => rank::order(x, y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
            return Draft {
                answer: self.claims[ids[0]].summary.clone(),
                links: self.distinct_links(ids.iter().copied()),
                confidence: 1.0,
                status: Status::Answered,
                why: "question id listed in the FAQ entry's matches".to_string(),
                suggested: Vec::new(),
                ranked,
            };
        }
        let confidence = ranked.first().map_or(0.0, |r| r.confidence);
        if status_of(confidence) == Status::NeedsHuman {
            return Draft {
                answer: String::new(),
                links: Vec::new(),
                confidence,
                status: Status::NeedsHuman,
                why: String::new(),
                suggested: self.suggestions(&hits),
                ranked,
            };
        }
        let best = hits[0];
        let cited = hits
            .iter()
            .zip(&ranked)
            .filter(|(h, r)| {
                status_of(r.confidence) == Status::Answered && h.score >= 0.75 * best.score
            })
            .map(|(h, _)| h.doc);
        Draft {
            answer: self.claims[best.doc].summary.clone(),
            links: self.distinct_links(cited),
            confidence,
            status: Status::Answered,
            why: ranked[0].why.clone(),
            suggested: Vec::new(),
            ranked,
        }
    }

    /// The hits for `question`, the first [`ORDERED`] in ranking order
    /// (the rest unordered), after the FAQ prior and the field-aware boosts
    /// of its intent, which it returns too.
    fn rank(&self, question: &str) -> (Vec<rank::Hit>, intent::Intent) {
        let mut hits = self.index.hits(question);
        let wants = intent::intent(question);
        for h in &mut hits {
            let c = &self.claims[h.doc];
            // The FAQ is written for exactly these questions: it goes first
            // when it is about as relevant as a control or a policy section.
            if c.kind == Kind::Faq {
                h.score *= FAQ_PRIOR;
            }
            h.score *= intent::multiplier(wants, c, &self.offers[h.doc]);
        }
        if hits.len() > ORDERED {
            hits.select_nth_unstable_by(ORDERED - 1, rank::order);
            rank::sort(&mut hits[..ORDERED]);
        } else {
            rank::sort(&mut hits);
        }
        (hits, wants)
    }

    /// Why a field-aware boost of intent `wants` applied to claim `doc`, if
    /// one did.
    fn boosted(&self, wants: intent::Intent, doc: usize) -> Option<String> {
        intent::reason(wants, &self.claims[doc], &self.offers[doc])
    }

    /// The suggested links of a `needs-human` row: the first distinct links
    /// in ranking order, ordering the rest of the hits only when the ordered
    /// ones share too few links (many certifications share one).
    fn suggestions(&self, hits: &[rank::Hit]) -> Vec<String> {
        let links = self.distinct_links(hits.iter().take(ORDERED).map(|h| h.doc));
        if links.len() == MAX_LINKS || hits.len() <= ORDERED {
            return links;
        }
        let mut all = hits.to_vec();
        rank::sort(&mut all);
        self.distinct_links(all.iter().map(|h| h.doc))
    }

    /// Up to [`MAX_LINKS`] absolute permalinks of `docs`, in order, without
    /// repeats (several certifications share the home page's list).
    fn distinct_links(&self, docs: impl Iterator<Item = usize>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for d in docs {
            let l = self.link(d);
            if !out.contains(&l) {
                out.push(l);
            }
            if out.len() == MAX_LINKS {
                break;
            }
        }
        out
    }

    /// The question's words that claim `doc` contains, by field (its name or
    /// its text), and the field-aware boost if one applied.
    fn why(&self, question: &str, doc: usize, boost: Option<&str>) -> String {
        let c = &self.claims[doc];
        let name_terms: std::collections::HashSet<String> =
            rank::analyse(&name(c)).into_iter().collect();
        let matched: Vec<String> = self
            .index
            .explain(question, doc)
            .into_iter()
            .filter(|(_, _, has)| *has)
            .map(|(t, _, _)| t)
            .collect();
        let (mut in_name, mut in_text) = (Vec::new(), Vec::new());
        for t in &matched {
            let word = surface(question, t).unwrap_or_else(|| t.clone());
            let list = if name_terms.contains(t) {
                &mut in_name
            } else {
                &mut in_text
            };
            if !list.contains(&word) {
                list.push(word);
            }
        }
        let mut parts = Vec::new();
        if !in_name.is_empty() {
            parts.push(format!("title has {}", in_name.join(", ")));
        }
        if !in_text.is_empty() {
            parts.push(format!("text has {}", in_text.join(", ")));
        }
        parts.extend(boost.map(str::to_string));
        parts.join("; ")
    }

    /// The question's terms, their IDF and whether the best claim has them;
    /// unseen terms (`df = 0`) are marked with `?`.
    pub fn explain(&self, question: &str) -> String {
        let Some(top) = self.index.search(question).first().copied() else {
            return String::new();
        };
        self.index
            .explain(question, top.doc)
            .iter()
            .map(|(t, idf, has)| {
                let mark = if *has {
                    "+"
                } else if *idf >= self.index.idf("\u{0}") - 1e-9 {
                    "?"
                } else {
                    "-"
                };
                format!("{mark}{t}:{idf:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn link(&self, i: usize) -> String {
        self.claims[i].permalink(&self.base_url)
    }

    /// FAQ claims whose `matches` holds one of the cells: exactly (ignoring
    /// case and spacing), or as its last part (`GRC-15` for `AI-CAIQ GRC-15`).
    fn matched_by_id(&self, cells: &[String]) -> Vec<usize> {
        let norm = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_uppercase()
        };
        let cells: Vec<String> = cells
            .iter()
            .map(|c| norm(c))
            .filter(|c| c.len() >= 3 && c.chars().any(|ch| ch.is_ascii_digit()))
            .collect();
        let mut out = Vec::new();
        for (i, c) in self.claims.iter().enumerate() {
            let hit = c.matches.iter().map(|m| norm(m)).any(|m| {
                cells
                    .iter()
                    .any(|cell| m == *cell || m.ends_with(&format!(" {cell}")))
            });
            if hit && c.kind == Kind::Faq {
                out.push(i);
            }
        }
        out
    }
}

/// A confidence as it is shown: rounded to two decimals. The status is
/// decided on this value, so a row shown as 0.40 is never `needs-human`.
pub fn shown(confidence: f64) -> f64 {
    (confidence * 100.0).round() / 100.0
}

/// The status a shown confidence earns against [`THRESHOLD`].
pub fn status_of(shown_confidence: f64) -> Status {
    if shown(shown_confidence) >= THRESHOLD {
        Status::Answered
    } else {
        Status::NeedsHuman
    }
}

/// The first word of `question` whose analysis yields `term` (what a reader
/// recognises, rather than its stem); `None` for a synonym phrase.
fn surface(question: &str, term: &str) -> Option<String> {
    rank::words(question)
        .into_iter()
        .find(|w| rank::analyse(w).iter().any(|t| t == term))
}

/// Confidence of a hit, 0–1: its coverage of the question (a question term
/// no published claim contains may count extra, [`UNSEEN_WEIGHT`]), damped
/// when the match rests on little evidence (a low score means few or common
/// terms). The cross-validation set the extra weight to zero: an unseen word
/// is often just a word the organisation happened not to use.
pub fn confidence(h: &rank::Hit) -> f64 {
    let evidence = 1.0 - (-h.score / DAMPING_SCALE).exp();
    (h.coverage / (1.0 + UNSEEN_WEIGHT * h.unseen) * evidence.sqrt()).clamp(0.0, 1.0)
}
