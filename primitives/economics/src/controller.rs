//! The supply controller: at each epoch boundary it chooses the next epoch's emission per
//! block ([`next_controller_state`]), and [`next_emission`] keeps that choice within the
//! runtime's hard limits.
//!
//! # A choice without a memory of its own
//!
//! The controller's choice is a function of things a burn cannot buy a lead in:
//!
//! ```text
//! choice = min(max(target, floor), ceiling)
//! target = base + burn average + handed-over memory - held back
//! base   = inflation term          (burn-indexed mode)
//!        = the decaying schedule   (fixed-decay mode)
//! ```
//!
//! `floor` and `ceiling` are the **band in force**: each edge moves toward the governance
//! band (`min_emission_per_block`, `max_emission_per_block`) by at most `max_step_per_epoch` of
//! itself an epoch, from where it was, whatever was burned. A referendum that raises the floor
//! tenfold therefore lifts the emission by at most a step an epoch, as before; but the choice
//! keeps no ramp of its own, so a burn that raised the choice in one epoch does not keep it
//! ahead in the next (a ramp whose step is a fraction of its own value compounds any lead a
//! burn gave it for as long as it climbs: 5.8x a burn's value in the test
//! `a_burn_before_a_floor_raise_returns_less_than_it_burned` before this design).
//!
//! # A referendum moves the memory, never the level
//!
//! What the controller remembers of burns is in two parts: the **burn average**, which follows
//! burns at the smoothing in force, and the **handed-over memory**, burns remembered under
//! earlier parameters and re-emitted at their own decay. A referendum that lowers the
//! smoothing hands the average over at the rate it was remembered at (so it is re-emitted
//! exactly as it would have been), one that raises the availability share hands the whole
//! memory over at a faster decay (so the availability pool gets no more of it than before),
//! and a change of the inflation term or a mode switch is absorbed by the average (the rest,
//! when the average cannot absorb a rise, is **held back** and released at the smoothing). The
//! target is therefore the same just before and just after any referendum with the same epoch
//! length ([`transition`]); an epoch-length change keeps it per epoch (the unit of the memory
//! is the block of the epoch in force).
//!
//! At genesis the band in force is closed at the initial emission
//! ([`ControllerState::at_genesis`])
//! and opens a step an epoch, so a new chain's emission moves at most `max_step_per_epoch` an
//! epoch while it finds its level.
//!
//! The choice is 1-Lipschitz in the smoothed burn: a net burn `N` that raises the average by
//! `s(1-s)^k · N / L` per block in the k-th epoch after it raises the choice by at most as
//! much, `N` in all over the following epochs, whatever the band does meanwhile. How fast a
//! *burn* moves emission is set by the smoothing `s` (at most `s` of the difference between
//! the epoch's burn and the average, per block); how fast a *referendum* moves it by the step.

use crate::{Amount, ControllerMode, HardLimits, Parameters};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Perbill, Rounding};

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
    /// The emission per block in force: the controller's choice within the runtime's hard
    /// limits.
    pub emission_per_block: Amount,
    /// The controller's choice, before the hard limits: the target clamped into the band in
    /// force ([`ControllerState::choose`]). Equal to `emission_per_block` unless a hard limit
    /// holds the emission down (then the emission climbs back a step an epoch, see
    /// [`next_emission`]).
    pub choice: Amount,
    /// The lower edge of the band in force: moves toward `min_emission_per_block` by at most
    /// `max_step_per_epoch` of itself an epoch ([`ramp`]), independently of burns.
    pub floor: Amount,
    /// The upper edge of the band in force: moves toward `max_emission_per_block` the same way.
    pub ceiling: Amount,
    /// The schedule's target (fixed-decay mode): decays every epoch, independent of burns.
    pub scheduled_target: Amount,
    /// Exponential moving average of the net burn per epoch, expressed **per block of the
    /// epoch in force** (the average per epoch divided by the epoch length). An epoch-length
    /// change rescales it ([`transition`]) so that what it remembers is re-emitted once,
    /// whatever the length of the epochs that follow: with constant epochs of `L` blocks, a
    /// net burn `N` adds `s(1-s)^k · N / L` per block in the k-th epoch after it, `N` in all.
    /// In fixed-decay mode it keeps decaying toward zero at `smoothing` and adds to the
    /// schedule, so that burns made before a switch to fixed decay are re-emitted once, not
    /// frozen into the schedule.
    pub smoothed_burn_per_block: Amount,
    /// The rate the average's memory decays at: the smoothing of the burn-indexed parameters
    /// in force (kept through fixed-decay epochs).
    pub smoothing: Perbill,
    /// Burn memory handed over by a referendum, per block of the epoch in force: what the
    /// average remembered when the smoothing was lowered or the availability share raised. It
    /// no longer follows burns; it decays by `legacy_decay` of itself an epoch (rounded up), so
    /// it is re-emitted once, at the rate it was remembered at or faster ([`transition`]).
    pub legacy_burn_per_block: Amount,
    /// The rate [`ControllerState::legacy_burn_per_block`] decays at.
    pub legacy_decay: Perbill,
    /// Emission per block held back from the target: the part of a raised base (inflation
    /// term, or a schedule given up for a lower inflation term) the average could not absorb
    /// at the referendum. Released by `smoothing` of itself an epoch (at least a planck), so
    /// the target climbs to the new base at the smoothing rate instead of jumping.
    pub held_back_per_block: Amount,
}

impl ControllerState {
    /// A chain's controller at genesis (or when governance first configures an inert pallet):
    /// at `emission` per block under `params`, with the band in force closed at `emission`.
    /// Its edges then open toward the parameters' band by at most a step of themselves an
    /// epoch, so the emission leaves its starting value by at most `max_step_per_epoch` an
    /// epoch, whatever the first epochs burn (exogenously: no burn can buy a lead in it).
    pub fn at_genesis(emission: Amount, params: &Parameters) -> Self {
        Self {
            floor: emission,
            ceiling: emission,
            ..Self::starting_at(emission, params)
        }
    }

    /// A controller at `emission` per block that has run under `params` long enough for its
    /// band in force to be the parameters' band: the schedule starts at `emission`, no burn
    /// remembered.
    pub fn starting_at(emission: Amount, params: &Parameters) -> Self {
        Self {
            emission_per_block: emission,
            choice: emission,
            floor: params.min_emission_per_block,
            ceiling: params.max_emission_per_block,
            scheduled_target: emission,
            smoothed_burn_per_block: 0,
            smoothing: smoothing_of(params),
            legacy_burn_per_block: 0,
            legacy_decay: Perbill::zero(),
            held_back_per_block: 0,
        }
    }

    /// The target under `params`, before the band: the base (the schedule in fixed-decay mode,
    /// the inflation term in burn-indexed mode) plus both parts of the burn memory, less what
    /// is held back.
    pub fn target(
        &self,
        params: &Parameters,
        total_issuance: Amount,
        limits: &HardLimits,
    ) -> Amount {
        base_of(self, params, total_issuance, limits)
            .saturating_add(self.smoothed_burn_per_block)
            .saturating_add(self.legacy_burn_per_block)
            .saturating_sub(self.held_back_per_block)
    }

    /// Adds `amount` of burn memory decaying at `rate` to the handed-over memory. Two
    /// memories with different rates are kept as one at the faster rate (the larger): it
    /// re-emits less than the two would have, never more.
    fn hand_over(&mut self, amount: Amount, rate: Perbill) {
        if amount == 0 {
            return;
        }
        self.legacy_decay = if self.legacy_burn_per_block == 0 {
            rate
        } else {
            self.legacy_decay.max(rate)
        };
        self.legacy_burn_per_block = self.legacy_burn_per_block.saturating_add(amount);
    }

    /// A base that moves from `from` to `to` at a referendum, absorbed so that the target does
    /// not move: a fall first releases what is held back, then adds to the average; a rise
    /// first takes from the average, then is held back.
    fn absorb(&mut self, from: Amount, to: Amount) {
        if from >= to {
            let fall = from - to;
            let released = fall.min(self.held_back_per_block);
            self.held_back_per_block -= released;
            self.smoothed_burn_per_block =
                self.smoothed_burn_per_block.saturating_add(fall - released);
        } else {
            let rise = to - from;
            let taken = rise.min(self.smoothed_burn_per_block);
            self.smoothed_burn_per_block -= taken;
            self.held_back_per_block = self.held_back_per_block.saturating_add(rise - taken);
        }
    }

    /// The controller's choice under `params` before the hard limits: the target clamped into
    /// the band in force. `total_issuance` feeds the inflation term of the burn-indexed mode
    /// ([`inflation_per_block`]).
    pub fn choose(
        &self,
        params: &Parameters,
        total_issuance: Amount,
        limits: &HardLimits,
    ) -> Amount {
        let target = self.target(params, total_issuance, limits);
        // `max` then `min` rather than `clamp`, which panics on a crossed band; the edges
        // never cross (each moves monotonically toward a band with min <= max), and if they
        // ever did the ceiling would win.
        target.max(self.floor).min(self.ceiling)
    }
}

/// What the controller saw of the epoch that just closed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct EpochObservation {
    /// Net burn of the epoch ([`crate::EpochBooks::net_burn`]): burned for credits, from fees
    /// and from slashes, less the usage rewards minted for it.
    pub burned: Amount,
    /// Number of blocks in the closed epoch (for the record: the controller averages the
    /// burn per block of the next epoch, see `next_epoch_length`).
    pub epoch_length: u32,
    /// Total issuance at the close of the epoch.
    pub total_issuance: Amount,
    /// Number of blocks in the next epoch: the burn is averaged per block of the next epoch,
    /// the unit of [`ControllerState::smoothed_burn_per_block`] once [`transition`] has run.
    pub next_epoch_length: u32,
}

/// Moves `current` toward `target` by at most `max_step` of `current` (at least one planck,
/// so that an edge at zero can still start moving).
pub fn ramp(current: Amount, target: Amount, max_step: Perbill) -> Amount {
    let step = (max_step * current).max(1);
    if target > current {
        current.saturating_add(step).min(target)
    } else {
        current.saturating_sub(step).max(target)
    }
}

/// The inflation term of the burn-indexed target, per block: `target_inflation_per_year` of
/// `total_issuance` spread over the runtime's year (`limits.blocks_per_year`), rounded down.
/// It does not depend on the epoch length, so a referendum that changes the length leaves the
/// yearly inflation where it was.
pub fn inflation_per_block(
    params: &Parameters,
    total_issuance: Amount,
    limits: &HardLimits,
) -> Amount {
    match params.mode {
        ControllerMode::BurnIndexed {
            target_inflation_per_year,
            ..
        } => (target_inflation_per_year * total_issuance) / limits.blocks_per_year.max(1) as Amount,
        ControllerMode::FixedDecay { .. } => 0,
    }
}

/// The base of the target under `params`: the schedule (fixed decay) or the inflation term
/// (burn-indexed).
fn base_of(
    state: &ControllerState,
    params: &Parameters,
    total_issuance: Amount,
    limits: &HardLimits,
) -> Amount {
    match params.mode {
        ControllerMode::FixedDecay { .. } => state.scheduled_target,
        ControllerMode::BurnIndexed { .. } => inflation_per_block(params, total_issuance, limits),
    }
}

/// The smoothing of `params` (zero in fixed-decay mode).
fn smoothing_of(params: &Parameters) -> Perbill {
    match params.mode {
        ControllerMode::BurnIndexed { smoothing, .. } => smoothing,
        ControllerMode::FixedDecay { .. } => Perbill::zero(),
    }
}

/// `value × numerator / denominator`, rounded down; `Amount::MAX` for a result above it (the
/// average is then at the top of its range) and `value` for a zero denominator.
fn rescale(value: Amount, numerator: u128, denominator: u128) -> Amount {
    if denominator == 0 {
        return value;
    }
    multiply_by_rational_with_rounding(value, numerator, denominator, Rounding::Down)
        .unwrap_or(Amount::MAX)
}

/// `amount` of burn memory made under `from`, weighed for the availability share of `to`:
/// scaled by `from / to` when `to` raises the availability share, unchanged otherwise. A burn
/// whose buyer could take `a` of the emission it induces is then never paid back at a larger
/// `a` (the burn of the epoch whose close applies the change, [`crate::plan_epoch_close`]; the
/// memory of earlier burns is handed over at a faster decay instead, [`faster_decay`]).
pub fn weigh_for_availability(amount: Amount, from: &Parameters, to: &Parameters) -> Amount {
    if to.availability_share > from.availability_share {
        rescale(
            amount,
            from.availability_share.deconstruct() as u128,
            to.availability_share.deconstruct() as u128,
        )
    } else {
        amount
    }
}

/// The decay that re-emits `from / to` of what a memory decaying at `rate` re-emits: a memory
/// `M` decaying at `r` an epoch re-emits `M·L·(1-r)/r` after the current epoch, so
/// `(1-r')/r' = (from/to)·(1-r)/r`, that is `r' = r·to / (r·to + from·(1-r))`, rounded up (a
/// faster decay re-emits less). With `from = 0` the memory is dropped at the next boundary.
/// `to` is the larger share (an availability share that rises from `from` to `to`).
pub fn faster_decay(rate: Perbill, from: Perbill, to: Perbill) -> Perbill {
    let one = Perbill::one().deconstruct() as u128;
    let (r, from, to) = (
        rate.deconstruct() as u128,
        from.deconstruct() as u128,
        to.deconstruct() as u128,
    );
    let numerator = r * to;
    let denominator = numerator + from * (one - r);
    if denominator == 0 {
        return rate;
    }
    let parts = multiply_by_rational_with_rounding(numerator, one, denominator, Rounding::Up)
        .unwrap_or(one)
        .min(one);
    Perbill::from_parts(parts as u32).max(rate)
}

/// The controller's state when a referendum's parameters take over from `from` at an epoch
/// boundary. The target under `to` is the target under `from` (same epoch length); what the
/// memory of burns re-emits is never more than it would have under `from`:
///
/// - **epoch length changes**: both parts of the memory are rescaled from blocks of the old
///   epoch to blocks of the new one (`× old / new`, rounded down), so the memory *per epoch*
///   is unchanged. Without it a burn counted over 1-day epochs would be re-emitted at the same
///   rate per block over 30-day epochs, thirty times over. (The inflation term is per block
///   already and needs no rescale.)
/// - **availability share raised**: the average and the handed-over memory are handed over
///   at a faster decay ([`faster_decay`] with `old / new`): the level stays, but what the
///   availability pool receives of them in all is not raised (a burn made while its buyer
///   could take `a` of the emission it induces is never paid back at a larger `a`; the epoch
///   plan weighs the closing epoch's burn by `old / new`, [`weigh_for_availability`]);
/// - **smoothing lowered**: the average is handed over at the old smoothing, so it is
///   re-emitted exactly as it would have been, and the average starts again from zero at the
///   new smoothing; without it a smoothing lowered to one part per billion would re-emit the
///   last epochs' burns for ever. A smoothing raised re-emits the average faster, and less of
///   it: it stays in the average;
/// - **to fixed decay**: the schedule starts at the base in force (the inflation term, or the
///   schedule), the memory keeps decaying on top of it: the target is continuous and what the
///   memory holds is re-emitted once instead of being frozen into a schedule that may never
///   decay;
/// - **to burn-indexed**: the change of base (inflation term, or schedule to inflation term)
///   is absorbed: a fall adds to the average (after releasing what is held back), a rise takes
///   from the average and holds back the rest; the target then moves to the new base at the
///   smoothing rate.
///
/// The band in force is not touched: its edges move toward the new band a step an epoch in
/// [`next_controller_state`]. With the same parameters on both sides, nothing changes.
pub fn transition(
    state: ControllerState,
    from: &Parameters,
    to: &Parameters,
    total_issuance: Amount,
    limits: &HardLimits,
) -> ControllerState {
    let mut state = state;
    let base_from = base_of(&state, from, total_issuance, limits);
    if from.epoch_length != to.epoch_length {
        let (old, new) = (
            from.epoch_length.max(1) as u128,
            to.epoch_length.max(1) as u128,
        );
        state.smoothed_burn_per_block = rescale(state.smoothed_burn_per_block, old, new);
        state.legacy_burn_per_block = rescale(state.legacy_burn_per_block, old, new);
    }
    if to.availability_share > from.availability_share {
        let (a_from, a_to) = (from.availability_share, to.availability_share);
        state.legacy_decay = faster_decay(state.legacy_decay, a_from, a_to);
        let average = core::mem::take(&mut state.smoothed_burn_per_block);
        state.hand_over(average, faster_decay(state.smoothing, a_from, a_to));
    }
    match to.mode {
        ControllerMode::FixedDecay { .. } => state.scheduled_target = base_from,
        ControllerMode::BurnIndexed { smoothing, .. } => {
            if smoothing < state.smoothing {
                let average = core::mem::take(&mut state.smoothed_burn_per_block);
                state.hand_over(average, state.smoothing);
            }
            state.smoothing = smoothing;
            state.absorb(base_from, inflation_per_block(to, total_issuance, limits));
        }
    }
    state
}

/// The controller: the state for the next epoch, given the state now, the parameters that
/// will be in force and what was observed in the closed epoch (see the module docs):
///
/// 1. the burn average moves toward the closed epoch's net burn per block of the next epoch
///    by `smoothing` of the difference (burn-indexed mode), or the schedule decays (fixed
///    decay); the handed-over memory decays at its own rate and what is held back is
///    released at the smoothing;
/// 2. each edge of the band in force moves toward the parameters' edge by at most
///    `max_step_per_epoch` of itself, whatever was burned;
/// 3. the choice is the target clamped into the band in force.
///
/// The runtime's hard limits are applied by [`next_emission`], which the chain calls; the
/// returned `emission_per_block` is the choice.
pub fn next_controller_state(
    state: ControllerState,
    params: &Parameters,
    observed: EpochObservation,
    limits: &HardLimits,
) -> ControllerState {
    // Per block of the next epoch: the unit of the average (see `transition`).
    let burn_per_block = observed.burned / observed.next_epoch_length.max(1) as Amount;
    let mut next = state;
    match params.mode {
        ControllerMode::BurnIndexed { smoothing, .. } => {
            // ema' = ema + smoothing * (burn - ema), computed without signed arithmetic and
            // rounded in the protocol's favour: it rises by at most, and falls by at least,
            // the exact move, so that a burn is never remembered as more than it was.
            let ema = state.smoothed_burn_per_block;
            next.smoothed_burn_per_block = if burn_per_block >= ema {
                ema.saturating_add(smoothing.mul_floor(burn_per_block - ema))
            } else {
                ema.saturating_sub(smoothing.mul_ceil(ema - burn_per_block))
            };
            next.smoothing = smoothing;
        }
        // Burns are not followed in this mode: the schedule decays, and what the average
        // remembers of earlier burns decays toward zero at its smoothing (rounded down).
        ControllerMode::FixedDecay { decay } => {
            next.scheduled_target = state
                .scheduled_target
                .saturating_sub(decay * state.scheduled_target);
            next.smoothed_burn_per_block = state
                .smoothed_burn_per_block
                .saturating_sub(state.smoothing.mul_ceil(state.smoothed_burn_per_block));
        }
    }
    // The handed-over memory decays at its own rate (rounded up: re-emitted at most once);
    // what is held back is released at the smoothing (rounded down, at least a planck).
    next.legacy_burn_per_block = state
        .legacy_burn_per_block
        .saturating_sub(state.legacy_decay.mul_ceil(state.legacy_burn_per_block));
    let release = next
        .smoothing
        .mul_floor(state.held_back_per_block)
        .max(1)
        .min(state.held_back_per_block);
    next.held_back_per_block = state.held_back_per_block - release;
    next.floor = ramp(
        state.floor,
        params.min_emission_per_block,
        params.max_step_per_epoch,
    );
    next.ceiling = ramp(
        state.ceiling,
        params.max_emission_per_block,
        params.max_step_per_epoch,
    );
    next.choice = next.choose(params, observed.total_issuance, limits);
    next.emission_per_block = next.choice;
    next
}

/// The controller's choice for the next epoch within the runtime's hard limits: never above
/// the hard cap per block, and never more than the room left below the maximum total supply
/// spread over the next epoch's blocks. When a hard limit held the emission in force below
/// the choice, the emission climbs back to the choice by at most one step per epoch
/// (`max_step_per_epoch` of the choice, at least one planck) instead of jumping: a supply cap
/// that bound for a while does not turn into a jump when burns free room. Otherwise the
/// emission in force is the choice (no memory of its own, see the module docs). This is what
/// the chain, the preview and the simulator run.
pub fn next_emission(
    state: ControllerState,
    params: &Parameters,
    observed: EpochObservation,
    limits: &HardLimits,
) -> ControllerState {
    let mut next = next_controller_state(state, params, observed, limits);
    let mut emission = next.choice.min(limits.max_emission_per_block);
    if let Some(cap) = limits.max_total_supply {
        let room = cap.saturating_sub(observed.total_issuance);
        let blocks = observed.next_epoch_length.max(1) as Amount;
        emission = emission.min(room / blocks);
    }
    if state.emission_per_block < state.choice {
        // A hard limit held the emission down in the closed epoch: climb back by at most a
        // step of the choice.
        let step = (params.max_step_per_epoch * next.choice).max(1);
        emission = emission.min(state.emission_per_block.saturating_add(step));
    }
    next.emission_per_block = emission;
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_values::{limits, params};

    fn indexed(smoothing: u32, inflation: Perbill) -> ControllerMode {
        ControllerMode::BurnIndexed {
            smoothing: Perbill::from_percent(smoothing),
            target_inflation_per_year: inflation,
        }
    }

    fn observe(burned: Amount, total_issuance: Amount) -> EpochObservation {
        EpochObservation {
            burned,
            epoch_length: 10,
            total_issuance,
            next_epoch_length: 10,
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
        let s = ControllerState::starting_at(500, &p);
        let n = next_controller_state(s, &p, observe(0, 1_000_000), &limits());
        assert_eq!((n.emission_per_block, n.scheduled_target), (495, 495));
        p.mode = ControllerMode::FixedDecay {
            decay: Perbill::from_percent(99),
        };
        // The schedule falls to 5; the band in force holds the choice at the floor.
        let n = next_controller_state(s, &p, observe(0, 1_000_000), &limits());
        assert_eq!((n.scheduled_target, n.emission_per_block), (5, 10));
        assert_eq!(n.emission_per_block, p.min_emission_per_block);
    }

    #[test]
    fn burn_indexed_follows_the_smoothed_burn_within_the_band_and_the_supply_cap() {
        let p = Parameters {
            mode: indexed(50, Perbill::zero()),
            ..params()
        };
        let s = ControllerState {
            smoothed_burn_per_block: 100,
            ..ControllerState::starting_at(100, &p)
        };
        // A burn of 3_000 over 10 blocks: the average moves halfway from 100 to 300 per block,
        // and the choice follows it at once (the smoothing is the rate limit of burns).
        let n = next_emission(s, &p, observe(3_000, 1_000_000), &limits());
        assert_eq!(n.smoothed_burn_per_block, 200);
        assert_eq!((n.choice, n.emission_per_block), (200, 200));
        // A burn the band cannot hold: the ceiling (1_000) binds.
        let n = next_emission(s, &p, observe(100_000, 1_000_000), &limits());
        assert_eq!((n.smoothed_burn_per_block, n.choice), (5_050, 1_000));
        // A supply cap 500 above issuance allows 50 per block over 10 blocks.
        let capped = |cap| HardLimits {
            max_total_supply: Some(cap),
            ..limits()
        };
        let n = next_emission(s, &p, observe(3_000, 1_000_000), &capped(1_000_500));
        assert_eq!((n.emission_per_block, n.choice), (50, 200));
        let n = next_emission(s, &p, observe(3_000, 1_000_000), &capped(999_999));
        assert_eq!((n.emission_per_block, n.choice), (0, 200));
    }

    #[test]
    fn the_inflation_term_is_per_year_whatever_the_epoch_length() {
        // 3_650 blocks a year: 10% of 3_650_000 a year is 100 per block, for 10-block epochs
        // and for 1_000-block epochs alike.
        let p = |length| Parameters {
            mode: indexed(20, Perbill::from_percent(10)),
            epoch_length: length,
            ..params()
        };
        assert_eq!(inflation_per_block(&p(10), 3_650_000, &limits()), 100);
        assert_eq!(inflation_per_block(&p(1_000), 3_650_000, &limits()), 100);
        // Rounded down; nothing in fixed-decay mode.
        assert_eq!(inflation_per_block(&p(10), 3_649_000, &limits()), 99);
        assert_eq!(inflation_per_block(&params(), 3_650_000, &limits()), 0);
        // The target is the average plus the term.
        let s = ControllerState {
            smoothed_burn_per_block: 200,
            ..ControllerState::starting_at(300, &p(10))
        };
        assert_eq!(s.choose(&p(10), 3_650_000, &limits()), 300);
    }

    #[test]
    fn an_inflation_change_is_absorbed_by_the_average_and_phased_in_by_the_smoothing() {
        let p = |percent| Parameters {
            mode: indexed(20, Perbill::from_percent(percent)),
            ..params()
        };
        // 100 per block of inflation (10% a year of 3_650_000) on an average of 200.
        let s = ControllerState {
            smoothed_burn_per_block: 200,
            ..ControllerState::starting_at(300, &p(10))
        };
        // Raised to 20% a year (200 per block): the average gives up 100, the target stays
        // at 300, and the average then climbs back toward the burn at 20% an epoch.
        let raised = transition(s, &p(10), &p(20), 3_650_000, &limits());
        assert_eq!(raised.smoothed_burn_per_block, 100);
        assert_eq!(raised.choose(&p(20), 3_650_000, &limits()), 300);
        let n = next_controller_state(raised, &p(20), observe(2_000, 3_650_000), &limits());
        assert_eq!((n.smoothed_burn_per_block, n.choice), (120, 320));
        // Raised beyond what the average holds (to 40%: 400 per block): the average goes to
        // zero and the other 100 are held back, so the target stays at 300; they are released
        // at the smoothing, 20% an epoch (and the average climbs toward the burn).
        let far = transition(s, &p(10), &p(40), 3_650_000, &limits());
        assert_eq!(
            (far.smoothed_burn_per_block, far.held_back_per_block),
            (0, 100)
        );
        assert_eq!(far.choose(&p(40), 3_650_000, &limits()), 300);
        let n = next_controller_state(far, &p(40), observe(0, 3_650_000), &limits());
        assert_eq!((n.held_back_per_block, n.choice), (80, 320));
        // Lowered again before it is released: what is held back goes first.
        let back = transition(far, &p(40), &p(30), 3_650_000, &limits());
        assert_eq!(
            (back.smoothed_burn_per_block, back.held_back_per_block),
            (0, 0)
        );
        assert_eq!(back.choose(&p(30), 3_650_000, &limits()), 300);
        // Lowered: the average takes the difference, the target does not fall at once.
        let lowered = transition(s, &p(10), &p(0), 3_650_000, &limits());
        assert_eq!(lowered.smoothed_burn_per_block, 300);
        assert_eq!(transition(s, &p(10), &p(10), 3_650_000, &limits()), s);
    }

    #[test]
    fn a_band_change_moves_its_edges_a_step_an_epoch_whatever_is_burned() {
        let p = Parameters {
            mode: indexed(50, Perbill::zero()),
            ..params()
        };
        let raised = Parameters {
            min_emission_per_block: 5_000,
            max_emission_per_block: 5_000,
            ..p
        };
        let limits = HardLimits {
            max_emission_per_block: 100_000,
            ..limits()
        };
        // The average is at 100 per block; the band in force is [10, 1_000]. A referendum sets
        // [5_000, 5_000]: the floor climbs 10% of itself an epoch from 10, the ceiling from
        // 1_000; the choice is the average until the floor passes it, then the floor.
        let mut s = ControllerState {
            smoothed_burn_per_block: 100,
            ..ControllerState::starting_at(100, &p)
        };
        let mut path = alloc::vec::Vec::new();
        for _ in 0..30 {
            s = next_emission(s, &raised, observe(1_000, 1_000_000), &limits);
            path.push((s.floor, s.ceiling, s.emission_per_block));
        }
        assert_eq!(path[0], (11, 1_100, 100));
        assert_eq!(path[16], (46, 5_000, 100));
        assert_eq!(path[24], (99, 5_000, 100));
        assert_eq!(path[25], (109, 5_000, 109));
        assert_eq!(path[29], (159, 5_000, 159));
        // A burn in the same epochs does not change the band: the same path of edges with
        // ten times the burn.
        let mut t = ControllerState {
            smoothed_burn_per_block: 100,
            ..ControllerState::starting_at(100, &p)
        };
        for (epoch, &(floor, ceiling, _)) in path.iter().enumerate() {
            t = next_emission(t, &raised, observe(10_000, 1_000_000), &limits);
            assert_eq!((t.floor, t.ceiling), (floor, ceiling), "epoch {epoch}");
        }
    }

    #[test]
    fn a_supply_cap_that_binds_then_releases_lets_emission_climb_back_a_step_an_epoch() {
        let p = Parameters {
            min_emission_per_block: 500,
            max_emission_per_block: 500,
            ..params()
        };
        let obs = |issuance| observe(0, issuance);
        let limits = HardLimits {
            max_total_supply: Some(1_000_000),
            ..limits()
        };
        // The cap binds: 100 of room over 10 blocks.
        let s = next_emission(
            ControllerState::starting_at(500, &p),
            &p,
            obs(999_900),
            &limits,
        );
        assert_eq!((s.emission_per_block, s.choice), (10, 500));
        // Burns free room again: the choice is still 500, and the emission in force climbs
        // back to it by one step (10% of the choice) an epoch: 60, 110, ... 460, 500; it would
        // have jumped from 10 to 500 at once (x50).
        let mut s = s;
        let mut path = alloc::vec::Vec::new();
        for _ in 0..11 {
            s = next_emission(s, &p, obs(900_000), &limits);
            assert_eq!(s.choice, 500);
            path.push(s.emission_per_block);
        }
        assert_eq!(path, [60, 110, 160, 210, 260, 310, 360, 410, 460, 500, 500]);
    }

    #[test]
    fn an_epoch_length_change_rescales_the_burn_average_so_a_burn_is_re_emitted_once() {
        let p = |length| Parameters {
            mode: indexed(20, Perbill::zero()),
            min_emission_per_block: 0,
            max_emission_per_block: 1_000_000,
            epoch_length: length,
            ..params()
        };
        let limits = HardLimits {
            max_emission_per_block: 1_000_000,
            ..limits()
        };
        let (short, long) = (p(10), p(300));
        // The average remembers 200 per block of 10-block epochs: 2_000 an epoch.
        let s = ControllerState {
            smoothed_burn_per_block: 200,
            ..ControllerState::starting_at(200, &short)
        };
        // Same length: nothing changes. 10 -> 300 blocks: the same 2_000 an epoch is now
        // 6 per block (6.67 rounded down), and back.
        assert_eq!(transition(s, &short, &short, 0, &limits), s);
        let lengthened = transition(s, &short, &long, 0, &limits);
        assert_eq!(lengthened.smoothed_burn_per_block, 6);
        assert_eq!(
            transition(lengthened, &long, &short, 0, &limits).smoothed_burn_per_block,
            180
        );
        // A closed 10-block epoch that burned 2_000 (200 a block), observed for a 300-block
        // epoch: the average stays at 6 a block of the new epoch, not 200 (which would have
        // re-emitted the short epoch's burn thirty times over).
        let n = next_controller_state(
            lengthened,
            &long,
            EpochObservation {
                burned: 2_000,
                epoch_length: 10,
                total_issuance: 1_000_000,
                next_epoch_length: 300,
            },
            &limits,
        );
        assert_eq!((n.smoothed_burn_per_block, n.emission_per_block), (6, 6));
        // A burn of 3_000_000 in one 10-block epoch, then none, is remembered once whatever
        // length the following epochs have: the emission it adds per block times the length
        // of each following epoch, summed over a tail of 200 epochs.
        let remembered = |next_length: u32| {
            let next = p(next_length);
            let observe = |burned, length| EpochObservation {
                burned,
                epoch_length: length,
                total_issuance: 1_000_000_000,
                next_epoch_length: next_length,
            };
            // The boundary after the burn: the new length applies, as in `plan_epoch_close`.
            let start = ControllerState::starting_at(0, &short);
            let mut s = transition(start, &short, &next, 0, &limits);
            s = next_emission(s, &next, observe(3_000_000, 10), &limits);
            let mut sum = s.emission_per_block * next_length as Amount;
            for _ in 0..200 {
                s = next_emission(s, &next, observe(0, next_length), &limits);
                sum += s.emission_per_block * next_length as Amount;
            }
            sum
        };
        // Rounded down at every step, never above the burn; without the rescale the 300-block
        // epochs would have remembered the burn per block of the 10-block epoch, 30 times over.
        assert_eq!((remembered(10), remembered(300)), (2_998_990, 2_983_500));
    }

    #[test]
    fn mode_switches_start_from_the_current_target_and_re_emit_the_memory_once() {
        let fixed = Parameters {
            mode: ControllerMode::FixedDecay {
                decay: Perbill::zero(),
            },
            ..params()
        };
        let with_inflation = Parameters {
            mode: indexed(20, Perbill::from_percent(1)),
            ..params()
        };
        // Fixed -> burn-indexed at 500 per block, issuance 36_500_000 (inflation term 1% of
        // it over a year of 3_650 blocks = 100 per block): the average is seeded at 400, so the
        // target is 500.
        let s = ControllerState::starting_at(500, &fixed);
        let switched = transition(s, &fixed, &with_inflation, 36_500_000, &limits());
        assert_eq!(switched.smoothed_burn_per_block, 400);
        assert_eq!(switched.smoothing, Perbill::from_percent(20));
        let obs = observe(4_000, 36_500_000);
        assert_eq!(
            next_controller_state(switched, &with_inflation, obs, &limits()).emission_per_block,
            500
        );
        // Without the seeding, the empty average would pull the choice down to 180 (20% of
        // 400, plus 100).
        assert_eq!(
            next_controller_state(s, &with_inflation, obs, &limits()).emission_per_block,
            180
        );
        // Burn-indexed -> fixed with a stale schedule of 10: the schedule restarts from the
        // target (500) less the average (400), and the average keeps decaying at 20% on top of
        // it, so the target is continuous and the memory of burns is re-emitted once: 500,
        // then 420 (100 + 320), 356, ...
        let s = ControllerState {
            scheduled_target: 10,
            ..switched
        };
        let back = transition(s, &with_inflation, &fixed, 36_500_000, &limits());
        assert_eq!(
            (back.scheduled_target, back.smoothed_burn_per_block),
            (100, 400)
        );
        assert_eq!(back.choose(&fixed, 36_500_000, &limits()), 500);
        let mut path = alloc::vec::Vec::new();
        let mut t = back;
        for _ in 0..3 {
            t = next_controller_state(t, &fixed, obs, &limits());
            path.push(t.emission_per_block);
        }
        assert_eq!(path, [420, 356, 304]);
        // The same mode on both sides changes nothing.
        assert_eq!(transition(s, &fixed, &fixed, 36_500_000, &limits()), s);
    }

    #[test]
    fn a_switch_to_fixed_decay_with_longer_epochs_freezes_no_memory_into_the_schedule() {
        let indexed_short = Parameters {
            mode: indexed(20, Perbill::from_percent(1)),
            min_emission_per_block: 0,
            ..params()
        };
        let fixed_long = Parameters {
            mode: ControllerMode::FixedDecay {
                decay: Perbill::zero(),
            },
            epoch_length: 300,
            ..indexed_short
        };
        // An average of 200 per block of 10-block epochs (2_000 an epoch) on an inflation
        // term of 100 (1% of 36_500_000 over 3_650 blocks): target 300.
        let s = ControllerState {
            smoothed_burn_per_block: 200,
            ..ControllerState::starting_at(300, &indexed_short)
        };
        // One referendum switches to fixed decay with no decay *and* 300-block epochs: the
        // schedule is the inflation term in force (100), and the memory, rescaled to 6 a
        // block of the longer epoch (1_800 an epoch, rounded down), fades on top of it. Had
        // the schedule started from the target less the *rescaled* average (300 - 6), 194 a
        // block of remembered burn would have been frozen into a schedule that never decays.
        let switched = transition(s, &indexed_short, &fixed_long, 36_500_000, &limits());
        assert_eq!(
            (switched.scheduled_target, switched.smoothed_burn_per_block),
            (100, 6)
        );
        let mut t = switched;
        let mut memory = 0;
        for _ in 0..100 {
            t = next_emission(t, &fixed_long, observe(0, 36_500_000), &limits());
            memory += (t.emission_per_block - 100) * 300;
        }
        assert_eq!(t.emission_per_block, 100);
        // 6·300·(0.8/0.2) = 7_200 at most (rounded down: 4, 3, 2, 1 a block), below the
        // 8_000 the average would have re-emitted in 10-block epochs.
        assert_eq!(memory, 3_000);
    }

    #[test]
    fn a_smoothing_change_re_emits_what_the_average_remembers_once() {
        let p = |smoothing| Parameters {
            mode: indexed(smoothing, Perbill::zero()),
            min_emission_per_block: 0,
            max_emission_per_block: 1_000_000_000,
            ..params()
        };
        let limits = HardLimits {
            max_emission_per_block: 1_000_000_000,
            ..limits()
        };
        // An average of 1_000_000 per block at 20% smoothing remembers 1_000_000 × 10 × 0.8 /
        // 0.2 = 40_000_000 beyond this epoch. At 50% the same average re-emits only
        // 10_000_000 of it: left as it is (no jump up).
        let s = ControllerState {
            smoothed_burn_per_block: 1_000_000,
            ..ControllerState::starting_at(1_000_000, &p(20))
        };
        let faster = transition(s, &p(20), &p(50), 0, &limits);
        assert_eq!(faster.smoothed_burn_per_block, 1_000_000);
        // At 1%: the average is handed over at 20% (the target does not move), and a new
        // average starts from zero at 1%.
        let slower = transition(s, &p(20), &p(1), 0, &limits);
        assert_eq!(
            (
                slower.smoothed_burn_per_block,
                slower.legacy_burn_per_block,
                slower.legacy_decay
            ),
            (0, 1_000_000, Perbill::from_percent(20))
        );
        assert_eq!(slower.choose(&p(1), 0, &limits), 1_000_000);
        // What each re-emits after the change, with no burn: never more than the 40_000_000
        // the average remembered at 20% (each epoch's decay is rounded up); lowered, exactly
        // what it would have re-emitted at 20%.
        let tail = |mut t: ControllerState, params: &Parameters| {
            let mut sum = 0;
            for _ in 0..3_000 {
                t = next_emission(t, params, observe(0, 1_000_000), &limits);
                sum += t.emission_per_block * 10;
            }
            sum
        };
        assert_eq!(
            (tail(s, &p(20)), tail(faster, &p(50)), tail(slower, &p(1))),
            (39_998_880, 9_999_930, 39_998_880)
        );
        // Without the hand-over, 1% would have re-emitted 1_000_000 × 10 × 0.99 / 0.01 =
        // 990_000_000: the last epochs' burns for ever.
        assert_eq!(tail(s, &p(1)), 989_511_970);
        // Lowered twice (20% -> 10% -> 1%): the second hand-over merges at the faster of the
        // two rates (20%), re-emitting less than either rate alone would.
        let twice = transition(
            transition(s, &p(20), &p(10), 0, &limits),
            &p(10),
            &p(1),
            0,
            &limits,
        );
        assert_eq!(
            (twice.legacy_burn_per_block, twice.legacy_decay),
            (1_000_000, Perbill::from_percent(20))
        );
    }

    #[test]
    fn a_raised_availability_share_does_not_raise_what_availability_gets_of_the_memory() {
        let p = |availability: u32| Parameters {
            mode: indexed(20, Perbill::zero()),
            availability_share: Perbill::from_percent(availability),
            usage_share: Perbill::from_percent(80 - availability),
            usage_reward_cap: Perbill::zero(),
            ..params()
        };
        let s = ControllerState {
            smoothed_burn_per_block: 900,
            ..ControllerState::starting_at(900, &p(30))
        };
        // 30% -> 60%: the level stays (900 per block), handed over at a decay of
        // 0.2·0.6 / (0.2·0.6 + 0.3·0.8) = 1/3 (rounded up) instead of 20%: it re-emits
        // 900·L·2 instead of 900·L·4 in all, half, so the availability pool's part of it (60%
        // of the half) is what it was (30% of the whole).
        let raised = transition(s, &p(30), &p(60), 0, &limits());
        assert_eq!(
            (
                raised.smoothed_burn_per_block,
                raised.legacy_burn_per_block,
                raised.legacy_decay
            ),
            (0, 900, Perbill::from_parts(333_333_334))
        );
        assert_eq!(raised.choose(&p(60), 0, &limits()), 900);
        let tail = |mut t: ControllerState, params: &Parameters| {
            let mut sum = 0;
            for _ in 0..500 {
                t = next_emission(t, params, observe(0, 1_000_000), &limits());
                sum += t.emission_per_block * 10;
            }
            sum
        };
        let loose = |availability| Parameters {
            min_emission_per_block: 0,
            ..p(availability)
        };
        let (before, after) = (tail(s, &loose(30)), tail(raised, &loose(60)));
        assert_eq!((before, after), (35_600, 17_680));
        assert!(after * 60 <= before * 30);
        // Lowered: nothing changes (the pool gets less of the memory, never more).
        assert_eq!(transition(s, &p(30), &p(10), 0, &limits()), s);
    }

    #[test]
    fn the_hard_cap_per_block_binds_whatever_the_controller_wants() {
        let p = Parameters {
            min_emission_per_block: 1_000,
            max_emission_per_block: 1_000,
            ..params()
        };
        let s = ControllerState::starting_at(900, &p);
        let obs = observe(0, 1_000);
        assert_eq!(
            next_controller_state(s, &p, obs, &limits()).emission_per_block,
            1_000
        );
        let tight = HardLimits {
            max_emission_per_block: 950,
            ..limits()
        };
        let n = next_emission(s, &p, obs, &tight);
        assert_eq!((n.emission_per_block, n.choice), (950, 1_000));
    }
}
