//! The corpus of published claims of one edition: every FAQ entry, control,
//! document (and each of its sections), AI system card and supplier that the
//! edition publishes, as plain text with its permalink.
//!
//! This is the only door through which `vouch answer` and `vouch links` see the
//! model, and it filters by edition on the way in: an entity above the edition
//! is never read, and document text comes from the edition's own render, so a
//! `:::internal` passage (heading and all) cannot reach a public answer.

use super::sections::plain;
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use crate::pipeline::parse::types::{SystemCard, Tier};
use rayon::prelude::*;

/// One published claim: an entity, or one section of a document.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Claim {
    pub kind: Kind,
    pub id: String,
    /// Heading slug when the claim is a section of a document.
    pub anchor: Option<String>,
    /// Heading level of a section (2 for `##`); 0 for a whole entity.
    pub level: u8,
    /// What a reader sees as its name (a section: "Document › Heading").
    pub title: String,
    /// Controls: status (or `excluded`); systems: risk tier.
    pub status: Option<String>,
    /// Plain text the ranking reads (edition-filtered).
    pub text: String,
    /// One line (FAQ: the whole answer) to paste into a questionnaire.
    pub summary: String,
    /// FAQ: questionnaire ids the entry answers (`AI-CAIQ GRC-15`).
    pub matches: Vec<String>,
    /// Root-relative path of a claim that is not an entity page (a
    /// certification, shown on the home page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

impl Claim {
    /// Root-relative permalink, with the section fragment when there is one.
    pub fn path(&self) -> String {
        if let Some(h) = &self.href {
            return h.clone();
        }
        match &self.anchor {
            Some(a) => format!("{}#{a}", url(self.kind, &self.id)),
            None => url(self.kind, &self.id),
        }
    }

    /// Absolute permalink under the site's base URL.
    pub fn permalink(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.path())
    }
}

/// Every claim edition `ed` publishes, in a stable order: FAQ, controls,
/// documents with their sections, systems, suppliers.
pub fn corpus(site: &Site, ed: usize) -> Vec<Claim> {
    corpus_where(site, ed, &|_| true)
}

/// The claims of [`corpus`] that `keep` accepts, in the same order.
///
/// `keep` is asked about a document's claims *before* their text and
/// summary are made (both are empty when it sees them): `vouch answer` keeps
/// only some levels of section, and on the 10,000-page benchmark project the
/// texts of the `###` sections it drops were a third of the text made.
/// `keep` must therefore decide on the other fields (kind, level, id,
/// anchor, title); `answer_index::answerer_claims_are_the_corpus_it_keeps`
/// compares the result with filtering [`corpus`].
pub fn corpus_where(site: &Site, ed: usize, keep: &(dyn Fn(&Claim) -> bool + Sync)) -> Vec<Claim> {
    let mut out = Vec::new();
    faq(site, ed, &mut out);
    controls(site, ed, &mut out);
    out.retain(keep);
    // Rendering every document is most of the corpus time on a large
    // project; each is independent, and `collect` keeps the order.
    let docs: Vec<Vec<Claim>> = (0..site.docs.len())
        .into_par_iter()
        .filter(|&i| site.docs[i].level <= ed)
        .map(|i| {
            let mut v = Vec::new();
            document(site, ed, i, keep, &mut v);
            v
        })
        .collect();
    out.extend(docs.into_iter().flatten());
    let mut rest = Vec::new();
    for s in site.systems.iter().filter(|s| s.level <= ed) {
        rest.push(system(site, ed, &s.id, &s.title, &s.data));
    }
    for s in site.suppliers.iter().filter(|s| s.level <= ed) {
        let d = &s.data;
        let mut text = format!("{} {}", s.title, d.kind);
        for t in [&d.provides, &d.data_use].into_iter().flatten() {
            text.push_str(&format!(" {t}"));
        }
        text.push_str(&format!(" {}", d.location.join(" ")));
        rest.push(Claim {
            kind: Kind::Supplier,
            id: s.id.clone(),
            anchor: None,
            level: 0,
            title: s.title.clone(),
            status: None,
            summary: one_line(&text, 300),
            text,
            matches: Vec::new(),
            href: None,
        });
    }
    rest.retain(keep);
    out.extend(rest);
    out
}

fn faq(site: &Site, ed: usize, out: &mut Vec<Claim>) {
    for f in site.faq.iter().filter(|f| f.level <= ed) {
        let answer = site
            .field_html(Kind::Faq, &f.id, "answer", ed)
            .map(|r| collapse(&r.text))
            .unwrap_or_default();
        out.push(Claim {
            kind: Kind::Faq,
            id: f.id.clone(),
            anchor: None,
            level: 0,
            title: f.title.clone(),
            status: None,
            text: format!("{} {}", f.data.topics.join(" "), answer),
            summary: answer,
            matches: f.data.matches.clone(),
            href: None,
        });
    }
}

fn controls(site: &Site, ed: usize, out: &mut Vec<Claim>) {
    for c in site.controls.iter().filter(|c| c.level <= ed) {
        let d = &c.data;
        let status = if d.applicable {
            d.status.map(|s| s.as_str().to_string())
        } else {
            Some("excluded".to_string())
        };
        let mut body = String::new();
        for field in ["implementation", "justification"] {
            if let Some(r) = site.field_html(Kind::Control, &c.id, field, ed) {
                body.push_str(&collapse(&r.text));
                body.push(' ');
            }
        }
        let state = status.as_deref().unwrap_or("not stated");
        let summary = match first_sentences(&body, 240) {
            s if s.is_empty() => format!("{} {} ({state}).", c.id, c.title),
            s => format!("{} {} ({state}): {s}", c.id, c.title),
        };
        out.push(Claim {
            kind: Kind::Control,
            id: c.id.clone(),
            anchor: None,
            level: 0,
            title: format!("{} {}", c.id, c.title),
            status,
            text: body,
            summary,
            matches: Vec::new(),
            href: None,
        });
    }
}

/// A document as a whole (title, summary, text before its first `##`) and each
/// of its `##`/`###` sections that `keep` accepts, all from the edition's
/// render; a section's text is made only when it is kept.
fn document(
    site: &Site,
    ed: usize,
    i: usize,
    keep: &(dyn Fn(&Claim) -> bool + Sync),
    out: &mut Vec<Claim>,
) {
    let d = &site.docs[i];
    let Some(md) = site.doc_md.get(i) else { return };
    let rendered = md.render(ed, &site.md_resolver(ed));
    let html = &rendered.html;
    // One pass per section instead of four (same text: `sections` module).
    let spans = super::sections::spans(html, 3);
    let skeleton = |level: u8, anchor: Option<String>, title: String| Claim {
        kind: d.kind,
        id: d.id.clone(),
        anchor,
        level,
        title,
        status: None,
        text: String::new(),
        summary: String::new(),
        matches: Vec::new(),
        href: None,
    };
    let whole = Claim {
        status: d.data.front.version.as_ref().map(|v| format!("v{v}")),
        ..skeleton(0, None, d.title.clone())
    };
    if keep(&whole) {
        let intro = spans
            .first()
            .filter(|s| s.level == 0)
            .map(|s| plain(&html[s.body.clone()]))
            .unwrap_or_default();
        let lead = d.data.front.summary.clone().unwrap_or_default();
        let summary = match first_sentences(&format!("{lead} {intro}"), 240) {
            s if s.is_empty() => d.title.clone(),
            s => format!("{}: {s}", d.title),
        };
        out.push(Claim {
            text: format!("{lead} {intro}"),
            summary,
            ..whole
        });
    }
    for s in spans.into_iter().filter(|s| s.level >= 2 && s.level <= 3) {
        let heading = plain(s.heading);
        let claim = skeleton(
            s.level,
            Some(s.slug.to_string()),
            format!("{} › {heading}", d.title),
        );
        if !keep(&claim) {
            continue;
        }
        // Section texts are collapsed already: skip collapsing them again.
        let text = plain(&html[s.body]);
        let first = sentences(&text, 240);
        out.push(Claim {
            summary: format!("{}, “{heading}”: {first}", d.title),
            text,
            ..claim
        });
    }
}

fn system(site: &Site, ed: usize, id: &str, name: &str, s: &SystemCard) -> Claim {
    let purpose = site
        .field_html(Kind::System, id, "purpose", ed)
        .map(|r| collapse(&r.text))
        .unwrap_or_default();
    let tier = tier_name(s.risk_tier);
    let mut text = format!(
        "{} {purpose} domain {} decision {} affected {} oversight {} {} risk tier {tier} lifecycle {}",
        s.summary.as_deref().unwrap_or(""),
        s.usage.domain,
        s.usage.decision,
        s.usage.affected.join(", "),
        s.oversight.mode.as_str().replace('-', " "),
        s.oversight.rationale.as_deref().unwrap_or(""),
        s.lifecycle,
    );
    for m in &s.models {
        text.push_str(&format!(" model {}", m.name));
        // A supplier hidden from this edition is not named, even by id.
        if let Some(sup) = m
            .supplier
            .as_deref()
            .filter(|x| site.visible(Kind::Supplier, x, ed))
        {
            text.push_str(&format!(
                " {}",
                site.title(Kind::Supplier, sup).unwrap_or(sup)
            ));
        }
    }
    for d in &s.data {
        for t in [
            Some(&d.name),
            d.source.as_ref(),
            d.basis.as_ref(),
            d.known_gaps.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            text.push_str(&format!(" {t}"));
        }
    }
    let summary = format!(
        "{name} ({tier} risk, {}): {}",
        s.oversight.mode,
        one_line(s.summary.as_deref().unwrap_or(&purpose), 240)
    );
    Claim {
        kind: Kind::System,
        id: id.to_string(),
        anchor: None,
        level: 0,
        title: name.to_string(),
        status: Some(tier.to_string()),
        text: collapse(&text),
        summary,
        matches: Vec::new(),
        href: None,
    }
}

fn tier_name(t: Tier) -> &'static str {
    t.as_str()
}

/// A run of a document between two headings, as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading level; 0 for the text before the first heading below `#`.
    pub level: u8,
    pub slug: String,
    pub heading: String,
    /// The section's text up to the next heading of the same or a higher
    /// level (so a `##` section includes its `###` subsections).
    pub text: String,
}

/// Splits rendered HTML at its `<hN id="...">` headings. The `#` title heading
/// counts as part of the introduction (level 0). The reference for
/// [`sections`](super::sections::sections): the same headings, the text by
/// stripping tags and collapsing spaces in separate passes.
pub fn split_sections(html: &str) -> Vec<Section> {
    super::sections::sections_with(html, u8::MAX, |h| collapse(&strip_tags(h)))
}

/// Plain text of an HTML fragment: tags removed, common entities decoded.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    // Most text has no entity: skip seven copies of it.
    if !out.contains('&') {
        return out;
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Whitespace runs become single spaces; no space before punctuation that
/// the renderer separated from its word.
pub fn collapse(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(joined.len());
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' && matches!(chars.peek(), Some('.' | ',' | ';' | ':' | ')' | '!' | '?')) {
            continue;
        }
        out.push(c);
    }
    out
}

/// The first sentence(s) of `s`, up to about `max` characters.
pub fn first_sentences(s: &str, max: usize) -> String {
    sentences(&collapse(s), max)
}

/// [`first_sentences`] of text that is [`collapse`]d already (collapsing is
/// idempotent, so the result is the same).
fn sentences(s: &str, max: usize) -> String {
    let mut end = 0;
    for (i, _) in s.match_indices(". ") {
        if i + 1 > max {
            break;
        }
        end = i + 1;
        if end >= 60 {
            break;
        }
    }
    if end == 0 {
        return line(s, max);
    }
    s[..end].to_string()
}

/// `s` on one line, cut at a word boundary near `max` characters.
pub fn one_line(s: &str, max: usize) -> String {
    line(&collapse(s), max)
}

/// [`one_line`] of text that is [`collapse`]d already.
fn line(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sections_with_subsections_inside_their_parent() {
        let html = "<h1 id=\"t\">Title</h1><p>Intro.</p><h2 id=\"a\">A</h2><p>one</p>\
                    <h3 id=\"b\">B</h3><p>two</p><h2 id=\"c\">C &amp; D</h2><p>three</p>";
        let s = split_sections(html);
        assert_eq!(s[0].text, "Title Intro.");
        assert_eq!(s[1].slug, "a");
        assert_eq!(s[1].text, "one B two");
        assert_eq!(s[2].text, "two");
        assert_eq!(s[3].heading, "C & D");
        assert_eq!(s[3].text, "three");
    }

    #[test]
    fn first_sentences_stop_after_a_readable_length() {
        let s = "Short. This is a longer second sentence that goes on. Third one.";
        assert_eq!(
            first_sentences(s, 240),
            "Short. This is a longer second sentence that goes on."
        );
        assert!(one_line(&"word ".repeat(100), 20).ends_with('…'));
    }
}
