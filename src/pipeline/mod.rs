//! The stages, in the order a build runs them; a stage imports only [`crate::core`]
//! and the stages before it.
//!
//! 1. [`load`]: read `content/` as UTF-8 text;
//! 2. [`parse`]: front matter and YAML registers into typed entries with spans;
//! 3. [`markdown`]: the Markdown language — parsed and highlighted once into HTML
//!    that carries edition marks, rendered per edition;
//! 4. [`model`]: one [`model::Site`] graph with ids, URLs, editions, the parsed
//!    Markdown of every document and field, and backlinks;
//! 5. [`validate`]: every AIMS rule, pure and fast;
//! 6. [`render`]: Tera pages from borrowed views, in parallel;
//! 7. [`postprocess`]: lol_html over each page (anchors, edition guard, links);
//! 8. [`linkcheck`]: every internal href and fragment on the final HTML;
//! 9. [`write`]: the site written to a temporary folder and swapped in.

pub mod linkcheck;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod postprocess;
pub mod render;
pub mod validate;
pub mod write;
