//! The chain's economy epoch by epoch: what extrinsics record during an epoch ([`Activity`])
//! and the epoch boundary the pallet executes ([`plan_epoch_close`]), with the pallet's
//! bookkeeping around it (the treasury's share minted block by block, blocks withheld at the
//! supply cap, pools minted, parameters applied). No formula is written here: splits, pools,
//! shares, the controller and credit pricing are the economics crate's.

use capacloud_economics::{
    credits_for_tokens, plan_epoch_close, split_emission, Amount, ControllerState, Credits,
    EmissionAccrual, EpochBooks, EpochClose, EpochClosePlan, EpochWork, HardLimits, Parameters,
    RewardPool, Totals,
};
use sp_arithmetic::FixedU128;

/// Credits per stable unit of price: one credit is 0.001 of the stable unit (the runtime's
/// `CreditsPerStableUnit`).
pub const CREDITS_PER_STABLE_UNIT: u128 = 1_000;
/// Closed epochs whose books the chain keeps (the runtime's `LedgerRetention`); only the plan's
/// pruning decision depends on it.
pub const LEDGER_RETENTION: u32 = 90;

/// The chain's economic state between epochs.
#[derive(Clone, Debug)]
pub struct Chain {
    /// Parameters in force.
    pub params: Parameters,
    /// Parameters accepted by governance, applied at the next boundary.
    pub pending: Option<Parameters>,
    /// The runtime's hard limits.
    pub limits: HardLimits,
    /// The controller's memory.
    pub controller: ControllerState,
    /// The open epoch's accrual.
    pub accrual: EmissionAccrual<u64>,
    /// Total issuance.
    pub issuance: Amount,
    /// Totals of every closed epoch.
    pub totals: Totals,
    /// Index of the open epoch.
    pub epoch: u32,
    /// The last block of the last closed epoch.
    pub block: u64,
}

/// What extrinsics recorded during one epoch: burns, credits, liveness.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Activity {
    /// Tokens burned buying credits.
    pub burned_credits: Amount,
    /// Credits bought.
    pub credits_sold: Credits,
    /// Credits spent with providers.
    pub credits_served: Credits,
    /// Tokens burned for the credits served.
    pub basis_served: Amount,
    /// Transaction fees burned.
    pub burned_fees: Amount,
    /// Availability points of the providers that proved liveness.
    pub live_points: u128,
}

impl Activity {
    /// A purchase of credits burning `tokens` at `price` (whole tokens of `token_unit`
    /// plancks); returns the credits bought (the chain's rounding), none for a purchase the
    /// chain refuses (`TooSmallForOneCredit`: it buys no credit), which then burns nothing.
    pub fn buy(&mut self, tokens: Amount, price: FixedU128, token_unit: Amount) -> Credits {
        let credits =
            credits_for_tokens(tokens, price, token_unit, CREDITS_PER_STABLE_UNIT).unwrap_or(0);
        if credits > 0 {
            self.burned_credits = self.burned_credits.saturating_add(tokens);
            self.credits_sold = self.credits_sold.saturating_add(credits);
        }
        credits
    }

    /// Credits spent with a provider, with the tokens burned for them (`basis`).
    pub fn serve(&mut self, credits: Credits, basis: Amount) {
        self.credits_served = self.credits_served.saturating_add(credits);
        self.basis_served = self.basis_served.saturating_add(basis);
    }

    /// A purchase with CAPA served in full in the same epoch (`pay_for_compute`); returns the
    /// credits.
    pub fn buy_and_serve(&mut self, tokens: Amount, price: FixedU128) -> Credits {
        let credits = self.buy(tokens, price, capacloud_economics::presets::CAPA);
        if credits > 0 {
            self.serve(credits, tokens);
        }
        credits
    }
}

/// One closed epoch: the plan the chain executed, and the issuance after it.
#[derive(Clone, Copy, Debug)]
pub struct Closed {
    /// The plan, as executed (the books, the pools, the next controller state).
    pub plan: EpochClosePlan<u64>,
    /// Its length in blocks.
    pub length: u32,
    /// Emission per block during the epoch.
    pub emission_per_block: Amount,
}

impl Closed {
    /// The reward pools of the closed epoch.
    pub fn pool(&self) -> &RewardPool {
        &self.plan.pool
    }

    /// What a provider with `work` in this epoch receives (the chain's settlement, rounded
    /// down).
    pub fn reward_of(&self, credits: Credits, basis: Amount, live_points: u128) -> Amount {
        self.plan.pool.reward_of(&EpochWork {
            epoch: self.plan.index,
            credits,
            basis,
            live_points,
            // Settlement reads the live points only; the windows they were proven in are
            // already in them.
            live_windows: 0,
        })
    }
}

impl Chain {
    /// A chain at genesis: `params` in force, emitting `emission` per block, with `issuance`.
    pub fn new(params: Parameters, limits: HardLimits, emission: Amount, issuance: Amount) -> Self {
        let emission = emission.clamp(params.min_emission_per_block, params.max_emission_per_block);
        Chain {
            params,
            pending: None,
            limits,
            controller: ControllerState::at_genesis(emission, &params),
            accrual: EmissionAccrual {
                per_block: split_emission(emission, &params),
                ..Default::default()
            },
            issuance,
            totals: Totals::default(),
            epoch: 0,
            block: 0,
        }
    }

    /// Governance accepted `params`: they apply at the next boundary (as `set_parameters`).
    pub fn schedule(
        &mut self,
        params: Parameters,
    ) -> Result<(), capacloud_economics::ParameterError> {
        params.validate(&self.limits)?;
        self.pending = Some(params);
        Ok(())
    }

    /// Runs the open epoch with `activity` and closes it, as the pallet does: each block mints
    /// the treasury's share into the pot unless the supply cap or the hard cap withholds it
    /// (then its whole emission is never minted); burns leave the issuance; at the boundary
    /// the plan is executed (treasury paid, pools minted, parameters applied).
    pub fn run_epoch(&mut self, activity: &Activity) -> Closed {
        let length = self.params.epoch_length.max(1);
        let first = self.block + 1;
        let last = self.block + length as u64;
        let per_block = self.accrual.per_block;
        let treasury = self.accrual.minted_per_block();
        // Blocks that fit: all, unless the hard cap is exceeded (none) or the room below the
        // supply cap runs out (the rest of the epoch is withheld).
        let room = self
            .limits
            .max_total_supply
            .map_or(Amount::MAX, |cap| cap.saturating_sub(self.issuance));
        let fitting = if per_block.total() > self.limits.max_emission_per_block {
            0
        } else if treasury == 0 {
            length as u64
        } else {
            (room / treasury).min(length as u64 as u128) as u64
        };
        if fitting > 0 {
            self.accrual.advance_to(first + fitting - 1);
        }
        for block in (first + fitting)..=last {
            self.accrual.withhold_block(block);
        }
        // The epoch opened at the issuance the last one closed at (`EpochClosePlan::next_books`).
        let opened_at = self.issuance;
        self.issuance = self
            .issuance
            .saturating_add(treasury.saturating_mul(fitting as u128))
            .saturating_sub(activity.burned_credits)
            .saturating_sub(activity.burned_fees);
        let books = EpochBooks {
            burned_credits: activity.burned_credits,
            burned_fees: activity.burned_fees,
            credits_sold: activity.credits_sold,
            credits_served: activity.credits_served,
            basis_served: activity.basis_served,
            live_points: activity.live_points,
            total_issuance_at_open: opened_at,
            ..Default::default()
        };
        let emission_per_block = self.controller.emission_per_block;
        let plan = plan_epoch_close(
            EpochClose {
                index: self.epoch,
                length,
                books,
                closed_totals: self.totals,
                accrual: self.accrual,
                last_block: last,
                controller: self.controller,
                params: self.params,
                pending: self.pending,
                total_issuance: self.issuance,
                ledger_retention: LEDGER_RETENTION,
            },
            &self.limits,
        );
        self.issuance = plan.books.total_issuance_at_close;
        self.totals = plan.closed_totals();
        self.params = plan.params;
        self.pending = None;
        self.controller = plan.controller;
        self.accrual = plan.accrual;
        self.epoch = plan.next_index();
        self.block = last;
        Closed {
            plan,
            length,
            emission_per_block,
        }
    }
}
