// The operator's guide run as written (node:test, release node): every `sh` block of
// docs/operators.md that follows an `<!-- ops-test: NAME -->` marker, in the guide's order, for a
// bootnode and four validators on this machine, each in a directory of its own standing for its
// machine. Only what cannot be the same on one machine is replaced, each replacement checked to
// be in the block (a guide that changes fails here instead of drifting): `/var/lib/capacloud` by
// the node's directory, the ports, `boot-1.example.org` by 127.0.0.1, the placeholders in
// capitals by what the earlier blocks printed, `exec` before the node so that signals reach it,
// and `--chain-type Local` (the node under test is a fast-runtime build, which chain-spec refuses
// for a Live network). Then what the guide says is checked: secrets readable by their owner only,
// a lone validator says it waits for the network, the five nodes finalize with four peers each,
// one validator down does not stop finality and catches up when back, and a validator whose keys
// are swapped says so. Skipped when CAPA_NODE_BIN is not set (scripts/ops-test sets it).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe } from 'node:test';

import { jsonRpc, metric, waitForRpc } from '../network.mjs';
import { BLOCK_MS, Child, freePorts, NODE_BIN, scenario, waitFor } from './harness.mjs';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GUIDE = join(ROOT, 'docs', 'operators.md');
/// The guide's tested blocks, in the order the guide gives them.
const BLOCKS = ['node-key', 'session-keys', 'chain-spec', 'start-bootnode', 'start-validator', 'check'];
const VALIDATORS = ['validator-1', 'validator-2', 'validator-3', 'validator-4'];

/// The guide's tested blocks by name, in order.
export function guideBlocks(markdown) {
  const found = [...markdown.matchAll(/<!-- ops-test: (\S+) -->\n```sh\n([\s\S]*?)\n```/g)];
  return new Map(found.map(([, name, text]) => [name, text]));
}

/// `text` with every `from` replaced by `to`; fails if the guide's block has no `from`.
function replace(text, from, to) {
  assert.ok(text.includes(from), `the guide's block no longer contains ${JSON.stringify(from)}:\n${text}`);
  return text.split(from).join(to);
}

/// Every file under `dir`, with its mode.
async function modes(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push({ path, mode: (await stat(path)).mode & 0o777 });
    if (entry.isDirectory()) out.push(...(await modes(path)));
  }
  return out;
}

async function residentMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024);
}

describe('the operator\'s guide, as written, for a bootnode and four validators', {
  skip: !NODE_BIN && 'CAPA_NODE_BIN is not set',
}, () => {
  let root;
  let blocks;
  let env;
  /// name -> { dir, ports: { p2p, rpc, prometheus }, peerId, authority: [aura, grandpa], child }
  const machines = new Map();
  const step = scenario(() => {
    for (const m of machines.values()) if (m.child) console.error(m.child.dump(25));
  });

  /// Runs a block in `machine`'s directory; resolves with its output.
  async function runBlock(machine, text) {
    return run('bash', ['-euo', 'pipefail', '-c', text], { cwd: machine.dir, env, maxBuffer: 64 << 20 });
  }

  /// The block `name` as it runs on `machine`: its directory and ports.
  function onMachine(name, machine) {
    let text = blocks.get(name);
    if (name !== 'check') text = replace(text, '/var/lib/capacloud', join(machine.dir, 'data'));
    if (name.startsWith('start-')) {
      text = replace(text, '\ncapacloud-node --chain', '\nexec capacloud-node --chain');
      text = name === 'start-bootnode'
        ? replace(text, '--listen-addr /ip4/0.0.0.0/tcp/30333', `--listen-addr /ip4/0.0.0.0/tcp/${machine.ports.p2p}`)
        : replace(text, '--port 30333', `--port ${machine.ports.p2p}`);
      text = replace(text, '--rpc-port 9944', `--rpc-port ${machine.ports.rpc}`);
      text = replace(text, '--prometheus-port 9615', `--prometheus-port ${machine.ports.prometheus}`);
    }
    return text;
  }

  function rpc(machine, method, params) {
    return jsonRpc(machine.ports.rpc, method, params);
  }

  async function height(machine, which) {
    const hash = which === 'finalized' ? await rpc(machine, 'chain_getFinalizedHead') : undefined;
    return parseInt((await rpc(machine, 'chain_getHeader', hash ? [hash] : [])).number, 16);
  }

  /// Starts a node with the guide's start block (adapted) and resolves once its RPC answers.
  async function start(machine, text) {
    machine.child = new Child(machine.name, 'bash', ['-euo', 'pipefail', '-c', text], 400, { env });
    await waitForRpc(machine.child, machine.ports.rpc);
  }

  function startBlock(machine) {
    let text = onMachine(machine.name === 'boot-1' ? 'start-bootnode' : 'start-validator', machine);
    if (machine.name === 'boot-1') {
      text = replace(text, '--public-addr /dns/boot-1.example.org/tcp/30333', `--public-addr /ip4/127.0.0.1/tcp/${machine.ports.p2p}`);
    } else {
      text = replace(text, '--name validator-1', `--name ${machine.name}`);
    }
    // Loopback only: no discovery of other networks on this machine, no telemetry.
    return `cd ${JSON.stringify(machine.dir)}\n${text} --no-mdns --no-telemetry`;
  }

  /// Resolves once every running node has finalized the same block of at least `minimum`.
  async function finalized(minimum, ms) {
    const running = () => [...machines.values()].filter((m) => m.child?.alive);
    return waitFor(
      `${running().map((m) => m.name).join(', ')} to finalize #${minimum}`,
      async () => {
        const nodes = running();
        const heights = await Promise.all(nodes.map((m) => height(m, 'finalized').catch(() => -1)));
        const common = Math.min(...heights);
        if (common < minimum) return false;
        const hashes = await Promise.all(nodes.map((m) => rpc(m, 'chain_getBlockHash', [common])));
        return new Set(hashes).size === 1 ? common : false;
      },
      ms,
    );
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'capacloud-guide-'));
    const bin = join(root, 'bin');
    await mkdir(bin);
    await symlink(NODE_BIN, join(bin, 'capacloud-node'));
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    blocks = guideBlocks(await readFile(GUIDE, 'utf8'));
    const ports = await freePorts(3 * (1 + VALIDATORS.length + 1));
    for (const [i, name] of ['boot-1', ...VALIDATORS, 'swapped'].entries()) {
      const [p2p, rpcPort, prometheus] = ports.slice(3 * i, 3 * i + 3);
      const dir = join(root, name);
      await mkdir(dir);
      machines.set(name, { name, dir, ports: { p2p, rpc: rpcPort, prometheus } });
    }
  });

  after(async () => {
    await Promise.all([...machines.values()].map((m) => m.child?.stop('SIGKILL')));
    if (root) await rm(root, { recursive: true, force: true });
  });

  step('the guide has the tested blocks, in order', async () => {
    assert.deepEqual([...blocks.keys()], BLOCKS);
  });

  step('each machine makes its keys: secrets readable by their owner only, never on a command line', async () => {
    for (const name of ['boot-1', ...VALIDATORS]) {
      const machine = machines.get(name);
      const { stderr } = await runBlock(machine, onMachine('node-key', machine));
      machine.peerId = stderr.trim().split('\n').pop().trim();
      assert.match(machine.peerId, /^12D3KooW\w+$/, `${name}: a peer id`);
    }
    for (const name of VALIDATORS) {
      const machine = machines.get(name);
      const { stdout } = await runBlock(machine, onMachine('session-keys', machine));
      const line = /^--authority (\S+),(\S+)$/m.exec(stdout);
      assert.ok(line, `${name} printed its --authority line: ${stdout}`);
      machine.authority = [line[1], line[2]];
      assert.notEqual(line[1], line[2]);
      const keystore = await readdir(join(machine.dir, 'data', 'keystore'));
      // Keystore files are named by key type (hex of "aura", "gran") and public key.
      assert.deepEqual(keystore.map((f) => f.slice(0, 8)).sort(), ['61757261', '6772616e']);
    }
    for (const name of ['boot-1', ...VALIDATORS]) {
      for (const { path, mode } of await modes(join(machines.get(name).dir, 'data'))) {
        assert.equal(mode & 0o077, 0, `${path} has mode ${mode.toString(8)}: readable by others`);
      }
    }
    // Secrets are read from files: every --suri of the guide names a file, never the secret.
    const guide = [...blocks.values()].join('\n');
    const suris = [...guide.matchAll(/--suri (\S+)/g)].map((m) => m[1]);
    assert.ok(suris.length >= 2 && suris.every((suri) => suri === '/var/lib/capacloud/session-secret'), suris.join(' '));
  });

  step('the chain spec is written from what they sent; bad keys are refused by name', async () => {
    const writer = { name: 'writer', dir: join(root, 'writer') };
    await mkdir(writer.dir);
    await symlink(join(ROOT, 'scripts'), join(writer.dir, 'scripts'));
    const address = async (suri) =>
      JSON.parse((await run(NODE_BIN, ['key', 'inspect', '--output-type', 'json', suri])).stdout).ss58Address;
    const boot = machines.get('boot-1');
    let text = blocks.get('chain-spec');
    text = replace(text, '--id capacloud', '--id capacloud_guide --chain-type Local');
    for (const [i, name] of VALIDATORS.entries()) {
      text = replace(text, `AURA_${i + 1},GRANDPA_${i + 1}`, machines.get(name).authority.join(','));
    }
    text = replace(text, 'TREASURY_ADDRESS', await address('//Ferdie'));
    text = replace(text, 'VERIFIER_1', await address('//Eve'));
    for (const [i, suri] of ['//Alice', '//Bob', '//Charlie'].entries()) {
      text = replace(text, `FEEDER_${i + 1}`, await address(suri));
    }
    text = replace(text, '/dns/boot-1.example.org/tcp/30333', `/ip4/127.0.0.1/tcp/${boot.ports.p2p}`);
    text = replace(text, 'BOOT_1_PEER_ID', boot.peerId);

    // The same key for Aura and GRANDPA, a mistyped address: one line each, nothing written.
    const [aura1, grandpa1] = machines.get('validator-1').authority;
    const mistyped = aura1.slice(0, 10) + (aura1[10] === 'a' ? 'b' : 'a') + aura1.slice(11);
    for (const [bad, message] of [
      [`${aura1},${aura1}`, 'are the same public key'],
      [`${mistyped},${grandpa1}`, 'has a wrong checksum'],
    ]) {
      const refused = await runBlock(writer, replace(text, `${aura1},${grandpa1}`, bad)).then(
        () => assert.fail(`chain-spec accepted --authority ${bad}`),
        (e) => e,
      );
      assert.match(refused.stderr, new RegExp(message));
      assert.ok(refused.stderr.trim().split('\n').length <= 3, refused.stderr);
    }

    await runBlock(writer, text);
    const plain = JSON.parse(await readFile(join(writer.dir, 'capacloud-plain.json'), 'utf8'));
    const genesis = plain.genesis.runtimeGenesis.patch;
    // The validators are the session's: each is its Aura key's account, with its two keys.
    const validators = VALIDATORS.map((n) => machines.get(n).authority);
    assert.deepEqual(genesis.validatorSet.validators, validators.map(([aura]) => aura));
    assert.deepEqual(
      genesis.session.keys,
      validators.map(([aura, grandpa]) => [aura, aura, { aura, grandpa }]),
    );
    assert.deepEqual(genesis.aura.authorities, []);
    assert.deepEqual(genesis.grandpa.authorities, []);
    assert.equal(genesis.sudo.key, null);
    assert.deepEqual(plain.bootNodes, [`/ip4/127.0.0.1/tcp/${boot.ports.p2p}/p2p/${boot.peerId}`]);
    // Published: every operator gets the spec and its hash.
    for (const name of ['boot-1', ...VALIDATORS, 'swapped']) {
      for (const file of ['capacloud-raw.json', 'capacloud-raw.json.sha256']) {
        await copyFile(join(writer.dir, file), join(machines.get(name).dir, file));
      }
    }
  });

  step('a validator alone says it waits for the network', async () => {
    const first = machines.get('validator-1');
    await start(first, startBlock(first));
    await first.child.waitForLine(/no peers: this validator authors no blocks until it connects/, 60_000);
    assert.equal(await height(first, 'best'), 0, 'it authored nothing alone');
  }, 120_000);

  step('the bootnode and the other validators start: all five finalize, each with four peers', async () => {
    const started = Date.now();
    for (const name of ['boot-1', 'validator-2', 'validator-3', 'validator-4']) {
      await start(machines.get(name), startBlock(machines.get(name)));
    }
    const first = await finalized(3, 240_000);
    console.log(`five nodes: #${first} finalized on all ${((Date.now() - started) / 1000).toFixed(1)} s after the start`);
    for (const machine of machines.values()) {
      if (!machine.child) continue;
      let text = onMachine('check', machine);
      text = replace(text, '127.0.0.1:9615', `127.0.0.1:${machine.ports.prometheus}`);
      // The metrics follow the node with a few seconds' delay: what the guide says is seen once
      // they have caught up, the best and finalized heights at #first or more, four peers.
      await waitFor(`${machine.name}'s metrics: #${first} finalized, four peers`, async () => {
        const { stdout } = await runBlock(machine, text);
        return (
          metric(stdout, 'substrate_block_height', { status: 'finalized' }) >= first &&
          metric(stdout, 'substrate_block_height', { status: 'best' }) >= first &&
          metric(stdout, 'substrate_sub_libp2p_peers_count') === 4
        );
      }, 60_000);
      const genesis = await rpc(machine, 'chain_getBlockHash', [0]);
      assert.equal(genesis, await rpc(machines.get('boot-1'), 'chain_getBlockHash', [0]));
      console.log(`${machine.name}: resident memory ${await residentMiB(machine.child.process.pid)} MiB`);
    }
    assert.equal((await rpc(machines.get('boot-1'), 'system_chain')), 'CapaCloud');
  }, 360_000);

  step('one validator of four down: finality goes on; back, it catches up and votes', async () => {
    const fourth = machines.get('validator-4');
    const boot = machines.get('boot-1');
    assert.deepEqual(await fourth.child.stop('SIGINT', 20_000), { code: 0, signal: null });
    const stopped = await height(boot, 'finalized');
    const went = await finalized(stopped + 3, 30 * BLOCK_MS);
    console.log(`validator-4 down: finalized #${stopped} -> #${went} without it`);
    const target = await height(boot, 'best');
    await start(fourth, startBlock(fourth));
    await waitFor('validator-4 to catch up', async () => (await height(fourth, 'best')) >= target, 120_000);
    const resumed = await finalized(target + 2, 30 * BLOCK_MS);
    console.log(`validator-4 back: caught up to #${target}, all five finalized #${resumed}`);
  }, 360_000);

  step('a validator whose keys are swapped in its keystore says so at start', async () => {
    const swapped = machines.get('swapped');
    await runBlock(swapped, onMachine('node-key', swapped));
    const secret = join(machines.get('validator-1').dir, 'data', 'session-secret');
    for (const [scheme, type] of [['Ed25519', 'aura'], ['Sr25519', 'gran']]) {
      await run(NODE_BIN, [
        ...['key', 'insert', '--keystore-path', join(swapped.dir, 'data', 'keystore')],
        ...['--scheme', scheme, '--key-type', type, '--suri', secret],
      ]);
    }
    // Alone (no bootnode, no peers): it must not take part in the network with these keys.
    swapped.child = new Child('swapped', 'bash', ['-euo', 'pipefail', '-c', `${startBlock(swapped)} --reserved-only`], 400, { env });
    const line = await swapped.child.waitForLine(/session keys are swapped/, 60_000);
    console.log(`swapped keys: ${line}`);
    await swapped.child.stop('SIGINT', 20_000);
  }, 120_000);
});
