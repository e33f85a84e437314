//! Test runtime: frame-system, pallet-balances and pallet-burn-mint.

use crate::{self as pallet_burn_mint, economics::*};
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU128, ConstU32},
};
use frame_system::EnsureRoot;
use sp_arithmetic::{FixedU128, Perbill, Permill};
use sp_runtime::BuildStorage;

pub type AccountId = u64;
type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        BurnMint: pallet_burn_mint,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type Balance = u128;
    type AccountStore = System;
    type ExistentialDeposit = ConstU128<ED>;
    /// The dust of removed accounts is burned and booked, as in the runtime.
    type DustRemoval = crate::DustHandler<Test>;
    type RuntimeHoldReason = RuntimeHoldReason;
    type FreezeIdentifier = ();
    type MaxFreezes = ConstU32<1>;
}

/// Existential deposit of the test chain.
pub const ED: u128 = 10;
/// One whole token in the test chain (the prelude's `TokenUnit`).
pub const UNIT: u128 = crate::config_preludes::TOKEN_UNIT;
/// The reputation origin accepts Root or this account (the feeder and admin origins accept
/// Root only).
pub const REPUTATION_ORACLE: AccountId = 99;
/// The freeze origin accepts Root or this account.
pub const FREEZER: AccountId = 98;
/// The treasury account.
pub const TREASURY: AccountId = 1_000;
/// Price feeders at genesis.
pub const FEEDERS: [AccountId; 3] = [901, 902, 903];
/// The capacity verifier at genesis.
pub const VERIFIER: AccountId = 950;
/// The bond a capacity verifier holds to attest (the parameters' `verifier_bond`); genesis
/// verifiers hold it from genesis.
pub const VERIFIER_BOND: u128 = 500;
/// Users with funds.
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// Providers with funds.
pub const P1: AccountId = 11;
pub const P2: AccountId = 12;
pub const P3: AccountId = 13;

parameter_types! {
    pub const Treasury: AccountId = TREASURY;
    pub static MaxTotalSupply: Option<u128> = None;
}

/// `ReputationOrigin`: Root or the oracle account.
pub type EnsureReputation = frame_support::traits::EitherOfDiverse<
    EnsureRoot<AccountId>,
    frame_system::EnsureSignedBy<Oracle, AccountId>,
>;

parameter_types! {
    pub const Oracle: AccountId = REPUTATION_ORACLE;
    pub const Freezer: AccountId = FREEZER;
}

/// `FreezeOrigin`: Root or the freezer account (which may not lift a freeze).
pub type EnsureFreeze = frame_support::traits::EitherOfDiverse<
    EnsureRoot<AccountId>,
    frame_system::EnsureSignedBy<Freezer, AccountId>,
>;

impl frame_support::traits::SortedMembers<AccountId> for Freezer {
    fn sorted_members() -> Vec<AccountId> {
        vec![FREEZER]
    }
}

impl frame_support::traits::SortedMembers<AccountId> for Oracle {
    fn sorted_members() -> Vec<AccountId> {
        vec![REPUTATION_ORACLE]
    }
}

#[derive_impl(crate::config_preludes::TestDefaultConfig)]
impl pallet_burn_mint::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type AdminOrigin = EnsureRoot<AccountId>;
    type ReputationOrigin = EnsureReputation;
    type FreezeOrigin = EnsureFreeze;
    type FeederAdminOrigin = EnsureRoot<AccountId>;
    type VerifierAdminOrigin = EnsureRoot<AccountId>;
    type TreasuryAccount = Treasury;
    // What the tests vary (statics below); the rest is the prelude's.
    type MaxTotalSupply = MaxTotalSupply;
    type RewardDelay = RewardDelay;
    type RewardClaimWindow = RewardClaimWindow;
    type LedgerRetention = LedgerRetention;
}

parameter_types! {
    pub static LedgerRetention: u32 = 100;
    pub static RewardDelay: u32 = 0;
    pub static RewardClaimWindow: u32 = 10;
}

/// The test parameters: 10-block epochs, 20/50/30 split, cap 60%, fixed schedule; bond 100
/// plus 1 per verified capacity unit; fresh accounts at the minimum reputation, 10% (the test
/// accounts of [`ExtBuilder`] have a history at full reputation); no reputation for service.
pub fn test_params() -> Parameters {
    Parameters {
        ecosystem_share: Perbill::from_percent(20),
        usage_share: Perbill::from_percent(50),
        availability_share: Perbill::from_percent(30),
        min_emission_per_block: 100,
        max_emission_per_block: 10_000,
        max_step_per_epoch: Perbill::from_percent(10),
        mode: ControllerMode::FixedDecay {
            decay: Perbill::zero(),
        },
        epoch_length: 10,
        usage_reward_cap: Perbill::from_percent(60),
        fee_burn_share: Perbill::from_percent(60),
        price_max_age: 20,
        min_price_feeds: 2,
        // As wide as allowed (a factor of a billion either way; 100% is no bound and refused):
        // the price tests that need the bounds set them.
        max_price_deviation: WIDEST_PRICE_BOUND,
        max_price_change_per_block: WIDEST_PRICE_BOUND,
        unbonding_period: 15,
        min_provider_bond: 100,
        bond_per_capacity_unit: 1,
        initial_reputation: Permill::from_percent(10),
        min_reputation: Permill::from_percent(10),
        service_reputation_gain: Permill::zero(),
        min_capacity_attestations: 1,
        // One window: a heartbeat proves the whole epoch (the liveness tests cut it).
        liveness_windows: 1,
        verifier_bond: VERIFIER_BOND,
    }
}

/// The test parameters with reputation earned by service: fresh accounts start at the minimum,
/// 20%, and each epoch of proven service adds 5%.
pub fn reputation_params() -> Parameters {
    Parameters {
        initial_reputation: Permill::from_percent(20),
        min_reputation: Permill::from_percent(20),
        service_reputation_gain: Permill::from_percent(5),
        ..test_params()
    }
}

/// The widest price bound a parameter set may have: 100% less a part per billion.
pub const WIDEST_PRICE_BOUND: Perbill = Perbill::from_parts(999_999_999);

/// Emission per block at genesis.
pub const INITIAL_EMISSION: u128 = 1_000;

/// Builds test externalities: funded accounts, test parameters, three feeders at price 2.0
/// (2 stable units per token, so 1 token = 2_000 credits).
pub struct ExtBuilder {
    parameters: Option<Parameters>,
    initial_price: Option<FixedU128>,
    initial_emission: u128,
    feeders: Vec<AccountId>,
    verifiers: Vec<AccountId>,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        Self {
            parameters: Some(test_params()),
            initial_price: Some(FixedU128::from(2)),
            initial_emission: INITIAL_EMISSION,
            feeders: FEEDERS.to_vec(),
            verifiers: vec![VERIFIER],
        }
    }
}

impl ExtBuilder {
    /// No parameters at genesis (the pallet starts inert).
    pub fn unconfigured(mut self) -> Self {
        self.parameters = None;
        self
    }

    /// Other parameters at genesis.
    pub fn parameters(mut self, parameters: Parameters) -> Self {
        self.parameters = Some(parameters);
        self
    }

    /// Another emission per block at genesis.
    pub fn initial_emission(mut self, emission: u128) -> Self {
        self.initial_emission = emission;
        self
    }

    /// Other price feeders at genesis (each seeded with the initial price).
    pub fn feeders(mut self, feeders: Vec<AccountId>) -> Self {
        self.feeders = feeders;
        self
    }

    /// Other capacity verifiers at genesis.
    pub fn verifiers(mut self, verifiers: Vec<AccountId>) -> Self {
        self.verifiers = verifiers;
        self
    }

    /// No initial price.
    pub fn without_price(mut self) -> Self {
        self.initial_price = None;
        self
    }

    pub fn build(self) -> sp_io::TestExternalities {
        let mut storage = frame_system::GenesisConfig::<Test>::default()
            .build_storage()
            .unwrap();
        let mut balances: Vec<(AccountId, u128)> = [ALICE, BOB, CHARLIE, P1, P2, P3]
            .iter()
            .map(|a| (*a, 1_000_000))
            .collect();
        balances.extend(FEEDERS.iter().map(|f| (*f, 1_000)));
        balances.push((REPUTATION_ORACLE, 1_000));
        // Genesis verifiers can hold their bond (and pay for what a test has them do).
        for v in &self.verifiers {
            if !balances.iter().any(|(a, _)| a == v) {
                balances.push((*v, 1_000_000));
            }
        }
        pallet_balances::GenesisConfig::<Test> {
            balances,
            ..Default::default()
        }
        .assimilate_storage(&mut storage)
        .unwrap();
        pallet_burn_mint::GenesisConfig::<Test> {
            parameters: self.parameters,
            initial_emission_per_block: self.initial_emission,
            price_feeders: self.feeders,
            initial_price: self.initial_price,
            capacity_verifiers: self.verifiers,
        }
        .assimilate_storage(&mut storage)
        .unwrap();
        let mut ext = sp_io::TestExternalities::new(storage);
        ext.execute_with(|| {
            // The funded test accounts are established providers: a history at full
            // reputation, which registering restores (a fresh account starts at the minimum).
            for who in [ALICE, BOB, CHARLIE, P1, P2, P3] {
                BurnMint::note_history(&who, |h| h.reputation = Permill::one());
            }
            // What a chain's genesis does after the pallets' genesis configs: every pallet's
            // storage version is its own.
            <AllPalletsWithSystem as frame_support::traits::OnGenesis>::on_genesis();
            // Block 1, as a chain would run it: its hook has minted its emission.
            run_to_block(1);
        });
        ext
    }

    /// Builds and runs `test`, then checks the pallet's invariants.
    pub fn build_and_execute(self, test: impl FnOnce()) {
        self.build().execute_with(|| {
            test();
            BurnMint::do_try_state().expect("try_state invariants hold");
        });
    }
}

/// Runs the hooks of every pallet for the next blocks, up to and including `n`.
pub fn run_to_block(n: u64) {
    System::run_to_block::<AllPalletsWithSystem>(n);
}

/// The pallet's events so far.
pub fn events() -> Vec<pallet_burn_mint::Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| {
            if let RuntimeEvent::BurnMint(e) = r.event {
                Some(e)
            } else {
                None
            }
        })
        .collect()
}
