//! The page list of one edition: which URL, which template, which context.
//! Every page is derived from kind + id, so URLs never depend on titles.

use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use crate::site::views::*;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

mod crosswalks;
mod records;
mod registers;
use registers::register_jobs;

/// One page to render.
#[derive(Debug)]
pub struct PageJob {
    /// Root-relative URL (`/controls/a-6-2-4/`) or file path (`/404.html`).
    pub url: String,
    pub template: &'static str,
    pub title: String,
    /// The template context: a typed context of `site::views` as JSON
    /// (`Null` for a deferred page until it is materialised).
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
    /// The home page, which lists every visible document and system.
    Home,
    /// The list of one kind of document (`/policies/` …): at 100,000
    /// documents its view alone is tens of megabytes, so it is built only
    /// while the page renders.
    Documents(Kind),
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
                let (mut view, r) = doc_view(site, pos, ed);
                // The body is most of the view: serialised, it would be
                // copied; it is moved into its place in the context instead.
                let html = std::mem::take(&mut view.html);
                let mut ctx = context(&DocPage { doc: view });
                if let Some(slot) = ctx.get_mut("doc").and_then(|d| d.get_mut("html")) {
                    *slot = Value::String(html);
                }
                (ctx, Some(r.text.to_string()))
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
                (context(&ControlPage { control: v }), Some(text))
            }
            Some(Deferred::System(pos)) => {
                let s = &site.systems[pos];
                let v = system_view(site, s, ed, true);
                let text = format!(
                    "{} {} {} {}",
                    s.title,
                    s.data.summary.clone().unwrap_or_default(),
                    site.field_html(Kind::System, &s.id, "purpose", ed)
                        .map(|r| r.text)
                        .unwrap_or_default(),
                    system_card_text(&v)
                );
                let page = SystemPage {
                    system: v,
                    glance: system_glance(site, s, ed),
                    cited_groups: cited_groups(site, Kind::System, &s.id, ed),
                };
                (context(&page), Some(text))
            }
            Some(Deferred::Home) => (home_view(site, ed), None),
            Some(Deferred::Documents(kind)) => (documents_view(site, ed, kind), None),
            None => return (Cow::Borrowed(&self.ctx), self.search.clone()),
        };
        (Cow::Owned(ctx), text)
    }
}

/// The plain fields of a system card as the edition's view shows them
/// (oversight, models, data and their known gaps), for the search index:
/// a reviewer searching "human oversight" or a data gap finds the card.
fn system_card_text(v: &crate::site::views::SystemView) -> String {
    let mut t = format!(
        "Human oversight: {}. {}",
        v.oversight_mode.replace('-', " "),
        v.oversight_rationale.as_deref().unwrap_or_default()
    );
    for m in &v.models {
        t.push_str(&format!(" Model: {}.", m.name));
    }
    for d in &v.data {
        let fields = [&d.source, &d.basis, &d.known_gaps];
        t.push_str(&format!(" Data: {}.", d.name));
        for f in fields.into_iter().flatten() {
            t.push_str(&format!(" {f}"));
        }
    }
    t
}

/// A template context as the render stage takes it: a JSON object.
/// Serialising a view cannot fail (every map key is a string); were it to,
/// the context would be `null`, which rendering reports as a template error
/// at that page rather than a panic.
fn context(view: &impl Serialize) -> Value {
    serde_json::to_value(view).unwrap_or_default()
}

fn job(
    url: String,
    template: &'static str,
    title: &str,
    ctx: &impl Serialize,
    search: Option<String>,
) -> PageJob {
    PageJob {
        url,
        template,
        title: title.to_string(),
        ctx: context(ctx),
        search,
        deferred: None,
    }
}

/// A page of one entity whose view is built when the page renders.
fn deferred(kind: Kind, id: &str, title: &str, what: Deferred) -> PageJob {
    deferred_at(url(kind, id), title, what)
}

/// A page at `url` whose view is built when the page renders.
fn deferred_at(url: String, title: &str, what: Deferred) -> PageJob {
    let template = match what {
        Deferred::Doc(_) => "document.html",
        Deferred::Control(_) => "control.html",
        Deferred::System(_) => "system.html",
        Deferred::Home => "index.html",
        Deferred::Documents(_) => "documents.html",
    };
    PageJob {
        url,
        template,
        title: title.to_string(),
        ctx: Value::Null,
        search: None,
        deferred: Some(what),
    }
}

/// The document kinds listed on a page of their own: URL and heading.
const LISTINGS: [(Kind, &str, &str); 3] = [
    (Kind::Policy, "/policies/", "Policies"),
    (Kind::Assessment, "/assessments/", "Impact assessments"),
    (Kind::Notice, "/notices/", "Transparency notices"),
];

/// The view of the list of `kind`'s documents that edition `ed` sees.
fn documents_view(site: &Site, ed: usize, kind: Kind) -> Value {
    let heading = LISTINGS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("", |(_, _, h)| *h);
    let items = site
        .docs
        .iter()
        .filter(|d| d.kind == kind && d.level <= ed)
        .map(|d| {
            let f = &d.data.front;
            DocumentItem {
                title: &d.title,
                url: url(d.kind, &d.id),
                summary: &f.summary,
                version: &f.version,
                approved: f.approved,
                owner: &f.owner,
                systems: site.links(Kind::System, &f.systems, ed),
            }
        })
        .collect();
    context(&DocumentsPage {
        kind,
        heading,
        items,
    })
}

fn doc_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    for (kind, list_url, heading) in LISTINGS {
        jobs.push(deferred_at(
            list_url.into(),
            heading,
            Deferred::Documents(kind),
        ));
    }
    for (pos, d) in site.docs.iter().enumerate().filter(|(_, d)| d.level <= ed) {
        jobs.push(deferred(d.kind, &d.id, &d.title, Deferred::Doc(pos)));
    }
}

/// The certifications `site.yaml` declares, as the home page lists them.
fn certifications(site: &Site, ed: usize) -> Vec<CertificationView<'_>> {
    site.config
        .certifications
        .iter()
        .map(|c| CertificationView {
            name: &c.name,
            status: c.status.as_str(),
            issued: c.issued,
            expires: c.expires,
            target: &c.target,
            scope: &c.scope,
            evidence: site.links(Kind::Evidence, &c.evidence, ed),
        })
        .collect()
}

/// The home page's status strip. The request-access link is for readers who
/// do not yet see everything, so the top edition does not show it.
fn status_strip(site: &Site, ed: usize) -> StatusStrip<'_> {
    let top = ed + 1 == site.editions.len();
    StatusStrip {
        last_reviewed: last_reviewed(site, ed),
        last_reviewed_definition: LAST_REVIEWED_DEFINITION,
        request_access: site.config.request_access_link().filter(|_| !top),
    }
}

fn home_job(site: &Site) -> PageJob {
    deferred_at("/".into(), &site.config.organisation, Deferred::Home)
}

/// The home page's view for edition `ed`.
fn home_view(site: &Site, ed: usize) -> Value {
    let visible = |kind: Kind| {
        site.docs
            .iter()
            .filter(move |d| d.kind == kind && d.level <= ed)
    };
    let crosswalks = crate::site::crosswalk::all(site, ed);
    let page = HomePage {
        certifications: certifications(site, ed),
        status: status_strip(site, ed),
        roles: site.config.roles.iter().map(|r| r.as_str()).collect(),
        scope: visible(Kind::Scope).next().map(|s| ScopeSummary {
            title: &s.title,
            summary: &s.data.front.summary,
            url: url(Kind::Scope, "scope"),
        }),
        systems: site
            .systems
            .iter()
            .filter(|s| s.level <= ed)
            .map(|s| system_view(site, s, ed, false))
            .collect(),
        tiers: crate::site::readiness::tier_counts_in_use(site, ed),
        system_counts: crate::site::readiness::systems(site, ed),
        soa: soa_counts(site, ed),
        annex: crate::site::readiness::annex_a(site, ed),
        coverage_definition: crate::site::crosswalk::COVERAGE_DEFINITION,
        policies: visible(Kind::Policy)
            .map(|d| DocSummary {
                audience: crate::site::views::audience(site, d.level, ed),
                title: &d.title,
                url: url(d.kind, &d.id),
                summary: &d.data.front.summary,
            })
            .collect(),
        pages: visible(Kind::Page)
            .map(|d| DocLink {
                audience: crate::site::views::audience(site, d.level, ed),
                title: &d.title,
                url: url(d.kind, &d.id),
            })
            .collect(),
        faq_count: site.faq.iter().filter(|f| f.level <= ed).count(),
        supplier_count: site.suppliers.iter().filter(|f| f.level <= ed).count(),
        clauses_covered: crate::site::readiness::for_edition(site, ed)
            .map(|r| (r.clauses_covered, r.clauses.len())),
        records: records::record_tiles(site, ed),
        reuse: crate::site::crosswalk::reuse(site, ed),
        reuse_definition: crate::site::crosswalk::REUSE_DEFINITION,
        crosswalks: crosswalks
            .iter()
            .map(|c| CrosswalkLink {
                label: &c.label,
                url: &c.url,
                pct: c.pct,
                covered: c.covered,
                total: c.total,
                applicable: c.applicable,
            })
            .collect(),
        exports: crate::site::export::listing(site, ed),
    };
    context(&page)
}

/// Every page of edition `ed`, in a stable order.
pub fn jobs(site: &Site, ed: usize) -> Vec<PageJob> {
    let mut jobs = vec![home_job(site)];
    doc_jobs(site, ed, &mut jobs);
    register_jobs(site, ed, &mut jobs);
    records::record_jobs(site, ed, &mut jobs);
    jobs.extend(crosswalks::page_jobs(site, ed));
    let top = site.editions.len().saturating_sub(1);
    if let Some(r) = crate::site::readiness::for_edition(site, ed) {
        // Same basis as the other readiness figures; lower editions get the count only.
        let mut reuse = crate::site::crosswalk::reuse(site, top);
        if ed != top {
            reuse.controls.clear();
        }
        jobs.push(job(
            "/readiness/".into(),
            "readiness.html",
            "Readiness scorecard",
            &ReadinessPage {
                actions: if ed == top {
                    crate::site::readiness::actions::actions(site, &r, ed)
                } else {
                    Vec::new()
                },
                readiness: r,
                gaps: ed == top,
                reuse,
                reuse_definition: crate::site::crosswalk::REUSE_DEFINITION,
            },
            None,
        ));
    }
    jobs.push(job(
        "/search/".into(),
        "search.html",
        "Search",
        &EmptyPage {},
        None,
    ));
    jobs.push(job(
        "/404.html".into(),
        "404.html",
        "Page not found",
        &EmptyPage {},
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
    v.extend(records::record_urls(site, ed));
    v.extend(crate::site::crosswalk::page_urls(site));
    let top = site.editions.len().saturating_sub(1);
    if ed == top || ed >= crate::site::readiness::aggregate_level(site) {
        v.push("/readiness/".into());
    }
    v.push("/search/".into());
    v.push("/404.html".into());
    v
}
