//! A serde deserializer over the spec's YAML events, reading scalars as serde_yaml does (YAML
//! 1.2's core schema: `null`, `true`, `0x1f`, ...) and locating every error at its node.

use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use super::errors::Error;
use super::events::{Marked, Reader};
use super::libyaml::{Event, Style};
use crate::diagnostic::Problem;

/// Deserializer methods that read their type as a wider one.
macro_rules! read_as {
    ($($($method:ident)* => $wider:ident),*) => {$($(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.$wider(visitor)
        }
    )*)*};
}

/// Deserializes the node the reader is at.
pub(super) struct Deserializer<'r, 'a> {
    pub reader: &'r mut Reader<'a>,
}

/// A node's first event, read as what it is.
enum Node {
    Scalar { value: String, style: Style },
    Sequence,
    Mapping,
}

impl<'a> Deserializer<'_, 'a> {
    /// Reads the next node's first event, runs `visit` on it, and locates any error that no
    /// node inside located at this node.
    fn node<T>(
        self,
        visit: impl FnOnce(Node, &mut Reader<'a>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let Marked { event, at } = self.reader.next()?;
        let node = match event {
            Event::Scalar { value, style, .. } => Node::Scalar { value, style },
            Event::SequenceStart { .. } => Node::Sequence,
            Event::MappingStart { .. } => Node::Mapping,
            // The reader resolves aliases, and libyaml puts no other event where a node starts.
            _ => return Err(Error::at(unexpected_event(), at)),
        };
        visit(node, self.reader).map_err(|error| error.or_at(at))
    }

    /// A scalar parsed by `parse`, else a wrong type.
    fn parsed<T, V: Visitor<'a>>(
        self,
        visitor: V,
        parse: fn(&str) -> Option<T>,
        visit: fn(V, T) -> Result<V::Value, Error>,
    ) -> Result<V::Value, Error> {
        self.node(|node, _| match node {
            Node::Scalar {
                value,
                style: Style::Plain,
            } => match parse(&value) {
                Some(parsed) => visit(visitor, parsed),
                None => Err(de::Error::invalid_type(unexpected(&value), &visitor)),
            },
            node => Err(wrong_type(&node, &visitor)),
        })
    }

    fn collection<V: Visitor<'a>>(self, visitor: V, mapping: bool) -> Result<V::Value, Error> {
        self.node(|node, reader| match node {
            Node::Mapping if mapping => visit_mapping(reader, visitor),
            Node::Sequence if !mapping => visit_sequence(reader, visitor),
            // serde_yaml reads an empty value (`key:`) as an empty collection.
            Node::Scalar { value, style } if value.is_empty() && style == Style::Plain => {
                if mapping {
                    visitor.visit_map(Entries {
                        reader,
                        ended: true,
                    })
                } else {
                    visitor.visit_seq(Items {
                        reader,
                        ended: true,
                    })
                }
            }
            node => Err(wrong_type(&node, &visitor)),
        })
    }
}

impl<'de> de::Deserializer<'de> for Deserializer<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.node(|node, reader| match node {
            Node::Scalar { value, style } => visit_scalar(visitor, value, style),
            Node::Sequence => visit_sequence(reader, visitor),
            Node::Mapping => visit_mapping(reader, visitor),
        })
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.parsed(visitor, parse_bool, V::visit_bool)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.parsed(visitor, parse_int::<i64>, V::visit_i64)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.parsed(visitor, parse_int::<u64>, V::visit_u64)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.parsed(visitor, parse_float, V::visit_f64)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.node(|node, _| match node {
            Node::Scalar { value, .. } => visitor.visit_string(value),
            node => Err(wrong_type(&node, &visitor)),
        })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let absent = matches!(
            &self.reader.peek()?.event,
            Event::Scalar { value, style: Style::Plain, .. } if is_null(value)
        );
        if absent {
            self.reader.next()?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.collection(visitor, false)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.collection(visitor, true)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.collection(visitor, true)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.node(|node, _| match node {
            Node::Scalar { value, .. } => visitor.visit_enum(UnitVariant(value)),
            node => Err(wrong_type(&node, &"a single value")),
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.node(|node, reader| skip(node, reader))?;
        visitor.visit_unit()
    }

    // Narrower integers are read as serde_yaml reads them: as 64-bit ones, then checked.
    read_as! {
        deserialize_i8 deserialize_i16 deserialize_i32 => deserialize_i64,
        deserialize_u8 deserialize_u16 deserialize_u32 => deserialize_u64
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

/// The entries of a mapping whose start was read.
struct Entries<'r, 'a> {
    reader: &'r mut Reader<'a>,
    ended: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.ended || at_end(self.reader)? {
            self.ended = true;
            return Ok(None);
        }
        let reader = &mut *self.reader;
        seed.deserialize(Deserializer { reader }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let reader = &mut *self.reader;
        seed.deserialize(Deserializer { reader })
    }
}

/// The items of a sequence whose start was read.
struct Items<'r, 'a> {
    reader: &'r mut Reader<'a>,
    ended: bool,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.ended || at_end(self.reader)? {
            self.ended = true;
            return Ok(None);
        }
        let reader = &mut *self.reader;
        seed.deserialize(Deserializer { reader }).map(Some)
    }
}

/// A unit variant named by a scalar: the spec's enums (`method: GET`) have no other kind.
struct UnitVariant(String);

impl<'de> EnumAccess<'de> for UnitVariant {
    type Error = Error;
    type Variant = UnitVariant;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let name = seed.deserialize(self.0.as_str().into_deserializer())?;
        Ok((name, self))
    }
}

impl<'de> VariantAccess<'de> for UnitVariant {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Error> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"a newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &visitor))
    }
}

fn visit_mapping<'de, V: Visitor<'de>>(
    reader: &mut Reader<'de>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut entries = Entries {
        reader,
        ended: false,
    };
    let value = visitor.visit_map(&mut entries)?;
    finish(entries.reader, entries.ended)?;
    Ok(value)
}

fn visit_sequence<'de, V: Visitor<'de>>(
    reader: &mut Reader<'de>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut items = Items {
        reader,
        ended: false,
    };
    let value = visitor.visit_seq(&mut items)?;
    finish(items.reader, items.ended)?;
    Ok(value)
}

/// Reads past the end of a collection whose visitor stopped before it.
fn finish(reader: &mut Reader<'_>, ended: bool) -> Result<(), Error> {
    if ended {
        return Ok(());
    }
    while !at_end(reader)? {
        let node = Deserializer { reader };
        node.node(|node, reader| skip(node, reader))?;
    }
    Ok(())
}

/// Whether the collection being read ends here; reads its end if so.
fn at_end(reader: &mut Reader<'_>) -> Result<bool, Error> {
    let end = matches!(reader.peek()?.event, Event::SequenceEnd | Event::MappingEnd);
    if end {
        reader.next()?;
    }
    Ok(end)
}

/// Reads past the rest of a node whose first event was read.
fn skip(node: Node, reader: &mut Reader<'_>) -> Result<(), Error> {
    match node {
        Node::Scalar { .. } => Ok(()),
        Node::Sequence | Node::Mapping => finish(reader, false),
    }
}

/// The error for a node that is not what `expected` describes. The node is not read further:
/// deserializing stops at its first error.
fn wrong_type(node: &Node, expected: &dyn de::Expected) -> Error {
    let found = match node {
        Node::Scalar {
            value,
            style: Style::Plain,
        } => unexpected(value),
        Node::Scalar { value, .. } => Unexpected::Str(value),
        Node::Sequence => Unexpected::Seq,
        Node::Mapping => Unexpected::Map,
    };
    de::Error::invalid_type(found, expected)
}

/// What a plain scalar is, in serde's words (for errors).
fn unexpected(value: &str) -> Unexpected<'_> {
    if is_null(value) {
        Unexpected::Unit
    } else if let Some(boolean) = parse_bool(value) {
        Unexpected::Bool(boolean)
    } else if let Some(int) = parse_int::<u64>(value) {
        Unexpected::Unsigned(int)
    } else if let Some(int) = parse_int::<i64>(value) {
        Unexpected::Signed(int)
    } else if parse_int::<i128>(value).is_some() {
        Unexpected::Other("an integer too large for 64 bits")
    } else if let Some(float) = parse_float(value) {
        Unexpected::Float(float)
    } else {
        Unexpected::Str(value)
    }
}

/// Visits a scalar as the value its text resolves to; quoted and block scalars are strings.
fn visit_scalar<'de, V: Visitor<'de>>(
    visitor: V,
    value: String,
    style: Style,
) -> Result<V::Value, Error> {
    if style != Style::Plain {
        return visitor.visit_string(value);
    }
    match unexpected(&value) {
        Unexpected::Unit => visitor.visit_unit(),
        Unexpected::Bool(boolean) => visitor.visit_bool(boolean),
        Unexpected::Unsigned(int) => visitor.visit_u64(int),
        Unexpected::Signed(int) => visitor.visit_i64(int),
        Unexpected::Float(float) => visitor.visit_f64(float),
        _ => visitor.visit_string(value),
    }
}

fn is_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// An integer in YAML 1.2's notations: decimal (no leading zeros), `0x`, `0o`, `0b`.
fn parse_int<T: num::Int>(value: &str) -> Option<T> {
    let (negative, digits) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let (radix, digits) = match digits.get(..2) {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if leading_zero(digits) => return None,
        _ => (10, digits),
    };
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let text = if negative {
        format!("-{digits}")
    } else {
        digits.to_owned()
    };
    T::parse(&text, radix)
}

/// `0123`: YAML 1.2 reads digits after a leading zero as a string.
fn leading_zero(digits: &str) -> bool {
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

fn parse_float(value: &str) -> Option<f64> {
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    let special = match unsigned {
        ".inf" | ".Inf" | ".INF" => Some(f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => None,
    };
    if let Some(special) = special {
        return Some(if value.starts_with('-') {
            -special
        } else {
            special
        });
    }
    let numeric = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match value.parse::<f64>() {
        Ok(float) if numeric && float.is_finite() && !leading_zero(unsigned) => Some(float),
        _ => None,
    }
}

fn unexpected_event() -> Problem {
    Problem::Yaml {
        detail: "a value was expected here".to_owned(),
    }
}

/// The integer types scalars are parsed into.
mod num {
    pub trait Int: Sized {
        fn parse(text: &str, radix: u32) -> Option<Self>;
    }

    impl Int for u64 {
        fn parse(text: &str, radix: u32) -> Option<u64> {
            u64::from_str_radix(text, radix).ok()
        }
    }

    impl Int for i64 {
        fn parse(text: &str, radix: u32) -> Option<i64> {
            i64::from_str_radix(text, radix).ok()
        }
    }

    impl Int for i128 {
        fn parse(text: &str, radix: u32) -> Option<i128> {
            i128::from_str_radix(text, radix).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_resolve_as_in_yaml_1_2() {
        assert_eq!(parse_int::<u64>("0x1f"), Some(31));
        assert_eq!(parse_int::<u64>("+7"), Some(7));
        assert_eq!(parse_int::<u64>("007"), None);
        assert_eq!(parse_int::<u64>("-1"), None);
        assert_eq!(parse_int::<i64>("-0o10"), Some(-8));
        assert_eq!(parse_float("1.5e3"), Some(1500.0));
        assert_eq!(parse_float("inf"), None);
        assert!(is_null("~") && is_null("") && !is_null("nil"));
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("yes"), None);
    }
}
