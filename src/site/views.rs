//! Views: the data each template sees, built per edition from the model.
//!
//! Filtering happens here, before any template runs: a view only ever holds
//! entities the edition may see, and references to hidden ones become
//! [`LinkView`]s without title or URL. Templates cannot leak what they are
//! never given. Each template's context is a struct of these views
//! (`views/contexts.rs`); `docs/theme.md` documents them for theme authors.

use crate::core::catalogue;
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::markdown::Rendered;
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::types::*;
use crate::site::links::{framework_label, LinkView};
use serde::Serialize;

mod contexts;
pub mod records;
mod registers;
pub mod systems;
pub use contexts::*;
pub use registers::*;
pub use systems::*;

/// Settings shared by every page of an edition.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub organisation: String,
    pub description: Option<String>,
    pub base_url: String,
    pub edition: String,
    pub edition_index: usize,
    pub editions: Vec<String>,
    /// True for every edition but the lowest: pages carry `noindex`.
    pub noindex: bool,
    pub contact: String,
    pub security_contact: Option<String>,
    pub nav: Vec<NavItem>,
    /// Set by `vouch serve`: the live-reload script and edition banner appear.
    pub serve: bool,
    pub today: String,
    pub generator: &'static str,
}

/// One entry of the main navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
}

impl Site {
    /// Renders a register Markdown field for `ed` (empty when absent).
    pub fn field_html(
        &self,
        kind: Kind,
        id: &str,
        field: &'static str,
        ed: usize,
    ) -> Option<Rendered> {
        self.field_md
            .get(&(kind, id.to_string(), field))
            .map(|md| md.render(ed, &self.md_resolver(ed)))
    }

    /// Common page settings for edition `ed`.
    pub fn site_view(&self, ed: usize, serve: bool) -> SiteView {
        let mut nav: Vec<NavItem> = [
            ("Overview", "/"),
            ("AI systems", "/systems/"),
            ("Controls", "/controls/"),
            ("Policies", "/policies/"),
            ("FAQ", "/faq/"),
            ("Search", "/search/"),
        ]
        .iter()
        .map(|(t, u)| NavItem {
            title: t.to_string(),
            url: u.to_string(),
        })
        .collect();
        // Readiness is in the navigation of exactly the editions that publish
        // `/readiness/` (`readiness::for_edition`), before Search.
        let top = self.editions.len().saturating_sub(1);
        if ed == top || ed >= crate::site::readiness::aggregate_level(self) {
            nav.insert(
                nav.len() - 1,
                NavItem {
                    title: "Readiness".into(),
                    url: "/readiness/".into(),
                },
            );
        }
        SiteView {
            organisation: self.config.organisation.clone(),
            description: self.config.description.clone(),
            base_url: self.config.base_url.trim_end_matches('/').to_string(),
            edition: self.editions[ed].clone(),
            edition_index: ed,
            editions: self.editions.clone(),
            noindex: ed > 0,
            contact: self.config.contact.clone(),
            security_contact: self.config.security_contact.clone(),
            nav,
            serve,
            today: self.today.to_string(),
            generator: concat!("vouch ", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// What [`last_reviewed`] means, printed beside the date wherever it is shown.
pub const LAST_REVIEWED_DEFINITION: &str = "The latest approval date of a document, or review date of a risk or competence record, that this edition publishes; dates after today are not counted.";

/// The date the content of edition `ed` was last reviewed: the latest
/// `approved` of a document, or `reviewed` of a risk or competence record,
/// among those the edition sees. A date after today records nothing done yet
/// (W005), so it is not counted.
pub fn last_reviewed(site: &Site, ed: usize) -> Option<crate::core::date::Date> {
    let docs = site
        .docs
        .iter()
        .filter(|d| d.level <= ed)
        .filter_map(|d| d.data.front.approved);
    let risks = site
        .risks
        .iter()
        .filter(|r| r.level <= ed)
        .filter_map(|r| r.data.reviewed);
    let competence = site
        .records
        .competence
        .iter()
        .filter(|r| r.level <= ed)
        .filter_map(|r| r.data.reviewed);
    docs.chain(risks)
        .chain(competence)
        .filter(|d| *d <= site.today)
        .max()
}

/// The audience badge of an entity of edition level `level` seen from
/// edition `ed`: the name of the lowest edition that sees it when a lower
/// edition does not (so staff can tell what is safe to paste to whom), and
/// none in the lowest edition, which never learns what it does not show.
pub fn audience(site: &Site, level: usize, ed: usize) -> Option<String> {
    (level > 0 && level <= ed)
        .then(|| site.editions.get(level).cloned())
        .flatten()
}

/// A Markdown document page.
#[derive(Debug, Serialize)]
pub struct DocView {
    /// The lowest edition that sees it when that is not the lowest edition
    /// ([`audience`]): the "customer" / "internal" badge; null in the public edition.
    pub audience: Option<String>,
    pub kind: Kind,
    pub kind_label: &'static str,
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub html: String,
    pub toc: Vec<crate::pipeline::markdown::Heading>,
    pub owner: Option<String>,
    pub approved_by: Option<String>,
    pub version: Option<String>,
    pub approved: Option<String>,
    pub next_review: Option<String>,
    pub clauses: Vec<ClauseView>,
    pub controls: Vec<LinkView>,
    pub systems: Vec<LinkView>,
    /// Risks linked either way: named in `risks:`, or (for an assessment) by
    /// nothing else; an assessment lists the risks it raised.
    pub risks: Vec<LinkView>,
    pub cited_by: Vec<LinkView>,
    /// The document's language (`lang:` front matter) when it is a valid tag
    /// and not the site's; a malformed one is reported (W027), not published.
    pub lang: Option<String>,
}

/// An ISO/IEC 42001 clause reference.
#[derive(Debug, Serialize)]
pub struct ClauseView {
    pub id: String,
    pub title: String,
}

/// Builds a document's view for edition `ed`.
pub fn doc_view(site: &Site, pos: usize, ed: usize) -> (DocView, Rendered) {
    let d: &Entity<crate::pipeline::parse::DocSource> = &site.docs[pos];
    let f = &d.data.front;
    let r = site.doc_md[pos].render(ed, &site.md_resolver(ed));
    let cat = catalogue::get();
    let view = DocView {
        audience: audience(site, d.level, ed),
        kind: d.kind,
        kind_label: match d.kind {
            Kind::Scope => "Scope",
            Kind::Policy => "Policy",
            Kind::Assessment => "Impact assessment",
            Kind::Notice => "Transparency notice",
            _ => "Page",
        },
        id: d.id.clone(),
        title: d.title.clone(),
        summary: f.summary.clone(),
        lang: f
            .lang
            .clone()
            .filter(|l| crate::pipeline::markdown::is_lang_tag(l)),
        html: r.html.to_string(),
        toc: r
            .toc
            .iter()
            .filter(|h| h.level >= 2 && h.level <= 3)
            .cloned()
            .collect(),
        owner: f.owner.clone(),
        approved_by: f.approved_by.clone(),
        version: f.version.clone(),
        approved: f.approved.map(|a| a.to_string()),
        next_review: f
            .approved
            .zip(f.review_every)
            .map(|(a, p)| a.plus(p).to_string()),
        clauses: f
            .clauses
            .iter()
            .map(|c| ClauseView {
                id: c.clone(),
                title: cat.clause(c).map(|e| e.title.clone()).unwrap_or_default(),
            })
            .collect(),
        controls: site.links(Kind::Control, &f.controls, ed),
        systems: site.links(Kind::System, &f.systems, ed),
        risks: site.links(Kind::Risk, &f.risks, ed),
        cited_by: site.backlink_views(d.kind, &d.id, ed),
    };
    (view, r)
}

/// A control row / page.
#[derive(Debug, Serialize)]
pub struct ControlView {
    /// The lowest edition that sees it when that is not the lowest edition
    /// ([`audience`]): the "customer" / "internal" badge; null in the public edition.
    pub audience: Option<String>,
    pub id: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub annex_a: bool,
    pub objective: Option<ClauseView>,
    pub applicable: bool,
    pub status: Option<&'static str>,
    pub owner: Option<String>,
    pub implementation_html: Option<String>,
    pub justification_html: Option<String>,
    pub evidence: Vec<LinkView>,
    pub evidence_count: usize,
    /// The visible evidence grouped by the AI systems it names (`systems:`);
    /// evidence naming no visible system is in a last group without `system`.
    pub evidence_by_system: Vec<EvidenceGroup>,
    pub systems: Vec<LinkView>,
    pub maps_to: Vec<MappingView>,
    pub reference_nist: Vec<String>,
    /// `reference_nist` with links to the NIST AI RMF crosswalk page rows.
    pub reference_nist_links: Vec<crate::site::crosswalk::TargetView>,
    /// Receipts of evidence files this edition may not see (`receipt: true`).
    pub receipts: Vec<crate::site::receipts::ReceiptView>,
    pub cited_by: Vec<LinkView>,
}

/// Evidence of a control that covers one AI system (`system` is None for
/// evidence that names no system this edition sees).
#[derive(Debug, Serialize)]
pub struct EvidenceGroup {
    pub system: Option<LinkView>,
    pub evidence: Vec<LinkView>,
}

/// The evidence of `ids` that edition `ed` sees, grouped by the visible
/// systems each names, in the order systems are first named; the evidence
/// naming none of them comes last. Empty when no evidence names a system, so
/// a page without system evidence shows its plain list.
fn evidence_by_system(site: &Site, ids: &[String], ed: usize) -> Vec<EvidenceGroup> {
    let visible = |k, id: &str| site.level(k, id).is_some_and(|l| l <= ed);
    let mut groups: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for ev in site
        .evidence
        .iter()
        .filter(|e| ids.contains(&e.id) && e.level <= ed)
    {
        let systems: Vec<&String> = ev
            .data
            .systems
            .iter()
            .filter(|s| visible(Kind::System, s))
            .collect();
        let keys: Vec<Option<String>> = if systems.is_empty() {
            vec![None]
        } else {
            systems.into_iter().map(|s| Some(s.clone())).collect()
        };
        for k in keys {
            match groups.iter_mut().find(|(g, _)| *g == k) {
                Some((_, v)) => v.push(ev.id.clone()),
                None => groups.push((k, vec![ev.id.clone()])),
            }
        }
    }
    if groups.iter().all(|(k, _)| k.is_none()) {
        return Vec::new();
    }
    groups.sort_by_key(|(k, _)| k.is_none());
    groups
        .into_iter()
        .map(|(k, v)| EvidenceGroup {
            system: k.map(|s| site.link(Kind::System, &s, ed)),
            evidence: site.links(Kind::Evidence, &v, ed),
        })
        .collect()
}

/// A control's mapping to one external framework.
#[derive(Debug, Serialize)]
pub struct MappingView {
    pub framework: String,
    pub label: String,
    pub ids: Vec<String>,
    /// The framework's crosswalk page, when `site.yaml: frameworks` lists it.
    pub url: Option<String>,
    /// `ids` with titles (EU AI Act) and links to their crosswalk rows.
    pub targets: Vec<crate::site::crosswalk::TargetView>,
}

/// How many of `ids` edition `ed` may see: a count over all of them would
/// tell a lower edition how many hidden items there are (the list itself
/// shows one count-free marker for those).
fn visible_count(site: &Site, kind: Kind, ids: &[String], ed: usize) -> usize {
    ids.iter()
        .filter(|id| site.level(kind, id).is_some_and(|l| l <= ed))
        .count()
}

/// Builds a control's view for edition `ed`.
pub fn control_view(site: &Site, c: &Entity<ControlEntry>, ed: usize, full: bool) -> ControlView {
    let cat = catalogue::get();
    let e = &c.data;
    let annex = cat.control(&e.id);
    let objective = annex.and_then(|a| a.parent.as_deref()).map(|p| ClauseView {
        id: p.to_string(),
        title: cat.objective_title(p).unwrap_or_default().to_string(),
    });
    let html = |f| {
        if full {
            site.field_html(Kind::Control, &c.id, f, ed)
                .map(|r| r.html.to_string())
        } else {
            None
        }
    };
    ControlView {
        id: c.id.clone(),
        audience: audience(site, c.level, ed),
        slug: crate::core::routes::slug(&c.id),
        url: url(Kind::Control, &c.id),
        title: c.title.clone(),
        annex_a: annex.is_some(),
        objective,
        applicable: e.applicable,
        status: e
            .applicable
            .then_some(e.status.map(|s| s.as_str()))
            .flatten(),
        owner: e.owner.clone(),
        implementation_html: html("implementation"),
        justification_html: html("justification"),
        evidence: site.links(Kind::Evidence, &e.evidence, ed),
        evidence_count: visible_count(site, Kind::Evidence, &e.evidence, ed),
        evidence_by_system: if full {
            evidence_by_system(site, &e.evidence, ed)
        } else {
            Vec::new()
        },
        systems: site.links(Kind::System, &e.systems, ed),
        maps_to: e
            .maps_to
            .iter()
            .map(|(k, v)| MappingView {
                framework: k.clone(),
                label: framework_label(k),
                ids: v.clone(),
                url: crate::site::crosswalk::page_url(site, k),
                targets: crate::site::crosswalk::targets(site, k, v),
            })
            .collect(),
        reference_nist: cat.nist.get(&e.id).cloned().unwrap_or_default(),
        reference_nist_links: crate::site::crosswalk::targets(
            site,
            "nist_ai_rmf",
            cat.nist.get(&e.id).map(Vec::as_slice).unwrap_or_default(),
        ),
        receipts: if full {
            crate::site::receipts::for_control(site, c, ed)
        } else {
            Vec::new()
        },
        cited_by: if full {
            site.backlink_views(Kind::Control, &c.id, ed)
        } else {
            Vec::new()
        },
    }
}

/// Counts of SoA statuses (visible controls only).
#[derive(Debug, Default, Serialize)]
pub struct SoaCounts {
    pub implemented: usize,
    pub partial: usize,
    pub planned: usize,
    pub not_started: usize,
    pub excluded: usize,
    pub total: usize,
}

/// SoA counts over the controls edition `ed` sees.
pub fn soa_counts(site: &Site, ed: usize) -> SoaCounts {
    let mut c = SoaCounts::default();
    for ctl in site.controls.iter().filter(|c| c.level <= ed) {
        c.total += 1;
        match (ctl.data.applicable, ctl.data.status) {
            (false, _) => c.excluded += 1,
            (true, Some(Status::Implemented)) => c.implemented += 1,
            (true, Some(Status::Partial)) => c.partial += 1,
            (true, Some(Status::Planned)) => c.planned += 1,
            (true, _) => c.not_started += 1,
        }
    }
    c
}

/// An AI system card.
#[derive(Debug, Serialize)]
pub struct SystemView {
    /// The lowest edition that sees it when that is not the lowest edition
    /// ([`audience`]): the "customer" / "internal" badge; null in the public edition.
    pub audience: Option<String>,
    pub id: String,
    pub url: String,
    pub name: String,
    pub summary: Option<String>,
    pub purpose_html: Option<String>,
    pub lifecycle: &'static str,
    pub deployed: Option<String>,
    pub roles: Vec<&'static str>,
    /// The older single-valued field, as written (themes written before `ai_act_roles`).
    pub ai_act_role: Option<&'static str>,
    /// Every EU AI Act role, from `ai_act_roles` or `ai_act_role`.
    pub ai_act_roles: Vec<&'static str>,
    /// One sentence reconciling the usage tier with the EU AI Act classification.
    pub ai_act_sentence: String,
    /// The EU AI Act obligations of each role.
    pub obligations: Vec<ObligationView>,
    /// True when the Annex IV outline is exported (provider of a high-risk system).
    pub annex_iv: bool,
    /// True when the deployer-duties list is exported (deployer of a high-risk system).
    pub deployer_duties: bool,
    /// True when EU AI Act Art. 27 asks for a fundamental rights impact assessment.
    pub fria: bool,
    pub domain: &'static str,
    pub decision: &'static str,
    pub affected: Vec<String>,
    pub scale: Option<String>,
    pub oversight_mode: &'static str,
    pub oversight_rationale: Option<String>,
    pub risk_tier: &'static str,
    pub implied_tier: &'static str,
    /// The fields that imply the tier (None at minimal: nothing implies more).
    pub implied_by: Option<String>,
    /// Why the usage implies its tier, in words, to follow "because".
    pub implied_because: String,
    pub models: Vec<ModelView>,
    pub data: Vec<DataSource>,
    pub metrics: Vec<MetricView>,
    pub misuse_html: Option<String>,
    pub limitations_html: Option<String>,
    pub contest_html: Option<String>,
    /// The day the system was retired (`retired:`).
    pub retired: Option<String>,
    pub assessment: Option<LinkView>,
    /// The approval date of the impact assessment, when this edition sees it.
    pub assessment_date: Option<String>,
    pub notice: Option<LinkView>,
    pub controls: Vec<LinkView>,
    pub risks: Vec<LinkView>,
    pub retirement_html: Option<String>,
    pub owner: Option<String>,
    /// Policies that name this system in their `systems:` and this edition sees.
    pub governed_by: Vec<LinkView>,
    pub cited_by: Vec<LinkView>,
}

/// A model and its supplier.
#[derive(Debug, Serialize)]
pub struct ModelView {
    pub name: String,
    pub version: Option<String>,
    pub supplier: Option<LinkView>,
}

/// Builds a system card's view for edition `ed`.
pub fn system_view(site: &Site, s: &Entity<SystemCard>, ed: usize, full: bool) -> SystemView {
    let c = &s.data;
    let html = |f| {
        if full {
            site.field_html(Kind::System, &s.id, f, ed)
                .map(|r| r.html.to_string())
        } else {
            None
        }
    };
    let implied = c.implied_tier();
    SystemView {
        id: s.id.clone(),
        audience: audience(site, s.level, ed),
        url: url(Kind::System, &s.id),
        name: c.name.clone(),
        summary: c.summary.clone(),
        purpose_html: html("purpose"),
        lifecycle: c.lifecycle.as_str(),
        deployed: c.deployed.map(|d| d.to_string()),
        roles: c.roles.iter().map(|r| r.as_str()).collect(),
        ai_act_role: c.ai_act_role.map(|r| r.as_str()),
        ai_act_roles: c.ai_act_roles().iter().map(|r| r.as_str()).collect(),
        ai_act_sentence: ai_act_sentence(c),
        obligations: obligations(c),
        annex_iv: c.needs_annex_iv(),
        deployer_duties: c.needs_deployer_duties(),
        fria: c.needs_fria(),
        domain: c.usage.domain.as_str(),
        decision: c.usage.decision.as_str(),
        affected: c.usage.affected.clone(),
        scale: c.usage.scale.clone(),
        oversight_mode: c.oversight.mode.as_str(),
        oversight_rationale: c.oversight.rationale.clone(),
        risk_tier: c.risk_tier.as_str(),
        implied_tier: implied.tier.as_str(),
        implied_by: (!implied.reasons.is_empty()).then(|| implied.fields()),
        implied_because: implied.because(),
        models: c
            .models
            .iter()
            .map(|m| ModelView {
                name: m.name.clone(),
                version: m.version.clone(),
                supplier: m
                    .supplier
                    .as_ref()
                    .map(|sup| site.link(Kind::Supplier, sup, ed)),
            })
            .collect(),
        data: c.data.clone(),
        metrics: metrics(c),
        misuse_html: html("misuse"),
        limitations_html: html("limitations"),
        contest_html: html("contest"),
        retired: c.retired.map(|d| d.to_string()),
        assessment: c
            .impact_assessment
            .as_ref()
            .map(|a| site.link(Kind::Assessment, a, ed)),
        assessment_date: assessment_date(site, c, ed),
        notice: c.notice.as_ref().map(|n| site.link(Kind::Notice, n, ed)),
        controls: site.links(Kind::Control, &c.controls, ed),
        risks: site.links(Kind::Risk, &linked_risks(site, s), ed),
        retirement_html: html("retirement"),
        owner: c.owner.clone(),
        governed_by: site
            .docs
            .iter()
            .filter(|d| d.kind == Kind::Policy && d.level <= ed)
            .filter(|d| d.data.front.systems.contains(&s.id))
            .map(|d| site.link(Kind::Policy, &d.id, ed))
            .collect(),
        cited_by: if full {
            site.backlink_views(Kind::System, &s.id, ed)
        } else {
            Vec::new()
        },
    }
}
