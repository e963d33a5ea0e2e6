//! The JSON Schema of the spec format, checked in as `docs/spec.schema.json` so that editors
//! complete and check specs as they are typed (`# yaml-language-server: $schema=...`).

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::Schema;
use serde_json::{json, Value};

use crate::spec::{AuthType, Spec};

/// The schema as pretty JSON, ending in a newline. Deterministic: the same code always gives
/// the same text, so the checked-in copy can be compared byte for byte.
pub fn json_schema() -> String {
    let root = SchemaSettings::draft07()
        .with_transform(RecursiveTransform(unwrap_description))
        .into_generator()
        .into_root_schema_for::<Spec>();
    // Schemas are maps with string keys: serializing them cannot fail.
    let mut schema = serde_json::to_value(root).expect("a JSON schema serializes");
    if let Some(auth) = schema.pointer_mut("/definitions/AuthScheme") {
        restrict_keys_by_type(auth);
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value serializes");
    text.push('\n');
    text
}

/// Doc comments become descriptions with their source line breaks, but editors show a
/// description as flowing text: a single break becomes a space, a blank line stays a paragraph.
fn unwrap_description(schema: &mut Schema) {
    if let Some(Value::String(text)) = schema.get_mut("description") {
        let paragraphs: Vec<String> = text.split("\n\n").map(|p| p.replace('\n', " ")).collect();
        *text = paragraphs.join("\n\n");
    }
}

/// Adds what the derived schema cannot say: per `type`, which keys an auth scheme may and must
/// have (the same tables the validator uses).
fn restrict_keys_by_type(auth: &mut Value) {
    let every_specific: Vec<&str> = AuthType::ALL
        .iter()
        .flat_map(|t| t.keys())
        .copied()
        .collect();
    let common: Vec<String> = auth
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|properties| properties.keys())
        .filter(|key| !every_specific.contains(&key.as_str()))
        .cloned()
        .collect();
    let rules: Vec<Value> = AuthType::ALL
        .iter()
        .map(|scheme_type| {
            let mut allowed = common.clone();
            allowed.extend(scheme_type.keys().iter().map(|key| (*key).to_owned()));
            json!({
                "if": {
                    "properties": { "type": { "const": scheme_type.as_str() } },
                    "required": ["type"]
                },
                "then": {
                    "required": scheme_type.required_keys(),
                    "propertyNames": { "enum": allowed }
                }
            })
        })
        .collect();
    if let Some(object) = auth.as_object_mut() {
        object.insert("allOf".to_owned(), Value::Array(rules));
    }
}
