//! Exit statuses by meaning. Every command ends in one of these; the numbers
//! are the documented contract (`README.md`): scripts and CI depend on them.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success; warnings allowed.
    Ok,
    /// The content has errors (or, with `--strict`, warnings).
    ContentErrors,
    /// The command line asked for something that cannot be done (an unknown
    /// edition, a flag that does not fit), or a help/usage error.
    Usage,
    /// Reading or writing a file, a pipe or the network failed.
    Io,
}

impl Exit {
    /// The process exit status: 0, 1, or 2 for usage and I/O alike.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::ContentErrors => 1,
            Exit::Usage | Exit::Io => 2,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}
