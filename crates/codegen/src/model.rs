//! The resolved model: a spec after validation, with every default applied, every reference
//! resolved and every Rust name chosen. It is all the emitter reads, so the emitter makes no
//! decisions about names or defaults and cannot meet an invalid spec.
//!
//! Every Rust name is a [`RustName`]: heck-converted, ASCII only, prefixed when it would start
//! with a digit, and, when it is a keyword, raw (`r#type`) or, for `self`/`Self`/`super`/`crate`,
//! suffixed (`self_`), as is an event variant that would be the catch-all `Unknown`. Names the
//! generated crate derives (parameter and payload types, setters, arguments, environment
//! variables) are chosen and checked for collisions here too.
//! Collections keep the order of the spec, so the same spec always yields the same model.

mod rust_name;

pub(crate) use rust_name::is_keyword;
pub use rust_name::RustName;

pub use crate::spec::{ApiKeyLocation, ClientAuth, Grant, Method, TokenBody};

/// The module of the generated crate that holds the spec's types and the types derived from
/// operations and events, re-exported at the crate root by a glob. An item the crate root
/// defines itself (`Client`, `Scope`, `Error`, `Result`, ...) shadows a glob import, so a spec
/// type of the same name is no clash: it stays reachable as `types::Client`, and generated code
/// always names spec types through this module. No type name is therefore reserved.
pub const TYPES_MODULE: RustName = RustName::fixed("types");

/// Public methods of the generated `Client` besides the operations: no operation may become one.
/// Reserved whether or not the spec offers the flow a method belongs to, so that adding a grant
/// to a spec never renames an operation. The client's private helpers live in the runtime.
pub const RESERVED_CLIENT_METHODS: &[&str] = &[
    "api",
    "authorize_url",
    "authorize_with_loopback",
    "builder",
    "finish_authorization",
    "finish_implicit",
    "from_env",
    "granted_scopes",
    "implicit_authorize_url",
    "request",
    "set_token",
    "token",
];

/// Methods of the generated `ClientBuilder` besides one per variable and per auth scheme (and
/// [`AuthScheme::public_setter`]): no variable or scheme may become one. Reserved whether or not
/// the spec offers the flow a method belongs to, like [`RESERVED_CLIENT_METHODS`].
pub const RESERVED_BUILDER_METHODS: &[&str] = &[
    "authorize_url",
    "base_url",
    "build",
    "client_credentials",
    "from_env",
    "http_client",
    "password",
    "reqwest_client",
    "shared_token_store",
    "timeout",
    "token_store",
    "token_url",
];

/// The catch-all variant of `WebhookEvent`, for events added after generation. An event whose
/// variant would be this one gets a trailing `_` instead (`unknown` -> `Unknown_`), like a keyword
/// that cannot be raw: the event's name is its wire value, so it cannot simply be renamed.
pub const UNKNOWN_EVENT: &str = "Unknown";

/// The argument of an operation method holding its query parameters (`&SendSmsQuery`).
pub const QUERY_ARGUMENT: RustName = RustName::fixed("query");
/// The argument of an operation method holding its request headers (`&SendSmsHeaders`).
pub const HEADERS_ARGUMENT: RustName = RustName::fixed("headers");
/// The argument of an operation method holding its request body.
pub const BODY_ARGUMENT: RustName = RustName::fixed("body");

/// Crates the generated code names (`::serde::Serialize`, `::provider_runtime::ApiClient`) or
/// depends on: a generated crate of the same name would shadow or clash with them.
pub const RESERVED_CRATES: &[&str] = &[
    "provider_runtime",
    "reqwest",
    "serde",
    "serde_derive",
    "serde_json",
    "url",
];

/// One provider: everything a generated client crate is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// The crate name, a snake_case identifier (e.g. `sms_cx`).
    pub crate_name: String,
    pub title: String,
    pub docs_url: Option<String>,
    /// Crate-level docs (Markdown).
    pub description: Option<String>,
    /// The API base URL, without trailing `/`; placeholders name [`Variable`]s.
    pub base_url: Template,
    pub variables: Vec<Variable>,
    /// Static headers sent with every request; placeholders name [`Variable`]s.
    pub headers: Vec<Header>,
    /// At least one scheme, at most one of them [`AuthKind::OAuth2`]. Variable and scheme
    /// `rust_name`s are distinct from each other (both name `ClientBuilder` methods).
    pub auth: Vec<AuthScheme>,
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
    /// Type of error response bodies, if the spec declares one.
    pub error: Option<TypeRef>,
    pub webhooks: Option<Webhooks>,
}

impl Provider {
    /// The provider's OAuth 2.0 scheme, if it has one (validation allows at most one).
    pub fn oauth2(&self) -> Option<(&AuthScheme, &OAuth2)> {
        self.auth.iter().find_map(|scheme| match &scheme.kind {
            AuthKind::OAuth2(oauth2) => Some((scheme, oauth2)),
            _ => None,
        })
    }
}

/// A string with `{placeholder}`s, split so that nothing needs parsing again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template as written, e.g. `https://{domain}/oauth/token`.
    pub text: String,
    pub segments: Vec<Segment>,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// A placeholder's name as written (a variable name, or a path parameter's wire name).
    Placeholder(String),
}

/// A template variable (tenant host, stage, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Name as used in templates.
    pub name: String,
    /// snake_case, for the client's setter.
    pub rust_name: RustName,
    /// The environment variable `from_env` reads it from (`CLOUDCX_DOMAIN`), distinct from
    /// every other variable's and scheme's.
    pub env_var: String,
    pub description: Option<String>,
    /// `None`: the variable is required.
    pub default: Option<String>,
}

/// A static header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: Template,
}

/// An authentication scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthScheme {
    /// Name as written in the spec (`oauth2`, `api_key`, ...).
    pub name: String,
    /// snake_case, for its builder method.
    pub rust_name: RustName,
    /// UpperCamelCase, for enum variants and types.
    pub variant: RustName,
    /// The builder method for a public client of an oauth2 scheme that allows one
    /// (`oauth2_public`); distinct from every other builder method.
    pub public_setter: Option<RustName>,
    pub description: Option<String>,
    pub kind: AuthKind,
    /// The environment variables `from_env` reads for it, distinct from every other
    /// variable's and scheme's.
    pub env: SchemeEnv,
    /// Names of the other schemes always sent beside this one.
    pub requires: Vec<String>,
}

/// The environment variables of a scheme (`SMS_CX_CLIENT_ID`...); the first one selects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeEnv {
    OAuth2 {
        client_id: String,
        /// Present when a confidential client is allowed.
        client_secret: Option<String>,
        /// The login and the password, when the password grant is offered.
        password: Option<(String, String)>,
    },
    /// The key of an API key scheme, or the token of a Bearer scheme.
    Secret(String),
    /// The account id and the token of a Basic scheme.
    Basic { id: String, token: String },
}

impl SchemeEnv {
    /// Every variable with what it holds, the selecting one first.
    pub fn vars(&self) -> Vec<(&str, &'static str)> {
        match self {
            SchemeEnv::OAuth2 {
                client_id,
                client_secret,
                password,
            } => {
                let mut vars = vec![(client_id.as_str(), "the OAuth client id")];
                vars.extend(
                    client_secret
                        .iter()
                        .map(|s| (s.as_str(), "the OAuth client secret")),
                );
                if let Some((login, password)) = password {
                    vars.push((login.as_str(), "the login of the password grant"));
                    vars.push((password.as_str(), "the password of the password grant"));
                }
                vars
            }
            SchemeEnv::Secret(name) => vec![(name.as_str(), "the secret")],
            SchemeEnv::Basic { id, token } => vec![
                (id.as_str(), "the account id of the personal access token"),
                (token.as_str(), "the personal access token"),
            ],
        }
    }
}

/// What kind of credential a scheme is, with its settings.
// A provider has a handful of schemes, built once: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    OAuth2(OAuth2),
    ApiKey {
        location: ApiKeyLocation,
        /// Header or query parameter name.
        name: String,
    },
    /// `Authorization: Basic base64(id:secret)`.
    Basic,
    /// A static `Authorization: Bearer` token.
    Bearer,
}

/// An OAuth 2 scheme with every default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2 {
    /// Present whenever a grant redirects (`authorization_code`, `implicit`).
    pub authorize_url: Option<Template>,
    pub token_url: Template,
    /// `token_url` unless the spec names another.
    pub refresh_url: Template,
    /// At least one, no duplicates, in spec order.
    pub grants: Vec<Grant>,
    pub client_auth: ClientAuth,
    /// `Json` whenever `client_auth` is `Json`.
    pub body: TokenBody,
    /// Only ever true with [`Grant::AuthorizationCode`].
    pub pkce: bool,
    pub scope_separator: String,
    pub send_scopes: bool,
    /// Scope values (declared in `scopes`) requested when the caller names none.
    pub default_scopes: Vec<String>,
    pub extra_authorize_params: Vec<(String, String)>,
    pub extra_token_params: Vec<(String, String)>,
    /// Login parameter of the `password` grant (`username` unless renamed).
    pub username_field: String,
    /// snake_case name of the login argument of the `password` builder method, after
    /// `username_field` (`email`); never `password`, the method's other argument.
    pub username_argument: RustName,
    /// SHOUTY_SNAKE_CASE, appended to the crate's env-var prefix for the login (`EMAIL`); never
    /// `PASSWORD`, the variable of the password itself.
    pub username_env_var_suffix: String,
    /// At most [`MAX_LIFETIME_SECS`].
    pub default_lifetime_secs: Option<u64>,
    pub token_prefix_header: Option<String>,
    pub scopes: Vec<Scope>,
}

/// The longest `default_lifetime_secs` a spec may assume (ten years): anything longer is a typo,
/// and it keeps every `now + lifetime` far from overflowing.
pub const MAX_LIFETIME_SECS: u64 = 10 * 366 * 24 * 60 * 60;

impl OAuth2 {
    /// Whether the OAuth client may be public (no secret): `none`, or body authentication with
    /// the secret left out. Basic authentication always needs a secret.
    pub fn allows_public_client(&self) -> bool {
        self.client_auth != ClientAuth::Basic
    }

    /// Whether the OAuth client may be confidential (have a secret).
    pub fn allows_confidential_client(&self) -> bool {
        self.client_auth != ClientAuth::None
    }
}

/// A scope of an oauth2 scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The wire value.
    pub value: String,
    /// UpperCamelCase variant name, unique within the scheme.
    pub variant: RustName,
    pub description: Option<String>,
}

/// An HTTP operation: one client method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Name as written in the spec.
    pub name: String,
    /// snake_case method name.
    pub rust_name: RustName,
    /// The method returning the body with the response's status and headers
    /// (`{rust_name}_with_response`), distinct from every operation's `rust_name`.
    pub with_response_name: RustName,
    /// UpperCamelCase, for types named after the operation.
    pub type_name: RustName,
    /// Name of the struct of query parameters (`{type_name}Query`) when there are any;
    /// distinct from every other type of the [`TYPES_MODULE`].
    pub query_type: Option<RustName>,
    /// Name of the struct of request headers (`{type_name}Headers`) when there are any;
    /// distinct from every other type of the [`TYPES_MODULE`].
    pub headers_type: Option<RustName>,
    pub summary: String,
    pub description: Option<String>,
    pub method: Method,
    /// Starts with `/`; every placeholder is the wire name of exactly one of `path_params`.
    pub path: Template,
    /// Always required; scalar types (or string enums).
    pub path_params: Vec<Param>,
    /// Scalar types, string enums, or lists of those.
    pub query: Vec<Param>,
    /// Scalar types or string enums.
    pub headers: Vec<Param>,
    pub body: Option<Body>,
    /// The decoded (and, with `envelope`, unwrapped) response; `None`: no content.
    pub response: Option<TypeRef>,
    /// Non-empty, each in 100..=599, no duplicates.
    pub success: Vec<u16>,
    /// Values of declared oauth2 scopes.
    pub scopes: Vec<String>,
    /// The response object's field holding the payload that `response` describes.
    pub envelope: Option<String>,
}

/// The statuses an operation counts as success when its spec lists none; the runtime's
/// `ApiClient::operation` assumes the same, so generated code names only the others.
pub const DEFAULT_SUCCESS: [u16; 4] = [200, 201, 202, 204];

/// A path, query or header parameter. `rust_name`s are unique within an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    /// Its field in the parameter struct; for a path parameter, its argument, never one of
    /// [`QUERY_ARGUMENT`], [`HEADERS_ARGUMENT`] or [`BODY_ARGUMENT`] the method also takes.
    pub rust_name: RustName,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// `application/json`.
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`; always a [`TypeRef::Named`] struct.
    Form(TypeRef),
    /// An empty body.
    Empty,
}

/// A resolved type expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `String`
    String,
    /// `i64`
    Integer,
    /// `f64`
    Number,
    /// `bool`
    Boolean,
    /// Any JSON value (`serde_json::Value`).
    Json,
    /// `Vec<T>`
    List(Box<TypeRef>),
    /// A JSON object with string keys and `T` values.
    Map(Box<TypeRef>),
    /// A declared type, by its `rust_name`.
    Named(RustName),
}

/// A declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    /// Name as written in the spec.
    pub name: String,
    /// UpperCamelCase, unique among the types of the [`TYPES_MODULE`].
    pub rust_name: RustName,
    pub description: Option<String>,
    pub kind: TypeKind,
}

/// The shape of a declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
    },
    /// A string enum. No variant is named `Other`: that name is left for the catch-all
    /// variant that keeps unknown values.
    Enum {
        variants: Vec<Variant>,
    },
}

/// A struct field or a webhook event field. `rust_name`s are unique within their struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Name on the wire (what serde renames to).
    pub wire_name: String,
    /// snake_case.
    pub rust_name: RustName,
    pub ty: TypeRef,
    /// `false`: the Rust field is an `Option`.
    pub required: bool,
    /// The field's type contains its own struct without indirection (through no list or
    /// map), so the field must be boxed for the struct to have a size.
    pub boxed: bool,
    pub description: Option<String>,
}

/// A value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The wire value.
    pub value: String,
    /// UpperCamelCase, unique within the enum, never `Other`.
    pub rust_name: RustName,
    pub description: Option<String>,
}

/// Webhook events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhooks {
    pub description: Option<String>,
    /// Field naming the event. `None`: payloads have no discriminator and `events` holds
    /// exactly one event.
    pub tag: Option<String>,
    /// At least one event.
    pub events: Vec<Event>,
}

/// One webhook event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The tag's value for this event.
    pub name: String,
    /// UpperCamelCase variant name, unique among events, never [`UNKNOWN_EVENT`].
    pub rust_name: RustName,
    /// Name of the payload struct (`{rust_name}Event`); distinct from every other type of the
    /// [`TYPES_MODULE`].
    pub payload_type: RustName,
    pub description: Option<String>,
    /// Payload fields; none has the tag's wire name.
    pub fields: Vec<Field>,
}
