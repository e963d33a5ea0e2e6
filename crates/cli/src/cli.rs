//! The command line: every subcommand and option, with the help text `--help` prints.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// What `--help` prints after the options: the exit codes scripts can rely on.
const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the provider refused (HTTP or OAuth error) or could not be reached
  2  usage error (unknown operation, missing parameter, bad option)
  3  login needed: nothing stored for this spec and connection, or the token cannot be renewed
  4  the spec is unreadable or invalid (its diagnostics are printed)
  5  local failure (config directory, token file, terminal)";

/// Log in to any provider described by a spec, print fresh tokens and call its operations.
///
/// SPEC is a path to a spec file or the name of one in `./specs/` (`sms_cx`).
#[derive(Debug, Parser)]
#[command(name = "provider", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: Global,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Where logins are stored [default: the user's config directory + `/provider-clients`].
    #[arg(long, global = true, env = "PROVIDER_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// The stored login to use; one spec may have several (work, personal).
    #[arg(long, global = true, default_value = "default", value_name = "NAME")]
    pub connection: String,
}

/// Where to reach the provider, over what the spec says; `login` remembers them.
#[derive(Debug, Args, Default)]
pub struct Endpoint {
    /// Sets a template variable of the spec (`--var domain=cx.example.com`); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Sends API calls here instead of the spec's base URL.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Sends token requests here instead of the spec's token endpoint.
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Sends the browser here instead of the spec's authorization endpoint.
    #[arg(long, value_name = "URL")]
    pub authorize_url: Option<String>,
    /// Trusts this PEM certificate authority too (a company proxy, a test server).
    #[arg(long, env = "PROVIDER_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the spec's sign-in (OAuth grant, API key or Basic credentials) and stores the result.
    #[command(after_help = EXIT_CODES)]
    Login(Login),
    /// Prints a valid access token, renewing it when needed.
    #[command(after_help = EXIT_CODES)]
    Token(TokenArgs),
    /// Lists the spec's operations: method, path, parameters, scopes.
    #[command(after_help = EXIT_CODES)]
    Ops(OpsArgs),
    /// Calls one operation with the stored credentials and prints the response body.
    #[command(after_help = EXIT_CODES)]
    Call(CallArgs),
    /// Sends an authenticated request to any path of the API (the escape hatch).
    #[command(after_help = EXIT_CODES)]
    Request(RequestArgs),
    /// Lists stored logins with their expiry and scopes.
    #[command(after_help = EXIT_CODES)]
    Status,
    /// Forgets the stored login of a spec and connection.
    #[command(after_help = EXIT_CODES)]
    Logout(LogoutArgs),
}

/// The grants `login` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrantArg {
    /// The application's own credentials.
    ClientCredentials,
    /// A user's login and password.
    Password,
    /// The browser sign-in with a loopback redirect to this machine.
    AuthorizationCode,
}

#[derive(Debug, Args)]
pub struct Login {
    /// The spec (a path, or a name in `./specs/`).
    pub spec: String,
    /// The spec's auth scheme to use (its key under `auth:`) [default: the first one whose
    /// environment variable is set, else the first one].
    #[arg(long, value_name = "NAME")]
    pub scheme: Option<String>,
    /// The OAuth grant [default: the first of the spec's grants this tool runs].
    #[arg(long, value_enum)]
    pub grant: Option<GrantArg>,
    /// Scopes to ask for; repeatable [default: the spec's default scopes].
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// The OAuth client id [default: the spec's environment variable, else a prompt].
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The password grant's login [default: the spec's environment variable, else a prompt].
    #[arg(long, value_name = "LOGIN")]
    pub username: Option<String>,
    /// Reads the password (or API key, or token) from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Opens the authorization URL in a browser (it is always printed).
    #[arg(long)]
    pub open: bool,
    /// How long to wait for the browser, in seconds.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub timeout: u64,
    #[command(flatten)]
    pub endpoint: Endpoint,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The spec (a path, or a name in `./specs/`).
    pub spec: String,
    /// Prints `Authorization: Bearer <token>`, ready for `curl -H`.
    #[arg(long, conflicts_with = "json")]
    pub header: bool,
    /// Prints expiry and scopes as JSON (the token itself only with `--show-secrets`).
    #[arg(long)]
    pub json: bool,
    /// Includes the access token in `--json`.
    #[arg(long, requires = "json")]
    pub show_secrets: bool,
    #[command(flatten)]
    pub endpoint: Endpoint,
}

#[derive(Debug, Args)]
pub struct OpsArgs {
    /// The spec (a path, or a name in `./specs/`).
    pub spec: String,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    /// The spec (a path, or a name in `./specs/`).
    pub spec: String,
    /// The operation's name in the spec (`provider ops <spec>` lists them).
    pub operation: String,
    /// A path parameter; repeatable.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    #[command(flatten)]
    pub request: RequestParts,
    #[command(flatten)]
    pub endpoint: Endpoint,
}

#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The spec (a path, or a name in `./specs/`).
    pub spec: String,
    /// The HTTP method (`GET`, `POST`, ...).
    pub method: String,
    /// The path, relative to the base URL (`/account/balance`).
    pub path: String,
    #[command(flatten)]
    pub request: RequestParts,
    #[command(flatten)]
    pub endpoint: Endpoint,
}

/// What a call sends beside its path.
#[derive(Debug, Args)]
pub struct RequestParts {
    /// A query parameter; repeatable.
    #[arg(long = "query", short = 'q', value_name = "NAME=VALUE")]
    pub query: Vec<String>,
    /// A request header; repeatable.
    #[arg(long = "header", short = 'H', value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// The JSON body: `@file.json`, `-` for standard input, or the JSON itself.
    #[arg(long, value_name = "@FILE|-|JSON")]
    pub body: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The spec (a path, or a name in `./specs/`).
    pub spec: String,
}
