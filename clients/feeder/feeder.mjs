#!/usr/bin/env node
// capacloud-feeder: submits the CAPA price to a CapaCloud node with burnMint.submitPrice, every
// few blocks, from the sources given on the command line. Run it next to a node with a key that
// governance made a price feeder (burnMint.setPriceFeeders). `--help` lists the options.

import { parseArgs } from 'node:util';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { Metrics, serveMetrics } from './metrics.mjs';
import { parseTolerance } from './price.mjs';
import { parseSource } from './sources.mjs';
import { Feeder, log } from './service.mjs';
import { DEV_ACCOUNTS, devUri, loadKey } from '../keys.mjs';


const USAGE = `usage: capacloud-feeder --source SPEC [--source SPEC ...] [options]

Submits the median of the sources' prices (stable units per CAPA) with burnMint.submitPrice
every --every blocks, and waits for its inclusion.

sources (at least one; read concurrently each round):
  fixed:0.5                        a constant (development chains)
  file:/path/price.txt             a decimal number in a file; stale when the file is older
                                   than --source-max-age
  http://host:port/path#a.b        JSON over HTTP GET (3 s timeout); the fragment is the dotted
                                   path to the value (array index: a.0.b)
  http://host:port/path#a.b@a.t    the same, with the path of a Unix timestamp in seconds: stale
                                   when older than --source-max-age

options:
  --url URL                 node WebSocket RPC (default ws://127.0.0.1:9944)
  --every N                 blocks between submissions (default 10; keep it well below the
                            chain's price_max_age, 60 blocks with fast-runtime)
  --tolerance X             refuse when (max - min) / median of the sources exceeds X
                            (default 0.05)
  --min-sources N           sources that must be available (default 1)
  --source-max-age S        seconds after which a file or timestamped HTTP value is stale
                            (default 300)
  --metrics-port P          GET /metrics (Prometheus) and /health; 0 = off (default 9616)
  --metrics-host H          address to serve them on (default 127.0.0.1)
  --once                    one round, then exit (0 if a price was submitted, 1 otherwise)
  --dev-account NAME        sign with a well-known development key (${DEV_ACCOUNTS.join(', ')})
  --key-env VAR             otherwise sign with the secret URI or mnemonic in environment
                            variable VAR (default CAPA_FEEDER_SEED)
  --key-type TYPE           sr25519 (default) or ed25519
  -h, --help                this text`;

function fail(message) {
  console.error(`capacloud-feeder: ${message}`);
  console.error('run with --help for the options');
  process.exit(2);
}

function integer(name, text, min) {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    fail(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/// The configuration from the command line and the environment; exits with status 2 on a
/// usage error.
async function configure(argv, env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string', default: 'ws://127.0.0.1:9944' },
        source: { type: 'string', multiple: true, default: [] },
        every: { type: 'string', default: '10' },
        tolerance: { type: 'string', default: '0.05' },
        'min-sources': { type: 'string', default: '1' },
        'source-max-age': { type: 'string', default: '300' },
        'metrics-port': { type: 'string', default: '9616' },
        'metrics-host': { type: 'string', default: '127.0.0.1' },
        once: { type: 'boolean', default: false },
        'dev-account': { type: 'string' },
        'key-env': { type: 'string', default: 'CAPA_FEEDER_SEED' },
        'key-type': { type: 'string', default: 'sr25519' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    fail(e.message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.source.length === 0) fail('at least one --source is required');
  let sources;
  try {
    sources = values.source.map(parseSource);
  } catch (e) {
    fail(e.message);
  }
  let tolerance;
  try {
    tolerance = parseTolerance(values.tolerance);
  } catch (e) {
    fail(`--tolerance: ${e.message}`);
  }
  const minSources = integer('min-sources', values['min-sources'], 1);
  if (minSources > sources.length) {
    fail(`--min-sources ${minSources} is more than the ${sources.length} source(s) given`);
  }
  const every = integer('every', values.every, 1);
  const sourceMaxAge = integer('source-max-age', values['source-max-age'], 1);
  const metricsPort = integer('metrics-port', values['metrics-port'], 0);
  if (metricsPort > 65535) fail('--metrics-port must be at most 65535');
  if (!['sr25519', 'ed25519'].includes(values['key-type'])) {
    fail('--key-type must be sr25519 or ed25519');
  }

  await cryptoWaitReady();
  const keyring = new Keyring({ type: values['key-type'] });
  let pair;
  let accountName;
  try {
    pair = loadKey(values, { keyring, defaultEnv: 'CAPA_FEEDER_SEED', env, forget: true });
    if (values['dev-account'] !== undefined) accountName = devUri(values['dev-account']);
  } catch (e) {
    fail(e.message);
  }

  return {
    url: values.url,
    sources,
    every,
    tolerance,
    minSources,
    sourceMaxAge,
    metricsPort,
    metricsHost: values['metrics-host'],
    once: values.once,
    pair,
    accountName,
  };
}

async function main() {
  const config = await configure(process.argv.slice(2), process.env);
  const metrics = new Metrics();
  let server;
  if (config.metricsPort !== 0) {
    try {
      server = await serveMetrics(metrics, { host: config.metricsHost, port: config.metricsPort });
    } catch (e) {
      console.error(
        `capacloud-feeder: cannot serve metrics on ${config.metricsHost}:${config.metricsPort}` +
          ` (${e.code ?? e.message}); choose another --metrics-port, or 0 for none`,
      );
      process.exit(1);
    }
    log(`metrics at http://${config.metricsHost}:${server.address().port}/metrics and /health`);
  }
  const feeder = new Feeder(config, metrics);

  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: disconnecting`);
    setTimeout(() => process.exit(0), 3000).unref();
    server?.close();
    await feeder.stop();
    process.exit(0);
  };
  // A stray rejection inside a library must not stop the feeder: the loop carries on.
  process.on('unhandledRejection', (e) => log(`warning: unhandled rejection: ${e?.message ?? e}`));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const submitted = await feeder.run();
  if (config.once) {
    server?.close();
    await feeder.stop();
    process.exit(submitted ? 0 : 1);
  }
}

main().catch((e) => {
  console.error('capacloud-feeder:', e);
  process.exit(1);
});
