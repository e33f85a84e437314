// What the end-to-end tests share: free ports, polling, child processes that never outlive the
// test, a `--dev --tmp` node on loopback, and signing with the module error decoded by name.

import { existsSync } from 'node:fs';
import { it } from 'node:test';

import { submit } from '../chain.mjs';
import { jsonRpc } from '../network.mjs';
import { Child, waitFor } from '../processes.mjs';

export { Child, freePorts, sleep, waitFor } from '../processes.mjs';

/// The release node under test (scripts/feeder-test and scripts/e2e-test set it).
export const NODE_BIN = process.env.CAPA_NODE_BIN;
/// One CAPA in plancks.
export const CAPA = 10n ** 12n;
/// Slot duration of the fast-runtime dev chain.
export const BLOCK_MS = 6000;

/// Starts `NODE_BIN --dev` on the given loopback ports (in a temporary directory, or in
/// `basePath`: then the chain survives a restart) and resolves once its RPC answers
/// `system_health`. `chain` instead of `--dev`: the same chain without Alice authoring.
export async function startDevNode({ rpc, p2p, basePath, name = 'node', args }) {
  if (!existsSync(NODE_BIN ?? '')) {
    throw new Error(`CAPA_NODE_BIN=${NODE_BIN} does not exist: build it (scripts/build-node)`);
  }
  const node = new Child(
    name,
    NODE_BIN,
    [
      ...(args ?? ['--dev']),
      ...(basePath ? ['--base-path', basePath] : ['--tmp']),
      ...['--rpc-port', String(rpc), '--port', String(p2p)],
      ...['--no-prometheus', '--no-telemetry', '--no-mdns'],
    ],
    300,
  );
  await waitFor(
    `${name}'s RPC server`,
    async () => {
      if (!node.alive) throw new Error(`${name} exited:\n${node.dump(30)}`);
      try {
        await jsonRpc(rpc, 'system_health');
        return true;
      } catch {
        return false;
      }
    },
    60_000,
  );
  return node;
}

/// Signs and sends; see chain.mjs.
export const send = submit;

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
