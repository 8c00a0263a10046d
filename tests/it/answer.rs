//! `vouch answer` and `vouch links`: the evaluation set over the example
//! project, column detection on real-world sheet shapes, edition isolation,
//! CSV and XLSX round trips, and bad inputs.

use crate::common::{code, fixture, repo, stderr, stdout, vouch, TODAY};
use std::path::Path;
use vouch::build::{analyse, Options};
use vouch::site::answer::{Answerer, Status, THRESHOLD};

/// Regression floors for the evaluation set (tests/answer-eval/).
const MIN_TOP1: f64 = 0.85;
const MIN_TOP3: f64 = 0.95;

struct Case {
    id: String,
    question: String,
    targets: Vec<String>,
}

fn eval_cases() -> Vec<Case> {
    let path = repo().join("tests/answer-eval/questions.csv");
    let mut r = csv::Reader::from_path(&path).expect("evaluation set");
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            Case {
                id: rec[0].to_string(),
                question: rec[1].to_string(),
                targets: rec[2].split_whitespace().map(str::to_string).collect(),
            }
        })
        .collect()
}

/// Ranking accuracy over answerable questions (top-1: the first candidate is
/// an acceptable target; top-3: one of the first three is), the share of
/// answerable questions drafted confidently *and* correctly (what a user gets
/// without reviewing), and the number of confident answers to unanswerable
/// questions (must be zero).
#[test]
fn evaluation_set_meets_targets() {
    let mut opts = Options::new(repo());
    opts.today = vouch::core::date::Date::parse(TODAY);
    let a = analyse(&opts).expect("example analyses");
    let site = a.site.expect("example has a model");
    let answerer = Answerer::new(&site, 0);
    let cases = eval_cases();
    let (mut n, mut top1, mut top3, mut drafted, mut wrong) = (0, 0, 0, 0, 0);
    let (mut unans, mut false_answers, mut max_unans) = (0, 0, 0.0f64);
    let mut report = String::new();
    for c in &cases {
        let d = answerer.answer(&c.question, &[]);
        let paths: Vec<&str> = d.ranked.iter().map(|r| r.path.as_str()).collect();
        let answered = d.status == Status::Answered;
        if c.targets.is_empty() {
            unans += 1;
            max_unans = max_unans.max(d.confidence);
            if answered {
                false_answers += 1;
                report.push_str(&format!(
                    "  false answer {} ({:.2}) {:?}\n",
                    c.id,
                    d.confidence,
                    paths.first()
                ));
            }
            continue;
        }
        n += 1;
        let ok = |p: &&str| c.targets.iter().any(|t| t == p);
        let ok1 = paths.first().is_some_and(ok);
        top1 += usize::from(ok1);
        top3 += usize::from(paths.iter().take(3).any(ok));
        drafted += usize::from(ok1 && answered);
        wrong += usize::from(!ok1 && answered);
        if !(ok1 && answered) {
            report.push_str(&format!(
                "  {} {} ({:.2}, {}): {}\n    ranked {:?}\n",
                if ok1 { "not confident" } else { "miss" },
                c.id,
                d.confidence,
                d.status.as_str(),
                c.question,
                &paths[..paths.len().min(3)]
            ));
        }
    }
    let rate = |k: usize, of: usize| k as f64 / of as f64;
    let (t1, t3, dr) = (rate(top1, n), rate(top3, n), rate(drafted, n));
    eprintln!("{report}");
    eprintln!(
        "answer evaluation ({n} answerable, {unans} unanswerable, threshold {THRESHOLD}):\n  \
         top-1 {t1:.3} ({top1}/{n}), top-3 {t3:.3} ({top3}/{n})\n  \
         answered and correct {dr:.3} ({drafted}/{n}), answered but wrong {wrong}/{n}\n  \
         confident answers to unanswerable questions {false_answers}/{unans} \
         (highest confidence among them {max_unans:.2})"
    );
    assert!(n >= 50 && unans >= 10, "the evaluation set is too small");
    assert!(t1 >= MIN_TOP1, "top-1 accuracy {t1:.3} below {MIN_TOP1}");
    assert!(t3 >= MIN_TOP3, "top-3 accuracy {t3:.3} below {MIN_TOP3}");
    assert!(
        dr >= MIN_TOP1,
        "answered-and-correct {dr:.3} below {MIN_TOP1}"
    );
    assert_eq!(
        false_answers, 0,
        "confident answers to unanswerable questions"
    );
}

const BASE: &str = "https://trust.northwind.example";

/// Runs `vouch answer` on `file` over the example project; returns the
/// output rows (CSV) and the run.
fn answer_rows(file: &Path, extra: &[&str]) -> (Vec<Vec<String>>, std::process::Output) {
    answer_rows_sep(file, extra, b',')
}

fn answer_rows_sep(
    file: &Path,
    extra: &[&str],
    delimiter: u8,
) -> (Vec<Vec<String>>, std::process::Output) {
    let root = repo();
    let mut args = vec![
        "answer",
        file.to_str().expect("utf-8 path"),
        "--root",
        root.to_str().expect("utf-8 path"),
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    let o = vouch(&args);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(o.stdout.as_slice());
    let rows = r
        .records()
        .map(|x| x.expect("csv row").iter().map(str::to_string).collect())
        .collect();
    (rows, o)
}

fn questionnaire(name: &str) -> std::path::PathBuf {
    fixture("questionnaires").join(name)
}

fn col(rows: &[Vec<String>], header_row: usize, name: &str) -> usize {
    rows[header_row]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[header_row]))
}

#[test]
fn question_column_and_ids_matched_to_faq() {
    let (rows, o) = answer_rows(&questionnaire("caiq-ids.csv"), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        rows[0],
        [
            "Question ID",
            "Question",
            "Vendor notes",
            "Answer",
            "Links",
            "Confidence",
            "Status",
            "Why",
            "Suggested links"
        ]
    );
    // Extra columns stay as they were, in order.
    assert_eq!(rows[1][0], "AI-CAIQ GRC-15");
    assert_eq!(rows[1][2], "keep me");
    assert_eq!(rows[3][2], "third note");
    // An id listed in an FAQ entry's `matches` wins, even over vague text;
    // a bare `GRC-01` matches `AI-CAIQ GRC-01`.
    assert!(
        rows[1][4].starts_with(&format!("{BASE}/faq/human-oversight/")),
        "{:?}",
        rows[1]
    );
    assert_eq!(rows[1][5], "1.00");
    assert!(
        rows[2][4].starts_with(&format!("{BASE}/faq/ai-policy-owner/")),
        "{:?}",
        rows[2]
    );
    // No id match: full-text ranking.
    assert!(
        rows[3][4].contains("/faq/training-on-customer-data/"),
        "{:?}",
        rows[3]
    );
    assert!(
        rows[3][3].starts_with("No."),
        "FAQ answer as plain text: {:?}",
        rows[3][3]
    );
    assert_eq!(rows[3][6], "answered");
}

#[test]
fn control_question_header_below_title_rows_with_semicolons() {
    let (rows, o) = answer_rows_sep(&questionnaire("control-question-semicolon.csv"), &[], b';');
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Written back with the file's own separator, so Excel opens it as it came.
    assert_eq!(rows[1].len(), 10, "{:?}", rows[1]);
    // Title rows are kept above the header (blank lines are dropped).
    assert_eq!(rows[0][0], "Northwind vendor security review 2026");
    let links = col(&rows, 1, "Links");
    assert_eq!(
        rows[1][..4],
        ["Ref", "Control Question", "Vendor Response", "Comments"]
    );
    assert!(rows[2][links].contains("/faq/opt-out/"), "{:?}", rows[2]);
    assert!(
        rows[3][links].contains("/faq/data-retention/"),
        "{:?}",
        rows[3]
    );
}

#[test]
fn requirement_header() {
    let (rows, o) = answer_rows(&questionnaire("requirement.csv"), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        rows[0],
        [
            "Domain",
            "Requirement",
            "Weight",
            "Answer",
            "Links",
            "Confidence",
            "Status",
            "Why",
            "Suggested links"
        ]
    );
    assert!(
        rows[1][4].starts_with(&format!("{BASE}/faq/data-residency/")),
        "{:?}",
        rows[1]
    );
    assert!(
        rows[2][4].contains("prompt-injection") || rows[2][4].contains("security-testing"),
        "{:?}",
        rows[2]
    );
}

#[test]
fn headerless_sheet_uses_the_longest_question_column_and_flags_the_unanswerable() {
    let (rows, o) = answer_rows(&questionnaire("headerless.csv"), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A header row is added so the new columns are named.
    assert_eq!(
        rows[0],
        [
            "",
            "",
            "",
            "Answer",
            "Links",
            "Confidence",
            "Status",
            "Why",
            "Suggested links"
        ]
    );
    assert_eq!(
        rows[1][..3],
        [
            "1",
            "Governance",
            "Does the vendor maintain an inventory of all AI systems it builds or uses?"
        ]
    );
    assert!(
        rows[1][4].contains("/faq/model-inventory/"),
        "{:?}",
        rows[1]
    );
    // Unanswerable: no answer, no link, needs a person.
    assert_eq!(rows[2][3], "");
    assert_eq!(rows[2][4], "");
    assert_eq!(rows[2][6], "needs-human");
    assert!(rows[3][4].contains("/faq/bias-testing/"), "{:?}", rows[3]);
}

#[test]
fn answers_for_the_public_edition_never_cite_higher_editions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("q.csv");
    std::fs::write(
        &q,
        "Id,Question\nCANARYINT-Q1,CANARYINT question?\n2,CANARYCUST question?\n\
         3,Describe the CANARYINT section heading and staff escalation.\n\
         4,What does your AI policy commit to?\n5,CANARYCUST own control implementation\n",
    )
    .expect("write");
    let root = fixture("editions");
    let run = |ed: &str, fmt: &str| {
        vouch(&[
            "answer",
            q.to_str().expect("path"),
            "--root",
            root.to_str().expect("path"),
            "--today",
            TODAY,
            "--edition",
            ed,
            "--format",
            fmt,
        ])
    };
    for fmt in ["csv", "md", "json"] {
        let o = run("public", fmt);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let out = stdout(&o);
        // The questions themselves carry the canary; the drafted columns must not.
        let drafted: String = if fmt == "json" {
            let v: serde_json::Value = serde_json::from_str(&out).expect("json");
            v.as_array()
                .expect("array")
                .iter()
                .map(|r| {
                    format!(
                        "{} {} {} {}",
                        r["answer"], r["links"], r["why"], r["suggested_links"]
                    )
                })
                .collect()
        } else {
            out.lines()
                .skip(1)
                .map(|l| {
                    let cells: Vec<&str> =
                        l.rsplitn(7, if fmt == "csv" { ',' } else { '|' }).collect();
                    cells[..6.min(cells.len())].join(" ")
                })
                .collect()
        };
        assert!(!drafted.to_lowercase().contains("canary"), "{fmt}: {out}");
        assert!(
            drafted.contains("/policies/ai-policy/") || drafted.contains("/faq/ai-policy/"),
            "{fmt}: {out}"
        );
    }
    // Sanity: the internal edition does see the internal FAQ entry.
    let o = run("internal", "csv");
    assert!(
        stdout(&o).contains("/faq/canaryint-question/"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn xlsx_round_trip_picks_the_question_sheet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("vendor.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let intro = book.add_worksheet().set_name("Instructions").expect("name");
    intro
        .write_string(0, 0, "Answer every question in the next sheet.")
        .expect("write");
    let sheet = book.add_worksheet().set_name("Questions").expect("name");
    let rows = [
        ["#", "Question Text", "Owner"],
        [
            "1",
            "Do you use customer data to fine-tune models?",
            "Legal",
        ],
        ["2", "How do you monitor model drift in production?", "ML"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).expect("write");
        }
    }
    sheet.write_number(3, 0, 3.0).expect("write");
    sheet
        .write_string(3, 1, "What are your cyber insurance coverage limits?")
        .expect("write");
    book.save(&path).expect("save");
    let out = dir.path().join("answered.csv");
    let (_, o) = answer_rows(&path, &["--out", out.to_str().expect("path")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("answered 2 of 3"), "{}", stderr(&o));
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&out)
        .expect("out");
    let got: Vec<Vec<String>> = r
        .records()
        .map(|x| x.expect("row").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        got[0],
        [
            "#",
            "Question Text",
            "Owner",
            "Answer",
            "Links",
            "Confidence",
            "Status",
            "Why",
            "Suggested links"
        ]
    );
    assert_eq!(got[1][2], "Legal");
    assert!(
        got[1][4].contains("/faq/training-on-customer-data/"),
        "{:?}",
        got[1]
    );
    assert!(got[2][4].contains("/faq/drift-monitoring/"), "{:?}", got[2]);
    // Whole numbers read back as written, not `3.0`.
    assert_eq!(got[3][0], "3");
    assert_eq!(got[3][6], "needs-human");
}

#[test]
fn csv_round_trip_to_markdown_and_json_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (ext, check) in [
        ("md", "| Question ID | Question |"),
        ("json", "\"status\": \"answered\""),
    ] {
        let out = dir.path().join(format!("out.{ext}"));
        let (_, o) = answer_rows(
            &questionnaire("caiq-ids.csv"),
            &["--out", out.to_str().expect("path")],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let text = std::fs::read_to_string(&out).expect("output");
        assert!(text.contains(check), "{ext}: {text}");
    }
}

#[test]
fn links_lists_every_public_claim_under_base_url() {
    let root = repo();
    let o = vouch(&[
        "links",
        "--root",
        root.to_str().expect("path"),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Kind,Id,Title,Status,URL\n"));
    assert!(out.contains(&format!("control,A.6.2.4,A.6.2.4 AI system verification and validation,implemented,{BASE}/controls/a-6-2-4/")));
    assert!(out.contains(&format!("{BASE}/faq/opt-out/")));
    assert!(out.contains(&format!("{BASE}/policies/data-governance/#retention")));
    assert!(out.contains(&format!("{BASE}/systems/resume-screener/")));
    assert!(out.contains(&format!("{BASE}/notices/product-ai-notice/")));
    // Customer-edition policy and FAQ entries are not in the public table.
    assert!(!out.contains("/policies/incident-response/"));
    assert!(!out.contains("/faq/data-poisoning/"));
    let o = vouch(&[
        "links",
        "--root",
        root.to_str().expect("path"),
        "--edition",
        "customer",
        "--format",
        "md",
    ]);
    assert!(stdout(&o).contains("/policies/incident-response/"));
    let ed = fixture("editions");
    let o = vouch(&[
        "links",
        "--root",
        ed.to_str().expect("path"),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        !stdout(&o).to_lowercase().contains("canary"),
        "{}",
        stdout(&o)
    );
}

/// Asserts that every object of `text` lists its keys in sorted order (the
/// order the JSON outputs have always had), by comparing it with its own
/// rendering as a `Value`, whose objects are sorted.
fn assert_keys_sorted(what: &str, text: &str) {
    let v: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}"));
    let again = serde_json::to_string_pretty(&v).expect("json") + "\n";
    assert!(again == text, "{what} lists keys out of order:\n{text}");
}

#[test]
fn answer_and_links_json_list_their_keys_in_sorted_order() {
    let (_, o) = answer_rows(&questionnaire("caiq-ids.csv"), &["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let answers = stdout(&o);
    assert!(answers.contains("\"columns\": {"), "{answers}");
    assert_keys_sorted("answer --format json", &answers);
    let root = repo();
    let o = vouch(&[
        "links",
        "--root",
        root.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("\"kind\": \"control\""));
    assert_keys_sorted("links --format json", &stdout(&o));
}

#[test]
fn bad_inputs_fail_with_a_message_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").expect("write");
    let blank = dir.path().join("blank.csv");
    std::fs::write(&blank, ",,\n,,\n").expect("write");
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"Question\nDo you process r\xe9sum\xe9s?\n").expect("write");
    let broken_xlsx = dir.path().join("broken.xlsx");
    std::fs::write(&broken_xlsx, "not a zip").expect("write");
    let cases: [(&Path, &str); 6] = [
        (&empty, "empty"),
        (&blank, "empty"),
        (&questionnaire("no-question.csv"), "no question column"),
        (&latin1, "not UTF-8"),
        (&broken_xlsx, "cannot read"),
        (Path::new("/nonexistent/q.csv"), "cannot read"),
    ];
    for (file, msg) in cases {
        let (_, o) = answer_rows(file, &[]);
        assert_eq!(code(&o), 2, "{}: {}", file.display(), stderr(&o));
        assert!(
            stderr(&o).contains(msg),
            "{}: {}",
            file.display(),
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    let (_, o) = answer_rows(&questionnaire("caiq-ids.csv"), &["--edition", "partners"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown edition `partners`"),
        "{}",
        stderr(&o)
    );
}
