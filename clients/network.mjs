// Nodes on loopback. `startNode` and `waitForRpc`: one node started and waited for, the way
// every client and test here starts one (the test harness, the load test, the referendum demo,
// the guide test). `Network`: a CapaCloud network run the way an operator runs one, each node
// with its own base path and ports, validator keys inserted with `capacloud-node key insert`,
// node keys generated with `key generate-node-key`, every node the others' bootnode (so that
// any of them can restart and find the rest); used by scripts/local-testnet. `jsonRpc` and
// `metric` read a node over HTTP.

import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Child, freePorts, sleep, waitFor } from './processes.mjs';

const run = promisify(execFile);

/// Calls `method` on the node whose RPC server listens on `port` (JSON-RPC over HTTP).
export async function jsonRpc(port, method, params = []) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/// Resolves once the node process `child` answers `system_health` on RPC port `port`; rejects
/// with its last lines if it exits first, or after `ms`. Every client that starts a node waits
/// for it this way. A node alone answers within seconds (about 6 s on the 2-core build machine,
/// most of it compiling the runtime for the genesis state); the default allows for the test
/// command starting a dozen at once beside other work, which on a fresh machine took more than
/// 60 s (every phase that started its nodes in the first minute timed out at a 60 s limit).
export function waitForRpc(child, port, ms = 180_000) {
  return waitFor(
    `${child.name}'s RPC server`,
    async () => {
      if (!child.alive) throw new Error(`${child.name} exited:\n${child.dump(30)}`);
      return jsonRpc(port, 'system_health').then(
        () => true,
        () => false,
      );
    },
    ms,
  );
}

/// Starts the node binary `bin` on loopback ports (`rpc`, `p2p`; Prometheus on `prometheus`, or
/// none) with `args` (default `--dev`), in a temporary directory or in `basePath` (then the
/// chain survives a restart), without telemetry or mDNS, and resolves with the process
/// (a `Child` keeping its last `keep` lines) once its RPC answers.
export async function startNode({ bin, name = 'node', rpc, p2p, prometheus, basePath, args = ['--dev'], keep = 300 }) {
  const node = new Child(
    name,
    bin,
    [
      ...args,
      ...(basePath ? ['--base-path', basePath] : ['--tmp']),
      ...['--rpc-port', String(rpc), '--port', String(p2p)],
      ...(prometheus ? ['--prometheus-port', String(prometheus)] : ['--no-prometheus']),
      ...['--no-telemetry', '--no-mdns'],
    ],
    keep,
  );
  try {
    await waitForRpc(node, rpc);
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}

/// The value of the first Prometheus sample `name` whose labels include `labels` (an object) in
/// `text` (the exposition format), or `undefined` when the node does not serve it.
export function metric(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const found = Object.fromEntries(
      [...(sample[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(sample[3]);
    }
  }
  return undefined;
}

/// One node of a network: its name, keys, ports and process.
class NetworkNode {
  constructor(network, { name, validator, joining = false }, [p2p, rpc, prometheus]) {
    this.network = network;
    this.name = name;
    /// The secret URI of its Aura (sr25519) and GRANDPA (ed25519) keys, if it validates from
    /// genesis.
    this.validator = validator;
    /// A validator that joins later: it runs with `--validator` and no keys; its operator
    /// generates them on the node (`author_rotateKeysWithOwner`) and registers them.
    this.joining = joining;
    this.basePath = join(network.root, name);
    this.ports = { p2p, rpc, prometheus };
    this.peerId = undefined;
    this.child = undefined;
  }

  /// Where other nodes reach it.
  get multiaddr() {
    return `/ip4/127.0.0.1/tcp/${this.ports.p2p}/p2p/${this.peerId}`;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.ports.rpc}`;
  }

  get alive() {
    return Boolean(this.child?.alive);
  }

  /// `capacloud-node <args>` of this network's binary and chain, for one-off commands.
  async command(args) {
    const { stdout, stderr } = await run(this.network.bin, args, { maxBuffer: 64 << 20 });
    return { stdout, stderr };
  }

  /// What an operator does once: a node key, and the session keys of a validator.
  async prepare() {
    await mkdir(this.basePath, { recursive: true });
    const where = ['--base-path', this.basePath, '--chain', this.network.chain];
    const { stderr } = await this.command(['key', 'generate-node-key', ...where]);
    this.peerId = stderr.trim().split('\n').pop().trim();
    if (this.validator) {
      for (const [scheme, type] of [
        ['Sr25519', 'aura'],
        ['Ed25519', 'gran'],
      ]) {
        await this.command([
          ...['key', 'insert', ...where],
          ...['--scheme', scheme, '--suri', this.validator, '--key-type', type],
        ]);
      }
    }
  }

  /// The node's command line.
  args() {
    const bootnodes = this.network.nodes
      .filter((n) => n !== this && n.peerId)
      .map((n) => n.multiaddr);
    return [
      ...['--chain', this.network.chain, '--base-path', this.basePath, '--name', this.name],
      ...['--port', String(this.ports.p2p), '--rpc-port', String(this.ports.rpc)],
      ...['--prometheus-port', String(this.ports.prometheus)],
      ...(this.validator || this.joining ? ['--validator'] : []),
      ...(bootnodes.length ? ['--bootnodes', ...bootnodes] : []),
      // Loopback only: no discovery of other networks on this machine, no telemetry.
      ...['--no-mdns', '--no-telemetry'],
      ...this.network.extraArgs,
    ];
  }

  /// Starts the node and resolves once its RPC server answers.
  async start() {
    this.child = new Child(this.name, this.network.bin, this.args(), 400);
    const started = Date.now();
    await waitForRpc(this.child, this.ports.rpc);
    return Date.now() - started;
  }

  /// Stops the node with `signal` (SIGKILL after 20 s); resolves with its exit.
  stop(signal = 'SIGINT') {
    return this.child ? this.child.stop(signal, 20_000) : Promise.resolve(undefined);
  }

  rpc(method, params) {
    return jsonRpc(this.ports.rpc, method, params);
  }

  /// The number of its best or finalized block.
  async height(which = 'best') {
    const hash = which === 'finalized' ? await this.rpc('chain_getFinalizedHead') : undefined;
    const header = await this.rpc('chain_getHeader', hash ? [hash] : []);
    return parseInt(header.number, 16);
  }

  async metrics() {
    return (await fetch(`http://127.0.0.1:${this.ports.prometheus}/metrics`)).text();
  }
}

/// A network of `nodes` ({ name, validator?: secret URI, joining?: bool }) under `root`, on free
/// loopback ports.
export class Network {
  constructor({ bin, root, chain = 'local', nodes, extraArgs = [] }) {
    this.bin = bin;
    this.root = root;
    this.chain = chain;
    this.specs = nodes;
    this.extraArgs = extraArgs;
    this.nodes = [];
  }

  /// The two validators of the `local` chain (Alice and Bob) and one RPC node.
  static local(options) {
    return new Network({
      ...options,
      nodes: [
        { name: 'alice', validator: '//Alice' },
        { name: 'bob', validator: '//Bob' },
        { name: 'rpc' },
      ],
    });
  }

  node(name) {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  /// Allocates ports, generates node keys, inserts validator keys.
  async prepare() {
    const ports = await freePorts(3 * this.specs.length);
    this.nodes = this.specs.map((spec, i) => new NetworkNode(this, spec, ports.slice(3 * i, 3 * i + 3)));
    for (const node of this.nodes) await node.prepare();
  }

  async start() {
    for (const node of this.nodes) await node.start();
  }

  async stop(signal = 'SIGINT') {
    await Promise.all(this.nodes.map((n) => n.stop(signal)));
  }

  /// Stops every node and deletes the base paths.
  async destroy() {
    await this.stop('SIGKILL');
    await rm(this.root, { recursive: true, force: true });
  }

  /// Resolves once every running node reports a finalized block of at least `minimum`, the
  /// same block on all of them (the same hash at the lowest of their finalized heights), with
  /// that height; fails after `ms` (finality stalled).
  async waitForFinality(minimum, ms) {
    const running = () => this.nodes.filter((n) => n.alive);
    return waitFor(
      `${running().map((n) => n.name).join(', ')} to finalize block #${minimum}`,
      async () => {
        const nodes = running();
        const heights = await Promise.all(nodes.map((n) => n.height('finalized').catch(() => -1)));
        const common = Math.min(...heights);
        if (common < minimum) return false;
        const hashes = await Promise.all(nodes.map((n) => n.rpc('chain_getBlockHash', [common])));
        return new Set(hashes).size === 1 ? common : false;
      },
      ms,
    );
  }

  /// Where to connect, one line per node.
  describe() {
    return this.nodes
      .map(
        (n) =>
          `${n.name.padEnd(6)} ${n.validator || n.joining ? 'validator' : 'rpc node '}  ${n.wsUrl}  ` +
          `metrics http://127.0.0.1:${n.ports.prometheus}/metrics  base path ${n.basePath}`,
      )
      .join('\n');
  }
}

export { sleep };
