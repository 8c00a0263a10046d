//! The `vouch` command line. Exit codes: 0 ok (warnings allowed), 1 content
//! errors, 2 usage or I/O failure.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use vouch::build::{self, Failure, Options};
use vouch::core::date::Date;
use vouch::core::diagnostics::{self, Diagnostic};

#[derive(Parser)]
#[command(
    name = "vouch",
    version,
    about = "Publish an ISO/IEC 42001 AI management system as a trust centre and an internal handbook"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// Project folder (the one holding content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Date to treat as today (YYYY-MM-DD), for reproducible runs.
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    /// Treat warnings (stale evidence, overdue reviews) as errors.
    #[arg(long)]
    strict: bool,
    /// A previously published urls.json (path or URL): report URLs that would disappear.
    #[arg(long)]
    since: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: one folder per edition under --out.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder; each edition goes to OUT/<edition>/.
        #[arg(long, default_value = "site")]
        out: PathBuf,
        /// Edition to build, or `all`.
        #[arg(long, default_value = "all")]
        edition: String,
        /// Override site.yaml's base_url (e.g. a deploy preview URL).
        #[arg(long)]
        base_url: Option<String>,
        /// Diagnostics format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Validate the project and print diagnostics.
    Check {
        #[command(flatten)]
        common: Common,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Write a starter project into DIR.
    New {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
    },
    /// Serve one edition with live reload while you edit.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Edition to preview (`public` shows the trust centre as published).
        #[arg(long, default_value = "internal")]
        edition: String,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to bind; keep 127.0.0.1 unless you mean to share the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of using OS events (network drives, WSL).
        #[arg(long)]
        poll: bool,
    },
    /// Draft answers to a questionnaire (CSV or XLSX) from one edition's published claims.
    Answer {
        /// The questionnaire: .csv, .tsv, .xlsx, .xlsm, .xls or .ods.
        questions: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Edition whose claims may be cited (answers never cite a higher one).
        #[arg(long, default_value = "public")]
        edition: String,
        /// File to write; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Output format (default: from --out's extension, else csv).
        #[arg(long, value_enum)]
        format: Option<vouch::site::answer::Format>,
    },
    /// Print the permalink of every claim an edition publishes, for questionnaire tools.
    Links {
        #[command(flatten)]
        common: Common,
        /// Edition to list.
        #[arg(long, default_value = "public")]
        edition: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: vouch::site::answer::Format,
    },
    /// List the public claims that changed between two git revisions (Markdown).
    Diff {
        /// The old revision (any git revision: a tag, HEAD~1, a commit).
        rev: String,
        /// The new revision; the working tree when absent.
        rev2: Option<String>,
        /// Project folder (the one holding content/), inside a git repository.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Print the rule table as Markdown (docs/rules.md).
    Rules,
    /// Export one edition in machine-readable form (OSCAL, model cards).
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// OSCAL 1.1 component definition (JSON) of the AI management system.
    Oscal {
        #[command(flatten)]
        common: Common,
        /// Edition to export; only what it may see is included.
        #[arg(long, default_value = "public")]
        edition: String,
        /// File to write (relative to --root); standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Model cards per AI system: Hugging Face README, CycloneDX 1.6 ML-BOM, EU AI Act Annex IV outline.
    Cards {
        #[command(flatten)]
        common: Common,
        /// Edition to export; only what it may see is included.
        #[arg(long, default_value = "public")]
        edition: String,
        /// Folder to write (relative to --root); one subfolder per AI system.
        #[arg(long, default_value = "exports/cards")]
        out: PathBuf,
    },
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in YYYY-MM-DD form"))
}

fn print_diags(diags: &[Diagnostic], format: Format) {
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

fn options(c: &Common) -> Options {
    Options {
        root: c.root.clone(),
        today: c.today,
        strict: c.strict,
        since: c.since.clone(),
        ..Options::new(&c.root)
    }
}

/// Dispatches the parsed command line to its subcommand and returns the exit code.
fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build {
            common,
            out,
            edition,
            base_url,
            format,
        } => cmd_build(&common, out, &edition, base_url, format),
        Command::Check { common, format } => cmd_check(&common, format),
        Command::New { dir } => cmd_new(&dir),
        Command::Serve {
            common,
            edition,
            port,
            bind,
            open,
            poll,
        } => cmd_serve(vouch::serve::ServeOptions {
            build: options(&common),
            edition,
            bind,
            port,
            poll,
            open,
        }),
        Command::Answer {
            questions,
            common,
            edition,
            out,
            format,
        } => cmd_answer(
            &common,
            vouch::site::answer::AnswerOptions {
                questions,
                edition,
                out,
                format,
            },
        ),
        Command::Links {
            common,
            edition,
            format,
        } => cmd_links(&common, &edition, format),
        Command::Diff { rev, rev2, root } => cmd_diff(&root, &rev, rev2.as_deref()),
        Command::Rules => {
            print!("{}", diagnostics::rules_markdown());
            ExitCode::SUCCESS
        }
        Command::Export { what } => cmd_export(what),
    }
}

/// `vouch build`: builds the requested edition(s) under `out` (relative to
/// `--root` unless absolute) and reports the pages written per edition.
fn cmd_build(
    common: &Common,
    out: PathBuf,
    edition: &str,
    base_url: Option<String>,
    format: Format,
) -> ExitCode {
    let mut opts = options(common);
    opts.base_url = base_url;
    let out = if out.is_absolute() {
        out
    } else {
        common.root.join(out)
    };
    match build::build(&opts, &out, Some(edition)) {
        Ok(report) => {
            print_diags(&report.diagnostics, format);
            for (ed, n) in &report.pages {
                eprintln!("built {ed}: {n} pages -> {}", out.join(ed).display());
            }
            ExitCode::SUCCESS
        }
        Err(f) => failure(f, format),
    }
}

/// `vouch check`: prints the diagnostics and, for humans, the readiness
/// summary of the top edition; exits 1 when there are errors.
fn cmd_check(common: &Common, format: Format) -> ExitCode {
    match build::analyse(&options(common)) {
        Ok(a) => {
            print_diags(&a.diagnostics, format);
            if format == Format::Human {
                if a.diagnostics.is_empty() {
                    eprintln!("{}", diagnostics::summary(&a.diagnostics));
                }
                if let Some(site) = &a.site {
                    let top = site.editions.len().saturating_sub(1);
                    eprint!(
                        "\n{}",
                        vouch::site::readiness::summary(&vouch::site::readiness::compute(site, top))
                    );
                }
            }
            if a.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(f) => failure(f, format),
    }
}

/// `vouch new`: writes a starter project into `dir`.
fn cmd_new(dir: &std::path::Path) -> ExitCode {
    match vouch::site::starter::write(dir) {
        Ok(()) => {
            eprintln!(
                "created a starter project in {}; next: vouch build --root {}",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `vouch serve`: runs the live-reloading preview server until it stops.
fn cmd_serve(opts: vouch::serve::ServeOptions) -> ExitCode {
    match vouch::serve::serve(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// `vouch answer`: drafts answers to a questionnaire and reports how many
/// questions were answered.
fn cmd_answer(common: &Common, opts: vouch::site::answer::AnswerOptions) -> ExitCode {
    with_site(common, |site| {
        let s = vouch::site::answer::run(site, &opts)?;
        print!("{}", s.stdout.unwrap_or_default());
        eprintln!(
            "answered {} of {} questions; the rest need a person",
            s.answered, s.questions
        );
        Ok(())
    })
}

/// `vouch links`: prints the permalink table of one edition's claims.
fn cmd_links(common: &Common, edition: &str, format: vouch::site::answer::Format) -> ExitCode {
    with_site(common, |site| {
        let ed = vouch::site::answer::edition_index(site, edition)?;
        print!("{}", vouch::site::answer::links_table(site, ed, format)?);
        Ok(())
    })
}

/// `vouch diff`: prints the changed public claims between two revisions;
/// content errors exit 1, usage errors 2.
fn cmd_diff(root: &std::path::Path, rev: &str, rev2: Option<&str>) -> ExitCode {
    match vouch::diff::run(root, rev, rev2) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(match e {
                vouch::diff::DiffError::Content(_) => 1,
                vouch::diff::DiffError::Usage(_) => 2,
            })
        }
    }
}

/// `vouch export`: writes an OSCAL component definition or model cards.
fn cmd_export(what: ExportCommand) -> ExitCode {
    use vouch::site::export::{run, Target};
    let (common, edition, target) = match what {
        ExportCommand::Oscal {
            common,
            edition,
            out,
        } => (common, edition, Target::Oscal(out)),
        ExportCommand::Cards {
            common,
            edition,
            out,
        } => (common, edition, Target::Cards(out)),
    };
    match run(&options(&common), &edition, target) {
        Ok((diags, summary)) => {
            print_diags(&diags, Format::Human);
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(f) => failure(f, Format::Human),
    }
}

fn failure(f: Failure, format: Format) -> ExitCode {
    match f {
        Failure::Io(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Failure::Cancelled => {
            eprintln!("error: the build was cancelled");
            ExitCode::from(2)
        }
        Failure::Content(diags) => {
            print_diags(&diags, format);
            if format == Format::Human && diags.is_empty() {
                eprintln!("error: the content has errors");
            }
            ExitCode::from(1)
        }
    }
}

/// Analyses the project and runs `f` on the model: content errors exit 1
/// (after printing them), an error from `f` is a usage or I/O failure (2).
fn with_site(
    common: &Common,
    f: impl FnOnce(&vouch::pipeline::model::Site) -> Result<(), String>,
) -> ExitCode {
    match build::analyse(&options(common)) {
        Ok(a) => {
            if a.has_errors() {
                print_diags(&a.diagnostics, Format::Human);
                return ExitCode::from(1);
            }
            let Some(site) = &a.site else {
                return ExitCode::from(1);
            };
            match f(site) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Err(f) => failure(f, Format::Human),
    }
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
