//! The crate documentation of a committed crate: what it is, how it authenticates, and a
//! compiled (`no_run`) example of the provider's main flow.

use crate::markdown::code;
use std::fmt::Write;

use super::docs::doc_lines;
use crate::model::{AuthKind, AuthScheme, Grant, Provider};

/// The crate-level docs, as Markdown.
pub(crate) fn crate_docs(provider: &Provider) -> String {
    let mut docs = format!("A typed client of the {} API", provider.title);
    match &provider.docs_url {
        Some(url) => {
            let _ = write!(docs, " (provider documentation: <{url}>).\n\n");
        }
        None => docs.push_str(".\n\n"),
    }
    if let Some(description) = &provider.description {
        // The description's code blocks must not become doctests beside the example.
        let _ = write!(docs, "{}\n\n", doc_lines(description.trim()).join("\n"));
    }
    let variables: Vec<String> = provider
        .variables
        .iter()
        .map(|v| {
            format!(
                "{} for {}",
                code(&v.env_var),
                code(&format!("{{{}}}", v.name))
            )
        })
        .collect();
    let reads = match variables.is_empty() {
        true => String::new(),
        false => format!(" reads {}", variables.join(", ")),
    };
    if !provider.auth.is_empty() {
        let and = if reads.is_empty() { "" } else { " and" };
        let _ = writeln!(
            docs,
            "[`Client::from_env`]{reads}{and} uses the first of these schemes whose first variable is set:"
        );
    } else if !reads.is_empty() {
        let _ = writeln!(docs, "[`Client::from_env`]{reads}.");
    }
    for scheme in &provider.auth {
        docs.push_str(&scheme_line(scheme));
    }
    let _ = write!(docs, "\n```no_run\n{}```\n", example(provider));
    docs
}

/// The list item of a scheme: what it sends, what it needs beside it, where `from_env` looks.
fn scheme_line(scheme: &AuthScheme) -> String {
    let how = match &scheme.kind {
        AuthKind::OAuth2(o) => {
            let grants: Vec<&str> = o.grants.iter().map(grant_name).collect();
            format!("OAuth 2.0 ({})", grants.join(", "))
        }
        AuthKind::ApiKey { name, .. } => format!("API key ({})", code(name)),
        AuthKind::Basic => "personal access token, sent as HTTP Basic".to_owned(),
        AuthKind::Bearer => "a fixed Bearer token".to_owned(),
    };
    let requires = if scheme.requires.is_empty() {
        String::new()
    } else {
        let required: Vec<String> = scheme.requires.iter().map(|r| code(r)).collect();
        format!(", sent together with {}", required.join(", "))
    };
    let env: Vec<String> = scheme.env.vars().iter().map(|(var, _)| code(var)).collect();
    format!(
        "- `{}`: {how}{requires}; environment: {}\n",
        scheme.name,
        env.join(", ")
    )
}

fn grant_name(grant: &Grant) -> &'static str {
    match grant {
        Grant::AuthorizationCode => "authorization code",
        Grant::ClientCredentials => "client credentials",
        Grant::Password => "password",
        Grant::RefreshToken => "refresh token",
        Grant::Implicit => "implicit",
    }
}

/// The builder calls that give `scheme` its credentials, e.g. `.api_key("secret")`.
fn credentials(scheme: &AuthScheme) -> String {
    let method = &scheme.rust_name;
    match &scheme.kind {
        AuthKind::OAuth2(o) if o.allows_confidential_client() => {
            format!(".{method}(\"client-id\", \"client-secret\")")
        }
        AuthKind::OAuth2(_) => {
            let public = scheme.public_setter.as_ref().unwrap_or(method);
            format!(".{public}(\"client-id\")")
        }
        AuthKind::Basic => format!(".{method}(\"account-id\", \"token\")"),
        AuthKind::ApiKey { .. } | AuthKind::Bearer => format!(".{method}(\"secret\")"),
    }
}

/// The longest builder statement the example keeps on one line.
const LINE: usize = 104;

/// The example's code: build a client with the first scheme, then run its main flow.
fn example(provider: &Provider) -> String {
    let krate = &provider.crate_name;
    // Rust names are written as they are, raw identifiers included (`.r#type(..)`).
    let mut calls: Vec<String> = provider
        .variables
        .iter()
        .filter(|v| v.default.is_none())
        .map(|v| format!(".{}(\"example.com\")", v.rust_name))
        .collect();
    let mut flow = String::new();
    if let Some(scheme) = provider.auth.first() {
        calls.push(credentials(scheme));
        if let AuthKind::OAuth2(o) = &scheme.kind {
            let scopes = if o.scopes.is_empty() { "" } else { ", &[]" };
            if o.grants.contains(&Grant::Password) {
                calls.push(".password(\"user@example.com\", \"password\")".to_owned());
            } else if o.grants.contains(&Grant::AuthorizationCode) {
                let callback = "https://app.example.com/callback";
                let _ = write!(
                    flow,
                    "let request = client.authorize_url(\"{callback}\"{scopes})?;\n\
                     println!(\"open {{}}\", request.url()); // the browser comes back to {callback}:\n\
                     client.finish_authorization(&request, \"{callback}?code=..&state=..\").await?;\n"
                );
            }
        }
        let required = scheme
            .requires
            .iter()
            .filter_map(|name| provider.auth.iter().find(|s| &s.name == name));
        calls.extend(required.map(credentials));
    }
    calls.push(".build()?;".to_owned());
    let mut builder = format!("let client = {krate}::Client::builder()");
    if builder.len() + calls.iter().map(String::len).sum::<usize>() <= LINE {
        builder.push_str(&calls.concat());
    } else {
        builder.push_str(
            &calls
                .iter()
                .map(|c| format!("\n    {c}"))
                .collect::<String>(),
        );
    }
    let call = provider
        .operations
        .iter()
        .find(|op| op.path_params.is_empty() && op.query.is_empty() && op.headers.is_empty() && op.body.is_none())
        .map(|op| format!("println!(\"{{:?}}\", client.{}().await?);\n", op.rust_name))
        .unwrap_or_else(|| {
            if provider.oauth2().is_some() {
                "println!(\"expires at {:?}\", client.token().await?.expires_at());\n".to_owned()
            } else {
                format!("let response: serde_json::Value = client.request({krate}::Method::GET, \"/\").send().await?;\nprintln!(\"{{response}}\");\n")
            }
        });
    format!("# async fn example() -> Result<(), {krate}::Error> {{\n{builder}\n{flow}{call}# Ok(()) }}\n")
}
