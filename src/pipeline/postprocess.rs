//! Stage 7, post-process: one streaming lol_html pass over each rendered page.
//!
//! - removes elements a theme marked `data-edition="NAME"` for higher editions
//!   (a guard for theme authors: the model already filtered the data);
//! - adds a permalink anchor to every `h2`-`h6` that has an id;
//! - collects every `href`/`src` and every `id` for the link check;
//! - labels each body cell of a table that has a header row with its column
//!   header (`data-label`), so a narrow screen can show registers and
//!   Markdown tables as stacked rows with no script;
//! - gives every block of a document section whose heading carries a
//!   `lang` attribute (`## Datenschutz {lang=de}`) that language, up to the
//!   next heading of the same or a higher level.

use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str, text, RewriteStrSettings};
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// Links and anchors of one page, for the link check.
#[derive(Debug, Default, Clone)]
pub struct PageLinks {
    pub hrefs: Vec<Arc<str>>,
    pub ids: Vec<Arc<str>>,
}

/// Post-processes `html` for edition index `ed` of `editions`.
pub fn process(html: &str, ed: usize, editions: &[String]) -> Result<(String, PageLinks), String> {
    let hrefs = RefCell::new(Vec::new());
    let ids = RefCell::new(Vec::new());
    // Column headers of the table being read, and the column of the
    // next body cell: the header row streams past before the body.
    let heads: RefCell<Vec<(String, usize)>> = RefCell::new(Vec::new());
    let col = Cell::new(0usize);
    // The open language section of the document body: heading level and tag.
    let section: RefCell<Option<(u8, String)>> = RefCell::new(None);
    let out = rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!("[data-edition]", |el| {
                    let name = el.get_attribute("data-edition").unwrap_or_default();
                    let level = editions.iter().position(|e| *e == name).unwrap_or(editions.len());
                    if level > ed {
                        el.remove();
                    } else {
                        el.remove_attribute("data-edition");
                    }
                    Ok(())
                }),
                element!("h2[id], h3[id], h4[id], h5[id], h6[id]", |el| {
                    if el.get_attribute("data-no-anchor").is_none() {
                        let id = el.get_attribute("id").unwrap_or_default();
                        el.append(
                            &format!(" <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>", crate::pipeline::markdown::escape(&id)),
                            ContentType::Html,
                        );
                    }
                    Ok(())
                }),
                element!("[id]", |el| {
                    if !el.removed() {
                        ids.borrow_mut().push(Arc::from(el.get_attribute("id").unwrap_or_default()));
                    }
                    Ok(())
                }),
                element!(".doc-body > *", |el| {
                    lang_section(el, &mut section.borrow_mut());
                    Ok(())
                }),
                element!("table", |_| {
                    heads.borrow_mut().clear();
                    Ok(())
                }),
                element!("table thead th", |el| {
                    heads.borrow_mut().push((String::new(), colspan(el)));
                    Ok(())
                }),
                text!("table thead th", |t| {
                    if let Some(h) = heads.borrow_mut().last_mut() {
                        h.0.push_str(t.as_str());
                    }
                    Ok(())
                }),
                element!("table tbody tr", |_| {
                    col.set(0);
                    Ok(())
                }),
                element!("table tbody td, table tbody th", |el| {
                    let i = col.get();
                    col.set(i + colspan(el));
                    let label = column_label(&heads.borrow(), i);
                    if !label.is_empty() && !el.has_attribute("data-label") {
                        // The text is as the template escaped it, and
                        // set_attribute escapes `"` but keeps `&` entities.
                        el.set_attribute("data-label", &label).map_err(|e| e.to_string())?;
                    }
                    Ok(())
                }),
                element!("a[href], link[href], script[src], img[src]", |el| {
                    if !el.removed() {
                        let v = el.get_attribute("href").or_else(|| el.get_attribute("src")).unwrap_or_default();
                        hrefs.borrow_mut().push(Arc::from(decode_entities(&v)));
                    }
                    Ok(())
                }),
            ],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|e| e.to_string())?;
    Ok((
        out,
        PageLinks {
            hrefs: hrefs.into_inner(),
            ids: ids.into_inner(),
        },
    ))
}

/// Carries a heading's `lang` to the blocks of its section: a heading closes
/// the open section (same or higher level) or opens one (a valid tag); a
/// block or deeper heading in an open section without a `lang` of its own
/// gets the section's.
fn lang_section(el: &mut lol_html::html_content::Element, section: &mut Option<(u8, String)>) {
    let tag = el.tag_name();
    let level = match tag.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    };
    if let Some(level) = level {
        if section.as_ref().is_some_and(|(l, _)| level <= *l) {
            *section = None;
        }
        if section.is_none() {
            if let Some(lang) = el.get_attribute("lang") {
                if crate::pipeline::markdown::is_lang_tag(&lang) {
                    *section = Some((level, lang));
                }
            }
            return;
        }
    }
    if let Some((_, lang)) = section.as_ref() {
        if !el.has_attribute("lang") {
            let _ = el.set_attribute("lang", lang);
        }
    }
}

/// The columns a cell spans (1 unless a valid `colspan` says more).
fn colspan(el: &lol_html::html_content::Element) -> usize {
    el.get_attribute("colspan")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1)
}

/// The header text of column `i` as one line (its markup already dropped),
/// empty when no header covers it.
fn column_label(heads: &[(String, usize)], i: usize) -> String {
    let mut start = 0;
    for (text, span) in heads {
        if i < start + span {
            return text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        start += span;
    }
    String::new()
}

/// Decodes the character references a template engine puts into attributes.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
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
    out
}

#[cfg(test)]
mod tests {
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
    fn strips_theme_blocks_of_higher_editions() {
        let html = r#"<main><p data-edition="internal">SECRET</p><p>ok</p></main>"#;
        let (out, _) = process(html, 0, &eds()).unwrap();
        assert!(!out.contains("SECRET"));
        let (out, _) = process(html, 2, &eds()).unwrap();
        assert!(out.contains("SECRET") && !out.contains("data-edition"));
    }

    #[test]
    fn anchors_headings_and_collects_links() {
        let html = r##"<h2 id="a">A</h2><a href="/x/#a">x</a><img src="/i.png" alt="">"##;
        let (out, links) = process(html, 0, &eds()).unwrap();
        assert!(out.contains("href=\"#a\""));
        let strs = |v: &[Arc<str>]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(strs(&links.ids), vec!["a"]);
        assert_eq!(strs(&links.hrefs), vec!["/x/#a", "/i.png"]);
    }

    #[test]
    fn labels_table_cells_with_their_column_header() {
        let html = concat!(
            r#"<table class="data-table"><thead><tr><th>Id</th><th colspan="2">Risk <span>&amp; owner</span></th><th>Status</th></tr></thead>"#,
            r#"<tbody><tr><th scope="row">R1</th><td>a</td><td>b</td><td>c</td></tr></tbody></table>"#,
            r#"<table class="meta-table"><tbody><tr><th scope="row">Owner</th><td>x</td></tr></tbody></table>"#
        );
        let (out, _) = process(html, 0, &eds()).unwrap();
        assert!(
            out.contains(r#"<th scope="row" data-label="Id">R1</th>"#),
            "{out}"
        );
        assert!(out.contains(r#"<td data-label="Risk &amp; owner">a</td><td data-label="Risk &amp; owner">b</td>"#), "{out}");
        assert!(out.contains(r#"<td data-label="Status">c</td>"#), "{out}");
        assert!(
            out.contains("<td>x</td>"),
            "a table without a header row is left alone: {out}"
        );
    }

    #[test]
    fn a_heading_lang_covers_its_section_up_to_the_next_heading_of_its_level() {
        let html = concat!(
            r#"<div class="doc-body prose"><p>en</p><h2 id="d" lang="de">Hinweis</h2><p>de</p>"#,
            r#"<h3 id="s">Unter</h3><ul><li>de</li></ul><p lang="fr">fr</p><h2 id="e">Next</h2><p>en2</p>"#,
            r#"<h2 lang="not a tag!">X</h2><p>x</p></div>"#
        );
        let (out, _) = process(html, 0, &eds()).unwrap();
        assert!(out.contains("<p>en</p>"), "{out}");
        assert!(out.contains(r#"<p lang="de">de</p>"#), "{out}");
        assert!(out.contains(r#"<h3 id="s" lang="de">"#), "{out}");
        assert!(out.contains(r#"<ul lang="de">"#), "{out}");
        assert!(out.contains(r#"<p lang="fr">fr</p>"#), "{out}");
        assert!(out.contains("<p>en2</p>"), "{out}");
        assert!(
            out.contains("<p>x</p>"),
            "a malformed tag opens no section: {out}"
        );
    }
}
