//! Rust names, class by class: a hostile name is either refused with a diagnostic at its key
//! that says what to do, or accepted and emitted as code that parses and names nothing twice.
//! The generated code itself names std items by full paths, spec types live in a module of their
//! own, and the reserved lists of `codegen::model` hold exactly the methods no spec name may
//! become. (`tests/adversarial/specs/*.yaml` holds the accepted classes packed into specs that
//! CI compiles, doc-tests and lints.)

mod common;

use common::{with, BASE};

use std::collections::BTreeSet;

use codegen::model::{
    AuthKind, Provider, RustName, RESERVED_BUILDER_METHODS, RESERVED_CLIENT_METHODS, TYPES_MODULE,
};
use proc_macro2::{TokenStream, TokenTree};

/// An oauth2 scheme offering every grant, as a public or confidential client (`form`).
const OAUTH2: &str = "\
name: demo
title: Demo
base_url: https://api.example.com
auth:
  oauth2:
    type: oauth2
    token_url: https://a.example/token
    authorize_url: https://a.example/authorize
    grants: [authorization_code, client_credentials, password, refresh_token, implicit]
    client_auth: form
";

/// The spec loads, and its crate renders (prettyplease parses what emit wrote).
fn accepted(yaml: &str) -> (Provider, String) {
    let provider = codegen::parse_str("names.yaml", yaml).unwrap_or_else(|d| panic!("{d}\n{yaml}"));
    let code = codegen::render::format_crate(&provider).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    (provider, code)
}

/// The spec is refused with `message` at `line:column`, rendered with a caret, and a help line
/// containing `help`.
fn refused(yaml: &str, message: &str, at: (usize, usize), help: &str) {
    let Err(diagnostics) = codegen::parse_str("names.yaml", yaml) else {
        panic!("accepted, expected `{message}`:\n{yaml}")
    };
    let found = diagnostics
        .iter()
        .find(|d| d.message().contains(message))
        .unwrap_or_else(|| panic!("no `{message}` in\n{diagnostics}"));
    let location = found.location.map(|l| (l.line, l.column));
    assert_eq!(location, Some(at), "`{message}`\n{diagnostics}");
    let found_help = found.help().unwrap_or_default();
    assert!(
        found_help.contains(help),
        "help {found_help:?} lacks `{help}`"
    );
    let rendered = diagnostics.to_string();
    let pointer = format!("names.yaml:{}:{}", at.0, at.1);
    assert!(
        rendered.contains(&pointer) && rendered.contains('^'),
        "{rendered}"
    );
}

#[test]
fn any_username_field_becomes_a_login_argument() {
    for (field, argument) in [
        ("email", "email"),
        ("@", "username"),
        ("1st", "username_1st"),
        ("0", "username_0"),
        ("-", "username"),
        ("_", "username"),
        ("self", "self_"),
        ("crate", "crate_"),
        ("type", "r#type"),
        ("mut", "r#mut"),
        ("fn", "r#fn"),
        ("password", "username"),
        ("Password", "username"),
    ] {
        let yaml = format!("{OAUTH2}    username_field: \"{field}\"\n");
        let (provider, code) = accepted(&yaml);
        let AuthKind::OAuth2(oauth2) = &provider.auth[0].kind else {
            panic!("not oauth2")
        };
        assert_eq!(oauth2.username_argument, argument, "{field}");
        assert_eq!(oauth2.username_field, field, "the wire name is kept");
        assert_ne!(
            oauth2.username_env_var_suffix, "PASSWORD",
            "{field}: read from its own variable"
        );
        // The runtime's `setters!` makes it the argument of `password`.
        assert!(code.contains(&format!("password({argument})")), "{field}");
    }
}

#[test]
fn types_may_be_named_like_prelude_items() {
    let names = [
        "Option",
        "Into",
        "FnOnce",
        "IntoIterator",
        "String",
        "Vec",
        "Box",
        "Some",
        "Default",
        "From",
        "Iterator",
        "ToOwned",
        "Clone",
        "Value",
        "Arc",
        "S",
        "D",
    ];
    let fields: String = names
        .iter()
        .map(|name| format!("      f{name}: {{ type: {name} }}\n"))
        .collect();
    let types: String = names
        .iter()
        .map(|name| format!("  {name}: {{ fields: {{ x: {{ type: string }} }} }}\n"))
        .collect();
    let yaml = with(&format!("types:\n  All:\n    fields:\n{fields}{types}"));
    let (provider, _) = accepted(&yaml);
    assert_eq!(provider.types.len(), names.len() + 1);
}

#[test]
fn types_may_be_named_like_the_clients_own_items() {
    let names = [
        "Client",
        "ClientBuilder",
        "Scope",
        "Error",
        "Result",
        "Method",
        "Token",
        "WebhookEvent",
        "UnknownScope",
        "FileStore",
    ];
    let fields: String = names
        .iter()
        .map(|name| format!("      f{name}: {{ type: {name} }}\n"))
        .collect();
    let types: String = names
        .iter()
        .map(|name| format!("  {name}: {{ fields: {{ x: {{ type: string }} }} }}\n"))
        .collect();
    let yaml = with(&format!(
        "operations:\n  get: {{ summary: A, method: GET, path: /a, response: Client }}\ntypes:\n  All:\n    fields:\n{fields}{types}"
    ));
    let (_, code) = accepted(&yaml);
    assert!(code.contains("pub mod types {"), "{code}");
    assert!(code.contains("-> Result<types::Client>"), "{code}");
}

/// Identifiers of std items the generated code names without a path: a spec type of the same
/// name would take their place. Derives are macros, and `Some`/`Ok`/... values, both out of
/// reach of type names.
const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "String",
    "Vec",
    "Box",
    "Into",
    "From",
    "IntoIterator",
    "Iterator",
    "FnOnce",
    "FnMut",
    "Fn",
    "Default",
    "ToOwned",
    "ToString",
    "AsRef",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Arc",
    "Duration",
    "Value",
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
];

#[test]
fn generated_code_names_std_items_by_full_path() {
    let provider = codegen::parse_str("full.yaml", FULL).unwrap_or_else(|d| panic!("{d}"));
    let mut bare = BTreeSet::new();
    bare_prelude_names(codegen::emit::items(&provider), &mut bare);
    assert!(bare.is_empty(), "named without a path: {bare:?}");
    let code = codegen::render::format_crate(&provider).unwrap();
    assert!(code.contains("skip_serializing_if = \"::std::option::Option::is_none\""));
    assert!(
        !code.contains("\"Option::"),
        "serde paths in strings are paths too"
    );
}

/// Collects idents of [`PRELUDE_TYPES`] not preceded by `::`, skipping derive lists.
fn bare_prelude_names(tokens: TokenStream, bare: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| &tokens[i]);
        match token {
            TokenTree::Group(group) => {
                let derive = matches!(previous, Some(TokenTree::Ident(i)) if i == "derive");
                if !derive {
                    bare_prelude_names(group.stream(), bare);
                }
            }
            TokenTree::Ident(ident) if PRELUDE_TYPES.contains(&ident.to_string().as_str()) => {
                let qualified = matches!(previous, Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if !qualified {
                    bare.insert(ident.to_string());
                }
            }
            _ => {}
        }
    }
}

/// Every kind of scheme, grant, parameter, type and event, so that the generated crate defines
/// every name it can.
const FULL: &str = "\
name: demo
title: Demo
base_url: https://{host}/{stage}
variables:
  host: {}
  stage: { default: v1 }
auth:
  oauth2:
    type: oauth2
    token_url: https://{host}/token
    authorize_url: https://{host}/authorize
    grants: [authorization_code, client_credentials, password, refresh_token, implicit]
    client_auth: form
    scopes: [read]
    requires: [key]
  key: { type: api_key, name: X-Key }
  pat: { type: basic }
  bearer: { type: bearer }
operations:
  send:
    summary: Send
    method: POST
    path: /s/{id}
    path_params: { id: { type: string } }
    query: { q: { type: list<string> }, r: { type: Kind, required: true } }
    headers: { X-H: { type: integer } }
    body: { type: Thing }
    response: Thing
    scopes: [read]
  ping: { summary: Ping, method: GET, path: /ping, envelope: data, response: map<json> }
types:
  Thing: { fields: { a: { type: string }, b: { type: Thing }, c: { type: list<Kind> } } }
  Kind: { enum: [x] }
webhooks:
  tag: event
  events:
    made: { fields: { thing: { type: Thing, required: true } } }
error: Thing
";

#[test]
fn the_types_module_holds_only_spec_and_derived_types() {
    let provider = codegen::parse_str("full.yaml", FULL).unwrap_or_else(|d| panic!("{d}"));
    let file: syn::File = syn::parse2(codegen::emit::items(&provider)).unwrap();
    let module = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == TYPES_MODULE.as_str() => {
                module.content.as_ref()
            }
            _ => None,
        })
        .expect("a types module");

    let mut expected: BTreeSet<&str> = provider
        .types
        .iter()
        .map(|t| t.rust_name.as_str())
        .collect();
    for op in &provider.operations {
        expected.extend(
            op.query_type
                .iter()
                .chain(&op.headers_type)
                .map(RustName::as_str),
        );
    }
    let events = provider.webhooks.iter().flat_map(|w| &w.events);
    expected.extend(events.map(|e| e.payload_type.as_str()));
    let defined: BTreeSet<String> = module
        .1
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(item) => Some(item.ident.to_string()),
            syn::Item::Enum(item) => Some(item.ident.to_string()),
            syn::Item::Impl(_) | syn::Item::Macro(_) => None,
            other => panic!(
                "the types module defines more than types: {}",
                quote::ToTokens::to_token_stream(other)
            ),
        })
        .collect();
    let expected: BTreeSet<String> = expected.into_iter().map(str::to_owned).collect();
    assert_eq!(defined, expected);
}

/// The methods of `impl Client` and `impl ClientBuilder` blocks in `tokens` (a file, or a
/// `macro_rules!` body), by type.
fn inherent_methods(tokens: TokenStream, methods: &mut BTreeSet<(String, String)>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        let TokenTree::Group(group) = token else {
            continue;
        };
        let owner = match &tokens[..index] {
            [.., TokenTree::Ident(keyword), TokenTree::Ident(owner)] if keyword == "impl" => {
                Some(owner.to_string())
            }
            _ => None,
        };
        match owner {
            Some(owner) if owner == "Client" || owner == "ClientBuilder" => {
                let body: Vec<TokenTree> = group.stream().into_iter().collect();
                for pair in body.windows(2) {
                    if let [TokenTree::Ident(keyword), TokenTree::Ident(name)] = pair {
                        if keyword == "fn" {
                            methods.insert((owner.clone(), unraw(name)));
                        }
                    }
                }
            }
            _ => inherent_methods(group.stream(), methods),
        }
    }
}

#[test]
fn reserved_lists_hold_exactly_the_methods_no_spec_name_may_take() {
    let provider = codegen::parse_str("full.yaml", FULL).unwrap_or_else(|d| panic!("{d}"));
    // The runtime's surface macros define what every client has; the generator adds one method
    // per operation, variable and scheme, and `password`.
    let surface = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../runtime/src/surface.rs"
    ))
    .unwrap();
    let mut methods = BTreeSet::new();
    inherent_methods(surface.parse().unwrap(), &mut methods);
    inherent_methods(codegen::emit::items(&provider), &mut methods);

    let mut named_by_spec: BTreeSet<(String, String)> = provider
        .operations
        .iter()
        .flat_map(|o| [&o.rust_name, &o.with_response_name])
        .map(|name| ("Client".to_owned(), name.unraw().to_owned()))
        .collect();
    let setters = provider
        .auth
        .iter()
        .flat_map(|scheme| std::iter::once(&scheme.rust_name).chain(&scheme.public_setter));
    let setters = setters.chain(provider.variables.iter().map(|v| &v.rust_name));
    named_by_spec.extend(setters.map(|s| ("ClientBuilder".to_owned(), s.unraw().to_owned())));

    let reserved: BTreeSet<(String, String)> =
        methods.difference(&named_by_spec).cloned().collect();
    let listed: BTreeSet<(String, String)> = [
        ("Client", RESERVED_CLIENT_METHODS),
        ("ClientBuilder", RESERVED_BUILDER_METHODS),
    ]
    .into_iter()
    .flat_map(|(owner, names)| {
        names
            .iter()
            .map(move |name| (owner.to_owned(), (*name).to_owned()))
    })
    .collect();
    assert_eq!(reserved, listed, "codegen::model::RESERVED_*_METHODS");
}

fn unraw(ident: &impl ToString) -> String {
    ident.to_string().trim_start_matches("r#").to_owned()
}

#[test]
fn operations_may_be_named_like_private_helpers() {
    let yaml = format!(
        "{OAUTH2}operations:\n  oauth2_source: {{ summary: A, method: GET, path: /a }}\n  oauth2: {{ summary: B, method: GET, path: /b }}\n"
    );
    let (provider, code) = accepted(&yaml);
    assert_eq!(provider.operations[0].rust_name, "oauth2_source");
    // The operation only: the client's helpers live in the runtime's engine, which no spec
    // name can reach.
    assert_eq!(code.matches("fn oauth2_source(").count(), 1, "{code}");
}

#[test]
fn reserved_operation_names_are_refused_at_the_key() {
    refused(
        &with("operations:\n  from_env: { summary: A, method: GET, path: /a }\n"),
        "operation `from_env` becomes `from_env`, which the generated crate already defines",
        (7, 3),
        "rename it",
    );
}

#[test]
fn path_parameters_cannot_take_the_name_of_another_argument() {
    for (param, extra, holds) in [
        ("body", "    body: { type: T }\n", "request body"),
        (
            "query",
            "    query: { q: { type: string } }\n",
            "query parameters",
        ),
        (
            "headers",
            "    headers: { X-A: { type: string } }\n",
            "request headers",
        ),
    ] {
        let yaml = with(&format!(
            "operations:\n  op:\n    summary: A\n    method: POST\n    path: /a/{{{param}}}\n    path_params:\n      {param}: {{ type: string }}\n{extra}types:\n  T: {{ fields: {{}} }}\n"
        ));
        refused(
            &yaml,
            &format!("path parameter `{param}` becomes the argument `{param}`, which the operation's method already takes for its {holds}"),
            (12, 7),
            "rename the path parameter",
        );
    }
    let yaml = with(
        "operations:\n  op:\n    summary: A\n    method: GET\n    path: /{body}/{query}/{headers}/{self}/{call}\n    path_params:\n      body: { type: string }\n      query: { type: string }\n      headers: { type: string }\n      self: { type: string }\n      call: { type: string }\n",
    );
    accepted(&yaml);
}

#[test]
fn an_event_named_like_the_catch_all_gets_a_trailing_underscore() {
    let yaml = with("webhooks:\n  tag: type\n  events:\n    unknown: {}\n    self: {}\n");
    let (provider, code) = accepted(&yaml);
    let events: Vec<(&str, &str)> = provider
        .webhooks
        .as_ref()
        .unwrap()
        .events
        .iter()
        .map(|e| (e.rust_name.as_str(), e.payload_type.as_str()))
        .collect();
    assert_eq!(
        events,
        [("Unknown_", "UnknownEvent"), ("Self_", "SelfEvent")]
    );
    assert!(code.contains("Unknown_(types::UnknownEvent)"));
    refused(
        &with("webhooks:\n  tag: type\n  events:\n    unknown: {}\n    Unknown: {}\n"),
        "webhook event `Unknown` and webhook event `unknown` both become the Rust name `Unknown_`",
        (10, 5),
        "rename one of them",
    );
}

#[test]
fn derived_type_names_need_no_escape() {
    let yaml = with("operations:\n  self: { summary: A, method: GET, path: /a, query: { q: { type: string } }, headers: { X-A: { type: string } } }\n");
    let (provider, _) = accepted(&yaml);
    let op = &provider.operations[0];
    assert_eq!(
        (
            op.query_type.as_ref().map(RustName::as_str),
            op.headers_type.as_ref().map(RustName::as_str)
        ),
        (Some("SelfQuery"), Some("SelfHeaders"))
    );
}

#[test]
fn variables_cannot_take_a_builder_method_name() {
    let variable = |name: &str| {
        format!(
            "{}variables:\n  {name}: {{ default: x }}\n",
            OAUTH2.replace(
                "https://api.example.com",
                &format!("https://api.example.com/{{{name}}}")
            )
        )
    };
    refused(
        &variable("oauth2_public"),
        "variable or auth scheme `oauth2_public` and variable or auth scheme `oauth2` both become the Rust name `oauth2_public`",
        (12, 3),
        "rename one of them",
    );
    for name in ["base_url", "build", "token_store", "http_client", "timeout"] {
        refused(
            &variable(name),
            &format!(
                "variable `{name}` becomes `{name}`, which the generated crate already defines"
            ),
            (12, 3),
            "rename it",
        );
    }
    // Once private fields of the builder, now inside the runtime's engine.
    for name in ["http", "grant"] {
        accepted(&variable(name));
    }
    refused(
        &with("  api_key: { type: api_key, name: X-Key }\nvariables:\n  apiKey: { default: x }\nheaders:\n  X-A: \"{apiKey}\"\n"),
        "variable or auth scheme `apiKey` and variable or auth scheme `api_key` both become the Rust name `api_key`",
        (8, 3),
        "rename one of them",
    );
    // A scheme whose public-client setter is another scheme's name.
    refused(
        &format!("{OAUTH2}  oauth2_public: {{ type: bearer }}\n"),
        "both become the Rust name `oauth2_public`",
        (5, 3),
        "rename one of them",
    );
}

#[test]
fn crate_names_the_generated_code_uses_are_refused() {
    for name in [
        "serde",
        "serde_json",
        "serde_derive",
        "provider_runtime",
        "reqwest",
        "url",
    ] {
        refused(
            &BASE.replace("name: demo", &format!("name: {name}")),
            &format!("invalid crate name `{name}`: the generated crate depends on or refers to a crate of that name"),
            (1, 7),
            "lowercase letters",
        );
    }
}

#[test]
fn doc_examples_call_setters_by_their_rust_names() {
    let yaml = "name: demo\ntitle: Demo\nbase_url: https://{mut}.example.com\nvariables:\n  mut: {}\nauth:\n  type: { type: api_key, name: X-Type, requires: [x-key, self, crate] }\n  x-key: { type: basic }\n  self: { type: oauth2, token_url: https://a.example/t, grants: [client_credentials], client_auth: none }\n  crate: { type: bearer }\noperations:\n  fn: { summary: A, method: GET, path: /a }\n";
    let (provider, code) = accepted(yaml);
    let example = doc_example(&code);
    let file: syn::File = syn::parse_str(&example).unwrap_or_else(|e| panic!("{e}\n{example}"));
    let calls = builder_chain(&file).unwrap_or_else(|| panic!("not one builder chain:\n{example}"));
    assert_eq!(
        calls,
        ["r#mut", "r#type", "x_key", "self_public", "crate_", "build"]
    );
    assert!(example.contains("client.r#fn().await?"), "{example}");
    assert_eq!(
        provider.auth[2]
            .public_setter
            .as_ref()
            .map(RustName::as_str),
        Some("self_public")
    );
}

/// The Rust code of the crate docs' example, hidden lines included.
fn doc_example(code: &str) -> String {
    let docs: Vec<&str> = code
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let start = docs
        .iter()
        .position(|l| l.starts_with("```"))
        .expect("an example")
        + 1;
    let end = start
        + docs[start..]
            .iter()
            .position(|l| l.starts_with("```"))
            .expect("closed");
    docs[start..end]
        .iter()
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The methods called on `Client::builder()` in `let client = ...?;`, in order, if the
/// initializer is nothing but that chain (`.x-key(..)` would parse as a subtraction).
fn builder_chain(file: &syn::File) -> Option<Vec<String>> {
    let syn::Item::Fn(function) = file.items.first()? else {
        return None;
    };
    let syn::Stmt::Local(local) = function.block.stmts.first()? else {
        return None;
    };
    let syn::Expr::Try(tried) = &*local.init.as_ref()?.expr else {
        return None;
    };
    let mut calls = Vec::new();
    let mut expr = &*tried.expr;
    while let syn::Expr::MethodCall(call) = expr {
        calls.push(call.method.to_string());
        expr = &call.receiver;
    }
    let syn::Expr::Call(builder) = expr else {
        return None;
    };
    let syn::Expr::Path(path) = &*builder.func else {
        return None;
    };
    (path.path.segments.last()?.ident == "builder").then(|| calls.into_iter().rev().collect())
}

#[test]
fn operation_paths_stay_below_the_base_url() {
    let operation = |path: &str| {
        with(&format!(
            "operations:\n  op:\n    summary: A\n    method: GET\n    path: \"{path}\"\n"
        ))
    };
    for (path, column, reason) in [
        (
            "//evil.example/x",
            12,
            "a path starting with `//` names another host",
        ),
        ("/a?x=1", 14, "`?` and `#` end the path"),
        ("/a#top", 14, "`?` and `#` end the path"),
        ("/a/../b", 15, "`.` and `..` segments are resolved away"),
        ("/./a", 13, "`.` and `..` segments are resolved away"),
        ("/a/%2e%2E", 15, "`.` and `..` segments are resolved away"),
        ("/a/.", 15, "`.` and `..` segments are resolved away"),
        ("/a\\\\b", 14, "URL parsers read"),
    ] {
        refused(
            &operation(path),
            reason,
            (10, column),
            "write a plain path below `base_url`",
        );
    }
    refused(
        &operation("a/b"),
        "path `a/b` must start with `/`",
        (10, 11),
        "paths are appended",
    );
    accepted(&operation("/a/..b/.well-known/b./"));
}

#[test]
fn default_lifetimes_are_at_most_ten_years() {
    let lifetime = |secs: &str| format!("{OAUTH2}    default_lifetime_secs: {secs}\n");
    for secs in ["18446744073709551615", "316224001", "0"] {
        refused(
            &lifetime(secs),
            &format!("`default_lifetime_secs` is {secs}, outside 1..=316224000 (ten years)"),
            (11, 28),
            "e.g. `3600`",
        );
    }
    accepted(&lifetime("316224000"));
}

#[test]
fn an_operation_cannot_take_the_name_of_anothers_with_response_method() {
    let yaml = with(
        "operations:\n  send: { summary: A, method: GET, path: /a }\n  send_with_response: { summary: B, method: GET, path: /b }\n",
    );
    let Err(diagnostics) = codegen::parse_str("names.yaml", &yaml) else {
        panic!("accepted `send` beside `send_with_response`:\n{yaml}")
    };
    let rendered = diagnostics.to_string();
    assert!(rendered.contains("send_with_response"), "{rendered}");
}

#[test]
fn two_settings_reading_one_environment_variable_are_refused() {
    // `from_env` would read `DEMO_CLIENT_ID` for both the variable and the OAuth client id.
    refused(
        "name: demo\ntitle: Demo\nbase_url: https://api.example.com/{client_id}\n\
         variables:\n  client_id: {}\n\
         auth:\n  o:\n    type: oauth2\n    token_url: https://api.example.com/t\n    grants: [client_credentials]\n",
        "both read the environment variable `DEMO_CLIENT_ID`",
        (5, 3),
        "the other one is at line 7; rename one of them",
    );
}
