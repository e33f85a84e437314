// The feeder's loop: every `every` blocks, read the sources, check them, and submit their
// median with `burnMint.submitPrice`; wait for inclusion; log one line per round.
//
// The loop polls `chain_getHeader` rather than holding a subscription, so that a node restart
// (WsProvider reconnects by itself) needs no resubscription. Transport failures are retried
// with exponential backoff (1 s, 2 s, 4 s, ... 30 s); nothing the node or a source does makes
// the loop exit, except in --once mode.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { encodeAddress } from '@polkadot/util-crypto';

import { errorName } from '../chain.mjs';
import { aggregate, formatPrice, percent } from './price.mjs';
import { readSource } from './sources.mjs';

const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/// How long a read (header, storage) may take before the node counts as unreachable.
const QUERY_TIMEOUT_MS = 15_000;
/// --once gives up after this long without reaching the node.
const ONCE_DEADLINE_MS = 60_000;

/// The transaction was included but failed (a module error by name, e.g. burnMint.NotPriceFeeder).
class DispatchFailure extends Error {}
/// The node refused the transaction (transaction pool error) or dropped it.
class Rejected extends Error {}

export const timestamp = () => new Date().toISOString().replace('T', ' ').slice(0, 19);
export const log = (...args) => console.log(`[${timestamp()}]`, ...args);

export class Feeder {
  /// `config`: { url, sources, every, tolerance, minSources, sourceMaxAge, once, pair,
  /// accountName }; `metrics`: a Metrics instance.
  constructor(config, metrics, { logger = log } = {}) {
    this.config = config;
    this.metrics = metrics;
    this.log = logger;
    this.stopped = false;
    this.stopping = new Promise((resolve) => {
      this.resolveStopping = resolve;
    });
    this.blockTimeMs = 6000;
    this.priceMaxAge = undefined;
    /// max_price_deviation in Perbill parts, from burnMint.activeParameters (null: none yet).
    this.maxDeviation = null;
  }

  /// Runs until stop(); with --once, resolves after one round with whether it submitted.
  async run() {
    const { url } = this.config;
    const provider = new WsProvider(url, 2500);
    this.api = new ApiPromise({ provider, noInitWarn: true });
    // Connection errors are retried by the provider; isReady resolves once connected.
    this.api.isReadyOrError.catch(() => {});
    let everConnected = false;
    provider.on('connected', () => {
      if (everConnected) this.log(`reconnected to ${url}`);
      everConnected = true;
      this.metrics.up = true;
      // Do not sit out the rest of a transport backoff.
      this.wakeSleep?.();
    });
    provider.on('disconnected', () => {
      if (this.stopped) return;
      if (this.metrics.up) this.log(`disconnected from ${url}; reconnecting`);
      this.metrics.up = false;
      // The provider does not resubscribe to a submission's status: stop waiting for it.
      this.abandonSubmission?.(new Error('disconnected while waiting for inclusion'));
    });
    const waiting = setTimeout(() => this.log(`waiting for the node at ${url}`), 5000);
    const ready = await Promise.race([this.api.isReady.then(() => true), this.stopping]);
    clearTimeout(waiting);
    if (!ready) return false;
    this.metrics.up = provider.isConnected;
    this.address = encodeAddress(this.config.pair.publicKey, this.api.registry.chainSS58);
    try {
      await this.describe();
    } catch (e) {
      this.log(`could not read the chain's settings yet (${e.message}); going on`);
    }
    return this.loop();
  }

  async stop() {
    this.stopped = true;
    this.resolveStopping(false);
    this.wakeSleep?.();
    if (this.api) await this.api.disconnect().catch(() => {});
  }

  /// Logs who feeds what and the chain's staleness limit; sets the health window.
  async describe() {
    const { api, config } = this;
    try {
      this.blockTimeMs = (await api.call.auraApi.slotDuration()).toNumber();
    } catch {
      const period = api.consts.timestamp?.minimumPeriod;
      if (period) this.blockTimeMs = period.toNumber() * 2;
    }
    this.metrics.healthWindowMs = 3 * config.every * this.blockTimeMs;
    const chain = await api.rpc.system.chain();
    const who = config.accountName ? `${this.address} (${config.accountName})` : this.address;
    this.log(
      `feeding ${chain} at ${config.url} as ${who}:` +
        ` every ${config.every} block(s) (${(config.every * this.blockTimeMs) / 1000} s),` +
        ` tolerance ${percent(config.tolerance)}, at least ${config.minSources} source(s) of ` +
        config.sources.map((s) => s.label).join(', '),
    );
    await this.checkParameters();
  }

  /// Reads burnMint.activeParameters; logs price_max_age when it changes and warns when
  /// --every is not well inside it.
  async checkParameters() {
    const params = await this.api.query.burnMint.activeParameters();
    if (params.isNone) {
      if (this.priceMaxAge !== null) this.log('burnMint has no parameters yet (no price is used)');
      this.priceMaxAge = null;
      this.maxDeviation = null;
      return;
    }
    this.maxDeviation = params.unwrap().maxPriceDeviation.toNumber();
    const maxAge = params.unwrap().priceMaxAge.toNumber();
    if (maxAge === this.priceMaxAge) return;
    this.priceMaxAge = maxAge;
    const every = this.config.every;
    if (every * 2 >= maxAge) {
      const advice = Math.max(1, Math.floor((maxAge - 1) / 2));
      this.log(
        `warning: --every ${every} is not well inside price_max_age (${maxAge} blocks): a late` +
          ` or refused round lets the price go stale; use --every ${advice} or less`,
      );
    } else {
      this.log(
        `price_max_age is ${maxAge} blocks: a price older than that is refused by the chain`,
      );
    }
  }

  async loop() {
    const { every, once } = this.config;
    let lastRound;
    let backoff = BACKOFF_START_MS;
    const started = Date.now();
    const pollMs = Math.min(2000, Math.max(250, Math.floor(this.blockTimeMs / 6)));
    while (!this.stopped) {
      let head;
      let failure;
      try {
        // While the provider reconnects, calls fail at once (and polkadot.js logs each one).
        if (!this.api.isConnected) throw new Error('not connected');
        head = (
          await withTimeout(this.api.rpc.chain.getHeader(), QUERY_TIMEOUT_MS)
        ).number.toNumber();
        if (lastRound !== undefined && head < lastRound) {
          // A node restarted on a new chain (--tmp), or a reorg below the last round.
          this.log(`the best block is #${head}, below the last round's #${lastRound}`);
          lastRound = undefined;
        }
        if (lastRound === undefined || head >= lastRound + every) {
          const submitted = await this.round(head);
          lastRound = head;
          if (once) return submitted;
        }
        backoff = BACKOFF_START_MS;
      } catch (e) {
        failure = e;
      }
      if (this.stopped) break;
      if (failure) {
        this.metrics.refused('transport');
        this.metrics.up = this.api.isConnected;
        const at = head === undefined ? '' : `round at #${head}: `;
        this.log(
          `${at}not submitted: node unreachable (${failure.message.split('\n')[0]});` +
            ` retrying in ${backoff / 1000} s`,
        );
        if (once && Date.now() - started > ONCE_DEADLINE_MS) return false;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      } else {
        await this.sleep(pollMs);
      }
    }
    return false;
  }

  /// One round at block `head`: resolves with whether a price was submitted and included.
  /// Throws only for transport failures (the caller backs off and retries).
  async round(head) {
    const { api, config, metrics } = this;
    const now = Date.now();
    const [feeds, readings, , lastPrice] = await Promise.all([
      withTimeout(api.query.burnMint.priceFeeders(), QUERY_TIMEOUT_MS),
      Promise.all(
        config.sources.map((source) =>
          readSource(source, { maxAgeSeconds: config.sourceMaxAge, now }),
        ),
      ),
      withTimeout(this.checkParameters(), QUERY_TIMEOUT_MS),
      withTimeout(api.query.burnMint.lastPrice(), QUERY_TIMEOUT_MS),
    ]);
    const prefix = `round at #${head}:`;
    if (!feeds.some((feed) => feed.feeder.eq(this.address))) {
      metrics.refused('not_feeder');
      const set = feeds.map((feed) => feed.feeder.toString()).join(', ') || 'none';
      this.log(
        `${prefix} not submitted: ${this.address} is not a price feeder` +
          ` (burnMint.priceFeeders: ${set}); governance adds feeders with burnMint.setPriceFeeders`,
      );
      return false;
    }
    const values = [];
    const failed = [];
    const read = [];
    config.sources.forEach((source, i) => {
      const reading = readings[i];
      if (reading.error) {
        failed.push(`${source.label}: ${reading.error}`);
      } else {
        values.push(reading.value);
        read.push(`${source.label} = ${formatPrice(reading.value)}`);
      }
    });
    const ignored = failed.length ? `; unavailable: ${failed.join('; ')}` : '';
    const outcome = aggregate(values, {
      tolerance: config.tolerance,
      minSources: config.minSources,
    });
    if (outcome.refusal) {
      metrics.refused(outcome.refusal);
      const detail = outcome.refusal === 'disagree' ? ` (${read.join(', ')})` : '';
      this.log(`${prefix} not submitted: ${outcome.message}${detail}${ignored}`);
      return false;
    }
    // The market as the sources give it, however far from the price in force: the chain stores
    // it as reported and moves the price in force towards the feeds' median one step a block.
    const price = outcome.price;
    let far = '';
    if (lastPrice.isSome && this.maxDeviation !== null) {
      const inForce = lastPrice.unwrap().price.toBigInt();
      const keep = 1_000_000_000n - BigInt(this.maxDeviation);
      if (price * 1_000_000_000n < inForce * keep || price * keep > inForce * 1_000_000_000n) {
        metrics.farFromPrice();
        far =
          `; more than max_price_deviation from the price in force ${formatPrice(inForce)}:` +
          ' it follows one step a block while a quorum of feeds agrees';
      }
    }
    let block;
    try {
      block = await this.submit(price);
    } catch (e) {
      if (e instanceof DispatchFailure || e instanceof Rejected) {
        const reason = e instanceof DispatchFailure ? 'dispatch_error' : 'rejected';
        metrics.refused(reason);
        this.log(`${prefix} not submitted: ${e.message}`);
        return false;
      }
      throw e;
    }
    metrics.submitted(price, block);
    const from = values.length === 1 ? read[0] : `median of ${read.join(', ')}`;
    this.log(`submitted ${formatPrice(price)} (${from}) in block #${block}${far}${ignored}`);
    return true;
  }

  /// Signs and sends burnMint.submitPrice(price); resolves with the including block's number.
  submit(price) {
    const { api, config } = this;
    const tx = api.tx.burnMint.submitPrice(price);
    const limitMs = (config.every + 10) * this.blockTimeMs;
    return new Promise((resolve, reject) => {
      let unsubscribe;
      let settled = false;
      const settle = (fn, value) => {
        if (settled) return;
        settled = true;
        this.abandonSubmission = undefined;
        clearTimeout(timer);
        try {
          Promise.resolve(unsubscribe?.()).catch(() => {});
        } catch {
          // Already gone with the connection.
        }
        fn(value);
      };
      const timer = setTimeout(
        () =>
          settle(reject, new Error(`burnMint.submitPrice not included within ${limitMs / 1000} s`)),
        limitMs,
      );
      this.abandonSubmission = (e) => settle(reject, e);
      tx.signAndSend(config.pair, ({ status, dispatchError, events }) => {
        if (status.isInBlock) {
          if (dispatchError) {
            settle(
              reject,
              new DispatchFailure(`burnMint.submitPrice failed: ${errorName(api, dispatchError)}`),
            );
            return;
          }
          api.rpc.chain.getHeader(status.asInBlock).then(
            (header) => settle(resolve, header.number.toNumber()),
            (e) => settle(reject, e),
          );
        } else if (status.isInvalid || status.isDropped || status.isUsurped) {
          settle(reject, new Rejected(`burnMint.submitPrice declared ${status.type} by the node`));
        }
      }).then(
        (u) => {
          unsubscribe = u;
          if (settled) Promise.resolve(u()).catch(() => {});
        },
        (e) => {
          // "1010: Invalid Transaction: ..." and the like: the pool refused it.
          settle(
            reject,
            /^\d{4}:/.test(e.message)
              ? new Rejected(`the node refused burnMint.submitPrice: ${e.message}`)
              : e,
          );
        },
      );
    });
  }

  /// Waits `ms`, or less: stop() and a reconnection cut it short (wakeSleep).
  sleep(ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeSleep === done) this.wakeSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleep = done;
    });
  }
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
