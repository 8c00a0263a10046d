//! Evidence checks: each item's location fits its kind (a file inside
//! `content/`, a web address, a vouch document or the organisation's own
//! controlled document), and dated evidence is not stale.

use crate::core::diagnostics::{did_you_mean, rule, Diagnostic};
use crate::core::source::{Sources, Span, WithHelp};
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::rules::{DocumentRef, Freshness};
use crate::pipeline::parse::types::*;
use std::path::Component;

/// Checks each evidence item's location for its kind, then its freshness.
pub(super) fn evidence(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for ev in &site.evidence {
        let e = &ev.data;
        let at = || ev.loc.locate(s, &["location"], Some(&e.location));
        match e.kind {
            EvidenceKind::File => evidence_file(site, e, &at, d),
            EvidenceKind::Url => evidence_url(s, e, &at, d),
            EvidenceKind::Document => evidence_document(site, e, &at, d),
            EvidenceKind::Ticket | EvidenceKind::Attestation => {
                if e.location.trim().is_empty() {
                    d.push(
                        s.diag(&rule::EVIDENCE_LOCATION, at(), "empty evidence location")
                            .help("give the ticket key or who attested"),
                    );
                }
            }
        }
        if e.kind != EvidenceKind::Document && (e.system.is_some() || e.url.is_some()) {
            let field = if e.system.is_some() { "system" } else { "url" };
            d.push(
                s.diag(
                    &rule::EVIDENCE_LOCATION,
                    ev.loc.locate(s, &[field], None),
                    format!("`{field}:` is for `kind: document` evidence only"),
                )
                .help("remove it, or set `kind: document` for a document in your document-control system"),
            );
        }
        stale_evidence(site, ev, d);
    }
}

/// A file must stay inside content/ and exist there. `at` locates the
/// `location:` value, only when a finding needs it.
fn evidence_file(site: &Site, e: &EvidenceEntry, at: &dyn Fn() -> Span, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let p = std::path::Path::new(&e.location);
    let escapes = p.is_absolute()
        || p.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::RootDir | Component::Prefix(_)
            )
        });
    if escapes {
        d.push(
            s.diag(
                &rule::EVIDENCE_LOCATION,
                at(),
                format!("evidence file `{}` leaves content/", e.location),
            )
            .help("give a path relative to content/, e.g. `evidence/2026-q3-review.pdf`"),
        );
    } else if !site.content.join(p).is_file() {
        d.push(
            s.diag(
                &rule::EVIDENCE_FILE_MISSING,
                at(),
                format!("evidence file `content/{}` does not exist", e.location),
            )
            .help("fix the path (relative to content/) or add the file"),
        );
    }
}

/// A URL must be a whitespace-free http(s) URL.
fn evidence_url(s: &Sources, e: &EvidenceEntry, at: &dyn Fn() -> Span, d: &mut Vec<Diagnostic>) {
    let ok = (e.location.starts_with("https://") || e.location.starts_with("http://"))
        && e.location.len() > 8
        && !e.location.contains(char::is_whitespace);
    if !ok {
        d.push(
            s.diag(
                &rule::EVIDENCE_LOCATION,
                at(),
                format!("`{}` is not an http(s) URL", e.location),
            )
            .help("write the full URL, starting with https://"),
        );
    }
}

/// A document must name a loaded document; one that failed to load was
/// already reported, so it is not reported again.
fn evidence_document(
    site: &Site,
    e: &EvidenceEntry,
    at: &dyn Fn() -> Span,
    d: &mut Vec<Diagnostic>,
) {
    if let Some(u) = &e.url {
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            d.push(
                site.sources
                    .diag(&rule::EVIDENCE_LOCATION, at(), format!("`url: {u}` is not a web address"))
                    .help("give the document's address in your document-control system, starting with https://"),
            );
        }
    }
    if !matches!(e.document_ref(), Some(DocumentRef::Vouch(_))) {
        // The organisation's own controlled document: shown as text.
        return;
    }
    let broken = ["policy", "assessment", "notice", "page", "scope"]
        .iter()
        .any(|k| {
            site.broken
                .iter()
                .any(|(bk, bi)| bk == k && *bi == e.location)
        });
    if !broken && !site.docs.iter().any(|doc| doc.id == e.location) {
        let hint = did_you_mean(&e.location, site.docs.iter().map(|x| x.id.as_str())).map_or(
            "give the id of a policy, assessment, notice or page; for a document in your own \
             document-control system, add `system:` (e.g. `system: SharePoint`)"
                .into(),
            |m| format!("did you mean `{m}`?"),
        );
        d.push(
            site.sources
                .diag(
                    &rule::EVIDENCE_LOCATION,
                    at(),
                    format!("no document `{}`", e.location),
                )
                .help(hint),
        );
    }
}

/// Evidence with a `collected` date and a review period goes stale once the
/// period has passed.
fn stale_evidence(site: &Site, ev: &Entity<EvidenceEntry>, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let e = &ev.data;
    let (Some(c), Some(every), Freshness::Stale(due)) =
        (e.collected, e.review_every, e.freshness(site.today))
    else {
        return;
    };
    d.push(
        s.diag(
            &rule::STALE_EVIDENCE,
            ev.loc.locate(s, &["collected"], None),
            format!(
                "evidence `{}` went stale on {due} (collected {c}, review every {every})",
                e.id
            ),
        )
        .help("collect it again and update `collected:`"),
    );
}
