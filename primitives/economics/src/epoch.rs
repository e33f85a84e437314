//! The epoch boundary as one pure function: [`plan_epoch_close`] takes the state at the
//! boundary and returns everything the chain must do ([`EpochClosePlan`]), in this order:
//!
//! 1. **close the accrual** through the epoch's last block;
//! 2. **the books**: the burns and credits recorded by extrinsics joined with the accrued
//!    emission;
//! 3. **the reward pools**: of the usage emission accrued, what can be allocated
//!    (`min(accrued, cap × basis served)`, see [`close_usage_pool`]); of the availability
//!    emission, all of it if any provider proved liveness in the epoch, none otherwise
//!    ([`close_availability_pool`]);
//! 4. **mint within the supply cap**: the pools are minted only up to the room left below the
//!    maximum total supply (usage first); the rest is never minted;
//! 5. **the controller** runs under the parameters in force for the next epoch (pending ones
//!    apply now: [`crate::transition`] rescales the burn average to a new epoch length and
//!    starts a new mode or inflation target from the current choice, and the band in force
//!    moves by at most the outgoing parameters' step in the transition epoch) on the closed
//!    epoch's *net* burn
//!    ([`EpochBooks::net_burn`]: the basis of the credits served, fees and slashes, less the
//!    usage rewards minted for the credits served) and the issuance at its close;
//! 6. **the hard-cap clamp**: per block and supply cap, and a step at most back from a
//!    binding supply cap ([`next_emission`]);
//! 7. **the next split** of the new emission per block, into the next epoch's accrual.
//!
//! The pallet executes the plan (pays the treasury its share from the pot, mints the pools,
//! writes the books) and, should a transfer or a mint fail, records the shortfall with
//! [`EpochClosePlan::record_shortfall`] so that the books still say where every planck went.

use crate::{
    close_availability_pool, close_usage_pool, next_emission, split_emission, transition,
    weigh_for_availability, Amount, ControllerState, EmissionAccrual, EpochBooks, EpochObservation,
    HardLimits, Parameters, RewardPool, Totals,
};
use sp_arithmetic::{
    traits::{AtLeast32BitUnsigned, Saturating},
    Perbill,
};

/// The state at an epoch boundary: what [`plan_epoch_close`] needs to know.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EpochClose<BlockNumber> {
    /// Index of the closing epoch.
    pub index: u32,
    /// Its length in blocks.
    pub length: u32,
    /// Its burns and credits, as recorded by extrinsics.
    pub books: EpochBooks,
    /// Totals of every epoch before it.
    pub closed_totals: Totals,
    /// The open epoch's accrual (the availability accumulator continues into the next epoch).
    pub accrual: EmissionAccrual<BlockNumber>,
    /// The last block of the closing epoch.
    pub last_block: BlockNumber,
    /// The controller's state during the closing epoch.
    pub controller: ControllerState,
    /// The parameters in force during the closing epoch.
    pub params: Parameters,
    /// Parameters accepted by governance, to apply from the next epoch on.
    pub pending: Option<Parameters>,
    /// Total issuance at the boundary, before anything of it is minted.
    pub total_issuance: Amount,
    /// Closed epochs whose books the ledger keeps.
    pub ledger_retention: u32,
}

/// What the chain does at an epoch boundary.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EpochClosePlan<BlockNumber> {
    /// Index of the closing epoch.
    pub index: u32,
    /// The closed epoch's books, for the ledger.
    pub books: EpochBooks,
    /// The treasury's share of the epoch, which waited in the reward pot: pay it on.
    pub pay_treasury: Amount,
    /// The closed epoch's reward pools: mint [`RewardPool::minted`] into the reward pot and
    /// keep the pools for lazy settlement.
    pub pool: RewardPool,
    /// The parameters that take effect now, if governance scheduled any.
    pub applied: Option<Parameters>,
    /// The parameters in force in the next epoch.
    pub params: Parameters,
    /// The controller's state for the next epoch.
    pub controller: ControllerState,
    /// The next epoch's accrual: the accumulator carried over, the new per-block split.
    pub accrual: EmissionAccrual<BlockNumber>,
    /// An epoch whose books leave the ledger now, if any.
    pub prune: Option<u32>,
    /// Totals of every epoch before the closing one.
    totals_before: Totals,
}

impl<BlockNumber> EpochClosePlan<BlockNumber> {
    /// Totals of every closed epoch, the one closing now included.
    pub fn closed_totals(&self) -> Totals {
        let mut totals = self.totals_before;
        totals.add(&self.books);
        totals
    }

    /// Index of the epoch that opens now.
    pub fn next_index(&self) -> u32 {
        self.index.saturating_add(1)
    }

    /// The books of the epoch that opens now: empty, opened at the issuance this one closed
    /// at (so that the books explain the issuance without a gap from one epoch to the next).
    pub fn next_books(&self) -> EpochBooks {
        EpochBooks {
            total_issuance_at_open: self.books.total_issuance_at_close,
            ..Default::default()
        }
    }

    /// Records what the chain could not execute: `treasury` of the treasury's share that was
    /// burned back from the pot (the treasury could not receive it), and `pools` of the reward
    /// pools that could not be minted (taken from availability first, then usage). Both count
    /// as never minted, and the issuance at the close is lower by as much. The controller's
    /// choice is not revisited (it saw the planned issuance; the difference is below an
    /// existential deposit on a running chain).
    pub fn record_shortfall(&mut self, treasury: Amount, pools: Amount) {
        let treasury = treasury.min(self.books.minted_ecosystem);
        let pools = pools.min(self.pool.minted());
        let from_availability = pools.min(self.pool.availability);
        let from_usage = pools - from_availability;
        self.pool.availability.saturating_reduce(from_availability);
        self.pool.usage.minted.saturating_reduce(from_usage);
        self.books.minted_usage.saturating_reduce(from_usage);
        self.books.minted_ecosystem.saturating_reduce(treasury);
        self.books.minted_providers.saturating_reduce(pools);
        let short = treasury.saturating_add(pools);
        self.books.unminted.saturating_accrue(short);
        self.books.total_issuance_at_close.saturating_reduce(short);
    }
}

/// Plans the close of an epoch; see the [module docs](self) for the order of operations. All
/// the runtime's hard limits are applied here.
pub fn plan_epoch_close<BlockNumber: AtLeast32BitUnsigned + Copy + Default>(
    state: EpochClose<BlockNumber>,
    limits: &HardLimits,
) -> EpochClosePlan<BlockNumber> {
    // 1. The accrual, through the last block of the epoch.
    let mut accrual = state.accrual;
    let closed = accrual.close(state.last_block, accrual.per_block);
    // 2. The books.
    let mut books = state.books.with_accrual(&closed);
    // 3. The reward pools, and 4. their mint within the supply cap (usage first).
    let room = limits
        .max_total_supply
        .map_or(Amount::MAX, |cap| cap.saturating_sub(state.total_issuance));
    let (pool, unminted) = mint_pools(
        closed.usage,
        closed.availability,
        &books,
        state.params.usage_reward_cap,
        room,
    );
    books.minted_usage = pool.usage.minted;
    books.minted_providers.saturating_accrue(pool.minted());
    books.unminted.saturating_accrue(unminted);
    books.usage_accrued = 0;
    books.availability_accrued = 0;
    books.total_issuance_at_close = state.total_issuance.saturating_add(pool.minted());
    // 5. The controller under the next epoch's parameters, and 6. the hard limits.
    let (params, controller) = next_controller(&state, &books, limits);
    // 7. The next epoch's split.
    accrual.per_block = split_emission(controller.emission_per_block, &params);
    EpochClosePlan {
        index: state.index,
        books,
        pay_treasury: books.minted_ecosystem,
        pool,
        applied: state.pending,
        params,
        controller,
        accrual,
        prune: state.index.checked_sub(state.ledger_retention),
        totals_before: state.closed_totals,
    }
}

/// Steps 3 and 4 of [`plan_epoch_close`]: the reward pools of what accrued to usage and to
/// availability over the epoch whose `books` are given (usage within the reward cap, no
/// availability without live points), then their mint within `room` below the supply cap,
/// the usage pool first. Returns the pools and what was not minted.
fn mint_pools(
    usage_accrued: Amount,
    availability_accrued: Amount,
    books: &EpochBooks,
    usage_reward_cap: Perbill,
    mut room: Amount,
) -> (RewardPool, Amount) {
    let (mut usage, mut unminted) = close_usage_pool(
        usage_accrued,
        books.credits_served,
        books.basis_served,
        usage_reward_cap,
    );
    let (mut availability, unallocated) =
        close_availability_pool(availability_accrued, books.live_points);
    unminted.saturating_accrue(unallocated);
    for minted in [&mut usage.minted, &mut availability] {
        let within = (*minted).min(room);
        unminted.saturating_accrue(*minted - within);
        room.saturating_reduce(within);
        *minted = within;
    }
    let pool = RewardPool {
        usage,
        live_points: books.live_points,
        availability,
        claimed: 0,
    };
    (pool, unminted)
}

/// Steps 5 and 6 of [`plan_epoch_close`]: the parameters of the next epoch (the pending ones,
/// if any) and the controller under them, within the hard limits. A mode switch starts from
/// the current choice; the band in force moves at most by the outgoing step in the transition
/// epoch; the burn is weighed under the closing epoch's parameters, like the average's memory.
fn next_controller<BlockNumber: Copy>(
    state: &EpochClose<BlockNumber>,
    books: &EpochBooks,
    limits: &HardLimits,
) -> (Parameters, ControllerState) {
    let params = state.pending.unwrap_or(state.params);
    let prior = transition(
        state.controller,
        &state.params,
        &params,
        books.total_issuance_at_close,
        limits,
    );
    let stepping = Parameters {
        max_step_per_epoch: state.params.max_step_per_epoch,
        ..params
    };
    let controller = next_emission(
        prior,
        &stepping,
        EpochObservation {
            burned: weigh_for_availability(books.net_burn(), &state.params, &params),
            epoch_length: state.length,
            total_issuance: books.total_issuance_at_close,
            next_epoch_length: params.epoch_length,
        },
        limits,
    );
    (params, controller)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        test_values::{limits, params},
        ControllerMode,
    };
    use sp_arithmetic::Perbill;

    /// Epoch 3 of 10 blocks (blocks 30..=39) at 1_000 per block with one provider online;
    /// 1_000 tokens burned for 2_000 credits served; issuance 1_000_000.
    fn boundary() -> EpochClose<u32> {
        EpochClose {
            index: 3,
            length: 10,
            books: EpochBooks {
                burned_credits: 1_000,
                burned_fees: 50,
                credits_sold: 2_000,
                credits_served: 2_000,
                basis_served: 1_000,
                live_points: 5,
                ..Default::default()
            },
            closed_totals: Totals {
                minted: 7,
                ..Default::default()
            },
            accrual: EmissionAccrual {
                per_block: split_emission(1_000, &params()),
                updated_at: 29,
                ..Default::default()
            },
            last_block: 39,
            controller: ControllerState::starting_at(1_000, &params()),
            params: params(),
            pending: None,
            total_issuance: 1_000_000,
            ledger_retention: 2,
        }
    }

    #[test]
    fn plan_follows_the_recipe_step_by_step() {
        let plan = plan_epoch_close(boundary(), &limits());
        // 10 blocks: 2_000 treasury, 3_000 availability, 5_000 usage accrued; the usage pool
        // mints min(5_000, 60% × 1_000) = 600 and 4_400 is never minted; providers proved
        // liveness, so the availability pool mints all 3_000.
        assert_eq!(plan.pay_treasury, 2_000);
        assert_eq!(plan.pool.usage.minted, 600);
        assert_eq!(plan.pool.usage.cap, Perbill::from_percent(60));
        assert_eq!((plan.pool.availability, plan.pool.live_points), (3_000, 5));
        assert_eq!(plan.pool.claimed, 0);
        assert_eq!(plan.books.minted_ecosystem, 2_000);
        assert_eq!(plan.books.minted_providers, 3_000 + 600);
        assert_eq!(plan.books.minted_usage, 600);
        assert_eq!(plan.books.unminted, 4_400);
        assert_eq!(
            (plan.books.usage_accrued, plan.books.availability_accrued),
            (0, 0)
        );
        assert_eq!(plan.books.emission_per_block, 1_000);
        assert_eq!(plan.books.total_issuance_at_close, 1_003_600);
        // The controller follows the net burn: 1_050 burned less 600 paid back.
        assert_eq!(plan.books.net_burn(), 450);
        // Fixed decay of 1%: the target falls to 990, inside the band.
        assert_eq!(plan.controller.emission_per_block, 990);
        assert_eq!(plan.accrual.per_block, split_emission(990, &params()));
        assert_eq!(plan.accrual.updated_at, 39);
        assert_eq!((plan.accrual.ecosystem, plan.accrual.usage), (0, 0));
        assert_eq!(plan.applied, None);
        assert_eq!(plan.params, params());
        assert_eq!(plan.prune, Some(1));
        assert_eq!(plan.next_index(), 4);
        assert_eq!(plan.closed_totals().minted, 7 + 2_000 + 3_600);
        assert_eq!(plan.closed_totals().burned, 1_050);
    }

    #[test]
    fn pending_parameters_drive_the_controller_and_the_old_cap_the_pool() {
        let new = Parameters {
            usage_reward_cap: Perbill::from_percent(50),
            min_emission_per_block: 5_000,
            max_emission_per_block: 5_000,
            mode: ControllerMode::FixedDecay {
                decay: Perbill::zero(),
            },
            ..params()
        };
        // The band in force has its floor at the emission (1_000).
        let at_the_floor = EpochClose {
            controller: ControllerState {
                floor: 1_000,
                ..boundary().controller
            },
            ..boundary()
        };
        let plan = plan_epoch_close(
            EpochClose {
                pending: Some(new),
                ..at_the_floor
            },
            &limits(),
        );
        // The closing epoch's pool keeps the cap it ran under (60%).
        assert_eq!(plan.pool.usage.minted, 600);
        assert_eq!(plan.applied, Some(new));
        assert_eq!(plan.params, new);
        // The floor moved to 5_000: the floor in force climbs one 10% step, no jump.
        assert_eq!(
            (plan.controller.floor, plan.controller.emission_per_block),
            (1_100, 1_100)
        );
        // A proposal that also allows 50% steps still moves only by the outgoing 10% in the
        // transition epoch.
        let fast = Parameters {
            max_step_per_epoch: Perbill::from_percent(50),
            ..new
        };
        let plan = plan_epoch_close(
            EpochClose {
                pending: Some(fast),
                ..at_the_floor
            },
            &limits(),
        );
        assert_eq!(plan.controller.emission_per_block, 1_100);
        assert_eq!(plan.params.max_step_per_epoch, Perbill::from_percent(50));
    }

    #[test]
    fn the_supply_cap_binds_the_pool_and_the_next_emission() {
        let limits = HardLimits {
            max_total_supply: Some(1_000_500),
            ..limits()
        };
        let plan = plan_epoch_close(boundary(), &limits);
        // Usage first: 500 of its 600; no room left for the 3_000 of availability.
        assert_eq!((plan.pool.usage.minted, plan.pool.availability), (500, 0));
        assert_eq!(plan.books.unminted, 4_400 + 100 + 3_000);
        assert_eq!(plan.books.total_issuance_at_close, 1_000_500);
        assert_eq!(plan.controller.emission_per_block, 0);
        assert_eq!(plan.accrual.per_block.total(), 0);
    }

    #[test]
    fn shortfalls_move_to_unminted_and_lower_the_issuance() {
        let mut plan = plan_epoch_close(boundary(), &limits());
        let planned = plan;
        plan.record_shortfall(2_000, 300);
        assert_eq!(plan.books.minted_ecosystem, 0);
        // Availability absorbs the pools' shortfall first.
        assert_eq!(
            (plan.pool.usage.minted, plan.pool.availability),
            (600, 2_700)
        );
        assert_eq!(plan.books.minted_providers, 3_300);
        assert_eq!(plan.books.unminted, 4_400 + 2_300);
        assert_eq!(plan.books.total_issuance_at_close, 1_003_600 - 2_300);
        assert_eq!(
            plan.closed_totals().minted,
            planned.closed_totals().minted - 2_300
        );
        // A shortfall larger than what was planned is bounded by it.
        let mut plan = planned;
        plan.record_shortfall(u128::MAX, u128::MAX);
        assert_eq!(plan.books.minted(), 0);
        assert_eq!((plan.pool.minted(), plan.books.minted_usage), (0, 0));
        assert_eq!(plan.books.unminted, 4_400 + 5_600);
    }

    #[test]
    fn availability_without_live_providers_is_never_minted() {
        let mut state = boundary();
        state.books.live_points = 0;
        let plan = plan_epoch_close(state, &limits());
        assert_eq!(plan.pool.availability, 0);
        assert_eq!(plan.books.minted_providers, 600);
        assert_eq!(plan.books.unminted, 4_400 + 3_000);
    }

    #[test]
    fn the_first_epochs_prune_nothing() {
        for index in 0..=2 {
            let plan = plan_epoch_close(
                EpochClose {
                    index,
                    ..boundary()
                },
                &limits(),
            );
            assert_eq!(plan.prune, index.checked_sub(2));
        }
    }
}
