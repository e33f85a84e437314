//! Builds the upgrade rehearsal's runtime blob with `substrate-wasm-builder`.
//!
//! The wasm builder compiles this crate (and, through it, `capacloud-runtime` with
//! `fast-runtime`, `try-runtime` and `upgrade-rehearsal`) to wasm; natively nothing else is
//! compiled.

#[cfg(feature = "std")]
fn main() {
    substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// Without `std` (this crate is itself being compiled to wasm) there is nothing to build.
#[cfg(not(feature = "std"))]
fn main() {}
