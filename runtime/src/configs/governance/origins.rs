//! The custom origins of CapaCloud's OpenGov: one origin per referendum track besides `root`.
//!
//! A referendum on a track dispatches its call with that track's origin. Each origin is accepted
//! only where the runtime names it, which is what limits a track's power: `EmissionAdmin`, for
//! example, is accepted by pallet-burn-mint's `AdminOrigin` and `FeederAdminOrigin` and by
//! nothing else, so an `emission_admin` referendum cannot transfer funds or upgrade the runtime.

pub use pallet_custom_origins::*;

/// A tiny pallet that only declares the [`Origin`] enum, so that it becomes part of the
/// runtime's `OriginCaller`.
#[frame_support::pallet]
pub mod pallet_custom_origins {
    use frame_support::pallet_prelude::*;

    /// No configuration: the pallet only contributes an origin.
    #[pallet::config]
    pub trait Config: frame_system::Config {}

    /// The pallet (storage-less).
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// The origins that referenda on CapaCloud's custom tracks dispatch with.
    #[derive(
        PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
    )]
    #[pallet::origin]
    pub enum Origin {
        /// Changes pallet-burn-mint's economic parameters and its price-feeder set.
        EmissionAdmin,
        /// Spends from the ecosystem treasury, up to the track's spend limit.
        Treasurer,
        /// Sets providers' reputation and slashes their bonds.
        ProviderAdmin,
        /// Cancels an ongoing referendum (deposits are refunded).
        ReferendumCanceller,
        /// Kills an ongoing referendum (deposits are slashed).
        ReferendumKiller,
        /// Freezes a provider's rewards and bond pending a removal referendum (fast track).
        ProviderFreezer,
    }

    /// Declares, for each listed variant, a type that implements `EnsureOrigin` by accepting
    /// exactly that variant of [`Origin`].
    macro_rules! ensure_variant {
        ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
            $(#[$doc])*
            pub struct $name;
            impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
            where
                for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
            {
                type Success = ();
                fn try_origin(o: O) -> Result<Self::Success, O> {
                    let accepted = {
                        let caller: Result<&Origin, _> = o.caller().try_into();
                        matches!(caller, Ok(Origin::$name))
                    };
                    if accepted {
                        Ok(())
                    } else {
                        Err(o)
                    }
                }
                #[cfg(feature = "runtime-benchmarks")]
                fn try_successful_origin() -> Result<O, ()> {
                    Ok(O::from(Origin::$name))
                }
            }
        )+};
    }

    ensure_variant!(
        /// Accepts only [`Origin::EmissionAdmin`].
        EmissionAdmin,
        /// Accepts only [`Origin::Treasurer`].
        Treasurer,
        /// Accepts only [`Origin::ProviderAdmin`].
        ProviderAdmin,
        /// Accepts only [`Origin::ReferendumCanceller`].
        ReferendumCanceller,
        /// Accepts only [`Origin::ReferendumKiller`].
        ReferendumKiller,
        /// Accepts only [`Origin::ProviderFreezer`].
        ProviderFreezer,
    );
}
