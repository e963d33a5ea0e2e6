//! The events the deserializer reads: libyaml's, each handed to the position index as it is
//! parsed, with every alias replaced by the events of the node its anchor names.
//!
//! This is the one pass over the text: deserializing pulls events from here, and what the
//! [`Scanner`] indexed on the way is what the validator later looks positions up in.

use std::collections::HashMap;
use std::rc::Rc;

use super::errors::Error;
use super::libyaml::{Event, Parser, Style};
use crate::diagnostic::{Location, Problem};
use crate::locate::{Locations, Scanner};
use crate::spec::source::MAX_DEPTH;

/// An event and where it starts.
#[derive(Debug, Clone)]
pub(super) struct Marked {
    pub event: Event,
    pub at: Location,
}

/// How many events aliases may replay, per event of the text: enough for any reuse a spec
/// makes of an anchor, far too few for a "billion laughs" of nested aliases.
const REPLAYS_PER_EVENT: usize = 100;

pub(super) struct Reader<'a> {
    parser: Parser<'a>,
    scanner: Scanner<'a>,
    /// Whether the parser has nothing more to give (the stream or the first document ended).
    done: bool,
    peeked: Option<Marked>,
    /// The events of every anchored node parsed so far.
    anchors: HashMap<String, Rc<[Marked]>>,
    /// Anchored nodes still being parsed: name, events so far, open collections among them.
    recording: Vec<(String, Vec<Marked>, usize)>,
    /// Aliases being replayed, innermost last: the events, and the next one's index.
    replaying: Vec<(Rc<[Marked]>, usize)>,
    parsed: usize,
    replayed: usize,
    /// Collections open around the next event, replayed ones included.
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `source` (without byte order mark), past the start of its first document.
    pub fn new(source: &'a str) -> Reader<'a> {
        Reader {
            parser: Parser::new(source),
            scanner: Scanner::new(source),
            done: false,
            peeked: None,
            anchors: HashMap::new(),
            recording: Vec::new(),
            replaying: Vec::new(),
            parsed: 0,
            replayed: 0,
            depth: 0,
        }
    }

    /// The next event of the document's content, without taking it.
    pub fn peek(&mut self) -> Result<&Marked, Error> {
        let marked = match self.peeked.take() {
            Some(marked) => marked,
            None => self.read()?,
        };
        Ok(self.peeked.insert(marked))
    }

    /// The next event of the document's content.
    pub fn next(&mut self) -> Result<Marked, Error> {
        match self.peeked.take() {
            Some(marked) => Ok(marked),
            None => self.read(),
        }
    }

    /// Reads the rest of the text into the index, and returns it; or the syntax error or second
    /// document found on the way.
    pub fn finish(mut self) -> Result<Locations, Error> {
        while !self.done {
            self.parse()?;
        }
        let locations = self.scanner.finish();
        match locations.second_document() {
            Some(at) => Err(Error::at(Problem::SecondDocument, at)),
            None => Ok(locations),
        }
    }

    /// The index so far, with every duplicate key in the text: after a duplicate key stopped
    /// deserializing, the rest of the text is read for the others (up to a syntax error).
    pub fn duplicates(mut self) -> Locations {
        while !self.done && self.parse().is_ok() {}
        self.scanner.finish()
    }

    /// The next content event, aliases resolved and the document's own frame skipped.
    fn read(&mut self) -> Result<Marked, Error> {
        let marked = loop {
            if let Some(marked) = self.replay() {
                break marked?;
            }
            let marked = self.parse_unique()?;
            match marked.event {
                Event::StreamStart | Event::DocumentStart => continue,
                // An empty document (or none) is an empty plain scalar, as serde_yaml reads it.
                Event::DocumentEnd | Event::StreamEnd => {
                    break Marked {
                        event: Event::Scalar {
                            value: String::new(),
                            style: Style::Plain,
                            anchor: None,
                        },
                        at: marked.at,
                    }
                }
                Event::Alias(name) => self.start_replay(&name, marked.at)?,
                _ => break marked,
            }
        };
        self.nest(&marked)?;
        Ok(marked)
    }

    /// The next replayed event, if an alias is being replayed.
    fn replay(&mut self) -> Option<Result<Marked, Error>> {
        loop {
            let (events, next) = self.replaying.last_mut()?;
            let Some(marked) = events.get(*next).cloned() else {
                self.replaying.pop();
                continue;
            };
            *next += 1;
            self.replayed += 1;
            if self.replayed > REPLAYS_PER_EVENT * self.parsed.max(1) {
                let detail = "aliases repeat too much of the text (repetition limit exceeded)";
                let problem = Problem::Yaml {
                    detail: detail.to_owned(),
                };
                return Some(Err(Error::at(problem, marked.at)));
            }
            if let Event::Alias(name) = &marked.event {
                if let Err(error) = self.start_replay(name, marked.at) {
                    return Some(Err(error));
                }
                continue;
            }
            return Some(Ok(marked));
        }
    }

    fn start_replay(&mut self, name: &str, at: Location) -> Result<(), Error> {
        match self.anchors.get(name) {
            Some(events) => {
                self.replaying.push((Rc::clone(events), 0));
                Ok(())
            }
            None => {
                let detail = format!("unknown anchor `{name}`: an alias must follow its `&{name}`");
                Err(Error::at(Problem::Yaml { detail }, at))
            }
        }
    }

    /// Keeps count of open collections, refusing what aliases nest too deep.
    fn nest(&mut self, marked: &Marked) -> Result<(), Error> {
        match marked.event {
            Event::SequenceStart { .. } | Event::MappingStart { .. } => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    let problem = Problem::NestedTooDeep { limit: MAX_DEPTH };
                    return Err(Error::at(problem, marked.at));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => self.depth -= 1,
            _ => {}
        }
        Ok(())
    }

    /// The next event from libyaml, indexed and recorded for the anchors open around it.
    fn parse(&mut self) -> Result<Marked, Error> {
        let (event, mark) = self.parser.next().map_err(|error| {
            self.done = true;
            Error::syntax(error)
        })?;
        self.parsed += 1;
        self.done = !self.scanner.on_event(&event, mark);
        let marked = Marked { event, at: mark.at };
        self.record(&marked);
        Ok(marked)
    }

    /// [`Self::parse`], refusing a key that the index found repeated.
    fn parse_unique(&mut self) -> Result<Marked, Error> {
        let before = self.scanner.locations().duplicates().len();
        let marked = self.parse()?;
        match self.scanner.locations().duplicates().get(before) {
            Some(duplicate) => {
                let problem = Problem::DuplicateKey {
                    key: duplicate.key.clone(),
                    first: Some(duplicate.first),
                };
                Err(Error::at(problem, duplicate.second))
            }
            None => Ok(marked),
        }
    }

    /// Adds `marked` to every anchored node it is part of, and stores the nodes it completes.
    fn record(&mut self, marked: &Marked) {
        if let Some(name) = marked.event.anchor() {
            self.recording.push((name.to_owned(), Vec::new(), 0));
        }
        for (_, events, open) in &mut self.recording {
            events.push(marked.clone());
            match marked.event {
                Event::SequenceStart { .. } | Event::MappingStart { .. } => *open += 1,
                Event::SequenceEnd | Event::MappingEnd => *open -= 1,
                _ => {}
            }
        }
        while let Some((_, _, 0)) = self.recording.last() {
            if let Some((name, events, _)) = self.recording.pop() {
                self.anchors.insert(name, events.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The content events of `source` as the deserializer sees them, or the first error.
    fn content(source: &str) -> Result<Vec<Event>, Problem> {
        let mut reader = Reader::new(source);
        let mut events = Vec::new();
        let mut open = 0usize;
        loop {
            let marked = reader.next().map_err(|e| e.problem().clone())?;
            match marked.event {
                Event::SequenceStart { .. } | Event::MappingStart { .. } => open += 1,
                Event::SequenceEnd | Event::MappingEnd => open -= 1,
                _ => {}
            }
            events.push(marked.event);
            if open == 0 {
                return Ok(events);
            }
        }
    }

    fn scalar(value: &str) -> Event {
        Event::Scalar {
            value: value.into(),
            style: Style::Plain,
            anchor: None,
        }
    }

    #[test]
    fn aliases_replay_their_anchored_node() {
        let events = content("a: &x [1]\nb: *x\n").unwrap_or_default();
        assert_eq!(events.len(), 10);
        assert_eq!(events[5], scalar("b"));
        assert_eq!(events[6..9], events[2..5]);
    }

    #[test]
    fn refuses_unknown_anchors_and_runaway_aliases() {
        let unknown = content("a: *nope\n");
        assert!(matches!(unknown, Err(Problem::Yaml { detail }) if detail.contains("`nope`")));
        let mut laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for (name, previous) in ["b", "c", "d", "e", "f"]
            .iter()
            .zip(["a", "b", "c", "d", "e"])
        {
            let item = format!("*{previous}, ");
            laughs += &format!("{name}: &{name} [{}]\n", item.repeat(10));
        }
        let runaway = content(&laughs);
        assert!(matches!(runaway, Err(Problem::Yaml { detail }) if detail.contains("repetition")));
    }

    #[test]
    fn a_duplicate_key_stops_reading_where_it_is() {
        let found = content("a: 1\nb: 2\na: 3\n");
        let first = Location { line: 1, column: 1 };
        assert_eq!(
            found,
            Err(Problem::DuplicateKey {
                key: "a".into(),
                first: Some(first)
            })
        );
    }
}
