//! The economy under adversaries: each test plays one attack with the numbers of the mock
//! chain and asserts what it earns (test parameters: 10-block epochs, 1_000 per block, 30%
//! availability, so a full epoch's availability pool is 3_000).

use super::*;

/// Funds `n` accounts from 200 on and makes each a live provider of `capacity` units in the
/// next epoch (registered, attested, then proving liveness there).
fn honest_providers(n: u64, capacity: u32) -> Vec<AccountId> {
    let honest: Vec<AccountId> = (200..200 + n).collect();
    for who in &honest {
        Balances::set_balance(who, 10_000);
        // Established providers: a history at full reputation, like the test accounts.
        History::<Test>::insert(
            who,
            crate::ProviderHistory {
                reputation: Permill::one(),
                ..Default::default()
            },
        );
        register(*who, capacity);
        attest(*who, capacity);
    }
    honest
}

#[test]
fn a_capacity_inflater_earns_nothing_until_verified_then_in_proportion_to_its_bond() {
    ExtBuilder::default().build_and_execute(|| {
        // 20 honest providers with 80 verified units each (1_600 in all); the attacker
        // declares 10_000 units on the minimum bond.
        let honest = honest_providers(20, 80);
        assert_ok!(BurnMint::register_provider(signed(P1), 10_000, 100));
        next_epoch();
        honest.iter().for_each(|h| heartbeat(*h));
        // Declared capacity counts for nothing: there is nothing verified to prove live.
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::NoVerifiedCapacity
        );
        // A verifier cannot attest capacity the bond does not cover (100 + 1 per unit).
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), P1, 10_000),
            Error::<Test>::BondTooLow
        );
        next_epoch();
        // Epoch 1 paid the honest providers the whole pool, 150 each; the attacker nothing.
        assert_eq!(BurnMint::pending_rewards(honest[0]), POOL / 20);
        assert_eq!(BurnMint::pending_rewards(P1), 0);
        // Bonded and verified in epoch 2, its capacity counts only from epoch 3.
        assert_ok!(BurnMint::bond_extra(signed(P1), 10_000));
        attest(P1, 10_000);
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::NoVerifiedCapacity
        );
        next_epoch();
        honest.iter().for_each(|h| heartbeat(*h));
        heartbeat(P1);
        assert_eq!(live_points(), points_of(10_000 + 1_600));
        next_epoch();
        // Epoch 3: the pool pro rata to verified, live capacity: 3_000 × 10_000 / 11_600.
        assert_eq!(BurnMint::pending_rewards(P1), 2_586);
        assert_eq!(
            BurnMint::pending_rewards(honest[0]),
            POOL / 20 + 3_000 * 80 / 11_600
        );
        // Its bond backs every unit it is paid for.
        let record = Providers::<Test>::get(P1).unwrap();
        assert_eq!(record.bond, 10_100);
        assert_eq!(
            record.bond,
            BurnMint::supply_stats()
                .parameters
                .unwrap()
                .required_bond(record.verified_capacity)
        );
    });
}

#[test]
fn availability_needs_liveness_in_every_epoch() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), POOL);
        // Epoch 2: verified but silent, it earns nothing, and the pool is never minted.
        let issuance_before = issuance();
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), POOL);
        let closed = Ledger::<Test>::get(2).unwrap();
        assert_eq!(closed.live_points, 0);
        assert_eq!(closed.minted_providers, 0);
        assert_eq!(closed.unminted, 5_000 + POOL);
        // Only the treasury's 2_000 was minted.
        assert_eq!(issuance(), issuance_before + 2_000);
    });
}

#[test]
fn entering_at_an_epochs_last_block_earns_nothing_in_it() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P2, 100);
        // P1 registers and is attested at the last block of epoch 1.
        let epoch = CurrentEpoch::<Test>::get();
        run_to_block(epoch.start + epoch.length as u64 - 1);
        register(P1, 100);
        attest(P1, 100);
        // Its verified capacity counts from the next epoch: nothing to prove live now.
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::NoVerifiedCapacity
        );
        // A raised attestation also waits for the next epoch, while the old capacity stays
        // counted (and may still be proven live).
        assert_ok!(BurnMint::update_capacity(signed(P2), 200));
        attest(P2, 200);
        heartbeat(P2);
        assert_eq!(live_points(), points_of(100));
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), 0);
        assert_eq!(BurnMint::pending_rewards(P2), POOL);
    });
}

#[test]
fn capacity_decreases_apply_at_once() {
    ExtBuilder::default().build_and_execute(|| {
        for who in [P1, P2] {
            register(who, 100);
            attest(who, 100);
        }
        next_epoch();
        heartbeat(P1);
        heartbeat(P2);
        assert_eq!(live_points(), points_of(200));
        assert_ok!(BurnMint::update_capacity(signed(P1), 25));
        let record = Providers::<Test>::get(P1).unwrap();
        assert_eq!((record.capacity, record.verified_capacity), (25, 25));
        assert_eq!(live_points(), points_of(125));
        next_epoch();
        // 3_000 × 25/125 and × 100/125.
        assert_eq!(BurnMint::pending_rewards(P1), 600);
        assert_eq!(BurnMint::pending_rewards(P2), 2_400);
    });
}

#[test]
fn a_slash_below_the_bond_requirement_pauses_until_rebonded() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 500);
        // Bond 1_000 covers 100 + 500; a 50% slash leaves 500.
        assert_ok!(BurnMint::slash_provider(
            RuntimeOrigin::root(),
            P1,
            Perbill::from_percent(50)
        ));
        let record = Providers::<Test>::get(P1).unwrap();
        assert_eq!((record.bond, record.status), (500, ProviderStatus::Paused));
        // It lost this epoch's availability and can earn nothing new.
        assert_eq!(live_points(), 0);
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::ProviderNotActive
        );
        assert_noop!(
            BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0),
            Error::<Test>::ProviderNotActive
        );
        assert_noop!(BurnMint::resume(signed(P1)), Error::<Test>::BondTooLow);
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), 0);
        let history = History::<Test>::get(P1).unwrap();
        assert_eq!((history.slashes, history.slashed), (1, 500));
        // Re-bonded, it resumes and may prove liveness from the next epoch.
        assert_ok!(BurnMint::bond_extra(signed(P1), 100));
        assert_ok!(BurnMint::resume(signed(P1)));
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::NotEligibleYet
        );
        next_epoch();
        heartbeat(P1);
    });
}

#[test]
fn a_leaving_provider_cannot_escape_a_pending_slash() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        assert_ok!(BurnMint::leave(signed(P1)));
        // The slash comes while it unbonds (at least the runtime's minimum period).
        run_to_block(System::block_number() + 1);
        assert_ok!(BurnMint::slash_provider(
            RuntimeOrigin::root(),
            P1,
            Perbill::from_percent(100)
        ));
        run_to_block(System::block_number() + 13);
        assert_noop!(
            BurnMint::withdraw_bond(signed(P1)),
            Error::<Test>::StillUnbonding
        );
        run_to_block(System::block_number() + 1);
        assert_ok!(BurnMint::withdraw_bond(signed(P1)));
        assert!(matches!(
            last_event(),
            Event::BondWithdrawn { amount: 0, .. }
        ));
        // Its work of epoch 1 earned nothing (it left before the close): once that epoch is
        // over, a claim settles it and removes the record.
        assert!(Providers::<Test>::get(P1).is_some());
        assert_ok!(BurnMint::claim_rewards(signed(ALICE), P1));
        assert!(Providers::<Test>::get(P1).is_none());
        // No parameter set may shorten the unbonding period below the runtime's minimum.
        assert_noop!(
            BurnMint::set_parameters(
                RuntimeOrigin::root(),
                Parameters {
                    unbonding_period: 14,
                    ..test_params()
                }
            ),
            Error::<Test>::UnbondingTooShort
        );
    });
}

#[test]
fn reputation_below_the_minimum_stops_pay_and_availability() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        assert_ok!(BurnMint::set_reputation(
            RuntimeOrigin::root(),
            P1,
            Permill::from_percent(9)
        ));
        assert_eq!(live_points(), 0);
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::ReputationTooLow
        );
        assert_noop!(
            BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0),
            Error::<Test>::ReputationTooLow
        );
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), 0);
    });
}

#[test]
fn reputation_survives_leaving_and_registering_again() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 100);
        assert_ok!(BurnMint::set_reputation(
            RuntimeOrigin::root(),
            P1,
            Permill::from_percent(30)
        ));
        assert_ok!(BurnMint::leave(signed(P1)));
        run_to_block(System::block_number() + 15);
        assert_ok!(BurnMint::withdraw_bond(signed(P1)));
        assert!(Providers::<Test>::get(P1).is_none());
        register(P1, 100);
        assert_eq!(
            Providers::<Test>::get(P1).unwrap().reputation,
            Permill::from_percent(30)
        );
        // A fresh account starts at the initial reputation, the minimum.
        assert_ok!(Balances::mint_into(&77, 1_000_000));
        register(77, 100);
        assert_eq!(
            Providers::<Test>::get(77).unwrap().reputation,
            test_params().initial_reputation
        );
        assert_eq!(
            test_params().initial_reputation,
            test_params().min_reputation
        );
    });
}

#[test]
fn epochs_of_proven_service_raise_reputation_up_to_full() {
    // Two windows an epoch; 30% for each epoch in which the provider proves both.
    let params = Parameters {
        liveness_windows: 2,
        service_reputation_gain: Permill::from_percent(30),
        ..test_params()
    };
    ExtBuilder::default()
        .parameters(params)
        .build_and_execute(|| {
            let reputation = || Providers::<Test>::get(P1).unwrap().reputation;
            register(P1, 100);
            attest(P1, 100);
            assert_ok!(BurnMint::set_reputation(
                RuntimeOrigin::root(),
                P1,
                Permill::from_percent(50)
            ));
            // Attestations raise nothing.
            attest(P1, 100);
            assert_eq!(reputation(), Permill::from_percent(50));
            next_epoch();
            heartbeat(P1);
            assert_eq!(reputation(), Permill::from_percent(50));
            let start = CurrentEpoch::<Test>::get().start;
            run_to_block(start + 5);
            heartbeat(P1);
            assert_eq!(reputation(), Permill::from_percent(80));
            // Once an epoch: the window proved again gains nothing.
            heartbeat(P1);
            assert_eq!(reputation(), Permill::from_percent(80));
            next_epoch();
            heartbeat(P1);
            run_to_block(CurrentEpoch::<Test>::get().start + 5);
            heartbeat(P1);
            assert_eq!(reputation(), Permill::one());
            // The account's history takes the record's reputation when the record goes.
            assert_eq!(
                History::<Test>::get(P1).unwrap().reputation,
                Permill::from_percent(50)
            );
            assert_ok!(BurnMint::leave(signed(P1)));
            next_epoch();
            run_to_block(System::block_number() + 20);
            assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
            assert_ok!(BurnMint::withdraw_bond(signed(P1)));
            assert!(Providers::<Test>::get(P1).is_none());
            assert_eq!(History::<Test>::get(P1).unwrap().reputation, Permill::one());
        });
}

#[test]
fn removal_slashes_forfeits_and_keeps_the_account_out() {
    RewardDelay::set(1);
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        next_epoch();
        heartbeat(P1);
        // Epoch 1's 3_000 is settled but locked until epoch 3.
        assert_noop!(
            BurnMint::claim_rewards(signed(ALICE), P1),
            Error::<Test>::RewardsLocked
        );
        next_epoch();
        // Epoch 3: epoch 1's reward claimable, epoch 2's locked.
        assert_eq!(BurnMint::pending_rewards(P1), POOL);
        heartbeat(P1);
        let issuance_before = issuance();
        let free_before = Balances::free_balance(P1);
        assert_ok!(BurnMint::remove_provider(
            RuntimeOrigin::root(),
            P1,
            Perbill::from_percent(10)
        ));
        // 10% of the 1_000 bond slashed; 3_000 claimable and 3_000 locked forfeited.
        assert_eq!(
            last_event(),
            Event::ProviderRemoved {
                provider: P1,
                slashed: 100,
                forfeited: 2 * POOL
            }
        );
        assert_eq!(issuance(), issuance_before - 100 - 2 * POOL);
        assert_eq!(Balances::free_balance(P1), free_before + 900);
        assert!(Providers::<Test>::get(P1).is_none());
        assert_eq!(live_points(), 0);
        assert_eq!(books().burned_forfeited, 2 * POOL);
        assert_eq!(books().burned_slashes, 100);
        let history = History::<Test>::get(P1).unwrap();
        assert_eq!(
            (history.reputation, history.removals, history.slashes),
            (Permill::zero(), 1, 1)
        );
        // Registering again earns nothing: reputation zero.
        register(P1, 100);
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::ReputationTooLow
        );
    });
    RewardDelay::set(0);
}

/// Every epoch's reward unlocks `RewardDelay` epochs after its epoch closes, whatever the
/// provider earns meanwhile: with a delay of 3, a provider live in every epoch and claiming in
/// every one is paid epoch `k`'s reward in epoch `k + 4`, and holds the last three epochs'
/// rewards locked. (Until storage version 11 a record kept one unlock epoch for everything
/// locked, and each newer reward pushed it back: a provider serving every epoch under a delay
/// of 2 or more could never claim; production's delay is 4.)
#[test]
fn every_epochs_reward_unlocks_on_time_while_the_provider_keeps_earning() {
    RewardDelay::set(3);
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        let first = CurrentEpoch::<Test>::get().index;
        let mut paid = 0;
        for _ in 0..8 {
            next_epoch();
            heartbeat(P1);
            let current = CurrentEpoch::<Test>::get().index;
            // Epochs `first..current` closed and were settled; those up to `current - 4`
            // unlocked.
            let unlocked = (first..current).filter(|k| k + 4 <= current).count() as u128;
            let locked = (current - first) as u128 - unlocked;
            let record = Providers::<Test>::get(P1).unwrap();
            assert_eq!(record.locked, locked.min(3) * POOL, "epoch {current}");
            if unlocked * POOL > paid {
                assert_ok!(BurnMint::claim_rewards(signed(ALICE), P1));
                assert_eq!(
                    last_event(),
                    Event::RewardsClaimed {
                        provider: P1,
                        amount: POOL
                    }
                );
                paid += POOL;
            } else {
                assert_noop!(
                    BurnMint::claim_rewards(signed(ALICE), P1),
                    Error::<Test>::RewardsLocked
                );
            }
            assert_eq!(paid, unlocked * POOL, "epoch {current}");
        }
        // Eight epochs closed: the first five paid, the last three locked.
        assert_eq!(paid, 5 * POOL);
    });
    RewardDelay::set(0);
}

#[test]
fn unclaimed_rewards_expire_burned_and_counted() {
    RewardClaimWindow::set(2);
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        next_epoch();
        assert!(BurnMint::reward_pool(1).is_some());
        next_epoch();
        next_epoch();
        // Epoch 3's boundary expired epoch 1's pool: its 3_000 were never settled.
        assert!(BurnMint::reward_pool(1).is_none());
        assert!(events().contains(&Event::RewardsExpired {
            epoch: 1,
            amount: POOL
        }));
        assert_eq!(Ledger::<Test>::get(3).unwrap().burned_forfeited, POOL);
        assert_noop!(
            BurnMint::claim_rewards(signed(ALICE), P1),
            Error::<Test>::NothingToClaim
        );
    });
    RewardClaimWindow::set(10);
}

#[test]
fn tokens_sent_to_the_pot_are_burned_at_the_boundary() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(BurnMint::pot_surplus(), 0);
        assert_ok!(Balances::transfer_allow_death(
            signed(ALICE),
            BurnMint::pot(),
            777
        ));
        // A gift is a surplus, not a broken invariant: the chain's checks still hold, block
        // after block, until the boundary burns it.
        assert_eq!(BurnMint::pot_surplus(), 777);
        for block in 2..10 {
            run_to_block(block);
            assert_eq!(BurnMint::do_try_state(), Ok(()));
            assert_eq!(BurnMint::pot_surplus(), 777);
        }
        let issuance_before = issuance();
        next_epoch();
        assert!(events().contains(&Event::SurplusBurned { amount: 777 }));
        assert_eq!(books().burned_forfeited, 777);
        assert_eq!(BurnMint::pot_surplus(), 0);
        // Block 10 minted the treasury's 200; the surplus is gone.
        assert_eq!(issuance(), issuance_before + 200 - 777);
    });
}

#[test]
fn new_calls_reject_bad_input_and_change_nothing() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 100);
        // heartbeat
        assert_noop!(
            BurnMint::heartbeat(signed(ALICE)),
            Error::<Test>::NotProvider
        );
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::NoVerifiedCapacity
        );
        // attest_capacity
        assert_noop!(
            BurnMint::attest_capacity(signed(ALICE), P1, 10),
            Error::<Test>::NotVerifier
        );
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), ALICE, 10),
            Error::<Test>::NotProvider
        );
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), P1, 101),
            Error::<Test>::AboveDeclaredCapacity
        );
        // A verifier that registered as a provider may not attest itself (issue 22: one
        // verifier raised its own reputation and capacity at will).
        assert_ok!(Balances::transfer_keep_alive(
            signed(ALICE),
            VERIFIER,
            10_000
        ));
        register(VERIFIER, 10);
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), VERIFIER, 10),
            Error::<Test>::SelfAttestation
        );
        // set_capacity_verifiers
        let list = |v: Vec<AccountId>| frame_support::BoundedVec::try_from(v).unwrap();
        assert_noop!(
            BurnMint::set_capacity_verifiers(signed(ALICE), list(vec![ALICE])),
            DispatchError::BadOrigin
        );
        // One verifier of two would decide alone with the quorum of one in force.
        assert_noop!(
            BurnMint::set_capacity_verifiers(RuntimeOrigin::root(), list(vec![BOB, ALICE])),
            Error::<Test>::VerifierQuorumTooSmall
        );
        assert_ok!(BurnMint::set_capacity_verifiers(
            RuntimeOrigin::root(),
            list(vec![BOB, BOB])
        ));
        assert_eq!(CapacityVerifiers::<Test>::get().into_inner(), vec![BOB]);
        // A verifier attests only with its bond held.
        assert_noop!(
            BurnMint::attest_capacity(signed(BOB), P1, 10),
            Error::<Test>::VerifierBondTooLow
        );
        // bond_verifier
        assert_noop!(
            BurnMint::bond_verifier(signed(BOB), 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            BurnMint::bond_verifier(signed(BOB), VERIFIER_BOND - 1),
            Error::<Test>::VerifierBondTooLow
        );
        assert_noop!(
            BurnMint::bond_verifier(signed(BOB), 10_000_000),
            Error::<Test>::InsufficientBalance
        );
        assert_ok!(BurnMint::bond_verifier(signed(BOB), VERIFIER_BOND));
        // withdraw_verifier_bond
        assert_noop!(
            BurnMint::withdraw_verifier_bond(signed(ALICE)),
            Error::<Test>::NotBondedVerifier
        );
        assert_noop!(
            BurnMint::withdraw_verifier_bond(signed(BOB)),
            Error::<Test>::StillVerifier
        );
        // slash_verifier
        assert_noop!(
            BurnMint::slash_verifier(signed(ALICE), BOB, Perbill::one()),
            DispatchError::BadOrigin
        );
        assert_noop!(
            BurnMint::slash_verifier(RuntimeOrigin::root(), ALICE, Perbill::one()),
            Error::<Test>::NotBondedVerifier
        );
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), P1, 10),
            Error::<Test>::NotVerifier
        );
        // bond_extra
        assert_noop!(
            BurnMint::bond_extra(signed(P1), 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            BurnMint::bond_extra(signed(ALICE), 10),
            Error::<Test>::NotProvider
        );
        assert_noop!(
            BurnMint::bond_extra(signed(P1), 10_000_000),
            Error::<Test>::InsufficientBalance
        );
        // remove_provider
        assert_noop!(
            BurnMint::remove_provider(signed(ALICE), P1, Perbill::one()),
            DispatchError::BadOrigin
        );
        assert_noop!(
            BurnMint::remove_provider(RuntimeOrigin::root(), ALICE, Perbill::one()),
            Error::<Test>::NotProvider
        );
        // A leaving provider can neither be attested nor bond more.
        assert_ok!(BurnMint::leave(signed(P1)));
        assert_noop!(
            BurnMint::attest_capacity(signed(BOB), P1, 10),
            Error::<Test>::AlreadyLeaving
        );
        assert_noop!(
            BurnMint::bond_extra(signed(P1), 10),
            Error::<Test>::AlreadyLeaving
        );
    });
}
