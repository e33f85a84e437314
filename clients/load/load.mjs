#!/usr/bin/env node
// capacloud-load: a load test of a running node with compute payments and, in a second phase on
// the same node, plain transfers, each submitted faster than the chain includes them, for a
// bounded time; then what the chain did with them, per phase and as a ratio.
//
// Why polkadot.js with pre-signed extrinsics: signing is done before a phase starts (a few
// thousand sr25519 signatures take seconds), so a phase only sends bytes
// (`author_submitExtrinsic`) and the rate is bound by the node, not by the client. Each
// submission is accounted for: included (found in a block by its hash), rejected by the node
// (with its reason), or still in the pool when the phase's wait ends.

import { parseArgs } from 'node:util';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { UNIT } from '../amounts.mjs';
import { submit, UsageError } from '../chain.mjs';
import { startNode } from '../network.mjs';
import { freePorts, waitFor } from '../processes.mjs';

const CAPA = UNIT;
const USAGE = `usage: scripts/load [--url URL | --start-node] [--accounts N] [--per-account K] [--short]

Funds N accounts (//load//0 ...) from Alice (a development chain), registers Bob as a provider,
then submits K burnMint.payForCompute(Bob) per account as fast as the node takes them (timed to
run across an epoch boundary, but with --short), and then
K balances.transferKeepAlive per account, each phase for as long as the chain includes them (at
most --wait blocks after the last submission). Reports per phase: included per block (mean, p50,
p95), block weight and length fullness, submitted / included / rejected by reason / left in the
pool, the node's block import time, the ratio of payments to transfers per block, and how many
a block holds by the runtime's weights (declared before dispatch, charged after).

  --url URL         node RPC (default ws://127.0.0.1:9944)
  --start-node      start $CAPA_NODE_BIN --dev --tmp on free ports for the run (and stop it)
  --accounts N      accounts sending (default 2000)
  --per-account K   extrinsics each account sends per phase (default 4)
  --wait B          blocks to wait for inclusion after the last submission (default 20)
  --providers P     first register P more providers (//provider//0 ...; 1 unit, 100 CAPA bond
                    each, funded by Charlie, Dave, Eve and Ferdie), so the hooks run with them
  --short           100 accounts x 2: a few blocks, what the test command runs
  --json            the report as JSON
  -h, --help        this text`;

export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:9944' },
      'start-node': { type: 'boolean' },
      accounts: { type: 'string', default: '2000' },
      'per-account': { type: 'string', default: '4' },
      wait: { type: 'string', default: '20' },
      short: { type: 'boolean' },
      providers: { type: 'string', default: '0' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const number = (name, min) => {
    const text = values[name];
    if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`--${name} must be a whole number from ${min}: ${text}`);
    return Number(text);
  };
  return {
    url: values.url,
    startNode: Boolean(values['start-node']),
    accounts: values.short ? 100 : number('accounts', 1),
    perAccount: values.short ? 2 : number('per-account', 1),
    wait: number('wait', 1),
    providers: values.short ? 0 : number('providers', 0),
    acrossBoundary: !values.short,
    json: Boolean(values.json),
  };
}

/// Mean, median and 95th percentile of `values` (nearest rank).
export function summary(values) {
  if (!values.length) return { mean: 0, p50: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, p50: rank(0.5), p95: rank(0.95) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// The sums and counts of the node's block histograms (Prometheus), if served: the time to
/// build a block (`substrate_proposer_block_constructed`, the blocks it authored) and to verify
/// and import one (the blocks it received).
async function blockTimes(metricsUrl) {
  if (!metricsUrl) return undefined;
  const text = await (await fetch(metricsUrl)).text();
  const read = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    build: { sum: read('substrate_proposer_block_constructed_sum'), count: read('substrate_proposer_block_constructed_count') },
    import: { sum: read('substrate_block_verification_and_import_time_sum'), count: read('substrate_block_verification_and_import_time_count') },
  };
}

/// Mean milliseconds of a histogram between two readings (null: no observation).
const meanMs = (before, after) =>
  before && after && after.count > before.count ? ((after.sum - before.sum) / (after.count - before.count)) * 1000 : null;

/// Funds `accounts` with `amount` each from `sudo` (Alice), in batches.
async function fund(api, alice, accounts, amount, log) {
  const chunk = 500;
  for (let i = 0; i < accounts.length; i += chunk) {
    const calls = accounts.slice(i, i + chunk).map((a) => api.tx.balances.transferKeepAlive(a.address, amount));
    await submit(api, api.tx.utility.batchAll(calls), alice, 120_000);
  }
  log(`funded ${accounts.length} accounts with ${amount / CAPA} CAPA each`);
}

/// Registers `count` providers (1 unit, the minimum bond) funded by the other dev accounts;
/// resolves once the chain counts them all.
export async function registerProviders(api, keyring, count, log) {
  const funders = ['//Charlie', '//Dave', '//Eve', '//Ferdie'].map((uri) => keyring.addFromUri(uri));
  const providers = Array.from({ length: count }, (_, i) => keyring.addFromUri(`//provider//${i}`));
  const chunks = [];
  for (let i = 0; i < providers.length; i += 500) chunks.push(providers.slice(i, i + 500));
  // One funder per chunk in turn, the funders side by side.
  await Promise.all(
    funders.map(async (funder, f) => {
      for (let c = f; c < chunks.length; c += funders.length) {
        const calls = chunks[c].map((p) => api.tx.balances.transferKeepAlive(p.address, 101n * CAPA));
        await submit(api, api.tx.utility.batchAll(calls), funder, 180_000);
      }
    }),
  );
  const before = (await api.query.burnMint.providerCount()).toNumber();
  // In rounds the pool can hold (its ready queue takes 8,192), each included before the next.
  for (let i = 0; i < providers.length; i += 4000) {
    const round = providers.slice(i, i + 4000);
    const signed = await Promise.all(round.map((p) => api.tx.burnMint.registerProvider(1, 100n * CAPA).signAsync(p, { nonce: 0, era: 0 })));
    await Promise.allSettled(signed.map((tx) => api.rpc.author.submitExtrinsic(tx)));
    await waitFor(
      `${i + round.length} providers registered`,
      async () => (await api.query.burnMint.providerCount()).toNumber() >= before + i + round.length,
      300_000,
    );
  }
  log(`registered ${count} providers (${before + count} in all)`);
}

/// Signs `perAccount` calls `make(account)` for each account: nonces from the chain,
/// immortal (no era to expire while queued), in account order.
async function presign(api, accounts, perAccount, make) {
  const signed = [];
  for (const account of accounts) {
    const nonce = (await api.rpc.system.accountNextIndex(account.address)).toNumber();
    for (let k = 0; k < perAccount; k += 1) {
      signed.push(await make(account).signAsync(account, { nonce: nonce + k, era: 0 }));
    }
  }
  return signed;
}

/// Submits round by round (nonce k of every account, then k + 1), all of a round in flight at
/// once; counts what the pool accepted and each reason it rejected.
async function submitRounds(api, signed, perAccount) {
  const rejected = new Map();
  let accepted = 0;
  for (let k = 0; k < perAccount; k += 1) {
    const round = signed.filter((_, i) => i % perAccount === k);
    const results = await Promise.allSettled(round.map((tx) => api.rpc.author.submitExtrinsic(tx)));
    for (const result of results) {
      if (result.status === 'fulfilled') accepted += 1;
      else {
        const reason = result.reason?.message?.replace(/^\d+: /, '') ?? String(result.reason);
        rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
      }
    }
  }
  return { accepted, rejected };
}

/// Each block from `from` on until `accepted` of the extrinsics `hashes` are included, or
/// `wait` blocks in a row include none: how many of ours it included, its weight and length
/// fullness, failed extrinsics, and whether it opened an epoch.
async function watchBlocks(api, { from, hashes, accepted, wait }) {
  const blocks = [];
  let included = 0;
  let next = from;
  let idle = 0;
  const maxWeight = api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const maxLength = api.consts.system.blockLength.max.normal.toNumber();
  while (included < accepted && idle < wait) {
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    if (head < next) {
      await sleep(500);
      continue;
    }
    const hash = await api.rpc.chain.getBlockHash(next);
    const block = await api.rpc.chain.getBlock(hash);
    const indexes = new Set(block.block.extrinsics.flatMap((x, i) => (hashes.has(x.hash.toHex()) ? [i] : [])));
    const ours = indexes.size;
    const at = await api.at(hash);
    const weight = (await at.query.system.blockWeight()).normal.refTime.toBigInt();
    const length = block.block.extrinsics.reduce((sum, x) => sum + x.encodedLength, 0);
    const events = await at.query.system.events();
    const failed = events.filter(({ event }) => api.events.system.ExtrinsicFailed.is(event)).length;
    // What ours were charged after dispatch (call and transaction extensions, refunds applied).
    let charged = 0n;
    for (const { phase, event } of events) {
      if (phase.isApplyExtrinsic && indexes.has(phase.asApplyExtrinsic.toNumber()) && api.events.system.ExtrinsicSuccess.is(event)) {
        charged += event.data.dispatchInfo.weight.refTime.toBigInt();
      }
    }
    // The first block of an epoch runs the boundary's hook before the extrinsics.
    const boundary = Number((await at.query.burnMint.currentEpoch()).start.toString()) === next;
    // A session rotation: pallet-session charges the block its whole weight (`max_block`), so it
    // carries no signed extrinsic.
    const parent = await api.at(block.block.header.parentHash);
    const rotation = !(await at.query.session.currentIndex()).eq(await parent.query.session.currentIndex());
    blocks.push({ number: next, ours, weight: Number(weight) / Number(maxWeight), length: length / maxLength, failed, boundary, rotation, charged });
    included += ours;
    idle = ours === 0 ? idle + 1 : 0;
    next += 1;
  }
  return { blocks, included };
}

/// What the runtime's weights say a block holds of the phase's extrinsic, next to what the
/// blocks held: the weight declared before dispatch (`paymentInfo`, the runtime's
/// `TransactionPaymentApi.query_info`: the call's worst case and the transaction extensions')
/// and the mean weight charged after
/// dispatch (the `ExtrinsicSuccess` events of ours), each with the base extrinsic weight, in
/// µs, and how many of them fit the normal class's budget.
async function predictedWeights(api, { tx, sender }, blocks) {
  const normal = api.consts.system.blockWeights.perClass.normal;
  const budget = normal.maxTotal.unwrap().refTime.toBigInt();
  const base = normal.baseExtrinsic.refTime.toBigInt();
  // The same call from the same sender, signed with a fake signature by the API.
  const info = await tx.paymentInfo(sender);
  const declared = base + info.weight.refTime.toBigInt();
  const count = blocks.reduce((n, b) => n + b.ours, 0);
  // The event's weight already counts the base extrinsic weight.
  const charged = count > 0 ? blocks.reduce((w, b) => w + b.charged, 0n) / BigInt(count) : declared;
  const micros = (w) => Number(w) / 1e6;
  return {
    declaredMicros: micros(declared),
    declaredPerBlock: Number(budget / declared),
    chargedMicros: micros(charged),
    chargedPerBlock: Number(budget / charged),
  };
}

/// Waits until the open epoch has at most `blocks` blocks left, so that a phase submitted
/// then runs across the epoch boundary; with epochs longer than `longest` blocks (a build
/// without `fast-runtime`) it does not wait and says so.
async function nearBoundary(api, { blocks = 2, longest = 100, log }) {
  for (;;) {
    const epoch = await api.query.burnMint.currentEpoch();
    const length = epoch.length.toNumber();
    if (length > longest) {
      log(`epochs of ${length} blocks: the phase does not wait for a boundary`);
      return;
    }
    const next = epoch.start.toNumber() + length;
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    if (next - head <= blocks) {
      log(`submitting ${next - head} blocks before the epoch boundary at #${next}`);
      return;
    }
    await sleep(1000);
  }
}

/// One phase: `make(account)` is the call each account sends, `perAccount` times; `beforeSubmit`
/// runs between signing and submitting.
async function phase(api, { name, accounts, perAccount, make, wait, metricsUrl, log, beforeSubmit }) {
  const signed = await presign(api, accounts, perAccount, make);
  const hashes = new Set(signed.map((tx) => tx.hash.toHex()));
  log(`${name}: ${signed.length} extrinsics signed`);
  await beforeSubmit?.();

  const startNumber = (await api.rpc.chain.getHeader()).number.toNumber();
  const timesBefore = await blockTimes(metricsUrl);
  const started = Date.now();
  const { accepted, rejected } = await submitRounds(api, signed, perAccount);
  const submitSeconds = (Date.now() - started) / 1000;
  log(`${name}: ${signed.length} submitted in ${submitSeconds.toFixed(1)} s (${accepted} accepted into the pool)`);

  // Blocks from the first after submission started until the pool holds none of ours, or `wait`
  // blocks after the last submission.
  const { blocks, included } = await watchBlocks(api, { from: startNumber + 1, hashes, accepted, wait });
  const timesAfter = await blockTimes(metricsUrl);
  // Blocks while ours were still queued: all but the last one (which may be partly empty).
  const loaded = blocks.filter((b) => b.ours > 0);
  const full = loaded.length > 1 ? loaded.slice(0, -1) : loaded;
  return {
    weights: await predictedWeights(api, { tx: make(accounts[0]), sender: accounts[0].address }, blocks),
    name,
    signed: signed.length,
    accepted,
    rejected: Object.fromEntries(rejected),
    included,
    leftInPool: accepted - included,
    blocks: blocks.length,
    includedPerBlock: summary(full.map((b) => b.ours)),
    weightFullness: summary(full.map((b) => b.weight)),
    lengthFullness: summary(full.map((b) => b.length)),
    failedInBlocks: blocks.reduce((s, b) => s + b.failed, 0),
    // Epoch boundaries while ours were queued (from the first block that included some to the
    // last full one), whether a session rotated there too.
    boundaries: blocks
      .filter((b) => b.boundary && loaded.length > 0 && b.number >= loaded[0].number && b.number <= full[full.length - 1].number)
      .map((b) => ({ block: b.number, included: b.ours, sessionRotation: b.rotation })),
    perBlock: blocks.map((b) => ({
      block: b.number,
      included: b.ours,
      weight: b.weight,
      boundary: b.boundary,
      sessionRotation: b.rotation,
      chargedMicros: b.ours ? Number(b.charged / BigInt(b.ours)) / 1e6 : null,
    })),
    buildMs: meanMs(timesBefore?.build, timesAfter?.build),
    importMs: meanMs(timesBefore?.import, timesAfter?.import),
    submitSeconds,
  };
}

export async function run(options, log = console.log) {
  await cryptoWaitReady();
  let node;
  let url = options.url;
  let metricsUrl;
  if (options.startNode) {
    const bin = process.env.CAPA_NODE_BIN;
    if (!bin) throw new UsageError('--start-node needs CAPA_NODE_BIN (scripts/load sets it)');
    const [rpc, p2p, prometheus] = await freePorts(3);
    const args = ['--dev', '--rpc-max-connections', '1000'];
    node = await startNode({ bin, name: 'load-node', rpc, p2p, prometheus, args, keep: 200 });
    url = `ws://127.0.0.1:${rpc}`;
    metricsUrl = `http://127.0.0.1:${prometheus}/metrics`;
  }
  const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
  try {
    const keyring = new Keyring({ type: 'sr25519' });
    const alice = keyring.addFromUri('//Alice');
    const bob = keyring.addFromUri('//Bob');
    const accounts = Array.from({ length: options.accounts }, (_, i) => keyring.addFromUri(`//load//${i}`));
    await fund(api, alice, accounts, 100n * CAPA, log);
    if ((await api.query.burnMint.providers(bob.address)).isNone) {
      await submit(api, api.tx.burnMint.registerProvider(10, 200n * CAPA), bob);
      log('Bob registered as a provider');
    }
    if (options.providers > 0) await registerProviders(api, keyring, options.providers, log);
    // A fresh price in force (Alice is the development chain's feeder).
    const price = (await api.query.burnMint.lastPrice()).unwrap().price;
    await submit(api, api.tx.burnMint.submitPrice(price), alice);
    const common = { accounts, perAccount: options.perAccount, wait: options.wait, metricsUrl, log };
    // The payments run across an epoch boundary: the boundary's hook, and the first payment
    // after it settling Bob's closed-epoch work, under load.
    const beforeSubmit = options.acrossBoundary ? () => nearBoundary(api, { log }) : undefined;
    const pay = await phase(api, { ...common, name: 'burnMint.payForCompute', make: () => api.tx.burnMint.payForCompute(bob.address, CAPA, 0), beforeSubmit });
    const transfer = await phase(api, { ...common, name: 'balances.transferKeepAlive', make: () => api.tx.balances.transferKeepAlive(bob.address, CAPA) });
    // Medians: a block the submission reached half-way through counts in the mean, not here.
    const ratio = transfer.includedPerBlock.p50 > 0 ? pay.includedPerBlock.p50 / transfer.includedPerBlock.p50 : null;
    const providers = (await api.query.burnMint.providerCount()).toNumber();
    return { url, accounts: options.accounts, perAccount: options.perAccount, providers, phases: [pay, transfer], ratio };
  } finally {
    await api.disconnect();
    await node?.stop('SIGINT', 20_000);
  }
}

function print(report) {
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  console.log(`${report.providers} registered providers`);
  for (const p of report.phases) {
    console.log(`${p.name}: ${p.signed} signed, ${p.accepted} accepted by the pool, ${p.included} included, ${p.leftInPool} left in the pool`);
    for (const [reason, count] of Object.entries(p.rejected)) console.log(`  rejected ${count}: ${reason}`);
    const per = p.includedPerBlock;
    console.log(`  included per block: mean ${per.mean.toFixed(1)}, p50 ${per.p50}, p95 ${per.p95} over ${p.blocks} blocks`);
    console.log(`  block weight ${pct(p.weightFullness.mean)} (p95 ${pct(p.weightFullness.p95)}), length ${pct(p.lengthFullness.mean)}; failed in blocks ${p.failedInBlocks}`);
    const w = p.weights;
    console.log(`  weights: declared ${w.declaredMicros.toFixed(1)} µs (${w.declaredPerBlock} a block), charged ${w.chargedMicros.toFixed(1)} µs on average (${w.chargedPerBlock} a block)`);
    for (const b of p.boundaries) {
      const why = b.sessionRotation ? ' (a session rotated there too: pallet-session charges that block its whole weight)' : '';
      console.log(`  epoch boundary under load at #${b.block}: ${b.included} included${why}`);
    }
    if (p.buildMs !== null) console.log(`  block building ${p.buildMs.toFixed(1)} ms on average (the node's own blocks)`);
    if (p.importMs !== null) console.log(`  block import ${p.importMs.toFixed(1)} ms on average`);
  }
  if (report.ratio !== null) console.log(`payForCompute / transferKeepAlive included per block (medians): ${report.ratio.toFixed(2)}`);
}

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const report = await run(options, options.json ? () => {} : (line) => console.log(`[load] ${line}`));
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  const lost = report.phases.some((p) => p.leftInPool > 0 || p.failedInBlocks > 0);
  process.exit(lost ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/load.mjs')) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`load: ${e.message}`);
    process.exit(e instanceof UsageError || String(e.code ?? '').startsWith('ERR_PARSE_ARGS') ? 2 : 1);
  });
}
