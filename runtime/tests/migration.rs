//! pallet-burn-mint's storage migration v6 -> v7 from state written in the old layout, and the
//! guard that refuses a chain older than the oldest migration.

mod common;

use capacloud_runtime::{BurnMint, Runtime, RuntimeOrigin, System, UNITS};
use common::{finish_block, run_to_block, start_block, with_dev_chain};
use frame_support::{
    assert_ok,
    traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};
use pallet_burn_mint::{
    economics::{EpochWork, Parameters},
    migrations::{
        v7::{v6, windows_for, MigrateV6ToV7},
        RequireStorageVersion,
    },
    Provider, Providers,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};

/// `params` in the v6 layout (without liveness windows).
fn v6_params(params: &Parameters) -> v6::Parameters {
    v6::Parameters {
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
        min_capacity_attestations: params.min_capacity_attestations,
    }
}

/// A provider record in the v6 layout (its work without windows).
fn v6_provider(p: &Provider<u32>) -> v6::Provider<u32> {
    v6::Provider {
        status: p.status,
        capacity: p.capacity,
        verified_capacity: p.verified_capacity,
        previous_capacity: p.previous_capacity,
        verified_from: p.verified_from,
        reputation: p.reputation,
        bond: p.bond,
        eligible_from: p.eligible_from,
        work: p.work.map(|w| v6::EpochWork {
            epoch: w.epoch,
            credits: w.credits,
            basis: w.basis,
            live_points: w.live_points,
        }),
        locked: p.locked,
        unlock_epoch: p.unlock_epoch,
        pending: p.pending,
    }
}

#[test]
fn v6_state_migrates_with_every_field_kept_and_live_points_proven_for_the_whole_epoch() {
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
        let live = Providers::<Runtime>::get(&bob)
            .unwrap()
            .work
            .unwrap()
            .live_points;
        assert!(live > 0);

        // The same state as v6 stored it: parameters without windows (a pending set with a
        // longer epoch), work without windows.
        let active = pallet_burn_mint::ActiveParameters::<Runtime>::get().unwrap();
        let pending = Parameters {
            epoch_length: 100 * epoch_length,
            ..active
        };
        v6::ActiveParameters::<Runtime>::put(v6_params(&active));
        v6::PendingParameters::<Runtime>::put(v6_params(&pending));
        let before: Vec<_> = Providers::<Runtime>::iter().collect();
        assert_eq!(before.len(), 2);
        for (who, record) in &before {
            v6::Providers::<Runtime>::insert(who, v6_provider(record));
        }
        StorageVersion::new(6).put::<BurnMint>();

        #[cfg(feature = "try-runtime")]
        capacloud_runtime::Migrations::try_on_runtime_upgrade(true)
            .expect("pre- and post-upgrade checks pass");
        #[cfg(not(feature = "try-runtime"))]
        capacloud_runtime::Migrations::on_runtime_upgrade();

        assert_eq!(BurnMint::on_chain_storage_version(), 7);
        // Windows: 24 (the production preset), at most the epoch's length.
        let windows = windows_for(epoch_length);
        assert_eq!(windows, 24.min(epoch_length));
        assert_eq!(windows_for(100 * epoch_length), 24);
        assert_eq!(windows_for(0), 1);
        assert_eq!(
            pallet_burn_mint::ActiveParameters::<Runtime>::get(),
            Some(Parameters {
                liveness_windows: windows,
                ..active
            })
        );
        assert_eq!(
            pallet_burn_mint::PendingParameters::<Runtime>::get(),
            Some(Parameters {
                liveness_windows: 24,
                ..pending
            })
        );
        // Every old field kept; Bob proved liveness under v6, which counted the whole epoch:
        // every window, and the live points he had. Charlie has no work.
        for (who, _) in &before {
            assert_eq!(
                Providers::<Runtime>::get(who).unwrap().work.is_none(),
                who == &charlie
            );
        }
        let bob_after = Providers::<Runtime>::get(&bob).unwrap();
        let work = before
            .iter()
            .find(|(who, _)| who == &bob)
            .unwrap()
            .1
            .work
            .unwrap();
        assert_eq!(
            bob_after.work,
            Some(EpochWork {
                live_windows: (1u32 << windows) - 1,
                ..work
            })
        );
        assert_eq!(bob_after.work.unwrap().live_points, live);
        let charlie_before = before.iter().find(|(who, _)| who == &charlie).unwrap();
        assert_eq!(
            Providers::<Runtime>::get(&charlie),
            Some(charlie_before.1.clone())
        );
        // A chain at v7 runs the migration no more.
        MigrateV6ToV7::<Runtime>::on_runtime_upgrade();
        assert_eq!(Providers::<Runtime>::get(&bob), Some(bob_after.clone()));
        // In the next epoch (the pending set's: 24 windows) Bob proves one window: that share
        // of his points.
        run_to_block(System::block_number() + epoch_length);
        let epoch = pallet_burn_mint::CurrentEpoch::<Runtime>::get();
        assert_ok!(BurnMint::heartbeat(RuntimeOrigin::signed(bob.clone())));
        let record = Providers::<Runtime>::get(&bob).unwrap();
        let points = record.points(active.min_reputation, epoch.index);
        assert_eq!(epoch.length, 100 * epoch_length);
        assert_eq!(record.live_points_in(epoch.index), points / 24);
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
        // A chain still at storage version 5: the v5 -> v6 migration was removed in spec 108,
        // so nothing in the runtime's list would run and v5 values would be read as v7.
        StorageVersion::new(5).put::<BurnMint>();
        let message = "pallet-burn-mint: the on-chain storage version is older than the oldest \
                       one this runtime's migrations handle; upgrade through a runtime that \
                       still has the missing migration first";
        assert_eq!(RequireStorageVersion::<Runtime, 6>::check(), Err(message));
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
        assert_eq!(BurnMint::on_chain_storage_version(), 5);
        // Every older version is refused; versions 6 and 7 pass the guard.
        for version in [0, 2, 3, 4] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 6>::check(), Err(message));
        }
        for version in [6, 7] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 6>::check(), Ok(()));
        }
        StorageVersion::new(7).put::<BurnMint>();
    });
}
