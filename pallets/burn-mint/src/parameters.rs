//! Parameters: governance's parameter set, validated whole and scheduled for the next epoch
//! boundary, the genesis build, and the first configuration, which starts the first epoch (at
//! genesis or when governance configures an inert pallet). The call in `lib.rs` checks the origin and calls
//! [`Pallet::do_set_parameters`].

use crate::{
    economics::{self, Amount, ControllerState, ParameterError, Parameters},
    types::{PriceFeed, PriceInForce},
    ActiveParameters, CapacityVerifiers, Config, CurrentEpoch, Emission, EpochInfo, Error, Event,
    GenesisConfig, LastPrice, Pallet, PendingParameters, PriceFeeders,
};
use alloc::vec::Vec;
use frame_support::{
    pallet_prelude::DispatchResult,
    traits::{
        fungible::{Inspect, Mutate},
        Get,
    },
    BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
    /// [`Pallet::set_parameters`], the origin checked.
    pub(crate) fn do_set_parameters(parameters: Parameters) -> DispatchResult {
        parameters
            .validate(&Self::hard_limits())
            .map_err(Error::<T>::from)?;
        Self::ensure_quorum(parameters.min_price_feeds, PriceFeeders::<T>::get().len())?;
        Self::ensure_verifier_quorum(
            parameters.min_capacity_attestations,
            CapacityVerifiers::<T>::get().len(),
        )?;
        if ActiveParameters::<T>::get().is_none() {
            // First configuration: blocks from the next one on emit under these parameters,
            // never above their ceiling (itself within the hard cap), whatever genesis chose.
            let now = frame_system::Pallet::<T>::block_number();
            let emission = Emission::<T>::get()
                .controller
                .emission_per_block
                .min(parameters.max_emission_per_block);
            Self::start_first_epoch(now, parameters, emission);
            Self::deposit_event(Event::ParametersApplied {
                old: None,
                new: parameters,
            });
        } else {
            let old = PendingParameters::<T>::get().or_else(ActiveParameters::<T>::get);
            PendingParameters::<T>::put(parameters);
            Self::deposit_event(Event::ParametersScheduled {
                old,
                new: parameters,
            });
        }
        Ok(())
    }

    /// What genesis builds from `config`: the parameters and the first epoch (or an inert
    /// pallet with the initial emission), the verifier and feeder sets (sorted, deduplicated),
    /// the initial price, and the pot's and the treasury's existential deposits.
    pub(crate) fn build_genesis(config: &GenesisConfig<T>) {
        if let Some(params) = config.parameters {
            params
                .validate(&Pallet::<T>::hard_limits())
                .expect("genesis parameters are valid");
            assert!(
                config.initial_emission_per_block <= params.max_emission_per_block,
                "initial emission above the parameters' maximum"
            );
            Pallet::<T>::start_first_epoch(Zero::zero(), params, config.initial_emission_per_block);
        } else {
            // Inert: no split until governance configures the pallet (which starts the
            // controller again under its parameters, `start_first_epoch`).
            let emission = config.initial_emission_per_block;
            Emission::<T>::mutate(|e| {
                e.controller = ControllerState {
                    emission_per_block: emission,
                    choice: emission,
                    scheduled_target: emission,
                    ..Default::default()
                }
            });
        }
        let mut verifiers = config.capacity_verifiers.clone();
        verifiers.sort();
        verifiers.dedup();
        if let Some(params) = config.parameters {
            // Each genesis verifier holds its bond, as `bond_verifier` would.
            for verifier in &verifiers {
                Pallet::<T>::do_bond_verifier(verifier.clone(), params.verifier_bond)
                    .expect("each genesis capacity verifier can hold the verifier bond");
            }
        }
        CapacityVerifiers::<T>::put(
            BoundedVec::try_from(verifiers).expect("too many genesis capacity verifiers"),
        );
        let mut feeders = config.price_feeders.clone();
        feeders.sort();
        feeders.dedup();
        let latest = config.initial_price.map(|price| (price, Zero::zero()));
        let feeds: Vec<_> = feeders
            .into_iter()
            .map(|feeder| PriceFeed { feeder, latest })
            .collect();
        PriceFeeders::<T>::put(
            BoundedVec::try_from(feeds).expect("too many genesis price feeders"),
        );
        if let Some(price) = config.initial_price {
            LastPrice::<T>::put(PriceInForce::new(price, BlockNumberFor::<T>::zero()));
        }
        // The pot and the treasury must exist so that minting small amounts never fails.
        let ed = T::Currency::minimum_balance();
        for account in [Pallet::<T>::pot(), T::TreasuryAccount::get()] {
            if T::Currency::balance(&account) < ed {
                T::Currency::mint_into(&account, ed).expect("minting the ED at genesis works");
            }
        }
        // The books explain the issuance from here on: genesis is where the first epoch opens.
        let issuance = T::Currency::total_issuance();
        CurrentEpoch::<T>::mutate(|e| e.books.total_issuance_at_open = issuance);
    }

    /// Puts `parameters` in force and starts the first epoch at `now`, with the controller at
    /// `emission` per block and its band in force closed there
    /// ([`economics::ControllerState::at_genesis`]), keeping what was booked before (fee burns
    /// while the pallet was inert). What genesis does when it has parameters, and what the
    /// first `set_parameters` does.
    pub(crate) fn start_first_epoch(
        now: BlockNumberFor<T>,
        parameters: Parameters,
        emission: Amount,
    ) {
        ActiveParameters::<T>::put(parameters);
        CurrentEpoch::<T>::mutate(|epoch| {
            *epoch = EpochInfo {
                books: epoch.books,
                closed_totals: epoch.closed_totals,
                pruned_totals: epoch.pruned_totals,
                next_pool_to_expire: epoch.next_pool_to_expire,
                ..EpochInfo::first(now, &parameters)
            }
        });
        Emission::<T>::mutate(|e| {
            e.controller = ControllerState::at_genesis(emission, &parameters);
            // Nothing accrued while inert (no split): the accrual restarts at `now`.
            e.accrual
                .close(now, economics::split_emission(emission, &parameters));
        });
    }
}

/// Each [`ParameterError`] is a flat error of the pallet's own (not one error wrapping the
/// enum), so that polkadot.js and wallets show the proposer which parameter is wrong by
/// name (`burnMint.SharesNotWhole`).
impl<T> From<ParameterError> for Error<T> {
    fn from(e: ParameterError) -> Self {
        match e {
            ParameterError::SharesNotWhole => Error::SharesNotWhole,
            ParameterError::FloorAboveCeiling => Error::FloorAboveCeiling,
            ParameterError::AboveHardCap => Error::AboveHardCap,
            ParameterError::BadEpochLength => Error::BadEpochLength,
            ParameterError::StepTooLarge => Error::StepTooLarge,
            ParameterError::RewardCapTooHigh => Error::RewardCapTooHigh,
            ParameterError::BadPriceSettings => Error::BadPriceSettings,
            ParameterError::BadSmoothing => Error::BadSmoothing,
            ParameterError::UnbondingTooShort => Error::UnbondingTooShort,
            ParameterError::SelfDealingPays => Error::SelfDealingPays,
            ParameterError::BadVerifierQuorum => Error::BadVerifierQuorum,
            ParameterError::BadLivenessWindows => Error::BadLivenessWindows,
            ParameterError::BadVerifierBond => Error::BadVerifierBond,
            ParameterError::InitialReputationAboveMinimum => Error::InitialReputationAboveMinimum,
        }
    }
}
