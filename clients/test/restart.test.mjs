// A node restarted, crashed and its database moved, against the release node (node:test): a dev
// node with an explicit base path imports burn-mint transactions, is stopped with SIGINT and
// restarted, then killed with SIGKILL at random points of block production; each time the
// database opens, the chain continues from where it was and the state is consistent (every
// balance adds up to the total issuance; the pallet's invariants hold, checked by the runtime
// itself through `BurnMintApi::check_invariants`). Then the node's own `export-blocks`,
// `import-blocks`, `export-state`, `revert` and `purge-chain` subcommands. Skipped when
// CAPA_NODE_BIN is not set (scripts/ops-test sets it).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { promisify } from 'node:util';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { BLOCK_MS, CAPA, freePorts, NODE_BIN, scenario, submit, sleep, startDevNode, waitFor } from './harness.mjs';

const run = promisify(execFile);
/// `capacloud-node <args>`; resolves with its output (logs go to stderr).
const nodeCommand = async (...args) => {
  const { stdout, stderr } = await run(NODE_BIN, args, { maxBuffer: 256 << 20 });
  return { stdout, stderr };
};
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

describe('a node restarted, crashed and its chain exported', { skip: !NODE_BIN && 'CAPA_NODE_BIN is not set' }, () => {
  let dir;
  let basePath;
  let ports;
  let node;
  let api;
  let keyring;
  const who = {};
  /// The epoch Bob served compute in, and the chain's finalized height at the last stop.
  let servedEpoch;
  let finalizedAtStop = 0;

  const step = scenario(() => console.error(node?.dump(30)));

  /// Starts the node on the base path (`args`: `--dev` by default) and connects polkadot.js;
  /// resolves with the time until its RPC answered.
  const start = async (args) => {
    const started = Date.now();
    node = await startDevNode({ rpc: ports.rpc, p2p: ports.p2p, basePath, name: 'dev', args });
    const elapsed = Date.now() - started;
    api = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${ports.rpc}`), noInitWarn: true });
    keyring ??= new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
    return elapsed;
  };
  const stop = async (signal) => {
    await api?.disconnect();
    api = undefined;
    const exit = await node.stop(signal, 30_000);
    node = undefined;
    return exit;
  };
  const best = async () => {
    const header = await api.rpc.chain.getHeader();
    return { number: header.number.toNumber(), hash: header.hash.toHex() };
  };
  const finalized = async () => (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  const waitForBlock = (number) =>
    waitFor(`block #${number}`, async () => (await best()).number >= number, 20 * BLOCK_MS);

  /// What the chain says at `hash` about the economy: issuance, credits, Bob's record and
  /// rewards, the ledger, the totals.
  const economyAt = async (hash) => {
    const at = await api.at(hash);
    const [issuance, credits, bob, pending, ledger, stats] = await Promise.all([
      at.query.balances.totalIssuance(),
      at.call.burnMintApi.creditsOf(who.eve.address),
      at.query.burnMint.providers(who.bob.address),
      at.call.burnMintApi.pendingRewards(who.bob.address),
      at.query.burnMint.ledger.entries(),
      at.call.burnMintApi.supplyStats(),
    ]);
    return {
      issuance: issuance.toString(),
      credits: credits.toString(),
      bob: bob.toJSON(),
      pending: pending.toString(),
      ledger: ledger.map(([key, books]) => [key.args[0].toNumber(), books.toJSON()]).sort((a, b) => a[0] - b[0]),
      totals: stats.totals.toJSON(),
    };
  };

  /// The state at `hash` is consistent: every account's balance adds up to the total issuance,
  /// and the pallet's invariants hold (the runtime checks them itself).
  const checkConsistent = async (hash) => {
    const at = await api.at(hash);
    const accounts = await at.query.system.account.entries();
    const sum = accounts.reduce((s, [, info]) => s + info.data.free.toBigInt() + info.data.reserved.toBigInt(), 0n);
    assert.equal(sum, (await at.query.balances.totalIssuance()).toBigInt(), 'the balances add up to the issuance');
    const invariants = await at.call.burnMintApi.checkInvariants();
    assert.ok(invariants.isSome, 'the test node is built with try-runtime');
    const result = invariants.unwrap();
    assert.ok(result.isOk, `pallet invariants: ${result.isErr ? result.asErr.toString() : ''}`);
    return accounts.length;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacloud-restart-'));
    basePath = join(dir, 'node');
    const [rpc, p2p] = await freePorts(2);
    ports = { rpc, p2p };
    await cryptoWaitReady();
    await start();
    for (const name of ['alice', 'bob', 'charlie', 'dave', 'eve']) {
      who[name] = keyring.addFromUri(`//${name[0].toUpperCase()}${name.slice(1)}`);
    }
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  step('a dev node with a base path imports burn-mint transactions', async () => {
    await submit(api, api.tx.burnMint.registerProvider(10, 120n * CAPA), who.bob);
    await submit(api, api.tx.burnMint.attestCapacity(who.bob.address, 10), who.alice);
    await submit(api, api.tx.burnMint.buyCredits(10n * CAPA, 1), who.eve);
    const { blockHash } = await submit(api, api.tx.burnMint.payForCompute(who.bob.address, 5n * CAPA, 1), who.eve);
    servedEpoch = (await (await api.at(blockHash)).query.burnMint.currentEpoch()).index.toNumber();
    const credits = (await api.call.burnMintApi.creditsOf(who.eve.address)).toBigInt();
    assert.ok(credits > 0n, 'Eve holds credits');
    // The epoch closes: a ledger entry, Bob's usage settled into the closed epoch's pool.
    const epoch = await api.query.burnMint.currentEpoch();
    await waitForBlock(epoch.start.toNumber() + epoch.length.toNumber() + 1);
    assert.ok((await api.query.burnMint.ledger.entries()).length >= 1);
  });

  step('SIGINT, restart: the same best block, issuance, credits, rewards and ledger', async () => {
    const head = await best();
    const before = await economyAt(head.hash);
    assert.deepEqual(await stop('SIGINT'), { code: 0, signal: null }, 'a clean exit');
    const restart = await start();
    console.log(`restart after SIGINT: RPC up in ${seconds(restart)}`);
    assert.equal((await api.rpc.chain.getBlockHash(head.number)).toHex(), head.hash, 'the same chain');
    assert.deepEqual(await economyAt(head.hash), before, 'the same state at the old best block');
    assert.ok((await best()).number >= head.number);
    // It goes on: new blocks on top, the state consistent.
    await waitForBlock(head.number + 2);
    await checkConsistent((await best()).hash);
  });

  step('SIGKILL during block production, three times: the database opens, the chain goes on, the state is consistent', async () => {
    for (let round = 1; round <= 3; round++) {
      // A random point of the 6 s slot: building, importing, finalizing or idle.
      const delay = Math.floor(Math.random() * BLOCK_MS);
      await sleep(delay);
      const head = await best();
      const final = await finalized();
      const finalHash = (await api.rpc.chain.getBlockHash(final)).toHex();
      await api.disconnect();
      api = undefined;
      node.process.kill('SIGKILL');
      assert.deepEqual(await node.exit, { code: null, signal: 'SIGKILL' });
      const restart = await start();
      const after = await best();
      // Blocks not yet written may be lost, never finalized ones; the chain is the same.
      assert.ok(after.number >= final, `best #${after.number} is below the finalized #${final}`);
      assert.equal((await api.rpc.chain.getBlockHash(final)).toHex(), finalHash, 'the finalized block is kept');
      const produced = Date.now();
      await waitForBlock(Math.max(after.number, head.number) + 1);
      const accounts = await checkConsistent((await best()).hash);
      console.log(
        `kill -9 #${round} ${delay} ms into a slot at best #${head.number} (finalized #${final}): ` +
          `RPC up in ${seconds(restart)}, best #${after.number} after restart, a new block ` +
          `${seconds(Date.now() - produced)} later; ${accounts} accounts add up to the issuance, invariants hold`,
      );
    }
  });

  step('the rewards earned before the crashes are claimed after them', async () => {
    const epochOf = async () => (await api.query.burnMint.currentEpoch()).index.toNumber();
    // Rewards of epoch e unlock in epoch e + 2 (RewardDelay 1).
    await waitFor('the served epoch\'s rewards to unlock', async () => (await epochOf()) >= servedEpoch + 2, 40 * BLOCK_MS);
    const pending = (await api.call.burnMintApi.pendingRewards(who.bob.address)).toBigInt();
    assert.ok(pending > 0n, 'Bob has rewards to claim');
    const free = (await api.query.system.account(who.bob.address)).data.free.toBigInt();
    const { events, blockHash } = await submit(api, api.tx.burnMint.claimRewards(who.bob.address), who.dave);
    const claimed = events.find(({ event }) => api.events.burnMint.RewardsClaimed.is(event));
    const amount = claimed.event.data.amount.toBigInt();
    // Claimed in a later block than the one the pending amount was read at: at least that.
    assert.ok(amount >= pending, `claimed ${amount} < pending ${pending}`);
    const freeAfter = (await (await api.at(blockHash)).query.system.account(who.bob.address)).data.free.toBigInt();
    assert.equal(freeAfter, free + amount, 'Bob received exactly the claim (Dave paid the fee)');
    await checkConsistent(blockHash);
  });

  step('revert, export-blocks / import-blocks, export-state and purge-chain', async () => {
    await waitForBlock((await best()).number + 1);
    finalizedAtStop = await finalized();
    assert.deepEqual(await stop('SIGINT'), { code: 0, signal: null });
    const dev = ['--dev', '--base-path', basePath];

    // revert: only blocks above the last finalized one go; the best block is then the
    // finalized one.
    const reverted = await nodeCommand('revert', ...dev, '1000');
    const log = reverted.stderr + reverted.stdout;
    assert.match(log, /Reverted \d+ blocks\. Best: #\d+|There aren't any non-finalized blocks to revert/);
    // The same database without authoring (`--chain dev`, not `--dev`): nothing moves.
    await start(['--chain', 'dev']);
    const head = await best();
    const final = await finalized();
    assert.equal(head.number, final, 'best = finalized after revert');
    assert.ok(final >= finalizedAtStop, `finalized #${final} < #${finalizedAtStop} before the stop`);
    const state = await economyAt(head.hash);
    await stop('SIGINT');

    // export-blocks to a file, import-blocks into a fresh base path: the same blocks, executed
    // again, give the same state at the same height.
    const file = join(dir, 'blocks.bin');
    const exportStarted = Date.now();
    await nodeCommand('export-blocks', ...dev, '--binary', '--to', String(final), file);
    const imported = join(dir, 'imported');
    await nodeCommand('import-blocks', '--dev', '--base-path', imported, '--binary', file);
    console.log(`export-blocks + import-blocks of ${final} blocks: ${seconds(Date.now() - exportStarted)}`);
    // export-state at that height from both databases: identical key-value state.
    const stateOf = async (path) => {
      const { stdout } = await nodeCommand('export-state', '--dev', '--base-path', path, String(final));
      return JSON.parse(stdout).genesis.raw.top;
    };
    const [original, copy] = [await stateOf(basePath), await stateOf(imported)];
    assert.ok(Object.keys(original).length > 50, 'export-state wrote the state');
    assert.deepEqual(copy, original, 'the imported chain has the same state at the same height');
    // And through the node: the same block hash at that height, the same economy.
    basePath = imported;
    await start(['--chain', 'dev']);
    assert.equal((await api.rpc.chain.getBlockHash(final)).toHex(), head.hash);
    assert.deepEqual(await economyAt(head.hash), state);
    await stop('SIGINT');

    // purge-chain deletes the database: the node starts from genesis again.
    await nodeCommand('purge-chain', '--dev', '--base-path', imported, '-y');
    await start(['--chain', 'dev']);
    assert.equal((await best()).number, 0, 'back at genesis');
    await stop('SIGINT');
  });
});
