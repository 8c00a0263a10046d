//! End-to-end build tests through the CLI: page kinds, references, backlinks,
//! editions, atomic writes and exit codes.

use crate::common::*;

#[test]
fn example_project_builds_with_zero_errors_and_warnings() {
    let repo = repo();
    let o = vouch(&[
        "check",
        "--root",
        repo.to_str().unwrap(),
        "--today",
        TODAY,
        "--strict",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        json_lines(&o),
        Vec::<serde_json::Value>::new(),
        "the example content must be free of diagnostics"
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = build_to(&repo, &out, &["--strict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for ed in ["public", "customer", "internal"] {
        assert!(out.join(ed).join("index.html").is_file(), "{ed} built");
    }
}

#[test]
fn renders_every_page_kind_at_stable_urls() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    for path in [
        "/",
        "/scope/",
        "/policies/",
        "/policies/ai-policy/",
        "/assessments/",
        "/notices/",
        "/controls/",
        "/controls/a-2-2/",
        "/systems/",
        "/systems/support-drafts/",
        "/risks/",
        "/suppliers/",
        "/evidence/",
        "/evidence/ev-ai-policy-approval/",
        "/faq/",
        "/faq/ai-policy/",
        "/search/",
        "/404.html",
        "/sitemap.xml",
        "/robots.txt",
        "/api/controls.json",
        "/api/systems.json",
        "/api/faq.json",
        "/api/evidence.json",
        "/soa.csv",
        "/.well-known/security.txt",
        "/_headers",
        "/_redirects",
        "/feed.xml",
        "/search-index.json",
        "/static/style.css",
        "/static/code.css",
    ] {
        page(&site, "public", path);
    }
    for path in [
        "/risks/r-canaryint/",
        "/suppliers/canaryint-supplier/",
        "/systems/canaryint-system/",
        "/readiness/",
    ] {
        page(&site, "internal", path);
    }
    let control = page(&site, "public", "/controls/a-2-2/");
    assert!(
        control.contains("A.2.2") && control.contains("AI policy"),
        "control page shows catalogue id and title"
    );
    let faq = main_of(&page(&site, "public", "/faq/ai-policy/"));
    let h1 = &faq[faq.find("<h1").unwrap()..faq.find("</h1>").unwrap()];
    assert!(
        h1.contains("Do you have an AI policy?"),
        "FAQ answer page carries the question as h1"
    );
}

#[test]
fn main_content_snapshots() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    for (name, path) in [
        ("policy", "/policies/ai-policy/"),
        ("control", "/controls/a-2-2/"),
        ("system", "/systems/support-drafts/"),
        ("faq", "/faq/ai-policy/"),
        ("home", "/"),
    ] {
        insta::assert_snapshot!(name, main_of(&page(&site, "internal", path)));
    }
}

#[test]
fn references_resolve_and_backlinks_appear() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let policy = page(&site, "internal", "/policies/ai-policy/");
    assert!(
        policy.contains("href=\"/policies/canaryint-handbook/#escalation\""),
        "section link resolves with its anchor"
    );
    assert!(policy.contains("href=\"/systems/canaryint-system/\""));
    let control = page(&site, "internal", "/controls/a-2-2/");
    for cited in [
        "/policies/ai-policy/",
        "/systems/support-drafts/",
        "/risks/r-canaryint/",
        "/faq/ai-policy/",
    ] {
        assert!(
            control.contains(&format!("href=\"{cited}\"")),
            "control page cites back {cited}"
        );
    }
    let system = page(&site, "internal", "/systems/support-drafts/");
    for link in ["/controls/a-2-2/", "/risks/r-canaryint/"] {
        assert!(
            system.contains(&format!("href=\"{link}\"")),
            "system card links {link}"
        );
    }
}

fn assert_absent(site: &std::path::Path, edition: &str, needles: &[&str]) {
    for (path, bytes) in files(&site.join(edition)) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for n in needles {
            assert!(
                !text.contains(n) && !path.to_lowercase().contains(n),
                "{edition}/{path} leaks `{n}`"
            );
        }
    }
}

fn assert_present(site: &std::path::Path, edition: &str, needle: &str) {
    let found = files(&site.join(edition))
        .iter()
        .any(|(_, b)| String::from_utf8_lossy(b).to_lowercase().contains(needle));
    assert!(found, "{edition} should contain `{needle}`");
}

#[test]
fn public_edition_contains_no_byte_of_customer_or_internal_content() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    assert_absent(&site, "public", &["canaryint", "canarycust"]);
    assert_absent(&site, "customer", &["canaryint"]);
    assert_present(&site, "customer", "canarycust");
    assert_present(&site, "internal", "canaryint");
    assert_present(&site, "internal", "canarycust");
}

#[test]
fn hidden_references_render_as_markers_without_links() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let public = main_of(&page(&site, "public", "/policies/ai-policy/"));
    assert!(
        public.contains("review record <span class=\"restricted\"><svg class=\"lock\""),
        "{public}"
    );
    assert!(public.contains("</svg>not published</span>"), "{public}");
    assert!(
        public.contains("customer pack <span class=\"restricted\"><svg class=\"lock\""),
        "{public}"
    );
    assert!(
        public.contains("</svg>available on request</span>"),
        "{public}"
    );
    assert!(public.contains("Public closing") && public.contains("Public text stays."));
    let customer = main_of(&page(&site, "customer", "/policies/ai-policy/"));
    assert!(customer.contains("href=\"/evidence/ev-canarycust-pack/\""));
    let control = main_of(&page(&site, "public", "/controls/a-2-2/"));
    assert!(
        control.contains("available on request") || control.contains("not published"),
        "hidden evidence shows a marker"
    );
}

#[test]
fn internal_and_customer_editions_are_not_indexed() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    assert!(!page(&site, "public", "/").contains("noindex"));
    for ed in ["customer", "internal"] {
        assert!(
            page(&site, ed, "/").contains("<meta name=\"robots\" content=\"noindex, nofollow\">")
        );
        assert!(page(&site, ed, "/robots.txt").contains("Disallow: /"));
    }
}

#[test]
fn aliases_become_redirects() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let redirects = page(&site, "internal", "/_redirects");
    assert!(redirects.contains("/old/canaryint-handbook/  /policies/canaryint-handbook/  301"));
    let html = page(&site, "internal", "/old/canaryint-handbook/");
    assert!(html.contains("url=/policies/canaryint-handbook/"));
    assert!(!page(&site, "public", "/_redirects").contains("canaryint"));
}

#[test]
fn failed_build_leaves_previous_site_byte_for_byte() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    let before = files(&site);
    let controls = dir.path().join("content/registers/controls.yaml");
    let text = std::fs::read_to_string(&controls).unwrap();
    std::fs::write(
        &controls,
        text.replace("- id: A.2.3\n", "- id: A.2.3\n  statuss: x\n"),
    )
    .unwrap();
    let o = build_to(dir.path(), &site, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        files(&site),
        before,
        "site/ must be untouched by a failed build"
    );
}

#[test]
fn exit_codes_follow_the_contract() {
    let dir = temp_copy("minimal");
    let root = dir.path().to_str().unwrap();
    assert_eq!(
        code(&vouch(&["check", "--root", root, "--today", TODAY])),
        0
    );
    assert_eq!(
        code(&vouch(&["check", "--root", "/nonexistent/vouch"])),
        2,
        "I/O failure"
    );
    assert_eq!(
        code(&vouch(&["check", "--root", root, "--today", "yesterday"])),
        2,
        "usage error"
    );
    assert_eq!(code(&vouch(&["frobnicate"])), 2, "unknown command");
    assert_eq!(
        code(&vouch(&[
            "build",
            "--root",
            root,
            "--edition",
            "secret",
            "--today",
            TODAY
        ])),
        2,
        "unknown edition"
    );
    std::fs::write(
        dir.path().join("content/registers/faq.yaml"),
        "- id: x\n  question: Q?\n  answer: see [x](control:A.9.9)\n  visibility: public\n",
    )
    .unwrap();
    assert_eq!(
        code(&vouch(&["check", "--root", root, "--today", TODAY])),
        1,
        "content error"
    );
}

#[test]
fn parse_errors_point_at_line_and_column_from_the_top_of_the_file() {
    let dir = temp_copy("minimal");
    let policy = dir.path().join("content/policies/ai-policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replace(
            "owner: Head of AI Governance",
            "ownr: Head of AI Governance",
        ),
    )
    .unwrap();
    let o = check_json(dir.path(), &[]);
    let line = &json_lines(&o)[0];
    assert_eq!(line["rule"], "unknown-field");
    assert_eq!(line["file"], "content/policies/ai-policy.md");
    assert_eq!(
        (line["line"].as_u64(), line["column"].as_u64()),
        (Some(4), Some(1))
    );
    assert!(line["help"]
        .as_str()
        .unwrap()
        .contains("did you mean `owner`"));
}

#[test]
fn bad_files_give_diagnostics_not_panics() {
    let dir = temp_copy("minimal");
    let c = dir.path().join("content");
    std::fs::write(c.join("policies/binary.md"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    std::fs::write(c.join("policies/empty.md"), "").unwrap();
    std::fs::write(c.join("policies/open.md"), "---\ntitle: x\nno closing\n").unwrap();
    std::fs::write(c.join("policies/nofm.md"), "# Just a heading\n").unwrap();
    std::fs::write(
        c.join("registers/risks.yaml"),
        "- id: r-1\n  title: [unclosed\n",
    )
    .unwrap();
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1);
    let rules: Vec<String> = json_lines(&o)
        .iter()
        .map(|v| v["rule"].as_str().unwrap().to_string())
        .collect();
    for r in ["not-utf8", "empty-file", "front-matter", "yaml-syntax"] {
        assert!(rules.iter().any(|x| x == r), "expected {r} in {rules:?}");
    }
}

#[test]
fn starter_project_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("aims");
    let o = vouch(&["new", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = vouch(&[
        "check",
        "--root",
        dir.to_str().unwrap(),
        "--strict",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(json_lines(&o), Vec::<serde_json::Value>::new());
    let o = vouch(&["build", "--root", dir.to_str().unwrap(), "--strict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir.join("site/public/index.html").is_file());
    let again = vouch(&["new", dir.to_str().unwrap()]);
    assert_eq!(code(&again), 2, "refuses a non-empty folder");
}

#[test]
fn project_theme_overrides_default_by_relative_path() {
    let dir = temp_copy("minimal");
    let theme = dir.path().join("themes/acme/static");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(theme.join("style.css"), "/* ACME-OVERRIDE */").unwrap();
    let site_yaml = dir.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(&site_yaml, text.replace("theme: default", "theme: acme")).unwrap();
    let site = build(dir.path());
    assert_eq!(
        page(&site, "public", "/static/style.css"),
        "/* ACME-OVERRIDE */"
    );
    assert!(
        page(&site, "public", "/").contains("<main"),
        "templates still come from the default theme"
    );
}

#[test]
fn cheap_url_list_matches_the_rendered_pages() {
    let a = vouch::build::analyse(&vouch::build::Options {
        today: vouch::core::date::Date::parse(TODAY),
        ..vouch::build::Options::new(fixture("editions"))
    })
    .unwrap();
    let site = a.site.unwrap();
    for ed in 0..site.editions.len() {
        let jobs: Vec<String> = vouch::site::pages::jobs(&site, ed)
            .into_iter()
            .map(|j| j.url)
            .collect();
        assert_eq!(vouch::site::pages::urls(&site, ed), jobs, "edition {ed}");
    }
}

#[test]
fn readiness_page_shows_gaps_internally_and_only_figures_where_allowed() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let internal = main_of(&page(&site, "internal", "/readiness/"));
    assert!(
        internal.contains("Annex A controls") && internal.contains("href=\"/policies/ai-policy/\""),
        "gap lists link documents"
    );
    assert!(
        !site.join("public/readiness/index.html").exists(),
        "not public unless the organisation says so"
    );
    let yaml = dir.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{text}readiness_visibility: public\n")).unwrap();
    let site = build(dir.path());
    let public = main_of(&page(&site, "public", "/readiness/"));
    assert!(public.contains("Annex A controls"));
    assert!(
        !public.contains("href=\"/policies/") && !public.contains("href=\"/systems/"),
        "figures only: {public}"
    );
}
