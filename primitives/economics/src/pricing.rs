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

/// Median of a non-empty set of prices (the lower middle for an even count, so that a single
/// high outlier can never raise the price). `None` for an empty set.
pub fn median_price(prices: &mut [FixedU128]) -> Option<FixedU128> {
    if prices.is_empty() {
        return None;
    }
    prices.sort();
    Some(prices[(prices.len() - 1) / 2])
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
    fn median_is_robust_to_one_outlier() {
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
        assert_eq!(median_price(&mut even), Some(FixedU128::from(3)));
        assert_eq!(median_price(&mut []), None);
    }
}
