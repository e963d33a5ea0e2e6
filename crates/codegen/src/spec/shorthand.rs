//! Lets list entries that are usually only a wire value (`scopes: [sms]`, `enum: [a, b]`) be
//! written as a bare string, while the mapping form stays available for a name or a description.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserializer, Error, MapAccess, Visitor};

/// A spec type whose mapping form has a `value` key that a bare string may stand for.
pub(crate) trait Shorthand: Sized {
    /// The entry written as just its value.
    fn from_value(value: String) -> Self;

    /// The entry written as a mapping (the type's derived, strict deserializer).
    fn from_map<'de, M: MapAccess<'de>>(map: M) -> Result<Self, M::Error>;
}

/// Deserializes either form of a [`Shorthand`] type.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Shorthand,
{
    deserializer.deserialize_any(ShorthandVisitor(PhantomData))
}

struct ShorthandVisitor<T>(PhantomData<T>);

impl<'de, T: Shorthand> Visitor<'de> for ShorthandVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a mapping")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from_value(value.to_owned()))
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<T, M::Error> {
        T::from_map(map)
    }
}

/// Schema of "a string, or `T`'s mapping": used with `#[schemars(with = ...)]` where shorthand
/// entries appear, since the derived schema of `T` only knows the mapping form.
pub struct StringOr<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for StringOr<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("StringOr_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                generator.subschema_for::<String>(),
                generator.subschema_for::<T>(),
            ]
        })
    }
}
