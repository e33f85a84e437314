//! pallet-burn-mint's storage migration v7 -> v8 from state written in the old layout, and the
//! guard that refuses a chain older than the oldest migration.

mod common;

use capacloud_runtime::{BurnMint, Runtime, RuntimeOrigin, System, UNITS};
use common::{finish_block, run_to_block, start_block, with_dev_chain};
use frame_support::{
    assert_noop, assert_ok,
    traits::{
        fungible::{InspectHold, MutateHold},
        tokens::Precision,
        GetStorageVersion, OnRuntimeUpgrade, StorageVersion,
    },
};
use pallet_burn_mint::{
    economics::{presets::VERIFIER_BOND, Parameters},
    migrations::{
        v8::{v7, MigrateV7ToV8},
        RequireStorageVersion,
    },
    Error, HoldReason, Providers, VerifierBonds,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob};
use sp_runtime::Permill;

/// `params` in the v7 layout (without a verifier bond).
fn v7_params(params: &Parameters) -> v7::Parameters {
    v7::Parameters {
        ecosystem_share: params.ecosystem_share,
        usage_share: params.usage_share,
        availability_share: params.availability_share,
        min_emission_per_block: params.min_emission_per_block,
        max_emission_per_block: params.max_emission_per_block,
        max_step_per_epoch: params.max_step_per_epoch,
        mode: params.mode,
        epoch_length: params.epoch_length,
        usage_reward_cap: params.usage_reward_cap,
        fee_burn_share: params.fee_burn_share,
        price_max_age: params.price_max_age,
        min_price_feeds: params.min_price_feeds,
        max_price_deviation: params.max_price_deviation,
        max_price_change_per_block: params.max_price_change_per_block,
        unbonding_period: params.unbonding_period,
        min_provider_bond: params.min_provider_bond,
        bond_per_capacity_unit: params.bond_per_capacity_unit,
        initial_reputation: params.initial_reputation,
        min_reputation: params.min_reputation,
        attestation_reputation_gain: params.service_reputation_gain,
        min_capacity_attestations: params.min_capacity_attestations,
        liveness_windows: params.liveness_windows,
    }
}

#[test]
fn v7_state_migrates_with_every_field_kept_and_the_verifiers_bond_before_they_attest_again() {
    with_dev_chain(|| {
        start_block();
        finish_block();
        // Bob registers; Alice (the development chain's verifier) attests him.
        let (alice, bob) = (Alice.to_account_id(), Bob.to_account_id());
        assert_ok!(BurnMint::register_provider(
            RuntimeOrigin::signed(bob.clone()),
            10,
            200 * UNITS
        ));
        assert_ok!(BurnMint::attest_capacity(
            RuntimeOrigin::signed(alice.clone()),
            bob.clone(),
            10
        ));
        let epoch_length = pallet_burn_mint::ActiveParameters::<Runtime>::get()
            .unwrap()
            .epoch_length;
        run_to_block(System::block_number() + epoch_length);

        // The same state as v7 stored it: parameters without a verifier bond (a pending set
        // with a longer epoch and fresh accounts at 50%, above the 20% minimum, as v7 allowed),
        // no verifier bonds (Alice's genesis bond did not exist), attestations with the epoch
        // they last raised a reputation in.
        let active = pallet_burn_mint::ActiveParameters::<Runtime>::get().unwrap();
        let pending = Parameters {
            epoch_length: 100 * epoch_length,
            initial_reputation: Permill::from_percent(50),
            ..active
        };
        assert_eq!(active.min_reputation, Permill::from_percent(20));
        let votes = pallet_burn_mint::Attestations::<Runtime>::get(&bob)
            .unwrap()
            .votes;
        v7::Attestations::<Runtime>::insert(
            &bob,
            v7::CapacityAttestations::<Runtime> {
                votes: votes.clone(),
                rewarded_in: Some(0),
            },
        );
        v7::ActiveParameters::<Runtime>::put(v7_params(&active));
        v7::PendingParameters::<Runtime>::put(v7_params(&pending));
        let reason = HoldReason::VerifierBond.into();
        let held =
            <capacloud_runtime::Balances as InspectHold<_>>::balance_on_hold(&reason, &alice);
        assert_eq!(held, active.verifier_bond);
        assert_ok!(<capacloud_runtime::Balances as MutateHold<_>>::release(
            &reason,
            &alice,
            held,
            Precision::Exact
        ));
        VerifierBonds::<Runtime>::remove(&alice);
        let providers: Vec<_> = Providers::<Runtime>::iter().collect();
        StorageVersion::new(7).put::<BurnMint>();

        #[cfg(feature = "try-runtime")]
        capacloud_runtime::Migrations::try_on_runtime_upgrade(true)
            .expect("pre- and post-upgrade checks pass");
        #[cfg(not(feature = "try-runtime"))]
        capacloud_runtime::Migrations::on_runtime_upgrade();

        assert_eq!(BurnMint::on_chain_storage_version(), 8);
        // Every old field kept; the bond is the production preset's 10,000 CAPA.
        assert_eq!(VERIFIER_BOND, 10_000 * UNITS);
        assert_eq!(
            pallet_burn_mint::ActiveParameters::<Runtime>::get(),
            Some(Parameters {
                verifier_bond: VERIFIER_BOND,
                ..active
            })
        );
        assert_eq!(
            pallet_burn_mint::PendingParameters::<Runtime>::get(),
            Some(Parameters {
                verifier_bond: VERIFIER_BOND,
                initial_reputation: Permill::from_percent(20),
                ..pending
            })
        );
        // Bob's attestations keep their votes.
        assert_eq!(
            pallet_burn_mint::Attestations::<Runtime>::get(&bob).map(|a| a.votes),
            Some(votes)
        );
        // Providers untouched; Alice's vote still counts for Bob's capacity.
        assert_eq!(Providers::<Runtime>::iter().collect::<Vec<_>>(), providers);
        assert_eq!(
            Providers::<Runtime>::get(&bob).unwrap().verified_capacity,
            10
        );
        // A chain at v8 runs the migration no more.
        MigrateV7ToV8::<Runtime>::on_runtime_upgrade();
        assert_eq!(
            pallet_burn_mint::ActiveParameters::<Runtime>::get().map(|p| p.verifier_bond),
            Some(VERIFIER_BOND)
        );
        // Alice attests again only once she holds the bond.
        assert_noop!(
            BurnMint::attest_capacity(RuntimeOrigin::signed(alice.clone()), bob.clone(), 10),
            Error::<Runtime>::VerifierBondTooLow
        );
        assert_ok!(BurnMint::bond_verifier(
            RuntimeOrigin::signed(alice.clone()),
            VERIFIER_BOND
        ));
        assert_ok!(BurnMint::attest_capacity(
            RuntimeOrigin::signed(alice.clone()),
            bob,
            10
        ));
        assert_eq!(
            VerifierBonds::<Runtime>::get(&alice).map(|b| b.amount),
            Some(VERIFIER_BOND)
        );
        for _ in 0..3 {
            start_block();
            finish_block();
        }
    });
}

#[test]
fn an_upgrade_from_a_storage_version_no_migration_handles_is_refused() {
    with_dev_chain(|| {
        start_block();
        finish_block();
        // A chain still at storage version 6: the v6 -> v7 migration was removed in spec 109,
        // so nothing in the runtime's list would run and v6 values would be read as v8.
        StorageVersion::new(6).put::<BurnMint>();
        let message = "pallet-burn-mint: the on-chain storage version is older than the oldest \
                       one this runtime's migrations handle; upgrade through a runtime that \
                       still has the missing migration first";
        assert_eq!(RequireStorageVersion::<Runtime, 7>::check(), Err(message));
        // What `try-runtime on-runtime-upgrade` runs before an upgrade is voted: refused.
        #[cfg(feature = "try-runtime")]
        {
            let refused = capacloud_runtime::Migrations::try_on_runtime_upgrade(true)
                .expect_err("the guard refuses a chain older than the oldest migration");
            assert_eq!(refused, sp_runtime::TryRuntimeError::Other(message));
            // And the pallet's invariants name the missing migration.
            assert_eq!(
                BurnMint::do_try_state(),
                Err(sp_runtime::TryRuntimeError::Other(
                    "the on-chain storage version is not the pallet's: a migration is missing"
                ))
            );
        }
        // Enacted anyway, the guard changes nothing (it logs an error on every node).
        capacloud_runtime::Migrations::on_runtime_upgrade();
        assert_eq!(BurnMint::on_chain_storage_version(), 6);
        // Every older version is refused; versions 7 and 8 pass the guard.
        for version in [0, 2, 3, 4, 5] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 7>::check(), Err(message));
        }
        for version in [7, 8] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 7>::check(), Ok(()));
        }
        StorageVersion::new(8).put::<BurnMint>();
    });
}
