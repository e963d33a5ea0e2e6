//! The spec format: a serde model of `specs/<provider>.yaml`, exactly as written.
//!
//! Deserialization checks only shape (known keys, value types, fixed vocabularies); every rule
//! that relates one part of a spec to another lives in [`crate::validate`]. The doc comments here
//! double as the descriptions in `docs/spec.schema.json`, which editors show while a spec is typed.

mod de;
mod errors;
mod events;
pub(crate) mod libyaml;
mod map;
mod shorthand;
pub mod source;

use schemars::JsonSchema;
use serde::de::{value::MapAccessDeserializer, MapAccess};
use serde::{Deserialize, Deserializer};

use crate::diagnostic::{Finding, Problem};
use crate::locate::Locations;
use events::Reader;
pub use map::Map;
use shorthand::{Shorthand, StringOr};

/// Deserializes `source` and indexes its positions in one pass over its YAML events, or
/// reports the first problem, at its node. A duplicate key is reported with every other
/// duplicate in the text, each at its second occurrence.
pub fn parse(source: &str) -> Result<(Spec, Locations), Vec<Finding>> {
    let source = source::without_byte_order_mark(source);
    let mut reader = Reader::new(source);
    let spec = match Spec::deserialize(de::Deserializer {
        reader: &mut reader,
    }) {
        Ok(spec) => spec,
        Err(error) if matches!(error.problem(), Problem::DuplicateKey { .. }) => {
            return Err(duplicates(&reader.duplicates()));
        }
        Err(error) => return Err(vec![error.into_finding()]),
    };
    match reader.finish() {
        Ok(locations) => Ok((spec, locations)),
        Err(error) => Err(vec![error.into_finding()]),
    }
}

/// A finding per repeated key, at its second occurrence.
fn duplicates(locations: &Locations) -> Vec<Finding> {
    locations
        .duplicates()
        .iter()
        .map(|duplicate| {
            let problem = Problem::DuplicateKey {
                key: duplicate.key.clone(),
                first: Some(duplicate.first),
            };
            Finding::new(Some(duplicate.second), problem)
        })
        .collect()
}

/// A provider spec: one HTTP API, how to authenticate against it, its operations, the types
/// they exchange, and its webhook events. Keys are snake_case; maps keep the order written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Name of the generated crate: lowercase snake_case, e.g. `sms_cx`.
    pub name: String,
    /// The provider's display name, e.g. `SMS.CX`.
    pub title: String,
    /// Link to the provider's API documentation, shown in the crate docs.
    pub docs_url: Option<String>,
    /// Crate-level documentation (Markdown).
    pub description: Option<String>,
    /// Absolute URL that operation paths are appended to; may use `{variables}`; no trailing `/`.
    pub base_url: String,
    /// Template variables usable as `{name}` in `base_url`, `headers` and auth URLs; the client
    /// gets a setter for each (and reads `<CRATE>_<NAME>` from the environment).
    #[serde(default)]
    pub variables: Map<Variable>,
    /// Static headers sent with every request (values may use `{variables}`).
    #[serde(default)]
    pub headers: Map<String>,
    /// Authentication schemes by name; at least one.
    pub auth: Map<AuthScheme>,
    /// Operations by name (snake_case; becomes the client method's name).
    #[serde(default)]
    pub operations: Map<Operation>,
    /// Named types (UpperCamel) used by operations, webhooks and other types.
    #[serde(default)]
    pub types: Map<TypeDef>,
    /// Type expression for the body of error responses (e.g. `ApiError`), decoded on any
    /// status outside an operation's `success`.
    pub error: Option<String>,
    /// Webhook payloads the provider sends, decoded into an event enum.
    pub webhooks: Option<Webhooks>,
}

/// A template variable.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// What the value is, shown on the client's setter.
    pub description: Option<String>,
    /// Value used when none is configured. A variable without a default is required: building
    /// a client without it fails.
    pub default: Option<String>,
}

/// An authentication scheme. Which keys apply depends on `type`: the oauth2 keys
/// (`authorize_url` ... `scopes`) only on `oauth2`, `in` and `name` only on `api_key`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthScheme {
    /// Kind of credential.
    #[serde(rename = "type")]
    pub kind: AuthType,
    /// Documentation for the scheme's credentials.
    pub description: Option<String>,
    /// Other schemes always sent beside this one (e.g. an API key header with every Bearer
    /// token).
    #[serde(default)]
    pub requires: Vec<String>,

    /// oauth2: where the user is sent to grant access; required by `authorization_code` and
    /// `implicit`. May use `{variables}`.
    pub authorize_url: Option<String>,
    /// oauth2 (required): the token endpoint. May use `{variables}`.
    pub token_url: Option<String>,
    /// oauth2: endpoint for `refresh_token` requests. Default: `token_url`.
    pub refresh_url: Option<String>,
    /// oauth2 (required): the grants (flows) the provider supports; each becomes a client method.
    pub grants: Option<Vec<Grant>>,
    /// oauth2: how the client id and secret reach the token endpoint. Default: `basic`.
    pub client_auth: Option<ClientAuth>,
    /// oauth2: format of token request bodies. Default: `json` if `client_auth` is `json`,
    /// else `form`.
    pub body: Option<TokenBody>,
    /// oauth2: send a PKCE (S256) challenge with `authorization_code`. Default: true when
    /// `authorization_code` is a grant.
    pub pkce: Option<bool>,
    /// oauth2: what joins scopes in requests and responses. Default: `" "`.
    pub scope_separator: Option<String>,
    /// oauth2: whether requests carry `scope` (false when scopes are configured on the app).
    /// Default: true.
    pub send_scopes: Option<bool>,
    /// oauth2: scopes every grant requests when the caller names none (the authorize URL too);
    /// values or names from `scopes`. Not with `send_scopes: false`. Default: none (the
    /// provider's default).
    pub default_scopes: Option<Vec<String>>,
    /// oauth2: extra query parameters of the authorize URL (e.g. `prompt: consent`); values may
    /// hold `{variable}` placeholders of declared variables.
    pub extra_authorize_params: Option<Map<String>>,
    /// oauth2: extra parameters of every token request; values may hold `{variable}`
    /// placeholders of declared variables (e.g. `audience: "https://{tenant}.example/api"`).
    pub extra_token_params: Option<Map<String>>,
    /// oauth2, `password` grant: name of the login parameter. Default: `username`.
    pub username_field: Option<String>,
    /// oauth2: token lifetime assumed when a token response has no `expires_in`.
    pub default_lifetime_secs: Option<u64>,
    /// oauth2: header that carries the part of the access token before its first `:` (e.g. a
    /// data-centre prefix such as `dal:`) with every request.
    pub token_prefix_header: Option<String>,
    /// oauth2: the scopes the provider defines; each becomes a variant of the scope enum. An
    /// entry is the wire value, or a mapping with `value`, `name` and `description`.
    #[schemars(with = "Option<Vec<StringOr<Scope>>>")]
    pub scopes: Option<Vec<Scope>>,

    /// api_key: where the key is sent. Default: `header`.
    #[serde(rename = "in")]
    pub location: Option<ApiKeyLocation>,
    /// api_key (required): the header or query parameter name.
    pub name: Option<String>,
}

impl AuthScheme {
    /// The type-specific keys this scheme sets, to check them against its `type`.
    pub fn specific_keys(&self) -> Vec<&'static str> {
        let keys = [
            ("authorize_url", self.authorize_url.is_some()),
            ("token_url", self.token_url.is_some()),
            ("refresh_url", self.refresh_url.is_some()),
            ("grants", self.grants.is_some()),
            ("client_auth", self.client_auth.is_some()),
            ("body", self.body.is_some()),
            ("pkce", self.pkce.is_some()),
            ("scope_separator", self.scope_separator.is_some()),
            ("send_scopes", self.send_scopes.is_some()),
            ("default_scopes", self.default_scopes.is_some()),
            (
                "extra_authorize_params",
                self.extra_authorize_params.is_some(),
            ),
            ("extra_token_params", self.extra_token_params.is_some()),
            ("username_field", self.username_field.is_some()),
            (
                "default_lifetime_secs",
                self.default_lifetime_secs.is_some(),
            ),
            ("token_prefix_header", self.token_prefix_header.is_some()),
            ("scopes", self.scopes.is_some()),
            ("in", self.location.is_some()),
            ("name", self.name.is_some()),
        ];
        keys.into_iter()
            .filter_map(|(key, present)| present.then_some(key))
            .collect()
    }
}

/// Kind of authentication scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    /// OAuth 2 access tokens, sent as `Authorization: Bearer`.
    Oauth2,
    /// A static key in a header or query parameter.
    ApiKey,
    /// `Authorization: Basic base64(id:secret)`, e.g. a personal access token.
    Basic,
    /// A static token sent as `Authorization: Bearer`.
    Bearer,
}

impl AuthType {
    pub const ALL: [AuthType; 4] = [
        AuthType::Oauth2,
        AuthType::ApiKey,
        AuthType::Basic,
        AuthType::Bearer,
    ];

    /// The spelling in specs.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Oauth2 => "oauth2",
            AuthType::ApiKey => "api_key",
            AuthType::Basic => "basic",
            AuthType::Bearer => "bearer",
        }
    }

    /// The type-specific keys (see [`AuthScheme::specific_keys`]) this type accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            AuthType::Oauth2 => &[
                "authorize_url",
                "token_url",
                "refresh_url",
                "grants",
                "client_auth",
                "body",
                "pkce",
                "scope_separator",
                "send_scopes",
                "default_scopes",
                "extra_authorize_params",
                "extra_token_params",
                "username_field",
                "default_lifetime_secs",
                "token_prefix_header",
                "scopes",
            ],
            AuthType::ApiKey => &["in", "name"],
            AuthType::Basic | AuthType::Bearer => &[],
        }
    }

    /// The type-specific keys this type requires.
    pub fn required_keys(self) -> &'static [&'static str] {
        match self {
            AuthType::Oauth2 => &["token_url", "grants"],
            AuthType::ApiKey => &["name"],
            AuthType::Basic | AuthType::Bearer => &[],
        }
    }
}

/// An OAuth 2 grant (flow), spelled as its `grant_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Browser redirect, then a code exchanged for tokens (RFC 6749 4.1).
    AuthorizationCode,
    /// The client's own credentials (RFC 6749 4.4).
    ClientCredentials,
    /// A user's login and password (RFC 6749 4.3).
    Password,
    /// A refresh token exchanged for a new access token (RFC 6749 6).
    RefreshToken,
    /// Browser redirect with the token in the URL fragment (RFC 6749 4.2).
    Implicit,
}

impl Grant {
    /// The spelling in specs and in the `grant_type` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
            Grant::RefreshToken => "refresh_token",
            Grant::Implicit => "implicit",
        }
    }

    /// Whether the grant sends the user's browser to `authorize_url`.
    pub fn redirects(self) -> bool {
        matches!(self, Grant::AuthorizationCode | Grant::Implicit)
    }
}

/// How the client authenticates at the token endpoint (RFC 6749 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// HTTP Basic `client_id:client_secret`.
    Basic,
    /// `client_id` and, when the client has one, `client_secret` as form parameters; covers
    /// public clients (no secret) and confidential ones with one scheme.
    Form,
    /// `client_id` and `client_secret` in a JSON body (implies `body: json`).
    Json,
    /// A public client: only `client_id` is sent, in the body.
    None,
}

/// Format of token request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenBody {
    /// `application/x-www-form-urlencoded` (RFC 6749).
    Form,
    /// `application/json`.
    Json,
}

/// Where an API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    Header,
    Query,
}

/// A scope an oauth2 scheme defines.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "Scope")]
pub struct Scope {
    /// The scope as sent on the wire, e.g. `sms` or `https://example.com/scopes/Read`.
    pub value: String,
    /// Name of the scope's enum variant (converted to UpperCamel). Default: derived from the
    /// value's last path segment.
    pub name: Option<String>,
    /// What the scope allows.
    pub description: Option<String>,
}

// `Scope::deserialize` (the inherent function generated by `remote = "Self"`) reads only the
// mapping form; this trait impl, which serde uses, accepts both forms.
impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shorthand::deserialize(deserializer)
    }
}

impl Shorthand for Scope {
    fn from_value(value: String) -> Self {
        Scope {
            value,
            name: None,
            description: None,
        }
    }

    fn from_map<'de, M: MapAccess<'de>>(map: M) -> Result<Self, M::Error> {
        Scope::deserialize(MapAccessDeserializer::new(map))
    }
}

/// An HTTP operation: one method of the generated client.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// One line for the method's docs.
    pub summary: String,
    /// More docs (Markdown).
    pub description: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Path appended to `base_url`, starting with `/`; `{name}` placeholders are path parameters.
    pub path: String,
    /// Parameters substituted into `path`, by name as written in the path.
    #[serde(default)]
    pub path_params: Map<Param>,
    /// Query parameters by wire name.
    #[serde(default)]
    pub query: Map<Param>,
    /// Request headers by name.
    #[serde(default)]
    pub headers: Map<Param>,
    /// The request body. Omitted: no body.
    pub body: Option<Body>,
    /// Type expression of the (unwrapped) response body. Omitted: no content is decoded.
    pub response: Option<String>,
    /// Statuses that count as success. Default: `[200, 201, 202, 204]`.
    pub success: Option<Vec<u16>>,
    /// Scopes the operation needs (values or names declared by an oauth2 scheme).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Field of the response object that holds the payload, for providers that wrap every
    /// response (`{"status": "OK", "data": {...}}` -> `envelope: data`).
    pub envelope: Option<String>,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A path, query or header parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// Type expression: `string`, `integer`, `number` or `boolean` (query parameters also
    /// `list<...>` of those, sent as repeated parameters).
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the caller must give it. Default: false (path parameters are always required).
    pub required: Option<bool>,
    /// Docs for the argument.
    pub description: Option<String>,
}

/// A request body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Type expression of the body; required unless `format` is `empty`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Encoding of the body. Default: `json`.
    #[serde(default)]
    pub format: BodyFormat,
}

/// Encoding of a request body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    /// `application/json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`; the type must have `fields`.
    Form,
    /// An empty body (for APIs that want a POST with only query parameters).
    Empty,
}

/// A named type: an object (`fields`) or a string enum (`enum`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Docs for the type.
    pub description: Option<String>,
    /// Object fields by wire name.
    pub fields: Option<Map<Field>>,
    /// String enum values; the generated enum also keeps unknown values. An entry is the wire
    /// value, or a mapping with `value`, `name` and `description`.
    #[serde(rename = "enum")]
    #[schemars(with = "Option<Vec<StringOr<EnumValue>>>")]
    pub values: Option<Vec<EnumValue>>,
}

/// An object field.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Type expression: `string`, `integer` (i64), `number` (f64), `boolean`, `json` (any
    /// value), `list<T>`, `map<T>` (string keys) or a declared type name.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the field is always present. Default: false (the Rust field is an `Option`).
    #[serde(default)]
    pub required: bool,
    /// Docs for the field.
    pub description: Option<String>,
}

/// A value of a string enum.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "EnumValue")]
pub struct EnumValue {
    /// The value as sent on the wire.
    pub value: String,
    /// Name of the Rust variant (converted to UpperCamel). Default: derived from the value.
    pub name: Option<String>,
    /// Docs for the variant.
    pub description: Option<String>,
}

// See the note on `Scope`'s impl.
impl<'de> Deserialize<'de> for EnumValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shorthand::deserialize(deserializer)
    }
}

impl Shorthand for EnumValue {
    fn from_value(value: String) -> Self {
        EnumValue {
            value,
            name: None,
            description: None,
        }
    }

    fn from_map<'de, M: MapAccess<'de>>(map: M) -> Result<Self, M::Error> {
        EnumValue::deserialize(MapAccessDeserializer::new(map))
    }
}

/// Webhook payloads the provider POSTs to the application.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    /// Docs for receiving the webhooks (validation handshakes, signatures, ...).
    pub description: Option<String>,
    /// The payload field whose value names the event (e.g. `event`). Omitted: payloads carry no
    /// discriminator, and exactly one event must be declared.
    pub tag: Option<String>,
    /// Events by tag value (the variant name is its UpperCamel form).
    pub events: Map<Event>,
}

/// One webhook event.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Docs for the event.
    pub description: Option<String>,
    /// Payload fields other than the tag.
    #[serde(default)]
    pub fields: Map<Field>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_duplicate_key_is_reported_at_its_repetition() {
        let source =
            "name: a\ntypes:\n  A: { fields: { x: { type: T }, x: {} } }\n  A: {}\nname: b\n";
        let found: Vec<_> = parse(source)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|finding| finding.location.map(|at| (at.line, at.column)))
            .collect();
        assert_eq!(found, [Some((3, 34)), Some((4, 3)), Some((5, 1))]);
    }
}
