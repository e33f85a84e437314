//! Default implementations of the pallet's [`DefaultConfig`](crate::pallet::DefaultConfig), for
//! test runtimes: `#[derive_impl(pallet_burn_mint::config_preludes::TestDefaultConfig)]` then
//! sets only what cannot have a default (the currency, the hold reason, the origins, the
//! treasury account) and what a test varies.

use crate::{economics::Amount, pallet::DefaultConfig};
use frame_support::{
    derive_impl,
    pallet_prelude::inject_runtime_type,
    parameter_types,
    traits::{ConstU128, ConstU32},
    PalletId,
};
use sp_arithmetic::Perbill;

/// The pallet mock's hard limits (`mock.rs`): 5- to 1,000-block epochs, emission at most
/// 100,000 a block, no supply cap, a year of 3,650 blocks, tokens of 1,000 plancks and 1,000
/// credits per stable unit, rewards claimable as soon as their epoch closes and kept for 10
/// epochs, 100 epochs of ledger.
pub struct TestDefaultConfig;

/// One whole token in plancks in [`TestDefaultConfig`] (`TokenUnit`).
pub const TOKEN_UNIT: Amount = 1_000;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
impl frame_system::DefaultConfig for TestDefaultConfig {}

parameter_types! {
    /// The reward pot's id.
    pub const TestPalletId: PalletId = PalletId(*b"capa/bmp");
    /// No cap on total issuance.
    pub const NoSupplyCap: Option<Amount> = None;
    /// A parameter set may move emission by up to half an epoch.
    pub const TestMaxStep: Perbill = Perbill::from_percent(50);
    /// The usage reward cap may reach 95%.
    pub const TestMaxUsageRewardCap: Perbill = Perbill::from_percent(95);
    /// A self-dealing group may get back up to 90% of what it burns.
    pub const TestMaxSelfDealingReturn: Perbill = Perbill::from_percent(90);
}

#[frame_support::register_default_impl(TestDefaultConfig)]
impl DefaultConfig for TestDefaultConfig {
    type PalletId = TestPalletId;
    type MaxEmissionPerBlock = ConstU128<100_000>;
    type MaxTotalSupply = NoSupplyCap;
    type MinEpochLength = ConstU32<5>;
    type MaxEpochLength = ConstU32<1_000>;
    type MaxStepPerEpoch = TestMaxStep;
    type MaxUsageRewardCap = TestMaxUsageRewardCap;
    type MaxSelfDealingReturn = TestMaxSelfDealingReturn;
    type BlocksPerYear = ConstU32<3_650>;
    type MaxCapacity = ConstU32<10_000>;
    type MaxPriceFeeders = ConstU32<8>;
    type MaxCapacityVerifiers = ConstU32<4>;
    type MinUnbondingPeriod = ConstU32<15>;
    type RewardDelay = ConstU32<0>;
    type RewardClaimWindow = ConstU32<10>;
    type LedgerRetention = ConstU32<100>;
    type TokenUnit = ConstU128<TOKEN_UNIT>;
    type CreditsPerStableUnit = ConstU128<1_000>;
    type MaxPreviewEpochs = ConstU32<64>;
    type WeightInfo = ();
}
