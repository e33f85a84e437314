//! The validator set: governance changes it, the session applies it, bad input changes nothing.

use crate::{mock::*, Error, Event, Validators};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn set() -> Vec<u64> {
    Validators::<Test>::get().into_inner()
}

fn planned_events() -> Vec<(u32, u32)> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::ValidatorSet(Event::NewSetPlanned {
                session,
                validators,
            }) => Some((session, validators)),
            _ => None,
        })
        .collect()
}

#[test]
fn genesis_validators_author_the_first_sessions() {
    test(|| {
        assert_eq!(set(), vec![1, 2, 3]);
        assert_eq!(Session::validators(), vec![1, 2, 3]);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
        run_to_session(3);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
    });
}

#[test]
fn an_unchanged_set_hands_nothing_to_the_session_and_changes_no_authority() {
    test(|| {
        run_to_session(5);
        assert_eq!(planned_events(), vec![]);
        assert_eq!(AuthorityChanges::get(), 0);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
    });
}

#[test]
fn an_added_validator_authors_from_the_session_after_the_next_rotation() {
    test(|| {
        set_keys(4);
        assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
        System::assert_last_event(Event::ValidatorAdded { who: 4 }.into());
        assert_eq!(set(), vec![1, 2, 3, 4]);
        // Session 1 starts with the set planned at genesis; session 2 is planned with 4.
        run_to_session(1);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
        assert_eq!(planned_events(), vec![(2, 4)]);
        run_to_session(2);
        assert_eq!(Authorities::get(), vec![1, 2, 3, 4]);
        assert_eq!(Session::validators(), vec![1, 2, 3, 4]);
        // One authority change, then none while the set stays.
        run_to_session(6);
        assert_eq!(AuthorityChanges::get(), 1);
        assert_eq!(planned_events(), vec![(2, 4)]);
    });
}

#[test]
fn a_removed_validator_stops_authoring_from_the_session_after_the_next_rotation() {
    test(|| {
        run_to_session(1);
        assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 2));
        System::assert_last_event(Event::ValidatorRemoved { who: 2 }.into());
        assert_eq!(set(), vec![1, 3]);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
        run_to_session(2);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
        assert_eq!(planned_events(), vec![(3, 2)]);
        run_to_session(3);
        assert_eq!(Authorities::get(), vec![1, 3]);
    });
}

#[test]
fn only_the_admin_origin_changes_the_set() {
    test(|| {
        set_keys(4);
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::signed(4), 4),
            DispatchError::BadOrigin
        );
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::signed(1), 1),
            DispatchError::BadOrigin
        );
        assert_eq!(set(), vec![1, 2, 3]);
    });
}

#[test]
fn adding_without_keys_twice_or_past_the_maximum_fails_by_name() {
    test(|| {
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), 4),
            Error::<Test>::NoSessionKeys
        );
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), 3),
            Error::<Test>::AlreadyValidator
        );
        set_keys(4);
        set_keys(5);
        assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
        assert_eq!(set().len() as u32, MAX);
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), 5),
            Error::<Test>::TooManyValidators
        );
        assert_eq!(set(), vec![1, 2, 3, 4]);
    });
}

#[test]
fn removing_a_stranger_or_below_the_minimum_fails_by_name() {
    test(|| {
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::root(), 7),
            Error::<Test>::NotValidator
        );
        assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 3));
        assert_eq!(set().len() as u32, MIN);
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::root(), 1),
            Error::<Test>::TooFewValidators
        );
        assert_eq!(set(), vec![1, 2]);
        // The session applies the smaller set, and never less.
        run_to_session(2);
        assert_eq!(Authorities::get(), vec![1, 2]);
    });
}

#[test]
fn a_validator_that_purges_its_keys_leaves_and_returns_when_it_sets_them_again() {
    test(|| {
        assert_ok!(Session::purge_keys(RuntimeOrigin::signed(3)));
        run_to_session(2);
        assert_eq!(Authorities::get(), vec![1, 2]);
        assert_eq!(set(), vec![1, 2, 3], "the stored set keeps it");
        set_keys(3);
        run_to_session(4);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
        assert_eq!(planned_events(), vec![(2, 2), (4, 3)]);
    });
}

#[test]
fn a_removed_then_re_added_validator_authors_again() {
    test(|| {
        assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 1));
        run_to_session(2);
        assert_eq!(Authorities::get(), vec![2, 3]);
        assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 1));
        assert_eq!(set(), vec![2, 3, 1]);
        run_to_session(4);
        assert_eq!(Authorities::get(), vec![2, 3, 1]);
    });
}

#[test]
fn the_genesis_set_is_checked() {
    fn checked(v: Vec<u64>) -> Result<Vec<u64>, DispatchError> {
        ValidatorSet::checked_set(v)
            .map(|s| s.into_inner())
            .map_err(Into::into)
    }
    test(|| {
        assert_eq!(
            checked(vec![1, 2, 1]),
            Err(Error::<Test>::DuplicateValidator.into())
        );
        assert_eq!(
            checked(vec![1]),
            Err(Error::<Test>::TooFewValidators.into())
        );
        assert_eq!(
            checked(vec![1, 2, 3, 4, 5]),
            Err(Error::<Test>::TooManyValidators.into())
        );
        assert_eq!(checked(vec![4, 5]), Ok(vec![4, 5]));
    });
}

#[test]
fn a_chain_with_no_genesis_set_keeps_the_sessions_until_governance_has_built_one() {
    new_test_ext_with(vec![]).execute_with(|| {
        assert_eq!(set(), Vec::<u64>::new());
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
        set_keys(4);
        assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
        // One validator is below the minimum: the session keeps its own set.
        run_to_session(3);
        assert_eq!(Authorities::get(), vec![1, 2, 3]);
        assert_eq!(planned_events(), vec![]);
        ValidatorSet::do_try_state().expect("invariants hold while the set is built up");
        assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 1));
        run_to_session(5);
        assert_eq!(Authorities::get(), vec![4, 1]);
        assert_eq!(planned_events(), vec![(5, 2)]);
        ValidatorSet::do_try_state().expect("invariants hold");
    });
}

#[test]
fn try_state_catches_a_set_below_the_minimum_or_with_a_duplicate() {
    new_test_ext().execute_with(|| {
        Validators::<Test>::put(frame_support::BoundedVec::truncate_from(vec![1, 2, 2]));
        assert!(ValidatorSet::do_try_state().is_err());
        // A set below the minimum that the session runs.
        Validators::<Test>::put(frame_support::BoundedVec::truncate_from(vec![1]));
        pallet_session::Validators::<Test>::put(vec![1]);
        assert!(ValidatorSet::do_try_state().is_err());
        pallet_session::Validators::<Test>::put(Vec::<u64>::new());
        assert!(ValidatorSet::do_try_state().is_err());
    });
}
