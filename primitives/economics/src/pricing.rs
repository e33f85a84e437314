//! Pricing: credits for tokens at the feeds' median price, and the token value (basis) of
//! credits spent out of a balance.

use crate::{Amount, Credits};
use sp_arithmetic::{
    helpers_128bit::multiply_by_rational_with_rounding, traits::Zero, FixedPointNumber, FixedU128,
    Rounding,
};

/// Credits bought by burning `tokens` at `price` (stable units per whole token), where one
/// whole token is `token_unit` and one stable unit buys `credits_per_unit` credits. Rounds
/// down. `None` if the result does not fit.
pub fn credits_for_tokens(
    tokens: Amount,
    price: FixedU128,
    token_unit: Amount,
    credits_per_unit: u128,
) -> Option<Credits> {
    // stable value (in token plancks' terms) = tokens * price, then scale to credits.
    let value = price.checked_mul_int(tokens)?;
    multiply_by_rational_with_rounding(value, credits_per_unit, token_unit.max(1), Rounding::Down)
}

/// The median of a set of prices: the middle one, or the mean of the two middle ones for an
/// even count (rounded down to the planck of `FixedU128`, in the protocol's favour: a lower
/// price buys fewer credits). `None` for an empty set.
///
/// The true median, not the lower middle: with two feeds of 0.50 and 0.0005, the lower middle
/// would sell credits at a thousandth of the price one feeder reported; the mean of the two
/// middles is 0.25025, and one outlier among two can move the price at most halfway to it.
pub fn median_price(prices: &mut [FixedU128]) -> Option<FixedU128> {
    if prices.is_empty() {
        return None;
    }
    prices.sort();
    let upper = prices.len() / 2;
    if prices.len() % 2 == 1 {
        return Some(prices[upper]);
    }
    let (a, b) = (prices[upper - 1].into_inner(), prices[upper].into_inner());
    // floor((a + b) / 2) without overflow.
    Some(FixedU128::from_inner(
        (a / 2) + (b / 2) + (a % 2 + b % 2) / 2,
    ))
}

/// The token value of `credits` out of a credit balance of `balance` credits whose tokens
/// burned at purchase add up to `basis`. Rounds down.
pub fn basis_of(credits: Credits, balance: Credits, basis: Amount) -> Amount {
    if balance.is_zero() {
        return 0;
    }
    multiply_by_rational_with_rounding(basis, credits.min(balance), balance, Rounding::Down)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_and_basis_round_down() {
        // Price 0.5 stable units per token of 1_000 plancks, 1_000 credits per unit:
        // 2_001 plancks = 2.001 tokens = 1.0005 units = 1_000.5 credits -> 1_000.
        let price = FixedU128::from_rational(1, 2);
        assert_eq!(credits_for_tokens(2_001, price, 1_000, 1_000), Some(1_000));
        assert_eq!(
            credits_for_tokens(u128::MAX, FixedU128::from(2), 1, 1),
            None
        );
        assert_eq!(basis_of(1, 3, 100), 33);
        assert_eq!(basis_of(3, 3, 100), 100);
        assert_eq!(basis_of(5, 0, 100), 0);
    }

    #[test]
    fn median_is_the_middle_or_the_mean_of_the_two_middles() {
        let mut prices = [
            FixedU128::from(1),
            FixedU128::from(1_000),
            FixedU128::from(2),
        ];
        assert_eq!(median_price(&mut prices), Some(FixedU128::from(2)));
        let mut even = [
            FixedU128::from(4),
            FixedU128::from(1_000),
            FixedU128::from(2),
            FixedU128::from(3),
        ];
        assert_eq!(
            median_price(&mut even),
            Some(FixedU128::from_rational(7, 2))
        );
        assert_eq!(median_price(&mut []), None);
        // Two feeds, one far off: the mean of the two, not the lower one.
        let mut two = [
            FixedU128::from_rational(1, 2),
            FixedU128::from_rational(5, 10_000),
        ];
        assert_eq!(
            median_price(&mut two),
            Some(FixedU128::from_rational(25_025, 100_000))
        );
        // Rounded down to the planck, without overflow at the top of the range.
        let mut odd_sum = [FixedU128::from_inner(1), FixedU128::from_inner(2)];
        assert_eq!(median_price(&mut odd_sum), Some(FixedU128::from_inner(1)));
        let mut top = [
            FixedU128::from_inner(u128::MAX),
            FixedU128::from_inner(u128::MAX),
        ];
        assert_eq!(
            median_price(&mut top),
            Some(FixedU128::from_inner(u128::MAX))
        );
    }
}
