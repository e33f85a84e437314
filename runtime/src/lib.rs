//! # CapaCloud runtime
//!
//! The state-transition function of the CapaCloud chain: a standalone (solo) chain with Aura
//! block production and GRANDPA finality whose token, CAPA, follows a burn-and-mint economy for
//! GPU compute.
//!
//! - [`configs`]: how each pallet is configured: system, consensus, token, fees, utility and
//!   sudo in `configs/mod.rs`; the economy in [`configs::burn_mint`] (with the default economic
//!   parameters of the genesis presets); OpenGov and the treasury in [`configs::governance`].
//! - [`genesis_config_presets`]: the `development` and `local_testnet` genesis presets.
//! - [`apis`]: the runtime APIs used by the node and by clients such as polkadot.js.
//! - `signing` (std only): builds signed transactions for node benchmarks and tests.
//!
//! The token has 12 decimals ([`CAPA`] is one CAPA) and the chain uses its own SS58 prefix
//! ([`SS58_PREFIX`]).
//!
//! The `fast-runtime` feature shortens every duration (epochs, referendum tracks, voting locks,
//! treasury periods, the presets' unbonding period and price age) for dev chains and demos; each
//! such value is written once, as `prod_or_fast!(production, fast)`.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`'s and `impl_runtime_apis`'s expansions are large.
#![recursion_limit = "256"]

extern crate alloc;

/// Picks a value by build: `prod_or_fast!(production, fast)` is `production`, or `fast` when the
/// runtime is built with the `fast-runtime` feature (dev chains, demos and end-to-end tests, where
/// an epoch or a referendum must pass in minutes). This is the runtime's only `fast-runtime`
/// switch: every value chosen per build is written with it (values computed from those, such as
/// the epochs per year, follow).
///
/// It expands to `if cfg!(feature = "fast-runtime") { fast } else { production }`, so it works in
/// `const` items, `const fn`s and `parameter_types!`. Defined before the `mod` declarations below
/// so that every module of the crate can use it.
macro_rules! prod_or_fast {
    ($prod:expr, $fast:expr $(,)?) => {
        if cfg!(feature = "fast-runtime") {
            $fast
        } else {
            $prod
        }
    };
}

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod migrations;
#[cfg(feature = "std")]
pub mod signing;
pub mod weights;

// `impl_opaque_keys!` and `#[frame_support::runtime]` expand to code that names `Vec`.
use alloc::vec::Vec;
use sp_runtime::{
    generic, impl_opaque_keys,
    traits::{BlakeTwo256, IdentifyAccount, Verify},
    MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_support::{construct_runtime, parameter_types};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_burn_mint::Call as BurnMintCall;
pub use pallet_timestamp::Call as TimestampCall;

/// Opaque types: what the node needs to know about blocks without knowing the runtime's calls.
pub mod opaque {
    use super::*;
    use sp_runtime::traits::{BlakeTwo256, Hash as HashT};

    pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

    /// Opaque block header type.
    pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
    /// Opaque block type.
    pub type Block = generic::Block<Header, UncheckedExtrinsic>;
    /// Opaque block identifier type.
    pub type BlockId = generic::BlockId<Block>;
    /// Opaque block hash type.
    pub type Hash = <BlakeTwo256 as HashT>::Output;

    impl_opaque_keys! {
        /// The session keys of a CapaCloud authority: one for Aura, one for GRANDPA.
        pub struct SessionKeys {
            /// Block production key.
            pub aura: super::Aura,
            /// Finality key.
            pub grandpa: super::Grandpa,
        }
    }
}

/// The runtime version. Bump `spec_version` on every change to the runtime's logic and
/// `transaction_version` when calls or transaction extensions change their encoding.
#[cfg(not(feature = "upgrade-rehearsal"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: alloc::borrow::Cow::Borrowed("capacloud"),
    impl_name: alloc::borrow::Cow::Borrowed("capacloud-node"),
    authoring_version: 1,
    spec_version: 118,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

/// The runtime version of the upgrade rehearsal's blob (`runtime/next`, feature
/// `upgrade-rehearsal`): the version above, `spec_version` one higher. Keep the two equal in
/// every other field (`clients/test/upgrade.test.mjs` checks the step of one).
#[cfg(feature = "upgrade-rehearsal")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: alloc::borrow::Cow::Borrowed("capacloud"),
    impl_name: alloc::borrow::Cow::Borrowed("capacloud-node"),
    authoring_version: 1,
    spec_version: 119,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

/// Target block time in milliseconds. Aura produces one block per slot.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// Aura slot duration; equal to the block time.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute, hour and day at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Length of a burn-mint epoch: a day on a production chain; a minute with `fast-runtime`, so
/// that epochs (and parameter changes, which apply at epoch boundaries) can be watched live.
pub const EPOCH_LENGTH: BlockNumber = prod_or_fast!(DAYS, MINUTES);

/// One CAPA: the token has 12 decimals (the economics crate's unit, one name everywhere).
pub const CAPA: Balance = pallet_burn_mint::economics::presets::CAPA;
/// One thousandth of a CAPA.
pub const MILLI_CAPA: Balance = pallet_burn_mint::economics::presets::MILLI_CAPA;
/// One millionth of a CAPA.
pub const MICRO_CAPA: Balance = CAPA / 1_000_000;

/// Smallest balance an account may hold: 0.01 CAPA. Small enough not to bother users, large
/// enough that spamming the state with dust accounts costs real tokens.
pub const EXISTENTIAL_DEPOSIT: Balance = 10 * MILLI_CAPA;

/// The chain's SS58 address prefix (not registered with any other network).
pub const SS58_PREFIX: u16 = 4224;
/// Token symbol shown by wallets.
pub const TOKEN_SYMBOL: &str = "CAPA";
/// Token decimals shown by wallets.
pub const TOKEN_DECIMALS: u8 = 12;

/// Signature type of transactions.
pub type Signature = MultiSignature;
/// An account's on-chain identifier: the public key behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Token amounts.
pub type Balance = u128;
/// Transaction counter of an account.
pub type Nonce = u32;
/// Block hash.
pub type Hash = sp_core::H256;
/// Block number.
pub type BlockNumber = u32;
/// The address format of transactions.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Signed block with justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block identifier.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions that every signed transaction carries, in order.
pub type TxExtension = (
    frame_system::CheckNonZeroSender<Runtime>,
    frame_system::CheckSpecVersion<Runtime>,
    frame_system::CheckTxVersion<Runtime>,
    frame_system::CheckGenesis<Runtime>,
    frame_system::CheckEra<Runtime>,
    frame_system::CheckNonce<Runtime>,
    frame_system::CheckWeight<Runtime>,
    pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
    frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
    frame_system::WeightReclaim<Runtime>,
);

/// Extrinsic as it appears in a block.
pub type UncheckedExtrinsic =
    generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade: first the guard that refuses a chain
/// older than the oldest migration here (pallet-burn-mint's storage v8), then pallet-burn-mint's
/// storage v8 -> v9 (the controller's handed-over memory; spec 110), v9 -> v10 (account
/// references for credits and histories, the reward pools' expiry cursor; spec 112) and
/// v10 -> v11 (each epoch's reward unlocks on time: locked rewards in chunks; spec 114) and
/// v11 -> v12 (what is settled out of the reward pools kept apart from them; spec 118); then
/// the validators of a chain without sessions handed to pallet-session (spec 115); in the
/// upgrade rehearsal's blob only, its own migration.
pub type Migrations = (
    pallet_burn_mint::migrations::RequireStorageVersion<Runtime, 8>,
    pallet_burn_mint::migrations::v9::MigrateV8ToV9<Runtime>,
    pallet_burn_mint::migrations::v10::MigrateV9ToV10<Runtime>,
    pallet_burn_mint::migrations::v11::MigrateV10ToV11<Runtime>,
    pallet_burn_mint::migrations::v12::MigrateV11ToV12<Runtime>,
    migrations::SessionFromConsensusAuthorities,
    Rehearsal,
);

/// The upgrade rehearsal's migration (pallet-burn-mint v12 -> v13, every provider record
/// rewritten as it is), only in the blob of `runtime/next`.
#[cfg(feature = "upgrade-rehearsal")]
type Rehearsal = pallet_burn_mint::migrations::rehearsal::MigrateV12ToV13<Runtime>;
/// Outside the upgrade rehearsal, no migration.
#[cfg(not(feature = "upgrade-rehearsal"))]
type Rehearsal = ();

/// Executive: dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
    Migrations,
>;

#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Runtime;

    #[runtime::pallet_index(0)]
    pub type System = frame_system;
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    // Genesis is built and hooks run in this order. Balances before the session: the
    // session's genesis takes a consumer reference on each genesis validator's account.
    #[runtime::pallet_index(4)]
    pub type Balances = pallet_balances;
    // Before the session: the session's genesis asks it for the first validators.
    #[runtime::pallet_index(8)]
    pub type ValidatorSet = pallet_validator_set;
    // Before Aura and GRANDPA: a session rotation hands them the new session's keys.
    #[runtime::pallet_index(9)]
    pub type Session = pallet_session;
    #[runtime::pallet_index(2)]
    pub type Aura = pallet_aura;
    #[runtime::pallet_index(3)]
    pub type Grandpa = pallet_grandpa;
    #[runtime::pallet_index(5)]
    pub type TransactionPayment = pallet_transaction_payment;
    #[runtime::pallet_index(6)]
    pub type Utility = pallet_utility;
    /// Development and test networks only: production chain specs set no sudo key (see README).
    #[runtime::pallet_index(7)]
    pub type Sudo = pallet_sudo;
    /// The burn-and-mint economy: credits, emission, supply controller.
    #[runtime::pallet_index(10)]
    pub type BurnMint = pallet_burn_mint;

    // Governance (OpenGov), see [`configs::governance`].
    /// Stores the calls that referenda propose.
    #[runtime::pallet_index(11)]
    pub type Preimage = pallet_preimage;
    /// Enacts approved referenda and wakes referenda at their deadlines.
    #[runtime::pallet_index(12)]
    pub type Scheduler = pallet_scheduler;
    /// Conviction-weighted votes on referenda.
    #[runtime::pallet_index(13)]
    pub type ConvictionVoting = pallet_conviction_voting;
    /// Referenda on the tracks of [`configs::governance::tracks`].
    #[runtime::pallet_index(14)]
    pub type Referenda = pallet_referenda;
    /// The custom origins of the tracks (`EmissionAdmin`, `Treasurer`, ...).
    #[runtime::pallet_index(15)]
    pub type Origins = configs::governance::origins::pallet_custom_origins;
    /// The ecosystem fund.
    #[runtime::pallet_index(16)]
    pub type Treasury = pallet_treasury;
}
