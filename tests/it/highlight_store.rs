//! `vouch build` keeps the runs of token kinds it found in each code block in
//! `--out/.vouch-cache` for the next build; the next build takes them when
//! they cover the block's own code, makes the HTML from the code itself, and
//! so publishes what a build without the store would, except colours from a
//! store it did not write. A build of lower editions only writes no store.

use crate::common::*;
use std::path::Path;
use vouch::pipeline::markdown::HighlightStore;

const CODE: &str = "fn main() {\n    let answer = 42; // the code\n}\n";
const SECRET: &str = "let k = \"CANARYINTERNALHLSTORE\";\n";

/// A copy of the minimal project with a public policy holding one Rust
/// block and an internal one holding another.
fn project() -> tempfile::TempDir {
    let tmp = temp_copy("minimal");
    let doc = |vis: &str, code: &str| {
        format!("---\ntitle: Code {vis}\nvisibility: {vis}\nowner: CISO\n---\n\n# Code\n\n```rust\n{code}```\n")
    };
    let pol = tmp.path().join("content/policies");
    std::fs::write(pol.join("code.md"), doc("public", CODE)).unwrap();
    std::fs::write(pol.join("code-internal.md"), doc("internal", SECRET)).unwrap();
    tmp
}

/// Every edition's files (the cache folder left out).
fn editions(out: &Path) -> Vec<(String, Vec<u8>)> {
    files(out)
        .into_iter()
        .filter(|(p, _)| {
            ["public/", "customer/", "internal/"]
                .iter()
                .any(|e| p.starts_with(e))
        })
        .collect()
}

fn code_page(out: &Path) -> String {
    std::fs::read_to_string(out.join("public/policies/code/index.html")).unwrap()
}

#[test]
fn a_rebuild_takes_the_kept_runs_and_publishes_what_a_fresh_build_does() {
    let tmp = project();
    let out = build(tmp.path());
    assert!(
        out.join(".vouch-cache/highlight").is_file(),
        "the build keeps its runs"
    );
    assert_eq!(
        HighlightStore::load(&out).loaded(),
        2,
        "two blocks, two entries"
    );
    let warm = tmp.path().join("warm");
    std::fs::create_dir(&warm).unwrap();
    copy_dir(&out.join(".vouch-cache"), &warm.join(".vouch-cache"));
    let o = build_to(tmp.path(), &warm, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        code_page(&warm).contains("tok-"),
        "the block is highlighted"
    );
    assert_eq!(editions(&warm), editions(&out));
    // The rebuild did take them: runs planted for the block (all of it one
    // comment, which the grammar would never say) colour it.
    let planted = HighlightStore::default();
    planted.record("rust", CODE, &[(1, CODE.len() as u32)]);
    std::fs::remove_dir_all(warm.join(".vouch-cache")).unwrap();
    planted.save(&warm).unwrap();
    let o = build_to(tmp.path(), &warm, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page = code_page(&warm);
    assert!(page.contains("<span class=\"tok-c\">fn main() {"), "{page}");
}

#[test]
fn runs_that_do_not_cover_the_code_change_nothing_that_is_published() {
    let tmp = project();
    let out = build(tmp.path());
    let fresh = editions(&out);
    std::fs::remove_dir_all(out.join(".vouch-cache")).unwrap();
    let evil = HighlightStore::default();
    evil.record("rust", CODE, &[(1, CODE.len() as u32 - 1)]);
    evil.record("rust", SECRET, &[(1, SECRET.len() as u32 + 5)]);
    evil.save(&out).unwrap();
    let o = build_to(tmp.path(), &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(editions(&out), fresh);
    assert_eq!(
        HighlightStore::load(&out).loaded(),
        2,
        "the grammar's runs replace them"
    );
}

#[test]
fn a_build_of_the_public_edition_only_writes_no_code_of_a_higher_one() {
    let tmp = project();
    let out = tmp.path().join("site");
    let o = build_to(tmp.path(), &out, &["--edition", "public"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(code_page(&out).contains("tok-"));
    assert!(!out.join(".vouch-cache").exists());
    for (file, bytes) in files(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("CANARYINTERNALHLSTORE"), "{file}");
    }
}
