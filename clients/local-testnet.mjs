#!/usr/bin/env node
// local-testnet: two validators (Alice, Bob) and one RPC node of the `local` chain on loopback,
// keys inserted the way an operator inserts them; prints where to connect once all three agree
// on a finalized block, and stops them all on exit.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { Network, metric } from './network.mjs';

const USAGE = `Usage: local-testnet [options]

Starts two validators (Alice and Bob, keys inserted with \`key insert\`) and one non-validating
RPC node of the \`local\` chain on free loopback ports, each with its own base path; waits until
all three report the same finalized block, at least --blocks, and serve Prometheus metrics;
prints where to connect. Runs until interrupted (Ctrl-C stops every node), or with --short
exits once that is reached: 0, or 1 if finality stalls for --timeout seconds.

Options:
  --bin PATH         capacloud-node binary (default: $CAPA_NODE_BIN)
  --chain SPEC       chain spec: \`local\` or a JSON path whose authorities are //Alice and //Bob
                     (default: local)
  --base-path DIR    where the nodes keep their data (default: a new temporary directory,
                     deleted on exit; a given directory is kept)
  --blocks N         finalized height to wait for (default: 3)
  --timeout SECONDS  how long finality may take (default: 180)
  --short            exit once the network finalized --blocks (what the test command runs)
  -h, --help         this text`;

const { values: options } = parseArgs({
  options: {
    bin: { type: 'string', default: process.env.CAPA_NODE_BIN },
    chain: { type: 'string', default: 'local' },
    'base-path': { type: 'string' },
    blocks: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '180' },
    short: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!options.bin) {
  console.error('capacloud-node not given: pass --bin or set CAPA_NODE_BIN\n\n' + USAGE);
  process.exit(2);
}
const blocks = Number(options.blocks);
const timeoutMs = Number(options.timeout) * 1000;
const root = options['base-path']
  ? resolve(options['base-path'])
  : await mkdtemp(join(tmpdir(), 'capacloud-testnet-'));
const network = Network.local({ bin: resolve(options.bin), root, chain: options.chain });

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('stopping the nodes');
  if (options['base-path']) await network.stop('SIGINT');
  else await network.destroy();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  const started = Date.now();
  await network.prepare();
  await network.start();
  console.log(`three nodes up in ${((Date.now() - started) / 1000).toFixed(1)} s:\n${network.describe()}`);
  const first = await network.waitForFinality(1, timeoutMs);
  console.log(`first finalized block #${first} on all three, ${((Date.now() - started) / 1000).toFixed(1)} s after start`);
  const finalized = await network.waitForFinality(blocks, timeoutMs);
  for (const node of network.nodes) {
    const text = await node.metrics();
    const height = metric(text, 'substrate_block_height', { status: 'finalized' });
    const peers = metric(text, 'substrate_sub_libp2p_peers_count');
    if (height === undefined || peers === undefined) {
      throw new Error(`${node.name} does not serve substrate_block_height and substrate_sub_libp2p_peers_count`);
    }
    console.log(`${node.name}: finalized #${height} and ${peers} peers in its Prometheus metrics`);
  }
  console.log(`all three finalized block #${finalized} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`connect: https://polkadot.js.org/apps/?rpc=${encodeURIComponent(network.node('rpc').wsUrl)}`);
  if (options.short) await shutdown(0);
  else console.log('running; Ctrl-C stops every node');
} catch (e) {
  console.error(`local-testnet: ${e.message}`);
  for (const node of network.nodes) if (node.child) console.error(node.child.dump(20));
  await shutdown(1);
}
