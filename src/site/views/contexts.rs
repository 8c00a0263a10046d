//! The context of every template: one struct per page kind, holding the
//! views that page shows. Field names are the keys templates read
//! (`docs/theme.md`), so renaming a field breaks every theme that uses it.
//!
//! A context becomes a JSON object whose keys are sorted (serde_json keeps
//! objects in a `BTreeMap`), so the order of the fields here does not matter
//! to templates.

use super::{ControlView, DocView, EvidenceView, FaqView, RiskView, SoaCounts};
use super::{SiteView, SupplierView, SystemView};
use crate::core::catalogue::Harmonized;
use crate::core::date::Date;
use crate::core::kinds::Kind;
use crate::site::crosswalk::{CrosswalkView, ReuseView};
use crate::site::links::LinkView;
use crate::site::readiness::{AnnexFigure, Readiness, SystemsFigure};
use serde::Serialize;

/// What every page of an edition shares, under `site`.
#[derive(Debug, Serialize)]
pub struct BaseContext {
    pub site: SiteView,
}

/// `index.html` (`/`). `E` is the export listing (`site::export::ExportLink`,
/// which sits above this module).
#[derive(Debug, Serialize)]
pub struct HomePage<'a, E> {
    pub certifications: Vec<CertificationView<'a>>,
    /// The status strip above the fold: last review and the access request.
    pub status: StatusStrip<'a>,
    /// ISO/IEC 22989 role names.
    pub roles: Vec<&'static str>,
    pub scope: Option<ScopeSummary<'a>>,
    /// Summary views: no `*_html` fields, no backlinks.
    pub systems: Vec<SystemView>,
    /// `[tier, count]` pairs, every tier: systems in use (retired ones are
    /// counted apart in `system_counts`).
    pub tiers: Vec<(String, usize)>,
    /// Systems in use per tier and retired systems (the figure the readiness
    /// scorecard and `/api/figures.json` show).
    pub system_counts: SystemsFigure,
    /// Status counts of every control listed, own controls included.
    pub soa: SoaCounts,
    /// The Annex A headline figure, with its definition.
    pub annex: AnnexFigure,
    pub coverage_definition: &'static str,
    pub policies: Vec<DocSummary<'a>>,
    pub pages: Vec<DocLink<'a>>,
    pub faq_count: usize,
    pub supplier_count: usize,
    /// `[covered, total]` sub-clauses of 4-10 from the readiness scorecard,
    /// where the edition shows readiness.
    pub clauses_covered: Option<(usize, usize)>,
    /// `[register heading, URL, count, audience]` of each record register
    /// the edition sees; `audience` is the badge of the lowest edition that
    /// sees any of its records (null when the lowest edition does).
    pub records: Vec<(&'static str, String, usize, Option<String>)>,
    pub reuse: ReuseView,
    pub reuse_definition: &'static str,
    pub crosswalks: Vec<CrosswalkLink<'a>>,
    pub exports: Vec<E>,
}

/// A certification as the home page lists it.
#[derive(Debug, Serialize)]
pub struct CertificationView<'a> {
    pub name: &'a str,
    /// `certified`, `in-progress` or `planned`.
    pub status: &'static str,
    pub issued: Option<Date>,
    pub expires: Option<Date>,
    pub target: &'a Option<String>,
    pub scope: &'a Option<String>,
    pub evidence: Vec<LinkView>,
}

/// What the home page's status strip shows besides the certifications.
#[derive(Debug, Serialize)]
pub struct StatusStrip<'a> {
    /// The latest `approved` or `reviewed` date the edition sees
    /// ([`super::last_reviewed`]); none when nothing carries one.
    pub last_reviewed: Option<Date>,
    /// How `last_reviewed` is computed, shown beside it.
    pub last_reviewed_definition: &'static str,
    /// `site.yaml` `request_access` in every edition but the top one, when it
    /// is an http(s) or mailto address (W028 otherwise).
    pub request_access: Option<&'a str>,
}

/// The scope document as the home page links it.
#[derive(Debug, Serialize)]
pub struct ScopeSummary<'a> {
    pub title: &'a str,
    pub summary: &'a Option<String>,
    pub url: String,
}

/// A document linked with its summary (the home page's policies).
#[derive(Debug, Serialize)]
pub struct DocSummary<'a> {
    /// The audience badge ([`crate::site::views::audience`]).
    pub audience: Option<String>,
    pub title: &'a str,
    pub url: String,
    pub summary: &'a Option<String>,
}

/// A document linked by title (the home page's other pages).
#[derive(Debug, Serialize)]
pub struct DocLink<'a> {
    /// The audience badge ([`crate::site::views::audience`]).
    pub audience: Option<String>,
    pub title: &'a str,
    pub url: String,
}

/// A framework's crosswalk figure as the home page shows it.
#[derive(Debug, Serialize)]
pub struct CrosswalkLink<'a> {
    pub label: &'a str,
    pub url: &'a str,
    pub pct: usize,
    pub covered: usize,
    pub total: usize,
    /// False when nothing of the framework applies: shown as "not applicable".
    pub applicable: bool,
}

/// `documents.html`: the list of one kind of document.
#[derive(Debug, Serialize)]
pub struct DocumentsPage<'a> {
    pub kind: Kind,
    pub heading: &'a str,
    pub items: Vec<DocumentItem<'a>>,
}

/// One document of a document list.
#[derive(Debug, Serialize)]
pub struct DocumentItem<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: &'a Option<String>,
    pub version: &'a Option<String>,
    pub approved: Option<Date>,
    pub owner: &'a Option<String>,
    pub systems: Vec<LinkView>,
}

/// `document.html`: one scope, policy, assessment, notice or page.
#[derive(Debug, Serialize)]
pub struct DocPage {
    pub doc: DocView,
}

/// `soa.html` (`/controls/`): the Statement of Applicability.
#[derive(Debug, Serialize)]
pub struct SoaPage {
    /// Summary views: no `*_html` fields, no backlinks.
    pub controls: Vec<ControlView>,
    pub counts: SoaCounts,
    /// The Annex A headline figure, with its definition and what this edition does not list.
    pub annex: AnnexFigure,
}

/// `control.html`: one control.
#[derive(Debug, Serialize)]
pub struct ControlPage {
    pub control: ControlView,
}

/// `systems.html`: the AI system list.
#[derive(Debug, Serialize)]
pub struct SystemsPage {
    /// Summary views: no `*_html` fields, no backlinks.
    pub systems: Vec<SystemView>,
    /// `[tier, count]` pairs, every tier: systems in use (retired ones apart).
    pub tiers: Vec<(String, usize)>,
    /// Systems in use per tier and retired systems (the home page's figure).
    pub system_counts: SystemsFigure,
}

/// `system.html`: one AI system.
#[derive(Debug, Serialize)]
pub struct SystemPage {
    pub system: SystemView,
    /// The at-a-glance box's computed figures.
    pub glance: super::SystemGlance,
    /// "Cited by", grouped by kind, without the glossary and changelog.
    pub cited_groups: Vec<super::CitedGroup>,
}

/// `risk.html`: one risk.
#[derive(Debug, Serialize)]
pub struct RiskPage<'a> {
    pub risk: &'a RiskView,
}

/// `risks.html`: the risk register.
#[derive(Debug, Serialize)]
pub struct RisksPage<'a> {
    pub risks: &'a [RiskView],
}

/// `supplier.html`: one supplier.
#[derive(Debug, Serialize)]
pub struct SupplierPage<'a> {
    pub supplier: &'a SupplierView,
}

/// `suppliers.html`: suppliers and subprocessors.
#[derive(Debug, Serialize)]
pub struct SuppliersPage<'a> {
    pub suppliers: &'a [SupplierView],
}

/// `evidence_item.html`: one evidence item.
#[derive(Debug, Serialize)]
pub struct EvidenceItemPage<'a> {
    pub evidence: &'a EvidenceView,
}

/// `evidence.html`: the evidence register (the key is `evidence` here too).
#[derive(Debug, Serialize)]
pub struct EvidencePage<'a> {
    pub evidence: &'a [EvidenceView],
}

/// `faq_item.html`: one FAQ entry.
#[derive(Debug, Serialize)]
pub struct FaqItemPage<'a> {
    pub faq: &'a FaqView,
}

/// `faq.html`: every FAQ entry.
#[derive(Debug, Serialize)]
pub struct FaqPage<'a> {
    pub faqs: &'a [FaqView],
}

/// `readiness.html`: the readiness scorecard.
#[derive(Debug, Serialize)]
pub struct ReadinessPage {
    pub readiness: Readiness,
    /// True in the top edition: every gap is listed with links.
    pub gaps: bool,
    /// Every gap as an action (owner, due date, fix); empty below the top edition.
    pub actions: Vec<crate::site::readiness::actions::Action>,
    pub reuse: ReuseView,
    pub reuse_definition: &'static str,
}

/// `crosswalks.html`: the crosswalk index.
#[derive(Debug, Serialize)]
pub struct CrosswalksPage<'a> {
    pub crosswalks: Vec<CrosswalkSummary<'a>>,
    pub definition: &'static str,
    pub reuse: ReuseView,
    pub reuse_definition: &'static str,
}

/// One framework's row of the crosswalk index.
#[derive(Debug, Serialize)]
pub struct CrosswalkSummary<'a> {
    pub framework: &'a str,
    pub label: &'a str,
    pub url: &'a str,
    pub total: usize,
    pub covered: usize,
    pub pct: usize,
    pub has_reference: bool,
    pub applicable: bool,
    pub scope: &'a str,
    pub not_applicable: usize,
}

impl<'a> From<&'a CrosswalkView> for CrosswalkSummary<'a> {
    fn from(v: &'a CrosswalkView) -> Self {
        CrosswalkSummary {
            framework: &v.framework,
            label: &v.label,
            url: &v.url,
            total: v.total,
            covered: v.covered,
            pct: v.pct,
            has_reference: v.has_reference,
            applicable: v.applicable,
            scope: &v.scope,
            not_applicable: v.not_applicable.len(),
        }
    }
}

/// `crosswalk.html`: one framework's crosswalk.
#[derive(Debug, Serialize)]
pub struct CrosswalkPage<'a> {
    pub crosswalk: &'a CrosswalkView,
    pub definition: &'static str,
    pub nist_source: &'static str,
    pub ai_act_source: &'static str,
    pub harmonized: &'static Harmonized,
}

/// `search.html` and `404.html`: nothing besides `site` and `page`.
#[derive(Debug, Serialize)]
pub struct EmptyPage {}
