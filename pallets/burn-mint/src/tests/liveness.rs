//! Liveness windows: availability is paid pro rata to the windows of the epoch a provider
//! proved live in, so that one heartbeat an epoch (the last block's included) no longer earns
//! the share of a provider that was there all epoch. Amounts are exact: a 10-block epoch,
//! a pool of 3_000 a whole epoch.

use super::*;
use proptest::prelude::*;

/// The test parameters with `windows` liveness windows an epoch (of 10 blocks).
fn windows(windows: u32) -> ExtBuilder {
    ExtBuilder::default().parameters(Parameters {
        liveness_windows: windows,
        ..test_params()
    })
}

/// Registers and attests `who` for `capacity` units; it may prove liveness from the next
/// epoch on.
fn verified(who: AccountId, capacity: u32) {
    register(who, capacity);
    attest(who, capacity);
}

/// Runs to block `offset` of the open epoch (0 is its first block).
fn to_offset(offset: u64) {
    let epoch = CurrentEpoch::<Test>::get();
    if System::block_number() < epoch.start + offset {
        run_to_block(epoch.start + offset);
    }
}

#[test]
fn one_heartbeat_an_epoch_earns_the_share_of_one_window() {
    // The attack 4: P2 sends one heartbeat, in the epoch's last block; P1 is there
    // all epoch, one heartbeat in each of the five windows of two blocks. Before, both took
    // half the pool (1_500 each).
    windows(5).build_and_execute(|| {
        verified(P1, 100);
        verified(P2, 100);
        next_epoch();
        let epoch = CurrentEpoch::<Test>::get().index;
        for window in 0..5u32 {
            to_offset(2 * window as u64);
            heartbeat(P1);
            assert_eq!(
                last_event(),
                Event::ProviderLive {
                    provider: P1,
                    epoch,
                    window,
                    points: points_of(100) * (window as u128 + 1) / 5,
                }
            );
        }
        to_offset(9);
        heartbeat(P2);
        assert_eq!(
            last_event(),
            Event::ProviderLive {
                provider: P2,
                epoch,
                window: 4,
                points: points_of(100) / 5,
            }
        );
        assert_eq!(live_points(), points_of(100) + points_of(100) / 5);
        next_epoch();
        // 3_000 × 5/6 and 3_000 × 1/6.
        assert_eq!(BurnMint::pending_rewards(P1), 2_500);
        assert_eq!(BurnMint::pending_rewards(P2), 500);
    });
}

#[test]
fn heartbeats_in_one_window_prove_it_once() {
    // P2 sends a heartbeat in every block of the first window and in nothing after: one
    // window of five, however many transactions it pays for.
    windows(5).build_and_execute(|| {
        verified(P1, 100);
        verified(P2, 100);
        next_epoch();
        for offset in 0..10 {
            to_offset(offset);
            heartbeat(P1);
            if offset < 2 {
                heartbeat(P2);
            }
        }
        let epoch = CurrentEpoch::<Test>::get().index;
        let work = Providers::<Test>::get(P2).unwrap().work.unwrap();
        assert_eq!(
            (work.live_windows, work.live_points),
            (0b1, points_of(100) / 5)
        );
        assert_eq!(
            Providers::<Test>::get(P1).unwrap().live_points_in(epoch),
            points_of(100)
        );
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), 2_500);
        assert_eq!(BurnMint::pending_rewards(P2), 500);
    });
}

#[test]
fn a_reputation_cut_lowers_the_live_points_of_the_windows_proven() {
    windows(5).build_and_execute(|| {
        verified(P1, 100);
        next_epoch();
        heartbeat(P1);
        to_offset(2);
        heartbeat(P1);
        assert_eq!(live_points(), points_of(100) * 2 / 5);
        // Halved reputation: at once, for the two windows proven.
        assert_ok!(BurnMint::set_reputation(
            RuntimeOrigin::root(),
            P1,
            Permill::from_percent(50)
        ));
        assert_eq!(live_points(), points_of(50) * 2 / 5);
        // A third window at the new reputation.
        to_offset(4);
        heartbeat(P1);
        assert_eq!(live_points(), points_of(50) * 3 / 5);
    });
}

#[test]
fn the_windows_are_a_governance_parameter_that_takes_effect_at_the_next_epoch() {
    ExtBuilder::default().build_and_execute(|| {
        // No window without a block, none past 32, at least one: refused by name, nothing
        // changes.
        for bad in [0, 11] {
            assert_noop!(
                BurnMint::set_parameters(
                    RuntimeOrigin::root(),
                    Parameters {
                        liveness_windows: bad,
                        ..test_params()
                    }
                ),
                Error::<Test>::BadLivenessWindows
            );
        }
        verified(P1, 100);
        verified(P2, 100);
        next_epoch();
        assert_ok!(BurnMint::set_parameters(
            RuntimeOrigin::root(),
            Parameters {
                liveness_windows: 10,
                ..test_params()
            }
        ));
        // This epoch still has one window: a heartbeat proves all of it.
        heartbeat(P1);
        assert_eq!(live_points(), points_of(100));
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), POOL);
        // From the next epoch, ten windows of a block each.
        heartbeat(P1);
        to_offset(9);
        heartbeat(P1);
        heartbeat(P2);
        assert_eq!(live_points(), points_of(100) * 2 / 10 + points_of(100) / 10);
        next_epoch();
        assert_eq!(BurnMint::pending_rewards(P1), POOL + 2_000);
        assert_eq!(BurnMint::pending_rewards(P2), 1_000);
    });
}

#[test]
fn an_agent_learns_from_the_chain_when_to_send_the_next_heartbeat() {
    use crate::types::LivenessWindow;
    ExtBuilder::default()
        .unconfigured()
        .build_and_execute(|| assert_eq!(BurnMint::liveness_window(P1), None));
    windows(5).build_and_execute(|| {
        verified(P1, 100);
        next_epoch();
        let epoch = CurrentEpoch::<Test>::get().index;
        // The next block (offset 1) lies in window 0; a heartbeat now proves it.
        let at = |window, proven| {
            Some(LivenessWindow {
                epoch,
                window,
                windows: 5,
                proven,
            })
        };
        assert_eq!(BurnMint::liveness_window(P1), at(0, false));
        heartbeat(P1);
        assert_eq!(BurnMint::liveness_window(P1), at(0, true));
        // At offset 1 the next block is window 1's first.
        to_offset(1);
        assert_eq!(BurnMint::liveness_window(P1), at(1, false));
        // In the epoch's last block, the next block opens the next epoch: its window 0.
        to_offset(9);
        assert_eq!(
            BurnMint::liveness_window(P1),
            Some(LivenessWindow {
                epoch: epoch + 1,
                window: 0,
                windows: 5,
                proven: false,
            })
        );
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// With any number of windows, a provider that sends heartbeats in any `k` blocks of an
    /// epoch earns at most `min(k, W)/W` of what the same capacity earns when there all
    /// epoch (to the pool's rounding), and exactly as much when its blocks meet every window.
    #[test]
    fn a_provider_earns_no_more_than_the_share_of_the_windows_it_was_there_in(
        w in 1u32..=10,
        blocks in proptest::collection::btree_set(0u64..10, 0..=10),
    ) {
        windows(w).build_and_execute(|| {
            verified(P1, 100);
            verified(P2, 100);
            next_epoch();
            let epoch = CurrentEpoch::<Test>::get().index;
            let mut proven = std::collections::BTreeSet::new();
            for offset in 0..10u64 {
                to_offset(offset);
                heartbeat(P1);
                if blocks.contains(&offset) {
                    heartbeat(P2);
                    if let Event::ProviderLive { window, .. } = last_event() {
                        proven.insert(window);
                    }
                }
            }
            let j = proven.len() as u128;
            let k = blocks.len() as u128;
            let p2 = Providers::<Test>::get(P2).unwrap();
            assert_eq!(p2.live_points_in(epoch), points_of(100) * j / w as u128);
            next_epoch();
            let (r1, r2) = (BurnMint::pending_rewards(P1), BurnMint::pending_rewards(P2));
            // P1 proved every window: the share of the whole capacity.
            assert!(j <= k.min(w as u128));
            assert!(r2 * (w as u128) <= (r1 + 1) * j, "r1 {r1} r2 {r2} j {j} w {w}");
            if j == w as u128 {
                assert_eq!(r1, r2);
            }
            if j == 0 {
                assert_eq!((r1, r2), (POOL, 0));
            }
        });
    }
}

#[test]
fn a_fresh_account_starts_at_the_minimum_and_earns_reputation_by_epochs_of_service() {
    // Two windows an epoch; fresh accounts at the 20% minimum, 5% an epoch of service.
    ExtBuilder::default()
        .parameters(Parameters {
            liveness_windows: 2,
            ..reputation_params()
        })
        .build_and_execute(|| {
            let fresh: AccountId = 77;
            assert_ok!(Balances::mint_into(&fresh, 1_000_000));
            verified(fresh, 100);
            let reputation = || Providers::<Test>::get(fresh).unwrap().reputation;
            assert_eq!(reputation(), Permill::from_percent(20));
            next_epoch();
            // One window of two: half its points at 20%, no gain.
            heartbeat(fresh);
            assert_eq!(live_points(), points_of(100) / 5 / 2);
            assert_eq!(reputation(), Permill::from_percent(20));
            // The second window completes the epoch: the points of both windows at the
            // reputation they were proved with, then 5% more.
            to_offset(5);
            heartbeat(fresh);
            assert_eq!(live_points(), points_of(100) / 5);
            assert_eq!(reputation(), Permill::from_percent(25));
            // Proving the window again refreshes the points with the new reputation; no
            // second gain in the epoch.
            heartbeat(fresh);
            assert_eq!(live_points(), points_of(100) / 4);
            assert_eq!(reputation(), Permill::from_percent(25));
            // An epoch with one window proved is no epoch of service.
            next_epoch();
            heartbeat(fresh);
            assert_eq!(reputation(), Permill::from_percent(25));
            next_epoch();
            heartbeat(fresh);
            to_offset(5);
            heartbeat(fresh);
            assert_eq!(reputation(), Permill::from_percent(30));
        });
}
