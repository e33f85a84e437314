// A runtime upgrade by referendum on a running network (node:test), against the release node
// built with fast-runtime: the `local` chain's two validators (Alice, Bob), an economy in it (a
// provider, credits, payments, a closed epoch's books and reward pool), and the next runtime
// (`runtime/next`, $CAPA_NEXT_RUNTIME_WASM: spec_version one higher, pallet-burn-mint's v12 ->
// v13 migration). As docs/operators.md (section 8) says to: `capa upgrade-check` runs the blob's
// migrations over the live state with every try-runtime check, and refuses a state they cannot
// take; `capa upgrade-propose` puts `system.authorizeUpgrade` to a root referendum; once enacted,
// `capa upgrade-apply` submits the blob. The state before the new code and after its migration
// is compared: providers, credits, reward pools, the books, the issuance. Skipped when
// CAPA_NODE_BIN, CAPA_RUNTIME_WASM or CAPA_NEXT_RUNTIME_WASM is not set (scripts/upgrade-test
// sets them).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { promisify } from 'node:util';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, submit } from '../chain.mjs';
import { voteAye, waitForEvent } from '../governance.mjs';
import { metric } from '../network.mjs';
import { checkUpgrade, codeHash } from '../upgrade.mjs';
import { BLOCK_MS, CAPA, Child, NODE_BIN, freePorts, scenario, startLocalNetwork, waitFor } from './harness.mjs';

const NEXT_WASM = process.env.CAPA_NEXT_RUNTIME_WASM;
/// The runtime the test node embeds (scripts/env.sh).
const CURRENT_WASM = process.env.CAPA_RUNTIME_WASM;
/// Blocks per epoch in a fast-runtime build.
const EPOCH = 10;
/// Dev accounts and their stashes but Bob's (his provider agent signs with his key): with
/// 990,000 CAPA each, more than the root track's support.
const VOTERS = ['Alice', 'Charlie', 'Dave', 'Eve', 'Ferdie'].flatMap((n) => [`//${n}`, `//${n}//stash`]);
/// The storage items of pallet-burn-mint compared across the upgrade, each entry's bytes.
const MAPS = ['providers', 'creditBalances', 'rewardPools', 'ledger', 'history'];

const run = promisify(execFile);
const CLIENTS = join(dirname(fileURLToPath(import.meta.url)), '..');

describe(
  'a runtime upgrade by referendum',
  { skip: (!NODE_BIN || !NEXT_WASM || !CURRENT_WASM) && 'CAPA_NODE_BIN, CAPA_RUNTIME_WASM or CAPA_NEXT_RUNTIME_WASM is not set' },
  () => {
    let network;
    let api;
    let code;
    let specBefore;
    /// Bob's provider agent and the economy exporter, long-running clients across the upgrade.
    let agent;
    let exporter;
    let exporterPort;
    const who = {};

    const step = scenario(() => {
      for (const node of network?.nodes ?? []) console.error(`--- ${node.name}\n${node.child?.dump(25)}`);
      for (const client of [agent, exporter]) if (client) console.error(client.dump(25));
    });
    const capa = async (...args) => {
      const { stdout } = await run(process.execPath, ['capa.mjs', ...args, '--url', network.node('alice').wsUrl, '--json'], {
        env: { ...process.env, CAPA_NODE_BIN: NODE_BIN },
        maxBuffer: 1 << 24,
      });
      return JSON.parse(stdout);
    };
    const head = async () => (await api.rpc.chain.getHeader()).number.toNumber();
    const hashOf = async (n) => (await api.rpc.chain.getBlockHash(n)).toHex();
    /// Every entry of pallet-burn-mint's `MAPS` at block `hash`, as SCALE hex, by key.
    const mapsAt = async (hash) => {
      const at = await api.at(hash);
      const maps = {};
      for (const name of MAPS) {
        const entries = await at.query.burnMint[name].entries();
        maps[name] = Object.fromEntries(entries.map(([key, value]) => [key.toHex(), value.toHex()]));
      }
      return maps;
    };

    before(async () => {
      await cryptoWaitReady();
      code = await readFile(NEXT_WASM);
      network = await startLocalNetwork('upgrade', [
        { name: 'alice', validator: '//Alice' },
        { name: 'bob', validator: '//Bob' },
      ]);
      api = await connect(network.node('alice').wsUrl);
      const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
      for (const name of ['Alice', 'Bob', 'Charlie', 'Dave']) who[name.toLowerCase()] = keyring.addFromUri(`//${name}`);
      who.voters = VOTERS.map((uri) => keyring.addFromUri(uri));
    });

    after(async () => {
      await agent?.stop('SIGINT');
      await exporter?.stop('SIGINT');
      await api?.disconnect();
      await network?.destroy();
    });

    step('an economy runs: a provider, credits bought and spent, an epoch closed with its books', async () => {
      await network.waitForFinality(1, 90_000);
      specBefore = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
      await submit(api, api.tx.burnMint.registerProvider(10, 120n * CAPA), who.bob);
      await submit(api, api.tx.burnMint.attestCapacity(who.bob.address, 10), who.alice);
      await submit(api, api.tx.burnMint.submitPrice(500_000_000_000_000_000n), who.alice);
      await submit(api, api.tx.burnMint.buyCredits(10n * CAPA, 0), who.charlie);
      await submit(api, api.tx.burnMint.spendCredits(who.bob.address, 2_000), who.charlie);
      await submit(api, api.tx.burnMint.payForCompute(who.bob.address, 5n * CAPA, 0), who.dave);
      const epoch = (await api.query.burnMint.currentEpoch()).index.toNumber();
      await waitFor('the epoch to close', async () => (await api.query.burnMint.currentEpoch()).index.toNumber() > epoch, 2 * EPOCH * BLOCK_MS);
      const maps = await mapsAt(await hashOf(await head()));
      assert.equal(Object.keys(maps.providers).length, 1);
      assert.ok(Object.keys(maps.creditBalances).length >= 1);
      assert.ok(Object.keys(maps.ledger).length >= 1);
      assert.equal((await api.query.burnMint.palletVersion()).toNumber(), 12);
    }, 180_000);

    step('Bob\'s provider agent and the economy exporter run against the network', async () => {
      const url = network.node('alice').wsUrl;
      const [agentPort, port] = await freePorts(2);
      exporterPort = port;
      agent = new Child('agent', process.execPath, [
        join(CLIENTS, 'provider', 'agent.mjs'), '--dev-account', 'bob', '--units', '10', '--bond', '120',
        '--url', url, '--metrics-port', String(agentPort),
      ], 1000);
      exporter = new Child('exporter', process.execPath, [join(CLIENTS, 'exporter', 'exporter.mjs'), '--url', url, '--port', String(port)], 1000);
      await agent.waitForLine(/provider agent for /, 30_000);
      await exporter.waitForLine(/economy exporter: /, 30_000);
    });

    step('capa upgrade-check: the next runtime migrates the live state with every check passing', async () => {
      const result = await capa('upgrade-check', NEXT_WASM);
      assert.equal(result.ok, true, result.error);
      assert.equal(result.specVersionInForce, specBefore);
      assert.equal(result.specVersion, specBefore + 1);
      // Every key of the state at the block it checked was copied.
      const keys = await api.rpc.state.getKeysPaged('0x', 1000, null, result.at);
      assert.ok(keys.length < 1000);
      assert.equal(result.keys, keys.length);
      console.log(`upgrade check at ${result.at}: ${result.keys} keys, migrations ${result.weight} (block limit ${result.maxBlock})`);
    }, 120_000);

    step('a state the migration cannot take is refused by name before anything is proposed', async () => {
      const providersPrefix = api.query.burnMint.providers.keyPrefix();
      const refused = await checkUpgrade({
        url: network.node('alice').wsUrl,
        bin: NODE_BIN,
        code,
        // One provider record that no code can read: the rewrite would skip it.
        edit: (top) => {
          const key = Object.keys(top).find((k) => k.startsWith(providersPrefix));
          top[key] = '0x0102';
        },
      });
      assert.equal(refused.ok, false);
      assert.match(refused.error, /a stored Providers record does not decode in the version 12 layout/);
      // Through capa: a blob that is not newer than the runtime in force (the test node's own
      // runtime) is refused before anything is proposed, as the chain would refuse to apply it.
      const referenda = (await api.query.referenda.referendumCount()).toNumber();
      const same = await capa('upgrade-propose', CURRENT_WASM, '--dev-account', 'alice').then(
        () => assert.fail('proposed'),
        (e) => e.stderr,
      );
      assert.match(same, new RegExp(`not proposed: the upgrade fails its checks: its spec_version ${specBefore} is not above the chain's ${specBefore}`));
      assert.equal((await api.query.referenda.referendumCount()).toNumber(), referenda);
    }, 120_000);

    step('capa upgrade-propose, the voters, and the referendum authorizes the upgrade', async () => {
      const proposal = await capa('upgrade-propose', NEXT_WASM, '--dev-account', 'alice');
      assert.equal(proposal.codeHash, codeHash(code));
      await voteAye(api, proposal.referendum, who.voters, 990_000n * CAPA);
      const { event } = await waitForEvent(api, 'the upgrade to be authorized', (e) => api.events.system.UpgradeAuthorized.is(e), 60);
      assert.equal(event.data.codeHash.toHex(), codeHash(code));
      // Authorized, not applied: the runtime is the same until someone submits the blob.
      assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), specBefore);
    }, 300_000);

    step('capa upgrade-apply: the next block runs the new runtime; the migrated state is the same', async () => {
      // Away from an epoch boundary, so that the block of the migration closes no epoch and the
      // state before and after differs only by the migration and a block's emission.
      await waitFor('a block early in an epoch', async () => [1, 2].includes((await head()) % EPOCH), 2 * EPOCH * BLOCK_MS);
      const applied = await capa('upgrade-apply', NEXT_WASM, '--dev-account', 'dave');
      const set = applied.codeUpdatedAt;
      await waitFor(`block #${set + 1}`, async () => (await head()) > set, 10 * BLOCK_MS);
      const [old, upgraded] = [await hashOf(set), await hashOf(set + 1)];
      // Block #set, run by the old runtime, wrote the new code into its state (the version "at"
      // a block is the code in its state); block #set + 1 is the first the new runtime runs,
      // its migrations first. The state of #set is the state the migration started from.
      const versionAt = async (hash) => (await api.rpc.state.getRuntimeVersion(hash)).specVersion.toNumber();
      assert.equal(await versionAt(await hashOf(set - 1)), specBefore);
      assert.equal(await versionAt(old), specBefore + 1);
      const [before, after] = [await api.at(old), await api.at(upgraded)];
      assert.equal((await before.query.burnMint.palletVersion()).toNumber(), 12);
      assert.equal((await before.query.system.lastRuntimeUpgrade()).unwrap().specVersion.toNumber(), specBefore);
      assert.equal((await after.query.burnMint.palletVersion()).toNumber(), 13);
      assert.equal((await after.query.system.lastRuntimeUpgrade()).unwrap().specVersion.toNumber(), specBefore + 1);
      // Providers, credits, reward pools, books and histories: every entry's bytes the same.
      assert.deepEqual(await mapsAt(upgraded), await mapsAt(old));
      // The issuance moved by exactly what the block minted less what it burned.
      // Runtime API calls at those blocks, through a connection made now: an ApiPromise that
      // lived through the upgrade re-reads the metadata without the runtime APIs' definitions
      // (`api.call.burnMintApi` is gone from it; polkadot.js 16.5.6).
      const fresh = await connect(network.node('alice').wsUrl);
      try {
        const issuance = async (at) => (await at.query.balances.totalIssuance()).toBigInt();
        const net = async (hash) => {
          const { totals } = await (await fresh.at(hash)).call.burnMintApi.supplyStats();
          return totals.minted.toBigInt() - totals.burned.toBigInt();
        };
        assert.equal((await issuance(after)) - (await issuance(before)), (await net(upgraded)) - (await net(old)));
        who.invariants = (await (await fresh.at(upgraded)).call.burnMintApi.checkInvariants()).unwrap();
      } finally {
        await fresh.disconnect();
      }
      const invariants = who.invariants;
      assert.ok(invariants.isOk, `pallet invariants: ${invariants.isErr ? invariants.asErr.toString() : ''}`);
      console.log(`code set at #${set}, runtime ${specBefore + 1} and its migration from #${set + 1}`);
      who.upgradedAt = set + 1;
    }, 180_000);

    step('the provider agent and the exporter connect again for the new runtime and go on', async () => {
      const upgraded = new RegExp(`runtime upgraded to spec ${specBefore + 1}: connecting again for its runtime APIs`);
      await agent.waitForLine(upgraded, 10 * BLOCK_MS);
      await exporter.waitForLine(upgraded, 10 * BLOCK_MS);
      // Bob's agent proves a liveness window under the new runtime (one in every 5 blocks).
      const heartbeat = await waitFor(
        'a heartbeat of Bob\'s agent under the new runtime',
        () => agent.matching(/heartbeat in block \d+/).map((line) => Number(/heartbeat in block (\d+)/.exec(line)[1])).find((n) => n > who.upgradedAt),
        3 * EPOCH * BLOCK_MS,
      );
      const live = (await (await api.at(await hashOf(heartbeat))).query.system.events()).filter(
        ({ event }) => api.events.burnMint.ProviderLive.is(event) && event.data.provider.eq(who.bob.address),
      );
      assert.equal(live.length, 1, `block #${heartbeat} has Bob's heartbeat`);
      // The exporter reads the runtime APIs at blocks of the new runtime.
      const text = await waitFor(
        'the exporter at a block of the new runtime',
        async () => {
          const t = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
          return metric(t, 'capacloud_block') > who.upgradedAt ? t : false;
        },
        5 * BLOCK_MS,
      );
      assert.ok(metric(text, 'capacloud_total_issuance_capa') > 0);
      assert.equal(metric(text, 'capacloud_exporter_up'), 1);
      console.log(`after the upgrade: Bob's agent proved liveness in block #${heartbeat}, the exporter read #${metric(text, 'capacloud_block')}`);
    }, 300_000);

    step('the chain goes on under the new runtime: both validators author, blocks finalize', async () => {
      const from = who.upgradedAt;
      await network.waitForFinality(from + 6, 20 * BLOCK_MS);
      const authors = new Set();
      for (let n = from + 1; n <= from + 6; n += 1) {
        authors.add((await api.derive.chain.getHeader(await hashOf(n))).author?.toString());
      }
      assert.deepEqual([...authors].sort(), [who.alice.address, who.bob.address].sort());
      // polkadot.js follows the new metadata: a call still goes through.
      await submit(api, api.tx.burnMint.buyCredits(1n * CAPA, 0), who.charlie);
      assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), specBefore + 1);
    }, 180_000);
  },
);
