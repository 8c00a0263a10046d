//! Leaves of the crate: nothing here imports `pipeline`, `site` or anything above.

pub mod catalogue;
pub mod date;
pub mod diagnostics;
pub mod exit;
pub mod git;
pub mod kinds;
pub mod memo;
pub mod packed;
pub mod routes;
pub mod source;
pub mod yaml;
