//! Stage 5, validate: every AIMS rule over the model. Pure (the only I/O is a
//! check that evidence files exist) and fast, so `serve` runs it on every save.

mod documents;
mod evidence;
pub mod paths;
mod records;
mod registers;
mod requirements;
mod systems;

use crate::core::diagnostics::{did_you_mean, rule, Diagnostic};
use crate::core::kinds::{Kind, RESERVED};
use crate::core::source::WithHelp;
use crate::pipeline::model::Site;
use std::collections::HashMap;

/// Runs every rule; returns the findings (unsorted).
pub fn validate(site: &Site) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    ids(site, &mut d);
    references(site, &mut d);
    registers::controls(site, &mut d);
    requirements::requirements(site, &mut d);
    evidence::evidence(site, &mut d);
    documents::documents(site, &mut d);
    registers::systems(site, &mut d);
    systems::systems(site, &mut d);
    registers::risks(site, &mut d);
    registers::certifications(site, &mut d);
    paths::paths(site, &mut d);
    records::records(site, &mut d);
    d
}

/// `[a-z0-9][a-z0-9-]*`.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn ids(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let mut check = |kind: Kind, id: &str, loc: &crate::core::source::ItemLoc| {
        if kind == Kind::Control && id.starts_with("A.") {
            return;
        }
        if !valid_id(id) {
            let span = loc.locate(s, &["id"], Some(id));
            let suggestion = id
                .to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
            d.push(
                s.diag(
                    &rule::INVALID_ID,
                    span,
                    format!("invalid {} id `{id}`", kind.name()),
                )
                .help(format!(
                    "ids are lowercase letters, digits and hyphens, e.g. `{}`",
                    suggestion.trim_matches('-')
                )),
            );
        }
    };
    for e in &site.docs {
        check(e.kind, &e.id, &e.loc);
    }
    macro_rules! each {
        ($list:expr) => {
            for e in &$list {
                check(e.kind, &e.id, &e.loc);
            }
        };
    }
    each!(site.controls);
    each!(site.evidence);
    each!(site.risks);
    each!(site.suppliers);
    each!(site.faq);
    each!(site.systems);
    for h in site.records.heads() {
        check(h.kind, h.id, h.loc);
    }
    for e in site
        .docs
        .iter()
        .filter(|e| e.kind == Kind::Page && RESERVED.contains(&e.id.as_str()))
    {
        d.push(
            s.diag(
                &rule::RESERVED_ID,
                e.loc.head(s),
                format!("page id `{}` collides with a generated path", e.id),
            )
            .help("rename the file, or set another `id:` in its front matter"),
        );
    }
}

fn references(site: &Site, d: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    // Documents by (kind, id): anchors are checked per edge, so no scans.
    let doc_pos: HashMap<(Kind, &str), usize> = site
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| ((d.kind, d.id.as_str()), i))
        .collect();
    // Edges are independent; a large project has hundreds of thousands.
    let found: Vec<Diagnostic> = site
        .edges
        .par_iter()
        .filter_map(|e| check_edge(site, &doc_pos, e))
        .collect();
    d.extend(found);
}

fn check_edge(
    site: &Site,
    doc_pos: &HashMap<(Kind, &str), usize>,
    e: &crate::pipeline::model::Edge,
) -> Option<Diagnostic> {
    let s = &site.sources;
    let (kind, id) = (&e.to.0, &e.to.1);
    if site.is_broken(*kind, id) {
        return None;
    }
    if site.level(*kind, id).is_none() {
        let ids = site.ids(*kind);
        let hint = match did_you_mean(id, ids.iter().copied()) {
            Some(m) => format!("did you mean `{m}`?"),
            None if ids.is_empty() => format!("there is no {} yet", kind.name()),
            None => format!(
                "known {} ids include: {}",
                kind.name(),
                ids.iter().take(6).copied().collect::<Vec<_>>().join(", ")
            ),
        };
        let (r, msg) = if e.field == "models" {
            (
                &rule::UNKNOWN_SUPPLIER,
                format!("model supplier `{id}` is not in registers/suppliers.yaml"),
            )
        } else {
            (
                &rule::UNRESOLVED_REFERENCE,
                format!("unresolved reference to {} `{id}`", kind.name()),
            )
        };
        return Some(s.diag(r, e.span, msg).help(hint));
    }
    let anchor = e.anchor.as_ref()?;
    let headings = doc_pos
        .get(&(*kind, id.as_str()))
        .map(|p| &site.doc_md[*p].headings);
    match headings {
        Some(h) if h.iter().any(|h| h.slug == *anchor) => None,
        Some(h) => {
            let slugs: Vec<&str> = h.iter().map(|h| h.slug.as_str()).collect();
            let hint = match did_you_mean(anchor, slugs.iter().copied()) {
                Some(m) => format!("did you mean `#{m}`?"),
                None => format!("sections of {} `{id}`: {}", kind.name(), slugs.join(", ")),
            };
            let msg = format!("no section `#{anchor}` in {} `{id}`", kind.name());
            Some(s.diag(&rule::UNRESOLVED_REFERENCE, e.span, msg).help(hint))
        }
        None => {
            let msg = format!("{} `{id}` has no sections to link to", kind.name());
            Some(s.diag(&rule::UNRESOLVED_REFERENCE, e.span, msg).help(
                "section anchors work on Markdown documents (policies, notices, assessments, pages, scope)",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_hyphenated() {
        assert!(valid_id("ev-sso-review"));
        assert!(valid_id("r-07"));
        assert!(!valid_id("Ev-1"));
        assert!(!valid_id("-x"));
        assert!(!valid_id("a_b"));
    }
}
