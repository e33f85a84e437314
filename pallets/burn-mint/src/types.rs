//! The values pallet-burn-mint stores and the values its queries return. The economics' own
//! values (parameters, controller state, accrual, books, usage pools) are in
//! [`crate::economics`].

use crate::economics::{
    self, Amount, ControllerState, Credits, EmissionAccrual, EpochBooks, EpochWork, ParameterError,
    Parameters, Totals,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
    traits::ConstU32, BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound,
    PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Zero, FixedU128, Permill};

/// The most epochs a reward may stay locked after its epoch closes (the largest `RewardDelay`
/// a runtime may configure): a provider record keeps one [`UnlockChunk`] per epoch whose
/// reward is locked.
pub const MAX_UNLOCK_CHUNKS: u32 = 8;

/// A provider's locked rewards, one chunk per unlock epoch, oldest first.
pub type Unlocking = BoundedVec<UnlockChunk, ConstU32<MAX_UNLOCK_CHUNKS>>;

/// Rewards settled for one closed epoch, locked until `epoch`.
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
pub struct UnlockChunk {
    /// The first epoch in which the amount is claimable.
    pub epoch: u32,
    /// The amount.
    pub amount: Amount,
}

/// The most reward pools kept at once: the largest `RewardClaimWindow` a runtime may configure
/// (checked by the pallet's integrity test). Pools exist only for the closed epochs from the
/// expiry cursor on, and a boundary expires the pool that left the window (after an upgrade
/// lowered the window, up to [`crate::MAX_POOLS_EXPIRED_PER_BOUNDARY`] of those it left
/// behind, never fewer than the one pool the boundary adds), so there are never more pools
/// than the largest window the chain has run with.
pub const MAX_REWARD_POOLS: u32 = 64;

/// What has been settled out of one reward pool ([`crate::RewardPools`]).
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
pub struct PoolClaim {
    /// The pool's epoch.
    pub epoch: u32,
    /// Tokens settled to providers out of the pool so far.
    pub claimed: Amount,
}

/// What has been settled out of each kept reward pool, one [`PoolClaim`] per pool, by epoch
/// ascending.
pub type PoolClaimsOf = BoundedVec<PoolClaim, ConstU32<MAX_REWARD_POOLS>>;

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

/// A registered GPU provider.
///
/// Its availability points are its *verified* capacity × reputation, counted only while it is
/// active with a reputation at or above the parameters' minimum ([`Provider::points`]); a
/// change of the verified capacity counts from the epoch after the verifiers agreed on it. Its
/// rewards move through three stages: `work` (this or a closed epoch's usage and live points,
/// not yet settled), `locked` (settled, each epoch's reward claimable from its own epoch in
/// `unlocking` on) and `pending` (claimable now).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Provider<BlockNumber> {
    /// Availability state.
    pub status: ProviderStatus<BlockNumber>,
    /// Declared GPU capacity in capacity units (e.g. GPU count × class weight): the most a
    /// verifier may attest.
    pub capacity: u32,
    /// The capacity the verifiers agree on (the `k`-th largest attestation, at most
    /// `capacity`; [`economics::agreed_capacity`]): what availability rewards count from epoch
    /// `verified_from` on, and what the bond must cover.
    pub verified_capacity: u32,
    /// The verified capacity before the latest change: what availability rewards count in
    /// the epochs before `verified_from` (a change agreed in an epoch applies from the next).
    pub previous_capacity: u32,
    /// First epoch in which `verified_capacity` counts.
    pub verified_from: u32,
    /// Reputation: weights availability points; below the minimum, the provider earns nothing.
    pub reputation: Permill,
    /// Tokens held as bond (under [`crate::HoldReason::ProviderBond`]).
    pub bond: Amount,
    /// First epoch in which the provider may prove liveness: the epoch after it registered,
    /// resumed or had its verified capacity raised (so that nobody earns a whole epoch's
    /// availability for capacity that appeared at its end).
    pub eligible_from: u32,
    /// Work of its latest epoch (usage served, live points), not yet settled.
    pub work: Option<EpochWork>,
    /// Rewards settled but still locked (forfeited if the provider is removed): the sum of
    /// `unlocking`.
    pub locked: Amount,
    /// The locked rewards by the epoch from which each becomes claimable, oldest first: one
    /// chunk per settled epoch (an epoch's reward unlocks `RewardDelay` epochs after its epoch
    /// closes, whatever the provider earns meanwhile).
    pub unlocking: Unlocking,
    /// Rewards claimable now.
    pub pending: Amount,
    /// Frozen by governance until this block (excluded): pending a removal referendum, its
    /// rewards cannot be claimed nor its bond withdrawn ([`crate::Pallet::freeze_provider`]).
    pub frozen_until: Option<BlockNumber>,
}

impl<BlockNumber: PartialOrd> Provider<BlockNumber> {
    /// Whether a freeze holds its rewards and bond at block `now`.
    pub fn is_frozen(&self, now: &BlockNumber) -> bool {
        self.frozen_until.as_ref().is_some_and(|until| now < until)
    }
}

impl<BlockNumber> Provider<BlockNumber> {
    /// A newly registered, active provider with no verified capacity yet.
    pub fn new(capacity: u32, bond: Amount, reputation: Permill, eligible_from: u32) -> Self {
        Self {
            status: ProviderStatus::Active,
            capacity,
            verified_capacity: 0,
            previous_capacity: 0,
            verified_from: 0,
            reputation,
            bond,
            eligible_from,
            work: None,
            locked: 0,
            unlocking: Unlocking::new(),
            pending: 0,
            frozen_until: None,
        }
    }

    /// Whether the provider is active (may earn availability and be paid with credits).
    pub fn is_active(&self) -> bool {
        matches!(self.status, ProviderStatus::Active)
    }

    /// Whether the provider is leaving.
    pub fn is_leaving(&self) -> bool {
        matches!(self.status, ProviderStatus::Leaving { .. })
    }

    /// Whether its reputation is at least `min_reputation`.
    pub fn is_reputable(&self, min_reputation: Permill) -> bool {
        self.reputation >= min_reputation
    }

    /// The verified capacity that counts in epoch `epoch`: the latest agreed one from
    /// `verified_from` on, the one before it earlier.
    pub fn capacity_in(&self, epoch: u32) -> u32 {
        if epoch >= self.verified_from {
            self.verified_capacity
        } else {
            self.previous_capacity
        }
    }

    /// The capacity its bond must cover in epoch `epoch`: the larger of the one that counts
    /// and the latest agreed one.
    pub fn bonded_capacity(&self, epoch: u32) -> u32 {
        self.capacity_in(epoch).max(self.verified_capacity)
    }

    /// Makes `agreed` its verified capacity from epoch `current + 1` on (the capacity that
    /// counts in `current` stays). Returns whether anything changed.
    pub fn schedule_capacity(&mut self, agreed: u32, current: u32) -> bool {
        if agreed == self.verified_capacity {
            return false;
        }
        self.previous_capacity = self.capacity_in(current);
        self.verified_capacity = agreed;
        self.verified_from = current.saturating_add(1);
        true
    }

    /// The availability points its state gives in epoch `epoch`: the capacity that counts
    /// then × reputation while active and reputable, else zero.
    pub fn points(&self, min_reputation: Permill, epoch: u32) -> u128 {
        if self.is_active() && self.is_reputable(min_reputation) {
            economics::availability_points(self.capacity_in(epoch), self.reputation)
        } else {
            0
        }
    }

    /// Live points it has proven in epoch `epoch`.
    pub fn live_points_in(&self, epoch: u32) -> u128 {
        self.work
            .filter(|w| w.epoch == epoch)
            .map_or(0, |w| w.live_points)
    }

    /// Everything it is owed or may be owed: claimable and locked rewards (unsettled work is
    /// still in its epoch's pool).
    pub fn owed(&self) -> Amount {
        self.pending.saturating_add(self.locked)
    }

    /// Locks `amount`, claimable from epoch `epoch` on. Chunks stay in the order of their
    /// epochs: an amount that would unlock no later than the newest chunk joins it (and so
    /// never unlocks earlier than its own epoch says); when every chunk is taken, which a
    /// `RewardDelay` within [`MAX_UNLOCK_CHUNKS`] never causes, it joins the newest one and
    /// waits for the later of the two epochs. Nothing is ever dropped.
    pub fn lock(&mut self, amount: Amount, epoch: u32) {
        if amount.is_zero() {
            return;
        }
        self.locked = self.locked.saturating_add(amount);
        if let Some(newest) = self.unlocking.last_mut() {
            if newest.epoch >= epoch {
                newest.amount = newest.amount.saturating_add(amount);
                return;
            }
        }
        if let Err(chunk) = self.unlocking.try_push(UnlockChunk { epoch, amount }) {
            if let Some(newest) = self.unlocking.last_mut() {
                newest.amount = newest.amount.saturating_add(chunk.amount);
                newest.epoch = epoch;
            }
        }
    }

    /// Moves every locked chunk whose epoch has come (at most `current`) to `pending`.
    pub fn unlock(&mut self, current: u32) {
        let due = self
            .unlocking
            .iter()
            .take_while(|chunk| chunk.epoch <= current)
            .count();
        let amount = self
            .unlocking
            .drain(..due)
            .fold(0, |sum: Amount, chunk| sum.saturating_add(chunk.amount));
        self.locked = self.locked.saturating_sub(amount);
        self.pending = self.pending.saturating_add(amount);
    }

    /// Takes everything it is owed (claimable and locked) out of the record, which then owes
    /// nothing; returns it.
    pub fn take_owed(&mut self) -> Amount {
        let owed = self.owed();
        self.pending = 0;
        self.locked = 0;
        self.unlocking.clear();
        owed
    }

    /// Whether nothing ties the record to the chain any more: it left, holds no bond and is
    /// owed nothing.
    pub fn is_done(&self) -> bool {
        self.is_leaving() && self.bond.is_zero() && self.owed().is_zero() && self.work.is_none()
    }
}

/// What an account did as a provider, kept when its provider record goes: reputation and
/// slashing history survive leaving and registering again.
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
pub struct ProviderHistory {
    /// Its reputation when governance last set it or its provider record last went (zero
    /// after a removal): what registering again starts from. While the record exists, the
    /// record's reputation is the current one.
    pub reputation: Permill,
    /// Number of slashes.
    pub slashes: u32,
    /// Tokens slashed in all.
    pub slashed: Amount,
    /// Number of times governance removed it.
    pub removals: u32,
}

/// A capacity verifier's bond (or a candidate's, bonded before the referendum that appoints
/// it), held under [`crate::HoldReason::VerifierBond`].
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
pub struct VerifierBond<BlockNumber> {
    /// Tokens held, to the planck what the account holds for this reason.
    pub amount: Amount,
    /// Block of its latest attestation: the bond answers for it until
    /// [`crate::Config::MinUnbondingPeriod`] blocks later.
    pub last_attested: Option<BlockNumber>,
}

impl<BlockNumber> VerifierBond<BlockNumber> {
    /// Whether the bond lets its holder attest under `params` (at least their `verifier_bond`).
    pub fn covers(&self, params: &Parameters) -> bool {
        self.amount >= params.verifier_bond
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

/// The price in force, as the chain remembers it to bound the next one ([`crate::LastPrice`]):
/// the economics crate's type, so that the simulator follows the feeders by the same rule.
pub use crate::economics::PriceInForce;

/// Everything about emission, in one storage item ([`crate::Emission`]): the controller's
/// memory, the open epoch's lazily advanced accrual and what the pot owes.
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
    /// The open epoch's emission, accrued lazily.
    pub accrual: EmissionAccrual<BlockNumber>,
    /// What the reward pot owes providers: claimable and locked rewards, and what the kept
    /// reward pools still hold. The pot holds exactly this, plus its existential deposit and
    /// the treasury's share of the open epoch (checked by `try_state`).
    pub owed: Amount,
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
    /// Totals of the closed epochs the ledger no longer keeps (pruned after
    /// [`crate::Config::LedgerRetention`] epochs): with the ledger's sum, the closed totals
    /// (checked by `try_state` however long the chain runs).
    pub pruned_totals: Totals,
    /// The oldest epoch whose reward pools have not been expired yet: every pool below it is
    /// gone. An epoch boundary expires the pools from here up to the closing epoch less the
    /// claim window, at most [`crate::MAX_POOLS_EXPIRED_PER_BOUNDARY`] epochs of them, so that
    /// a claim window lowered by an upgrade leaves no pool behind and no boundary does
    /// unbounded work. Kept here, in a value every boundary writes anyway, so that the steady
    /// state (one pool a boundary) costs no more than before the cursor.
    pub next_pool_to_expire: u32,
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
            pruned_totals: Default::default(),
            next_pool_to_expire: 0,
        }
    }
}

/// The liveness window the next block lies in, for a provider's agent: send a heartbeat when
/// `proven` is false ([`crate::Pallet::liveness_window`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct LivenessWindow {
    /// The epoch of the next block.
    pub epoch: u32,
    /// Its liveness window in that epoch.
    pub window: u32,
    /// The epoch's number of windows.
    pub windows: u32,
    /// Whether the provider has proven that window already.
    pub proven: bool,
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
    /// Availability points proven live in the open epoch so far.
    pub live_points: u128,
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

/// The capacity verifiers' attestations of one provider ([`crate::Attestations`]): each
/// verifier's latest attested capacity.
#[derive(
    CloneNoBound,
    PartialEqNoBound,
    EqNoBound,
    DebugNoBound,
    DefaultNoBound,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
)]
#[scale_info(skip_type_params(T))]
pub struct CapacityAttestations<T: crate::Config> {
    /// `(verifier, capacity)` for each verifier of the current set that attested, latest
    /// first-come order; votes of removed verifiers are dropped at the next attestation and
    /// never counted.
    pub votes: BoundedVec<(T::AccountId, u32), T::MaxCapacityVerifiers>,
}
