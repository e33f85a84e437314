// What the end-to-end tests share: free ports, polling, child processes that never outlive the
// test, a `--dev --tmp` node on loopback, a network of the `local` chain, and signing with the
// module error decoded by name.

import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';

import { submit } from '../chain.mjs';
import { Network, startNode } from '../network.mjs';

export { Child, freePorts, sleep, waitFor } from '../processes.mjs';

/// The release node under test (scripts/feeder-test and scripts/e2e-test set it).
export const NODE_BIN = process.env.CAPA_NODE_BIN;
/// One CAPA in plancks.
export { UNIT as CAPA } from '../amounts.mjs';
/// Slot duration of the fast-runtime dev chain.
export const BLOCK_MS = 6000;

/// Starts `NODE_BIN --dev` on the given loopback ports (in a temporary directory, or in
/// `basePath`: then the chain survives a restart) and resolves once its RPC answers
/// `system_health`. `chain` instead of `--dev`: the same chain without Alice authoring.
export async function startDevNode({ rpc, p2p, basePath, name = 'node', args }) {
  if (!existsSync(NODE_BIN ?? '')) {
    throw new Error(`CAPA_NODE_BIN=${NODE_BIN} does not exist: build it (scripts/build-node)`);
  }
  return startNode({ bin: NODE_BIN, name, rpc, p2p, basePath, args });
}

/// Starts a network of the `local` chain (Alice and Bob its genesis validators) of `nodes`
/// (`Network` node specs) in a new temporary directory named after `name`; resolves with the
/// started network (`destroy()` stops it and removes the directory).
export async function startLocalNetwork(name, nodes) {
  const root = await mkdtemp(join(tmpdir(), `capacloud-${name}-`));
  const network = new Network({ bin: NODE_BIN, root, chain: 'local', nodes });
  try {
    await network.prepare();
    await network.start();
  } catch (e) {
    await network.destroy();
    throw e;
  }
  return network;
}

/// Signs and sends; see chain.mjs.
export { submit };

/// The steps of a scenario: each is a test that is skipped once an earlier one failed (they
/// build on each other); on a failure, `onFailure` prints what helps (the processes' last lines).
export function scenario(onFailure) {
  let broken = false;
  return (name, fn, timeout = 120_000) =>
    it(name, { timeout }, async (t) => {
      if (broken) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn();
      } catch (e) {
        broken = true;
        onFailure();
        throw e;
      }
    });
}
