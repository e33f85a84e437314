// Validators as an operator handles them with polkadot.js: session keys generated on the
// validator's own node and registered from its account, and the validator set and sessions as
// the chain has them. Adding or removing a validator is a referendum on the root track
// (governance.mjs; docs/operators.md, section 7).

import { u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';

import { submit } from './chain.mjs';

/// Generates new session keys in the keystore of the node `api` is connected to, with a proof
/// that they belong to `signer`'s account (`author_rotateKeysWithOwner`: an unsafe RPC method,
/// answered only on the node's own machine), and registers them with `session.setKeys` (which
/// holds the chain's key deposit); resolves with the keys (hex).
export async function registerSessionKeys(api, signer) {
  const owner = u8aToHex(decodeAddress(signer.address));
  const { keys, proof } = (await api.rpc.author.rotateKeysWithOwner(owner)).toJSON();
  await submit(api, api.tx.session.setKeys(keys, proof), signer);
  return keys;
}

/// The validators as the chain has them: `stored` (the set governance keeps), `current` (the
/// session's, authoring now), `queued` (the next session's), the session index and the block
/// the next session starts at.
export async function validatorState(api) {
  const [stored, current, queued, session, header] = await Promise.all([
    api.query.validatorSet.validators(),
    api.query.session.validators(),
    api.query.session.queuedKeys(),
    api.query.session.currentIndex(),
    api.rpc.chain.getHeader(),
  ]);
  return {
    stored: stored.map(String),
    current: current.map(String),
    queued: queued.map(([who]) => who.toString()),
    session: session.toNumber(),
    block: header.number.toNumber(),
  };
}
