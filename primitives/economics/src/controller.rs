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
    /// Tokens burned in the epoch: for credits, from fees and from slashes (emission that was
    /// never minted is not a burn).
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
/// will be in force and what was observed in the closed epoch.
///
/// The target is clamped into the governance band `[min, max]`; the emission then moves toward
/// it by at most `max_step_per_epoch` of the current emission, *also* after a parameter change
/// that moved the band: a referendum that raises the floor tenfold makes emission climb one
/// step per epoch, never jump (until it is back in the band it may sit outside it). The
/// runtime's hard limits are applied by [`next_emission`], which the chain calls.
pub fn next_controller_state(
    state: ControllerState,
    params: &Parameters,
    observed: EpochObservation,
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
    ControllerState {
        emission_per_block: ramp(state.emission_per_block, target, params.max_step_per_epoch),
        scheduled_target,
        smoothed_burn_per_epoch: smoothed,
    }
}

/// The controller's choice for the next epoch within the runtime's hard limits: never above
/// the hard cap per block, and never more than the room left below the maximum total supply
/// spread over the next epoch's blocks. This is what the chain, the preview and the simulator
/// run.
pub fn next_emission(
    state: ControllerState,
    params: &Parameters,
    observed: EpochObservation,
    limits: &HardLimits,
) -> ControllerState {
    let mut next = next_controller_state(state, params, observed);
    let mut emission = next.emission_per_block.min(limits.max_emission_per_block);
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
            scheduled_target: 0,
            smoothed_burn_per_epoch: 1_000,
        };
        // Burn of 3_000 per epoch: EMA -> 2_000, target 200 per block, ramped by 10% -> 110.
        let obs = EpochObservation {
            burned: 3_000,
            total_issuance: 1_000_000,
            next_epoch_length: 10,
        };
        let n = next_emission(s, &p, obs, &limits());
        assert_eq!(n.smoothed_burn_per_epoch, 2_000);
        assert_eq!(n.emission_per_block, 110);
        // A supply cap 500 above issuance allows 50 per block over 10 blocks.
        let capped = |cap| HardLimits {
            max_total_supply: Some(cap),
            ..limits()
        };
        let n = next_emission(s, &p, obs, &capped(1_000_500));
        assert_eq!(n.emission_per_block, 50);
        let n = next_emission(s, &p, obs, &capped(999_999));
        assert_eq!(n.emission_per_block, 0);
    }

    #[test]
    fn the_hard_cap_per_block_binds_whatever_the_controller_wants() {
        let p = Parameters {
            min_emission_per_block: 1_000,
            max_emission_per_block: 1_000,
            max_step_per_epoch: Perbill::one(),
            ..params()
        };
        let s = ControllerState {
            emission_per_block: 900,
            scheduled_target: 900,
            ..Default::default()
        };
        let obs = EpochObservation {
            total_issuance: 1_000,
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
