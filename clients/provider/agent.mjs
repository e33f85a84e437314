#!/usr/bin/env node
// capacloud-provider: a GPU provider's agent. It keeps one provider account doing what the chain
// pays for, so that a provider never writes a script: it registers the account if it is not a
// provider yet, keeps its bond at what the chain requires (`burnMintApi.requiredBond`, topped up
// with `bondExtra`), proves liveness once in every liveness window (`burnMintApi.livenessWindow`,
// `heartbeat`), and claims its rewards once an epoch (`claimRewards`). It logs one line per
// action, serves Prometheus metrics and a health check, and outlives node restarts: it polls the
// node instead of holding subscriptions, and the connection is re-established by itself.
//
// Everything it decides comes from the chain's answers at the newest block; nothing of the
// chain's rules is computed here. A paused or leaving provider is left as it is (resuming and
// leaving are the operator's decisions: `capa resume`, `capa leave`); its rewards are still
// claimed.

import { parseArgs } from 'node:util';

import { cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import client from 'prom-client';

import { LastingConnection, lostRuntimeApis, submit, UsageError } from '../chain.mjs';
import { formatCapa, parseCapa } from '../amounts.mjs';
import { loadKey } from '../keys.mjs';
import { serveRegistry } from '../metrics-server.mjs';

const USAGE = `usage: scripts/provider-agent --units N --bond CAPA [options]

Keeps a provider account registered, bonded, proven live in every liveness window and paid.

  --units N              capacity to declare when it registers (units the verifiers attest)
  --bond CAPA            bond to hold when it registers (then kept at what the chain requires)
  --max-top-up CAPA      the most it adds to the bond at once (default: --bond); a larger
                         shortfall is logged and left to the operator
  --claim-min CAPA       claim only when at least this much is claimable (default 0: any)
  --url URL              node RPC (default ws://127.0.0.1:9944)
  --dev-account NAME     sign with a development key (alice, bob, ...)
  --key-env VAR          otherwise the secret URI or mnemonic in VAR (default CAPA_SEED)
  --metrics-port P       GET /metrics (Prometheus) and /health; 0 = off (default 9617)
  --metrics-host H       address to serve them on (default 127.0.0.1)
  -h, --help             this text

Exit codes: 2 for a usage error (nothing sent), 1 if the node cannot be reached at start.`;

/// How often the node is asked for its newest block.
const POLL_MS = 1000;
/// A failed action is tried again after this many blocks (not every block: each try pays a fee).
const RETRY_BLOCKS = 3;

/// Refusals that hold for the rest of the epoch, with what they mean.
const EPOCH_LONG_REFUSALS = new Map([
  ['NotEligibleYet', 'a new or resumed provider proves liveness from the next epoch on'],
  ['NoVerifiedCapacity', 'no attested capacity counts in this epoch yet (the verifiers attest it)'],
  ['ReputationTooLow', 'the reputation is below the parameters\' min_reputation'],
]);

export const timestamp = () => new Date().toISOString().replace('T', ' ').slice(0, 19);
const log = (...args) => console.log(`[${timestamp()}]`, ...args);

/// The agent's options, checked before anything connects.
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string' },
      bond: { type: 'string' },
      'max-top-up': { type: 'string' },
      'claim-min': { type: 'string', default: '0' },
      url: { type: 'string', default: 'ws://127.0.0.1:9944' },
      'dev-account': { type: 'string' },
      'key-env': { type: 'string' },
      'metrics-port': { type: 'string', default: '9617' },
      'metrics-host': { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  if (values.units === undefined || values.bond === undefined) {
    throw new UsageError('--units and --bond are required (what to register with)');
  }
  if (!/^\d+$/.test(values.units) || Number(values.units) === 0 || Number(values.units) > 2 ** 32 - 1) {
    throw new UsageError(`--units must be a whole number of capacity units from 1: ${values.units}`);
  }
  const port = values['metrics-port'];
  if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`--metrics-port must be a port: ${port}`);
  const bond = parseCapa(values.bond);
  if (bond === 0n) throw new UsageError('--bond must be above 0');
  return {
    units: Number(values.units),
    bond,
    maxTopUp: values['max-top-up'] === undefined ? bond : parseCapa(values['max-top-up']),
    claimMin: parseCapa(values['claim-min']),
    url: values.url,
    metricsPort: Number(port),
    metricsHost: values['metrics-host'],
    keyOptions: { 'dev-account': values['dev-account'], 'key-env': values['key-env'] },
  };
}

/// The agent's Prometheus metrics (a registry of its own).
class Metrics {
  constructor() {
    this.registry = new client.Registry();
    const registers = [this.registry];
    this.up = new client.Gauge({ name: 'capacloud_provider_up', help: '1 while connected to the node.', registers });
    this.status = new client.Gauge({
      name: 'capacloud_provider_status',
      help: 'The provider\'s status on chain: 1 for the current one (none, active, paused, leaving).',
      labelNames: ['status'],
      registers,
    });
    this.bond = new client.Gauge({ name: 'capacloud_provider_bond_capa', help: 'Bond held (CAPA).', registers });
    this.requiredBond = new client.Gauge({
      name: 'capacloud_provider_required_bond_capa',
      help: 'Bond the chain requires now (CAPA).',
      registers,
    });
    this.reputation = new client.Gauge({ name: 'capacloud_provider_reputation_ratio', help: 'Reputation (0 to 1).', registers });
    this.claimable = new client.Gauge({ name: 'capacloud_provider_claimable_capa', help: 'Rewards claimable now (CAPA).', registers });
    this.lastHeartbeatBlock = new client.Gauge({
      name: 'capacloud_provider_last_heartbeat_block',
      help: 'Block that included the last heartbeat.',
      registers,
    });
    this.actions = new client.Counter({
      name: 'capacloud_provider_actions_total',
      help: 'Transactions included, by action (register, top_up, heartbeat, claim).',
      labelNames: ['action'],
      registers,
    });
    this.failures = new client.Counter({
      name: 'capacloud_provider_failures_total',
      help: 'Actions that failed (refused by the node or failed on chain), by action.',
      labelNames: ['action'],
      registers,
    });
    this.claimed = new client.Counter({ name: 'capacloud_provider_claimed_capa_total', help: 'Rewards claimed (CAPA).', registers });
    this.lastBlock = new client.Gauge({ name: 'capacloud_provider_last_seen_block', help: 'Newest block seen.', registers });
    for (const action of ['register', 'top_up', 'heartbeat', 'claim']) {
      this.actions.inc({ action }, 0);
      this.failures.inc({ action }, 0);
    }
  }
}

/// CAPA as a number for a gauge (precision beyond a float's does not matter for a metric).
const capaNumber = (plancks) => Number(formatCapa(plancks));

export class Agent {
  constructor(options, pair, { logger = log } = {}) {
    this.options = options;
    this.pair = pair;
    this.log = logger;
    this.metrics = new Metrics();
    this.stopped = false;
    /// Block number from which each action may be tried again after a failure.
    this.retryAt = new Map();
    /// The last status logged, so that a state is said once, not every block.
    this.said = new Map();
    this.lastSeenAt = 0;
    this.lastClaimEpoch = -1;
    this.problem = null;
  }

  async start() {
    const { options } = this;
    await this.connect();
    this.address = encodeAddress(this.pair.publicKey, this.api.registry.chainSS58);
    this.metrics.up.set(1);
    this.blockMs = Number((await this.api.call.auraApi.slotDuration()).toString());
    if (options.metricsPort !== 0) {
      this.server = await serveRegistry({
        registry: this.metrics.registry,
        health: () => this.health(),
        host: options.metricsHost,
        port: options.metricsPort,
      });
    }
    this.log(
      `provider agent for ${this.address} at ${options.url}: registers with ${options.units} units and ` +
        `${formatCapa(options.bond)} CAPA if needed, tops the bond up by at most ${formatCapa(options.maxTopUp)} CAPA, ` +
        `proves every liveness window, claims at ${formatCapa(options.claimMin)} CAPA or more` +
        (this.server ? `; metrics http://${options.metricsHost}:${this.server.address().port}/metrics` : ''),
    );
    this.loop = this.run();
  }

  /// The live connection's API.
  get api() {
    return this.connection?.api;
  }

  /// Connects (again, after a runtime upgrade: see `lostRuntimeApis`).
  async connect() {
    const { url } = this.options;
    this.connection ??= new LastingConnection(url, {
      onDown: () => {
        if (this.stopped) return;
        this.metrics.up.set(0);
        this.log(`disconnected from ${url}; reconnecting`);
      },
      onUp: () => this.log(`reconnected to ${url}`),
    });
    await this.connection.open();
  }

  async stop() {
    this.stopped = true;
    await this.loop?.catch(() => {});
    this.server?.close();
    await this.connection?.close();
  }

  /// Healthy while the node answers (a block seen within three block times) and the last
  /// action, if any failed since, did not fail.
  health() {
    const fresh = Date.now() - this.lastSeenAt <= 3 * this.blockMs + POLL_MS;
    const healthy = fresh && !this.problem;
    return {
      healthy,
      address: this.address,
      ...(fresh ? {} : { error: `no block seen for more than ${(3 * this.blockMs) / 1000} s` }),
      ...(this.problem ? { error: this.problem } : {}),
    };
  }

  /// Says `text` once for `topic` until the topic says something else.
  sayOnce(topic, text) {
    if (this.said.get(topic) === text) return;
    this.said.set(topic, text);
    if (text) this.log(text);
  }

  async run() {
    let last = -1;
    while (!this.stopped) {
      try {
        if (lostRuntimeApis(this.api)) {
          this.log(`runtime upgraded to spec ${this.api.runtimeVersion.specVersion}: connecting again for its runtime APIs`);
          await this.connect();
        }
        const header = await this.api.rpc.chain.getHeader();
        const number = header.number.toNumber();
        this.lastSeenAt = Date.now();
        this.metrics.up.set(1);
        if (number !== last) {
          last = number;
          this.metrics.lastBlock.set(number);
          await this.tick(number);
        }
      } catch (e) {
        this.sayOnce('transport', `cannot read the chain (${e.message}); trying again`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /// Sends `tx` for `action` unless it failed less than RETRY_BLOCKS ago (or, refused for a
  /// reason that lasts the epoch, before the next epoch); resolves with the events, or
  /// undefined after a failure (logged, counted, retried later).
  async act(action, tx, number) {
    if ((this.retryAt.get(action) ?? 0) > number) return undefined;
    try {
      const { events, blockHash } = await submit(this.api, tx, this.pair, 10 * this.blockMs);
      this.metrics.actions.inc({ action });
      this.retryAt.delete(action);
      this.problem = null;
      const included = (await this.api.rpc.chain.getHeader(blockHash)).number.toNumber();
      return { events, included };
    } catch (e) {
      this.metrics.failures.inc({ action });
      const error = /failed: burnMint\.(\w+)$/.exec(e.message)?.[1];
      if (EPOCH_LONG_REFUSALS.has(error)) {
        // Nothing changes that before the next epoch: one try an epoch, no alarm.
        const epoch = await this.api.query.burnMint.currentEpoch();
        const next = Number(epoch.start.toString()) + epoch.length.toNumber();
        this.retryAt.set(action, next);
        this.log(`${action} refused (${error}): ${EPOCH_LONG_REFUSALS.get(error)}; trying again in block ${next}, the next epoch's first`);
        return undefined;
      }
      this.retryAt.set(action, number + RETRY_BLOCKS);
      this.problem = `${action} failed: ${e.message}`;
      this.log(`${action} failed: ${e.message}; trying again in ${RETRY_BLOCKS} blocks`);
      return undefined;
    }
  }

  event(events, name) {
    return events.find(({ event }) => this.api.events.burnMint[name].is(event))?.event.data;
  }

  async tick(number) {
    const { api, address, options, metrics } = this;
    this.sayOnce('transport', null);
    const record = await api.query.burnMint.providers(address);
    const status = record.isSome ? record.unwrap().status.type.toLowerCase() : 'none';
    for (const s of ['none', 'active', 'paused', 'leaving']) metrics.status.set({ status: s }, s === status ? 1 : 0);

    if (record.isNone) {
      this.sayOnce('status', null);
      const done = await this.act('register', api.tx.burnMint.registerProvider(options.units, options.bond), number);
      if (done) {
        const registered = this.event(done.events, 'ProviderRegistered');
        this.log(
          `registered in block ${done.included}: ${registered.capacity} units declared, bond ` +
            `${formatCapa(registered.bond.toBigInt())} CAPA; the verifiers attest the capacity`,
        );
      }
      return;
    }
    const provider = record.unwrap();
    metrics.bond.set(capaNumber(provider.bond.toBigInt()));
    metrics.reputation.set(provider.reputation.toNumber() / 1_000_000);
    const claimable = (await api.call.burnMintApi.pendingRewards(address)).toBigInt();
    metrics.claimable.set(capaNumber(claimable));

    if (status !== 'active') {
      this.sayOnce(
        'status',
        status === 'paused'
          ? 'the provider is paused: no heartbeats until it resumes (capa resume, once the bond covers the requirement)'
          : 'the provider is leaving: no heartbeats; its rewards are still claimed',
      );
    } else {
      this.sayOnce('status', null);
      if (!(await this.keepBond(provider, number))) return;
      const epoch = (await api.query.burnMint.currentEpoch()).index.toNumber();
      const eligible = provider.eligibleFrom.toNumber();
      if (epoch < eligible) {
        this.sayOnce('eligible', `eligible from epoch ${eligible} (now ${epoch}): heartbeats from then on`);
      } else {
        await this.proveWindow(number);
      }
    }
    await this.claim(claimable, number);
  }

  /// Tops the bond up to the chain's requirement; false while it is short.
  async keepBond(provider, number) {
    const { api, address, options, metrics } = this;
    const answer = await api.call.burnMintApi.requiredBond(address);
    const required = answer.isSome ? answer.unwrap().toBigInt() : 0n;
    metrics.requiredBond.set(capaNumber(required));
    const held = provider.bond.toBigInt();
    if (held >= required) {
      this.sayOnce('bond', null);
      return true;
    }
    const shortfall = required - held;
    if (shortfall > options.maxTopUp) {
      this.sayOnce(
        'bond',
        `the bond (${formatCapa(held)} CAPA) is ${formatCapa(shortfall)} CAPA short of the requirement ` +
          `(${formatCapa(required)}), more than --max-top-up: bond it with capa bond-extra; no heartbeats until then`,
      );
      this.problem = 'bond below the requirement';
      return false;
    }
    const done = await this.act('top_up', api.tx.burnMint.bondExtra(shortfall), number);
    if (!done) return false;
    this.log(`bond topped up by ${formatCapa(shortfall)} CAPA to ${formatCapa(required)} CAPA (the requirement) in block ${done.included}`);
    return true;
  }

  /// One heartbeat in the liveness window the next block lies in, unless proven already.
  async proveWindow(number) {
    const { api, address, metrics } = this;
    const window = await api.call.burnMintApi.livenessWindow(address);
    if (window.isNone || window.unwrap().proven.isTrue) return;
    const w = window.unwrap();
    const key = `${w.epoch}/${w.window}`;
    if (this.heartbeatFor === key) return;
    const done = await this.act('heartbeat', api.tx.burnMint.heartbeat(), number);
    if (!done) return;
    this.heartbeatFor = key;
    const live = this.event(done.events, 'ProviderLive');
    metrics.lastHeartbeatBlock.set(done.included);
    this.log(
      `heartbeat in block ${done.included}: epoch ${live.epoch}, window ${Number(live.window.toString()) + 1} of ${w.windows}, ` +
        `${live.points} live points`,
    );
  }

  /// Claims once an epoch, when at least --claim-min is claimable.
  async claim(claimable, number) {
    const { api, address, options, metrics } = this;
    if (claimable === 0n || claimable < options.claimMin) return;
    const epoch = (await api.query.burnMint.currentEpoch()).index.toNumber();
    if (epoch === this.lastClaimEpoch) return;
    const done = await this.act('claim', api.tx.burnMint.claimRewards(address), number);
    if (!done) return;
    this.lastClaimEpoch = epoch;
    const paid = this.event(done.events, 'RewardsClaimed')?.amount.toBigInt() ?? 0n;
    metrics.claimed.inc(capaNumber(paid));
    this.log(`claimed ${formatCapa(paid)} CAPA in block ${done.included} (epoch ${epoch})`);
  }
}

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  await cryptoWaitReady();
  const pair = loadKey(options.keyOptions);
  const agent = new Agent(options, pair);
  await agent.start();
  const stop = async () => {
    agent.log('stopping');
    await agent.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/agent.mjs')) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`provider-agent: ${e.message}`);
    process.exit(e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
  });
}
