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
    let mut m = Marking {
        out: Vec::with_capacity(events.len() + 16),
        text: String::new(),
        ref_idx: 0,
        level: 0,
        open: None,
        link_has_text: false,
        image: 0,
        after_block: true,
        links: 0,
        code: false,
        notes,
        note_index: std::collections::HashMap::new(),
    };
    for (ev, lvl) in events.iter().zip(levels) {
        m.push(ev, *lvl);
    }
    let Marking { out, text, .. } = m;
    let mut html = String::with_capacity(text.len() * 2 + 64);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    (csp_safe_alignment(html), text)
}

/// The state of [`render_marked`] between events.
struct Marking<'e, 'n> {
    out: Vec<Event<'e>>,
    /// Plain text (for search and questionnaire answers), with level marks.
    text: String,
    /// References started so far.
    ref_idx: usize,
    level: u8,
    /// The open reference, if any (CommonMark links do not nest).
    open: Option<usize>,
    link_has_text: bool,
    /// Inside an image the writer prints alt text only: no marks but levels.
    image: usize,
    after_block: bool,
    /// Links open around the current text (a bare e-mail there is not linked again).
    links: usize,
    /// Inside a code block.
    code: bool,
    notes: &'n mut Vec<Box<str>>,
    /// Position of each name in `notes` (a page may cite thousands).
    note_index: std::collections::HashMap<Box<str>, usize>,
}

impl<'e> Marking<'e, '_> {
    /// The number of footnote `name`, given in order of first use.
    fn note(&mut self, name: &str) -> usize {
        if let Some(k) = self.note_index.get(name) {
            return *k;
        }
        self.notes.push(name.into());
        self.note_index.insert(name.into(), self.notes.len() - 1);
        self.notes.len() - 1
    }

    fn push(&mut self, ev: &Event<'e>, lvl: u8) {
        let starts_ref = matches!(ev, Event::Start(Tag::Link { dest_url, .. }) if is_ref(dest_url));
        if starts_ref {
            self.ref_idx += 1;
        }
        if lvl != self.level {
            self.level = lvl;
            self.text.push_str(&format!("\0l{lvl}\0"));
            self.out.push(level_mark(lvl, self.after_block));
        }
        self.after_block = ends_block(ev);
        match ev {
            Event::Start(Tag::Link { .. }) => self.links += 1,
            Event::End(TagEnd::Link) => self.links = self.links.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => self.code = true,
            Event::End(TagEnd::CodeBlock) => self.code = false,
            _ => {}
        }
        if !self.link_or_image(ev, starts_ref) {
            self.other(ev);
        }
    }

    /// Images, reference links and what an image drops; false for anything else.
    fn link_or_image(&mut self, ev: &Event<'e>, starts_ref: bool) -> bool {
        match ev {
            Event::Start(Tag::Image { .. }) => {
                self.image += 1;
                self.out.push(ev.clone());
            }
            Event::End(TagEnd::Image) => {
                self.image = self.image.saturating_sub(1);
                self.out.push(ev.clone());
            }
            Event::Start(Tag::Link { .. }) if starts_ref && self.image > 0 => {}
            Event::End(TagEnd::Link) if self.open.is_none() && self.image > 0 => {}
            Event::FootnoteReference(_) if self.image > 0 => {}
            Event::Start(Tag::Link { .. }) if starts_ref => {
                let i = self.ref_idx - 1;
                self.open = Some(i);
                self.link_has_text = false;
                self.out
                    .push(Event::InlineHtml(CowStr::from(format!("\0s{i}\0"))));
            }
            Event::End(TagEnd::Link) if self.open.is_some() => {
                let i = self.open.take().unwrap_or_default();
                let t = u8::from(self.link_has_text);
                self.out
                    .push(Event::InlineHtml(CowStr::from(format!("\0e{i}:{t}\0"))));
            }
            _ => return false,
        }
        true
    }

    /// Footnotes, text, task boxes and block ends.
    fn other(&mut self, ev: &Event<'e>) {
        match ev {
            Event::FootnoteReference(name) => {
                let k = self.note(name);
                self.out.push(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{}\">\0n{k}\0</a></sup>",
                    escape(name)
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let k = self.note(name);
                self.out.push(Event::Html(CowStr::from(format!(
                    "\n<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">\0n{k}\0</sup>",
                    escape(name)
                ))));
            }
            Event::Text(t)
                if self.links == 0 && self.image == 0 && !self.code && t.contains('@') =>
            {
                self.link_has_text = true;
                self.text.push_str(t);
                self.out.extend(mailto_links(t));
            }
            Event::Text(t) | Event::Code(t) => {
                self.link_has_text = true;
                self.text.push_str(t);
                self.out.push(ev.clone());
            }
            // pulldown-cmark's task boxes have no accessible name.
            Event::TaskListMarker(done) => {
                self.out.push(Event::InlineHtml(CowStr::from(if *done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                })))
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text.push(' ');
                self.out.push(ev.clone());
            }
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::TableCell)
            | Event::End(TagEnd::TableRow) => {
                self.text.push('\n');
                self.out.push(ev.clone());
            }
            _ => self.out.push(ev.clone()),
        }
    }
}

/// Text with every bare e-mail address in it made a `mailto:` link, so a
/// reader can write to the address a document names (pulldown-cmark links
/// only `<a@b.c>`).
fn mailto_links(t: &str) -> Vec<Event<'static>> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some((start, end)) = find_email(rest) {
        let email = &rest[start..end];
        if start > 0 {
            out.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        out.push(Event::InlineHtml(CowStr::from(format!(
            "<a href=\"mailto:{}\">",
            escape(email)
        ))));
        out.push(Event::Text(CowStr::from(email.to_string())));
        out.push(Event::InlineHtml(CowStr::from("</a>")));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(CowStr::from(rest.to_string())));
    }
    out
}

/// The byte range of the first e-mail address in `t`: a local part of
/// letters, digits and `._%+-`, `@`, and a domain of two or more dot-separated
/// labels whose last is letters only (so `a@b` and `user@host.` are not).
fn find_email(t: &str) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let label = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    for (at, _) in t.match_indices('@') {
        let mut s = at;
        while s > 0 && local(b[s - 1]) {
            s -= 1;
        }
        // A local part does not start or end with a dot.
        while s < at && b[s] == b'.' {
            s += 1;
        }
        if s == at || b[at - 1] == b'.' {
            continue;
        }
        let mut e = at + 1;
        let mut last_dot = None;
        while e < b.len() && (label(b[e]) || (b[e] == b'.' && e + 1 < b.len() && label(b[e + 1]))) {
            if b[e] == b'.' {
                last_dot = Some(e);
            }
            e += 1;
        }
        let Some(dot) = last_dot else { continue };
        let tld = &t[dot + 1..e];
        if tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic()) && dot > at + 1 {
            return Some((s, e));
        }
    }
    None
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
    /// The plain text in pieces, each with the lowest edition level that may
    /// see it (0: every edition). The leak sentinel reads hidden text from it.
    pub fn text_by_level(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut level = 0;
        let text = self.text.text();
        let mut rest = &*text;
        while let Some(i) = rest.find('\0') {
            out.push((level, rest[..i].to_string()));
            let after = &rest[i + 1..];
            let j = after.find('\0').unwrap_or(after.len());
            if let Some(n) = after[..j].strip_prefix('l').and_then(|n| n.parse().ok()) {
                level = n;
            }
            rest = after.get(j + 1..).unwrap_or("");
        }
        out.push((level, rest.to_string()));
        out
    }

    /// True when the document has passages (editions see different text).
    pub fn has_passages(&self) -> bool {
        self.passages
    }

    /// Renders for edition index `edition`, resolving references with `resolve`.
    pub fn render(&self, edition: usize, resolve: &dyn Fn(&MdRef) -> Resolved) -> Rendered {
        let html = if self.marked {
            Arc::from(self.settle(&self.html.text(), edition, resolve, true))
        } else {
            self.html.text()
        };
        let text = if self.passages {
            Arc::from(self.settle(&self.text.text(), edition, resolve, false))
        } else {
            self.text.text()
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
    /// it, links or unlinks references, numbers the footnotes it shows. With
    /// `badges` (HTML, not plain text) a passage the lowest edition does not
    /// see is wrapped with its audience badge ([`Passages`]).
    fn settle(
        &self,
        marked: &str,
        edition: usize,
        resolve: &dyn Fn(&MdRef) -> Resolved,
        badges: bool,
    ) -> String {
        let mut out = String::with_capacity(marked.len() + 256);
        let mut wrap = Passages::new(badges, marked, &self.audiences);
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
                let level = rest.parse::<usize>().ok();
                visible = level.is_some_and(|l| l <= edition);
                eat_newline = tag == "L";
                wrap.at_level(&mut out, level.filter(|_| visible));
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
            } else if tag == "c" {
                let k = rest.parse::<usize>().unwrap_or(usize::MAX);
                if let Some(class) = self.classes.get(k) {
                    out.push_str("<span class=\"");
                    out.push_str(class);
                    out.push_str("\">");
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
        wrap.at_level(&mut out, None);
        out
    }
}

/// Audience badges on passages: in an edition above the lowest, each run of
/// a passage level above 0 is wrapped in `<div class="passage audience-NAME">`
/// that starts with the badge, so staff can tell which paragraphs a lower
/// edition does not show. Only when every level mark sits between blocks
/// (passages cannot be inside containers, so in practice always); a level
/// change inside a block would make the `<div>` cut through it, so there the
/// passages are left unwrapped rather than risk broken HTML.
struct Passages<'a> {
    names: Option<&'a [Box<str>]>,
    open: bool,
}

impl<'a> Passages<'a> {
    fn new(badges: bool, marked: &str, names: &'a [Box<str>]) -> Self {
        let between_blocks = !marked.contains("\0l");
        Passages {
            names: (badges && between_blocks && !names.is_empty()).then_some(names),
            open: false,
        }
    }

    /// A level mark: closes the open wrapper and opens one for `level` when
    /// it is visible here and above the lowest edition (`None`: hidden, the
    /// end of the document, or level 0).
    fn at_level(&mut self, out: &mut String, level: Option<usize>) {
        let Some(names) = self.names else { return };
        if self.open {
            out.push_str("</div>\n");
            self.open = false;
        }
        let Some(name) = level.filter(|l| *l > 0).and_then(|l| names.get(l)) else {
            return;
        };
        let name = super::escape(name);
        let mut label = name.clone();
        if let Some(first) = label.get(..1) {
            let upper = first.to_ascii_uppercase();
            label.replace_range(..1, &upper);
        }
        out.push_str(&format!(
            "<div class=\"passage audience-{name}\"><p class=\"passage-audience\"><span class=\"badge audience audience-{name}\"><span class=\"visually-hidden\">Audience: </span>{label}</span></p>\n"
        ));
        self.open = true;
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
/// text), or the request-access marker for a hidden target.
fn close_ref(out: &mut String, resolved: Option<Resolved>, has_text: bool) {
    match resolved {
        Some(Resolved::Link { title, .. }) => {
            if !has_text {
                let t = Event::Text(CowStr::from(title));
                pulldown_cmark::html::push_html(out, std::iter::once(t));
            }
            out.push_str("</a>");
        }
        Some(Resolved::Hidden { marker, request }) => {
            if has_text {
                out.push(' ');
            }
            push_restricted(out, marker, request.as_deref());
        }
        _ => {}
    }
}

/// The lock icon of every request-access marker (decorative: the words say it).
pub const LOCK_ICON: &str = "<svg class=\"lock\" viewBox=\"0 0 16 16\" width=\"12\" height=\"12\" aria-hidden=\"true\" focusable=\"false\"><path fill=\"currentColor\" d=\"M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5A1 1 0 0 1 13 8v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h.5Zm1.6 0h3.8V5a1.9 1.9 0 0 0-3.8 0v2Z\"/></svg>";

/// The marker of a reference whose target the edition does not publish: a
/// lock and the marker's words (never the target's title or id), linked to
/// the request-access address when the site has one and the target may be
/// given on request. The same pattern as the theme's `link` macro.
pub fn push_restricted(out: &mut String, marker: &str, request: Option<&str>) {
    match request {
        Some(href) => {
            out.push_str("<a class=\"restricted\" href=\"");
            out.push_str(&super::escape(href));
            out.push_str("\">");
        }
        None => out.push_str("<span class=\"restricted\">"),
    }
    out.push_str(LOCK_ICON);
    out.push_str(marker);
    out.push_str(if request.is_some() { "</a>" } else { "</span>" });
}
