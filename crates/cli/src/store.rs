//! Where logins live: per spec and connection, a settings file (how to reach and authenticate
//! with the provider) and the runtime's token file, both readable by their owner only.
//!
//! ```text
//! <config dir>/<provider name>/<connection>.json        settings, credentials (0600)
//! <config dir>/<provider name>/<connection>.token.json  the OAuth token (FileStore, 0600)
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use provider_runtime::FileStore;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};

/// What `login` chose and was given; later commands rebuild the client from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Login {
    /// The provider's title, for `status`.
    pub title: String,
    /// The spec file logged in with, for `status`.
    pub spec: PathBuf,
    /// The scheme's key under `auth:`.
    pub scheme: String,
    /// The OAuth grant run (`client_credentials`, `password`, `authorization_code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    /// Scopes asked for.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The OAuth client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The OAuth client's secret, needed to renew client credentials tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// API keys, Bearer tokens and Basic credentials, by scheme key.
    #[serde(default)]
    pub secrets: BTreeMap<String, Secret>,
    /// Template variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Endpoint overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_url: Option<String>,
    /// An extra certificate authority trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<PathBuf>,
}

/// A stored non-OAuth credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Secret {
    /// An API key or a fixed Bearer token.
    Token(String),
    /// Basic `id:token`.
    Basic {
        /// The account id.
        id: String,
        /// The personal access token.
        token: String,
    },
}

/// The config directory of every login.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// The store at `dir`, or in the user's config directory.
    pub fn new(dir: Option<PathBuf>) -> Result<Store> {
        let root = match dir {
            Some(dir) => dir,
            None => dirs::config_dir()
                .map(|d| d.join("provider-clients"))
                .ok_or_else(|| {
                    CliError::usage(
                        "no config directory on this system: pass --config-dir or set PROVIDER_CONFIG_DIR",
                    )
                })?,
        };
        Ok(Store { root })
    }

    /// The settings file of `provider`'s `connection`.
    fn settings(&self, provider: &str, connection: &str) -> PathBuf {
        self.root.join(provider).join(format!("{connection}.json"))
    }

    /// The runtime's token store of `provider`'s `connection`.
    pub fn tokens(&self, provider: &str, connection: &str) -> FileStore {
        FileStore::new(
            self.root
                .join(provider)
                .join(format!("{connection}.token.json")),
        )
    }

    /// The stored login, if any.
    pub fn load(&self, provider: &str, connection: &str) -> Result<Option<Login>> {
        let path = self.settings(provider, connection);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| local("cannot read", &path, e.into())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(local("cannot read", &path, e)),
        }
    }

    /// Saves `login` (mode 0600, in a directory of mode 0700), replacing the stored one and
    /// forgetting its token.
    pub fn save(&self, provider: &str, connection: &str, login: &Login) -> Result<()> {
        let path = self.settings(provider, connection);
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| local("cannot create", dir, e))?;
        self.forget_token(provider, connection)?;
        let json =
            serde_json::to_vec_pretty(login).map_err(|e| local("cannot write", &path, e.into()))?;
        provider_runtime::write_private(&path, &json).map_err(|e| local("cannot write", &path, e))
    }

    /// Deletes the login and its token; whether there was one.
    pub fn remove(&self, provider: &str, connection: &str) -> Result<bool> {
        let path = self.settings(provider, connection);
        let had = remove(&path)?;
        Ok(self.forget_token(provider, connection)? || had)
    }

    fn forget_token(&self, provider: &str, connection: &str) -> Result<bool> {
        remove(self.tokens(provider, connection).path())
    }

    /// Every stored login: provider name, connection, settings.
    pub fn all(&self) -> Result<Vec<(String, String, Login)>> {
        let mut found = Vec::new();
        let providers = match fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
            Err(e) => return Err(local("cannot read", &self.root, e)),
        };
        for provider in providers.flatten() {
            let Ok(files) = fs::read_dir(provider.path()) else {
                continue;
            };
            let provider = provider.file_name().to_string_lossy().into_owned();
            for file in files.flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                let Some(connection) = name.strip_suffix(".json") else {
                    continue;
                };
                if connection.ends_with(".token") || connection.starts_with('.') {
                    continue;
                }
                if let Some(login) = self.load(&provider, connection)? {
                    found.push((provider.clone(), connection.to_owned(), login));
                }
            }
        }
        found.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        Ok(found)
    }
}

fn remove(path: &Path) -> Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(local("cannot delete", path, e)),
    }
}

fn local(what: &'static str, path: &Path, error: std::io::Error) -> CliError {
    CliError::Local {
        what,
        path: path.to_path_buf(),
        error,
    }
}
