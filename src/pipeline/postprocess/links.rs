//! The URLs of a page, for the link check: which elements and attributes
//! carry one, and how each is read (character references decoded, a
//! `srcset` split into its candidates, a refresh `meta`'s target).

use super::{on_element, Found, Handler, Selectors};
use std::borrow::Cow;

/// Every element that can carry a URL the browser follows or fetches,
/// on any element (inline SVG's `image`, `use` and `script` take `href` or
/// `xlink:href`). Raw HTML in content passes through, so an author's
/// `<iframe>`, `<video>` or `<object>` is checked like a link: a public
/// page that embeds an internal page is an edition leak, a missing file a
/// broken link.
pub(super) const LINK_SELECTOR: &str = concat!(
    "[href], [xlink\\:href], [src], [srcset], [imagesrcset], [poster], [action], ",
    "[formaction], [cite], [ping], [background], [srcdoc], object[data], meta[http-equiv]"
);

/// The attributes that hold one URL each; `data` only on `object`.
const URL_ATTRIBUTES: [&str; 8] = [
    "href",
    "xlink:href",
    "src",
    "poster",
    "action",
    "formaction",
    "cite",
    "background",
];

/// What the link check reads a `<base href>` as: it would change where
/// every relative URL of the page goes, which the check cannot follow, so
/// the check reports it (`linkcheck`).
pub const BASE_MARK: &str = "\0base ";

/// What the link check reads an `<iframe srcdoc>` as when the parser
/// cannot read the frame's document: reported, never skipped.
pub const SRCDOC_MARK: &str = "\0srcdoc";

/// How deep `<iframe srcdoc>` documents are read inside one another; a
/// deeper one is reported rather than read (each level is a parser on the
/// stack, and content could nest thousands).
const SRCDOC_DEPTH: usize = 4;

/// Every URL of [`LINK_SELECTOR`]'s elements, decoded, for the link check.
pub(super) fn links<'h>(sel: &'static Selectors, found: &'h Found) -> Handler<'h> {
    links_at(sel, found, 0)
}

/// [`links`] in a frame document `depth` levels of `srcdoc` down.
fn links_at<'h>(sel: &'static Selectors, found: &'h Found, depth: usize) -> Handler<'h> {
    on_element(&sel.links, move |el| {
        if !el.removed() {
            // Most values hold no character reference: they are kept as
            // they are, not copied.
            let attr = |name: &str| {
                el.get_attribute(name)
                    .map(|v| match decode_entities_cow(&v) {
                        Cow::Borrowed(_) => v,
                        Cow::Owned(d) => d,
                    })
            };
            let mut hrefs = found.hrefs.borrow_mut();
            element_urls(&el.tag_name(), &attr, depth, &mut |u| hrefs.push(u));
        }
        Ok(())
    })
}

/// The URLs of one element, `attr` giving its decoded attributes.
fn element_urls(
    tag: &str,
    attr: &dyn Fn(&str) -> Option<String>,
    depth: usize,
    push: &mut dyn FnMut(String),
) {
    if tag.eq_ignore_ascii_case("base") {
        if let Some(v) = attr("href") {
            push(format!("{BASE_MARK}{}", url_trim(&v)));
        }
        return;
    }
    for name in URL_ATTRIBUTES {
        if let Some(v) = attr(name) {
            push(trimmed(v));
        }
    }
    if tag.eq_ignore_ascii_case("object") {
        if let Some(v) = attr("data") {
            push(trimmed(v));
        }
    }
    if let Some(v) = attr("ping") {
        v.split_ascii_whitespace().for_each(|u| push(u.to_string()));
    }
    for name in ["srcset", "imagesrcset"] {
        if let Some(v) = attr(name) {
            srcset_urls(&v).for_each(|u| push(u.to_string()));
        }
    }
    if let Some(doc) = attr("srcdoc") {
        // A frame's own document: its URLs resolve against this page.
        srcdoc_urls(&doc, depth + 1)
            .into_iter()
            .for_each(&mut *push);
    }
    let refresh = attr("http-equiv").is_some_and(|h| url_trim(&h).eq_ignore_ascii_case("refresh"));
    if refresh {
        if let Some(url) = attr("content").as_deref().and_then(refresh_url) {
            push(url.to_string());
        }
    }
}

/// The URLs of the document in an `<iframe srcdoc>` (decoded already),
/// `depth` levels down.
fn srcdoc_urls(doc: &str, depth: usize) -> Vec<String> {
    if depth > SRCDOC_DEPTH {
        return vec![SRCDOC_MARK.to_string()];
    }
    let Ok(sel) = super::selectors() else {
        // The selectors are checked by every page's pass; without them no
        // page is built, so nothing is lost here.
        return vec![SRCDOC_MARK.to_string()];
    };
    let found = Found::default();
    let done = lol_html::rewrite_str(
        doc,
        lol_html::RewriteStrSettings {
            element_content_handlers: vec![links_at(sel, &found, depth)],
            ..lol_html::RewriteStrSettings::new()
        },
    );
    match done {
        Ok(_) => found.hrefs.into_inner(),
        // A frame document the parser refuses is checked as a broken link.
        Err(_) => vec![SRCDOC_MARK.to_string()],
    }
}

/// A URL attribute as the URL parser reads it: leading and trailing C0
/// controls and spaces removed (a no-break space stays: it is part of the URL).
fn url_trim(v: &str) -> &str {
    v.trim_matches(|c: char| c <= ' ')
}

/// [`url_trim`] of an owned value, copying only when there is something
/// to trim.
fn trimmed(v: String) -> String {
    match url_trim(&v) {
        t if t.len() == v.len() => v,
        t => t.to_string(),
    }
}

/// The URLs of a `srcset` list (`a.png 1x, b.png 2x`): each candidate is a
/// URL, then optional descriptors, candidates split by commas. A URL may
/// itself hold commas; one that ends in a comma ends its candidate. In the
/// descriptors, a comma inside parentheses does not end the candidate, and
/// the first `)` closes them (the HTML standard's parsing, without the
/// descriptors it does not need).
fn srcset_urls(set: &str) -> impl Iterator<Item = &str> {
    let mut rest = set;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        let url_trimmed = url.trim_end_matches(',');
        rest = if url_trimmed.len() < url.len() {
            after
        } else {
            let mut in_parens = false;
            let cut = after
                .char_indices()
                .find(|&(_, c)| match c {
                    '(' => {
                        in_parens = true;
                        false
                    }
                    ')' => {
                        in_parens = false;
                        false
                    }
                    ',' => !in_parens,
                    _ => false,
                })
                .map_or(after.len(), |(i, _)| i + 1);
            &after[cut..]
        };
        Some(url_trimmed)
    })
}

/// `p` without a leading quote, cut at the same quote (the refresh steps'
/// "skip quotes").
fn quoted(p: &str) -> &str {
    match p.chars().next() {
        Some(q @ ('\'' | '"')) => {
            let rest = &p[1..];
            rest.find(q).map_or(rest, |i| &rest[..i])
        }
        _ => p,
    }
}

/// The URL of a refresh `meta` (`content="5; url=/next/"`, `"0 /next/"`),
/// if it names one: the HTML standard's shared declarative refresh steps.
fn refresh_url(content: &str) -> Option<&str> {
    let ws = |c: char| c.is_ascii_whitespace();
    let mut p = content.trim_start_matches(ws);
    let digits = p.len() - p.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 && !p.starts_with('.') {
        return None;
    }
    p = p.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    if p.is_empty() {
        return None;
    }
    if !p.starts_with([';', ',']) && !p.starts_with(ws) {
        return None;
    }
    p = p.trim_start_matches(ws);
    if let Some(after) = p.strip_prefix([';', ',']) {
        p = after.trim_start_matches(ws);
    }
    if p.is_empty() {
        return None;
    }
    let url_string = p;
    let url = match p.chars().next() {
        Some('u' | 'U') => {
            let after_u = &p[1..];
            match after_u
                .strip_prefix(['r', 'R'])
                .and_then(|r| r.strip_prefix(['l', 'L']))
            {
                Some(after_url) => match after_url.trim_start_matches(ws).strip_prefix('=') {
                    Some(v) => quoted(v.trim_start_matches(ws)),
                    None => url_string,
                },
                None => url_string,
            }
        }
        _ => quoted(p),
    };
    let url = url_trim(url);
    (!url.is_empty()).then_some(url)
}

/// Decodes the character references a template engine puts into attributes.
pub fn decode_entities(s: &str) -> String {
    decode_entities_cow(s).into_owned()
}

/// [`decode_entities`], borrowing `s` when it has no reference to decode
/// (most links): no copy is made.
fn decode_entities_cow(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::super::process;
    use super::*;

    fn eds() -> Vec<String> {
        vec!["public".into(), "customer".into(), "internal".into()]
    }

    #[test]
    fn decodes_character_references_in_links() {
        assert_eq!(
            decode_entities("&#x2F;a&#47;b?x=1&amp;y=2&zz"),
            "/a/b?x=1&y=2&zz"
        );
    }

    #[test]
    fn collects_the_urls_of_embedded_media_frames_forms_and_refreshes() {
        let html = concat!(
            r#"<iframe src="/internal-only/"></iframe><object data="x.pdf"></object>"#,
            r#"<video src="v.mp4" poster="p.png"><source srcset="s1.webp 1x, s2,x.webp 2x"><track src="t.vtt"></video>"#,
            r#"<img src="a.png" srcset="b.png 480w,c.png (x, y) 800w, d.png"><embed src="e.svg"><audio src=" f.ogg ">"#,
            r#"<form action="/send/"><button formaction="/alt/">Go</button></form><blockquote cite="../q/"></blockquote>"#,
            r#"<meta http-equiv="Refresh" content="0; URL='/moved/'"><meta name="x" content="1; url=/not-a-link/">"#
        );
        let (_, links) = process(html, 0, &eds()).unwrap();
        let got: Vec<String> = links.hrefs.iter().map(|s| s.to_string()).collect();
        let want = [
            "/internal-only/",
            "x.pdf",
            "v.mp4",
            "p.png",
            "s1.webp",
            "s2,x.webp",
            "t.vtt",
            "a.png",
            "b.png",
            "c.png",
            "d.png",
            "e.svg",
            "f.ogg",
            "/send/",
            "/alt/",
            "../q/",
            "/moved/",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn srcset_candidates_split_on_commas_outside_urls_and_descriptors() {
        let urls = |s: &str| srcset_urls(s).map(String::from).collect::<Vec<_>>();
        assert_eq!(urls("a.png"), ["a.png"]);
        assert_eq!(urls(" a.png 1x ,b.png 2x"), ["a.png", "b.png"]);
        assert_eq!(urls("a.png,, b.png"), ["a.png", "b.png"]);
        assert_eq!(
            urls("data:image/png;base64,AAA 1x, c.png"),
            ["data:image/png;base64,AAA", "c.png"]
        );
        assert!(urls(" , ").is_empty());
        // The first `)` closes the descriptors: the browser fetches the second.
        assert_eq!(
            urls("x.png (a(b), /internal/secret.png 2x"),
            ["x.png", "/internal/secret.png"]
        );
    }

    #[test]
    fn a_refresh_url_is_read_as_the_html_standard_reads_it() {
        let cases = [
            ("5", None),
            ("", None),
            ("x; url=/a/", None),
            ("5;url=/a/", Some("/a/")),
            ("5, URL = \"/b/\"", Some("/b/")),
            ("0; /internal/", Some("/internal/")),
            ("0 url=/internal/", Some("/internal/")),
            ("0;/internal/?a=b", Some("/internal/?a=b")),
            ("0; url='/a/'junk", Some("/a/")),
            ("0; urx=/a/", Some("urx=/a/")),
            ("0; ur", Some("ur")),
            (".5; url=/c/", Some("/c/")),
            ("0;", None),
        ];
        for (content, want) in cases {
            assert_eq!(refresh_url(content), want, "{content}");
        }
    }

    #[test]
    fn frame_documents_nested_past_the_limit_are_reported_not_read() {
        // Each level escapes the one inside it once more.
        let mut doc = r#"<img src="/deep.png" alt="">"#.to_string();
        for _ in 0..SRCDOC_DEPTH {
            doc = format!(
                r#"<iframe srcdoc="{}"></iframe>"#,
                doc.replace('&', "&amp;").replace('"', "&quot;")
            );
        }
        let urls = |html: &str| {
            let (_, l) = process(html, 0, &eds()).unwrap();
            l.hrefs.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(urls(&doc), ["/deep.png"]);
        let deeper = format!(
            r#"<iframe srcdoc="{}"></iframe>"#,
            doc.replace('&', "&amp;").replace('"', "&quot;")
        );
        assert_eq!(urls(&deeper), [SRCDOC_MARK]);
        // Hundreds of levels neither overflow the stack nor pass unseen.
        let mut huge = "x".to_string();
        for _ in 0..300 {
            huge = format!(
                "<iframe srcdoc=\"{}\"></iframe>",
                huge.replace('&', "&amp;").replace('"', "&quot;")
            );
        }
        assert_eq!(urls(&huge), [SRCDOC_MARK]);
    }

    #[test]
    fn every_url_attribute_is_collected_once_decoded_and_a_base_is_marked() {
        let html = concat!(
            r#"<iframe srcdoc="&lt;img src=&quot;/in-srcdoc.png&quot;&gt;"></iframe>"#,
            r#"<map><area href="/area/"></map><frameset><frame src="/frame/"></frameset>"#,
            r#"<input type="image" src="/input/"><input type="submit" formaction="/formaction/">"#,
            r#"<q cite="/q/">q</q><ins cite="/ins/">i</ins><del cite="/del/">d</del>"#,
            r#"<img srcset="/only-srcset.png 2x" alt=""><link rel="preload" as="image" imagesrcset="/pre.png 1x">"#,
            r#"<svg><image href="/svg-image.png"/><use xlink:href="/sprite.svg#i"/></svg>"#,
            r#"<a href="/p/" ping="/ping1/ /ping2/">p</a><table background="/bg.png"></table>"#,
            r#"<meta http-equiv="&#82;efresh" content="0; url&#61;/decoded-refresh/">"#,
            r#"<img srcset="/a.png?x=1&amp;amp;y 2x" alt=""><a href=" &#10;/trimmed/&#9; ">t</a>"#,
            r#"<a href="/nbsp/&#160;">n</a><base href="/elsewhere/">"#
        );
        let (_, links) = process(html, 0, &eds()).unwrap();
        let got: Vec<String> = links.hrefs.iter().map(|s| s.to_string()).collect();
        let want = [
            "/in-srcdoc.png",
            "/area/",
            "/frame/",
            "/input/",
            "/formaction/",
            "/q/",
            "/ins/",
            "/del/",
            "/only-srcset.png",
            "/pre.png",
            "/svg-image.png",
            "/sprite.svg#i",
            "/p/",
            "/ping1/",
            "/ping2/",
            "/bg.png",
            "/decoded-refresh/",
            "/a.png?x=1&amp;y",
            "/trimmed/",
            "/nbsp/\u{a0}",
            "\0base /elsewhere/",
        ];
        assert_eq!(got, want);
    }
}
