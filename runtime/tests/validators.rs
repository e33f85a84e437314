//! The validator set in the real runtime (native, from the `development` genesis preset): a
//! referendum on the root track adds and removes validators, the session rotation hands the new
//! set to Aura and GRANDPA, bad input fails by name and changes nothing, and a chain that ran
//! without sessions keeps its authorities through the upgrade that adds them.

mod common;

use capacloud_runtime::{
    configs::{
        governance::tracks::{ids, longest_path},
        validators::{validator_account, SessionKeyDeposit, SessionLength},
    },
    migrations::SessionFromConsensusAuthorities,
    opaque::SessionKeys,
    AccountId, Balances, Runtime, RuntimeCall, RuntimeOrigin, Session, System, ValidatorSet,
};
use codec::Encode;
use common::{
    referenda::{dispatch_result, majority_votes_aye, propose, run_until_enacted_within, signed},
    run_to_block, run_until, with_dev_chain,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{fungible::InspectHold, OnRuntimeUpgrade},
};
use frame_system::RawOrigin;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::{proof_of_possession::ProofOfPossessionGenerator, Pair};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie};
use sp_runtime::DispatchError;

/// The GRANDPA key pair of a development account (`//Alice`, ..., as `--alice` inserts it).
fn grandpa_pair(who: Sr25519Keyring) -> sp_core::ed25519::Pair {
    sp_core::ed25519::Pair::from_string(&format!("//{who:?}"), None).expect("a valid seed")
}

/// The session keys of a development authority.
fn keys_of(who: Sr25519Keyring) -> SessionKeys {
    SessionKeys {
        aura: AuraId::from(who.public()),
        grandpa: GrandpaId::from(grandpa_pair(who).public()),
    }
}

/// `owner`'s proof that it holds `who`'s development session keys, as `author_rotateKeys`
/// makes it: each key signs the owner's account.
fn proof_of(who: Sr25519Keyring, owner: &AccountId) -> Vec<u8> {
    let owner = owner.encode();
    let (mut aura, mut grandpa) = (who.pair(), grandpa_pair(who));
    (
        aura.generate_proof_of_possession(&owner),
        grandpa.generate_proof_of_possession(&owner),
    )
        .encode()
}

/// `who` registers its development session keys with `session.set_keys`.
fn register_keys(who: Sr25519Keyring) {
    let proof = proof_of(who, &who.to_account_id());
    assert_ok!(Session::set_keys(signed(who), keys_of(who), proof));
}

fn add(who: Sr25519Keyring) -> RuntimeCall {
    RuntimeCall::ValidatorSet(pallet_validator_set::Call::add_validator {
        who: who.to_account_id(),
    })
}

fn remove(who: Sr25519Keyring) -> RuntimeCall {
    RuntimeCall::ValidatorSet(pallet_validator_set::Call::remove_validator {
        who: who.to_account_id(),
    })
}

/// Submits `call` on the root track, votes it through and runs until it is enacted; returns
/// the result it was dispatched with.
fn root_referendum(call: RuntimeCall) -> Result<(), DispatchError> {
    let index = propose(Alice, RawOrigin::Root, call);
    majority_votes_aye(index);
    let (_, events) = run_until_enacted_within(longest_path(ids::ROOT) + 20);
    dispatch_result(&events).expect("the referendum was enacted")
}

fn stored_set() -> Vec<AccountId> {
    pallet_validator_set::Validators::<Runtime>::get().into_inner()
}

fn aura_authorities() -> Vec<AuraId> {
    pallet_aura::Authorities::<Runtime>::get().into_inner()
}

fn grandpa_authorities() -> Vec<GrandpaId> {
    pallet_grandpa::Pallet::<Runtime>::grandpa_authorities()
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

/// The most blocks from a change of the stored set to Aura authoring with it: the change is
/// planned at the next rotation and in force at the one after.
fn two_sessions() -> u32 {
    2 * SessionLength::get() + 1
}

#[test]
fn the_development_validator_comes_from_the_session_genesis() {
    with_dev_chain(|| {
        let alice = Alice.to_account_id();
        assert_eq!(stored_set(), vec![alice.clone()]);
        assert_eq!(Session::validators(), vec![alice.clone()]);
        assert_eq!(
            pallet_session::NextKeys::<Runtime>::get(&alice),
            Some(keys_of(Alice))
        );
        assert_eq!(aura_authorities(), vec![keys_of(Alice).aura]);
        assert_eq!(grandpa_authorities(), vec![keys_of(Alice).grandpa]);
        assert_eq!(validator_account(&keys_of(Alice).aura), alice);
        // Sessions rotate without changing anything while the set stays.
        run_to_block(3 * SessionLength::get() + 1);
        assert_eq!(Session::current_index(), 3);
        assert_eq!(aura_authorities(), vec![keys_of(Alice).aura]);
        assert_eq!(pallet_grandpa::Pallet::<Runtime>::current_set_id(), 0);
    });
}

#[test]
fn a_root_referendum_adds_a_validator_and_aura_and_grandpa_follow_within_two_sessions() {
    with_dev_chain(|| {
        let bob = Bob.to_account_id();
        register_keys(Bob);
        let held = Balances::balance_on_hold(&pallet_session::HoldReason::Keys.into(), &bob);
        assert_eq!(held, SessionKeyDeposit::get());

        assert_eq!(root_referendum(add(Bob)), Ok(()));
        assert_eq!(stored_set(), vec![Alice.to_account_id(), bob.clone()]);
        let enacted = System::block_number();
        let (applied, _) = run_until(two_sessions(), || aura_authorities().len() == 2);
        assert!(applied - enacted <= two_sessions());
        assert_eq!(
            aura_authorities(),
            vec![keys_of(Alice).aura, keys_of(Bob).aura]
        );
        assert_eq!(Session::validators(), vec![Alice.to_account_id(), bob]);
        // GRANDPA's change is scheduled with no delay and applied at the end of the block.
        assert_eq!(
            grandpa_authorities(),
            vec![keys_of(Alice).grandpa, keys_of(Bob).grandpa]
        );
        assert_eq!(pallet_grandpa::Pallet::<Runtime>::current_set_id(), 1);
    });
}

#[test]
fn a_root_referendum_removes_a_validator_and_it_stops_authoring_within_two_sessions() {
    with_dev_chain(|| {
        register_keys(Bob);
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            Bob.to_account_id()
        ));
        run_until(two_sessions(), || aura_authorities().len() == 2);

        assert_eq!(root_referendum(remove(Bob)), Ok(()));
        assert_eq!(stored_set(), vec![Alice.to_account_id()]);
        let enacted = System::block_number();
        let (applied, _) = run_until(two_sessions(), || aura_authorities().len() == 1);
        assert!(applied - enacted <= two_sessions());
        assert_eq!(aura_authorities(), vec![keys_of(Alice).aura]);
        assert_eq!(grandpa_authorities(), vec![keys_of(Alice).grandpa]);
    });
}

#[test]
fn a_referendum_removing_the_last_validator_or_adding_one_without_keys_fails_by_name() {
    with_dev_chain(|| {
        let error = |e: pallet_validator_set::Error<Runtime>| Err(DispatchError::from(e));
        assert_eq!(
            root_referendum(remove(Alice)),
            error(pallet_validator_set::Error::TooFewValidators)
        );
        assert_eq!(
            root_referendum(add(Charlie)),
            error(pallet_validator_set::Error::NoSessionKeys)
        );
        assert_eq!(stored_set(), vec![Alice.to_account_id()]);
        run_to_block(System::block_number() + two_sessions());
        assert_eq!(aura_authorities(), vec![keys_of(Alice).aura]);
    });
}

#[test]
fn only_root_changes_the_set_and_keys_need_a_proof_of_ownership() {
    with_dev_chain(|| {
        register_keys(Bob);
        assert_noop!(
            ValidatorSet::add_validator(signed(Bob), Bob.to_account_id()),
            DispatchError::BadOrigin
        );
        assert_noop!(
            ValidatorSet::remove_validator(signed(Alice), Alice.to_account_id()),
            DispatchError::BadOrigin
        );
        // Charlie cannot register Dave's keys as its own: the proof is Dave's.
        let proof = proof_of(Sr25519Keyring::Dave, &Sr25519Keyring::Dave.to_account_id());
        assert_noop!(
            Session::set_keys(signed(Charlie), keys_of(Sr25519Keyring::Dave), proof),
            pallet_session::Error::<Runtime>::InvalidProof
        );
    });
}

#[test]
fn a_chain_without_sessions_keeps_its_authorities_through_the_upgrade_that_adds_them() {
    with_dev_chain(|| {
        // The state of spec 114: Aura's and GRANDPA's authorities from genesis, no session and
        // no validator set.
        let alice = Alice.to_account_id();
        let _ = pallet_session::Validators::<Runtime>::take();
        let _ = pallet_session::QueuedKeys::<Runtime>::take();
        let _ = pallet_session::NextKeys::<Runtime>::clear(u32::MAX, None);
        let _ = pallet_session::KeyOwner::<Runtime>::clear(u32::MAX, None);
        let _ = pallet_validator_set::Validators::<Runtime>::take();
        frame_system::Pallet::<Runtime>::dec_consumers(&alice);

        #[cfg(feature = "try-runtime")]
        let state = SessionFromConsensusAuthorities::pre_upgrade().expect("pre_upgrade");
        SessionFromConsensusAuthorities::on_runtime_upgrade();
        #[cfg(feature = "try-runtime")]
        SessionFromConsensusAuthorities::post_upgrade(state).expect("post_upgrade");

        assert_eq!(stored_set(), vec![alice.clone()]);
        assert_eq!(Session::validators(), vec![alice.clone()]);
        assert_eq!(
            pallet_session::NextKeys::<Runtime>::get(&alice),
            Some(keys_of(Alice))
        );
        assert!(pallet_session::ExternallySetKeys::<Runtime>::contains_key(
            &alice
        ));
        // Once more: nothing to do.
        let before = pallet_session::QueuedKeys::<Runtime>::get();
        SessionFromConsensusAuthorities::on_runtime_upgrade();
        assert_eq!(pallet_session::QueuedKeys::<Runtime>::get(), before);

        // Sessions rotate and nothing changes for Aura and GRANDPA.
        run_to_block(System::block_number() + 3 * SessionLength::get());
        assert_eq!(aura_authorities(), vec![keys_of(Alice).aura]);
        assert_eq!(grandpa_authorities(), vec![keys_of(Alice).grandpa]);
        assert_eq!(pallet_grandpa::Pallet::<Runtime>::current_set_id(), 0);
        assert!(pallet_grandpa::Pallet::<Runtime>::pending_change().is_none());
        // And governance manages the set from here on.
        register_keys(Bob);
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            Bob.to_account_id()
        ));
        run_until(two_sessions(), || aura_authorities().len() == 2);
        assert_eq!(
            grandpa_authorities(),
            vec![keys_of(Alice).grandpa, keys_of(Bob).grandpa]
        );
    });
}
