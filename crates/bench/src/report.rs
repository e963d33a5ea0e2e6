//! The closing table: every target with its measured value and PASS or MISS.

use std::fmt::Write;

/// Which way a measurement must lie relative to its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The measurement must be at most the limit.
    AtMost,
    /// The measurement must be at least the limit.
    AtLeast,
}

/// One target: what is measured, its value and the limit it must meet.
#[derive(Debug, Clone)]
pub struct Target {
    /// What the target is about, e.g. `1,000 operations: parse..format`.
    pub name: String,
    /// The measured value.
    pub measured: f64,
    /// The limit.
    pub limit: f64,
    /// Whether `measured` must stay below or above `limit`.
    pub bound: Bound,
    /// Unit shown after both numbers (`ms`, `ns`, `x`, ``).
    pub unit: &'static str,
}

impl Target {
    /// A target `measured <= limit`.
    pub fn at_most(name: impl Into<String>, measured: f64, limit: f64, unit: &'static str) -> Self {
        Target {
            name: name.into(),
            measured,
            limit,
            bound: Bound::AtMost,
            unit,
        }
    }

    /// A target `measured >= limit`.
    pub fn at_least(
        name: impl Into<String>,
        measured: f64,
        limit: f64,
        unit: &'static str,
    ) -> Self {
        Target {
            name: name.into(),
            measured,
            limit,
            bound: Bound::AtLeast,
            unit,
        }
    }

    /// Whether the measurement meets the limit.
    pub fn passed(&self) -> bool {
        match self.bound {
            Bound::AtMost => self.measured <= self.limit,
            Bound::AtLeast => self.measured >= self.limit,
        }
    }
}

/// Formats `targets` as an aligned table.
pub fn table(targets: &[Target]) -> String {
    let width = targets
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(0)
        .max("target".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>14}  {:>14}  result",
        "target", "measured", "limit"
    );
    for t in targets {
        let bound = match t.bound {
            Bound::AtMost => "<=",
            Bound::AtLeast => ">=",
        };
        let measured = format!("{} {}", number(t.measured), t.unit);
        let limit = format!("{bound} {} {}", number(t.limit), t.unit);
        let verdict = if t.passed() { "PASS" } else { "MISS" };
        let _ = writeln!(
            out,
            "{:<width$}  {:>14}  {:>14}  {verdict}",
            t.name,
            measured.trim_end(),
            limit.trim_end()
        );
    }
    out
}

/// A number with precision that suits its size.
fn number(value: f64) -> String {
    match value.abs() {
        v if v >= 100.0 || v == v.trunc() => format!("{value:.0}"),
        v if v >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.3}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_bound() {
        assert!(Target::at_most("a", 1.0, 1.0, "ms").passed());
        assert!(!Target::at_most("a", 1.1, 1.0, "ms").passed());
        assert!(Target::at_least("a", 0.98, 0.97, "x").passed());
        let table = table(&[Target::at_least("ratio", 0.9, 0.97, "x")]);
        assert!(table.contains("MISS"), "{table}");
    }
}
