//! Unit and property tests of pallet-burn-mint, by concern. Every test ends with
//! `do_try_state` ([`ExtBuilder::build_and_execute`]).

mod credits;
mod emission;
mod parameters;
mod properties;
mod providers;

pub use crate::{
    economics::{ControllerMode, Parameters},
    mock::*,
    CreditBalances, CurrentEpoch, Emission, Error, Event, FeeHandler, HoldReason, Ledger,
    PriceFeeders, ProviderStatus, Providers,
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

/// Availability points of all active providers.
pub fn total_points() -> u128 {
    Emission::<Test>::get().accrual.total_points
}

/// The open epoch's books so far.
pub fn books() -> crate::EpochBooks {
    BurnMint::open_books()
}

/// The pallet's latest event.
pub fn last_event() -> Event<Test> {
    events().pop().expect("an event")
}
