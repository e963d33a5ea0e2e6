//! libyaml's event stream, owned and safe: the one place that calls the C-translated API.
//!
//! libyaml is the parser serde_yaml runs, so specs are read by the same grammar with the same
//! syntax errors as before; reading its events here rather than through serde_yaml is what gives
//! every node a position (serde_yaml reports positions only for errors).

use std::ffi::CStr;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use crate::diagnostic::Location;

/// Where an event starts: its line and column, and its byte offset in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub at: Location,
    pub offset: usize,
}

impl Mark {
    fn new(sys: unsafe_libyaml::yaml_mark_t) -> Mark {
        Mark {
            at: Location {
                line: sys.line as usize + 1,
                column: sys.column as usize + 1,
            },
            offset: sys.index as usize,
        }
    }
}

/// How a scalar is written; only the quoted styles matter to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Block,
}

/// One parsing event. Tags are not kept: the spec format gives them no meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(String),
    Scalar {
        value: String,
        style: Style,
        anchor: Option<String>,
    },
    SequenceStart {
        anchor: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
    },
    MappingEnd,
}

impl Event {
    /// The anchor (`&name`) the node this event starts carries.
    pub fn anchor(&self) -> Option<&str> {
        match self {
            Event::Scalar { anchor, .. }
            | Event::SequenceStart { anchor }
            | Event::MappingStart { anchor } => anchor.as_deref(),
            _ => None,
        }
    }
}

/// libyaml's account of text that is not YAML: what is wrong and where, and what it was
/// reading then (e.g. "while parsing a flow mapping") and where that started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub problem: String,
    pub at: Location,
    pub context: Option<(String, Location)>,
}

/// libyaml reading one source text.
pub(crate) struct Parser<'input> {
    /// Boxed because libyaml keeps a pointer to the parser in the parser itself.
    sys: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    input: PhantomData<&'input str>,
}

impl<'input> Parser<'input> {
    pub fn new(input: &'input str) -> Parser<'input> {
        let mut sys = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        // SAFETY: `initialize` fills the zeroed parser (it fails only when out of memory, when
        // its own allocator aborts first); the input outlives the parser, as `'input` ensures.
        unsafe {
            let parser = sys.as_mut_ptr();
            if unsafe_libyaml::yaml_parser_initialize(parser).fail {
                panic!("libyaml could not allocate a parser");
            }
            unsafe_libyaml::yaml_parser_set_input_string(
                parser,
                input.as_ptr(),
                input.len() as u64,
            );
        }
        Parser {
            sys,
            input: PhantomData,
        }
    }

    /// The next event; after an error or [`Event::StreamEnd`], callers stop asking.
    pub fn next(&mut self) -> Result<(Event, Mark), SyntaxError> {
        let parser = self.sys.as_mut_ptr();
        let mut raw = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser was initialized in `new`; on success libyaml fills `raw`, whose
        // strings are copied out before `yaml_event_delete` frees them.
        unsafe {
            if unsafe_libyaml::yaml_parser_parse(parser, raw.as_mut_ptr()).fail {
                return Err(syntax_error(&*parser));
            }
            let mut raw = raw.assume_init();
            let event = event(&raw);
            let mark = Mark::new(raw.start_mark);
            unsafe_libyaml::yaml_event_delete(&mut raw);
            Ok((event, mark))
        }
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: initialized in `new`, deleted once.
        unsafe { unsafe_libyaml::yaml_parser_delete(self.sys.as_mut_ptr()) }
    }
}

/// The owned form of a parsed event.
///
/// # Safety
/// `raw` must be an event libyaml produced and has not yet freed.
unsafe fn event(raw: &unsafe_libyaml::yaml_event_t) -> Event {
    unsafe {
        match raw.type_ {
            unsafe_libyaml::YAML_STREAM_START_EVENT => Event::StreamStart,
            unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            unsafe_libyaml::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            unsafe_libyaml::YAML_ALIAS_EVENT => {
                Event::Alias(text(raw.data.alias.anchor).unwrap_or_default())
            }
            unsafe_libyaml::YAML_SCALAR_EVENT => {
                let scalar = raw.data.scalar;
                let bytes = std::slice::from_raw_parts(scalar.value, scalar.length as usize);
                Event::Scalar {
                    value: String::from_utf8_lossy(bytes).into_owned(),
                    style: match scalar.style {
                        unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE => Style::Plain,
                        unsafe_libyaml::YAML_SINGLE_QUOTED_SCALAR_STYLE => Style::SingleQuoted,
                        unsafe_libyaml::YAML_DOUBLE_QUOTED_SCALAR_STYLE => Style::DoubleQuoted,
                        _ => Style::Block,
                    },
                    anchor: text(scalar.anchor),
                }
            }
            unsafe_libyaml::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                anchor: text(raw.data.sequence_start.anchor),
            },
            unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            unsafe_libyaml::YAML_MAPPING_START_EVENT => Event::MappingStart {
                anchor: text(raw.data.mapping_start.anchor),
            },
            unsafe_libyaml::YAML_MAPPING_END_EVENT => Event::MappingEnd,
            // `YAML_NO_EVENT` comes only after the stream ended.
            _ => Event::StreamEnd,
        }
    }
}

/// A NUL-terminated string libyaml owns, copied; `None` for a null pointer.
///
/// # Safety
/// `ptr` is null or points to a NUL-terminated string.
unsafe fn text(ptr: *const u8) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    let text = unsafe { CStr::from_ptr(ptr.cast()) };
    Some(text.to_string_lossy().into_owned())
}

/// The error a failed parse left in `parser`.
///
/// # Safety
/// `parser` is an initialized parser whose last call failed.
unsafe fn syntax_error(parser: &unsafe_libyaml::yaml_parser_t) -> SyntaxError {
    let problem = unsafe { text(parser.problem.cast()) };
    let context = unsafe { text(parser.context.cast()) };
    SyntaxError {
        problem: problem.unwrap_or_else(|| "libyaml failed without saying why".to_owned()),
        at: Mark::new(parser.problem_mark).at,
        context: context.map(|context| (context, Mark::new(parser.context_mark).at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(source: &str) -> Vec<(Event, (usize, usize))> {
        let mut parser = Parser::new(source);
        let mut events = Vec::new();
        while let Ok((event, mark)) = parser.next() {
            let end = event == Event::StreamEnd;
            events.push((event, (mark.at.line, mark.at.column)));
            if end {
                break;
            }
        }
        events
    }

    #[test]
    fn events_carry_positions_and_byte_offsets() {
        let found = events("a: &x 'é'\nb: *x\n");
        assert_eq!(found[3].1, (1, 1));
        assert_eq!(
            found[4],
            (
                Event::Scalar {
                    value: "é".into(),
                    style: Style::SingleQuoted,
                    anchor: Some("x".into())
                },
                (1, 4)
            )
        );
        assert_eq!(found[6], (Event::Alias("x".into()), (2, 4)));
        let mut parser = Parser::new("é: \"x\"");
        let offsets: Vec<usize> = (0..5)
            .filter_map(|_| parser.next().ok().map(|(_, mark)| mark.offset))
            .collect();
        assert_eq!(offsets[4], "é: ".len());
    }

    #[test]
    fn syntax_errors_name_problem_and_context() {
        let mut parser = Parser::new("a: {b: 1\n");
        let error = loop {
            match parser.next() {
                Ok(_) => continue,
                Err(error) => break error,
            }
        };
        assert_eq!(error.problem, "did not find expected ',' or '}'");
        assert_eq!(error.at, Location { line: 2, column: 1 });
        let context = (
            "while parsing a flow mapping".to_owned(),
            Location { line: 1, column: 4 },
        );
        assert_eq!(error.context, Some(context));
    }
}
