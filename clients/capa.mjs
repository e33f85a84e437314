#!/usr/bin/env node
// capa: the CapaCloud economy from the command line, through polkadot.js. `capa --help` lists
// the commands; amounts are in CAPA (decimals allowed), printed with 12 decimals.

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import yoctoSpinner from 'yocto-spinner';
import { Keyring } from '@polkadot/keyring';
import { base58Decode, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';

import { UNIT, formatCapa, parseCapa, withSeparators } from './amounts.mjs';
import { CONNECT_SECONDS, UsageError, connect, submit } from './chain.mjs';
import { DEV_ACCOUNTS, loadKey } from './keys.mjs';
import { describeParameters, parameterProblems } from './parameters.mjs';
import { applyUpgrade, checkUpgrade, proposeUpgrade } from './upgrade.mjs';
import { registerSessionKeys, validatorState } from './validators.mjs';

/// The chain's SS58 address format (the runtime's `SS58Prefix`) and the generic Substrate one,
/// which development tools print and the chain reads as the same account.
const CHAIN_SS58 = 4224;
const GENERIC_SS58 = 42;
/// The commands that sign a transaction (they need a key, loaded before connecting).
const WRITES = [
  'buy', 'pay', 'spend', 'claim', 'heartbeat', 'keepalive', 'attest', 'verifier-bond', 'verifier-withdraw',
  'register', 'bond-extra', 'update-capacity', 'pause', 'resume', 'leave', 'withdraw', 'forget-history',
  'session-keys', 'upgrade-propose', 'upgrade-apply',
];

const USAGE = `usage: capa COMMAND [options]

read (no key needed):
  supply                      supply statistics: total issuance, emission per block, minted and
                              burned by cause in the open epoch and since genesis, net inflation
                              of the last closed epoch, annualized
  preview [--params FILE]     the emission path of the next --epochs epochs (default 12, at
          [--epochs N]        most the chain's MaxPreviewEpochs) under the parameters in force,
                              or under those in FILE (JSON: every field, as 'capa params --json'
                              prints them; checked against the chain's types before it is sent)
  params                      the parameters in force: shares in percent, amounts in CAPA
                              (--json: the chain's JSON, the input format of --params)
  provider ADDRESS            a provider: status, declared and verified capacity, reputation,
                              bond, live points this epoch, claimable and locked rewards (and
                              the epoch each locked reward unlocks in)
  providers                   every provider, a line each: status, verified capacity, reputation
  price                       the price in force (stable units per CAPA), the block it was
                              computed at, and the credits one CAPA buys now (none: no sale)
  quote AMOUNT                the credits that burning AMOUNT CAPA buys now
  credits ADDRESS             the compute credits an account holds
  balance ADDRESS             an account's free and held tokens (bonds), in CAPA
  verifier ADDRESS            a capacity verifier (or candidate): in the set or not, its bond, the
                              bond the parameters require, the block of its latest attestation
                              and the first block its bond may be withdrawn at
  validators                  the validator set governance keeps, the session's validators
                              (authoring now) and the next session's, and the session index
  upgrade-check WASM          check a runtime blob against the chain's state at the best block,
                [--node-bin PATH]  as try-runtime does: the state copied into a throwaway node
                              (PATH, default $CAPA_NODE_BIN or capacloud-node) with WASM as its
                              runtime, its migrations run with every pre/post check and every
                              pallet's try_state; exit 1 with the runtime's message if one fails
  snapshot [--out FILE]       the chain's economic state as JSON (parameters, controller, open
                              epoch, totals, issuance, providers, reward pools, price feeds), for
                              the simulator to start from; to FILE or standard output

write (signed; the key never goes on the command line):
  register UNITS BOND                   become a provider declaring UNITS of capacity, holding
                                        BOND CAPA (a verifier quorum then attests the capacity)
  bond-extra AMOUNT                     add AMOUNT CAPA to the signer's provider bond
  update-capacity UNITS                 declare another capacity (a decrease counts at once)
  pause | resume                        stop earning and being paid for a while / start again
  leave                                 start leaving: the bond unlocks after the unbonding period
  withdraw                              release the bond of a provider that left, once unlocked
  forget-history                        drop the signer's provider history once it is no provider
                                        (an account with a history cannot be reaped)
  buy AMOUNT [--min-credits N]          burn AMOUNT CAPA for compute credits
  pay PROVIDER AMOUNT [--min-credits N] burn AMOUNT CAPA for credits spent with PROVIDER
  spend PROVIDER CREDITS                spend CREDITS of the signer's credits with PROVIDER
  claim [PROVIDER]                      pay PROVIDER (default: the signer) its claimable rewards
  heartbeat                             prove the signer (a provider) live in this liveness window
  attest PROVIDER UNITS                 as a capacity verifier: attest UNITS of PROVIDER's capacity
  verifier-bond AMOUNT                  hold AMOUNT CAPA more as the signer's verifier bond (a
                                        verifier attests only with the parameters' bond held)
  verifier-withdraw                     release the signer's verifier bond (out of the set, and
                                        the unbonding minimum after its latest attestation)
  session-keys                          as a validator's operator, on the validator's own machine:
                                        new session keys in the keystore of the node at --url,
                                        registered for the signer (session.setKeys, with the
                                        proof the node makes; holds the key deposit); a
                                        referendum then adds the signer (docs/operators.md)
  upgrade-propose WASM [--node-bin PATH] propose the runtime upgrade to WASM: upgrade-check first
                                        (nothing is proposed if it fails), then a root-track
                                        referendum of system.authorizeUpgrade(blake2-256 of WASM)
                                        with its decision deposit; prints the referendum's index
  upgrade-apply WASM                    once that referendum is enacted: system.applyAuthorized-
                                        Upgrade(WASM) (anyone may); the next block runs the new
                                        runtime and its migrations (docs/operators.md, section 8)
  keepalive [--blocks N]                a provider's agent: one heartbeat in every liveness window
                                        the signer has not proven yet, asked of the chain at each
                                        new block; runs until stopped (or for N blocks)

ADDRESS, PROVIDER: an SS58 address in this chain's format (${CHAIN_SS58}) or the generic one (${GENERIC_SS58},
what development tools print); another network's address is refused.

options:
  --url URL              node RPC (default ws://127.0.0.1:9944; http:// and https:// mean ws://
                         and wss://); capa gives up after ${CONNECT_SECONDS} s without an answer
  --dev-account NAME     sign with a well-known development key (${DEV_ACCOUNTS.join(', ')})
  --key-env VAR          otherwise sign with the secret URI or mnemonic in environment variable
                         VAR (default CAPA_SEED)
  --json                 print JSON instead of text (amounts without thousands separators)
  -h, --help             this text`;

/// capa's answer on standard output, a line (polkadot.js's own logs go to standard error: see
/// `main`).
const out = (text) => process.stdout.write(`${text}\n`);

const big = (codec) => BigInt(codec.toString());

/// A positive amount of CAPA (a zero purchase or bond would only pay a fee).
function positiveCapa(text) {
  const plancks = parseCapa(text);
  if (plancks === 0n) throw new UsageError(`the amount must be above 0: ${text}`);
  return plancks;
}

/// The SS58 format of an address (its prefix), read from its first one or two bytes.
function ss58Format(text) {
  const raw = base58Decode(text);
  return raw[0] < 64 ? raw[0] : ((raw[0] & 0x3f) << 2) | (raw[1] >> 6) | ((raw[1] & 0x3f) << 8);
}

/// An SS58 address, checked before anything is sent: base58, checksum, a 32-byte account, and
/// this chain's format (or the generic one); another network's address is refused, as it most
/// likely names an account the user meant on that network.
export function address(text) {
  let format;
  try {
    if (decodeAddress(text).length !== 32) throw new Error('not a 32-byte account');
    format = ss58Format(text);
  } catch {
    throw new UsageError(`not an SS58 address: ${text}`);
  }
  if (format !== CHAIN_SS58 && format !== GENERIC_SS58) {
    throw new UsageError(
      `${text} is an address of another network (SS58 format ${format}); this chain's format is ${CHAIN_SS58} (or the generic ${GENERIC_SS58})`,
    );
  }
  return text;
}

/// A whole, positive number of compute credits (a `u128` on chain).
function credits(text) {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n || BigInt(text) >= 2n ** 128n) {
    throw new UsageError(`not a whole number of credits above 0: ${text}`);
  }
  return BigInt(text);
}

/// A whole number of capacity units (a `u32` on chain).
function units(text) {
  if (!/^\d+$/.test(text) || Number(text) > 0xffff_ffff) throw new UsageError(`not a whole number of units: ${text}`);
  return Number(text);
}

/// The command's arguments, checked before connecting: a usage error never waits for a node.
export function parseInputs(command, args) {
  const count = (min, max, what) => {
    if (args.length < min || args.length > max) throw new UsageError(`${command} needs ${what}`);
  };
  switch (command) {
    case 'provider':
    case 'verifier':
      count(1, 1, 'an ADDRESS');
      return { address: address(args[0]) };
    case 'buy':
    case 'verifier-bond':
      count(1, 1, 'an AMOUNT');
      return { amount: positiveCapa(args[0]) };
    case 'pay':
      count(2, 2, 'a PROVIDER and an AMOUNT');
      return { address: address(args[0]), amount: positiveCapa(args[1]) };
    case 'spend':
      count(2, 2, 'a PROVIDER and a number of CREDITS');
      return { address: address(args[0]), credits: credits(args[1]) };
    case 'claim':
      count(0, 1, 'at most a PROVIDER');
      return { address: args[0] === undefined ? null : address(args[0]) };
    case 'credits':
    case 'balance':
      count(1, 1, 'an ADDRESS');
      return { address: address(args[0]) };
    case 'quote':
    case 'bond-extra':
      count(1, 1, 'an AMOUNT');
      return { amount: positiveCapa(args[0]) };
    case 'register':
      count(2, 2, 'UNITS and a BOND');
      return { units: units(args[0]), amount: positiveCapa(args[1]) };
    case 'update-capacity':
      count(1, 1, 'UNITS');
      return { units: units(args[0]) };
    case 'upgrade-check':
    case 'upgrade-propose':
    case 'upgrade-apply':
      count(1, 1, 'a runtime blob (a WASM file)');
      return { wasm: args[0] };
    case 'attest':
      count(2, 2, 'a PROVIDER and a whole number of UNITS');
      if (!/^\d+$/.test(args[1]) || Number(args[1]) > 0xffff_ffff) {
        throw new UsageError(`not a whole number of units: ${args[1]}`);
      }
      return { address: address(args[0]), units: Number(args[1]) };
    default:
      count(0, 0, 'no arguments');
      return {};
  }
}

async function submitWithSpinner(api, tx, pair, options) {
  const interactive = process.stderr.isTTY && !options.json;
  const spinner = interactive
    ? yoctoSpinner({ text: `${tx.method.section}.${tx.method.method}: waiting for inclusion` }).start()
    : null;
  try {
    const result = await submit(api, tx, pair);
    spinner?.success(`${tx.method.section}.${tx.method.method}: in block ${result.blockHash.toHex()}`);
    return result;
  } catch (e) {
    spinner?.error(`${tx.method.section}.${tx.method.method}: failed`);
    throw e;
  }
}

/// Sends a heartbeat for `pair` and returns what the chain counted (the `ProviderLive` event).
async function heartbeat(api, pair, options) {
  const { events, blockHash } = await submitWithSpinner(api, api.tx.burnMint.heartbeat(), pair, options);
  const live = events.find(({ event }) => api.events.burnMint.ProviderLive.is(event)).event.data;
  const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  return { provider: pair.address, block, epoch: live.epoch.toNumber(), window: live.window.toNumber(), points: live.points.toString() };
}

/// A provider's agent: at each new block, asks the chain (`burnMintApi.livenessWindow`) which
/// liveness window the next block lies in and whether the provider proved it; if not, sends one
/// heartbeat (one at a time) and prints what the chain counted. A failed heartbeat is printed
/// and tried again in the next block. Stops after `blocks` new blocks (or never).
async function keepAlive(api, pair, options, blocks) {
  let seen = 0;
  let sending = false;
  await new Promise((resolve, reject) => {
    let unsubscribe = null;
    const stop = () => {
      unsubscribe?.();
      resolve();
    };
    api.rpc.chain
      .subscribeNewHeads(async () => {
        seen += 1;
        if (seen > blocks) return stop();
        if (sending) return;
        sending = true;
        try {
          const answer = await api.call.burnMintApi.livenessWindow(pair.address);
          if (answer.isSome && answer.unwrap().proven.isFalse) {
            const sent = await heartbeat(api, pair, { ...options, json: true });
            // One line a heartbeat: JSON lines with --json.
            out(
              options.json
                ? JSON.stringify(sent)
                : `heartbeat in block ${sent.block}: epoch ${sent.epoch}, window ${sent.window}, ${sent.points} live points`,
            );
          }
        } catch (e) {
          console.error(`capa: heartbeat failed: ${e.message}`);
        } finally {
          sending = false;
        }
      })
      .then((u) => {
        unsubscribe = u;
      }, reject);
  });
}

/// The chain's economic state in one JSON-ready object: what the simulator needs to continue
/// from here (amounts as decimal strings of plancks).
async function snapshot(api) {
  const header = await api.rpc.chain.getHeader();
  const at = await api.at(header.hash);
  // Plain values: integers past 2^53 as decimal strings.
  const json = (codec) => codec.toPrimitive();
  const [params, pending, emission, epoch, issuance, providers, pools, claims, feeds, lastPrice, stats] =
    await Promise.all([
      at.query.burnMint.activeParameters(),
      at.query.burnMint.pendingParameters(),
      at.query.burnMint.emission(),
      at.query.burnMint.currentEpoch(),
      at.query.balances.totalIssuance(),
      at.query.burnMint.providers.entries(),
      at.query.burnMint.rewardPools.entries(),
      at.query.burnMint.poolClaims(),
      at.query.burnMint.priceFeeders(),
      at.query.burnMint.lastPrice(),
      at.call.burnMintApi.supplyStats(),
    ]);
  return {
    format: 'capacloud-snapshot/3',
    block: header.number.toNumber(),
    blockHash: header.hash.toHex(),
    totalIssuance: issuance.toString(),
    parameters: json(params),
    pendingParameters: json(pending),
    emission: json(emission),
    currentEpoch: json(epoch),
    totals: json(stats.totals),
    maxEmissionPerBlock: stats.maxEmissionPerBlock.toString(),
    maxTotalSupply: stats.maxTotalSupply.isSome ? stats.maxTotalSupply.unwrap().toString() : null,
    providers: providers.map(([key, record]) => ({ account: key.args[0].toString(), ...json(record.unwrap()) })),
    // Each pool whole, as the chain's `reward_pool` joins them: what it minted and what has
    // been settled out of it (kept apart, in `poolClaims`, since storage version 12).
    rewardPools: pools.map(([key, pool]) => {
      const epoch = key.args[0].toNumber();
      const claim = claims.find((c) => c.epoch.toNumber() === epoch);
      return { epoch, ...json(pool.unwrap()), claimed: claim ? json(claim.claimed) : 0 };
    }),
    priceFeeds: json(feeds),
    lastPrice: json(lastPrice),
    rewardDelay: api.consts.burnMint.rewardDelay.toNumber(),
    minUnbondingPeriod: api.consts.burnMint.minUnbondingPeriod.toNumber(),
  };
}

/// Supply statistics from the runtime API, with the net inflation of the last closed epoch
/// annualized over the chain's slot duration.
/// The parameter set in `file`, checked against the chain's `Parameters` type: a usage error
/// naming every field that is missing, unknown or out of its type's range.
async function proposedParameters(api, file) {
  let proposed;
  try {
    proposed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--params ${file}: ${e.message}`);
  }
  const problems = parameterProblems(api, proposed);
  if (problems.length) throw new UsageError(`--params ${file}:\n  ${problems.join('\n  ')}`);
  return proposed;
}

async function supply(api) {
  const stats = await api.call.burnMintApi.supplyStats();
  const slotMs = Number(await api.call.auraApi.slotDuration());
  const epochsPerYear = (365 * 24 * 3600 * 1000) / (slotMs * stats.epochLength.toNumber());
  const open = stats.currentEpoch;
  const books = (b) => ({
    mintedProviders: formatCapa(big(b.mintedProviders)),
    mintedEcosystem: formatCapa(big(b.mintedEcosystem)),
    burnedCredits: formatCapa(big(b.burnedCredits)),
    burnedFees: formatCapa(big(b.burnedFees)),
    burnedSlashes: formatCapa(big(b.burnedSlashes)),
    burnedForfeited: formatCapa(big(b.burnedForfeited)),
    burnedDust: formatCapa(big(b.burnedDust)),
    outsideMinted: formatCapa(big(b.outsideMinted)),
    outsideBurned: formatCapa(big(b.outsideBurned)),
    unminted: formatCapa(big(b.unminted)),
  });
  let inflation = null;
  if (stats.lastClosedEpoch.isSome) {
    const last = stats.lastClosedEpoch.unwrap();
    // The issuance's change over the epoch: what every line of its books adds up to.
    const issuance = big(last.totalIssuanceAtClose);
    const net = issuance - big(last.totalIssuanceAtOpen);
    if (issuance > 0n) {
      // Parts per billion, then as a percentage: exact enough for a display.
      const ppb = (net * 1_000_000_000n) / issuance;
      inflation = `${((Number(ppb) / 1e7) * epochsPerYear).toFixed(4)}%`;
    }
  }
  return {
    totalIssuance: formatCapa(big(stats.totalIssuance)),
    emissionPerBlock: formatCapa(big(stats.emissionPerBlock)),
    maxEmissionPerBlock: formatCapa(big(stats.maxEmissionPerBlock)),
    maxTotalSupply: stats.maxTotalSupply.isSome ? formatCapa(big(stats.maxTotalSupply.unwrap())) : null,
    epoch: stats.epochIndex.toNumber(),
    epochStart: Number(stats.epochStart),
    epochLength: stats.epochLength.toNumber(),
    openEpoch: books(open),
    sinceGenesis: {
      minted: formatCapa(big(stats.totals.minted)),
      burned: formatCapa(big(stats.totals.burned)),
      unminted: formatCapa(big(stats.totals.unminted)),
    },
    netInflationAnnualized: inflation,
    providers: stats.providerCount.toNumber(),
    livePoints: stats.livePoints.toString(),
    creditsOutstanding: stats.totalCredits.toString(),
    rewardPot: formatCapa(big(stats.rewardPot)),
  };
}

/// The signed calls of `capa` that print the fields of one event, each with the event that says
/// what the chain did.
const EVENT_CALLS = {
  register: { call: (tx, i) => tx.registerProvider(i.units, i.amount), event: 'ProviderRegistered' },
  'bond-extra': { call: (tx, i) => tx.bondExtra(i.amount), event: 'BondIncreased' },
  'update-capacity': { call: (tx, i) => tx.updateCapacity(i.units), event: 'CapacityUpdated' },
  pause: { call: (tx) => tx.pause(), event: 'ProviderPaused' },
  resume: { call: (tx) => tx.resume(), event: 'ProviderResumed' },
  leave: { call: (tx) => tx.leave(), event: 'ProviderLeaving' },
  withdraw: { call: (tx) => tx.withdrawBond(), event: 'BondWithdrawn' },
  'forget-history': { call: (tx) => tx.forgetHistory(), event: 'HistoryForgotten' },
  spend: { call: (tx, i) => tx.spendCredits(i.address, i.credits), event: 'CreditsSpent' },
};

/// Sends one of the `EVENT_CALLS` for `pair` and returns its event's fields (amounts in CAPA,
/// credits as a decimal string).
async function eventCall(api, command, input, pair, options) {
  const { call, event } = EVENT_CALLS[command];
  const { events } = await submitWithSpinner(api, call(api.tx.burnMint, input), pair, options);
  const data = eventOf(api, events, event);
  const fields = { event };
  data.meta.fields.forEach((field, i) => {
    const name = field.name.unwrap().toString().replace(/_(\w)/g, (_, c) => c.toUpperCase());
    const value = data[i];
    if (['amount', 'bond'].includes(name)) fields[name] = formatCapa(big(value));
    else if (name === 'credits') fields[name] = value.toString();
    else fields[name] = value.toJSON();
  });
  return fields;
}

/// Every provider: status, verified capacity, reputation, bond.
async function providers(api) {
  const entries = await api.query.burnMint.providers.entries();
  return entries
    .map(([key, record]) => {
      const p = record.unwrap();
      return {
        address: key.args[0].toString(),
        status: p.status.type,
        verifiedCapacity: p.verifiedCapacity.toNumber(),
        reputation: `${(p.reputation.toNumber() / 10_000).toFixed(2)}%`,
        bond: formatCapa(big(p.bond)),
      };
    })
    .sort((a, b) => a.address.localeCompare(b.address));
}

/// The price in force (a FixedU128: 18 decimals) and what one CAPA buys now.
async function price(api) {
  const [last, quote] = await Promise.all([
    api.query.burnMint.lastPrice(),
    api.call.burnMintApi.quoteCredits(UNIT),
  ]);
  if (last.isNone) return { price: null, at: null, creditsPerCapa: null };
  const p = last.unwrap();
  const inner = big(p.price);
  const scale = 10n ** 18n;
  const fraction = (inner % scale).toString().padStart(18, '0').replace(/0+$/, '');
  return {
    price: `${inner / scale}${fraction ? `.${fraction}` : ''}`,
    at: p.at.toNumber(),
    // None while too few fresh feeds agree: no credit can be bought.
    creditsPerCapa: quote.isSome ? quote.unwrap().toString() : null,
  };
}

/// A capacity verifier's bond and standing, as the chain has them.
async function verifier(api, address) {
  const [bond, verifiers, params] = await Promise.all([
    api.query.burnMint.verifierBonds(address),
    api.query.burnMint.capacityVerifiers(),
    api.query.burnMint.activeParameters(),
  ]);
  const held = bond.isSome ? bond.unwrap() : null;
  const lastAttested = held && held.lastAttested.isSome ? held.lastAttested.unwrap().toNumber() : null;
  const unbonding = api.consts.burnMint.minUnbondingPeriod.toNumber();
  return {
    address,
    inSet: verifiers.some((v) => v.eq(address)),
    bond: formatCapa(held ? big(held.amount) : 0n),
    required: params.isSome ? formatCapa(big(params.unwrap().verifierBond)) : null,
    lastAttested,
    // Out of the set, the bond may be withdrawn from this block on.
    withdrawableFrom: held ? (lastAttested === null ? 0 : lastAttested + unbonding) : null,
  };
}

/// The event `name` of pallet burnMint among `events`, or an error naming what is missing.
function eventOf(api, events, name) {
  const found = events.find(({ event }) => api.events.burnMint[name].is(event));
  if (!found) throw new Error(`no burnMint.${name} event`);
  return found.event.data;
}

async function provider(api, address) {
  const record = await api.query.burnMint.providers(address);
  if (record.isNone) throw new UsageError(`${address} is not a provider`);
  const p = record.unwrap();
  const epoch = (await api.query.burnMint.currentEpoch()).index.toNumber();
  const work = p.work.isSome ? p.work.unwrap() : null;
  return {
    address,
    status: p.status.type,
    capacity: p.capacity.toNumber(),
    verifiedCapacity: p.verifiedCapacity.toNumber(),
    // The verified capacity that counts in the open epoch: a change the verifiers agreed on
    // counts from the epoch after (`verifiedFrom`).
    capacityThisEpoch: (epoch >= p.verifiedFrom.toNumber() ? p.verifiedCapacity : p.previousCapacity).toNumber(),
    verifiedFrom: p.verifiedFrom.toNumber(),
    reputation: `${(p.reputation.toNumber() / 10_000).toFixed(2)}%`,
    bond: formatCapa(big(p.bond)),
    eligibleFrom: p.eligibleFrom.toNumber(),
    livePointsThisEpoch: work && work.epoch.toNumber() === epoch ? work.livePoints.toString() : '0',
    // The liveness windows of the open epoch proven so far, of the parameters' `livenessWindows`:
    // availability counts in their share.
    windowsProvenThisEpoch: work && work.epoch.toNumber() === epoch ? popcount(work.liveWindows.toNumber()) : 0,
    claimable: formatCapa(big(await api.call.burnMintApi.pendingRewards(address))),
    locked: formatCapa(big(p.locked)),
    // When each settled epoch's locked reward becomes claimable (`RewardDelay` epochs after
    // its epoch closed): epoch -> amount.
    unlocks: Object.fromEntries(p.unlocking.map((c) => [`epoch ${c.epoch.toNumber()}`, formatCapa(big(c.amount))])),
  };
}

/// The number of bits set in a 32-bit mask.
function popcount(mask) {
  let count = 0;
  for (let m = mask >>> 0; m; m >>>= 1) count += m & 1;
  return count;
}

function print(value, json) {
  if (json) {
    out(JSON.stringify(value, null, 2));
    return;
  }
  const lines = (object, indent) =>
    Object.entries(object).flatMap(([key, v]) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? [`${indent}${key}:`, ...lines(v, `${indent}  `)]
        : [`${indent}${key}: ${typeof v === 'string' ? withSeparators(v) : v}`],
    );
  out(lines(value, '').join('\n'));
}

/// What each command does once its inputs are checked and the node answers: `ctx` holds the
/// api, the checked `input`, the signing `pair` (write commands), the `options` and the
/// checked option values (`minCredits`, `epochs`, `blocks`).
const COMMANDS = {
  supply: async ({ api, options }) => print(await supply(api), options.json),
  params: async ({ api, options }) => {
    const params = (await api.query.burnMint.activeParameters()).toJSON();
    if (options.json || params === null) out(JSON.stringify(params, null, 2));
    else for (const line of describeParameters(api, params, (p) => withSeparators(formatCapa(p)))) out(line);
  },
  preview: async (ctx) => printPreview(await preview(ctx), ctx.options.json),
  snapshot: async ({ api, options }) => {
    const text = `${JSON.stringify(await snapshot(api), null, 2)}\n`;
    if (!options.out) return process.stdout.write(text);
    await writeFile(options.out, text);
    console.error(`snapshot written to ${options.out}`);
  },
  provider: async ({ api, input, options }) => print(await provider(api, input.address), options.json),
  verifier: async ({ api, input, options }) => print(await verifier(api, input.address), options.json),
  providers: async ({ api, options }) => {
    const list = await providers(api);
    if (options.json) return print(list, true);
    for (const p of list) {
      out(`${p.address} ${p.status} ${p.verifiedCapacity} units, reputation ${p.reputation}, bond ${withSeparators(p.bond)}`);
    }
  },
  price: async ({ api, options }) => print(await price(api), options.json),
  validators: async ({ api, options }) => print(await validatorState(api), options.json),
  'session-keys': async ({ api, pair, options }) => {
    const keys = await registerSessionKeys(api, pair);
    print({ validator: pair.address, keys }, options.json);
  },
  'upgrade-check': async ({ api, input, options }) => {
    const result = await upgradeCheck(api, input, options);
    print(result, options.json);
    if (!result.ok) throw new Error(`the upgrade fails its checks: ${result.error}`);
  },
  'upgrade-propose': async ({ api, input, pair, options }) => {
    const check = await upgradeCheck(api, input, options);
    if (!check.ok) throw new Error(`not proposed: the upgrade fails its checks: ${check.error}`);
    const code = await readFile(input.wasm);
    const { index, hash } = await proposeUpgrade(api, code, pair);
    print({ referendum: index, codeHash: hash, specVersion: check.specVersion, migrationWeight: check.weight }, options.json);
  },
  'upgrade-apply': async ({ api, input, pair, options }) => {
    const applied = await applyUpgrade(api, await readFile(input.wasm), pair);
    print({ codeUpdatedAt: applied.block, codeHash: applied.hash }, options.json);
  },
  quote: async ({ api, input, options }) => {
    const quote = await api.call.burnMintApi.quoteCredits(input.amount);
    print({ amount: formatCapa(input.amount), credits: quote.isSome ? quote.unwrap().toString() : null }, options.json);
  },
  credits: async ({ api, input, options }) => {
    const credits = (await api.call.burnMintApi.creditsOf(input.address)).toString();
    print({ address: input.address, credits }, options.json);
  },
  balance: async ({ api, input, options }) => {
    const account = (await api.query.system.account(input.address)).data;
    print({ address: input.address, free: formatCapa(big(account.free)), held: formatCapa(big(account.reserved)) }, options.json);
  },
  ...Object.fromEntries(
    Object.keys(EVENT_CALLS).map((name) => [
      name,
      async ({ api, input, pair, options }) => print(await eventCall(api, name, input, pair, options), options.json),
    ]),
  ),
  attest: async ({ api, input, pair, options }) => {
    const tx = api.tx.burnMint.attestCapacity(input.address, input.units);
    const { events } = await submitWithSpinner(api, tx, pair, options);
    const attested = eventOf(api, events, 'CapacityAttested');
    print({ provider: attested.provider.toString(), verifier: pair.address, capacity: attested.capacity.toNumber() }, options.json);
  },
  'verifier-bond': async ({ api, input, pair, options }) => {
    const { events } = await submitWithSpinner(api, api.tx.burnMint.bondVerifier(input.amount), pair, options);
    const bonded = eventOf(api, events, 'VerifierBonded');
    print({ verifier: pair.address, added: formatCapa(big(bonded.amount)), total: formatCapa(big(bonded.total)) }, options.json);
  },
  'verifier-withdraw': async ({ api, pair, options }) => {
    const { events } = await submitWithSpinner(api, api.tx.burnMint.withdrawVerifierBond(), pair, options);
    const released = eventOf(api, events, 'VerifierBondWithdrawn');
    print({ verifier: pair.address, released: formatCapa(big(released.amount)) }, options.json);
  },
  buy: async ({ api, input, pair, options, minCredits }) => {
    const tx = api.tx.burnMint.buyCredits(input.amount, minCredits);
    const bought = eventOf(api, (await submitWithSpinner(api, tx, pair, options)).events, 'CreditsBought');
    print({ burned: formatCapa(big(bought.burned)), credits: bought.credits.toString() }, options.json);
  },
  pay: async ({ api, input, pair, options, minCredits }) => {
    const tx = api.tx.burnMint.payForCompute(input.address, input.amount, minCredits);
    const spent = eventOf(api, (await submitWithSpinner(api, tx, pair, options)).events, 'CreditsSpent');
    print({ provider: spent.provider.toString(), credits: spent.credits.toString() }, options.json);
  },
  heartbeat: async ({ api, pair, options }) => print(await heartbeat(api, pair, options), options.json),
  keepalive: ({ api, pair, options, blocks }) => keepAlive(api, pair, options, blocks),
  claim: async ({ api, input, pair, options }) => {
    const target = input.address ?? pair.address;
    const { events } = await submitWithSpinner(api, api.tx.burnMint.claimRewards(target), pair, options);
    const claimed = events.find(({ event }) => api.events.burnMint.RewardsClaimed.is(event));
    print({ provider: target, paid: claimed ? formatCapa(big(claimed.event.data.amount)) : '0' }, options.json);
  },
};

/// `capa upgrade-check`: the blob in `input.wasm` checked against the state at the best block
/// of the node capa is connected to (clients/upgrade.mjs).
async function upgradeCheck(api, input, options) {
  const code = await readFile(input.wasm);
  const before = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  const result = await checkUpgrade({ url: options.url, bin: options['node-bin'], code });
  if (result.ok && result.specVersion <= before) {
    // The chain would refuse the blob when it is applied (system.SpecVersionNeedsToIncrease),
    // after a referendum for nothing.
    Object.assign(result, { ok: false, error: `its spec_version ${result.specVersion} is not above the chain's ${before}` });
  }
  return { ...result, specVersionInForce: before, weight: weightText(result.weight), maxBlock: weightText(result.maxBlock) };
}

/// A weight as text: reference time in ms and proof size in bytes.
const weightText = (w) => w && `${(Number(w.refTime) / 1e9).toFixed(3)} ms, ${w.proofSize} proof bytes`;

/// The emission path `capa preview` asks the chain for (at most its `MaxPreviewEpochs`, said
/// out loud), under the parameters in force or those of `--params`.
async function preview({ api, options, epochs }) {
  const proposed = options.params ? await proposedParameters(api, options.params) : null;
  const most = api.consts.burnMint.maxPreviewEpochs.toNumber();
  if (epochs > most) console.error(`the chain previews at most ${most} epochs (MaxPreviewEpochs): ${most} shown`);
  const result = await api.call.burnMintApi.previewEmission(proposed, Math.min(epochs, most));
  if (result.isErr) throw new Error(`the chain rejected the parameters: ${result.asErr.toString()}`);
  return result.asOk.map((p) => ({
    epoch: p.epoch.toNumber(),
    emissionPerBlock: formatCapa(big(p.emissionPerBlock)),
    totalIssuance: formatCapa(big(p.totalIssuance)),
  }));
}

function printPreview(path, json) {
  if (json) return print(path, true);
  for (const p of path) {
    out(`epoch +${p.epoch}: ${withSeparators(p.emissionPerBlock)} CAPA/block, issuance ${withSeparators(p.totalIssuance)}`);
  }
}

/// The command line, checked before anything connects: the command, its arguments and the
/// options' values (a usage error never waits for a node).
function parseCommandLine(argv) {
  const { values: options, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:9944' },
      'dev-account': { type: 'string' },
      'key-env': { type: 'string' },
      'min-credits': { type: 'string', default: '0' },
      params: { type: 'string' },
      out: { type: 'string' },
      epochs: { type: 'string', default: '12' },
      blocks: { type: 'string' },
      'node-bin': { type: 'string', default: process.env.CAPA_NODE_BIN || 'capacloud-node' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (options.help || !command) return { help: true };
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command: ${command}`);
  if (!/^\d+$/.test(options['min-credits'])) throw new UsageError('--min-credits must be a whole number of credits');
  const epochs = Number(options.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) throw new UsageError('--epochs must be >= 1');
  const blocks = options.blocks === undefined ? Infinity : Number(options.blocks);
  if (!(blocks === Infinity || (Number.isInteger(blocks) && blocks > 0))) {
    throw new UsageError('--blocks must be a whole number of blocks above 0');
  }
  const input = parseInputs(command, args);
  return { command, input, options, epochs, blocks, minCredits: BigInt(options['min-credits']) };
}

async function main(argv) {
  const line = parseCommandLine(argv);
  if (line.help) {
    out(USAGE);
    return;
  }
  const { command, options } = line;
  // polkadot.js logs with console.log (a runtime upgrade seen while capa runs, for one): to
  // standard error, so that standard output holds capa's answer alone (JSON with --json).
  console.log = console.error;
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const pair = WRITES.includes(command) ? loadKey(options, { keyring }) : null;
  const api = await connect(options.url, command === 'keepalive');
  try {
    if (pair) {
      // The chain's own address format, and the signer said out loud.
      keyring.setSS58Format(api.registry.chainSS58);
      console.error(`signing as ${pair.address}`);
    }
    await COMMANDS[command]({ ...line, api, pair });
  } finally {
    await api.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/capa.mjs')) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`capa: ${e.message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
