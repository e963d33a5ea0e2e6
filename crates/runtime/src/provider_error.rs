//! Providers' error bodies, parsed from the envelopes they use in the wild.
//!
//! Seen shapes: `{"error": "invalid_request", "error_description": ".."}` (OAuth style, inTandem),
//! `{"error": {"type": "..", "code": .., "message": ".."}}` (SMS.CX, Text), and
//! `{"message": ".."}`. The raw JSON stays available for provider-specific fields.

use std::fmt;

use serde_json::Value;

/// A provider's error body, with the common fields lifted out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderError {
    /// The error's type or code name (`misdirected_request`, `invalid_request`, ...).
    pub kind: Option<String>,
    /// A numeric or string error code, when the provider sends one beside the type.
    pub code: Option<String>,
    /// The human-readable message.
    pub message: Option<String>,
    /// The whole body as JSON (`Value::Null` when it was not JSON).
    pub body: Value,
}

impl ProviderError {
    /// Parses a response body; never fails (a non-JSON body keeps an excerpt as the message).
    pub fn from_body(body: &[u8]) -> Self {
        let Ok(json) = serde_json::from_slice::<Value>(body) else {
            return ProviderError {
                message: (!body.is_empty()).then(|| crate::error::excerpt(body)),
                ..ProviderError::default()
            };
        };
        let text = |value: Option<&Value>| match value {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (kind, code, message) = match json.get("error") {
            Some(inner @ Value::Object(_)) => (
                text(inner.get("type")).or_else(|| text(inner.get("code"))),
                text(inner.get("code")),
                text(inner.get("message")),
            ),
            Some(other) => (
                text(Some(other)),
                None,
                text(json.get("error_description")).or_else(|| text(json.get("message"))),
            ),
            None => (
                text(json.get("type")).or_else(|| text(json.get("code"))),
                text(json.get("code")),
                text(json.get("message")),
            ),
        };
        ProviderError {
            kind,
            code,
            message,
            body: json,
        }
    }

    /// The `error.data` object some providers attach (Text's `{"region": "dal"}`).
    pub fn data(&self) -> Option<&Value> {
        self.body.get("error").and_then(|e| e.get("data"))
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.message) {
            (Some(kind), Some(message)) => write!(f, "{kind}: {message}"),
            (Some(kind), None) => f.write_str(kind),
            (None, Some(message)) => f.write_str(message),
            (None, None) => f.write_str("no error details"),
        }
    }
}
