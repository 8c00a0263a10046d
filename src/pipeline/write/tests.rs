//! The staging, linking, reuse and swap of written output.

use super::*;

#[test]
fn refuses_paths_that_leave_the_edition() {
    let m = MemorySink::default();
    assert!(m.put("public", "/../x", vec![]).is_err());
    assert!(m.put("public", "/a/../../x", vec![]).is_err());
    assert!(m.put("public", "/a/b.html", vec![]).is_ok());
}

/// Stages into `out` with the kept "public" edition claimed.
fn staged(out: &Path) -> (Staging, DiskSink) {
    let mut s = stage(out).unwrap();
    let sink = DiskSink {
        staging: s.dir.path().into(),
        previous: Some(out.to_path_buf()),
        reuse: Some(s.reuse(&["public".into()])),
    };
    (s, sink)
}

/// Stages `files` (path, bytes) for the edition "public" of `out`, with
/// links from the published edition, and swaps them in.
fn rebuild(out: &Path, files: &[(&str, &str)]) {
    let (s, sink) = staged(out);
    for (path, bytes) in files {
        sink.put("public", path, bytes.as_bytes().to_vec()).unwrap();
    }
    s.commit(&["public".into()], &["public".into()])
        .unwrap()
        .wait();
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().ino()
}

#[cfg(unix)]
#[test]
fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    rebuild(
        &out,
        &[
            ("/a/index.html", "same"),
            ("/b.html", "old"),
            ("/gone.html", "x"),
        ],
    );
    let (a, b) = (
        inode(&out.join("public/a/index.html")),
        inode(&out.join("public/b.html")),
    );
    rebuild(&out, &[("/a/index.html", "same"), ("/b.html", "new")]);
    assert_eq!(
        inode(&out.join("public/a/index.html")),
        a,
        "unchanged: linked"
    );
    assert_ne!(inode(&out.join("public/b.html")), b, "changed: written");
    assert_eq!(
        std::fs::read_to_string(out.join("public/b.html")).unwrap(),
        "new"
    );
    assert!(
        !out.join("public/gone.html").exists(),
        "only what this build wrote"
    );
}

/// A temporary folder with a folder `outside` holding `index.html` and
/// `f.html`, both `text`: what a planted symlink would lead to.
fn outside_holding(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("index.html"), text).unwrap();
    std::fs::write(outside.join("f.html"), text).unwrap();
    (tmp, outside)
}

#[cfg(unix)]
#[test]
fn a_rebuild_never_links_through_a_symlink_in_the_old_output() {
    let (tmp, outside) = outside_holding("same");
    let out = tmp.path().join("site");
    std::fs::create_dir_all(out.join("public")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("public/dir")).unwrap();
    std::os::unix::fs::symlink(outside.join("f.html"), out.join("public/f.html")).unwrap();
    rebuild(&out, &[("/dir/index.html", "same"), ("/f.html", "same")]);
    for p in ["public/dir/index.html", "public/f.html"] {
        let meta = std::fs::symlink_metadata(out.join(p)).unwrap();
        assert!(meta.is_file(), "{p} is a file of its own");
        assert_ne!(inode(&out.join(p)), inode(&outside.join("index.html")));
        assert_ne!(inode(&out.join(p)), inode(&outside.join("f.html")));
    }
    assert!(std::fs::symlink_metadata(out.join("public/dir"))
        .unwrap()
        .is_dir());
}

#[test]
fn commit_replaces_edition_and_drop_discards_staging() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    std::fs::create_dir_all(out.join("public")).unwrap();
    std::fs::write(out.join("public/old.html"), "old").unwrap();
    let s = stage(&out).unwrap();
    DiskSink {
        staging: s.dir.path().into(),
        previous: None,
        reuse: None,
    }
    .put("public", "/new.html", b"new".to_vec())
    .unwrap();
    s.commit(&["public".into()], &["public".into()])
        .unwrap()
        .wait();
    assert!(out.join("public/new.html").exists());
    assert!(!out.join("public/old.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    let mut leftovers: Vec<_> = leftovers.iter().map(|n| n.to_string_lossy()).collect();
    leftovers.sort();
    // The replaced edition is kept for the next build to write into.
    assert_eq!(leftovers, [".vouch-reuse-public", "public"]);
    assert!(out.join(".vouch-reuse-public/old.html").exists());
}

/// Every file under `dir` (relative path, text), sorted; symlinks are
/// listed as `-> target`.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let kind = e.file_type().unwrap();
            if kind.is_symlink() {
                let to = std::fs::read_link(e.path()).unwrap();
                out.push((rel, format!("-> {}", to.display())));
            } else if kind.is_dir() {
                out.push((format!("{rel}/"), String::new()));
                todo.push(e.path());
            } else {
                out.push((rel, std::fs::read_to_string(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn owned(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = files
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn a_build_writes_into_the_kept_edition_and_removes_what_it_no_longer_makes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    rebuild(
        &out,
        &[
            ("/a/index.html", "1"),
            ("/same.html", "same"),
            ("/deep/er/gone.html", "secret"),
        ],
    );
    rebuild(&out, &[("/a/index.html", "2"), ("/same.html", "same")]);
    // The third build writes into the first build's tree.
    assert!(out.join(".vouch-reuse-public/deep/er/gone.html").exists());
    rebuild(
        &out,
        &[
            ("/a/index.html", "3"),
            ("/same.html", "same"),
            ("/n/index.html", "new"),
        ],
    );
    assert_eq!(
        tree(&out.join("public")),
        owned(&[
            ("a/", ""),
            ("a/index.html", "3"),
            ("n/", ""),
            ("n/index.html", "new"),
            ("same.html", "same"),
        ]),
        "exactly what the build made: no stale file, no emptied folder"
    );
    assert_eq!(
        tree(&out.join(".vouch-reuse-public")),
        owned(&[("a/", ""), ("a/index.html", "2"), ("same.html", "same")]),
        "the second build's edition is kept as it was published"
    );
}

#[cfg(unix)]
#[test]
fn a_changed_file_is_never_rewritten_in_place_under_the_published_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    rebuild(&out, &[("/s.html", "same")]);
    // Linked from the first build's file: one inode in both trees.
    rebuild(&out, &[("/s.html", "same")]);
    assert_eq!(
        inode(&out.join("public/s.html")),
        inode(&out.join(".vouch-reuse-public/s.html"))
    );
    let (s, sink) = staged(&out);
    sink.put("public", "/s.html", b"changed".to_vec()).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("public/s.html")).unwrap(),
        "same",
        "the published file is untouched while the build runs"
    );
    s.commit(&["public".into()], &["public".into()])
        .unwrap()
        .wait();
    assert_eq!(
        std::fs::read_to_string(out.join("public/s.html")).unwrap(),
        "changed"
    );
    assert_eq!(
        std::fs::read_to_string(out.join(".vouch-reuse-public/s.html")).unwrap(),
        "same"
    );
}

#[cfg(unix)]
#[test]
fn a_kept_edition_never_leads_a_write_outside_out() {
    let (tmp, outside) = outside_holding("outside");
    let out = tmp.path().join("site");
    rebuild(&out, &[("/x.html", "x")]);
    rebuild(&out, &[("/x.html", "x")]);
    let kept = out.join(".vouch-reuse-public");
    std::os::unix::fs::symlink(&outside, kept.join("dir")).unwrap();
    std::os::unix::fs::symlink(outside.join("f.html"), kept.join("f.html")).unwrap();
    std::os::unix::fs::symlink(&outside, kept.join("only-a-link")).unwrap();
    // A file where a folder belongs and a folder where a file belongs.
    std::fs::write(kept.join("p"), "file").unwrap();
    std::fs::create_dir_all(kept.join("q.html/inner")).unwrap();
    std::fs::create_dir_all(kept.join("empty-secret-name")).unwrap();
    // A folder that held only a link is empty once the link goes, and so
    // is its parent.
    std::fs::create_dir_all(kept.join("holder/inner")).unwrap();
    std::os::unix::fs::symlink(&outside, kept.join("holder/inner/link")).unwrap();
    {
        use std::os::unix::ffi::OsStrExt;
        let odd = std::ffi::OsStr::from_bytes(b"not-utf8-\xff");
        std::fs::create_dir_all(kept.join(odd).join("inner")).unwrap();
        std::fs::write(kept.join(odd).join("inner/x.html"), "old").unwrap();
        std::fs::write(
            kept.join("dir-less")
                .with_file_name(odd)
                .with_extension("html"),
            "old",
        )
        .unwrap();
    }
    rebuild(
        &out,
        &[
            ("/dir/index.html", "new"),
            ("/f.html", "new"),
            ("/p/index.html", "new"),
            ("/q.html", "new"),
        ],
    );
    assert_eq!(
        tree(&outside),
        owned(&[("f.html", "outside"), ("index.html", "outside")])
    );
    assert_eq!(
        tree(&out.join("public")),
        owned(&[
            ("dir/", ""),
            ("dir/index.html", "new"),
            ("f.html", "new"),
            ("p/", ""),
            ("p/index.html", "new"),
            ("q.html", "new"),
        ])
    );
}

#[cfg(unix)]
#[test]
fn a_kept_edition_replaced_by_a_link_or_a_file_is_not_used() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("x.html"), "outside").unwrap();
    let out = tmp.path().join("site");
    for planted in ["link", "file"] {
        rebuild(&out, &[("/x.html", "x")]);
        let kept = out.join(".vouch-reuse-public");
        let _ = std::fs::remove_dir_all(&kept);
        match planted {
            "link" => std::os::unix::fs::symlink(&outside, &kept).unwrap(),
            _ => std::fs::write(&kept, "a file").unwrap(),
        }
        rebuild(&out, &[("/x.html", "new"), ("/y.html", "y")]);
        assert_eq!(tree(&outside), owned(&[("x.html", "outside")]), "{planted}");
        assert_eq!(
            tree(&out.join("public")),
            owned(&[("x.html", "new"), ("y.html", "y")]),
            "{planted}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_second_write_to_one_path_fails_and_never_changes_the_published_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    rebuild(&out, &[("/s.html", "same"), ("/t.html", "same")]);
    rebuild(&out, &[("/s.html", "same"), ("/t.html", "same")]);
    let (_s, sink) = staged(&out);
    // Kept from the reused tree (its inode is the published file's), or
    // linked from the published file: either way a second write must not
    // open it.
    sink.put("public", "/s.html", b"same".to_vec()).unwrap();
    assert!(sink.put("public", "/s.html", b"leak".to_vec()).is_err());
    sink.put("public", "/new.html", b"same".to_vec()).unwrap();
    assert!(sink.put("public", "/new.html", b"leak".to_vec()).is_err());
    assert_eq!(
        std::fs::read_to_string(out.join("public/s.html")).unwrap(),
        "same"
    );
}

#[test]
fn a_kept_folder_where_a_file_now_belongs_keeps_what_this_build_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    rebuild(&out, &[("/a/old.html", "old"), ("/a/deep/x.html", "x")]);
    rebuild(&out, &[("/z.html", "z")]);
    // The kept tree is the first build's, with folder `a`.
    let (s, sink) = staged(&out);
    sink.put("public", "/a/b.html", b"b".to_vec()).unwrap();
    assert!(
        sink.put("public", "/a", b"file".to_vec()).is_err(),
        "a file over a folder this build wrote into fails, as in an empty folder"
    );
    assert!(s.dir.path().join("public/a/b.html").exists());
    drop((s, sink));
    // Without a clash, the kept folder makes way for the file.
    rebuild(&out, &[("/a/old.html", "old"), ("/a/deep/x.html", "x")]);
    rebuild(&out, &[("/z.html", "z")]);
    assert!(out.join(".vouch-reuse-public/a/deep/x.html").exists());
    rebuild(&out, &[("/a", "file")]);
    assert_eq!(tree(&out.join("public")), owned(&[("a", "file")]));
}

#[cfg(unix)]
#[test]
fn an_unchanged_file_keeps_its_inode_build_after_build() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    rebuild(&out, &[("/a/index.html", "same")]);
    let first = inode(&out.join("public/a/index.html"));
    for _ in 0..3 {
        rebuild(&out, &[("/a/index.html", "same")]);
        assert_eq!(inode(&out.join("public/a/index.html")), first);
    }
}

/// Paths a generated build may write: nested, overlapping, and some that
/// clash (`a` as a file and as a folder).
const UNIVERSE: [&str; 9] = [
    "/a",
    "/a/b.html",
    "/a/deep/c.html",
    "/b/index.html",
    "/b",
    "/d.html",
    "/e/f/g.html",
    "/e/index.html",
    "/static/s.css",
];

/// Whether a set of paths can be files together (no path is a folder of another).
fn clash_free(paths: &[&str]) -> bool {
    paths
        .iter()
        .all(|p| !paths.iter().any(|q| q.starts_with(&format!("{p}/"))))
}

/// One generated build: stage, write every file (the first failure
/// abandons the build, as `build` does), commit. Returns whether it landed.
fn generated_build(out: &Path, files: &[(&str, String)]) -> bool {
    let (s, sink) = staged(out);
    for (p, bytes) in files {
        if sink.put("public", p, bytes.clone().into_bytes()).is_err() {
            return false;
        }
    }
    s.commit(&["public".into()], &["public".into()])
        .unwrap()
        .wait();
    true
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Any sequence of builds, with any contents, clashes and leftovers:
    /// a build lands exactly when its paths can coexist, the published
    /// edition is then exactly what it wrote (no stale file, no empty
    /// folder), and a build that fails leaves the published edition as it
    /// was.
    #[test]
    fn any_sequence_of_builds_publishes_exactly_the_last_one_that_landed(
        builds in proptest::collection::vec(
            proptest::collection::vec((0..UNIVERSE.len(), 0..3u8), 0..7),
            1..6,
        )
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let mut published: Option<Vec<(String, String)>> = None;
        for build in builds {
            let mut files: Vec<(&str, String)> = Vec::new();
            for (i, v) in build {
                if files.iter().all(|(p, _)| *p != UNIVERSE[i]) {
                    files.push((UNIVERSE[i], format!("v{v}")));
                }
            }
            let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
            let landed = generated_build(&out, &files);
            proptest::prop_assert_eq!(landed, clash_free(&paths), "{:?}", paths);
            // A build that wrote nothing replaces nothing.
            if landed && !files.is_empty() {
                let mut want: Vec<(String, String)> = Vec::new();
                for (p, v) in &files {
                    let rel = p.trim_start_matches('/');
                    for (i, _) in rel.match_indices('/') {
                        want.push((format!("{}/", &rel[..i]), String::new()));
                    }
                    want.push((rel.to_string(), v.clone()));
                }
                want.sort();
                want.dedup();
                published = Some(want);
            }
            let now = out.join("public").exists().then(|| tree(&out.join("public")));
            proptest::prop_assert_eq!(&now, &published);
        }
    }
}

#[test]
fn a_kept_tree_of_an_edition_the_site_no_longer_has_is_removed_and_no_link_is_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    rebuild(&out, &[("/a.html", "a")]);
    rebuild(&out, &[("/a.html", "a")]);
    // An edition renamed away, and a link named like a kept tree whose
    // target must survive.
    let old = out.join(".vouch-reuse-internal");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("secret.html"), "old internal").unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("keep.txt"), "keep").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, out.join(".vouch-reuse-handbook")).unwrap();
    rebuild(&out, &[("/a.html", "a")]);
    assert!(!old.exists(), "the renamed edition's kept tree is gone");
    assert!(!out.join(".vouch-reuse-handbook").exists());
    assert_eq!(
        std::fs::read_to_string(outside.join("keep.txt")).unwrap(),
        "keep"
    );
    assert!(
        out.join(".vouch-reuse-public/a.html").exists(),
        "the site's own is kept"
    );
}
