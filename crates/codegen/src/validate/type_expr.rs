//! Type expressions (`string`, `list<Contact>`, `map<list<integer>>`): a small recursive-descent
//! parser whose errors carry the character offset of the problem, so diagnostics can point
//! inside the expression.

/// A parsed type expression, before type names are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Builtin(Builtin),
    List(Box<Expr>),
    Map(Box<Expr>),
    /// A type name, and the offset where it starts.
    Name(String, usize),
}

/// The scalar builtins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    String,
    Integer,
    Number,
    Boolean,
    Json,
}

/// Why an expression does not parse, and at which character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub offset: usize,
    pub reason: &'static str,
}

/// Names with a meaning of their own: a declared type cannot take them.
pub(crate) const RESERVED: &[&str] = &[
    "string", "integer", "number", "boolean", "json", "list", "map",
];

/// Spellings from other languages, mapped to what the spec calls them (for did-you-mean).
pub(crate) fn builtin_alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "str" | "String" | "text" => "string",
        "int" | "i32" | "i64" | "u32" | "u64" | "long" => "integer",
        "float" | "f32" | "f64" | "double" | "decimal" => "number",
        "bool" | "Boolean" => "boolean",
        "any" | "object" | "value" | "Value" => "json",
        "array" | "vec" | "Vec" => "list<T>",
        "dict" | "HashMap" | "object<T>" => "map<T>",
        _ => return None,
    })
}

/// How deeply `list<...>` and `map<...>` may nest; deeper is surely a mistake, and the limit
/// keeps the parser's recursion bounded on any input.
const MAX_DEPTH: usize = 16;

/// Parses a whole type expression.
pub(crate) fn parse(text: &str) -> Result<Expr, ExprError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let expr = parser.expr(0)?;
    parser.skip_spaces();
    match parser.peek() {
        None => Ok(expr),
        Some('>') => Err(parser.error("`>` without `<`")),
        Some(_) => Err(parser.error("unexpected text after the type")),
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn expr(&mut self, depth: usize) -> Result<Expr, ExprError> {
        if depth > MAX_DEPTH {
            return Err(self.error("types nest too deeply"));
        }
        self.skip_spaces();
        let start = self.pos;
        let name = self.name();
        if name.is_empty() {
            return Err(self.error(match self.peek() {
                None => "expected a type",
                Some(_) => "expected a type name",
            }));
        }
        self.skip_spaces();
        let generic = self.peek() == Some('<');
        match (name.as_str(), generic) {
            ("list" | "map", true) => {
                self.pos += 1;
                let item = Box::new(self.expr(depth + 1)?);
                self.skip_spaces();
                if self.peek() != Some('>') {
                    return Err(self.error("expected `>`"));
                }
                self.pos += 1;
                Ok(if name == "list" {
                    Expr::List(item)
                } else {
                    Expr::Map(item)
                })
            }
            ("list" | "map", false) => Err(ExprError {
                offset: start,
                reason: "`list` and `map` need an item type, e.g. `list<string>`",
            }),
            (_, true) => Err(ExprError {
                offset: start,
                reason: "only `list` and `map` take a type argument",
            }),
            ("string", false) => Ok(Expr::Builtin(Builtin::String)),
            ("integer", false) => Ok(Expr::Builtin(Builtin::Integer)),
            ("number", false) => Ok(Expr::Builtin(Builtin::Number)),
            ("boolean", false) => Ok(Expr::Builtin(Builtin::Boolean)),
            ("json", false) => Ok(Expr::Builtin(Builtin::Json)),
            (_, false) => Ok(Expr::Name(name, start)),
        }
    }

    /// A run of name characters (letters, digits, `_`, `-`, `.`), possibly empty.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn error(&self, reason: &'static str) -> ExprError {
        ExprError {
            offset: self.pos,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_generics_and_names() {
        assert_eq!(
            parse("map< list<Contact> >"),
            Ok(Expr::Map(Box::new(Expr::List(Box::new(Expr::Name(
                "Contact".into(),
                10
            ))))))
        );
        assert_eq!(parse(" integer "), Ok(Expr::Builtin(Builtin::Integer)));
    }

    #[test]
    fn reports_offsets() {
        let error = |text: &str| parse(text).err().map(|e| (e.offset, e.reason));
        assert_eq!(error(""), Some((0, "expected a type")));
        assert_eq!(error("list<string"), Some((11, "expected `>`")));
        assert_eq!(
            error("list"),
            Some((0, "`list` and `map` need an item type, e.g. `list<string>`"))
        );
        assert_eq!(
            error("string<x>"),
            Some((0, "only `list` and `map` take a type argument"))
        );
        assert_eq!(error("list<x>>"), Some((7, "`>` without `<`")));
        assert_eq!(error("a b"), Some((2, "unexpected text after the type")));
        assert_eq!(error("list<>"), Some((5, "expected a type name")));
    }

    #[test]
    fn bounds_nesting() {
        let deep = format!("{}string{}", "list<".repeat(100), ">".repeat(100));
        assert_eq!(
            parse(&deep).err().map(|e| e.reason),
            Some("types nest too deeply")
        );
    }
}
