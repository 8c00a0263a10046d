//! serde over a [`Node`] tree. Two things differ from a YAML library's own
//! deserializer, on purpose:
//!
//! - text keeps its source spelling: a field that is text in the content model
//!   gets `1.0` for `version: 1.0`, not a float printed back as `1`;
//! - every error names the node it arose at, so it can be reported at that
//!   node's line and column, and the node can be set aside to look for more.

use super::{Node, NodeKind};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use std::fmt;

/// A deserialization error and the node it arose at.
#[derive(Debug, Clone)]
pub struct DeError {
    pub msg: String,
    /// Number of the innermost node being read when the error arose.
    pub node: Option<usize>,
    /// Set for `missing field` errors: the field to add when looking for more.
    pub missing: Option<&'static str>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            msg: msg.to_string(),
            node: None,
            missing: None,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError {
            msg: format!("missing field `{field}`"),
            node: None,
            missing: Some(field),
        }
    }
}

/// What a scalar is under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

fn resolve(text: &str, plain: bool) -> Resolved {
    if !plain {
        return Resolved::Str;
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    if let Some(i) = parse_int(text) {
        return Resolved::Int(i);
    }
    let numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && text.chars().any(|c| c.is_ascii_digit());
    match text.parse::<f64>() {
        Ok(f) if numeric => Resolved::Float(f),
        _ => Resolved::Str,
    }
}

fn parse_int(text: &str) -> Option<i64> {
    if let Some(h) = text.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    if let Some(o) = text.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok();
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl Node {
    /// Adds this node's number to an error raised while reading it, unless a
    /// node inside it already claimed the error.
    fn at<T>(&self, r: Result<T, DeError>) -> Result<T, DeError> {
        r.map_err(|mut e| {
            e.node.get_or_insert(self.id);
            e
        })
    }

    /// How the node reads in an "invalid type" message.
    fn unexpected(&self) -> Unexpected<'_> {
        match &self.kind {
            NodeKind::Scalar { text, plain } => match resolve(text, *plain) {
                Resolved::Null => Unexpected::Other("an empty value"),
                Resolved::Bool(b) => Unexpected::Bool(b),
                Resolved::Int(i) => Unexpected::Signed(i),
                Resolved::Float(f) => Unexpected::Float(f),
                Resolved::Str => Unexpected::Str(text),
            },
            NodeKind::Seq(_) => Unexpected::Seq,
            NodeKind::Map(_) => Unexpected::Map,
            NodeKind::Poison => Unexpected::Other("a value already reported"),
        }
    }

    fn resolved(&self) -> Option<Resolved> {
        match &self.kind {
            NodeKind::Scalar { text, plain } => Some(resolve(text, *plain)),
            _ => None,
        }
    }

    fn mismatch<'de, V: Visitor<'de>, T>(&self, v: &V) -> Result<T, DeError> {
        Err(de::Error::invalid_type(self.unexpected(), v))
    }

    fn integer<'de, V: Visitor<'de>>(&self, v: V) -> Result<V::Value, DeError> {
        match (&self.kind, self.resolved()) {
            (NodeKind::Poison, _) => v.visit_i64(0),
            (_, Some(Resolved::Int(i))) => v.visit_i64(i),
            (NodeKind::Scalar { text, plain: true }, _) if text.parse::<u64>().is_ok() => {
                v.visit_u64(text.parse().unwrap_or(0))
            }
            _ => self.mismatch(&v),
        }
    }
}

macro_rules! integers {
    ($($m:ident)*) => {$(
        fn $m<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
            self.at(self.integer(v))
        }
    )*};
}

impl<'de> Deserializer<'de> for &Node {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match &self.kind {
            NodeKind::Scalar { text, plain } => match resolve(text, *plain) {
                Resolved::Null => v.visit_unit(),
                Resolved::Bool(b) => v.visit_bool(b),
                Resolved::Int(i) => v.visit_i64(i),
                Resolved::Float(f) => v.visit_f64(f),
                Resolved::Str => v.visit_str(text),
            },
            NodeKind::Seq(items) => v.visit_seq(Items(items.iter())),
            NodeKind::Map(entries) => v.visit_map(Entries::new(entries)),
            NodeKind::Poison => v.visit_unit(),
        };
        self.at(r)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match (&self.kind, self.resolved()) {
            (NodeKind::Poison, _) => v.visit_bool(false),
            (_, Some(Resolved::Bool(b))) => v.visit_bool(b),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    integers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64);

    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match (&self.kind, self.resolved()) {
            (NodeKind::Poison, _) => v.visit_f64(0.0),
            (_, Some(Resolved::Float(f))) => v.visit_f64(f),
            (_, Some(Resolved::Int(i))) => v.visit_f64(i as f64),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    /// Any non-empty scalar is text, spelled as in the source.
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match (&self.kind, self.resolved()) {
            (NodeKind::Poison, _) => v.visit_str(""),
            (_, Some(Resolved::Null)) => self.mismatch(&v),
            (NodeKind::Scalar { text, .. }, _) => v.visit_str(text),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match (&self.kind, self.resolved()) {
            (NodeKind::Poison, _) | (_, Some(Resolved::Null)) => v.visit_none(),
            _ => v.visit_some(self),
        };
        self.at(r)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match (&self.kind, self.resolved()) {
            (NodeKind::Poison, _) | (_, Some(Resolved::Null)) => v.visit_unit(),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        let r = v.visit_newtype_struct(self);
        self.at(r)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match &self.kind {
            NodeKind::Seq(items) => v.visit_seq(Items(items.iter())),
            NodeKind::Poison => v.visit_seq(Items([].iter())),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match &self.kind {
            NodeKind::Map(entries) => v.visit_map(Entries::new(entries)),
            NodeKind::Poison => v.visit_map(Placeholders(&[])),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let r = match &self.kind {
            NodeKind::Map(entries) => v.visit_map(Entries::new(entries)),
            // A placeholder for every field: the struct around it still builds.
            NodeKind::Poison => v.visit_map(Placeholders(fields)),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let r = match &self.kind {
            NodeKind::Poison => {
                let first = variants.first().copied().unwrap_or("");
                v.visit_enum(IntoDeserializer::<DeError>::into_deserializer(first))
            }
            NodeKind::Scalar { text, .. } if self.resolved() != Some(Resolved::Null) => v
                .visit_enum(IntoDeserializer::<DeError>::into_deserializer(
                    text.as_str(),
                )),
            NodeKind::Map(entries) if entries.len() == 1 => v.visit_enum(Variant(&entries[0])),
            _ => self.mismatch(&v),
        };
        self.at(r)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }
}

/// The items of a sequence.
struct Items<'a>(std::slice::Iter<'a, Node>);

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        self.0.next().map(|n| seed.deserialize(n)).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a mapping.
struct Entries<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
}

impl<'a> Entries<'a> {
    fn new(entries: &'a [(Node, Node)]) -> Self {
        Entries {
            entries: entries.iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        seed.deserialize(k).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(v) => seed.deserialize(v),
            None => Err(de::Error::custom("a value was read before its key")),
        }
    }
}

/// Stands in for a mapping already reported: each field gets a placeholder.
struct Placeholders(&'static [&'static str]);

impl<'de> MapAccess<'de> for Placeholders {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((first, rest)) = self.0.split_first() else {
            return Ok(None);
        };
        self.0 = rest;
        seed.deserialize(IntoDeserializer::<DeError>::into_deserializer(*first))
            .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        seed.deserialize(&Node::poison())
    }
}

/// A one-entry mapping read as an enum variant with content.
struct Variant<'a>(&'a (Node, Node));

impl<'de, 'a> EnumAccess<'de> for Variant<'a> {
    type Error = DeError;
    type Variant = &'a Node;
    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, &'a Node), DeError> {
        let (k, v) = self.0;
        Ok((seed.deserialize(k)?, v))
    }
}

impl<'de> VariantAccess<'de> for &Node {
    type Error = DeError;
    fn unit_variant(self) -> Result<(), DeError> {
        de::Deserialize::deserialize(self)
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_struct("", fields, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_scalars_by_the_core_schema() {
        assert_eq!(resolve("12", true), Resolved::Int(12));
        assert_eq!(resolve("1.0", true), Resolved::Float(1.0));
        assert_eq!(resolve("1.0", false), Resolved::Str);
        assert_eq!(resolve("yes", true), Resolved::Str);
        assert_eq!(resolve("~", true), Resolved::Null);
        assert_eq!(resolve("2026-09-30", true), Resolved::Str);
        assert_eq!(resolve("Q4", true), Resolved::Str);
    }
}
