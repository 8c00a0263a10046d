//! Stage 3, Markdown: each document is parsed once (pulldown-cmark), its code
//! highlighted once (syntect, one CSS class per kind of token), and the
//! resulting event list rendered once per edition that may see it.
//!
//! Editions differ only where `:::customer` / `:::internal` passages sit and where
//! a `kind:id` link points at an entity the edition may not see. Passages are
//! turned into marker comments before parsing so that pulldown-cmark sees one
//! document; the renderer drops every event between markers of a higher edition,
//! which removes headings, footnotes and TOC entries along with the text.

use crate::core::kinds::Kind;
use pulldown_cmark::{HeadingLevel, LinkType, Options, Parser};
use std::sync::Arc;

const OPEN: &str = "<!--vouch-edition:";
const CLOSE: &str = "<!--/vouch-edition-->";
/// Prefix of the highlighter's CSS classes (`tok-k`, `tok-s` …; see
/// [`highlight::TOKEN_KINDS`]). Not `hl-`, the prefix of the nested scope
/// classes vouch wrote before: a theme that copied the old default
/// `style.css` resets every `[class*="hl-"]` to the text colour, and must
/// not reset these.
pub const CLASS_PREFIX: &str = "tok-";

/// A `kind:id#anchor` link found in Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct MdRef {
    pub kind: Kind,
    pub id: String,
    pub anchor: Option<String>,
    /// Byte offset of the link in the Markdown text.
    pub offset: usize,
    pub len: usize,
    /// How the link was written (inline, autolink ...) and its title, to
    /// rebuild its `<a>` when an edition may follow it.
    link_type: LinkType,
    title: Box<str>,
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

/// A problem with `:::` passages, or with something that would carry text
/// out of one. Offsets are byte offsets in the Markdown text.
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
    /// A `:::` marker, or `:::` in text, that the parse does not take as a
    /// passage boundary: inside `place` ("a list item", "a blockquote" ...).
    Misplaced {
        offset: usize,
        len: usize,
        place: &'static str,
    },
    /// A reference link or footnote whose definition (`label`) lies in a
    /// passage of a higher edition than the link.
    HiddenDefinition {
        offset: usize,
        len: usize,
        label: String,
    },
    /// A heading in a passage whose id a heading of a lower edition has.
    HeadingIdClash {
        offset: usize,
        len: usize,
        id: String,
    },
}

impl BlockError {
    /// Byte offset and length of the problem.
    pub fn span(&self) -> (usize, usize) {
        match self {
            BlockError::Unterminated { offset, len }
            | BlockError::Misnested { offset, len }
            | BlockError::UnknownEdition { offset, len, .. }
            | BlockError::Misplaced { offset, len, .. }
            | BlockError::HiddenDefinition { offset, len, .. }
            | BlockError::HeadingIdClash { offset, len, .. } => (*offset, *len),
        }
    }

    fn offset_mut(&mut self) -> &mut usize {
        match self {
            BlockError::Unterminated { offset, .. }
            | BlockError::Misnested { offset, .. }
            | BlockError::UnknownEdition { offset, .. }
            | BlockError::Misplaced { offset, .. }
            | BlockError::HiddenDefinition { offset, .. }
            | BlockError::HeadingIdClash { offset, .. } => offset,
        }
    }
}

/// How a reference renders in one edition.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// The edition has the page: link to it (the title fills empty link text).
    Link { url: String, title: String },
    /// The target exists only in a higher edition: plain text and a marker,
    /// linked to the request-access address when there is one.
    Hidden {
        marker: &'static str,
        request: Option<String>,
    },
    /// Nothing by that id (validation reports it).
    Missing,
}

/// One document's Markdown, parsed once and rendered once. The HTML carries
/// NUL-delimited marks (source NULs are replaced before parsing, so every NUL
/// is ours): `l{n}` (`L{n}` between blocks) starts output of passage level `n`, `s{i}` / `e{i}:{t}`
/// open and close reference `i`, `n{k}` is the number of footnote `k`, `c{k}`
/// is the highlighter's `<span class="...">` with the `k`-th class of the
/// document.
/// Rendering for an edition drops the segments above it, fills references and
/// numbers the footnotes it still shows. Keeping HTML instead of
/// pulldown-cmark events costs about 2x the Markdown's size instead of 10x.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Packed when long (see [`crate::core::packed`]): the model holds it
    /// all build long.
    html: Packed,
    /// True when `html` holds marks to settle (else every edition shares it).
    marked: bool,
    /// Plain text with the same level marks, packed like `html`.
    text: Packed,
    /// True when some text sits in a passage.
    passages: bool,
    /// The edition names (lowest first) when the document has passages,
    /// for the audience badge a higher edition shows on each passage; empty
    /// otherwise.
    audiences: Vec<Box<str>>,
    /// Footnote names, in order of first use.
    notes: Vec<Box<str>>,
    /// The distinct classes of the highlighter's `<span class="...">` tags,
    /// which `html` holds as `c{k}` marks (see [`compact_spans`]).
    classes: Vec<Box<str>>,
    pub refs: Vec<MdRef>,
    pub headings: Vec<Heading>,
    pub errors: Vec<BlockError>,
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
        "objective" => Kind::Objective,
        "competence" => Kind::Competence,
        "monitoring" => Kind::Monitoring,
        "audit" => Kind::Audit,
        "review" => Kind::Review,
        "nonconformity" => Kind::Nonconformity,
        "page" => Kind::Page,
        "scope" => Kind::Scope,
        _ => return None,
    })
}

/// True when a link destination is a `kind:` reference (no allocation: the
/// renderer asks this of every link).
fn is_ref(dest: &str) -> bool {
    dest.split_once(':')
        .is_some_and(|(scheme, _)| scheme_kind(scheme).is_some())
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

mod collect;
pub mod highlight;
mod passages;
mod render;
pub mod store;
#[cfg(test)]
mod tests;

use crate::core::packed::Packed;
use collect::Collector;
use highlight::highlight;
use passages::{mark_passages, OffsetMap};
use render::render_marked;
/// The lock a request-access marker draws (the default theme's `restricted`
/// macro draws the same one).
pub use render::LOCK_ICON;
pub use store::HighlightStore;

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
            // C0 controls other than tab, newline and carriage return are
            // not allowed in HTML text: dropped, never passed on raw.
            '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Highlighted HTML with each `<span class="...">` replaced by the mark
/// `\0c{k}\0`, `k` the class's position in `classes` (added when new).
/// Highlighted code is largely these tags (one per run of a token kind);
/// the model keeps every document's HTML for the whole build, so a large
/// project holds each class once per document instead of once per token.
/// The code text itself is escaped, so every `<span class="` here is one of
/// the highlighter's.
pub(crate) fn compact_spans(html: &str, classes: &mut Vec<Box<str>>) -> String {
    const OPEN: &str = "<span class=\"";
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        let after = &rest[i + OPEN.len()..];
        let Some(j) = after.find("\">") else {
            break;
        };
        let class = &after[..j];
        let k = match classes.iter().position(|c| &**c == class) {
            Some(k) => k,
            None => {
                classes.push(class.into());
                classes.len() - 1
            }
        };
        out.push_str(&rest[..i]);
        out.push_str(&format!("\0c{k}\0"));
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

/// True for a well-formed BCP 47 language tag as documents use them: a
/// primary subtag of 2–3 letters, then subtags of 2–8 letters or digits
/// (`de`, `pt-BR`, `zh-Hant-TW`). `lang:` front matter and `{lang=..}`
/// heading attributes are checked with it (rule W027) and only a tag it
/// accepts is carried to a heading's section.
pub fn is_lang_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_alphanumeric()))
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
/// headings, and checks the passages against that same parse. `editions` is
/// the site's edition ladder (names, lowest first).
pub fn parse(text: &str, editions: &[String]) -> Parsed {
    parse_with(text, editions, None)
}

/// [`parse`], taking highlighted code from `store` where it holds it (see
/// [`store`]).
pub fn parse_with(text: &str, editions: &[String], store: Option<&HighlightStore>) -> Parsed {
    let mut errors = Vec::new();
    // CommonMark replaces NUL with U+FFFD; doing it here also keeps NUL free
    // for the reference placeholders in the rendered HTML.
    let clean: std::borrow::Cow<str> = if text.contains('\0') {
        text.replace('\0', "\u{FFFD}").into()
    } else {
        text.into()
    };
    let marked = mark_passages(&clean, editions, &mut errors);
    let map = OffsetMap::new(text, &clean, &marked.text);
    for e in &mut errors {
        let o = e.offset_mut();
        *o = map.clean_to_original(*o);
    }
    let mut c = Collector::new(&marked, store);
    let mut events = Parser::new_ext(&marked.text, options()).into_offset_iter();
    for (ev, range) in events.by_ref() {
        c.event(ev, range);
    }
    let headings = c.finish(events.reference_definitions());
    // Offsets point into the marked text; lines and columns off marker lines
    // are unchanged, so they map back line by line.
    let Collector {
        events,
        levels,
        mut refs,
        errors: found,
        classes,
        ..
    } = c;
    for r in &mut refs {
        r.offset = map.to_original(r.offset);
    }
    errors.extend(found.into_iter().map(|mut e| {
        let o = e.offset_mut();
        *o = map.to_original(*o);
        e
    }));
    let mut notes = Vec::new();
    let (html, plain) = render_marked(&events, &levels, &mut notes);
    Parsed {
        marked: html.contains('\0'),
        html: Packed::new(html),
        text: Packed::new(plain),
        passages: levels.iter().any(|l| *l > 0),
        audiences: match levels.iter().any(|l| *l > 0) {
            true => editions.iter().map(|e| e.as_str().into()).collect(),
            false => Vec::new(),
        },
        notes,
        classes,
        refs,
        headings,
        errors,
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
