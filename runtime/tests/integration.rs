//! Integration tests of the real runtime, natively, from the `development` genesis preset.

mod common;

use capacloud_runtime::{
    signing, AllPalletsWithSystem, Balances, BalancesCall, Executive, Runtime, RuntimeCall,
    RuntimeEvent, RuntimeGenesisConfig, System, CAPA, EXISTENTIAL_DEPOSIT,
};
use common::{development_ext, finish_block, start_block, with_dev_chain};
use frame_support::traits::{fungible::Inspect, Contains, Get, IntegrityTest};
use sp_keyring::Sr25519Keyring::{Alice, Bob};
use sp_runtime::traits::Dispatchable;

#[test]
fn genesis_builds_from_development_preset() {
    with_dev_chain(|| {
        // Every well-known development account is funded; Alice is the sudo key.
        let alice = Alice.to_account_id();
        // Alice, the development chain's capacity verifier, holds the verifier bond of it.
        let bond = pallet_burn_mint::economics::presets::VERIFIER_BOND;
        assert_eq!(
            Balances::balance(&alice),
            capacloud_runtime::genesis_config_presets::DEV_ACCOUNT_BALANCE - bond
        );
        assert_eq!(
            pallet_burn_mint::VerifierBonds::<Runtime>::get(&alice).map(|b| b.amount),
            Some(bond)
        );
        assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice));
        assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
        assert_eq!(
            pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(),
            1
        );
        assert!(Balances::total_issuance() > 0);
    });
}

#[test]
fn local_testnet_preset_has_two_authorities() {
    let preset = capacloud_runtime::genesis_config_presets::get_preset(
        &sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET.into(),
    )
    .unwrap();
    let config: RuntimeGenesisConfig = serde_json::from_slice(&preset).unwrap();
    use sp_runtime::BuildStorage;
    // Aura's and GRANDPA's authorities come from the session's genesis keys.
    assert_eq!(config.session.keys.len(), 2);
    assert_eq!(config.validator_set.validators.len(), 2);
    assert!(config.aura.authorities.is_empty());
    assert!(config.grandpa.authorities.is_empty());
    sp_io::TestExternalities::new(config.build_storage().expect("genesis builds")).execute_with(
        || {
            assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 2);
            assert_eq!(
                pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(),
                2
            );
        },
    );
    assert!(
        capacloud_runtime::genesis_config_presets::get_preset(&"no-such-preset".into()).is_none()
    );
}

#[test]
fn signed_transfer_charges_a_fee_and_moves_funds() {
    with_dev_chain(|| {
        let (alice, bob) = (Alice.to_account_id(), Bob.to_account_id());
        let alice_before = Balances::balance(&alice);
        let bob_before = Balances::balance(&bob);

        start_block();
        // Block 1's emission is minted in `on_initialize`; measure the fee from here on.
        let issuance_before = Balances::total_issuance();
        let treasury_before =
            Balances::balance(&capacloud_runtime::configs::governance::TreasuryAccount::get());
        let amount = 7 * CAPA;
        let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: bob.clone().into(),
            value: amount,
        });
        let genesis_hash = System::block_hash(0);
        let context = signing::Context {
            genesis_hash,
            best_hash: genesis_hash,
            best_number: 0,
        };
        let xt = signing::sign(&Alice.pair(), call, 0, context);
        Executive::apply_extrinsic(xt)
            .expect("transaction is valid")
            .expect("and dispatches");

        let fee = System::events()
            .into_iter()
            .find_map(|record| match record.event {
                RuntimeEvent::TransactionPayment(
                    pallet_transaction_payment::Event::TransactionFeePaid {
                        who, actual_fee, ..
                    },
                ) if who == alice => Some(actual_fee),
                _ => None,
            })
            .expect("a fee was charged");
        assert!(fee > 0, "fee must be positive");
        assert!(
            fee < CAPA / 10,
            "a transfer must cost well under 0.1 CAPA, cost {fee}"
        );
        assert_eq!(Balances::balance(&bob), bob_before + amount);
        assert_eq!(Balances::balance(&alice), alice_before - amount - fee);
        // pallet-burn-mint burns the fee burn share (80% at genesis) and pays the rest to the
        // treasury.
        let (burned, to_treasury) = System::events()
            .into_iter()
            .find_map(|record| match record.event {
                RuntimeEvent::BurnMint(pallet_burn_mint::Event::FeesBurned {
                    burned,
                    to_treasury,
                }) => Some((burned, to_treasury)),
                _ => None,
            })
            .expect("the fee went through pallet-burn-mint");
        assert_eq!(burned + to_treasury, fee);
        assert_eq!(
            burned,
            pallet_burn_mint::economics::split_fee(fee, sp_runtime::Perbill::from_percent(80))
                .burned
        );
        let treasury = capacloud_runtime::configs::governance::TreasuryAccount::get();
        assert_eq!(Balances::balance(&treasury), treasury_before + to_treasury);
        assert_eq!(Balances::total_issuance(), issuance_before - burned);
        assert_eq!(System::account_nonce(&alice), 1);

        finish_block();
    });
}

#[test]
fn transfer_that_would_reap_sender_is_rejected_by_keep_alive() {
    with_dev_chain(|| {
        let (alice, bob) = (Alice.to_account_id(), Bob.to_account_id());
        start_block();
        let everything = Balances::balance(&alice);
        let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: bob.into(),
            value: everything - EXISTENTIAL_DEPOSIT / 2,
        });
        let genesis_hash = System::block_hash(0);
        let context = signing::Context {
            genesis_hash,
            best_hash: genesis_hash,
            best_number: 0,
        };
        let xt = signing::sign(&Alice.pair(), call, 0, context);
        // Valid transaction (fee paid), failed dispatch; Alice stays above the ED.
        let outcome = Executive::apply_extrinsic(xt).expect("transaction is valid");
        // After the fee, Alice holds less than she asked to send.
        assert_eq!(
            outcome,
            Err(sp_runtime::DispatchError::Token(
                sp_runtime::TokenError::FundsUnavailable
            ))
        );
        assert!(Balances::balance(&alice) >= EXISTENTIAL_DEPOSIT);
    });
}

#[test]
fn the_runtimes_hard_limits_are_the_presets_at_its_timing() {
    // The simulator and the economics crate's tests use `presets::hard_limits`; the runtime
    // configures each limit as its own constant. Every one of them must agree, at this build's
    // timing (fast-runtime or production).
    use capacloud_runtime::configs::burn_mint::TIMING;
    use pallet_burn_mint::economics::presets;
    assert_eq!(
        pallet_burn_mint::Pallet::<Runtime>::hard_limits(),
        presets::hard_limits(&TIMING)
    );
    assert_eq!(CAPA, presets::CAPA);
    assert_eq!(
        <<Runtime as pallet_burn_mint::Config>::MaxCapacity as Get<u32>>::get(),
        presets::MAX_CAPACITY
    );
    assert_eq!(
        <<Runtime as pallet_burn_mint::Config>::RewardClaimWindow as Get<u32>>::get(),
        presets::REWARD_CLAIM_WINDOW
    );
    assert_eq!(
        <<Runtime as pallet_burn_mint::Config>::LedgerRetention as Get<u32>>::get(),
        presets::LEDGER_RETENTION
    );
}

#[test]
fn runtime_integrity_tests_pass() {
    development_ext().execute_with(|| AllPalletsWithSystem::integrity_test());
}

#[test]
fn balances_burn_is_filtered_so_every_burn_is_booked() {
    with_dev_chain(|| {
        let alice = Alice.to_account_id();
        start_block();
        let before = Balances::total_issuance();
        let burn = RuntimeCall::Balances(BalancesCall::burn {
            value: 1_000 * capacloud_runtime::CAPA,
            keep_alive: true,
        });
        // A signed `Balances.burn` is refused by the runtime's call filter: nothing burned.
        assert_eq!(
            burn.clone()
                .dispatch(capacloud_runtime::RuntimeOrigin::signed(alice.clone()))
                .map_err(|e| e.error),
            Err(frame_system::Error::<Runtime>::CallFiltered.into())
        );
        assert_eq!(Balances::total_issuance(), before);
        // Every other call passes the filter (a transfer, for one).
        let transfer = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: Bob.to_account_id().into(),
            value: capacloud_runtime::CAPA,
        });
        assert!(<Runtime as frame_system::Config>::BaseCallFilter::contains(
            &transfer
        ));
        assert!(!<Runtime as frame_system::Config>::BaseCallFilter::contains(&burn));
        finish_block();
    });
}

/// A chain spec names accounts in the chain's own address format (SS58 prefix 4224, which the
/// SS58 registry does not know): the runtime's genesis builder reads them, and the generic
/// format too (what `scripts/chain-spec` is given by `capacloud-node key inspect`).
#[test]
fn genesis_reads_addresses_in_the_chains_own_format() {
    use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
    // The runtime API as the runtime implements it (what the node calls when it builds a spec).
    use sp_genesis_builder::runtime_decl_for_genesis_builder::GenesisBuilderV1;
    let (alice, bob) = (Alice.to_account_id(), Bob.to_account_id());
    let own =
        alice.to_ss58check_with_version(Ss58AddressFormat::custom(capacloud_runtime::SS58_PREFIX));
    assert!(own.starts_with("jJ"), "{own}");
    let generic = bob.to_ss58check_with_version(Ss58AddressFormat::custom(42));
    // The default genesis with the two accounts endowed, as the node hands it to the runtime.
    let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
    config["balances"]["balances"] = serde_json::json!([[own, 7 * CAPA], [generic, 9 * CAPA]]);
    sp_io::TestExternalities::default().execute_with(|| {
        <capacloud_runtime::Runtime as GenesisBuilderV1<capacloud_runtime::Block>>::build_state(
            serde_json::to_vec(&config).unwrap(),
        )
        .expect("the genesis builder reads both formats");
        assert_eq!(Balances::balance(&alice), 7 * CAPA);
        assert_eq!(Balances::balance(&bob), 9 * CAPA);
    });
}

/// The block hook pays the reads its benchmark does not count: the pallet's parameters and
/// open epoch are whitelisted (every later access in the block is served from the overlay),
/// and the hook is the first to read them in every block.
#[test]
fn the_block_hook_charges_the_whitelisted_items_it_reads_first() {
    use frame_support::{
        traits::{Hooks, WhitelistedStorageKeys},
        weights::constants::ParityDbWeight,
    };
    use pallet_burn_mint::weights::WeightInfo;
    type Weights = <Runtime as pallet_burn_mint::Config>::WeightInfo;
    with_dev_chain(|| {
        common::run_to_block(2);
        let providers = pallet_burn_mint::ProviderCount::<Runtime>::get();
        let weight = capacloud_runtime::BurnMint::on_initialize(3);
        // The parameters and the open epoch read; the pools' claims read and written (by
        // whatever settles in the block).
        let expected = Weights::on_initialize_block(providers)
            .saturating_add(ParityDbWeight::get().reads_writes(3, 1));
        assert_eq!(weight, expected);
        // The keys are whitelisted, so the benchmarks do not see them.
        let keys = AllPalletsWithSystem::whitelisted_storage_keys();
        for key in [
            pallet_burn_mint::ActiveParameters::<Runtime>::hashed_key(),
            pallet_burn_mint::CurrentEpoch::<Runtime>::hashed_key(),
            pallet_burn_mint::PoolClaims::<Runtime>::hashed_key(),
        ] {
            assert!(keys.iter().any(|k| k.key == key.to_vec()));
        }
    });
}
