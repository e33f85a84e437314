// The whole economy through a real node and polkadot.js (node:test), with the amounts the chain
// reports: chain properties and metadata, a provider registered and verified, prices, credits
// bought, spent and paid for, emission, an epoch's rewards claimed by a third account, a
// parameter change, bad input from a client, every runtime API query, and the books closing to
// the planck. Skipped when CAPA_NODE_BIN is not set (scripts/e2e-test sets it).
//
// The dev chain (fast-runtime): 6 s blocks, 10-block epochs, rewards claimable one epoch after
// the epoch they were earned in; Alice is sudo, the price feeder and the capacity verifier.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';

import {
  BLOCK_MS,
  CAPA,
  freePorts,
  NODE_BIN,
  scenario,
  submit,
  startDevNode,
  waitFor,
} from './harness.mjs';
import { formatCapa, parseCapa } from '../amounts.mjs';

const EPOCH = 10;
const CAPA_CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'capa.mjs');

describe('the economy end to end', { skip: !NODE_BIN && 'CAPA_NODE_BIN is not set' }, () => {
  let node;
  let api;
  let url;
  let genesisIssuance;
  const who = {};

  const step = scenario(() => console.error(node?.dump(20)));

  const head = async () => (await api.rpc.chain.getHeader()).number.toNumber();
  const waitForBlock = (number) =>
    waitFor(
      `block #${number}`,
      async () => (await head()) >= number,
      (number - 0 + 3) * BLOCK_MS + 30_000,
    );
  const epochIndex = async () => (await api.query.burnMint.currentEpoch()).index.toNumber();
  const waitForEpoch = async (index) => waitForBlock(index * EPOCH);
  const issuanceAt = async (hash) => (await api.query.balances.totalIssuance.at(hash)).toBigInt();
  const freeOf = async (account, hash) => {
    const info = hash ? await api.query.system.account.at(hash, account) : await api.query.system.account(account);
    return info.data.free.toBigInt();
  };
  const statsAt = async (hash) => (await api.at(hash)).call.burnMintApi.supplyStats();
  const creditsOf = async (account) => (await api.call.burnMintApi.creditsOf(account)).toBigInt();
  const parentOf = async (hash) => (await api.rpc.chain.getHeader(hash)).parentHash;
  const sumOf = (events, section, method, field) =>
    events
      .filter(({ event }) => event.section === section && event.method === method)
      .reduce((sum, { event }) => sum + event.data[field].toBigInt(), 0n);
  /// The fee `account` paid in the block of `events`.
  const feeOf = (events, account) =>
    events
      .filter(
        ({ event }) =>
          api.events.transactionPayment.TransactionFeePaid.is(event) &&
          event.data.who.toString() === account,
      )
      .reduce((sum, { event }) => sum + event.data.actualFee.toBigInt(), 0n);
  /// Everything the block's events say about it, checked against the books: issuance moved by
  /// exactly what the pallet says it minted less what it burned.
  const checkBooks = async (blockHash) => {
    const parent = await parentOf(blockHash);
    const [before, after] = [await statsAt(parent), await statsAt(blockHash)];
    const net = (s) => s.totals.minted.toBigInt() - s.totals.burned.toBigInt();
    assert.equal(
      (await issuanceAt(blockHash)) - (await issuanceAt(parent)),
      net(after) - net(before),
      'issuance moved by exactly minted - burned',
    );
    return { before, after };
  };
  let lastPrice = 0;
  const price = async () => {
    // Alice is the dev chain's only feeder: her submission is the price (one fresh feed).
    const { blockHash } = await submit(api, api.tx.burnMint.submitPrice(500_000_000_000_000_000n), who.alice);
    lastPrice = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  };

  before(async () => {
    const [rpc, p2p] = await freePorts(2);
    node = await startDevNode({ rpc, p2p });
    await cryptoWaitReady();
    url = `ws://127.0.0.1:${rpc}`;
    api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
    for (const name of ['alice', 'bob', 'charlie', 'dave', 'eve']) {
      who[name] = keyring.addFromUri(`//${name[0].toUpperCase()}${name.slice(1)}`);
    }
    genesisIssuance = await issuanceAt(await api.rpc.chain.getBlockHash(0));
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop('SIGINT', 15_000);
  });

  step('chain properties: CAPA, 12 decimals, SS58 4224', async () => {
    const props = await api.rpc.system.properties();
    assert.equal(api.registry.chainSS58, 4224);
    assert.deepEqual(props.tokenSymbol.unwrap().toJSON(), ['CAPA']);
    assert.deepEqual(props.tokenDecimals.unwrap().toJSON(), [12]);
  });

  step('metadata: every burnMint call, event, error, storage item and runtime API decodes', async () => {
    // No custom type definitions were given to the API: everything comes from the metadata.
    const calls = Object.keys(api.tx.burnMint);
    for (const name of [
      'registerProvider',
      'attestCapacity',
      'heartbeat',
      'setCapacityVerifiers',
      'bondExtra',
      'removeProvider',
      'freezeProvider',
      'unfreezeProvider',
      'bondVerifier',
      'withdrawVerifierBond',
      'slashVerifier',
      'buyCredits',
      'payForCompute',
      'claimRewards',
      'setParameters',
      'forgetHistory',
    ]) {
      assert.ok(calls.includes(name), `burnMint.${name} is in the metadata`);
    }
    for (const name of calls) {
      const fn = api.tx.burnMint[name];
      // Default values of every argument type build and encode the call.
      const args = fn.meta.args.map((a) => api.registry.createType(a.type.toString()));
      const call = fn(...args);
      assert.equal(api.createType('Call', call.method.toHex()).method, name);
    }
    for (const name of ['CreditsBought', 'ProviderLive', 'ProviderFrozen', 'VerifierBonded', 'VerifierSlashed', 'VerifierBondWithdrawn', 'CapacityAttested', 'CapacityVerified', 'RewardsExpired', 'EpochClosed', 'HistoryForgotten']) {
      assert.ok(api.events.burnMint[name]?.meta, `event burnMint.${name}`);
    }
    for (const name of [
      'NotVerifier',
      'QuorumTooSmall',
      'QuorumUnreachable',
      'SelfAttestation',
      'VerifierQuorumTooSmall',
      'VerifierQuorumUnreachable',
      'BadLivenessWindows',
      'ProviderFrozen',
      'BadVerifierBond',
      'VerifierBondTooLow',
      'NotBondedVerifier',
      'StillVerifier',
      'RewardsLocked',
      'UnbondingTooShort',
      'StillProvider',
      'NoHistory',
      'TooManyConsumers',
    ]) {
      assert.ok(api.errors.burnMint[name]?.meta, `error burnMint.${name}`);
    }
    // Exactly the pallet's storage items (and the storage version polkadot.js adds), each of
    // which reads and decodes; the storage version is the pallet's.
    assert.deepEqual(Object.keys(api.query.burnMint).sort(), [
      'activeParameters',
      'attestations',
      'capacityVerifiers',
      'creditBalances',
      'currentEpoch',
      'emission',
      'history',
      'lastPrice',
      'ledger',
      'palletVersion',
      'pendingParameters',
      'poolClaims',
      'priceFeeders',
      'providerCount',
      'providers',
      'rewardPools',
      'verifierBonds',
    ]);
    for (const query of Object.values(api.query.burnMint)) {
      const value = query.meta.type.isPlain ? await query() : await query.entries();
      assert.notEqual(value, undefined);
    }
    assert.equal((await api.query.burnMint.palletVersion()).toNumber(), 12);
    for (const name of ['supplyStats', 'pendingRewards', 'creditsOf', 'quoteCredits', 'previewEmission', 'livenessWindow', 'requiredBond']) {
      assert.ok(api.call.burnMintApi[name], `runtime API burnMintApi.${name}`);
    }
  });

  step('Bob registers (bond held), Alice attests his capacity and posts a price', async () => {
    const bond = 120n * CAPA;
    const { events } = await submit(api, api.tx.burnMint.registerProvider(10, bond), who.bob);
    const registered = events.find(({ event }) => api.events.burnMint.ProviderRegistered.is(event));
    assert.equal(registered.event.data.bond.toBigInt(), bond);
    const holds = await api.query.balances.holds(who.bob.address);
    assert.equal(holds.reduce((s, h) => s + h.amount.toBigInt(), 0n), bond);
    await submit(api, api.tx.burnMint.attestCapacity(who.bob.address, 10), who.alice);
    const provider = (await api.query.burnMint.providers(who.bob.address)).unwrap();
    assert.equal(provider.verifiedCapacity.toNumber(), 10);
    assert.equal(provider.bond.toBigInt(), bond);
    // Registered and verified this epoch (Alice is the quorum of one verifier): the capacity
    // counts, and Bob may prove liveness, from the next epoch.
    const epoch = await epochIndex();
    assert.equal(provider.eligibleFrom.toNumber(), epoch + 1);
    assert.equal(provider.verifiedFrom.toNumber(), epoch + 1);
    assert.equal(provider.previousCapacity.toNumber(), 0);
    await price();
    assert.equal((await api.call.burnMintApi.quoteCredits(10n * CAPA)).unwrap().toBigInt(), 5_000n);
  });

  step('sudo schedules new parameters; they apply at the next epoch boundary', async () => {
    const active = (await api.query.burnMint.activeParameters()).unwrap().toJSON();
    const { events } = await submit(
      api,
      api.tx.sudo.sudo(api.tx.burnMint.setParameters({ ...active, feeBurnShare: 500_000_000, priceMaxAge: 3 })),
      who.alice,
    );
    assert.ok(events.some(({ event }) => api.events.burnMint.ParametersScheduled.is(event)));
    assert.equal((await api.query.burnMint.activeParameters()).unwrap().priceMaxAge.toNumber(), 60);
    await waitForEpoch((await epochIndex()) + 1);
    const params = (await api.query.burnMint.activeParameters()).unwrap();
    assert.equal(params.priceMaxAge.toNumber(), 3);
    assert.equal(params.feeBurnShare.toNumber(), 500_000_000);
    assert.ok((await api.query.burnMint.pendingParameters()).isNone);
  }, 150_000);

  step('Charlie buys credits: issuance falls by exactly the tokens burned (and the fee burned)', async () => {
    await price();
    const charlie = who.charlie.address;
    const { events, blockHash } = await submit(api, api.tx.burnMint.buyCredits(10n * CAPA, 5_000), who.charlie);
    const bought = events.find(({ event }) => api.events.burnMint.CreditsBought.is(event)).event.data;
    assert.equal(bought.burned.toBigInt(), 10n * CAPA);
    assert.equal(bought.credits.toBigInt(), 5_000n);
    assert.equal(await creditsOf(charlie), 5_000n);
    const { before, after } = await checkBooks(blockHash);
    // The burns of the block: the credits and the fees' burned share (FeesBurned events).
    const feesBurned = sumOf(events, 'burnMint', 'FeesBurned', 'burned');
    assert.ok(feesBurned > 0n);
    assert.equal(after.totals.burned.toBigInt() - before.totals.burned.toBigInt(), 10n * CAPA + feesBurned);
    const fee = feeOf(events, charlie);
    assert.equal(await freeOf(charlie, blockHash), (await freeOf(charlie, await parentOf(blockHash))) - 10n * CAPA - fee);
  });

  step('in epoch 1 Bob proves liveness in both windows and serves Charlie, who also pays for compute', async () => {
    // All in one epoch, from its first liveness window (blocks 0-4 of 10; the second is 5-9):
    // if that is over, the next epoch.
    let next = await epochIndex();
    if ((await head()) % EPOCH > 2) {
      next += 1;
      await waitForEpoch(next);
    }
    const liveIn = (events) => events.find(({ event }) => api.events.burnMint.ProviderLive.is(event)).event.data;
    const first = liveIn((await submit(api, api.tx.burnMint.heartbeat(), who.bob)).events);
    // 10 units at 20% reputation (a fresh account starts at the minimum), one window of two.
    assert.equal(first.window.toNumber(), 0);
    assert.equal(first.points.toBigInt(), (10n * 200_000n) / 2n);
    const reputation = async () => (await api.query.burnMint.providers(who.bob.address)).unwrap().reputation.toNumber();
    assert.equal(await reputation(), 200_000);
    await submit(api, api.tx.burnMint.spendCredits(who.bob.address, 2_000), who.charlie);
    assert.equal(await creditsOf(who.charlie.address), 3_000n);
    await price();
    const paid = await submit(api, api.tx.burnMint.payForCompute(who.bob.address, 5n * CAPA, 2_500), who.charlie);
    await checkBooks(paid.blockHash);
    // The second window: now Bob's whole points count.
    await waitForBlock(next * EPOCH + EPOCH / 2 - 1);
    const second = liveIn((await submit(api, api.tx.burnMint.heartbeat(), who.bob)).events);
    assert.equal(second.window.toNumber(), 1);
    assert.equal(second.points.toBigInt(), 10n * 200_000n);
    // Both windows proved: an epoch of service, 5% more reputation (from his next heartbeat).
    assert.equal(await reputation(), 250_000);
    const work = (await api.query.burnMint.providers(who.bob.address)).unwrap().work.unwrap();
    assert.equal(work.epoch.toNumber(), next);
    assert.equal(work.liveWindows.toNumber(), 0b11);
    assert.equal(work.credits.toBigInt(), 2_000n + 2_500n);
    // Basis: 4 CAPA of Charlie's 10 for 2_000 of his 5_000 credits, plus 5 CAPA paid directly.
    assert.equal(work.basis.toBigInt(), 4n * CAPA + 5n * CAPA);
    who.workEpoch = next;
  }, 150_000);

  step('the epoch closes: Bob\'s rewards are settled into the pools, locked for one epoch', async () => {
    await waitForEpoch(who.workEpoch + 1);
    const closed = (await api.query.burnMint.ledger(who.workEpoch)).unwrap();
    assert.equal(closed.livePoints.toBigInt(), 2_000_000n);
    // Locked for one epoch: not claimable yet.
    assert.equal((await api.call.burnMintApi.pendingRewards(who.bob.address)).toBigInt(), 0n);
    const early = await submit(api, api.tx.burnMint.claimRewards(who.bob.address), who.dave).then(
      () => assert.fail('claimed locked rewards'),
      (e) => e,
    );
    assert.match(early.message, /burnMint\.RewardsLocked/);
  }, 150_000);

  step('a frozen provider\'s rewards cannot be claimed by anyone until the freeze is lifted', async () => {
    const sudid = (events) => events.find(({ event }) => api.events.sudo.Sudid.is(event)).event.data.sudoResult;
    const frozen = await submit(api, api.tx.sudo.sudo(api.tx.burnMint.freezeProvider(who.bob.address)), who.alice);
    assert.ok(sudid(frozen.events).isOk);
    const event = frozen.events.find(({ event }) => api.events.burnMint.ProviderFrozen.is(event)).event.data;
    assert.equal(event.provider.toString(), who.bob.address);
    const record = (await api.query.burnMint.providers(who.bob.address)).unwrap();
    assert.equal(record.frozenUntil.unwrap().toNumber(), event.until.toNumber());
    const refused = await submit(api, api.tx.burnMint.claimRewards(who.bob.address), who.dave).then(
      () => assert.fail('claimed a frozen provider\'s rewards'),
      (e) => e,
    );
    assert.match(refused.message, /burnMint\.ProviderFrozen/);
    const lifted = await submit(api, api.tx.sudo.sudo(api.tx.burnMint.unfreezeProvider(who.bob.address)), who.alice);
    assert.ok(sudid(lifted.events).isOk);
    assert.ok(lifted.events.some(({ event }) => api.events.burnMint.ProviderUnfrozen.is(event)));
    assert.ok((await api.query.burnMint.providers(who.bob.address)).unwrap().frozenUntil.isNone);
  }, 60_000);

  step('bad input fails by name and changes nothing but the fee', async () => {
    const eve = who.eve.address;
    // Alice's price is older than 3 blocks (the price_max_age set above) from here on.
    await waitForBlock(lastPrice + 4);
    const cases = [
      [api.tx.burnMint.buyCredits(0, 0), 'burnMint.ZeroAmount'],
      [api.tx.burnMint.buyCredits(10n * CAPA, 0), 'burnMint.PriceUnavailable'],
      [api.tx.burnMint.spendCredits(who.dave.address, 1), 'burnMint.NotProvider'],
      [api.tx.burnMint.spendCredits(who.bob.address, 1), 'burnMint.InsufficientCredits'],
      [api.tx.burnMint.bondExtra(10n ** 30n), 'burnMint.NotProvider'],
      [api.tx.burnMint.setParameters((await api.query.burnMint.activeParameters()).unwrap()), 'BadOrigin'],
      // No burn outside the books: the runtime's call filter refuses Balances.burn.
      [api.tx.balances.burn(CAPA, true), 'system.CallFiltered'],
    ];
    for (const [tx, expected] of cases) {
      const before = { free: await freeOf(eve), credits: await creditsOf(eve) };
      const error = await submit(api, tx, who.eve).then(
        () => assert.fail(`${tx.method.method} succeeded`),
        (e) => e,
      );
      assert.match(error.message, new RegExp(expected.replace('.', '\\.')));
      const fee = feeOf(error.events, eve);
      assert.ok(fee > 0n);
      assert.equal(await freeOf(eve, error.blockHash), before.free - fee, `${expected}: only the fee`);
      assert.equal(await creditsOf(eve), before.credits);
      await checkBooks(error.blockHash);
    }
    // Too poor: a fresh price, then more than Eve holds.
    await price();
    const error = await submit(api, api.tx.burnMint.buyCredits(10n ** 25n, 0), who.eve).then(
      () => assert.fail('bought without the funds'),
      (e) => e,
    );
    assert.match(error.message, /burnMint\.InsufficientBalance/);
  }, 150_000);

  step('a verifier attack and a feeder attack on the real node are refused by name or bounded', async () => {
    // Alice is a capacity verifier: she may not attest her own account (issue 22).
    const self = await submit(api, api.tx.burnMint.attestCapacity(who.alice.address, 10), who.alice).then(
      () => assert.fail('a verifier attested itself'),
      (e) => e,
    );
    assert.match(self.message, /burnMint\.SelfAttestation/);
    // Alice is also the feeder: a report of ten times the price in force is stored as made, and
    // the price in force moves towards it by at most max_price_change_per_block (1%: p / 0.99,
    // rounded down), the event naming the limit; her report of the old price brings it back.
    const inForce = (await api.query.burnMint.lastPrice()).unwrap().price.toBigInt();
    const feed = async () =>
      (await api.query.burnMint.priceFeeders()).find((f) => f.feeder.eq(who.alice.address)).latest.unwrap()[0].toBigInt();
    const { events } = await submit(api, api.tx.burnMint.submitPrice(inForce * 10n), who.alice);
    const limited = events.find(({ event }) => api.events.burnMint.PriceMovementLimited.is(event));
    assert.ok(limited, 'burnMint.PriceMovementLimited');
    assert.equal(limited.event.data.median.toBigInt(), inForce * 10n);
    assert.equal(limited.event.data.price.toBigInt(), (inForce * 100n) / 99n);
    assert.equal(await feed(), inForce * 10n);
    assert.equal((await api.query.burnMint.lastPrice()).unwrap().price.toBigInt(), (inForce * 100n) / 99n);
    await submit(api, api.tx.burnMint.submitPrice(inForce), who.alice);
    assert.equal((await api.query.burnMint.lastPrice()).unwrap().price.toBigInt(), inForce);
    // Governance cannot strand sales: an empty feeder set is refused by name.
    const sudo = await submit(api, api.tx.sudo.sudo(api.tx.burnMint.setPriceFeeders([])), who.alice);
    const result = sudo.events.find(({ event }) => api.events.sudo.Sudid.is(event)).event.data.sudoResult;
    assert.ok(result.isErr);
    const meta = api.registry.findMetaError(result.asErr.asModule);
    assert.equal(`${meta.section}.${meta.name}`, 'burnMint.QuorumUnreachable');
    assert.equal((await api.query.burnMint.priceFeeders()).length, 1);
    // Nor let one verifier of two decide alone: with a quorum of one, a second verifier is
    // refused by name until governance raises the quorum.
    const verifiers = await submit(
      api,
      api.tx.sudo.sudo(api.tx.burnMint.setCapacityVerifiers([who.alice.address, who.eve.address])),
      who.alice,
    );
    const refused = verifiers.events.find(({ event }) => api.events.sudo.Sudid.is(event)).event.data.sudoResult;
    assert.ok(refused.isErr);
    const why = api.registry.findMetaError(refused.asErr.asModule);
    assert.equal(`${why.section}.${why.name}`, 'burnMint.VerifierQuorumTooSmall');
    assert.equal((await api.query.burnMint.capacityVerifiers()).length, 1);
  });

  step('a block mints exactly the treasury share of the emission, net of the fees burned', async () => {
    // A block after the purchase's, with no burn of ours in it, and not an epoch boundary
    // (whose hook also mints the reward pools and burns expired ones).
    let number = (await head()) + 1;
    if (number % EPOCH === 0) number += 1;
    await waitForBlock(number);
    const hash = await api.rpc.chain.getBlockHash(number);
    const parent = await parentOf(hash);
    const emission = (await api.query.burnMint.emission.at(parent)).accrual.perBlock;
    const events = await api.query.system.events.at(hash);
    const closed = events.some(({ event }) => event.section === 'burnMint' && event.method === 'EpochClosed');
    assert.ok(!closed, `block #${number} is not an epoch boundary`);
    const feesBurned = sumOf(events, 'burnMint', 'FeesBurned', 'burned');
    assert.equal(
      (await issuanceAt(hash)) - (await issuanceAt(parent)),
      emission.ecosystem.toBigInt() - feesBurned,
    );
    await checkBooks(hash);
  });

  step('after the reward delay Dave claims for Bob exactly the pending rewards', async () => {
    await waitForEpoch(who.workEpoch + 2);
    const pending = (await api.call.burnMintApi.pendingRewards(who.bob.address)).toBigInt();
    // Bob had all the live points: the whole availability pool, and the usage pool's share.
    const pool = (await api.query.burnMint.rewardPools(who.workEpoch)).unwrap();
    assert.equal(pending, pool.usage.minted.toBigInt() + pool.availability.toBigInt());
    assert.ok(pool.usage.minted.toBigInt() <= (9n * CAPA * 80n) / 100n, 'usage within the 80% cap');
    const before = await freeOf(who.bob.address);
    const { events } = await submit(api, api.tx.burnMint.claimRewards(who.bob.address), who.dave);
    const claimed = events.find(({ event }) => api.events.burnMint.RewardsClaimed.is(event)).event.data;
    assert.equal(claimed.amount.toBigInt(), pending);
    assert.equal(await freeOf(who.bob.address), before + pending);
  }, 200_000);

  step('runtime API queries agree with storage', async () => {
    const stats = await api.call.burnMintApi.supplyStats();
    const epoch = await api.query.burnMint.currentEpoch();
    assert.equal(stats.totalIssuance.toBigInt(), (await api.query.balances.totalIssuance()).toBigInt());
    assert.equal(stats.epochIndex.toNumber(), epoch.index.toNumber());
    assert.equal(stats.providerCount.toNumber(), (await api.query.burnMint.providerCount()).toNumber());
    assert.equal(stats.totalCredits.toBigInt(), await creditsOf(who.charlie.address));
    assert.equal(
      stats.emissionPerBlock.toBigInt(),
      (await api.query.burnMint.emission()).controller.emissionPerBlock.toBigInt(),
    );
    assert.equal(stats.parameters.unwrap().toHex(), (await api.query.burnMint.activeParameters()).unwrap().toHex());
    await price();
    assert.equal((await api.call.burnMintApi.quoteCredits(2n * CAPA)).unwrap().toBigInt(), 1_000n);
    const current = await api.call.burnMintApi.previewEmission(null, 3);
    assert.equal(current.asOk.length, 3);
    const proposed = { ...(await api.query.burnMint.activeParameters()).unwrap().toJSON(), minPriceFeeds: 0 };
    const invalid = await api.call.burnMintApi.previewEmission(proposed, 3);
    assert.ok(invalid.isErr && invalid.asErr.isInvalid);
  });

  /// A gift of one planck to the reward pot, sent by Charlie (who signs nothing else by then):
  /// a surplus, not a broken invariant, at every block until the next boundary, which burns it.
  /// Started beside the capa steps (it mostly waits for the boundary); awaited in its own step.
  const giftToThePot = async () => {
    // The pot: the pallet's PalletId as an account ("modl" + the id, zero-padded).
    const key = new Uint8Array(32);
    key.set(new TextEncoder().encode('modl'));
    key.set(api.consts.burnMint.palletId.toU8a(), 4);
    const pot = encodeAddress(key, 4224);
    assert.ok((await freeOf(pot)) > 0n, `the pot ${pot} exists`);
    const invariantsAt = async (hash) => {
      const result = await (await api.at(hash)).call.burnMintApi.checkInvariants();
      assert.ok(result.isSome, 'the test node is built with try-runtime');
      return result.unwrap();
    };
    // One planck, sent early enough in the epoch for a few blocks to check before the boundary.
    if ((await head()) % EPOCH > 6) await waitForEpoch((await epochIndex()) + 1);
    const { blockHash } = await submit(api, api.tx.balances.transferKeepAlive(pot, 1n), who.charlie);
    const sent = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const boundary = (Math.floor(sent / EPOCH) + 1) * EPOCH;
    for (let number = sent; number < boundary; number += 1) {
      await waitForBlock(number);
      const result = await invariantsAt(await api.rpc.chain.getBlockHash(number));
      assert.ok(result.isOk, `block #${number}: ${result.isErr ? result.asErr.toString() : ''}`);
    }
    await waitForBlock(boundary);
    const hash = await api.rpc.chain.getBlockHash(boundary);
    const events = await api.query.system.events.at(hash);
    assert.equal(sumOf(events, 'burnMint', 'SurplusBurned', 'amount'), 1n);
    assert.ok((await invariantsAt(hash)).isOk);
    await checkBooks(hash);
  };

  /// A fresh account receives 1 CAPA from Eve and sends back all but its fee and half an
  /// existential deposit: it is removed, and its dust is burned and booked (`burnedDust`), the
  /// block's issuance change explained to the planck with nothing on the outside lines.
  const dustOfARemovedAccount = async () => {
    const fresh = new Keyring({ type: 'sr25519', ss58Format: 4224 }).addFromUri('//CapaDust');
    await submit(api, api.tx.balances.transferKeepAlive(fresh.address, CAPA), who.eve);
    const dust = api.consts.balances.existentialDeposit.toBigInt() / 2n;
    const { partialFee } = await api.tx.balances.transferAllowDeath(who.eve.address, CAPA - dust).paymentInfo(fresh);
    const amount = CAPA - partialFee.toBigInt() - dust;
    const { events, blockHash } = await submit(api, api.tx.balances.transferAllowDeath(who.eve.address, amount), fresh);
    const lost = sumOf(events, 'balances', 'DustLost', 'amount');
    // What was left after the fee actually paid and the transfer: all of it lost as dust.
    assert.equal(lost, CAPA - feeOf(events, fresh.address) - amount);
    assert.ok(lost > 0n && lost < 2n * dust, `dust ${lost}`);
    assert.equal(await freeOf(fresh.address, blockHash), 0n);
    const [before, after] = [await statsAt(await parentOf(blockHash)), await statsAt(blockHash)];
    const sameEpoch = before.epochIndex.eq(after.epochIndex);
    const booked = (s) => s.currentEpoch.burnedDust.toBigInt();
    assert.equal(booked(after) - (sameEpoch ? booked(before) : 0n), lost, 'the dust is booked');
    assert.equal(after.currentEpoch.outsideMinted.toBigInt(), 0n);
    assert.equal(after.currentEpoch.outsideBurned.toBigInt(), 0n);
    await checkBooks(blockHash);
    return lost;
  };

  /// Runs the `capa` command line against the node; returns its JSON output.
  const capa = async (...args) => {
    const { stdout } = await promisify(execFile)(process.execPath, [CAPA_CLI, ...args, '--url', url, '--json'], {
      timeout: 60_000,
    });
    return JSON.parse(stdout);
  };

  step('capa: supply, provider, preview and params read what the chain says', async () => {
    // Bob's agent runs beside the capa steps for six blocks; its output is checked after them.
    who.keepalive = promisify(execFile)(
      process.execPath,
      [CAPA_CLI, 'keepalive', '--dev-account', 'bob', '--blocks', '6', '--url', url, '--json'],
      { timeout: 120_000 },
    );
    who.keepalive.catch(() => {});
    who.gift = giftToThePot();
    who.gift.catch(() => {});
    who.dust = dustOfARemovedAccount();
    who.dust.catch(() => {});
    // Ferdie becomes a provider with capa alone, one call after the other, beside these steps;
    // checked in a later step.
    who.ferdie = (async () => {
      const as = ['--dev-account', 'ferdie'];
      const steps = {};
      steps.register = await capa('register', '5', '200', ...as);
      steps.bondExtra = await capa('bond-extra', '1,000', ...as);
      steps.update = await capa('update-capacity', '4', ...as);
      steps.pause = await capa('pause', ...as);
      steps.resume = await capa('resume', ...as);
      steps.leave = await capa('leave', ...as);
      steps.withdraw = await capa('withdraw', ...as).then(
        () => assert.fail('withdrew before the unbonding period'),
        (e) => e.stderr,
      );
      return steps;
    })();
    who.ferdie.catch(() => {});
    const supply = await capa('supply');
    const stats = await api.call.burnMintApi.supplyStats();
    assert.equal(supply.epochLength, EPOCH);
    assert.equal(supply.providers, stats.providerCount.toNumber());
    assert.equal(supply.sinceGenesis.minted.length > 0, true);
    assert.match(supply.netInflationAnnualized, /^-?\d+\.\d{4}%$/);
    const bob = await capa('provider', who.bob.address);
    assert.equal(bob.verifiedCapacity, 10);
    assert.equal(bob.capacityThisEpoch, 10, 'verified in an earlier epoch: it counts now');
    assert.equal(bob.bond, '120.000000000000');
    // 20% initial + 5% for epoch 1's service; 30% if the agent started beside this step has
    // already proved both windows of another epoch.
    assert.ok(['25.00%', '30.00%'].includes(bob.reputation), bob.reputation);
    // Each locked reward with the epoch it unlocks in (one epoch after its own closed, on
    // this chain): together, what is locked.
    const unlocking = Object.values(bob.unlocks).map(parseCapa).reduce((a, b) => a + b, 0n);
    assert.equal(formatCapa(unlocking), bob.locked);
    assert.ok(Object.keys(bob.unlocks).every((key) => /^epoch \d+$/.test(key)), Object.keys(bob.unlocks).join());
    // A buyer's reads: the price in force, a quote, credits and balances, the providers.
    const inForce = (await api.query.burnMint.lastPrice()).unwrap();
    const priced = await capa('price');
    assert.equal(priced.price, '0.5');
    assert.ok(priced.at >= inForce.at.toNumber());
    const quote = await capa('quote', '10');
    const onChain = await api.call.burnMintApi.quoteCredits(10n * CAPA);
    assert.equal(quote.credits, onChain.isSome ? onChain.unwrap().toString() : null);
    assert.deepEqual(await capa('credits', who.eve.address), {
      address: who.eve.address,
      credits: (await creditsOf(who.eve.address)).toString(),
    });
    const balance = await capa('balance', who.bob.address);
    assert.equal(balance.held, '120.000000000000', "Bob's bond");
    const listed = await capa('providers');
    const { reputation, ...listedBob } = listed.find((p) => p.address === who.bob.address);
    assert.deepEqual(listedBob, { address: who.bob.address, status: 'Active', verifiedCapacity: 10, bond: '120.000000000000' });
    // Read after `capa provider`: the agent may have proved another epoch in between.
    assert.ok([bob.reputation, '30.00%'].includes(reputation), reputation);
    const path = await capa('preview', '--epochs', '3');
    assert.equal(path.length, 3);
    const params = await capa('params');
    assert.equal(params.priceMaxAge, 3);
    // Without --json: a line a field, shares in percent, amounts in CAPA.
    const run = (...args) => promisify(execFile)(process.execPath, [CAPA_CLI, ...args, '--url', url], { timeout: 60_000 });
    const { stdout: described } = await run('params');
    assert.match(described, /^priceMaxAge: 3$/m);
    assert.match(described, /^feeBurnShare: 50%$/m);
    assert.match(described, /^verifierBond: [\d,]+\.\d{12} CAPA$/m);
    assert.match(described, /^mode: (fixedDecay|burnIndexed)$/m);
    // A proposal is checked against the chain's types before it is sent: every field named.
    const dir = await mkdtemp(join(tmpdir(), 'capa-params-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(params));
    assert.equal((await capa('preview', '--params', good, '--epochs', '2')).length, 2);
    const bad = join(dir, 'bad.json');
    const { epochLength, ...rest } = params;
    await writeFile(bad, JSON.stringify({ ...rest, feeBurnShare: 1_500_000_000, bogus: 1 }));
    const refused = await run('preview', '--params', bad).then(() => assert.fail('sent a share above 100%'), (e) => e);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /parameters\.feeBurnShare: 1500000000 parts is above 100% \(a Perbill has 1000000000 parts\)/);
    assert.match(refused.stderr, /parameters\.bogus: not a field/);
    assert.match(refused.stderr, /parameters\.epochLength: missing/);
    assert.doesNotMatch(refused.stderr, /wasm|trap|RuntimeApi/i);
    // The chain's longest preview, said out loud.
    const most = api.consts.burnMint.maxPreviewEpochs.toNumber();
    const { stdout: long, stderr: note } = await run('preview', '--epochs', String(most + 1000), '--json');
    assert.equal(JSON.parse(long).length, most);
    assert.match(note, new RegExp(`the chain previews at most ${most} epochs \\(MaxPreviewEpochs\\): ${most} shown`));
    // The snapshot for the simulator: the state at one block, amounts exact.
    const snap = await capa('snapshot');
    assert.equal(snap.format, 'capacloud-snapshot/3');
    const at = await api.at(snap.blockHash);
    assert.equal(snap.totalIssuance, (await at.query.balances.totalIssuance()).toString());
    assert.equal(snap.parameters.priceMaxAge, 3);
    const bobRecord = snap.providers.find((p) => p.account === who.bob.address);
    assert.equal(bobRecord.verifiedCapacity, 10);
    assert.equal(BigInt(bobRecord.bond), 120n * CAPA);
    assert.equal(snap.currentEpoch.index, (await at.query.burnMint.currentEpoch()).index.toNumber());
    // Each reward pool whole: what it minted, and what was settled out of it (its entry in
    // poolClaims, kept apart on chain).
    const claims = await at.query.burnMint.poolClaims();
    assert.ok(snap.rewardPools.length > 0);
    assert.deepEqual(
      snap.rewardPools.map((p) => [p.epoch, BigInt(p.claimed)]).sort((a, b) => a[0] - b[0]),
      claims.map((c) => [c.epoch.toNumber(), c.claimed.toBigInt()]),
    );
    // The price in force as last computed (Alice's 0.50, from her latest submission).
    assert.equal(BigInt(snap.lastPrice.price), 500_000_000_000_000_000n);
    assert.ok(snap.lastPrice.at >= lastPrice, 'recorded at or after the latest submission');
  });

  step('capa: buy, pay and claim sign with a dev key and report what the events say', async () => {
    await price();
    const bought = await capa('buy', '1.5', '--dev-account', 'eve');
    assert.deepEqual(bought, { burned: '1.500000000000', credits: '750' });
    assert.equal(await creditsOf(who.eve.address), 750n);
    await price();
    const paid = await capa('pay', who.bob.address, '0.2', '--dev-account', 'eve', '--min-credits', '100');
    assert.deepEqual(paid, { provider: who.bob.address, credits: '100' });
    // Credits held are spent with a provider by number; paying never touched Eve's 750.
    const spent = await capa('spend', who.bob.address, '250', '--dev-account', 'eve');
    assert.deepEqual(spent, { event: 'CreditsSpent', who: who.eve.address, provider: who.bob.address, credits: '250' });
    assert.equal(await creditsOf(who.eve.address), 500n);
    const short = await capa('spend', who.bob.address, '501', '--dev-account', 'eve').then(
      () => assert.fail('spent credits Eve does not hold'),
      (e) => e,
    );
    assert.equal(short.code, 1);
    assert.match(short.stderr, /burnMint\.InsufficientCredits/);
    assert.equal(await creditsOf(who.eve.address), 500n);
    // Nothing claimable now (the epoch's rewards are locked): the chain's error, by name.
    const failed = await capa('claim', who.bob.address, '--dev-account', 'dave').then(
      () => assert.fail('claimed nothing'),
      (e) => e,
    );
    assert.match(failed.stderr, /burnMint\.(NothingToClaim|RewardsLocked)/);
    // The key never goes on the command line: without --dev-account it comes from CAPA_SEED.
    const keyless = await capa('buy', '1').then(
      () => assert.fail('signed without a key'),
      (e) => e,
    );
    assert.match(keyless.stderr, /set CAPA_SEED/);
  }, 150_000);

  step('capa keepalive: a provider\'s agent proves each liveness window once, as the chain counts it', async () => {
    // Started with the capa steps above (six blocks span at least two windows of five blocks).
    const { stdout } = await who.keepalive;
    const sent = stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    assert.ok(sent.length >= 1, 'at least one heartbeat');
    const windows = sent.map((s) => `${s.epoch}/${s.window}`);
    assert.equal(new Set(windows).size, windows.length, 'one heartbeat a window');
    for (const s of sent) {
      // The chain counted the window the agent reported, in the block it reported.
      const at = await api.at(await api.rpc.chain.getBlockHash(s.block));
      const work = (await at.query.burnMint.providers(who.bob.address)).unwrap().work.unwrap();
      assert.equal(work.epoch.toNumber(), s.epoch);
      assert.equal((work.liveWindows.toNumber() >> s.window) & 1, 1, `window ${s.window} proven`);
      assert.equal(BigInt(s.points), work.livePoints.toBigInt());
    }
  }, 150_000);

  step('capa: a verifier\'s bond answers for its attestations; slashed, it attests again only after bonding', async () => {
    // Alice, the development chain's verifier, holds the parameters' bond from genesis.
    const required = (await api.query.burnMint.activeParameters()).unwrap().verifierBond.toBigInt();
    const alice = await capa('verifier', who.alice.address);
    assert.equal(alice.inSet, true);
    assert.equal(alice.bond, formatCapa(required));
    assert.equal(alice.required, formatCapa(required));
    assert.ok(alice.lastAttested > 0, 'she attested Bob');
    assert.equal(alice.withdrawableFrom, alice.lastAttested + api.consts.burnMint.minUnbondingPeriod.toNumber());
    // Governance slashes half of it: burned, and booked as a slash.
    const slashed = await submit(
      api,
      api.tx.sudo.sudo(api.tx.burnMint.slashVerifier(who.alice.address, 500_000_000)),
      who.alice,
    );
    const burned = slashed.events.find(({ event }) => api.events.burnMint.VerifierSlashed.is(event)).event.data;
    assert.equal(burned.amount.toBigInt(), required / 2n);
    assert.equal((await capa('verifier', who.alice.address)).bond, formatCapa(required / 2n));
    // Below the bond, her attestation is refused by name; topped up, it counts again.
    const refused = await capa('attest', who.bob.address, '10', '--dev-account', 'alice').then(
      () => assert.fail('attested below the bond'),
      (e) => e,
    );
    assert.match(refused.stderr, /burnMint\.VerifierBondTooLow/);
    const topped = await capa('verifier-bond', formatCapa(required / 2n), '--dev-account', 'alice');
    assert.deepEqual(topped, { verifier: who.alice.address, added: formatCapa(required / 2n), total: formatCapa(required) });
    const attested = await capa('attest', who.bob.address, '10', '--dev-account', 'alice');
    assert.deepEqual(attested, { provider: who.bob.address, verifier: who.alice.address, capacity: 10 });
    // In the set, her bond stays held.
    const kept = await capa('verifier-withdraw', '--dev-account', 'alice').then(
      () => assert.fail('a verifier in the set withdrew its bond'),
      (e) => e,
    );
    assert.match(kept.stderr, /burnMint\.StillVerifier/);
  }, 150_000);

  step('capa: a provider registers, bonds, changes capacity, pauses, resumes and leaves with no script', async () => {
    const steps = await who.ferdie;
    const ferdie = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 }).addFromUri('//Ferdie').address;
    assert.deepEqual(steps.register, { event: 'ProviderRegistered', provider: ferdie, capacity: 5, bond: '200.000000000000' });
    assert.deepEqual(steps.bondExtra, { event: 'BondIncreased', provider: ferdie, amount: '1000.000000000000' });
    assert.deepEqual(steps.update, { event: 'CapacityUpdated', provider: ferdie, capacity: 4 });
    assert.deepEqual(steps.pause, { event: 'ProviderPaused', provider: ferdie });
    assert.deepEqual(steps.resume, { event: 'ProviderResumed', provider: ferdie });
    assert.equal(steps.leave.event, 'ProviderLeaving');
    const record = (await api.query.burnMint.providers(ferdie)).unwrap();
    assert.equal(record.status.type, 'Leaving');
    assert.equal(record.status.asLeaving.unlockAt.toNumber(), steps.leave.unlockAt);
    assert.equal(record.bond.toBigInt(), 1_200n * CAPA);
    assert.equal(record.capacity.toNumber(), 4);
    // Before the unbonding period ends, the bond stays: the chain's error, by name.
    assert.match(steps.withdraw, /burnMint\.StillUnbonding/);
  }, 150_000);

  step('a gift to the reward pot is a surplus, not a broken invariant; the next boundary burns it', async () => {
    await who.gift;
  }, 150_000);

  step('an account removed below the existential deposit: its dust is burned and booked, nothing outside', async () => {
    await who.dust;
  }, 150_000);

  step('an account holding credits keeps its existential deposit; spending the last credit frees it', async () => {
    const fresh = new Keyring({ type: 'sr25519', ss58Format: 4224 }).addFromUri('//CapaCreditHolder');
    const account = async () => api.query.system.account(fresh.address);
    await submit(api, api.tx.balances.transferKeepAlive(fresh.address, CAPA), who.eve);
    assert.equal((await account()).consumers.toNumber(), 0);
    await price();
    await submit(api, api.tx.burnMint.buyCredits(CAPA / 10n, 1), fresh);
    const credits = await creditsOf(fresh.address);
    assert.ok(credits > 0n);
    // The credit entry holds a reference on the account: sending everything away is refused
    // (pallet-balances' `Token(Frozen)`), and the account keeps its credits and its tokens.
    assert.equal((await account()).consumers.toNumber(), 1);
    const everything = async () => {
      const free = (await account()).data.free.toBigInt();
      const { partialFee } = await api.tx.balances.transferAllowDeath(who.eve.address, free).paymentInfo(fresh);
      // Half an existential deposit short of everything: the account would be removed.
      return free - partialFee.toBigInt() - api.consts.balances.existentialDeposit.toBigInt() / 2n;
    };
    const refused = await submit(api, api.tx.balances.transferAllowDeath(who.eve.address, await everything()), fresh).then(
      () => 'sent',
      (e) => e.message,
    );
    assert.match(refused, /balances\.transferAllowDeath failed: Token/);
    assert.equal(await creditsOf(fresh.address), credits);
    assert.ok((await account()).data.free.toBigInt() >= api.consts.balances.existentialDeposit.toBigInt());
    // Spent to the last credit (with Bob), the entry and its reference go; then the account can.
    await submit(api, api.tx.burnMint.spendCredits(who.bob.address, credits), fresh);
    assert.equal(await creditsOf(fresh.address), 0n);
    assert.equal((await account()).consumers.toNumber(), 0);
    const { blockHash } = await submit(api, api.tx.balances.transferAllowDeath(who.eve.address, await everything()), fresh);
    assert.equal(await freeOf(fresh.address, blockHash), 0n);
    assert.equal((await account()).providers.toNumber(), 0);
  }, 150_000);

  step('the books close: every balance adds up to the issuance, minted - burned to its change', async () => {
    const hash = await api.rpc.chain.getBlockHash(await head());
    const accounts = await (await api.at(hash)).query.system.account.entries();
    const sum = accounts.reduce(
      (s, [, info]) => s + info.data.free.toBigInt() + info.data.reserved.toBigInt(),
      0n,
    );
    const issuance = await issuanceAt(hash);
    assert.equal(sum, issuance);
    const stats = await statsAt(hash);
    const totals = stats.totals;
    assert.equal(genesisIssuance + totals.minted.toBigInt() - totals.burned.toBigInt(), issuance);
    // Every burn and mint of this run was the pallet's or dust: nothing on the outside lines,
    // in the open epoch or in any closed one the ledger keeps.
    const ledger = await (await api.at(hash)).query.burnMint.ledger.entries();
    for (const books of [stats.currentEpoch, ...ledger.map(([, b]) => b.unwrap())]) {
      assert.equal(books.outsideMinted.toBigInt() + books.outsideBurned.toBigInt(), 0n);
    }
    assert.ok(ledger.some(([, b]) => b.unwrap().burnedDust.toBigInt() > 0n) || stats.currentEpoch.burnedDust.toBigInt() > 0n);
  });
});
