//! Executing emission: each block's mint, and the epoch boundary's plan
//! ([`economics::plan_epoch_close`]) turned into transfers, mints and storage writes.

use crate::{
    economics::{self, Amount, EpochClose, Parameters},
    types::{EmissionState, EpochInfo},
    Config, CurrentEpoch, Event, Ledger, Pallet, PendingParameters, UsagePools,
};
use frame_support::traits::{
    fungible::{Inspect, Mutate},
    tokens::{Fortitude, Precision, Preservation},
    Get,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
    traits::{One, Zero},
    Saturating,
};

impl<T: Config> Pallet<T> {
    /// Tokens that may still be minted below [`Config::MaxTotalSupply`].
    pub(crate) fn room_below_cap() -> Amount {
        T::MaxTotalSupply::get()
            .map(|cap| cap.saturating_sub(T::Currency::total_issuance()))
            .unwrap_or(Amount::MAX)
    }

    /// Mints block `now`'s emission into the reward pot: the treasury's share (paid on to the
    /// treasury when the epoch closes) and, while any provider is online, the availability
    /// share. One balance written per block. The block is all or nothing below the supply cap
    /// (the controller leaves room for a whole epoch, so the cap only binds if something else
    /// minted) and below the hard cap per block (which the controller and the first
    /// configuration already respect: this is the last line). Returns whether anything was
    /// withheld, i.e. whether `emission` changed and must be stored.
    pub(crate) fn mint_block_emission(
        now: BlockNumberFor<T>,
        emission: &mut EmissionState<BlockNumberFor<T>>,
    ) -> bool {
        let (ecosystem, availability) = emission.accrual.minted_per_block();
        let amount = ecosystem.saturating_add(availability);
        if amount.is_zero() {
            return false;
        }
        // The pot exists from genesis, so minting into it only fails on overflow.
        if amount > Self::room_below_cap()
            || emission.accrual.per_block.total() > T::MaxEmissionPerBlock::get()
            || T::Currency::mint_into(&Self::pot(), amount).is_err()
        {
            emission.accrual.withhold_block(now);
            return true;
        }
        false
    }

    /// Closes the open epoch at block `now` (its last block is `now - 1`) and opens the next:
    /// plans the boundary with [`economics::plan_epoch_close`], then executes the plan. O(1).
    pub(crate) fn close_epoch(
        now: BlockNumberFor<T>,
        epoch: EpochInfo<BlockNumberFor<T>>,
        params: Parameters,
        emission: &mut EmissionState<BlockNumberFor<T>>,
    ) {
        let mut plan = economics::plan_epoch_close(
            EpochClose {
                index: epoch.index,
                books: epoch.books,
                closed_totals: epoch.closed_totals,
                accrual: emission.accrual,
                last_block: now.saturating_sub(One::one()),
                controller: emission.controller,
                params,
                pending: PendingParameters::<T>::get(),
                total_issuance: T::Currency::total_issuance(),
                ledger_retention: T::LedgerRetention::get(),
            },
            &Self::hard_limits(),
        );

        // The treasury's share waited in the pot; pay it on. Should the treasury be unable to
        // receive it (its account gone and the amount below the existential deposit), it is
        // burned back and counted as never minted.
        let pot = Self::pot();
        let mut treasury_short = 0;
        if !plan.pay_treasury.is_zero()
            && T::Currency::transfer(
                &pot,
                &T::TreasuryAccount::get(),
                plan.pay_treasury,
                Preservation::Preserve,
            )
            .is_err()
        {
            treasury_short = T::Currency::burn_from(
                &pot,
                plan.pay_treasury,
                Preservation::Preserve,
                Precision::BestEffort,
                Fortitude::Polite,
            )
            .unwrap_or(0);
        }
        // The usage pool; the plan kept it below the supply cap, so minting into the existing
        // pot only fails on overflow.
        let pool = plan.usage_pool.minted;
        let minted = if pool.is_zero() {
            0
        } else {
            T::Currency::mint_into(&pot, pool).unwrap_or(0)
        };
        plan.record_shortfall(treasury_short, pool.saturating_sub(minted));

        // Only an epoch in which credits were served has usage to settle: no pool otherwise.
        if !plan.usage_pool.credits.is_zero() {
            UsagePools::<T>::insert(plan.index, plan.usage_pool);
        }
        Ledger::<T>::insert(plan.index, plan.books);
        if let Some(old) = plan.prune {
            Ledger::<T>::remove(old);
        }
        if let Some(new) = plan.applied {
            crate::ActiveParameters::<T>::put(new);
            PendingParameters::<T>::kill();
            Self::deposit_event(Event::ParametersApplied {
                old: Some(params),
                new,
            });
        }
        emission.controller = plan.controller;
        emission.accrual = plan.accrual;
        CurrentEpoch::<T>::put(EpochInfo {
            index: plan.next_index(),
            start: now,
            length: plan.params.epoch_length,
            books: Default::default(),
            closed_totals: plan.closed_totals(),
        });
        Self::deposit_event(Event::EpochClosed {
            epoch: plan.index,
            books: plan.books,
            next_emission_per_block: plan.controller.emission_per_block,
        });
    }
}
