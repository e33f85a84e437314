//! Sweeps: one scenario run under many parameter sets (a grid, or a random sample of ranges),
//! in parallel, summarised per set: final supply, the worst annual inflation and deflation,
//! the range of an honest provider's income, and the best adversary's return ratio. And the
//! adversary search: for a parameter set, the self-dealing strategy (volume, timing, group size,
//! capacity) with the highest return.

use crate::{
    run::{run, RunResult, RunSetup},
    scenario::{defaults, with_overrides, Adversary, Scenario},
};
use capacloud_economics::Amount;
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
    /// Hard-limit breaches.
    pub breaches: usize,
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
        breaches: result.limit_breaches.len(),
    }
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
        breaches: 0,
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
    setup.epochs_per_year = 365.0 * 14_400.0 / setup.params.epoch_length.max(1) as f64;
    match run(scenario, &setup) {
        Ok(result) => summarise(set.clone(), &result, setup.epochs_per_year.round() as usize),
        Err(e) => invalid(e),
    }
}

/// The self-dealing strategies the adversary search tries: volume, timing, group size and
/// capacity.
pub fn strategies(epochs: u32) -> Vec<Adversary> {
    let mut out = Vec::new();
    for group in [1u32, 3, 10] {
        for burn in [10.0, 1_000.0, 100_000.0] {
            for (from, length) in [(0, 1), (0, 30), (epochs / 2, 1), (epochs / 2, 365)] {
                for capacity in [0u32, 100, 10_000] {
                    out.push(Adversary::SelfDealer {
                        group,
                        burn,
                        from,
                        epochs: length,
                        capacity,
                    });
                }
            }
        }
    }
    out
}

/// The adversary search for one parameter set: every strategy of [`strategies`] alone in
/// `scenario` (its other adversaries removed); the best return and its strategy.
pub fn search(scenario: &Scenario, set: &toml::Table) -> Vec<(Adversary, Summary)> {
    strategies(scenario.epochs)
        .into_iter()
        .map(|adversary| {
            let mut one = scenario.clone();
            one.adversaries = vec![adversary.clone()];
            (adversary, run_set(&one, set))
        })
        .collect()
}
