//! `docs/spec.schema.json` must be exactly what `codegen::schema::json_schema()` produces, so
//! that editors check specs against the format the generator really accepts.

use std::path::PathBuf;

fn checked_in() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/spec.schema.json")
}

#[test]
fn checked_in_schema_is_current() {
    let schema = codegen::schema::json_schema();
    let path = checked_in();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &schema).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == schema,
        "{} is stale: refresh it with `UPDATE_SCHEMA=1 cargo test -p codegen --test validate_schema`",
        path.display()
    );
}

#[test]
fn schema_is_deterministic() {
    assert_eq!(
        codegen::schema::json_schema(),
        codegen::schema::json_schema()
    );
}

#[test]
fn schema_knows_every_auth_key_the_validator_checks() {
    let schema: serde_json::Value =
        serde_json::from_str(&codegen::schema::json_schema()).unwrap_or_else(|e| panic!("{e}"));
    let properties = &schema["definitions"]["AuthScheme"]["properties"];
    for scheme_type in codegen::spec::AuthType::ALL {
        for key in scheme_type.keys() {
            assert!(
                properties.get(key).is_some(),
                "`{key}` is not a property of AuthScheme"
            );
        }
    }
    let rules = schema["definitions"]["AuthScheme"]["allOf"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(rules, codegen::spec::AuthType::ALL.len());
}
