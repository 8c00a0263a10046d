//! Publishing guarantees: reproducible output, security.txt, headers, the URL
//! manifest and `--since`, the feed.

use crate::common::*;
use std::process::Command;

#[test]
fn two_builds_of_the_same_sources_are_byte_identical() {
    let dir = temp_copy("editions");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    for out in [&a, &b] {
        let o = build_to(dir.path(), out, &[]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let (fa, fb) = (files(&a), files(&b));
    assert!(fa.len() > 50);
    for ((pa, ba), (pb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
    assert_eq!(fa.len(), fb.len());
}

#[test]
fn security_txt_follows_rfc_9116() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    let txt = page(&site, "public", "/.well-known/security.txt");
    assert!(txt.contains("Contact: mailto:security@example.com\n"));
    assert!(
        txt.contains("Expires: 2027-11-27T00:00:00Z\n"),
        "a year after the build date: {txt}"
    );
    assert!(txt.contains("Canonical: https://trust.example.com/.well-known/security.txt\n"));
    assert!(txt.contains("Preferred-Languages: en\n"));
    assert!(txt.contains("Policy: https://trust.example.com/policies/\n"));
}

#[test]
fn every_edition_carries_hardened_headers_for_netlify() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    for ed in ["public", "customer", "internal"] {
        let h = page(&site, ed, "/_headers");
        for needle in [
            "Content-Security-Policy: default-src 'self';",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "Strict-Transport-Security: max-age=",
            "X-Content-Type-Options: nosniff",
            "Referrer-Policy: ",
            "Permissions-Policy: ",
        ] {
            assert!(h.contains(needle), "{ed}/_headers lacks {needle}");
        }
        assert!(!h.contains("unsafe-inline"));
        assert_eq!(h.contains("X-Robots-Tag: noindex"), ed != "public");
    }
}

#[test]
fn pages_have_no_inline_scripts_or_styles() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    for (path, bytes) in files(&site.join("internal")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        assert!(
            !html.contains(" style=\"") && !html.contains("<style"),
            "{path} has inline style"
        );
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(
                tag.contains(" src=\""),
                "{path} has an inline script: {tag}"
            );
        }
    }
}

#[test]
fn url_manifest_lists_every_page_and_since_reports_removed_urls() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let manifest = page(&site, "internal", "/urls.json");
    let v: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let urls: Vec<&str> = v["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(urls.contains(&"/policies/canaryint-handbook/") && urls.contains(&"/controls/a-2-2/"));
    let previous = dir.path().join("previous-urls.json");
    std::fs::copy(site.join("internal/urls.json"), &previous).unwrap();
    // Rename the handbook: its old URL disappears without an alias.
    let c = dir.path().join("content/policies");
    std::fs::rename(c.join("canaryint-handbook.md"), c.join("staff-handbook.md")).unwrap();
    for f in [
        c.join("ai-policy.md"),
        dir.path().join("content/registers/faq.yaml"),
    ] {
        let text = std::fs::read_to_string(&f).unwrap();
        std::fs::write(
            &f,
            text.replace("policy:canaryint-handbook", "policy:staff-handbook"),
        )
        .unwrap();
    }
    let o = check_json(dir.path(), &["--since", previous.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("\"removed-url\"")
            && stdout(&o).contains("/policies/canaryint-handbook/"),
        "{}",
        stdout(&o)
    );
    // An alias keeps the old link alive.
    let staff = c.join("staff-handbook.md");
    let text = std::fs::read_to_string(&staff).unwrap();
    std::fs::write(
        &staff,
        text.replace(
            "aliases: [/old/canaryint-handbook/]",
            "aliases: [/old/canaryint-handbook/, /policies/canaryint-handbook/]",
        ),
    )
    .unwrap();
    let o = check_json(dir.path(), &["--since", previous.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let out = dir.path().join("site2");
    let o = build_to(dir.path(), &out, &["--since", previous.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(page(&out, "internal", "/_redirects")
        .contains("/policies/canaryint-handbook/  /policies/staff-handbook/  301"));
}

#[test]
fn since_reads_a_manifest_over_http() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    let body = std::fs::read(site.join("public/urls.json")).unwrap();
    let body = String::from_utf8(body)
        .unwrap()
        .replace("\"/faq/\"", "\"/faq/\", \"/gone-page/\"");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 2048];
        let _ = s.read(&mut buf);
        write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    });
    let url = format!("http://{addr}/urls.json");
    let o = check_json(dir.path(), &["--since", &url]);
    server.join().unwrap();
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("/gone-page/"));
    let o = vouch(&[
        "check",
        "--root",
        dir.path().to_str().unwrap(),
        "--since",
        "/no/such/manifest.json",
    ]);
    assert_eq!(code(&o), 2, "unreadable manifest is an I/O failure");
}

#[test]
fn feed_lists_document_changes_with_git_dates() {
    let dir = temp_copy("minimal");
    let root = dir.path();
    let git = |args: &[&str], date: &str| {
        let o = Command::new("git")
            .args(args)
            .current_dir(root)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q"], "2026-11-02T10:00:00Z");
    git(&["add", "."], "2026-11-02T10:00:00Z");
    git(&["commit", "-qm", "first"], "2026-11-02T10:00:00Z");
    let policy = root.join("content/policies/ai-policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replace("version: \"1.0\"", "version: \"1.1\""),
    )
    .unwrap();
    git(&["commit", "-qam", "policy 1.1"], "2026-11-20T09:00:00Z");
    let site = build(root);
    let feed = page(&site, "public", "/feed.xml");
    assert!(
        feed.contains("<title>AI policy (version 1.1)</title>"),
        "{feed}"
    );
    assert!(
        feed.contains("<updated>2026-11-20T00:00:00Z</updated>"),
        "the last commit date wins over approved: {feed}"
    );
    assert!(feed.contains("https://trust.example.com/policies/ai-policy/"));
    assert!(
        feed.contains("; changed 2026-11-20</summary>"),
        "the summary says the entry's date is a change, not the approval: {feed}"
    );
}

#[test]
fn only_the_public_edition_names_a_canonical_url() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    let public = page(&site, "public", "/controls/");
    assert!(
        public.contains("<link rel=\"canonical\" href=\"https://trust.example.com/controls/\">"),
        "{public}"
    );
    for ed in ["customer", "internal"] {
        let html = page(&site, ed, "/controls/");
        assert!(
            !html.contains("rel=\"canonical\""),
            "{ed} pages are not indexed and must not point at public URLs"
        );
    }
}

/// Asserts that `text` is exactly serde_json's rendering of itself read back
/// as a `Value`. A `Value` keeps objects sorted, so this holds only when every
/// object of `text` lists its keys in sorted order, as published files always
/// have: the typed structs that write them must declare fields in that order.
/// (The search index is not one of them: its entries are `{u, t, k, x}`.)
fn assert_keys_sorted(what: &str, text: &str) {
    let v: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        serde_json::to_string_pretty(&v).unwrap() == text,
        "{what} does not list its keys in sorted order:\n{text}"
    );
}

#[test]
fn published_json_files_list_their_keys_in_sorted_order() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    for ed in ["public", "customer", "internal"] {
        for f in [
            "/api/controls.json",
            "/api/systems.json",
            "/api/faq.json",
            "/api/evidence.json",
            "/urls.json",
        ] {
            assert_keys_sorted(&format!("{ed}{f}"), &page(&site, ed, f));
        }
    }
    // Nested objects are covered too: a system's usage, oversight and models.
    let systems: serde_json::Value =
        serde_json::from_str(&page(&site, "internal", "/api/systems.json")).unwrap();
    let first = &systems["systems"][0];
    assert!(
        first["usage"].is_object() && first["oversight"].is_object(),
        "{first}"
    );
}

#[test]
fn url_manifest_reads_back_what_a_build_writes() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let text = page(&site, "customer", "/urls.json");
    let m = vouch::site::outputs::UrlManifest::parse(&text).unwrap();
    assert_eq!(m.edition, "customer");
    assert!(m.urls.iter().any(|u| u == "/") && m.urls.iter().all(|u| !u.ends_with(".html")));
    assert_eq!(String::from_utf8(m.to_bytes()).unwrap(), text);
}

#[test]
fn since_refuses_a_manifest_that_names_no_edition() {
    let dir = temp_copy("minimal");
    let site = build(dir.path());
    let mut v: serde_json::Value =
        serde_json::from_str(&page(&site, "public", "/urls.json")).unwrap();
    v.as_object_mut().unwrap().remove("edition");
    let previous = dir.path().join("previous-urls.json");
    std::fs::write(&previous, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let o = check_json(dir.path(), &["--since", previous.to_str().unwrap()]);
    // Compared with which edition? Not guessed: the manifest is refused.
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("is not a vouch URL manifest: missing field `edition`"),
        "{}",
        stderr(&o)
    );
}
