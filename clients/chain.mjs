// What every polkadot.js client here shares: naming a failed dispatch's error and submitting a
// signed extrinsic until it is in a block.

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
