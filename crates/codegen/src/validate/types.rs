//! Declared types and type expressions: Rust names for types, fields and enum variants,
//! resolution of every type expression against the declared types, and boxing of fields that
//! would make a struct contain itself.

use std::collections::{HashMap, HashSet};

use super::names::{self, Case, Names};
use super::prose;
use super::type_expr::{self, Builtin, Expr};
use super::Ctx;
use crate::diagnostic::{closest, NameKind, Problem};
use crate::locate::Path;
use crate::model::{Field, RustName, TypeDef, TypeKind, TypeRef, Variant};
use crate::spec::{self, Map};

/// What a declared type is, for rules that accept only some shapes (form bodies, parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Struct,
    Enum,
    /// Neither or both of `fields` and `enum` (already reported).
    Invalid,
}

/// Every declared type by spec name, known before any expression is resolved so that types
/// may refer to each other in any order.
pub(crate) struct TypeTable {
    by_name: HashMap<String, RustName>,
    shapes: HashMap<RustName, Shape>,
    /// Spec names in order, for suggestions.
    names: Vec<String>,
}

impl TypeTable {
    /// Declares the types under `path`, reporting reserved and colliding names. (No Rust name of
    /// a type is reserved: types live in a module of their own, see
    /// [`TYPES_MODULE`](crate::model::TYPES_MODULE).)
    pub(crate) fn declare(ctx: &mut Ctx<'_>, path: &Path, types: &Map<spec::TypeDef>) -> TypeTable {
        let mut rust_names = Names::new(NameKind::Type);
        let mut table = TypeTable {
            by_name: HashMap::new(),
            shapes: HashMap::new(),
            names: Vec::new(),
        };
        for (name, def) in types.iter() {
            let at = path.key(name);
            if type_expr::RESERVED.contains(&name) {
                let name = name.to_owned();
                ctx.at_key(&at, Problem::ReservedTypeName { name });
            }
            let rust_name = names::rust_ident(name, Case::UpperCamel, "Type");
            ctx.claim(&mut rust_names, rust_name.as_str(), name, &at);
            let shape = match (&def.fields, &def.values) {
                (Some(_), None) => Shape::Struct,
                (None, Some(_)) => Shape::Enum,
                _ => Shape::Invalid,
            };
            table.shapes.insert(rust_name.clone(), shape);
            table.by_name.insert(name.to_owned(), rust_name);
            table.names.push(name.to_owned());
        }
        table
    }

    /// Resolves the type expression `text`, written at `path`. Reports what does not parse or
    /// resolve, and then stands in `json`.
    pub(crate) fn resolve(&self, ctx: &mut Ctx<'_>, path: &Path, text: &str) -> TypeRef {
        match type_expr::parse(text) {
            Ok(expr) => self.resolve_expr(ctx, path, &expr),
            Err(error) => {
                let problem = Problem::BadTypeExpr {
                    expr: text.to_owned(),
                    reason: error.reason,
                };
                ctx.inside_value(path, error.offset, problem);
                TypeRef::Json
            }
        }
    }

    /// The shape of a declared type; `None` for builtins and containers.
    pub(crate) fn shape(&self, ty: &TypeRef) -> Option<Shape> {
        match ty {
            TypeRef::Named(rust_name) => self.shapes.get(rust_name).copied(),
            _ => None,
        }
    }

    fn resolve_expr(&self, ctx: &mut Ctx<'_>, path: &Path, expr: &Expr) -> TypeRef {
        match expr {
            Expr::Builtin(Builtin::String) => TypeRef::String,
            Expr::Builtin(Builtin::Integer) => TypeRef::Integer,
            Expr::Builtin(Builtin::Number) => TypeRef::Number,
            Expr::Builtin(Builtin::Boolean) => TypeRef::Boolean,
            Expr::Builtin(Builtin::Json) => TypeRef::Json,
            Expr::List(item) => TypeRef::List(Box::new(self.resolve_expr(ctx, path, item))),
            Expr::Map(item) => TypeRef::Map(Box::new(self.resolve_expr(ctx, path, item))),
            Expr::Name(name, offset) => match self.by_name.get(name) {
                Some(rust_name) => TypeRef::Named(rust_name.clone()),
                None => {
                    let suggestion =
                        type_expr::builtin_alias(name)
                            .map(str::to_owned)
                            .or_else(|| {
                                let declared = self.names.iter().map(String::as_str);
                                closest(name, declared.chain(type_expr::RESERVED.iter().copied()))
                            });
                    let name = name.clone();
                    ctx.inside_value(path, *offset, Problem::UndefinedType { name, suggestion });
                    TypeRef::Json
                }
            },
        }
    }
}

/// Resolves the types under `path`.
pub(crate) fn resolve(
    ctx: &mut Ctx<'_>,
    table: &TypeTable,
    path: &Path,
    types: &Map<spec::TypeDef>,
) -> Vec<TypeDef> {
    let mut resolved: Vec<TypeDef> = types
        .iter()
        .map(|(name, def)| {
            let at = path.key(name);
            let kind = match (&def.fields, &def.values) {
                (Some(fields), None) => TypeKind::Struct {
                    fields: resolve_fields(ctx, table, &at.key("fields"), fields),
                },
                (None, Some(values)) => TypeKind::Enum {
                    variants: resolve_variants(ctx, name, &at.key("enum"), values),
                },
                (fields, _) => {
                    let name = name.to_owned();
                    let problem = if fields.is_some() {
                        Problem::TypeWithBothShapes { name }
                    } else {
                        Problem::TypeWithoutShape { name }
                    };
                    ctx.at_key(&at, problem);
                    TypeKind::Struct { fields: Vec::new() }
                }
            };
            TypeDef {
                name: name.to_owned(),
                rust_name: names::rust_ident(name, Case::UpperCamel, "Type"),
                description: prose(&def.description),
                kind,
            }
        })
        .collect();
    box_recursive_fields(&mut resolved);
    resolved
}

/// Resolves the fields under `path` (of a struct or a webhook event).
pub(crate) fn resolve_fields(
    ctx: &mut Ctx<'_>,
    table: &TypeTable,
    path: &Path,
    fields: &Map<spec::Field>,
) -> Vec<Field> {
    let mut rust_names = Names::new(NameKind::Field);
    fields
        .iter()
        .map(|(wire_name, field)| {
            let at = path.key(wire_name);
            let rust_name = names::rust_ident(wire_name, Case::Snake, "field");
            ctx.claim(&mut rust_names, rust_name.as_str(), wire_name, &at);
            Field {
                wire_name: wire_name.to_owned(),
                rust_name,
                ty: table.resolve(ctx, &at.key("type"), &field.ty),
                required: field.required,
                boxed: false,
                description: prose(&field.description),
            }
        })
        .collect()
}

/// The variant every generated enum keeps for values it does not know.
const CATCH_ALL: &str = "Other";

fn resolve_variants(
    ctx: &mut Ctx<'_>,
    type_name: &str,
    path: &Path,
    values: &[spec::EnumValue],
) -> Vec<Variant> {
    if values.is_empty() {
        let name = type_name.to_owned();
        ctx.at_value(path, Problem::EmptyEnum { name });
    }
    let mut wire_values = Names::new(NameKind::EnumValue);
    let mut rust_names = Names::new(NameKind::EnumValue);
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let at = path.index(index);
            let rust_name = names::rust_ident(
                value.name.as_deref().unwrap_or(&value.value),
                Case::UpperCamel,
                "Value",
            );
            ctx.claim(&mut wire_values, &value.value, &value.value, &at);
            if rust_name == CATCH_ALL {
                let problem = Problem::ReservedVariant {
                    value: value.value.clone(),
                    variant: rust_name.to_string(),
                };
                ctx.at_value(&at, problem);
            } else {
                ctx.claim(&mut rust_names, rust_name.as_str(), &value.value, &at);
            }
            Variant {
                value: value.value.clone(),
                rust_name,
                description: prose(&value.description),
            }
        })
        .collect()
}

/// Sets `boxed` on every field whose type leads back to its own struct through fields that
/// hold a struct directly (a list or map already adds the indirection a recursive type needs).
fn box_recursive_fields(types: &mut [TypeDef]) {
    let edges: HashMap<String, Vec<String>> = types
        .iter()
        .map(|def| {
            let targets = match &def.kind {
                TypeKind::Struct { fields } => fields
                    .iter()
                    .filter_map(|f| direct_struct(&f.ty))
                    .map(str::to_owned)
                    .collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (def.rust_name.as_str().to_owned(), targets)
        })
        .collect();
    for def in types.iter_mut() {
        let owner = def.rust_name.as_str().to_owned();
        if let TypeKind::Struct { fields } = &mut def.kind {
            for field in fields {
                field.boxed =
                    direct_struct(&field.ty).is_some_and(|target| reaches(&edges, target, &owner));
            }
        }
    }
}

/// The type a field holds inline, if it is a declared one.
fn direct_struct(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name.as_str()),
        _ => None,
    }
}

/// Whether `goal` is `from` or contains it inline (iteratively, so deep specs cannot overflow).
fn reaches(edges: &HashMap<String, Vec<String>>, from: &str, goal: &str) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack = vec![from];
    while let Some(current) = stack.pop() {
        if current == goal {
            return true;
        }
        if seen.insert(current) {
            stack.extend(edges.get(current).into_iter().flatten().map(String::as_str));
        }
    }
    false
}
