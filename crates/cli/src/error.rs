//! What can stop a command, each cause with its exit code and a message naming the next step.

use std::path::PathBuf;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The provider refused or could not be reached.
    #[error("{0}")]
    Provider(provider_runtime::Error),
    /// The command line asks for something impossible.
    #[error("{0}")]
    Usage(String),
    /// Nothing usable is stored: the user has to log in (again).
    #[error("{reason}: run `provider login {spec}{connection}`")]
    NeedsLogin {
        /// What is missing.
        reason: String,
        /// The spec argument as given.
        spec: String,
        /// ` --connection NAME`, or empty for the default connection.
        connection: String,
    },
    /// The spec is unreadable or invalid.
    #[error("{0}")]
    Spec(String),
    /// A local file or the terminal failed.
    #[error("{what} {}: {error}", path.display())]
    Local {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        error: std::io::Error,
    },
}

impl CliError {
    /// The process exit code (documented in `--help`).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Provider(_) => 1,
            CliError::Usage(_) => 2,
            CliError::NeedsLogin { .. } => 3,
            CliError::Spec(_) => 4,
            CliError::Local { .. } => 5,
        }
    }

    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }
}

impl From<provider_runtime::Error> for CliError {
    fn from(error: provider_runtime::Error) -> Self {
        match error {
            provider_runtime::Error::InvalidConfig(message) => CliError::Usage(message),
            provider_runtime::Error::MissingEnv(name) => {
                CliError::Usage(format!("environment variable `{name}` is not set"))
            }
            error => CliError::Provider(error),
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = CliError> = std::result::Result<T, E>;
