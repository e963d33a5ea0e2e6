//! Turns provider specs (`specs/<provider>.yaml`) into typed Rust client crates.
//!
//! The front end is a pipeline of stages, one module each: [`spec`] deserializes the YAML and,
//! in the same pass, [`locate`] indexes source positions; [`validate`] checks every rule and resolves the
//! [`model`] that code generation reads; [`diagnostic`] renders what went wrong, and
//! [`schema`] describes the format for editors. The back end turns the model into tokens
//! ([`emit`], shared with the `provider!` macro), then into formatted files ([`render`]);
//! [`workspace`] maps `specs/` to `generated/` for the `codegen` binary.

pub mod diagnostic;
pub mod emit;
pub mod locate;
mod markdown;
pub mod model;
pub mod render;
pub mod schema;
pub mod spec;
pub mod validate;
pub mod workspace;

use std::path::Path;

use diagnostic::{Diagnostics, Finding, Problem};

/// Reads, parses and validates the spec at `path`.
pub fn load(path: &Path) -> Result<model::Provider, Diagnostics> {
    let file_name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(source) => parse_str(&file_name, &source),
        Err(error) => {
            let error = error.to_string();
            let finding = Finding::new(None, Problem::Unreadable { error });
            Err(Diagnostics::new(&file_name, "", vec![finding]))
        }
    }
}

/// Parses and validates spec text; `file_name` is only used in diagnostics.
pub fn parse_str(file_name: &str, source: &str) -> Result<model::Provider, Diagnostics> {
    let source = spec::source::without_byte_order_mark(source);
    if let Err(finding) = spec::source::check(source) {
        return Err(Diagnostics::new(file_name, source, vec![*finding]));
    }
    spec::parse(source)
        .and_then(|(spec, locations)| validate::validate(&spec, &locations))
        .map_err(|findings| Diagnostics::new(file_name, source, findings))
}
