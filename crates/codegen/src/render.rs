//! Emitted tokens to source text: prettyplease formatting, the `@generated` header, `Cargo.toml`.
//!
//! Output depends on the model and the generator alone (no clock, no paths of this machine, no
//! installed tool), so the same spec yields the same bytes on every machine and `--check` agrees
//! everywhere. Committed crates stay as prettyplease prints them: their `lib.rs` carries
//! `#![cfg_attr(rustfmt, rustfmt::skip)]`, which keeps `cargo fmt` of a workspace from reflowing
//! them (rustc ignores it: the `rustfmt` cfg is only ever set by rustfmt).

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{self, Section};
use crate::model::Provider;

/// One file of a generated crate or module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path inside the crate's directory (`Cargo.toml`, `src/lib.rs`), or the module's file
    /// name (`sms_cx.rs`).
    pub path: PathBuf,
    /// The file's contents.
    pub contents: String,
}

/// A bug in an emitter: its tokens do not parse as Rust.
#[derive(Debug)]
pub struct EmitError(pub syn::Error);

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error: the generated code does not parse ({}); please report this with the spec", self.0)
    }
}

impl std::error::Error for EmitError {}

/// The version of a generated crate unless its generator is told another.
pub const DEFAULT_CRATE_VERSION: &str = "0.1.0";

/// What a generated crate's `Cargo.toml` says beyond the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateManifest {
    /// The TOML value of its `provider-runtime` dependency, always with the version requirement
    /// the generated code needs (`{ path = "../../crates/runtime", version = "0.1.0" }`,
    /// `"0.1.0"`): see [`crate::Runtime::dependency`].
    pub runtime: String,
    /// The crate's own version (`0.1.0`).
    pub version: String,
    /// Whether `cargo publish` may upload the crate; `false` writes `publish = false`.
    pub publish: bool,
}

/// The default: the runtime by version (see [`crate::Runtime::default`]), version
/// [`DEFAULT_CRATE_VERSION`], not publishable.
impl Default for CrateManifest {
    fn default() -> CrateManifest {
        CrateManifest {
            runtime: crate::Runtime::default().dependency(std::path::Path::new("")),
            version: DEFAULT_CRATE_VERSION.to_owned(),
            publish: false,
        }
    }
}

/// The files of the provider's crate with the default [`CrateManifest`]; `spec_path` is how the
/// headers name the spec.
pub fn render_crate(provider: &Provider, spec_path: &str) -> Result<Vec<GeneratedFile>, EmitError> {
    render_crate_with(provider, spec_path, &CrateManifest::default())
}

/// The files of the provider's crate, its `Cargo.toml` as `manifest` says.
pub fn render_crate_with(
    provider: &Provider,
    spec_path: &str,
    manifest: &CrateManifest,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let source = format_crate(provider)?;
    let spec_path = escaped(spec_path);
    Ok(vec![
        GeneratedFile {
            path: PathBuf::from("Cargo.toml"),
            contents: cargo_toml(provider, &spec_path, manifest),
        },
        GeneratedFile {
            path: PathBuf::from("src/lib.rs"),
            contents: header("//", &spec_path) + "\n" + &source,
        },
    ])
}

/// The provider's module file (`<crate name>.rs`): its items alone, for
/// `include!(concat!(env!("OUT_DIR"), "/<crate name>.rs"))` inside a module of the calling crate.
/// `include!` refuses inner attributes, so there are no crate attributes and no crate docs: the
/// file holds what the `provider!` macro expands to.
pub fn render_module(provider: &Provider, spec_path: &str) -> Result<GeneratedFile, EmitError> {
    let source = format_sections(emit::sections(provider))?;
    Ok(GeneratedFile {
        path: PathBuf::from(format!("{}.rs", provider.crate_name)),
        contents: header("//", &escaped(spec_path)) + "\n" + &source,
    })
}

/// The provider's items formatted alone: what the `provider!` macro expands to.
pub fn render_items(provider: &Provider) -> Result<String, EmitError> {
    format_items(emit::items(provider))
}

/// prettyplease output of `tokens`, a sequence of items (or inner attributes).
pub fn format_items(tokens: TokenStream) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(tokens).map_err(EmitError)?;
    Ok(prettyplease::unparse(&file))
}

/// The crate's `lib.rs` without its header: the crate attributes (docs, lints, and the one that
/// keeps rustfmt away), then the items.
pub fn format_crate(provider: &Provider) -> Result<String, EmitError> {
    let attributes: Section<'_> = Box::new(|| {
        let attributes = emit::crate_attributes(provider);
        quote! {
            #attributes
            #![cfg_attr(rustfmt, rustfmt::skip)]
        }
    });
    format_sections(
        std::iter::once(attributes)
            .chain(emit::sections(provider))
            .collect(),
    )
}

/// The sections formatted in order, each emitted and formatted on its own thread (token streams
/// cannot cross threads, so each is built where it is formatted); prettyplease's output for a
/// file is the concatenation of its items' outputs.
fn format_sections(sections: Vec<Section<'_>>) -> Result<String, EmitError> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = sections
            .iter()
            .map(|section| scope.spawn(move || format_items(section())))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The spec path as it may appear in a line comment: escaped, a line break in it cannot end the
/// comment.
fn escaped(spec_path: &str) -> String {
    spec_path.escape_debug().to_string()
}

/// The first line of every generated file, after the file type's line comment `marker`; the
/// `@generated` tag is what `codegen` looks for before it removes an orphaned file.
fn header(marker: &str, spec_path: &str) -> String {
    format!(
        "{marker} @generated by `codegen` from {spec_path}: do not edit; change the spec and generate again.\n"
    )
}

/// The `[package]` table of a generated crate: the part that carries spec text (the title), so
/// it is written by the `toml` crate, which escapes every string for TOML.
#[derive(serde::Serialize)]
struct Manifest<'a> {
    package: Package<'a>,
}

#[derive(serde::Serialize)]
struct Package<'a> {
    name: &'a str,
    version: &'a str,
    edition: &'static str,
    description: String,
    license: &'static str,
    /// Written only as `publish = false`: cargo's default is to allow publishing.
    #[serde(skip_serializing_if = "is_true")]
    publish: bool,
}

fn is_true(value: &bool) -> bool {
    *value
}

fn cargo_toml(provider: &Provider, spec_path: &str, options: &CrateManifest) -> String {
    let manifest = Manifest {
        package: Package {
            name: &provider.crate_name,
            version: &options.version,
            edition: "2021",
            description: format!(
                "A typed client of the {} API, generated from {spec_path}.",
                provider.title
            ),
            license: "MIT OR Apache-2.0",
            publish: options.publish,
        },
    };
    let package = toml::to_string(&manifest).unwrap_or_else(|error| {
        unreachable!("a table of strings and a boolean always serializes: {error}")
    });
    format!(
        "{}{package}\n\
         [dependencies]\n\
         provider-runtime = {}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n",
        header("#", spec_path),
        options.runtime,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> Provider {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        crate::load(&root.join(format!("{name}.yaml"))).unwrap()
    }

    #[test]
    fn cargo_toml_escapes_every_string() {
        let mut provider = seed("sms_cx");
        provider.title = "A \"quoted\" \\ title\0 with \u{202e} and\nlines".to_owned();
        let manifest: toml::Table =
            toml::from_str(&cargo_toml(&provider, "x.yaml", &CrateManifest::default())).unwrap();
        let description = manifest["package"]["description"].as_str();
        let expected = format!(
            "A typed client of the {} API, generated from x.yaml.",
            provider.title
        );
        assert_eq!(description, Some(expected.as_str()));
    }

    #[test]
    fn cargo_toml_says_publish_false_unless_publishing() {
        let provider = seed("text");
        let parsed = |publish| {
            let options = CrateManifest {
                publish,
                ..CrateManifest::default()
            };
            toml::from_str::<toml::Table>(&cargo_toml(&provider, "x.yaml", &options)).unwrap()
        };
        let private = parsed(false);
        assert_eq!(private["package"]["publish"].as_bool(), Some(false));
        let public = parsed(true);
        assert!(public["package"].get("publish").is_none(), "{public}");
        let runtime = &public["dependencies"]["provider-runtime"];
        assert_eq!(runtime.as_str(), Some(crate::RUNTIME_VERSION));
    }

    #[test]
    fn formatting_by_section_matches_formatting_the_whole_file() {
        for spec in ["itctxt", "text", "sms_cx", "intandem", "cloudcx"] {
            let provider = seed(spec);
            let whole = format_items(emit::crate_file(&provider)).unwrap();
            let by_section = format_crate(&provider).unwrap();
            let skip = "#![cfg_attr(rustfmt, rustfmt::skip)]\n";
            assert_eq!(by_section.replacen(skip, "", 1), whole, "{spec}");
            let module = render_module(&provider, "x.yaml").unwrap().contents;
            assert!(
                module.ends_with(&render_items(&provider).unwrap()),
                "{spec}"
            );
        }
    }

    #[test]
    fn a_module_file_has_no_inner_attributes() {
        let module = render_module(&seed("text"), "specs/text.yaml").unwrap();
        assert_eq!(module.path, PathBuf::from("text.rs"));
        assert!(!module.contents.contains("#!["), "{}", module.contents);
    }
}
