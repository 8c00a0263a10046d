//! Explains a YAML syntax error like a compiler would: the position moved to
//! where the mistake is (an unclosed quote at its opening quote, a bad indent
//! at the line that broke the structure) and a hint for the common slips.
//!
//! The parser stops where it noticed the problem, which is often a line or
//! more after the mistake; the slips below are the ones people make most
//! (from the YAML 1.2 spec's pitfalls and the questions asked most about
//! YAML errors), each recognised from the parser's message and the text.

use super::tree::RawError;
use super::YamlError;

/// One line of the text, 1-based, without its line break.
fn line_at(text: &str, line: usize) -> &str {
    text.lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// 1-based char column of a byte offset in a line.
fn col_of(line: &str, byte: usize) -> usize {
    line.get(..byte).map(|s| s.chars().count()).unwrap_or(0) + 1
}

/// Byte offset of a 1-based char column.
fn byte_of(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line.len())
}

/// The nearest non-blank line before `line` (1-based), with its number.
fn previous(text: &str, line: usize) -> Option<(usize, &str)> {
    (1..line)
        .rev()
        .map(|i| (i, line_at(text, i)))
        .find(|(_, l)| !blank(l))
}

/// `key` of a `key: value` or `- key: value` line.
fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let (k, _) = t.split_once(':')?;
    (!k.is_empty() && !k.contains(' ')).then_some(k)
}

/// Where the value of a `key: value` line starts (byte offset), if it has one.
fn value_start(line: &str) -> Option<usize> {
    let t = line.trim_start().trim_start_matches("- ");
    let base = line.len() - t.len();
    let sep = t.find(": ")?;
    let rest = &t[sep + 2..];
    let v = rest.len() - rest.trim_start().len();
    Some(base + sep + 2 + v).filter(|&i| i < line.len())
}

struct Found {
    message: String,
    line: usize,
    column: usize,
    help: String,
}

/// Turns a parser error into a located, explained [`YamlError`].
pub(super) fn explain(text: &str, e: &RawError) -> YamlError {
    let slips: [fn(&str, &RawError) -> Option<Found>; 8] = [
        tab,
        duplicate_key,
        unclosed_quote,
        no_space_after_colon,
        colon_in_value,
        unclosed_bracket,
        reserved_start,
        indentation,
    ];
    match slips.iter().find_map(|slip| slip(text, e)) {
        Some(f) => YamlError {
            message: f.message,
            line: f.line,
            column: f.column,
            help: Some(f.help),
            field: None,
        },
        None => e.plain(),
    }
}

/// A tab in the indentation of the line the parser stopped on (or above).
fn tab(text: &str, e: &RawError) -> Option<Found> {
    let line = (1..=e.line).rev().find(|&i| {
        let l = line_at(text, i);
        l[..l.len() - l.trim_start().len()].contains('\t')
    })?;
    if !e.info.contains("tab") && line != e.line {
        return None;
    }
    let l = line_at(text, line);
    Some(Found {
        message: "a tab indents this line; YAML indents with spaces only".into(),
        line,
        column: col_of(l, l.find('\t')?),
        help: "replace the tab with spaces, as many as the lines around it use".into(),
    })
}

fn duplicate_key(_: &str, e: &RawError) -> Option<Found> {
    let key = e.info.strip_prefix("duplicate key `")?.split('`').next()?;
    Some(Found {
        message: e.info.clone(),
        line: e.line,
        column: e.column,
        help: format!("keep one `{key}:` and delete the other; a key appears once per entry"),
    })
}

/// An unclosed (or badly continued) quoted value: reported at its opening quote.
fn unclosed_quote(text: &str, e: &RawError) -> Option<Found> {
    let trailing = e.info.contains("trailing content after");
    if !e.info.contains("quoted scalar") {
        return None;
    }
    let l = line_at(text, e.line);
    let at = byte_of(l, e.column);
    if trailing {
        let q = l[..at].rfind(['"', '\''])?;
        let open = l[..q].rfind(l[q..].chars().next()?).unwrap_or(q);
        return Some(Found {
            message: "text follows the closing quote of this value".into(),
            line: e.line,
            column: col_of(l, open),
            help: "a quote inside a value ends it: quote the whole value with the other \
                   kind of quote (`'he said \"hi\"'`), or write an inner `\"` as `\\\"`"
                .into(),
        });
    }
    let (line, at) = if l[at..].starts_with(['"', '\'']) {
        (e.line, at)
    } else {
        // Scan back to the last line holding an odd number of quotes.
        (1..=e.line).rev().find_map(|i| {
            let t = line_at(text, i);
            let q = t.rfind('"').filter(|_| t.matches('"').count() % 2 == 1)?;
            Some((i, q))
        })?
    };
    let l = line_at(text, line);
    let quote = &l[at..at + 1];
    Some(Found {
        message: format!(
            "the quoted value that starts here is not closed on its line (no closing `{quote}`)"
        ),
        line,
        column: col_of(l, at),
        help: format!(
            "end the value with `{quote}` on the same line; to write `{quote}` inside the value, \
             quote it with the other kind of quote"
        ),
    })
}

/// `title:Policy`: without a space the colon does not separate key and value.
fn no_space_after_colon(text: &str, e: &RawError) -> Option<Found> {
    let candidates = [e.line, previous(text, e.line).map(|p| p.0).unwrap_or(0)];
    candidates.into_iter().find_map(|i| {
        let l = line_at(text, i);
        let t = l.trim_start().trim_start_matches("- ");
        let colon = t.find(':')?;
        let key = &t[..colon];
        let after = t[colon + 1..].chars().next()?;
        let plain_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !plain_key || after == ' ' || after == ':' || t[colon..].contains(": ") {
            return None;
        }
        if t[colon + 1..].starts_with("//") {
            return None; // a URL, not a key
        }
        let at = l.len() - t.len() + colon;
        Some(Found {
            message: format!(
                "no space after the colon, so `{}` reads as one word",
                t.trim_end()
            ),
            line: i,
            column: col_of(l, at),
            help: format!(
                "put a space after the colon: `{key}: {}`",
                t[colon + 1..].trim_end()
            ),
        })
    })
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.trim_end().replace('"', "\\\""))
}

/// `summary: Extracts: supplier terms`: a second `: ` inside a plain value.
fn colon_in_value(text: &str, e: &RawError) -> Option<Found> {
    if !e.info.contains("mapping values are not allowed") {
        return None;
    }
    let l = line_at(text, e.line);
    let at = byte_of(l, e.column);
    let v = value_start(l).filter(|&v| v < at)?;
    let key = key_of(l)?;
    Some(Found {
        message: "`: ` inside a value: YAML reads it as the start of another key".into(),
        line: e.line,
        column: col_of(l, at),
        help: format!("quote the value: `{key}: {}`", quoted(&l[v..])),
    })
}

/// A flow list or mapping opened with `[` or `{` and never closed.
fn unclosed_bracket(text: &str, e: &RawError) -> Option<Found> {
    if e.info.contains("quoted") {
        return None;
    }
    // An open `[` swallows the lines after it until a `key:` trips the
    // parser, which happens within a line or two.
    for i in (e.line.saturating_sub(4).max(1)..=e.line).rev() {
        let l = line_at(text, i);
        let Some(v) = value_start(l).or_else(|| {
            let t = l.trim_start();
            t.strip_prefix("- ").map(|r| l.len() - r.len())
        }) else {
            continue;
        };
        let open = l[v..].chars().next()?;
        if open != '[' && open != '{' {
            continue;
        }
        let close = if open == '[' { ']' } else { '}' };
        let depth = l[v..].matches(open).count() as i64 - l[v..].matches(close).count() as i64;
        let key = key_of(l).unwrap_or("");
        if depth > 0 {
            return Some(Found {
                message: format!("this `{open}` is never closed"),
                line: i,
                column: col_of(l, v),
                help: format!(
                    "close it on the same line: `{key}: {}{close}`",
                    l[v..].trim_end()
                ),
            });
        }
        let after = l[v..].rfind(close).map(|c| l[v + c + 1..].trim());
        if i == e.line && after.is_some_and(|a| !a.is_empty() && !a.starts_with('#')) {
            return Some(Found {
                message: format!("a value that starts with `{open}` is read as a list or mapping, and text follows it"),
                line: i,
                column: col_of(l, v),
                help: format!("quote the whole value: `{key}: {}`", quoted(&l[v..])),
            });
        }
        return None;
    }
    None
}

/// A plain value starting with a character YAML reserves (`@`, `` ` ``, `*`...).
fn reserved_start(text: &str, e: &RawError) -> Option<Found> {
    let l = line_at(text, e.line);
    let at = byte_of(l, e.column);
    let c = l[at..].chars().next()?;
    let known = e.info.contains("unexpected character")
        || e.info.contains("unknown anchor")
        || e.info.contains("cannot start any token");
    if !known || !"@`*&!%|>".contains(c) {
        return None;
    }
    let key = key_of(l).unwrap_or("key");
    let meaning = match c {
        '*' => "starts an alias (a reference to an `&anchor`)",
        '&' => "starts an anchor",
        '!' => "starts a tag",
        _ => "is reserved",
    };
    Some(Found {
        message: format!("`{c}` {meaning} in YAML, so it cannot start a plain value"),
        line: e.line,
        column: col_of(l, at),
        help: format!("quote the value: `{key}: {}`", quoted(&l[at..])),
    })
}

/// Indentation that matches neither the entry above nor its parent.
fn indentation(text: &str, e: &RawError) -> Option<Found> {
    let structural = e.info.contains("did not find expected")
        || e.info.contains("mapping values are not allowed")
        || e.info.contains("block mapping")
        || e.info.contains("block collection");
    if !structural {
        return None;
    }
    let l = line_at(text, e.line);
    if blank(l) {
        return None;
    }
    let here = indent(l);
    let (pline, p) = previous(text, e.line)?;
    let first = here + 1;
    let word = key_of(l)
        .map(|k| format!("`{k}:`"))
        .unwrap_or("this line".into());
    let trimmed = l.trim_start();
    if trimmed.starts_with('-') && !trimmed.starts_with("- ") && trimmed != "-" {
        return Some(Found {
            message: "a list item needs a space after `-`".into(),
            line: e.line,
            column: first,
            help: format!("write `- {}`", &trimmed[1..]),
        });
    }
    let above = key_of(p)
        .map(|k| format!("`{k}:`"))
        .unwrap_or(format!("line {pline}"));
    let (message, help) = if here > indent(p) {
        (
            format!("{word} is indented deeper than {above} on line {pline}, so YAML reads it as part of that value"),
            format!("indent {word} by {} spaces, like {above}", indent(p)),
        )
    } else {
        let outer = (1..pline)
            .rev()
            .map(|i| line_at(text, i))
            .find(|x| !blank(x) && indent(x) < here)
            .map(indent)
            .unwrap_or(0);
        (
            format!(
                "{word} is indented {here} space{}, which matches no entry above it",
                if here == 1 { "" } else { "s" }
            ),
            format!(
                "indent it {} spaces to continue the entry of line {pline}, or {outer} to start a new one",
                indent(p)
            ),
        )
    };
    Some(Found {
        message,
        line: e.line,
        column: first,
        help,
    })
}
