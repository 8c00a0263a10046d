//! `vouch build` keeps highlighted code in `--out/.vouch-cache` for the next
//! build, and the next build publishes exactly what a build without it
//! would: an entry that is not the block's own text is never used.

use crate::common::*;
use std::path::Path;
use vouch::pipeline::markdown::HighlightStore;

const CODE: &str = "fn main() {\n    let answer = 42; // the code\n}\n";

/// A copy of the minimal project with a policy holding one Rust block.
fn project() -> tempfile::TempDir {
    let tmp = temp_copy("minimal");
    std::fs::write(
        tmp.path().join("content/policies/code.md"),
        format!("---\ntitle: Code\nvisibility: public\nowner: CISO\n---\n\n# Code\n\n```rust\n{CODE}```\n"),
    )
    .unwrap();
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

#[test]
fn a_rebuild_with_the_kept_highlighting_publishes_what_a_fresh_build_does() {
    let tmp = project();
    let out = build(tmp.path());
    let store = out.join(".vouch-cache/highlight");
    assert!(store.is_file(), "the build keeps its highlighting");
    assert_eq!(
        HighlightStore::load(&out).loaded(),
        1,
        "one block, one entry"
    );
    let warm = tmp.path().join("warm");
    std::fs::create_dir(&warm).unwrap();
    copy_dir(&out.join(".vouch-cache"), &warm.join(".vouch-cache"));
    let o = build_to(tmp.path(), &warm, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page = std::fs::read_to_string(warm.join("public/policies/code/index.html")).unwrap();
    assert!(page.contains("tok-"), "the block is highlighted");
    assert_eq!(editions(&warm), editions(&out));
}

#[test]
fn a_tampered_store_changes_nothing_that_is_published() {
    let tmp = project();
    let out = build(tmp.path());
    let fresh = editions(&out);
    // The block's key, with text that is not the block's.
    let evil = HighlightStore::default();
    evil.record(
        "rust",
        CODE,
        "<span class=\"tok-k\">CANARY-HL-TAMPERED</span>",
    );
    std::fs::remove_dir_all(out.join(".vouch-cache")).unwrap();
    evil.save(&out).unwrap();
    let o = build_to(tmp.path(), &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(editions(&out), fresh);
    // The refused entry is not written back; the real one is.
    let back = HighlightStore::load(&out);
    assert_eq!(back.loaded(), 1);
    assert!(!std::fs::read(out.join(".vouch-cache/highlight"))
        .unwrap()
        .windows(7)
        .any(|w| w == b"TAMPERE"));
}
