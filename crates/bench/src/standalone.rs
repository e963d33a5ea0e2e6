//! A generated crate written outside the workspace as a package of its own (an empty
//! `[workspace]` table, a path dependency on `crates/runtime`), so `cargo build` of it can be timed.

use std::io;
use std::path::{Path, PathBuf};

use codegen::render::render_crate;

use crate::generator::workspace_root;
use crate::synth;

/// How the generated `Cargo.toml` names the runtime (relative to `generated/<name>/`).
const RUNTIME_PATH: &str = "\"../../crates/runtime\"";

/// Writes `<dir>/synth_<n>.yaml` and the crate generated from it in `<dir>/synth_<n>/`, with
/// the workspace's `Cargo.lock` so dependency versions match the workspace's; returns the
/// crate's directory.
pub fn write_synthetic_crate(operations: usize, dir: &Path) -> io::Result<PathBuf> {
    let name = synth::crate_name(operations);
    let source = synth::spec(operations);
    std::fs::create_dir_all(dir)?;
    let spec_path = dir.join(format!("{name}.yaml"));
    std::fs::write(&spec_path, &source)?;
    let provider = codegen::parse_str(&spec_path.display().to_string(), &source)
        .map_err(|d| io::Error::new(io::ErrorKind::InvalidData, d.to_string()))?;
    let files = render_crate(&provider, &format!("{name}.yaml"))
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let crate_dir = dir.join(&name);
    for file in files {
        let path = crate_dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap_or(&crate_dir))?;
        let contents = if file.path == Path::new("Cargo.toml") {
            standalone_manifest(&file.contents)?
        } else {
            file.contents
        };
        std::fs::write(path, contents)?;
    }
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        crate_dir.join("Cargo.lock"),
    )?;
    Ok(crate_dir)
}

/// The generated manifest with the runtime path made absolute and an empty `[workspace]`.
fn standalone_manifest(manifest: &str) -> io::Result<String> {
    if !manifest.contains(RUNTIME_PATH) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the generated Cargo.toml no longer names the runtime as {RUNTIME_PATH}; update bench::standalone"),
        ));
    }
    let runtime = workspace_root().join("crates/runtime").canonicalize()?;
    let runtime = format!("{:?}", runtime.display().to_string());
    Ok(format!(
        "{}\n[workspace]\n",
        manifest.replace(RUNTIME_PATH, &runtime)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_points_at_this_runtime_and_stands_alone() {
        let manifest = standalone_manifest(
            "[dependencies]\nprovider-runtime = { path = \"../../crates/runtime\" }\n",
        )
        .unwrap();
        assert!(
            manifest.contains("crates/runtime\" }") && !manifest.contains("../../"),
            "{manifest}"
        );
        assert!(manifest.ends_with("\n[workspace]\n"), "{manifest}");
        assert!(standalone_manifest("[dependencies]\n").is_err());
    }
}
