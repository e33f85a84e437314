//! The burn-and-mint economy: pallet-burn-mint's configuration, the hard limits no referendum can
//! move, and the default economic parameters that the genesis presets start from.
//!
//! Who may call the pallet's privileged calls (the custom origins of [`super::governance`]) is
//! explained in [`super::governance`]; the treasury account that receives the ecosystem share is
//! pallet-treasury's, also declared there.

use frame_support::{
    parameter_types,
    traits::{ConstU128, ConstU32, EitherOf},
    PalletId,
};
use frame_system::EnsureRoot;
use pallet_burn_mint::economics::{presets, Parameters};
use sp_runtime::{FixedU128, Perbill};

use super::governance::{
    origins::{EmissionAdmin, ProviderAdmin, ProviderFreezer},
    tracks::{
        ids::{PROVIDER_ADMIN, PROVIDER_FREEZER, ROOT},
        longest_path,
    },
    TreasuryAccount,
};
use crate::{
    AccountId, Balance, Balances, Runtime, RuntimeHoldReason, CAPA, DAYS, EPOCH_LENGTH, HOURS,
    MINUTES,
};

parameter_types! {
    /// The reward pot of pallet-burn-mint.
    pub const BurnMintPalletId: PalletId = PalletId(*b"capa/bnm");
    /// Hard cap on total issuance: one billion CAPA. No parameter change can mint past it.
    pub const MaxTotalSupply: Option<Balance> = Some(presets::MAX_TOTAL_SUPPLY);
    /// No parameter set may choose a usage reward above 90% of the tokens burned for the
    /// credits served.
    pub const MaxUsageRewardCap: Perbill = presets::MAX_USAGE_REWARD_CAP;
    /// No parameter set may choose a usage reward cap and an availability share that add up to
    /// more than 90%: a group buying compute from itself gets back at most that share of its
    /// burn, so it always loses at least 10% (the bound of `capacloud-economics`, section
    /// Guarantees).
    pub const MaxSelfDealingReturn: Perbill = presets::MAX_SELF_DEALING_RETURN;
    /// Epochs of at least an hour (five blocks with `fast-runtime`, whose default epoch is ten).
    pub const MinEpochLength: u32 = prod_or_fast!(HOURS, 5);
    /// No parameter set may move the edges of the emission band in force by more than 25% per
    /// epoch. With the shortest epoch, a referendum can at most double the floor in a little
    /// over three hours and lift it from the 0.01 CAPA of the presets to the 100 CAPA hard cap
    /// in no less than about 41 hours (the presets step 5% a day).
    pub const MaxStepPerEpoch: Perbill = presets::MAX_STEP_PER_EPOCH;
    /// No provider can leave and withdraw its bond before a slash decided by a referendum
    /// that `ReputationOrigin` accepts is enacted: the unbonding period is at least the
    /// longest path of every such track (`root`: prepare + decision + confirm + enactment,
    /// 16 days 2 hours; `provider_admin`: 7 days 4 hours 10 minutes) plus a day to notice the
    /// misbehaviour, submit the referendum and wait for a deciding slot (with `fast-runtime`:
    /// 106 blocks plus 10 minutes).
    pub const MinUnbondingPeriod: u32 =
        max(longest_path(ROOT), longest_path(PROVIDER_ADMIN)) + prod_or_fast!(DAYS, 10 * MINUTES);
}

/// Blocks to notice a misbehaviour and submit a freeze (an hour in production; none with
/// `fast-runtime`, whose tracks pass in blocks).
pub const FREEZE_MARGIN: u32 = prod_or_fast!(HOURS, 0);

/// Epochs a provider's rewards stay locked after their epoch closes: enough epochs of the
/// shortest length a referendum may choose to cover the `provider_freezer` track's longest
/// path plus [`FREEZE_MARGIN`] (production: 2 h 21 min + 1 h over 1-hour epochs, 4 epochs;
/// `fast-runtime`: 5 blocks over 5-block epochs, 1 epoch).
pub const REWARD_DELAY: u32 =
    (longest_path(PROVIDER_FREEZER) + FREEZE_MARGIN).div_ceil(MinEpochLength::get());

// Checked when the runtime compiles: a freeze submitted within the margin after an epoch
// closes is enacted before that epoch's rewards unlock, however short a referendum makes the
// epochs; and it lands well before a bond could be withdrawn.
const _: () = assert!(
    REWARD_DELAY * MinEpochLength::get() >= longest_path(PROVIDER_FREEZER) + FREEZE_MARGIN
        && longest_path(PROVIDER_FREEZER) < MinUnbondingPeriod::get()
);

/// The larger of two block counts, in a constant.
const fn max(a: u32, b: u32) -> u32 {
    if a > b {
        a
    } else {
        b
    }
}

// Checked when the runtime compiles: no provider can withdraw its bond before a slash decided on
// any track whose origin `ReputationOrigin` accepts (Root and `provider_admin`) is enacted.
const _: () = assert!(
    MinUnbondingPeriod::get() > longest_path(ROOT)
        && MinUnbondingPeriod::get() > longest_path(PROVIDER_ADMIN)
);

impl pallet_burn_mint::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    /// Root or an `emission_admin` referendum (see [`super::governance`] for the reasoning).
    type AdminOrigin = EitherOf<EnsureRoot<AccountId>, EmissionAdmin>;
    /// Root or a `provider_admin` referendum.
    type ReputationOrigin = EitherOf<EnsureRoot<AccountId>, ProviderAdmin>;
    /// Root, or a `provider_admin` or (fast) `provider_freezer` referendum.
    type FreezeOrigin = EitherOf<EnsureRoot<AccountId>, EitherOf<ProviderAdmin, ProviderFreezer>>;
    /// Root or an `emission_admin` referendum: the feeder set decides the credit price.
    type FeederAdminOrigin = EitherOf<EnsureRoot<AccountId>, EmissionAdmin>;
    /// Root or a `provider_admin` referendum: the verifiers decide whose capacity counts.
    type VerifierAdminOrigin = EitherOf<EnsureRoot<AccountId>, ProviderAdmin>;
    type PalletId = BurnMintPalletId;
    type TreasuryAccount = TreasuryAccount;
    /// 100 CAPA per block at most, whatever governance decides (about 525 million a year).
    type MaxEmissionPerBlock = ConstU128<{ presets::MAX_EMISSION_PER_BLOCK }>;
    type MaxTotalSupply = MaxTotalSupply;
    type MinEpochLength = MinEpochLength;
    /// Epochs of at most 30 days (the presets' limit, at this build's timing).
    type MaxEpochLength = ConstU32<{ TIMING.max_epoch_length() }>;
    type MaxStepPerEpoch = MaxStepPerEpoch;
    type MaxUsageRewardCap = MaxUsageRewardCap;
    type MaxSelfDealingReturn = MaxSelfDealingReturn;
    /// A year of 365 days of this build's blocks: the unit of the inflation target.
    type BlocksPerYear = ConstU32<{ TIMING.blocks_per_year() }>;
    /// Capacity units per provider: e.g. 1_000 GPUs of class weight 100 (the presets'
    /// constant, which the simulator applies too).
    type MaxCapacity = ConstU32<{ presets::MAX_CAPACITY }>;
    type MaxPriceFeeders = ConstU32<16>;
    type MaxCapacityVerifiers = ConstU32<16>;
    type MinUnbondingPeriod = MinUnbondingPeriod;
    /// Rewards of an epoch stay locked for [`REWARD_DELAY`] more epochs after it closes (4 in
    /// production: four days of daily epochs, at least four hours if a referendum shortens
    /// them), during which a freeze holds them and a removal forfeits them.
    type RewardDelay = ConstU32<REWARD_DELAY>;
    /// Reward pools are kept for 30 epochs (a month of daily epochs); unclaimed rewards are
    /// burned after that.
    type RewardClaimWindow = ConstU32<{ presets::REWARD_CLAIM_WINDOW }>;
    /// Ninety closed epochs of books (three months of daily epochs).
    type LedgerRetention = ConstU32<{ presets::LEDGER_RETENTION }>;
    type TokenUnit = ConstU128<CAPA>;
    /// One credit is 0.001 of the stable unit (think 0.001 USD).
    type CreditsPerStableUnit = ConstU128<{ presets::CREDITS_PER_STABLE_UNIT }>;
    /// A year of daily epochs.
    type MaxPreviewEpochs = ConstU32<366>;
    type WeightInfo = pallet_burn_mint::weights::SubstrateWeight<Runtime>;
}

/// The lengths the default parameters depend on, in this build's blocks (the production values,
/// [`presets::Timing::production`], unless built with `fast-runtime`).
pub const TIMING: presets::Timing = presets::Timing {
    day: DAYS,
    epoch_length: EPOCH_LENGTH,
    price_max_age: prod_or_fast!(HOURS, 6 * MINUTES),
    unbonding_period: prod_or_fast!(21 * DAYS, 30 * MINUTES),
    min_epoch_length: MinEpochLength::get(),
    min_unbonding_period: MinUnbondingPeriod::get(),
    liveness_windows: prod_or_fast!(24, 2),
    reward_delay: REWARD_DELAY,
};

// A production build's timing is the one the simulator's baseline and the economics crate's
// tests use.
#[cfg(not(feature = "fast-runtime"))]
const _: () = {
    let production = presets::Timing::production();
    assert!(
        TIMING.day == production.day
            && TIMING.epoch_length == production.epoch_length
            && TIMING.price_max_age == production.price_max_age
            && TIMING.unbonding_period == production.unbonding_period
            && TIMING.min_epoch_length == production.min_epoch_length
            && TIMING.min_unbonding_period == production.min_unbonding_period
            && TIMING.liveness_windows == production.liveness_windows
            && TIMING.reward_delay == production.reward_delay
    );
};

/// The economic parameters of the development and local chains (the genesis presets) and of
/// specs written by `scripts/chain-spec`: [`presets::default_parameters`] (where each value is
/// explained) at this build's [`TIMING`]. In a `fast-runtime` build: 10-block epochs, prices
/// stale after six minutes, 30 minutes of unbonding.
pub fn default_parameters() -> Parameters {
    presets::default_parameters(&TIMING)
}

/// Initial CAPA price fed by Alice at genesis: 0.50 stable units (think USD) per CAPA, so one
/// CAPA buys 500 credits ([`presets::INITIAL_PRICE`]).
pub fn initial_price() -> FixedU128 {
    presets::INITIAL_PRICE
}
