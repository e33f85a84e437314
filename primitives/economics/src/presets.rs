//! The chain's defaults, defined once: the economic parameters its genesis presets (and storage
//! migrations) start from, the runtime's hard limits, the initial emission and price. The
//! runtime (`runtime/src/configs/burn_mint.rs`) builds its configuration from these, and the
//! simulator (`sim/`) uses them as its baseline, so that "the chain's defaults" means one thing.
//!
//! Only the lengths in blocks depend on the build (`fast-runtime` shortens them): they come in a
//! [`Timing`]. Why each value is what it is: see [`default_parameters`].

use crate::{Amount, ControllerMode, HardLimits, Parameters};
use sp_arithmetic::{FixedU128, Perbill, Permill};

/// One CAPA in plancks (12 decimals).
pub const CAPA: Amount = 1_000_000_000_000;
/// One thousandth of a CAPA.
pub const MILLI_CAPA: Amount = CAPA / 1_000;

/// Hard cap on the emission per block: 100 CAPA (about 525 million a year at 6 s blocks).
pub const MAX_EMISSION_PER_BLOCK: Amount = 100 * CAPA;
/// Hard cap on total issuance: one billion CAPA.
pub const MAX_TOTAL_SUPPLY: Amount = 1_000_000_000 * CAPA;
/// Largest `max_step_per_epoch` a referendum may choose.
pub const MAX_STEP_PER_EPOCH: Perbill = Perbill::from_percent(25);
/// Largest `usage_reward_cap` a referendum may choose.
pub const MAX_USAGE_REWARD_CAP: Perbill = Perbill::from_percent(90);
/// Largest `usage_reward_cap + availability_share` a referendum may choose: a self-dealing
/// group loses at least 10% of what it burns (crate docs, section Guarantees).
pub const MAX_SELF_DEALING_RETURN: Perbill = Perbill::from_percent(90);
/// Emission per block at genesis: 0.1 CAPA.
pub const INITIAL_EMISSION_PER_BLOCK: Amount = 100 * MILLI_CAPA;
/// The price fed at genesis: 0.50 stable units per CAPA (one CAPA buys 500 credits).
pub const INITIAL_PRICE: FixedU128 = FixedU128::from_inner(500_000_000_000_000_000);

/// Bond a capacity verifier holds to attest: 10,000 CAPA, a hundred minimal provider bonds
/// (see [`default_parameters`]).
pub const VERIFIER_BOND: Amount = 10_000 * CAPA;

/// Capacity units a provider may declare (the runtime's `MaxCapacity`): e.g. 1,000 GPUs of
/// class weight 100.
pub const MAX_CAPACITY: u32 = 100_000;
/// Epochs a closed epoch's reward pools are kept (the runtime's `RewardClaimWindow`): a month
/// of daily epochs; what is unclaimed then is burned.
pub const REWARD_CLAIM_WINDOW: u32 = 30;
/// Closed epochs whose books the chain keeps (the runtime's `LedgerRetention`): three months
/// of daily epochs.
pub const LEDGER_RETENTION: u32 = 90;
/// Credits per stable unit of price (the runtime's `CreditsPerStableUnit`): one credit is
/// 0.001 of the stable unit (think 0.001 USD).
pub const CREDITS_PER_STABLE_UNIT: u128 = 1_000;

/// Lengths in blocks that depend on the block time and the build.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Timing {
    /// Blocks in a day.
    pub day: u32,
    /// Blocks in an epoch (a day in production).
    pub epoch_length: u32,
    /// A price submission is stale after this many blocks (an hour in production).
    pub price_max_age: u32,
    /// Blocks between a provider's leave and the release of its bond (21 days in production).
    pub unbonding_period: u32,
    /// Shortest epoch a referendum may choose (an hour in production).
    pub min_epoch_length: u32,
    /// The runtime's minimum unbonding period (longer than the slowest slashing referendum).
    pub min_unbonding_period: u32,
    /// Liveness windows an epoch is cut into (24 in production: a provider proves liveness
    /// once an hour).
    pub liveness_windows: u32,
    /// Epochs a provider's rewards stay locked after their epoch closes, so that a freeze
    /// decided after the close lands before they can be claimed (the runtime's `RewardDelay`,
    /// derived there from the `provider_freezer` track; 4 in production).
    pub reward_delay: u32,
}

impl Timing {
    /// Production timing at 6-second blocks: daily epochs, prices stale after an hour, 21 days
    /// of unbonding, epochs of at least an hour, unbonding of at least 17 days 2 hours (the
    /// longest path of a referendum that may slash, on the `root` track, plus a day).
    pub const fn production() -> Self {
        let minute = 10;
        let hour = 60 * minute;
        let day = 24 * hour;
        Timing {
            day,
            epoch_length: day,
            price_max_age: hour,
            unbonding_period: 21 * day,
            min_epoch_length: hour,
            min_unbonding_period: 17 * day + 2 * hour,
            liveness_windows: 24,
            reward_delay: 4,
        }
    }

    /// Epochs in a year.
    pub const fn epochs_per_year(&self) -> u32 {
        self.blocks_per_year() / self.epoch_length
    }

    /// Blocks in a year of 365 days.
    pub const fn blocks_per_year(&self) -> u32 {
        365 * self.day
    }

    /// The longest epoch a referendum may choose: 30 days (the runtime's `MaxEpochLength`).
    pub const fn max_epoch_length(&self) -> u32 {
        30 * self.day
    }
}

/// The default economic parameters, with the reasoning:
/// - **shares 20/50/30**: half of emission pays for served work (the usage pool), 30% keeps
///   capacity online when demand is low, 20% funds the ecosystem treasury;
/// - **emission 0.01..10 CAPA per block, 5% step**: a wide band for the controller, whose
///   edges move slowly after a referendum (at most 5% of themselves per epoch, i.e. a doubling
///   takes ~14 epochs) so that no referendum causes a jump; burns move the emission at the
///   smoothing rate;
/// - **burn-indexed controller, 20% smoothing, 2%/year net inflation**: emission replaces what
///   is burned (averaged over ~5 epochs) plus a small growth that pays providers while the
///   network is young and activity low;
/// - **usage reward cap 60%**: a provider serving itself recovers at most 60% of its burn in
///   usage rewards, and with the availability share at most 90% of it in all (the runtime's
///   [`MAX_SELF_DEALING_RETURN`]); honest demand is unaffected while the usage pool is limited
///   by emission, where it sits in the steady state (a third of served burns repaid);
/// - **fee burn 80%**: most fees are burned, the rest funds the treasury;
/// - **price**: one feeder is enough on a development chain (a real network's spec sets a
///   majority of its feeders); prices go stale after an hour; a submission within 10% of the
///   price in force, and the price moves at most 1% a block (a halving takes 69 blocks);
/// - **unbonding 21 days**: above the runtime's minimum (17 days 2 hours);
/// - **bond 100 CAPA plus 1 CAPA per verified capacity unit**: a provider claiming 100,000
///   units risks 100,100 CAPA, so the availability share it can take is backed by its bond;
/// - **reputation**: new accounts start at the minimum, 20%, and gain 5% for each epoch in
///   which they prove every liveness window (16 epochs of service to 100%); below
///   20% a provider is neither paid for compute nor earns availability;
/// - **verifier bond 10,000 CAPA** ([`VERIFIER_BOND`]): each capacity verifier risks a
///   hundred minimal provider bonds, slashable by referendum for a false attestation; a
///   quorum that lies together risks that many times its size;
/// - **liveness in 24 windows an epoch** ([`Timing::liveness_windows`]): with daily epochs, a
///   provider's availability counts in the share of the hours it sent a heartbeat in.
pub fn default_parameters(timing: &Timing) -> Parameters {
    Parameters {
        ecosystem_share: Perbill::from_percent(20),
        usage_share: Perbill::from_percent(50),
        availability_share: Perbill::from_percent(30),
        min_emission_per_block: 10 * MILLI_CAPA,
        max_emission_per_block: 10 * CAPA,
        max_step_per_epoch: Perbill::from_percent(5),
        mode: ControllerMode::BurnIndexed {
            smoothing: Perbill::from_percent(20),
            target_inflation_per_year: Perbill::from_percent(2),
        },
        epoch_length: timing.epoch_length,
        usage_reward_cap: Perbill::from_percent(60),
        fee_burn_share: Perbill::from_percent(80),
        price_max_age: timing.price_max_age,
        min_price_feeds: 1,
        max_price_deviation: Perbill::from_percent(10),
        max_price_change_per_block: Perbill::from_percent(1),
        unbonding_period: timing.unbonding_period,
        min_provider_bond: 100 * CAPA,
        bond_per_capacity_unit: CAPA,
        initial_reputation: Permill::from_percent(20),
        min_reputation: Permill::from_percent(20),
        service_reputation_gain: Permill::from_percent(5),
        min_capacity_attestations: 1,
        liveness_windows: timing.liveness_windows,
        verifier_bond: VERIFIER_BOND,
    }
}

/// The runtime's hard limits under `timing`: epochs from [`Timing::min_epoch_length`] to 30
/// days, a year of [`Timing::blocks_per_year`], the constants above.
pub fn hard_limits(timing: &Timing) -> HardLimits {
    HardLimits {
        max_emission_per_block: MAX_EMISSION_PER_BLOCK,
        min_epoch_length: timing.min_epoch_length,
        max_epoch_length: timing.max_epoch_length(),
        max_step_per_epoch: MAX_STEP_PER_EPOCH,
        max_usage_reward_cap: MAX_USAGE_REWARD_CAP,
        max_self_dealing_return: MAX_SELF_DEALING_RETURN,
        blocks_per_year: timing.blocks_per_year(),
        max_total_supply: Some(MAX_TOTAL_SUPPLY),
        min_unbonding_period: timing.min_unbonding_period,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_validate_against_the_limits() {
        let timing = Timing::production();
        assert_eq!(timing.epochs_per_year(), 365);
        assert_eq!(timing.blocks_per_year(), 5_256_000);
        let params = default_parameters(&timing);
        assert_eq!(params.validate(&hard_limits(&timing)), Ok(()));
        // A self-dealing group gets back at most 90% of its burn: 60% + 30%.
        assert_eq!(
            params.usage_reward_cap + params.availability_share,
            MAX_SELF_DEALING_RETURN
        );
        assert!(INITIAL_EMISSION_PER_BLOCK >= params.min_emission_per_block);
        assert!(INITIAL_EMISSION_PER_BLOCK <= params.max_emission_per_block);
    }
}
