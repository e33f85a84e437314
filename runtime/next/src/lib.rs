//! The upgrade rehearsal's runtime as a WebAssembly blob: the next runtime version.
//!
//! `capacloud-runtime` compiled to wasm with `fast-runtime` and `try-runtime` (as the test
//! node's own runtime) and `upgrade-rehearsal`: `spec_version` one higher than the node's
//! runtime and one storage migration of pallet-burn-mint (v12 -> v13, every provider record
//! rewritten as it is, with try-runtime pre/post checks). `clients/test/upgrade.test.mjs` checks
//! it against a running network's state (`capa upgrade-check`), enacts it through a root
//! referendum (`system.authorize_upgrade`, then `system.apply_authorized_upgrade`) and compares
//! the state before and after. The node never embeds this blob.
//!
//! The blob is written to
//! `$CARGO_TARGET_DIR/<profile>/wbuild/capacloud-runtime-next/capacloud_runtime_next.compact.compressed.wasm`
//! (`CAPA_NEXT_RUNTIME_WASM` in `scripts/env.sh`).
#![cfg_attr(not(feature = "std"), no_std)]

// In the wasm build this crate is the runtime: its exported entry points and its version
// sections come from `capacloud-runtime`, linked through this re-export.
#[cfg(target_arch = "wasm32")]
pub use capacloud_runtime::*;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));
