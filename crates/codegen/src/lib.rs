//! Turns provider specs (`specs/<provider>.yaml`) into typed Rust client crates.
//!
//! The front end is a pipeline of stages, one module each: [`spec`] deserializes the YAML and,
//! in the same pass, [`locate`] indexes source positions; [`validate`] checks every rule and resolves the
//! [`model`] that code generation reads; [`diagnostic`] renders what went wrong, and
//! [`schema`] describes the format for editors. The back end turns the model into tokens
//! ([`emit`], shared with the `provider!` macro), then into formatted files ([`render`]).
//!
//! [`Config`] is the entry point of the three ways in: a build script generating into `OUT_DIR`,
//! the `codegen` CLI writing crates (through [`workspace`], which maps a project's `specs/` to
//! `generated/`), and the `provider!` macro expanding what [`Output::Module`] writes.

pub mod config;
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

pub use config::{Config, GitReference, Output, Runtime, RUNTIME_VERSION};
use diagnostic::{Diagnostics, Finding, Problem};

/// Reads, parses and validates the spec at `path`.
pub fn load(path: &Path) -> Result<model::Provider, Diagnostics> {
    load_as(path, &path.display().to_string())
}

/// [`load`], with diagnostics naming the spec `file_name` (a path relative to the project, the
/// same on every machine).
pub fn load_as(path: &Path, file_name: &str) -> Result<model::Provider, Diagnostics> {
    match std::fs::read_to_string(path) {
        Ok(source) => parse_str(file_name, &source),
        Err(error) => {
            let error = error.to_string();
            let finding = Finding::new(None, Problem::Unreadable { error });
            Err(Diagnostics::new(file_name, "", vec![finding]))
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
