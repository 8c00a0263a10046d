//! The answer library, `content/registers/answers.yaml`: questions a person
//! reviewed, each with the claims (permalink paths) they accepted, written
//! by `vouch answer learn` and reviewed in git like any register.
//!
//! `vouch answer` asks it before the ranking: a row whose id cell equals an
//! entry's id, or whose wording is a near-duplicate of an entry's question
//! ([`similarity`] ≥ [`NEAR_DUPLICATE`]), is answered with the recorded
//! claims (status `library`, confidence 1.00). A recorded claim the edition
//! does not publish — deleted since, or visible only to a higher edition —
//! is reported on standard error and never cited; when none is left the row
//! is `needs-human`.
//!
//! The register never enters the model, so no page, feed, search index or
//! API file of any edition can show it: it is internal by construction.

use super::claims::Claim;
use super::more_claims::citable;
use super::{Draft, Status};
use crate::core::diagnostics::{rule, Diagnostic};
use crate::core::source::{file_diag, SourceFile, Sources, WithHelp};
use crate::pipeline::model::Site;
use crate::pipeline::parse::{parse_list, Item};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

/// The register's path under the project root.
pub const REL: &str = "content/registers/answers.yaml";

/// Token Jaccard similarity at or above which two wordings are the same
/// question. Measured on the two evaluation questionnaires (see
/// `docs/answer.md`): different questions reach at most 0.33, light
/// rewordings of one question at least 0.62; 0.5 is the middle of the gap.
pub const NEAR_DUPLICATE: f64 = 0.5;

/// An id match still needs this much wording in common: questionnaires
/// reuse id schemes (`SEC-01`) for different questions.
pub const ID_FLOOR: f64 = 0.2;

/// One reviewed question.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The questionnaire's id (`AIG-01`), or `q-…` made from the wording.
    pub id: String,
    /// The question as it was asked.
    pub question: String,
    /// Root-relative permalinks (`/faq/opt-out/`, `/policies/x/#retention`).
    #[serde(default)]
    pub claims: Vec<String>,
    /// The day it was learned.
    #[serde(default)]
    pub learned: Option<String>,
    /// The reviewed file it was learned from.
    #[serde(default)]
    pub source: Option<String>,
}

/// The parsed register.
#[derive(Debug, Default)]
pub struct Library {
    pub sources: Sources,
    pub entries: Vec<Item<Entry>>,
    words: Vec<BTreeSet<String>>,
}

/// Words that carry no meaning in a questionnaire question.
const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "for",
    "in",
    "on",
    "at",
    "by",
    "with",
    "and",
    "or",
    "is",
    "are",
    "be",
    "been",
    "do",
    "does",
    "did",
    "you",
    "your",
    "yours",
    "we",
    "our",
    "us",
    "it",
    "its",
    "that",
    "this",
    "these",
    "those",
    "any",
    "all",
    "please",
    "vendor",
    "supplier",
    "provider",
    "organisation",
    "organization",
    "company",
    "if",
    "so",
    "as",
    "from",
    "there",
    "have",
    "has",
];

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        _ => c,
    }
}

/// The normalised words of a question: lower case, accents folded, stop
/// words dropped, English stems (`trains`, `training` → `train`).
pub fn words(text: &str) -> BTreeSet<String> {
    use rust_stemmers::{Algorithm, Stemmer};
    let stemmer = Stemmer::create(Algorithm::English);
    text.to_lowercase()
        .chars()
        .map(fold)
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(|w| stemmer.stem(w).into_owned())
        .collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// How alike two wordings are: the share of their normalised words
/// ([`words`]) they have in common (Jaccard), 0–1.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&words(a), &words(b))
}

/// An id as compared: spacing collapsed, upper case.
pub fn norm_id(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Whether a cell can be a question id: 3+ characters with a digit (a bare
/// row number is not an id).
pub fn is_question_id(s: &str) -> bool {
    let s = s.trim();
    s.chars().count() >= 3
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_alphabetic())
}

/// How a row found its entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum How {
    Id,
    Wording(f64),
}

impl Library {
    /// Parses the register's text; diagnostics name `REL`.
    pub fn parse(root: &std::path::Path, text: String) -> (Library, Vec<Diagnostic>) {
        let mut sources = Sources::default();
        let file = sources.add(SourceFile::new(REL.into(), root.join(REL), text));
        let mut diags = Vec::new();
        let entries: Vec<Item<Entry>> = parse_list(&sources, file, &mut diags);
        let words = entries.iter().map(|e| words(&e.data.question)).collect();
        let lib = Library {
            sources,
            entries,
            words,
        };
        (lib, diags)
    }

    /// Reads the register of `site`'s project; no file is an empty library.
    /// A symlink leading out of `content/` or a non-UTF-8 file is a diagnostic.
    pub fn read(site: &Site) -> (Library, Vec<Diagnostic>) {
        let path = site.root.join(REL);
        if path.symlink_metadata().is_err() {
            return (Library::default(), Vec::new());
        }
        let bytes = match crate::pipeline::load::read_inside(&site.content, &path) {
            Ok(b) => b,
            Err(e) => {
                let d = file_diag(&rule::UNSAFE_PATH, REL, format!("cannot read `{REL}`: {e}"))
                    .help("keep the answer library a plain file inside content/registers/");
                return (Library::default(), vec![d]);
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => Library::parse(&site.root, text),
            Err(_) => (
                Library::default(),
                vec![
                    file_diag(&rule::NOT_UTF8, REL, "the answer library is not UTF-8 text")
                        .help("save it as UTF-8"),
                ],
            ),
        }
    }

    /// The path the register is written to.
    pub fn path(site: &Site) -> PathBuf {
        site.root.join(REL)
    }

    /// The entry a row asks again: one whose id is a cell of the row (when
    /// the wording is not about something else), else the most similar
    /// wording at or above [`NEAR_DUPLICATE`].
    pub fn find(&self, question: &str, cells: &[String]) -> Option<(usize, How)> {
        let asked = words(question);
        let ids: HashSet<String> = cells
            .iter()
            .filter(|c| is_question_id(c))
            .map(|c| norm_id(c))
            .collect();
        let by_id = self.entries.iter().enumerate().find(|(i, e)| {
            ids.contains(&norm_id(&e.data.id)) && jaccard(&asked, &self.words[*i]) >= ID_FLOOR
        });
        if let Some((i, _)) = by_id {
            return Some((i, How::Id));
        }
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| (i, jaccard(&asked, w)))
            .filter(|(_, s)| *s >= NEAR_DUPLICATE)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, s)| (i, How::Wording(s)))
    }

    /// Binds the library to what edition `ed` publishes, for answering.
    pub fn for_edition<'a>(&'a self, site: &Site, ed: usize) -> Bound<'a> {
        let claims = match self.entries.is_empty() {
            true => Vec::new(),
            false => citable(site, ed),
        };
        self.for_edition_with(site, ed, claims)
    }

    /// [`Library::for_edition`] with the claims edition `ed` may cite
    /// ([`citable`]) made already: `answer::run` makes them once for the
    /// ranking and the library (unused when the library is empty).
    pub fn for_edition_with<'a>(&'a self, site: &Site, ed: usize, claims: Vec<Claim>) -> Bound<'a> {
        let (visible, known) = if self.entries.is_empty() {
            (HashMap::new(), HashSet::new())
        } else {
            let top = site.editions.len().saturating_sub(1);
            let visible: HashMap<String, Claim> =
                claims.into_iter().map(|c| (c.path(), c)).collect();
            // The corpus renders every document: in the top edition (the
            // default for `vouch answer`) what is known is what is visible.
            let known = match ed == top {
                true => visible.keys().cloned().collect(),
                false => citable(site, top).iter().map(Claim::path).collect(),
            };
            (visible, known)
        };
        Bound {
            lib: self,
            visible,
            known,
            edition: site.editions.get(ed).cloned().unwrap_or_default(),
            base_url: site.config.base_url.clone(),
        }
    }
}

/// The library with the claims of one edition.
pub struct Bound<'a> {
    lib: &'a Library,
    visible: HashMap<String, Claim>,
    known: HashSet<String>,
    edition: String,
    base_url: String,
}

impl Bound<'_> {
    /// The draft for a row: the ranking's `draft`, or the library's answer
    /// when it knows the question. `notes` gets a line per claim not cited.
    pub fn apply(
        &self,
        row: usize,
        question: &str,
        cells: &[String],
        draft: Draft,
        notes: &mut Vec<String>,
    ) -> Draft {
        let Some((i, how)) = self.lib.find(question, cells) else {
            return draft;
        };
        let entry = &self.lib.entries[i].data;
        let mut cited: Vec<&Claim> = Vec::new();
        for path in &entry.claims {
            match self.visible.get(path) {
                Some(c) => cited.push(c),
                None => notes.push(format!(
                    "row {row}: answer library entry `{}`: {path} {}; not cited",
                    entry.id,
                    if self.known.contains(path) {
                        format!("is not visible in the {} edition", self.edition)
                    } else {
                        "no longer exists".to_string()
                    }
                )),
            }
        }
        let Some(first) = cited.first() else {
            notes.push(format!(
                "row {row}: answer library entry `{}` has no claim left to cite; the row needs a person",
                entry.id
            ));
            return Draft {
                answer: String::new(),
                links: Vec::new(),
                confidence: 0.0,
                status: Status::NeedsHuman,
                ..draft
            };
        };
        if let How::Wording(s) = how {
            notes.push(format!(
                "row {row}: answered from library entry `{}` (wording similarity {s:.2})",
                entry.id
            ));
        }
        Draft {
            answer: first.summary.clone(),
            links: cited.iter().map(|c| c.permalink(&self.base_url)).collect(),
            confidence: 1.0,
            status: Status::Library,
            ..draft
        }
    }
}

/// `vouch check`'s findings on the register: duplicate ids (E073), claims
/// that are not permalink paths (E074), entries without a question or a
/// claim (E075), and claims no edition publishes any more (W025).
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let (lib, mut diags) = Library::read(site);
    if lib.entries.is_empty() {
        return diags;
    }
    let top = site.editions.len().saturating_sub(1);
    let known: HashSet<String> = citable(site, top).iter().map(Claim::path).collect();
    let s = &lib.sources;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for item in &lib.entries {
        let e = &item.data;
        let at = |field: &str, value: Option<&str>| item.loc.locate(s, &[field], value);
        if let Some(first) = seen.insert(norm_id(&e.id), item.loc.lines.start + 1) {
            diags.push(
                s.diag(
                    &rule::LIBRARY_DUPLICATE_ID,
                    at("id", Some(&e.id)),
                    format!(
                        "answer library id `{}` is already used on line {first}",
                        e.id
                    ),
                )
                .help("keep one entry per question id: merge their claims into the first"),
            );
        }
        if e.question.trim().is_empty() || e.claims.is_empty() {
            let what = if e.question.trim().is_empty() {
                "question"
            } else {
                "claims"
            };
            diags.push(
                s.diag(
                    &rule::LIBRARY_INCOMPLETE_ENTRY,
                    item.loc.head(s),
                    format!("answer library entry `{}` has no {what}", e.id),
                )
                .help("give the question as asked and at least one claim, or delete the entry"),
            );
        }
        for c in &e.claims {
            if !is_claim_path(c) {
                diags.push(
                    s.diag(&rule::LIBRARY_CLAIM_PATH, at("claims", Some(c)), format!(
                        "`{c}` is not a permalink path"
                    ))
                    .help("write the claim as `vouch links` prints it, without the base URL: `/faq/opt-out/`, `/policies/x/#section`"),
                );
            } else if !known.contains(c) {
                diags.push(
                    s.diag(&rule::LIBRARY_STALE_CLAIM, at("claims", Some(c)), format!(
                        "answer library entry `{}` cites {c}, which no edition publishes; `vouch answer` will not cite it",
                        e.id
                    ))
                    .help("replace it with the claim that answers the question now (`vouch links --edition internal`), or remove it"),
                );
            }
        }
    }
    diags
}

/// A root-relative path: `/`, no scheme, no host, no spaces.
pub fn is_claim_path(c: &str) -> bool {
    c.starts_with('/') && !c.starts_with("//") && !c.chars().any(char::is_whitespace)
}
