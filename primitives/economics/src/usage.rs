//! An epoch's usage pool: minted at the epoch's close only as far as it can be allocated, and
//! shared by the providers pro rata to the tokens burned for the credits they served.

use crate::{Amount, Credits};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::{
    helpers_128bit::multiply_by_rational_with_rounding, traits::Zero, Perbill, Rounding,
};

/// The books of an epoch's usage pool, kept after the epoch closes so that providers can
/// settle their usage rewards lazily.
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
pub struct UsagePool {
    /// Credits served in the epoch.
    pub credits: Credits,
    /// Tokens burned to buy those credits.
    pub basis: Amount,
    /// Tokens minted into the reward pot for them.
    pub minted: Amount,
    /// The reward cap in force when the epoch closed.
    pub cap: Perbill,
}

/// Closing an epoch's usage pool: of the `accrued` usage emission, only what can be allocated is
/// minted (`min(accrued, ⌊cap × basis⌋)`, and nothing when no credits were served). Returns the
/// pool's books and the part that is never minted.
pub fn close_usage_pool(
    accrued: Amount,
    credits: Credits,
    basis: Amount,
    cap: Perbill,
) -> (UsagePool, Amount) {
    let minted = if credits.is_zero() {
        0
    } else {
        // Rounded down: the pool never mints a planck more than the cap allows.
        accrued.min(cap.mul_floor(basis))
    };
    (
        UsagePool {
            credits,
            basis,
            minted,
            cap,
        },
        accrued.saturating_sub(minted),
    )
}

/// A provider's usage reward for one closed epoch in which it served credits bought by burning
/// `basis` tokens: its share of the minted pool, pro rata to that basis. Rounds down.
///
/// Because the pool never mints more than `cap × pool.basis` ([`close_usage_pool`]), every
/// provider's reward is at most `cap × basis`: serving credits one bought oneself returns less
/// than one burned, whatever the other providers do. Nothing is left over to burn back.
pub fn settle_usage(pool: &UsagePool, basis: Amount) -> Amount {
    if pool.basis.is_zero() {
        return 0;
    }
    multiply_by_rational_with_rounding(
        pool.minted,
        basis.min(pool.basis),
        pool.basis,
        Rounding::Down,
    )
    .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_never_pays_more_than_cap_times_basis() {
        // 1_000 accrued; 100 credits served, bought for 500 tokens; cap 80% -> 400 minted.
        let cap = Perbill::from_percent(80);
        let (pool, unminted) = close_usage_pool(1_000, 100, 500, cap);
        assert_eq!((pool.minted, unminted), (400, 600));
        // A provider whose served credits were bought for 100 of the 500 tokens gets a fifth,
        // 80 = cap × its basis: self-dealing returns 80 for 100 burned.
        assert_eq!(settle_usage(&pool, 100), 80);
        assert_eq!(settle_usage(&pool, 100), cap * 100);
        // The shares add up to no more than the pool.
        assert!(settle_usage(&pool, 333) + settle_usage(&pool, 167) <= pool.minted);
        // A small pool (nothing capped): still pro rata to the basis.
        let (pool, unminted) = close_usage_pool(100, 100, 500, cap);
        assert_eq!((pool.minted, unminted), (100, 0));
        assert_eq!(settle_usage(&pool, 250), 50);
        // The cap rounds down: a self-dealer of 3 plancks at 80% gets 2 back, never all 3 (to
        // nearest, `Perbill * 3` would mint 2.4 -> 2; of 1 planck, 0.8 -> 1: all of it).
        let (pool, _) = close_usage_pool(1_000, 1, 1, cap);
        assert_eq!((pool.minted, settle_usage(&pool, 1)), (0, 0));
        let (pool, _) = close_usage_pool(1_000, 1, 3, cap);
        assert_eq!((pool.minted, settle_usage(&pool, 3)), (2, 2));
        // Nobody served anything: nothing minted, nothing paid.
        let (pool, unminted) = close_usage_pool(1_000, 0, 0, cap);
        assert_eq!((pool.minted, unminted), (0, 1_000));
        assert_eq!(settle_usage(&pool, 0), 0);
    }
}
