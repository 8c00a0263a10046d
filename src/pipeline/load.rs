//! Stage 1, load: find the project's source files and read them as UTF-8 text.
//!
//! Layout (spec §1): `content/site.yaml`, `content/scope.md`, `content/{policies,
//! assessments,notices,pages}/*.md`, `content/registers/*.yaml` and
//! `content/registers/systems/*.yaml`. Files are listed in sorted order so every
//! later stage is deterministic.

use crate::core::diagnostics::{rule, Diagnostic};
use crate::core::memo::{Cache, Stamp};
use crate::core::source::{file_diag, FileId, SourceFile, Sources, WithHelp};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Kind of Markdown document, from its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    Scope,
    Policy,
    Assessment,
    Notice,
    Page,
}

/// The registers, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Controls,
    Evidence,
    Risks,
    Suppliers,
    Faq,
    Objectives,
    Competence,
    Monitoring,
    Audits,
    Reviews,
    Nonconformities,
}

impl Register {
    /// All list registers with their file names.
    pub const ALL: [(Register, &'static str); 11] = [
        (Register::Controls, "controls.yaml"),
        (Register::Evidence, "evidence.yaml"),
        (Register::Risks, "risks.yaml"),
        (Register::Suppliers, "suppliers.yaml"),
        (Register::Faq, "faq.yaml"),
        (Register::Objectives, "objectives.yaml"),
        (Register::Competence, "competence.yaml"),
        (Register::Monitoring, "monitoring.yaml"),
        (Register::Audits, "audits.yaml"),
        (Register::Reviews, "reviews.yaml"),
        (Register::Nonconformities, "nonconformities.yaml"),
    ];
}

/// Everything read from disk.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    pub root: PathBuf,
    pub content: PathBuf,
    pub sources: Sources,
    pub site: Option<FileId>,
    pub docs: Vec<(DocKind, FileId)>,
    pub registers: Vec<(Register, FileId)>,
    pub systems: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Failure to read the project at all (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// Reads the project under `root` (the folder that holds `content/`).
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    load_cached(root, None)
}

/// What a file is, from where it sits.
#[derive(Clone, Copy)]
enum Role {
    Site,
    Doc(DocKind),
    Register(Register),
    System,
}

/// [`load`] with the dev server's cache: a file whose size and timestamps
/// did not change since it was last read is not read again. Files are read
/// in parallel; their order (and so every later stage) stays deterministic.
pub fn load_cached(root: &Path, cache: Option<&Cache>) -> Result<Loaded, LoadError> {
    use rayon::prelude::*;
    let content = root.join("content");
    if !content.is_dir() {
        return Err(LoadError(format!(
            "no content/ folder in {} (use --root to point at a vouch project, or `vouch new DIR` to start one)",
            root.display()
        )));
    }
    let mut l = Loaded {
        root: root.to_path_buf(),
        content: content.clone(),
        ..Default::default()
    };
    let files = list_project(&content, &mut l.diagnostics)?;
    let read: Vec<_> = files
        .par_iter()
        .map(|(role, path)| read(root, path, cache, matches!(role, Role::Doc(_))))
        .collect();
    for ((role, _), file) in files.into_iter().zip(read) {
        let file = match file? {
            Ok(f) => f,
            Err(d) => {
                l.diagnostics.push(*d);
                continue;
            }
        };
        let id = l.sources.add_shared(file);
        match role {
            Role::Site => l.site = Some(id),
            Role::Doc(kind) => l.docs.push((kind, id)),
            Role::Register(reg) => l.registers.push((reg, id)),
            Role::System => l.systems.push(id),
        }
    }
    Ok(l)
}

/// Every source file of the project with its role, in a fixed order. A
/// symlink that leads out of `content/` is refused, not read (a diagnostic
/// names it), and a folder where a file belongs is an error, not skipped.
fn list_project(
    content: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<(Role, PathBuf)>, LoadError> {
    let fence = Fence::new(content)?;
    let mut files = Vec::new();
    let site = content.join("site.yaml");
    let before = diags.len();
    if fence.file(&site, diags) {
        files.push((Role::Site, site));
    } else if diags.len() == before {
        diags.push(
            file_diag(
                &rule::MISSING_FILE,
                "content/site.yaml",
                "the project has no content/site.yaml",
            )
            .help("write it (see docs/content.md), or run `vouch new DIR` for a starter project to copy it from"),
        );
    }
    let scope = content.join("scope.md");
    if fence.file(&scope, diags) {
        files.push((Role::Doc(DocKind::Scope), scope));
    }
    for (dir, kind) in [
        ("policies", DocKind::Policy),
        ("assessments", DocKind::Assessment),
        ("notices", DocKind::Notice),
        ("pages", DocKind::Page),
    ] {
        for path in fence.list(&content.join(dir), "md", diags)? {
            files.push((Role::Doc(kind), path));
        }
    }
    let registers = content.join("registers");
    if fence.dir(&registers, diags) {
        for (reg, name) in Register::ALL {
            let path = registers.join(name);
            if fence.file(&path, diags) {
                files.push((Role::Register(reg), path));
            }
        }
    }
    for ext in ["yaml", "yml"] {
        for path in fence.list(&registers.join("systems"), ext, diags)? {
            files.push((Role::System, path));
        }
    }
    Ok(files)
}

/// Where `path` leads once every symlink is resolved, when that is inside
/// `dir` (resolved too). `None` when it leads outside or cannot be resolved.
/// Every file vouch reads from `content/` or a theme, and every file it
/// publishes, goes through this or [`Fence`], so a link to `/etc/passwd` or
/// `/proc/self/environ` is never read into a site.
pub fn resolve_inside(dir: &Path, path: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).ok()?;
    let real = std::fs::canonicalize(path).ok()?;
    real.starts_with(&dir).then_some(real)
}

/// Reads `path` only if it resolves inside `dir` (see [`resolve_inside`]).
pub fn read_inside(dir: &Path, path: &Path) -> std::io::Result<Vec<u8>> {
    match resolve_inside(dir, path) {
        Some(real) => std::fs::read(real),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{} leads outside {}", path.display(), dir.display()),
        )),
    }
}

/// The boundary of `content/`: decides whether a path may be read, and
/// reports the paths that may not.
struct Fence {
    /// `content/` as given (for project-relative names in diagnostics).
    content: PathBuf,
    /// `content/` with every symlink resolved.
    real: PathBuf,
}

impl Fence {
    fn new(content: &Path) -> Result<Self, LoadError> {
        let real = std::fs::canonicalize(content)
            .map_err(|e| LoadError(format!("cannot read {}: {e}", content.display())))?;
        Ok(Fence {
            content: content.to_path_buf(),
            real,
        })
    }

    /// The project-relative name of `path` (`content/...`).
    fn rel(&self, path: &Path) -> String {
        let root = self.content.parent().unwrap_or(&self.content);
        rel_path(root, path)
    }

    /// True when `path` resolves inside `content/`; otherwise reports it.
    /// Only a symlink somewhere on the way can lead out, and checking costs
    /// a system call per component, so callers ask only about symlinks and
    /// the fixed folders.
    fn inside(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> bool {
        match std::fs::canonicalize(path) {
            Ok(real) if real.starts_with(&self.real) => true,
            Ok(real) => {
                let rel = self.rel(path);
                diags.push(
                    file_diag(
                        &rule::UNSAFE_PATH,
                        &rel,
                        format!("`{rel}` leads to {}, outside content/", real.display()),
                    )
                    .help("copy the file into content/ instead of linking to it"),
                );
                false
            }
            // A dangling link leads nowhere: nothing to read, as if absent.
            Err(_) => false,
        }
    }

    /// True when `path` is a file that may be read: a plain file, or a
    /// symlink to a file inside `content/`. A folder or device there is
    /// reported, as is a link leading out.
    fn file(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> bool {
        let Ok(meta) = path.symlink_metadata() else {
            return false;
        };
        if meta.file_type().is_symlink() && !self.inside(path, diags) {
            return false;
        }
        if path.is_file() {
            return true;
        }
        if path.exists() {
            let rel = self.rel(path);
            diags.push(
                file_diag(
                    &rule::NOT_A_FILE,
                    &rel,
                    format!("`{rel}` is a folder or special file, not a file"),
                )
                .help("replace it with the file vouch reads here, or remove it"),
            );
        }
        false
    }

    /// True when `dir` is a folder that resolves inside `content/`.
    fn dir(&self, dir: &Path, diags: &mut Vec<Diagnostic>) -> bool {
        dir.is_dir() && self.inside(dir, diags)
    }

    /// Sorted files with extension `ext` directly inside `dir` (none if it
    /// is absent or leads outside `content/`).
    fn list(
        &self,
        dir: &Path,
        ext: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<Vec<PathBuf>, LoadError> {
        if !self.dir(dir, diags) {
            return Ok(Vec::new());
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| LoadError(format!("cannot read {}: {e}", dir.display())))?;
        // The entry's own type costs no system call on most file systems; only
        // a symlink is resolved, to see whether it leads to a file inside.
        let mut out = Vec::new();
        for e in entries.filter_map(|e| e.ok()) {
            let path = e.path();
            if path.extension().is_none_or(|x| x != ext) {
                continue;
            }
            let Ok(t) = e.file_type() else { continue };
            if t.is_file() || (t.is_symlink() && path.is_file() && self.inside(&path, diags)) {
                out.push(path);
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Project-relative, `/`-separated path for diagnostics.
pub fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A file as read, or why it is not usable text.
type Read = Result<Arc<SourceFile>, Box<Diagnostic>>;

/// Reads one file; a non-UTF-8 file becomes a diagnostic, not a failure.
/// A Markdown document's text is held packed (`pack`, see
/// [`SourceFile::packed`]).
fn read(root: &Path, path: &Path, cache: Option<&Cache>, pack: bool) -> Result<Read, LoadError> {
    let stamp = cache.and_then(|_| Stamp::of(path));
    if let (Some(c), Some(s)) = (cache, &stamp) {
        if let Some(f) = c.file(path, s) {
            return Ok(Ok(f));
        }
    }
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError(format!("cannot read {}: {e}", path.display())))?;
    let rel = rel_path(root, path);
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            let file = Arc::new(match pack {
                true => SourceFile::packed(rel, path.to_path_buf(), text),
                false => SourceFile::new(rel, path.to_path_buf(), text),
            });
            if let (Some(c), Some(s)) = (cache, stamp) {
                c.put_file(path, s, file.clone());
            }
            Ok(Ok(file))
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            let col = at
                - bytes[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            let mut d = file_diag(
                &rule::NOT_UTF8,
                &rel,
                format!("the file is not valid UTF-8 (byte {at})"),
            );
            d.line = line;
            d.column = col;
            d.help = Some("save the file with UTF-8 encoding".into());
            Ok(Err(Box::new(d)))
        }
    }
}
