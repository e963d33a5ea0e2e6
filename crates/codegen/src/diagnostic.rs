//! Diagnostics: what is wrong with a spec and where, rendered like rustc's errors (message,
//! `file:line:column`, the source line with a caret under the spot, a help line), so that terminals
//! and editors link straight to the text to fix.

mod problem;
mod suggest;

use std::fmt;

pub use problem::{NameKind, Problem};
pub(crate) use suggest::closest;

/// A position in a spec: 1-based line and 1-based column, counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// A problem found at a location, before it is tied to a file and its text.
///
/// The parsing and validation stages produce findings; [`Diagnostics::new`] turns them into
/// diagnostics once, so those stages never handle file names or source lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub location: Option<Location>,
    pub problem: Problem,
}

impl Finding {
    pub fn new(location: Option<Location>, problem: Problem) -> Finding {
        Finding { location, problem }
    }
}

/// One problem in one spec file, with everything needed to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// `None` only when the file itself could not be read.
    pub location: Option<Location>,
    pub problem: Problem,
    /// The source line the location points into, shown under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// The one-line description, e.g. "unknown key `pth`".
    pub fn message(&self) -> String {
        shorten_quoted(&self.problem.to_string())
    }

    /// The suggested fix, e.g. "did you mean `path`?".
    pub fn help(&self) -> Option<String> {
        self.problem.help().map(|help| shorten_quoted(&help))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message())?;
        let Some(at) = self.location else {
            write!(f, " --> {}", self.file)?;
            return write_help(f, "", self.help());
        };
        let number = at.line.to_string();
        let gutter = " ".repeat(number.len());
        write!(f, "{gutter}--> {}:{}:{}", self.file, at.line, at.column)?;
        if let Some(line) = &self.source_line {
            let (line, column) = window(line, at.column);
            write!(
                f,
                "\n{gutter} |\n{number} | {line}\n{gutter} | {}",
                caret(&line, column)
            )?;
        }
        write_help(f, &gutter, self.help())
    }
}

/// The most characters of a name quoted in a message; longer ones are cut with an ellipsis, so
/// that a megabyte-long name yields a readable diagnostic, not a megabyte of output.
const MAX_QUOTED: usize = 80;

/// The most characters of a source line shown around the caret.
const MAX_SHOWN: usize = 160;

/// `message` with every `quoted` span longer than [`MAX_QUOTED`] characters cut short.
fn shorten_quoted(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| match part.char_indices().nth(MAX_QUOTED) {
            Some((cut, _)) if i % 2 == 1 => format!("{}…", &part[..cut]),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// At most [`MAX_SHOWN`] characters of `line` around `column`, with `…` where text is left out,
/// and the column of the same character in the shortened line.
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_SHOWN {
        return (line.to_owned(), column);
    }
    let start = column.saturating_sub(MAX_SHOWN / 4).min(chars.len());
    let end = (start + MAX_SHOWN).min(chars.len());
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column - start + usize::from(start > 0))
}

fn write_help(f: &mut fmt::Formatter<'_>, gutter: &str, help: Option<String>) -> fmt::Result {
    match help {
        Some(help) => write!(f, "\n{gutter} = help: {help}"),
        None => Ok(()),
    }
}

/// Spaces (tabs kept, so alignment survives) up to `column`, then `^` under the token there.
fn caret(line: &str, column: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let mut out: String = chars
        .iter()
        .take(start)
        .map(|c| if *c == '\t' { '\t' } else { ' ' })
        .collect();
    let width = token_width(chars.get(start..).unwrap_or(&[]));
    out.push_str(&"^".repeat(width.max(1)));
    out
}

/// Length of the YAML token starting a slice: a quoted string with its quotes, or a plain
/// scalar up to the next separator (`: ` ends a key; `:` inside a URL does not).
fn token_width(rest: &[char]) -> usize {
    match rest.first() {
        Some(quote @ ('"' | '\'')) => rest
            .iter()
            .skip(1)
            .position(|c| c == quote)
            .map_or(rest.len(), |end| end + 2),
        _ => rest
            .iter()
            .enumerate()
            .position(|(i, c)| {
                c.is_whitespace()
                    || matches!(c, ',' | '[' | ']' | '{' | '}' | '<' | '>' | '#')
                    || (*c == ':' && rest.get(i + 1).is_none_or(|next| next.is_whitespace()))
            })
            .unwrap_or(rest.len()),
    }
}

/// All problems found in one spec, sorted by position; `Display` renders them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Ties findings to `file`, attaching the source line each one points into.
    pub fn new(file: &str, source: &str, mut findings: Vec<Finding>) -> Diagnostics {
        findings.sort_by_key(|finding| finding.location);
        let source = crate::spec::source::without_byte_order_mark(source);
        let lines: Vec<&str> = source.lines().collect();
        Diagnostics(
            findings
                .into_iter()
                .map(|finding| Diagnostic {
                    file: file.to_owned(),
                    source_line: finding.location.and_then(|at| source_line(&lines, at.line)),
                    location: finding.location,
                    problem: finding.problem,
                })
                .collect(),
        )
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Line `number` (1-based) of the source; the empty line after the last one, where errors about
/// an unexpected end of file point.
fn source_line(lines: &[&str], number: usize) -> Option<String> {
    let index = number.checked_sub(1)?;
    match lines.get(index) {
        Some(line) => Some((*line).to_owned()),
        None if index == lines.len() => Some(String::new()),
        None => None,
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}\n")?;
        }
        let count = self.0.len();
        let file = self.0.first().map_or("", |d| d.file.as_str());
        write!(
            f,
            "error: {count} problem{} in {file}",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_source_line_with_caret_under_token() {
        let source = "name: x\nops:\n    pth: 1\n";
        let finding = Finding::new(
            Some(Location { line: 3, column: 5 }),
            Problem::UnknownKey {
                key: "pth".into(),
                expected: vec!["path".into()],
                suggestion: Some("path".into()),
            },
        );
        let rendered = Diagnostics::new("x.yaml", source, vec![finding]).to_string();
        assert_eq!(
            rendered,
            "error: unknown key `pth`\n --> x.yaml:3:5\n  |\n3 |     pth: 1\n  |     ^^^\n  = help: did you mean `path`?\n\nerror: 1 problem in x.yaml"
        );
    }

    #[test]
    fn long_names_and_lines_are_cut_short() {
        let long = "x".repeat(10_000);
        let message = shorten_quoted(&format!("undefined type `{long}` and `ok`"));
        assert_eq!(
            message,
            format!("undefined type `{}…` and `ok`", &long[..MAX_QUOTED])
        );
        let line = format!("a: {long}");
        let (shown, column) = window(&line, 5_000);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(column - 1), Some('x'));
        assert_eq!(shown.chars().count(), MAX_SHOWN + 2);
    }

    #[test]
    fn caret_covers_urls_and_quoted_strings() {
        assert_eq!(caret("url: https://a.b/c x", 6), "     ^^^^^^^^^^^^^");
        assert_eq!(caret("k: \"a b\" c", 4), "   ^^^^^");
        assert_eq!(caret("short", 40), "     ^");
    }
}
