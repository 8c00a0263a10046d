//! The store gives back only a block's own text with the highlighter's spans.

use super::*;

const RUST: &str = "// note\nfn main() { let s = \"<b>&\"; }\n";

/// The inner HTML the highlighter makes for `code` (inside `<code>`).
fn inner(token: &str, code: &str) -> String {
    let pre = super::super::highlight::highlight(token, code, None);
    let start = pre.find('>').unwrap() + 1;
    let start = start + pre[start..].find('>').unwrap() + 1;
    pre[start..pre.rfind("</code>").unwrap()].to_string()
}

#[test]
fn the_highlighters_own_output_is_a_highlight_of_its_code() {
    let html = inner("rust", RUST);
    assert!(html.contains("<span class=\"tok-"), "{html}");
    assert!(is_highlight_of(&html, RUST));
    assert!(is_highlight_of(&escape("plain <text>"), "plain <text>"));
    assert!(is_highlight_of("", ""));
}

#[test]
fn anything_but_the_code_and_its_spans_is_refused() {
    let html = inner("rust", RUST);
    let refused = [
        html.replacen("main", "mane", 1),
        format!("{html}<script>x</script>"),
        format!("<b>{html}</b>"),
        html.replacen("tok-", "evil-", 1),
        html.replacen("</span>", "", 1),
        html.replacen("\">", "\" onclick=\"x\">", 1),
        format!("{html}extra"),
        html[..html.len() / 2].to_string(),
        "<span class=\"tok-k\"><span class=\"tok-k\">x</span></span>".to_string(),
        "<".to_string(),
        "&lt;b&gt;".to_string(),
    ];
    for bad in &refused {
        assert!(!is_highlight_of(bad, RUST), "{bad}");
    }
    assert!(
        !is_highlight_of("<b>", "<b>"),
        "raw markup is never the code's text"
    );
}

#[test]
fn a_saved_store_is_read_back_and_gives_each_block_only_its_own_highlighting() {
    let dir = tempfile::tempdir().unwrap();
    let s = HighlightStore::default();
    let html = inner("rust", RUST);
    s.record("rust", RUST, &html);
    s.record("rust", "let x = 1;", &inner("rust", "let x = 1;"));
    s.save(dir.path()).unwrap();
    let back = HighlightStore::load(dir.path());
    assert_eq!(back.loaded(), 2);
    assert_eq!(back.get("rust", RUST).as_deref(), Some(html.as_str()));
    assert_eq!(
        back.get("python", RUST),
        None,
        "the language is part of the key"
    );
    assert_eq!(back.get("rust", "other code"), None);
    // Only what this build used is written back.
    back.save(dir.path()).unwrap();
    assert_eq!(HighlightStore::load(dir.path()).loaded(), 1);
}

#[test]
fn an_entry_that_claims_more_than_its_code_could_make_is_not_unpacked() {
    let s = HighlightStore::default();
    let mut bomb = u32::MAX.to_le_bytes().to_vec();
    bomb.extend_from_slice(b"\x10x");
    let mut old = HashMap::new();
    old.insert(key("rust", RUST), Arc::from(bomb));
    let s = HighlightStore { old, ..s };
    assert_eq!(s.get("rust", RUST), None);
}

#[test]
fn a_tampered_entry_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let s = HighlightStore::default();
    // An entry under the block's key whose text is not the block's.
    s.record("rust", RUST, "<span class=\"tok-k\">SECRET</span>");
    s.save(dir.path()).unwrap();
    let back = HighlightStore::load(dir.path());
    assert_eq!(back.loaded(), 1);
    assert_eq!(back.get("rust", RUST), None);
}

#[test]
fn an_unreadable_store_is_ignored_and_never_read_or_written_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(CACHE_DIR);
    std::fs::create_dir(&cache).unwrap();
    let s = HighlightStore::default();
    s.record("rust", RUST, &inner("rust", RUST));
    s.save(dir.path()).unwrap();
    let file = cache.join(FILE);
    let good = std::fs::read(&file).unwrap();
    let mut other_version = good.clone();
    other_version[MAGIC.len() + 4] ^= 1;
    let bad: [Vec<u8>; 4] = [
        Vec::new(),
        b"not a store".to_vec(),
        good[..good.len() - 3].to_vec(),
        other_version,
    ];
    for b in &bad {
        std::fs::write(&file, b).unwrap();
        assert_eq!(HighlightStore::load(dir.path()).loaded(), 0);
    }
    #[cfg(unix)]
    {
        // A link in the folder's place: nothing is read through it or
        // written through it.
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::remove_dir_all(&cache).unwrap();
        std::fs::create_dir(elsewhere.path().join(CACHE_DIR)).unwrap();
        std::fs::write(elsewhere.path().join(CACHE_DIR).join(FILE), &good).unwrap();
        std::os::unix::fs::symlink(elsewhere.path().join(CACHE_DIR), &cache).unwrap();
        assert_eq!(HighlightStore::load(dir.path()).loaded(), 0);
        s.save(dir.path()).unwrap();
        assert_eq!(
            std::fs::read(elsewhere.path().join(CACHE_DIR).join(FILE)).unwrap(),
            good
        );
        assert_eq!(
            std::fs::read_dir(elsewhere.path().join(CACHE_DIR))
                .unwrap()
                .count(),
            1
        );
    }
}
