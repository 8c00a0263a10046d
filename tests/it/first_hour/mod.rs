//! The first hour of a new user (issue 13): the install line, the starter,
//! values that must not change silently, summaries that add up, predictable
//! output paths, and documentation that matches the binary's `--help`.

mod docs;

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the vouch binary with `args` from the folder `cwd`.
fn vouch_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `vouch check --root ROOT --today TODAY` (human output); returns the run.
fn check_human(root: &Path) -> Output {
    vouch(&["check", "--root", root.to_str().unwrap(), "--today", TODAY])
}

/// A copy of the `minimal` fixture with `from` replaced by `to` in `file`.
fn minimal_with(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = temp_copy("minimal");
    edit(&dir.path().join(file), from, to);
    dir
}

#[test]
fn an_approval_date_in_the_future_is_a_warning_on_the_approved_line() {
    let dir = minimal_with(
        "content/policies/ai-policy.md",
        "approved: 2026-11-01",
        "approved: 2062-11-25",
    );
    let o = check_human(dir.path());
    let err = stderr(&o);
    assert_eq!(code(&o), 0, "{err}");
    assert!(err.contains("warning[W005] future-date: policy `ai-policy` has `approved: 2062-11-25`, after today (2026-11-27)"), "{err}");
    assert!(err.contains("content/policies/ai-policy.md:7:1"), "{err}");
    assert!(err.contains("`approved` is the day it happened"), "{err}");
}

#[test]
fn a_collected_date_in_the_future_is_a_warning() {
    let dir = minimal_with(
        "content/registers/evidence.yaml",
        "collected: 2026-11-01",
        "collected: 2027-01-15",
    );
    let err = stderr(&check_human(dir.path()));
    assert!(
        err.contains("evidence `ev-ai-policy-approval` has `collected: 2027-01-15`"),
        "{err}"
    );
}

#[test]
fn certificates_may_expire_and_target_in_the_future_but_not_be_issued_there() {
    let cert = "certifications:\n  - name: ISO/IEC 27001:2022\n    status: certified\n    issued: 2025-03-01\n    expires: 2028-02-28\n";
    let dir = minimal_with("content/site.yaml", "certifications:\n", cert);
    let o = check_json(dir.path(), &[]);
    assert_eq!(
        json_lines(&o),
        Vec::<serde_json::Value>::new(),
        "expires and target are fine"
    );
    edit(
        &dir.path().join("content/site.yaml"),
        "issued: 2025-03-01",
        "issued: 2027-03-01",
    );
    let err = stderr(&check_human(dir.path()));
    assert!(err.contains("warning[W005] future-date: certification \"ISO/IEC 27001:2022\" was issued on 2027-03-01"), "{err}");
}

#[test]
fn a_review_period_over_three_years_is_a_warning_and_three_years_is_not() {
    let dir = minimal_with(
        "content/registers/evidence.yaml",
        "review_every: 12 months",
        "review_every: 3 years",
    );
    assert_eq!(json_lines(&check_json(dir.path(), &[])).len(), 0);
    edit(
        &dir.path().join("content/registers/evidence.yaml"),
        "3 years",
        "120 months",
    );
    let err = stderr(&check_human(dir.path()));
    assert!(err.contains("warning[W006] long-review-period: evidence `ev-ai-policy-approval` is reviewed only every 120 months"), "{err}");
}

#[test]
fn an_annex_a_id_in_clauses_is_told_to_move_to_controls() {
    let dir = minimal_with(
        "content/policies/ai-policy.md",
        "clauses: [\"5.2\"]",
        "clauses: [\"A.10.3\"]",
    );
    let err = stderr(&check_human(dir.path()));
    assert!(
        err.contains("error[E032] unknown-clause: `A.10.3` is not an ISO/IEC 42001 clause"),
        "{err}"
    );
    assert!(
        err.contains("`A.10.3` is an Annex A control: move it to `controls:`"),
        "{err}"
    );
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn a_system_role_the_organisation_does_not_declare_is_a_warning() {
    let dir = minimal_with(
        "content/registers/systems/support-drafts.yaml",
        "roles: [user]",
        "roles: [user, producer]",
    );
    let err = stderr(&check_human(dir.path()));
    assert!(err.contains("warning[W007] undeclared-role: system `support-drafts` plays the role `producer`, which site.yaml does not declare for the organisation (roles: [user])"), "{err}");
    assert!(
        err.contains("add `producer` to `roles:` in content/site.yaml"),
        "{err}"
    );
}

#[test]
fn an_empty_register_file_is_an_empty_list() {
    for text in ["", "# no risks recorded yet\n"] {
        let dir = temp_copy("minimal");
        std::fs::write(dir.path().join("content/registers/risks.yaml"), text).unwrap();
        let o = check_json(dir.path(), &[]);
        assert_eq!(code(&o), 0, "{text:?}: {}", stdout(&o));
        assert_eq!(json_lines(&o), Vec::<serde_json::Value>::new(), "{text:?}");
    }
}

#[test]
fn a_clean_check_says_how_many_files_it_checked() {
    let dir = temp_copy("minimal");
    let o = check_human(dir.path());
    assert_eq!(code(&o), 0);
    let n = files(&dir.path().join("content"))
        .iter()
        .filter(|(p, _)| p.ends_with(".md") || p.ends_with(".yaml"))
        .filter(|(p, _)| !p.starts_with("evidence/"))
        .count();
    assert!(
        stderr(&o).starts_with(&format!("checked {n} files: no problems\n")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_json_ends_with_a_versioned_summary_that_counts_its_lines() {
    let dir = temp_copy("minimal");
    let clean = stdout(&check_json(dir.path(), &[]));
    let last: serde_json::Value = serde_json::from_str(clean.trim()).unwrap();
    assert_eq!(last["format"], 1);
    assert_eq!(last["summary"]["errors"], 0);
    assert_eq!(last["summary"]["warnings"], 0);
    assert!(
        last["summary"]["files_checked"].as_u64().unwrap() > 5,
        "{last}"
    );
    edit(
        &dir.path().join("content/registers/evidence.yaml"),
        "collected: 2026-11-01",
        "collected: 2025-01-01",
    );
    edit(
        &dir.path().join("content/policies/ai-policy.md"),
        "approved: 2026-11-01",
        "approved: 2062-11-25",
    );
    let o = check_json(dir.path(), &[]);
    let text = stdout(&o);
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let diags = json_lines(&o);
    assert_eq!(diags.len() + 1, text.lines().count(), "one summary line");
    assert_eq!(
        last["summary"]["warnings"].as_u64().unwrap() as usize,
        diags.len()
    );
    assert_eq!(last["summary"]["files_with_findings"], 2);
}

#[test]
fn readiness_tiers_add_up_to_the_systems_in_use_with_retired_apart() {
    let o = check_human(&repo());
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with("Systems:"))
        .expect(&err);
    let (head, tail) = line.split_once(" in use (").unwrap();
    let in_use: usize = head.rsplit(' ').next().unwrap().parse().unwrap();
    let tiers = tail.split(')').next().unwrap();
    let sum: usize = tiers
        .split(", ")
        .map(|t| t.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(sum, in_use, "{line}");
    assert!(
        line.contains("), 1 retired;"),
        "the example has one retired system: {line}"
    );
}

#[test]
fn answer_summary_counts_match_the_status_column() {
    let tmp = tempfile::tempdir().unwrap();
    let q = repo().join("tests/answer-eval/questions.csv");
    let root = repo();
    let o = vouch_in(
        tmp.path(),
        &[
            "answer",
            q.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--today",
            TODAY,
            "--out",
            "answers.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("answers.json")).unwrap())
            .unwrap();
    let count = |s: &str| rows.iter().filter(|r| r["status"] == s).count();
    let (answered, human) = (count("answered"), count("needs-human"));
    let want = format!("answered {answered} of {} questions (status answered); {human} need a person (status needs-human)\n", rows.len());
    let err = stderr(&o);
    assert!(err.contains(&want), "{err}");
    let wrote = format!("wrote {}\n", tmp.path().join("answers.json").display());
    assert!(
        err.contains(&wrote),
        "the absolute path of --out, taken from the current folder: {err}"
    );
}

#[test]
fn answer_summary_of_a_fully_answered_sheet_has_no_rest() {
    assert_eq!(
        vouch::commands::answer::summary(3, 3),
        "answered 3 of 3 questions (status answered)"
    );
    assert_eq!(
        vouch::commands::answer::summary(3, 2),
        "answered 2 of 3 questions (status answered); 1 needs a person (status needs-human)"
    );
}

#[test]
fn a_relative_out_is_taken_from_the_current_folder_and_printed_absolute() {
    let project = temp_copy("minimal");
    let cwd = tempfile::tempdir().unwrap();
    let root = project.path().to_str().unwrap();
    let o = vouch_in(
        cwd.path(),
        &["build", "--root", root, "--today", TODAY, "--out", "out"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(cwd.path().join("out/public/index.html").is_file());
    assert!(
        !project.path().join("out").exists(),
        "--root does not move --out"
    );
    let abs = cwd.path().join("out/public");
    assert!(
        stderr(&o).contains(&format!("-> {}\n", abs.display())),
        "{}",
        stderr(&o)
    );
    let o = vouch_in(
        cwd.path(),
        &[
            "export",
            "oscal",
            "--root",
            root,
            "--today",
            TODAY,
            "--out",
            "oscal.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(cwd.path().join("oscal.json").is_file());
    assert!(
        stderr(&o).contains(&cwd.path().join("oscal.json").display().to_string()),
        "{}",
        stderr(&o)
    );
}

#[test]
fn without_out_build_and_cards_write_under_the_projects_site_folder() {
    let project = temp_copy("minimal");
    let cwd = tempfile::tempdir().unwrap();
    let root = project.path().to_str().unwrap();
    let o = vouch_in(cwd.path(), &["build", "--root", root, "--today", TODAY]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(project.path().join("site/public/index.html").is_file());
    let o = vouch_in(
        cwd.path(),
        &["export", "cards", "--root", root, "--today", TODAY],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let cards = project.path().join("site/exports/cards");
    assert!(cards.join("support-drafts").is_dir(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("-> {}\n", cards.display())),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_dir(cwd.path()).unwrap().count(),
        0,
        "nothing in the current folder"
    );
    // A rebuild replaces the editions only, so the exports stay.
    assert_eq!(
        code(&vouch_in(
            cwd.path(),
            &["build", "--root", root, "--today", TODAY]
        )),
        0
    );
    assert!(cards.join("support-drafts").is_dir());
}

#[test]
fn the_starters_gitignore_covers_everything_vouch_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("aims");
    assert_eq!(code(&vouch(&["new", dir.to_str().unwrap()])), 0);
    let root = dir.to_str().unwrap();
    assert_eq!(code(&vouch(&["build", "--root", root])), 0);
    assert_eq!(code(&vouch(&["export", "cards", "--root", root])), 0);
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    let untracked = stdout(&git(&["status", "--porcelain", "--untracked-files=all"]));
    let stray: Vec<&str> = untracked
        .lines()
        .filter(|l| !l.contains(" content/") && !l.ends_with(".gitignore"))
        .collect();
    assert!(stray.is_empty(), "generated files not ignored: {stray:?}");
}

#[test]
fn the_starter_names_the_organisation_only_in_site_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("aims");
    assert_eq!(code(&vouch(&["new", dir.to_str().unwrap()])), 0);
    for (path, bytes) in files(&dir.join("content")) {
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(path == "site.yaml", text.contains("Example Co"), "{path}");
    }
    edit(
        &dir.join("content/site.yaml"),
        "organisation: Example Co",
        "organisation: Acme Robotics",
    );
    let o = vouch(&["build", "--root", dir.to_str().unwrap(), "--strict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for (path, bytes) in files(&dir.join("site")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Example Co"),
            "{path} still names Example Co"
        );
    }
}

#[test]
fn the_starter_system_lists_its_model_and_supplier_and_the_policy_that_governs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("aims");
    assert_eq!(code(&vouch(&["new", dir.to_str().unwrap()])), 0);
    let system =
        std::fs::read_to_string(dir.join("content/registers/systems/support-drafts.yaml")).unwrap();
    assert!(
        system.contains("models:\n  - name: Example LLM\n    supplier: example-model-vendor"),
        "{system}"
    );
    let policy = std::fs::read_to_string(dir.join("content/policies/ai-policy.md")).unwrap();
    assert!(policy.contains("systems: [support-drafts]"), "{policy}");
    assert_eq!(code(&vouch(&["build", "--root", dir.to_str().unwrap()])), 0);
    let page =
        std::fs::read_to_string(dir.join("site/public/systems/support-drafts/index.html")).unwrap();
    assert!(
        page.contains("href=\"/suppliers/example-model-vendor/\""),
        "the card links its supplier"
    );
    assert!(
        page.contains("href=\"/policies/ai-policy/\""),
        "the card links the governing policy"
    );
    let governed = page
        .split("id=\"governed-by\"")
        .nth(1)
        .expect("a Governed by section");
    let governed = &governed[..governed.find("</section>").unwrap()];
    assert!(
        governed.contains("href=\"/policies/ai-policy/\""),
        "{governed}"
    );
}

#[test]
fn new_on_an_existing_file_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    let o = vouch(&["new", file.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(&format!("{} is a file, not a folder", file.display())),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_project_without_site_yaml_or_content_points_at_vouch_new() {
    let tmp = tempfile::tempdir().unwrap();
    let o = check_human(tmp.path());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("`vouch new DIR` to start one"),
        "{}",
        stderr(&o)
    );
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    let o = check_human(tmp.path());
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("error[E040] missing-file: the project has no content/site.yaml"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("run `vouch new DIR`"), "{}", stderr(&o));
}

#[test]
fn serve_on_a_port_in_use_suggests_another_port() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = temp_copy("minimal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args([
            "serve",
            "--root",
            dir.path().to_str().unwrap(),
            "--today",
            TODAY,
            "--port",
            &port,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve kept running on a taken port");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains(&format!("port {port} is taken")), "{err}");
    assert!(err.contains("`--port 0` to pick a free one"), "{err}");
}
