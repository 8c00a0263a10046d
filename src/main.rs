//! The `vouch` command line: clap definitions only. Each subcommand is run by
//! its module in `vouch::commands`, which returns an exit status by meaning
//! (0 ok, warnings allowed; 1 content errors; 2 usage or I/O failure).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use vouch::commands::{self, Exit};
use vouch::core::date::Date;

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

/// The flags every project command takes: where the project is and what day it is.
#[derive(clap::Args, Clone)]
struct Project {
    /// Project folder (the one holding content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Date to treat as today (YYYY-MM-DD), for reproducible runs.
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
}

/// [`Project`] plus the flags that decide whether a run passes. Only commands
/// on which they change something take them (not `answer` or `links`), so no
/// command offers a flag it ignores.
#[derive(clap::Args, Clone)]
struct Common {
    #[command(flatten)]
    project: Project,
    /// Treat warnings (stale evidence, overdue reviews) as errors.
    #[arg(long)]
    strict: bool,
    /// A previously published urls.json (path or URL): report URLs that would disappear.
    #[arg(long)]
    since: Option<String>,
}

/// `vouch answer learn`.
#[derive(Subcommand)]
enum AnswerCommand {
    /// Record the links a person accepted in a reviewed questionnaire in the
    /// answer library (content/registers/answers.yaml).
    Learn {
        /// The reviewed questionnaire: .csv, .tsv, .xlsx, .xlsm, .xls or .ods.
        reviewed: PathBuf,
        #[command(flatten)]
        project: Project,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: one folder per edition under --out.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder, relative to the current folder; each edition goes to
        /// OUT/<edition>/ [default: ROOT/site]
        #[arg(long)]
        out: Option<PathBuf>,
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
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Answer {
        /// The questionnaire: .csv, .tsv, .xlsx, .xlsm, .xls or .ods.
        #[arg(required = true)]
        questions: Option<PathBuf>,
        #[command(flatten)]
        project: Project,
        /// Edition whose claims may be cited (answers never cite a higher one).
        #[arg(long, default_value = "public")]
        edition: String,
        /// File to write, relative to the current folder; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Output format (default: from --out's extension, else csv); a
        /// format that contradicts --out's extension is an error.
        #[arg(long, value_enum)]
        format: Option<vouch::site::answer::Format>,
        /// Write the answers into the questionnaire itself (it is never overwritten without this).
        #[arg(long)]
        in_place: bool,
        /// Put the answer and links into the sheet's own empty Response / Comments columns.
        #[arg(long)]
        into_columns: bool,
        #[command(subcommand)]
        learn: Option<AnswerCommand>,
    },
    /// Print the permalink of every claim an edition publishes, for questionnaire tools.
    Links {
        #[command(flatten)]
        project: Project,
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
        /// File to write, relative to the current folder; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Model cards per AI system: Hugging Face README, CycloneDX 1.6 ML-BOM, and for high-risk systems the EU AI Act Annex IV outline (providers) or deployer duties (deployers).
    Cards {
        #[command(flatten)]
        common: Common,
        /// Edition to export; only what it may see is included.
        #[arg(long, default_value = "public")]
        edition: String,
        /// Folder to write, relative to the current folder; one subfolder per AI
        /// system [default: ROOT/site/exports/cards]
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in YYYY-MM-DD form"))
}

impl From<Format> for commands::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Human => commands::Format::Human,
            Format::Json => commands::Format::Json,
        }
    }
}

impl From<Common> for commands::Common {
    fn from(c: Common) -> Self {
        commands::Common {
            root: c.project.root,
            today: c.project.today,
            strict: c.strict,
            since: c.since,
        }
    }
}

impl From<Project> for commands::Common {
    fn from(p: Project) -> Self {
        commands::Common {
            root: p.root,
            today: p.today,
            strict: false,
            since: None,
        }
    }
}

/// Dispatches the parsed command line to its command.
fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Build {
            common,
            out,
            edition,
            base_url,
            format,
        } => commands::build::run(&common.into(), out, &edition, base_url, format.into()),
        Command::Check { common, format } => commands::check::run(&common.into(), format.into()),
        Command::New { dir } => commands::new::run(&dir),
        Command::Serve {
            common,
            edition,
            port,
            bind,
            open,
            poll,
        } => {
            let common: commands::Common = common.into();
            commands::serve::run(vouch::serve::ServeOptions {
                build: common.options(),
                edition,
                bind,
                port,
                poll,
                open,
            })
        }
        Command::Answer {
            learn: Some(AnswerCommand::Learn { reviewed, project }),
            ..
        } => commands::answer::learn(&project.into(), &reviewed),
        Command::Answer {
            questions,
            project,
            edition,
            out,
            format,
            in_place,
            into_columns,
            learn: None,
        } => commands::answer::run_with(
            &project.into(),
            vouch::site::answer::AnswerOptions {
                questions: questions.unwrap_or_default(),
                edition,
                out,
                format,
            },
            vouch::site::answer::Delivery {
                in_place,
                into_columns,
            },
        ),
        Command::Links {
            project,
            edition,
            format,
        } => commands::links::run(&project.into(), &edition, format),
        Command::Diff { rev, rev2, root } => commands::diff::run(&root, &rev, rev2.as_deref()),
        Command::Rules => commands::rules::run(),
        Command::Export { what } => {
            let (common, edition, target) = match what {
                ExportCommand::Oscal {
                    common,
                    edition,
                    out,
                } => (common, edition, commands::export::Target::Oscal(out)),
                ExportCommand::Cards {
                    common,
                    edition,
                    out,
                } => (common, edition, commands::export::Target::Cards(out)),
            };
            commands::export::cli(&common.into(), &edition, target)
        }
    }
}

/// Ends the process quietly with status 2 when standard output or error is
/// a closed pipe (`vouch links | head -1`, a log reader that went away).
/// Rust ignores SIGPIPE and its print macros panic when a write fails; the
/// reader is gone, so there is no one to tell and nothing to clean up that
/// the next build does not (a failed build's staging folder is swept).
fn quiet_on_closed_output() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout")
            || msg.starts_with("failed printing to stderr")
        {
            std::process::exit(i32::from(Exit::Io.code()));
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_output();
    match Cli::try_parse() {
        Ok(cli) => run(cli).into(),
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Ok.into()
            }
        }
    }
}
