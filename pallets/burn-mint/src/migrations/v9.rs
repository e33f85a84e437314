//! Storage version 8 -> 9: a referendum moves the controller's memory, never its level; the
//! books explain the issuance (spec 110).
//!
//! Version 9 adds three fields to the controller's state
//! ([`crate::economics::ControllerState`]): the burn memory handed over by a referendum
//! (`legacy_burn_per_block`), the rate it decays at (`legacy_decay`) and the emission held
//! back from a raised base (`held_back_per_block`); and four to every epoch's books
//! ([`crate::economics::EpochBooks`]): `burned_dust`, `outside_minted`, `outside_burned` and
//! `total_issuance_at_open`. The migration:
//!
//! 1. rewrites [`crate::Emission`] with every old field kept and the three new ones at zero:
//!    with them at zero the target is what version 8 computed, so the emission in force and
//!    the next boundary's choice are unchanged by the upgrade;
//! 2. rewrites the ledger's books, oldest first, each opening at the issuance the one before
//!    it closed at (the oldest kept one at what its own flows explain) and with what its flows
//!    do not explain on its outside lines: dust and other burns no book saw before version 9
//!    are booked where they happened, as far back as the ledger goes. The closed totals gain
//!    the same outside amounts, so they stay the ledger's sum;
//! 3. rewrites the open epoch's books to open where the last closed epoch closed (at genesis'
//!    epoch, where its own flows explain the issuance now), and records the totals of the
//!    epochs the ledger already pruned (`pruned_totals`: the closed totals less the ledger's
//!    sum), so that `try_state` checks the closed totals however long the chain has run.

use crate::{
    economics::{ControllerState, EmissionAccrual, EpochBooks},
    types::EmissionState,
    Config, Emission, Ledger, Pallet,
};
use frame_support::traits::fungible::Inspect;
use frame_support::{
    migrations::VersionedMigration,
    traits::{Get, UncheckedOnRuntimeUpgrade},
    weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;

/// The storage layout of version 8, as it was.
pub mod v8 {
    use crate::{
        economics::{Amount, EmissionAccrual},
        Config, Pallet,
    };
    use codec::{Decode, Encode, MaxEncodedLen};
    use frame_support::{pallet_prelude::ValueQuery, storage_alias};
    use frame_system::pallet_prelude::BlockNumberFor;
    use scale_info::TypeInfo;
    use sp_arithmetic::Perbill;

    /// The controller's state of version 8 (without the handed-over memory and what is
    /// held back).
    #[derive(
        Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
    )]
    pub struct ControllerState {
        /// The emission per block in force.
        pub emission_per_block: Amount,
        /// The controller's choice.
        pub choice: Amount,
        /// The lower edge of the band in force.
        pub floor: Amount,
        /// The upper edge of the band in force.
        pub ceiling: Amount,
        /// The schedule's target.
        pub scheduled_target: Amount,
        /// The burn average, per block of the epoch in force.
        pub smoothed_burn_per_block: Amount,
        /// The rate the average decays at.
        pub smoothing: Perbill,
    }

    /// [`crate::types::EmissionState`] of version 8.
    #[derive(
        Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
    )]
    pub struct EmissionState<BlockNumber> {
        /// The controller's state.
        pub controller: ControllerState,
        /// The open epoch's emission, accrued lazily.
        pub accrual: EmissionAccrual<BlockNumber>,
        /// What the reward pot owes providers.
        pub owed: Amount,
    }

    /// [`crate::Emission`] in the version 8 layout.
    #[storage_alias]
    pub type Emission<T: Config> =
        StorageValue<Pallet<T>, EmissionState<BlockNumberFor<T>>, ValueQuery>;

    /// An epoch's books of version 8 (without dust, outside lines and the issuance at
    /// the open).
    #[derive(
        Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
    )]
    pub struct EpochBooks {
        /// Minted for providers.
        pub minted_providers: Amount,
        /// Of which usage.
        pub minted_usage: Amount,
        /// Minted for the treasury.
        pub minted_ecosystem: Amount,
        /// Burned for credits.
        pub burned_credits: Amount,
        /// Burned from fees.
        pub burned_fees: Amount,
        /// Burned from slashes.
        pub burned_slashes: Amount,
        /// Forfeited and burned.
        pub burned_forfeited: Amount,
        /// Never minted.
        pub unminted: Amount,
        /// Usage accrued (open epoch).
        pub usage_accrued: Amount,
        /// Availability accrued (open epoch).
        pub availability_accrued: Amount,
        /// Live points.
        pub live_points: u128,
        /// Credits sold.
        pub credits_sold: u128,
        /// Credits served.
        pub credits_served: u128,
        /// Tokens burned for the credits served.
        pub basis_served: Amount,
        /// Emission per block in force.
        pub emission_per_block: Amount,
        /// Issuance at the close.
        pub total_issuance_at_close: Amount,
    }

    /// [`crate::types::EpochInfo`] of version 8.
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
        pub closed_totals: crate::economics::Totals,
    }

    /// [`crate::CurrentEpoch`] in the version 8 layout.
    #[storage_alias]
    pub type CurrentEpoch<T: Config> =
        StorageValue<Pallet<T>, EpochInfo<BlockNumberFor<T>>, ValueQuery>;

    /// [`crate::Ledger`] in the version 8 layout.
    #[storage_alias]
    pub type Ledger<T: Config> = StorageMap<
        Pallet<T>,
        frame_support::Twox64Concat,
        u32,
        EpochBooks,
        frame_support::pallet_prelude::OptionQuery,
    >;
}

/// Version 8 books in the version 9 layout: every field kept, no dust, nothing outside,
/// opened at `open`.
pub fn upgrade_books(old: v8::EpochBooks, open: crate::economics::Amount) -> EpochBooks {
    EpochBooks {
        minted_providers: old.minted_providers,
        minted_usage: old.minted_usage,
        minted_ecosystem: old.minted_ecosystem,
        burned_credits: old.burned_credits,
        burned_fees: old.burned_fees,
        burned_slashes: old.burned_slashes,
        burned_forfeited: old.burned_forfeited,
        burned_dust: 0,
        outside_minted: 0,
        outside_burned: 0,
        unminted: old.unminted,
        usage_accrued: old.usage_accrued,
        availability_accrued: old.availability_accrued,
        live_points: old.live_points,
        credits_sold: old.credits_sold,
        credits_served: old.credits_served,
        basis_served: old.basis_served,
        emission_per_block: old.emission_per_block,
        total_issuance_at_close: old.total_issuance_at_close,
        total_issuance_at_open: open,
    }
}

/// What `books`' own flows explain its issuance opened at, given where it closed (or
/// stands now): `close − minted + burned`.
fn explained_open(books: &EpochBooks, close: crate::economics::Amount) -> crate::economics::Amount {
    close
        .saturating_add(books.burned())
        .saturating_sub(books.minted())
}

/// Version 8 -> 9, run only when the on-chain storage version is 8.
pub type MigrateV8ToV9<T> = VersionedMigration<
    8,
    9,
    UncheckedMigrateV8ToV9<T>,
    Pallet<T>,
    <T as frame_system::Config>::DbWeight,
>;

/// The migration itself; use [`MigrateV8ToV9`], which checks the storage version.
pub struct UncheckedMigrateV8ToV9<T>(core::marker::PhantomData<T>);

/// A version 8 emission state in the version 9 layout: every field kept, nothing handed
/// over, nothing held back.
pub fn upgrade_emission<B>(old: v8::EmissionState<B>) -> EmissionState<B> {
    let c = old.controller;
    EmissionState {
        controller: ControllerState {
            emission_per_block: c.emission_per_block,
            choice: c.choice,
            floor: c.floor,
            ceiling: c.ceiling,
            scheduled_target: c.scheduled_target,
            smoothed_burn_per_block: c.smoothed_burn_per_block,
            smoothing: c.smoothing,
            legacy_burn_per_block: 0,
            legacy_decay: Default::default(),
            held_back_per_block: 0,
        },
        accrual: EmissionAccrual { ..old.accrual },
        owed: old.owed,
    }
}

impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV8ToV9<T> {
    fn on_runtime_upgrade() -> Weight {
        let old = v8::Emission::<T>::get();
        let emission = upgrade_emission::<BlockNumberFor<T>>(old);
        Emission::<T>::put(emission);

        // The ledger, oldest first: each epoch opens where the one before closed; what
        // its flows do not explain goes on its outside lines (and into the closed totals).
        let old_epoch = v8::CurrentEpoch::<T>::get();
        let mut closed_totals = old_epoch.closed_totals;
        let mut indices: alloc::vec::Vec<u32> = v8::Ledger::<T>::iter_keys().collect();
        indices.sort();
        let mut previous_close = None;
        for index in &indices {
            let Some(old) = v8::Ledger::<T>::get(index) else {
                continue;
            };
            let books = upgrade_books(old, 0);
            let open = previous_close
                .unwrap_or_else(|| explained_open(&books, books.total_issuance_at_close));
            let books = EpochBooks {
                total_issuance_at_open: open,
                ..books
            }
            .with_outside(books.total_issuance_at_close);
            closed_totals.minted = closed_totals.minted.saturating_add(books.outside_minted);
            closed_totals.burned = closed_totals.burned.saturating_add(books.outside_burned);
            Ledger::<T>::insert(index, books);
            previous_close = Some(books.total_issuance_at_close);
        }

        // The open epoch: opened where the last closed one closed; at epoch 0, where its
        // own flows (emission accrued so far included) explain the issuance now.
        let mut accrual = emission.accrual;
        accrual.advance_to(frame_system::Pallet::<T>::block_number());
        let books = upgrade_books(old_epoch.books, 0);
        let issuance = T::Currency::total_issuance();
        let open = previous_close
            .unwrap_or_else(|| explained_open(&books.with_accrual(&accrual), issuance));
        // What the ledger no longer keeps: the closed totals less the ledger's sum.
        let mut kept = crate::economics::Totals::default();
        for books in Ledger::<T>::iter_values() {
            kept.add(&books);
        }
        // In the version 9 layout, which the v9 -> v10 migration then rewrites.
        super::v10::v9::CurrentEpoch::<T>::put(super::v10::v9::EpochInfo {
            index: old_epoch.index,
            start: old_epoch.start,
            length: old_epoch.length,
            books: EpochBooks {
                total_issuance_at_open: open,
                ..books
            },
            closed_totals,
            pruned_totals: closed_totals.minus(&kept),
        });
        let entries = indices.len() as u64;
        T::DbWeight::get().reads_writes(entries.saturating_add(3), entries.saturating_add(2))
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
        use codec::Encode;
        let ledger: alloc::vec::Vec<_> = v8::Ledger::<T>::iter().collect();
        Ok((
            v8::Emission::<T>::get(),
            v8::CurrentEpoch::<T>::get(),
            ledger,
        )
            .encode())
    }

    #[cfg(feature = "try-runtime")]
    fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        use codec::Decode;
        use frame_support::ensure;
        type Before<B> = (
            v8::EmissionState<B>,
            v8::EpochInfo<B>,
            alloc::vec::Vec<(u32, v8::EpochBooks)>,
        );
        let (emission, epoch, ledger): Before<BlockNumberFor<T>> =
            Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
        ensure!(
            Emission::<T>::get() == upgrade_emission(emission),
            "the emission state changed beyond the new fields"
        );
        ensure!(
            Ledger::<T>::iter().count() == ledger.len(),
            "the ledger lost or gained an epoch"
        );
        for (index, old) in ledger {
            let new = Ledger::<T>::get(index).ok_or("a ledger entry went missing")?;
            ensure!(
                upgrade_books(old, new.total_issuance_at_open)
                    == EpochBooks {
                        outside_minted: 0,
                        outside_burned: 0,
                        ..new
                    },
                "a closed epoch's books changed beyond the new fields"
            );
        }
        let now = super::v10::v9::CurrentEpoch::<T>::get();
        ensure!(
            (now.index, now.start, now.length) == (epoch.index, epoch.start, epoch.length)
                && upgrade_books(epoch.books, now.books.total_issuance_at_open) == now.books,
            "the open epoch changed beyond the new fields"
        );
        // The pallet's invariants are those of the latest version: the last migration of the
        // runtime's list checks them (v10's `post_upgrade`).
        Ok(())
    }
}
