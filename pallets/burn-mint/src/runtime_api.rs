//! The `BurnMintApi` runtime API: supply statistics, pending rewards, credit balances and quotes,
//! and an emission-path preview, for wallets, dashboards and voters (`api.call.burnMintApi.*` in
//! polkadot.js). Each function has a view function of the same name and meaning (see
//! [`crate::Pallet`]'s view functions), which the runtime's implementation calls.

use crate::economics::{Amount, Credits, Parameters, PathPoint};
pub use crate::types::{LivenessWindow, PreviewError, SupplyStats};
use alloc::{string::String, vec::Vec};
use codec::Codec;

sp_api::decl_runtime_apis! {
    /// Queries of pallet-burn-mint. Version 2 adds [`BurnMintApi::check_invariants`], version
    /// 3 [`BurnMintApi::liveness_window`]; in version 4 the books of [`SupplyStats`] carry
    /// dust, the outside lines and the issuance at the epoch's open (spec 110); version 5
    /// adds [`BurnMintApi::required_bond`] (spec 113).
    #[api_version(5)]
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
        /// The pallet's invariants (its `try_state` checks) on the state at the queried block:
        /// `None` from a runtime built without the `try-runtime` feature, else `Ok` or the first
        /// invariant that fails. For operators' consistency checks (after a crash, an import).
        /// (Since version 2.)
        fn check_invariants() -> Option<Result<(), String>>;
        /// The liveness window the next block lies in and whether `provider` proved it
        /// (`None` before the pallet is configured): what a provider's agent polls to send one
        /// heartbeat a window. (Since version 3.)
        fn liveness_window(provider: AccountId) -> Option<LivenessWindow>;
        /// The bond `provider` must hold now to stay active (`None`: not a provider): what a
        /// provider's agent tops its bond up to. (Since version 5.)
        fn required_bond(provider: AccountId) -> Option<Amount>;
    }
}
