//! Paths into a `serde_yaml::Value`: every node's path, the nodes matching a key pattern, and
//! reading, replacing, renaming and removing by path.

use serde_yaml::{Mapping, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(Value),
    Index(usize),
}

pub type Path = Vec<Step>;

/// `operations.send_sms.path_params[0]`, for mutation descriptions.
pub fn describe(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&scalar_text(key));
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "<root>".to_owned()
    } else {
        out
    }
}

/// A scalar as short text (keys are scalars in every seed).
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim_end()
            .to_owned(),
    }
}

/// Every node below the root, parents before children.
pub fn all_paths(root: &Value) -> Vec<Path> {
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), &mut out);
    out
}

fn walk(node: &Value, at: &mut Path, out: &mut Vec<Path>) {
    match node {
        Value::Mapping(map) => {
            for (key, child) in map {
                at.push(Step::Key(key.clone()));
                out.push(at.clone());
                walk(child, at, out);
                at.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(Step::Index(i));
                out.push(at.clone());
                walk(child, at, out);
                at.pop();
            }
        }
        Value::Tagged(tagged) => walk(&tagged.value, at, out),
        _ => {}
    }
}

/// Paths whose keys match `pattern` step by step; `*` matches any key or index.
pub fn matching(root: &Value, pattern: &[&str]) -> Vec<Path> {
    all_paths(root)
        .into_iter()
        .filter(|path| path.len() == pattern.len() && matches(path, pattern))
        .collect()
}

fn matches(path: &[Step], pattern: &[&str]) -> bool {
    path.iter().zip(pattern).all(|(step, want)| match step {
        _ if *want == "*" => true,
        Step::Key(Value::String(key)) => key == want,
        _ => false,
    })
}

pub fn get<'a>(root: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Mapping(map), Step::Key(key)) => map.get(key),
        (Value::Sequence(items), Step::Index(i)) => items.get(*i),
        _ => None,
    })
}

pub fn get_mut<'a>(root: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Mapping(map), Step::Key(key)) => map.get_mut(key),
        (Value::Sequence(items), Step::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

/// The mapping at `path`, made one if it is absent or not a mapping.
pub fn mapping_at<'a>(root: &'a mut Value, path: &[&str]) -> &'a mut Mapping {
    let mut node = root;
    for key in path {
        if !node.is_mapping() {
            *node = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(map) = node else {
            unreachable!()
        };
        node = map
            .entry(Value::String((*key).to_owned()))
            .or_insert(Value::Null);
    }
    if !node.is_mapping() {
        *node = Value::Mapping(Mapping::new());
    }
    let Value::Mapping(map) = node else {
        unreachable!()
    };
    map
}

/// Removes the node at `path`, keeping the order of its siblings.
pub fn remove(root: &mut Value, path: &[Step]) -> Option<Value> {
    let (last, parent) = path.split_last()?;
    match (get_mut(root, parent)?, last) {
        (Value::Mapping(map), Step::Key(key)) => map.shift_remove(key),
        (Value::Sequence(items), Step::Index(i)) if *i < items.len() => Some(items.remove(*i)),
        _ => None,
    }
}

/// Renames the key at the end of `path` in place (same position); false if it is no key.
pub fn rename(root: &mut Value, path: &[Step], new_key: Value) -> bool {
    let Some((Step::Key(old), parent)) = path.split_last() else {
        return false;
    };
    let Some(Value::Mapping(map)) = get_mut(root, parent) else {
        return false;
    };
    let renamed: Mapping = std::mem::take(map)
        .into_iter()
        .map(|(k, v)| {
            if &k == old {
                (new_key.clone(), v)
            } else {
                (k, v)
            }
        })
        .collect();
    *map = renamed;
    true
}

/// Every string scalar in the tree, mutably, with its path.
pub fn for_each_string(root: &mut Value, f: &mut dyn FnMut(&Path, &mut String)) {
    fn visit(node: &mut Value, at: &mut Path, f: &mut dyn FnMut(&Path, &mut String)) {
        match node {
            Value::String(s) => f(at, s),
            Value::Mapping(map) => {
                for (key, child) in map.iter_mut() {
                    at.push(Step::Key(key.clone()));
                    visit(child, at, f);
                    at.pop();
                }
            }
            Value::Sequence(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    at.push(Step::Index(i));
                    visit(child, at, f);
                    at.pop();
                }
            }
            Value::Tagged(tagged) => visit(&mut tagged.value, at, f),
            _ => {}
        }
    }
    visit(root, &mut Vec::new(), f);
}

/// The last key of `path` as text, if it ends in a key.
pub fn last_key(path: &[Step]) -> Option<String> {
    match path.last()? {
        Step::Key(key) => Some(scalar_text(key)),
        Step::Index(_) => None,
    }
}

/// The key at position `i` of `path` as text.
pub fn key_at(path: &[Step], i: usize) -> Option<String> {
    match path.get(i)? {
        Step::Key(key) => Some(scalar_text(key)),
        Step::Index(_) => None,
    }
}

/// Sets the node at `path`, adding the last key to its mapping if it is absent.
pub fn set(root: &mut Value, path: &[Step], value: Value) -> Option<()> {
    let (last, parent) = path.split_last()?;
    match (get_mut(root, parent)?, last) {
        (Value::Mapping(map), Step::Key(key)) => {
            map.insert(key.clone(), value);
        }
        (Value::Sequence(items), Step::Index(i)) => *items.get_mut(*i)? = value,
        _ => return None,
    }
    Some(())
}

/// Keys of the spec format; any other key is a name the spec author chose.
const FORMAT_KEYS: &[&str] = &[
    "name",
    "title",
    "docs_url",
    "description",
    "base_url",
    "variables",
    "headers",
    "auth",
    "operations",
    "types",
    "error",
    "webhooks",
    "default",
    "type",
    "requires",
    "token_url",
    "grants",
    "authorize_url",
    "refresh_url",
    "client_auth",
    "body",
    "pkce",
    "scope_separator",
    "send_scopes",
    "default_scopes",
    "extra_authorize_params",
    "extra_token_params",
    "username_field",
    "default_lifetime_secs",
    "token_prefix_header",
    "scopes",
    "value",
    "in",
    "summary",
    "method",
    "path",
    "path_params",
    "query",
    "response",
    "success",
    "envelope",
    "required",
    "format",
    "fields",
    "enum",
    "tag",
    "events",
];

/// The path with every author-chosen name and index replaced by `*`:
/// `operations.send_sms.path_params.msgId` -> `operations.*.path_params.*`.
pub fn generalize(path: &[Step]) -> String {
    let general: Vec<Step> = path
        .iter()
        .enumerate()
        .map(|(i, step)| match step {
            // A name map's keys are names even where they spell a format key (`fields.type`).
            Step::Key(Value::String(key))
                if FORMAT_KEYS.contains(&key.as_str()) && !is_name_position(path, i) =>
            {
                step.clone()
            }
            _ => Step::Key(Value::String("*".into())),
        })
        .collect();
    describe(&general)
}

/// Whether step `i` is a key of a map whose keys are names (`types`, `fields`, ...).
fn is_name_position(path: &[Step], i: usize) -> bool {
    let parent = i.checked_sub(1).and_then(|p| key_at(path, p));
    matches!(
        (i, parent.as_deref()),
        (
            1,
            Some("variables" | "headers" | "auth" | "operations" | "types")
        ) | (
            _,
            Some(
                "fields"
                    | "path_params"
                    | "query"
                    | "extra_token_params"
                    | "extra_authorize_params"
                    | "events"
            )
        )
    ) || (i == 3 && parent.as_deref() == Some("headers"))
}
