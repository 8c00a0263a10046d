//! `vouch serve`: runs the live-reloading preview server until it stops.

use super::Exit;
use crate::serve::ServeOptions;

/// Runs `vouch serve`.
pub fn run(opts: ServeOptions) -> Exit {
    let port = opts.port;
    match crate::serve::serve(opts) {
        Ok(()) => Exit::Ok,
        Err(msg) => {
            eprintln!("error: {msg}");
            if let Some(hint) = port_hint(&msg, port) {
                eprintln!("  = help: {hint}");
            }
            Exit::Io
        }
    }
}

/// A hint naming another port when the error says the port is taken. The
/// server reports the operating system's wording, which differs per platform
/// ("Address already in use" on Linux and macOS, "Only one usage of each
/// socket address" on Windows), so both are recognised.
pub fn port_hint(msg: &str, port: u16) -> Option<String> {
    let lower = msg.to_lowercase();
    let taken = lower.contains("in use") || lower.contains("only one usage of each socket");
    if !lower.starts_with("cannot listen on") || !taken {
        return None;
    }
    Some(format!(
        "port {port} is taken (another `vouch serve`?): try `--port {}`, or `--port 0` to pick a free one",
        port.wrapping_add(1).max(1)
    ))
}
