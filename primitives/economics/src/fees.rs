//! Transaction fees: the share burned and the share paid to the treasury. The pallet's
//! `FeeHandler` executes [`split_fee`] on every fee and tip; the simulator burns its scenarios'
//! fees with the same function.

use crate::Amount;
use sp_arithmetic::Perbill;

/// A fee split between the burn and the treasury; the two parts add up to the fee.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct FeeSplit {
    /// Burned.
    pub burned: Amount,
    /// Paid to the treasury.
    pub to_treasury: Amount,
}

/// Splits a fee of `total` at the governance-set `burn_share`. The burn is rounded up
/// (`mul_ceil`): the treasury never receives more than its share, and a fee of one planck at
/// any non-zero share is burned. The parts add up to `total` exactly.
pub fn split_fee(total: Amount, burn_share: Perbill) -> FeeSplit {
    let burned = burn_share.mul_ceil(total);
    FeeSplit {
        burned,
        // `burned <= total`: `mul_ceil` of a share of at most one never exceeds its operand.
        to_treasury: total.saturating_sub(burned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_burn_rounds_up_and_the_parts_add_up() {
        let sixty = Perbill::from_percent(60);
        assert_eq!(
            split_fee(1_000, sixty),
            FeeSplit {
                burned: 600,
                to_treasury: 400
            }
        );
        // 600.6 burned: 601, the treasury 400 (not 400.4 rounded to 401 by a floor burn).
        assert_eq!(
            split_fee(1_001, sixty),
            FeeSplit {
                burned: 601,
                to_treasury: 400
            }
        );
        // 0.6 of a planck: burned.
        assert_eq!(split_fee(1, sixty).burned, 1);
        assert_eq!(split_fee(1_001, Perbill::zero()).burned, 0);
        assert_eq!(split_fee(1_001, Perbill::one()).to_treasury, 0);
        assert_eq!(split_fee(0, sixty), FeeSplit::default());
    }

    proptest! {
        #[test]
        fn the_treasury_never_gets_more_than_its_share(
            total in 0u128..u128::MAX / 2,
            share in 0u32..=1_000_000_000,
        ) {
            let share = Perbill::from_parts(share);
            let split = split_fee(total, share);
            prop_assert_eq!(split.burned + split.to_treasury, total);
            prop_assert!(split.to_treasury <= (Perbill::one() - share).mul_ceil(total));
            prop_assert!(split.burned >= share.mul_floor(total));
            prop_assert!(split.burned <= share.mul_floor(total) + 1);
        }
    }
}
