//! The helpers behind the calls: providers' records and their rewards, credit purchases, the
//! open epoch's books. Each is O(1).

use crate::{
    economics::{self, Amount, Credits, EpochBooks, EpochWork, HardLimits, Parameters},
    queries,
    types::{EpochInfo, Provider, ProviderHistory},
    ActiveParameters, Attestations, Config, CurrentEpoch, Emission, Error, Event, History,
    HoldReason, Pallet, PoolClaims, ProviderCount, Providers, RewardPools,
};
use alloc::vec::Vec;
use frame_support::{
    ensure,
    traits::{
        fungible::{Inspect, Mutate, MutateHold},
        tokens::{Fortitude, Precision, Preservation},
        Get,
    },
    PalletId,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_arithmetic::{Perbill, Permill};
use sp_runtime::{
    traits::{AccountIdConversion, UniqueSaturatedInto, Zero},
    DispatchError, DispatchResult, Saturating,
};

/// A provider's stored record.
pub(crate) type ProviderOf<T> = Provider<BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
    /// The configuration's own consistency, checked by
    /// [`frame_support::traits::Hooks::integrity_test`]: panics naming what is wrong.
    pub(crate) fn check_config() {
        assert!(
            T::MaxUsageRewardCap::get() < Perbill::one(),
            "MaxUsageRewardCap must be below 100% so that self-dealing never pays"
        );
        assert!(
            T::MaxSelfDealingReturn::get() < Perbill::one(),
            "MaxSelfDealingReturn must be below 100% so that self-dealing never pays"
        );
        assert!(T::BlocksPerYear::get() > 0, "a year has blocks");
        assert!(
            T::MinEpochLength::get() > 0 && T::MinEpochLength::get() <= T::MaxEpochLength::get(),
            "epoch length limits must admit at least one length"
        );
        assert!(
            T::MinUnbondingPeriod::get() > 0,
            "an unbonding period of zero lets a provider escape any slash"
        );
        assert!(
            T::RewardClaimWindow::get() > T::RewardDelay::get(),
            "reward pools must outlive the reward delay"
        );
        assert!(
            T::RewardDelay::get() <= crate::types::MAX_UNLOCK_CHUNKS,
            "a provider record keeps at most MAX_UNLOCK_CHUNKS epochs of locked rewards"
        );
        assert!(
            T::RewardClaimWindow::get() <= crate::types::MAX_REWARD_POOLS,
            "PoolClaims keeps at most MAX_REWARD_POOLS pools' claims"
        );
        assert!(T::TokenUnit::get() > 0);
        assert!(T::CreditsPerStableUnit::get() > 0);
    }

    /// The reward pot: holds minted-but-unclaimed provider rewards and, until the epoch closes,
    /// the treasury's share of it.
    pub fn pot() -> T::AccountId {
        <T::PalletId as Get<PalletId>>::get().into_account_truncating()
    }

    /// Burns up to `amount` from the pot, keeping it alive. Returns what was burned.
    pub(crate) fn burn_from_pot(pot: &T::AccountId, amount: Amount) -> Amount {
        if amount.is_zero() {
            return 0;
        }
        T::Currency::burn_from(
            pot,
            amount,
            Preservation::Preserve,
            Precision::BestEffort,
            Fortitude::Polite,
        )
        .unwrap_or(0)
    }

    /// The runtime's hard limits.
    pub fn hard_limits() -> HardLimits {
        HardLimits {
            max_emission_per_block: T::MaxEmissionPerBlock::get(),
            min_epoch_length: T::MinEpochLength::get(),
            max_epoch_length: T::MaxEpochLength::get(),
            max_step_per_epoch: T::MaxStepPerEpoch::get(),
            max_usage_reward_cap: T::MaxUsageRewardCap::get(),
            max_self_dealing_return: T::MaxSelfDealingReturn::get(),
            blocks_per_year: T::BlocksPerYear::get(),
            max_total_supply: T::MaxTotalSupply::get(),
            min_unbonding_period: T::MinUnbondingPeriod::get(),
        }
    }

    /// The parameters in force, or [`Error::NotConfigured`].
    pub(crate) fn params() -> Result<Parameters, DispatchError> {
        ActiveParameters::<T>::get().ok_or_else(|| Error::<T>::NotConfigured.into())
    }

    // --- providers ------------------------------------------------------------------------

    /// Index of the open epoch.
    pub(crate) fn current_epoch() -> u32 {
        CurrentEpoch::<T>::get().index
    }

    /// Load, check and change `who`'s provider record in one step: `change` validates and
    /// mutates the record (nothing is written if it fails); the provider's closed work is then
    /// settled, its live points this epoch follow its new state (they can only go down until
    /// it proves liveness again) and the record is stored.
    pub(crate) fn mutate_provider(
        who: &T::AccountId,
        change: impl FnOnce(&mut ProviderOf<T>, &Parameters) -> DispatchResult,
    ) -> DispatchResult {
        let params = Self::params()?;
        let mut record = Providers::<T>::get(who).ok_or(Error::<T>::NotProvider)?;
        change(&mut record, &params)?;
        let current = Self::current_epoch();
        Self::settle(&mut record, current);
        Self::recheck_live(&mut record, current, &params);
        Providers::<T>::insert(who, record);
        Ok(())
    }

    /// Registers `who` as a new active provider with `capacity` declared and `bond` (already
    /// held). Its reputation is what its account last had, or the initial reputation.
    pub(crate) fn insert_provider(
        who: &T::AccountId,
        capacity: u32,
        bond: Amount,
        params: &Parameters,
    ) {
        let reputation = History::<T>::get(who).map_or(params.initial_reputation, |h| h.reputation);
        let eligible_from = Self::current_epoch().saturating_add(1);
        Providers::<T>::insert(
            who,
            Provider::new(capacity, bond, reputation, eligible_from),
        );
        ProviderCount::<T>::mutate(|c| *c = c.saturating_add(1));
    }

    /// The provider's record, if it is registered, active and reputable: one that may be paid
    /// for compute.
    pub(crate) fn ensure_payable(provider: &T::AccountId) -> Result<ProviderOf<T>, DispatchError> {
        let params = Self::params()?;
        let record = Providers::<T>::get(provider).ok_or(Error::<T>::NotProvider)?;
        ensure!(record.is_active(), Error::<T>::ProviderNotActive);
        ensure!(
            record.is_reputable(params.min_reputation),
            Error::<T>::ReputationTooLow
        );
        Ok(record)
    }

    /// Settles the provider's work of a closed epoch against that epoch's reward pool (its
    /// reward is locked until the epoch's claim delay has passed) and unlocks what is due.
    /// Work whose pool has expired (or that earned nothing) is dropped. O(1).
    pub(crate) fn settle(record: &mut ProviderOf<T>, current: u32) {
        if let Some((epoch, pool)) = Self::settled(record, current) {
            Self::note_claimed(epoch, pool.claimed);
        }
    }

    /// [`Self::settle`] without writing what the pool paid: returns the pool as it is after
    /// settling, if one changed. Queries and `try_state` use it read-only.
    pub(crate) fn settled(
        record: &mut ProviderOf<T>,
        current: u32,
    ) -> Option<(u32, economics::RewardPool)> {
        let mut changed = None;
        // Unlock what is due first (each epoch's reward has its own chunk: a newer reward
        // never delays an older one).
        record.unlock(current);
        if let Some(work) = record.work.filter(|w| w.epoch < current) {
            // A pool outside the claim window pays nothing, even before a boundary has
            // expired it (after the window was lowered, expiry catches up over boundaries).
            let claimable = work.epoch.saturating_add(T::RewardClaimWindow::get()) >= current;
            if let Some(mut pool) = Self::reward_pool(work.epoch).filter(|_| claimable) {
                let reward = pool.settle(&work);
                changed = Some((work.epoch, pool));
                let unlock = work
                    .epoch
                    .saturating_add(1)
                    .saturating_add(T::RewardDelay::get());
                record.lock(reward, unlock);
            }
            record.work = None;
        }
        record.unlock(current);
        changed
    }

    /// The reward pool of the closed epoch `epoch`, if it is kept: what it minted
    /// ([`RewardPools`]) and what has been settled out of it ([`PoolClaims`]). A pool without
    /// its claims entry (which `try_state` rules out) is none: it pays nothing.
    pub fn reward_pool(epoch: u32) -> Option<economics::RewardPool> {
        let claimed = PoolClaims::<T>::get()
            .iter()
            .find(|c| c.epoch == epoch)?
            .claimed;
        Some(RewardPools::<T>::get(epoch)?.with_claimed(claimed))
    }

    /// Every kept reward pool, by epoch ascending ([`Self::reward_pool`] of each).
    pub fn reward_pools() -> Vec<(u32, economics::RewardPool)> {
        PoolClaims::<T>::get()
            .iter()
            .filter_map(|c| {
                Some((
                    c.epoch,
                    RewardPools::<T>::get(c.epoch)?.with_claimed(c.claimed),
                ))
            })
            .collect()
    }

    /// Records that `claimed` has now been settled, in all, out of the pool of `epoch` (an
    /// entry of [`PoolClaims`]; nothing if the pool has none).
    pub(crate) fn note_claimed(epoch: u32, claimed: Amount) {
        PoolClaims::<T>::mutate(|claims| {
            if let Some(entry) = claims.iter_mut().find(|c| c.epoch == epoch) {
                entry.claimed = claimed;
            }
        });
    }

    /// Proves the provider live in the open epoch `epoch`, in the liveness window the current
    /// block lies in (after settling older work): its live points become its state's points ×
    /// the share of the epoch's windows it has proved ([`economics::live_points`]). Returns
    /// the window and the live points counted. The heartbeat that proves the last of the
    /// epoch's windows raises the provider's reputation by the parameters'
    /// `service_reputation_gain` (an epoch of proven service).
    pub(crate) fn check_in(
        record: &mut ProviderOf<T>,
        epoch: &EpochInfo<BlockNumberFor<T>>,
        params: &Parameters,
    ) -> (u32, u128) {
        let current = epoch.index;
        Self::settle(record, current);
        let now = frame_system::Pallet::<T>::block_number();
        // A block of the open epoch is at most its length after its start: the offset fits.
        let offset: u32 = now.saturating_sub(epoch.start).unique_saturated_into();
        let window = economics::window_of(offset, epoch.length, params.liveness_windows);
        let points = record.points(params.min_reputation, current);
        let work = record.work.get_or_insert(EpochWork {
            epoch: current,
            ..Default::default()
        });
        let before = work.live_windows;
        work.live_windows = economics::prove_window(before, window);
        let live = economics::live_points(points, work.live_windows, params.liveness_windows);
        // An epoch of proven service: this heartbeat proved the last window the provider had
        // not (once an epoch, since a window is proved once). The gain counts from its next
        // heartbeat on (the points just proved are those of its reputation before).
        let every = economics::live_windows_all(params.liveness_windows);
        let served = work.live_windows == every && before != every;
        let old = work.live_points;
        work.live_points = live;
        Self::note_in_books(|b| {
            b.live_points = b.live_points.saturating_sub(old).saturating_add(live)
        });
        if served {
            // Kept in the record; the account's history takes it when the record goes.
            record.reputation = record
                .reputation
                .saturating_add(params.service_reputation_gain);
        }
        (window, live)
    }

    /// After a change of state: the provider's live points in the open epoch are at most what
    /// its state now gives for the windows it proved (lowered at once; raised only by proving
    /// liveness again).
    fn recheck_live(record: &mut ProviderOf<T>, current: u32, params: &Parameters) {
        let points = record.points(params.min_reputation, current);
        if let Some(work) = record.work.as_mut().filter(|w| w.epoch == current) {
            let points = economics::live_points(points, work.live_windows, params.liveness_windows);
            if work.live_points > points {
                let drop = work.live_points - points;
                work.live_points = points;
                Self::note_in_books(|b| b.live_points.saturating_reduce(drop));
            }
        }
    }

    /// Writes `who`'s reputation into the record and the account's history.
    pub(crate) fn set_reputation_of(
        who: &T::AccountId,
        record: &mut ProviderOf<T>,
        reputation: Permill,
    ) {
        record.reputation = reputation;
        Self::note_history(who, |h| h.reputation = reputation);
    }

    /// Changes `who`'s provider history. A new entry takes a consumer reference on the
    /// account (see [`History`]). A provider's account always exists (a hold never takes the
    /// existential deposit, `storage::a_provider_slashed_of_everything_keeps_its_account_while_it_keeps_its_history`);
    /// should one not, it keeps no history, as a fresh account has none.
    pub(crate) fn note_history(who: &T::AccountId, change: impl FnOnce(&mut ProviderHistory)) {
        let mut history = match History::<T>::get(who) {
            Some(history) => history,
            None => {
                // Without a limit: a provider must not escape its history by holding many
                // references. Fails only when the account has no provider reference.
                if frame_system::Pallet::<T>::inc_consumers_without_limit(who).is_err() {
                    return;
                }
                ProviderHistory::default()
            }
        };
        change(&mut history);
        History::<T>::insert(who, history);
    }

    /// [`Pallet::forget_history`] for `who`.
    pub(crate) fn do_forget_history(who: T::AccountId) -> DispatchResult {
        ensure!(
            !Providers::<T>::contains_key(&who),
            Error::<T>::StillProvider
        );
        ensure!(History::<T>::contains_key(&who), Error::<T>::NoHistory);
        History::<T>::remove(&who);
        frame_system::Pallet::<T>::dec_consumers(&who);
        Self::deposit_event(Event::HistoryForgotten { who });
        Ok(())
    }

    /// Keeps a provider's record, or removes it once it has left, holds no bond and is owed
    /// nothing.
    pub(crate) fn store_or_remove(who: &T::AccountId, record: ProviderOf<T>) {
        if record.is_done() {
            Self::remove_record(who, &record);
        } else {
            Providers::<T>::insert(who, record);
        }
    }

    /// Removes a provider's record; its reputation stays in its account's history.
    pub(crate) fn remove_record(who: &T::AccountId, record: &ProviderOf<T>) {
        Self::note_history(who, |h| h.reputation = record.reputation);
        Providers::<T>::remove(who);
        Attestations::<T>::remove(who);
        ProviderCount::<T>::mutate(|c| *c = c.saturating_sub(1));
    }

    /// Burns up to `amount` of `who`'s held provider bond and books what total issuance lost
    /// (the slashed bond, and any dust pallet-balances removes with it) in the open epoch
    /// ([`Pallet::burn_held`]) and in the account's history. Returns what was burned.
    pub(crate) fn slash_bond(who: &T::AccountId, amount: Amount) -> Amount {
        if amount.is_zero() {
            return 0;
        }
        let burned = Self::burn_held(&HoldReason::ProviderBond.into(), who, amount);
        Self::note_history(who, |h| {
            h.slashes.saturating_inc();
            h.slashed.saturating_accrue(burned);
        });
        burned
    }

    /// Burns up to `amount` of what `who` holds for `reason` and books what total issuance
    /// lost (with any dust pallet-balances removes) as a slash in the open epoch. Returns it.
    pub(crate) fn burn_held(
        reason: &T::RuntimeHoldReason,
        who: &T::AccountId,
        amount: Amount,
    ) -> Amount {
        if amount.is_zero() {
            return 0;
        }
        let issuance = T::Currency::total_issuance();
        let _ =
            T::Currency::burn_held(reason, who, amount, Precision::BestEffort, Fortitude::Force);
        let burned = issuance.saturating_sub(T::Currency::total_issuance());
        Self::note_in_books(|b| b.burned_slashes.saturating_accrue(burned));
        burned
    }

    /// Forfeits everything the provider has not claimed: claimable and locked rewards, its
    /// share of a closed epoch's pools not yet settled, and its live points in the open epoch.
    /// The tokens are burned from the pot and counted. Returns what was burned.
    pub(crate) fn forfeit(record: &mut ProviderOf<T>) -> Amount {
        let current = Self::current_epoch();
        let mut forfeited = record.take_owed();
        if let Some(work) = record.work.take() {
            if work.epoch < current {
                if let Some(mut pool) = Self::reward_pool(work.epoch) {
                    forfeited.saturating_accrue(pool.settle(&work));
                    Self::note_claimed(work.epoch, pool.claimed);
                }
            } else {
                Self::note_in_books(|b| b.live_points.saturating_reduce(work.live_points));
            }
        }
        Self::burn_forfeited(forfeited)
    }

    /// Burns `amount` of the pot's owed rewards (forfeited) and books it in the open epoch.
    /// Returns what was burned.
    pub(crate) fn burn_forfeited(amount: Amount) -> Amount {
        if amount.is_zero() {
            return 0;
        }
        let burned = Self::burn_from_pot(&Self::pot(), amount);
        Emission::<T>::mutate(|e| e.owed.saturating_reduce(burned));
        Self::note_in_books(|b| b.burned_forfeited.saturating_accrue(burned));
        burned
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

    /// Records `credits`, bought by burning `basis` tokens, as served by a payable
    /// `provider` in the open epoch. Serving is not a proof of liveness: anyone can pay any
    /// provider one credit, so only the provider's own [`Pallet::heartbeat`] counts.
    /// Infallible: the caller has validated everything. Returns whether the record held a
    /// closed epoch's work, settled first against that epoch's reward pool (the worst case
    /// the calls are charged for; otherwise they are charged their open-epoch weight).
    pub(crate) fn serve(
        who: &T::AccountId,
        provider: &T::AccountId,
        mut record: ProviderOf<T>,
        credits: Credits,
        basis: Amount,
    ) -> bool {
        let current = CurrentEpoch::<T>::mutate(|e| {
            e.books.credits_served.saturating_accrue(credits);
            e.books.basis_served.saturating_accrue(basis);
            e.index
        });
        // A record holds one epoch's work: settle an older epoch's first.
        let settled = record.work.is_some_and(|w| w.epoch < current);
        Self::settle(&mut record, current);
        let work = record.work.get_or_insert(EpochWork {
            epoch: current,
            ..Default::default()
        });
        work.credits.saturating_accrue(credits);
        work.basis.saturating_accrue(basis);
        Providers::<T>::insert(provider, record);
        Self::deposit_event(Event::CreditsSpent {
            who: who.clone(),
            provider: provider.clone(),
            credits,
        });
        settled
    }

    /// Records something (a burn, a sale) in the open epoch's books.
    pub(crate) fn note_in_books(book: impl FnOnce(&mut EpochBooks)) {
        CurrentEpoch::<T>::mutate(|e| book(&mut e.books));
    }
}
