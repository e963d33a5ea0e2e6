//! The generator's view of a workspace: `specs/*.yaml` in, `generated/<name>/` out, and the
//! comparison behind `--check`.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::render::GeneratedFile;

/// One spec turned into files, with what the run line reports.
#[derive(Debug)]
pub struct Planned {
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

/// Generates the files of one spec; `display` is how headers name the spec (`specs/x.yaml`).
pub fn plan(spec: &Path, display: &str) -> Result<Planned, Failure> {
    let started = Instant::now();
    let fail = |message: String| Failure {
        spec: spec.to_owned(),
        message,
    };
    let provider = crate::load(spec).map_err(|d| fail(d.to_string()))?;
    let files = crate::render::render_crate(&provider, display).map_err(|e| fail(e.to_string()))?;
    Ok(Planned {
        dir: Path::new("generated").join(&provider.crate_name),
        name: provider.crate_name.clone(),
        operations: provider.operations.len(),
        types: provider.types.len(),
        files,
        elapsed: started.elapsed(),
    })
}

/// How a file on disk differs from the plan.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// The file's contents differ.
    Stale(PathBuf),
    /// The file does not exist.
    Missing(PathBuf),
    /// A file under `generated/` that no spec produces.
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

/// Compares the plan with `root/generated`. With `all_specs`, crates without a spec are orphans.
pub fn drift(root: &Path, planned: &[Planned], all_specs: bool) -> io::Result<Vec<Drift>> {
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
    let planned_dirs: BTreeSet<&Path> = planned.iter().map(|p| p.dir.as_path()).collect();
    for file in files_under(root, Path::new("generated"))? {
        let in_planned_crate = planned_dirs.iter().any(|dir| file.starts_with(dir));
        if !expected.contains(&file) && (all_specs || in_planned_crate) {
            drift.push(Drift::Orphaned(file));
        }
    }
    drift.sort();
    Ok(drift)
}

/// Writes the plan's files whose contents changed; returns how many were written.
pub fn write(root: &Path, planned: &Planned) -> io::Result<usize> {
    let mut written = 0;
    for file in &planned.files {
        let path = root.join(&planned.dir).join(&file.path);
        if fs::read_to_string(&path).is_ok_and(|existing| existing == file.contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        written += 1;
    }
    Ok(written)
}

/// Removes an orphaned file, when it is one we generated (it carries the `@generated` header).
pub fn remove_orphan(root: &Path, path: &Path) -> io::Result<bool> {
    let full = root.join(path);
    let generated = fs::read_to_string(&full).is_ok_and(|text| {
        text.lines()
            .next()
            .is_some_and(|l| l.contains("@generated"))
    });
    if generated {
        fs::remove_file(&full)?;
        // Drop directories the removal left empty; a non-empty one stays.
        let mut dir = full.parent();
        while let Some(d) =
            dir.filter(|d| d.starts_with(root.join("generated")) && *d != root.join("generated"))
        {
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
