//! Strict local stand-ins for the five seed providers, so the generated clients can be driven
//! end to end without a network.
//!
//! Each stand-in listens on 127.0.0.1 and behaves as `shared/providers.md` documents its provider,
//! including what the provider refuses: a wrong client authentication style, a form body where JSON
//! is required, a missing API key, a replayed or stale authorization code, a reused refresh token.
//! A client that gets any of that wrong fails its story in `tests/*.rs` the way it would fail
//! against the real provider.
//!
//! The shared plumbing: [`server`] (the listener, and the HTTPS front of [`tls`]), [`wire`]
//! (reading requests and writing responses), [`oauth`] (the authorization-server bookkeeping every
//! provider needs) and [`browser`] (the user who signs in and consents). One module per provider
//! holds what is particular to it.

pub mod browser;
pub mod oauth;
pub mod server;
pub mod tls;
pub mod wire;

pub mod cloudcx;
pub mod intandem;
pub mod itctxt;
pub mod sms_cx;
pub mod text;

/// The README's examples, compiled as doctests so that what a newcomer copies builds.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct Readme;
