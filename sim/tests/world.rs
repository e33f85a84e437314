//! The simulator's world is one the chain can be in: no run burns tokens that do not exist
//! (every shipped scenario, the default sweep), what would ask for them is recorded and
//! counted apart, the token price answers supply and demand as `scenario::PricePath`
//! documents, and a scenario's starting parameters are validated as the chain validates them.

use capacloud_economics::presets::CAPA;
use capacloud_sim::{
    run::{run, RunResult, RunSetup},
    scenario::{Adversary, Demand, Market, Outage, PriceModel, Scenario},
    sweep::{run_set, Sweep},
};
use std::{fs, path::PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> Scenario {
    let text = fs::read_to_string(root().join("scenarios").join(name)).unwrap();
    Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn run_of(scenario: &Scenario) -> (RunSetup, RunResult) {
    let setup = RunSetup::from_scenario(scenario).unwrap();
    let result = run(scenario, &setup).unwrap();
    (setup, result)
}

/// Every epoch burned at most the issuance it opened with, and the issuance never fell below
/// zero (it is unsigned: a saturation would show as an epoch burning more than it opened with).
fn assert_physical(name: &str, setup: &RunSetup, result: &RunResult) {
    let mut open = setup.issuance;
    for r in &result.epochs {
        assert!(
            r.burned_credits + r.burned_fees + r.burned_slashes + r.burned_forfeited <= open,
            "{name} epoch {}: burned {} of {open}",
            r.epoch,
            r.burned_credits + r.burned_fees
        );
        open = r.total_issuance;
    }
}

#[test]
fn no_shipped_scenario_and_no_default_sweep_set_burns_what_does_not_exist() {
    let mut names: Vec<String> = fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    for name in &names {
        let scenario = load(name);
        let (setup, result) = run_of(&scenario);
        assert!(
            result.impossible.is_none(),
            "{name}: {:?}",
            result.impossible
        );
        assert!(
            result.epochs.iter().all(|r| r.unmet_demand == 0.0),
            "{name}"
        );
        assert_physical(name, &setup, &result);
    }
    // The default sweep (a sample of 300 of its sets: its scenario is `growth`, 10 years).
    let path = root().join("sweeps/default.toml");
    let mut sweep: Sweep = toml::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    sweep.samples = Some(300);
    let scenario = load(&sweep.scenario.replace("../scenarios/", ""));
    for set in sweep.sets().unwrap() {
        let summary = run_set(&scenario, &set);
        assert_eq!(summary.invalid, None, "{set}");
        assert_eq!(summary.impossible, None, "{set}");
        assert!(
            summary.final_supply > 0 && summary.final_price > 0.0,
            "{set}"
        );
    }
}

#[test]
fn a_fixed_price_that_demand_outgrows_is_recorded_as_impossible_not_reported() {
    // The old world: growth at a price that never moves, twenty times the demand. The supply
    // runs out; the demand is cut to what exists and the run says so.
    let mut scenario = load("growth.toml");
    scenario.price.model = PriceModel::Fixed;
    scenario.demand = scenario.demand.scaled(20.0);
    scenario.adversaries.clear();
    let (setup, result) = run_of(&scenario);
    assert_physical("fixed growth", &setup, &result);
    let impossible = &result.impossible;
    assert!(!impossible.is_none());
    assert!(impossible.unmet_epochs > 100, "{impossible:?}");
    assert_eq!(impossible.refused_purchases, 0);
    assert!(
        impossible.first.as_deref().unwrap().contains("exist"),
        "{impossible:?}"
    );
    let cut = result
        .epochs
        .iter()
        .filter(|r| r.unmet_demand > 0.0)
        .count();
    assert_eq!(cut as u32, impossible.unmet_epochs);
    // A sweep counts it apart.
    let summary = run_set(&scenario, &toml::Table::new());
    assert!(summary.impossible.is_some());
    // The same demand in the market: the price rises as the supply falls, and nothing is cut.
    scenario.price.model = PriceModel::Market;
    let (setup, result) = run_of(&scenario);
    assert!(result.impossible.is_none(), "{:?}", result.impossible);
    assert_physical("market growth", &setup, &result);
}

#[test]
fn an_adversary_cannot_buy_more_than_exists() {
    // A group of two asking to burn 60M CAPA each per epoch for three epochs, from 100M.
    let mut scenario = load("baseline.toml");
    scenario.epochs = 10;
    scenario.adversaries = vec![Adversary::SelfDealer {
        group: 2,
        burn: 60_000_000.0,
        from: 2,
        epochs: 3,
        capacity: 100,
        spend_after: 0,
    }];
    let (setup, result) = run_of(&scenario);
    assert_eq!(result.impossible.refused_purchases, 3);
    assert_eq!(result.impossible.unmet_epochs, 0);
    assert_eq!(result.adversaries[0].burned, 0);
    assert_physical("refused", &setup, &result);
    // Half of it fits once: 2 × 30M of 100M. The next epochs have less than 60M left.
    scenario.adversaries = vec![Adversary::SelfDealer {
        group: 2,
        burn: 30_000_000.0,
        from: 2,
        epochs: 3,
        capacity: 100,
        spend_after: 0,
    }];
    let (setup, result) = run_of(&scenario);
    assert_eq!(result.adversaries[0].burned, 60_000_000 * CAPA);
    assert_eq!(result.impossible.refused_purchases, 2);
    assert_physical("half", &setup, &result);
}

#[test]
fn the_market_price_answers_supply_and_demand() {
    let scenario = load("baseline.toml");
    let per_year = 10_000.0 * 365.0;
    let market: Market = scenario
        .price
        .market(100_000_000.0, per_year)
        .unwrap()
        .unwrap();
    // Calibrated: H = 0.5 × 100M − 3.65M / 12.
    assert_eq!(market.velocity, 12.0);
    assert!((market.holding - (50_000_000.0 - per_year / 12.0)).abs() < 1e-6);
    assert!((market.price(1.0, per_year, 100_000_000.0, 0.0) - 0.5).abs() < 1e-12);
    // Half the supply, twice the price; twice the compute, a higher price; a crash of
    // confidence to 30% of the holding demand lowers it.
    let at = |events: f64, demand: f64, supply: f64| market.price(events, demand, supply, 0.0);
    assert!((at(1.0, per_year, 50_000_000.0) - 1.0).abs() < 1e-12);
    assert!(at(1.0, 2.0 * per_year, 100_000_000.0) > 0.5);
    let crashed = at(0.3, per_year, 100_000_000.0);
    assert!((crashed - (0.3 * market.holding + per_year / 12.0) / 1e8).abs() < 1e-12);
    // An adversary burning 100,000 CAPA a day is demand too: its float, 100,000 × 365 / 12
    // CAPA, is taken from the supply the others share, and the price rises with it.
    let burned = 100_000.0 * 365.0;
    let with = market.price(1.0, per_year, 100_000_000.0, burned);
    assert!((with - 0.5 * 1e8 / (1e8 - burned / 12.0)).abs() < 1e-12);
    // Compute alone worth more than the supply at the start price: refused by name.
    let mut slow = scenario.price.clone();
    slow.velocity = 0.01;
    assert!(slow
        .market(100_000_000.0, per_year)
        .unwrap_err()
        .contains("velocity"));

    // In a run: a hundred times the baseline's demand, and a self-dealing group burning
    // 100,000 CAPA a day for its first 100 epochs, burn less than `S·v/E` every epoch in all
    // (the group's purchases are demand: the price rises with them and the honest buyers need
    // fewer tokens).
    let mut heavy = scenario.clone();
    heavy.demand = Demand::Flat {
        per_epoch: 1_000_000.0,
    };
    heavy.adversaries = vec![Adversary::SelfDealer {
        group: 5,
        burn: 20_000.0,
        from: 0,
        epochs: 100,
        capacity: 100,
        spend_after: 0,
    }];
    let (setup, result) = run_of(&heavy);
    let mut open = setup.issuance as f64;
    for r in &result.epochs {
        assert!(
            (r.burned_credits as f64) < open * 12.0 / 365.0,
            "epoch {}",
            r.epoch
        );
        open = r.total_issuance as f64;
    }
    // Usage burns supply and the price rises with it; with no usage the price falls as the
    // emission adds supply.
    let (_, base) = run_of(&scenario);
    let (_, none) = run_of(&load("no-usage.toml"));
    let last = |r: &RunResult| r.epochs.last().unwrap().price;
    assert!(last(&result) > last(&base) && last(&base) > 0.5 && last(&none) < 0.5);
}

#[test]
fn a_scenario_starts_only_from_parameters_the_chain_accepts() {
    let mut scenario = load("baseline.toml");
    scenario.parameters.insert(
        "usage_reward_cap".into(),
        toml::Value::Integer(1_000_000_000),
    );
    let error = RunSetup::from_scenario(&scenario).unwrap_err();
    assert!(error.contains("refuses"), "{error}");
}

/// The README's results table is what the scenarios give: each row's final supply, emission,
/// price and every adversary's return, as `capacloud-sim run` prints them.
#[test]
fn the_readme_results_are_what_the_scenarios_give() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("## Results").unwrap()..];
    let rows: Vec<&str> = section
        .lines()
        .take_while(|l| !l.starts_with("- **Speed**"))
        .filter(|l| l.starts_with("| `"))
        .collect();
    assert_eq!(rows.len(), 9, "{rows:?}");
    for row in rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let name = cells[1].split('`').nth(1).unwrap();
        let scenario = load(&format!("{name}.toml"));
        let (_, result) = run_of(&scenario);
        let last = result.epochs.last().unwrap();
        assert_eq!(
            cells[2],
            format!("{:.2}M", last.total_issuance as f64 / 1e18),
            "{name}: final supply"
        );
        assert_eq!(
            cells[3],
            format!("{:.3}", last.emission_per_block as f64 / CAPA as f64),
            "{name}: emission"
        );
        assert_eq!(cells[4], format!("{:.3}", last.price), "{name}: price");
        for adversary in &result.adversaries {
            match adversary.return_ratio {
                Some(ratio) => assert!(
                    cells[5].contains(&format!("got back {:.2}%", ratio * 100.0)),
                    "{name}: {adversary:?} in {}",
                    cells[5]
                ),
                None if adversary.gain == 0 => {
                    assert!(cells[5].contains("gained exactly 0"), "{name}")
                }
                None => {
                    let less = (-adversary.gain) as f64 / CAPA as f64;
                    let text = format!("{:.0}", less);
                    // Thousands separated as the README writes them.
                    let grouped = text
                        .as_bytes()
                        .rchunks(3)
                        .rev()
                        .map(|c| std::str::from_utf8(c).unwrap())
                        .collect::<Vec<_>>()
                        .join(",");
                    assert!(
                        cells[5].contains(&format!("{grouped} CAPA less")),
                        "{name}: {grouped} in {}",
                        cells[5]
                    );
                }
            }
        }
        if result.adversaries.is_empty() {
            assert_eq!(cells[5], "", "{name}");
        }
    }
}

#[test]
fn the_chains_provider_rules_apply_in_a_run() {
    // No credit is sold during a price-feed outage; sales resume after it.
    let mut scenario = load("short.toml");
    scenario.outages = vec![Outage {
        epoch: 30,
        epochs: 5,
    }];
    let (_, result) = run_of(&scenario);
    for r in &result.epochs[30..35] {
        assert!(r.sales_stopped, "epoch {}", r.epoch);
        assert_eq!(r.burned_credits, 0, "epoch {}", r.epoch);
    }
    assert!(!result.epochs[35].sales_stopped && result.epochs[35].burned_credits > 0);
    assert!(result.epochs[29].burned_credits > 0);

    // Honest providers below the minimum reputation (10% < 20%): nobody can pay them and they
    // earn no availability; their reputation cannot rise by service they may not prove.
    let mut scenario = load("baseline.toml");
    scenario.epochs = 50;
    scenario.providers.reputation = 0.1;
    let (_, result) = run_of(&scenario);
    assert!(result
        .epochs
        .iter()
        .all(|r| r.burned_credits == 0 && r.minted_availability == 0 && r.income_per_unit == 0.0));

    // Providers joining are new accounts: eligible from the next epoch, at 20%, +5% an epoch.
    let mut scenario = load("baseline.toml");
    scenario.epochs = 40;
    scenario.demand = Demand::None;
    scenario.providers.changes = vec![capacloud_sim::scenario::CountChange {
        epoch: 10,
        count: 100,
    }];
    let (_, result) = run_of(&scenario);
    // The 50 established providers' share of the availability pool: 1 before the newcomers
    // count, then 50 / (50 + 50·r) with the newcomers' reputation r = 20% + 5% an epoch.
    let share = |e: usize| {
        let r = &result.epochs[e];
        r.income_per_unit * 100.0 * 50.0 / r.minted_availability as f64
    };
    let expected = |e: usize| match e {
        0..=10 => 1.0,
        _ => 1.0 / (1.0 + (0.20 + 0.05 * (e as f64 - 11.0)).min(1.0)),
    };
    for e in 0..40 {
        assert!(
            (share(e) - expected(e)).abs() < 1e-6,
            "epoch {e}: {} against {}",
            share(e),
            expected(e)
        );
    }
    assert!((share(27) - 0.5).abs() < 1e-6);

    // Capacity above the chain's maximum is refused by name.
    let mut scenario = load("baseline.toml");
    scenario.providers.capacity = capacloud_economics::presets::MAX_CAPACITY + 1;
    let error = run(&scenario, &RunSetup::from_scenario(&scenario).unwrap()).unwrap_err();
    assert!(error.contains("maximum"), "{error}");
}

#[test]
fn a_slash_burns_the_bond_share_takes_reputation_and_pauses_what_it_uncovers() {
    // The short scenario's self-dealers (two accounts of 50 units, bonded 100 + 50 CAPA each)
    // slashed by half at epoch 15: 75 CAPA burned from each, 75 < 150 left: paused.
    let mut scenario = load("short.toml");
    scenario.slashes = vec![capacloud_sim::scenario::SlashEvent {
        epoch: 15,
        adversary: 0,
        share: 0.5,
        rebond: false,
    }];
    let (_, result) = run_of(&scenario);
    assert_eq!(result.epochs[15].burned_slashes, 150 * CAPA);
    assert!(result
        .epochs
        .iter()
        .enumerate()
        .all(|(e, r)| (e == 15) == (r.burned_slashes > 0)));
    // Its cost counts: its burns (20 epochs × 2 × 2,000 CAPA) and the slash.
    assert_eq!(result.adversaries[0].burned, 80_000 * CAPA + 150 * CAPA);
    // Paused: no availability (nor usage) from the slash on.
    let availability = |e: usize| result.epochs[e].adversary_availability[0];
    assert!(availability(14) > availability(13));
    assert_eq!(availability(14), availability(119));
    // Re-bonded in the same epoch (75 CAPA more each, held, not burned) and resumed: live
    // again from the next epoch, so availability grows again from epoch 16's settlement on;
    // the slash and the burns cost the same.
    scenario.slashes[0].rebond = true;
    let (_, rebonded) = run_of(&scenario);
    let again = |e: usize| rebonded.epochs[e].adversary_availability[0];
    assert_eq!(rebonded.epochs[15].burned_slashes, 150 * CAPA);
    assert_eq!(rebonded.adversaries[0].burned, 80_000 * CAPA + 150 * CAPA);
    assert_eq!(again(15), availability(15));
    assert!(again(16) > again(15));
    assert!(again(119) > availability(119));
    // A slash of an adversary that does not exist is refused by name.
    scenario.slashes[0].rebond = false;
    scenario.slashes[0].adversary = 3;
    let error = run(&scenario, &RunSetup::from_scenario(&scenario).unwrap()).unwrap_err();
    assert!(error.contains("no adversary 3"), "{error}");
}

#[test]
fn a_removal_forfeits_the_locked_rewards_burns_the_bond_share_and_stops_the_accounts() {
    // The short scenario's self-dealers (two accounts of 50 units, bonded 150 CAPA each)
    // removed at epoch 15 with half their bonds slashed: 75 CAPA burned from each, the rest
    // released; the rewards they settled in the last `RewardDelay` (4) epochs are still
    // locked on the chain and are forfeited, burned from the pot in epoch 15's books.
    let mut scenario = load("short.toml");
    scenario.removals = vec![capacloud_sim::scenario::RemovalEvent {
        epoch: 15,
        adversary: 0,
        share: 0.5,
    }];
    let (setup, result) = run_of(&scenario);
    assert_eq!(setup.reward_delay, 4);
    // What the accounts settled, cumulated, after each epoch's close (usage and availability).
    let settled = |e: usize| {
        let r = &result.epochs[e];
        r.adversary_usage[0] + r.adversary_availability[0]
    };
    let locked = settled(14) - settled(10);
    assert!(settled(10) > 0 && locked > 0);
    // Epoch 15 burns the forfeit (nothing expires this early) and the slash, exactly.
    assert_eq!(result.epochs[15].burned_forfeited, locked);
    assert_eq!(result.epochs[15].burned_slashes, 150 * CAPA);
    assert!(result.epochs[..15].iter().all(|r| r.burned_forfeited == 0));
    // The accounts stop: no burn, no usage, no availability after the removal.
    assert_eq!(settled(119), settled(14));
    // Its cost: its burns before the removal (epochs 10 to 14: 5 × 2 × 2,000 CAPA) and the
    // slash.
    assert_eq!(result.adversaries[0].burned, 20_000 * CAPA + 150 * CAPA);
    // Against the same run without the removal (the profit columns are measured against the
    // same honest counterfactual): equal up to epoch 14; in epoch 15 the removed accounts lose
    // the forfeit and the slash, do not burn their 4,000 CAPA and do not earn epoch 15's reward.
    let mut kept = scenario.clone();
    kept.removals.clear();
    let (_, plain) = run_of(&kept);
    let profit = |r: &RunResult, e: usize| r.epochs[e].adversary_profit[0];
    assert_eq!(profit(&result, 14), profit(&plain, 14));
    let earned_15 = {
        let settled = |e: usize| {
            plain.epochs[e].adversary_usage[0] + plain.epochs[e].adversary_availability[0]
        };
        settled(15) - settled(14)
    };
    assert_eq!(
        profit(&result, 15) - profit(&plain, 15),
        -(locked as i128) - (150 * CAPA) as i128 + (4_000 * CAPA) as i128 - earned_15 as i128
    );
    assert_physical("short with a removal", &setup, &result);
    // A removal of an adversary that does not exist is refused by name.
    scenario.removals[0].adversary = 3;
    let error = run(&scenario, &RunSetup::from_scenario(&scenario).unwrap()).unwrap_err();
    assert!(
        error.contains("removal at epoch 15: no adversary 3"),
        "{error}"
    );
}

#[test]
fn a_freeze_holds_what_unlocks_until_the_removal_forfeits_it_and_costs_nothing_alone() {
    // The short scenario's self-dealers frozen at epoch 15: for `MinUnbondingPeriod` (17 days
    // 2 hours: eighteen daily epochs) nobody claims their rewards; removed at epoch 20, they
    // forfeit everything they settled from epoch 11 on (epochs 11 to 14 were locked at the
    // freeze, 15 to 19 settled during it), not only the last `RewardDelay` (4) epochs'.
    let mut scenario = load("short.toml");
    scenario.freezes = vec![capacloud_sim::scenario::FreezeEvent {
        epoch: 15,
        adversary: 0,
    }];
    scenario.removals = vec![capacloud_sim::scenario::RemovalEvent {
        epoch: 20,
        adversary: 0,
        share: 0.0,
    }];
    let (setup, frozen) = run_of(&scenario);
    assert_eq!(setup.freeze_blocks, 17 * 14_400 + 1_200);
    let settled = |r: &RunResult, e: usize| {
        r.epochs[e].adversary_usage[0] + r.epochs[e].adversary_availability[0]
    };
    assert_eq!(
        frozen.epochs[20].burned_forfeited,
        settled(&frozen, 19) - settled(&frozen, 10)
    );
    // Without the freeze the removal takes the last four epochs' rewards only.
    let mut unfrozen = scenario.clone();
    unfrozen.freezes.clear();
    let (_, removed) = run_of(&unfrozen);
    assert_eq!(
        removed.epochs[20].burned_forfeited,
        settled(&removed, 19) - settled(&removed, 15)
    );
    assert!(frozen.epochs[20].burned_forfeited > removed.epochs[20].burned_forfeited);
    // A freeze that no removal follows moves no token: the run is the run without it.
    let mut alone = scenario.clone();
    alone.removals.clear();
    let (_, held) = run_of(&alone);
    let mut nothing = scenario.clone();
    nothing.removals.clear();
    nothing.freezes.clear();
    let (_, plain) = run_of(&nothing);
    assert_eq!(held.epochs, plain.epochs);
    assert_physical("short with a freeze and a removal", &setup, &frozen);
}
