//! Crosswalk pages and figures: coverage arithmetic on a fixture with known
//! numbers, edition filtering (a hidden control adds no row, id or title), the
//! reverse view on control pages, and the evidence reuse count.

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

fn ids(c: &CrosswalkView) -> Vec<&str> {
    c.requirements.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn coverage_counts_visible_applicable_implemented_controls_only() {
    let dir = mapped_fixture();
    let s = site(dir.path());
    let (public, customer, internal) = (0, 1, 2);
    let iso = crosswalk(&s, "iso27001", public);
    assert_eq!(ids(&iso), ["A.5.1", "A.5.36"]);
    assert_eq!(
        figures(&iso),
        (2, 1, 50),
        "A.5.1 covered by A.2.2; A.5.36 only planned"
    );
    let a51 = &iso.requirements[0];
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
    let a22_internal = &all.requirements[0].controls[0];
    assert_eq!((a22_internal.evidence, a22_internal.fresh), (3, 3));
    assert_eq!(a51.controls[1].status, Some("planned"));
    let cust = crosswalk(&s, "iso27001", customer);
    assert_eq!(ids(&cust), ["A.5.1", "A.5.8", "A.5.36"], "natural order");
    assert_eq!(
        figures(&cust),
        (3, 1, 33),
        "a partial control does not cover"
    );
    let int = crosswalk(&s, "iso27001", internal);
    assert_eq!(figures(&int), (4, 2, 50));
    let eu = crosswalk(&s, "eu_ai_act", public);
    assert_eq!(ids(&eu), ["Art. 9", "Art. 17"]);
    assert_eq!(figures(&eu), (2, 1, 50));
    assert_eq!(
        eu.requirements[1].title.as_deref(),
        Some("Quality management system")
    );
    assert_eq!(
        crosswalk(&s, "eu_ai_act", internal).requirements[1]
            .controls
            .len(),
        2
    );
}

#[test]
fn nist_page_lists_the_reference_crosswalk_as_reference() {
    let dir = mapped_fixture();
    let s = site(dir.path());
    let nist = crosswalk(&s, "nist_ai_rmf", 0);
    let all: std::collections::BTreeSet<&String> = vouch::core::catalogue::get()
        .nist
        .values()
        .flatten()
        .collect();
    assert_eq!(
        nist.total,
        all.len(),
        "every subcategory of the reference crosswalk"
    );
    // Only A.2.2 is implemented among Annex A: the three subcategories related to it.
    let related = &vouch::core::catalogue::get().nist["A.2.2"];
    assert_eq!(nist.covered, related.len());
    assert_eq!(nist.pct, related.len() * 100 / all.len());
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
fn evidence_reuse_counts_evidenced_annex_a_controls_with_other_mappings() {
    let dir = mapped_fixture();
    let s = site(dir.path());
    for ed in 0..3 {
        let r = reuse(&s, ed);
        // A.2.2 (mapped) and A.2.4 (unmapped) are evidenced; own controls never count.
        assert_eq!((r.count, r.with_evidence), (1, 2), "edition {ed}");
        assert_eq!(r.controls[0].id.as_deref(), Some("A.2.2"));
    }
    let per = reuse(&s, 0).frameworks;
    assert_eq!(
        per,
        [
            ("EU AI Act".to_string(), 1),
            ("ISO/IEC 27001:2022".to_string(), 1)
        ],
        "per framework id, in id order"
    );
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
    assert!(public.contains("50%") && public.contains("Coverage is the share"));
    for hidden in ["A.5.7", "A.5.8", "canary", "CANARY"] {
        assert!(!public.contains(hidden), "public crosswalk shows {hidden}");
    }
    let customer = main_of(&page(&out, "customer", "/crosswalks/iso27001/"));
    assert!(
        customer.contains("A.5.8")
            && customer.contains("nw-canarycust-control")
            && !customer.contains("A.5.7")
    );
    assert!(main_of(&page(&out, "internal", "/crosswalks/iso27001/")).contains("A.5.7"));
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
        }
    }
}
