//! The pallet's events, imported into the pallet module by `#[import_section(events)]` (the
//! tokens are pasted into `pallet`, so its imports are theirs).

use frame_support::pallet_macros::pallet_section;

/// What the pallet reports: one event per change of a provider, a verifier, a feeder set,
/// the parameters, the price and the epoch's books.
#[pallet_section]
mod events {
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A provider registered.
        ProviderRegistered {
            provider: T::AccountId,
            capacity: u32,
            bond: Amount,
        },
        /// A provider changed its capacity.
        CapacityUpdated {
            provider: T::AccountId,
            capacity: u32,
        },
        /// A provider paused.
        ProviderPaused { provider: T::AccountId },
        /// A provider resumed.
        ProviderResumed { provider: T::AccountId },
        /// A provider started leaving; its bond unlocks at `unlock_at`.
        ProviderLeaving {
            provider: T::AccountId,
            unlock_at: BlockNumberFor<T>,
        },
        /// A provider's bond was released and it is no longer registered for new work.
        BondWithdrawn {
            provider: T::AccountId,
            amount: Amount,
        },
        /// A provider's reputation changed.
        ReputationSet {
            provider: T::AccountId,
            reputation: Permill,
        },
        /// Part of a provider's bond was slashed and burned (`amount`: all that total issuance
        /// lost).
        ProviderSlashed {
            provider: T::AccountId,
            amount: Amount,
        },
        /// Tokens were burned for compute credits.
        CreditsBought {
            who: T::AccountId,
            burned: Amount,
            credits: Credits,
        },
        /// Credits were spent with a provider.
        CreditsSpent {
            who: T::AccountId,
            provider: T::AccountId,
            credits: Credits,
        },
        /// A provider's rewards were paid.
        RewardsClaimed {
            provider: T::AccountId,
            amount: Amount,
        },
        /// A verifier attested a provider's capacity (its vote; what counts is what a quorum
        /// agrees on, [`Event::CapacityVerified`]).
        CapacityAttested {
            provider: T::AccountId,
            verifier: T::AccountId,
            capacity: u32,
        },
        /// The set of capacity verifiers was replaced.
        CapacityVerifiersSet { verifiers: Vec<T::AccountId> },
        /// A provider proved liveness in liveness window `window` of an epoch: its live points
        /// there are now `points` (its availability points × the share of the epoch's windows
        /// it has proved).
        ProviderLive {
            provider: T::AccountId,
            epoch: u32,
            window: u32,
            points: u128,
        },
        /// A provider added to its bond.
        BondIncreased {
            provider: T::AccountId,
            amount: Amount,
        },
        /// Governance removed a provider: `slashed` of its bond burned, `forfeited` unclaimed
        /// rewards burned, the rest of the bond released.
        ProviderRemoved {
            provider: T::AccountId,
            slashed: Amount,
            forfeited: Amount,
        },
        /// Governance froze a provider's rewards and bond until block `until` (excluded),
        /// pending a removal referendum.
        ProviderFrozen {
            provider: T::AccountId,
            until: BlockNumberFor<T>,
        },
        /// Governance lifted a provider's freeze.
        ProviderUnfrozen { provider: T::AccountId },
        /// A closed epoch's reward pools expired: `amount` unclaimed was burned.
        RewardsExpired { epoch: u32, amount: Amount },
        /// Tokens in the reward pot beyond what it owes (sent to it from outside) were burned.
        SurplusBurned { amount: Amount },
        /// A feeder submitted a price.
        PriceSubmitted {
            feeder: T::AccountId,
            price: FixedU128,
        },
        /// The agreed median of the fresh feeds is further from the last price in force than
        /// [`Parameters::max_price_change_per_block`] allows: the price in force follows it
        /// only so far (one step per block).
        PriceMovementLimited { median: FixedU128, price: FixedU128 },
        /// The set of price feeders was replaced.
        PriceFeedersSet { feeders: Vec<T::AccountId> },
        /// New parameters were accepted; they apply at the next epoch boundary.
        ParametersScheduled {
            old: Option<Parameters>,
            new: Parameters,
        },
        /// Scheduled parameters took effect.
        ParametersApplied {
            old: Option<Parameters>,
            new: Parameters,
        },
        /// An epoch closed.
        EpochClosed {
            epoch: u32,
            books: EpochBooks,
            next_emission_per_block: Amount,
        },
        /// Part of a transaction fee was burned and the rest sent to the treasury.
        FeesBurned { burned: Amount, to_treasury: Amount },
        /// The capacity a quorum of verifiers agrees on changed: it counts from epoch `from`.
        CapacityVerified {
            provider: T::AccountId,
            capacity: u32,
            from: u32,
        },
        /// An account added `amount` to its verifier bond, which is now `total`.
        VerifierBonded {
            verifier: T::AccountId,
            amount: Amount,
            total: Amount,
        },
        /// A former verifier's bond was released.
        VerifierBondWithdrawn {
            verifier: T::AccountId,
            amount: Amount,
        },
        /// Governance slashed a verifier's bond: `amount` burned.
        VerifierSlashed {
            verifier: T::AccountId,
            amount: Amount,
        },
        /// An account that is no longer a provider dropped its history (its reputation,
        /// slashes and removals): it may now be reaped, and registers again as a new account.
        HistoryForgotten { who: T::AccountId },
    }
}
