// scripts/run-dev as a developer runs it, twice on one machine (node:test, release node):
// `--help` answers without building; a second run finds the first one's ports busy and takes
// free ones, prints the endpoints it really uses, and its feeder submits to its own chain; when
// its feeder dies, it stops its node and exits 1. Skipped when CAPA_NODE_BIN is not set
// (scripts/ops-test sets it).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe } from 'node:test';

import { jsonRpc, metric } from '../network.mjs';
import { Child, NODE_BIN, scenario, waitFor } from './harness.mjs';

const run = promisify(execFile);
const RUN_DEV = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'run-dev');

/// The endpoints a run printed: RPC, p2p and metrics ports of the node, and its feeder's.
function endpoints(child) {
  const node = child.matching(/node: RPC ws:\/\/127\.0\.0\.1:(\d+).* p2p (\d+), metrics http:\/\/127\.0\.0\.1:(\d+)/)[0];
  const feeder = child.matching(/feeder: .* metrics http:\/\/127\.0\.0\.1:(\d+)\/metrics/)[0];
  const [, rpc, p2p, prometheus] = node.match(/RPC ws:\/\/127\.0\.0\.1:(\d+).* p2p (\d+), metrics http:\/\/127\.0\.0\.1:(\d+)/);
  const [, feederMetrics] = feeder.match(/metrics http:\/\/127\.0\.0\.1:(\d+)\/metrics/);
  return { rpc: +rpc, p2p: +p2p, prometheus: +prometheus, feeder: +feederMetrics };
}

describe('scripts/run-dev, twice on one machine', { skip: !NODE_BIN && 'CAPA_NODE_BIN is not set' }, () => {
  const runs = [];
  const step = scenario(() => {
    for (const r of runs) console.error(r.dump(30));
  });

  after(async () => {
    await Promise.all(runs.map((r) => r.stop('SIGINT', 30_000)));
  });

  step('--help answers at once, without building', async () => {
    const started = Date.now();
    const { stdout } = await run('bash', [RUN_DEV, '--help']);
    assert.match(stdout, /^scripts\/run-dev \[--no-build\]/);
    assert.match(stdout, /Ports: RPC 9944, p2p 30333, Prometheus 9615/);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });

  step('a second run takes free ports, says which, and feeds its own chain', async () => {
    // Another price than the genesis one: the feeders submit every block (run-dev's rule).
    process.env.CAPA_DEV_PRICE = '0.6';
    for (const name of ['run-dev-1', 'run-dev-2']) {
      const child = new Child(name, 'bash', [RUN_DEV, '--no-build', '--no-mdns'], 400);
      runs.push(child);
      // Up: its feeder serves its metrics (so its ports are all taken before the next starts).
      await child.waitForLine(/\[feeder\] .*metrics at http/, 90_000);
    }
    const [first, second] = runs.map(endpoints);
    for (const key of Object.keys(first)) {
      assert.notEqual(first[key], second[key], `the second run's ${key} port is not the first's`);
    }
    // Two nodes answer where the runs said, each with its own feeder submitting to it.
    const peers = await Promise.all([first, second].map((e) => jsonRpc(e.rpc, 'system_localPeerId')));
    assert.notEqual(peers[0], peers[1]);
    for (const e of [first, second]) {
      await waitFor(
        `the feeder on metrics port ${e.feeder} to submit`,
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${e.feeder}/metrics`)).text();
          return metric(text, 'capacloud_feeder_submissions_total') >= 1 ? true : false;
        },
        90_000,
      );
      // The node's metrics where the run said (they follow the chain by a few seconds).
      await waitFor(
        `block #1 in the metrics on port ${e.prometheus}`,
        async () => metric(await (await fetch(`http://127.0.0.1:${e.prometheus}/metrics`)).text(), 'substrate_block_height', { status: 'best' }) >= 1,
        30_000,
      );
    }
    console.log(`run-dev twice: ${JSON.stringify(first)} then ${JSON.stringify(second)}`);
  }, 240_000);

  step('when its feeder dies, run-dev stops its node and exits 1', async () => {
    const second = runs[1];
    const { rpc } = endpoints(second);
    await run('pkill', ['-f', `feeder.mjs --url ws://127.0.0.1:${rpc} `]);
    const exit = await Promise.race([second.exit, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
    assert.deepEqual(exit, { code: 1, signal: null });
    assert.equal(second.matching(/the price feeder exited/).length, 1);
    await assert.rejects(jsonRpc(rpc, 'system_health'), 'its node is stopped');
    // The first run is untouched.
    assert.ok(await jsonRpc(endpoints(runs[0]).rpc, 'system_health'));
  }, 120_000);
});
