//! Genesis presets: the starting state of the `development` and `local_testnet` chains.
//!
//! Both presets fund the well-known development accounts (Alice, Bob, ... and their `//stash`
//! accounts) and make Alice the sudo key. Production chain specs are written from scratch and
//! leave the sudo key out (see the repository README).

use crate::{
    AccountId, BalancesConfig, BlockNumber, BurnMintConfig, RuntimeGenesisConfig, SudoConfig, DAYS,
    EPOCH_LENGTH, MILLI_UNITS, UNITS,
};
use alloc::{vec, vec::Vec};
use pallet_burn_mint::economics::{ControllerMode, Parameters};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{FixedU128, Perbill};

/// Every development account starts with one million CAPA.
pub const DEV_ACCOUNT_BALANCE: u128 = 1_000_000 * UNITS;

/// Epochs in a year at [`EPOCH_LENGTH`].
const EPOCHS_PER_YEAR: u32 = 365 * DAYS / EPOCH_LENGTH;

/// A duration in blocks, shortened to minutes-scale with `fast-runtime` (divided by the same
/// factor as the epoch length).
const fn scaled(blocks: BlockNumber) -> u32 {
    blocks / (DAYS / EPOCH_LENGTH)
}

/// The economic parameters of the development and local chains, with the reasoning:
/// - **shares 20/50/30**: half of emission pays for served work (the usage pool), 30% keeps
///   capacity online when demand is low, 20% funds the ecosystem treasury;
/// - **emission 0.01..10 CAPA per block, 5% step**: a wide band for the controller, but slow
///   moves (at most 5% per epoch, i.e. a doubling takes ~14 epochs) so that no referendum or
///   burn spike causes a jump;
/// - **burn-indexed controller, 20% smoothing, 2%/year net inflation**: emission replaces what
///   is burned (averaged over ~5 epochs) plus a small growth that pays providers while the
///   network is young and activity low;
/// - **usage reward cap 80%**: a provider serving itself recovers at most 80% of its burn;
/// - **fee burn 80%**: most fees are burned, the rest funds the treasury;
/// - **price**: one feeder (Alice) is enough on a dev chain; prices go stale after an hour
///   (six minutes with `fast-runtime`);
/// - **unbonding 7 days** (a few minutes with `fast-runtime`), **minimum bond 100 CAPA**.
pub fn default_parameters() -> Parameters {
    Parameters {
        ecosystem_share: Perbill::from_percent(20),
        usage_share: Perbill::from_percent(50),
        availability_share: Perbill::from_percent(30),
        min_emission_per_block: 10 * MILLI_UNITS,
        max_emission_per_block: 10 * UNITS,
        max_step_per_epoch: Perbill::from_percent(5),
        mode: ControllerMode::BurnIndexed {
            smoothing: Perbill::from_percent(20),
            target_inflation_per_epoch: Perbill::from_rational(2u32, 100 * EPOCHS_PER_YEAR),
        },
        epoch_length: EPOCH_LENGTH,
        usage_reward_cap: Perbill::from_percent(80),
        fee_burn_share: Perbill::from_percent(80),
        price_max_age: scaled(DAYS / 24).max(60),
        min_price_feeds: 1,
        unbonding_period: scaled(7 * DAYS).max(20),
        min_provider_bond: 100 * UNITS,
    }
}

/// Initial emission: 0.1 CAPA per block, about 525,600 CAPA a year at 6-second blocks
/// (~4% of the development supply).
pub const INITIAL_EMISSION_PER_BLOCK: u128 = 100 * MILLI_UNITS;

/// Initial CAPA price fed by Alice at genesis: 0.50 stable units (think USD) per CAPA, so one
/// CAPA buys 500 credits.
pub fn initial_price() -> FixedU128 {
    FixedU128::from_rational(1, 2)
}

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
        aura: pallet_aura::GenesisConfig {
            authorities: initial_authorities
                .iter()
                .map(|(aura, _)| aura.clone())
                .collect(),
        },
        grandpa: pallet_grandpa::GenesisConfig {
            authorities: initial_authorities
                .iter()
                .map(|(_, grandpa)| (grandpa.clone(), 1))
                .collect(),
            ..Default::default()
        },
        sudo: SudoConfig {
            key: Some(root.clone()),
        },
        burn_mint: BurnMintConfig {
            parameters: Some(default_parameters()),
            initial_emission_per_block: INITIAL_EMISSION_PER_BLOCK,
            price_feeders: vec![root],
            initial_price: Some(initial_price()),
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
