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

pub mod clauses;
pub use clauses::{ClauseCoverage, Gap};

/// The whole scorecard.
#[derive(Debug, Serialize, Clone)]
pub struct Readiness {
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
    let (a, missing) = annex_counts(site, ed);
    let total = a.implemented + a.partial + a.planned + a.not_started + a.excluded;
    let applicable = total - a.excluded;
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

/// Counts Annex A controls by status, and links every applicable control
/// (Annex A or not) that is implemented or partial but cites no evidence.
fn annex_counts(site: &Site, ed: usize) -> (AnnexCounts, Vec<LinkView>) {
    let mut a = AnnexCounts::default();
    let mut missing = Vec::new();
    for c in site.controls.iter().filter(|c| c.level <= ed) {
        let annex = c.id.starts_with("A.");
        if !c.data.applicable {
            a.excluded += annex as usize;
            continue;
        }
        match c.data.status {
            Some(Status::Implemented) | Some(Status::Partial) if c.data.evidence.is_empty() => {
                missing.push(site.link(Kind::Control, &c.id, ed))
            }
            _ => {}
        }
        if annex {
            match c.data.status {
                Some(Status::Implemented) => a.implemented += 1,
                Some(Status::Partial) => a.partial += 1,
                Some(Status::Planned) => a.planned += 1,
                _ => a.not_started += 1,
            }
        }
    }
    (a, missing)
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

/// Systems per tier, for the home page and the inventory, which list every
/// system an edition may see, retired ones included.
pub fn tier_counts(site: &Site, ed: usize) -> Vec<(String, usize)> {
    tiers_of(site, ed, |_| true)
}

/// Systems in use per tier (retired ones apart), for the readiness figures:
/// they add up to [`Readiness::systems_total`].
pub fn tier_counts_in_use(site: &Site, ed: usize) -> Vec<(String, usize)> {
    tiers_of(site, ed, |s| s.lifecycle != Lifecycle::Retired)
}

fn tiers_of(site: &Site, ed: usize, keep: fn(&SystemCard) -> bool) -> Vec<(String, usize)> {
    let mut m: BTreeMap<Tier, usize> = Tier::ALL.iter().map(|t| (*t, 0)).collect();
    for s in site
        .systems
        .iter()
        .filter(|s| s.level <= ed && keep(&s.data))
    {
        *m.entry(s.data.risk_tier).or_default() += 1;
    }
    m.into_iter()
        .map(|(t, n)| (t.as_str().to_string(), n))
        .collect()
}
