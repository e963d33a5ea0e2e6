//! Where tokens live between calls and between runs.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::private_file::write_private;
use crate::token::{StoredToken, Token};

/// The largest token file read: a token response is capped at 64 KiB, so anything this big is
/// not a token file.
const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Loads and saves one client's token. Implement it to keep tokens in a keychain or database.
pub trait TokenStore: Send + Sync + std::fmt::Debug {
    /// The saved token, if any.
    fn load(&self) -> Result<Option<Token>>;
    /// Replaces the saved token.
    fn save(&self, token: &Token) -> Result<()>;
}

/// Keeps the token in memory only (the default).
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<Option<Token>>);

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> Result<Option<Token>> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone())
    }

    fn save(&self, token: &Token) -> Result<()> {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(token.clone());
        Ok(())
    }
}

/// Keeps the token in a JSON file readable only by its owner (mode 0600 on Unix).
///
/// Saves write a temporary file beside the target and rename it over, so a crash never leaves
/// a half-written token (and never loses a rotated refresh token).
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store at `path` (created on the first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl TokenStore for FileStore {
    fn load(&self) -> Result<Option<Token>> {
        let mut bytes = Vec::new();
        let read = fs::File::open(&self.path)
            .and_then(|file| file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes));
        match read {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::TokenStore(e)),
        }
        if bytes.len() as u64 > MAX_FILE_SIZE {
            return Err(Error::TokenStore(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is larger than a token file can be", self.path.display()),
            )));
        }
        let stored: StoredToken = serde_json::from_slice(&bytes).map_err(|e| {
            Error::TokenStore(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                // The decoder's message would quote the file's content: only say where.
                format!(
                    "{} is not a token file (line {}, column {})",
                    self.path.display(),
                    e.line(),
                    e.column()
                ),
            ))
        })?;
        Token::try_from(stored).map(Some)
    }

    fn save(&self, token: &Token) -> Result<()> {
        let json = serde_json::to_vec_pretty(&StoredToken::from(token))
            .map_err(|e| Error::TokenStore(e.into()))?;
        write_private(&self.path, &json).map_err(Error::TokenStore)
    }
}
