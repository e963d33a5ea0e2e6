//! Reading response bodies with a size cap, so a hostile or broken server cannot exhaust memory.

use std::time::Duration;

use reqwest::StatusCode;

use crate::error::{Error, Result};

/// The largest token endpoint response we read.
pub(crate) const TOKEN_BODY_LIMIT: usize = 64 * 1024;
/// The largest API response we read.
pub(crate) const API_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Reads at most `limit` bytes of the body; a longer body is an error, not a truncation.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
    timeout: Duration,
) -> Result<Vec<u8>> {
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::transport(e, timeout))?
    {
        append_capped(&mut body, &chunk, limit, status)?;
    }
    Ok(body)
}

/// Appends `chunk` to `body` unless the body would grow past `limit` bytes, which is an
/// [`Error::UnexpectedBody`] for a response of `status`.
pub(crate) fn append_capped(
    body: &mut Vec<u8>,
    chunk: &[u8],
    limit: usize,
    status: StatusCode,
) -> Result<()> {
    if body.len().saturating_add(chunk.len()) > limit {
        return Err(Error::UnexpectedBody {
            status,
            excerpt: format!("body larger than the {limit}-byte limit"),
        });
    }
    body.extend_from_slice(chunk);
    Ok(())
}
