//! Stage 1, load: find the project's source files and read them as UTF-8 text.
//!
//! Layout (spec §1): `content/site.yaml`, `content/scope.md`, `content/{policies,
//! assessments,notices,pages}/*.md`, `content/registers/*.yaml` and
//! `content/registers/systems/*.yaml`. Files are listed in sorted order so every
//! later stage is deterministic.

use crate::diagnostics::{rule, Diagnostic};
use crate::source::{file_diag, FileId, SourceFile, Sources};
use std::path::{Path, PathBuf};

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
}

impl Register {
    /// All list registers with their file names.
    pub const ALL: [(Register, &'static str); 5] = [
        (Register::Controls, "controls.yaml"),
        (Register::Evidence, "evidence.yaml"),
        (Register::Risks, "risks.yaml"),
        (Register::Suppliers, "suppliers.yaml"),
        (Register::Faq, "faq.yaml"),
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

/// Reads the project under `root` (the folder that holds `content/`).
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(LoadError(format!(
            "no content/ folder in {} (use --root to point at a vouch project)",
            root.display()
        )));
    }
    let mut l = Loaded {
        root: root.to_path_buf(),
        content: content.clone(),
        ..Default::default()
    };
    let site = content.join("site.yaml");
    if site.is_file() {
        l.site = read(&mut l, &site)?;
    } else {
        l.diagnostics.push(file_diag(
            &rule::MISSING_FILE,
            "content/site.yaml",
            "the project has no content/site.yaml",
        ));
    }
    let scope = content.join("scope.md");
    if scope.is_file() {
        if let Some(id) = read(&mut l, &scope)? {
            l.docs.push((DocKind::Scope, id));
        }
    }
    for (dir, kind) in [
        ("policies", DocKind::Policy),
        ("assessments", DocKind::Assessment),
        ("notices", DocKind::Notice),
        ("pages", DocKind::Page),
    ] {
        for path in list(&content.join(dir), "md")? {
            if let Some(id) = read(&mut l, &path)? {
                l.docs.push((kind, id));
            }
        }
    }
    let registers = content.join("registers");
    for (reg, name) in Register::ALL {
        let path = registers.join(name);
        if path.is_file() {
            if let Some(id) = read(&mut l, &path)? {
                l.registers.push((reg, id));
            }
        }
    }
    for ext in ["yaml", "yml"] {
        for path in list(&registers.join("systems"), ext)? {
            if let Some(id) = read(&mut l, &path)? {
                l.systems.push(id);
            }
        }
    }
    Ok(l)
}

/// Sorted files with extension `ext` directly inside `dir` (none if it is absent).
fn list(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, LoadError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| LoadError(format!("cannot read {}: {e}", dir.display())))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    Ok(out)
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

/// Reads one file; a non-UTF-8 file becomes a diagnostic, not a failure.
fn read(l: &mut Loaded, path: &Path) -> Result<Option<FileId>, LoadError> {
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError(format!("cannot read {}: {e}", path.display())))?;
    let rel = rel_path(&l.root, path);
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(Some(l.sources.add(SourceFile::new(
                rel,
                path.to_path_buf(),
                text,
            ))))
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
            l.diagnostics.push(d);
            Ok(None)
        }
    }
}
