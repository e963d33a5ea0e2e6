//! `{placeholder}` templates (URLs with variables, paths with parameters), split into literal
//! text and placeholders once, here, so that later stages never parse them again.

use crate::model::{Segment, Template};

/// A placeholder and where its name starts in the template (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placeholder {
    pub name: String,
    pub offset: usize,
}

/// Why a template does not parse, and at which character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError {
    pub offset: usize,
    pub reason: &'static str,
}

/// Splits `text` into a [`Template`] and its placeholders, in order.
pub(crate) fn parse(text: &str) -> Result<(Template, Vec<Placeholder>), TemplateError> {
    let mut segments = Vec::new();
    let mut placeholders = Vec::new();
    let mut literal = String::new();
    // The open placeholder: where its name starts, and the name so far.
    let mut open: Option<(usize, String)> = None;
    for (offset, c) in text.chars().enumerate() {
        match (&mut open, c) {
            (None, '{') => {
                if !literal.is_empty() {
                    segments.push(Segment::Literal(std::mem::take(&mut literal)));
                }
                open = Some((offset + 1, String::new()));
            }
            (None, '}') => {
                return Err(TemplateError {
                    offset,
                    reason: "`}` without `{`",
                })
            }
            (None, c) => literal.push(c),
            (Some(_), '{') => {
                return Err(TemplateError {
                    offset,
                    reason: "`{` inside a placeholder",
                })
            }
            (Some((start, name)), '}') => {
                if name.is_empty() {
                    return Err(TemplateError {
                        offset,
                        reason: "empty placeholder `{}`",
                    });
                }
                segments.push(Segment::Placeholder(name.clone()));
                placeholders.push(Placeholder {
                    name: std::mem::take(name),
                    offset: *start,
                });
                open = None;
            }
            (Some((start, _)), c) if c.is_whitespace() => {
                return Err(TemplateError {
                    offset: *start,
                    reason: "placeholder names cannot contain spaces",
                })
            }
            (Some((_, name)), c) => name.push(c),
        }
    }
    if let Some((start, _)) = open {
        return Err(TemplateError {
            offset: start.saturating_sub(1),
            reason: "`{` is never closed",
        });
    }
    if !literal.is_empty() {
        segments.push(Segment::Literal(literal));
    }
    let template = Template {
        text: text.to_owned(),
        segments,
    };
    Ok((template, placeholders))
}

/// The template's text with every placeholder replaced by `filler`, e.g. to check a URL's
/// syntax without knowing the variables' values.
pub(crate) fn fill(template: &Template, filler: &str) -> String {
    template
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => text.as_str(),
            Segment::Placeholder(_) => filler,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_placeholders() {
        let parsed = parse("https://{host}/v1/{id}");
        let Ok((template, placeholders)) = parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(
            template.segments,
            [
                Segment::Literal("https://".into()),
                Segment::Placeholder("host".into()),
                Segment::Literal("/v1/".into()),
                Segment::Placeholder("id".into()),
            ]
        );
        assert_eq!(
            placeholders[1],
            Placeholder {
                name: "id".into(),
                offset: 19
            }
        );
        assert_eq!(fill(&template, "x"), "https://x/v1/x");
    }

    #[test]
    fn rejects_malformed_braces() {
        let reason = |text: &str| parse(text).err().map(|e| (e.offset, e.reason));
        assert_eq!(reason("/a/{id"), Some((3, "`{` is never closed")));
        assert_eq!(reason("/a}"), Some((2, "`}` without `{`")));
        assert_eq!(reason("/{}"), Some((2, "empty placeholder `{}`")));
        assert_eq!(reason("/{a{b}}"), Some((3, "`{` inside a placeholder")));
    }
}
