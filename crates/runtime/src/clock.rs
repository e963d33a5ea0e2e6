//! Time arithmetic on values from outside (token lifetimes, stored expiries, `Retry-After`,
//! caller timeouts) that saturates instead of panicking or wrapping.
//!
//! `SystemTime + Duration` and `Instant + Duration` panic on overflow, and a provider or a token
//! file can name any number. Nothing the runtime decides depends on times further away than
//! [`HORIZON`], so every later time is capped there: a token valid for `u64::MAX` seconds is a
//! token that does not expire within any horizon we care about.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How far ahead the runtime looks: about a century. Longer token lifetimes are capped here,
/// yet real ones (inTandem issues 20-year tokens) keep their exact expiry.
pub(crate) const HORIZON: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// `time + duration`, capped at [`HORIZON`] from now (and never panicking).
pub(crate) fn later(time: SystemTime, duration: Duration) -> SystemTime {
    let cap = horizon();
    time.checked_add(duration).map_or(cap, |t| t.min(cap))
}

/// `time - duration`, or `time` itself when that is not representable.
pub(crate) fn earlier(time: SystemTime, duration: Duration) -> SystemTime {
    time.checked_sub(duration).unwrap_or(time)
}

/// The time `seconds` after the Unix epoch (a stored expiry), capped like [`later`].
pub(crate) fn from_unix(seconds: u64) -> SystemTime {
    later(UNIX_EPOCH, Duration::from_secs(seconds))
}

/// The instant `timeout` from now, or `None` when it lies beyond any representable instant
/// (a caller who asked for no practical limit).
pub(crate) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// [`HORIZON`] from now: the latest time the runtime ever stores.
fn horizon() -> SystemTime {
    let now = SystemTime::now();
    now.checked_add(HORIZON).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_durations_saturate_at_the_horizon() {
        let capped = later(SystemTime::now(), Duration::MAX);
        let left = capped.duration_since(SystemTime::now()).unwrap();
        assert!(left <= HORIZON && left > HORIZON - Duration::from_secs(60));
        assert!(from_unix(u64::MAX) <= later(SystemTime::now(), HORIZON));
        assert_eq!(earlier(UNIX_EPOCH, Duration::ZERO), UNIX_EPOCH);
    }
}
