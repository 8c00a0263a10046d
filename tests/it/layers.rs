//! The layering of `src/` (see `ARCHITECTURE.md`), enforced: every module may
//! use only the modules below it in [`LAYERS`]. The check reads the source
//! text: `use crate::…` and `use super::…` items and inline `crate::x::f()`
//! paths, with comments and `#[cfg(test)] mod tests` blocks left out (a unit
//! test may reach into its own module).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every unit of the crate, lowest first. A unit is a module under `core/`,
/// `pipeline/` or `site/` (with its submodules), or a top-level module.
const LAYERS: &[&str] = &[
    // core: leaves
    "core::git",
    "core::memo",
    "core::packed",
    "core::diagnostics",
    "core::source",
    "core::yaml",
    "core::date",
    "core::kinds",
    "core::routes",
    "core::catalogue",
    "core::exit",
    "core",
    // pipeline: the stages in the order a build runs them
    "pipeline::load",
    "pipeline::parse",
    "pipeline::markdown",
    "pipeline::model",
    "pipeline::validate",
    "pipeline::render",
    "pipeline::postprocess",
    "pipeline::linkcheck",
    "pipeline::write",
    "pipeline",
    // site: what one edition publishes
    "site::links",
    "site::receipts",
    "site::crosswalk",
    "site::readiness",
    "site::views",
    "site::export",
    "site::pages",
    "site::outputs",
    "site::permalinks",
    "site::sentinel",
    "site::answer",
    "site",
    // stringing the stages together
    "build",
    "diff",
    "serve",
    // the command line
    "commands",
    "lib",
    "main",
];

/// The unit a module path belongs to (`pipeline::model::edges` -> `pipeline::model`).
fn unit(path: &[String]) -> String {
    match path {
        [] => "lib".into(),
        [layer, m, ..] if ["core", "pipeline", "site"].contains(&layer.as_str()) => {
            format!("{layer}::{m}")
        }
        [first, ..] => first.clone(),
    }
}

/// The module path of a source file (`src/pipeline/model/mod.rs` -> `pipeline::model`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.last().map(String::as_str) {
        Some("mod") => {
            parts.pop();
        }
        Some("lib") if parts.len() == 1 => parts.clear(),
        _ => {}
    }
    parts
}

/// Source text without comments and without trailing unit-test modules.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string literal (a URL) keeps the line: such
            // lines name no module path after the `//` anyway.
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Identifier path segments at the start of `code` (`a::b::C` -> [a, b, C]).
fn segments(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    loop {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        out.push(rest[..end].to_string());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    out
}

/// Every module path `file` refers to, resolved to an absolute path.
fn references(src: &Path, file: &Path) -> Vec<Vec<String>> {
    let own = module_of(src, file);
    let code = code_of(&std::fs::read_to_string(file).unwrap());
    let mut refs = Vec::new();
    let bytes = code.as_bytes();
    for (i, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("vouch::"))
    {
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
            continue;
        }
        let after = &code[i + code[i..].find("::").unwrap() + 2..];
        if after.starts_with('{') {
            // `use crate::{a, b::c}`: each group member is a path of its own.
            let inner = &after[1..after.find('}').unwrap_or(after.len())];
            refs.extend(inner.split(',').map(|p| segments(p.trim())));
        } else {
            refs.push(segments(after));
        }
    }
    for (i, _) in code.match_indices("super::") {
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b':') {
            continue;
        }
        // `super` is the parent of the enclosing module: the file's own
        // module (folder for `mod.rs`, folder + stem otherwise), or an inline
        // `mod x { … }` inside it.
        let mut base = own.clone();
        base.extend(inline_modules_at(&code, i));
        let mut rest = &code[i..];
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        let seg = segments(rest);
        refs.push(base.into_iter().chain(seg).collect());
    }
    refs.into_iter().filter(|r| !r.is_empty()).collect()
}

/// Names of the inline `mod x { … }` blocks enclosing byte `at`, outermost first.
fn inline_modules_at(code: &str, at: usize) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in code.match_indices("mod ") {
        let rest = &code[i + 4..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let after = rest[name.len()..].trim_start();
        if name.is_empty() || !after.starts_with('{') || i > at {
            continue;
        }
        let open = i + 4 + rest.len() - after.len();
        let mut depth = 0usize;
        let mut close = code.len();
        for (j, ch) in code[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        if open < at && at < close {
            found.push(name);
        }
    }
    found
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every use of a higher layer, as `file (unit) uses unit (path)` lines.
fn violations(src: &Path) -> Vec<String> {
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let mut files = Vec::new();
    rs_files(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in &files {
        let own = if file.ends_with("main.rs") && file.parent() == Some(src) {
            "main".to_string()
        } else {
            unit(&module_of(src, file))
        };
        let Some(&own_rank) = rank.get(own.as_str()) else {
            found.push(format!(
                "{}: module `{own}` is in no layer; add it to LAYERS in tests/it/layers.rs and ARCHITECTURE.md",
                file.display()
            ));
            continue;
        };
        for r in references(src, file) {
            let target = unit(&r);
            if target == own {
                continue;
            }
            match rank.get(target.as_str()) {
                Some(&t) if t < own_rank => {}
                Some(_) => found.push(format!(
                    "{} (layer `{own}`) uses `{}` (layer `{target}`), which is not below it",
                    file.display(),
                    r.join("::")
                )),
                // Paths into std or other crates, and items of the crate root.
                None => {}
            }
        }
    }
    found
}

#[test]
fn no_module_uses_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "layering violations (see ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_use_of_a_higher_layer_is_reported_with_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("pipeline/markdown")).unwrap();
    std::fs::create_dir_all(src.join("site")).unwrap();
    std::fs::write(
        src.join("pipeline/markdown/mod.rs"),
        "use crate::site::views::DocView;\nuse super::load::Loaded;\n",
    )
    .unwrap();
    std::fs::write(
        src.join("site/views.rs"),
        "use crate::pipeline::model::Site;\n",
    )
    .unwrap();
    std::fs::write(
        src.join("lib.rs"),
        "pub mod pipeline;\n// crate::commands in a comment\n",
    )
    .unwrap();
    let found = violations(src);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("pipeline/markdown/mod.rs") && found[0].contains("site::views"),
        "{}",
        found[0]
    );
}

#[test]
fn a_module_outside_the_layer_table_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("site")).unwrap();
    std::fs::write(dir.path().join("site/brochure.rs"), "").unwrap();
    let found = violations(dir.path());
    assert!(
        found
            .iter()
            .any(|f| f.contains("site::brochure") && f.contains("no layer")),
        "{found:#?}"
    );
}
