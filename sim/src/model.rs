//! The chain's economy epoch by epoch: what extrinsics record during an epoch ([`Activity`])
//! and the epoch boundary the pallet executes ([`plan_epoch_close`]), with the pallet's
//! bookkeeping around it (the treasury's share minted block by block, blocks withheld at the
//! supply cap, pools minted and kept for the claim window, what is unclaimed burned when they
//! expire, parameters applied). No formula is written here: splits, pools, shares, the
//! controller, the blocks that fit and credit pricing are the economics crate's, and the
//! runtime's constants are its presets.

use crate::executor::{EpochEnd, Executor, Group};
use capacloud_economics::{
    basis_of, blocks_that_fit, credits_for_tokens, plan_epoch_close,
    presets::{CREDITS_PER_STABLE_UNIT, LEDGER_RETENTION, REWARD_CLAIM_WINDOW},
    slash, split_emission, split_fee, Amount, ControllerState, Credits, EmissionAccrual,
    EpochBooks, EpochClose, EpochClosePlan, EpochWork, HardLimits, ParameterError, Parameters,
    RewardPool, Totals,
};
use sp_arithmetic::{FixedU128, Perbill, Permill};
use std::collections::{BTreeMap, VecDeque};

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
    /// The reward pools of the closed epochs still in the claim window, oldest first (the
    /// pallet's `RewardPools`).
    pub pools: VecDeque<(u32, RewardPool)>,
    /// Epochs a pool is kept (the runtime's `RewardClaimWindow`): the pool of epoch `i` is
    /// burned (what is unclaimed of it) when epoch `i + claim_window` closes.
    pub claim_window: u32,
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
    /// Bonds slashed.
    pub burned_slashes: Amount,
    /// Rewards forfeited by removed providers (burned from the pot during the epoch; the
    /// close adds what expired pools leave).
    pub burned_forfeited: Amount,
    /// Availability points of the providers that proved liveness.
    pub live_points: u128,
    /// Minted outside the pallet in the epoch's first block (`Root`'s): no book of the
    /// pallet's records it; the close puts it on the `outside_minted` line.
    pub minted_outside: Amount,
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
            pools: VecDeque::new(),
            claim_window: REWARD_CLAIM_WINDOW,
        }
    }

    /// What the reward pot holds for the pools still in the claim window: minted, not yet
    /// claimed. Nobody can sell it.
    pub fn pot(&self) -> Amount {
        self.pools.iter().fold(0, |sum: Amount, (_, pool)| {
            sum.saturating_add(pool.remaining())
        })
    }

    /// A provider claims `reward` from the pool of epoch `epoch` (what
    /// [`RewardPool::reward_of`] gives it, times the accounts claiming alike); returns what the
    /// pool paid (never more than it holds, none once it expired).
    pub fn claim(&mut self, epoch: u32, reward: Amount) -> Amount {
        // Claims are mostly of the newest pool: search from the back.
        match self
            .pools
            .iter_mut()
            .rev()
            .find(|(index, _)| *index == epoch)
        {
            Some((_, pool)) => {
                let paid = reward.min(pool.remaining());
                pool.claimed = pool.claimed.saturating_add(paid);
                paid
            }
            None => 0,
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
    /// (then its whole emission is never minted); burns leave the issuance, a mint outside the
    /// pallet adds to it (booked on the `outside_minted` line); at the boundary the plan is
    /// executed (treasury paid, pools minted, parameters applied).
    pub fn run_epoch(&mut self, activity: &Activity) -> Closed {
        let length = self.params.epoch_length.max(1);
        let first = self.block + 1;
        let last = self.block + length as u64;
        let treasury = self.accrual.minted_per_block();
        let fitting = self.mint_blocks(activity, first, length);
        // The epoch opened at the issuance the last one closed at (`EpochClosePlan::next_books`).
        let opened_at = self.issuance;
        let forfeited = self.expire_pools();
        self.issuance = self
            .issuance
            .saturating_add(activity.minted_outside)
            .saturating_add(treasury.saturating_mul(fitting as u128))
            .saturating_sub(activity.burned_credits)
            .saturating_sub(activity.burned_fees)
            .saturating_sub(activity.burned_slashes)
            .saturating_sub(activity.burned_forfeited)
            .saturating_sub(forfeited);
        let books = EpochBooks {
            burned_credits: activity.burned_credits,
            burned_fees: activity.burned_fees,
            burned_slashes: activity.burned_slashes,
            credits_sold: activity.credits_sold,
            credits_served: activity.credits_served,
            basis_served: activity.basis_served,
            live_points: activity.live_points,
            burned_forfeited: forfeited.saturating_add(activity.burned_forfeited),
            total_issuance_at_open: opened_at,
            ..Default::default()
        }
        // What no book explains (a mint outside the pallet), booked as the pallet books it.
        .with_outside_lines_at(&self.accrual, last, self.issuance);
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
        self.pools.push_back((plan.index, plan.pool));
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
    /// Advances the accrual over the epoch's `length` blocks from `first`, block after block by
    /// the chain's rule (all or nothing, within the hard cap per block, the treasury's share
    /// below the supply cap), and returns how many blocks minted. The epoch's extrinsics run in
    /// its first block, after that block's mint: the first block sees the room at the open, the
    /// others the room its burns left (less what was minted outside the pallet in it).
    fn mint_blocks(&mut self, activity: &Activity, first: u64, length: u32) -> u64 {
        let per_block = self.accrual.per_block;
        let treasury = self.accrual.minted_per_block();
        let room = |issuance: Amount| {
            self.limits
                .max_total_supply
                .map_or(Amount::MAX, |cap| cap.saturating_sub(issuance))
        };
        let max = self.limits.max_emission_per_block;
        let first_fits = blocks_that_fit(&per_block, room(self.issuance), max, 1) as u64;
        let after_first = self
            .issuance
            .saturating_add(activity.minted_outside)
            .saturating_add(treasury.saturating_mul(first_fits as u128))
            .saturating_sub(activity.burned_credits)
            .saturating_sub(activity.burned_fees)
            .saturating_sub(activity.burned_slashes)
            .saturating_sub(activity.burned_forfeited);
        let rest_fits =
            blocks_that_fit(&per_block, room(after_first), max, length.saturating_sub(1)) as u64;
        if first_fits == 1 {
            self.accrual.advance_to(first);
        } else {
            self.accrual.withhold_block(first);
        }
        if rest_fits > 0 {
            self.accrual.advance_to(first + rest_fits);
        }
        let last = first + length as u64 - 1;
        for block in (first + 1 + rest_fits)..=last {
            self.accrual.withhold_block(block);
        }
        first_fits + rest_fits
    }

    /// Takes the pools that leave the claim window at this boundary and returns what is
    /// unclaimed of them: burned before the plan, in this epoch's books (as the pallet's
    /// `close_epoch`).
    fn expire_pools(&mut self) -> Amount {
        let mut forfeited: Amount = 0;
        if let Some(old) = self.epoch.checked_sub(self.claim_window) {
            while self.pools.front().is_some_and(|(index, _)| *index <= old) {
                if let Some((_, pool)) = self.pools.pop_front() {
                    forfeited = forfeited.saturating_add(pool.remaining());
                }
            }
        }
        forfeited
    }
}

/// The simulator's [`Executor`]: the chain's state between epochs ([`Chain`]), the open
/// epoch's [`Activity`], and the credit balance of each group's accounts. Every call does what
/// the extrinsic does to the books, with the economics crate's functions.
#[derive(Clone, Debug)]
pub struct Model {
    /// The chain.
    pub chain: Chain,
    /// Plancks per whole token (the runtime's `TokenUnit`): credits are priced per token.
    pub token_unit: Amount,
    /// The open epoch's activity.
    activity: Activity,
    /// The price in force in the open epoch (none: no credit is sold).
    price: Option<FixedU128>,
    /// Credits and their basis held by each account of a group (identical accounts).
    credits: BTreeMap<Group, (Credits, Amount)>,
    /// The bond each provider of a group holds.
    bonds: BTreeMap<Group, Amount>,
}

impl Model {
    /// Drives `chain`; tokens of `presets::CAPA` plancks.
    pub fn new(chain: Chain) -> Self {
        Model {
            chain,
            token_unit: capacloud_economics::presets::CAPA,
            activity: Activity::default(),
            price: None,
            credits: BTreeMap::new(),
            bonds: BTreeMap::new(),
        }
    }

    /// Credits for `tokens` at the price in force (none without a price, or for too few
    /// tokens: the chain refuses the purchase).
    fn credits_for(&self, tokens: Amount) -> Credits {
        self.price
            .and_then(|price| {
                credits_for_tokens(tokens, price, self.token_unit, CREDITS_PER_STABLE_UNIT)
            })
            .unwrap_or(0)
    }
}

impl Executor for Model {
    fn params(&self) -> Parameters {
        self.chain.params
    }

    fn pending(&self) -> Option<Parameters> {
        self.chain.pending
    }

    fn issuance(&self) -> Amount {
        self.chain.issuance
    }

    fn pot(&self) -> Amount {
        self.chain.pot()
    }

    fn schedule(&mut self, params: Parameters) -> Result<(), ParameterError> {
        self.chain.schedule(params)
    }

    fn open(&mut self, _epoch: u32, price: Option<FixedU128>) {
        self.activity = Activity::default();
        self.price = price;
    }

    fn register(&mut self, group: Group, _: u32, _: u32, _: u32, bond: Amount, _: Permill) {
        // Registering, bonding and attesting move no token in or out of the issuance; the bond
        // is kept for slashes.
        self.bonds.insert(group, bond);
    }

    fn leave(&mut self, _: Group, _: u32) {}

    // The run computes the live points of the capacity in force (`heartbeat` takes them).
    fn attest(&mut self, _: Group, _: u32, _: u32) {}

    fn pay(&mut self, _group: Group, accounts: u32, tokens: Amount) -> Credits {
        let credits = self.credits_for(tokens);
        if credits > 0 {
            // `accounts` identical payments (saturating sums: a product saturates alike).
            let n = accounts as u128;
            let (tokens_all, credits_all) = (tokens.saturating_mul(n), credits.saturating_mul(n));
            self.activity.burned_credits = self.activity.burned_credits.saturating_add(tokens_all);
            self.activity.credits_sold = self.activity.credits_sold.saturating_add(credits_all);
            self.activity.serve(credits_all, tokens_all);
        }
        credits
    }

    fn buy(&mut self, group: Group, accounts: u32, tokens: Amount) -> Credits {
        let credits = self.credits_for(tokens);
        if credits > 0 {
            let n = accounts as u128;
            self.activity.burned_credits = self
                .activity
                .burned_credits
                .saturating_add(tokens.saturating_mul(n));
            self.activity.credits_sold = self
                .activity
                .credits_sold
                .saturating_add(credits.saturating_mul(n));
            let held = self.credits.entry(group).or_default();
            held.0 = held.0.saturating_add(credits);
            held.1 = held.1.saturating_add(tokens);
        }
        credits
    }

    fn spend(&mut self, group: Group, accounts: u32, credits: Credits) -> Amount {
        let held = self.credits.entry(group).or_default();
        if credits == 0 || held.0 < credits {
            return 0;
        }
        let basis = basis_of(credits, held.0, held.1);
        held.0 -= credits;
        held.1 = held.1.saturating_sub(basis);
        let n = accounts as u128;
        self.activity
            .serve(credits.saturating_mul(n), basis.saturating_mul(n));
        basis
    }

    fn mint_outside(&mut self, amount: Amount) {
        self.activity.minted_outside = self.activity.minted_outside.saturating_add(amount);
    }

    fn fee(&mut self, amount: Amount) {
        let burned = split_fee(amount, self.chain.params.fee_burn_share).burned;
        self.activity.burned_fees = self.activity.burned_fees.saturating_add(burned);
    }

    fn slash(&mut self, group: Group, accounts: u32, share: Perbill) -> Amount {
        let bond = self.bonds.entry(group).or_default();
        // The reputation is the run's to follow (`providers::Standing::slashed`).
        let plan = slash(*bond, Permill::zero(), share);
        *bond = plan.bond;
        let burned = plan.burned.saturating_mul(accounts as u128);
        self.activity.burned_slashes = self.activity.burned_slashes.saturating_add(burned);
        burned
    }

    fn freeze(&mut self, _group: Group, _accounts: u32) {
        // No token moves: the pot keeps what the accounts are owed, the run counts it.
    }

    fn remove(
        &mut self,
        group: Group,
        accounts: u32,
        share: Perbill,
        forfeited: Amount,
    ) -> (Amount, Amount) {
        // The chain's `remove_provider`: the share of the bond rounded down, the rest released.
        let bond = self.bonds.remove(&group).unwrap_or_default();
        let slashed = share.mul_floor(bond).saturating_mul(accounts as u128);
        self.activity.burned_slashes = self.activity.burned_slashes.saturating_add(slashed);
        // The pot pays the forfeit out of what the pools owed the accounts: burned.
        self.activity.burned_forfeited = self.activity.burned_forfeited.saturating_add(forfeited);
        (slashed, forfeited)
    }

    fn rebond(&mut self, group: Group, _accounts: u32, amount: Amount) {
        // Held, not burned: only the bond a later slash takes a share of changes.
        let bond = self.bonds.entry(group).or_default();
        *bond = bond.saturating_add(amount);
    }

    fn heartbeat(&mut self, _group: Group, accounts: u32, points: u128) -> u128 {
        self.activity.live_points = self
            .activity
            .live_points
            .saturating_add(points.saturating_mul(accounts as u128));
        points
    }

    fn close(&mut self) -> EpochEnd {
        let closed = self.chain.run_epoch(&self.activity);
        self.activity = Activity::default();
        EpochEnd {
            index: closed.plan.index,
            length: closed.length,
            emission_per_block: closed.emission_per_block,
            books: closed.plan.books,
            pool: closed.plan.pool,
            controller: closed.plan.controller,
        }
    }

    fn claim(&mut self, _group: Group, accounts: u32, end: &EpochEnd, reward: Amount) -> Amount {
        self.chain
            .claim(end.index, reward.saturating_mul(accounts as u128))
    }
}
