//! Builds the runtime's WebAssembly blob (`WASM_BINARY`) with `substrate-wasm-builder`.

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
    // Token symbol and decimals are part of the metadata hash that `CheckMetadataHash` verifies.
    substrate_wasm_builder::WasmBuilder::init_with_defaults()
        .enable_metadata_hash("CAPA", 12)
        .build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
    substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// Without `std` (the runtime is itself being compiled to wasm) there is nothing to build.
#[cfg(not(feature = "std"))]
fn main() {}
