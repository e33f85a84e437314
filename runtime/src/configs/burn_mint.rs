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
use pallet_burn_mint::economics::{ControllerMode, Parameters};
use sp_runtime::{FixedU128, Perbill, Permill};

use super::governance::{
    origins::{EmissionAdmin, ProviderAdmin},
    tracks::{ids::PROVIDER_ADMIN, longest_path},
    TreasuryAccount,
};
use crate::{
    AccountId, Balance, Balances, Runtime, RuntimeHoldReason, DAYS, EPOCH_LENGTH, HOURS,
    MILLI_UNITS, MINUTES, UNITS,
};

parameter_types! {
    /// The reward pot of pallet-burn-mint.
    pub const BurnMintPalletId: PalletId = PalletId(*b"capa/bnm");
    /// Hard cap on total issuance: one billion CAPA. No parameter change can mint past it.
    pub const MaxTotalSupply: Option<Balance> = Some(1_000_000_000 * UNITS);
    /// No parameter set may choose a usage reward above 90% of the tokens burned for the
    /// credits served, so buying compute from oneself always loses at least 10%.
    pub const MaxUsageRewardCap: Perbill = Perbill::from_percent(90);
    /// Epochs of at least an hour (five blocks with `fast-runtime`, whose default epoch is ten).
    pub const MinEpochLength: u32 = prod_or_fast!(HOURS, 5);
    /// No parameter set may move emission by more than 25% per epoch. With the shortest epoch,
    /// emission can at most double in a little over three hours and go from the 0.01 CAPA
    /// floor of the presets to the 100 CAPA hard cap in no less than about 41 hours, whatever
    /// one referendum decides (the presets step 5% a day).
    pub const MaxStepPerEpoch: Perbill = Perbill::from_percent(25);
    /// No provider can leave and withdraw its bond before a slash decided on the
    /// `provider_admin` track is enacted: the unbonding period is at least that track's
    /// longest path (prepare + decision + confirm + enactment: 7 days 4 hours 10 minutes) plus
    /// a day to notice the misbehaviour and submit the referendum (with `fast-runtime`: 106
    /// blocks plus 10 minutes).
    pub const MinUnbondingPeriod: u32 =
        longest_path(PROVIDER_ADMIN) + prod_or_fast!(DAYS, 10 * MINUTES);
}

// Checked when the runtime compiles: no provider can withdraw its bond before a slash decided on
// the `provider_admin` track is enacted.
const _: () = assert!(MinUnbondingPeriod::get() > longest_path(PROVIDER_ADMIN));

impl pallet_burn_mint::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    /// Root or an `emission_admin` referendum (see [`super::governance`] for the reasoning).
    type AdminOrigin = EitherOf<EnsureRoot<AccountId>, EmissionAdmin>;
    /// Root or a `provider_admin` referendum.
    type ReputationOrigin = EitherOf<EnsureRoot<AccountId>, ProviderAdmin>;
    /// Root or an `emission_admin` referendum: the feeder set decides the credit price.
    type FeederAdminOrigin = EitherOf<EnsureRoot<AccountId>, EmissionAdmin>;
    /// Root or a `provider_admin` referendum: the verifiers decide whose capacity counts.
    type VerifierAdminOrigin = EitherOf<EnsureRoot<AccountId>, ProviderAdmin>;
    type PalletId = BurnMintPalletId;
    type TreasuryAccount = TreasuryAccount;
    /// 100 CAPA per block at most, whatever governance decides (about 525 million a year).
    type MaxEmissionPerBlock = ConstU128<{ 100 * UNITS }>;
    type MaxTotalSupply = MaxTotalSupply;
    type MinEpochLength = MinEpochLength;
    /// Epochs of at most 30 days.
    type MaxEpochLength = ConstU32<{ 30 * DAYS }>;
    type MaxStepPerEpoch = MaxStepPerEpoch;
    type MaxUsageRewardCap = MaxUsageRewardCap;
    /// Capacity units per provider: e.g. 1_000 GPUs of class weight 100.
    type MaxCapacity = ConstU32<100_000>;
    type MaxPriceFeeders = ConstU32<16>;
    type MaxCapacityVerifiers = ConstU32<16>;
    type MinUnbondingPeriod = MinUnbondingPeriod;
    /// Rewards of an epoch stay locked for one more epoch after it closes (a day), during which
    /// a removal forfeits them.
    type RewardDelay = ConstU32<1>;
    /// Reward pools are kept for 30 epochs (a month of daily epochs); unclaimed rewards are
    /// burned after that.
    type RewardClaimWindow = ConstU32<30>;
    /// Ninety closed epochs of books (three months of daily epochs).
    type LedgerRetention = ConstU32<90>;
    type TokenUnit = ConstU128<UNITS>;
    /// One credit is 0.001 of the stable unit (think 0.001 USD).
    type CreditsPerStableUnit = ConstU128<1_000>;
    /// A year of daily epochs.
    type MaxPreviewEpochs = ConstU32<366>;
    type WeightInfo = pallet_burn_mint::weights::SubstrateWeight<Runtime>;
}

/// Epochs in a year at [`EPOCH_LENGTH`] (365 epochs, or 525,600 with `fast-runtime`).
const EPOCHS_PER_YEAR: u32 = 365 * DAYS / EPOCH_LENGTH;

/// The economic parameters of the development and local chains (the genesis presets), with the
/// reasoning:
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
/// - **unbonding 14 days** (30 minutes with `fast-runtime`): above [`MinUnbondingPeriod`];
/// - **bond 100 CAPA plus 1 CAPA per verified capacity unit**: a provider claiming 100,000
///   units risks 100,100 CAPA, so the availability share it can take is backed by its bond;
/// - **reputation**: new accounts start at 50% and gain 5% per capacity attestation; below
///   20% a provider is neither paid for compute nor earns availability.
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
        price_max_age: prod_or_fast!(HOURS, 6 * MINUTES),
        min_price_feeds: 1,
        unbonding_period: prod_or_fast!(14 * DAYS, 30 * MINUTES),
        min_provider_bond: 100 * UNITS,
        bond_per_capacity_unit: UNITS,
        initial_reputation: Permill::from_percent(50),
        min_reputation: Permill::from_percent(20),
        attestation_reputation_gain: Permill::from_percent(5),
    }
}

/// The parameters the storage v3 migration takes the new fields from (bond per capacity
/// unit, reputation settings) and raises the unbonding period to, for a chain whose
/// parameters predate them: the defaults above.
pub struct NewParameterFields;

impl frame_support::traits::Get<Parameters> for NewParameterFields {
    fn get() -> Parameters {
        default_parameters()
    }
}

/// Initial CAPA price fed by Alice at genesis: 0.50 stable units (think USD) per CAPA, so one
/// CAPA buys 500 credits.
pub fn initial_price() -> FixedU128 {
    FixedU128::from_rational(1, 2)
}
