//! Test runtime: frame-system, pallet-balances, this pallet and pallet-session with a session
//! every [`SESSION_LENGTH`] blocks. The session handler records the authorities as Aura would.

use crate as pallet_validator_set;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, Hooks},
};
use frame_system::EnsureRoot;
use sp_core::crypto::KeyTypeId;
use sp_runtime::{
    impl_opaque_keys,
    testing::UintAuthorityId,
    traits::{ConvertInto, OpaqueKeys},
    BuildStorage, RuntimeAppPublic,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        // Before the session: the session's genesis asks this pallet for the first set.
        ValidatorSet: pallet_validator_set,
        Session: pallet_session,
    }
);

impl_opaque_keys! {
    /// One test key per validator.
    pub struct MockSessionKeys {
        /// The key the test authorities sign with.
        pub dummy: UintAuthorityId,
    }
}

/// Blocks per session.
pub const SESSION_LENGTH: u64 = 5;
/// Fewest validators.
pub const MIN: u32 = 2;
/// Most validators.
pub const MAX: u32 = 4;
/// The genesis validators (each with keys).
pub const GENESIS: [u64; 3] = [1, 2, 3];

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
    /// The authorities of the session in force, as the session handler last set them.
    pub static Authorities: Vec<u64> = Vec::new();
    /// How many rotations changed the authority set (what would schedule a GRANDPA change).
    pub static AuthorityChanges: u32 = 0;
}

/// Records the session's authorities, as Aura and GRANDPA would take them.
pub struct RecordingSessionHandler;
impl pallet_session::SessionHandler<u64> for RecordingSessionHandler {
    const KEY_TYPE_IDS: &'static [KeyTypeId] = &[UintAuthorityId::ID];

    fn on_genesis_session<K: OpaqueKeys>(validators: &[(u64, K)]) {
        Authorities::set(validators.iter().map(|(v, _)| *v).collect());
    }

    fn on_new_session<K: OpaqueKeys>(changed: bool, validators: &[(u64, K)], _: &[(u64, K)]) {
        if changed {
            AuthorityChanges::mutate(|c| *c += 1);
        }
        Authorities::set(validators.iter().map(|(v, _)| *v).collect());
    }

    fn on_disabled(_: u32) {}
}

impl pallet_session::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type ValidatorId = u64;
    type ValidatorIdOf = ConvertInto;
    type ShouldEndSession = pallet_session::PeriodicSessions<ConstU64<SESSION_LENGTH>, ConstU64<0>>;
    type NextSessionRotation =
        pallet_session::PeriodicSessions<ConstU64<SESSION_LENGTH>, ConstU64<0>>;
    type SessionManager = ValidatorSet;
    type SessionHandler = RecordingSessionHandler;
    type Keys = MockSessionKeys;
    type DisablingStrategy = ();
    type WeightInfo = ();
    type Currency = Balances;
    type KeyDeposit = ConstU64<0>;
}

impl pallet_validator_set::Config for Test {
    type AdminOrigin = EnsureRoot<u64>;
    type MinValidators = ConstU32<MIN>;
    type MaxValidators = ConstU32<MAX>;
    type WeightInfo = ();
}

/// The keys of account `who`.
pub fn keys(who: u64) -> MockSessionKeys {
    MockSessionKeys {
        dummy: UintAuthorityId(who),
    }
}

/// Registers `who`'s session keys as `session.set_keys` does, with a valid ownership proof.
pub fn set_keys(who: u64) {
    use codec::Encode;
    let key = UintAuthorityId(who);
    let proof = key.sign(&who.encode()).expect("test keys sign").encode();
    Session::set_keys(RuntimeOrigin::signed(who), keys(who), proof).expect("keys are set");
}

/// The chain at genesis: accounts 1..=10 funded, [`GENESIS`] validators with keys.
pub fn new_test_ext() -> sp_io::TestExternalities {
    new_test_ext_with(GENESIS.to_vec())
}

/// The chain at genesis with `validators` as this pallet's genesis set (the session's genesis
/// keys are always those of [`GENESIS`]).
pub fn new_test_ext_with(validators: Vec<u64>) -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: (1..=10).map(|a| (a, 1_000)).collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    pallet_validator_set::GenesisConfig::<Test> { validators }
        .assimilate_storage(&mut storage)
        .unwrap();
    pallet_session::GenesisConfig::<Test> {
        keys: GENESIS.iter().map(|&v| (v, v, keys(v))).collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| {
        AuthorityChanges::set(0);
        System::set_block_number(1);
    });
    ext
}

/// Runs `test` on a fresh chain, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        test();
        ValidatorSet::do_try_state().expect("invariants hold");
    });
}

/// Advances block by block (running the session's hook) until session `index` has started.
pub fn run_to_session(index: u32) {
    while Session::current_index() < index {
        let next = System::block_number() + 1;
        System::set_block_number(next);
        Session::on_initialize(next);
    }
}
