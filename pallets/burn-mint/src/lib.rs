//! # pallet-burn-mint
//!
//! A burn-and-mint equilibrium for GPU compute: users **burn** tokens to buy compute credits and
//! spend those credits with GPU providers; every block the pallet **mints** an emission that
//! rewards providers and funds the ecosystem treasury; a **controller**, bounded by hard caps,
//! sets that emission each epoch so that supply follows real usage.
//!
//! ## The model
//!
//! The model (burn, mint, providers, controller, governance), its risks and the attacks it
//! answers are described once, in the crate's `README.md`, with a worked example whose every
//! number the test `tests::worked_example` reads from the chain. The bounds and their proofs
//! are in the economics crate's docs ([`economics`]) and in `docs/threat-model.md`. In short:
//! [`Pallet::buy_credits`] burns tokens for compute credits, [`Pallet::spend_credits`] and
//! [`Pallet::pay_for_compute`] record the credits a provider served; `on_initialize` mints each
//! block's emission into the reward pot ([`economics::EmissionAccrual`], lazily) and each epoch
//! boundary runs [`economics::plan_epoch_close`]: reward pools for usage (at most
//! `usage_reward_cap` of the tokens burned for what was served) and for availability (to the
//! providers that proved liveness with [`Pallet::heartbeat`]), the treasury's share, and the
//! controller's next emission within the runtime's hard caps. Every parameter is one validated
//! [`economics::Parameters`], changed by [`Config::AdminOrigin`] from the next boundary on.
//!
//! ## Where things are
//!
//! [`economics`] (the `capacloud-economics` crate, re-exported) holds the pure economics,
//! including the epoch boundary as one plan ([`economics::plan_epoch_close`]) that this pallet
//! executes. `lib.rs` is the FRAME skeleton (config, storage, genesis, events, errors, hooks,
//! calls, view functions): each call checks its origin and calls one function of the module
//! that names its concept, which validates everything before it changes anything. The table
//! of files and what each holds is in the crate's README (section "Where things are").

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use capacloud_economics as economics;
pub mod config_preludes;
pub mod migrations;
pub mod queries;
pub mod runtime_api;
pub mod types;
pub mod weights;

mod credits;
mod dust_handler;
mod epoch;
mod errors;
mod events;
mod fee_handler;
mod impls;
mod parameters;
mod prices;
mod providers;
#[cfg(any(feature = "try-runtime", feature = "std", test))]
mod try_state;
mod verifiers;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use frame_support::pallet_macros::import_section;

pub use dust_handler::DustHandler;
pub use economics::{EpochBooks, Totals};
pub use fee_handler::FeeHandler;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// The most reward pools one epoch boundary expires. In the steady state a boundary expires
/// one (the pool that just left the claim window); after an upgrade lowered the window by
/// `d` epochs, the `d` pools it left behind are gone within `ceil(d / (MAX - 1))` boundaries.
/// The boundary's weight is benchmarked with this many.
pub const MAX_POOLS_EXPIRED_PER_BOUNDARY: u32 = 4;

// The events and errors are sections of the pallet in files of their own.
#[import_section(events::events)]
#[import_section(errors::errors)]
#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use alloc::vec::Vec;
    use economics::{Amount, Credits, Parameters, PathPoint, PoolFunds};
    use frame_support::{
        pallet_prelude::*,
        traits::fungible::{Balanced, Inspect, InspectHold, Mutate, MutateHold},
        PalletId,
    };
    use frame_system::pallet_prelude::*;
    use sp_arithmetic::{FixedU128, Perbill, Permill};

    /// The in-code storage version: 12, and 13 in the upgrade rehearsal's build
    /// (`migrations::rehearsal`, feature `upgrade-rehearsal`).
    const STORAGE_VERSION: StorageVersion =
        StorageVersion::new(if cfg!(feature = "upgrade-rehearsal") {
            13
        } else {
            12
        });

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    /// Configuration of the pallet: the runtime decides the currency, the origins and the hard
    /// limits no parameter set can cross.
    #[pallet::config(with_default)]
    pub trait Config: frame_system::Config {
        /// The native token. Its balance type is `u128`, the type of [`economics`].
        #[pallet::no_default]
        type Currency: Inspect<Self::AccountId, Balance = Amount>
            + Mutate<Self::AccountId>
            + Balanced<Self::AccountId>
            + InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

        /// The runtime's hold reason, of which [`HoldReason`] is a part.
        #[pallet::no_default]
        type RuntimeHoldReason: From<HoldReason>;

        /// May change the economic parameters (Root, or an OpenGov track).
        #[pallet::no_default]
        type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// May set providers' reputation and slash their bonds.
        #[pallet::no_default]
        type ReputationOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// May freeze a provider's rewards and bond pending a removal referendum: the runtime
        /// gives it a track whose longest path is shorter than [`Config::RewardDelay`] epochs,
        /// so that rewards of the epoch a misbehaviour was seen in cannot be claimed before
        /// the freeze lands. Lifting a freeze takes [`Config::ReputationOrigin`].
        #[pallet::no_default]
        type FreezeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// May replace the set of price feeders.
        #[pallet::no_default]
        type FeederAdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// May replace the set of capacity verifiers.
        #[pallet::no_default]
        type VerifierAdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Identifies the reward pot account.
        #[pallet::constant]
        type PalletId: Get<PalletId>;

        /// Receives the ecosystem share of emission and the unburned share of fees.
        #[pallet::no_default]
        type TreasuryAccount: Get<Self::AccountId>;

        /// Hard cap on the emission per block; no parameter set can exceed it.
        #[pallet::constant]
        type MaxEmissionPerBlock: Get<Amount>;

        /// Optional hard cap on total issuance; the pallet never mints past it.
        #[pallet::constant]
        type MaxTotalSupply: Get<Option<Amount>>;

        /// Shortest epoch a parameter set may choose, in blocks. With
        /// [`Config::MaxStepPerEpoch`] it bounds how fast emission can move in time, whatever a
        /// referendum decides.
        #[pallet::constant]
        type MinEpochLength: Get<u32>;

        /// Longest epoch a parameter set may choose, in blocks.
        #[pallet::constant]
        type MaxEpochLength: Get<u32>;

        /// Largest `max_step_per_epoch` a parameter set may choose.
        #[pallet::constant]
        type MaxStepPerEpoch: Get<Perbill>;

        /// Largest usage reward cap a parameter set may choose (must be below 100%).
        #[pallet::constant]
        type MaxUsageRewardCap: Get<Perbill>;

        /// Largest `usage_reward_cap + availability_share` a parameter set may choose: the most
        /// a self-dealing group can get back of what it burns (must be below 100%).
        #[pallet::constant]
        type MaxSelfDealingReturn: Get<Perbill>;

        /// Blocks in a year: the unit of the controller's `target_inflation_per_year`.
        #[pallet::constant]
        type BlocksPerYear: Get<u32>;

        /// Largest capacity a provider may declare.
        #[pallet::constant]
        type MaxCapacity: Get<u32>;

        /// Largest number of price feeders.
        #[pallet::constant]
        type MaxPriceFeeders: Get<u32>;

        /// Largest number of capacity verifiers.
        #[pallet::constant]
        type MaxCapacityVerifiers: Get<u32>;

        /// Shortest unbonding period a parameter set may choose, in blocks. The runtime sets it
        /// above the longest path of the referendum that can slash a provider, so that a
        /// provider cannot leave and withdraw before a slash it saw coming is enacted.
        #[pallet::constant]
        type MinUnbondingPeriod: Get<u32>;

        /// Epochs a provider's rewards stay locked after the epoch they were earned in has
        /// closed; removal by governance forfeits them meanwhile. The runtime derives it from
        /// the [`Config::FreezeOrigin`] track's longest path (plus a margin to notice and
        /// submit) over its shortest epoch, so a freeze outruns every unlock.
        #[pallet::constant]
        type RewardDelay: Get<u32>;

        /// Epochs a closed epoch's reward pools are kept for settlement; what is unclaimed
        /// after that is forfeited, burned and counted. At least `RewardDelay + 1`.
        #[pallet::constant]
        type RewardClaimWindow: Get<u32>;

        /// Number of closed epochs whose ledger entries are kept.
        #[pallet::constant]
        type LedgerRetention: Get<u32>;

        /// One whole token in the smallest unit (10^decimals).
        #[pallet::constant]
        type TokenUnit: Get<Amount>;

        /// Credits per stable unit of price (1_000: one credit is 0.001 of the unit).
        #[pallet::constant]
        type CreditsPerStableUnit: Get<u128>;

        /// Longest emission path [`Pallet::preview_emission`] computes.
        #[pallet::constant]
        type MaxPreviewEpochs: Get<u32>;

        /// Weights of this pallet's calls and hook.
        type WeightInfo: WeightInfo;
    }

    /// Reasons this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// A provider's bond.
        #[codec(index = 0)]
        ProviderBond,
        /// A capacity verifier's bond.
        #[codec(index = 1)]
        VerifierBond,
    }

    /// The parameters in force.
    ///
    /// Whitelisted for the benchmarks: the block hook reads it first in every block (and
    /// charges that read explicitly, [`Pallet::hook_whitelisted_weight`]), so every later read
    /// in the block is served from the overlay. Written only by the epoch boundary and the
    /// first configuration, which charge the write explicitly.
    #[pallet::storage]
    #[pallet::whitelist_storage]
    pub type ActiveParameters<T: Config> = StorageValue<_, Parameters, OptionQuery>;

    /// Parameters accepted by governance, applied at the next epoch boundary.
    #[pallet::storage]
    pub type PendingParameters<T: Config> = StorageValue<_, Parameters, OptionQuery>;

    /// The open epoch: bounds and the books kept by extrinsics.
    ///
    /// Whitelisted for the benchmarks: the block hook reads it first in every block (charging
    /// that read explicitly, [`Pallet::hook_whitelisted_weight`]), and every signed extrinsic
    /// already writes it through its fee ([`FeeHandler`] books the fee's burn here), a cost
    /// inside the runtime's base extrinsic weight, which `benchmark overhead` measures with
    /// signed, fee-paying transactions. A signed call that books something more writes the
    /// same value in the overlay; the block commits it once. Calls of other origins (the
    /// governance slashes and removals, the first configuration) and the epoch boundary
    /// charge their write explicitly.
    #[pallet::storage]
    #[pallet::whitelist_storage]
    pub type CurrentEpoch<T: Config> = StorageValue<_, EpochInfo<BlockNumberFor<T>>, ValueQuery>;

    /// The controller's state (emission per block in force, schedule, smoothed burn) and the
    /// open epoch's emission, accrued lazily, and what the pot owes (see
    /// [`economics::EmissionAccrual`]): a normal block reads it and writes nothing here.
    #[pallet::storage]
    pub type Emission<T: Config> = StorageValue<_, EmissionState<BlockNumberFor<T>>, ValueQuery>;

    /// The ledger: books of closed epochs, the last [`Config::LedgerRetention`] of them.
    #[pallet::storage]
    pub type Ledger<T: Config> = StorageMap<_, Twox64Concat, u32, EpochBooks, OptionQuery>;

    /// What the closed epochs that minted rewards minted into their reward pools (usage and
    /// availability), kept for lazy settlement for [`Config::RewardClaimWindow`] epochs: at
    /// most that many entries. Written when the pool is created and removed when it expires:
    /// what has been settled out of each is in [`PoolClaims`] ([`Pallet::reward_pool`] joins
    /// the two).
    #[pallet::storage]
    pub type RewardPools<T: Config> = StorageMap<_, Twox64Concat, u32, PoolFunds, OptionQuery>;

    /// What has been settled out of each reward pool in [`RewardPools`]: one entry per pool, by
    /// epoch ascending (at most [`MAX_REWARD_POOLS`]).
    ///
    /// Whitelisted for the benchmarks: settling a provider's work adds to it, and many
    /// settlements in a block would otherwise each pay a write of their pool. The block hook
    /// charges one read and one write of it in every block
    /// ([`Pallet::hook_whitelisted_weight`]): the first access in a block reads it, every
    /// later one is served from the overlay, and the block commits it once.
    #[pallet::storage]
    #[pallet::whitelist_storage]
    pub type PoolClaims<T: Config> = StorageValue<_, PoolClaimsOf, ValueQuery>;

    /// Accounts whose capacity attestations count, sorted.
    #[pallet::storage]
    pub type CapacityVerifiers<T: Config> =
        StorageValue<_, BoundedVec<T::AccountId, T::MaxCapacityVerifiers>, ValueQuery>;

    /// Bonds of capacity verifiers and of candidates (each entry was created by a bond of at
    /// least the parameters' `verifier_bond`, so storage is paid for), removed when withdrawn.
    #[pallet::storage]
    pub type VerifierBonds<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, VerifierBond<BlockNumberFor<T>>, OptionQuery>;

    /// Each provider's capacity attestations by the current verifiers: at most
    /// [`Config::MaxCapacityVerifiers`] votes, removed with the provider's record.
    #[pallet::storage]
    pub type Attestations<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, CapacityAttestations<T>, OptionQuery>;

    /// Each account's provider history (reputation, slashes, removals), kept when it leaves so
    /// that registering again does not reset it. An entry holds a consumer reference on its
    /// account (which therefore keeps its existential deposit) until the account, no longer a
    /// provider, forgets it ([`Pallet::forget_history`]).
    #[pallet::storage]
    pub type History<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, ProviderHistory, OptionQuery>;

    /// Registered providers.
    #[pallet::storage]
    pub type Providers<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, Provider<BlockNumberFor<T>>, OptionQuery>;

    /// Number of registered providers.
    #[pallet::storage]
    pub type ProviderCount<T: Config> = StorageValue<_, u32, ValueQuery>;

    /// Compute credits of each account. Their sum is [`Totals::credits_outstanding`]. An
    /// entry holds a consumer reference on its account, so that an account holding credits
    /// keeps its existential deposit and is never reaped under them; spending the last
    /// credit removes both.
    #[pallet::storage]
    pub type CreditBalances<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, CreditAccount, ValueQuery>;

    /// The accounts allowed to submit prices, sorted, each with its latest submission: one
    /// storage item, so that a price quote is one read whatever the number of feeders.
    #[pallet::storage]
    pub type PriceFeeders<T: Config> = StorageValue<
        _,
        BoundedVec<PriceFeed<T::AccountId, BlockNumberFor<T>>, T::MaxPriceFeeders>,
        ValueQuery,
    >;

    /// The price in force as last computed: the price sold at while enough fresh feeds agree,
    /// and the reference that bounds how far the next price may move ([`Parameters::max_price_change_per_block`]). Written by
    /// [`Pallet::submit_price`] whenever enough fresh feeds agree; read through
    /// [`Pallet::current_price`].
    #[pallet::storage]
    pub type LastPrice<T: Config> = StorageValue<_, PriceInForce<BlockNumberFor<T>>, OptionQuery>;

    /// Genesis: parameters, initial emission, price feeders and optional initial prices.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// The parameters in force from block 1. `None` leaves the pallet inert (no emission)
        /// until governance sets parameters.
        pub parameters: Option<Parameters>,
        /// Emission per block of the first epoch (also the fixed schedule's starting target).
        pub initial_emission_per_block: Amount,
        /// Accounts allowed to submit prices.
        pub price_feeders: Vec<T::AccountId>,
        /// A price to seed every feeder with at genesis (stable units per token), if any.
        pub initial_price: Option<FixedU128>,
        /// Accounts whose capacity attestations count. With parameters, each holds their
        /// `verifier_bond` from genesis (and must have the funds).
        pub capacity_verifiers: Vec<T::AccountId>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            Pallet::<T>::build_genesis(self);
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Closes the epoch when it is over, then mints this block's emission. O(1) and, on a
        /// normal block, one write: the reward pot's balance, which receives the block's
        /// treasury and availability shares. The rest of the accounting is lazy ([`Emission`]).
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            Self::on_block(now)
        }

        fn integrity_test() {
            Self::check_config();
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Registers the caller as a GPU provider declaring `capacity` units, holding `bond`.
        /// Its capacity earns availability once a capacity verifier attests it
        /// ([`Pallet::attest_capacity`]); its reputation is what its account last had, or the
        /// parameters' initial reputation (at most their minimum: a fresh account earns more
        /// only by epochs of proven service).
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_provider())]
        pub fn register_provider(
            origin: OriginFor<T>,
            capacity: u32,
            bond: Amount,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_register_provider(who, capacity, bond)
        }

        /// Changes the caller's declared capacity. A decrease applies to its verified capacity
        /// at once (in the open epoch too); an increase waits for the verifiers' attestations.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::update_capacity())]
        pub fn update_capacity(origin: OriginFor<T>, capacity: u32) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_update_capacity(who, capacity)
        }

        /// Marks the caller unavailable: no new rewards (its availability in the open epoch is
        /// forfeited), no new usage, bond kept.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::pause())]
        pub fn pause(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_pause(who)
        }

        /// Makes a paused provider available again, if its bond covers its verified capacity
        /// (a provider paused by a slash re-bonds first with [`Pallet::bond_extra`]). It may
        /// prove liveness from the next epoch on.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::resume())]
        pub fn resume(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_resume(who)
        }

        /// Starts leaving: earns nothing new from now on (its availability in the open epoch is
        /// forfeited), keeps what it earned; the bond can be withdrawn after the unbonding
        /// period, and stays slashable until then.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::leave())]
        pub fn leave(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_leave(who)
        }

        /// Releases a leaving provider's bond once the unbonding period has passed. Unclaimed
        /// rewards stay claimable; the record is removed once nothing is owed.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::withdraw_bond())]
        pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_withdraw_bond(who)
        }

        /// Sets a provider's reputation, which weights its availability points from now on
        /// (below the parameters' minimum it earns nothing and cannot be paid). It is kept in
        /// the account's history.
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::set_reputation().saturating_add(Pallet::<T>::governance_books_write()))]
        pub fn set_reputation(
            origin: OriginFor<T>,
            provider: T::AccountId,
            reputation: Permill,
        ) -> DispatchResult {
            T::ReputationOrigin::ensure_origin(origin)?;
            Self::do_set_reputation(provider, reputation)
        }

        /// Slashes `share` of a provider's bond; the slashed tokens are burned. The same share
        /// of its reputation goes too (rounded down), with the points it gave in the open
        /// epoch. A provider left with less bond than its verified capacity requires is paused
        /// until it re-bonds. Works on leaving providers too, until they withdraw.
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::slash_provider().saturating_add(Pallet::<T>::governance_books_write()))]
        pub fn slash_provider(
            origin: OriginFor<T>,
            provider: T::AccountId,
            share: Perbill,
        ) -> DispatchResult {
            T::ReputationOrigin::ensure_origin(origin)?;
            Self::do_slash_provider(provider, share)
        }

        /// Burns `amount` tokens from the caller for compute credits at the current median price.
        /// Fails if that buys fewer than `min_credits`, or if the price is stale.
        #[pallet::call_index(8)]
        #[pallet::weight(T::WeightInfo::buy_credits(T::MaxPriceFeeders::get()))]
        pub fn buy_credits(
            origin: OriginFor<T>,
            amount: Amount,
            min_credits: Credits,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_buy_credits(who, amount, min_credits)
        }

        /// Spends `credits` of the caller's credits with an active provider: the credits are
        /// destroyed and counted as the provider's served usage in this epoch. Charged its
        /// open-epoch weight unless the provider's closed-epoch work had to be settled first.
        #[pallet::call_index(9)]
        #[pallet::weight(T::WeightInfo::spend_credits())]
        pub fn spend_credits(
            origin: OriginFor<T>,
            provider: T::AccountId,
            credits: Credits,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let settled = Self::do_spend_credits(who, provider, credits)?;
            Ok((!settled)
                .then(T::WeightInfo::spend_credits_open_epoch)
                .into())
        }

        /// Burns `amount` tokens for credits and spends them all with `provider`, in one call.
        /// The credits never reach the caller's credit balance: their basis is exactly
        /// `amount`, whatever other credits the caller holds. Charged its open-epoch weight
        /// unless the provider's closed-epoch work had to be settled first (once per provider
        /// and epoch at most).
        #[pallet::call_index(10)]
        #[pallet::weight(T::WeightInfo::pay_for_compute(T::MaxPriceFeeders::get()))]
        pub fn pay_for_compute(
            origin: OriginFor<T>,
            provider: T::AccountId,
            amount: Amount,
            min_credits: Credits,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let settled = Self::do_pay_for_compute(who, provider, amount, min_credits)?;
            Ok((!settled)
                .then(|| T::WeightInfo::pay_for_compute_open_epoch(T::MaxPriceFeeders::get()))
                .into())
        }

        /// Pays a provider everything it may claim now. Anyone may trigger it; the provider is
        /// paid. Rewards of an epoch are claimable once the epoch has closed and
        /// [`Config::RewardDelay`] more epochs have passed. The record of a provider that has
        /// left, withdrawn its bond and is owed nothing more is removed.
        #[pallet::call_index(11)]
        #[pallet::weight(T::WeightInfo::claim_rewards())]
        pub fn claim_rewards(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
            ensure_signed(origin)?;
            Self::do_claim_rewards(provider)
        }

        /// Submits the caller's price: stable units per whole token, its market as it sees it
        /// (stored as submitted, however far from the price in force). The submission
        /// recomputes the price in force: when at least `min_price_feeds` fresh feeds lie
        /// within [`Parameters::max_price_deviation`] of their median, the price moves towards
        /// it by at most [`Parameters::max_price_change_per_block`], once per block
        /// ([`Event::PriceMovementLimited`] when the bound binds).
        #[pallet::call_index(12)]
        #[pallet::weight(T::WeightInfo::submit_price())]
        pub fn submit_price(origin: OriginFor<T>, price: FixedU128) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_submit_price(who, price)
        }

        /// Replaces the set of price feeders (at most [`Config::MaxPriceFeeders`]; duplicates
        /// count once). The parameters' `min_price_feeds` must stay a majority of the new set.
        /// Feeders that stay keep their latest submission; submissions of removed feeders are
        /// deleted.
        #[pallet::call_index(13)]
        #[pallet::weight(T::WeightInfo::set_price_feeders(T::MaxPriceFeeders::get()))]
        pub fn set_price_feeders(
            origin: OriginFor<T>,
            feeders: BoundedVec<T::AccountId, T::MaxPriceFeeders>,
        ) -> DispatchResult {
            T::FeederAdminOrigin::ensure_origin(origin)?;
            // Bounded by the call's type: a longer list does not even decode.
            Self::do_set_price_feeders(feeders.into_inner())
        }

        /// Accepts a new parameter set; it takes effect at the next epoch boundary (or now, if
        /// the pallet had no parameters yet: the first epoch then starts in this block).
        #[pallet::call_index(14)]
        // The first configuration writes the whitelisted parameters and epoch.
        #[pallet::weight(T::WeightInfo::set_parameters().saturating_add(T::DbWeight::get().writes(2)))]
        pub fn set_parameters(origin: OriginFor<T>, parameters: Parameters) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            Self::do_set_parameters(parameters)
        }

        /// Proves the caller live in the liveness window of the open epoch the block lies in
        /// (the parameters' `liveness_windows` cut each epoch into equal windows): its
        /// availability points (verified capacity × reputation) × the share of the epoch's
        /// windows it has proved join the epoch's availability pool, shared at the close pro
        /// rata among the providers that proved liveness. A provider that is there all epoch
        /// sends one heartbeat a window; a second one in a window only refreshes the points
        /// (after a reputation change, say). Only this call proves liveness: credits
        /// paid to a provider do not (anyone could pay any provider one credit). The heartbeat
        /// that proves the last of the epoch's windows completes an epoch of proven service:
        /// the provider's reputation rises by the parameters' `service_reputation_gain` (once
        /// an epoch, up to 100%). Fails
        /// with [`Error::BondTooLow`] when the bond no longer covers the verified capacity (a
        /// requirement governance raised applies here to existing providers).
        #[pallet::call_index(15)]
        #[pallet::weight(T::WeightInfo::heartbeat())]
        pub fn heartbeat(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_heartbeat(who)
        }

        /// A capacity verifier attests `capacity` units of a provider (at most what it
        /// declared): the result of an off-chain GPU benchmark or a confidential-computing
        /// attestation. The provider's bond must cover the attested capacity; a verifier may
        /// not attest itself. The verified capacity is what at least `min_capacity_attestations`
        /// verifiers attested ([`economics::agreed_capacity`]); a change, up or down, counts
        /// toward availability from the next epoch on. The verifier must hold the parameters'
        /// `verifier_bond` ([`Pallet::bond_verifier`]). An attestation never changes the
        /// provider's reputation (service does: [`Pallet::heartbeat`]).
        #[pallet::call_index(16)]
        #[pallet::weight(T::WeightInfo::attest_capacity())]
        pub fn attest_capacity(
            origin: OriginFor<T>,
            provider: T::AccountId,
            capacity: u32,
        ) -> DispatchResult {
            let verifier = ensure_signed(origin)?;
            Self::do_attest_capacity(verifier, provider, capacity)
        }

        /// Replaces the set of capacity verifiers (at most [`Config::MaxCapacityVerifiers`];
        /// duplicates count once). `min_capacity_attestations` must stay a majority of the new
        /// set. Attestations of removed verifiers stop counting: a provider's verified capacity
        /// is agreed again without them at its next heartbeat or attestation, and the change
        /// counts from the next epoch.
        #[pallet::call_index(17)]
        #[pallet::weight(T::WeightInfo::set_capacity_verifiers(T::MaxCapacityVerifiers::get()))]
        pub fn set_capacity_verifiers(
            origin: OriginFor<T>,
            verifiers: BoundedVec<T::AccountId, T::MaxCapacityVerifiers>,
        ) -> DispatchResult {
            T::VerifierAdminOrigin::ensure_origin(origin)?;
            Self::do_set_capacity_verifiers(verifiers.into_inner())
        }

        /// Adds `amount` to the caller's bond (to cover more verified capacity, or to re-bond
        /// after a slash before resuming).
        #[pallet::call_index(18)]
        #[pallet::weight(T::WeightInfo::bond_extra())]
        pub fn bond_extra(origin: OriginFor<T>, amount: Amount) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_bond_extra(who, amount)
        }

        /// Removes a provider: slashes `share` of its bond (burned), forfeits every reward it
        /// has not claimed (claimable, locked, and its unsettled work; burned and counted),
        /// releases the rest of its bond and deletes the record. Its account's history keeps
        /// the removal and a reputation of zero, so registering again earns nothing until
        /// governance restores it.
        #[pallet::call_index(19)]
        #[pallet::weight(T::WeightInfo::remove_provider().saturating_add(Pallet::<T>::governance_books_write()))]
        pub fn remove_provider(
            origin: OriginFor<T>,
            provider: T::AccountId,
            share: Perbill,
        ) -> DispatchResult {
            T::ReputationOrigin::ensure_origin(origin)?;
            Self::do_remove_provider(provider, share)
        }

        /// Freezes a provider pending a removal referendum: for [`Config::MinUnbondingPeriod`]
        /// blocks (longer than any referendum that may remove it) its rewards cannot be claimed
        /// nor its bond withdrawn; it keeps earning, and a removal forfeits everything it has
        /// not claimed. Freezing a frozen provider extends the freeze. Everything else of the
        /// provider is unchanged.
        #[pallet::call_index(20)]
        #[pallet::weight(T::WeightInfo::freeze_provider())]
        pub fn freeze_provider(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
            T::FreezeOrigin::ensure_origin(origin)?;
            Self::do_freeze_provider(provider)
        }

        /// Lifts a provider's freeze (a removal referendum failed, or the freeze was wrong).
        #[pallet::call_index(21)]
        #[pallet::weight(T::WeightInfo::unfreeze_provider())]
        pub fn unfreeze_provider(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
            T::ReputationOrigin::ensure_origin(origin)?;
            Self::do_unfreeze_provider(provider)
        }

        /// Holds `amount` more of the caller's tokens as its capacity verifier bond: what it
        /// risks for its attestations. A verifier attests only while its bond is at least the
        /// parameters' `verifier_bond`; a candidate bonds before the referendum that appoints
        /// it (a first bond is at least that much).
        #[pallet::call_index(22)]
        #[pallet::weight(T::WeightInfo::bond_verifier())]
        pub fn bond_verifier(origin: OriginFor<T>, amount: Amount) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_bond_verifier(who, amount)
        }

        /// Releases the caller's whole verifier bond: only out of the verifier set, and once
        /// [`Config::MinUnbondingPeriod`] blocks have passed since its last attestation (so
        /// that a slash for it, decided by referendum, lands first).
        #[pallet::call_index(23)]
        #[pallet::weight(T::WeightInfo::withdraw_verifier_bond())]
        pub fn withdraw_verifier_bond(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_withdraw_verifier_bond(who)
        }

        /// Slashes `share` of a verifier's bond (rounded down); the slashed tokens are burned
        /// and booked as a slash. Below the parameters' bond it attests no more until it
        /// bonds again; removing it from the set is a separate decision
        /// ([`Pallet::set_capacity_verifiers`]). Works on former verifiers until they withdraw.
        #[pallet::call_index(24)]
        #[pallet::weight(T::WeightInfo::slash_verifier().saturating_add(Pallet::<T>::governance_books_write()))]
        pub fn slash_verifier(
            origin: OriginFor<T>,
            verifier: T::AccountId,
            share: Perbill,
        ) -> DispatchResult {
            T::ReputationOrigin::ensure_origin(origin)?;
            Self::do_slash_verifier(verifier, share)
        }

        /// Drops the caller's provider history ([`History`]) once it is no longer a provider,
        /// with the account reference it held: an account with a history cannot be reaped
        /// (the existential deposit pays for the entry). Forgetting gains nothing a fresh
        /// account would not have: the caller registers again at the parameters'
        /// `initial_reputation`, which is at most `min_reputation`.
        #[pallet::call_index(25)]
        #[pallet::weight(T::WeightInfo::forget_history())]
        pub fn forget_history(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_forget_history(who)
        }
    }

    /// The pallet's queries, by the same names as the `BurnMintApi` runtime API (which calls
    /// them): see [`queries`].
    #[pallet::view_functions]
    impl<T: Config> Pallet<T> {
        /// Compute credits held by `who`.
        pub fn credits_of(who: T::AccountId) -> Credits {
            queries::credits_of::<T>(&who)
        }

        /// Rewards `provider` could claim now.
        pub fn pending_rewards(provider: T::AccountId) -> Amount {
            queries::pending_rewards::<T>(&provider)
        }

        /// The liveness window of the next block and whether `provider` proved it.
        pub fn liveness_window(provider: T::AccountId) -> Option<types::LivenessWindow> {
            queries::liveness_window::<T>(&provider)
        }

        /// The bond `provider` must hold now to stay active (`None`: not a provider).
        pub fn required_bond(provider: T::AccountId) -> Option<Amount> {
            queries::required_bond::<T>(&provider)
        }

        /// Credits that burning `amount` tokens would buy now, if a price is in force.
        pub fn quote_credits(amount: Amount) -> Option<Credits> {
            queries::quote_credits::<T>(amount).ok()
        }

        /// The price in force, if enough fresh price submissions agree.
        pub fn current_price() -> Option<FixedU128> {
            queries::current_price::<T>().ok()
        }

        /// The emission per block in force.
        pub fn emission_per_block() -> Amount {
            queries::emission_per_block::<T>()
        }

        /// The open epoch's books so far, emission included.
        pub fn open_books() -> EpochBooks {
            queries::open_books::<T>()
        }

        /// Totals since genesis: the closed epochs' and the open one's so far.
        pub fn totals() -> Totals {
            queries::totals::<T>()
        }

        /// Supply statistics for wallets and dashboards.
        pub fn supply_stats() -> SupplyStats {
            queries::supply_stats::<T>()
        }

        /// The emission per block of the next `epochs` epochs under `parameters` (default:
        /// those that will be in force), assuming the last closed epoch's burn continues.
        pub fn preview_emission(
            parameters: Option<Parameters>,
            epochs: u32,
        ) -> Result<Vec<PathPoint>, PreviewError> {
            queries::preview_emission::<T>(parameters, epochs)
        }
    }
}
