//! Rendering: every event once into marked HTML at parse time, then each
//! edition settled from it (passages dropped, references and footnotes filled).

use super::{escape, is_ref, MdRef, Parsed, Rendered, Resolved};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::sync::Arc;

/// Renders every event once, marking passage levels, references and
/// footnote numbers for [`Parsed::render`] to settle per edition.
pub(super) fn render_marked(
    events: &[Event<'_>],
    levels: &[u8],
    notes: &mut Vec<Box<str>>,
) -> (String, String) {
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() + 16);
    let mut text = String::new();
    let mut ref_idx = 0;
    let mut level = 0;
    // The open reference, if any (CommonMark links do not nest).
    let mut open: Option<usize> = None;
    let mut link_has_text = false;
    // Inside an image the writer prints alt text only: no marks but levels.
    let mut image = 0usize;
    let mut after_block = true;
    let mut note = |name: &str| match notes.iter().position(|n| &**n == name) {
        Some(k) => k,
        None => {
            notes.push(name.into());
            notes.len() - 1
        }
    };
    for (ev, lvl) in events.iter().zip(levels) {
        let starts_ref = matches!(ev, Event::Start(Tag::Link { dest_url, .. }) if is_ref(dest_url));
        if starts_ref {
            ref_idx += 1;
        }
        if *lvl != level {
            level = *lvl;
            text.push_str(&format!("\0l{level}\0"));
            out.push(level_mark(level, after_block));
        }
        after_block = ends_block(ev);
        match ev {
            Event::Start(Tag::Image { .. }) => {
                image += 1;
                out.push(ev.clone());
            }
            Event::End(TagEnd::Image) => {
                image = image.saturating_sub(1);
                out.push(ev.clone());
            }
            Event::Start(Tag::Link { .. }) if starts_ref && image > 0 => {}
            Event::End(TagEnd::Link) if open.is_none() && image > 0 => {}
            Event::FootnoteReference(_) if image > 0 => {}
            Event::Start(Tag::Link { .. }) if starts_ref => {
                open = Some(ref_idx - 1);
                link_has_text = false;
                out.push(Event::InlineHtml(CowStr::from(format!(
                    "\0s{}\0",
                    ref_idx - 1
                ))));
            }
            Event::End(TagEnd::Link) if open.is_some() => {
                let i = open.take().unwrap_or_default();
                let t = u8::from(link_has_text);
                out.push(Event::InlineHtml(CowStr::from(format!("\0e{i}:{t}\0"))));
            }
            Event::FootnoteReference(name) => {
                let k = note(name);
                out.push(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{}\">\0n{k}\0</a></sup>",
                    escape(name)
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let k = note(name);
                out.push(Event::Html(CowStr::from(format!(
                    "\n<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">\0n{k}\0</sup>",
                    escape(name)
                ))));
            }
            Event::Text(t) | Event::Code(t) => {
                link_has_text = true;
                text.push_str(t);
                out.push(ev.clone());
            }
            // pulldown-cmark's task boxes have no accessible name.
            Event::TaskListMarker(done) => out.push(Event::InlineHtml(CowStr::from(if *done {
                "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
            } else {
                "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
            }))),
            Event::SoftBreak | Event::HardBreak => {
                text.push(' ');
                out.push(ev.clone());
            }
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::TableCell)
            | Event::End(TagEnd::TableRow) => {
                text.push('\n');
                out.push(ev.clone());
            }
            _ => out.push(ev.clone()),
        }
    }
    let mut html = String::with_capacity(text.len() * 2 + 64);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    (csp_safe_alignment(html), text)
}

/// The mark that starts output of passage level `level`. Between blocks it
/// is `L` and ends its line, so the writer starts the next block without a
/// newline of its own; `settle` eats that line end, leaving the HTML as if no
/// mark were there.
fn level_mark(level: u8, after_block: bool) -> Event<'static> {
    Event::InlineHtml(CowStr::from(if after_block {
        format!("\0L{level}\0\n")
    } else {
        format!("\0l{level}\0")
    }))
}

/// True for events after which the HTML writer is at the start of a line.
fn ends_block(ev: &Event<'_>) -> bool {
    matches!(
        ev,
        Event::Html(_)
            | Event::End(
                TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::List(_)
                    | TagEnd::BlockQuote(_)
                    | TagEnd::Table
                    | TagEnd::HtmlBlock
                    | TagEnd::FootnoteDefinition
                    | TagEnd::CodeBlock
            )
    )
}

/// pulldown-cmark aligns table cells with `style` attributes, which the strict
/// Content-Security-Policy (`style-src 'self'`) blocks; classes do the same.
fn csp_safe_alignment(html: String) -> String {
    if !html.contains(" style=\"text-align: ") {
        return html;
    }
    ["left", "center", "right"].iter().fold(html, |h, a| {
        h.replace(
            &format!(" style=\"text-align: {a}\">"),
            &format!(" class=\"align-{a}\">"),
        )
    })
}

impl Parsed {
    /// True when the document has passages (editions see different text).
    pub fn has_passages(&self) -> bool {
        self.passages
    }

    /// Renders for edition index `edition`, resolving references with `resolve`.
    pub fn render(&self, edition: usize, resolve: &dyn Fn(&MdRef) -> Resolved) -> Rendered {
        let html = if self.marked {
            Arc::from(self.settle(&self.html, edition, resolve))
        } else {
            self.html.clone()
        };
        let text = if self.passages {
            Arc::from(self.settle(&self.text, edition, resolve))
        } else {
            self.text.clone()
        };
        let toc = self
            .headings
            .iter()
            .filter(|h| h.min_edition <= edition)
            .cloned()
            .collect();
        Rendered { html, toc, text }
    }

    /// Resolves the marks of `marked` for one edition: drops passages above
    /// it, links or unlinks references, numbers the footnotes it shows.
    fn settle(&self, marked: &str, edition: usize, resolve: &dyn Fn(&MdRef) -> Resolved) -> String {
        let mut out = String::with_capacity(marked.len() + 256);
        let mut visible = true;
        let mut current: Option<Resolved> = None;
        let mut numbers: Vec<Option<usize>> = vec![None; self.notes.len()];
        let mut shown = 0;
        let mut eat_newline = false;
        for (n, part) in marked.split('\0').enumerate() {
            if n % 2 == 0 {
                if visible {
                    let part = match eat_newline {
                        true => part.strip_prefix('\n').unwrap_or(part),
                        false => part,
                    };
                    out.push_str(part);
                }
                eat_newline = false;
                continue;
            }
            let (tag, rest) = part.split_at(part.len().min(1));
            if tag == "l" || tag == "L" {
                visible = rest.parse::<usize>().is_ok_and(|l| l <= edition);
                eat_newline = tag == "L";
            } else if !visible {
                continue;
            } else if tag == "n" {
                let k = rest.parse::<usize>().unwrap_or(usize::MAX);
                if let Some(slot) = numbers.get_mut(k) {
                    let num = *slot.get_or_insert_with(|| {
                        shown += 1;
                        shown
                    });
                    out.push_str(&num.to_string());
                }
            } else if tag == "s" {
                let r = rest.parse::<usize>().ok().and_then(|i| self.refs.get(i));
                let resolved = r.map_or(Resolved::Missing, resolve);
                if let (Resolved::Link { url, .. }, Some(r)) = (&resolved, r) {
                    open_ref(&mut out, r, url);
                }
                current = Some(resolved);
            } else if tag == "e" {
                close_ref(&mut out, current.take(), rest.ends_with(":1"));
            }
        }
        out
    }
}

/// Opens a reference the edition can follow: its `<a>`, written by
/// pulldown-cmark as it would have written the original link.
fn open_ref(out: &mut String, r: &MdRef, url: &str) {
    let url = match &r.anchor {
        Some(a) => format!("{url}#{a}"),
        None => url.to_string(),
    };
    let start = Event::Start(Tag::Link {
        link_type: r.link_type,
        dest_url: CowStr::from(url),
        title: CowStr::Borrowed(&r.title),
        id: CowStr::Borrowed(""),
    });
    pulldown_cmark::html::push_html(out, std::iter::once(start));
}

/// Closes a reference: `</a>` (with the target's title when the link had no
/// text), or the "available on request" marker for a hidden target.
fn close_ref(out: &mut String, resolved: Option<Resolved>, has_text: bool) {
    match resolved {
        Some(Resolved::Link { title, .. }) => {
            if !has_text {
                let t = Event::Text(CowStr::from(title));
                pulldown_cmark::html::push_html(out, std::iter::once(t));
            }
            out.push_str("</a>");
        }
        Some(Resolved::Hidden { marker }) => {
            let lead = if has_text { " " } else { "" };
            out.push_str(&format!(
                "{lead}<span class=\"restricted\">({marker})</span>"
            ));
        }
        _ => {}
    }
}
