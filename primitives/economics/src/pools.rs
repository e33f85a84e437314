//! An epoch's reward pools, kept after the epoch closes so that providers settle lazily: the
//! usage pool ([`UsagePool`], shared pro rata to the basis served) and the availability pool
//! (shared pro rata to the availability points of the providers that proved liveness in the
//! epoch). Both are minted at the close only as far as they can be allocated.
//!
//! A pool lives for a claim window; what is still unclaimed when it expires (unsettled shares
//! and the rounding dust of the shares that were settled) is burned and counted. While it
//! lives, `claimed` tracks what was paid out of it, so that the reward pot always holds
//! exactly what the pools and the providers are still owed.

use crate::{settle_usage, Amount, Credits, UsagePool};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::{
    helpers_128bit::multiply_by_rational_with_rounding,
    traits::{Saturating, Zero},
    Rounding,
};

/// One closed epoch's reward pools.
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
pub struct RewardPool {
    /// The usage pool.
    pub usage: UsagePool,
    /// Availability points of every provider that proved liveness in the epoch.
    pub live_points: u128,
    /// Tokens minted into the reward pot for availability.
    pub availability: Amount,
    /// Tokens already settled to providers out of this pool.
    pub claimed: Amount,
}

/// A provider's work in one epoch: the usage it served and the availability points it proved
/// live with. Settled against that epoch's [`RewardPool`] once the epoch has closed.
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
pub struct EpochWork {
    /// The epoch.
    pub epoch: u32,
    /// Credits served.
    pub credits: Credits,
    /// Tokens burned to buy those credits.
    pub basis: Amount,
    /// Availability points counted in the epoch's live total: its points × the share of the
    /// epoch's liveness windows it proved ([`crate::liveness::live_points`]); zero if it
    /// never proved liveness, or lost eligibility after doing so.
    pub live_points: u128,
    /// The liveness windows of the epoch it proved, one bit a window
    /// ([`crate::liveness::prove_window`]).
    pub live_windows: u32,
}

impl RewardPool {
    /// What was minted into the pools, without what was settled: the part of a pool that
    /// never changes once the epoch has closed.
    pub fn funds(&self) -> PoolFunds {
        PoolFunds {
            usage: self.usage,
            live_points: self.live_points,
            availability: self.availability,
        }
    }

    /// Everything minted into the pools.
    pub fn minted(&self) -> Amount {
        self.usage.minted.saturating_add(self.availability)
    }

    /// What the pools still hold: minted and not yet settled (including rounding dust).
    pub fn remaining(&self) -> Amount {
        self.minted().saturating_sub(self.claimed)
    }

    /// A provider's reward for `work` in this pool's epoch: its usage share (pro rata to
    /// basis, see [`settle_usage`]) plus its availability share (pro rata to live points).
    /// Both round down, and the result never exceeds [`Self::remaining`].
    pub fn reward_of(&self, work: &EpochWork) -> Amount {
        let usage = settle_usage(&self.usage, work.basis);
        let availability =
            availability_share(self.availability, work.live_points, self.live_points);
        usage.saturating_add(availability).min(self.remaining())
    }

    /// Settles `work` against the pool: returns the reward and records it as claimed.
    pub fn settle(&mut self, work: &EpochWork) -> Amount {
        let reward = self.reward_of(work);
        self.claimed.saturating_accrue(reward);
        reward
    }
}

/// What one closed epoch minted into its reward pools: a [`RewardPool`] without `claimed`,
/// fixed once the epoch has closed. A chain may keep the two apart (what changes with every
/// settlement in a smaller value of its own); [`PoolFunds::with_claimed`] joins them again.
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
pub struct PoolFunds {
    /// The usage pool.
    pub usage: UsagePool,
    /// Availability points of every provider that proved liveness in the epoch.
    pub live_points: u128,
    /// Tokens minted into the reward pot for availability.
    pub availability: Amount,
}

impl PoolFunds {
    /// Everything minted into the pools ([`RewardPool::minted`]).
    pub fn minted(&self) -> Amount {
        self.with_claimed(0).minted()
    }

    /// The pool these funds make once `claimed` of them has been settled.
    pub fn with_claimed(&self, claimed: Amount) -> RewardPool {
        RewardPool {
            usage: self.usage,
            live_points: self.live_points,
            availability: self.availability,
            claimed,
        }
    }
}

/// Of an availability pool of `minted` tokens shared by `total` live points, the share of
/// `points`. Rounds down.
pub fn availability_share(minted: Amount, points: u128, total: u128) -> Amount {
    if total.is_zero() {
        return 0;
    }
    multiply_by_rational_with_rounding(minted, points.min(total), total, Rounding::Down)
        .unwrap_or(0)
}

/// Closing an epoch's availability pool: all the `accrued` availability emission is minted if
/// any provider proved liveness (`live_points > 0`), none otherwise. Returns `(minted,
/// never minted)`.
pub fn close_availability_pool(accrued: Amount, live_points: u128) -> (Amount, Amount) {
    if live_points.is_zero() {
        (0, accrued)
    } else {
        (accrued, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::close_usage_pool;
    use sp_arithmetic::Perbill;

    #[test]
    fn shares_are_pro_rata_round_down_and_never_exceed_the_pool() {
        let (usage, _) = close_usage_pool(1_000, 100, 500, Perbill::from_percent(80));
        let mut pool = RewardPool {
            usage,
            live_points: 3,
            availability: 1_000,
            claimed: 0,
        };
        assert_eq!(pool.minted(), 1_400);
        let a = EpochWork {
            epoch: 1,
            credits: 50,
            basis: 250,
            live_points: 1,
            live_windows: 1,
        };
        let b = EpochWork {
            live_points: 2,
            ..a
        };
        // 400 × 250/500 = 200 usage; 1_000 × 1/3 = 333 availability.
        assert_eq!(pool.settle(&a), 200 + 333);
        assert_eq!(pool.settle(&b), 200 + 666);
        // One planck of dust stays in the pool until it expires.
        assert_eq!(pool.remaining(), 1);
        // Settling more than was counted pays at most what remains.
        assert_eq!(pool.settle(&b), 1);
        assert_eq!(pool.remaining(), 0);
        assert_eq!(availability_share(10, 5, 0), 0);
        assert_eq!(availability_share(10, 5, 3), 10);
    }

    #[test]
    fn funds_and_claimed_make_the_pool_again() {
        let (usage, _) = close_usage_pool(1_000, 100, 500, Perbill::from_percent(80));
        let pool = RewardPool {
            usage,
            live_points: 3,
            availability: 1_000,
            claimed: 533,
        };
        let funds = pool.funds();
        assert_eq!(funds.minted(), 1_400);
        assert_eq!(funds.with_claimed(533), pool);
        assert_eq!(funds.with_claimed(0).remaining(), 1_400);
    }

    #[test]
    fn availability_is_minted_only_for_live_points() {
        assert_eq!(close_availability_pool(900, 0), (0, 900));
        assert_eq!(close_availability_pool(900, 1), (900, 0));
    }
}
