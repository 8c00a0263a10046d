//! Syntax highlighting of fenced code: one flat `<span class="tok-X">` per run
//! of tokens of one kind (comment, keyword, string …), and the stylesheet
//! (`/static/code.css`) that colours those kinds.
//!
//! Why not syntect's classed HTML: it writes one nested span per scope of
//! the grammar (`<span class="hl-meta hl-struct hl-rust">`), and the theme
//! only ever coloured seven kinds of token. Those spans were 45% of a
//! code-heavy page's tags and bytes, which every edition post-processed,
//! scanned and wrote. The kinds are now decided here, once, with syntect's
//! own scope-selector matching (a small theme whose "colours" are the kind
//! numbers), so a token gets the kind the most specific selector gives it,
//! as a TextMate theme would colour it.

use sha2::Digest as _;
use std::str::FromStr;
use std::sync::OnceLock;
use syntect::easy::HighlightLines;
use syntect::highlighting::{
    Color, ScopeSelectors, StyleModifier, Theme, ThemeItem, ThemeSettings,
};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::store::HighlightStore;
use super::{escape, CLASS_PREFIX};

/// A kind of token: its class (after [`CLASS_PREFIX`]), the scope selectors
/// that give it (TextMate syntax: a prefix of a scope's atoms, the most
/// specific match wins), the theme variable that colours it and that
/// variable's light and dark defaults (the default theme's palette, for a
/// theme that does not define the variable).
pub struct TokenKind {
    /// The class after [`CLASS_PREFIX`] (`k` for `tok-k`).
    pub class: &'static str,
    /// TextMate scope selectors, comma-separated.
    pub selectors: &'static str,
    /// The theme's colour variable (`--code-keyword`).
    pub var: &'static str,
    /// The colour when the theme does not set `var`, light scheme.
    pub light: &'static str,
    /// The same, dark scheme.
    pub dark: &'static str,
    /// Shown in italics (comments).
    pub italic: bool,
}

/// Every kind a code block can show, in the order of their kind numbers
/// (kind 0, plain text, has no span). The defaults keep each kind at 4.5:1
/// or more on the default theme's code background, light and dark.
pub const TOKEN_KINDS: &[TokenKind] = &[
    TokenKind {
        class: "c",
        selectors: "comment, punctuation.definition.comment",
        var: "--code-comment",
        light: "#57606a",
        dark: "#8b949e",
        italic: true,
    },
    TokenKind {
        class: "k",
        selectors: "keyword, storage",
        var: "--code-keyword",
        light: "#b31d28",
        dark: "#ff7b72",
        italic: false,
    },
    TokenKind {
        class: "s",
        selectors: "string, markup.raw, punctuation.definition.string, storage.type.string",
        var: "--code-string",
        light: "#0a3069",
        dark: "#a5d6ff",
        italic: false,
    },
    TokenKind {
        class: "n",
        selectors: "constant, support, variable.other.constant, entity.other.attribute-name, markup.heading",
        var: "--code-constant",
        light: "#0550ae",
        dark: "#79c0ff",
        italic: false,
    },
    TokenKind {
        class: "e",
        selectors: "entity",
        var: "--code-entity",
        light: "#6639ba",
        dark: "#d2a8ff",
        italic: false,
    },
    TokenKind {
        class: "t",
        selectors: "entity.name.tag, markup.inserted",
        var: "--code-tag",
        light: "#116329",
        dark: "#7ee787",
        italic: false,
    },
    TokenKind {
        class: "d",
        selectors: "invalid, markup.deleted",
        var: "--code-deleted",
        light: "#82071e",
        dark: "#ffa198",
        italic: false,
    },
];

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The theme whose foreground "colour" `r` is a kind number (0 = plain).
fn kinds_theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        let kind = |n: usize| Color {
            r: n as u8,
            g: 0,
            b: 0,
            a: 255,
        };
        let scopes = TOKEN_KINDS
            .iter()
            .enumerate()
            .map(|(i, k)| ThemeItem {
                // The selectors are constants of this file; a test parses them all.
                scope: ScopeSelectors::from_str(k.selectors).unwrap_or_default(),
                style: StyleModifier {
                    foreground: Some(kind(i + 1)),
                    background: None,
                    font_style: None,
                },
            })
            .collect();
        Theme {
            settings: ThemeSettings {
                foreground: Some(kind(0)),
                ..ThemeSettings::default()
            },
            scopes,
            ..Theme::default()
        }
    })
}

/// Appends `text` to `out` as kind `kind`, continuing the open span when the
/// kind is the same (runs of one kind become one span).
fn push_run(out: &mut String, open: &mut usize, kind: usize, text: &str) {
    if text.is_empty() {
        return;
    }
    if kind != *open {
        if *open != 0 {
            out.push_str("</span>");
        }
        if kind != 0 {
            out.push_str("<span class=\"");
            out.push_str(CLASS_PREFIX);
            out.push_str(TOKEN_KINDS[kind - 1].class);
            out.push_str("\">");
        }
        *open = kind;
    }
    out.push_str(&escape(text));
}

/// Runs of one token kind covering a code block, in order: the kind's number
/// (0 plain, else 1 + its index in [`TOKEN_KINDS`]) and the run's length in
/// bytes. What the store keeps: the HTML is always made from the code itself.
pub type Runs = Vec<(u8, u32)>;

/// The code's runs, or `None` when the grammar fails on it (the caller then
/// shows it escaped and uncoloured). Adjacent runs of one kind are one run.
fn runs_of(syntax: &syntect::parsing::SyntaxReference, code: &str) -> Option<Runs> {
    let set = syntaxes();
    let mut lines = HighlightLines::new(syntax, kinds_theme());
    let mut runs: Runs = Vec::new();
    for line in LinesWithEndings::from(code) {
        for (style, text) in lines.highlight_line(line, set).ok()? {
            let kind = u8::try_from(usize::from(style.foreground.r).min(TOKEN_KINDS.len())).ok()?;
            let len = u32::try_from(text.len()).ok()?;
            match runs.last_mut() {
                Some((k, l)) if *k == kind => *l = l.checked_add(len)?,
                _ if len == 0 => {}
                _ => runs.push((kind, len)),
            }
        }
    }
    Some(runs)
}

/// The code's HTML with flat kind spans, made from `runs`; `None` unless the
/// runs cover exactly the code, each ending on a character boundary, each
/// of a known kind. Only colours can depend on the runs: the text is the
/// code's own, escaped here.
pub fn html_of_runs(code: &str, runs: &[(u8, u32)]) -> Option<String> {
    let mut out = String::with_capacity(code.len() * 3 / 2);
    let (mut open, mut at) = (0usize, 0usize);
    for &(kind, len) in runs {
        let kind = usize::from(kind);
        let end = at.checked_add(len as usize)?;
        if kind > TOKEN_KINDS.len() {
            return None;
        }
        push_run(&mut out, &mut open, kind, code.get(at..end)?);
        at = end;
    }
    if at != code.len() {
        return None;
    }
    if open != 0 {
        out.push_str("</span>");
    }
    Some(out)
}

/// Highlights a fenced block, taking its runs from `store` (what an earlier
/// build found, checked to cover this code) when it holds them. A build
/// parses each document once, and `vouch serve` keeps parsed documents in
/// its content-hash cache, so within one process nothing is highlighted
/// twice either way.
pub(super) fn highlight(lang: &str, code: &str, store: Option<&HighlightStore>) -> String {
    let set = syntaxes();
    let token = lang.split([' ', ',', '{']).next().unwrap_or("");
    let inner = set
        .find_syntax_by_token(token)
        .filter(|_| !token.is_empty())
        .and_then(|syntax| {
            let runs = match store {
                Some(s) => s.get(token, code).or_else(|| {
                    let runs = runs_of(syntax, code)?;
                    s.record(token, code, &runs);
                    Some(runs)
                }),
                None => runs_of(syntax, code),
            }?;
            html_of_runs(code, &runs)
        })
        .unwrap_or_else(|| escape(code));
    let class = if token.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(token))
    };
    format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{inner}</code></pre>\n")
}

/// The grammars this binary highlights with, for the store's fingerprint:
/// a store written with other grammars is not read.
pub(super) fn grammars_fingerprint() -> String {
    let set = syntaxes();
    let mut h = sha2::Sha256::new();
    for s in set.syntaxes() {
        sha2::Digest::update(&mut h, s.name.as_bytes());
        sha2::Digest::update(&mut h, [0]);
        sha2::Digest::update(&mut h, s.scope.build_string().as_bytes());
        sha2::Digest::update(&mut h, [0]);
    }
    let d = sha2::Digest::finalize(h);
    let hex: String = d.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("{} grammars {hex}", set.syntaxes().len())
}

/// `/static/code.css`: one rule per kind, coloured by the theme's variable
/// (with the default palette when a theme does not define it), light and
/// dark. A theme recolours code by setting the variables in its
/// `style.css`, or with its own `pre.code .tok-k { … }` rules (a bare
/// `.tok-k` loses to this file, which loads after `style.css`).
pub fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| {
        let rules = |dark: bool| {
            let mut s = String::new();
            for k in TOKEN_KINDS {
                let fallback = if dark { k.dark } else { k.light };
                let style = if k.italic { " font-style: italic;" } else { "" };
                s.push_str(&format!(
                    ".{CLASS_PREFIX}{} {{ color: var({}, {fallback});{style} }}\n",
                    k.class, k.var
                ));
            }
            s
        };
        let names: Vec<String> = TOKEN_KINDS
            .iter()
            .map(|k| format!("{CLASS_PREFIX}{} {}", k.class, k.var.trim_start_matches("--code-")))
            .collect();
        format!(
            "/* Generated by vouch: one class per kind of token in fenced code ({}). */\n{}@media (prefers-color-scheme: dark) {{\n{}}}\n",
            names.join(", "),
            rules(false),
            rules(true)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::highlighting::ScopeSelectors;

    #[test]
    fn every_kind_selector_parses() {
        for k in TOKEN_KINDS {
            let s = ScopeSelectors::from_str(k.selectors).unwrap();
            assert!(!s.selectors.is_empty(), "{}", k.selectors);
        }
    }

    fn kinds_of(html: &str) -> Vec<(String, String)> {
        // (class, text) of every span, in order.
        let mut out = Vec::new();
        let mut rest = html;
        let open = format!("<span class=\"{CLASS_PREFIX}");
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let q = after.find('"').unwrap();
            let body = &after[q + 2..];
            let end = body.find("</span>").unwrap();
            assert!(!body[..end].contains("<span"), "nested span: {html}");
            out.push((after[..q].to_string(), body[..end].to_string()));
            rest = &body[end..];
        }
        out
    }

    #[test]
    fn tokens_get_one_flat_span_of_their_kind() {
        let code = "// note\nfn main() {\n    let s = \"hi\";\n    let n = 42;\n}\n";
        let html = highlight("rust", code, None);
        let kinds = kinds_of(&html);
        let has =
            |class: &str, text: &str| kinds.iter().any(|(c, t)| c == class && t.contains(text));
        assert!(has("c", "// note"), "{html}");
        assert!(has("k", "fn") && has("k", "let"), "{html}");
        assert!(has("s", "hi"), "{html}");
        assert!(has("n", "42"), "{html}");
        assert!(has("e", "main"), "{html}");
        assert!(
            kinds
                .iter()
                .all(|(c, _)| TOKEN_KINDS.iter().any(|k| k.class == c)),
            "only the kinds' classes, no scope classes: {html}"
        );
        assert!(!html.contains("-meta"), "{html}");
    }

    #[test]
    fn text_survives_highlighting_byte_for_byte() {
        let code = "key: \"<b>&amp;\" # c\nlist:\n  - 1\n  - 'x'\n";
        let html = highlight("yaml", code, None);
        let mut text = String::new();
        let mut rest = html.split_once("<code class=\"language-yaml\">").unwrap().1;
        rest = rest.split_once("</code>").unwrap().0;
        let mut in_tag = false;
        for c in rest.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        assert_eq!(text, code);
    }

    #[test]
    fn the_stylesheet_colours_every_kind_light_and_dark() {
        let css = stylesheet();
        for k in TOKEN_KINDS {
            let rule = format!(".{CLASS_PREFIX}{} {{ color: var({}, ", k.class, k.var);
            assert_eq!(css.matches(&rule).count(), 2, "{css}");
        }
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
    }
}
