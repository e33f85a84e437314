//! The `BurnMintApi` runtime API: supply statistics, pending rewards, credit balances and quotes,
//! and an emission-path preview, for wallets, dashboards and voters (`api.call.burnMintApi.*` in
//! polkadot.js).

use crate::{
    economics::{Amount, Credits, ParameterError, Parameters, PathPoint},
    EpochRecord, Totals,
};
use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

/// Everything a supply dashboard shows, in one call.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SupplyStats {
    /// Total issuance now.
    pub total_issuance: Amount,
    /// Emission per block in force.
    pub emission_per_block: Amount,
    /// Open epoch number.
    pub epoch_index: u32,
    /// First block of the open epoch.
    pub epoch_start: u64,
    /// Length of the open epoch.
    pub epoch_length: u32,
    /// The open epoch's books so far.
    pub current_epoch: EpochRecord,
    /// The last closed epoch's books, if kept.
    pub last_closed_epoch: Option<EpochRecord>,
    /// Totals since genesis.
    pub totals: Totals,
    /// Credits held by all accounts.
    pub total_credits: Credits,
    /// Registered providers.
    pub provider_count: u32,
    /// Availability points online.
    pub total_points: u128,
    /// Balance of the reward pot.
    pub reward_pot: Amount,
    /// Parameters in force.
    pub parameters: Option<Parameters>,
    /// Parameters scheduled for the next epoch boundary.
    pub pending_parameters: Option<Parameters>,
    /// The runtime's hard cap on emission per block.
    pub max_emission_per_block: Amount,
    /// The runtime's cap on total issuance, if any.
    pub max_total_supply: Option<Amount>,
}

/// Why an emission preview could not be computed.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum PreviewError {
    /// The proposed parameters are invalid (the same check `set_parameters` makes).
    Invalid(ParameterError),
    /// The chain has no parameters yet and none were proposed.
    NotConfigured,
}

sp_api::decl_runtime_apis! {
    /// Queries of pallet-burn-mint.
    pub trait BurnMintApi<AccountId: Codec> {
        /// Supply statistics: issuance, emission, epoch books, totals.
        fn supply_stats() -> SupplyStats;
        /// Rewards a provider could claim now.
        fn pending_rewards(provider: AccountId) -> Amount;
        /// Compute credits held by an account.
        fn credits_of(who: AccountId) -> Credits;
        /// Credits that burning `amount` tokens buys now (`None` if the price is stale).
        fn quote_credits(amount: Amount) -> Option<Credits>;
        /// Emission per block for the next `epochs` epochs under `parameters` (default: the
        /// parameters that will be in force), assuming the last epoch's burn continues.
        fn preview_emission(parameters: Option<Parameters>, epochs: u32) -> Result<Vec<PathPoint>, PreviewError>;
    }
}
