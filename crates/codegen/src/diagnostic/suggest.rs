//! "Did you mean ...?": picks the candidate closest to a misspelt name, so that a typo in a key,
//! a type name or a scope costs the reader one glance instead of a trip to the docs.

/// The candidate most likely meant by `input`, if one is close enough to be a plausible typo.
///
/// Names that differ only in case or in `_`/`-` separators (`tokenUrl` for `token_url`) always
/// match; otherwise the Levenshtein distance must be at most a third of the longer name (and at
/// least 1), so that short names do not suggest unrelated ones.
///
/// The work is bounded whatever the input: a name longer than [`MAX_TYPO_LENGTH`] is no typo,
/// and a candidate whose length differs by more than the limit cannot be within it, so the
/// quadratic distance is only computed between short names of similar length.
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let length = input.chars().count();
    if length > MAX_TYPO_LENGTH {
        return None;
    }
    let folded = fold(input);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let candidate_length = candidate.chars().take(2 * MAX_TYPO_LENGTH + 1).count();
        let limit = (length.max(candidate_length) / 3).max(1);
        if candidate == input || candidate_length.abs_diff(length) > limit {
            continue;
        }
        let distance = if fold(candidate) == folded {
            0
        } else {
            edit_distance(input, candidate)
        };
        let better = match best {
            Some((best_distance, _)) => distance < best_distance,
            None => true,
        };
        if distance <= limit && better {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name.to_owned())
}

/// The longest name that may be a misspelling of another (longer ones get no suggestion).
pub const MAX_TYPO_LENGTH: usize = 64;

/// Lower-case without `_` and `-`, so that spelling conventions do not count as typos.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Edit distance between two strings, by characters: insertions, deletions, substitutions and
/// swaps of neighbours (optimal string alignment), since swapped letters are the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between the first i chars of `a` and the first j of `b`.
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_and_other_spellings() {
        let keys = ["path", "method", "token_url", "summary"];
        assert_eq!(closest("pth", keys).as_deref(), Some("path"));
        assert_eq!(closest("tokenUrl", keys).as_deref(), Some("token_url"));
        assert_eq!(closest("sumary", keys).as_deref(), Some("summary"));
        assert_eq!(closest("zzz", keys), None);
    }

    #[test]
    fn long_names_get_no_suggestion() {
        let long = "a".repeat(MAX_TYPO_LENGTH + 1);
        let near = "a".repeat(MAX_TYPO_LENGTH);
        assert_eq!(closest(&long, [near.as_str()]), None);
        assert_eq!(closest(&near[1..], [near.as_str()]), Some(near.clone()));
        assert_eq!(closest("ab", [long.as_str()]), None);
    }

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("POTS", "POST"), 1);
        assert_eq!(closest("hots", ["host"]).as_deref(), Some("host"));
    }
}
