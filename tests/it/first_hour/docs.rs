//! Documentation that matches the binary: the README's install line and
//! command list, and every flag the docs show, read against `vouch <cmd>
//! --help`; no file named that the repository does not hold.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};

/// Every long flag (`--name`) `vouch <cmd> --help` lists, without --help/--version.
fn help_flags(cmd: &str) -> BTreeSet<String> {
    let mut args: Vec<&str> = cmd.split(' ').collect();
    args.push("--help");
    let o = vouch(&args);
    assert_eq!(code(&o), 0, "vouch {cmd} --help: {}", stderr(&o));
    stdout(&o)
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        // The flag column ends where the description starts (two spaces).
        .flat_map(|l| l.split("  ").next().unwrap_or("").split([' ', ',']))
        .filter(|t| t.starts_with("--") && *t != "--help" && *t != "--version")
        .map(str::to_string)
        .collect()
}

/// The subcommands `vouch [group] --help` lists under `Commands:`.
fn subcommands(group: &[&str]) -> Vec<String> {
    let mut args = group.to_vec();
    args.push("--help");
    let text = stdout(&vouch(&args));
    text.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Every command, as typed after `vouch` (`export oscal` for a nested one).
fn all_commands() -> Vec<String> {
    let mut out = Vec::new();
    for c in subcommands(&[]) {
        let nested = subcommands(&[c.as_str()]);
        if nested.is_empty() {
            out.push(c);
        } else {
            out.extend(nested.into_iter().map(|n| format!("{c} {n}")));
        }
    }
    out
}

/// The command a `vouch …` mention names, and the text after it.
fn split_command<'a>(rest: &'a str, commands: &[String]) -> Option<(String, &'a str)> {
    let mut words = rest.split_whitespace();
    let first = words.next()?;
    let two = format!("{first} {}", words.next().unwrap_or(""));
    let cmd = commands
        .iter()
        .find(|c| **c == two || **c == first)?
        .clone();
    let after = rest.trim_start().get(cmd.len()..).unwrap_or("");
    Some((cmd, after))
}

/// Long flags in `text`, trimmed of Markdown punctuation (`[--root DIR]`).
fn flags_in(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|t| t.trim_start_matches('['))
        .filter(|t| t.starts_with("--") && t.len() > 2)
        .map(|t| {
            t.split(['=', ']', ',', ')', '`', '.'])
                .next()
                .unwrap_or(t)
                .to_string()
        })
        .collect()
}

/// README.md and every docs/*.md, as (name, text).
fn user_docs() -> Vec<(String, String)> {
    let mut docs = vec![(
        "README.md".to_string(),
        std::fs::read_to_string(repo().join("README.md")).unwrap(),
    )];
    let mut paths: Vec<_> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    for p in paths {
        let name = format!("docs/{}", p.file_name().unwrap().to_string_lossy());
        docs.push((name, std::fs::read_to_string(&p).unwrap()));
    }
    docs
}

#[test]
fn readme_gives_the_install_command_right_after_the_two_commands() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let two = readme.find("## The two commands").expect("section");
    let install = readme
        .find("cargo install --locked --path .")
        .expect("install line");
    let first_vouch = readme[two..].find("\nvouch ").map(|p| p + two);
    assert!(install > two, "the install line follows the two commands");
    assert!(
        first_vouch.is_some_and(|v| v > install),
        "no `vouch …` example before the install line"
    );
    assert!(readme.contains("cargo run --release --"), "the alternative");
}

#[test]
fn every_flag_of_every_command_is_in_the_readme_command_list() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let commands = all_commands();
    assert!(
        commands.contains(&"export cards".to_string()),
        "{commands:?}"
    );
    let mut listed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("vouch ")) {
        if let Some((cmd, after)) = split_command(&line[6..], &commands) {
            listed
                .entry(cmd)
                .or_default()
                .extend(flags_in(after.split(" # ").next().unwrap_or("")));
        }
    }
    let mut missing = Vec::new();
    for cmd in &commands {
        let Some(flags) = listed.get(cmd) else {
            missing.push(format!(
                "`vouch {cmd}` has no line in the README command list"
            ));
            continue;
        };
        for f in help_flags(cmd) {
            if !flags.contains(&f) {
                missing.push(format!(
                    "`vouch {cmd} {f}` is not in the README command list"
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_flag_the_docs_show_exists_in_the_commands_help() {
    let commands = all_commands();
    let helps: BTreeMap<&String, BTreeSet<String>> =
        commands.iter().map(|c| (c, help_flags(c))).collect();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for (name, text) in user_docs() {
        for (n, line) in text.lines().enumerate() {
            for (at, _) in line.match_indices("vouch ") {
                let Some((cmd, after)) = split_command(&line[at + 6..], &commands) else {
                    continue;
                };
                // A mention ends at its code span or at a shell comment.
                let mention = after.split(['`', '#']).next().unwrap_or("");
                for f in flags_in(mention) {
                    seen += 1;
                    if !helps[&cmd].contains(&f) {
                        wrong.push(format!("{name}:{}: `vouch {cmd}` has no {f}", n + 1));
                    }
                }
            }
        }
    }
    assert!(
        seen > 40,
        "the scan found only {seen} flags: is it reading the docs?"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn docs_name_no_file_outside_the_repository() {
    const TOP: &[&str] = &[
        "src/",
        "docs/",
        "tests/",
        "data/",
        "themes/default/",
        "scripts/",
        "shared/",
        ".ci/",
    ];
    let mut missing = Vec::new();
    for (name, text) in user_docs() {
        for (i, span) in text.split('`').enumerate() {
            let path = span.trim();
            let is_path = i % 2 == 1
                && TOP.iter().any(|t| path.starts_with(t))
                && !path.contains([' ', '*', '<', '{', '|'])
                && path.contains('.');
            if is_path && !repo().join(path).exists() {
                missing.push(format!("{name}: `{path}`"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn answer_and_links_do_not_offer_flags_that_do_nothing() {
    for args in [
        vec!["links", "--strict"],
        vec!["links", "--since", "urls.json"],
        vec!["answer", "q.csv", "--strict"],
        vec!["answer", "q.csv", "--since", "urls.json"],
    ] {
        let o = vouch(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains("unexpected argument"), "{}", stderr(&o));
    }
}
