//! [`RustName`]: the one type of every Rust name in the model, so that whether a name is raw
//! (`r#type`) is known in one place and no emitter strips or adds `r#` itself.

use std::borrow::Cow;
use std::fmt;

use proc_macro2::{Ident, Span};

/// Keywords of Rust 2015-2024, strict and reserved; each makes a plain identifier invalid.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// Whether `name` is a Rust keyword.
pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A valid Rust identifier, as generated code writes it: ASCII letters, digits and `_`, not
/// starting with a digit, raw when it is a keyword (`r#type`). Names are chosen by validation
/// (from spec names, see `validate::names`) or fixed by the generator ([`RustName::fixed`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RustName {
    /// As written in code, `r#` included.
    written: Cow<'static, str>,
    raw: bool,
}

impl RustName {
    /// The name for `identifier`: raw when it is a keyword that can be raw (`type` ->
    /// `r#type`), with a trailing `_` when it is one that cannot (`self` -> `self_`).
    ///
    /// # Panics
    ///
    /// When `identifier` is not made of ASCII letters, digits and `_` or starts with a digit:
    /// converting a spec name (`validate::names`) always yields such a word.
    pub fn new(identifier: &str) -> RustName {
        let shaped = identifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && identifier
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii_digit());
        assert!(shaped, "`{identifier}` is not an identifier");
        let (written, raw) = if NOT_RAW.contains(&identifier) {
            (format!("{identifier}_"), false)
        } else if is_keyword(identifier) {
            (format!("r#{identifier}"), true)
        } else {
            (identifier.to_owned(), false)
        };
        RustName {
            written: Cow::Owned(written),
            raw,
        }
    }

    /// A name the generator itself fixes (an argument, a module), for a `const`: it must be an
    /// identifier and no keyword, which [`RustName::new`] would escape.
    pub const fn fixed(identifier: &'static str) -> RustName {
        RustName {
            written: Cow::Borrowed(identifier),
            raw: false,
        }
    }

    /// The name as code writes it: `r#type`, `msg_id`.
    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// The name without `r#`: what rustdoc links and serde's field names compare against.
    pub fn unraw(&self) -> &str {
        if self.raw {
            &self.written[2..]
        } else {
            &self.written
        }
    }

    /// The identifier token.
    pub fn to_ident(&self) -> Ident {
        if self.raw {
            Ident::new_raw(self.unraw(), Span::call_site())
        } else {
            Ident::new(self.as_str(), Span::call_site())
        }
    }
}

impl fmt::Display for RustName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for RustName {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RustName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_suffixed() {
        let ty = RustName::new("type");
        assert_eq!((ty.as_str(), ty.unraw()), ("r#type", "type"));
        assert_eq!(ty.to_ident().to_string(), "r#type");
        let this = RustName::new("self");
        assert_eq!((this.as_str(), this.unraw()), ("self_", "self_"));
        assert_eq!(RustName::new("Self"), "Self_");
        assert_eq!(RustName::new("msg_id").to_ident().to_string(), "msg_id");
    }

    #[test]
    fn fixed_names_equal_chosen_ones() {
        assert_eq!(RustName::fixed("query"), RustName::new("query"));
    }

    #[test]
    #[should_panic(expected = "not an identifier")]
    fn refuses_what_is_no_identifier() {
        RustName::new("1st");
    }
}
