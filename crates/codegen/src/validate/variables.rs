//! Template variables: every `{placeholder}` in a URL or static header must name one, and every
//! one must be used, so a typo on either side is caught. Defaults and static header values are
//! held to what the client accepts at run time, so a spec that passes here never fails there.

use std::collections::HashSet;

use super::names::{self, Case, Names};
use super::prose;
use super::template::{self, Placeholder};
use super::url::{self, UrlKind};
use super::Ctx;
use crate::diagnostic::{closest, NameKind, Problem};
use crate::locate::Path;
use crate::model::{Header, Segment, Template, Variable};
use crate::spec::{self, Map};

/// The declared variables, and which of them templates used so far.
pub(crate) struct Variables<'s> {
    declared: &'s Map<spec::Variable>,
    used: HashSet<String>,
}

/// Stands in for every placeholder when checking a URL's syntax: valid as a host, a port and a
/// path segment alike.
const FILLER: &str = "1";

impl<'s> Variables<'s> {
    pub(crate) fn new(declared: &'s Map<spec::Variable>) -> Variables<'s> {
        Variables {
            declared,
            used: HashSet::new(),
        }
    }

    /// Parses the template at `path`, whose placeholders must be declared variables.
    pub(crate) fn template(&mut self, ctx: &mut Ctx<'_>, path: &Path, text: &str) -> Template {
        match template::parse(text) {
            Ok((template, placeholders)) => {
                for placeholder in placeholders {
                    self.use_variable(ctx, path, placeholder);
                }
                template
            }
            Err(error) => {
                let problem = Problem::BadTemplate {
                    text: text.to_owned(),
                    reason: error.reason,
                };
                ctx.inside_value(path, error.offset, problem);
                literal(text)
            }
        }
    }

    /// Parses the URL template at `path` and checks its syntax with placeholders filled in.
    pub(crate) fn url(
        &mut self,
        ctx: &mut Ctx<'_>,
        path: &Path,
        text: &str,
        kind: UrlKind,
    ) -> Template {
        let template = self.template(ctx, path, text);
        if let Err(reason) = url::check(&template::fill(&template, FILLER), kind) {
            let url = text.to_owned();
            ctx.at_value(path, Problem::InvalidUrl { url, reason });
        }
        template
    }

    /// The static headers under `path`.
    pub(crate) fn headers(
        &mut self,
        ctx: &mut Ctx<'_>,
        path: &Path,
        headers: &Map<String>,
    ) -> Vec<Header> {
        let mut names = Names::new(NameKind::Header);
        headers
            .iter()
            .map(|(name, value)| {
                let at = path.key(name);
                ctx.header_key(&at, name);
                ctx.claim(&mut names, &name.to_ascii_lowercase(), name, &at);
                check_header_value(ctx, &at, value);
                Header {
                    name: name.to_owned(),
                    value: self.template(ctx, &at, value),
                }
            })
            .collect()
    }

    /// The resolved variables under `path`; reports those no template used.
    pub(crate) fn finish(self, ctx: &mut Ctx<'_>, path: &Path, env_prefix: &str) -> Vec<Variable> {
        let mut names = Names::new(NameKind::Variable);
        self.declared
            .iter()
            .map(|(name, variable)| {
                let at = path.key(name);
                let rust_name = names::rust_ident(name, Case::Snake, "var");
                ctx.claim(&mut names, rust_name.as_str(), name, &at);
                if !self.used.contains(name) {
                    let name = name.to_owned();
                    ctx.at_key(&at, Problem::UnusedVariable { name });
                }
                if let Some(default) = &variable.default {
                    check_default(ctx, &at.key("default"), name, default);
                }
                Variable {
                    name: name.to_owned(),
                    rust_name,
                    env_var: format!("{env_prefix}_{}", names::shouty(name, "VAR")),
                    description: prose(&variable.description),
                    default: variable.default.clone(),
                }
            })
            .collect()
    }

    fn use_variable(&mut self, ctx: &mut Ctx<'_>, path: &Path, placeholder: Placeholder) {
        if self.declared.contains_key(&placeholder.name) {
            self.used.insert(placeholder.name);
        } else {
            let suggestion = closest(&placeholder.name, self.declared.keys());
            let problem = Problem::UndeclaredVariable {
                name: placeholder.name,
                suggestion,
            };
            ctx.inside_value(path, placeholder.offset, problem);
        }
    }
}

/// Reports the value at `path` unless every character may appear in an HTTP header value (RFC
/// 9110 §5.5: visible ASCII, spaces and tabs; no line breaks, which would end the header).
fn check_header_value(ctx: &mut Ctx<'_>, path: &Path, value: &str) {
    let bad = value
        .chars()
        .enumerate()
        .find(|(_, c)| !(*c == '\t' || c.is_ascii() && !c.is_ascii_control()));
    if let Some((offset, c)) = bad {
        let reason = match c {
            '\r' | '\n' => "it contains a line break",
            c if c.is_ascii() => "it contains a control character",
            _ => "it contains a non-ASCII character",
        };
        let value = value.to_owned();
        ctx.inside_value(path, offset, Problem::InvalidHeaderValue { value, reason });
    }
}

/// Reports the default at `path` if the client would refuse it as the variable's value: it must
/// be one host, port or path segment, so no `/ ? # @ \`, whitespace or control characters, and
/// not empty (the same rule as `provider_runtime::Variables::set`).
fn check_default(ctx: &mut Ctx<'_>, path: &Path, name: &str, default: &str) {
    let bad = default.chars().enumerate().find(|(_, c)| {
        matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control()
    });
    let (offset, reason) = match bad {
        _ if default.is_empty() => (
            0,
            "it is empty; omit `default` to make the variable required",
        ),
        Some((offset, c)) if c.is_whitespace() || c.is_control() => {
            (offset, "it contains whitespace or a control character")
        }
        Some((offset, _)) => (offset, "it contains `/`, `?`, `#`, `@` or `\\`"),
        None => return,
    };
    let name = name.to_owned();
    ctx.inside_value(path, offset, Problem::InvalidDefault { name, reason });
}

/// The stand-in for a template that did not parse.
pub(crate) fn literal(text: &str) -> Template {
    Template {
        text: text.to_owned(),
        segments: vec![Segment::Literal(text.to_owned())],
    }
}
