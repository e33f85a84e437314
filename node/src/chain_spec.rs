//! Chain specifications built into the node: `dev` and `local`. Any other `--chain` value is read
//! as a path to a chain-spec JSON file.

use capacloud_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_service::{ChainType, Properties};

/// The chain-spec type of this node (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and SS58 format, so that wallets (polkadot.js Apps) display CAPA
/// amounts and addresses correctly.
pub fn properties() -> Properties {
    let mut properties = Properties::new();
    properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
    properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
    properties.insert("ss58Format".into(), SS58_PREFIX.into());
    properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
    WASM_BINARY.ok_or_else(|| {
        "The runtime's wasm binary is not available (built with SKIP_WASM_BUILD?)".to_string()
    })
}

/// Single-authority development chain (Alice), from the runtime's `development` preset.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm_binary()?, None)
        .with_name("CapaCloud Development")
        .with_id("capacloud_dev")
        .with_protocol_id("capa")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
        .with_properties(properties())
        .build())
}

/// Two-authority local test network (Alice and Bob), from the `local_testnet` preset.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm_binary()?, None)
        .with_name("CapaCloud Local Testnet")
        .with_id("capacloud_local")
        .with_protocol_id("capa")
        .with_chain_type(ChainType::Local)
        .with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
        .with_properties(properties())
        .build())
}
