//! Parameters and the controller: governance changes, ramps, the supply cap, the preview.

use super::*;

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
fn burn_indexed_controller_follows_burns_within_a_band_that_opens_a_step_an_epoch() {
    ExtBuilder::default().build_and_execute(|| {
        let p = Parameters {
            mode: ControllerMode::BurnIndexed {
                smoothing: Perbill::from_percent(100),
                target_inflation_per_year: Perbill::zero(),
            },
            ..test_params()
        };
        assert_ok!(BurnMint::set_parameters(RuntimeOrigin::root(), p));
        register(P1, 1);
        // At genesis the band in force is closed at the initial 1_000 and opens toward
        // [100, 10_000] by 10% of each edge an epoch, whatever is burned.
        // Epoch 0 burned nothing: the target is zero, the floor in force (900) holds it.
        run_to_block(10);
        assert_eq!(BurnMint::emission_per_block(), 900);
        // A large burn in epoch 1: the target is far above, the ceiling in force (1_210)
        // holds it.
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 900_000, 0));
        run_to_block(20);
        assert_eq!(BurnMint::emission_per_block(), 1_210);
        // No burn in epoch 2: at 100% smoothing the target is zero again, and the emission is
        // the floor in force (729): the burn bought no lead in it.
        run_to_block(30);
        assert_eq!(BurnMint::emission_per_block(), 729);
    });
}

#[test]
fn supply_cap_stops_minting() {
    ExtBuilder::default().build_and_execute(|| {
        MaxTotalSupply::set(Some(issuance() + 500));
        let cap = MaxTotalSupply::get().unwrap();
        register(P1, 1);
        run_to_block(30);
        // Two blocks' treasury share (400) fit; then the cap withholds whole blocks and the
        // controller shrinks the emission into the room left: the cap is approached, never
        // crossed.
        assert!(issuance() <= cap);
        assert_eq!(issuance(), cap - 69);
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

#[test]
fn the_runtime_bounds_the_step_and_the_epoch_length() {
    ExtBuilder::default().build_and_execute(|| {
        // One epoch of one block and a step of 100% would take emission from the floor to the
        // hard cap in a few blocks: the runtime's limits (5 blocks, 50% in the mock) refuse it.
        let fast = Parameters {
            epoch_length: 4,
            ..test_params()
        };
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), fast),
            Error::<Test>::BadEpochLength
        );
        let steep = Parameters {
            max_step_per_epoch: Perbill::from_percent(51),
            ..test_params()
        };
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), steep),
            Error::<Test>::StepTooLarge
        );
        let limit = Parameters {
            epoch_length: 5,
            max_step_per_epoch: Perbill::from_percent(50),
            ..test_params()
        };
        assert_ok!(BurnMint::set_parameters(RuntimeOrigin::root(), limit));
    });
}

#[test]
fn first_configuration_keeps_earlier_burns_and_clamps_the_genesis_emission() {
    ExtBuilder::default()
        .unconfigured()
        .initial_emission(200_000)
        .build_and_execute(|| {
            // A fee is burned while the pallet has no parameters: all of it.
            pay_fee(ALICE, 1_000);
            assert_eq!(BurnMint::totals().burned, 1_000);
            run_to_block(5);
            assert_ok!(BurnMint::set_parameters(
                RuntimeOrigin::root(),
                test_params()
            ));
            // The burn stays in the books (it used to be erased with them)...
            assert_eq!(BurnMint::totals().burned, 1_000);
            assert_eq!(books().burned_fees, 1_000);
            // ...and the genesis emission (twice the hard cap) starts at the new ceiling.
            assert_eq!(BurnMint::emission_per_block(), 10_000);
            let before = issuance();
            run_to_block(6);
            // 20% of 10_000 to the treasury's share; no provider online.
            assert_eq!(issuance(), before + 2_000);
        });
}
