//! Benchmarks of pallet-burn-mint (FRAME benchmarking v2). Each call is measured in its worst
//! case; `on_initialize` is measured on a normal block and on an epoch boundary with up to
//! 10_000 registered providers, to show that its cost does not depend on them.

use super::*;
use crate::economics::{self, ControllerMode, Parameters};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
    traits::{
        fungible::{Inspect, Mutate, MutateHold},
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
            target_inflation_per_year: Perbill::from_percent(2),
        },
        epoch_length: 10u32.min(T::MaxEpochLength::get()),
        usage_reward_cap: Perbill::from_percent(50).min(T::MaxUsageRewardCap::get()),
        fee_burn_share: Perbill::from_percent(50),
        price_max_age: 1_000,
        min_price_feeds: 1,
        max_price_deviation: Perbill::from_percent(10),
        max_price_change_per_block: Perbill::from_percent(1),
        unbonding_period: T::MinUnbondingPeriod::get(),
        min_provider_bond: unit,
        bond_per_capacity_unit: unit / 100,
        initial_reputation: Permill::from_percent(10),
        min_reputation: Permill::from_percent(10),
        service_reputation_gain: Permill::from_percent(1),
        // A majority of the full verifier set `setup` appoints: the most votes to count.
        min_capacity_attestations: economics::smallest_majority(T::MaxCapacityVerifiers::get()),
        // As many windows as the epoch has blocks: a heartbeat proves one of ten.
        liveness_windows: 10u32.min(T::MaxEpochLength::get()),
        verifier_bond: 10 * unit,
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
        controller: economics::ControllerState::starting_at(emission, &params),
        accrual: economics::EmissionAccrual {
            per_block: economics::split_emission(emission, &params),
            updated_at: now,
            ..Default::default()
        },
        owed: 0,
    });
    let verifiers: Vec<T::AccountId> = (0..T::MaxCapacityVerifiers::get())
        .map(|i| account("verifier", i, SEED))
        .collect();
    let mut sorted = verifiers;
    sorted.sort();
    // Each verifier holds the bond it needs to attest.
    for v in &sorted {
        T::Currency::set_balance(v, 1_000_000 * T::TokenUnit::get());
        Pallet::<T>::do_bond_verifier(v.clone(), params.verifier_bond).expect("bonds");
    }
    CapacityVerifiers::<T>::put(BoundedVec::try_from(sorted).expect("n <= MaxCapacityVerifiers"));
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

/// The benchmarks' buyer (whitelisted, as a signer), holding the credits one token buys at the
/// fresh price of one feeder; returns it and its credits.
fn buyer_with_credits<T: Config>() -> (T::AccountId, economics::Credits) {
    let buyer = caller::<T>("caller", 0);
    feeders::<T>(1);
    Pallet::<T>::buy_credits(
        RawOrigin::Signed(buyer.clone()).into(),
        T::TokenUnit::get(),
        1,
    )
    .expect("buys");
    let credits = CreditBalances::<T>::get(&buyer).credits;
    (buyer, credits)
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

/// The last capacity verifier (the slowest to find in the sorted list).
fn verifier<T: Config>() -> T::AccountId {
    let verifier = CapacityVerifiers::<T>::get()
        .last()
        .cloned()
        .expect("setup appoints verifiers");
    whitelist_account!(verifier);
    verifier
}

/// Every verifier but the last attests `capacity` units of `who` (stored directly: what a
/// full list of earlier attestations leaves).
fn votes_of_all_but_the_last<T: Config>(who: &T::AccountId, capacity: u32) {
    let verifiers = CapacityVerifiers::<T>::get();
    let votes: Vec<_> = verifiers[..verifiers.len() - 1]
        .iter()
        .map(|v| (v.clone(), capacity))
        .collect();
    Attestations::<T>::insert(
        who,
        CapacityAttestations::<T> {
            votes: BoundedVec::try_from(votes).expect("fewer than MaxCapacityVerifiers"),
        },
    );
}

/// A registered provider with 8 verified capacity units (half its declared 16), bonded for
/// all 16, attested by a quorum of verifiers, eligible to prove liveness in the open epoch.
fn provider<T: Config>(index: u32) -> T::AccountId {
    let who = funded::<T>("provider", index);
    let params = bench_params::<T>();
    Pallet::<T>::register_provider(
        RawOrigin::Signed(who.clone()).into(),
        16,
        params.required_bond(16),
    )
    .expect("registers");
    let verifiers = CapacityVerifiers::<T>::get();
    for v in verifiers
        .iter()
        .take(params.min_capacity_attestations as usize)
    {
        Pallet::<T>::attest_capacity(RawOrigin::Signed(v.clone()).into(), who.clone(), 8)
            .expect("attests");
    }
    // Registered and attested in an earlier epoch.
    Providers::<T>::mutate(&who, |p| {
        if let Some(p) = p {
            let current = CurrentEpoch::<T>::get().index;
            p.eligible_from = current;
            p.verified_from = current;
        }
    });
    who
}

/// Inserts `n` providers directly into storage (fast setup for the hook benchmarks).
fn many_providers<T: Config>(n: u32) {
    for i in 0..n {
        let who: T::AccountId = account("many", i, SEED);
        let mut record = Provider::<BlockNumberFor<T>>::new(1, 0, Permill::one(), 0);
        record.verified_capacity = 1;
        Providers::<T>::insert(&who, record);
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

/// Makes `provider` owed usage and availability of a closed epoch (settling it reads and
/// writes that epoch's pool), and lets the reward delay pass (so that settling also unlocks).
fn closed_usage<T: Config>(who: &T::AccountId) {
    let unit = T::TokenUnit::get();
    let buyer = funded::<T>("buyer", 0);
    feeders::<T>(1);
    Pallet::<T>::pay_for_compute(RawOrigin::Signed(buyer).into(), who.clone(), 10 * unit, 0)
        .expect("pays");
    let epoch = CurrentEpoch::<T>::get();
    let epochs = 1 + T::RewardDelay::get();
    run_to_block::<T>(epoch.start + (epoch.length * epochs).into());
    full_pool_claims::<T>();
}

/// Lengthens the pools' claims to a full claim window (a live chain keeps one entry per epoch
/// of the window): settling decodes and re-encodes them all. The added entries are of epochs
/// no pool will ever have, after the real ones, so that the order stays ascending.
fn full_pool_claims<T: Config>() {
    let window = T::RewardClaimWindow::get();
    crate::PoolClaims::<T>::mutate(|claims| {
        let missing = window.saturating_sub(claims.len() as u32);
        for i in (0..missing).rev() {
            let padding = crate::PoolClaim {
                epoch: u32::MAX - i,
                claimed: 0,
            };
            claims.try_push(padding).expect("a window fits");
        }
    });
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
        // The unbonding period has passed (the runtime's is days of blocks: not run here).
        Providers::<T>::mutate(&who, |p| {
            if let Some(p) = p {
                p.status = ProviderStatus::Leaving {
                    unlock_at: frame_system::Pallet::<T>::block_number(),
                };
            }
        });
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

    /// A slash that takes the bond below what the verified capacity requires: the provider
    /// is paused on the way.
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
        assert_eq!(
            Providers::<T>::get(&who).unwrap().status,
            ProviderStatus::Paused
        );
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
        let (buyer, credits) = buyer_with_credits::<T>();
        let credits = credits / 2;
        #[extrinsic_call]
        _(RawOrigin::Signed(buyer.clone()), who.clone(), credits);
        assert!(Providers::<T>::get(&who).unwrap().owed() > 0);
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
        assert!(Providers::<T>::get(&who).unwrap().work.is_some());
    }

    /// Spending with a provider already served in the open epoch (or never served): no
    /// closed epoch's work to settle, no reward pool touched. What `spend_credits` is charged
    /// after dispatch when it settled nothing.
    #[benchmark]
    fn spend_credits_open_epoch() {
        setup::<T>();
        let who = provider::<T>(0);
        let (buyer, credits) = buyer_with_credits::<T>();
        let credits = credits / 4;
        Pallet::<T>::spend_credits(
            RawOrigin::Signed(buyer.clone()).into(),
            who.clone(),
            credits,
        )
        .unwrap();
        #[extrinsic_call]
        spend_credits(RawOrigin::Signed(buyer.clone()), who.clone(), credits);
        let work = Providers::<T>::get(&who).unwrap().work.unwrap();
        assert_eq!(work.credits, 2 * credits);
    }

    /// Paying a provider already served in the open epoch (or never served): no closed
    /// epoch's work to settle, no reward pool touched: the common case, once a provider's
    /// first payment of the epoch has settled its older work. What `pay_for_compute` is
    /// charged after dispatch when it settled nothing.
    #[benchmark]
    fn pay_for_compute_open_epoch(f: Linear<1, { T::MaxPriceFeeders::get() }>) {
        setup::<T>();
        let who = provider::<T>(0);
        feeders::<T>(f);
        let buyer = caller::<T>("caller", 0);
        Pallet::<T>::pay_for_compute(
            RawOrigin::Signed(buyer.clone()).into(),
            who.clone(),
            T::TokenUnit::get(),
            1,
        )
        .unwrap();
        let before = Providers::<T>::get(&who).unwrap().work.unwrap();
        #[extrinsic_call]
        pay_for_compute(
            RawOrigin::Signed(buyer),
            who.clone(),
            T::TokenUnit::get(),
            1,
        );
        let work = Providers::<T>::get(&who).unwrap().work.unwrap();
        assert_eq!(work.epoch, before.epoch);
        assert_eq!(work.basis, 2 * before.basis);
    }

    /// The worst case: settling a closed epoch's pools, unlocking, paying, and removing the
    /// record of a provider that has left and withdrawn its bond (which writes the count).
    /// The pot is not whitelisted: blocks that mint nothing do not touch it.
    #[benchmark]
    fn claim_rewards() {
        setup::<T>();
        let who = provider::<T>(0);
        closed_usage::<T>(&who);
        let bond = Providers::<T>::get(&who).unwrap().bond;
        T::Currency::release(
            &HoldReason::ProviderBond.into(),
            &who,
            bond,
            frame_support::traits::tokens::Precision::Exact,
        )
        .unwrap();
        Providers::<T>::mutate(&who, |p| {
            if let Some(p) = p {
                p.bond = 0;
                p.status = ProviderStatus::Leaving {
                    unlock_at: Zero::zero(),
                };
            }
        });
        let caller = caller::<T>("caller", 0);
        #[extrinsic_call]
        _(RawOrigin::Signed(caller), who.clone());
        assert!(Providers::<T>::get(&who).is_none());
    }

    /// Proving liveness after serving in a closed epoch: settles that epoch's pools first.
    #[benchmark]
    /// A heartbeat after closed work (settled on the way) that agrees the capacity again over
    /// a full list of attestations and reschedules it.
    #[benchmark]
    fn heartbeat() {
        setup::<T>();
        let who = provider::<T>(0);
        closed_usage::<T>(&who);
        votes_of_all_but_the_last::<T>(&who, 4);
        whitelist_account!(who);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        let epoch = CurrentEpoch::<T>::get().index;
        let record = Providers::<T>::get(&who).unwrap();
        assert!(record.live_points_in(epoch) > 0);
        assert_eq!(
            (record.verified_capacity, record.verified_from),
            (4, epoch + 1)
        );
    }

    /// An attestation by the last verifier of a full list, every other verifier having
    /// attested: it changes the agreed capacity, with closed work unsettled (settling reads and
    /// writes that epoch's reward pool).
    #[benchmark]
    fn attest_capacity() {
        setup::<T>();
        let who = provider::<T>(0);
        closed_usage::<T>(&who);
        votes_of_all_but_the_last::<T>(&who, 16);
        let verifier = verifier::<T>();
        #[extrinsic_call]
        _(RawOrigin::Signed(verifier), who.clone(), 16);
        let record = Providers::<T>::get(&who).unwrap();
        assert_eq!(record.verified_capacity, 16);
        assert_eq!(record.work, None, "the closed work was settled by the call");
    }

    #[benchmark]
    fn bond_verifier() {
        setup::<T>();
        let who = caller::<T>("candidate", 0);
        let amount = bench_params::<T>().verifier_bond;
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), amount);
        assert_eq!(
            VerifierBonds::<T>::get(&who).map(|b| b.amount),
            Some(amount)
        );
    }

    #[benchmark]
    fn withdraw_verifier_bond() {
        setup::<T>();
        // A former verifier (not in the full set, which is searched) that attested: the
        // unbonding minimum since its attestation is checked, then its bond released.
        let who = caller::<T>("former", 0);
        Pallet::<T>::do_bond_verifier(who.clone(), bench_params::<T>().verifier_bond)
            .expect("bonds");
        let now = frame_system::Pallet::<T>::block_number();
        VerifierBonds::<T>::mutate(&who, |b| {
            if let Some(b) = b {
                b.last_attested = Some(now);
            }
        });
        frame_system::Pallet::<T>::set_block_number(now + T::MinUnbondingPeriod::get().into());
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(VerifierBonds::<T>::get(&who).is_none());
    }

    #[benchmark]
    fn slash_verifier() -> Result<(), BenchmarkError> {
        setup::<T>();
        let v = verifier::<T>();
        let origin =
            T::ReputationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(
            origin as T::RuntimeOrigin,
            v.clone(),
            Perbill::from_percent(50),
        );
        assert_eq!(
            VerifierBonds::<T>::get(&v).map(|b| b.amount),
            Some(bench_params::<T>().verifier_bond / 2)
        );
        Ok(())
    }

    #[benchmark]
    fn set_capacity_verifiers(
        v: Linear<1, { T::MaxCapacityVerifiers::get() }>,
    ) -> Result<(), BenchmarkError> {
        setup::<T>();
        // A quorum the new set can reach (checked against the parameters in force).
        ActiveParameters::<T>::mutate(|p| {
            if let Some(p) = p {
                p.min_capacity_attestations = economics::smallest_majority(v);
            }
        });
        let new: Vec<T::AccountId> = (0..v).map(|i| account("new-verifier", i, SEED)).collect();
        let new = BoundedVec::try_from(new).map_err(|_| BenchmarkError::Weightless)?;
        let origin = T::VerifierAdminOrigin::try_successful_origin()
            .map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, new);
        assert_eq!(CapacityVerifiers::<T>::get().len() as u32, v);
        Ok(())
    }

    #[benchmark]
    fn bond_extra() {
        setup::<T>();
        let who = provider::<T>(0);
        whitelist_account!(who);
        let before = Providers::<T>::get(&who).unwrap().bond;
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), T::TokenUnit::get());
        assert_eq!(
            Providers::<T>::get(&who).unwrap().bond,
            before + T::TokenUnit::get()
        );
    }

    /// Removal with everything to forfeit: closed work not yet settled (its share read from
    /// and written to that epoch's pool), a bond to slash and release, a full list of
    /// attestations to remove.
    #[benchmark]
    fn remove_provider() -> Result<(), BenchmarkError> {
        setup::<T>();
        let who = provider::<T>(0);
        closed_usage::<T>(&who);
        votes_of_all_but_the_last::<T>(&who, 16);
        assert!(Providers::<T>::get(&who).unwrap().work.is_some());
        let origin =
            T::ReputationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(
            origin as T::RuntimeOrigin,
            who.clone(),
            Perbill::from_percent(50),
        );
        assert!(Providers::<T>::get(&who).is_none());
        Ok(())
    }

    /// A freeze: one record read and written, whatever it holds.
    #[benchmark]
    fn freeze_provider() -> Result<(), BenchmarkError> {
        setup::<T>();
        let who = provider::<T>(0);
        let origin =
            T::FreezeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());
        let now = frame_system::Pallet::<T>::block_number();
        assert!(Providers::<T>::get(&who).unwrap().is_frozen(&now));
        Ok(())
    }

    /// Lifting a freeze.
    #[benchmark]
    fn unfreeze_provider() -> Result<(), BenchmarkError> {
        setup::<T>();
        let who = provider::<T>(0);
        Pallet::<T>::do_freeze_provider(who.clone())?;
        let origin =
            T::ReputationOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());
        assert_eq!(Providers::<T>::get(&who).unwrap().frozen_until, None);
        Ok(())
    }

    #[benchmark]
    fn submit_price() {
        setup::<T>();
        let list = feeders::<T>(T::MaxPriceFeeders::get());
        let who = list.last().unwrap().clone();
        // The worst case: every feed fresh (a median and an agreement count over all of them),
        // the price in force set 10 blocks ago 5% below the feeds; the submission is within
        // the band around it (so it is stored) and the price in force moves by the per-block
        // bound (a second event).
        let then = frame_system::Pallet::<T>::block_number();
        LastPrice::<T>::put(PriceInForce::new(FixedU128::from_rational(95, 100), then));
        let now = then + 10u32.into();
        frame_system::Pallet::<T>::set_block_number(now);
        whitelist_account!(who);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), FixedU128::from(1));
        let feeds = PriceFeeders::<T>::get();
        let feed = feeds.iter().find(|f| f.feeder == who).unwrap();
        let last = LastPrice::<T>::get().unwrap();
        assert_eq!(last.at, now);
        assert!(
            FixedU128::from_rational(95, 100) < last.price && last.price < FixedU128::from(1),
            "moved by the bound only"
        );
        assert_eq!(feed.latest.unwrap().0, FixedU128::from(1), "accepted");
    }

    #[benchmark]
    fn set_price_feeders(
        f: Linear<1, { T::MaxPriceFeeders::get() }>,
    ) -> Result<(), BenchmarkError> {
        setup::<T>();
        // Every old feeder is replaced: each submission is deleted. Active and pending
        // parameters both need a quorum of the new set: a majority of it.
        feeders::<T>(T::MaxPriceFeeders::get());
        let mut params = ActiveParameters::<T>::get().unwrap();
        params.min_price_feeds = economics::smallest_majority(f);
        ActiveParameters::<T>::put(params);
        PendingParameters::<T>::put(params);
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
        // A full feeder list to check the quorum against.
        feeders::<T>(T::MaxPriceFeeders::get());
        let mut params = ActiveParameters::<T>::get().unwrap();
        params.fee_burn_share = Perbill::from_percent(70);
        params.min_price_feeds = T::MaxPriceFeeders::get();
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

    /// An epoch boundary in its worst case for `e` pools looked up for expiry (1 in the steady
    /// state; up to `MAX_POOLS_EXPIRED_PER_BOUNDARY` while a lowered claim window is caught
    /// up), each holding what it minted (burned): pay the treasury, mint both pools, apply new
    /// parameters, run the controller, prune the ledger, burn a surplus, then mint.
    #[benchmark]
    fn on_initialize_epoch_boundary(
        p: Linear<1, MAX_PROVIDERS>,
        e: Linear<1, { crate::MAX_POOLS_EXPIRED_PER_BOUNDARY }>,
    ) {
        setup::<T>();
        baseline_state::<T>();
        many_providers::<T>(p);
        let unit = T::TokenUnit::get();
        let pot = Pallet::<T>::pot();
        // The expiring pools and every pool of the claim window (so that the pools' claims
        // are as long as they get), each with something settled, owed and held by the pot;
        // the open epoch's treasury share, held by the pot; one token sent to the pot from
        // outside.
        let window = T::RewardClaimWindow::get();
        let index = T::LedgerRetention::get().max(window) + crate::MAX_POOLS_EXPIRED_PER_BOUNDARY;
        let oldest = index - window + 1 - e;
        let mut claims = crate::PoolClaimsOf::new();
        for old in oldest..index {
            RewardPools::<T>::insert(
                old,
                economics::PoolFunds {
                    live_points: 1,
                    availability: 2 * unit,
                    ..Default::default()
                },
            );
            claims
                .try_push(crate::PoolClaim {
                    epoch: old,
                    claimed: unit,
                })
                .unwrap();
        }
        crate::PoolClaims::<T>::put(claims);
        let owed = unit * e as u128;
        let kept = unit * (window - 1) as u128;
        Emission::<T>::mutate(|em| em.owed = owed + kept);
        let params = ActiveParameters::<T>::get().unwrap();
        let treasury_share =
            Emission::<T>::get().accrual.per_block.ecosystem * params.epoch_length as u128;
        T::Currency::mint_into(&pot, owed + kept + treasury_share + unit).unwrap();
        let mut new = ActiveParameters::<T>::get().unwrap();
        new.fee_burn_share = Perbill::from_percent(70);
        PendingParameters::<T>::put(new);
        let epoch = CurrentEpoch::<T>::get();
        CurrentEpoch::<T>::put(EpochInfo {
            index,
            next_pool_to_expire: oldest,
            ..epoch
        });
        let pruned = index - T::LedgerRetention::get();
        Ledger::<T>::insert(pruned, EpochBooks::default());
        CurrentEpoch::<T>::mutate(|ep| {
            ep.books.credits_served = 1_000;
            ep.books.basis_served = unit;
            ep.books.burned_credits = unit;
            ep.books.live_points = 1;
        });
        let now: BlockNumberFor<T> = epoch.start + epoch.length.into();
        frame_system::Pallet::<T>::set_block_number(now);
        #[block]
        {
            Pallet::<T>::on_initialize(now);
        }
        let next = CurrentEpoch::<T>::get();
        assert_eq!(next.index, index + 1);
        assert!(Ledger::<T>::get(pruned).is_none());
        assert!((oldest..=index - window).all(|old| RewardPools::<T>::get(old).is_none()));
        assert_eq!(next.next_pool_to_expire, index - window + 1);
        assert!(RewardPools::<T>::get(index).is_some());
        assert_eq!(crate::PoolClaims::<T>::get().len() as u32, window);
        assert!(next.books.burned_forfeited >= owed);
    }

    /// A former provider forgets its history (and releases the account reference).
    #[benchmark]
    fn forget_history() {
        setup::<T>();
        let who = caller::<T>("former", 0);
        Pallet::<T>::note_history(&who, |h| h.slashes = 1);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(History::<T>::get(&who).is_none());
        assert_eq!(frame_system::Pallet::<T>::consumers(&who), 0);
    }

    impl_benchmark_test_suite!(
        Pallet,
        crate::mock::ExtBuilder::default().build(),
        crate::mock::Test
    );
}
