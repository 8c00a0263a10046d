//! Crosswalk pages and figures: coverage arithmetic over the full list of
//! requirements that apply (EU AI Act by role, SOC 2 by category), current
//! evidence only, edition filtering (a hidden control adds no row, id or
//! title), the reverse view on control pages, and the evidence reuse count.

use crate::common::*;
use vouch::site::crosswalk::{crosswalk, reuse, CrosswalkView};

/// The editions fixture with frameworks and mappings whose coverage is known:
/// - A.2.2 (public, implemented, 3 evidence items, all fresh): 27001 A.5.1, Art. 17
/// - A.2.3 (public, planned): 27001 A.5.1 + A.5.36, Art. 9
/// - A.2.4 (public, partial, 1 evidence item, no mapping)
/// - nw-canarycust-control (customer, partial): 27001 A.5.8
/// - nw-canaryint-control (internal, implemented): 27001 A.5.7, Art. 17
fn mapped_fixture() -> tempfile::TempDir {
    let dir = temp_copy("editions");
    let c = dir.path().join("content");
    edit(
        &c.join("site.yaml"),
        "frameworks: [iso42001]",
        "frameworks: [iso42001, iso27001, eu_ai_act, nist_ai_rmf]",
    );
    let reg = c.join("registers/controls.yaml");
    edit(
        &reg,
        "  evidence: [ev-ai-policy-approval, ev-canaryint-review, ev-canarycust-pack]\n",
        "  evidence: [ev-ai-policy-approval, ev-canaryint-review, ev-canarycust-pack]\n  maps_to:\n    iso27001: [A.5.1]\n    eu_ai_act: [\"Art. 17\"]\n",
    );
    edit(
        &reg,
        "- id: A.2.3\n  applicable: true\n  status: planned\n",
        "- id: A.2.3\n  applicable: true\n  status: planned\n  maps_to:\n    iso27001: [A.5.1, A.5.36]\n    eu_ai_act: [\"Art. 9\"]\n",
    );
    edit(
        &reg,
        "- id: A.2.4\n  applicable: true\n  status: planned\n",
        "- id: A.2.4\n  applicable: true\n  status: partial\n  evidence: [ev-ai-policy-approval]\n",
    );
    edit(
        &reg,
        "  evidence: [ev-canaryint-review]\n",
        "  evidence: [ev-canaryint-review]\n  maps_to:\n    iso27001: [A.5.7]\n    eu_ai_act: [\"Art. 17\"]\n",
    );
    edit(
        &reg,
        "  evidence: [ev-canarycust-pack]\n",
        "  evidence: [ev-canarycust-pack]\n  maps_to:\n    iso27001: [A.5.8]\n",
    );
    dir
}

fn figures(c: &CrosswalkView) -> (usize, usize, usize) {
    (c.total, c.covered, c.pct)
}

/// The requirements of a crosswalk that at least one control relates to.
fn mapped(c: &CrosswalkView) -> Vec<&str> {
    c.requirements
        .iter()
        .filter(|r| !r.controls.is_empty())
        .map(|r| r.id.as_str())
        .collect()
}

fn covered(c: &CrosswalkView) -> Vec<&str> {
    c.requirements
        .iter()
        .filter(|r| r.covered)
        .map(|r| r.id.as_str())
        .collect()
}

#[test]
fn coverage_counts_visible_applicable_implemented_controls_only() {
    let dir = mapped_fixture();
    let s = site(dir.path());
    let (public, customer, internal) = (0, 1, 2);
    let iso = crosswalk(&s, "iso27001", public);
    assert_eq!(mapped(&iso), ["A.5.1", "A.5.36"]);
    assert_eq!(covered(&iso), ["A.5.1"], "A.5.36 is only planned");
    let a51 = iso.requirements.iter().find(|r| r.id == "A.5.1").unwrap();
    let ids_a51: Vec<_> = a51
        .controls
        .iter()
        .map(|c| c.control.id.clone().unwrap())
        .collect();
    assert_eq!(ids_a51, ["A.2.2", "A.2.3"]);
    let a22 = &a51.controls[0];
    // Only the evidence the edition sees is counted: a count of hidden items
    // would reveal them (A.2.2 cites one public, one customer, one internal).
    assert_eq!((a22.evidence, a22.fresh, a22.covers), (1, 1, true));
    let all = crosswalk(&s, "iso27001", internal);
    let a51_internal = all.requirements.iter().find(|r| r.id == "A.5.1").unwrap();
    assert_eq!(
        (
            a51_internal.controls[0].evidence,
            a51_internal.controls[0].fresh
        ),
        (3, 3)
    );
    assert_eq!(a51.controls[1].status, Some("planned"));
    let cust = crosswalk(&s, "iso27001", customer);
    assert_eq!(mapped(&cust), ["A.5.1", "A.5.8", "A.5.36"], "natural order");
    assert_eq!(
        covered(&cust),
        ["A.5.1"],
        "a partial control does not cover"
    );
    let int = crosswalk(&s, "iso27001", internal);
    assert_eq!(covered(&int), ["A.5.1", "A.5.7"]);
    assert_eq!(figures(&int), (123, 2, 1));
}

#[test]
fn coverage_is_over_every_requirement_that_applies_not_only_the_mapped_ones() {
    let dir = mapped_fixture();
    let s = site(dir.path());
    let iso = crosswalk(&s, "iso27001", 0);
    // ISO/IEC 27001:2022: 30 clause ids of 4-10 and the 93 Annex A controls.
    assert_eq!(figures(&iso), (123, 1, 0));
    assert!(iso.applicable && iso.not_applicable.is_empty());
    let a834 = iso.requirements.iter().find(|r| r.id == "A.8.34").unwrap();
    assert!(
        a834.controls.is_empty() && !a834.covered,
        "unmapped rows are listed"
    );
    assert_eq!(
        a834.title.as_deref(),
        Some("Protection during audit testing")
    );
    let nist = crosswalk(&s, "nist_ai_rmf", 0);
    assert_eq!(nist.total, 72, "every AI RMF 1.0 subcategory");
}

#[test]
fn ai_act_articles_follow_the_roles_of_the_systems_in_use() {
    let dir = mapped_fixture();
    let s = site(dir.path());
    // The only public system is a deployer: Art. 9 and Art. 17 (provider
    // duties) are mapped but do not apply, so they are listed apart.
    let eu = crosswalk(&s, "eu_ai_act", 0);
    let na: Vec<&str> = eu.not_applicable.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(na, ["Art. 9", "Art. 17"]);
    let listed: Vec<&str> = eu.requirements.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        listed,
        ["Art. 4", "Art. 5", "Art. 25", "Art. 26", "Art. 27", "Art. 50", "Art. 86"]
    );
    assert_eq!(figures(&eu), (7, 0, 0));
    assert!(eu.scope.contains("deployer"), "{}", eu.scope);
    assert_eq!(
        eu.not_applicable[1].title.as_deref(),
        Some("Quality management system")
    );
    // As a provider, the provider articles apply and Art. 17 is covered by A.2.2.
    let sys = dir
        .path()
        .join("content/registers/systems/support-drafts.yaml");
    edit(&sys, "ai_act_role: deployer", "ai_act_role: provider");
    let s = site(dir.path());
    let eu = crosswalk(&s, "eu_ai_act", 0);
    assert!(eu.not_applicable.is_empty());
    assert_eq!(covered(&eu), ["Art. 17"]);
    assert!(eu.requirements.iter().any(|r| r.id == "Art. 9"));
    assert!(!eu.requirements.iter().any(|r| r.id == "Art. 26"));
}

#[test]
fn ai_act_coverage_is_not_applicable_when_no_system_is_in_scope() {
    let dir = mapped_fixture();
    let sys = dir
        .path()
        .join("content/registers/systems/support-drafts.yaml");
    edit(&sys, "ai_act_role: deployer", "ai_act_role: none");
    let s = site(dir.path());
    let eu = crosswalk(&s, "eu_ai_act", 0);
    assert!(!eu.applicable && eu.total == 0 && eu.pct == 0);
    assert_eq!(eu.not_applicable.len(), 2, "mapped articles shown apart");
    let out = build(dir.path());
    let home = main_of(&page(&out, "public", "/"));
    assert!(
        home.contains("EU AI Act</a> <span class=\"count\">not applicable"),
        "{home}"
    );
    assert!(!home.contains("100%"));
    let api: serde_json::Value =
        serde_json::from_str(&page(&out, "public", "/api/figures.json")).unwrap();
    let eu = api["crosswalks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["framework"] == "eu_ai_act")
        .unwrap();
    assert!(eu["pct"].is_null() && eu["applicable"] == false, "{eu}");
    let page = main_of(&page(&out, "public", "/crosswalks/eu_ai_act/"));
    assert!(
        page.contains("Coverage: not applicable") && page.contains("Mapped but not applicable")
    );
}

#[test]
fn soc2_counts_the_common_criteria_and_each_category_mapped_in_full() {
    let dir = mapped_fixture();
    let c = dir.path().join("content");
    edit(
        &c.join("site.yaml"),
        "frameworks: [iso42001, iso27001,",
        "frameworks: [iso42001, soc2, iso27001,",
    );
    let reg = c.join("registers/controls.yaml");
    edit(
        &reg,
        "    iso27001: [A.5.1]\n",
        "    iso27001: [A.5.1]\n    soc2: [CC1.1]\n",
    );
    let soc = crosswalk(&site(dir.path()), "soc2", 0);
    assert_eq!(figures(&soc), (33, 1, 3), "the common criteria only");
    edit(&reg, "    soc2: [CC1.1]\n", "    soc2: [CC1.1, A1.2]\n");
    let soc = crosswalk(&site(dir.path()), "soc2", 0);
    assert_eq!(
        figures(&soc),
        (36, 2, 5),
        "availability (A1.1-A1.3) joins in full"
    );
    assert!(soc.scope.contains("Availability"), "{}", soc.scope);
}

#[test]
fn stale_or_undated_evidence_covers_nothing_and_is_not_reused() {
    let dir = mapped_fixture();
    let mut s = site(dir.path());
    assert_eq!(covered(&crosswalk(&s, "iso27001", 2)), ["A.5.1", "A.5.7"]);
    s.today = vouch::core::date::Date::parse("2030-01-01").unwrap();
    let iso = crosswalk(&s, "iso27001", 2);
    assert!(covered(&iso).is_empty());
    let a22 = &iso
        .requirements
        .iter()
        .find(|r| r.id == "A.5.1")
        .unwrap()
        .controls[0];
    assert_eq!(
        (a22.status, a22.current, a22.covers),
        (Some("implemented"), false, false)
    );
    let r = reuse(&s, 2);
    assert_eq!((r.count, r.with_evidence), (0, 0));
}

#[test]
fn nist_page_lists_the_reference_crosswalk_as_reference() {
    let dir = mapped_fixture();
    let s = site(dir.path());
    let nist = crosswalk(&s, "nist_ai_rmf", 0);
    // Only A.2.2 is implemented among Annex A: the subcategories related to it.
    let related = &vouch::core::catalogue::get().nist["A.2.2"];
    assert_eq!(nist.covered, related.len());
    assert_eq!(nist.pct, related.len() * 100 / 72);
    let g11 = nist
        .requirements
        .iter()
        .find(|r| r.id == "GOVERN 1.1")
        .unwrap();
    assert!(g11.controls.iter().all(|c| c.reference_only));
    assert!(
        g11.reference_clauses.contains(&"4.1".to_string()),
        "clause rows stay"
    );
}

#[test]
fn evidence_reuse_counts_only_iso27001_and_soc2_mappings() {
    let dir = mapped_fixture();
    let reg = dir.path().join("content/registers/controls.yaml");
    // A.2.4 gets a mapping to the AI Act only: that is not an audit reuse.
    edit(
        &reg,
        "  status: partial\n  evidence: [ev-ai-policy-approval]\n",
        "  status: partial\n  evidence: [ev-ai-policy-approval]\n  maps_to:\n    eu_ai_act: [\"Art. 26\"]\n    nist_ai_rmf: [GOVERN 1.1]\n",
    );
    let s = site(dir.path());
    for ed in 0..3 {
        let r = reuse(&s, ed);
        // A.2.2 (ISO 27001) and A.2.4 (AI Act, NIST) have current evidence; own controls never count.
        assert_eq!((r.count, r.with_evidence), (1, 2), "edition {ed}");
        assert_eq!(r.controls[0].id.as_deref(), Some("A.2.2"));
    }
    let per = reuse(&s, 0).frameworks;
    assert_eq!(per, [("ISO/IEC 27001:2022".to_string(), 1)]);
}

#[test]
fn crosswalk_pages_hide_what_the_edition_may_not_see() {
    let dir = mapped_fixture();
    let out = build(dir.path());
    for ed in ["public", "customer", "internal"] {
        let index = main_of(&page(&out, ed, "/crosswalks/"));
        assert!(
            index.contains("Coverage is the share"),
            "definition on the index"
        );
        for f in ["iso27001", "eu_ai_act", "nist_ai_rmf"] {
            assert!(
                index.contains(&format!("href=\"/crosswalks/{f}/\"")),
                "{ed} {f}"
            );
        }
    }
    let public = main_of(&page(&out, "public", "/crosswalks/iso27001/"));
    assert!(public.contains("1 of 123") && public.contains("Coverage is the share"));
    for hidden in ["canary", "CANARY"] {
        assert!(!public.contains(hidden), "public crosswalk shows {hidden}");
    }
    let customer = main_of(&page(&out, "customer", "/crosswalks/iso27001/"));
    assert!(customer.contains("nw-canarycust-control") && !customer.contains("nw-canaryint"));
    assert!(
        main_of(&page(&out, "internal", "/crosswalks/iso27001/")).contains("nw-canaryint-control")
    );
    let eu = main_of(&page(&out, "public", "/crosswalks/eu_ai_act/"));
    assert!(
        eu.contains("Commission Decision 2011/833/EU") && eu.contains("Quality management system")
    );
    let nist = main_of(&page(&out, "public", "/crosswalks/nist_ai_rmf/"));
    assert!(nist.contains("NIST AI Resource Center") && nist.contains("(reference)"));
}

#[test]
fn control_pages_link_each_mapping_to_its_crosswalk_row() {
    let dir = mapped_fixture();
    let out = build(dir.path());
    let html = main_of(&page(&out, "public", "/controls/a-2-2/"));
    assert!(html.contains("href=\"/crosswalks/iso27001/#req-a-5-1\""));
    assert!(html.contains("href=\"/crosswalks/eu_ai_act/#req-art-17\""));
    assert!(html.contains("Quality management system"));
    assert!(html.contains("href=\"/crosswalks/nist_ai_rmf/#req-govern-1-1\""));
    let crosswalk = page(&out, "public", "/crosswalks/iso27001/");
    assert!(crosswalk.contains("id=\"req-a-5-1\""));
    let home = main_of(&page(&out, "public", "/"));
    assert!(home.contains("Audit once, comply many") && home.contains("href=\"/crosswalks/\""));
}

#[test]
fn no_crosswalk_pages_without_other_frameworks() {
    let dir = temp_copy("editions");
    let out = build(dir.path());
    assert!(!out.join("public/crosswalks").exists());
    assert!(vouch::site::crosswalk::page_urls(&site(dir.path())).is_empty());
}

#[test]
fn example_project_has_crosswalks_for_every_listed_framework() {
    let s = site(&repo());
    let fws = vouch::site::crosswalk::frameworks(&s);
    assert_eq!(fws, ["iso27001", "soc2", "nist_ai_rmf", "eu_ai_act"]);
    for ed in 0..s.editions.len() {
        for c in vouch::site::crosswalk::all(&s, ed) {
            assert!(
                c.total > 0 && c.covered <= c.total,
                "{} in edition {ed}",
                c.framework
            );
            assert_eq!(c.pct, c.covered * 100 / c.total);
            assert!(c.requirements.iter().all(|r| !r.id.is_empty()));
        }
    }
}
