//! The event pass of [`super::parse`]: each pulldown-cmark event gets the
//! edition level of the passage it lies in; code blocks are highlighted,
//! headings get slugs, `kind:id` links become references, and passage marker
//! comments are dropped.

use super::passages::{overlap_level, start_level, Passage};
use super::{finish_heading, heading_level, highlight, parse_ref, Heading, MdRef, CLOSE, OPEN};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

/// A heading being read: its event index, level, text so far and the
/// highest passage level of its text.
type OpenHeading = (usize, u8, String, u8);

/// Events with their levels, and what was collected on the way.
pub(super) struct Collector<'a, 'p> {
    marked: &'a str,
    passages: &'p [Passage],
    pub events: Vec<Event<'a>>,
    pub levels: Vec<u8>,
    pub refs: Vec<MdRef>,
    pub headings: Vec<Heading>,
    used: HashSet<String>,
    /// A code block being read: language, text, byte range.
    code: Option<(String, String, Range<usize>)>,
    heading: Option<OpenHeading>,
}

impl<'a, 'p> Collector<'a, 'p> {
    pub fn new(marked: &'a str, passages: &'p [Passage]) -> Self {
        Collector {
            marked,
            passages,
            events: Vec::new(),
            levels: Vec::new(),
            refs: Vec::new(),
            headings: Vec::new(),
            used: HashSet::new(),
            code: None,
            heading: None,
        }
    }

    /// Takes one event of the marked text.
    pub fn event(&mut self, ev: Event<'a>, range: Range<usize>) {
        // Leaves (text, raw HTML, code) take the highest level of any passage
        // they touch, so content can never escape a passage through Markdown
        // structure (an HTML block swallowing a marker, say); containers take
        // the level where they start and only shape the HTML.
        let is_leaf = !matches!(ev, Event::Start(_) | Event::End(_));
        let level = if is_leaf {
            overlap_level(self.passages, &range)
        } else {
            start_level(self.passages, range.start)
        };
        if self.code.is_some() {
            self.code_event(ev);
            return;
        }
        if let Some(h) = self.heading.as_mut() {
            if is_leaf {
                h.3 = h.3.max(level);
            }
        }
        if self.is_marker(&ev, &range) {
            return;
        }
        if let Event::Start(Tag::CodeBlock(kind)) = &ev {
            let lang = match kind {
                pulldown_cmark::CodeBlockKind::Fenced(l) => l.to_string(),
                pulldown_cmark::CodeBlockKind::Indented => String::new(),
            };
            self.code = Some((lang, String::new(), range));
            return;
        }
        self.note(&ev, &range, level);
        self.events.push(ev);
        self.levels.push(level);
    }

    /// An event inside a code block: text is gathered, the end highlights it.
    fn code_event(&mut self, ev: Event<'a>) {
        let Some((lang, buf, block)) = self.code.as_mut() else {
            return;
        };
        match ev {
            Event::Text(t) => buf.push_str(&t),
            Event::End(TagEnd::CodeBlock) => {
                let html = highlight(lang, buf);
                let lvl = overlap_level(self.passages, block);
                self.events.push(Event::Html(CowStr::from(html)));
                self.levels.push(lvl);
                self.code = None;
            }
            _ => {}
        }
    }

    /// Passage marker comments, and the HTML blocks that only wrap them, are
    /// dropped; wrappers of real HTML are kept.
    fn is_marker(&self, ev: &Event<'_>, range: &Range<usize>) -> bool {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => {
                h.trim_end() == CLOSE
                    || (h.starts_with(OPEN)
                        && h.trim_end().ends_with("-->")
                        && !h.trim_end()[OPEN.len()..].contains('<'))
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => self
                .marked
                .get(range.clone())
                .is_some_and(|s| s.starts_with(OPEN) || s.starts_with(CLOSE)),
            _ => false,
        }
    }

    /// Headings and references met on the way.
    fn note(&mut self, ev: &Event<'a>, range: &Range<usize>, level: u8) {
        match ev {
            Event::Start(Tag::Heading { level: hl, .. }) => {
                self.heading = Some((self.events.len(), heading_level(*hl), String::new(), level));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, buf, _)) = self.heading.as_mut() {
                    buf.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((idx, hl, text, lvl)) = self.heading.take() {
                    let slug = finish_heading(&mut self.events[idx], &text, &mut self.used);
                    self.headings.push(Heading {
                        level: hl,
                        text,
                        slug,
                        min_edition: lvl as usize,
                    });
                }
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                title,
                ..
            }) => {
                if let Some((kind, id, anchor)) = parse_ref(dest_url) {
                    self.refs.push(MdRef {
                        kind,
                        id,
                        anchor,
                        offset: range.start,
                        len: range.len(),
                        link_type: *link_type,
                        title: title.as_ref().into(),
                    });
                }
            }
            _ => {}
        }
    }
}
