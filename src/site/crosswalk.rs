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

/// How coverage is defined, shown beside every coverage figure (home, crosswalk
/// pages, `/api/figures.json`) and in docs/exports.md.
pub const COVERAGE_DEFINITION: &str = "Coverage is the share of the framework's requirements that apply to us, mapped or not, that at least one control shown here covers: the control is applicable, implemented and backed by at least one evidence record that is current (collected within its review period). The requirements that apply are every ISO/IEC 27001:2022 clause (4 to 10) and Annex A control, every NIST AI RMF 1.0 subcategory, the SOC 2 common criteria plus each further Trust Services category we map to, and the EU AI Act articles whose obligations fall on the AI Act roles of our systems in use. Requirements we map to that do not apply are listed apart as not applicable and not counted. Partial, planned and excluded controls, and controls whose evidence is stale or undated, are shown but do not cover.";

/// How evidence reuse is defined, shown beside the figure (home page,
/// crosswalk index, readiness scorecard, `/api/figures.json`) and in docs/exports.md.
pub const REUSE_DEFINITION: &str = "Annex A controls that are applicable, implemented or partial and backed by at least one current evidence record (collected within its review period), counted when they also map to a requirement of ISO/IEC 27001:2022 or SOC 2: the same evidence serves both audits. Mappings to the NIST AI RMF or the EU AI Act are not counted (no audit reuses evidence for them), nor is stale or undated evidence.";

/// The frameworks whose audits can reuse ISO/IEC 42001 evidence (see [`REUSE_DEFINITION`]).
pub const AUDITED: &[&str] = &["iso27001", "soc2"];

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
    /// At least one evidence item it cites is current, counting items the
    /// edition may not list ("available on request").
    pub current: bool,
    /// Applicable, implemented and with current evidence: counts towards coverage.
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
    /// Every requirement that applies to us, mapped or not.
    pub requirements: Vec<RequirementView>,
    /// Requirements our controls map to that do not apply to us (not counted).
    pub not_applicable: Vec<RequirementView>,
    /// Requirements that apply (the denominator of `pct`).
    pub total: usize,
    pub covered: usize,
    /// Covered share of `total`, rounded down, 0-100 (0 when nothing applies).
    pub pct: usize,
    /// False when no requirement of the framework applies (e.g. no system in
    /// scope of the EU AI Act): the figure is "not applicable", not a percentage.
    pub applicable: bool,
    /// Which requirements apply, in one sentence.
    pub scope: String,
    /// True when the NIST reference crosswalk contributed rows.
    pub has_reference: bool,
}

/// The "audit once, comply many" figure.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReuseView {
    /// Annex A controls whose current evidence also serves an ISO/IEC 27001 or SOC 2 audit.
    pub count: usize,
    /// Annex A controls that are applicable, implemented or partial, with current evidence.
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

/// The EU AI Act operator roles recorded for a system (`none` is no role).
/// The one place that reads the field, so a list of roles per system changes
/// only this function.
pub fn system_ai_act_roles(card: &SystemCard) -> Vec<AiActRole> {
    card.ai_act_roles()
        .into_iter()
        .filter(|r| *r != AiActRole::None)
        .collect()
}

/// The organisation's EU AI Act roles: those of the systems edition `ed`
/// sees that are not retired, in declaration order.
pub fn organisation_ai_act_roles(site: &Site, ed: usize) -> Vec<AiActRole> {
    let held: BTreeSet<AiActRole> = site
        .systems
        .iter()
        .filter(|s| s.level <= ed && s.data.lifecycle != Lifecycle::Retired)
        .flat_map(|s| system_ai_act_roles(&s.data))
        .collect();
    AiActRole::ALL
        .iter()
        .copied()
        .filter(|r| held.contains(r))
        .collect()
}

/// Whether a control cites at least one current evidence item. Items the
/// edition may not list count too: the control says "further evidence on
/// request", and receipts already show their dates.
pub fn has_current_evidence(site: &Site, control: &ControlEntry) -> bool {
    control.evidence.iter().any(|id| {
        site.evidence
            .iter()
            .any(|e| &e.id == id && is_fresh(site, &e.data))
    })
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
    let current = has_current_evidence(site, e);
    CoverView {
        control: site.link(Kind::Control, &c.id, ed),
        applicable: e.applicable,
        status,
        evidence,
        fresh,
        reference_only,
        current,
        covers: e.applicable && e.status == Some(Status::Implemented) && current,
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
        let ids = c.data.maps_to.get(framework).into_iter().flatten();
        // An unknown id is refused by validation (E052); never shown as covered.
        for id in ids.filter(|id| catalogue::get().is_requirement(framework, id)) {
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

/// The requirements of `framework` that apply to us as edition `ed` sees
/// the register (`mapped`: the ids its visible controls map to), and the
/// sentence that says which. See `data/requirements.yaml`.
fn applicable_ids(
    site: &Site,
    framework: &str,
    ed: usize,
    mapped: &BTreeSet<&str>,
) -> (BTreeSet<String>, String) {
    let Some(list) = catalogue::get().frameworks.get(framework) else {
        return (BTreeSet::new(), String::new());
    };
    let all = |keep: &dyn Fn(&catalogue::Requirement) -> bool| -> BTreeSet<String> {
        list.requirements
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.id.clone())
            .collect()
    };
    match framework {
        "soc2" => {
            let groups: Vec<&catalogue::Group> = list
                .groups
                .iter()
                .filter(|g| {
                    g.always
                        || list.requirements.iter().any(|r| {
                            r.group.as_deref() == Some(&g.key) && mapped.contains(r.id.as_str())
                        })
                })
                .collect();
            let names: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
            let keys: BTreeSet<&str> = groups.iter().map(|g| g.key.as_str()).collect();
            let ids = all(&|r| r.group.as_deref().is_some_and(|g| keys.contains(g)));
            let note = format!(
                "The {} criteria of the Trust Services categories that apply to us: {} (the common criteria always; another category once we map a control to it).",
                ids.len(),
                names.join(", ")
            );
            (ids, note)
        }
        "eu_ai_act" => {
            let roles: Vec<&str> = organisation_ai_act_roles(site, ed)
                .iter()
                .map(|r| r.as_str())
                .collect();
            if roles.is_empty() {
                let note = "Not applicable: none of our AI systems in use has an EU AI Act operator role (provider, deployer, importer, distributor or authorised representative).".to_string();
                return (BTreeSet::new(), note);
            }
            let ids = all(&|r| r.roles.iter().any(|x| roles.contains(&x.as_str())));
            let note = format!(
                "The {} articles that state obligations for our EU AI Act roles: {}.",
                ids.len(),
                roles.join(", ")
            );
            (ids, note)
        }
        _ => {
            let ids = all(&|_| true);
            let note = format!("All {} requirements of {}.", ids.len(), list.label);
            (ids, note)
        }
    }
}

fn requirement_view(
    framework: &str,
    id: String,
    (mut controls, reference_clauses): (Vec<CoverView>, Vec<String>),
) -> RequirementView {
    controls.sort_by_key(|c| natural_key(c.control.id.as_deref().unwrap_or("")));
    let title = catalogue::get()
        .frameworks
        .get(framework)
        .and_then(|f| f.get(&id))
        .and_then(|r| r.label.clone());
    RequirementView {
        anchor: anchor(&id),
        title,
        covered: controls.iter().any(|c| c.covers),
        id,
        controls,
        reference_clauses,
    }
}

/// The crosswalk of one framework as edition `ed` sees it: every requirement
/// that applies (covered or not), and apart from them the mapped ones that do not.
pub fn crosswalk(site: &Site, framework: &str, ed: usize) -> CrosswalkView {
    let has_reference = framework == "nist_ai_rmf";
    let mut rows = rows(site, framework, ed);
    let mapped: BTreeSet<&str> = rows
        .iter()
        .filter(|(_, (c, _))| c.iter().any(|c| !c.reference_only))
        .map(|(id, _)| id.as_str())
        .collect();
    let (applies, scope) = applicable_ids(site, framework, ed, &mapped);
    for id in &applies {
        rows.entry(id.clone()).or_default();
    }
    let (mut requirements, mut not_applicable) = (Vec::new(), Vec::new());
    for (id, row) in rows {
        let r = requirement_view(framework, id, row);
        if applies.contains(&r.id) {
            requirements.push(r);
        } else if r.controls.iter().any(|c| !c.reference_only) {
            // Mapped by one of our controls, but not a requirement that applies to us.
            not_applicable.push(r);
        }
    }
    requirements.sort_by_key(|r| natural_key(&r.id));
    not_applicable.sort_by_key(|r| natural_key(&r.id));
    let total = requirements.len();
    let covered = requirements.iter().filter(|r| r.covered).count();
    CrosswalkView {
        framework: framework.to_string(),
        label: framework_label(framework),
        url: crosswalk_url(framework),
        pct: percent(covered, total),
        applicable: total > 0,
        scope,
        total,
        covered,
        has_reference,
        requirements,
        not_applicable,
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
    let cat = catalogue::get();
    for c in site.controls.iter().filter(|c| c.level <= ed) {
        let e = &c.data;
        let active = matches!(e.status, Some(Status::Implemented | Status::Partial));
        if cat.control(&c.id).is_none() || !e.applicable || !active {
            continue;
        }
        if !has_current_evidence(site, e) {
            continue;
        }
        v.with_evidence += 1;
        let audited: Vec<&String> = e
            .maps_to
            .iter()
            .filter(|(f, ids)| {
                AUDITED.contains(&f.as_str()) && ids.iter().any(|id| cat.is_requirement(f, id))
            })
            .map(|(f, _)| f)
            .collect();
        if audited.is_empty() {
            continue;
        }
        v.count += 1;
        v.controls.push(site.link(Kind::Control, &c.id, ed));
        for f in audited {
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
