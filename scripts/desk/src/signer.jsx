// Who signs: the development accounts (Alice…Eve, from their well-known `//Name` seeds) on
// a development chain, and the accounts of a browser extension when one is present
// (@polkadot/extension-dapp). The page works without any extension.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { web3Accounts, web3Enable, web3FromSource } from '@polkadot/extension-dapp';
import { u8aToHex } from '@polkadot/util';
import { signingPayload, signQuote } from '../../lib/quotes.mjs';
import { submit } from '../../lib/tx.mjs';

const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'];

/**
 * The accounts the page can sign with: `{ address, name, source, pair?, type? }`, `source`
 * 'dev' (a keyring pair held by the page; development chains only) or an extension's name
 * (`type` its key type, 'sr25519', 'ed25519', 'ecdsa' or 'ethereum', when it says).
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
        accounts.push({ address: account.address, name: account.meta.name ?? account.address.slice(0, 6), source: account.meta.source, type: account.type });
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

/** `MultiSignature` variants by key type. */
const SIGNATURE_VARIANTS = { sr25519: 'Sr25519', ed25519: 'Ed25519', ecdsa: 'Ecdsa' };

/**
 * `account`'s signature over the block-trade `quote` (see scripts/lib/quotes.mjs), as the
 * `MultiSignature` `blockTrade.executeQuote` takes: a development key signs the payload
 * itself; an extension signs it with `signRaw`, which wraps it in `<Bytes>`…`</Bytes>`
 * first (the chain accepts either).
 */
export async function signQuoteAs(api, account, quote) {
  if (account.pair) return signQuote(api, account.pair, quote);
  const variant = SIGNATURE_VARIANTS[account.type ?? 'sr25519'];
  if (!variant) throw new Error(`${account.name}'s ${account.type} key cannot sign quotes (sr25519, ed25519 or ecdsa only)`);
  const { signer } = await web3FromSource(account.source);
  if (!signer?.signRaw) throw new Error(`the ${account.source} extension cannot sign raw messages`);
  const { signature } = await signer.signRaw({ address: account.address, data: u8aToHex(signingPayload(api, quote)), type: 'bytes' });
  // Some extensions prefix the key type's byte (a whole MultiSignature): keep the bare signature.
  const bare = variant !== 'Ecdsa' && signature.length === 2 + 2 * 65 ? `0x${signature.slice(4)}` : signature;
  return { [variant]: bare };
}
