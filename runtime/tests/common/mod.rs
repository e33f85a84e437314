//! Helpers shared by the runtime's integration tests: the development genesis state, block
//! production as the node does it (Aura slot digest, timestamp inherent, every pallet's hooks),
//! and the `try_state` check that ends every test.

#![allow(dead_code)]

pub mod referenda;

use capacloud_runtime::{
    AllPalletsWithSystem, Executive, Header, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig,
    System, TimestampCall, UncheckedExtrinsic, SLOT_DURATION,
};
use codec::Encode;
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_runtime::{
    traits::{Hash as _, Header as _},
    BuildStorage, Digest, DigestItem,
};
use std::cell::Cell;

/// Test externalities holding the genesis state of the `development` preset.
pub fn development_ext() -> sp_io::TestExternalities {
    let preset = capacloud_runtime::genesis_config_presets::get_preset(
        &sp_genesis_builder::DEV_RUNTIME_PRESET.into(),
    )
    .expect("the development preset exists");
    let config: RuntimeGenesisConfig =
        serde_json::from_slice(&preset).expect("the preset is a valid genesis config");
    let storage = config.build_storage().expect("genesis builds");
    sp_io::TestExternalities::new(storage)
}

/// Runs `test` in development genesis state, then every pallet's `try_state` invariants
/// (compiled in with the `try-runtime` feature, which `scripts/test` always enables).
pub fn with_dev_chain(test: impl FnOnce()) {
    development_ext().execute_with(|| {
        test();
        #[cfg(feature = "try-runtime")]
        {
            use frame_support::traits::{TryState, TryStateSelect};
            AllPalletsWithSystem::try_state(System::block_number(), TryStateSelect::All)
                .expect("try_state invariants hold");
        }
    });
}

thread_local! {
    /// Hash of the last finalized header (the next block's parent); zero means genesis.
    static PARENT: Cell<sp_core::H256> = const { Cell::new(sp_core::H256::zero()) };
}

/// Initializes block `System::block_number() + 1` as the node would: an Aura pre-runtime digest
/// for slot `number`, every pallet's `on_initialize`, then the timestamp inherent.
pub fn start_block() -> u32 {
    let number = System::block_number() + 1;
    let parent = match PARENT.with(Cell::get) {
        p if p.is_zero() || number == 1 => System::block_hash(0),
        p => p,
    };
    let slot = Slot::from(number as u64);
    let digest = Digest {
        logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode())],
    };
    let header = Header::new(
        number,
        Default::default(),
        Default::default(),
        parent,
        digest,
    );
    Executive::initialize_block(&header);
    let set_time = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
        now: SLOT_DURATION * number as u64,
    }));
    Executive::apply_extrinsic(set_time)
        .expect("timestamp inherent is valid")
        .expect("and dispatches");
    number
}

/// Finalizes the current block (every pallet's `on_finalize`) and remembers its hash.
pub fn finish_block() {
    let header = Executive::finalize_block();
    PARENT.with(|p| p.set(sp_runtime::traits::BlakeTwo256::hash_of(&header)));
}

/// Produces empty blocks until the chain is at block `target`, collecting their events.
pub fn run_to_block(target: u32) -> Vec<RuntimeEvent> {
    let mut events = Vec::new();
    while System::block_number() < target {
        start_block();
        finish_block();
        events.extend(System::events().into_iter().map(|r| r.event));
    }
    events
}

/// Produces empty blocks until `done` returns true (checked after each block), at most
/// `limit` blocks; returns the block number reached and the events of those blocks.
pub fn run_until(limit: u32, mut done: impl FnMut() -> bool) -> (u32, Vec<RuntimeEvent>) {
    let mut events = Vec::new();
    for _ in 0..limit {
        let number = start_block();
        finish_block();
        events.extend(System::events().into_iter().map(|r| r.event));
        if done() {
            return (number, events);
        }
    }
    panic!("condition not reached within {limit} blocks");
}
