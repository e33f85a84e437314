//! Weights of pallet-burn-mint.
//!
//! PLACEHOLDER until `scripts/benchmark` regenerates this file from the pallet's benchmarks.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// Weight functions needed by pallet-burn-mint.
pub trait WeightInfo {
    fn register_provider() -> Weight;
    fn update_capacity() -> Weight;
    fn pause() -> Weight;
    fn resume() -> Weight;
    fn leave() -> Weight;
    fn withdraw_bond() -> Weight;
    fn set_reputation() -> Weight;
    fn slash_provider() -> Weight;
    fn buy_credits(f: u32) -> Weight;
    fn spend_credits() -> Weight;
    fn pay_for_compute(f: u32) -> Weight;
    fn claim_rewards() -> Weight;
    fn submit_price() -> Weight;
    fn set_price_feeders(f: u32) -> Weight;
    fn set_parameters() -> Weight;
    fn on_initialize_block(p: u32) -> Weight;
    fn on_initialize_epoch_boundary(p: u32) -> Weight;
}

impl WeightInfo for () {
    fn register_provider() -> Weight {
        Weight::zero()
    }
    fn update_capacity() -> Weight {
        Weight::zero()
    }
    fn pause() -> Weight {
        Weight::zero()
    }
    fn resume() -> Weight {
        Weight::zero()
    }
    fn leave() -> Weight {
        Weight::zero()
    }
    fn withdraw_bond() -> Weight {
        Weight::zero()
    }
    fn set_reputation() -> Weight {
        Weight::zero()
    }
    fn slash_provider() -> Weight {
        Weight::zero()
    }
    fn buy_credits(_f: u32) -> Weight {
        Weight::zero()
    }
    fn spend_credits() -> Weight {
        Weight::zero()
    }
    fn pay_for_compute(_f: u32) -> Weight {
        Weight::zero()
    }
    fn claim_rewards() -> Weight {
        Weight::zero()
    }
    fn submit_price() -> Weight {
        Weight::zero()
    }
    fn set_price_feeders(_f: u32) -> Weight {
        Weight::zero()
    }
    fn set_parameters() -> Weight {
        Weight::zero()
    }
    fn on_initialize_block(_p: u32) -> Weight {
        Weight::zero()
    }
    fn on_initialize_epoch_boundary(_p: u32) -> Weight {
        Weight::zero()
    }
}

/// Placeholder for the runtime until the generated file replaces this one.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
    fn register_provider() -> Weight {
        Weight::zero()
    }
    fn update_capacity() -> Weight {
        Weight::zero()
    }
    fn pause() -> Weight {
        Weight::zero()
    }
    fn resume() -> Weight {
        Weight::zero()
    }
    fn leave() -> Weight {
        Weight::zero()
    }
    fn withdraw_bond() -> Weight {
        Weight::zero()
    }
    fn set_reputation() -> Weight {
        Weight::zero()
    }
    fn slash_provider() -> Weight {
        Weight::zero()
    }
    fn buy_credits(_f: u32) -> Weight {
        Weight::zero()
    }
    fn spend_credits() -> Weight {
        Weight::zero()
    }
    fn pay_for_compute(_f: u32) -> Weight {
        Weight::zero()
    }
    fn claim_rewards() -> Weight {
        Weight::zero()
    }
    fn submit_price() -> Weight {
        Weight::zero()
    }
    fn set_price_feeders(_f: u32) -> Weight {
        Weight::zero()
    }
    fn set_parameters() -> Weight {
        Weight::zero()
    }
    fn on_initialize_block(_p: u32) -> Weight {
        Weight::zero()
    }
    fn on_initialize_epoch_boundary(_p: u32) -> Weight {
        Weight::zero()
    }
}
