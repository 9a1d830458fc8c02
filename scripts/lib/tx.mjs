// Transaction helpers shared by the Node.js tools, the e2e suite and the zombienet steps.
// They take the @polkadot/api instance they work with, so this module imports nothing.

/** `section.name` of a failed dispatch's module error, else the error as text. */
export function dispatchErrorName(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}

/**
 * Signs and sends `tx`, resolving with its events once it is in a block (or, with
 * `finalized`, once that block is finalized). A failed dispatch rejects with an Error
 * named by `dispatchErrorName`, as does a transaction the pool drops.
 */
export function sendInBlock(api, tx, signer, { finalized = false } = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe?.();
        reject(new Error(`transaction ${status.type}`));
        return;
      }
      if (!(finalized ? status.isFinalized : status.isInBlock)) return;
      unsubscribe?.();
      if (dispatchError) reject(new Error(dispatchErrorName(api, dispatchError)));
      else resolve(events);
    }).then((u) => { unsubscribe = u; }, reject);
  });
}
