//! Benchmarks of pallet-validator-set (FRAME benchmarking v2), each call in its worst case: a
//! set one short of full for an addition, a full set whose last member leaves for a removal.

use super::*;
use codec::Decode;
use frame_benchmarking::v2::*;
use frame_support::{traits::EnsureOrigin, BoundedVec};
use sp_runtime::traits::TrailingZeroInput;

const SEED: u32 = 0;

/// `n` validators, each with session keys.
fn validators<T: Config>(n: u32) -> BoundedVec<T::AccountId, T::MaxValidators> {
    let set: Vec<T::AccountId> = (0..n)
        .map(|i| with_keys::<T>(account("validator", i, SEED)))
        .collect();
    set.try_into().expect("n is at most MaxValidators")
}

/// `who`, after registering session keys (written directly: the keys' values do not matter
/// to this pallet, only that they exist).
fn with_keys<T: Config>(who: T::AccountId) -> T::AccountId {
    let keys = <T as pallet_session::Config>::Keys::decode(&mut TrailingZeroInput::zeroes())
        .expect("keys decode from zeroes");
    pallet_session::NextKeys::<T>::insert(&who, keys);
    who
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn add_validator() -> Result<(), BenchmarkError> {
        let max = T::MaxValidators::get();
        Validators::<T>::put(validators::<T>(max - 1));
        let who = with_keys::<T>(account("joining", 0, SEED));
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());

        assert_eq!(Validators::<T>::get().last(), Some(&who));
        Ok(())
    }

    #[benchmark]
    fn remove_validator() -> Result<(), BenchmarkError> {
        let set = validators::<T>(T::MaxValidators::get());
        let who = set.last().cloned().expect("MaxValidators is at least 1");
        Validators::<T>::put(set);
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());

        assert!(!Validators::<T>::get().contains(&who));
        Ok(())
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
