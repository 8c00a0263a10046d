//! The leak sentinel: every file of a lower edition is scanned for runs of
//! eight or more words that exist only in content the edition may not see,
//! and a hit fails the build before anything is published.

use crate::common::*;

/// A copy of the example project with a theme whose static folder carries
/// `text` in `notes.txt` (an author pasting internal notes into the theme).
fn with_static_notes(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    let static_dir = dir.path().join("themes/house/static");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(static_dir.join("notes.txt"), text).unwrap();
    edit(
        &dir.path().join("content/site.yaml"),
        "theme: default",
        "theme: house",
    );
    dir
}

#[test]
fn hidden_passage_text_in_a_lower_edition_file_fails_the_build_at_its_source() {
    // From an `:::internal` passage of content/policies/incident-response.md.
    let dir = with_static_notes(
        "Call in this order until someone answers; do not wait more than 5 minutes per step.\n",
    );
    let out = dir.path().join("site");
    std::fs::create_dir_all(out.join("public")).unwrap();
    std::fs::write(out.join("public/index.html"), "previous").unwrap();
    let o = build_to(dir.path(), &out, &["--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let hits: Vec<_> = json_lines(&o)
        .into_iter()
        .filter(|d| d["code"] == "E050")
        .collect();
    let editions: Vec<bool> = ["public", "customer"]
        .iter()
        .map(|ed| {
            hits.iter().any(|d| {
                d["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("hidden from the {ed} edition"))
            })
        })
        .collect();
    assert_eq!(editions, [true, true], "{hits:#?}");
    for d in &hits {
        assert_eq!(d["file"], "content/policies/incident-response.md", "{d}");
        assert_eq!(d["line"], 96, "{d}");
        assert!(
            d["message"].as_str().unwrap().contains("/static/notes.txt"),
            "{d}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(out.join("public/index.html")).unwrap(),
        "previous",
        "the previous site was replaced"
    );
}

#[test]
fn every_single_run_of_eight_hidden_words_is_caught() {
    // Each file holds exactly one run of the hidden sentence (eight words),
    // so each is caught only if that one run's hash is found: a lookup that
    // missed some hashes would let some files through.
    let words: Vec<&str> =
        "Call in this order until someone answers do not wait more than 5 minutes per step"
            .split(' ')
            .collect();
    let dir = with_static_notes("nothing hidden here\n");
    let static_dir = dir.path().join("themes/house/static");
    let n = words.len() - 7;
    for (i, run) in words.windows(8).enumerate() {
        std::fs::write(static_dir.join(format!("run-{i}.txt")), run.join(" ")).unwrap();
    }
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let caught: std::collections::BTreeSet<String> = (0..n)
        .filter(|i| {
            json_lines(&o).iter().any(|d| {
                d["code"] == "E050"
                    && d["message"]
                        .as_str()
                        .unwrap()
                        .contains(&format!("/static/run-{i}.txt"))
            })
        })
        .map(|i| format!("run-{i}"))
        .collect();
    assert_eq!(caught.len(), n, "caught only {caught:?}");
}

#[test]
fn check_runs_the_sentinel_too() {
    let dir = with_static_notes(
        "Call in this order until someone answers; do not wait more than 5 minutes per step.\n",
    );
    let o = check_json(dir.path(), &[]);
    assert_eq!(code(&o), 1);
    assert!(
        json_lines(&o).iter().any(|d| d["code"] == "E050"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn public_text_quoted_in_a_hidden_passage_raises_no_alarm() {
    // A sentence of the public AI policy, also written in static notes: it is
    // visible content, so publishing it again is no leak.
    let policy = std::fs::read_to_string(repo().join("content/policies/ai-policy.md")).unwrap();
    let body = policy.split("---").nth(2).unwrap();
    let sentence = body
        .lines()
        .find(|l| l.split_whitespace().count() > 12 && !l.starts_with('#') && !l.starts_with(":::"))
        .unwrap();
    let dir = with_static_notes(sentence);
    let out = dir.path().join("site");
    let o = build_to(dir.path(), &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn the_example_the_starter_and_larkspur_build_without_alarms() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("example/content"));
    let o = vouch(&["new", dir.path().join("starter").to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut roots = vec![dir.path().join("example"), dir.path().join("starter")];
    let larkspur = repo().join("../shared/eval/larkspur");
    if larkspur.join("content").is_dir() {
        roots.push(larkspur);
    } else {
        eprintln!("skipped larkspur: ../shared/eval/larkspur is not present");
    }
    for root in roots {
        let out = dir.path().join("out");
        let o = build_to(&root, &out, &[]);
        assert_eq!(code(&o), 0, "{}: {}", root.display(), stderr(&o));
        assert!(!stderr(&o).contains("E050"));
    }
}
