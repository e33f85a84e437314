//! Pure economics: the emission controller, the emission split, credit pricing and reward
//! accounting, as plain functions with no storage access.
//!
//! The pallet calls these functions with values read from storage; the property tests and the
//! economics simulator call the very same functions with values of their own. Nothing here
//! panics: every operation is checked or saturating, and every rounding goes in the protocol's
//! favour (rewards and credits round down).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::{
    helpers_128bit::multiply_by_rational_with_rounding,
    traits::{AtLeast32BitUnsigned, One, SaturatedConversion, Saturating, Zero},
    FixedPointNumber, FixedU128, Perbill, Permill, Rounding,
};

/// Token amounts as the economics sees them (the runtime's balance type is `u128`).
pub type Amount = u128;
/// Compute credits; not transferable, priced in a stable unit.
pub type Credits = u128;

/// How the per-block emission is chosen each epoch.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub enum ControllerMode {
    /// A fixed schedule: the target emission decays by `decay` every epoch (a per-epoch
    /// exponential decay; a halving every `n` epochs is `decay = 1 - 2^(-1/n)`).
    FixedDecay {
        /// Share of the target removed at each epoch boundary.
        decay: Perbill,
    },
    /// Burn-and-mint equilibrium: the target per-block emission is the smoothed burn per block
    /// plus a target net inflation of the total issuance, so that supply grows by about
    /// `target_inflation` per epoch on top of replacing what users burn.
    BurnIndexed {
        /// Weight of the latest epoch in the exponential moving average of the burn.
        smoothing: Perbill,
        /// Net inflation per epoch that the controller aims for on top of the burn.
        target_inflation_per_epoch: Perbill,
    },
}

/// Every economic parameter of the chain, validated as a whole by [`Parameters::validate`].
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct Parameters {
    /// Share of each block's emission paid to the ecosystem treasury.
    pub ecosystem_share: Perbill,
    /// Share of each block's emission paid to providers for served work (credits spent).
    pub usage_share: Perbill,
    /// Share of each block's emission paid to providers for available capacity.
    /// The three shares add up to exactly 100%.
    pub availability_share: Perbill,
    /// The controller never sets the emission per block below this.
    pub min_emission_per_block: Amount,
    /// The controller never sets the emission per block above this (and never above the
    /// runtime's hard cap).
    pub max_emission_per_block: Amount,
    /// The most the emission per block may move in one epoch, as a share of its current value.
    pub max_step_per_epoch: Perbill,
    /// How the target emission is chosen.
    pub mode: ControllerMode,
    /// Length of an epoch in blocks (takes effect at the next epoch boundary).
    pub epoch_length: u32,
    /// A provider's usage reward for a credit is at most this share of the tokens burned to buy
    /// that credit. Below 100%, so that buying compute from oneself never pays.
    pub usage_reward_cap: Perbill,
    /// Share of transaction fees burned; the rest goes to the treasury.
    pub fee_burn_share: Perbill,
    /// A price submission older than this many blocks is stale.
    pub price_max_age: u32,
    /// Fewer fresh price submissions than this and credits cannot be bought.
    pub min_price_feeds: u32,
    /// Blocks between a provider's `leave` and the release of its bond.
    pub unbonding_period: u32,
    /// Smallest bond a provider may register with.
    pub min_provider_bond: Amount,
}

/// Bounds that no parameter set may cross, fixed by the runtime.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HardLimits {
    /// Hard cap on the emission per block.
    pub max_emission_per_block: Amount,
    /// Longest allowed epoch, in blocks.
    pub max_epoch_length: u32,
    /// Largest allowed `usage_reward_cap` (strictly below 100%).
    pub max_usage_reward_cap: Perbill,
}

/// Why a parameter set was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum ParameterError {
    /// The ecosystem, usage and availability shares do not add up to 100%.
    SharesNotWhole,
    /// `min_emission_per_block` is above `max_emission_per_block`.
    FloorAboveCeiling,
    /// `max_emission_per_block` is above the runtime's hard cap.
    AboveHardCap,
    /// `epoch_length` is zero or above the runtime's maximum.
    BadEpochLength,
    /// `usage_reward_cap` is not below the runtime's maximum (itself below 100%).
    RewardCapTooHigh,
    /// `min_price_feeds` or `price_max_age` is zero.
    BadPriceSettings,
    /// The controller's smoothing is zero (the average would never move).
    BadSmoothing,
}

impl Parameters {
    /// Checks the set as a whole against itself and against the runtime's hard limits.
    pub fn validate(&self, limits: &HardLimits) -> Result<(), ParameterError> {
        let shares = (self.ecosystem_share.deconstruct() as u64)
            + (self.usage_share.deconstruct() as u64)
            + (self.availability_share.deconstruct() as u64);
        if shares != Perbill::one().deconstruct() as u64 {
            return Err(ParameterError::SharesNotWhole);
        }
        if self.min_emission_per_block > self.max_emission_per_block {
            return Err(ParameterError::FloorAboveCeiling);
        }
        if self.max_emission_per_block > limits.max_emission_per_block {
            return Err(ParameterError::AboveHardCap);
        }
        if self.epoch_length == 0 || self.epoch_length > limits.max_epoch_length {
            return Err(ParameterError::BadEpochLength);
        }
        if self.usage_reward_cap > limits.max_usage_reward_cap
            || self.usage_reward_cap == Perbill::one()
        {
            return Err(ParameterError::RewardCapTooHigh);
        }
        if self.min_price_feeds == 0 || self.price_max_age == 0 {
            return Err(ParameterError::BadPriceSettings);
        }
        if let ControllerMode::BurnIndexed { smoothing, .. } = self.mode {
            if smoothing.is_zero() {
                return Err(ParameterError::BadSmoothing);
            }
        }
        Ok(())
    }
}

/// The controller's memory between epochs.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct ControllerState {
    /// The emission per block in force.
    pub emission_per_block: Amount,
    /// The schedule's target (fixed-decay mode): decays every epoch, independent of ramping.
    pub scheduled_target: Amount,
    /// Exponential moving average of the burn per epoch.
    pub smoothed_burn_per_epoch: Amount,
}

/// What the controller saw of the epoch that just closed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct EpochObservation {
    /// Tokens burned in the epoch (credits, fees, slashes, unallocated rewards).
    pub burned: Amount,
    /// Total issuance at the close of the epoch.
    pub total_issuance: Amount,
    /// Number of blocks in the next epoch.
    pub next_epoch_length: u32,
}

/// Moves `current` toward `target` by at most `max_step` of `current` (at least one planck,
/// so that an emission of zero can still start moving).
pub fn ramp(current: Amount, target: Amount, max_step: Perbill) -> Amount {
    let step = (max_step * current).max(1);
    if target > current {
        current.saturating_add(step).min(target)
    } else {
        current.saturating_sub(step).max(target)
    }
}

/// The controller: the state for the next epoch, given the state now, the parameters that
/// will be in force, the hard supply cap and what was observed in the closed epoch.
///
/// The target is clamped into the governance band `[min, max]`; the emission then moves toward
/// it by at most `max_step_per_epoch` of the current emission, *also* after a parameter change
/// that moved the band: a referendum that raises the floor tenfold makes emission climb one
/// step per epoch, never jump (until it is back in the band it may sit outside it, but always
/// below the runtime's hard cap, which the caller applies). The emission never schedules more
/// for the next epoch than the room left below `max_total_supply`.
pub fn next_controller_state(
    state: ControllerState,
    params: &Parameters,
    observed: EpochObservation,
    max_total_supply: Option<Amount>,
) -> ControllerState {
    let smoothed = match params.mode {
        ControllerMode::BurnIndexed { smoothing, .. } => {
            // ema' = ema + smoothing * (burn - ema), computed without signed arithmetic.
            if observed.burned >= state.smoothed_burn_per_epoch {
                state
                    .smoothed_burn_per_epoch
                    .saturating_add(smoothing * (observed.burned - state.smoothed_burn_per_epoch))
            } else {
                state
                    .smoothed_burn_per_epoch
                    .saturating_sub(smoothing * (state.smoothed_burn_per_epoch - observed.burned))
            }
        }
        ControllerMode::FixedDecay { .. } => observed.burned,
    };
    let (target, scheduled_target) = match params.mode {
        ControllerMode::FixedDecay { decay } => {
            let next = state
                .scheduled_target
                .saturating_sub(decay * state.scheduled_target);
            (next, next)
        }
        ControllerMode::BurnIndexed {
            target_inflation_per_epoch,
            ..
        } => {
            let per_epoch =
                smoothed.saturating_add(target_inflation_per_epoch * observed.total_issuance);
            let blocks = observed.next_epoch_length.max(1) as Amount;
            (per_epoch / blocks, state.scheduled_target)
        }
    };
    let target = target.clamp(params.min_emission_per_block, params.max_emission_per_block);
    let mut emission = ramp(state.emission_per_block, target, params.max_step_per_epoch);
    if let Some(cap) = max_total_supply {
        let room = cap.saturating_sub(observed.total_issuance);
        let blocks = observed.next_epoch_length.max(1) as Amount;
        emission = emission.min(room / blocks);
    }
    ControllerState {
        emission_per_block: emission,
        scheduled_target,
        smoothed_burn_per_epoch: smoothed,
    }
}

/// One block's emission, split by the parameter shares.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct EmissionSplit {
    /// To the ecosystem treasury.
    pub ecosystem: Amount,
    /// Accrues to the epoch's usage pool.
    pub usage: Amount,
    /// Paid out through the availability accumulator.
    pub availability: Amount,
}

impl EmissionSplit {
    /// The whole emission (the three parts add up to it exactly).
    pub fn total(&self) -> Amount {
        self.ecosystem
            .saturating_add(self.usage)
            .saturating_add(self.availability)
    }
}

/// Splits `emission` by the shares. The availability share takes the rounding remainder, so the
/// three parts always add up to exactly `emission`.
pub fn split_emission(emission: Amount, params: &Parameters) -> EmissionSplit {
    let ecosystem = params.ecosystem_share * emission;
    let usage = params.usage_share * emission;
    let availability = emission.saturating_sub(ecosystem).saturating_sub(usage);
    EmissionSplit {
        ecosystem,
        usage,
        availability,
    }
}

/// Credits bought by burning `tokens` at `price` (stable units per whole token), where one
/// whole token is `token_unit` and one stable unit buys `credits_per_unit` credits. Rounds
/// down. `None` if the result does not fit.
pub fn credits_for_tokens(
    tokens: Amount,
    price: FixedU128,
    token_unit: Amount,
    credits_per_unit: u128,
) -> Option<Credits> {
    // stable value (in token plancks' terms) = tokens * price, then scale to credits.
    let value = price.checked_mul_int(tokens)?;
    multiply_by_rational_with_rounding(value, credits_per_unit, token_unit.max(1), Rounding::Down)
}

/// Median of a non-empty set of prices (the lower middle for an even count, so that a single
/// high outlier can never raise the price). `None` for an empty set.
pub fn median_price(prices: &mut [FixedU128]) -> Option<FixedU128> {
    if prices.is_empty() {
        return None;
    }
    prices.sort();
    Some(prices[(prices.len() - 1) / 2])
}

/// The token value of `credits` out of a credit balance of `balance` credits whose tokens
/// burned at purchase add up to `basis`. Rounds down.
pub fn basis_of(credits: Credits, balance: Credits, basis: Amount) -> Amount {
    if balance.is_zero() {
        return 0;
    }
    multiply_by_rational_with_rounding(basis, credits.min(balance), balance, Rounding::Down)
        .unwrap_or(0)
}

/// Reward-per-point accumulator increment for distributing `amount` over `points`.
/// Rounds down, so the rewards it creates never add up to more than `amount`.
pub fn accumulator_increment(amount: Amount, points: u128) -> FixedU128 {
    if points.is_zero() {
        return FixedU128::zero();
    }
    FixedU128::checked_from_rational(amount, points).unwrap_or(FixedU128::from_inner(u128::MAX))
}

/// Reward earned by `points` while the accumulator moved from `snapshot` to `index`.
/// Rounds down.
pub fn accrued(points: u128, snapshot: FixedU128, index: FixedU128) -> Amount {
    index.saturating_sub(snapshot).saturating_mul_int(points)
}

/// Availability points of a provider: capacity weighted by reputation.
pub fn availability_points(capacity: u32, reputation: Permill) -> u128 {
    (capacity as u128).saturating_mul(reputation.deconstruct() as u128)
}

/// The books of an epoch's usage pool, kept after the epoch closes so that providers can
/// settle their usage rewards lazily.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct UsagePool {
    /// Credits served in the epoch.
    pub credits: Credits,
    /// Tokens burned to buy those credits.
    pub basis: Amount,
    /// Tokens minted into the reward pot for them.
    pub minted: Amount,
    /// The reward cap in force when the epoch closed.
    pub cap: Perbill,
}

/// Closing an epoch's usage pool: of the `accrued` usage emission, only what can be allocated is
/// minted (`min(accrued, cap * basis)`, and nothing when no credits were served). Returns the
/// pool's books and the part that is never minted.
pub fn close_usage_pool(
    accrued: Amount,
    credits: Credits,
    basis: Amount,
    cap: Perbill,
) -> (UsagePool, Amount) {
    let minted = if credits.is_zero() {
        0
    } else {
        accrued.min(cap * basis)
    };
    (
        UsagePool {
            credits,
            basis,
            minted,
            cap,
        },
        accrued.saturating_sub(minted),
    )
}

/// A provider's usage reward for one closed epoch in which it served credits bought by burning
/// `basis` tokens: its share of the minted pool, pro rata to that basis. Rounds down.
///
/// Because the pool never mints more than `cap × pool.basis` ([`close_usage_pool`]), every
/// provider's reward is at most `cap × basis`: serving credits one bought oneself returns less
/// than one burned, whatever the other providers do. Nothing is left over to burn back.
pub fn settle_usage(pool: &UsagePool, basis: Amount) -> Amount {
    if pool.basis.is_zero() {
        return 0;
    }
    multiply_by_rational_with_rounding(
        pool.minted,
        basis.min(pool.basis),
        pool.basis,
        Rounding::Down,
    )
    .unwrap_or(0)
}

/// The open epoch's emission, accrued lazily.
///
/// Each block's emission is fixed for a whole epoch (the controller and the shares only change
/// at boundaries) and availability points only change in extrinsics, so nothing needs to be
/// written per block: [`EmissionAccrual::advance_to`] accounts for every block since
/// `updated_at` in one step, whenever points change, a reward is settled or the epoch closes.
/// The same block-by-block arithmetic would give exactly the same numbers (the per-block
/// accumulator increment is the same every block, so `n` of them are one multiplication).
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct EmissionAccrual<BlockNumber> {
    /// The emission of each block of the open epoch, split by the shares.
    pub per_block: EmissionSplit,
    /// Availability points of all active providers.
    pub total_points: u128,
    /// Availability reward per point since genesis, through block `updated_at`.
    pub index: FixedU128,
    /// The last block accounted for.
    pub updated_at: BlockNumber,
    /// Minted to the treasury in the open epoch.
    pub ecosystem: Amount,
    /// Accrued to the open epoch's usage pool (minted at the close, as far as it can be
    /// allocated).
    pub usage: Amount,
    /// Minted to the reward pot for availability in the open epoch.
    pub availability: Amount,
    /// Emission of the open epoch that was never minted (availability while no provider was
    /// online, blocks withheld by the supply cap).
    pub unminted: Amount,
}

impl<BlockNumber: AtLeast32BitUnsigned + Copy + Default> EmissionAccrual<BlockNumber> {
    /// What each block mints right away, as `(treasury's share, availability share)`: the
    /// availability share only while any provider is online. The usage share waits for the
    /// epoch's close.
    pub fn minted_per_block(&self) -> (Amount, Amount) {
        let availability = if self.total_points.is_zero() {
            0
        } else {
            self.per_block.availability
        };
        (self.per_block.ecosystem, availability)
    }

    /// The availability accumulator's increment of one block.
    fn increment(&self) -> FixedU128 {
        accumulator_increment(self.per_block.availability, self.total_points)
    }

    /// Accounts for blocks `(updated_at, now]`, each of which minted [`Self::minted_per_block`].
    pub fn advance_to(&mut self, now: BlockNumber) {
        if now <= self.updated_at {
            return;
        }
        let blocks: u128 = (now - self.updated_at).saturated_into();
        let times = |amount: Amount| amount.saturating_mul(blocks);
        self.ecosystem
            .saturating_accrue(times(self.per_block.ecosystem));
        self.usage.saturating_accrue(times(self.per_block.usage));
        if self.total_points.is_zero() {
            self.unminted
                .saturating_accrue(times(self.per_block.availability));
        } else {
            self.availability
                .saturating_accrue(times(self.per_block.availability));
            self.index = self
                .index
                .saturating_add(FixedU128::from_inner(times(self.increment().into_inner())));
        }
        self.updated_at = now;
    }

    /// The accumulator at `now`, without changing anything.
    pub fn index_at(&self, now: BlockNumber) -> FixedU128 {
        let mut copy = *self;
        copy.advance_to(now);
        copy.index
    }

    /// Block `now` minted nothing after all (no room below the supply cap): its whole
    /// emission counts as never minted, and the accumulator does not move for it.
    pub fn withhold_block(&mut self, now: BlockNumber) {
        self.advance_to(now.saturating_sub(One::one()));
        self.unminted.saturating_accrue(self.per_block.total());
        self.updated_at = self.updated_at.max(now);
    }

    /// Changes the online points from `now` on (blocks up to `now` were shared by the old
    /// points). Returns the accumulator at `now`.
    pub fn change_points(&mut self, now: BlockNumber, old: u128, new: u128) -> FixedU128 {
        self.advance_to(now);
        self.total_points = self.total_points.saturating_sub(old).saturating_add(new);
        self.index
    }

    /// Starts a new epoch after block `last`: returns the closed epoch's accrual (accounted
    /// through `last`) and continues with `per_block` and zeroed epoch amounts.
    pub fn close(&mut self, last: BlockNumber, per_block: EmissionSplit) -> Self {
        self.advance_to(last);
        let closed = *self;
        *self = Self {
            per_block,
            total_points: self.total_points,
            index: self.index,
            // `advance_to` never moves it back: at least `last`.
            updated_at: self.updated_at,
            ..Default::default()
        };
        closed
    }
}

/// One point of an emission path preview.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    Serialize,
    Deserialize,
)]
pub struct PathPoint {
    /// Epochs from now (1 = the next epoch).
    pub epoch: u32,
    /// Emission per block in that epoch.
    pub emission_per_block: Amount,
    /// Total issuance at the end of that epoch, under the assumed burn.
    pub total_issuance: Amount,
}

/// Previews the emission for `epochs` epochs under `params`, assuming `burn_per_epoch` is burned
/// every epoch. Runs the same controller as the chain.
pub fn preview_path(
    mut state: ControllerState,
    params: &Parameters,
    mut total_issuance: Amount,
    burn_per_epoch: Amount,
    max_total_supply: Option<Amount>,
    epochs: u32,
) -> alloc::vec::Vec<PathPoint> {
    let mut path = alloc::vec::Vec::with_capacity(epochs as usize);
    for epoch in 1..=epochs {
        state = next_controller_state(
            state,
            params,
            EpochObservation {
                burned: burn_per_epoch,
                total_issuance,
                next_epoch_length: params.epoch_length,
            },
            max_total_supply,
        );
        let minted = state
            .emission_per_block
            .saturating_mul(params.epoch_length as Amount);
        total_issuance = total_issuance
            .saturating_add(minted)
            .saturating_sub(burn_per_epoch);
        path.push(PathPoint {
            epoch,
            emission_per_block: state.emission_per_block,
            total_issuance,
        });
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Parameters {
        Parameters {
            ecosystem_share: Perbill::from_percent(20),
            usage_share: Perbill::from_percent(50),
            availability_share: Perbill::from_percent(30),
            min_emission_per_block: 10,
            max_emission_per_block: 1_000,
            max_step_per_epoch: Perbill::from_percent(10),
            mode: ControllerMode::FixedDecay {
                decay: Perbill::from_percent(1),
            },
            epoch_length: 10,
            usage_reward_cap: Perbill::from_percent(80),
            fee_burn_share: Perbill::from_percent(50),
            price_max_age: 100,
            min_price_feeds: 1,
            unbonding_period: 20,
            min_provider_bond: 100,
        }
    }

    fn limits() -> HardLimits {
        HardLimits {
            max_emission_per_block: 10_000,
            max_epoch_length: 1_000,
            max_usage_reward_cap: Perbill::from_percent(95),
        }
    }

    #[test]
    fn validate_accepts_good_and_names_each_bad_parameter() {
        assert_eq!(params().validate(&limits()), Ok(()));
        let bad = |f: fn(&mut Parameters)| {
            let mut p = params();
            f(&mut p);
            p.validate(&limits())
        };
        assert_eq!(
            bad(|p| p.usage_share = Perbill::from_percent(51)),
            Err(ParameterError::SharesNotWhole)
        );
        assert_eq!(
            bad(|p| p.min_emission_per_block = 2_000),
            Err(ParameterError::FloorAboveCeiling)
        );
        assert_eq!(
            bad(|p| p.max_emission_per_block = 20_000),
            Err(ParameterError::AboveHardCap)
        );
        assert_eq!(
            bad(|p| p.epoch_length = 0),
            Err(ParameterError::BadEpochLength)
        );
        assert_eq!(
            bad(|p| p.epoch_length = 1_001),
            Err(ParameterError::BadEpochLength)
        );
        assert_eq!(
            bad(|p| p.usage_reward_cap = Perbill::from_percent(96)),
            Err(ParameterError::RewardCapTooHigh)
        );
        assert_eq!(
            bad(|p| p.min_price_feeds = 0),
            Err(ParameterError::BadPriceSettings)
        );
        assert_eq!(
            bad(|p| p.mode = ControllerMode::BurnIndexed {
                smoothing: Perbill::zero(),
                target_inflation_per_epoch: Perbill::zero()
            }),
            Err(ParameterError::BadSmoothing)
        );
    }

    #[test]
    fn split_always_adds_up() {
        for emission in [0u128, 1, 7, 999, 1_000_003, u128::MAX] {
            let s = split_emission(emission, &params());
            assert_eq!(s.ecosystem + s.usage + s.availability, emission);
        }
    }

    #[test]
    fn ramp_is_bounded_by_the_step() {
        assert_eq!(ramp(100, 1_000, Perbill::from_percent(10)), 110);
        assert_eq!(ramp(100, 105, Perbill::from_percent(10)), 105);
        assert_eq!(ramp(100, 0, Perbill::from_percent(10)), 90);
        assert_eq!(ramp(0, 50, Perbill::from_percent(10)), 1);
    }

    #[test]
    fn fixed_decay_decays_and_respects_floor() {
        let mut p = params();
        p.max_step_per_epoch = Perbill::one();
        let s = ControllerState {
            emission_per_block: 500,
            scheduled_target: 500,
            ..Default::default()
        };
        let obs = EpochObservation {
            burned: 0,
            total_issuance: 1_000_000,
            next_epoch_length: 10,
        };
        let n = next_controller_state(s, &p, obs, None);
        assert_eq!(n.emission_per_block, 495);
        p.mode = ControllerMode::FixedDecay {
            decay: Perbill::from_percent(99),
        };
        let n = next_controller_state(s, &p, obs, None);
        assert_eq!(n.emission_per_block, p.min_emission_per_block);
    }

    #[test]
    fn burn_indexed_follows_smoothed_burn_within_step_and_supply_cap() {
        let mut p = params();
        p.mode = ControllerMode::BurnIndexed {
            smoothing: Perbill::from_percent(50),
            target_inflation_per_epoch: Perbill::zero(),
        };
        let s = ControllerState {
            emission_per_block: 100,
            scheduled_target: 0,
            smoothed_burn_per_epoch: 1_000,
        };
        // Burn of 3_000 per epoch: EMA -> 2_000, target 200 per block, ramped by 10% -> 110.
        let obs = EpochObservation {
            burned: 3_000,
            total_issuance: 1_000_000,
            next_epoch_length: 10,
        };
        let n = next_controller_state(s, &p, obs, None);
        assert_eq!(n.smoothed_burn_per_epoch, 2_000);
        assert_eq!(n.emission_per_block, 110);
        // A supply cap 500 above issuance allows 50 per block over 10 blocks.
        let n = next_controller_state(s, &p, obs, Some(1_000_500));
        assert_eq!(n.emission_per_block, 50);
        let n = next_controller_state(s, &p, obs, Some(999_999));
        assert_eq!(n.emission_per_block, 0);
    }

    #[test]
    fn credits_and_basis_round_down() {
        // Price 0.5 stable units per token of 1_000 plancks, 1_000 credits per unit:
        // 2_001 plancks = 2.001 tokens = 1.0005 units = 1_000.5 credits -> 1_000.
        let price = FixedU128::from_rational(1, 2);
        assert_eq!(credits_for_tokens(2_001, price, 1_000, 1_000), Some(1_000));
        assert_eq!(
            credits_for_tokens(u128::MAX, FixedU128::from(2), 1, 1),
            None
        );
        assert_eq!(basis_of(1, 3, 100), 33);
        assert_eq!(basis_of(3, 3, 100), 100);
        assert_eq!(basis_of(5, 0, 100), 0);
    }

    #[test]
    fn median_is_robust_to_one_outlier() {
        let mut prices = [
            FixedU128::from(1),
            FixedU128::from(1_000),
            FixedU128::from(2),
        ];
        assert_eq!(median_price(&mut prices), Some(FixedU128::from(2)));
        let mut even = [
            FixedU128::from(4),
            FixedU128::from(1_000),
            FixedU128::from(2),
            FixedU128::from(3),
        ];
        assert_eq!(median_price(&mut even), Some(FixedU128::from(3)));
        assert_eq!(median_price(&mut []), None);
    }

    #[test]
    fn usage_pool_never_pays_more_than_cap_times_basis() {
        // 1_000 accrued; 100 credits served, bought for 500 tokens; cap 80% -> 400 minted.
        let cap = Perbill::from_percent(80);
        let (pool, unminted) = close_usage_pool(1_000, 100, 500, cap);
        assert_eq!((pool.minted, unminted), (400, 600));
        // A provider whose served credits were bought for 100 of the 500 tokens gets a fifth,
        // 80 = cap × its basis: self-dealing returns 80 for 100 burned.
        assert_eq!(settle_usage(&pool, 100), 80);
        assert_eq!(settle_usage(&pool, 100), cap * 100);
        // The shares add up to no more than the pool.
        assert!(settle_usage(&pool, 333) + settle_usage(&pool, 167) <= pool.minted);
        // A small pool (nothing capped): still pro rata to the basis.
        let (pool, unminted) = close_usage_pool(100, 100, 500, cap);
        assert_eq!((pool.minted, unminted), (100, 0));
        assert_eq!(settle_usage(&pool, 250), 50);
        // Nobody served anything: nothing minted, nothing paid.
        let (pool, unminted) = close_usage_pool(1_000, 0, 0, cap);
        assert_eq!((pool.minted, unminted), (0, 1_000));
        assert_eq!(settle_usage(&pool, 0), 0);
    }

    fn accrual(points: u128) -> EmissionAccrual<u32> {
        EmissionAccrual {
            per_block: split_emission(1_000, &params()),
            total_points: points,
            updated_at: 10,
            ..Default::default()
        }
    }

    #[test]
    fn lazy_accrual_equals_block_by_block() {
        let mut lazy = accrual(7);
        let mut eager = accrual(7);
        for block in 11..=40u32 {
            eager.advance_to(block);
        }
        lazy.advance_to(40);
        assert_eq!(lazy, eager);
        assert_eq!(
            (lazy.ecosystem, lazy.usage, lazy.availability, lazy.unminted),
            (6_000, 15_000, 9_000, 0)
        );
        // 30 blocks × floor(300 / 7 per point): 7 points never earn more than was minted.
        assert!(accrued(7, FixedU128::zero(), lazy.index) <= lazy.availability);
        assert!(accrued(7, FixedU128::zero(), lazy.index) > lazy.availability - 30);
        // Going back in time changes nothing; the read-only view agrees.
        let before = lazy;
        lazy.advance_to(20);
        assert_eq!(lazy, before);
        assert_eq!(lazy.index_at(50), {
            let mut l = lazy;
            l.advance_to(50);
            l.index
        });
    }

    #[test]
    fn availability_without_points_is_never_minted_and_points_change_from_now_on() {
        let mut a = accrual(0);
        assert_eq!(a.minted_per_block(), (200, 0));
        let index = a.change_points(15, 0, 100);
        assert_eq!(index, FixedU128::zero());
        assert_eq!((a.availability, a.unminted), (0, 5 * 300));
        assert_eq!(a.minted_per_block(), (200, 300));
        a.advance_to(20);
        assert_eq!(a.availability, 5 * 300);
        assert_eq!(a.index, FixedU128::from(15));
        // Leaving again: the next blocks' availability is unminted.
        a.change_points(20, 100, 0);
        a.advance_to(22);
        assert_eq!((a.availability, a.unminted), (1_500, 2_100));
    }

    #[test]
    fn withheld_blocks_count_as_unminted_and_pay_nothing() {
        let mut a = accrual(10);
        a.advance_to(12);
        let paid = a;
        a.withhold_block(13);
        assert_eq!(a.index, paid.index);
        assert_eq!(
            (a.ecosystem, a.usage, a.availability, a.unminted),
            (paid.ecosystem, paid.usage, paid.availability, 1_000)
        );
        assert_eq!(a.updated_at, 13);
        // The next block pays again.
        a.advance_to(14);
        assert_eq!(a.availability, paid.availability + 300);
        assert_eq!(a.unminted, 1_000);
    }

    #[test]
    fn close_returns_the_epoch_and_keeps_the_accumulator() {
        let mut a = accrual(10);
        let next = split_emission(2_000, &params());
        let closed = a.close(19, next);
        assert_eq!(closed.ecosystem, 9 * 200);
        assert_eq!(closed.updated_at, 19);
        assert_eq!(
            (a.ecosystem, a.usage, a.availability, a.unminted),
            (0, 0, 0, 0)
        );
        assert_eq!(
            (a.index, a.total_points, a.updated_at),
            (closed.index, 10, 19)
        );
        assert_eq!(a.per_block, next);
    }

    #[test]
    fn accumulator_never_overpays() {
        let inc = accumulator_increment(1_000, 3);
        let total = accrued(1, FixedU128::zero(), inc) * 3;
        assert!(total <= 1_000);
        assert!(total >= 997);
        assert_eq!(accumulator_increment(1_000, 0), FixedU128::zero());
    }

    #[test]
    fn preview_matches_controller() {
        let p = params();
        let s = ControllerState {
            emission_per_block: 500,
            scheduled_target: 500,
            ..Default::default()
        };
        let path = preview_path(s, &p, 1_000_000, 0, None, 3);
        assert_eq!(path.len(), 3);
        assert_eq!(path[0].emission_per_block, 495);
        assert_eq!(path[0].total_issuance, 1_000_000 + 4_950);
    }
}
