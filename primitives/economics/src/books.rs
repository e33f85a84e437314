//! The books: what one epoch minted, burned, sold and served ([`EpochBooks`]), and the totals
//! of a run of epochs ([`Totals`]). The chain keeps the open epoch's books, a ledger of closed
//! epochs' books, and the totals since genesis.

use crate::{Amount, Credits, EmissionAccrual};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::traits::{AtLeast32BitUnsigned, Saturating};

/// One epoch's books. While the epoch is open, extrinsics record burns and credits here and
/// the emission side is accrued lazily ([`EpochBooks::with_accrual`] joins the two); at the
/// close the whole record goes to the ledger.
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
pub struct EpochBooks {
    /// Minted to the reward pot for providers: the usage and availability pools, at the close.
    pub minted_providers: Amount,
    /// Of which minted for the usage pool (the rest is the availability pool).
    pub minted_usage: Amount,
    /// Minted for the ecosystem treasury (paid to it at the close).
    pub minted_ecosystem: Amount,
    /// Burned to buy credits.
    pub burned_credits: Amount,
    /// Burned from transaction fees.
    pub burned_fees: Amount,
    /// Burned from slashed bonds.
    pub burned_slashes: Amount,
    /// Rewards forfeited and burned: pools expired unclaimed (with their rounding dust), the
    /// unclaimed rewards of removed providers, and anything sent to the reward pot beyond what
    /// it owes.
    pub burned_forfeited: Amount,
    /// Burned as dust: what accounts removed below the existential deposit still held
    /// (pallet-balances' `DustRemoval`, booked by pallet-burn-mint's `DustHandler`).
    pub burned_dust: Amount,
    /// Issuance that rose without any flow of these books: minted outside the pallet (by
    /// `Root` through pallet-balances, or by a pallet that keeps no books). Zero on a chain
    /// where only the pallet mints ([`EpochBooks::with_outside`]).
    pub outside_minted: Amount,
    /// Issuance that fell without any flow of these books: burned outside the pallet. Zero on
    /// a chain where every burn is booked by cause.
    pub outside_burned: Amount,
    /// Emission never minted: usage pool beyond what could be allocated, availability with no
    /// provider online, anything above the supply cap.
    pub unminted: Amount,
    /// Usage emission accrued so far (the open epoch only; zero once closed).
    pub usage_accrued: Amount,
    /// Availability emission accrued so far (the open epoch only; zero once closed).
    pub availability_accrued: Amount,
    /// Availability points of the providers that proved liveness in the epoch.
    pub live_points: u128,
    /// Credits sold.
    pub credits_sold: Credits,
    /// Credits served (spent with providers).
    pub credits_served: Credits,
    /// Tokens burned for the credits served.
    pub basis_served: Amount,
    /// Emission per block in force during the epoch.
    pub emission_per_block: Amount,
    /// Total issuance when the epoch closed (zero while open).
    pub total_issuance_at_close: Amount,
    /// Total issuance when the epoch opened: the previous epoch's `total_issuance_at_close`
    /// (the chain's issuance after its genesis for the first epoch). What the books explain of
    /// the issuance is measured from here ([`EpochBooks::with_outside`]).
    pub total_issuance_at_open: Amount,
}

impl EpochBooks {
    /// Everything minted in the epoch: by the pallet, and outside it.
    pub fn minted(&self) -> Amount {
        self.minted_providers
            .saturating_add(self.minted_ecosystem)
            .saturating_add(self.outside_minted)
    }

    /// Everything burned in the epoch, by cause: credits, fees, slashes, forfeited rewards,
    /// dust, and outside the pallet.
    pub fn burned(&self) -> Amount {
        self.burned_credits
            .saturating_add(self.burned_fees)
            .saturating_add(self.burned_slashes)
            .saturating_add(self.burned_forfeited)
            .saturating_add(self.burned_dust)
            .saturating_add(self.outside_burned)
    }

    /// These books with the outside lines set so that they explain `total_issuance` exactly:
    /// `total_issuance = total_issuance_at_open + minted() − burned()`. What the issuance
    /// moved beyond the booked flows is `outside_minted` (a rise) or `outside_burned` (a
    /// fall); on a chain where every mint and burn is booked, both are zero. The pallet calls
    /// it for the open epoch (`supply_stats`) and at the close, on the issuance of the
    /// epoch's last block.
    pub fn with_outside(mut self, total_issuance: Amount) -> Self {
        self.outside_minted = 0;
        self.outside_burned = 0;
        let explained_up = self.total_issuance_at_open.saturating_add(self.minted());
        let explained_down = total_issuance.saturating_add(self.burned());
        if explained_down >= explained_up {
            self.outside_minted = explained_down - explained_up;
        } else {
            self.outside_burned = explained_up - explained_down;
        }
        self
    }

    /// The burn the controller follows: the tokens burned for the credits **served** in the
    /// epoch (their basis), from fees and from slashes, **net of the usage rewards minted for
    /// the credits served**. A usage reward is booked against the very burn it repays, in the
    /// same epoch, whenever the credits were bought: a burn is followed when its credits are
    /// used, so buying in one epoch and spending with oneself in the next repays nothing the
    /// controller counted twice, and an honest bulk buyer who spends over many epochs is
    /// followed as it spends. Credits bought and never spent are never followed (they burned
    /// supply without buying work). Forfeited rewards are emission returned, not demand, and
    /// are not followed either.
    ///
    /// Dust and what was burned outside the pallet lowered the supply like a fee burn and are
    /// followed the same way; a mint outside the pallet (`Root`'s) is booked, not followed
    /// (the controller's band and the hard limits still bound emission).
    ///
    /// Never negative and nothing lost to saturation: the usage pool mints at most
    /// `⌊cap × basis served⌋ ≤ basis served` ([`crate::close_usage_pool`]), and a shortfall
    /// only lowers what was minted, so the repayment is at most the basis it repays.
    pub fn net_burn(&self) -> Amount {
        let repaid = self.minted_usage.min(self.basis_served);
        (self.basis_served - repaid)
            .saturating_add(self.burned_fees)
            .saturating_add(self.burned_slashes)
            .saturating_add(self.burned_dust)
            .saturating_add(self.outside_burned)
    }

    /// These books (burns and credits, as recorded by extrinsics) with the emission side taken
    /// from the epoch's `accrual`. The provider pools are minted at the close, by the plan.
    pub fn with_accrual<BlockNumber>(mut self, accrual: &EmissionAccrual<BlockNumber>) -> Self {
        self.minted_ecosystem = accrual.ecosystem;
        self.usage_accrued = accrual.usage;
        self.availability_accrued = accrual.availability;
        self.unminted = accrual.unminted;
        self.emission_per_block = accrual.per_block.total();
        self
    }

    /// These books with their outside lines as of block `last_block`: the emission side
    /// accrued through that block ([`EmissionAccrual::advance_to`] on a copy of `accrual`,
    /// joined by [`Self::with_accrual`]) explains what it can of `total_issuance`, and what it
    /// cannot goes on the outside lines ([`Self::with_outside`]). Only the outside lines
    /// change. The pallet books them this way when an epoch closes (on the issuance after its
    /// last block, before the close mints anything) and the simulator when it closes an epoch
    /// in which something minted outside the pallet: one rule for both.
    pub fn with_outside_lines_at<BlockNumber: AtLeast32BitUnsigned + Copy + Default>(
        mut self,
        accrual: &EmissionAccrual<BlockNumber>,
        last_block: BlockNumber,
        total_issuance: Amount,
    ) -> Self {
        let mut last = *accrual;
        last.advance_to(last_block);
        let outside = self.with_accrual(&last).with_outside(total_issuance);
        self.outside_minted = outside.outside_minted;
        self.outside_burned = outside.outside_burned;
        self
    }
}

/// Totals over a run of epochs.
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
pub struct Totals {
    /// Minted: by the pallet, and outside it ([`EpochBooks::minted`]).
    pub minted: Amount,
    /// Burned, by every cause of [`EpochBooks::burned`] (credits, fees, slashes, forfeited
    /// rewards, dust, outside the pallet).
    pub burned: Amount,
    /// Emission never minted.
    pub unminted: Amount,
    /// Credits sold.
    pub credits_sold: Credits,
    /// Credits served.
    pub credits_served: Credits,
}

impl Totals {
    /// Adds one epoch's books.
    pub fn add(&mut self, books: &EpochBooks) {
        self.minted.saturating_accrue(books.minted());
        self.burned.saturating_accrue(books.burned());
        self.unminted.saturating_accrue(books.unminted);
        self.credits_sold.saturating_accrue(books.credits_sold);
        self.credits_served.saturating_accrue(books.credits_served);
    }

    /// These totals and `other`'s, field by field (saturating).
    pub fn plus(&self, other: &Totals) -> Totals {
        Totals {
            minted: self.minted.saturating_add(other.minted),
            burned: self.burned.saturating_add(other.burned),
            unminted: self.unminted.saturating_add(other.unminted),
            credits_sold: self.credits_sold.saturating_add(other.credits_sold),
            credits_served: self.credits_served.saturating_add(other.credits_served),
        }
    }

    /// These totals less `other`'s, field by field (saturating at zero).
    pub fn minus(&self, other: &Totals) -> Totals {
        Totals {
            minted: self.minted.saturating_sub(other.minted),
            burned: self.burned.saturating_sub(other.burned),
            unminted: self.unminted.saturating_sub(other.unminted),
            credits_sold: self.credits_sold.saturating_sub(other.credits_sold),
            credits_served: self.credits_served.saturating_sub(other.credits_served),
        }
    }

    /// Credits sold and not yet served: the credits all accounts hold.
    pub fn credits_outstanding(&self) -> Credits {
        self.credits_sold.saturating_sub(self.credits_served)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{split_emission, test_values::params};

    #[test]
    fn books_join_the_recorded_burns_with_the_accrued_emission() {
        let recorded = EpochBooks {
            burned_credits: 40,
            burned_fees: 2,
            burned_slashes: 3,
            burned_forfeited: 5,
            credits_sold: 80,
            credits_served: 60,
            basis_served: 35,
            ..Default::default()
        };
        let mut accrual = EmissionAccrual::<u32> {
            per_block: split_emission(1_000, &params()),
            ..Default::default()
        };
        accrual.advance_to(3);
        let mut books = recorded.with_accrual(&accrual);
        assert_eq!(
            (
                books.minted_ecosystem,
                books.minted_providers,
                books.usage_accrued,
                books.availability_accrued,
                books.unminted,
                books.emission_per_block
            ),
            (600, 0, 1_500, 900, 0, 1_000)
        );
        // The close mints the pools (here: 900 for providers, 30 of it usage).
        books.minted_providers = 900;
        books.minted_usage = 30;
        assert_eq!((books.minted(), books.burned()), (1_500, 50));
        // The controller follows the basis of the 60 credits served (here 35), fees 2 and
        // slashes 3, less the 30 paid back as usage rewards; the 40 burned for credits count
        // only as they are served.
        assert_eq!(books.net_burn(), 35 - 30 + 2 + 3);
        let mut totals = Totals::default();
        totals.add(&books);
        totals.add(&books);
        assert_eq!(
            totals,
            Totals {
                minted: 3_000,
                burned: 100,
                unminted: 0,
                credits_sold: 160,
                credits_served: 120
            }
        );
        assert_eq!(totals.credits_outstanding(), 40);
        let mut once = Totals::default();
        once.add(&books);
        assert_eq!(once.plus(&once), totals);
        assert_eq!(totals.minus(&once), once);
        assert_eq!(once.minus(&totals), Totals::default());
    }

    #[test]
    fn the_outside_lines_explain_the_issuance_exactly() {
        // Opened at 1_000_000; 600 minted for the treasury, 50 burned by cause, 7 of dust.
        let books = EpochBooks {
            total_issuance_at_open: 1_000_000,
            minted_ecosystem: 600,
            burned_credits: 40,
            burned_fees: 10,
            burned_dust: 7,
            ..Default::default()
        };
        // The issuance the books explain: nothing outside.
        let healthy = books.with_outside(1_000_543);
        assert_eq!((healthy.outside_minted, healthy.outside_burned), (0, 0));
        // 1_000 burned where no book saw it (`Root` lowering a balance): outside, and
        // followed by the controller like a fee burn (with the dust).
        let burned = books.with_outside(999_543);
        assert_eq!((burned.outside_minted, burned.outside_burned), (0, 1_000));
        assert_eq!(burned.net_burn(), 10 + 7 + 1_000);
        assert_eq!(burned.burned(), 57 + 1_000);
        // 2_000 minted outside: booked, not followed.
        let minted = books.with_outside(1_002_543);
        assert_eq!((minted.outside_minted, minted.outside_burned), (2_000, 0));
        assert_eq!((minted.minted(), minted.net_burn()), (2_600, 17));
        // Recomputed from scratch each time: the lines never accumulate.
        assert_eq!(burned.with_outside(1_000_543), healthy);
        for books in [healthy, burned, minted] {
            let issuance = books.total_issuance_at_open + books.minted() - books.burned();
            assert_eq!(books.with_outside(issuance), books);
        }
    }

    #[test]
    fn the_outside_lines_at_a_block_count_the_emission_accrued_through_it() {
        // An epoch from block 10 at 1_000 a block (100 to the treasury, minted each block),
        // through block 14: 500 minted for the treasury; 40 burned for credits.
        let accrual = EmissionAccrual::<u32> {
            per_block: crate::EmissionSplit {
                ecosystem: 100,
                usage: 300,
                availability: 600,
            },
            updated_at: 9,
            ..Default::default()
        };
        let books = EpochBooks {
            total_issuance_at_open: 1_000_000,
            burned_credits: 40,
            ..Default::default()
        };
        // 2_000 minted outside during the epoch: the issuance after block 14 is
        // 1_000_000 + 500 − 40 + 2_000.
        let booked = books.with_outside_lines_at(&accrual, 14, 1_002_460);
        assert_eq!((booked.outside_minted, booked.outside_burned), (2_000, 0));
        // Only the outside lines change: the emission side is still the open epoch's (joined
        // at the close, by the plan).
        assert_eq!(
            booked,
            EpochBooks {
                outside_minted: 2_000,
                ..books
            }
        );
        // The issuance the books explain through block 14: nothing outside; 100 less than
        // they explain (block 14 withheld by something outside, or burned): outside burned.
        assert_eq!(books.with_outside_lines_at(&accrual, 14, 1_000_460), books);
        let short = books.with_outside_lines_at(&accrual, 14, 1_000_360);
        assert_eq!((short.outside_minted, short.outside_burned), (0, 100));
        // The accrual given is not advanced.
        assert_eq!(accrual.updated_at, 9);
    }

    #[test]
    fn a_burn_is_followed_when_its_credits_are_served_and_repaid_there() {
        // Credits bought for 1_000 in epoch k and served (by the buyer's own provider) in
        // k + 1, where the usage pool repays 800 of them (cap 80%).
        let bought = EpochBooks {
            burned_credits: 1_000,
            credits_sold: 2_000,
            ..Default::default()
        };
        let served = EpochBooks {
            credits_served: 2_000,
            basis_served: 1_000,
            minted_usage: 800,
            ..Default::default()
        };
        // Nothing followed when bought, 200 when served: 20% of the burn in all. (Netting the
        // repayment against the same epoch's purchases followed 1_000 then nothing: the 800
        // repaid were lost at zero and the whole burn was re-emitted.)
        assert_eq!((bought.net_burn(), served.net_burn()), (0, 200));
        // An honest bulk buyer spending over four epochs is followed as it spends.
        let quarter = EpochBooks {
            basis_served: 250,
            minted_usage: 200,
            ..Default::default()
        };
        assert_eq!(bought.net_burn() + 4 * quarter.net_burn(), 200);
    }
}
