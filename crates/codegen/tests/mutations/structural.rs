//! Mutations of a parsed spec tree. Each mutator returns a description of what it did, or
//! `None` when the spec has nothing it applies to (the caller then tries another).
//!
//! Some mutators are schema-blind (delete, duplicate, swap, retype, move any node); the others
//! aim at the places a generator turns into Rust: names (renamed, with the references to them
//! renamed too so that the spec stays valid), text, type expressions and numbers.

use serde_yaml::{Mapping, Value};

use super::rng::Rng;
use super::tree::{self, Path, Step};
use super::vocab;

/// What a mutator did: `kind` names the place in general terms (`rename types.*`), for
/// counting; `description` names it exactly, for reproducing.
pub struct Applied {
    pub kind: String,
    pub description: String,
}

fn applied(kind: String, description: String) -> Option<Applied> {
    Some(Applied { kind, description })
}

/// Applies one mutation, chosen by weight among those that apply.
pub fn mutate(rng: &mut Rng, root: &mut Value) -> Applied {
    type Mutator = fn(&mut Rng, &mut Value) -> Option<Applied>;
    const MUTATORS: &[(usize, Mutator)] = &[
        (14, rename_name),
        (10, add_named),
        (8, set_name_value),
        (10, hostile_text),
        (10, swap_type),
        (4, edge_number),
        (4, delete_node),
        (3, duplicate_node),
        (3, rename_any_key),
        (3, swap_values),
        (4, retype_node),
        (2, empty_collection),
        (2, move_subtree),
    ];
    let weights: Vec<usize> = MUTATORS.iter().map(|(w, _)| *w).collect();
    for _ in 0..32 {
        let (_, mutator) = MUTATORS[rng.weighted(&weights)];
        if let Some(description) = mutator(rng, root) {
            return description;
        }
    }
    Applied {
        kind: "none".to_owned(),
        description: "no mutation applied".to_owned(),
    }
}

/// What must follow a renamed name so that the spec still refers to it.
#[derive(Clone, Copy)]
enum Follow {
    Nothing,
    TypeReferences,
    Placeholders,
    Requires,
    PathTemplate,
}

/// Maps whose keys are names the spec author chooses.
const NAME_MAPS: &[(&[&str], Follow)] = &[
    (&["operations", "*"], Follow::Nothing),
    (&["types", "*"], Follow::TypeReferences),
    (&["types", "*", "fields", "*"], Follow::Nothing),
    (&["variables", "*"], Follow::Placeholders),
    (&["auth", "*"], Follow::Requires),
    (&["webhooks", "events", "*"], Follow::Nothing),
    (&["webhooks", "events", "*", "fields", "*"], Follow::Nothing),
    (
        &["operations", "*", "path_params", "*"],
        Follow::PathTemplate,
    ),
    (&["operations", "*", "query", "*"], Follow::Nothing),
    (&["operations", "*", "headers", "*"], Follow::Nothing),
    (&["headers", "*"], Follow::Nothing),
    (&["auth", "*", "extra_token_params", "*"], Follow::Nothing),
    (
        &["auth", "*", "extra_authorize_params", "*"],
        Follow::Nothing,
    ),
];

/// Renames a declared name to a hostile one; usually renames its references too.
fn rename_name(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    // The kind of name first, then one of them: variables are as likely as fields.
    let (pattern, follow) = rng.pick(NAME_MAPS);
    let path = rng.choose(&tree::matching(root, pattern))?.clone();
    let follow = *follow;
    let old = tree::last_key(&path)?;
    let new = vocab::name(rng);
    tree::rename(root, &path, Value::String(new.clone()));
    let followed = rng.chance(85);
    if followed {
        follow_rename(root, &path, follow, &old, &new);
    }
    applied(
        format!("rename {}", tree::generalize(&path)),
        format!(
            "rename {} to {new:?}{}",
            tree::describe(&path),
            if followed { "" } else { " (references left)" }
        ),
    )
}

fn follow_rename(root: &mut Value, path: &Path, follow: Follow, old: &str, new: &str) {
    match follow {
        Follow::Nothing => {}
        Follow::TypeReferences => rename_type_references(root, old, new),
        Follow::Placeholders => tree::for_each_string(root, &mut |_, s| {
            *s = s.replace(&format!("{{{old}}}"), &format!("{{{new}}}"));
        }),
        Follow::Requires => replace_strings(root, &["auth", "*", "requires", "*"], old, new),
        Follow::PathTemplate => {
            let mut template = path[..2].to_vec();
            template.push(Step::Key(Value::String("path".into())));
            if let Some(Value::String(s)) = tree::get_mut(root, &template) {
                *s = s.replace(&format!("{{{old}}}"), &format!("{{{new}}}"));
            }
        }
    }
}

/// Rewrites every type expression that names `old`.
fn rename_type_references(root: &mut Value, old: &str, new: &str) {
    tree::for_each_string(root, &mut |path, s| {
        let in_auth = tree::key_at(path, 0).as_deref() == Some("auth");
        let is_type = matches!(
            tree::last_key(path).as_deref(),
            Some("type" | "response" | "error")
        );
        if is_type && !in_auth {
            *s = rename_in_type_expr(s, old, new);
        }
    });
}

/// `list<Old>` -> `list<New>`: replaces whole identifiers only.
fn rename_in_type_expr(expr: &str, old: &str, new: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for c in expr.chars().chain(['\u{0}']) {
        if matches!(c, '<' | '>' | ',' | ' ' | '\u{0}') {
            out.push_str(if word == old { new } else { &word });
            word.clear();
            if c != '\u{0}' {
                out.push(c);
            }
        } else {
            word.push(c);
        }
    }
    out
}

fn replace_strings(root: &mut Value, pattern: &[&str], old: &str, new: &str) {
    for path in tree::matching(root, pattern) {
        if let Some(Value::String(s)) = tree::get_mut(root, &path) {
            if s == old {
                *s = new.to_owned();
            }
        }
    }
}

fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// A mapping from `(key, value)` pairs.
fn map(entries: &[(&str, Value)]) -> Value {
    Value::Mapping(
        entries
            .iter()
            .map(|(k, v)| (string(k), v.clone()))
            .collect::<Mapping>(),
    )
}

fn keys_of(root: &Value, path: &[&str]) -> Vec<String> {
    tree::matching(root, &[path, &["*"]].concat())
        .iter()
        .filter_map(|p| tree::last_key(p))
        .collect()
}

/// Struct types: those with `fields`.
fn struct_types(root: &Value) -> Vec<String> {
    tree::matching(root, &["types", "*", "fields"])
        .iter()
        .filter_map(|p| tree::key_at(p, 1))
        .collect()
}

/// Declares something new under a hostile name, and uses it.
fn add_named(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let name = vocab::name(rng);
    let what = match rng.below(11) {
        0 => add_variable(rng, root, &name),
        1 => add_type(rng, root, &name),
        2 => add_operation(rng, root, &name),
        3 => add_scheme(rng, root, &name),
        4 => add_event(root, &name),
        5 => add_field(rng, root, &name),
        6 => add_param(rng, root, "query", &name),
        7 => add_param(rng, root, "headers", &name),
        8 => add_path_param(rng, root, &name),
        9 => add_enum_value(rng, root, &name),
        _ => add_scope(rng, root, &name),
    }?;
    applied(format!("add {what}"), format!("add {what} {name:?}"))
}

fn add_variable(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let mut variable = vec![("description", string("Added."))];
    if rng.chance(50) {
        variable.push(("default", string("v")));
    }
    tree::mapping_at(root, &["variables"]).insert(string(name), map(&variable));
    tree::mapping_at(root, &["headers"]).insert(string("X-Added"), string(&format!("{{{name}}}")));
    Some("variable (used in a header)")
}

fn add_type(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let users = struct_types(root);
    let field = map(&[("type", string("string"))]);
    tree::mapping_at(root, &["types"])
        .insert(string(name), map(&[("fields", map(&[("value", field)]))]));
    let reference = map(&[("type", string(name)), ("required", Value::Bool(true))]);
    if users.is_empty() || rng.chance(20) {
        root.as_mapping_mut()?.insert(string("error"), string(name));
        return Some("type (the error type)");
    }
    let user = rng.pick(&users).clone();
    tree::mapping_at(root, &["types", &user, "fields"]).insert(string("added"), reference);
    Some("type (a field's type)")
}

fn add_operation(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let existing: Vec<Path> = tree::matching(root, &["operations", "*"]);
    let operation = if existing.is_empty() || rng.chance(30) {
        map(&[
            ("summary", string("Added.")),
            ("method", string("GET")),
            ("path", string("/added")),
        ])
    } else {
        tree::get(root, &rng.pick(&existing).clone())?.clone()
    };
    tree::mapping_at(root, &["operations"]).insert(string(name), operation);
    Some("operation")
}

fn add_scheme(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let scheme = match rng.below(4) {
        0 => map(&[("type", string("basic"))]),
        1 => map(&[("type", string("bearer"))]),
        2 => map(&[
            ("type", string("api_key")),
            ("in", string("query")),
            ("name", string(name)),
        ]),
        _ => map(&[("type", string("api_key")), ("name", string("X-Added"))]),
    };
    let others = keys_of(root, &["auth"]);
    tree::mapping_at(root, &["auth"]).insert(string(name), scheme);
    if let (true, Some(first)) = (rng.chance(40), others.first()) {
        let requirer = tree::mapping_at(root, &["auth", first]);
        requirer.insert(string("requires"), Value::Sequence(vec![string(name)]));
        return Some("auth scheme (required by another)");
    }
    Some("auth scheme")
}

fn add_event(root: &mut Value, name: &str) -> Option<&'static str> {
    let webhooks = tree::mapping_at(root, &["webhooks"]);
    if !webhooks.contains_key("tag") {
        webhooks.insert(string("tag"), string("event"));
    }
    tree::mapping_at(root, &["webhooks", "events"]).insert(
        string(name),
        map(&[("fields", map(&[("x", map(&[("type", string("json"))]))]))]),
    );
    Some("webhook event")
}

fn add_field(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let mut owners: Vec<Path> = tree::matching(root, &["types", "*", "fields"]);
    owners.extend(tree::matching(root, &["webhooks", "events", "*", "fields"]));
    let owner = rng.choose(&owners)?.clone();
    let required = Value::Bool(rng.chance(50));
    let field = map(&[("type", string("string")), ("required", required)]);
    match tree::get_mut(root, &owner)? {
        Value::Mapping(fields) => fields.insert(string(name), field),
        _ => return None,
    };
    Some("field")
}

fn random_operation(rng: &mut Rng, root: &Value) -> Option<String> {
    let operations = keys_of(root, &["operations"]);
    (!operations.is_empty()).then(|| rng.pick(&operations).clone())
}

fn add_param(rng: &mut Rng, root: &mut Value, place: &str, name: &str) -> Option<&'static str> {
    let operation = random_operation(rng, root)?;
    let ty = *rng.pick(&["string", "integer", "boolean", "list<string>"]);
    tree::mapping_at(root, &["operations", &operation, place])
        .insert(string(name), map(&[("type", string(ty))]));
    Some(if place == "query" {
        "query parameter"
    } else {
        "header parameter"
    })
}

fn add_path_param(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let operation = random_operation(rng, root)?;
    let ops = tree::mapping_at(root, &["operations", &operation]);
    let path = ops.get("path").and_then(Value::as_str).unwrap_or("/x");
    let path = format!("{path}/{{{name}}}");
    ops.insert(string("path"), string(&path));
    tree::mapping_at(root, &["operations", &operation, "path_params"])
        .insert(string(name), map(&[("type", string("string"))]));
    Some("path parameter")
}

fn add_enum_value(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let enums = tree::matching(root, &["types", "*", "enum"]);
    let at = rng.choose(&enums)?.clone();
    match tree::get_mut(root, &at)? {
        Value::Sequence(values) => values.push(string(name)),
        _ => return None,
    }
    Some("enum value")
}

fn add_scope(rng: &mut Rng, root: &mut Value, name: &str) -> Option<&'static str> {
    let lists = tree::matching(root, &["auth", "*", "scopes"]);
    let at = rng.choose(&lists)?.clone();
    match tree::get_mut(root, &at)? {
        Value::Sequence(scopes) => scopes.push(map(&[("value", string(name))])),
        _ => return None,
    }
    if let Some(operation) = random_operation(rng, root) {
        tree::mapping_at(root, &["operations", &operation])
            .insert(string("scopes"), Value::Sequence(vec![string(name)]));
        return Some("scope (used by an operation)");
    }
    Some("scope")
}

/// String values that become identifiers, header names or wire names.
const NAME_VALUES: &[&[&str]] = &[
    &["name"],
    &["auth", "*", "username_field"],
    &["auth", "*", "scopes", "*"],
    &["auth", "*", "scopes", "*", "value"],
    &["auth", "*", "scopes", "*", "name"],
    &["types", "*", "enum", "*"],
    &["types", "*", "enum", "*", "value"],
    &["types", "*", "enum", "*", "name"],
    &["webhooks", "tag"],
    &["operations", "*", "envelope"],
    &["auth", "*", "name"],
    &["auth", "*", "token_prefix_header"],
    &["auth", "*", "requires", "*"],
    &["auth", "*", "scope_separator"],
];

/// Sets a name-like string value to a hostile name; scope renames follow to their users.
fn set_name_value(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    // The kind of value first, then one of them: `username_field` is as likely as a scope.
    let pattern: &[&str] = NAME_VALUES[rng.below(NAME_VALUES.len())];
    let candidates: Vec<Path> = tree::matching(root, pattern)
        .into_iter()
        .filter(|path| matches!(tree::get(root, path), Some(Value::String(_))))
        .collect();
    let path = rng.choose(&candidates)?.clone();
    let new = vocab::name(rng);
    let Some(Value::String(slot)) = tree::get_mut(root, &path) else {
        return None;
    };
    let old = std::mem::replace(slot, new.clone());
    if tree::key_at(&path, 2).as_deref() == Some("scopes") {
        replace_strings(root, &["operations", "*", "scopes", "*"], &old, &new);
        replace_strings(root, &["auth", "*", "default_scopes", "*"], &old, &new);
    }
    applied(
        format!("set {}", tree::generalize(&path)),
        format!("set {} to {new:?}", tree::describe(&path)),
    )
}

/// Puts hostile text into (or in place of) any string value.
fn hostile_text(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let mut strings: Vec<Path> = Vec::new();
    tree::for_each_string(root, &mut |path, _| strings.push(path.clone()));
    let path = rng.choose(&strings)?.clone();
    let Some(Value::String(slot)) = tree::get_mut(root, &path) else {
        return None;
    };
    *slot = vocab::text_into(rng, slot);
    applied(
        format!("hostile text in {}", tree::generalize(&path)),
        format!(
            "hostile text in {}: {:?}",
            tree::describe(&path),
            truncate(slot, 60)
        ),
    )
}

/// Replaces a type expression (`type`, `response`, `error`) with another.
fn swap_type(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let mut slots: Vec<Path> = Vec::new();
    tree::for_each_string(root, &mut |path, _| {
        let in_auth = tree::key_at(path, 0).as_deref() == Some("auth");
        let is_type = matches!(
            tree::last_key(path).as_deref(),
            Some("type" | "response" | "error")
        );
        if is_type && !in_auth {
            slots.push(path.clone());
        }
    });
    if slots.is_empty() {
        return None;
    }
    let path = rng.pick(&slots).clone();
    let declared = keys_of(root, &["types"]);
    let own = (tree::key_at(&path, 0).as_deref() == Some("types"))
        .then(|| tree::key_at(&path, 1))
        .flatten();
    let expr = vocab::type_expr(rng, &declared, own.as_deref());
    let Some(Value::String(slot)) = tree::get_mut(root, &path) else {
        return None;
    };
    *slot = expr.clone();
    applied(
        format!("type swap in {}", tree::generalize(&path)),
        format!(
            "type of {} := {:?}",
            tree::describe(&path),
            truncate(&expr, 60)
        ),
    )
}

/// Puts a number at the edge of its range into a numeric slot, or anywhere.
fn edge_number(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let mut slots = tree::matching(root, &["operations", "*", "success", "*"]);
    for scheme in tree::matching(root, &["auth", "*"]) {
        if tree::get(root, &scheme).and_then(|s| s.get("type")) == Some(&string("oauth2")) {
            let mut at = scheme.clone();
            at.push(Step::Key(string("default_lifetime_secs")));
            slots.push(at);
        }
    }
    if slots.is_empty() || rng.chance(20) {
        slots = tree::all_paths(root);
    }
    let path = rng.choose(&slots)?.clone();
    let number = vocab::number(rng);
    let shown = tree::scalar_text(&number);
    tree::set(root, &path, number)?;
    applied(
        format!("edge number at {}", tree::generalize(&path)),
        format!("number at {} := {shown}", tree::describe(&path)),
    )
}

fn any_path(rng: &mut Rng, root: &Value) -> Option<Path> {
    let paths = tree::all_paths(root);
    (!paths.is_empty()).then(|| rng.pick(&paths).clone())
}

fn delete_node(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let path = any_path(rng, root)?;
    tree::remove(root, &path)?;
    applied(
        format!("delete {}", tree::generalize(&path)),
        format!("delete {}", tree::describe(&path)),
    )
}

/// Copies a map entry under a derived key, or repeats a list item.
fn duplicate_node(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let path = any_path(rng, root)?;
    let copy = tree::get(root, &path)?.clone();
    let (last, parent) = path.split_last()?;
    match (tree::get_mut(root, parent)?, last) {
        (Value::Mapping(map), Step::Key(key)) => {
            let key = format!(
                "{}{}",
                tree::scalar_text(key),
                rng.pick(&["2", "_", "-", "S"])
            );
            map.insert(string(&key), copy);
        }
        (Value::Sequence(items), Step::Index(i)) => items.insert(*i, copy),
        _ => return None,
    }
    applied(
        format!("duplicate {}", tree::generalize(&path)),
        format!("duplicate {}", tree::describe(&path)),
    )
}

/// Keys of the spec format, for renames that move a value to the wrong key.
const SPEC_KEYS: &[&str] = &[
    "name",
    "title",
    "type",
    "fields",
    "enum",
    "required",
    "description",
    "path",
    "method",
    "query",
    "headers",
    "body",
    "response",
    "success",
    "scopes",
    "envelope",
    "auth",
    "types",
    "operations",
    "variables",
    "default",
    "format",
    "grants",
    "tag",
    "events",
    "in",
    "value",
    "requires",
    "error",
    "webhooks",
    "base_url",
    "token_url",
    "pth",
    "Type",
    "",
];

fn rename_any_key(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let keys: Vec<Path> = tree::all_paths(root)
        .into_iter()
        .filter(|p| matches!(p.last(), Some(Step::Key(_))))
        .collect();
    let path = rng.choose(&keys)?.clone();
    let new = if rng.chance(50) {
        rng.pick(SPEC_KEYS).to_string()
    } else {
        vocab::name(rng)
    };
    tree::rename(root, &path, string(&new));
    applied(
        format!("rename key {}", tree::generalize(&path)),
        format!("rename key {} to {new:?}", tree::describe(&path)),
    )
}

fn swap_values(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let a = any_path(rng, root)?;
    let b = any_path(rng, root)?;
    // Neither may contain the other.
    if a.starts_with(&b) || b.starts_with(&a) {
        return None;
    }
    let value_a = tree::get(root, &a)?.clone();
    let value_b = std::mem::replace(tree::get_mut(root, &b)?, value_a);
    *tree::get_mut(root, &a)? = value_b;
    applied(
        "swap two values".to_owned(),
        format!("swap {} and {}", tree::describe(&a), tree::describe(&b)),
    )
}

/// Replaces a node with a value of another YAML type.
fn retype_node(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let path = any_path(rng, root)?;
    let (value, kind) = match rng.below(8) {
        0 => (string("x"), "a string"),
        1 => (string(""), "an empty string"),
        2 => (Value::Number(42.into()), "a number"),
        3 => (Value::Bool(true), "a boolean"),
        4 => (Value::Null, "null"),
        5 => (Value::Sequence(vec![string("x")]), "a list"),
        6 => (map(&[("x", string("y"))]), "a mapping"),
        _ => (vocab::number(rng), "an edge number"),
    };
    *tree::get_mut(root, &path)? = value;
    applied(
        format!("retype {}", tree::generalize(&path)),
        format!("{} := {kind}", tree::describe(&path)),
    )
}

fn empty_collection(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let collections: Vec<Path> = tree::all_paths(root)
        .into_iter()
        .filter(|p| {
            matches!(
                tree::get(root, p),
                Some(Value::Mapping(_) | Value::Sequence(_))
            )
        })
        .collect();
    if collections.is_empty() {
        return None;
    }
    let path = rng.pick(&collections).clone();
    let node = tree::get_mut(root, &path)?;
    *node = match node {
        Value::Mapping(_) => Value::Mapping(Mapping::new()),
        _ => Value::Sequence(Vec::new()),
    };
    applied(
        format!("empty {}", tree::generalize(&path)),
        format!("empty {}", tree::describe(&path)),
    )
}

/// Moves a subtree under another mapping, keeping its key.
fn move_subtree(rng: &mut Rng, root: &mut Value) -> Option<Applied> {
    let from = any_path(rng, root)?;
    let key = tree::last_key(&from).unwrap_or_else(|| "moved".to_owned());
    let targets: Vec<Path> = tree::all_paths(root)
        .into_iter()
        .filter(|p| !p.starts_with(&from) && matches!(tree::get(root, p), Some(Value::Mapping(_))))
        .collect();
    if targets.is_empty() {
        return None;
    }
    let to = rng.pick(&targets).clone();
    let subtree = tree::get(root, &from)?.clone();
    match tree::get_mut(root, &to)? {
        Value::Mapping(map) => map.insert(string(&key), subtree),
        _ => return None,
    };
    // Removing after inserting keeps `to` valid (it is not inside `from`); the removal may
    // shift a sequence `to` sits in, which only changes where the copy landed.
    tree::remove(root, &from);
    applied(
        "move a subtree".to_owned(),
        format!(
            "move {} under {}",
            tree::describe(&from),
            tree::describe(&to)
        ),
    )
}

pub fn truncate(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
