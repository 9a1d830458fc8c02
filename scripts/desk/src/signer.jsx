// Who signs: the development accounts (Alice…Eve, from their well-known `//Name` seeds) on
// a development chain, and the accounts of a browser extension when one is present
// (@polkadot/extension-dapp). The page works without any extension.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { web3Accounts, web3Enable, web3FromSource } from '@polkadot/extension-dapp';
import { submit } from '../../lib/tx.mjs';

const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'];

/**
 * The accounts the page can sign with: `{ address, name, source, pair? }`, `source` 'dev'
 * (a keyring pair held by the page; development chains only) or an extension's name.
 */
export async function loadSigners(facts) {
  const accounts = [];
  if (facts.isDevelopment) {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    for (const name of DEV_NAMES) {
      const pair = keyring.addFromUri(`//${name}`);
      accounts.push({ address: pair.address, name, source: 'dev', pair });
    }
  }
  try {
    const extensions = await Promise.race([
      web3Enable('Clearing desk'),
      new Promise((resolve) => { setTimeout(() => resolve([]), 1_000); }),
    ]);
    if (extensions.length > 0) {
      for (const account of await web3Accounts()) {
        accounts.push({ address: account.address, name: account.meta.name ?? account.address.slice(0, 6), source: account.meta.source });
      }
    }
  } catch {
    // No extension: the development accounts (or none) it is.
  }
  return accounts;
}

/**
 * Signs `tx` as `account` and resolves once it is in a block: `{ block, events, error,
 * errorDocs }` (`error` `section.name` of a failed dispatch, else null). `onStatus` hears
 * each step ("signing", "ready", ...). Rejects if the pool refuses the transaction.
 */
export async function sendTx(api, tx, account, onStatus = () => {}) {
  onStatus('signing');
  const [signer, signOptions] = account.pair
    ? [account.pair, {}]
    : [account.address, { signer: (await web3FromSource(account.source)).signer }];
  const { blockHash, events, error, errorDocs } = await submit(api, tx, signer, { signOptions, onStatus });
  const header = await api.rpc.chain.getHeader(blockHash);
  return { block: header.number.toNumber(), events, error, errorDocs };
}
