//! The pallet's invariants, checked after every pallet and runtime test and by `try-runtime`.

use crate::{
    economics::{self, Amount, Credits, Totals},
    ActiveParameters, Config, CreditBalances, CurrentEpoch, Emission, HoldReason, Ledger, Pallet,
    PendingParameters, PriceFeeders, ProviderCount, Providers, UsagePools,
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
    /// - each provider's points are what its state, capacity and reputation give, and they add
    ///   up to the accrual's total;
    /// - every usage record belongs to the open epoch or to a closed one whose pool is kept;
    /// - the accrual is not ahead of the chain;
    /// - active and pending parameters validate; the emission in force is within the hard cap
    ///   and the per-block split is the split of it; the open epoch is not overdue;
    /// - the ledger holds exactly the retained closed epochs, and while nothing was pruned the
    ///   closed-epoch totals are the ledger's sum;
    /// - total issuance never exceeds the maximum supply;
    /// - the credits held by all accounts are the credits sold and not yet served;
    /// - price feeders are sorted and unique.
    pub fn do_try_state() -> Result<(), TryRuntimeError> {
        let now = frame_system::Pallet::<T>::block_number();
        let emission = Emission::<T>::get();
        let accrual = emission.accrual;
        let epoch = CurrentEpoch::<T>::get();
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
            ensure!(
                record.points == record.target_points(),
                "a provider's points differ from what its state gives"
            );
            if let Some(usage) = record.usage {
                ensure!(
                    usage.epoch == epoch.index || UsagePools::<T>::contains_key(usage.epoch),
                    "usage of a closed epoch without a pool"
                );
                ensure!(usage.epoch <= epoch.index, "usage of a future epoch");
            }
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

        // The ledger keeps exactly the last `LedgerRetention` closed epochs; while none was
        // pruned, the closed totals are its sum.
        let retention = T::LedgerRetention::get();
        let oldest = epoch.index.saturating_sub(retention);
        let mut ledger = Totals::default();
        let mut entries: u32 = 0;
        for (index, books) in Ledger::<T>::iter() {
            ensure!(
                index >= oldest && index < epoch.index,
                "ledger entry outside the retained range"
            );
            ledger.add(&books);
            entries += 1;
        }
        ensure!(
            entries == epoch.index - oldest,
            "ledger misses a retained epoch"
        );
        if epoch.index <= retention {
            ensure!(
                ledger == epoch.closed_totals,
                "closed-epoch totals differ from the ledger"
            );
        }

        let limits = Self::hard_limits();
        if let Some(params) = ActiveParameters::<T>::get() {
            ensure!(
                params.validate(&limits).is_ok(),
                "active parameters do not validate"
            );
            ensure!(
                emission.controller.emission_per_block <= limits.max_emission_per_block,
                "emission above the hard cap"
            );
            ensure!(
                accrual.per_block
                    == economics::split_emission(emission.controller.emission_per_block, &params),
                "per-block split differs from the split of the emission in force"
            );
            ensure!(
                now < epoch.start.saturating_add(epoch.length.into()),
                "the open epoch is overdue"
            );
        }
        if let Some(pending) = PendingParameters::<T>::get() {
            ensure!(
                pending.validate(&limits).is_ok(),
                "pending parameters do not validate"
            );
        }

        let feeds = PriceFeeders::<T>::get();
        ensure!(
            feeds.windows(2).all(|w| w[0].feeder < w[1].feeder),
            "price feeders are not sorted and unique"
        );
        Ok(())
    }
}
