//! Stage 9, write: pages go to a temporary folder beside the output, and each
//! finished edition is swapped into place with renames only after the whole
//! build (including the link check) succeeded. A failed build leaves the
//! previous editions exactly as they were.
//!
//! The previous output (tens of thousands of files) is neither deleted nor
//! rebuilt from empty folders: the swap keeps each replaced edition as
//! `.vouch-reuse-<edition>`, and the next build writes into it (`reuse`).
//! What cannot be kept (and a staging folder of a killed build) is removed
//! off the critical path: by a background thread ([`Cleanup`]), or by the
//! next build's `sweep`, which runs beside that build's rendering.

mod reuse;

pub use reuse::{Reuse, REUSE_PREFIX};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

/// Refuses an edition name that is not one plain folder name (validation
/// requires ids; this keeps a bad name from ever leaving `--out`).
fn safe_edition(ed: &str) -> io::Result<&str> {
    let mut chars = ed.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(ed)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unsafe edition name {ed:?}"),
        ))
    }
}

/// Writes into `<staging>/<edition>/...`.
pub struct DiskSink {
    pub staging: PathBuf,
    /// The output folder whose editions the staged ones will replace: a
    /// file whose bytes are the same as the published one's is hard-linked
    /// from it instead of written again (`None`: always write).
    pub previous: Option<PathBuf>,
    /// The editions' replaced outputs this build writes into instead of
    /// empty folders ([`Staging::reuse`]; `None`: start empty).
    pub reuse: Option<Arc<Reuse>>,
}

impl Sink for DiskSink {
    fn put(&self, ed: &str, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let (ed, rel) = (safe_edition(ed)?, safe_rel(path)?);
        let full = self.staging.join(ed).join(rel);
        let way = match &self.reuse {
            Some(r) => r.make_way(ed, rel, &bytes)?,
            None => None,
        };
        let parent_exists = match way {
            Some(reuse::Way::Kept) => return Ok(()),
            Some(reuse::Way::Write { parent_exists }) => parent_exists,
            None => false,
        };
        if let Some(parent) = full.parent().filter(|_| !parent_exists) {
            std::fs::create_dir_all(parent)?;
        }
        if let Some(prev) = &self.previous {
            if let Some(old) = unchanged(&prev.join(ed), rel, &bytes) {
                match std::fs::hard_link(&old, &full) {
                    Ok(()) => return Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
                    Err(_) => {}
                }
            }
        }
        write_new(&full, &bytes)
    }
}

/// Writes a new file, refusing a path that exists: a file already there
/// (a second write to one path, or a name that differs only in case on a
/// case-insensitive disk) may share its inode with a published file, and
/// opening it for writing would change the published file in place.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)
}

/// The published file at `edition/rel` when it holds exactly `bytes` and is
/// a regular file reached through real folders only (no symlink anywhere
/// below `edition`, so the link can never take a file from outside the
/// output folder).
///
/// Why link: a rebuild mostly writes what is already published. Writing
/// every file again and then removing the old copies cost a 10,000-page
/// project about 20 s of kernel time per build on a 2-core machine; a link
/// and a comparison cost a read from the page cache, and removing the old
/// edition then frees no data. The swap is unchanged: the staged edition is
/// complete before it replaces the old one, which is only renamed aside.
fn unchanged(edition: &Path, rel: &str, bytes: &[u8]) -> Option<PathBuf> {
    if !std::fs::symlink_metadata(edition).ok()?.is_dir() {
        return None;
    }
    let mut at = edition.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let meta = std::fs::symlink_metadata(&at).ok()?;
        let last = i + 1 == parts.len();
        let ok = if last {
            meta.is_file() && meta.len() == bytes.len() as u64
        } else {
            meta.is_dir()
        };
        if !ok {
            return None;
        }
    }
    (std::fs::read(&at).ok()? == bytes).then_some(at)
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
    /// The sweep of folders left by earlier builds, running beside this one.
    sweeper: Option<std::thread::JoinHandle<()>>,
    /// The replaced editions this build writes into ([`Staging::reuse`]).
    reuse: Option<Arc<Reuse>>,
}

/// The removal of what a swap could not keep (see [`Staging::commit`]),
/// running in the background. Dropping it lets the removal go on (or stop at process exit:
/// the next build's sweep finishes it); [`Cleanup::wait`] waits for it.
pub struct Cleanup(Option<std::thread::JoinHandle<()>>);

impl Cleanup {
    /// Waits until that removal is done.
    pub fn wait(mut self) {
        if let Some(h) = self.0.take() {
            // A panic while removing leaves only disk space behind, which
            // the next sweep takes; nothing to report.
            let _ = h.join();
        }
    }
}

/// The name every staging folder starts with.
pub const STAGING_PREFIX: &str = ".vouch-staging-";

/// Creates `out` if needed and a hidden staging folder inside it, so that the
/// final renames stay on one filesystem. Staging folders left by a build
/// that was killed, or by one that exited before its old output was
/// removed, are removed by a thread that runs beside the build and is joined
/// before the swap returns. The folder's name carries this process's id
/// (`.vouch-staging-<pid>-<random>`), so a concurrent build's folder is
/// recognised and left alone (this one's too: it carries our own id).
pub fn stage(out: &Path) -> io::Result<Staging> {
    std::fs::create_dir_all(out)?;
    let swept = out.to_path_buf();
    let sweeper = std::thread::Builder::new()
        .name("vouch-sweep".into())
        .spawn(move || sweep(&swept))
        .ok();
    if sweeper.is_none() {
        // No thread to spare: sweep here, as before.
        sweep(out);
    }
    let dir = tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
        .tempdir_in(out)?;
    Ok(Staging {
        dir,
        out: out.to_path_buf(),
        sweeper,
        reuse: None,
    })
}

/// Removes the staging folders in `out` whose build is no longer running.
/// Best effort: a folder that cannot be removed now is tried again next time.
fn sweep(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(STAGING_PREFIX)) else {
            continue;
        };
        // Only real folders: a symlink named like one is removed as a link,
        // never followed.
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let owner = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if owner.is_some_and(running) {
            continue;
        }
        let _ = if is_dir {
            std::fs::remove_dir_all(e.path())
        } else {
            std::fs::remove_file(e.path())
        };
    }
}

/// Whether process `pid` still runs (then its staging folder is in use).
/// Where that cannot be told, the answer is yes: a leftover folder is only
/// disk space, a concurrent build's folder is its output.
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    if cfg!(unix) {
        return std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    }
    true
}

impl Staging {
    /// Claims the trees the last swap kept for `editions` (see
    /// `reuse`), for a [`DiskSink`] to write into. Names
    /// that are not safe edition names are skipped (the commit refuses them).
    pub fn reuse(&mut self, editions: &[String]) -> Arc<Reuse> {
        let safe: Vec<String> = editions
            .iter()
            .filter(|e| safe_edition(e).is_ok())
            .cloned()
            .collect();
        let r = Arc::new(Reuse::claim(&self.out, self.dir.path(), &safe));
        self.reuse = Some(r.clone());
        r
    }

    /// Moves each staged edition to `out/<edition>`, replacing the old one,
    /// and starts removing the old ones in the background.
    ///
    /// Each swap is two renames (old edition into the staging folder, new
    /// one into its place), so `out/<edition>` is always a complete edition.
    /// Each replaced edition is then kept for the next build (`reuse`).
    /// Anything left in the staging folder (an edition that could not be
    /// kept) is removed by the [`Cleanup`] thread; the folder's name carries
    /// this process's id, so no other build's sweep touches it meanwhile,
    /// and once this process has exited, the next build's sweep removes
    /// what is left.
    ///
    /// `all` names every edition of the site (a build of one edition keeps
    /// the others' trees): a kept tree of an edition the site no longer
    /// has (renamed or removed in `site.yaml`) would never be claimed
    /// again, so it is moved into the staging folder and removed with it.
    pub fn commit(mut self, editions: &[String], all: &[String]) -> io::Result<Cleanup> {
        // The sweep of earlier leftovers ran beside the whole build; it is
        // joined here so that a build never returns with it still running.
        if let Some(h) = self.sweeper.take() {
            let _ = h.join();
        }
        // Every name is checked before the first rename, so a bad one
        // cannot leave some editions swapped in and others not.
        for ed in editions {
            safe_edition(ed)?;
        }
        // A reused tree holds only what this build wrote before it is swapped in.
        if let Some(r) = &self.reuse {
            r.finish()?;
        }
        let mut moved_aside = false;
        for ed in editions {
            let new = self.dir.path().join(ed);
            let unused = self.reuse.as_ref().is_some_and(|r| r.unused(ed));
            if !new.is_dir() || unused {
                continue;
            }
            let target = self.out.join(ed);
            let old = self.dir.path().join(format!(".old-{ed}"));
            if target.exists() {
                std::fs::rename(&target, &old)?;
                moved_aside = true;
            }
            if let Err(e) = std::fs::rename(&new, &target) {
                // Put the previous edition back before reporting.
                if old.exists() {
                    let _ = std::fs::rename(&old, &target);
                }
                return Err(e);
            }
        }
        // Each replaced edition is kept for the next build to write into
        // (see `reuse`); one that cannot be kept (another build kept its
        // own first), and a reused tree that could not be used, are removed
        // with the staging folder below.
        for ed in editions.iter().filter(|_| moved_aside) {
            let old = self.dir.path().join(format!(".old-{ed}"));
            let kept = self.out.join(format!("{REUSE_PREFIX}{ed}"));
            if old.exists() {
                let _ = std::fs::rename(&old, kept);
            }
        }
        self.forget_kept_except(all);
        let left = std::fs::read_dir(self.dir.path()).map_or(true, |mut d| d.next().is_some());
        if !left {
            // Nothing old: the staging folder is empty, one `rmdir` (on drop).
            return Ok(Cleanup(None));
        }
        let aside = self.dir.keep();
        let moved = aside.clone();
        let handle = std::thread::Builder::new()
            .name("vouch-cleanup".into())
            .spawn(move || {
                let _ = std::fs::remove_dir_all(moved);
            });
        match handle {
            Ok(h) => Ok(Cleanup(Some(h))),
            Err(_) => {
                // No thread to spare: remove it here, as before.
                let _ = std::fs::remove_dir_all(aside);
                Ok(Cleanup(None))
            }
        }
    }
}

impl Staging {
    /// Moves every `.vouch-reuse-<name>` of `out` whose name is not in
    /// `all` into the staging folder (a rename moves a symlink itself,
    /// never what it points at). Best effort: one left behind is only
    /// disk space, tried again by the next build.
    fn forget_kept_except(&self, all: &[String]) {
        let Ok(entries) = std::fs::read_dir(&self.out) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            let Some(ed) = name.to_str().and_then(|n| n.strip_prefix(REUSE_PREFIX)) else {
                continue;
            };
            if !all.iter().any(|a| a == ed) {
                let _ = std::fs::rename(e.path(), self.dir.path().join(format!(".gone-{ed}")));
            }
        }
    }
}

/// Refuses an output folder that would overwrite or publish the build's own
/// input: `--out` may not be the project root, `content/` or `themes/`, lie
/// inside `content/` or `themes/`, or be a parent of any of them (editions
/// would land beside the project, and leftovers would be swept up with it).
/// Paths are compared with every symlink resolved.
pub fn check_out(root: &Path, out: &Path) -> Result<(), String> {
    let io = |e: std::io::Error| format!("cannot resolve {}: {e}", out.display());
    let real_out = resolve(out).map_err(io)?;
    let real_root = resolve(root).map_err(io)?;
    let guarded = [
        ("the project folder", real_root.clone(), false),
        (
            "content/",
            resolve(&root.join("content")).map_err(io)?,
            true,
        ),
        ("themes/", resolve(&root.join("themes")).map_err(io)?, true),
    ];
    for (what, dir, no_inside) in guarded {
        let problem = if real_out == dir {
            Some(format!("is {what}"))
        } else if dir.starts_with(&real_out) {
            Some(format!("holds {what}"))
        } else if no_inside && real_out.starts_with(&dir) {
            Some(format!("lies inside {what}"))
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(format!(
                "--out {} {p}; give a folder of its own, such as `site` (the default)",
                out.display()
            ));
        }
    }
    Ok(())
}

/// `path` made absolute with every symlink resolved, for a path whose end
/// does not exist yet too: the longest existing ancestor is resolved and the
/// rest appended (`.` dropped, `..` taking a component off).
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut rest = Vec::new();
    let mut base = abs.as_path();
    let mut real = loop {
        match std::fs::canonicalize(base) {
            Ok(r) => break r,
            Err(_) => {
                rest.push(base.file_name().map(|n| n.to_os_string()));
                match base.parent() {
                    Some(p) => base = p,
                    None => break PathBuf::from("/"),
                }
            }
        }
    };
    for part in rest.into_iter().rev() {
        match part {
            Some(n) => real.push(n),
            // `file_name` is `None` for a trailing `..`.
            None => {
                real.pop();
            }
        }
    }
    Ok(real)
}

#[cfg(test)]
mod tests;
