//! `vouch diff`: prints the changed public claims between two revisions;
//! content errors exit 1, usage errors 2.

use super::Exit;
use std::path::Path;

/// Runs `vouch diff REV [REV2]`.
pub fn run(root: &Path, rev: &str, rev2: Option<&str>) -> Exit {
    match crate::diff::run(root, rev, rev2) {
        Ok(report) => {
            print!("{report}");
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: {e}");
            e.exit()
        }
    }
}
