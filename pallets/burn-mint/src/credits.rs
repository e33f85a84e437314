//! Credits and rewards: buying credits (a burn), spending them with a provider (its usage),
//! paying for compute in one call, and claiming a provider's rewards. The calls in `lib.rs`
//! check the origin and call these; each validates everything before it changes anything.

use crate::{
    economics::{self, Amount, Credits},
    Config, CreditBalances, Emission, Error, Event, Pallet, Providers,
};
use frame_support::{
    ensure,
    pallet_prelude::{DispatchError, DispatchResult},
    traits::{fungible::Mutate, tokens::Preservation},
};
use sp_runtime::{traits::Zero, Saturating};

impl<T: Config> Pallet<T> {
    /// [`Pallet::buy_credits`] for `who`.
    pub(crate) fn do_buy_credits(
        who: T::AccountId,
        amount: Amount,
        min_credits: Credits,
    ) -> DispatchResult {
        let mut account = CreditBalances::<T>::get(&who);
        let credits = Self::credits_for_purchase(amount, min_credits)?;
        // A first entry takes a consumer reference on the account (see [`CreditBalances`]).
        let first = account.credits.is_zero();
        ensure!(
            !first || frame_system::Pallet::<T>::can_inc_consumer(&who),
            Error::<T>::TooManyConsumers
        );
        account.credits = account
            .credits
            .checked_add(credits)
            .ok_or(Error::<T>::Overflow)?;
        account.basis = account.basis.saturating_add(amount);
        Self::burn_for_credits(&who, amount, credits)?;
        if first {
            // Checked above, and the burn kept the account alive.
            frame_system::Pallet::<T>::inc_consumers(&who)?;
        }
        CreditBalances::<T>::insert(&who, account);
        Ok(())
    }

    /// [`Pallet::spend_credits`] for `who`. Returns whether the provider's closed-epoch work
    /// was settled ([`Pallet::serve`]).
    pub(crate) fn do_spend_credits(
        who: T::AccountId,
        provider: T::AccountId,
        credits: Credits,
    ) -> Result<bool, DispatchError> {
        ensure!(!credits.is_zero(), Error::<T>::ZeroAmount);
        let record = Self::ensure_payable(&provider)?;
        let mut account = CreditBalances::<T>::get(&who);
        ensure!(account.credits >= credits, Error::<T>::InsufficientCredits);
        let basis = economics::basis_of(credits, account.credits, account.basis);
        account.credits -= credits;
        account.basis = account.basis.saturating_sub(basis);
        if account.credits.is_zero() {
            CreditBalances::<T>::remove(&who);
            frame_system::Pallet::<T>::dec_consumers(&who);
        } else {
            CreditBalances::<T>::insert(&who, account);
        }
        Ok(Self::serve(&who, &provider, record, credits, basis))
    }

    /// [`Pallet::pay_for_compute`] for `who`. Returns whether the provider's closed-epoch
    /// work was settled ([`Pallet::serve`]).
    pub(crate) fn do_pay_for_compute(
        who: T::AccountId,
        provider: T::AccountId,
        amount: Amount,
        min_credits: Credits,
    ) -> Result<bool, DispatchError> {
        // Check the provider first so that a payment to an inactive provider burns nothing.
        let record = Self::ensure_payable(&provider)?;
        let credits = Self::credits_for_purchase(amount, min_credits)?;
        Self::burn_for_credits(&who, amount, credits)?;
        Ok(Self::serve(&who, &provider, record, credits, amount))
    }

    /// [`Pallet::claim_rewards`] for `provider` (anyone may trigger it).
    pub(crate) fn do_claim_rewards(provider: T::AccountId) -> DispatchResult {
        let mut record = Providers::<T>::get(&provider).ok_or(Error::<T>::NotProvider)?;
        ensure!(
            !record.is_frozen(&frame_system::Pallet::<T>::block_number()),
            Error::<T>::ProviderFrozen
        );
        Self::settle(&mut record, Self::current_epoch());
        let amount = record.pending;
        if amount.is_zero() {
            if record.is_done() {
                // A provider that left, withdrew and whose last work earned nothing: the claim
                // removes its record (nothing else would).
                Self::store_or_remove(&provider, record);
                return Ok(());
            }
            ensure!(record.locked.is_zero(), Error::<T>::RewardsLocked);
            return Err(Error::<T>::NothingToClaim.into());
        }
        T::Currency::transfer(&Self::pot(), &provider, amount, Preservation::Preserve)?;
        Emission::<T>::mutate(|e| e.owed.saturating_reduce(amount));
        record.pending = 0;
        Self::store_or_remove(&provider, record);
        Self::deposit_event(Event::RewardsClaimed { provider, amount });
        Ok(())
    }
}
