//! Compile-time behaviour of `provider!`: every seed spec expands to a client that builds and
//! type-checks a call, and broken specs fail with the spec's location in the compiler error.
//!
//! trybuild compiles each case in `target/tests/trybuild/provider-macros/`, so the cases reach
//! the workspace's specs through `../../../../`.

#[test]
fn seed_specs_expand_to_working_clients() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
}

#[test]
fn broken_specs_are_compile_errors_at_the_macro_argument() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
}
