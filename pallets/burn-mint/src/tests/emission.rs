//! Emission: each block's mint, epoch boundaries, usage and availability rewards, fees.

use super::*;

#[test]
fn each_block_mints_the_treasury_share_and_accrues_the_provider_pools() {
    ExtBuilder::default().build_and_execute(|| {
        let treasury = Balances::balance(&TREASURY);
        let pot = Balances::balance(&BurnMint::pot());
        let before = issuance();
        run_to_block(2);
        // The treasury's 200 is minted into the pot every block; usage (500) and availability
        // (300) accrue to the epoch's pools, minted at its close; blocks 1 and 2 so far.
        assert_eq!(Balances::balance(&BurnMint::pot()), pot + 200);
        assert_eq!(issuance(), before + 200);
        let b = books();
        assert_eq!(
            (
                b.minted_ecosystem,
                b.minted_providers,
                b.unminted,
                b.usage_accrued,
                b.availability_accrued
            ),
            (400, 0, 0, 1_000, 600)
        );
        // A normal block writes none of the pallet's own storage: the books are lazy.
        let stored = Emission::<Test>::get();
        run_to_block(4);
        assert_eq!(Emission::<Test>::get(), stored);
        assert_eq!(books().availability_accrued, 1_200);
        // The treasury is paid its share of the epoch (blocks 1..=9) when it closes.
        assert_eq!(Balances::balance(&TREASURY), treasury);
        run_to_block(10);
        assert_eq!(Balances::balance(&TREASURY), treasury + 9 * 200);
        assert_eq!(Ledger::<Test>::get(0).unwrap().minted_ecosystem, 9 * 200);
    });
}

#[test]
fn epoch_boundary_with_no_usage_and_nobody_live_mints_no_pool() {
    ExtBuilder::default().build_and_execute(|| {
        let before = issuance();
        run_to_block(10);
        let record = Ledger::<Test>::get(0).expect("epoch 0 closed at block 10");
        // Nothing was served and nobody proved liveness: no pool is kept for the epoch.
        assert!(BurnMint::reward_pool(0).is_none());
        // Blocks 1..=9 ran in epoch 0: 9 blocks of 1_000 (block 1 before `before`).
        assert_eq!(record.minted_ecosystem, 9 * 200);
        assert_eq!(record.minted_providers, 0);
        assert_eq!(record.unminted, 9 * 800);
        assert_eq!(record.emission_per_block, 1_000);
        assert_eq!(record.total_issuance_at_close, before + 8 * 200);
        // The new epoch's books start from its first block, block 10.
        assert_eq!(books().minted_ecosystem, 200);
        assert_eq!(CurrentEpoch::<Test>::get().index, 1);
        assert!(events()
            .iter()
            .any(|e| matches!(e, Event::EpochClosed { epoch: 0, .. })));
    });
}

#[test]
fn epoch_boundary_with_one_provider_pays_capped_usage() {
    ExtBuilder::default().build_and_execute(|| {
        // Not verified: it may be paid for compute, but earns no availability.
        register(P1, 1);
        // Alice burns 1_000 for 2_000 credits and spends them with P1.
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        run_to_block(10);
        // Usage pool 9 * 500 = 4_500 accrued; cap 60% of 1_000 -> 600 minted, 3_900 never;
        // availability (9 * 300) never minted: nobody proved liveness.
        let pool = BurnMint::reward_pool(0).unwrap();
        assert_eq!((pool.usage.minted, pool.availability), (600, 0));
        let record = Ledger::<Test>::get(0).unwrap();
        assert_eq!(record.unminted, 3_900 + 2_700);
        assert_eq!(record.minted_providers, 600);
        assert_eq!(record.minted_usage, 600);
        assert_eq!(record.credits_served, 2_000);
        assert_eq!(record.burned_credits, 1_000);
        assert_eq!(BurnMint::pending_rewards(P1), 600);
        let free = Balances::balance(&P1);
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
        assert_eq!(Balances::balance(&P1), free + 600);
        assert_noop!(
            BurnMint::claim_rewards(signed(P1), P1),
            Error::<Test>::NothingToClaim
        );
    });
}

#[test]
fn epoch_boundary_with_many_providers_pays_pro_rata() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        register(P2, 3);
        attest(P1, 1);
        attest(P2, 3);
        next_epoch();
        // Serving is no proof of liveness: each proves it with its own heartbeat.
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        assert_ok!(BurnMint::pay_for_compute(signed(BOB), P2, 3_000, 0));
        assert_eq!(live_points(), 0);
        heartbeat(P1);
        heartbeat(P2);
        assert_eq!(live_points(), 4_000_000);
        next_epoch();
        let pool = BurnMint::reward_pool(1).unwrap();
        assert_eq!((pool.usage.minted, pool.availability), (2_400, 3_000));
        // Availability 3_000 split 1:3 by live points; usage 2_400 (60% of the 4_000 burned)
        // split 1:3 by basis.
        assert_eq!(BurnMint::pending_rewards(P1), 750 + 600);
        assert_eq!(BurnMint::pending_rewards(P2), 2_250 + 1_800);
    });
}

#[test]
fn settling_adds_to_the_pools_claims_and_writes_no_pool() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        register(P2, 3);
        attest(P1, 1);
        attest(P2, 3);
        next_epoch();
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        assert_ok!(BurnMint::pay_for_compute(signed(BOB), P2, 3_000, 0));
        heartbeat(P1);
        heartbeat(P2);
        next_epoch();
        let funds = RewardPools::<Test>::get(1).unwrap();
        assert_eq!(
            PoolClaims::<Test>::get().into_inner(),
            vec![PoolClaim {
                epoch: 1,
                claimed: 0
            }]
        );
        // P1's heartbeat settles its share (750 + 600) out of pool 1: its claims entry grows,
        // the pool's funds are not written.
        heartbeat(P1);
        assert_eq!(
            PoolClaims::<Test>::get().into_inner(),
            vec![PoolClaim {
                epoch: 1,
                claimed: 1_350
            }]
        );
        assert_eq!(RewardPools::<Test>::get(1), Some(funds));
        assert_eq!(BurnMint::reward_pool(1), Some(funds.with_claimed(1_350)));
        // A second pool's entry goes after the first.
        heartbeat(P2);
        next_epoch();
        let claims = PoolClaims::<Test>::get();
        assert_eq!(
            claims
                .iter()
                .map(|c| (c.epoch, c.claimed))
                .collect::<Vec<_>>(),
            vec![(1, 1_350 + 2_250 + 1_800), (2, 0)]
        );
        assert_eq!(BurnMint::reward_pool(1).unwrap().remaining(), 0);
    });
}

/// The storage the epoch boundary reads and writes, as a proof of its block's hooks, with
/// `extra` more registered providers (each attested and live).
fn boundary_proof_nodes(extra: u64) -> usize {
    let mut ext = ExtBuilder::default().build();
    ext.execute_with(|| {
        for who in (100..100 + extra).chain([P1]) {
            let _ = Balances::deposit(&who, 10_000, Precision::Exact);
            register(who, 1);
            attest(who, 1);
        }
        next_epoch();
        for who in (100..100 + extra).chain([P1]) {
            heartbeat(who);
        }
        let epoch = CurrentEpoch::<Test>::get();
        run_to_block(epoch.start + epoch.length as u64 - 1);
        assert_eq!(crate::ProviderCount::<Test>::get(), extra as u32 + 1);
    });
    ext.commit_all().expect("the test state commits");
    let (_, proof) = ext.execute_and_prove(|| {
        next_epoch();
        assert_eq!(CurrentEpoch::<Test>::get().index, 2);
    });
    proof.into_nodes().len()
}

#[test]
fn the_epoch_boundary_reads_no_provider_whatever_their_number() {
    // No provider is read at the boundary (no iteration): with 300 more live providers (and
    // their accounts) its proof holds 3 more trie nodes, the deeper paths to the accounts it
    // does touch (pot, treasury), not one or more per provider.
    assert_eq!(
        (boundary_proof_nodes(0), boundary_proof_nodes(300)),
        (21, 24)
    );
}

#[test]
fn self_dealing_through_the_usage_pool_never_pays() {
    ExtBuilder::default().build_and_execute(|| {
        // P1 buys all the compute from itself: 1_000 burned. The usage pool of the epoch
        // (9 * 500 = 4_500) is far larger than that.
        register(P1, 1);
        let start = Balances::balance(&P1);
        assert_ok!(BurnMint::pay_for_compute(signed(P1), P1, 1_000, 0));
        run_to_block(10);
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
        // It gets back 60% of its burn as usage reward: 400 lost.
        assert_eq!(BurnMint::reward_pool(0).unwrap().usage.minted, 600);
        assert_eq!(Balances::balance(&P1), start - 400);
    });
}

#[test]
fn usage_rewards_follow_the_tokens_burned_for_the_credits_served() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        register(P2, 1);
        // Alice buys 2_000 credits for 1_000 at price 2.
        assert_ok!(BurnMint::buy_credits(signed(ALICE), 1_000, 0));
        // The price quadruples: Bob's credits are four times cheaper in tokens.
        for feeder in FEEDERS {
            assert_ok!(BurnMint::submit_price(signed(feeder), FixedU128::from(8)));
        }
        assert_ok!(BurnMint::buy_credits(signed(BOB), 250, 0));
        assert_ok!(BurnMint::spend_credits(signed(ALICE), P1, 2_000));
        assert_ok!(BurnMint::spend_credits(signed(BOB), P2, 2_000));
        let burned_before = BurnMint::totals().burned;
        run_to_block(10);
        // Pool: min(4_500, 60% * 1_250) = 750 minted, shared 1_000 : 250 by basis, so each
        // provider gets exactly 60% of the tokens burned for what it served; nothing is left
        // over and nothing is burned back.
        assert_eq!(BurnMint::reward_pool(0).unwrap().usage.minted, 750);
        assert_eq!(BurnMint::pending_rewards(P1), 600);
        assert_eq!(BurnMint::pending_rewards(P2), 150);
        assert_ok!(BurnMint::claim_rewards(signed(P2), P2));
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
        assert_eq!(BurnMint::totals().burned, burned_before);
        assert_eq!(BurnMint::reward_pool(0).unwrap().remaining(), 0);
    });
}

#[test]
fn usage_of_an_older_epoch_is_settled_when_serving_again() {
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        run_to_block(25);
        // The genesis prices are stale by now: two feeders report again.
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[0]),
            FixedU128::from(2)
        ));
        assert_ok!(BurnMint::submit_price(
            signed(FEEDERS[1]),
            FixedU128::from(2)
        ));
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        let p = Providers::<Test>::get(P1).unwrap();
        assert_eq!(p.work.unwrap().epoch, 2);
        assert_eq!(p.pending, 600, "epoch 0 usage settled into pending");
    });
}

#[test]
fn fees_are_split_between_burn_and_treasury() {
    ExtBuilder::default().build_and_execute(|| {
        let treasury = Balances::balance(&TREASURY);
        let before = issuance();
        pay_fee(ALICE, 1_000);
        assert_eq!(Balances::balance(&TREASURY), treasury + 400);
        assert_eq!(issuance(), before - 600);
        assert_eq!(CurrentEpoch::<Test>::get().books.burned_fees, 600);
        assert_eq!(
            last_event(),
            Event::FeesBurned {
                burned: 600,
                to_treasury: 400
            }
        );
        // 60% of 1,001 is 600.6: the burn rounds up, the treasury gets no more than its 40%.
        pay_fee(ALICE, 1_001);
        assert_eq!(Balances::balance(&TREASURY), treasury + 800);
        assert_eq!(issuance(), before - 1_201);
        assert_eq!(CurrentEpoch::<Test>::get().books.burned_fees, 1_201);
    });
}

#[test]
fn the_ledger_keeps_only_the_retained_epochs() {
    LedgerRetention::set(3);
    ExtBuilder::default().build_and_execute(|| {
        register(P1, 1);
        assert_ok!(BurnMint::pay_for_compute(signed(ALICE), P1, 1_000, 0));
        // Six epochs close (at blocks 10, 20, ..., 60): epochs 3, 4 and 5 are kept.
        run_to_block(60);
        assert_eq!(CurrentEpoch::<Test>::get().index, 6);
        for epoch in 0..3 {
            assert!(Ledger::<Test>::get(epoch).is_none(), "epoch {epoch} pruned");
        }
        for epoch in 3..6 {
            assert!(Ledger::<Test>::get(epoch).is_some(), "epoch {epoch} kept");
        }
        // The totals still count every epoch, pruned ones included: the pruned epochs'
        // totals are kept beside the ledger (epoch 0 burned the 1_000 and served the 2_000
        // credits), and try_state checks ledger + pruned = closed totals at every block.
        assert_eq!(BurnMint::totals().burned, 1_000);
        assert_eq!(BurnMint::totals().credits_served, 2_000);
        let epoch = CurrentEpoch::<Test>::get();
        assert_eq!(
            (
                epoch.pruned_totals.burned,
                epoch.pruned_totals.credits_served
            ),
            (1_000, 2_000)
        );
        assert_eq!(BurnMint::do_try_state(), Ok(()));
        CurrentEpoch::<Test>::mutate(|e| e.pruned_totals.burned += 1);
        assert_eq!(
            BurnMint::do_try_state(),
            Err(sp_runtime::TryRuntimeError::Other(
                "closed-epoch totals differ from the ledger and what it pruned"
            ))
        );
        CurrentEpoch::<Test>::mutate(|e| e.pruned_totals.burned -= 1);
        // Usage of a pruned epoch's books is still paid: its pool is kept (the claim window
        // is not the ledger's retention).
        assert_eq!(BurnMint::pending_rewards(P1), 600);
        assert_ok!(BurnMint::claim_rewards(signed(P1), P1));
    });
    LedgerRetention::set(100);
}

#[test]
fn a_block_never_mints_above_the_hard_cap() {
    // The controller and the first configuration never set such an emission; should one be
    // stored anyway, the block mints nothing and counts it as never minted.
    ExtBuilder::default().build().execute_with(|| {
        let params = test_params();
        crate::Emission::<Test>::mutate(|e| {
            e.controller.emission_per_block = 200_000;
            e.accrual.per_block = crate::economics::split_emission(200_000, &params);
        });
        let (before, unminted) = (issuance(), books().unminted);
        run_to_block(2);
        assert_eq!(issuance(), before);
        assert_eq!(books().unminted, unminted + 200_000);
    });
}
