//! The pieces of the mutation test: a portable PRNG, the hostile vocabulary, paths into YAML
//! trees, the mutators (structural and raw text), and the failure shrinker.

pub mod panics;
pub mod rng;
pub mod show;
pub mod shrink;
pub mod structural;
pub mod text;
pub mod tree;
pub mod vocab;
