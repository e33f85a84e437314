//! Providers: registration, declared and attested capacity, liveness, pausing, leaving, bonds,
//! reputation, slashing and removal, and the capacity verifiers' set. The calls in `lib.rs`
//! check the origin and call these; each validates everything before it changes anything.

use crate::{
    economics::{self, Amount},
    Attestations, CapacityVerifiers, Config, CurrentEpoch, Error, Event, HoldReason, Pallet,
    ProviderStatus, Providers,
};
use frame_support::{
    ensure,
    pallet_prelude::DispatchResult,
    traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_arithmetic::{Perbill, Permill};
use sp_runtime::{traits::Zero, Saturating};

impl<T: Config> Pallet<T> {
    /// [`Pallet::register_provider`] for `who`.
    pub(crate) fn do_register_provider(
        who: T::AccountId,
        capacity: u32,
        bond: Amount,
    ) -> DispatchResult {
        let params = Self::params()?;
        ensure!(
            !Providers::<T>::contains_key(&who),
            Error::<T>::AlreadyProvider
        );
        Self::ensure_valid_capacity(capacity)?;
        ensure!(
            bond >= params.required_bond(0) && !bond.is_zero(),
            Error::<T>::BondTooLow
        );
        T::Currency::hold(&HoldReason::ProviderBond.into(), &who, bond)
            .map_err(|_| Error::<T>::InsufficientBalance)?;
        Self::insert_provider(&who, capacity, bond, &params);
        Self::deposit_event(Event::ProviderRegistered {
            provider: who,
            capacity,
            bond,
        });
        Ok(())
    }

    /// [`Pallet::update_capacity`] for `who`.
    pub(crate) fn do_update_capacity(who: T::AccountId, capacity: u32) -> DispatchResult {
        Self::ensure_valid_capacity(capacity)?;
        Self::mutate_provider(&who, |provider, _| {
            ensure!(!provider.is_leaving(), Error::<T>::AlreadyLeaving);
            provider.capacity = capacity;
            // The provider's own decrease counts at once, in the open epoch too.
            provider.verified_capacity = provider.verified_capacity.min(capacity);
            provider.previous_capacity = provider.previous_capacity.min(capacity);
            Ok(())
        })?;
        Self::deposit_event(Event::CapacityUpdated {
            provider: who,
            capacity,
        });
        Ok(())
    }

    /// [`Pallet::pause`] for `who`.
    pub(crate) fn do_pause(who: T::AccountId) -> DispatchResult {
        Self::mutate_provider(&who, |provider, _| {
            ensure!(provider.is_active(), Error::<T>::ProviderNotActive);
            provider.status = ProviderStatus::Paused;
            Ok(())
        })?;
        Self::deposit_event(Event::ProviderPaused { provider: who });
        Ok(())
    }

    /// [`Pallet::resume`] for `who`.
    pub(crate) fn do_resume(who: T::AccountId) -> DispatchResult {
        let next = Self::current_epoch().saturating_add(1);
        Self::mutate_provider(&who, |provider, params| {
            ensure!(
                provider.status == ProviderStatus::Paused,
                Error::<T>::ProviderNotPaused
            );
            ensure!(
                provider.bond >= params.required_bond(provider.bonded_capacity(next)),
                Error::<T>::BondTooLow
            );
            provider.status = ProviderStatus::Active;
            provider.eligible_from = next;
            Ok(())
        })?;
        Self::deposit_event(Event::ProviderResumed { provider: who });
        Ok(())
    }

    /// [`Pallet::leave`] for `who`.
    pub(crate) fn do_leave(who: T::AccountId) -> DispatchResult {
        let now = frame_system::Pallet::<T>::block_number();
        let mut unlock_at = now;
        Self::mutate_provider(&who, |provider, params| {
            ensure!(!provider.is_leaving(), Error::<T>::AlreadyLeaving);
            unlock_at = now.saturating_add(params.unbonding_period.into());
            provider.status = ProviderStatus::Leaving { unlock_at };
            Ok(())
        })?;
        Self::deposit_event(Event::ProviderLeaving {
            provider: who,
            unlock_at,
        });
        Ok(())
    }

    /// [`Pallet::withdraw_bond`] for `who`.
    pub(crate) fn do_withdraw_bond(who: T::AccountId) -> DispatchResult {
        let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
        let ProviderStatus::Leaving { unlock_at } = provider.status else {
            return Err(Error::<T>::NotLeaving.into());
        };
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(now >= unlock_at, Error::<T>::StillUnbonding);
        ensure!(!provider.is_frozen(&now), Error::<T>::ProviderFrozen);
        let amount = provider.bond;
        T::Currency::release(
            &HoldReason::ProviderBond.into(),
            &who,
            amount,
            Precision::BestEffort,
        )?;
        provider.bond = 0;
        Self::store_or_remove(&who, provider);
        Self::deposit_event(Event::BondWithdrawn {
            provider: who,
            amount,
        });
        Ok(())
    }

    /// [`Pallet::freeze_provider`], the origin checked.
    pub(crate) fn do_freeze_provider(provider: T::AccountId) -> DispatchResult {
        let mut record = Providers::<T>::get(&provider).ok_or(Error::<T>::NotProvider)?;
        let until = frame_system::Pallet::<T>::block_number()
            .saturating_add(T::MinUnbondingPeriod::get().into());
        record.frozen_until = Some(until);
        Providers::<T>::insert(&provider, record);
        Self::deposit_event(Event::ProviderFrozen { provider, until });
        Ok(())
    }

    /// [`Pallet::unfreeze_provider`], the origin checked.
    pub(crate) fn do_unfreeze_provider(provider: T::AccountId) -> DispatchResult {
        let mut record = Providers::<T>::get(&provider).ok_or(Error::<T>::NotProvider)?;
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(record.is_frozen(&now), Error::<T>::NotFrozen);
        record.frozen_until = None;
        Providers::<T>::insert(&provider, record);
        Self::deposit_event(Event::ProviderUnfrozen { provider });
        Ok(())
    }

    /// [`Pallet::set_reputation`], the origin checked.
    pub(crate) fn do_set_reputation(provider: T::AccountId, reputation: Permill) -> DispatchResult {
        Self::mutate_provider(&provider, |record, _| {
            Self::set_reputation_of(&provider, record, reputation);
            Ok(())
        })?;
        Self::deposit_event(Event::ReputationSet {
            provider,
            reputation,
        });
        Ok(())
    }

    /// [`Pallet::slash_provider`], the origin checked.
    pub(crate) fn do_slash_provider(provider: T::AccountId, share: Perbill) -> DispatchResult {
        let params = Self::params()?;
        let record = Providers::<T>::get(&provider).ok_or(Error::<T>::NotProvider)?;
        let current = Self::current_epoch();
        let plan = economics::slash(record.bond, record.reputation, share);
        ensure!(!plan.burned.is_zero(), Error::<T>::ZeroAmount);
        let burned = Self::slash_bond(&provider, plan.burned);
        let mut paused = false;
        Self::mutate_provider(&provider, |record, _| {
            record.bond = record.bond.saturating_sub(burned);
            // A slash of a share of the bond takes the same share of the reputation (rounded
            // down: against the slashed provider), so that history punishes as well as the
            // bond; its points in the open epoch fall with it.
            Self::set_reputation_of(&provider, record, plan.reputation);
            if record.is_active()
                && record.bond < params.required_bond(record.bonded_capacity(current))
            {
                record.status = ProviderStatus::Paused;
                paused = true;
            }
            Ok(())
        })?;
        Self::deposit_event(Event::ProviderSlashed {
            provider: provider.clone(),
            amount: burned,
        });
        if paused {
            Self::deposit_event(Event::ProviderPaused { provider });
        }
        Ok(())
    }

    /// [`Pallet::heartbeat`] for `who`.
    pub(crate) fn do_heartbeat(who: T::AccountId) -> DispatchResult {
        let params = Self::params()?;
        let mut record = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
        ensure!(record.is_active(), Error::<T>::ProviderNotActive);
        ensure!(
            record.is_reputable(params.min_reputation),
            Error::<T>::ReputationTooLow
        );
        let epoch = CurrentEpoch::<T>::get();
        let current = epoch.index;
        let rescheduled = Self::agree_capacity(&who, &mut record, &params, current);
        let agreed = record.verified_capacity;
        ensure!(
            record.capacity_in(current) > 0,
            Error::<T>::NoVerifiedCapacity
        );
        // A bond requirement raised by governance applies to existing providers here: no
        // availability for capacity the bond no longer covers ([`Pallet::bond_extra`] first).
        ensure!(
            record.bond >= params.required_bond(record.bonded_capacity(current)),
            Error::<T>::BondTooLow
        );
        ensure!(current >= record.eligible_from, Error::<T>::NotEligibleYet);
        let (window, points) = Self::check_in(&mut record, &epoch, &params);
        let from = record.verified_from;
        Providers::<T>::insert(&who, record);
        if rescheduled {
            Self::deposit_event(Event::CapacityVerified {
                provider: who.clone(),
                capacity: agreed,
                from,
            });
        }
        Self::deposit_event(Event::ProviderLive {
            provider: who,
            epoch: current,
            window,
            points,
        });
        Ok(())
    }

    /// Schedules the capacity `who`'s verifiers agree on now into `record`, as a heartbeat
    /// does before it checks the bond; returns whether that changed the record. Attestations
    /// of verifiers removed since the last agreement stop counting: the capacity is agreed
    /// again under the current set, and a change counts from the next epoch, like any other.
    /// (A provider with no attestations at all was verified before storage v6 and keeps that
    /// capacity until its first attestation.)
    pub(crate) fn agree_capacity(
        who: &T::AccountId,
        record: &mut crate::impls::ProviderOf<T>,
        params: &economics::Parameters,
        current: u32,
    ) -> bool {
        match Attestations::<T>::get(who) {
            Some(attestations) => {
                let verifiers = CapacityVerifiers::<T>::get();
                let agreed = Self::agreed_capacity_of(record, &attestations, &verifiers, params);
                record.schedule_capacity(agreed, current)
            }
            None => false,
        }
    }

    /// [`Pallet::bond_extra`] for `who`.
    pub(crate) fn do_bond_extra(who: T::AccountId, amount: Amount) -> DispatchResult {
        ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
        let mut record = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
        ensure!(!record.is_leaving(), Error::<T>::AlreadyLeaving);
        let bond = record
            .bond
            .checked_add(amount)
            .ok_or(Error::<T>::Overflow)?;
        T::Currency::hold(&HoldReason::ProviderBond.into(), &who, amount)
            .map_err(|_| Error::<T>::InsufficientBalance)?;
        record.bond = bond;
        Providers::<T>::insert(&who, record);
        Self::deposit_event(Event::BondIncreased {
            provider: who,
            amount,
        });
        Ok(())
    }

    /// [`Pallet::remove_provider`], the origin checked.
    pub(crate) fn do_remove_provider(provider: T::AccountId, share: Perbill) -> DispatchResult {
        let mut record = Providers::<T>::get(&provider).ok_or(Error::<T>::NotProvider)?;
        let slashed = Self::slash_bond(&provider, share.mul_floor(record.bond));
        record.bond = record.bond.saturating_sub(slashed);
        let forfeited = Self::forfeit(&mut record);
        T::Currency::release(
            &HoldReason::ProviderBond.into(),
            &provider,
            record.bond,
            Precision::BestEffort,
        )?;
        record.reputation = Permill::zero();
        Self::remove_record(&provider, &record);
        Self::note_history(&provider, |h| h.removals.saturating_inc());
        Self::deposit_event(Event::ProviderRemoved {
            provider,
            slashed,
            forfeited,
        });
        Ok(())
    }

    /// Capacity must be positive and at most [`Config::MaxCapacity`].
    fn ensure_valid_capacity(capacity: u32) -> DispatchResult {
        ensure!(
            capacity > 0 && capacity <= T::MaxCapacity::get(),
            Error::<T>::InvalidCapacity
        );
        Ok(())
    }
}
