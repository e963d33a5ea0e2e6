//! Mutations of the spec's text itself: the input a YAML parser sees when a file is cut short,
//! edited by hand, saved by another editor, or crafted to be slow.

use super::rng::Rng;
use super::structural::truncate;
use super::vocab;

/// Applies one text mutation; returns the new text and what was done.
pub fn mutate(rng: &mut Rng, text: &str) -> (String, String) {
    match rng.weighted(&[3, 4, 3, 2, 2, 1, 2, 2, 2, 1, 1, 1]) {
        0 => cut(rng, text),
        1 => insert(rng, text),
        2 => duplicate_line(rng, text),
        3 => delete_line(rng, text),
        4 => swap_lines(rng, text),
        5 => (format!("\u{feff}{text}"), "BOM prefix".to_owned()),
        6 => tab_indent(rng, text),
        7 => deep_nesting(rng, text),
        8 => line_breaks(rng, text),
        9 => (
            format!("{text}\n---\n{text}"),
            "a second YAML document".to_owned(),
        ),
        10 => alias(rng, text),
        _ => long_value(rng, text),
    }
}

/// A rewrite's name and what it does.
pub type Rewrite = (&'static str, fn(&str) -> String);

/// Rewrites that change nothing a YAML parser reports: the verdict must stay the same.
pub const REWRITES: &[Rewrite] = &[
    ("BOM prefix", |text| format!("\u{feff}{text}")),
    ("CRLF line breaks", |text| text.replace('\n', "\r\n")),
    ("trailing comment", |text| {
        format!("{text}\n# a trailing comment\n")
    }),
    ("explicit document start", |text| format!("---\n{text}")),
    ("explicit document end", |text| {
        format!("{}\n...\n", text.trim_end())
    }),
];

fn char_boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

fn lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

/// Line and column (1-based, in characters) of byte `offset`, for descriptions.
fn position(text: &str, offset: usize) -> String {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
}

fn cut(rng: &mut Rng, text: &str) -> (String, String) {
    let at = *rng.pick(&char_boundaries(text));
    (
        text[..at].to_owned(),
        format!("truncate at {}", position(text, at)),
    )
}

/// YAML punctuation, control characters and hostile fragments.
const INSERTS: &[&str] = &[
    ":", "{", "}", "[", "]", "-", " ", "\t", "\"", "'", "<", ">", "#", "&a ", "*a", "\n", "?", "|",
    ">-", "!", "!!str ", "%", "@", "`", ",", "\0", "\u{1}", "\u{7f}", "\r", "\u{85}", "\u{2028}",
    "\u{feff}", "\u{202e}", "\u{fffd}", "é", "🦀", ": x", "\n- ", "\n  ", "\n\t",
];

fn insert(rng: &mut Rng, text: &str) -> (String, String) {
    let at = *rng.pick(&char_boundaries(text));
    let what = if rng.chance(80) {
        rng.pick(INSERTS).to_string()
    } else {
        vocab::text(rng)
    };
    let out = format!("{}{what}{}", &text[..at], &text[at..]);
    let shown = format!("{:?}", truncate(&what, 20));
    (out, format!("insert {shown} at {}", position(text, at)))
}

fn duplicate_line(rng: &mut Rng, text: &str) -> (String, String) {
    let mut lines = lines(text);
    let i = rng.below(lines.len());
    let line = lines[i];
    let at = if rng.chance(70) {
        i
    } else {
        rng.below(lines.len())
    };
    lines.insert(at, line);
    (
        lines.join("\n"),
        format!("duplicate line {} at line {}", i + 1, at + 1),
    )
}

fn delete_line(rng: &mut Rng, text: &str) -> (String, String) {
    let mut lines = lines(text);
    let i = rng.below(lines.len());
    lines.remove(i);
    (lines.join("\n"), format!("delete line {}", i + 1))
}

fn swap_lines(rng: &mut Rng, text: &str) -> (String, String) {
    let mut lines = lines(text);
    let i = rng.below(lines.len().saturating_sub(1));
    if i + 1 < lines.len() {
        lines.swap(i, i + 1);
    }
    (
        lines.join("\n"),
        format!("swap lines {} and {}", i + 1, i + 2),
    )
}

fn tab_indent(rng: &mut Rng, text: &str) -> (String, String) {
    let mut lines: Vec<String> = lines(text).into_iter().map(str::to_owned).collect();
    let indented: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].starts_with(' '))
        .collect();
    if indented.is_empty() || rng.chance(30) {
        return (
            text.replace("  ", "\t"),
            "every two spaces a tab".to_owned(),
        );
    }
    let i = *rng.pick(&indented);
    lines[i] = format!("\t{}", lines[i].trim_start_matches(' '));
    (
        lines.join("\n"),
        format!("tab indentation on line {}", i + 1),
    )
}

/// Nesting depths: around serde_yaml's recursion limit (128), and far beyond it.
const DEPTHS: &[usize] = &[16, 17, 127, 128, 129, 1_000, 5_000];

/// A depth at which a parser quadratic in flow nesting takes seconds, a linear one
/// milliseconds; rare, since each such case costs seconds while the parser is quadratic.
const BIG_DEPTH: usize = 40_000;

/// Replaces a value with deeply nested flow collections, or appends deep block nesting.
fn deep_nesting(rng: &mut Rng, text: &str) -> (String, String) {
    let depth = if rng.chance(5) {
        BIG_DEPTH
    } else {
        *rng.pick(DEPTHS)
    };
    let (open, close, kind) = match rng.below(4) {
        0 => ("[", "]", "flow lists"),
        1 => ("{a: ", "}", "flow mappings"),
        2 => ("[", "", "unclosed flow lists"),
        _ => ("- ", "", "block lists on one line"),
    };
    let nested = format!("{}x{}", open.repeat(depth), close.repeat(depth));
    let mut lines = lines(text);
    let keyed: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].trim_end().ends_with(':') || lines[*i].contains(": "))
        .collect();
    if keyed.is_empty() {
        return (
            format!("{text}\nx: {nested}"),
            format!("{depth} {kind} at the end"),
        );
    }
    let i = *rng.pick(&keyed);
    let key = lines[i].split(':').next().unwrap_or("");
    let line = format!("{key}: {nested}");
    lines[i] = &line;
    (
        lines.join("\n"),
        format!("value on line {} := {depth} {kind}", i + 1),
    )
}

fn line_breaks(rng: &mut Rng, text: &str) -> (String, String) {
    match rng.below(3) {
        0 => (text.replace('\n', "\r\n"), "CRLF line breaks".to_owned()),
        1 => (text.replace('\n', "\r"), "CR line breaks".to_owned()),
        _ => {
            let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
            if newlines.is_empty() {
                return (format!("{text}\r"), "a trailing CR".to_owned());
            }
            let at = *rng.pick(&newlines);
            let out = format!("{}\r{}", &text[..at], &text[at + 1..]);
            (out, format!("a lone CR at {}", position(text, at)))
        }
    }
}

fn alias(rng: &mut Rng, text: &str) -> (String, String) {
    let mut lines = lines(text);
    let keyed: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].contains(": "))
        .collect();
    if keyed.is_empty() {
        return (format!("{text}\nx: *a"), "an undefined alias".to_owned());
    }
    let i = *rng.pick(&keyed);
    let (key, value) = lines[i].split_once(": ").unwrap_or((lines[i], ""));
    let replaced = match rng.below(3) {
        0 => format!("{key}: *undefined"),
        1 => format!("{key}: &anchor {value}"),
        _ => format!("{key}: !!binary aGVsbG8="),
    };
    lines[i] = &replaced;
    (lines.join("\n"), format!("line {} := {replaced:?}", i + 1))
}

/// A description of 100 KB on one line.
fn long_value(rng: &mut Rng, text: &str) -> (String, String) {
    let unit = *rng.pick(&["x", "é", "🦀", "a b", "\\\\"]);
    let value = unit.repeat(100_000 / unit.len());
    let mut lines = lines(text);
    let described: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].trim_start().starts_with("description: "))
        .collect();
    if described.is_empty() {
        return (
            format!("{text}\ndescription: \"{value}\"\n"),
            format!("a 100 KB `description` of {unit:?} at the end"),
        );
    }
    let i = *rng.pick(&described);
    let indent = &lines[i][..lines[i].len() - lines[i].trim_start().len()];
    let line = format!("{indent}description: \"{value}\"");
    lines[i] = &line;
    (
        lines.join("\n"),
        format!("line {} := a 100 KB description of {unit:?}", i + 1),
    )
}
