//! Property tests of the pure economics: random parameter sets that validate, random epochs.

use capacloud_economics::*;
use proptest::prelude::*;
use sp_arithmetic::{FixedU128, Perbill};

fn limits(max_total_supply: Option<Amount>) -> HardLimits {
    HardLimits {
        max_emission_per_block: 1_000_000,
        min_epoch_length: 1,
        max_epoch_length: 1_000,
        max_step_per_epoch: Perbill::one(),
        max_usage_reward_cap: Perbill::from_percent(95),
        max_total_supply,
    }
}

/// Any parameter set that validates against [`limits`].
fn valid_params() -> impl Strategy<Value = Parameters> {
    (
        (0..=1_000_000_000u32, 0..=1_000_000_000u32),
        (0..=1_000_000u128, 0..=1_000_000u128),
        any::<u32>(),
        prop_oneof![
            any::<u32>().prop_map(|d| ControllerMode::FixedDecay {
                decay: Perbill::from_parts(d % 1_000_000_001)
            }),
            (1..=1_000_000_000u32, 0..=10_000_000u32).prop_map(|(s, t)| {
                ControllerMode::BurnIndexed {
                    smoothing: Perbill::from_parts(s),
                    target_inflation_per_epoch: Perbill::from_parts(t),
                }
            }),
        ],
        1..=1_000u32,
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
                unbonding_period: 10,
                min_provider_bond: 1,
            }
        })
        .prop_filter("validates", |p| p.validate(&limits(None)).is_ok())
}

/// A random boundary under `params`: blocks in the epoch, burns, credits, issuance.
fn boundary(params: Parameters) -> impl Strategy<Value = EpochClose<u32>> {
    (
        0..=1_000_000u128,
        0..=1_000u32,
        0..3u128,
        (0..=10_000_000u128, 0..=10_000_000u128, 0..=10_000_000u128),
        0..=1_000_000_000_000u128,
        any::<bool>(),
    )
        .prop_map(
            move |(emission, blocks, points, (burned, served, basis), issuance, pending)| {
                EpochClose {
                    index: blocks,
                    books: EpochBooks {
                        burned_credits: burned,
                        credits_sold: served,
                        credits_served: served,
                        basis_served: basis,
                        ..Default::default()
                    },
                    closed_totals: Totals::default(),
                    accrual: EmissionAccrual {
                        per_block: split_emission(emission, &params),
                        total_points: points,
                        updated_at: 100,
                        ..Default::default()
                    },
                    last_block: 100 + blocks,
                    controller: ControllerState {
                        emission_per_block: emission,
                        scheduled_target: emission,
                        smoothed_burn_per_epoch: burned / 2,
                    },
                    params,
                    pending: pending.then_some(params),
                    total_issuance: issuance,
                    ledger_retention: 90,
                }
            },
        )
}

fn params_and_boundary() -> impl Strategy<Value = (Parameters, EpochClose<u32>)> {
    valid_params().prop_flat_map(|p| (Just(p), boundary(p)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The split of any emission under any valid shares adds up to it exactly.
    #[test]
    fn split_adds_up(params in valid_params(), emission in any::<u64>()) {
        let s = split_emission(emission as u128, &params);
        prop_assert_eq!(s.ecosystem + s.usage + s.availability, emission as u128);
    }

    /// Every planck of an epoch's emission is in its books: minted to the treasury, minted to
    /// providers, or never minted.
    #[test]
    fn plan_accounts_for_every_planck((_, state) in params_and_boundary()) {
        let blocks = (state.last_block - state.accrual.updated_at) as u128;
        let emission = state.accrual.per_block.total() * blocks;
        let plan = plan_epoch_close(state, &limits(None));
        prop_assert_eq!(plan.books.minted() + plan.books.unminted, emission);
        prop_assert_eq!(plan.pay_treasury, plan.books.minted_ecosystem);
        prop_assert_eq!(plan.books.total_issuance_at_close, state.total_issuance + plan.usage_pool.minted);
        let mut totals = state.closed_totals;
        totals.add(&plan.books);
        prop_assert_eq!(plan.closed_totals(), totals);
    }

    /// The next emission is within the hard cap per block and leaves room for the whole next
    /// epoch below the supply cap; the pool never mints past the cap.
    #[test]
    fn plan_respects_hard_limits((params, state) in params_and_boundary(), room in 0..=100_000_000u128, hard in 1..=1_000_000u128) {
        let cap = state.total_issuance + room;
        let limits = HardLimits { max_emission_per_block: hard, ..limits(Some(cap)) };
        let plan = plan_epoch_close(state, &limits);
        prop_assert!(plan.controller.emission_per_block <= hard);
        prop_assert!(plan.books.total_issuance_at_close <= cap);
        let next_epoch = plan.controller.emission_per_block * params.epoch_length as u128;
        prop_assert!(plan.books.total_issuance_at_close + next_epoch <= cap);
        prop_assert_eq!(plan.accrual.per_block.total(), plan.controller.emission_per_block);
    }

    /// The emission never moves by more than one step per epoch (at least one planck).
    #[test]
    fn emission_moves_at_most_one_step((params, state) in params_and_boundary()) {
        let plan = plan_epoch_close(state, &limits(None));
        let (old, new) = (state.controller.emission_per_block, plan.controller.emission_per_block);
        let step = (params.max_step_per_epoch * old).max(1);
        prop_assert!(new.abs_diff(old) <= step);
    }

    /// A provider's usage reward is at most the cap times the tokens burned for what it served
    /// (rounded down, so always less than it burned), and all the shares add up to no more than
    /// the pool.
    #[test]
    fn usage_reward_is_at_most_cap_times_basis(
        accrued in 0..=u64::MAX as u128,
        basis in 1..=u64::MAX as u128,
        share in 0..=1_000_000u128,
        cap in 0..=950_000_000u32,
    ) {
        let cap = Perbill::from_parts(cap);
        let (pool, unminted) = close_usage_pool(accrued, 1, basis, cap);
        prop_assert_eq!(pool.minted + unminted, accrued);
        let mine = basis * share / 1_000_000;
        let reward = settle_usage(&pool, mine);
        prop_assert!(reward <= cap.mul_floor(mine));
        prop_assert!(mine == 0 || reward < mine);
        prop_assert!(reward + settle_usage(&pool, basis - mine) <= pool.minted);
    }

    /// Lazy accrual over any schedule of point changes equals block-by-block accounting.
    #[test]
    fn lazy_accrual_equals_block_by_block(
        params in valid_params(),
        emission in 0..=1_000_000u128,
        changes in proptest::collection::vec((1..20u32, 0..5u128), 1..20),
    ) {
        let start = EmissionAccrual::<u32> { per_block: split_emission(emission, &params), ..Default::default() };
        let (mut lazy, mut eager) = (start, start);
        let mut now = 0u32;
        for (gap, points) in changes {
            for _ in 0..gap {
                now += 1;
                eager.advance_to(now);
            }
            let (old_lazy, old_eager) = (lazy.total_points, eager.total_points);
            prop_assert_eq!(lazy.change_points(now, old_lazy, points), eager.change_points(now, old_eager, points));
        }
        prop_assert_eq!(lazy, eager);
        // Accounted blocks: every planck is either minted or never minted.
        let total = lazy.ecosystem + lazy.usage + lazy.availability + lazy.unminted;
        prop_assert_eq!(total, emission * now as u128);
        prop_assert!(lazy.index >= FixedU128::from(0));
    }

    /// The preview runs the chain's controller within the chain's limits.
    #[test]
    fn preview_is_the_controller_repeated(params in valid_params(), emission in 0..=1_000_000u128, burn in 0..=1_000_000u128) {
        let state = ControllerState { emission_per_block: emission, scheduled_target: emission, smoothed_burn_per_epoch: 0 };
        let limits = limits(Some(2_000_000_000));
        let path = preview_path(state, &params, 1_000_000_000, burn, &limits, 5);
        let mut s = state;
        let mut issuance = 1_000_000_000u128;
        for point in path {
            s = next_emission(s, &params, EpochObservation { burned: burn, total_issuance: issuance, next_epoch_length: params.epoch_length }, &limits);
            issuance = (issuance + s.emission_per_block * params.epoch_length as u128).saturating_sub(burn);
            prop_assert_eq!(point.emission_per_block, s.emission_per_block);
            prop_assert_eq!(point.total_issuance, issuance);
        }
    }
}
