//! Checks on the raw text of a spec, before any YAML parser reads it: its size, its nesting
//! depth and its characters.
//!
//! The YAML parser slows down quadratically with nesting depth, and refuses control characters
//! with a byte offset rather than a line and column; a linear pass here refuses such input
//! first, at the line and column of the cause.

use crate::diagnostic::{Finding, Location, Problem};

/// The largest spec accepted: far above any real API description (the seeds are under 20 KiB),
/// small enough that every later stage stays fast.
pub const MAX_BYTES: usize = 4 << 20;

/// The deepest nesting of collections accepted; the spec format itself needs about 7 levels.
pub const MAX_DEPTH: usize = 64;

/// The UTF-8 byte order mark some editors write first; the YAML parser would read it as part of
/// the first key.
const BYTE_ORDER_MARK: char = '\u{feff}';

/// `source` without a leading byte order mark. Diagnostics count columns in this text, as
/// editors do (they do not show the mark).
pub fn without_byte_order_mark(source: &str) -> &str {
    source.strip_prefix(BYTE_ORDER_MARK).unwrap_or(source)
}

/// The first reason `source` cannot be handed to a YAML parser, if any.
pub fn check(source: &str) -> Result<(), Box<Finding>> {
    if source.len() > MAX_BYTES {
        let problem = Problem::SpecTooLarge {
            bytes: source.len(),
            limit: MAX_BYTES,
        };
        return Err(Box::new(Finding::new(None, problem)));
    }
    check_characters(source)?;
    check_depth(source)
}

/// Why `c` may not appear in a spec's text, if it may not: control characters (other than
/// line breaks and tabs) break generated source and TOML, Unicode line and paragraph separators
/// move every later position, and bidirectional-text controls can
/// make code read differently from how it compiles (rustc denies them in comments and
/// literals).
pub fn forbidden(c: char) -> Option<&'static str> {
    const BIDI: &[char] = &[
        '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
        '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ];
    if c.is_control() && c != '\n' && c != '\t' {
        Some("control character")
    } else if matches!(c, '\u{2028}' | '\u{2029}') {
        // YAML 1.1 (libyaml) counts them as line breaks; editors and diagnostics do not.
        Some("Unicode line separator")
    } else if BIDI.contains(&c) {
        Some("bidirectional-text control")
    } else {
        None
    }
}

/// Refuses every forbidden character written directly in the source (comments included), and a
/// carriage return that is not part of a CRLF line ending: YAML would count it as a line
/// break where editors and diagnostics do not.
fn check_characters(source: &str) -> Result<(), Box<Finding>> {
    let mut at = Location { line: 1, column: 1 };
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        let crlf = c == '\r' && chars.peek() == Some(&'\n');
        if let (false, Some(kind)) = (crlf, forbidden(c)) {
            let problem = Problem::ForbiddenCharacter { character: c, kind };
            return Err(Box::new(Finding::new(Some(at), problem)));
        }
        if c == '\n' {
            at = Location {
                line: at.line + 1,
                column: 1,
            };
        } else if !crlf {
            at.column += 1;
        }
    }
    Ok(())
}

/// Refuses collections nested deeper than [`MAX_DEPTH`], at the indicator that opens one too
/// deep.
///
/// The YAML tokenizer cannot do this cheaply: inside `[[[[..` every bracket may still start a
/// key, so they read ahead to the end of the input, paying for every open level at every token.
/// This pass reads each character once and counts what opens a collection: a flow `[` or `{`,
/// a block `- ` or `? ` entry, and a block mapping key at a new indentation. It follows quotes,
/// comments and block scalars, so brackets in text do not count; like any estimate short of a
/// parser it may count a level too many on odd input, far below the limit for any real spec.
fn check_depth(source: &str) -> Result<(), Box<Finding>> {
    let mut depth = Depth::default();
    for (index, line) in source.split('\n').enumerate() {
        depth.line(line, index + 1)?;
    }
    Ok(())
}

/// The state of [`check_depth`] between lines.
#[derive(Default)]
struct Depth {
    /// Columns of the open block collections, innermost last.
    blocks: Vec<usize>,
    /// Open flow collections.
    flow: usize,
    /// The open quote of a quoted scalar that continues on the next line.
    quote: Option<char>,
    /// The indentation of the line that opened a block scalar (`|`, `>`) still running.
    block_scalar: Option<usize>,
}

impl Depth {
    fn line(&mut self, line: &str, number: usize) -> Result<(), Box<Finding>> {
        let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
        let indent = chars.iter().take_while(|c| **c == ' ').count();
        let blank = chars[indent..].iter().all(|c| c.is_whitespace());
        if let Some(opened_at) = self.block_scalar {
            if blank || indent > opened_at {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let block_context = self.quote.is_none() && self.flow == 0;
        if block_context && !blank && chars[indent] != '#' {
            while self.blocks.last().is_some_and(|open| *open > indent) {
                self.blocks.pop();
            }
        }
        let mut token_start = true;
        let mut key_column = indent;
        let mut i = indent;
        while i < chars.len() {
            let c = chars[i];
            let next_blank = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
            let at = Location {
                line: number,
                column: i + 1,
            };
            if let Some(quote) = self.quote {
                let escape = match quote {
                    '"' => c == '\\',
                    _ => c == '\'' && chars.get(i + 1) == Some(&'\''),
                };
                if escape {
                    i += 1;
                } else if c == quote {
                    self.quote = None;
                }
                i += 1;
                continue;
            }
            let after_blank = i == 0 || chars[i - 1].is_whitespace();
            match c {
                ' ' | '\t' => {}
                '#' if after_blank => break,
                '"' | '\'' if token_start => {
                    self.quote = Some(c);
                    key_column = i;
                    token_start = false;
                }
                '[' | '{' if token_start || self.flow > 0 => {
                    self.flow += 1;
                    self.limit(at)?;
                    token_start = true;
                }
                ']' | '}' if self.flow > 0 => {
                    self.flow -= 1;
                    token_start = false;
                }
                ',' if self.flow > 0 => token_start = true,
                '-' | '?' if self.flow == 0 && token_start && next_blank => {
                    self.open_block(i, number)?;
                    key_column = i + 2;
                }
                '|' | '>' if self.flow == 0 && token_start => {
                    self.block_scalar = Some(indent);
                    break;
                }
                ':' if next_blank || self.flow > 0 => {
                    if self.flow == 0 {
                        self.open_block(key_column, number)?;
                    }
                    token_start = true;
                }
                _ => {
                    if token_start {
                        key_column = i;
                    }
                    token_start = false;
                }
            }
            i += 1;
        }
        Ok(())
    }

    /// A block collection whose entries start at (0-based) `column` of line `number`, unless it
    /// is the innermost one already.
    fn open_block(&mut self, column: usize, number: usize) -> Result<(), Box<Finding>> {
        if self.blocks.last().is_none_or(|open| *open < column) {
            self.blocks.push(column);
        }
        self.limit(Location {
            line: number,
            column: column + 1,
        })
    }

    fn limit(&self, at: Location) -> Result<(), Box<Finding>> {
        if self.blocks.len() + self.flow > MAX_DEPTH {
            let problem = Problem::NestedTooDeep { limit: MAX_DEPTH };
            return Err(Box::new(Finding::new(Some(at), problem)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(finding: Result<(), Box<Finding>>) -> Option<(usize, usize)> {
        finding
            .err()
            .and_then(|f| f.location)
            .map(|at| (at.line, at.column))
    }

    #[test]
    fn locates_forbidden_characters() {
        assert_eq!(at(check("a: 1\nb: x\u{1}y\n")), Some((2, 5)));
        assert_eq!(at(check("a: 1\r\nb: \u{202e}\r\n")), Some((2, 4)));
        assert_eq!(at(check("a: 'x\u{2029} '\nb: 1\n")), Some((1, 6)));
        assert_eq!(at(check("a: 1\rb: 2\n")), Some((1, 5)));
        assert_eq!(at(check("a: \"tab\tand crlf\"\r\n")), None);
    }

    #[test]
    fn refuses_deep_nesting_where_it_gets_too_deep() {
        let flow = format!("a: {}", "[".repeat(100));
        assert_eq!(at(check(&flow)), Some((1, 3 + MAX_DEPTH)));
        let shallow = format!("a: {}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(at(check(&shallow)), None);
        let text = format!(
            "a: \"{}\"\nb: |\n  {}\nc: it's [{}\n",
            "[".repeat(99),
            "[".repeat(99),
            "[".repeat(99)
        );
        assert_eq!(at(check(&text)), None);
        let blocks: String = (0..80)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert_eq!(at(check(&blocks)), Some((65, 65)));
    }
}
