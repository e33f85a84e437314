//! Building signed transactions natively (std only): used by the node's `benchmark overhead` and
//! `benchmark extrinsic` builders and by the runtime's integration tests, so that both sign
//! exactly the transaction extensions the runtime checks.

use codec::Encode;
use sp_core::{sr25519, Pair};
use sp_runtime::generic::Era;

use crate::{
    AccountId, BlockNumber, Hash, RuntimeCall, Signature, SignedPayload, TxExtension,
    UncheckedExtrinsic, VERSION,
};

/// The chain a transaction is signed for.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// Genesis hash (checked by `CheckGenesis`).
    pub genesis_hash: Hash,
    /// Hash of the block the mortality period starts at (checked by `CheckEra`).
    pub best_hash: Hash,
    /// Number of that block.
    pub best_number: BlockNumber,
}

/// Mortality of signed transactions: valid for this many blocks after `best_number`.
pub const MORTALITY_PERIOD: u64 = 256;

/// The transaction extensions of a transaction with `nonce` and no tip.
pub fn tx_extension(nonce: u32, best_number: BlockNumber) -> TxExtension {
    (
        frame_system::CheckNonZeroSender::new(),
        frame_system::CheckSpecVersion::new(),
        frame_system::CheckTxVersion::new(),
        frame_system::CheckGenesis::new(),
        frame_system::CheckEra::from(Era::mortal(MORTALITY_PERIOD, best_number.into())),
        frame_system::CheckNonce::from(nonce),
        frame_system::CheckWeight::new(),
        pallet_transaction_payment::ChargeTransactionPayment::from(0),
        frame_metadata_hash_extension::CheckMetadataHash::new(false),
        frame_system::WeightReclaim::new(),
    )
}

/// Signs `call` with `signer` (sr25519) and returns the extrinsic.
pub fn sign(
    signer: &sr25519::Pair,
    call: RuntimeCall,
    nonce: u32,
    context: Context,
) -> UncheckedExtrinsic {
    let extension = tx_extension(nonce, context.best_number);
    // The data each extension adds to the signed payload without putting it in the transaction.
    let implicit = (
        (),
        VERSION.spec_version,
        VERSION.transaction_version,
        context.genesis_hash,
        context.best_hash,
        (),
        (),
        (),
        None,
        (),
    );
    let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
    let signature = payload.using_encoded(|bytes| signer.sign(bytes));
    let signer_account: AccountId = signer.public().into();
    UncheckedExtrinsic::new_signed(
        call,
        signer_account.into(),
        Signature::Sr25519(signature),
        extension,
    )
}
