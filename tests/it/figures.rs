//! Headline figures through the CLI: every page that shows a figure, and
//! `/api/figures.json`, agree per edition (one function per figure); stale
//! evidence lowers them; lower editions say how many Annex A controls they do
//! not list; retired systems are counted apart; `soa.csv` names exclusions.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const EDITIONS: [&str; 3] = ["public", "customer", "internal"];

/// Builds `root` into a fresh temporary folder with `--today today`.
fn build_on(root: &Path, today: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = vouch(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        today,
    ]);
    assert_eq!(code(&o), 0, "build failed:\n{}", stderr(&o));
    (tmp, out)
}

fn api(out: &Path, ed: &str) -> Value {
    serde_json::from_str(&page(out, ed, "/api/figures.json")).unwrap()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The Annex A sentence every page that shows the figure prints.
fn annex_sentence(a: &Value) -> String {
    format!(
        "<span class=\"stat-number\">{}</span> of {} applicable Annex A control",
        n(&a["evidenced"]),
        n(&a["applicable"])
    )
}

/// Asserts that the home page, the SoA, the crosswalk pages (and the readiness
/// scorecard, where `readiness_from` gives the edition whose figures it shows)
/// print the figures of `/api/figures.json` of edition `ed`.
fn assert_pages_agree_with_api(out: &Path, ed: &str, readiness_from: Option<&str>) {
    let f = api(out, ed);
    let home = main_of(&page(out, ed, "/"));
    let soa = main_of(&page(out, ed, "/controls/"));
    let a = &f["annex_a"];
    let sentence = annex_sentence(a);
    assert!(home.contains(&sentence), "{ed} home lacks {sentence}");
    assert!(soa.contains(&sentence), "{ed} SoA lacks {sentence}");
    assert!(
        home.contains("implemented with current evidence")
            && home.contains("Of the ISO/IEC 42001 Annex A controls listed here")
    );
    for c in f["crosswalks"].as_array().unwrap() {
        let (covered, total) = (n(&c["covered"]), n(&c["total"]));
        let shown = match c["pct"].as_u64() {
            Some(pct) => format!("{pct}% ({covered} of {total})"),
            None => "not applicable".to_string(),
        };
        assert!(
            home.contains(&shown),
            "{ed} home lacks {shown} for {}",
            c["framework"]
        );
        let url = format!("/crosswalks/{}/", c["framework"].as_str().unwrap());
        let cw = main_of(&page(out, ed, &url));
        if c["applicable"] == true {
            assert!(
                cw.contains(&format!("{covered} of {total} requirement")),
                "{ed} {url}"
            );
        }
        assert!(c["definition"]
            .as_str()
            .unwrap()
            .starts_with("Coverage is the share"));
        assert!(
            cw.contains("Coverage is the share"),
            "{ed} {url}: definition beside the figure"
        );
    }
    assert!(
        home.contains("Coverage is the share"),
        "{ed} home: coverage definition"
    );
    let r = &f["reuse"];
    let reuse = format!(
        "<span class=\"stat-number\">{}</span> of {} Annex A control",
        n(&r["count"]),
        n(&r["with_evidence"])
    );
    assert!(home.contains(&reuse), "{ed} home lacks {reuse}");
    assert!(
        main_of(&page(out, ed, "/crosswalks/")).contains(&reuse),
        "{ed} crosswalk index"
    );
    let s = &f["systems"];
    let tiers: u64 = s["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| n(&t[1]))
        .sum();
    assert_eq!(
        tiers,
        n(&s["in_use"]),
        "{ed}: tiers add up to the systems in use"
    );
    let systems = format!(
        "<span class=\"stat-number\">{}</span> AI system",
        n(&s["in_use"])
    );
    assert!(home.contains(&systems), "{ed} home lacks {systems}");
    if let Some(basis) = readiness_from {
        let top = api(out, basis);
        let readiness = main_of(&page(out, ed, "/readiness/"));
        let want = annex_sentence(&top["annex_a"]);
        assert!(readiness.contains(&want), "{ed} readiness lacks {want}");
        let reuse = &top["reuse"];
        let want = format!(
            "<span class=\"stat-number\">{}</span> of {} Annex A control",
            n(&reuse["count"]),
            n(&reuse["with_evidence"])
        );
        assert!(readiness.contains(&want), "{ed} readiness lacks {want}");
        let in_use = n(&top["systems"]["in_use"]);
        assert!(
            readiness.contains(&format!("{in_use} AI system")),
            "{ed} readiness systems"
        );
    }
}

#[test]
fn every_page_and_the_api_show_the_same_figures_in_each_edition() {
    let (_tmp, out) = build_on(&repo(), TODAY);
    for ed in EDITIONS {
        // The example publishes the scorecard in the internal edition only.
        let readiness = (ed == "internal").then_some("internal");
        assert_pages_agree_with_api(&out, ed, readiness);
    }
}

#[test]
fn a_lower_edition_readiness_scorecard_shows_the_whole_aims_figures() {
    // With `readiness_visibility: customer` the scorecard is published to
    // customers with the aggregate figures of the whole AIMS, as documented;
    // every other page of the customer edition shows its own figures.
    let dir = temp_copy("editions");
    let c = dir.path().join("content");
    edit(
        &c.join("site.yaml"),
        "frameworks: [iso42001]",
        "frameworks: [iso42001, iso27001]\nreadiness_visibility: customer",
    );
    edit(
        &c.join("registers/controls.yaml"),
        "  evidence: [ev-canaryint-review]\n",
        "  evidence: [ev-canaryint-review]\n  maps_to:\n    iso27001: [A.5.7]\n",
    );
    let (_tmp, out) = build_on(dir.path(), TODAY);
    assert_pages_agree_with_api(&out, "customer", Some("internal"));
    assert_pages_agree_with_api(&out, "internal", Some("internal"));
    let readiness = main_of(&page(&out, "customer", "/readiness/"));
    assert!(readiness.contains("including those this edition does not list"));
}

/// The headline numbers of an edition: Annex A evidenced, covered per
/// framework, reuse.
fn headline(out: &Path, ed: &str) -> (u64, Vec<u64>, u64) {
    let f = api(out, ed);
    let covered = f["crosswalks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| n(&c["covered"]))
        .collect();
    (
        n(&f["annex_a"]["evidenced"]),
        covered,
        n(&f["reuse"]["count"]),
    )
}

#[test]
fn a_later_today_lowers_every_headline_figure_as_evidence_goes_stale() {
    // The example's certificates expire in 2027-09 and 2028-05 (an expired
    // `certified` badge is an error), so "later" is the day before the first.
    let (_a, now) = build_on(&repo(), TODAY);
    let (_b, later) = build_on(&repo(), "2027-09-28");
    for ed in EDITIONS {
        let (annex, covered, reuse) = headline(&now, ed);
        let (annex_l, covered_l, reuse_l) = headline(&later, ed);
        assert!(annex_l < annex, "{ed}: Annex A {annex} -> {annex_l}");
        assert!(reuse_l < reuse, "{ed}: reuse {reuse} -> {reuse_l}");
        for (c, l) in covered.iter().zip(&covered_l) {
            assert!(l < c, "{ed}: coverage {covered:?} -> {covered_l:?}");
        }
        let home = main_of(&page(&later, ed, "/"));
        assert!(home.contains(&annex_sentence(&api(&later, ed)["annex_a"])));
    }
}

#[test]
fn a_far_future_today_leaves_no_figure_that_claims_evidence() {
    let dir = temp_copy("editions");
    let c = dir.path().join("content");
    edit(
        &c.join("site.yaml"),
        "frameworks: [iso42001]",
        "frameworks: [iso42001, iso27001]",
    );
    edit(
        &c.join("registers/controls.yaml"),
        "  evidence: [ev-ai-policy-approval, ev-canaryint-review, ev-canarycust-pack]\n",
        "  evidence: [ev-ai-policy-approval, ev-canaryint-review, ev-canarycust-pack]\n  maps_to:\n    iso27001: [A.5.1]\n",
    );
    let (_a, now) = build_on(dir.path(), TODAY);
    let (_b, far) = build_on(dir.path(), "2035-01-01");
    for ed in EDITIONS {
        assert_eq!(headline(&now, ed), (1, vec![1], 1), "{ed} today");
        assert_eq!(headline(&far, ed), (0, vec![0], 0), "{ed} in 2035");
        let f = api(&far, ed);
        assert_eq!(
            f["annex_a"]["counts"]["implemented"], 1,
            "status stays; evidence does not"
        );
    }
}

#[test]
fn lower_editions_say_how_many_annex_a_controls_they_do_not_list() {
    let (_tmp, out) = build_on(&repo(), TODAY);
    let public = api(&out, "public");
    let a = &public["annex_a"];
    assert_eq!((n(&a["catalogue"]), n(&a["listed"])), (38, 32));
    let further: Vec<(String, u64)> = a["further"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["edition"].as_str().unwrap().to_string(), n(&f["count"])))
        .collect();
    assert_eq!(further, [("customer".into(), 4), ("internal".into(), 2)]);
    let note = "6 further Annex A controls are listed only in a higher edition (4 in the customer edition, 2 in the internal edition); their status is not shown here.";
    assert_eq!(a["further_note"], note);
    let soa = main_of(&page(&out, "public", "/controls/"));
    assert!(soa.contains("32 of the 38 Annex A controls") && soa.contains(note));
    assert!(
        !soa.contains("Every Annex A control"),
        "the public SoA lists fewer"
    );
    assert!(main_of(&page(&out, "public", "/")).contains(note));
    let internal = main_of(&page(&out, "internal", "/controls/"));
    assert!(internal.contains("Every Annex A control") && !internal.contains("further Annex A"));
    assert!(api(&out, "internal")["annex_a"]["further_note"].is_null());
}

#[test]
fn retired_systems_are_counted_apart_from_the_tiers() {
    let (_tmp, out) = build_on(&repo(), TODAY);
    for ed in EDITIONS {
        let s = &api(&out, ed)["systems"];
        assert_eq!(n(&s["retired"]), 1, "{ed}: the lead scorer");
        let home = main_of(&page(&out, ed, "/"));
        let want = format!(
            "<span class=\"stat-number\">{}</span> AI systems in use or in development, and 1 retired (not in the tiers below)",
            n(&s["in_use"])
        );
        assert!(home.contains(&want), "{ed}: {want}");
    }
    let readiness = main_of(&page(&out, "internal", "/readiness/"));
    assert!(readiness.contains("and 1 retired, counted apart from the tiers"));
    let systems = main_of(&page(&out, "public", "/systems/"));
    let s = &api(&out, "public")["systems"];
    let tiles: u64 = s["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| n(&t[1]))
        .sum();
    assert_eq!(tiles, n(&s["in_use"]));
    assert!(systems.contains(&format!(
        "{} AI systems in use or in development; 1 retired, listed below but not counted in a tier",
        n(&s["in_use"])
    )));
}

#[test]
fn soa_csv_gives_an_excluded_control_the_status_excluded() {
    let (_tmp, out) = build_on(&repo(), TODAY);
    let csv = page(&out, "internal", "/soa.csv");
    let row = csv.lines().find(|l| l.starts_with("A.7.3,")).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(&cells[3..6], ["no", "no", "excluded"], "{row}");
}

#[test]
fn unknown_framework_keys_and_requirement_ids_name_the_nearest_spelling() {
    let dir = temp_copy("minimal");
    let c = dir.path().join("content");
    edit(
        &c.join("registers/controls.yaml"),
        "  evidence: [ev-ai-policy-approval]\n",
        "  evidence: [ev-ai-policy-approval]\n  maps_to:\n    soc_2: [CC1.1]\n    nist_ai_rmf: [GOVERN 1.1, GOVERN 9.9, \"MEASURE 2.14\"]\n",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1);
    let d = json_lines(&o);
    let found: Vec<(&str, &str, &str)> = d
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap(),
                x["message"].as_str().unwrap(),
                x["help"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[0].0 == "E051" && found[0].2 == "did you mean `soc2`?",
        "{found:?}"
    );
    assert!(
        found[1].0 == "E052"
            && found[1]
                .1
                .starts_with("`GOVERN 9.9` is not a requirement of NIST AI RMF 1.0")
    );
    assert!(
        found[2].2.contains("did you mean `MEASURE 2.4`"),
        "{found:?}"
    );
    assert!(d
        .iter()
        .all(|x| x["file"] == "content/registers/controls.yaml" && n(&x["line"]) > 0));
}
