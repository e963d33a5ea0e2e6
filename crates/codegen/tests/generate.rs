//! The generator's output: snapshots of each seed provider, determinism, `--check`, and the CLI
//! run from inside a project of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

const SEEDS: [&str; 5] = ["itctxt", "text", "sms_cx", "intandem", "cloudcx"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The files of `generated/<name>/` as `cargo run -p codegen` renders them.
fn render(name: &str) -> Vec<codegen::render::GeneratedFile> {
    let (root, spec) = (root(), format!("specs/{name}.yaml"));
    let config = codegen::workspace::config(&root);
    codegen::workspace::plan(
        &config,
        &root,
        &root.join(&spec),
        &spec,
        "generated".as_ref(),
    )
    .unwrap()
    .files
}

fn lib_rs(files: &[codegen::render::GeneratedFile]) -> &str {
    &files
        .iter()
        .find(|f| f.path == Path::new("src/lib.rs"))
        .unwrap()
        .contents
}

#[test]
fn snapshots_of_each_seed_provider() {
    for name in SEEDS {
        insta::assert_snapshot!(name, lib_rs(&render(name)));
    }
}

#[test]
fn same_spec_gives_the_same_bytes() {
    for name in SEEDS {
        assert_eq!(render(name), render(name), "{name} is not deterministic");
    }
}

#[test]
fn committed_crates_match_the_specs() {
    for name in SEEDS {
        for file in render(name) {
            let committed =
                std::fs::read_to_string(root().join("generated").join(name).join(&file.path))
                    .unwrap();
            assert!(
                committed == file.contents,
                "generated/{name}/{} is stale: run `cargo run -p codegen`",
                file.path.display()
            );
        }
    }
}

#[test]
fn every_generated_file_says_it_is_generated() {
    for name in SEEDS {
        for file in render(name) {
            assert!(
                file.contents.lines().next().unwrap().contains("@generated"),
                "{name}/{}",
                file.path.display()
            );
        }
    }
}

/// A scratch workspace with the seed specs and their generated crates.
fn scratch_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    for name in SEEDS {
        std::fs::copy(
            root().join("specs").join(format!("{name}.yaml")),
            dir.path().join("specs").join(format!("{name}.yaml")),
        )
        .unwrap();
    }
    assert!(regenerate(dir.path()).status.success());
    dir
}

fn codegen_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
}

/// Runs `codegen` (regenerating everything) in the workspace at `dir`.
fn regenerate(dir: &Path) -> std::process::Output {
    codegen_bin().arg("--root").arg(dir).output().unwrap()
}

fn check(dir: &Path) -> std::process::Output {
    codegen_bin()
        .arg("--check")
        .arg("--root")
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn check_passes_on_fresh_output_and_names_stale_missing_and_orphaned_files() {
    let dir = scratch_workspace();
    assert!(check(dir.path()).status.success());

    let lib = dir.path().join("generated/sms_cx/src/lib.rs");
    std::fs::write(
        &lib,
        std::fs::read_to_string(&lib).unwrap() + "// hand edit\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("generated/text/Cargo.toml")).unwrap();
    std::fs::create_dir_all(dir.path().join("generated/gone/src")).unwrap();
    std::fs::write(
        dir.path().join("generated/gone/src/lib.rs"),
        "// @generated\n",
    )
    .unwrap();

    let output = check(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("stale: generated/sms_cx/src/lib.rs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing: generated/text/Cargo.toml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("orphaned: generated/gone/src/lib.rs"),
        "{stderr}"
    );
    // --check wrote nothing.
    assert!(std::fs::read_to_string(&lib)
        .unwrap()
        .ends_with("// hand edit\n"));

    // Regenerating repairs all three.
    assert!(regenerate(dir.path()).status.success());
    assert!(check(dir.path()).status.success());
    assert!(!dir.path().join("generated/gone").exists());
}

#[test]
fn a_broken_spec_exits_1_with_its_location() {
    let dir = scratch_workspace();
    std::fs::write(
        dir.path().join("specs/broken.yaml"),
        "name: broken\ntitle: B\nbase_url: https://x\nauth: {}\nbogus: 1\n",
    )
    .unwrap();
    let output = regenerate(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("broken.yaml:5:1"), "{stderr}");
    assert!(!dir.path().join("generated/broken").exists());
}

#[test]
fn one_provider_can_be_regenerated_alone() {
    let dir = scratch_workspace();
    std::fs::remove_dir_all(dir.path().join("generated/intandem")).unwrap();
    let output = codegen_bin()
        .arg("--root")
        .arg(dir.path())
        .arg("intandem")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(
        stdout.contains("intandem") && !stdout.contains("sms_cx"),
        "{stdout}"
    );
    assert!(dir.path().join("generated/intandem/src/lib.rs").exists());
}

/// `spec` (a seed's text) renamed to crate `name`.
fn renamed_seed(seed: &str, name: &str) -> String {
    let text = std::fs::read_to_string(root().join("specs").join(format!("{seed}.yaml"))).unwrap();
    text.replacen(
        &format!("\nname: {seed}\n"),
        &format!("\nname: {name}\n"),
        1,
    )
}

#[test]
fn a_crate_name_cargo_already_knows_is_refused_at_the_name() {
    let dir = scratch_workspace();
    std::fs::write(
        dir.path().join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"slab\"\nversion = \"0.4.12\"\n\
         source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
         [[package]]\nname = \"bench\"\nversion = \"0.1.0\"\n\n\
         [[package]]\nname = \"sms_cx\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let specs = dir.path().join("specs");
    std::fs::write(specs.join("slab.yaml"), renamed_seed("cloudcx", "slab")).unwrap();
    std::fs::write(specs.join("bench.yaml"), renamed_seed("cloudcx", "bench")).unwrap();
    std::fs::write(specs.join("twin.yaml"), renamed_seed("cloudcx", "cloudcx")).unwrap();
    let output = regenerate(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let line = |spec: &str| {
        let text = std::fs::read_to_string(specs.join(spec)).unwrap();
        1 + text.lines().position(|l| l.starts_with("name:")).unwrap()
    };
    for (spec, by) in [
        ("slab.yaml", "the dependency `slab` in Cargo.lock"),
        ("bench.yaml", "the workspace package `bench`"),
        ("twin.yaml", "the crate of specs/cloudcx.yaml"),
    ] {
        let at = format!("specs/{spec}:{}:7", line(spec));
        assert!(stderr.contains(&at), "{at} missing in\n{stderr}");
        assert!(
            stderr.contains(&format!("is already taken by {by}")),
            "{stderr}"
        );
    }
    // The seed already in generated/sms_cx keeps its name; nothing was written.
    assert!(!stderr.contains("sms_cx"), "{stderr}");
    assert!(!dir.path().join("generated/slab").exists());
}

#[test]
fn the_adversarial_corpus_is_a_collection_of_its_own() {
    let dir = scratch_workspace();
    let corpus = dir.path().join("tests/adversarial/specs");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("odd.yaml"),
        renamed_seed("cloudcx", "adversarial_odd"),
    )
    .unwrap();
    assert!(regenerate(dir.path()).status.success());
    let lib = dir
        .path()
        .join("tests/adversarial/generated/adversarial_odd/src/lib.rs");
    assert!(std::fs::read_to_string(&lib)
        .unwrap()
        .contains("from tests/adversarial/specs/odd.yaml"));
    assert!(check(dir.path()).status.success());

    std::fs::remove_file(corpus.join("odd.yaml")).unwrap();
    let output = check(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("orphaned: tests/adversarial/generated/adversarial_odd/src/lib.rs"),
        "{stderr}"
    );
    assert!(regenerate(dir.path()).status.success());
    assert!(!dir
        .path()
        .join("tests/adversarial/generated/adversarial_odd")
        .exists());
    assert!(dir.path().join("tests/adversarial/generated").exists());
}

/// A user's project: `Cargo.toml` and `specs/` with one seed.
fn user_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    std::fs::create_dir_all(dir.path().join("specs/nested")).unwrap();
    std::fs::copy(
        root().join("specs/sms_cx.yaml"),
        dir.path().join("specs/sms_cx.yaml"),
    )
    .unwrap();
    dir
}

#[test]
fn the_cli_finds_the_project_from_a_subdirectory() {
    let project = user_project();
    let output = codegen_bin()
        .current_dir(project.path().join("specs/nested"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let manifest =
        std::fs::read_to_string(project.path().join("generated/sms_cx/Cargo.toml")).unwrap();
    // No crates/runtime in this project: the runtime comes from the registry, in the release
    // this generator emits code for; the crate is not publishable unless asked.
    let version = codegen::RUNTIME_VERSION;
    assert!(
        manifest.contains(&format!("provider-runtime = \"{version}\"\n")),
        "{manifest}"
    );
    assert!(manifest.contains("publish = false\n"), "{manifest}");
    let lib = std::fs::read_to_string(project.path().join("generated/sms_cx/src/lib.rs")).unwrap();
    assert!(lib.starts_with("// @generated by `codegen` from specs/sms_cx.yaml"));
}

#[test]
fn the_cli_writes_where_told_and_names_the_runtime_as_told() {
    let project = user_project();
    let run = |args: &[&str]| {
        let output = codegen_bin()
            .current_dir(project.path())
            .args(["--spec", "specs", "--out", "clients"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        std::fs::read_to_string(project.path().join("clients/sms_cx/Cargo.toml")).unwrap()
    };
    let by_path = run(&["--runtime-path", "../provider-clients/crates/runtime"]);
    assert!(
        by_path.contains(
            r#"provider-runtime = { path = "../../../provider-clients/crates/runtime", version = "0.1.0" }"#
        ),
        "{by_path}"
    );
    let by_git = run(&[
        "--runtime-git",
        "https://example.com/pc.git",
        "--runtime-rev",
        "abc",
    ]);
    assert!(
        by_git
            .contains(r#"provider-runtime = { git = "https://example.com/pc.git", rev = "abc", version = "0.1.0" }"#),
        "{by_git}"
    );
    let by_version = run(&["--runtime-version", "0.1"]);
    assert!(
        by_version.contains(r#"provider-runtime = "0.1""#),
        "{by_version}"
    );
    assert!(by_version.contains("publish = false\n"), "{by_version}");
    let published = run(&[
        "--runtime-version",
        "0.1",
        "--publish",
        "--crate-version",
        "1.2.0-rc.1",
    ]);
    assert!(!published.contains("publish"), "{published}");
    assert!(
        published.contains("version = \"1.2.0-rc.1\"\n"),
        "{published}"
    );
    assert!(!project.path().join("generated").exists());
}

#[test]
fn help_documents_every_option_and_exit_code_and_misuse_exits_2() {
    let output = codegen_bin().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for option in [
        "--check",
        "--root",
        "--spec",
        "--out",
        "--runtime-path",
        "--runtime-git",
        "--runtime-rev",
        "--runtime-branch",
        "--runtime-tag",
        "--runtime-version",
        "--publish",
        "--crate-version",
        "Exit status",
    ] {
        assert!(help.contains(option), "{option} missing in\n{help}");
    }
    let requirement = format!("version = \"{}\"", codegen::RUNTIME_VERSION);
    assert!(
        help.contains(&requirement),
        "{requirement} missing in\n{help}"
    );
    for misuse in [
        &["--bogus"][..],
        &["--runtime-version", "1", "--runtime-path", "x"],
        &["--runtime-tag", "v1"],
        &["--out"],
        &["--crate-version", "1.0"],
        &["--crate-version", "1.0.0\"\n"],
    ] {
        let output = codegen_bin().args(misuse).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{misuse:?}");
    }
}

#[test]
fn outside_any_project_the_cli_says_how_to_point_it_at_one() {
    let empty = tempfile::tempdir().unwrap();
    let output = codegen_bin().current_dir(empty.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("--root DIR"), "{stderr}");
}
