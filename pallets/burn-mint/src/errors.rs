//! The pallet's errors, imported into the pallet module by `#[import_section(errors)]` (the
//! tokens are pasted into `pallet`, so its imports are theirs).

use frame_support::pallet_macros::pallet_section;

/// Why a call failed: every extrinsic fails with one of these and changes nothing.
#[pallet_section]
mod errors {
    #[pallet::error]
    pub enum Error<T> {
        /// The account is already a provider.
        AlreadyProvider,
        /// The account is not a provider.
        NotProvider,
        /// Capacity is zero or above the maximum.
        InvalidCapacity,
        /// The bond is below the minimum.
        BondTooLow,
        /// Not enough free balance for the bond or the purchase.
        InsufficientBalance,
        /// The provider is not active.
        ProviderNotActive,
        /// The provider is not paused.
        ProviderNotPaused,
        /// The provider is already leaving.
        AlreadyLeaving,
        /// The provider is not leaving.
        NotLeaving,
        /// The unbonding period has not passed yet.
        StillUnbonding,
        /// The amount is zero.
        ZeroAmount,
        /// Fewer fresh price submissions than required.
        PriceUnavailable,
        /// The purchase would give fewer credits than `min_credits`.
        SlippageExceeded,
        /// The amount buys no credit at the current price.
        TooSmallForOneCredit,
        /// Not enough credits.
        InsufficientCredits,
        /// The caller is not a price feeder.
        NotPriceFeeder,
        /// A price of zero.
        ZeroPrice,
        /// More feeders than allowed.
        TooManyFeeders,
        /// The three shares do not add up to 100%.
        SharesNotWhole,
        /// The emission floor is above the ceiling.
        FloorAboveCeiling,
        /// The emission ceiling is above the runtime's hard cap.
        AboveHardCap,
        /// Epoch length is below the runtime's minimum or above its maximum.
        BadEpochLength,
        /// The step per epoch is above the runtime's largest step.
        StepTooLarge,
        /// The usage reward cap is above the runtime's `MaxUsageRewardCap`, or is 100%.
        RewardCapTooHigh,
        /// Price staleness or feed count is zero, or a price bound is zero or 100%.
        BadPriceSettings,
        /// The controller's smoothing is zero.
        BadSmoothing,
        /// The pallet has no parameters yet.
        NotConfigured,
        /// An amount overflowed.
        Overflow,
        /// Nothing to claim.
        NothingToClaim,
        /// Rewards are settled but still locked (claimable after the reward delay).
        RewardsLocked,
        /// The caller is not a capacity verifier.
        NotVerifier,
        /// More capacity verifiers than allowed.
        TooManyVerifiers,
        /// The attested capacity is above the provider's declared capacity.
        AboveDeclaredCapacity,
        /// The provider's reputation is below the minimum.
        ReputationTooLow,
        /// The provider may prove liveness only from a later epoch.
        NotEligibleYet,
        /// The provider has no verified capacity, so nothing to prove live.
        NoVerifiedCapacity,
        /// The unbonding period is below the runtime's minimum.
        UnbondingTooShort,
        /// `min_price_feeds` is not more than half of the price feeders: fewer than a majority
        /// of them could set the price.
        QuorumTooSmall,
        /// The usage reward cap plus the availability share is above the runtime's
        /// `MaxSelfDealingReturn`: self-dealing could get back more of its burn than allowed.
        SelfDealingPays,
        /// `min_price_feeds` is above the number of price feeders (an empty set included): no
        /// price could ever be in force, and sales would stop for good.
        QuorumUnreachable,
        /// A capacity verifier may not attest its own account's capacity.
        SelfAttestation,
        /// `min_capacity_attestations` is zero.
        BadVerifierQuorum,
        /// `min_capacity_attestations` is not more than half of the capacity verifiers: fewer
        /// than a majority of them could verify capacity.
        VerifierQuorumTooSmall,
        /// `min_capacity_attestations` is above the number of capacity verifiers (an empty
        /// set included): no capacity could be verified any more.
        VerifierQuorumUnreachable,
        /// `liveness_windows` is zero, above 32 or above `epoch_length` (a window without a
        /// block could never be proven).
        BadLivenessWindows,
        /// The provider is frozen pending a removal referendum: its rewards cannot be claimed
        /// nor its bond withdrawn until the freeze ends or governance lifts it.
        ProviderFrozen,
        /// The provider is not frozen.
        NotFrozen,
        /// `verifier_bond` is zero.
        BadVerifierBond,
        /// The verifier's bond is below the parameters' `verifier_bond` (to attest, or for a
        /// first bond).
        VerifierBondTooLow,
        /// The account holds no verifier bond.
        NotBondedVerifier,
        /// `initial_reputation` is above `min_reputation`: a fresh account would be worth more
        /// than one whose history brought it to the minimum.
        InitialReputationAboveMinimum,
        /// A capacity verifier's bond stays while it is in the set.
        StillVerifier,
        /// The account's history stays while it is a registered provider.
        StillProvider,
        /// The account has no provider history to forget.
        NoHistory,
        /// The account holds as many references as the runtime allows (`MaxConsumers`): it
        /// cannot start holding credits.
        TooManyConsumers,
    }
}
