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
    /// Price-feed outages: no feeder submits, so once their last submissions are stale
    /// (`price_max_age`) the chain sells no credits (`PriceUnavailable`); credits already
    /// bought can still be spent.
    #[serde(default)]
    pub outages: Vec<Outage>,
    /// The price feeders.
    #[serde(default)]
    pub feeders: FeederSet,
    /// Slashes governance decides against an attacking adversary (`slash_provider`).
    #[serde(default)]
    pub slashes: Vec<SlashEvent>,
    /// Removals governance decides against an attacking adversary (`remove_provider`).
    #[serde(default)]
    pub removals: Vec<RemovalEvent>,
    /// Freezes governance decides against an attacking adversary (`freeze_provider`).
    #[serde(default)]
    pub freezes: Vec<FreezeEvent>,
    /// Tokens minted outside the pallet's books (`Root` through pallet-balances'
    /// `force_set_balance`, a pallet that keeps no books).
    #[serde(default)]
    pub mints: Vec<OutsideMint>,
}

/// Tokens minted outside the pallet in an epoch's first block, after its mint and before its
/// extrinsics, into an account that holds them and sells at the market price. The chain books
/// them on the epoch's `outside_minted` line and does not follow them (they are not demand);
/// below a supply cap they take room, so blocks the controller planned for can be withheld
/// until it lowers the emission.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutsideMint {
    /// The epoch.
    pub epoch: u32,
    /// CAPA minted.
    pub amount: f64,
}

/// A freeze of an adversary's accounts, made only when it attacks (as a slash): for the
/// runtime's `MinUnbondingPeriod` blocks from the epoch's first block, nobody can claim their
/// rewards (`ProviderFrozen`); they keep acting and earning, and a removal in the meantime
/// forfeits every reward they have not claimed.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeEvent {
    /// The epoch (at its start).
    pub epoch: u32,
    /// The adversary (index in `adversaries`).
    pub adversary: usize,
}

/// The removal of an adversary's accounts, made only when it attacks (as a slash): `share` of
/// each account's bond burned, the rest released; every reward not yet paid (the last
/// `reward_delay` epochs' rewards, still locked, and work not yet settled) forfeited and
/// burned from the reward pot; the accounts stop (their reputation is zero: the chain pays
/// them nothing more).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RemovalEvent {
    /// The epoch (at its start, after the previous epoch's rewards were settled).
    pub epoch: u32,
    /// The adversary (index in `adversaries`).
    pub adversary: usize,
    /// The share of the bond slashed (0..=1).
    pub share: f64,
}

/// A slash of an adversary's accounts, made only when it attacks (the counterfactual, honest,
/// gives governance no reason): `share` of each account's bond burned and of its reputation
/// taken; an account whose bond no longer covers its capacity is paused.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SlashEvent {
    /// The epoch (at its start).
    pub epoch: u32,
    /// The adversary (index in `adversaries`).
    pub adversary: usize,
    /// The share slashed (0..=1).
    pub share: f64,
    /// Whether the adversary then re-bonds: an account the slash paused tops its bond up to
    /// what its capacity requires and resumes (`bond_extra`, `resume`) in the same epoch,
    /// proving liveness again from the next (the chain's `resume`). Its tokens are held, not
    /// burned.
    #[serde(default)]
    pub rebond: bool,
}

/// The price-feeder set (`set_price_feeders`): every feeder online submits in every block
/// (see [`crate::feeds`]).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeederSet {
    /// Feeders in the set; none: `min_price_feeds` (the smallest set the quorum is a majority
    /// of). The chain refuses a set the quorum is not a majority of, or above its size.
    pub count: Option<u32>,
}

/// Epochs without a price in force.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// The first epoch without sales.
    pub epoch: u32,
    /// How many epochs.
    pub epochs: u32,
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

/// The token price in stable units per CAPA: a market that answers supply and demand
/// (the default), or a fixed path.
///
/// **The market** is the equation of exchange with a holding demand. In epoch `t` the token's
/// market value is what holders want to hold, `H·e_t` (stable units; `e_t` the product of the
/// events in force, a speculative spike or a crash of confidence), plus what compute needs in
/// circulation, `A_t / v` (`A_t` the compute demand of a year at epoch `t`'s rate, `v` the
/// `velocity`: how many times a year a token held for compute changes hands). The price is
/// that value over the supply at the epoch's open:
///
/// `P_t = (H·e_t + A_t / v) / S_t`,
///
/// with `H` set so that `P_0` is `start`. More usage raises the price; burning lowers the
/// supply and raises it too, so that each stable unit of compute burns fewer tokens, and the
/// tokens burned in an epoch, `D_t / P_t = S_t · D_t / (H·e_t + A_t / v)`, are less than
/// `S_t · v / (epochs in a year)` whatever the demand: the market cannot burn what does not
/// exist. No parameter of it is governed.
///
/// **A fixed path** (`model = "fixed"`): `start` times the events, whatever the supply.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PricePath {
    /// The price at the start.
    pub start: f64,
    /// The market (default) or a fixed path.
    #[serde(default)]
    pub model: PriceModel,
    /// The market's velocity of the tokens held for compute, per year (default 12: a token
    /// bought for compute is held a month on average).
    #[serde(default = "default_velocity")]
    pub velocity: f64,
    /// Events from an epoch on, optionally for a number of epochs only (a spike): in the
    /// market they multiply the holding demand, on a fixed path the price.
    #[serde(default)]
    pub events: Vec<PriceEvent>,
}

/// How the price is made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceModel {
    /// The market of [`PricePath`]: the price answers supply and demand.
    #[default]
    Market,
    /// `start` times the events, whatever the supply.
    Fixed,
}

fn default_velocity() -> f64 {
    12.0
}

impl Default for PricePath {
    fn default() -> Self {
        PricePath {
            start: presets::INITIAL_PRICE.into_inner() as f64 / 1e18,
            model: PriceModel::default(),
            velocity: default_velocity(),
            events: Vec::new(),
        }
    }
}

/// A move of the price (fixed path) or of the holding demand (market).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceEvent {
    /// From this epoch on.
    pub epoch: u32,
    /// The price (or the holding demand) is multiplied by this.
    pub factor: f64,
    /// For this many epochs only (then it returns), or for good.
    #[serde(default)]
    pub epochs: Option<u32>,
}

impl PricePath {
    /// The product of the events in force in `epoch`.
    pub fn events_at(&self, epoch: u32) -> f64 {
        self.events
            .iter()
            .filter(|e| epoch >= e.epoch && e.epochs.is_none_or(|n| epoch < e.epoch + n))
            .fold(1.0, |factor, e| factor * e.factor)
    }

    /// The market, calibrated so that the price is `start` when the supply is `supply` and
    /// compute demand `per_year` stable units a year (`None` on a fixed path); fails when the
    /// compute demand alone would value the token above `start` (raise `velocity`).
    pub fn market(&self, supply: f64, per_year: f64) -> Result<Option<Market>, String> {
        if self.model == PriceModel::Fixed {
            return Ok(None);
        }
        if !(self.velocity > 0.0 && self.velocity.is_finite()) {
            return Err(format!("price: velocity {} is not positive", self.velocity));
        }
        let circulation = per_year / self.velocity;
        let holding = self.start * supply - circulation;
        if holding < 0.0 {
            return Err(format!(
                "price: compute alone needs {circulation:.0} stable units in circulation, more \
                 than {supply:.0} CAPA at {} are worth; raise `velocity`",
                self.start
            ));
        }
        Ok(Some(Market {
            holding,
            velocity: self.velocity,
        }))
    }

    /// The price in `epoch` on a fixed path.
    pub fn at(&self, epoch: u32) -> f64 {
        self.start * self.events_at(epoch)
    }
}

/// The calibrated market of [`PricePath`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Market {
    /// `H`: stable units holders want to hold when no event is in force.
    pub holding: f64,
    /// `v`.
    pub velocity: f64,
}

impl Market {
    /// `P = (H·events + per_year / v) / (supply − burned_per_year / v)` (stable units per CAPA;
    /// `supply` in CAPA): honest buyers of compute spend `per_year` stable units a year, and
    /// the adversaries burn `burned_per_year` CAPA a year (their purchases at the epoch's rate).
    /// An adversary buying credits is a buyer like any other: its spend, `P·burned_per_year`,
    /// is compute demand, and the float held for it (`burned_per_year / v` tokens) is taken
    /// from the supply the other demands share. Its purchases raise the price it and everyone
    /// else pays; what an epoch burns in all stays below `supply·v / epochs a year` (an
    /// adversary whose burns alone would need more than that is an impossible world: the float
    /// it takes is capped at 99% of the supply).
    pub fn price(&self, events: f64, per_year: f64, supply: f64, burned_per_year: f64) -> f64 {
        let float = (supply - burned_per_year / self.velocity).max(supply * 0.01);
        (self.holding * events + per_year / self.velocity) / float.max(f64::MIN_POSITIVE)
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
    /// `capacity` verified units and proves liveness every epoch. Like every adversary, its
    /// accounts are new: registered at the start, at the initial reputation, live from the
    /// second epoch, gaining reputation by service as any provider.
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
    /// A provider that declares far more capacity than it has. Only attested capacity counts:
    /// the verifiers attest `real`, and the chain accepts the attestation only if the bond
    /// covers it (`required_bond(real)`, else `BondTooLow`: no verified capacity at all).
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
    /// A quorum of capacity verifiers that lies for a friend: a provider registered with `real`
    /// units attested (the truth) and a bond covering `declared`, whose capacity the colluding
    /// quorum (`min_capacity_attestations` verifiers or more) attests at `declared` in epoch
    /// `from`. As on the chain, the agreed capacity counts from the next epoch. Governance's
    /// answer is the scenario's `[[freezes]]` and `[[removals]]` of this adversary: the
    /// threat model's claim is that a freeze landing within `RewardDelay` epochs of the lie
    /// (a watched chain) leaves the friend nothing of it.
    LyingQuorum {
        /// Capacity the quorum attests.
        declared: u32,
        /// Capacity the provider has (what honest verifiers attest).
        real: u32,
        /// The epoch of the lie.
        from: u32,
    },
    /// A minority of the price feeders that lies: `feeders` of the set (fewer than
    /// `n − min_price_feeds + 1`, so that every quorum holds an honest feed: the threat
    /// model's threshold) report `factor` times the market price from epoch `from` for
    /// `epochs` epochs (the band's edge towards it while it is outside the band: a rejected
    /// submission changes nothing). During those epochs `honest_offline` honest feeders are
    /// offline: an outage of the honest feeders the liars wait for. Its honest part reports the
    /// market; the outage happens in both. The liars receive nothing from the chain: what
    /// their lie is worth shows in the coalition with a buyer or self-dealer (credits per
    /// token) and in the holders' value (tokens the honest buyers burn).
    LyingFeeders {
        /// Liars in the set.
        feeders: u32,
        /// Their report, as a multiple of the market price.
        factor: f64,
        /// The first epoch of the lie.
        from: u32,
        /// Epochs it lasts.
        epochs: u32,
        /// Honest feeders offline meanwhile.
        #[serde(default)]
        honest_offline: u32,
    },
}

impl Adversary {
    /// A short name for reports and legends.
    pub fn label(&self) -> String {
        match *self {
            Adversary::SelfDealer { group, .. } => format!("self-dealers ({group} accounts)"),
            Adversary::CapacityInflater { declared, real, .. } => {
                format!("capacity inflater ({declared} declared, {real} real)")
            }
            Adversary::BoundaryTimer { period, .. } => {
                format!("boundary timer (live 1 epoch in {period})")
            }
            Adversary::LyingQuorum {
                declared,
                real,
                from,
            } => format!("lying verifier quorum ({declared} for {real} from epoch {from})"),
            Adversary::LyingFeeders {
                feeders,
                factor,
                from,
                epochs,
                honest_offline,
            } => format!(
                "lying feeders ({feeders} at {factor}x, epochs {from}..{}, {honest_offline} \
                 honest offline)",
                from.saturating_add(epochs)
            ),
        }
    }

    /// Accounts it acts with.
    pub fn accounts(&self) -> u32 {
        match *self {
            Adversary::SelfDealer { group, .. } => group,
            Adversary::CapacityInflater { .. }
            | Adversary::BoundaryTimer { .. }
            | Adversary::LyingQuorum { .. } => 1,
            // Feeders are not providers: no account of the pallet's.
            Adversary::LyingFeeders { .. } => 0,
        }
    }

    /// CAPA each account burns in an attacking epoch.
    pub fn burn_per_epoch(&self) -> f64 {
        match *self {
            Adversary::SelfDealer { burn, .. } => burn,
            Adversary::CapacityInflater { .. }
            | Adversary::BoundaryTimer { .. }
            | Adversary::LyingQuorum { .. }
            | Adversary::LyingFeeders { .. } => 0.0,
        }
    }
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

    /// Whether the chain could hold the scenario's providers: every capacity at most the
    /// runtime's `MaxCapacity` (`register_provider` refuses more with `InvalidCapacity`).
    pub fn check(&self) -> Result<(), String> {
        let max = presets::MAX_CAPACITY;
        if self.providers.capacity > max {
            return Err(format!(
                "providers: capacity {} above the chain's maximum of {max} units a provider",
                self.providers.capacity
            ));
        }
        let events = self
            .slashes
            .iter()
            .map(|s| ("slash", s.epoch, s.adversary, s.share))
            .chain(
                self.removals
                    .iter()
                    .map(|r| ("removal", r.epoch, r.adversary, r.share)),
            )
            .chain(
                self.freezes
                    .iter()
                    .map(|f| ("freeze", f.epoch, f.adversary, 0.0)),
            );
        for (what, epoch, adversary, share) in events {
            if adversary >= self.adversaries.len() || !(0.0..=1.0).contains(&share) {
                return Err(format!(
                    "{what} at epoch {epoch}: no adversary {adversary} or a share {share} \
                     outside 0..=1"
                ));
            }
        }
        if let Some(mint) = self
            .mints
            .iter()
            .find(|m| !(m.amount >= 0.0 && m.amount.is_finite()))
        {
            return Err(format!(
                "mint at epoch {}: {} CAPA is not an amount that can be minted",
                mint.epoch, mint.amount
            ));
        }
        for (index, adversary) in self.adversaries.iter().enumerate() {
            let declared = match *adversary {
                Adversary::SelfDealer { capacity, .. }
                | Adversary::BoundaryTimer { capacity, .. } => capacity,
                Adversary::CapacityInflater { declared, .. }
                | Adversary::LyingQuorum { declared, .. } => declared,
                Adversary::LyingFeeders { factor, .. } => {
                    if !(factor > 0.0 && factor.is_finite()) {
                        return Err(format!(
                            "adversary {index}: a lie of {factor} times the market is not a \
                             price (the chain refuses a zero price)"
                        ));
                    }
                    0
                }
            };
            if declared > max {
                return Err(format!(
                    "adversary {index}: capacity {declared} above the chain's maximum of {max} \
                     units a provider (the chain refuses the registration)"
                ));
            }
        }
        Ok(())
    }

    /// CAPA the attacking adversaries plan to burn in `epoch` (a self-dealing group's purchases
    /// while it buys; none during an outage, when nothing is sold): demand for tokens the
    /// market prices in ([`Market::price`]).
    pub fn planned_burn_at(&self, epoch: u32, attacking: &[bool]) -> f64 {
        if self.outage_at(epoch) {
            return 0.0;
        }
        self.adversaries
            .iter()
            .zip(attacking)
            .filter(|(_, attack)| **attack)
            .map(|(adversary, _)| match *adversary {
                Adversary::SelfDealer {
                    group,
                    burn,
                    from,
                    epochs,
                    ..
                } if epoch >= from && epoch < from.saturating_add(epochs) => burn * group as f64,
                _ => 0.0,
            })
            .sum()
    }

    /// CAPA minted outside the pallet in `epoch` ([`OutsideMint`]).
    pub fn minted_outside_at(&self, epoch: u32) -> f64 {
        self.mints
            .iter()
            .filter(|m| m.epoch == epoch)
            .map(|m| m.amount)
            .sum()
    }

    /// The feeder set's size under `params`, checked as the chain checks it
    /// (`check_majority`: `min_price_feeds` a majority of the set, at most its size), and the
    /// liars a minority the threat model claims (fewer than `n − min_price_feeds + 1`: every
    /// quorum holds an honest feed), the honest feeders offline at most the honest ones.
    pub fn feeder_count(&self, params: &Parameters) -> Result<u32, String> {
        let quorum = params.min_price_feeds;
        let count = self.feeders.count.unwrap_or(quorum);
        capacloud_economics::check_majority(quorum, count as usize).map_err(|e| {
            format!(
                "feeders: a quorum of {quorum} of {count} feeders, the chain refuses it ({e:?})"
            )
        })?;
        for (index, adversary) in self.adversaries.iter().enumerate() {
            if let Adversary::LyingFeeders {
                feeders,
                honest_offline,
                ..
            } = *adversary
            {
                if feeders == 0 || feeders > count - quorum {
                    return Err(format!(
                        "adversary {index}: {feeders} lying feeders of {count} with a quorum of \
                         {quorum}: the threat model's minority is 1 to {}",
                        count - quorum
                    ));
                }
                if honest_offline > count - feeders {
                    return Err(format!(
                        "adversary {index}: {honest_offline} honest feeders offline, only {} \
                         are honest",
                        count - feeders
                    ));
                }
            }
        }
        if self
            .adversaries
            .iter()
            .filter(|a| matches!(a, Adversary::LyingFeeders { .. }))
            .count()
            > 1
        {
            return Err("more than one lying feeder group: the liars are one minority".into());
        }
        Ok(count)
    }

    /// The lying feeders in force in `epoch` among the attacking adversaries: `(liars, factor,
    /// honest offline)`. The outage of the honest feeders is the world's, in force whether or
    /// not they attack; the lie only when they do.
    pub fn feeder_lie_at(&self, epoch: u32, attacking: &[bool]) -> Option<(u32, Option<f64>, u32)> {
        self.adversaries
            .iter()
            .zip(attacking)
            .find_map(|(adversary, attack)| match *adversary {
                Adversary::LyingFeeders {
                    feeders,
                    factor,
                    from,
                    epochs,
                    honest_offline,
                } if epoch >= from && epoch < from.saturating_add(epochs) => {
                    Some((feeders, attack.then_some(factor), honest_offline))
                }
                _ => None,
            })
    }

    /// Whether the price feeds are out in `epoch` (no credits sold).
    pub fn outage_at(&self, epoch: u32) -> bool {
        self.outages
            .iter()
            .any(|o| epoch >= o.epoch && epoch < o.epoch.saturating_add(o.epochs))
    }
}
