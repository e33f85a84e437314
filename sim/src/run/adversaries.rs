//! The adversaries of a run: their accounts' registration, each epoch's work (liveness,
//! self-dealing purchases and spending, an inflated capacity, boundary timing, a verifier
//! quorum's lie), governance's slashes, freezes and removals of them, and the settlement of
//! what they earned. [`super::drive`] calls these in the chain's order.

use super::{Impossible, RunSetup};
use crate::{
    executor::{EpochEnd, Executor, Group},
    providers::Standing,
    scenario::{plancks, Adversary, Scenario},
};
use capacloud_economics::{presets::CAPA, settle_usage, Amount, Parameters};
use sp_arithmetic::Perbill;
use std::collections::VecDeque;

/// Registers every adversary's accounts (in the run's first epoch) and keeps the bond and the
/// verified capacity each account got.
pub(super) fn register_adversaries<E: Executor>(
    scenario: &Scenario,
    attacking: &[bool],
    params: &Parameters,
    states: &mut [AdversaryState],
    ex: &mut E,
) {
    for (index, adversary) in scenario.adversaries.iter().enumerate() {
        let (bond, capacity) =
            register_adversary(adversary, attacking[index], index as u32, params, ex);
        states[index].bond = bond;
        states[index].capacity = capacity;
    }
}

/// Every adversary's accounts settle their rewards of the closed epoch `end`; those that
/// served gain reputation.
pub(super) fn settle_adversaries<E: Executor>(
    states: &mut [AdversaryState],
    work: &[AccountWork],
    end: &EpochEnd,
    params: &Parameters,
    ex: &mut E,
) {
    for (index, (state, w)) in states.iter_mut().zip(work).enumerate() {
        state.settle(Group::Adversary(index as u32), w, end, ex);
        if w.points > 0 {
            state.standing.served(params);
        }
    }
}

/// Governance's slashes of `epoch` of the attacking adversaries (`slash_provider`): their cost
/// counts as burned.
pub(super) fn governance_slashes<E: Executor>(
    scenario: &Scenario,
    epoch: u32,
    attacking: &[bool],
    params: &Parameters,
    states: &mut [AdversaryState],
    ex: &mut E,
) {
    for slash in scenario.slashes.iter().filter(|s| s.epoch == epoch) {
        let index = slash.adversary;
        if !attacking[index] {
            continue;
        }
        let share = Perbill::from_float(slash.share);
        let accounts = scenario.adversaries[index].accounts();
        let state = &mut states[index];
        let (bond, _) = state
            .standing
            .slashed(params, state.bond, state.capacity, share);
        state.bond = bond;
        let burned = ex.slash(Group::Adversary(index as u32), accounts, share);
        state.burned = state.burned.saturating_add(burned);
        if slash.rebond && state.standing.paused {
            let top_up = params
                .required_bond(state.capacity)
                .saturating_sub(state.bond);
            ex.rebond(Group::Adversary(index as u32), accounts, top_up);
            state.bond = state.bond.saturating_add(top_up);
            state.standing.resumed(epoch);
        }
    }
}

/// Governance's freezes of `epoch` of the attacking adversaries (`freeze_provider`): nobody
/// claims their rewards for `setup.freeze_blocks` blocks from the epoch's first block.
pub(super) fn governance_freezes<E: Executor>(
    scenario: &Scenario,
    epoch: u32,
    attacking: &[bool],
    setup: &RunSetup,
    states: &mut [AdversaryState],
    ex: &mut E,
) {
    for freeze in scenario.freezes.iter().filter(|f| f.epoch == epoch) {
        let index = freeze.adversary;
        let state = &mut states[index];
        if !attacking[index] || state.removed {
            continue;
        }
        let accounts = scenario.adversaries[index].accounts();
        ex.freeze(Group::Adversary(index as u32), accounts);
        state.frozen_for = setup.freeze_blocks;
    }
}

/// Governance's removals of `epoch` of the attacking adversaries (`remove_provider`): the
/// share of their bonds slashed counts as burned; the rewards still locked are forfeited (no
/// longer received); the accounts stop.
pub(super) fn governance_removals<E: Executor>(
    scenario: &Scenario,
    epoch: u32,
    attacking: &[bool],
    states: &mut [AdversaryState],
    ex: &mut E,
) {
    for removal in scenario.removals.iter().filter(|r| r.epoch == epoch) {
        let index = removal.adversary;
        let state = &mut states[index];
        if !attacking[index] || state.removed {
            continue;
        }
        let accounts = scenario.adversaries[index].accounts();
        // Everything not claimed: what is locked, and what unlocked during a freeze.
        let unclaimed = state
            .locked
            .drain(..)
            .fold(std::mem::take(&mut state.held), Amount::saturating_add);
        let (slashed, forfeited) = ex.remove(
            Group::Adversary(index as u32),
            accounts,
            Perbill::from_float(removal.share),
            unclaimed,
        );
        state.burned = state.burned.saturating_add(slashed);
        state.received = state.received.saturating_sub(forfeited);
        state.forfeited = state.forfeited.saturating_add(forfeited);
        state.removed = true;
        state.bond = 0;
    }
}

/// An adversary's epoch ([`adversary_work`]), with a refused purchase recorded as impossible
/// and what it burned added to its account. A removed adversary does nothing.
pub(super) fn adversary_epoch<E: Executor>(
    adversary: &Adversary,
    attack: bool,
    epoch: Epoch,
    state: &mut AdversaryState,
    left: &mut Amount,
    impossible: &mut Impossible,
    ex: &mut E,
) -> AccountWork {
    if state.removed {
        return AccountWork::default();
    }
    let w = adversary_work(adversary, attack, epoch, state, ex, left);
    if w.refused {
        impossible.refused_purchases += 1;
        let (now, available) = (epoch.index, *left);
        let (Group::Adversary(index) | Group::Honest(index)) = epoch.group;
        impossible.note(|| {
            format!(
                "epoch {now}: adversary {index} asked to burn {} CAPA, {} left to buy",
                (plancks(adversary.burn_per_epoch()).saturating_mul(adversary.accounts() as u128))
                    / CAPA,
                available / CAPA
            )
        });
    }
    state.burned = state
        .burned
        .saturating_add(w.burned_each.saturating_mul(w.accounts as u128));
    w
}

/// An adversary's running state in a pass.
#[derive(Clone, Debug)]
pub(super) struct AdversaryState {
    /// Its accounts' standing (identical accounts).
    pub(super) standing: Standing,
    /// Credits bought and not spent yet.
    unspent: Vec<Unspent>,
    /// What it received in all.
    pub(super) received: Amount,
    /// Of which from the usage pools.
    pub(super) from_usage: Amount,
    /// Of which from the availability pools.
    pub(super) from_availability: Amount,
    /// What the attack cost it in burned tokens: its burns and its slashes.
    pub(super) burned: Amount,
    /// The bond each account holds.
    pub(super) bond: Amount,
    /// The verified capacity each account's bond must cover.
    pub(super) capacity: u32,
    /// What its accounts settled in the last `reward_delay` closed epochs, oldest first: still
    /// locked on the chain, forfeited by a removal.
    locked: VecDeque<Amount>,
    /// Epochs a reward stays locked after its epoch closes.
    reward_delay: u32,
    /// What a removal took back of what it had settled.
    pub(super) forfeited: Amount,
    /// Blocks a freeze still holds its rewards, from the open epoch's first block (none: not
    /// frozen).
    frozen_for: u32,
    /// What unlocked while a freeze held it: unclaimed until the freeze ends.
    held: Amount,
    /// Governance removed its accounts: they do nothing more.
    pub(super) removed: bool,
}

impl AdversaryState {
    pub(super) fn new(standing: Standing, reward_delay: u32) -> Self {
        AdversaryState {
            locked: VecDeque::with_capacity(reward_delay as usize + 1),
            reward_delay,
            forfeited: 0,
            frozen_for: 0,
            held: 0,
            removed: false,
            bond: 0,
            capacity: 0,
            standing,
            unspent: Vec::new(),
            received: 0,
            from_usage: 0,
            from_availability: 0,
            burned: 0,
        }
    }

    /// Its accounts settle their rewards of the closed epoch.
    pub(super) fn settle<E: Executor>(
        &mut self,
        group: Group,
        w: &AccountWork,
        end: &EpochEnd,
        ex: &mut E,
    ) {
        // Identical accounts get identical (rounded) rewards.
        let each = end.reward_of(w.credits, w.basis, w.points);
        let accounts = w.accounts as u128;
        let all = ex.claim(group, w.accounts, end, each);
        self.received = self.received.saturating_add(all);
        // Locked for `reward_delay` epochs: claimable once the next `reward_delay` closes
        // have passed, and claimed then unless a freeze holds it. The claim is made in the
        // first block after `end` closed: a freeze lasts until then if it had more blocks left
        // than the epoch had.
        self.frozen_for = self.frozen_for.saturating_sub(end.length);
        self.locked.push_back(all);
        while self.locked.len() > self.reward_delay as usize {
            let unlocked = self.locked.pop_front().unwrap_or(0);
            if self.frozen_for > 0 {
                self.held = self.held.saturating_add(unlocked);
            }
        }
        if self.frozen_for == 0 {
            self.held = 0;
        }
        // The same reward in its two parts (the usage share first, as the pool pays it).
        let usage = settle_usage(&end.pool.usage, w.basis).min(each);
        self.from_usage = self
            .from_usage
            .saturating_add(usage.saturating_mul(accounts));
        self.from_availability = self
            .from_availability
            .saturating_add(all.saturating_sub(usage.saturating_mul(accounts)));
    }
}

/// What an adversary sees of the epoch it acts in.
#[derive(Clone, Copy)]
pub(super) struct Epoch<'a> {
    pub(super) index: u32,
    pub(super) group: Group,
    pub(super) params: &'a Parameters,
    /// Whether the chain sells credits (no price-feed outage).
    pub(super) sales: bool,
}

/// An adversary's work in one epoch: `accounts` identical accounts, each serving `credits`
/// bought by burning `basis`, proving `points` live and burning `burned_each` for the attack.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct AccountWork {
    pub(super) accounts: u32,
    pub(super) credits: u128,
    pub(super) basis: Amount,
    pub(super) points: u128,
    pub(super) burned_each: Amount,
    /// Its purchase this epoch was refused: the tokens did not exist.
    pub(super) refused: bool,
}

/// Credits an adversary's accounts bought and will spend later: the epoch they are spent in
/// and the credits each account spends then.
#[derive(Clone, Copy, Debug)]
struct Unspent {
    due: u32,
    credits: u128,
}

/// Registers an adversary's accounts (new accounts, in the run's first epoch): a self-dealer's
/// and a boundary timer's with the bond their capacity requires, a capacity inflater with its
/// declared capacity (the truth when it does not attack) and its bond, a lying quorum's friend
/// with the capacity and bond of the lie (lying feeders register nothing); the verifiers attest
/// the real capacity. Returns each account's bond and verified capacity (none when the bond
/// does not cover the attestation).
fn register_adversary<E: Executor>(
    adversary: &Adversary,
    attack: bool,
    index: u32,
    params: &Parameters,
    ex: &mut E,
) -> (Amount, u32) {
    let group = Group::Adversary(index);
    let initial = params.initial_reputation;
    let (accounts, declared, real, bond) = match *adversary {
        // Feeders are not providers: nothing to register.
        Adversary::LyingFeeders { .. } => return (0, 0),
        Adversary::SelfDealer {
            group: accounts,
            capacity,
            ..
        } => (accounts, capacity, capacity, params.required_bond(capacity)),
        Adversary::CapacityInflater {
            declared,
            real,
            bond,
        } => (1, if attack { declared } else { real }, real, plancks(bond)),
        Adversary::BoundaryTimer { capacity, .. } => {
            (1, capacity, capacity, params.required_bond(capacity))
        }
        // Declares and bonds for the lie from the start, attested the truth until the quorum
        // lies; the same when it does not attack, so that only the lie differs.
        Adversary::LyingQuorum { declared, real, .. } => {
            (1, declared, real, params.required_bond(declared))
        }
    };
    ex.register(group, accounts, declared, real, bond, initial);
    let verified = if bond >= params.required_bond(real) {
        real
    } else {
        0
    };
    (bond, verified)
}

/// An adversary's work in `epoch` on `ex`; its `state` keeps what it bought and spends in a
/// later epoch; `left` is what can still be burned this epoch.
fn adversary_work<E: Executor>(
    adversary: &Adversary,
    attack: bool,
    epoch: Epoch,
    state: &mut AdversaryState,
    ex: &mut E,
    left: &mut Amount,
) -> AccountWork {
    let (params, now, group) = (epoch.params, epoch.index, epoch.group);
    // Proves liveness (`heartbeat`) when the chain would count it.
    let standing = state.standing;
    let live = |ex: &mut E, accounts: u32, capacity: u32| {
        let points = standing.live_points(params, now, capacity);
        if points > 0 {
            ex.heartbeat(group, accounts, points)
        } else {
            0
        }
    };
    match *adversary {
        Adversary::SelfDealer {
            group: accounts,
            burn,
            from,
            epochs,
            capacity,
            spend_after,
        } => {
            let work = AccountWork {
                accounts,
                points: live(ex, accounts, capacity),
                ..Default::default()
            };
            let buying = attack && now >= from && now < from.saturating_add(epochs) && epoch.sales;
            let purchase = buying.then(|| plancks(burn));
            self_dealing(work, purchase, spend_after, epoch, state, ex, left)
        }
        Adversary::CapacityInflater { real, bond, .. } => {
            // The verifiers attest the real capacity whatever is declared; the chain accepts
            // the attestation only if the bond covers it, and the registration only with the
            // minimum bond. Declaring more changes nothing.
            let bond = plancks(bond);
            let attested = if bond >= params.required_bond(real) {
                real
            } else {
                0
            };
            AccountWork {
                accounts: 1,
                points: live(ex, 1, attested),
                ..Default::default()
            }
        }
        Adversary::LyingQuorum {
            declared,
            real,
            from,
        } => {
            // The lie, in epoch `from`: agreed then, counted from the next epoch.
            if attack && now == from {
                ex.attest(group, 1, declared);
                state.capacity = declared;
            }
            let capacity = if attack && now > from { declared } else { real };
            AccountWork {
                accounts: 1,
                points: live(ex, 1, capacity),
                ..Default::default()
            }
        }
        // The lie is in the price the epoch opened with ([`crate::feeds`]).
        Adversary::LyingFeeders { .. } => AccountWork::default(),
        Adversary::BoundaryTimer { capacity, period } => {
            // Honest: live every epoch. Attacking: live one epoch in `period`.
            let points = if !attack || now % period.max(1) == 0 {
                live(ex, 1, capacity)
            } else {
                0
            };
            AccountWork {
                accounts: 1,
                points,
                ..Default::default()
            }
        }
    }
}

/// A self-dealing group's purchase and spending in `epoch`, on top of its liveness `work`: each
/// account burns the `purchase`'s tokens for credits (none: not buying; the whole group is
/// refused when the tokens do not exist, so that its accounts stay identical), kept until `spend_after` epochs
/// later; the credits that are due are spent with the group's own providers while they may be
/// paid (`ReputationTooLow` otherwise: the credits wait).
fn self_dealing<E: Executor>(
    mut work: AccountWork,
    purchase: Option<Amount>,
    spend_after: u32,
    epoch: Epoch,
    state: &mut AdversaryState,
    ex: &mut E,
    left: &mut Amount,
) -> AccountWork {
    let (now, group, accounts) = (epoch.index, epoch.group, work.accounts);
    let tokens = purchase.unwrap_or(0);
    let needed = tokens.saturating_mul(accounts as u128);
    if purchase.is_some() && needed > *left {
        work.refused = true;
    } else if purchase.is_some() {
        // A purchase too small for one credit is refused by the chain: nothing burned.
        let credits = ex.buy(group, accounts, tokens);
        if credits > 0 {
            *left = left.saturating_sub(needed);
            work.burned_each = tokens;
            state.unspent.push(Unspent {
                due: now.saturating_add(spend_after),
                credits,
            });
        }
    }
    if state.standing.payable(epoch.params) {
        let mut due = 0;
        state.unspent.retain(|bought| {
            if bought.due > now {
                return true;
            }
            due += bought.credits;
            false
        });
        if due > 0 {
            work.credits = due;
            work.basis = ex.spend(group, accounts, due);
        }
    }
    work
}
