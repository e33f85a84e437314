// The provider agent (clients/provider/agent.mjs) against the release node (node:test): started
// for an account that is not a provider, it registers it; when governance raises the bond a unit,
// it tops the bond up to the chain's new requirement; it proves each liveness
// window once, goes on after the node is restarted, and claims the rewards once they unlock;
// its log, its metrics and the chain agree. The economy exporter (clients/exporter/exporter.mjs)
// serves that chain's numbers, each equal to the chain's at the block it read. Skipped when CAPA_NODE_BIN is not set
// (scripts/e2e-test sets it).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { metric } from '../network.mjs';
import { BLOCK_MS, CAPA, Child, freePorts, NODE_BIN, scenario, submit, startDevNode, waitFor } from './harness.mjs';

const AGENT = join(dirname(fileURLToPath(import.meta.url)), '..', 'provider', 'agent.mjs');
const EXPORTER = join(dirname(fileURLToPath(import.meta.url)), '..', 'exporter', 'exporter.mjs');
/// The fast-runtime parameters: 100 CAPA a provider, 1 CAPA a unit.
const MIN_BOND = 100n * CAPA;
const UNITS = 10;

describe('the provider agent on a real node, across a node restart', { skip: !NODE_BIN && 'CAPA_NODE_BIN is not set' }, () => {
  let node;
  let agent;
  let exporter;
  let api;
  let basePath;
  let ports;
  let alice;
  let dave;
  const step = scenario(() => {
    if (node) console.error(node.dump(25));
    if (agent) console.error(agent.dump(40));
  });

  const agentLines = (pattern) => agent.matching(pattern);
  const metrics = async () => (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
  const connectApi = () => ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${ports.rpc}`), noInitWarn: true });

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    alice = keyring.addFromUri('//Alice');
    dave = keyring.addFromUri('//Dave');
    const [rpc, p2p, metricsPort] = await freePorts(3);
    ports = { rpc, p2p, metrics: metricsPort };
    basePath = await mkdtemp(join(tmpdir(), 'capacloud-provider-'));
    node = await startDevNode({ rpc, p2p, basePath, name: 'node' });
    api = await connectApi();
  });

  after(async () => {
    await agent?.stop('SIGINT');
    await exporter?.stop('SIGKILL');
    await api?.disconnect();
    await node?.stop('SIGKILL');
    if (basePath) await rm(basePath, { recursive: true, force: true });
  });

  step('an account that is not a provider is registered with the bond it was given', async () => {
    assert.ok((await api.query.burnMint.providers(dave.address)).isNone);
    agent = new Child('agent', process.execPath, [
      AGENT, '--dev-account', 'dave', '--units', String(UNITS), '--bond', '110',
      '--url', `ws://127.0.0.1:${ports.rpc}`, '--metrics-port', String(ports.metrics),
    ], 1000);
    await agent.waitForLine(/registered in block \d+: 10 units declared, bond 110\.000000000000 CAPA/, 60_000);
    const record = (await api.query.burnMint.providers(dave.address)).unwrap();
    assert.equal(record.bond.toBigInt(), MIN_BOND + BigInt(UNITS) * CAPA);
    assert.equal(record.capacity.toNumber(), UNITS);
    // Nothing attested yet: the requirement is the minimum bond.
    assert.equal((await api.call.burnMintApi.requiredBond(dave.address)).unwrap().toBigInt(), MIN_BOND);
    assert.ok((await api.call.burnMintApi.requiredBond(alice.address)).isNone, 'Alice is no provider');
  });

  step('governance raises the bond a unit: from the next epoch the agent tops the bond up to it', async () => {
    // Alice, the dev chain's verifier, attests the 10 units (the bond covers 100 + 10 x 1 CAPA).
    await submit(api, api.tx.burnMint.attestCapacity(dave.address, UNITS), alice);
    assert.equal((await api.call.burnMintApi.requiredBond(dave.address)).unwrap().toBigInt(), MIN_BOND + BigInt(UNITS) * CAPA);
    // 2 CAPA a unit from the next epoch on: 100 + 10 x 2 = 120 CAPA.
    const active = (await api.query.burnMint.activeParameters()).unwrap().toJSON();
    await submit(api, api.tx.sudo.sudo(api.tx.burnMint.setParameters({ ...active, bondPerCapacityUnit: 2n * CAPA })), alice);
    const required = MIN_BOND + BigInt(UNITS) * 2n * CAPA;
    await agent.waitForLine(/bond topped up by 10\.000000000000 CAPA to 120\.000000000000 CAPA/, 20 * BLOCK_MS);
    assert.equal((await api.call.burnMintApi.requiredBond(dave.address)).unwrap().toBigInt(), required);
    assert.equal((await api.query.burnMint.providers(dave.address)).unwrap().bond.toBigInt(), required);
    // The gauges follow at the agent's next block.
    const text = await waitFor('the bond gauge at 120', async () => {
      const t = await metrics();
      return metric(t, 'capacloud_provider_bond_capa') === 120 ? t : false;
    }, 5 * BLOCK_MS);
    assert.equal(metric(text, 'capacloud_provider_required_bond_capa'), 120);
    assert.equal(metric(text, 'capacloud_provider_actions_total', { action: 'top_up' }), 1);
  }, 180_000);

  step('it proves liveness from the epoch it is eligible in, and goes on after a node restart', async () => {
    await agent.waitForLine(/heartbeat in block \d+/, 150_000);
    const before = agentLines(/heartbeat in block/).length;
    const from = agent.lines.length;
    await api.disconnect();
    assert.deepEqual(await node.stop('SIGINT'), { code: 0, signal: null });
    node = await startDevNode({ rpc: ports.rpc, p2p: ports.p2p, basePath, name: 'node' });
    api = await connectApi();
    await agent.waitForLine(/reconnected to/, 60_000, from);
    await waitFor('a heartbeat after the restart', () => agentLines(/heartbeat in block/).length > before, 120_000);
    // Every heartbeat the agent logged is one the chain counted, one a window.
    const sent = agentLines(/heartbeat in block (\d+): epoch (\d+), window (\d+) of (\d+)/).map((line) => {
      const [, block, epoch, window] = /heartbeat in block (\d+): epoch (\d+), window (\d+)/.exec(line).map(Number);
      return { block, epoch, window };
    });
    assert.equal(new Set(sent.map((s) => `${s.epoch}/${s.window}`)).size, sent.length, 'one heartbeat a window');
    for (const s of sent) {
      const events = await (await api.at(await api.rpc.chain.getBlockHash(s.block))).query.system.events();
      const live = events.filter(({ event }) => api.events.burnMint.ProviderLive.is(event) && event.data.provider.eq(dave.address));
      assert.equal(live.length, 1, `block ${s.block} has Dave's heartbeat`);
      assert.equal(live[0].event.data.epoch.toNumber(), s.epoch);
      assert.equal(live[0].event.data.window.toNumber() + 1, s.window);
    }
    assert.equal(metric(await metrics(), 'capacloud_provider_actions_total', { action: 'heartbeat' }), sent.length);
    console.log(`provider agent: ${sent.length} heartbeats, ${sent.length - before} after the node restarted`);
  }, 300_000);

  step('it claims the rewards once they unlock: exactly what the chain paid', async () => {
    const line = await agent.waitForLine(/claimed \d+\.\d+ CAPA in block \d+/, 40 * BLOCK_MS);
    const [, amount, block] = /claimed (\d+\.\d+) CAPA in block (\d+)/.exec(line);
    const events = await (await api.at(await api.rpc.chain.getBlockHash(Number(block)))).query.system.events();
    const claimed = events.find(({ event }) => api.events.burnMint.RewardsClaimed.is(event)).event.data;
    const paid = claimed.amount.toBigInt();
    assert.ok(paid > 0n);
    assert.equal(amount.replace('.', ''), paid.toString().padStart(13, '0'));
    assert.equal(metric(await metrics(), 'capacloud_provider_claimed_capa_total'), Number(amount));
    const health = await fetch(`http://127.0.0.1:${ports.metrics}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).healthy, true);
    console.log(`provider agent: claimed ${amount} CAPA in block ${block}`);
  }, 300_000);

  step('the economy exporter serves what the chain says, at one block', async () => {
    const [port] = await freePorts(1);
    exporter = new Child('exporter', process.execPath, [EXPORTER, '--url', `ws://127.0.0.1:${ports.rpc}`, '--port', String(port)]);
    await exporter.waitForLine(/economy exporter: /, 30_000);
    const text = await waitFor(
      'the exporter\'s first reading',
      async () => {
        const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return metric(t, 'capacloud_block') > 0 ? t : false;
      },
      30_000,
    );
    const number = metric(text, 'capacloud_block');
    const at = await api.at(await api.rpc.chain.getBlockHash(number));
    const stats = await at.call.burnMintApi.supplyStats();
    const capa = (codec) => Number(codec.toBigInt()) / 1e12;
    assert.equal(metric(text, 'capacloud_total_issuance_capa'), capa(stats.totalIssuance));
    assert.equal(metric(text, 'capacloud_emission_per_block_capa'), capa(stats.emissionPerBlock));
    assert.equal(metric(text, 'capacloud_epoch'), stats.epochIndex.toNumber());
    assert.equal(metric(text, 'capacloud_providers'), 1);
    assert.equal(metric(text, 'capacloud_epoch_minted_capa', { cause: 'providers' }), capa(stats.currentEpoch.mintedProviders));
    assert.equal(metric(text, 'capacloud_epoch_burned_capa', { cause: 'fees' }), capa(stats.currentEpoch.burnedFees));
    assert.equal(metric(text, 'capacloud_minted_capa_total'), capa(stats.totals.minted));
    assert.equal(metric(text, 'capacloud_reward_pot_capa'), capa(stats.rewardPot));
    const price = (await at.query.burnMint.lastPrice()).unwrap();
    assert.equal(metric(text, 'capacloud_price'), Number(price.price.toBigInt()) / 1e18);
    assert.equal(metric(text, 'capacloud_price_age_blocks'), number - price.at.toNumber());
    assert.equal(metric(text, 'capacloud_credit_sale_open'), (await at.call.burnMintApi.quoteCredits(10n ** 12n)).isSome ? 1 : 0);
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
    await exporter.stop('SIGINT');
  });
});
