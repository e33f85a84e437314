//! The production CapaCloud runtime as a WebAssembly blob.
//!
//! `capacloud-runtime` is compiled here to wasm without `fast-runtime`, `runtime-benchmarks`
//! or `try-runtime`, in the same cargo run as the test build (which enables all three), so that
//! the test command can check what only a production build has: day-long epochs and production
//! governance periods, no benchmark or try-runtime entry points, and the same runtime version
//! as the test build (`clients/test/production.test.mjs`). The node never embeds this blob; a
//! production node is built with `CAPA_FEATURES="" scripts/build-node`.
//!
//! The blob is written to
//! `$CARGO_TARGET_DIR/<profile>/wbuild/capacloud-runtime-production/capacloud_runtime_production.compact.compressed.wasm`.
#![cfg_attr(not(feature = "std"), no_std)]

// In the wasm build this crate is the runtime: its exported entry points and its version
// sections come from `capacloud-runtime`, linked through this re-export.
#[cfg(target_arch = "wasm32")]
pub use capacloud_runtime::*;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));
