//! The records of clauses 6.2, 7.2 and 9.1-10.2 (issue #16): a clean set
//! (`tests/fixtures/records`, copied over `minimal`) checks clean; one overdue
//! corrective action is its only finding and its only record gap; records
//! are internal unless their own `visibility` says otherwise; audits and
//! nonconformities reference each other both ways; the certification cycle
//! decides what the audit programme covers; exports carry the records' status.

use crate::common::*;
use std::path::Path;

/// `minimal` with the clean record set over it.
fn project() -> tempfile::TempDir {
    let dir = temp_copy("minimal");
    copy_dir(&fixture("records"), dir.path());
    dir
}

fn registers(root: &Path, name: &str) -> std::path::PathBuf {
    root.join("content/registers").join(name)
}

fn readiness_json(out: &Path, edition: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join(edition).join("api/readiness.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn clause<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no clause {id}"))
}

const RECORD_CLAUSES: [&str; 6] = ["6.2", "7.2", "9.1", "9.2", "9.3", "10.2"];

#[test]
fn a_clean_record_set_checks_clean_under_strict_and_covers_every_record_clause() {
    let dir = project();
    let o = check_json(dir.path(), &["--strict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(json_lines(&o).is_empty(), "{}", stderr(&o));
    let out = build(dir.path());
    let r = readiness_json(&out, "internal");
    for id in RECORD_CLAUSES {
        let c = clause(&r, id);
        assert_eq!(c["basis"], "records", "{id}");
        assert_eq!(c["covered"], true, "{id}: {c}");
    }
}

#[test]
fn a_project_whose_only_gap_is_an_overdue_corrective_action() {
    let dir = project();
    edit(
        &registers(dir.path(), "nonconformities.yaml"),
        "due: 2027-01-31",
        "due: 2026-11-02",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 0, "a warning without --strict: {}", stderr(&o));
    let found: Vec<String> = json_lines(&o)
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["line"]))
        .collect();
    assert_eq!(found, ["W022 9"], "at the due date's line");
    let strict = check_json(dir.path(), &["--strict"]);
    assert_eq!(code(&strict), 1, "an error with --strict");
    let human = vouch(&[
        "check",
        "--root",
        dir.path().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert!(
        stderr(&human).contains(
            "10.2 Nonconformity and corrective action: the corrective action of `nc-1` is overdue"
        ),
        "{}",
        stderr(&human)
    );
    let out = build(dir.path());
    let r = readiness_json(&out, "internal");
    let gap = clause(&r, "10.2");
    assert_eq!(gap["covered"], false);
    assert_eq!(gap["missing"].as_array().unwrap().len(), 1, "{gap}");
    assert!(gap["missing"][0]["fix"]
        .as_str()
        .unwrap()
        .contains("close it"));
    for id in RECORD_CLAUSES.iter().filter(|c| **c != "10.2") {
        assert_eq!(clause(&r, id)["covered"], true, "{id}");
    }
    let home = page(&out, "internal", "/readiness/");
    assert!(
        home.contains("the corrective action of `nc-1` is overdue"),
        "the scorecard lists the gap"
    );
}

#[test]
fn records_are_internal_unless_their_own_visibility_lowers_them() {
    let dir = project();
    edit(
        &registers(dir.path(), "objectives.yaml"),
        "  measured: 2026-11-20\n",
        "  measured: 2026-11-20\n  visibility: public\n",
    );
    let out = build(dir.path());
    assert!(page(&out, "public", "/objectives/obj-inventory/")
        .contains("Every AI system is registered"));
    for path in [
        "audits",
        "reviews",
        "nonconformities",
        "competence",
        "monitoring",
    ] {
        assert!(
            !out.join("public").join(path).exists(),
            "public has no /{path}/"
        );
        assert!(
            !out.join("customer").join(path).exists(),
            "customer has no /{path}/"
        );
        assert!(
            out.join("internal").join(path).join("index.html").exists(),
            "internal has /{path}/"
        );
    }
    let api = std::fs::read_to_string(out.join("public/api/records.json")).unwrap();
    assert!(api.contains("obj-inventory"));
    assert!(!api.contains("nc-1") && !api.contains("ia-2026"), "{api}");
    assert!(
        !out.join("public/api/readiness.json").exists(),
        "readiness is internal by default"
    );
}

#[test]
fn audit_findings_and_nonconformities_reference_each_other_both_ways() {
    let dir = project();
    let out = build(dir.path());
    let audit = main_of(&page(&out, "internal", "/audits/ia-2026/"));
    assert!(
        audit.contains("href=\"/nonconformities/nc-1/\""),
        "finding links its nonconformity"
    );
    let nc = main_of(&page(&out, "internal", "/nonconformities/nc-1/"));
    assert!(
        nc.contains("href=\"/audits/ia-2026/\""),
        "nonconformity links the audit"
    );
    assert!(nc.contains("Cited by"), "and shows it among its backlinks");
    let control = main_of(&page(&out, "internal", "/controls/a-2-2/"));
    assert!(
        control.contains("/audits/ia-2026/"),
        "a control cites the audits of it"
    );
}

#[test]
fn a_shorter_certification_cycle_leaves_later_planned_audits_out_of_the_programme() {
    let dir = project();
    edit(
        &dir.path().join("content/site.yaml"),
        "editions:",
        "certification_cycle: 2 months\neditions:",
    );
    let o = check_json(dir.path(), &[]);
    let gaps: Vec<String> = json_lines(&o)
        .iter()
        .filter(|d| d["rule"] == "audit-programme-gap")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(gaps.len(), 2, "clauses and controls: {gaps:?}");
    assert!(gaps[0].contains("(2 months)"), "{gaps:?}");
}

#[test]
fn a_review_input_that_9_3_2_does_not_have_is_named_with_a_suggestion() {
    let dir = project();
    edit(
        &registers(dir.path(), "reviews.yaml"),
        "    improvement:",
        "    improvment:",
    );
    let o = check_json(dir.path(), &[]);
    let helps: Vec<String> = json_lines(&o)
        .iter()
        .filter(|d| d["rule"] == "review-input-missing")
        .map(|d| format!("{} | {}", d["message"], d["help"]))
        .collect();
    assert_eq!(
        helps.len(),
        2,
        "the unknown key and the unaddressed input: {helps:?}"
    );
    assert!(
        helps
            .iter()
            .any(|h| h.contains("did you mean `improvement`")),
        "{helps:?}"
    );
}

#[test]
fn the_oscal_export_carries_audit_and_nonconformity_status_only_where_visible() {
    let dir = project();
    let out = dir.path().join("oscal");
    let root = dir.path().to_str().unwrap();
    for ed in ["internal", "public"] {
        let file = out.join(ed);
        let o = vouch(&[
            "export",
            "oscal",
            "--root",
            root,
            "--today",
            TODAY,
            "--edition",
            ed,
            "--out",
            file.to_str().unwrap(),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let internal = std::fs::read_to_string(out.join("internal")).unwrap();
    assert!(
        internal.contains("\"last-internal-audit\""),
        "internal export dates the audit"
    );
    assert!(internal.contains("\"open-nonconformities\""));
    let public = std::fs::read_to_string(out.join("public")).unwrap();
    assert!(
        !public.contains("last-internal-audit") && !public.contains("nc-1"),
        "records are internal"
    );
}

#[test]
fn a_management_review_dated_after_today_is_a_future_date_and_does_not_count() {
    let dir = project();
    edit(
        &registers(dir.path(), "reviews.yaml"),
        "date: 2026-10-30",
        "date: 2026-12-30",
    );
    let o = check_json(dir.path(), &[]);
    let rules: Vec<String> = json_lines(&o)
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, ["future-date"], "{}", stderr(&o));
    let out = build(dir.path());
    assert_eq!(
        clause(&readiness_json(&out, "internal"), "9.3")["covered"],
        false
    );
}
