//! Running a scenario: the world around the chain (demand, a token market, honest providers,
//! adversaries, governance) turned into the calls it would make each epoch ([`drive`], on any
//! [`Executor`]: the simulator's [`Model`], or the pallet in its equivalence test), the chain
//! closing the epoch, and each party's rewards settled from the closed epoch's pools.
//!
//! An adversary's profit is measured against a counterfactual: the same run with that
//! adversary's attack left out (it keeps its honest part: its verified capacity, proven live,
//! or, for the capacity inflater, the truth declared). What the attack changes in everything it
//! receives, less what it burned, is its profit; the run fails loudly when an attack gets back
//! as much as it burned.

use crate::{
    executor::{EpochEnd, Executor, Group},
    feeds::{Feeders, Reports, Settled},
    model::{Chain, Model},
    providers::{Honest, Standing},
    scenario::{defaults, plancks, with_overrides, Scenario},
};
use capacloud_economics::{
    presets::CAPA, settle_usage, split_emission, split_fee, within_band, Amount, ControllerState,
    Credits, HardLimits, Parameters,
};
use sp_arithmetic::FixedU128;

mod adversaries;
use adversaries::{
    adversary_epoch, governance_freezes, governance_removals, governance_slashes,
    register_adversaries, settle_adversaries, AccountWork, AdversaryState, Epoch,
};

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
    /// Bonds slashed.
    pub burned_slashes: Amount,
    /// Burned when a reward pool left the claim window: what nobody claimed of it (the
    /// rounding dust of the shares, and shares nobody settled).
    pub burned_forfeited: Amount,
    /// Emission never minted (no live provider, the usage cap, the supply cap).
    pub unminted: Amount,
    /// Minted outside the pallet (the scenario's `[[mints]]`), on the books' outside line.
    pub minted_outside: Amount,
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
    /// What each adversary received so far from the usage pools (plancks, all its accounts).
    pub adversary_usage: Vec<Amount>,
    /// What each adversary received so far from the availability pools.
    pub adversary_availability: Vec<Amount>,
    /// The controller's state after the close (the next epoch's emission, its band, its
    /// memory).
    pub controller: ControllerState,
    /// No credits were sold: a price-feed outage.
    pub sales_stopped: bool,
    /// Honest demand the market could not serve (stable units): it needed more tokens than
    /// were left to burn this epoch. Only a fixed price path can run out.
    pub unmet_demand: f64,
    /// The price the chain sold credits at once the feeds settled (stable units per CAPA; 0:
    /// none, sales stopped): the market's `price` unless feeders lie or lag.
    pub price_in_force: f64,
    /// Blocks of the epoch before the price in force settled (the lag behind a moved market;
    /// the epoch's length: it never settled).
    pub price_lag_blocks: u32,
}

/// An adversary's result over the whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct AdversaryResult {
    /// Which (index in the scenario).
    pub index: usize,
    /// Its kind and strategy, for reports.
    pub strategy: String,
    /// A short name for legends (`self-dealers (5 accounts)`).
    pub label: String,
    /// What it burned for the attack.
    pub burned: Amount,
    /// What the attack changed in what it received.
    pub gain: i128,
    /// `gain / burned`, if it burned anything.
    pub return_ratio: Option<f64>,
    /// What it received in all (tokens), with its attack and without it (its honest part).
    pub received: (Amount, Amount),
    /// Total issuance at the end, with its attack and without it.
    pub supply: (Amount, Amount),
    /// The token price at the end (stable units per CAPA: the market's answer to each final
    /// supply), with its attack and without it.
    pub price_at_end: (f64, f64),
}

impl AdversaryResult {
    /// What the attack changed in the stable value, at the end's prices, of everything a party
    /// owns at the end if it also holds `holding` CAPA of its own (it buys what it burns from
    /// the holders): `(holding + received − burned)·P − (holding + received_without)·P′`, with
    /// `P` and `P′` the final prices with and without the attack. In the market the price is
    /// `X / S` for an `X` no attack moves (the holding and the compute demand), so burning
    /// raises the price of every token the party holds: this counts that price move.
    pub fn value_gain(&self, holding: Amount) -> f64 {
        let (with, without) = self.received;
        let tokens = |t: u128| t as f64 / capacloud_economics::presets::CAPA as f64;
        let attacking = tokens(holding.saturating_add(with)) - tokens(self.burned);
        let honest = tokens(holding.saturating_add(without));
        attacking * self.price_at_end.0 - honest * self.price_at_end.1
    }

    /// In the market, the smallest share of the final supply without the attack that a
    /// party's tokens (its own holding and its honest part's rewards, `W`) must be for the
    /// attack to gain it value: [`Self::value_gain`] is positive exactly when
    /// `W·(S − S_a) > S·(B − g)`, with `S` and `S_a` the final supplies without and with the
    /// attack, `B` its burn and `g` what the attack added to what it received (`P = X / S`:
    /// `(W + g − B) / S_a > W / S`). So the share is `(B − g) / (S − S_a)`: its net token loss
    /// over the supply the attack removed. `None` when the attack removed no supply (no
    /// holding makes a token loss pay), lost no tokens (it pays at any holding), or the price
    /// does not answer the supply (a fixed path: both final prices are the path's, and a
    /// holding gains nothing from the burn).
    pub fn value_threshold(&self) -> Option<f64> {
        let (with, without) = self.received;
        let net_loss = (self.burned as i128) - (with as i128 - without as i128);
        let removed = self.supply.1 as i128 - self.supply.0 as i128;
        let answers_supply = self.price_at_end.0 != self.price_at_end.1;
        (net_loss > 0 && removed > 0 && answers_supply).then(|| net_loss as f64 / removed as f64)
    }
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
    /// Actions the world could not take because the tokens did not exist: a burn larger than
    /// what was left of the tokens held (the issuance outside the reward pot) in its epoch (honest demand cut to what exists, an
    /// adversary's purchase refused as the chain refuses it, `InsufficientBalance`). A run with
    /// any is not a result: the scenario asks for an impossible world.
    pub impossible: Impossible,
}

/// Burns a run asked for that the tokens in existence could not pay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Impossible {
    /// Epochs in which honest demand was cut.
    pub unmet_epochs: u32,
    /// Adversaries' purchases refused (one per group and epoch).
    pub refused_purchases: u32,
    /// The first of them, described.
    pub first: Option<String>,
}

impl Impossible {
    /// Whether nothing impossible was asked.
    pub fn is_none(&self) -> bool {
        self.unmet_epochs == 0 && self.refused_purchases == 0
    }

    fn note(&mut self, what: impl FnOnce() -> String) {
        if self.first.is_none() {
            self.first = Some(what());
        }
    }
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
    /// Epochs a provider's rewards stay locked after their epoch closes (the runtime's
    /// `RewardDelay`): what a removal forfeits.
    pub reward_delay: u32,
    /// Blocks a freeze holds a provider's rewards (the runtime's `MinUnbondingPeriod`).
    pub freeze_blocks: u32,
}

/// Epochs of `epoch_length` blocks in a year of the chain's production timing (6-second
/// blocks, 365 days: `presets::Timing::production`), the one place the simulator turns epochs
/// into years.
pub fn epochs_per_year(epoch_length: u32) -> f64 {
    capacloud_economics::presets::Timing::production().blocks_per_year() as f64
        / epoch_length.max(1) as f64
}

impl RunSetup {
    /// The scenario's start: the defaults with its overrides, its supply and emission.
    pub fn from_scenario(scenario: &Scenario) -> Result<Self, String> {
        let (defaults, limits) = defaults();
        let params = with_overrides(&defaults, &scenario.parameters)?;
        params
            .validate(&limits)
            .map_err(|e| format!("the scenario's parameters: the chain refuses them ({e:?})"))?;
        Ok(RunSetup {
            params,
            emission: plancks(scenario.start.emission_per_block),
            issuance: plancks(scenario.start.supply),
            epochs_per_year: epochs_per_year(params.epoch_length),
            controller: None,
            reward_delay: capacloud_economics::presets::Timing::production().reward_delay,
            freeze_blocks: capacloud_economics::presets::Timing::production().min_unbonding_period,
        })
    }
}

/// Which adversaries attack in a run (the others play their honest part).
type Attacking = Vec<bool>;

/// Runs `scenario` from `setup`; every adversary attacks, and each is measured against the run
/// without its attack.
pub fn run(scenario: &Scenario, setup: &RunSetup) -> Result<RunResult, String> {
    scenario.check()?;
    let all: Attacking = vec![true; scenario.adversaries.len()];
    let Pass {
        records: mut epochs,
        received,
        burned,
        breaches: limit_breaches,
        impossible,
        final_price,
    } = simulate(scenario, setup, &all)?;
    let mut adversaries = Vec::new();
    for (index, adversary) in scenario.adversaries.iter().enumerate() {
        let mut without = all.clone();
        without[index] = false;
        let Pass {
            records: other_epochs,
            received: other_received,
            final_price: other_price,
            ..
        } = simulate(scenario, setup, &without)?;
        let final_supply =
            |records: &[EpochRecord]| records.last().map_or(setup.issuance, |r| r.total_issuance);
        let gain = received[index] as i128 - other_received[index] as i128;
        let burned = burned[index];
        // Cumulative profit per epoch: what the attack changed so far, less what it burned.
        for (record, other) in epochs.iter_mut().zip(&other_epochs) {
            record.adversary_profit[index] -= other.adversary_profit[index];
        }
        adversaries.push(AdversaryResult {
            index,
            strategy: format!("{adversary:?}"),
            label: adversary.label(),
            burned,
            gain: gain - burned as i128,
            return_ratio: (burned > 0).then(|| gain as f64 / burned as f64),
            received: (received[index], other_received[index]),
            supply: (final_supply(&epochs), final_supply(&other_epochs)),
            price_at_end: (final_price, other_price),
        });
    }
    let coalition = if scenario.adversaries.len() > 1 {
        let none: Attacking = vec![false; scenario.adversaries.len()];
        let honest = simulate(scenario, setup, &none)?;
        let sum = |v: &[Amount]| v.iter().fold(0i128, |acc, x| acc + *x as i128);
        let gain = sum(&received) - sum(&honest.received);
        let total = |v: &[Amount]| v.iter().fold(0, |acc: Amount, x| acc.saturating_add(*x));
        let burned = burned
            .iter()
            .fold(0, |acc: Amount, x| acc.saturating_add(*x));
        Some(AdversaryResult {
            index: scenario.adversaries.len(),
            strategy: "the coalition of every adversary".into(),
            label: "the coalition".into(),
            burned,
            gain: gain - burned as i128,
            return_ratio: (burned > 0).then(|| gain as f64 / burned as f64),
            received: (total(&received), total(&honest.received)),
            supply: (
                epochs.last().map_or(setup.issuance, |r| r.total_issuance),
                honest
                    .records
                    .last()
                    .map_or(setup.issuance, |r| r.total_issuance),
            ),
            price_at_end: (final_price, honest.final_price),
        })
    } else {
        None
    };
    Ok(RunResult {
        epochs,
        adversaries,
        coalition,
        limit_breaches,
        impossible,
    })
}

/// One pass over a scenario.
#[derive(Clone, Debug)]
pub struct Pass {
    /// Per epoch (each adversary's column holds what it received so far less what it burned so
    /// far).
    pub records: Vec<EpochRecord>,
    /// What each adversary received in all.
    pub received: Vec<Amount>,
    /// What each adversary burned in all.
    pub burned: Vec<Amount>,
    /// Hard-limit breaches.
    pub breaches: Vec<String>,
    /// What the world could not do.
    pub impossible: Impossible,
    /// The token price at the end: the market's answer to the final supply (the price the
    /// next epoch would open at), or the fixed path's.
    pub final_price: f64,
}

/// One pass over the scenario with the given attacks (`attacking[i]`: whether adversary `i`
/// attacks), on the simulator's model started from `setup`.
pub fn simulate(scenario: &Scenario, setup: &RunSetup, attacking: &[bool]) -> Result<Pass, String> {
    let (_, limits) = defaults();
    let mut chain = Chain::new(setup.params, limits, setup.emission, setup.issuance);
    if let Some(controller) = setup.controller {
        chain.controller = controller;
        chain.accrual.per_block = split_emission(controller.emission_per_block, &setup.params);
    }
    drive(scenario, setup, attacking, &mut Model::new(chain))
}

/// One pass over `scenario` on `ex`, every adversary attacking where `attacking` says: the
/// calls a world would make, epoch by epoch ([`Executor`]).
///
/// The world: every token outside the reward pot is held by someone who sells at the market
/// price, so an epoch's burns (honest demand, then fees, then each adversary) can take at
/// most the tokens held at the epoch's open (the issuance less the pot); what asks for more is
/// cut (demand) or refused (an adversary's purchase) and recorded in [`Impossible`]. Providers
/// follow the chain's rules ([`crate::providers`]); the scenario's providers of the start
/// (cohort 0) are established, registered before the run; those who join later and every
/// adversary's accounts register during it (the adversaries in the first epoch). During a
/// price-feed outage no credit is sold. A mint outside the pallet (`[[mints]]`) happens before
/// the epoch's burns, and its tokens can be burned. Honest demand is paid to the payable
/// honest providers in equal parts (`pay_for_compute`).
pub fn drive<E: Executor>(
    scenario: &Scenario,
    setup: &RunSetup,
    attacking: &[bool],
    ex: &mut E,
) -> Result<Pass, String> {
    let (_, limits) = defaults();
    let market = scenario.price.market(
        setup.issuance as f64 / CAPA as f64,
        scenario.demand.at(0, setup.epochs_per_year) * setup.epochs_per_year,
    )?;
    let mut world = World::new(scenario, setup);
    // The genesis price: the market before anyone burns.
    let start_price = price_in(
        scenario,
        setup,
        market,
        0,
        scenario.demand.at(0, setup.epochs_per_year),
        setup.issuance,
        0.0,
    );
    let mut feeders = Feeders::new(
        scenario.feeder_count(&setup.params)?,
        Some(FixedU128::from_float(start_price)),
    );
    for epoch in 0..scenario.epochs {
        schedule_changes(scenario, epoch, ex)?;
        // The parameters in force during the epoch (the close may apply new ones).
        let params = ex.params();
        let demand = scenario.demand.at(epoch, setup.epochs_per_year);
        let issuance = ex.issuance();
        let burns = scenario.planned_burn_at(epoch, attacking);
        let price = price_in(scenario, setup, market, epoch, demand, issuance, burns);
        let feeding = feed(scenario, attacking, epoch, price, &params, &mut feeders);
        let sales = feeding.settled.price.is_some();
        ex.open(epoch, feeding.settled.price);
        if epoch == 0 {
            register_adversaries(scenario, attacking, &params, &mut world.states, ex);
        }
        governance_slashes(scenario, epoch, attacking, &params, &mut world.states, ex);
        governance_freezes(scenario, epoch, attacking, setup, &mut world.states, ex);
        governance_removals(scenario, epoch, attacking, &mut world.states, ex);
        honest_membership(scenario, &mut world.honest, &params, epoch, ex);
        // Root mints outside the pallet's books, into an account that sells at the market.
        let minted_outside = plancks(scenario.minted_outside_at(epoch));
        if minted_outside > 0 {
            ex.mint_outside(minted_outside);
        }
        // What can still be burned this epoch: the tokens held at its open (the issuance less
        // what the reward pot holds unclaimed) and what was minted outside since.
        let left = issuance
            .saturating_sub(ex.pot())
            .saturating_add(minted_outside);
        let now = EpochMarket {
            epoch,
            price: feeding.buyers_price,
            demand,
            sales,
        };
        let (honest_work, unmet_demand) = world.burns(scenario, attacking, &params, now, left, ex);
        let end = ex.close();
        // Settlement: every provider settles its reward (the chain's shares, rounded down per
        // account) of the closed epoch's pool.
        let incomes = settle_honest(&world.honest, &honest_work, &end, ex);
        settle_adversaries(&mut world.states, &world.work, &end, &params, ex);
        world.honest.after_epoch(&params, epoch);
        world.breaches.extend(feeding.breach);
        let record = EpochRecord {
            sales_stopped: !sales,
            price_in_force: feeding.settled.price.map_or(0.0, |p| p.to_float()),
            price_lag_blocks: feeding.settled.lag,
            ..record_of(
                epoch,
                price,
                demand,
                world.honest.count(),
                &end,
                incomes,
                &world.states,
                unmet_demand,
            )
        };
        world
            .breaches
            .extend(limit_breaches(epoch, &end, &record, &limits));
        world.records.push(record);
    }
    let end = scenario.epochs;
    let final_price = price_in(
        scenario,
        setup,
        market,
        end,
        scenario.demand.at(end, setup.epochs_per_year),
        ex.issuance(),
        0.0,
    );
    Ok(world.into_pass(final_price))
}

/// What a pass keeps from epoch to epoch: the honest providers, each adversary's state, the
/// records, the broken limits and what the world could not do.
struct World {
    /// The honest providers, in cohorts.
    honest: Honest,
    /// Each adversary's running state, in scenario order.
    states: Vec<AdversaryState>,
    /// A record per closed epoch.
    records: Vec<EpochRecord>,
    /// The hard limits an epoch broke.
    breaches: Vec<String>,
    /// What the world asked for and could not do.
    impossible: Impossible,
    /// Each adversary's work in the epoch (reused every epoch: a sweep runs tens of millions).
    work: Vec<AccountWork>,
}

impl World {
    fn new(scenario: &Scenario, setup: &RunSetup) -> Self {
        let states: Vec<AdversaryState> = scenario
            .adversaries
            .iter()
            .map(|_| {
                AdversaryState::new(Standing::registered(&setup.params, 0), setup.reward_delay)
            })
            .collect();
        World {
            honest: Honest::new(&scenario.providers),
            work: Vec::with_capacity(states.len()),
            states,
            records: Vec::with_capacity(scenario.epochs as usize),
            breaches: Vec::new(),
            impossible: Impossible::default(),
        }
    }

    /// The epoch's burns in order, from the tokens `left` to burn at its open: honest demand,
    /// fees (burned at the chain's split), then each adversary's. Returns the honest
    /// providers' work and the unmet demand; each adversary's work is in `self.work`.
    fn burns<E: Executor>(
        &mut self,
        scenario: &Scenario,
        attacking: &[bool],
        params: &Parameters,
        now: EpochMarket,
        mut left: Amount,
        ex: &mut E,
    ) -> (HonestWork, f64) {
        let (honest_work, unmet_demand) = honest_demand(
            &self.honest,
            params,
            now,
            &mut left,
            &mut self.impossible,
            ex,
        );
        let fees = plancks(scenario.fees_per_epoch).min(left);
        if fees > 0 {
            ex.fee(fees);
            left = left.saturating_sub(split_fee(fees, params.fee_burn_share).burned);
        }
        self.work.clear();
        for (index, adversary) in scenario.adversaries.iter().enumerate() {
            let at = Epoch {
                index: now.epoch,
                group: Group::Adversary(index as u32),
                params,
                sales: now.sales,
            };
            let state = &mut self.states[index];
            let impossible = &mut self.impossible;
            let w = adversary_epoch(
                adversary,
                attacking[index],
                at,
                state,
                &mut left,
                impossible,
                ex,
            );
            self.work.push(w);
        }
        (honest_work, unmet_demand)
    }

    fn into_pass(self, final_price: f64) -> Pass {
        Pass {
            final_price,
            received: self.states.iter().map(|s| s.received).collect(),
            burned: self.states.iter().map(|s| s.burned).collect(),
            records: self.records,
            breaches: self.breaches,
            impossible: self.impossible,
        }
    }
}

/// Governance accepts the scenario's parameter changes of `epoch` (applied at its close), each
/// over what is already pending.
fn schedule_changes<E: Executor>(
    scenario: &Scenario,
    epoch: u32,
    ex: &mut E,
) -> Result<(), String> {
    for change in scenario.changes.iter().filter(|c| c.epoch == epoch) {
        let base = ex.pending().unwrap_or(ex.params());
        let params = with_overrides(&base, &change.set)?;
        ex.schedule(params)
            .map_err(|e| format!("change at epoch {epoch}: {e:?}"))?;
    }
    Ok(())
}

/// An epoch's feeding: the price its buyers meet, and whether it broke the feeders' bound.
struct Feeding {
    /// The price in force once the feeds settled, the first block's, the lag.
    settled: Settled,
    /// Stable units per CAPA of credits at the settled price: the market's price while the
    /// price in force is the market's (the same number, not its 18-decimal rounding).
    buyers_price: f64,
    /// The settled price outside the band (`max_price_deviation`) of the honest feeders'
    /// submissions: the threat model's bound for a minority of feeders broken.
    breach: Option<String>,
}

/// The feeders through `epoch` ([`Feeders::epoch`]): every honest feeder online reports the
/// market `price`, except during an outage (none online) or the honest outage a lie waits
/// for; the liars their lie while they attack.
fn feed(
    scenario: &Scenario,
    attacking: &[bool],
    epoch: u32,
    price: f64,
    params: &Parameters,
    feeders: &mut Feeders,
) -> Feeding {
    let market = FixedU128::from_float(price);
    let count = feeders.latest().len() as u32;
    let reports = match scenario.feeder_lie_at(epoch, attacking) {
        _ if scenario.outage_at(epoch) => Reports {
            market,
            honest_online: 0,
            lie: None,
        },
        Some((liars, factor, offline)) => Reports {
            market,
            honest_online: count.saturating_sub(liars).saturating_sub(offline),
            // Not attacking: they report the market, as honest feeders.
            lie: Some((
                liars,
                factor.map_or(market, |factor| FixedU128::from_float(price * factor)),
            )),
        },
        None => Reports {
            market,
            honest_online: count,
            lie: None,
        },
    };
    let settled = feeders.epoch(params.epoch_length, &reports, params);
    // The threat model's bound once settled: within the band below the lowest honest report
    // fresh and above the highest (their markets).
    let d = params.max_price_deviation;
    let breach = match (settled.price, feeders.honest_range(&reports, params)) {
        (Some(p), Some((low, high)))
            if settled.lag < params.epoch_length
                && !(within_band(p, low, d)
                    || within_band(p, high, d)
                    || (low <= p && p <= high)) =>
        {
            Some(format!(
                "epoch {epoch}: price in force {} outside the band of the honest reports \
                 {} to {} (the market {price})",
                p.to_float(),
                low.to_float(),
                high.to_float()
            ))
        }
        _ => None,
    };
    let buyers_price = match settled.price {
        Some(p) if p == market => price,
        Some(p) => p.to_float(),
        None => price,
    };
    Feeding {
        settled,
        buyers_price,
        breach,
    }
}

/// The token price in `epoch` (stable units per CAPA): the market's answer to the supply at
/// the epoch's open, the year's demand and the adversaries' planned burns of the epoch
/// (`burns`, CAPA, at the epoch's rate for a year), or the scenario's fixed path.
fn price_in(
    scenario: &Scenario,
    setup: &RunSetup,
    market: Option<crate::scenario::Market>,
    epoch: u32,
    demand: f64,
    issuance: Amount,
    burns: f64,
) -> f64 {
    match market {
        Some(market) => market.price(
            scenario.price.events_at(epoch),
            demand * setup.epochs_per_year,
            issuance as f64 / CAPA as f64,
            burns * setup.epochs_per_year,
        ),
        None => scenario.price.at(epoch),
    }
    .max(1e-18)
}

/// The honest providers that join (`register_provider`, attested in full) or leave (`leave`)
/// at `epoch`, to the scenario's provider count.
fn honest_membership<E: Executor>(
    scenario: &Scenario,
    honest: &mut Honest,
    params: &Parameters,
    epoch: u32,
    ex: &mut E,
) {
    let (joined, left_cohorts) = honest.adjust(scenario.providers.count_at(epoch), params, epoch);
    if let Some(cohort) = joined {
        let capacity = honest.capacity;
        ex.register(
            Group::Honest(cohort.id),
            cohort.count,
            capacity,
            capacity,
            params.required_bond(capacity),
            cohort.standing.reputation,
        );
    }
    for (id, count) in left_cohorts {
        ex.leave(Group::Honest(id), count);
    }
}

/// The market of an epoch as the buyers meet it.
#[derive(Clone, Copy)]
struct EpochMarket {
    /// The epoch.
    epoch: u32,
    /// Stable units per CAPA.
    price: f64,
    /// Stable units the honest buyers spend on compute.
    demand: f64,
    /// Whether the chain sells credits (no price-feed outage).
    sales: bool,
}

/// Honest demand: tokens worth the epoch's demand, paid to the payable honest providers in
/// equal parts, at most what is `left` to burn (the rest is recorded as unmet). Returns their
/// work and the unmet demand in stable units.
fn honest_demand<E: Executor>(
    honest: &Honest,
    params: &Parameters,
    market: EpochMarket,
    left: &mut Amount,
    impossible: &mut Impossible,
    ex: &mut E,
) -> (HonestWork, f64) {
    let EpochMarket {
        epoch,
        price,
        demand,
        sales,
    } = market;
    let payable = honest.payable(params);
    let wanted = if payable > 0 && sales {
        plancks(demand / price)
    } else {
        0
    };
    let mut unmet_demand = 0.0;
    if wanted > *left {
        unmet_demand = (wanted - *left) as f64 / CAPA as f64 * price;
        impossible.unmet_epochs += 1;
        let available = *left;
        impossible.note(|| {
            format!(
                "epoch {epoch}: demand of {demand:.0} stable units at {price} needs {} \
                 CAPA, {} exist",
                wanted / CAPA,
                available / CAPA
            )
        });
    }
    let tokens_each = wanted.min(*left) / (payable.max(1) as u128);
    let honest_work = honest_epoch(honest, params, epoch, tokens_each, ex);
    *left = left.saturating_sub(honest_work.burned);
    (honest_work, unmet_demand)
}

/// The hard limits the closed epoch broke, if any: emission per block above its cap, issuance
/// above the maximum supply.
fn limit_breaches(
    epoch: u32,
    end: &EpochEnd,
    record: &EpochRecord,
    limits: &HardLimits,
) -> Vec<String> {
    let mut breaches = Vec::new();
    if end.emission_per_block > limits.max_emission_per_block {
        breaches.push(format!(
            "epoch {epoch}: emission per block {} above the hard cap",
            end.emission_per_block
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
    breaches
}

/// What the honest providers did in an epoch: per cohort, each provider's credits, basis and
/// live points (as the chain counted them), and what was burned for their work.
struct HonestWork {
    /// (cohort id, providers, credits each, basis each, live points each).
    cohorts: Vec<(u32, u32, Credits, Amount, u128)>,
    /// Tokens burned paying them.
    burned: Amount,
}

/// The honest providers' epoch on `ex`: each payable one is paid `tokens` (`pay_for_compute`),
/// each that may prove liveness does (`heartbeat`).
fn honest_epoch<E: Executor>(
    honest: &Honest,
    params: &Parameters,
    epoch: u32,
    tokens: Amount,
    ex: &mut E,
) -> HonestWork {
    let mut out = HonestWork {
        cohorts: Vec::with_capacity(honest.cohorts.len()),
        burned: 0,
    };
    for cohort in &honest.cohorts {
        let group = Group::Honest(cohort.id);
        let (mut credits, mut basis) = (0, 0);
        if tokens > 0 && cohort.standing.payable(params) {
            credits = ex.pay(group, cohort.count, tokens);
            if credits > 0 {
                basis = tokens;
                out.burned = out
                    .burned
                    .saturating_add(tokens.saturating_mul(cohort.count as u128));
            }
        }
        let mut points = honest.points_of(cohort, params, epoch);
        if points > 0 {
            points = ex.heartbeat(group, cohort.count, points);
        }
        out.cohorts
            .push((cohort.id, cohort.count, credits, basis, points));
    }
    out
}

/// The honest providers settle their rewards of the closed epoch `end`; returns an honest
/// provider's income per credit served and per capacity unit (a provider of the scenario's
/// start, cohort 0, while there is one).
fn settle_honest<E: Executor>(
    honest: &Honest,
    work: &HonestWork,
    end: &EpochEnd,
    ex: &mut E,
) -> (f64, f64) {
    let mut income = (0.0, 0.0);
    for &(id, count, credits, basis, points) in &work.cohorts {
        let each = end.reward_of(credits, basis, points);
        ex.claim(Group::Honest(id), count, end, each);
        if id == 0 {
            let usage = settle_usage(&end.pool.usage, basis).min(each);
            income = (
                if credits > 0 {
                    usage as f64 / credits as f64
                } else {
                    0.0
                },
                each.saturating_sub(usage) as f64 / honest.capacity.max(1) as f64,
            );
        }
    }
    income
}

fn record_of(
    epoch: u32,
    price: f64,
    demand: f64,
    providers: u32,
    end: &EpochEnd,
    (income_per_credit, income_per_unit): (f64, f64),
    states: &[AdversaryState],
    unmet_demand: f64,
) -> EpochRecord {
    let books = &end.books;
    EpochRecord {
        epoch,
        price,
        demand,
        emission_per_block: end.emission_per_block,
        minted_treasury: books.minted_ecosystem,
        minted_usage: books.minted_usage,
        minted_availability: books.minted_providers.saturating_sub(books.minted_usage),
        burned_credits: books.burned_credits,
        burned_fees: books.burned_fees,
        burned_slashes: books.burned_slashes,
        burned_forfeited: books.burned_forfeited,
        unminted: books.unminted,
        minted_outside: books.outside_minted,
        total_issuance: books.total_issuance_at_close,
        income_per_credit,
        income_per_unit,
        providers,
        adversary_profit: states
            .iter()
            .map(|s| s.received as i128 - s.burned as i128)
            .collect(),
        adversary_usage: states.iter().map(|s| s.from_usage).collect(),
        adversary_availability: states.iter().map(|s| s.from_availability).collect(),
        controller: end.controller,
        unmet_demand,
        sales_stopped: false,
        price_in_force: 0.0,
        price_lag_blocks: 0,
    }
}
