//! Transaction fees through the economy: [`FeeHandler`] burns the governance-set share of every
//! fee and tip and sends the rest to the treasury, and records the burn in the open epoch's
//! books.

use crate::{Config, Event, Pallet};
use frame_support::traits::{
    fungible::{Balanced, Credit},
    Get, Imbalance, OnUnbalanced,
};
use sp_arithmetic::Perbill;
use sp_runtime::Saturating;

/// Routes transaction fees through the pallet: burns the governance-set `fee_burn_share` of
/// every fee and tip ([`crate::economics::split_fee`]: the burn rounds up) and sends the rest
/// to the treasury. Use it as the `OnUnbalanced` handler
/// of `pallet_transaction_payment::FungibleAdapter`. Before the pallet has parameters, every
/// fee is burned.
pub struct FeeHandler<T>(core::marker::PhantomData<T>);

impl<T: Config> OnUnbalanced<Credit<T::AccountId, T::Currency>> for FeeHandler<T> {
    fn on_nonzero_unbalanced(amount: Credit<T::AccountId, T::Currency>) {
        let share = crate::ActiveParameters::<T>::get()
            .map(|p| p.fee_burn_share)
            .unwrap_or(Perbill::one());
        let total = amount.peek();
        let (burn, rest) = amount.split(crate::economics::split_fee(total, share).burned);
        // Dropping a credit reduces total issuance: that is the burn.
        drop(burn);
        let rest_amount = rest.peek();
        let to_treasury = match T::Currency::resolve(&T::TreasuryAccount::get(), rest) {
            Ok(()) => rest_amount,
            Err(rest) => {
                // The treasury cannot receive it (it would stay below the ED): burn it too.
                drop(rest);
                0
            }
        };
        let burned = total.saturating_sub(to_treasury);
        Pallet::<T>::note_in_books(|b| b.burned_fees.saturating_accrue(burned));
        Pallet::<T>::deposit_event(Event::FeesBurned {
            burned,
            to_treasury,
        });
    }
}
