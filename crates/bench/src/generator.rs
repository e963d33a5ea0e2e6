//! The generator's cost, stage by stage: YAML alone (the floor), parse and validate, emit
//! (tokens), format (prettyplease), and how many lines of Rust each operation becomes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::render::{render_crate, GeneratedFile};

use crate::stats::median_time;

/// Median times of each stage for one spec, and the size of its output.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// What was measured: a seed spec's file name or `synth_<n>`.
    pub name: String,
    /// Operations in the spec.
    pub operations: usize,
    /// Named types in the spec.
    pub types: usize,
    /// Size of the YAML.
    pub spec_bytes: usize,
    /// `serde_yaml::from_str::<serde_yaml::Value>`: the floor of any YAML front end.
    pub yaml: Duration,
    /// `codegen::parse_str`: deserialize, locate, validate, resolve the model.
    pub parse: Duration,
    /// `codegen::emit::crate_file`: the model to tokens.
    pub emit: Duration,
    /// Tokens to text with prettyplease (`codegen::render::format_items`, as `render_crate` does it).
    pub format: Duration,
    /// `codegen::render::format_crate`: emit and prettyplease together, sections in parallel
    /// as `render_crate` runs them (less than `emit + format` on a multi-core machine).
    pub emit_and_format: Duration,
    /// Lines of Rust the crate's sources hold ([`rust_lines`]).
    pub lines: usize,
}

impl Measurement {
    /// What `parse_str` then `render_crate` cost together: parse, validate, emit, prettyplease.
    pub fn total(&self) -> Duration {
        self.parse + self.emit_and_format
    }

    /// [`Self::total`] per operation, in microseconds.
    pub fn us_per_operation(&self) -> f64 {
        self.total().as_secs_f64() * 1e6 / self.operations.max(1) as f64
    }

    /// Several specs as one: sizes and stage times added up.
    pub fn sum(name: &str, parts: &[Measurement]) -> Measurement {
        let add = |f: fn(&Measurement) -> Duration| parts.iter().map(f).sum();
        Measurement {
            name: name.to_owned(),
            operations: parts.iter().map(|m| m.operations).sum(),
            types: parts.iter().map(|m| m.types).sum(),
            spec_bytes: parts.iter().map(|m| m.spec_bytes).sum(),
            yaml: add(|m| m.yaml),
            parse: add(|m| m.parse),
            emit: add(|m| m.emit),
            format: add(|m| m.format),
            emit_and_format: add(|m| m.emit_and_format),
            lines: parts.iter().map(|m| m.lines).sum(),
        }
    }

    /// Generated lines per operation.
    pub fn lines_per_operation(&self) -> f64 {
        self.lines as f64 / self.operations.max(1) as f64
    }
}

/// Measures every stage on `source`, each the median of `runs` runs.
pub fn measure(
    name: &str,
    spec_path: &str,
    source: &str,
    runs: usize,
) -> Result<Measurement, String> {
    let (yaml, parsed) = median_time(runs, || {
        serde_yaml::from_str::<serde_yaml::Value>(source).map(drop)
    });
    parsed.map_err(|e| format!("{name}: not YAML: {e}"))?;
    let (parse, provider) = median_time(runs, || codegen::parse_str(name, source));
    let provider = provider.map_err(|d| format!("{name}: invalid spec:\n{d}"))?;
    let (emit, tokens) = median_time(runs, || codegen::emit::crate_file(&provider));
    let (format, parsed) = median_time(runs, || codegen::render::format_items(tokens.clone()));
    parsed.map_err(|e| format!("{name}: the emitted tokens do not parse: {e}"))?;
    let (emit_and_format, _) = median_time(runs, || codegen::render::format_crate(&provider));
    let files = render_crate(&provider, spec_path).map_err(|e| format!("{name}: {e}"))?;
    Ok(Measurement {
        name: name.to_owned(),
        operations: provider.operations.len(),
        types: provider.types.len(),
        spec_bytes: source.len(),
        yaml,
        parse,
        emit,
        format,
        emit_and_format,
        lines: rust_lines(&files),
    })
}

/// Lines of Rust in the generated crate's sources: every `.rs` file, however the generator
/// splits them.
pub fn rust_lines(files: &[GeneratedFile]) -> usize {
    files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .map(|f| f.contents.lines().count())
        .sum()
}

/// Operations and generated lines of `source`, rendered once without timing: the quick way to
/// the code-cost table (`cargo bench -p bench -- lines`).
pub fn size(name: &str, spec_path: &str, source: &str) -> Result<(usize, usize), String> {
    let provider = codegen::parse_str(name, source).map_err(|d| format!("{name}:\n{d}"))?;
    let files = render_crate(&provider, spec_path).map_err(|e| format!("{name}: {e}"))?;
    Ok((provider.operations.len(), rust_lines(&files)))
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The seed specs, `specs/*.yaml`, sorted by file name: (`specs/<file>`, contents).
pub fn seed_specs() -> std::io::Result<Vec<(String, String)>> {
    let mut specs = Vec::new();
    for entry in std::fs::read_dir(workspace_root().join("specs"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = format!(
                "specs/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            specs.push((name, std::fs::read_to_string(&path)?));
        }
    }
    specs.sort();
    Ok(specs)
}
