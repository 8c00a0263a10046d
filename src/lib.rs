//! vouch: publish an ISO/IEC 42001 AI management system as a static trust centre
//! (public edition) and an AIMS handbook (internal edition) from one repository.
//!
//! The pipeline, one module per stage, each a plain function over plain data:
//! 1. [`load`]: read `content/` as UTF-8 text;
//! 2. [`parse`]: front matter and YAML registers into typed entries with spans;
//! 3. [`model`]: one [`model::Site`] graph with ids, URLs, editions and backlinks;
//! 4. [`validate`]: every AIMS rule, pure and fast;
//! 5. [`markdown`]: Markdown parsed and highlighted once, rendered per edition;
//! 6. [`render`]: Tera pages from borrowed views, in parallel;
//! 7. [`postprocess`]: lol_html over each page (anchors, edition guard, links);
//! 8. [`linkcheck`]: every internal href and fragment on the final HTML;
//! 9. [`write`]: the site written to a temporary folder and swapped in.
//!
//! [`build`] strings the stages together for the CLI, the dev server and tests.

pub mod answer;
pub mod build;
pub mod cache;
pub mod catalogue;
pub mod crosswalk;
pub mod date;
pub mod diagnostics;
pub mod diff;
pub mod export;
pub mod linkcheck;
pub mod live;
pub mod load;
pub mod markdown;
pub mod model;
pub mod outputs;
pub mod pages;
pub mod parse;
pub mod permalinks;
pub mod postprocess;
pub mod readiness;
pub mod render;
pub mod serve;
pub mod source;
pub mod starter;
pub mod validate;
pub mod views;
pub mod write;
pub mod yaml;
