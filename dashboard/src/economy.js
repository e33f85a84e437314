// What the dashboard derives from the chain's answers, for display: pure functions of plain
// values (BigInt plancks, numbers), no polkadot.js and no page, so that node:test checks them
// (test/economy.test.mjs). Nothing here is a rule of the chain: every amount is read from the
// chain (runtime API `burnMintApi`, storage), and these functions only select, sum for
// display and order what it answered.

import { formatCapa, withSeparators } from '../../clients/amounts.mjs';

/// The causes of minting in an epoch's books (`EpochBooks`), as the page names them.
export const MINT_CAUSES = [
  ['mintedUsage', 'providers: usage'],
  ['mintedAvailability', 'providers: availability'],
  ['mintedEcosystem', 'ecosystem treasury'],
  ['outsideMinted', 'outside the pallet'],
];

/// The causes of burning in an epoch's books, as the page names them.
export const BURN_CAUSES = [
  ['burnedCredits', 'credits bought'],
  ['burnedFees', 'transaction fees'],
  ['burnedSlashes', 'slashed bonds'],
  ['burnedForfeited', 'forfeited rewards'],
  ['burnedDust', 'dust'],
  ['outsideBurned', 'outside the pallet'],
];

/// An epoch's books with the availability part of the providers' emission named
/// (`mintedProviders` holds usage and availability; `mintedUsage` the usage part).
export function withAvailability(books) {
  return { ...books, mintedAvailability: books.mintedProviders - books.mintedUsage };
}

/// Everything minted in an epoch's books (the chain's `EpochBooks::minted`: the pallet's
/// emission and what rose outside it).
export const mintedOf = (books) => books.mintedProviders + books.mintedEcosystem + books.outsideMinted;

/// Everything burned in an epoch's books, by every cause (the chain's `EpochBooks::burned`).
export const burnedOf = (books) => BURN_CAUSES.reduce((sum, [field]) => sum + books[field], 0n);

/// The closed epochs the ledger keeps, oldest first, each with its epoch index, minted and
/// burned by cause (CAPA, as numbers for the chart) and its net change of issuance (plancks):
/// the issuance at its close less at its open, as the chain recorded both.
export function epochSeries(ledger) {
  return [...ledger]
    .sort((a, b) => a.epoch - b.epoch)
    .map(({ epoch, books }) => {
      const named = withAvailability(books);
      return {
        epoch,
        minted: Object.fromEntries(MINT_CAUSES.map(([field]) => [field, named[field]])),
        burned: Object.fromEntries(BURN_CAUSES.map(([field]) => [field, named[field]])),
        net: books.totalIssuanceAtClose - books.totalIssuanceAtOpen,
        issuanceAtClose: books.totalIssuanceAtClose,
      };
    });
}

/// `net` plancks over an epoch of `epochLength` blocks, as a share of `issuance` a year of
/// `blocksPerYear` blocks (the runtime's `BlocksPerYear`): a number (0.05 = 5% a year).
export function annualized(net, epochLength, blocksPerYear, issuance) {
  if (!epochLength || !issuance) return 0;
  return (Number(net) / Number(issuance)) * (blocksPerYear / epochLength);
}

/// Burned to buy credits over the ledger's closed epochs and the open one: what a purchase
/// adds to, exactly.
export function burnedForCredits(series, open) {
  return series.reduce((sum, e) => sum + e.burned.burnedCredits, 0n) + open.burnedCredits;
}

/// The reward pools kept (one per closed epoch that minted any), each with what is still
/// unclaimed and whether the boundary that closes `openEpoch` expires it (a pool of epoch `e`
/// expires at the close of epoch `e + claimWindow`), oldest first.
export function poolStatus(pools, openEpoch, claimWindow) {
  return [...pools]
    .sort((a, b) => a.epoch - b.epoch)
    .map(({ epoch, usageMinted, availability, claimed }) => {
      const minted = usageMinted + availability;
      const unclaimed = minted > claimed ? minted - claimed : 0n;
      return { epoch, minted, claimed, unclaimed, expiresAtClose: epoch + claimWindow, expiring: epoch + claimWindow <= openEpoch };
    });
}

/// The providers at a glance: counts by status, verified capacity, reputation (mean and the
/// lowest), what they are owed (locked and claimable), the `top` of them by what they are owed,
/// and the accounts governance removed (a history with a removal and no record now).
export function providerSummary(providers, histories, { top = 5, minReputation = 0 } = {}) {
  const counts = { active: 0, paused: 0, leaving: 0, frozen: 0, belowMinimum: 0 };
  let verified = 0;
  let reputation = 0;
  let lowest = null;
  let locked = 0n;
  let claimable = 0n;
  for (const p of providers) {
    counts[p.status] += 1;
    if (p.frozen) counts.frozen += 1;
    if (p.reputation < minReputation) counts.belowMinimum += 1;
    verified += p.verifiedCapacity;
    reputation += p.reputation;
    lowest = lowest === null ? p.reputation : Math.min(lowest, p.reputation);
    locked += p.locked;
    claimable += p.pending;
  }
  const owed = (p) => p.locked + p.pending;
  const earners = [...providers].sort((a, b) => (owed(b) > owed(a) ? 1 : owed(b) < owed(a) ? -1 : 0)).slice(0, top);
  const registered = new Set(providers.map((p) => p.account));
  const removed = histories.filter((h) => h.removals > 0 && !registered.has(h.account));
  return {
    count: providers.length,
    counts,
    verifiedCapacity: verified,
    meanReputation: providers.length ? reputation / providers.length : 0,
    lowestReputation: lowest,
    locked,
    claimable,
    topEarners: earners.map((p) => ({ account: p.account, owed: owed(p), reputation: p.reputation })),
    removed,
  };
}

/// Each feeder's latest submission and its age in blocks at block `now`; fresh while the age is
/// at most `maxAge` (the parameters' `price_max_age`).
export function feederFreshness(feeders, now, maxAge) {
  return feeders.map(({ feeder, latest }) => {
    if (!latest) return { feeder, price: null, at: null, age: null, fresh: false };
    const age = now - latest.at;
    return { feeder, price: latest.price, at: latest.at, age, fresh: age <= maxAge };
  });
}

/// Why a node cannot be shown, or null: a node without pallet-burn-mint or its runtime API is
/// of another chain.
export function chainProblem({ specName, hasPallet, hasApi }) {
  if (!hasPallet || !hasApi) {
    return `This node runs another chain (runtime "${specName}"): it has no burn-and-mint economy to show.`;
  }
  return null;
}

/// Plancks as CAPA for people: thousands separators and `decimals` decimals (rounded toward
/// zero; the exact value is in the element's title).
export function capa(plancks, decimals = 4) {
  const exact = withSeparators(formatCapa(plancks));
  const [whole, fraction] = exact.split('.');
  return decimals > 0 ? `${whole}.${fraction.slice(0, decimals)}` : whole;
}

/// Plancks as a number of CAPA (for charts only: a double keeps 15 to 16 digits).
export const capaNumber = (plancks) => Number(plancks) / 1e12;

/// A share as a percentage with `digits` decimals: 0.0512 -> "5.12%".
export const percent = (share, digits = 2) => `${(share * 100).toFixed(digits)}%`;
