//! Providers: registration, capacity, pause and resume, leaving, reputation, slashing.

use super::*;

#[test]
fn register_provider_holds_bond_and_counts_nothing_until_verified() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 4);
        assert_eq!(
            Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &P1),
            1_000
        );
        let p = Providers::<Test>::get(P1).unwrap();
        assert_eq!(p.status, ProviderStatus::Active);
        assert_eq!((p.capacity, p.verified_capacity), (4, 0));
        assert_eq!(p.points(Permill::zero(), 1), 0);
        assert_eq!(p.eligible_from, 1);
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
        attest(P1, 3);
        next_epoch();
        heartbeat(P1);
        assert_eq!(live_points(), 3_000_000);
        assert_noop!(
            BurnMint::resume(signed(P1)),
            Error::<Test>::ProviderNotPaused
        );
        assert_ok!(BurnMint::pause(signed(P1)));
        assert_eq!(live_points(), 0);
        assert_noop!(
            BurnMint::pause(signed(P1)),
            Error::<Test>::ProviderNotActive
        );
        assert_ok!(BurnMint::resume(signed(P1)));
        // Back from the next epoch on.
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::NotEligibleYet
        );
        next_epoch();
        heartbeat(P1);
        assert_eq!(live_points(), 3_000_000);
    });
}

#[test]
fn a_raised_bond_requirement_applies_to_existing_providers_at_their_next_heartbeat() {
    ExtBuilder::default().build_and_execute(|| {
        // 10 units, bond 1_000: the test parameters ask 100 + 1 a unit = 110.
        register(P1, 10);
        attest(P1, 10);
        next_epoch();
        heartbeat(P1);
        // Governance asks 100 a unit: 100 + 1_000 = 1_100 from the next epoch.
        assert_ok!(BurnMint::set_parameters(
            RuntimeOrigin::root(),
            Parameters {
                bond_per_capacity_unit: 100,
                ..test_params()
            }
        ));
        // The query an agent tops its bond up by: 110 until the change (1_000 held).
        assert_eq!(BurnMint::required_bond(P1), Some(110));
        assert_eq!(BurnMint::required_bond(700), None);
        next_epoch();
        assert_eq!(BurnMint::required_bond(P1), Some(1_100));
        let live = live_points();
        assert_noop!(BurnMint::heartbeat(signed(P1)), Error::<Test>::BondTooLow);
        assert_eq!(live_points(), live);
        // Bonding the difference restores it.
        assert_ok!(BurnMint::bond_extra(signed(P1), 100));
        assert_eq!(BurnMint::required_bond(P1), Some(1_100));
        heartbeat(P1);
        assert_eq!(live_points(), live + points_of(10));
    });
}

#[test]
fn a_payment_by_anyone_is_not_a_proof_of_liveness() {
    ExtBuilder::default().build_and_execute(|| {
        // P1 is verified and eligible, but offline: it never sends a heartbeat. Before, Alice
        // paying it one credit in any block proved it live for the whole epoch (issue 22).
        register(P1, 10);
        attest(P1, 10);
        next_epoch();
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 100, 0));
        assert_ok!(BurnMint::spend_credits(signed(ALICE), P1, 1));
        let work = Providers::<Test>::get(P1).unwrap().work.unwrap();
        assert_eq!((work.credits, work.live_points), (1, 0));
        assert_eq!(live_points(), 0);
        // Its own heartbeat does.
        heartbeat(P1);
        assert_eq!(live_points(), points_of(10));
    });
}

#[test]
fn leave_unbond_and_claim_after_leaving() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 1);
        next_epoch();
        // Epoch 1's availability pool, all its own.
        let earned = BurnMint::pending_rewards(P1);
        assert_eq!(earned, 3_000);
        heartbeat(P1);
        run_to_block(25);
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
        // Leaving forfeits the open epoch's availability: it earns nothing new.
        assert_eq!(live_points(), 0);
        run_to_block(32);
        assert_eq!(BurnMint::pending_rewards(P1), earned);
        assert_noop!(
            BurnMint::withdraw_bond(signed(P1)),
            Error::<Test>::StillUnbonding
        );
        run_to_block(40);
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
        attest(P1, 2);
        next_epoch();
        heartbeat(P1);
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
        // Live points only go down until it proves liveness again.
        assert_eq!(live_points(), 1_000_000);
        heartbeat(P1);
        assert_eq!(live_points(), 1_000_000);
        assert_eq!(
            History::<Test>::get(P1).unwrap().reputation,
            Permill::from_percent(50)
        );

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
        // The slash takes the same share of the reputation (50% -> 45%), and of the points
        // proven live in the open epoch.
        assert_eq!(
            Providers::<Test>::get(P1).unwrap().reputation,
            Permill::from_percent(45)
        );
        assert_eq!(
            History::<Test>::get(P1).unwrap().reputation,
            Permill::from_percent(45)
        );
        assert_eq!(live_points(), 900_000);
    });
}

#[test]
fn a_full_slash_books_exactly_what_total_issuance_lost() {
    ExtBuilder::default().build_and_execute(|| {
        let who: AccountId = 500;
        assert_ok!(Balances::mint_into(&who, 1_010));
        // A bond may not leave less than the existential deposit (10) free: the hold keeps the
        // account alive, so a slash can never leave dust behind.
        assert_noop!(
            BurnMint::register_provider(signed(who), 1, 1_001),
            Error::<Test>::InsufficientBalance
        );
        assert_ok!(BurnMint::register_provider(signed(who), 1, 1_000));
        assert_eq!(Balances::balance(&who), ED);
        let (before, booked) = (issuance(), books().burned_slashes);
        assert_ok!(BurnMint::slash_provider(
            RuntimeOrigin::root(),
            who,
            Perbill::one()
        ));
        // The whole bond is burned and booked, the account keeps its free ED.
        assert_eq!(Balances::total_balance(&who), ED);
        assert_eq!(issuance(), before - 1_000);
        assert_eq!(books().burned_slashes, booked + 1_000);
        assert!(events().contains(&Event::ProviderSlashed {
            provider: who,
            amount: 1_000
        }));
        // No bond left: the provider is paused until it re-bonds.
        assert_eq!(last_event(), Event::ProviderPaused { provider: who });
    });
}

/// A record's locked rewards: one chunk per unlock epoch, oldest first; an amount that unlocks
/// no later than the newest chunk joins it (never unlocking before its own epoch); a record
/// whose chunks are all taken (no `RewardDelay` within `MAX_UNLOCK_CHUNKS` does that) adds to
/// the newest and waits for the later epoch; unlocking drains what is due, exactly.
#[test]
fn locked_rewards_unlock_chunk_by_chunk_and_nothing_is_ever_dropped() {
    use crate::types::{UnlockChunk, MAX_UNLOCK_CHUNKS};
    let mut record = crate::types::Provider::<u64>::new(10, 1_000, Permill::one(), 0);
    for epoch in 1..=MAX_UNLOCK_CHUNKS {
        record.lock(100 * epoch as u128, epoch);
    }
    assert_eq!(record.unlocking.len() as u32, MAX_UNLOCK_CHUNKS);
    // Full: the ninth joins the eighth, which now waits for epoch 9.
    record.lock(900, 9);
    // An amount due no later than the newest chunk joins it; nothing is locked for 0.
    record.lock(5, 3);
    record.lock(0, 20);
    assert_eq!(record.unlocking.len() as u32, MAX_UNLOCK_CHUNKS);
    assert_eq!(
        record.unlocking.last(),
        Some(&UnlockChunk {
            epoch: 9,
            amount: 800 + 900 + 5
        })
    );
    let total = (1..=8u128).map(|e| 100 * e).sum::<u128>() + 900 + 5;
    assert_eq!((record.locked, record.pending), (total, 0));
    // Epoch 3: the chunks of epochs 1 to 3 unlock, the others wait.
    record.unlock(3);
    assert_eq!(record.pending, 100 + 200 + 300);
    assert_eq!(record.locked, total - 600);
    assert_eq!(record.unlocking.first().map(|c| c.epoch), Some(4));
    record.unlock(3);
    assert_eq!(record.pending, 600);
    // Epoch 9: everything.
    record.unlock(9);
    assert_eq!((record.locked, record.pending), (0, total));
    assert!(record.unlocking.is_empty());
    // A removal takes what is owed, all of it.
    record.lock(70, 12);
    assert_eq!(record.take_owed(), total + 70);
    assert_eq!((record.owed(), record.unlocking.len()), (0, 0));
}
