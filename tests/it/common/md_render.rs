//! Writes a [`Case`] of the Markdown grammar out as project files, handing
//! out canaries as it goes (see `md_grammar`).

use super::md_grammar::{
    Block, Canary, Case, Close, Fence, Html, Inline, Marker, Style, Target, Text, EDITIONS, WORDS,
};

/// A change to the minimal fixture, relative to the project root.
#[derive(Debug, Clone)]
pub enum Write {
    /// Creates the file with this content.
    File(String, String),
    /// Appends to the file.
    Append(String, String),
    /// Replaces the first `from` in the file with `to`.
    Edit(String, String, String),
}

/// A case written out: the changes to make and every canary in them.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub writes: Vec<Write>,
    pub canaries: Vec<Canary>,
}

/// What encloses a block while it is written.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    /// Highest level of the passages around it and of its entity.
    level: u8,
    /// Presence can be asserted: top level or a well-formed top-level passage.
    plain: bool,
    /// Inside code, where `:::` lines are text and raise no level.
    literal: bool,
    /// The fence characters of the code blocks around it.
    fences: (bool, bool),
    in_passage: bool,
}

/// Where a block list ends, which decides what may stay unclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Something of the same text follows (a passage closer, an HTML tag).
    Inside,
    /// A list item or blockquote: CommonMark closes an open fence with it.
    Container,
    /// The end of the text.
    Text,
}

struct Writer<'a> {
    salt: &'a str,
    canaries: Vec<Canary>,
    refs: usize,
    notes: usize,
}

impl Writer<'_> {
    /// A fresh canary of the context's level, with its neighbour words.
    fn canary(&mut self, ctx: Ctx) -> (String, &'static str, &'static str) {
        let n = self.canaries.len();
        let code: String = [n / 676, n / 26, n]
            .iter()
            .map(|d| char::from(b'a' + (d % 26) as u8))
            .collect();
        let token = format!("zqx{code}{}", self.salt);
        let words = (
            WORDS[(n * 5 + 1) % WORDS.len()],
            WORDS[(n * 7 + 4) % WORDS.len()],
        );
        self.canaries.push(Canary {
            token: token.clone(),
            level: ctx.level,
            present: ctx.plain,
            words,
        });
        (token, words.0, words.1)
    }

    fn inline(&mut self, i: Inline, ctx: Ctx) -> String {
        let (c, a, b) = self.canary(ctx);
        match i {
            Inline::Plain => format!("{a} {c} {b}."),
            Inline::Emphasis => format!("*{a} {c}* {b}."),
            Inline::LinkText => format!("[{a} {c}](https://example.com/{b}) {b}."),
            Inline::LinkUrl => format!("{a} [{b}](https://example.com/{c})."),
            Inline::Code => format!("{a} `{c}` {b}."),
            Inline::Reference => format!("{a} [{b} {c}](control:A.2.2)."),
        }
    }

    fn blocks(&mut self, blocks: &[Block], ctx: Ctx, end: End) -> Vec<String> {
        let mut out = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            if i > 0 {
                out.push(String::new());
            }
            let end = if i + 1 == blocks.len() {
                end
            } else {
                End::Inside
            };
            // A fence indented two or more spaces right after a list would
            // belong to its last item (CommonMark), not follow it as the
            // tree says; one space keeps it outside.
            let prev = i.checked_sub(1).map(|j| &blocks[j]);
            if let (Some(Block::List(..)), Block::Fenced(f, inner)) = (prev, b) {
                let f = Fence {
                    indent: f.indent.min(1),
                    ..*f
                };
                out.extend(self.block(&Block::Fenced(f, inner.clone()), ctx, end));
                continue;
            }
            out.extend(self.block(b, ctx, end));
        }
        out
    }

    fn block(&mut self, b: &Block, ctx: Ctx, end: End) -> Vec<String> {
        let nested = Ctx {
            plain: false,
            ..ctx
        };
        match b {
            Block::Para(i) => vec![self.inline(*i, ctx)],
            Block::Heading(l, i) => vec![format!(
                "{} {}",
                "#".repeat(*l as usize),
                self.inline(*i, ctx)
            )],
            Block::RefDef => {
                let n = self.refs;
                self.refs += 1;
                let (c, a, _) = self.canary(nested);
                let (t, _, _) = self.canary(nested);
                vec![format!("[r{n}]: https://example.com/{c} \"{a} {t}\"")]
            }
            Block::FootDef => {
                let n = self.notes;
                self.notes += 1;
                vec![format!("[^f{n}]: {}", self.inline(Inline::Plain, nested))]
            }
            Block::Table(hidden) => self.table(*hidden, ctx),
            Block::List(ordered, items) => {
                let mut out = Vec::new();
                for item in items {
                    let (first, rest) = if *ordered {
                        ("1. ", "   ")
                    } else {
                        ("- ", "  ")
                    };
                    let lines = self.blocks(item, nested, End::Container);
                    out.extend(prefix(lines, first, rest));
                }
                out
            }
            Block::Quote(inner) => {
                let lines = self.blocks(inner, nested, End::Container);
                lines
                    .into_iter()
                    .map(|l| {
                        if l.is_empty() {
                            ">".into()
                        } else {
                            format!("> {l}")
                        }
                    })
                    .collect()
            }
            Block::Html(kind, inner) => self.html(*kind, inner, nested),
            Block::Fenced(f, inner) => self.fenced(*f, inner, nested, end),
            Block::Indented(inner) => {
                let lines = self.blocks(
                    inner,
                    Ctx {
                        literal: true,
                        ..nested
                    },
                    End::Inside,
                );
                lines
                    .into_iter()
                    .map(|l| if l.is_empty() { l } else { format!("    {l}") })
                    .collect()
            }
            Block::Passage(level, m, pad, closed, body) => {
                let closed = *closed || end != End::Text;
                self.passage((*level, *m, *pad, closed), body, ctx)
            }
        }
    }

    /// A passage (level, opener spelling, padded, closed) around `body`.
    /// Inside code its markers are text and raise no level.
    fn passage(&mut self, p: (u8, Marker, bool, bool), body: &[Block], ctx: Ctx) -> Vec<String> {
        let (level, m, pad, closed) = p;
        let inner = Ctx {
            level: if ctx.literal {
                ctx.level
            } else {
                ctx.level.max(level)
            },
            plain: ctx.plain && m.well_formed() && closed && !ctx.in_passage,
            in_passage: true,
            ..ctx
        };
        let mut out = vec![opener(level, m)];
        if pad {
            out.push(String::new());
        }
        out.extend(self.blocks(body, inner, End::Inside));
        if pad {
            out.push(String::new());
        }
        if closed {
            out.push(closer(m));
        }
        out
    }

    fn table(&mut self, hidden: Option<(u8, Marker)>, ctx: Ctx) -> Vec<String> {
        let ctx = Ctx {
            plain: ctx.plain && hidden.is_none(),
            ..ctx
        };
        let row = |w: &mut Self, ctx: Ctx| {
            let (c, a, _) = w.canary(ctx);
            format!("| {a} {c} | {} |", WORDS[0])
        };
        let mut out = vec![
            format!("| {} | {} |", WORDS[1], WORDS[2]),
            "| --- | --- |".into(),
        ];
        out.push(row(self, ctx));
        if let Some((level, m)) = hidden {
            out.push(opener(level, m));
            let level = if ctx.literal {
                ctx.level
            } else {
                ctx.level.max(level)
            };
            out.push(row(self, Ctx { level, ..ctx }));
            out.push(closer(m));
            out.push(row(self, ctx));
        }
        out
    }

    fn html(&mut self, kind: Html, inner: &[Block], ctx: Ctx) -> Vec<String> {
        let (open, close): (Vec<String>, &str) = match kind {
            Html::Div(true) => (vec!["<div>".into(), String::new()], "</div>"),
            Html::Div(false) => (vec!["<div>".into()], "</div>"),
            Html::Details => {
                let summary = format!("<summary>{}</summary>", self.inline(Inline::Plain, ctx));
                (
                    vec!["<details>".into(), summary, String::new()],
                    "</details>",
                )
            }
            Html::Comment => (vec!["<!--".into()], "-->"),
            Html::Pre => (vec!["<pre>".into()], "</pre>"),
        };
        let mut out = open;
        out.extend(self.blocks(inner, ctx, End::Inside));
        if matches!(kind, Html::Div(true) | Html::Details) {
            out.push(String::new());
        }
        out.push(close.into());
        out
    }

    fn fenced(&mut self, f: Fence, inner: &[Block], ctx: Ctx, end: End) -> Vec<String> {
        // A fence inside a fence of the same character would close it, and
        // the tree would no longer say what CommonMark reads.
        let tilde = match (f.tilde, ctx.fences) {
            (false, (true, _)) => true,
            (true, (_, true)) => false,
            (t, _) => t,
        };
        if ctx.fences == (true, true) {
            return self.blocks(inner, ctx, End::Inside);
        }
        let ch = if tilde { "~" } else { "`" };
        let n = if f.four { 4 } else { 3 };
        let indent = " ".repeat(f.indent as usize);
        let fences = if tilde {
            (ctx.fences.0, true)
        } else {
            (true, ctx.fences.1)
        };
        let body = Ctx {
            literal: true,
            fences,
            ..ctx
        };
        let mut out = vec![format!(
            "{indent}{}{}",
            ch.repeat(n),
            if f.info { "yaml" } else { "" }
        )];
        out.extend(self.blocks(inner, body, End::Inside));
        let open_ok = end != End::Inside;
        match f.close {
            Close::Missing if open_ok => {}
            Close::Shorter if open_ok && n == 4 => out.push(format!("{indent}{}", ch.repeat(3))),
            Close::OtherChar if open_ok => {
                out.push(format!("{indent}{}", if tilde { "```" } else { "~~~" }))
            }
            Close::Longer => out.push(format!("{indent}{}", ch.repeat(n + 1))),
            _ => out.push(format!("{indent}{}", ch.repeat(n))),
        }
        out
    }
}

/// Prefixes the first line with `first` and the others (not blank ones) with `rest`.
fn prefix(lines: Vec<String>, first: &str, rest: &str) -> Vec<String> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| match (i, l.is_empty()) {
            (0, _) => format!("{first}{l}").trim_end().to_string(),
            (_, true) => l,
            _ => format!("{rest}{l}"),
        })
        .collect()
}

fn opener(level: u8, m: Marker) -> String {
    let name = EDITIONS[level as usize];
    match m {
        Marker::Exact => format!(":::{name}"),
        Marker::Spaced => format!("::: {name}"),
        Marker::Indent(n) => format!("{}:::{name}", " ".repeat(n as usize)),
        Marker::Capital => format!(":::{}{}", name[..1].to_uppercase(), &name[1..]),
        Marker::Typo => format!(":::{}{}", &name[..name.len() - 2], &name[name.len() - 1..]),
        Marker::FourColons => format!("::::{name}"),
        Marker::TwoColons => format!("::{name}"),
        Marker::Trailing => format!(":::{name} only"),
        Marker::TrailingSpace => format!(":::{name}  "),
        Marker::Tab => format!("\t:::{name}"),
        Marker::Nbsp => format!("\u{a0}:::{name}"),
        Marker::FullWidth => format!("\u{ff1a}\u{ff1a}\u{ff1a}{name}"),
    }
}

fn closer(m: Marker) -> String {
    match m {
        Marker::Indent(n) => format!("{}:::", " ".repeat(n as usize)),
        Marker::TrailingSpace => "::: ".into(),
        Marker::Tab => "\t:::".into(),
        Marker::Nbsp => "\u{a0}:::".into(),
        Marker::FullWidth => "\u{ff1a}\u{ff1a}\u{ff1a}".into(),
        _ => ":::".into(),
    }
}

/// A YAML block scalar holding `body`, for a key at `indent` spaces.
fn scalar(body: &str, style: Style, indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    let mut s = String::from(if style == Style::Literal {
        "|2\n"
    } else {
        ">2\n"
    });
    for l in body.lines() {
        if !l.is_empty() {
            s.push_str(&pad);
            s.push_str(l);
        }
        s.push('\n');
    }
    s
}

/// Writes the Markdown of one text and its entity's canaries.
fn text_body(w: &mut Writer<'_>, t: &Text, level: u8) -> String {
    w.refs = 0;
    w.notes = 0;
    let ctx = Ctx {
        level,
        plain: t.style == Style::Literal,
        literal: false,
        fences: (false, false),
        in_passage: false,
    };
    let mut lines = w.blocks(&t.blocks, ctx, End::Text);
    let uses: Vec<String> = (0..w.refs)
        .map(|n| format!("[{}][r{n}]", WORDS[n % WORDS.len()]))
        .chain((0..w.notes).map(|n| format!("[^f{n}]")))
        .collect();
    if !uses.is_empty() {
        lines.push(String::new());
        lines.push(format!("See {}.", uses.join(" and ")));
    }
    lines.join("\n") + "\n"
}

/// Writes a case out against the minimal fixture.
pub fn render(case: &Case) -> Rendered {
    let mut w = Writer {
        salt: &case.salt,
        canaries: Vec::new(),
        refs: 0,
        notes: 0,
    };
    let mut writes = Vec::new();
    for (i, t) in case.texts.iter().enumerate() {
        let top = Ctx {
            level: 0,
            plain: true,
            literal: false,
            fences: (false, false),
            in_passage: false,
        };
        match t.target {
            Target::Doc(v) => {
                let (c, a, _) = w.canary(Ctx { level: v, ..top });
                let body = text_body(&mut w, t, v);
                let fm = format!(
                    "---\ntitle: Policy {a} {c}\nvisibility: {}\nowner: Owner\n---\n\n",
                    EDITIONS[v as usize]
                );
                let text = fm + &body;
                let text = match case.crlf {
                    true => text.replace('\n', "\r\n"),
                    false => text,
                };
                writes.push(Write::File(format!("content/policies/fz-{i}.md"), text));
            }
            Target::Faq(v) => {
                let (c, a, _) = w.canary(Ctx { level: v, ..top });
                let body = scalar(&text_body(&mut w, t, v), t.style, 2);
                let entry = format!("- id: fz-faq-{i}\n  question: Do you {a} {c}?\n  answer: {body}  visibility: {}\n", EDITIONS[v as usize]);
                writes.push(Write::Append("content/registers/faq.yaml".into(), entry));
            }
            Target::Control => {
                let from = "- id: A.2.3\n  applicable: true\n  status: planned\n";
                let body = scalar(&text_body(&mut w, t, 0), t.style, 2);
                writes.push(Write::Edit(
                    "content/registers/controls.yaml".into(),
                    from.into(),
                    format!("{from}  implementation: {body}"),
                ));
            }
            Target::System => {
                let from = "purpose: |\n  Drafts answers to customer support tickets. A support agent reads, edits and sends every reply.\n";
                let body = scalar(&text_body(&mut w, t, 0), t.style, 0);
                writes.push(Write::Edit(
                    "content/registers/systems/support-drafts.yaml".into(),
                    from.into(),
                    format!("purpose: {body}"),
                ));
            }
        }
    }
    Rendered {
        writes,
        canaries: w.canaries,
    }
}
