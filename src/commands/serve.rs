//! `vouch serve`: runs the live-reloading preview server until it stops.

use super::Exit;
use crate::serve::ServeOptions;

/// Runs `vouch serve`.
pub fn run(opts: ServeOptions) -> Exit {
    match crate::serve::serve(opts) {
        Ok(()) => Exit::Ok,
        Err(msg) => {
            eprintln!("error: {msg}");
            Exit::Io
        }
    }
}
