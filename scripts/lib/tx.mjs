// The one transaction helper of the Node.js tools, the e2e suite, the load harness and the
// zombienet steps. It takes the @polkadot/api instance it works with, so this module
// imports nothing.

/** `section.name` of a failed dispatch's module error, else the error as text. */
export function dispatchErrorName(api, dispatchError) {
  return describeDispatchError(api, dispatchError).name;
}

/**
 * A failed dispatch as `{ name, docs }`: `name` is `section.name` of a module error (else
 * the error as text), `docs` the error's documentation in one line ('' when it has none).
 */
export function describeDispatchError(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return { name: `${section}.${name}`, docs: docs.join(' ').trim() };
  }
  return { name: dispatchError.toString(), docs: '' };
}

/**
 * Signs and sends `tx` and resolves once it is in a block (with `finalized`, once that
 * block is finalized) with `{ blockHash, events, error, errorDocs }`: `error` is
 * `section.name` of a failed dispatch (null on success), `errorDocs` its documentation.
 * Rejects if the pool refuses or drops the transaction, or, with `timeoutMs`, if it has
 * not got that far in time. `signOptions` go to `signAndSend` (a browser extension's
 * `signer`, with `signer` the address); `onStatus` hears each earlier step ('ready', ...).
 */
export function submit(api, tx, signer, { finalized = false, timeoutMs, signOptions = {}, onStatus = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    let settled = false;
    let timer;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe?.();
      fn(value);
    };
    if (timeoutMs !== undefined) {
      const what = finalized ? 'finalized' : 'in a block';
      timer = setTimeout(() => settle(reject, new Error(`not ${what} after ${timeoutMs / 1000} s`)), timeoutMs);
    }
    tx.signAndSend(signer, signOptions, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        settle(reject, new Error(`transaction ${status.type}`));
        return;
      }
      if (!(finalized ? status.isFinalized : status.isInBlock)) {
        onStatus(status.type.toLowerCase());
        return;
      }
      const failure = dispatchError ? describeDispatchError(api, dispatchError) : null;
      settle(resolve, {
        blockHash: finalized ? status.asFinalized : status.asInBlock,
        events,
        error: failure?.name ?? null,
        errorDocs: failure?.docs ?? '',
      });
    }).then(
      (u) => { unsubscribe = u; if (settled) u(); },
      (error) => settle(reject, error),
    );
  });
}

/** `submit`, waiting for the block to be finalized: the e2e suite's and the load harness's wait. */
export function submitAndFinalize(api, tx, signer, options = {}) {
  return submit(api, tx, signer, { ...options, finalized: true });
}

/**
 * Signs and sends `tx`, resolving with its events once it is in a block (or, with
 * `finalized`, once that block is finalized). A failed dispatch rejects with an Error whose
 * message is `section.name` (and whose `docs` is the error's documentation), as does a
 * transaction the pool refuses or drops (`transaction Invalid` etc.).
 */
export async function sendInBlock(api, tx, signer, { finalized = false, timeoutMs } = {}) {
  const { events, error, errorDocs } = await submit(api, tx, signer, { finalized, timeoutMs });
  if (error) throw Object.assign(new Error(error), { docs: errorDocs });
  return events;
}
