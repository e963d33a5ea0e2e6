//! Reading requests and writing responses the way HTTP servers do: media types, form and JSON
//! bodies, `Authorization` schemes, redirects.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};
use wiremock::{Request, ResponseTemplate};

/// The path of `request` split on `/`, without the leading slash (`/oauth2/token/` is
/// `["oauth2", "token", ""]`), so stand-ins can route with slice patterns.
pub fn segments(request: &Request) -> Vec<String> {
    let path = request
        .url
        .path()
        .strip_prefix('/')
        .unwrap_or(request.url.path());
    path.split('/').map(percent_decode).collect()
}

/// Decodes `%XX` escapes (a path segment's, where `+` stays `+`).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| segment.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A header's value, when present and valid UTF-8.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The media type of the body (`application/json`), lowercase and without parameters.
pub fn media_type(request: &Request) -> Option<String> {
    let value = header(request, "content-type")?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

/// Name-value pairs from a query string or a form body.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: &[u8]) -> Params {
        Params(url::form_urlencoded::parse(raw).into_owned().collect())
    }

    /// The value of `name` (the first, if repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` is present.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Names given more than once (RFC 6749 §3.1 and §3.2 forbid that).
    pub fn repeated(&self) -> Option<&str> {
        self.0
            .iter()
            .enumerate()
            .find(|(i, (name, _))| self.0[..*i].iter().any(|(earlier, _)| earlier == name))
            .map(|(_, (name, _))| name.as_str())
    }
}

/// The query parameters of `request`.
pub fn query(request: &Request) -> Params {
    url_query(&request.url)
}

/// The query parameters of `url` (an authorization URL a client built, say).
pub fn url_query(url: &url::Url) -> Params {
    Params::parse(url.query().unwrap_or_default().as_bytes())
}

/// The form body of `request`; `Err` names what is wrong when it is not one.
pub fn form(request: &Request) -> Result<Params, String> {
    match media_type(request).as_deref() {
        Some("application/x-www-form-urlencoded") => Ok(Params::parse(&request.body)),
        other => Err(format!(
            "expected an application/x-www-form-urlencoded body, got {other:?}"
        )),
    }
}

/// The JSON object body of `request`; `Err` names what is wrong when it is not one.
pub fn json_object(request: &Request) -> Result<Map<String, Value>, String> {
    match media_type(request).as_deref() {
        Some("application/json") => match serde_json::from_slice(&request.body) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(_) => Err("the JSON body is not an object".to_owned()),
            Err(e) => Err(format!("the body is not JSON: {e}")),
        },
        other => Err(format!("expected an application/json body, got {other:?}")),
    }
}

/// The decoded `user:password` of an `Authorization: Basic` header, split at the first colon.
pub fn basic(request: &Request) -> Option<(String, String)> {
    let encoded = strip_scheme(header(request, "authorization")?, "Basic")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Client credentials from `Authorization: Basic`, each half form-urldecoded as RFC 6749 §2.3.1 has
/// clients encode them.
pub fn basic_client(request: &Request) -> Option<(String, String)> {
    let (id, secret) = basic(request)?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((decode(&id)?, decode(&secret)?))
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer(request: &Request) -> Option<&str> {
    strip_scheme(header(request, "authorization")?, "Bearer")
}

fn strip_scheme<'v>(value: &'v str, scheme: &str) -> Option<&'v str> {
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// A JSON response.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A `302 Found` to `location`, as an authorization endpoint answers a consenting user.
pub fn redirect(location: &str) -> ResponseTemplate {
    ResponseTemplate::new(302).insert_header("location", location)
}

/// `base` with `params` appended to its query.
pub fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(base).expect("a registered redirect URI is a URL");
    url.query_pairs_mut().extend_pairs(params);
    url.into()
}

/// `base` with `params` as its fragment (the implicit grant's redirect).
pub fn with_fragment(base: &str, params: &[(&str, &str)]) -> String {
    let fragment = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{base}#{fragment}")
}
