//! `vouch export oscal|cards`: analyses the project, then writes one
//! edition's export (the exports themselves are pure functions in
//! [`crate::site::export`]).

use super::{failure, print_diags, Common, Exit, Format};
use crate::build::{Failure, Options};
use crate::core::diagnostics::Diagnostic;
use crate::pipeline::model::Site;
use crate::site::export;
use crate::site::sentinel::{self, Sentinel};
use std::path::Path;

/// Runs the leak sentinel over what the export of a lower edition would
/// write, before anything is written.
fn guard(site: &Site, ed: usize, target: &Target) -> Result<(), Failure> {
    if ed + 1 >= site.editions.len() {
        return Ok(());
    }
    let sentinel = Sentinel::new(site, ed, &[]);
    if sentinel.is_empty() {
        return Ok(());
    }
    let files: Vec<(String, Vec<u8>)> = match target {
        Target::Oscal(_) => vec![(
            "oscal-component-definition.json".into(),
            export::oscal::to_bytes(site, ed),
        )],
        Target::Cards(_) => export::cards::files(site, ed),
    };
    let found: Vec<Diagnostic> = files
        .iter()
        .filter_map(|(path, bytes)| sentinel.scan(path, bytes))
        .map(|hit| sentinel::diagnostic(site, &site.editions[ed], &hit))
        .collect();
    if found.is_empty() {
        Ok(())
    } else {
        Err(Failure::Content(found))
    }
}

/// `vouch export` for the command line: prints warnings and the summary.
pub fn cli(common: &Common, edition: &str, target: Target) -> Exit {
    match run(&common.options(), edition, target) {
        Ok((diags, summary)) => {
            print_diags(&diags, Format::Human);
            eprintln!("{summary}");
            Exit::Ok
        }
        Err(f) => failure(f, Format::Human),
    }
}

/// Loads and validates the project for an export, and resolves `--edition`.
/// Content errors stop the export, as they stop a build.
pub fn prepare(opts: &Options, edition: &str) -> Result<(Site, usize, Vec<Diagnostic>), Failure> {
    let analysis = crate::build::analyse(opts)?;
    if analysis.has_errors() {
        return Err(Failure::Content(analysis.diagnostics));
    }
    let Some(site) = analysis.site else {
        return Err(Failure::Content(analysis.diagnostics));
    };
    let ed = match crate::build::select_editions(&site, Some(edition))?.as_slice() {
        [one] => *one,
        _ => {
            return Err(Failure::Usage(
                "choose one edition for an export (public, customer, internal ...), not `all`"
                    .into(),
            ))
        }
    };
    Ok((site, ed, analysis.diagnostics))
}

/// Writes `bytes` to `path`, creating parent folders.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))
}

/// Writes every model card of edition `ed` under `dir`; returns the files written.
pub fn write_cards(site: &Site, ed: usize, dir: &Path) -> Result<Vec<String>, Failure> {
    let mut written = Vec::new();
    for (rel, bytes) in export::cards::files(site, ed) {
        write_file(&dir.join(&rel), &bytes)?;
        written.push(rel);
    }
    Ok(written)
}

/// Refuses an export path that is, holds or lies inside the project's own
/// inputs (`content/`, `themes/`, the project folder), the same rule as a
/// build's `--out`: an export written into `content/` would be read back and
/// published by the next build.
fn guard_out(opts: &Options, path: &Path) -> Result<(), Failure> {
    crate::pipeline::write::check_out(&opts.root, path).map_err(Failure::Usage)
}

/// What `vouch export` writes.
pub enum Target {
    /// The OSCAL component definition to a file, or standard output when `None`.
    Oscal(Option<std::path::PathBuf>),
    /// Model cards into this folder (one subfolder per AI system);
    /// `ROOT/site/exports/cards` when `None`.
    Cards(Option<std::path::PathBuf>),
}

/// `ROOT/site/exports/cards`, the default folder of `vouch export cards`.
/// An edition named `exports` would be built into `ROOT/site/exports` and
/// replace the cards on the next build, so that case asks for `--out`
/// instead of guessing.
fn default_cards_dir(site: &Site, opts: &Options) -> Result<std::path::PathBuf, Failure> {
    if site.editions.iter().any(|e| e == "exports") {
        return Err(Failure::Usage(
            "an edition is named `exports`, so `site/exports/` belongs to it; \
             choose a folder with `--out`"
                .into(),
        ));
    }
    Ok(super::absolute(&opts.root.join("site/exports/cards")))
}

/// Runs `vouch export`: analyses the project, then writes the export of
/// `edition`. A relative output path is taken from the current folder, as
/// every `--out` is; the default folder for cards lies under the project's
/// output folder (`ROOT/site/exports/cards`, which the starter's `.gitignore`
/// covers), never loose in the project root. Returns the warnings and a
/// one-line summary naming the absolute path written.
pub fn run(
    opts: &Options,
    edition: &str,
    target: Target,
) -> Result<(Vec<Diagnostic>, String), Failure> {
    let (site, ed, diags) = prepare(opts, edition)?;
    let name = &site.editions[ed];
    guard(&site, ed, &target)?;
    let summary = match target {
        Target::Oscal(None) => {
            use std::io::Write as _;
            std::io::stdout()
                .write_all(&export::oscal::to_bytes(&site, ed))
                .map_err(|e| Failure::Io(format!("cannot write to standard output: {e}")))?;
            format!("exported the {name} edition as an OSCAL component definition")
        }
        Target::Oscal(Some(path)) => {
            let path = super::absolute(&path);
            guard_out(opts, &path)?;
            write_file(&path, &export::oscal::to_bytes(&site, ed))?;
            format!("exported the {name} edition as OSCAL -> {}", path.display())
        }
        Target::Cards(dir) => {
            let dir = match dir {
                Some(dir) => super::absolute(&dir),
                None => default_cards_dir(&site, opts)?,
            };
            guard_out(opts, &dir)?;
            let n = write_cards(&site, ed, &dir)?.len();
            format!(
                "exported {n} model-card files of the {name} edition -> {}",
                dir.display()
            )
        }
    };
    Ok((diags, summary))
}
