//! The pallet's invariants, checked after every pallet and runtime test and by `try-runtime`.

use crate::{
    economics::{Amount, Credits, Totals},
    Config, CreditBalances, CurrentEpoch, Emission, HoldReason, Ledger, Pallet, ProviderCount,
    Providers,
};
use frame_support::{
    ensure,
    traits::{
        fungible::{Inspect, InspectHold},
        Get,
    },
};
use sp_runtime::{Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
    /// The pallet's invariants:
    /// - the pot covers every outstanding reward and the treasury's share of the open epoch;
    /// - held bonds match the providers' bonds;
    /// - the accrual is not ahead of the chain and its points match the providers' points;
    /// - the closed-epoch totals match the ledger's (while no entry has been pruned);
    /// - total issuance never exceeds the maximum supply;
    /// - the credits held by all accounts are the credits sold and not yet served.
    pub fn do_try_state() -> Result<(), TryRuntimeError> {
        let now = frame_system::Pallet::<T>::block_number();
        let accrual = Emission::<T>::get().accrual;
        ensure!(accrual.updated_at <= now, "accrual is ahead of the chain");
        let index = accrual.index_at(now);
        let mut outstanding: Amount = 0;
        let mut points: u128 = 0;
        let mut count: u32 = 0;
        for (who, mut record) in Providers::<T>::iter() {
            // Usage of the open epoch is paid from its close's minting; nothing owed yet.
            Self::settle(&mut record, index);
            outstanding.saturating_accrue(record.pending);
            points.saturating_accrue(record.points);
            count += 1;
            let held = T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), &who);
            ensure!(
                held == record.bond,
                "held bond differs from the provider's bond"
            );
        }
        ensure!(
            count == ProviderCount::<T>::get(),
            "provider count mismatch"
        );
        ensure!(points == accrual.total_points, "total points mismatch");
        // The treasury's share of the open epoch waits in the pot too.
        let mut open = accrual;
        open.advance_to(now);
        outstanding.saturating_accrue(open.ecosystem);
        let pot = T::Currency::balance(&Self::pot());
        ensure!(
            pot >= outstanding,
            "reward pot does not cover outstanding rewards"
        );

        let credits: Credits = CreditBalances::<T>::iter_values().map(|a| a.credits).sum();
        ensure!(
            credits == Self::totals().credits_outstanding(),
            "credit balances differ from credits sold minus served"
        );

        if let Some(cap) = T::MaxTotalSupply::get() {
            ensure!(
                T::Currency::total_issuance() <= cap,
                "issuance above the supply cap"
            );
        }

        // Closed totals equal the sum over the ledger, if no entry was pruned yet.
        let epoch = CurrentEpoch::<T>::get();
        if epoch.index <= T::LedgerRetention::get() {
            let mut ledger = Totals::default();
            for (_, books) in Ledger::<T>::iter() {
                ledger.add(&books);
            }
            ensure!(
                ledger == epoch.closed_totals,
                "closed-epoch totals differ from the ledger"
            );
        }
        Ok(())
    }
}
