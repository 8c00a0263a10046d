//! Browser and HTML checks, driven from cargo so the README's test command
//! covers them: live reload in headless Chromium, every published page under
//! the strict CSP with axe-core (WCAG 2.1 A/AA), the Nu Html Checker, and every
//! page kind at phone and desktop widths in light and dark (`ux.mjs`).
//!
//! They need Debian's chromium, a Java runtime and `npm ci` in tests/browser
//! (`.ci/run` installs all three). Without them `build.rs` marks the tests
//! ignored, with the reason, so `cargo test` reports them as ignored, not
//! passed; under CI they always run, and a missing tool fails them.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn browser_dir() -> PathBuf {
    repo().join("tests/browser")
}

fn tools_ready(need_java: bool) -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if !browser_dir().join("node_modules/playwright-core").is_dir() {
        missing.push("tests/browser/node_modules (run `npm ci --ignore-scripts` there)");
    }
    if !Path::new(&chromium).exists() {
        missing.push("chromium (apt-get install chromium)");
    }
    if need_java && Command::new("java").arg("-version").output().is_err() {
        missing.push("java (apt-get install default-jre-headless)");
    }
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the browser tests; missing: {}",
        missing.join(", ")
    );
    eprintln!("skipping browser test; missing: {}", missing.join(", "));
    false
}

fn node(script: &str, args: &[&str]) -> (bool, String) {
    let o = Command::new("node")
        .arg(browser_dir().join(script))
        .args(args)
        .current_dir(browser_dir())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

fn build_example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = build_to(&repo(), &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (tmp, out)
}

#[test]
#[cfg_attr(
    not(vouch_browser_tools),
    ignore = "needs chromium and `npm ci` in tests/browser (bash .ci/run installs them)"
)]
fn live_reload_updates_the_open_page_in_chromium() {
    if !tools_ready(false) {
        return;
    }
    let dir = temp_copy("minimal");
    let (mut child, url) = spawn_serve(dir.path());
    let file = dir.path().join("content/policies/ai-policy.md");
    let (ok, out) = node(
        "live-reload.mjs",
        &[
            &format!("{url}policies/ai-policy/"),
            file.to_str().unwrap(),
            "registered before first use",
            "registered before first use LIVE-RELOADED",
        ],
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok, "{out}");
    assert!(out.contains("live reload ok"), "{out}");
}

#[test]
#[cfg_attr(
    not(vouch_browser_tools),
    ignore = "needs chromium and `npm ci` in tests/browser (bash .ci/run installs them)"
)]
fn every_published_page_passes_csp_and_axe() {
    if !tools_ready(false) {
        return;
    }
    let (_tmp, out) = build_example();
    let eds: Vec<String> = ["public", "customer", "internal"]
        .iter()
        .map(|e| out.join(e).to_string_lossy().into_owned())
        .collect();
    let args: Vec<&str> = eds.iter().map(String::as_str).collect();
    let (ok, text) = node("check-site.mjs", &args);
    assert!(ok, "{text}");
    assert!(text.contains("0 problem(s)"), "{text}");
}

#[test]
#[cfg_attr(
    not(vouch_java),
    ignore = "needs java, chromium and `npm ci` in tests/browser (bash .ci/run installs them)"
)]
fn published_html_is_valid_per_the_nu_html_checker() {
    if !tools_ready(true) {
        return;
    }
    let (_tmp, out) = build_example();
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let o = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(out.join("public"))
        .arg(out.join("internal"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.status.success() && text.trim().is_empty(),
        "Nu Html Checker findings:\n{text}"
    );
}

#[test]
#[cfg_attr(
    not(vouch_browser_tools),
    ignore = "needs chromium and `npm ci` in tests/browser (bash .ci/run installs them)"
)]
fn every_page_kind_reads_on_phone_and_desktop_in_light_and_dark() {
    if !tools_ready(false) {
        return;
    }
    let (tmp, out) = build_example();
    // Screenshots go to the test's temp dir, never into the repository.
    let shots = tmp.path().join("screenshots");
    let eds: Vec<String> = ["public", "internal"]
        .iter()
        .map(|e| out.join(e).to_string_lossy().into_owned())
        .collect();
    let mut args = vec![shots.to_str().unwrap()];
    args.extend(eds.iter().map(String::as_str));
    let (ok, text) = node("ux.mjs", &args);
    assert!(ok, "{text}");
    assert!(text.contains("0 problem(s)"), "{text}");
    let n = std::fs::read_dir(&shots).unwrap().count();
    // Every page kind at two widths in two colour schemes, in two editions.
    assert!(n >= 4 * 2 * 15, "{n} screenshots\n{text}");
}
