// The container image's run command, run natively (node:test, release node): the Dockerfile's
// CMD (the default node of the image) and its HEALTHCHECK URL are read from docker/Dockerfile
// itself, so that what the image runs is what is tested. Only the host-specific parts change:
// the data directory (`/data` in the image) and the ports (free ones, appended). The build
// command is checked by scripts/docker-lint (scripts/build-node with CAPA_FEATURES="").
// Skipped when CAPA_NODE_BIN is not set (scripts/ops-test sets it).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { jsonRpc } from '../network.mjs';
import { BLOCK_MS, Child, freePorts, NODE_BIN, waitFor } from './harness.mjs';

const run = promisify(execFile);
const DOCKERFILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docker', 'Dockerfile');

/// The JSON array of the Dockerfile instruction `name` (exec form, continued over lines).
export function instruction(text, name, after = '') {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const line = joined.split('\n').find((l) => l.startsWith(`${name} `) && l.includes(after));
  assert.ok(line, `${name} in docker/Dockerfile`);
  const array = line.slice(line.indexOf('['));
  return JSON.parse(array);
}

describe('the image\'s command line, natively', { skip: !NODE_BIN && 'CAPA_NODE_BIN is not set' }, () => {
  let node;
  let dir;

  after(async () => {
    await node?.stop('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the Dockerfile\'s CMD starts a node that produces blocks and answers its HEALTHCHECK', { timeout: 180_000 }, async () => {
    const text = await readFile(DOCKERFILE, 'utf8');
    const cmd = instruction(text, 'CMD');
    const health = instruction(text, 'HEALTHCHECK', 'CMD').find((a) => a.startsWith('http'));
    const entrypoint = instruction(text, 'ENTRYPOINT');
    assert.deepEqual(entrypoint, ['/usr/local/bin/capacloud-node'], 'the image runs the node itself');
    assert.ok(cmd.includes('--base-path') && cmd.includes('/data'), 'state in the /data volume');
    const healthUrl = new URL(health);
    assert.equal(healthUrl.pathname, '/health/readiness');
    assert.equal(healthUrl.port, '9944', 'the health check uses the default RPC port');

    dir = await mkdtemp(join(tmpdir(), 'capacloud-image-'));
    const [rpc, p2p, prometheus] = await freePorts(3);
    // The image's arguments, with its volume at a temporary directory and free ports appended
    // (the CMD sets none: the image uses the defaults, 9944, 30333 and 9615).
    const args = cmd.map((a) => (a === '/data' ? dir : a));
    node = new Child('image-cmd', NODE_BIN, [
      ...args,
      ...['--rpc-port', String(rpc), '--port', String(p2p), '--prometheus-port', String(prometheus)],
      '--no-mdns',
    ]);
    const url = `http://127.0.0.1:${rpc}${healthUrl.pathname}`;
    const status = await waitFor(
      'the health check to pass',
      async () => {
        if (!node.alive) throw new Error(`the node exited:\n${node.dump(30)}`);
        try {
          const res = await fetch(url);
          return res.ok ? res : false;
        } catch {
          return false;
        }
      },
      90_000,
    );
    // Ready: a development chain needs no peer. `/health` says why (system_health).
    assert.equal(status.status, 200);
    const body = await (await fetch(`http://127.0.0.1:${rpc}/health`)).json();
    assert.equal(typeof body.peers, 'number', `/health answers system_health: ${JSON.stringify(body)}`);
    assert.equal(body.shouldHavePeers, false);
    await waitFor(
      'block #2',
      async () => parseInt((await jsonRpc(rpc, 'chain_getHeader')).number, 16) >= 2,
      6 * BLOCK_MS + 30_000,
    );
    // `--rpc-methods safe`, as in the image: administration calls are refused.
    await assert.rejects(jsonRpc(rpc, 'author_rotateKeys'), /unsafe|not allowed|Method not found/i);
    // Prometheus metrics on their port (`--prometheus-external` in the image).
    const metrics = await (await fetch(`http://127.0.0.1:${prometheus}/metrics`)).text();
    assert.match(metrics, /^substrate_block_height\{.*status="best".*\} \d+/m);
    assert.deepEqual(await node.stop('SIGINT', 20_000), { code: 0, signal: null });
  });

  it('the HEALTHCHECK fails for a node of a network with bootnodes and no peer, which /health calls healthy', { timeout: 120_000 }, async () => {
    const [rpc, p2p] = await freePorts(2);
    // The `local` chain with a bootnode that is not there (build-spec names a default one): a
    // node expects peers when its spec or --bootnodes names bootnodes.
    const spec = JSON.parse((await run(NODE_BIN, ['build-spec', '--chain', 'local'], { maxBuffer: 64 << 20 })).stdout);
    assert.equal(spec.bootNodes.length, 1);
    const specFile = join(dir, 'spec-with-bootnode.json');
    await writeFile(specFile, JSON.stringify(spec));
    const lone = new Child('lone', NODE_BIN, [
      ...['--chain', specFile, '--tmp', '--no-prometheus', '--no-telemetry', '--no-mdns'],
      ...['--rpc-port', String(rpc), '--port', String(p2p)],
    ]);
    try {
      const health = await waitFor(
        '/health',
        async () => fetch(`http://127.0.0.1:${rpc}/health`).then((r) => (r.ok ? r.json() : false), () => false),
        60_000,
      );
      assert.deepEqual([health.peers, health.shouldHavePeers], [0, true]);
      const readiness = await fetch(`http://127.0.0.1:${rpc}/health/readiness`);
      assert.equal(readiness.status, 500, 'not ready without a peer');
    } finally {
      await lone.stop('SIGKILL');
    }
  });
});
