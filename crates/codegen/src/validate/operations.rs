//! Operations: Rust names, the path template against `path_params`, parameter types that fit
//! a URL or a header, bodies, success statuses, scopes and envelopes.

use super::auth::ScopeIndex;
use super::names::{self, Case, Names};
use super::prose;
use super::template;
use super::types::{Shape, TypeTable};
use super::url::{self, UrlKind};
use super::variables;
use super::Ctx;
use crate::diagnostic::{closest, NameKind, Problem};
use crate::locate::Path;
use crate::model::{
    self, Body, Param, Template, TypeRef, BODY_ARGUMENT, DEFAULT_SUCCESS, HEADERS_ARGUMENT,
    QUERY_ARGUMENT, RESERVED_CLIENT_METHODS,
};
use crate::spec::{self, BodyFormat, Map};

/// Resolves the operations under `path`.
pub(crate) fn resolve(
    ctx: &mut Ctx<'_>,
    table: &TypeTable,
    scopes: &ScopeIndex,
    path: &Path,
    operations: &Map<spec::Operation>,
) -> Vec<model::Operation> {
    let mut rust_names = Names::new(NameKind::Operation);
    let mut type_names = Names::new(NameKind::Operation);
    operations
        .iter()
        .map(|(name, operation)| {
            let at = path.key(name);
            let rust_name = names::rust_ident(name, Case::Snake, "op");
            let type_name = names::rust_ident(name, Case::UpperCamel, "Op");
            ctx.claim(&mut rust_names, rust_name.as_str(), name, &at);
            let with_response_name = names::rust_ident(
                &format!("{}_with_response", rust_name.unraw()),
                Case::Snake,
                "op",
            );
            ctx.claim(&mut rust_names, with_response_name.as_str(), name, &at);
            ctx.claim(&mut type_names, type_name.as_str(), name, &at);
            let kind = NameKind::Operation;
            ctx.not_reserved(&at, kind, name, &rust_name, RESERVED_CLIENT_METHODS);
            ctx.non_empty(&at.key("summary"), &operation.summary, "`summary`");
            let mut params = Names::new(NameKind::Parameter);
            let mut resolve_params = |ctx: &mut Ctx<'_>, place: Place, declared| {
                let params_path = at.key(place.key());
                resolve_params(ctx, table, &mut params, &params_path, declared, place)
            };
            let path_params = resolve_params(ctx, Place::Path, &operation.path_params);
            let query = resolve_params(ctx, Place::Query, &operation.query);
            let headers = resolve_params(ctx, Place::Header, &operation.headers);
            let arguments = [
                (QUERY_ARGUMENT, "query parameters", !query.is_empty()),
                (HEADERS_ARGUMENT, "request headers", !headers.is_empty()),
                (BODY_ARGUMENT, "request body", operation.body.is_some()),
            ];
            for param in &path_params {
                let taken = arguments
                    .iter()
                    .find(|(argument, _, present)| *present && param.rust_name == *argument);
                if let Some((_, holds, _)) = taken {
                    let problem = Problem::ReservedArgument {
                        name: param.name.clone(),
                        rust_name: param.rust_name.to_string(),
                        holds,
                    };
                    ctx.at_key(&at.key("path_params").key(&param.name), problem);
                }
            }
            let response = operation
                .response
                .as_ref()
                .map(|expr| table.resolve(ctx, &at.key("response"), expr));
            if let Some(envelope) = &operation.envelope {
                ctx.non_empty(&at.key("envelope"), envelope, "`envelope`");
                if response.is_none() {
                    ctx.at_key(&at.key("envelope"), Problem::EnvelopeWithoutResponse);
                }
            }
            model::Operation {
                name: name.to_owned(),
                rust_name,
                with_response_name,
                query_type: (!query.is_empty()).then(|| names::derived_type(name, "query", "Op")),
                headers_type: (!headers.is_empty())
                    .then(|| names::derived_type(name, "headers", "Op")),
                type_name,
                summary: crate::markdown::prose(&operation.summary),
                description: prose(&operation.description),
                method: operation.method,
                path: path_template(ctx, &at, operation),
                path_params,
                query,
                headers,
                body: operation
                    .body
                    .as_ref()
                    .map(|body| resolve_body(ctx, table, &at.key("body"), body)),
                response,
                success: success(ctx, &at.key("success"), operation.success.as_deref()),
                scopes: resolve_scopes(ctx, scopes, &at.key("scopes"), &operation.scopes),
                envelope: operation.envelope.clone(),
            }
        })
        .collect()
}

/// Where a parameter goes, which decides the types it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    Query,
    Header,
}

impl Place {
    fn key(self) -> &'static str {
        match self {
            Place::Path => "path_params",
            Place::Query => "query",
            Place::Header => "headers",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Place::Path => "a path parameter",
            Place::Query => "a query parameter",
            Place::Header => "a header",
        }
    }
}

/// The operation's path; reports placeholders without a declared parameter and the reverse.
fn path_template(ctx: &mut Ctx<'_>, at: &Path, operation: &spec::Operation) -> Template {
    let path = at.key("path");
    let text = &operation.path;
    let leaves = leaves_base(text);
    if !text.starts_with('/') {
        let path_text = text.clone();
        ctx.at_value(&path, Problem::PathWithoutSlash { path: path_text });
    } else if let Some((offset, reason)) = leaves {
        let problem = Problem::UnsafeOperationPath {
            path: text.clone(),
            reason,
        };
        ctx.inside_value(&path, text[..offset].chars().count(), problem);
    }
    let (template, placeholders) = match template::parse(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let problem = Problem::BadTemplate {
                text: text.clone(),
                reason: error.reason,
            };
            ctx.inside_value(&path, error.offset, problem);
            return variables::literal(text);
        }
    };
    let filled = format!("https://host{}", template::fill(&template, "1"));
    let checked = url::check(&filled, UrlKind::Endpoint);
    if let (Err(reason), None) = (checked, leaves) {
        let url = text.clone();
        ctx.at_value(&path, Problem::InvalidUrl { url, reason });
    }
    for placeholder in &placeholders {
        if !operation.path_params.contains_key(&placeholder.name) {
            let problem = Problem::UndeclaredPathParam {
                name: placeholder.name.clone(),
                suggestion: closest(&placeholder.name, operation.path_params.keys()),
            };
            ctx.inside_value(&path, placeholder.offset, problem);
        }
    }
    for name in operation.path_params.keys() {
        if !placeholders.iter().any(|p| p.name == name) {
            let problem = Problem::UnusedPathParam {
                name: name.to_owned(),
            };
            ctx.at_key(&at.key("path_params").key(name), problem);
        }
    }
    template
}

/// Where and why a `/`-rooted path would not stay a plain path below `base_url`: URL parsers
/// read `//` (and `\`, a `/` to them) as the start of another host, and resolve `.` and `..`
/// segments (also percent-encoded) away; `?` and `#` would end the path.
fn leaves_base(path: &str) -> Option<(usize, &'static str)> {
    if let Some(offset) = path.find(['?', '#']) {
        return Some((offset, "`?` and `#` end the path"));
    }
    if let Some(offset) = path.find('\\') {
        return Some((offset, "URL parsers read `\\` as `/`"));
    }
    if path.starts_with("//") {
        return Some((0, "a path starting with `//` names another host"));
    }
    let mut offset = 0;
    for segment in path.split('/') {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return Some((offset, "`.` and `..` segments are resolved away"));
        }
        offset += segment.len() + 1;
    }
    None
}

fn resolve_params(
    ctx: &mut Ctx<'_>,
    table: &TypeTable,
    rust_names: &mut Names,
    path: &Path,
    declared: &Map<spec::Param>,
    place: Place,
) -> Vec<Param> {
    declared
        .iter()
        .map(|(name, param)| {
            let at = path.key(name);
            let rust_name = names::rust_ident(name, Case::Snake, "param");
            ctx.claim(rust_names, rust_name.as_str(), name, &at);
            if place == Place::Header {
                ctx.header_key(&at, name);
            }
            if place == Place::Path && param.required == Some(false) {
                let name = name.to_owned();
                ctx.at_value(&at.key("required"), Problem::OptionalPathParam { name });
            }
            let ty = table.resolve(ctx, &at.key("type"), &param.ty);
            let lists_allowed = place == Place::Query;
            let fits = match &ty {
                TypeRef::List(item) if lists_allowed => is_scalar(table, item),
                ty => is_scalar(table, ty),
            };
            if !fits {
                let problem = Problem::NotScalar {
                    what: place.what(),
                    ty: param.ty.clone(),
                    lists_allowed,
                };
                ctx.at_value(&at.key("type"), problem);
            }
            Param {
                name: name.to_owned(),
                rust_name,
                ty,
                required: place == Place::Path || param.required.unwrap_or(false),
                description: prose(&param.description),
            }
        })
        .collect()
}

/// Whether a value of `ty` is written as one string: a scalar or a string enum.
fn is_scalar(table: &TypeTable, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => true,
        // `json` stands in for types that failed to resolve: already reported.
        TypeRef::Json => true,
        TypeRef::Named(_) => table.shape(ty) != Some(Shape::Struct),
        TypeRef::List(_) | TypeRef::Map(_) => false,
    }
}

fn resolve_body(ctx: &mut Ctx<'_>, table: &TypeTable, path: &Path, body: &spec::Body) -> Body {
    let type_path = path.key("type");
    let ty = body
        .ty
        .as_ref()
        .map(|expr| table.resolve(ctx, &type_path, expr));
    match (body.format, ty) {
        (BodyFormat::Json, Some(ty)) => Body::Json(ty),
        (BodyFormat::Form, Some(ty)) => {
            let shape = table.shape(&ty);
            if matches!(shape, None | Some(Shape::Enum)) {
                let ty = body.ty.clone().unwrap_or_default();
                ctx.at_value(&type_path, Problem::FormBodyNotStruct { ty });
            }
            Body::Form(ty)
        }
        (BodyFormat::Empty, None) => Body::Empty,
        (BodyFormat::Empty, Some(_)) => {
            ctx.at_key(&type_path, Problem::EmptyBodyWithType);
            Body::Empty
        }
        (format, None) => {
            let format = if format == BodyFormat::Form {
                "form"
            } else {
                "json"
            };
            ctx.at_key(path, Problem::BodyNeedsType { format });
            Body::Empty
        }
    }
}

/// Reports, once per type, the fields of `form` body types that a form cannot carry: a form
/// field is a scalar, a string enum or a list of those (sent as the field repeated). `path` is
/// where the types are declared.
pub(crate) fn check_form_fields(
    ctx: &mut Ctx<'_>,
    table: &TypeTable,
    path: &Path,
    declared: &Map<spec::TypeDef>,
    types: &[model::TypeDef],
    operations: &[model::Operation],
) {
    let mut checked = Vec::new();
    for operation in operations {
        let Some(Body::Form(TypeRef::Named(rust_name))) = &operation.body else {
            continue;
        };
        if checked.contains(&rust_name) {
            continue;
        }
        checked.push(rust_name);
        let Some(def) = types.iter().find(|def| &def.rust_name == rust_name) else {
            continue;
        };
        let model::TypeKind::Struct { fields } = &def.kind else {
            continue;
        };
        let spec_fields = declared.get(&def.name).and_then(|d| d.fields.as_ref());
        for field in fields {
            let flat = match &field.ty {
                TypeRef::List(item) => is_form_scalar(table, item),
                ty => is_form_scalar(table, ty),
            };
            if flat {
                continue;
            }
            let found = spec_fields
                .and_then(|f| f.get(&field.wire_name))
                .map_or_else(String::new, |f| f.ty.clone());
            let at = path
                .key(&def.name)
                .key("fields")
                .key(&field.wire_name)
                .key("type");
            let problem = Problem::FormFieldNotFlat {
                ty: def.name.clone(),
                field: field.wire_name.clone(),
                found,
            };
            ctx.at_value(&at, problem);
        }
    }
}

/// Whether a value of `ty` is one form value: a scalar or a string enum (not `json`, which may
/// hold an object).
fn is_form_scalar(table: &TypeTable, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => true,
        // A type with neither or both of `fields` and `enum` is already reported.
        TypeRef::Named(_) => table.shape(ty) != Some(Shape::Struct),
        TypeRef::Json | TypeRef::List(_) | TypeRef::Map(_) => false,
    }
}

fn success(ctx: &mut Ctx<'_>, path: &Path, listed: Option<&[u16]>) -> Vec<u16> {
    let Some(listed) = listed else {
        return DEFAULT_SUCCESS.to_vec();
    };
    if listed.is_empty() {
        ctx.at_value(path, Problem::NoSuccessCodes);
    }
    let mut seen = Names::new(NameKind::SuccessCode);
    let mut codes = Vec::new();
    for (index, code) in listed.iter().enumerate() {
        let at = path.index(index);
        if !(100..=599).contains(code) {
            ctx.at_value(&at, Problem::SuccessOutOfRange { code: *code });
        }
        ctx.claim(&mut seen, &code.to_string(), &code.to_string(), &at);
        if !codes.contains(code) {
            codes.push(*code);
        }
    }
    codes
}

fn resolve_scopes(
    ctx: &mut Ctx<'_>,
    scopes: &ScopeIndex,
    path: &Path,
    references: &[String],
) -> Vec<String> {
    references
        .iter()
        .enumerate()
        .map(|(index, reference)| match scopes.lookup(reference) {
            Some(value) => value.to_owned(),
            None => {
                let problem = Problem::UndeclaredScope {
                    scope: reference.clone(),
                    suggestion: closest(reference, scopes.spellings()),
                };
                ctx.at_value(&path.index(index), problem);
                reference.clone()
            }
        })
        .collect()
}
