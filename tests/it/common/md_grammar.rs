//! A Markdown grammar for the differential leak fuzzer (`fuzz_leaks`):
//! documents and register fields built from lists, blockquotes, tables, HTML
//! blocks, fences (closed, unclosed, indented, in containers), indented code,
//! reference and footnote definitions and `:::edition` passages (well-formed,
//! indented, misspelt, unclosed), nested up to three deep.
//!
//! The tree carries no text: [`render`] writes it out and hands every piece
//! of prose a fresh canary (`zqx` + 10 letters, unique within a case), with
//! the edition level the *author* meant it for (the highest passage around
//! it, whatever the marker's spelling or container) and whether it sits where
//! its presence can be asserted (a plain block at the top level, or directly
//! in a well-formed top-level passage). Canaries are assigned while
//! rendering, not generated, so shrinking a case never makes two equal.

use proptest::prelude::*;

/// Edition names, lowest first (the minimal fixture's `site.yaml`).
pub const EDITIONS: [&str; 3] = ["public", "customer", "internal"];

/// Words placed around canaries; `vouch answer` questions are built from them.
pub const WORDS: [&str; 12] = [
    "retention",
    "encryption",
    "residency",
    "subprocessor",
    "incident",
    "backup",
    "training",
    "oversight",
    "fairness",
    "audit",
    "logging",
    "deletion",
];

/// How a `:::` opener is spelt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `:::internal`
    Exact,
    /// `::: internal`
    Spaced,
    /// one to three spaces before `:::internal`
    Indent(u8),
    /// `:::Internal`
    Capital,
    /// `:::internl`
    Typo,
    /// `::::internal`
    FourColons,
    /// `::internal`
    TwoColons,
    /// `:::internal only`
    Trailing,
    /// `:::internal` and `:::` with spaces after them
    TrailingSpace,
    /// a tab before `:::internal` and `:::`
    Tab,
    /// a no-break space (U+00A0) before `:::internal` and `:::`
    Nbsp,
    /// `：：：internal` and `：：：`, full-width colons (a CJK input method)
    FullWidth,
}

impl Marker {
    /// True for spellings vouch documents as a passage opener.
    pub fn well_formed(self) -> bool {
        matches!(
            self,
            Marker::Exact | Marker::Spaced | Marker::Indent(_) | Marker::TrailingSpace
        )
    }
}

/// Inline content of a paragraph, heading or table cell (one canary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inline {
    Plain,
    Emphasis,
    /// The canary in the link text.
    LinkText,
    /// The canary in the link destination.
    LinkUrl,
    Code,
    /// A `control:A.2.2` reference whose text carries the canary.
    Reference,
}

/// An HTML block around nested blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Html {
    /// `<div>` … `</div>`, with blank lines inside when `true` (the blocks
    /// are Markdown then; without them, raw HTML up to the first blank line).
    Div(bool),
    Details,
    Comment,
    Pre,
}

/// How a fence ends. The unclosed kinds only stay unclosed as the last block
/// of a list item, blockquote or document, where CommonMark ends the code
/// block with its container; anywhere else they render as [`Close::Exact`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    Exact,
    Longer,
    Missing,
    /// A closer one character shorter (a four-character fence only).
    Shorter,
    /// A closer of the other fence character.
    OtherChar,
}

/// A fenced code block's opener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fence {
    pub tilde: bool,
    pub four: bool,
    pub info: bool,
    pub indent: u8,
    pub close: Close,
}

/// A block of the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(Inline),
    Heading(u8, Inline),
    /// `[rN]: https://example.com/<canary> "<canary>"`, used at the end.
    RefDef,
    /// `[^fN]: <canary>`, referenced at the end.
    FootDef,
    /// A table; `Some` wraps its second body row in a passage.
    Table(Option<(u8, Marker)>),
    List(bool, Vec<Vec<Block>>),
    Quote(Vec<Block>),
    Html(Html, Vec<Block>),
    Fenced(Fence, Vec<Block>),
    /// An indented code block holding the blocks' lines.
    Indented(Vec<Block>),
    /// A passage: level (1 customer, 2 internal), opener spelling, blank
    /// lines inside the markers, closed (an unclosed one only stays open as
    /// the last block of its text), body.
    Passage(u8, Marker, bool, bool, Vec<Block>),
}

/// Where a generated text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A policy document of this visibility level.
    Doc(u8),
    /// The `answer` of a new FAQ entry of this visibility level.
    Faq(u8),
    /// The `implementation` of control A.2.3 (public).
    Control,
    /// The `purpose` of system `support-drafts` (public).
    System,
}

/// How a register field is written in YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `|` : lines kept.
    Literal,
    /// `>` : lines folded into one.
    Folded,
}

/// One generated text and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub target: Target,
    pub style: Style,
    pub blocks: Vec<Block>,
}

/// One fuzz case: the texts and the letters that make its canaries random.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub salt: String,
    pub texts: Vec<Text>,
    /// Markdown documents written with CRLF line endings (as an editor on
    /// Windows saves them).
    pub crlf: bool,
}

/// Which constructs the generator may use.
#[derive(Debug, Clone, Copy)]
pub struct Grammar {
    /// Include the constructs that leak on code without the passages
    /// rewrite (see `fuzz_leaks::known_leaks_stay_fixed`).
    pub known_leaks: bool,
}

fn marker(g: Grammar) -> BoxedStrategy<Marker> {
    let ok = prop_oneof![
        4 => Just(Marker::Exact),
        1 => Just(Marker::Spaced),
        1 => (1u8..4).prop_map(Marker::Indent),
        1 => Just(Marker::TrailingSpace),
    ];
    if !g.known_leaks {
        return ok.boxed();
    }
    prop_oneof![
        6 => ok,
        1 => Just(Marker::Capital),
        1 => Just(Marker::Typo),
        1 => Just(Marker::FourColons),
        1 => Just(Marker::TwoColons),
        1 => Just(Marker::Trailing),
        1 => Just(Marker::Tab),
        1 => Just(Marker::Nbsp),
        1 => Just(Marker::FullWidth),
    ]
    .boxed()
}

fn inline() -> impl Strategy<Value = Inline> {
    prop_oneof![
        4 => Just(Inline::Plain),
        1 => Just(Inline::Emphasis),
        1 => Just(Inline::LinkText),
        1 => Just(Inline::LinkUrl),
        1 => Just(Inline::Code),
        1 => Just(Inline::Reference),
    ]
}

fn fence() -> impl Strategy<Value = Fence> {
    let close = prop_oneof![
        3 => Just(Close::Exact),
        1 => Just(Close::Longer),
        1 => Just(Close::Missing),
        1 => Just(Close::Shorter),
        1 => Just(Close::OtherChar),
    ];
    (any::<bool>(), any::<bool>(), any::<bool>(), 0u8..4, close).prop_map(
        |(tilde, four, info, indent, close)| Fence {
            tilde,
            four,
            info,
            indent,
            close,
        },
    )
}

fn html() -> impl Strategy<Value = Html> {
    prop_oneof![
        any::<bool>().prop_map(Html::Div),
        Just(Html::Details),
        Just(Html::Comment),
        Just(Html::Pre),
    ]
}

/// Blocks nested at most three deep.
pub fn block(g: Grammar) -> BoxedStrategy<Block> {
    let leaf = prop_oneof![
        6 => inline().prop_map(Block::Para),
        2 => (2u8..5, inline()).prop_map(|(l, i)| Block::Heading(l, i)),
        1 => Just(Block::RefDef),
        1 => Just(Block::FootDef),
        1 => proptest::option::of((1u8..3, marker(g))).prop_map(Block::Table),
    ];
    leaf.prop_recursive(3, 24, 3, move |inner| {
        let body = proptest::collection::vec(inner, 1..4);
        prop_oneof![
            2 => (any::<bool>(), proptest::collection::vec(body.clone(), 1..3))
                .prop_map(|(o, items)| Block::List(o, items)),
            2 => body.clone().prop_map(Block::Quote),
            1 => (html(), body.clone()).prop_map(|(h, b)| Block::Html(h, b)),
            2 => (fence(), body.clone()).prop_map(|(f, b)| Block::Fenced(f, b)),
            1 => body.clone().prop_map(Block::Indented),
            4 => (1u8..3, marker(g), any::<bool>(), prop::bool::weighted(0.9), body)
                .prop_map(|(l, m, pad, closed, b)| Block::Passage(l, m, pad, closed, b)),
        ]
    })
    .boxed()
}

/// A text: top-level blocks, with well-formed top-level passages weighted
/// in so that the "present" side of the oracle is exercised every case.
fn text(g: Grammar, target: Target) -> impl Strategy<Value = Text> {
    let top = prop_oneof![
        3 => block(g),
        2 => (1u8..3, proptest::collection::vec(inline().prop_map(Block::Para), 1..3))
            .prop_map(|(l, b)| Block::Passage(l, Marker::Exact, false, true, b)),
    ];
    let style = if matches!(target, Target::Doc(_)) || !g.known_leaks {
        Just(Style::Literal).boxed()
    } else {
        prop_oneof![3 => Just(Style::Literal), 1 => Just(Style::Folded)].boxed()
    };
    (proptest::collection::vec(top, 1..5), style).prop_map(move |(blocks, style)| Text {
        target,
        style,
        blocks: if g.known_leaks {
            blocks
        } else {
            tame(
                blocks,
                Where {
                    top: true,
                    passage: false,
                    list: false,
                    indented: false,
                },
            )
        },
    })
}

/// The grammar without the known leaks: passages only at the top level of a
/// text, never nested and always closed (elsewhere a passage gives way to its
/// body); no reference or footnote defined inside one; fences always closed,
/// never in a list item or indented code (a fence there becomes indented code,
/// or its body).
fn tame(blocks: Vec<Block>, at: Where) -> Vec<Block> {
    let inner = Where { top: false, ..at };
    blocks
        .into_iter()
        .flat_map(|b| match b {
            Block::Passage(l, m, pad, _, body) if at.top && !at.passage => {
                let body = tame(
                    body,
                    Where {
                        passage: true,
                        ..at
                    },
                );
                vec![Block::Passage(l, m, pad, true, body)]
            }
            Block::Passage(_, _, _, _, body) => tame(body, at),
            Block::RefDef if at.passage => vec![Block::Para(Inline::Plain)],
            Block::Table(_) => vec![Block::Table(None)],
            Block::List(o, items) => {
                let at = Where {
                    list: true,
                    ..inner
                };
                vec![Block::List(
                    o,
                    items.into_iter().map(|i| tame(i, at)).collect(),
                )]
            }
            Block::Quote(b) => vec![Block::Quote(tame(b, inner))],
            Block::Html(h, b) => vec![Block::Html(h, tame(b, inner))],
            Block::Fenced(_, b) if at.indented => tame(b, inner),
            Block::Fenced(_, b) if at.list => {
                vec![Block::Indented(tame(
                    b,
                    Where {
                        indented: true,
                        ..inner
                    },
                ))]
            }
            Block::Fenced(f, b) => {
                let close = match f.close {
                    Close::Longer => Close::Longer,
                    _ => Close::Exact,
                };
                vec![Block::Fenced(Fence { close, ..f }, tame(b, inner))]
            }
            Block::Indented(b) => vec![Block::Indented(tame(
                b,
                Where {
                    indented: true,
                    ..inner
                },
            ))],
            other => vec![other],
        })
        .collect()
}

/// Where [`tame`] is in the tree.
#[derive(Debug, Clone, Copy)]
struct Where {
    top: bool,
    passage: bool,
    list: bool,
    indented: bool,
}

/// A case: zero to two documents and any of the register fields, at least one text.
pub fn case(g: Grammar) -> impl Strategy<Value = Case> {
    let targets = (
        proptest::collection::vec(0u8..3, 0..3),
        proptest::option::of(0u8..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(docs, faq, control, system)| {
            let mut t: Vec<Target> = docs.into_iter().map(Target::Doc).collect();
            t.extend(faq.map(Target::Faq));
            t.extend(control.then_some(Target::Control));
            t.extend(system.then_some(Target::System));
            if t.is_empty() {
                t.push(Target::Doc(0));
            }
            t
        });
    ("[a-z]{7}", targets, proptest::bool::weighted(0.2)).prop_flat_map(
        move |(salt, targets, crlf)| {
            let texts: Vec<_> = targets.into_iter().map(|t| text(g, t)).collect();
            (Just(salt), texts).prop_map(move |(salt, texts)| Case { salt, texts, crlf })
        },
    )
}

/// A canary as the oracle sees it.
#[derive(Debug, Clone)]
pub struct Canary {
    pub token: String,
    /// The lowest edition the author meant to see it.
    pub level: u8,
    /// True when every edition from `level` up must show it.
    pub present: bool,
    /// The words either side of it (questionnaire questions reuse them).
    pub words: (&'static str, &'static str),
}

pub use super::md_render::{render, Rendered};
