// Runtime upgrades as an operator runs them (docs/operators.md, section 8):
//
// 1. `checkUpgrade`: the new runtime blob checked against the live chain's state, as
//    `try-runtime on-runtime-upgrade live` does: every key of the state at a block read over RPC,
//    written as the raw genesis of a throwaway chain whose `:code` is the new blob, a node of the
//    operator's own binary started on it (no network, no authoring), and the new runtime's
//    `TryRuntime_on_runtime_upgrade` called there with every check (each migration's pre- and
//    post-upgrade checks, then every pallet's `try_state`). The new blob must have been built
//    with `try-runtime` (the test runtime is; `runtime/next` is).
// 2. `proposeUpgrade`: `system.authorizeUpgrade(blake2_256(blob))` as a root-track referendum;
//    the preimage is the small call with the hash, not the blob.
// 3. `applyUpgrade`: once enacted, anyone submits `system.applyAuthorizedUpgrade(blob)`; the
//    chain checks the hash and that the blob's `spec_version` is higher, writes `:code`
//    (`system.CodeUpdated`), and the next block runs the new runtime's migrations.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { WsProvider } from '@polkadot/api';
import { blake2AsHex } from '@polkadot/util-crypto';
import { compactFromU8a, hexToU8a, u8aToHex } from '@polkadot/util';

import { submit } from './chain.mjs';
import { propose } from './governance.mjs';
import { jsonRpc, startNode } from './network.mjs';
import { freePorts, sleep } from './processes.mjs';

/// The storage key of the runtime code (`:code`).
export const CODE_KEY = '0x3a636f6465';
/// Keys read per `state_getKeysPaged` / `state_queryStorageAt` call.
const PAGE = 512;
/// The prefix of the top-trie keys that root child tries (`:child_storage:`).
const CHILD_STORAGE_PREFIX = '0x3a6368696c645f73746f726167653a';
/// The SCALE encoding of `UpgradeCheckSelect::All`: pre/post checks and every `try_state`.
const ALL_CHECKS = '0x01';

/// Every key and value of the top storage trie at block `at` (a hash; default the best block)
/// of the node at `url`, as `{ at, top: { key: value } }` in hex. A chain with child tries is
/// refused (none of this runtime's pallets keeps one).
export async function liveState(url, at) {
  const provider = new WsProvider(url.replace(/^http(s?):\/\//, 'ws$1://'), false);
  await provider.connect();
  await provider.isReady;
  try {
    const block = at ?? (await provider.send('chain_getBlockHash', []));
    const top = {};
    for (let start = null; ; ) {
      const keys = await provider.send('state_getKeysPaged', ['0x', PAGE, start, block]);
      if (keys.length === 0) break;
      const [changes] = await provider.send('state_queryStorageAt', [keys, block]);
      for (const [key, value] of changes.changes) if (value !== null) top[key] = value;
      if (keys.length < PAGE) break;
      start = keys[keys.length - 1];
    }
    if (Object.keys(top).some((key) => key.startsWith(CHILD_STORAGE_PREFIX))) {
      throw new Error('the state has child tries, which this check does not copy');
    }
    return { at: block, top };
  } finally {
    await provider.disconnect();
  }
}

/// A raw chain specification whose genesis is `top` (a state as `liveState` returns it) with
/// `code` (bytes) as its runtime.
export function forkSpec(top, code, properties = {}) {
  return {
    name: 'CapaCloud upgrade check',
    id: 'capacloud_upgrade_check',
    chainType: 'Development',
    bootNodes: [],
    telemetryEndpoints: null,
    protocolId: 'capa-upgrade-check',
    properties,
    codeSubstitutes: {},
    genesis: { raw: { top: { ...top, [CODE_KEY]: u8aToHex(code) }, childrenDefault: {} } },
  };
}

/// Checks the runtime blob `code` (bytes) against the state at block `at` (default the best
/// block) of the node at `url`: starts `bin` on that state with `code` as its runtime and runs
/// the new runtime's migrations with every try-runtime check. Resolves with
/// `{ ok: true, at, keys, weight, maxBlock, specVersion }` (the migrations' weight and the block
/// weight limit, `{ refTime, proofSize }`), or `{ ok: false, at, keys, error }` with the
/// runtime's message when a check fails: then the upgrade must not be proposed. `edit(top)` may
/// change the copied state first (a test shows a state the migration cannot take refused).
export async function checkUpgrade({ url, bin, code, at, edit }) {
  const state = await liveState(url, at);
  if (edit) edit(state.top);
  const dir = await mkdtemp(join(tmpdir(), 'capacloud-upgrade-check-'));
  let node;
  try {
    const spec = join(dir, 'spec.json');
    await writeFile(spec, JSON.stringify(forkSpec(state.top, code)));
    const [rpc, p2p] = await freePorts(2);
    node = await startNode({
      bin,
      name: 'upgrade-check',
      rpc,
      p2p,
      basePath: join(dir, 'base'),
      args: ['--chain', spec, '--reserved-only', '--rpc-max-response-size', '64'],
    });
    const version = await jsonRpc(rpc, 'state_getRuntimeVersion', []);
    const base = { at: state.at, keys: Object.keys(state.top).length, specVersion: version.specVersion };
    const logged = node.lines.length;
    let result;
    try {
      result = await jsonRpc(rpc, 'state_call', ['TryRuntime_on_runtime_upgrade', ALL_CHECKS]);
    } catch (e) {
      // The call fails with a wasm trap; the runtime logged why when it panicked.
      await sleep(200);
      return { ok: false, ...base, error: runtimeMessage(node.lines.slice(logged).join('\n')) ?? e.message.split('\n')[0] };
    }
    const [weight, maxBlock] = decodeWeights(result);
    return { ok: true, ...base, weight, maxBlock };
  } finally {
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/// The runtime's own words in what the node logged when the checks panicked: the error a check
/// returned (`Other("…")`), or the panic's message; `undefined` if it logged none.
function runtimeMessage(log) {
  const quoted = /Other\("(.+?)"\)/.exec(log);
  if (quoted) return quoted[1];
  const panic = /panicked at [^\n]*\n?([^\n]*)/.exec(log);
  return panic ? panic[1].trim() : undefined;
}

/// `(Weight, Weight)` in SCALE (two compact u64 each) as two `{ refTime, proofSize }`.
export function decodeWeights(hex) {
  const bytes = hexToU8a(hex);
  let offset = 0;
  const compact = () => {
    const [length, value] = compactFromU8a(bytes.subarray(offset));
    offset += length;
    return BigInt(value.toString());
  };
  const weight = () => ({ refTime: compact(), proofSize: compact() });
  return [weight(), weight()];
}

/// The hash governance authorizes for the blob `code`: blake2-256, as `system.authorizeUpgrade`
/// takes it.
export const codeHash = (code) => blake2AsHex(code, 256);

/// Proposes `system.authorizeUpgrade(codeHash(code))` on the root track, signed by `proposer`
/// (preimage, referendum, decision deposit); resolves with `{ index, hash }`.
export async function proposeUpgrade(api, code, proposer) {
  const hash = codeHash(code);
  const index = await propose(api, { system: 'Root' }, api.tx.system.authorizeUpgrade(hash), proposer);
  return { index, hash };
}

/// The upgrade governance has authorized and not yet applied: `{ hash, checkVersion }`, or
/// `undefined`.
export async function authorizedUpgrade(api) {
  const stored = await api.query.system.authorizedUpgrade();
  if (stored.isNone) return undefined;
  const { codeHash: hash, checkVersion } = stored.unwrap();
  return { hash: hash.toHex(), checkVersion: checkVersion.isTrue };
}

/// Submits `system.applyAuthorizedUpgrade(code)` signed by `signer`; resolves with the block
/// that wrote the new code (its `system.CodeUpdated` event). The new runtime runs from the next
/// block on.
export async function applyUpgrade(api, code, signer) {
  const authorized = await authorizedUpgrade(api);
  const hash = codeHash(code);
  if (!authorized) throw new Error('no upgrade is authorized: the referendum has not been enacted');
  if (authorized.hash !== hash) throw new Error(`the authorized upgrade is ${authorized.hash}, this blob is ${hash}`);
  const { events, blockHash } = await submit(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), signer, 120_000);
  // The block's events were written by the old runtime, and polkadot.js may decode them with
  // the new runtime's metadata (the code in the block's state) and give none: then the code in
  // the block's state is the proof (its storage hash is the blob's blake2-256).
  const updated =
    events.some(({ event }) => api.events.system.CodeUpdated.is(event)) ||
    (await api.rpc.state.getStorageHash(CODE_KEY, blockHash)).toHex() === hash;
  if (!updated) {
    throw new Error('the upgrade was applied without system.CodeUpdated');
  }
  const header = await api.rpc.chain.getHeader(blockHash);
  return { block: header.number.toNumber(), blockHash: blockHash.toHex(), hash };
}
