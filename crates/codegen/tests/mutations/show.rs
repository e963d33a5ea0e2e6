//! Spec text made safe to print: long lines cut, control and bidi characters escaped so that
//! they neither break nor reorder the terminal.

/// The first `max_lines` lines of a spec, each cut to 160 characters, control and bidi
/// characters escaped so they neither break nor reorder the terminal.
pub fn excerpt(text: &str, max_lines: usize) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: String = lines
        .iter()
        .take(max_lines)
        .map(|line| format!("      | {}\n", printable(line, 160)))
        .collect();
    if lines.len() > max_lines {
        out.push_str(&format!(
            "      | ... ({} more lines)\n",
            lines.len() - max_lines
        ));
    }
    out
}

pub fn printable(text: &str, max_chars: usize) -> String {
    let count = text.chars().count();
    let mut out: String = text
        .chars()
        .take(max_chars)
        .map(|c| {
            let invisible = c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{61c}');
            if invisible && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if count > max_chars {
        out.push_str(&format!("… ({count} chars)"));
    }
    out
}
