//! Crosswalks: which of our controls cover each requirement of another
//! framework (ISO/IEC 27001:2022 Annex A, SOC 2, NIST AI RMF, EU AI Act), per
//! edition, with coverage figures and the "audit once, comply many" evidence
//! reuse count shown on the home page and the readiness scorecard.
//!
//! Only controls the edition may see take part: a hidden control contributes
//! no row, no id, no title and no count, so a lower edition cannot infer it.
//! Reference data is limited to what its licence lets us ship (see
//! `data/crosswalks.yaml`): the NIST AI RMF crosswalk, the harmonized-structure
//! clause correspondence and the EU AI Act article titles.

use crate::core::catalogue;
use crate::core::kinds::Kind;
use crate::core::routes::{crosswalk_url, CROSSWALKS};
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::rules::Freshness;
use crate::pipeline::parse::types::*;
use crate::site::links::{framework_label, LinkView};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The framework id of ISO/IEC 42001 itself, which gets no crosswalk page.
pub const ISO42001: &str = "iso42001";

/// How coverage is defined, shown on every crosswalk page and in docs/exports.md.
pub const COVERAGE_DEFINITION: &str = "Coverage is the share of the requirements listed on this page that are covered by at least one control that is visible here, applicable and implemented. A requirement is listed when one of our controls maps to it (and, for the NIST AI RMF, when the reference crosswalk relates it to ISO/IEC 42001). Partial, planned and excluded controls are shown but do not count as covering.";

/// How evidence reuse is defined, shown on the home page, the readiness
/// scorecard and in docs/exports.md.
pub const REUSE_DEFINITION: &str = "Annex A controls that are applicable, implemented or partial, have at least one evidence item, and also map to a requirement of another framework: the same evidence supports both.";

/// Attribution of the NIST AI RMF reference crosswalk.
pub const NIST_SOURCE: &str = "NIST AI RMF to ISO/IEC 42001 crosswalk, Microsoft, listed by the NIST AI Resource Center; related, not equivalent";

/// Attribution of the EU AI Act article titles.
pub const AI_ACT_SOURCE: &str = "Article titles of Regulation (EU) 2024/1689 from EUR-Lex (CELEX 32024R1689), © European Union, reused under Commission Decision 2011/833/EU";

/// One of our controls as it relates to a requirement.
#[derive(Debug, Clone, Serialize)]
pub struct CoverView {
    pub control: LinkView,
    pub applicable: bool,
    pub status: Option<&'static str>,
    /// Evidence items the control cites (the count the control page shows).
    pub evidence: usize,
    /// Of those, items collected within their review period.
    pub fresh: usize,
    /// True when only the reference crosswalk relates it (no own `maps_to`).
    pub reference_only: bool,
    /// Applicable and implemented: counts towards coverage.
    pub covers: bool,
}

/// A requirement of the other framework and what covers it.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementView {
    pub id: String,
    /// Fragment id of its row on the crosswalk page.
    pub anchor: String,
    pub title: Option<String>,
    pub controls: Vec<CoverView>,
    /// ISO/IEC 42001 clauses the reference crosswalk relates (NIST AI RMF only).
    pub reference_clauses: Vec<String>,
    pub covered: bool,
}

/// One framework's crosswalk page.
#[derive(Debug, Clone, Serialize)]
pub struct CrosswalkView {
    pub framework: String,
    pub label: String,
    pub url: String,
    pub requirements: Vec<RequirementView>,
    pub total: usize,
    pub covered: usize,
    /// Covered share of `total`, rounded down, 0-100.
    pub pct: usize,
    /// True when the NIST reference crosswalk contributed rows.
    pub has_reference: bool,
}

/// The "audit once, comply many" figure.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReuseView {
    /// Annex A controls whose evidence also supports another framework.
    pub count: usize,
    /// Annex A controls that are applicable, implemented or partial, with evidence.
    pub with_evidence: usize,
    /// (framework label, controls reused for it).
    pub frameworks: Vec<(String, usize)>,
    pub controls: Vec<LinkView>,
}

/// Fragment id of a requirement row (`Art. 15` -> `req-art-15`).
pub fn anchor(id: &str) -> String {
    let mut s = String::from("req-");
    let mut dash = false;
    for ch in id.chars() {
        if ch.is_ascii_alphanumeric() {
            s.push(ch.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            s.push('-');
            dash = true;
        }
    }
    s.trim_end_matches('-').to_string()
}

/// Frameworks of `site.yaml` that get a crosswalk page, in the declared order.
pub fn frameworks(site: &Site) -> Vec<String> {
    let mut seen = BTreeSet::new();
    site.config
        .frameworks
        .iter()
        .filter(|f| f.as_str() != ISO42001 && seen.insert(f.as_str()))
        .cloned()
        .collect()
}

/// Link to a requirement row, when the framework has a crosswalk page.
pub fn requirement_url(site: &Site, framework: &str, id: &str) -> Option<String> {
    frameworks(site)
        .iter()
        .any(|f| f == framework)
        .then(|| format!("{}#{}", crosswalk_url(framework), anchor(id)))
}

/// The crosswalk page of a framework, when it has one.
pub fn page_url(site: &Site, framework: &str) -> Option<String> {
    frameworks(site)
        .iter()
        .any(|f| f == framework)
        .then(|| crosswalk_url(framework))
}

/// A requirement of another framework as a control page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    pub id: String,
    /// EU AI Act article title, when known.
    pub title: Option<String>,
    /// Its row on the crosswalk page, when the framework has one.
    pub url: Option<String>,
}

/// Requirement ids of `framework` with titles and crosswalk links.
pub fn targets(site: &Site, framework: &str, ids: &[String]) -> Vec<TargetView> {
    let titles = &catalogue::get().ai_act_titles;
    ids.iter()
        .map(|id| TargetView {
            id: id.clone(),
            title: (framework == "eu_ai_act")
                .then(|| titles.get(id).cloned())
                .flatten(),
            url: requirement_url(site, framework, id),
        })
        .collect()
}

/// Whether an evidence item is within its review period on `site.today`.
pub fn is_fresh(site: &Site, e: &EvidenceEntry) -> bool {
    e.freshness(site.today) == Freshness::Current
}

/// How many evidence items of `ids` edition `ed` sees, and how many of those
/// are fresh: hidden items are not counted (a count would reveal them).
fn evidence_counts(site: &Site, ids: &[String], ed: usize) -> (usize, usize) {
    let seen: Vec<_> = ids
        .iter()
        .filter_map(|id| site.evidence.iter().find(|e| &e.id == id))
        .filter(|e| e.level <= ed)
        .collect();
    let fresh = seen.iter().filter(|e| is_fresh(site, &e.data)).count();
    (seen.len(), fresh)
}

fn cover(site: &Site, c: &Entity<ControlEntry>, ed: usize, reference_only: bool) -> CoverView {
    let e = &c.data;
    let status = e
        .applicable
        .then_some(e.status.map(|s| s.as_str()))
        .flatten();
    let (evidence, fresh) = evidence_counts(site, &e.evidence, ed);
    CoverView {
        control: site.link(Kind::Control, &c.id, ed),
        applicable: e.applicable,
        status,
        evidence,
        fresh,
        reference_only,
        covers: e.applicable && e.status == Some(Status::Implemented),
    }
}

/// Requirement id -> ISO 42001 ids the reference crosswalk relates to it.
fn nist_by_subcategory() -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (iso, subs) in &catalogue::get().nist {
        for s in subs {
            m.entry(s.clone()).or_default().push(iso.clone());
        }
    }
    m
}

/// Orders requirement ids naturally (`Art. 9` before `Art. 10`, `CC1.2` before `CC10.1`).
fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for ch in id.chars() {
        match (ch.to_digit(10), num) {
            (Some(d), n) => num = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as u64)),
            (None, Some(n)) => {
                out.push((std::mem::take(&mut text), n));
                num = None;
                text.push(ch);
            }
            (None, None) => text.push(ch),
        }
    }
    out.push((text, num.unwrap_or(0)));
    out
}

/// Requirement id -> (covering controls, reference clauses), from the
/// controls edition `ed` sees.
type Rows = BTreeMap<String, (Vec<CoverView>, Vec<String>)>;

fn rows(site: &Site, framework: &str, ed: usize) -> Rows {
    let visible: Vec<&Entity<ControlEntry>> =
        site.controls.iter().filter(|c| c.level <= ed).collect();
    let mut rows = Rows::new();
    for c in &visible {
        for id in c.data.maps_to.get(framework).into_iter().flatten() {
            let row = rows.entry(id.clone()).or_default();
            if !row.0.iter().any(|v| v.control.id.as_deref() == Some(&c.id)) {
                row.0.push(cover(site, c, ed, false));
            }
        }
    }
    if framework == "nist_ai_rmf" {
        for (sub, isos) in nist_by_subcategory() {
            let row = rows.entry(sub).or_default();
            for iso in isos {
                match visible.iter().find(|c| c.id == iso) {
                    Some(c) if !row.0.iter().any(|v| v.control.id.as_deref() == Some(&c.id)) => {
                        row.0.push(cover(site, c, ed, true))
                    }
                    Some(_) => {}
                    // Clauses are catalogue facts, public in every edition.
                    None if catalogue::get().clause(&iso).is_some() => row.1.push(iso),
                    None => {}
                }
            }
        }
    }
    rows
}

/// The crosswalk of one framework as edition `ed` sees it.
pub fn crosswalk(site: &Site, framework: &str, ed: usize) -> CrosswalkView {
    let has_reference = framework == "nist_ai_rmf";
    let titles = &catalogue::get().ai_act_titles;
    let mut requirements: Vec<RequirementView> = rows(site, framework, ed)
        .into_iter()
        .map(|(id, (mut controls, reference_clauses))| {
            controls.sort_by_key(|c| natural_key(c.control.id.as_deref().unwrap_or("")));
            RequirementView {
                anchor: anchor(&id),
                title: (framework == "eu_ai_act")
                    .then(|| titles.get(&id).cloned())
                    .flatten(),
                covered: controls.iter().any(|c| c.covers),
                id,
                controls,
                reference_clauses,
            }
        })
        .collect();
    requirements.sort_by_key(|r| natural_key(&r.id));
    let total = requirements.len();
    let covered = requirements.iter().filter(|r| r.covered).count();
    CrosswalkView {
        framework: framework.to_string(),
        label: framework_label(framework),
        url: crosswalk_url(framework),
        pct: percent(covered, total),
        total,
        covered,
        has_reference,
        requirements,
    }
}

/// `part` of `whole` in whole percent, rounded down (0 when `whole` is 0).
pub fn percent(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// Every framework's crosswalk for edition `ed`.
pub fn all(site: &Site, ed: usize) -> Vec<CrosswalkView> {
    frameworks(site)
        .iter()
        .map(|f| crosswalk(site, f, ed))
        .collect()
}

/// Evidence reuse over the controls edition `ed` sees (see [`REUSE_DEFINITION`]).
pub fn reuse(site: &Site, ed: usize) -> ReuseView {
    let mut v = ReuseView::default();
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for c in site.controls.iter().filter(|c| c.level <= ed) {
        let e = &c.data;
        let active = matches!(e.status, Some(Status::Implemented | Status::Partial));
        if catalogue::get().control(&c.id).is_none()
            || !e.applicable
            || !active
            || e.evidence.is_empty()
        {
            continue;
        }
        v.with_evidence += 1;
        let others: Vec<&String> = e
            .maps_to
            .iter()
            .filter(|(f, ids)| f.as_str() != ISO42001 && !ids.is_empty())
            .map(|(f, _)| f)
            .collect();
        if others.is_empty() {
            continue;
        }
        v.count += 1;
        v.controls.push(site.link(Kind::Control, &c.id, ed));
        for f in others {
            *per.entry(f.clone()).or_default() += 1;
        }
    }
    v.frameworks = per
        .into_iter()
        .map(|(f, n)| (framework_label(&f), n))
        .collect();
    v
}

/// The URLs of the crosswalk pages ([`crate::site::pages`] builds them), without building contexts.
pub fn page_urls(site: &Site) -> Vec<String> {
    let fws = frameworks(site);
    if fws.is_empty() {
        return Vec::new();
    }
    std::iter::once(CROSSWALKS.to_string())
        .chain(fws.iter().map(|f| crosswalk_url(f)))
        .collect()
}

/// The harmonized-structure clause correspondence (embedded reference data).
pub fn harmonized() -> &'static catalogue::Harmonized {
    &catalogue::get().harmonized
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_fragment_safe() {
        assert_eq!(anchor("Art. 15"), "req-art-15");
        assert_eq!(anchor("MEASURE 2.3"), "req-measure-2-3");
        assert_eq!(anchor("CC1.1"), "req-cc1-1");
    }

    #[test]
    fn natural_order_sorts_numbers_by_value() {
        let mut v = vec!["Art. 10", "Art. 9", "CC10.1", "CC1.2"];
        v.sort_by_key(|a| natural_key(a));
        assert_eq!(v, ["Art. 9", "Art. 10", "CC1.2", "CC10.1"]);
    }

    #[test]
    fn percent_rounds_down_and_handles_zero() {
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn harmonized_structure_data_is_embedded() {
        assert!(harmonized().pairs.contains(&"6.1.2".to_string()));
        assert!(harmonized().no_counterpart.contains(&"6.1.4".to_string()));
    }
}
