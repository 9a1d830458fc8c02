// Liquidation at scale on a dev node: 300 accounts seeded in genesis (each long 0.01 BTC
// at 60,000 on 25 to 99.75 USDC, so their liquidation prices spread from about 59,280
// down to 51,570), the house short against them. Two oracle updates each put a slice of
// them below maintenance; the liquidation index flags them, the validator's off-chain
// worker checks only the flagged and submits them in batches, and every account the chain
// sees below maintenance right after the update is liquidated in the very next block.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { seededChainSpec } from '../load/chain.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_USDC, usd } from '../lib/units.mjs';
import { startDevNode, stopDevNode, waitFor } from './lib/dev-node.mjs';

const ACCOUNTS = 300;

describe('liquidation at scale on a dev node', () => {
  let node;
  let api;
  let alice;
  const blocks = new Map();
  let unsubscribe;

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    const dave = keyring.addFromUri('//Dave');
    const spec = await seededChainSpec({
      accounts: ACCOUNTS,
      size: 1_000_000n, // 0.01 BTC
      entry: 60_000n,
      marginMin: 25n * ONE_USDC,
      marginStep: ONE_USDC / 4n,
      house: dave.address,
      houseMargin: 1_000_000n * ONE_USDC,
    });
    node = await startDevNode({ extraArgs: ['--chain', spec] });
    api = node.api;
    unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      blocks.set(header.number.toNumber(), await at.query.system.events());
    });
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    assert.equal(feed.error, null);
  });

  after(async () => {
    if (unsubscribe) unsubscribe();
    await stopDevNode(node);
  });

  it('starts with every seeded book banded and nothing below maintenance', async () => {
    const bands = await api.query.clearing.bands.entries();
    assert.equal(bands.length, ACCOUNTS + 1, 'every seeded account and the house');
    const page = await api.call.clearingApi.liquidatableAccounts(null, 1_000);
    assert.equal(page.accounts.length, 0);
  });

  /** Feeds BTC at `price` and returns the block it landed in and who was then below maintenance. */
  async function shock(price) {
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(price)]]), alice);
    assert.equal(feed.error, null);
    const fedAt = (await api.rpc.chain.getHeader(feed.blockHash)).number.toNumber();
    const page = await (await api.at(feed.blockHash)).call.clearingApi.liquidatableAccounts(null, 1_000);
    const unsafe = page.accounts.map((entry) => entry.who.toString()).sort();
    return { fedAt, unsafe };
  }

  async function liquidatedIn(number) {
    const events = await waitFor(`block #${number}`, () => blocks.get(number), { timeoutMs: 30_000 });
    return events
      .filter(({ event }) => api.events.clearing.Liquidated.is(event))
      .map(({ event }) => event.data.who.toString())
      .sort();
  }

  for (const [name, price, least] of [['a 1.7% fall', 59_000, 5], ['a further 2.5% fall', 57_500, 40]]) {
    it(`liquidates every account ${name} puts below maintenance in the next block`, async () => {
      const { fedAt, unsafe } = await shock(price);
      assert.ok(unsafe.length >= least, `${unsafe.length} accounts below maintenance at ${price}`);
      // Nothing in the block of the update itself: the worker runs after it.
      assert.deepEqual(await liquidatedIn(fedAt), []);
      assert.deepEqual(await liquidatedIn(fedAt + 1), unsafe, `fed in #${fedAt}`);
      const after = await api.call.clearingApi.liquidatableAccounts(null, 1_000);
      assert.equal(after.accounts.length, 0, 'every one of them is above maintenance again');
    });
  }
});
