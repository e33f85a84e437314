//! What a validator checks about itself and says in a warning of its log, so that an operator's mistake
//! does not look like a network that is merely slow: a keystore without the chain's session keys
//! (or with the two swapped, the one key mistake a chain spec cannot show: both are 32-byte
//! public keys), and a validator without peers, which waits for the network instead of authoring
//! a chain of its own (Aura does not author while offline when there are several authorities,
//! and says so only at debug level).

use std::{sync::Arc, time::Duration};

use sc_client_api::HeaderBackend;
use sp_api::ProvideRuntimeApi;
use sp_consensus_aura::{sr25519::AuthorityId as AuraId, AuraApi};
use sp_consensus_grandpa::GrandpaApi;
use sp_core::crypto::{key_types, ByteArray, KeyTypeId};
use sp_keystore::KeystorePtr;
use sp_runtime::traits::Block as BlockT;

/// How often a validator without peers says so.
pub const OFFLINE_WARNING_EVERY: Duration = Duration::from_secs(30);
/// How long a validator is given to find its first peer before it says it has none.
pub const FIRST_OFFLINE_WARNING_AFTER: Duration = Duration::from_secs(10);

/// What is wrong with a validator's keystore, as sentences (none when it holds an Aura and a
/// GRANDPA key of the chain's authorities). `aura` and `grandpa` are the authorities' public
/// keys; `has(public, key_type)` says whether the keystore holds that key under that type.
pub fn keystore_problems(
    aura: &[Vec<u8>],
    grandpa: &[Vec<u8>],
    has: impl Fn(&[u8], KeyTypeId) -> bool,
) -> Vec<String> {
    let holds_aura = aura.iter().any(|key| has(key, key_types::AURA));
    let holds_grandpa = grandpa.iter().any(|key| has(key, key_types::GRANDPA));
    // A key typed `aura` that the chain lists as a GRANDPA authority, or the other way round.
    let swapped = grandpa.iter().any(|key| has(key, key_types::AURA))
        || aura.iter().any(|key| has(key, key_types::GRANDPA));
    let mut problems = Vec::new();
    if swapped {
        problems.push(
            "the keystore's session keys are swapped: it holds as its Aura key a GRANDPA \
             authority of the chain (or as its GRANDPA key an Aura authority); the chain spec's \
             --authority AURA,GRANDPA or the `key insert` commands have the two the wrong way round"
                .to_string(),
        );
    }
    if !holds_aura {
        problems.push(format!(
            "the keystore holds no Aura key of the chain's {} authorities: this validator authors \
             no blocks (insert its sr25519 key with `key insert --key-type aura`, and check \
             --keystore-path)",
            aura.len()
        ));
    }
    if !holds_grandpa {
        problems.push(format!(
            "the keystore holds no GRANDPA key of the chain's {} authorities: this validator \
             votes for no finality (insert its ed25519 key with `key insert --key-type gran`, and \
             check --keystore-path)",
            grandpa.len()
        ));
    }
    problems
}

/// Checks the keystore against the authorities at the best block and logs each problem.
pub fn check_keystore<Block, Client>(client: &Client, keystore: &KeystorePtr)
where
    Block: BlockT,
    Client: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
    Client::Api: AuraApi<Block, AuraId> + GrandpaApi<Block>,
{
    let best = client.info().best_hash;
    let api = client.runtime_api();
    let (aura, grandpa) = match (api.authorities(best), api.grandpa_authorities(best)) {
        (Ok(aura), Ok(grandpa)) => (aura, grandpa),
        (Err(error), _) | (_, Err(error)) => {
            log::warn!("could not read the chain's authorities to check the keystore: {error}");
            return;
        }
    };
    let aura: Vec<Vec<u8>> = aura.iter().map(|key| key.to_raw_vec()).collect();
    let grandpa: Vec<Vec<u8>> = grandpa.iter().map(|(key, _)| key.to_raw_vec()).collect();
    for problem in keystore_problems(&aura, &grandpa, |key, key_type| {
        keystore.has_keys(&[(key.to_vec(), key_type)])
    }) {
        log::warn!("{problem}");
    }
}

/// Says every [`OFFLINE_WARNING_EVERY`] that the validator has no peers, while it has none, and
/// what it means when the chain has several authorities.
pub async fn warn_while_offline(peers: impl Fn() -> usize, authorities: usize) {
    futures_timer::Delay::new(FIRST_OFFLINE_WARNING_AFTER).await;
    loop {
        if peers() == 0 {
            if authorities > 1 {
                log::warn!(
                    "no peers: this validator authors no blocks until it connects to the network \
                     (one of {authorities} authorities waits for the others): start the other \
                     validators, or check the chain spec's bootnodes (--bootnodes) and that the \
                     p2p port is reachable"
                );
            } else {
                log::warn!("no peers: this validator authors alone; nobody receives its blocks");
            }
        }
        futures_timer::Delay::new(OFFLINE_WARNING_EVERY).await;
    }
}

/// The number of Aura authorities at the best block (0 when it cannot be read).
pub fn aura_authorities<Block, Client>(client: &Arc<Client>) -> usize
where
    Block: BlockT,
    Client: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
    Client::Api: AuraApi<Block, AuraId>,
{
    client
        .runtime_api()
        .authorities(client.info().best_hash)
        .map_or(0, |a| a.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const AURA_1: [u8; 32] = [1; 32];
    const GRANDPA_1: [u8; 32] = [2; 32];
    const AURA_2: [u8; 32] = [3; 32];
    const GRANDPA_2: [u8; 32] = [4; 32];

    fn problems(held: &[([u8; 32], KeyTypeId)]) -> Vec<String> {
        let held: HashSet<(Vec<u8>, KeyTypeId)> =
            held.iter().map(|(k, t)| (k.to_vec(), *t)).collect();
        keystore_problems(
            &[AURA_1.to_vec(), AURA_2.to_vec()],
            &[GRANDPA_1.to_vec(), GRANDPA_2.to_vec()],
            |key, key_type| held.contains(&(key.to_vec(), key_type)),
        )
    }

    #[test]
    fn a_keystore_with_both_keys_of_one_authority_has_no_problem() {
        assert!(problems(&[(AURA_2, key_types::AURA), (GRANDPA_2, key_types::GRANDPA)]).is_empty());
    }

    #[test]
    fn swapped_keys_are_named_as_swapped() {
        let found = problems(&[(GRANDPA_1, key_types::AURA), (AURA_1, key_types::GRANDPA)]);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("swapped"));
        assert!(found[1].contains("no Aura key of the chain's 2 authorities"));
        assert!(found[2].contains("no GRANDPA key of the chain's 2 authorities"));
    }

    #[test]
    fn a_missing_key_is_named_by_kind() {
        let found = problems(&[(AURA_1, key_types::AURA)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("no GRANDPA key"));
        let found = problems(&[]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(!found.iter().any(|p| p.contains("swapped")));
    }
}
