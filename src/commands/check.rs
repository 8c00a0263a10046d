//! `vouch check`: validates the project and renders every edition in memory
//! to link-check it (no file is written); prints the diagnostics and, for
//! humans, the readiness summary of the top edition; exits 1 on errors.

use super::{failure, print_diags, Common, Exit, Format};
use crate::core::diagnostics;
use crate::site::readiness;

/// Runs `vouch check`.
pub fn run(common: &Common, format: Format) -> Exit {
    match crate::build::check(&common.options()) {
        Ok(a) => {
            print_diags(&a.diagnostics, format);
            if format == Format::Human {
                if a.diagnostics.is_empty() {
                    eprintln!("{}", diagnostics::summary(&a.diagnostics));
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
