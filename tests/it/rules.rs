//! One minimal fixture per rule (`tests/fixtures/invalid/<rule>/`): each is the
//! `minimal` fixture with a few edits (`fixture.json`) and extra files (`files/`).
//! The test asserts exactly the diagnostics in `expected.txt` (code, rule,
//! file:line:column). Set VOUCH_BLESS=1 to rewrite them after a deliberate change.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The `fixture.json` of a rule fixture; panics naming the fixture when it is
/// missing or not JSON.
fn meta(fixture: &Path) -> serde_json::Value {
    let path = fixture.join("fixture.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Applies a fixture's edits, deletions and extra files to the project at
/// `root`; returns the command it runs (`check` unless it says `build`).
fn apply(fixture: &Path, root: &Path) -> String {
    let meta = meta(fixture);
    let edits = meta["edits"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: fixture.json lacks `edits`", fixture.display()));
    for e in edits {
        let path = root.join(e["file"].as_str().unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        let find = e["find"].as_str().unwrap();
        assert!(
            text.contains(find),
            "{}: `{find}` not found in {}",
            fixture.display(),
            path.display()
        );
        std::fs::write(
            &path,
            text.replacen(find, e["replace"].as_str().unwrap(), 1),
        )
        .unwrap();
    }
    for d in meta["delete"].as_array().into_iter().flatten() {
        std::fs::remove_file(root.join(d.as_str().unwrap())).unwrap();
    }
    if fixture.join("files").is_dir() {
        copy_dir(&fixture.join("files"), root);
    }
    meta["run"].as_str().unwrap_or("check").to_string()
}

/// Extra CLI arguments of a fixture, with `{root}` replaced by the project path.
fn extra_args(fixture: &Path, root: &Path) -> Vec<String> {
    meta(fixture)["args"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            a.as_str()
                .unwrap()
                .replace("{root}", root.to_str().unwrap())
        })
        .collect()
}

/// Runs `command` with JSON output; returns the exit code and each diagnostic
/// as `CODE rule severity file:line:column`, file relative to `root`.
fn run(root: &Path, command: &str, extra: &[String]) -> (i32, BTreeSet<String>) {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let o = if command == "build" {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(&extra);
        build_to(root, &root.join("site"), &args)
    } else {
        check_json(root, &extra)
    };
    let prefix = format!("{}/", root.display());
    let set = json_lines(&o)
        .iter()
        .map(|v| {
            for key in [
                "code", "rule", "severity", "file", "line", "column", "message", "help",
            ] {
                assert!(v.get(key).is_some(), "JSON diagnostic lacks {key}: {v}");
            }
            let file = v["file"].as_str().unwrap().replace(&prefix, "");
            format!(
                "{} {} {} {}:{}:{}",
                v["code"].as_str().unwrap(),
                v["rule"].as_str().unwrap(),
                v["severity"].as_str().unwrap(),
                file,
                v["line"],
                v["column"]
            )
        })
        .collect();
    (code(&o), set)
}

/// Everything wrong with the rule fixture `dir/name`, one line each, every
/// line starting with the fixture's name: a wrong exit code, a diagnostic of
/// another rule, or diagnostics other than those in its `expected.txt` (a
/// missing or empty `expected.txt` is itself a failure, so a new fixture
/// cannot pass without stating what it expects). With `bless`, rewrites
/// `expected.txt` from what the run printed instead of comparing.
fn fixture_failures(dir: &Path, name: &str, bless: bool) -> Vec<String> {
    let fx = dir.join(name);
    let Some(rule) = vouch::core::diagnostics::RULES
        .iter()
        .find(|r| r.name == name)
    else {
        return vec![format!("{name}: no rule of that name")];
    };
    let tmp = temp_copy("minimal");
    let command = apply(&fx, tmp.path());
    let extra = extra_args(&fx, tmp.path());
    let (code, got) = run(tmp.path(), &command, &extra);
    let mut failures = Vec::new();
    let want_code = i32::from(rule.severity == vouch::core::diagnostics::Severity::Error);
    if code != want_code {
        failures.push(format!("{name}: exit code {code}, expected {want_code}"));
    }
    for line in &got {
        if !line.contains(&format!(" {name} ")) {
            failures.push(format!("{name}: unexpected diagnostic {line}"));
        }
    }
    let expected_path = fx.join("expected.txt");
    if bless {
        let text: String = got.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&expected_path, text).unwrap();
        return failures;
    }
    let Ok(text) = std::fs::read_to_string(&expected_path) else {
        failures.push(format!(
            "{name}: no expected.txt (run with VOUCH_BLESS=1 to write it); got {got:?}"
        ));
        return failures;
    };
    let want: BTreeSet<String> = text.lines().map(str::to_string).collect();
    if want != got || want.is_empty() {
        failures.push(format!("{name}: expected {want:?}, got {got:?}"));
    }
    failures
}

#[test]
fn every_rule_has_a_fixture_that_triggers_exactly_it() {
    let dir = fixture("invalid");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let rules: BTreeSet<&str> = vouch::core::diagnostics::RULES
        .iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        names.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        rules,
        "one fixture per rule"
    );
    let bless = std::env::var_os("VOUCH_BLESS").is_some();
    let failures: Vec<String> = names
        .iter()
        .flat_map(|name| fixture_failures(&dir, name, bless))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_rule_fixture_without_expected_txt_fails_naming_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &fixture("invalid/stale-evidence"),
        &dir.path().join("stale-evidence"),
    );
    std::fs::remove_file(dir.path().join("stale-evidence/expected.txt")).unwrap();
    let failures = fixture_failures(dir.path(), "stale-evidence", false);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].starts_with("stale-evidence: no expected.txt"),
        "{failures:?}"
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let tmp = temp_copy("minimal");
    apply(&fixture("invalid/stale-evidence"), tmp.path());
    let r = tmp.path().to_str().unwrap();
    assert_eq!(code(&vouch(&["check", "--root", r, "--today", TODAY])), 0);
    assert_eq!(
        code(&vouch(&[
            "check", "--root", r, "--today", TODAY, "--strict"
        ])),
        1
    );
    assert_eq!(
        code(&vouch(&[
            "build", "--root", r, "--today", TODAY, "--strict"
        ])),
        1,
        "build refuses too"
    );
}

#[test]
fn today_decides_staleness() {
    let tmp = temp_copy("minimal");
    let r = tmp.path().to_str().unwrap();
    let o = vouch(&[
        "check",
        "--root",
        r,
        "--today",
        "2028-01-01",
        "--format",
        "json",
    ]);
    assert!(stdout(&o).contains("\"stale-evidence\""), "{}", stdout(&o));
    assert!(stdout(&o).contains("\"review-overdue\""));
}

#[test]
fn human_output_groups_by_file_with_caret_help_and_summary() {
    let tmp = temp_copy("minimal");
    apply(&fixture("invalid/unknown-field"), tmp.path());
    let o = vouch(&[
        "check",
        "--root",
        tmp.path().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("error[E005] unknown-field: unknown field `risk_teir`"),
        "{err}"
    );
    assert!(err.contains("--> content/registers/systems/support-drafts.yaml:16:1"));
    assert!(err.contains("16 | risk_teir: minimal"));
    assert!(err.contains("   | ^^^^^^^^^"));
    assert!(err.contains("= help: did you mean `risk_tier`?"));
    assert!(err.contains("1 error, 0 warnings in 1 file"));
    assert!(!err.contains("\u{1b}["), "no colour when not a terminal");
}

#[test]
fn rules_doc_matches_the_rule_table() {
    let doc = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    assert_eq!(
        doc,
        vouch::core::diagnostics::rules_markdown(),
        "regenerate with `vouch rules > docs/rules.md`"
    );
}

#[test]
fn check_prints_the_readiness_scorecard() {
    let o = vouch(&[
        "check",
        "--root",
        repo().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    let err = stderr(&o);
    assert!(err.contains("Readiness"), "{err}");
    assert!(
        err.contains("Annex A:")
            && err.contains("Evidence:")
            && err.contains("Systems:")
            && err.contains("Clauses:")
    );
}
