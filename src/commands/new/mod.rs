//! `vouch new`: writes a starter project into a folder.

pub mod starter;

use super::Exit;
use std::path::Path;

/// Runs `vouch new DIR`.
pub fn run(dir: &Path) -> Exit {
    match starter::write(dir) {
        Ok(()) => {
            eprintln!(
                "created a starter project in {}; next: vouch check --root {} && vouch build --root {}",
                super::absolute(dir).display(),
                dir.display(),
                dir.display()
            );
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Io
        }
    }
}
