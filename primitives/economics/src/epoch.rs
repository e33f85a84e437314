//! The epoch boundary as one pure function: [`plan_epoch_close`] takes the state at the
//! boundary and returns everything the chain must do ([`EpochClosePlan`]), in this order:
//!
//! 1. **close the accrual** through the epoch's last block;
//! 2. **the books**: the burns and credits recorded by extrinsics joined with the accrued
//!    emission;
//! 3. **the usage pool**: of the usage emission accrued, what can be allocated
//!    (`min(accrued, cap × basis served)`, see [`close_usage_pool`]);
//! 4. **mint within the supply cap**: the pool is minted only up to the room left below the
//!    maximum total supply; the rest is never minted;
//! 5. **the controller** runs under the parameters in force for the next epoch (pending ones
//!    apply now) on what the closed epoch burned and the issuance at its close;
//! 6. **the hard-cap clamp**: per block and supply cap ([`next_emission`]);
//! 7. **the next split** of the new emission per block, into the next epoch's accrual.
//!
//! The pallet executes the plan (pays the treasury its share from the pot, mints the pool,
//! writes the books) and, should a transfer or a mint fail, records the shortfall with
//! [`EpochClosePlan::record_shortfall`] so that the books still say where every planck went.

use crate::{
    close_usage_pool, next_emission, split_emission, Amount, ControllerState, EmissionAccrual,
    EpochBooks, EpochObservation, HardLimits, Parameters, Totals, UsagePool,
};
use sp_arithmetic::traits::{AtLeast32BitUnsigned, Saturating};

/// The state at an epoch boundary: what [`plan_epoch_close`] needs to know.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EpochClose<BlockNumber> {
    /// Index of the closing epoch.
    pub index: u32,
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
    /// The closed epoch's usage pool: mint `minted` into the reward pot and keep the pool for
    /// lazy settlement.
    pub usage_pool: UsagePool,
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

    /// Records what the chain could not execute: `treasury` of the treasury's share that was
    /// burned back from the pot (the treasury could not receive it), and `usage` of the pool
    /// that could not be minted. Both count as never minted, and the issuance at the close is
    /// lower by as much. The controller's choice is not revisited (it saw the planned issuance;
    /// the difference is below an existential deposit on a running chain).
    pub fn record_shortfall(&mut self, treasury: Amount, usage: Amount) {
        let treasury = treasury.min(self.books.minted_ecosystem);
        let usage = usage.min(self.usage_pool.minted);
        self.books.minted_ecosystem.saturating_reduce(treasury);
        self.usage_pool.minted.saturating_reduce(usage);
        self.books.minted_providers.saturating_reduce(usage);
        let short = treasury.saturating_add(usage);
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
    // 3. The usage pool, and 4. its mint within the supply cap.
    let (mut usage_pool, mut unminted) = close_usage_pool(
        closed.usage,
        books.credits_served,
        books.basis_served,
        state.params.usage_reward_cap,
    );
    let room = limits
        .max_total_supply
        .map_or(Amount::MAX, |cap| cap.saturating_sub(state.total_issuance));
    let minted = usage_pool.minted.min(room);
    unminted.saturating_accrue(usage_pool.minted - minted);
    usage_pool.minted = minted;
    books.minted_providers.saturating_accrue(minted);
    books.unminted.saturating_accrue(unminted);
    books.usage_accrued = 0;
    books.total_issuance_at_close = state.total_issuance.saturating_add(minted);
    // 5. The controller under the next epoch's parameters, and 6. the hard limits.
    let params = state.pending.unwrap_or(state.params);
    let controller = next_emission(
        state.controller,
        &params,
        EpochObservation {
            burned: books.burned(),
            total_issuance: books.total_issuance_at_close,
            next_epoch_length: params.epoch_length,
        },
        limits,
    );
    // 7. The next epoch's split.
    accrual.per_block = split_emission(controller.emission_per_block, &params);
    EpochClosePlan {
        index: state.index,
        books,
        pay_treasury: books.minted_ecosystem,
        usage_pool,
        applied: state.pending,
        params,
        controller,
        accrual,
        prune: state.index.checked_sub(state.ledger_retention),
        totals_before: state.closed_totals,
    }
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
            books: EpochBooks {
                burned_credits: 1_000,
                burned_fees: 50,
                credits_sold: 2_000,
                credits_served: 2_000,
                basis_served: 1_000,
                ..Default::default()
            },
            closed_totals: Totals {
                minted: 7,
                ..Default::default()
            },
            accrual: EmissionAccrual {
                per_block: split_emission(1_000, &params()),
                total_points: 5,
                updated_at: 29,
                ..Default::default()
            },
            last_block: 39,
            controller: ControllerState {
                emission_per_block: 1_000,
                scheduled_target: 1_000,
                smoothed_burn_per_epoch: 0,
            },
            params: params(),
            pending: None,
            total_issuance: 1_000_000,
            ledger_retention: 2,
        }
    }

    #[test]
    fn plan_follows_the_recipe_step_by_step() {
        let plan = plan_epoch_close(boundary(), &limits());
        // 10 blocks: 2_000 treasury, 3_000 availability, 5_000 usage accrued; the pool mints
        // min(5_000, 80% × 1_000) = 800 and 4_200 is never minted.
        assert_eq!(plan.pay_treasury, 2_000);
        assert_eq!(plan.usage_pool.minted, 800);
        assert_eq!(plan.usage_pool.cap, Perbill::from_percent(80));
        assert_eq!(plan.books.minted_ecosystem, 2_000);
        assert_eq!(plan.books.minted_providers, 3_000 + 800);
        assert_eq!(plan.books.unminted, 4_200);
        assert_eq!(plan.books.usage_accrued, 0);
        assert_eq!(plan.books.emission_per_block, 1_000);
        assert_eq!(plan.books.total_issuance_at_close, 1_000_800);
        // Fixed decay of 1%: the target falls to 990, within one 10% step.
        assert_eq!(plan.controller.emission_per_block, 990);
        assert_eq!(plan.accrual.per_block, split_emission(990, &params()));
        assert_eq!(plan.accrual.updated_at, 39);
        assert_eq!((plan.accrual.ecosystem, plan.accrual.usage), (0, 0));
        assert_eq!(plan.accrual.total_points, 5);
        assert_eq!(plan.applied, None);
        assert_eq!(plan.params, params());
        assert_eq!(plan.prune, Some(1));
        assert_eq!(plan.next_index(), 4);
        assert_eq!(plan.closed_totals().minted, 7 + 2_000 + 3_800);
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
        let plan = plan_epoch_close(
            EpochClose {
                pending: Some(new),
                ..boundary()
            },
            &limits(),
        );
        // The closing epoch's pool keeps the cap it ran under (80%).
        assert_eq!(plan.usage_pool.minted, 800);
        assert_eq!(plan.applied, Some(new));
        assert_eq!(plan.params, new);
        // The floor moved to 5_000: one 10% step up, no jump.
        assert_eq!(plan.controller.emission_per_block, 1_100);
    }

    #[test]
    fn the_supply_cap_binds_the_pool_and_the_next_emission() {
        let limits = HardLimits {
            max_total_supply: Some(1_000_500),
            ..limits()
        };
        let plan = plan_epoch_close(boundary(), &limits);
        assert_eq!(plan.usage_pool.minted, 500);
        assert_eq!(plan.books.unminted, 4_200 + 300);
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
        assert_eq!(plan.usage_pool.minted, 500);
        assert_eq!(plan.books.minted_providers, 3_500);
        assert_eq!(plan.books.unminted, 4_200 + 2_300);
        assert_eq!(plan.books.total_issuance_at_close, 1_000_800 - 2_300);
        assert_eq!(
            plan.closed_totals().minted,
            planned.closed_totals().minted - 2_300
        );
        // A shortfall larger than what was planned is bounded by it.
        let mut plan = planned;
        plan.record_shortfall(u128::MAX, u128::MAX);
        assert_eq!(plan.books.minted(), 3_000);
        assert_eq!(plan.books.unminted, 4_200 + 2_800);
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
