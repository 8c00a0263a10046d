//! The JSON API of an edition: `/api/controls.json`, `/api/systems.json`,
//! `/api/faq.json`, `/api/evidence.json` and `/api/figures.json`, each a
//! typed document.
//!
//! Fields are declared in alphabetical order on purpose: the files are
//! written straight from these structs, in field order, and the published
//! API has always listed keys sorted. Reordering a field changes the output.

use super::{base, visible_ids};
use crate::core::date::{Date, Period};
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use crate::pipeline::parse::rules::Freshness;
use crate::pipeline::parse::types::*;
use crate::pipeline::write::OutFile;
use crate::site::views::shown_location;
use serde::Serialize;
use std::collections::BTreeMap;

/// `/api/controls.json`.
#[derive(Debug, Serialize)]
pub struct ControlsDoc<'a> {
    pub controls: Vec<ApiControl<'a>>,
}

/// A control in the API.
#[derive(Debug, Serialize)]
pub struct ApiControl<'a> {
    pub applicable: bool,
    /// The evidence ids this edition may see.
    pub evidence: Vec<String>,
    /// True when the control cites evidence this edition may not see.
    pub evidence_on_request: bool,
    pub id: &'a str,
    pub maps_to: &'a BTreeMap<String, Vec<String>>,
    pub owner: &'a Option<String>,
    /// Null when the control is excluded or has no status.
    pub status: Option<Status>,
    pub systems: Vec<String>,
    pub title: &'a str,
    pub url: String,
}

/// `/api/systems.json`.
#[derive(Debug, Serialize)]
pub struct SystemsDoc<'a> {
    pub systems: Vec<ApiSystem<'a>>,
}

/// An AI system in the API; references the edition may not see are dropped.
#[derive(Debug, Serialize)]
pub struct ApiSystem<'a> {
    /// The older single-valued field, kept for API readers written before `ai_act_roles`.
    pub ai_act_role: Option<AiActRole>,
    /// Every EU AI Act role recorded (`ai_act_roles` or the older single field).
    pub ai_act_roles: Vec<AiActRole>,
    pub controls: Vec<String>,
    /// Each data source with what it is used for (training, evaluation, inference).
    pub data: Vec<ApiData<'a>>,
    pub id: &'a str,
    pub impact_assessment: Option<&'a String>,
    /// The tier the usage and oversight imply, and why (the card's sentence).
    pub implied_tier: Tier,
    pub implied_tier_reason: String,
    pub lifecycle: Lifecycle,
    pub metrics: &'a [Metric],
    pub models: Vec<ApiModel<'a>>,
    pub name: &'a str,
    pub notice: Option<&'a String>,
    pub oversight: ApiOversight<'a>,
    /// The day the system was retired, when it was.
    pub retired: Option<Date>,
    pub risk_tier: Tier,
    /// Risks linked from either side (the system's `risks:` or a risk's `systems:`).
    pub risks: Vec<String>,
    pub roles: &'a [IsoRole],
    pub summary: &'a Option<String>,
    pub url: String,
    pub usage: ApiUsage<'a>,
}

/// A data source of a system and its uses.
#[derive(Debug, Serialize)]
pub struct ApiData<'a> {
    pub name: &'a str,
    #[serde(rename = "use")]
    pub uses: &'a [DataUse],
}

/// A model a system uses; `supplier` is null when the edition may not see it.
#[derive(Debug, Serialize)]
pub struct ApiModel<'a> {
    pub name: &'a str,
    pub supplier: Option<&'a String>,
    pub version: &'a Option<String>,
}

/// A system's human oversight.
#[derive(Debug, Serialize)]
pub struct ApiOversight<'a> {
    pub mode: OversightMode,
    pub rationale: &'a Option<String>,
}

/// A system's usage profile.
#[derive(Debug, Serialize)]
pub struct ApiUsage<'a> {
    pub affected: &'a [String],
    pub decision: Decision,
    pub domain: Domain,
    pub scale: &'a Option<String>,
}

/// `/api/faq.json`.
#[derive(Debug, Serialize)]
pub struct FaqDoc {
    pub faq: Vec<ApiFaq>,
}

/// A FAQ entry in the API, its answer as plain text and as HTML.
#[derive(Debug, Serialize)]
pub struct ApiFaq {
    pub answer: String,
    pub answer_html: String,
    pub id: String,
    pub matches: Vec<String>,
    pub question: String,
    pub topics: Vec<String>,
    pub url: String,
}

/// `/api/evidence.json`.
#[derive(Debug, Serialize)]
pub struct EvidenceDoc<'a> {
    pub evidence: Vec<ApiEvidence<'a>>,
}

/// An evidence item in the API.
#[derive(Debug, Serialize)]
pub struct ApiEvidence<'a> {
    pub collected: Option<Date>,
    pub due: Option<Date>,
    pub id: &'a str,
    pub kind: EvidenceKind,
    /// A vouch document the edition may not see is not named by its id.
    pub location: String,
    pub owner: &'a Option<String>,
    pub review_every: Option<Period>,
    pub stale: bool,
    /// The document-control system of an external document, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<&'a str>,
    pub title: &'a str,
    pub url: String,
}

fn controls<'a>(site: &'a Site, ed: usize, b: &str) -> ControlsDoc<'a> {
    let controls = site.controls.iter().filter(|c| c.level <= ed).map(|c| {
        let e = &c.data;
        let shown = visible_ids(site, Kind::Evidence, &e.evidence, ed);
        ApiControl {
            applicable: e.applicable,
            evidence_on_request: shown.len() < e.evidence.len(),
            evidence: shown,
            id: &c.id,
            maps_to: &e.maps_to,
            owner: &e.owner,
            status: e.status.filter(|_| e.applicable),
            systems: visible_ids(site, Kind::System, &e.systems, ed),
            title: &c.title,
            url: format!("{b}{}", url(Kind::Control, &c.id)),
        }
    });
    ControlsDoc {
        controls: controls.collect(),
    }
}

fn systems<'a>(site: &'a Site, ed: usize, b: &str) -> SystemsDoc<'a> {
    let shown =
        move |kind: Kind, id: &'a Option<String>| id.as_ref().filter(|x| site.visible(kind, x, ed));
    let systems = site.systems.iter().filter(|s| s.level <= ed).map(|s| {
        let c = &s.data;
        let implied = c.implied_tier();
        let risks = crate::site::views::systems::linked_risks(site, s);
        ApiSystem {
            ai_act_role: c.ai_act_role,
            ai_act_roles: c.ai_act_roles(),
            controls: visible_ids(site, Kind::Control, &c.controls, ed),
            data: c
                .data
                .iter()
                .map(|d| ApiData {
                    name: &d.name,
                    uses: &d.uses,
                })
                .collect(),
            id: &s.id,
            impact_assessment: shown(Kind::Assessment, &c.impact_assessment),
            implied_tier: implied.tier,
            implied_tier_reason: implied.because(),
            lifecycle: c.lifecycle,
            metrics: &c.metrics,
            models: c
                .models
                .iter()
                .map(|m| ApiModel {
                    name: &m.name,
                    supplier: shown(Kind::Supplier, &m.supplier),
                    version: &m.version,
                })
                .collect(),
            name: &c.name,
            notice: shown(Kind::Notice, &c.notice),
            oversight: ApiOversight {
                mode: c.oversight.mode,
                rationale: &c.oversight.rationale,
            },
            retired: c.retired,
            risk_tier: c.risk_tier,
            risks: visible_ids(site, Kind::Risk, &risks, ed),
            roles: &c.roles,
            summary: &c.summary,
            url: format!("{b}{}", url(Kind::System, &s.id)),
            usage: ApiUsage {
                affected: &c.usage.affected,
                decision: c.usage.decision,
                domain: c.usage.domain,
                scale: &c.usage.scale,
            },
        }
    });
    SystemsDoc {
        systems: systems.collect(),
    }
}

fn faq(site: &Site, ed: usize, b: &str) -> FaqDoc {
    let faq = site.faq.iter().filter(|f| f.level <= ed).map(|f| {
        let r = site
            .field_html(Kind::Faq, &f.id, "answer", ed)
            .unwrap_or_default();
        ApiFaq {
            answer: r.text.trim().to_string(),
            answer_html: r.html.to_string(),
            id: f.id.clone(),
            matches: f.data.matches.clone(),
            question: f.title.clone(),
            topics: f.data.topics.clone(),
            url: format!("{b}{}", url(Kind::Faq, &f.id)),
        }
    });
    FaqDoc { faq: faq.collect() }
}

fn evidence<'a>(site: &'a Site, ed: usize, b: &str) -> EvidenceDoc<'a> {
    let evidence = site.evidence.iter().filter(|e| e.level <= ed).map(|e| {
        let d = &e.data;
        ApiEvidence {
            collected: d.collected,
            due: d.due(),
            id: &e.id,
            kind: d.kind,
            location: shown_location(site, d, ed),
            owner: &d.owner,
            review_every: d.review_every,
            stale: matches!(d.freshness(site.today), Freshness::Stale(_)),
            system: d.system.as_deref(),
            title: &e.title,
            url: format!("{b}{}", url(Kind::Evidence, &e.id)),
        }
    });
    EvidenceDoc {
        evidence: evidence.collect(),
    }
}

/// `/api/figures.json`: the headline figures of the edition, each with its
/// definition, from the same functions as the pages that show them.
#[derive(Debug, Serialize)]
pub struct FiguresDoc {
    pub annex_a: crate::site::readiness::AnnexFigure,
    pub crosswalks: Vec<ApiCoverage>,
    pub edition: String,
    pub reuse: ApiReuse,
    pub systems: crate::site::readiness::SystemsFigure,
    pub today: Date,
}

/// A framework's coverage in the API; `pct` is null when nothing applies.
#[derive(Debug, Serialize)]
pub struct ApiCoverage {
    pub applicable: bool,
    pub covered: usize,
    pub definition: &'static str,
    pub framework: String,
    pub label: String,
    /// Requirements our controls map to that do not apply to us (not counted).
    pub not_applicable: Vec<String>,
    pub pct: Option<usize>,
    pub scope: String,
    pub total: usize,
}

/// The "audit once, comply many" figure in the API.
#[derive(Debug, Serialize)]
pub struct ApiReuse {
    pub count: usize,
    pub definition: &'static str,
    /// Framework label -> controls reused for it.
    pub frameworks: BTreeMap<String, usize>,
    pub with_evidence: usize,
}

fn figures(site: &Site, ed: usize) -> FiguresDoc {
    use crate::site::crosswalk as cw;
    let reuse = cw::reuse(site, ed);
    FiguresDoc {
        annex_a: crate::site::readiness::annex_a(site, ed),
        crosswalks: cw::all(site, ed)
            .into_iter()
            .map(|c| ApiCoverage {
                applicable: c.applicable,
                covered: c.covered,
                definition: cw::COVERAGE_DEFINITION,
                not_applicable: c.not_applicable.into_iter().map(|r| r.id).collect(),
                pct: c.applicable.then_some(c.pct),
                framework: c.framework,
                label: c.label,
                scope: c.scope,
                total: c.total,
            })
            .collect(),
        edition: site.editions.get(ed).cloned().unwrap_or_default(),
        reuse: ApiReuse {
            count: reuse.count,
            definition: cw::REUSE_DEFINITION,
            frameworks: reuse.frameworks.into_iter().collect(),
            with_evidence: reuse.with_evidence,
        },
        systems: crate::site::readiness::systems(site, ed),
        today: site.today,
    }
}

/// Indented JSON with every object's keys sorted, for documents built from
/// structs whose fields are not declared in order (serde_json's `Value`
/// keeps keys in a `BTreeMap`).
fn pretty_sorted(doc: &impl Serialize) -> Vec<u8> {
    serde_json::to_value(doc)
        .map(|v| pretty(&v))
        .unwrap_or_default()
}

/// Indented JSON, as every API file is published. Serialising these structs
/// cannot fail (no map has a non-string key).
fn pretty(doc: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(doc).unwrap_or_default()
}

/// The five API files of edition `ed`.
pub fn files(site: &Site, ed: usize) -> Vec<OutFile> {
    let b = base(site);
    let mut v = vec![
        ("/api/controls.json".into(), pretty(&controls(site, ed, &b))),
        ("/api/systems.json".into(), pretty(&systems(site, ed, &b))),
        ("/api/faq.json".into(), pretty(&faq(site, ed, &b))),
        ("/api/evidence.json".into(), pretty(&evidence(site, ed, &b))),
        (
            "/api/figures.json".into(),
            pretty_sorted(&figures(site, ed)),
        ),
    ];
    if let Some(r) = crate::site::readiness::for_edition(site, ed) {
        v.push(("/api/readiness.json".into(), pretty(&r)));
    }
    let records = crate::site::views::records::api_records(site, ed, &b);
    if !records.records.is_empty() {
        v.push(("/api/records.json".into(), pretty(&records)));
    }
    v
}
