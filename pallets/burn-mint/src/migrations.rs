//! Storage migrations of pallet-burn-mint.
//!
//! Each migration is a [`VersionedMigration`]: it runs only when the on-chain storage version
//! is the one it starts from, and bumps it. A migration stays here while some live chain may
//! still be below its target version; the v2 -> v3 migration (spec 102) was removed with spec
//! 103, v3 -> v4 (spec 103) and v4 -> v5 (spec 105) with spec 107, and v5 -> v6 (spec 107)
//! with spec 108, when no chain was left below v6 (all four are in the repository's history). Because a removed migration leaves a chain at an
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

/// Storage version 6 -> 7: availability pro rata to the liveness windows proven, and freezes
/// (spec 108).
///
/// Version 7 adds a governance parameter, [`Parameters::liveness_windows`], a field to each
/// provider's unsettled work, [`EpochWork::live_windows`] (the windows of its epoch it proved
/// live in), and one to each provider, `frozen_until` (no provider is frozen at the upgrade).
/// The migration:
///
/// 1. rewrites the active and the pending parameters with every old field kept and
///    `liveness_windows` set to [`windows_for`] their epoch length (24, the production
///    preset, at most the epoch's length);
/// 2. rewrites every provider record with its work's `live_windows` set to every window of the
///    active parameters when it has live points, none otherwise: a provider that proved
///    liveness under v6 proved it for the whole epoch, and keeps exactly the live points it
///    has (nothing a provider earns changes at the upgrade; from the next epoch on, its
///    points count in the share of the windows it proves).
///
/// [`Parameters::liveness_windows`]: crate::economics::Parameters::liveness_windows
/// [`EpochWork::live_windows`]: crate::economics::EpochWork::live_windows
pub mod v7 {
    use crate::{
        economics::{self, EpochWork, Parameters},
        types::Provider,
        ActiveParameters, Config, Pallet, PendingParameters, Providers,
    };
    use frame_support::{
        migrations::VersionedMigration,
        traits::{Get, UncheckedOnRuntimeUpgrade},
        weights::Weight,
    };
    use frame_system::pallet_prelude::BlockNumberFor;
    use sp_arithmetic::traits::Saturating;

    /// The storage layout of version 6, as it was.
    pub mod v6 {
        use crate::{
            economics::{Amount, ControllerMode, Credits},
            types::ProviderStatus,
            Config, Pallet,
        };
        use codec::{Decode, Encode, MaxEncodedLen};
        use frame_support::{storage_alias, Blake2_128Concat};
        use frame_system::pallet_prelude::BlockNumberFor;
        use scale_info::TypeInfo;
        use sp_arithmetic::{Perbill, Permill};

        /// The parameters (v6): no liveness windows.
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
        pub struct Parameters {
            /// Ecosystem share.
            pub ecosystem_share: Perbill,
            /// Usage share.
            pub usage_share: Perbill,
            /// Availability share.
            pub availability_share: Perbill,
            /// Emission floor.
            pub min_emission_per_block: Amount,
            /// Emission ceiling.
            pub max_emission_per_block: Amount,
            /// Step per epoch.
            pub max_step_per_epoch: Perbill,
            /// Controller mode.
            pub mode: ControllerMode,
            /// Epoch length.
            pub epoch_length: u32,
            /// Usage reward cap.
            pub usage_reward_cap: Perbill,
            /// Fee burn share.
            pub fee_burn_share: Perbill,
            /// Price staleness.
            pub price_max_age: u32,
            /// Price quorum.
            pub min_price_feeds: u32,
            /// Largest deviation of a submission.
            pub max_price_deviation: Perbill,
            /// Largest move of the price per block.
            pub max_price_change_per_block: Perbill,
            /// Unbonding period.
            pub unbonding_period: u32,
            /// Minimum bond.
            pub min_provider_bond: Amount,
            /// Bond per verified capacity unit.
            pub bond_per_capacity_unit: Amount,
            /// Reputation of new accounts.
            pub initial_reputation: Permill,
            /// Reputation below which a provider earns nothing.
            pub min_reputation: Permill,
            /// Reputation gained per attestation.
            pub attestation_reputation_gain: Permill,
            /// Verifier quorum.
            pub min_capacity_attestations: u32,
        }

        /// A provider's work in an epoch (v6): no windows.
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct EpochWork {
            /// The epoch.
            pub epoch: u32,
            /// Credits served.
            pub credits: Credits,
            /// Basis of those credits.
            pub basis: Amount,
            /// Live points.
            pub live_points: u128,
        }

        /// A provider (v6).
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
            /// First epoch of the verified capacity.
            pub verified_from: u32,
            /// Reputation.
            pub reputation: Permill,
            /// Bond.
            pub bond: Amount,
            /// First epoch of liveness.
            pub eligible_from: u32,
            /// Unsettled work.
            pub work: Option<EpochWork>,
            /// Locked rewards.
            pub locked: Amount,
            /// Epoch the locked rewards unlock in.
            pub unlock_epoch: u32,
            /// Claimable rewards.
            pub pending: Amount,
        }

        /// Active parameters (v6).
        #[storage_alias]
        pub type ActiveParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
        /// Pending parameters (v6).
        #[storage_alias]
        pub type PendingParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
        /// Providers (v6).
        #[storage_alias]
        pub type Providers<T: Config> = StorageMap<
            Pallet<T>,
            Blake2_128Concat,
            <T as frame_system::Config>::AccountId,
            Provider<BlockNumberFor<T>>,
        >;
    }

    /// Version 6 -> 7, run only when the on-chain storage version is 6.
    pub type MigrateV6ToV7<T> = VersionedMigration<
        6,
        7,
        UncheckedMigrateV6ToV7<T>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;

    /// The migration itself; use [`MigrateV6ToV7`], which checks the storage version.
    pub struct UncheckedMigrateV6ToV7<T>(core::marker::PhantomData<T>);

    /// The liveness windows a migrated parameter set gets for epochs of `epoch_length` blocks:
    /// the production preset's 24, at most the epoch's length (and at least 1).
    pub fn windows_for(epoch_length: u32) -> u32 {
        economics::presets::Timing::production()
            .liveness_windows
            .min(epoch_length)
            .max(1)
    }

    /// A v6 parameter set with liveness windows for its epoch length.
    pub fn upgrade_params(old: v6::Parameters) -> Parameters {
        Parameters {
            ecosystem_share: old.ecosystem_share,
            usage_share: old.usage_share,
            availability_share: old.availability_share,
            min_emission_per_block: old.min_emission_per_block,
            max_emission_per_block: old.max_emission_per_block,
            max_step_per_epoch: old.max_step_per_epoch,
            mode: old.mode,
            epoch_length: old.epoch_length,
            usage_reward_cap: old.usage_reward_cap,
            fee_burn_share: old.fee_burn_share,
            price_max_age: old.price_max_age,
            min_price_feeds: old.min_price_feeds,
            max_price_deviation: old.max_price_deviation,
            max_price_change_per_block: old.max_price_change_per_block,
            unbonding_period: old.unbonding_period,
            min_provider_bond: old.min_provider_bond,
            bond_per_capacity_unit: old.bond_per_capacity_unit,
            initial_reputation: old.initial_reputation,
            min_reputation: old.min_reputation,
            attestation_reputation_gain: old.attestation_reputation_gain,
            min_capacity_attestations: old.min_capacity_attestations,
            liveness_windows: windows_for(old.epoch_length),
        }
    }

    /// A v6 provider record whose work, if it proved liveness, proved every one of `windows`;
    /// not frozen.
    pub fn upgrade_provider<B>(old: v6::Provider<B>, windows: u32) -> Provider<B> {
        let every = economics::live_windows_all(windows);
        Provider {
            status: old.status,
            capacity: old.capacity,
            verified_capacity: old.verified_capacity,
            previous_capacity: old.previous_capacity,
            verified_from: old.verified_from,
            reputation: old.reputation,
            bond: old.bond,
            eligible_from: old.eligible_from,
            work: old.work.map(|w| EpochWork {
                epoch: w.epoch,
                credits: w.credits,
                basis: w.basis,
                live_points: w.live_points,
                live_windows: if w.live_points > 0 { every } else { 0 },
            }),
            locked: old.locked,
            unlock_epoch: old.unlock_epoch,
            pending: old.pending,
            frozen_until: None,
        }
    }

    /// The windows of the active parameters after the upgrade (1 on a chain not configured).
    fn active_windows<T: Config>() -> u32 {
        ActiveParameters::<T>::get().map_or(1, |p| p.liveness_windows)
    }

    impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV6ToV7<T> {
        fn on_runtime_upgrade() -> Weight {
            if let Some(old) = v6::ActiveParameters::<T>::get() {
                ActiveParameters::<T>::put(upgrade_params(old));
            }
            if let Some(old) = v6::PendingParameters::<T>::get() {
                PendingParameters::<T>::put(upgrade_params(old));
            }
            let windows = active_windows::<T>();
            let mut providers: u64 = 0;
            Providers::<T>::translate::<v6::Provider<BlockNumberFor<T>>, _>(|_, old| {
                providers.saturating_inc();
                Some(upgrade_provider(old, windows))
            });
            // Reads: both parameter sets (the active one twice), each provider. Writes: the
            // parameter sets and each provider.
            T::DbWeight::get()
                .reads_writes(providers.saturating_add(3), providers.saturating_add(2))
        }

        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
            use codec::Encode;
            let providers: alloc::vec::Vec<_> = v6::Providers::<T>::iter().collect();
            Ok((
                v6::ActiveParameters::<T>::get(),
                v6::PendingParameters::<T>::get(),
                providers,
            )
                .encode())
        }

        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            use codec::Decode;
            use frame_support::ensure;
            type Before<T> = (
                Option<v6::Parameters>,
                Option<v6::Parameters>,
                alloc::vec::Vec<(
                    <T as frame_system::Config>::AccountId,
                    v6::Provider<BlockNumberFor<T>>,
                )>,
            );
            let (active, pending, providers): Before<T> =
                Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
            ensure!(
                ActiveParameters::<T>::get() == active.map(upgrade_params),
                "the active parameters changed beyond the new field"
            );
            ensure!(
                PendingParameters::<T>::get() == pending.map(upgrade_params),
                "the pending parameters changed beyond the new field"
            );
            ensure!(
                Providers::<T>::iter().count() == providers.len(),
                "the number of providers changed"
            );
            let windows = active_windows::<T>();
            for (who, old) in providers {
                ensure!(
                    Providers::<T>::get(&who) == Some(upgrade_provider(old, windows)),
                    "a provider changed beyond its work's windows"
                );
            }
            Pallet::<T>::do_try_state()
        }
    }
}
