mod client {
    provider_macros::provider!("../../../../crates/macros/tests/ui/specs/undeclared_scope.yaml");
}

fn main() {}
