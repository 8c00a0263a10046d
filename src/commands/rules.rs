//! `vouch rules`: prints the rule table as Markdown (the source of `docs/rules.md`).

use super::Exit;

/// Runs `vouch rules`.
pub fn run() -> Exit {
    print!("{}", crate::core::diagnostics::rules_markdown());
    Exit::Ok
}
