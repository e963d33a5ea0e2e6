//! Every way a spec can be wrong, one variant per cause, each with a message that names the
//! offending text and a help line that says what to write instead.
//!
//! Keeping causes as variants (not strings) lets tests and tools match on what went wrong, and keeps
//! all user-facing wording in this one file.

use std::fmt;

use super::Location;

/// One thing wrong with a spec. `Display` gives the message; [`Problem::help`] the next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The spec file could not be read at all.
    Unreadable { error: String },
    /// The text is not well-formed YAML (or not a single YAML document).
    Yaml { detail: String },
    /// A spec larger than the generator reads.
    SpecTooLarge { bytes: usize, limit: usize },
    /// Collections nested deeper than any spec needs.
    NestedTooDeep { limit: usize },
    /// A character that no spec text may contain (control or bidirectional-text characters).
    ForbiddenCharacter { character: char, kind: &'static str },
    /// A second YAML document (`---`) after the spec.
    SecondDocument,
    /// A static header value that HTTP cannot carry.
    InvalidHeaderValue { value: String, reason: &'static str },
    /// A variable default that the client would refuse as a value.
    InvalidDefault { name: String, reason: &'static str },
    /// A mapping holds the same key twice.
    DuplicateKey {
        key: String,
        first: Option<Location>,
    },
    /// A key the spec format does not have.
    UnknownKey {
        key: String,
        expected: Vec<String>,
        suggestion: Option<String>,
    },
    /// A value outside a fixed set (method, grant, body format, ...).
    UnknownValue {
        value: String,
        expected: Vec<String>,
        suggestion: Option<String>,
    },
    /// A key the spec format requires is absent.
    MissingKey { key: String },
    /// A value of the wrong YAML type (a list where a string belongs, ...).
    WrongType { found: String, expected: String },
    /// A value of the right type that is still unusable (a number too large, ...).
    InvalidValue { detail: String },

    /// `name` cannot be a crate name.
    InvalidCrateName { name: String, reason: &'static str },
    /// Another package of the workspace, or a dependency in its lockfile, has the crate's name.
    CrateNameTaken { name: String, by: String },
    /// A value that must hold text is empty.
    Empty { what: &'static str },
    /// The same name is declared twice.
    Duplicate {
        kind: NameKind,
        name: String,
        first: Option<Location>,
    },
    /// Two different names become the same Rust identifier.
    NameCollision {
        kind: NameKind,
        name: String,
        other: String,
        rust_name: String,
        first: Option<Location>,
    },
    /// Two variables or schemes that `from_env` would read from one environment variable.
    EnvVarCollision {
        name: String,
        other: String,
        var: String,
        first: Option<Location>,
    },
    /// A type named like a builtin of the type expressions, so it could never be referenced.
    ReservedTypeName { name: String },
    /// A name that becomes one the generated crate defines itself (`Client`, `request`, ...).
    ReservedName {
        kind: NameKind,
        name: String,
        rust_name: String,
    },
    /// An enum value whose variant would clash with the catch-all variant every enum gets.
    ReservedVariant { value: String, variant: String },
    /// A path parameter named like an argument the operation's method already takes
    /// (`query`, `headers`, `body`).
    ReservedArgument {
        name: String,
        rust_name: String,
        holds: &'static str,
    },

    /// A `{placeholder}` template that does not parse.
    BadTemplate { text: String, reason: &'static str },
    /// A `{placeholder}` naming no declared variable.
    UndeclaredVariable {
        name: String,
        suggestion: Option<String>,
    },
    /// A declared variable that no template uses.
    UnusedVariable { name: String },
    /// A URL that is not an absolute http(s) URL (checked with placeholders filled in).
    InvalidUrl { url: String, reason: &'static str },
    /// A header name with characters HTTP does not allow.
    InvalidHeaderName { name: String },

    /// `auth` declares no scheme.
    NoAuth,
    /// A second `oauth2` scheme: a client holds one token source.
    SecondOAuth2 { first: Option<Location> },
    /// A key that belongs to another scheme `type`.
    KeyNotApplicable {
        key: &'static str,
        scheme_type: &'static str,
    },
    /// A key that this scheme `type` requires.
    MissingSchemeKey {
        key: &'static str,
        scheme_type: &'static str,
    },
    /// An oauth2 scheme with an empty `grants` list.
    NoGrants,
    /// A browser-redirect grant without the URL to redirect to.
    AuthorizeUrlRequired { grant: &'static str },
    /// `refresh_token` as the only grant: nothing would ever issue a refresh token.
    RefreshWithoutIssuer,
    /// An option that only matters for a grant the scheme does not offer.
    OptionWithoutGrant {
        key: &'static str,
        grant: &'static str,
    },
    /// `client_auth: json` with `body: form`.
    ClientAuthContradictsBody,
    /// `requires` names a scheme that is not declared.
    UnknownScheme {
        name: String,
        suggestion: Option<String>,
    },
    /// A scheme lists itself in `requires`.
    SchemeRequiresItself { name: String },
    /// A scope used but declared by no oauth2 scheme (or not by this scheme, for defaults).
    UndeclaredScope {
        scope: String,
        suggestion: Option<String>,
    },
    /// `default_scopes` on a scheme with `send_scopes: false`: they would never be sent.
    DefaultScopesNotSent,

    /// An operation path that does not start with `/`.
    PathWithoutSlash { path: String },
    /// An operation path that would leave the base URL or carry more than a path.
    UnsafeOperationPath { path: String, reason: &'static str },
    /// A `{param}` in a path that `path_params` does not declare.
    UndeclaredPathParam {
        name: String,
        suggestion: Option<String>,
    },
    /// A path parameter declared but absent from the path.
    UnusedPathParam { name: String },
    /// A path parameter marked `required: false`.
    OptionalPathParam { name: String },
    /// A parameter whose type cannot be written into a URL or header.
    NotScalar {
        what: &'static str,
        ty: String,
        lists_allowed: bool,
    },
    /// A `json` or `form` body without a `type`.
    BodyNeedsType { format: &'static str },
    /// An `empty` body with a `type`.
    EmptyBodyWithType,
    /// A `form` body whose type is not a struct.
    FormBodyNotStruct { ty: String },
    /// A field of a `form` body's type that a form cannot carry (an object, a map, `json`, a
    /// list of those or of lists).
    FormFieldNotFlat {
        ty: String,
        field: String,
        found: String,
    },
    /// `envelope` on an operation without a `response`.
    EnvelopeWithoutResponse,
    /// `success: []`.
    NoSuccessCodes,
    /// A success status outside the HTTP range.
    SuccessOutOfRange { code: u16 },
    /// `default_lifetime_secs` of 0 or beyond any real token's life.
    LifetimeOutOfRange { secs: u64, max: u64 },

    /// A type expression that does not parse.
    BadTypeExpr { expr: String, reason: &'static str },
    /// A type expression naming no declared type.
    UndefinedType {
        name: String,
        suggestion: Option<String>,
    },
    /// A type with neither `fields` nor `enum`.
    TypeWithoutShape { name: String },
    /// A type with both `fields` and `enum`.
    TypeWithBothShapes { name: String },
    /// `enum: []`.
    EmptyEnum { name: String },

    /// `webhooks.events` is empty.
    NoWebhookEvents,
    /// Without a `tag`, payloads cannot be told apart, so exactly one event may be declared.
    UntaggedWebhookEvents { count: usize },
    /// An event field with the same wire name as the tag that selects the event.
    FieldShadowsTag { tag: String },
}

/// What a duplicated or colliding name names, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Operation,
    Type,
    Field,
    EnumValue,
    Scope,
    AuthScheme,
    Variable,
    Parameter,
    Header,
    Event,
    Grant,
    RequiredScheme,
    SuccessCode,
    /// A variable or an auth scheme: both become `ClientBuilder` methods.
    ClientSetting,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Operation => "operation",
            NameKind::Type => "type",
            NameKind::Field => "field",
            NameKind::EnumValue => "enum value",
            NameKind::Scope => "scope",
            NameKind::AuthScheme => "auth scheme",
            NameKind::Variable => "variable",
            NameKind::Parameter => "parameter",
            NameKind::Header => "header",
            NameKind::Event => "webhook event",
            NameKind::Grant => "grant",
            NameKind::RequiredScheme => "required scheme",
            NameKind::SuccessCode => "success status",
            NameKind::ClientSetting => "variable or auth scheme",
        })
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unreadable { error } => write!(f, "cannot read the spec: {error}"),
            Problem::Yaml { detail } => write!(f, "invalid YAML: {detail}"),
            Problem::SpecTooLarge { bytes, limit } => {
                write!(f, "the spec is {bytes} bytes long, more than the limit of {limit}")
            }
            Problem::NestedTooDeep { limit } => {
                write!(f, "collections are nested more than {limit} levels deep")
            }
            Problem::ForbiddenCharacter { character, kind } => {
                write!(f, "{kind} {} is not allowed in a spec", character.escape_unicode())
            }
            Problem::SecondDocument => f.write_str("a spec is one YAML document, but a second one starts here"),
            Problem::InvalidHeaderValue { value, reason } => {
                write!(f, "invalid header value `{}`: {reason}", value.escape_debug())
            }
            Problem::InvalidDefault { name, reason } => {
                write!(f, "invalid default of variable `{name}`: {reason}")
            }
            Problem::DuplicateKey { key, .. } => write!(f, "duplicate key `{key}`"),
            Problem::UnknownKey { key, .. } => write!(f, "unknown key `{key}`"),
            Problem::UnknownValue { value, .. } => write!(f, "unknown value `{value}`"),
            Problem::MissingKey { key } => write!(f, "missing required key `{key}`"),
            Problem::WrongType { found, expected } => {
                write!(f, "wrong type: expected {expected}, found {found}")
            }
            Problem::InvalidValue { detail } => write!(f, "invalid value: {detail}"),
            Problem::InvalidCrateName { name, reason } => {
                write!(f, "invalid crate name `{name}`: {reason}")
            }
            Problem::CrateNameTaken { name, by } => {
                write!(f, "crate name `{name}` is already taken by {by}")
            }
            Problem::Empty { what } => write!(f, "{what} must not be empty"),
            Problem::Duplicate { kind, name, .. } => write!(f, "{kind} `{name}` is declared twice"),
            Problem::NameCollision {
                kind,
                name,
                other,
                rust_name,
                ..
            } => write!(
                f,
                "{kind} `{name}` and {kind} `{other}` both become the Rust name `{rust_name}`"
            ),
            Problem::EnvVarCollision {
                name, other, var, ..
            } => write!(
                f,
                "variable or auth scheme `{name}` and variable or auth scheme `{other}` both read the environment variable `{var}`"
            ),
            Problem::ReservedTypeName { name } => {
                write!(f, "type name `{name}` is reserved for a builtin type")
            }
            Problem::ReservedName {
                kind,
                name,
                rust_name,
            } => write!(
                f,
                "{kind} `{name}` becomes `{rust_name}`, which the generated crate already defines"
            ),
            Problem::ReservedVariant { value, variant } => write!(
                f,
                "enum value `{value}` becomes the variant `{variant}`, which is reserved for unknown values"
            ),
            Problem::ReservedArgument {
                name,
                rust_name,
                holds,
            } => write!(
                f,
                "path parameter `{name}` becomes the argument `{rust_name}`, which the operation's method already takes for its {holds}"
            ),
            Problem::BadTemplate { text, reason } => write!(f, "invalid template `{text}`: {reason}"),
            Problem::UndeclaredVariable { name, .. } => {
                write!(f, "template variable `{name}` is not declared")
            }
            Problem::UnusedVariable { name } => {
                write!(f, "variable `{name}` is declared but never used")
            }
            Problem::InvalidUrl { url, reason } => write!(f, "invalid URL `{url}`: {reason}"),
            Problem::InvalidHeaderName { name } => write!(f, "invalid header name `{name}`"),
            Problem::NoAuth => f.write_str("`auth` must declare at least one scheme"),
            Problem::SecondOAuth2 { .. } => f.write_str("a spec may declare only one `oauth2` scheme"),
            Problem::KeyNotApplicable { key, scheme_type } => {
                write!(f, "`{key}` does not apply to `{scheme_type}` schemes")
            }
            Problem::MissingSchemeKey { key, scheme_type } => {
                write!(f, "`{scheme_type}` schemes need `{key}`")
            }
            Problem::NoGrants => f.write_str("`grants` must list at least one grant"),
            Problem::AuthorizeUrlRequired { grant } => {
                write!(f, "grant `{grant}` needs `authorize_url`")
            }
            Problem::RefreshWithoutIssuer => f.write_str(
                "grant `refresh_token` needs a grant that issues refresh tokens (`authorization_code` or `password`)",
            ),
            Problem::OptionWithoutGrant { key, grant } => {
                write!(f, "`{key}` only applies to the `{grant}` grant, which is not in `grants`")
            }
            Problem::ClientAuthContradictsBody => f.write_str(
                "`client_auth: json` sends the client credentials in a JSON body, but `body` is `form`",
            ),
            Problem::UnknownScheme { name, .. } => write!(f, "unknown auth scheme `{name}`"),
            Problem::SchemeRequiresItself { name } => {
                write!(f, "auth scheme `{name}` lists itself in `requires`")
            }
            Problem::UndeclaredScope { scope, .. } => write!(f, "scope `{scope}` is not declared"),
            Problem::DefaultScopesNotSent => f.write_str(
                "`default_scopes` are never sent: the scheme has `send_scopes: false`",
            ),
            Problem::PathWithoutSlash { path } => write!(f, "path `{path}` must start with `/`"),
            Problem::UnsafeOperationPath { path, reason } => {
                write!(f, "invalid operation path `{path}`: {reason}")
            }
            Problem::UndeclaredPathParam { name, .. } => write!(
                f,
                "path parameter `{name}` is used in the path but not declared in `path_params`"
            ),
            Problem::UnusedPathParam { name } => {
                write!(f, "path parameter `{name}` is declared but not used in the path")
            }
            Problem::OptionalPathParam { name } => {
                write!(f, "path parameter `{name}` cannot be optional")
            }
            Problem::NotScalar {
                what,
                ty,
                lists_allowed,
            } => {
                let allowed = if *lists_allowed {
                    "string, integer, number, boolean or a list of those"
                } else {
                    "string, integer, number or boolean"
                };
                write!(f, "{what} must be {allowed}, found `{ty}`")
            }
            Problem::BodyNeedsType { format } => write!(f, "a `{format}` body needs a `type`"),
            Problem::EmptyBodyWithType => {
                f.write_str("an `empty` body sends no content, so it cannot have a `type`")
            }
            Problem::FormBodyNotStruct { ty } => {
                write!(f, "a `form` body must be a type with `fields`, found `{ty}`")
            }
            Problem::FormFieldNotFlat { ty, field, found } => write!(
                f,
                "field `{field}` of `{ty}`, a `form` body, is `{found}`, which a form body cannot carry"
            ),
            Problem::EnvelopeWithoutResponse => {
                f.write_str("`envelope` unwraps the response, but the operation has no `response`")
            }
            Problem::NoSuccessCodes => f.write_str("`success` must list at least one status"),
            Problem::SuccessOutOfRange { code } => {
                write!(f, "success status {code} is outside 100..=599")
            }
            Problem::LifetimeOutOfRange { secs, max } => {
                write!(f, "`default_lifetime_secs` is {secs}, outside 1..={max} (ten years)")
            }
            Problem::BadTypeExpr { expr, reason } => {
                write!(f, "invalid type expression `{expr}`: {reason}")
            }
            Problem::UndefinedType { name, .. } => write!(f, "undefined type `{name}`"),
            Problem::TypeWithoutShape { name } => {
                write!(f, "type `{name}` needs `fields` or `enum`")
            }
            Problem::TypeWithBothShapes { name } => {
                write!(f, "type `{name}` cannot have both `fields` and `enum`")
            }
            Problem::EmptyEnum { name } => write!(f, "enum `{name}` has no values"),
            Problem::NoWebhookEvents => f.write_str("`webhooks.events` must declare at least one event"),
            Problem::UntaggedWebhookEvents { count } => write!(
                f,
                "webhooks without a `tag` must declare exactly one event, found {count}"
            ),
            Problem::FieldShadowsTag { tag } => {
                write!(f, "field `{tag}` has the name of the webhook tag")
            }
        }
    }
}

impl Problem {
    /// What to do about it, when there is more to say than the message.
    pub fn help(&self) -> Option<String> {
        match self {
            Problem::DuplicateKey { first, .. } => Some(match first {
                Some(at) => format!("first given at line {}; keep one of them", at.line),
                None => "keep one of them".to_owned(),
            }),
            Problem::SpecTooLarge { .. } => {
                Some("split the API into several specs, one crate each".to_owned())
            }
            Problem::NestedTooDeep { .. } => {
                Some("the spec format nests about 7 levels; look for unclosed `[` or `{`".to_owned())
            }
            Problem::ForbiddenCharacter { .. } => Some(
                "remove it; in free text, line breaks and tabs are the only control characters allowed"
                    .to_owned(),
            ),
            Problem::SecondDocument => {
                Some("remove this `---` line and what follows, or merge it into the spec".to_owned())
            }
            Problem::InvalidHeaderValue { .. } => Some(
                "header values are visible ASCII characters, spaces and tabs, on one line".to_owned(),
            ),
            Problem::InvalidDefault { .. } => Some(
                "a variable holds one host, port or path segment: write the rest of the URL in the template"
                    .to_owned(),
            ),
            Problem::UnknownKey { key, .. } if key.contains(' ') => Some(
                "inside `{ ... }` a `,` ends the value: quote text that contains commas".to_owned(),
            ),
            Problem::UnknownKey {
                expected,
                suggestion,
                ..
            }
            | Problem::UnknownValue {
                expected,
                suggestion,
                ..
            } => did_you_mean(suggestion).or_else(|| one_of(expected)),
            Problem::WrongType { found, expected } => wrong_type_help(found, expected),
            Problem::InvalidCrateName { .. } => Some(
                "use lowercase letters, digits and `_`, starting with a letter, e.g. `sms_cx`"
                    .to_owned(),
            ),
            Problem::CrateNameTaken { .. } => Some(
                "choose another `name`: cargo cannot tell two packages of one name apart".to_owned(),
            ),
            Problem::Duplicate { first, .. }
            | Problem::NameCollision { first, .. }
            | Problem::EnvVarCollision { first, .. } => {
                Some(match first {
                    Some(at) => format!("the other one is at line {}; rename one of them", at.line),
                    None => "rename one of them".to_owned(),
                })
            }
            Problem::ReservedTypeName { .. } => {
                Some("rename the type, e.g. with a domain prefix".to_owned())
            }
            Problem::ReservedName { .. } => Some("rename it".to_owned()),
            Problem::SecondOAuth2 { first } => Some(format!(
                "{}one scheme serves public and confidential clients with `client_auth: form`",
                first.map_or(String::new(), |at| format!("the first is at line {}; ", at.line))
            )),
            Problem::ReservedVariant { .. } => {
                Some("give the value another Rust name with `name:`".to_owned())
            }
            Problem::ReservedArgument { name, .. } => Some(format!(
                "rename the path parameter in `path_params` and the path, e.g. `{name}_id`: its name is not sent"
            )),
            Problem::BadTemplate { .. } => {
                Some("placeholders look like `{name}`; braces cannot nest".to_owned())
            }
            Problem::UndeclaredVariable { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("declare it under `variables:`".to_owned())),
            Problem::UnusedVariable { name } => Some(format!(
                "use it as `{{{name}}}` in `base_url`, `headers`, an auth URL or `extra_token_params`, or remove it"
            )),
            Problem::InvalidUrl { .. } => {
                Some("write an absolute URL such as `https://api.example.com`".to_owned())
            }
            Problem::InvalidHeaderName { .. } => Some(
                "header names are letters, digits and ``!#$%&'*+-.^_`|~``".to_owned(),
            ),
            Problem::NoAuth => Some("add e.g. `token: { type: bearer }`".to_owned()),
            Problem::KeyNotApplicable { .. } => {
                Some("remove it, or change the scheme's `type`".to_owned())
            }
            Problem::AuthorizeUrlRequired { .. } => {
                Some("add `authorize_url: https://...` to the scheme".to_owned())
            }
            Problem::RefreshWithoutIssuer => {
                Some("add the grant that first obtains the token".to_owned())
            }
            Problem::OptionWithoutGrant { grant, .. } => {
                Some(format!("remove it, or add `{grant}` to `grants`"))
            }
            Problem::ClientAuthContradictsBody => {
                Some("remove `body` or write `body: json`".to_owned())
            }
            Problem::UnknownScheme { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("`requires` names other schemes under `auth:`".to_owned())),
            Problem::UndeclaredScope { suggestion, .. } => did_you_mean(suggestion).or_else(|| {
                Some("declare it under the `scopes` of an oauth2 scheme".to_owned())
            }),
            Problem::DefaultScopesNotSent => Some(
                "remove `default_scopes`, or remove `send_scopes: false` to request them".to_owned(),
            ),
            Problem::PathWithoutSlash { .. } => {
                Some("paths are appended to `base_url`, e.g. `/sms`".to_owned())
            }
            Problem::UnsafeOperationPath { .. } => Some(
                "write a plain path below `base_url`, e.g. `/sms/{id}`; put query parameters under `query:`"
                    .to_owned(),
            ),
            Problem::LifetimeOutOfRange { .. } => Some(
                "give the token lifetime in seconds, e.g. `3600` for an hour".to_owned(),
            ),
            Problem::UndeclaredPathParam { name, suggestion } => did_you_mean(suggestion)
                .or_else(|| Some(format!("add `path_params: {{ {name}: {{ type: string }} }}`"))),
            Problem::UnusedPathParam { name } => {
                Some(format!("write `{{{name}}}` in the path, or remove the declaration"))
            }
            Problem::OptionalPathParam { .. } => Some("remove `required: false`".to_owned()),
            Problem::BodyNeedsType { .. } => {
                Some("add `type: <TypeName>`, or use `format: empty`".to_owned())
            }
            Problem::EmptyBodyWithType => Some("remove `type`, or use `format: json`".to_owned()),
            Problem::FormBodyNotStruct { .. } => Some(
                "form bodies are flat `key=value` pairs: declare a type with `fields`".to_owned(),
            ),
            Problem::FormFieldNotFlat { .. } => Some(
                "a form field is a string, number, boolean, string enum or a list of those (sent as \
                 `name=a&name=b`): flatten the field, or send the body with `format: json`"
                    .to_owned(),
            ),
            Problem::EnvelopeWithoutResponse => {
                Some("add `response: <type>` or remove `envelope`".to_owned())
            }
            Problem::BadTypeExpr { .. } => Some(
                "expected `string`, `integer`, `number`, `boolean`, `json`, `list<T>`, `map<T>` or a declared type"
                    .to_owned(),
            ),
            Problem::UndefinedType { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("declare it under `types:`".to_owned())),
            Problem::TypeWithoutShape { .. } => Some(
                "add `fields: {}` for an object or `enum: [..]` for a string enum".to_owned(),
            ),
            Problem::TypeWithBothShapes { .. } => {
                Some("declare the enum as a separate type and use it as a field".to_owned())
            }
            Problem::UntaggedWebhookEvents { .. } => Some(
                "add `tag: <field>` naming the field that tells the events apart".to_owned(),
            ),
            Problem::FieldShadowsTag { .. } => {
                Some("the tag is decoded into the event variant; remove the field".to_owned())
            }
            Problem::Unreadable { .. }
            | Problem::Yaml { .. }
            | Problem::MissingKey { .. }
            | Problem::InvalidValue { .. }
            | Problem::Empty { .. }
            | Problem::MissingSchemeKey { .. }
            | Problem::NoGrants
            | Problem::SchemeRequiresItself { .. }
            | Problem::NotScalar { .. }
            | Problem::NoSuccessCodes
            | Problem::SuccessOutOfRange { .. }
            | Problem::EmptyEnum { .. }
            | Problem::NoWebhookEvents => None,
        }
    }
}

/// Help for a value of the wrong type, from the plain words of [`Problem::WrongType`].
fn wrong_type_help(found: &str, expected: &str) -> Option<String> {
    let collection = |text: &str| text.starts_with("a list") || text.starts_with("a mapping");
    let help = if expected.starts_with("a mapping") {
        "write `key: value` lines below the key, or `{ key: value }`"
    } else if expected.starts_with("a list") {
        "write a list, e.g. `[a, b]`"
    } else if collection(found) {
        "write a single value here, not a list or a mapping"
    } else if expected.contains("string") {
        "quote the value to make it a string, e.g. `\"200\"`"
    } else if expected.contains("boolean") {
        "write `true` or `false`"
    } else {
        return None;
    };
    Some(help.to_owned())
}

fn did_you_mean(suggestion: &Option<String>) -> Option<String> {
    suggestion
        .as_ref()
        .map(|name| format!("did you mean `{name}`?"))
}

fn one_of(expected: &[String]) -> Option<String> {
    match expected {
        [] => None,
        [only] => Some(format!("expected `{only}`")),
        _ => {
            let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
            Some(format!("expected one of {}", list.join(", ")))
        }
    }
}
