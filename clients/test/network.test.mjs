// The local network (clients/network.mjs: two validators and an RPC node of the `local` chain,
// keys inserted as an operator inserts them) with one validator stopped and restarted (node:test,
// release node): while it is down, blocks continue on the other's slots and finality stalls
// (GRANDPA needs both of two); once it is back, it catches up and finality resumes. The times
// are measured and printed. Skipped when CAPA_NODE_BIN is not set (scripts/ops-test sets it).

import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import { ApiPromise, WsProvider } from '@polkadot/api';

import { metric, Network } from '../network.mjs';
import { BLOCK_MS, NODE_BIN, scenario, waitFor } from './harness.mjs';

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/// The chain: a spec written by scripts/chain-spec (scripts/ops-test passes one whose
/// authorities are Alice's and Bob's keys and which has no sudo key), or the built-in `local`.
const CHAIN = process.env.CAPA_TEST_CHAIN_SPEC ?? 'local';

describe('a local network with a validator down and back', { skip: !NODE_BIN && 'CAPA_NODE_BIN is not set' }, () => {
  let network;
  const step = scenario(() => {
    for (const node of network?.nodes ?? []) if (node.child) console.error(node.child.dump(25));
  });

  before(async () => {
    network = Network.local({ bin: NODE_BIN, root: await mkdtemp(join(tmpdir(), 'capacloud-network-')), chain: CHAIN });
    await network.prepare();
  });

  after(async () => {
    await network?.destroy();
  });

  step('two validators and an RPC node finalize the same blocks and serve metrics', async () => {
    const started = Date.now();
    await network.start();
    const up = Date.now();
    const first = await network.waitForFinality(1, 180_000);
    console.log(
      `local network: three nodes up in ${seconds(up - started)}, first finalized block #${first} ` +
        `on all three ${seconds(Date.now() - up)} later`,
    );
    const finalized = await network.waitForFinality(3, 120_000);
    // The chain is the one the spec describes: its name, and no sudo key when scripts/chain-spec
    // wrote it.
    const api = await ApiPromise.create({ provider: new WsProvider(network.node('rpc').wsUrl), noInitWarn: true });
    try {
      const name = (await api.rpc.system.chain()).toString();
      if (CHAIN !== 'local') {
        assert.equal(name, JSON.parse(await readFile(CHAIN, 'utf8')).name);
        assert.ok((await api.query.sudo.key()).isNone, 'no sudo key');
      }
      console.log(`chain "${name}"`);
    } finally {
      await api.disconnect();
    }
    for (const node of network.nodes) {
      const text = await node.metrics();
      assert.ok(metric(text, 'substrate_block_height', { status: 'finalized' }) >= first, `${node.name}: finalized height`);
      assert.ok(metric(text, 'substrate_block_height', { status: 'best' }) >= finalized - 1, `${node.name}: best height`);
      assert.equal(metric(text, 'substrate_sub_libp2p_peers_count'), 2, `${node.name}: both other nodes are peers`);
    }
  }, 360_000);

  step('one validator down: blocks continue on the other\'s slots, finality stalls', async () => {
    const alice = network.node('alice');
    const bob = network.node('bob');
    assert.deepEqual(await bob.stop('SIGINT'), { code: 0, signal: null });
    const stoppedAt = await alice.height('best');
    // A vote already in flight may still finalize one more block; after that, nothing.
    await waitFor('a block authored without Bob', async () => (await alice.height('best')) >= stoppedAt + 1, 6 * BLOCK_MS);
    const stalled = await alice.height('finalized');
    await waitFor('two more blocks', async () => (await alice.height('best')) >= stoppedAt + 3, 12 * BLOCK_MS);
    assert.equal(await alice.height('finalized'), stalled, 'finality stalled with one of two validators');
    assert.equal(await network.node('rpc').height('finalized'), stalled);
    const best = await alice.height('best');
    assert.ok(best > stalled + 1, `best #${best} moved past finalized #${stalled}`);
    console.log(`bob down: alice's best #${best}, finalized stuck at #${stalled}`);
  }, 180_000);

  step('the validator restarts: it catches up and finality resumes', async () => {
    const alice = network.node('alice');
    const bob = network.node('bob');
    const stalled = await alice.height('finalized');
    const target = await alice.height('best');
    const started = Date.now();
    await bob.start();
    const up = Date.now();
    await waitFor('bob to catch up', async () => (await bob.height('best')) >= target, 120_000);
    const caughtUp = Date.now();
    const resumed = await network.waitForFinality(target, 180_000);
    console.log(
      `bob restarted: RPC up in ${seconds(up - started)}, caught up to #${target} ` +
        `${seconds(caughtUp - up)} later; finality resumed (from #${stalled} to #${resumed} on all three) ` +
        `${seconds(Date.now() - up)} after the restart`,
    );
    assert.ok(resumed > stalled);
  }, 360_000);
});
