//! Stage 5, Markdown: each document is parsed once (pulldown-cmark), its code
//! highlighted once (syntect, CSS classes only, cached by content), and the
//! resulting event list rendered once per edition that may see it.
//!
//! Editions differ only where `:::customer` / `:::internal` passages sit and where
//! a `kind:id` link points at an entity the edition may not see. Passages are
//! turned into marker comments before parsing so that pulldown-cmark sees one
//! document; the renderer drops every event between markers of a higher edition,
//! which removes headings, footnotes and TOC entries along with the text.

use crate::model::Kind;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const OPEN: &str = "<!--vouch-edition:";
const CLOSE: &str = "<!--/vouch-edition-->";
/// Prefix of syntect's CSS classes (the theme's `code.css` is generated for it).
pub const CLASS_PREFIX: &str = "hl-";

/// A `kind:id#anchor` link found in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdRef {
    pub kind: Kind,
    pub id: String,
    pub anchor: Option<String>,
    /// Byte offset of the link in the Markdown text.
    pub offset: usize,
    pub len: usize,
}

impl MdRef {
    /// The link destination, e.g. `control:A.6.2.4#intent` (rebuilt rather
    /// than stored: a large project has hundreds of thousands of references).
    pub fn raw(&self) -> String {
        let id = if self.kind == Kind::Scope && self.id == "scope" {
            ""
        } else {
            &self.id
        };
        match &self.anchor {
            Some(a) => format!("{}:{id}#{a}", self.kind.name()),
            None => format!("{}:{id}", self.kind.name()),
        }
    }
}

/// A heading, for anchors and the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub slug: String,
    /// Lowest edition index that sees the heading.
    #[serde(skip)]
    pub min_edition: usize,
}

/// A structural problem with `:::` passages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockError {
    Unterminated {
        offset: usize,
        len: usize,
    },
    Misnested {
        offset: usize,
        len: usize,
    },
    UnknownEdition {
        offset: usize,
        len: usize,
        name: String,
    },
}

/// How a reference renders in one edition.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// The edition has the page: link to it (the title fills empty link text).
    Link { url: String, title: String },
    /// The target exists only in a higher edition: plain text and a marker.
    Hidden { marker: &'static str },
    /// Nothing by that id (validation reports it).
    Missing,
}

/// One document's Markdown, parsed once and rendered once. The HTML carries
/// NUL-delimited marks (source NULs are replaced before parsing, so every NUL
/// is ours): `l{n}` (`L{n}` between blocks) starts output of passage level `n`, `s{i}` / `e{i}:{t}`
/// open and close reference `i`, `n{k}` is the number of footnote `k`.
/// Rendering for an edition drops the segments above it, fills references and
/// numbers the footnotes it still shows. Keeping HTML instead of
/// pulldown-cmark events costs about 2x the Markdown's size instead of 10x.
#[derive(Debug, Clone)]
pub struct Parsed {
    html: Arc<str>,
    /// Plain text with the same level marks.
    text: Arc<str>,
    /// True when some text sits in a passage.
    passages: bool,
    /// How each reference was written, in `refs` order, to rebuild its `<a>`.
    links: Vec<LinkMeta>,
    /// Footnote names, in order of first use.
    notes: Vec<Box<str>>,
    pub refs: Vec<MdRef>,
    pub headings: Vec<Heading>,
    pub errors: Vec<BlockError>,
}

#[derive(Debug, Clone)]
struct LinkMeta {
    link_type: LinkType,
    title: Box<str>,
}

/// One document rendered for one edition.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: Arc<str>,
    pub toc: Vec<Heading>,
    /// Visible plain text (search index, answer drafting).
    pub text: Arc<str>,
}

/// Maps a link scheme to an entity kind.
pub fn scheme_kind(scheme: &str) -> Option<Kind> {
    Some(match scheme {
        "control" => Kind::Control,
        "system" => Kind::System,
        "evidence" => Kind::Evidence,
        "policy" => Kind::Policy,
        "risk" => Kind::Risk,
        "faq" => Kind::Faq,
        "notice" => Kind::Notice,
        "assessment" => Kind::Assessment,
        "supplier" => Kind::Supplier,
        "page" => Kind::Page,
        "scope" => Kind::Scope,
        _ => return None,
    })
}

fn parse_ref(dest: &str) -> Option<(Kind, String, Option<String>)> {
    let (scheme, rest) = dest.split_once(':')?;
    let kind = scheme_kind(scheme)?;
    let (id, anchor) = match rest.split_once('#') {
        Some((i, a)) => (i, Some(a.to_string())),
        None => (rest, None),
    };
    let id = if kind == Kind::Scope && id.is_empty() {
        "scope"
    } else {
        id
    };
    Some((kind, id.to_string(), anchor))
}

/// Lowercase, hyphenated heading slug (`## Roles and duties` -> `roles-and-duties`).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Replaces `:::edition` / `:::` lines (outside code fences) with marker comments
/// of the same line count, so that byte offsets before them and line numbers stay.
/// A passage in the marked text: byte range and edition level.
type Passage = (usize, usize, u8);

fn mark_passages(
    text: &str,
    editions: &[String],
    errors: &mut Vec<BlockError>,
) -> (String, Vec<Passage>) {
    let mut out = String::with_capacity(text.len() + 64);
    let mut passages: Vec<Passage> = Vec::new();
    let mut fence: Option<String> = None;
    let mut open: Option<(usize, usize)> = None;
    let mut open_at: Option<(usize, u8)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim();
        let start = offset;
        offset += line.len();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str())
                && t.trim_start_matches(f.chars().next().unwrap_or('`'))
                    .is_empty()
            {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            let ch = t.chars().next().unwrap_or('`');
            fence = Some(t.chars().take_while(|c| *c == ch).collect());
            out.push_str(line);
            continue;
        }
        let Some(name) = t.strip_prefix(":::") else {
            out.push_str(line);
            continue;
        };
        let name = name.trim();
        let len = body.len();
        let nl = &line[body.len()..];
        if name.is_empty() {
            if open.take().is_none() {
                errors.push(BlockError::Misnested { offset: start, len });
            }
            out.push_str(CLOSE);
            if let Some((from, level)) = open_at.take() {
                passages.push((from, out.len(), level));
            }
        } else if open.is_some() {
            errors.push(BlockError::Misnested { offset: start, len });
            // Conservative: the open passage takes the higher of the two levels.
            if let (Some(l), Some(o)) = (editions.iter().position(|e| e == name), open_at.as_mut())
            {
                o.1 = o.1.max(l as u8);
            }
            out.push_str(body);
        } else if let Some(level) = editions.iter().position(|e| e == name) {
            open = Some((start, len));
            open_at = Some((out.len(), level as u8));
            out.push_str(&format!("{OPEN}{level}-->"));
        } else {
            errors.push(BlockError::UnknownEdition {
                offset: start,
                len,
                name: name.to_string(),
            });
            out.push_str(body);
        }
        out.push_str(nl);
    }
    if let Some((offset, len)) = open {
        errors.push(BlockError::Unterminated { offset, len });
    }
    if let Some((from, level)) = open_at {
        passages.push((from, out.len(), level));
    }
    (out, passages)
}

/// Highest passage level overlapping `range` (leaf events: any overlap hides).
fn overlap_level(passages: &[Passage], range: &std::ops::Range<usize>) -> u8 {
    passages
        .iter()
        .filter(|(a, b, _)| range.start < *b && range.end.max(range.start + 1) > *a)
        .map(|p| p.2)
        .max()
        .unwrap_or(0)
}

/// Level of the passage containing `offset` (container tags: structure only).
fn start_level(passages: &[Passage], offset: usize) -> u8 {
    passages
        .iter()
        .filter(|(a, b, _)| offset >= *a && offset < *b)
        .map(|p| p.2)
        .max()
        .unwrap_or(0)
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Highlights a fenced block with CSS classes. Not cached here: a build
/// highlights each block once (documents are parsed once), and `vouch serve`
/// keeps parsed documents in its content-hash cache, so unchanged code is
/// never highlighted again; a global cache only cost memory.
fn highlight(lang: &str, code: &str) -> String {
    let set = syntaxes();
    let token = lang.split([' ', ',', '{']).next().unwrap_or("");
    let inner = match set
        .find_syntax_by_token(token)
        .filter(|_| !token.is_empty())
    {
        Some(syntax) => {
            let mut gen = ClassedHTMLGenerator::new_with_class_style(
                syntax,
                set,
                ClassStyle::SpacedPrefixed {
                    prefix: CLASS_PREFIX,
                },
            );
            let ok = LinesWithEndings::from(code)
                .all(|l| gen.parse_html_for_line_which_includes_newline(l).is_ok());
            if ok {
                gen.finalize()
            } else {
                escape(code)
            }
        }
        None => escape(code),
    };
    let class = if token.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(token))
    };
    format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{inner}</code></pre>\n")
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

/// Parses Markdown once: marks passages, highlights code, collects refs and
/// headings. `editions` is the site's edition ladder (names, lowest first).
pub fn parse(text: &str, editions: &[String]) -> Parsed {
    let mut errors = Vec::new();
    // CommonMark replaces NUL with U+FFFD; doing it here also keeps NUL free
    // for the reference placeholders in the rendered HTML.
    let clean: std::borrow::Cow<str> = if text.contains('\0') {
        text.replace('\0', "\u{FFFD}").into()
    } else {
        text.into()
    };
    let (marked, passages) = mark_passages(&clean, editions, &mut errors);
    if clean.len() != text.len() {
        for e in &mut errors {
            let (BlockError::Unterminated { offset, .. }
            | BlockError::Misnested { offset, .. }
            | BlockError::UnknownEdition { offset, .. }) = e;
            *offset = map_offset(text, &clean, *offset);
        }
    }
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut links = Vec::new();
    let mut levels: Vec<u8> = Vec::new();
    let mut refs = Vec::new();
    let mut headings: Vec<Heading> = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    let mut code: Option<(String, String, std::ops::Range<usize>)> = None;
    let mut heading: Option<(usize, u8, String, u8)> = None;
    for (ev, range) in Parser::new_ext(&marked, options()).into_offset_iter() {
        // Leaves (text, raw HTML, code) take the highest level of any passage
        // they touch, so content can never escape a passage through Markdown
        // structure (an HTML block swallowing a marker, say); containers take
        // the level where they start and only shape the HTML.
        let is_leaf = !matches!(ev, Event::Start(_) | Event::End(_));
        let level = if is_leaf {
            overlap_level(&passages, &range)
        } else {
            start_level(&passages, range.start)
        };
        if let Some((lang, buf, block)) = code.as_mut() {
            match ev {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let html = highlight(lang, buf);
                    let lvl = overlap_level(&passages, block);
                    events.push(Event::Html(CowStr::from(html)));
                    levels.push(lvl);
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if let Some(h) = heading.as_mut() {
            if is_leaf {
                h.3 = h.3.max(level);
            }
        }
        match &ev {
            // Marker comments themselves are dropped.
            Event::Html(h) | Event::InlineHtml(h)
                if h.trim_end() == CLOSE
                    || (h.starts_with(OPEN)
                        && h.trim_end().ends_with("-->")
                        && !h.trim_end()[OPEN.len()..].contains('<')) =>
            {
                continue;
            }
            // Marker blocks are dropped; wrappers of real HTML are kept.
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock)
                if marked
                    .get(range.clone())
                    .is_some_and(|s| s.starts_with(OPEN) || s.starts_with(CLOSE)) =>
            {
                continue;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(l) => l.to_string(),
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new(), range.clone()));
                continue;
            }
            Event::Start(Tag::Heading { level: hl, .. }) => {
                heading = Some((events.len(), heading_level(*hl), String::new(), level));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, buf, _)) = heading.as_mut() {
                    buf.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((idx, hl, text, lvl)) = heading.take() {
                    let slug = finish_heading(&mut events[idx], &text, &mut used);
                    headings.push(Heading {
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
                    links.push(LinkMeta {
                        link_type: *link_type,
                        title: title.as_ref().into(),
                    });
                    refs.push(MdRef {
                        kind,
                        id,
                        anchor,
                        offset: range.start,
                        len: range.len(),
                    });
                }
            }
            _ => {}
        }
        events.push(ev);
        levels.push(level);
    }
    // Offsets point into `marked`; lines and columns before a marker line are
    // unchanged, and marker lines never hold links, so offsets map through.
    // Without passages or NULs the texts are equal and offsets need no mapping.
    if marked != text {
        for r in &mut refs {
            r.offset = map_offset(text, &marked, r.offset);
        }
    }
    let mut notes = Vec::new();
    let (html, plain) = render_marked(&events, &levels, &mut notes);
    Parsed {
        html: Arc::from(html),
        text: Arc::from(plain),
        passages: levels.iter().any(|l| *l > 0),
        links,
        notes,
        refs,
        headings,
        errors,
    }
}

/// Maps an offset in the marked text to the original text (same line, same column).
fn map_offset(original: &str, marked: &str, offset: usize) -> usize {
    let head = &marked[..offset.min(marked.len())];
    let line = head.matches('\n').count();
    let col = head.len() - head.rfind('\n').map_or(0, |p| p + 1);
    let mut start = 0;
    let mut lines = original.split_inclusive('\n');
    for l in lines.by_ref().take(line) {
        start += l.len();
    }
    // A NUL became U+FFFD (three bytes) before parsing; walk back to it.
    let mut seen = 0;
    for (i, c) in original[start..].char_indices() {
        if seen >= col || c == '\n' {
            return start + i;
        }
        seen += if c == '\0' { 3 } else { c.len_utf8() };
    }
    original.len()
}

/// Gives a heading its slug (or keeps an explicit `{#id}`) and returns it.
fn finish_heading(ev: &mut Event<'_>, text: &str, used: &mut HashSet<String>) -> String {
    if let Event::Start(Tag::Heading { id, .. }) = ev {
        if let Some(explicit) = id {
            used.insert(explicit.to_string());
            return explicit.to_string();
        }
        let base = slugify(text);
        let mut slug = base.clone();
        let mut n = 1;
        while !used.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        *id = Some(CowStr::from(slug.clone()));
        return slug;
    }
    slugify(text)
}

/// Renders every event once, marking passage levels, references and
/// footnote numbers for [`Parsed::render`] to settle per edition.
fn render_marked(
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
        let is_ref =
            matches!(ev, Event::Start(Tag::Link { dest_url, .. }) if parse_ref(dest_url).is_some());
        if is_ref {
            ref_idx += 1;
        }
        if *lvl != level {
            level = *lvl;
            text.push_str(&format!("\0l{level}\0"));
            // Between blocks the mark is `L` and ends its line, so the writer
            // starts the next block without a newline of its own; `settle`
            // eats that line end, leaving the HTML as if no mark were there.
            out.push(Event::InlineHtml(CowStr::from(if after_block {
                format!("\0L{level}\0\n")
            } else {
                format!("\0l{level}\0")
            })));
        }
        after_block = matches!(
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
        );
        match ev {
            Event::Start(Tag::Image { .. }) => {
                image += 1;
                out.push(ev.clone());
            }
            Event::End(TagEnd::Image) => {
                image = image.saturating_sub(1);
                out.push(ev.clone());
            }
            Event::Start(Tag::Link { .. }) if is_ref && image > 0 => {}
            Event::End(TagEnd::Link) if open.is_none() && image > 0 => {}
            Event::FootnoteReference(_) if image > 0 => {}
            Event::Start(Tag::Link { .. }) if is_ref => {
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
        let html = if self.html.contains('\0') {
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
                let i = rest.parse::<usize>().unwrap_or(usize::MAX);
                let resolved = self.refs.get(i).map_or(Resolved::Missing, resolve);
                if let (Resolved::Link { url, .. }, Some(r), Some(meta)) =
                    (&resolved, self.refs.get(i), self.links.get(i))
                {
                    let url = match &r.anchor {
                        Some(a) => format!("{url}#{a}"),
                        None => url.clone(),
                    };
                    let start = Event::Start(Tag::Link {
                        link_type: meta.link_type,
                        dest_url: CowStr::from(url),
                        title: CowStr::Borrowed(&meta.title),
                        id: CowStr::Borrowed(""),
                    });
                    pulldown_cmark::html::push_html(&mut out, std::iter::once(start));
                }
                current = Some(resolved);
            } else if tag == "e" {
                close_ref(&mut out, current.take(), rest.ends_with(":1"));
            }
        }
        out
    }
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

/// Renders a short Markdown field (register text) for an edition in one call.
pub fn render_inline(
    text: &str,
    editions: &[String],
    edition: usize,
    resolve: &dyn Fn(&MdRef) -> Resolved,
) -> Rendered {
    parse(text, editions).render(edition, resolve)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eds() -> Vec<String> {
        vec!["public".into(), "customer".into(), "internal".into()]
    }

    fn none(_: &MdRef) -> Resolved {
        Resolved::Missing
    }

    #[test]
    fn removes_internal_passages_with_headings_and_footnotes() {
        let md = "# Title\n\nPublic text.\n\n:::internal\n## Secret heading\n\nCANARY-INT[^n]\n\n[^n]: FOOTCANARY\n:::\n\nAfter.\n";
        let p = parse(md, &eds());
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let public = p.render(0, &none);
        assert!(!public.html.contains("CANARY-INT"));
        assert!(!public.html.contains("Secret heading"));
        assert!(!public.html.contains("FOOTCANARY"));
        assert!(public.html.contains("After."));
        assert_eq!(public.toc.len(), 1);
        let internal = p.render(2, &none);
        assert!(internal.html.contains("CANARY-INT"));
        assert!(internal.html.contains("id=\"secret-heading\""));
        assert_eq!(internal.toc.len(), 2);
    }

    #[test]
    fn passages_inside_raw_html_blocks_stay_hidden() {
        let md = "<div>\n:::internal\nSWALLOWED\n:::\n\nafter\n\n<!-- open comment\n:::internal\nINCOMMENT\n:::\nTAIL\n";
        let p = parse(md, &eds());
        let public = p.render(0, &none);
        assert!(!public.html.contains("SWALLOWED"), "{}", public.html);
        assert!(!public.html.contains("INCOMMENT"), "{}", public.html);
        assert!(p.render(2, &none).html.contains("SWALLOWED"));
    }

    #[test]
    fn forged_markers_cannot_reopen_public_text() {
        let md = ":::internal\n<!--/vouch-edition-->\n\nFORGED\n:::\n";
        let p = parse(md, &eds());
        assert!(!p.render(0, &none).html.contains("FORGED"));
    }

    #[test]
    fn reports_unterminated_and_misnested_passages() {
        let p = parse("a\n:::internal\nb\n", &eds());
        assert!(matches!(
            p.errors[0],
            BlockError::Unterminated { offset: 2, .. }
        ));
        let p = parse(":::internal\n:::customer\n:::\n", &eds());
        assert!(matches!(
            p.errors[0],
            BlockError::Misnested { offset: 12, .. }
        ));
        let p = parse("text\n:::\n", &eds());
        assert!(matches!(p.errors[0], BlockError::Misnested { .. }));
    }

    #[test]
    fn ignores_colons_inside_code_fences() {
        let p = parse("```\n:::internal\n```\n", &eds());
        assert!(p.errors.is_empty());
    }

    #[test]
    fn collects_scheme_links_at_their_offsets() {
        let md = "See [the control](control:A.6.2.4) and [x](policy:ai#roles).\n";
        let p = parse(md, &eds());
        assert_eq!(p.refs.len(), 2);
        assert_eq!(p.refs[0].offset, 4);
        assert_eq!(p.refs[1].anchor.as_deref(), Some("roles"));
    }

    #[test]
    fn renders_hidden_reference_as_plain_text_with_marker() {
        let p = parse("See [secret](evidence:ev-x).\n", &eds());
        let r = p.render(0, &|_| Resolved::Hidden { marker: "internal" });
        assert!(!r.html.contains("href"));
        assert!(r
            .html
            .contains("secret <span class=\"restricted\">(internal)</span>"));
    }

    #[test]
    fn slugs_are_stable_and_deduplicated() {
        let p = parse("## Roles & duties\n## Roles & duties\n", &eds());
        assert_eq!(p.headings[0].slug, "roles-duties");
        assert_eq!(p.headings[1].slug, "roles-duties-1");
    }

    #[test]
    fn highlights_code_with_classes_not_styles() {
        let p = parse("```rust\nfn main() {}\n```\n", &eds());
        let r = p.render(0, &none);
        assert!(r.html.contains("class=\"hl-"));
        assert!(!r.html.contains("style="));
    }

    #[test]
    fn fills_reference_links_per_edition() {
        let p = parse(
            "See [](control:A.2.2 \"Why\") and [x](policy:ai#roles).\n",
            &eds(),
        );
        let link = |r: &MdRef| Resolved::Link {
            url: format!("/{}/", r.id),
            title: "T & <b>".into(),
        };
        let r = p.render(0, &link);
        assert!(
            r.html
                .contains("<a href=\"/A.2.2/\" title=\"Why\">T &amp; &lt;b&gt;</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<a href=\"/ai/#roles\">x</a>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains('\0'));
        let missing = p.render(0, &none);
        assert!(missing.html.contains("See  and x."), "{}", missing.html);
    }

    #[test]
    fn nul_bytes_cannot_forge_placeholders() {
        let md = "a\0s0\0 [x](control:A.2.2) <b>\0e0:1\0</b>\n";
        let p = parse(md, &eds());
        assert_eq!(p.refs[0].offset, md.find('[').unwrap());
        let r = p.render(0, &|_| Resolved::Hidden { marker: "internal" });
        assert!(!r.html.contains('\0'));
        assert_eq!(r.html.matches("restricted").count(), 1, "{}", r.html);
        let e = parse("\0\0\n:::internal\n", &eds());
        assert!(matches!(
            e.errors[0],
            BlockError::Unterminated { offset: 3, .. }
        ));
    }

    #[test]
    fn documents_without_passages_share_one_rendering() {
        let p = parse("# T\n\nPlain.\n", &eds());
        assert!(!p.has_passages());
        assert!(Arc::ptr_eq(
            &p.render(0, &none).html,
            &p.render(2, &none).html
        ));
        assert!(parse(":::customer\nx\n:::\n", &eds()).has_passages());
    }

    #[test]
    fn renumbers_footnotes_left_after_hiding_a_passage() {
        let md =
            "A.\n\n:::internal\nSecret[^s].\n\n[^s]: HIDDEN\n:::\n\nOpen[^o].\n\n[^o]: SHOWN\n";
        let p = parse(md, &eds());
        let public = p.render(0, &none);
        assert!(!public.html.contains("HIDDEN") && !public.html.contains("#s\""));
        assert!(
            public.html.contains("<a href=\"#o\">1</a>"),
            "{}",
            public.html
        );
        assert!(
            public.html.contains("footnote-definition-label\">1<"),
            "{}",
            public.html
        );
        let internal = p.render(2, &none);
        assert!(
            internal.html.contains("<a href=\"#o\">2</a>"),
            "{}",
            internal.html
        );
        assert!(!public.text.contains("Secret") && internal.text.contains("Secret"));
    }

    #[test]
    fn reference_inside_image_alt_stays_plain_text() {
        let p = parse("![see [x](control:A.2.2)](a.png)\n", &eds());
        let link = |_: &MdRef| Resolved::Link {
            url: "/c/\"><script>".into(),
            title: "T".into(),
        };
        let r = p.render(0, &link);
        assert!(r.html.contains("alt=\"see x\""), "{}", r.html);
        assert!(!r.html.contains("script"), "{}", r.html);
    }

    #[test]
    fn aligned_table_cells_use_classes_not_styles() {
        let p = parse("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n", &eds());
        let html = p.render(0, &none).html;
        assert!(!html.contains("style="), "{html}");
        for a in ["left", "center", "right"] {
            assert!(
                html.contains(&format!("<td class=\"align-{a}\">")),
                "{html}"
            );
        }
    }
}
