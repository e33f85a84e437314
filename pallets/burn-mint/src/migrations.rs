//! Storage migrations of pallet-burn-mint.

/// Storage version 2 -> 3: availability for verified, live capacity.
///
/// Version 2 paid availability through a reward-per-point accumulator over *declared*
/// capacity, and kept one usage pool per epoch with usage, forever. Version 3 counts verified
/// capacity only, shares each epoch's availability among the providers that proved liveness in
/// it (an epoch's reward pools, kept for a claim window), locks rewards for a delay, and keeps
/// provider histories. The migration:
///
/// 1. settles every provider under the old rules: the accumulator through the last executed
///    block and the usage of closed epochs move into its claimable rewards, so that every
///    provider can claim exactly what it could claim before (checked by `post_upgrade`);
///    usage of the open epoch becomes its work in that epoch;
/// 2. starts every provider with no verified capacity (a capacity verifier must attest it)
///    and eligible from the next epoch; reputation and bond are kept;
/// 3. removes the old usage pools (everything they owed is settled) and burns what the pot
///    held beyond what it now owes (the old pools' rounding dust), counted in the open
///    epoch's books as forfeited;
/// 4. rewrites the controller (the ramp starts at the emission in force; the burn average,
///    per epoch in v2, becomes per block over the open epoch's length), the open epoch (its
///    availability minted so far is booked as minted to providers), the ledger and the
///    parameters in the new layouts: the parameters' new
///    fields come from `Defaults`, and the unbonding period is raised to the runtime's
///    minimum if it was below.
pub mod v3 {
    use crate::{
        economics::{self, Amount, EpochWork, Parameters},
        types::{EmissionState, EpochInfo, Provider, ProviderStatus},
        ActiveParameters, Config, CurrentEpoch, Emission, Ledger, Pallet, PendingParameters,
        Providers,
    };
    use frame_support::{
        migrations::VersionedMigration,
        traits::{
            fungible::{Inspect, Mutate},
            tokens::{Fortitude, Precision, Preservation},
            Get, UncheckedOnRuntimeUpgrade,
        },
        weights::Weight,
    };
    use frame_system::pallet_prelude::BlockNumberFor;
    use sp_runtime::Saturating;

    /// The storage layout of version 2, as it was.
    pub mod v2 {
        use crate::{
            economics::{Amount, ControllerMode, Credits, EmissionSplit, Totals},
            types::ProviderStatus,
            Config, Pallet,
        };
        use codec::{Decode, Encode, MaxEncodedLen};
        use frame_support::{storage_alias, Blake2_128Concat, Twox64Concat};
        use frame_system::pallet_prelude::BlockNumberFor;
        use scale_info::TypeInfo;
        use sp_arithmetic::{
            traits::{AtLeast32BitUnsigned, SaturatedConversion, Saturating, Zero},
            FixedPointNumber, FixedU128, Perbill, Permill,
        };

        /// A provider's usage in one epoch (v2).
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
        pub struct UsageRecord {
            /// The epoch.
            pub epoch: u32,
            /// Credits served.
            pub credits: Credits,
            /// Tokens burned for them.
            pub basis: Amount,
        }

        /// A provider (v2): points over declared capacity and an accumulator snapshot.
        #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
        pub struct Provider<BlockNumber> {
            /// Availability state.
            pub status: ProviderStatus<BlockNumber>,
            /// Declared capacity.
            pub capacity: u32,
            /// Reputation.
            pub reputation: Permill,
            /// Bond held.
            pub bond: Amount,
            /// Points counted in the accumulator's total.
            pub points: u128,
            /// Accumulator value when last settled.
            pub snapshot: FixedU128,
            /// Settled, unpaid rewards.
            pub pending: Amount,
            /// Unsettled usage.
            pub usage: Option<UsageRecord>,
        }

        /// The open epoch's accrual (v2), with the availability accumulator.
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct EmissionAccrual<BlockNumber> {
            /// Per-block split.
            pub per_block: EmissionSplit,
            /// Points of all active providers.
            pub total_points: u128,
            /// Availability reward per point.
            pub index: FixedU128,
            /// Last block accounted for.
            pub updated_at: BlockNumber,
            /// Minted for the treasury in the open epoch.
            pub ecosystem: Amount,
            /// Accrued to the usage pool.
            pub usage: Amount,
            /// Minted for availability.
            pub availability: Amount,
            /// Never minted.
            pub unminted: Amount,
        }

        impl<BlockNumber: AtLeast32BitUnsigned + Copy> EmissionAccrual<BlockNumber> {
            /// v2's `advance_to`: blocks `(updated_at, now]` minted their treasury share and,
            /// while any provider was online, their availability share, which moved the
            /// accumulator.
            pub fn advance_to(&mut self, now: BlockNumber) {
                if now <= self.updated_at {
                    return;
                }
                let blocks: u128 = (now - self.updated_at).saturated_into();
                let times = |amount: Amount| amount.saturating_mul(blocks);
                self.ecosystem
                    .saturating_accrue(times(self.per_block.ecosystem));
                self.usage.saturating_accrue(times(self.per_block.usage));
                if self.total_points.is_zero() {
                    self.unminted
                        .saturating_accrue(times(self.per_block.availability));
                } else {
                    self.availability
                        .saturating_accrue(times(self.per_block.availability));
                    let increment = FixedU128::checked_from_rational(
                        self.per_block.availability,
                        self.total_points,
                    )
                    .unwrap_or(FixedU128::from_inner(u128::MAX));
                    self.index = self
                        .index
                        .saturating_add(FixedU128::from_inner(times(increment.into_inner())));
                }
                self.updated_at = now;
            }
        }

        /// v2's reward of `points` while the accumulator moved from `snapshot` to `index`.
        pub fn accrued(points: u128, snapshot: FixedU128, index: FixedU128) -> Amount {
            index.saturating_sub(snapshot).saturating_mul_int(points)
        }

        /// The controller's memory (v2): the burn average was per epoch, and the emission in
        /// force was also the ramp's state.
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct ControllerState {
            /// Emission per block in force.
            pub emission_per_block: Amount,
            /// The schedule's target.
            pub scheduled_target: Amount,
            /// Moving average of the burn per epoch.
            pub smoothed_burn_per_epoch: Amount,
        }

        /// The emission state (v2).
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct EmissionState<BlockNumber> {
            /// The controller.
            pub controller: ControllerState,
            /// The accrual.
            pub accrual: EmissionAccrual<BlockNumber>,
        }

        /// An epoch's books (v2).
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct EpochBooks {
            /// Minted to the pot for providers.
            pub minted_providers: Amount,
            /// Minted for the treasury.
            pub minted_ecosystem: Amount,
            /// Burned for credits.
            pub burned_credits: Amount,
            /// Burned from fees.
            pub burned_fees: Amount,
            /// Burned from slashes.
            pub burned_slashes: Amount,
            /// Never minted.
            pub unminted: Amount,
            /// Usage accrued (open epoch).
            pub usage_accrued: Amount,
            /// Credits sold.
            pub credits_sold: Credits,
            /// Credits served.
            pub credits_served: Credits,
            /// Basis served.
            pub basis_served: Amount,
            /// Emission per block.
            pub emission_per_block: Amount,
            /// Issuance at close.
            pub total_issuance_at_close: Amount,
        }

        /// The open epoch (v2).
        #[derive(
            Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
        )]
        pub struct EpochInfo<BlockNumber> {
            /// Index.
            pub index: u32,
            /// First block.
            pub start: BlockNumber,
            /// Length.
            pub length: u32,
            /// Books so far.
            pub books: EpochBooks,
            /// Totals of closed epochs.
            pub closed_totals: Totals,
        }

        /// The parameters (v2).
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
        }

        /// The usage pool (v2; the same layout as [`crate::economics::UsagePool`]).
        pub type UsagePool = crate::economics::UsagePool;

        /// Providers (v2).
        #[storage_alias]
        pub type Providers<T: Config> = StorageMap<
            Pallet<T>,
            Blake2_128Concat,
            <T as frame_system::Config>::AccountId,
            Provider<BlockNumberFor<T>>,
        >;
        /// Emission (v2).
        #[storage_alias]
        pub type Emission<T: Config> = StorageValue<
            Pallet<T>,
            EmissionState<BlockNumberFor<T>>,
            frame_support::pallet_prelude::ValueQuery,
        >;
        /// The open epoch (v2).
        #[storage_alias]
        pub type CurrentEpoch<T: Config> = StorageValue<
            Pallet<T>,
            EpochInfo<BlockNumberFor<T>>,
            frame_support::pallet_prelude::ValueQuery,
        >;
        /// The ledger (v2).
        #[storage_alias]
        pub type Ledger<T: Config> = StorageMap<Pallet<T>, Twox64Concat, u32, EpochBooks>;
        /// Usage pools (v2).
        #[storage_alias]
        pub type UsagePools<T: Config> = StorageMap<Pallet<T>, Twox64Concat, u32, UsagePool>;
        /// Parameters in force (v2).
        #[storage_alias]
        pub type ActiveParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;
        /// Parameters scheduled (v2).
        #[storage_alias]
        pub type PendingParameters<T: Config> = StorageValue<Pallet<T>, Parameters>;

        /// What a provider could claim under v2 with the accumulator at `index`: its pending
        /// rewards, its accrued availability, and its usage of a closed epoch.
        pub fn claimable<T: Config>(
            record: &Provider<BlockNumberFor<T>>,
            index: FixedU128,
            open_epoch: u32,
        ) -> Amount {
            let mut owed =
                record
                    .pending
                    .saturating_add(accrued(record.points, record.snapshot, index));
            if let Some(usage) = record.usage.filter(|u| u.epoch < open_epoch) {
                if let Some(pool) = UsagePools::<T>::get(usage.epoch) {
                    owed.saturating_accrue(crate::economics::settle_usage(&pool, usage.basis));
                }
            }
            owed
        }
    }

    /// Version 2 -> 3, run only when the on-chain storage version is 2.
    pub type MigrateV2ToV3<T, Defaults> = VersionedMigration<
        2,
        3,
        UncheckedMigrateV2ToV3<T, Defaults>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;

    /// The migration itself; use [`MigrateV2ToV3`], which checks the storage version.
    pub struct UncheckedMigrateV2ToV3<T, Defaults>(core::marker::PhantomData<(T, Defaults)>);

    /// The v2 accrual advanced through the last executed block. Migrations run at the start
    /// of a block, before frame-system moves to its number: the block number is still the
    /// last executed one's (as it is for `try-runtime`'s checks).
    fn old_accrual<T: Config>() -> (
        v2::EmissionState<BlockNumberFor<T>>,
        v2::EmissionAccrual<BlockNumberFor<T>>,
    ) {
        let old = v2::Emission::<T>::get();
        let mut accrual = old.accrual;
        accrual.advance_to(frame_system::Pallet::<T>::block_number());
        (old, accrual)
    }

    /// A v2 parameter set with the new fields from `defaults`, its unbonding period at least
    /// the runtime's minimum.
    fn upgrade_params<T: Config>(old: v2::Parameters, defaults: &Parameters) -> Parameters {
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
            unbonding_period: old.unbonding_period.max(T::MinUnbondingPeriod::get()),
            min_provider_bond: old.min_provider_bond,
            bond_per_capacity_unit: defaults.bond_per_capacity_unit,
            initial_reputation: defaults.initial_reputation,
            min_reputation: defaults.min_reputation,
            attestation_reputation_gain: defaults.attestation_reputation_gain,
        }
    }

    /// v2 books in the v3 layout (the new fields zero).
    fn upgrade_books(old: v2::EpochBooks) -> economics::EpochBooks {
        economics::EpochBooks {
            minted_providers: old.minted_providers,
            minted_ecosystem: old.minted_ecosystem,
            burned_credits: old.burned_credits,
            burned_fees: old.burned_fees,
            burned_slashes: old.burned_slashes,
            unminted: old.unminted,
            usage_accrued: old.usage_accrued,
            credits_sold: old.credits_sold,
            credits_served: old.credits_served,
            basis_served: old.basis_served,
            emission_per_block: old.emission_per_block,
            total_issuance_at_close: old.total_issuance_at_close,
            ..Default::default()
        }
    }

    impl<T: Config, Defaults: Get<Parameters>> UncheckedOnRuntimeUpgrade
        for UncheckedMigrateV2ToV3<T, Defaults>
    {
        fn on_runtime_upgrade() -> Weight {
            let defaults = Defaults::get();
            let (old_emission, accrual) = old_accrual::<T>();
            let old_epoch = v2::CurrentEpoch::<T>::get();
            let next = old_epoch.index.saturating_add(1);
            let mut owed: Amount = 0;
            let mut providers: u64 = 0;
            // 1. and 2.: every provider settled under the old rules, in the new layout.
            let old_providers: alloc::vec::Vec<_> = v2::Providers::<T>::iter().collect();
            for (who, old) in old_providers {
                let pending = v2::claimable::<T>(&old, accrual.index, old_epoch.index);
                owed.saturating_accrue(pending);
                let work = old
                    .usage
                    .filter(|u| u.epoch >= old_epoch.index)
                    .map(|u| EpochWork {
                        epoch: u.epoch,
                        credits: u.credits,
                        basis: u.basis,
                        live_points: 0,
                    });
                let status = match old.status {
                    ProviderStatus::Active => ProviderStatus::Active,
                    ProviderStatus::Paused => ProviderStatus::Paused,
                    ProviderStatus::Leaving { unlock_at } => ProviderStatus::Leaving { unlock_at },
                };
                let mut record = Provider::new(old.capacity, old.bond, old.reputation, next);
                record.status = status;
                record.pending = pending;
                record.work = work;
                Providers::<T>::insert(&who, record);
                providers += 1;
            }
            // 3. The old pools are settled.
            let pools = v2::UsagePools::<T>::iter_keys().count() as u64;
            let _ = v2::UsagePools::<T>::clear(u32::MAX, None);
            // 4. The emission, the open epoch, the ledger, the parameters.
            let mut books = upgrade_books(old_epoch.books);
            books
                .minted_providers
                .saturating_accrue(accrual.availability);
            Emission::<T>::put(EmissionState {
                controller: economics::ControllerState {
                    emission_per_block: old_emission.controller.emission_per_block,
                    ramp: old_emission.controller.emission_per_block,
                    scheduled_target: old_emission.controller.scheduled_target,
                    smoothed_burn_per_block: old_emission.controller.smoothed_burn_per_epoch
                        / old_epoch.length.max(1) as Amount,
                },
                accrual: economics::EmissionAccrual {
                    per_block: accrual.per_block,
                    updated_at: accrual.updated_at,
                    ecosystem: accrual.ecosystem,
                    usage: accrual.usage,
                    availability: 0,
                    unminted: accrual.unminted,
                },
                owed,
            });
            // The pot holds its deposit, the treasury's share of the open epoch and what it
            // owes; the rest (the old pools' rounding dust) is burned and counted.
            let pot = Pallet::<T>::pot();
            let surplus = T::Currency::balance(&pot)
                .saturating_sub(T::Currency::minimum_balance())
                .saturating_sub(owed)
                .saturating_sub(accrual.ecosystem);
            if surplus > 0 {
                books.burned_forfeited = T::Currency::burn_from(
                    &pot,
                    surplus,
                    Preservation::Preserve,
                    Precision::BestEffort,
                    Fortitude::Polite,
                )
                .unwrap_or(0);
            }
            CurrentEpoch::<T>::put(EpochInfo {
                index: old_epoch.index,
                start: old_epoch.start,
                length: old_epoch.length,
                books,
                closed_totals: old_epoch.closed_totals,
            });
            let ledger: alloc::vec::Vec<_> = v2::Ledger::<T>::iter().collect();
            let entries = ledger.len() as u64;
            for (index, old) in ledger {
                Ledger::<T>::insert(index, upgrade_books(old));
            }
            if let Some(old) = v2::ActiveParameters::<T>::get() {
                ActiveParameters::<T>::put(upgrade_params::<T>(old, &defaults));
            }
            if let Some(old) = v2::PendingParameters::<T>::get() {
                PendingParameters::<T>::put(upgrade_params::<T>(old, &defaults));
            }
            // Reads and writes: each provider, pool and ledger entry once or twice, plus the
            // single values and the pot.
            let items = providers + pools + entries;
            T::DbWeight::get().reads_writes(items.saturating_mul(2) + 10, items + 10)
        }

        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
            use codec::Encode;
            let (_, accrual) = old_accrual::<T>();
            let open = v2::CurrentEpoch::<T>::get().index;
            let providers: alloc::vec::Vec<(T::AccountId, Amount, Amount)> =
                v2::Providers::<T>::iter()
                    .map(|(who, p)| {
                        let claimable = v2::claimable::<T>(&p, accrual.index, open);
                        (who, claimable, p.bond)
                    })
                    .collect();
            Ok((providers, T::Currency::total_issuance()).encode())
        }

        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            use codec::Decode;
            use frame_support::ensure;
            let (providers, issuance): (alloc::vec::Vec<(T::AccountId, Amount, Amount)>, Amount) =
                Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
            for (who, claimable, bond) in providers {
                let record = Providers::<T>::get(&who).ok_or("a provider was lost")?;
                ensure!(
                    record.pending == claimable,
                    "a provider's claimable rewards changed"
                );
                ensure!(record.locked == 0, "migrated rewards are locked");
                ensure!(record.bond == bond, "a provider's bond changed");
                ensure!(
                    record.verified_capacity == 0,
                    "migrated capacity counts unverified"
                );
            }
            let burned = CurrentEpoch::<T>::get().books.burned_forfeited;
            ensure!(
                issuance.saturating_sub(T::Currency::total_issuance()) == burned,
                "issuance fell by more than the surplus burned"
            );
            ensure!(
                v2::UsagePools::<T>::iter_keys().next().is_none(),
                "old usage pools remain"
            );
            if let Some(params) = ActiveParameters::<T>::get() {
                ensure!(
                    params.validate(&Pallet::<T>::hard_limits()).is_ok(),
                    "migrated parameters do not validate"
                );
            }
            Pallet::<T>::do_try_state()
        }
    }
}
