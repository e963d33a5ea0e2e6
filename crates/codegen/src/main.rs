//! `cargo run -p codegen [--check] [--spec FILE]... [PROVIDER]...`
//!
//! Regenerates `generated/<name>/` from every `specs/*.yaml` (or the ones named), printing a
//! line per provider. `--check` writes nothing and fails naming each stale, missing or orphaned
//! file. Spec errors exit 1 with their diagnostics.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::workspace::{self, Drift, Planned};

const USAGE: &str =
    "usage: cargo run -p codegen -- [--check] [--root DIR] [--spec FILE]... [PROVIDER]...";

struct Args {
    check: bool,
    root: PathBuf,
    specs: Vec<PathBuf>,
    providers: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        check: false,
        root: workspace_root(),
        specs: Vec::new(),
        providers: Vec::new(),
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => args.check = true,
            "--root" => args.root = iter.next().ok_or("--root needs a directory")?.into(),
            "--spec" => args
                .specs
                .push(iter.next().ok_or("--spec needs a file")?.into()),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`\n{USAGE}"))
            }
            provider => args.providers.push(provider.to_owned()),
        }
    }
    Ok(args)
}

/// The workspace this binary was built in (`crates/codegen/../..`), without the `..`s.
fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let specs_dir = args.root.join("specs");
    let all_specs = args.specs.is_empty() && args.providers.is_empty();
    let mut specs = args.specs.clone();
    if all_specs || !args.providers.is_empty() {
        let available = workspace::spec_files(&specs_dir)
            .map_err(|e| format!("cannot read {}: {e}", specs_dir.display()))?;
        if all_specs {
            specs = available.clone();
        }
        for provider in &args.providers {
            let found = available
                .iter()
                .find(|s| s.file_stem().is_some_and(|stem| stem == provider.as_str()));
            specs.push(
                found.cloned().ok_or_else(|| {
                    format!("no spec for `{provider}` in {}", specs_dir.display())
                })?,
            );
        }
    }
    let mut planned: Vec<Planned> = Vec::new();
    let mut failed = false;
    for spec in &specs {
        let display = spec
            .canonicalize()
            .ok()
            .and_then(|s| {
                args.root
                    .canonicalize()
                    .ok()
                    .and_then(|root| s.strip_prefix(root).ok().map(Path::to_path_buf))
            })
            .unwrap_or_else(|| spec.clone());
        match workspace::plan(spec, &display.display().to_string()) {
            Ok(plan) => planned.push(plan),
            Err(failure) => {
                eprintln!("{}", failure.message);
                failed = true;
            }
        }
    }
    if failed {
        return Ok(ExitCode::FAILURE);
    }
    let drift = workspace::drift(&args.root, &planned, all_specs)
        .map_err(|e| format!("cannot compare generated files: {e}"))?;
    if args.check {
        for item in &drift {
            eprintln!("{item}");
        }
        if drift.is_empty() {
            println!("generated/ is up to date ({} providers)", planned.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated/ is out of date: run `cargo run -p codegen`");
        return Ok(ExitCode::FAILURE);
    }
    for plan in &planned {
        let written = workspace::write(&args.root, plan)
            .map_err(|e| format!("cannot write {}: {e}", plan.dir.display()))?;
        println!(
            "{:<12} {:>4} operations {:>4} types {:>8.1} ms  {} ({written} file(s) written)",
            plan.name,
            plan.operations,
            plan.types,
            plan.elapsed.as_secs_f64() * 1000.0,
            plan.dir.display(),
        );
    }
    for item in drift {
        if let Drift::Orphaned(path) = item {
            match workspace::remove_orphan(&args.root, &path) {
                Ok(true) => println!("removed orphan {}", path.display()),
                Ok(false) => eprintln!(
                    "left {} in place: it has no @generated header",
                    path.display()
                ),
                Err(e) => return Err(format!("cannot remove {}: {e}", path.display())),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
