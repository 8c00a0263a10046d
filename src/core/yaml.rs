//! The only module that touches a YAML library: yaml-rust2, a maintained pure
//! Rust YAML 1.2 parser that marks every event with its line and column.
//! Swapping the library means changing this module alone.
//!
//! Text is parsed into a [`Node`] tree that keeps each value's position, and
//! serde reads the typed structs from that tree (`de`), so that:
//! - a type error is reported at the value that has the wrong type;
//! - a scalar read as text keeps its source spelling (`version: 1.0` is "1.0");
//! - [`from_node_all`] reports every independent problem of an entry, not the
//!   first one only;
//! - syntax errors are explained in plain words with a hint (`slips`).
//!
//! Positions are relative to the text handed in; callers add the offset of
//! that text in its file (front matter, list items).

mod de;
mod slips;
mod tree;

use serde::de::DeserializeOwned;

/// A YAML error with a 1-based position inside the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// How to fix a recognised slip (syntax errors only; type errors get
    /// their help from the content model, which knows the field).
    pub help: Option<String>,
    /// The field the error concerns: the key of the value that failed, the
    /// unknown key, or the missing field.
    pub field: Option<String>,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for YamlError {}

/// A parsed YAML value and where it starts.
#[derive(Debug, Clone)]
pub struct Node {
    kind: NodeKind,
    /// 1-based line and column of the value's first character.
    line: usize,
    column: usize,
    /// Pre-order number, unique in its tree: errors name nodes by it.
    id: usize,
}

#[derive(Debug, Clone)]
enum NodeKind {
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// A value already reported: reads as a harmless default of whatever type
    /// is asked for, so the rest of the entry can still be checked.
    Poison,
}

/// Number of the placeholder nodes made while reading a poisoned struct.
const PLACEHOLDER: usize = usize::MAX;

impl Node {
    fn new(kind: NodeKind, line: usize, column: usize) -> Node {
        Node {
            kind,
            line,
            column,
            id: 0,
        }
    }

    fn poison() -> Node {
        Node::new(NodeKind::Poison, 0, 0).with_id(PLACEHOLDER)
    }

    fn with_id(mut self, id: usize) -> Node {
        self.id = id;
        self
    }

    /// Number of nodes in this subtree.
    fn count(&self) -> usize {
        1 + match &self.kind {
            NodeKind::Seq(items) => items.iter().map(Node::count).sum(),
            NodeKind::Map(e) => e.iter().map(|(k, v)| k.count() + v.count()).sum(),
            _ => 0,
        }
    }

    /// Numbers the subtree in pre-order (aliases copy nodes, so numbers are
    /// given after the tree is complete).
    fn number(&mut self, next: &mut usize) {
        self.id = *next;
        *next += 1;
        match &mut self.kind {
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| n.number(next)),
            NodeKind::Map(e) => e.iter_mut().for_each(|(k, v)| {
                k.number(next);
                v.number(next);
            }),
            _ => {}
        }
    }

    fn scalar_text(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    fn same_key(&self, other: &Node) -> bool {
        matches!((self.scalar_text(), other.scalar_text()), (Some(a), Some(b)) if a == b)
    }

    /// 1-based line where the value starts.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The items, if the value is a sequence.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// True for an empty value (`~`, `null` or nothing at all).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

/// Parses one YAML document into a tree; a syntax error comes explained.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    tree::build(text).map_err(|e| slips::explain(text, &e))
}

/// Deserializes one YAML document into `T`, stopping at the first problem.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    from_node(&parse(text)?)
}

/// Deserializes one YAML document into `T`, reporting every problem found.
pub fn from_str_all<T: DeserializeOwned>(text: &str) -> Result<T, Vec<YamlError>> {
    from_node_all(&parse(text).map_err(|e| vec![e])?)
}

/// Deserializes `T` from a parsed value, stopping at the first problem.
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, YamlError> {
    T::deserialize(node).map_err(|e| convert(node, &e))
}

/// Deserializes `T` from a parsed value and reports every independent problem:
/// after each error the failing value is set aside (a wrong value becomes a
/// placeholder, an unknown key is dropped, a missing field is filled in) and
/// the value is read again, until it reads or nothing more can be set aside.
pub fn from_node_all<T: DeserializeOwned>(node: &Node) -> Result<T, Vec<YamlError>> {
    let mut work = node.clone();
    let mut errors: Vec<YamlError> = Vec::new();
    // Each pass sets one value aside; an entry has far fewer than this.
    for _ in 0..256 {
        match T::deserialize(&work) {
            Ok(v) if errors.is_empty() => return Ok(v),
            Ok(_) => break,
            Err(e) => {
                // An error inside a placeholder is a consequence of one
                // already reported, not a problem of its own.
                if e.node == Some(PLACEHOLDER) {
                    break;
                }
                let error = convert(&work, &e);
                // `locaton:` is one mistake: the unknown field already says
                // so, a "missing field `location`" would repeat it.
                let misspelt = e.missing.is_some_and(|field| {
                    errors.iter().any(|u| {
                        u.message.starts_with("unknown field")
                            && u.field.as_deref().is_some_and(|k| {
                                crate::core::diagnostics::did_you_mean(k, [field]).is_some()
                            })
                    })
                });
                if !misspelt {
                    errors.push(error);
                }
                if !set_aside(&mut work, &e) {
                    break;
                }
            }
        }
    }
    if errors.is_empty() {
        errors.push(YamlError {
            message: "the value cannot be read".into(),
            line: node.line,
            column: node.column,
            help: None,
            field: None,
        });
    }
    Err(errors)
}

/// Checks syntax and returns the length of the top-level sequence, if the
/// document is one (`None` for a mapping or scalar).
pub fn sequence_len(text: &str) -> Result<Option<usize>, YamlError> {
    let node = parse(text)?;
    Ok(match node.items() {
        Some(items) => Some(items.len()),
        None if node.is_null() => Some(0),
        None => None,
    })
}

/// Where a node sits: its position and the key of the nearest mapping entry
/// holding it (a list item reports the list's key).
fn find(node: &Node, id: usize, field: Option<&str>) -> Option<(usize, usize, Option<String>)> {
    if node.id == id {
        return Some((node.line, node.column, field.map(str::to_string)));
    }
    match &node.kind {
        NodeKind::Seq(items) => items.iter().find_map(|n| find(n, id, field)),
        NodeKind::Map(entries) => entries.iter().find_map(|(k, v)| {
            let key = k.scalar_text();
            find(k, id, key).or_else(|| find(v, id, key.or(field)))
        }),
        _ => None,
    }
}

fn convert(root: &Node, e: &de::DeError) -> YamlError {
    let id = e.node.unwrap_or(root.id);
    let (line, column, field) = find(root, id, None).unwrap_or((root.line, root.column, None));
    YamlError {
        message: e.msg.clone(),
        line,
        column,
        help: None,
        field: e.missing.map(str::to_string).or(field),
    }
}

/// Sets the value an error arose at aside, so a second reading can find the
/// next problem. False when there is nothing to set aside.
fn set_aside(node: &mut Node, e: &de::DeError) -> bool {
    let Some(id) = e.node else { return false };
    if node.id == id {
        // The value itself (or a mapping missing a field) failed.
        return match (&mut node.kind, e.missing) {
            (NodeKind::Map(entries), Some(field)) => {
                let key = NodeKind::Scalar {
                    text: field.to_string(),
                    plain: false,
                };
                entries.push((Node::new(key, 0, 0), Node::poison()));
                true
            }
            _ => false,
        };
    }
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().any(|n| poison_or_descend(n, e, id)),
        NodeKind::Map(entries) => {
            if let Some(i) = entries.iter().position(|(k, _)| k.id == id) {
                entries.remove(i);
                return true;
            }
            entries.iter_mut().any(|(_, v)| poison_or_descend(v, e, id))
        }
        _ => false,
    }
}

fn poison_or_descend(n: &mut Node, e: &de::DeError, id: usize) -> bool {
    if n.id == id && e.missing.is_none() && !matches!(n.kind, NodeKind::Poison) {
        n.kind = NodeKind::Poison;
        return true;
    }
    set_aside(n, e)
}

#[cfg(test)]
mod tests;
