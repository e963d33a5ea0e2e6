//! `cargo bench -p bench [-- generator|runtime|lines] [--quick]`: runs the sections and prints their
//! tables, then every target with PASS or MISS.

use bench::generator::{self, Measurement};
use bench::report::{table, Target};
use bench::stats::ms;
use bench::{runtime, synth};

/// Sizes of the synthetic specs, in operations.
const SIZES: [usize; 4] = [10, 100, 1_000, 5_000];

fn main() {
    // `cargo bench` passes `--bench`; anything else that is not a flag names a section.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let quick = args.iter().any(|a| a == "--quick");
    let sections: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |name: &str| sections.is_empty() || sections.contains(&name);

    let mut targets = Vec::new();
    // Not part of a full run: the generator section prints the same table, timed.
    if sections.contains(&"lines") {
        if let Err(error) = lines_section() {
            eprintln!("lines section failed: {error}");
            std::process::exit(1);
        }
    }
    if wanted("generator") {
        match generator_section(quick) {
            Ok((found, measured)) => {
                targets.extend(found);
                code_cost_section(&measured);
            }
            Err(error) => {
                eprintln!("generator section failed: {error}");
                std::process::exit(1);
            }
        }
    }
    if wanted("runtime") {
        let mut config = runtime::Config::default();
        if quick {
            config.requests = 4_000;
            config.rounds = 1;
            config.reads = 200_000;
        }
        targets.extend(runtime_section(&config));
    }
    println!("\n== Targets\n{}", table(&targets));
}

fn runtime_section(config: &runtime::Config) -> Vec<Target> {
    println!(
        "\n== Runtime overhead (loopback hyper server, {} in-flight tasks, {} requests per run, {} interleaved rounds)",
        config.concurrency, config.requests, config.rounds
    );
    let r = runtime::run(config);
    let rps = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cpu = |c: Option<f64>| c.map_or("n/a".to_owned(), |c| format!("{c:.1} µs"));
    println!(
        "raw reqwest + fixed Authorization   req/s: {}   CPU/request (client+server): {}",
        rps(&r.raw_rps),
        cpu(r.raw_cpu_us)
    );
    println!(
        "ApiClient + cached OAuth2 token     req/s: {}   CPU/request (client+server): {}",
        rps(&r.api_rps),
        cpu(r.api_cpu_us)
    );
    println!(
        "throughput ratio ApiClient/raw (median of rounds): {:.3}",
        r.ratio
    );
    println!(
        "cached token read: cached() {:.1} ns, token().await {:.1} ns, cached() on every core at once {:.1} ns, SystemTime::now() {:.1} ns",
        r.cached_ns, r.token_ns, r.cached_contended_ns, r.now_ns
    );
    for (name, s) in [
        ("expired token", &r.stampede),
        ("cached token (baseline)", &r.baseline),
    ] {
        println!(
            "{} concurrent calls, {name}: token requests {}, errors {}, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            s.calls,
            s.token_requests,
            s.errors,
            ms(s.p50),
            ms(s.p99),
            ms(s.max)
        );
    }
    vec![
        Target::at_least(
            "runtime: ApiClient/raw reqwest throughput",
            r.ratio,
            0.97,
            "x",
        ),
        Target::at_most(
            "runtime: cached token read (cached())",
            r.cached_ns,
            100.0,
            "ns",
        ),
        Target::at_most(
            "runtime: cached token read (token().await)",
            r.token_ns,
            100.0,
            "ns",
        ),
        Target::at_most(
            "runtime: cached token read, every core at once",
            r.cached_contended_ns,
            100.0,
            "ns",
        ),
        Target::at_most(
            "runtime: token requests, 1,000 calls on expired token",
            r.stampede.token_requests as f64,
            1.0,
            "",
        ),
        Target::at_most(
            "runtime: failed calls in the stampede",
            r.stampede.errors as f64,
            0.0,
            "",
        ),
    ]
}

/// Prints the generator table; returns its targets and every measurement (seeds, their sum,
/// synthetic specs).
fn generator_section(quick: bool) -> Result<(Vec<Target>, Vec<Measurement>), String> {
    println!("\n== Generator scale (median of several runs per stage)");
    println!("total = parse+validate + emit + prettyplease (all that render_crate does)");
    println!(
        "{:<20} {:>5} {:>5} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>7}",
        "spec",
        "ops",
        "types",
        "KiB",
        "yaml ms",
        "parse ms",
        "emit ms",
        "pretty",
        "total ms",
        "µs/op",
        "lines",
        "lines/op"
    );
    let print = |m: &Measurement| {
        let per_op = |d: std::time::Duration| d.as_secs_f64() * 1e6 / m.operations.max(1) as f64;
        println!(
            "{:<20} {:>5} {:>5} {:>6.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7.0} {:>6} {:>7.1}",
            m.name,
            m.operations,
            m.types,
            m.spec_bytes as f64 / 1024.0,
            ms(m.yaml),
            ms(m.parse),
            ms(m.emit),
            ms(m.format),
            ms(m.total()),
            per_op(m.total()),
            m.lines,
            m.lines_per_operation()
        )
    };
    let mut seeds = Vec::new();
    for (path, source) in generator::seed_specs().map_err(|e| format!("cannot read specs/: {e}"))? {
        let m = generator::measure(&path, &path, &source, if quick { 3 } else { 11 })?;
        print(&m);
        seeds.push(m);
    }
    let seed_sum = Measurement::sum(&format!("seeds (all {})", seeds.len()), &seeds);
    print(&seed_sum);
    let mut synthetic = Vec::new();
    for n in SIZES {
        let runs = match (quick, n) {
            (true, _) => 1,
            (false, n) if n >= 5_000 => 3,
            (false, n) if n >= 1_000 => 5,
            _ => 11,
        };
        let name = synth::crate_name(n);
        let m = generator::measure(&name, &format!("{name}.yaml"), &synth::spec(n), runs)?;
        print(&m);
        synthetic.push(m);
    }
    let by_size = |n: usize| {
        synthetic
            .iter()
            .find(|m| m.operations == n)
            .expect("every size was measured")
    };
    // Cost per operation at 5,000 operations over cost per operation at 100.
    let growth = |stage: fn(&Measurement) -> std::time::Duration| {
        let per_op = |m: &Measurement| stage(m).as_secs_f64() / m.operations as f64;
        per_op(by_size(5_000)) / per_op(by_size(100))
    };
    let growth_total = growth(Measurement::total);
    println!(
        "per-operation cost at 5,000 / at 100 operations: total {growth_total:.2}, \
         parse+validate {:.2}, emit {:.2}, prettyplease {:.2}, serde_yaml alone {:.2}",
        growth(|m| m.parse),
        growth(|m| m.emit),
        growth(|m| m.format),
        growth(|m| m.yaml),
    );
    let targets = vec![
        Target::at_most(
            "generator: all seed specs, parse..prettyplease",
            ms(seed_sum.total()),
            50.0,
            "ms",
        ),
        Target::at_most(
            "generator: 1,000 ops, parse..prettyplease",
            ms(by_size(1_000).total()),
            300.0,
            "ms",
        ),
        Target::at_most(
            "generator: per-op cost 5,000/100 ops, parse..prettyplease",
            growth_total,
            1.1,
            "x",
        ),
    ];
    let mut measured = seeds;
    measured.push(seed_sum);
    measured.extend(synthetic);
    Ok((targets, measured))
}

/// The code-cost table alone, each spec rendered once: `cargo bench -p bench -- lines`.
fn lines_section() -> Result<(), String> {
    println!("\n== Generated code cost (lines of Rust per operation), untimed");
    let seeds = generator::seed_specs().map_err(|e| format!("cannot read specs/: {e}"))?;
    for (path, source) in seeds {
        let (operations, lines) = generator::size(&path, &path, &source)?;
        print_code_cost(&path, operations, lines);
    }
    for n in SIZES {
        let name = synth::crate_name(n);
        let (operations, lines) = generator::size(&name, &format!("{name}.yaml"), &synth::spec(n))?;
        print_code_cost(&name, operations, lines);
    }
    Ok(())
}

fn print_code_cost(name: &str, operations: usize, lines: usize) {
    println!(
        "{name:<20} {operations:>5} ops {lines:>7} lines {:>7.1} generated lines per operation",
        lines as f64 / operations.max(1) as f64
    );
}

fn code_cost_section(measured: &[Measurement]) {
    println!("\n== Generated code cost (lines of Rust per operation)");
    for m in measured {
        print_code_cost(&m.name, m.operations, m.lines);
    }
    println!(
        "build time of a generated crate: scripts/bench-build.sh [N...] (default 1,000 operations)"
    );
}
