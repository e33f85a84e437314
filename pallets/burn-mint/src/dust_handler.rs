//! Dust through the books: [`DustHandler`] burns what an account removed below the existential
//! deposit still held, and books it in the open epoch as `burned_dust`.

use crate::{Config, Pallet};
use frame_support::traits::{
    fungible::{Balanced, Credit},
    Imbalance, OnUnbalanced,
};
use sp_runtime::Saturating;

/// Burns the dust of removed accounts and books it (`EpochBooks::burned_dust`). Use it as
/// pallet-balances' `DustRemoval`: with `()` the dust is burned all the same but no book sees
/// it, and the issuance drifts from what the books explain. The controller follows dust like
/// a fee burn (`EpochBooks::net_burn`). One read and one write of the open epoch per removed
/// account.
pub struct DustHandler<T>(core::marker::PhantomData<T>);

impl<T: Config> OnUnbalanced<Credit<T::AccountId, T::Currency>> for DustHandler<T>
where
    T::Currency: Balanced<T::AccountId>,
{
    fn on_nonzero_unbalanced(amount: Credit<T::AccountId, T::Currency>) {
        let dust = amount.peek();
        // Dropping a credit lowers total issuance: that is the burn.
        drop(amount);
        Pallet::<T>::note_in_books(|b| b.burned_dust.saturating_accrue(dust));
    }
}
