//! Small statistics over timings: medians of repeated runs and latency percentiles.

use std::time::{Duration, Instant};

/// Runs `f` `runs` times and returns the median wall time and the last result.
pub fn median_time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    assert!(runs > 0, "at least one run");
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        times.push(start.elapsed());
        last = Some(value);
    }
    (median(&mut times), last.expect("runs > 0"))
}

/// The median of `values` (sorted in place); the lower middle one for an even count.
pub fn median<T: PartialOrd + Copy>(values: &mut [T]) -> T {
    percentile(values, 50.0)
}

/// The nearest-rank `p`th percentile of `values` (sorted in place; NaN is not a value).
pub fn percentile<T: PartialOrd + Copy>(values: &mut [T], p: f64) -> T {
    assert!(!values.is_empty(), "percentile of nothing");
    values.sort_unstable_by(|a, b| a.partial_cmp(b).expect("values are ordered"));
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

/// `d` in milliseconds, for tables.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut v: Vec<u32> = (1..=100).rev().collect();
        assert_eq!(percentile(&mut v, 50.0), 50);
        assert_eq!(percentile(&mut v, 99.0), 99);
        assert_eq!(percentile(&mut v, 100.0), 100);
        assert_eq!(median(&mut [3, 1, 2]), 2);
        assert_eq!(median(&mut [0.9, 0.8, 1.0, 0.7]), 0.8);
    }
}
