//! Extrinsic builders for `benchmark overhead` and `benchmark extrinsic`: signed transactions of
//! this runtime, from Alice (who is funded in every development preset).

use std::sync::Arc;

use capacloud_runtime::{signing, AccountId, Balance, EXISTENTIAL_DEPOSIT};
use sc_cli::Result;
use sp_inherents::{InherentData, InherentDataProvider};
use sp_keyring::Sr25519Keyring;
use sp_runtime::OpaqueExtrinsic;

use crate::service::FullClient;

/// Builds signed `system.remark` calls: the smallest transaction, for base extrinsic weight.
pub struct RemarkBuilder {
    client: Arc<FullClient>,
}

impl RemarkBuilder {
    /// A builder that reads the chain's genesis hash and best block from `client`.
    pub fn new(client: Arc<FullClient>) -> Self {
        Self { client }
    }
}

impl frame_benchmarking_cli::ExtrinsicBuilder for RemarkBuilder {
    fn pallet(&self) -> &str {
        "system"
    }

    fn extrinsic(&self) -> &str {
        "remark"
    }

    fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
        let call = capacloud_runtime::RuntimeCall::System(capacloud_runtime::SystemCall::remark {
            remark: vec![],
        });
        Ok(signed_opaque(&self.client, call, nonce))
    }
}

/// Builds signed `balances.transfer_keep_alive` calls from Alice to a fresh account.
pub struct TransferKeepAliveBuilder {
    client: Arc<FullClient>,
}

impl TransferKeepAliveBuilder {
    /// A builder that reads the chain's genesis hash and best block from `client`.
    pub fn new(client: Arc<FullClient>) -> Self {
        Self { client }
    }
}

impl frame_benchmarking_cli::ExtrinsicBuilder for TransferKeepAliveBuilder {
    fn pallet(&self) -> &str {
        "balances"
    }

    fn extrinsic(&self) -> &str {
        "transfer_keep_alive"
    }

    fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
        // A different, non-existent destination for every transaction: the worst case (account
        // creation), as the pallet's own benchmark measures it.
        let seed = [b"capacloud/bench/dest".as_slice(), &nonce.to_le_bytes()].concat();
        let dest: AccountId = sp_core::crypto::AccountId32::from(
            <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&seed).0,
        );
        let amount: Balance = EXISTENTIAL_DEPOSIT;
        let call = capacloud_runtime::RuntimeCall::Balances(
            capacloud_runtime::BalancesCall::transfer_keep_alive {
                dest: dest.into(),
                value: amount,
            },
        );
        Ok(signed_opaque(&self.client, call, nonce))
    }
}

/// Signs `call` as Alice with `nonce` against the client's genesis and best block.
fn signed_opaque(
    client: &FullClient,
    call: capacloud_runtime::RuntimeCall,
    nonce: u32,
) -> OpaqueExtrinsic {
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
