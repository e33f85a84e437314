//! The books: what one epoch minted, burned, sold and served ([`EpochBooks`]), and the totals
//! of a run of epochs ([`Totals`]). The chain keeps the open epoch's books, a ledger of closed
//! epochs' books, and the totals since genesis.

use crate::{Amount, Credits, EmissionAccrual};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::traits::Saturating;

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
}

impl EpochBooks {
    /// Everything minted in the epoch.
    pub fn minted(&self) -> Amount {
        self.minted_providers.saturating_add(self.minted_ecosystem)
    }

    /// Everything burned in the epoch.
    pub fn burned(&self) -> Amount {
        self.burned_credits
            .saturating_add(self.burned_fees)
            .saturating_add(self.burned_slashes)
            .saturating_add(self.burned_forfeited)
    }

    /// The burn the controller follows: what users and the protocol burned (credits, fees,
    /// slashes) **net of the usage rewards minted for it**. A burn that comes back as a usage
    /// reward does not raise future emission, which is what makes self-dealing unprofitable
    /// in the burn-indexed mode (see the crate docs). Forfeited rewards are emission returned,
    /// not demand, and are not followed either.
    pub fn net_burn(&self) -> Amount {
        self.burned_credits
            .saturating_add(self.burned_fees)
            .saturating_add(self.burned_slashes)
            .saturating_sub(self.minted_usage)
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
    /// Minted by the pallet.
    pub minted: Amount,
    /// Burned by the pallet (credits, fees, slashes, forfeited rewards).
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
        // The controller follows 40 + 2 + 3 burned, less the 30 paid back as usage rewards.
        assert_eq!(books.net_burn(), 15);
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
    }
}
