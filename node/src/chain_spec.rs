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
    Ok(development_with_code(wasm_binary()?))
}

/// Two-authority local test network (Alice and Bob), from the `local_testnet` preset.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
    Ok(local_with_code(wasm_binary()?))
}

/// The built-in spec `id` (`dev` or `local`) with `code` as its runtime instead of the node's
/// own (`build-spec --runtime FILE`): the genesis preset is then that runtime's, so a test
/// build of the node writes the spec of a production runtime with the production defaults.
pub fn builtin_with_code(id: &str, code: &[u8]) -> Result<ChainSpec, String> {
    match id {
        "dev" => Ok(development_with_code(code)),
        "" | "local" => Ok(local_with_code(code)),
        other => Err(format!(
            "--runtime applies to the built-in specs (--chain dev or --chain local), not to {other}"
        )),
    }
}

fn development_with_code(code: &[u8]) -> ChainSpec {
    ChainSpec::builder(code, None)
        .with_name("CapaCloud Development")
        .with_id("capacloud_dev")
        .with_protocol_id("capa")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
        .with_properties(properties())
        .build()
}

fn local_with_code(code: &[u8]) -> ChainSpec {
    ChainSpec::builder(code, None)
        .with_name("CapaCloud Local Testnet")
        .with_id("capacloud_local")
        .with_protocol_id("capa")
        .with_chain_type(ChainType::Local)
        .with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
        .with_properties(properties())
        .build()
}
