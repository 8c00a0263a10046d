//! Code blocks and passage markers: where pulldown-cmark puts code, and the
//! rules that find a `:::` marker misplaced where it stands (in a code block
//! the author did not mean, or misspelt outside code). `mark_passages` in the
//! parent module reads each line through [`CodeScan`].

use super::super::{options, BlockError};
use super::{has_marker, lookalike_marker, marker_kind, miscounted_marker};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use std::ops::Range;

/// A code block pulldown-cmark finds: its byte range (fences included), and
/// whether a fenced one is closed by a fence of its own.
struct CodeBlock {
    range: Range<usize>,
    closed: bool,
    /// Indented (four spaces) rather than fenced.
    indented: bool,
    /// A fence joined to text: its opening line holds a fence too
    /// (`~~~ text ~~~`), or a line of its code holds a run of its fence
    /// (`deletion. ~~~`) that alone would have closed it. A YAML folded
    /// scalar joins lines that way, so the block is not the one the author
    /// wrote: it runs on past their closing fence.
    joined: bool,
}

/// The code blocks pulldown-cmark finds in `text`: `:::` there is code,
/// whatever a line scan would guess.
fn code_blocks(text: &str) -> Vec<CodeBlock> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(ev, r)| match ev {
            Event::Start(Tag::CodeBlock(kind)) => {
                let closed = match kind {
                    CodeBlockKind::Indented => true,
                    CodeBlockKind::Fenced(_) => fence_is_closed(&text[r.clone()]),
                };
                let indented = matches!(kind, CodeBlockKind::Indented);
                let joined = match &kind {
                    CodeBlockKind::Fenced(info) => {
                        info.contains("~~~")
                            || info.contains("```")
                            || fence_in_code(&text[r.clone()], closed)
                    }
                    CodeBlockKind::Indented => false,
                };
                Some(CodeBlock {
                    range: r,
                    closed,
                    indented,
                    joined,
                })
            }
            _ => None,
        })
        .collect()
}

/// The fence character of a fenced block's first line and how many of it
/// open the block.
fn opening_fence(block: &str) -> Option<(char, usize)> {
    let first = block.lines().next().unwrap_or("").trim();
    let ch = first.chars().next().filter(|c| *c == '`' || *c == '~')?;
    Some((ch, first.chars().take_while(|c| *c == ch).count()))
}

/// True when a line of a fenced block's code (its lines between the fences)
/// holds a run of the block's fence character at least as long as its
/// opening fence: a closing fence with text joined to it.
fn fence_in_code(block: &str, closed: bool) -> bool {
    let Some((ch, open)) = opening_fence(block) else {
        return false;
    };
    let fence = ch.to_string().repeat(open);
    let lines: Vec<&str> = block.lines().collect();
    // A closed block ends with its closing fence (blank lines may follow).
    let end = match closed {
        true => lines
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .unwrap_or(0),
        false => lines.len(),
    };
    lines
        .get(1..end)
        .is_some_and(|code| code.iter().any(|l| l.contains(&fence)))
}

/// True when the last line of a fenced block is a closing fence: the same
/// character, at least as long as the opening one, and nothing after it.
fn fence_is_closed(block: &str) -> bool {
    let Some((ch, open)) = opening_fence(block) else {
        return true;
    };
    match block.lines().map(str::trim).rfind(|l| !l.is_empty()) {
        Some(last) if block.lines().count() > 1 => {
            let n = last.chars().take_while(|c| *c == ch).count();
            n >= open && last[n..].trim().is_empty()
        }
        _ => false,
    }
}

/// A closed fence may show passage syntax as code: `:::internal` alone in a
/// block is code, as the parser decides. But a passage whose two ends are
/// each in a code block of its own (opened in one, closed in a later one)
/// is ambiguous: the author may have meant a passage (a list item's fence
/// they thought ran on past an under-indented line, as the leak fuzzer
/// found), and as code its text would reach every edition. So such a pair
/// of lone ends is an error. Fed the closed fenced block (its index) of each
/// line in turn.
#[derive(Default)]
struct ShownPassages {
    /// The fenced block being read, and its opening marker not yet closed.
    block: Option<(usize, Option<(usize, usize)>)>,
    /// The last opening marker a finished block left open.
    lone_open: Option<(usize, usize)>,
}

impl ShownPassages {
    /// Reads line `t` (at `at`), which lies in closed fenced block `fenced`
    /// (or in none); reports a closing marker that ends a passage another
    /// block opened.
    fn line(
        &mut self,
        fenced: Option<usize>,
        t: &str,
        at: usize,
        editions: &[String],
        errors: &mut Vec<BlockError>,
    ) {
        if self.block.is_some_and(|(b, _)| Some(b) != fenced) {
            self.finish();
        }
        let (Some(b), Some(opens)) = (fenced, marker_kind(t, editions)) else {
            return;
        };
        let open = &mut self.block.get_or_insert((b, None)).1;
        match (opens, *open) {
            (true, None) => *open = Some((at, t.len())),
            (false, Some(_)) => *open = None,
            (false, None) => {
                if let Some((o, len)) = self.lone_open.take() {
                    errors.push(lone_end(o, len));
                    errors.push(lone_end(at, t.len()));
                }
            }
            (true, Some(_)) => {}
        }
    }

    /// The block has ended: an opening marker still open waits for a lone
    /// closing one in a later block.
    fn finish(&mut self) {
        if let Some((_, Some(open))) = self.block.take() {
            self.lone_open = Some(open);
        }
    }
}

fn lone_end(offset: usize, len: usize) -> BlockError {
    BlockError::Misplaced {
        offset,
        len,
        place: "a code block holding one end of a passage whose other end is in another code block (show `:::edition` and its `:::` in one block, or move the passage out of the code)",
    }
}

/// True when the part of the line `start..start + len` that lies inside an
/// indented code block reads as a passage marker (the block may start
/// mid-line, after a quote's `>`). `code` starts at the first block that
/// does not end before the line.
fn indented_code_holds_marker(
    code: &[CodeBlock],
    text: &str,
    start: usize,
    len: usize,
    editions: &[String],
) -> bool {
    let end = start + len;
    code.iter()
        .take_while(|c| c.range.start < end)
        .filter(|c| c.indented && c.range.end > start)
        .any(|c| {
            let part = text.get(c.range.start.max(start)..c.range.end.min(end));
            part.is_some_and(|p| has_marker(p, editions))
        })
}

/// The code blocks of a text read line by line, and the rules that find a
/// marker misplaced where it stands (in code, or misspelt outside it).
pub(super) struct CodeScan<'a> {
    text: &'a str,
    code: Vec<CodeBlock>,
    /// The block the scan has reached.
    ci: usize,
    /// A fence its container left open (a list item ended by an
    /// under-indented line, say) puts the fences after it out of step with
    /// the author's: what they wrote as a closing fence opens a block, and
    /// their prose and passages fall into code.
    out_of_step: bool,
    shown: ShownPassages,
}

/// What [`CodeScan::line`] found of a line.
pub(super) struct Scanned {
    pub in_code: bool,
    /// Reported as a marker written with look-alike colons.
    pub lookalike: bool,
}

impl<'a> CodeScan<'a> {
    pub fn new(text: &'a str) -> Self {
        // Without `:::` there is nothing to mark: skip the extra parse.
        let code = if text.contains(":::") {
            code_blocks(text)
        } else {
            Vec::new()
        };
        CodeScan {
            text,
            code,
            ci: 0,
            out_of_step: false,
            shown: ShownPassages::default(),
        }
    }

    /// Reads the line `body` (its end of line trimmed) at `start`, pushing an
    /// error for each rule that finds a marker in it misplaced.
    pub fn line(
        &mut self,
        start: usize,
        body: &str,
        editions: &[String],
        errors: &mut Vec<BlockError>,
    ) -> Scanned {
        let t = body.trim();
        let at = start + body.len() - body.trim_start().len();
        while let Some(c) = self.code.get(self.ci).filter(|c| c.range.end <= at) {
            self.out_of_step |= !c.closed;
            self.ci += 1;
        }
        let ci = self.ci;
        let block = self.code.get(ci).filter(|c| c.range.start <= at);
        let in_code = block.is_some();
        let fenced = block.filter(|c| c.closed && !c.indented).map(|_| ci);
        self.shown.line(fenced, t, at, editions, errors);
        // This line's marker, misplaced in `place`.
        let here = |place| BlockError::Misplaced {
            offset: at,
            len: t.len(),
            place,
        };
        // Only a line in code can hold a marker the checks below report.
        let marker = in_code && has_marker(t, editions);
        // A fence left open runs to the end of its container and would
        // publish a later passage as code: a marker line there is an error.
        if marker && block.is_some_and(|c| !c.closed) {
            errors.push(here("a code block whose fence is never closed"));
        }
        // A fence joined to text on one line was joined by YAML folding:
        // the author's passage may lie in the code that runs on after it.
        if marker && block.is_some_and(|c| c.joined) {
            errors.push(here("a code block whose fence is joined to text on one line (a YAML folded scalar `>` joins lines; use a literal one, `|`)"));
        }
        if marker && self.out_of_step && fenced.is_some() {
            errors.push(here("a code block after a fence that its container left open (the fences no longer pair as written: close every fence inside its list item or quote)"));
        }
        // An indented code block is where a passage lands by accident: YAML
        // folding joins `>     code` and `> :::customer` into one line of
        // code, and indentation alone makes a passage code. Published as
        // code, its text would reach every edition; a fenced block is the
        // way to show `:::` as code.
        if indented_code_holds_marker(&self.code[ci..], self.text, start, body.len(), editions) {
            errors.push(here(
                "an indented code block (to show `:::` as code, use a fenced block)",
            ));
        }
        // `::name` or `::::` is a marker with a slip of the finger: as text
        // it would publish the passage, so it is an error.
        if !in_code && miscounted_marker(t, editions) {
            errors.push(here(
                "a marker with the wrong number of colons (write `:::name` and `:::`)",
            ));
        }
        let lookalike = !in_code && lookalike_marker(t, editions);
        if lookalike {
            errors.push(here(
                "a marker written with look-alike colons (type `:::` with ASCII colons)",
            ));
        }
        Scanned { in_code, lookalike }
    }
}
