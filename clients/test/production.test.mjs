// The production runtime, checked with the test build of the node (node:test): every workspace
// build also compiles the runtime without its test features (runtime/production,
// $CAPA_PRODUCTION_RUNTIME_WASM). scripts/chain-spec refuses a Live spec of the test runtime,
// naming each test feature, and accepts the production runtime with `--runtime`; a validator
// then runs that Live chain: it authors and finalizes blocks with the production runtime, whose
// version is the test build's, without the benchmark and try-runtime entry points, with
// day-long epochs and production governance periods. Skipped when CAPA_NODE_BIN or the
// production runtime is missing (scripts/ops-test sets both).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe } from 'node:test';

import { connect } from '../chain.mjs';
import { jsonRpc } from '../network.mjs';
import { Child, freePorts, NODE_BIN, scenario, waitFor } from './harness.mjs';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHAIN_SPEC = join(ROOT, 'scripts', 'chain-spec');
const PRODUCTION = process.env.CAPA_PRODUCTION_RUNTIME_WASM;
const TEST_RUNTIME = process.env.CAPA_RUNTIME_WASM;
/// A day of six-second blocks, and a week: the production epoch and vote-locking period.
const DAY = 14_400;

/// Runs scripts/chain-spec; resolves with its exit code and output (it never throws).
async function chainSpec(args) {
  try {
    const { stdout, stderr } = await run(CHAIN_SPEC, args, { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function ss58(scheme, uri) {
  const { stdout } = await run(NODE_BIN, ['key', 'inspect', '--scheme', scheme, uri, '--output-type', 'json']);
  return JSON.parse(stdout).ss58Address;
}

const ready = existsSync(NODE_BIN ?? '') && existsSync(PRODUCTION ?? '');

describe('the production runtime', { skip: ready ? false : 'CAPA_NODE_BIN or CAPA_PRODUCTION_RUNTIME_WASM missing' }, () => {
  let dir;
  let live;
  let node;
  let api;
  let ports;
  const step = scenario(() => node && console.error(node.dump(30)));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capa-production-'));
    const alice = await ss58('sr25519', '//Alice');
    live = [
      ...['--node', NODE_BIN, '--name', 'Production check', '--id', 'capacloud_prodcheck'],
      ...['--authority', `${alice},${await ss58('ed25519', '//Alice')}`],
      ...['--endow', `${alice}=1000000`, '--verifier', alice],
    ];
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  step('chain-spec refuses a Live spec of the test build, naming each test feature on one line', async () => {
    for (const runtime of [[], ['--runtime', TEST_RUNTIME]]) {
      const out = await chainSpec([...live, ...runtime, '--out', join(dir, 'refused.json')]);
      assert.equal(out.code, 1, `chain-spec ${runtime.join(' ')} accepted a test build:\n${out.stderr}`);
      const message = out.stderr.trim();
      assert.equal(message.split('\n').length, 1, message);
      for (const reason of [
        'fast-runtime epochs (10 blocks; production: 14,400)',
        'built with runtime-benchmarks (its runtime has the Benchmark API)',
        'built with try-runtime (its runtime has the TryRuntime API)',
      ]) {
        assert.ok(message.includes(reason), `the refusal does not name "${reason}": ${message}`);
      }
      assert.ok(!existsSync(join(dir, 'refused.json')));
    }
    // Unless told to: a Live spec of the test build, for a test network only.
    const forced = await chainSpec([...live, '--allow-test-runtime', '--out', join(dir, 'forced.json')]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /, a test build$/m);
    assert.equal(JSON.parse(await readFile(join(dir, 'forced.json'), 'utf8')).chainType, 'Live');
  });

  step('chain-spec refuses a --runtime that is missing or no runtime, in one line', async () => {
    const missing = await chainSpec([...live, '--runtime', join(dir, 'absent.wasm'), '--out', join(dir, 'x.json')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), `--runtime ${join(dir, 'absent.wasm')}: No such file or directory`);
    await writeFile(join(dir, 'not.wasm'), '{"name": "a chain spec"}');
    const junk = await chainSpec([...live, '--runtime', join(dir, 'not.wasm'), '--out', join(dir, 'x.json')]);
    assert.equal(junk.code, 1);
    assert.equal(junk.stderr.trim(), `--runtime ${join(dir, 'not.wasm')} is not a runtime: it is not WebAssembly`);
  });

  step('chain-spec writes the Live spec of the production runtime, its code byte for byte', async () => {
    const out = await chainSpec([...live, '--runtime', PRODUCTION, '--out', join(dir, 'live.json')]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /runtime capacloud spec_version \d+, a production build$/m);
    const spec = JSON.parse(await readFile(join(dir, 'live.json'), 'utf8'));
    assert.equal(spec.chainType, 'Live');
    const code = spec.genesis.raw.top['0x3a636f6465'];
    assert.equal(code, `0x${(await readFile(PRODUCTION)).toString('hex')}`);
  });

  step('a validator runs the Live chain: blocks authored and finalized by the production runtime', async () => {
    ports = await freePorts(2);
    node = new Child(
      'production validator',
      NODE_BIN,
      [
        ...['--chain', join(dir, 'live.json'), '--alice', '--force-authoring', '--tmp'],
        // A Live chain's node needs a network key of its own (no development default).
        ...['--node-key', '1'.padStart(64, '0')],
        ...['--rpc-port', String(ports[0]), '--port', String(ports[1])],
        ...['--no-prometheus', '--no-telemetry', '--no-mdns'],
      ],
      300,
    );
    await waitFor(
      'block #3 finalized on the production chain',
      async () => {
        if (!node.alive) throw new Error(`the validator exited:\n${node.dump(30)}`);
        try {
          const hash = await jsonRpc(ports[0], 'chain_getFinalizedHead');
          const header = await jsonRpc(ports[0], 'chain_getHeader', [hash]);
          return parseInt(header.number, 16) >= 3;
        } catch {
          return false;
        }
      },
      120_000,
    );
  }, 150_000);

  step('its runtime: the test build version, no test entry points, production durations, no sudo', async () => {
    api = await connect(`ws://127.0.0.1:${ports[0]}`);
    const out = await chainSpec([...live, '--runtime', PRODUCTION, '--out', join(dir, 'again.json')]);
    const version = Number(/spec_version (\d+)/.exec(out.stderr)[1]);
    assert.equal(api.runtimeVersion.specName.toString(), 'capacloud');
    assert.equal(api.runtimeVersion.specVersion.toNumber(), version);
    // The test build has the same version: a production runtime differs only in its features.
    const refused = await chainSpec([...live, '--out', join(dir, 'refused.json')]);
    assert.equal(Number(/spec_version (\d+)\) is a test build/.exec(refused.stderr)[1]), version);
    assert.equal(api.call.benchmark, undefined);
    assert.equal(api.call.tryRuntime, undefined);
    assert.ok(api.call.burnMintApi.supplyStats, 'the runtime API of the economy is there');
    const params = (await api.query.burnMint.activeParameters()).unwrap();
    assert.equal(params.epochLength.toNumber(), DAY);
    assert.equal(api.consts.convictionVoting.voteLockingPeriod.toNumber(), 7 * DAY);
    assert.ok((await api.query.sudo.key()).isNone, 'a Live spec has no sudo key');
  });
});
