//! The helpers behind the calls: providers' records and their rewards, credit purchases, the
//! open epoch's books. Each is O(1).

use crate::{
    economics::{self, Amount, Credits, EpochBooks, HardLimits, Parameters},
    queries,
    types::{Provider, UsageRecord},
    ActiveParameters, Config, CurrentEpoch, Emission, Error, Event, Pallet, ProviderCount,
    Providers, UsagePools,
};
use frame_support::{
    ensure,
    traits::{
        fungible::Mutate,
        tokens::{Fortitude, Precision, Preservation},
        Get,
    },
    PalletId,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_arithmetic::FixedU128;
use sp_runtime::{
    traits::{AccountIdConversion, Zero},
    DispatchError, DispatchResult, Saturating,
};

/// A provider's stored record.
type ProviderOf<T> = Provider<BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
    /// The reward pot: holds minted-but-unclaimed provider rewards and, until the epoch closes,
    /// the treasury's share of it.
    pub fn pot() -> T::AccountId {
        <T::PalletId as Get<PalletId>>::get().into_account_truncating()
    }

    /// The runtime's hard limits.
    pub fn hard_limits() -> HardLimits {
        HardLimits {
            max_emission_per_block: T::MaxEmissionPerBlock::get(),
            min_epoch_length: T::MinEpochLength::get(),
            max_epoch_length: T::MaxEpochLength::get(),
            max_step_per_epoch: T::MaxStepPerEpoch::get(),
            max_usage_reward_cap: T::MaxUsageRewardCap::get(),
            max_total_supply: T::MaxTotalSupply::get(),
        }
    }

    /// The parameters in force, or [`Error::NotConfigured`].
    pub(crate) fn params() -> Result<Parameters, DispatchError> {
        ActiveParameters::<T>::get().ok_or_else(|| Error::<T>::NotConfigured.into())
    }

    // --- providers ------------------------------------------------------------------------

    /// Load, check and change `who`'s provider record in one step: `change` validates and
    /// mutates the record (nothing is written if it fails); the provider's availability is then
    /// settled, its points follow its new state and the record is stored.
    pub(crate) fn mutate_provider(
        who: &T::AccountId,
        change: impl FnOnce(&mut ProviderOf<T>) -> DispatchResult,
    ) -> DispatchResult {
        let mut record = Providers::<T>::get(who).ok_or(Error::<T>::NotProvider)?;
        change(&mut record)?;
        Self::refresh_points(&mut record);
        Providers::<T>::insert(who, record);
        Ok(())
    }

    /// Registers `who` as a new active provider with `capacity` and `bond` (already held).
    pub(crate) fn insert_provider(who: &T::AccountId, capacity: u32, bond: Amount) {
        let now = frame_system::Pallet::<T>::block_number();
        let mut record = Provider::new(capacity, bond, FixedU128::zero());
        record.snapshot = Emission::<T>::mutate(|e| e.accrual.change_points(now, 0, record.points));
        Providers::<T>::insert(who, record);
        ProviderCount::<T>::mutate(|c| *c = c.saturating_add(1));
    }

    /// The provider's record, if it is registered and active.
    pub(crate) fn ensure_active(provider: &T::AccountId) -> Result<ProviderOf<T>, DispatchError> {
        let record = Providers::<T>::get(provider).ok_or(Error::<T>::NotProvider)?;
        ensure!(record.is_active(), Error::<T>::ProviderNotActive);
        Ok(record)
    }

    /// Moves everything a provider has earned into `pending`: availability up to the
    /// accumulator value `index`, and usage of a closed epoch. O(1).
    pub(crate) fn settle(record: &mut ProviderOf<T>, index: FixedU128) {
        Self::settle_availability(record, index);
        Self::settle_usage(record);
    }

    /// Moves the availability rewards earned up to the accumulator value `index` into
    /// `pending`.
    fn settle_availability(record: &mut ProviderOf<T>, index: FixedU128) {
        record
            .pending
            .saturating_accrue(economics::accrued(record.points, record.snapshot, index));
        record.snapshot = index;
    }

    /// Settles the provider's usage if its epoch has closed (only closed epochs have a pool).
    fn settle_usage(record: &mut ProviderOf<T>) {
        let Some(usage) = record.usage else {
            return;
        };
        if let Some(pool) = UsagePools::<T>::get(usage.epoch) {
            record
                .pending
                .saturating_accrue(economics::settle_usage(&pool, usage.basis));
            record.usage = None;
        }
    }

    /// Settles availability rewards and recomputes the provider's points (zero unless active),
    /// keeping the accrual's total in step.
    fn refresh_points(record: &mut ProviderOf<T>) {
        let points = record.target_points();
        let now = frame_system::Pallet::<T>::block_number();
        let index = Emission::<T>::mutate(|e| e.accrual.change_points(now, record.points, points));
        Self::settle_availability(record, index);
        record.points = points;
    }

    /// Keeps a provider's record, or removes it once it has left, holds no bond and is owed
    /// nothing.
    pub(crate) fn store_or_remove(who: &T::AccountId, record: ProviderOf<T>) {
        if record.is_done() {
            Providers::<T>::remove(who);
            ProviderCount::<T>::mutate(|c| *c = c.saturating_sub(1));
        } else {
            Providers::<T>::insert(who, record);
        }
    }

    // --- credits --------------------------------------------------------------------------

    /// Validates a purchase of credits for `amount` tokens; returns the credits it buys.
    pub(crate) fn credits_for_purchase(
        amount: Amount,
        min_credits: Credits,
    ) -> Result<Credits, DispatchError> {
        ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
        let credits = queries::quote_credits::<T>(amount)?;
        ensure!(!credits.is_zero(), Error::<T>::TooSmallForOneCredit);
        ensure!(credits >= min_credits, Error::<T>::SlippageExceeded);
        Ok(credits)
    }

    /// Burns exactly `amount` of `who`'s free tokens for `credits` and books the sale. The
    /// caller credits them to an account or serves them; nothing is changed on error.
    pub(crate) fn burn_for_credits(
        who: &T::AccountId,
        amount: Amount,
        credits: Credits,
    ) -> DispatchResult {
        // Keep the buyer alive; free (unheld, unfrozen) funds only.
        T::Currency::burn_from(
            who,
            amount,
            Preservation::Preserve,
            Precision::Exact,
            Fortitude::Polite,
        )
        .map_err(|_| Error::<T>::InsufficientBalance)?;
        Self::note_in_books(|b| {
            b.burned_credits.saturating_accrue(amount);
            b.credits_sold.saturating_accrue(credits);
        });
        Self::deposit_event(Event::CreditsBought {
            who: who.clone(),
            burned: amount,
            credits,
        });
        Ok(())
    }

    /// Records `credits`, bought by burning `basis` tokens, as served by an active `provider`
    /// in the open epoch. Infallible: the caller has validated everything.
    pub(crate) fn serve(
        who: &T::AccountId,
        provider: &T::AccountId,
        mut record: ProviderOf<T>,
        credits: Credits,
        basis: Amount,
    ) {
        let epoch = CurrentEpoch::<T>::mutate(|e| {
            e.books.credits_served.saturating_accrue(credits);
            e.books.basis_served.saturating_accrue(basis);
            e.index
        });
        // A record holds one epoch's usage: settle an older epoch's first (its pool is closed,
        // so this is final).
        if record.usage.is_some_and(|u| u.epoch != epoch) {
            Self::settle_usage(&mut record);
        }
        let mut usage = record.usage.unwrap_or(UsageRecord {
            epoch,
            credits: 0,
            basis: 0,
        });
        usage.credits.saturating_accrue(credits);
        usage.basis.saturating_accrue(basis);
        record.usage = Some(usage);
        Providers::<T>::insert(provider, record);
        Self::deposit_event(Event::CreditsSpent {
            who: who.clone(),
            provider: provider.clone(),
            credits,
        });
    }

    /// Records something (a burn, a sale) in the open epoch's books.
    pub(crate) fn note_in_books(book: impl FnOnce(&mut EpochBooks)) {
        CurrentEpoch::<T>::mutate(|e| book(&mut e.books));
    }
}
