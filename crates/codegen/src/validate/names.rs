//! Rust names for spec names, and the bookkeeping that catches two names becoming one.
//!
//! Any spec name must yield a usable identifier, so conversion never fails: heck chooses the
//! case, characters outside ASCII letters and digits separate words, a leading digit gets a
//! prefix, and keywords become raw identifiers (or get a trailing `_` where Rust forbids raw,
//! see [`RustName::new`]).

use std::collections::HashMap;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::diagnostic::{Location, NameKind, Problem};
use crate::model::RustName;

/// The case a Rust name is converted to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Case {
    /// Fields, methods, arguments: `msg_id`.
    Snake,
    /// Types and variants: `SendSmsRequest`.
    UpperCamel,
}

/// The Rust name for `name` in `case`. `fallback` (e.g. `field`, `Type`) prefixes a name that
/// would start with a digit and stands in for a name with no letters or digits at all.
pub(crate) fn rust_ident(name: &str, case: Case, fallback: &str) -> RustName {
    let words = words(name);
    let converted = match case {
        Case::Snake => words.to_snake_case(),
        Case::UpperCamel => words.to_upper_camel_case(),
    };
    match converted.chars().next() {
        None => RustName::new(fallback),
        Some(first) if first.is_ascii_digit() => match case {
            Case::Snake => RustName::new(&format!("{fallback}_{converted}")),
            Case::UpperCamel => RustName::new(&format!("{fallback}{converted}")),
        },
        Some(_) => RustName::new(&converted),
    }
}

/// The name of a type the generated crate derives from spec name `name` (`send_sms` + `query`
/// -> `SendSmsQuery`), converted from words so that keywords need no escape (`self` ->
/// `SelfQuery`, where the name alone would be `Self_`).
pub(crate) fn derived_type(name: &str, suffix: &str, fallback: &str) -> RustName {
    rust_ident(&format!("{name} {suffix}"), Case::UpperCamel, fallback)
}

/// SHOUTY_SNAKE_CASE for environment variable names; `fallback` when nothing is left.
pub(crate) fn shouty(name: &str, fallback: &str) -> String {
    let converted = words(name).to_shouty_snake_case();
    if converted.is_empty() {
        fallback.to_owned()
    } else {
        converted
    }
}

/// `name` with every character other than an ASCII letter or digit turned into a word break.
fn words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// The Rust names taken so far in one namespace (the fields of one struct, all types, ...).
pub(crate) struct Names {
    kind: NameKind,
    taken: HashMap<String, (String, Location)>,
}

impl Names {
    pub(crate) fn new(kind: NameKind) -> Names {
        Names {
            kind,
            taken: HashMap::new(),
        }
    }

    /// Takes `rust_name` for spec name `name` (written at `at`); the problem if it is taken.
    pub(crate) fn claim(
        &mut self,
        rust_name: &str,
        name: &str,
        at: Location,
    ) -> Result<(), Problem> {
        match self.taken.get(rust_name) {
            Some((other, first)) if other == name => Err(Problem::Duplicate {
                kind: self.kind,
                name: name.to_owned(),
                first: Some(*first),
            }),
            Some((other, first)) => Err(Problem::NameCollision {
                kind: self.kind,
                name: name.to_owned(),
                other: other.clone(),
                rust_name: rust_name.to_owned(),
                first: Some(*first),
            }),
            None => {
                self.taken
                    .insert(rust_name.to_owned(), (name.to_owned(), at));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_case() {
        assert_eq!(rust_ident("msgId", Case::Snake, "field"), "msg_id");
        assert_eq!(rust_ident("X-API-KEY", Case::Snake, "field"), "x_api_key");
        assert_eq!(
            rust_ident("accepting_chats", Case::UpperCamel, "Value"),
            "AcceptingChats"
        );
        assert_eq!(
            rust_ident("chats--all:ro", Case::UpperCamel, "Scope"),
            "ChatsAllRo"
        );
    }

    #[test]
    fn escapes_keywords() {
        assert_eq!(rust_ident("type", Case::Snake, "field"), "r#type");
        assert_eq!(rust_ident("from", Case::Snake, "field"), "from");
        assert_eq!(rust_ident("async", Case::Snake, "field"), "r#async");
        assert_eq!(rust_ident("self", Case::Snake, "field"), "self_");
        assert_eq!(rust_ident("Self", Case::UpperCamel, "Type"), "Self_");
        assert_eq!(rust_ident("crate", Case::Snake, "field"), "crate_");
    }

    #[test]
    fn derived_types_are_built_from_words() {
        assert_eq!(derived_type("send_sms", "query", "Op"), "SendSmsQuery");
        assert_eq!(derived_type("self", "event", "Event"), "SelfEvent");
        assert_eq!(derived_type("!", "headers", "Op"), "Headers");
    }

    #[test]
    fn invents_names_for_unusable_input() {
        assert_eq!(rust_ident("2fa", Case::Snake, "field"), "field_2fa");
        assert_eq!(rust_ident("2xx", Case::UpperCamel, "Value"), "Value2xx");
        assert_eq!(rust_ident("---", Case::Snake, "field"), "field");
        assert_eq!(rust_ident("é", Case::UpperCamel, "Value"), "Value");
        assert_eq!(rust_ident("", Case::UpperCamel, "Value"), "Value");
        assert_eq!(shouty("brand_host", "VAR"), "BRAND_HOST");
        assert_eq!(shouty("{}", "VAR"), "VAR");
    }

    #[test]
    fn reports_collisions_and_repeats() {
        let at = Location { line: 1, column: 1 };
        let mut names = Names::new(NameKind::Field);
        assert!(names.claim("msg_id", "msgId", at).is_ok());
        assert!(matches!(
            names.claim("msg_id", "msg_id", at),
            Err(Problem::NameCollision { .. })
        ));
        assert!(matches!(
            names.claim("msg_id", "msgId", at),
            Err(Problem::Duplicate { .. })
        ));
    }
}
