//! Hostile text, URLs, values and YAML: each is refused with a diagnostic at the offending
//! character and a help line naming the fix, or accepted into output that escapes it; nothing
//! panics. The denial-of-service inputs are large enough (hundreds of kilobytes to megabytes)
//! that a quadratic regression makes these tests take minutes instead of milliseconds; they
//! assert on what keeps the work bounded (where the diagnostic points, how long its output is).

mod common;

use common::{with, BASE};

use codegen::diagnostic::Diagnostics;

fn refused(yaml: &str) -> Diagnostics {
    match codegen::parse_str("hostile.yaml", yaml) {
        Ok(_) => panic!("accepted:\n{yaml}"),
        Err(diagnostics) => diagnostics,
    }
}

fn accepted(yaml: &str) -> codegen::model::Provider {
    codegen::parse_str("hostile.yaml", yaml).unwrap_or_else(|d| panic!("{d}"))
}

/// Asserts that `yaml` is refused with a diagnostic whose message contains `message`, at
/// `line:column`, with a help line containing `help`; returns the rendering.
#[track_caller]
fn assert_refused(yaml: &str, message: &str, at: (usize, usize), help: &str) -> String {
    let diagnostics = refused(yaml);
    let rendered = diagnostics.to_string();
    let found = diagnostics
        .iter()
        .find(|d| d.message().contains(message))
        .unwrap_or_else(|| panic!("no `{message}` in\n{rendered}"));
    assert_eq!(
        found.location.map(|l| (l.line, l.column)),
        Some(at),
        "{rendered}"
    );
    assert!(
        found.help().is_some_and(|h| h.contains(help)),
        "help lacks `{help}`:\n{rendered}"
    );
    assert!(rendered.contains(&format!("hostile.yaml:{}:{}", at.0, at.1)));
    rendered
}

#[test]
fn control_characters_written_directly_are_located() {
    assert_refused(
        &with("description: a\u{1}b\n"),
        "control character \\u{1}",
        (6, 15),
        "remove it",
    );
    assert_refused(
        &with("# a comment \u{7f}\n"),
        "control character",
        (6, 13),
        "remove it",
    );
    // A lone carriage return: YAML counts it as a line break, editors and diagnostics do not.
    assert_refused(
        &with("description: a\rb\n"),
        "control character \\u{d}",
        (6, 15),
        "remove it",
    );
    // CRLF line endings and tabs in text are fine.
    accepted(&format!(
        "{}description: \"a\tb\"\r\n",
        BASE.replace('\n', "\r\n")
    ));
}

#[test]
fn control_and_bidi_characters_written_as_escapes_are_located_at_the_escape() {
    assert_refused(
        &with("description: \"abc\\u202Edef\"\n"),
        "bidirectional-text control \\u{202e}",
        (6, 18),
        "remove it",
    );
    assert_refused(
        &BASE.replace("title: Demo", "title: \"A \\\"q\\\" \\0\""),
        "control character \\u{0}",
        (2, 17),
        "remove it",
    );
    assert_refused(
        &with("types:\n  E:\n    enum: [\"a\\rb\"]\n"),
        "control character \\u{d}",
        (8, 14),
        "remove it",
    );
    // In a key, and over several lines of a quoted scalar.
    assert_refused(
        &with("types:\n  \"T\\u2066\": { fields: {} }\n"),
        "bidirectional-text control \\u{2066}",
        (7, 5),
        "remove it",
    );
    assert_refused(
        &with("description: \"first line\n  second \\x1b line\"\n"),
        "control character \\u{1b}",
        (7, 10),
        "remove it",
    );
}

#[test]
fn bidi_characters_written_directly_are_refused_anywhere() {
    assert_refused(
        &with("description: |\n  text \u{202e} more\n"),
        "bidirectional-text control \\u{202e}",
        (7, 8),
        "remove it",
    );
    assert_refused(
        &with("types:\n  A\u{200f}: { fields: {} }\n"),
        "bidirectional-text control",
        (7, 4),
        "remove it",
    );
}

#[test]
fn carets_inside_double_quoted_strings_map_through_escapes() {
    // `\u0061` is one character (`a`) written as six.
    let yaml = BASE.replace(
        "base_url: https://api.example.com",
        "base_url: \"https://\\u0061pi.example.com/{nope}\"",
    );
    let rendered = assert_refused(
        &yaml,
        "template variable `nope` is not declared",
        (3, 42),
        "declare it",
    );
    assert!(
        rendered.contains("\n  |                                          ^"),
        "{rendered}"
    );
    // `''` in a single-quoted string is one quote.
    let yaml = with("operations:\n  a:\n    summary: A\n    method: GET\n    path: '/it''s/{x'\n");
    assert_refused(&yaml, "`{` is never closed", (10, 19), "placeholders");
}

#[test]
fn a_byte_order_mark_is_ignored_consistently() {
    let provider = accepted(&format!("\u{feff}{}", with("description: Docs\n")));
    assert_eq!(provider.title, "Demo");
    assert_eq!(provider.description.as_deref(), Some("Docs"));
    // Columns on the first line count from after the mark, as editors show them.
    let yaml = format!("\u{feff}{}", BASE.replace("name: demo", "name: Demo"));
    let rendered = assert_refused(&yaml, "invalid crate name", (1, 7), "lowercase");
    assert!(rendered.contains("1 | name: Demo\n"), "{rendered}");
}

#[test]
fn a_second_document_is_refused_where_it_starts() {
    assert_refused(
        &with("---\nname: other\n"),
        "a second one starts here",
        (6, 1),
        "remove this `---`",
    );
    // An explicit start of the only document is fine.
    accepted(&format!("---\n{BASE}"));
}

#[test]
fn deep_nesting_is_refused_before_the_yaml_parsers_run() {
    // 200 KB of `[`: the YAML parsers took 29 s on this before their own depth limits.
    let flow = with(&format!("description: {}\n", "[".repeat(200_000)));
    let rendered = assert_refused(&flow, "nested more than 64 levels", (6, 77), "unclosed");
    assert!(rendered.len() < 2_000, "{} bytes", rendered.len());
    // Compact block sequences nest one level per `- ` on a single line.
    let block = with(&format!("description:\n  {}x\n", "- ".repeat(100_000)));
    assert_refused(&block, "nested more than 64 levels", (7, 129), "unclosed");
    let map = with(&format!("description: {}\n", "{a: ".repeat(100_000)));
    assert_refused(&map, "nested more than 64 levels", (6, 266), "unclosed");
}

#[test]
fn oversized_specs_are_refused() {
    let huge = with(&format!("description: {}\n", "x".repeat(5 << 20)));
    let diagnostics = refused(&huge);
    let message = diagnostics.iter().next().map(|d| d.message());
    assert!(message.is_some_and(|m| m.contains("more than the limit")));
    assert!(diagnostics.to_string().len() < 1_000);
}

#[test]
fn suggestions_for_huge_names_are_bounded() {
    // A 1 MB undefined type name among 30 declared types: "did you mean" used to take 9.7 s and
    // print 3 MB.
    let types: String = (0..30)
        .map(|i| format!("  Type{i}: {{ fields: {{}} }}\n"))
        .collect();
    let name = "T".repeat(1 << 20);
    let yaml = with(&format!("error: {name}\ntypes:\n{types}"));
    let rendered = assert_refused(&yaml, "undefined type `TTT", (6, 8), "declare it");
    assert!(rendered.len() < 2_000, "{} bytes", rendered.len());
    assert!(rendered.contains("…`"), "{rendered}");
    // A near miss of similar length still gets its suggestion.
    let yaml = with(&format!("error: Tpye29\ntypes:\n{types}"));
    assert_refused(
        &yaml,
        "undefined type `Tpye29`",
        (6, 8),
        "did you mean `Type29`?",
    );
}

#[test]
fn header_values_must_be_sendable() {
    assert_refused(
        &with("headers:\n  X-A: \"one\\ntwo\"\n"),
        "invalid header value",
        (7, 12),
        "on one line",
    );
    assert_refused(
        &with("headers:\n  X-A: café\n"),
        "non-ASCII",
        (7, 11),
        "visible ASCII",
    );
    let provider = accepted(&with("headers:\n  X-A: 'say \"hi\" \\ ok'\n"));
    assert_eq!(provider.headers[0].value.text, "say \"hi\" \\ ok");
}

#[test]
fn variable_defaults_must_be_values_the_client_accepts() {
    let spec = |default: &str| {
        BASE.replace("api.example.com", "{host}")
            + &format!("variables:\n  host: {{ default: {default} }}\n")
    };
    for (default, column, reason) in [
        ("\"a.example/x\"", 30, "`/`"),
        ("\"user@a.example\"", 25, "`/`"),
        ("\"a?b\"", 22, "`/`"),
        ("\"a#b\"", 22, "`/`"),
        ("\"a b\"", 22, "whitespace"),
        ("\"\"", 21, "it is empty"),
    ] {
        let yaml = spec(default);
        let diagnostics = refused(&yaml);
        let found = diagnostics
            .iter()
            .find(|d| d.message().contains("invalid default of variable `host`"))
            .unwrap_or_else(|| panic!("{default}: {diagnostics}"));
        assert!(found.message().contains(reason), "{}", found.message());
        assert_eq!(
            found.location.map(|l| (l.line, l.column)),
            Some((7, column))
        );
        assert!(found
            .help()
            .is_some_and(|h| h.contains("one host, port or path segment")));
    }
    accepted(&spec("api-1.example.com:8443"));
}

#[test]
fn hosts_are_domains_or_ip_addresses() {
    let yaml = BASE.replace("api.example.com", "1.2.3.4.5");
    assert_refused(&yaml, "invalid IPv4 address", (3, 11), "absolute URL");
    let yaml = BASE.replace("api.example.com", "{a}.2.3.4.5") + "variables:\n  a: {}\n";
    assert_refused(&yaml, "invalid IPv4 address", (3, 11), "absolute URL");
}

#[test]
fn plain_http_is_allowed_only_for_loopback_hosts() {
    let oauth2 = |token_url: &str| {
        BASE.replace(
            "  token: { type: bearer }\n",
            &format!("  oauth2:\n    type: oauth2\n    token_url: {token_url}\n    grants: [client_credentials]\n"),
        )
    };
    for url in [
        "http://10.0.0.1/token",
        "http://169.254.169.254/token",
        "http://auth.example.com/token",
    ] {
        assert_refused(&oauth2(url), "use `https`", (7, 16), "absolute URL");
    }
    let base = BASE.replace("https://api.example.com", "http://api.example.com");
    assert_refused(&base, "use `https`", (3, 11), "absolute URL");
    for url in [
        "http://127.0.0.1:8080/token",
        "http://localhost/token",
        "http://[::1]:9000/token",
        "https://10.0.0.1/token",
    ] {
        accepted(&oauth2(url));
    }
    // A link for people to read may use http.
    accepted(&with("docs_url: http://docs.example.com\n"));
}

#[test]
fn text_reaches_output_escaped() {
    let yaml = BASE.replace("title: Demo", "title: 'Say \"hi\" \\ to # TOML'")
        + "types:\n  T:\n    description: \"Ends */ with ``` fences\\n```\\nnot rust(\\n```\"\n    fields: {}\n";
    let provider = accepted(&yaml);
    let files = codegen::render::render_crate(&provider, "specs/demo.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    let manifest = &files[0].contents;
    let table: toml::Table = toml::from_str(manifest).unwrap_or_else(|e| panic!("{e}\n{manifest}"));
    let description = table["package"]["description"].as_str().unwrap_or_default();
    assert!(
        description.contains("Say \"hi\" \\ to # TOML"),
        "{manifest}"
    );
    let source = &files[1].contents;
    assert!(source.contains("/// ```text\n"), "{source}");
    assert!(!source.contains("/// ```\nnot rust"), "{source}");
}
