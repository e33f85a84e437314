//! Parameters: governance's parameter set, validated whole and scheduled for the next epoch
//! boundary, and the first configuration, which starts the first epoch (at genesis or when
//! governance configures an inert pallet). The call in `lib.rs` checks the origin and calls
//! [`Pallet::do_set_parameters`].

use crate::{
    economics::{self, Amount, ControllerState, ParameterError, Parameters},
    ActiveParameters, CapacityVerifiers, Config, CurrentEpoch, Emission, EpochInfo, Error, Event,
    Pallet, PendingParameters, PriceFeeders,
};
use frame_support::pallet_prelude::DispatchResult;
use frame_system::pallet_prelude::BlockNumberFor;

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
        }
    }
}
