// capa without a node: every usage error and a bad key are reported before connecting (exit 2,
// at once), an unreachable node within the connection limit (exit 1; the referendum demo too),
// and amounts are read as capa prints them. The commands against a real node are in economy.test.mjs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { cryptoWaitReady, decodeAddress, encodeAddress } from '@polkadot/util-crypto';

import { formatCapa, parseCapa, withSeparators } from '../amounts.mjs';
import { address, parseInputs } from '../capa.mjs';
import { devUri, loadKey } from '../keys.mjs';
import { decodeWeights, forkSpec } from '../upgrade.mjs';

const CAPA_CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'capa.mjs');
const REFERENDUM = join(dirname(fileURLToPath(import.meta.url)), '..', 'referendum.mjs');
// Nothing listens on port 1 of the loopback interface: a connection is refused at once.
const NOWHERE = 'ws://127.0.0.1:1';
/// Alice's development account in the generic SS58 format.
const ALICE_GENERIC = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

/// Runs capa; resolves to { code, stdout, stderr, ms } whatever the exit status.
async function capa(args, env = {}) {
  const started = Date.now();
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CAPA_CLI, ...args], {
      timeout: 30_000,
      env: { ...process.env, CAPA_SEED: '', ...env },
    });
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ms: Date.now() - started };
  }
}

describe('capa before it reaches a node', () => {
  it('reads amounts as it prints them, exactly', () => {
    assert.equal(parseCapa('1,000'), 1_000n * 10n ** 12n);
    assert.equal(parseCapa('12,000,000.020000000000'), 12_000_000_020_000_000_000n);
    assert.equal(parseCapa('0.000000000001'), 1n);
    assert.equal(parseCapa(formatCapa(123_456_789n)), 123_456_789n);
    for (const bad of ['1,00', '1.0000000000001', '-1', '1e3', '1,000,00', '']) {
      assert.throws(() => parseCapa(bad), /not an amount of CAPA/, bad);
    }
    // Printed with all 12 decimals, grouped by thousands for people, negative as such.
    assert.equal(formatCapa(1_500_000_000_000n), '1.500000000000');
    assert.equal(formatCapa(-1n), '-0.000000000001');
    assert.equal(withSeparators(formatCapa(12_000_000_020_000_000_000n)), '12,000,000.020000000000');
    assert.equal(withSeparators('-1234.5'), '-1,234.5');
    assert.equal(withSeparators('999.000000000000'), '999.000000000000');
  });

  it('checks every argument before connecting', () => {
    assert.deepEqual(parseInputs('buy', ['1,000']), { amount: 1_000n * 10n ** 12n });
    assert.throws(() => parseInputs('buy', ['0']), /above 0/);
    assert.throws(() => parseInputs('pay', ['nobody', '1']), /not an SS58 address: nobody/);
    assert.throws(() => parseInputs('attest', ['5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', '1.5']), /units/);
    assert.deepEqual(parseInputs('claim', []), { address: null });
    assert.throws(() => parseInputs('supply', ['extra']), /supply needs no arguments/);
    assert.deepEqual(parseInputs('register', ['5', '1,200.5']), { units: 5, amount: 1_200_500_000_000_000n });
    assert.throws(() => parseInputs('register', ['5']), /register needs UNITS and a BOND/);
    assert.throws(() => parseInputs('update-capacity', ['4294967296']), /not a whole number of units/);
    assert.throws(() => parseInputs('bond-extra', ['0']), /above 0/);
    assert.deepEqual(parseInputs('leave', []), {});
    assert.deepEqual(parseInputs('forget-history', []), {});
    assert.deepEqual(parseInputs('spend', [ALICE_GENERIC, '250']), { address: ALICE_GENERIC, credits: 250n });
    for (const bad of ['0', '1.5', '-1', String(2n ** 128n)]) {
      assert.throws(() => parseInputs('spend', [ALICE_GENERIC, bad]), /not a whole number of credits above 0/, bad);
    }
  });

  it('loads a signing key the same way for every client: dev accounts by name, secrets from the environment', async () => {
    await cryptoWaitReady();
    assert.equal(devUri('alice'), '//Alice');
    assert.equal(devUri('//Ferdie'), '//Ferdie');
    assert.throws(() => devUri('zed'), /unknown dev account: zed \(one of alice, bob, charlie, dave, eve, ferdie\)/);
    assert.equal(loadKey({ 'dev-account': 'Alice' }).address, ALICE_GENERIC);
    // From the environment, and forgotten there once read (a service keeps no copy).
    const env = { FEEDER_SEED: ' //Alice ' };
    assert.equal(loadKey({}, { defaultEnv: 'FEEDER_SEED', env, forget: true }).address, ALICE_GENERIC);
    assert.deepEqual(env, {});
    assert.throws(() => loadKey({ 'key-env': 'NOPE' }, { env: {} }), /no key: set NOPE/);
    // One mistyped word: refused, never taken as a raw seed; the secret is not echoed.
    const mistyped = 'bottom drive obey lake curtain smoke basket hold race lonely fit walx';
    assert.throws(
      () => loadKey({}, { env: { CAPA_SEED: mistyped } }),
      (e) => /the key in CAPA_SEED is not a valid mnemonic/.test(e.message) && !e.message.includes('walx'),
    );
  });

  it('reads addresses in the chain\'s format or the generic one, and refuses other networks\' by name', () => {
    // Alice's account in this chain's format (4224), the generic one (42) and Polkadot's (0).
    const alice = decodeAddress(ALICE_GENERIC);
    const chain = encodeAddress(alice, 4224);
    assert.equal(address(chain), chain);
    assert.equal(address(ALICE_GENERIC), ALICE_GENERIC);
    assert.throws(
      () => address(encodeAddress(alice, 0)),
      /is an address of another network \(SS58 format 0\); this chain's format is 4224 \(or the generic 42\)/,
    );
    assert.throws(() => address(encodeAddress(alice, 2)), /SS58 format 2\)/);
    // A checksum error (one character changed) or a 33-byte (ECDSA public) key is no account.
    const typo = `${ALICE_GENERIC.slice(0, 10)}${ALICE_GENERIC[10] === 'a' ? 'b' : 'a'}${ALICE_GENERIC.slice(11)}`;
    assert.throws(() => address(typo), /not an SS58 address/);
    assert.throws(() => address(encodeAddress(new Uint8Array(33).fill(2), 4224)), /not an SS58 address/);
  });

  it('reports a usage error or a bad key at once, without waiting for a node (exit 2)', async () => {
    const cases = [
      [['buy', '0', '--url', NOWHERE], /the amount must be above 0/],
      [['provider', 'not-an-address', '--url', NOWHERE], /not an SS58 address/],
      [['claim', '--url', NOWHERE], /no key: set CAPA_SEED/],
      [['supply', '--url', 'ftp://example.org'], /--url must be ws:\/\/, wss:\/\/, http:\/\/ or https:\/\//],
      [['keepalive', '--blocks', '0', '--url', NOWHERE, '--dev-account', 'bob'], /--blocks must be/],
    ];
    for (const [args, message] of cases) {
      const run = await capa(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /API-WS/);
    }
    // A phrase that is not a valid mnemonic (one word mistyped) is refused, not used as a seed.
    const mistyped = 'bottom drive obey lake curtain smoke basket hold race lonely fit walx';
    const run = await capa(['buy', '1', '--url', NOWHERE], { CAPA_SEED: mistyped });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /the key in CAPA_SEED is not a valid mnemonic/);
  });

  it('upgrade-check: reads the weights the runtime answers and writes the blob as the copy\'s code', () => {
    // (Weight, Weight) as SCALE compacts: 324,000,000 / 0, then 2,000,000,000,000 / u64::MAX.
    assert.deepEqual(decodeWeights('0x02643f4d000b00204aa9d10113ffffffffffffffff'), [
      { refTime: 324_000_000n, proofSize: 0n },
      { refTime: 2_000_000_000_000n, proofSize: 18_446_744_073_709_551_615n },
    ]);
    const spec = forkSpec({ '0x3a636f6465': '0x00', '0x26aa': '0x01' }, new Uint8Array([1, 2, 3]));
    assert.deepEqual(spec.genesis.raw.top, { '0x3a636f6465': '0x010203', '0x26aa': '0x01' });
    assert.equal(spec.bootNodes.length, 0);
    assert.deepEqual(parseInputs('upgrade-check', ['next.wasm']), { wasm: 'next.wasm' });
    assert.throws(() => parseInputs('upgrade-apply', []), /needs a runtime blob/);
  });

  it('gives up on an unreachable node with one line naming it (exit 1)', async () => {
    const run = await capa(['supply', '--url', NOWHERE.replace('ws://', 'http://')]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim(), 'capa: cannot reach a node at ws://127.0.0.1:1 (the connection failed)');
    assert.ok(run.ms < 15_000, `gave up after ${run.ms} ms`);
  });

  it('the referendum demo gives up on an unreachable node the same way (exit 1)', async () => {
    const started = Date.now();
    const failed = await promisify(execFile)(process.execPath, [REFERENDUM, NOWHERE], { timeout: 30_000 }).then(
      () => assert.fail('the demo ran without a node'),
      (e) => e,
    );
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr.trim(), 'referendum demo failed: cannot reach a node at ws://127.0.0.1:1 (the connection failed)');
    assert.ok(Date.now() - started < 15_000, `gave up after ${Date.now() - started} ms`);
  });
});
