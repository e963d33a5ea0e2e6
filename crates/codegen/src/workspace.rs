//! The generator's view of a project: where its root is, collections of specs in
//! (`specs/*.yaml`), one crate directory per spec out (`generated/<name>/`), the crate names cargo
//! would confuse, and the comparison behind `--check`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Config, Output, Runtime};
use crate::diagnostic::{Diagnostics, Finding, Problem};
use crate::locate::{self, Locations};
use crate::render::GeneratedFile;

/// The project around `start`, found as cargo finds a package: the nearest directory, from
/// `start` upwards, holding both a `Cargo.toml` and a `specs/` folder (requiring the manifest
/// skips spec folders deeper in a project, such as `tests/adversarial/specs`).
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join(PROVIDERS.specs).is_dir())
        .map(Path::to_path_buf)
}

/// How crates generated in the project at `root` name `provider-runtime` unless told otherwise:
/// by path when the project holds the runtime (`crates/runtime`, as this repository does), by
/// version otherwise.
pub fn default_runtime(root: &Path) -> Runtime {
    let runtime = root.join("crates/runtime");
    if runtime.join("Cargo.toml").is_file() {
        Runtime::Path(runtime)
    } else {
        Runtime::default()
    }
}

/// The configuration of this repository's own `cargo run -p codegen`: crates, the runtime by
/// path.
pub fn config(root: &Path) -> Config {
    let mut config = Config::new();
    config.output(Output::Crate).runtime(default_runtime(root));
    config
}

/// A folder of specs and the folder their crates are written to, both relative to the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collection {
    /// Where the specs are (`specs`).
    pub specs: &'static str,
    /// Where each spec's crate directory goes (`generated`).
    pub output: &'static str,
}

/// The providers.
pub const PROVIDERS: Collection = Collection {
    specs: "specs",
    output: "generated",
};

/// The collections of this workspace: the providers, then the adversarial corpus: specs that are
/// legal on purpose but full of hostile names and text, generated and committed like providers so
/// that CI proves their crates build, pass their doctests and clippy.
pub const COLLECTIONS: [Collection; 2] = [
    PROVIDERS,
    Collection {
        specs: "tests/adversarial/specs",
        output: "tests/adversarial/generated",
    },
];

/// One spec turned into files, with what the run line reports.
#[derive(Debug)]
pub struct Planned {
    /// The spec file.
    pub spec: PathBuf,
    /// How diagnostics and headers name the spec (`specs/x.yaml`).
    pub display: String,
    /// The crate name.
    pub name: String,
    /// The crate directory, relative to the workspace root.
    pub dir: PathBuf,
    /// The files of the crate.
    pub files: Vec<GeneratedFile>,
    /// Operation count.
    pub operations: usize,
    /// Type count.
    pub types: usize,
    /// Time to parse, validate, emit and format.
    pub elapsed: Duration,
}

/// A generation failure: the spec's diagnostics or an internal emitter error.
#[derive(Debug)]
pub struct Failure {
    /// The spec file.
    pub spec: PathBuf,
    /// The rendered diagnostics.
    pub message: String,
}

/// The spec files of `specs_dir`, sorted.
pub fn spec_files(specs_dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut specs: Vec<PathBuf> = fs::read_dir(specs_dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// Generates the files of one spec, as `config` says, into a directory under `output` (relative
/// to `root`, or absolute); `display` is how headers name the spec (`specs/x.yaml`).
pub fn plan(
    config: &Config,
    root: &Path,
    spec: &Path,
    display: &str,
    output: &Path,
) -> Result<Planned, Failure> {
    let started = Instant::now();
    let generated = config
        .clone()
        .out_dir(root.join(output))
        .render(spec, display)
        .map_err(|error| Failure {
            spec: spec.to_owned(),
            message: error.to_string(),
        })?;
    Ok(Planned {
        spec: spec.to_owned(),
        display: display.to_owned(),
        dir: output.join(&generated.dir),
        name: generated.name,
        operations: generated.operations,
        types: generated.types,
        files: generated.files,
        elapsed: started.elapsed(),
    })
}

/// Refuses planned crates whose package name cargo would confuse with another: a package of the
/// workspace or a dependency in its `Cargo.lock` (`codegen`, `slab`), or an earlier spec's crate.
/// A planned crate may take the name of the crate already in its own directory.
pub fn check_crate_names(root: &Path, planned: &[Planned]) -> Vec<Failure> {
    let locked = locked_packages(root);
    let mut planned_names: BTreeMap<&str, &str> = BTreeMap::new();
    let mut failures = Vec::new();
    for crate_plan in planned {
        let name = crate_plan.name.as_str();
        let by = match (planned_names.get(name), locked.get(name)) {
            (Some(first), _) => Some(format!("the crate of {first}")),
            (None, Some(Locked::Dependency)) => {
                Some(format!("the dependency `{name}` in Cargo.lock"))
            }
            (None, Some(Locked::Local(package)))
                if !root.join(&crate_plan.dir).join("Cargo.toml").exists() =>
            {
                Some(format!("the workspace package `{package}`"))
            }
            _ => None,
        };
        planned_names.entry(name).or_insert(&crate_plan.display);
        if let Some(by) = by {
            let name = name.to_owned();
            failures.push(located_failure(
                crate_plan,
                Problem::CrateNameTaken { name, by },
            ));
        }
    }
    failures
}

/// Where a crate name is already used in `Cargo.lock`.
enum Locked {
    /// A package of the workspace (no `source`), with its name as written (`provider-runtime`).
    Local(String),
    /// A package from a registry or git.
    Dependency,
}

/// The packages of `root/Cargo.lock` by crate name (`provider-runtime` as `provider_runtime`);
/// empty without a readable lockfile.
fn locked_packages(root: &Path) -> BTreeMap<String, Locked> {
    #[derive(serde::Deserialize)]
    struct Lockfile {
        #[serde(default)]
        package: Vec<Package>,
    }
    #[derive(serde::Deserialize)]
    struct Package {
        name: String,
        source: Option<String>,
    }
    let lockfile = fs::read_to_string(root.join("Cargo.lock"))
        .ok()
        .and_then(|text| toml::from_str::<Lockfile>(&text).ok());
    let mut packages = BTreeMap::new();
    for package in lockfile.map(|l| l.package).unwrap_or_default() {
        let crate_name = package.name.replace('-', "_");
        let locked = match package.source {
            Some(_) => Locked::Dependency,
            None => Locked::Local(package.name),
        };
        // A dependency outranks a local package of the same name: it is never ours to replace.
        if !matches!(packages.get(&crate_name), Some(Locked::Dependency)) {
            packages.insert(crate_name, locked);
        }
    }
    packages
}

/// A failure of `crate_plan` with `problem` at its spec's `name` value.
fn located_failure(crate_plan: &Planned, problem: Problem) -> Failure {
    let source = fs::read_to_string(&crate_plan.spec).unwrap_or_default();
    let at = Locations::scan(&source).value(&locate::Path::root().key("name"));
    let finding = Finding::new(Some(at), problem);
    Failure {
        spec: crate_plan.spec.clone(),
        message: Diagnostics::new(&crate_plan.display, &source, vec![finding]).to_string(),
    }
}

/// How a file on disk differs from the plan.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// The file's contents differ.
    Stale(PathBuf),
    /// The file does not exist.
    Missing(PathBuf),
    /// A file in an output folder that no spec produces.
    Orphaned(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Stale(path) => write!(f, "stale: {}", path.display()),
            Drift::Missing(path) => write!(f, "missing: {}", path.display()),
            Drift::Orphaned(path) => write!(f, "orphaned: {}", path.display()),
        }
    }
}

/// Compares the plan with the files on disk. Every file under a directory of `complete` (output
/// folders whose specs were all planned) or of a planned crate must be expected, or it is an orphan.
pub fn drift(root: &Path, planned: &[Planned], complete: &[&Path]) -> io::Result<Vec<Drift>> {
    let mut drift = Vec::new();
    let mut expected = BTreeSet::new();
    for crate_plan in planned {
        for file in &crate_plan.files {
            let path = crate_plan.dir.join(&file.path);
            match fs::read_to_string(root.join(&path)) {
                Ok(existing) if existing == file.contents => {}
                Ok(_) => drift.push(Drift::Stale(path.clone())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    drift.push(Drift::Missing(path.clone()))
                }
                Err(e) => return Err(e),
            }
            expected.insert(path);
        }
    }
    let mut scanned: BTreeSet<&Path> = complete.iter().copied().collect();
    for crate_plan in planned {
        if !complete.iter().any(|dir| crate_plan.dir.starts_with(dir)) {
            scanned.insert(&crate_plan.dir);
        }
    }
    for dir in scanned {
        for file in files_under(root, dir)? {
            if !expected.contains(&file) {
                drift.push(Drift::Orphaned(file));
            }
        }
    }
    drift.sort();
    Ok(drift)
}

/// Writes the plan's files whose contents changed; returns how many were written.
pub fn write(root: &Path, planned: &Planned) -> Result<usize, config::Error> {
    config::write_changed(&root.join(&planned.dir), &planned.files)
}

/// Removes an orphaned file under `output`, when it is one we generated (it carries the
/// `@generated` header), and the directories its removal left empty.
pub fn remove_orphan(root: &Path, output: &Path, path: &Path) -> io::Result<bool> {
    let full = root.join(path);
    let generated = fs::read_to_string(&full).is_ok_and(|text| {
        text.lines()
            .next()
            .is_some_and(|l| l.contains("@generated"))
    });
    if generated {
        fs::remove_file(&full)?;
        let output = root.join(output);
        let mut dir = full.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(&output) && *d != output) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(generated)
}

/// Every file under `root/dir`, relative to `root`, skipping build output.
fn files_under(root: &Path, dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries = match fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let relative = dir.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                files.extend(files_under(root, &relative)?);
            }
        } else {
            files.push(relative);
        }
    }
    Ok(files)
}
