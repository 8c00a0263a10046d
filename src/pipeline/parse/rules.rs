//! The domain rules that more than one stage or page needs, each with one
//! home on the type it is about: when a review or a piece of evidence falls
//! due, whether evidence is current, and the risk tier a usage implies.
//! Validation reports on them; pages, figures and exports show them.

use super::types::*;
use crate::core::date::{Date, Period};

/// The date a dated record falls due: `from` plus its period (None when
/// either is missing: an undated record has no due date).
fn due(from: Option<Date>, every: Option<Period>) -> Option<Date> {
    from.zip(every).map(|(d, p)| d.plus(p))
}

/// Whether an evidence item is within its review period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Collected, and not yet due again.
    Current,
    /// Past its due date (the date it went stale).
    Stale(Date),
    /// No `collected` date or no `review_every`: freshness cannot be told.
    Undated,
}

impl EvidenceEntry {
    /// When the evidence must be collected again.
    pub fn due(&self) -> Option<Date> {
        due(self.collected, self.review_every)
    }

    /// Whether the evidence is current on `today` (a due date equal to today
    /// is still current).
    pub fn freshness(&self, today: Date) -> Freshness {
        match self.due() {
            Some(d) if d < today => Freshness::Stale(d),
            Some(_) => Freshness::Current,
            None => Freshness::Undated,
        }
    }
}

/// What a `kind: document` evidence item names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentRef<'a> {
    /// A vouch document, by id: it must exist, and links where visible.
    Vouch(&'a str),
    /// The organisation's own controlled documented information (an id in
    /// its document-control system), shown as text.
    External(&'a str),
}

/// True for a location in vouch's id syntax: `[a-z0-9][a-z0-9-]*`.
fn is_vouch_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl EvidenceEntry {
    /// For `kind: document`: a location in vouch's id syntax without
    /// `system:` names a vouch document; any other location (capitals, `/`,
    /// `.`, spaces), or any location with `system:`, is an external
    /// reference. An exact rule, so a typo in a vouch id is caught, not guessed.
    pub fn document_ref(&self) -> Option<DocumentRef<'_>> {
        (self.kind == EvidenceKind::Document).then(|| {
            if self.system.is_none() && is_vouch_id(&self.location) {
                DocumentRef::Vouch(&self.location)
            } else {
                DocumentRef::External(&self.location)
            }
        })
    }
}

impl FrontMatter {
    /// When the document must be reviewed again.
    pub fn review_due(&self) -> Option<Date> {
        due(self.approved, self.review_every)
    }
}

impl RiskEntry {
    /// When the risk must be reviewed again.
    pub fn review_due(&self) -> Option<Date> {
        due(self.reviewed, self.review_every)
    }
}

impl Usage {
    /// The minimum tier this usage implies, with the fields that imply it.
    /// The tier follows how a system is used (its domain and the consequence
    /// of its output for people), never how sensitive its data is.
    pub fn implied_tier(&self) -> (Tier, Option<String>) {
        use Domain::*;
        match (self.domain, self.decision) {
            (Political, _) => (Tier::High, Some("usage.domain: political".into())),
            (General, _) | (_, Decision::None | Decision::Informational) => (Tier::Minimal, None),
            (dom, dec) => (
                Tier::High,
                Some(format!("usage.domain: {dom} with usage.decision: {dec}")),
            ),
        }
    }
}
