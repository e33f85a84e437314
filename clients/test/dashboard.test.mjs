// The supply dashboard (dashboard/) in a real browser against a real node: Debian's Chromium
// driven headless by playwright-core loads the built page (served by `vite preview`) next to a
// `--dev` node, and the test checks what the page shows against what the node answers at the
// same block: the issuance, one chart point per closed epoch, a credit purchase's burn to the
// planck, a provider's record; then the ways it degrades (a stale price, a runtime upgrade
// while the page is open, the node gone, a URL where no node answers), each with a visible
// message. No console error while the node is up. A screenshot is written to
// dashboard/test-results/ (or $CAPA_ARTIFACTS). scripts/dashboard-test builds the page and
// runs this.
//
// With CAPA_DASHBOARD_PROVIDERS=N it first registers N providers (1 unit each, as
// scripts/load does) and reports the page's requests per block and first paint with them: the
// measurement in dashboard/README.md (10,000 providers), not part of CI.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { chromium } from 'playwright-core';

import { connect } from '../chain.mjs';
import { registerProviders } from '../load/load.mjs';
import { BLOCK_MS, CAPA, Child, freePorts, NODE_BIN, scenario, startDevNode, submit, waitFor } from './harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DASHBOARD = join(ROOT, 'dashboard');
const DIST = join(DASHBOARD, 'dist', 'index.html');
const VITE = join(DASHBOARD, 'node_modules', 'vite', 'bin', 'vite.js');
const CHROMIUM = process.env.CAPA_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = process.env.CAPA_ARTIFACTS ?? join(DASHBOARD, 'test-results');
const NEXT_WASM = process.env.CAPA_NEXT_RUNTIME_WASM;
const PROVIDERS = Number(process.env.CAPA_DASHBOARD_PROVIDERS ?? 0);
const EPOCH = 10;
/// What the probe of this machine found Chromium needs as root in a sandbox with no network.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const missing = !NODE_BIN ? 'CAPA_NODE_BIN is not set'
  : !existsSync(DIST) ? 'the page is not built (scripts/dashboard-test builds it)'
    : !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (scripts/install-deps installs it)`
      : !NEXT_WASM || !existsSync(NEXT_WASM) ? 'CAPA_NEXT_RUNTIME_WASM is not built' : false;

describe('the supply dashboard in a browser', { skip: missing }, () => {
  let node;
  let preview;
  let api;
  let browser;
  let page;
  let rpcUrl;
  let pageUrl;
  const consoleErrors = [];
  const who = {};

  const step = scenario(() => {
    console.error(node?.dump(20));
    console.error(preview?.dump(10));
    console.error(`console errors: ${JSON.stringify(consoleErrors)}`);
    page?.screenshot({ path: join(ARTIFACTS, 'dashboard-failure.png'), fullPage: true }).catch(() => {});
  });

  /// What the page shows now: the block it last rendered and the values the test compares.
  const shown = () =>
    page.evaluate(() => {
      const d = window.capaDashboard;
      const plancks = (id) => document.getElementById(id).dataset.plancks;
      return {
        block: d.snapshot?.number ?? null,
        hash: d.snapshot?.hash ?? null,
        specVersion: d.snapshot?.specVersion ?? null,
        issuance: plancks('issuance'),
        burnedCredits: plancks('burned-credits'),
        epochRead: d.epochData?.number ?? null,
        epoch: d.epochData?.epoch ?? null,
        chartPoints: Number(document.getElementById('books-chart').dataset.points ?? -1),
        chartLabels: d.booksChart?.data.labels.length ?? -1,
        requests: d.reader?.requests,
        timings: d.reader?.timings,
        firstDataMs: d.firstDataMs,
        status: document.getElementById('status').hidden ? null : document.getElementById('status').dataset.kind,
        statusText: document.getElementById('status').textContent,
        notice: document.getElementById('notice').hidden ? null : document.getElementById('notice').textContent,
        warning: document.getElementById('warning').hidden ? null : document.getElementById('warning').textContent,
        salesOpen: document.getElementById('price-sales').dataset.open,
        invariants: document.getElementById('invariants').dataset.result,
        liveProviders: document.getElementById('epoch-live').dataset.count,
      };
    });
  const pageAt = (description, check, ms = 60_000) =>
    waitFor(description, async () => {
      const s = await shown();
      return check(s) ? s : null;
    }, ms);
  const head = async () => (await api.rpc.chain.getHeader()).number.toNumber();

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    for (const name of ['Alice', 'Bob', 'Charlie']) who[name.toLowerCase()] = keyring.addFromUri(`//${name}`);
    who.keyring = keyring;
    const [rpc, p2p, web] = await freePorts(3);
    node = await startDevNode({ rpc, p2p, name: 'dashboard-node' });
    rpcUrl = `ws://127.0.0.1:${rpc}`;
    api = await connect(rpcUrl);
    preview = new Child('vite-preview', process.execPath, [VITE, 'preview', DASHBOARD, '--host', '127.0.0.1', '--port', String(web), '--strictPort']);
    await preview.waitForLine(/127\.0\.0\.1/, 30_000);
    pageUrl = `http://127.0.0.1:${web}/?node=${encodeURIComponent(rpcUrl)}`;
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await api?.disconnect().catch(() => {});
    await preview?.stop();
    await node?.stop();
  });

  if (PROVIDERS > 0) {
    step(`${PROVIDERS} providers register`, async () => {
      await registerProviders(api, who.keyring, PROVIDERS, console.log);
      assert.ok((await api.query.burnMint.providerCount()).toNumber() >= PROVIDERS);
      // The genesis price is stale by now: Alice, the dev chain's feeder, submits it again.
      await submit(api, api.tx.burnMint.submitPrice(500_000_000_000_000_000n), who.alice);
    }, 1_800_000);
  }

  step('the page loads and shows the issuance the node answers at the block it shows', async () => {
    await page.goto(pageUrl);
    const s = await pageAt('the page to show a block', (v) => v.block !== null && v.epochRead !== null);
    console.log(
      `first data on the page after ${s.firstDataMs} ms (from the page's start); requests: ${JSON.stringify(s.requests)}; ` +
        `read times: ${JSON.stringify(s.timings)}`,
    );
    const issuance = (await api.query.balances.totalIssuance.at(s.hash)).toBigInt();
    assert.equal(BigInt(s.issuance), issuance);
    assert.equal(s.invariants, 'ok');
    assert.equal(s.status, null, s.statusText);
    assert.deepEqual(consoleErrors, []);
    // A bounded number of requests a block, whatever the number of providers.
    assert.ok(s.requests.lastBlock <= 10, `${s.requests.lastBlock} requests for one block`);
  });

  step('a provider\'s record is shown from its address', async () => {
    await submit(api, api.tx.burnMint.registerProvider(10, 120n * CAPA), who.bob);
    // Alice, the dev chain's capacity verifier, attests it: Bob may prove liveness from the
    // next epoch on (the chart step has him do so).
    await submit(api, api.tx.burnMint.attestCapacity(who.bob.address, 10), who.alice);
    await page.fill('#provider-address', who.bob.address);
    await page.click('#provider-form button');
    await page.waitForSelector('#provider-result:not([data-state="loading"])', { timeout: 30_000 });
    const text = await page.textContent('#provider-result');
    assert.equal(await page.getAttribute('#provider-result', 'data-state'), 'provider', text);
    assert.match(text, /Statusactive/);
    assert.match(text, /Capacity \(declared \/ verified\)10 \/ 10 units/);
    assert.match(text, /Bond120\.0000 CAPA/);
    await page.fill('#provider-address', who.charlie.address);
    await page.click('#provider-form button');
    await page.waitForSelector('#provider-result:not([data-state="loading"])', { timeout: 30_000 });
    assert.equal(await page.getAttribute('#provider-result', 'data-state'), 'none', await page.textContent('#provider-result'));
    assert.match(await page.textContent('#provider-result'), /not a registered provider/);
  });

  step('a credit purchase raises the burned figure by exactly its amount', async () => {
    const now = await head();
    // (The figure sums over the ledger: absent until the epoch's lists are read.)
    const before = await pageAt(`the page at #${now}`, (v) => v.block >= now && v.burnedCredits !== undefined);
    const amount = 10n * CAPA + 123_456_789n;
    const { blockHash } = await submit(api, api.tx.burnMint.buyCredits(amount, 1), who.charlie);
    const included = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const afterwards = await pageAt(`the page at #${included}`, (v) => v.block >= included && v.burnedCredits !== undefined, 30_000);
    // Nothing else buys credits: between the two blocks the page shows, the burn is this one.
    assert.equal(BigInt(afterwards.burnedCredits) - BigInt(before.burnedCredits), amount);
    assert.deepEqual(consoleErrors, []);
  });

  step('a stale price is said: credit sales closed', async () => {
    assert.equal((await shown()).warning, null);
    const active = (await api.query.burnMint.activeParameters()).unwrap().toJSON();
    await submit(api, api.tx.sudo.sudo(api.tx.burnMint.setParameters({ ...active, priceMaxAge: 2 })), who.alice);
    const s = await pageAt('the stale price said', (v) => v.warning !== null, (EPOCH + 5) * BLOCK_MS + 30_000);
    assert.match(s.warning, /The price is stale: no fresh submission within 2 blocks/);
    assert.equal(s.salesOpen, 'false');
    assert.equal((await api.call.burnMintApi.quoteCredits(CAPA)).isNone, true);
    assert.deepEqual(consoleErrors, []);
  }, (EPOCH + 10) * BLOCK_MS + 60_000);

  step('the chart has one point per closed epoch; the live providers are counted', async () => {
    // Two epochs closed, and Bob eligible (the epoch after his capacity was attested).
    const eligible = (await api.query.burnMint.providers(who.bob.address)).unwrap().eligibleFrom.toNumber();
    const s = await pageAt('two epochs closed', (v) => v.epoch >= Math.max(2, eligible), (2 * EPOCH + 5) * BLOCK_MS + 30_000);
    // Bob proves liveness: the page counts him live in the open epoch, as the chain does.
    const { blockHash } = await submit(api, api.tx.burnMint.heartbeat(), who.bob);
    const proven = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const live = await pageAt(`the page at #${proven}`, (v) => v.block >= proven && v.liveProviders !== '', 30_000);
    const at = await api.at(live.hash);
    const open = (await at.query.burnMint.currentEpoch()).index.toNumber();
    const chainLive = (await at.query.burnMint.providers.entries()).filter(([, p]) => {
      const work = p.unwrap().work;
      return work.isSome && work.unwrap().epoch.toNumber() === open && work.unwrap().liveWindows.toNumber() > 0;
    }).length;
    // Bob alone proved liveness (the providers the measurement registers never do).
    assert.equal(chainLive, 1);
    assert.equal(Number(live.liveProviders), chainLive);
    const ledger = await (await api.at((await api.rpc.chain.getBlockHash(s.epochRead)).toHex())).query.burnMint.ledger.entries();
    assert.equal(s.chartPoints, ledger.length);
    assert.equal(s.chartLabels, ledger.length);
    // Every closed epoch is still in the ledger (it keeps 90).
    assert.equal(ledger.length, s.epoch);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    console.log(`screenshot: ${join(ARTIFACTS, 'dashboard.png')}`);
    assert.deepEqual(consoleErrors, []);
  }, (2 * EPOCH + 10) * BLOCK_MS + 60_000);

  step('each reward pool is shown with what was settled out of it', async () => {
    // Bob's live epoch closes with a pool; his next heartbeat settles his share out of it
    // (an entry of poolClaims, kept apart from the pool's funds on chain).
    const live = (await api.query.burnMint.providers(who.bob.address)).unwrap().work.unwrap().epoch.toNumber();
    await pageAt(`epoch ${live} closed`, (v) => v.epoch > live, (EPOCH + 5) * BLOCK_MS + 30_000);
    const { blockHash } = await submit(api, api.tx.burnMint.heartbeat(), who.bob);
    const settled = (await (await api.at(blockHash)).query.burnMint.currentEpoch()).index.toNumber();
    // The page reads the pools once an epoch: at the next boundary.
    const s = await pageAt(`epoch ${settled} closed`, (v) => v.epoch > settled, (EPOCH + 5) * BLOCK_MS + 30_000);
    const at = await api.at((await api.rpc.chain.getBlockHash(s.epochRead)).toHex());
    const claims = await at.query.burnMint.poolClaims();
    const chain = await Promise.all(claims.map(async (c) => {
      const pool = (await at.query.burnMint.rewardPools(c.epoch)).unwrap();
      return [c.epoch.toNumber(), String(pool.usage.minted.toBigInt() + pool.availability.toBigInt()), c.claimed.toString()];
    }));
    const pageRead = await page.evaluate(() => window.capaDashboard.epochData.pools
      .map((p) => [p.epoch, String(p.usageMinted + p.availability), String(p.claimed)]));
    assert.deepEqual(pageRead.sort((a, b) => a[0] - b[0]), chain);
    const bobs = chain.find(([epoch]) => epoch === live);
    assert.ok(bobs && BigInt(bobs[2]) > 0n, `Bob's share settled out of pool ${live}: ${JSON.stringify(chain)}`);
    assert.deepEqual(consoleErrors, []);
  }, (2 * EPOCH + 10) * BLOCK_MS + 60_000);

  step('a runtime upgrade while the page is open: said, and the page reads the new runtime', async () => {
    const code = await readFile(NEXT_WASM);
    const from = (await shown()).specVersion;
    const call = api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(`0x${code.toString('hex')}`), { refTime: 0, proofSize: 0 });
    await submit(api, call, who.alice);
    const s = await pageAt('the upgrade said', (v) => v.notice !== null && v.specVersion > from, 20 * BLOCK_MS);
    assert.match(s.notice, new RegExp(`The runtime was upgraded \\(spec ${from} -> ${s.specVersion}\\)`));
    const later = await pageAt('a block read with the new runtime', (v) => v.block > s.block, 5 * BLOCK_MS);
    assert.equal(BigInt(later.issuance), (await api.query.balances.totalIssuance.at(later.hash)).toBigInt());
    assert.equal(later.status, null, later.statusText);
    assert.deepEqual(consoleErrors, []);
  }, 40 * BLOCK_MS);

  step('the node gone, and a URL where no node answers: said on the page', async () => {
    await node.stop();
    const s = await pageAt('the lost node said', (v) => v.status === 'unreachable', 30_000);
    assert.match(s.statusText, /Cannot reach a node at ws:\/\/127\.0\.0\.1:\d+/);
    const [closed] = await freePorts(1);
    const other = await browser.newPage();
    await other.goto(pageUrl.replace(/node=[^&]+/, `node=${encodeURIComponent(`ws://127.0.0.1:${closed}`)}`));
    await other.waitForSelector('#status[data-kind="unreachable"]', { timeout: 30_000 });
    assert.match(await other.textContent('#status'), new RegExp(`Cannot reach a node at ws://127\\.0\\.0\\.1:${closed}`));
  });
});
