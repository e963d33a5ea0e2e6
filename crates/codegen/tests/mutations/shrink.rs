//! Makes a failing spec small, for as long as it still fails the same way and within a time
//! budget: removes YAML blocks (a line with the more-indented lines under it), then runs of
//! lines, halving the run length down to single lines.

use std::time::{Duration, Instant};

/// The smallest text found within `budget` for which `fails` still holds.
pub fn shrink(text: &str, budget: Duration, fails: &mut dyn FnMut(&str) -> bool) -> String {
    let deadline = Instant::now() + budget;
    let mut lines: Vec<&str> = text.split('\n').collect();
    loop {
        let before = lines.len();
        remove_blocks(&mut lines, deadline, fails);
        remove_runs(&mut lines, deadline, fails);
        if lines.len() == before || Instant::now() > deadline {
            return lines.join("\n");
        }
    }
}

/// Tries removing each line together with the block indented under it.
fn remove_blocks(lines: &mut Vec<&str>, deadline: Instant, fails: &mut dyn FnMut(&str) -> bool) {
    let mut start = 0;
    while start < lines.len() && Instant::now() < deadline {
        let end = block_end(lines, start);
        if !try_remove(lines, start, end, fails) {
            start += 1;
        }
    }
}

/// The line after the block that starts at `start`.
fn block_end(lines: &[&str], start: usize) -> usize {
    let indent = |line: &str| line.len() - line.trim_start_matches([' ', '-']).len();
    let own = indent(lines[start]);
    (start + 1..lines.len())
        .find(|&i| !lines[i].trim().is_empty() && indent(lines[i]) <= own)
        .unwrap_or(lines.len())
}

/// Tries removing runs of lines, from half the text down to single lines.
fn remove_runs(lines: &mut Vec<&str>, deadline: Instant, fails: &mut dyn FnMut(&str) -> bool) {
    let mut run = (lines.len() / 2).max(1);
    loop {
        let mut start = 0;
        while start < lines.len() {
            if Instant::now() > deadline {
                return;
            }
            let end = (start + run).min(lines.len());
            if !try_remove(lines, start, end, fails) {
                start += run;
            }
        }
        if run == 1 {
            return;
        }
        run /= 2;
    }
}

/// Removes `lines[start..end]` if the rest still fails; says whether it did.
fn try_remove(
    lines: &mut Vec<&str>,
    start: usize,
    end: usize,
    fails: &mut dyn FnMut(&str) -> bool,
) -> bool {
    let candidate: Vec<&str> = [&lines[..start], &lines[end..]].concat();
    let removed = !candidate.is_empty() && fails(&candidate.join("\n"));
    if removed {
        *lines = candidate;
    }
    removed
}
