//! Scenarios as data: a TOML file says how long to run, from which state, what demand and
//! token price to expect, which honest providers come and go, which adversaries act, and which
//! parameter changes governance makes. Everything left out is the chain's default
//! ([`capacloud_economics::presets`], production timing).

use capacloud_economics::{
    presets::{self, Timing},
    Amount, HardLimits, Parameters,
};
use serde::{Deserialize, Serialize};
use sp_arithmetic::Permill;

/// A scenario file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (file names of the outputs).
    pub name: String,
    /// What it shows.
    #[serde(default)]
    pub description: String,
    /// Epochs to simulate (3,650: ten years of daily epochs).
    pub epochs: u32,
    /// Where the chain starts.
    #[serde(default)]
    pub start: Start,
    /// Parameters in force at the start: the defaults with these fields replaced (the field
    /// names of `Parameters`, values as the chain spec writes them: shares in parts per
    /// billion, amounts in plancks).
    #[serde(default)]
    pub parameters: toml::Table,
    /// Demand for compute.
    #[serde(default)]
    pub demand: Demand,
    /// The token price.
    #[serde(default)]
    pub price: PricePath,
    /// Honest providers.
    #[serde(default)]
    pub providers: Providers,
    /// Transaction fees paid per epoch, in CAPA (burned at `fee_burn_share`).
    #[serde(default)]
    pub fees_per_epoch: f64,
    /// Adversaries.
    #[serde(default)]
    pub adversaries: Vec<Adversary>,
    /// Parameter changes accepted by referendum: applied at the boundary after `epoch`.
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// The state the chain starts from.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// Total issuance, in CAPA.
    pub supply: f64,
    /// Emission per block, in CAPA (clamped to the parameters' band).
    pub emission_per_block: f64,
}

impl Default for Start {
    fn default() -> Self {
        Start {
            supply: 100_000_000.0,
            emission_per_block: presets::INITIAL_EMISSION_PER_BLOCK as f64 / presets::CAPA as f64,
        }
    }
}

/// Demand for compute, in stable units (think USD) spent per epoch.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum Demand {
    /// No usage at all.
    None,
    /// The same every epoch.
    Flat {
        /// Stable units per epoch.
        per_epoch: f64,
    },
    /// Compound growth.
    Growth {
        /// Stable units per epoch at the start.
        per_epoch: f64,
        /// Growth per year (0.5: +50% a year).
        per_year: f64,
    },
    /// A yearly cycle around a level.
    Seasonal {
        /// The level.
        per_epoch: f64,
        /// Relative amplitude (0.3: ±30%).
        amplitude: f64,
        /// Period in epochs.
        period: u32,
    },
    /// Growth to a peak, then a fall to a floor.
    BoomBust {
        /// Stable units per epoch at the start.
        per_epoch: f64,
        /// Growth per year until the peak.
        per_year: f64,
        /// The epoch of the peak.
        peak: u32,
        /// The share of the peak that remains after the bust.
        remains: f64,
        /// Epochs the fall takes.
        fall: u32,
    },
}

impl Default for Demand {
    fn default() -> Self {
        Demand::Flat {
            per_epoch: 10_000.0,
        }
    }
}

impl Demand {
    /// The same demand, `factor` times as large every epoch.
    pub fn scaled(&self, factor: f64) -> Demand {
        let mut out = self.clone();
        match &mut out {
            Demand::None => {}
            Demand::Flat { per_epoch }
            | Demand::Growth { per_epoch, .. }
            | Demand::Seasonal { per_epoch, .. }
            | Demand::BoomBust { per_epoch, .. } => *per_epoch *= factor,
        }
        out
    }

    /// Stable units spent in `epoch`, with `epochs_per_year` epochs in a year.
    pub fn at(&self, epoch: u32, epochs_per_year: f64) -> f64 {
        let years = epoch as f64 / epochs_per_year;
        match *self {
            Demand::None => 0.0,
            Demand::Flat { per_epoch } => per_epoch,
            Demand::Growth {
                per_epoch,
                per_year,
            } => per_epoch * (1.0 + per_year).powf(years),
            Demand::Seasonal {
                per_epoch,
                amplitude,
                period,
            } => {
                let phase = 2.0 * std::f64::consts::PI * epoch as f64 / period.max(1) as f64;
                per_epoch * (1.0 + amplitude * phase.sin()).max(0.0)
            }
            Demand::BoomBust {
                per_epoch,
                per_year,
                peak,
                remains,
                fall,
            } => {
                let top = per_epoch * (1.0 + per_year).powf(peak as f64 / epochs_per_year);
                if epoch <= peak {
                    per_epoch * (1.0 + per_year).powf(years)
                } else {
                    let done = ((epoch - peak) as f64 / fall.max(1) as f64).min(1.0);
                    top * (1.0 - done * (1.0 - remains))
                }
            }
        }
        .max(0.0)
    }
}

/// The token price in stable units per CAPA.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PricePath {
    /// The price at the start.
    pub start: f64,
    /// Events that multiply the price from an epoch on (a crash: 0.3), optionally for a number
    /// of epochs only (a spike).
    #[serde(default)]
    pub events: Vec<PriceEvent>,
}

impl Default for PricePath {
    fn default() -> Self {
        PricePath {
            start: presets::INITIAL_PRICE.into_inner() as f64 / 1e18,
            events: Vec::new(),
        }
    }
}

/// A price move.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceEvent {
    /// From this epoch on.
    pub epoch: u32,
    /// The price is multiplied by this.
    pub factor: f64,
    /// For this many epochs only (then it returns), or for good.
    #[serde(default)]
    pub epochs: Option<u32>,
}

impl PricePath {
    /// The price in `epoch`.
    pub fn at(&self, epoch: u32) -> f64 {
        self.events
            .iter()
            .filter(|e| epoch >= e.epoch && e.epochs.is_none_or(|n| epoch < e.epoch + n))
            .fold(self.start, |price, e| price * e.factor)
    }
}

/// Honest providers: identical, serving demand in equal parts and proving liveness every epoch.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Providers {
    /// How many at the start.
    pub count: u32,
    /// Verified capacity units of each.
    pub capacity: u32,
    /// Their reputation (0..=1).
    pub reputation: f64,
    /// Changes in their number: from `epoch` on there are `count`.
    #[serde(default)]
    pub changes: Vec<CountChange>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            count: 50,
            capacity: 100,
            reputation: 1.0,
            changes: Vec::new(),
        }
    }
}

/// From `epoch` on there are `count` honest providers.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CountChange {
    /// The epoch.
    pub epoch: u32,
    /// The number of honest providers from then on.
    pub count: u32,
}

impl Providers {
    /// Honest providers in `epoch`.
    pub fn count_at(&self, epoch: u32) -> u32 {
        self.changes
            .iter()
            .filter(|c| c.epoch <= epoch)
            .max_by_key(|c| c.epoch)
            .map_or(self.count, |c| c.count)
    }

    /// Their reputation as the chain stores it.
    pub fn reputation(&self) -> Permill {
        Permill::from_float(self.reputation.clamp(0.0, 1.0))
    }
}

/// An adversary and its strategy.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum Adversary {
    /// A group of accounts that buys compute from itself: each burns `burn` CAPA per epoch
    /// from `from` for `epochs` epochs and serves the credits itself `spend_after` epochs after
    /// buying them (`buy_credits`, then `spend_credits`; 0: in the same epoch); each holds
    /// `capacity` verified units and proves liveness every epoch.
    SelfDealer {
        /// Accounts in the group.
        group: u32,
        /// CAPA each burns per attacking epoch.
        burn: f64,
        /// First attacking epoch.
        from: u32,
        /// Attacking epochs.
        epochs: u32,
        /// Verified capacity of each account.
        capacity: u32,
        /// Epochs between buying credits and spending them with the group's own providers.
        #[serde(default)]
        spend_after: u32,
    },
    /// A provider that declares far more capacity than it has. Only attested capacity counts,
    /// and only what its bond covers: `min(real, (bond - min_provider_bond) / bond_per_unit)`.
    CapacityInflater {
        /// Capacity it declares.
        declared: u32,
        /// Capacity it has (what a verifier attests).
        real: u32,
        /// Its bond, in CAPA.
        bond: f64,
    },
    /// A provider that proves liveness only in one epoch of every `period` (it is online for a
    /// moment around the boundary and leaves), holding `capacity` verified units.
    BoundaryTimer {
        /// Verified capacity.
        capacity: u32,
        /// One live epoch in this many.
        period: u32,
    },
}

/// A parameter change: the fields given replace those in force, applied at the boundary that
/// closes `epoch`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The epoch during which the referendum is enacted.
    pub epoch: u32,
    /// The fields that change.
    pub set: toml::Table,
}

/// The chain's default parameters and limits at production timing.
pub fn defaults() -> (Parameters, HardLimits) {
    let timing = Timing::production();
    (
        presets::default_parameters(&timing),
        presets::hard_limits(&timing),
    )
}

/// `base` with the fields of `overrides` replaced (names and encodings of the chain spec);
/// fails on an unknown field or a value of the wrong type. The merge goes through JSON, whose
/// numbers hold the plancks of every amount.
pub fn with_overrides(base: &Parameters, overrides: &toml::Table) -> Result<Parameters, String> {
    let mut value = serde_json::to_value(base).map_err(|e| e.to_string())?;
    let fields = value.as_object_mut().ok_or("parameters are not a table")?;
    for (key, replacement) in overrides {
        if !fields.contains_key(key) {
            return Err(format!("unknown parameter `{key}`"));
        }
        fields.insert(
            key.clone(),
            serde_json::to_value(replacement).map_err(|e| e.to_string())?,
        );
    }
    serde_json::from_value(value).map_err(|e| format!("parameters: {e}"))
}

/// CAPA as plancks (rounded down).
pub fn plancks(capa: f64) -> Amount {
    (capa.max(0.0) * presets::CAPA as f64) as Amount
}

impl Scenario {
    /// Reads a scenario file.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}
