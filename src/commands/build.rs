//! `vouch build`: builds the requested edition(s) under `out` (relative to
//! `--root` unless absolute) and reports the pages written per edition.

use super::{failure, print_diags, Common, Exit, Format};
use std::path::PathBuf;

/// Runs `vouch build`.
pub fn run(
    common: &Common,
    out: PathBuf,
    edition: &str,
    base_url: Option<String>,
    format: Format,
) -> Exit {
    let mut opts = common.options();
    opts.base_url = base_url;
    let out = if out.is_absolute() {
        out
    } else {
        common.root.join(out)
    };
    match crate::build::build(&opts, &out, Some(edition)) {
        Ok(report) => {
            print_diags(&report.diagnostics, format);
            for (ed, n) in &report.pages {
                eprintln!("built {ed}: {n} pages -> {}", out.join(ed).display());
            }
            Exit::Ok
        }
        Err(f) => failure(f, format),
    }
}
