//! `vouch check`: validates the project and renders every edition in memory
//! to link-check it (no file is written); prints the diagnostics and, for
//! humans, the readiness summary of the top edition; exits 1 on errors.
//! With `--format json` the last line of standard output is always the
//! summary object (`diagnostics::json_summary`), clean or not.

use super::{failure, print_diags, Common, Exit, Format};
use crate::core::diagnostics;
use crate::site::readiness;

/// Runs `vouch check`.
pub fn run(common: &Common, format: Format) -> Exit {
    match crate::build::check(&common.options()) {
        Ok(a) => {
            print_diags(&a.diagnostics, format);
            let files = a.site.as_ref().map_or(0, |s| s.sources.files.len());
            if format == Format::Json {
                println!("{}", diagnostics::json_summary(&a.diagnostics, files));
            }
            if format == Format::Human {
                if a.diagnostics.is_empty() {
                    eprintln!("{}", diagnostics::checked_summary(&a.diagnostics, files));
                }
                if let Some(site) = &a.site {
                    let top = site.editions.len().saturating_sub(1);
                    eprint!("\n{}", readiness::summary(&readiness::compute(site, top)));
                }
            }
            if a.has_errors() {
                Exit::ContentErrors
            } else {
                Exit::Ok
            }
        }
        Err(f) => failure(f, format),
    }
}
