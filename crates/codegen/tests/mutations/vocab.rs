//! The hostile vocabulary: names that collide with Rust or with what the generator emits, text
//! that must be escaped wherever it lands, numbers at the edges, and type expressions.

use super::rng::Rng;

/// Rust keywords, strict and reserved, including those that cannot be raw identifiers.
const KEYWORDS: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "fn",
    "mut",
    "async",
    "await",
    "dyn",
    "impl",
    "move",
    "ref",
    "return",
    "static",
    "struct",
    "trait",
    "union",
    "unsafe",
    "use",
    "where",
    "while",
    "yield",
    "abstract",
    "try",
    "macro_rules",
    "gen",
    "match",
    "loop",
    "let",
    "mod",
    "pub",
    "extern",
    "enum",
    "const",
    "as",
    "in",
    "for",
    "if",
    "else",
    "true",
    "false",
];

/// Prelude, std and dependency names a generated crate refers to.
const PRELUDE: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Result",
    "String",
    "Vec",
    "Box",
    "Into",
    "From",
    "FnOnce",
    "Fn",
    "FnMut",
    "IntoIterator",
    "Iterator",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "ToString",
    "ToOwned",
    "AsRef",
    "Debug",
    "Display",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
    "Arc",
    "Duration",
    "Value",
    "serde",
    "serde_json",
    "std",
    "core",
    "alloc",
    "provider_runtime",
    "codegen",
    "bench",
    "e2e",
    "slab",
    "tokio",
    "reqwest",
    "test",
    "proc_macro",
    "Method",
    "OAuth2Setup",
];

/// Names of items, methods and parameters the generated crate defines itself: the reserved
/// methods, and the root items and modules a spec type may now share a name with (it lives in the
/// `types` module).
const GENERATED: &[&str] = &[
    "types",
    "Types",
    "Provider",
    "Scheme",
    "PROVIDER",
    "SCOPES",
    "AccessToken",
    "Password",
    "http",
    "grant",
    "build",
    "builder",
    "request",
    "token",
    "oauth2_source",
    "base_url",
    "oauth2",
    "oauth2_public",
    "api_key",
    "client_credentials",
    "password",
    "timeout",
    "token_store",
    "token_url",
    "authorize_url",
    "http_client",
    "from_env",
    "new",
    "default",
    "unknown",
    "Unknown",
    "Other",
    "other",
    "Client",
    "ClientBuilder",
    "Scope",
    "Error",
    "Token",
    "WebhookEvent",
    "body",
    "query",
    "headers",
    "path",
    "api",
    "set_token",
    "granted_scopes",
    "finish_authorization",
    "client",
    "inner",
    "config",
    "send",
    "call",
    "decode_error",
    "UnknownScope",
    "SendSmsQuery",
    "FooQuery",
    "FooHeaders",
    "FooEvent",
    "Event",
    "x-key",
    "pat",
    "basic",
    "bearer",
    "as_str",
    "from_slice",
    "fmt",
    "serialize",
    "deserialize",
];

/// Names that differ only in case or punctuation from each other or from seed names.
const LOOKALIKES: &[&str] = &[
    "apiKey", "api_key", "ApiKey", "api-key", "API_KEY", "api key", "api.key", "sendSms",
    "send_sms", "SendSms", "send-sms", "msgId", "msg_id", "MsgId", "Contact", "contact", "CONTACT",
    "a-b", "a_b", "aB", "A_B", "x__y", "__", "_x", "x_",
];

/// Digits first, empty, punctuation only, non-ASCII, and very long names.
const ODD: &[&str] = &[
    "1st",
    "0",
    "2fa",
    "123",
    "9Lives",
    "",
    "_",
    "@",
    "-",
    ".",
    "::",
    "a::b",
    "a b",
    " ",
    "$",
    "%",
    "?",
    "!",
    "@home",
    "-x",
    "x-",
    "naïve",
    "Ωmega",
    "日本語",
    "🦀",
    "a\u{202e}b",
    "é",
    "ß",
    "ǅ",
    "İ",
    "x\u{0}y",
    "a\tb",
    "a\nb",
    "r#type",
    "r#self",
    "{x}",
    "<T>",
    "a,b",
    "'q'",
    "\"q\"",
];

/// A name from every class, or a very long one now and then.
pub fn name(rng: &mut Rng) -> String {
    match rng.weighted(&[5, 5, 5, 3, 5, 1]) {
        0 => rng.pick(KEYWORDS).to_string(),
        1 => rng.pick(PRELUDE).to_string(),
        2 => rng.pick(GENERATED).to_string(),
        3 => rng.pick(LOOKALIKES).to_string(),
        4 => rng.pick(ODD).to_string(),
        _ => long_name(rng),
    }
}

fn long_name(rng: &mut Rng) -> String {
    let length = *rng.pick(&[64, 255, 1_000, 10_000]);
    let unit = *rng.pick(&["a", "A_", "x1", "é", "🦀"]);
    unit.repeat(length / unit.len().max(1) + 1)
}

/// Fragments that break naive escaping in Rust source, doc comments, TOML or terminals.
const FRAGMENTS: &[&str] = &[
    "\0",
    "\u{1}",
    "\u{7}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}[31m",
    "\u{7f}",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{202e}",
    "\u{202a}",
    "\u{2066}",
    "\u{2069}",
    "\u{200f}",
    "\u{200b}",
    "\u{feff}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "*/",
    "/*",
    "/**",
    "//",
    "\"",
    "\\",
    "\\\"",
    "{",
    "}",
    "{}",
    "{{",
    "}}",
    "#",
    "#!",
    "#[",
    "# heading",
    "```",
    "```rust\npanic!()\n```",
    "<script>",
    "'",
    "`",
    "\\u{0}",
    "r#\"",
    "\"#",
    "\"\"\"",
    "'''",
    "${x}",
    "%s",
    "[",
    "]",
    "]]",
    "[[",
    "---",
    "...",
    ": ",
    "- ",
    "&a",
    "*a",
    "!tag",
    "|",
    ">",
    "Ω≈ç",
    "🦀",
    "👨\u{200d}👩\u{200d}👧",
    "\u{fdfa}",
    "\u{fffd}",
    "\u{10ffff}",
    "e\u{301}",
    "[link](javascript:x)",
    "<!--",
    "-->",
    "@",
    "=",
    "\\n",
    "\\x00",
    "\u{0}\u{0}\u{0}",
];

/// Hostile text, sometimes 10 KB of it.
pub fn text(rng: &mut Rng) -> String {
    match rng.weighted(&[6, 3, 1]) {
        0 => rng.pick(FRAGMENTS).to_string(),
        1 => (0..1 + rng.below(4))
            .map(|_| *rng.pick(FRAGMENTS))
            .collect::<Vec<_>>()
            .join("x"),
        _ => rng
            .pick(&["x", "é", "🦀", "\u{202e}", "\\", "\"", " "])
            .repeat(10_240),
    }
}

/// Replaces `original` with hostile text, or puts hostile text inside it.
pub fn text_into(rng: &mut Rng, original: &str) -> String {
    let hostile = text(rng);
    if rng.chance(40) || original.is_empty() {
        return hostile;
    }
    let boundaries: Vec<usize> = original
        .char_indices()
        .map(|(i, _)| i)
        .chain([original.len()])
        .collect();
    let at = *rng.pick(&boundaries);
    format!("{}{hostile}{}", &original[..at], &original[at..])
}

/// Numbers at the edges of every integer and float type.
pub fn number(rng: &mut Rng) -> serde_yaml::Value {
    use serde_yaml::{Number, Value};
    match rng.below(14) {
        0 => Value::Number(Number::from(u64::MAX)),
        1 => Value::Number(Number::from(i64::MIN)),
        2 => Value::Number(Number::from(-1)),
        3 => Value::Number(Number::from(0)),
        4 => Value::Number(Number::from(1.5)),
        5 => Value::Number(Number::from(1e308)),
        6 => Value::Number(Number::from(f64::NAN)),
        7 => Value::Number(Number::from(f64::INFINITY)),
        8 => Value::Number(Number::from(65_536)),
        9 => Value::Number(Number::from(u64::from(u32::MAX) + 1)),
        10 => Value::Number(Number::from(-0.0)),
        11 => Value::Number(Number::from(600)),
        12 => Value::Number(Number::from(99)),
        _ => Value::Number(Number::from(i64::MAX)),
    }
}

/// A type expression: malformed, undefined, foreign syntax, or valid but unusual. `declared`
/// are the spec's type names; `own` the enclosing type's, for self references.
pub fn type_expr(rng: &mut Rng, declared: &[String], own: Option<&str>) -> String {
    let named = if declared.is_empty() {
        "string".to_owned()
    } else {
        rng.pick(declared).clone()
    };
    let own = own.map_or_else(|| named.clone(), str::to_owned);
    let forms = [
        format!("[{named}]"),
        format!("map<string, {named}>"),
        format!("map<{named}>"),
        format!("list<{named}>"),
        format!("list<list<{named}>>"),
        format!("map<list<map<{named}>>>"),
        format!("list < {named} >"),
        own.clone(),
        format!("list<{own}>"),
        format!("map<{own}>"),
        "Undefined".to_owned(),
        format!("{named}s"),
        format!("Option<{named}>"),
        format!("Vec<{named}>"),
        format!("{named}?"),
        "list<".to_owned(),
        "list<>".to_owned(),
        ">".to_owned(),
        "<string>".to_owned(),
        "list<string".to_owned(),
        "list<string>>".to_owned(),
        "map<string, string, string>".to_owned(),
        "".to_owned(),
        " ".to_owned(),
        "json".to_owned(),
        "bool".to_owned(),
        "integer".to_owned(),
        "number".to_owned(),
        "boolean".to_owned(),
        "list<json>".to_owned(),
        format!("{}string{}", "list<".repeat(17), ">".repeat(17)),
        format!("{}string{}", "list<".repeat(16), ">".repeat(16)),
        format!("{}string{}", "list<".repeat(2_000), ">".repeat(2_000)),
        name(rng),
        format!("list<{}>", name(rng)),
    ];
    rng.pick(&forms).clone()
}
