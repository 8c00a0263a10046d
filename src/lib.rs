//! vouch: publish an ISO/IEC 42001 AI management system as a static trust centre
//! (public edition) and an AIMS handbook (internal edition) from one repository.
//!
//! The crate is layered; a module imports only the layers below it (the test
//! `layers` in `tests/` enforces it, and `ARCHITECTURE.md` explains it):
//! 1. [`core`]: leaves — diagnostics, positions, kinds, routes, dates, git,
//!    catalogues, the content-hash memo, the YAML module;
//! 2. [`pipeline`]: the stages in order, each a plain function over plain data;
//! 3. [`site`]: what one edition publishes — views, pages, figures, machine-readable
//!    files, exports, questionnaire answers;
//! 4. [`build`], [`serve`], [`diff`]: stringing the stages together;
//! 5. [`commands`]: one module per CLI command (`main.rs` is clap only).

pub mod core;
pub mod pipeline;
pub mod site;

pub mod build;
pub mod diff;
pub mod serve;

pub mod commands;

/// The allocator of every binary built on this crate (`vouch`, the tests,
/// `vouch-bench`): rendering allocates and frees millions of small strings
/// and JSON values on every core, where mimalloc's per-thread free lists
/// cost less than glibc's arenas (see `docs/benchmark.md`).
/// The `alloc-count` feature leaves it out for `examples/alloc-count.rs`,
/// which installs a counting wrapper around the same allocator.
#[cfg(not(feature = "alloc-count"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
