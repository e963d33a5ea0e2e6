//! Benchmarks of the generator and the runtime, run by `cargo bench -p bench`.
//!
//! The suite (`benches/suite.rs`) prints one table per section and a closing table of targets
//! with PASS or MISS: generator scale on synthetic specs ([`synth`], [`generator`]), and the
//! runtime's overhead over raw reqwest on a loopback server ([`runtime`], [`server`]).
//! `scripts/bench-build.sh` times `cargo build` of a generated crate that the `synth` binary
//! writes ([`standalone`]).

pub mod generator;
pub mod report;
pub mod runtime;
pub mod server;
pub mod standalone;
pub mod stats;
pub mod synth;
