//! Capacity verifiers: a quorum decides, changes count from the next epoch, reputation rises
//! at most once an epoch, removed verifiers stop counting, the quorum stays a reachable
//! majority, and every verifier attests with a bond that governance can slash and that stays
//! held while its attestations can still be answered for. Each test is one of the attacks of a verifier (or a minority of them) on the
//! availability pool, with the exact amounts the pool pays.

use super::*;
use crate::Attestations;
use proptest::prelude::*;

/// Three verifiers; with [`quorum`] 2, no one of them decides alone.
const V: [AccountId; 3] = [951, 952, 953];

/// The test parameters with `k` attestations required.
fn quorum(k: u32) -> Parameters {
    Parameters {
        min_capacity_attestations: k,
        ..test_params()
    }
}

/// Three verifiers, two of which must agree.
fn two_of_three() -> ExtBuilder {
    ExtBuilder::default()
        .parameters(quorum(2))
        .verifiers(V.to_vec())
}

fn attest_by(verifier: AccountId, who: AccountId, capacity: u32) {
    assert_ok!(BurnMint::attest_capacity(signed(verifier), who, capacity));
}

fn capacity_now(who: AccountId) -> u32 {
    let epoch = CurrentEpoch::<Test>::get().index;
    Providers::<Test>::get(who).unwrap().capacity_in(epoch)
}

#[test]
fn one_verifier_of_three_neither_verifies_a_friend_nor_cuts_an_honest_provider() {
    two_of_three().build_and_execute(|| {
        // Honest providers P1 and P2, attested by the two honest verifiers.
        for who in [P1, P2] {
            register(who, 100);
            attest_by(V[0], who, 100);
            assert_eq!(Providers::<Test>::get(who).unwrap().verified_capacity, 0);
            attest_by(V[1], who, 100);
            assert_eq!(Providers::<Test>::get(who).unwrap().verified_capacity, 100);
        }
        // The rogue verifier V[2] verifies its friend P3 for everything it declared, and
        // attests both honest providers down to zero.
        register(P3, 100);
        attest_by(V[2], P3, 100);
        attest_by(V[2], P1, 0);
        attest_by(V[2], P2, 0);
        // Nothing it attested alone counts.
        assert_eq!(Providers::<Test>::get(P3).unwrap().verified_capacity, 0);
        assert_eq!(Providers::<Test>::get(P1).unwrap().verified_capacity, 100);
        next_epoch();
        heartbeat(P1);
        heartbeat(P2);
        assert_noop!(
            BurnMint::heartbeat(signed(P3)),
            Error::<Test>::NoVerifiedCapacity
        );
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), POOL / 2);
        assert_eq!(BurnMint::pending_rewards(P2), POOL / 2);
        assert_eq!(BurnMint::pending_rewards(P3), 0);
    });
}

#[test]
fn a_cut_agreed_in_an_epoch_removes_no_points_proven_in_it() {
    // One verifier (quorum 1 of 1: it is the quorum). It attests the honest P2 down to zero
    // after P2 proved liveness, and P1 (its friend) keeps its capacity: before, P2 lost its
    // points in the open epoch and P1 took the whole pool.
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        register(P2, 100);
        attest(P2, 100);
        next_epoch();
        heartbeat(P1);
        heartbeat(P2);
        attest(P2, 0);
        let epoch = CurrentEpoch::<Test>::get().index;
        let record = Providers::<Test>::get(P2).unwrap();
        assert_eq!(
            (
                record.verified_capacity,
                record.capacity_in(epoch),
                record.capacity_in(epoch + 1)
            ),
            (0, 100, 0)
        );
        assert_eq!(
            last_event(),
            Event::CapacityVerified {
                provider: P2,
                capacity: 0,
                from: epoch + 1
            }
        );
        assert_eq!(live_points(), points_of(200));
        // A provider cut before it proves liveness still proves the capacity that counts in
        // the open epoch.
        heartbeat(P2);
        assert_eq!(live_points(), points_of(200));
        next_epoch();
        // P1: the whole pool of the epoch it was alone in, and half of this one.
        assert_eq!(BurnMint::pending_rewards(P1), POOL + POOL / 2);
        assert_eq!(BurnMint::pending_rewards(P2), POOL / 2);
        // From the next epoch on, the cut counts.
        assert_noop!(
            BurnMint::heartbeat(signed(P2)),
            Error::<Test>::NoVerifiedCapacity
        );
    });
}

#[test]
fn a_cut_of_an_honest_provider_needs_a_quorum_and_counts_from_the_next_epoch() {
    two_of_three().build_and_execute(|| {
        register(P1, 100);
        for v in V {
            attest_by(v, P1, 100);
        }
        next_epoch();
        heartbeat(P1);
        // Two verifiers agree on 40 (the GPU lost capacity): 40 counts from the next epoch.
        attest_by(V[0], P1, 40);
        assert_eq!(Providers::<Test>::get(P1).unwrap().verified_capacity, 100);
        attest_by(V[1], P1, 40);
        assert_eq!(Providers::<Test>::get(P1).unwrap().verified_capacity, 40);
        assert_eq!(capacity_now(P1), 100);
        assert_eq!(live_points(), points_of(100));
        next_epoch();
        assert_eq!(capacity_now(P1), 40);
        heartbeat(P1);
        assert_eq!(live_points(), points_of(40));
    });
}

#[test]
fn attestations_never_raise_reputation() {
    // Issue 22, attack 1: re-attesting the same capacity raised the provider's reputation 5% a
    // time (50% -> 100% in ten attestations). Now only epochs of service raise it.
    let params = Parameters {
        service_reputation_gain: Permill::from_percent(5),
        ..quorum(2)
    };
    ExtBuilder::default()
        .parameters(params)
        .verifiers(V.to_vec())
        .build_and_execute(|| {
            let reputation = || Providers::<Test>::get(P1).unwrap().reputation;
            register(P1, 100);
            assert_ok!(BurnMint::set_reputation(
                RuntimeOrigin::root(),
                P1,
                Permill::from_percent(50)
            ));
            for _ in 0..5 {
                attest_by(V[0], P1, 100);
                attest_by(V[1], P1, 100);
            }
            assert_eq!(reputation(), Permill::from_percent(50));
            next_epoch();
            attest_by(V[2], P1, 100);
            assert_eq!(reputation(), Permill::from_percent(50));
            // One epoch of service (one window with the test parameters): 5%.
            heartbeat(P1);
            assert_eq!(reputation(), Permill::from_percent(55));
        });
}

#[test]
fn a_removed_account_stays_without_reputation_until_governance_restores_it() {
    // Issue 22, attack 5: a verifier restored a removed account (reputation 0) to the 20%
    // minimum with four attestations in a row, and a fresh account started at 50%, above it.
    // Now attestations restore nothing, a provider below the minimum cannot prove service,
    // and a fresh account starts at the minimum.
    let params = reputation_params();
    ExtBuilder::default()
        .parameters(params)
        .build_and_execute(|| {
            live_provider(P1, 100);
            assert_ok!(BurnMint::remove_provider(
                RuntimeOrigin::root(),
                P1,
                Perbill::zero()
            ));
            register(P1, 100);
            let reputation = |who| Providers::<Test>::get(who).unwrap().reputation;
            assert_eq!(reputation(P1), Permill::zero());
            for _ in 0..4 {
                attest(P1, 100);
            }
            assert_eq!(reputation(P1), Permill::zero());
            // A fresh account is no better than the minimum.
            assert_ok!(Balances::mint_into(&77, 1_000_000));
            register(77, 100);
            attest(77, 100);
            assert_eq!(reputation(77), Permill::from_percent(20));
            for _ in 0..3 {
                next_epoch();
                assert_noop!(
                    BurnMint::heartbeat(signed(P1)),
                    Error::<Test>::ReputationTooLow
                );
                attest(P1, 100);
                assert_eq!(reputation(P1), Permill::zero());
            }
            // The fresh account earns at the minimum, 20% of the points, and 5% more for its
            // epoch of service (one window with the test parameters).
            heartbeat(77);
            assert_eq!(live_points(), points_of(100) / 5);
            assert_eq!(reputation(77), Permill::from_percent(25));
            // Governance restores the removed account.
            assert_ok!(BurnMint::set_reputation(
                RuntimeOrigin::root(),
                P1,
                Permill::from_percent(20)
            ));
            heartbeat(P1);
            assert_eq!(live_points(), 2 * points_of(100) / 5);
        });
}

#[test]
fn removing_a_verifier_stops_what_it_attested_from_the_next_epoch() {
    // Quorum 1 of 1: the verifier alone verified P1; governance replaces it.
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        bond_as_verifier(V[0]);
        assert_ok!(BurnMint::set_capacity_verifiers(
            RuntimeOrigin::root(),
            vec![V[0]].try_into().unwrap()
        ));
        next_epoch();
        // Its next heartbeat agrees the capacity again without the removed verifier: it
        // still proves the capacity that counts in this epoch, and none from the next.
        heartbeat(P1);
        let epoch = CurrentEpoch::<Test>::get().index;
        assert_eq!(live_points(), points_of(100));
        assert!(events().contains(&Event::CapacityVerified {
            provider: P1,
            capacity: 0,
            from: epoch + 1
        }));
        next_epoch();
        // The epoch before the change and the epoch of it.
        assert_eq!(BurnMint::pending_rewards(P1), 2 * POOL);
        assert_noop!(
            BurnMint::heartbeat(signed(P1)),
            Error::<Test>::NoVerifiedCapacity
        );
        // The removed verifier can no longer attest; the new one verifies it again.
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), P1, 100),
            Error::<Test>::NotVerifier
        );
        attest_by(V[0], P1, 100);
        let votes = Attestations::<Test>::get(P1).unwrap().votes;
        assert_eq!(votes.into_inner(), vec![(V[0], 100)]);
        next_epoch();
        heartbeat(P1);
        assert_eq!(live_points(), points_of(100));
    });
}

#[test]
fn the_verifier_quorum_stays_a_reachable_majority() {
    ExtBuilder::default().build_and_execute(|| {
        // Quorum 1: three verifiers would let one of them decide alone.
        assert_noop!(
            BurnMint::set_capacity_verifiers(RuntimeOrigin::root(), V.to_vec().try_into().unwrap()),
            Error::<Test>::VerifierQuorumTooSmall
        );
        // No verifier at all: nothing could be verified any more.
        assert_noop!(
            BurnMint::set_capacity_verifiers(RuntimeOrigin::root(), vec![].try_into().unwrap()),
            Error::<Test>::VerifierQuorumUnreachable
        );
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), quorum(0)),
            Error::<Test>::BadVerifierQuorum
        );
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), quorum(2)),
            Error::<Test>::VerifierQuorumUnreachable
        );
        // Two of three is fine, in either order of the two changes' effects being checked:
        // the pending parameters must suit the set, and the set the pending parameters.
        assert_noop!(
            BurnMint::set_capacity_verifiers(
                RuntimeOrigin::root(),
                vec![V[0], V[1]].try_into().unwrap()
            ),
            Error::<Test>::VerifierQuorumTooSmall
        );
        assert_eq!(
            CapacityVerifiers::<Test>::get().into_inner(),
            vec![VERIFIER]
        );
    });
    two_of_three().build_and_execute(|| {
        assert_noop!(
            BurnMint::set_capacity_verifiers(
                RuntimeOrigin::root(),
                vec![V[0], V[1], V[2], VERIFIER].try_into().unwrap()
            ),
            Error::<Test>::VerifierQuorumTooSmall
        );
        assert_ok!(BurnMint::set_capacity_verifiers(
            RuntimeOrigin::root(),
            vec![V[0], V[1]].try_into().unwrap()
        ));
    });
}

#[test]
fn attestations_go_with_the_provider_record() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        assert!(Attestations::<Test>::contains_key(P1));
        assert_ok!(BurnMint::remove_provider(
            RuntimeOrigin::root(),
            P1,
            Perbill::zero()
        ));
        assert!(!Attestations::<Test>::contains_key(P1));
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A random colluding minority of a random verifier set (fewer than the quorum, the
    /// quorum a random reachable majority) attests whatever it likes for an honest provider
    /// and for its own friend; the honest verifiers attest the truth or stay away. From the
    /// next epoch on, the honest provider counts at most the truth (exactly the truth when a
    /// quorum of honest verifiers attested it) and the friend, attested by colluders only,
    /// counts nothing: the availability pool pays the friend zero.
    #[test]
    fn a_colluding_minority_of_verifiers_takes_nothing_from_the_availability_pool(
        n in 1usize..=4,
        quorum_pick in any::<u32>(),
        colluder_pick in any::<u32>(),
        truth in 1u32..=200,
        votes in proptest::collection::vec(0u32..=400, 8),
        honest_attests in proptest::collection::vec(any::<bool>(), 4),
    ) {
        let verifiers: Vec<AccountId> = (0..n as u64).map(|i| 960 + i).collect();
        let k = (n as u32 / 2 + 1) + quorum_pick % (n as u32 - n as u32 / 2);
        let m = (colluder_pick % k) as usize;
        ExtBuilder::default()
            .parameters(quorum(k))
            .verifiers(verifiers.clone())
            .build_and_execute(|| {
                register(P1, 400);
                register(P2, 400);
                for (i, v) in verifiers.iter().enumerate() {
                    if i < m {
                        attest_by(*v, P1, votes[2 * i]);
                        attest_by(*v, P2, votes[2 * i + 1]);
                    } else if honest_attests[i] {
                        attest_by(*v, P1, truth);
                    }
                }
                let honest = (m..n).filter(|i| honest_attests[*i]).count();
                next_epoch();
                let counted = capacity_now(P1);
                assert!(counted <= truth);
                if honest >= k as usize {
                    assert_eq!(counted, truth);
                }
                assert_eq!(capacity_now(P2), 0);
                assert_noop!(
                    BurnMint::heartbeat(signed(P2)),
                    Error::<Test>::NoVerifiedCapacity
                );
                if counted > 0 {
                    heartbeat(P1);
                }
                next_epoch();
                assert_eq!(BurnMint::pending_rewards(P2), 0);
                let expected = if counted > 0 { POOL } else { 0 };
                assert_eq!(BurnMint::pending_rewards(P1), expected);
            });
    }
}

#[test]
fn a_verifier_attests_only_while_it_holds_the_bond_the_parameters_require() {
    ExtBuilder::default().build_and_execute(|| {
        // The genesis verifier holds its bond from genesis.
        let reason = HoldReason::VerifierBond.into();
        assert_eq!(Balances::balance_on_hold(&reason, &VERIFIER), VERIFIER_BOND);
        assert_eq!(Balances::balance(&VERIFIER), 1_000_000 - VERIFIER_BOND);
        register(P1, 100);
        attest(P1, 100);
        assert_eq!(
            VerifierBonds::<Test>::get(VERIFIER),
            Some(crate::VerifierBond {
                amount: VERIFIER_BOND,
                last_attested: Some(1)
            })
        );
        // Governance raises the bond: from the next epoch the verifier attests only after
        // topping up, by any amount that reaches it.
        assert_ok!(BurnMint::set_parameters(
            RuntimeOrigin::root(),
            Parameters {
                verifier_bond: VERIFIER_BOND + 100,
                ..test_params()
            }
        ));
        attest(P1, 100);
        next_epoch();
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), P1, 100),
            Error::<Test>::VerifierBondTooLow
        );
        assert_ok!(BurnMint::bond_verifier(signed(VERIFIER), 100));
        assert_eq!(
            last_event(),
            Event::VerifierBonded {
                verifier: VERIFIER,
                amount: 100,
                total: VERIFIER_BOND + 100
            }
        );
        attest(P1, 100);
        assert_eq!(
            Balances::balance_on_hold(&reason, &VERIFIER),
            VERIFIER_BOND + 100
        );
        // A verifier appointed without a bond attests nothing until it bonds.
        assert_ok!(Balances::mint_into(&V[0], 1_000_000));
        assert_ok!(BurnMint::set_capacity_verifiers(
            RuntimeOrigin::root(),
            vec![V[0]].try_into().unwrap()
        ));
        assert_noop!(
            BurnMint::attest_capacity(signed(V[0]), P1, 100),
            Error::<Test>::VerifierBondTooLow
        );
        assert_noop!(
            BurnMint::bond_verifier(signed(V[0]), VERIFIER_BOND),
            Error::<Test>::VerifierBondTooLow
        );
        assert_ok!(BurnMint::bond_verifier(signed(V[0]), VERIFIER_BOND + 100));
        attest_by(V[0], P1, 100);
    });
}

#[test]
fn a_slash_burns_the_verifier_bond_books_it_and_stops_its_attestations_until_it_bonds_again() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 100);
        let (before, booked) = (issuance(), books().burned_slashes);
        assert_ok!(BurnMint::slash_verifier(
            RuntimeOrigin::root(),
            VERIFIER,
            Perbill::from_percent(50)
        ));
        // Half of 500 burned, booked as a slash; the rest still held.
        assert_eq!(
            last_event(),
            Event::VerifierSlashed {
                verifier: VERIFIER,
                amount: 250
            }
        );
        assert_eq!(issuance(), before - 250);
        assert_eq!(books().burned_slashes, booked + 250);
        assert_eq!(
            VerifierBonds::<Test>::get(VERIFIER).map(|b| b.amount),
            Some(250)
        );
        assert_eq!(
            Balances::balance_on_hold(&HoldReason::VerifierBond.into(), &VERIFIER),
            250
        );
        // Still in the set, but below the bond: no attestation until it bonds again.
        assert_noop!(
            BurnMint::attest_capacity(signed(VERIFIER), P1, 100),
            Error::<Test>::VerifierBondTooLow
        );
        assert_ok!(BurnMint::bond_verifier(signed(VERIFIER), 250));
        attest(P1, 100);
        // The reputation oracle may slash (ReputationOrigin); a provider's history is untouched.
        assert_ok!(BurnMint::slash_verifier(
            signed(REPUTATION_ORACLE),
            VERIFIER,
            Perbill::one()
        ));
        assert_eq!(
            VerifierBonds::<Test>::get(VERIFIER).map(|b| b.amount),
            Some(0)
        );
        assert_eq!(History::<Test>::get(VERIFIER), None);
        assert_eq!(issuance(), before - 250 - 500);
    });
}

#[test]
fn a_verifier_bond_is_released_only_out_of_the_set_and_after_the_unbonding_minimum() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 100);
        run_to_block(4);
        attest(P1, 100);
        bond_as_verifier(V[0]);
        assert_noop!(
            BurnMint::withdraw_verifier_bond(signed(VERIFIER)),
            Error::<Test>::StillVerifier
        );
        assert_ok!(BurnMint::set_capacity_verifiers(
            RuntimeOrigin::root(),
            vec![V[0]].try_into().unwrap()
        ));
        // Out of the set, but its attestation at block 4 is answerable until block 4 + 15.
        run_to_block(18);
        assert_noop!(
            BurnMint::withdraw_verifier_bond(signed(VERIFIER)),
            Error::<Test>::StillUnbonding
        );
        // Meanwhile it can still be slashed.
        assert_ok!(BurnMint::slash_verifier(
            RuntimeOrigin::root(),
            VERIFIER,
            Perbill::from_percent(10)
        ));
        run_to_block(19);
        assert_ok!(BurnMint::withdraw_verifier_bond(signed(VERIFIER)));
        assert_eq!(
            last_event(),
            Event::VerifierBondWithdrawn {
                verifier: VERIFIER,
                amount: 450
            }
        );
        assert_eq!(VerifierBonds::<Test>::get(VERIFIER), None);
        assert_eq!(Balances::balance(&VERIFIER), 1_000_000 - 50);
        // A candidate that never attested and was not appointed withdraws at once.
        bond_as_verifier(V[1]);
        assert_ok!(BurnMint::withdraw_verifier_bond(signed(V[1])));
        assert_eq!(Balances::balance(&V[1]), 1_000_000);
        assert_noop!(
            BurnMint::withdraw_verifier_bond(signed(V[1])),
            Error::<Test>::NotBondedVerifier
        );
    });
}
