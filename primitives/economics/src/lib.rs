//! # capacloud-economics
//!
//! CapaCloud's burn-and-mint economics as pure functions and plain values: no storage, no FRAME,
//! no runtime. `pallet-burn-mint` reads its storage, calls these functions and executes what
//! they decide; the property tests and the economics simulator call the very same functions
//! with values of their own, so that a simulation and the chain cannot disagree.
//!
//! | module | what it decides |
//! | --- | --- |
//! | [`parameters`] | the governance-set [`Parameters`], the runtime's [`HardLimits`], validation |
//! | [`controller`] | the next epoch's emission per block (fixed decay or burn-indexed) within a band that moves a step an epoch |
//! | [`emission`] | the per-block split, which blocks mint below the caps, and the lazily advanced [`EmissionAccrual`] |
//! | [`fees`] | the share of a transaction fee burned and the share paid to the treasury |
//! | [`slashing`] | a provider's slash: the share of its bond burned and of its reputation taken |
//! | [`pricing`] | credits for tokens at a price, the median of the feeds, how far a submission and the price may move, the basis of spent credits |
//! | [`usage`] | an epoch's usage pool and each provider's share of it |
//! | [`pools`] | an epoch's reward pools (usage and availability) and each provider's share |
//! | [`liveness`] | the liveness window of a block, and the share of its points a provider proves live in an epoch |
//! | [`verification`] | the capacity `k` of the verifiers agree on, and which quorums are allowed |
//! | [`books`] | an epoch's [`EpochBooks`] and the [`Totals`] since genesis |
//! | [`epoch`] | the epoch boundary as one plan: [`plan_epoch_close`] |
//! | [`preview`] | the emission path under a parameter set, for voters |
//! | [`presets`] | the chain's default parameters, hard limits, initial emission and price |
//!
//! ## Glossary
//!
//! One word per concept, in code, events, docs and clients. Where an on-chain name (storage,
//! call, event or runtime API, part of the metadata that wallets and clients decode) says it
//! otherwise, the name stays until a planned storage change renames it with a migration; it is
//! listed here with the word it means.
//!
//! | word | means | on-chain names that say it otherwise |
//! | --- | --- | --- |
//! | **CAPA**, **plancks** | the token; 1 CAPA = 10^12 plancks ([`presets::CAPA`], the runtime's `CAPA`) | |
//! | **credits** | compute credits, bought by burning CAPA at the price in force (**sold**), destroyed when spent with a provider (**served**) | |
//! | **outstanding credits** | credits held by accounts, bought and not yet served | `total_credits` (runtime API `supply_stats`) |
//! | **basis** | the CAPA burned for the credits a provider served: what its usage reward is a share of | |
//! | **open epoch** | the epoch in progress, whose books are still being written | storage `CurrentEpoch` |
//! | **closed epoch** | an epoch whose boundary has passed: its books are in the **ledger**, its **reward pools** minted | |
//! | **books**, **totals** | an epoch's minted, burned and never-minted amounts by cause ([`EpochBooks`]); their sums since genesis ([`Totals`]) | |
//! | **emission** | what is minted per block, split into the treasury's share, the usage pool and the availability pool | |
//! | **treasury** | the ecosystem fund: the account that receives its share of emission and the unburned part of fees | `ecosystem_share` (parameter), `minted_ecosystem` (books) |
//! | **unminted** | emission the supply cap or the per-block cap withheld: never minted | |
//! | **reward pools** | a closed epoch's usage pool (shared by basis) and availability pool (shared by live points), held in the reward pot | |
//! | **settle** | compute a provider's reward from a closed epoch's pools: its usage share ([`settle_usage`]) plus its availability share ([`availability_share`]) | |
//! | **locked**, **claimable** | a settled reward within the `RewardDelay` epochs after its epoch (a freeze holds it, a removal forfeits it), and after them | `pending_rewards` (runtime API: the claimable amount) |
//! | **pending** | parameters governance accepted, applied at the next epoch boundary; used for nothing else | storage `PendingParameters` |
//! | **forfeited** | rewards burned instead of paid: a pool's remainder when it leaves the claim window, a removed provider's unclaimed rewards | |
//! | **live points**, **liveness window** | a provider's proof of availability: one heartbeat in each window of the epoch earns its verified capacity's points ([`liveness`]) | |
//! | **verified capacity** | the capacity a quorum of capacity verifiers attested, counted from the epoch after they agree | |
//! | **price in force** | the median of the fresh price feeds, moved at most the parameters' step a block | storage `LastPrice` |
//!
//! In the clients (`clients/`): a signed extrinsic is **submitted** (`chain.mjs` `submit`),
//! amounts are parsed and printed by `amounts.mjs`, signing keys loaded by `keys.mjs`.
//!
//! ## Guarantees
//!
//! Nothing here panics: every operation is checked or saturating, and every rounding goes in
//! the protocol's favour (rewards and credits round down, the burned share of a fee rounds up). Each bound below states the
//! conditions under which it is proved and names the test that tries to break it; what is
//! not (yet) bounded, and the attacks that show it, is in `docs/threat-model.md` at the root
//! of the repository.
//!
//! - **Usage rewards never repay a burn in full.** Let a provider serve credits whose
//!   buyers burned `b ≥ 1` tokens, in an epoch whose credits served were bought by burning
//!   `B ≥ b` in all, with usage reward cap `c < 1`. The pool mints `m ≤ min(accrued, ⌊c·B⌋)`
//!   ([`close_usage_pool`]) and pays the provider `⌊m·b/B⌋ ≤ ⌊c·b⌋ < b` ([`settle_usage`]):
//!   a provider that buys compute from itself gets back at most `⌊c·b⌋` of the `b` it burned,
//!   whatever the others do. (`usage::tests::pool_never_pays_more_than_cap_times_basis`,
//!   `tests/properties.rs::usage_reward_is_at_most_cap_times_basis`.)
//! - **A burn is followed once, when its credits are served, net of what repays it.** The
//!   controller follows [`EpochBooks::net_burn`]: the basis of the credits served in the
//!   epoch, fees, slashes, dust and burns outside the pallet, less the usage rewards minted
//!   for the credits served. It is
//!   never negative and loses nothing to saturation (the pool mints at most `⌊c·basis⌋`), so
//!   buying in one epoch and spending in another is followed exactly like buying and spending
//!   in one (`books::tests::a_burn_is_followed_when_its_credits_are_served_and_repaid_there`).
//! - **What the controller remembers is re-emitted once.** The burn average's weights sum to
//!   one, and an epoch-length change rescales it to the new length ([`transition`]): a net
//!   burn `N` adds at most `N` to the burn-indexed target summed over every later epoch
//!   (target per block × the epoch's length), whatever lengths a referendum gives those
//!   epochs (`controller::tests::an_epoch_length_change_rescales_the_burn_average_so_a_burn_is_re_emitted_once`).
//!   The same holds through every other transition a referendum can make ([`transition`]),
//!   and none of them moves the target (same epoch length): a lower smoothing hands the
//!   average over at the rate it was remembered at (re-emitted exactly as before), a higher
//!   availability share hands the whole memory over at a faster decay ([`faster_decay`]) and
//!   weighs the closing epoch's burn by `a_old / a_new` (what availability receives of them is
//!   not raised), a switch to fixed decay keeps the remembered burn out of the schedule and
//!   lets it fade at the outgoing smoothing, a raised base the average cannot absorb is held
//!   back and released at the smoothing
//!   (`tests/properties.rs::a_transition_leaves_the_target_where_it_was`,
//!   `controller::tests::a_smoothing_change_re_emits_what_the_average_remembers_once`,
//!   `controller::tests::mode_switches_start_from_the_current_target_and_re_emit_the_memory_once`,
//!   `controller::tests::a_raised_availability_share_does_not_raise_what_availability_gets_of_the_memory`).
//!   The inflation term (per year, [`inflation_per_block`]) only lowers what a burn adds (the
//!   burn lowered issuance).
//! - **The emission has no memory a burn can buy a lead in.** The controller's choice is the
//!   target clamped into the band in force, whose edges move a step of themselves an epoch
//!   toward the governance band whatever is burned; the choice is therefore 1-Lipschitz in
//!   the target, and the extra emission a burn induces in an epoch is at most the extra
//!   target it induces there (the [`controller`] module docs;
//!   `tests/properties.rs::the_band_moves_a_step_an_epoch_and_the_emission_follows_the_choice`
//!   checks that the band is the same whatever was burned). A binding supply cap is the one
//!   memory left (the emission climbs back a step an epoch, [`next_emission`]); the bound
//!   below assumes the cap does not bind.
//! - **Self-dealing returns at most `(a + c)` of the burn, and `a + c ≤ 90%`.** A group burns
//!   `B` in all for credits it serves itself, in any epochs and any order of buying and
//!   spending, and receives usage rewards `U ≤ ⌊c·B⌋` (first bound). Its burns raise the
//!   followed burn by `ΔN = B − ΔM`, where `ΔM ≥ 0` is the extra usage minted for the
//!   credits served; by the two bounds above the extra emission they induce sums to at most
//!   `ΔN ≤ B`, and of any emission the group receives at most the availability share `a` (the
//!   treasury's share is never its, and usage pays only against basis served, counted in
//!   `U`). So its return is `R ≤ U + a·ΔN ≤ (c + a)·B`, with `c` and `a` the largest usage
//!   reward cap and availability share in force while it collects. `Parameters::validate`
//!   refuses `c + a` above the runtime's `max_self_dealing_return` (90% in the presets:
//!   60% + 30%), so a self-dealing group loses at least 10% of what it burns, in every
//!   demand regime:
//!   - **pool bound by its cap** in the epochs the group serves (`m = ⌊c·basis⌋`): then
//!     `ΔM ≥ U`, and the sharper `R ≤ U + a·(B − U) ≤ B·(1 − (1 − a)(1 − c))` holds (72% with
//!     the presets);
//!   - **pool limited by emission** (`m` = the accrued usage emission `< ⌊c·basis⌋`): the
//!     group's usage reward comes out of the honest providers' shares, `ΔM` may be zero, and
//!     `R ≤ (a + c)·B` is what holds.
//!
//!   Assumptions, each a condition in the parameters or the state: the burn average responds
//!   monotonically (`s·(1 + u) ≤ 1`, so that `ΔM ≥ 0`; the presets: 0.2 × 1.5 = 0.3) and the
//!   supply cap does not bind. In fixed-decay mode emission ignores burns and `R ≤ U ≤ c·B`.
//!   `tests/self_dealing.rs::self_dealing_group_gets_back_at_most_the_bound` runs the epoch
//!   plan over random parameter sets that validate, both modes, honest demand from none to
//!   far beyond the cap, groups of 1 to 5 accounts holding from almost none to almost all of
//!   the live points, buying for 1 to 20 epochs and spending 0 to 30 epochs later, and a
//!   referendum with any valid parameters taking over at any boundary around the attack; it
//!   checks `R ≤ (a + c)·B < B` counting the 400 epochs after the attack. The pallet's
//!   `tests::self_dealing` plays the timing regimes block by block.
//! - **Emission stays within the hard limits.** The emission per block chosen at a boundary is
//!   at most the runtime's hard cap and leaves room for the whole next epoch below the maximum
//!   total supply ([`next_emission`]); the usage pool is minted only up to that supply cap
//!   ([`plan_epoch_close`]). (`tests/properties.rs::plan_respects_hard_limits`.)
//! - **Nothing is minted uncounted.** An epoch's emission is exactly what its books say was
//!   minted to the treasury, minted to providers, or never minted (`unminted`); the
//!   availability pool is minted only when some provider proved liveness in the epoch.
//!   (`tests/properties.rs::plan_accounts_for_every_planck`.)
//! - **Availability is paid for the time a provider was there.** A provider proving `j` of an
//!   epoch's `W` liveness windows (one a block at most) counts `⌊p·j/W⌋` of its points `p`, so
//!   it takes at most `j/W` of what it would take proving all of them ([`liveness`];
//!   `tests/properties.rs::live_points_never_exceed_the_windows_proven`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod books;
pub mod controller;
pub mod emission;
pub mod epoch;
pub mod fees;
pub mod liveness;
pub mod parameters;
pub mod pools;
pub mod presets;
pub mod preview;
pub mod pricing;
pub mod slashing;
pub mod usage;
pub mod verification;

pub use books::{EpochBooks, Totals};
pub use controller::{
    faster_decay, inflation_per_block, next_controller_state, next_emission, ramp, transition,
    weigh_for_availability, ControllerState, EpochObservation,
};
pub use emission::{
    availability_points, block_fits, blocks_that_fit, split_emission, EmissionAccrual,
    EmissionSplit,
};
pub use epoch::{plan_epoch_close, EpochClose, EpochClosePlan};
pub use fees::{split_fee, FeeSplit};
pub use liveness::{
    live_points, live_windows_all, prove_window, window_of, windows_proven, MAX_LIVENESS_WINDOWS,
};
pub use parameters::{ControllerMode, HardLimits, ParameterError, Parameters};
pub use pools::{availability_share, close_availability_pool, EpochWork, PoolFunds, RewardPool};
pub use preview::{preview_path, PathPoint};
pub use pricing::{
    agreed_fresh_median, agreed_median, basis_of, bounded_price, credits_for_tokens, median_price,
    within_band, PriceInForce,
};
pub use slashing::{slash, Slash};
pub use usage::{close_usage_pool, settle_usage, UsagePool};
pub use verification::{
    agreed_capacity, check_majority, is_reachable_majority, smallest_majority, QuorumError,
};

/// Token amounts as the economics sees them (the runtime's balance type is `u128`).
pub type Amount = u128;
/// Compute credits; not transferable, priced in a stable unit.
pub type Credits = u128;

/// Parameter sets and limits shared by the unit tests of this crate's modules.
#[cfg(test)]
pub(crate) mod test_values {
    use super::*;
    use sp_arithmetic::{Perbill, Permill};

    /// A valid parameter set: 20/50/30 split, 10-block epochs, cap 60%, 1% decay.
    pub fn params() -> Parameters {
        Parameters {
            ecosystem_share: Perbill::from_percent(20),
            usage_share: Perbill::from_percent(50),
            availability_share: Perbill::from_percent(30),
            min_emission_per_block: 10,
            max_emission_per_block: 1_000,
            max_step_per_epoch: Perbill::from_percent(10),
            mode: ControllerMode::FixedDecay {
                decay: Perbill::from_percent(1),
            },
            epoch_length: 10,
            usage_reward_cap: Perbill::from_percent(60),
            fee_burn_share: Perbill::from_percent(50),
            price_max_age: 100,
            min_price_feeds: 1,
            max_price_deviation: Perbill::from_percent(10),
            max_price_change_per_block: Perbill::from_percent(1),
            unbonding_period: 20,
            min_provider_bond: 100,
            bond_per_capacity_unit: 10,
            initial_reputation: Permill::from_percent(20),
            min_reputation: Permill::from_percent(20),
            service_reputation_gain: Permill::from_percent(10),
            min_capacity_attestations: 1,
            liveness_windows: 1,
            verifier_bond: 500,
        }
    }

    /// Hard limits the set above respects; no supply cap.
    pub fn limits() -> HardLimits {
        HardLimits {
            max_emission_per_block: 10_000,
            min_epoch_length: 5,
            max_epoch_length: 1_000,
            max_step_per_epoch: Perbill::from_percent(50),
            max_usage_reward_cap: Perbill::from_percent(95),
            max_self_dealing_return: Perbill::from_percent(95),
            blocks_per_year: 3_650,
            max_total_supply: None,
            min_unbonding_period: 20,
        }
    }
}
