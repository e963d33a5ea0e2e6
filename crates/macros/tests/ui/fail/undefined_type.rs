mod client {
    provider_macros::provider!("../../../../crates/macros/tests/ui/specs/undefined_type.yaml");
}

fn main() {}
