//! The answer library (`vouch answer learn`, `content/registers/answers.yaml`):
//! learning a reviewed questionnaire, answering the same question again by
//! id or by near-duplicate wording, stale claims reported and never cited,
//! the register kept out of every edition, and the near-duplicate threshold
//! measured on the evaluation questionnaires.

use crate::common::{code, copy_dir, fixture, repo, stderr, stdout, vouch, TODAY};
use std::path::Path;
use vouch::site::answer::library::{similarity, ID_FLOOR, NEAR_DUPLICATE};

fn run_in(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--root", root.to_str().expect("path"), "--today", TODAY]);
    vouch(&all)
}

/// A copy of the example project (content only).
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect()
}

const BASE: &str = "https://trust.northwind.example";

/// A reviewed questionnaire: the person kept one drafted link, entered one
/// in a row the tool left to them, and left a third row without a link.
fn reviewed(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("reviewed.csv");
    std::fs::write(
        &p,
        format!(
            "ID,Question,Answer,Links,Suggested links,Status\n\
             GRC-77,Can customers switch off the AI features for their whole tenant?,x,{BASE}/faq/opt-out/,{BASE}/faq/ai-policy-owner/,answered\n\
             ,How do you watch deployed models for drift and degradation over time?,,/faq/drift-monitoring/ {BASE}/controls/a-6-2-6/,,needs-human\n\
             SEC-9,What are your cyber insurance coverage limits?,,,,needs-human\n"
        ),
    )
    .expect("write");
    p
}

#[test]
fn learn_records_accepted_links_as_reviewable_yaml() {
    let project = example();
    let root = project.path();
    let o = run_in(
        root,
        &["answer", "learn", reviewed(root).to_str().expect("p")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("learned 2 questions (2 new, 0 updated); 1 rows had no accepted link"),
        "{}",
        stderr(&o)
    );
    let text =
        std::fs::read_to_string(root.join("content/registers/answers.yaml")).expect("register");
    assert!(text.contains("- id: \"GRC-77\"\n  question: \"Can customers switch off the AI features for their whole tenant?\"\n  claims:\n    - \"/faq/opt-out/\"\n  learned: 2026-11-27\n"), "{text}");
    // Suggestions are not accepted links; a row without an id gets one made from its words.
    assert!(!text.contains("ai-policy-owner"), "{text}");
    assert!(
        text.contains("- id: \"q-how-you-watch-deployed-models-for\""),
        "{text}"
    );
    assert!(
        text.contains("    - \"/faq/drift-monitoring/\"\n    - \"/controls/a-6-2-6/\"\n"),
        "{text}"
    );
    // The register passes `vouch check`, and learning again updates in place.
    assert_eq!(code(&run_in(root, &["check"])), 0);
    let register = root.join("content/registers/answers.yaml");
    let mut edited = text.replace(
        "  source: \"reviewed.csv\"\n- id: \"q-",
        "  source: \"reviewed.csv\"\n# a reviewer's note\n- id: \"q-",
    );
    edited.push_str(
        "- id: \"KEEP-1\"\n  question: \"Someone else's entry\"\n  claims: [/faq/opt-out/]\n",
    );
    std::fs::write(&register, &edited).expect("write");
    let o = run_in(
        root,
        &["answer", "learn", reviewed(root).to_str().expect("p")],
    );
    assert!(stderr(&o).contains("(0 new, 2 updated)"), "{}", stderr(&o));
    let again = std::fs::read_to_string(&register).expect("register");
    assert!(again.contains("# a reviewer's note\n"), "{again}");
    assert!(
        again.contains("  claims: [/faq/opt-out/]\n"),
        "others' entries keep their form: {again}"
    );
    assert_eq!(again.matches("- id: ").count(), 3, "{again}");
}

/// `vouch answer learn` on a reviewed CSV written into the project as `name`.
fn learn_csv(root: &std::path::Path, name: &str, csv: &str) -> std::process::Output {
    let p = root.join(name);
    std::fs::write(&p, csv).expect("write");
    run_in(root, &["answer", "learn", p.to_str().expect("p")])
}

#[test]
fn learn_refuses_a_link_that_names_no_claim_and_writes_nothing() {
    let project = example();
    let root = project.path();
    let o = learn_csv(
        root,
        "bad.csv",
        &format!("Question,Links\nDo you train on customer data?,{BASE}/faq/no-such-entry/\n"),
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("row 2 column B"), "{}", stderr(&o));
    assert!(stderr(&o).contains("/faq/no-such-entry/"), "{}", stderr(&o));
    assert!(!root.join("content/registers/answers.yaml").exists());
}

#[test]
fn learn_accepts_a_kept_certification_link_and_the_library_cites_it() {
    let project = example();
    let root = project.path();
    let o = learn_csv(
        root,
        "certs.csv",
        &format!("ID,Question,Links\nCERT-1,Which security certifications do you hold today?,{BASE}/#certifications\n"),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text =
        std::fs::read_to_string(root.join("content/registers/answers.yaml")).expect("register");
    assert!(text.contains("    - \"/#certifications\"\n"), "{text}");
    assert_eq!(
        code(&run_in(root, &["check"])),
        0,
        "the register checks clean"
    );
    let q = root.join("q.csv");
    std::fs::write(
        &q,
        "ID,Question\nCERT-1,Which security certifications do you hold today?\n",
    )
    .expect("write");
    let o = run_in(
        root,
        &["answer", q.to_str().expect("q"), "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("/#certifications"), "{}", stdout(&o));
    assert!(!stderr(&o).contains("stale"), "{}", stderr(&o));
}

fn write_library(root: &Path, entries: &str) {
    std::fs::write(root.join("content/registers/answers.yaml"), entries).expect("write");
}

/// Answers `questions` (CSV text) over `root`; returns the rows and the run.
fn answer(
    root: &Path,
    questions: &str,
    extra: &[&str],
) -> (Vec<Vec<String>>, std::process::Output) {
    let q = root.join("q.csv");
    std::fs::write(&q, questions).expect("write");
    let mut args = vec!["answer", q.to_str().expect("p")];
    args.extend_from_slice(extra);
    let o = run_in(root, &args);
    (csv_rows(&stdout(&o)), o)
}

#[test]
fn the_library_answers_by_id_and_by_near_duplicate_wording_first() {
    let project = example();
    let root = project.path();
    // Claims the ranking would not pick for these questions, so a hit proves the library answered.
    write_library(
        root,
        "- id: VQ-12\n  question: Which incident response commitments do you make to customers?\n  claims: [/controls/a-8-4/]\n\
         - id: q-made\n  question: Is there a named owner accountable for the risk of each AI system in production?\n  claims: [/suppliers/anthropic/, /faq/ai-policy-owner/]\n",
    );
    let (rows, o) = answer(
        root,
        "Ref,Question\nVQ-12,What incident response commitments do you make to your customers?\n\
         9,Is there a named owner who is accountable for the risk of each AI system in production?\n\
         VQ-13,Do you encrypt data at rest?\n",
        &[],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        rows[0],
        [
            "Ref",
            "Question",
            "Answer",
            "Links",
            "Confidence",
            "Status",
            "Why",
            "Suggested links"
        ]
    );
    assert_eq!(
        rows[1][3],
        format!("{BASE}/controls/a-8-4/"),
        "{:?}",
        rows[1]
    );
    assert_eq!(
        (rows[1][4].as_str(), rows[1][5].as_str()),
        ("1.00", "library")
    );
    assert_eq!(
        rows[2][3],
        format!("{BASE}/suppliers/anthropic/ {BASE}/faq/ai-policy-owner/"),
        "{:?}",
        rows[2]
    );
    assert_eq!(rows[2][5], "library");
    assert_ne!(rows[3][5], "library", "{:?}", rows[3]);
    assert!(
        stderr(&o).contains("answered 2 of 3 questions (0 status answered, 2 status library); 1 needs a person (status needs-human)"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("wording similarity"), "{}", stderr(&o));
}

#[test]
fn an_id_match_with_a_different_question_is_not_used() {
    let project = example();
    let root = project.path();
    write_library(root, "- id: SEC-01\n  question: Which incident response commitments do you make to customers?\n  claims: [/controls/a-8-4/]\n");
    let (rows, o) = answer(
        root,
        "Ref,Question\nSEC-01,Do you use customer data to train models?\n",
        &[],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(rows[1][5], "library", "{:?}", rows[1]);
}

#[test]
fn a_stale_claim_is_reported_and_never_cited() {
    let project = example();
    let root = project.path();
    write_library(
        root,
        "- id: VQ-1\n  question: Which incident response commitments do you make?\n  claims: [/faq/deleted-entry/, /controls/a-8-4/]\n\
         - id: VQ-2\n  question: Can customers switch off AI features?\n  claims: [/faq/gone-too/]\n",
    );
    let c = run_in(root, &["check"]);
    assert_eq!(code(&c), 0, "a stale claim is a warning: {}", stderr(&c));
    assert!(
        stderr(&c).contains("warning[W025] library-stale-claim"),
        "{}",
        stderr(&c)
    );
    let (rows, o) = answer(root, "Ref,Question\nVQ-1,Which incident response commitments do you make?\nVQ-2,Can customers switch off AI features?\n", &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains("deleted-entry") && !out.contains("gone-too"),
        "{out}"
    );
    assert_eq!(rows[1][3], format!("{BASE}/controls/a-8-4/"));
    assert_eq!(
        (
            rows[2][3].as_str(),
            rows[2][4].as_str(),
            rows[2][5].as_str()
        ),
        ("", "0.00", "needs-human")
    );
    let err = stderr(&o);
    assert!(
        err.contains(
            "row 2: answer library entry `VQ-1`: /faq/deleted-entry/ no longer exists; not cited"
        ),
        "{err}"
    );
    assert!(
        err.contains("row 3: answer library entry `VQ-2` has no claim left to cite"),
        "{err}"
    );
}

#[test]
fn library_errors_fail_check_at_their_line() {
    let project = example();
    let root = project.path();
    write_library(root, "- id: A-1\n  question: Q one?\n  claims: [/faq/opt-out/]\n- id: a-1\n  question: Q two?\n  claims: [https://x.example/faq/opt-out/]\n- id: B-2\n  question: Q three?\n");
    let o = run_in(root, &["check"]);
    assert_eq!(code(&o), 1);
    let out = stderr(&o);
    for want in [
        "error[E073] library-duplicate-id",
        "content/registers/answers.yaml:4:7",
        "error[E074] library-claim-path",
        "error[E075] library-incomplete-entry",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
}

/// Canaries: an internal FAQ entry (`canaryint-question`) recorded in the
/// library is not cited in the public edition by CSV, XLSX or JSON output,
/// and the library's own wording and source never reach any built edition.
#[test]
fn the_public_edition_never_cites_hidden_library_claims_in_any_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture("editions"), dir.path());
    let root = dir.path();
    write_library(
        root,
        "- id: POL-7\n  question: Zqxlibrarycanary do you have an AI policy?\n  claims: [/faq/canaryint-question/, /policies/ai-policy/]\n  source: zqxsourcecanary.xlsx\n",
    );
    let q = root.join("q.csv");
    std::fs::write(
        &q,
        "Id,Question\nPOL-7,Zqxlibrarycanary do you have an AI policy?\n",
    )
    .expect("write");
    for ext in ["csv", "json", "xlsx"] {
        let out = root.join(format!("out.{ext}"));
        let o = run_in(
            root,
            &[
                "answer",
                q.to_str().expect("p"),
                "--edition",
                "public",
                "--out",
                out.to_str().expect("p"),
            ],
        );
        assert_eq!(code(&o), 0, "{ext}: {}", stderr(&o));
        let text = if ext == "xlsx" {
            vouch::site::answer::workbook::read_part(
                &std::fs::read(&out).expect("xlsx"),
                "xl/worksheets/sheet1.xml",
            )
            .expect("sheet")
        } else {
            std::fs::read_to_string(&out).expect("out")
        };
        assert!(!text.to_lowercase().contains("canaryint"), "{ext}: {text}");
        assert!(text.contains("/policies/ai-policy/"), "{ext}: {text}");
        assert!(text.contains("library"), "{ext}: {text}");
    }
    let internal = run_in(
        root,
        &["answer", q.to_str().expect("p"), "--edition", "internal"],
    );
    assert!(
        stdout(&internal).contains("/faq/canaryint-question/"),
        "{}",
        stdout(&internal)
    );
    let site = crate::common::build(root);
    for (file, bytes) in crate::common::files(&site) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for canary in ["zqxlibrarycanary", "zqxsourcecanary", "pol-7"] {
            assert!(!text.contains(canary), "{canary} in {file}");
        }
    }
}

/// The similarity threshold, measured: every pair of different questions in
/// the two evaluation questionnaires (disjoint targets) stays below
/// [`NEAR_DUPLICATE`], and every light rewording of a question (the
/// respondent named differently, a lead-in added, one word changed) stays at
/// or above it. Prints the figures quoted in docs/answer.md.
#[test]
fn near_duplicate_threshold_separates_rewordings_from_different_questions() {
    let mut sets: Vec<Vec<(String, Vec<String>)>> = Vec::new();
    let mut r =
        csv::Reader::from_path(repo().join("tests/answer-eval/questions.csv")).expect("eval");
    sets.push(
        r.records()
            .map(|x| {
                let x = x.expect("row");
                (
                    x[1].to_string(),
                    x[2].split_whitespace().map(str::to_string).collect(),
                )
            })
            .collect(),
    );
    let shared = repo().join("../shared/eval");
    if shared.join("larkspur-expected.csv").exists() {
        let mut q = csv::Reader::from_path(shared.join("larkspur-questionnaire.csv")).expect("q");
        let mut e = csv::Reader::from_path(shared.join("larkspur-expected.csv")).expect("e");
        let targets: std::collections::HashMap<String, Vec<String>> = e
            .records()
            .map(|x| {
                let x = x.expect("row");
                (
                    x[0].to_string(),
                    x[1].split_whitespace().map(str::to_string).collect(),
                )
            })
            .collect();
        sets.push(
            q.records()
                .map(|x| {
                    let x = x.expect("row");
                    (
                        x[2].to_string(),
                        targets.get(&x[0]).cloned().unwrap_or_default(),
                    )
                })
                .collect(),
        );
    } else {
        eprintln!("../shared/eval not present: measuring on tests/answer-eval only");
    }
    let mut worst_distinct = (0.0f64, String::new(), String::new());
    let mut pairs = 0;
    for set in &sets {
        for (i, (a, ta)) in set.iter().enumerate() {
            for (b, tb) in &set[i + 1..] {
                // Unanswerable questions (no targets) are all different questions.
                if ta.iter().any(|t| tb.contains(t)) {
                    continue;
                }
                pairs += 1;
                let s = similarity(a, b);
                if s > worst_distinct.0 {
                    worst_distinct = (s, a.clone(), b.clone());
                }
            }
        }
    }
    let reword = |q: &str| -> Vec<String> {
        let swapped = q
            .replace("Do you ", "Does the vendor ")
            .replace("your ", "its ")
            .replace("Describe ", "Please describe ");
        let words: Vec<&str> = q.split_whitespace().collect();
        let longest = words.iter().copied().max_by_key(|w| w.len()).unwrap_or("");
        vec![
            swapped,
            format!("Please confirm: {q}"),
            q.replacen(longest, "zqxreplaced", 1),
        ]
    };
    let mut worst_reworded = (1.0f64, String::new());
    let mut variants = 0;
    for set in &sets {
        for (q, _) in set {
            for v in reword(q) {
                variants += 1;
                let s = similarity(q, &v);
                if s < worst_reworded.0 {
                    worst_reworded = (s, v);
                }
            }
        }
    }
    eprintln!(
        "{pairs} pairs of different questions: highest similarity {:.2} ({:?} / {:?}); \
         {variants} rewordings: lowest similarity {:.2} ({:?}); threshold {NEAR_DUPLICATE}, id floor {ID_FLOOR}",
        worst_distinct.0, worst_distinct.1, worst_distinct.2, worst_reworded.0, worst_reworded.1
    );
    assert!(worst_distinct.0 < NEAR_DUPLICATE, "{worst_distinct:?}");
    assert!(worst_reworded.0 >= NEAR_DUPLICATE, "{worst_reworded:?}");
}

/// Rows are drafted in parallel; the output and the library's notes must
/// not depend on how many threads there are, and the notes come in row
/// order (rows 2, 41 and 61: the header is row 1).
#[test]
fn answers_and_library_notes_are_the_same_on_one_thread_and_on_many() {
    let project = example();
    let root = project.path();
    write_library(
        root,
        "- id: VQ-1\n  question: Which incident response commitments do you make?\n  claims: [/faq/deleted-entry/, /controls/a-8-4/]\n\
         - id: VQ-40\n  question: Can customers switch off AI features?\n  claims: [/faq/gone-too/]\n\
         - id: VQ-60\n  question: Is there a named owner accountable for AI risk?\n  claims: [/faq/gone-three/, /faq/ai-policy-owner/]\n",
    );
    let asked: Vec<String> = csv::Reader::from_path(repo().join("tests/answer-eval/questions.csv"))
        .expect("the example questionnaire")
        .records()
        .map(|r| r.expect("row")[1].to_string())
        .collect();
    let mut csv = String::from("Ref,Question\n");
    for i in 1..=60 {
        let q = match i {
            1 => "Which incident response commitments do you make?".to_string(),
            40 => "Can customers switch off AI features?".to_string(),
            60 => "Is there a named owner accountable for AI risk?".to_string(),
            _ => asked[i % asked.len()].clone(),
        };
        csv.push_str(&format!("VQ-{i},\"{}\"\n", q.replace('"', "\"\"")));
    }
    let q = root.join("q.csv");
    std::fs::write(&q, &csv).expect("write");
    let run = |threads: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(["answer", q.to_str().expect("p"), "--format", "json"])
            .args(["--root", root.to_str().expect("p"), "--today", TODAY])
            .env("NO_COLOR", "1")
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("vouch runs")
    };
    let (one, many) = (run("1"), run("4"));
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    assert_eq!(stdout(&one), stdout(&many));
    assert_eq!(stderr(&one), stderr(&many));
    let err = stderr(&one);
    let at = |s: &str| err.find(s).unwrap_or_else(|| panic!("{s} in {err}"));
    assert!(
        at("row 2: ") < at("row 41: ") && at("row 41: ") < at("row 61: "),
        "{err}"
    );
}
