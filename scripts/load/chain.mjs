// The load harness's chain: N trading accounts, a development chain spec that funds them in
// genesis, and the node started on it.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { startDevNode } from '../e2e/lib/dev-node.mjs';
import { USDC } from '../lib/chain-ids.mjs';
import { nodeBinary } from '../lib/clearing-node.mjs';
import { FIXED, ONE_CLR, ONE_USDC } from '../lib/units.mjs';

/**
 * `n` sr25519 accounts from seeds `blake2("clearing-load-<i>")`: the same accounts on every
 * run, made from raw seeds rather than derivation paths so that 10,000 take seconds.
 */
export function loadAccounts(n) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return Array.from({ length: n }, (_, i) => keyring.addFromSeed(blake2AsU8a(`clearing-load-${i}`)));
}

/**
 * Writes the development chain spec with every account of `funding` (`[address, usdc]`)
 * given 100 CLR for fees and its USDC in genesis, and returns its path.
 */
export async function fundedChainSpec(funding) {
  const { stdout } = await promisify(execFile)(nodeBinary(), ['build-spec', '--chain', 'dev'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  // The spec holds u128 values beyond a double's precision (1e21 wei of ETH), so the
  // funding is spliced into its text rather than parsed and re-serialized.
  const assetEntries = funding.map(([address, usdc]) => `[${USDC}, "${address}", ${usdc * ONE_USDC}]`);
  const balanceEntries = funding.map(([address]) => `["${address}", ${100n * ONE_CLR}]`);
  const splice = (text, marker, entries) => {
    if (entries.length === 0) return text;
    const at = text.indexOf(marker);
    if (at < 0) throw new Error(`the dev chain spec has no ${marker}`);
    const end = at + marker.length;
    return `${text.slice(0, end)}${entries.join(',')},${text.slice(end)}`;
  };
  let spec = splice(stdout, '"accounts": [', assetEntries);
  spec = splice(spec, '"balances": [', balanceEntries);
  JSON.parse(spec); // still well-formed
  const file = path.join(os.tmpdir(), `clearing-load-${funding.length}-${process.pid}.json`);
  await writeFile(file, spec);
  return file;
}

/**
 * Writes the development chain spec with a seeded book (see the clearing pallet's
 * `genesis.rs`): `accounts` keyless accounts each long `size` satoshi of BTC-PERP opened at
 * `entry` USD, account i holding `marginMin + i * marginStep` USDC (whole dollars may be
 * fractional: the values are in USDC's smallest units), `house` short the total on
 * `houseMargin` USDC; bands built at `entry`, from now. Also funds `funding` as
 * `fundedChainSpec` does. Returns the spec's path.
 */
export async function seededChainSpec({ accounts, size, entry, marginMin, marginStep, house, houseMargin, funding = [] }) {
  const base = await fundedChainSpec(funding);
  const text = await readFile(base, 'utf8');
  const seeded = {
    accounts,
    market: 0,
    size: Number(size),
    entry: (BigInt(entry) * FIXED).toString(),
    marginMin: Number(marginMin),
    marginStep: Number(marginStep),
    house,
    houseMargin: Number(houseMargin),
    bandsFromMs: Date.now(),
  };
  const marker = '"seeded": null';
  if (!text.includes(marker)) throw new Error('the dev chain spec has no "seeded": null to fill');
  const spec = text.replace(marker, `"seeded": ${JSON.stringify(seeded)}`);
  JSON.parse(spec); // still well-formed
  const file = path.join(os.tmpdir(), `clearing-seeded-${accounts}-${process.pid}.json`);
  await writeFile(file, spec);
  return file;
}

/** Starts `clearing-node --dev` on `specFile`, with a pool that holds every account's transactions. */
export function startLoadNode(specFile) {
  return startDevNode({
    extraArgs: ['--chain', specFile, '--pool-limit', '100000', '--pool-kbytes', '512000', '--rpc-max-connections', '1000'],
  });
}
