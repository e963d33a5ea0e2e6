//! Deserialization errors as [`Problem`]s at the node they concern.
//!
//! serde reports each cause through its own method of [`serde::de::Error`] (an unknown field
//! with the fields expected, a missing field, a wrong type), so each becomes its [`Problem`]
//! variant directly, and an unknown key gets its did-you-mean; the deserializer adds where.

use std::fmt;

use serde::de::{Expected, Unexpected};

use super::libyaml::SyntaxError;
use crate::diagnostic::{closest, Finding, Location, Problem};

const START: Location = Location { line: 1, column: 1 };

/// A problem found while deserializing, located once a node claims it.
#[derive(Debug)]
pub struct Error(Box<Finding>);

impl Error {
    pub(super) fn new(problem: Problem) -> Error {
        Error(Box::new(Finding::new(None, problem)))
    }

    pub(super) fn at(problem: Problem, at: Location) -> Error {
        Error::new(problem).or_at(at)
    }

    /// This error, at `at` unless a node inside has already located it.
    pub(super) fn or_at(mut self, at: Location) -> Error {
        self.0.location.get_or_insert(at);
        self
    }

    /// libyaml's syntax error, worded as serde_yaml words it: the context's position is named
    /// when it is known (libyaml leaves it at the start of the file when not) and differs.
    pub(super) fn syntax(error: SyntaxError) -> Error {
        let mut detail = error.problem;
        if let Some((context, at)) = error.context {
            detail = format!("{detail}, {context}");
            if at != error.at && at != START {
                detail = format!("{detail} at line {} column {}", at.line, at.column);
            }
        }
        Error::at(Problem::Yaml { detail }, error.at)
    }

    pub(super) fn problem(&self) -> &Problem {
        &self.0.problem
    }

    /// The finding, at the start of the file if no node claimed it.
    pub(super) fn into_finding(self) -> Finding {
        let mut finding = *self.0;
        finding.location.get_or_insert(START);
        finding
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.problem.fmt(f)
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error::new(Problem::InvalidValue {
            detail: message.to_string(),
        })
    }

    fn invalid_type(found: Unexpected<'_>, expected: &dyn Expected) -> Error {
        Error::new(Problem::WrongType {
            found: plain(&found.to_string()),
            expected: plain(&expected.to_string()),
        })
    }

    fn invalid_value(found: Unexpected<'_>, expected: &dyn Expected) -> Error {
        Error::new(Problem::InvalidValue {
            detail: format!("{found}, expected {expected}"),
        })
    }

    fn unknown_variant(value: &str, expected: &'static [&'static str]) -> Error {
        Error::new(Problem::UnknownValue {
            value: value.to_owned(),
            expected: owned(expected),
            suggestion: closest(value, expected.iter().copied()),
        })
    }

    fn unknown_field(key: &str, expected: &'static [&'static str]) -> Error {
        Error::new(Problem::UnknownKey {
            key: key.to_owned(),
            expected: owned(expected),
            suggestion: closest(key, expected.iter().copied()),
        })
    }

    fn missing_field(key: &'static str) -> Error {
        Error::new(Problem::MissingKey {
            key: key.to_owned(),
        })
    }

    fn duplicate_field(key: &'static str) -> Error {
        Error::new(Problem::DuplicateKey {
            key: key.to_owned(),
            first: None,
        })
    }
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
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
        _ => serde_words,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use serde::de::Error as _;

    use super::*;

    #[test]
    fn unknown_fields_get_a_suggestion() {
        let error = Error::unknown_field("pth", &["path", "method"]);
        assert_eq!(
            *error.problem(),
            Problem::UnknownKey {
                key: "pth".into(),
                expected: vec!["path".into(), "method".into()],
                suggestion: Some("path".into()),
            }
        );
    }

    #[test]
    fn wrong_types_are_named_in_spec_terms() {
        let error = Error::invalid_type(Unexpected::Seq, &"struct Operation");
        assert_eq!(
            *error.problem(),
            Problem::WrongType {
                found: "a list".into(),
                expected: "a mapping (Operation)".into()
            }
        );
    }

    #[test]
    fn the_innermost_location_wins() {
        let inner = Location { line: 3, column: 5 };
        let outer = Location { line: 1, column: 1 };
        let error = Error::missing_field("path").or_at(inner).or_at(outer);
        assert_eq!(error.into_finding().location, Some(inner));
    }

    #[test]
    fn syntax_errors_read_as_before() {
        let error = Error::syntax(SyntaxError {
            problem: "did not find expected ',' or '}'".into(),
            at: Location { line: 6, column: 1 },
            context: Some((
                "while parsing a flow mapping".into(),
                Location { line: 5, column: 8 },
            )),
        });
        assert_eq!(
            error.to_string(),
            "invalid YAML: did not find expected ',' or '}', while parsing a flow mapping at line 5 column 8"
        );
    }
}
