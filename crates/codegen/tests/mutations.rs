//! Mutation test of the generator's contract: **a spec is either refused with located
//! diagnostics, or it yields a crate; never a panic, never slow.**
//!
//! Thousands of specs are derived from the five seeds in `specs/` with a fixed PRNG seed (the
//! same specs on every machine): structural mutations of the YAML tree (keys deleted,
//! duplicated, renamed, moved; values swapped and retyped; collections emptied), type swaps in
//! type expressions, reserved and colliding names (Rust keywords, prelude names, names the
//! generated crate uses itself, look-alikes, digits first, empty, punctuation, very long), hostile
//! text (control and bidi characters, comment and string terminators, 10 KB strings), numbers
//! at the edges, and raw-text damage (truncation, inserted bytes, duplicated lines, BOM, tabs,
//! CR line breaks, deep nesting, aliases, second documents). For every spec:
//!
//! - `codegen::parse_str` returns `Ok(model)`, and then `codegen::render::render_crate` returns
//!   `Ok` (an `EmitError`, "generated code does not parse", is a failure; see
//!   [`RENDER_CRATE_EVERY`]); or it returns `Err(diagnostics)`: at least one, each with a
//!   line:column inside the text, showing that line, rendered as ` --> mutant.yaml:LINE:COL`;
//! - nothing panics (each stage runs under `catch_unwind`);
//! - the whole pipeline takes at most [`TIME_BOUND`] per spec;
//! - a rewrite that changes nothing YAML means (a BOM, CRLF line breaks, a trailing comment,
//!   explicit document markers) does not change the verdict.
//!
//! Failures are grouped by class (panic site, emitter error, unlocated diagnostic, slow, ...);
//! the first case of each class is shrunk line by line and printed with its mutations, so the
//! output is a bug report.
//!
//! Run deeper, or replay one case (printed in full):
//!
//! ```sh
//! MUTATIONS=50000 cargo test -p codegen --release --test mutations
//! MUTATION_CASE=1234 cargo test -p codegen --test mutations -- --nocapture
//! ```

#[path = "mutations/mod.rs"]
mod support;

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

use codegen::diagnostic::Diagnostics;
use codegen::model::Provider;
use support::panics::{catch, panic_location, payload_message, with_quiet_panics};
use support::rng::Rng;
use support::show::{excerpt, printable};
use support::{shrink, structural, text};

const SEEDS: [&str; 5] = ["itctxt", "text", "sms_cx", "intandem", "cloudcx"];

/// Cases in a default run; set `MUTATIONS` for more. On the 2-core development machine, shared
/// with other builds (load average 4 to 5), 2,000 cases took 26 s in the debug profile (mean
/// 18 ms a case) once the generator refused deep nesting quickly, 28 to 53 s while a parser
/// quadratic in flow nesting spent 7 to 14 s on one 40,000-deep case.
const DEFAULT_CASES: usize = 2_000;

/// `render_crate` is `format_crate` (the one step that can fail: the emitted tokens must parse)
/// plus `rustfmt` in a subprocess and `Cargo.toml`. The subprocess costs more than everything
/// else in a case, so one case in this many calls `render_crate`, the others `format_crate`.
const RENDER_CRATE_EVERY: usize = 8;

/// The PRNG seed: change it and every case changes.
const SEED: u64 = 0x5eed_c0de_9e37_0001;

/// Longest a spec may take through parse, validate and render (debug profile).
const TIME_BOUND: Duration = Duration::from_secs(2);

/// A case still running after this is reported as a hang and left behind.
const HANG_LIMIT: Duration = Duration::from_secs(30);

/// The file name diagnostics are rendered with.
const FILE: &str = "mutant.yaml";

/// Time spent shrinking the first case of each failure class, and how many classes.
const SHRINK_BUDGET: Duration = Duration::from_secs(3);
const SHRINK_CLASSES: usize = 16;

/// Below this share of specs accepted, the mutations are too destructive to test emission.
const MIN_ACCEPTED_PERCENT: usize = 15;

#[test]
fn mutated_specs_are_refused_with_a_location_or_generated() {
    if let Some(index) = env_number("MUTATION_CASE") {
        replay(index);
        return;
    }
    let cases = env_number("MUTATIONS").unwrap_or(DEFAULT_CASES);
    let started = Instant::now();
    let report = with_quiet_panics(|| run_all(cases));
    println!(
        "{cases} cases in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        report.summary()
    );
    if !report.failures.is_empty() {
        let detail = with_quiet_panics(|| report.describe());
        println!("{detail}");
        panic!(
            "{} of {cases} mutated specs broke the contract ({} classes); the report is above",
            report.failed_cases,
            report.failures.len()
        );
    }
    assert!(
        report.accepted * 100 >= cases * MIN_ACCEPTED_PERCENT,
        "only {} of {cases} mutated specs were accepted: the mutations no longer reach the emitter",
        report.accepted
    );
}

fn env_number(name: &str) -> Option<usize> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value} is not a number")),
    )
}

// ---------------------------------------------------------------------------------------------
// Cases

/// The seeds, loaded once (cases are checked on detached threads, which need them `'static`).
fn seeds() -> &'static [Seed] {
    static SEEDS_LOADED: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS_LOADED.get_or_init(Seed::load_all)
}

/// A seed spec: its text and its parsed tree.
struct Seed {
    name: &'static str,
    text: String,
    tree: serde_yaml::Value,
}

impl Seed {
    fn load_all() -> Vec<Seed> {
        SEEDS
            .iter()
            .map(|name| {
                let path = format!("{}/../../specs/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                let tree = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
                Seed { name, text, tree }
            })
            .collect()
    }
}

/// One mutated spec.
struct Case {
    index: usize,
    seed: &'static str,
    /// Each mutation's general kind (for counting) and exact description (for reproducing).
    steps: Vec<(String, String)>,
    text: String,
    /// For an equivalent rewrite: which one (in [`text::REWRITES`]) and the text it rewrote,
    /// whose verdict it must keep.
    rewrite_of: Option<(usize, String)>,
}

impl Case {
    /// Case `index`: the same spec on every machine, whatever the number of cases.
    fn generate(seeds: &[Seed], index: usize) -> Case {
        let mut rng = Rng::for_case(SEED, index);
        let seed = rng.pick(seeds);
        let mut steps = Vec::new();
        let mut rewrite_of = None;
        let text = match rng.weighted(&[80, 12, 8]) {
            0 => {
                let mut text = mutate_tree(&mut rng, seed, &mut steps);
                if rng.chance(10) {
                    text = mutate_text(&mut rng, &text, &mut steps);
                }
                text
            }
            1 => {
                let text = mutate_text(&mut rng, &seed.text, &mut steps);
                if rng.chance(25) {
                    mutate_text(&mut rng, &text, &mut steps)
                } else {
                    text
                }
            }
            _ => {
                let base = if rng.chance(50) {
                    seed.text.clone()
                } else {
                    mutate_tree(&mut rng, seed, &mut steps)
                };
                let rewrite = rng.below(text::REWRITES.len());
                let (description, apply) = text::REWRITES[rewrite];
                steps.push((format!("rewrite: {description}"), description.to_owned()));
                let rewritten = apply(&base);
                rewrite_of = Some((rewrite, base));
                rewritten
            }
        };
        Case {
            index,
            seed: seed.name,
            steps,
            text,
            rewrite_of,
        }
    }

    /// Whether this case is rendered with `render_crate` rather than `format_crate`.
    fn whole_render(&self) -> bool {
        self.index.is_multiple_of(RENDER_CRATE_EVERY)
    }

    /// The kinds of its mutations.
    fn kinds(&self) -> Vec<String> {
        self.steps.iter().map(|(kind, _)| kind.clone()).collect()
    }
}

/// One to three tree mutations of the seed, serialized back to YAML.
fn mutate_tree(rng: &mut Rng, seed: &Seed, steps: &mut Vec<(String, String)>) -> String {
    let mut tree = seed.tree.clone();
    for _ in 0..1 + rng.weighted(&[6, 3, 1]) {
        let applied = structural::mutate(rng, &mut tree);
        steps.push((applied.kind, applied.description));
    }
    serde_yaml::to_string(&tree).unwrap_or_else(|e| panic!("cannot serialize a mutant: {e}"))
}

fn mutate_text(rng: &mut Rng, text: &str, steps: &mut Vec<(String, String)>) -> String {
    let (text, description) = text::mutate(rng, text);
    steps.push((
        format!("text: {}", generalize_text(&description)),
        description,
    ));
    text
}

/// A text mutation's description without its positions and payload, for counting.
fn generalize_text(description: &str) -> String {
    let mut out = normalize(description);
    if let Some(at) = out.find(" at ") {
        out.truncate(at);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The contract

/// What became of one spec.
enum Verdict {
    Accepted(Box<Provider>),
    Refused(Vec<String>),
    /// A stage broke the contract (the failures say how).
    Broken,
}

/// One way a case broke the contract: `class` groups failures with one cause.
#[derive(Debug, Clone)]
struct Failure {
    class: String,
    detail: String,
}

fn failure(class: impl Into<String>, detail: impl Into<String>) -> Failure {
    Failure {
        class: class.into(),
        detail: detail.into(),
    }
}

/// Runs `text` through parse, validate and render, checking every clause but the time bound.
/// `whole` renders with `render_crate`, else with `format_crate` (see [`RENDER_CRATE_EVERY`]).
fn run_pipeline(text: &str, whole: bool, failures: &mut Vec<Failure>) -> Verdict {
    let parsed = match catch(|| codegen::parse_str(FILE, text)) {
        Ok(parsed) => parsed,
        Err(panic) => {
            failures.push(panic_failure("parse_str", panic));
            return Verdict::Broken;
        }
    };
    match parsed {
        Err(diagnostics) => check_diagnostics(&diagnostics, text, failures),
        Ok(provider) => match catch(|| render(&provider, whole)) {
            Ok(Ok(())) => Verdict::Accepted(Box::new(provider)),
            Ok(Err(error)) => {
                let class = format!(
                    "EmitError (accepted spec, unparsable code): {}",
                    normalize(&error.0.to_string())
                );
                failures.push(failure(class, error.to_string()));
                Verdict::Broken
            }
            Err(panic) => {
                failures.push(panic_failure("render_crate", panic));
                Verdict::Broken
            }
        },
    }
}

/// The crate's files (`whole`), or only its formatted source, the one fallible step.
fn render(provider: &Provider, whole: bool) -> Result<(), codegen::render::EmitError> {
    if whole {
        codegen::render::render_crate(provider, "specs/x.yaml").map(drop)
    } else {
        codegen::render::format_crate(provider).map(drop)
    }
}

/// Refusals must say where: every diagnostic at a line:column inside the text, shown in the
/// rendered text as ` --> mutant.yaml:LINE:COL`.
fn check_diagnostics(
    diagnostics: &Diagnostics,
    text: &str,
    failures: &mut Vec<Failure>,
) -> Verdict {
    let before = failures.len();
    if diagnostics.is_empty() {
        failures.push(failure("refused with no diagnostic", ""));
    }
    let rendered = match catch(|| diagnostics.to_string()) {
        Ok(rendered) => rendered,
        Err(panic) => {
            failures.push(panic_failure("Diagnostics::fmt", panic));
            String::new()
        }
    };
    // A byte order mark is not text: positions and source lines count from after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Lines end at `\n` for `str::lines`; also at a lone `\r` for YAML 1.2 and most editors;
    // also at NEL, LS and PS for YAML 1.1 (libyaml). Any count will do, as long as a
    // diagnostic's location and its source line agree on it.
    let conventions = [
        split_lines(text, &['\n']),
        split_lines(text, &['\n', '\r']),
        split_lines(text, &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']),
    ];
    for diagnostic in diagnostics {
        let problem = variant_name(&diagnostic.problem);
        let Some(at) = diagnostic.location else {
            let class = format!("diagnostic without a location: {problem}");
            failures.push(failure(class, diagnostic.message()));
            continue;
        };
        let detail = format!(
            "{problem} at {}:{} shows source line {:?}: {}",
            at.line,
            at.column,
            diagnostic.source_line.as_deref().map(|l| printable(l, 100)),
            diagnostic.message()
        );
        if !conventions
            .iter()
            .any(|lines| inside(lines, at.line, at.column))
        {
            failures.push(failure("diagnostic located outside the text", detail));
        } else if !conventions.iter().any(|lines| {
            inside(lines, at.line, at.column) && shows_line(lines, at.line, &diagnostic.source_line)
        }) {
            let class = "diagnostic shows another line than it points at";
            failures.push(failure(class, detail));
        }
        let arrow = format!("--> {FILE}:{}:{}", at.line, at.column);
        if !rendered.is_empty() && !rendered.contains(&arrow) {
            failures.push(failure(
                "rendered diagnostic lacks `--> file:line:col`",
                arrow,
            ));
        }
    }
    if failures.len() > before {
        return Verdict::Broken;
    }
    Verdict::Refused(diagnostics.iter().map(|d| d.message()).collect())
}

/// The lines of `text` ended by any of `breaks`, a `\r\n` counting as one.
fn split_lines<'a>(text: &'a str, breaks: &[char]) -> Vec<&'a str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(breaks) {
        lines.push(&rest[..end]);
        let ended_by = rest[end..].chars().next().map_or(1, char::len_utf8);
        let step = if rest[end..].starts_with("\r\n") {
            2
        } else {
            ended_by
        };
        rest = &rest[end + step..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

/// Whether a diagnostic at line `number` shows that line. Only short, printable lines are
/// compared: longer or stranger ones may fairly be shortened or escaped.
fn shows_line(lines: &[&str], number: usize, shown: &Option<String>) -> bool {
    let Some(line) = number.checked_sub(1).and_then(|i| lines.get(i)) else {
        return true;
    };
    let plain = line.chars().count() <= 200 && !line.chars().any(|c| c.is_control() && c != '\t');
    !plain || shown.as_deref() == Some(*line)
}

/// Whether 1-based `line`:`column` (in characters) is in the text or just past its end.
fn inside(lines: &[&str], line: usize, column: usize) -> bool {
    let Some(index) = line.checked_sub(1) else {
        return false;
    };
    let width = match lines.get(index) {
        Some(text) => text.chars().count(),
        None if index == lines.len() => 0,
        None => return false,
    };
    (1..=width + 1).contains(&column)
}

/// `UnknownKey { .. }` -> `UnknownKey`.
fn variant_name(problem: &impl std::fmt::Debug) -> String {
    let debug = format!("{problem:?}");
    debug
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or("")
        .to_owned()
}

/// Both verdicts the same: accepted into equal models, or refused with the same messages.
fn same_verdict(a: &Verdict, b: &Verdict) -> bool {
    match (a, b) {
        (Verdict::Accepted(a), Verdict::Accepted(b)) => a == b,
        (Verdict::Refused(a), Verdict::Refused(b)) => a == b,
        (Verdict::Broken, Verdict::Broken) => true,
        _ => false,
    }
}

fn verdict_kind(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Accepted(_) => "accepted",
        Verdict::Refused(_) => "refused",
        Verdict::Broken => "broken",
    }
}

fn verdict_name(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Accepted(_) => "accepted".to_owned(),
        Verdict::Refused(messages) => {
            format!("refused: {}", messages.first().map_or("", String::as_str))
        }
        Verdict::Broken => "broken".to_owned(),
    }
}

/// The failure when rewrite `rewrite` of `base` (in [`text::REWRITES`]) changed its verdict to
/// `after`; none when either side broke the contract on its own.
fn rewrite_failure(rewrite: usize, base: &str, after: &Verdict) -> Option<Failure> {
    let before = run_pipeline(base, false, &mut Vec::new());
    if matches!(before, Verdict::Broken) || matches!(after, Verdict::Broken) {
        return None;
    }
    (!same_verdict(&before, after)).then(|| {
        let class = format!(
            "a meaningless rewrite changes the verdict ({} -> {}): {}",
            verdict_kind(&before),
            verdict_kind(after),
            text::REWRITES[rewrite].0
        );
        let detail = format!(
            "before: {}; after: {}",
            verdict_name(&before),
            verdict_name(after)
        );
        failure(class, detail)
    })
}

/// The result of checking one case.
struct Checked {
    accepted: bool,
    failures: Vec<Failure>,
    elapsed: Duration,
}

/// Every clause of the contract for one case.
fn check(case: &Case) -> Checked {
    let mut failures = Vec::new();
    let started = Instant::now();
    let verdict = run_pipeline(&case.text, case.whole_render(), &mut failures);
    let elapsed = started.elapsed();
    if elapsed > TIME_BOUND {
        let class = format!("slower than {} s", TIME_BOUND.as_secs());
        failures.push(failure(class, format!("{:.1} s", elapsed.as_secs_f64())));
    }
    if let Some((rewrite, base)) = &case.rewrite_of {
        failures.extend(rewrite_failure(*rewrite, base, &verdict));
    }
    Checked {
        accepted: matches!(verdict, Verdict::Accepted(_)),
        failures,
        elapsed,
    }
}

// ---------------------------------------------------------------------------------------------
// Failure classes

/// A panic as a failure, classed by where it was raised and what it said.
fn panic_failure(stage: &str, panic: Box<dyn Any + Send>) -> Failure {
    let message = payload_message(&*panic);
    let location = panic_location(&message);
    let class = format!("panic in {stage} at {location}: {}", normalize(&message));
    failure(class, message)
}

/// A message without its specifics (quoted text, numbers), so one cause is one class.
fn normalize(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => {}
            None if matches!(c, '`' | '"') => {
                quote = Some(c);
                out.push(c);
                out.push('…');
            }
            None if c.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('N');
            }
            None => out.push(c),
        }
    }
    structural::truncate(&out, 160)
}

// ---------------------------------------------------------------------------------------------
// Running

/// What all cases came to.
#[derive(Default)]
struct Report {
    accepted: usize,
    refused_or_failed: usize,
    failed_cases: usize,
    slowest: (Duration, usize),
    total: Duration,
    /// Failures by class: the cases (index, mutation kinds, detail), in the order seen.
    failures: BTreeMap<String, Vec<(usize, Vec<String>, String)>>,
}

impl Report {
    fn add(&mut self, case: &Case, checked: Checked) {
        if checked.accepted {
            self.accepted += 1;
        } else {
            self.refused_or_failed += 1;
        }
        if !checked.failures.is_empty() {
            self.failed_cases += 1;
        }
        self.total += checked.elapsed;
        if checked.elapsed > self.slowest.0 {
            self.slowest = (checked.elapsed, case.index);
        }
        let mut seen = std::collections::BTreeSet::new();
        // One entry per class and case, however many diagnostics of the case share the class.
        for Failure { class, detail } in checked.failures {
            if !seen.insert(class.clone()) {
                continue;
            }
            let entry = (case.index, case.kinds(), detail);
            self.failures.entry(class).or_default().push(entry);
        }
    }

    fn summary(&self) -> String {
        let cases = self.accepted + self.refused_or_failed;
        format!(
            "{} accepted and rendered, {} refused or failed, {} broke the contract; \
             mean {:.0} ms, slowest {:.0} ms (case {})",
            self.accepted,
            self.refused_or_failed,
            self.failed_cases,
            self.total.as_secs_f64() * 1e3 / cases.max(1) as f64,
            self.slowest.0.as_secs_f64() * 1e3,
            self.slowest.1
        )
    }

    /// Every failure class with its count and mutation kinds; the first case of the first
    /// classes shrunk and shown.
    fn describe(&self) -> String {
        let mut out = String::from("\nFailure classes (cases, class):\n");
        let mut classes: Vec<_> = self.failures.iter().collect();
        classes.sort_by_key(|(class, cases)| (std::cmp::Reverse(cases.len()), class.as_str()));
        for (class, cases) in &classes {
            out.push_str(&format!("{:>6}  {class}\n", cases.len()));
        }
        for (n, (class, cases)) in classes.iter().enumerate() {
            out.push_str(&format!(
                "\n=== {}. {class}: {} cases\n",
                n + 1,
                cases.len()
            ));
            out.push_str(&format!("    mutation kinds: {}\n", top_kinds(cases)));
            let indices: Vec<String> = cases
                .iter()
                .take(12)
                .map(|(i, _, _)| i.to_string())
                .collect();
            out.push_str(&format!(
                "    cases: {}{}\n",
                indices.join(", "),
                if cases.len() > 12 { ", ..." } else { "" }
            ));
            let (index, _, detail) = &cases[0];
            let case = Case::generate(seeds(), *index);
            out.push_str(&format!(
                "    first: case {index} (MUTATION_CASE={index}), seed {}, {}\n",
                case.seed,
                printable(detail, 300)
            ));
            for (_, description) in &case.steps {
                out.push_str(&format!("      - {}\n", printable(description, 200)));
            }
            let shown = if n >= SHRINK_CLASSES
                || class.starts_with("slower")
                || class.starts_with("hang")
            {
                out.push_str("    spec:\n");
                case.text.clone()
            } else if let Some((rewrite, base)) = &case.rewrite_of {
                out.push_str("    shrunk spec (before the rewrite):\n");
                let apply = text::REWRITES[*rewrite].1;
                shrink::shrink(base, SHRINK_BUDGET, &mut |text| {
                    let after = run_pipeline(&apply(text), false, &mut Vec::new());
                    rewrite_failure(*rewrite, text, &after).is_some_and(|f| &f.class == *class)
                })
            } else {
                out.push_str("    shrunk spec:\n");
                shrink::shrink(&case.text, SHRINK_BUDGET, &mut |text| {
                    let mut failures = Vec::new();
                    run_pipeline(text, case.whole_render(), &mut failures);
                    failures.iter().any(|f| &f.class == *class)
                })
            };
            out.push_str(&excerpt(&shown, 40));
        }
        out
    }
}

/// The most frequent mutation kinds among `cases`.
fn top_kinds(cases: &[(usize, Vec<String>, String)]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for kind in cases.iter().flat_map(|(_, kinds, _)| kinds) {
        *counts.entry(kind.as_str()).or_default() += 1;
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by_key(|(kind, n)| (std::cmp::Reverse(*n), *kind));
    let shown: Vec<String> = counts
        .iter()
        .take(6)
        .map(|(kind, n)| format!("{kind} ×{n}"))
        .collect();
    let more = counts.len().saturating_sub(6);
    format!(
        "{}{}",
        shown.join(", "),
        if more > 0 {
            format!(", {more} more")
        } else {
            String::new()
        }
    )
}

/// Checks cases `0..cases` on as many threads as there are cores, each case on a thread of
/// its own so that a hanging case can be reported and left behind.
fn run_all(cases: usize) -> Report {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut report = Report::default();
    let (sender, receiver) = mpsc::channel::<(usize, Checked)>();
    let mut running: BTreeMap<usize, Instant> = BTreeMap::new();
    let mut next = 0;
    while next < cases || !running.is_empty() {
        while next < cases && running.len() < workers {
            running.insert(next, Instant::now());
            spawn_case(next, sender.clone());
            next += 1;
        }
        match receiver.recv_timeout(Duration::from_millis(200)) {
            Ok((index, checked)) => {
                running.remove(&index);
                report.add(&Case::generate(seeds(), index), checked);
            }
            Err(_) => {
                let hung: Vec<usize> = running
                    .iter()
                    .filter(|(_, started)| started.elapsed() > HANG_LIMIT)
                    .map(|(index, _)| *index)
                    .collect();
                for index in hung {
                    running.remove(&index);
                    let class = format!("hang (over {} s, left running)", HANG_LIMIT.as_secs());
                    let checked = Checked {
                        accepted: false,
                        failures: vec![failure(class, "")],
                        elapsed: HANG_LIMIT,
                    };
                    report.add(&Case::generate(seeds(), index), checked);
                }
            }
        }
    }
    report
}

/// Generates and checks case `index` on a detached thread; a bug in the harness itself is
/// reported as a failure too.
fn spawn_case(index: usize, sender: mpsc::Sender<(usize, Checked)>) {
    std::thread::spawn(move || {
        let checked =
            catch(|| check(&Case::generate(seeds(), index))).unwrap_or_else(|panic| Checked {
                accepted: false,
                failures: vec![panic_failure("the test harness", panic)],
                elapsed: Duration::ZERO,
            });
        let _ = sender.send((index, checked));
    });
}

/// Replays one case: its mutations, its full text, and what the contract says of it.
fn replay(index: usize) {
    let case = Case::generate(seeds(), index);
    println!("case {index}, seed {}:", case.seed);
    for (kind, description) in &case.steps {
        println!("  - {} [{kind}]", printable(description, 500));
    }
    println!("{}", excerpt(&case.text, usize::MAX));
    let checked = with_quiet_panics(|| check(&case));
    println!("{:.0} ms", checked.elapsed.as_secs_f64() * 1e3);
    if let Ok(Err(diagnostics)) = catch(|| codegen::parse_str(FILE, &case.text)) {
        for line in diagnostics.to_string().split('\n') {
            println!("{}", printable(line, 500));
        }
    }
    for Failure { class, detail } in &checked.failures {
        println!("FAILURE {class}\n  {}", printable(detail, 2_000));
    }
    assert!(
        checked.failures.is_empty(),
        "case {index} broke the contract"
    );
}
