//! `cargo run -p codegen [--check] [--spec FILE]... [PROVIDER]...`
//!
//! Regenerates `generated/<name>/` from every `specs/*.yaml` (and the adversarial corpus,
//! `tests/adversarial/specs/` into `tests/adversarial/generated/`), or from the ones named,
//! printing a line per crate. `--check` writes nothing and fails naming each stale, missing or orphaned
//! file. Spec errors exit 1 with their diagnostics.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::workspace::{self, Collection, Drift, Planned, COLLECTIONS, PROVIDERS};

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
    let everything = args.specs.is_empty() && args.providers.is_empty();
    let mut specs: Vec<(PathBuf, &Collection)> = Vec::new();
    for spec in &args.specs {
        specs.push((spec.clone(), collection_of(&args.root, spec)));
    }
    let mut complete: Vec<&Path> = Vec::new();
    if everything || !args.providers.is_empty() {
        let mut unmatched: Vec<&String> = args.providers.iter().collect();
        for collection in &COLLECTIONS {
            let dir = args.root.join(collection.specs);
            let available = match workspace::spec_files(&dir) {
                Ok(available) => available,
                // Only the providers' folder must exist; a workspace may have no corpus.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && *collection != PROVIDERS => {
                    continue
                }
                Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
            };
            if everything {
                complete.push(Path::new(collection.output));
            }
            for spec in available {
                let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned());
                let named = unmatched
                    .iter()
                    .position(|p| Some(p.as_str()) == stem.as_deref());
                if let Some(index) = named {
                    unmatched.remove(index);
                }
                if everything || named.is_some() {
                    specs.push((spec, collection));
                }
            }
        }
        if let Some(provider) = unmatched.first() {
            return Err(format!("no spec for `{provider}` in {}", PROVIDERS.specs));
        }
    }
    let mut planned: Vec<Planned> = Vec::new();
    let mut failed = false;
    for (spec, collection) in &specs {
        let display = relative_to_root(&args.root, spec);
        match workspace::plan(spec, &display, Path::new(collection.output)) {
            Ok(plan) => planned.push(plan),
            Err(failure) => {
                eprintln!("{}", failure.message);
                failed = true;
            }
        }
    }
    for failure in workspace::check_crate_names(&args.root, &planned) {
        eprintln!("{}", failure.message);
        failed = true;
    }
    if failed {
        return Ok(ExitCode::FAILURE);
    }
    let drift = workspace::drift(&args.root, &planned, &complete)
        .map_err(|e| format!("cannot compare generated files: {e}"))?;
    if args.check {
        for item in &drift {
            eprintln!("{item}");
        }
        if drift.is_empty() {
            println!("generated crates are up to date ({} specs)", planned.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated crates are out of date: run `cargo run -p codegen`");
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
            let output = COLLECTIONS
                .iter()
                .map(|c| Path::new(c.output))
                .filter(|output| path.starts_with(output))
                .max_by_key(|output| output.components().count())
                .unwrap_or(Path::new(PROVIDERS.output));
            match workspace::remove_orphan(&args.root, output, &path) {
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

/// The collection whose spec folder holds `spec`; the providers' for a spec from elsewhere.
fn collection_of(root: &Path, spec: &Path) -> &'static Collection {
    let spec = spec.canonicalize().unwrap_or_else(|_| spec.to_owned());
    COLLECTIONS
        .iter()
        .find(|c| {
            root.join(c.specs)
                .canonicalize()
                .is_ok_and(|dir| spec.parent() == Some(dir.as_path()))
        })
        .unwrap_or(&PROVIDERS)
}

/// `spec` relative to the root when it is inside it (`specs/x.yaml`), as given otherwise.
fn relative_to_root(root: &Path, spec: &Path) -> String {
    let relative = spec.canonicalize().ok().and_then(|spec| {
        let root = root.canonicalize().ok()?;
        spec.strip_prefix(root).ok().map(Path::to_path_buf)
    });
    relative
        .unwrap_or_else(|| spec.to_owned())
        .display()
        .to_string()
}
