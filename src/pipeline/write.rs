//! Stage 9, write: pages go to a temporary folder beside the output, and each
//! finished edition is swapped into place with renames only after the whole
//! build (including the link check) succeeded. A failed build leaves the
//! previous `site/` exactly as it was.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file to write: root-relative path (leading `/`) and bytes.
pub type OutFile = (String, Vec<u8>);

/// Where rendered files go: a folder on disk or memory (`vouch serve`).
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (root-relative, leading `/`) of edition `ed`.
    fn put(&self, ed: &str, path: &str, bytes: Vec<u8>) -> io::Result<()>;
}

/// Rejects paths that could leave the edition folder.
fn safe_rel(path: &str) -> io::Result<&str> {
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|s| s == ".." || s.contains('\\')) || rel.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unsafe output path {path}"),
        ));
    }
    Ok(rel)
}

/// Writes into `<staging>/<edition>/...`.
pub struct DiskSink {
    pub staging: PathBuf,
}

impl Sink for DiskSink {
    fn put(&self, ed: &str, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let full = self.staging.join(ed).join(safe_rel(path)?);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(full, bytes)
    }
}

/// Keeps nothing: `vouch check` renders every page to link-check it, and
/// writes no file. Paths are still checked, as a real sink would.
pub struct NullSink;

impl Sink for NullSink {
    fn put(&self, _ed: &str, path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        safe_rel(path).map(|_| ())
    }
}

/// Keeps files in memory: edition -> path -> bytes.
#[derive(Default)]
pub struct MemorySink {
    pub files: Mutex<BTreeMap<String, BTreeMap<String, Vec<u8>>>>,
}

impl Sink for MemorySink {
    fn put(&self, ed: &str, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        safe_rel(path)?;
        let mut f = self
            .files
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?;
        f.entry(ed.to_string())
            .or_default()
            .insert(path.to_string(), bytes);
        Ok(())
    }
}

/// A staging folder inside `out`, removed on drop unless swapped in.
pub struct Staging {
    pub dir: tempfile::TempDir,
    pub out: PathBuf,
}

/// Creates `out` if needed and a hidden staging folder inside it, so that the
/// final renames stay on one filesystem.
pub fn stage(out: &Path) -> io::Result<Staging> {
    std::fs::create_dir_all(out)?;
    let dir = tempfile::Builder::new()
        .prefix(".vouch-staging-")
        .tempdir_in(out)?;
    Ok(Staging {
        dir,
        out: out.to_path_buf(),
    })
}

impl Staging {
    /// Moves each staged edition to `out/<edition>`, replacing the old one.
    pub fn commit(self, editions: &[String]) -> io::Result<()> {
        for ed in editions {
            let new = self.dir.path().join(ed);
            if !new.is_dir() {
                continue;
            }
            let target = self.out.join(ed);
            let old = self.dir.path().join(format!(".old-{ed}"));
            if target.exists() {
                std::fs::rename(&target, &old)?;
            }
            if let Err(e) = std::fs::rename(&new, &target) {
                // Put the previous edition back before reporting.
                if old.exists() {
                    let _ = std::fs::rename(&old, &target);
                }
                return Err(e);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_edition() {
        let m = MemorySink::default();
        assert!(m.put("public", "/../x", vec![]).is_err());
        assert!(m.put("public", "/a/../../x", vec![]).is_err());
        assert!(m.put("public", "/a/b.html", vec![]).is_ok());
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
        }
        .put("public", "/new.html", b"new".to_vec())
        .unwrap();
        s.commit(&["public".into()]).unwrap();
        assert!(out.join("public/new.html").exists());
        assert!(!out.join("public/old.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }
}
