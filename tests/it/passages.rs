//! `:::` passages have one source of truth, the parse that renders: every
//! finding of the passage review as a project built through the CLI, with a
//! canary in the hidden text that no byte of the public output may carry.

use crate::common::*;
use std::path::Path;

const CANARY: &str = "zzcanaryzz";

/// A copy of the minimal fixture with `body` appended to the AI policy.
fn project_with_policy_tail(body: &str) -> tempfile::TempDir {
    let tmp = temp_copy("minimal");
    let policy = tmp.path().join("content/policies/ai-policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, format!("{text}\n{body}")).unwrap();
    tmp
}

/// A copy of the minimal fixture whose first FAQ entry's `answer:` is
/// written as `answer` (from its scalar indicator, `|` or `>`, on).
fn project_with_faq_answer(answer: &str) -> tempfile::TempDir {
    let tmp = temp_copy("minimal");
    edit(
        &tmp.path().join("content/registers/faq.yaml"),
        "|\n    Yes. Our [AI policy](policy:ai-policy) is approved by the executive team.\n",
        answer,
    );
    tmp
}

/// True when some file under `dir` contains `needle`.
fn any_file_contains(dir: &Path, needle: &str) -> bool {
    dir.exists()
        && files(dir)
            .iter()
            .any(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

/// Builds `root`; asserts success, no canary in the public edition and the
/// canary in the internal one.
fn builds_hiding_the_canary(root: &Path) {
    let out = root.join("site");
    let o = build_to(root, &out, &[]);
    assert_eq!(code(&o), 0, "build failed:\n{}", stderr(&o));
    assert!(
        !any_file_contains(&out.join("public"), CANARY),
        "canary in public output"
    );
    assert!(
        !any_file_contains(&out.join("customer"), CANARY),
        "canary in customer output"
    );
    assert!(
        any_file_contains(&out.join("internal"), CANARY),
        "canary missing from internal output"
    );
}

/// Checks `root`: exit 1 with exactly the rule `code`s at `file:line`, and a
/// build that fails without writing the canary anywhere.
fn fails_with(root: &Path, expected: &[(&str, &str)]) {
    let o = check_json(root, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let prefix = format!("{}/", root.display());
    let got: Vec<String> = json_lines(&o)
        .iter()
        .map(|v| {
            format!(
                "{} {}:{}",
                v["code"].as_str().unwrap(),
                v["file"].as_str().unwrap().replace(&prefix, ""),
                v["line"]
            )
        })
        .collect();
    let want: Vec<String> = expected.iter().map(|(c, at)| format!("{c} {at}")).collect();
    assert_eq!(got, want);
    let out = root.join("site");
    assert_eq!(code(&build_to(root, &out, &[])), 1);
    assert!(
        !any_file_contains(&out, CANARY),
        "a failed build wrote the canary"
    );
}

#[test]
fn lines_that_only_look_like_code_fences_do_not_unhide_a_passage() {
    for lead in [
        "```inline``` code opens this paragraph.\n",
        "- an item\n\n  ```\n  a fence left open in the item\n",
        "<div>\n```\n</div>\n",
        "    ```\n",
    ] {
        let tmp = project_with_policy_tail(&format!(
            "{lead}\n:::internal\nSecret {CANARY} text.\n:::\n"
        ));
        builds_hiding_the_canary(tmp.path());
    }
}

#[test]
fn marker_misuse_in_a_register_field_is_an_error_at_its_line() {
    let cases = [
        // A passage opened inside another.
        (
            "|\n    Yes.\n\n    :::customer\n    a\n    :::internal\n    b\n    :::\n",
            "E020",
            8,
        ),
        // A misspelt edition.
        ("|\n    Yes.\n\n    :::intenal\n    b\n    :::\n", "E018", 6),
        // A folded scalar joins the marker lines into one paragraph.
        (
            ">\n    Yes.\n\n    :::internal\n    b\n    :::\n",
            "E042",
            6,
        ),
    ];
    for (answer, rule, line) in cases {
        let answer = answer.replace("    b\n", &format!("    {CANARY}\n"));
        let tmp = project_with_faq_answer(&answer);
        let at = format!("content/registers/faq.yaml:{line}");
        let mut expected = vec![(rule, at.as_str())];
        // The stray closing `:::` of the misspelt passage is reported too.
        let close = format!("content/registers/faq.yaml:{}", line + 2);
        if rule == "E018" {
            expected.push(("E020", &close));
        }
        // A folded field with markers is warned about at its key.
        if answer.starts_with('>') {
            expected.insert(0, ("W029", "content/registers/faq.yaml:3"));
        }
        fails_with(tmp.path(), &expected);
    }
}

#[test]
fn a_marker_inside_a_blockquote_is_an_error_not_text() {
    let tmp = project_with_policy_tail(&format!("> :::internal\n> {CANARY}\n> :::\n"));
    fails_with(
        tmp.path(),
        &[
            ("E042", "content/policies/ai-policy.md:25"),
            ("E042", "content/policies/ai-policy.md:27"),
        ],
    );
}

#[test]
fn a_link_or_footnote_cannot_take_its_definition_from_a_hidden_passage() {
    let tmp = project_with_policy_tail(&format!(
        "See [the runbook][rb] and a note[^n].\n\n:::internal\n[rb]: https://{CANARY}.example.com/\n\n[^n]: {CANARY}\n:::\n"
    ));
    fails_with(
        tmp.path(),
        &[
            ("E043", "content/policies/ai-policy.md:25"),
            ("E043", "content/policies/ai-policy.md:25"),
        ],
    );
}

#[test]
fn a_definition_used_only_inside_its_passage_stays_hidden() {
    let tmp = project_with_policy_tail(&format!(
        ":::internal\nSee [the runbook][rb].\n\n[rb]: https://{CANARY}.example.com/\n:::\n"
    ));
    builds_hiding_the_canary(tmp.path());
}

#[test]
fn a_hidden_heading_neither_renumbers_nor_takes_a_public_heading_id() {
    let clash = project_with_policy_tail(":::internal\n## Commitments again\n:::\n");
    // `Commitments again` has its own id: no error, and the public heading
    // keeps `commitments` in every edition.
    let out = build(clash.path());
    for ed in ["public", "internal"] {
        let html = page(&out, ed, "/policies/ai-policy/");
        assert!(html.contains("id=\"commitments\""), "{ed}");
    }
    let tmp = temp_copy("minimal");
    let policy = tmp.path().join("content/policies/ai-policy.md");
    edit(
        &policy,
        "## Commitments\n",
        ":::internal\n## Roles\n:::\n\n## Roles\n",
    );
    edit(
        &policy,
        "## Internal contacts\n",
        &format!("## Contacts {CANARY}\n"),
    );
    fails_with(tmp.path(), &[("E044", "content/policies/ai-policy.md:16")]);
    edit(&policy, "## Roles\n:::", "## Roles {#internal-roles}\n:::");
    let out = build(tmp.path());
    for ed in ["public", "internal"] {
        let html = page(&out, ed, "/policies/ai-policy/");
        assert!(
            html.contains("<h2 id=\"roles\""),
            "{ed}: public heading id changed"
        );
    }
}

#[test]
fn a_control_page_counts_only_the_evidence_its_edition_sees() {
    let tmp = temp_copy("minimal");
    let c = tmp.path().join("content/registers");
    let ev = std::fs::read_to_string(c.join("evidence.yaml")).unwrap();
    std::fs::write(
        c.join("evidence.yaml"),
        format!("{ev}- id: ev-public-page\n  title: Public policy page\n  kind: url\n  location: https://example.com/ai\n  collected: 2026-11-01\n  review_every: 12 months\n  owner: Head of AI Governance\n  visibility: public\n"),
    )
    .unwrap();
    edit(
        &c.join("controls.yaml"),
        "evidence: [ev-ai-policy-approval]",
        "evidence: [ev-ai-policy-approval, ev-public-page]",
    );
    let out = build(tmp.path());
    let count = |ed| {
        let html = page(&out, ed, "/controls/a-2-2/");
        let label = "Evidence records</dt><dd>";
        let at = html.find(label).expect("count shown") + label.len();
        html[at..].split('<').next().unwrap().to_string()
    };
    assert_eq!(count("public"), "1");
    assert_eq!(count("internal"), "2");
}

#[test]
fn a_large_page_with_passages_and_many_links_parses_in_one_pass() {
    // Smoke test of the linear passage and reference handling: quadratic
    // code took minutes on pages like this one (no timing asserted).
    let mut md = String::new();
    for i in 0..20_000 {
        md.push_str(&format!(
            "Para {i} cites [a](control:A.2.2) and [b](policy:ai-policy).\n\n"
        ));
        if i % 100 == 0 {
            md.push_str(&format!(":::internal\n{CANARY} [c](risk:r{i})\n:::\n\n"));
        }
    }
    let eds = ["public", "customer", "internal"].map(String::from);
    let parsed = vouch::pipeline::markdown::parse(&md, &eds);
    assert!(parsed.errors.is_empty(), "{:?}", &parsed.errors[..1]);
    assert_eq!(parsed.refs.len(), 40_000 + 200);
    let last = parsed.refs.last().unwrap();
    assert_eq!(&md[last.offset..last.offset + 3], "[b]");
    let public = parsed.render(0, &|_| vouch::pipeline::markdown::Resolved::Missing);
    assert!(!public.html.contains(CANARY));
}

/// Found by the leak fuzzer: a list item's fence whose lines are indented
/// less than the item ends with the item, so a passage the author wrote
/// below it falls into two later fences, one per marker, and as code would
/// reach every edition. Both markers are errors at their lines, and the
/// build writes nothing.
#[test]
fn a_passage_whose_markers_fall_into_two_code_blocks_is_an_error_at_both() {
    let tmp = project_with_policy_tail(&format!(
        "-  ```yaml\n  backup.\n   ```\n\n  :::internal\n  Secret {CANARY} text.\n   ```\n  public text.\n   ```\n  :::\n   ```\n"
    ));
    // The AI policy has 23 lines; the tail starts after one blank line.
    fails_with(
        tmp.path(),
        &[
            ("E042", "content/policies/ai-policy.md:29"),
            ("E042", "content/policies/ai-policy.md:34"),
        ],
    );
}

/// Found by the leak fuzzer: in a folded FAQ answer (`>`), `~~~`, a line of
/// code and the closing `~~~` fold into one opening fence line, so the
/// passage after them is code up to a later fence. Both markers are errors
/// at their lines in the register, and the build writes nothing.
#[test]
fn a_passage_after_a_fence_joined_by_yaml_folding_is_an_error_at_its_lines() {
    let tmp = project_with_faq_answer(&format!(">\n    ~~~\n    incident.\n    ~~~\n\n      :::internal\n      Secret {CANARY} text.\n      :::\n\n    ~~~~\n"));
    fails_with(
        tmp.path(),
        &[
            ("W029", "content/registers/faq.yaml:3"),
            ("E042", "content/registers/faq.yaml:8"),
            ("E042", "content/registers/faq.yaml:10"),
        ],
    );
}

/// A CJK input method types `：` (U+FF1A): the author's passage, written
/// with full-width colons at both ends, would otherwise be published as text.
#[test]
fn a_passage_written_with_full_width_colons_is_an_error_at_both_markers() {
    let tmp = project_with_policy_tail(&format!(
        "\u{FF1A}\u{FF1A}\u{FF1A}internal\nSecret {CANARY} text.\n\u{FF1A}\u{FF1A}\u{FF1A}\n"
    ));
    fails_with(
        tmp.path(),
        &[
            ("E042", "content/policies/ai-policy.md:25"),
            ("E042", "content/policies/ai-policy.md:27"),
        ],
    );
}

/// Found by the leak fuzzer: in a folded FAQ answer (`>`), the last line of
/// code and the closing `~~~` fold into `more code. ~~~`, which does not close
/// the block, so the passage after it is code up to a later fence. The
/// marker is an error, and the build writes nothing. Folding joined the
/// marker's line to others, so the error points at the field's `>`, where
/// the fix is (a literal `|`).
#[test]
fn a_passage_after_a_closing_fence_joined_by_yaml_folding_is_an_error_at_its_line() {
    let tmp = project_with_faq_answer(&format!(">\n    ~~~\n    code.\n\n    more code.\n    ~~~\n\n    :::internal\n    Secret {CANARY} text.\n    :::\n\n    ~~~~\n"));
    fails_with(
        tmp.path(),
        &[
            ("E042", "content/registers/faq.yaml:3"),
            ("W029", "content/registers/faq.yaml:3"),
        ],
    );
}

/// Found by the leak fuzzer: the list item's lines are indented less than
/// its content, so the item ends with its fence open; the author's closing
/// `~~~` then opens a block that runs to a later fence, and the passage
/// between them would be code in every edition. Both markers are errors.
#[test]
fn a_passage_in_a_fence_after_one_its_list_item_left_open_is_an_error() {
    let tmp = project_with_policy_tail(&format!(
        "-  ~~~\n  code\n   ~~~\n\n  :::customer\n  #### Secret {CANARY}.\n  :::\n\n  ~~~~\n  more\n  ~~~~\n"
    ));
    fails_with(
        tmp.path(),
        &[
            ("E042", "content/policies/ai-policy.md:29"),
            ("E042", "content/policies/ai-policy.md:31"),
        ],
    );
}
