//! Usage tiers, EU AI Act roles, system card fields and links written once
//! (issue #15 items 3-6), through the CLI on copies of the `minimal` fixture.

use crate::common::*;
use std::path::Path;

const SYSTEM: &str = "content/registers/systems/support-drafts.yaml";

/// (code, message) of every diagnostic `check` prints, and its exit code.
fn diagnostics(root: &Path) -> (i32, Vec<(String, String)>) {
    let o = check_json(root, &[]);
    let v = json_lines(&o)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (code(&o), v)
}

fn codes(root: &Path) -> Vec<String> {
    diagnostics(root).1.into_iter().map(|(c, _)| c).collect()
}

/// Writes a notice and an impact assessment covering the system, so a
/// high-tier fixture fails only for the rule under test.
fn add_assessment_and_notice(root: &Path) {
    for (dir, id, title) in [
        (
            "notices",
            "drafts-notice",
            "Support replies are drafted with AI",
        ),
        (
            "assessments",
            "ia-drafts",
            "Impact assessment of support drafts",
        ),
    ] {
        let folder = root.join("content").join(dir);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join(format!("{id}.md")),
            format!("---\ntitle: {title}\nvisibility: public\napproved: 2026-10-01\nsystems: [support-drafts]\n---\n\nText.\n"),
        )
        .unwrap();
    }
    edit(
        &root.join(SYSTEM),
        "risk_tier: minimal\n",
        "risk_tier: minimal\nimpact_assessment: ia-drafts\nnotice: drafts-notice\nowner: Head of Support\n",
    );
}

#[test]
fn a_fully_automated_legal_decision_implies_high_in_the_general_domain() {
    let tmp = temp_copy("minimal");
    let sys = tmp.path().join(SYSTEM);
    edit(&sys, "  decision: informational\n", "  decision: legal\n");
    // With a person reviewing each decision, the general domain stays minimal.
    assert!(
        codes(tmp.path()).is_empty(),
        "{:?}",
        diagnostics(tmp.path())
    );
    edit(
        &sys,
        "  mode: human-in-the-loop\n",
        "  mode: human-on-the-loop\n",
    );
    let (exit, d) = diagnostics(tmp.path());
    assert_eq!(exit, 1);
    let (_, msg) = d.iter().find(|(c, _)| c == "E023").expect("E023");
    assert!(msg.contains("implies at least high"), "{msg}");
}

#[test]
fn emotion_recognition_at_work_is_refused_by_check_unless_the_system_is_retired() {
    let tmp = temp_copy("minimal");
    add_assessment_and_notice(tmp.path());
    let sys = tmp.path().join(SYSTEM);
    edit(
        &sys,
        "  affected: [customers writing to support]\n",
        "  affected: [customers writing to support]\n  practices: [emotion-recognition-at-work-or-school]\n",
    );
    // Declared below the implied tier: both the tier and the practice are reported.
    let c = codes(tmp.path());
    assert!(
        c.contains(&"E023".into()) && c.contains(&"E056".into()),
        "{c:?}"
    );
    edit(&sys, "risk_tier: minimal\n", "risk_tier: unacceptable\n");
    assert_eq!(codes(tmp.path()), vec!["E056".to_string()]);
    edit(
        &sys,
        "lifecycle: deployed\n",
        "lifecycle: retired\nretired: 2026-06-30\nretirement: Switched off and its data deleted on 2026-06-30.\n",
    );
    let (exit, d) = diagnostics(tmp.path());
    assert_eq!((exit, d.len()), (0, 0), "{d:?}");
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(
        card.contains("a practice the EU AI Act prohibits"),
        "{card}"
    );
}

#[test]
fn a_misspelt_annex_iii_area_is_an_error_with_did_you_mean() {
    let tmp = temp_copy("minimal");
    edit(
        &tmp.path().join(SYSTEM),
        "  affected: [customers writing to support]\n",
        "  affected: [customers writing to support]\n  annex_iii: [employmnt]\n",
    );
    let o = check_json(tmp.path(), &[]);
    assert_eq!(code(&o), 1);
    let d = json_lines(&o);
    let e = d.iter().find(|d| d["code"] == "E007").expect("E007");
    assert!(
        e["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `employment`"),
        "{e}"
    );
}

#[test]
fn an_annex_iii_area_implies_high_and_the_card_says_why() {
    let tmp = temp_copy("minimal");
    add_assessment_and_notice(tmp.path());
    let sys = tmp.path().join(SYSTEM);
    edit(
        &sys,
        "  affected: [customers writing to support]\n",
        "  affected: [customers writing to support]\n  annex_iii: [education]\n",
    );
    assert_eq!(codes(tmp.path()), vec!["E023".to_string()]);
    edit(&sys, "risk_tier: minimal\n", "risk_tier: high\n");
    assert!(codes(tmp.path()).is_empty());
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(
        card.contains("because it is used in an EU AI Act Annex III area: education"),
        "{card}"
    );
    assert!(card.contains("High under our usage tiers; high-risk under the EU AI Act"));
}

#[test]
fn interaction_with_people_implies_limited_and_asks_for_a_notice() {
    let tmp = temp_copy("minimal");
    let sys = tmp.path().join(SYSTEM);
    edit(
        &sys,
        "  affected: [customers writing to support]\n",
        "  affected: [customers writing to support]\n  interacts_with_people: true\n",
    );
    let mut c = codes(tmp.path());
    c.sort();
    assert_eq!(c, ["E023", "W011"]);
    edit(&sys, "risk_tier: minimal\n", "risk_tier: limited\n");
    let (exit, d) = diagnostics(tmp.path());
    assert_eq!(exit, 0, "a missing notice is a warning first");
    assert_eq!(
        d.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        ["W011"]
    );
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(
        card.contains("because people interact with it directly"),
        "{card}"
    );
}

#[test]
fn a_minimal_card_says_nothing_implies_a_higher_tier() {
    let tmp = temp_copy("minimal");
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(card.contains("because no field of its usage implies a higher tier"));
}

#[test]
fn ai_act_roles_list_both_roles_and_the_old_single_field_still_works() {
    let tmp = temp_copy("minimal");
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(
        card.contains("EU AI Act role</dt><dd>Deployer</dd>"),
        "{card}"
    );
    assert!(card.contains("not high-risk under the EU AI Act"), "{card}");
    add_assessment_and_notice(tmp.path());
    edit(
        &tmp.path().join(SYSTEM),
        "ai_act_role: deployer\n",
        "ai_act_roles: [provider, deployer]\n",
    );
    edit(
        &tmp.path().join(SYSTEM),
        "roles: [user]\n",
        "roles: [user, provider]\n",
    );
    edit(
        &tmp.path().join("content/site.yaml"),
        "roles: [user]\n",
        "roles: [user, provider]\n",
    );
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(
        card.contains("EU AI Act roles</dt><dd>Provider, Deployer</dd>"),
        "{card}"
    );
    assert!(card.contains("we are its provider and deployer"), "{card}");
    assert!(card.contains("As provider") && card.contains("As deployer"));
}

#[test]
fn an_ai_act_role_of_none_is_reconciled_with_the_tier_in_one_sentence() {
    let tmp = temp_copy("minimal");
    edit(
        &tmp.path().join(SYSTEM),
        "ai_act_role: deployer\n",
        "ai_act_role: none\n",
    );
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(
        card.contains("Minimal under our usage tiers; not in scope of the EU AI Act, because"),
        "{card}"
    );
}

/// Builds a high-risk (employment) version of the fixture with `roles` and
/// `ai_act` as its ISO and AI Act roles; returns the cards folder.
fn high_risk_cards(tmp: &Path, roles: &str, ai_act: &str) -> std::path::PathBuf {
    add_assessment_and_notice(tmp);
    let sys = tmp.join(SYSTEM);
    edit(
        &sys,
        "  domain: general\n  decision: informational\n",
        "  domain: employment\n  decision: significant\n",
    );
    edit(&sys, "risk_tier: minimal\n", "risk_tier: high\n");
    edit(&sys, "roles: [user]\n", &format!("roles: {roles}\n"));
    edit(
        &sys,
        "ai_act_role: deployer\n",
        &format!("ai_act_roles: {ai_act}\n"),
    );
    edit(
        &tmp.join("content/site.yaml"),
        "roles: [user]\n",
        "roles: [user, customer, provider]\n",
    );
    build(tmp).join("internal/exports/cards/support-drafts")
}

#[test]
fn a_deployer_of_a_high_risk_system_gets_its_duties_not_annex_iv() {
    let tmp = temp_copy("minimal");
    let cards = high_risk_cards(tmp.path(), "[user, customer]", "[deployer]");
    assert!(!cards.join("annex-iv.md").exists());
    let duties = std::fs::read_to_string(cards.join("deployer-duties.md")).unwrap();
    assert!(
        duties.contains("Art. 26(2)") && duties.contains("Art. 26(7)"),
        "{duties}"
    );
    assert!(
        !duties.contains("Art. 27"),
        "no FRIA trigger for a private employer"
    );
}

#[test]
fn a_provider_of_a_high_risk_system_gets_the_annex_iv_outline() {
    let tmp = temp_copy("minimal");
    let cards = high_risk_cards(tmp.path(), "[provider]", "[provider]");
    let outline = std::fs::read_to_string(cards.join("annex-iv.md")).unwrap();
    assert!(outline.contains("8. EU declaration of conformity"));
    assert!(!cards.join("deployer-duties.md").exists());
}

#[test]
fn a_public_service_deployer_of_a_high_risk_system_owes_a_fria() {
    let tmp = temp_copy("minimal");
    edit(
        &tmp.path().join(SYSTEM),
        "lifecycle: deployed\n",
        "lifecycle: deployed\npublic_service: true\n",
    );
    let cards = high_risk_cards(tmp.path(), "[user, customer]", "[deployer]");
    let duties = std::fs::read_to_string(cards.join("deployer-duties.md")).unwrap();
    assert!(
        duties.contains("Fundamental rights impact assessment"),
        "{duties}"
    );
}

#[test]
fn the_model_card_never_lists_inference_data_as_training_data() {
    let tmp = temp_copy("minimal");
    edit(
        &tmp.path().join(SYSTEM),
        "controls: [A.2.2]\n",
        "data:\n  - name: Customer tickets at run time\n    use: [inference]\n  - name: Synthetic tickets\n    use: [evaluation]\nmetrics:\n  - name: Drafts accepted unedited\n    value: 41%\n    criterion: \">= 30%\"\n    date: 2026-10-01\ncontrols: [A.2.2]\n",
    );
    let out = build(tmp.path());
    let cards = out.join("internal/exports/cards/support-drafts");
    let readme = std::fs::read_to_string(cards.join("README.md")).unwrap();
    let training =
        &readme[readme.find("### Training Data").unwrap()..readme.find("## Evaluation").unwrap()];
    assert!(!training.contains("Customer tickets"), "{readme}");
    assert!(
        readme.contains("## Data Processed in Use (inference)\n\n- Customer tickets at run time")
    );
    assert!(readme.contains("| Drafts accepted unedited | 41% | >= 30% | 2026-10-01 |"));
    let bom: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cards.join("bom.cdx.json")).unwrap()).unwrap();
    let datasets = bom["components"][0]["modelCard"]["modelParameters"]["datasets"].to_string();
    assert!(!datasets.contains("Customer tickets"), "{datasets}");
    assert!(datasets.contains("use: evaluation"), "{datasets}");
}

#[test]
fn a_link_written_on_one_side_shows_on_both_pages() {
    let tmp = temp_copy("minimal");
    std::fs::write(
        tmp.path().join("content/registers/risks.yaml"),
        "- id: r-1\n  title: Wrong drafts sent\n  systems: [support-drafts]\n  likelihood: 2\n  impact: 2\n  treatment: accept\n  visibility: public\n- id: r-2\n  title: Drafts leak data\n  likelihood: 1\n  impact: 3\n  treatment: accept\n  visibility: public\n",
    )
    .unwrap();
    add_assessment_and_notice(tmp.path());
    edit(
        &tmp.path().join("content/assessments/ia-drafts.md"),
        "systems: [support-drafts]\n",
        "systems: [support-drafts]\nrisks: [r-2]\n",
    );
    edit(
        &tmp.path().join(SYSTEM),
        "controls: [A.2.2]\n",
        "controls: [A.2.2]\nrisks: [r-2]\n",
    );
    assert!(
        codes(tmp.path()).is_empty(),
        "{:?}",
        diagnostics(tmp.path())
    );
    let out = build(tmp.path());
    let card = page(&out, "public", "systems/support-drafts/index.html");
    assert!(
        card.contains("href=\"/risks/r-1/\""),
        "risk -> system shows on the card"
    );
    assert!(card.contains("href=\"/risks/r-2/\""));
    let r2 = page(&out, "public", "risks/r-2/index.html");
    assert!(
        r2.contains("href=\"/systems/support-drafts/\""),
        "system -> risk shows on the risk"
    );
    assert!(r2.contains("Raised in") && r2.contains("href=\"/assessments/ia-drafts/\""));
    let ia = page(&out, "public", "assessments/ia-drafts/index.html");
    assert!(ia.contains("Risks raised") && ia.contains("href=\"/risks/r-2/\""));
    // The JSON API lists the risk written only on the risk's side too.
    let api: serde_json::Value =
        serde_json::from_str(&page(&out, "public", "api/systems.json")).unwrap();
    let sys = api["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "support-drafts")
        .unwrap();
    assert_eq!(sys["risks"], serde_json::json!(["r-2", "r-1"]), "{sys}");
    assert!(sys["implied_tier_reason"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));
    assert!(sys["ai_act_roles"].is_array());
}

#[test]
fn a_control_page_groups_its_evidence_by_system() {
    let tmp = temp_copy("minimal");
    edit(
        &tmp.path().join("content/registers/evidence.yaml"),
        "  visibility: internal\n",
        "  systems: [support-drafts]\n  visibility: internal\n",
    );
    let out = build(tmp.path());
    let internal = page(&out, "internal", "controls/a-2-2/index.html");
    assert!(
        internal.contains("For <a href=\"/systems/support-drafts/\""),
        "{internal}"
    );
    let public = page(&out, "public", "controls/a-2-2/index.html");
    assert!(!public.contains("For <a href=\"/systems/support-drafts/\""));
}

#[test]
fn the_partner_role_is_described_as_contributing_to_others_systems() {
    let tmp = temp_copy("minimal");
    edit(
        &tmp.path().join("content/site.yaml"),
        "roles: [user]\n",
        "roles: [user, partner]\n",
    );
    let out = build(tmp.path());
    let home = page(&out, "public", "index.html");
    assert!(
        home.contains("Contributes to AI systems others provide"),
        "{home}"
    );
    assert!(!home.contains("Works with partners who supply"));
}
