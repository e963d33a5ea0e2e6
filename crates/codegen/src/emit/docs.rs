//! Doc attributes from spec text: Markdown that rustdoc reads as the spec meant it, and never
//! as a doctest. (Identifiers come from [`RustName::to_ident`](crate::model::RustName::to_ident).)

use proc_macro2::TokenStream;
use quote::quote;

use crate::markdown::{closes, indentation, opening_fence};

/// `#[doc = ".."]` attributes, one per line, so prettyplease prints them as `///` comments.
/// Each line is a string literal (quote escapes it); [`doc_lines`] keeps spec text from
/// becoming doctests or breaking lines.
pub(crate) fn docs(text: &str) -> TokenStream {
    let lines = doc_lines(text.trim()).into_iter().map(|line| {
        let line = format!(" {line}");
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Docs made of paragraphs, skipping empty ones; a code block left open in one paragraph is
/// closed there, so it cannot swallow the next.
pub(crate) fn doc_paragraphs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let text = paragraphs
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| doc_lines(p).join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n");
    docs(&text)
}

/// The lines of Markdown `text` as rustdoc should read them. Every line break (a lone `\r`
/// too) ends a line, tabs become four spaces (as Markdown reads them; clippy denies tabs in
/// docs), and every code block is marked `text`, unless its info string names
/// another language: rustdoc would compile and run an untagged or `rust` block from a spec's
/// description as a doctest. Indented code blocks get a `text` fence for the same reason, and
/// a fence left open is closed.
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    // The marker that closes the open fenced block (e.g. "```"), or "" for an indented block.
    let mut open: Option<String> = None;
    let mut after_blank = true;
    for line in text.replace("\r\n", "\n").split(['\n', '\r']) {
        let line = &line.trim_end().replace('\t', "    ");
        match &open {
            Some(marker) if !marker.is_empty() => {
                if closes(line, marker) {
                    open = None;
                }
                lines.push(line.to_owned());
            }
            Some(_) if line.is_empty() || indentation(line) >= 4 => lines.push(line.to_owned()),
            _ => {
                if open.take().is_some() {
                    lines.push("```".to_owned());
                }
                if let Some((marker, info)) = opening_fence(line) {
                    let info = if names_another_language(info) {
                        info
                    } else {
                        "text"
                    };
                    let indent = &line[..line.len() - line.trim_start().len()];
                    lines.push(format!("{indent}{marker}{info}"));
                    open = Some(marker.to_owned());
                } else if after_blank && indentation(line) >= 4 {
                    lines.push("```text".to_owned());
                    lines.push(line.to_owned());
                    open = Some(String::new());
                } else {
                    lines.push(line.to_owned());
                }
            }
        }
        after_blank = line.is_empty();
    }
    match open {
        Some(marker) if marker.is_empty() => lines.push("```".to_owned()),
        Some(marker) => lines.push(marker),
        None => {}
    }
    lines
}

/// Whether a fence's info string names a language other than Rust, so rustdoc will not test
/// the block: one word that is neither `rust` nor one of rustdoc's doctest attributes.
fn names_another_language(info: &str) -> bool {
    const DOCTEST_WORDS: &[&str] = &[
        "rust",
        "ignore",
        "no_run",
        "should_panic",
        "compile_fail",
        "test_harness",
        "standalone_crate",
        "edition2015",
        "edition2018",
        "edition2021",
        "edition2024",
    ];
    !info.is_empty()
        && info
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
        && !DOCTEST_WORDS.contains(&info.to_ascii_lowercase().as_str())
        && !info.starts_with("ignore-")
        && !info.starts_with("edition")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_from_specs_are_never_doctests() {
        let text = "See:\n```\nnot rust\n```\n~~~rust,no_run\nx\n~~~\n```json\n{}\n```";
        assert_eq!(
            doc_lines(text),
            ["See:", "```text", "not rust", "```", "~~~text", "x", "~~~", "```json", "{}", "```"]
        );
        let indented = "Para\n\n    fn x(\n\n    y\nback";
        assert_eq!(
            doc_lines(indented),
            [
                "Para",
                "",
                "```text",
                "    fn x(",
                "",
                "    y",
                "```",
                "back"
            ]
        );
        assert_eq!(doc_lines("```\nopen"), ["```text", "open", "```"]);
    }

    #[test]
    fn every_line_break_ends_a_line() {
        assert_eq!(doc_lines("a\rb\r\nc\n"), ["a", "b", "c", ""]);
        assert_eq!(doc_lines("x\ty"), ["x    y"]);
    }
}
