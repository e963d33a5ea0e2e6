mod client {
    provider_macros::provider!("../../../../crates/macros/tests/ui/specs/yaml_syntax.yaml");
}

fn main() {}
