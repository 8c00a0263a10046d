//! `vouch diff REV [REV2]`: the public claims that changed between two git
//! revisions, as a Markdown report for review before publishing.
//!
//! Each revision's `content/` is materialised into a temporary folder with
//! read-only git commands (`ls-tree` and one `cat-file --batch`), analysed
//! with the normal pipeline, and the entities the public edition publishes
//! (level 0) are compared field by field. Text is compared as the public
//! edition renders it, so an edit inside an `:::internal` passage is not a
//! change of a public claim. Without REV2 the working tree is the new side.

use crate::build::{analyse, Failure, Options};
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why `vouch diff` could not produce a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffError {
    /// Not a git repository, unknown revision, git failed (exit code 2).
    Usage(String),
    /// A revision's content cannot be read at all (exit code 1).
    Content(String),
}

impl DiffError {
    /// The exit status this error ends `vouch diff` with.
    pub fn exit(&self) -> crate::core::exit::Exit {
        match self {
            DiffError::Usage(_) => crate::core::exit::Exit::Usage,
            DiffError::Content(_) => crate::core::exit::Exit::ContentErrors,
        }
    }
}

impl std::error::Error for DiffError {}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffError::Usage(m) | DiffError::Content(m) => f.write_str(m),
        }
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

/// The report for `rev` against `rev2` (or the working tree).
pub fn run(root: &Path, rev: &str, rev2: Option<&str>) -> Result<String, DiffError> {
    let top = crate::core::git::run(root, &["rev-parse", "--show-toplevel"])
        .map(|b| PathBuf::from(text(b)))
        .map_err(|_| {
            DiffError::Usage(format!(
                "{} is not inside a git repository; vouch diff compares git revisions",
                root.display()
            ))
        })?;
    let prefix = crate::core::git::run(root, &["rev-parse", "--show-prefix"])
        .map(text)
        .map_err(DiffError::Usage)?;
    let content = format!("{prefix}content");
    let old_dir = materialise(&top, rev, &content)?;
    let old = site_of(old_dir.path(), rev)?;
    let (new, new_name, _keep) = match rev2 {
        Some(r) => {
            let dir = materialise(&top, r, &content)?;
            (site_of(dir.path(), r)?, r.to_string(), Some(dir))
        }
        None => (
            site_of(root, "the working tree")?,
            "working tree".to_string(),
            None,
        ),
    };
    Ok(report(&old, &new, rev, &new_name))
}

/// Writes `content` as it is at `rev` into a new temporary folder.
fn materialise(top: &Path, rev: &str, content: &str) -> Result<tempfile::TempDir, DiffError> {
    let spec = format!("{rev}^{{commit}}");
    let sha = crate::core::git::run(top, &["rev-parse", "--verify", "--quiet", &spec])
        .map(text)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            DiffError::Usage(format!(
                "unknown revision `{rev}` (not a commit in this repository)"
            ))
        })?;
    let list = crate::core::git::run(
        top,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            "--name-only",
            &sha,
            "--",
            content,
        ],
    )
    .map_err(DiffError::Usage)?;
    let files: Vec<String> = list
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    if files.is_empty() {
        return Err(DiffError::Usage(format!(
            "revision `{rev}` has no {content}/ folder"
        )));
    }
    let blobs = crate::core::git::cat_files(top, &sha, &files).map_err(DiffError::Usage)?;
    let dir = tempfile::tempdir()
        .map_err(|e| DiffError::Usage(format!("cannot create a temporary folder: {e}")))?;
    let strip = content.len() - "content".len();
    for (path, bytes) in files.iter().zip(blobs) {
        let target = dir.path().join(&path[strip..]);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| DiffError::Usage(e.to_string()))?;
        }
        std::fs::write(&target, bytes).map_err(|e| DiffError::Usage(e.to_string()))?;
    }
    Ok(dir)
}

fn site_of(root: &Path, name: &str) -> Result<Site, DiffError> {
    let a = analyse(&Options::new(root)).map_err(|f| match f {
        Failure::Io(m) | Failure::Usage(m) => DiffError::Usage(format!("{name}: {m}")),
        Failure::Cancelled => DiffError::Usage(format!("{name}: cancelled")),
        Failure::Content(d) => DiffError::Content(format!("{name}: {} content errors", d.len())),
    })?;
    a.site.ok_or_else(|| {
        let first = a
            .diagnostics
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        DiffError::Content(format!("the content at {name} cannot be read: {first}"))
    })
}

/// One public entity, reduced to the fields a reader of the trust centre sees.
struct Snap {
    title: String,
    url: String,
    /// (field, value, long text?)
    fields: Vec<(&'static str, String, bool)>,
}

type Snaps = BTreeMap<String, Snap>;

fn public_text(site: &Site, kind: Kind, id: &str, field: &'static str) -> String {
    site.field_html(kind, id, field, 0)
        .map(|r| crate::site::answer::claims::collapse(&r.text))
        .unwrap_or_default()
}

fn snap(title: &str, url: String, fields: Vec<(&'static str, String, bool)>) -> Snap {
    Snap {
        title: title.to_string(),
        url,
        fields,
    }
}

/// The public entities of each group, by id.
fn snapshots(site: &Site) -> Vec<(&'static str, Snaps)> {
    vec![
        ("Controls (Statement of Applicability)", control_snaps(site)),
        ("AI systems", system_snaps(site)),
        ("Suppliers", supplier_snaps(site)),
        ("FAQ", faq_snaps(site)),
        ("Policies and documents", doc_snaps(site)),
        ("Certifications", cert_snaps(site)),
    ]
}

/// The public controls: applicability, status and their public texts.
fn control_snaps(site: &Site) -> Snaps {
    let mut controls = Snaps::new();
    for c in site.controls.iter().filter(|c| c.level == 0) {
        let d = &c.data;
        let applicable: String = if d.applicable {
            "applicable"
        } else {
            "excluded"
        }
        .into();
        let status = d.status.map_or(String::new(), |s| s.to_string());
        controls.insert(
            c.id.clone(),
            snap(
                &c.title,
                url(Kind::Control, &c.id),
                vec![
                    ("applicability", applicable, false),
                    ("status", status, false),
                    (
                        "justification",
                        public_text(site, Kind::Control, &c.id, "justification"),
                        true,
                    ),
                    (
                        "implementation",
                        public_text(site, Kind::Control, &c.id, "implementation"),
                        true,
                    ),
                ],
            ),
        );
    }
    controls
}

/// The public AI systems: classification, models, summary and purpose.
fn system_snaps(site: &Site) -> Snaps {
    let mut systems = Snaps::new();
    for s in site.systems.iter().filter(|s| s.level == 0) {
        let d = &s.data;
        let models: Vec<String> = d.models.iter().map(|m| m.name.clone()).collect();
        systems.insert(
            s.id.clone(),
            snap(
                &s.title,
                url(Kind::System, &s.id),
                vec![
                    ("name", d.name.clone(), false),
                    ("risk tier", d.risk_tier.to_string(), false),
                    ("oversight", d.oversight.mode.to_string(), false),
                    ("lifecycle", d.lifecycle.to_string(), false),
                    ("domain", d.usage.domain.to_string(), false),
                    ("decision", d.usage.decision.to_string(), false),
                    ("models", models.join(", "), false),
                    ("summary", d.summary.clone().unwrap_or_default(), true),
                    (
                        "purpose",
                        public_text(site, Kind::System, &s.id, "purpose"),
                        true,
                    ),
                ],
            ),
        );
    }
    systems
}

/// The public suppliers: kind, location, what they provide and data use.
fn supplier_snaps(site: &Site) -> Snaps {
    let mut suppliers = Snaps::new();
    for s in site.suppliers.iter().filter(|s| s.level == 0) {
        let d = &s.data;
        suppliers.insert(
            s.id.clone(),
            snap(
                &s.title,
                url(Kind::Supplier, &s.id),
                vec![
                    ("kind", d.kind.to_string(), false),
                    ("location", d.location.join(", "), false),
                    ("provides", d.provides.clone().unwrap_or_default(), true),
                    ("data use", d.data_use.clone().unwrap_or_default(), true),
                ],
            ),
        );
    }
    suppliers
}

/// The public FAQ entries: question and answer.
fn faq_snaps(site: &Site) -> Snaps {
    let mut faq = Snaps::new();
    for f in site.faq.iter().filter(|f| f.level == 0) {
        faq.insert(
            f.id.clone(),
            snap(
                &f.title,
                url(Kind::Faq, &f.id),
                vec![
                    ("question", f.data.question.clone(), false),
                    (
                        "answer",
                        public_text(site, Kind::Faq, &f.id, "answer"),
                        true,
                    ),
                ],
            ),
        );
    }
    faq
}

/// The public documents, keyed `kind:id`: version, approval date and text.
fn doc_snaps(site: &Site) -> Snaps {
    let mut docs = Snaps::new();
    for (i, d) in site.docs.iter().enumerate().filter(|(_, d)| d.level == 0) {
        let body = site
            .doc_md
            .get(i)
            .map(|m| crate::site::answer::claims::collapse(&m.render(0, &site.md_resolver(0)).text))
            .unwrap_or_default();
        let f = &d.data.front;
        docs.insert(
            format!("{}:{}", d.kind.name(), d.id),
            snap(
                &d.title,
                url(d.kind, &d.id),
                vec![
                    ("version", f.version.clone().unwrap_or_default(), false),
                    (
                        "approved",
                        f.approved.map_or(String::new(), |a| a.to_string()),
                        false,
                    ),
                    ("text", body, true),
                ],
            ),
        );
    }
    docs
}

/// The certifications from site.yaml, keyed by name.
fn cert_snaps(site: &Site) -> Snaps {
    let mut certs = Snaps::new();
    for c in &site.config.certifications {
        certs.insert(
            c.name.clone(),
            snap(
                &c.name,
                "/".into(),
                vec![
                    ("status", c.status.to_string(), false),
                    (
                        "expires",
                        c.expires.map_or(String::new(), |d| d.to_string()),
                        false,
                    ),
                    ("target", c.target.clone().unwrap_or_default(), false),
                ],
            ),
        );
    }
    certs
}

fn quote(s: &str) -> String {
    let s = crate::site::answer::claims::one_line(s, 300);
    if s.is_empty() {
        "(empty)".into()
    } else {
        s
    }
}

/// Lines describing how one entity changed (empty when it did not).
fn changes(old: &Snap, new: &Snap) -> Vec<String> {
    let mut out = Vec::new();
    let mut version_changed = false;
    for ((name, a, long), (_, b, _)) in old.fields.iter().zip(&new.fields) {
        if a == b {
            continue;
        }
        if *name == "version" {
            version_changed = true;
        }
        if *long {
            let mut line = format!(
                "{name} changed\n  - before: {}\n  - after: {}",
                quote(a),
                quote(b)
            );
            if *name == "text"
                && !version_changed
                && old.fields.first().is_some_and(|f| f.0 == "version")
            {
                line.push_str("\n  - note: the text changed but the version did not");
            }
            out.push(line);
        } else {
            let show = |s: &str| {
                if s.is_empty() {
                    "(none)".to_string()
                } else {
                    format!("`{s}`")
                }
            };
            out.push(format!("{name}: {} → {}", show(a), show(b)));
        }
    }
    out
}

/// The Markdown report.
fn report(old: &Site, new: &Site, old_name: &str, new_name: &str) -> String {
    let base = new.config.base_url.trim_end_matches('/').to_string();
    let mut body = String::new();
    let mut count = 0;
    for ((group, a), (_, b)) in snapshots(old).into_iter().zip(snapshots(new)) {
        let mut lines = Vec::new();
        let link = |s: &Snap| format!("[{}]({base}{})", s.title, s.url);
        for (id, s) in &b {
            match a.get(id) {
                None => lines.push(format!("- **added** {}", link(s))),
                Some(o) => {
                    let ch = changes(o, s);
                    if !ch.is_empty() {
                        lines.push(format!("- **changed** {}", link(s)));
                        lines.extend(
                            ch.iter()
                                .map(|c| format!("  - {c}").replace("\n  - ", "\n    - ")),
                        );
                    }
                }
            }
        }
        for (id, s) in &a {
            if !b.contains_key(id) {
                lines.push(format!("- **removed** {} (no longer public)", s.title));
            }
        }
        if !lines.is_empty() {
            count += lines.iter().filter(|l| l.starts_with("- ")).count();
            body.push_str(&format!("\n## {group}\n\n{}\n", lines.join("\n")));
        }
    }
    let mut out = format!(
        "# Public claims changed\n\nFrom `{old_name}` to `{new_name}`, as the public edition of {} shows them.\n",
        new.config.organisation
    );
    if count == 0 {
        out.push_str("\nNo public claims changed.\n");
    } else {
        out.push_str(&format!("\n{count} public claim(s) changed.\n{body}"));
    }
    out
}
