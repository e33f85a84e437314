//! Storage migrations of pallet-burn-mint.
//!
//! Each migration is a [`VersionedMigration`]: it runs only when the on-chain storage version
//! is the one it starts from, and bumps it. A migration stays here while some live chain may
//! still be below its target version; the v2 -> v3 migration (spec 102) was removed with spec
//! 103, v3 -> v4 (spec 103) and v4 -> v5 (spec 105) with spec 107, v5 -> v6 (spec 107)
//! with spec 108, v6 -> v7 (spec 108) with spec 109, and v7 -> v8 (spec 109) with spec 110, when no chain was left below
//! the next version (all six are in the repository's history). Because a removed migration leaves a chain at an
//! older version with nothing to run (its values would then be decoded in the new layout),
//! the runtime puts [`RequireStorageVersion`] first in its migrations: it refuses such an
//! upgrade in `try-runtime` checks and logs an error if one is enacted anyway.
//!
//! [`VersionedMigration`]: frame_support::migrations::VersionedMigration

use crate::{Config, Pallet};
use frame_support::traits::{Get, GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

/// The guard against a removed migration: the oldest storage version of pallet-burn-mint that
/// the runtime's migrations handle is `OLDEST`. A chain whose on-chain version is older would
/// run none of them and read its stored values in the current layout, so:
///
/// - `pre_upgrade` (what `try-runtime on-runtime-upgrade` and the runtime's migration tests
///   run before an upgrade is proposed) fails, naming both versions;
/// - `on_runtime_upgrade` (an upgrade enacted anyway) logs an error with both versions on
///   every node; it cannot undo the enactment.
///
/// Keep `OLDEST` at the source version of the oldest migration in the runtime's list.
pub struct RequireStorageVersion<T, const OLDEST: u16>(core::marker::PhantomData<T>);

impl<T: Config, const OLDEST: u16> RequireStorageVersion<T, OLDEST> {
    /// `Err` with a message naming both versions if the chain is older than `OLDEST`.
    pub fn check() -> Result<(), &'static str> {
        if Pallet::<T>::on_chain_storage_version() < StorageVersion::new(OLDEST) {
            Err(
                "pallet-burn-mint: the on-chain storage version is older than the oldest one \
                 this runtime's migrations handle; upgrade through a runtime that still has \
                 the missing migration first",
            )
        } else {
            Ok(())
        }
    }
}

impl<T: Config, const OLDEST: u16> OnRuntimeUpgrade for RequireStorageVersion<T, OLDEST> {
    fn on_runtime_upgrade() -> frame_support::weights::Weight {
        if let Err(message) = Self::check() {
            log::error!(
                target: "runtime::burn-mint",
                "{message} (on chain: {:?}, oldest handled: {OLDEST})",
                Pallet::<T>::on_chain_storage_version(),
            );
        }
        T::DbWeight::get().reads(1)
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
        Self::check()?;
        Ok(alloc::vec::Vec::new())
    }
}

#[cfg(feature = "upgrade-rehearsal")]
pub mod rehearsal;
pub mod v10;
pub mod v11;
pub mod v12;
pub mod v9;
