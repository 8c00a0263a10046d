//! `kind: document` evidence names either a vouch document (by id, checked)
//! or the organisation's own controlled document (shown as text), and a
//! lower edition never learns the id of a vouch document it may not see.

use crate::common::*;

fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

fn evidence_yaml(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("content/registers/evidence.yaml")
}

#[test]
fn an_external_document_reference_checks_clean_and_shows_as_text_with_its_system() {
    let dir = example();
    edit(
        &evidence_yaml(&dir),
        "  kind: document\n  location: ai-policy\n",
        "  kind: document\n  location: GOV-MIN-2026-03\n  system: SharePoint\n  url: https://acme.sharepoint.example/sites/gov/GOV-MIN-2026-03\n",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let site = build(dir.path());
    let page = page(
        &site,
        "public",
        "/evidence/ev-ai-policy-approval/index.html",
    );
    assert!(page.contains("GOV-MIN-2026-03"), "{page}");
    assert!(page.contains("(SharePoint)"), "{page}");
    assert!(page.contains("href=\"https://acme.sharepoint.example/sites/gov/GOV-MIN-2026-03\""));
}

#[test]
fn a_location_outside_the_id_syntax_is_external_without_system() {
    let dir = example();
    edit(
        &evidence_yaml(&dir),
        "  kind: document\n  location: ai-policy\n",
        "  kind: document\n  location: GOV-MIN-2026-03\n",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn a_misspelt_vouch_document_id_is_an_error_with_a_suggestion() {
    let dir = example();
    edit(
        &evidence_yaml(&dir),
        "  kind: document\n  location: ai-policy\n",
        "  kind: document\n  location: ai-polcy\n",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1);
    let d = json_lines(&o)
        .into_iter()
        .find(|d| d["code"] == "E022")
        .expect("E022");
    assert_eq!(d["file"], "content/registers/evidence.yaml");
    assert!(d["help"].as_str().unwrap().contains("ai-policy"), "{d}");
}

#[test]
fn system_and_url_belong_to_document_evidence_only() {
    let dir = example();
    edit(
        &evidence_yaml(&dir),
        "  kind: document\n  location: ai-policy\n",
        "  kind: ticket\n  location: GOV-1\n  system: Jira\n",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1);
    assert!(json_lines(&o)
        .iter()
        .any(|d| d["code"] == "E022" && d["message"].as_str().unwrap().contains("`system:`")));
}

#[test]
fn a_public_item_never_names_a_hidden_vouch_document() {
    let dir = example();
    // ev-internal-audit-plan points at the internal policy ai-internal-audit;
    // make the item public while the policy stays internal.
    edit(
        &evidence_yaml(&dir),
        "  location: ai-internal-audit\n  collected: 2026-09-18\n  review_every: 12 months\n  owner: Head of AI Governance\n  visibility: internal\n",
        "  location: ai-internal-audit\n  collected: 2026-09-18\n  review_every: 12 months\n  owner: Head of AI Governance\n  visibility: public\n",
    );
    let site = build(dir.path());
    let page = page(
        &site,
        "public",
        "/evidence/ev-internal-audit-plan/index.html",
    );
    assert!(!page.contains("ai-internal-audit"), "{page}");
    assert!(page.contains("a document available on request"));
    let api = std::fs::read_to_string(site.join("public/api/evidence.json")).unwrap();
    assert!(!api.contains("ai-internal-audit"));
    let internal = std::fs::read_to_string(site.join("internal/api/evidence.json")).unwrap();
    assert!(internal.contains("ai-internal-audit"));
}

#[test]
fn a_list_with_hidden_items_at_two_levels_shows_one_count_free_marker() {
    // A.2.2 of the editions fixture cites a public, a customer and an
    // internal evidence item.
    let dir = temp_copy("editions");
    let s = site(dir.path());
    let ids = &s
        .controls
        .iter()
        .find(|c| c.id == "A.2.2")
        .unwrap()
        .data
        .evidence;
    assert_eq!(ids.len(), 3);
    let public = s.links(vouch::core::kinds::Kind::Evidence, ids, 0);
    let markers: Vec<_> = public.iter().filter_map(|l| l.marker).collect();
    assert_eq!(markers, ["available on request"], "{public:?}");
    let customer = s.links(vouch::core::kinds::Kind::Evidence, ids, 1);
    let markers: Vec<_> = customer.iter().filter_map(|l| l.marker).collect();
    assert_eq!(markers, ["not published"], "{customer:?}");
    let internal = s.links(vouch::core::kinds::Kind::Evidence, ids, 2);
    assert!(internal.iter().all(|l| l.marker.is_none()));
}
