//! `provider!("specs/x.yaml")`: a provider's client generated at compile time.
//!
//! The macro is a thin caller of the `codegen` library (the same one behind
//! `cargo run -p codegen`), so its expansion is the committed crate's code item for item.
//! The calling crate needs `provider-runtime`, `serde` and `serde_json` as dependencies.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// Expands to the client of the provider described by the spec at the given path (relative
/// to the calling crate's `CARGO_MANIFEST_DIR`).
///
/// ```ignore
/// mod sms_cx {
///     provider_macros::provider!("specs/sms_cx.yaml");
/// }
/// ```
///
/// A broken spec is a compile error showing the spec's file:line:column and what was expected.
#[proc_macro]
pub fn provider(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let spec = syn::parse_macro_input!(input as LitStr);
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    expand(&spec, &manifest_dir)
        .unwrap_or_else(|error| error.to_compile_error())
        .into()
}

/// The expansion for the spec named by `spec`, resolved against `manifest_dir`.
fn expand(spec: &LitStr, manifest_dir: &Path) -> syn::Result<TokenStream> {
    let path = manifest_dir.join(spec.value());
    let source = std::fs::read_to_string(&path).map_err(|e| {
        syn::Error::new(
            spec.span(),
            format!("cannot read spec `{}`: {e}", path.display()),
        )
    })?;
    // Diagnostics name the spec as the user wrote it, not as an absolute path of this machine.
    let provider = codegen::parse_str(&spec.value(), &source)
        .map_err(|diagnostics| compile_errors(spec, &diagnostics))?;
    let items = codegen::emit::items(&provider);
    let path = path.to_string_lossy();
    Ok(quote! {
        // Makes the calling crate rebuild when the spec changes.
        const _: &str = include_str!(#path);
        #items
    })
}

/// One compiler error per spec problem, each spanned at the macro's argument.
fn compile_errors(spec: &LitStr, diagnostics: &codegen::diagnostic::Diagnostics) -> syn::Error {
    let mut errors = diagnostics.iter().map(|diagnostic| {
        let rendered = diagnostic.to_string();
        // The compiler prints its own `error: ` before the message.
        let message = rendered.strip_prefix("error: ").unwrap_or(&rendered);
        syn::Error::new(spec.span(), message)
    });
    let mut combined = errors
        .next()
        .unwrap_or_else(|| syn::Error::new(spec.span(), "the spec is invalid"));
    for error in errors {
        combined.combine(error);
    }
    combined
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workspace root, where `specs/` and `generated/` live.
    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// The committed crate's code without its header and crate-level attributes.
    fn committed_items(name: &str) -> String {
        let source =
            std::fs::read_to_string(root().join("generated").join(name).join("src/lib.rs"))
                .unwrap();
        let mut file = syn::parse_file(&source).unwrap();
        file.attrs.clear();
        prettyplease::unparse(&file)
    }

    /// The expansion for `specs/<name>.yaml` without the `include_str!` that tracks the spec.
    fn expanded_items(name: &str) -> String {
        let spec = LitStr::new(
            &format!("specs/{name}.yaml"),
            proc_macro2::Span::call_site(),
        );
        let mut file: syn::File = syn::parse2(expand(&spec, &root()).unwrap()).unwrap();
        file.items.remove(0);
        prettyplease::unparse(&file)
    }

    #[test]
    fn expansion_equals_each_committed_crate() {
        for name in ["itctxt", "text", "sms_cx", "intandem", "cloudcx"] {
            let (expanded, committed) = (expanded_items(name), committed_items(name));
            let first_difference = expanded
                .lines()
                .zip(committed.lines())
                .position(|(a, b)| a != b);
            if expanded != committed {
                // Leave both sides where a developer can diff them.
                let dir = std::env::temp_dir();
                std::fs::write(dir.join(format!("{name}.expanded.rs")), &expanded).unwrap();
                std::fs::write(dir.join(format!("{name}.committed.rs")), &committed).unwrap();
            }
            assert!(
                expanded == committed,
                "{name}: the macro and generated/{name} differ (first at line {first_difference:?}); run `cargo run -p codegen`"
            );
        }
    }

    #[test]
    fn expansion_equals_the_module_a_build_script_writes() {
        for name in ["itctxt", "text", "sms_cx", "intandem", "cloudcx"] {
            let spec = root().join(format!("specs/{name}.yaml"));
            let generated = codegen::Config::new()
                .render(&spec, &format!("specs/{name}.yaml"))
                .unwrap();
            let module = syn::parse_file(&generated.files[0].contents).unwrap();
            assert!(
                prettyplease::unparse(&module) == expanded_items(name),
                "{name}: the macro and the build script's module differ"
            );
        }
    }

    #[test]
    fn missing_spec_names_the_path_tried() {
        let spec = LitStr::new("specs/nope.yaml", proc_macro2::Span::call_site());
        let error = expand(&spec, &root()).unwrap_err().to_string();
        assert!(
            error.contains("specs/nope.yaml") && error.contains("cannot read spec"),
            "{error}"
        );
    }
}
