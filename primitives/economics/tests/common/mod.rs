//! What the property tests share: strategies for parameter sets that validate.

use capacloud_economics::*;
use proptest::prelude::*;
use sp_arithmetic::{Perbill, Permill};

/// Any parameter set with epochs of `1..=max_epoch` blocks that validates against `limits`; in
/// burn-indexed mode the smoothing is at least `min_smoothing` (parts per billion).
pub fn valid_params(
    limits: HardLimits,
    max_epoch: u32,
    min_smoothing: u32,
) -> impl Strategy<Value = Parameters> {
    (
        (0..=1_000_000_000u32, 0..=1_000_000_000u32),
        (0..=1_000_000u128, 0..=1_000_000u128),
        any::<u32>(),
        prop_oneof![
            any::<u32>().prop_map(|d| ControllerMode::FixedDecay {
                decay: Perbill::from_parts(d % 1_000_000_001)
            }),
            (min_smoothing.max(1)..=1_000_000_000u32, 0..=200_000_000u32).prop_map(|(s, t)| {
                ControllerMode::BurnIndexed {
                    smoothing: Perbill::from_parts(s),
                    target_inflation_per_year: Perbill::from_parts(t),
                }
            }),
        ],
        1..=max_epoch,
        0..=950_000_000u32,
    )
        .prop_map(|((a, b), (x, y), step, mode, epoch_length, cap)| {
            let (lo, hi) = (a.min(b), a.max(b));
            Parameters {
                ecosystem_share: Perbill::from_parts(lo),
                usage_share: Perbill::from_parts(hi - lo),
                availability_share: Perbill::from_parts(1_000_000_000 - hi),
                min_emission_per_block: x.min(y),
                max_emission_per_block: x.max(y),
                max_step_per_epoch: Perbill::from_parts(step % 1_000_000_001),
                mode,
                epoch_length,
                usage_reward_cap: Perbill::from_parts(cap),
                fee_burn_share: Perbill::from_percent(50),
                price_max_age: 10,
                min_price_feeds: 1,
                max_price_deviation: Perbill::from_percent(10),
                max_price_change_per_block: Perbill::from_percent(1),
                unbonding_period: 10,
                min_provider_bond: 1,
                bond_per_capacity_unit: 1,
                initial_reputation: Permill::from_percent(10),
                min_reputation: Permill::from_percent(10),
                service_reputation_gain: Permill::from_percent(10),
                min_capacity_attestations: 1,
                liveness_windows: 1,
                verifier_bond: 500,
            }
        })
        .prop_filter("validates", move |p| p.validate(&limits).is_ok())
}
