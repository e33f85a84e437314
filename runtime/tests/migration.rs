//! pallet-burn-mint's storage migration v3 -> v4, from state written in the old layout.

mod common;

use capacloud_runtime::{
    configs::burn_mint::{default_parameters, NewParameterFields},
    BurnMint, Runtime, System, UNITS,
};
use common::{finish_block, start_block, with_dev_chain};
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
use pallet_burn_mint::{
    economics::Parameters,
    migrations::{
        v4::{v3, MigrateV3ToV4},
        RequireStorageVersion,
    },
    LastPrice, PriceInForce,
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
        // Versions 3 and 4 pass the guard.
        for version in [3, 4] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 3>::check(), Ok(()));
        }
    });
}
