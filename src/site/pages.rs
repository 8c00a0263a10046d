//! The page list of one edition: which URL, which template, which context.
//! Every page is derived from kind + id, so URLs never depend on titles.

use crate::core::kinds::Kind;
use crate::core::routes::evidence_file_url;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use crate::pipeline::parse::types::*;
use crate::site::links::LinkView;
use crate::site::readiness::tier_counts;
use crate::site::views::*;
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;

mod crosswalks;
mod registers;
use registers::register_jobs;

/// One page to render.
#[derive(Debug)]
pub struct PageJob {
    /// Root-relative URL (`/controls/a-6-2-4/`) or file path (`/404.html`).
    pub url: String,
    pub template: &'static str,
    pub title: String,
    pub ctx: Value,
    /// Plain text for the search index (None: not indexed).
    pub search: Option<String>,
    /// A page whose view is built only when the page is rendered, so a build
    /// never holds every body or backlink list at once.
    pub deferred: Option<Deferred>,
}

/// A page view built at render time: the entity's position in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferred {
    Doc(usize),
    Control(usize),
    System(usize),
}

impl PageJob {
    /// The page as the render stage sees it.
    pub fn meta(&self) -> crate::pipeline::render::PageMeta<'_> {
        crate::pipeline::render::PageMeta {
            url: &self.url,
            title: &self.title,
            template: self.template,
        }
    }

    /// The page's context and search text, building a deferred view.
    /// A page built eagerly lends its context: with the page cache, most
    /// pages are only hashed, never rendered, so a copy would be wasted.
    pub fn materialize(&self, site: &Site, ed: usize) -> (Cow<'_, Value>, Option<String>) {
        let (ctx, text) = match self.deferred {
            Some(Deferred::Doc(pos)) => {
                let (view, r) = doc_view(site, pos, ed);
                (json!({ "doc": view }), Some(r.text.to_string()))
            }
            Some(Deferred::Control(pos)) => {
                let c = &site.controls[pos];
                let v = control_view(site, c, ed, true);
                let text = format!(
                    "{} {} {}",
                    c.id,
                    c.title,
                    site.field_html(Kind::Control, &c.id, "implementation", ed)
                        .map(|r| r.text)
                        .unwrap_or_default()
                );
                (json!({ "control": v }), Some(text))
            }
            Some(Deferred::System(pos)) => {
                let s = &site.systems[pos];
                let v = system_view(site, s, ed, true);
                let text = format!(
                    "{} {} {}",
                    s.title,
                    s.data.summary.clone().unwrap_or_default(),
                    site.field_html(Kind::System, &s.id, "purpose", ed)
                        .map(|r| r.text)
                        .unwrap_or_default()
                );
                (json!({ "system": v }), Some(text))
            }
            None => return (Cow::Borrowed(&self.ctx), self.search.clone()),
        };
        (Cow::Owned(ctx), text)
    }
}

/// A row of the risk register.
#[derive(Debug, Serialize)]
pub struct RiskView {
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
    pub systems: Vec<LinkView>,
    pub owner: Option<String>,
    pub reviewed: Option<String>,
    pub next_review: Option<String>,
}

/// A supplier.
#[derive(Debug, Serialize)]
pub struct SupplierView {
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
    pub id: String,
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    pub location: String,
    /// Where the location can be opened (file copy or URL), if anywhere.
    pub href: Option<String>,
    pub collected: Option<String>,
    pub review_every: Option<String>,
    pub due: Option<String>,
    pub stale: bool,
    pub owner: Option<String>,
    pub supports: Vec<LinkView>,
    /// SHA-256 published as a receipt in lower editions (`receipt: true`).
    pub receipt_sha256: Option<String>,
}

/// A FAQ entry.
#[derive(Debug, Serialize)]
pub struct FaqView {
    pub id: String,
    pub url: String,
    pub question: String,
    pub answer_html: String,
    pub topics: Vec<String>,
    pub matches: Vec<String>,
}

fn risk_view(site: &Site, r: &crate::pipeline::model::Entity<RiskEntry>, ed: usize) -> RiskView {
    let e = &r.data;
    RiskView {
        id: r.id.clone(),
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
        systems: site.links(Kind::System, &e.systems, ed),
        owner: e.owner.clone(),
        reviewed: e.reviewed.map(|d| d.to_string()),
        next_review: e
            .reviewed
            .zip(e.review_every)
            .map(|(d, p)| d.plus(p).to_string()),
    }
}

fn supplier_view(
    site: &Site,
    s: &crate::pipeline::model::Entity<SupplierEntry>,
    ed: usize,
) -> SupplierView {
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

fn evidence_view(
    site: &Site,
    e: &crate::pipeline::model::Entity<EvidenceEntry>,
    ed: usize,
) -> EvidenceView {
    let d = &e.data;
    let due = d.collected.zip(d.review_every).map(|(c, p)| c.plus(p));
    let href = match d.kind {
        EvidenceKind::File => Some(evidence_file_url(&d.location)),
        EvidenceKind::Url => Some(d.location.clone()),
        EvidenceKind::Document => site
            .docs
            .iter()
            .find(|doc| doc.id == d.location && doc.level <= ed)
            .map(|doc| url(doc.kind, &doc.id)),
        _ => None,
    };
    EvidenceView {
        id: e.id.clone(),
        url: url(Kind::Evidence, &e.id),
        title: e.title.clone(),
        kind: d.kind.as_str(),
        location: d.location.clone(),
        href,
        collected: d.collected.map(|c| c.to_string()),
        review_every: d.review_every.map(|p| p.to_string()),
        due: due.map(|x| x.to_string()),
        stale: due.is_some_and(|x| x < site.today),
        owner: d.owner.clone(),
        supports: site.backlink_views(Kind::Evidence, &e.id, ed),
        receipt_sha256: crate::site::receipts::receipt_hash(site, e),
    }
}

fn faq_view(
    site: &Site,
    f: &crate::pipeline::model::Entity<FaqEntry>,
    ed: usize,
) -> (FaqView, String) {
    let r = site
        .field_html(Kind::Faq, &f.id, "answer", ed)
        .unwrap_or_default();
    let v = FaqView {
        id: f.id.clone(),
        url: url(Kind::Faq, &f.id),
        question: f.title.clone(),
        answer_html: r.html.to_string(),
        topics: f.data.topics.clone(),
        matches: f.data.matches.clone(),
    };
    (v, r.text.to_string())
}

fn job(
    url: String,
    template: &'static str,
    title: &str,
    ctx: Value,
    search: Option<String>,
) -> PageJob {
    PageJob {
        url,
        template,
        title: title.to_string(),
        ctx,
        search,
        deferred: None,
    }
}

/// A page of one entity whose view is built when the page renders.
fn deferred(kind: Kind, id: &str, title: &str, what: Deferred) -> PageJob {
    let template = match what {
        Deferred::Doc(_) => "document.html",
        Deferred::Control(_) => "control.html",
        Deferred::System(_) => "system.html",
    };
    let mut j = job(url(kind, id), template, title, Value::Null, None);
    j.deferred = Some(what);
    j
}

fn doc_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    for (kind, list_url, heading) in [
        (Kind::Policy, "/policies/", "Policies"),
        (Kind::Assessment, "/assessments/", "Impact assessments"),
        (Kind::Notice, "/notices/", "Transparency notices"),
    ] {
        let items: Vec<Value> = site
            .docs
            .iter()
            .filter(|d| d.kind == kind && d.level <= ed)
            .map(|d| {
                json!({"title": d.title, "url": url(d.kind, &d.id), "summary": d.data.front.summary,
                       "version": d.data.front.version, "approved": d.data.front.approved, "owner": d.data.front.owner,
                       "systems": site.links(Kind::System, &d.data.front.systems, ed)})
            })
            .collect();
        jobs.push(job(
            list_url.into(),
            "documents.html",
            heading,
            json!({"kind": kind, "heading": heading, "items": items}),
            None,
        ));
    }
    for (pos, d) in site.docs.iter().enumerate().filter(|(_, d)| d.level <= ed) {
        jobs.push(deferred(d.kind, &d.id, &d.title, Deferred::Doc(pos)));
    }
}

fn home_job(site: &Site, ed: usize) -> PageJob {
    let certs: Vec<Value> = site
        .config
        .certifications
        .iter()
        .map(|c| {
            json!({"name": c.name, "status": c.status.as_str(), "issued": c.issued, "expires": c.expires,
                   "target": c.target, "scope": c.scope, "evidence": site.links(Kind::Evidence, &c.evidence, ed)})
        })
        .collect();
    let scope = site
        .docs
        .iter()
        .find(|d| d.kind == Kind::Scope && d.level <= ed);
    let systems: Vec<SystemView> = site
        .systems
        .iter()
        .filter(|s| s.level <= ed)
        .map(|s| system_view(site, s, ed, false))
        .collect();
    let roles: Vec<&str> = site.config.roles.iter().map(|r| r.as_str()).collect();
    let ctx = json!({
        "certifications": certs,
        "roles": roles,
        "scope": scope.map(|s| json!({"title": s.title, "summary": s.data.front.summary, "url": url(Kind::Scope, "scope")})),
        "systems": systems,
        "tiers": tier_counts(site, ed),
        "soa": soa_counts(site, ed),
        "policies": site.docs.iter().filter(|d| d.kind == Kind::Policy && d.level <= ed).map(|d| json!({"title": d.title, "url": url(d.kind, &d.id), "summary": d.data.front.summary})).collect::<Vec<_>>(),
        "pages": site.docs.iter().filter(|d| d.kind == Kind::Page && d.level <= ed).map(|d| json!({"title": d.title, "url": url(d.kind, &d.id)})).collect::<Vec<_>>(),
        "faq_count": site.faq.iter().filter(|f| f.level <= ed).count(),
        "supplier_count": site.suppliers.iter().filter(|f| f.level <= ed).count(),
        "reuse": crate::site::crosswalk::reuse(site, ed),
        "reuse_definition": crate::site::crosswalk::REUSE_DEFINITION,
        "crosswalks": crate::site::crosswalk::all(site, ed).iter().map(|c| json!({"label": c.label, "url": c.url, "pct": c.pct, "covered": c.covered, "total": c.total})).collect::<Vec<_>>(),
        "exports": crate::site::export::listing(site, ed),
    });
    job(
        "/".into(),
        "index.html",
        &site.config.organisation,
        ctx,
        None,
    )
}

/// Every page of edition `ed`, in a stable order.
pub fn jobs(site: &Site, ed: usize) -> Vec<PageJob> {
    let mut jobs = vec![home_job(site, ed)];
    doc_jobs(site, ed, &mut jobs);
    register_jobs(site, ed, &mut jobs);
    jobs.extend(crosswalks::page_jobs(site, ed));
    let top = site.editions.len().saturating_sub(1);
    if ed == top || ed >= crate::site::readiness::aggregate_level(site) {
        let full = crate::site::readiness::compute(site, top);
        let r = if ed == top {
            full
        } else {
            crate::site::readiness::aggregate_only(full)
        };
        // Same basis as the other readiness figures; lower editions get the count only.
        let mut reuse = crate::site::crosswalk::reuse(site, top);
        if ed != top {
            reuse.controls.clear();
        }
        jobs.push(job(
            "/readiness/".into(),
            "readiness.html",
            "Readiness scorecard",
            json!({"readiness": r, "gaps": ed == top, "reuse": reuse,
                   "reuse_definition": crate::site::crosswalk::REUSE_DEFINITION}),
            None,
        ));
    }
    jobs.push(job(
        "/search/".into(),
        "search.html",
        "Search",
        json!({}),
        None,
    ));
    jobs.push(job(
        "/404.html".into(),
        "404.html",
        "Page not found",
        json!({}),
        None,
    ));
    jobs
}

/// URLs of the entities of `list` that edition `ed` publishes.
fn entity_urls<T>(
    list: &[crate::pipeline::model::Entity<T>],
    ed: usize,
) -> impl Iterator<Item = String> + '_ {
    list.iter()
        .filter(move |e| e.level <= ed)
        .map(|e| url(e.kind, &e.id))
}

/// The URLs `jobs` would produce, without building any context (cheap: used to
/// recognise edition leaks against editions that are not being rendered).
pub fn urls(site: &Site, ed: usize) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "/".into(),
        "/policies/".into(),
        "/assessments/".into(),
        "/notices/".into(),
    ];
    v.extend(entity_urls(&site.docs, ed));
    v.push("/controls/".into());
    v.extend(entity_urls(&site.controls, ed));
    v.push("/systems/".into());
    v.extend(entity_urls(&site.systems, ed));
    v.extend(entity_urls(&site.risks, ed));
    v.push("/risks/".into());
    v.extend(entity_urls(&site.suppliers, ed));
    v.push("/suppliers/".into());
    v.extend(entity_urls(&site.evidence, ed));
    v.push("/evidence/".into());
    v.extend(entity_urls(&site.faq, ed));
    v.push("/faq/".into());
    v.extend(crate::site::crosswalk::page_urls(site));
    let top = site.editions.len().saturating_sub(1);
    if ed == top || ed >= crate::site::readiness::aggregate_level(site) {
        v.push("/readiness/".into());
    }
    v.push("/search/".into());
    v.push("/404.html".into());
    v
}
