//! Reuse of an edition's replaced output as the next build's staging tree.
//!
//! Why: with one folder per page, a rebuild of a 10,000-page project made
//! 30,000 folders and deleted 30,000 files and folders of the old output;
//! on ext4 (worse when mounted with `discard`) that kernel work was the
//! largest part of a rebuild. So the swap keeps the edition it replaced as
//! `--out/.vouch-reuse-<edition>`, and the next build:
//!
//! 1. claims it by renaming it into its own staging folder (a rename: two
//!    builds can never claim one tree);
//! 2. walks it without following anything: a symlink, socket or other
//!    special file, or a name that is not UTF-8, is removed there and then;
//!    a tree that cannot be walked is set aside and not used;
//! 3. for each file it writes, keeps the file already there when its bytes
//!    are the same, and otherwise unlinks it and writes a new one — never in
//!    place, because the inode may be shared by hard link with the published
//!    edition;
//! 4. before the swap, removes every file it did not write and every folder
//!    left empty, and fails the build if one cannot be removed: the staged
//!    edition holds exactly what this build produced, as a fresh one would.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

/// The name an edition's reusable tree has in `--out`, before its edition name.
pub const REUSE_PREFIX: &str = ".vouch-reuse-";

/// What a claimed tree held when it was walked, less what this build has
/// written since.
#[derive(Debug, Default)]
struct Walked {
    /// Regular files not yet written by this build: relative path -> length.
    files: Mutex<HashMap<String, u64>>,
    /// Real folders (relative; `""` is the edition folder itself).
    dirs: HashSet<String>,
    /// Folders that held nothing when walked (removed if still empty).
    empty: Vec<String>,
}

/// One edition's claimed tree, walked in the background.
struct Claim {
    root: PathBuf,
    /// Whether this build wrote anything into it (one that wrote nothing
    /// is not swapped in, as an edition with no staged folder is not).
    used: std::sync::atomic::AtomicBool,
    walk: Mutex<Option<JoinHandle<io::Result<Walked>>>>,
    walked: OnceLock<Result<Option<Walked>, String>>,
}

/// The trees a build reuses, by edition name.
#[derive(Default)]
pub struct Reuse {
    claims: HashMap<String, Claim>,
}

/// What a write needs once the reused tree has made way for it.
pub(super) enum Way {
    /// The file there already holds these bytes.
    Kept,
    /// Write the file; `parent_exists` spares the folder creation.
    Write { parent_exists: bool },
}

impl Reuse {
    /// Claims `out/.vouch-reuse-<ed>` for each edition as `staging/<ed>` and
    /// starts walking it. An edition with no tree (or one another build
    /// claimed first) is staged from scratch.
    pub(super) fn claim(out: &Path, staging: &Path, editions: &[String]) -> Reuse {
        let mut claims = HashMap::new();
        for ed in editions {
            let root = staging.join(ed);
            if std::fs::rename(out.join(format!("{REUSE_PREFIX}{ed}")), &root).is_err() {
                continue;
            }
            let walked_root = root.clone();
            let thread = std::thread::Builder::new()
                .name("vouch-reuse".into())
                .spawn(move || walk(&walked_root));
            let claim = Claim {
                root,
                used: Default::default(),
                // No thread to spare: the first write walks it.
                walk: Mutex::new(thread.ok()),
                walked: OnceLock::new(),
            };
            claims.insert(ed.clone(), claim);
        }
        Reuse { claims }
    }

    /// The walked tree of edition `ed`, waiting for the walk if needed;
    /// `None` when the edition has none. A tree whose walk failed is moved
    /// out of the way (once), so the edition is staged from scratch.
    fn walked(&self, ed: &str) -> io::Result<Option<&Walked>> {
        let Some(c) = self.claims.get(ed) else {
            return Ok(None);
        };
        let walked = c.walked.get_or_init(|| {
            let handle = c.walk.lock().ok().and_then(|mut h| h.take());
            let result = match handle.map(JoinHandle::join) {
                Some(Ok(r)) => r.map_err(|e| e.to_string()),
                Some(Err(_)) => Err("the walk of the kept edition stopped".into()),
                None => walk(&c.root).map_err(|e| e.to_string()),
            };
            match result {
                Ok(w) => Ok(Some(w)),
                Err(why) => match set_aside(&c.root) {
                    Ok(()) => Ok(None),
                    Err(e) => Err(format!("{why}; cannot set it aside: {e}")),
                },
            }
        });
        match walked {
            Ok(w) => Ok(w.as_ref()),
            Err(why) => Err(io::Error::other(why.clone())),
        }
    }

    /// Makes way for `bytes` at `rel` of edition `ed` (see the module
    /// steps); `None` when the edition reuses no tree.
    pub(super) fn make_way(&self, ed: &str, rel: &str, bytes: &[u8]) -> io::Result<Option<Way>> {
        if let Some(c) = self.claims.get(ed) {
            c.used.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let Some(w) = self.walked(ed)? else {
            return Ok(None);
        };
        let root = &self.claims[ed].root;
        let full = root.join(rel);
        let was = lock(&w.files)?.remove(rel);
        if let Some(len) = was {
            if len == bytes.len() as u64 && std::fs::read(&full).is_ok_and(|b| b == bytes) {
                return Ok(Some(Way::Kept));
            }
            std::fs::remove_file(&full)?;
        } else if w.dirs.contains(rel) {
            // A folder where a file now belongs: what the kept tree had in
            // it goes; anything this build wrote there keeps the folder,
            // and the write fails as it would in an empty staging folder.
            clear_folder(w, root, rel)?;
        }
        let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
        if w.dirs.contains(parent) {
            return Ok(Some(Way::Write {
                parent_exists: true,
            }));
        }
        // A file where a folder now belongs.
        let mut files = lock(&w.files)?;
        for (i, _) in rel.match_indices('/') {
            if files.remove(&rel[..i]).is_some() {
                std::fs::remove_file(root.join(&rel[..i]))?;
            }
        }
        Ok(Some(Way::Write {
            parent_exists: false,
        }))
    }

    /// Whether edition `ed` was claimed and this build wrote nothing into it.
    pub(super) fn unused(&self, ed: &str) -> bool {
        self.claims
            .get(ed)
            .is_some_and(|c| !c.used.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Step 4: removes what this build did not write from every reused
    /// tree. Any file that cannot be removed fails the build.
    pub(super) fn finish(&self) -> io::Result<()> {
        for ed in self.claims.keys() {
            let Some(w) = self.walked(ed)? else {
                continue;
            };
            let root = &self.claims[ed].root;
            let stale: Vec<String> = lock(&w.files)?.drain().map(|(rel, _)| rel).collect();
            let mut emptied: Vec<&str> = Vec::new();
            for rel in &w.empty {
                emptied.push(rel);
                emptied.extend(rel.match_indices('/').map(|(i, _)| &rel[..i]));
            }
            for rel in &stale {
                match std::fs::remove_file(root.join(rel)) {
                    Ok(()) => {}
                    // Gone with a folder a file replaced.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                emptied.extend(rel.match_indices('/').map(|(i, _)| &rel[..i]));
            }
            // Deepest first, so a folder emptied by removing its only
            // folder goes too; a folder that still holds something stays.
            emptied.sort_unstable_by(|a, b| {
                let depth = |r: &str| r.matches('/').count();
                depth(b).cmp(&depth(a)).then(a.cmp(b))
            });
            emptied.dedup();
            for rel in emptied {
                let _ = std::fs::remove_dir(root.join(rel));
            }
        }
        Ok(())
    }
}

/// Removes the kept files under folder `rel`, then its now empty folders
/// and the folder itself; fails if something this build wrote is in it.
fn clear_folder(w: &Walked, root: &Path, rel: &str) -> io::Result<()> {
    let inside = format!("{rel}/");
    let mut files = lock(&w.files)?;
    let gone: Vec<String> = files
        .keys()
        .filter(|f| f.starts_with(&inside))
        .cloned()
        .collect();
    for f in gone {
        files.remove(&f);
        std::fs::remove_file(root.join(&f))?;
    }
    let mut dirs: Vec<&String> = w.dirs.iter().filter(|d| d.starts_with(&inside)).collect();
    dirs.sort_unstable_by_key(|d| std::cmp::Reverse(d.len()));
    for d in dirs {
        // A sub-folder that still holds something fails the last removal.
        let _ = std::fs::remove_dir(root.join(d));
    }
    std::fs::remove_dir(root.join(rel))
}

fn lock<T>(m: &Mutex<T>) -> io::Result<std::sync::MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| io::Error::other("a writer stopped while holding the reused tree"))
}

/// Moves a tree that cannot be used out of the edition's place in the
/// staging folder; it is removed with the staging folder.
fn set_aside(root: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(root).is_err() {
        return Ok(());
    }
    let name = root
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("edition");
    std::fs::rename(root, root.with_file_name(format!(".unused-{name}")))
}

/// Step 2: the regular files and real folders under `root`; anything else
/// (and any name that is not UTF-8) is removed, never followed.
fn walk(root: &Path) -> io::Result<Walked> {
    // The kept tree itself may have been replaced by a link or a file: it
    // is then set aside (by [`Reuse::walked`]), never followed.
    if !std::fs::symlink_metadata(root)?.is_dir() {
        return Err(io::Error::other("the kept edition is not a folder"));
    }
    let mut w = Walked::default();
    let mut files = HashMap::new();
    w.dirs.insert(String::new());
    let mut todo = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = todo.pop() {
        let mut held = false;
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                remove_any(&path, kind.is_dir())?;
                continue;
            };
            let sub = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if kind.is_dir() {
                held = true;
                w.dirs.insert(sub.clone());
                todo.push((path, sub));
            } else if kind.is_file() {
                held = true;
                // `DirEntry::metadata` does not follow a symlink.
                files.insert(sub, entry.metadata()?.len());
            } else {
                std::fs::remove_file(&path)?;
            }
        }
        if !held && !rel.is_empty() {
            w.empty.push(rel);
        }
    }
    w.files = Mutex::new(files);
    Ok(w)
}

/// Removes a file, link or folder (a folder with everything in it; the
/// removal never follows a symlink).
fn remove_any(path: &Path, is_dir: bool) -> io::Result<()> {
    if is_dir {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}
