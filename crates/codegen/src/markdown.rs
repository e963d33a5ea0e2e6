//! Text from a spec made safe for rustdoc, which reads every doc comment as Markdown.
//!
//! A spec's descriptions are Markdown, but their authors did not write them for rustdoc, whose
//! lints (denied in CI with `-D warnings`) read `[word]` as a broken intra-doc link, `<div>` as
//! an unclosed HTML tag and a bare URL as a link left unmarked. [`prose`] escapes each so it
//! reads as written; [`code`] puts a name or value from a spec into an inline code span that
//! nothing inside it can end. Code blocks are found with [`opening_fence`] and [`closes`],
//! which the doc emitter shares.

/// `text` (Markdown prose from a spec) with everything rustdoc would misread escaped, outside
/// code spans and code blocks: `[` and `]` that are not an inline link `[text](url)` become
/// `\[` `\]`, a `<` that does not open an autolink becomes `&lt;`, and a bare `http(s)://` URL
/// becomes an autolink.
pub(crate) fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        match fence {
            Some(marker) => {
                if closes(line, marker) {
                    fence = None;
                }
                out.push_str(line);
            }
            None => match opening_fence(line) {
                Some((marker, _)) => {
                    fence = Some(marker);
                    out.push_str(line);
                }
                None => escape_line(line, &mut out),
            },
        }
    }
    out
}

/// `value` as an inline code span: fenced with one backtick more than its longest run of
/// backticks, padded when it starts or ends with one (CommonMark §6.1); a space when empty.
pub(crate) fn code(value: &str) -> String {
    if value.is_empty() {
        return "` `".to_owned();
    }
    let longest = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{value}{pad}{fence}")
}

/// The marker (three or more backticks or tildes) and info string of a line opening a fenced
/// code block.
pub(crate) fn opening_fence(line: &str) -> Option<(&str, &str)> {
    if indentation(line) > 3 {
        return None;
    }
    let trimmed = line.trim_start();
    let fence_char = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let length = trimmed.len() - trimmed.trim_start_matches(fence_char).len();
    let (marker, info) = trimmed.split_at(length);
    (length >= 3 && !(fence_char == '`' && info.contains('`'))).then_some((marker, info.trim()))
}

/// Whether `line` closes a block opened with `marker`: the same character, at least as many.
pub(crate) fn closes(line: &str, marker: &str) -> bool {
    let trimmed = line.trim();
    let fence_char = marker.chars().next().unwrap_or('`');
    indentation(line) <= 3
        && trimmed.len() >= marker.len()
        && trimmed.chars().all(|c| c == fence_char)
}

/// Columns of leading whitespace (a tab counts as 4, as Markdown counts it at a line start).
pub(crate) fn indentation(line: &str) -> usize {
    line.chars()
        .map_while(|c| match c {
            ' ' => Some(1),
            '\t' => Some(4),
            _ => None,
        })
        .sum()
}

/// One line of prose outside code blocks, escaped onto `out`.
fn escape_line(line: &str, out: &mut String) {
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let taken = match c {
            // An escape the author wrote stays one, whatever it escapes.
            '\\' => rest.chars().nth(1).map_or(1, |next| 1 + next.len_utf8()),
            '`' => code_span_len(rest).unwrap_or_else(|| backtick_run(rest)),
            '[' => match inline_link_len(rest) {
                Some(len) => len,
                None => {
                    out.push_str("\\[");
                    rest = &rest[1..];
                    continue;
                }
            },
            ']' => {
                out.push_str("\\]");
                rest = &rest[1..];
                continue;
            }
            '<' => match autolink_len(rest) {
                Some(len) => len,
                None => {
                    out.push_str("&lt;");
                    rest = &rest[1..];
                    continue;
                }
            },
            'h' if out.chars().last().is_none_or(|p| !p.is_alphanumeric()) => {
                match bare_url_len(rest) {
                    Some(len) => {
                        out.push('<');
                        out.push_str(&rest[..len]);
                        out.push('>');
                        rest = &rest[len..];
                        continue;
                    }
                    None => 1,
                }
            }
            _ => c.len_utf8(),
        };
        out.push_str(&rest[..taken]);
        rest = &rest[taken..];
    }
}

/// The length of the run of backticks `text` starts with.
fn backtick_run(text: &str) -> usize {
    text.len() - text.trim_start_matches('`').len()
}

/// The length of the code span `text` starts with: a run of backticks up to the next run of
/// the same length on the line.
fn code_span_len(text: &str) -> Option<usize> {
    let run = backtick_run(text);
    let mut at = run;
    while let Some(offset) = text[at..].find('`') {
        let start = at + offset;
        let len = backtick_run(&text[start..]);
        if len == run {
            return Some(start + len);
        }
        at = start + len;
    }
    None
}

/// The length of the inline link `[text](destination)` that `text` starts with, if it is one.
fn inline_link_len(text: &str) -> Option<usize> {
    let close = text.find("](")?;
    let label = &text[1..close];
    if label.contains(['[', ']']) {
        return None;
    }
    let destination = &text[close + 2..];
    let end = destination.find(')')?;
    let target = &destination[..end];
    (!target.is_empty() && !target.contains(char::is_whitespace)).then_some(close + 2 + end + 1)
}

/// The length of the autolink `<scheme://...>` that `text` starts with, if it is one.
fn autolink_len(text: &str) -> Option<usize> {
    let end = text.find('>')?;
    let inside = &text[1..end];
    let is_url = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| inside.starts_with(scheme));
    (is_url && !inside.contains([' ', '<'])).then_some(end + 1)
}

/// The length of the bare `http(s)://` URL `text` starts with, without trailing punctuation.
fn bare_url_len(text: &str) -> Option<usize> {
    let after_scheme = ["https://", "http://"]
        .iter()
        .find_map(|scheme| text.strip_prefix(scheme))?;
    let scheme_len = text.len() - after_scheme.len();
    let body = after_scheme
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(after_scheme.len());
    let url = &after_scheme[..body];
    let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', ']']);
    (!trimmed.is_empty()).then_some(scheme_len + trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(prose("see [word] and [x]"), "see \\[word\\] and \\[x\\]");
        assert_eq!(prose("<div> a < b"), "&lt;div> a &lt; b");
        assert_eq!(
            prose("at https://example.com/a?b=c."),
            "at <https://example.com/a?b=c>."
        );
    }

    #[test]
    fn keeps_links_code_and_escapes() {
        for kept in [
            "[the docs](https://example.com)",
            "<https://example.com>",
            "`[not a link]` and ``a ` b``",
            "\\[already\\] escaped",
            "no https here: shttps://x",
        ] {
            assert_eq!(prose(kept), kept);
        }
        assert_eq!(
            prose("```\n[x] <y> https://z\n```\n[x]"),
            "```\n[x] <y> https://z\n```\n\\[x\\]"
        );
    }

    #[test]
    fn code_spans_hold_any_value() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "` `");
    }
}
