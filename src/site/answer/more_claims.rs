//! Claims `vouch answer` may cite beyond the entity pages of
//! [`claims::corpus`](super::claims::corpus): the certifications `site.yaml`
//! declares, which every edition's home page lists under `#certifications`;
//! and [`prepare`], which makes an edition's claims once per run for both the
//! ranking and the answer library.
//!
//! System cards stay one candidate each (their oversight, models and data are
//! all in the card's text): ranking their sections apart cost rows on the
//! tuning set each time it was measured (`docs/answer.md`, *System cards*).

use super::claims::{one_line, Claim};
use super::library::{Bound, Library};
use super::Answerer;
use crate::core::kinds::Kind;
use crate::pipeline::model::Site;
use crate::pipeline::parse::types::CertStatus;

/// Every claim a draft may cite in edition `ed`: the entity corpus and the
/// certifications. The answer library and `learn` check recorded links
/// against this, so a drafted certification link a reviewer kept is known.
pub fn citable(site: &Site, ed: usize) -> Vec<Claim> {
    let mut v = super::claims::corpus(site, ed);
    v.extend(certifications(site));
    v
}

/// The answerer and the library bound to edition `ed`, making the edition's
/// claims once: an empty library needs none, and the ranking then makes only
/// those it may cite; otherwise the library's claims are all the edition's
/// ([`citable`]: the corpus, then the certifications) and the
/// ranking's are picked from them.
pub(super) fn prepare<'a>(site: &Site, ed: usize, library: &'a Library) -> (Answerer, Bound<'a>) {
    if library.entries.is_empty() {
        return (Answerer::new(site, ed), library.for_edition(site, ed));
    }
    let mut citable = super::claims::corpus(site, ed);
    let mut mine: Vec<Claim> = citable
        .iter()
        .filter(|c| super::answerable(c))
        .cloned()
        .collect();
    let certifications = certifications(site);
    mine.extend(certifications.iter().cloned());
    citable.extend(certifications);
    let answerer = Answerer::with_claims(site, ed, mine);
    (answerer, library.for_edition_with(site, ed, citable))
}

/// The home page's fragment that lists certifications (`index.html`).
const CERTIFICATIONS: &str = "/#certifications";

/// One claim per certification, linking to the home page's list.
pub fn certifications(site: &Site) -> Vec<Claim> {
    site.config
        .certifications
        .iter()
        .map(|c| {
            let state = match c.status {
                CertStatus::Certified => "certified".to_string(),
                CertStatus::InProgress => "certification in progress".to_string(),
                CertStatus::Planned => "certification planned".to_string(),
            };
            let mut facts = vec![state.clone()];
            if let Some(d) = c.issued {
                facts.push(format!("issued {d}"));
            }
            if let Some(d) = c.expires {
                facts.push(format!("expires {d}"));
            }
            if let Some(t) = &c.target {
                facts.push(format!("target {t}"));
            }
            let scope = c.scope.as_deref().map(|s| format!("; scope: {s}"));
            let summary = format!(
                "{}: {}{}",
                c.name,
                facts.join(", "),
                scope.unwrap_or_default()
            );
            Claim {
                kind: Kind::Page,
                id: "certifications".to_string(),
                anchor: None,
                level: 0,
                title: format!("{} certification", c.name),
                status: Some(c.status.as_str().to_string()),
                text: summary.clone(),
                summary: one_line(&summary, 300),
                matches: Vec::new(),
                href: Some(CERTIFICATIONS.to_string()),
            }
        })
        .collect()
}
