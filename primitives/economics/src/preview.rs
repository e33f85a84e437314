//! The emission path a parameter set would produce, for voters and dashboards.

use crate::{next_emission, Amount, ControllerState, EpochObservation, HardLimits, Parameters};
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

/// Previews the emission for `epochs` epochs under `params`, assuming `burn_per_epoch` is burned
/// every epoch and every block mints its whole emission. Runs the same controller, within the
/// same hard limits, as the chain's epoch boundary ([`next_emission`]).
pub fn preview_path(
    mut state: ControllerState,
    params: &Parameters,
    mut total_issuance: Amount,
    burn_per_epoch: Amount,
    limits: &HardLimits,
    epochs: u32,
) -> alloc::vec::Vec<PathPoint> {
    let mut path = alloc::vec::Vec::with_capacity(epochs as usize);
    for epoch in 1..=epochs {
        state = next_emission(
            state,
            params,
            EpochObservation {
                burned: burn_per_epoch,
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
        let p = params();
        let s = ControllerState {
            emission_per_block: 500,
            scheduled_target: 500,
            ..Default::default()
        };
        let path = preview_path(s, &p, 1_000_000, 0, &limits(), 3);
        assert_eq!(path.len(), 3);
        assert_eq!(path[0].emission_per_block, 495);
        assert_eq!(path[0].total_issuance, 1_000_000 + 4_950);
    }
}
