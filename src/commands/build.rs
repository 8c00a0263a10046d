//! `vouch build`: builds the requested edition(s) under `--out` (relative to
//! the current folder, like every `--out`; `ROOT/site` when absent) and
//! reports the absolute path of each edition written.

use super::{failure, print_diags, Common, Exit, Format};
use std::path::PathBuf;

/// Runs `vouch build`.
pub fn run(
    common: &Common,
    out: Option<PathBuf>,
    edition: &str,
    base_url: Option<String>,
    format: Format,
) -> Exit {
    let mut opts = common.options();
    opts.base_url = base_url;
    let out = match out {
        Some(out) => super::absolute(&out),
        None => super::absolute(&common.root.join("site")),
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
