//! Storage migrations of pallet-burn-mint.
//!
//! Each migration is a [`VersionedMigration`]: it runs only when the on-chain storage version
//! is the one it starts from, and bumps it. A migration stays here while some live chain may
//! still be below its target version; the v2 -> v3 migration (spec 102) was removed with spec
//! 103, v3 -> v4 (spec 103) and v4 -> v5 (spec 105) with spec 107, v5 -> v6 (spec 107)
//! with spec 108, and v6 -> v7 (spec 108) with spec 109, when no chain was left below
//! the next version (all five are in the repository's history). Because a removed migration leaves a chain at an
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

/// Storage version 7 -> 8: bonded capacity verifiers, reputation earned by service (spec 109).
///
/// Version 8 adds a governance parameter, [`Parameters::verifier_bond`], and a map,
/// [`crate::VerifierBonds`] (new, so empty at the upgrade); reputation is no longer raised by
/// attestations but by epochs of proven service (the gain parameter keeps its place and value
/// under its new name, `service_reputation_gain`), so each provider's attestations lose the
/// epoch they last raised its reputation in; and `initial_reputation` may not exceed
/// `min_reputation`. The migration:
///
/// 1. rewrites the active and the pending parameters with every old field kept,
///    `verifier_bond` set to [`VERIFIER_BOND`] (the production preset) and
///    `initial_reputation` lowered to `min_reputation` where it was above (accounts with a
///    history keep their reputation; only fresh accounts start lower);
/// 2. rewrites every provider's attestations with their votes kept.
///
/// The verifiers in office hold no bond yet: each calls `bond_verifier` before its next
/// attestation (until then its attestations are refused with `VerifierBondTooLow`; the votes
/// it already cast keep counting).
///
/// [`Parameters::verifier_bond`]: crate::economics::Parameters::verifier_bond
/// [`VERIFIER_BOND`]: crate::economics::presets::VERIFIER_BOND
pub mod v8 {
    use crate::{
        economics::{presets::VERIFIER_BOND, Parameters},
        ActiveParameters, Attestations, CapacityAttestations, Config, Pallet, PendingParameters,
    };
    use frame_support::{
        migrations::VersionedMigration,
        traits::{Get, UncheckedOnRuntimeUpgrade},
        weights::Weight,
    };
    use sp_arithmetic::traits::Saturating;

    /// The storage layout of version 7, as it was.
    pub mod v7 {
        use crate::{
            economics::{Amount, ControllerMode},
            Config, Pallet,
        };
        use codec::{Decode, Encode, MaxEncodedLen};
        use frame_support::storage_alias;
        use scale_info::TypeInfo;
        use sp_arithmetic::{Perbill, Permill};

        /// The parameters (v7): no verifier bond.
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
            /// Reputation gained per attestation (now per epoch of service).
            pub attestation_reputation_gain: Permill,
            /// Verifier quorum.
            pub min_capacity_attestations: u32,
            /// Liveness windows an epoch.
            pub liveness_windows: u32,
        }

        /// A provider's attestations (v7): the epoch an attestation last raised its reputation.
        #[derive(
            Encode,
            Decode,
            MaxEncodedLen,
            TypeInfo,
            frame_support::CloneNoBound,
            frame_support::PartialEqNoBound,
            frame_support::EqNoBound,
            frame_support::DebugNoBound,
        )]
        #[scale_info(skip_type_params(T))]
        pub struct CapacityAttestations<T: Config> {
            /// `(verifier, capacity)` votes.
            pub votes: frame_support::BoundedVec<(T::AccountId, u32), T::MaxCapacityVerifiers>,
            /// The epoch an attestation last raised the provider's reputation.
            pub rewarded_in: Option<u32>,
        }

        /// Attestations (v7).
        #[storage_alias]
        pub type Attestations<T: Config> = StorageMap<
            Pallet<T>,
            frame_support::Blake2_128Concat,
            <T as frame_system::Config>::AccountId,
            CapacityAttestations<T>,
        >;

        /// Active parameters (v7).
        #[storage_alias]
        pub type ActiveParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
        /// Pending parameters (v7).
        #[storage_alias]
        pub type PendingParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
    }

    /// Version 7 -> 8, run only when the on-chain storage version is 7.
    pub type MigrateV7ToV8<T> = VersionedMigration<
        7,
        8,
        UncheckedMigrateV7ToV8<T>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;

    /// The migration itself; use [`MigrateV7ToV8`], which checks the storage version.
    pub struct UncheckedMigrateV7ToV8<T>(core::marker::PhantomData<T>);

    /// A v7 parameter set with the production preset's verifier bond, the gain under its new
    /// name, and an initial reputation at most the minimum.
    pub fn upgrade_params(old: v7::Parameters) -> Parameters {
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
            initial_reputation: old.initial_reputation.min(old.min_reputation),
            min_reputation: old.min_reputation,
            service_reputation_gain: old.attestation_reputation_gain,
            min_capacity_attestations: old.min_capacity_attestations,
            liveness_windows: old.liveness_windows,
            verifier_bond: VERIFIER_BOND,
        }
    }

    impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV7ToV8<T> {
        fn on_runtime_upgrade() -> Weight {
            if let Some(old) = v7::ActiveParameters::<T>::get() {
                ActiveParameters::<T>::put(upgrade_params(old));
            }
            if let Some(old) = v7::PendingParameters::<T>::get() {
                PendingParameters::<T>::put(upgrade_params(old));
            }
            let mut attested: u64 = 0;
            Attestations::<T>::translate::<v7::CapacityAttestations<T>, _>(|_, old| {
                attested.saturating_inc();
                Some(CapacityAttestations { votes: old.votes })
            });
            // Reads and writes: both parameter sets and each provider's attestations.
            T::DbWeight::get().reads_writes(attested.saturating_add(2), attested.saturating_add(2))
        }

        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
            use codec::Encode;
            let attestations: alloc::vec::Vec<_> = v7::Attestations::<T>::iter()
                .map(|(who, a)| (who, a.votes))
                .collect();
            Ok((
                v7::ActiveParameters::<T>::get(),
                v7::PendingParameters::<T>::get(),
                attestations,
            )
                .encode())
        }

        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            use codec::Decode;
            use frame_support::ensure;
            type Votes<T> = frame_support::BoundedVec<
                (<T as frame_system::Config>::AccountId, u32),
                <T as Config>::MaxCapacityVerifiers,
            >;
            type Before<T> = (
                Option<v7::Parameters>,
                Option<v7::Parameters>,
                alloc::vec::Vec<(<T as frame_system::Config>::AccountId, Votes<T>)>,
            );
            let (active, pending, attestations): Before<T> =
                Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
            ensure!(
                Attestations::<T>::iter().count() == attestations.len(),
                "the number of attested providers changed"
            );
            for (who, votes) in attestations {
                ensure!(
                    Attestations::<T>::get(&who).map(|a| a.votes) == Some(votes),
                    "a provider's votes changed"
                );
            }
            ensure!(
                ActiveParameters::<T>::get() == active.map(upgrade_params),
                "the active parameters changed beyond the new field"
            );
            ensure!(
                PendingParameters::<T>::get() == pending.map(upgrade_params),
                "the pending parameters changed beyond the new field"
            );
            ensure!(
                crate::VerifierBonds::<T>::iter().next().is_none(),
                "verifier bonds before any was posted"
            );
            Pallet::<T>::do_try_state()
        }
    }
}
