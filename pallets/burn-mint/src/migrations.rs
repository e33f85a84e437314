//! Storage migrations of pallet-burn-mint.
//!
//! Each migration is a [`VersionedMigration`]: it runs only when the on-chain storage version
//! is the one it starts from, and bumps it. A migration stays here while some live chain may
//! still be below its target version; the v2 -> v3 migration (spec 102) was removed with spec
//! 103 (it is in the repository's history). Because a removed migration leaves a chain at an
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

/// Storage version 3 -> 4: bounds on how fast the price may move.
///
/// Version 4 adds two governance parameters, [`Parameters::max_price_deviation`] and
/// [`Parameters::max_price_change_per_block`], and the [`LastPrice`] the second one is measured
/// from. The migration:
///
/// 1. rewrites the active and the pending parameters in the new layout, every old field kept
///    and the two new ones taken from `Defaults`;
/// 2. starts [`LastPrice`] at the price in force now (the median of the fresh feeds, if enough
///    are fresh), so that the bound holds from the upgrade block on.
///
/// [`Parameters::max_price_deviation`]: crate::economics::Parameters::max_price_deviation
/// [`Parameters::max_price_change_per_block`]: crate::economics::Parameters::max_price_change_per_block
/// [`LastPrice`]: crate::LastPrice
pub mod v4 {
    use crate::{
        economics::Parameters, queries, types::PriceInForce, ActiveParameters, Config, LastPrice,
        Pallet, PendingParameters, PriceFeeders,
    };
    use frame_support::{
        migrations::VersionedMigration,
        traits::{Get, UncheckedOnRuntimeUpgrade},
        weights::Weight,
    };

    /// The storage layout of version 3, as it was.
    pub mod v3 {
        use crate::{
            economics::{Amount, ControllerMode},
            Config, Pallet,
        };
        use codec::{Decode, Encode, MaxEncodedLen};
        use frame_support::storage_alias;
        use scale_info::TypeInfo;
        use sp_arithmetic::{Perbill, Permill};

        /// The parameters (v3): no price movement bounds.
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

        /// Active parameters (v3).
        #[storage_alias]
        pub type ActiveParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
        /// Pending parameters (v3).
        #[storage_alias]
        pub type PendingParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
    }

    /// Version 3 -> 4, run only when the on-chain storage version is 3.
    pub type MigrateV3ToV4<T, Defaults> = VersionedMigration<
        3,
        4,
        UncheckedMigrateV3ToV4<T, Defaults>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;

    /// The migration itself; use [`MigrateV3ToV4`], which checks the storage version.
    pub struct UncheckedMigrateV3ToV4<T, Defaults>(core::marker::PhantomData<(T, Defaults)>);

    /// A v3 parameter set with the new fields from `defaults`.
    pub fn upgrade_params(old: v3::Parameters, defaults: &Parameters) -> Parameters {
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
            max_price_deviation: defaults.max_price_deviation,
            max_price_change_per_block: defaults.max_price_change_per_block,
            unbonding_period: old.unbonding_period,
            min_provider_bond: old.min_provider_bond,
            bond_per_capacity_unit: old.bond_per_capacity_unit,
            initial_reputation: old.initial_reputation,
            min_reputation: old.min_reputation,
            attestation_reputation_gain: old.attestation_reputation_gain,
        }
    }

    impl<T: Config, Defaults: Get<Parameters>> UncheckedOnRuntimeUpgrade
        for UncheckedMigrateV3ToV4<T, Defaults>
    {
        fn on_runtime_upgrade() -> Weight {
            let defaults = Defaults::get();
            let active = v3::ActiveParameters::<T>::get().map(|old| upgrade_params(old, &defaults));
            if let Some(params) = active {
                ActiveParameters::<T>::put(params);
            }
            if let Some(old) = v3::PendingParameters::<T>::get() {
                PendingParameters::<T>::put(upgrade_params(old, &defaults));
            }
            // No last price yet: the price in force is the fresh feeds' median itself.
            let feeds = PriceFeeders::<T>::get();
            let now = frame_system::Pallet::<T>::block_number();
            if let Some((_, price)) =
                active.and_then(|p| queries::price_and_median::<T>(&p, &feeds, None, now))
            {
                LastPrice::<T>::put(PriceInForce::new(price, now));
            }
            // Reads: both parameter sets, the feeders, the last price. Writes: the same three.
            T::DbWeight::get().reads_writes(4, 3)
        }

        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
            use codec::Encode;
            Ok((
                v3::ActiveParameters::<T>::get(),
                v3::PendingParameters::<T>::get(),
            )
                .encode())
        }

        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            use codec::Decode;
            use frame_support::ensure;
            let (active, pending): (Option<v3::Parameters>, Option<v3::Parameters>) =
                Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
            let defaults = Defaults::get();
            ensure!(
                ActiveParameters::<T>::get() == active.map(|p| upgrade_params(p, &defaults)),
                "the active parameters changed beyond the new fields"
            );
            ensure!(
                PendingParameters::<T>::get() == pending.map(|p| upgrade_params(p, &defaults)),
                "the pending parameters changed beyond the new fields"
            );
            // Validity under the current rules is checked after the v4 -> v5 migration, which
            // brings v4 values under them.
            ensure!(
                LastPrice::<T>::get().map(|last| last.price) == queries::current_price::<T>().ok(),
                "the last price is not the price in force"
            );
            // The pallet's invariants hold in the current layout only: checked after the last
            // migration (v4 -> v5).
            Ok(())
        }
    }
}

/// Storage version 4 -> 5: a controller without a ramp of its own, an inflation target per
/// year, and self-dealing bounded by `MaxSelfDealingReturn` (spec 105).
///
/// Version 5 changes the controller's state ([`ControllerState`]: the ramp is replaced by the
/// choice and the band in force) and the meaning of one parameter (`target_inflation_per_epoch`
/// becomes `target_inflation_per_year`, same encoding), and adds a rule to
/// [`Parameters::validate`] (`usage_reward_cap + availability_share <= MaxSelfDealingReturn`).
/// The migration:
///
/// 1. rewrites the active and the pending parameters: the inflation target per epoch becomes
///    the same inflation per year (`× BlocksPerYear / epoch_length`, at most 100%), and a usage
///    reward cap that the new rule refuses is lowered to `MaxSelfDealingReturn -
///    availability_share`;
/// 2. rewrites the controller's state so that the emission does not jump at the next boundary:
///    the choice is the old ramp, the band in force the parameters' band widened to contain it,
///    and the target is reseeded at the ramp (burn-indexed: the average is set to the ramp less
///    the new inflation term, decaying at the parameters' smoothing; fixed decay: the schedule
///    restarts from the ramp and the average, which v5 adds to it, is emptied), as a mode
///    switch does. The emission in force and the accrual are kept.
///
/// [`ControllerState`]: crate::economics::ControllerState
/// [`Parameters::validate`]: crate::economics::Parameters::validate
pub mod v5 {
    use crate::{
        economics::{self, Amount, ControllerMode, ControllerState, HardLimits, Parameters},
        types::EmissionState,
        ActiveParameters, Config, Emission, Pallet, PendingParameters,
    };
    use frame_support::{
        migrations::VersionedMigration,
        traits::{fungible::Inspect, Get, UncheckedOnRuntimeUpgrade},
        weights::Weight,
    };
    use frame_system::pallet_prelude::BlockNumberFor;
    use sp_arithmetic::{traits::Saturating, Perbill};

    /// The storage layout of version 4, as it was.
    pub mod v4 {
        use crate::{
            economics::{Amount, EmissionAccrual},
            Config, Pallet,
        };
        use codec::{Decode, Encode, MaxEncodedLen};
        use frame_support::storage_alias;
        use frame_system::pallet_prelude::BlockNumberFor;
        use scale_info::TypeInfo;

        /// The controller's state (v4): a ramp moving a step of itself an epoch.
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct ControllerState {
            /// Emission per block in force.
            pub emission_per_block: Amount,
            /// The ramp, before the hard limits.
            pub ramp: Amount,
            /// The schedule's target (fixed decay).
            pub scheduled_target: Amount,
            /// The burn average per block.
            pub smoothed_burn_per_block: Amount,
        }

        /// Everything about emission (v4).
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct EmissionState<BlockNumber> {
            /// The controller's state.
            pub controller: ControllerState,
            /// The open epoch's accrual.
            pub accrual: EmissionAccrual<BlockNumber>,
            /// What the pot owes.
            pub owed: Amount,
        }

        /// The emission state (v4).
        #[storage_alias]
        pub type Emission<T: Config> = StorageValue<
            Pallet<T>,
            EmissionState<BlockNumberFor<T>>,
            frame_support::pallet_prelude::ValueQuery,
        >;
    }

    /// Version 4 -> 5, run only when the on-chain storage version is 4.
    pub type MigrateV4ToV5<T> = VersionedMigration<
        4,
        5,
        UncheckedMigrateV4ToV5<T>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;

    /// The migration itself; use [`MigrateV4ToV5`], which checks the storage version.
    pub struct UncheckedMigrateV4ToV5<T>(core::marker::PhantomData<T>);

    /// A v4 parameter set under the v5 rules: the inflation target per epoch as the same
    /// inflation per year, the usage reward cap within `max_self_dealing_return`.
    pub fn upgrade_params(old: Parameters, limits: &HardLimits) -> Parameters {
        let mut params = old;
        if let ControllerMode::BurnIndexed {
            smoothing,
            target_inflation_per_year: per_epoch,
        } = old.mode
        {
            let epochs_per_year =
                (limits.blocks_per_year as u64) / (old.epoch_length.max(1) as u64);
            let parts = (per_epoch.deconstruct() as u64)
                .saturating_mul(epochs_per_year.max(1))
                .min(Perbill::one().deconstruct() as u64);
            params.mode = ControllerMode::BurnIndexed {
                smoothing,
                target_inflation_per_year: Perbill::from_parts(parts as u32),
            };
        }
        let room = limits
            .max_self_dealing_return
            .saturating_sub(old.availability_share);
        params.usage_reward_cap = old.usage_reward_cap.min(room);
        params
    }

    /// The v4 controller under the migrated parameters: the emission does not jump at the next
    /// boundary (see the module docs).
    pub fn upgrade_controller(
        old: v4::ControllerState,
        params: &Parameters,
        total_issuance: Amount,
        limits: &HardLimits,
    ) -> ControllerState {
        let ramp = old.ramp;
        let mut state = ControllerState {
            emission_per_block: old.emission_per_block,
            choice: ramp,
            floor: params.min_emission_per_block.min(ramp),
            ceiling: params.max_emission_per_block.max(ramp),
            scheduled_target: old.scheduled_target,
            smoothed_burn_per_block: old.smoothed_burn_per_block,
            smoothing: Perbill::zero(),
        };
        match params.mode {
            ControllerMode::BurnIndexed { smoothing, .. } => {
                state.smoothed_burn_per_block = ramp.saturating_sub(
                    economics::inflation_per_block(params, total_issuance, limits),
                );
                state.smoothing = smoothing;
            }
            // v4 did not follow the average in fixed decay (it was stale): v5 adds it to the
            // schedule, so it starts empty.
            ControllerMode::FixedDecay { .. } => {
                state.scheduled_target = ramp;
                state.smoothed_burn_per_block = 0;
            }
        }
        state
    }

    impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV4ToV5<T> {
        fn on_runtime_upgrade() -> Weight {
            let limits = Pallet::<T>::hard_limits();
            let active = ActiveParameters::<T>::get().map(|p| upgrade_params(p, &limits));
            if let Some(params) = active {
                ActiveParameters::<T>::put(params);
            }
            if let Some(pending) = PendingParameters::<T>::get() {
                PendingParameters::<T>::put(upgrade_params(pending, &limits));
            }
            let old = v4::Emission::<T>::get();
            // Without parameters (an inert pallet) the controller restarts when governance
            // configures it: only the layout changes.
            let controller = match active {
                Some(params) => upgrade_controller(
                    old.controller,
                    &params,
                    T::Currency::total_issuance(),
                    &limits,
                ),
                None => ControllerState {
                    emission_per_block: old.controller.emission_per_block,
                    choice: old.controller.ramp,
                    scheduled_target: old.controller.scheduled_target,
                    smoothed_burn_per_block: old.controller.smoothed_burn_per_block,
                    ..Default::default()
                },
            };
            Emission::<T>::put(EmissionState::<BlockNumberFor<T>> {
                controller,
                accrual: old.accrual,
                owed: old.owed,
            });
            // Reads: both parameter sets, the emission state, the total issuance. Writes: the
            // parameter sets and the emission state.
            T::DbWeight::get().reads_writes(4, 3)
        }

        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
            use codec::Encode;
            Ok((
                ActiveParameters::<T>::get(),
                PendingParameters::<T>::get(),
                v4::Emission::<T>::get(),
                T::Currency::total_issuance(),
            )
                .encode())
        }

        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            use codec::Decode;
            use frame_support::ensure;
            type Before<B> = (
                Option<Parameters>,
                Option<Parameters>,
                v4::EmissionState<B>,
                Amount,
            );
            let (active, pending, old, issuance): Before<BlockNumberFor<T>> =
                Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
            let limits = Pallet::<T>::hard_limits();
            let active = active.map(|p| upgrade_params(p, &limits));
            ensure!(
                ActiveParameters::<T>::get() == active,
                "the active parameters are not the v4 ones under the v5 rules"
            );
            ensure!(
                PendingParameters::<T>::get() == pending.map(|p| upgrade_params(p, &limits)),
                "the pending parameters are not the v4 ones under the v5 rules"
            );
            for params in [ActiveParameters::<T>::get(), PendingParameters::<T>::get()]
                .into_iter()
                .flatten()
            {
                ensure!(
                    params.validate(&limits).is_ok(),
                    "migrated parameters do not validate"
                );
            }
            let now = Emission::<T>::get();
            ensure!(
                (now.accrual, now.owed) == (old.accrual, old.owed),
                "the accrual or what the pot owes changed"
            );
            ensure!(
                now.controller.emission_per_block == old.controller.emission_per_block,
                "the emission in force changed"
            );
            if let Some(params) = active {
                ensure!(
                    now.controller.choose(&params, issuance, &limits) == old.controller.ramp,
                    "the controller's target is not where the ramp was"
                );
            }
            Pallet::<T>::do_try_state()
        }
    }
}
