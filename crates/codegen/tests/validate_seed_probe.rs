#[test]
fn probe() {
    for name in ["sms_cx"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/{name}.yaml"));
        match codegen::load(&path) { Ok(p) => println!("{p:#?}"), Err(d) => panic!("{d}") }
    }
}
