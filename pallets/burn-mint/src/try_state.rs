//! The pallet's invariants, checked after every pallet and runtime test and by `try-runtime`.

use crate::{
    economics::{self, Amount, Credits, Totals},
    ActiveParameters, Attestations, CapacityVerifiers, Config, CreditBalances, CurrentEpoch,
    Emission, History, HoldReason, LastPrice, Ledger, Pallet, PendingParameters, PoolClaims,
    PriceFeeders, ProviderCount, Providers, RewardPools, VerifierBonds,
};
use frame_support::{
    ensure,
    traits::{
        fungible::{Inspect, InspectHold},
        Get, GetStorageVersion,
    },
};
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
    /// What the reward pot must hold now: its existential deposit, what it owes
    /// ([`crate::EmissionState::owed`]: claimable and locked rewards and what the kept reward
    /// pools still hold) and the treasury's share of the open epoch, which waits in it until
    /// the boundary.
    fn pot_requirement() -> Amount {
        let emission = Emission::<T>::get();
        let mut open = emission.accrual;
        open.advance_to(frame_system::Pallet::<T>::block_number());
        emission
            .owed
            .saturating_add(open.ecosystem)
            .saturating_add(T::Currency::minimum_balance())
    }

    /// Tokens in the reward pot beyond what it must hold: sent to it from outside (anyone may
    /// transfer to any account). Burned and booked as forfeited at the next epoch boundary
    /// ([`crate::Event::SurplusBurned`]); zero on a chain nobody gave to.
    pub fn pot_surplus() -> Amount {
        T::Currency::balance(&Self::pot()).saturating_sub(Self::pot_requirement())
    }

    /// The pot covers what it must hold ([`Self::pot_surplus`] is what it holds beyond). No
    /// upper bound is an invariant: an outsider controls what is sent to the pot, and a gift
    /// must not make the chain's own checks fail. It is burned at the boundary, where the
    /// pot is back to exactly what it must hold.
    pub fn check_pot() -> Result<(), TryRuntimeError> {
        ensure!(
            T::Currency::balance(&Self::pot()) >= Self::pot_requirement(),
            "reward pot does not cover what it owes"
        );
        Ok(())
    }

    /// The books explain the issuance without a gap: each closed epoch in the ledger opened at
    /// the issuance the one before it closed at, its outside lines and flows take it exactly
    /// from its open to its close, and the open epoch opened where the last closed one closed.
    /// (What was minted or burned outside the pallet is on the outside lines, so this holds
    /// whatever `Root` does; a gap means a flow of the pallet went unbooked.)
    pub fn check_issuance_chain(open: &economics::EpochBooks) -> Result<(), TryRuntimeError> {
        let index = CurrentEpoch::<T>::get().index;
        let mut next_open = open.total_issuance_at_open;
        for closed in (0..index).rev().take(T::LedgerRetention::get() as usize) {
            let Some(books) = Ledger::<T>::get(closed) else {
                break;
            };
            ensure!(
                books.total_issuance_at_close == next_open,
                "an epoch did not open at the issuance the one before it closed at"
            );
            ensure!(
                books
                    .total_issuance_at_open
                    .saturating_add(books.minted())
                    .saturating_sub(books.burned())
                    == books.total_issuance_at_close,
                "a closed epoch's books do not take the issuance from its open to its close"
            );
            next_open = books.total_issuance_at_open;
        }
        Ok(())
    }

    /// The pallet's invariants, each a named check (`check_*`, in the order they run), so
    /// that a failure names the concept it breaks:
    /// - the storage on chain is in the pallet's layout (its storage version);
    /// - the pot covers its existential deposit, the treasury's share of the open epoch and
    ///   what it owes ([`Self::check_pot`]); anything more was sent from outside and is a
    ///   surplus ([`Self::pot_surplus`]), burned at the next boundary, not a broken state;
    /// - held bonds match the providers' bonds; verified capacity is at most declared;
    /// - each provider's live points in the open epoch are at most what its state gives for
    ///   the liveness windows it proved (only windows the epoch has), and they add up to the
    ///   open books' live points;
    /// - no freeze lasts longer than `MinUnbondingPeriod` from now;
    /// - every provider's work belongs to the open epoch or to a closed one; reward pools are
    ///   kept only for closed epochs within the claim window and never pay out more than they
    ///   minted;
    /// - the accrual is not ahead of the chain;
    /// - active and pending parameters validate; the emission in force is within the hard cap
    ///   and the per-block split is the split of it; the open epoch is not overdue;
    /// - the ledger holds exactly the retained closed epochs, and the closed-epoch totals are
    ///   the ledger's sum plus the totals of the epochs it pruned;
    /// - the books explain the issuance without a gap ([`Self::check_issuance_chain`]);
    /// - total issuance never exceeds the maximum supply;
    /// - the credits held by all accounts are the credits sold and not yet served;
    /// - price feeders and capacity verifiers are sorted and unique, a price needs a
    ///   majority of the feeders and verified capacity a reachable majority of the verifiers;
    ///   the last price in force is positive and not from a future block;
    /// - attestations belong to providers, one per verifier;
    ///   a verified capacity counts from the next epoch at the latest;
    /// - each verifier bond is what its account holds for it.
    pub fn do_try_state() -> Result<(), TryRuntimeError> {
        Self::check_storage_version()?;
        let now = frame_system::Pallet::<T>::block_number();
        let epoch = CurrentEpoch::<T>::get();
        let owed_by_providers = Self::check_providers(now, &epoch)?;
        let owed_by_pools = Self::check_reward_pools(&epoch)?;
        ensure!(
            owed_by_providers.saturating_add(owed_by_pools) == Emission::<T>::get().owed,
            "owed rewards differ from the records"
        );
        Self::check_pot()?;
        Self::check_credits()?;
        Self::check_account_references()?;
        Self::check_supply_cap()?;
        Self::check_ledger(&epoch)?;
        Self::check_issuance_chain(&epoch.books)?;
        Self::check_parameters(now, &epoch)?;
        Self::check_price_feeders(now)?;
        Self::check_capacity_verifiers()?;
        Self::check_verifier_bonds(now)
    }

    /// The storage on chain is in the pallet's layout: no migration is missing.
    pub fn check_storage_version() -> Result<(), TryRuntimeError> {
        ensure!(
            Self::on_chain_storage_version() == Self::in_code_storage_version(),
            "the on-chain storage version is not the pallet's: a migration is missing"
        );
        Ok(())
    }

    /// Each provider: live points within what its state gives for the windows it proved (and
    /// only windows the epoch has), verified capacity within declared, work not from the
    /// future, a freeze within the unbonding minimum, its held bond its bond; the count and
    /// the open books' live points add up. Returns what the providers are owed.
    fn check_providers(
        now: frame_system::pallet_prelude::BlockNumberFor<T>,
        epoch: &crate::EpochInfo<frame_system::pallet_prelude::BlockNumberFor<T>>,
    ) -> Result<Amount, TryRuntimeError> {
        let params = ActiveParameters::<T>::get();
        let min_reputation = params.map(|p| p.min_reputation).unwrap_or_default();
        let windows = params.map_or(1, |p| p.liveness_windows);
        let mut owed: Amount = 0;
        let mut live: u128 = 0;
        let mut count: u32 = 0;
        for (who, record) in Providers::<T>::iter() {
            owed.saturating_accrue(record.owed());
            live.saturating_accrue(record.live_points_in(epoch.index));
            count += 1;
            let proven = record
                .work
                .filter(|w| w.epoch == epoch.index)
                .map_or(0, |w| w.live_windows);
            ensure!(
                record.live_points_in(epoch.index)
                    <= economics::live_points(
                        record.points(min_reputation, epoch.index),
                        proven,
                        windows
                    ),
                "a provider's live points exceed what its state gives for the windows it proved"
            );
            // The open epoch's windows are those of the parameters in force (they change only
            // at a boundary); a provider proves only windows that exist.
            ensure!(
                economics::windows_proven(proven, windows) == proven.count_ones(),
                "a provider proved a liveness window the open epoch does not have"
            );
            ensure!(
                record.verified_capacity <= record.capacity
                    && record.previous_capacity <= record.capacity,
                "verified capacity above declared capacity"
            );
            ensure!(
                record.verified_from <= epoch.index.saturating_add(1),
                "a verified capacity that counts only from a later epoch than the next"
            );
            if let Some(work) = record.work {
                ensure!(work.epoch <= epoch.index, "work of a future epoch");
            }
            Self::check_unlocking(&record, epoch.index)?;
            if let Some(until) = record.frozen_until {
                ensure!(
                    until <= now.saturating_add(T::MinUnbondingPeriod::get().into()),
                    "a freeze longer than the unbonding minimum"
                );
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
        ensure!(
            live == epoch.books.live_points,
            "live points differ from the open books'"
        );
        Ok(owed)
    }

    /// A provider's locked rewards are its unlock chunks' sum; each chunk holds something,
    /// their epochs rise strictly, and none unlocks later than `RewardDelay` epochs after the
    /// open epoch `current` (a reward settles after its epoch closes, and unlocks `RewardDelay`
    /// epochs after that).
    fn check_unlocking<B>(
        record: &crate::types::Provider<B>,
        current: u32,
    ) -> Result<(), TryRuntimeError> {
        let chunks = &record.unlocking;
        let sum = chunks
            .iter()
            .fold(0, |sum: Amount, chunk| sum.saturating_add(chunk.amount));
        ensure!(
            sum == record.locked,
            "a provider's locked rewards differ from its unlock chunks"
        );
        ensure!(
            chunks.iter().all(|chunk| !chunk.amount.is_zero())
                && chunks.windows(2).all(|pair| pair[0].epoch < pair[1].epoch),
            "an empty unlock chunk, or chunks out of order"
        );
        ensure!(
            chunks
                .last()
                .is_none_or(|chunk| chunk.epoch <= current.saturating_add(T::RewardDelay::get())),
            "a reward locked for longer than the reward delay"
        );
        Ok(())
    }

    /// Reward pools are kept only for closed epochs not yet expired: none below the expiry
    /// cursor, which is never past the claim window's start (it lags behind it only while it
    /// catches up with a lowered window); each has exactly one claims entry, in epoch order;
    /// none pays out more than it minted. Returns what they still hold.
    fn check_reward_pools(
        epoch: &crate::EpochInfo<frame_system::pallet_prelude::BlockNumberFor<T>>,
    ) -> Result<Amount, TryRuntimeError> {
        let mut owed: Amount = 0;
        let next = epoch.next_pool_to_expire;
        ensure!(
            next <= epoch.index.saturating_sub(T::RewardClaimWindow::get()),
            "the pool expiry cursor is inside the claim window"
        );
        let claims = PoolClaims::<T>::get();
        ensure!(
            claims.windows(2).all(|pair| pair[0].epoch < pair[1].epoch),
            "the pools' claims are not by epoch ascending"
        );
        ensure!(
            claims.len() == RewardPools::<T>::iter_keys().count(),
            "the pools' claims and the reward pools differ in number"
        );
        for claim in claims.iter() {
            let index = claim.epoch;
            let pool = RewardPools::<T>::get(index)
                .ok_or("a claims entry without its reward pool")?
                .with_claimed(claim.claimed);
            ensure!(index < epoch.index, "a reward pool of an open epoch");
            ensure!(index >= next, "a reward pool below the expiry cursor");
            ensure!(
                pool.claimed <= pool.minted(),
                "a pool paid more than it minted"
            );
            owed.saturating_accrue(pool.remaining());
        }
        Ok(owed)
    }

    /// The credits held by all accounts are the credits sold and not yet served.
    fn check_credits() -> Result<(), TryRuntimeError> {
        let credits: Credits = CreditBalances::<T>::iter_values().map(|a| a.credits).sum();
        ensure!(
            credits == Self::totals().credits_outstanding(),
            "credit balances differ from credits sold minus served"
        );
        Ok(())
    }

    /// Every credit entry holds credits, and every credit entry and history holds a consumer
    /// reference on an existing account: an account counts at least one reference per entry
    /// (other pallets may hold more), so no entry outlives its account.
    fn check_account_references() -> Result<(), TryRuntimeError> {
        let mut entries = alloc::collections::BTreeMap::<T::AccountId, u32>::new();
        for (who, account) in CreditBalances::<T>::iter() {
            ensure!(account.credits > 0, "an empty credit entry");
            *entries.entry(who).or_default() += 1;
        }
        for who in History::<T>::iter_keys() {
            *entries.entry(who).or_default() += 1;
        }
        for (who, count) in entries {
            ensure!(
                frame_system::Pallet::<T>::providers(&who) > 0,
                "a credit entry or a history of an account that does not exist"
            );
            ensure!(
                frame_system::Pallet::<T>::consumers(&who) >= count,
                "a credit entry or a history without its account reference"
            );
        }
        Ok(())
    }

    /// Total issuance never exceeds the maximum supply.
    fn check_supply_cap() -> Result<(), TryRuntimeError> {
        if let Some(cap) = T::MaxTotalSupply::get() {
            ensure!(
                T::Currency::total_issuance() <= cap,
                "issuance above the supply cap"
            );
        }
        Ok(())
    }

    /// The ledger holds exactly the retained closed epochs; its sum and the totals of the
    /// epochs it pruned are the closed totals (nothing pruned before an epoch left it).
    fn check_ledger(
        epoch: &crate::EpochInfo<frame_system::pallet_prelude::BlockNumberFor<T>>,
    ) -> Result<(), TryRuntimeError> {
        // The ledger keeps exactly the last `LedgerRetention` closed epochs; with what was
        // pruned, its sum is the closed totals.
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
        ensure!(
            ledger.plus(&epoch.pruned_totals) == epoch.closed_totals,
            "closed-epoch totals differ from the ledger and what it pruned"
        );
        if epoch.index <= retention {
            ensure!(
                epoch.pruned_totals == Totals::default(),
                "totals pruned before any epoch left the ledger"
            );
        }
        Ok(())
    }

    /// Active and pending parameters validate; the emission in force is within the hard cap,
    /// its per-block split is the split of it, the accrual is not ahead of the chain and the
    /// open epoch is not overdue.
    fn check_parameters(
        now: frame_system::pallet_prelude::BlockNumberFor<T>,
        epoch: &crate::EpochInfo<frame_system::pallet_prelude::BlockNumberFor<T>>,
    ) -> Result<(), TryRuntimeError> {
        let emission = Emission::<T>::get();
        let accrual = emission.accrual;
        ensure!(accrual.updated_at <= now, "accrual is ahead of the chain");
        let params = ActiveParameters::<T>::get();
        let limits = Self::hard_limits();
        if let Some(params) = params {
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
        Ok(())
    }

    /// Price feeders are sorted and unique, a price needs a majority of them that they can
    /// reach; the last price in force is positive and not from a future block.
    fn check_price_feeders(
        now: frame_system::pallet_prelude::BlockNumberFor<T>,
    ) -> Result<(), TryRuntimeError> {
        let feeds = PriceFeeders::<T>::get();
        ensure!(
            feeds.windows(2).all(|w| w[0].feeder < w[1].feeder),
            "price feeders are not sorted and unique"
        );
        for params in [ActiveParameters::<T>::get(), PendingParameters::<T>::get()]
            .into_iter()
            .flatten()
        {
            ensure!(
                economics::check_majority(params.min_price_feeds, feeds.len())
                    != Err(economics::QuorumError::TooSmall),
                "fewer than a majority of the price feeders can set the price"
            );
            ensure!(
                economics::is_reachable_majority(params.min_price_feeds, feeds.len()),
                "the price quorum is above the number of price feeders"
            );
        }
        if let Some(last) = LastPrice::<T>::get() {
            ensure!(
                !last.price.is_zero() && !last.base.is_zero(),
                "the last price is zero"
            );
            ensure!(
                last.base_at <= last.at && last.at <= now,
                "the last price is from the future"
            );
        }
        Ok(())
    }

    /// Capacity verifiers are sorted and unique, verified capacity needs a reachable majority
    /// of them; attestations belong to providers, one per verifier.
    fn check_capacity_verifiers() -> Result<(), TryRuntimeError> {
        let verifiers = CapacityVerifiers::<T>::get();
        ensure!(
            verifiers.windows(2).all(|w| w[0] < w[1]),
            "capacity verifiers are not sorted and unique"
        );
        for params in [ActiveParameters::<T>::get(), PendingParameters::<T>::get()]
            .into_iter()
            .flatten()
        {
            ensure!(
                economics::is_reachable_majority(params.min_capacity_attestations, verifiers.len()),
                "the verifier quorum is not a reachable majority of the capacity verifiers"
            );
        }
        for (who, attestations) in Attestations::<T>::iter() {
            ensure!(
                Providers::<T>::contains_key(&who),
                "attestations of an account that is not a provider"
            );
            ensure!(
                attestations
                    .votes
                    .iter()
                    .enumerate()
                    .all(|(i, (v, _))| attestations.votes[..i].iter().all(|(w, _)| w != v)),
                "a verifier with two attestations of one provider"
            );
        }
        Ok(())
    }

    /// Each verifier bond is exactly what its account holds for it; no attestation in a future
    /// block.
    fn check_verifier_bonds(
        now: frame_system::pallet_prelude::BlockNumberFor<T>,
    ) -> Result<(), TryRuntimeError> {
        let reason = HoldReason::VerifierBond.into();
        for (who, bond) in VerifierBonds::<T>::iter() {
            ensure!(
                T::Currency::balance_on_hold(&reason, &who) == bond.amount,
                "a verifier bond differs from what its account holds"
            );
            ensure!(
                bond.last_attested.map_or(true, |at| at <= now),
                "a verifier attested in a future block"
            );
        }
        Ok(())
    }
}
