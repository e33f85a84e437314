//! pallet-burn-mint's storage migrations v3 -> v4 and v4 -> v5, each from state written in the
//! old layout, and the guard that refuses a chain older than the oldest migration.

mod common;

use capacloud_runtime::{
    configs::burn_mint::{default_parameters, NewParameterFields},
    BurnMint, Runtime, System, UNITS,
};
use common::{finish_block, start_block, with_dev_chain};
use frame_support::traits::{Get, GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
use pallet_burn_mint::{
    economics::{ControllerMode, ControllerState, Parameters},
    migrations::{
        v4::{v3, MigrateV3ToV4},
        v5::{v4, MigrateV4ToV5},
        RequireStorageVersion,
    },
    Emission, LastPrice, PriceInForce,
};
use sp_runtime::{FixedU128, Perbill};

/// `params` in the v3 layout (without the price bounds).
fn v3_params(params: &Parameters) -> v3::Parameters {
    v3::Parameters {
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
        unbonding_period: params.unbonding_period,
        min_provider_bond: params.min_provider_bond,
        bond_per_capacity_unit: params.bond_per_capacity_unit,
        initial_reputation: params.initial_reputation,
        min_reputation: params.min_reputation,
        attestation_reputation_gain: params.attestation_reputation_gain,
    }
}

#[test]
fn v3_parameters_migrate_with_every_field_kept_and_the_price_bounded_from_then_on() {
    with_dev_chain(|| {
        for _ in 0..4 {
            start_block();
            finish_block();
        }
        // A v3 chain after block 4: active parameters as the presets, pending ones with a
        // longer epoch and a higher bond per unit, no last price. Alice's genesis price of
        // 0.50 is fresh.
        let active = pallet_burn_mint::ActiveParameters::<Runtime>::get().unwrap();
        let pending = Parameters {
            epoch_length: active.epoch_length * 2,
            bond_per_capacity_unit: 3 * UNITS,
            ..active
        };
        v3::ActiveParameters::<Runtime>::put(v3_params(&active));
        v3::PendingParameters::<Runtime>::put(v3_params(&pending));
        LastPrice::<Runtime>::kill();
        StorageVersion::new(3).put::<BurnMint>();
        // The old layout does not decode as the new one.
        assert!(pallet_burn_mint::ActiveParameters::<Runtime>::try_get().is_err());

        #[cfg(feature = "try-runtime")]
        MigrateV3ToV4::<Runtime, NewParameterFields>::try_on_runtime_upgrade(true)
            .expect("pre- and post-upgrade checks pass");
        #[cfg(not(feature = "try-runtime"))]
        MigrateV3ToV4::<Runtime, NewParameterFields>::on_runtime_upgrade();

        assert_eq!(BurnMint::on_chain_storage_version(), 4);
        let defaults = default_parameters();
        let bounds = |p: Parameters| Parameters {
            max_price_deviation: defaults.max_price_deviation,
            max_price_change_per_block: defaults.max_price_change_per_block,
            ..p
        };
        assert_eq!(
            pallet_burn_mint::ActiveParameters::<Runtime>::get(),
            Some(bounds(active))
        );
        assert_eq!(
            pallet_burn_mint::PendingParameters::<Runtime>::get(),
            Some(bounds(pending))
        );
        assert_eq!(defaults.max_price_deviation, Perbill::from_percent(10));
        // The price in force is recorded at the migration's block.
        let half = FixedU128::from_rational(1, 2);
        assert_eq!(
            LastPrice::<Runtime>::get(),
            Some(PriceInForce::new(half, System::block_number()))
        );
        // Running it again does nothing: the version says it ran.
        pallet_burn_mint::PendingParameters::<Runtime>::kill();
        MigrateV3ToV4::<Runtime, NewParameterFields>::on_runtime_upgrade();
        assert_eq!(pallet_burn_mint::PendingParameters::<Runtime>::get(), None);
        // The v4 -> v5 migration follows (the emission state is rewritten in the v5 layout).
        write_v4_emission();
        MigrateV4ToV5::<Runtime>::on_runtime_upgrade();
        assert_eq!(BurnMint::on_chain_storage_version(), 5);

        // The chain goes on, and the bounds hold from the next block: Alice (the dev chain's
        // only feeder) reports 5.0, rejected (further than 10% from 0.50); then 0.55, accepted,
        // and the price in force moves 1% towards it, to 0.5 / 0.99.
        start_block();
        let alice = || {
            frame_system::RawOrigin::Signed(sp_keyring::Sr25519Keyring::Alice.to_account_id())
                .into()
        };
        assert!(
            pallet_burn_mint::Pallet::<Runtime>::submit_price(alice(), FixedU128::from(5)).is_ok()
        );
        let latest = || {
            pallet_burn_mint::PriceFeeders::<Runtime>::get()[0]
                .latest
                .map(|(p, _)| p)
        };
        assert_eq!(latest(), Some(half));
        let price = FixedU128::from_rational(55, 100);
        assert!(pallet_burn_mint::Pallet::<Runtime>::submit_price(alice(), price).is_ok());
        assert_eq!(latest(), Some(price));
        assert_eq!(
            BurnMint::current_price(),
            Some(FixedU128::from_inner(505_050_505_050_505_050))
        );
        finish_block();
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
        // A chain still at storage version 2: the v2 -> v3 migration was removed in spec 103,
        // so nothing in the runtime's list would run and v2 values would be read as v4.
        StorageVersion::new(2).put::<BurnMint>();
        let message = "pallet-burn-mint: the on-chain storage version is older than the oldest \
                       one this runtime's migrations handle; upgrade through a runtime that \
                       still has the missing migration first";
        assert_eq!(RequireStorageVersion::<Runtime, 3>::check(), Err(message));
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
        assert_eq!(BurnMint::on_chain_storage_version(), 2);
        // Versions 3, 4 and 5 pass the guard.
        for version in [3, 4, 5] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 3>::check(), Ok(()));
        }
    });
}

/// The emission state as v4 stored it, from the v5 state in storage: the choice as the ramp.
fn write_v4_emission() {
    let now = Emission::<Runtime>::get();
    v4::Emission::<Runtime>::put(v4::EmissionState {
        controller: v4::ControllerState {
            emission_per_block: now.controller.emission_per_block,
            ramp: now.controller.choice,
            scheduled_target: now.controller.scheduled_target,
            smoothed_burn_per_block: now.controller.smoothed_burn_per_block,
        },
        accrual: now.accrual,
        owed: now.owed,
    });
}

#[test]
fn v4_state_migrates_to_v5_without_a_jump_and_under_the_new_rules() {
    with_dev_chain(|| {
        for _ in 0..25 {
            start_block();
            finish_block();
        }
        // A v4 chain: 80% usage cap with 30% availability (v5 refuses more than 90% for the
        // two), an inflation target of 5 parts per billion per epoch (v5: the same per year,
        // times the epochs in `BlocksPerYear`), a pending change with twice the epoch length
        // (half the epochs a year); the controller's ramp 0.02 CAPA above its emission in
        // force (as a supply cap holding it down would leave it).
        let active = pallet_burn_mint::ActiveParameters::<Runtime>::get().unwrap();
        let v4_params = |epoch_length: u32| Parameters {
            usage_reward_cap: Perbill::from_percent(80),
            mode: ControllerMode::BurnIndexed {
                smoothing: Perbill::from_percent(20),
                target_inflation_per_year: Perbill::from_parts(5),
            },
            epoch_length,
            ..active
        };
        pallet_burn_mint::ActiveParameters::<Runtime>::put(v4_params(active.epoch_length));
        pallet_burn_mint::PendingParameters::<Runtime>::put(v4_params(active.epoch_length * 2));
        let before = Emission::<Runtime>::get();
        let in_force = before.controller.emission_per_block;
        let ramp = in_force + UNITS / 50;
        v4::Emission::<Runtime>::put(v4::EmissionState {
            controller: v4::ControllerState {
                emission_per_block: in_force,
                ramp,
                scheduled_target: 7,
                smoothed_burn_per_block: 3,
            },
            accrual: before.accrual,
            owed: before.owed,
        });
        StorageVersion::new(4).put::<BurnMint>();

        #[cfg(feature = "try-runtime")]
        MigrateV4ToV5::<Runtime>::try_on_runtime_upgrade(true)
            .expect("pre- and post-upgrade checks pass");
        #[cfg(not(feature = "try-runtime"))]
        MigrateV4ToV5::<Runtime>::on_runtime_upgrade();

        assert_eq!(BurnMint::on_chain_storage_version(), 5);
        let year: u32 = <Runtime as pallet_burn_mint::Config>::BlocksPerYear::get();
        let per_year = |epoch_length: u32| 5 * (year / epoch_length).min(200_000_000);
        let v5_params = |epoch_length: u32| Parameters {
            usage_reward_cap: Perbill::from_percent(60),
            mode: ControllerMode::BurnIndexed {
                smoothing: Perbill::from_percent(20),
                target_inflation_per_year: Perbill::from_parts(per_year(epoch_length)),
            },
            epoch_length,
            ..active
        };
        assert_eq!(
            pallet_burn_mint::ActiveParameters::<Runtime>::get(),
            Some(v5_params(active.epoch_length))
        );
        assert_eq!(
            pallet_burn_mint::PendingParameters::<Runtime>::get(),
            Some(v5_params(active.epoch_length * 2))
        );
        // The emission in force, the accrual and the pot's debt are kept; the choice is the
        // ramp, the band in force contains it, and the target is the ramp: no jump at the next
        // boundary.
        let after = Emission::<Runtime>::get();
        assert_eq!((after.accrual, after.owed), (before.accrual, before.owed));
        let params = v5_params(active.epoch_length);
        let limits = BurnMint::hard_limits();
        let issuance = pallet_balances::Pallet::<Runtime>::total_issuance();
        let inflation =
            pallet_burn_mint::economics::inflation_per_block(&params, issuance, &limits);
        assert_eq!(
            after.controller,
            ControllerState {
                emission_per_block: in_force,
                choice: ramp,
                floor: params.min_emission_per_block,
                ceiling: params.max_emission_per_block,
                scheduled_target: 7,
                smoothed_burn_per_block: ramp - inflation,
                smoothing: Perbill::from_percent(20),
            }
        );
        assert_eq!(after.controller.choose(&params, issuance, &limits), ramp);
        // A chain at v5 runs the migration no more.
        MigrateV4ToV5::<Runtime>::on_runtime_upgrade();
        assert_eq!(Emission::<Runtime>::get(), after);
        // The chain goes on.
        for _ in 0..15 {
            start_block();
            finish_block();
        }
    });
}
