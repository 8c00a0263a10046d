//! Builds a [`Node`] tree from yaml-rust2's parser events: every node keeps the
//! line and column where it starts, so a type error can point at its value.

use super::{Node, NodeKind, YamlError};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

/// Deeper than this is not a content file but an attack or an accident; the
/// limit also keeps recursive walks over the tree well inside the stack.
const MAX_DEPTH: usize = 64;
/// Nodes an alias may add in total (a "billion laughs" guard).
const MAX_ALIAS_NODES: usize = 100_000;

/// A collection being built: the node so far and, for a mapping, a key
/// waiting for its value.
struct Open {
    node: Node,
    key: Option<Node>,
    anchor: usize,
}

/// Parses one YAML document. A stream with no document gives an empty scalar.
pub(super) fn build(text: &str) -> Result<Node, RawError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut alias_nodes = 0usize;
    let mut root: Option<Node> = None;
    let mut documents = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(RawError::scan)?;
        let (line, column) = (mark.line(), mark.col() + 1);
        let done = match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(RawError::at(
                        mark,
                        "a second YAML document starts here (`---`); a content file holds one",
                    ));
                }
                None
            }
            Event::Scalar(text, style, anchor, tag) => {
                // `!!str 1.0` is text, like a quoted scalar.
                let plain = style == TScalarStyle::Plain
                    && !tag.is_some_and(|t| t.handle == "!!" && t.suffix == "str");
                let node = Node::new(NodeKind::Scalar { text, plain }, line, column);
                Some((node, anchor))
            }
            Event::Alias(id) => Some((alias(&anchors, id, mark, &mut alias_nodes)?, 0)),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(RawError::at(
                        mark,
                        "the YAML nests deeper than 64 levels here",
                    ));
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    NodeKind::Seq(Vec::new())
                } else {
                    NodeKind::Map(Vec::new())
                };
                stack.push(Open {
                    node: Node::new(kind, line, column),
                    key: None,
                    anchor,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop().map(|open| (open.node, open.anchor))
            }
            _ => None,
        };
        if let Some((node, anchor)) = done {
            if anchor > 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                Some(parent) => add_child(parent, node)?,
                None => root = Some(node),
            }
        }
    }
    let empty = NodeKind::Scalar {
        text: String::new(),
        plain: true,
    };
    let mut root = root.unwrap_or_else(|| Node::new(empty, 1, 1));
    root.number(&mut 0);
    Ok(root)
}

/// A copy of an anchored node, placed where the alias is.
fn alias(
    anchors: &HashMap<usize, Node>,
    id: usize,
    mark: Marker,
    expanded: &mut usize,
) -> Result<Node, RawError> {
    let Some(target) = anchors.get(&id) else {
        return Err(RawError::at(mark, "unknown anchor"));
    };
    *expanded += target.count();
    if *expanded > MAX_ALIAS_NODES {
        return Err(RawError::at(
            mark,
            "aliases here expand to too many values (more than 100000)",
        ));
    }
    let mut node = target.clone();
    node.line = mark.line();
    node.column = mark.col() + 1;
    Ok(node)
}

/// Adds a finished node to the collection being built.
fn add_child(parent: &mut Open, node: Node) -> Result<(), RawError> {
    let first_key = matches!(&parent.node.kind, NodeKind::Map(e) if e.is_empty());
    match &mut parent.node.kind {
        NodeKind::Seq(items) => items.push(node),
        NodeKind::Map(entries) => match parent.key.take() {
            None => {
                if let Some((old, _)) = entries.iter().find(|(k, _)| k.same_key(&node)) {
                    return Err(RawError {
                        info: format!(
                            "duplicate key `{}` (first written on line {})",
                            node.scalar_text().unwrap_or_default(),
                            old.line
                        ),
                        line: node.line,
                        column: node.column,
                    });
                }
                // A block mapping's start event is marked after its first key;
                // the mapping starts where that key does.
                if first_key {
                    parent.node.line = node.line;
                    parent.node.column = node.column;
                }
                parent.key = Some(node);
            }
            Some(key) => entries.push((key, node)),
        },
        _ => {}
    }
    Ok(())
}

/// A parser error before it is explained: yaml-rust2's message and where it
/// stopped (1-based line and column).
#[derive(Debug, Clone)]
pub(super) struct RawError {
    pub info: String,
    pub line: usize,
    pub column: usize,
}

impl RawError {
    fn scan(e: ScanError) -> RawError {
        RawError::at(*e.marker(), e.info())
    }

    fn at(mark: Marker, info: &str) -> RawError {
        RawError {
            info: info.to_string(),
            line: mark.line().max(1),
            column: mark.col() + 1,
        }
    }

    /// The error without explanation (used when no slip matches).
    pub fn plain(&self) -> YamlError {
        YamlError {
            message: self.info.clone(),
            line: self.line,
            column: self.column,
            help: None,
            field: None,
        }
    }
}
