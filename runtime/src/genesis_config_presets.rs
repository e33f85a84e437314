//! Genesis presets: the starting state of the `development` and `local_testnet` chains.
//!
//! Both presets fund the well-known development accounts (Alice, Bob, ... and their `//stash`
//! accounts) and make Alice the sudo key. Production chain specs are written from scratch and
//! leave the sudo key out (see the repository README). The economy starts from the default
//! parameters and price of [`configs::burn_mint`], where their values are explained.

use crate::{
    configs, opaque::SessionKeys, AccountId, BalancesConfig, BurnMintConfig, RuntimeGenesisConfig,
    SessionConfig, SudoConfig, ValidatorSetConfig, CAPA,
};
use alloc::{vec, vec::Vec};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Every development account starts with one million CAPA.
pub const DEV_ACCOUNT_BALANCE: u128 = 1_000_000 * CAPA;

/// Initial emission: 0.1 CAPA per block, about 525,600 CAPA a year at 6-second blocks
/// (~4% of the development supply); [`pallet_burn_mint::economics::presets`].
pub const INITIAL_EMISSION_PER_BLOCK: u128 =
    pallet_burn_mint::economics::presets::INITIAL_EMISSION_PER_BLOCK;

/// The genesis state, as a JSON patch over the runtime's default genesis config.
fn testnet_genesis(
    initial_authorities: Vec<(AuraId, GrandpaId)>,
    endowed_accounts: Vec<AccountId>,
    root: AccountId,
) -> Value {
    let config = RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances: endowed_accounts
                .iter()
                .cloned()
                .map(|account| (account, DEV_ACCOUNT_BALANCE))
                .collect(),
            ..Default::default()
        },
        // Aura's and GRANDPA's authorities come from the session's genesis: each authority
        // is a validator whose account is its Aura key's account.
        validator_set: ValidatorSetConfig {
            validators: initial_authorities
                .iter()
                .map(|(aura, _)| configs::validators::validator_account(aura))
                .collect(),
        },
        session: SessionConfig {
            keys: initial_authorities
                .iter()
                .map(|(aura, grandpa)| {
                    let account = configs::validators::validator_account(aura);
                    let keys = SessionKeys {
                        aura: aura.clone(),
                        grandpa: grandpa.clone(),
                    };
                    (account.clone(), account, keys)
                })
                .collect(),
            ..Default::default()
        },
        sudo: SudoConfig {
            key: Some(root.clone()),
        },
        burn_mint: BurnMintConfig {
            parameters: Some(configs::burn_mint::default_parameters()),
            initial_emission_per_block: INITIAL_EMISSION_PER_BLOCK,
            price_feeders: vec![root.clone()],
            initial_price: Some(configs::burn_mint::initial_price()),
            capacity_verifiers: vec![root.clone()],
        },
        ..Default::default()
    };
    serde_json::to_value(config).expect("the genesis config serializes to JSON; qed")
}

/// Aura (sr25519) and GRANDPA (ed25519) keys of a development authority, both derived from
/// the authority's well-known seed (`//Alice`, `//Bob`, ...), as `--alice` inserts them.
fn authority_keys(aura: Sr25519Keyring, grandpa: Ed25519Keyring) -> (AuraId, GrandpaId) {
    (aura.public().into(), grandpa.public().into())
}

/// The `development` preset: Alice alone produces and finalizes blocks.
pub fn development_config_genesis() -> Value {
    testnet_genesis(
        vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
        Sr25519Keyring::well_known()
            .map(|k| k.to_account_id())
            .collect(),
        Sr25519Keyring::Alice.to_account_id(),
    )
}

/// The `local_testnet` preset: Alice and Bob are the authorities of a two-node network.
pub fn local_config_genesis() -> Value {
    testnet_genesis(
        vec![
            authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
            authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
        ],
        Sr25519Keyring::well_known()
            .map(|k| k.to_account_id())
            .collect(),
        Sr25519Keyring::Alice.to_account_id(),
    )
}

/// The JSON genesis patch of a preset, or `None` for an unknown preset name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
        _ => return None,
    };
    Some(
        serde_json::to_string(&patch)
            .expect("serialization to json is expected to work; qed")
            .into_bytes(),
    )
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
    vec![
        PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
    ]
}
