//! Builds the production runtime's WebAssembly blob with `substrate-wasm-builder`.
//!
//! The wasm builder compiles this crate (and, through it, `capacloud-runtime`) to wasm with the
//! features of *this* crate, which has none: the blob is the runtime exactly as a production
//! node (`CAPA_FEATURES=""`) embeds it, whatever features the rest of the build enables.

#[cfg(feature = "std")]
fn main() {
    substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// Without `std` (this crate is itself being compiled to wasm) there is nothing to build.
#[cfg(not(feature = "std"))]
fn main() {}
