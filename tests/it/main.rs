//! vouch's integration tests, as one test binary.
//!
//! Each former `tests/<name>.rs` is a module here, so cargo compiles and links
//! the crate into a single test executable instead of one per file; shared
//! fixture helpers (project copies, CLI runs, the analysed site, the proptest
//! configuration) live in `common`. Run one area with
//! `cargo test --test it serve::` or one test by name.

mod common;

mod answer;
mod answer_eval;
mod answer_eval_buyer;
mod answer_index;
mod answer_library;
mod answer_review;
mod answer_workbook;
mod browser;
mod build;
mod check_links;
mod crosswalk;
mod diff;
mod evidence_documents;
mod export;
mod fail_closed;
mod figures;
mod first_hour;
mod fuzz_leaks;
mod highlight_store;
mod layers;
mod leak;
mod passages;
mod publish;
mod records;
mod request_markers;
mod robustness;
mod rules;
mod sentinel;
mod serve;
mod theme_ux;
mod tiers;
mod trust_glance;
mod yaml_errors;
