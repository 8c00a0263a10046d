//! Paths fail closed and other formats are escaped (issue 14): no symlink is
//! followed out of `content/` or a theme, `theme:`, edition names and
//! aliases cannot steer a write, `--out` cannot be the project's own input,
//! staging folders of killed builds are swept, CSV cells cannot run as
//! formulas, host files stay one field a line, control characters never
//! reach HTML, and a closed pipe ends a command quietly. Each refusal is
//! checked through the CLI, with a canary where something could leak.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Stdio};

const CANARY: &str = "CANARY-8c1f2e-OUTSIDE-CONTENT";

/// The diagnostics of a JSON run as `CODE file:line:column` strings.
fn found(o: &std::process::Output) -> Vec<String> {
    json_lines(o)
        .iter()
        .map(|v| {
            format!(
                "{} {}:{}:{}",
                v["code"].as_str().unwrap(),
                v["file"].as_str().unwrap(),
                v["line"],
                v["column"]
            )
        })
        .collect()
}

/// Builds `root` into `out` with JSON diagnostics.
fn build_json(root: &Path, out: &Path) -> std::process::Output {
    build_to(root, out, &["--format", "json"])
}

/// True when any file under `dir` contains `needle`.
fn any_file_contains(dir: &Path, needle: &str) -> bool {
    dir.exists()
        && files(dir)
            .iter()
            .any(|(_, b)| String::from_utf8_lossy(b).contains(needle))
}

/// A minimal project with a good build in `site/`; returns (project, site).
fn built_minimal() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = temp_copy("minimal");
    let out = build(tmp.path());
    (tmp, out)
}

/// Asserts the build at `root` into `out` fails with exactly `want` and
/// leaves the earlier `out` byte for byte as it was.
fn refused(root: &Path, out: &Path, want: &[&str]) {
    let before = files(out);
    let o = build_json(root, out);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(found(&o), want, "{}", stderr(&o));
    assert!(files(out) == before, "the previous site changed");
}

#[test]
fn evidence_symlinked_outside_content_is_refused_and_never_published() {
    let (tmp, out) = built_minimal();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, CANARY).unwrap();
    std::os::unix::fs::symlink(&secret, tmp.path().join("content/evidence/report.txt")).unwrap();
    edit(
        &tmp.path().join("content/registers/evidence.yaml"),
        "  kind: document\n  location: ai-policy\n",
        "  kind: file\n  location: evidence/report.txt\n",
    );
    refused(
        tmp.path(),
        &out,
        &["E045 content/registers/evidence.yaml:4:13"],
    );
    assert!(!any_file_contains(&out, CANARY));
    let o = check_json(tmp.path(), &[]);
    assert_eq!(code(&o), 1, "check refuses it too");
}

#[test]
fn evidence_symlinked_to_proc_environ_is_refused() {
    let (tmp, out) = built_minimal();
    std::os::unix::fs::symlink(
        "/proc/self/environ",
        tmp.path().join("content/evidence/env.txt"),
    )
    .unwrap();
    edit(
        &tmp.path().join("content/registers/evidence.yaml"),
        "  kind: document\n  location: ai-policy\n",
        "  kind: file\n  location: evidence/env.txt\n",
    );
    refused(
        tmp.path(),
        &out,
        &["E045 content/registers/evidence.yaml:4:13"],
    );
}

#[test]
fn evidence_symlinked_inside_content_is_published() {
    let tmp = temp_copy("minimal");
    let content = tmp.path().join("content");
    std::fs::write(content.join("evidence/real.txt"), "INSIDE-EVIDENCE").unwrap();
    std::os::unix::fs::symlink("real.txt", content.join("evidence/link.txt")).unwrap();
    edit(
        &content.join("registers/evidence.yaml"),
        "  kind: document\n  location: ai-policy\n",
        "  kind: file\n  location: evidence/link.txt\n",
    );
    let out = build(tmp.path());
    let copied = std::fs::read_to_string(out.join("internal/evidence-files/link.txt")).unwrap();
    assert_eq!(copied, "INSIDE-EVIDENCE");
}

#[test]
fn a_document_symlinked_outside_content_is_not_read() {
    let (tmp, out) = built_minimal();
    let outside = tempfile::tempdir().unwrap();
    let doc = outside.path().join("doc.md");
    std::fs::write(
        &doc,
        format!("---\ntitle: Leak\nvisibility: public\n---\n\n{CANARY}\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&doc, tmp.path().join("content/policies/leak.md")).unwrap();
    refused(tmp.path(), &out, &["E045 content/policies/leak.md:0:0"]);
    assert!(!any_file_contains(&out, CANARY));
}

#[test]
fn a_theme_outside_themes_is_refused_at_its_position() {
    let (tmp, out) = built_minimal();
    let outside = tmp.path().join("outside/static");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("canary.txt"), CANARY).unwrap();
    for bad in ["../outside", "/etc"] {
        let site_yaml = tmp.path().join("content/site.yaml");
        let text = std::fs::read_to_string(&site_yaml).unwrap();
        let text = text
            .lines()
            .map(|l| {
                if l.starts_with("theme:") {
                    format!("theme: {bad}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&site_yaml, text + "\n").unwrap();
        refused(tmp.path(), &out, &["E045 content/site.yaml:8:8"]);
        assert!(!any_file_contains(&out, CANARY));
    }
}

#[test]
fn a_theme_file_symlinked_outside_the_theme_is_refused() {
    let (tmp, out) = built_minimal();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.css"), CANARY).unwrap();
    let statics = tmp.path().join("themes/acme/static");
    std::fs::create_dir_all(&statics).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.css"), statics.join("site.css"))
        .unwrap();
    edit(
        &tmp.path().join("content/site.yaml"),
        "theme: default",
        "theme: acme",
    );
    refused(tmp.path(), &out, &["E045 themes/acme/static/site.css:0:0"]);
    assert!(!any_file_contains(&out, CANARY));
}

#[test]
fn edition_names_that_are_not_ids_are_refused_and_nothing_lands_outside_out() {
    let tmp = temp_copy("minimal");
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("out");
    let o = build_json(tmp.path(), &out);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for bad in ["\"../x\"", "/tmp/vouch-abs-edition"] {
        let site_yaml = tmp.path().join("content/site.yaml");
        let text = std::fs::read_to_string(&site_yaml).unwrap();
        let start = text.find("editions:").unwrap();
        let end = start + text[start..].find('\n').unwrap();
        let text = format!(
            "{}editions: [public, {bad}]{}",
            &text[..start],
            &text[end..]
        );
        std::fs::write(&site_yaml, text).unwrap();
        let listing = |p: &Path| {
            let mut v: Vec<_> = std::fs::read_dir(p)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            v.sort();
            v
        };
        let (parent_before, out_before) = (listing(parent.path()), files(&out));
        let o = build_json(tmp.path(), &out);
        assert_eq!(code(&o), 1, "{bad}: {}", stderr(&o));
        let col = if bad.starts_with('"') { 21 } else { 20 };
        let want = format!("E010 content/site.yaml:3:{col}");
        assert!(found(&o).contains(&want), "{bad}: {:?}", found(&o));
        assert_eq!(
            listing(parent.path()),
            parent_before,
            "{bad}: wrote beside --out"
        );
        assert!(
            files(&out) == out_before,
            "{bad}: the previous site changed"
        );
        assert!(!Path::new("/tmp/vouch-abs-edition").exists());
    }
}

/// Writes `aliases: [ALIAS]` into the AI policy's front matter.
fn with_alias(root: &Path, alias: &str) {
    edit(
        &root.join("content/policies/ai-policy.md"),
        "visibility: public\n",
        &format!("visibility: public\naliases: [{alias}]\n"),
    );
}

#[test]
fn an_alias_over_a_generated_file_or_another_page_is_refused() {
    for (alias, want) in [
        ("/_headers", "E047 content/policies/ai-policy.md:4:11"),
        ("/robots.txt", "E047 content/policies/ai-policy.md:4:11"),
        (
            "/controls/a-2-2/",
            "E047 content/policies/ai-policy.md:4:11",
        ),
        (
            "/policies/ai-policy/",
            "E047 content/policies/ai-policy.md:4:11",
        ),
        ("/controls", "E047 content/policies/ai-policy.md:4:11"),
    ] {
        let (tmp, out) = built_minimal();
        with_alias(tmp.path(), alias);
        refused(tmp.path(), &out, &[want]);
        let headers = std::fs::read_to_string(out.join("public/_headers")).unwrap();
        assert!(headers.contains("Content-Security-Policy"), "{alias}");
    }
}

#[test]
fn an_alias_with_whitespace_or_a_newline_cannot_add_redirect_rules() {
    for alias in [
        "\"/old page/\"",
        "\"/old\\n/* https://elsewhere.example/ 200!\"",
        "old/",
        "\"/*\"",
        "/a/../b/",
    ] {
        let (tmp, out) = built_minimal();
        with_alias(tmp.path(), alias);
        // The position is the alias's first character, inside any quotes.
        let col = if alias.starts_with('"') { 12 } else { 11 };
        let want = format!("E046 content/policies/ai-policy.md:4:{col}");
        refused(tmp.path(), &out, &[want.as_str()]);
        assert!(!any_file_contains(&out, "elsewhere.example"));
    }
}

#[test]
fn a_good_alias_still_redirects() {
    let tmp = temp_copy("minimal");
    with_alias(tmp.path(), "/policies/old-name/");
    let out = build(tmp.path());
    let redirects = std::fs::read_to_string(out.join("public/_redirects")).unwrap();
    assert_eq!(
        redirects,
        "/policies/old-name/  /policies/ai-policy/  301\n"
    );
}

#[test]
fn a_line_break_in_security_contact_is_refused() {
    let (tmp, out) = built_minimal();
    edit(
        &tmp.path().join("content/site.yaml"),
        "security_contact: security@example.com",
        "security_contact: \"security@example.com\\nPolicy: https://evil.example/\"",
    );
    refused(tmp.path(), &out, &["E048 content/site.yaml:5:1"]);
    let o = build_to(
        tmp.path(),
        &out,
        &["--base-url", "https://x.example/\nContact: y"],
    );
    assert_eq!(
        code(&o),
        2,
        "a control character in --base-url is a usage error"
    );
}

#[test]
fn out_may_not_be_the_project_or_its_input() {
    let tmp = temp_copy("minimal");
    std::fs::create_dir_all(tmp.path().join("themes/acme")).unwrap();
    let root = tmp.path().to_str().unwrap();
    // A relative --out is taken from the current folder: run from the project.
    let vouch = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(args)
            .current_dir(tmp.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    for out in [
        ".",
        "content",
        "content/site",
        "themes",
        "themes/acme/x",
        "..",
    ] {
        let o = vouch(&["build", "--root", root, "--out", out, "--today", TODAY]);
        assert_eq!(code(&o), 2, "--out {out}: {}", stderr(&o));
        assert!(stderr(&o).contains("--out"), "--out {out}: {}", stderr(&o));
    }
    assert!(!tmp.path().join("public").exists() && !tmp.path().join("content/public").exists());
    let o = vouch(&["build", "--root", root, "--out", "site", "--today", TODAY]);
    assert_eq!(code(&o), 0, "a folder of its own is fine: {}", stderr(&o));
    assert!(tmp.path().join("site/public/index.html").is_file());
}

#[test]
fn staging_folders_left_by_a_killed_build_are_removed_by_the_next() {
    let (tmp, out) = built_minimal();
    // One without a process id (an older vouch), one of a process that
    // cannot exist (ids are far below 4e9).
    for name in [".vouch-staging-abc123", ".vouch-staging-4000000000-xyz"] {
        std::fs::create_dir_all(out.join(name).join("public")).unwrap();
        std::fs::write(out.join(name).join("public/index.html"), "half").unwrap();
    }
    let (own, o) = build_with_pid(tmp.path(), &out);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The build's own folder (the previous output, still being removed in
    // the background when the process exited) is the only one allowed.
    let left: Vec<String> = entries(&out)
        .into_iter()
        .filter(|n| !n.starts_with(&own))
        .collect();
    assert_eq!(left, EDITIONS_AND_KEPT);
}

/// What a rebuilt `--out` holds: the editions, and the ones the swap
/// replaced, kept for the next build to write into.
const EDITIONS_AND_KEPT: [&str; 7] = [
    ".vouch-cache",
    ".vouch-reuse-customer",
    ".vouch-reuse-internal",
    ".vouch-reuse-public",
    "customer",
    "internal",
    "public",
];

/// Runs `vouch build` of `root` into `out`; returns the prefix of the
/// staging folders that process names (it carries its id) and its output.
fn build_with_pid(root: &Path, out: &Path) -> (String, std::process::Output) {
    let child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["build", "--root", root.to_str().unwrap()])
        .args(["--out", out.to_str().unwrap(), "--today", TODAY])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let own = format!(".vouch-staging-{}-", child.id());
    (own, child.wait_with_output().unwrap())
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_rebuild_keeps_the_previous_output_for_the_next_build_and_publishes_only_its_own() {
    let (tmp, out) = built_minimal();
    std::fs::write(out.join("public/stale.html"), "from an earlier build").unwrap();
    let (own, o) = build_with_pid(tmp.path(), &out);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        !out.join("public/stale.html").exists(),
        "the new edition is swapped in whole"
    );
    // The replaced editions are kept, whole, for the next build to write
    // into; nothing else is left behind.
    assert!(out.join(".vouch-reuse-public/stale.html").exists());
    assert!(entries(&out).iter().all(|n| !n.starts_with(&own)));
    // The next build writes into that tree: what it does not make is gone.
    build(tmp.path());
    assert!(!out.join("public/stale.html").exists());
    assert_eq!(entries(&out), EDITIONS_AND_KEPT);
}

#[test]
fn an_edition_renamed_in_site_yaml_leaves_no_kept_copy_of_its_old_name() {
    let (tmp, out) = built_minimal();
    build(tmp.path());
    assert!(out.join(".vouch-reuse-customer").is_dir());
    let site = tmp.path().join("content/site.yaml");
    edit(
        &site,
        "editions: [public, customer, internal]",
        "editions: [public, nda, internal]",
    );
    let o = vouch(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let kept: Vec<String> = entries(&out)
        .into_iter()
        .filter(|n| n.starts_with(".vouch-reuse-"))
        .collect();
    assert_eq!(kept, [".vouch-reuse-internal", ".vouch-reuse-public"]);
    // The published folder of the old name is the owner's to remove.
    assert!(out.join("customer/index.html").is_file() && out.join("nda/index.html").is_file());
}

#[test]
fn a_page_made_internal_leaves_the_lower_editions_of_a_reused_tree() {
    let tmp = temp_copy("minimal");
    let doc = tmp.path().join("content/policies/canary.md");
    let text = |visibility: &str| {
        format!(
            "---\ntitle: Canary\nvisibility: {visibility}\nowner: CISO\n---\n\n# Canary\n\n{CANARY}\n"
        )
    };
    std::fs::write(&doc, text("public")).unwrap();
    // Two builds: the third writes into the first one's editions, which
    // hold the page.
    let out = build(tmp.path());
    build(tmp.path());
    assert!(any_file_contains(&out.join(".vouch-reuse-public"), CANARY));
    std::fs::write(&doc, text("internal")).unwrap();
    build(tmp.path());
    for ed in ["public", "customer"] {
        assert!(
            !any_file_contains(&out.join(ed), CANARY),
            "{ed} still has it"
        );
        assert!(
            !out.join(ed).join("policies/canary").exists(),
            "{ed} folder"
        );
    }
    assert!(any_file_contains(&out.join("internal"), CANARY));
}

#[test]
fn soa_and_answer_csv_neutralise_formula_cells() {
    let tmp = temp_copy("minimal");
    let controls = tmp.path().join("content/registers/controls.yaml");
    edit(
        &controls,
        "  owner: Head of AI Governance\n",
        "  owner: \"=cmd|' /C calc'!A0\"\n",
    );
    let out = build(tmp.path());
    let soa = std::fs::read_to_string(out.join("public/soa.csv")).unwrap();
    assert!(soa.contains("'=cmd|"), "{soa}");
    assert!(!soa.contains(",=cmd") && !soa.contains(",\"=cmd"), "{soa}");

    let q = tmp.path().join("q.csv");
    std::fs::write(
        &q,
        "Question\n\"=HYPERLINK(\"\"https://evil.example\"\")\"\n-2+3 Do you have an AI policy?\n",
    )
    .unwrap();
    let root = tmp.path().to_str().unwrap();
    let o = vouch(&[
        "answer",
        q.to_str().unwrap(),
        "--root",
        root,
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(
        csv.contains("'=HYPERLINK") && csv.contains("'-2+3"),
        "{csv}"
    );
    for line in csv.lines() {
        assert!(
            !line.starts_with(['=', '-', '+', '@']) && !line.starts_with("\"="),
            "{line}"
        );
    }
}

#[test]
fn control_characters_in_markdown_never_reach_html() {
    let tmp = temp_copy("minimal");
    let policy = tmp.path().join("content/policies/ai-policy.md");
    let mut text = std::fs::read_to_string(&policy).unwrap();
    text.push_str("\nBell\u{7} and escape \u{1b}[31m, `co\u{1}de`, form\u{c}feed.\n");
    std::fs::write(&policy, text).unwrap();
    let out = build(tmp.path());
    let html = page(&out, "public", "/policies/ai-policy/");
    assert!(
        html.contains("Bell and escape [31m"),
        "the text stays, the controls go"
    );
    for (path, bytes) in files(&out).iter().filter(|(p, _)| p.ends_with(".html")) {
        let bad = bytes
            .iter()
            .any(|b| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
        assert!(!bad, "{path} holds a control character");
    }
}

#[test]
fn a_folder_where_a_register_belongs_is_an_error() {
    let tmp = temp_copy("minimal");
    let faq = tmp.path().join("content/registers/faq.yaml");
    std::fs::remove_file(&faq).unwrap();
    std::fs::create_dir(&faq).unwrap();
    let o = check_json(tmp.path(), &[]);
    assert_eq!(code(&o), 1);
    assert_eq!(found(&o), ["E049 content/registers/faq.yaml:0:0"]);
}

#[test]
fn links_into_a_closed_pipe_end_quietly() {
    let root = repo();
    let o = Command::new("bash")
        .args([
            "-c",
            "set -o pipefail; \"$0\" links --root \"$1\" --today 2026-11-27 | head -1 >/dev/null",
        ])
        .arg(env!("CARGO_BIN_EXE_vouch"))
        .arg(&root)
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert!(matches!(code(&o), 0 | 2), "status {}", code(&o));
}

/// Runs vouch with standard output or error a pipe whose reader is already
/// closed, so every write fails (deterministic, unlike racing `head`).
fn with_closed(stream: &str, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vouch"));
    cmd.args(args).env("NO_COLOR", "1").stdin(Stdio::null());
    if stream == "stdout" {
        cmd.stdout(writer).stderr(Stdio::piped());
    } else {
        cmd.stderr(writer).stdout(Stdio::piped());
    }
    cmd.output().unwrap()
}

#[test]
fn a_closed_stdout_or_stderr_exits_2_without_a_panic() {
    let root = repo();
    let root = root.to_str().unwrap();
    let o = with_closed("stdout", &["links", "--root", root, "--today", TODAY]);
    assert_eq!(code(&o), 2);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let o = with_closed("stdout", &["rules"]);
    assert_eq!(code(&o), 2);
    let o = with_closed("stderr", &["check", "--root", root, "--today", TODAY]);
    assert_eq!(code(&o), 2);
    assert!(!stdout(&o).contains("panicked"));
}

#[test]
fn every_output_besides_pages_and_aliases_is_a_generated_file() {
    // alias_collisions relies on this list; a new output file must join it.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    let out = build(tmp.path());
    let site = site(tmp.path());
    for (ed, name) in site.editions.iter().enumerate() {
        let pages: std::collections::HashSet<String> = vouch::site::pages::urls(&site, ed)
            .iter()
            .map(|u| vouch::core::routes::file_for(u))
            .collect();
        let aliases: std::collections::HashSet<String> = vouch::site::outputs::aliases(&site, ed)
            .iter()
            .map(|(from, _)| vouch::core::routes::file_for(from))
            .collect();
        for (path, _) in files(&out.join(name)) {
            let path = format!("/{path}");
            assert!(
                pages.contains(&path)
                    || aliases.contains(&path)
                    || vouch::site::outputs::is_generated(&path),
                "{name}: {path} is not in outputs::GENERATED_FILES or GENERATED_FOLDERS"
            );
        }
    }
}
