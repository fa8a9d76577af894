//! serde's view of a position-keeping YAML tree ([`Node`]): takes the tree
//! the validator already built and deserializes any serde type (here the
//! `Raw*` structures) from it, so a survey's YAML is parsed once.
//!
//! It reads values the way serde_yaml 0.9 reads the same text: a plain
//! scalar is null (`~`, `null`, empty), a bool (`true`/`True`/`TRUE`, …),
//! an integer (decimal, `0x`, `0o`, `0b`, but not `007`), a float (also
//! `.inf`, `.nan`) or else a string when a type asks for "anything" (untagged
//! enums); a quoted or block scalar is always a string; a type asking for a
//! string takes any scalar's text; an empty plain scalar is an empty list or
//! map where one is wanted. Documents with YAML tags (`!!str`, `!x`), which
//! serde_yaml gives meanings of their own, are not read here: the caller
//! falls back to serde_yaml for them. Errors carry no position: a caller
//! that meets one asks serde_yaml to word it.

use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use super::validate::tree::{Node, Style, Value};

/// Nesting deeper than this is refused (serde_yaml's own limit is 128).
const MAX_DEPTH: usize = 128;

/// Why a tree did not fit the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Deserialize a `T` from a loaded tree.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T> {
    T::deserialize(NodeDe { node, depth: 0 })
}

#[derive(Clone, Copy)]
struct NodeDe<'de> {
    node: &'de Node,
    depth: usize,
}

/// A plain scalar's text, `None` for other nodes.
fn plain(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar {
            text,
            style: Style::Plain,
        } => Some(text),
        _ => None,
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Leading zeros followed by digits (`007`): a string in YAML 1.2.
fn digits_but_not_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    t.len() > 1 && t.starts_with('0') && t[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The radix prefixes YAML 1.2 knows, after an optional sign.
fn radix_of(text: &str) -> (u32, &str) {
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return (radix, rest);
        }
    }
    (10, text)
}

type Radix<T> = fn(&str, u32) -> std::result::Result<T, std::num::ParseIntError>;

/// A non-negative integer (`+` allowed), as serde_yaml reads one.
fn unsigned<T>(text: &str, from: Radix<T>) -> Option<T> {
    let t = text.strip_prefix('+').unwrap_or(text);
    let (radix, digits) = radix_of(t);
    if digits.starts_with(['+', '-']) || (radix == 10 && digits_but_not_number(text)) {
        return None;
    }
    from(digits, radix).ok()
}

/// A negative integer (`-5`, `-0x1F`), as serde_yaml reads one.
fn negative<T>(text: &str, from: Radix<T>) -> Option<T> {
    let rest = text.strip_prefix('-')?;
    let (radix, digits) = radix_of(rest);
    if digits.starts_with(['+', '-']) || (radix == 10 && digits_but_not_number(text)) {
        return None;
    }
    from(&format!("-{digits}"), radix).ok()
}

fn parse_unsigned(text: &str) -> Option<u64> {
    unsigned(text, u64::from_str_radix)
}

fn parse_negative(text: &str) -> Option<i64> {
    negative(text, i64::from_str_radix)
}

/// An integer beyond 64 bits that serde_yaml would read as 128 bits.
fn is_wide_int(text: &str) -> bool {
    unsigned(text, u128::from_str_radix).is_some() || negative(text, i128::from_str_radix).is_some()
}

/// Any integer that fits an i64 (what `i64` fields ask for).
fn parse_signed(text: &str) -> Option<i64> {
    match parse_unsigned(text) {
        Some(u) => i64::try_from(u).ok(),
        None => parse_negative(text),
    }
}

fn parse_f64(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match (unsigned, text) {
        (".inf" | ".Inf" | ".INF", _) => return Some(f64::INFINITY),
        (_, "-.inf" | "-.Inf" | "-.INF") => return Some(f64::NEG_INFINITY),
        (_, ".nan" | ".NaN" | ".NAN") => return Some(f64::NAN.copysign(1.0)),
        _ => {}
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

impl<'de> NodeDe<'de> {
    fn child(&self, node: &'de Node) -> Result<NodeDe<'de>> {
        if self.depth >= MAX_DEPTH {
            return Err(Error("nested too deeply".into()));
        }
        Ok(NodeDe {
            node,
            depth: self.depth + 1,
        })
    }

    fn unexpected(&self) -> de::Unexpected<'de> {
        match &self.node.value {
            Value::Map(_) => de::Unexpected::Map,
            Value::Seq(_) => de::Unexpected::Seq,
            Value::Scalar { text, .. } => de::Unexpected::Str(text),
        }
    }

    fn invalid<V: Visitor<'de>>(&self, visitor: &V) -> Error {
        de::Error::invalid_type(self.unexpected(), visitor)
    }

    /// A plain empty scalar, which reads as an empty list or map.
    fn is_empty_plain(&self) -> bool {
        plain(self.node) == Some("")
    }
}

impl<'de> de::Deserializer<'de> for NodeDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.node.value {
            Value::Map(entries) => visitor.visit_map(MapAccess::new(self, entries)),
            Value::Seq(items) => visitor.visit_seq(SeqAccess::new(self, items)),
            Value::Scalar {
                text,
                style: Style::Plain,
            } => {
                if is_null(text) {
                    visitor.visit_unit()
                } else if let Some(b) = parse_bool(text) {
                    visitor.visit_bool(b)
                } else if let Some(u) = parse_unsigned(text) {
                    visitor.visit_u64(u)
                } else if let Some(i) = parse_negative(text) {
                    visitor.visit_i64(i)
                } else if is_wide_int(text) {
                    // serde_yaml reads it as 128 bits, which the survey's
                    // types don't take: leave it to serde_yaml.
                    Err(Error(format!("'{text}' is not read here")))
                } else if let Some(f) = parse_f64(text).filter(|_| !digits_but_not_number(text)) {
                    visitor.visit_f64(f)
                } else {
                    visitor.visit_borrowed_str(text)
                }
            }
            Value::Scalar { text, .. } => visitor.visit_borrowed_str(text),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match plain(self.node).and_then(parse_bool) {
            Some(b) => visitor.visit_bool(b),
            None => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match plain(self.node).and_then(parse_signed) {
            Some(i) => visitor.visit_i64(i),
            None => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match plain(self.node).and_then(parse_unsigned) {
            Some(u) => visitor.visit_u64(u),
            None => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match plain(self.node).and_then(parse_f64) {
            Some(f) => visitor.visit_f64(f),
            None => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.node.text() {
            Some(text) => visitor.visit_borrowed_str(text),
            None => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match plain(self.node) {
            Some(text) if is_null(text) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.node.value {
            Value::Seq(items) => visitor.visit_seq(SeqAccess::new(self, items)),
            _ if self.is_empty_plain() => visitor.visit_seq(SeqAccess::new(self, &[])),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.node.value {
            Value::Map(entries) => visitor.visit_map(MapAccess::new(self, entries)),
            _ if self.is_empty_plain() => visitor.visit_map(MapAccess::new(self, &[])),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }

    /// What the survey's types never ask for: refused, so that serde_yaml
    /// (the fallback) decides.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Error(format!("enum {name} is not read here")))
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf unit unit_struct tuple_struct
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_f64(visitor)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }
}

struct SeqAccess<'de> {
    parent: NodeDe<'de>,
    items: std::slice::Iter<'de, Node>,
}

impl<'de> SeqAccess<'de> {
    fn new(parent: NodeDe<'de>, items: &'de [Node]) -> Self {
        SeqAccess {
            parent,
            items: items.iter(),
        }
    }
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.items.next() {
            Some(item) => seed.deserialize(self.parent.child(item)?).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'de> {
    parent: NodeDe<'de>,
    entries: std::slice::Iter<'de, (Node, Node)>,
    value: Option<&'de Node>,
}

impl<'de> MapAccess<'de> {
    fn new(parent: NodeDe<'de>, entries: &'de [(Node, Node)]) -> Self {
        MapAccess {
            parent,
            entries: entries.iter(),
            value: None,
        }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(self.parent.child(key)?).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match self.value.take() {
            Some(value) => seed.deserialize(self.parent.child(value)?),
            None => Err(Error("a map value without its key".into())),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests;
