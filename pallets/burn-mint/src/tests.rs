//! Unit and property tests of pallet-burn-mint. Every test ends with `do_try_state`.

use crate::{
    economics::{ControllerMode, Parameters},
    mock::*,
    CreditBalances, CurrentEpoch, Emission, Error, Event, FeeHandler, HoldReason, Ledger,
    PriceFeeders, ProviderStatus, Providers,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{
        fungible::{Balanced, Inspect, InspectHold, MutateFreeze},
        tokens::{Fortitude, Precision, Preservation},
        OnUnbalanced,
    },
};
use sp_arithmetic::{FixedU128, Perbill, Permill};
use sp_runtime::DispatchError;

fn signed(who: AccountId) -> RuntimeOrigin {
    RuntimeOrigin::signed(who)
}

fn issuance() -> u128 {
    Balances::total_issuance()
}

/// Issuance before the pallet minted or burned anything.
fn genesis_issuance() -> u128 {
    let totals = BurnMint::totals();
    issuance() + totals.burned - totals.minted
}

fn register(who: AccountId, capacity: u32) {
    assert_ok!(BurnMint::register_provider(signed(who), capacity, 1_000));
}

/// Availability points of all active providers.
fn total_points() -> u128 {
    Emission::<Test>::get().accrual.total_points
}

/// The open epoch's books so far.
fn books() -> crate::EpochRecord {
    BurnMint::open_books()
}

fn last_event() -> Event<Test> {
    events().pop().expect("an event")
}

// ---------------------------------------------------------------------------------------------
// Providers
// ---------------------------------------------------------------------------------------------

#[test]
fn register_provider_holds_bond_and_counts_points() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 4);
        assert_eq!(
            Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &P1),
            1_000
        );
        let p = Providers::<Test>::get(P1).unwrap();
        assert_eq!(p.status, ProviderStatus::Active);
        assert_eq!(p.points, 4 * 1_000_000);
        assert_eq!(total_points(), 4_000_000);
        assert_eq!(
            last_event(),
            Event::ProviderRegistered {
                provider: P1,
                capacity: 4,
                bond: 1_000
            }
        );
    });
}

#[test]
fn register_provider_rejects_bad_input() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(
            BurnMint::register_provider(RuntimeOrigin::none(), 1, 1_000),
            DispatchError::BadOrigin
        );
        assert_noop!(
            BurnMint::register_provider(signed(P1), 0, 1_000),
            Error::<Test>::InvalidCapacity
        );
        assert_noop!(
            BurnMint::register_provider(signed(P1), 10_001, 1_000),
            Error::<Test>::InvalidCapacity
        );
        assert_noop!(
            BurnMint::register_provider(signed(P1), 1, 99),
            Error::<Test>::BondTooLow
        );
        assert_noop!(
            BurnMint::register_provider(signed(P1), 1, 2_000_000),
            Error::<Test>::InsufficientBalance
        );
        register(P1, 1);
        assert_noop!(
            BurnMint::register_provider(signed(P1), 1, 1_000),
            Error::<Test>::AlreadyProvider
        );
    });
}

#[test]
fn calls_fail_before_parameters_are_set() {
    ExtBuilder::default().unconfigured().build_and_execute(|| {
        assert_noop!(
            BurnMint::register_provider(signed(P1), 1, 1_000),
            Error::<Test>::NotConfigured
        );
        assert_noop!(
            BurnMint::buy_credits(signed(ALICE), 1_000, 0),
            Error::<Test>::NotConfigured
        );
        // No emission either.
        let before = issuance();
        run_to_block(30);
        assert_eq!(issuance(), before);
        // Governance configures the chain; the first epoch starts now.
        assert_ok!(BurnMint::set_parameters(
            RuntimeOrigin::root(),
            test_params()
        ));
        assert_eq!(CurrentEpoch::<Test>::get().start, 30);
        run_to_block(31);
        assert!(issuance() > before);
    });
}

#[test]
fn capacity_pause_resume_and_their_errors() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(
            BurnMint::update_capacity(signed(P1), 2),
            Error::<Test>::NotProvider
        );
        assert_noop!(BurnMint::pause(signed(P1)), Error::<Test>::NotProvider);
        register(P1, 1);
        assert_noop!(
            BurnMint::update_capacity(signed(P1), 0),
            Error::<Test>::InvalidCapacity
        );
        assert_ok!(BurnMint::update_capacity(signed(P1), 3));
        assert_eq!(total_points(), 3_000_000);
        assert_noop!(
            BurnMint::resume(signed(P1)),
            Error::<Test>::ProviderNotPaused
        );
        assert_ok!(BurnMint::pause(signed(P1)));
        assert_eq!(total_points(), 0);
        assert_noop!(
            BurnMint::pause(signed(P1)),
            Error::<Test>::ProviderNotActive
        );
        assert_ok!(BurnMint::resume(signed(P1)));
        assert_eq!(total_points(), 3_000_000);
    });
}

#[test]
fn leave_unbond_and_claim_after_leaving() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        run_to_block(5);
        assert_noop!(
            BurnMint::withdraw_bond(signed(P1)),
            Error::<Test>::NotLeaving
        );
        assert_ok!(BurnMint::leave(signed(P1)));
        assert_noop!(BurnMint::leave(signed(P1)), Error::<Test>::AlreadyLeaving);
        assert_noop!(
            BurnMint::update_capacity(signed(P1), 2),
            Error::<Test>::AlreadyLeaving
        );
        assert_eq!(total_points(), 0);
        let earned = BurnMint::pending_rewards(&P1);
        assert!(earned > 0, "earned availability rewards while active");
        // A leaving provider earns nothing new.
        run_to_block(12);
        assert_eq!(BurnMint::pending_rewards(&P1), earned);
        assert_noop!(
            BurnMint::withdraw_bond(signed(P1)),
            Error::<Test>::StillUnbonding
        );
        run_to_block(20);
        let free_before = Balances::balance(&P1);
        assert_ok!(BurnMint::withdraw_bond(signed(P1)));
        assert_eq!(Balances::balance(&P1), free_before + 1_000);
        assert_eq!(
            Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &P1),
            0
        );
        // Still registered until it claims what it earned; anyone may trigger the claim.
        assert!(Providers::<Test>::contains_key(P1));
        assert_ok!(BurnMint::claim_rewards(signed(BOB), P1));
        assert_eq!(Balances::balance(&P1), free_before + 1_000 + earned);
        assert!(!Providers::<Test>::contains_key(P1));
        assert_eq!(crate::ProviderCount::<Test>::get(), 0);
    });
}

#[test]
fn reputation_and_slashing_need_the_reputation_origin() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 2);
        assert_noop!(
            BurnMint::set_reputation(signed(ALICE), P1, Permill::from_percent(50)),
            DispatchError::BadOrigin
        );
        assert_noop!(
            BurnMint::set_reputation(signed(REPUTATION_ORACLE), P2, Permill::from_percent(50)),
            Error::<Test>::NotProvider
        );
        assert_ok!(BurnMint::set_reputation(
            signed(REPUTATION_ORACLE),
            P1,
            Permill::from_percent(50)
        ));
        assert_eq!(total_points(), 1_000_000);

        assert_noop!(
            BurnMint::slash_provider(signed(ALICE), P1, Perbill::from_percent(10)),
            DispatchError::BadOrigin
        );
        assert_noop!(
            BurnMint::slash_provider(RuntimeOrigin::root(), P1, Perbill::zero()),
            Error::<Test>::ZeroAmount
        );
        let before = issuance();
        assert_ok!(BurnMint::slash_provider(
            RuntimeOrigin::root(),
            P1,
            Perbill::from_percent(10)
        ));
        assert_eq!(issuance(), before - 100);
        assert_eq!(Providers::<Test>::get(P1).unwrap().bond, 900);
        assert_eq!(books().burned_slashes, 100);
    });
}

// ---------------------------------------------------------------------------------------------
// Credits
// ---------------------------------------------------------------------------------------------

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
        // Two fresh feeds: the median (lower middle) is used.
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[1]),
            FixedU128::from(5)
        ));
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100, 300));
        assert_eq!(CreditBalances::<Test>::get(ALICE).credits, 300);
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
            BurnMint::set_price_feeders(signed(ALICE), vec![ALICE]),
            DispatchError::BadOrigin
        );
        assert_noop!(
            BurnMint::set_price_feeders(RuntimeOrigin::root(), (100..109).collect()),
            Error::<Test>::TooManyFeeders
        );
        assert_ok!(BurnMint::set_price_feeders(
            RuntimeOrigin::root(),
            vec![ALICE, FEEDERS[0], ALICE]
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
        let usage = Providers::<Test>::get(P1).unwrap().usage.unwrap();
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
        let usage = Providers::<Test>::get(P1).unwrap().usage.unwrap();
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

// ---------------------------------------------------------------------------------------------
// Emission, epochs, rewards
// ---------------------------------------------------------------------------------------------

#[test]
fn each_block_mints_treasury_share_and_availability_only_when_providers_are_online() {
    ExtBuilder::default().build_and_execute(|| {
        let treasury = Balances::balance(&TREASURY);
        let pot = Balances::balance(&BurnMint::pot());
        let before = issuance();
        run_to_block(2);
        // No provider online: the treasury's 200 minted into the pot, availability (300) never
        // minted, usage (500) accrues; blocks 1 and 2 so far.
        assert_eq!(Balances::balance(&BurnMint::pot()), pot + 200);
        assert_eq!(issuance(), before + 200);
        let b = books();
        assert_eq!(
            (
                b.minted_ecosystem,
                b.minted_providers,
                b.unminted,
                b.usage_accrued
            ),
            (400, 0, 600, 1_000)
        );
        register(P1, 1);
        run_to_block(3);
        assert_eq!(issuance(), before + 200 + 200 + 300);
        assert_eq!(BurnMint::pending_rewards(&P1), 300);
        let b = books();
        assert_eq!((b.minted_providers, b.unminted), (300, 600));
        // A normal block writes none of the pallet's own storage: the books are lazy.
        let stored = Emission::<Test>::get();
        run_to_block(4);
        assert_eq!(Emission::<Test>::get(), stored);
        assert_eq!(books().minted_providers, 600);
        // The treasury is paid its share of the epoch (blocks 1..=9) when it closes.
        assert_eq!(Balances::balance(&TREASURY), treasury);
        run_to_block(10);
        assert_eq!(Balances::balance(&TREASURY), treasury + 9 * 200);
        assert_eq!(Ledger::<Test>::get(0).unwrap().minted_ecosystem, 9 * 200);
    });
}

#[test]
fn epoch_boundary_with_no_usage_mints_no_usage_pool() {
    ExtBuilder::default().build_and_execute(|| {
        let before = issuance();
        run_to_block(10);
        let record = Ledger::<Test>::get(0).expect("epoch 0 closed at block 10");
        // Blocks 1..=9 ran in epoch 0: 9 blocks of 1_000 (block 1 before `before`).
        assert_eq!(record.minted_ecosystem, 9 * 200);
        assert_eq!(record.minted_providers, 0);
        assert_eq!(record.unminted, 9 * 800);
        assert_eq!(record.emission_per_block, 1_000);
        assert_eq!(record.total_issuance_at_close, before + 8 * 200);
        // The new epoch's books start from its first block, block 10.
        assert_eq!(books().minted_ecosystem, 200);
        assert_eq!(CurrentEpoch::<Test>::get().index, 1);
        assert!(events()
            .iter()
            .any(|e| matches!(e, Event::EpochClosed { epoch: 0, .. })));
    });
}

#[test]
fn epoch_boundary_with_one_provider_pays_capped_usage() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        // Alice burns 1_000 for 2_000 credits and spends them with P1.
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        run_to_block(10);
        // Usage pool 9 * 500 = 4_500 accrued; cap 80% of 1_000 -> 800 minted, 3_700 never,
        // plus block 1's availability (P1 registered after it).
        let pool = crate::UsagePools::<Test>::get(0).unwrap();
        assert_eq!(pool.minted, 800);
        let record = Ledger::<Test>::get(0).unwrap();
        assert_eq!(record.unminted, 3_700 + 300);
        assert_eq!(record.minted_providers, 8 * 300 + 800);
        assert_eq!(record.credits_served, 2_000);
        assert_eq!(record.burned_credits, 1_000);
        // P1: availability of blocks 2..=10 (block 10 mints after the close) + usage 800.
        let expected = 9 * 300 + 800;
        assert_eq!(BurnMint::pending_rewards(&P1), expected);
        let free = Balances::balance(&P1);
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
        assert_eq!(Balances::balance(&P1), free + expected);
        assert_noop!(
            BurnMint::claim_rewards(signed(P1), P1),
            Error::<Test>::NothingToClaim
        );
    });
}

#[test]
fn epoch_boundary_with_many_providers_pays_pro_rata() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        register(P2, 3);
        // Usage is small relative to the pool, so the cap binds for both, pro rata.
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        assert_ok!(BurnMint::pay_for_compute(signed(BOB), P2, 3_000, 0));
        run_to_block(10);
        let pool = crate::UsagePools::<Test>::get(0).unwrap();
        assert_eq!(pool.minted, 3_200);
        // Availability of blocks 2..=10 (9 * 300) split 1:3; usage 3_200 split 1:3.
        assert_eq!(BurnMint::pending_rewards(&P1), 675 + 800);
        assert_eq!(BurnMint::pending_rewards(&P2), 2_025 + 2_400);
        // Many providers: the hook's cost does not depend on them (no iteration): 50 more.
        for who in 100..150u64 {
            let _ = Balances::deposit(&who, 10_000, Precision::Exact);
            register(who, 1);
        }
        run_to_block(20);
        assert_eq!(crate::ProviderCount::<Test>::get(), 52);
    });
}

#[test]
fn self_dealing_never_pays() {
    ExtBuilder::default().build_and_execute(|| {
        // P1 is the only provider and buys all the compute from itself: 1_000 burned. The
        // usage pool of the epoch (9 * 500 = 4_500) is far larger than that.
        register(P1, 1);
        let start = Balances::balance(&P1);
        assert_ok!(BurnMint::pay_for_compute(signed(P1), P1, 1_000, 0));
        run_to_block(10);
        let availability =
            BurnMint::pending_rewards(&P1) - crate::UsagePools::<Test>::get(0).unwrap().minted;
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
        // It gets back at most 80% of its burn as usage reward...
        let usage_reward = crate::UsagePools::<Test>::get(0).unwrap().minted;
        assert_eq!(usage_reward, 800);
        // ...so it ends 200 below where availability alone would have put it.
        assert_eq!(Balances::balance(&P1), start + availability - 200);
    });
}

#[test]
fn usage_rewards_follow_the_tokens_burned_for_the_credits_served() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        register(P2, 1);
        // Alice buys 2_000 credits for 1_000 at price 2.
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 1_000, 0));
        // The price quadruples: Bob's credits are four times cheaper in tokens.
        for feeder in FEEDERS {
            assert_ok!(BurnMint::submit_price(signed(feeder), FixedU128::from(8)));
        }
        assert_ok!(BurnMint::buy_credits(signed(BOB), 250, 0));
        assert_ok!(BurnMint::spend_credits(signed(ALICE), P1, 2_000));
        assert_ok!(BurnMint::spend_credits(signed(BOB), P2, 2_000));
        let burned_before = BurnMint::totals().burned;
        run_to_block(10);
        // Pool: min(4_500, 80% * 1_250) = 1_000 minted, shared 1_000 : 250 by basis, so each
        // provider gets exactly 80% of the tokens burned for what it served; nothing is left
        // over and nothing is burned back.
        assert_eq!(crate::UsagePools::<Test>::get(0).unwrap().minted, 1_000);
        let availability = 9 * 300 / 2;
        assert_eq!(BurnMint::pending_rewards(&P1), availability + 800);
        assert_eq!(BurnMint::pending_rewards(&P2), availability + 200);
        assert_ok!(BurnMint::claim_rewards(signed(P2), P2));
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
        assert_eq!(BurnMint::totals().burned, burned_before);
    });
}

#[test]
fn usage_of_an_older_epoch_is_settled_when_serving_again() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        run_to_block(25);
        // The genesis prices are stale by now: two feeders report again.
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[0]),
            FixedU128::from(2)
        ));
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[1]),
            FixedU128::from(2)
        ));
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        let p = Providers::<Test>::get(P1).unwrap();
        assert_eq!(p.usage.unwrap().epoch, 2);
        assert!(p.pending >= 800, "epoch 0 usage settled into pending");
    });
}

#[test]
fn fees_are_split_between_burn_and_treasury() {
    ExtBuilder::default().build_and_execute(|| {
        let treasury = Balances::balance(&TREASURY);
        let before = issuance();
        let fee = Balances::withdraw(
            &ALICE,
            1_000,
            Precision::Exact,
            Preservation::Preserve,
            Fortitude::Polite,
        )
        .unwrap();
        FeeHandler::<Test>::on_unbalanced(fee);
        assert_eq!(Balances::balance(&TREASURY), treasury + 400);
        assert_eq!(issuance(), before - 600);
        assert_eq!(CurrentEpoch::<Test>::get().books.burned_fees, 600);
        assert_eq!(
            last_event(),
            Event::FeesBurned {
                burned: 600,
                to_treasury: 400
            }
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Parameters and the controller
// ---------------------------------------------------------------------------------------------

#[test]
fn set_parameters_needs_admin_and_valid_parameters() {
    ExtBuilder::default().build_and_execute(|| {
        let mut p = test_params();
        assert_noop!(
            BurnMint::set_parameters(signed(ALICE), p),
            DispatchError::BadOrigin
        );
        p.usage_share = Perbill::from_percent(60);
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), p),
            Error::<Test>::SharesNotWhole
        );
        let mut p = test_params();
        p.min_emission_per_block = 20_000;
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), p),
            Error::<Test>::FloorAboveCeiling
        );
        let mut p = test_params();
        p.max_emission_per_block = 100_001;
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), p),
            Error::<Test>::AboveHardCap
        );
        let mut p = test_params();
        p.epoch_length = 0;
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), p),
            Error::<Test>::BadEpochLength
        );
        let mut p = test_params();
        p.usage_reward_cap = Perbill::from_percent(100);
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), p),
            Error::<Test>::RewardCapTooHigh
        );
        let mut p = test_params();
        p.price_max_age = 0;
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), p),
            Error::<Test>::BadPriceSettings
        );
    });
}

#[test]
fn accepted_parameters_take_effect_at_the_next_boundary_and_ramp() {
    ExtBuilder::default().build_and_execute(|| {
        let old = test_params();
        let new = Parameters {
            min_emission_per_block: 5_000,
            epoch_length: 5,
            mode: ControllerMode::FixedDecay {
                decay: Perbill::zero(),
            },
            ..old
        };
        run_to_block(3);
        assert_ok!(BurnMint::set_parameters(RuntimeOrigin::root(), new));
        assert_eq!(
            last_event(),
            Event::ParametersScheduled {
                old: Some(old),
                new
            }
        );
        // Still the old parameters until block 10.
        run_to_block(9);
        assert_eq!(crate::ActiveParameters::<Test>::get(), Some(old));
        run_to_block(10);
        assert_eq!(crate::ActiveParameters::<Test>::get(), Some(new));
        assert!(events().contains(&Event::ParametersApplied {
            old: Some(old),
            new
        }));
        // The new floor is 5_000; the emission was 1_000: it climbs toward the floor by one
        // step (10%) per epoch instead of jumping; the epoch length is now 5.
        assert_eq!(BurnMint::emission_per_block(), 1_100);
        assert_eq!(CurrentEpoch::<Test>::get().length, 5);
        run_to_block(15);
        assert_eq!(BurnMint::emission_per_block(), 1_210);
    });
}

#[test]
fn burn_indexed_controller_moves_at_most_one_step_per_epoch() {
    ExtBuilder::default().build_and_execute(|| {
        let p = Parameters {
            mode: ControllerMode::BurnIndexed {
                smoothing: Perbill::from_percent(100),
                target_inflation_per_epoch: Perbill::zero(),
            },
            ..test_params()
        };
        assert_ok!(BurnMint::set_parameters(RuntimeOrigin::root(), p));
        register(P1, 1);
        // Epoch 0 burned nothing: the target drops to the floor, emission moves down 10%.
        run_to_block(10);
        assert_eq!(BurnMint::emission_per_block(), 900);
        // A large burn in epoch 1: the target is far above, emission moves up 10% only.
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 900_000, 0));
        run_to_block(20);
        assert_eq!(BurnMint::emission_per_block(), 990);
        // No burn in epoch 2: the smoothed burn drops to zero, emission ramps down again.
        run_to_block(30);
        assert_eq!(BurnMint::emission_per_block(), 891);
    });
}

#[test]
fn supply_cap_stops_minting() {
    ExtBuilder::default().build_and_execute(|| {
        MaxTotalSupply::set(Some(issuance() + 500));
        register(P1, 1);
        run_to_block(30);
        assert_eq!(issuance(), MaxTotalSupply::get().unwrap());
        assert!(BurnMint::totals().unminted > 0);
        MaxTotalSupply::set(None);
    });
}

#[test]
fn preview_runs_the_controller_and_validates_proposals() {
    ExtBuilder::default().build_and_execute(|| {
        let path = BurnMint::preview_emission(None, 3).unwrap();
        assert_eq!(path.len(), 3);
        assert!(path
            .iter()
            .all(|p| p.emission_per_block == INITIAL_EMISSION));
        let proposal = Parameters {
            min_emission_per_block: 2_000,
            ..test_params()
        };
        // The proposal raises the floor to twice the emission: the preview climbs one 10% step
        // per epoch toward it.
        let path = BurnMint::preview_emission(Some(proposal), 2).unwrap();
        assert_eq!(INITIAL_EMISSION, 1_000);
        assert_eq!(path[0].emission_per_block, 1_100);
        assert_eq!(path[1].emission_per_block, 1_210);
        let bad = Parameters {
            epoch_length: 0,
            ..test_params()
        };
        assert!(BurnMint::preview_emission(Some(bad), 2).is_err());
        // Bounded by MaxPreviewEpochs.
        assert_eq!(BurnMint::preview_emission(None, 10_000).unwrap().len(), 64);
    });
}

#[test]
fn ledger_totals_and_supply_stats_agree() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 2);
        let start = genesis_issuance();
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 5_000, 0));
        run_to_block(35);
        assert_ok!(BurnMint::claim_rewards(signed(ALICE), P1));
        let totals = BurnMint::totals();
        assert_eq!(start + totals.minted - totals.burned, issuance());
        // The closed epochs' totals are the ledger's; the open epoch adds its books so far.
        let mut ledger = crate::Totals::default();
        for epoch in 0..3 {
            ledger.add(&Ledger::<Test>::get(epoch).unwrap());
        }
        ledger.add(&books());
        assert_eq!(ledger, totals);
        let stats = BurnMint::supply_stats();
        assert_eq!(stats.total_issuance, issuance());
        assert_eq!(stats.epoch_index, 3);
        assert_eq!(stats.provider_count, 1);
        assert!(stats.last_closed_epoch.is_some());
    });
}

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Register(u8, u32),
        Buy(u8, u128),
        Spend(u8, u8, u128),
        Pay(u8, u8, u128),
        Claim(u8),
        Pause(u8),
        Resume(u8),
        Leave(u8),
        Withdraw(u8),
        Slash(u8, u32),
        Reputation(u8, u32),
        Price(u8, u64),
        Fee(u8, u128),
        Blocks(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..6u8, 0..20u32).prop_map(|(a, c)| Op::Register(a, c)),
            (0..6u8, 0..2_000_000u128).prop_map(|(a, x)| Op::Buy(a, x)),
            (0..6u8, 0..6u8, 0..5_000u128).prop_map(|(a, p, x)| Op::Spend(a, p, x)),
            (0..6u8, 0..6u8, 0..50_000u128).prop_map(|(a, p, x)| Op::Pay(a, p, x)),
            (0..6u8).prop_map(Op::Claim),
            (0..6u8).prop_map(Op::Pause),
            (0..6u8).prop_map(Op::Resume),
            (0..6u8).prop_map(Op::Leave),
            (0..6u8).prop_map(Op::Withdraw),
            (0..6u8, 0..1_000_000_000u32).prop_map(|(a, s)| Op::Slash(a, s)),
            (0..6u8, 0..1_000_000u32).prop_map(|(a, r)| Op::Reputation(a, r)),
            (0..3u8, 1..10_000u64).prop_map(|(f, p)| Op::Price(f, p)),
            (0..6u8, 0..10_000u128).prop_map(|(a, x)| Op::Fee(a, x)),
            (1..15u8).prop_map(Op::Blocks),
        ]
    }

    const ACCOUNTS: [AccountId; 6] = [ALICE, BOB, CHARLIE, P1, P2, P3];

    fn apply(op: &Op) {
        let acc = |i: &u8| ACCOUNTS[*i as usize];
        // Results are ignored: failures must change nothing, which the invariants check.
        let _ = match op {
            Op::Register(a, c) => BurnMint::register_provider(signed(acc(a)), *c, 1_000),
            Op::Buy(a, x) => BurnMint::buy_credits(signed(acc(a)), *x, 0),
            Op::Spend(a, p, x) => BurnMint::spend_credits(signed(acc(a)), acc(p), *x),
            Op::Pay(a, p, x) => BurnMint::pay_for_compute(signed(acc(a)), acc(p), *x, 0),
            Op::Claim(a) => BurnMint::claim_rewards(signed(ALICE), acc(a)),
            Op::Pause(a) => BurnMint::pause(signed(acc(a))),
            Op::Resume(a) => BurnMint::resume(signed(acc(a))),
            Op::Leave(a) => BurnMint::leave(signed(acc(a))),
            Op::Withdraw(a) => BurnMint::withdraw_bond(signed(acc(a))),
            Op::Slash(a, s) => {
                BurnMint::slash_provider(RuntimeOrigin::root(), acc(a), Perbill::from_parts(*s))
            }
            Op::Reputation(a, r) => {
                BurnMint::set_reputation(RuntimeOrigin::root(), acc(a), Permill::from_parts(*r))
            }
            Op::Price(f, p) => BurnMint::submit_price(
                signed(FEEDERS[*f as usize]),
                FixedU128::from_rational(*p as u128, 1_000),
            ),
            Op::Fee(a, x) => {
                if let Ok(fee) = Balances::withdraw(
                    &acc(a),
                    *x,
                    Precision::Exact,
                    Preservation::Preserve,
                    Fortitude::Polite,
                ) {
                    FeeHandler::<Test>::on_unbalanced(fee);
                }
                Ok(())
            }
            Op::Blocks(n) => {
                run_to_block(System::block_number() + *n as u64);
                Ok(())
            }
        };
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Random operations and blocks: no panic, invariants hold after every step, and the
        /// pallet's minted minus burned equals the change in total issuance.
        #[test]
        fn invariants_hold_under_random_operations(ops in proptest::collection::vec(op(), 1..60)) {
            ExtBuilder::default().build_and_execute(|| {
                let start = genesis_issuance();
                for op in &ops {
                    apply(op);
                    BurnMint::do_try_state().expect("invariants hold after every operation");
                    let totals = BurnMint::totals();
                    assert_eq!(start + totals.minted - totals.burned, issuance(), "after {op:?}");
                }
            });
        }
    }
}
