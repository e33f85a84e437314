//! The economic parameters governance sets, the hard limits the runtime fixes, and the
//! validation that keeps the first within the second.

use crate::Amount;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::{Perbill, Permill};

/// How the per-block emission is chosen each epoch.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub enum ControllerMode {
    /// A fixed schedule: the target emission decays by `decay` every epoch (a per-epoch
    /// exponential decay; a halving every `n` epochs is `decay = 1 - 2^(-1/n)`).
    FixedDecay {
        /// Share of the target removed at each epoch boundary.
        decay: Perbill,
    },
    /// Burn-and-mint equilibrium: the target per-block emission is the smoothed burn per block
    /// plus a target net inflation of the total issuance, so that supply grows by about
    /// `target_inflation_per_year` a year on top of replacing what users burn.
    BurnIndexed {
        /// Weight of the latest epoch in the exponential moving average of the burn.
        smoothing: Perbill,
        /// Net inflation a year that the controller aims for on top of the burn (a year is
        /// the runtime's [`HardLimits::blocks_per_year`], whatever the epoch length).
        target_inflation_per_year: Perbill,
    },
}

/// Every economic parameter of the chain, validated as a whole by [`Parameters::validate`].
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct Parameters {
    /// Share of each block's emission paid to the ecosystem treasury.
    pub ecosystem_share: Perbill,
    /// Share of each block's emission paid to providers for served work (credits spent).
    pub usage_share: Perbill,
    /// Share of each block's emission paid to providers for available capacity.
    /// The three shares add up to exactly 100%.
    pub availability_share: Perbill,
    /// The controller never sets the emission per block below this.
    pub min_emission_per_block: Amount,
    /// The controller never sets the emission per block above this (and never above the
    /// runtime's hard cap).
    pub max_emission_per_block: Amount,
    /// The most the emission per block may move in one epoch, as a share of its current value.
    pub max_step_per_epoch: Perbill,
    /// How the target emission is chosen.
    pub mode: ControllerMode,
    /// Length of an epoch in blocks (takes effect at the next epoch boundary).
    pub epoch_length: u32,
    /// A provider's usage reward for a credit is at most this share of the tokens burned to buy
    /// that credit. Below 100%, so that buying compute from oneself never pays.
    pub usage_reward_cap: Perbill,
    /// Share of transaction fees burned; the rest goes to the treasury.
    pub fee_burn_share: Perbill,
    /// A price submission older than this many blocks is stale.
    pub price_max_age: u32,
    /// Fewer fresh price submissions than this and credits cannot be bought.
    pub min_price_feeds: u32,
    /// How far one submission may be from the price in force: outside
    /// `[p·(1 − d), p / (1 − d)]` it is rejected; with no price in force, the fresh
    /// submissions must agree within it (see [`crate::pricing`]). 100% turns the bound off;
    /// zero would freeze the price and is refused.
    pub max_price_deviation: Perbill,
    /// How fast the price in force may follow the median of the feeds: at most this share
    /// per block, compounded (see [`crate::pricing`]). 100% turns the bound off; zero would
    /// freeze the price and is refused.
    pub max_price_change_per_block: Perbill,
    /// Blocks between a provider's `leave` and the release of its bond. At least the
    /// runtime's [`HardLimits::min_unbonding_period`], so that a slash decided by referendum
    /// lands before a provider that saw it coming can withdraw.
    pub unbonding_period: u32,
    /// Smallest bond a provider may register with.
    pub min_provider_bond: Amount,
    /// Bond required per unit of verified capacity, on top of `min_provider_bond`: the bond a
    /// provider risks grows with the availability share it can earn.
    pub bond_per_capacity_unit: Amount,
    /// Reputation of a provider whose account never had one (reputation survives leaving
    /// and registering again). At most `min_reputation`: a fresh account is never worth more
    /// than one with a history, and earns more only by epochs of proven service.
    pub initial_reputation: Permill,
    /// Below this reputation a provider can neither be paid for compute nor earn
    /// availability rewards.
    pub min_reputation: Permill,
    /// Reputation a provider gains for an epoch of proven service: when it proves the last
    /// of the epoch's `liveness_windows` it had not proved (every window proved), up to 100%.
    /// Once an epoch, whatever the attestations or the heartbeats.
    pub service_reputation_gain: Permill,
    /// How many capacity verifiers must attest a capacity (or more) for it to count: the
    /// verified capacity is the `k`-th largest attestation ([`crate::verification`]). The
    /// pallet keeps it a majority of the verifier set, at most its size.
    pub min_capacity_attestations: u32,
    /// How many liveness windows an epoch is cut into: a provider's availability points count
    /// in the share of the windows it proved live in ([`crate::liveness`]), so that one
    /// heartbeat an epoch earns `1/W` of a provider that was there all along. At least 1, at
    /// most the epoch's length and [`crate::MAX_LIVENESS_WINDOWS`].
    pub liveness_windows: u32,
    /// Bond a capacity verifier must hold to attest (see the pallet's `bond_verifier`): what a
    /// verifier risks for each attestation it makes, slashable by governance. Raising it
    /// applies to every verifier at its next attestation. Non-zero.
    pub verifier_bond: Amount,
}

impl Parameters {
    /// The bond a provider with `verified_capacity` units must hold to be active:
    /// `min_provider_bond + bond_per_capacity_unit × verified_capacity` (saturating: a bond
    /// requirement past `u128::MAX` cannot be met, which is the protocol's side).
    pub fn required_bond(&self, verified_capacity: u32) -> Amount {
        self.bond_per_capacity_unit
            .saturating_mul(verified_capacity as Amount)
            .saturating_add(self.min_provider_bond)
    }
}

/// Bounds that no parameter set may cross, fixed by the runtime.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HardLimits {
    /// Hard cap on the emission per block.
    pub max_emission_per_block: Amount,
    /// Shortest allowed epoch, in blocks: with the largest step, it bounds how fast emission
    /// can move in time whatever a referendum decides.
    pub min_epoch_length: u32,
    /// Longest allowed epoch, in blocks.
    pub max_epoch_length: u32,
    /// Largest allowed `max_step_per_epoch`.
    pub max_step_per_epoch: Perbill,
    /// Largest allowed `usage_reward_cap` (strictly below 100%).
    pub max_usage_reward_cap: Perbill,
    /// Largest allowed `usage_reward_cap + availability_share`: the most a self-dealing group
    /// can get back of what it burns (the bound in the crate docs, section Guarantees).
    pub max_self_dealing_return: Perbill,
    /// Blocks in a year: the unit of `target_inflation_per_year`.
    pub blocks_per_year: u32,
    /// Cap on total issuance, if any: nothing is ever minted past it.
    pub max_total_supply: Option<Amount>,
    /// Shortest allowed `unbonding_period`, in blocks: longer than the slowest referendum that
    /// can slash a provider (the runtime derives it from its governance tracks).
    pub min_unbonding_period: u32,
}

/// Why a parameter set was rejected.
///
/// pallet-burn-mint mirrors each variant as a flat error of its own (`Error::SharesNotWhole`,
/// ...) rather than wrapping this enum: a flat module error is what polkadot.js and wallets
/// show by name to the person who proposed the parameters.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum ParameterError {
    /// The ecosystem, usage and availability shares do not add up to 100%.
    SharesNotWhole,
    /// `min_emission_per_block` is above `max_emission_per_block`.
    FloorAboveCeiling,
    /// `max_emission_per_block` is above the runtime's hard cap.
    AboveHardCap,
    /// `epoch_length` is below the runtime's minimum (or zero) or above its maximum.
    BadEpochLength,
    /// `max_step_per_epoch` is above the runtime's largest step.
    StepTooLarge,
    /// `usage_reward_cap` is above the runtime's maximum, or is 100% (the maximum itself is
    /// accepted).
    RewardCapTooHigh,
    /// `min_price_feeds`, `price_max_age`, `max_price_deviation` or
    /// `max_price_change_per_block` is zero, or a price bound is 100% (which would accept any
    /// price: no bound at all).
    BadPriceSettings,
    /// The controller's smoothing is zero (the average would never move).
    BadSmoothing,
    /// `unbonding_period` is below the runtime's minimum.
    UnbondingTooShort,
    /// `usage_reward_cap + availability_share` is above the runtime's
    /// `max_self_dealing_return`: a group serving its own purchases could get back more of its
    /// burn than the runtime allows (the sum itself is accepted).
    SelfDealingPays,
    /// `min_capacity_attestations` is zero (any provider would be verified for nothing).
    BadVerifierQuorum,
    /// `liveness_windows` is zero, above [`crate::MAX_LIVENESS_WINDOWS`] or above
    /// `epoch_length` (a window without a block could never be proven).
    BadLivenessWindows,
    /// `verifier_bond` is zero (a verifier would risk nothing for its attestations).
    BadVerifierBond,
    /// `initial_reputation` is above `min_reputation`: a fresh account would be worth more
    /// than one whose history brought it down to the minimum.
    InitialReputationAboveMinimum,
}

impl Parameters {
    /// Checks the set as a whole against itself and against the runtime's hard limits.
    pub fn validate(&self, limits: &HardLimits) -> Result<(), ParameterError> {
        let shares = (self.ecosystem_share.deconstruct() as u64)
            + (self.usage_share.deconstruct() as u64)
            + (self.availability_share.deconstruct() as u64);
        if shares != Perbill::one().deconstruct() as u64 {
            return Err(ParameterError::SharesNotWhole);
        }
        if self.min_emission_per_block > self.max_emission_per_block {
            return Err(ParameterError::FloorAboveCeiling);
        }
        if self.max_emission_per_block > limits.max_emission_per_block {
            return Err(ParameterError::AboveHardCap);
        }
        if self.epoch_length == 0
            || self.epoch_length < limits.min_epoch_length
            || self.epoch_length > limits.max_epoch_length
        {
            return Err(ParameterError::BadEpochLength);
        }
        if self.max_step_per_epoch > limits.max_step_per_epoch {
            return Err(ParameterError::StepTooLarge);
        }
        if self.usage_reward_cap > limits.max_usage_reward_cap
            || self.usage_reward_cap == Perbill::one()
        {
            return Err(ParameterError::RewardCapTooHigh);
        }
        let self_dealing = (self.usage_reward_cap.deconstruct() as u64)
            + (self.availability_share.deconstruct() as u64);
        if self_dealing > limits.max_self_dealing_return.deconstruct() as u64 {
            return Err(ParameterError::SelfDealingPays);
        }
        if self.min_price_feeds == 0
            || self.price_max_age == 0
            || self.max_price_deviation.is_zero()
            || self.max_price_change_per_block.is_zero()
            || self.max_price_deviation.is_one()
            || self.max_price_change_per_block.is_one()
        {
            return Err(ParameterError::BadPriceSettings);
        }
        if self.min_capacity_attestations == 0 {
            return Err(ParameterError::BadVerifierQuorum);
        }
        if self.liveness_windows == 0
            || self.liveness_windows > crate::MAX_LIVENESS_WINDOWS
            || self.liveness_windows > self.epoch_length
        {
            return Err(ParameterError::BadLivenessWindows);
        }
        if self.verifier_bond == 0 {
            return Err(ParameterError::BadVerifierBond);
        }
        if self.initial_reputation > self.min_reputation {
            return Err(ParameterError::InitialReputationAboveMinimum);
        }
        if let ControllerMode::BurnIndexed { smoothing, .. } = self.mode {
            if smoothing.is_zero() {
                return Err(ParameterError::BadSmoothing);
            }
        }
        if self.unbonding_period < limits.min_unbonding_period || self.unbonding_period == 0 {
            return Err(ParameterError::UnbondingTooShort);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_values::{limits, params};

    #[test]
    fn the_usage_reward_cap_may_equal_the_maximum_but_not_exceed_it_or_reach_one() {
        let limits = limits();
        // No availability share, so that the cap alone is checked here.
        let at = |cap: Perbill| {
            Parameters {
                usage_reward_cap: cap,
                availability_share: Perbill::zero(),
                ecosystem_share: Perbill::from_percent(50),
                ..params()
            }
            .validate(&limits)
        };
        let max = limits.max_usage_reward_cap;
        assert_eq!(at(max), Ok(()));
        assert_eq!(
            at(Perbill::from_parts(max.deconstruct() + 1)),
            Err(ParameterError::RewardCapTooHigh)
        );
        assert_eq!(at(Perbill::zero()), Ok(()));
        // 100% is refused even where the runtime's maximum would allow it.
        let lax = HardLimits {
            max_usage_reward_cap: Perbill::one(),
            max_self_dealing_return: Perbill::one(),
            ..limits
        };
        let full = Parameters {
            usage_reward_cap: Perbill::one(),
            availability_share: Perbill::zero(),
            ecosystem_share: Perbill::from_percent(50),
            ..params()
        };
        assert_eq!(full.validate(&lax), Err(ParameterError::RewardCapTooHigh));
    }

    #[test]
    fn the_usage_cap_and_the_availability_share_together_may_equal_the_self_dealing_limit() {
        // The test limits allow 95%: availability 30% + cap 65% is accepted, one part more of
        // either is refused.
        let limits = limits();
        let with = |cap: u32, availability: u32, usage: u32| {
            Parameters {
                usage_reward_cap: Perbill::from_parts(cap),
                availability_share: Perbill::from_parts(availability),
                usage_share: Perbill::from_parts(usage),
                ..params()
            }
            .validate(&limits)
        };
        assert_eq!(with(650_000_000, 300_000_000, 500_000_000), Ok(()));
        assert_eq!(
            with(650_000_001, 300_000_000, 500_000_000),
            Err(ParameterError::SelfDealingPays)
        );
        assert_eq!(
            with(650_000_000, 300_000_001, 499_999_999),
            Err(ParameterError::SelfDealingPays)
        );
        // Moving share from usage to availability is what a referendum would do: refused.
        assert_eq!(
            with(600_000_000, 400_000_000, 400_000_000),
            Err(ParameterError::SelfDealingPays)
        );
    }

    #[test]
    fn validate_accepts_good_and_names_each_bad_parameter() {
        assert_eq!(params().validate(&limits()), Ok(()));
        let bad = |f: fn(&mut Parameters)| {
            let mut p = params();
            f(&mut p);
            p.validate(&limits())
        };
        assert_eq!(
            bad(|p| p.usage_share = Perbill::from_percent(51)),
            Err(ParameterError::SharesNotWhole)
        );
        assert_eq!(
            bad(|p| p.min_emission_per_block = 2_000),
            Err(ParameterError::FloorAboveCeiling)
        );
        assert_eq!(
            bad(|p| p.max_emission_per_block = 20_000),
            Err(ParameterError::AboveHardCap)
        );
        assert_eq!(
            bad(|p| p.epoch_length = 0),
            Err(ParameterError::BadEpochLength)
        );
        assert_eq!(
            bad(|p| p.epoch_length = 1_001),
            Err(ParameterError::BadEpochLength)
        );
        assert_eq!(
            bad(|p| p.epoch_length = 4),
            Err(ParameterError::BadEpochLength)
        );
        assert_eq!(
            bad(|p| p.max_step_per_epoch = Perbill::from_percent(51)),
            Err(ParameterError::StepTooLarge)
        );
        // The limits themselves are allowed.
        assert_eq!(
            params().validate(&HardLimits {
                min_epoch_length: 10,
                max_step_per_epoch: Perbill::from_percent(10),
                ..limits()
            }),
            Ok(())
        );
        assert_eq!(
            bad(|p| p.usage_reward_cap = Perbill::from_percent(96)),
            Err(ParameterError::RewardCapTooHigh)
        );
        assert_eq!(
            bad(|p| p.min_price_feeds = 0),
            Err(ParameterError::BadPriceSettings)
        );
        assert_eq!(
            bad(|p| p.min_capacity_attestations = 0),
            Err(ParameterError::BadVerifierQuorum)
        );
        // Windows: at least one, none without a block, at most 32 (a bit each).
        assert_eq!(
            bad(|p| p.liveness_windows = 0),
            Err(ParameterError::BadLivenessWindows)
        );
        assert_eq!(
            bad(|p| p.liveness_windows = 11),
            Err(ParameterError::BadLivenessWindows)
        );
        assert_eq!(bad(|p| p.liveness_windows = 10), Ok(()));
        assert_eq!(
            bad(|p| p.verifier_bond = 0),
            Err(ParameterError::BadVerifierBond)
        );
        assert_eq!(bad(|p| p.verifier_bond = 1), Ok(()));
        assert_eq!(
            bad(|p| p.initial_reputation = p.min_reputation + Permill::from_parts(1)),
            Err(ParameterError::InitialReputationAboveMinimum)
        );
        assert_eq!(bad(|p| p.initial_reputation = p.min_reputation), Ok(()));
        assert_eq!(
            bad(|p| {
                p.epoch_length = 100;
                p.liveness_windows = 33
            }),
            Err(ParameterError::BadLivenessWindows)
        );
        assert_eq!(
            bad(|p| {
                p.epoch_length = 100;
                p.liveness_windows = 32
            }),
            Ok(())
        );
        assert_eq!(
            bad(|p| p.max_price_deviation = Perbill::zero()),
            Err(ParameterError::BadPriceSettings)
        );
        assert_eq!(
            bad(|p| p.max_price_change_per_block = Perbill::zero()),
            Err(ParameterError::BadPriceSettings)
        );
        assert_eq!(
            bad(|p| p.max_price_deviation = Perbill::one()),
            Err(ParameterError::BadPriceSettings)
        );
        assert_eq!(
            bad(|p| p.max_price_change_per_block = Perbill::one()),
            Err(ParameterError::BadPriceSettings)
        );
        assert_eq!(
            bad(|p| p.mode = ControllerMode::BurnIndexed {
                smoothing: Perbill::zero(),
                target_inflation_per_year: Perbill::zero()
            }),
            Err(ParameterError::BadSmoothing)
        );
        assert_eq!(
            bad(|p| p.unbonding_period = 19),
            Err(ParameterError::UnbondingTooShort)
        );
        assert_eq!(
            params().validate(&HardLimits {
                min_unbonding_period: 0,
                ..limits()
            }),
            Ok(())
        );
        let mut zero = params();
        zero.unbonding_period = 0;
        assert_eq!(
            zero.validate(&HardLimits {
                min_unbonding_period: 0,
                ..limits()
            }),
            Err(ParameterError::UnbondingTooShort)
        );
        assert_eq!(params().required_bond(0), 100);
        assert_eq!(params().required_bond(7), 100 + 7 * 10);
        let mut huge = params();
        huge.bond_per_capacity_unit = Amount::MAX;
        assert_eq!(huge.required_bond(2), Amount::MAX);
    }
}
