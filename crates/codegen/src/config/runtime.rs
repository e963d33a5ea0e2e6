//! How a generated crate's `Cargo.toml` names `provider-runtime`: a path, a git repository or a
//! registry version, always with the version requirement of the code this generator emits.

use std::path::{Component, Path, PathBuf};

/// The `provider-runtime` release whose API this generator's output calls (kept equal to
/// `crates/runtime`'s version by a test). Every generated manifest requires it as a caret
/// requirement (`version = "0.1.0"`: 0.1.0 or a later 0.1.x), beside a path or git source too,
/// so a published crate keeps the requirement when cargo drops the local source.
pub const RUNTIME_VERSION: &str = "0.1.0";

/// Where a generated crate gets `provider-runtime` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// The runtime's directory (`crates/runtime` of a checkout), absolute or relative to the
    /// current directory; the manifest names it relative to the generated crate's directory, so
    /// the two can move together, and requires [`RUNTIME_VERSION`] of it.
    Path(PathBuf),
    /// The repository holding the runtime (cargo finds the `provider-runtime` package in it,
    /// and checks it against [`RUNTIME_VERSION`]).
    Git {
        /// The repository's URL (`https://...`, `file://...`).
        url: String,
        /// Which commit.
        reference: GitReference,
    },
    /// A version requirement on the registry's `provider-runtime` (`"0.1"`), written as given:
    /// it should admit [`RUNTIME_VERSION`].
    Version(String),
}

/// The default is the registry's runtime, [`RUNTIME_VERSION`] or a later compatible release.
impl Default for Runtime {
    fn default() -> Runtime {
        Runtime::Version(RUNTIME_VERSION.to_owned())
    }
}

/// A commit of a git dependency, as cargo spells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GitReference {
    /// The remote's default branch.
    #[default]
    DefaultBranch,
    /// `branch = "..."`.
    Branch(String),
    /// `tag = "..."`.
    Tag(String),
    /// `rev = "..."`: a commit hash (or any name git resolves).
    Rev(String),
}

impl Runtime {
    /// The dependency's value in the manifest of a crate in `crate_dir`, as TOML
    /// (`{ path = "../../crates/runtime", version = "0.1.0" }`); every string is escaped by the
    /// `toml` crate.
    pub fn dependency(&self, crate_dir: &Path) -> String {
        let quoted = |text: &str| toml::Value::from(text).to_string();
        let version = quoted(RUNTIME_VERSION);
        match self {
            Runtime::Path(runtime) => {
                let path = relative(&absolute(crate_dir), &absolute(runtime));
                // `/` on every platform: the manifest is the same bytes everywhere.
                let path: Vec<_> = path.iter().map(|part| part.to_string_lossy()).collect();
                format!(
                    "{{ path = {}, version = {version} }}",
                    quoted(&path.join("/"))
                )
            }
            Runtime::Git { url, reference } => {
                let reference = match reference {
                    GitReference::DefaultBranch => String::new(),
                    GitReference::Branch(name) => format!(", branch = {}", quoted(name)),
                    GitReference::Tag(name) => format!(", tag = {}", quoted(name)),
                    GitReference::Rev(name) => format!(", rev = {}", quoted(name)),
                };
                format!(
                    "{{ git = {}{reference}, version = {version} }}",
                    quoted(url)
                )
            }
            Runtime::Version(requirement) => quoted(requirement),
        }
    }
}

/// `path` made absolute against the current directory, with `.` and `..` resolved the way cargo
/// resolves a path dependency: by the text, without following symbolic links.
fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// The path from directory `from` to `to`, both absolute and normal.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = from[common..]
        .iter()
        .map(|_| Component::ParentDir)
        .collect();
    path.extend(&to[common..]);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_written_relative_to_the_crate() {
        let runtime = Runtime::Path("/work/repo/crates/runtime".into());
        let crate_dir = Path::new("/work/repo/tests/adversarial/generated/x");
        assert_eq!(
            runtime.dependency(crate_dir),
            r#"{ path = "../../../../crates/runtime", version = "0.1.0" }"#
        );
        let beside = Runtime::Path("/work/app/../provider-clients/./crates/runtime".into());
        assert_eq!(
            beside.dependency(Path::new("/work/app/generated/acme")),
            r#"{ path = "../../../provider-clients/crates/runtime", version = "0.1.0" }"#
        );
    }

    /// The dependency as cargo reads it: `provider-runtime = <value>` parsed as TOML.
    fn parsed(runtime: &Runtime) -> toml::Value {
        let line = format!("provider-runtime = {}", runtime.dependency(Path::new("/x")));
        toml::from_str::<toml::Table>(&line).unwrap()["provider-runtime"].clone()
    }

    #[test]
    fn git_and_version_are_spelled_as_cargo_reads_them() {
        let url = "https://example.com/p\"c.git";
        let git = |reference| Runtime::Git {
            url: url.into(),
            reference,
        };
        let default_branch = parsed(&git(GitReference::DefaultBranch));
        assert_eq!(default_branch.as_table().map(|t| t.len()), Some(2));
        assert_eq!(default_branch["git"].as_str(), Some(url));
        assert_eq!(default_branch["version"].as_str(), Some(RUNTIME_VERSION));
        let at_rev = parsed(&git(GitReference::Rev("abc123".into())));
        assert_eq!(at_rev["rev"].as_str(), Some("abc123"));
        let at_tag = parsed(&git(GitReference::Tag("v1".into())));
        assert_eq!(at_tag["tag"].as_str(), Some("v1"));
        assert_eq!(
            parsed(&Runtime::Version("0.1".into())).as_str(),
            Some("0.1")
        );
    }

    /// The generator and the runtime it targets are released together: a change to the runtime's
    /// version is a change to what generated crates require.
    #[test]
    fn the_required_version_is_the_runtime_crates_version() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/Cargo.toml");
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
        assert_eq!(
            manifest["package"]["name"].as_str(),
            Some("provider-runtime")
        );
        assert_eq!(
            manifest["package"]["version"].as_str(),
            Some(RUNTIME_VERSION)
        );
    }
}
