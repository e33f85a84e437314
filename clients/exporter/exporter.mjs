#!/usr/bin/env node
// capacloud-exporter: the economy of a CapaCloud chain as Prometheus metrics, for operators'
// dashboards and alerts (docker/alerts.yml). At each new block it reads what the chain answers
// (`burnMintApi.supplyStats`, `burnMint.lastPrice`, `burnMintApi.quoteCredits`) and serves it on
// GET /metrics; GET /health answers 200 while blocks keep coming. Nothing is computed here but
// unit conversions: every number is the chain's. It polls the node (no subscription), so a node
// restart costs it nothing but the blocks it missed.

import { parseArgs } from 'node:util';

import client from 'prom-client';

import { LastingConnection, lostRuntimeApis, UsageError } from '../chain.mjs';
import { serveRegistry } from '../metrics-server.mjs';

const USAGE = `usage: scripts/economy-exporter [--url URL] [--port P] [--host H]

Serves the chain's economy as Prometheus metrics on http://H:P/metrics (and /health).

  --url URL     node RPC (default ws://127.0.0.1:9944)
  --port P      port to serve on (default 9618)
  --host H      address to serve on (default 127.0.0.1)
  -h, --help    this text`;

const POLL_MS = 1000;
const PLANCKS = 1e12;
const capa = (codec) => Number(BigInt(codec.toString())) / PLANCKS;

export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:9944' },
      port: { type: 'string', default: '9618' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a port: ${values.port}`);
  return { url: values.url, port: Number(values.port), host: values.host };
}

/// The metrics, in a registry of their own; `update` sets them from the chain's answers.
export class EconomyMetrics {
  constructor() {
    this.registry = new client.Registry();
    const registers = [this.registry];
    const gauge = (name, help, labelNames = []) => new client.Gauge({ name, help, labelNames, registers });
    this.block = gauge('capacloud_block', 'Number of the block the other metrics were read at.');
    this.issuance = gauge('capacloud_total_issuance_capa', 'Total issuance (CAPA).');
    this.maxSupply = gauge('capacloud_max_total_supply_capa', 'The runtime\'s cap on total issuance (CAPA; absent: none).');
    this.emission = gauge('capacloud_emission_per_block_capa', 'Emission per block in force (CAPA).');
    this.maxEmission = gauge('capacloud_max_emission_per_block_capa', 'The runtime\'s hard cap on emission per block (CAPA).');
    this.epoch = gauge('capacloud_epoch', 'Index of the open epoch.');
    this.epochStart = gauge('capacloud_epoch_start_block', 'First block of the open epoch.');
    this.epochLength = gauge('capacloud_epoch_length_blocks', 'Length of the open epoch (blocks).');
    this.minted = gauge('capacloud_epoch_minted_capa', 'Minted in the open epoch so far, by cause (CAPA).', ['cause']);
    this.burned = gauge('capacloud_epoch_burned_capa', 'Burned in the open epoch so far, by cause (CAPA).', ['cause']);
    this.unminted = gauge('capacloud_epoch_unminted_capa', 'Emission not minted in the open epoch so far (CAPA).');
    this.lastNet = gauge(
      'capacloud_last_epoch_issuance_change_capa',
      'Change of the total issuance over the last closed epoch (CAPA; negative: deflation).',
    );
    this.totalMinted = gauge('capacloud_minted_capa_total', 'Minted since genesis, as the chain\'s totals count it (CAPA).');
    this.totalBurned = gauge('capacloud_burned_capa_total', 'Burned since genesis, as the chain\'s totals count it (CAPA).');
    this.providers = gauge('capacloud_providers', 'Registered providers.');
    this.livePoints = gauge('capacloud_live_points', 'Availability points proven live in the open epoch so far.');
    this.credits = gauge('capacloud_credits_outstanding', 'Compute credits held by all accounts.');
    this.rewardPot = gauge('capacloud_reward_pot_capa', 'Balance of the reward pot (CAPA).');
    this.price = gauge('capacloud_price', 'The price in force (stable units per CAPA; absent: none yet).');
    this.priceAge = gauge('capacloud_price_age_blocks', 'Blocks since the latest price submission.');
    this.priceMaxAge = gauge('capacloud_price_max_age_blocks', 'The parameters\' price_max_age: older prices are refused.');
    this.saleOpen = gauge('capacloud_credit_sale_open', '1 while credits can be bought (a fresh price in force), else 0.');
    this.up = gauge('capacloud_exporter_up', '1 while the node answers.');
  }

  /// Sets every metric from the chain's answers at block `number`.
  update({ number, stats, lastPrice, quote }) {
    this.block.set(number);
    this.issuance.set(capa(stats.totalIssuance));
    if (stats.maxTotalSupply.isSome) this.maxSupply.set(capa(stats.maxTotalSupply.unwrap()));
    this.emission.set(capa(stats.emissionPerBlock));
    this.maxEmission.set(capa(stats.maxEmissionPerBlock));
    this.epoch.set(stats.epochIndex.toNumber());
    this.epochStart.set(Number(stats.epochStart.toString()));
    this.epochLength.set(stats.epochLength.toNumber());
    const open = stats.currentEpoch;
    for (const [cause, field] of [['providers', 'mintedProviders'], ['usage', 'mintedUsage'], ['ecosystem', 'mintedEcosystem'], ['outside', 'outsideMinted']]) {
      this.minted.set({ cause }, capa(open[field]));
    }
    for (const [cause, field] of [
      ['credits', 'burnedCredits'], ['fees', 'burnedFees'], ['slashes', 'burnedSlashes'],
      ['forfeited', 'burnedForfeited'], ['dust', 'burnedDust'], ['outside', 'outsideBurned'],
    ]) {
      this.burned.set({ cause }, capa(open[field]));
    }
    this.unminted.set(capa(open.unminted));
    if (stats.lastClosedEpoch.isSome) {
      const last = stats.lastClosedEpoch.unwrap();
      const change = BigInt(last.totalIssuanceAtClose.toString()) - BigInt(last.totalIssuanceAtOpen.toString());
      this.lastNet.set(Number(change) / PLANCKS);
    }
    this.totalMinted.set(capa(stats.totals.minted));
    this.totalBurned.set(capa(stats.totals.burned));
    this.providers.set(stats.providerCount.toNumber());
    this.livePoints.set(Number(stats.livePoints.toString()));
    this.credits.set(Number(stats.totalCredits.toString()));
    this.rewardPot.set(capa(stats.rewardPot));
    if (stats.parameters.isSome) this.priceMaxAge.set(stats.parameters.unwrap().priceMaxAge.toNumber());
    if (lastPrice.isSome) {
      const p = lastPrice.unwrap();
      this.price.set(Number(BigInt(p.price.toString())) / 1e18);
      this.priceAge.set(number - p.at.toNumber());
    }
    this.saleOpen.set(quote.isSome ? 1 : 0);
  }
}

export class Exporter {
  constructor(options, { logger = console.log } = {}) {
    this.options = options;
    this.log = logger;
    this.metrics = new EconomyMetrics();
    this.lastSeenAt = 0;
    this.blockMs = 6000;
    this.stopped = false;
  }

  async start() {
    await this.connect();
    this.blockMs = Number((await this.api.call.auraApi.slotDuration()).toString());
    this.server = await serveRegistry({
      registry: this.metrics.registry,
      health: () => this.health(),
      host: this.options.host,
      port: this.options.port,
    });
    this.log(`economy exporter: ${this.options.url} -> http://${this.options.host}:${this.server.address().port}/metrics`);
    this.loop = this.run();
  }

  /// The live connection's API.
  get api() {
    return this.connection?.api;
  }

  /// Connects (again, after a runtime upgrade: see `lostRuntimeApis`).
  async connect() {
    this.connection ??= new LastingConnection(this.options.url, {
      onDown: () => {
        if (this.stopped) return;
        this.log(`disconnected from ${this.options.url}; reconnecting`);
        this.metrics.up.set(0);
      },
    });
    await this.connection.open();
  }

  async stop() {
    this.stopped = true;
    await this.loop?.catch(() => {});
    this.server?.close();
    await this.connection?.close();
  }

  /// Healthy while a new block was read within three block times.
  health() {
    const fresh = Date.now() - this.lastSeenAt <= 3 * this.blockMs + POLL_MS;
    return { healthy: fresh, ...(fresh ? {} : { error: 'no new block read for three block times' }) };
  }

  async run() {
    let last = -1;
    while (!this.stopped) {
      try {
        if (lostRuntimeApis(this.api)) {
          this.log(`runtime upgraded to spec ${this.api.runtimeVersion.specVersion}: connecting again for its runtime APIs`);
          await this.connect();
        }
        const hash = await this.api.rpc.chain.getBlockHash();
        const number = (await this.api.rpc.chain.getHeader(hash)).number.toNumber();
        if (number !== last) {
          // Every answer at the same block, so that the metrics of one scrape agree.
          const at = await this.api.at(hash);
          const [stats, lastPrice, quote] = await Promise.all([
            at.call.burnMintApi.supplyStats(),
            at.query.burnMint.lastPrice(),
            at.call.burnMintApi.quoteCredits(1_000_000_000_000n),
          ]);
          this.metrics.update({ number, stats, lastPrice, quote });
          last = number;
        }
        this.lastSeenAt = Date.now();
        this.metrics.up.set(1);
      } catch (e) {
        this.log(`cannot read the chain (${e.message}); trying again`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const exporter = new Exporter(options);
  await exporter.start();
  const stop = async () => {
    await exporter.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/exporter.mjs')) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`economy-exporter: ${e.message}`);
    process.exit(e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
  });
}
