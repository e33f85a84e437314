//! Running a scenario: the world around the chain (demand, price, honest providers,
//! adversaries, governance) turned into each epoch's [`Activity`], the chain closing the epoch,
//! and each party's rewards settled from the closed epoch's pools.
//!
//! An adversary's profit is measured against a counterfactual: the same run with that
//! adversary's attack left out (it keeps its honest part: its verified capacity, proven live,
//! or, for the capacity inflater, the truth declared). What the attack changes in everything it
//! receives, less what it burned, is its profit; the run fails loudly when an attack gets back
//! as much as it burned.

use crate::{
    model::{Activity, Chain, Closed},
    scenario::{defaults, plancks, with_overrides, Adversary, Scenario},
};
use capacloud_economics::{
    availability_points, availability_share, settle_usage, split_emission, Amount, ControllerState,
    Parameters,
};
use sp_arithmetic::{FixedU128, Permill};

/// One epoch of a run, as reported.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EpochRecord {
    /// The epoch.
    pub epoch: u32,
    /// The token price (stable units per CAPA).
    pub price: f64,
    /// Stable units spent on compute.
    pub demand: f64,
    /// Emission per block during the epoch (plancks).
    pub emission_per_block: Amount,
    /// Minted for the treasury.
    pub minted_treasury: Amount,
    /// Minted into the usage pool.
    pub minted_usage: Amount,
    /// Minted into the availability pool.
    pub minted_availability: Amount,
    /// Burned buying credits.
    pub burned_credits: Amount,
    /// Fees burned.
    pub burned_fees: Amount,
    /// Emission never minted (no live provider, the usage cap, the supply cap).
    pub unminted: Amount,
    /// Total issuance at the close.
    pub total_issuance: Amount,
    /// An honest provider's usage reward per credit served (plancks), zero without usage.
    pub income_per_credit: f64,
    /// An honest provider's availability reward per verified capacity unit (plancks).
    pub income_per_unit: f64,
    /// Honest providers.
    pub providers: u32,
    /// Each adversary's cumulative profit (plancks; negative: a loss).
    pub adversary_profit: Vec<i128>,
}

/// An adversary's result over the whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct AdversaryResult {
    /// Which (index in the scenario).
    pub index: usize,
    /// Its kind and strategy, for reports.
    pub strategy: String,
    /// What it burned for the attack.
    pub burned: Amount,
    /// What the attack changed in what it received.
    pub gain: i128,
    /// `gain / burned`, if it burned anything.
    pub return_ratio: Option<f64>,
}

/// A finished run.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Per epoch.
    pub epochs: Vec<EpochRecord>,
    /// Per adversary.
    pub adversaries: Vec<AdversaryResult>,
    /// With more than one adversary: all of them as one coalition, measured against the run
    /// in which none attacks (what they received together, less what they burned together).
    pub coalition: Option<AdversaryResult>,
    /// Whether any hard limit was crossed (emission per block above the cap, issuance above the
    /// maximum supply), and where.
    pub limit_breaches: Vec<String>,
}

/// What a run needs besides the scenario.
#[derive(Clone, Debug)]
pub struct RunSetup {
    /// Parameters at the start.
    pub params: Parameters,
    /// Emission per block at the start (plancks).
    pub emission: Amount,
    /// Total issuance at the start (plancks).
    pub issuance: Amount,
    /// Epochs in a year, for growth rates and annual inflation.
    pub epochs_per_year: f64,
    /// The controller's memory, when starting from a live chain (else it starts at
    /// `emission`).
    pub controller: Option<ControllerState>,
}

impl RunSetup {
    /// The scenario's start: the defaults with its overrides, its supply and emission.
    pub fn from_scenario(scenario: &Scenario) -> Result<Self, String> {
        let (defaults, _) = defaults();
        let params = with_overrides(&defaults, &scenario.parameters)?;
        Ok(RunSetup {
            params,
            emission: plancks(scenario.start.emission_per_block),
            issuance: plancks(scenario.start.supply),
            epochs_per_year: 365.0 * 14_400.0 / params.epoch_length.max(1) as f64,
            controller: None,
        })
    }
}

/// Which adversaries attack in a run (the others play their honest part).
type Attacking = Vec<bool>;

/// Runs `scenario` from `setup`; every adversary attacks, and each is measured against the run
/// without its attack.
pub fn run(scenario: &Scenario, setup: &RunSetup) -> Result<RunResult, String> {
    let all: Attacking = vec![true; scenario.adversaries.len()];
    let (mut epochs, received, burned, limit_breaches) = simulate(scenario, setup, &all)?;
    let mut adversaries = Vec::new();
    for (index, adversary) in scenario.adversaries.iter().enumerate() {
        let mut without = all.clone();
        without[index] = false;
        let (other_epochs, other_received, _, _) = simulate(scenario, setup, &without)?;
        let gain = received[index] as i128 - other_received[index] as i128;
        let burned = burned[index];
        // Cumulative profit per epoch: what the attack changed so far, less what it burned.
        for (record, other) in epochs.iter_mut().zip(&other_epochs) {
            record.adversary_profit[index] -= other.adversary_profit[index];
        }
        adversaries.push(AdversaryResult {
            index,
            strategy: format!("{adversary:?}"),
            burned,
            gain: gain - burned as i128,
            return_ratio: (burned > 0).then(|| gain as f64 / burned as f64),
        });
    }
    let coalition = if scenario.adversaries.len() > 1 {
        let none: Attacking = vec![false; scenario.adversaries.len()];
        let (_, honest, _, _) = simulate(scenario, setup, &none)?;
        let sum = |v: &[Amount]| v.iter().fold(0i128, |acc, x| acc + *x as i128);
        let gain = sum(&received) - sum(&honest);
        let burned = burned
            .iter()
            .fold(0, |acc: Amount, x| acc.saturating_add(*x));
        Some(AdversaryResult {
            index: scenario.adversaries.len(),
            strategy: "the coalition of every adversary".into(),
            burned,
            gain: gain - burned as i128,
            return_ratio: (burned > 0).then(|| gain as f64 / burned as f64),
        })
    } else {
        None
    };
    Ok(RunResult {
        epochs,
        adversaries,
        coalition,
        limit_breaches,
    })
}

/// One pass over the scenario with the given attacks: the records (each adversary's column
/// holds what it received so far less what it burned so far), what each adversary received
/// and burned in all, and any hard-limit breach.
fn simulate(
    scenario: &Scenario,
    setup: &RunSetup,
    attacking: &Attacking,
) -> Result<(Vec<EpochRecord>, Vec<Amount>, Vec<Amount>, Vec<String>), String> {
    let (_, limits) = defaults();
    let mut chain = Chain::new(setup.params, limits, setup.emission, setup.issuance);
    if let Some(controller) = setup.controller {
        chain.controller = controller;
        chain.accrual.per_block = split_emission(controller.emission_per_block, &setup.params);
    }
    let reputation = scenario.providers.reputation();
    let honest_points = availability_points(scenario.providers.capacity, reputation);
    let mut received = vec![0 as Amount; scenario.adversaries.len()];
    let mut burned = vec![0 as Amount; scenario.adversaries.len()];
    let mut records = Vec::with_capacity(scenario.epochs as usize);
    let mut work: Vec<AccountWork> = Vec::with_capacity(scenario.adversaries.len());
    // Credits each adversary bought and has not spent yet: (epoch due, per account, basis).
    let mut unspent: Vec<Vec<Unspent>> = vec![Vec::new(); scenario.adversaries.len()];
    let mut breaches = Vec::new();
    for epoch in 0..scenario.epochs {
        for change in scenario.changes.iter().filter(|c| c.epoch == epoch) {
            let base = chain.pending.unwrap_or(chain.params);
            let params = with_overrides(&base, &change.set)?;
            chain
                .schedule(params)
                .map_err(|e| format!("change at epoch {epoch}: {e:?}"))?;
        }
        let price_value = scenario.price.at(epoch);
        let price = FixedU128::from_float(price_value.max(1e-18));
        let demand = scenario.demand.at(epoch, setup.epochs_per_year);
        let honest = scenario.providers.count_at(epoch);
        let mut activity = Activity::default();
        // Honest demand: tokens worth `demand` stable units burned for credits, served by the
        // honest providers in equal parts.
        let honest_tokens = if honest > 0 {
            plancks(demand / price_value.max(1e-18))
        } else {
            0
        };
        let honest_credits = activity.buy_and_serve(honest_tokens, price);
        let honest_basis = activity.basis_served;
        activity.live_points = honest_points.saturating_mul(honest as u128);
        let fees = plancks(scenario.fees_per_epoch);
        activity.burned_fees = chain.params.fee_burn_share.mul_floor(fees);
        // Adversaries: their work this epoch.
        work.clear();
        for (index, adversary) in scenario.adversaries.iter().enumerate() {
            let w = adversary_work(
                adversary,
                attacking[index],
                epoch,
                &chain.params,
                reputation,
                price,
                &mut activity,
                &mut unspent[index],
            );
            burned[index] =
                burned[index].saturating_add(w.burned_each.saturating_mul(w.accounts as u128));
            work.push(w);
        }
        let closed = chain.run_epoch(&activity);
        // Settlement, as each provider claims: the chain's shares, rounded down per account.
        let pool = closed.pool();
        let (income_per_credit, income_per_unit) = if honest > 0 {
            let credits = honest_credits / honest as u128;
            let basis = honest_basis / honest as u128;
            let usage = settle_usage(&pool.usage, basis);
            let availability =
                availability_share(pool.availability, honest_points, pool.live_points);
            (
                if credits > 0 {
                    usage as f64 / credits as f64
                } else {
                    0.0
                },
                availability as f64 / scenario.providers.capacity.max(1) as f64,
            )
        } else {
            (0.0, 0.0)
        };
        for (index, w) in work.iter().enumerate() {
            // Identical accounts get identical (rounded) rewards.
            let each = closed.reward_of(w.credits, w.basis, w.points);
            received[index] =
                received[index].saturating_add(each.saturating_mul(w.accounts as u128));
        }
        let record = record_of(
            epoch,
            price_value,
            demand,
            honest,
            &closed,
            income_per_credit,
            income_per_unit,
            &received,
            &burned,
        );
        if closed.emission_per_block > limits.max_emission_per_block {
            breaches.push(format!(
                "epoch {epoch}: emission per block {} above the hard cap",
                closed.emission_per_block
            ));
        }
        if limits
            .max_total_supply
            .is_some_and(|cap| record.total_issuance > cap)
        {
            breaches.push(format!(
                "epoch {epoch}: issuance {} above the maximum supply",
                record.total_issuance
            ));
        }
        records.push(record);
    }
    Ok((records, received, burned, breaches))
}

/// An adversary's work in one epoch: `accounts` identical accounts, each serving `credits`
/// bought by burning `basis`, proving `points` live and burning `burned_each` for the attack.
#[derive(Clone, Copy, Debug, Default)]
struct AccountWork {
    accounts: u32,
    credits: u128,
    basis: Amount,
    points: u128,
    burned_each: Amount,
}

/// Credits an adversary's accounts bought and will spend later: the epoch they are spent in,
/// the credits each account holds and the tokens each burned for them.
#[derive(Clone, Copy, Debug)]
struct Unspent {
    due: u32,
    credits: u128,
    basis: Amount,
}

/// An adversary's work in `epoch`, its purchases and spending added to `activity`; `unspent`
/// holds what it bought and spends in a later epoch.
#[allow(clippy::too_many_arguments)]
fn adversary_work(
    adversary: &Adversary,
    attack: bool,
    epoch: u32,
    params: &Parameters,
    reputation: Permill,
    price: FixedU128,
    activity: &mut Activity,
    unspent: &mut Vec<Unspent>,
) -> AccountWork {
    match *adversary {
        Adversary::SelfDealer {
            group,
            burn,
            from,
            epochs,
            capacity,
            spend_after,
        } => {
            let points = availability_points(capacity, reputation);
            activity.live_points = activity
                .live_points
                .saturating_add(points.saturating_mul(group as u128));
            let mut work = AccountWork {
                accounts: group,
                points,
                ..Default::default()
            };
            if attack && epoch >= from && epoch < from.saturating_add(epochs) {
                let tokens = plancks(burn);
                let mut credits = 0;
                for _ in 0..group {
                    credits = activity.buy(tokens, price, capacloud_economics::presets::CAPA);
                }
                // A purchase too small for one credit is refused by the chain: nothing burned.
                if credits > 0 {
                    work.burned_each = tokens;
                    unspent.push(Unspent {
                        due: epoch.saturating_add(spend_after),
                        credits,
                        basis: tokens,
                    });
                }
            }
            // Spend what is due now, with the group's own providers.
            unspent.retain(|bought| {
                if bought.due != epoch {
                    return true;
                }
                for _ in 0..group {
                    activity.serve(bought.credits, bought.basis);
                }
                work.credits = work.credits.saturating_add(bought.credits);
                work.basis = work.basis.saturating_add(bought.basis);
                false
            });
            work
        }
        Adversary::CapacityInflater {
            declared,
            real,
            bond,
        } => {
            // Attested: never more than real, and only what the bond covers.
            let declared = if attack { declared } else { real };
            let covered = plancks(bond)
                .saturating_sub(params.min_provider_bond)
                .checked_div(params.bond_per_capacity_unit)
                .unwrap_or(u128::MAX)
                .min(u32::MAX as u128) as u32;
            let points = availability_points(declared.min(real).min(covered), reputation);
            activity.live_points = activity.live_points.saturating_add(points);
            AccountWork {
                accounts: 1,
                points,
                ..Default::default()
            }
        }
        Adversary::BoundaryTimer { capacity, period } => {
            // Honest: live every epoch. Attacking: live one epoch in `period`.
            let live = !attack || epoch % period.max(1) == 0;
            let points = if live {
                availability_points(capacity, reputation)
            } else {
                0
            };
            activity.live_points = activity.live_points.saturating_add(points);
            AccountWork {
                accounts: 1,
                points,
                ..Default::default()
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record_of(
    epoch: u32,
    price: f64,
    demand: f64,
    providers: u32,
    closed: &Closed,
    income_per_credit: f64,
    income_per_unit: f64,
    received: &[Amount],
    burned: &[Amount],
) -> EpochRecord {
    let books = &closed.plan.books;
    EpochRecord {
        epoch,
        price,
        demand,
        emission_per_block: closed.emission_per_block,
        minted_treasury: books.minted_ecosystem,
        minted_usage: books.minted_usage,
        minted_availability: books.minted_providers.saturating_sub(books.minted_usage),
        burned_credits: books.burned_credits,
        burned_fees: books.burned_fees,
        unminted: books.unminted,
        total_issuance: books.total_issuance_at_close,
        income_per_credit,
        income_per_unit,
        providers,
        adversary_profit: received
            .iter()
            .zip(burned)
            .map(|(r, b)| *r as i128 - *b as i128)
            .collect(),
    }
}
