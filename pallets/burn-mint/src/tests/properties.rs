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
    Capacity(u8, u32),
    /// A parameter set: mode (0 fixed decay, 1 burn-indexed), step, epoch length, floor.
    Parameters(u8, u32, u32, u128),
    /// A feeder set: which of six candidates (bit mask).
    Feeders(u8),
    Heartbeat(u8),
    /// A verifier (the genesis one, or one of the accounts) attests capacity.
    Attest(u8, u8, u32),
    BondExtra(u8, u128),
    Remove(u8, u32),
    /// A verifier set: which of the six accounts and the genesis verifier (bit mask).
    Verifiers(u8),
    /// A transfer into the reward pot from outside.
    Gift(u8, u128),
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
        (0..6u8, 0..20u32).prop_map(|(a, c)| Op::Capacity(a, c)),
        (0..2u8, 0..600_000_000u32, 3..25u32, 0..20_000u128)
            .prop_map(|(m, s, l, f)| Op::Parameters(m, s, l, f)),
        any::<u8>().prop_map(Op::Feeders),
        (0..6u8).prop_map(Op::Heartbeat),
        (0..7u8, 0..6u8, 0..25u32).prop_map(|(v, a, c)| Op::Attest(v, a, c)),
        (0..6u8, 0..5_000u128).prop_map(|(a, x)| Op::BondExtra(a, x)),
        (0..6u8, 0..1_000_000_000u32).prop_map(|(a, s)| Op::Remove(a, s)),
        any::<u8>().prop_map(Op::Verifiers),
        (0..6u8, 0..1_000u128).prop_map(|(a, x)| Op::Gift(a, x)),
    ]
}

const ACCOUNTS: [AccountId; 6] = [ALICE, BOB, CHARLIE, P1, P2, P3];

fn apply(op: &Op) {
    let acc = |i: &u8| ACCOUNTS[*i as usize];
    // Results are ignored: failures must change nothing, which the invariants check.
    let _ = match op {
        Op::Register(a, c) => BurnMint::register_provider(signed(acc(a)), *c, 1_000),
        Op::Buy(a, x) => BurnMint::buy_credits(signed(acc(a)), *x, 0),
        Op::Spend(a, p, x) => BurnMint::spend_credits(signed(acc(a)), acc(p), *x)
            .map(|_| ())
            .map_err(|e| e.error),
        Op::Pay(a, p, x) => BurnMint::pay_for_compute(signed(acc(a)), acc(p), *x, 0)
            .map(|_| ())
            .map_err(|e| e.error),
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
        Op::Capacity(a, c) => BurnMint::update_capacity(signed(acc(a)), *c),
        Op::Parameters(mode, step, length, floor) => {
            // Some are invalid (step above the runtime's 50%, epochs shorter than 5, a floor
            // above the ceiling): they must fail and change nothing.
            let mode = if *mode == 0 {
                ControllerMode::FixedDecay {
                    decay: Perbill::from_parts(*step / 10),
                }
            } else {
                ControllerMode::BurnIndexed {
                    smoothing: Perbill::from_parts(*step),
                    target_inflation_per_year: Perbill::from_parts(*step / 1_000),
                }
            };
            BurnMint::set_parameters(
                RuntimeOrigin::root(),
                Parameters {
                    mode,
                    max_step_per_epoch: Perbill::from_parts(*step),
                    epoch_length: *length,
                    min_emission_per_block: *floor,
                    // Price bounds on (zero is refused); with several feeders the clipped
                    // submissions and the bounded price go through try_state.
                    max_price_deviation: Perbill::from_parts(*step),
                    max_price_change_per_block: Perbill::from_parts(*step / 10),
                    ..test_params()
                },
            )
        }
        Op::Feeders(mask) => {
            let candidates = [FEEDERS[0], FEEDERS[1], FEEDERS[2], ALICE, BOB, P1];
            let chosen: Vec<AccountId> = (0..6)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| candidates[i])
                .collect();
            BurnMint::set_price_feeders(RuntimeOrigin::root(), chosen.try_into().unwrap())
        }
        Op::Heartbeat(a) => BurnMint::heartbeat(signed(acc(a))),
        Op::Attest(v, a, c) => {
            let verifier = if *v == 6 { VERIFIER } else { acc(v) };
            BurnMint::attest_capacity(signed(verifier), acc(a), *c)
        }
        Op::BondExtra(a, x) => BurnMint::bond_extra(signed(acc(a)), *x),
        Op::Remove(a, s) => {
            BurnMint::remove_provider(RuntimeOrigin::root(), acc(a), Perbill::from_parts(*s))
        }
        Op::Verifiers(mask) => {
            let candidates = [ALICE, BOB, CHARLIE, P1, P2, P3, VERIFIER];
            let chosen: Vec<AccountId> = (0..7)
                .filter(|i| mask & (1 << i) != 0)
                .take(4)
                .map(|i| candidates[i])
                .collect();
            BurnMint::set_capacity_verifiers(RuntimeOrigin::root(), chosen.try_into().unwrap())
        }
        Op::Gift(a, x) => {
            Balances::transfer_allow_death(signed(acc(a)), BurnMint::pot(), *x).map(|_| ())
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random operations, parameter changes (mode switches included), feeder sets and blocks,
    /// under a supply cap or none: no panic, invariants hold after every step, and the
    /// pallet's minted minus burned equals the change in total issuance.
    #[test]
    fn invariants_hold_under_random_operations(
        ops in proptest::collection::vec(op(), 1..50),
        supply_room in prop_oneof![Just(None), (0..200_000u128).prop_map(Some)],
    ) {
        ExtBuilder::default().build_and_execute(|| {
            MaxTotalSupply::set(supply_room.map(|room| issuance() + room));
            let start = genesis_issuance();
            for op in &ops {
                apply(op);
                // A gift to the pot too: it is a surplus (burned at the next boundary), not a
                // broken invariant.
                BurnMint::do_try_state().expect("invariants hold after every operation");
                let totals = BurnMint::totals();
                assert_eq!(start + totals.minted - totals.burned, issuance(), "after {op:?}");
            }
            MaxTotalSupply::set(None);
        });
    }
}
