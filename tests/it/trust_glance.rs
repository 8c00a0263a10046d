//! What a reader sees at first sight (issue #18): the home page's status
//! strip (certifications, last review, request access), the system card's
//! at-a-glance box, and the internal edition's readiness and audience badges.

use crate::common::*;
use std::path::Path;

/// The home page `<main>` of `edition` in the built site at `out`.
fn home(out: &Path, edition: &str) -> String {
    main_of(&page(out, edition, "index.html"))
}

/// The minimal fixture with a certified certification whose evidence is
/// internal, an internal-only policy approved later than anything public,
/// and `request_access` set to `target` when given.
fn status_project(target: Option<&str>) -> tempfile::TempDir {
    let dir = temp_copy("minimal");
    let site = dir.path().join("content/site.yaml");
    let mut extra = String::from(
        "  - name: ISO/IEC 27001:2022\n    status: certified\n    issued: 2026-01-15\n    expires: 2029-01-14\n    scope: Hosted support platform\n    evidence: [ev-ai-policy-approval]\n",
    );
    if let Some(t) = target {
        extra.push_str(&format!("request_access: \"{t}\"\n"));
    }
    let text = std::fs::read_to_string(&site).unwrap() + &extra;
    std::fs::write(&site, text).unwrap();
    std::fs::write(
        dir.path().join("content/policies/staff-note.md"),
        "---\ntitle: Staff note\nvisibility: internal\nowner: Head of AI Governance\napproved: 2026-11-20\nreview_every: 12 months\n---\n\nFor staff only.\n",
    )
    .unwrap();
    dir
}

#[test]
fn home_status_strip_shows_certification_details_last_review_and_request_access() {
    let dir = status_project(Some("https://example.com/nda"));
    let out = build(dir.path());
    let public = home(&out, "public");
    assert!(public.contains("class=\"status-strip\""), "{public}");
    assert!(
        public.contains("Scope: Hosted support platform"),
        "{public}"
    );
    assert!(public.contains("Expires <time datetime=\"2029-01-14\">"));
    // The public edition sees only public dates; the internal policy's is not its.
    assert!(
        public.contains("Content last reviewed <time datetime=\"2026-11-01\">"),
        "{public}"
    );
    assert!(public.contains("The latest approval date of a document"));
    assert!(public.contains("href=\"https://example.com/nda\">Request access</a>"));
    // The certificate evidence is internal: no link to it below the top edition.
    assert!(!public.contains("Certificate evidence"), "{public}");
    assert!(home(&out, "customer").contains("Request access</a>"));

    let internal = home(&out, "internal");
    assert!(internal.contains("Content last reviewed <time datetime=\"2026-11-20\">"));
    assert!(internal.contains(
        "href=\"/evidence/ev-ai-policy-approval/\">Certificate evidence: AI policy approval record</a>"
    ));
    // The top edition sees everything: nothing to request.
    assert!(!internal.contains("Request access"), "{internal}");
}

#[test]
fn home_status_strip_has_no_request_access_link_when_site_yaml_names_none() {
    let dir = status_project(None);
    let out = build(dir.path());
    for ed in ["public", "customer", "internal"] {
        let html = home(&out, ed);
        assert!(html.contains("Content last reviewed"), "{ed}");
        assert!(!html.contains("Request access"), "{ed}: {html}");
    }
}

#[test]
fn request_access_with_another_scheme_is_reported_and_not_published() {
    let dir = status_project(Some("javascript:alert(1)"));
    let o = check_json(dir.path(), &[]);
    let lines = json_lines(&o);
    assert!(
        lines.iter().any(|l| l["code"] == "W028"
            && l["file"] == "content/site.yaml"
            && l["line"].as_u64().is_some()),
        "{lines:?}"
    );
    let out = build(dir.path());
    for ed in ["public", "customer"] {
        let html = home(&out, ed);
        assert!(!html.contains("javascript:"), "{ed}");
        assert!(!html.contains("Request access"), "{ed}");
    }
}

#[test]
fn request_access_accepts_a_mailto_address() {
    let dir = status_project(Some("mailto:trust@example.com?subject=NDA"));
    let o = check_json(dir.path(), &[]);
    assert!(
        !json_lines(&o).iter().any(|l| l["code"] == "W028"),
        "{}",
        stdout(&o)
    );
    let html = home(&build(dir.path()), "public");
    assert!(html.contains("href=\"mailto:trust@example.com?subject=NDA\">Request access</a>"));
}

/// The minimal fixture whose system is cited by a policy, a changelog and a
/// glossary page, has a reviewed risk and data sources with recorded uses.
fn system_project() -> tempfile::TempDir {
    let dir = temp_copy("minimal");
    let c = dir.path().join("content");
    std::fs::create_dir_all(c.join("pages")).unwrap();
    for (id, title) in [("changelog", "Changelog"), ("glossary", "Glossary")] {
        std::fs::write(
            c.join(format!("pages/{id}.md")),
            format!("---\ntitle: {title}\nvisibility: public\n---\n\nSee [the drafts](system:support-drafts).\n"),
        )
        .unwrap();
    }
    edit(
        &c.join("policies/ai-policy.md"),
        "## Commitments\n",
        "## Commitments\n\nThe [support drafts](system:support-drafts) follow this policy.\n",
    );
    std::fs::write(
        c.join("registers/risks.yaml"),
        "- id: wrong-reply\n  title: A draft reply is wrong\n  systems: [support-drafts]\n  likelihood: 2\n  impact: 2\n  treatment: accept\n  owner: Head of Support\n  review_every: 12 months\n  reviewed: 2026-10-05\n  visibility: public\n",
    )
    .unwrap();
    edit(
        &c.join("registers/systems/support-drafts.yaml"),
        "risk_tier: minimal\n",
        "risk_tier: minimal\nowner: Head of Support\nlimitations: Drafts can be wrong about account details.\ndata:\n  - name: Past tickets\n    use: [evaluation]\n  - name: Live ticket text\n    use: [inference]\n",
    );
    dir
}

#[test]
fn system_card_opens_with_an_at_a_glance_box() {
    let dir = system_project();
    let out = build(dir.path());
    let html = main_of(&page(&out, "public", "systems/support-drafts/index.html"));
    let start = html.find("id=\"glance\"").expect("glance box");
    let glance = &html[start..html[start..].find("</section>").unwrap() + start];
    for want in [
        "<dt>Owner</dt><dd>Head of Support</dd>",
        "<dt>Last reviewed</dt><dd><time datetime=\"2026-10-05\">",
        "Usage implies at least minimal because",
        "<dt>Human oversight</dt><dd>Human in the loop",
        "An agent approves every reply.",
        "<dt>Data use</dt><dd>Evaluation, inference",
        "href=\"#limitations\">Known limitations</a>",
    ] {
        assert!(glance.contains(want), "missing {want}: {glance}");
    }
    // The box comes before the card's other sections.
    assert!(start < html.find("id=\"purpose\"").unwrap());
}

#[test]
fn system_card_cited_by_is_grouped_by_kind_without_glossary_or_changelog() {
    let dir = system_project();
    let out = build(dir.path());
    let html = main_of(&page(&out, "public", "systems/support-drafts/index.html"));
    let cited = &html[html.find("id=\"cited-by\"").expect("cited by")..];
    assert!(cited.contains("id=\"cited-by-policy\""), "{cited}");
    assert!(cited.contains("href=\"/policies/ai-policy/\""), "{cited}");
    assert!(cited.contains("id=\"cited-by-risk\""), "{cited}");
    assert!(!cited.contains("/changelog/"), "{cited}");
    assert!(!cited.contains("/glossary/"), "{cited}");
}

#[test]
fn readiness_is_in_the_navigation_of_the_editions_that_publish_it_only() {
    let dir = temp_copy("minimal");
    let out = build(dir.path());
    let link = "href=\"/readiness/\">Readiness</a>";
    assert!(page(&out, "internal", "index.html").contains(link));
    assert!(page(&out, "internal", "faq/index.html").contains(link));
    for ed in ["public", "customer"] {
        assert!(!page(&out, ed, "index.html").contains(link), "{ed}");
    }
    // With `readiness_visibility: customer` the customer edition publishes it too.
    edit(
        &dir.path().join("content/site.yaml"),
        "theme: default\n",
        "theme: default\nreadiness_visibility: customer\n",
    );
    let out = build(dir.path());
    assert!(page(&out, "customer", "index.html").contains(link));
    assert!(!page(&out, "public", "index.html").contains(link));
}

#[test]
fn internal_readiness_has_a_headline_and_an_action_list_with_owner_due_and_fix() {
    let dir = temp_copy("minimal");
    edit(
        &dir.path().join("content/registers/evidence.yaml"),
        "collected: 2026-11-01",
        "collected: 2025-01-01",
    );
    let out = build(dir.path());
    let html = main_of(&page(&out, "internal", "readiness/index.html"));
    assert!(html.contains("class=\"readiness-headline\""), "{html}");
    assert!(html.contains("sub-clauses of clauses 4 to 10 covered"));
    let start = html.find("id=\"actions\"").expect("action list");
    let actions = &html[start..];
    let row = actions
        .split("<tr>")
        .find(|r| r.contains("Evidence overdue for review"))
        .expect("stale evidence row");
    assert!(
        row.contains("href=\"/evidence/ev-ai-policy-approval/\""),
        "{row}"
    );
    assert!(row.contains(">Head of AI Governance</td>"), "{row}");
    assert!(row.contains("<time datetime=\"2026-01-01\">"), "{row}");
    assert!(row.contains("Collect it again"), "{row}");
    // Uncovered clauses are actions too, with the scorecard's fix.
    assert!(actions.contains("Clause 10.2"), "{actions}");
    // So are applicable controls not yet implemented, with their status.
    assert!(
        actions.contains("Control not implemented yet (status planned)"),
        "{actions}"
    );
    // A gap-free row never appears: the implemented, evidenced A.2.2 is not listed.
    assert!(!actions.contains("href=\"/controls/a-2-2/\""), "{actions}");
}

#[test]
fn audience_badges_mark_what_lower_editions_do_not_show_and_never_appear_in_public() {
    let dir = temp_copy("minimal");
    edit(
        &dir.path()
            .join("content/registers/systems/support-drafts.yaml"),
        "visibility: public",
        "visibility: customer",
    );
    let out = build(dir.path());
    let badge = "class=\"badge audience";
    // Internal: the internal evidence item's row and page carry "Internal";
    // the customer-level system carries "Customer".
    let evidence = main_of(&page(&out, "internal", "evidence/index.html"));
    let row = evidence
        .split("<tr")
        .find(|r| r.contains("/evidence/ev-ai-policy-approval/"))
        .expect("evidence row");
    assert!(row.contains("audience-internal"), "{row}");
    assert!(row.contains("<span class=\"visually-hidden\">Audience: </span>Internal"));
    let item = main_of(&page(
        &out,
        "internal",
        "evidence/ev-ai-policy-approval/index.html",
    ));
    assert!(item.contains("audience-internal"), "{item}");
    let systems = main_of(&page(&out, "internal", "systems/index.html"));
    assert!(systems.contains("audience-customer"), "{systems}");
    // Customer: its own level is the lowest that sees the system, still marked
    // (the public edition does not show it); public items are not marked.
    let customer = main_of(&page(&out, "customer", "systems/support-drafts/index.html"));
    assert!(customer.contains("audience-customer"), "{customer}");
    let policy = main_of(&page(&out, "customer", "policies/ai-policy/index.html"));
    assert!(!policy.contains(badge), "{policy}");
    // Public: no badge on any page.
    for (path, bytes) in files(&out.join("public")) {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            assert!(!html.contains(badge), "{path}");
        }
    }
}
