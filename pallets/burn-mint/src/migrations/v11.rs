//! Storage version 10 -> 11: each epoch's reward unlocks on time (spec 114).
//!
//! Version 10 kept one unlock epoch per provider record for everything locked, and each newly
//! settled reward pushed it back to its own unlock epoch: under a `RewardDelay` of 2 or more
//! (production's is 4) a provider that earned in every epoch and made a call in every epoch
//! never saw anything unlock. Version 11 keeps the locked rewards in chunks, one per unlock
//! epoch ([`crate::types::Provider::unlocking`]).
//!
//! The migration rewrites every [`crate::Providers`] record with every field kept and its
//! locked rewards as one chunk at the record's old unlock epoch (the breakdown by epoch was
//! never stored; the old unlock epoch is at most `RewardDelay` epochs ahead, so whatever the
//! old rule held back is claimable within `RewardDelay` epochs of the upgrade). Nothing is
//! paid, forfeited or moved: every record owes what it owed. Its work is one read and one
//! write per provider record.

use crate::{
    types::{Provider, UnlockChunk, Unlocking},
    Config, Pallet, Providers,
};
use alloc::vec::Vec;
use frame_support::{
    migrations::VersionedMigration,
    traits::{Get, UncheckedOnRuntimeUpgrade},
    weights::Weight,
};

/// Version 10 -> 11, run only when the on-chain storage version is 10.
pub type MigrateV10ToV11<T> = VersionedMigration<
    10,
    11,
    UncheckedMigrateV10ToV11<T>,
    Pallet<T>,
    <T as frame_system::Config>::DbWeight,
>;

/// The migration itself; use [`MigrateV10ToV11`], which checks the storage version.
pub struct UncheckedMigrateV10ToV11<T>(core::marker::PhantomData<T>);

/// The storage layout of version 10, as it was.
pub mod v10 {
    use crate::{
        economics::{Amount, EpochWork},
        types::ProviderStatus,
        Config, Pallet,
    };
    use codec::{Decode, Encode, MaxEncodedLen};
    use frame_support::{storage_alias, Blake2_128Concat};
    use frame_system::pallet_prelude::BlockNumberFor;
    use scale_info::TypeInfo;
    use sp_arithmetic::Permill;

    /// [`crate::types::Provider`] of version 10: one unlock epoch for everything locked.
    #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
    pub struct Provider<BlockNumber> {
        /// Availability state.
        pub status: ProviderStatus<BlockNumber>,
        /// Declared capacity.
        pub capacity: u32,
        /// Verified capacity.
        pub verified_capacity: u32,
        /// Verified capacity before the latest change.
        pub previous_capacity: u32,
        /// First epoch in which `verified_capacity` counts.
        pub verified_from: u32,
        /// Reputation.
        pub reputation: Permill,
        /// Bond held.
        pub bond: Amount,
        /// First epoch in which it may prove liveness.
        pub eligible_from: u32,
        /// Work not yet settled.
        pub work: Option<EpochWork>,
        /// Rewards settled but locked.
        pub locked: Amount,
        /// Epoch from which all of `locked` becomes claimable.
        pub unlock_epoch: u32,
        /// Rewards claimable now.
        pub pending: Amount,
        /// Frozen until this block (excluded).
        pub frozen_until: Option<BlockNumber>,
    }

    /// [`crate::Providers`] in the version 10 layout.
    #[storage_alias]
    pub type Providers<T: Config> = StorageMap<
        Pallet<T>,
        Blake2_128Concat,
        <T as frame_system::Config>::AccountId,
        Provider<BlockNumberFor<T>>,
    >;
}

/// A version 10 record in the version 11 layout: every field kept, its locked rewards one
/// chunk at its unlock epoch.
pub fn upgrade_provider<B>(old: v10::Provider<B>) -> Provider<B> {
    let mut unlocking = Unlocking::new();
    if old.locked > 0 {
        // One chunk always fits.
        let _ = unlocking.try_push(UnlockChunk {
            epoch: old.unlock_epoch,
            amount: old.locked,
        });
    }
    Provider {
        status: old.status,
        capacity: old.capacity,
        verified_capacity: old.verified_capacity,
        previous_capacity: old.previous_capacity,
        verified_from: old.verified_from,
        reputation: old.reputation,
        bond: old.bond,
        eligible_from: old.eligible_from,
        work: old.work,
        locked: old.locked,
        unlocking,
        pending: old.pending,
        frozen_until: old.frozen_until,
    }
}

impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV10ToV11<T> {
    fn on_runtime_upgrade() -> Weight {
        let mut records: u64 = 0;
        Providers::<T>::translate::<v10::Provider<_>, _>(|_, old| {
            records = records.saturating_add(1);
            Some(upgrade_provider(old))
        });
        T::DbWeight::get().reads_writes(records, records)
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
        use codec::Encode;
        let records: Vec<_> = v10::Providers::<T>::iter().collect();
        log::info!(
            target: "runtime::burn-mint",
            "v11 pre-upgrade: {} provider records",
            records.len(),
        );
        Ok(records.encode())
    }

    #[cfg(feature = "try-runtime")]
    fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        use codec::Decode;
        use frame_support::ensure;
        use frame_system::pallet_prelude::BlockNumberFor;
        let before: Vec<(T::AccountId, v10::Provider<BlockNumberFor<T>>)> =
            Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
        ensure!(
            before.len() == Providers::<T>::iter_keys().count(),
            "a provider record was added or dropped"
        );
        for (who, old) in before {
            let new = Providers::<T>::get(&who).ok_or("a provider record was dropped")?;
            ensure!(
                new.owed() == old.pending.saturating_add(old.locked),
                "a record owes a different amount"
            );
            ensure!(
                new == upgrade_provider(old),
                "a record changed beyond its unlock chunks"
            );
        }
        // The pallet's invariants are the current code's: they hold once every migration has
        // run, and `try-runtime on-runtime-upgrade` checks them then (as the runtime's
        // migration tests do).
        Ok(())
    }
}
