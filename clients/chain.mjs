// What every polkadot.js client here shares: connecting to a node (or failing fast, naming it),
// naming a failed dispatch's error and submitting a signed extrinsic until it is in a block.

import { ApiPromise, WsProvider } from '@polkadot/api';

import { UsageError } from './errors.mjs';

export { UsageError };

/// How long a client waits for a node to answer before it gives up.
export const CONNECT_SECONDS = 10;

/// Connects to `url` (ws://, wss://, or http(s):// taken as ws(s)://), or fails within
/// CONNECT_SECONDS naming it. With `reconnect` (a long-running agent) the connection is
/// re-established after a loss; without, the client fails at once.
export async function connect(url, reconnect = false) {
  const endpoint = url.replace(/^http(s?):\/\//, 'ws$1://');
  if (!/^wss?:\/\/./.test(endpoint)) throw new UsageError(`--url must be ws://, wss://, http:// or https://: ${url}`);
  const provider = new WsProvider(endpoint, reconnect ? 2500 : false);
  let timer;
  const unreachable = new Promise((_, reject) => {
    const fail = (why) => () => reject(new Error(`cannot reach a node at ${endpoint} (${why})`));
    timer = setTimeout(fail(`no answer within ${CONNECT_SECONDS} s`), CONNECT_SECONDS * 1000);
    if (!reconnect) provider.on('error', fail('the connection failed'));
  });
  if (!reconnect) provider.connect().catch(() => {});
  try {
    await Promise.race([provider.isReady, unreachable]);
  } catch (e) {
    await provider.disconnect().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return ApiPromise.create({ provider, noInitWarn: true, rpc: RPC });
}

/// Whether the connection `api` lost the chain's own runtime APIs to a runtime upgrade:
/// polkadot.js (16.5.6) re-reads the metadata of a new runtime without the runtime APIs'
/// definitions, so `api.call.burnMintApi` disappears from a connection that lives through an
/// upgrade. A long-running client (the provider agent, the economy exporter) then connects
/// again: a new connection reads them (`clients/test/upgrade.test.mjs`).
export const lostRuntimeApis = (api) => !api.call.burnMintApi;

/// The connection a long-running client keeps (the provider agent, the economy exporter):
/// `api` is the live ApiPromise, re-established by polkadot.js after a lost connection
/// (`onDown` and `onUp` say when it drops and comes back); `open()` connects anew, as after a
/// runtime upgrade (`lostRuntimeApis`), and closes the old connection once the new one is up.
export class LastingConnection {
  constructor(url, { onDown, onUp } = {}) {
    this.url = url;
    this.onDown = onDown;
    this.onUp = onUp;
    this.api = null;
    this.down = false;
    this.closed = false;
  }

  async open() {
    const api = await connect(this.url, true);
    api.on('disconnected', () => {
      if (this.closed || api !== this.api) return;
      this.down = true;
      this.onDown?.();
    });
    api.on('connected', () => {
      if (!this.down || api !== this.api) return;
      this.down = false;
      this.onUp?.();
    });
    const old = this.api;
    this.api = api;
    await old?.disconnect().catch(() => {});
    return api;
  }

  async close() {
    this.closed = true;
    await this.api?.disconnect().catch(() => {});
  }
}

/// RPC methods of the node that this release of polkadot.js does not know yet.
export const RPC = {
  author: {
    rotateKeysWithOwner: {
      description:
        'Generates new session keys in the node\'s keystore with a proof that they belong to `owner` (unsafe: the node\'s own machine only)',
      params: [{ name: 'owner', type: 'Bytes' }],
      type: 'Json',
    },
  },
};

/// The name of a failed dispatch's error: `section.Name` for a module error, else the
/// variant (`BadOrigin`, ...).
export function errorName(api, dispatchError) {
  if (!dispatchError.isModule) return dispatchError.type;
  const { section, name } = api.registry.findMetaError(dispatchError.asModule);
  return `${section}.${name}`;
}

/// Signs and sends `tx`; resolves with `{ events, blockHash }` once it is in a block; rejects
/// after `ms`, or with an error naming the module error (e.g. burnMint.PriceUnavailable) on a
/// failed dispatch (the error carries `events` and `blockHash` too).
export function submit(api, tx, signer, ms = 60_000) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    const timer = setTimeout(() => reject(new Error(`not included within ${ms / 1000} s`)), ms);
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (!status.isInBlock) return;
      clearTimeout(timer);
      unsubscribe?.();
      if (dispatchError) {
        const error = new Error(
          `${tx.method.section}.${tx.method.method} failed: ${errorName(api, dispatchError)}`,
        );
        error.events = events;
        error.blockHash = status.asInBlock;
        reject(error);
      } else {
        resolve({ events, blockHash: status.asInBlock });
      }
    }).then((u) => {
      unsubscribe = u;
    }, reject);
  });
}
