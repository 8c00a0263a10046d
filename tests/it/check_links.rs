//! `vouch check` is the gate it claims to be: it renders every edition in
//! memory and link-checks it, so a broken link or an edition leak fails
//! `check` as it fails `build`, and each finding points at the link in its
//! source file, with the edition it breaks in.

use crate::common::*;

/// A copy of the example project.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

/// The JSON diagnostic with this code, if any.
fn with_code(o: &std::process::Output, code: &str) -> Vec<serde_json::Value> {
    json_lines(o)
        .into_iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn check_reports_a_broken_link_in_a_document_at_its_source_line() {
    let dir = example();
    let policy = dir.path().join("content/policies/acceptable-use.md");
    edit(
        &policy,
        "## Who this applies to\n",
        "## Who this applies to\n\nSee [the old page](/no-such-page/) first.\n",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let found = with_code(&o, "E033");
    assert!(!found.is_empty(), "no E033 in {}", stdout(&o));
    for d in &found {
        assert_eq!(d["file"], "content/policies/acceptable-use.md", "{d}");
        assert_eq!(d["line"], 18, "{d}");
        assert_eq!(d["column"], 20, "{d}");
        assert!(
            d["message"].as_str().unwrap().contains("/no-such-page/"),
            "{d}"
        );
    }
    let editions: Vec<&str> = found
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    for ed in ["public", "customer", "internal"] {
        assert!(
            editions
                .iter()
                .any(|m| m.contains(&format!("in the {ed} edition"))),
            "{editions:?}"
        );
    }
}

#[test]
fn check_reports_a_public_link_to_customer_evidence_as_an_edition_leak() {
    let dir = example();
    let controls = dir.path().join("content/registers/controls.yaml");
    edit(
        &controls,
        "    The [AI policy](policy:ai-policy) v2.0 was approved",
        "    See [the report](/evidence/ev-soc2-type2-report/). The [AI policy](policy:ai-policy) v2.0 was approved",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let found = with_code(&o, "E034");
    assert_eq!(found.len(), 1, "{}", stdout(&o));
    let d = &found[0];
    assert_eq!(d["file"], "content/registers/controls.yaml", "{d}");
    assert_eq!(d["line"], 14, "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("in the public edition"),
        "{d}"
    );
}

#[test]
fn build_reports_the_same_link_findings_as_check() {
    let dir = example();
    let policy = dir.path().join("content/policies/acceptable-use.md");
    edit(
        &policy,
        "## Who this applies to\n",
        "## Who this applies to\n\nSee [the old page](/no-such-page/) first.\n",
    );
    let checked = check_json(dir.path(), &[]);
    let out = dir.path().join("site");
    let built = build_to(dir.path(), &out, &["--format", "json"]);
    assert_eq!(code(&built), 1);
    assert_eq!(json_lines(&checked), json_lines(&built));
    assert!(
        !out.exists() || files(&out).is_empty(),
        "a failed build wrote into {}",
        out.display()
    );
}

#[test]
fn check_of_the_example_renders_nothing_to_disk_and_stays_clean() {
    let dir = example();
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("content")]);
}

/// `check --format json` of the example with `html` written into the
/// acceptable-use policy after its line 16 (so its first line is line 18).
fn check_with_raw_html(html: &str) -> std::process::Output {
    let dir = example();
    let policy = dir.path().join("content/policies/acceptable-use.md");
    edit(
        &policy,
        "## Who this applies to\n",
        &format!("## Who this applies to\n\n{html}"),
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    o
}

/// True when a finding with `code` sits on `line` (and `column`, if
/// given) of the policy and its message holds `text`.
fn reported(
    o: &std::process::Output,
    code: &str,
    line: u64,
    column: Option<u64>,
    text: &str,
) -> bool {
    with_code(o, code).iter().any(|d| {
        d["file"] == "content/policies/acceptable-use.md"
            && d["line"] == line
            && column.is_none_or(|c| d["column"] == c)
            && d["message"].as_str().unwrap().contains(text)
    })
}

#[test]
fn an_iframe_or_video_in_raw_html_is_checked_like_a_link() {
    let o = check_with_raw_html(concat!(
        "<iframe title=\"report\" src=\"/evidence/ev-soc2-type2-report/\"></iframe>\n\n",
        "<video controls poster=\"/static/no-such-poster.png\"></video>\n",
    ));
    assert!(
        reported(&o, "E034", 18, None, "in the public edition"),
        "the embedded customer page is an edition leak: {}",
        stdout(&o)
    );
    assert!(
        reported(&o, "E033", 20, None, "no-such-poster.png"),
        "the missing poster is a broken link: {}",
        stdout(&o)
    );
}

#[test]
fn a_base_element_or_an_svg_reference_in_raw_html_is_reported_at_its_source_line() {
    let o = check_with_raw_html(concat!(
        "<base href=\"/evidence/\">\n\n",
        "<svg role=\"img\" aria-label=\"x\"><use xlink:href=\"/evidence/ev-soc2-type2-report/\"/></svg>\n",
    ));
    assert!(
        reported(&o, "E033", 18, Some(1), "<base href=\"/evidence/\">"),
        "the base element is reported where it is written: {}",
        stdout(&o)
    );
    assert!(
        reported(&o, "E034", 20, None, "in the public edition"),
        "the SVG reference to a customer page is an edition leak: {}",
        stdout(&o)
    );
}
