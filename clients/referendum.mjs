// Referendum demo: token holders change the mint rate of a running CapaCloud dev chain through
// OpenGov, with polkadot.js and nothing else.
//
//   node referendum.mjs [ws://127.0.0.1:9944]
//   node referendum.mjs --start-node     a fresh `$CAPA_NODE_BIN --dev --tmp` on free ports,
//                                        stopped at the end (what scripts/test runs)
//
// The node must be a `--dev` node built with the `fast-runtime` feature (scripts/run-dev does
// that), so that epochs last 10 blocks and the `emission_admin` track needs only a few blocks
// to prepare, confirm and enact. The demo:
//   1. prints the emission per block and the active parameters,
//   2. proposes to raise the emission floor to ten times today's emission (with a 20% step) on
//      `emission_admin`, and prints the runtime's preview of the path it would give,
//   3. notes the preimage, submits, places the decision deposit, and votes with six dev accounts,
//   4. waits for approval, enactment and the next epoch boundary,
//   5. prints the floor in force and the emission before and after, and fails unless the floor
//      in force moved by exactly one step of itself toward the new floor: the step in force
//      until the boundary (5% in the presets), since a referendum cannot speed up its own first
//      step; the proposal's 20% applies from the epoch after. The floor in force climbs on its
//      own, whatever is burned, and lifts the emission once it reaches it (see
//      `primitives/economics/src/controller.rs`).
// Exit code 0 means the referendum changed the economics as the controller allows.

import { existsSync } from 'node:fs';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { UNIT as CAPA, formatCapa, withSeparators } from './amounts.mjs';
import { connect } from './chain.mjs';
import { propose, voteAye, waitForEvent as waitFor } from './governance.mjs';
import { DEV_ACCOUNTS, devUri } from './keys.mjs';
import { startNode } from './network.mjs';
import { freePorts } from './processes.mjs';

const START_NODE = process.argv[2] === '--start-node';
let url = START_NODE ? null : (process.argv[2] ?? process.env.CAPA_WS ?? 'ws://127.0.0.1:9944');
const TIMEOUT_BLOCKS = 120;
const fmt = (planck) => `${withSeparators(formatCapa(BigInt(planck.toString())))} CAPA`;
const log = (...args) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

const waitForEvent = (api, description, pick) => waitFor(api, description, pick, TIMEOUT_BLOCKS);

/// Starts a development node of $CAPA_NODE_BIN on free loopback ports for the demo.
async function startDemoNode() {
  const bin = process.env.CAPA_NODE_BIN;
  if (!bin || !existsSync(bin)) throw new Error(`--start-node needs CAPA_NODE_BIN (scripts/referendum-demo sets it): ${bin}`);
  const [rpc, p2p] = await freePorts(2);
  log(`starting ${bin} --dev --tmp (RPC port ${rpc})`);
  const node = await startNode({ bin, name: 'demo node', rpc, p2p });
  url = `ws://127.0.0.1:${rpc}`;
  return node;
}

async function main() {
  const node = START_NODE ? await startDemoNode() : null;
  try {
    await demo();
  } catch (e) {
    if (node) console.error(node.dump(30));
    throw e;
  } finally {
    await node?.stop('SIGINT', 20_000);
  }
}

/// Notes `call`'s preimage, submits it on the `emission_admin` track with its decision deposit
/// (Alice), and votes aye with every dev account; returns the referendum's index.
async function submitAndVote(api, call, alice, voters) {
  const index = await propose(api, { Origins: 'EmissionAdmin' }, call, alice);
  log(`referendum #${index} submitted on emission_admin, decision deposit placed`);
  await voteAye(api, index, [alice, ...voters], 900_000n * CAPA);
  log(`${voters.length + 1} dev accounts voted aye with 900,000 CAPA each (conviction 1x)`);
  return index;
}

async function demo() {
  await cryptoWaitReady();
  // Fails within seconds, naming the URL, when no node answers there.
  const api = await connect(url);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  const [alice, ...voters] = DEV_ACCOUNTS.map((name) => keyring.addFromUri(devUri(name)));
  const chain = await api.rpc.system.chain();
  log(`connected to ${chain} at ${url}, block #${(await api.rpc.chain.getHeader()).number}`);

  // 1. Where we are.
  const before = (await api.query.burnMint.emission()).controller.emissionPerBlock.toBigInt();
  const active = (await api.query.burnMint.activeParameters()).unwrap();
  const stats = await api.call.burnMintApi.supplyStats();
  log(`emission per block now: ${fmt(before)}`);
  log(`total issuance: ${fmt(stats.totalIssuance)}, epoch ${stats.epochIndex}`);

  // 2. The proposal: a floor ten times today's emission; emission may move 20% per epoch.
  const proposed = {
    ...active.toJSON(),
    minEmissionPerBlock: (before * 10n).toString(),
    maxStepPerEpoch: 200_000_000, // Perbill: 20%
  };
  const call = api.tx.burnMint.setParameters(proposed);
  const preview = await api.call.burnMintApi.previewEmission(call.method.args[0], 30);
  if (preview.isErr) throw new Error(`the runtime rejects the proposal: ${preview.asErr}`);
  // Where the emission goes: it rises once the floor in force, climbing a step an epoch,
  // reaches it.
  const path = preview.asOk.map((p) => p.emissionPerBlock.toBigInt());
  const lifted = path.findIndex((e) => e > before);
  log(
    `preview under the proposal: ${fmt(path[0])} for the next epoch, ${fmt(path[path.length - 1])} after ${path.length};`,
    lifted < 0 ? 'the floor does not reach the emission in that time' : `the floor lifts the emission from epoch ${lifted + 1}`,
  );

  // 3. Preimage, referendum on the emission_admin track, decision deposit, votes.
  const index = await submitAndVote(api, call, alice, voters);

  // 4. Approval, enactment, next epoch boundary.
  const confirmed = await waitForEvent(
    api,
    'the referendum to be confirmed',
    (e) => api.events.referenda.Confirmed.is(e) && e.data.index.toNumber() === index,
  );
  log(`referendum #${index} approved at block #${confirmed.block}`);
  const scheduled = await waitForEvent(api, 'the parameter change to be enacted', (e) =>
    api.events.burnMint.ParametersScheduled.is(e),
  );
  log(`enacted at block #${scheduled.block}: parameters apply at the next epoch boundary`);
  const applied = await waitForEvent(api, 'the next epoch boundary', (e) =>
    api.events.burnMint.ParametersApplied.is(e),
  );
  const controllerAt = async (block) =>
    (await (await api.at(await api.rpc.chain.getBlockHash(block))).query.burnMint.emission())
      .controller;
  const atEnactment = await controllerAt(applied.block - 1);
  const after = await controllerAt(applied.block);

  // 5. Before and after.
  log(`new parameters in force from block #${applied.block}`);
  log(`emission per block before the referendum: ${fmt(before)}`);
  log(
    `at the boundary before: floor in force ${fmt(atEnactment.floor)}, emission ${fmt(atEnactment.emissionPerBlock)}`,
  );
  const outgoing = BigInt(active.maxStepPerEpoch.toNumber()); // Perbill parts
  log(
    `after the boundary:     floor in force ${fmt(after.floor)} (one step toward the new floor, at the outgoing ${Number(outgoing) / 1e7}%), emission ${fmt(after.emissionPerBlock)}`,
  );
  await api.disconnect();
  // One step of the floor in force at the outgoing rate (Perbill rounding may differ from
  // integer division by one planck).
  const floor = atEnactment.floor.toBigInt();
  const expected = floor + (floor * outgoing) / 1_000_000_000n;
  const moved = after.floor.toBigInt();
  if (moved < expected - 1n || moved > expected + 1n) {
    throw new Error(`expected a floor in force of ${fmt(expected)}, found ${fmt(moved)}`);
  }
  log('referendum demo passed');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`referendum demo failed: ${e.message}`);
    process.exit(1);
  },
);
