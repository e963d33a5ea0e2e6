mod client {
    provider_macros::provider!("../../../../crates/macros/tests/ui/specs/undeclared_variable.yaml");
}

fn main() {}
