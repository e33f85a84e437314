//! Benchmarks of pallet-burn-mint (FRAME benchmarking v2). Each call is measured in its worst
//! case; `on_initialize` is measured on a normal block and on an epoch boundary with up to
//! 10_000 registered providers, to show that its cost does not depend on them.

use super::*;
use crate::economics::{self, ControllerMode, Parameters};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
    traits::{
        fungible::{Inspect, Mutate},
        EnsureOrigin, Get, Hooks,
    },
    BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_arithmetic::{FixedU128, Perbill, Permill};
use sp_runtime::traits::Zero;

const SEED: u32 = 0;
/// Largest provider count the `on_initialize` benchmarks register.
const MAX_PROVIDERS: u32 = 10_000;

/// Parameters for benchmarks, within the runtime's hard limits: every path reachable, one fresh
/// feed suffices, the usage cap binds.
fn bench_params<T: Config>() -> Parameters {
    let unit = T::TokenUnit::get();
    Parameters {
        ecosystem_share: Perbill::from_percent(20),
        usage_share: Perbill::from_percent(50),
        availability_share: Perbill::from_percent(30),
        min_emission_per_block: unit.min(T::MaxEmissionPerBlock::get()),
        max_emission_per_block: T::MaxEmissionPerBlock::get(),
        max_step_per_epoch: Perbill::from_percent(10),
        mode: ControllerMode::BurnIndexed {
            smoothing: Perbill::from_percent(50),
            target_inflation_per_epoch: Perbill::from_rational(1u32, 10_000u32),
        },
        epoch_length: 10u32.min(T::MaxEpochLength::get()),
        usage_reward_cap: Perbill::from_percent(50).min(T::MaxUsageRewardCap::get()),
        fee_burn_share: Perbill::from_percent(50),
        price_max_age: 1_000,
        min_price_feeds: 1,
        unbonding_period: 1,
        min_provider_bond: unit,
    }
}

fn setup<T: Config>() {
    let params = bench_params::<T>();
    params
        .validate(&Pallet::<T>::hard_limits())
        .expect("benchmark parameters are valid");
    ActiveParameters::<T>::put(params);
    let emission = params.max_emission_per_block / 2;
    let now = frame_system::Pallet::<T>::block_number();
    CurrentEpoch::<T>::put(EpochInfo::first(now, &params));
    Emission::<T>::put(EmissionState {
        controller: economics::ControllerState {
            emission_per_block: emission,
            scheduled_target: emission,
            smoothed_burn_per_epoch: 0,
        },
        accrual: economics::EmissionAccrual {
            per_block: economics::split_emission(emission, &params),
            updated_at: now,
            ..Default::default()
        },
    });
    // Pot and treasury exist.
    let ed = T::Currency::minimum_balance();
    let _ = T::Currency::mint_into(&Pallet::<T>::pot(), ed);
    let _ = T::Currency::mint_into(&T::TreasuryAccount::get(), ed);
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
    let who: T::AccountId = account(name, index, SEED);
    T::Currency::set_balance(&who, 1_000_000 * T::TokenUnit::get());
    who
}

/// A funded account that signs the benchmarked call. Its account is whitelisted, as every
/// signer's is: paying the transaction fee already read and wrote it in the same block.
fn caller<T: Config>(name: &'static str, index: u32) -> T::AccountId {
    let who = funded::<T>(name, index);
    whitelist_account!(who);
    who
}

/// Sets `n` feeders with a fresh price of 1.0 each; returns them.
fn feeders<T: Config>(n: u32) -> Vec<T::AccountId> {
    let now = frame_system::Pallet::<T>::block_number();
    let mut list: Vec<T::AccountId> = (0..n).map(|i| account("feeder", i, SEED)).collect();
    list.sort();
    let feeds: Vec<_> = list
        .iter()
        .enumerate()
        .map(|(i, feeder)| PriceFeed {
            feeder: feeder.clone(),
            latest: Some((FixedU128::from_rational(1_000 + i as u128, 1_000), now)),
        })
        .collect();
    PriceFeeders::<T>::put(BoundedVec::try_from(feeds).expect("n <= MaxPriceFeeders"));
    list
}

fn provider<T: Config>(index: u32) -> T::AccountId {
    let who = funded::<T>("provider", index);
    Pallet::<T>::register_provider(
        RawOrigin::Signed(who.clone()).into(),
        8,
        T::TokenUnit::get(),
    )
    .expect("registers");
    who
}

/// Inserts `n` providers directly into storage (fast setup for the hook benchmarks).
fn many_providers<T: Config>(n: u32) {
    let points = Provider::<BlockNumberFor<T>>::new(1, 0, Default::default()).points;
    let now = frame_system::Pallet::<T>::block_number();
    let snapshot = Emission::<T>::mutate(|e| {
        e.accrual
            .change_points(now, 0, points.saturating_mul(n as u128))
    });
    for i in 0..n {
        let who: T::AccountId = account("many", i, SEED);
        Providers::<T>::insert(&who, Provider::new(1, 0, snapshot));
    }
    ProviderCount::<T>::mutate(|c| *c = c.saturating_add(n));
}

/// Fills the state with [`MAX_PROVIDERS`] entries that the pallet never reads.
///
/// A live chain's state is large; the benchmark's genesis state is tiny. Without this baseline,
/// the first few thousand providers inserted by [`many_providers`] would mostly measure how the
/// benchmark database behaves as it grows from almost empty, not the hook's cost: reading the
/// same 11 keys got ~50 µs slower between 1 and 2,000 providers and then stayed flat. With the
/// baseline every measurement runs against a state of 10,000 to 20,000 entries.
fn baseline_state<T: Config>() {
    use sp_runtime::traits::Hash;
    for i in 0..MAX_PROVIDERS {
        let spread = T::Hashing::hash(&i.to_le_bytes());
        let key = [&b"capacloud:benchmark-baseline:"[..], spread.as_ref()].concat();
        frame_support::storage::unhashed::put(&key, &[0u8; 64]);
    }
}

/// Makes `provider` owed usage of a closed epoch (settling it reads that epoch's pool).
fn closed_usage<T: Config>(who: &T::AccountId) {
    let unit = T::TokenUnit::get();
    let buyer = funded::<T>("buyer", 0);
    feeders::<T>(1);
    Pallet::<T>::pay_for_compute(RawOrigin::Signed(buyer).into(), who.clone(), 10 * unit, 0)
        .expect("pays");
    let epoch = CurrentEpoch::<T>::get();
    run_to_block::<T>(epoch.start + epoch.length.into());
}

/// Runs the pallet's hooks of every block up to `n`, as a chain would (the lazy accrual counts
/// on every block having minted).
fn run_to_block<T: Config>(n: BlockNumberFor<T>) {
    frame_system::Pallet::<T>::run_to_block::<Pallet<T>>(n);
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register_provider() {
        setup::<T>();
        let who = caller::<T>("caller", 0);
        #[extrinsic_call]
        _(
            RawOrigin::Signed(who.clone()),
            T::MaxCapacity::get(),
            T::TokenUnit::get(),
        );
        assert!(Providers::<T>::contains_key(&who));
    }

    #[benchmark]
    fn update_capacity() {
        setup::<T>();
        let who = provider::<T>(0);
        whitelist_account!(who);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), 2);
        assert_eq!(Providers::<T>::get(&who).unwrap().capacity, 2);
    }

    #[benchmark]
    fn pause() {
        setup::<T>();
        let who = provider::<T>(0);
        whitelist_account!(who);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert_eq!(
            Providers::<T>::get(&who).unwrap().status,
            ProviderStatus::Paused
        );
    }

    #[benchmark]
    fn resume() {
        setup::<T>();
        let who = provider::<T>(0);
        whitelist_account!(who);
        Pallet::<T>::pause(RawOrigin::Signed(who.clone()).into()).unwrap();
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert_eq!(
            Providers::<T>::get(&who).unwrap().status,
            ProviderStatus::Active
        );
    }

    #[benchmark]
    fn leave() {
        setup::<T>();
        let who = provider::<T>(0);
        whitelist_account!(who);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(matches!(
            Providers::<T>::get(&who).unwrap().status,
            ProviderStatus::Leaving { .. }
        ));
    }

    #[benchmark]
    fn withdraw_bond() {
        setup::<T>();
        let who = provider::<T>(0);
        whitelist_account!(who);
        Pallet::<T>::leave(RawOrigin::Signed(who.clone()).into()).unwrap();
        run_to_block::<T>(frame_system::Pallet::<T>::block_number() + 10u32.into());
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(Providers::<T>::get(&who).map_or(true, |p| p.bond.is_zero()));
    }

    #[benchmark]
    fn set_reputation() -> Result<(), BenchmarkError> {
        setup::<T>();
        let who = provider::<T>(0);
        let origin =
            T::ReputationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(
            origin as T::RuntimeOrigin,
            who.clone(),
            Permill::from_percent(50),
        );
        assert_eq!(
            Providers::<T>::get(&who).unwrap().reputation,
            Permill::from_percent(50)
        );
        Ok(())
    }

    #[benchmark]
    fn slash_provider() -> Result<(), BenchmarkError> {
        setup::<T>();
        let who = provider::<T>(0);
        let origin =
            T::ReputationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(
            origin as T::RuntimeOrigin,
            who.clone(),
            Perbill::from_percent(50),
        );
        assert!(Providers::<T>::get(&who).unwrap().bond < T::TokenUnit::get());
        Ok(())
    }

    #[benchmark]
    fn buy_credits(f: Linear<1, { T::MaxPriceFeeders::get() }>) {
        setup::<T>();
        feeders::<T>(f);
        let who = caller::<T>("caller", 0);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), T::TokenUnit::get(), 1);
        assert!(CreditBalances::<T>::get(&who).credits > 0);
    }

    #[benchmark]
    fn spend_credits() {
        setup::<T>();
        let who = provider::<T>(0);
        closed_usage::<T>(&who);
        let buyer = caller::<T>("caller", 0);
        feeders::<T>(1);
        Pallet::<T>::buy_credits(
            RawOrigin::Signed(buyer.clone()).into(),
            T::TokenUnit::get(),
            1,
        )
        .unwrap();
        let credits = CreditBalances::<T>::get(&buyer).credits / 2;
        #[extrinsic_call]
        _(RawOrigin::Signed(buyer.clone()), who.clone(), credits);
        assert!(Providers::<T>::get(&who).unwrap().pending > 0);
    }

    #[benchmark]
    fn pay_for_compute(f: Linear<1, { T::MaxPriceFeeders::get() }>) {
        setup::<T>();
        let who = provider::<T>(0);
        closed_usage::<T>(&who);
        feeders::<T>(f);
        let buyer = caller::<T>("caller", 0);
        #[extrinsic_call]
        _(
            RawOrigin::Signed(buyer),
            who.clone(),
            T::TokenUnit::get(),
            1,
        );
        assert!(Providers::<T>::get(&who).unwrap().usage.is_some());
    }

    #[benchmark]
    fn claim_rewards() {
        setup::<T>();
        let who = provider::<T>(0);
        closed_usage::<T>(&who);
        let caller = caller::<T>("caller", 0);
        // The pot's balance is written by `on_initialize` in every block that emits anything:
        // like the signer's account, it is already in the block's storage overlay.
        let pot = Pallet::<T>::pot();
        whitelist_account!(pot);
        #[extrinsic_call]
        _(RawOrigin::Signed(caller), who.clone());
        assert!(Providers::<T>::get(&who).unwrap().pending.is_zero());
    }

    #[benchmark]
    fn submit_price() {
        setup::<T>();
        let list = feeders::<T>(T::MaxPriceFeeders::get());
        let who = list.last().unwrap().clone();
        whitelist_account!(who);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), FixedU128::from(3));
        let feeds = PriceFeeders::<T>::get();
        let feed = feeds.iter().find(|f| f.feeder == who).unwrap();
        assert_eq!(feed.latest.unwrap().0, FixedU128::from(3));
    }

    #[benchmark]
    fn set_price_feeders(
        f: Linear<1, { T::MaxPriceFeeders::get() }>,
    ) -> Result<(), BenchmarkError> {
        setup::<T>();
        // Every old feeder is replaced: each submission is deleted.
        feeders::<T>(T::MaxPriceFeeders::get());
        let new: Vec<T::AccountId> = (0..f).map(|i| account("new-feeder", i, SEED)).collect();
        let new = BoundedVec::try_from(new).map_err(|_| BenchmarkError::Weightless)?;
        let origin = T::FeederAdminOrigin::try_successful_origin()
            .map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, new);
        assert_eq!(PriceFeeders::<T>::get().len() as u32, f);
        Ok(())
    }

    #[benchmark]
    fn set_parameters() -> Result<(), BenchmarkError> {
        setup::<T>();
        let mut params = ActiveParameters::<T>::get().unwrap();
        params.fee_burn_share = Perbill::from_percent(70);
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, params);
        assert_eq!(PendingParameters::<T>::get(), Some(params));
        Ok(())
    }

    /// A normal block: mint and split the emission.
    #[benchmark]
    fn on_initialize_block(p: Linear<1, MAX_PROVIDERS>) {
        setup::<T>();
        baseline_state::<T>();
        many_providers::<T>(p);
        let now = frame_system::Pallet::<T>::block_number() + 1u32.into();
        frame_system::Pallet::<T>::set_block_number(now);
        #[block]
        {
            Pallet::<T>::on_initialize(now);
        }
        assert_eq!(CurrentEpoch::<T>::get().index, 0);
    }

    /// An epoch boundary: close the books, apply new parameters, run the controller, prune the
    /// ledger, then mint.
    #[benchmark]
    fn on_initialize_epoch_boundary(p: Linear<1, MAX_PROVIDERS>) {
        setup::<T>();
        baseline_state::<T>();
        many_providers::<T>(p);
        let mut new = ActiveParameters::<T>::get().unwrap();
        new.fee_burn_share = Perbill::from_percent(70);
        PendingParameters::<T>::put(new);
        let retention = T::LedgerRetention::get();
        let epoch = CurrentEpoch::<T>::get();
        CurrentEpoch::<T>::put(EpochInfo {
            index: retention,
            ..epoch
        });
        Ledger::<T>::insert(0, EpochBooks::default());
        CurrentEpoch::<T>::mutate(|e| {
            e.books.credits_served = 1_000;
            e.books.basis_served = T::TokenUnit::get();
            e.books.burned_credits = T::TokenUnit::get();
        });
        let now: BlockNumberFor<T> = epoch.start + epoch.length.into();
        frame_system::Pallet::<T>::set_block_number(now);
        #[block]
        {
            Pallet::<T>::on_initialize(now);
        }
        assert_eq!(CurrentEpoch::<T>::get().index, retention + 1);
        assert!(Ledger::<T>::get(0).is_none());
    }

    impl_benchmark_test_suite!(
        Pallet,
        crate::mock::ExtBuilder::default().build(),
        crate::mock::Test
    );
}
