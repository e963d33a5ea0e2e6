mod client {
    provider_macros::provider!("../../../../crates/macros/tests/ui/specs/unknown_key.yaml");
}

fn main() {}
