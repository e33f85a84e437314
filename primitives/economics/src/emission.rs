//! One block's emission split by the shares, and the open epoch's emission accrued lazily with
//! a reward-per-point accumulator for the availability share.

use crate::{Amount, Parameters};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::{
    traits::{AtLeast32BitUnsigned, One, SaturatedConversion, Saturating, Zero},
    FixedPointNumber, FixedU128, Permill,
};

/// One block's emission, split by the parameter shares.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct EmissionSplit {
    /// To the ecosystem treasury.
    pub ecosystem: Amount,
    /// Accrues to the epoch's usage pool.
    pub usage: Amount,
    /// Paid out through the availability accumulator.
    pub availability: Amount,
}

impl EmissionSplit {
    /// The whole emission (the three parts add up to it exactly).
    pub fn total(&self) -> Amount {
        self.ecosystem
            .saturating_add(self.usage)
            .saturating_add(self.availability)
    }
}

/// Splits `emission` by the shares. The availability share takes the rounding remainder, so the
/// three parts always add up to exactly `emission`.
pub fn split_emission(emission: Amount, params: &Parameters) -> EmissionSplit {
    // Rounded down (`mul_floor`, not `Perbill`'s `*`, which rounds to nearest); the
    // availability share takes the remainder, so the parts add up exactly.
    let ecosystem = params.ecosystem_share.mul_floor(emission);
    let usage = params.usage_share.mul_floor(emission);
    let availability = emission.saturating_sub(ecosystem).saturating_sub(usage);
    EmissionSplit {
        ecosystem,
        usage,
        availability,
    }
}

/// Reward-per-point accumulator increment for distributing `amount` over `points`.
/// Rounds down, so the rewards it creates never add up to more than `amount`.
pub fn accumulator_increment(amount: Amount, points: u128) -> FixedU128 {
    if points.is_zero() {
        return FixedU128::zero();
    }
    FixedU128::checked_from_rational(amount, points).unwrap_or(FixedU128::from_inner(u128::MAX))
}

/// Reward earned by `points` while the accumulator moved from `snapshot` to `index`.
/// Rounds down.
pub fn accrued(points: u128, snapshot: FixedU128, index: FixedU128) -> Amount {
    index.saturating_sub(snapshot).saturating_mul_int(points)
}

/// Availability points of a provider: capacity weighted by reputation.
pub fn availability_points(capacity: u32, reputation: Permill) -> u128 {
    (capacity as u128).saturating_mul(reputation.deconstruct() as u128)
}

/// The open epoch's emission, accrued lazily.
///
/// Each block's emission is fixed for a whole epoch (the controller and the shares only change
/// at boundaries) and availability points only change in extrinsics, so nothing needs to be
/// written per block: [`EmissionAccrual::advance_to`] accounts for every block since
/// `updated_at` in one step, whenever points change, a reward is settled or the epoch closes.
/// The same block-by-block arithmetic would give exactly the same numbers (the per-block
/// accumulator increment is the same every block, so `n` of them are one multiplication).
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct EmissionAccrual<BlockNumber> {
    /// The emission of each block of the open epoch, split by the shares.
    pub per_block: EmissionSplit,
    /// Availability points of all active providers.
    pub total_points: u128,
    /// Availability reward per point since genesis, through block `updated_at`.
    pub index: FixedU128,
    /// The last block accounted for.
    pub updated_at: BlockNumber,
    /// Minted to the treasury in the open epoch.
    pub ecosystem: Amount,
    /// Accrued to the open epoch's usage pool (minted at the close, as far as it can be
    /// allocated).
    pub usage: Amount,
    /// Minted to the reward pot for availability in the open epoch.
    pub availability: Amount,
    /// Emission of the open epoch that was never minted (availability while no provider was
    /// online, blocks withheld by the supply cap).
    pub unminted: Amount,
}

impl<BlockNumber: AtLeast32BitUnsigned + Copy + Default> EmissionAccrual<BlockNumber> {
    /// What each block mints right away, as `(treasury's share, availability share)`: the
    /// availability share only while any provider is online. The usage share waits for the
    /// epoch's close.
    pub fn minted_per_block(&self) -> (Amount, Amount) {
        let availability = if self.total_points.is_zero() {
            0
        } else {
            self.per_block.availability
        };
        (self.per_block.ecosystem, availability)
    }

    /// The availability accumulator's increment of one block.
    fn increment(&self) -> FixedU128 {
        accumulator_increment(self.per_block.availability, self.total_points)
    }

    /// Accounts for blocks `(updated_at, now]`, each of which minted [`Self::minted_per_block`].
    pub fn advance_to(&mut self, now: BlockNumber) {
        if now <= self.updated_at {
            return;
        }
        let blocks: u128 = (now - self.updated_at).saturated_into();
        let times = |amount: Amount| amount.saturating_mul(blocks);
        self.ecosystem
            .saturating_accrue(times(self.per_block.ecosystem));
        self.usage.saturating_accrue(times(self.per_block.usage));
        if self.total_points.is_zero() {
            self.unminted
                .saturating_accrue(times(self.per_block.availability));
        } else {
            self.availability
                .saturating_accrue(times(self.per_block.availability));
            self.index = self
                .index
                .saturating_add(FixedU128::from_inner(times(self.increment().into_inner())));
        }
        self.updated_at = now;
    }

    /// The accumulator at `now`, without changing anything.
    pub fn index_at(&self, now: BlockNumber) -> FixedU128 {
        let mut copy = *self;
        copy.advance_to(now);
        copy.index
    }

    /// Block `now` minted nothing after all (no room below the supply cap): its whole
    /// emission counts as never minted, and the accumulator does not move for it.
    pub fn withhold_block(&mut self, now: BlockNumber) {
        self.advance_to(now.saturating_sub(One::one()));
        self.unminted.saturating_accrue(self.per_block.total());
        self.updated_at = self.updated_at.max(now);
    }

    /// Changes the online points from `now` on (blocks up to `now` were shared by the old
    /// points). Returns the accumulator at `now`.
    pub fn change_points(&mut self, now: BlockNumber, old: u128, new: u128) -> FixedU128 {
        self.advance_to(now);
        self.total_points = self.total_points.saturating_sub(old).saturating_add(new);
        self.index
    }

    /// Starts a new epoch after block `last`: returns the closed epoch's accrual (accounted
    /// through `last`) and continues with `per_block` and zeroed epoch amounts.
    pub fn close(&mut self, last: BlockNumber, per_block: EmissionSplit) -> Self {
        self.advance_to(last);
        let closed = *self;
        *self = Self {
            per_block,
            total_points: self.total_points,
            index: self.index,
            // `advance_to` never moves it back: at least `last`.
            updated_at: self.updated_at,
            ..Default::default()
        };
        closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_values::params;

    #[test]
    fn split_always_adds_up() {
        for emission in [0u128, 1, 7, 999, 1_000_003, u128::MAX] {
            let s = split_emission(emission, &params());
            assert_eq!(s.ecosystem + s.usage + s.availability, emission);
        }
    }

    fn accrual(points: u128) -> EmissionAccrual<u32> {
        EmissionAccrual {
            per_block: split_emission(1_000, &params()),
            total_points: points,
            updated_at: 10,
            ..Default::default()
        }
    }

    #[test]
    fn lazy_accrual_equals_block_by_block() {
        let mut lazy = accrual(7);
        let mut eager = accrual(7);
        for block in 11..=40u32 {
            eager.advance_to(block);
        }
        lazy.advance_to(40);
        assert_eq!(lazy, eager);
        assert_eq!(
            (lazy.ecosystem, lazy.usage, lazy.availability, lazy.unminted),
            (6_000, 15_000, 9_000, 0)
        );
        // 30 blocks × floor(300 / 7 per point): 7 points never earn more than was minted.
        assert!(accrued(7, FixedU128::zero(), lazy.index) <= lazy.availability);
        assert!(accrued(7, FixedU128::zero(), lazy.index) > lazy.availability - 30);
        // Going back in time changes nothing; the read-only view agrees.
        let before = lazy;
        lazy.advance_to(20);
        assert_eq!(lazy, before);
        assert_eq!(lazy.index_at(50), {
            let mut l = lazy;
            l.advance_to(50);
            l.index
        });
    }

    #[test]
    fn availability_without_points_is_never_minted_and_points_change_from_now_on() {
        let mut a = accrual(0);
        assert_eq!(a.minted_per_block(), (200, 0));
        let index = a.change_points(15, 0, 100);
        assert_eq!(index, FixedU128::zero());
        assert_eq!((a.availability, a.unminted), (0, 5 * 300));
        assert_eq!(a.minted_per_block(), (200, 300));
        a.advance_to(20);
        assert_eq!(a.availability, 5 * 300);
        assert_eq!(a.index, FixedU128::from(15));
        // Leaving again: the next blocks' availability is unminted.
        a.change_points(20, 100, 0);
        a.advance_to(22);
        assert_eq!((a.availability, a.unminted), (1_500, 2_100));
    }

    #[test]
    fn withheld_blocks_count_as_unminted_and_pay_nothing() {
        let mut a = accrual(10);
        a.advance_to(12);
        let paid = a;
        a.withhold_block(13);
        assert_eq!(a.index, paid.index);
        assert_eq!(
            (a.ecosystem, a.usage, a.availability, a.unminted),
            (paid.ecosystem, paid.usage, paid.availability, 1_000)
        );
        assert_eq!(a.updated_at, 13);
        // The next block pays again.
        a.advance_to(14);
        assert_eq!(a.availability, paid.availability + 300);
        assert_eq!(a.unminted, 1_000);
    }

    #[test]
    fn close_returns_the_epoch_and_keeps_the_accumulator() {
        let mut a = accrual(10);
        let next = split_emission(2_000, &params());
        let closed = a.close(19, next);
        assert_eq!(closed.ecosystem, 9 * 200);
        assert_eq!(closed.updated_at, 19);
        assert_eq!(
            (a.ecosystem, a.usage, a.availability, a.unminted),
            (0, 0, 0, 0)
        );
        assert_eq!(
            (a.index, a.total_points, a.updated_at),
            (closed.index, 10, 19)
        );
        assert_eq!(a.per_block, next);
    }

    #[test]
    fn accumulator_never_overpays() {
        let inc = accumulator_increment(1_000, 3);
        let total = accrued(1, FixedU128::zero(), inc) * 3;
        assert!(total <= 1_000);
        assert!(total >= 997);
        assert_eq!(accumulator_increment(1_000, 0), FixedU128::zero());
    }
}
