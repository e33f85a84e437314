//! The supply controller: at each epoch boundary it chooses the next epoch's emission per
//! block ([`next_controller_state`]), and [`next_emission`] keeps that choice within the
//! runtime's hard limits.

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
    /// The emission per block in force: the ramp within the runtime's hard limits.
    pub emission_per_block: Amount,
    /// The ramp: where the controller has moved the emission per block, before the hard
    /// limits. The next epoch steps from here, so a supply cap that binds for a while does
    /// not make the ramp start again from the capped value.
    pub ramp: Amount,
    /// The schedule's target (fixed-decay mode): decays every epoch, independent of ramping.
    pub scheduled_target: Amount,
    /// Exponential moving average of the net burn per epoch, expressed **per block of the
    /// epoch in force** (the average per epoch divided by the epoch length). An epoch-length
    /// change rescales it ([`transition`]) so that what it remembers is re-emitted once,
    /// whatever the length of the epochs that follow: with constant epochs of `L` blocks, a
    /// net burn `N` adds `s(1-s)^k · N / L` per block in the k-th epoch after it, `N` in all.
    pub smoothed_burn_per_block: Amount,
}

impl ControllerState {
    /// A controller that starts at `emission` per block: ramp and schedule there, no burn yet.
    pub fn starting_at(emission: Amount) -> Self {
        Self {
            emission_per_block: emission,
            ramp: emission,
            scheduled_target: emission,
            smoothed_burn_per_block: 0,
        }
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
/// so that an emission of zero can still start moving).
pub fn ramp(current: Amount, target: Amount, max_step: Perbill) -> Amount {
    let step = (max_step * current).max(1);
    if target > current {
        current.saturating_add(step).min(target)
    } else {
        current.saturating_sub(step).max(target)
    }
}

/// The inflation term of the burn-indexed target, per block of an epoch of `epoch_length`.
fn inflation_per_block(params: &Parameters, total_issuance: Amount, epoch_length: u32) -> Amount {
    match params.mode {
        ControllerMode::BurnIndexed {
            target_inflation_per_epoch,
            ..
        } => (target_inflation_per_epoch * total_issuance) / epoch_length.max(1) as Amount,
        ControllerMode::FixedDecay { .. } => 0,
    }
}

/// The controller's state when a referendum's parameters take over from `from` at an epoch
/// boundary, so that the new parameters start from where emission is instead of replaying
/// stale memory at another rate:
///
/// - **epoch length changes**: the burn average is rescaled from blocks of the old epoch to
///   blocks of the new one (`smoothed × old / new`, rounded down), so the average *per epoch*
///   is unchanged. Without it a burn counted over 1-day epochs would be re-emitted at the same
///   rate per block over 30-day epochs, thirty times over;
/// - **fixed decay -> burn-indexed**: the burn average is seeded so that the burn-indexed
///   target equals the current ramp (`smoothed = ramp - inflation term`); it then moves toward
///   the real burn at the smoothing rate;
/// - **burn-indexed -> fixed decay**: the schedule restarts from the current ramp.
///
/// With the same mode and epoch length on both sides, nothing changes.
pub fn transition(
    state: ControllerState,
    from: &Parameters,
    to: &Parameters,
    total_issuance: Amount,
) -> ControllerState {
    let mut state = state;
    if from.epoch_length != to.epoch_length {
        state.smoothed_burn_per_block = multiply_by_rational_with_rounding(
            state.smoothed_burn_per_block,
            from.epoch_length.max(1) as Amount,
            to.epoch_length.max(1) as Amount,
            Rounding::Down,
        )
        // Only a product above u128 fails: the average is then at the top of its range.
        .unwrap_or(Amount::MAX);
    }
    match (from.mode, to.mode) {
        (ControllerMode::FixedDecay { .. }, ControllerMode::BurnIndexed { .. }) => {
            state.smoothed_burn_per_block =
                state
                    .ramp
                    .saturating_sub(inflation_per_block(to, total_issuance, to.epoch_length));
        }
        (ControllerMode::BurnIndexed { .. }, ControllerMode::FixedDecay { .. }) => {
            state.scheduled_target = state.ramp;
        }
        _ => {}
    }
    state
}

/// The controller: the state for the next epoch, given the state now, the parameters that
/// will be in force and what was observed in the closed epoch.
///
/// The target is clamped into the governance band `[min, max]`; the ramp then moves toward
/// it by at most `max_step_per_epoch` of its current value, *also* after a parameter change
/// that moved the band: a referendum that raises the floor tenfold makes emission climb one
/// step per epoch, never jump (until it is back in the band it may sit outside it). The
/// runtime's hard limits are applied by [`next_emission`], which the chain calls; the
/// returned `emission_per_block` is the ramp.
pub fn next_controller_state(
    state: ControllerState,
    params: &Parameters,
    observed: EpochObservation,
) -> ControllerState {
    // Per block of the next epoch: the unit of the average (see `transition`).
    let burn_per_block = observed.burned / observed.next_epoch_length.max(1) as Amount;
    let smoothed = match params.mode {
        ControllerMode::BurnIndexed { smoothing, .. } => {
            // ema' = ema + smoothing * (burn - ema), computed without signed arithmetic and
            // rounded in the protocol's favour: it rises by at most, and falls by at least,
            // the exact move, so that a burn is never remembered as more than it was.
            let ema = state.smoothed_burn_per_block;
            if burn_per_block >= ema {
                ema.saturating_add(smoothing.mul_floor(burn_per_block - ema))
            } else {
                ema.saturating_sub(smoothing.mul_ceil(ema - burn_per_block))
            }
        }
        // Not followed in this mode; a switch to burn-indexed reseeds it (`transition`).
        ControllerMode::FixedDecay { .. } => state.smoothed_burn_per_block,
    };
    let (target, scheduled_target) = match params.mode {
        ControllerMode::FixedDecay { decay } => {
            let next = state
                .scheduled_target
                .saturating_sub(decay * state.scheduled_target);
            (next, next)
        }
        ControllerMode::BurnIndexed { .. } => (
            smoothed.saturating_add(inflation_per_block(
                params,
                observed.total_issuance,
                observed.next_epoch_length,
            )),
            state.scheduled_target,
        ),
    };
    let target = target.clamp(params.min_emission_per_block, params.max_emission_per_block);
    let ramped = ramp(state.ramp, target, params.max_step_per_epoch);
    ControllerState {
        emission_per_block: ramped,
        ramp: ramped,
        scheduled_target,
        smoothed_burn_per_block: smoothed,
    }
}

/// The controller's choice for the next epoch within the runtime's hard limits: never above
/// the hard cap per block, and never more than the room left below the maximum total supply
/// spread over the next epoch's blocks. The ramp itself is kept as it is, and when a binding
/// supply cap releases, the emission in force climbs back to the ramp by at most one step per
/// epoch (`max_step_per_epoch` of the ramp, at least one planck) instead of jumping: a cap
/// that bound for a while does not turn into a jump when burns free room. This is what the
/// chain, the preview and the simulator run.
pub fn next_emission(
    state: ControllerState,
    params: &Parameters,
    observed: EpochObservation,
    limits: &HardLimits,
) -> ControllerState {
    let mut next = next_controller_state(state, params, observed);
    let mut emission = next.ramp.min(limits.max_emission_per_block);
    if let Some(cap) = limits.max_total_supply {
        let room = cap.saturating_sub(observed.total_issuance);
        let blocks = observed.next_epoch_length.max(1) as Amount;
        emission = emission.min(room / blocks);
    }
    // Within one step of the emission in force. While the emission in force is the ramp
    // (the cap did not bind) this never binds: the ramp itself moved by at most a step.
    let step = (params.max_step_per_epoch * next.ramp).max(1);
    next.emission_per_block = emission.min(state.emission_per_block.saturating_add(step));
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_values::{limits, params};

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
        let s = ControllerState::starting_at(500);
        let obs = EpochObservation {
            burned: 0,
            epoch_length: 10,
            total_issuance: 1_000_000,
            next_epoch_length: 10,
        };
        let n = next_controller_state(s, &p, obs);
        assert_eq!(n.emission_per_block, 495);
        p.mode = ControllerMode::FixedDecay {
            decay: Perbill::from_percent(99),
        };
        let n = next_controller_state(s, &p, obs);
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
            ramp: 100,
            scheduled_target: 0,
            smoothed_burn_per_block: 100,
        };
        // Burn of 3_000 over 10 blocks: EMA 100 -> 200 per block, target 200, ramped by 10%
        // -> 110.
        let obs = EpochObservation {
            burned: 3_000,
            epoch_length: 10,
            total_issuance: 1_000_000,
            next_epoch_length: 10,
        };
        let n = next_emission(s, &p, obs, &limits());
        assert_eq!(n.smoothed_burn_per_block, 200);
        assert_eq!(n.emission_per_block, 110);
        // A supply cap 500 above issuance allows 50 per block over 10 blocks.
        let capped = |cap| HardLimits {
            max_total_supply: Some(cap),
            ..limits()
        };
        let n = next_emission(s, &p, obs, &capped(1_000_500));
        assert_eq!((n.emission_per_block, n.ramp), (50, 110));
        let n = next_emission(s, &p, obs, &capped(999_999));
        assert_eq!((n.emission_per_block, n.ramp), (0, 110));
    }

    #[test]
    fn the_ramp_survives_a_binding_supply_cap_and_emission_climbs_back_a_step_an_epoch() {
        let p = Parameters {
            min_emission_per_block: 500,
            max_emission_per_block: 500,
            ..params()
        };
        let obs = |issuance| EpochObservation {
            epoch_length: 10,
            total_issuance: issuance,
            next_epoch_length: 10,
            ..Default::default()
        };
        let limits = HardLimits {
            max_total_supply: Some(1_000_000),
            ..limits()
        };
        // The cap binds: 100 of room over 10 blocks.
        let s = next_emission(ControllerState::starting_at(500), &p, obs(999_900), &limits);
        assert_eq!((s.emission_per_block, s.ramp), (10, 500));
        // Burns free room again: the ramp is kept at 500, and the emission in force climbs
        // back to it by one step (10% of the ramp) an epoch: 60, 110, ... 460, 500; it would
        // have jumped from 10 to 500 at once (x50).
        let mut s = s;
        let mut path = alloc::vec::Vec::new();
        for _ in 0..10 {
            s = next_emission(s, &p, obs(900_000), &limits);
            assert_eq!(s.ramp, 500);
            path.push(s.emission_per_block);
        }
        assert_eq!(path, [60, 110, 160, 210, 260, 310, 360, 410, 460, 500]);
    }

    #[test]
    fn an_epoch_length_change_rescales_the_burn_average_so_a_burn_is_re_emitted_once() {
        let p = |length| Parameters {
            mode: ControllerMode::BurnIndexed {
                smoothing: Perbill::from_percent(20),
                target_inflation_per_epoch: Perbill::zero(),
            },
            max_step_per_epoch: Perbill::one(),
            min_emission_per_block: 0,
            max_emission_per_block: 1_000_000,
            epoch_length: length,
            ..params()
        };
        let (short, long) = (p(10), p(300));
        // The average remembers 200 per block of 10-block epochs: 2_000 an epoch.
        let s = ControllerState {
            smoothed_burn_per_block: 200,
            ..ControllerState::starting_at(200)
        };
        // Same length: nothing changes. 10 -> 300 blocks: the same 2_000 an epoch is now
        // 6 per block (6.67 rounded down), and back.
        assert_eq!(transition(s, &short, &short, 0), s);
        let lengthened = transition(s, &short, &long, 0);
        assert_eq!(lengthened.smoothed_burn_per_block, 6);
        assert_eq!(
            transition(lengthened, &long, &short, 0).smoothed_burn_per_block,
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
        );
        assert_eq!((n.smoothed_burn_per_block, n.emission_per_block), (6, 6));
        // A burn of 3_000_000 in one 10-block epoch, then none, is remembered once whatever
        // length the following epochs have: the target it adds (the average, the emission
        // per block before ramp and band) times the length of each following epoch, summed
        // over a tail of 200 epochs.
        let remembered = |next_length: u32| {
            let next = p(next_length);
            let observe = |burned, length| EpochObservation {
                burned,
                epoch_length: length,
                total_issuance: 1_000_000_000,
                next_epoch_length: next_length,
            };
            // The boundary after the burn: the new length applies, as in `plan_epoch_close`.
            let mut s = transition(ControllerState::starting_at(0), &short, &next, 0);
            s = next_controller_state(s, &next, observe(3_000_000, 10));
            let mut sum = s.smoothed_burn_per_block * next_length as Amount;
            for _ in 0..200 {
                s = next_controller_state(s, &next, observe(0, next_length));
                sum += s.smoothed_burn_per_block * next_length as Amount;
            }
            sum
        };
        // Rounded down at every step, never above the burn; without the rescale the 300-block
        // epochs would have remembered the burn per block of the 10-block epoch, 30 times over.
        assert_eq!((remembered(10), remembered(300)), (2_998_990, 2_983_500));
    }

    #[test]
    fn mode_switches_start_from_the_current_emission() {
        let fixed = Parameters {
            mode: ControllerMode::FixedDecay {
                decay: Perbill::zero(),
            },
            ..params()
        };
        let indexed = Parameters {
            mode: ControllerMode::BurnIndexed {
                smoothing: Perbill::from_percent(20),
                target_inflation_per_epoch: Perbill::from_percent(1),
            },
            ..params()
        };
        // Fixed -> burn-indexed at 500 per block, issuance 100_000 (inflation term 1% of it
        // over 10 blocks = 100 per block): the average is seeded at 400, so the target is 500.
        let s = ControllerState {
            smoothed_burn_per_block: 7,
            ..ControllerState::starting_at(500)
        };
        let switched = transition(s, &fixed, &indexed, 100_000);
        assert_eq!(switched.smoothed_burn_per_block, 400);
        let obs = EpochObservation {
            burned: 4_000,
            epoch_length: 10,
            total_issuance: 100_000,
            next_epoch_length: 10,
        };
        assert_eq!(
            next_controller_state(switched, &indexed, obs).emission_per_block,
            500
        );
        // Without the seeding, the stale average (7) would pull the target down to 186 and
        // emission a step down.
        assert_eq!(
            next_controller_state(s, &indexed, obs).emission_per_block,
            450
        );
        // Burn-indexed -> fixed with a stale schedule of 10: it restarts from the ramp.
        let s = ControllerState {
            scheduled_target: 10,
            ..ControllerState::starting_at(500)
        };
        let switched = transition(s, &indexed, &fixed, 100_000);
        assert_eq!(switched.scheduled_target, 500);
        assert_eq!(
            next_controller_state(switched, &fixed, obs).emission_per_block,
            500
        );
        // The same mode on both sides changes nothing.
        assert_eq!(transition(s, &fixed, &fixed, 100_000), s);
    }

    #[test]
    fn the_hard_cap_per_block_binds_whatever_the_controller_wants() {
        let p = Parameters {
            min_emission_per_block: 1_000,
            max_emission_per_block: 1_000,
            max_step_per_epoch: Perbill::one(),
            ..params()
        };
        let s = ControllerState::starting_at(900);
        let obs = EpochObservation {
            total_issuance: 1_000,
            epoch_length: 10,
            next_epoch_length: 10,
            ..Default::default()
        };
        assert_eq!(next_controller_state(s, &p, obs).emission_per_block, 1_000);
        let tight = HardLimits {
            max_emission_per_block: 950,
            ..limits()
        };
        assert_eq!(next_emission(s, &p, obs, &tight).emission_per_block, 950);
    }
}
