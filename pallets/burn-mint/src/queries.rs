//! The read side of the pallet: one function per question a wallet, a dashboard, a voter or
//! the pallet itself asks. The pallet's view functions and the `BurnMintApi` runtime API have
//! the same names and call these; none of them changes state.

use crate::{
    economics::{self, Amount, Credits, EpochBooks, Parameters, PathPoint, Totals},
    types::{LivenessWindow, PreviewError, PriceFeed, PriceInForce, SupplyStats},
    ActiveParameters, Config, CreditBalances, CurrentEpoch, Emission, Error, LastPrice, Ledger,
    Pallet, PendingParameters, PriceFeeders, ProviderCount, Providers,
};
use alloc::vec::Vec;
use frame_support::traits::{fungible::Inspect, Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_arithmetic::FixedU128;
use sp_runtime::{
    traits::{One, SaturatedConversion},
    DispatchError, Saturating,
};

/// The block being built or queried.
fn now<T: Config>() -> frame_system::pallet_prelude::BlockNumberFor<T> {
    frame_system::Pallet::<T>::block_number()
}

/// The price in force: the last one recorded ([`LastPrice`]), while at least `min_price_feeds`
/// fresh submissions agree (lie within [`Parameters::max_price_deviation`] of their median, see
/// [`economics::agreed_median`]); [`Error::PriceUnavailable`] otherwise. The price in force
/// changes only when a submission recomputes it (see [`price_and_median`]).
pub fn current_price<T: Config>() -> Result<FixedU128, DispatchError> {
    let params = Pallet::<T>::params()?;
    let feeds = PriceFeeders::<T>::get();
    let median =
        agreed_median::<T>(&params, &feeds, now::<T>()).ok_or(Error::<T>::PriceUnavailable)?;
    Ok(LastPrice::<T>::get().map_or(median, |last| last.price))
}

/// The median of the submissions among `feeds` fresh in block `now`, if at least
/// `min_price_feeds` of them are fresh and agree with it (see [`economics::agreed_median`]).
fn agreed_median<T: Config>(
    params: &Parameters,
    feeds: &[PriceFeed<T::AccountId, BlockNumberFor<T>>],
    now: BlockNumberFor<T>,
) -> Option<FixedU128> {
    let max_age: BlockNumberFor<T> = params.price_max_age.into();
    economics::agreed_fresh_median(
        feeds.iter().filter_map(|feed| feed.latest),
        |at| now.saturating_sub(at) <= max_age,
        params.max_price_deviation,
        params.min_price_feeds,
    )
}

/// The agreed median of the submissions among `feeds` fresh in block `now` and the price in
/// force that a submission in `now` records: the median moved from `last` (the stored
/// [`LastPrice`]) by at most [`Parameters::max_price_change_per_block`], once per block
/// however long ago `last` was (see [`PriceInForce::bounded`]; after an outage too). `None`
/// without an agreeing quorum. The caller passes what it read, so that `submit_price` reads
/// each item once.
pub(crate) fn price_and_median<T: Config>(
    params: &Parameters,
    feeds: &[PriceFeed<T::AccountId, BlockNumberFor<T>>],
    last: Option<PriceInForce<BlockNumberFor<T>>>,
    now: BlockNumberFor<T>,
) -> Option<(FixedU128, FixedU128)> {
    let median = agreed_median::<T>(params, feeds, now)?;
    Some((
        median,
        PriceInForce::bounded(last, median, now, params.max_price_change_per_block),
    ))
}

/// Credits that burning `amount` tokens buys now, at [`current_price`].
pub fn quote_credits<T: Config>(amount: Amount) -> Result<Credits, DispatchError> {
    let price = current_price::<T>()?;
    economics::credits_for_tokens(
        amount,
        price,
        T::TokenUnit::get(),
        T::CreditsPerStableUnit::get(),
    )
    .ok_or_else(|| Error::<T>::Overflow.into())
}

/// Compute credits held by `who`.
pub fn credits_of<T: Config>(who: &T::AccountId) -> Credits {
    CreditBalances::<T>::get(who).credits
}

/// Rewards `provider` could claim now: what [`Pallet::claim_rewards`] would pay.
pub fn pending_rewards<T: Config>(provider: &T::AccountId) -> Amount {
    provider_rewards::<T>(provider).0
}

/// `provider`'s rewards as `(claimable now, locked)`, its closed epochs' work settled; its
/// work in the open epoch is not counted until the epoch closes.
pub fn provider_rewards<T: Config>(provider: &T::AccountId) -> (Amount, Amount) {
    let Some(mut record) = Providers::<T>::get(provider) else {
        return (0, 0);
    };
    Pallet::<T>::settled(&mut record, CurrentEpoch::<T>::get().index);
    (record.pending, record.locked)
}

/// The emission per block in force.
pub fn emission_per_block<T: Config>() -> Amount {
    Emission::<T>::get().controller.emission_per_block
}

/// The open epoch's books so far, emission included, with the outside lines that explain
/// the issuance now ([`EpochBooks::with_outside`]).
pub fn open_books<T: Config>() -> EpochBooks {
    let mut accrual = Emission::<T>::get().accrual;
    accrual.advance_to(now::<T>());
    CurrentEpoch::<T>::get()
        .books
        .with_accrual(&accrual)
        .with_outside(T::Currency::total_issuance())
}

/// Totals since genesis: the closed epochs' and the open one's so far.
pub fn totals<T: Config>() -> Totals {
    let mut totals = CurrentEpoch::<T>::get().closed_totals;
    totals.add(&open_books::<T>());
    totals
}

/// Supply statistics for wallets and dashboards.
pub fn supply_stats<T: Config>() -> SupplyStats {
    let epoch = CurrentEpoch::<T>::get();
    let totals = totals::<T>();
    let emission = Emission::<T>::get();
    SupplyStats {
        total_issuance: T::Currency::total_issuance(),
        emission_per_block: emission.controller.emission_per_block,
        epoch_index: epoch.index,
        epoch_start: epoch.start.saturated_into(),
        epoch_length: epoch.length,
        current_epoch: open_books::<T>(),
        last_closed_epoch: epoch.index.checked_sub(1).and_then(Ledger::<T>::get),
        totals,
        total_credits: totals.credits_outstanding(),
        provider_count: ProviderCount::<T>::get(),
        live_points: epoch.books.live_points,
        reward_pot: T::Currency::balance(&Pallet::<T>::pot()),
        parameters: ActiveParameters::<T>::get(),
        pending_parameters: PendingParameters::<T>::get(),
        max_emission_per_block: T::MaxEmissionPerBlock::get(),
        max_total_supply: T::MaxTotalSupply::get(),
    }
}

/// The emission per block for the next `epochs` epochs (at most [`Config::MaxPreviewEpochs`])
/// under `parameters` (or the parameters that will be in force), assuming the net burn per
/// block stays at the controller's current average. Runs the chain's controller within the
/// chain's hard limits, including a mode switch and the outgoing step of the transition.
pub fn preview_emission<T: Config>(
    parameters: Option<Parameters>,
    epochs: u32,
) -> Result<Vec<PathPoint>, PreviewError> {
    let limits = Pallet::<T>::hard_limits();
    let scheduled = PendingParameters::<T>::get().or_else(ActiveParameters::<T>::get);
    let params = match parameters {
        Some(p) => {
            p.validate(&limits).map_err(PreviewError::Invalid)?;
            p
        }
        None => scheduled.ok_or(PreviewError::NotConfigured)?,
    };
    let in_force = ActiveParameters::<T>::get().unwrap_or(params);
    let controller = Emission::<T>::get().controller;
    Ok(economics::preview_path(
        controller,
        &in_force,
        &params,
        T::Currency::total_issuance(),
        controller.smoothed_burn_per_block,
        &limits,
        epochs.min(T::MaxPreviewEpochs::get()),
    ))
}

/// The bond `provider` must hold now to stay active: the requirement for the capacity its bond
/// must cover in the open epoch, with the capacity its verifiers agree on now counted as a
/// heartbeat counts it ([`economics::Parameters::required_bond`]): what `heartbeat` and `resume`
/// check, so a provider's agent that keeps the bond at it (`bond_extra`) is never refused for
/// the bond. `None` for an account that is not a provider, or before the pallet is configured.
pub fn required_bond<T: Config>(provider: &T::AccountId) -> Option<Amount> {
    let params = ActiveParameters::<T>::get()?;
    let mut record = Providers::<T>::get(provider)?;
    let current = CurrentEpoch::<T>::get().index;
    Pallet::<T>::agree_capacity(provider, &mut record, &params, current);
    Some(params.required_bond(record.bonded_capacity(current)))
}

/// The liveness window the next block lies in (where a heartbeat sent now lands at the
/// earliest) and whether `provider` has proven it: the next block's epoch and window as the
/// pallet will compute them ([`economics::window_of`]). A next block that opens a new epoch
/// lies in that epoch's window 0, not proven yet, with the windows of the parameters it
/// applies. `None` before the pallet is configured.
pub fn liveness_window<T: Config>(provider: &T::AccountId) -> Option<LivenessWindow> {
    let params = ActiveParameters::<T>::get()?;
    let epoch = CurrentEpoch::<T>::get();
    let next = now::<T>().saturating_add(One::one());
    let offset: u32 = next.saturating_sub(epoch.start).saturated_into();
    if offset >= epoch.length {
        let windows = PendingParameters::<T>::get()
            .unwrap_or(params)
            .liveness_windows;
        return Some(LivenessWindow {
            epoch: epoch.index.saturating_add(1),
            window: 0,
            windows,
            proven: false,
        });
    }
    let window = economics::window_of(offset, epoch.length, params.liveness_windows);
    let proven = Providers::<T>::get(provider)
        .and_then(|record| record.work)
        .filter(|work| work.epoch == epoch.index)
        .is_some_and(|work| economics::prove_window(0, window) & work.live_windows != 0);
    Some(LivenessWindow {
        epoch: epoch.index,
        window,
        windows: params.liveness_windows,
        proven,
    })
}
