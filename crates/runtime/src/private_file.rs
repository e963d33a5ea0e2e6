//! Files that hold secrets (tokens, client secrets): written whole or not at all, readable by
//! their owner only. Shared by [`FileStore`](crate::FileStore) and tools that keep credentials.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Replaces `path` with `contents` atomically: a fresh temporary file of mode 0600 beside it,
/// synced, then renamed over it, so readers see the old file or the new one, never a part, and
/// never a moment with looser permissions.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        next_temp_id()
    ));
    let mut options = fs::OpenOptions::new();
    // A fresh file each time: never one another write is using, never one left with looser permissions.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write = || -> std::io::Result<()> {
        let mut file = options.open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    };
    write().inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

/// A number no other write of this process uses, so concurrent writes never share a temporary file.
fn next_temp_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
