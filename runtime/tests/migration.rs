//! pallet-burn-mint's storage migrations v8 -> v9, v9 -> v10, v10 -> v11 and v11 -> v12 from
//! state written in the old layout, and the guard that refuses a chain older than the oldest
//! migration.

mod common;

use capacloud_runtime::{Balances, BurnMint, Runtime, RuntimeOrigin, System, CAPA};
use common::{finish_block, run_to_block, start_block, with_dev_chain};
use frame_support::{
    assert_ok,
    traits::{
        fungible::Mutate,
        tokens::{Fortitude, Precision, Preservation},
        GetStorageVersion, OnRuntimeUpgrade, StorageVersion,
    },
};
use pallet_burn_mint::{
    migrations::{
        v10::{self, MigrateV9ToV10},
        v11::{self as v11_migration, MigrateV10ToV11},
        v12::{self as v12_migration, MigrateV11ToV12},
        v9::{v8, MigrateV8ToV9},
        RequireStorageVersion,
    },
    CreditAccount, CreditBalances, CurrentEpoch, Emission, EpochBooks, History, Ledger, PoolClaim,
    PoolClaims, ProviderHistory, RewardPools,
};
use sp_keyring::Sr25519Keyring::{Bob, Charlie};
use sp_runtime::Perbill;

/// Runs the runtime's migrations as an upgrade would: with their try-runtime pre- and
/// post-upgrade checks when the runtime has them (the test command's build does), then every
/// pallet's `try_state` on the migrated state, as `try-runtime on-runtime-upgrade` does (a
/// migration's own `post_upgrade` checks what it changed: the invariants of the current code
/// hold only once every migration has run).
fn run_migrations() {
    #[cfg(feature = "try-runtime")]
    {
        use frame_support::traits::{TryState, TryStateSelect};
        capacloud_runtime::Migrations::try_on_runtime_upgrade(true)
            .expect("pre- and post-upgrade checks pass");
        capacloud_runtime::AllPalletsWithSystem::try_state(
            System::block_number(),
            TryStateSelect::All,
        )
        .expect("every pallet's invariants hold after the migrations");
    }
    #[cfg(not(feature = "try-runtime"))]
    capacloud_runtime::Migrations::on_runtime_upgrade();
}

/// Writes the reward pools as storage version 11 kept them (each whole, with what was settled
/// out of it; no claims apart): the layout every chain below version 12 has them in.
fn pools_in_v11_layout() {
    let pools = BurnMint::reward_pools();
    PoolClaims::<Runtime>::kill();
    for (epoch, pool) in pools {
        v12_migration::v11::RewardPools::<Runtime>::insert(epoch, pool);
    }
}

/// From block 1: Bob registered as a provider of 10 units with a bond of 200 CAPA, attested by
/// Alice (the development chain's capacity verifier).
fn attested_bob() -> capacloud_runtime::AccountId {
    run_to_block(1);
    let bob = Bob.to_account_id();
    assert_ok!(BurnMint::register_provider(
        RuntimeOrigin::signed(bob.clone()),
        10,
        200 * CAPA
    ));
    assert_ok!(BurnMint::attest_capacity(
        RuntimeOrigin::signed(sp_keyring::Sr25519Keyring::Alice.to_account_id()),
        bob.clone(),
        10
    ));
    bob
}

/// Runs to the first block of the next epoch.
fn next_epoch() {
    let epoch = CurrentEpoch::<Runtime>::get();
    run_to_block(epoch.start + epoch.length);
}

#[test]
fn v8_state_migrates_with_every_field_kept_and_the_emission_unchanged() {
    with_dev_chain(|| {
        start_block();
        finish_block();
        // Bob buys credits, an epoch boundary closes; the controller remembers a burn.
        let bob = Bob.to_account_id();
        assert_ok!(BurnMint::buy_credits(
            RuntimeOrigin::signed(bob),
            1_000 * CAPA,
            1,
        ));
        let epoch_length = pallet_burn_mint::ActiveParameters::<Runtime>::get()
            .unwrap()
            .epoch_length;
        run_to_block(System::block_number() + 2 * epoch_length);
        Emission::<Runtime>::mutate(|e| e.controller.smoothed_burn_per_block = 12_345 * CAPA);

        // The same state as v8 stored it: the controller without the new fields.
        let now = Emission::<Runtime>::get();
        let c = now.controller;
        let old = v8::EmissionState {
            controller: v8::ControllerState {
                emission_per_block: c.emission_per_block,
                choice: c.choice,
                floor: c.floor,
                ceiling: c.ceiling,
                scheduled_target: c.scheduled_target,
                smoothed_burn_per_block: c.smoothed_burn_per_block,
                smoothing: c.smoothing,
            },
            accrual: now.accrual,
            owed: now.owed,
        };
        Emission::<Runtime>::kill();
        v8::Emission::<Runtime>::put(old);
        // The books as v8 kept them: no dust, no outside lines, no issuance at the open; and
        // 3 CAPA burned in epoch 1 that no v8 book saw (dust, or `Balances.burn`): every
        // issuance from its close on is 3 CAPA lower.
        let v8_books = |b: EpochBooks| v8::EpochBooks {
            minted_providers: b.minted_providers,
            minted_usage: b.minted_usage,
            minted_ecosystem: b.minted_ecosystem,
            burned_credits: b.burned_credits,
            burned_fees: b.burned_fees,
            burned_slashes: b.burned_slashes,
            burned_forfeited: b.burned_forfeited,
            unminted: b.unminted,
            usage_accrued: b.usage_accrued,
            availability_accrued: b.availability_accrued,
            live_points: b.live_points,
            credits_sold: b.credits_sold,
            credits_served: b.credits_served,
            basis_served: b.basis_served,
            emission_per_block: b.emission_per_block,
            total_issuance_at_close: b.total_issuance_at_close,
        };
        let epoch = CurrentEpoch::<Runtime>::get();
        let ledger: Vec<(u32, EpochBooks)> = Ledger::<Runtime>::iter().collect();
        assert_eq!(ledger.len(), 2, "epochs 0 and 1 closed");
        let dust = 3 * CAPA;
        let books_of = |index| ledger.iter().find(|(i, _)| *i == index).unwrap().1;
        let (first, second) = (books_of(0), books_of(1));
        assert_ok!(<Balances as Mutate<_>>::burn_from(
            &Bob.to_account_id(),
            dust,
            Preservation::Preserve,
            Precision::Exact,
            Fortitude::Polite
        ));
        CurrentEpoch::<Runtime>::kill();
        v8::CurrentEpoch::<Runtime>::put(v8::EpochInfo {
            index: epoch.index,
            start: epoch.start,
            length: epoch.length,
            books: v8_books(epoch.books),
            closed_totals: epoch.closed_totals,
        });
        v8::Ledger::<Runtime>::insert(0, v8_books(first));
        v8::Ledger::<Runtime>::insert(
            1,
            v8::EpochBooks {
                total_issuance_at_close: second.total_issuance_at_close - dust,
                ..v8_books(second)
            },
        );
        pools_in_v11_layout();
        StorageVersion::new(8).put::<BurnMint>();

        // Twin: the same chain had it never been written in the old layout.
        run_migrations();

        assert_eq!(BurnMint::on_chain_storage_version(), 12);
        // Every old field kept, nothing handed over or held back: the state is the one the
        // chain had before it was written in the old layout.
        assert_eq!(Emission::<Runtime>::get(), now);
        // The books: epoch 0 (the oldest kept) opens where its own flows explain; epoch 1
        // opens where epoch 0 closed and closes 3 CAPA lower than its flows explain, on its
        // outside line; the open epoch opens where epoch 1 closed. The closed totals count
        // the 3 CAPA burned.
        assert_eq!(Ledger::<Runtime>::get(0), Some(first));
        assert_eq!(
            Ledger::<Runtime>::get(1),
            Some(EpochBooks {
                outside_burned: dust,
                total_issuance_at_close: second.total_issuance_at_close - dust,
                ..second
            })
        );
        assert_eq!(
            CurrentEpoch::<Runtime>::get().books,
            EpochBooks {
                total_issuance_at_open: second.total_issuance_at_close - dust,
                ..epoch.books
            }
        );
        assert_eq!(
            CurrentEpoch::<Runtime>::get().closed_totals.burned,
            epoch.closed_totals.burned + dust
        );
        // Nothing pruned yet (two closed epochs, 90 kept).
        assert_eq!(
            CurrentEpoch::<Runtime>::get().pruned_totals,
            Default::default()
        );
        let migrated = Emission::<Runtime>::get().controller;
        assert_eq!(
            (
                migrated.legacy_burn_per_block,
                migrated.legacy_decay,
                migrated.held_back_per_block
            ),
            (0, Perbill::zero(), 0)
        );
        // A chain past v8 runs the migration no more.
        MigrateV8ToV9::<Runtime>::on_runtime_upgrade();
        assert_eq!(Emission::<Runtime>::get(), now);
        // The next boundary runs on the migrated state (try_state after every block).
        run_to_block(System::block_number() + epoch_length);
        let last = Ledger::<Runtime>::get(CurrentEpoch::<Runtime>::get().index - 1).unwrap();
        assert_eq!((last.outside_minted, last.outside_burned), (0, 0));
        assert!(
            Emission::<Runtime>::get()
                .controller
                .smoothed_burn_per_block
                > 0
        );
    });
}

#[test]
fn an_upgrade_from_a_storage_version_no_migration_handles_is_refused() {
    with_dev_chain(|| {
        start_block();
        finish_block();
        // A chain still at storage version 7: the v7 -> v8 migration was removed in spec 110,
        // so nothing in the runtime's list would run and v7 values would be read as v9.
        StorageVersion::new(7).put::<BurnMint>();
        let message = "pallet-burn-mint: the on-chain storage version is older than the oldest \
                       one this runtime's migrations handle; upgrade through a runtime that \
                       still has the missing migration first";
        assert_eq!(RequireStorageVersion::<Runtime, 8>::check(), Err(message));
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
        assert_eq!(BurnMint::on_chain_storage_version(), 7);
        // Every older version is refused; versions 8 to 12 pass the guard.
        for version in [0, 2, 3, 4, 5, 6] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 8>::check(), Err(message));
        }
        for version in [8, 9, 10, 11, 12] {
            StorageVersion::new(version).put::<BurnMint>();
            assert_eq!(RequireStorageVersion::<Runtime, 8>::check(), Ok(()));
        }
    });
}

#[test]
fn v9_state_migrates_to_account_references_for_credits_and_histories() {
    with_dev_chain(|| {
        start_block();
        finish_block();
        let bob = Bob.to_account_id();
        let charlie = Charlie.to_account_id();
        assert_ok!(BurnMint::buy_credits(
            RuntimeOrigin::signed(bob.clone()),
            1_000 * CAPA,
            1,
        ));
        let epoch_length = pallet_burn_mint::ActiveParameters::<Runtime>::get()
            .unwrap()
            .epoch_length;
        run_to_block(System::block_number() + 2 * epoch_length);
        let treasury = capacloud_runtime::configs::governance::TreasuryAccount::get();
        assert!(System::account_exists(&treasury));

        // The state as v9 left it: entries without references; a quarter of Bob's credits
        // held by an account reaped under them; a history of an existing account and one of
        // a reaped account; no expiry cursor.
        let reaped = capacloud_runtime::AccountId::from([7u8; 32]);
        assert!(!System::account_exists(&reaped));
        let bought = CreditBalances::<Runtime>::get(&bob);
        let quarter = CreditAccount {
            credits: bought.credits / 4,
            basis: bought.basis / 4,
        };
        let kept = CreditAccount {
            credits: bought.credits - quarter.credits,
            basis: bought.basis - quarter.basis,
        };
        CreditBalances::<Runtime>::insert(&bob, kept);
        CreditBalances::<Runtime>::insert(&reaped, quarter);
        System::dec_consumers(&bob);
        let history = ProviderHistory {
            reputation: sp_runtime::Permill::from_percent(40),
            slashes: 2,
            ..Default::default()
        };
        History::<Runtime>::insert(&charlie, history);
        History::<Runtime>::insert(&reaped, history);
        let epoch = CurrentEpoch::<Runtime>::get();
        CurrentEpoch::<Runtime>::kill();
        v10::v9::CurrentEpoch::<Runtime>::put(v10::v9::EpochInfo {
            index: epoch.index,
            start: epoch.start,
            length: epoch.length,
            books: epoch.books,
            closed_totals: epoch.closed_totals,
            pruned_totals: epoch.pruned_totals,
        });
        let (bob_refs, charlie_refs) = (System::consumers(&bob), System::consumers(&charlie));
        assert!(!CreditBalances::<Runtime>::contains_key(&treasury));
        pools_in_v11_layout();
        StorageVersion::new(9).put::<BurnMint>();

        run_migrations();

        assert_eq!(BurnMint::on_chain_storage_version(), 12);
        // Bob keeps his credits and gains the reference; the reaped account's credits, with
        // the tokens burned for them, are the treasury's, which holds a reference for them.
        assert_eq!(CreditBalances::<Runtime>::get(&bob), kept);
        assert_eq!(System::consumers(&bob), bob_refs + 1);
        assert!(!CreditBalances::<Runtime>::contains_key(&reaped));
        assert_eq!(CreditBalances::<Runtime>::get(&treasury), quarter);
        assert_eq!(System::consumers(&treasury), 1);
        assert!(!System::account_exists(&reaped));
        // Charlie keeps his history and gains the reference; the reaped account's is gone.
        assert_eq!(History::<Runtime>::get(&charlie), Some(history));
        assert_eq!(System::consumers(&charlie), charlie_refs + 1);
        assert!(History::<Runtime>::get(&reaped).is_none());
        // Every field of the open epoch kept; two epochs closed, within the 30-epoch claim
        // window: nothing to expire yet, the cursor at epoch 0.
        assert_eq!(CurrentEpoch::<Runtime>::get(), epoch);
        assert_eq!(epoch.next_pool_to_expire, 0);
        // At v10 the migration runs no more.
        MigrateV9ToV10::<Runtime>::on_runtime_upgrade();
        assert_eq!(System::consumers(&bob), bob_refs + 1);
        // The chain runs on (its invariants checked after every block).
        run_to_block(System::block_number() + epoch_length);
    });
}

#[test]
fn v10_provider_records_migrate_to_unlock_chunks_owing_what_they_owed() {
    with_dev_chain(|| {
        // Bob provides 10 units and proves liveness in two epochs: the first epoch's reward
        // settles, locked for `RewardDelay`.
        let bob = attested_bob();
        for _ in 0..2 {
            next_epoch();
            assert_ok!(BurnMint::heartbeat(RuntimeOrigin::signed(bob.clone())));
        }
        let record = pallet_burn_mint::Providers::<Runtime>::get(&bob).unwrap();
        assert!(record.locked > 0);
        assert_eq!(record.unlocking.len(), 1);
        let unlock = record.unlocking[0].epoch;

        // The same record as version 10 stored it: one unlock epoch for all it locked.
        let old = v11_migration::v10::Provider {
            status: record.status,
            capacity: record.capacity,
            verified_capacity: record.verified_capacity,
            previous_capacity: record.previous_capacity,
            verified_from: record.verified_from,
            reputation: record.reputation,
            bond: record.bond,
            eligible_from: record.eligible_from,
            work: record.work,
            locked: record.locked,
            unlock_epoch: unlock,
            pending: record.pending,
            frozen_until: record.frozen_until,
        };
        pallet_burn_mint::Providers::<Runtime>::remove(&bob);
        v11_migration::v10::Providers::<Runtime>::insert(&bob, old.clone());
        pools_in_v11_layout();
        StorageVersion::new(10).put::<BurnMint>();

        run_migrations();

        assert_eq!(BurnMint::on_chain_storage_version(), 12);
        // Every field kept; the locked reward one chunk at the old unlock epoch.
        assert_eq!(
            pallet_burn_mint::Providers::<Runtime>::get(&bob).unwrap(),
            record
        );
        assert_eq!(v11_migration::upgrade_provider(old), record);
        // At v11 the migration runs no more.
        MigrateV10ToV11::<Runtime>::on_runtime_upgrade();
        assert_eq!(
            pallet_burn_mint::Providers::<Runtime>::get(&bob).unwrap(),
            record
        );
        // The reward unlocks in its epoch and Bob claims it (the chain's invariants checked
        // after every block).
        while CurrentEpoch::<Runtime>::get().index < unlock {
            next_epoch();
        }
        let free = Balances::free_balance(&bob);
        assert_ok!(BurnMint::claim_rewards(
            RuntimeOrigin::signed(bob.clone()),
            bob.clone()
        ));
        assert_eq!(
            Balances::free_balance(&bob),
            free + record.pending + record.locked
        );
    });
}

#[test]
fn v11_reward_pools_migrate_to_funds_and_claims_paying_what_they_paid() {
    with_dev_chain(|| {
        // Bob provides 10 units and proves liveness in three epochs: three closed epochs'
        // pools, the first two settled by the heartbeats after them (something claimed out of
        // each), the third not yet.
        let bob = attested_bob();
        for _ in 0..3 {
            next_epoch();
            assert_ok!(BurnMint::heartbeat(RuntimeOrigin::signed(bob.clone())));
        }
        next_epoch();
        let pools = BurnMint::reward_pools();
        assert_eq!(pools.len(), 3);
        assert!(pools[0].1.claimed > 0 && pools[1].1.claimed > 0);
        assert_eq!(pools[2].1.claimed, 0);
        let pending = BurnMint::pending_rewards(bob.clone());
        let owed = Emission::<Runtime>::get().owed;

        // The pools as version 11 stored them. A pool in the new layout among them (a chain
        // whose storage version says 11 but whose pools are not) does not decode: the
        // migration's check refuses the state before an upgrade is proposed.
        pools_in_v11_layout();
        StorageVersion::new(11).put::<BurnMint>();
        #[cfg(feature = "try-runtime")]
        {
            let (epoch, pool) = pools[2];
            RewardPools::<Runtime>::insert(epoch, pool.funds());
            let refused = capacloud_runtime::Migrations::try_on_runtime_upgrade(true)
                .expect_err("a pool in the new layout is refused");
            assert_eq!(
                refused,
                sp_runtime::TryRuntimeError::Other(
                    "pallet-burn-mint v12: a stored reward pool does not decode in the \
                     version 11 layout; the migration would drop it"
                )
            );
            v12_migration::v11::RewardPools::<Runtime>::insert(epoch, pool);
        }

        run_migrations();

        assert_eq!(BurnMint::on_chain_storage_version(), 12);
        // Every pool as it was: what it minted in the pool, what it paid in its claims entry,
        // by epoch ascending.
        assert_eq!(BurnMint::reward_pools(), pools);
        for (epoch, pool) in &pools {
            assert_eq!(RewardPools::<Runtime>::get(epoch), Some(pool.funds()));
        }
        assert_eq!(
            PoolClaims::<Runtime>::get().into_inner(),
            pools
                .iter()
                .map(|(epoch, pool)| PoolClaim {
                    epoch: *epoch,
                    claimed: pool.claimed
                })
                .collect::<Vec<_>>()
        );
        assert_eq!(BurnMint::pending_rewards(bob.clone()), pending);
        assert_eq!(Emission::<Runtime>::get().owed, owed);
        // At v12 the migration runs no more.
        MigrateV11ToV12::<Runtime>::on_runtime_upgrade();
        assert_eq!(BurnMint::reward_pools(), pools);
        // The chain runs on: Bob's next heartbeat settles the newest pool against its claims
        // entry alone (the pool's funds unwritten), and he claims what is unlocked (the
        // chain's invariants checked after every block).
        assert_ok!(BurnMint::heartbeat(RuntimeOrigin::signed(bob.clone())));
        let newest = BurnMint::reward_pools()[2].1;
        assert!(newest.claimed > 0);
        assert_eq!(newest.funds(), pools[2].1.funds());
        let unlock = pallet_burn_mint::Providers::<Runtime>::get(&bob)
            .unwrap()
            .unlocking
            .last()
            .unwrap()
            .epoch;
        while CurrentEpoch::<Runtime>::get().index < unlock {
            next_epoch();
        }
        let claimable = BurnMint::pending_rewards(bob.clone());
        let free = Balances::free_balance(&bob);
        assert_ok!(BurnMint::claim_rewards(
            RuntimeOrigin::signed(bob.clone()),
            bob.clone()
        ));
        assert_eq!(Balances::free_balance(&bob), free + claimable);
    });
}
