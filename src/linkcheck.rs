//! Stage 8, link check on the final HTML: every internal `href` and `#fragment`
//! of every page of every edition must resolve within that edition. A link to a
//! page that only a higher edition has is reported as an edition leak.

use crate::diagnostics::{rule, Diagnostic};
use crate::postprocess::PageLinks;
use crate::source::{file_diag, WithHelp};
use std::collections::{HashMap, HashSet};

/// What one edition contains: every output file, and the ids of each HTML page.
#[derive(Debug, Default, Clone)]
pub struct EditionIndex {
    pub name: String,
    /// Output paths, root-relative with a leading `/` (`/controls/a-2-2/index.html`).
    pub files: HashSet<String>,
    /// Page path -> its links and ids.
    pub pages: HashMap<String, PageLinks>,
}

/// The file a URL path is served from (`/x/` -> `/x/index.html`).
pub fn file_for(path: &str) -> String {
    if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

fn is_external(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("//")
        || lower.starts_with("data:")
}

/// Resolves `href` relative to the page at `page` (a file path).
fn resolve(page: &str, href: &str) -> String {
    if href.starts_with('/') {
        return href.to_string();
    }
    let dir = &page[..page.rfind('/').map_or(0, |i| i + 1)];
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in href.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if href.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Checks every edition; `editions` must be ordered lowest first.
pub fn check(editions: &[EditionIndex]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, ed) in editions.iter().enumerate() {
        let mut pages: Vec<_> = ed.pages.iter().collect();
        pages.sort_by(|a, b| a.0.cmp(b.0));
        for (page, links) in pages {
            for href in &links.hrefs {
                if href.is_empty() || is_external(href) || href.starts_with("/__vouch/") {
                    continue;
                }
                let (path, frag) = match href.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (href.as_str(), None),
                };
                let path = path.split('?').next().unwrap_or("");
                let target = if path.is_empty() {
                    page.clone()
                } else {
                    file_for(&resolve(page, path))
                };
                let file = format!("site/{}{}", ed.name, page);
                if !ed.files.contains(&target) {
                    let higher = editions[i + 1..].iter().find(|h| h.files.contains(&target));
                    let d = match higher {
                        Some(h) => file_diag(
                            &rule::EDITION_LEAK,
                            &file,
                            format!("link to `{href}`, a page only the {} edition has", h.name),
                        )
                        .help("raise the visibility of the linking entity, or lower the target's"),
                        None => file_diag(
                            &rule::BROKEN_LINK,
                            &file,
                            format!(
                                "broken link `{href}`: no such page in the {} edition",
                                ed.name
                            ),
                        )
                        .help("fix the link or the template that writes it"),
                    };
                    out.push(d);
                    continue;
                }
                if let Some(frag) = frag.filter(|f| !f.is_empty()) {
                    let ok = ed
                        .pages
                        .get(&target)
                        .is_none_or(|p| p.ids.iter().any(|id| id == frag));
                    if !ok {
                        out.push(
                            file_diag(
                                &rule::BROKEN_LINK,
                                &file,
                                format!("broken fragment `{href}`: no id `{frag}` on {target}"),
                            )
                            .help("link to an existing heading (see the page's table of contents)"),
                        );
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ed(name: &str, pages: &[(&str, &[&str], &[&str])]) -> EditionIndex {
        let mut e = EditionIndex {
            name: name.into(),
            ..Default::default()
        };
        for (p, hrefs, ids) in pages {
            e.files.insert(p.to_string());
            e.pages.insert(
                p.to_string(),
                PageLinks {
                    hrefs: hrefs.iter().map(|s| s.to_string()).collect(),
                    ids: ids.iter().map(|s| s.to_string()).collect(),
                },
            );
        }
        e
    }

    #[test]
    fn reports_missing_pages_fragments_and_edition_leaks() {
        let public = ed(
            "public",
            &[(
                "/index.html",
                &[
                    "/a/",
                    "/a/#x",
                    "/a/#nope",
                    "/secret/",
                    "/gone/",
                    "https://x.org/",
                ],
                &[],
            )],
        );
        let mut public = public;
        public.files.insert("/a/index.html".into());
        public.pages.insert(
            "/a/index.html".into(),
            PageLinks {
                hrefs: vec![],
                ids: vec!["x".into()],
            },
        );
        let internal = ed("internal", &[("/secret/index.html", &[], &[])]);
        let d = check(&[public, internal]);
        let names: Vec<_> = d.iter().map(|d| d.rule.name).collect();
        assert_eq!(names, vec!["broken-link", "edition-leak", "broken-link"]);
    }

    #[test]
    fn resolves_relative_links() {
        assert_eq!(resolve("/a/b/index.html", "../c/"), "/a/c/");
        assert_eq!(resolve("/a/index.html", "x.css"), "/a/x.css");
    }
}
