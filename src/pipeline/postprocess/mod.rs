//! Stage 7, post-process: one streaming lol_html pass over each rendered page.
//!
//! - removes elements a theme marked `data-edition="NAME"` for higher editions
//!   (a guard for theme authors: the model already filtered the data);
//! - adds a permalink anchor to every `h2`-`h6` that has an id;
//! - collects every URL (`href`, `src`, `srcset`, `data`, `poster`,
//!   `action`, `cite`, a refresh `meta`) and every `id` for the link check;
//! - labels each body cell of a table that has a header row with its column
//!   header (`data-label`), so a narrow screen can show registers and
//!   Markdown tables as stacked rows with no script;
//! - gives every block of a document section whose heading carries a
//!   `lang` attribute (`## Datenschutz {lang=de}`) that language, up to the
//!   next heading of the same or a higher level.

use lol_html::html_content::{ContentType, Element, TextChunk};
use lol_html::{rewrite_str, ElementContentHandlers, HandlerResult, RewriteStrSettings, Selector};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::sync::{Arc, OnceLock};

mod links;

pub use links::{decode_entities, BASE_MARK, SRCDOC_MARK};
use links::{links, LINK_SELECTOR};

/// Links and anchors of one page, for the link check.
#[derive(Debug, Default, Clone)]
pub struct PageLinks {
    pub hrefs: Vec<Arc<str>>,
    pub ids: Vec<Arc<str>>,
}

/// Links and anchors of one page as [`process_raw`] collects them: each
/// string as the page spells it (decoded), before an edition's interner
/// (`linkcheck::Interner::intern`) shares the ones other pages hold too.
#[derive(Debug, Default, Clone)]
pub struct RawLinks {
    pub hrefs: Vec<String>,
    pub ids: Vec<String>,
}

impl RawLinks {
    /// The links with a string of their own each (no interner).
    pub fn into_page_links(self) -> PageLinks {
        let arcs = |v: Vec<String>| v.into_iter().map(Arc::from).collect();
        PageLinks {
            hrefs: arcs(self.hrefs),
            ids: arcs(self.ids),
        }
    }
}

/// Post-processes `html` for edition index `ed` of `editions`.
pub fn process(html: &str, ed: usize, editions: &[String]) -> Result<(String, PageLinks), String> {
    process_raw(html, ed, editions).map(|(html, links)| (html, links.into_page_links()))
}

/// [`process`], with the links as the page spells them: a renderer that
/// interns them makes a shared string only for the ones it has not seen.
pub fn process_raw(
    html: &str,
    ed: usize,
    editions: &[String],
) -> Result<(String, RawLinks), String> {
    let sel = selectors().as_ref().map_err(Clone::clone)?;
    let found = Found::default();
    let sections = Sections::default();
    let tables = Tables::default();
    // Handlers that cannot fire on this page are not registered: lol_html
    // then matches fewer selectors on every element. An element can carry
    // `data-edition` or be a `table` only if those letters are in the text.
    // The order is the order handlers run in on one element.
    let mut handlers = Vec::with_capacity(12);
    if contains_ascii_ci(html, "data-edition") {
        handlers.push(edition_guard(sel, ed, editions));
    }
    handlers.extend(anchors_and_ids(sel, &found));
    handlers.extend(lang_sections(sel, &sections));
    if contains_ascii_ci(html, "<table") {
        handlers.extend(table_labels(sel, &tables));
    }
    handlers.push(links(sel, &found));
    let out = rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: handlers,
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|e| e.to_string())?;
    let links = RawLinks {
        hrefs: found.hrefs.into_inner(),
        ids: found.ids.into_inner(),
    };
    Ok((out, links))
}

/// One selector and what runs on the elements (or text) it matches.
type Handler<'h> = (Cow<'static, Selector>, ElementContentHandlers<'h>);

fn on_element<'h>(
    sel: &'static Selector,
    f: impl FnMut(&mut Element<'_, '_>) -> HandlerResult + 'h,
) -> Handler<'h> {
    (
        Cow::Borrowed(sel),
        ElementContentHandlers::default().element(f),
    )
}

/// The selectors of the pass, parsed once: lol_html's `element!` parses
/// its selector again for every page.
struct Selectors {
    edition: Selector,
    anchor: Selector,
    id: Selector,
    lang_heading: Selector,
    lang_block: Selector,
    table: Selector,
    head_cell: Selector,
    body_row: Selector,
    body_cell: Selector,
    links: Selector,
}

/// [`Selectors`], or why one of them did not parse (a bug, reported as a
/// failure of every page rather than a panic).
fn selectors() -> &'static Result<Selectors, String> {
    static SELECTORS: OnceLock<Result<Selectors, String>> = OnceLock::new();
    SELECTORS.get_or_init(|| {
        let p = |s: &str| {
            s.parse::<Selector>()
                .map_err(|e| format!("selector `{s}`: {e}"))
        };
        Ok(Selectors {
            edition: p("[data-edition]")?,
            anchor: p("h2[id], h3[id], h4[id], h5[id], h6[id]")?,
            id: p("[id]")?,
            lang_heading: p(".doc-body > h1, .doc-body > h2, .doc-body > h3, .doc-body > h4, .doc-body > h5, .doc-body > h6")?,
            lang_block: p(".doc-body > *")?,
            table: p("table")?,
            head_cell: p("table thead th")?,
            body_row: p("table tbody tr")?,
            body_cell: p("table tbody td, table tbody th")?,
            links: p(LINK_SELECTOR)?,
        })
    })
}

/// What the pass collects for the link check.
#[derive(Default)]
struct Found {
    hrefs: RefCell<Vec<String>>,
    ids: RefCell<Vec<String>>,
}

/// The open language section of the document body (heading level and
/// tag), and whether the current element is a heading the section logic
/// has already handled (it opened a section or none was open).
#[derive(Default)]
struct Sections {
    open: RefCell<Option<(u8, String)>>,
    heading_done: Cell<bool>,
}

/// Column headers of the table being read (each label as one line, made
/// when the first body cell needs it), and the column of the next body
/// cell: the header row streams past before the body.
#[derive(Default)]
struct Tables {
    heads: RefCell<Vec<Head>>,
    col: Cell<usize>,
}

/// Removes an element marked for a higher edition; drops the mark otherwise.
fn edition_guard<'h>(sel: &'static Selectors, ed: usize, editions: &'h [String]) -> Handler<'h> {
    on_element(&sel.edition, move |el| {
        let name = el.get_attribute("data-edition").unwrap_or_default();
        let level = editions
            .iter()
            .position(|e| *e == name)
            .unwrap_or(editions.len());
        if level > ed {
            el.remove();
        } else {
            el.remove_attribute("data-edition");
        }
        Ok(())
    })
}

/// A permalink anchor in every `h2`-`h6` with an id; every id kept.
fn anchors_and_ids<'h>(sel: &'static Selectors, found: &'h Found) -> [Handler<'h>; 2] {
    [
        on_element(&sel.anchor, |el| {
            if !el.has_attribute("data-no-anchor") {
                let id = el.get_attribute("id").unwrap_or_default();
                el.append(
                    &format!(
                        " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
                        crate::pipeline::markdown::escape(&id)
                    ),
                    ContentType::Html,
                );
            }
            Ok(())
        }),
        on_element(&sel.id, |el| {
            if !el.removed() {
                let id = el.get_attribute("id").unwrap_or_default();
                found.ids.borrow_mut().push(id);
            }
            Ok(())
        }),
    ]
}

/// Language sections: headings first, so the section is updated before
/// the block handler runs on the same element.
fn lang_sections<'h>(sel: &'static Selectors, s: &'h Sections) -> [Handler<'h>; 2] {
    [
        on_element(&sel.lang_heading, |el| {
            s.heading_done
                .set(lang_heading(el, &mut s.open.borrow_mut()));
            Ok(())
        }),
        on_element(&sel.lang_block, |el| {
            if !s.heading_done.replace(false) {
                lang_block(el, &s.open.borrow());
            }
            Ok(())
        }),
    ]
}

/// Column labels (`data-label`) on the body cells of tables with a header row.
fn table_labels<'h>(sel: &'static Selectors, t: &'h Tables) -> [Handler<'h>; 5] {
    let head_text = |c: &mut TextChunk<'_>| {
        if let Some(h) = t.heads.borrow_mut().last_mut() {
            h.text.push_str(c.as_str());
        }
        Ok(())
    };
    [
        on_element(&sel.table, |_| {
            t.heads.borrow_mut().clear();
            Ok(())
        }),
        on_element(&sel.head_cell, |el| {
            t.heads.borrow_mut().push(Head {
                text: String::new(),
                span: colspan(el),
                label: None,
            });
            Ok(())
        }),
        (
            Cow::Borrowed(&sel.head_cell),
            ElementContentHandlers::default().text(head_text),
        ),
        on_element(&sel.body_row, |_| {
            t.col.set(0);
            Ok(())
        }),
        on_element(&sel.body_cell, |el| {
            let i = t.col.get();
            t.col.set(i + colspan(el));
            let mut heads = t.heads.borrow_mut();
            let label = column_label(&mut heads, i);
            if !label.is_empty() && !el.has_attribute("data-label") {
                // The text is as the template escaped it, and
                // set_attribute escapes `"` but keeps `&` entities.
                el.set_attribute("data-label", label)
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        }),
    ]
}

/// True when `text` holds `needle` (ASCII letters in any case): HTML tag
/// and attribute names are case-insensitive, so `<TABLE` is a table too.
fn contains_ascii_ci(text: &str, needle: &str) -> bool {
    let (hay, needle) = (text.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let first = first.to_ascii_lowercase();
    hay.iter().enumerate().any(|(i, b)| {
        b.to_ascii_lowercase() == first
            && hay
                .get(i + 1..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(rest))
    })
}

/// A column header of the table being read.
struct Head {
    /// The header's text as it streamed past (markup dropped).
    text: String,
    /// The columns it spans.
    span: usize,
    /// `text` as one line, made once, when a body cell first asks.
    label: Option<String>,
}

/// A heading that is a child of the document body closes the open section
/// (same or higher level) or, when none is open, opens one (a valid `lang`
/// tag). True when the heading is done with: no section was open, so it
/// takes no `lang` from one.
fn lang_heading(el: &lol_html::html_content::Element, section: &mut Option<(u8, String)>) -> bool {
    let tag = el.tag_name();
    let level = match tag.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => d - b'0',
        _ => return false,
    };
    if section.as_ref().is_some_and(|(l, _)| level <= *l) {
        *section = None;
    }
    if section.is_some() {
        return false;
    }
    if let Some(lang) = el.get_attribute("lang") {
        if crate::pipeline::markdown::is_lang_tag(&lang) {
            *section = Some((level, lang));
        }
    }
    true
}

/// A block (or deeper heading) of the document body in an open section
/// takes the section's `lang` unless it has its own.
fn lang_block(el: &mut lol_html::html_content::Element, section: &Option<(u8, String)>) {
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
/// empty when no header covers it; made once per header.
fn column_label(heads: &mut [Head], i: usize) -> &str {
    let mut start = 0;
    for h in heads.iter_mut() {
        if i < start + h.span {
            return h
                .label
                .get_or_insert_with(|| h.text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        start += h.span;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eds() -> Vec<String> {
        vec!["public".into(), "customer".into(), "internal".into()]
    }

    #[test]
    fn the_selectors_parse() {
        assert!(selectors().is_ok());
    }

    #[test]
    fn marks_and_tables_in_any_case_are_still_found() {
        let html = r#"<P DATA-EDITION="internal">SECRET</P><TABLE><THEAD><TR><TH>A</TH></TR></THEAD><TBODY><TR><TD>1</TD></TR></TBODY></TABLE>"#;
        let (out, _) = process(html, 0, &eds()).unwrap();
        assert!(!out.contains("SECRET"), "{out}");
        assert!(out.contains(r#"<TD data-label="A">1</TD>"#), "{out}");
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
            out.contains(r#"<h2 id="e">"#),
            "a heading that closes a section takes no lang from it: {out}"
        );
        assert!(
            out.contains("<p>x</p>"),
            "a malformed tag opens no section: {out}"
        );
    }
}
