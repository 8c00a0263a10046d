//! The sections of a rendered document as plain text, in one pass over each
//! section's HTML.
//!
//! Why this exists beside [`split_sections`](super::claims::split_sections):
//! on the 10,000-page benchmark project the claim texts were most of the
//! answer index's time, and most of that was turning HTML into text in four
//! passes and as many copies (tags out, entities decoded seven times over,
//! whitespace split and joined, spaces before punctuation dropped).
//! [`sections`] does the same in one pass and one copy, and its result is
//! the same, section for section and byte for byte: the tests below and
//! `answer::section_texts_are_the_same_as_the_html_splitter` compare both on
//! the example project, the second organisation and generated pages.

use super::claims::Section;

/// What [`split_sections`](super::claims::split_sections) returns, with the
/// text made in one pass:
/// the text before the first `##` (level 0), then each heading with an id
/// at level 2 or deeper, with its text up to the next heading of the same or
/// a higher level.
pub fn sections(html: &str) -> Vec<Section> {
    sections_to(html, u8::MAX)
}

/// [`sections`] without those deeper than `max` (their text is not
/// computed: a claim is a `##` or `###` section).
pub fn sections_to(html: &str, max: u8) -> Vec<Section> {
    sections_with(html, max, plain)
}

/// The sections of `html` to level `max`, each heading and body turned into
/// text by `text` (one scan of the headings for the fast path and for
/// [`split_sections`](super::claims::split_sections), its reference).
pub(super) fn sections_with(html: &str, max: u8, text: impl Fn(&str) -> String) -> Vec<Section> {
    spans(html, max)
        .into_iter()
        .map(|s| Section {
            level: s.level,
            slug: s.slug.to_string(),
            heading: text(s.heading),
            text: text(&html[s.body]),
        })
        .collect()
}

/// Where one section of [`sections_with`] lies in the HTML, before any of
/// it is turned into text: the answer index asks whether it wants a
/// section (by its level) before paying for its text.
pub(super) struct Span<'a> {
    /// Heading level; 0 for the introduction.
    pub level: u8,
    /// The heading's id; empty for the introduction.
    pub slug: &'a str,
    /// The heading's HTML; empty for the introduction.
    pub heading: &'a str,
    /// The section's body in the HTML.
    pub body: std::ops::Range<usize>,
}

/// The introduction, then every section of level 2 to `max`, in order.
pub(super) fn spans(html: &str, max: u8) -> Vec<Span<'_>> {
    let marks = headings(html);
    let mut out = Vec::with_capacity(marks.len() + 1);
    let intro_end = marks
        .iter()
        .find(|m| m.level >= 2)
        .map_or(html.len(), |m| m.start);
    out.push(Span {
        level: 0,
        slug: "",
        heading: "",
        body: 0..intro_end,
    });
    for (i, m) in marks.iter().enumerate() {
        if m.level < 2 || m.level > max {
            continue;
        }
        let end = marks[i + 1..]
            .iter()
            .find(|n| n.level <= m.level)
            .map_or(html.len(), |n| n.start);
        out.push(Span {
            level: m.level,
            slug: m.slug,
            heading: m.heading,
            body: m.body..end.max(m.body),
        });
    }
    out
}

/// A `<hN id="...">...</hN>` heading found in the HTML.
struct Mark<'a> {
    level: u8,
    slug: &'a str,
    /// The HTML between the opening and the closing tag.
    heading: &'a str,
    /// Where the text after the closing tag starts.
    body: usize,
    /// Where the opening tag starts.
    start: usize,
}

/// Every `<hN id="...">...</hN>` heading, in order (a `<h` that does not
/// open such a heading is skipped; the scan resumes after a heading's
/// closing tag).
fn headings(html: &str) -> Vec<Mark<'_>> {
    let mut marks = Vec::new();
    let mut pos = 0;
    while let Some(off) = html[pos..].find('<') {
        let start = pos + off;
        pos = start + 1;
        if html.as_bytes().get(start + 1) != Some(&b'h') {
            continue;
        }
        pos = start + 2;
        let rest = &html[start + 2..];
        let Some(level) = rest.chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        let Some(id_rest) = rest[1..].strip_prefix(" id=\"") else {
            continue;
        };
        let Some(q) = id_rest.find('"') else { continue };
        let close = format!("</h{level}>");
        let Some(open_end) = rest.find('>') else {
            continue;
        };
        let Some(end) = rest.find(&close) else {
            continue;
        };
        if end < open_end {
            continue;
        }
        let body = start + 2 + end + close.len();
        marks.push(Mark {
            level: level as u8,
            slug: &id_rest[..q],
            heading: &rest[open_end + 1..end],
            body,
            start,
        });
        pos = body;
    }
    marks
}

/// The entities [`strip_tags`](super::claims::strip_tags) decodes. None is a
/// prefix of another and none holds `&` after its first byte, so decoding
/// them in one left-to-right pass equals replacing each in turn.
const ENTITIES: [(&str, char); 7] = [
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&#x27;", '\''),
    ("&nbsp;", ' '),
    ("&amp;", '&'),
];

/// `collapse(&strip_tags(html))` in one pass: a tag becomes a space, the
/// entities are decoded, whitespace runs become one space (none at either
/// end), and a space before `.,;:)!?` is dropped. Runs of ASCII text are
/// copied whole and a tag is skipped to its `>` in one search: the HTML of
/// highlighted code is mostly tags.
pub fn plain(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = Plain {
        text: String::with_capacity(html.len() / 2),
        space: false,
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => {
                out.whitespace();
                // Everything up to the first `>` is the tag, another `<` too.
                match html[i + 1..].find('>') {
                    Some(j) => i += j + 2,
                    None => break,
                }
            }
            b'&' => {
                let (c, len) = ENTITIES
                    .iter()
                    .find(|(e, _)| html[i..].starts_with(e))
                    .map_or(('&', 1), |(e, c)| (*c, e.len()));
                out.char(c);
                i += len;
            }
            c if is_ascii_space(c) => {
                out.whitespace();
                i += 1;
            }
            c if c.is_ascii() => {
                let start = i;
                while i < b.len()
                    && b[i].is_ascii()
                    && !is_ascii_space(b[i])
                    && b[i] != b'<'
                    && b[i] != b'&'
                {
                    i += 1;
                }
                out.word(&html[start..i]);
            }
            _ => {
                let c = html[i..].chars().next().unwrap_or(' ');
                out.char(c);
                i += c.len_utf8();
            }
        }
    }
    out.text
}

/// ASCII whitespace as `char::is_whitespace` counts it (with vertical tab).
fn is_ascii_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The text [`plain`] writes, and whether a whitespace run is pending.
struct Plain {
    text: String,
    space: bool,
}

impl Plain {
    fn whitespace(&mut self) {
        self.space = !self.text.is_empty();
    }

    fn char(&mut self, c: char) {
        if c.is_whitespace() {
            self.whitespace();
        } else {
            self.word(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// Text without whitespace; a pending space goes before it unless it
    /// starts with punctuation that closes a phrase.
    fn word(&mut self, w: &str) {
        if self.space && !w.starts_with(['.', ',', ';', ':', ')', '!', '?']) {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(w);
    }
}

#[cfg(test)]
mod tests {
    use super::super::claims::{collapse, split_sections, strip_tags};
    use super::*;

    /// Pieces of HTML whose combinations exercise every branch of both
    /// splitters: headings with and without ids, nested levels, `<hr>`,
    /// entities whole and cut, stray `>`, whitespace of every kind, and
    /// punctuation after a tag.
    const PIECES: &[&str] = &[
        "<h1 id=\"t\">Title</h1>",
        "<h2 id=\"a\">A &amp; B</h2>",
        "<h3 id=\"b\">Sub <code>x</code></h3>",
        "<h2>No id</h2>",
        "<h4 id=\"d\">Deep</h4>",
        "<h2 id=\"open\">never closed",
        "<hr />",
        "<p>Text, with <a href=\"/x/\">a link</a>.</p>\n",
        "&lt;tag&gt; &quot;q&quot; &#39;s&#x27; a&nbsp;b &amp;lt; &am p; &",
        " \t\n\u{a0}\u{2003} ",
        "a > b",
        " . , ; : ) ! ? ",
        "<span class=\"hl-x\">let</span> x = 1;",
        "Ünïcödé — “quotes” ",
        "<h5 id=\"q\"",
        "</h2>",
        "<",
        "x",
        "\u{b}\u{c}\u{85}x\u{1c}y\r\u{2028}",
        "&#39",
    ];

    #[test]
    fn plain_equals_collapsed_stripped_text() {
        for a in PIECES {
            for b in PIECES {
                for c in PIECES {
                    let html = format!("{a}{b}{c}");
                    assert_eq!(plain(&html), collapse(&strip_tags(&html)), "{html:?}");
                }
            }
        }
    }

    #[test]
    fn sections_equal_the_html_splitter_on_combined_pieces() {
        for a in PIECES {
            for b in PIECES {
                for c in PIECES {
                    for d in ["", "<h3 id=\"z\">Z</h3>tail", "<h2 id=\"y\">Y</h2>"] {
                        let html = format!("{a}{b}{c}{d}");
                        assert_eq!(sections(&html), split_sections(&html), "{html:?}");
                        let mut to3 = split_sections(&html);
                        to3.retain(|s| s.level <= 3);
                        assert_eq!(sections_to(&html, 3), to3, "{html:?}");
                    }
                }
            }
        }
    }
}
