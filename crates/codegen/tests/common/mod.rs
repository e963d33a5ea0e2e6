//! What the spec-level test files share: the smallest valid spec, which cases extend.

/// A valid spec with one bearer scheme; cases append to it (line 6 is the first new line) or
/// replace parts of it.
pub const BASE: &str = "\
name: demo
title: Demo
base_url: https://api.example.com
auth:
  token: { type: bearer }
";

/// [`BASE`] with `extra` appended from line 6 on.
pub fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}
