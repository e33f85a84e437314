//! Storage that is paid for and ends: a credit entry or a history holds a consumer reference
//! on its account (which keeps its existential deposit), a history can be forgotten once the
//! account is no longer a provider, and reward pools expire past the claim window even after
//! an upgrade lowered it, a bounded number per boundary.

use super::*;
use crate::MAX_POOLS_EXPIRED_PER_BOUNDARY;

/// The open epoch's expiry cursor.
fn cursor() -> u32 {
    CurrentEpoch::<Test>::get().next_pool_to_expire
}

/// An account with no history and no credits.
const BUYER: AccountId = 700;

/// `who`'s consumer references.
fn consumers(who: AccountId) -> u32 {
    frame_system::Pallet::<Test>::consumers(&who)
}

/// Sends everything `who` holds to ALICE, letting the account die.
fn empty(who: AccountId) -> DispatchResult {
    let all = Balances::balance(&who);
    <Balances as Mutate<AccountId>>::transfer(&who, &ALICE, all, Preservation::Expendable)
        .map(|_| ())
}

type DispatchResult = sp_runtime::DispatchResult;

/// What pallet-balances answers a transfer that would remove an account some pallet still
/// references.
fn frozen() -> DispatchError {
    sp_runtime::TokenError::Frozen.into()
}

#[test]
fn an_account_holding_credits_cannot_be_reaped_until_it_spends_them() {
    ExtBuilder::default().build_and_execute(|| {
        assert_ok!(Balances::mint_into(&BUYER, 10_000));
        assert_eq!(consumers(BUYER), 0);
        assert_ok!(BurnMint::buy_credits(signed(BUYER), 1_000, 1));
        let credits = CreditBalances::<Test>::get(BUYER).credits;
        assert_eq!(credits, 2_000);
        assert_eq!(consumers(BUYER), 1);
        // A second purchase takes no second reference.
        assert_ok!(BurnMint::buy_credits(signed(BUYER), 1_000, 1));
        assert_eq!(consumers(BUYER), 1);
        // Its tokens can go, all but the existential deposit: the entry keeps the account.
        assert_eq!(empty(BUYER), Err(frozen()));
        assert_eq!(Balances::balance(&BUYER), 8_000);
        assert_ok!(<Balances as Mutate<AccountId>>::transfer(
            &BUYER,
            &ALICE,
            8_000 - ED,
            Preservation::Preserve
        ));
        assert_eq!(empty(BUYER), Err(frozen()));
        assert_eq!(Balances::balance(&BUYER), ED);
        // Spending part of the credits keeps the reference; the last credit releases it.
        register(P1, 100);
        attest(P1, 100);
        next_epoch();
        assert_ok!(BurnMint::spend_credits(signed(BUYER), P1, credits));
        assert_eq!(consumers(BUYER), 1);
        assert_ok!(BurnMint::spend_credits(signed(BUYER), P1, credits));
        assert_eq!(CreditBalances::<Test>::get(BUYER).credits, 0);
        assert!(!CreditBalances::<Test>::contains_key(BUYER));
        assert_eq!(consumers(BUYER), 0);
        assert_ok!(empty(BUYER));
        assert!(!frame_system::Pallet::<Test>::account_exists(&BUYER));
    });
}

#[test]
fn a_first_purchase_needs_room_for_one_more_account_reference() {
    ExtBuilder::default().build_and_execute(|| {
        assert_ok!(Balances::mint_into(&BUYER, 10_000));
        // The mock's `MaxConsumers` (16) references, held by other pallets.
        for _ in 0..16 {
            assert_ok!(frame_system::Pallet::<Test>::inc_consumers(&BUYER));
        }
        assert_noop!(
            BurnMint::buy_credits(signed(BUYER), 1_000, 1),
            Error::<Test>::TooManyConsumers
        );
        for _ in 0..16 {
            frame_system::Pallet::<Test>::dec_consumers(&BUYER);
        }
    });
}

#[test]
fn a_history_keeps_its_account_until_the_former_provider_forgets_it() {
    ExtBuilder::default().build_and_execute(|| {
        let who = BUYER;
        assert_ok!(Balances::mint_into(&who, 10_000));
        assert_noop!(
            BurnMint::forget_history(signed(who)),
            Error::<Test>::NoHistory
        );
        register(who, 100);
        // Governance removes it, slashing a tenth of its bond: its history records both.
        assert_ok!(BurnMint::remove_provider(
            RuntimeOrigin::root(),
            who,
            Perbill::from_percent(10)
        ));
        let history = History::<Test>::get(who).unwrap();
        assert_eq!(
            (
                history.reputation,
                history.slashes,
                history.slashed,
                history.removals
            ),
            (Permill::zero(), 1, 100, 1)
        );
        assert_eq!(consumers(who), 1);
        assert_eq!(Balances::balance(&who), 10_000 - 100);
        assert_eq!(empty(who), Err(frozen()));
        // While registered again, it cannot forget.
        register(who, 100);
        assert_noop!(
            BurnMint::forget_history(signed(who)),
            Error::<Test>::StillProvider
        );
        assert_ok!(BurnMint::leave(signed(who)));
        assert_noop!(
            BurnMint::forget_history(signed(who)),
            Error::<Test>::StillProvider
        );
        assert_ok!(BurnMint::remove_provider(
            RuntimeOrigin::root(),
            who,
            Perbill::zero()
        ));
        assert_eq!(History::<Test>::get(who).unwrap().removals, 2);
        assert_eq!(consumers(who), 1);
        assert_ok!(BurnMint::forget_history(signed(who)));
        assert_eq!(last_event(), Event::HistoryForgotten { who });
        assert!(History::<Test>::get(who).is_none());
        assert_eq!(consumers(who), 0);
        // It registers again as a fresh account: at the initial reputation.
        register(who, 100);
        let initial = crate::ActiveParameters::<Test>::get()
            .unwrap()
            .initial_reputation;
        assert_eq!(Providers::<Test>::get(who).unwrap().reputation, initial);
        assert_ok!(BurnMint::leave(signed(who)));
    });
}

#[test]
fn a_provider_slashed_of_everything_keeps_its_account_while_it_keeps_its_history() {
    ExtBuilder::default().build_and_execute(|| {
        let who = BUYER;
        // The bond and the existential deposit, which a hold never takes.
        assert_ok!(Balances::mint_into(&who, 1_000 + ED));
        register(who, 100);
        assert_eq!(Balances::balance(&who), ED);
        assert_ok!(BurnMint::remove_provider(
            RuntimeOrigin::root(),
            who,
            Perbill::one()
        ));
        assert_eq!(History::<Test>::get(who).unwrap().slashed, 1_000);
        assert_eq!(Balances::total_balance(&who), ED);
        assert_eq!(empty(who), Err(frozen()));
        // Forgotten, the account can go, with its existential deposit.
        let alice = Balances::balance(&ALICE);
        assert_ok!(BurnMint::forget_history(signed(who)));
        assert_ok!(empty(who));
        assert!(!frame_system::Pallet::<Test>::account_exists(&who));
        assert_eq!(Balances::balance(&ALICE), alice + ED);
    });
}

#[test]
fn pools_a_lowered_claim_window_left_behind_expire_a_bounded_number_per_boundary() {
    ExtBuilder::default().build_and_execute(|| {
        // P1 live from epoch 1 to 8; its work of epoch 8 is never settled.
        live_provider(P1, 100);
        for _ in 2..=8 {
            next_epoch();
            heartbeat(P1);
        }
        next_epoch();
        next_epoch();
        assert_eq!(CurrentEpoch::<Test>::get().index, 10);
        let pools = || RewardPools::<Test>::iter_keys().collect::<std::collections::BTreeSet<_>>();
        // Epochs 9 and 10 had nobody live: no pool.
        assert_eq!(pools(), (1..=8).collect());
        assert_eq!(cursor(), 0);
        let with_pool_8 = BurnMint::pending_rewards(P1);

        // An upgrade lowers the claim window from 10 to 1 epoch: pools 1 to 8 are outside it.
        RewardClaimWindow::set(1);
        // Outside the window, pool 8 pays nothing, before any boundary expired it.
        assert_eq!(BurnMint::pending_rewards(P1), with_pool_8 - POOL);
        let expired = || {
            events()
                .into_iter()
                .filter_map(|e| match e {
                    Event::RewardsExpired { epoch, amount } => Some((epoch, amount)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(MAX_POOLS_EXPIRED_PER_BOUNDARY, 4);
        // Epoch 10's boundary expires epochs 0 to 3 (the most a boundary does): 1 to 3 had
        // pools, settled in full.
        next_epoch();
        assert_eq!(cursor(), 4);
        assert_eq!(pools(), (4..=8).collect());
        assert_eq!(expired(), vec![(1, 0), (2, 0), (3, 0)]);
        // Epoch 11's: 4 to 7.
        next_epoch();
        assert_eq!(cursor(), 8);
        assert_eq!(pools(), [8].into());
        // Epoch 12's: 8 to 11, caught up; pool 8's unsettled work is burned and counted.
        next_epoch();
        assert_eq!(cursor(), 12);
        assert!(pools().is_empty());
        assert_eq!(expired().last(), Some(&(8, POOL)));
        assert_eq!(Ledger::<Test>::get(12).unwrap().burned_forfeited, POOL);
        // From now on the cursor is where the window starts: one epoch a boundary.
        next_epoch();
        assert_eq!(CurrentEpoch::<Test>::get().index, 14);
        assert_eq!(cursor(), 13);
        assert_eq!(BurnMint::pending_rewards(P1), with_pool_8 - POOL);
    });
    RewardClaimWindow::set(10);
}
