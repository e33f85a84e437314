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
        max_self_dealing_return: Perbill::from_percent(95),
        blocks_per_year: 5_256_000,
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
                        ..ControllerState::starting_at(emission, &params)
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

    /// A referendum's transition leaves the controller's target where it was, whatever it
    /// changes (the same epoch length; a new length rescales the memory per block, kept per
    /// epoch: `controller::tests::an_epoch_length_change_rescales_the_burn_average_so_a_burn_is_re_emitted_once`):
    /// the band in force and the emission in force are untouched, and what the burn memory
    /// re-emits with no further burn is never more than without the referendum, weighed by
    /// the availability share it is paid at (the memory decays by the smaller rate of the
    /// two parts, rounded up, so the tail is summed over the epochs until it is gone).
    #[test]
    fn a_transition_leaves_the_target_where_it_was(
        (params, state) in params_and_boundary(),
        proposal in valid_params(),
        legacy in 0..=1_000_000u128,
        legacy_decay in 0..=1_000_000_000u32,
        held_back in 0..=1_000u128,
    ) {
        let limits = limits(None);
        let issuance = state.total_issuance;
        let proposal = Parameters { epoch_length: params.epoch_length, ..proposal };
        let before = ControllerState {
            legacy_burn_per_block: legacy,
            legacy_decay: Perbill::from_parts(legacy_decay),
            held_back_per_block: held_back,
            ..state.controller
        };
        let after = transition(before, &params, &proposal, issuance, &limits);
        prop_assert_eq!((after.floor, after.ceiling), (before.floor, before.ceiling));
        prop_assert_eq!(after.emission_per_block, before.emission_per_block);
        let (from, to) = (before.target(&params, issuance, &limits), after.target(&proposal, issuance, &limits));
        let base = |s: &ControllerState, p: &Parameters| match p.mode {
            ControllerMode::FixedDecay { .. } => s.scheduled_target,
            ControllerMode::BurnIndexed { .. } => inflation_per_block(p, issuance, &limits),
        };
        if base(&before, &params) + before.smoothed_burn_per_block + legacy >= held_back {
            prop_assert_eq!(to, from);
        }
        // What the memory re-emits after this epoch with no further burn, per block of an
        // epoch: `M·(1-r)/r` for each part `M` decaying at `r` (the chain's rounding only
        // lowers it).
        let tail = |s: &ControllerState| {
            let part = |m: Amount, r: Perbill| {
                let r = r.deconstruct() as f64 / 1e9;
                if m == 0 { 0.0 } else if r == 0.0 { f64::INFINITY } else { m as f64 * (1.0 - r) / r }
            };
            part(s.smoothed_burn_per_block, s.smoothing) + part(s.legacy_burn_per_block, s.legacy_decay)
        };
        // Absorbing a lower base adds to the average: that is the base it replaces, not
        // memory of burns; the comparison is for referendums that do not lower the base.
        if base(&after, &proposal) >= base(&before, &params) {
            let (old, new) = (tail(&before), tail(&after));
            let (a_from, a_to) = (params.availability_share, proposal.availability_share);
            if a_to > a_from {
                let (a_from, a_to) = (a_from.deconstruct() as f64, a_to.deconstruct() as f64);
                prop_assert!(new * a_to <= old * a_from * (1.0 + 1e-9) + 1.0, "{} x {} > {} x {}", new, a_to, old, a_from);
            } else {
                prop_assert!(new <= old * (1.0 + 1e-9) + 1.0, "the memory re-emits {} after, {} before", new, old);
            }
        }
    }

    /// Through any sequence of epochs (random burns, served or not, random referendums taking
    /// over at random boundaries with any valid step, mode, band, inflation and epoch length, a
    /// supply cap that binds and releases as burns free room):
    ///
    /// - the band in force moves by at most one step of each edge a boundary (`max(step ×
    ///   edge, 1)`, the outgoing step) and does not depend on what was burned: a twin run with
    ///   other burns has the same band at every boundary;
    /// - the choice is the target clamped into that band;
    /// - the emission in force is the choice within the hard limits, and rises by at most a
    ///   step of the choice above the emission in force while it climbs back from a hard
    ///   limit that held it down.
    #[test]
    fn the_band_moves_a_step_an_epoch_and_the_emission_follows_the_choice(
        first in valid_params(),
        epochs in proptest::collection::vec(
            (
                (0..=2_000_000_000u128, 0..=2_000_000_000u128, 0..=2_000_000_000u128),
                proptest::option::weighted(0.3, valid_params()),
            ),
            1..40,
        ),
        emission in 0..=1_000_000u128,
        room in 0..=1_000_000_000u128,
    ) {
        let issuance_at_start = 1_000_000_000_000u128;
        let limits = limits(Some(issuance_at_start + room));
        let start = ControllerState {
            smoothed_burn_per_block: emission / 2,
            ..ControllerState::starting_at(emission.clamp(first.min_emission_per_block, first.max_emission_per_block), &first)
        };
        // One run with the burns drawn, one (the twin) with other burns.
        let mut runs = [(first, start, issuance_at_start, 0u64), (first, start, issuance_at_start, 0u64)];
        for (index, ((burned, served, other), pending)) in epochs.into_iter().enumerate() {
            let mut bands = [(0, 0); 2];
            for (twin, run) in runs.iter_mut().enumerate() {
                let (params, controller, issuance, updated_at) = *run;
                let burned = if twin == 0 { burned } else { other };
                let served = served.min(burned);
                let length = params.epoch_length;
                let accrual = EmissionAccrual::<u64> {
                    per_block: split_emission(controller.emission_per_block, &params),
                    updated_at,
                    ..Default::default()
                };
                let ecosystem = accrual.per_block.ecosystem * length as u128;
                let issuance = (issuance + ecosystem).saturating_sub(burned);
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
                        last_block: updated_at + length as u64,
                        controller,
                        params,
                        pending,
                        total_issuance: issuance,
                        ledger_retention: 90,
                    },
                    &limits,
                );
                let (old, new) = (controller, plan.controller);
                let step = |edge: Amount| (params.max_step_per_epoch * edge).max(1);
                prop_assert!(new.floor.abs_diff(old.floor) <= step(old.floor));
                prop_assert!(new.ceiling.abs_diff(old.ceiling) <= step(old.ceiling));
                prop_assert!(new.floor <= new.ceiling);
                let close = plan.books.total_issuance_at_close;
                let base = match plan.params.mode {
                    ControllerMode::FixedDecay { .. } => new.scheduled_target,
                    ControllerMode::BurnIndexed { .. } => inflation_per_block(&plan.params, close, &limits),
                };
                let target = (base + new.smoothed_burn_per_block + new.legacy_burn_per_block)
                    .saturating_sub(new.held_back_per_block);
                prop_assert_eq!(new.choice, target.max(new.floor).min(new.ceiling));
                let room_per_block = limits.max_total_supply.unwrap().saturating_sub(close)
                    / plan.params.epoch_length as u128;
                let within = new.choice.min(limits.max_emission_per_block).min(room_per_block);
                if old.emission_per_block < old.choice {
                    let climb = old.emission_per_block + (params.max_step_per_epoch * new.choice).max(1);
                    prop_assert_eq!(new.emission_per_block, within.min(climb));
                } else {
                    prop_assert_eq!(new.emission_per_block, within);
                }
                bands[twin] = (new.floor, new.ceiling);
                *run = (plan.params, new, close, updated_at + length as u64);
            }
            prop_assert_eq!(bands[0], bands[1], "the band depends on the burns");
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
        let state = ControllerState::starting_at(emission, &params);
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

    /// A random set of verifiers with a random colluding minority (fewer than the quorum, the
    /// quorum a majority): whatever the colluders attest, the agreed capacity is at most the
    /// largest honest attestation, and at least the true capacity whenever `k` honest
    /// verifiers attested it.
    #[test]
    fn colluding_minority_of_verifiers_is_bounded_by_the_honest_votes(
        n in 1usize..=16,
        quorum_pick in any::<u32>(),
        colluder_pick in any::<u32>(),
        truth in 0..=1_000_000u32,
        colluder_votes in proptest::collection::vec(any::<u32>(), 16),
        honest_attests in proptest::collection::vec(any::<bool>(), 16),
    ) {
        // A reachable majority k, and m < k colluders.
        let k = (n as u32 / 2 + 1) + quorum_pick % (n as u32 - n as u32 / 2);
        prop_assert!(is_reachable_majority(k, n));
        let m = (colluder_pick % k) as usize;
        let honest: Vec<u32> = (m..n)
            .map(|i| if honest_attests[i] { truth } else { 0 })
            .collect();
        let votes = colluder_votes[..m].iter().copied().chain(honest.iter().copied());
        let agreed = agreed_capacity(votes, k);
        prop_assert!(agreed <= honest.iter().copied().max().unwrap_or(0));
        if honest.iter().filter(|&&v| v == truth).count() >= k as usize {
            prop_assert_eq!(agreed, truth);
        }
    }

    /// Whatever blocks of an epoch a provider sends heartbeats in, it proves at most one
    /// window a block and only windows the epoch has; its live points are its points × the
    /// windows proven / `W`, rounded down; the blocks of the whole epoch prove every window,
    /// which counts all its points.
    #[test]
    fn live_points_never_exceed_the_windows_proven(
        length in 1u32..=20_000,
        w_pick in any::<u32>(),
        points in 0u128..=(u32::MAX as u128) * 1_000_000,
        offsets in proptest::collection::vec(any::<u32>(), 0..40),
    ) {
        let w = 1 + w_pick % length.min(MAX_LIVENESS_WINDOWS);
        let proven = offsets
            .iter()
            .fold(0, |proven, o| prove_window(proven, window_of(o % length, length, w)));
        let j = windows_proven(proven, w);
        prop_assert!(j as usize <= offsets.len() && j <= w);
        prop_assert_eq!(j, proven.count_ones());
        let live = live_points(points, proven, w);
        prop_assert!(live * w as u128 <= points * j as u128);
        prop_assert!(points * (j as u128) < (live + 1) * w as u128);
        let every = (0..length).fold(0, |proven, o| prove_window(proven, window_of(o, length, w)));
        prop_assert_eq!(every, live_windows_all(w));
        prop_assert_eq!(live_points(points, every, w), points);
    }
}
