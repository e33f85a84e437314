//! Freezes: governance's fast answer to a provider that saw its removal coming. A freeze
//! (`FreezeOrigin`, its own short track in the runtime) holds every reward the provider has
//! not claimed and its bond until the removal referendum lands, which then forfeits them.
//! Before, a provider claimed every epoch's reward one epoch after it closed while the removal
//! referendum took days (the attack 6).

use super::*;

/// Blocks a freeze lasts: the mock's `MinUnbondingPeriod`.
const FREEZE: u64 = 15;

#[test]
fn a_freeze_holds_every_unclaimed_reward_until_the_removal_forfeits_it() {
    RewardDelay::set(1);
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        next_epoch();
        heartbeat(P1);
        // Misbehaviour is seen: a freeze lands (one epoch's reward still locked, one unsettled).
        assert_ok!(BurnMint::freeze_provider(signed(FREEZER), P1));
        let now = System::block_number();
        assert_eq!(
            last_event(),
            Event::ProviderFrozen {
                provider: P1,
                until: now + FREEZE
            }
        );
        next_epoch();
        // Epoch 1's 3_000 would be claimable now (and epoch 2's is locked): nobody can claim it.
        assert_eq!(BurnMint::pending_rewards(P1), POOL);
        for caller in [P1, ALICE] {
            assert_noop!(
                BurnMint::claim_rewards(signed(caller), P1),
                Error::<Test>::ProviderFrozen
            );
        }
        // The removal referendum lands before the freeze ends: both epochs' rewards are
        // forfeited, burned and counted.
        assert!(System::block_number() < now + FREEZE);
        let issuance_before = issuance();
        assert_ok!(BurnMint::remove_provider(
            RuntimeOrigin::root(),
            P1,
            Perbill::zero()
        ));
        assert_eq!(
            last_event(),
            Event::ProviderRemoved {
                provider: P1,
                slashed: 0,
                forfeited: 2 * POOL
            }
        );
        assert_eq!(issuance(), issuance_before - 2 * POOL);
    });
    RewardDelay::set(0);
}

#[test]
fn a_frozen_provider_cannot_withdraw_its_bond_until_governance_lifts_the_freeze() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        assert_ok!(BurnMint::leave(signed(P1)));
        let Some(ProviderStatus::Leaving { unlock_at }) =
            Providers::<Test>::get(P1).map(|p| p.status)
        else {
            panic!("leaving");
        };
        // Frozen five blocks later: until after the bond would unlock.
        run_to_block(System::block_number() + 5);
        assert_ok!(BurnMint::freeze_provider(RuntimeOrigin::root(), P1));
        assert!(System::block_number() + FREEZE > unlock_at);
        run_to_block(unlock_at);
        assert_noop!(
            BurnMint::withdraw_bond(signed(P1)),
            Error::<Test>::ProviderFrozen
        );
        // The freezer freezes; lifting takes the reputation origin.
        assert_noop!(
            BurnMint::unfreeze_provider(signed(FREEZER), P1),
            DispatchError::BadOrigin
        );
        assert_ok!(BurnMint::unfreeze_provider(signed(REPUTATION_ORACLE), P1));
        assert_eq!(last_event(), Event::ProviderUnfrozen { provider: P1 });
        assert_noop!(
            BurnMint::unfreeze_provider(RuntimeOrigin::root(), P1),
            Error::<Test>::NotFrozen
        );
        let held = Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &P1);
        assert_eq!(held, 1_000);
        assert_ok!(BurnMint::withdraw_bond(signed(P1)));
        assert_eq!(
            Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &P1),
            0
        );
    });
}

#[test]
fn a_freeze_ends_by_itself_after_the_unbonding_minimum() {
    ExtBuilder::default().build_and_execute(|| {
        live_provider(P1, 100);
        next_epoch();
        assert_ok!(BurnMint::freeze_provider(signed(FREEZER), P1));
        let until = System::block_number() + FREEZE;
        run_to_block(until - 1);
        assert_noop!(
            BurnMint::claim_rewards(signed(P1), P1),
            Error::<Test>::ProviderFrozen
        );
        run_to_block(until);
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
        assert_eq!(
            last_event(),
            Event::RewardsClaimed {
                provider: P1,
                amount: POOL
            }
        );
        // Once over, there is nothing to lift.
        assert_noop!(
            BurnMint::unfreeze_provider(RuntimeOrigin::root(), P1),
            Error::<Test>::NotFrozen
        );
    });
}

#[test]
fn only_the_freeze_origin_freezes_and_only_providers() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 100);
        for caller in [P1, ALICE, REPUTATION_ORACLE] {
            assert_noop!(
                BurnMint::freeze_provider(signed(caller), P1),
                DispatchError::BadOrigin
            );
        }
        assert_noop!(
            BurnMint::freeze_provider(signed(FREEZER), P2),
            Error::<Test>::NotProvider
        );
        // Freezing again extends the freeze from now.
        assert_ok!(BurnMint::freeze_provider(signed(FREEZER), P1));
        run_to_block(System::block_number() + 5);
        assert_ok!(BurnMint::freeze_provider(signed(FREEZER), P1));
        assert_eq!(
            Providers::<Test>::get(P1).unwrap().frozen_until,
            Some(System::block_number() + FREEZE)
        );
    });
}
