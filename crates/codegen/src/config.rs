//! The generator as a library, in the manner of prost-build: a [`Config`] says what a spec
//! becomes (a module for `include!`, or a crate), where it goes and how a generated crate names
//! `provider-runtime`; build scripts and the `codegen` CLI call it, and the `provider!` macro
//! expands the same items that [`Output::Module`] writes.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     codegen::Config::new().generate(&["specs/sms_cx.yaml"])?;
//!     Ok(())
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! mod sms_cx {
//!     include!(concat!(env!("OUT_DIR"), "/sms_cx.rs"));
//! }
//! ```

mod runtime;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use runtime::{GitReference, Runtime, RUNTIME_VERSION};

use crate::diagnostic::Diagnostics;
use crate::render::{self, CrateManifest, EmitError, GeneratedFile};

/// What a spec becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// `<out_dir>/<name>.rs`: the client's items alone, for
    /// `include!(concat!(env!("OUT_DIR"), "/<name>.rs"))` in a module of the calling crate,
    /// which depends on `provider-runtime`, `serde` and `serde_json` itself.
    #[default]
    Module,
    /// `<out_dir>/<name>/`, a crate of its own: `Cargo.toml` (naming the runtime as
    /// [`Config::runtime`] says, publishable if [`Config::publish`] says so) and `src/lib.rs`.
    Crate,
}

/// Options of a generator run; [`Config::new`] is ready for a build script.
#[derive(Debug, Clone, Default)]
pub struct Config {
    out_dir: Option<PathBuf>,
    output: Output,
    runtime: Runtime,
    publish: bool,
    crate_version: Option<String>,
    rerun_if_changed: Option<bool>,
}

/// One spec turned into files, before anything is written.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The crate name chosen by the spec (`sms_cx`).
    pub name: String,
    /// Where the files go, relative to the output directory: the crate's directory (`sms_cx`), or
    /// empty for a module.
    pub dir: PathBuf,
    /// The files, relative to [`Generated::dir`].
    pub files: Vec<GeneratedFile>,
    /// How many operations the client has.
    pub operations: usize,
    /// How many named types it declares.
    pub types: usize,
}

/// Why a run produced nothing.
pub enum Error {
    /// The spec is unreadable or invalid; the diagnostics say where (`file:line:column`) and what
    /// to change.
    Spec(Diagnostics),
    /// A bug in the generator: the code it emitted for a valid spec does not parse.
    Emit(EmitError),
    /// No output directory: [`Config::out_dir`] was not called and `OUT_DIR` is unset (it is set
    /// only while cargo runs a build script).
    NoOutDir,
    /// A generated file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(diagnostics) => write!(f, "{diagnostics}"),
            Error::Emit(error) => write!(f, "{error}"),
            Error::NoOutDir => write!(
                f,
                "no output directory: call `Config::out_dir`, or run the generator from a build \
                 script (where cargo sets OUT_DIR)"
            ),
            Error::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
        }
    }
}

/// The message itself, so that `fn main() -> Result<(), Box<dyn Error>>` of a build script
/// shows the spec's diagnostics as they are meant to be read.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Emit(error) => Some(error),
            Error::Write { source, .. } => Some(source),
            Error::Spec(_) | Error::NoOutDir => None,
        }
    }
}

impl Config {
    /// Module output into `OUT_DIR`, `provider-runtime` by version, crates not publishable,
    /// `cargo:rerun-if-changed` lines when run by cargo as a build script.
    pub fn new() -> Config {
        Config::default()
    }

    /// Where files go (default: `OUT_DIR`, the build script's output directory).
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Config {
        self.out_dir = Some(dir.into());
        self
    }

    /// A module file per spec (the default), or a crate per spec.
    pub fn output(&mut self, output: Output) -> &mut Config {
        self.output = output;
        self
    }

    /// How a generated crate's `Cargo.toml` names `provider-runtime` (only [`Output::Crate`]
    /// writes a manifest).
    pub fn runtime(&mut self, runtime: Runtime) -> &mut Config {
        self.runtime = runtime;
        self
    }

    /// Whether a generated crate may be published: `false` (the default) writes
    /// `publish = false` into its `Cargo.toml`, `true` leaves publishing to cargo's default, so
    /// `cargo publish` uploads it (requiring `provider-runtime` by version from the registry).
    /// Only [`Output::Crate`] writes a manifest.
    pub fn publish(&mut self, publish: bool) -> &mut Config {
        self.publish = publish;
        self
    }

    /// The `version` of a generated crate's `Cargo.toml` (default `0.1.0`), for publishing it;
    /// a semver version such as `1.2.3` or `0.4.0-beta.1`, written as given. Only
    /// [`Output::Crate`] writes a manifest.
    pub fn crate_version(&mut self, version: impl Into<String>) -> &mut Config {
        self.crate_version = Some(version.into());
        self
    }

    /// Whether [`Config::generate`] prints `cargo:rerun-if-changed=<spec>` for each spec, so
    /// that cargo reruns the build script when a spec changes (and only then). Default: when
    /// `OUT_DIR` is set, i.e. when cargo runs the caller as a build script.
    pub fn emit_rerun_if_changed(&mut self, emit: bool) -> &mut Config {
        self.rerun_if_changed = Some(emit);
        self
    }

    /// Generates every spec and writes the files whose contents changed (an unchanged file keeps
    /// its modification time, so nothing downstream rebuilds). Specs are paths as given
    /// (relative to the current directory, which is the package's root in a build script).
    pub fn generate(&self, specs: &[impl AsRef<Path>]) -> Result<(), Error> {
        let out_dir = self.resolved_out_dir()?;
        let rerun = self
            .rerun_if_changed
            .unwrap_or_else(|| std::env::var_os("OUT_DIR").is_some());
        for spec in specs {
            let spec = spec.as_ref();
            if rerun {
                println!("cargo:rerun-if-changed={}", spec.display());
            }
            let generated = self.render(spec, &spec.display().to_string())?;
            write_changed(&out_dir.join(&generated.dir), &generated.files)?;
        }
        Ok(())
    }

    /// The files of one spec, in memory; `display` is how headers and diagnostics name the spec
    /// (`specs/sms_cx.yaml`: a path that means the same on every machine).
    pub fn render(&self, spec: &Path, display: &str) -> Result<Generated, Error> {
        let provider = crate::load_as(spec, display).map_err(Error::Spec)?;
        let (dir, files) = match self.output {
            Output::Module => (
                PathBuf::new(),
                vec![render::render_module(&provider, display).map_err(Error::Emit)?],
            ),
            Output::Crate => {
                let dir = PathBuf::from(&provider.crate_name);
                let manifest = CrateManifest {
                    runtime: self
                        .runtime
                        .dependency(&self.resolved_out_dir()?.join(&dir)),
                    version: self
                        .crate_version
                        .as_deref()
                        .unwrap_or(render::DEFAULT_CRATE_VERSION)
                        .to_owned(),
                    publish: self.publish,
                };
                let files = render::render_crate_with(&provider, display, &manifest)
                    .map_err(Error::Emit)?;
                (dir, files)
            }
        };
        Ok(Generated {
            name: provider.crate_name.to_string(),
            dir,
            files,
            operations: provider.operations.len(),
            types: provider.types.len(),
        })
    }

    fn resolved_out_dir(&self) -> Result<PathBuf, Error> {
        self.out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
            .ok_or(Error::NoOutDir)
    }
}

/// Writes each of `files` under `dir` unless it already holds those bytes; returns how many
/// were written.
pub fn write_changed(dir: &Path, files: &[GeneratedFile]) -> Result<usize, Error> {
    let mut written = 0;
    for file in files {
        let path = dir.join(&file.path);
        if std::fs::read_to_string(&path).is_ok_and(|existing| existing == file.contents) {
            continue;
        }
        let write = |path: &Path| {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &file.contents)
        };
        write(&path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        written += 1;
    }
    Ok(written)
}
