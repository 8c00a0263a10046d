//! `vouch diff`: public claims changed between git revisions, on a scripted
//! history in a temporary repository.

use crate::common::{code, copy_dir, edit, fixture, stderr, stdout, vouch};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A repository with the minimal fixture committed, then a second commit that
/// changes a control's status and an FAQ answer and adds an AI system.
fn scripted_history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    copy_dir(&fixture("minimal"), root);
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "initial AIMS"]);
    let reg = root.join("content/registers");
    edit(
        &reg.join("controls.yaml"),
        "- id: A.2.2\n  applicable: true\n  status: implemented",
        "- id: A.2.2\n  applicable: true\n  status: partial",
    );
    edit(
        &reg.join("faq.yaml"),
        "is approved by the executive team.",
        "is approved by the board and reviewed every 6 months.",
    );
    let card = std::fs::read_to_string(reg.join("systems/support-drafts.yaml")).expect("card");
    let card = card
        .replace("id: support-drafts", "id: ticket-triage")
        .replace("name: Support reply drafts", "name: Ticket triage model");
    std::fs::write(reg.join("systems/ticket-triage.yaml"), card).expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "second revision"]);
    dir
}

fn diff(root: &Path, revs: &[&str]) -> std::process::Output {
    let mut args = vec!["diff"];
    args.extend_from_slice(revs);
    args.extend_from_slice(&["--root", root.to_str().expect("utf-8 path")]);
    vouch(&args)
}

#[test]
fn reports_status_faq_and_system_changes_between_commits() {
    let repo = scripted_history();
    let o = diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report = stdout(&o);
    assert!(report.starts_with("# Public claims changed"), "{report}");
    assert!(report.contains("From `HEAD~1` to `HEAD`"), "{report}");
    assert!(report.contains("## Controls"), "{report}");
    assert!(report.contains("/controls/a-2-2/"), "{report}");
    assert!(
        report.contains("status: `implemented` → `partial`"),
        "{report}"
    );
    assert!(report.contains("## FAQ"), "{report}");
    assert!(report.contains("answer changed"), "{report}");
    assert!(report.contains("reviewed every 6 months"), "{report}");
    assert!(report.contains("## AI systems"), "{report}");
    assert!(
        report.contains("**added** [Ticket triage model]"),
        "{report}"
    );
    assert!(report.contains("3 public claim(s) changed"), "{report}");
    // Nothing else changed.
    assert!(!report.contains("## Suppliers"), "{report}");
    assert!(!report.contains("support-drafts"), "{report}");
}

#[test]
fn compares_with_the_working_tree_and_ignores_internal_edits() {
    let repo = scripted_history();
    let root = repo.path();
    let o = diff(root, &["HEAD"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("No public claims changed."),
        "{}",
        stdout(&o)
    );
    // An edit inside an :::internal passage is no public claim.
    edit(
        &root.join("content/policies/ai-policy.md"),
        "Raise AI concerns in the #ai-governance channel.",
        "Raise AI concerns with the Head of AI Governance.",
    );
    let o = diff(root, &["HEAD"]);
    assert!(
        stdout(&o).contains("No public claims changed."),
        "{}",
        stdout(&o)
    );
    // A public policy edit without a version bump is flagged.
    edit(
        &root.join("content/policies/ai-policy.md"),
        "reviewed every 12 months.",
        "reviewed every 6 months.",
    );
    let o = diff(root, &["HEAD"]);
    let report = stdout(&o);
    assert!(report.contains("From `HEAD` to `working tree`"), "{report}");
    assert!(report.contains("## Policies and documents"), "{report}");
    assert!(
        report.contains("the text changed but the version did not"),
        "{report}"
    );
}

#[test]
fn unknown_revision_and_missing_repository_exit_2() {
    let repo = scripted_history();
    let o = diff(repo.path(), &["no-such-tag"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown revision `no-such-tag`"),
        "{}",
        stderr(&o)
    );
    let o = diff(repo.path(), &["HEAD~1", "HEAD~7"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown revision `HEAD~7`"),
        "{}",
        stderr(&o)
    );

    let plain = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture("minimal"), plain.path());
    let o = diff(plain.path(), &["HEAD"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not inside a git repository"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"));
}
