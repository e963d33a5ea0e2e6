//! A generated crate written outside the workspace as a package of its own (an empty
//! `[workspace]` table, a path dependency on `crates/runtime`), so `cargo build` of it can be timed.

use std::io;
use std::path::{Path, PathBuf};

use codegen::{Config, Output, Runtime};

use crate::generator::workspace_root;
use crate::synth;

/// Writes `<dir>/synth_<n>.yaml` and the crate generated from it in `<dir>/synth_<n>/`, with
/// the workspace's `Cargo.lock` so dependency versions match the workspace's; returns the
/// crate's directory.
pub fn write_synthetic_crate(operations: usize, dir: &Path) -> io::Result<PathBuf> {
    let name = synth::crate_name(operations);
    let source = synth::spec(operations);
    std::fs::create_dir_all(dir)?;
    let spec_path = dir.join(format!("{name}.yaml"));
    std::fs::write(&spec_path, &source)?;
    let generated = Config::new()
        .output(Output::Crate)
        .out_dir(dir)
        .runtime(Runtime::Path(workspace_root().join("crates/runtime")))
        .render(&spec_path, &format!("{name}.yaml"))
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let crate_dir = dir.join(&generated.dir);
    for file in generated.files {
        let path = crate_dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap_or(&crate_dir))?;
        let mut contents = file.contents;
        if file.path == Path::new("Cargo.toml") {
            // A package of its own, not a member of whatever workspace holds `dir`.
            contents.push_str("\n[workspace]\n");
        }
        std::fs::write(path, contents)?;
    }
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        crate_dir.join("Cargo.lock"),
    )?;
    Ok(crate_dir)
}
