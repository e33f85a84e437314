//! Storage migrations of pallet-burn-mint.
//!
//! Each migration is a [`VersionedMigration`]: it runs only when the on-chain storage version
//! is the one it starts from, and bumps it. A migration stays here while some live chain may
//! still be below its target version; the v2 -> v3 migration (spec 102) was removed with spec
//! 103, and v3 -> v4 (spec 103) and v4 -> v5 (spec 105) with spec 107, when no chain was left
//! below v5 (all three are in the repository's history). Because a removed migration leaves a chain at an
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

/// Storage version 5 -> 6: capacity verified by a quorum of verifiers, changes from the next
/// epoch (spec 107).
///
/// Version 6 adds a governance parameter, [`Parameters::min_capacity_attestations`], two fields
/// to each [`Provider`] (`previous_capacity`, `verified_from`: a change of verified capacity
/// counts from the epoch after it was agreed) and the [`Attestations`] map (new, empty). The
/// migration:
///
/// 1. rewrites the active and the pending parameters with every old field kept but two: the
///    quorum is set to a majority of the verifier set in storage (`n / 2 + 1`; 1 for an empty
///    set), which `set_capacity_verifiers` and `set_parameters` require from then on, and an
///    unbonding period below the runtime's `MinUnbondingPeriod` is raised to it (spec 107
///    raised the minimum to outlast Root's track as well as `provider_admin`'s; providers
///    already leaving keep the unlock block they were given);
/// 2. rewrites every provider record with its verified capacity counting since epoch 0
///    (`previous_capacity` = `verified_capacity`, `verified_from` = 0): nothing a provider
///    earns changes at the upgrade. No attestation is invented (see
///    [`UncheckedMigrateV5ToV6`]): a provider without attestations keeps its verified
///    capacity until the verifiers first attest it under v6.
///
/// [`Parameters::min_capacity_attestations`]: crate::economics::Parameters::min_capacity_attestations
/// [`Provider`]: crate::Provider
/// [`Attestations`]: crate::Attestations
pub mod v6 {
    use crate::{
        economics::Parameters, types::Provider, ActiveParameters, CapacityVerifiers, Config,
        Pallet, PendingParameters, Providers,
    };
    use frame_support::{
        migrations::VersionedMigration,
        traits::{Get, UncheckedOnRuntimeUpgrade},
        weights::Weight,
    };
    use frame_system::pallet_prelude::BlockNumberFor;
    use sp_arithmetic::traits::Saturating;

    /// The storage layout of version 5, as it was.
    pub mod v5 {
        use crate::{
            economics::{Amount, ControllerMode, EpochWork},
            types::ProviderStatus,
            Config, Pallet,
        };
        use codec::{Decode, Encode, MaxEncodedLen};
        use frame_support::{storage_alias, Blake2_128Concat};
        use frame_system::pallet_prelude::BlockNumberFor;
        use scale_info::TypeInfo;
        use sp_arithmetic::{Perbill, Permill};

        /// The parameters (v5): no verifier quorum.
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
        }

        /// A provider (v5): one verified capacity, counting at once.
        #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
        pub struct Provider<BlockNumber> {
            /// Availability state.
            pub status: ProviderStatus<BlockNumber>,
            /// Declared capacity.
            pub capacity: u32,
            /// Verified capacity.
            pub verified_capacity: u32,
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

        /// Active parameters (v5).
        #[storage_alias]
        pub type ActiveParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
        /// Pending parameters (v5).
        #[storage_alias]
        pub type PendingParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
        /// Providers (v5).
        #[storage_alias]
        pub type Providers<T: Config> = StorageMap<
            Pallet<T>,
            Blake2_128Concat,
            <T as frame_system::Config>::AccountId,
            Provider<BlockNumberFor<T>>,
        >;
    }

    /// Version 5 -> 6, run only when the on-chain storage version is 5.
    pub type MigrateV5ToV6<T> = VersionedMigration<
        5,
        6,
        UncheckedMigrateV5ToV6<T>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;

    /// The migration itself; use [`MigrateV5ToV6`], which checks the storage version.
    ///
    /// No attestation is invented for the existing verified capacities: v5 kept no record of
    /// which verifier attested what, and invented votes would outlive the verifiers that never
    /// cast them. A provider with no [`crate::Attestations`] entry keeps its verified capacity
    /// (a heartbeat agrees capacity again only from attestations that exist); its first
    /// attestation under v6 starts its votes, and from then on the quorum decides.
    pub struct UncheckedMigrateV5ToV6<T>(core::marker::PhantomData<T>);

    /// A v5 parameter set with the verifier quorum a majority of `verifiers` and the unbonding
    /// period at least `min_unbonding_period`.
    pub fn upgrade_params(
        old: v5::Parameters,
        verifiers: usize,
        min_unbonding_period: u32,
    ) -> Parameters {
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
            unbonding_period: old.unbonding_period.max(min_unbonding_period),
            min_provider_bond: old.min_provider_bond,
            bond_per_capacity_unit: old.bond_per_capacity_unit,
            initial_reputation: old.initial_reputation,
            min_reputation: old.min_reputation,
            attestation_reputation_gain: old.attestation_reputation_gain,
            min_capacity_attestations: (verifiers / 2 + 1) as u32,
        }
    }

    /// A v5 provider record whose verified capacity counts since epoch 0.
    pub fn upgrade_provider<B>(old: v5::Provider<B>) -> Provider<B> {
        Provider {
            status: old.status,
            capacity: old.capacity,
            verified_capacity: old.verified_capacity,
            previous_capacity: old.verified_capacity,
            verified_from: 0,
            reputation: old.reputation,
            bond: old.bond,
            eligible_from: old.eligible_from,
            work: old.work,
            locked: old.locked,
            unlock_epoch: old.unlock_epoch,
            pending: old.pending,
        }
    }

    impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV5ToV6<T> {
        fn on_runtime_upgrade() -> Weight {
            let verifiers = CapacityVerifiers::<T>::get().len();
            let min = T::MinUnbondingPeriod::get();
            if let Some(old) = v5::ActiveParameters::<T>::get() {
                ActiveParameters::<T>::put(upgrade_params(old, verifiers, min));
            }
            if let Some(old) = v5::PendingParameters::<T>::get() {
                PendingParameters::<T>::put(upgrade_params(old, verifiers, min));
            }
            let mut providers: u64 = 0;
            Providers::<T>::translate::<v5::Provider<BlockNumberFor<T>>, _>(|_, old| {
                providers.saturating_inc();
                Some(upgrade_provider(old))
            });
            // Reads: the verifiers, both parameter sets, each provider. Writes: the parameter
            // sets and each provider.
            T::DbWeight::get()
                .reads_writes(providers.saturating_add(3), providers.saturating_add(2))
        }

        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
            use codec::Encode;
            let providers: alloc::vec::Vec<_> = v5::Providers::<T>::iter().collect();
            Ok((
                v5::ActiveParameters::<T>::get(),
                v5::PendingParameters::<T>::get(),
                providers,
            )
                .encode())
        }

        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            use codec::Decode;
            use frame_support::ensure;
            type Before<T> = (
                Option<v5::Parameters>,
                Option<v5::Parameters>,
                alloc::vec::Vec<(
                    <T as frame_system::Config>::AccountId,
                    v5::Provider<BlockNumberFor<T>>,
                )>,
            );
            let (active, pending, providers): Before<T> =
                Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
            let verifiers = CapacityVerifiers::<T>::get().len();
            let min = T::MinUnbondingPeriod::get();
            ensure!(
                ActiveParameters::<T>::get() == active.map(|p| upgrade_params(p, verifiers, min)),
                "the active parameters changed beyond the new field and the unbonding minimum"
            );
            ensure!(
                PendingParameters::<T>::get() == pending.map(|p| upgrade_params(p, verifiers, min)),
                "the pending parameters changed beyond the new field and the unbonding minimum"
            );
            ensure!(
                Providers::<T>::iter().count() == providers.len(),
                "the number of providers changed"
            );
            for (who, old) in providers {
                ensure!(
                    Providers::<T>::get(&who) == Some(upgrade_provider(old)),
                    "a provider changed beyond its new fields"
                );
            }
            Pallet::<T>::do_try_state()
        }
    }
}
