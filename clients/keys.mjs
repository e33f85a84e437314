// Signing keys as every client here loads them: a development account by name, or the secret
// URI or mnemonic in an environment variable (never on the command line), checked before
// anything connects.

import { Keyring } from '@polkadot/keyring';
import { mnemonicValidate } from '@polkadot/util-crypto';

import { UsageError } from './chain.mjs';

/// The well-known development accounts (`//Alice` ...), by the names clients accept.
export const DEV_ACCOUNTS = ['alice', 'bob', 'charlie', 'dave', 'eve', 'ferdie'];

/// The secret URI of the development account `name` (`alice`, `Alice` or `//Alice`).
export function devUri(name) {
  const plain = String(name).toLowerCase().replace(/^\/\//, '');
  if (!DEV_ACCOUNTS.includes(plain)) {
    throw new UsageError(`unknown dev account: ${name} (one of ${DEV_ACCOUNTS.join(', ')})`);
  }
  return `//${plain[0].toUpperCase()}${plain.slice(1)}`;
}

/// The signing key of `options` (`dev-account`, `key-env`): the development account by name,
/// or the secret in the environment variable `key-env` (default `defaultEnv`) of `env`, which
/// `forget` then deletes from `env` (a long-running service keeps no copy it does not need).
/// A phrase of words that is not a valid mnemonic is refused: polkadot.js would otherwise
/// take it as a raw seed and sign as some other account. Errors never echo the secret.
export function loadKey(
  options,
  { keyring = new Keyring({ type: 'sr25519' }), defaultEnv = 'CAPA_SEED', env = process.env, forget = false } = {},
) {
  if (options['dev-account'] !== undefined) return keyring.addFromUri(devUri(options['dev-account']));
  const variable = options['key-env'] ?? defaultEnv;
  const secret = env[variable]?.trim();
  if (!secret) {
    throw new UsageError(`no key: set ${variable} (a secret URI or mnemonic) or pass --dev-account`);
  }
  const phrase = secret.split('/')[0].trim();
  if (/\s/.test(phrase) && !mnemonicValidate(phrase)) {
    throw new UsageError(`the key in ${variable} is not a valid mnemonic (a word or its order is wrong)`);
  }
  let pair;
  try {
    pair = keyring.addFromUri(secret);
  } catch (e) {
    throw new UsageError(`the key in ${variable} is not a secret URI or mnemonic: ${e.message}`);
  }
  if (forget) delete env[variable];
  return pair;
}
