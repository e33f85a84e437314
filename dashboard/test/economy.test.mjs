// Unit tests of what the dashboard derives from the chain's answers (src/economy.js), with
// exact values.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  annualized,
  burnedForCredits,
  burnedOf,
  capa,
  chainProblem,
  epochSeries,
  feederFreshness,
  mintedOf,
  poolStatus,
  providerSummary,
} from '../src/economy.js';

const CAPA = 10n ** 12n;

/// Books of an epoch: every field zero but those given.
function books(fields = {}) {
  const zero = {
    mintedProviders: 0n, mintedUsage: 0n, mintedEcosystem: 0n, burnedCredits: 0n, burnedFees: 0n,
    burnedSlashes: 0n, burnedForfeited: 0n, burnedDust: 0n, outsideMinted: 0n, outsideBurned: 0n,
    totalIssuanceAtOpen: 0n, totalIssuanceAtClose: 0n,
  };
  return { ...zero, ...fields };
}

describe('epoch books', () => {
  it('sum every cause of minting and of burning', () => {
    const b = books({ mintedProviders: 7n, mintedUsage: 3n, mintedEcosystem: 2n, outsideMinted: 1n, burnedCredits: 10n, burnedFees: 1n, burnedSlashes: 2n, burnedForfeited: 3n, burnedDust: 4n, outsideBurned: 5n });
    assert.equal(mintedOf(b), 10n);
    assert.equal(burnedOf(b), 25n);
  });

  it('become a series oldest first, availability named, net change from the issuance recorded', () => {
    const ledger = [
      { epoch: 2, books: books({ mintedProviders: 9n, mintedUsage: 4n, totalIssuanceAtOpen: 100n, totalIssuanceAtClose: 95n }) },
      { epoch: 1, books: books({ burnedCredits: 6n, totalIssuanceAtOpen: 90n, totalIssuanceAtClose: 100n }) },
    ];
    const series = epochSeries(ledger);
    assert.deepEqual(series.map((e) => e.epoch), [1, 2]);
    assert.equal(series[1].minted.mintedUsage, 4n);
    assert.equal(series[1].minted.mintedAvailability, 5n);
    assert.equal(series[1].net, -5n);
    assert.equal(series[0].net, 10n);
    assert.equal(series[0].issuanceAtClose, 100n);
    // The ledger's credit burns and the open epoch's, to the planck.
    assert.equal(burnedForCredits(series, books({ burnedCredits: 7n })), 13n);
  });

  it('annualize a net change over the epochs of a year', () => {
    // 1% in an epoch of 14,400 blocks, 5,256,000 blocks a year: 365 epochs.
    assert.equal(annualized(CAPA, 14_400, 5_256_000, 100n * CAPA), 3.65);
    assert.equal(annualized(-CAPA, 100, 1_000, 10n * CAPA), -1);
    assert.equal(annualized(CAPA, 0, 1_000, 10n * CAPA), 0);
  });
});

describe('reward pools', () => {
  it('say what is unclaimed and which pools the next boundary expires', () => {
    const pools = [
      { epoch: 5, usageMinted: 10n, availability: 20n, claimed: 25n },
      { epoch: 3, usageMinted: 0n, availability: 7n, claimed: 0n },
    ];
    // Claim window 4: the pool of epoch 3 expires at the close of epoch 7.
    assert.deepEqual(poolStatus(pools, 7, 4), [
      { epoch: 3, minted: 7n, claimed: 0n, unclaimed: 7n, expiresAtClose: 7, expiring: true },
      { epoch: 5, minted: 30n, claimed: 25n, unclaimed: 5n, expiresAtClose: 9, expiring: false },
    ]);
    assert.equal(poolStatus(pools, 6, 4)[0].expiring, false);
  });
});

describe('providers', () => {
  const provider = (account, fields) => ({
    account, status: 'active', verifiedCapacity: 1, reputation: 1, locked: 0n, pending: 0n, frozen: false, ...fields,
  });

  it('are counted by status, with capacity, reputation, what they are owed and the top earners', () => {
    const providers = [
      provider('a', { verifiedCapacity: 10, reputation: 0.5, locked: 5n, pending: 1n }),
      provider('b', { status: 'paused', verifiedCapacity: 4, reputation: 0.25, locked: 0n, pending: 9n, frozen: true }),
      provider('c', { status: 'leaving', verifiedCapacity: 0, reputation: 0.75, locked: 2n }),
    ];
    const histories = [{ account: 'b', removals: 0 }, { account: 'gone', removals: 1 }, { account: 'a', removals: 1 }];
    const s = providerSummary(providers, histories, { top: 2, minReputation: 0.3 });
    assert.equal(s.count, 3);
    assert.deepEqual(s.counts, { active: 1, paused: 1, leaving: 1, frozen: 1, belowMinimum: 1 });
    assert.equal(s.verifiedCapacity, 14);
    assert.equal(s.meanReputation, 0.5);
    assert.equal(s.lowestReputation, 0.25);
    assert.equal(s.locked, 7n);
    assert.equal(s.claimable, 10n);
    assert.deepEqual(s.topEarners, [
      { account: 'b', owed: 9n, reputation: 0.25 },
      { account: 'a', owed: 6n, reputation: 0.5 },
    ]);
    // Removed and not registered again: `a` registered again after its removal.
    assert.deepEqual(s.removed.map((h) => h.account), ['gone']);
  });

  it('of none give an empty summary', () => {
    const s = providerSummary([], []);
    assert.equal(s.count, 0);
    assert.equal(s.meanReputation, 0);
    assert.equal(s.lowestReputation, null);
    assert.deepEqual(s.topEarners, []);
  });
});

describe('feeders and the chain', () => {
  it('say which feeds are fresh at a block', () => {
    const feeders = [
      { feeder: 'x', latest: { price: 0.5, at: 90 } },
      { feeder: 'y', latest: { price: 0.6, at: 89 } },
      { feeder: 'z', latest: null },
    ];
    assert.deepEqual(feederFreshness(feeders, 100, 10), [
      { feeder: 'x', price: 0.5, at: 90, age: 10, fresh: true },
      { feeder: 'y', price: 0.6, at: 89, age: 11, fresh: false },
      { feeder: 'z', price: null, at: null, age: null, fresh: false },
    ]);
  });

  it('refuse a node of another chain by name', () => {
    assert.equal(chainProblem({ specName: 'capacloud', hasPallet: true, hasApi: true }), null);
    assert.equal(
      chainProblem({ specName: 'polkadot', hasPallet: false, hasApi: false }),
      'This node runs another chain (runtime "polkadot"): it has no burn-and-mint economy to show.',
    );
    assert.match(chainProblem({ specName: 'old', hasPallet: true, hasApi: false }), /another chain/);
  });

  it('format CAPA for people, rounding toward zero', () => {
    assert.equal(capa(12_345_678_901_234_567n), '12,345.6789');
    assert.equal(capa(12_345_678_901_234_567n, 0), '12,345');
    assert.equal(capa(-1_500_000_000_000n, 2), '-1.50');
    assert.equal(capa(1n, 12), '0.000000000001');
  });
});
