// Helpers the zombienet js-scripts share: a connection to a node, transactions awaited in a
// block, and waiting on a condition. CommonJS, because zombienet loads scripts with require.
const { ApiPromise, WsProvider } = require('@polkadot/api');
const { Keyring } = require('@polkadot/keyring');
const { cryptoWaitReady } = require('@polkadot/util-crypto');

/** An @polkadot/api connection to a node of the network, by name. */
async function connect(networkInfo, name) {
  await cryptoWaitReady();
  const provider = new WsProvider(networkInfo.nodesByName[name].wsUri);
  return ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
}

/** The sr25519 development key of `name` (e.g. 'Alice'). */
function key(name) {
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(`//${name}`);
}

/** Signs and sends `tx`; resolves with its events once in a block, rejects on failure
 * (scripts/lib/tx.mjs, shared with the Node.js tools). */
async function send(api, tx, signer) {
  const { sendInBlock } = await import('../scripts/lib/tx.mjs');
  return sendInBlock(api, tx, signer);
}

/** Resolves `fn()` once truthy, polling every `intervalMs`; rejects after `timeoutMs`. */
async function waitFor(what, fn, { timeoutMs = 120_000, intervalMs = 1_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The node's finalized block number (scripts/lib/clearing-node.mjs, shared with the e2e
 * suite). */
async function finalizedNumber(api) {
  const { finalizedNumber: read } = await import('../scripts/lib/clearing-node.mjs');
  return read(api);
}

module.exports = { connect, key, send, waitFor, finalizedNumber };
