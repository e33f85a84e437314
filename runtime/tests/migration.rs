//! pallet-burn-mint's storage migration v5 -> v6 from state written in the old layout, and the
//! guard that refuses a chain older than the oldest migration.

mod common;

use capacloud_runtime::{BurnMint, Runtime, RuntimeOrigin, System, UNITS};
use common::{finish_block, run_to_block, start_block, with_dev_chain};
use frame_support::{
    assert_ok,
    traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};
use pallet_burn_mint::{
    economics::Parameters,
    migrations::{
        v6::{v5, MigrateV5ToV6},
        RequireStorageVersion,
    },
    Attestations, Provider, Providers,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};

/// `params` in the v5 layout (without the verifier quorum).
fn v5_params(params: &Parameters) -> v5::Parameters {
    v5::Parameters {
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
        attestation_reputation_gain: params.attestation_reputation_gain,
    }
}

/// A provider record in the v5 layout (one verified capacity, counting at once).
fn v5_provider(p: &Provider<u32>) -> v5::Provider<u32> {
    v5::Provider {
        status: p.status,
        capacity: p.capacity,
        verified_capacity: p.verified_capacity,
        reputation: p.reputation,
        bond: p.bond,
        eligible_from: p.eligible_from,
        work: p.work,
        locked: p.locked,
        unlock_epoch: p.unlock_epoch,
        pending: p.pending,
    }
}

#[test]
fn v5_state_migrates_with_every_field_kept_and_verified_capacity_counting_as_before() {
    with_dev_chain(|| {
        start_block();
        finish_block();
        // Bob and Charlie register; Alice (the development chain's verifier) attests Bob.
        let (alice, bob, charlie) = (
            Alice.to_account_id(),
            Bob.to_account_id(),
            Charlie.to_account_id(),
        );
        for who in [&bob, &charlie] {
            assert_ok!(BurnMint::register_provider(
                RuntimeOrigin::signed(who.clone()),
                10,
                200 * UNITS
            ));
        }
        assert_ok!(BurnMint::attest_capacity(
            RuntimeOrigin::signed(alice),
            bob.clone(),
            10
        ));
        // Into the next epoch, where Bob's capacity counts and he proves it live.
        let epoch_length = pallet_burn_mint::ActiveParameters::<Runtime>::get()
            .unwrap()
            .epoch_length;
        run_to_block(System::block_number() + epoch_length);
        assert_ok!(BurnMint::heartbeat(RuntimeOrigin::signed(bob.clone())));

        // The same state as v5 stored it: parameters without the quorum (a pending set with a
        // higher bond per unit), providers without the new fields, no attestations.
        let active = pallet_burn_mint::ActiveParameters::<Runtime>::get().unwrap();
        // The pending set's unbonding period is below this runtime's minimum (as 14 days were
        // below the minimum spec 107 raised to 17 days 2 hours in production).
        let min = <Runtime as pallet_burn_mint::Config>::MinUnbondingPeriod::get();
        let pending = Parameters {
            bond_per_capacity_unit: 3 * UNITS,
            unbonding_period: min - 1,
            ..active
        };
        v5::ActiveParameters::<Runtime>::put(v5_params(&active));
        v5::PendingParameters::<Runtime>::put(v5_params(&pending));
        let before: Vec<_> = Providers::<Runtime>::iter().collect();
        assert_eq!(before.len(), 2);
        for (who, record) in &before {
            v5::Providers::<Runtime>::insert(who, v5_provider(record));
        }
        let _ = Attestations::<Runtime>::clear(u32::MAX, None);
        StorageVersion::new(5).put::<BurnMint>();

        #[cfg(feature = "try-runtime")]
        capacloud_runtime::Migrations::try_on_runtime_upgrade(true)
            .expect("pre- and post-upgrade checks pass");
        #[cfg(not(feature = "try-runtime"))]
        capacloud_runtime::Migrations::on_runtime_upgrade();

        assert_eq!(BurnMint::on_chain_storage_version(), 6);
        // One verifier: the quorum is 1 (a majority of one).
        assert_eq!(active.min_capacity_attestations, 1);
        assert_eq!(
            pallet_burn_mint::ActiveParameters::<Runtime>::get(),
            Some(Parameters {
                min_capacity_attestations: 1,
                ..active
            })
        );
        assert_eq!(
            pallet_burn_mint::PendingParameters::<Runtime>::get(),
            Some(Parameters {
                min_capacity_attestations: 1,
                unbonding_period: min,
                ..pending
            })
        );
        // Every old field kept; the verified capacity counts since epoch 0.
        for (who, record) in &before {
            let after = Providers::<Runtime>::get(who).unwrap();
            assert_eq!(
                after,
                Provider {
                    previous_capacity: record.verified_capacity,
                    verified_from: 0,
                    ..record.clone()
                }
            );
        }
        let bob_after = Providers::<Runtime>::get(&bob).unwrap();
        assert_eq!(
            (bob_after.verified_capacity, bob_after.capacity_in(0)),
            (10, 10)
        );
        // A chain at v6 runs the migration no more.
        MigrateV5ToV6::<Runtime>::on_runtime_upgrade();
        assert_eq!(Providers::<Runtime>::get(&bob), Some(bob_after.clone()));
        // Bob has no attestations under v6: he keeps his verified capacity at his next
        // heartbeat, in the next epoch too.
        run_to_block(System::block_number() + epoch_length);
        assert_ok!(BurnMint::heartbeat(RuntimeOrigin::signed(bob.clone())));
        let epoch = pallet_burn_mint::CurrentEpoch::<Runtime>::get().index;
        let record = Providers::<Runtime>::get(&bob).unwrap();
        assert_eq!(record.capacity_in(epoch + 1), 10);
        assert!(record.live_points_in(epoch) > 0);
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
        // A chain still at storage version 4: the v4 -> v5 migration was removed in spec 107,
        // so nothing in the runtime's list would run and v4 values would be read as v6.
        StorageVersion::new(4).put::<BurnMint>();
        let message = "pallet-burn-mint: the on-chain storage version is older than the oldest \
                       one this runtime's migrations handle; upgrade through a runtime that \
                       still has the missing migration first";
        assert_eq!(RequireStorageVersion::<Runtime, 5>::check(), Err(message));
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
        assert_eq!(BurnMint::on_chain_storage_version(), 4);
        // Every older version is refused; versions 5 and 6 pass the guard.
        for version in [0, 2, 3] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 5>::check(), Err(message));
        }
        for version in [5, 6] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 5>::check(), Ok(()));
        }
        StorageVersion::new(6).put::<BurnMint>();
    });
}
