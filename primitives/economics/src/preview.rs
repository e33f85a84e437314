//! The emission path a parameter set would produce, for voters and dashboards.

use crate::{
    next_emission, transition, Amount, ControllerState, EpochObservation, HardLimits, Parameters,
};
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

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

/// Previews the emission for `epochs` epochs when `params` take over from `in_force` at the
/// next boundary (pass the same set twice for no change), assuming a net burn of
/// `burn_per_block` in every block and every block minting its whole emission. Runs the same
/// controller, within the same hard limits, as the chain's epoch boundary: the mode switch
/// ([`transition`]), the outgoing step for the transition epoch, then [`next_emission`].
pub fn preview_path(
    state: ControllerState,
    in_force: &Parameters,
    params: &Parameters,
    mut total_issuance: Amount,
    burn_per_block: Amount,
    limits: &HardLimits,
    epochs: u32,
) -> alloc::vec::Vec<PathPoint> {
    let mut path = alloc::vec::Vec::with_capacity(epochs as usize);
    let mut state = transition(state, in_force, params, total_issuance, limits);
    let burn_per_epoch = burn_per_block.saturating_mul(params.epoch_length as Amount);
    for epoch in 1..=epochs {
        let step = if epoch == 1 {
            in_force.max_step_per_epoch
        } else {
            params.max_step_per_epoch
        };
        state = next_emission(
            state,
            &Parameters {
                max_step_per_epoch: step,
                ..*params
            },
            EpochObservation {
                burned: burn_per_epoch,
                epoch_length: params.epoch_length,
                total_issuance,
                next_epoch_length: params.epoch_length,
            },
            limits,
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
    use crate::test_values::{limits, params};

    #[test]
    fn preview_matches_controller() {
        let p = Parameters {
            min_emission_per_block: 400,
            ..params()
        };
        let s = ControllerState::starting_at(500, &p);
        let path = preview_path(s, &p, &p, 1_000_000, 0, &limits(), 3);
        assert_eq!(path.len(), 3);
        assert_eq!(path[0].emission_per_block, 495);
        assert_eq!(path[0].total_issuance, 1_000_000 + 4_950);
        // A proposal with a higher floor and a 50% step: the floor in force climbs by the
        // outgoing 10% in the first epoch (400 -> 440, below the schedule's 495), by 50% in
        // the next (440 -> 660, above the schedule's 490).
        let proposed = Parameters {
            min_emission_per_block: 1_000,
            max_step_per_epoch: sp_arithmetic::Perbill::from_percent(50),
            ..p
        };
        let path = preview_path(s, &p, &proposed, 1_000_000, 0, &limits(), 2);
        assert_eq!(path[0].emission_per_block, 495);
        assert_eq!(path[1].emission_per_block, 660);
    }
}
