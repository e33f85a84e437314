//! Pallet configurations of the CapaCloud runtime.
//!
//! This file configures the chain's base: system (block limits), consensus (Aura, GRANDPA,
//! timestamp), balances, fees (transaction payment), utility and sudo. The rest has its own
//! module:
//! - [`burn_mint`]: the burn-and-mint economy (pallet-burn-mint, its hard limits, and the
//!   default economic parameters of the genesis presets);
//! - [`validators`]: who validates (pallet-session and pallet-validator-set, changed by
//!   referendum);
//! - [`governance`]: OpenGov (preimage, scheduler, conviction voting, referenda, custom origins
//!   and tracks) and the ecosystem treasury.
//!
//! Every constant here is a design decision; the comment next to it says why it has its value.
//! In every configuration module, durations that `fast-runtime` shortens are written with the
//! crate's `prod_or_fast!` macro (see the crate root).

pub mod burn_mint;
pub mod governance;
pub mod validators;

use frame_support::{
    derive_impl,
    dispatch::DispatchClass,
    parameter_types,
    traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
    weights::{
        constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
        ConstantMultiplier, Weight,
    },
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

// `PalletInfo`, `RuntimeOrigin` and `RuntimeTask` are used by `derive_impl`'s expansion.
use super::{
    AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
    RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
    System, EXISTENTIAL_DEPOSIT, MICRO_CAPA, SLOT_DURATION, SS58_PREFIX, VERSION,
};
use crate::weights;

/// Share of a block's weight that normal (user) transactions may use; the rest is kept for
/// operational transactions and the block's hooks.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Two seconds of compute per block; proof size unlimited (solo chain).
const MAXIMUM_BLOCK_WEIGHT: Weight =
    Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX);
/// Share of a block's weight budgeted for `on_initialize` hooks (the SDK default).
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(10);
/// Largest block, in bytes.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
    pub const BlockHashCount: BlockNumber = 2400;
    pub const Version: RuntimeVersion = VERSION;

    /// Two seconds of compute per 6-second block, leaving time for networking and import.
    /// Proof size is unlimited: this is a solo chain, not a parachain. The base weights of a
    /// block and of an extrinsic are this runtime's own, measured by `benchmark overhead`.
    pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
        .base_block(weights::BlockExecutionWeight::get())
        .for_class(DispatchClass::all(), |class| {
            class.base_extrinsic = weights::ExtrinsicBaseWeight::get();
        })
        .for_class(DispatchClass::Normal, |class| {
            class.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
        })
        .for_class(DispatchClass::Operational, |class| {
            class.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
            // Operational transactions may always use what normal ones cannot.
            class.reserved = Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
        })
        .avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
        .build_or_panic();
    /// 5 MiB blocks, of which normal transactions may fill [`NORMAL_DISPATCH_RATIO`].
    pub RuntimeBlockLength: BlockLength = BlockLength::builder()
        .max_length(MAX_BLOCK_LENGTH)
        .modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * MAX_BLOCK_LENGTH)
        .build();
    pub const SS58Prefix: u16 = SS58_PREFIX;
}

/// The runtime's call filter: every call except `Balances.burn`. Supply control is
/// pallet-burn-mint's job and every burn is booked there by cause; a public burn call would be
/// a second, unbooked supply lever (it would show on the books' `outside_burned` line and be
/// followed by the controller). `Root` is not filtered: what it burns or mints through
/// pallet-balances is booked on the outside lines.
pub struct NoUnbookedBurn;

impl frame_support::traits::Contains<RuntimeCall> for NoUnbookedBurn {
    fn contains(call: &RuntimeCall) -> bool {
        !matches!(
            call,
            RuntimeCall::Balances(pallet_balances::Call::burn { .. })
        )
    }
}

/// The default configuration of a solo chain, with CapaCloud's own types and limits.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
    type Block = Block;
    type BlockWeights = RuntimeBlockWeights;
    type BlockLength = RuntimeBlockLength;
    type AccountId = AccountId;
    type Nonce = Nonce;
    type Hash = Hash;
    type BlockHashCount = BlockHashCount;
    /// The node's default database is ParityDB; its read and write costs are what the weights
    /// must charge.
    type DbWeight = ParityDbWeight;
    type Version = Version;
    type AccountData = pallet_balances::AccountData<Balance>;
    type SS58Prefix = SS58Prefix;
    type MaxConsumers = ConstU32<16>;
    type SystemWeightInfo = weights::frame_system::WeightInfo<Runtime>;
    /// Every call but `Balances.burn` ([`NoUnbookedBurn`]).
    type BaseCallFilter = NoUnbookedBurn;
    type ExtensionsWeightInfo = weights::frame_system_extensions::WeightInfo<Runtime>;
}

impl pallet_aura::Config for Runtime {
    type AuthorityId = AuraId;
    type DisabledValidators = ();
    /// A small authority set: this is a proof-of-authority chain run by known operators.
    type MaxAuthorities = ConstU32<{ validators::MAX_VALIDATORS }>;
    type AllowMultipleBlocksPerSlot = ConstBool<false>;
    type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type MaxAuthorities = ConstU32<{ validators::MAX_VALIDATORS }>;
    type MaxNominators = ConstU32<0>;
    type MaxSetIdSessionEntries = ConstU64<0>;
    type KeyOwnerProof = sp_core::Void;
    type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
    type Moment = u64;
    type OnTimestampSet = Aura;
    /// Half the slot duration, so that Aura's slot duration is exactly [`SLOT_DURATION`].
    type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
    type WeightInfo = weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_balances::Config for Runtime {
    type MaxLocks = ConstU32<50>;
    /// Referenda and the treasury still take their deposits with (unnamed) reserves.
    type MaxReserves = ConstU32<50>;
    type ReserveIdentifier = [u8; 8];
    type Balance = Balance;
    type RuntimeEvent = RuntimeEvent;
    /// Dust removed when an account falls below the existential deposit is burned and booked
    /// in pallet-burn-mint's books (`burned_dust`), so the books explain the issuance.
    type DustRemoval = pallet_burn_mint::DustHandler<Runtime>;
    type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
    type AccountStore = System;
    type WeightInfo = weights::pallet_balances::WeightInfo<Runtime>;
    type FreezeIdentifier = RuntimeFreezeReason;
    type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RuntimeFreezeReason = RuntimeFreezeReason;
    type DoneSlashHandler = ();
}

parameter_types! {
    /// Constant fee multiplier: CapaCloud prices compute through credits, not through fee
    /// congestion pricing, so the multiplier stays at one.
    pub FeeMultiplier: Multiplier = Multiplier::one();
    /// One micro-CAPA per byte of transaction.
    pub const TransactionByteFee: Balance = MICRO_CAPA;
    /// Ten plancks per picosecond of execution: a transfer (~0.2 ms) costs about 0.002 CAPA.
    pub const WeightFeeFactor: Balance = 10;
}

impl pallet_transaction_payment::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    /// Fees (and tips) go through pallet-burn-mint: the governance-set `fee_burn_share` is
    /// burned and counted, the rest goes to the ecosystem treasury.
    type OnChargeTransaction = FungibleAdapter<Balances, pallet_burn_mint::FeeHandler<Runtime>>;
    type OperationalFeeMultiplier = ConstU8<5>;
    type WeightToFee = ConstantMultiplier<Balance, WeightFeeFactor>;
    type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
    type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
    type WeightInfo = weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

impl pallet_utility::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeCall = RuntimeCall;
    type PalletsOrigin = crate::OriginCaller;
    type WeightInfo = weights::pallet_utility::WeightInfo<Runtime>;
}

impl pallet_sudo::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeCall = RuntimeCall;
    type WeightInfo = weights::pallet_sudo::WeightInfo<Runtime>;
}
