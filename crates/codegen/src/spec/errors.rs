//! Turns serde_yaml's errors (syntax, unknown keys, wrong types) into [`Problem`]s.
//!
//! serde_yaml only exposes a message string and a location, so this reads the message's stable
//! serde phrasings ("unknown field `x`, expected one of `a`, `b`") back into structured causes,
//! which is what lets an unknown key get a did-you-mean.

use crate::diagnostic::{closest, Finding, Location, Problem};

/// The finding for a deserialization error, at serde_yaml's location (start of file if none).
pub(super) fn finding(error: &serde_yaml::Error) -> Finding {
    let location = error.location().map(|at| Location {
        line: at.line(),
        column: at.column(),
    });
    let message = bare_message(&error.to_string(), location);
    let at = location.unwrap_or(Location { line: 1, column: 1 });
    Finding::new(Some(at), problem(&message))
}

/// The message without serde_yaml's `path: ` prefix and the ` at line L column C` of its own
/// location, both of which the diagnostic shows in its own way.
fn bare_message(message: &str, location: Option<Location>) -> String {
    let message = match message.split_once(": ") {
        Some((path, rest)) if !path.contains([' ', '`']) => rest,
        _ => message,
    };
    match location {
        Some(at) => message.replacen(&format!(" at line {} column {}", at.line, at.column), "", 1),
        None => message.to_owned(),
    }
}

fn problem(message: &str) -> Problem {
    let quoted = backquoted(message);
    let (first, rest) = match quoted.split_first() {
        Some((first, rest)) => (first.clone(), rest.to_vec()),
        None => (String::new(), Vec::new()),
    };
    if message.starts_with("unknown field") {
        Problem::UnknownKey {
            suggestion: closest(&first, rest.iter().map(String::as_str)),
            key: first,
            expected: rest,
        }
    } else if message.starts_with("unknown variant") {
        Problem::UnknownValue {
            suggestion: closest(&first, rest.iter().map(String::as_str)),
            value: first,
            expected: rest,
        }
    } else if message.starts_with("missing field") {
        Problem::MissingKey { key: first }
    } else if message.starts_with("duplicate field") {
        Problem::DuplicateKey {
            key: first,
            first: None,
        }
    } else if let Some(types) = message.strip_prefix("invalid type: ") {
        let (found, expected) = types.split_once(", expected ").unwrap_or((types, "?"));
        Problem::WrongType {
            found: plain(found),
            expected: plain(expected),
        }
    } else if let Some(detail) = message.strip_prefix("invalid value: ") {
        Problem::InvalidValue {
            detail: detail.to_owned(),
        }
    } else {
        Problem::Yaml {
            detail: message.to_owned(),
        }
    }
}

/// serde's words for YAML values (`sequence`, `struct Operation`, `u16`) in the spec's terms.
fn plain(serde_words: &str) -> String {
    if let Some(name) = serde_words.strip_prefix("struct ") {
        return format!("a mapping ({name})");
    }
    match serde_words {
        "sequence" | "a sequence" => "a list",
        "map" | "a map" => "a mapping",
        "unit value" => "null",
        "u16" => "a whole number from 0 to 65535",
        "u64" => "a whole number of at least 0",
        "a YAML tag starting with '!'" => "a single value",
        _ => serde_words,
    }
    .to_owned()
}

/// The `backquoted` words of a serde message, in order.
fn backquoted(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_path_and_position() {
        let at = Some(Location { line: 5, column: 5 });
        let message = "ops.a: unknown field `pth`, expected `path` or `x` at line 5 column 5";
        let syntax = "found unexpected end of stream at line 3 column 1, while scanning a quoted scalar at line 2 column 8";
        assert_eq!(
            bare_message(syntax, Some(Location { line: 3, column: 1 })),
            "found unexpected end of stream, while scanning a quoted scalar at line 2 column 8"
        );
        assert_eq!(
            bare_message(message, at),
            "unknown field `pth`, expected `path` or `x`"
        );
        assert_eq!(
            bare_message("invalid type: sequence, expected a string", None),
            "invalid type: sequence, expected a string"
        );
    }

    #[test]
    fn reads_unknown_field_with_suggestion() {
        let problem = problem("unknown field `pth`, expected one of `path`, `method`");
        assert_eq!(
            problem,
            Problem::UnknownKey {
                key: "pth".into(),
                expected: vec!["path".into(), "method".into()],
                suggestion: Some("path".into()),
            }
        );
    }

    #[test]
    fn reads_wrong_types() {
        assert_eq!(
            problem("invalid type: sequence, expected a string"),
            Problem::WrongType {
                found: "a list".into(),
                expected: "a string".into()
            }
        );
        assert_eq!(
            problem("invalid type: sequence, expected struct Operation"),
            Problem::WrongType {
                found: "a list".into(),
                expected: "a mapping (Operation)".into()
            }
        );
    }
}
