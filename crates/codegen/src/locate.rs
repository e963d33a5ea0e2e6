//! Where every key and value of a spec sits in its source text.
//!
//! serde's data model carries no positions, so the validator, which runs after deserialization,
//! looks up the position of what it complains about here, by path (`operations.send_sms.path`).
//! The index is built from the same libyaml events the spec is deserialized from, each handed
//! to a `Scanner` as it is parsed. The same pass finds duplicate keys, which deserializing into
//! maps would otherwise resolve silently, and a second document, and maps the characters of
//! quoted scalars written with escapes or over several lines back to where they were written.

use std::collections::hash_map::{Entry, HashMap};

use crate::diagnostic::Location;
use crate::spec::libyaml::{Event, Mark, Parser, Style};
use crate::spec::source::without_byte_order_mark;

/// The keys and sequence indexes leading from the document root to a node.
///
/// Stored as one string, each segment preceded by a separator character: the index holds a path per
/// node, and one allocation and one hash per path keep large specs linear.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path(String);

/// Starts each segment of a [`Path`]; a control character no spec key contains.
const SEPARATOR: char = '\u{1}';

impl Path {
    pub fn root() -> Path {
        Path::default()
    }

    /// The value under mapping key `key` of this node.
    pub fn key(&self, key: &str) -> Path {
        let mut path = String::with_capacity(self.0.len() + 1 + key.len());
        path.push_str(&self.0);
        path.push(SEPARATOR);
        path.push_str(key);
        Path(path)
    }

    /// Item `index` of this sequence node.
    pub fn index(&self, index: usize) -> Path {
        self.key(&index.to_string())
    }

    /// The key or index this path ends with.
    fn last_segment(&self) -> &str {
        self.0.rsplit(SEPARATOR).next().unwrap_or_default()
    }

    fn parent(&self) -> Option<Path> {
        let last = self.0.rfind(SEPARATOR)?;
        Some(Path(self.0[..last].to_owned()))
    }
}

/// A mapping that holds the same key twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Location,
    pub second: Location,
}

/// The position index of one YAML document. Lookups never fail: a path that is absent (a key
/// left to its default, or text after a syntax error) falls back to its nearest recorded
/// ancestor, and finally to the start of the file.
#[derive(Debug, Default)]
pub struct Locations {
    nodes: HashMap<Path, Node>,
    duplicates: Vec<DuplicateKey>,
    mapped: Vec<MappedScalar>,
    second_document: Option<Location>,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Where the mapping key naming this node is; `None` for the root and sequence items.
    key: Option<Location>,
    /// Where the value starts (for a collection, its first entry).
    value: Location,
    /// Where the characters of a scalar's text are.
    content: Content,
}

/// Where the characters of a scalar's text are written.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// One per column on the value's line, after this many characters (1: the opening quote).
    Inline(usize),
    /// As listed by the [`MappedScalar`] at this index (escapes, or text over several lines).
    Mapped(usize),
    /// Not on the value's line (block scalars, collections).
    Elsewhere,
}

/// A quoted scalar (key or value) whose characters do not sit one per column after its quote,
/// because it holds escapes or spans lines, with the position of each character.
///
/// Every character that reaches a scalar's text only through an escape (`"\u202e"`) is in
/// one of these: a check of the raw source cannot see it, so [`Locations::mapped_scalars`]
/// serves the checks of the decoded text.
#[derive(Debug)]
pub struct MappedScalar {
    /// The text, escapes decoded.
    pub text: String,
    positions: Vec<Location>,
}

impl MappedScalar {
    /// Where character `offset` of the text was written (its escape, for an escaped one).
    pub fn location(&self, offset: usize) -> Option<Location> {
        self.positions.get(offset).copied()
    }
}

const START: Location = Location { line: 1, column: 1 };

/// Stands for a key that is not a scalar (`? [a, b]: x`); the spec format has none.
const COMPLEX_KEY: &str = "\u{0}complex key";

impl Locations {
    /// Indexes the first document of `source` alone, for callers that need positions but not
    /// the spec. Stops quietly at a syntax error: whatever was indexed before it still serves
    /// lookups.
    pub fn scan(source: &str) -> Locations {
        let source = without_byte_order_mark(source);
        let mut scanner = Scanner::new(source);
        let mut parser = Parser::new(source);
        while let Ok((event, mark)) = parser.next() {
            if !scanner.on_event(&event, mark) {
                break;
            }
        }
        scanner.finish()
    }

    /// Where the value at `path` starts.
    pub fn value(&self, path: &Path) -> Location {
        match self.nodes.get(path) {
            Some(node) => node.value,
            None => self.fallback(path),
        }
    }

    /// Where the key naming the value at `path` is (the value itself for sequence items).
    pub fn key(&self, path: &Path) -> Location {
        match self.nodes.get(path) {
            Some(node) => node.key.unwrap_or(node.value),
            None => self.fallback(path),
        }
    }

    /// Where character `offset` of the scalar at `path` is, e.g. a type name inside
    /// `list<Contact>`; the value's start when the text does not sit on one line with it.
    pub fn inside_value(&self, path: &Path, offset: usize) -> Location {
        let Some(node) = self.nodes.get(path) else {
            return self.fallback(path);
        };
        match node.content {
            Content::Inline(before) => Location {
                line: node.value.line,
                column: node.value.column + before + offset,
            },
            Content::Mapped(index) => self.mapped[index].location(offset).unwrap_or(node.value),
            Content::Elsewhere => node.value,
        }
    }

    /// Every repeated key, in source order.
    pub fn duplicates(&self) -> &[DuplicateKey] {
        &self.duplicates
    }

    /// Every quoted scalar whose characters are not one per column after its quote.
    pub fn mapped_scalars(&self) -> &[MappedScalar] {
        &self.mapped
    }

    /// Where a second YAML document starts, if the source has one.
    pub fn second_document(&self) -> Option<Location> {
        self.second_document
    }

    /// The key of the nearest recorded ancestor: a missing key is best shown at its parent's.
    fn fallback(&self, path: &Path) -> Location {
        let mut current = path.parent();
        while let Some(path) = current {
            if let Some(node) = self.nodes.get(&path) {
                return node.key.unwrap_or(node.value);
            }
            current = path.parent();
        }
        START
    }
}

/// Fills [`Locations`] from a document's events, one at a time as they are parsed.
pub(crate) struct Scanner<'a> {
    locations: Locations,
    stack: Vec<Frame>,
    source: &'a str,
    /// Whether the first document has ended.
    ended: bool,
}

/// An open collection.
struct Frame {
    path: Path,
    /// What this collection is to its parent (needed again when it ends).
    slot: Slot,
    kind: FrameKind,
}

enum FrameKind {
    Mapping {
        /// The key whose value comes next, with its position.
        pending: Option<(String, Location)>,
        /// Whether the first key has moved the mapping's position onto itself.
        located: bool,
    },
    Sequence {
        next: usize,
    },
}

/// The role of the node that starts next.
#[derive(Clone)]
enum Slot {
    Key,
    Value { path: Path, key: Option<Location> },
}

impl<'a> Scanner<'a> {
    /// A scanner of `source`, the text (without byte order mark) the events are parsed from.
    pub(crate) fn new(source: &'a str) -> Scanner<'a> {
        Scanner {
            locations: Locations::default(),
            stack: Vec::new(),
            source,
            ended: false,
        }
    }

    /// What is indexed so far.
    pub(crate) fn locations(&self) -> &Locations {
        &self.locations
    }

    pub(crate) fn finish(self) -> Locations {
        self.locations
    }

    /// Handles one event; `false` once there is nothing more to index.
    pub(crate) fn on_event(&mut self, event: &Event, mark: Mark) -> bool {
        let at = mark.at;
        match event {
            Event::Scalar { value, style, .. } => {
                let content = match style {
                    Style::Plain => Content::Inline(0),
                    Style::SingleQuoted => self.quoted(value, mark, false),
                    Style::DoubleQuoted => self.quoted(value, mark, true),
                    Style::Block => Content::Elsewhere,
                };
                self.leaf(Some(value), at, content);
            }
            Event::Alias(_) => self.leaf(None, at, Content::Elsewhere),
            Event::MappingStart { .. } => self.open(
                at,
                FrameKind::Mapping {
                    pending: None,
                    located: false,
                },
            ),
            Event::SequenceStart { .. } => self.open(at, FrameKind::Sequence { next: 0 }),
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = self.stack.pop() {
                    self.finished(&frame.slot, None, at);
                }
            }
            Event::DocumentEnd => self.ended = true,
            Event::DocumentStart if self.ended => {
                self.locations.second_document = Some(at);
                return false;
            }
            Event::StreamEnd => return false,
            Event::StreamStart | Event::DocumentStart => {}
        }
        true
    }

    /// Where the characters of a quoted scalar starting (at its quote) at `mark` are.
    fn quoted(&mut self, text: &str, mark: Mark, double: bool) -> Content {
        let quote = mark.at;
        let after_quote = self.source.get(mark.offset + 1..).unwrap_or("");
        // Most quoted scalars are their text verbatim between the quotes.
        let mut raw = after_quote.chars();
        let quote_char = if double { '"' } else { '\'' };
        if raw.by_ref().take(text.chars().count()).eq(text.chars())
            && raw.next() == Some(quote_char)
        {
            return Content::Inline(1);
        }
        let positions = quoted_positions(after_quote, quote, double);
        let text = text.to_owned();
        self.locations.mapped.push(MappedScalar { text, positions });
        Content::Mapped(self.locations.mapped.len() - 1)
    }

    fn slot(&self) -> Slot {
        let Some(frame) = self.stack.last() else {
            return Slot::Value {
                path: Path::root(),
                key: None,
            };
        };
        match &frame.kind {
            FrameKind::Mapping {
                pending: Some((key, at)),
                ..
            } => Slot::Value {
                path: frame.path.key(key),
                key: Some(*at),
            },
            FrameKind::Mapping { pending: None, .. } => Slot::Key,
            FrameKind::Sequence { next } => Slot::Value {
                path: frame.path.index(*next),
                key: None,
            },
        }
    }

    /// A scalar or alias; `text` is the scalar's text (`None` for aliases).
    fn leaf(&mut self, text: Option<&str>, at: Location, content: Content) {
        let slot = self.slot();
        if let Slot::Value { path, key } = &slot {
            self.record(path.clone(), *key, at, content);
        }
        self.finished(&slot, text, at);
    }

    fn open(&mut self, at: Location, kind: FrameKind) {
        let slot = self.slot();
        let path = match &slot {
            Slot::Value { path, key } => {
                self.record(path.clone(), *key, at, Content::Elsewhere);
                path.clone()
            }
            Slot::Key => self
                .stack
                .last()
                .map_or_else(Path::root, |frame| frame.path.key(COMPLEX_KEY)),
        };
        self.stack.push(Frame { path, slot, kind });
    }

    /// Indexes the node at `path`. A mapping value whose path is indexed already is under a
    /// repeated key: finding duplicates here costs no second map of every mapping's keys.
    fn record(&mut self, path: Path, key: Option<Location>, value: Location, content: Content) {
        let node = Node {
            key,
            value,
            content,
        };
        match self.locations.nodes.entry(path) {
            Entry::Occupied(mut entry) => {
                let name = entry.key().last_segment();
                if let (Some(first), Some(second), false) =
                    (entry.get().key, key, name == COMPLEX_KEY)
                {
                    let key = name.to_owned();
                    let duplicate = DuplicateKey { key, first, second };
                    self.locations.duplicates.push(duplicate);
                }
                entry.insert(node);
            }
            Entry::Vacant(entry) => {
                entry.insert(node);
            }
        }
    }

    /// Advances the enclosing collection past a node that just ended.
    fn finished(&mut self, slot: &Slot, text: Option<&str>, at: Location) {
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        match (&mut frame.kind, slot) {
            (FrameKind::Mapping { pending, located }, Slot::Key) => {
                let key = text.unwrap_or(COMPLEX_KEY).to_owned();
                if !*located {
                    *located = true;
                    if let Some(node) = self.locations.nodes.get_mut(&frame.path) {
                        node.value = at;
                    }
                }
                *pending = Some((key, at));
            }
            (FrameKind::Mapping { pending, .. }, Slot::Value { .. }) => *pending = None,
            (FrameKind::Sequence { next }, _) => *next += 1,
        }
    }
}

/// Where each character of a quoted scalar's text is written, following YAML's rules: an escape
/// (`\u202e`, `''`) is one character at its backslash (or first quote), a line break between
/// text folds into one character, blanks before a break are dropped, and an escaped line break
/// joins lines. `rest` is the source after the opening quote, which is at `quote`.
fn quoted_positions(rest: &str, quote: Location, double: bool) -> Vec<Location> {
    let mut positions = Vec::new();
    let mut at = Location {
        line: quote.line,
        column: quote.column + 1,
    };
    // Blanks since the last text: kept when text follows on the line, dropped before a break.
    let mut blanks = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if double => break,
            '\'' if !double => {
                if chars.next_if_eq(&'\'').is_none() {
                    break;
                }
                positions.append(&mut blanks);
                positions.push(at);
                at.column += 2;
            }
            '\\' if double => match chars.next() {
                Some(c @ ('\n' | '\r')) => {
                    positions.append(&mut blanks);
                    if c == '\r' {
                        chars.next_if_eq(&'\n');
                    }
                    at = next_line(at);
                    skip_blanks(&mut chars, &mut at);
                }
                Some(escape) => {
                    let digits = match escape {
                        'x' => 2,
                        'u' => 4,
                        'U' => 8,
                        _ => 0,
                    };
                    chars.by_ref().take(digits).for_each(drop);
                    positions.append(&mut blanks);
                    positions.push(at);
                    at.column += 2 + digits;
                }
                None => break,
            },
            ' ' | '\t' => {
                blanks.push(at);
                at.column += 1;
            }
            '\n' | '\r' => {
                if c == '\r' {
                    chars.next_if_eq(&'\n');
                }
                blanks.clear();
                // A break folds into a space; a break followed by empty lines into one `\n` each.
                let folded = at;
                let mut empty_lines = 0;
                at = next_line(at);
                skip_blanks(&mut chars, &mut at);
                while let Some(c) = chars.next_if(|c| matches!(c, '\n' | '\r')) {
                    if c == '\r' {
                        chars.next_if_eq(&'\n');
                    }
                    empty_lines += 1;
                    at = next_line(at);
                    skip_blanks(&mut chars, &mut at);
                }
                positions.extend(std::iter::repeat_n(folded, empty_lines.max(1)));
            }
            _ => {
                positions.append(&mut blanks);
                positions.push(at);
                at.column += 1;
            }
        }
    }
    positions.append(&mut blanks);
    positions
}

fn next_line(at: Location) -> Location {
    Location {
        line: at.line + 1,
        column: 1,
    }
}

fn skip_blanks(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, at: &mut Location) {
    while chars.next_if(|c| matches!(c, ' ' | '\t')).is_some() {
        at.column += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
name: x
operations:
  send:
    path: /sms
    scopes: [a, \"b\"]
    body:
      type: list<Contact>
";

    fn at(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn finds_keys_and_values() {
        let locations = Locations::scan(SOURCE);
        let send = Path::root().key("operations").key("send");
        assert_eq!(locations.key(&send), at(3, 3));
        assert_eq!(locations.value(&send), at(4, 5));
        assert_eq!(locations.key(&send.key("path")), at(4, 5));
        assert_eq!(locations.value(&send.key("path")), at(4, 11));
        assert_eq!(locations.value(&send.key("scopes").index(1)), at(5, 17));
        let ty = send.key("body").key("type");
        assert_eq!(locations.inside_value(&ty, 5), at(7, 18));
    }

    #[test]
    fn quoted_scalars_offset_by_their_quote() {
        let locations = Locations::scan("a: \"list<X>\"\n");
        assert_eq!(locations.inside_value(&Path::root().key("a"), 5), at(1, 10));
    }

    #[test]
    fn missing_paths_fall_back_to_nearest_ancestor_key() {
        let locations = Locations::scan(SOURCE);
        let missing = Path::root()
            .key("operations")
            .key("send")
            .key("nope")
            .key("deeper");
        assert_eq!(locations.value(&missing), at(3, 3));
        assert_eq!(Locations::scan("").value(&missing), START);
    }

    #[test]
    fn reports_duplicate_keys() {
        let locations = Locations::scan("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
        let found: Vec<_> = locations
            .duplicates()
            .iter()
            .map(|d| (d.key.as_str(), d.first, d.second))
            .collect();
        assert_eq!(
            found,
            [("c", at(3, 3), at(4, 3)), ("a", at(1, 1), at(5, 1))]
        );
    }

    #[test]
    fn keeps_positions_indexed_before_a_syntax_error() {
        let locations = Locations::scan("a: 1\nb: [\n");
        assert_eq!(locations.value(&Path::root().key("a")), at(1, 4));
    }
}
