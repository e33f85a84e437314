//! The books explain the issuance: dust booked by cause, what is minted or burned outside the
//! pallet on the outside lines, and an unbroken chain of issuance from one epoch to the next.

use super::*;

/// The issuance the books explain: where the open epoch opened, plus what it minted, less
/// what it burned (outside lines included).
fn explained() -> u128 {
    let open = books();
    open.total_issuance_at_open + open.minted() - open.burned()
}

#[test]
fn the_dust_of_a_removed_account_is_burned_and_booked() {
    ExtBuilder::default().build_and_execute(|| {
        run_to_block(2);
        let fresh: AccountId = 700;
        assert_ok!(Balances::transfer_allow_death(signed(ALICE), fresh, 105));
        let before = issuance();
        // 100 back to Alice leaves 5, below the existential deposit of 10: the account is
        // removed and its 5 are burned as dust.
        assert_ok!(Balances::transfer_allow_death(signed(fresh), ALICE, 100));
        assert_eq!(Balances::total_balance(&fresh), 0);
        assert_eq!(issuance(), before - 5);
        let open = books();
        assert_eq!(open.burned_dust, 5);
        assert_eq!((open.outside_minted, open.outside_burned), (0, 0));
        assert_eq!(explained(), issuance());
        // Closed, the dust stays in the epoch's books and the controller follows it like a
        // fee burn (nothing else was burned or served here).
        next_epoch();
        let closed = Ledger::<Test>::get(0).unwrap();
        assert_eq!(closed.burned_dust, 5);
        assert_eq!(closed.net_burn(), 5);
        assert_eq!((closed.outside_minted, closed.outside_burned), (0, 0));
        assert_eq!(
            closed.total_issuance_at_open + closed.minted() - closed.burned(),
            closed.total_issuance_at_close
        );
        // Since genesis: minted - burned is the issuance's change, to the planck.
        let totals = BurnMint::totals();
        assert_eq!(
            genesis_issuance() + totals.minted - totals.burned,
            issuance()
        );
    });
}

#[test]
fn what_root_burns_or_mints_outside_the_pallet_is_on_the_outside_lines() {
    ExtBuilder::default().build_and_execute(|| {
        run_to_block(2);
        let genesis = genesis_issuance();
        // Root lowers Alice's balance by 1_000: no flow of the pallet explains it.
        let alice = Balances::free_balance(ALICE);
        assert_ok!(Balances::force_set_balance(
            RuntimeOrigin::root(),
            ALICE,
            alice - 1_000
        ));
        let open = books();
        assert_eq!((open.outside_minted, open.outside_burned), (0, 1_000));
        assert_eq!(explained(), issuance());
        for block in 3..10 {
            run_to_block(block);
            assert_eq!(books().outside_burned, 1_000);
            assert_eq!(BurnMint::do_try_state(), Ok(()));
        }
        next_epoch();
        let closed = Ledger::<Test>::get(0).unwrap();
        assert_eq!((closed.outside_minted, closed.outside_burned), (0, 1_000));
        // Followed by the controller like a fee burn.
        assert_eq!(closed.net_burn(), 1_000);
        // The next epoch starts clean; Root then mints 500 to Bob: booked, not followed.
        assert_eq!((books().outside_minted, books().outside_burned), (0, 0));
        assert_ok!(Balances::force_set_balance(
            RuntimeOrigin::root(),
            BOB,
            Balances::free_balance(BOB) + 500
        ));
        assert_eq!((books().outside_minted, books().outside_burned), (500, 0));
        next_epoch();
        let closed = Ledger::<Test>::get(1).unwrap();
        assert_eq!((closed.outside_minted, closed.outside_burned), (500, 0));
        assert_eq!(closed.net_burn(), 0);
        // The books since genesis explain the issuance, outside lines included.
        let totals = BurnMint::totals();
        assert_eq!(genesis + totals.minted - totals.burned, issuance());
        assert_eq!(genesis_issuance(), genesis);
    });
}

#[test]
fn a_gap_in_the_issuance_chain_is_a_broken_invariant() {
    ExtBuilder::default().build_and_execute(|| {
        next_epoch();
        next_epoch();
        assert_eq!(BurnMint::do_try_state(), Ok(()));
        let closed = Ledger::<Test>::get(0).unwrap();
        // A closed epoch whose books no longer take its issuance from open to close.
        Ledger::<Test>::insert(
            0,
            crate::EpochBooks {
                total_issuance_at_open: closed.total_issuance_at_open + 1,
                ..closed
            },
        );
        assert_eq!(
            BurnMint::do_try_state(),
            Err(sp_runtime::TryRuntimeError::Other(
                "a closed epoch's books do not take the issuance from its open to its close"
            ))
        );
        // An epoch (the open one) that did not open where the one before closed.
        Ledger::<Test>::insert(0, closed);
        let last = Ledger::<Test>::get(1).unwrap();
        Ledger::<Test>::insert(
            1,
            crate::EpochBooks {
                total_issuance_at_open: last.total_issuance_at_open + 1,
                total_issuance_at_close: last.total_issuance_at_close + 1,
                ..last
            },
        );
        assert_eq!(
            BurnMint::do_try_state(),
            Err(sp_runtime::TryRuntimeError::Other(
                "an epoch did not open at the issuance the one before it closed at"
            ))
        );
        Ledger::<Test>::insert(1, last);
    });
}
