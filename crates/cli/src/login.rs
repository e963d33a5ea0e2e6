//! `provider login`: runs the spec's sign-in for the chosen scheme and stores the result.
//!
//! Credentials come from the option, else the spec's documented environment variable, else a
//! prompt (without echo for secrets) when standard input is a terminal; without a terminal a
//! missing one is a usage error naming the variable.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use codegen::model::{AuthKind, Grant, OAuth2, SchemeEnv};
use provider_runtime::Password;

use crate::cli::{GrantArg, Login as Args};
use crate::error::{CliError, Result};
use crate::session::{with_endpoint, Session};
use crate::store::{Login, Secret};

/// Runs `provider login`.
pub async fn run(session: &Session, args: &Args) -> Result<()> {
    let model = &session.spec.model;
    let scheme = match &args.scheme {
        Some(name) => session.scheme(name)?,
        None => model
            .auth
            .iter()
            .find(|s| env(s.env.vars()[0].0).is_some())
            .or_else(|| model.auth.first())
            .ok_or_else(|| CliError::usage(format!("{} declares no auth scheme", model.title)))?,
    };
    let mut login = with_endpoint(Login::default(), &args.endpoint)?;
    login.title = model.title.clone();
    login.spec = std::path::absolute(&session.spec.path).unwrap_or(session.spec.path.clone());
    login.scheme = scheme.name.clone();
    login.scopes = args.scopes.clone();
    let mut stdin_used = false;
    let mut schemes = vec![scheme];
    for name in &scheme.requires {
        schemes.push(session.scheme(name)?);
    }
    let mut password = None;
    for scheme in &schemes {
        match (&scheme.kind, &scheme.env) {
            (
                AuthKind::OAuth2(oauth2),
                SchemeEnv::OAuth2 {
                    client_id,
                    client_secret,
                    password: login_env,
                },
            ) => {
                let grant = grant(session, oauth2, args.grant)?;
                login.grant = Some(grant_name(grant).to_owned());
                let id = match &args.client_id {
                    Some(id) => id.clone(),
                    None => ask("OAuth client id", Some(client_id), false, None)?,
                };
                login.client_id = Some(id);
                login.client_secret = match client_secret {
                    Some(var) if oauth2.allows_public_client() => env(var),
                    Some(var) => Some(ask("OAuth client secret", Some(var), true, None)?),
                    None => None,
                };
                if grant == Grant::Password {
                    let (login_var, password_var) = login_env
                        .as_ref()
                        .map(|(l, p)| (Some(l.as_str()), Some(p.as_str())))
                        .unwrap_or((None, None));
                    let user = match &args.username {
                        Some(user) => user.clone(),
                        None => ask(&oauth2.username_field, login_var, false, None)?,
                    };
                    let stdin = args.password_stdin.then_some(&mut stdin_used);
                    let secret = ask("password", password_var, true, stdin)?;
                    password = Some((user, Password::new(secret)));
                }
            }
            (AuthKind::Basic, SchemeEnv::Basic { id, token }) => {
                let id = ask("account id", Some(id), false, None)?;
                let stdin = (args.password_stdin && !stdin_used).then_some(&mut stdin_used);
                let token = ask("personal access token", Some(token), true, stdin)?;
                login
                    .secrets
                    .insert(scheme.name.clone(), Secret::Basic { id, token });
            }
            (_, SchemeEnv::Secret(var)) => {
                let label = match scheme.kind {
                    AuthKind::ApiKey { .. } => "API key",
                    _ => "token",
                };
                let stdin = (args.password_stdin && !stdin_used).then_some(&mut stdin_used);
                let secret = ask(label, Some(var), true, stdin)?;
                login
                    .secrets
                    .insert(scheme.name.clone(), Secret::Token(secret));
            }
            _ => {}
        }
    }
    session
        .store
        .save(session.name(), &session.connection, &login)?;
    let outcome = sign_in(session, &login, password, args).await;
    if outcome.is_err() {
        // A failed login leaves nothing behind that `status` would show as logged in.
        let _ = session.store.remove(session.name(), &session.connection);
    }
    outcome?;
    eprintln!(
        "Logged in to {} with `{}` (connection `{}`).",
        model.title, scheme.name, session.connection
    );
    Ok(())
}

/// Gets the first token of an OAuth login (nothing to fetch for other schemes).
async fn sign_in(
    session: &Session,
    login: &Login,
    password: Option<(String, Password)>,
    args: &Args,
) -> Result<()> {
    let Some(grant) = login.grant.as_deref() else {
        return Ok(());
    };
    // The password is used once, for this token; it is never stored.
    let engine = match password {
        Some((user, password)) => {
            session.engine_with(login, |builder| builder.password(user, password))?
        }
        None => session.engine(login)?,
    };
    let token = if grant == "authorization_code" {
        let open = args.open;
        engine
            .authorize_with_loopback(&login.scopes, Duration::from_secs(args.timeout), |url| {
                eprintln!("Open this URL in a browser to sign in:\n\n  {url}\n");
                if open {
                    open_browser(url.as_str());
                }
                eprintln!("Waiting for the browser to return to this machine...");
            })
            .await
    } else {
        engine.token().await
    };
    token.map(|_| ()).map_err(|e| session.failed(e))
}

/// The grant to run: the one asked for, or the first of the spec's this tool runs.
fn grant(session: &Session, oauth2: &OAuth2, asked: Option<GrantArg>) -> Result<Grant> {
    let runnable = [
        Grant::ClientCredentials,
        Grant::Password,
        Grant::AuthorizationCode,
    ];
    let offered: Vec<Grant> = oauth2
        .grants
        .iter()
        .copied()
        .filter(|g| runnable.contains(g))
        .collect();
    let names = || {
        offered
            .iter()
            .map(|g| grant_name(*g))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match asked {
        Some(asked) => {
            let asked = match asked {
                GrantArg::ClientCredentials => Grant::ClientCredentials,
                GrantArg::Password => Grant::Password,
                GrantArg::AuthorizationCode => Grant::AuthorizationCode,
            };
            offered
                .iter()
                .copied()
                .find(|g| *g == asked)
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "{} does not offer the {} grant; it offers: {}",
                        session.provider.title,
                        grant_name(asked),
                        names()
                    ))
                })
        }
        None => offered.first().copied().ok_or_else(|| {
            CliError::usage(format!(
                "{} offers no grant this tool runs (implicit only)",
                session.provider.title
            ))
        }),
    }
}

/// The grant as the spec spells it.
fn grant_name(grant: Grant) -> &'static str {
    match grant {
        Grant::AuthorizationCode => "authorization_code",
        Grant::ClientCredentials => "client_credentials",
        Grant::Password => "password",
        Grant::RefreshToken => "refresh_token",
        Grant::Implicit => "implicit",
    }
}

/// An environment variable's value, empty counting as unset.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A credential: from `var`, else the first line of standard input when `stdin` is given (and
/// marks it used), else a prompt on a terminal (without echo when `secret`).
fn ask(label: &str, var: Option<&str>, secret: bool, stdin: Option<&mut bool>) -> Result<String> {
    if let Some(value) = var.and_then(env) {
        return Ok(value);
    }
    let terminal_error = |error: std::io::Error| CliError::Local {
        what: "cannot read from",
        path: "the terminal".into(),
        error,
    };
    if let Some(used) = stdin {
        *used = true;
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(terminal_error)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        let from = match var {
            Some(var) => format!("set {var}"),
            None => "run in a terminal".to_owned(),
        };
        let stdin = if secret {
            " or pass --password-stdin"
        } else {
            ""
        };
        return Err(CliError::usage(format!("{label} needed: {from}{stdin}")));
    }
    let prompt = format!("{label}: ");
    let value = if secret {
        rpassword::prompt_password(prompt).map_err(terminal_error)?
    } else {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(terminal_error)?;
        line.trim().to_owned()
    };
    Ok(value)
}

/// Asks the platform to open `url` in a browser; printing it already told the user where to go.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("(could not start `{opener}`: open the URL yourself)");
    }
}
