// OpenGov as every client here uses it: note a call's preimage, submit it on a track with its
// decision deposit, vote, and wait for what the chain does with it (events by block).

import { submit } from './chain.mjs';

/// Notes `call`'s preimage, submits it as a referendum of `origin` (`{ system: 'Root' }` for
/// the root track, `{ Origins: 'EmissionAdmin' }` for a custom track) and places the decision
/// deposit, all signed by `proposer`; resolves with the referendum's index.
export async function propose(api, origin, call, proposer) {
  await submit(api, api.tx.preimage.notePreimage(call.method.toHex()), proposer);
  const index = (await api.query.referenda.referendumCount()).toNumber();
  await submit(
    api,
    api.tx.utility.batchAll([
      api.tx.referenda.submit(origin, { Lookup: { hash: call.method.hash, len: call.method.encodedLength } }, {
        After: 0,
      }),
      api.tx.referenda.placeDecisionDeposit(index),
    ]),
    proposer,
  );
  return index;
}

/// Every signer in `voters` votes aye on referendum `index` with `balance` plancks, locked with
/// 1x conviction.
export async function voteAye(api, index, voters, balance) {
  const vote = { Standard: { vote: { aye: true, conviction: 'Locked1x' }, balance } };
  await Promise.all(voters.map((who) => submit(api, api.tx.convictionVoting.vote(index, vote), who)));
}

/// Resolves with the first `{ event, block }` for which `pick(event)` is true, in a new block,
/// or rejects after `timeoutBlocks` blocks naming `description`.
export function waitForEvent(api, description, pick, timeoutBlocks = 120) {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let unsubscribe = () => {};
    let done = false;
    api.rpc.chain
      .subscribeNewHeads(async (header) => {
        if (done) return;
        seen += 1;
        const at = await api.at(header.hash);
        const events = await at.query.system.events();
        const hit = events.find(({ event }) => pick(event));
        if (hit && !done) {
          done = true;
          unsubscribe();
          resolve({ event: hit.event, block: header.number.toNumber() });
        } else if (seen > timeoutBlocks && !done) {
          done = true;
          unsubscribe();
          reject(new Error(`timed out waiting for ${description}`));
        }
      })
      .then((u) => {
        unsubscribe = u;
        if (done) u();
      }, reject);
  });
}
