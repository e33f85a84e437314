// Tests of capacloud-feeder (node:test).
//
// Unit tests need nothing. The end-to-end tests start `$CAPA_NODE_BIN --dev --tmp` (a node built
// with fast-runtime: 6 s blocks, 10-block epochs) on free ports, a mock HTTP price source on
// 127.0.0.1, and the real feeder (feeder/feeder.mjs) as child processes; they are skipped when
// CAPA_NODE_BIN is not set (scripts/feeder-test sets it).
//
//   node --test test/            (from clients/; CAPA_FEEDER_TEST_LOGS=1 prints the feeders' logs)

import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { Metrics, serveMetrics } from '../feeder/metrics.mjs';
import {
  aggregate,
  formatPrice,
  median,
  ONE,
  parsePrice,
  parseTolerance,
  percent,
  spread,
} from '../feeder/price.mjs';
import { extractPath, parseSource, readSource } from '../feeder/sources.mjs';
import {
  BLOCK_MS,
  CAPA,
  Child,
  freePorts,
  NODE_BIN,
  scenario,
  submit,
  startDevNode,
  waitFor,
} from './harness.mjs';

const FEEDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'feeder', 'feeder.mjs');
const p = (text) => parsePrice(text); // shorthand: a price's inner value

// ---------------------------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------------------------

describe('parsePrice: decimal → FixedU128 inner value, exactly', () => {
  it('parses decimal strings and JSON numbers', () => {
    assert.equal(parsePrice('0.5'), 500_000_000_000_000_000n);
    assert.equal(parsePrice('1'), ONE);
    assert.equal(parsePrice('  0.75\n'), 750_000_000_000_000_000n);
    assert.equal(parsePrice('.25'), ONE / 4n);
    assert.equal(parsePrice('+2'), 2n * ONE);
    assert.equal(parsePrice('12.'), 12n * ONE);
    assert.equal(parsePrice('1.5e-3'), 1_500_000_000_000_000n);
    assert.equal(parsePrice('2E2'), 200n * ONE);
    assert.equal(parsePrice(0.1), 100_000_000_000_000_000n); // through "0.1", not the float
    assert.equal(parsePrice(1e-7), 100_000_000_000n); // String(1e-7) is "1e-7"
    assert.equal(parsePrice(0.1 + 0.2), 300_000_000_000_000_040n); // what JSON gave: 17 decimals
    assert.equal(parsePrice('0.123456789012345678'), 123_456_789_012_345_678n);
    assert.equal(parsePrice('0.50000000000000000000'), ONE / 2n); // zeros past 18 are exact
    assert.equal(parsePrice('0.000000000000000001'), 1n);
    assert.equal(parsePrice('1000000000'), 1_000_000_000n * ONE); // the limit itself
  });

  it('rejects what is not a positive decimal the chain can hold exactly', () => {
    const cases = [
      ['abc', /not a decimal number: "abc"/],
      ['', /not a decimal number/],
      ['.', /not a decimal number/],
      ['1,5', /not a decimal number/],
      ['0x10', /not a decimal number/],
      ['NaN', /not a decimal number/],
      ['Infinity', /not a decimal number/],
      ['-1', /negative: -1/],
      ['-0.5', /negative/],
      ['0', /zero/],
      ['0.000', /zero/],
      ['0.1234567890123456789', /more than 18 decimal places/],
      ['1e-19', /more than 18 decimal places/],
      ['1000000000.000000000000000001', /absurdly large/],
      ['1e400', /absurdly large/],
      [NaN, /not a finite number/],
      [Infinity, /not a finite number/],
      [-3, /negative/],
      [0, /zero/],
      [null, /not a number: null/],
      [true, /not a number: true/],
      [{ price: 1 }, /not a number/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parsePrice(input), message, `input ${String(input)}`);
    }
  });

  it('formats inner values back to decimals', () => {
    for (const text of ['0.5', '1', '1250.000000000000000001', '0.000000000000000001', '42.42']) {
      assert.equal(formatPrice(parsePrice(text)), text);
    }
  });
});

describe('median and tolerance', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    assert.equal(median([]), undefined);
    assert.equal(median([p('3')]), p('3'));
    assert.equal(median([p('5'), p('1'), p('3')]), p('3'));
    assert.equal(median([p('1'), p('3')]), p('2'));
    assert.equal(median([p('4'), p('1'), p('2'), p('100')]), p('3'));
    assert.equal(median([1n, 2n]), 1n); // rounds down, in BigInt
  });

  it('measures the spread as (max - min) / median', () => {
    assert.equal(spread([p('1')]), 0n);
    assert.equal(spread([p('0.9'), p('1'), p('1.1')]), p('0.2'));
    assert.equal(percent(spread([p('1'), p('1.25')])), '22.22%');
    assert.equal(percent(p('0.05')), '5%');
    assert.equal(percent(p('0.125')), '12.5%');
  });

  it('refuses when the sources disagree beyond the tolerance or too few are available', () => {
    const tolerance = parseTolerance('0.05');
    assert.deepEqual(aggregate([p('1'), p('1.04')], { tolerance }), { price: p('1.02') });
    // Exactly at the tolerance is accepted: 0.1 / 2 = 5%.
    assert.deepEqual(aggregate([p('1.95'), p('2'), p('2.05')], { tolerance }), { price: p('2') });
    const disagree = aggregate([p('1'), p('1.1')], { tolerance });
    assert.equal(disagree.refusal, 'disagree');
    assert.match(disagree.message, /sources disagree by 9.52% > tolerance 5%/);
    assert.equal(aggregate([], { tolerance }).refusal, 'no_source');
    assert.equal(aggregate([p('1')], { tolerance, minSources: 2 }).refusal, 'no_source');
    assert.equal(parseTolerance('0'), 0n);
    assert.equal(
      aggregate([p('1'), p('1.000000000000000001')], { tolerance: 0n }).refusal,
      'disagree',
    );
  });
});

describe('sources', () => {
  it('parses source specs', () => {
    assert.deepEqual(parseSource('fixed:0.5'), {
      kind: 'fixed',
      label: 'fixed:0.5',
      value: p('0.5'),
    });
    assert.deepEqual(parseSource('file:/tmp/price.txt'), {
      kind: 'file',
      label: 'file:/tmp/price.txt',
      path: '/tmp/price.txt',
    });
    const http = parseSource('http://127.0.0.1:8080/p?x=1#data.price@data.time');
    assert.equal(http.url, 'http://127.0.0.1:8080/p?x=1');
    assert.deepEqual(http.valuePath, ['data', 'price']);
    assert.deepEqual(http.timePath, ['data', 'time']);
    assert.deepEqual(parseSource('https://example.com/v').valuePath, []);
    assert.equal(
      parseSource('https://u:secret@example.com/v#a').label,
      'https://***@example.com/v#a',
    );
    assert.throws(() => parseSource('fixed:abc'), /fixed:abc: not a decimal number/);
    assert.throws(() => parseSource('fixed:0'), /zero/);
    assert.throws(() => parseSource('ftp://x/y'), /expected fixed/);
    assert.throws(() => parseSource('http://127.0.0.1/p#a@'), /empty timestamp path/);
  });

  it('extracts dotted JSON paths', () => {
    const json = { data: { price: '0.5', list: [{ v: 1 }, { v: 2 }] }, n: null };
    assert.equal(extractPath(json, ['data', 'price']), '0.5');
    assert.equal(extractPath(json, ['data', 'list', '1', 'v']), 2);
    assert.equal(extractPath(json, []), json);
    assert.equal(extractPath(json, ['data', 'missing']), undefined);
    assert.equal(extractPath(json, ['n', 'x']), undefined);
    assert.equal(extractPath(json, ['data', 'list', 'x']), undefined);
    assert.equal(extractPath(json, ['__proto__']), undefined);
    assert.equal(extractPath('7', []), '7');
  });

  it('reads files and refuses stale ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capacloud-feeder-'));
    try {
      const path = join(dir, 'price.txt');
      await writeFile(path, '0.75\n');
      const source = parseSource(`file:${path}`);
      assert.deepEqual(await readSource(source, { maxAgeSeconds: 300 }), { value: p('0.75') });
      const old = new Date(Date.now() - 400_000);
      await utimes(path, old, old);
      assert.match(
        (await readSource(source, { maxAgeSeconds: 300 })).error,
        /stale: modified 40\d s ago \(max 300 s\)/,
      );
      await writeFile(path, 'n/a\n');
      assert.match(
        (await readSource(source, { maxAgeSeconds: 300 })).error,
        /invalid price: not a decimal/,
      );
      assert.equal((await readSource(parseSource(`file:${dir}/none`), {})).error, 'no such file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads JSON over HTTP, with timestamps, errors and a timeout', async () => {
    const now = Math.floor(Date.now() / 1000);
    const answers = {
      '/ok': [200, JSON.stringify({ data: { price: 1.25, time: now } })],
      '/old': [200, JSON.stringify({ data: { price: '1.25', time: String(now - 600) } })],
      '/notime': [200, JSON.stringify({ data: { price: '1.25' } })],
      '/bad': [200, JSON.stringify({ price: '-2' })],
      '/text': [200, 'hello'],
      '/down': [503, 'maintenance'],
    };
    const server = createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      const [status, body] = answers[req.url] ?? [404, ''];
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${server.address().port}`;
    const read = (spec, timeoutMs) =>
      readSource(parseSource(`${base}${spec}`), { maxAgeSeconds: 300, timeoutMs });
    try {
      assert.deepEqual(await read('/ok#data.price@data.time'), { value: p('1.25') });
      assert.match(
        (await read('/old#data.price@data.time')).error,
        /stale: timestamp 60\d s old \(max 300 s\)/,
      );
      assert.match(
        (await read('/notime#data.price@data.time')).error,
        /no Unix timestamp .* at data.time/,
      );
      assert.match((await read('/ok#data.missing')).error, /no value at data.missing/);
      assert.match((await read('/bad#price')).error, /invalid price: negative: -2/);
      assert.match((await read('/text#price')).error, /not JSON/);
      assert.match((await read('/down#price')).error, /HTTP 503/);
      assert.match((await read('/hang#price', 300)).error, /no answer within 300 ms/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    assert.match(
      (await read('/ok#data.price')).error,
      /request failed: (connect ECONNREFUSED|other side closed)/,
    );
  });
});

describe('metrics', () => {
  it('renders Prometheus text and answers /health', async () => {
    let clock = 1_000_000;
    const metrics = new Metrics({ now: () => clock });
    metrics.healthWindowMs = 60_000;
    const server = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      let text = await (await fetch(`${base}/metrics`)).text();
      assert.match(text, /^capacloud_feeder_up 0$/m);
      assert.match(text, /^capacloud_feeder_submissions_total 0$/m);
      assert.match(text, /^capacloud_feeder_refusals_total\{reason="disagree"\} 0$/m);
      assert.doesNotMatch(text, /^capacloud_feeder_last_price /m);
      assert.equal((await fetch(`${base}/health`)).status, 200); // grace period after start
      clock += 61_000;
      assert.equal((await fetch(`${base}/health`)).status, 503);
      metrics.up = true;
      metrics.submitted(p('0.5'), 42);
      metrics.refused('disagree');
      text = await (await fetch(`${base}/metrics`)).text();
      assert.match(text, /^capacloud_feeder_up 1$/m);
      assert.match(text, /^capacloud_feeder_last_price 0.5$/m);
      assert.match(text, /^capacloud_feeder_last_submitted_block 42$/m);
      assert.match(text, /^capacloud_feeder_last_submission_timestamp_seconds 1061.000$/m);
      assert.match(text, /^capacloud_feeder_submissions_total 1$/m);
      assert.match(text, /^capacloud_feeder_refusals_total\{reason="disagree"\} 1$/m);
      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), {
        lastPrice: '0.5',
        lastBlock: 42,
        lastSubmittedAt: new Date(1_061_000).toISOString(),
      });
      assert.equal((await fetch(`${base}/other`)).status, 404);
    } finally {
      server.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: a real node, a real HTTP source, the real feeder
// ---------------------------------------------------------------------------------------------

const CREDITS_PER_STABLE_UNIT = 1000n;

/// Credits the chain gives for `amount` plancks at `price` (inner): both steps round down.
const expectedCredits = (amount, price) =>
  (((amount * price) / ONE) * CREDITS_PER_STABLE_UNIT) / CAPA;

/// The mock price source: GET /price → {"price": …}; /price2 → {"data": {"value": …, "time": now}};
/// /bad → values no feeder may submit. Stopped and restarted on the same port.
class MockSource {
  constructor(port) {
    this.port = port;
    this.price = '0.8';
    this.price2 = '0.8';
    this.server = undefined;
  }

  start() {
    this.server = createServer((req, res) => {
      let body;
      if (req.url === '/price') body = JSON.stringify({ price: this.price });
      else if (req.url === '/price2') {
        body = JSON.stringify({
          data: { value: this.price2, time: Math.floor(Date.now() / 1000) },
        });
      } else if (req.url === '/bad') {
        // Raw JSON text: 1e400 parses to Infinity.
        body =
          '{"text": "abc", "negative": -1, "zero": "0", "huge": 1e400, "precise": "0.1234567890123456789"}';
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
  }

  async stop() {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe(
  'capacloud-feeder against a real node',
  { skip: !NODE_BIN && 'CAPA_NODE_BIN is not set' },
  () => {
    let node;
    let startNode;
    let api;
    let mock;
    let alice;
    let bob;
    let wsUrl;
    let metricsPort;
    const feeders = {};

    const startFeeder = (name, args) => {
      feeders[name] = new Child(`feeder ${name}`, process.execPath, [
        FEEDER,
        '--url',
        wsUrl,
        ...args,
      ]);
      return feeders[name];
    };

    /// A step of the scenario (see harness.mjs); on a failure, the last lines of every process.
    const step = scenario(() => {
      for (const child of [...Object.values(feeders), node].filter(Boolean)) {
        console.error(child.dump(child === node ? 15 : 40));
      }
    });

    const head = async () => (await api.rpc.chain.getHeader()).number.toNumber();
    const waitBlocks = async (count) => {
      const target = (await head()) + count;
      await waitFor(
        `block #${target}`,
        async () => (await head()) >= target,
        (count + 2) * BLOCK_MS,
      );
    };
    /// Alice's latest submission: { price (inner), block }.
    const aliceLatest = async () => {
      const feeds = await api.query.burnMint.priceFeeders();
      const feed = feeds.find((f) => f.feeder.eq(alice.address));
      assert.ok(feed, 'Alice is a genesis price feeder');
      const [price, block] = feed.latest.unwrap();
      return { price: price.toBigInt(), block: block.toNumber() };
    };
    const quote = async (amount) => {
      const q = await api.call.burnMintApi.quoteCredits(amount);
      return q.isSome ? q.unwrap().toBigInt() : null;
    };
    const creditsOf = async (who) => (await api.call.burnMintApi.creditsOf(who.address)).toBigInt();
    const metricsText = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

    /// Signs and sends; resolves with the events once in a block (see harness.mjs).
    const submitEvents = async (tx, signer) => (await submit(api, tx, signer)).events;

    before(async () => {
      const [rpc, p2p, mockPort, metrics] = await freePorts(4);
      metricsPort = metrics;
      wsUrl = `ws://127.0.0.1:${rpc}`;
      mock = new MockSource(mockPort);
      await mock.start();
      startNode = async () => {
        node = await startDevNode({ rpc, p2p });
      };
      await startNode();
      await cryptoWaitReady();
      api = await ApiPromise.create({ provider: new WsProvider(wsUrl), noInitWarn: true });
      const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
      alice = keyring.addFromUri('//Alice');
      bob = keyring.addFromUri('//Bob');
      const base = `http://127.0.0.1:${mockPort}`;
      // Feeders that must never submit, running through the whole scenario: Bob is not a feeder;
      // Alice with sources that only give unusable values.
      startFeeder('bob', [
        '--dev-account',
        'bob',
        '--every',
        '1',
        '--metrics-port',
        '0',
        '--source',
        `${base}/price#price`,
      ]);
      startFeeder('bad', [
        '--dev-account',
        'alice',
        '--every',
        '1',
        '--metrics-port',
        '0',
        ...['text', 'negative', 'zero', 'huge', 'precise'].flatMap((k) => [
          '--source',
          `${base}/bad#${k}`,
        ]),
      ]);
    });

    after(async () => {
      if (process.env.CAPA_FEEDER_TEST_LOGS === '1') {
        for (const child of Object.values(feeders)) console.log(child.dump(Infinity));
      }
      await Promise.all(Object.values(feeders).map((f) => f.stop('SIGKILL')));
      await mock?.stop();
      await api?.disconnect();
      await node?.stop('SIGINT', 15_000);
    });

    step(
      'sudo sets price_max_age to 4 blocks and lifts the price movement bounds (from the next epoch)',
      async () => {
        const active = (await api.query.burnMint.activeParameters()).unwrap().toJSON();
        assert.equal(active.priceMaxAge, 60, 'fast-runtime default: 6 minutes of 6 s blocks');
        // The presets reject a submission beyond 10% of the price and move the price 1% a
        // block; this suite follows the feeder through jumps of 60% (the pallet's tests cover
        // the bounds, and the restart below the presets'), so it opens them as wide as the
        // chain allows: 99.9999999% (Perbill parts; 100% is refused as no bound at all).
        assert.equal(active.maxPriceDeviation, 100_000_000, 'presets: 10%');
        assert.equal(active.maxPriceChangePerBlock, 10_000_000, 'presets: 1%');
        const off = 999_999_999;
        const events = await submitEvents(
          api.tx.sudo.sudo(
            api.tx.burnMint.setParameters({
              ...active,
              priceMaxAge: 4,
              maxPriceDeviation: off,
              maxPriceChangePerBlock: off,
            }),
          ),
          alice,
        );
        const sudid = events.find(({ event }) => api.events.sudo.Sudid.is(event));
        assert.ok(sudid?.event.data.sudoResult.isOk, 'setParameters accepted');
        await waitFor(
          'the new parameters to be in force',
          async () =>
            (await api.query.burnMint.activeParameters()).unwrap().maxPriceDeviation.toNumber() ===
            off,
          12 * BLOCK_MS,
        );
      },
    );

    step('the feeder submits the source price and the chain quotes from it', async () => {
      const base = `http://127.0.0.1:${mock.port}`;
      startFeeder('alice', [
        '--dev-account',
        'alice',
        '--every',
        '1',
        '--tolerance',
        '0.05',
        '--metrics-port',
        String(metricsPort),
        '--source',
        `${base}/price#price`,
        '--source',
        `${base}/price2#data.value@data.time`,
      ]);
      await waitFor(
        'Alice to submit 0.8',
        async () => (await aliceLatest()).price === p('0.8'),
        60_000,
      );
      assert.equal(await quote(CAPA), 800n, '1 CAPA at 0.8 buys 800 credits');
      await feeders.alice.waitForLine(/submitted 0\.8 \(median of .*\) in block #\d+/, 10_000);
      const text = await metricsText();
      assert.match(text, /^capacloud_feeder_last_price 0\.8$/m);
      assert.match(text, /^capacloud_feeder_up 1$/m);
      const health = await fetch(`http://127.0.0.1:${metricsPort}/health`);
      assert.equal(health.status, 200);
      assert.equal((await health.json()).lastPrice, '0.8');

      // The source moves: the chain follows.
      mock.price = '1.25';
      mock.price2 = '1.25';
      await waitFor(
        'Alice to submit 1.25',
        async () => (await aliceLatest()).price === p('1.25'),
        30_000,
      );
      const amount = 1_234_567_890_123n; // 1.234567890123 CAPA
      assert.equal(await quote(CAPA), 1250n);
      assert.equal(await quote(amount), expectedCredits(amount, p('1.25')));
      assert.equal(expectedCredits(amount, p('1.25')), 1543n);
      await waitFor(
        'the metrics to show 1.25',
        async () => /^capacloud_feeder_last_price 1\.25$/m.test(await metricsText()),
        15_000,
      );
    });

    step('sources that disagree beyond the tolerance: nothing is submitted', async () => {
      const from = feeders.alice.lines.length;
      mock.price2 = '1.5'; // 18% above /price
      await feeders.alice.waitForLine(
        /not submitted: sources disagree by 18\.18% > tolerance 5% \(.*1\.25.*1\.5\)/,
        30_000,
        from,
      );
      // A submission in flight when the price moved may still land: take the state after it.
      await waitBlocks(1);
      const frozen = await aliceLatest();
      await waitBlocks(2);
      assert.deepEqual(
        await aliceLatest(),
        frozen,
        "Alice's latest price and block did not advance",
      );
      assert.equal(frozen.price, p('1.25'));
      assert.match(
        await metricsText(),
        /^capacloud_feeder_refusals_total\{reason="disagree"\} [1-9]\d*$/m,
      );
    });

    step(
      'the source goes away: the price goes stale and sales fail with PriceUnavailable',
      async () => {
        await waitFor(
          'price_max_age 4 in force',
          async () =>
            (await api.query.burnMint.activeParameters()).unwrap().priceMaxAge.toNumber() === 4,
          12 * BLOCK_MS,
        );
        const from = feeders.alice.lines.length;
        const before = await aliceLatest();
        await mock.stop();
        await feeders.alice.waitForLine(
          /not submitted: 0 source\(s\) available.*request failed/,
          30_000,
          from,
        );
        await waitFor(
          'quoteCredits to be None',
          async () => (await quote(CAPA)) === null,
          8 * BLOCK_MS,
        );
        const credits = await creditsOf(bob);
        await assert.rejects(
          submitEvents(api.tx.burnMint.buyCredits(CAPA, 0), bob),
          /burnMint\.PriceUnavailable/,
        );
        assert.equal(await creditsOf(bob), credits);
        assert.deepEqual(await aliceLatest(), before, 'nothing was submitted meanwhile');
        assert.ok(feeders.alice.alive);
      },
    );

    step('the source comes back: sales are restored', async () => {
      mock.price2 = '1.25';
      await mock.start();
      const quoted = await waitFor('quoteCredits to be Some', () => quote(CAPA), 5 * BLOCK_MS);
      assert.equal(quoted, 1250n);
      const credits = await creditsOf(bob);
      await submitEvents(api.tx.burnMint.buyCredits(CAPA, quoted), bob);
      assert.equal(await creditsOf(bob), credits + quoted);

      // With the feeder running, the chain stays usable for longer than price_max_age (4
      // blocks): more than twice that later, credits still sell at the source's price.
      const height = async () => (await api.rpc.chain.getHeader()).number.toNumber();
      const from = await height();
      await waitFor('9 more blocks', async () => (await height()) >= from + 9, 14 * BLOCK_MS);
      const later = await quote(CAPA);
      assert.equal(later, 1250n);
      await submitEvents(api.tx.burnMint.buyCredits(CAPA, later), bob);
      assert.equal(await creditsOf(bob), credits + quoted + later);
    });

    step(
      'a key that is not a feeder, or unusable source values: logged, nothing submitted, still running',
      async () => {
        const { bob: notFeeder, bad } = feeders;
        await notFeeder.waitForLine(
          /not submitted: \S+ is not a price feeder \(burnMint\.priceFeeders: /,
          5_000,
        );
        assert.equal(notFeeder.matching(/submitted \d/).length, 0);
        assert.ok(notFeeder.alive, 'the feeder with a non-feeder key keeps running');

        const line = await bad.waitForLine(
          /not submitted: 0 source\(s\) available, at least 1 required/,
          5_000,
        );
        for (const reason of [
          /\/bad#text: invalid price: not a decimal number: "abc"/,
          /\/bad#negative: invalid price: negative: -1/,
          /\/bad#zero: invalid price: zero: 0/,
          /\/bad#huge: invalid price: not a finite number: Infinity/,
          /\/bad#precise: invalid price: more than 18 decimal places/,
        ]) {
          assert.match(line, reason);
        }
        assert.equal(bad.matching(/submitted \d/).length, 0);
        assert.ok(bad.alive, 'the feeder with bad sources keeps running');
      },
    );

    step('the node restarts (a new --tmp chain): the feeder reconnects; the chain\'s price bounds apply', async () => {
      const from = feeders.alice.lines.length;
      await node.stop('SIGINT', 15_000);
      await feeders.alice.waitForLine(/disconnected from ws:/, 15_000, from);
      mock.price = '2';
      mock.price2 = '2';
      await startNode();
      await feeders.alice.waitForLine(/reconnected to ws:/, 30_000, from);
      // A new chain: the presets' bounds, and the genesis price of 0.50. A price of 2 is more
      // than 10% away: the feeder submits it as it is (the chain stores a report as made), says
      // so, and the price in force climbs towards it 1% a block.
      await feeders.alice.waitForLine(
        /submitted 2 \(median of .*\) in block #\d+; more than max_price_deviation from the price in force 0\.5\d*: it follows one step a block/,
        60_000,
        from,
      );
      assert.match(await metricsText(), /^capacloud_feeder_far_from_price_total [1-9]\d*$/m);
      await waitFor('the price in force to climb', async () => (await quote(CAPA)) > 500n, 6 * BLOCK_MS);
      // 0.52: submitted as it is too, and the price in force follows it by at
      // most 1% a block.
      mock.price = '0.52';
      mock.price2 = '0.52';
      await waitFor(
        'Alice to submit 0.52',
        async () => {
          try {
            return (await aliceLatest()).price === p('0.52');
          } catch {
            return false; // this test's own connection is reconnecting too
          }
        },
        60_000,
      );
      // From wherever the climb got to, 1% a block down to 0.52.
      await waitFor('the price in force to reach 0.52', async () => (await quote(CAPA)) === 520n, 20 * BLOCK_MS);
      assert.match(await metricsText(), /^capacloud_feeder_last_price 0\.52$/m);
      assert.ok(feeders.bob.alive && feeders.bad.alive);
    });

    step('SIGTERM and SIGINT: the feeder disconnects and exits with status 0', async () => {
      assert.deepEqual(await feeders.alice.stop('SIGTERM'), { code: 0, signal: null });
      assert.deepEqual(await feeders.bob.stop('SIGINT'), { code: 0, signal: null });
    });
  },
);
