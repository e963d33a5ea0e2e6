//! `codegen`: the command-line caller of the library (`cargo run -p codegen` here,
//! `cargo install --path crates/codegen` for anywhere). `--help` documents it; [`HELP`] is
//! that text.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::workspace::{self, Collection, Drift, Planned, COLLECTIONS, PROVIDERS};
use codegen::{GitReference, Runtime};

const HELP: &str = "\
codegen: typed Rust client crates from provider specs (YAML)

Usage: codegen [OPTIONS] [PROVIDER]...

With no PROVIDER and no --spec, generates a crate in generated/<name>/ for every specs/*.yaml of
the project (in provider-clients, also tests/adversarial/specs into tests/adversarial/generated),
prints a line per crate, and removes generated crates whose spec is gone. PROVIDER limits the
run to specs/<PROVIDER>.yaml. Only files whose contents change are written.

The project is the nearest directory, from the current one upwards, that holds both a
Cargo.toml and a specs/ folder (as cargo finds Cargo.toml); --root names it instead. Crate names
are checked against the project's Cargo.lock.

Options:
  --check                 Write nothing; fail naming every stale, missing or orphaned file
                          (give it the options the files were generated with)
  --root DIR              The project directory, instead of the one found from here
  --spec PATH             A spec file, or a directory whose *.yaml files are all specs
                          (repeatable; relative to the current directory)
  --out DIR               Write each crate to DIR/<name>/ instead of generated/<name>/
                          (relative to the current directory)
  --runtime-path DIR      Name provider-runtime by path in the generated Cargo.toml: DIR is
                          the runtime's directory (relative to the current directory; the
                          manifest holds it relative to the crate)
  --runtime-git URL       ... by git: the repository holding provider-runtime, at its default
                          branch unless one of the next three says otherwise
  --runtime-rev REV       ... at a commit (with --runtime-git)
  --runtime-branch NAME   ... at a branch (with --runtime-git)
  --runtime-tag NAME      ... at a tag (with --runtime-git)
  --runtime-version REQ   ... by version, from the registry (e.g. 0.1)
                          Default: the project's crates/runtime by path when it has one
                          (as provider-clients does), else the registry's. Except with
                          --runtime-version REQ, the dependency requires the runtime release
                          this codegen emits code for (version = \"0.1.0\" beside path or git),
                          which cargo publish keeps when it drops the path or git source
  --publish               Let cargo publish the generated crates (default: publish = false)
  --crate-version VER     The generated crates' version (semver, default 0.1.0)
  -h, --help              Print this help

Exit status:
  0  done; with --check, every generated file is up to date
  1  a spec is invalid (its diagnostics are printed), a file is out of date (--check), or a
     file cannot be read or written
  2  the command line is wrong
";

/// What the command line asks for.
#[derive(Default)]
struct Args {
    check: bool,
    root: Option<PathBuf>,
    specs: Vec<PathBuf>,
    out: Option<PathBuf>,
    runtime: Option<Runtime>,
    publish: bool,
    crate_version: Option<String>,
    providers: Vec<String>,
}

/// How `parse_args` ends other than with arguments.
enum Stop {
    Help,
    Usage(String),
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, Stop> {
    let mut parsed = Args::default();
    let mut git_reference = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |what: &str| {
            args.next()
                .ok_or_else(|| Stop::Usage(format!("`{arg}` needs {what}")))
        };
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--publish" => parsed.publish = true,
            "--crate-version" => {
                let version = value("a version")?;
                if !is_semver(&version) {
                    return Err(Stop::Usage(format!(
                        "`{version}` is not a semver version such as 0.1.0 or 1.0.0-beta.1"
                    )));
                }
                parsed.crate_version = Some(version);
            }
            "--root" => parsed.root = Some(value("a directory")?.into()),
            "--spec" => parsed.specs.push(value("a file or directory")?.into()),
            "--out" => parsed.out = Some(value("a directory")?.into()),
            "--runtime-path" => {
                set_runtime(&mut parsed, Runtime::Path(value("a directory")?.into()))?
            }
            "--runtime-git" => set_runtime(
                &mut parsed,
                Runtime::Git {
                    url: value("a URL")?,
                    reference: GitReference::DefaultBranch,
                },
            )?,
            "--runtime-version" => set_runtime(&mut parsed, Runtime::Version(value("a version")?))?,
            "--runtime-rev" | "--runtime-branch" | "--runtime-tag" => {
                let name = value("a name")?;
                let reference = match arg.as_str() {
                    "--runtime-rev" => GitReference::Rev(name),
                    "--runtime-branch" => GitReference::Branch(name),
                    _ => GitReference::Tag(name),
                };
                if git_reference.replace(reference).is_some() {
                    return Err(Stop::Usage(
                        "give at most one of --runtime-rev, --runtime-branch, --runtime-tag".into(),
                    ));
                }
            }
            "-h" | "--help" => return Err(Stop::Help),
            flag if flag.starts_with('-') => {
                return Err(Stop::Usage(format!("unknown option `{flag}`")))
            }
            provider => parsed.providers.push(provider.to_owned()),
        }
    }
    if let Some(chosen) = git_reference {
        match &mut parsed.runtime {
            Some(Runtime::Git { reference, .. }) => *reference = chosen,
            _ => {
                return Err(Stop::Usage(
                    "--runtime-rev, --runtime-branch and --runtime-tag go with --runtime-git URL"
                        .into(),
                ))
            }
        }
    }
    Ok(parsed)
}

/// Whether `version` is a version cargo accepts: `MAJOR.MINOR.PATCH`, then optionally
/// `-pre.release` and `+build` identifiers.
fn is_semver(version: &str) -> bool {
    let identifiers = |text: &str| {
        text.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    };
    let (version, build) = version.split_once('+').unwrap_or((version, "0"));
    let (core, pre) = version.split_once('-').unwrap_or((version, "0"));
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|number| {
            !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
                && (number.len() == 1 || !number.starts_with('0'))
        })
        && identifiers(pre)
        && identifiers(build)
}

fn set_runtime(args: &mut Args, runtime: Runtime) -> Result<(), Stop> {
    match args.runtime.replace(runtime) {
        None => Ok(()),
        Some(_) => Err(Stop::Usage(
            "give one of --runtime-path, --runtime-git, --runtime-version".into(),
        )),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(Stop::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(Stop::Usage(message)) => {
            eprintln!("error: {message}\nRun `codegen --help` for the options.");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The project root: `--root`, or found from the current directory; without either, the current
/// directory when `--spec` and `--out` say everything the run needs.
fn project_root(args: &Args, cwd: &Path) -> Result<PathBuf, String> {
    let root = match &args.root {
        Some(root) => cwd.join(root),
        None => match workspace::find_root(cwd) {
            Some(root) => root,
            None if !args.specs.is_empty() && args.out.is_some() => cwd.to_owned(),
            None => {
                return Err(format!(
                    "no project here: neither {} nor a parent holds both Cargo.toml and specs/; \
                     run codegen inside your project, or pass --root DIR, or --spec FILE --out DIR",
                    cwd.display()
                ))
            }
        },
    };
    root.canonicalize()
        .map_err(|e| format!("cannot open the project directory {}: {e}", root.display()))
}

/// A spec, how headers name it, and the folder (relative to the root, or absolute) its crate
/// goes to.
struct Job {
    spec: PathBuf,
    display: String,
    output: PathBuf,
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let root = project_root(args, &cwd)?;
    // `--out` is relative to where the user stands; shown relative to the root when inside it.
    let out = args.out.as_ref().map(|out| {
        let out = cwd.join(out);
        out.strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or(out)
    });
    let (jobs, complete) = select(args, &root, &cwd, out.as_deref())?;
    let mut config = workspace::config(&root);
    config.publish(args.publish);
    if let Some(version) = &args.crate_version {
        config.crate_version(version);
    }
    if let Some(runtime) = &args.runtime {
        config.runtime(match runtime {
            Runtime::Path(path) => Runtime::Path(cwd.join(path)),
            other => other.clone(),
        });
    }
    let mut planned: Vec<Planned> = Vec::new();
    let mut failed = false;
    for job in &jobs {
        match workspace::plan(&config, &root, &job.spec, &job.display, &job.output) {
            Ok(plan) => planned.push(plan),
            Err(failure) => {
                eprintln!("{}", failure.message);
                failed = true;
            }
        }
    }
    for failure in workspace::check_crate_names(&root, &planned) {
        eprintln!("{}", failure.message);
        failed = true;
    }
    if failed {
        return Ok(ExitCode::FAILURE);
    }
    let complete: Vec<&Path> = complete.iter().map(PathBuf::as_path).collect();
    let drift = workspace::drift(&root, &planned, &complete)
        .map_err(|e| format!("cannot compare generated files: {e}"))?;
    if args.check {
        return Ok(report_check(&drift, planned.len()));
    }
    for plan in &planned {
        let written = workspace::write(&root, plan).map_err(|e| e.to_string())?;
        println!(
            "{:<12} {:>4} operations {:>4} types {:>8.1} ms  {} ({written} file(s) written)",
            plan.name,
            plan.operations,
            plan.types,
            plan.elapsed.as_secs_f64() * 1000.0,
            plan.dir.display(),
        );
    }
    let outputs: Vec<&Path> = (jobs.iter().map(|job| job.output.as_path()))
        .chain(complete.iter().copied())
        .collect();
    remove_orphans(&root, &drift, &outputs)
}

/// The specs to generate, and the output folders they fill completely (where any other
/// generated file is an orphan).
fn select(
    args: &Args,
    root: &Path,
    cwd: &Path,
    out: Option<&Path>,
) -> Result<(Vec<Job>, Vec<PathBuf>), String> {
    let everything = args.specs.is_empty() && args.providers.is_empty();
    let output_of =
        |collection: &Collection| out.unwrap_or(Path::new(collection.output)).to_owned();
    let mut jobs = Vec::new();
    for given in &args.specs {
        let files = if cwd.join(given).is_dir() {
            workspace::spec_files(&cwd.join(given))
                .map_err(|e| format!("cannot read {}: {e}", given.display()))?
                .into_iter()
                .map(|spec| given.join(spec.file_name().unwrap_or_default()))
                .collect()
        } else {
            vec![given.clone()]
        };
        for given in files {
            let spec = cwd.join(&given);
            let output = output_of(collection_of(root, &spec));
            let display =
                relative_to_root(root, &spec).unwrap_or_else(|| given.display().to_string());
            jobs.push(Job {
                spec,
                display,
                output,
            });
        }
    }
    let mut complete = Vec::new();
    if everything || !args.providers.is_empty() {
        let mut unmatched: Vec<&String> = args.providers.iter().collect();
        for collection in &COLLECTIONS {
            let dir = root.join(collection.specs);
            let available = match workspace::spec_files(&dir) {
                Ok(available) => available,
                // Only the providers' folder must exist; a project may have no corpus.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && *collection != PROVIDERS => {
                    continue
                }
                Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
            };
            if everything && !complete.contains(&output_of(collection)) {
                complete.push(output_of(collection));
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
                    let display = relative_to_root(root, &spec).unwrap_or_default();
                    jobs.push(Job {
                        spec,
                        display,
                        output: output_of(collection),
                    });
                }
            }
        }
        if let Some(provider) = unmatched.first() {
            return Err(format!(
                "no spec for `{provider}` in {}",
                root.join(PROVIDERS.specs).display()
            ));
        }
    }
    Ok((jobs, complete))
}

/// Prints what `--check` found; failure when anything drifted.
fn report_check(drift: &[Drift], specs: usize) -> ExitCode {
    for item in drift {
        eprintln!("{item}");
    }
    if drift.is_empty() {
        println!("generated crates are up to date ({specs} specs)");
        return ExitCode::SUCCESS;
    }
    eprintln!("generated crates are out of date: run `codegen` (`cargo run -p codegen` in provider-clients)");
    ExitCode::FAILURE
}

/// Removes the generated files no spec produces any more, and the folders left empty up to the
/// deepest of `outputs` holding each.
fn remove_orphans(root: &Path, drift: &[Drift], outputs: &[&Path]) -> Result<ExitCode, String> {
    for item in drift {
        let Drift::Orphaned(path) = item else {
            continue;
        };
        let output = outputs
            .iter()
            .copied()
            .filter(|output| path.starts_with(output))
            .max_by_key(|output| output.components().count())
            .unwrap_or(Path::new(PROVIDERS.output));
        match workspace::remove_orphan(root, output, path) {
            Ok(true) => println!("removed orphan {}", path.display()),
            Ok(false) => eprintln!(
                "left {} in place: it has no @generated header",
                path.display()
            ),
            Err(e) => return Err(format!("cannot remove {}: {e}", path.display())),
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

/// `spec` relative to the (canonical) root when it is inside it (`specs/x.yaml`): how headers
/// name it, the same on every machine.
fn relative_to_root(root: &Path, spec: &Path) -> Option<String> {
    let spec = spec.canonicalize().ok()?;
    Some(spec.strip_prefix(root).ok()?.display().to_string())
}
