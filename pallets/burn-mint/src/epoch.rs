//! Executing emission: each block's mint, and the epoch boundary's plan
//! ([`economics::plan_epoch_close`]) turned into transfers, mints and storage writes.

use crate::{
    economics::{self, Amount, EpochClose, EpochClosePlan, Parameters, Totals},
    types::{EmissionState, EpochInfo, PoolClaim, PoolClaimsOf},
    weights::WeightInfo,
    ActiveParameters, Config, CurrentEpoch, Emission, Event, Ledger, Pallet, PendingParameters,
    PoolClaims, ProviderCount, RewardPools, MAX_POOLS_EXPIRED_PER_BOUNDARY,
};
use frame_support::{
    traits::{
        fungible::{Inspect, Mutate},
        tokens::Preservation,
        Get,
    },
    weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
    traits::{One, Zero},
    Saturating,
};

impl<T: Config> Pallet<T> {
    /// The block hook ([`frame_support::traits::Hooks::on_initialize`]): closes the epoch when
    /// it is over, then mints this block's emission. O(1) and, on a normal block, one write:
    /// the reward pot's balance, which receives the block's treasury and availability shares.
    /// The rest of the accounting is lazy ([`crate::Emission`]). Returns the block's weight.
    pub(crate) fn on_block(now: BlockNumberFor<T>) -> Weight {
        let Some(params) = ActiveParameters::<T>::get() else {
            return T::DbWeight::get().reads(1);
        };
        let epoch = CurrentEpoch::<T>::get();
        let mut emission = Emission::<T>::get();
        let boundary = now >= epoch.start.saturating_add(epoch.length.into());
        let expired = if boundary {
            Self::close_epoch(now, epoch, params, &mut emission)
        } else {
            0
        };
        let withheld = Self::mint_block_emission(now, &mut emission);
        if boundary || withheld {
            Emission::<T>::put(emission);
        }
        // The benchmarks show no dependence on the provider count; passing it keeps the
        // weight honest should that ever change.
        let providers = ProviderCount::<T>::get();
        let measured = if boundary {
            // What the boundary did: the pools it looked up for expiry (one in the steady
            // state, up to `MAX_POOLS_EXPIRED_PER_BOUNDARY` after a lowered claim window).
            T::WeightInfo::on_initialize_epoch_boundary(providers, expired)
        } else if withheld {
            // The rare block the supply cap, the hard cap or a failed mint withheld: one
            // more write.
            T::WeightInfo::on_initialize_block(providers)
                .saturating_add(T::DbWeight::get().writes(1))
        } else {
            T::WeightInfo::on_initialize_block(providers)
        };
        measured.saturating_add(Self::hook_whitelisted_weight(boundary))
    }

    /// What the hook's benchmarks do not count because the items are whitelisted
    /// ([`crate::ActiveParameters`], [`crate::CurrentEpoch`], [`crate::PoolClaims`]): the
    /// hook is the first to read the first two in every block, so it pays those two reads; a
    /// boundary also writes both (the epoch always, the parameters when pending ones apply:
    /// counted always). The pools' claims are read and written by whatever settles a
    /// provider's work in the block (and by a boundary): one read and one write every block,
    /// charged here. The hook's weight is its benchmark's plus this.
    pub fn hook_whitelisted_weight(boundary: bool) -> Weight {
        let db = T::DbWeight::get();
        if boundary {
            db.reads_writes(3, 3)
        } else {
            db.reads_writes(3, 1)
        }
    }

    /// What a call of a governance origin (the slashes, removals and reputation changes; the
    /// first configuration charges two writes itself) pays for writing the whitelisted
    /// [`crate::CurrentEpoch`] (its books): such a call pays no fee, so no fee's booking has
    /// already paid for that write.
    pub(crate) fn governance_books_write() -> Weight {
        T::DbWeight::get().writes(1)
    }

    /// Tokens that may still be minted below [`Config::MaxTotalSupply`].
    pub(crate) fn room_below_cap() -> Amount {
        T::MaxTotalSupply::get()
            .map(|cap| cap.saturating_sub(T::Currency::total_issuance()))
            .unwrap_or(Amount::MAX)
    }

    /// Mints block `now`'s treasury share into the reward pot (paid on to the treasury when
    /// the epoch closes); the provider shares accrue to the epoch's pools, minted at the close.
    /// One balance written per block. The block is all or nothing below the supply cap
    /// (the controller leaves room for a whole epoch, so the cap only binds if something else
    /// minted) and below the hard cap per block (which the controller and the first
    /// configuration already respect: this is the last line). Returns whether anything was
    /// withheld, i.e. whether `emission` changed and must be stored.
    pub(crate) fn mint_block_emission(
        now: BlockNumberFor<T>,
        emission: &mut EmissionState<BlockNumberFor<T>>,
    ) -> bool {
        let amount = emission.accrual.minted_per_block();
        if amount.is_zero() {
            return false;
        }
        // The pot exists from genesis, so minting into it only fails on overflow.
        if !economics::block_fits(
            &emission.accrual.per_block,
            Self::room_below_cap(),
            T::MaxEmissionPerBlock::get(),
        ) || T::Currency::mint_into(&Self::pot(), amount).is_err()
        {
            emission.accrual.withhold_block(now);
            return true;
        }
        false
    }

    /// Expires the reward pools that left the claim window by the close of `epoch` (every
    /// pool whose index plus [`Config::RewardClaimWindow`] is at most `epoch.index`), from
    /// the epoch's cursor ([`EpochInfo::next_pool_to_expire`]) on and at most
    /// [`MAX_POOLS_EXPIRED_PER_BOUNDARY`] epochs of them: what a pool still holds (unsettled
    /// shares and rounding dust) is burned and counted in the closing epoch's books as
    /// forfeited. Returns how many epochs' pools it looked up (the boundary's weight
    /// component).
    fn expire_pools(
        pot: &T::AccountId,
        epoch: &mut EpochInfo<BlockNumberFor<T>>,
        emission: &mut EmissionState<BlockNumberFor<T>>,
        claims: &mut PoolClaimsOf,
    ) -> u32 {
        let window = T::RewardClaimWindow::get();
        let mut next = epoch.next_pool_to_expire;
        let start = next;
        while next.saturating_sub(start) < MAX_POOLS_EXPIRED_PER_BOUNDARY
            && next.saturating_add(window) <= epoch.index
        {
            if let Some(funds) = RewardPools::<T>::take(next) {
                // A pool without a claims entry (ruled out by `try_state`) paid nothing: it
                // still holds all it minted. The expired pools' entries go after the loop.
                let claimed = claims
                    .iter()
                    .find(|c| c.epoch == next)
                    .map_or(0, |c| c.claimed);
                let pool = funds.with_claimed(claimed);
                let burned = Self::burn_from_pot(pot, pool.remaining());
                emission.owed.saturating_reduce(burned);
                epoch.books.burned_forfeited.saturating_accrue(burned);
                Self::deposit_event(Event::RewardsExpired {
                    epoch: next,
                    amount: burned,
                });
            }
            next = next.saturating_add(1);
        }
        claims.retain(|c| c.epoch >= next);
        epoch.next_pool_to_expire = next;
        next.saturating_sub(start)
    }

    /// Closes the open epoch at block `now` (its last block is `now - 1`) and opens the next:
    /// expires the reward pools that left the claim window, plans the boundary with
    /// [`economics::plan_epoch_close`], executes the plan, and burns anything the pot holds
    /// beyond what it owes. O(1). Returns how many epochs' pools it looked up for expiry.
    pub(crate) fn close_epoch(
        now: BlockNumberFor<T>,
        mut epoch: EpochInfo<BlockNumberFor<T>>,
        params: Parameters,
        emission: &mut EmissionState<BlockNumberFor<T>>,
    ) -> u32 {
        let pot = Self::pot();
        let mut claims = PoolClaims::<T>::get();
        let expired = Self::expire_pools(&pot, &mut epoch, emission, &mut claims);
        let last_block = now.saturating_sub(One::one());
        Self::book_outside_lines(last_block, &mut epoch, emission);

        let mut plan = economics::plan_epoch_close(
            EpochClose {
                index: epoch.index,
                length: epoch.length,
                books: epoch.books,
                closed_totals: epoch.closed_totals,
                accrual: emission.accrual,
                last_block,
                controller: emission.controller,
                params,
                pending: PendingParameters::<T>::get(),
                total_issuance: T::Currency::total_issuance(),
                ledger_retention: T::LedgerRetention::get(),
            },
            &Self::hard_limits(),
        );
        Self::pay_out(&pot, &mut plan, emission, &mut claims);
        PoolClaims::<T>::put(claims);
        let pruned_totals = Self::record_close(&plan, &epoch, params);
        emission.controller = plan.controller;
        emission.accrual = plan.accrual;
        let mut books = plan.next_books();
        books.burned_forfeited = Self::burn_surplus(&pot, emission);
        CurrentEpoch::<T>::put(EpochInfo {
            index: plan.next_index(),
            start: now,
            length: plan.params.epoch_length,
            books,
            closed_totals: plan.closed_totals(),
            pruned_totals,
            next_pool_to_expire: epoch.next_pool_to_expire,
        });
        Self::deposit_event(Event::EpochClosed {
            epoch: plan.index,
            books: plan.books,
            next_emission_per_block: plan.controller.emission_per_block,
        });
        expired
    }

    /// Puts on the books' outside lines what they cannot explain of the issuance after the
    /// epoch's last block (minted or burned outside the pallet), as `supply_stats` showed them
    /// at that block.
    fn book_outside_lines(
        last_block: BlockNumberFor<T>,
        epoch: &mut EpochInfo<BlockNumberFor<T>>,
        emission: &EmissionState<BlockNumberFor<T>>,
    ) {
        epoch.books = epoch.books.with_outside_lines_at(
            &emission.accrual,
            last_block,
            T::Currency::total_issuance(),
        );
    }

    /// Executes the plan's payments: the treasury's share, which waited in the pot, and the
    /// closed epoch's reward pools, minted into the pot and owed from now on. What could not be
    /// paid is recorded in the plan as never minted.
    fn pay_out(
        pot: &T::AccountId,
        plan: &mut EpochClosePlan<BlockNumberFor<T>>,
        emission: &mut EmissionState<BlockNumberFor<T>>,
        claims: &mut PoolClaimsOf,
    ) {
        // Should the treasury be unable to receive its share (its account gone and the amount
        // below the existential deposit), it is burned back.
        let mut treasury_short = 0;
        if !plan.pay_treasury.is_zero()
            && T::Currency::transfer(
                pot,
                &T::TreasuryAccount::get(),
                plan.pay_treasury,
                Preservation::Preserve,
            )
            .is_err()
        {
            treasury_short = Self::burn_from_pot(pot, plan.pay_treasury);
        }
        // The plan kept the pools below the supply cap, so minting into the existing pot only
        // fails on overflow.
        let pools = plan.pool.minted();
        let minted = if pools.is_zero() {
            0
        } else {
            T::Currency::mint_into(pot, pools).unwrap_or(0)
        };
        plan.record_shortfall(treasury_short, pools.saturating_sub(minted));
        // Only an epoch that minted rewards has anything to settle: no pool otherwise. Its
        // claims entry goes last (the closing epoch is the newest) and always fits: there are
        // never more pools than the largest claim window, at most `MAX_REWARD_POOLS`
        // (`check_config`). Should it not fit, the pool is not kept (rather than kept without
        // a record of what it paid) and the pot does not owe it: the boundary's burn of the
        // pot's surplus burns it as forfeited.
        let pool = plan.pool.minted();
        if !pool.is_zero() {
            let entry = PoolClaim {
                epoch: plan.index,
                claimed: plan.pool.claimed,
            };
            if claims.try_push(entry).is_ok() {
                RewardPools::<T>::insert(plan.index, plan.pool.funds());
                emission.owed.saturating_accrue(pool);
            } else {
                frame_support::defensive!("more reward pools than MAX_REWARD_POOLS");
            }
        }
    }

    /// Stores what the close decided: the closed epoch's books in the ledger (pruning the
    /// oldest into the running totals), and the parameters the boundary applies. Returns the
    /// pruned totals the next epoch carries.
    fn record_close(
        plan: &EpochClosePlan<BlockNumberFor<T>>,
        epoch: &EpochInfo<BlockNumberFor<T>>,
        params: Parameters,
    ) -> Totals {
        Ledger::<T>::insert(plan.index, plan.books);
        let mut pruned_totals = epoch.pruned_totals;
        if let Some(pruned) = plan.prune.and_then(Ledger::<T>::take) {
            pruned_totals.add(&pruned);
        }
        if let Some(new) = plan.applied {
            crate::ActiveParameters::<T>::put(new);
            PendingParameters::<T>::kill();
            Self::deposit_event(Event::ParametersApplied {
                old: Some(params),
                new,
            });
        }
        pruned_totals
    }

    /// Burns what the pot holds beyond its existential deposit and what it owes (sent to it
    /// from outside), to be counted in the new epoch's books as forfeited. Returns the amount.
    fn burn_surplus(pot: &T::AccountId, emission: &EmissionState<BlockNumberFor<T>>) -> Amount {
        let surplus = T::Currency::balance(pot)
            .saturating_sub(T::Currency::minimum_balance())
            .saturating_sub(emission.owed);
        if surplus.is_zero() {
            return 0;
        }
        let burned = Self::burn_from_pot(pot, surplus);
        Self::deposit_event(Event::SurplusBurned { amount: burned });
        burned
    }
}
