//! YAML mistakes explained like a compiler would: each common slip has a
//! fixture (`tests/fixtures/yaml/<slip>/content/...`, laid over the `minimal`
//! fixture) and is reported with its rule, at the place of the mistake, with a
//! hint; one `check` reports every independent problem; text stays text.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// `check --format json` on `minimal` with the files of `tests/fixtures/yaml/<slip>`.
fn check_slip(slip: &str) -> (i32, Vec<Value>) {
    let dir = temp_copy("minimal");
    copy_dir(&fixture("yaml").join(slip), dir.path());
    checked(dir.path())
}

/// `check --format json` on `root`: the exit code and the diagnostics.
fn checked(root: &Path) -> (i32, Vec<Value>) {
    let o = check_json(root, &[]);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let diags = json_lines(&o);
    (code(&o), diags)
}

/// `code file:line:column` of a JSON diagnostic.
fn place(d: &Value) -> String {
    format!(
        "{} {}:{}:{}",
        d["code"].as_str().unwrap(),
        d["file"].as_str().unwrap(),
        d["line"],
        d["column"]
    )
}

/// (fixture, expected `code file:line:column`, a phrase of the help line).
const SLIPS: &[(&str, &str, &str)] = &[
    (
        "unclosed-quote",
        "E003 content/registers/systems/support-drafts.yaml:2:7",
        "end the value with `\"` on the same line",
    ),
    (
        "colon-in-value",
        "E003 content/registers/systems/support-drafts.yaml:3:26",
        "quote the value: `summary: \"Suggests replies: support staff edit them before sending.\"`",
    ),
    (
        "indent-too-deep",
        "E003 content/registers/systems/support-drafts.yaml:11:4",
        "indent `decision:` by 2 spaces, like `domain:`",
    ),
    (
        "indent-too-shallow",
        "E003 content/registers/systems/support-drafts.yaml:11:2",
        "indent it 2 spaces to continue the entry of line 10",
    ),
    (
        "tab-indent",
        "E003 content/registers/systems/support-drafts.yaml:14:1",
        "replace the tab with spaces",
    ),
    (
        "no-space-after-colon",
        "E003 content/registers/systems/support-drafts.yaml:6:10",
        "put a space after the colon: `lifecycle: deployed`",
    ),
    (
        "unclosed-bracket",
        "E003 content/registers/faq.yaml:5:11",
        "close it on the same line: `topics: [governance]`",
    ),
    (
        "reserved-character",
        "E003 content/registers/evidence.yaml:7:10",
        "quote the value: `owner: \"@ai-governance\"`",
    ),
    (
        "duplicate-key",
        "E003 content/registers/faq.yaml:7:3",
        "keep one `question:`",
    ),
    (
        "dash-without-space",
        "E003 content/registers/faq.yaml:7:1",
        "write `- id: ai-training`",
    ),
    (
        "list-expected",
        "E007 content/registers/faq.yaml:5:11",
        "`topics` is a list of topics, e.g. `[governance, data]`",
    ),
    (
        "list-expected-regions",
        "E007 content/registers/suppliers.yaml:4:13",
        "`location` is a list of regions, e.g. `[EU, UK]`",
    ),
    (
        "date-expected",
        "E008 content/registers/evidence.yaml:5:14",
        "dates are written YYYY-MM-DD",
    ),
    (
        "yes-for-boolean",
        "E007 content/registers/evidence.yaml:9:12",
        "`receipt` is `true` or `false`",
    ),
];

#[test]
fn each_common_yaml_slip_is_reported_where_it_is_with_a_hint() {
    let mut failures = Vec::new();
    for (slip, want, hint) in SLIPS {
        let (code, diags) = check_slip(slip);
        let got: Vec<String> = diags.iter().map(place).collect();
        if code != 1 || got != [want.to_string()] {
            failures.push(format!("{slip}: exit {code}, got {got:?}, want [{want}]"));
            continue;
        }
        let help = diags[0]["help"].as_str().unwrap_or("");
        if !help.contains(hint) {
            failures.push(format!("{slip}: help `{help}` lacks `{hint}`"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_slip_fixture_has_an_expectation() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixture("yaml"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "all-problems-at-once")
        .collect();
    dirs.sort();
    let mut named: Vec<String> = SLIPS.iter().map(|s| s.0.to_string()).collect();
    named.sort();
    assert_eq!(dirs, named);
}

#[test]
fn type_errors_name_the_field_the_expected_type_and_what_was_found() {
    let (_, diags) = check_slip("list-expected-regions");
    assert_eq!(
        diags[0]["message"],
        "`location` must be a list, but it is the text \"EU\""
    );
}

#[test]
fn one_check_reports_every_problem_in_every_file_in_file_and_line_order() {
    let (code, diags) = check_slip("all-problems-at-once");
    assert_eq!(code, 1);
    let got: Vec<String> = diags.iter().map(place).collect();
    let sup = "content/registers/suppliers.yaml";
    let card = "content/registers/systems/support-drafts.yaml";
    assert_eq!(
        got,
        [
            format!("E007 {sup}:4:13"),
            format!("E008 {sup}:5:13"),
            format!("E007 {sup}:6:13"),
            format!("E005 {sup}:7:3"),
            format!("E007 {card}:6:12"),
            format!("E007 {card}:7:8"),
            format!("E007 {card}:16:12"),
        ]
    );
    // The misspelt `visibilty` is one mistake: no "missing field" besides it.
    assert!(diags.iter().all(|d| d["code"] != "E006"));
}

#[test]
fn a_syntax_error_in_one_register_item_does_not_hide_problems_in_the_others() {
    let dir = temp_copy("minimal");
    let faq = dir.path().join("content/registers/faq.yaml");
    let mut text = std::fs::read_to_string(&faq).unwrap();
    text.push_str("- id: q2\n  question: \"Is it open?\n  answer: Yes.\n");
    text.push_str(
        "- id: q3\n  question: Who owns it?\n  answer: The CISO.\n  topics: governance\n",
    );
    std::fs::write(&faq, text).unwrap();
    let (code, diags) = checked(dir.path());
    assert_eq!(code, 1);
    let got: Vec<String> = diags.iter().map(place).collect();
    assert_eq!(
        got,
        [
            "E003 content/registers/faq.yaml:8:13",
            "E007 content/registers/faq.yaml:13:11"
        ]
    );
}

#[test]
fn human_output_puts_the_caret_under_the_opening_quote() {
    let dir = temp_copy("minimal");
    copy_dir(&fixture("yaml/unclosed-quote"), dir.path());
    let o = vouch(&["check", "--root", dir.path().to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("error[E003] yaml-syntax: the quoted value that starts here is not closed"),
        "{err}"
    );
    assert!(
        err.contains("2 | name: \"Support reply drafts\n  |       ^\n"),
        "{err}"
    );
}

#[test]
fn text_fields_keep_their_source_spelling() {
    let dir = temp_copy("minimal");
    let policy = dir.path().join("content/policies/ai-policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text.replace("version: \"1.0\"", "version: 1.0")).unwrap();
    let site = build(dir.path());
    let page = page(&site, "public", "/policies/ai-policy/");
    assert!(page.contains("<td>1.0</td>"), "{page}");

    let front: vouch::pipeline::parse::types::FrontMatter =
        vouch::core::yaml::from_str("title: T\nversion: 2.10\nclauses: [5.10, 6.1]\n").unwrap();
    assert_eq!(front.version.as_deref(), Some("2.10"));
    assert_eq!(front.clauses, ["5.10", "6.1"]);
}

#[test]
fn the_example_project_still_checks_clean() {
    let (code, diags) = checked(&repo());
    assert_eq!((code, diags.len()), (0, 0), "{diags:?}");
}
