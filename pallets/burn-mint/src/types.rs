//! The values pallet-burn-mint stores and the values its queries return. The economics' own
//! values (parameters, controller state, accrual, books, usage pools) are in
//! [`crate::economics`].

use crate::economics::{
    self, Amount, ControllerState, Credits, EmissionAccrual, EpochBooks, ParameterError,
    Parameters, Totals,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Zero, FixedU128, Permill};

/// A provider's availability state.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum ProviderStatus<BlockNumber> {
    /// Online: earns availability rewards and may be paid with credits.
    Active,
    /// Temporarily offline: earns nothing new and cannot be paid, keeps its bond.
    Paused,
    /// Leaving: earns nothing new; the bond is released from block `unlock_at` on.
    Leaving {
        /// First block at which `withdraw_bond` succeeds.
        unlock_at: BlockNumber,
    },
}

/// A provider's usage in one epoch, settled lazily once that epoch has closed.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct UsageRecord {
    /// The epoch the usage was served in.
    pub epoch: u32,
    /// Credits served.
    pub credits: Credits,
    /// Tokens burned to buy those credits.
    pub basis: Amount,
}

/// A registered GPU provider.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Provider<BlockNumber> {
    /// Availability state.
    pub status: ProviderStatus<BlockNumber>,
    /// GPU capacity in capacity units (e.g. GPU count × class weight).
    pub capacity: u32,
    /// Reputation, set by the reputation origin; weights availability rewards.
    pub reputation: Permill,
    /// Tokens held as bond (under [`crate::HoldReason::ProviderBond`]).
    pub bond: Amount,
    /// Availability points currently counted in the accrual's total.
    pub points: u128,
    /// Value of the availability accumulator when `points` last changed or were settled.
    pub snapshot: FixedU128,
    /// Rewards settled but not yet paid.
    pub pending: Amount,
    /// Usage of the latest epoch it was paid in, not yet settled.
    pub usage: Option<UsageRecord>,
}

impl<BlockNumber> Provider<BlockNumber> {
    /// A newly registered, active provider with full reputation, whose points join the
    /// accrual's total when the accumulator stood at `snapshot`.
    pub fn new(capacity: u32, bond: Amount, snapshot: FixedU128) -> Self {
        let reputation = Permill::one();
        Self {
            status: ProviderStatus::Active,
            capacity,
            reputation,
            bond,
            points: economics::availability_points(capacity, reputation),
            snapshot,
            pending: 0,
            usage: None,
        }
    }

    /// Whether the provider is active (earns availability, may be paid with credits).
    pub fn is_active(&self) -> bool {
        matches!(self.status, ProviderStatus::Active)
    }

    /// Whether the provider is leaving.
    pub fn is_leaving(&self) -> bool {
        matches!(self.status, ProviderStatus::Leaving { .. })
    }

    /// The availability points its state gives: capacity × reputation while active, else zero.
    pub fn target_points(&self) -> u128 {
        if self.is_active() {
            economics::availability_points(self.capacity, self.reputation)
        } else {
            0
        }
    }

    /// Whether nothing ties the record to the chain any more: it left, holds no bond, is owed
    /// nothing and counts no points.
    pub fn is_done(&self) -> bool {
        self.is_leaving()
            && self.bond.is_zero()
            && self.pending.is_zero()
            && self.usage.is_none()
            && self.points.is_zero()
    }
}

/// An account's compute credits and the tokens burned to buy them.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct CreditAccount {
    /// Credits held.
    pub credits: Credits,
    /// Tokens burned to buy them (reduced pro rata as credits are spent).
    pub basis: Amount,
}

/// A price feeder and its latest submission.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PriceFeed<AccountId, BlockNumber> {
    /// The feeder's account.
    pub feeder: AccountId,
    /// Its latest price (stable units per whole token) and the block it was submitted in.
    pub latest: Option<(FixedU128, BlockNumber)>,
}

/// Everything about emission, in one storage item ([`crate::Emission`]): the controller's
/// memory and the open epoch's lazily advanced accrual.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct EmissionState<BlockNumber> {
    /// The controller's state; its emission per block is the one in force.
    pub controller: ControllerState,
    /// The open epoch's emission and the availability accumulator.
    pub accrual: EmissionAccrual<BlockNumber>,
}

/// The open epoch: its bounds and the books kept by extrinsics (burns, credits). The emission
/// side of its books is in [`crate::Emission`], accrued lazily.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct EpochInfo<BlockNumber> {
    /// Epoch number, from 0 at genesis.
    pub index: u32,
    /// First block of the epoch.
    pub start: BlockNumber,
    /// Length of the epoch in blocks.
    pub length: u32,
    /// Burns and credits so far (the emission fields stay zero until the close).
    pub books: EpochBooks,
    /// Totals of all epochs before this one ([`crate::Pallet::totals`] adds this one's books).
    pub closed_totals: Totals,
}

impl<BlockNumber> EpochInfo<BlockNumber> {
    /// Epoch 0, starting at block `start` under `params`: what genesis and the first
    /// `set_parameters` open.
    pub fn first(start: BlockNumber, params: &Parameters) -> Self {
        Self {
            index: 0,
            start,
            length: params.epoch_length,
            books: Default::default(),
            closed_totals: Default::default(),
        }
    }
}

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
    pub current_epoch: EpochBooks,
    /// The last closed epoch's books, if kept.
    pub last_closed_epoch: Option<EpochBooks>,
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
