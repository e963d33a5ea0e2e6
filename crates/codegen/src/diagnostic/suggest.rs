//! "Did you mean ...?": picks the candidate closest to a misspelt name, so that a typo in a key,
//! a type name or a scope costs the reader one glance instead of a trip to the docs.

/// The candidate most likely meant by `input`, if one is close enough to be a plausible typo.
///
/// Names that differ only in case or in `_`/`-` separators (`tokenUrl` for `token_url`) always
/// match; otherwise the Levenshtein distance must be at most a third of the longer name (and at
/// least 1), so that short names do not suggest unrelated ones.
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let folded = fold(input);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == input {
            continue;
        }
        let distance = if fold(candidate) == folded {
            0
        } else {
            levenshtein(input, candidate)
        };
        let limit = (input.chars().count().max(candidate.chars().count()) / 3).max(1);
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

/// Lower-case without `_` and `-`, so that spelling conventions do not count as typos.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Edit distance (insertions, deletions, substitutions) between two strings, by characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
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
    fn distance_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
    }
}
