//! Prices: the feeders' submissions, the price in force, the agreement it needs and how fast
//! it may move (the rules are `economics::pricing`'s), and the feeder set. The calls in
//! `lib.rs` check the origin and call these.

use crate::{
    economics, queries, types::PriceFeed, ActiveParameters, Config, Error, Event, LastPrice,
    Pallet, PendingParameters, PriceFeeders, PriceInForce,
};
use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::DispatchResult, BoundedVec};
use sp_arithmetic::FixedU128;
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
    /// [`Pallet::submit_price`] by `who`.
    pub(crate) fn do_submit_price(who: T::AccountId, price: FixedU128) -> DispatchResult {
        let mut feeds = PriceFeeders::<T>::get();
        let index = feeds
            .iter()
            .position(|f| f.feeder == who)
            .ok_or(Error::<T>::NotPriceFeeder)?;
        ensure!(!price.is_zero(), Error::<T>::ZeroPrice);
        // Stored as submitted, however far from the price in force: a feeder reports its
        // market. Held to a band around the price in force, an honest feeder whose market left
        // it could only submit the band's edge, which agrees with the price in force by
        // construction: a minority could then hold the price away from a moved market
        // (`economics::pricing`, "Why the reports are not held to a band").
        let now = frame_system::Pallet::<T>::block_number();
        feeds[index].latest = Some((price, now));
        Self::deposit_event(Event::PriceSubmitted { feeder: who, price });
        // Unconfigured: no price can be in force.
        if let Some(params) = ActiveParameters::<T>::get() {
            let last = LastPrice::<T>::get();
            if let Some((median, in_force)) =
                queries::price_and_median::<T>(&params, &feeds, last, now)
            {
                LastPrice::<T>::put(PriceInForce::after(last, in_force, now));
                if in_force != median {
                    Self::deposit_event(Event::PriceMovementLimited {
                        median,
                        price: in_force,
                    });
                }
            }
        }
        PriceFeeders::<T>::put(feeds);
        Ok(())
    }

    /// [`Pallet::set_price_feeders`], the origin checked.
    pub(crate) fn do_set_price_feeders(mut feeders: Vec<T::AccountId>) -> DispatchResult {
        feeders.sort();
        feeders.dedup();
        for params in [ActiveParameters::<T>::get(), PendingParameters::<T>::get()]
            .into_iter()
            .flatten()
        {
            Self::ensure_quorum(params.min_price_feeds, feeders.len())?;
        }
        let old = PriceFeeders::<T>::get();
        let feeds: Vec<_> = feeders
            .iter()
            .map(|feeder| PriceFeed {
                feeder: feeder.clone(),
                latest: old
                    .iter()
                    .find(|f| &f.feeder == feeder)
                    .and_then(|f| f.latest),
            })
            .collect();
        let bounded = BoundedVec::try_from(feeds).map_err(|_| Error::<T>::TooManyFeeders)?;
        PriceFeeders::<T>::put(bounded);
        Self::deposit_event(Event::PriceFeedersSet { feeders });
        Ok(())
    }

    /// A price needs more than half of the `feeders` price feeders, and no more than there
    /// are: `feeders / 2 < min_price_feeds <= feeders`, so that no minority of them sets the
    /// price alone and the quorum can be met (an empty set, or a quorum above the set's size,
    /// would stop sales for good). Checked whenever the parameters or the feeder set change.
    pub(crate) fn ensure_quorum(min_price_feeds: u32, feeders: usize) -> DispatchResult {
        economics::check_majority(min_price_feeds, feeders).map_err(|e| {
            match e {
                economics::QuorumError::TooSmall => Error::<T>::QuorumTooSmall,
                economics::QuorumError::Unreachable => Error::<T>::QuorumUnreachable,
            }
            .into()
        })
    }
}
