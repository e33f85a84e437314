//! Unit and property tests of pallet-burn-mint, by concern. Every test ends with
//! `do_try_state` ([`ExtBuilder::build_and_execute`]).

mod credits;
mod emission;
mod freeze;
mod ledger;
mod liveness;
mod parameters;
mod prices;
mod properties;
mod providers;
mod self_dealing;
mod simulator;
mod soundness;
mod storage;
mod verifiers;
mod worked_example;

pub use crate::{
    economics::{ControllerMode, Parameters},
    mock::*,
    CapacityVerifiers, CreditBalances, CurrentEpoch, Emission, Error, Event, FeeHandler, History,
    HoldReason, Ledger, PoolClaim, PoolClaims, PriceFeeders, ProviderStatus, Providers,
    RewardPools, VerifierBonds,
};
pub use frame_support::{
    assert_noop, assert_ok,
    traits::{
        fungible::{Balanced, Inspect, InspectHold, Mutate, MutateFreeze},
        tokens::{Fortitude, Precision, Preservation},
        OnUnbalanced,
    },
};
pub use sp_arithmetic::{FixedU128, Perbill, Permill};
pub use sp_runtime::DispatchError;

/// A signed origin of `who`.
pub fn signed(who: AccountId) -> RuntimeOrigin {
    RuntimeOrigin::signed(who)
}

/// Total issuance now.
pub fn issuance() -> u128 {
    Balances::total_issuance()
}

/// Issuance before the pallet minted or burned anything.
pub fn genesis_issuance() -> u128 {
    let totals = BurnMint::totals();
    issuance() + totals.burned - totals.minted
}

/// Registers `who` with `capacity` units and a bond of 1_000.
pub fn register(who: AccountId, capacity: u32) {
    assert_ok!(BurnMint::register_provider(signed(who), capacity, 1_000));
}

/// A verifier attests `capacity` units of `who`.
pub fn attest(who: AccountId, capacity: u32) {
    assert_ok!(BurnMint::attest_capacity(signed(VERIFIER), who, capacity));
}

/// Funds `who` with 1_000_000 and has it hold the verifier bond, as a candidate does before
/// the referendum that appoints it.
pub fn bond_as_verifier(who: AccountId) {
    assert_ok!(Balances::mint_into(&who, 1_000_000));
    assert_ok!(BurnMint::bond_verifier(signed(who), VERIFIER_BOND));
}

/// `who` pays a transaction fee of `amount`, handled as the runtime's transaction payment does
/// (`FeeHandler`).
pub fn pay_fee(who: AccountId, amount: u128) {
    let fee = Balances::withdraw(
        &who,
        amount,
        Precision::Exact,
        Preservation::Preserve,
        Fortitude::Polite,
    )
    .unwrap();
    FeeHandler::<Test>::on_unbalanced(fee);
}

/// A whole epoch's availability pool under the test parameters: 1_000 × 10 blocks × 30%.
pub const POOL: u128 = 3_000;

/// Runs to the first block of the next epoch (whose hook closes the open one).
pub fn next_epoch() {
    let epoch = CurrentEpoch::<Test>::get();
    run_to_block(epoch.start + epoch.length as u64);
}

/// `who` proves liveness in the open epoch.
pub fn heartbeat(who: AccountId) {
    assert_ok!(BurnMint::heartbeat(signed(who)));
}

/// Registers `who` with `capacity` units (bond 1_000), has it attested, moves to the next
/// epoch (from which it is eligible) and proves it live there.
pub fn live_provider(who: AccountId, capacity: u32) {
    register(who, capacity);
    attest(who, capacity);
    next_epoch();
    heartbeat(who);
}

/// Availability points proven live in the open epoch.
pub fn live_points() -> u128 {
    CurrentEpoch::<Test>::get().books.live_points
}

/// Availability points of `capacity` units at full reputation.
pub fn points_of(capacity: u32) -> u128 {
    capacity as u128 * 1_000_000
}

/// The open epoch's books so far.
pub fn books() -> crate::EpochBooks {
    BurnMint::open_books()
}

/// The pallet's latest event.
pub fn last_event() -> Event<Test> {
    events().pop().expect("an event")
}
