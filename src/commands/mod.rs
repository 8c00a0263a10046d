//! One module per CLI command. `main.rs` parses the command line with clap and
//! calls `run` here; each command returns an [`Exit`] by meaning.
//!
//! Output contract shared by every command: diagnostics and progress go to
//! standard error, the command's product (a report, a table, JSON lines) to
//! standard output.

pub mod answer;
pub mod build;
pub mod check;
pub mod diff;
pub mod export;
pub mod links;
pub mod new;
pub mod rules;
pub mod serve;

use crate::build::{Failure, Options};
use crate::core::date::Date;
use crate::core::diagnostics::{self, Diagnostic};
pub use crate::core::exit::Exit;
use crate::pipeline::model::Site;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `file:line:column` blocks with the source line and a hint.
    Human,
    /// One JSON object per line.
    Json,
}

/// The options every project command takes.
#[derive(Debug, Clone)]
pub struct Common {
    /// Project folder (the one holding `content/`).
    pub root: PathBuf,
    /// The date to treat as today.
    pub today: Option<Date>,
    /// Warnings count as errors.
    pub strict: bool,
    /// A previously published `urls.json` (path or URL).
    pub since: Option<String>,
}

impl Common {
    /// The build options these flags stand for.
    pub fn options(&self) -> Options {
        Options {
            root: self.root.clone(),
            today: self.today,
            strict: self.strict,
            since: self.since.clone(),
            ..Options::new(&self.root)
        }
    }
}

/// `path` made absolute against the current folder, the one convention for
/// every relative `--out` (as cargo does), so the path a command prints is the
/// path it wrote whatever folder it ran from. `--root` does not move `--out`.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Prints diagnostics to standard error (human) or standard output (JSON lines).
pub fn print_diags(diags: &[Diagnostic], format: Format) {
    if diags.is_empty() {
        return;
    }
    match format {
        Format::Json => {
            for d in diags {
                println!("{}", d.to_json());
            }
        }
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", diagnostics::render_human(diags, color));
        }
    }
}

/// Reports a failed build or analysis and returns its exit status.
pub fn failure(f: Failure, format: Format) -> Exit {
    let exit = f.exit();
    match f {
        Failure::Io(msg) | Failure::Usage(msg) => eprintln!("error: {msg}"),
        Failure::Cancelled => eprintln!("error: the build was cancelled"),
        Failure::Content(diags) => {
            print_diags(&diags, format);
            if format == Format::Human && diags.is_empty() {
                eprintln!("error: the content has errors");
            }
        }
    }
    exit
}

/// Analyses the project and runs `f` on the model: content errors exit 1
/// (after printing them), an error from `f` is a usage failure (2).
pub fn with_site(common: &Common, f: impl FnOnce(&Site) -> Result<(), String>) -> Exit {
    match crate::build::analyse(&common.options()) {
        Ok(a) => {
            if a.has_errors() {
                print_diags(&a.diagnostics, Format::Human);
                return Exit::ContentErrors;
            }
            let Some(site) = &a.site else {
                return Exit::ContentErrors;
            };
            match f(site) {
                Ok(()) => Exit::Ok,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    Exit::Usage
                }
            }
        }
        Err(f) => failure(f, Format::Human),
    }
}
