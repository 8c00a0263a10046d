//! Stage 8, link check on the final HTML: every internal `href` and `#fragment`
//! of every page of every edition must resolve within that edition. A link to a
//! page that only a higher edition has is reported as an edition leak.

use crate::core::diagnostics::{rule, Diagnostic};
use crate::core::kinds::Kind;
use crate::core::routes::{file_for, url};
use crate::core::source::Span;
use crate::core::source::{file_diag, WithHelp};
use crate::pipeline::model::Site;
use crate::pipeline::postprocess::{PageLinks, RawLinks, BASE_MARK, SRCDOC_MARK};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// What one edition contains: every output file, and the ids of each HTML page.
#[derive(Debug, Default, Clone)]
pub struct EditionIndex {
    pub name: String,
    /// Output paths, root-relative with a leading `/` (`/controls/a-2-2/index.html`).
    pub files: HashSet<String>,
    /// Page path -> its links and ids.
    pub pages: HashMap<String, PageLinks>,
}

/// Shares equal link strings between the pages of an edition. Pages repeat
/// the same navigation links, and an edition's links are all held until it is
/// checked: one copy of each string instead of one per page.
#[derive(Debug, Default)]
pub struct Interner(Mutex<HashSet<Arc<str>>>);

impl Interner {
    /// Sorts and de-duplicates a page's links and ids, sharing their strings.
    pub fn compact(&self, mut links: PageLinks) -> PageLinks {
        for v in [&mut links.hrefs, &mut links.ids] {
            v.sort_unstable();
            v.dedup();
            v.shrink_to_fit();
        }
        if let Ok(mut set) = self.0.lock() {
            for s in links.hrefs.iter_mut().chain(links.ids.iter_mut()) {
                match set.get(&**s) {
                    Some(shared) => *s = shared.clone(),
                    None => {
                        set.insert(s.clone());
                    }
                }
            }
        }
        links
    }

    /// [`Interner::compact`] for links as the page spells them: a string
    /// the edition has seen already is shared without being copied first.
    pub fn intern(&self, raw: RawLinks) -> PageLinks {
        let [mut hrefs, mut ids] = [raw.hrefs, raw.ids];
        for v in [&mut hrefs, &mut ids] {
            v.sort_unstable();
            v.dedup();
        }
        let raw = RawLinks { hrefs, ids };
        let Ok(mut set) = self.0.lock() else {
            return raw.into_page_links();
        };
        let mut share = |v: Vec<String>| -> Vec<Arc<str>> {
            let mut out: Vec<Arc<str>> = v
                .into_iter()
                .map(|s| match set.get(s.as_str()) {
                    Some(shared) => shared.clone(),
                    None => {
                        let a: Arc<str> = Arc::from(s);
                        set.insert(a.clone());
                        a
                    }
                })
                .collect();
            out.shrink_to_fit();
            out
        };
        PageLinks {
            hrefs: share(raw.hrefs),
            ids: share(raw.ids),
        }
    }
}

/// True for a URL that does not point into the site: `//host`, or a scheme
/// other than the web's own (`mailto:`, `tel:`, `data:`, `urn:`,
/// `about:` …), or `http(s)`, `ws(s)`, `ftp` or `file` followed by `//`.
/// `https:/x` (no `//`) resolves against the page in a browser, so it is
/// checked like a relative link.
fn is_external(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    let Some((scheme, rest)) = href.split_once(':') else {
        return false;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return false;
    }
    let special = ["http", "https", "ws", "wss", "ftp", "file"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s));
    !special || rest.starts_with("//")
}

/// What the link check says about a mark the post-processor left for what
/// it cannot follow (`postprocess::BASE_MARK`, `SRCDOC_MARK`), in edition
/// `edition`: the message and the help.
fn unfollowable(href: &str, edition: &str) -> Option<(String, &'static str)> {
    if let Some(base) = href.strip_prefix(BASE_MARK) {
        return Some((
            format!("a `<base href=\"{base}\">` in the {edition} edition changes where every relative link of the page goes, which the link check cannot follow"),
            "remove the <base> element and write the links in full",
        ));
    }
    (href == SRCDOC_MARK).then(|| {
        (
            format!("an `<iframe srcdoc>` in the {edition} edition holds a document the link check cannot read"),
            "put the frame's content in a page of its own and link it with src",
        )
    })
}

/// True for the dev server's own paths (`/__vouch/…`), which no build
/// writes: only a plain path, so `/__vouch/../x` is checked as `/x`.
fn is_dev_server_path(href: &str) -> bool {
    href.starts_with("/__vouch/") && !href.contains("..") && !href.contains(['%', '\\'])
}

/// A broken link or edition leak on a rendered page: the page (a file path
/// of the edition), the link as written, and the diagnostic, which names the
/// rendered file until the build locates the link in its source.
#[derive(Debug, Clone)]
pub struct LinkFinding {
    pub page: String,
    pub href: String,
    pub diag: Diagnostic,
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

/// Checks one edition. `higher` holds the name and files of each edition above
/// it, lowest first: a link that misses here but hits there is an edition leak.
/// Checking an edition as soon as it is rendered lets the build drop its links
/// before the next edition renders.
pub fn check_edition(ed: &EditionIndex, higher: &[(&str, &HashSet<String>)]) -> Vec<LinkFinding> {
    use rayon::prelude::*;
    let mut pages: Vec<_> = ed.pages.iter().collect();
    pages.sort_by(|a, b| a.0.cmp(b.0));
    // Pages are checked independently; collecting keeps their order.
    pages
        .par_iter()
        .flat_map_iter(|(page, links)| check_page(ed, higher, page, links))
        .collect()
}

fn check_page(
    ed: &EditionIndex,
    higher: &[(&str, &HashSet<String>)],
    page: &str,
    links: &PageLinks,
) -> Vec<LinkFinding> {
    let mut out = Vec::new();
    let mut push = |href: &str, diag: Diagnostic| {
        out.push(LinkFinding {
            page: page.to_string(),
            href: href.to_string(),
            diag,
        })
    };
    let file = || format!("site/{}{}", ed.name, page);
    for href in &links.hrefs {
        if let Some((msg, help)) = unfollowable(href, &ed.name) {
            push(href, file_diag(&rule::BROKEN_LINK, &file(), msg).help(help));
            continue;
        }
        if href.is_empty() || is_external(href) || is_dev_server_path(href) {
            continue;
        }
        let (path, frag) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (&**href, None),
        };
        let path = path.split('?').next().unwrap_or("");
        let target = if path.is_empty() {
            page.to_string()
        } else {
            file_for(&resolve(page, path))
        };
        if !ed.files.contains(&target) {
            let d = match higher.iter().find(|h| h.1.contains(&target)) {
                Some((name, _)) => file_diag(
                    &rule::EDITION_LEAK,
                    &file(),
                    format!(
                        "link in the {} edition to `{href}`, a page only the {name} edition has",
                        ed.name
                    ),
                )
                .help("raise the visibility of the linking entity, or lower the target's"),
                None => file_diag(
                    &rule::BROKEN_LINK,
                    &file(),
                    format!(
                        "broken link `{href}`: no such page in the {} edition",
                        ed.name
                    ),
                )
                .help("fix the link or the template that writes it"),
            };
            push(href, d);
            continue;
        }
        if let Some(frag) = frag.filter(|f| !f.is_empty()) {
            let ok = ed
                .pages
                .get(&target)
                // Ids are sorted by `Interner::compact`: a page with
                // thousands of headings and anchor links stays linear-ish.
                .is_none_or(|p| p.ids.binary_search_by(|id| (**id).cmp(frag)).is_ok());
            if !ok {
                push(
                    href,
                    file_diag(
                        &rule::BROKEN_LINK,
                        &file(),
                        format!(
                            "broken fragment `{href}` in the {} edition: no id `{frag}` on {target}",
                            ed.name
                        ),
                    )
                    .help("link to an existing heading (see the page's table of contents)"),
                );
            }
        }
    }
    out
}

/// Points each finding at the link in its source: the file, line and column
/// of the entity whose page carries it, where the link is written. A link no
/// source holds was written by a template: the finding keeps the rendered file
/// and says so. Each message names the edition the link breaks in.
pub fn locate<'s>(site: &'s Site, findings: Vec<LinkFinding>) -> Vec<Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    let mut pages: HashMap<String, (Kind, &'s str)> = HashMap::new();
    let mut add = |kind: Kind, id: &'s str| {
        pages.insert(file_for(&url(kind, id)), (kind, id));
    };
    site.docs.iter().for_each(|e| add(e.kind, &e.id));
    site.controls.iter().for_each(|e| add(e.kind, &e.id));
    site.evidence.iter().for_each(|e| add(e.kind, &e.id));
    site.risks.iter().for_each(|e| add(e.kind, &e.id));
    site.suppliers.iter().for_each(|e| add(e.kind, &e.id));
    site.faq.iter().for_each(|e| add(e.kind, &e.id));
    site.systems.iter().for_each(|e| add(e.kind, &e.id));
    site.records.heads().iter().for_each(|h| add(h.kind, h.id));
    findings
        .into_iter()
        .map(|f| {
            let found = pages
                .get(&f.page)
                .and_then(|(kind, id)| source_span(site, *kind, id, &f.href));
            match found {
                Some(span) => {
                    let mut d = site.sources.diag(f.diag.rule, span, f.diag.message);
                    d.help = f.diag.help;
                    d
                }
                None => {
                    let mut d = f.diag;
                    d.message.push_str(" (written by the theme's template)");
                    d
                }
            }
        })
        .collect()
}

/// Where `href` is written in the source of entity `(kind, id)`: a document's
/// whole file, or a register entry's lines.
fn source_span(site: &Site, kind: Kind, id: &str, href: &str) -> Option<Span> {
    let loc = site.loc(kind, id)?;
    let file = site.sources.get(loc.file);
    let (start, end) = match kind {
        Kind::Scope | Kind::Policy | Kind::Assessment | Kind::Notice | Kind::Page => {
            (0, file.len())
        }
        _ => (
            file.line_start(loc.lines.start),
            file.line_start(loc.lines.end)
                .max(file.line_start(loc.lines.start)),
        ),
    };
    let text = file.slice(start, end)?;
    if href.starts_with(BASE_MARK) {
        let at = text.find("<base")?;
        return Some(Span {
            file: loc.file,
            offset: start + at,
            len: "<base".len(),
        });
    }
    let path = href.split('#').next().unwrap_or(href);
    let at = [href, path]
        .iter()
        .filter(|p| !p.is_empty())
        .find_map(|p| find_link_target(&text, p))?;
    Some(Span {
        file: loc.file,
        offset: start + at,
        len: href.len(),
    })
}

/// The offset of `target` written as a link destination (`](target` or
/// `href="target`, `src="target`), else anywhere.
fn find_link_target(text: &str, target: &str) -> Option<usize> {
    for prefix in ["](", "href=\"", "src=\"", "<"] {
        if let Some(i) = text.find(&format!("{prefix}{target}")) {
            return Some(i + prefix.len());
        }
    }
    text.find(target)
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
                    hrefs: hrefs.iter().map(|s| Arc::from(*s)).collect(),
                    ids: {
                        let mut v: Vec<Arc<str>> = ids.iter().map(|s| Arc::from(*s)).collect();
                        v.sort();
                        v
                    },
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
                ids: vec![Arc::from("x")],
            },
        );
        let internal = ed("internal", &[("/secret/index.html", &[], &[])]);
        let d = check_edition(&public, &[("internal", &internal.files)]);
        let names: Vec<_> = d.iter().map(|d| d.diag.rule.name).collect();
        assert_eq!(names, vec!["broken-link", "edition-leak", "broken-link"]);
    }

    #[test]
    fn other_schemes_are_external_and_web_schemes_without_a_host_are_checked() {
        for href in [
            "https://x.org/",
            "HTTP://x.org",
            "//cdn.example/a.js",
            "mailto:a@b.c",
            "tel:+1",
            "data:image/png;base64,AA",
            "about:blank",
            "urn:isbn:0451450523",
            "doi:10.1000/1",
            "javascript:void(0)",
            "blob:https://x/1",
            "sms:+1",
        ] {
            assert!(is_external(href), "{href}");
        }
        for href in [
            "https:/internal/",
            "http:internal",
            "/a/",
            "a/b",
            "../c",
            "#x",
            "1a:b",
            "a b:c",
            "",
            "file:/x",
        ] {
            assert!(!is_external(href), "{href}");
        }
    }

    #[test]
    fn only_a_plain_dev_server_path_is_skipped() {
        assert!(is_dev_server_path("/__vouch/reload.js"));
        for href in [
            "/__vouch/../evidence/x/",
            "/__vouch/%2e%2e/evidence/",
            "/__vouch/..\\x",
            "/x/__vouch/",
        ] {
            assert!(!is_dev_server_path(href), "{href}");
        }
    }

    #[test]
    fn a_base_element_and_an_unreadable_srcdoc_are_reported() {
        let page = |hrefs: &[&str]| {
            let mut e = ed("public", &[("/index.html", &[], &[])]);
            e.pages.insert(
                "/index.html".into(),
                PageLinks {
                    hrefs: hrefs.iter().map(|h| Arc::from(*h)).collect(),
                    ids: vec![],
                },
            );
            check_edition(&e, &[])
        };
        let found = page(&[
            &format!("{BASE_MARK}/x/"),
            SRCDOC_MARK,
            "/__vouch/reload.js",
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].diag.message.contains("<base href=\"/x/\">"));
        assert!(found[1].diag.message.contains("srcdoc"));
    }

    #[test]
    fn resolves_relative_links() {
        assert_eq!(resolve("/a/b/index.html", "../c/"), "/a/c/");
        assert_eq!(resolve("/a/index.html", "x.css"), "/a/x.css");
    }

    #[test]
    fn interner_dedupes_and_shares_link_strings() {
        let i = Interner::default();
        let page = |h: &[&str]| PageLinks {
            hrefs: h.iter().map(|s| Arc::from(*s)).collect(),
            ids: vec![],
        };
        let a = i.compact(page(&["/x/", "/y/", "/x/"]));
        let b = i.compact(page(&["/x/"]));
        assert_eq!(a.hrefs.len(), 2);
        assert!(Arc::ptr_eq(&a.hrefs[0], &b.hrefs[0]));
    }

    #[test]
    fn interning_raw_links_sorts_dedupes_and_shares_them_like_compact() {
        let i = Interner::default();
        let raw = |h: &[&str], ids: &[&str]| RawLinks {
            hrefs: h.iter().map(|s| s.to_string()).collect(),
            ids: ids.iter().map(|s| s.to_string()).collect(),
        };
        let a = i.intern(raw(&["/y/", "/x/", "/y/"], &["b", "a", "b"]));
        let strs = |v: &[Arc<str>]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(strs(&a.hrefs), ["/x/", "/y/"]);
        assert_eq!(strs(&a.ids), ["a", "b"]);
        let b = i.compact(raw(&["/x/"], &[]).into_page_links());
        assert!(Arc::ptr_eq(&a.hrefs[0], &b.hrefs[0]));
        let c = i.intern(raw(&["/y/"], &[]));
        assert!(Arc::ptr_eq(&a.hrefs[1], &c.hrefs[0]));
    }

    #[test]
    fn edition_leak_needs_only_the_higher_file_lists() {
        let public = ed("public", &[("/index.html", &["/secret/"], &[])]);
        let files: HashSet<String> = ["/secret/index.html".to_string()].into();
        let d = check_edition(&public, &[("internal", &files)]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].diag.rule.name, "edition-leak");
        assert!(check_edition(&public, &[])[0].diag.rule.name == "broken-link");
    }
}
