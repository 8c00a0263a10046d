//! Views of the register entries that have pages of their own besides
//! controls and systems: risks, suppliers, evidence and FAQ entries.

use super::audience;
use crate::core::kinds::Kind;
use crate::core::routes::{evidence_file_url, url};
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::rules::{DocumentRef, Freshness};
use crate::pipeline::parse::types::*;
use crate::site::links::LinkView;
use serde::Serialize;

/// A row of the risk register.
#[derive(Debug, Serialize)]
pub struct RiskView {
    /// The lowest edition that sees it when that is not the lowest edition
    /// ([`audience`]): the "customer" / "internal" badge; null in the public edition.
    pub audience: Option<String>,
    pub id: String,
    pub url: String,
    pub title: String,
    pub description_html: Option<String>,
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub residual_likelihood: Option<i64>,
    pub residual_impact: Option<i64>,
    pub residual_score: Option<i64>,
    pub treatment: &'static str,
    pub controls: Vec<LinkView>,
    /// Systems linked either way: named here, or naming this risk in `risks:`.
    pub systems: Vec<LinkView>,
    /// Impact assessments that name this risk in their `risks:`.
    pub raised_in: Vec<LinkView>,
    pub owner: Option<String>,
    pub reviewed: Option<String>,
    pub next_review: Option<String>,
}

/// A supplier.
#[derive(Debug, Serialize)]
pub struct SupplierView {
    /// The lowest edition that sees it when that is not the lowest edition
    /// ([`audience`]): the "customer" / "internal" badge; null in the public edition.
    pub audience: Option<String>,
    pub id: String,
    pub url: String,
    pub name: String,
    pub kind: &'static str,
    pub provides: Option<String>,
    pub location: Vec<String>,
    pub data_use: Option<String>,
    pub assessed: Option<String>,
    pub evidence: Vec<LinkView>,
    pub systems: Vec<LinkView>,
}

/// An evidence item.
#[derive(Debug, Serialize)]
pub struct EvidenceView {
    /// The lowest edition that sees it when that is not the lowest edition
    /// ([`audience`]): the "customer" / "internal" badge; null in the public edition.
    pub audience: Option<String>,
    pub id: String,
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    pub location: String,
    /// The document-control system holding an external document.
    pub system: Option<String>,
    /// Where the location can be opened (file copy or URL), if anywhere.
    pub href: Option<String>,
    pub collected: Option<String>,
    pub review_every: Option<String>,
    pub due: Option<String>,
    pub stale: bool,
    pub owner: Option<String>,
    pub supports: Vec<LinkView>,
    /// AI systems the evidence covers (`systems:`).
    pub systems: Vec<LinkView>,
    /// SHA-256 published as a receipt in lower editions (`receipt: true`).
    pub receipt_sha256: Option<String>,
}

/// A FAQ entry.
#[derive(Debug, Serialize)]
pub struct FaqView {
    /// The lowest edition that sees it when that is not the lowest edition
    /// ([`audience`]): the "customer" / "internal" badge; null in the public edition.
    pub audience: Option<String>,
    pub id: String,
    pub url: String,
    pub question: String,
    pub answer_html: String,
    pub topics: Vec<String>,
    pub matches: Vec<String>,
}

/// Builds a risk's view for edition `ed`.
pub fn risk_view(site: &Site, r: &Entity<RiskEntry>, ed: usize) -> RiskView {
    let e = &r.data;
    RiskView {
        id: r.id.clone(),
        audience: audience(site, r.level, ed),
        url: url(Kind::Risk, &r.id),
        title: r.title.clone(),
        description_html: site
            .field_html(Kind::Risk, &r.id, "description", ed)
            .map(|x| x.html.to_string()),
        likelihood: e.likelihood,
        impact: e.impact,
        score: e.likelihood * e.impact,
        residual_likelihood: e.residual_likelihood,
        residual_impact: e.residual_impact,
        residual_score: e
            .residual_likelihood
            .zip(e.residual_impact)
            .map(|(a, b)| a * b),
        treatment: e.treatment.as_str(),
        controls: site.links(Kind::Control, &e.controls, ed),
        systems: site.links(
            Kind::System,
            &site.linked((Kind::Risk, &r.id), &e.systems, Kind::System, "risks"),
            ed,
        ),
        raised_in: site.links(
            Kind::Assessment,
            &site.linked((Kind::Risk, &r.id), &[], Kind::Assessment, "risks"),
            ed,
        ),
        owner: e.owner.clone(),
        reviewed: e.reviewed.map(|d| d.to_string()),
        next_review: e
            .reviewed
            .zip(e.review_every)
            .map(|(d, p)| d.plus(p).to_string()),
    }
}

/// Builds a supplier's view for edition `ed`: only the systems the
/// edition sees are listed as using it.
pub fn supplier_view(site: &Site, s: &Entity<SupplierEntry>, ed: usize) -> SupplierView {
    let e = &s.data;
    let systems: Vec<String> = site
        .systems
        .iter()
        .filter(|sys| {
            sys.data
                .models
                .iter()
                .any(|m| m.supplier.as_deref() == Some(&s.id))
        })
        .map(|sys| sys.id.clone())
        .collect();
    SupplierView {
        id: s.id.clone(),
        audience: audience(site, s.level, ed),
        url: url(Kind::Supplier, &s.id),
        name: s.title.clone(),
        kind: e.kind.as_str(),
        provides: e.provides.clone(),
        location: e.location.clone(),
        data_use: e.data_use.clone(),
        assessed: e.assessed.map(|d| d.to_string()),
        evidence: site.links(Kind::Evidence, &e.evidence, ed),
        systems: site
            .links(Kind::System, &systems, ed)
            .into_iter()
            .filter(|l| l.url.is_some())
            .collect(),
    }
}

/// The location an edition may show: a vouch document hidden from it is named
/// by what it is, never by its id.
pub fn shown_location(site: &Site, d: &EvidenceEntry, ed: usize) -> String {
    match d.document_ref() {
        Some(DocumentRef::Vouch(id)) if site.docs.iter().any(|x| x.id == id && x.level > ed) => {
            "a document available on request".into()
        }
        _ => d.location.clone(),
    }
}

/// Builds an evidence item's view for edition `ed`.
pub fn evidence_view(site: &Site, e: &Entity<EvidenceEntry>, ed: usize) -> EvidenceView {
    let d = &e.data;
    let due = d.due();
    let href = match d.kind {
        EvidenceKind::File => Some(evidence_file_url(&d.location)),
        EvidenceKind::Url => Some(d.location.clone()),
        EvidenceKind::Document => match d.document_ref() {
            Some(DocumentRef::Vouch(id)) => site
                .docs
                .iter()
                .find(|doc| doc.id == id && doc.level <= ed)
                .map(|doc| url(doc.kind, &doc.id)),
            _ => d.url.clone(),
        },
        _ => None,
    };
    EvidenceView {
        id: e.id.clone(),
        audience: audience(site, e.level, ed),
        url: url(Kind::Evidence, &e.id),
        title: e.title.clone(),
        kind: d.kind.as_str(),
        location: shown_location(site, d, ed),
        system: d.system.clone(),
        href,
        collected: d.collected.map(|c| c.to_string()),
        review_every: d.review_every.map(|p| p.to_string()),
        due: due.map(|x| x.to_string()),
        stale: matches!(d.freshness(site.today), Freshness::Stale(_)),
        owner: d.owner.clone(),
        supports: site.backlink_views(Kind::Evidence, &e.id, ed),
        systems: site.links(Kind::System, &d.systems, ed),
        receipt_sha256: crate::site::receipts::receipt_hash(site, e),
    }
}

/// Builds a FAQ entry's view for edition `ed`, with the answer's plain
/// text for the search index.
pub fn faq_view(site: &Site, f: &Entity<FaqEntry>, ed: usize) -> (FaqView, String) {
    let r = site
        .field_html(Kind::Faq, &f.id, "answer", ed)
        .unwrap_or_default();
    let v = FaqView {
        id: f.id.clone(),
        audience: audience(site, f.level, ed),
        url: url(Kind::Faq, &f.id),
        question: f.title.clone(),
        answer_html: r.html.to_string(),
        topics: f.data.topics.clone(),
        matches: f.data.matches.clone(),
    };
    (v, r.text.to_string())
}
