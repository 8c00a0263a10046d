//! The event pass of [`super::parse`]: each pulldown-cmark event gets the
//! edition level of the passage it lies in; code blocks are highlighted,
//! headings get slugs, `kind:id` links become references, and passage marker
//! comments are dropped.
//!
//! It is also where passages are checked against the parse that renders: a
//! marker comment counts only as a top-level HTML block of its own, `:::`
//! left in rendered text is an error, and so are links, footnotes and heading
//! ids that would carry something of a passage out of it.

use super::passages::{colon_run, overlap_level, start_level, Marked, Passage};
use super::{
    heading_level, highlight, parse_ref, slugify, BlockError, Heading, MdRef, CLOSE, OPEN,
};
use pulldown_cmark::{CowStr, Event, LinkType, RefDefs, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::store::HighlightStore;

/// A heading being read: its event index, level, text so far, the highest
/// passage level of its text, and its byte range.
type OpenHeading = (usize, u8, String, u8, Range<usize>);

/// A use of a definition (reference link or footnote): its label, the
/// passage level of the use and its byte range.
type Use = (String, u8, Range<usize>);

/// Where a marker was met: not yet, as a passage boundary, or inside something.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Placed {
    Unseen,
    Boundary,
    Inside(&'static str),
}

/// Events with their levels, and what was collected on the way.
pub(super) struct Collector<'a, 'p> {
    marked: &'a str,
    passages: &'p [Passage],
    m: &'p Marked,
    pub events: Vec<Event<'a>>,
    pub levels: Vec<u8>,
    pub refs: Vec<MdRef>,
    /// Found problems, at marked-text offsets.
    pub errors: Vec<BlockError>,
    headings: Vec<OpenHeading>,
    /// A code block being read: language, text, byte range.
    code: Option<(String, String, Range<usize>)>,
    heading: Option<OpenHeading>,
    /// Names of the open containers, innermost last.
    stack: Vec<&'static str>,
    placed: Vec<Placed>,
    /// The last characters of the previous text event, when the events are
    /// adjacent (`:\::` arrives as several).
    tail: String,
    link_uses: Vec<Use>,
    note_uses: Vec<Use>,
    note_defs: HashMap<String, u8>,
    /// Classes of the highlighted code's spans ([`super::compact_spans`]).
    pub classes: Vec<Box<str>>,
    /// Code highlighted by an earlier build ([`HighlightStore`]).
    pub store: Option<&'p HighlightStore>,
}

/// The last two characters of `s` (`:::` split over adjacent text events).
fn last_two(s: &str) -> String {
    let from = s.char_indices().rev().nth(1).map_or(0, |(i, _)| i);
    s[from..].to_string()
}

/// What a container is called in a diagnostic; "" for inline tags.
fn container(tag: &Tag<'_>) -> &'static str {
    match tag {
        Tag::Paragraph => "a paragraph",
        Tag::Heading { .. } => "a heading",
        Tag::BlockQuote(_) => "a blockquote",
        Tag::Item | Tag::List(_) => "a list item",
        Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell => "a table",
        Tag::HtmlBlock => "an HTML block",
        Tag::FootnoteDefinition(_) => "a footnote definition",
        Tag::CodeBlock(_) => "a code block",
        _ => "",
    }
}

impl<'a, 'p> Collector<'a, 'p> {
    pub fn new(m: &'a Marked, store: Option<&'a HighlightStore>) -> Collector<'a, 'a> {
        Collector {
            marked: &m.text,
            passages: &m.passages,
            m,
            events: Vec::new(),
            levels: Vec::new(),
            refs: Vec::new(),
            errors: Vec::new(),
            headings: Vec::new(),
            code: None,
            heading: None,
            stack: Vec::new(),
            placed: vec![Placed::Unseen; m.markers.len()],
            tail: String::new(),
            link_uses: Vec::new(),
            note_uses: Vec::new(),
            note_defs: HashMap::new(),
            classes: Vec::new(),
            store,
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
        if is_leaf {
            self.place_markers(&range);
        }
        if self.code.is_some() {
            self.code_event(ev);
            return;
        }
        if let Some(h) = self.heading.as_mut() {
            if is_leaf {
                h.3 = h.3.max(level);
            }
        }
        self.check_colons(&ev, &range);
        self.track(&ev, &range);
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
                let html =
                    super::compact_spans(&highlight(lang, buf, self.store), &mut self.classes);
                let lvl = overlap_level(self.passages, block);
                self.events.push(Event::Html(CowStr::from(html)));
                self.levels.push(lvl);
                self.code = None;
            }
            _ => {}
        }
    }

    /// Keeps the stack of open containers, and confirms a marker that is a
    /// top-level HTML block of its own: the only place it is a boundary.
    fn track(&mut self, ev: &Event<'_>, range: &Range<usize>) {
        match ev {
            Event::Start(Tag::HtmlBlock) => {
                let block = self.marked.get(range.clone()).unwrap_or_default();
                let body = block.trim();
                let is_marker = body == CLOSE
                    || body
                        .strip_prefix(OPEN)
                        .and_then(|b| b.strip_suffix("-->"))
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                let at = range.start + (block.len() - block.trim_start().len());
                let i = self.m.markers.partition_point(|m| m.marked < at);
                let own = is_marker && self.m.markers.get(i).is_some_and(|m| m.marked == at);
                if own && self.stack.is_empty() {
                    self.placed[i] = Placed::Boundary;
                }
                // A marker's own block is no container: name the one around it.
                self.stack
                    .push(if own { "" } else { container(&Tag::HtmlBlock) });
            }
            // Code block events never reach here (`code_event` takes them).
            Event::Start(Tag::CodeBlock(_)) => {}
            Event::Start(tag) => self.stack.push(container(tag)),
            Event::End(_) => {
                self.stack.pop();
            }
            _ => {}
        }
    }

    /// The container to name in a diagnostic: the innermost block container,
    /// else the paragraph.
    fn place(&self) -> &'static str {
        if self.code.is_some() {
            return "a code block";
        }
        let named = || self.stack.iter().rev().copied().filter(|n| !n.is_empty());
        named()
            .find(|n| *n != "a paragraph")
            .or_else(|| named().next())
            .unwrap_or("the text")
    }

    /// Records where each marker comment inside a leaf event was met.
    fn place_markers(&mut self, range: &Range<usize>) {
        let markers = &self.m.markers;
        let mut i = markers.partition_point(|m| m.marked < range.start);
        while markers.get(i).is_some_and(|m| m.marked < range.end) {
            if self.placed[i] == Placed::Unseen {
                self.placed[i] = Placed::Inside(self.place());
            }
            i += 1;
        }
    }

    /// `:::` left in text or HTML the renderer prints is a marker the parse
    /// did not take as one (in a list item, a quote, a table, joined into a
    /// paragraph by YAML folding): an error, never published text.
    fn check_colons(&mut self, ev: &Event<'_>, range: &Range<usize>) {
        let found = match ev {
            Event::Text(t) => {
                let head: String = t.chars().take(2).collect();
                let found =
                    colon_run(t).is_some() || colon_run(&format!("{}{head}", self.tail)).is_some();
                self.tail = last_two(&format!("{}{}", self.tail, last_two(t)));
                found
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                self.tail.clear();
                colon_run(h).is_some()
            }
            _ => {
                self.tail.clear();
                false
            }
        };
        if !found {
            return;
        }
        let reported = self.m.reported.partition_point(|r| r.end <= range.start);
        if self
            .m
            .reported
            .get(reported)
            .is_some_and(|r| r.start <= range.start)
        {
            return;
        }
        let source = self.marked.get(range.clone()).unwrap_or_default();
        let at = range.start + colon_run(source).unwrap_or(0);
        let rest = &self.marked[at..range.end.max(at)];
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len()).max(1);
        self.errors.push(BlockError::Misplaced {
            offset: at,
            len,
            place: self.place(),
        });
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

    /// Headings, references and definitions met on the way.
    fn note(&mut self, ev: &Event<'a>, range: &Range<usize>, level: u8) {
        match ev {
            Event::Start(Tag::Heading { level: hl, .. }) => {
                let at = self.events.len();
                self.heading = Some((at, heading_level(*hl), String::new(), level, range.clone()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, buf, _, _)) = self.heading.as_mut() {
                    buf.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = self.heading.take() {
                    self.headings.push(h);
                }
            }
            Event::FootnoteReference(name) => {
                self.note_uses
                    .push((name.to_lowercase(), level, range.clone()));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let d = self.note_defs.entry(name.to_lowercase()).or_insert(level);
                *d = (*d).max(level);
            }
            Event::Start(Tag::Image { link_type, id, .. }) => {
                self.link_use(*link_type, id, range, level)
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                title,
                id,
            }) => {
                self.link_use(*link_type, id, range, level);
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

    /// Records a link that takes its destination from a reference definition.
    fn link_use(&mut self, t: LinkType, label: &str, range: &Range<usize>, level: u8) {
        if matches!(
            t,
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
        ) {
            self.link_uses
                .push((label.to_string(), level, range.clone()));
        }
    }

    /// Ends the pass: checks every definition use against the definitions
    /// (`defs`, from the same parse) and gives the headings their ids.
    pub fn finish(&mut self, defs: &RefDefs<'_>) -> Vec<Heading> {
        for (label, level, range) in std::mem::take(&mut self.link_uses) {
            let key = label.split_whitespace().collect::<Vec<_>>().join(" ");
            let def = defs.get(&key).or_else(|| defs.get(&label));
            if def.is_some_and(|d| start_level(self.passages, d.span.start) > level) {
                self.hidden_definition(label, range);
            }
        }
        for (name, level, range) in std::mem::take(&mut self.note_uses) {
            if self.note_defs.get(&name).is_some_and(|d| *d > level) {
                self.hidden_definition(format!("^{name}"), range);
            }
        }
        for (i, p) in std::mem::take(&mut self.placed).into_iter().enumerate() {
            if p != Placed::Boundary {
                let place = match p {
                    Placed::Inside(place) => place,
                    _ => "other Markdown",
                };
                let m = self.m.markers[i];
                self.errors.push(BlockError::Misplaced {
                    offset: m.marked,
                    len: m.len,
                    place,
                });
            }
        }
        self.assign_ids()
    }

    fn hidden_definition(&mut self, label: String, range: Range<usize>) {
        let len = self.marked[range.clone()].find('\n').unwrap_or(range.len());
        self.errors.push(BlockError::HiddenDefinition {
            offset: range.start,
            len,
            label,
        });
    }

    /// Gives every heading its id. Headings of the lowest level are
    /// numbered first, so no hidden heading can shift a visible heading's id
    /// (`roles` to `roles-1`) and ids are the same in every edition; a hidden
    /// heading whose id a lower edition's heading already has is an error.
    fn assign_ids(&mut self) -> Vec<Heading> {
        let mut order: Vec<usize> = (0..self.headings.len()).collect();
        order.sort_by_key(|&i| self.headings[i].3);
        let mut owner: HashMap<String, u8> = HashMap::new();
        let mut used: HashSet<String> = HashSet::new();
        let mut slugs = vec![String::new(); self.headings.len()];
        for i in order {
            let (idx, _, text, lvl, range) = &self.headings[i];
            let Some(Event::Start(Tag::Heading { id, .. })) = self.events.get_mut(*idx) else {
                continue;
            };
            let explicit = id.as_ref().map(|e| e.to_string());
            let base = explicit.clone().unwrap_or_else(|| slugify(text));
            if owner.get(&base).is_some_and(|l| l < lvl) {
                let len = self.marked[range.clone()].find('\n').unwrap_or(range.len());
                self.errors.push(BlockError::HeadingIdClash {
                    offset: range.start,
                    len,
                    id: base.clone(),
                });
            }
            let slug = match explicit {
                Some(e) => {
                    used.insert(e.clone());
                    e
                }
                None => {
                    let mut slug = base.clone();
                    let mut n = 1;
                    while !used.insert(slug.clone()) {
                        slug = format!("{base}-{n}");
                        n += 1;
                    }
                    *id = Some(CowStr::from(slug.clone()));
                    slug
                }
            };
            owner.entry(slug.clone()).or_insert(*lvl);
            slugs[i] = slug;
        }
        std::mem::take(&mut self.headings)
            .into_iter()
            .zip(slugs)
            .map(|((_, level, text, lvl, _), slug)| Heading {
                level,
                text,
                slug,
                min_edition: lvl as usize,
            })
            .collect()
    }
}
