//! Who validates: `pallet-session` rotates sessions and hands each session's keys to Aura and
//! GRANDPA; `pallet-validator-set` decides the validators, changed only by Root (a referendum
//! on the root track: a new validator is as critical as a runtime upgrade).
//!
//! An operator joins by generating session keys on its node (`author_rotateKeys`), registering
//! them with `session.setKeys` from its account, and being added by a referendum calling
//! `validatorSet.addValidator(account)`; it authors from the session after the next rotation
//! (at most two sessions after the enactment). The procedure is in `docs/operators.md`.

use frame_support::{parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::traits::ConvertInto;

use crate::{
    opaque::SessionKeys, AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent,
    ValidatorSet, CAPA, HOURS,
};

/// The account of a validator whose Aura key is `aura`: the same 32 bytes, hence the same SS58
/// address. Genesis validators (and those a migration took over from Aura's authorities) are
/// their Aura key's account; a validator that joins later is whichever account registered its
/// keys.
pub fn validator_account(aura: &AuraId) -> AccountId {
    AccountId::from(aura.clone().into_inner())
}

/// Most validators: the Aura and GRANDPA authority bounds (`MaxAuthorities`).
pub const MAX_VALIDATORS: u32 = 32;

parameter_types! {
    /// One hour: a validator set change takes effect one to two sessions after its referendum
    /// is enacted. Fast runtimes rotate every 10 blocks, so that tests see changes within a
    /// minute.
    pub const SessionLength: BlockNumber = prod_or_fast!(HOURS, 10);
    /// Held from an account that registers session keys for the first time: pays for the
    /// storage a registration takes (the keys and one owner entry per key), so that anyone
    /// may register without filling the state for free. Released by `session.purgeKeys`.
    pub const SessionKeyDeposit: Balance = CAPA;
}

/// Sessions start every [`SessionLength`] blocks, from block 0.
type Sessions = pallet_session::PeriodicSessions<SessionLength, ConstU32<0>>;

impl pallet_session::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    /// A validator is its account: the account that signed `session.setKeys`.
    type ValidatorId = AccountId;
    type ValidatorIdOf = ConvertInto;
    type ShouldEndSession = Sessions;
    type NextSessionRotation = Sessions;
    type SessionManager = ValidatorSet;
    /// Aura and GRANDPA take the session's keys.
    type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
    type Keys = SessionKeys;
    /// No slashing or disabling on this proof-of-authority chain: governance removes a
    /// misbehaving validator.
    type DisablingStrategy = ();
    /// The SDK's measured weights: `pallet-session`'s benchmarks need pallet-staking, which this
    /// chain does not have. Both calls are small and rare.
    type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
    type Currency = Balances;
    type KeyDeposit = SessionKeyDeposit;
}

impl pallet_validator_set::Config for Runtime {
    type AdminOrigin = EnsureRoot<AccountId>;
    /// The last validator can never be removed: the chain always has an author.
    type MinValidators = ConstU32<1>;
    type MaxValidators = ConstU32<MAX_VALIDATORS>;
    type WeightInfo = pallet_validator_set::weights::SubstrateWeight<Runtime>;
}
