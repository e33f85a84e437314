//! Credits: buying (the burn), spending with providers, paying for compute, prices.

use super::*;
use codec::{Decode, Encode};

/// A feeder list within the bound of the call's type.
fn bounded(
    feeders: Vec<AccountId>,
) -> frame_support::BoundedVec<AccountId, <Test as crate::Config>::MaxPriceFeeders> {
    feeders.try_into().expect("within the bound")
}

#[test]
fn buy_credits_burns_exactly_the_amount() {
    ExtBuilder::default().build_and_execute(|| {
        let before = issuance();
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 1_500, 3_000));
        // Price 2 units/token, 1 token = 1_000, 1_000 credits per unit: 1_500 -> 3_000 credits.
        assert_eq!(issuance(), before - 1_500);
        assert_eq!(Balances::balance(&ALICE), 1_000_000 - 1_500);
        assert_eq!(CreditBalances::<Test>::get(ALICE).credits, 3_000);
        assert_eq!(CreditBalances::<Test>::get(ALICE).basis, 1_500);
        assert_eq!(BurnMint::totals().credits_outstanding(), 3_000);
        assert_eq!(
            last_event(),
            Event::CreditsBought {
                who: ALICE,
                burned: 1_500,
                credits: 3_000
            }
        );
        assert_eq!(BurnMint::quote_credits(10), Some(20));
    });
}

#[test]
fn buy_credits_rejects_bad_input_and_changes_nothing() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(
            BurnMint::buy_credits(RuntimeOrigin::none(), 1, 0),
            DispatchError::BadOrigin
        );
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 0, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 100, 201),
            Error::<Test>::SlippageExceeded
        );
        // Would leave Alice below the existential deposit.
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 1_000_000 - ED + 1, 0),
            Error::<Test>::InsufficientBalance
        );
        // More than she has.
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 2_000_000, 0),
            Error::<Test>::InsufficientBalance
        );
        // Overflow-sized amounts fail cleanly.
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), u128::MAX, 0),
            Error::<Test>::Overflow
        );
        // Everything but the ED works.
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 1_000_000 - ED, 0));
    });
}

#[test]
fn held_and_frozen_funds_cannot_buy_credits() {
    ExtBuilder::default().build_and_execute(|| {
        // P1 bonds almost everything: held funds cannot be burned.
        assert_ok!(BurnMint::register_provider(signed(P1), 1, 999_000));
        assert_noop!(
            BurnMint::buy_credits(signed(P1), 5_000, 0),
            Error::<Test>::InsufficientBalance
        );
        // Bob freezes most of his balance.
        assert_ok!(<Balances as MutateFreeze<_>>::set_freeze(
            &(),
            &BOB,
            999_000
        ));
        assert_noop!(
            BurnMint::buy_credits(signed(BOB), 5_000, 0),
            Error::<Test>::InsufficientBalance
        );
        assert_ok!(BurnMint::buy_credits(signed(BOB), 900, 0));
    });
}

#[test]
fn stale_or_missing_prices_stop_sales_but_not_spending() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100, 0));
        // Prices were submitted at block 0 and are stale after 20 blocks.
        run_to_block(21);
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 100, 0),
            Error::<Test>::PriceUnavailable
        );
        assert_eq!(BurnMint::quote_credits(100), None);
        // Credits already held can still be spent.
        assert_ok!(BurnMint::spend_credits(signed(ALICE), P1, 200));
        // One fresh feed is not enough (two required).
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[0]),
            FixedU128::from(3)
        ));
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 100, 0),
            Error::<Test>::PriceUnavailable
        );
        // Two fresh feeds: their median, the mean of the two (3 and 5), is used.
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[1]),
            FixedU128::from(5)
        ));
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100, 400));
        assert_eq!(CreditBalances::<Test>::get(ALICE).credits, 400);
    });
}

#[test]
fn missing_price_feed_means_no_sales() {
    ExtBuilder::default().without_price().build_and_execute(|| {
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 100, 0),
            Error::<Test>::PriceUnavailable
        );
    });
}

#[test]
fn price_feeders_are_managed_by_their_origin() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(
            BurnMint::submit_price(signed(ALICE), FixedU128::from(1)),
            Error::<Test>::NotPriceFeeder
        );
        assert_noop!(
            BurnMint::submit_price(signed(FEEDERS[0]), FixedU128::from_inner(0)),
            Error::<Test>::ZeroPrice
        );
        assert_noop!(
            BurnMint::set_price_feeders(signed(ALICE), bounded(vec![ALICE])),
            DispatchError::BadOrigin
        );
        // More feeders than the bound: the call does not even decode (it used to be sorted
        // first and rejected after).
        let call = |n: u64| {
            let mut bytes = vec![13u8];
            bytes.extend((100..100 + n).collect::<Vec<AccountId>>().encode());
            crate::Call::<Test>::decode(&mut &bytes[..])
        };
        assert!(call(9).is_err());
        assert!(matches!(
            call(8),
            Ok(crate::Call::set_price_feeders { feeders }) if feeders.len() == 8
        ));
        assert_ok!(BurnMint::set_price_feeders(
            RuntimeOrigin::root(),
            bounded(vec![ALICE, FEEDERS[0], ALICE])
        ));
        // Sorted and deduplicated; kept feeders keep their submission, new ones have none,
        // removed ones are gone with theirs.
        let feeds = PriceFeeders::<Test>::get();
        let summary: Vec<_> = feeds
            .iter()
            .map(|f| (f.feeder, f.latest.is_some()))
            .collect();
        assert_eq!(summary, vec![(ALICE, false), (FEEDERS[0], true)]);
        assert_ok!(BurnMint::submit_price(signed(ALICE), FixedU128::from(1)));
        assert_eq!(
            PriceFeeders::<Test>::get()[0].latest,
            Some((FixedU128::from(1), 1))
        );
        assert_noop!(
            BurnMint::submit_price(signed(FEEDERS[1]), FixedU128::from(1)),
            Error::<Test>::NotPriceFeeder
        );
    });
}

#[test]
fn a_price_needs_a_majority_of_the_feeders() {
    ExtBuilder::default().build_and_execute(|| {
        // Three feeders, two fresh submissions needed. Four feeders would let two of them
        // (a minority-or-tie) set the price: rejected; with one feed needed, so would three.
        assert_noop!(
            BurnMint::set_price_feeders(
                RuntimeOrigin::root(),
                bounded(vec![FEEDERS[0], FEEDERS[1], FEEDERS[2], ALICE])
            ),
            Error::<Test>::QuorumTooSmall
        );
        assert_noop!(
            BurnMint::set_parameters(
                RuntimeOrigin::root(),
                Parameters {
                    min_price_feeds: 1,
                    ..test_params()
                }
            ),
            Error::<Test>::QuorumTooSmall
        );
        // The active and the pending parameters must both keep a majority: with 3 scheduled,
        // five feeders still fail under the active 2.
        assert_ok!(BurnMint::set_parameters(
            RuntimeOrigin::root(),
            Parameters {
                min_price_feeds: 3,
                ..test_params()
            }
        ));
        assert_noop!(
            BurnMint::set_price_feeders(
                RuntimeOrigin::root(),
                bounded(vec![FEEDERS[0], FEEDERS[1], FEEDERS[2], ALICE, BOB])
            ),
            Error::<Test>::QuorumTooSmall
        );
        assert_ok!(BurnMint::set_price_feeders(
            RuntimeOrigin::root(),
            bounded(vec![FEEDERS[0], FEEDERS[1], FEEDERS[2]])
        ));
        // Once 3 apply, one fresh feed (the genesis prices are stale by block 21) prices
        // nothing.
        next_epoch();
        run_to_block(25);
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[0]),
            FixedU128::from(1)
        ));
        assert_eq!(BurnMint::current_price(), None);
    });
}

#[test]
fn spend_credits_needs_credits_and_an_active_provider() {
    ExtBuilder::default().build_and_execute(|| {
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100, 0));
        assert_noop!(
            BurnMint::spend_credits(signed(ALICE), P1, 10),
            Error::<Test>::NotProvider
        );
        register(P1, 1);
        assert_noop!(
            BurnMint::spend_credits(signed(ALICE), P1, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            BurnMint::spend_credits(signed(ALICE), P1, 201),
            Error::<Test>::InsufficientCredits
        );
        assert_noop!(
            BurnMint::spend_credits(signed(BOB), P1, 1),
            Error::<Test>::InsufficientCredits
        );
        assert_ok!(BurnMint::pause(signed(P1)));
        assert_noop!(
            BurnMint::spend_credits(signed(ALICE), P1, 10),
            Error::<Test>::ProviderNotActive
        );
        assert_ok!(BurnMint::resume(signed(P1)));
        assert_ok!(BurnMint::spend_credits(signed(ALICE), P1, 50));
        let usage = Providers::<Test>::get(P1).unwrap().work.unwrap();
        assert_eq!((usage.epoch, usage.credits, usage.basis), (0, 50, 25));
        assert_eq!(CreditBalances::<Test>::get(ALICE).credits, 150);
        assert_ok!(BurnMint::leave(signed(P1)));
        assert_noop!(
            BurnMint::spend_credits(signed(ALICE), P1, 10),
            Error::<Test>::ProviderNotActive
        );
    });
}

#[test]
fn pay_for_compute_burns_and_serves_in_one_call() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        // Alice already holds credits bought for 100 tokens; paying for compute leaves them
        // alone and serves exactly what it buys, at exactly the tokens it burns.
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100, 0));
        let held = CreditBalances::<Test>::get(ALICE);
        let before = issuance();
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 500, 1_000));
        assert_eq!(issuance(), before - 500);
        assert_eq!(CreditBalances::<Test>::get(ALICE), held);
        let usage = Providers::<Test>::get(P1).unwrap().work.unwrap();
        assert_eq!((usage.credits, usage.basis), (1_000, 500));
        assert_eq!(
            (books().credits_sold, books().credits_served),
            (1_200, 1_000)
        );
        assert_noop!(
            BurnMint::pay_for_compute(signed(ALICE), P1, 500, 1_001),
            Error::<Test>::SlippageExceeded
        );
        // Paying a paused provider burns nothing.
        assert_ok!(BurnMint::pause(signed(P1)));
        assert_noop!(
            BurnMint::pay_for_compute(signed(ALICE), P1, 500, 0),
            Error::<Test>::ProviderNotActive
        );
        assert_noop!(
            BurnMint::pay_for_compute(signed(ALICE), P2, 500, 0),
            Error::<Test>::NotProvider
        );
    });
}

#[test]
fn an_even_number_of_fresh_feeds_prices_at_their_mean() {
    ExtBuilder::default().build_and_execute(|| {
        // The genesis prices are stale after 20 blocks; two feeders report again, far apart.
        run_to_block(25);
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[0]),
            FixedU128::from_rational(1, 2)
        ));
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[1]),
            FixedU128::from_rational(5, 10_000)
        ));
        // The median of two is their mean, 0.25025: 100 tokens buy 25_025 credits (the lower
        // of the two would have sold them for 50).
        assert_eq!(
            BurnMint::current_price(),
            Some(FixedU128::from_rational(25_025, 100_000))
        );
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100 * UNIT, 25_025));
        assert_eq!(CreditBalances::<Test>::get(ALICE).credits, 25_025);
    });
}

#[test]
fn payments_that_settle_nothing_are_charged_their_open_epoch_weight() {
    use crate::weights::WeightInfo;
    use frame_support::{dispatch::GetDispatchInfo, traits::Get};
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        let feeders: u32 = <Test as crate::Config>::MaxPriceFeeders::get();
        let open_pay = <() as WeightInfo>::pay_for_compute_open_epoch(feeders);
        let open_spend = <() as WeightInfo>::spend_credits_open_epoch();
        // Declared: the worst case, which settles a closed epoch's work against its pool.
        let pay = crate::Call::<Test>::pay_for_compute {
            provider: P1,
            amount: 500,
            min_credits: 0,
        };
        let worst_pay = <() as WeightInfo>::pay_for_compute(feeders);
        assert_eq!(pay.get_dispatch_info().call_weight, worst_pay);
        let worst_spend = <() as WeightInfo>::spend_credits();
        assert!(open_pay.all_lte(worst_pay) && open_pay.ref_time() < worst_pay.ref_time());
        assert!(open_spend.all_lte(worst_spend) && open_spend.ref_time() < worst_spend.ref_time());
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100, 0));
        // The record's first work, then more in the same epoch: nothing to settle.
        for _ in 0..2 {
            let post = BurnMint::pay_for_compute(signed(ALICE), P1, 500, 0).unwrap();
            assert_eq!(post.actual_weight, Some(open_pay));
        }
        let post = BurnMint::spend_credits(signed(ALICE), P1, 10).unwrap();
        assert_eq!(post.actual_weight, Some(open_spend));
        // The next epoch's first payment settles the closed epoch's work: charged in full.
        next_epoch();
        let post = BurnMint::pay_for_compute(signed(ALICE), P1, 500, 0).unwrap();
        assert_eq!(post.actual_weight, None);
        let work = Providers::<Test>::get(P1).unwrap().work.unwrap();
        assert_eq!(work.epoch, CurrentEpoch::<Test>::get().index);
        let post = BurnMint::spend_credits(signed(ALICE), P1, 10).unwrap();
        assert_eq!(post.actual_weight, Some(open_spend));
        // So is a spend that settles.
        next_epoch();
        let post = BurnMint::spend_credits(signed(ALICE), P1, 10).unwrap();
        assert_eq!(post.actual_weight, None);
    });
}
