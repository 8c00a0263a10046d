//! No input makes vouch panic: property tests over Markdown with `:::` passages
//! and over mutated projects (front matter, registers, system cards), plus a
//! corpus of hand-written malformed files. `PROPTEST_CASES` raises the count
//! (CI runs more cases than a developer's default run).

use crate::common::*;
use proptest::prelude::*;
use std::path::Path;

fn eds() -> Vec<String> {
    vec!["public".into(), "customer".into(), "internal".into()]
}

/// Markdown built from lines that stress the passage and link handling.
fn markdown_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(":::internal".to_string()),
        Just(":::internal\nINTERNALONLY".to_string()),
        Just(":::customer".to_string()),
        Just(":::".to_string()),
        Just(":::bogus".to_string()),
        Just("```rust".to_string()),
        Just("~~~".to_string()),
        Just("```".to_string()),
        Just("# Title".to_string()),
        Just("## Section {#custom}".to_string()),
        Just("[c](control:A.2.2) and [p](policy:ai-policy#nope) [](system:)".to_string()),
        Just("[^n] and [^m]".to_string()),
        Just("[^n]: a footnote".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |".to_string()),
        Just("- [x] done\n- [ ] open".to_string()),
        Just("<!--vouch-edition:9-->".to_string()),
        Just("<div>\n".to_string()),
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(proptest_config(512))]

    #[test]
    fn markdown_with_passages_never_panics(lines in proptest::collection::vec(markdown_line(), 0..40)) {
        let text = lines.join("\n");
        let parsed = vouch::pipeline::markdown::parse(&text, &eds());
        let fenced = text.contains("```") || text.contains("~~~");
        for ed in 0..3 {
            let r = parsed.render(ed, &|_| vouch::pipeline::markdown::Resolved::Hidden { marker: "not published", request: None });
            // Text that opens an internal passage never reaches a lower edition,
            // whatever Markdown structure surrounds it (code fences excepted:
            // there `:::` is literal text).
            if ed < 2 && !fenced {
                prop_assert!(!r.html.contains("INTERNALONLY") && !r.text.contains("INTERNALONLY"), "{}", r.html);
            }
        }
    }
}

/// Applies one mutation to `text`.
fn mutate(text: &str, kind: u8, at: usize, junk: &str) -> String {
    let mut t = text.to_string();
    let at = (0..=at.min(t.len()))
        .rev()
        .find(|i| t.is_char_boundary(*i))
        .unwrap_or(0);
    match kind % 6 {
        0 => t.insert_str(at, junk),
        1 => {
            let end = (at + junk.len() + 1).min(t.len());
            let end = (end..=t.len())
                .find(|i| t.is_char_boundary(*i))
                .unwrap_or(t.len());
            t.replace_range(at..end, "");
        }
        2 => t.truncate(at),
        3 => {
            let lines: Vec<&str> = t.lines().collect();
            let i = at % lines.len().max(1);
            let dup = lines.get(i).copied().unwrap_or("");
            t = format!(
                "{}\n{dup}\n{}",
                lines[..i.min(lines.len())].join("\n"),
                lines[i.min(lines.len())..].join("\n")
            );
        }
        4 => t = t.replace(": ", &format!(": {junk}")),
        _ => t = t.replacen('\n', &format!("\n{junk}\n"), 3),
    }
    t
}

const FILES: &[&str] = &[
    "content/site.yaml",
    "content/scope.md",
    "content/policies/ai-policy.md",
    "content/registers/controls.yaml",
    "content/registers/evidence.yaml",
    "content/registers/faq.yaml",
    "content/registers/systems/support-drafts.yaml",
];

fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\t".to_string()),
        Just(":".to_string()),
        Just("- ".to_string()),
        Just("[".to_string()),
        Just("{".to_string()),
        Just("---".to_string()),
        Just(":::internal".to_string()),
        Just("visibility: secret".to_string()),
        Just("id: A.99.9".to_string()),
        Just("&anchor *alias".to_string()),
        Just("\u{feff}".to_string()),
        Just("2026-99-99".to_string()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(proptest_config(96))]

    #[test]
    fn mutated_projects_never_panic(file in 0..FILES.len(), kind in any::<u8>(), at in 0usize..4000, junk in junk()) {
        let dir = temp_copy("minimal");
        let path = dir.path().join(FILES[file]);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, mutate(&text, kind, at, &junk)).unwrap();
        let opts = vouch::build::Options { today: vouch::core::date::Date::parse(TODAY), ..vouch::build::Options::new(dir.path()) };
        let analysis = vouch::build::analyse(&opts).unwrap();
        if let (false, Some(site)) = (analysis.has_errors(), analysis.site.as_ref()) {
            let theme = vouch::build::theme_for(site, None).unwrap();
            let sink = vouch::pipeline::write::MemorySink::default();
            vouch::build::render_editions(site, &[0, 1, 2], &theme, &sink, false, None, None).unwrap();
        }
        for d in &analysis.diagnostics {
            prop_assert!(!d.file.is_empty());
            prop_assert!(!d.message.is_empty());
        }
    }
}

#[test]
fn malformed_corpus_gives_diagnostics_and_exit_1() {
    let corpus = fixture("malformed");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10);
    for case in cases {
        let dir = temp_copy("minimal");
        copy_dir(&case, dir.path());
        let o = check_json(dir.path(), &[]);
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(code(&o), 1, "{name}: {}{}", stdout(&o), stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{name} panicked");
        for v in json_lines(&o) {
            let line = v.to_string();
            assert!(
                v["file"].as_str().is_some_and(|f| !f.is_empty()),
                "{name}: {line}"
            );
            assert!(Path::new(&corpus).exists());
        }
    }
}
