//! Sweeps: one scenario run under many parameter sets (a grid, or a random sample of ranges),
//! in parallel, summarised per set: final supply, the worst annual inflation and deflation,
//! the range of an honest provider's income, and the best adversary's return ratio. And the
//! adversary search: for a parameter set, the self-dealing strategy (volume, timing, group size,
//! capacity, when it spends what it bought, and the referendum it times its burns around) with
//! the highest return, against the bound the economics crate proves (`a + c` of the burn); and
//! the verifier-quorum search: a quorum's lie for a friend against the time governance takes to
//! answer it ([`quorum_search`]); and the feeder search: a minority of the price feeders lying
//! for a buyer of its own, waiting for the honest feeders' outages ([`feeder_search`]).

use crate::{
    run::{run, simulate, RunResult, RunSetup},
    scenario::{
        defaults, with_overrides, Adversary, Change, FeederSet, FreezeEvent, RemovalEvent, Scenario,
    },
};
use capacloud_economics::{Amount, HardLimits, Parameters};
use core::fmt;
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde::Deserialize;

/// A sweep file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sweep {
    /// The scenario every set runs (a path relative to the sweep file).
    pub scenario: String,
    /// Random samples; without it, the grid of every axis's `values`.
    #[serde(default)]
    pub samples: Option<u32>,
    /// Seed of the random sample.
    #[serde(default)]
    pub seed: u64,
    /// The parameters that vary.
    pub axes: toml::Table,
}

/// One axis: a list of values (grid) or an integer range (random samples).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Axis {
    /// These values.
    Values {
        /// The values.
        values: Vec<toml::Value>,
    },
    /// Integers in `[min, max]`.
    Range {
        /// Smallest.
        min: i64,
        /// Largest.
        max: i64,
    },
}

impl Sweep {
    /// The parameter sets to run: overrides of the scenario's parameters.
    pub fn sets(&self) -> Result<Vec<toml::Table>, String> {
        let axes: Vec<(String, Axis)> = self
            .axes
            .iter()
            .map(|(name, value)| {
                value
                    .clone()
                    .try_into::<Axis>()
                    .map(|axis| (name.clone(), axis))
                    .map_err(|e| format!("axis `{name}`: {e}"))
            })
            .collect::<Result<_, _>>()?;
        match self.samples {
            Some(samples) => {
                let mut rng = StdRng::seed_from_u64(self.seed);
                Ok((0..samples)
                    .map(|_| {
                        axes.iter()
                            .map(|(name, axis)| {
                                let value = match axis {
                                    Axis::Values { values } => {
                                        values[rng.gen_range(0..values.len())].clone()
                                    }
                                    Axis::Range { min, max } => {
                                        toml::Value::Integer(rng.gen_range(*min..=*max))
                                    }
                                };
                                (name.clone(), value)
                            })
                            .collect()
                    })
                    .collect())
            }
            None => {
                let mut sets = vec![toml::Table::new()];
                for (name, axis) in &axes {
                    let Axis::Values { values } = axis else {
                        return Err(format!(
                            "axis `{name}`: a grid needs `values` (or set `samples`)"
                        ));
                    };
                    sets = sets
                        .into_iter()
                        .flat_map(|set| {
                            values.iter().map(move |v| {
                                let mut set = set.clone();
                                set.insert(name.clone(), v.clone());
                                set
                            })
                        })
                        .collect();
                }
                Ok(sets)
            }
        }
    }
}

/// One parameter set's outcome.
#[derive(Clone, Debug)]
pub struct Summary {
    /// The overrides.
    pub set: toml::Table,
    /// `None` if the set does not validate (the reason in `invalid`).
    pub invalid: Option<String>,
    /// Issuance at the end.
    pub final_supply: Amount,
    /// The largest growth of issuance over any year (a fraction).
    pub worst_inflation: f64,
    /// The largest fall of issuance over any year (a fraction, positive).
    pub worst_deflation: f64,
    /// An honest provider's smallest and largest income per capacity unit and epoch (plancks).
    pub income_range: (f64, f64),
    /// The best adversary's return ratio (what it got back per token burned), if any burned.
    pub best_return: Option<f64>,
    /// Its strategy.
    pub best_strategy: Option<String>,
    /// The most a self-dealer may get back per token burned under the run's parameters: the
    /// largest `availability_share + usage_reward_cap` in force (the bound of
    /// `capacloud-economics`, section Guarantees).
    pub bound: f64,
    /// Hard-limit breaches.
    pub breaches: usize,
    /// The price at the end (stable units per CAPA).
    pub final_price: f64,
    /// What the run asked for that did not exist (see [`crate::run::Impossible`]): such a run
    /// is counted apart, not reported as a result.
    pub impossible: Option<String>,
}

/// Summarises a run.
pub fn summarise(set: toml::Table, result: &RunResult, epochs_per_year: usize) -> Summary {
    let supply: Vec<f64> = result
        .epochs
        .iter()
        .map(|r| r.total_issuance as f64)
        .collect();
    let (mut inflation, mut deflation) = (0.0f64, 0.0f64);
    let year = epochs_per_year.max(1);
    for (i, now) in supply.iter().enumerate().skip(year) {
        let then = supply[i - year].max(1.0);
        let growth = now / then - 1.0;
        inflation = inflation.max(growth);
        deflation = deflation.max(-growth);
    }
    let income = result.epochs.iter().map(|r| r.income_per_unit);
    let income_range = income.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let best = result
        .adversaries
        .iter()
        .chain(&result.coalition)
        .filter_map(|a| a.return_ratio.map(|r| (r, a.strategy.clone())))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Summary {
        set,
        invalid: None,
        final_supply: result.epochs.last().map_or(0, |r| r.total_issuance),
        worst_inflation: inflation,
        worst_deflation: deflation,
        income_range: if result.epochs.is_empty() {
            (0.0, 0.0)
        } else {
            income_range
        },
        best_return: best.as_ref().map(|b| b.0),
        best_strategy: best.map(|b| b.1),
        bound: 0.0,
        breaches: result.limit_breaches.len(),
        final_price: result.epochs.last().map_or(0.0, |r| r.price),
        impossible: (!result.impossible.is_none()).then(|| {
            format!(
                "{} epochs of unmet demand, {} purchases refused; first: {}",
                result.impossible.unmet_epochs,
                result.impossible.refused_purchases,
                result.impossible.first.clone().unwrap_or_default()
            )
        }),
    }
}

/// `availability_share + usage_reward_cap` of `params`, as a fraction.
fn self_dealing_return(params: &Parameters) -> f64 {
    (params.availability_share.deconstruct() as f64 + params.usage_reward_cap.deconstruct() as f64)
        / 1e9
}

/// The largest `availability_share + usage_reward_cap` in force during a run of `scenario`
/// from `params`: at the start and after each of its changes.
pub fn bound_of(scenario: &Scenario, params: &Parameters) -> Result<f64, String> {
    let mut changes: Vec<&Change> = scenario.changes.iter().collect();
    changes.sort_by_key(|c| c.epoch);
    let mut current = *params;
    let mut bound = self_dealing_return(&current);
    for change in changes {
        current = with_overrides(&current, &change.set)?;
        bound = bound.max(self_dealing_return(&current));
    }
    Ok(bound)
}

/// Runs `scenario` under the overrides `set` (on top of the scenario's own).
pub fn run_set(scenario: &Scenario, set: &toml::Table) -> Summary {
    let invalid = |reason: String| Summary {
        set: set.clone(),
        invalid: Some(reason),
        final_supply: 0,
        worst_inflation: 0.0,
        worst_deflation: 0.0,
        income_range: (0.0, 0.0),
        best_return: None,
        best_strategy: None,
        bound: 0.0,
        breaches: 0,
        final_price: 0.0,
        impossible: None,
    };
    let mut setup = match RunSetup::from_scenario(scenario) {
        Ok(setup) => setup,
        Err(e) => return invalid(e),
    };
    setup.params = match with_overrides(&setup.params, set) {
        Ok(params) => params,
        Err(e) => return invalid(e),
    };
    let (_, limits) = defaults();
    if let Err(e) = setup.params.validate(&limits) {
        return invalid(format!("{e:?}"));
    }
    setup.epochs_per_year = crate::run::epochs_per_year(setup.params.epoch_length);
    let bound = match bound_of(scenario, &setup.params) {
        Ok(bound) => bound,
        Err(e) => return invalid(e),
    };
    match run(scenario, &setup) {
        Ok(result) => Summary {
            bound,
            ..summarise(set.clone(), &result, setup.epochs_per_year.round() as usize)
        },
        Err(e) => invalid(e),
    }
}

/// A strategy of the adversary search: self-dealing groups (one, or a coalition of groups
/// acting at different times, measured together), the honest demand they act in, and the
/// referendum (if any) whose application they time their burns around.
#[derive(Clone, Debug)]
pub struct Strategy {
    /// The groups and what each does.
    pub adversaries: Vec<Adversary>,
    /// The scenario's honest demand times this (1: as written).
    pub demand_scale: f64,
    /// A referendum enacted during the run (applied at the boundary closing its epoch).
    pub referendum: Option<Change>,
}

impl Strategy {
    /// One group, in the scenario's demand.
    fn one(adversary: Adversary, referendum: Option<Change>) -> Self {
        Strategy {
            adversaries: vec![adversary],
            demand_scale: 1.0,
            referendum,
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, adversary) in self.adversaries.iter().enumerate() {
            write!(f, "{}{adversary:?}", if i > 0 { " with " } else { "" })?;
        }
        if self.demand_scale != 1.0 {
            write!(f, " in {}x the honest demand", self.demand_scale)?;
        }
        if let Some(change) = &self.referendum {
            write!(
                f,
                " around a referendum enacted in epoch {}: {}",
                change.epoch, change.set
            )?;
        }
        Ok(())
    }
}

/// A TOML table of `fields`.
fn table(fields: &[(&str, toml::Value)]) -> toml::Table {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The referendums the search times burns around, each enacted in `epoch`: every field a
/// referendum may change that moves emission or the rewards, each to an extreme the runtime's
/// `validate` accepts with the presets' limits (the other fields as in force): the shortest
/// and the longest epoch, the floor up to the ceiling and the ceiling down to the floor, the
/// largest step, the smoothing at its largest and smallest, the largest inflation target, a
/// switch to fixed decay, all of `a + c` to the usage cap, all of it to availability.
pub fn referendums(epoch: u32) -> Vec<Change> {
    let (defaults, limits) = defaults();
    let mut sets = timing_and_emission_extremes(&defaults, &limits);
    sets.extend(fee_and_mode_extremes());
    sets.extend(split_extremes(&defaults, &limits));
    sets.into_iter().map(|set| Change { epoch, set }).collect()
}

/// A TOML integer.
fn int(v: u128) -> toml::Value {
    toml::Value::Integer(v as i64)
}

/// The epoch length and the emission bounds and step at their extremes.
fn timing_and_emission_extremes(defaults: &Parameters, limits: &HardLimits) -> Vec<toml::Table> {
    vec![
        table(&[("epoch_length", int(limits.min_epoch_length as u128))]),
        table(&[("epoch_length", int(limits.max_epoch_length as u128))]),
        table(&[(
            "min_emission_per_block",
            int(defaults.max_emission_per_block),
        )]),
        table(&[(
            "max_emission_per_block",
            int(defaults.min_emission_per_block),
        )]),
        table(&[("max_emission_per_block", int(limits.max_emission_per_block))]),
        table(&[("min_emission_per_block", int(0))]),
        table(&[(
            "max_step_per_epoch",
            int(limits.max_step_per_epoch.deconstruct() as u128),
        )]),
        table(&[("max_step_per_epoch", int(0))]),
    ]
}

/// The fee burn share at its extremes, and the controller's modes at theirs.
fn fee_and_mode_extremes() -> Vec<toml::Table> {
    let indexed = |smoothing: u32, inflation: u32| {
        toml::Value::Table(table(&[(
            "BurnIndexed",
            toml::Value::Table(table(&[
                ("smoothing", int(smoothing as u128)),
                ("target_inflation_per_year", int(inflation as u128)),
            ])),
        )]))
    };
    vec![
        table(&[("fee_burn_share", int(0))]),
        table(&[("fee_burn_share", int(1_000_000_000))]),
        table(&[("mode", indexed(1_000_000_000, 20_000_000))]),
        table(&[("mode", indexed(200_000_000, 0))]),
        table(&[("mode", indexed(1, 20_000_000))]),
        table(&[("mode", indexed(200_000_000, 1_000_000_000))]),
        table(&[(
            "mode",
            toml::Value::Table(table(&[(
                "FixedDecay",
                toml::Value::Table(table(&[("decay", int(0))])),
            )])),
        )]),
        table(&[(
            "mode",
            toml::Value::Table(table(&[(
                "FixedDecay",
                toml::Value::Table(table(&[("decay", int(1_000_000_000))])),
            )])),
        )]),
    ]
}

/// The emission split at its extremes.
fn split_extremes(defaults: &Parameters, limits: &HardLimits) -> Vec<toml::Table> {
    vec![
        // The usage cap alone, and the availability share alone (from the ecosystem's), each
        // to what the runtime's `max_self_dealing_return` leaves.
        table(&[(
            "usage_reward_cap",
            int((limits.max_self_dealing_return.deconstruct()
                - defaults.availability_share.deconstruct()) as u128),
        )]),
        table(&[
            (
                "ecosystem_share",
                int((1_000_000_000
                    - defaults.usage_share.deconstruct()
                    - (limits.max_self_dealing_return.deconstruct()
                        - defaults.usage_reward_cap.deconstruct())) as u128),
            ),
            (
                "availability_share",
                int((limits.max_self_dealing_return.deconstruct()
                    - defaults.usage_reward_cap.deconstruct()) as u128),
            ),
        ]),
        table(&[
            ("ecosystem_share", int(100_000_000)),
            ("usage_share", int(900_000_000)),
            ("availability_share", int(0)),
            (
                "usage_reward_cap",
                int(limits.max_self_dealing_return.deconstruct() as u128),
            ),
        ]),
        table(&[
            ("ecosystem_share", int(100_000_000)),
            ("usage_share", int(0)),
            (
                "availability_share",
                int(limits.max_self_dealing_return.deconstruct() as u128),
            ),
            ("usage_reward_cap", int(0)),
        ]),
    ]
}

/// The self-dealing strategies the adversary search tries in a run of `epochs` epochs:
///
/// - volume, timing, group size and capacity (group 1, 3, 10; burns of 10, 1,000, 100,000
///   CAPA per account and epoch; one epoch, a month or a year, at the start or half way; 0,
///   100 or 10,000 capacity units, from none to nearly all of the live points), each spending
///   what it bought in the same epoch, the next one, a week later or 29 epochs later (the
///   production reward claim window is 30 epochs);
/// - around each of the [`referendums`] enacted half way: a group of three holding 10,000
///   units each burns 1,000 or 100,000 CAPA per account in the five epochs up to the one
///   whose close applies the change, in that epoch only, or in the five after, spending in the
///   same epoch or the next;
/// - demand scanned across the usage cap: the scenario's honest demand times 0, 0.03, 0.1,
///   0.3, 1, 3, 10 and 100 (the usage pool goes from empty through limited by emission to
///   bound by its cap), a group of three with none or nearly all of the points burning a
///   month of 1,000 or 100,000 CAPA, spending at once or the next epoch;
/// - coalitions of two groups acting at different times, measured together: one buys in the
///   five epochs before a referendum and spends a week later, the other buys in the epoch it
///   applies and spends at once, with no referendum and around each of the [`referendums`].
pub fn strategies(epochs: u32) -> Vec<Strategy> {
    let mut out = Vec::new();
    let dealer = |group, burn, from, epochs, capacity, spend_after| Adversary::SelfDealer {
        group,
        burn,
        from,
        epochs,
        capacity,
        spend_after,
    };
    for group in [1u32, 3, 10] {
        for burn in [10.0, 1_000.0, 100_000.0] {
            for (from, length) in [(0, 1), (0, 30), (epochs / 2, 1), (epochs / 2, 365)] {
                for capacity in [0u32, 100, 10_000] {
                    for spend_after in [0u32, 1, 7, 29] {
                        out.push(Strategy::one(
                            dealer(group, burn, from, length, capacity, spend_after),
                            None,
                        ));
                    }
                }
            }
        }
    }
    let at = epochs / 2;
    for referendum in referendums(at) {
        for (from, length) in [(at.saturating_sub(4), 5), (at, 1), (at + 1, 5)] {
            for burn in [1_000.0, 100_000.0] {
                for spend_after in [0u32, 1] {
                    out.push(Strategy::one(
                        dealer(3, burn, from, length, 10_000, spend_after),
                        Some(referendum.clone()),
                    ));
                }
            }
        }
    }
    for demand_scale in [0.0, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0] {
        for burn in [1_000.0, 100_000.0] {
            for capacity in [0u32, 10_000] {
                for spend_after in [0u32, 1] {
                    out.push(Strategy {
                        demand_scale,
                        ..Strategy::one(dealer(3, burn, at, 30, capacity, spend_after), None)
                    });
                }
            }
        }
    }
    let referendums = core::iter::once(None).chain(referendums(at).into_iter().map(Some));
    for referendum in referendums {
        out.push(Strategy {
            adversaries: vec![
                dealer(2, 100_000.0, at.saturating_sub(4), 5, 10_000, 7),
                dealer(1, 50_000.0, at, 1, 100, 0),
            ],
            demand_scale: 1.0,
            referendum,
        });
    }
    out
}

/// The adversary search for one parameter set: every strategy of [`strategies`] alone in
/// `scenario` (its other adversaries removed; a strategy's referendum added to the scenario's
/// changes); each strategy's summary (its return and the bound). A strategy whose referendum
/// the set does not validate is reported invalid, not run.
pub fn search(scenario: &Scenario, set: &toml::Table) -> Vec<(Strategy, Summary)> {
    strategies(scenario.epochs)
        .into_iter()
        .map(|strategy| {
            let mut one = scenario.clone();
            one.adversaries = strategy.adversaries.clone();
            one.demand = one.demand.scaled(strategy.demand_scale);
            one.changes.extend(strategy.referendum.clone());
            let summary = run_set(&one, set);
            (strategy, summary)
        })
        .collect()
}

/// A capacity-verifier quorum's lie for a friend ([`Adversary::LyingQuorum`]) and governance's
/// answer: a freeze `freeze_after` epochs after the lie's epoch (none: nobody watches) and the
/// friend's removal in the epoch after the freeze (none of its bond slashed: the cost of the
/// lie is left out, so a lie that gains nothing gains nothing before any slash).
#[derive(Clone, Debug)]
pub struct QuorumStrategy {
    /// The lie.
    pub lie: Adversary,
    /// Epochs from the lie to the freeze.
    pub freeze_after: Option<u32>,
}

impl QuorumStrategy {
    /// Whether governance answers in time: the freeze lands before the lie's first reward is
    /// claimed. The lie of epoch `from` counts from `from + 1`, whose reward unlocks
    /// `reward_delay` epochs after that epoch closes and is claimed in the first block of
    /// epoch `from + 2 + reward_delay`, before that epoch's governance acts; a freeze up to
    /// `reward_delay + 1` epochs after the lie holds it (the threat model's "watched chain").
    pub fn answered_in_time(&self, reward_delay: u32) -> bool {
        self.freeze_after
            .is_some_and(|after| after <= reward_delay.saturating_add(1))
    }
}

impl fmt::Display for QuorumStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.lie.label())?;
        match self.freeze_after {
            Some(after) => write!(
                f,
                ", frozen {after} epochs after the lie and removed the epoch after"
            ),
            None => write!(f, ", never answered"),
        }
    }
}

/// The verifier-quorum strategies of a run of `epochs` epochs with rewards locked for
/// `reward_delay` epochs: lies of 2, 10 and 100 times a real capacity of 10 or 100 units,
/// early (epoch 1) and half way, each answered by a freeze 0 to `reward_delay + 3` epochs
/// after it (in time, then late) or never.
pub fn quorum_strategies(epochs: u32, reward_delay: u32) -> Vec<QuorumStrategy> {
    let mut out = Vec::new();
    for real in [10u32, 100] {
        for factor in [2u32, 10, 100] {
            for from in [1, epochs / 2] {
                let lie = Adversary::LyingQuorum {
                    declared: real * factor,
                    real,
                    from,
                };
                let answers = (0..=reward_delay.saturating_add(3)).map(Some);
                for freeze_after in answers.chain(core::iter::once(None)) {
                    out.push(QuorumStrategy {
                        lie: lie.clone(),
                        freeze_after,
                    });
                }
            }
        }
    }
    out
}

/// The verifier-quorum search in `scenario` from `setup` (its adversaries replaced by each
/// strategy of [`quorum_strategies`], its freezes and removals by the strategy's answer):
/// each strategy with the friend's gain, what the lie changed in everything it received
/// (plancks; negative: a loss). A strategy whose answer would fall after the run's end is left
/// out.
pub fn quorum_search(
    scenario: &Scenario,
    setup: &RunSetup,
) -> Result<Vec<(QuorumStrategy, i128)>, String> {
    let mut out = Vec::new();
    for strategy in quorum_strategies(scenario.epochs, setup.reward_delay) {
        let Adversary::LyingQuorum { from, .. } = strategy.lie else {
            continue;
        };
        let mut one = scenario.clone();
        one.adversaries = vec![strategy.lie.clone()];
        one.slashes.clear();
        one.freezes.clear();
        one.removals.clear();
        if let Some(after) = strategy.freeze_after {
            let freeze = from.saturating_add(after);
            if freeze.saturating_add(1) >= scenario.epochs {
                continue;
            }
            one.freezes.push(FreezeEvent {
                epoch: freeze,
                adversary: 0,
            });
            one.removals.push(RemovalEvent {
                epoch: freeze + 1,
                adversary: 0,
                share: 0.0,
            });
        }
        let result = run(&one, setup)?;
        out.push((strategy, result.adversaries[0].gain));
    }
    Ok(out)
}

/// Feeders in the feeder search's set, and its quorum (`min_price_feeds`): a minority is one or
/// two of them.
pub const SEARCH_FEEDERS: (u32, u32) = (5, 3);

/// A lie of a minority of the price feeders for a friend that buys credits: the friend, a
/// self-dealing account of 100 verified units, burns `burn` CAPA an epoch during the lie and
/// spends the credits with itself.
#[derive(Clone, Debug)]
pub struct FeederStrategy {
    /// The liars ([`Adversary::LyingFeeders`]).
    pub lie: Adversary,
    /// The friend ([`Adversary::SelfDealer`]).
    pub friend: Adversary,
}

impl fmt::Display for FeederStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} for {}", self.lie.label(), self.friend.label())
    }
}

/// What a feeder lie did, against the same run with the liars reporting the market (the
/// friend buying as much in both, the honest feeders' outage in both).
#[derive(Clone, Debug)]
pub struct FeederOutcome {
    /// The strategy.
    pub strategy: FeederStrategy,
    /// What the lie changed in what the friend received (plancks; negative: a loss).
    pub friend_gain: i128,
    /// What the friend received with the lie and without it.
    pub friend_received: (Amount, Amount),
    /// What the lie changed in the tokens burned for credits by everyone (plancks; negative:
    /// less burned, the holders' loss).
    pub burn_change: i128,
    /// Epochs in which sales stopped, with the lie and without it.
    pub stopped: (usize, usize),
    /// The highest settled price in force over the market's, and the lowest, with the lie.
    pub price_range: (f64, f64),
    /// The epochs whose settled price left the band of the honest reports (the threat model's
    /// bound broken: must be empty).
    pub breaches: Vec<String>,
}

/// The feeder strategies of a run of `epochs` epochs: one or two liars of
/// [`SEARCH_FEEDERS`], 0 to 3 honest feeders offline meanwhile, lies of 0.5 to 10 times the
/// market (inside the band and beyond it, both ways), for one epoch or thirty, early or half
/// way, for a friend burning 1,000 CAPA an epoch then.
pub fn feeder_strategies(epochs: u32) -> Vec<FeederStrategy> {
    let (count, quorum) = SEARCH_FEEDERS;
    let mut out = Vec::new();
    for feeders in 1..=count - quorum {
        for honest_offline in 0..=3u32.min(count - feeders) {
            for factor in [0.5, 0.9, 0.95, 1.05, 1.11, 1.5, 10.0] {
                for (from, length) in [(1, 30), (epochs / 2, 1), (epochs / 2, 30)] {
                    let length = length.min(epochs.saturating_sub(from));
                    out.push(FeederStrategy {
                        lie: Adversary::LyingFeeders {
                            feeders,
                            factor,
                            from,
                            epochs: length,
                            honest_offline,
                        },
                        friend: Adversary::SelfDealer {
                            group: 1,
                            burn: 1_000.0,
                            from,
                            epochs: length,
                            capacity: 100,
                            spend_after: 0,
                        },
                    });
                }
            }
        }
    }
    out
}

/// The feeder search in `scenario` from `setup`, with the feeder set and quorum of
/// [`SEARCH_FEEDERS`]: each strategy of [`feeder_strategies`] run with the lie and with the
/// liars reporting the market.
pub fn feeder_search(scenario: &Scenario, setup: &RunSetup) -> Result<Vec<FeederOutcome>, String> {
    let (count, quorum) = SEARCH_FEEDERS;
    let mut setup = setup.clone();
    setup.params.min_price_feeds = quorum;
    let mut out = Vec::new();
    for strategy in feeder_strategies(scenario.epochs) {
        let mut one = scenario.clone();
        one.feeders = FeederSet { count: Some(count) };
        one.adversaries = vec![strategy.friend.clone(), strategy.lie.clone()];
        one.slashes.clear();
        one.freezes.clear();
        one.removals.clear();
        let with = simulate(&one, &setup, &[true, true])?;
        let without = simulate(&one, &setup, &[true, false])?;
        let burned = |pass: &crate::run::Pass| {
            pass.records
                .iter()
                .map(|r| r.burned_credits as i128)
                .sum::<i128>()
        };
        let stopped =
            |pass: &crate::run::Pass| pass.records.iter().filter(|r| r.sales_stopped).count();
        let ratios = with
            .records
            .iter()
            .filter(|r| r.price_in_force > 0.0)
            .map(|r| r.price_in_force / r.price);
        let price_range = ratios.fold((f64::MIN, f64::MAX), |(hi, lo), x| (hi.max(x), lo.min(x)));
        out.push(FeederOutcome {
            friend_gain: with.received[0] as i128 - without.received[0] as i128,
            friend_received: (with.received[0], without.received[0]),
            burn_change: burned(&with) - burned(&without),
            stopped: (stopped(&with), stopped(&without)),
            price_range,
            breaches: with
                .breaches
                .iter()
                .filter(|b| b.contains("price in force"))
                .cloned()
                .collect(),
            strategy,
        });
    }
    Ok(out)
}
