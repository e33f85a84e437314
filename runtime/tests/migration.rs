//! pallet-burn-mint's storage migration v2 -> v3, from state written in the old layout.

mod common;

use capacloud_runtime::{
    configs::burn_mint::NewParameterFields, Balances, BurnMint, Runtime, RuntimeHoldReason, System,
    UNITS,
};
use common::{finish_block, start_block, with_dev_chain};
use frame_support::traits::{
    fungible::{Inspect, Mutate, MutateHold},
    GetStorageVersion, OnRuntimeUpgrade, StorageVersion,
};
use pallet_burn_mint::{
    economics::{split_emission, UsagePool},
    migrations::v3::{v2, MigrateV2ToV3},
    HoldReason, ProviderStatus,
};
use sp_keyring::Sr25519Keyring::{Bob, Charlie, Dave};
use sp_runtime::{FixedU128, Perbill, Permill};

/// Writes a running v2 chain after block `now`: epoch 5 open since block `now - 3`, three providers (one with
/// usage of closed epoch 4, one with usage of the open epoch, one leaving), epoch 4's usage
/// pool, five ledger entries, and a pot holding what v2 owed plus 7 planck of pool dust.
/// Returns each provider with what it could claim under v2 and its bond.
fn v2_state(now: u32) -> Vec<(sp_runtime::AccountId32, u128, u128)> {
    let params = pallet_burn_mint::ActiveParameters::<Runtime>::get().unwrap();
    let old_params = v2::Parameters {
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
        // v2's presets unbonded in 7 days, below v3's minimum.
        unbonding_period: 7,
        min_provider_bond: params.min_provider_bond,
    };
    v2::ActiveParameters::<Runtime>::put(old_params);
    let start = now - 3;
    let emission = UNITS / 10;
    v2::CurrentEpoch::<Runtime>::put(v2::EpochInfo {
        index: 5,
        start,
        length: params.epoch_length,
        books: v2::EpochBooks {
            burned_credits: 40 * UNITS,
            credits_sold: 20_000,
            credits_served: 20_000,
            basis_served: 40 * UNITS,
            ..Default::default()
        },
        closed_totals: Default::default(),
    });
    for index in 0..5 {
        v2::Ledger::<Runtime>::insert(index, v2::EpochBooks::default());
    }
    let total_points = 3 * 1_000_000 + 5 * 500_000;
    v2::Emission::<Runtime>::put(v2::EmissionState {
        controller: v2::ControllerState {
            emission_per_block: emission,
            scheduled_target: emission,
            smoothed_burn_per_epoch: 10 * UNITS,
        },
        accrual: v2::EmissionAccrual {
            per_block: split_emission(emission, &params),
            total_points,
            index: FixedU128::from_rational(7, 3),
            updated_at: start,
            ..Default::default()
        },
    });
    v2::UsagePools::<Runtime>::insert(
        4,
        UsagePool {
            credits: 3_000,
            basis: 3 * UNITS,
            minted: 2 * UNITS + 7,
            cap: Perbill::from_percent(80),
        },
    );
    let providers = [
        (
            Bob.to_account_id(),
            v2::Provider {
                status: ProviderStatus::Active,
                capacity: 3,
                reputation: Permill::one(),
                bond: 150 * UNITS,
                points: 3_000_000,
                snapshot: FixedU128::from_rational(1, 3),
                pending: 11,
                usage: Some(v2::UsageRecord {
                    epoch: 4,
                    credits: 1_000,
                    basis: UNITS,
                }),
            },
        ),
        (
            Charlie.to_account_id(),
            v2::Provider {
                status: ProviderStatus::Paused,
                capacity: 5,
                reputation: Permill::from_percent(50),
                bond: 100 * UNITS,
                points: 2_500_000,
                snapshot: FixedU128::from(2),
                pending: 0,
                usage: Some(v2::UsageRecord {
                    epoch: 5,
                    credits: 20_000,
                    basis: 40 * UNITS,
                }),
            },
        ),
        (
            Dave.to_account_id(),
            v2::Provider {
                status: ProviderStatus::Leaving { unlock_at: now + 5 },
                capacity: 1,
                reputation: Permill::one(),
                bond: 100 * UNITS,
                points: 0,
                snapshot: FixedU128::from(1),
                pending: 5 * UNITS,
                usage: Some(v2::UsageRecord {
                    epoch: 4,
                    credits: 2_000,
                    basis: 2 * UNITS,
                }),
            },
        ),
    ];
    let mut accrual = v2::Emission::<Runtime>::get().accrual;
    accrual.advance_to(now);
    let mut expected = Vec::new();
    let mut owed = 0;
    for (who, record) in providers {
        Balances::hold(
            &RuntimeHoldReason::BurnMint(HoldReason::ProviderBond),
            &who,
            record.bond,
        )
        .unwrap();
        let claimable = v2::claimable::<Runtime>(&record, accrual.index, 5);
        owed += claimable;
        expected.push((who.clone(), claimable, record.bond));
        v2::Providers::<Runtime>::insert(&who, record);
    }
    pallet_burn_mint::ProviderCount::<Runtime>::put(3);
    // The pot: its deposit, the treasury's share so far, what v2 owed, and 7 planck of dust
    // (the usage pool's rounding remainder).
    let ed = Balances::minimum_balance();
    Balances::set_balance(&BurnMint::pot(), ed + accrual.ecosystem + owed + 7);
    StorageVersion::new(2).put::<BurnMint>();
    expected
}

#[test]
fn v2_state_migrates_with_every_claim_and_bond_preserved() {
    with_dev_chain(|| {
        for _ in 0..4 {
            start_block();
            finish_block();
        }
        // After block 4, the upgrade's migrations run at the start of block 5.
        let now = System::block_number();
        let expected = v2_state(now);
        // Bob: 11 pending, availability since his snapshot, and a third of epoch 4's pool.
        assert!(expected[0].1 > 11 + 666_666_666_669);
        let issuance = Balances::total_issuance();

        #[cfg(feature = "try-runtime")]
        MigrateV2ToV3::<Runtime, NewParameterFields>::try_on_runtime_upgrade(true)
            .expect("pre- and post-upgrade checks pass");
        #[cfg(not(feature = "try-runtime"))]
        MigrateV2ToV3::<Runtime, NewParameterFields>::on_runtime_upgrade();

        assert_eq!(BurnMint::on_chain_storage_version(), 3);
        for (who, claimable, bond) in &expected {
            let record = pallet_burn_mint::Providers::<Runtime>::get(who).unwrap();
            assert_eq!(record.pending, *claimable);
            assert_eq!(BurnMint::pending_rewards(who.clone()), *claimable);
            assert_eq!(record.bond, *bond);
            assert_eq!(record.verified_capacity, 0);
            assert_eq!(record.eligible_from, 6);
        }
        // Charlie's usage of the open epoch is his work in it; Bob's and Dave's was settled.
        let charlie = pallet_burn_mint::Providers::<Runtime>::get(&expected[1].0).unwrap();
        assert_eq!(charlie.work.unwrap().basis, 40 * UNITS);
        assert_eq!(charlie.status, ProviderStatus::Paused);
        // Only the dust was burned, and counted.
        let epoch = pallet_burn_mint::CurrentEpoch::<Runtime>::get();
        assert_eq!(epoch.books.burned_forfeited, 7);
        assert_eq!(Balances::total_issuance(), issuance - 7);
        assert_eq!(epoch.index, 5);
        assert_eq!(pallet_burn_mint::Ledger::<Runtime>::iter().count(), 5);
        let params = pallet_burn_mint::ActiveParameters::<Runtime>::get().unwrap();
        assert_eq!(
            params.unbonding_period,
            capacloud_runtime::configs::burn_mint::MinUnbondingPeriod::get()
        );
        assert_eq!(
            params.bond_per_capacity_unit,
            capacloud_runtime::configs::burn_mint::default_parameters().bond_per_capacity_unit
        );
        // The controller: the ramp at the emission in force, the burn average per block.
        let controller = pallet_burn_mint::Emission::<Runtime>::get().controller;
        assert_eq!(controller.ramp, UNITS / 10);
        assert_eq!(
            controller.smoothed_burn_per_block,
            10 * UNITS / params.epoch_length as u128
        );
        // Running the migration again does nothing: the version says it ran.
        let before = pallet_burn_mint::Emission::<Runtime>::get();
        MigrateV2ToV3::<Runtime, NewParameterFields>::on_runtime_upgrade();
        assert_eq!(pallet_burn_mint::Emission::<Runtime>::get(), before);
        // The chain goes on: Bob claims exactly what he was owed, blocks keep minting.
        let bob = expected[0].0.clone();
        let free = Balances::balance(&bob);
        assert!(pallet_burn_mint::Pallet::<Runtime>::claim_rewards(
            frame_system::RawOrigin::Signed(Dave.to_account_id()).into(),
            bob.clone()
        )
        .is_ok());
        assert_eq!(Balances::balance(&bob), free + expected[0].1);
        for _ in 0..3 {
            start_block();
            finish_block();
        }
    });
}
