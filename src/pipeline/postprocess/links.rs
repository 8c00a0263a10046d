//! The URLs of a page, for the link check: which elements and attributes
//! carry one, and how each is read (character references decoded, a
//! `srcset` split into its candidates, a refresh `meta`'s target).

use super::{on_element, Found, Handler, Selectors};
use std::borrow::Cow;

/// Every element that can carry a URL the browser follows or fetches.
/// Raw HTML in content passes through, so an author's `<iframe>`,
/// `<video>` or `<object>` is checked like a link: a public page that
/// embeds an internal page is an edition leak, a missing file a broken link.
pub(super) const LINK_SELECTOR: &str = concat!(
    "a[href], area[href], link[href], base[href], script[src], img[src], img[srcset], ",
    "iframe[src], frame[src], embed[src], object[data], input[src], ",
    "video[src], video[poster], audio[src], source[src], source[srcset], track[src], ",
    "form[action], button[formaction], input[formaction], ",
    "blockquote[cite], q[cite], ins[cite], del[cite], meta[http-equiv]"
);

/// The attributes that hold one URL each (`srcset` holds a list and a
/// refresh `meta` one inside its `content`; both are read apart).
const URL_ATTRIBUTES: [&str; 7] = [
    "href",
    "src",
    "data",
    "poster",
    "action",
    "formaction",
    "cite",
];

/// Every URL of [`LINK_SELECTOR`]'s elements, decoded, for the link check.
pub(super) fn links<'h>(sel: &'static Selectors, found: &'h Found) -> Handler<'h> {
    on_element(&sel.links, |el| {
        if el.removed() {
            return Ok(());
        }
        let mut hrefs = found.hrefs.borrow_mut();
        let mut push = |v: &str| {
            hrefs.push(match decode_entities_cow(v) {
                Cow::Borrowed(b) => b.to_string(),
                Cow::Owned(d) => d,
            })
        };
        for name in URL_ATTRIBUTES {
            if let Some(v) = el.get_attribute(name) {
                push(v.trim());
            }
        }
        if let Some(v) = el.get_attribute("srcset") {
            srcset_urls(&decode_entities(&v)).for_each(&mut push);
        }
        let refresh = el
            .get_attribute("http-equiv")
            .is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh"));
        if refresh {
            if let Some(url) = el.get_attribute("content").as_deref().and_then(refresh_url) {
                push(&decode_entities(url));
            }
        }
        Ok(())
    })
}

/// The URLs of a `srcset` list (`a.png 1x, b.png 2x`): each candidate is a
/// URL, then optional descriptors, candidates split by commas. A URL may
/// itself hold commas; one that ends in a comma ends its candidate (the
/// HTML standard's parsing, without the descriptors it does not need).
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
            // Skip the descriptors, up to the comma that ends them
            // (a comma inside parentheses does not).
            let mut depth = 0usize;
            let cut = after
                .char_indices()
                .find(|&(_, c)| match c {
                    '(' => {
                        depth += 1;
                        false
                    }
                    ')' => {
                        depth = depth.saturating_sub(1);
                        false
                    }
                    ',' => depth == 0,
                    _ => false,
                })
                .map_or(after.len(), |(i, _)| i + 1);
            &after[cut..]
        };
        Some(url_trimmed)
    })
}

/// The URL of a refresh `meta` (`content="5; url=/next/"`), if it names one.
fn refresh_url(content: &str) -> Option<&str> {
    let (_, rest) = content.split_once([';', ','])?;
    let rest = rest.trim_start();
    let eq = rest.find('=')?;
    if !rest[..eq].trim().eq_ignore_ascii_case("url") {
        return None;
    }
    let url = rest[eq + 1..].trim();
    let url = url
        .strip_prefix(['\'', '"'])
        .map_or(url, |u| u.trim_end_matches(['\'', '"']));
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
        assert_eq!(refresh_url("5"), None);
        assert_eq!(refresh_url("5;url=/a/"), Some("/a/"));
        assert_eq!(refresh_url("5, URL = \"/b/\""), Some("/b/"));
    }
}
