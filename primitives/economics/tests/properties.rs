//! Property tests of the pure economics: random parameter sets that validate, random epochs.

mod common;

use capacloud_economics::*;
use proptest::prelude::*;
use sp_arithmetic::Perbill;

fn limits(max_total_supply: Option<Amount>) -> HardLimits {
    HardLimits {
        max_emission_per_block: 1_000_000,
        min_epoch_length: 1,
        max_epoch_length: 1_000,
        max_step_per_epoch: Perbill::one(),
        max_usage_reward_cap: Perbill::from_percent(95),
        max_total_supply,
        min_unbonding_period: 1,
    }
}

/// Any parameter set that validates against [`limits`].
fn valid_params() -> impl Strategy<Value = Parameters> {
    common::valid_params(limits(None), 1_000, 1)
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
                    length: blocks.max(1),
                    books: EpochBooks {
                        burned_credits: burned,
                        credits_sold: served,
                        credits_served: served,
                        basis_served: basis,
                        live_points: points,
                        ..Default::default()
                    },
                    closed_totals: Totals::default(),
                    accrual: EmissionAccrual {
                        per_block: split_emission(emission, &params),
                        updated_at: 100,
                        ..Default::default()
                    },
                    last_block: 100 + blocks,
                    controller: ControllerState {
                        smoothed_burn_per_block: burned / 2 / blocks.max(1) as u128,
                        ..ControllerState::starting_at(emission)
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
        prop_assert_eq!(plan.books.total_issuance_at_close, state.total_issuance + plan.pool.minted());
        // The usage rewards minted never exceed the basis they repay, so the followed burn
        // loses nothing to saturation.
        prop_assert!(plan.books.minted_usage <= plan.books.basis_served);
        prop_assert_eq!(
            plan.books.net_burn(),
            plan.books.basis_served - plan.books.minted_usage
                + plan.books.burned_fees
                + plan.books.burned_slashes
        );
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

    /// The emission never moves by more than one step per epoch (at least one planck), also
    /// when a proposal with another step and mode takes over (the outgoing step applies).
    #[test]
    fn emission_moves_at_most_one_step((params, state) in params_and_boundary(), proposal in valid_params()) {
        let state = EpochClose { pending: state.pending.map(|_| proposal), ..state };
        let plan = plan_epoch_close(state, &limits(None));
        let (old, new) = (state.controller.emission_per_block, plan.controller.emission_per_block);
        let step = (params.max_step_per_epoch * old).max(1);
        prop_assert!(new.abs_diff(old) <= step);
        prop_assert_eq!(plan.controller.ramp, plan.controller.emission_per_block);
    }

    /// Through any sequence of epochs (random burns, served or not, random referendums taking
    /// over at random boundaries with any valid step, mode, band and epoch length, a supply
    /// cap that binds and releases as burns free room), the emission in force rises by at
    /// most one step a boundary (`max(step × ramp, 1)` of the outgoing step) and falls by at
    /// most one step unless the supply cap binds; the ramp itself moves at most one step.
    #[test]
    fn emission_moves_at_most_one_step_through_any_transition(
        first in valid_params(),
        epochs in proptest::collection::vec(
            (
                (0..=2_000_000_000u128, 0..=2_000_000_000u128),
                proptest::option::weighted(0.3, valid_params()),
            ),
            1..40,
        ),
        emission in 0..=1_000_000u128,
        room in 0..=1_000_000_000u128,
    ) {
        let issuance_at_start = 1_000_000_000_000u128;
        let limits = limits(Some(issuance_at_start + room));
        let mut params = first;
        let mut controller = ControllerState {
            smoothed_burn_per_block: emission / 2,
            ..ControllerState::starting_at(emission.clamp(params.min_emission_per_block, params.max_emission_per_block))
        };
        let mut accrual = EmissionAccrual::<u64> {
            per_block: split_emission(controller.emission_per_block, &params),
            ..Default::default()
        };
        let mut issuance = issuance_at_start;
        for (index, ((burned, served), pending)) in epochs.into_iter().enumerate() {
            let length = params.epoch_length;
            let last_block = accrual.updated_at + length as u64;
            let ecosystem = accrual.per_block.ecosystem * length as u128;
            issuance = (issuance + ecosystem).saturating_sub(burned);
            let plan = plan_epoch_close(
                EpochClose {
                    index: index as u32,
                    length,
                    books: EpochBooks {
                        burned_credits: burned,
                        credits_sold: burned,
                        credits_served: served,
                        basis_served: served,
                        live_points: 1,
                        ..Default::default()
                    },
                    closed_totals: Totals::default(),
                    accrual,
                    last_block,
                    controller,
                    params,
                    pending,
                    total_issuance: issuance,
                    ledger_retention: 90,
                },
                &limits,
            );
            let (old, new) = (controller, plan.controller);
            let step = |ramp: Amount| (params.max_step_per_epoch * ramp).max(1);
            prop_assert!(new.ramp.abs_diff(old.ramp) <= step(old.ramp));
            prop_assert!(
                new.emission_per_block <= old.emission_per_block + step(new.ramp),
                "rose from {} to {} (ramp {})", old.emission_per_block, new.emission_per_block, new.ramp
            );
            let room_per_block = limits.max_total_supply.unwrap()
                .saturating_sub(plan.books.total_issuance_at_close) / plan.params.epoch_length as u128;
            prop_assert!(
                old.emission_per_block <= new.emission_per_block + step(old.ramp)
                    || new.emission_per_block == room_per_block,
                "fell from {} to {} without the cap binding", old.emission_per_block, new.emission_per_block
            );
            issuance = plan.books.total_issuance_at_close;
            controller = plan.controller;
            accrual = plan.accrual;
            params = plan.params;
        }
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

    /// Lazy accrual over any schedule of withheld blocks equals block-by-block accounting.
    #[test]
    fn lazy_accrual_equals_block_by_block(
        params in valid_params(),
        emission in 0..=1_000_000u128,
        gaps in proptest::collection::vec(1..20u32, 1..20),
    ) {
        let start = EmissionAccrual::<u32> { per_block: split_emission(emission, &params), ..Default::default() };
        let (mut lazy, mut eager) = (start, start);
        let mut now = 0u32;
        for gap in gaps {
            for _ in 0..gap {
                now += 1;
                eager.advance_to(now);
            }
            // A withheld block after each gap.
            now += 1;
            lazy.withhold_block(now);
            eager.withhold_block(now);
        }
        prop_assert_eq!(lazy, eager);
        // Accounted blocks: every planck is either accrued or never minted.
        let total = lazy.ecosystem + lazy.usage + lazy.availability + lazy.unminted;
        prop_assert_eq!(total, emission * now as u128);
    }

    /// The preview runs the chain's controller within the chain's limits.
    #[test]
    fn preview_is_the_controller_repeated(params in valid_params(), emission in 0..=1_000_000u128, burn in 0..=1_000_000u128) {
        let state = ControllerState::starting_at(emission);
        let limits = limits(Some(2_000_000_000));
        let path = preview_path(state, &params, &params, 1_000_000_000, burn, &limits, 5);
        let mut s = state;
        let mut issuance = 1_000_000_000u128;
        for point in path {
            let burned = burn * params.epoch_length as u128;
            s = next_emission(s, &params, EpochObservation { burned, epoch_length: params.epoch_length, total_issuance: issuance, next_epoch_length: params.epoch_length }, &limits);
            issuance = (issuance + s.emission_per_block * params.epoch_length as u128).saturating_sub(burned);
            prop_assert_eq!(point.emission_per_block, s.emission_per_block);
            prop_assert_eq!(point.total_issuance, issuance);
        }
    }
}
