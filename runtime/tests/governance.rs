//! OpenGov in the real runtime (native, from the `development` genesis preset): referenda on the
//! `emission_admin` track change pallet-burn-mint's parameters, and nothing else.
//!
//! Durations are read from the runtime's tracks, so the tests hold for production periods and
//! for `fast-runtime` alike (`scripts/test` builds with `fast-runtime`, which keeps them short).

mod common;

use capacloud_runtime::{
    configs::governance::{
        origins::Origin,
        tracks::{ids, TRACKS},
    },
    Balances, BurnMint, OriginCaller, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System,
    CAPA,
};
use common::{
    finish_block,
    referenda::{
        dispatch_result, enactment_task, is_finished, majority_votes_aye, propose,
        run_until_enacted_within, signed, vote_aye,
    },
    run_to_block, run_until, start_block, with_dev_chain,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{fungible::Inspect, Get},
};
use pallet_burn_mint::economics::Parameters;
use pallet_referenda::ReferendumInfo;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Eve, Ferdie};
use sp_runtime::{DispatchError, Perbill};

type AccountId = capacloud_runtime::AccountId;

/// The `emission_admin` track's settings.
fn emission_track() -> pallet_referenda::TrackInfo<u128, u32> {
    TRACKS
        .iter()
        .find(|t| t.id == ids::EMISSION_ADMIN)
        .expect("the track exists")
        .info
        .clone()
}

fn active_parameters() -> Parameters {
    pallet_burn_mint::ActiveParameters::<Runtime>::get().expect("configured at genesis")
}

/// Runs to the next epoch boundary and asserts that `old` is still in force, with nothing
/// pending: a rejected or failed change left no trace.
fn assert_unchanged_past_next_boundary(old: Parameters) {
    let epoch = pallet_burn_mint::CurrentEpoch::<Runtime>::get();
    run_to_block(epoch.start + epoch.length);
    assert_eq!(active_parameters(), old);
    assert_eq!(pallet_burn_mint::PendingParameters::<Runtime>::get(), None);
}

fn set_parameters(parameters: Parameters) -> RuntimeCall {
    RuntimeCall::BurnMint(pallet_burn_mint::Call::set_parameters { parameters })
}

/// Runs until the scheduler has dispatched the approved referendum's call (bounded).
fn run_until_enacted() -> (u32, Vec<RuntimeEvent>) {
    run_until_enacted_within(enactment_bound())
}

/// More blocks than a referendum with overwhelming support needs from submission to enactment.
fn enactment_bound() -> u32 {
    let t = emission_track();
    t.prepare_period + t.confirm_period + t.min_enactment_period + 20
}

fn block_of(events: &[(u32, RuntimeEvent)], pick: impl Fn(&RuntimeEvent) -> bool) -> u32 {
    events
        .iter()
        .find(|(_, e)| pick(e))
        .map(|(b, _)| *b)
        .expect("the event happened")
}

#[test]
fn emission_admin_referendum_changes_parameters_at_the_next_epoch_boundary() {
    with_dev_chain(|| {
        run_to_block(1);
        let old = active_parameters();
        let emission_before = BurnMint::emission_per_block();
        // The proposal: raise the emission floor tenfold and allow 20% steps.
        let new = Parameters {
            min_emission_per_block: 10 * emission_before,
            max_step_per_epoch: Perbill::from_percent(20),
            ..old
        };
        let submitted_at = System::block_number();
        let index = propose(Alice, Origin::EmissionAdmin, set_parameters(new));
        let info = pallet_referenda::ReferendumInfoFor::<Runtime>::get(index).unwrap();
        let ReferendumInfo::Ongoing(status) = info else {
            panic!("a new referendum is ongoing")
        };
        assert_eq!(status.track, ids::EMISSION_ADMIN);
        majority_votes_aye(index);
        // Conviction voting locks the votes on the track's class.
        assert!(
            pallet_conviction_voting::ClassLocksFor::<Runtime>::get(Bob.to_account_id())
                .iter()
                .any(|(class, amount)| *class == ids::EMISSION_ADMIN && *amount == 900_000 * CAPA)
        );

        // Prepare, decide, confirm, enact: collect every event with its block.
        let mut timeline: Vec<(u32, RuntimeEvent)> = Vec::new();
        while dispatch_result(&timeline.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>())
            .is_none()
        {
            assert!(
                System::block_number() < submitted_at + enactment_bound(),
                "not enacted in time"
            );
            let n = start_block();
            finish_block();
            timeline.extend(System::events().into_iter().map(|r| (n, r.event)));
        }
        let track = emission_track();
        let decision_started = block_of(&timeline, |e| {
            matches!(
                e,
                RuntimeEvent::Referenda(pallet_referenda::Event::DecisionStarted { .. })
            )
        });
        let confirm_started = block_of(&timeline, |e| {
            matches!(
                e,
                RuntimeEvent::Referenda(pallet_referenda::Event::ConfirmStarted { .. })
            )
        });
        let confirmed = block_of(&timeline, |e| {
            matches!(
                e,
                RuntimeEvent::Referenda(pallet_referenda::Event::Confirmed { .. })
            )
        });
        let enacted = block_of(&timeline, |e| {
            matches!(
                e,
                RuntimeEvent::Scheduler(pallet_scheduler::Event::Dispatched { id: Some(id), .. })
                    if *id == enactment_task(index)
            )
        });
        assert!(decision_started >= submitted_at + track.prepare_period);
        assert!(confirm_started >= decision_started);
        assert!(confirmed >= confirm_started + track.confirm_period);
        assert!(enacted >= confirmed + track.min_enactment_period);
        assert!(matches!(
            pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
            Some(ReferendumInfo::Approved(..))
        ));
        let events: Vec<RuntimeEvent> = timeline.iter().map(|(_, e)| e.clone()).collect();
        assert_eq!(dispatch_result(&events), Some(Ok(())));

        // Enacted: the change waits for the next epoch boundary. (pallet-burn-mint's hook runs
        // before the scheduler's, so even an enactment on a boundary block waits for the next.)
        let epoch = pallet_burn_mint::CurrentEpoch::<Runtime>::get();
        assert_eq!(
            pallet_burn_mint::PendingParameters::<Runtime>::get(),
            Some(new)
        );
        assert_eq!(active_parameters(), old);
        let emission_at_enactment = BurnMint::emission_per_block();
        let boundary = epoch.start + epoch.length;
        let events = run_to_block(boundary);
        assert_eq!(active_parameters(), new);
        assert_eq!(pallet_burn_mint::PendingParameters::<Runtime>::get(), None);
        let next = events
            .iter()
            .find_map(|e| match e {
                RuntimeEvent::BurnMint(pallet_burn_mint::Event::EpochClosed {
                    next_emission_per_block,
                    ..
                }) => Some(*next_emission_per_block),
                _ => None,
            })
            .expect("the epoch closed");
        assert!(events.contains(&RuntimeEvent::BurnMint(
            pallet_burn_mint::Event::ParametersApplied {
                old: Some(old),
                new
            }
        )));
        // The floor is now ten times the emission: emission climbs one step, no jump, and
        // stays within the runtime's hard cap. The transition epoch steps by the outgoing
        // parameters' 5%, not the proposal's 20%: a referendum cannot speed up its own first
        // step.
        assert_eq!(
            next,
            emission_at_enactment + old.max_step_per_epoch * emission_at_enactment
        );
        assert!(next < new.min_emission_per_block);
        assert!(next <= <Runtime as pallet_burn_mint::Config>::MaxEmissionPerBlock::get());
        assert_eq!(BurnMint::emission_per_block(), next);
    });
}

#[test]
fn referendum_without_enough_support_leaves_parameters_unchanged() {
    with_dev_chain(|| {
        run_to_block(1);
        let old = active_parameters();
        let new = Parameters {
            fee_burn_share: Perbill::from_percent(10),
            ..old
        };
        let index = propose(Alice, Origin::EmissionAdmin, set_parameters(new));
        // One CAPA of support out of millions: far below even the track's support floor.
        vote_aye(Bob, index, CAPA);
        let track = emission_track();
        let (_, events) = run_until(track.prepare_period + track.decision_period + 10, || {
            is_finished(index)
        });
        assert!(matches!(
            pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
            Some(ReferendumInfo::Rejected(..))
        ));
        assert_eq!(dispatch_result(&events), None);
        assert_unchanged_past_next_boundary(old);
    });
}

#[test]
fn signed_accounts_cannot_set_parameters() {
    with_dev_chain(|| {
        run_to_block(1);
        let params = active_parameters();
        assert_noop!(
            BurnMint::set_parameters(signed(Alice), params),
            DispatchError::BadOrigin
        );
        // Nor set the price feeders or reputations, which need a referendum too.
        assert_noop!(
            BurnMint::set_price_feeders(
                signed(Alice),
                vec![Alice.to_account_id()].try_into().unwrap()
            ),
            DispatchError::BadOrigin
        );
    });
}

#[test]
fn emission_admin_cannot_dispatch_calls_outside_burn_mint() {
    with_dev_chain(|| {
        run_to_block(1);
        let eve: AccountId = Eve.to_account_id();
        let eve_before = Balances::balance(&eve);
        let steal = RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
            who: eve.clone().into(),
            new_free: 1_000_000_000 * CAPA,
        });
        let index = propose(Alice, Origin::EmissionAdmin, steal);
        majority_votes_aye(index);
        let (_, events) = run_until_enacted();
        assert!(matches!(
            pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
            Some(ReferendumInfo::Approved(..))
        ));
        // Approved by the voters, yet the call is refused: the origin is not Root.
        assert_eq!(
            dispatch_result(&events),
            Some(Err(DispatchError::BadOrigin))
        );
        assert_eq!(Balances::balance(&eve), eve_before);
    });
}

#[test]
fn invalid_parameters_are_enacted_but_rejected_with_a_named_error() {
    with_dev_chain(|| {
        run_to_block(1);
        let old = active_parameters();
        // Shares adding up to 130%.
        let bad = Parameters {
            ecosystem_share: Perbill::from_percent(50),
            ..old
        };
        let index = propose(Alice, Origin::EmissionAdmin, set_parameters(bad));
        majority_votes_aye(index);
        let (_, events) = run_until_enacted();
        let expected: DispatchError = pallet_burn_mint::Error::<Runtime>::SharesNotWhole.into();
        assert_eq!(dispatch_result(&events), Some(Err(expected)));
        assert_unchanged_past_next_boundary(old);
    });
}

#[test]
fn provider_admin_track_cannot_change_parameters() {
    with_dev_chain(|| {
        run_to_block(1);
        let old = active_parameters();
        let index = propose(
            Bob,
            Origin::ProviderAdmin,
            set_parameters(Parameters {
                fee_burn_share: Perbill::from_percent(10),
                ..old
            }),
        );
        majority_votes_aye(index);
        let (_, events) = run_until_enacted();
        assert_eq!(
            dispatch_result(&events),
            Some(Err(DispatchError::BadOrigin))
        );
        assert_eq!(active_parameters(), old);
        assert_eq!(pallet_burn_mint::PendingParameters::<Runtime>::get(), None);
    });
}

#[test]
fn treasurer_referendum_spends_from_the_ecosystem_fund() {
    with_dev_chain(|| {
        // A few blocks of emission fill the treasury (its share of every block's mint).
        run_to_block(3);
        let treasury = capacloud_runtime::configs::governance::TreasuryAccount::get();
        let fund = Balances::balance(&treasury);
        assert!(fund > 0);
        let ferdie: AccountId = Ferdie.to_account_id();
        let amount = fund / 2;
        let spend = RuntimeCall::Treasury(pallet_treasury::Call::spend {
            asset_kind: Box::new(()),
            amount,
            beneficiary: Box::new(ferdie.clone()),
            valid_from: None,
        });
        let index = propose(Alice, Origin::Treasurer, spend);
        majority_votes_aye(index);
        let (_, events) = run_until_enacted();
        assert_eq!(dispatch_result(&events), Some(Ok(())));
        let before = Balances::balance(&ferdie);
        assert_ok!(pallet_treasury::Pallet::<Runtime>::payout(
            signed(Ferdie),
            0
        ));
        assert_eq!(Balances::balance(&ferdie), before + amount);
    });
}

/// A provider that sees a slash coming cannot leave and withdraw before it is enacted: the
/// unbonding period is at least the longest path (prepare + decision + confirm + enactment) of
/// every track whose origin `ReputationOrigin` accepts (Root and `provider_admin`) plus a
/// margin, and the presets' period is within the minimum.
#[test]
fn unbonding_outlasts_the_slowest_referendum_that_may_slash() {
    use capacloud_runtime::configs::governance::tracks::TracksInfo;
    use capacloud_runtime::configs::{burn_mint, governance::tracks::longest_path};
    use frame_support::traits::EnsureOrigin;
    use pallet_referenda::TracksInfo as _;
    // The tracks that may slash: those whose origin the pallet's `ReputationOrigin` accepts.
    let origins = [
        OriginCaller::system(frame_system::RawOrigin::Root),
        OriginCaller::Origins(Origin::EmissionAdmin),
        OriginCaller::Origins(Origin::Treasurer),
        OriginCaller::Origins(Origin::ProviderAdmin),
        OriginCaller::Origins(Origin::ReferendumCanceller),
        OriginCaller::Origins(Origin::ReferendumKiller),
        OriginCaller::Origins(Origin::ProviderFreezer),
    ];
    let mut slashing: Vec<_> = origins
        .into_iter()
        .filter(|caller| {
            let origin: RuntimeOrigin = caller.clone().into();
            <Runtime as pallet_burn_mint::Config>::ReputationOrigin::try_origin(origin).is_ok()
        })
        .map(|caller| TracksInfo::track_for(&caller).expect("every origin has a track"))
        .collect();
    slashing.sort();
    assert_eq!(slashing, vec![ids::ROOT, ids::PROVIDER_ADMIN]);
    let path = slashing
        .iter()
        .map(|id| {
            let info = &TRACKS.iter().find(|t| t.id == *id).unwrap().info;
            info.prepare_period
                + info.decision_period
                + info.confirm_period
                + info.min_enactment_period
        })
        .max()
        .unwrap();
    assert_eq!(
        path,
        longest_path(ids::ROOT).max(longest_path(ids::PROVIDER_ADMIN))
    );
    let min = burn_mint::MinUnbondingPeriod::get();
    assert!(
        min > path,
        "{min} blocks do not outlast a {path}-block referendum"
    );
    let preset = burn_mint::default_parameters();
    assert!(preset.unbonding_period >= min);
    // A parameter set below the minimum is rejected with a named error.
    with_dev_chain(|| {
        let bad = Parameters {
            unbonding_period: min - 1,
            ..preset
        };
        assert_noop!(
            BurnMint::set_parameters(RuntimeOrigin::root(), bad),
            pallet_burn_mint::Error::<Runtime>::UnbondingTooShort
        );
    });
}

/// A provider that sees its removal coming cannot claim the rewards of the epoch it misbehaved
/// in: a freeze on the `provider_freezer` track (whose origin `FreezeOrigin` accepts, and
/// `ReputationOrigin` does not: a freeze removes and slashes nothing) is enacted within the
/// track's longest path, which with the margin to notice fits in `RewardDelay` epochs of the
/// shortest length a referendum may choose; a frozen provider's claims are refused by name.
#[test]
fn a_freeze_referendum_lands_before_the_rewards_of_the_epoch_it_answers_unlock() {
    use capacloud_runtime::configs::{burn_mint, governance::tracks::longest_path};
    use frame_support::traits::EnsureOrigin;
    type Freeze = <Runtime as pallet_burn_mint::Config>::FreezeOrigin;
    let path = longest_path(ids::PROVIDER_FREEZER);
    let delay = <<Runtime as pallet_burn_mint::Config>::RewardDelay as Get<u32>>::get();
    let shortest = <<Runtime as pallet_burn_mint::Config>::MinEpochLength as Get<u32>>::get();
    assert_eq!(delay, burn_mint::REWARD_DELAY);
    assert!(delay * shortest >= path + burn_mint::FREEZE_MARGIN);
    assert!(path < longest_path(ids::PROVIDER_ADMIN));
    with_dev_chain(|| {
        run_to_block(1);
        let freezer: RuntimeOrigin = OriginCaller::Origins(Origin::ProviderFreezer).into();
        assert!(Freeze::try_origin(freezer.clone()).is_ok());
        assert!(
            <Runtime as pallet_burn_mint::Config>::ReputationOrigin::try_origin(freezer).is_err()
        );
        let bob: AccountId = Bob.to_account_id();
        assert_ok!(BurnMint::register_provider(signed(Bob), 10, 200 * CAPA));
        let submitted = System::block_number();
        let index = propose(
            Charlie,
            Origin::ProviderFreezer,
            RuntimeCall::BurnMint(pallet_burn_mint::Call::freeze_provider {
                provider: bob.clone(),
            }),
        );
        majority_votes_aye(index);
        let (enacted, events) = run_until_enacted();
        assert_eq!(dispatch_result(&events), Some(Ok(())));
        assert!(
            enacted <= submitted + path,
            "enacted at {enacted}, submitted at {submitted}, path {path}"
        );
        let now = System::block_number();
        let record = pallet_burn_mint::Providers::<Runtime>::get(&bob).unwrap();
        assert!(record.is_frozen(&now));
        assert_noop!(
            BurnMint::claim_rewards(signed(Bob), bob),
            pallet_burn_mint::Error::<Runtime>::ProviderFrozen
        );
    });
}
