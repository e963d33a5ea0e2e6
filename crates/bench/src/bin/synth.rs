//! `cargo run -p bench --release --bin synth -- <operations> [<dir>]`: writes a synthetic spec
//! with that many operations and the crate generated from it, as a standalone package, under
//! `<dir>` (default `target/bench-crate`); prints the crate's directory. Used by
//! `scripts/bench-build.sh`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(Ok(operations)) = args.next().map(|a| a.parse::<usize>()) else {
        eprintln!("usage: synth <operations> [<dir>]");
        return ExitCode::from(2);
    };
    let dir = args.next().map_or_else(
        || bench::generator::workspace_root().join("target/bench-crate"),
        PathBuf::from,
    );
    match bench::standalone::write_synthetic_crate(operations, &dir) {
        Ok(crate_dir) => {
            println!("{}", crate_dir.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("synth: {error}");
            ExitCode::FAILURE
        }
    }
}
