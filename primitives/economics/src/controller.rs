//! The supply controller: at each epoch boundary it chooses the next epoch's emission per
//! block ([`next_controller_state`]), and [`next_emission`] keeps that choice within the
//! runtime's hard limits.

use crate::{Amount, ControllerMode, HardLimits, Parameters};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_arithmetic::Perbill;

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
    /// Exponential moving average of the net burn **per block** (so that a change of epoch
    /// length does not change what it means).
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
    /// Number of blocks in the closed epoch (the burn is averaged per block).
    pub epoch_length: u32,
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

/// The controller's state when a referendum switches the mode, so that the new mode starts
/// from where emission is instead of from stale memory:
///
/// - **fixed decay -> burn-indexed**: the burn average is seeded so that the burn-indexed
///   target equals the current ramp (`smoothed = ramp - inflation term`); it then moves toward
///   the real burn at the smoothing rate;
/// - **burn-indexed -> fixed decay**: the schedule restarts from the current ramp.
///
/// Within one mode, nothing changes.
pub fn switch_mode(
    state: ControllerState,
    from: &Parameters,
    to: &Parameters,
    total_issuance: Amount,
) -> ControllerState {
    let mut state = state;
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
    let burn_per_block = observed.burned / observed.epoch_length.max(1) as Amount;
    let smoothed = match params.mode {
        ControllerMode::BurnIndexed { smoothing, .. } => {
            // ema' = ema + smoothing * (burn - ema), computed without signed arithmetic.
            let ema = state.smoothed_burn_per_block;
            if burn_per_block >= ema {
                ema.saturating_add(smoothing * (burn_per_block - ema))
            } else {
                ema.saturating_sub(smoothing * (ema - burn_per_block))
            }
        }
        // Not followed in this mode; a switch to burn-indexed reseeds it (`switch_mode`).
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
/// spread over the next epoch's blocks. The ramp itself is kept as it is. This is what the
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
    next.emission_per_block = emission;
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
    fn the_ramp_survives_a_binding_supply_cap() {
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
        // Burns free room again: emission is back at the ramp's 500 at once, instead of
        // climbing back from 10 at 10% an epoch (about 40 epochs).
        let s = next_emission(s, &p, obs(900_000), &limits);
        assert_eq!((s.emission_per_block, s.ramp), (500, 500));
    }

    #[test]
    fn the_burn_average_is_per_block_whatever_the_epoch_length() {
        let p = Parameters {
            mode: ControllerMode::BurnIndexed {
                smoothing: Perbill::one(),
                target_inflation_per_epoch: Perbill::zero(),
            },
            max_step_per_epoch: Perbill::from_percent(50),
            ..params()
        };
        let s = ControllerState::starting_at(200);
        // 200 per block burned, in 10-block epochs and then in 300-block epochs.
        for (length, next) in [(10, 10), (10, 300), (300, 300)] {
            let n = next_controller_state(
                s,
                &p,
                EpochObservation {
                    burned: 200 * length as Amount,
                    epoch_length: length,
                    total_issuance: 1_000_000,
                    next_epoch_length: next,
                },
            );
            assert_eq!(
                (n.smoothed_burn_per_block, n.emission_per_block),
                (200, 200)
            );
        }
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
        let switched = switch_mode(s, &fixed, &indexed, 100_000);
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
        let switched = switch_mode(s, &indexed, &fixed, 100_000);
        assert_eq!(switched.scheduled_target, 500);
        assert_eq!(
            next_controller_state(switched, &fixed, obs).emission_per_block,
            500
        );
        // The same mode on both sides changes nothing.
        assert_eq!(switch_mode(s, &fixed, &fixed, 100_000), s);
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
