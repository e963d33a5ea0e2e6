mod client {
    provider_macros::provider!("../../../../specs/does_not_exist.yaml");
}

fn main() {}
