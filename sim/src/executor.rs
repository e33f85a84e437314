//! What a run asks of the chain, as the extrinsics a world would submit: [`Executor`].
//!
//! [`crate::run`] turns a scenario into these calls epoch by epoch; the simulator's
//! [`crate::model::Model`] executes them at epoch granularity with the economics crate's
//! functions, and the pallet's equivalence test executes the very same calls as extrinsics on a
//! mock runtime, so that a run and the chain are compared from the scenario on.
//!
//! Accounts come in [`Group`]s of identical accounts (an honest cohort, an adversary's
//! accounts): a call names the group and how many of its accounts make it, each doing the
//! same. Every epoch's calls are made in its first block, after that block's mint.

use capacloud_economics::{
    Amount, ControllerState, Credits, EpochBooks, EpochWork, ParameterError, Parameters, RewardPool,
};
use sp_arithmetic::{FixedU128, Perbill, Permill};

/// Identical accounts that act together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// The honest providers that joined together (index in join order).
    Honest(u32),
    /// An adversary's accounts (index in the scenario).
    Adversary(u32),
}

/// A closed epoch as the chain recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochEnd {
    /// The epoch.
    pub index: u32,
    /// Its length in blocks.
    pub length: u32,
    /// Emission per block during the epoch.
    pub emission_per_block: Amount,
    /// Its books.
    pub books: EpochBooks,
    /// Its reward pools.
    pub pool: RewardPool,
    /// The controller after the close.
    pub controller: ControllerState,
}

impl EpochEnd {
    /// What a provider with `work` in this epoch receives (the chain's settlement, rounded
    /// down).
    pub fn reward_of(&self, credits: Credits, basis: Amount, live_points: u128) -> Amount {
        self.pool.reward_of(&EpochWork {
            epoch: self.index,
            credits,
            basis,
            live_points,
            // Settlement reads the live points only.
            live_windows: 0,
        })
    }
}

/// The chain, as a run drives it.
pub trait Executor {
    /// The parameters in force.
    fn params(&self) -> Parameters;
    /// The parameters governance accepted, applied at the next boundary.
    fn pending(&self) -> Option<Parameters>;
    /// Total issuance at the open of the epoch (before its first block's mint).
    fn issuance(&self) -> Amount;
    /// What the reward pot holds for the pools still in the claim window, unclaimed.
    fn pot(&self) -> Amount;
    /// Governance accepts `params` (`set_parameters`), applied at the next boundary.
    fn schedule(&mut self, params: Parameters) -> Result<(), ParameterError>;
    /// Epoch `epoch` opens with `price` in force (the feeders agree on it), or none (an
    /// outage: no credit is sold).
    fn open(&mut self, epoch: u32, price: Option<FixedU128>);
    /// `accounts` accounts of `group` register as providers of `capacity` units with `bond`,
    /// at `reputation`, and the verifiers attest `attested` units (refused if the bond does not
    /// cover them).
    fn register(
        &mut self,
        group: Group,
        accounts: u32,
        capacity: u32,
        attested: u32,
        bond: Amount,
        reputation: Permill,
    );
    /// The capacity verifiers attest `capacity` units for each of the newest `accounts`
    /// providers of `group` (`attest_capacity` by a quorum); it counts from the next epoch.
    fn attest(&mut self, group: Group, accounts: u32, capacity: u32);
    /// The newest `accounts` accounts of `group` leave.
    fn leave(&mut self, group: Group, accounts: u32);
    /// A buyer pays each of `accounts` providers of `group` `tokens` (`pay_for_compute`);
    /// returns the credits each payment bought (none: refused).
    fn pay(&mut self, group: Group, accounts: u32, tokens: Amount) -> Credits;
    /// Each of `accounts` accounts of `group` buys credits burning `tokens` (`buy_credits`);
    /// returns the credits each bought (none: refused).
    fn buy(&mut self, group: Group, accounts: u32, tokens: Amount) -> Credits;
    /// Each of `accounts` accounts of `group` spends `credits` of its own with itself as the
    /// provider (`spend_credits`); returns the basis of each.
    fn spend(&mut self, group: Group, accounts: u32, credits: Credits) -> Amount;
    /// A transaction fee of `amount` is paid.
    fn fee(&mut self, amount: Amount);
    /// `amount` is minted outside the pallet's books (`Root`'s `force_set_balance`) into an
    /// account that holds it.
    fn mint_outside(&mut self, amount: Amount);
    /// Governance slashes `share` of each of `accounts` providers of `group`
    /// (`slash_provider`); returns what was burned from all their bonds.
    fn slash(&mut self, group: Group, accounts: u32, share: Perbill) -> Amount;
    /// Each of `accounts` providers of `group`, paused by a slash, adds `amount` to its bond
    /// (`bond_extra`) and resumes (`resume`).
    fn rebond(&mut self, group: Group, accounts: u32, amount: Amount);
    /// Governance freezes each of `accounts` providers of `group` (`freeze_provider`): their
    /// rewards cannot be claimed for the runtime's `MinUnbondingPeriod` blocks.
    fn freeze(&mut self, group: Group, accounts: u32);
    /// Governance removes each of `accounts` providers of `group` (`remove_provider`): `share`
    /// of its bond burned, the rest released, and what it is owed, `forfeited` by the run's
    /// account (its rewards still locked), burned from the reward pot. Returns what all of
    /// them lost: `(slashed, forfeited)`.
    fn remove(
        &mut self,
        group: Group,
        accounts: u32,
        share: Perbill,
        forfeited: Amount,
    ) -> (Amount, Amount);
    /// Each of `accounts` providers of `group` proves every liveness window of the epoch,
    /// worth `points` live points by the simulator's rules; returns the points the chain
    /// counted for each.
    fn heartbeat(&mut self, group: Group, accounts: u32, points: u128) -> u128;
    /// The epoch closes.
    fn close(&mut self) -> EpochEnd;
    /// Each of `accounts` providers of `group` settles `reward` of the closed epoch `end`;
    /// returns what all of them received.
    fn claim(&mut self, group: Group, accounts: u32, end: &EpochEnd, reward: Amount) -> Amount;
}
