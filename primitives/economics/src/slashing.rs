//! A provider's slash: the governance-set share of its bond burned and the same share of its
//! reputation taken. The pallet's `slash_provider` executes [`slash`]; the simulator's
//! scenarios slash with the same function.

use crate::Amount;
use sp_arithmetic::{PerThing, Perbill, Permill};

/// What a slash leaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Slash {
    /// Burned from the bond: `share` of it, rounded down.
    pub burned: Amount,
    /// The bond left.
    pub bond: Amount,
    /// The reputation left: `1 − share` of it, rounded down (against the slashed provider).
    pub reputation: Permill,
}

/// Slashes `share` of `bond` and of `reputation`.
pub fn slash(bond: Amount, reputation: Permill, share: Perbill) -> Slash {
    let burned = share.mul_floor(bond);
    Slash {
        burned,
        // `burned <= bond`: a share of at most one, rounded down.
        bond: bond.saturating_sub(burned),
        reputation: Permill::from_parts(share.left_from_one().mul_floor(reputation.deconstruct())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slash_takes_the_share_rounded_against_the_provider() {
        assert_eq!(
            slash(1_001, Permill::from_percent(80), Perbill::from_percent(10)),
            Slash {
                burned: 100,
                bond: 901,
                // 90% of 800,000 parts.
                reputation: Permill::from_parts(720_000),
            }
        );
        // 1% of 333,333 parts is 3,333.33: 329,999 parts kept (rounded down).
        assert_eq!(
            slash(10, Permill::from_parts(333_333), Perbill::from_percent(1)).reputation,
            Permill::from_parts(329_999)
        );
        assert_eq!(slash(10, Permill::one(), Perbill::one()).bond, 0);
        assert_eq!(
            slash(10, Permill::one(), Perbill::one()).reputation,
            Permill::zero()
        );
        assert_eq!(
            slash(9, Permill::one(), Perbill::from_percent(10)).burned,
            0
        );
    }
}
