//! OpenGov as people use it, for the runtime's tests: propose on a track, vote, run until the
//! call is enacted, and read the result it was dispatched with.

use super::run_until;
use capacloud_runtime::{
    ConvictionVoting, OriginCaller, Preimage, Referenda, Runtime, RuntimeCall, RuntimeEvent,
    RuntimeOrigin, System, CAPA,
};
use codec::Encode;
use frame_support::{
    assert_ok,
    traits::{schedule::DispatchTime, Bounded},
};
use pallet_conviction_voting::{AccountVote, Conviction, Vote};
use pallet_referenda::ReferendumInfo;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie};
use sp_runtime::{
    traits::{BlakeTwo256, Hash},
    DispatchError,
};

/// The signed origin of a development account.
pub fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
    RuntimeOrigin::signed(who.to_account_id())
}

/// Notes `call`'s preimage, submits it on the track of `origin` (a custom origin, or
/// `frame_system::RawOrigin::Root` for the root track) and places the decision deposit, all as
/// `proposer`, the way a person does it with polkadot.js. Returns the index.
pub fn propose(
    proposer: Sr25519Keyring,
    origin: impl Into<OriginCaller>,
    call: RuntimeCall,
) -> u32 {
    let encoded = call.encode();
    let hash = BlakeTwo256::hash(&encoded);
    assert_ok!(Preimage::note_preimage(signed(proposer), encoded.clone()));
    let index = pallet_referenda::ReferendumCount::<Runtime>::get();
    assert_ok!(Referenda::submit(
        signed(proposer),
        Box::new(origin.into()),
        Bounded::Lookup {
            hash,
            len: encoded.len() as u32
        },
        DispatchTime::After(0),
    ));
    assert_ok!(Referenda::place_decision_deposit(signed(proposer), index));
    index
}

/// Votes aye on `index` with `balance`, locked with 1x conviction.
pub fn vote_aye(who: Sr25519Keyring, index: u32, balance: u128) {
    let vote = AccountVote::Standard {
        vote: Vote {
            aye: true,
            conviction: Conviction::Locked1x,
        },
        balance,
    };
    assert_ok!(ConvictionVoting::vote(signed(who), index, vote));
}

/// The dev accounts vote aye with most of their balance: more than any track's initial
/// support threshold of the whole issuance, so the referendum confirms as soon as it may.
pub fn majority_votes_aye(index: u32) {
    for who in [Alice, Bob, Charlie, Dave, Eve, Ferdie] {
        vote_aye(who, index, 900_000 * CAPA);
    }
}

/// Whether referendum `index` is no longer ongoing.
pub fn is_finished(index: u32) -> bool {
    !matches!(
        pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
        Some(ReferendumInfo::Ongoing(_))
    )
}

/// The name under which pallet-referenda schedules the enactment of referendum `index`.
pub fn enactment_task(index: u32) -> [u8; 32] {
    (*b"assembly", "enactment", index).using_encoded(sp_io::hashing::blake2_256)
}

/// The result with which the scheduler dispatched the call of an enacted referendum (the
/// scheduler also dispatches the referenda's own alarms; those are not enactments).
pub fn dispatch_result(events: &[RuntimeEvent]) -> Option<Result<(), DispatchError>> {
    events.iter().find_map(|e| match e {
        RuntimeEvent::Scheduler(pallet_scheduler::Event::Dispatched {
            id: Some(id),
            result,
            ..
        }) if (0..8).any(|index| *id == enactment_task(index)) => Some(*result),
        _ => None,
    })
}

/// Runs until the scheduler has dispatched an approved referendum's call, at most `limit`
/// blocks; returns the block reached and the events of the blocks run.
pub fn run_until_enacted_within(limit: u32) -> (u32, Vec<RuntimeEvent>) {
    run_until(limit, || {
        let events: Vec<_> = System::events().into_iter().map(|r| r.event).collect();
        dispatch_result(&events).is_some()
    })
}
