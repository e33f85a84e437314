//! Extrinsic builders for `benchmark overhead` and `benchmark extrinsic`: signed transactions of
//! this runtime, from Alice (who is funded in every development preset).

use std::sync::Arc;

use capacloud_runtime::{
    signing, AccountId, Balance, BalancesCall, BurnMintCall, RuntimeCall, SystemCall, CAPA,
    EXISTENTIAL_DEPOSIT,
};
use sc_cli::Result;
use sp_inherents::{InherentData, InherentDataProvider};
use sp_keyring::Sr25519Keyring;
use sp_runtime::OpaqueExtrinsic;

use crate::service::FullClient;

/// Builds signed transactions of one kind from Alice, one per nonce, for `benchmark overhead`
/// and `benchmark extrinsic`.
pub struct SignedCallBuilder {
    client: Arc<FullClient>,
    pallet: &'static str,
    extrinsic: &'static str,
    call: fn(u32) -> RuntimeCall,
}

impl SignedCallBuilder {
    /// `system.remark` with an empty remark: the smallest transaction, for the base extrinsic
    /// weight.
    pub fn remark(client: Arc<FullClient>) -> Self {
        Self {
            client,
            pallet: "system",
            extrinsic: "remark",
            call: |_| RuntimeCall::System(SystemCall::remark { remark: vec![] }),
        }
    }

    /// `balances.transfer_keep_alive` of the existential deposit to a different, non-existent
    /// account for every nonce: the worst case (account creation), as the pallet's own
    /// benchmark measures it.
    pub fn transfer_keep_alive(client: Arc<FullClient>) -> Self {
        Self {
            client,
            pallet: "balances",
            extrinsic: "transfer_keep_alive",
            call: |nonce| {
                let seed = [b"capacloud/bench/dest".as_slice(), &nonce.to_le_bytes()].concat();
                let dest: AccountId = sp_core::crypto::AccountId32::from(
                    <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&seed).0,
                );
                let value: Balance = EXISTENTIAL_DEPOSIT;
                RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                    dest: dest.into(),
                    value,
                })
            },
        }
    }

    /// `burnMint.buy_credits` of 0.1 CAPA (50 credits at the development price of 0.5): the
    /// compute-credit extrinsic. The development preset's price is fresh on the first blocks
    /// after genesis, which is where the benchmark builds.
    pub fn buy_credits(client: Arc<FullClient>) -> Self {
        Self {
            client,
            pallet: "burn_mint",
            extrinsic: "buy_credits",
            call: |_| {
                RuntimeCall::BurnMint(BurnMintCall::buy_credits {
                    amount: CAPA / 10,
                    min_credits: 1,
                })
            },
        }
    }
}

impl frame_benchmarking_cli::ExtrinsicBuilder for SignedCallBuilder {
    fn pallet(&self) -> &str {
        self.pallet
    }

    fn extrinsic(&self) -> &str {
        self.extrinsic
    }

    fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
        Ok(signed_opaque(&self.client, (self.call)(nonce), nonce))
    }
}

/// Signs `call` as Alice with `nonce` against the client's genesis and best block.
fn signed_opaque(client: &FullClient, call: RuntimeCall, nonce: u32) -> OpaqueExtrinsic {
    use sc_client_api::{BlockBackend, UsageProvider};
    let genesis_hash = client
        .block_hash(0)
        .ok()
        .flatten()
        .expect("genesis block exists; qed");
    let info = client.usage_info().chain;
    let extrinsic = signing::sign(
        &Sr25519Keyring::Alice.pair(),
        call,
        nonce,
        signing::Context {
            genesis_hash,
            best_hash: info.best_hash,
            best_number: info.best_number,
        },
    );
    OpaqueExtrinsic::from(extrinsic)
}

/// Inherent data for benchmark blocks: just the timestamp.
pub fn inherent_benchmark_data() -> Result<InherentData> {
    let mut inherent_data = InherentData::new();
    let timestamp = sp_timestamp::InherentDataProvider::new(std::time::Duration::ZERO.into());
    futures::executor::block_on(timestamp.provide_inherent_data(&mut inherent_data))
        .map_err(|e| format!("creating inherent data: {e:?}"))?;
    Ok(inherent_data)
}
