//! On-chain governance (OpenGov): token holders change the economics by referendum. Configures
//! preimage, scheduler, conviction voting, referenda, the custom origins and the treasury.
//!
//! - **pallet-preimage** stores proposed calls; the proposer's deposit is a *hold*.
//! - **pallet-referenda** runs referenda on the tracks of [`tracks`]; a referendum's track is
//!   chosen by the origin its call asks for.
//! - **pallet-conviction-voting** counts votes: locking tokens longer multiplies their weight.
//! - **pallet-scheduler** enacts approved calls (and wakes referenda up at their deadlines).
//! - **[`origins`]** declares the custom origins (`EmissionAdmin`, `Treasurer`, ...).
//! - **pallet-treasury** is the ecosystem fund: it receives the ecosystem share of every block's
//!   emission and the unburned share of transaction fees (both paid by pallet-burn-mint to its
//!   account), and spends by `treasurer` (or `root`) referendum.
//!
//! Who may do what in pallet-burn-mint (configured in [`super::burn_mint`]):
//! - `AdminOrigin` (`set_parameters`): Root or `EmissionAdmin`. The `emission_admin` track can
//!   do nothing else: no other pallet accepts `EmissionAdmin`.
//! - `FeederAdminOrigin` (`set_price_feeders`): Root or `EmissionAdmin`. The feeder set decides
//!   the token price at which credits are sold, so it is an economic parameter and changes on
//!   the same track as the other parameters.
//! - `ReputationOrigin` (`set_reputation`, `slash_provider`, `remove_provider`,
//!   `unfreeze_provider`): Root or `ProviderAdmin`. Judging a single provider is operational,
//!   not economic: it has its own track with a shorter confirmation and enactment, so that
//!   misbehaviour is dealt with in hours, not days.
//! - `FreezeOrigin` (`freeze_provider`): Root, `ProviderAdmin` or `ProviderFreezer`, whose
//!   track decides in two hours: a provider is frozen before the rewards of the epoch it
//!   misbehaved in unlock, and stays frozen while the removal referendum runs.
//!
//! Sudo: the runtime keeps pallet-sudo so that development and local chains (whose presets set
//! Alice as the key) can be driven by hand. A production chain spec sets no sudo key (`"sudo":
//! {"key": null}`), which leaves `sudo` without any account able to call it; every privileged
//! change then goes through these referenda.
//!
//! Durations are written as `prod_or_fast!(production, fast-runtime)` (the crate's macro): on a
//! dev chain built with `fast-runtime`, a referendum passes in minutes.

pub mod origins;
pub mod tracks;

use frame_support::{
    parameter_types,
    traits::{
        fungible::HoldConsideration,
        tokens::{Pay, PayFromAccount, PaymentStatus, UnityAssetBalanceConversion},
        AsEnsureOriginWithArg, ConstU32, EitherOf, EqualPrivilegeOnly, LinearStoragePrice,
    },
    weights::Weight,
    PalletId,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureSigned, EnsureWithSuccess};
use sp_runtime::{
    traits::{AccountIdConversion, IdentityLookup},
    DispatchError, Perbill,
};

use super::RuntimeBlockWeights;
use crate::{
    AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
    RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, Treasury, CAPA,
    DAYS, MILLI_CAPA, MINUTES,
};
use origins::{ReferendumCanceller, ReferendumKiller, Treasurer};

parameter_types! {
    /// Storing a preimage holds 1 CAPA plus 0.001 CAPA per byte (about 1.1 CAPA for a
    /// `set_parameters` call): cheap for a real proposal, costly for spam. Returned when the
    /// preimage is removed.
    pub const PreimageBaseDeposit: Balance = CAPA;
    /// See [`PreimageBaseDeposit`].
    pub const PreimageByteDeposit: Balance = MILLI_CAPA;
    /// The hold reason of preimage deposits.
    pub const PreimageHoldReason: RuntimeHoldReason =
        RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = crate::weights::pallet_preimage::WeightInfo<Runtime>;
    type Currency = Balances;
    type ManagerOrigin = EnsureRoot<AccountId>;
    type Consideration = HoldConsideration<
        AccountId,
        Balances,
        PreimageHoldReason,
        LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
    >;
}

parameter_types! {
    /// Scheduled calls (enacted referenda) may use up to 80% of a block.
    pub MaximumSchedulerWeight: Weight =
        Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeOrigin = RuntimeOrigin;
    type PalletsOrigin = OriginCaller;
    type RuntimeCall = RuntimeCall;
    type MaximumWeight = MaximumSchedulerWeight;
    /// Only Root schedules directly; referenda schedule through the pallet's traits.
    type ScheduleOrigin = EnsureRoot<AccountId>;
    type OriginPrivilegeCmp = EqualPrivilegeOnly;
    type MaxScheduledPerBlock = ConstU32<50>;
    type WeightInfo = crate::weights::pallet_scheduler::WeightInfo<Runtime>;
    type Preimages = Preimage;
    type BlockNumberProvider = System;
}

parameter_types! {
    /// Base lock period of a conviction vote (multiplied by 1, 2, 4, ... 32 with conviction):
    /// a week, so that a 1x vote stays locked until a week after the referendum ends.
    pub const VoteLockingPeriod: BlockNumber = prod_or_fast!(7 * DAYS, MINUTES);
}

impl pallet_conviction_voting::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = crate::weights::pallet_conviction_voting::WeightInfo<Runtime>;
    type Currency = Balances;
    type Polls = Referenda;
    /// Support is measured against the active issuance (everything not deactivated).
    type MaxTurnout =
        frame_support::traits::tokens::currency::ActiveIssuanceOf<Balances, AccountId>;
    type MaxVotes = ConstU32<512>;
    type VoteLockingPeriod = VoteLockingPeriod;
    type BlockNumberProvider = System;
    type VotingHooks = ();
}

parameter_types! {
    /// Submitting a referendum holds 10 CAPA (returned when it ends unless it is killed).
    pub const SubmissionDeposit: Balance = 10 * CAPA;
    /// A referendum that never gets its decision deposit times out after two weeks.
    pub const UndecidingTimeout: BlockNumber = prod_or_fast!(14 * DAYS, 10 * MINUTES);
}

impl pallet_referenda::Config for Runtime {
    type RuntimeCall = RuntimeCall;
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = crate::weights::pallet_referenda::WeightInfo<Runtime>;
    type Scheduler = Scheduler;
    type Currency = Balances;
    /// Any account may propose, on any track.
    type SubmitOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
    type CancelOrigin = EitherOf<EnsureRoot<AccountId>, ReferendumCanceller>;
    type KillOrigin = EitherOf<EnsureRoot<AccountId>, ReferendumKiller>;
    /// Deposits of killed referenda go to the ecosystem treasury.
    type Slash = Treasury;
    type Votes = Balance;
    type Tally = pallet_conviction_voting::TallyOf<Runtime>;
    type SubmissionDeposit = SubmissionDeposit;
    type MaxQueued = ConstU32<100>;
    type UndecidingTimeout = UndecidingTimeout;
    type AlarmInterval = ConstU32<1>;
    type Tracks = tracks::TracksInfo;
    type Preimages = Preimage;
    type BlockNumberProvider = System;
}

impl origins::pallet_custom_origins::Config for Runtime {}

parameter_types! {
    /// pallet-treasury's id (the SDK's usual `py/trsry`); the treasury account derives from it.
    pub const TreasuryPalletId: PalletId = PalletId(*b"py/trsry");
    /// The ecosystem treasury account: pallet-treasury's account, to which pallet-burn-mint pays
    /// the ecosystem share of emission and the unburned share of fees.
    pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
    /// Approved spends are paid out every six days (every minute with `fast-runtime`).
    pub const SpendPeriod: BlockNumber = prod_or_fast!(6 * DAYS, MINUTES);
    /// A spend must be claimed within 30 days of becoming payable.
    pub const PayoutPeriod: BlockNumber = prod_or_fast!(30 * DAYS, 10 * MINUTES);
    /// The most one `treasurer` referendum may spend: 100,000 CAPA.
    pub const MaxTreasurerSpend: Balance = 100_000 * CAPA;
    /// Root may spend everything.
    pub const MaxBalance: Balance = Balance::MAX;
}

/// Pays treasury spends from the treasury account ([`PayFromAccount`]). Its benchmark setup
/// also gives the beneficiary the existential deposit: pallet-treasury's benchmarks pay amounts
/// below it to fresh accounts, which a real spend of that size could not do either.
pub struct TreasuryPaymaster;

type PayFromTreasury = PayFromAccount<Balances, TreasuryAccount>;

impl Pay for TreasuryPaymaster {
    type Balance = Balance;
    type Beneficiary = AccountId;
    type AssetKind = ();
    type Id = ();
    type Error = DispatchError;

    fn pay(who: &AccountId, asset: (), amount: Balance) -> Result<(), DispatchError> {
        PayFromTreasury::pay(who, asset, amount)
    }

    fn check_payment(id: ()) -> PaymentStatus {
        PayFromTreasury::check_payment(id)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn ensure_successful(who: &AccountId, asset: (), amount: Balance) {
        use frame_support::traits::fungible::Mutate;
        let _ = Balances::mint_into(who, crate::EXISTENTIAL_DEPOSIT);
        PayFromTreasury::ensure_successful(who, asset, amount)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn ensure_concluded(id: ()) {
        PayFromTreasury::ensure_concluded(id)
    }
}

impl pallet_treasury::Config for Runtime {
    type Currency = Balances;
    type RejectOrigin = EitherOf<EnsureRoot<AccountId>, Treasurer>;
    type RuntimeEvent = RuntimeEvent;
    type SpendPeriod = SpendPeriod;
    /// Nothing is burned from the treasury: supply control is pallet-burn-mint's job, and an
    /// automatic burn here would be a second, uncounted supply lever.
    type Burn = ();
    type PalletId = TreasuryPalletId;
    type BurnDestination = ();
    type WeightInfo = crate::weights::pallet_treasury::WeightInfo<Runtime>;
    type SpendFunds = ();
    type MaxApprovals = ConstU32<100>;
    type SpendOrigin = EitherOf<
        EnsureRootWithSuccess<AccountId, MaxBalance>,
        EnsureWithSuccess<Treasurer, AccountId, MaxTreasurerSpend>,
    >;
    /// The treasury only holds CAPA.
    type AssetKind = ();
    type Beneficiary = AccountId;
    type BeneficiaryLookup = IdentityLookup<AccountId>;
    type Paymaster = TreasuryPaymaster;
    type BalanceConverter = UnityAssetBalanceConversion;
    type PayoutPeriod = PayoutPeriod;
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = ();
    type BlockNumberProvider = System;
}
