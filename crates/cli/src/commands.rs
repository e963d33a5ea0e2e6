//! The commands after login: `token`, `ops`, `call`, `request`, `status` and `logout`.

use std::fmt::Display;
use std::time::SystemTime;

use codegen::model::{Body, Operation};
use provider_runtime::{Call, Method};
use serde_json::{json, Value};

/// `println!` into a `String`.
macro_rules! out {
    ($text:ident, $($arg:tt)*) => {{
        $text.push_str(&format!($($arg)*));
        $text.push('\n');
    }};
}

use crate::cli::{CallArgs, Global, LogoutArgs, OpsArgs, RequestArgs, RequestParts, TokenArgs};
use crate::error::{CliError, Result};
use crate::session::{split_pair, with_endpoint, Session};
use crate::store::Store;

/// `provider token`.
pub async fn token(session: &Session, args: &TokenArgs) -> Result<()> {
    let login = with_endpoint(session.login()?, &args.endpoint)?;
    if login.grant.is_none() {
        return Err(CliError::usage(format!(
            "the `{}` login of {} is not OAuth 2.0: there is no access token to print",
            login.scheme, session.provider.title
        )));
    }
    let engine = session.engine(&login)?;
    let token = engine.token().await.map_err(|e| session.failed(e))?;
    if args.json {
        let now = SystemTime::now();
        let expires_at = token.expires_at().map(unix);
        let expires_in = token
            .expires_at()
            .map(|at| at.duration_since(now).map_or(0, |d| d.as_secs()));
        let mut out = json!({
            "token_type": "Bearer",
            "expires_at": expires_at,
            "expires_in": expires_in,
            "scopes": token.scopes(),
            "refresh_token": token.refresh_token().is_some(),
        });
        if args.show_secrets {
            out["access_token"] = token.access_token().secret().into();
        }
        println!("{}", pretty(&out));
    } else if args.header {
        println!("Authorization: Bearer {}", token.access_token().secret());
    } else {
        println!("{}", token.access_token().secret());
    }
    Ok(())
}

/// `provider ops`.
pub fn ops(session: &Session, _args: &OpsArgs) -> Result<()> {
    let operations = &session.spec.model.operations;
    let mut text = String::new();
    if operations.is_empty() {
        out!(
            text,
            "{} declares no operations: use `provider request {} GET /path`.",
            session.provider.title,
            session.spec.argument
        );
        print(&text);
        return Ok(());
    }
    let width = operations.iter().map(|o| o.name.len()).max().unwrap_or(0);
    for operation in operations {
        let method = operation.method.as_str();
        out!(
            text,
            "{:width$}  {method:6} {}",
            operation.name,
            operation.path.text
        );
        let mut details = Vec::new();
        let params = |label: &str, params: &[codegen::model::Param]| {
            (!params.is_empty()).then(|| {
                let names: Vec<String> = params
                    .iter()
                    .map(|p| {
                        let optional = if p.required { "" } else { "?" };
                        format!("{}{optional}", p.name)
                    })
                    .collect();
                format!("{label}: {}", names.join(" "))
            })
        };
        details.extend(params("path", &operation.path_params));
        details.extend(params("query", &operation.query));
        details.extend(params("headers", &operation.headers));
        match &operation.body {
            Some(Body::Json(_)) => details.push("body: json".to_owned()),
            Some(Body::Form(_)) => details.push("body: form".to_owned()),
            _ => {}
        }
        if !operation.scopes.is_empty() {
            details.push(format!("scopes: {}", operation.scopes.join(" ")));
        }
        out!(text, "{:width$}  {}", "", operation.summary);
        if !details.is_empty() {
            out!(text, "{:width$}  {}", "", details.join("; "));
        }
    }
    print(&text);
    Ok(())
}

/// `provider call`.
pub async fn call(session: &Session, args: &CallArgs) -> Result<()> {
    let operation = operation(session, &args.operation)?;
    let mut given = Vec::new();
    for pair in &args.params {
        given.push(split_pair(pair, "--param")?);
    }
    if let Some((name, _)) = given
        .iter()
        .find(|(name, _)| !operation.path_params.iter().any(|p| &p.name == name))
    {
        return Err(CliError::usage(format!(
            "`{}` has no path parameter `{name}`{}",
            operation.name,
            listing(operation.path_params.iter().map(|p| &p.name))
        )));
    }
    let mut values: Vec<String> = Vec::new();
    for param in &operation.path_params {
        match given.iter().find(|(name, _)| name == &param.name) {
            Some((_, value)) => values.push(value.clone()),
            None => {
                return Err(CliError::usage(format!(
                    "`{}` needs the path parameter `{}`: add `--param {}=VALUE`",
                    operation.name, param.name, param.name
                )))
            }
        }
    }
    let query = pairs(&args.request.query, "--query")?;
    for param in operation.query.iter().filter(|p| p.required) {
        if !query.iter().any(|(name, _)| name == &param.name) {
            return Err(CliError::usage(format!(
                "`{}` needs the query parameter `{}`: add `--query {}=VALUE`",
                operation.name, param.name, param.name
            )));
        }
    }
    let body = body(&args.request)?;
    match (&operation.body, &body) {
        (Some(Body::Json(_) | Body::Form(_)), None) => {
            return Err(CliError::usage(format!(
                "`{}` sends a body: add `--body @file.json` (or `--body -` for standard input)",
                operation.name
            )))
        }
        (None | Some(Body::Empty), Some(_)) => {
            return Err(CliError::usage(format!(
                "`{}` sends no body: drop `--body`",
                operation.name
            )))
        }
        _ => {}
    }
    let login = with_endpoint(session.login()?, &args.endpoint)?;
    let engine = session.engine(&login)?;
    let method = method(operation.method.as_str())?;
    let values: Vec<&dyn Display> = values.iter().map(|v| v as &dyn Display).collect();
    let scopes: Vec<&str> = operation.scopes.iter().map(String::as_str).collect();
    let mut call = engine
        .operation(method, &operation.path.text, &values)
        .scopes(&scopes);
    if !operation.success.is_empty() {
        call = call.success(&operation.success);
    }
    call = match (&operation.body, body) {
        (Some(Body::Form(_)), Some(body)) => call.form(&body),
        (Some(Body::Empty), _) => call.empty_body(),
        (_, Some(body)) => call.json(&body),
        (_, None) => call,
    };
    send(session, call, &query, &args.request.headers).await
}

/// `provider request`.
pub async fn request(session: &Session, args: &RequestArgs) -> Result<()> {
    let method = method(&args.method)?;
    let query = pairs(&args.request.query, "--query")?;
    let body = body(&args.request)?;
    let login = with_endpoint(session.login()?, &args.endpoint)?;
    let engine = session.engine(&login)?;
    let mut call = engine.request(method, &args.path);
    if let Some(body) = body {
        call = call.json(&body);
    }
    send(session, call, &query, &args.request.headers).await
}

/// `provider status`.
pub fn status(global: &Global) -> Result<()> {
    let store = Store::new(global.config_dir.clone())?;
    let logins = store.all()?;
    if logins.is_empty() {
        println!("No logins stored: run `provider login <spec>`.");
        return Ok(());
    }
    let now = SystemTime::now();
    for (provider, connection, login) in logins {
        let how = match &login.grant {
            Some(grant) => format!("{} ({grant})", login.scheme),
            None => login.scheme.clone(),
        };
        let mut line = format!("{provider}  {connection}  {}  {how}", login.title);
        if login.grant.is_some() {
            match provider_runtime::TokenStore::load(&store.tokens(&provider, &connection)) {
                Ok(Some(token)) => {
                    match token.expires_at() {
                        Some(at) => match at.duration_since(now) {
                            Ok(left) => {
                                line += &format!("  token expires in {}", human(left.as_secs()))
                            }
                            Err(_) => line += "  token expired",
                        },
                        None => line += "  token does not expire",
                    }
                    if let Some(scopes) = token.scopes() {
                        line += &format!("  scopes: {}", scopes.join(" "));
                    }
                    if token.refresh_token().is_some() {
                        line += "  (refreshable)";
                    }
                }
                Ok(None) => line += "  no token yet",
                Err(e) => line += &format!("  token unreadable: {e}"),
            }
        }
        println!("{line}");
    }
    Ok(())
}

/// `provider logout`.
pub fn logout(session: &Session, _args: &LogoutArgs) -> Result<()> {
    let removed = session.store.remove(session.name(), &session.connection)?;
    if removed {
        eprintln!(
            "Logged out of {} (connection `{}`): its stored credentials and token are deleted.",
            session.provider.title, session.connection
        );
    } else {
        eprintln!(
            "Not logged in to {} (connection `{}`): nothing to delete.",
            session.provider.title, session.connection
        );
    }
    Ok(())
}

/// Sends `call` with the extra query parameters and headers, printing the status on standard
/// error and the body (pretty JSON when it is JSON) on standard output.
async fn send(
    session: &Session,
    mut call: Call<'_>,
    query: &[(String, String)],
    headers: &[String],
) -> Result<()> {
    for (name, value) in query {
        call = call.query(name, value);
    }
    for (name, value) in pairs(headers, "--header")? {
        call = call.header(&name, value);
    }
    let (status, body) = call.send_raw().await.map_err(|e| session.failed(e))?;
    eprintln!("HTTP {status}");
    if body.is_empty() {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(json) => println!("{}", pretty(&json)),
        Err(_) => println!("{}", String::from_utf8_lossy(&body)),
    }
    Ok(())
}

/// The operation `name`, or a usage error listing them.
fn operation<'a>(session: &'a Session, name: &str) -> Result<&'a Operation> {
    let operations = &session.spec.model.operations;
    operations.iter().find(|o| o.name == name).ok_or_else(|| {
        CliError::usage(format!(
            "{} has no operation `{name}`{} (`provider ops {}` lists them)",
            session.provider.title,
            listing(operations.iter().map(|o| &o.name)),
            session.spec.argument
        ))
    })
}

/// `: a, b, c`, or nothing for no names.
fn listing<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; it has: {}", names.join(", "))
    }
}

fn pairs(pairs: &[String], option: &str) -> Result<Vec<(String, String)>> {
    pairs.iter().map(|p| split_pair(p, option)).collect()
}

/// The `--body`: `@file`, `-` (standard input) or JSON text.
fn body(parts: &RequestParts) -> Result<Option<Value>> {
    let Some(body) = &parts.body else {
        return Ok(None);
    };
    let (text, from) = if body == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|error| {
            CliError::Local {
                what: "cannot read",
                path: "standard input".into(),
                error,
            }
        })?;
        (text, "standard input".to_owned())
    } else if let Some(path) = body.strip_prefix('@') {
        let text = std::fs::read_to_string(path).map_err(|error| CliError::Local {
            what: "cannot read",
            path: path.into(),
            error,
        })?;
        (text, path.to_owned())
    } else {
        (body.clone(), "--body".to_owned())
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| CliError::usage(format!("the body from {from} is not JSON: {e}")))
}

fn method(name: &str) -> Result<Method> {
    Method::from_bytes(name.to_ascii_uppercase().as_bytes())
        .map_err(|_| CliError::usage(format!("`{name}` is not an HTTP method")))
}

/// Writes `text` to standard output; a reader that went away (`| head`) is not an error.
fn print(text: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn unix(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `1h 5m`, `42s`.
fn human(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m", secs / 60),
        _ => format!("{}h {}m", secs / 3600, secs % 3600 / 60),
    }
}
