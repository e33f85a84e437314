//! Capacity verifiers: their attestations and the quorum that turns them into verified
//! capacity, the verifier set, and the verifiers' bonds (held, slashable by governance, released
//! only to an account out of the set once [`Config::MinUnbondingPeriod`] has passed since its
//! last attestation). The calls in `lib.rs` check the origin and call these; each validates
//! everything before it changes anything.

use crate::impls::ProviderOf;
use crate::{
    economics::{self, Amount},
    ActiveParameters, Attestations, CapacityAttestations, CapacityVerifiers, Config, Error, Event,
    HoldReason, Pallet, PendingParameters, VerifierBonds,
};
use alloc::vec::Vec;
use frame_support::{
    ensure,
    pallet_prelude::DispatchResult,
    traits::{
        fungible::{InspectHold, MutateHold},
        tokens::Precision,
        Get,
    },
    BoundedVec,
};
use sp_arithmetic::Perbill;
use sp_runtime::{traits::Zero, Saturating};

impl<T: Config> Pallet<T> {
    /// [`Pallet::attest_capacity`] by `verifier`.
    pub(crate) fn do_attest_capacity(
        verifier: T::AccountId,
        provider: T::AccountId,
        capacity: u32,
    ) -> DispatchResult {
        let verifiers = CapacityVerifiers::<T>::get();
        ensure!(
            verifiers.binary_search(&verifier).is_ok(),
            Error::<T>::NotVerifier
        );
        // A verifier that is also a provider would verify its own capacity.
        ensure!(verifier != provider, Error::<T>::SelfAttestation);
        // A verifier attests only while it holds the bond the parameters require (a raised
        // requirement applies here; a slashed verifier tops its bond up first).
        let params = Self::params()?;
        let mut bond = VerifierBonds::<T>::get(&verifier).unwrap_or_default();
        ensure!(bond.covers(&params), Error::<T>::VerifierBondTooLow);
        let current = Self::current_epoch();
        let mut attestations = Attestations::<T>::get(&provider).unwrap_or_default();
        // The verifier's earlier vote is replaced; votes of removed verifiers are dropped (so
        // at most one vote per verifier of the current set is kept: within the bound).
        attestations
            .votes
            .retain(|(v, _)| v != &verifier && verifiers.binary_search(v).is_ok());
        attestations
            .votes
            .try_push((verifier.clone(), capacity))
            .map_err(|_| Error::<T>::TooManyVerifiers)?;
        let mut verified = None;
        Self::mutate_provider(&provider, |record, params| {
            ensure!(!record.is_leaving(), Error::<T>::AlreadyLeaving);
            ensure!(
                capacity <= record.capacity,
                Error::<T>::AboveDeclaredCapacity
            );
            ensure!(
                record.bond >= params.required_bond(capacity),
                Error::<T>::BondTooLow
            );
            let agreed = Self::agreed_capacity_of(record, &attestations, &verifiers, params);
            if record.schedule_capacity(agreed, current) {
                verified = Some((agreed, record.verified_from));
            }
            Ok(())
        })?;
        Attestations::<T>::insert(&provider, attestations);
        // The bond answers for this attestation for the unbonding minimum from now.
        bond.last_attested = Some(frame_system::Pallet::<T>::block_number());
        VerifierBonds::<T>::insert(&verifier, bond);
        Self::deposit_event(Event::CapacityAttested {
            provider: provider.clone(),
            verifier,
            capacity,
        });
        if let Some((capacity, from)) = verified {
            Self::deposit_event(Event::CapacityVerified {
                provider,
                capacity,
                from,
            });
        }
        Ok(())
    }

    /// The capacity the current `verifiers` agree on for `record` under `params`: the
    /// `min_capacity_attestations`-th largest attestation of a verifier in the set, at most
    /// the declared capacity ([`economics::agreed_capacity`]).
    pub(crate) fn agreed_capacity_of(
        record: &ProviderOf<T>,
        attestations: &CapacityAttestations<T>,
        verifiers: &[T::AccountId],
        params: &economics::Parameters,
    ) -> u32 {
        let votes = attestations
            .votes
            .iter()
            .filter(|(v, _)| verifiers.binary_search(v).is_ok())
            .map(|(_, c)| *c);
        economics::agreed_capacity(votes, params.min_capacity_attestations).min(record.capacity)
    }

    /// [`Pallet::set_capacity_verifiers`], the origin checked.
    pub(crate) fn do_set_capacity_verifiers(mut verifiers: Vec<T::AccountId>) -> DispatchResult {
        verifiers.sort();
        verifiers.dedup();
        for params in [ActiveParameters::<T>::get(), PendingParameters::<T>::get()]
            .into_iter()
            .flatten()
        {
            Self::ensure_verifier_quorum(params.min_capacity_attestations, verifiers.len())?;
        }
        let bounded =
            BoundedVec::try_from(verifiers.clone()).map_err(|_| Error::<T>::TooManyVerifiers)?;
        CapacityVerifiers::<T>::put(bounded);
        Self::deposit_event(Event::CapacityVerifiersSet { verifiers });
        Ok(())
    }

    /// Verified capacity needs a majority of the `verifiers` capacity verifiers that they can
    /// reach: `verifiers / 2 < min_capacity_attestations <= verifiers`, so that no minority
    /// verifies capacity alone ([`economics::verification`]) and capacity can still be
    /// verified. Checked whenever the parameters or the verifier set change.
    pub(crate) fn ensure_verifier_quorum(quorum: u32, verifiers: usize) -> DispatchResult {
        economics::check_majority(quorum, verifiers).map_err(|e| {
            match e {
                economics::QuorumError::TooSmall => Error::<T>::VerifierQuorumTooSmall,
                economics::QuorumError::Unreachable => Error::<T>::VerifierQuorumUnreachable,
            }
            .into()
        })
    }

    /// [`Pallet::bond_verifier`] for `who`: holds `amount` more as its verifier bond. A first
    /// bond is at least the parameters' `verifier_bond`, so that every entry of
    /// [`VerifierBonds`] stands on a deposit; a top-up may be any non-zero amount.
    pub(crate) fn do_bond_verifier(who: T::AccountId, amount: Amount) -> DispatchResult {
        ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
        let params = Self::params()?;
        let existing = VerifierBonds::<T>::get(&who);
        let mut bond = existing.unwrap_or_default();
        let total = bond
            .amount
            .checked_add(amount)
            .ok_or(Error::<T>::Overflow)?;
        ensure!(
            existing.is_some() || total >= params.verifier_bond,
            Error::<T>::VerifierBondTooLow
        );
        T::Currency::hold(&HoldReason::VerifierBond.into(), &who, amount)
            .map_err(|_| Error::<T>::InsufficientBalance)?;
        bond.amount = total;
        VerifierBonds::<T>::insert(&who, bond);
        Self::deposit_event(Event::VerifierBonded {
            verifier: who,
            amount,
            total,
        });
        Ok(())
    }

    /// [`Pallet::withdraw_verifier_bond`] for `who`: releases its whole verifier bond once it is
    /// out of the verifier set and [`Config::MinUnbondingPeriod`] blocks have passed since its
    /// last attestation (longer than any referendum that may slash it for that attestation).
    pub(crate) fn do_withdraw_verifier_bond(who: T::AccountId) -> DispatchResult {
        let bond = VerifierBonds::<T>::get(&who).ok_or(Error::<T>::NotBondedVerifier)?;
        ensure!(
            CapacityVerifiers::<T>::get().binary_search(&who).is_err(),
            Error::<T>::StillVerifier
        );
        if let Some(at) = bond.last_attested {
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(
                now >= at.saturating_add(T::MinUnbondingPeriod::get().into()),
                Error::<T>::StillUnbonding
            );
        }
        let released = T::Currency::release(
            &HoldReason::VerifierBond.into(),
            &who,
            bond.amount,
            Precision::Exact,
        )?;
        VerifierBonds::<T>::remove(&who);
        Self::deposit_event(Event::VerifierBondWithdrawn {
            verifier: who,
            amount: released,
        });
        Ok(())
    }

    /// [`Pallet::slash_verifier`], the origin checked: burns `share` of the verifier's bond
    /// (rounded down) and books it as a slash. A verifier left below the parameters' bond
    /// attests no more until it bonds again; it stays in the set until governance removes it.
    pub(crate) fn do_slash_verifier(verifier: T::AccountId, share: Perbill) -> DispatchResult {
        let mut bond = VerifierBonds::<T>::get(&verifier).ok_or(Error::<T>::NotBondedVerifier)?;
        let reason = HoldReason::VerifierBond.into();
        let burned = Self::burn_held(&reason, &verifier, share.mul_floor(bond.amount));
        // What stays held, to the planck (the burn may also have removed dust).
        bond.amount = T::Currency::balance_on_hold(&reason, &verifier);
        VerifierBonds::<T>::insert(&verifier, bond);
        Self::deposit_event(Event::VerifierSlashed {
            verifier,
            amount: burned,
        });
        Ok(())
    }
}
