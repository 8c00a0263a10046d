//! The store gives back only runs that cover a block's own code exactly.

use super::super::highlight::html_of_runs;
use super::*;

const RUST: &str = "// note\nfn main() { let s = \"<b>&é\"; }\n";

/// Runs a (made-up) highlighter could give `RUST`: all of it one kind.
fn whole(kind: u8) -> Runs {
    vec![(kind, RUST.len() as u32)]
}

#[test]
fn runs_are_used_only_when_they_cover_exactly_the_code() {
    let s = HighlightStore::default();
    let k = |r: &[(u8, u32)]| decode_for(&encode(r), RUST);
    assert_eq!(k(&whole(2)), Some(whole(2)));
    let e = RUST.find('é').unwrap() as u32;
    assert_eq!(
        k(&[(1, e), (0, RUST.len() as u32 - e)]),
        Some(vec![(1, e), (0, RUST.len() as u32 - e)])
    );
    let refused: [Runs; 6] = [
        vec![],
        vec![(1, RUST.len() as u32 - 1)],
        vec![(1, RUST.len() as u32 + 1)],
        vec![(1, e + 1), (0, RUST.len() as u32 - e - 1)],
        vec![(1, 0), (1, RUST.len() as u32)],
        vec![(TOKEN_KINDS.len() as u8 + 1, RUST.len() as u32)],
    ];
    for r in &refused {
        assert_eq!(k(r), None, "{r:?}");
    }
    assert_eq!(decode_for(&[1, 2, 3], RUST), None, "a torn run");
    assert!(s.get("rust", RUST).is_none());
}

#[test]
fn the_html_is_made_from_the_code_so_runs_change_colours_only() {
    let plain = html_of_runs(RUST, &whole(0)).unwrap();
    assert_eq!(plain, super::super::escape(RUST));
    let e = RUST.find('é').unwrap() as u32;
    let html = html_of_runs(RUST, &[(3, e), (2, RUST.len() as u32 - e)]).unwrap();
    let text: String = html
        .split('<')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                &part[part.find('>').unwrap() + 1..]
            }
        })
        .collect();
    assert_eq!(
        text, plain,
        "the text is the escaped code, whatever the runs"
    );
    assert_eq!(html_of_runs(RUST, &[(1, e + 1)]), None);
}

#[test]
fn a_saved_store_is_read_back_and_only_what_a_build_used_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let s = HighlightStore::default();
    s.record("rust", RUST, &whole(2));
    s.record("rust", "let x = 1;", &[(2, 3), (0, 7)]);
    s.record("rust", "", &[]);
    s.save(dir.path()).unwrap();
    let back = HighlightStore::load(dir.path());
    assert_eq!(back.loaded(), 2, "an empty block is not kept");
    assert_eq!(back.get("rust", RUST), Some(whole(2)));
    assert_eq!(
        back.get("python", RUST),
        None,
        "the language is part of the key"
    );
    assert_eq!(back.get("rust", "other code"), None);
    back.save(dir.path()).unwrap();
    assert_eq!(HighlightStore::load(dir.path()).loaded(), 1);
}

#[test]
fn a_malformed_or_foreign_file_is_ignored_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = HighlightStore::default();
    s.record("rust", RUST, &whole(2));
    s.record("rust", "x", &[(1, 1)]);
    s.save(dir.path()).unwrap();
    let file = dir.path().join(CACHE_DIR).join(FILE);
    let good = std::fs::read(&file).unwrap();
    let header = MAGIC.len() + 4 + fingerprint().len();
    let mut other_version = good.clone();
    other_version[MAGIC.len() + 4] ^= 1;
    // The two entries in falling key order; an entry with no runs.
    let entries = &good[header..];
    let first_len = 12 + u32::from_le_bytes(entries[8..12].try_into().unwrap()) as usize;
    let (first, second) = entries.split_at(first_len);
    let swapped = [&good[..header], second, first].concat();
    let mut empty = good[..header].to_vec();
    empty.extend_from_slice(&1u64.to_le_bytes());
    empty.extend_from_slice(&0u32.to_le_bytes());
    let bad: [Vec<u8>; 6] = [
        Vec::new(),
        b"not a store".to_vec(),
        good[..good.len() - 3].to_vec(),
        other_version,
        swapped,
        empty,
    ];
    for b in &bad {
        std::fs::write(&file, b).unwrap();
        assert_eq!(HighlightStore::load(dir.path()).loaded(), 0);
    }
}

#[cfg(unix)]
#[test]
fn the_store_is_never_read_or_written_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let s = HighlightStore::default();
    s.record("rust", RUST, &whole(2));
    let elsewhere = tempfile::tempdir().unwrap();
    s.save(elsewhere.path()).unwrap();
    let theirs = elsewhere.path().join(CACHE_DIR).join(FILE);
    let before = std::fs::read(&theirs).unwrap();
    // The folder as a link.
    std::os::unix::fs::symlink(elsewhere.path().join(CACHE_DIR), dir.path().join(CACHE_DIR))
        .unwrap();
    assert_eq!(HighlightStore::load(dir.path()).loaded(), 0);
    HighlightStore::default().save(dir.path()).unwrap();
    assert_eq!(std::fs::read(&theirs).unwrap(), before);
    // The file as a link, in a real folder.
    std::fs::remove_file(dir.path().join(CACHE_DIR)).unwrap();
    std::fs::create_dir(dir.path().join(CACHE_DIR)).unwrap();
    std::os::unix::fs::symlink(&theirs, dir.path().join(CACHE_DIR).join(FILE)).unwrap();
    assert_eq!(HighlightStore::load(dir.path()).loaded(), 0);
    HighlightStore::default().save(dir.path()).unwrap();
    assert_eq!(
        std::fs::read(&theirs).unwrap(),
        before,
        "the rename replaced the link"
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join(CACHE_DIR).join(FILE))
            .unwrap()
            .is_file()
    );
}
