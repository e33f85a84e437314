//! How far a price submission and the price in force may move: a feeder, or a minority of
//! feeders, against the bounds `max_price_deviation` and `max_price_change_per_block`.

use super::*;
use crate::{LastPrice, PriceInForce};
use sp_arithmetic::{traits::Zero, FixedPointNumber};

/// The test parameters with the price bounds on: a submission within 10% of the price in
/// force, the price in force moving at most 1% a block.
fn bounded_params() -> Parameters {
    Parameters {
        max_price_deviation: Perbill::from_percent(10),
        max_price_change_per_block: Perbill::from_percent(1),
        ..test_params()
    }
}

/// The price in force now.
fn price() -> FixedU128 {
    BurnMint::current_price().expect("a price is in force")
}

/// `feeder` submits `price` (a whole number of stable units per token, or a `FixedU128`).
fn submit(feeder: AccountId, price: impl Into<FixedU128>) {
    assert_ok!(BurnMint::submit_price(signed(feeder), price.into()));
}

/// Price events of the block so far: (rejected submissions, limited movements).
fn price_events() -> (usize, usize) {
    let all = events();
    let rejected = all
        .iter()
        .filter(|e| matches!(e, Event::PriceSubmissionRejected { .. }))
        .count();
    let limited = all
        .iter()
        .filter(|e| matches!(e, Event::PriceMovementLimited { .. }))
        .count();
    (rejected, limited)
}

/// The price in force, if any.
fn price_or_none() -> Option<FixedU128> {
    BurnMint::current_price()
}

/// The highest price a submission may have and be accepted: `p / 0.9`, rounded down.
fn band_top(p: FixedU128) -> FixedU128 {
    FixedU128::from_inner(p.into_inner() * 10 / 9)
}

#[test]
fn a_submission_far_from_the_price_is_rejected_and_reported() {
    ExtBuilder::default()
        .parameters(bounded_params())
        .build_and_execute(|| {
            // Price 2 at genesis; block 1. One feeder reports 1,000: rejected, nothing stored,
            // the call succeeds so that the event stays.
            submit(FEEDERS[0], 1_000);
            assert_eq!(
                events().last(),
                Some(&Event::PriceSubmissionRejected {
                    feeder: FEEDERS[0],
                    submitted: FixedU128::from(1_000),
                    price: FixedU128::from(2),
                })
            );
            assert_eq!(
                PriceFeeders::<Test>::get()[0].latest,
                Some((FixedU128::from(2), 0))
            );
            assert_eq!(
                LastPrice::<Test>::get(),
                Some(PriceInForce::new(FixedU128::from(2), 0))
            );
            // The band's edges are inside: 2 × 0.9 = 1.8 is accepted, 1.7 is not.
            submit(FEEDERS[1], FixedU128::from_rational(18, 10));
            assert_eq!(
                PriceFeeders::<Test>::get()[1].latest,
                Some((FixedU128::from_rational(18, 10), 1))
            );
            submit(FEEDERS[2], FixedU128::from_rational(17, 10));
            assert_eq!(
                PriceFeeders::<Test>::get()[2].latest,
                Some((FixedU128::from(2), 0))
            );
            assert_eq!(price(), FixedU128::from(2));
            assert_eq!(price_events(), (2, 0));
            // 2.2 and 2.1 (under 2 / 0.9 = 2.222…): the median of 2.2, 1.8 and 2.1 is 2.1, 5%
            // above the price of block 0: the price in block 1 moves 1%, to 2 / 0.99.
            submit(FEEDERS[0], FixedU128::from_rational(22, 10));
            submit(FEEDERS[2], FixedU128::from_rational(21, 10));
            let moved = FixedU128::from_inner(2_020_202_020_202_020_202);
            assert_eq!(price(), moved);
            assert_eq!(
                events().last(),
                Some(&Event::PriceMovementLimited {
                    median: FixedU128::from_rational(21, 10),
                    price: moved,
                })
            );
            assert_eq!(price_events(), (2, 1));
            // Credits are sold at the price in force: 1 token = 2,020 credits, not 2,100.
            assert_eq!(BurnMint::quote_credits(UNIT), Some(2_020));
        });
}

#[test]
fn the_price_follows_the_feeds_at_most_one_percent_a_block() {
    ExtBuilder::default()
        .parameters(bounded_params())
        .build_and_execute(|| {
            // The token falls 5% and all three feeders report 1.9 in every block. Every
            // submission of a block counts, and the price in force falls by exactly 1% a block
            // (rounded down) until it meets the feeds: 2 × 0.99⁵ = 1.9019… > 1.9 > 2 × 0.99⁶.
            let mut expected = FixedU128::from(2);
            for block in 1..=6u64 {
                run_to_block(block);
                for feeder in FEEDERS {
                    submit(feeder, FixedU128::from_rational(19, 10));
                }
                expected = FixedU128::from_inner(
                    Perbill::from_percent(99).mul_floor(expected.into_inner()),
                )
                .max(FixedU128::from_rational(19, 10));
                assert_eq!(price(), expected, "block {block}");
                assert_eq!(
                    LastPrice::<Test>::get().map(|l| (l.price, l.at)),
                    Some((expected, block))
                );
                assert_eq!(
                    BurnMint::quote_credits(UNIT),
                    Some(expected.saturating_mul_int(UNIT))
                );
            }
            assert_eq!(price(), FixedU128::from_rational(19, 10));
        });
}

#[test]
fn a_crash_beyond_the_band_stops_sales_until_the_feeds_agree_again() {
    ExtBuilder::default()
        .parameters(bounded_params())
        .build_and_execute(|| {
            // The token halves: every report of 1.0 is outside [1.8, 2.22] and rejected; the
            // genesis submissions age, and the price stays 2 until they are stale (20 blocks).
            for block in 1..=20u64 {
                run_to_block(block);
                for feeder in FEEDERS {
                    submit(feeder, 1);
                }
                assert_eq!(price_or_none(), Some(FixedU128::from(2)), "block {block}");
            }
            run_to_block(21);
            assert_eq!(price_or_none(), None);
            assert_noop!(
                BurnMint::buy_credits(signed(ALICE), 100, 0),
                Error::<Test>::PriceUnavailable
            );
            // No price in force: nothing to reject against. One fresh feed is no quorum; two
            // agreeing ones set the price, as far as it moved.
            submit(FEEDERS[0], 1);
            assert_eq!(price_or_none(), None);
            submit(FEEDERS[1], 1);
            assert_eq!(price_or_none(), Some(FixedU128::from(1)));
            assert_eq!(
                LastPrice::<Test>::get().map(|l| (l.price, l.at)),
                Some((FixedU128::from(1), 21))
            );
            assert_ok!(BurnMint::buy_credits(signed(ALICE), UNIT, 1_000));
        });
}

#[test]
fn one_feeder_of_three_cannot_move_the_price() {
    ExtBuilder::default()
        .parameters(bounded_params())
        .build_and_execute(|| {
            // One feeder pushes with everything the band accepts in every block, for 100 blocks;
            // the other two report 2.0 every 10: the median, and the price, stay at 2.
            for block in 1..=100u64 {
                run_to_block(block);
                submit(FEEDERS[0], 1_000);
                submit(FEEDERS[0], band_top(price()));
                if block % 10 == 0 {
                    submit(FEEDERS[1], 2);
                    submit(FEEDERS[2], 2);
                }
                assert_eq!(price(), FixedU128::from(2), "block {block}");
            }
        });
}

#[test]
fn an_attacker_with_half_the_fresh_feeds_gains_at_most_an_eighth() {
    ExtBuilder::default()
        .parameters(bounded_params())
        .build_and_execute(|| {
            // The third feeder is silent, so two fresh feeds are a quorum and their median is
            // their mean. The attacker submits the top of the band in every block (or, with no
            // price in force, the most that still agrees with an honest 2.0: 2.4); the honest
            // feeder reports 2.0 every 10 blocks. The price climbs at most 1% a block towards
            // the fixed point p = (p / 0.9 + 2) / 2 = 2.25; once it passes 2 / 0.9 the honest
            // report is rejected, goes stale and sales stop; a restart needs both to agree.
            let bound = FixedU128::from_rational(225, 100);
            let (mut highest, mut stopped, mut rejected) = (FixedU128::zero(), 0, 0);
            let mut previous: Option<FixedU128> = None;
            for block in 1..=400u64 {
                run_to_block(block);
                match price_or_none() {
                    Some(p) => submit(FEEDERS[0], band_top(p)),
                    None => submit(FEEDERS[0], FixedU128::from_rational(24, 10)),
                }
                if block % 10 == 0 {
                    submit(FEEDERS[1], 2);
                    rejected += price_events().0;
                }
                let now = price_or_none();
                if let (Some(before), Some(now)) = (previous, now) {
                    assert!(
                        now.into_inner() <= before.into_inner() * 100 / 99 + 1,
                        "block {block}: more than 1% from {before:?} to {now:?}"
                    );
                }
                match now {
                    Some(p) => {
                        assert!(p <= bound, "block {block}: {p:?}");
                        highest = highest.max(p);
                    }
                    None => stopped += 1,
                }
                previous = now;
            }
            // The attacker got close to the bound, never past it; the cost was sales stopped.
            assert!(
                highest > FixedU128::from_rational(2_24, 1_00),
                "{highest:?}"
            );
            assert!(
                rejected > 0 && stopped > 0,
                "rejected {rejected}, stopped {stopped}"
            );
        });
}

#[test]
fn after_an_outage_one_far_off_feeder_neither_sets_nor_blocks_the_price() {
    ExtBuilder::default()
        .parameters(bounded_params())
        .build_and_execute(|| {
            // Genesis prices are stale after 20 blocks: no price, nothing to reject against.
            run_to_block(30);
            assert_eq!(price_or_none(), None);
            submit(FEEDERS[0], 1_000);
            submit(FEEDERS[1], 1);
            // Two fresh feeds that disagree: no price.
            assert_eq!(price_or_none(), None);
            assert_eq!(price_events(), (0, 0));
            // A third: the median 1.0, with which two (a quorum) agree.
            submit(FEEDERS[2], 1);
            assert_eq!(price(), FixedU128::from(1));
            assert_eq!(
                LastPrice::<Test>::get().map(|l| (l.price, l.at)),
                Some((FixedU128::from(1), 30))
            );
        });
}

#[test]
fn zero_price_bounds_are_refused() {
    ExtBuilder::default().build_and_execute(|| {
        for params in [
            Parameters {
                max_price_deviation: Perbill::zero(),
                ..test_params()
            },
            Parameters {
                max_price_change_per_block: Perbill::zero(),
                ..test_params()
            },
        ] {
            assert_noop!(
                BurnMint::set_parameters(RuntimeOrigin::root(), params),
                Error::<Test>::BadPriceSettings
            );
        }
    });
}
