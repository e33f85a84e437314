//! Storage version 12 -> 13, compiled only with the `upgrade-rehearsal` feature: the migration
//! of the runtime upgrade rehearsal.
//!
//! `runtime/next` builds the runtime with this feature (its `spec_version` one above the
//! shipped runtime's), and `clients/test/upgrade.test.mjs` enacts that blob on a running
//! network through a root referendum, so that the whole path an upgrade takes (the
//! `try-runtime` check against the live chain's state, the referendum, `authorize_upgrade`,
//! `apply_authorized_upgrade`, the migration on the next block) is exercised before a real one
//! needs it. The migration rewrites every [`crate::Providers`] record as it is: one read and
//! one write per record, the shape of every record migration this pallet has had (v9, v10,
//! v11), with the same pre/post checks, and nothing changed.
//!
//! Its `pre_upgrade` also refuses a state it could not migrate: a stored record that does not
//! decode in the current layout would be skipped by the rewrite (left as bytes no code can
//! read), so the check names it and the upgrade is not proposed.

use crate::{types::Provider, Config, Pallet, Providers};
use alloc::vec::Vec;
use frame_support::{
    migrations::VersionedMigration,
    traits::{Get, UncheckedOnRuntimeUpgrade},
    weights::Weight,
};

/// Version 12 -> 13, run only when the on-chain storage version is 12.
pub type MigrateV12ToV13<T> = VersionedMigration<
    12,
    13,
    UncheckedRewriteProviders<T>,
    Pallet<T>,
    <T as frame_system::Config>::DbWeight,
>;

/// The migration itself; use [`MigrateV12ToV13`], which checks the storage version.
pub struct UncheckedRewriteProviders<T>(core::marker::PhantomData<T>);

/// Every stored [`crate::Providers`] entry as raw (key, value) bytes, in key order: what the
/// checks compare, whether or not a value decodes.
#[cfg(feature = "try-runtime")]
pub fn raw_records<T: Config>() -> Vec<(Vec<u8>, Vec<u8>)> {
    use frame_support::storage::{unhashed, KeyPrefixIterator, StoragePrefixedMap};
    let prefix = Providers::<T>::final_prefix();
    KeyPrefixIterator::new(prefix.to_vec(), prefix.to_vec(), |suffix| {
        Ok(suffix.to_vec())
    })
    .map(|suffix| {
        let key = [&prefix[..], &suffix[..]].concat();
        let value = unhashed::get_raw(&key).unwrap_or_default();
        (key, value)
    })
    .collect()
}

impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedRewriteProviders<T> {
    fn on_runtime_upgrade() -> Weight {
        let mut records: u64 = 0;
        Providers::<T>::translate::<Provider<_>, _>(|_, record| {
            records = records.saturating_add(1);
            Some(record)
        });
        T::DbWeight::get().reads_writes(records, records)
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
        use codec::{DecodeAll, Encode};
        use frame_system::pallet_prelude::BlockNumberFor;
        let records = raw_records::<T>();
        for (_, value) in &records {
            Provider::<BlockNumberFor<T>>::decode_all(&mut &value[..]).map_err(|_| {
                "pallet-burn-mint v13: a stored Providers record does not decode in the \
                 version 12 layout; the migration would skip it"
            })?;
        }
        log::info!(
            target: "runtime::burn-mint",
            "v13 pre-upgrade: {} provider records, each decodes",
            records.len(),
        );
        Ok(records.encode())
    }

    #[cfg(feature = "try-runtime")]
    fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        use codec::Decode;
        let before: Vec<(Vec<u8>, Vec<u8>)> =
            Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
        frame_support::ensure!(
            before == raw_records::<T>(),
            "pallet-burn-mint v13: a Providers record was added, dropped or changed"
        );
        Ok(())
    }
}
