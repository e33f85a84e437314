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
    providers::{Honest, Standing},
    scenario::{defaults, plancks, with_overrides, Adversary, Scenario},
};
use capacloud_economics::{
    presets::CAPA, settle_usage, split_emission, split_fee, Amount, ControllerState, Parameters,
};
use sp_arithmetic::FixedU128;

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
    /// Burned when a reward pool left the claim window: what nobody claimed of it (the
    /// rounding dust of the shares, and shares nobody settled).
    pub burned_forfeited: Amount,
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
    scenario.check()?;
    let all: Attacking = vec![true; scenario.adversaries.len()];
    let Pass {
        records: mut epochs,
        received,
        burned,
        breaches: limit_breaches,
        impossible,
    } = simulate(scenario, setup, &all)?;
    let mut adversaries = Vec::new();
    for (index, adversary) in scenario.adversaries.iter().enumerate() {
        let mut without = all.clone();
        without[index] = false;
        let Pass {
            records: other_epochs,
            received: other_received,
            ..
        } = simulate(scenario, setup, &without)?;
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
        });
    }
    let coalition = if scenario.adversaries.len() > 1 {
        let none: Attacking = vec![false; scenario.adversaries.len()];
        let honest = simulate(scenario, setup, &none)?.received;
        let sum = |v: &[Amount]| v.iter().fold(0i128, |acc, x| acc + *x as i128);
        let gain = sum(&received) - sum(&honest);
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
struct Pass {
    /// Per epoch (each adversary's column holds what it received so far less what it burned so
    /// far).
    records: Vec<EpochRecord>,
    /// What each adversary received in all.
    received: Vec<Amount>,
    /// What each adversary burned in all.
    burned: Vec<Amount>,
    /// Hard-limit breaches.
    breaches: Vec<String>,
    /// What the world could not do.
    impossible: Impossible,
}

/// One pass over the scenario with the given attacks.
///
/// The world: every token outside the reward pot is held by someone who sells at the market
/// price, so an epoch's burns (honest demand, then fees, then each adversary) can take at
/// most the tokens held at the epoch's open (the issuance less the pot); what asks for more is cut (demand) or refused (an
/// adversary's purchase) and recorded in [`Impossible`]. Providers follow the chain's rules
/// ([`crate::providers`]); during a price-feed outage no credits are sold.
fn simulate(scenario: &Scenario, setup: &RunSetup, attacking: &Attacking) -> Result<Pass, String> {
    let (_, limits) = defaults();
    let mut chain = Chain::new(setup.params, limits, setup.emission, setup.issuance);
    if let Some(controller) = setup.controller {
        chain.controller = controller;
        chain.accrual.per_block = split_emission(controller.emission_per_block, &setup.params);
    }
    let market = scenario.price.market(
        setup.issuance as f64 / CAPA as f64,
        scenario.demand.at(0, setup.epochs_per_year) * setup.epochs_per_year,
    )?;
    let mut honest = Honest::new(&scenario.providers);
    // Every adversary's accounts register at the start: new accounts.
    let mut states: Vec<AdversaryState> = scenario
        .adversaries
        .iter()
        .map(|_| AdversaryState::new(Standing::registered(&setup.params, 0)))
        .collect();
    let mut records = Vec::with_capacity(scenario.epochs as usize);
    let mut breaches = Vec::new();
    let mut impossible = Impossible::default();
    // Reused every epoch (a sweep runs tens of millions of epochs).
    let mut work = Vec::with_capacity(states.len());
    for epoch in 0..scenario.epochs {
        for change in scenario.changes.iter().filter(|c| c.epoch == epoch) {
            let base = chain.pending.unwrap_or(chain.params);
            let params = with_overrides(&base, &change.set)?;
            chain
                .schedule(params)
                .map_err(|e| format!("change at epoch {epoch}: {e:?}"))?;
        }
        // The parameters in force during the epoch (the close may apply new ones).
        let params = chain.params;
        honest.adjust(scenario.providers.count_at(epoch), &params, epoch);
        let demand = scenario.demand.at(epoch, setup.epochs_per_year);
        let price_value = match market {
            Some(market) => market.price(
                scenario.price.events_at(epoch),
                demand * setup.epochs_per_year,
                chain.issuance as f64 / CAPA as f64,
            ),
            None => scenario.price.at(epoch),
        }
        .max(1e-18);
        let price = FixedU128::from_float(price_value);
        let sales = !scenario.outage_at(epoch);
        let mut activity = Activity::default();
        // What can still be burned this epoch: the tokens held at its open (the issuance less
        // what the reward pot holds unclaimed).
        let mut left = chain.issuance.saturating_sub(chain.pot());
        // Honest demand: tokens worth `demand` stable units burned for credits, served by the
        // payable honest providers in equal parts.
        let payable = honest.payable(&params);
        let wanted = if payable > 0 && sales {
            plancks(demand / price_value)
        } else {
            0
        };
        let honest_tokens = wanted.min(left);
        let mut unmet_demand = 0.0;
        if honest_tokens < wanted {
            unmet_demand = (wanted - honest_tokens) as f64 / CAPA as f64 * price_value;
            impossible.unmet_epochs += 1;
            impossible.note(|| {
                format!(
                    "epoch {epoch}: demand of {demand:.0} stable units at {price_value} needs {} \
                     CAPA, {} exist",
                    wanted / CAPA,
                    left / CAPA
                )
            });
        }
        let honest_credits = activity.buy_and_serve(honest_tokens, price);
        let honest_basis = activity.basis_served;
        left = left.saturating_sub(activity.burned_credits);
        activity.live_points = honest.live_points(&params, epoch);
        // Fees, paid from what is left, burned at the chain's split.
        let fees = plancks(scenario.fees_per_epoch).min(left);
        activity.burned_fees = split_fee(fees, params.fee_burn_share).burned;
        left = left.saturating_sub(activity.burned_fees);
        // Adversaries: their work this epoch.
        work.clear();
        for (index, adversary) in scenario.adversaries.iter().enumerate() {
            let w = adversary_work(
                adversary,
                attacking[index],
                Epoch {
                    index: epoch,
                    params: &params,
                    price,
                    sales,
                },
                &mut states[index],
                &mut activity,
                &mut left,
            );
            if w.refused {
                impossible.refused_purchases += 1;
                impossible.note(|| {
                    format!(
                        "epoch {epoch}: adversary {index} asked to burn {} CAPA, {} left to buy",
                        (plancks(adversary.burn_per_epoch())
                            .saturating_mul(adversary.accounts() as u128))
                            / CAPA,
                        left / CAPA
                    )
                });
            }
            states[index].burned = states[index]
                .burned
                .saturating_add(w.burned_each.saturating_mul(w.accounts as u128));
            work.push(w);
        }
        let closed = chain.run_epoch(&activity);
        // Settlement: every provider claims its reward (the chain's shares, rounded down per
        // account) from the closed epoch's pool.
        let (income_per_credit, income_per_unit) = settle_honest(
            &honest,
            &params,
            epoch,
            (honest_credits, honest_basis),
            &closed,
            &mut chain,
        );
        for (state, w) in states.iter_mut().zip(&work) {
            state.settle(w, &closed, &mut chain);
            if w.points > 0 {
                state.standing.served(&params);
            }
        }
        honest.after_epoch(&params, epoch);
        let record = record_of(
            epoch,
            price_value,
            demand,
            honest.count(),
            &closed,
            income_per_credit,
            income_per_unit,
            &states,
            unmet_demand,
        );
        let record = EpochRecord {
            sales_stopped: !sales,
            ..record
        };
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
    Ok(Pass {
        records,
        received: states.iter().map(|s| s.received).collect(),
        burned: states.iter().map(|s| s.burned).collect(),
        breaches,
        impossible,
    })
}

/// The honest providers claim their rewards of the closed epoch (each payable provider served
/// an equal part of the honest demand's `credits` and `basis`); returns an honest provider's
/// income per credit served and per capacity unit (a provider of the oldest cohort: those of
/// the scenario's start).
fn settle_honest(
    honest: &Honest,
    params: &Parameters,
    epoch: u32,
    (credits, basis): (u128, Amount),
    closed: &Closed,
    chain: &mut Chain,
) -> (f64, f64) {
    let payable = honest.payable(params).max(1) as u128;
    let (credits_each, basis_each) = (credits / payable, basis / payable);
    let index = closed.plan.index;
    let mut income = (0.0, 0.0);
    for (i, cohort) in honest.cohorts.iter().enumerate() {
        let paid = cohort.standing.payable(params);
        let (credits, basis) = if paid {
            (credits_each, basis_each)
        } else {
            (0, 0)
        };
        let points = honest.points_of(cohort, params, epoch);
        let each = closed.reward_of(credits, basis, points);
        chain.claim(index, each.saturating_mul(cohort.count as u128));
        if i == 0 {
            let usage = settle_usage(&closed.pool().usage, basis).min(each);
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

/// An adversary's running state in a pass.
#[derive(Clone, Debug)]
struct AdversaryState {
    /// Its accounts' standing (identical accounts).
    standing: Standing,
    /// Credits bought and not spent yet.
    unspent: Vec<Unspent>,
    /// What it received in all.
    received: Amount,
    /// Of which from the usage pools.
    from_usage: Amount,
    /// Of which from the availability pools.
    from_availability: Amount,
    /// What it burned for the attack.
    burned: Amount,
}

impl AdversaryState {
    fn new(standing: Standing) -> Self {
        AdversaryState {
            standing,
            unspent: Vec::new(),
            received: 0,
            from_usage: 0,
            from_availability: 0,
            burned: 0,
        }
    }

    /// Its accounts claim their rewards of the closed epoch.
    fn settle(&mut self, w: &AccountWork, closed: &Closed, chain: &mut Chain) {
        // Identical accounts get identical (rounded) rewards.
        let each = closed.reward_of(w.credits, w.basis, w.points);
        let accounts = w.accounts as u128;
        let all = each.saturating_mul(accounts);
        chain.claim(closed.plan.index, all);
        self.received = self.received.saturating_add(all);
        // The same reward in its two parts (the usage share first, as the pool pays it).
        let usage = settle_usage(&closed.pool().usage, w.basis).min(each);
        self.from_usage = self
            .from_usage
            .saturating_add(usage.saturating_mul(accounts));
        self.from_availability = self
            .from_availability
            .saturating_add(each.saturating_sub(usage).saturating_mul(accounts));
    }
}

/// What an adversary sees of the epoch it acts in.
#[derive(Clone, Copy)]
struct Epoch<'a> {
    index: u32,
    params: &'a Parameters,
    price: FixedU128,
    /// Whether the chain sells credits (no price-feed outage).
    sales: bool,
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
    /// Its purchase this epoch was refused: the tokens did not exist.
    refused: bool,
}

/// Credits an adversary's accounts bought and will spend later: the epoch they are spent in,
/// the credits each account holds and the tokens each burned for them.
#[derive(Clone, Copy, Debug)]
struct Unspent {
    due: u32,
    credits: u128,
    basis: Amount,
}

/// An adversary's work in `epoch`, its purchases and spending added to `activity`; its
/// `state` keeps what it bought and spends in a later epoch; `left` is what can still be
/// burned this epoch.
fn adversary_work(
    adversary: &Adversary,
    attack: bool,
    epoch: Epoch,
    state: &mut AdversaryState,
    activity: &mut Activity,
    left: &mut Amount,
) -> AccountWork {
    let (params, now) = (epoch.params, epoch.index);
    match *adversary {
        Adversary::SelfDealer {
            group,
            burn,
            from,
            epochs,
            capacity,
            spend_after,
        } => {
            let points = state.standing.live_points(params, now, capacity);
            activity.live_points = activity
                .live_points
                .saturating_add(points.saturating_mul(group as u128));
            let mut work = AccountWork {
                accounts: group,
                points,
                ..Default::default()
            };
            let tokens = plancks(burn);
            let needed = tokens.saturating_mul(group as u128);
            let buying = attack && now >= from && now < from.saturating_add(epochs) && epoch.sales;
            if buying && needed > *left {
                // The group cannot buy what does not exist: its purchase is refused (all its
                // accounts alike, so that they stay identical).
                work.refused = true;
            } else if buying {
                let mut credits = 0;
                for _ in 0..group {
                    credits = activity.buy(tokens, epoch.price, capacloud_economics::presets::CAPA);
                }
                // A purchase too small for one credit is refused by the chain: nothing burned.
                if credits > 0 {
                    *left = left.saturating_sub(needed);
                    work.burned_each = tokens;
                    state.unspent.push(Unspent {
                        due: now.saturating_add(spend_after),
                        credits,
                        basis: tokens,
                    });
                }
            }
            // Spend what is due, with the group's own providers, while they may be paid
            // (`ReputationTooLow` otherwise: the credits wait).
            if state.standing.payable(params) {
                state.unspent.retain(|bought| {
                    if bought.due > now {
                        return true;
                    }
                    for _ in 0..group {
                        activity.serve(bought.credits, bought.basis);
                    }
                    work.credits = work.credits.saturating_add(bought.credits);
                    work.basis = work.basis.saturating_add(bought.basis);
                    false
                });
            }
            work
        }
        Adversary::CapacityInflater { real, bond, .. } => {
            // The verifiers attest the real capacity whatever is declared; the chain accepts
            // the attestation only if the bond covers it, and the registration only with the
            // minimum bond. Declaring more changes nothing.
            let bond = plancks(bond);
            let attested = if bond >= params.required_bond(real) && bond >= params.required_bond(0)
            {
                real
            } else {
                0
            };
            let points = state.standing.live_points(params, now, attested);
            activity.live_points = activity.live_points.saturating_add(points);
            AccountWork {
                accounts: 1,
                points,
                ..Default::default()
            }
        }
        Adversary::BoundaryTimer { capacity, period } => {
            // Honest: live every epoch. Attacking: live one epoch in `period`.
            let live = !attack || now % period.max(1) == 0;
            let points = if live {
                state.standing.live_points(params, now, capacity)
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
    states: &[AdversaryState],
    unmet_demand: f64,
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
        burned_forfeited: books.burned_forfeited,
        unminted: books.unminted,
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
        controller: closed.plan.controller,
        unmet_demand,
        sales_stopped: false,
    }
}
