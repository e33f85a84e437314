//! Pricing: credits for tokens at the feeds' median price, how fast that price may move, and
//! the token value (basis) of credits spent out of a balance.
//!
//! # How far the price may move
//! Two governance parameters bound a price feed that a feeder, or a minority of feeders,
//! would push; `d = max_price_deviation`, `r = max_price_change_per_block`, `q =
//! min_price_feeds` (validated to be a majority of the feeder set, and at most its size):
//! - a submission is stored as the feeder reports it: a feeder reports its market, whatever
//!   the price in force;
//! - a price needs agreement: at least `q` of the fresh submissions must lie within the band
//!   `[m·(1 − d), m / (1 − d)]` around their median `m` ([`agreed_median`], [`within_band`]),
//!   always, not only when there is no price to move from; fewer than `q` fresh, or fewer
//!   agreeing, and there is no price (sales stop);
//! - the price in force moves from the last price in force towards the agreed median by at
//!   most `r`, once per block in which a submission recomputes it ([`PriceInForce::bounded`],
//!   [`bounded_price`]): quiet blocks bank nothing, so no block moves the price more than `r`.
//!
//! # The bound for a minority
//! Let the honest feeders (more than `n − q`, so a quorum always holds one) report prices in
//! `[l, h]` (their markets). An agreeing median `m` has an honest report `x` among the `q`
//! agreeing ones, and `x` within the band around `m` is `m` within `[x·(1 − d), x / (1 − d)]`;
//! so `m ∈ [l·(1 − d), h / (1 − d)]`. Each new price in force lies between the previous one
//! and `m` ([`bounded_price`] clamps towards the median), so a price that starts in that
//! interval stays in it, and one outside it (the market moved) moves towards it by `r` a block
//! until it is in, over any horizon and through outages (no quorum: no price; a restart moves
//! one step from the last price in force). With `d = 10%`: at most 11.1% above the highest
//! honest report, 10% below the lowest, whatever the minority submits and however long. The
//! cost of pushing harder: the honest reports stop agreeing and sales stop. What a minority
//! *can* do is deny: with fewer than `q` honest feeders fresh it can withhold agreement.
//!
//! Why the reports are not held to a band around the price in force (spec 116 and later):
//! an honest feeder whose market left such a band could only submit its edge, within `d` of
//! the price in force by construction, so that after a crash two liars and two honest feeders
//! agreed on the liars' price and held it, forever, 36% above a market that had halved (the
//! simulator's feeder search found it: `sim/src/feeds.rs`). An honest report that is the market
//! itself never agrees with a median more than `d` from it.
//!
//! The bands are symmetric in ratio: a fall by a factor and the rise back take the same number
//! of steps. Governance may not set a share of 100% (the band would open to `[0, ∞)`). Bounds
//! are rounded down: a lower price buys fewer credits, in the protocol's favour.

use crate::{Amount, Credits};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
    helpers_128bit::multiply_by_rational_with_rounding, traits::Zero, FixedPointNumber, FixedU128,
    PerThing, Perbill, Rounding,
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

/// The band `[p·k, p / k]` around `price`, with `k = keep` (the share of the price a move
/// keeps), both ends rounded down; `k = 0` leaves the band open: `[0, ∞)`.
fn band(price: FixedU128, keep: Perbill) -> (FixedU128, FixedU128) {
    let inner = price.into_inner();
    let lower = keep.mul_floor(inner);
    let upper = if keep.is_zero() {
        u128::MAX
    } else {
        // p / k = p · ACCURACY / parts, rounded down; saturates at the top of the range.
        multiply_by_rational_with_rounding(
            inner,
            Perbill::ACCURACY as u128,
            keep.deconstruct() as u128,
            Rounding::Down,
        )
        .unwrap_or(u128::MAX)
    };
    (FixedU128::from_inner(lower), FixedU128::from_inner(upper))
}

/// `value` limited to the band `[p·k, p / k]` around `price` (see [`band`]).
fn within(value: FixedU128, price: FixedU128, keep: Perbill) -> FixedU128 {
    let (lower, upper) = band(price, keep);
    value.clamp(lower, upper)
}

/// Whether `submitted` is within `max_deviation` of `price`: in `[p·(1 − d), p / (1 − d)]`.
pub fn within_band(submitted: FixedU128, price: FixedU128, max_deviation: Perbill) -> bool {
    within(submitted, price, max_deviation.left_from_one()) == submitted
}

/// The median of `prices` if at least `quorum` of them agree with it: lie within
/// `max_deviation` of it. `None` for an empty set or too few agreeing. The price a market starts
/// from when no price is in force: one feeder far off neither sets it nor blocks it.
pub fn agreed_median(
    prices: &mut [FixedU128],
    max_deviation: Perbill,
    quorum: u32,
) -> Option<FixedU128> {
    let median = median_price(prices)?;
    let agreeing = prices
        .iter()
        .filter(|price| within_band(**price, median, max_deviation))
        .count();
    (agreeing >= quorum as usize).then_some(median)
}

/// The price in force: the agreed `median` of the fresh submissions, moved from `last` (the
/// last price in force and the number of blocks since it was) by at most
/// `max_change_per_block`: within `[p·(1 − r), p / (1 − r)]` however many blocks passed, since
/// quiet blocks bank nothing. Zero blocks since: the last price, unchanged (a price moves once
/// per block, however many submissions the block has). Without a last price (none yet), the
/// median itself.
pub fn bounded_price(
    median: FixedU128,
    last: Option<(FixedU128, u32)>,
    max_change_per_block: Perbill,
) -> FixedU128 {
    match last {
        Some((price, 0)) => price,
        Some((price, _)) => within(median, price, max_change_per_block.left_from_one()),
        None => median,
    }
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

    /// A price of `n / d`.
    fn price(n: u128, d: u128) -> FixedU128 {
        FixedU128::from_rational(n, d)
    }

    #[test]
    fn a_submission_is_within_the_band_around_the_price_or_not() {
        let ten = Perbill::from_percent(10);
        let p = price(1, 2);
        // Inside, both edges included: 0.5 × 0.9 = 0.45 and 0.5 / 0.9 = 0.5555… (rounded down).
        assert!(within_band(price(52, 100), p, ten));
        assert!(within_band(price(45, 100), p, ten));
        assert!(within_band(
            FixedU128::from_inner(555_555_555_555_555_555),
            p,
            ten
        ));
        // Outside, by a planck.
        assert!(!within_band(
            FixedU128::from_inner(449_999_999_999_999_999),
            p,
            ten
        ));
        assert!(!within_band(
            FixedU128::from_inner(555_555_555_555_555_556),
            p,
            ten
        ));
        assert!(!within_band(FixedU128::from(1_000), p, ten));
        // 100%: everything is within.
        assert!(within_band(FixedU128::from_inner(1), p, Perbill::one()));
        assert!(within_band(
            FixedU128::from_inner(u128::MAX),
            p,
            Perbill::one()
        ));
    }

    #[test]
    fn a_price_from_nothing_needs_a_quorum_of_agreeing_feeds() {
        let ten = Perbill::from_percent(10);
        // 1.0 and 1.2: the mean 1.1; 1.2 is within 1.1 / 0.9 = 1.222…, 1.0 within 1.1 × 0.9.
        let mut close = [price(1, 1), price(12, 10)];
        assert_eq!(agreed_median(&mut close, ten, 2), Some(price(11, 10)));
        // An attacker's 1,000 next to an honest 1.0: no price at all.
        let mut far = [FixedU128::from(1_000), price(1, 1)];
        assert_eq!(agreed_median(&mut far, ten, 2), None);
        // Three feeds, one far off: two agree with the median 1.0, a quorum of two; not of three.
        let mut three = [price(1, 1), price(1, 1), FixedU128::from(1_000)];
        assert_eq!(agreed_median(&mut three, ten, 2), Some(price(1, 1)));
        assert_eq!(agreed_median(&mut three, ten, 3), None);
        assert_eq!(agreed_median(&mut [], ten, 1), None);
        // The most an attacker with half of two feeds gets from nothing: the honest 1.0 must
        // stay within the band of the median, so the median is at most 1 / 0.9 = 1.111…, the
        // attacker's 2 / 0.9 - 1 = 1.222…; a little more and they disagree.
        let top = FixedU128::from_inner(1_222_222_222_222_222_222);
        let mut edge = [top, price(1, 1)];
        assert_eq!(
            agreed_median(&mut edge, ten, 2),
            Some(FixedU128::from_inner(1_111_111_111_111_111_111))
        );
        let mut past = [price(12_223, 10_000), price(1, 1)];
        assert_eq!(agreed_median(&mut past, ten, 2), None);
    }

    #[test]
    fn the_price_in_force_moves_at_most_the_per_block_change_compounded() {
        let one_percent = Perbill::from_percent(1);
        let p = FixedU128::from(2);
        // One block: at most 2 × 0.99 = 1.98 down, 2 / 0.99 = 2.0202… up.
        assert_eq!(
            bounded_price(FixedU128::from(1), Some((p, 1)), one_percent),
            price(198, 100)
        );
        assert_eq!(
            bounded_price(FixedU128::from(3), Some((p, 1)), one_percent),
            FixedU128::from_inner(2_020_202_020_202_020_202)
        );
        // Three quiet blocks bank nothing: still at most 1%, to 1.98.
        assert_eq!(
            bounded_price(FixedU128::from(1), Some((p, 3)), one_percent),
            price(198, 100)
        );
        // Within the band: the median itself. The same block: the last price.
        assert_eq!(
            bounded_price(price(199, 100), Some((p, 1)), one_percent),
            price(199, 100)
        );
        assert_eq!(
            bounded_price(FixedU128::from(1), Some((p, 0)), one_percent),
            p
        );
        // No last price: the median. 100%: unbounded.
        assert_eq!(
            bounded_price(FixedU128::from(1), None, one_percent),
            FixedU128::from(1)
        );
        assert_eq!(
            bounded_price(FixedU128::from(9), Some((p, 1)), Perbill::one()),
            FixedU128::from(9)
        );
        // Any number of blocks: one step, and no panic.
        assert_eq!(
            bounded_price(FixedU128::from_inner(1), Some((p, u32::MAX)), one_percent),
            price(198, 100)
        );
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

/// The median of the fresh submissions, if at least `quorum` are fresh and agree with it (see
/// [`agreed_median`]). `feeds` holds each feeder's latest submission and its block, `fresh`
/// says whether a submission of that block is still fresh.
pub fn agreed_fresh_median<B: Copy>(
    feeds: impl IntoIterator<Item = (FixedU128, B)>,
    fresh: impl Fn(B) -> bool,
    max_deviation: Perbill,
    quorum: u32,
) -> Option<FixedU128> {
    let mut prices: alloc::vec::Vec<FixedU128> = feeds
        .into_iter()
        .filter(|(_, at)| fresh(*at))
        .map(|(price, _)| price)
        .collect();
    if (prices.len() as u32) < quorum {
        return None;
    }
    agreed_median(&mut prices, max_deviation, quorum)
}

/// The price in force, as the chain remembers it to bound the next one (the pallet's
/// `LastPrice`), with `B` the block number.
///
/// The price in a block is bounded by the price at the end of the last *earlier* block that
/// computed one: every submission of a block counts, and the price still moves at most once
/// per block's worth of the bound.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct PriceInForce<B> {
    /// The price in force after the latest submission.
    pub price: FixedU128,
    /// The block of the latest submission.
    pub at: B,
    /// The price in force at the end of the last block before `at` that computed one.
    pub base: FixedU128,
    /// That block.
    pub base_at: B,
}

impl<B: Copy + PartialOrd> PriceInForce<B> {
    /// A price in force since block `at`, with nothing before it.
    pub fn new(price: FixedU128, at: B) -> Self {
        Self {
            price,
            at,
            base: price,
            base_at: at,
        }
    }

    /// The price that bounds the price in block `now`, and its block.
    pub fn reference(&self, now: B) -> (FixedU128, B) {
        if self.at < now {
            (self.price, self.at)
        } else {
            (self.base, self.base_at)
        }
    }

    /// The memory after `price` is computed in block `now` (not before `at`).
    pub fn record(self, price: FixedU128, now: B) -> Self {
        let (base, base_at) = self.reference(now);
        Self {
            price,
            at: now,
            base,
            base_at,
        }
    }

    /// The price in force that a submission in block `now` computes from the agreed `median`:
    /// the median moved from the reference of `now` (see [`PriceInForce::reference`]) by at
    /// most `max_change_per_block` ([`bounded_price`]), or the median itself with no price
    /// before it.
    pub fn bounded(
        last: Option<Self>,
        median: FixedU128,
        now: B,
        max_change: Perbill,
    ) -> FixedU128 {
        let from = last.map(|last| {
            let (price, at) = last.reference(now);
            // `bounded_price` only asks whether any block passed since the reference.
            (price, u32::from(at < now))
        });
        bounded_price(median, from, max_change)
    }

    /// The memory after a submission in block `now` computed `price` from `last`.
    pub fn after(last: Option<Self>, price: FixedU128, now: B) -> Self {
        match last {
            Some(last) => last.record(price, now),
            None => Self::new(price, now),
        }
    }
}
