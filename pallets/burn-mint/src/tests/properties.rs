//! Property tests: random operations never break the invariants or lose a planck.

use super::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Register(u8, u32),
    Buy(u8, u128),
    Spend(u8, u8, u128),
    Pay(u8, u8, u128),
    Claim(u8),
    Pause(u8),
    Resume(u8),
    Leave(u8),
    Withdraw(u8),
    Slash(u8, u32),
    Reputation(u8, u32),
    Price(u8, u64),
    Fee(u8, u128),
    Blocks(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..6u8, 0..20u32).prop_map(|(a, c)| Op::Register(a, c)),
        (0..6u8, 0..2_000_000u128).prop_map(|(a, x)| Op::Buy(a, x)),
        (0..6u8, 0..6u8, 0..5_000u128).prop_map(|(a, p, x)| Op::Spend(a, p, x)),
        (0..6u8, 0..6u8, 0..50_000u128).prop_map(|(a, p, x)| Op::Pay(a, p, x)),
        (0..6u8).prop_map(Op::Claim),
        (0..6u8).prop_map(Op::Pause),
        (0..6u8).prop_map(Op::Resume),
        (0..6u8).prop_map(Op::Leave),
        (0..6u8).prop_map(Op::Withdraw),
        (0..6u8, 0..1_000_000_000u32).prop_map(|(a, s)| Op::Slash(a, s)),
        (0..6u8, 0..1_000_000u32).prop_map(|(a, r)| Op::Reputation(a, r)),
        (0..3u8, 1..10_000u64).prop_map(|(f, p)| Op::Price(f, p)),
        (0..6u8, 0..10_000u128).prop_map(|(a, x)| Op::Fee(a, x)),
        (1..15u8).prop_map(Op::Blocks),
    ]
}

const ACCOUNTS: [AccountId; 6] = [ALICE, BOB, CHARLIE, P1, P2, P3];

fn apply(op: &Op) {
    let acc = |i: &u8| ACCOUNTS[*i as usize];
    // Results are ignored: failures must change nothing, which the invariants check.
    let _ = match op {
        Op::Register(a, c) => BurnMint::register_provider(signed(acc(a)), *c, 1_000),
        Op::Buy(a, x) => BurnMint::buy_credits(signed(acc(a)), *x, 0),
        Op::Spend(a, p, x) => BurnMint::spend_credits(signed(acc(a)), acc(p), *x),
        Op::Pay(a, p, x) => BurnMint::pay_for_compute(signed(acc(a)), acc(p), *x, 0),
        Op::Claim(a) => BurnMint::claim_rewards(signed(ALICE), acc(a)),
        Op::Pause(a) => BurnMint::pause(signed(acc(a))),
        Op::Resume(a) => BurnMint::resume(signed(acc(a))),
        Op::Leave(a) => BurnMint::leave(signed(acc(a))),
        Op::Withdraw(a) => BurnMint::withdraw_bond(signed(acc(a))),
        Op::Slash(a, s) => {
            BurnMint::slash_provider(RuntimeOrigin::root(), acc(a), Perbill::from_parts(*s))
        }
        Op::Reputation(a, r) => {
            BurnMint::set_reputation(RuntimeOrigin::root(), acc(a), Permill::from_parts(*r))
        }
        Op::Price(f, p) => BurnMint::submit_price(
            signed(FEEDERS[*f as usize]),
            FixedU128::from_rational(*p as u128, 1_000),
        ),
        Op::Fee(a, x) => {
            if let Ok(fee) = Balances::withdraw(
                &acc(a),
                *x,
                Precision::Exact,
                Preservation::Preserve,
                Fortitude::Polite,
            ) {
                FeeHandler::<Test>::on_unbalanced(fee);
            }
            Ok(())
        }
        Op::Blocks(n) => {
            run_to_block(System::block_number() + *n as u64);
            Ok(())
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random operations and blocks: no panic, invariants hold after every step, and the
    /// pallet's minted minus burned equals the change in total issuance.
    #[test]
    fn invariants_hold_under_random_operations(ops in proptest::collection::vec(op(), 1..60)) {
        ExtBuilder::default().build_and_execute(|| {
            let start = genesis_issuance();
            for op in &ops {
                apply(op);
                BurnMint::do_try_state().expect("invariants hold after every operation");
                let totals = BurnMint::totals();
                assert_eq!(start + totals.minted - totals.burned, issuance(), "after {op:?}");
            }
        });
    }
}
