// Reading the chain for the dashboard with polkadot.js: a connection that survives node
// restarts and runtime upgrades, and what the page shows at one block, in a number of
// requests that does not depend on the number of providers:
//   - every block: the runtime API's `supplyStats` and `quoteCredits`, the controller state,
//     the price in force, the feeders' latest submissions and the block's events (a fixed
//     handful of requests, `ChainReader.stats` counts them);
//   - once an epoch (and when asked): the ledger, the reward pools, the providers and their
//     histories, the emission preview and the invariants (paged reads of maps the runtime
//     bounds: the ledger by `LedgerRetention`, the pools by `RewardClaimWindow`; the providers
//     by nothing, which is why they are not read every block).

import { ApiPromise, WsProvider } from '@polkadot/api';

import { chainProblem } from './economy.js';

/// How long the page waits for a first answer before it says the node is unreachable.
export const CONNECT_MS = 5000;

const big = (codec) => BigInt(codec.toString());
const num = (codec) => Number(codec.toString());
/// A FixedU128 (18 decimals) as a number.
const fixed = (codec) => Number(big(codec)) / 1e18;
/// A Permill as a share.
const permill = (codec) => num(codec) / 1e6;

/// A polkadot.js struct of amounts as an object of BigInt, keyed as polkadot.js keys it.
function amounts(struct) {
  return Object.fromEntries([...struct.entries()].map(([key, value]) => [key, big(value)]));
}

function providerStatus(status) {
  if (status.isActive) return 'active';
  if (status.isPaused) return 'paused';
  return 'leaving';
}

/// A `Provider` record as plain values.
export function providerRecord(account, p, now) {
  const frozenUntil = p.frozenUntil.isSome ? num(p.frozenUntil.unwrap()) : null;
  return {
    account,
    status: providerStatus(p.status),
    unlockAt: p.status.isLeaving ? num(p.status.asLeaving.unlockAt) : null,
    capacity: num(p.capacity),
    verifiedCapacity: num(p.verifiedCapacity),
    verifiedFrom: num(p.verifiedFrom),
    reputation: permill(p.reputation),
    bond: big(p.bond),
    eligibleFrom: num(p.eligibleFrom),
    work: p.work.isSome
      ? (() => {
          const w = p.work.unwrap();
          return { epoch: num(w.epoch), credits: big(w.credits), livePoints: big(w.livePoints), liveWindows: num(w.liveWindows) };
        })()
      : null,
    locked: big(p.locked),
    unlocking: p.unlocking.map((c) => ({ epoch: num(c.epoch), amount: big(c.amount) })),
    pending: big(p.pending),
    frozen: frozenUntil !== null && now < frozenUntil,
    frozenUntil,
  };
}

/// One connection to one node. `onStatus({ level, text })` reports what the page should say
/// (unreachable, reconnecting, another chain, upgraded); `onBlock(snapshot)` every block read;
/// `onEpoch(epochData)` every epoch read.
export class ChainReader {
  constructor(url, { onStatus, onBlock, onEpoch }) {
    this.url = url;
    this.onStatus = onStatus;
    this.onBlock = onBlock;
    this.onEpoch = onEpoch;
    this.stopped = false;
    this.lastEpoch = null;
    this.busy = false;
    this.queued = null;
    this.requests = { lastBlock: null, lastEpoch: null, maxPerBlock: 0 };
    /// How long the last block's reads and the last epoch's lists took (ms).
    this.timings = { lastBlockMs: null, lastEpochMs: null };
  }

  /// Connects (or keeps trying, saying so) and follows new blocks.
  async start() {
    await this.open();
  }

  connectionProblem(provider) {
    if (this.stopped || provider !== this.provider || provider.isConnected) return;
    this.onStatus?.({ level: 'error', kind: 'unreachable', text: `Cannot reach a node at ${this.url}: trying again every few seconds.` });
  }

  /// A new connection (its own WsProvider and ApiPromise): at the start, and after a runtime
  /// upgrade, when polkadot.js (16.5.6) is left with the runtime APIs' definitions gone and
  /// storage decoded with the old metadata's types (see clients/chain.mjs `lostRuntimeApis`); a
  /// new connection reads the new runtime's metadata whole. The old one closes after the new
  /// one is up, so the page never has none.
  async open() {
    const provider = new WsProvider(this.url, 2500);
    provider.on('error', () => this.connectionProblem(provider));
    provider.on('disconnected', () => this.connectionProblem(provider));
    provider.on('connected', () => provider === this.provider && this.onStatus?.(null));
    const old = { api: this.api, unsubscribe: this.unsubscribe };
    this.provider = provider;
    const unreachable = setTimeout(() => this.connectionProblem(provider), CONNECT_MS);
    try {
      await provider.isReady;
    } finally {
      clearTimeout(unreachable);
    }
    const api = await ApiPromise.create({ provider, noInitWarn: true });
    this.api = api;
    old.unsubscribe?.();
    await old.api?.disconnect().catch(() => {});
    const problem = chainProblemOf(api);
    if (problem) {
      this.onStatus?.({ level: 'error', kind: 'other-chain', text: problem });
      return;
    }
    this.specVersion = api.runtimeVersion.specVersion.toNumber();
    this.constants = {
      blocksPerYear: num(api.consts.burnMint.blocksPerYear),
      claimWindow: num(api.consts.burnMint.rewardClaimWindow),
      chain: (await api.rpc.system.chain()).toString(),
    };
    this.lastEpoch = null;
    this.unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => this.schedule(header));
  }

  stop() {
    this.stopped = true;
    this.unsubscribe?.();
    return this.api?.disconnect();
  }

  /// Reads one block at a time, always the newest: a block that arrives while one is read
  /// replaces any block waiting.
  schedule(header) {
    this.queued = header;
    if (this.busy) return;
    this.busy = true;
    (async () => {
      while (this.queued && !this.stopped) {
        const next = this.queued;
        this.queued = null;
        try {
          await this.read(next);
        } catch (e) {
          if (!this.provider.isConnected) this.connectionProblem(this.provider);
          else this.onStatus?.({ level: 'error', kind: 'read', text: `Cannot read block #${next.number}: ${e.message}` });
        }
      }
      this.busy = false;
    })();
  }

  async read(header) {
    const api = this.api;
    const before = this.provider.stats.total.requests;
    const started = performance.now();
    // The runtime of the block's state: a block that changed the code is not read with the
    // old connection (its storage would be decoded with the wrong metadata); the page
    // connects again and reads from the next block on.
    const version = (await api.rpc.state.getRuntimeVersion(header.hash)).specVersion.toNumber();
    if (version !== this.specVersion || !api.call.burnMintApi) {
      const from = this.specVersion;
      await this.open();
      this.onStatus?.({
        level: 'info',
        kind: 'upgraded',
        text: `The runtime was upgraded (spec ${from} -> ${this.specVersion}) at block #${header.number}: the page connected again and reads the new runtime.`,
      });
      return;
    }
    const snapshot = await this.readBlock(api, header);
    this.trackLiveness(snapshot);
    this.requests.lastBlock = this.provider.stats.total.requests - before;
    this.requests.maxPerBlock = Math.max(this.requests.maxPerBlock, this.requests.lastBlock);
    this.timings.lastBlockMs = Math.round(performance.now() - started);
    if (this.lastEpoch === snapshot.epoch.index) {
      this.onBlock?.(snapshot);
      return;
    }
    // A new epoch: its lists are read before the block is shown, so that what the page sums
    // over the ledger and the open epoch is of one block; but the first block is shown at
    // once (its sums over the ledger wait for the lists).
    const first = this.lastEpoch === null;
    if (first) this.onBlock?.(snapshot);
    const epochBefore = this.provider.stats.total.requests;
    const epochStarted = performance.now();
    const epochData = await this.readEpoch(api, snapshot);
    this.timings.lastEpochMs = Math.round(performance.now() - epochStarted);
    this.lastEpoch = snapshot.epoch.index;
    this.requests.lastEpoch = this.provider.stats.total.requests - epochBefore;
    this.live = {
      epoch: epochData.epoch,
      providers: new Set(epochData.providers.filter((p) => p.work?.epoch === epochData.epoch && p.work.liveWindows > 0).map((p) => p.account)),
      last: snapshot.number,
      complete: true,
    };
    this.trackLiveness(snapshot);
    this.onEpoch?.(epochData);
    this.onBlock?.(snapshot);
  }

  /// The providers live in the open epoch: those the epoch's provider list showed live, and
  /// every `ProviderLive` event of the blocks read since (a block skipped while the page was
  /// behind makes the count a lower bound: `complete` false). Sets `snapshot.liveProviders`.
  trackLiveness(snapshot) {
    const live = this.live;
    if (!live || live.epoch !== snapshot.epoch.index) {
      snapshot.liveProviders = null;
      return;
    }
    if (snapshot.number > live.last + 1) live.complete = false;
    live.last = Math.max(live.last, snapshot.number);
    for (const e of snapshot.live) if (e.epoch === live.epoch) live.providers.add(e.provider);
    snapshot.liveProviders = { count: live.providers.size, complete: live.complete };
  }

  /// Everything the page shows that changes every block, at block `header`.
  async readBlock(api, header) {
    const hash = header.hash.toHex();
    const number = header.number.toNumber();
    const at = await api.at(hash);
    const [stats, emission, lastPrice, feeders, quote, events] = await Promise.all([
      at.call.burnMintApi.supplyStats(),
      at.query.burnMint.emission(),
      at.query.burnMint.lastPrice(),
      at.query.burnMint.priceFeeders(),
      at.call.burnMintApi.quoteCredits(1_000_000_000_000n),
      at.query.system.events(),
    ]);
    const params = stats.parameters.isSome ? stats.parameters.unwrap() : null;
    const c = emission.controller;
    const limited = events
      .filter(({ event }) => api.events.burnMint.PriceMovementLimited.is(event))
      .map(({ event }) => ({
        block: number,
        median: fixed(event.data.median),
        price: fixed(event.data.price),
      }));
    const live = events
      .filter(({ event }) => api.events.burnMint.ProviderLive.is(event))
      .map(({ event }) => ({ provider: event.data.provider.toString(), epoch: num(event.data.epoch) }));
    return {
      number,
      hash,
      specVersion: this.specVersion,
      live,
      issuance: big(stats.totalIssuance),
      emissionPerBlock: big(stats.emissionPerBlock),
      maxEmissionPerBlock: big(stats.maxEmissionPerBlock),
      maxTotalSupply: stats.maxTotalSupply.isSome ? big(stats.maxTotalSupply.unwrap()) : null,
      epoch: { index: num(stats.epochIndex), start: num(stats.epochStart), length: num(stats.epochLength) },
      open: amounts(stats.currentEpoch),
      lastClosed: stats.lastClosedEpoch.isSome ? amounts(stats.lastClosedEpoch.unwrap()) : null,
      totals: amounts(stats.totals),
      credits: big(stats.totalCredits),
      providerCount: num(stats.providerCount),
      livePoints: big(stats.livePoints),
      rewardPot: big(stats.rewardPot),
      parameters: params && {
        mode: modeText(params.mode),
        minEmission: big(params.minEmissionPerBlock),
        maxEmission: big(params.maxEmissionPerBlock),
        priceMaxAge: num(params.priceMaxAge),
        maxPriceDeviation: num(params.maxPriceDeviation) / 1e9,
        minReputation: permill(params.minReputation),
        minPriceFeeds: num(params.minPriceFeeds),
      },
      pendingParameters: stats.pendingParameters.isSome,
      controller: {
        choice: big(c.choice),
        floor: big(c.floor),
        ceiling: big(c.ceiling),
        scheduledTarget: big(c.scheduledTarget),
        smoothedBurnPerBlock: big(c.smoothedBurnPerBlock),
      },
      price: lastPrice.isSome
        ? { price: fixed(lastPrice.unwrap().price), at: num(lastPrice.unwrap().at), sellable: quote.isSome, creditsPerCapa: quote.isSome ? big(quote.unwrap()) : null }
        : { price: null, at: null, sellable: quote.isSome, creditsPerCapa: null },
      feeders: feeders.map((f) => ({
        feeder: f.feeder.toString(),
        latest: f.latest.isSome ? { price: fixed(f.latest.unwrap()[0]), at: num(f.latest.unwrap()[1]) } : null,
      })),
      limited,
    };
  }

  /// What changes once an epoch: the ledger's closed epochs, the reward pools, the providers
  /// and their histories, the next epochs' emission and the invariants.
  async readEpoch(api, snapshot) {
    const at = await api.at(snapshot.hash);
    const [ledger, pools, claims, providers, histories, preview, invariants] = await Promise.all([
      at.query.burnMint.ledger.entries(),
      at.query.burnMint.rewardPools.entries(),
      at.query.burnMint.poolClaims(),
      at.query.burnMint.providers.entries(),
      at.query.burnMint.history.entries(),
      at.call.burnMintApi.previewEmission(null, 10),
      at.call.burnMintApi.checkInvariants(),
    ]);
    return {
      number: snapshot.number,
      epoch: snapshot.epoch.index,
      ledger: ledger.map(([key, books]) => ({ epoch: num(key.args[0]), books: amounts(books.unwrap()) })),
      // What each pool minted, and (kept apart on chain) what has been settled out of it.
      pools: pools.map(([key, pool]) => {
        const p = pool.unwrap();
        const epoch = num(key.args[0]);
        const claim = claims.find((c) => num(c.epoch) === epoch);
        return { epoch, usageMinted: big(p.usage.minted), availability: big(p.availability), claimed: claim ? big(claim.claimed) : 0n, livePoints: big(p.livePoints) };
      }),
      providers: providers.map(([key, p]) => providerRecord(key.args[0].toString(), p.unwrap(), snapshot.number)),
      histories: histories.map(([key, entry]) => {
        const h = entry.unwrap();
        return { account: key.args[0].toString(), removals: num(h.removals), slashes: num(h.slashes), slashed: big(h.slashed), reputation: permill(h.reputation) };
      }),
      preview: preview.isOk ? preview.asOk.map((p) => ({ epoch: num(p.epoch), emissionPerBlock: big(p.emissionPerBlock), totalIssuance: big(p.totalIssuance) })) : [],
      previewError: preview.isErr ? preview.asErr.toString() : null,
      invariants: invariants.isNone ? null : invariants.unwrap().isOk ? 'ok' : invariants.unwrap().asErr.toString(),
    };
  }

  /// One provider's record, what it could claim now, its unclaimed rewards' unlocking and the
  /// liveness window it is in: four requests, when the page is asked.
  async providerView(address) {
    const api = this.api;
    const hash = (await api.rpc.chain.getBlockHash()).toHex();
    const number = (await api.rpc.chain.getHeader(hash)).number.toNumber();
    const at = await api.at(hash);
    const [record, pending, window, history] = await Promise.all([
      at.query.burnMint.providers(address),
      at.call.burnMintApi.pendingRewards(address),
      at.call.burnMintApi.livenessWindow(address),
      at.query.burnMint.history(address),
    ]);
    return {
      number,
      record: record.isSome ? providerRecord(address, record.unwrap(), number) : null,
      claimableNow: big(pending),
      window: window.isSome ? { epoch: num(window.unwrap().epoch), window: num(window.unwrap().window), windows: num(window.unwrap().windows), proven: window.unwrap().proven.isTrue } : null,
      history: history.isSome ? { removals: num(history.unwrap().removals), slashes: num(history.unwrap().slashes), slashed: big(history.unwrap().slashed) } : null,
    };
  }
}

/// The controller's mode in words: `BurnIndexed` with its inflation target and smoothing, or
/// `FixedDecay` with its decay.
function modeText(mode) {
  if (mode.isBurnIndexed) {
    const { smoothing, targetInflationPerYear } = mode.asBurnIndexed;
    return `burn-indexed: target inflation ${(num(targetInflationPerYear) / 1e7).toFixed(2)}% a year, smoothing ${(num(smoothing) / 1e7).toFixed(1)}% an epoch`;
  }
  return `fixed decay: ${(num(mode.asFixedDecay.decay) / 1e7).toFixed(3)}% an epoch`;
}

function chainProblemOf(api) {
  return chainProblem({
    specName: api.runtimeVersion.specName.toString(),
    hasPallet: Boolean(api.query.burnMint),
    hasApi: Boolean(api.call.burnMintApi),
  });
}
