//! Storage version 9 -> 10: storage that is paid for, and reward pools that expire after a
//! lowered claim window (spec 112).
//!
//! Version 10 adds the reward pools' expiry cursor to the open epoch
//! ([`crate::EpochInfo::next_pool_to_expire`]) and makes every [`crate::CreditBalances`] and
//! [`crate::History`] entry hold a consumer reference on its account (an account holding either
//! keeps its existential deposit). The migration:
//!
//! 1. rewrites [`crate::CurrentEpoch`] with every field kept and the cursor at the oldest reward
//!    pool still stored, or where the claim window starts if no pool is older
//!    ([`expiry_cursor`]);
//! 2. gives each credit holder's account a consumer reference. Credits of an account that no
//!    longer exists (version 9 let an account be reaped under its credits) move, with the
//!    tokens burned for them, to the treasury account's credits, which governance may spend
//!    with a provider or refund: no credit is destroyed or created, and the credits' sum stays
//!    what was sold less what was served;
//! 3. gives each history's account a consumer reference, and drops the history of an account
//!    that no longer exists (which registers again as a fresh account would, at the
//!    parameters' `initial_reputation`, which is at most `min_reputation`).
//!
//! Its work is linear in the number of credit and history entries (one account read, one
//! write each, more for a reaped account), which on the networks running version 9 is a few
//! hundred at most; `pre_upgrade` reports the counts.

use crate::{
    types::{CreditAccount, EpochInfo},
    Config, CreditBalances, CurrentEpoch, History, Pallet, RewardPools,
};
use alloc::vec::Vec;
use frame_support::{
    migrations::VersionedMigration,
    traits::{Get, UncheckedOnRuntimeUpgrade},
    weights::Weight,
};
use sp_runtime::Saturating;

/// Version 9 -> 10, run only when the on-chain storage version is 9.
pub type MigrateV9ToV10<T> = VersionedMigration<
    9,
    10,
    UncheckedMigrateV9ToV10<T>,
    Pallet<T>,
    <T as frame_system::Config>::DbWeight,
>;

/// The migration itself; use [`MigrateV9ToV10`], which checks the storage version.
pub struct UncheckedMigrateV9ToV10<T>(core::marker::PhantomData<T>);

/// The storage layout of version 9, as it was.
pub mod v9 {
    use crate::{economics::Totals, Config, EpochBooks, Pallet};
    use codec::{Decode, Encode, MaxEncodedLen};
    use frame_support::{pallet_prelude::ValueQuery, storage_alias};
    use frame_system::pallet_prelude::BlockNumberFor;
    use scale_info::TypeInfo;

    /// [`crate::EpochInfo`] of version 9 (without the expiry cursor).
    #[derive(
        Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
    )]
    pub struct EpochInfo<BlockNumber> {
        /// Epoch number.
        pub index: u32,
        /// First block.
        pub start: BlockNumber,
        /// Length in blocks.
        pub length: u32,
        /// Its books so far.
        pub books: EpochBooks,
        /// Totals of the epochs before it.
        pub closed_totals: Totals,
        /// Totals of the closed epochs the ledger no longer keeps.
        pub pruned_totals: Totals,
    }

    /// [`crate::CurrentEpoch`] in the version 9 layout.
    #[storage_alias]
    pub type CurrentEpoch<T: Config> =
        StorageValue<Pallet<T>, EpochInfo<BlockNumberFor<T>>, ValueQuery>;
}

/// A version 9 open epoch in the version 10 layout: every field kept, the expiry cursor at
/// `cursor`.
pub fn upgrade_epoch<B>(old: v9::EpochInfo<B>, cursor: u32) -> EpochInfo<B> {
    EpochInfo {
        index: old.index,
        start: old.start,
        length: old.length,
        books: old.books,
        closed_totals: old.closed_totals,
        pruned_totals: old.pruned_totals,
        next_pool_to_expire: cursor,
    }
}

/// Where the expiry cursor starts when the open epoch is `index`: the oldest stored reward
/// pool, or the first epoch inside the claim window if every stored pool is younger.
pub fn expiry_cursor<T: Config>(index: u32) -> u32 {
    let window_start = index.saturating_sub(T::RewardClaimWindow::get());
    RewardPools::<T>::iter_keys().fold(window_start, |cursor, index| cursor.min(index))
}

/// Whether `who`'s account exists (holds a provider reference), so that it can take a consumer
/// reference.
fn exists<T: Config>(who: &T::AccountId) -> bool {
    frame_system::Pallet::<T>::providers(who) > 0
}

impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV9ToV10<T> {
    fn on_runtime_upgrade() -> Weight {
        let mut reads: u64 = 2;
        let mut writes: u64 = 1;
        reads.saturating_accrue(RewardPools::<T>::iter_keys().count() as u64);
        let old = v9::CurrentEpoch::<T>::get();
        CurrentEpoch::<T>::put(upgrade_epoch(old, expiry_cursor::<T>(old.index)));

        // Credits: a reference for each existing account; a reaped account's credits go to
        // the treasury's.
        let treasury = T::TreasuryAccount::get();
        let mut moved = CreditAccount::default();
        let mut orphans = 0u32;
        let holders: Vec<(T::AccountId, CreditAccount)> = CreditBalances::<T>::iter().collect();
        for (who, account) in holders {
            reads.saturating_accrue(2);
            if exists::<T>(&who) {
                // Cannot fail: the account exists.
                let _ = frame_system::Pallet::<T>::inc_consumers_without_limit(&who);
                writes.saturating_inc();
            } else if who != treasury {
                moved.credits.saturating_accrue(account.credits);
                moved.basis.saturating_accrue(account.basis);
                CreditBalances::<T>::remove(&who);
                orphans.saturating_inc();
                writes.saturating_inc();
            }
        }
        if orphans > 0 {
            if exists::<T>(&treasury) {
                let mut account = CreditBalances::<T>::get(&treasury);
                if account.credits == 0 {
                    let _ = frame_system::Pallet::<T>::inc_consumers_without_limit(&treasury);
                }
                account.credits.saturating_accrue(moved.credits);
                account.basis.saturating_accrue(moved.basis);
                CreditBalances::<T>::insert(&treasury, account);
                log::info!(
                    target: "runtime::burn-mint",
                    "v10: {} credits of {orphans} reaped accounts moved to the treasury",
                    moved.credits,
                );
            } else {
                // Without a treasury account the credits cannot be kept anywhere: leave them
                // where they were, which `post_upgrade` and `try_state` report.
                log::error!(
                    target: "runtime::burn-mint",
                    "v10: the treasury account does not exist; {orphans} reaped accounts keep \
                     {} credits without a reference",
                    moved.credits,
                );
            }
            reads.saturating_accrue(2);
            writes.saturating_accrue(2);
        }

        // Histories: a reference for each existing account; a reaped account's is dropped.
        let accounts: Vec<T::AccountId> = History::<T>::iter_keys().collect();
        for who in accounts {
            reads.saturating_accrue(2);
            writes.saturating_inc();
            if exists::<T>(&who) {
                let _ = frame_system::Pallet::<T>::inc_consumers_without_limit(&who);
            } else {
                History::<T>::remove(&who);
            }
        }
        T::DbWeight::get().reads_writes(reads, writes)
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
        use codec::Encode;
        let credits: Vec<(T::AccountId, CreditAccount, u32)> = CreditBalances::<T>::iter()
            .map(|(who, account)| {
                let consumers = frame_system::Pallet::<T>::consumers(&who);
                (who, account, consumers)
            })
            .collect();
        let histories: Vec<(T::AccountId, u32)> = History::<T>::iter_keys()
            .map(|who| {
                let consumers = frame_system::Pallet::<T>::consumers(&who);
                (who, consumers)
            })
            .collect();
        log::info!(
            target: "runtime::burn-mint",
            "v10 pre-upgrade: {} credit entries, {} histories",
            credits.len(),
            histories.len(),
        );
        Ok((credits, histories, v9::CurrentEpoch::<T>::get()).encode())
    }

    #[cfg(feature = "try-runtime")]
    fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        use codec::Decode;
        use frame_support::ensure;
        use frame_system::pallet_prelude::BlockNumberFor;
        type Before<A, B> = (
            Vec<(A, CreditAccount, u32)>,
            Vec<(A, u32)>,
            v9::EpochInfo<B>,
        );
        let (credits, histories, epoch): Before<T::AccountId, BlockNumberFor<T>> =
            Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
        let treasury = T::TreasuryAccount::get();
        let total = |entries: &mut dyn Iterator<Item = CreditAccount>| {
            entries.fold(CreditAccount::default(), |mut sum, a| {
                sum.credits.saturating_accrue(a.credits);
                sum.basis.saturating_accrue(a.basis);
                sum
            })
        };
        ensure!(
            total(&mut credits.iter().map(|(_, a, _)| *a))
                == total(&mut CreditBalances::<T>::iter_values()),
            "credits or their basis changed in sum"
        );
        // The treasury's count: one more if it took moved credits into a new entry.
        for (who, account, consumers) in credits.iter().filter(|(who, ..)| *who != treasury) {
            if exists::<T>(who) {
                ensure!(
                    CreditBalances::<T>::get(who) == *account,
                    "an existing account's credits changed"
                );
                ensure!(
                    frame_system::Pallet::<T>::consumers(who) >= consumers.saturating_add(1),
                    "a credit holder did not get its reference"
                );
            } else {
                ensure!(
                    !CreditBalances::<T>::contains_key(who),
                    "a reaped account kept its credits"
                );
            }
        }
        for (who, _) in &histories {
            ensure!(
                History::<T>::contains_key(who) == exists::<T>(who),
                "a history was kept for a reaped account or dropped for an existing one"
            );
        }
        ensure!(
            CurrentEpoch::<T>::get() == upgrade_epoch(epoch, expiry_cursor::<T>(epoch.index)),
            "the open epoch changed beyond the expiry cursor, or the cursor is not at the oldest pool"
        );
        // The pallet's invariants are the current code's: they hold once every migration has
        // run, and `try-runtime on-runtime-upgrade` checks them then (as the runtime's
        // migration tests do).
        Ok(())
    }
}
