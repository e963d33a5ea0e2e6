//! Validation: checks every rule that relates one part of a spec to another, and resolves the
//! spec into the [`model`](crate::model) that the emitter reads.
//!
//! All problems are collected, not just the first, each at the exact key or value it concerns.
//! Checking and resolving are one walk, because a rule and the model value it protects are
//! decided together (a field's Rust name is where its collision is found). When a rule fails,
//! the walk goes on with a stand-in value, and the model is discarded at the end.

mod auth;
mod generated;
mod names;
mod operations;
mod template;
mod text;
mod type_expr;
mod types;
mod url;
mod variables;
mod webhooks;

use crate::diagnostic::{Finding, Location, NameKind, Problem};
use crate::locate::{Locations, Path};
use crate::model::{is_keyword, Provider, RustName, RESERVED_CRATES};
use crate::spec::Spec;
use names::Names;
use types::TypeTable;
use url::UrlKind;
use variables::Variables;

/// Resolves a deserialized spec, with positions from `locations`, into the model; or every
/// problem found.
pub fn validate(spec: &Spec, locations: &Locations) -> Result<Provider, Vec<Finding>> {
    let mut ctx = Ctx {
        locations,
        findings: Vec::new(),
    };
    text::check(&mut ctx);
    let root = Path::root();
    check_crate_name(&mut ctx, &root.key("name"), &spec.name);
    ctx.non_empty(&root.key("title"), &spec.title, "`title`");
    if let Some(docs_url) = &spec.docs_url {
        ctx.url(&root.key("docs_url"), docs_url, UrlKind::Link);
    }

    let mut variables = Variables::new(&spec.variables);
    let base_url = variables.url(
        &mut ctx,
        &root.key("base_url"),
        &spec.base_url,
        UrlKind::Base,
    );
    let headers = variables.headers(&mut ctx, &root.key("headers"), &spec.headers);
    // Environment variables are named after the crate: `sms_cx` reads `SMS_CX_CLIENT_ID`.
    let env_prefix = names::shouty(&spec.name, "CLIENT");
    let auth_path = root.key("auth");
    let (auth, scopes) = auth::resolve(
        &mut ctx,
        &mut variables,
        &auth_path,
        &spec.auth,
        &env_prefix,
    );
    let variables = variables.finish(&mut ctx, &root.key("variables"), &env_prefix);
    generated::check_client_settings(&mut ctx, &root, &variables, &auth);
    generated::check_env_vars(&mut ctx, &root, &variables, &auth);

    let table = TypeTable::declare(&mut ctx, &root.key("types"), &spec.types);
    let types = types::resolve(&mut ctx, &table, &root.key("types"), &spec.types);
    let operations = operations::resolve(
        &mut ctx,
        &table,
        &scopes,
        &root.key("operations"),
        &spec.operations,
    );
    operations::check_form_fields(
        &mut ctx,
        &table,
        &root.key("types"),
        &spec.types,
        &types,
        &operations,
    );
    let error = spec
        .error
        .as_ref()
        .map(|expr| table.resolve(&mut ctx, &root.key("error"), expr));
    let webhooks = spec
        .webhooks
        .as_ref()
        .map(|webhooks| webhooks::resolve(&mut ctx, &table, &root.key("webhooks"), webhooks));

    generated::check_derived_types(&mut ctx, &root, &types, &operations, webhooks.as_ref());

    let provider = Provider {
        crate_name: spec.name.clone(),
        title: crate::markdown::prose(&spec.title),
        docs_url: spec.docs_url.clone(),
        description: prose(&spec.description),
        base_url,
        variables,
        headers,
        auth,
        operations,
        types,
        error,
        webhooks,
    };
    if ctx.findings.is_empty() {
        Ok(provider)
    } else {
        Err(ctx.findings)
    }
}

/// A description from the spec, made safe for rustdoc (see [`crate::markdown::prose`]).
fn prose(text: &Option<String>) -> Option<String> {
    text.as_deref().map(crate::markdown::prose)
}

/// Crates that every Rust program can already name; a generated crate must not shadow them.
const BUILTIN_CRATES: &[&str] = &["std", "core", "alloc", "proc_macro", "test"];

fn check_crate_name(ctx: &mut Ctx<'_>, path: &Path, name: &str) {
    let reason = match name.chars().next() {
        None => Some("it is empty"),
        Some(first) if !first.is_ascii_lowercase() => Some("it must start with a lowercase letter"),
        Some(_)
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
        {
            Some("it may only contain lowercase letters, digits and `_`")
        }
        Some(_) if is_keyword(name) => Some("it is a Rust keyword"),
        Some(_) if BUILTIN_CRATES.contains(&name) => Some("it is the name of a built-in crate"),
        Some(_) if RESERVED_CRATES.contains(&name) => {
            Some("the generated crate depends on or refers to a crate of that name")
        }
        Some(_) => None,
    };
    if let Some(reason) = reason {
        let name = name.to_owned();
        ctx.at_value(path, Problem::InvalidCrateName { name, reason });
    }
}

/// Whether `name` is a valid HTTP header name (an RFC 9110 token).
fn is_header_name(name: &str) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    !name.is_empty() && name.chars().all(token)
}

/// The walk's state: where things are, and what was found so far.
pub(crate) struct Ctx<'a> {
    locations: &'a Locations,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    /// Reports a problem with the key at `path` (an unknown name, an unused declaration).
    pub(crate) fn at_key(&mut self, path: &Path, problem: Problem) {
        let at = self.locations.key(path);
        self.report(at, problem);
    }

    /// Reports a problem with the value at `path`.
    pub(crate) fn at_value(&mut self, path: &Path, problem: Problem) {
        let at = self.locations.value(path);
        self.report(at, problem);
    }

    /// Where the key at `path` is.
    pub(crate) fn key_location(&self, path: &Path) -> Location {
        self.locations.key(path)
    }

    /// Reports a problem at character `offset` of the scalar at `path`.
    pub(crate) fn inside_value(&mut self, path: &Path, offset: usize, problem: Problem) {
        let at = self.locations.inside_value(path, offset);
        self.report(at, problem);
    }

    /// Takes `rust_name` for the spec name written at key `path`, reporting a clash there.
    pub(crate) fn claim(&mut self, names: &mut Names, rust_name: &str, name: &str, path: &Path) {
        let at = self.locations.key(path);
        if let Err(problem) = names.claim(rust_name, name, at) {
            self.report(at, problem);
        }
    }

    /// Reports the spec name at key `path` if its Rust name is one of `reserved`, names the
    /// generated crate defines itself.
    pub(crate) fn not_reserved(
        &mut self,
        path: &Path,
        kind: NameKind,
        name: &str,
        rust_name: &RustName,
        reserved: &[&str],
    ) {
        if reserved.contains(&rust_name.unraw()) {
            let problem = Problem::ReservedName {
                kind,
                name: name.to_owned(),
                rust_name: rust_name.to_string(),
            };
            self.at_key(path, problem);
        }
    }

    /// Reports `what` (e.g. "`summary`") if the value at `path` is empty.
    pub(crate) fn non_empty(&mut self, path: &Path, value: &str, what: &'static str) {
        if value.trim().is_empty() {
            self.at_value(path, Problem::Empty { what });
        }
    }

    /// Reports the value at `path` unless it is a URL of `kind` (without placeholders).
    fn url(&mut self, path: &Path, url: &str, kind: UrlKind) {
        if let Err(reason) = url::check(url, kind) {
            let url = url.to_owned();
            self.at_value(path, Problem::InvalidUrl { url, reason });
        }
    }

    /// Reports the key at `path` unless it is a valid HTTP header name.
    pub(crate) fn header_key(&mut self, path: &Path, name: &str) {
        if !is_header_name(name) {
            let name = name.to_owned();
            self.at_key(path, Problem::InvalidHeaderName { name });
        }
    }

    /// Reports the value at `path` unless it is a valid HTTP header name.
    pub(crate) fn header_value(&mut self, path: &Path, name: &str) {
        if !is_header_name(name) {
            let name = name.to_owned();
            self.at_value(path, Problem::InvalidHeaderName { name });
        }
    }

    fn report(&mut self, at: Location, problem: Problem) {
        self.findings.push(Finding::new(Some(at), problem));
    }
}
