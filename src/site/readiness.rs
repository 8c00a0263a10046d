//! The readiness scorecard: where the AIMS stands against ISO/IEC 42001, as
//! printed at the end of `vouch check` and published as `/readiness/`.
//!
//! The internal edition lists every gap with a link; lower editions get only
//! the aggregate figures, and only when `site.yaml: readiness_visibility` lets
//! them.

use crate::core::catalogue;
use crate::core::kinds::Kind;
use crate::pipeline::model::Site;
use crate::pipeline::parse::rules::Freshness;
use crate::pipeline::parse::types::*;
use crate::site::crosswalk;
use crate::site::links::LinkView;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Annex A status counts.
#[derive(Debug, Default, Serialize, Clone, PartialEq, Eq)]
pub struct AnnexCounts {
    pub implemented: usize,
    pub partial: usize,
    pub planned: usize,
    pub not_started: usize,
    pub excluded: usize,
}

/// Evidence freshness counts.
#[derive(Debug, Default, Serialize, Clone, PartialEq, Eq)]
pub struct EvidenceCounts {
    pub fresh: usize,
    pub stale: usize,
    /// Evidence with no `collected` date or no review period.
    pub undated: usize,
    /// Implemented or partial controls that cite no evidence.
    pub missing: usize,
}

pub mod actions;
pub mod clauses;
pub use clauses::{ClauseCoverage, Gap};

/// How the Annex A figure is defined, shown beside it on the home page, the
/// Statement of Applicability, the readiness scorecard and in `/api/figures.json`.
pub const ANNEX_A_DEFINITION: &str = "Of the ISO/IEC 42001 Annex A controls listed here, those that apply to us and are implemented with current evidence: status implemented and at least one cited evidence record collected within its review period (records available on request included). A control whose evidence is stale or undated is counted as implemented but not as evidenced.";

/// Annex A controls an edition does not list, by the edition that first lists them.
#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct Further {
    pub edition: String,
    pub count: usize,
}

/// The Annex A headline figure of one edition: the one function behind the
/// home page, the Statement of Applicability, the readiness scorecard and the
/// API (see [`annex_a`]).
#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct AnnexFigure {
    /// Annex A controls in ISO/IEC 42001 (public knowledge: 38).
    pub catalogue: usize,
    /// Annex A controls this edition lists.
    pub listed: usize,
    /// Status counts of the listed controls.
    pub counts: AnnexCounts,
    /// Listed controls that apply (not excluded).
    pub applicable: usize,
    /// Applicable, implemented and with at least one current evidence item.
    pub evidenced: usize,
    /// `evidenced` share of `applicable`, rounded down, 0-100.
    pub evidenced_pct: usize,
    /// Controls this edition does not list, per higher edition: only their
    /// number, never their ids or status.
    pub further: Vec<Further>,
    /// "8 further Annex A controls are listed in the customer edition." (None when all are listed.)
    pub further_note: Option<String>,
    pub definition: &'static str,
}

/// The Annex A figure of edition `ed` (see [`ANNEX_A_DEFINITION`]). The
/// number of controls a higher edition adds is safe to show (the catalogue
/// total is public); their status is not counted here.
pub fn annex_a(site: &Site, ed: usize) -> AnnexFigure {
    let cat = catalogue::get();
    let mut counts = AnnexCounts::default();
    let mut evidenced = 0;
    let mut hidden: BTreeMap<usize, usize> = BTreeMap::new();
    for c in site
        .controls
        .iter()
        .filter(|c| cat.control(&c.id).is_some())
    {
        if c.level > ed {
            *hidden.entry(c.level).or_default() += 1;
            continue;
        }
        count_status(&mut counts, &c.data);
        let implemented = c.data.applicable && c.data.status == Some(Status::Implemented);
        evidenced += usize::from(implemented && crosswalk::has_current_evidence(site, &c.data));
    }
    let further: Vec<Further> = hidden
        .into_iter()
        .map(|(level, count)| Further {
            edition: site.editions.get(level).cloned().unwrap_or_default(),
            count,
        })
        .collect();
    let applicable = counts.implemented + counts.partial + counts.planned + counts.not_started;
    AnnexFigure {
        catalogue: cat.controls.len(),
        listed: applicable + counts.excluded,
        counts,
        applicable,
        evidenced,
        evidenced_pct: crosswalk::percent(evidenced, applicable),
        further_note: further_note(&further),
        further,
        definition: ANNEX_A_DEFINITION,
    }
}

fn count_status(a: &mut AnnexCounts, c: &ControlEntry) {
    match (c.applicable, c.status) {
        (false, _) => a.excluded += 1,
        (true, Some(Status::Implemented)) => a.implemented += 1,
        (true, Some(Status::Partial)) => a.partial += 1,
        (true, Some(Status::Planned)) => a.planned += 1,
        (true, _) => a.not_started += 1,
    }
}

/// "8 further Annex A controls are listed in the customer edition and 2 in
/// the internal edition; their status is not shown here."
fn further_note(further: &[Further]) -> Option<String> {
    let parts: Vec<String> = further
        .iter()
        .map(|f| format!("{} in the {} edition", f.count, f.edition))
        .collect();
    let total: usize = further.iter().map(|f| f.count).sum();
    (total > 0).then(|| {
        format!(
            "{total} further Annex A control{} {} listed only in a higher edition ({}); {} status is not shown here.",
            if total == 1 { "" } else { "s" },
            if total == 1 { "is" } else { "are" },
            parts.join(", "),
            if total == 1 { "its" } else { "their" },
        )
    })
}

/// AI systems of one edition: those in use per tier, retired ones apart.
#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct SystemsFigure {
    /// Systems not retired (in use or in development).
    pub in_use: usize,
    pub retired: usize,
    /// Systems in use per tier, every tier; adds up to `in_use`.
    pub tiers: Vec<(String, usize)>,
}

/// The systems figure of edition `ed`: home page, readiness and API.
pub fn systems(site: &Site, ed: usize) -> SystemsFigure {
    let tiers = tier_counts_in_use(site, ed);
    let seen = site.systems.iter().filter(|s| s.level <= ed);
    let retired = seen
        .filter(|s| s.data.lifecycle == Lifecycle::Retired)
        .count();
    SystemsFigure {
        in_use: tiers.iter().map(|t| t.1).sum(),
        retired,
        tiers,
    }
}

/// The whole scorecard.
#[derive(Debug, Serialize, Clone)]
pub struct Readiness {
    /// The Annex A headline figure over everything the scorecard counts.
    pub figure: AnnexFigure,
    pub annex_a: AnnexCounts,
    pub annex_a_total: usize,
    /// Implemented share of applicable Annex A controls, 0-100.
    pub implemented_pct: usize,
    pub evidence: EvidenceCounts,
    /// Systems in use (not retired) per tier; adds up to `systems_total`.
    pub tiers: Vec<(String, usize)>,
    /// Systems in use or in development (retired ones apart).
    pub systems_total: usize,
    /// Retired systems, counted apart from the tiers.
    pub systems_retired: usize,
    pub without_assessment: Vec<LinkView>,
    pub without_notice: Vec<LinkView>,
    pub without_assessment_count: usize,
    pub without_notice_count: usize,
    pub stale_evidence: Vec<LinkView>,
    pub controls_without_evidence: Vec<LinkView>,
    /// Sub-clauses of 4-10 (`4.1` ... `10.2`), each covered by records or
    /// documents as `data/clause-records.yaml` says (`readiness::clauses`).
    pub clauses: Vec<ClauseCoverage>,
    pub clauses_covered: usize,
}

/// Computes the scorecard over everything edition `ed` can see.
pub fn compute(site: &Site, ed: usize) -> Readiness {
    // The Annex A counts are those of the headline figure: one function for both.
    let figure = annex_a(site, ed);
    let a = figure.counts.clone();
    let (total, applicable) = (figure.listed, figure.applicable);
    let missing = without_evidence(site, ed);
    let (e, stale) = evidence_counts(site, ed, missing.len());
    let systems: Vec<_> = site
        .systems
        .iter()
        .filter(|s| s.level <= ed && s.data.lifecycle != Lifecycle::Retired)
        .collect();
    let lacking = |f: fn(&SystemCard) -> bool| {
        systems
            .iter()
            .filter(|s| f(&s.data))
            .map(|s| site.link(Kind::System, &s.id, ed))
            .collect::<Vec<_>>()
    };
    let clauses = clauses::coverage(site, ed);
    let without_assessment = lacking(|s| s.impact_assessment.is_none());
    let without_notice = lacking(|s| s.notice.is_none());
    Readiness {
        figure,
        without_assessment_count: without_assessment.len(),
        without_notice_count: without_notice.len(),
        without_assessment,
        without_notice,
        implemented_pct: (a.implemented * 100).checked_div(applicable).unwrap_or(0),
        annex_a: a,
        annex_a_total: total,
        evidence: e,
        tiers: tier_counts_in_use(site, ed),
        systems_total: systems.len(),
        systems_retired: site
            .systems
            .iter()
            .filter(|s| s.level <= ed && s.data.lifecycle == Lifecycle::Retired)
            .count(),
        stale_evidence: stale,
        controls_without_evidence: missing,
        clauses_covered: clauses.iter().filter(|c| c.covered).count(),
        clauses,
    }
}

/// Links every applicable control (Annex A or not) that is implemented or
/// partial but cites no evidence.
fn without_evidence(site: &Site, ed: usize) -> Vec<LinkView> {
    site.controls
        .iter()
        .filter(|c| c.level <= ed && c.data.applicable && c.data.evidence.is_empty())
        .filter(|c| matches!(c.data.status, Some(Status::Implemented | Status::Partial)))
        .map(|c| site.link(Kind::Control, &c.id, ed))
        .collect()
}

/// Counts evidence by freshness (with `missing` controls without evidence)
/// and links the stale items.
fn evidence_counts(site: &Site, ed: usize, missing: usize) -> (EvidenceCounts, Vec<LinkView>) {
    let mut e = EvidenceCounts {
        missing,
        ..Default::default()
    };
    let mut stale = Vec::new();
    for ev in site.evidence.iter().filter(|x| x.level <= ed) {
        match ev.data.freshness(site.today) {
            Freshness::Stale(_) => {
                e.stale += 1;
                stale.push(site.link(Kind::Evidence, &ev.id, ed));
            }
            Freshness::Current => e.fresh += 1,
            Freshness::Undated => e.undated += 1,
        }
    }
    (e, stale)
}

/// The scorecard edition `ed` publishes (`/readiness/` and
/// `/api/readiness.json`): the whole of it in the top edition, the figures
/// only from `readiness_visibility` up, nothing below.
pub fn for_edition(site: &Site, ed: usize) -> Option<Readiness> {
    let top = site.editions.len().saturating_sub(1);
    if ed != top && ed < aggregate_level(site) {
        return None;
    }
    let full = compute(site, top);
    Some(if ed == top {
        full
    } else {
        aggregate_only(full)
    })
}

/// The lowest edition that may see the aggregate figures.
pub fn aggregate_level(site: &Site) -> usize {
    let top = site.editions.len().saturating_sub(1);
    site.config
        .readiness_visibility
        .as_deref()
        .and_then(|v| site.editions.iter().position(|e| e == v))
        .unwrap_or(top)
}

/// The short text summary `vouch check` prints.
pub fn summary(r: &Readiness) -> String {
    let a = &r.annex_a;
    let e = &r.evidence;
    let mut s = String::from("Readiness\n");
    let _ = writeln!(
        s,
        "  Annex A:   {} implemented, {} partial, {} planned, {} not started, {} excluded ({} of {} controls; {}% of applicable implemented)",
        a.implemented, a.partial, a.planned, a.not_started, a.excluded, r.annex_a_total, catalogue::get().controls.len(), r.implemented_pct
    );
    let f = &r.figure;
    let _ = writeln!(
        s,
        "  Evidenced: {} of {} applicable Annex A controls implemented with current evidence ({}%)",
        f.evidenced, f.applicable, f.evidenced_pct
    );
    let _ = writeln!(
        s,
        "  Evidence:  {} fresh, {} stale, {} undated; {} implemented controls without evidence",
        e.fresh, e.stale, e.undated, e.missing
    );
    let tiers = r
        .tiers
        .iter()
        .filter(|t| t.1 > 0)
        .map(|(t, n)| format!("{n} {t}"))
        .collect::<Vec<_>>()
        .join(", ");
    let retired = match r.systems_retired {
        0 => String::new(),
        n => format!(", {n} retired"),
    };
    let _ = writeln!(
        s,
        "  Systems:   {} in use ({}){retired}; {} without impact assessment, {} without notice",
        r.systems_total,
        if tiers.is_empty() {
            "none".into()
        } else {
            tiers
        },
        r.without_assessment.len(),
        r.without_notice.len()
    );
    clauses::summary_lines(r, &mut s);
    s
}

/// The figures without any per-entity gap list (for lower editions).
pub fn aggregate_only(mut r: Readiness) -> Readiness {
    r.without_assessment.clear();
    r.without_notice.clear();
    r.stale_evidence.clear();
    r.controls_without_evidence.clear();
    for c in &mut r.clauses {
        c.documents.clear();
        c.records.clear();
        c.missing.clear();
    }
    r
}

/// Systems in use per tier (retired ones apart, as on every page that
/// counts tiers): they add up to [`Readiness::systems_total`].
pub fn tier_counts_in_use(site: &Site, ed: usize) -> Vec<(String, usize)> {
    let mut m: BTreeMap<Tier, usize> = Tier::ALL.iter().map(|t| (*t, 0)).collect();
    for s in site
        .systems
        .iter()
        .filter(|s| s.level <= ed && s.data.lifecycle != Lifecycle::Retired)
    {
        *m.entry(s.data.risk_tier).or_default() += 1;
    }
    m.into_iter()
        .map(|(t, n)| (t.as_str().to_string(), n))
        .collect()
}
