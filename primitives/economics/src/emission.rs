//! One block's emission split by the shares, and the open epoch's emission accrued lazily with
//! a reward-per-point accumulator for the availability share.

use crate::{Amount, Parameters};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::{
    traits::{AtLeast32BitUnsigned, One, SaturatedConversion, Saturating},
    Permill,
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

/// Whether a block mints its emission (all or nothing): the treasury's share, the only part
/// minted at once, fits in the `room` left below the supply cap, and the whole emission is
/// within the hard cap per block. A block that does not fit is withheld
/// ([`EmissionAccrual::withhold_block`]): none of its emission is minted, ever.
pub fn block_fits(per_block: &EmissionSplit, room: Amount, max_emission_per_block: Amount) -> bool {
    per_block.ecosystem <= room && per_block.total() <= max_emission_per_block
}

/// How many of `length` consecutive blocks mint when nothing is burned or minted in between:
/// [`block_fits`] applied block after block, each minting block taking its treasury share from
/// the `room` (the first blocks mint, the rest of the epoch is withheld). With no supply cap,
/// pass `Amount::MAX`.
pub fn blocks_that_fit(
    per_block: &EmissionSplit,
    room: Amount,
    max_emission_per_block: Amount,
    length: u32,
) -> u32 {
    if !block_fits(per_block, room, max_emission_per_block) {
        return 0;
    }
    match room.checked_div(per_block.ecosystem) {
        // Nothing minted at once: every block fits.
        None => length,
        Some(blocks) => blocks.min(length as Amount) as u32,
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

/// Availability points of a provider: verified capacity weighted by reputation.
pub fn availability_points(capacity: u32, reputation: Permill) -> u128 {
    (capacity as u128).saturating_mul(reputation.deconstruct() as u128)
}

/// The open epoch's emission, accrued lazily.
///
/// Each block's emission is fixed for a whole epoch (the controller and the shares only change
/// at boundaries), so nothing needs to be written per block: [`EmissionAccrual::advance_to`]
/// accounts for every block since `updated_at` in one step, whenever the epoch closes or a
/// block is withheld. The same block-by-block arithmetic gives exactly the same numbers.
///
/// Each block mints the treasury's share into the reward pot at once; the usage and
/// availability shares accrue to the epoch's reward pools, which are minted at the close only
/// as far as they can be allocated (usage: to the basis served, within the reward cap;
/// availability: to providers that proved liveness in the epoch).
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
    /// The last block accounted for.
    pub updated_at: BlockNumber,
    /// Minted to the reward pot for the treasury in the open epoch (paid on at the close).
    pub ecosystem: Amount,
    /// Accrued to the open epoch's usage pool.
    pub usage: Amount,
    /// Accrued to the open epoch's availability pool.
    pub availability: Amount,
    /// Emission of the open epoch that was never minted (blocks withheld by the supply cap or
    /// the hard cap).
    pub unminted: Amount,
}

impl<BlockNumber: AtLeast32BitUnsigned + Copy + Default> EmissionAccrual<BlockNumber> {
    /// What each block mints right away: the treasury's share (into the reward pot, paid on at
    /// the close). The provider shares wait for the epoch's close.
    pub fn minted_per_block(&self) -> Amount {
        self.per_block.ecosystem
    }

    /// Accounts for blocks `(updated_at, now]`, each of which minted
    /// [`Self::minted_per_block`] and accrued the provider shares.
    pub fn advance_to(&mut self, now: BlockNumber) {
        if now <= self.updated_at {
            return;
        }
        let blocks: u128 = (now - self.updated_at).saturated_into();
        let times = |amount: Amount| amount.saturating_mul(blocks);
        self.ecosystem
            .saturating_accrue(times(self.per_block.ecosystem));
        self.usage.saturating_accrue(times(self.per_block.usage));
        self.availability
            .saturating_accrue(times(self.per_block.availability));
        self.updated_at = now;
    }

    /// Block `now` minted nothing after all (no room below the supply cap, or above the hard
    /// cap): its whole emission counts as never minted.
    pub fn withhold_block(&mut self, now: BlockNumber) {
        self.advance_to(now.saturating_sub(One::one()));
        self.unminted.saturating_accrue(self.per_block.total());
        self.updated_at = self.updated_at.max(now);
    }

    /// Starts a new epoch after block `last`: returns the closed epoch's accrual (accounted
    /// through `last`) and continues with `per_block` and zeroed epoch amounts.
    pub fn close(&mut self, last: BlockNumber, per_block: EmissionSplit) -> Self {
        self.advance_to(last);
        let closed = *self;
        *self = Self {
            per_block,
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

    fn accrual() -> EmissionAccrual<u32> {
        EmissionAccrual {
            per_block: split_emission(1_000, &params()),
            updated_at: 10,
            ..Default::default()
        }
    }

    #[test]
    fn lazy_accrual_equals_block_by_block() {
        let mut lazy = accrual();
        let mut eager = accrual();
        for block in 11..=40u32 {
            eager.advance_to(block);
        }
        lazy.advance_to(40);
        assert_eq!(lazy, eager);
        assert_eq!(
            (lazy.ecosystem, lazy.usage, lazy.availability, lazy.unminted),
            (6_000, 15_000, 9_000, 0)
        );
        assert_eq!(lazy.minted_per_block(), 200);
        // Going back in time changes nothing.
        let before = lazy;
        lazy.advance_to(20);
        assert_eq!(lazy, before);
    }

    #[test]
    fn withheld_blocks_count_as_unminted() {
        let mut a = accrual();
        a.advance_to(12);
        let paid = a;
        a.withhold_block(13);
        assert_eq!(
            (a.ecosystem, a.usage, a.availability, a.unminted),
            (paid.ecosystem, paid.usage, paid.availability, 1_000)
        );
        assert_eq!(a.updated_at, 13);
        // The next block accrues again.
        a.advance_to(14);
        assert_eq!(a.availability, paid.availability + 300);
        assert_eq!(a.unminted, 1_000);
    }

    #[test]
    fn close_returns_the_epoch_and_starts_afresh() {
        let mut a = accrual();
        let next = split_emission(2_000, &params());
        let closed = a.close(19, next);
        assert_eq!(closed.ecosystem, 9 * 200);
        assert_eq!(closed.availability, 9 * 300);
        assert_eq!(closed.updated_at, 19);
        assert_eq!(
            (a.ecosystem, a.usage, a.availability, a.unminted),
            (0, 0, 0, 0)
        );
        assert_eq!(a.updated_at, 19);
        assert_eq!(a.per_block, next);
    }

    #[test]
    fn blocks_that_fit_is_block_fits_applied_block_after_block() {
        let split = |ecosystem, usage, availability| EmissionSplit {
            ecosystem,
            usage,
            availability,
        };
        for (per_block, room, max) in [
            (split(200, 500, 300), 2_000, 1_000),
            (split(200, 500, 300), 1_999, 1_000),
            (split(200, 500, 300), 199, 1_000),
            (split(200, 500, 300), Amount::MAX, 1_000),
            (split(200, 500, 300), 2_000, 999),
            (split(0, 700, 300), 0, 1_000),
            (split(0, 0, 0), 0, 0),
        ] {
            let mut left = room;
            let mut fitting = 0;
            for _ in 0..10 {
                if !block_fits(&per_block, left, max) {
                    break;
                }
                left -= per_block.ecosystem;
                fitting += 1;
            }
            assert_eq!(
                blocks_that_fit(&per_block, room, max, 10),
                fitting,
                "{per_block:?} in {room} under {max}"
            );
        }
        assert_eq!(blocks_that_fit(&split(200, 500, 300), 2_000, 1_000, 10), 10);
        assert_eq!(blocks_that_fit(&split(200, 500, 300), 1_999, 1_000, 10), 9);
        assert_eq!(blocks_that_fit(&split(200, 500, 300), 2_000, 999, 10), 0);
    }
}
