//! The simulator and the chain agree to the planck: the same epochs run through the pallet
//! block by block (providers live, credits bought, spent and paid for, fees, a parameter
//! change, claims) and through `capacloud-sim`'s model, started from the chain's state, give the same
//! books, the same issuance and the same rewards.

use super::*;
use crate::{
    economics::availability_points, ActiveParameters, LastPrice, PendingParameters, PriceInForce,
};
use capacloud_sim::{
    executor::{EpochEnd, Executor, Group},
    feeds::{Feeders, Reports},
    model::{Activity, Chain, Model},
    run::{drive, Pass, RunSetup},
    scenario::Scenario,
};

/// The chain's state at the first block of the open epoch, as the simulator's starting point
/// (before that block's own mint, which belongs to the epoch the simulator runs next).
fn simulator_from_chain() -> Chain {
    let epoch = CurrentEpoch::<Test>::get();
    let emission = Emission::<Test>::get();
    Chain {
        params: ActiveParameters::<Test>::get().unwrap(),
        pending: PendingParameters::<Test>::get(),
        limits: BurnMint::hard_limits(),
        controller: emission.controller,
        accrual: emission.accrual,
        issuance: issuance() - emission.accrual.minted_per_block(),
        totals: epoch.closed_totals,
        epoch: epoch.index,
        block: epoch.start - 1,
        pools: crate::Pallet::<Test>::reward_pools().into(),
        claim_window: <Test as crate::Config>::RewardClaimWindow::get(),
    }
}

#[test]
fn the_simulator_closes_every_epoch_as_the_chain_does() {
    let params = Parameters {
        mode: ControllerMode::BurnIndexed {
            smoothing: Perbill::from_percent(30),
            target_inflation_per_year: Perbill::from_percent(1),
        },
        max_step_per_epoch: Perbill::from_percent(20),
        ..test_params()
    };
    ExtBuilder::default()
        .parameters(params)
        .build_and_execute(|| {
            // Two verified providers, eligible from the next epoch.
            for (who, capacity) in [(P1, 100), (P2, 40)] {
                register(who, capacity);
                attest(who, capacity);
            }
            next_epoch();
            let mut sim = simulator_from_chain();
            let first = sim.epoch;
            let price = FixedU128::from(2);
            let points = |capacity: u32| availability_points(capacity, Permill::one());
            let mut expected = [0u128; 2];
            // Fourteen epochs: past the claim window (10 in the mock), so that four pools expire
            // and what is unclaimed of them (the rounding dust) is burned on both sides.
            for round in 0..14u32 {
                let index = CurrentEpoch::<Test>::get().index;
                let mut activity = Activity::default();
                // The feeders keep the price (2.0) fresh.
                for feeder in FEEDERS {
                    assert_ok!(BurnMint::submit_price(signed(feeder), price));
                }
                // A transaction fee of 1,001 each epoch: 60% burned, rounded up (601), the
                // simulator burning it with the same function.
                pay_fee(ALICE, 1_001);
                let share = ActiveParameters::<Test>::get().unwrap().fee_burn_share;
                activity.burned_fees += crate::economics::split_fee(1_001, share).burned;
                assert_eq!(CurrentEpoch::<Test>::get().books.burned_fees, 601);
                // Both providers prove liveness (P2 not in the fourth epoch: no availability; it
                // is not paid then either, since serving credits proves liveness too).
                heartbeat(P1);
                activity.live_points += points(100);
                if round != 3 {
                    heartbeat(P2);
                    activity.live_points += points(40);
                }
                // Alice buys credits and spends part of them with P1; Bob pays P2 in CAPA;
                // nothing at all in the third epoch.
                let mut p1 = (0u128, 0u128);
                let mut p2 = (0u128, 0u128);
                if round != 2 {
                    let tokens = 1_000 + 337 * round as u128;
                    let before = CreditBalances::<Test>::get(ALICE);
                    assert_ok!(BurnMint::buy_credits(signed(ALICE), tokens, 0));
                    let bought = activity.buy(tokens, price, UNIT);
                    let after = CreditBalances::<Test>::get(ALICE);
                    assert_eq!(
                        after.credits - before.credits,
                        bought,
                        "the simulator prices credits as the chain"
                    );
                    let spent = after.credits / 3;
                    let basis = crate::economics::basis_of(spent, after.credits, after.basis);
                    assert_ok!(BurnMint::spend_credits(signed(ALICE), P1, spent));
                    activity.serve(spent, basis);
                    p1 = (spent, basis);
                    if round != 3 {
                        let paid = 500 + 101 * round as u128;
                        assert_ok!(BurnMint::pay_for_compute(signed(BOB), P2, paid, 0));
                        let credits = activity.buy(paid, price, UNIT);
                        activity.serve(credits, paid);
                        p2 = (credits, paid);
                    }
                }
                // A referendum in the second epoch: a longer epoch and a smaller step from the
                // next boundary on.
                if round == 1 {
                    let new = Parameters {
                        epoch_length: 12,
                        max_step_per_epoch: Perbill::from_percent(5),
                        ..ActiveParameters::<Test>::get().unwrap()
                    };
                    assert_ok!(BurnMint::set_parameters(RuntimeOrigin::root(), new));
                    sim.schedule(new).unwrap();
                }
                next_epoch();
                let closed = sim.run_epoch(&activity);
                // The books, the issuance, the next emission: identical.
                assert_eq!(
                    Ledger::<Test>::get(index),
                    Some(closed.plan.books),
                    "epoch {index}"
                );
                let emission = Emission::<Test>::get();
                assert_eq!(emission.controller, sim.controller, "epoch {index}");
                assert_eq!(emission.accrual.per_block, sim.accrual.per_block);
                assert_eq!(
                    issuance() - emission.accrual.minted_per_block(),
                    sim.issuance
                );
                assert_eq!(CurrentEpoch::<Test>::get().closed_totals, sim.totals);
                assert_eq!(ActiveParameters::<Test>::get(), Some(sim.params));
                // Each provider's reward for the epoch, as the simulator settles it.
                let p2_points = if round != 3 { points(40) } else { 0 };
                let rewards = [
                    closed.reward_of(p1.0, p1.1, points(100)),
                    closed.reward_of(p2.0, p2.1, p2_points),
                ];
                // Both settle it into their records before the pool expires (at their next
                // heartbeat); the simulator claims it from the pool.
                for (i, reward) in rewards.into_iter().enumerate() {
                    expected[i] += reward;
                    assert_eq!(sim.claim(index, reward), reward);
                }
            }
            assert_eq!(sim.epoch, first + 14);
            // Pools expired, and their dust was burned, the same on both sides (checked in
            // the books above).
            let forfeited: u128 = (first..first + 14)
                .map(|i| Ledger::<Test>::get(i).unwrap().burned_forfeited)
                .sum();
            assert!(forfeited > 0);
            // Claims pay exactly what the simulator settled (the mock unlocks at once).
            for (who, reward) in [(P1, expected[0]), (P2, expected[1])] {
                assert!(reward > 0);
                assert_eq!(BurnMint::pending_rewards(who), reward);
                let free = Balances::free_balance(who);
                assert_ok!(BurnMint::claim_rewards(signed(CHARLIE), who));
                assert_eq!(Balances::free_balance(who), free + reward);
            }
        });
}

/// The simulator's provider rules (`capacloud_sim::providers`) are the chain's: a new account
/// starts at the initial reputation and proves liveness from the next epoch, each epoch of
/// proven service adds the gain (to 100%), a provider below the minimum is neither paid nor
/// counted, an attestation the bond does not cover is refused (the simulator counts no
/// capacity), and no credit is sold while the price feeds are stale (a scenario's outage).
#[test]
fn the_simulators_provider_rules_are_the_chains() {
    use capacloud_sim::providers::Standing;
    let params = reputation_params();
    ExtBuilder::default()
        .parameters(params)
        .build_and_execute(|| {
            // A fresh account (the mock's funded accounts have a history at 100%).
            const NEW: AccountId = 700;
            assert_ok!(Balances::mint_into(&NEW, 1_000_000));
            let registered = CurrentEpoch::<Test>::get().index;
            register(NEW, 100);
            attest(NEW, 100);
            let mut standing = Standing::registered(&params, registered);
            assert_eq!(
                Providers::<Test>::get(NEW).unwrap().reputation,
                standing.reputation
            );
            // Not in the epoch it registered in.
            assert!(BurnMint::heartbeat(signed(NEW)).is_err());
            assert_eq!(standing.live_points(&params, registered, 100), 0);
            // Twenty epochs of service: the same points and the same reputation, 20% -> 100%.
            for _ in 0..20 {
                next_epoch();
                let index = CurrentEpoch::<Test>::get().index;
                for feeder in FEEDERS {
                    assert_ok!(BurnMint::submit_price(signed(feeder), FixedU128::from(2)));
                }
                heartbeat(NEW);
                let record = Providers::<Test>::get(NEW).unwrap();
                assert_eq!(
                    record.live_points_in(index),
                    standing.live_points(&params, index, 100),
                    "epoch {index}"
                );
                standing.served(&params);
                assert_eq!(record.reputation, standing.reputation, "epoch {index}");
            }
            assert_eq!(standing.reputation, Permill::one());
            // Below the minimum: the chain refuses to pay it and to count its liveness; the
            // simulator neither pays nor counts it.
            next_epoch();
            let index = CurrentEpoch::<Test>::get().index;
            let low = Permill::from_percent(19);
            assert_ok!(BurnMint::set_reputation(RuntimeOrigin::root(), NEW, low));
            for feeder in FEEDERS {
                assert_ok!(BurnMint::submit_price(signed(feeder), FixedU128::from(2)));
            }
            assert_noop!(
                BurnMint::heartbeat(signed(NEW)),
                Error::<Test>::ReputationTooLow
            );
            assert_noop!(
                BurnMint::pay_for_compute(signed(ALICE), NEW, 1_000, 0),
                Error::<Test>::ReputationTooLow
            );
            let below = Standing {
                reputation: low,
                ..standing
            };
            assert!(!below.payable(&params));
            assert_eq!(below.live_points(&params, index, 100), 0);
            // A bond of 1,000 covers 900 units (100 + 1 a unit): an attestation of 950 real
            // units is refused, and the simulator's capacity inflater counts none.
            register(P2, 1_000);
            assert!(params.required_bond(950) > 1_000);
            assert_noop!(
                BurnMint::attest_capacity(signed(VERIFIER), P2, 950),
                Error::<Test>::BondTooLow
            );
            // Feeds go stale (an outage): no credit is sold.
            run_to_block(System::block_number() + params.price_max_age as u64 + 1);
            assert_noop!(
                BurnMint::buy_credits(signed(ALICE), 1_000, 0),
                Error::<Test>::PriceUnavailable
            );
        });
}

/// The pallet as a `capacloud_sim` executor: every call of a run is made as the extrinsics a
/// world would submit, in the epoch's first block.
struct OnChain {
    /// Each group's accounts, oldest first.
    groups: std::collections::BTreeMap<Group, Vec<AccountId>>,
    /// The next fresh account.
    next: AccountId,
    /// Emission per block during the open epoch.
    emission: u128,
}

/// Pays for everything (funded before the run: its tokens are part of the start's issuance).
const HOLDER: AccountId = 600;

impl OnChain {
    fn new() -> Self {
        OnChain {
            groups: Default::default(),
            next: 2_000,
            emission: Emission::<Test>::get().controller.emission_per_block,
        }
    }

    /// The newest `accounts` accounts of `group`, oldest first.
    fn accounts(&self, group: Group, accounts: u32) -> Vec<AccountId> {
        let all = &self.groups[&group];
        all[all.len() - accounts as usize..].to_vec()
    }

    /// Gives `who` `amount` from the holder (a transfer: the issuance does not move).
    fn fund(who: AccountId, amount: u128) {
        assert_ok!(<Balances as Mutate<_>>::transfer(
            &HOLDER,
            &who,
            amount,
            Preservation::Preserve
        ));
    }
}

impl Executor for OnChain {
    fn params(&self) -> Parameters {
        ActiveParameters::<Test>::get().unwrap()
    }

    fn pending(&self) -> Option<Parameters> {
        PendingParameters::<Test>::get()
    }

    fn issuance(&self) -> u128 {
        CurrentEpoch::<Test>::get().books.total_issuance_at_open
    }

    fn pot(&self) -> u128 {
        crate::Pallet::<Test>::reward_pools()
            .iter()
            .map(|(_, p)| p.remaining())
            .sum()
    }

    fn schedule(&mut self, params: Parameters) -> Result<(), crate::economics::ParameterError> {
        params.validate(&BurnMint::hard_limits())?;
        assert_ok!(BurnMint::set_parameters(RuntimeOrigin::root(), params));
        Ok(())
    }

    fn open(&mut self, _epoch: u32, price: Option<FixedU128>) {
        let price = price.expect("the equivalence scenario has no outage");
        for feeder in FEEDERS {
            assert_ok!(BurnMint::submit_price(signed(feeder), price));
        }
        self.emission = Emission::<Test>::get().controller.emission_per_block;
    }

    fn register(
        &mut self,
        group: Group,
        accounts: u32,
        capacity: u32,
        attested: u32,
        bond: u128,
        reputation: Permill,
    ) {
        for _ in 0..accounts {
            let who = self.next;
            self.next += 1;
            Self::fund(who, bond + 1_000);
            assert_ok!(BurnMint::register_provider(signed(who), capacity, bond));
            // Refused when the bond does not cover it (`BondTooLow`): no capacity.
            let _ = BurnMint::attest_capacity(signed(VERIFIER), who, attested);
            if reputation != Providers::<Test>::get(who).unwrap().reputation {
                assert_ok!(BurnMint::set_reputation(
                    RuntimeOrigin::root(),
                    who,
                    reputation
                ));
            }
            self.groups.entry(group).or_default().push(who);
        }
    }

    fn attest(&mut self, group: Group, accounts: u32, capacity: u32) {
        // The mock's verifier is its own quorum (`min_capacity_attestations` 1).
        for who in self.accounts(group, accounts) {
            assert_ok!(BurnMint::attest_capacity(signed(VERIFIER), who, capacity));
        }
    }

    fn leave(&mut self, group: Group, accounts: u32) {
        for _ in 0..accounts {
            let who = self.groups.get_mut(&group).unwrap().pop().unwrap();
            assert_ok!(BurnMint::leave(signed(who)));
        }
    }

    fn pay(&mut self, group: Group, accounts: u32, tokens: u128) -> u128 {
        let Some(credits) = BurnMint::quote_credits(tokens).filter(|c| *c > 0) else {
            return 0;
        };
        for who in self.accounts(group, accounts) {
            assert_ok!(BurnMint::pay_for_compute(
                signed(HOLDER),
                who,
                tokens,
                credits
            ));
        }
        credits
    }

    fn buy(&mut self, group: Group, accounts: u32, tokens: u128) -> u128 {
        let Some(credits) = BurnMint::quote_credits(tokens).filter(|c| *c > 0) else {
            return 0;
        };
        for who in self.accounts(group, accounts) {
            Self::fund(who, tokens);
            assert_ok!(BurnMint::buy_credits(signed(who), tokens, credits));
        }
        credits
    }

    fn spend(&mut self, group: Group, accounts: u32, credits: u128) -> u128 {
        let mut basis = 0;
        for who in self.accounts(group, accounts) {
            let before = CreditBalances::<Test>::get(who).basis;
            assert_ok!(BurnMint::spend_credits(signed(who), who, credits));
            basis = before - CreditBalances::<Test>::get(who).basis;
        }
        basis
    }

    fn fee(&mut self, amount: u128) {
        pay_fee(HOLDER, amount);
    }

    fn mint_outside(&mut self, amount: u128) {
        // What `Root`'s `force_set_balance` does to the issuance: pallet-balances mints, no
        // book of the pallet's sees it.
        assert_ok!(Balances::mint_into(&HOLDER, amount));
    }

    fn slash(&mut self, group: Group, accounts: u32, share: Perbill) -> u128 {
        let mut burned = 0;
        for who in self.accounts(group, accounts) {
            let before = Providers::<Test>::get(who).unwrap().bond;
            assert_ok!(BurnMint::slash_provider(RuntimeOrigin::root(), who, share));
            burned += before - Providers::<Test>::get(who).unwrap().bond;
        }
        burned
    }

    fn rebond(&mut self, group: Group, accounts: u32, amount: u128) {
        for who in self.accounts(group, accounts) {
            assert_ok!(BurnMint::bond_extra(signed(who), amount));
            assert_ok!(BurnMint::resume(signed(who)));
        }
    }

    fn freeze(&mut self, group: Group, accounts: u32) {
        for who in self.accounts(group, accounts) {
            assert_ok!(BurnMint::freeze_provider(signed(FREEZER), who));
        }
    }

    fn remove(
        &mut self,
        group: Group,
        accounts: u32,
        share: Perbill,
        _forfeited: u128,
    ) -> (u128, u128) {
        let (mut slashed, mut forfeited) = (0, 0);
        for who in self.accounts(group, accounts) {
            assert_ok!(BurnMint::remove_provider(RuntimeOrigin::root(), who, share));
            let Event::ProviderRemoved {
                slashed: s,
                forfeited: f,
                ..
            } = last_event()
            else {
                panic!("no removal event");
            };
            slashed += s;
            forfeited += f;
        }
        (slashed, forfeited)
    }

    fn heartbeat(&mut self, group: Group, accounts: u32, _points: u128) -> u128 {
        let index = CurrentEpoch::<Test>::get().index;
        let mut points = 0;
        for who in self.accounts(group, accounts) {
            assert_ok!(BurnMint::heartbeat(signed(who)));
            points = Providers::<Test>::get(who).unwrap().live_points_in(index);
        }
        points
    }

    fn close(&mut self) -> EpochEnd {
        let epoch = CurrentEpoch::<Test>::get();
        next_epoch();
        EpochEnd {
            index: epoch.index,
            length: epoch.length,
            emission_per_block: self.emission,
            books: Ledger::<Test>::get(epoch.index).unwrap(),
            pool: crate::Pallet::<Test>::reward_pool(epoch.index).unwrap_or_default(),
            controller: Emission::<Test>::get().controller,
        }
    }

    fn claim(&mut self, group: Group, accounts: u32, end: &EpochEnd, _reward: u128) -> u128 {
        // What each account's work of the closed epoch settles to: the chain's own record of
        // the work. Each account then claims what has unlocked (refused while nothing has:
        // `RewardsLocked`, `NothingToClaim`), so that what a removal forfeits is what is still
        // locked, as the simulator counts it.
        self.accounts(group, accounts)
            .into_iter()
            .map(|who| {
                let reward = Providers::<Test>::get(who)
                    .and_then(|record| record.work)
                    .filter(|work| work.epoch == end.index)
                    .map_or(0, |work| end.pool.reward_of(&work));
                let _ = BurnMint::claim_rewards(signed(who), who);
                reward
            })
            .sum()
    }
}

/// `scenario` driven by the simulator's own run (`capacloud_sim::run::drive`, every adversary
/// attacking) on the simulator's model and, as extrinsics, on this test chain (built with
/// `reputation_params()`): the scenario's providers of the start (3 of 100 units at 80%)
/// registered first, and a supply cap 20,000 plancks above the issuance, which the emission
/// reaches within the run. Asserts every epoch's record, and what each adversary received and
/// burned, identical to the planck; returns both passes.
fn drive_both(scenario: &Scenario) -> (Pass, Pass) {
    let params = reputation_params();
    assert_ok!(Balances::mint_into(&HOLDER, 1_000_000_000_000_000));
    let mut chain = OnChain::new();
    chain.register(
        Group::Honest(0),
        3,
        100,
        100,
        params.required_bond(100),
        Permill::from_percent(80),
    );
    next_epoch();
    // Some blocks are withheld, and burns in an epoch make room for its later blocks.
    MaxTotalSupply::set(Some(issuance() + 20_000));
    let mut model = simulator_from_chain();
    model.limits = BurnMint::hard_limits();
    let emission = Emission::<Test>::get();
    let setup = RunSetup {
        params: model.params,
        emission: emission.controller.emission_per_block,
        issuance: model.issuance,
        epochs_per_year: 365.0 * 14_400.0 / model.params.epoch_length as f64,
        controller: Some(emission.controller),
        reward_delay: RewardDelay::get(),
        freeze_blocks:
            <<Test as crate::Config>::MinUnbondingPeriod as frame_support::traits::Get<u32>>::get(),
    };
    let attacking = vec![true; scenario.adversaries.len()];
    let mut model = Model::new(model);
    model.token_unit = UNIT;
    let simulated = drive(scenario, &setup, &attacking, &mut model).unwrap();
    let on_chain = drive(scenario, &setup, &attacking, &mut chain).unwrap();
    for (epoch, (sim, chain)) in simulated.records.iter().zip(&on_chain.records).enumerate() {
        assert_eq!(sim, chain, "epoch {epoch}");
    }
    assert_eq!(simulated.received, on_chain.received);
    assert_eq!(simulated.burned, on_chain.burned);
    (simulated, on_chain)
}

/// [`drive_both`] on a test chain of its own built with `reputation_params()` and a
/// `RewardDelay` of `reward_delay` (reset to 0 afterwards); returns both passes.
fn on_both(scenario: &Scenario, reward_delay: u32) -> (Pass, Pass) {
    RewardDelay::set(reward_delay);
    let mut passes = None;
    ExtBuilder::default()
        .parameters(reputation_params())
        .build_and_execute(|| passes = Some(drive_both(scenario)));
    RewardDelay::set(0);
    passes.expect("the test chain ran")
}

/// Governance's answer to an adversary: a freeze in epoch 4, a removal (no slash) in epoch 5.
const FROZEN_THEN_REMOVED: &str = r#"
        [[freezes]]
        epoch = 4
        adversary = 0
        [[removals]]
        epoch = 5
        adversary = 0
        share = 0.0
        "#;

/// A scenario runs identically on the chain and in the simulator, driven by the simulator's
/// own run (`capacloud_sim::run::drive`, the code that turns a scenario into activity): honest
/// providers of several reputations paid for compute, some joining (new accounts) and some
/// leaving, a self-dealing group buying and spending a later epoch, a capacity inflater, fees,
/// slashes (one that leaves the bond covering the capacity, one that pauses the group),
/// a binding supply cap (the controller keeps the emission below it), `RewardDelay` 1, a
/// referendum lengthening the epoch and one switching the controller's mode, past the claim
/// window: every epoch's record
/// (books, issuance, controller, emission, an honest provider's income, each adversary's
/// rewards from each pool) is identical to the planck.
#[test]
fn a_scenario_runs_identically_on_the_chain_and_in_the_simulator() {
    let scenario = Scenario::from_toml(
        r#"
        name = "equivalence"
        epochs = 18
        fees_per_epoch = 0.0000000005
        [demand]
        kind = "flat"
        per_epoch = 0.000000006
        [price]
        model = "fixed"
        start = 2.0
        events = [{ epoch = 8, factor = 0.5 }]
        [providers]
        count = 3
        capacity = 100
        reputation = 0.8
        changes = [{ epoch = 5, count = 5 }, { epoch = 13, count = 4 }]
        [[adversaries]]
        kind = "self_dealer"
        group = 2
        burn = 0.000000002
        from = 2
        epochs = 6
        capacity = 40
        spend_after = 1
        [[adversaries]]
        kind = "capacity_inflater"
        declared = 5000
        real = 50
        bond = 0.0000000002
        [[slashes]]
        epoch = 10
        adversary = 1
        share = 0.2
        [[slashes]]
        epoch = 11
        adversary = 0
        share = 0.6
        [[changes]]
        epoch = 3
        set = { epoch_length = 12 }
        [[changes]]
        epoch = 9
        set = { mode = { BurnIndexed = { smoothing = 300000000, target_inflation_per_year = 10000000 } } }
        "#,
    )
    .unwrap();
    RewardDelay::set(1);
    ExtBuilder::default()
        .parameters(reputation_params())
        .build_and_execute(|| {
            let (simulated, _) = drive_both(&scenario);
            // It exercised what it says: the supply cap binding (under a zero decay the
            // emission falls only to stay below it), expired pools' dust burned, the
            // self-dealers paid from the usage pools and the inflater from availability, the
            // mode switched, providers joined and left.
            let records = &simulated.records;
            assert_eq!(records[3].emission_per_block, 1_000);
            assert!(records[6].emission_per_block < records[3].emission_per_block);
            assert!(records.iter().any(|r| r.burned_forfeited > 0));
            let last = records.last().unwrap();
            assert!(last.adversary_usage[0] > 0 && last.adversary_availability[1] > 0);
            assert!(simulated.received.iter().all(|r| *r > 0));
            assert!(
                records.iter().any(|r| r.providers == 5) && records.last().unwrap().providers == 4
            );
            assert!(matches!(
                ActiveParameters::<Test>::get().unwrap().mode,
                ControllerMode::BurnIndexed { .. }
            ));
            // The slashes burned bonds; the 60% one paused the self-dealers (no availability
            // from then on), the 20% one left the inflater's bond covering its capacity.
            assert!(records[10].burned_slashes > 0 && records[11].burned_slashes > 0);
            assert_eq!(
                records[12].adversary_availability[0],
                records[17].adversary_availability[0]
            );
            assert!(records[17].adversary_availability[1] > records[12].adversary_availability[1]);
        });
}

/// A scenario of `epochs` epochs: flat demand of 6 plancks' worth per epoch paid to the three
/// honest providers of the start, the price fixed at 2.0; `rest` adds its tables (the
/// adversaries, the governance events).
fn small_world(name: &str, epochs: u32, rest: &str) -> Scenario {
    Scenario::from_toml(&format!(
        r#"
        name = "{name}"
        epochs = {epochs}
        [demand]
        kind = "flat"
        per_epoch = 0.000000006
        [price]
        model = "fixed"
        start = 2.0
        [providers]
        count = 3
        capacity = 100
        reputation = 0.8
        {rest}"#
    ))
    .unwrap()
}

/// [`small_world`] with a self-dealing group of two accounts of 40 units each burning 2
/// plancks' worth from epoch 1 for `dealing` epochs; `rest` adds its tables (the governance
/// events).
fn self_dealers(name: &str, epochs: u32, dealing: u32, rest: &str) -> Scenario {
    small_world(
        name,
        epochs,
        &format!(
            r#"
        [[adversaries]]
        kind = "self_dealer"
        group = 2
        burn = 0.000000002
        from = 1
        epochs = {dealing}
        capacity = 40
        {rest}"#
        ),
    )
}

/// A self-dealing group that governance slashes by 10% (any slash pauses it: it bonded exactly
/// what its capacity requires) re-bonds and resumes in the same epoch (`bond_extra`, `resume`):
/// identical on the chain and in the simulator to the planck, live again from the next epoch.
#[test]
fn a_slashed_group_that_re_bonds_runs_identically_on_the_chain_and_in_the_simulator() {
    let scenario = self_dealers(
        "rebond",
        10,
        8,
        r#"
        [[slashes]]
        epoch = 4
        adversary = 0
        share = 0.1
        rebond = true
        "#,
    );
    RewardDelay::set(1);
    ExtBuilder::default()
        .parameters(reputation_params())
        .build_and_execute(|| {
            let (simulated, _) = drive_both(&scenario);
            let records = &simulated.records;
            // 10% of each account's 140 burned: 14 each.
            assert_eq!(records[4].burned_slashes, 28);
            let availability = |e: usize| records[e].adversary_availability[0];
            // Paused and resumed in epoch 4: not live in it, live again from epoch 5.
            assert!(availability(3) > availability(2));
            assert_eq!(availability(4), availability(3));
            assert!(availability(5) > availability(4));
            assert!(availability(9) > availability(5));
        });
}

/// Governance removes a self-dealing group (`remove_provider`, a quarter of each bond slashed)
/// under a `RewardDelay` of 2, its accounts having claimed every epoch what had unlocked:
/// identical on the chain and in the simulator to the planck, the rewards of the two epochs
/// still locked forfeited and burned, the accounts stopped. (With one unlock epoch per record,
/// as before storage version 11, the chain's accounts could claim nothing under this delay,
/// and the removal forfeited every reward they had earned: the records differed.)
#[test]
fn a_removed_group_forfeits_its_locked_rewards_identically_on_the_chain_and_in_the_simulator() {
    let scenario = self_dealers(
        "removal",
        10,
        8,
        r#"
        [[removals]]
        epoch = 6
        adversary = 0
        share = 0.25
        "#,
    );
    RewardDelay::set(2);
    ExtBuilder::default()
        .parameters(reputation_params())
        .build_and_execute(|| {
            let (simulated, on_chain) = drive_both(&scenario);
            let records = &simulated.records;
            let settled =
                |e: usize| records[e].adversary_usage[0] + records[e].adversary_availability[0];
            // A quarter of each account's 140 bond: 35 each.
            assert_eq!(records[6].burned_slashes, 70);
            // The rewards of epochs 4 and 5 (settled after their closes, unlocking in epochs 7
            // and 8) are forfeited; nothing expired in the run.
            let locked = settled(5) - settled(3);
            assert!(locked > 0);
            assert_eq!(records[6].burned_forfeited, locked);
            assert!(records
                .iter()
                .enumerate()
                .all(|(e, r)| (e == 6) == (r.burned_forfeited > 0)));
            // The accounts stop: nothing more settled after the removal.
            assert_eq!(settled(9), settled(5));
            // Each account claimed the rewards of epochs up to 3 before the removal.
            assert_eq!(on_chain.received[0], settled(3));
            assert!(Providers::<Test>::iter_keys().count() == 3);
        });
    RewardDelay::set(0);
}

/// Governance freezes a self-dealing group (`freeze_provider`: 15 blocks in the mock, claims
/// refused in the first block of the next epoch) and removes it one epoch later: identical
/// on the chain and in the simulator, the reward that unlocked during the freeze forfeited
/// with the one still locked.
#[test]
fn a_frozen_then_removed_group_forfeits_what_the_freeze_held_identically_on_the_chain_and_in_the_simulator(
) {
    let scenario = self_dealers("freeze", 8, 6, FROZEN_THEN_REMOVED);
    let (simulated, on_chain) = on_both(&scenario, 1);
    let records = &simulated.records;
    let settled = |e: usize| records[e].adversary_usage[0] + records[e].adversary_availability[0];
    // Epoch 3's reward unlocked in the first block of epoch 5, during the freeze, and epoch
    // 4's was still locked: both forfeited.
    assert!(settled(3) > settled(2) && settled(4) > settled(3));
    assert_eq!(records[5].burned_forfeited, settled(4) - settled(2));
    assert_eq!(on_chain.received[0], settled(2));
}

/// Root mints outside the pallet (`[[mints]]`; on the chain pallet-balances mints into an
/// account, as `force_set_balance` would) below the binding supply cap: the mint takes room
/// the controller had left for the epoch's emission, the blocks that no longer fit are
/// withheld, the close books the mint on the `outside_minted` line (not followed as a burn)
/// and the emission falls to what room is left. Identical on the chain and in the simulator
/// to the planck, and compared with the same run without the mint.
#[test]
fn a_mint_outside_the_pallet_withholds_blocks_identically_on_the_chain_and_in_the_simulator() {
    let mint = r#"
        [[mints]]
        epoch = 2
        amount = 0.0000000145
        "#;
    let run = |rest: &str| on_both(&self_dealers("mint", 8, 0, rest), 0).0;
    let minted = run(mint);
    let plain = run("");
    let (with, without) = (&minted.records, &plain.records);
    // The same until the mint; booked on the outside line in its epoch only.
    assert_eq!(with[..2], without[..2]);
    assert!(with
        .iter()
        .enumerate()
        .all(|(e, r)| r.minted_outside == if e == 2 { 14_500 } else { 0 }));
    // The mint left 900 plancks of room after the epoch's first block (12,600 at its open, its
    // first block's 200, 3,000 burned): 4 of the 9 later blocks fit (200 to the treasury each),
    // 5 are withheld, and the pools find no room at the close.
    assert_eq!(
        (with[2].minted_treasury, without[2].minted_treasury),
        (1_000, 2_000)
    );
    assert!(with[2].unminted > without[2].unminted);
    // The issuance is 14,500 higher, less what the withheld blocks did not mint.
    let withheld =
        without[2].minted_treasury + without[2].minted_usage + without[2].minted_availability
            - (with[2].minted_treasury + with[2].minted_usage + with[2].minted_availability);
    assert_eq!(
        with[2].total_issuance,
        without[2].total_issuance + 14_500 - withheld
    );
    // The controller lowers the emission to the room left; the cap is never crossed.
    assert!(with[2].emission_per_block == without[2].emission_per_block);
    assert!(with[3].emission_per_block < without[3].emission_per_block);
    assert!(minted.breaches.is_empty() && plain.breaches.is_empty());
}

/// A capacity-verifier quorum lies for a friend (`attest_capacity` of ten times its 40 units in
/// epoch 2, counted from epoch 3); governance freezes the friend in epoch 4, within the reward
/// delay (2), and removes it in epoch 5: identical on the chain and in the simulator to the
/// planck. The lie's rewards (epochs 3 and 4) and epoch 2's, held by the freeze, are
/// forfeited: the friend keeps only what it claimed before the freeze.
#[test]
fn a_lying_quorums_friend_frozen_in_time_forfeits_the_lie_identically_on_the_chain_and_in_the_simulator(
) {
    let lie = r#"
        [[adversaries]]
        kind = "lying_quorum"
        declared = 400
        real = 40
        from = 2
        "#;
    let scenario = small_world("quorum", 8, &format!("{lie}{FROZEN_THEN_REMOVED}"));
    let (simulated, on_chain) = on_both(&scenario, 2);
    let records = &simulated.records;
    let earned = |e: usize| records[e].adversary_availability[0];
    // The lie counts from epoch 3: the friend's availability per epoch jumps.
    let before = earned(2) - earned(1);
    assert!(before > 0 && earned(3) - earned(2) > 5 * before);
    // Epochs 2 (held by the freeze), 3 and 4 (locked) are forfeited at the removal.
    assert_eq!(records[5].burned_forfeited, earned(4) - earned(1));
    assert_eq!(on_chain.received[0], earned(1));
    assert_eq!(earned(7), earned(4));
}

/// The world's report of feeder `index` of `count` under `reports`: honest ones first (the
/// first `honest_online` of them online), the liars last; none when offline.
fn report_of(index: u32, count: u32, reports: &Reports) -> Option<FixedU128> {
    let liars = reports.lie.map_or(0, |(liars, _)| liars);
    if index >= count - liars {
        reports.lie.map(|(_, lie)| lie)
    } else {
        (index < reports.honest_online).then_some(reports.market)
    }
}

#[test]
fn the_simulators_feeders_settle_the_price_as_the_chain_does_block_by_block() {
    // Three feeders, a quorum of two, a band of 10%, 1% a block, fresh for 20 blocks. Each
    // phase runs on the chain block by block (every online feeder submits its report, then a
    // buyer asks the price) and
    // in the simulator as one epoch of `Feeders::epoch` (its shortcuts included): the first
    // block's price, the settled price, the lag and the chain's memory agree.
    let params = Parameters {
        max_price_deviation: Perbill::from_percent(10),
        max_price_change_per_block: Perbill::from_percent(1),
        ..test_params()
    };
    let fixed = FixedU128::from_float;
    let phases = [
        // Quiet: the market the genesis price.
        (fixed(2.0), 3, None, 30),
        // A crash to half: followed one step a block.
        (fixed(1.0), 3, None, 100),
        // One honest feeder offline, the liar at 1.5: once the offline feed is stale, two
        // fresh feeds, their mean the median.
        (fixed(1.0), 1, Some((1, fixed(1.5))), 100),
        // Everybody back, the liar at ten times the market: the median is honest.
        (fixed(1.0), 2, Some((1, fixed(10.0))), 60),
        // An outage: nobody submits; the feeds go stale after 20 blocks and sales stop.
        (fixed(1.0), 0, None, 40),
        // Back, the market 30% up.
        (fixed(1.3), 3, None, 60),
        // A one-block epoch.
        (fixed(1.31), 3, None, 1),
    ];
    ExtBuilder::default()
        .parameters(params)
        .build_and_execute(|| {
            let count = FEEDERS.len() as u32;
            let mut sim = Feeders::new(count, LastPrice::<Test>::get().map(|last| last.price));
            assert_eq!(System::block_number(), sim.now() as u64);
            let mut lags = Vec::new();
            for (phase, (market, honest_online, lie, length)) in phases.into_iter().enumerate() {
                let reports = Reports {
                    market,
                    honest_online,
                    lie,
                };
                let settled = sim.epoch(length, &reports, &params);
                let mut on_sale = Vec::new();
                for _ in 0..length {
                    for (index, feeder) in FEEDERS.into_iter().enumerate() {
                        let Some(report) = report_of(index as u32, count, &reports) else {
                            continue;
                        };
                        assert_ok!(BurnMint::submit_price(signed(feeder), report));
                    }
                    on_sale.push(BurnMint::current_price());
                    run_to_block(System::block_number() + 1);
                }
                let last = *on_sale.last().unwrap();
                // The blocks before the price on sale stays what it settled at.
                let lag = on_sale
                    .iter()
                    .rposition(|p| *p != last)
                    .map_or(0, |i| i + 1) as u32;
                assert_eq!(
                    (on_sale[0], last, lag),
                    (settled.first, settled.price, settled.lag),
                    "phase {phase}"
                );
                let last = LastPrice::<Test>::get().map(|l| PriceInForce {
                    price: l.price,
                    at: l.at as u32,
                    base: l.base,
                    base_at: l.base_at as u32,
                });
                assert_eq!(last, sim.last(), "phase {phase}");
                let feeds: Vec<_> = PriceFeeders::<Test>::get()
                    .iter()
                    .map(|f| f.latest.map(|(p, at)| (p, at as u32)))
                    .collect();
                assert_eq!(feeds, sim.latest(), "phase {phase}");
                assert_eq!(System::block_number(), sim.now() as u64);
                lags.push((settled.price.map(|p| p.to_float()), settled.lag));
            }
            // What the phases came to: the crash followed in 68 blocks; with one honest feeder
            // offline, once its report is stale (20 blocks in) the liar's 1.5 and the honest 1.0
            // are the fresh pair and neither is within 10% of their mean: sales stop (the
            // denial the threat model grants a minority facing fewer than a quorum of honest
            // feeds); with both honest ones back the price is the market's at once (it never
            // moved); the outage stops sales 20 blocks in; the rise of 30% takes 26 blocks.
            assert_eq!(
                lags,
                [
                    (Some(2.0), 0),
                    (Some(1.0), 68),
                    (None, 20),
                    (Some(1.0), 0),
                    (None, 20),
                    (Some(1.3), 26),
                    (Some(1.31), 0),
                ]
            );
        });
}
