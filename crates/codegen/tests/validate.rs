//! The front end end to end: the seed specs load, every broken spec in the table fails with
//! the right message at the right line and column, mutated specs never panic, and keywords
//! become usable Rust names.

mod common;

use common::{with, BASE};

use std::path::PathBuf;

use codegen::model::{AuthKind, Provider, RustName, TypeKind, TypeRef};

const SEEDS: [&str; 5] = ["itctxt", "text", "sms_cx", "intandem", "cloudcx"];

fn seed_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/{name}.yaml"))
}

fn seed_source(name: &str) -> String {
    std::fs::read_to_string(seed_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn load(name: &str) -> Provider {
    codegen::load(&seed_path(name)).unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
}

#[test]
fn seed_specs_load() {
    for name in SEEDS {
        let provider = load(name);
        assert_eq!(provider.crate_name, name);
        assert!(!provider.auth.is_empty(), "{name}");
    }
}

#[test]
fn seed_specs_resolve_what_the_providers_need() {
    let sms_cx = load("sms_cx");
    assert!(sms_cx.operations.len() >= 12);
    let Some(AuthKind::OAuth2(oauth2)) = sms_cx.auth.first().map(|a| &a.kind) else {
        panic!("sms_cx: first scheme is not oauth2")
    };
    assert!(oauth2.default_scopes.is_empty());
    assert_eq!(oauth2.scopes.len(), 15);

    let itctxt = load("itctxt");
    assert_eq!(itctxt.auth[0].requires, ["api_key"]);
    assert_eq!(itctxt.variables[0].default.as_deref(), Some("itc-prod"));
    let send = &itctxt.operations[0];
    assert_eq!(send.scopes, ["https://com.beetexting.scopes/SendMessage"]);
    assert_eq!(send.body, Some(codegen::model::Body::Empty));
    assert!(itctxt.webhooks.as_ref().is_some_and(|w| w.tag.is_none()));

    let text = load("text");
    let Some(AuthKind::OAuth2(oauth2)) = text.auth.first().map(|a| &a.kind) else {
        panic!("text: first scheme is not oauth2")
    };
    assert_eq!(oauth2.scope_separator, ",");
    assert!(!oauth2.send_scopes && oauth2.pkce);
    assert_eq!(oauth2.token_prefix_header.as_deref(), Some("X-Region"));
    assert_eq!(oauth2.scopes[0].variant, "ChatsAllRo");

    let intandem = load("intandem");
    let Some(AuthKind::OAuth2(oauth2)) = intandem.auth.first().map(|a| &a.kind) else {
        panic!("intandem: first scheme is not oauth2")
    };
    assert_eq!(oauth2.body, codegen::model::TokenBody::Json);
    assert!(intandem
        .operations
        .iter()
        .any(|op| op.envelope.as_deref() == Some("data")));

    let cloudcx = load("cloudcx");
    assert!(cloudcx.operations.is_empty());
    assert_eq!(cloudcx.variables[0].default, None);
    assert_eq!(cloudcx.webhooks.map(|w| w.events.len()), Some(9));
}

#[test]
fn seed_rust_names_are_identifiers() {
    for name in SEEDS {
        let provider = load(name);
        let mut names = vec![];
        names.extend(provider.variables.iter().map(|v| v.rust_name.clone()));
        for scheme in &provider.auth {
            names.extend([scheme.rust_name.clone(), scheme.variant.clone()]);
            if let AuthKind::OAuth2(oauth2) = &scheme.kind {
                names.extend(oauth2.scopes.iter().map(|s| s.variant.clone()));
            }
        }
        for op in &provider.operations {
            names.extend([op.rust_name.clone(), op.type_name.clone()]);
            let params = op.path_params.iter().chain(&op.query).chain(&op.headers);
            names.extend(params.map(|p| p.rust_name.clone()));
        }
        for ty in &provider.types {
            names.push(ty.rust_name.clone());
            match &ty.kind {
                TypeKind::Struct { fields } => {
                    names.extend(fields.iter().map(|f| f.rust_name.clone()))
                }
                TypeKind::Enum { variants } => {
                    names.extend(variants.iter().map(|v| v.rust_name.clone()))
                }
            }
        }
        for event in provider.webhooks.iter().flat_map(|w| &w.events) {
            names.push(event.rust_name.clone());
            names.extend(event.fields.iter().map(|f| f.rust_name.clone()));
        }
        for ident in names {
            assert!(
                syn::parse_str::<syn::Ident>(ident.as_str()).is_ok(),
                "{name}: `{ident}`"
            );
        }
    }
}

#[test]
fn same_spec_gives_same_model() {
    for name in SEEDS {
        assert_eq!(load(name), load(name), "{name}");
    }
}

/// One broken spec: the message (a substring), its 1-based line and column, and optionally
/// a substring of the help line.
struct Case {
    yaml: String,
    message: &'static str,
    at: (usize, usize),
    help: Option<&'static str>,
}

fn case(yaml: impl Into<String>, message: &'static str, at: (usize, usize)) -> Case {
    Case {
        yaml: yaml.into(),
        message,
        at,
        help: None,
    }
}

impl Case {
    fn help(mut self, help: &'static str) -> Case {
        self.help = Some(help);
        self
    }
}

fn broken_specs() -> Vec<Case> {
    vec![
        // YAML and shape (serde), one error each.
        case("name: demo\ntitle: \"Demo\n", "invalid YAML", (3, 1)),
        case("name: demo\ntitle: [Demo\n", "wrong type: expected a string, found a list", (2, 8))
            .help("not a list or a mapping"),
        case("name: demo\n\ttitle: x\n", "invalid YAML", (2, 1)),
        case(with("operation: {}\n"), "unknown key `operation`", (6, 1)).help("did you mean `operations`?"),
        case(
            with("operations:\n  send:\n    summary: Send\n    method: POST\n    pth: /x\n"),
            "unknown key `pth`",
            (10, 5),
        )
        .help("did you mean `path`?"),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    tokn_url: https://a.b\n",
            "unknown key `tokn_url`",
            (7, 5),
        )
        .help("did you mean `token_url`?"),
        case(
            with("types:\n  A:\n    fields:\n      x: { type: string, description: a, b }\n"),
            "unknown key `b`",
            (9, 42),
        ),
        case(
            with("operations:\n  a:\n    summary: A\n    method: GET\n    path: /a\n    success: [200, abc]\n"),
            "wrong type: expected a whole number from 0 to 65535, found string \"abc\"",
            (11, 20),
        ),
        case(with("operations: [a]\n"), "wrong type: expected a mapping, found a list", (6, 13)),
        case(
            with("operations:\n  a:\n    summary: A\n    path: /a\n"),
            "missing required key `method`",
            (8, 5),
        ),
        case(
            with("operations:\n  a:\n    summary: A\n    method: POTS\n    path: /a\n"),
            "unknown value `POTS`",
            (9, 13),
        )
        .help("did you mean `POST`?"),
        case(
            with("operations:\n  a:\n    summary: A\n    method: post\n    path: /a\n"),
            "unknown value `post`",
            (9, 13),
        )
        .help("did you mean `POST`?"),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o: { type: oauth2, token_url: https://a.b/t, grants: [passwd] }\n",
            "unknown value `passwd`",
            (5, 57),
        )
        .help("did you mean `password`?"),
        case(
            with("operations:\n  a:\n    summary: A\n    method: GET\n    path: /a\n    success: [70000]\n"),
            "invalid value: integer `70000`",
            (11, 15),
        ),
        case("name: demo\ntitle: Demo\ntitle: Again\n", "duplicate key `title`", (3, 1))
            .help("first given at line 2"),
        case(
            with("types:\n  A: { fields: {} }\n  B: { fields: {} }\n  A: { enum: [x] }\n"),
            "duplicate key `A`",
            (9, 3),
        ),
        // Names.
        case(BASE.replace("name: demo", "name: Sms-CX"), "invalid crate name `Sms-CX`", (1, 7)),
        case(BASE.replace("name: demo", "name: sms-cx"), "may only contain lowercase letters", (1, 7)),
        case(BASE.replace("name: demo", "name: type"), "it is a Rust keyword", (1, 7)),
        case(BASE.replace("title: Demo", "title: \"\""), "`title` must not be empty", (2, 8)),
        case(
            with("operations:\n  sendSms: { summary: A, method: GET, path: /a }\n  send_sms: { summary: B, method: GET, path: /b }\n"),
            "operation `send_sms` and operation `sendSms` both become the Rust name `send_sms`",
            (8, 3),
        )
        .help("the other one is at line 7"),
        case(
            with("types:\n  contact: { fields: {} }\n  Contact: { fields: {} }\n"),
            "both become the Rust name `Contact`",
            (8, 3),
        ),
        case(
            with("types:\n  A:\n    fields:\n      msgId: { type: string }\n      msg_id: { type: string }\n"),
            "field `msg_id` and field `msgId` both become the Rust name `msg_id`",
            (10, 7),
        ),
        case(
            with("types:\n  E: { enum: [a-b, a_b] }\n"),
            "enum value `a_b` and enum value `a-b` both become the Rust name `AB`",
            (7, 20),
        ),
        case(with("types:\n  E: { enum: [a, b, a] }\n"), "enum value `a` is declared twice", (7, 21)),
        case(with("types:\n  E: { enum: [other] }\n"), "reserved for unknown values", (7, 15))
            .help("`name:`"),
        case(with("types:\n  string: { fields: {} }\n"), "type name `string` is reserved", (7, 3)),
        case(with("types:\n  A: { description: x }\n"), "type `A` needs `fields` or `enum`", (7, 3)),
        case(
            with("types:\n  A: { fields: {}, enum: [x] }\n"),
            "type `A` cannot have both `fields` and `enum`",
            (7, 3),
        ),
        case(with("types:\n  E: { enum: [] }\n"), "enum `E` has no values", (7, 14)),
        // URLs and variables.
        case(BASE.replace("https://api.example.com", "api.example.com"), "must start with `https://`", (3, 11)),
        case(BASE.replace("https://api.example.com", "https://api.example.com/"), "must not end with `/`", (3, 11)),
        case(BASE.replace("https://api.example.com", "https://{host}"), "template variable `host` is not declared", (3, 20))
            .help("declare it under `variables:`"),
        case(
            BASE.replace("https://api.example.com", "https://{hots}") + "variables:\n  host: { default: a.b }\n",
            "template variable `hots` is not declared",
            (3, 20),
        )
        .help("did you mean `host`?"),
        case(with("variables:\n  stage: { default: prod }\n"), "variable `stage` is declared but never used", (7, 3)),
        case(BASE.replace("https://api.example.com", "https://{host"), "`{` is never closed", (3, 19)),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o: { type: oauth2, token_url: \"https://a b\", grants: [password] }\n",
            "invalid URL `https://a b`: it contains whitespace",
            (5, 33),
        ),
        case(BASE.replace("https://api.example.com", "https://api.example.com:99999"), "invalid port", (3, 11)),
        // Auth.
        case(BASE.replace("  token: { type: bearer }\n", "  {}\n").replace("auth:\n  {}", "auth: {}"), "`auth` must declare at least one scheme", (4, 1)),
        case(with("  key: { type: api_key, in: header }\n"), "`api_key` schemes need `name`", (6, 16)),
        case(
            with("  key: { type: bearer, token_url: https://a.b }\n"),
            "`token_url` does not apply to `bearer` schemes",
            (6, 24),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [authorization_code]\n",
            "grant `authorization_code` needs `authorize_url`",
            (8, 14),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials, implicit]\n",
            "grant `implicit` needs `authorize_url`",
            (8, 34),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials]\n    client_auth: json\n    body: form\n",
            "`client_auth: json` sends the client credentials in a JSON body, but `body` is `form`",
            (10, 11),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials]\n    extra_token_params:\n      audience: \"{audiance}\"\nvariables:\n  audience: {}\n",
            "template variable `audiance` is not declared",
            (10, 19),
        )
        .help("did you mean `audience`?"),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    authorize_url: https://a.b/a\n    token_url: https://a.b/t\n    grants: [authorization_code]\n    extra_authorize_params:\n      login_hint: \"{user}\"\n",
            "template variable `user` is not declared",
            (11, 21),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials]\n    extra_token_params:\n      audience: \"{audience\"\nvariables:\n  audience: {}\n",
            "`{` is never closed",
            (10, 18),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    authorize_url: https://a.b/a\n    token_url: https://a.b/t\n    grants: [authorization_code]\n    send_scopes: false\n    scopes: [read]\n    default_scopes: [read]\n",
            "`default_scopes` are never sent: the scheme has `send_scopes: false`",
            (12, 5),
        )
        .help("remove `default_scopes`"),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [refresh_token]\n",
            "grant `refresh_token` needs a grant that issues refresh tokens",
            (8, 14),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials]\n    pkce: true\n",
            "`pkce` only applies to the `authorization_code` grant",
            (9, 5),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials]\n    username_field: email\n",
            "`username_field` only applies to the `password` grant",
            (9, 5),
        ),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o: { type: oauth2, token_url: https://a.b/t, grants: [] }\n",
            "`grants` must list at least one grant",
            (5, 56),
        ),
        case(
            with("  o: { type: oauth2, token_url: https://a.b/t, grants: [password], requires: [tokn] }\n"),
            "unknown auth scheme `tokn`",
            (6, 79),
        )
        .help("did you mean `token`?"),
        case(with("  o: { type: bearer, requires: [o] }\n"), "auth scheme `o` lists itself in `requires`", (6, 33)),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials]\n    default_scopes: [sms, smss]\n    scopes: [sms]\n",
            "scope `smss` is not declared",
            (9, 27),
        )
        .help("did you mean `sms`?"),
        case(
            "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    token_url: https://a.b/t\n    grants: [client_credentials]\n    scopes: [\"chats:ro\", \"chats-ro\"]\n",
            "scope `chats-ro` and scope `chats:ro` both become the Rust name `ChatsRo`",
            (9, 26),
        ),
        case(
            with("  o: { type: oauth2, token_url: https://a.b/t, grants: [password] }\n  p: { type: oauth2, token_url: https://a.b/t, grants: [password] }\n"),
            "a spec may declare only one `oauth2` scheme",
            (7, 14),
        )
        .help("the first is at line 6"),
        case(
            with("operations:\n  request: { summary: A, method: GET, path: /a }\n"),
            "operation `request` becomes `request`, which the generated crate already defines",
            (7, 3),
        ),
        case(
            BASE.replace("https://api.example.com", "https://{timeout}") + "variables:\n  timeout: { default: a.b }\n",
            "variable `timeout` becomes `timeout`, which the generated crate already defines",
            (7, 3),
        ),
        case(
            BASE.replace("https://api.example.com", "https://{token}") + "variables:\n  token: { default: a.b }\n",
            "variable or auth scheme `token` is declared twice",
            (7, 3),
        ),
        case(
            with("webhooks:\n  events:\n    Contact: {}\ntypes:\n  ContactEvent: { fields: {} }\n"),
            "webhook event `Contact` becomes `ContactEvent`, which the generated crate already defines",
            (8, 5),
        ),
        case(
            with("operations:\n  send: { summary: A, method: GET, path: /a, query: { q: { type: string } } }\ntypes:\n  SendQuery: { fields: {} }\n"),
            "operation `send` becomes `SendQuery`, which the generated crate already defines",
            (7, 3),
        ),
        // Operations.
        case(
            with("operations:\n  get:\n    summary: Get\n    method: GET\n    path: /sms/{msgId}\n"),
            "path parameter `msgId` is used in the path but not declared in `path_params`",
            (10, 17),
        ),
        case(
            with("operations:\n  get:\n    summary: Get\n    method: GET\n    path: /sms\n    path_params:\n      msgId: { type: string }\n"),
            "path parameter `msgId` is declared but not used in the path",
            (12, 7),
        ),
        case(
            with("operations:\n  get:\n    summary: Get\n    method: GET\n    path: /sms/{id}\n    path_params:\n      id: { type: string, required: false }\n"),
            "path parameter `id` cannot be optional",
            (12, 37),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: sms }\n"),
            "path `sms` must start with `/`",
            (7, 43),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, scopes: [sms] }\n"),
            "scope `sms` is not declared",
            (7, 56),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, response: Contac }\ntypes:\n  Contact: { fields: {} }\n"),
            "undefined type `Contac`",
            (7, 57),
        )
        .help("did you mean `Contact`?"),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, response: list<Contac> }\n"),
            "undefined type `Contac`",
            (7, 62),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, response: \"map<list<bool>>\" }\n"),
            "undefined type `bool`",
            (7, 67),
        )
        .help("did you mean `boolean`?"),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, response: list<string }\n"),
            "invalid type expression `list<string`: expected `>`",
            (7, 68),
        ),
        case(
            with("operations:\n  get:\n    summary: Get\n    method: GET\n    path: /a\n    query:\n      filter: { type: Filter }\ntypes:\n  Filter: { fields: {} }\n"),
            "a query parameter must be string, integer, number, boolean or a list of those, found `Filter`",
            (12, 23),
        ),
        case(
            with("operations:\n  get:\n    summary: Get\n    method: GET\n    path: /a\n    headers:\n      \"X Id\": { type: string }\n"),
            "invalid header name `X Id`",
            (12, 7),
        ),
        case(
            with("operations:\n  post:\n    summary: Post\n    method: POST\n    path: /a\n    body: { type: list<string>, format: form }\n"),
            "a `form` body must be a type with `fields`, found `list<string>`",
            (11, 19),
        ),
        case(
            with("operations:\n  post:\n    summary: Post\n    method: POST\n    path: /a\n    body: { type: Note, format: form }\ntypes:\n  Note:\n    fields:\n      tags: { type: list<string> }\n      address: { type: Address }\n  Address: { fields: { city: { type: string } } }\n"),
            "field `address` of `Note`, a `form` body, is `Address`, which a form body cannot carry",
            (16, 24),
        )
        .help("send the body with `format: json`"),
        case(
            with("operations:\n  post:\n    summary: Post\n    method: POST\n    path: /a\n    body: { type: Note, format: form }\ntypes:\n  Note:\n    fields:\n      pairs: { type: list<list<string>> }\n"),
            "field `pairs` of `Note`, a `form` body, is `list<list<string>>`, which a form body cannot carry",
            (15, 22),
        ),
        case(
            with("operations:\n  post:\n    summary: Post\n    method: POST\n    path: /a\n    body: { type: Note, format: form }\ntypes:\n  Note:\n    fields:\n      meta: { type: map<string> }\n"),
            "field `meta` of `Note`, a `form` body, is `map<string>`, which a form body cannot carry",
            (15, 21),
        ),
        case(
            with("operations:\n  post:\n    summary: Post\n    method: POST\n    path: /a\n    body: { format: json }\n"),
            "a `json` body needs a `type`",
            (11, 5),
        ),
        case(
            with("operations:\n  post:\n    summary: Post\n    method: POST\n    path: /a\n    body: { type: string, format: empty }\n"),
            "an `empty` body sends no content",
            (11, 13),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, envelope: data }\n"),
            "`envelope` unwraps the response, but the operation has no `response`",
            (7, 47),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, success: [200, 600] }\n"),
            "success status 600 is outside 100..=599",
            (7, 62),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, success: [] }\n"),
            "`success` must list at least one status",
            (7, 56),
        ),
        case(
            with("operations:\n  get: { summary: Get, method: GET, path: /a, success: [200, 200] }\n"),
            "success status `200` is declared twice",
            (7, 62),
        ),
        // Webhooks.
        case(
            with("webhooks:\n  events:\n    A: {}\n    B: {}\n"),
            "webhooks without a `tag` must declare exactly one event, found 2",
            (7, 3),
        ),
        case(
            with("webhooks:\n  tag: event\n  events:\n    A: { fields: { event: { type: string } } }\n"),
            "field `event` has the name of the webhook tag",
            (9, 20),
        ),
        case(
            with("webhooks:\n  tag: event\n  events:\n    ContactCreated: {}\n    contact.created: {}\n"),
            "webhook event `contact.created` and webhook event `ContactCreated` both become the Rust name `ContactCreated`",
            (10, 5),
        ),
        case(with("webhooks:\n  tag: event\n  events: {}\n"), "`webhooks.events` must declare at least one event", (8, 3)),
    ]
}

/// What issue 11 made senders rather than refusals: variables in `extra_token_params` (used,
/// so not reported unused), `default_scopes` on an authorization code scheme, and form bodies
/// of scalars, enums and lists of them.
#[test]
fn token_param_templates_default_scopes_and_flat_forms_load() {
    let yaml = "name: demo\ntitle: Demo\nbase_url: https://a.b\nauth:\n  o:\n    type: oauth2\n    authorize_url: https://a.b/a\n    token_url: https://a.b/t\n    grants: [authorization_code, client_credentials]\n    scopes: [read, write]\n    default_scopes: [read]\n    extra_token_params:\n      audience: \"https://{tenant}.example/\"\nvariables:\n  tenant: {}\noperations:\n  post:\n    summary: Post\n    method: POST\n    path: /a\n    body: { type: Note, format: form }\ntypes:\n  Note:\n    fields:\n      tags: { type: list<string> }\n      kind: { type: Kind }\n      kinds: { type: list<Kind> }\n      count: { type: integer }\n      ok: { type: boolean, required: true }\n  Kind: { enum: [a, b] }\n";
    let provider = codegen::parse_str("case.yaml", yaml).unwrap_or_else(|d| panic!("{d}"));
    let Some(AuthKind::OAuth2(oauth2)) = provider.auth.first().map(|a| &a.kind) else {
        panic!("first scheme is not oauth2")
    };
    assert_eq!(oauth2.default_scopes, ["read"]);
    assert_eq!(
        oauth2.extra_token_params,
        [(
            "audience".to_owned(),
            "https://{tenant}.example/".to_owned()
        )]
    );
}

#[test]
fn broken_specs_fail_with_message_at_location() {
    let cases = broken_specs();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let diagnostics = match codegen::parse_str("case.yaml", &case.yaml) {
            Ok(_) => {
                failures.push(format!("case {index} ({}): loaded", case.message));
                continue;
            }
            Err(diagnostics) => diagnostics,
        };
        let found = diagnostics
            .iter()
            .find(|d| d.message().contains(case.message));
        let Some(found) = found else {
            failures.push(format!(
                "case {index}: no `{}` in\n{diagnostics}",
                case.message
            ));
            continue;
        };
        let at = found.location.map(|l| (l.line, l.column));
        if at != Some(case.at) {
            failures.push(format!(
                "case {index} (`{}`): at {at:?}, expected {:?}\n{found}",
                case.message, case.at
            ));
        }
        if let Some(help) = case.help {
            if !found.help().is_some_and(|h| h.contains(help)) {
                failures.push(format!(
                    "case {index}: help {:?} lacks `{help}`",
                    found.help()
                ));
            }
        }
        let rendered = diagnostics.to_string();
        let pointer = format!("case.yaml:{}:{}", case.at.0, case.at.1);
        if !rendered.contains(&pointer) || !rendered.contains('^') {
            failures.push(format!(
                "case {index}: rendering lacks `{pointer}` or caret\n{rendered}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let yaml = with(
        "variables:\n  unused: {}\noperations:\n  a: { summary: A, method: GET, path: \"/{x}\", response: Nope }\n",
    );
    let Err(diagnostics) = codegen::parse_str("many.yaml", &yaml) else {
        panic!("loaded")
    };
    let messages: Vec<String> = diagnostics.iter().map(|d| d.message()).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0].contains("`unused`"));
    assert!(messages[1].contains("path parameter `x`"));
    assert!(messages[2].contains("undefined type `Nope`"));
}

#[test]
fn unreadable_file_is_a_diagnostic() {
    let Err(diagnostics) = codegen::load(&seed_path("no_such_provider")) else {
        panic!("loaded")
    };
    assert!(diagnostics.to_string().contains("cannot read the spec"));
}

#[test]
fn keywords_become_raw_or_suffixed_names_and_keep_wire_names() {
    let yaml = with(
        "operations:
  type: { summary: A, method: GET, path: /a, query: { async: { type: string } } }
  self: { summary: B, method: GET, path: /b }
types:
  Self:
    fields:
      type: { type: string, required: true }
      from: { type: string }
      self: { type: string }
      crate: { type: string }
      2fa: { type: boolean }
  Kind:
    enum: [Self, super, 1st]
",
    );
    let provider = codegen::parse_str("keywords.yaml", &yaml).unwrap_or_else(|d| panic!("{d}"));
    let ops: Vec<(&str, &str)> = provider
        .operations
        .iter()
        .map(|op| (op.name.as_str(), op.rust_name.as_str()))
        .collect();
    assert_eq!(ops, [("type", "r#type"), ("self", "self_")]);
    assert_eq!(provider.operations[0].query[0].rust_name, "r#async");
    assert_eq!(provider.operations[0].query[0].name, "async");
    assert_eq!(provider.types[0].rust_name, "Self_");
    let TypeKind::Struct { fields } = &provider.types[0].kind else {
        panic!("not a struct")
    };
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.rust_name.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("type", "r#type"),
            ("from", "from"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("2fa", "field_2fa"),
        ]
    );
    let TypeKind::Enum { variants } = &provider.types[1].kind else {
        panic!("not an enum")
    };
    let variants: Vec<(&str, &str)> = variants
        .iter()
        .map(|v| (v.value.as_str(), v.rust_name.as_str()))
        .collect();
    assert_eq!(
        variants,
        [("Self", "Self_"), ("super", "Super"), ("1st", "Value1st")]
    );
}

#[test]
fn recursive_fields_are_boxed() {
    let yaml = with(
        "types:
  Node:
    fields:
      parent: { type: Node }
      children: { type: list<Node> }
      meta: { type: Meta }
  Meta:
    fields:
      owner: { type: Node }
      note: { type: string }
",
    );
    let provider = codegen::parse_str("tree.yaml", &yaml).unwrap_or_else(|d| panic!("{d}"));
    let boxed: Vec<(&str, bool)> = provider
        .types
        .iter()
        .flat_map(|ty| match &ty.kind {
            TypeKind::Struct { fields } => fields
                .iter()
                .map(|f| (f.wire_name.as_str(), f.boxed))
                .collect(),
            TypeKind::Enum { .. } => Vec::new(),
        })
        .collect();
    assert_eq!(
        boxed,
        [
            ("parent", true),
            ("children", false),
            ("meta", true),
            ("owner", true),
            ("note", false)
        ]
    );
    let TypeKind::Struct { fields } = &provider.types[0].kind else {
        panic!("not a struct")
    };
    assert_eq!(
        fields[1].ty,
        TypeRef::List(Box::new(TypeRef::Named(RustName::new("Node"))))
    );
}

/// Depth well past serde_yaml's recursion limit (128); libyaml's time grows with the square of
/// flow nesting, so far deeper only makes the test slow.
const DEEP: usize = 5_000;

#[test]
fn pathological_inputs_never_panic() {
    let deep_list = format!("name: {}", "[".repeat(DEEP));
    let deep_map = format!("name: {}", "{a: ".repeat(DEEP));
    let deep_type = with(&format!(
        "types:\n  A: {{ fields: {{ x: {{ type: \"{}string{}\" }} }} }}\n",
        "list<".repeat(10_000),
        ">".repeat(10_000)
    ));
    let aliases = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                   c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                   e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
    let long_line = with(&format!("description: {}\n", "x".repeat(1_000_000)));
    let inputs = [
        deep_list,
        deep_map,
        deep_type,
        aliases.to_owned(),
        long_line,
        format!("\u{feff}{BASE}"),
        format!("{BASE}---\n{BASE}"),
        "\0\u{1}\u{7f}".to_owned(),
        "? [a, b]\n: c\n".to_owned(),
        "name: !!binary aGVsbG8=\n".to_owned(),
        "name: *undefined\n".to_owned(),
        "- a\n- b\n".to_owned(),
        "\"unterminated".to_owned(),
    ];
    for input in &inputs {
        survive(input);
    }
}

/// A tiny deterministic PRNG (xorshift64), so the mutations are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Parses `source` and renders any diagnostics: the test is that neither panics, and that
/// every diagnostic points into the text.
fn survive(source: &str) {
    if let Err(diagnostics) = codegen::parse_str("mutant.yaml", source) {
        let lines = source.lines().count() + 1;
        for diagnostic in &diagnostics {
            let at = diagnostic.location.map_or(1, |l| l.line);
            assert!(at <= lines, "line {at} beyond {lines}:\n{source}");
        }
        assert!(!diagnostics.to_string().is_empty());
    }
}

/// Truncation offsets tried per seed in debug builds: one in this many. Parsing every prefix
/// of every seed takes minutes without optimizations; `cargo test -p codegen --release` tries
/// every offset.
const DEBUG_STRIDE: usize = if cfg!(debug_assertions) { 9 } else { 1 };

#[test]
fn truncated_seed_specs_never_panic() {
    let sources: Vec<String> = SEEDS.iter().map(|name| seed_source(name)).collect();
    // Each seed starts at another phase, so debug runs still cut at every offset modulo the
    // stride somewhere.
    let prefixes: Vec<&str> = sources
        .iter()
        .enumerate()
        .flat_map(|(phase, source)| {
            let offsets = source.char_indices().map(|(offset, _)| offset);
            offsets
                .skip(phase % DEBUG_STRIDE)
                .step_by(DEBUG_STRIDE)
                .map(move |offset| &source[..offset])
        })
        .collect();
    // Dealt out round-robin, so every thread gets long and short prefixes alike.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for first in 0..threads {
            let prefixes = &prefixes;
            scope.spawn(move || {
                prefixes
                    .iter()
                    .skip(first)
                    .step_by(threads)
                    .for_each(|p| survive(p))
            });
        }
    });
}

#[test]
fn mutated_seed_specs_never_panic() {
    const MUTATIONS: usize = 150;
    const NOISE: &[&str] = &[
        ":", "{", "}", "[", "]", "-", " ", "\t", "\"", "'", "<", ">", "#", "&a", "*a", "\n", "?",
        "|",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for name in SEEDS {
        let source = seed_source(name);
        let lines: Vec<&str> = source.lines().collect();
        for _ in 0..MUTATIONS {
            // Drop random lines.
            let kept: Vec<&str> = lines
                .iter()
                .copied()
                .filter(|_| rng.below(10) != 0)
                .collect();
            survive(&kept.join("\n"));
            // Insert YAML punctuation at random character positions.
            let mut chars: Vec<String> = source.chars().map(String::from).collect();
            for _ in 0..3 {
                let at = rng.below(chars.len());
                chars.insert(at, NOISE[rng.below(NOISE.len())].to_owned());
            }
            survive(&chars.concat());
        }
    }
}
