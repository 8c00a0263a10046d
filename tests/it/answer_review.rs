//! What a reviewer gets from `vouch answer`: a "Why" for every answer,
//! suggested links (never an answer) on `needs-human` rows, certifications
//! from `site.yaml` as claims, and an edition boundary that holds for the new
//! columns in every output format.

use crate::common::{code, repo, stderr, stdout, vouch, TODAY};
use std::path::Path;

/// Runs `vouch answer` on a CSV written from `questions` over `root`.
fn answer(root: &Path, questions: &str, extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("q.csv");
    std::fs::write(&q, questions).unwrap();
    let mut args = vec![
        "answer",
        q.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    vouch(&args)
}

fn json_rows(o: &std::process::Output) -> Vec<serde_json::Value> {
    assert_eq!(code(o), 0, "{}", stderr(o));
    serde_json::from_str::<serde_json::Value>(&stdout(o))
        .expect("json")
        .as_array()
        .expect("array")
        .clone()
}

#[test]
fn needs_human_rows_suggest_links_and_answered_rows_say_why() {
    let q = "Question\nDo you use customer data to train AI models?\n\
             What are the limits of your cyber liability insurance?\n";
    let rows = json_rows(&answer(&repo(), q, &["--format", "json"]));
    let (answered, human) = (&rows[0], &rows[1]);
    assert_eq!(answered["status"], "answered");
    assert!(
        answered["why"].as_str().unwrap().contains("train"),
        "{answered}"
    );
    assert_eq!(answered["suggested_links"].as_array().unwrap().len(), 0);
    assert_eq!(human["status"], "needs-human");
    assert_eq!(human["answer"], "");
    assert_eq!(human["links"].as_array().unwrap().len(), 0);
    let suggested = human["suggested_links"].as_array().unwrap();
    assert!(!suggested.is_empty() && suggested.len() <= 3, "{human}");
    assert!(suggested[0]
        .as_str()
        .unwrap()
        .starts_with("https://trust.northwind.example/"));
    // The CSV names the columns, so a reviewer sees the suggestions apart
    // from the answer.
    let o = answer(&repo(), q, &[]);
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[header.len() - 2..], ["Why", "Suggested links"]);
    let rec: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(&rec[0][header.len() - 1], "");
    assert!(
        rec[1][header.len() - 1].starts_with("https://"),
        "{:?}",
        rec[1]
    );
}

#[test]
fn certifications_in_site_yaml_answer_a_certification_question() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("starter");
    let o = vouch(&["new", root.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let q = "Question\nDo you hold ISO/IEC 42001 certification?\n";
    let rows = json_rows(&answer(&root, q, &["--format", "json"]));
    assert_eq!(rows[0]["status"], "answered", "{}", rows[0]);
    assert_eq!(
        rows[0]["links"][0], "https://trust.example.com/#certifications",
        "{}",
        rows[0]
    );
    assert!(rows[0]["answer"].as_str().unwrap().contains("planned"));
}

#[test]
fn which_provider_questions_prefer_a_claim_that_lists_suppliers() {
    let q = "Question\nWhich third-party AI model providers (sub-processors) do you use?\n";
    let rows = json_rows(&answer(&repo(), q, &["--format", "json"]));
    assert_eq!(
        rows[0]["links"][0], "https://trust.northwind.example/faq/sub-processors/",
        "{}",
        rows[0]
    );
    assert!(rows[0]["why"].as_str().unwrap().contains("suppliers"));
}

/// The pentest answer and its supplier are customer-edition only, and the
/// FAQ entry carries a canary: no public output names them, in any column
/// of any format, suggested links and "why" included.
#[test]
fn new_columns_never_cite_what_the_edition_may_not_see() {
    let root = repo().join("tests/answer-eval/harbourline");
    let q = "Question\nPlease share the results of the most recent penetration test.\n\
             Which suppliers test the security of your portal?\n";
    for fmt in ["csv", "md", "json"] {
        let o = answer(&root, q, &["--format", fmt]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let out = stdout(&o);
        for hidden in [
            "pentest-results",
            "redteam-partner",
            "Bastion",
            "zqxharbourpentest",
        ] {
            assert!(!out.contains(hidden), "{fmt}: {hidden} in {out}");
        }
        assert!(
            out.contains("https://trust.harbourline.example/"),
            "{fmt}: {out}"
        );
    }
    let o = answer(&root, q, &["--format", "json", "--edition", "customer"]);
    assert!(
        stdout(&o).contains("/faq/pentest-results/"),
        "{}",
        stdout(&o)
    );
}

/// Rounding decides the status, not the raw value: 0.346 is shown as 0.35 and
/// is `answered`; 0.344 is shown as 0.34 and is `needs-human`.
#[test]
fn status_follows_the_confidence_as_shown() {
    use vouch::site::answer::{shown, status_of, Status, THRESHOLD};
    assert!((THRESHOLD - 0.35).abs() < 1e-12, "update the values below");
    assert_eq!(shown(0.346), 0.35);
    assert_eq!(status_of(0.346), Status::Answered);
    assert_eq!(shown(0.344), 0.34);
    assert_eq!(status_of(0.344), Status::NeedsHuman);
}
