// The dev chain as a user sees it: blocks, metadata, properties, a transfer, the oracle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BTC, DOT, ETH, USDC } from '../lib/chain-ids.mjs';
import { finalizedNumber } from '../lib/clearing-node.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_CLR, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode, waitFor } from './lib/dev-node.mjs';

// 65,000.5 USD per BTC as 18-decimal fixed point.
const BTC_PRICE = 65_000_500_000_000_000_000_000n;

const EXPECTED_PALLETS = [
  'System', 'Timestamp', 'Aura', 'Grandpa', 'Balances', 'TransactionPayment', 'Sudo',
  'Utility', 'Assets', 'Oracle', 'OracleOperators',
];

const EXPECTED_TOKENS = [
  { id: USDC, symbol: 'USDC', decimals: 6 },
  { id: BTC, symbol: 'BTC', decimals: 8 },
  { id: ETH, symbol: 'ETH', decimals: 18 },
  { id: DOT, symbol: 'DOT', decimals: 10 },
];

describe('clearing-node --dev', () => {
  let node;
  let api;
  let alice;
  let bob;

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
  });

  // Stops the node if a test failed before the shutdown test ran.
  after(() => stopDevNode(node));

  it('produces and finalizes blocks', async () => {
    await waitFor('best block >= 3', async () => (await api.rpc.chain.getHeader()).number.toNumber() >= 3);
    await waitFor('finalized block >= 2', async () => (await finalizedNumber(api)) >= 2);
  });

  it('serves metadata v15 or later listing the chain pallets', async () => {
    assert.ok(api.runtimeMetadata.version >= 15, `metadata version ${api.runtimeMetadata.version}`);
    const versions = (await api.call.metadata.metadataVersions()).map((v) => v.toNumber());
    assert.ok(versions.includes(15), `runtime offers metadata versions ${versions}`);
    const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
    for (const name of EXPECTED_PALLETS) {
      assert.ok(pallets.includes(name), `pallet ${name} missing from ${pallets}`);
    }
    assert.equal(api.runtimeVersion.specName.toString(), 'clearing');
  });

  it('reports the CLR token properties', async () => {
    const properties = await api.rpc.system.properties();
    assert.deepEqual(properties.tokenSymbol.unwrap().map((s) => s.toString()), ['CLR']);
    assert.deepEqual(properties.tokenDecimals.unwrap().map((d) => d.toNumber()), [12]);
    assert.equal(properties.ss58Format.unwrap().toNumber(), 42);
    assert.deepEqual(api.registry.chainTokens, ['CLR']);
    assert.deepEqual(api.registry.chainDecimals, [12]);
    assert.equal((await api.rpc.system.chain()).toString(), 'Clearing Development');
  });

  it('registers the collateral tokens with metadata and funds the dev accounts', async () => {
    for (const token of EXPECTED_TOKENS) {
      const metadata = await api.query.assets.metadata(token.id);
      assert.equal(metadata.symbol.toUtf8(), token.symbol);
      assert.equal(metadata.decimals.toNumber(), token.decimals);
    }
    const usdc = await api.query.assets.account(USDC, bob.address);
    assert.equal(usdc.unwrap().balance.toBigInt(), 1_000_000n * ONE_USDC);
  });

  it('finalizes a balance transfer', async () => {
    const amount = 1_234n * ONE_CLR;
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
    const { blockHash, error } = await submitAndFinalize(
      api, api.tx.balances.transferKeepAlive(bob.address, amount), alice,
    );
    assert.equal(error, null);
    const atBlock = await api.at(blockHash);
    const afterTransfer = (await atBlock.query.system.account(bob.address)).data.free.toBigInt();
    assert.equal(afterTransfer - before, amount);
  });

  it('accepts an operator price feed, readable from storage and OracleApi', async () => {
    const key = { Price: 'BTC' };
    const { blockHash, error, events } = await submitAndFinalize(
      api, api.tx.oracle.feedValues([[key, BTC_PRICE]]), alice,
    );
    assert.equal(error, null);
    assert.ok(events.some(({ event }) => api.events.oracle.NewFeedData.is(event)), 'NewFeedData event');

    const atBlock = await api.at(blockHash);
    const blockTime = (await atBlock.query.timestamp.now()).toBigInt();
    const stored = (await atBlock.query.oracle.values(key)).unwrap();
    assert.equal(stored.value.toBigInt(), BTC_PRICE);
    assert.equal(stored.timestamp.toBigInt(), blockTime);

    const viaApi = await api.call.oracleApi.getValue('Aggregated', key);
    assert.ok(viaApi.isSome, 'OracleApi.get_value returned None');
    assert.equal(viaApi.unwrap().value.toBigInt(), BTC_PRICE);
    const all = await api.call.oracleApi.getAllValues('Aggregated');
    assert.ok(all.some(([k, v]) => k.toJSON().price === 'BTC' && v.unwrap().value.toBigInt() === BTC_PRICE));
  });

  it('refuses a feed from an account that is not an operator', async () => {
    const key = { Price: 'ETH' };
    const { error } = await submitAndFinalize(
      api, api.tx.oracle.feedValues([[key, usd(3_000)]]), bob,
    );
    assert.equal(error, 'oracle.NoPermission');
    assert.ok((await api.query.oracle.values(key)).isNone, 'no ETH price may exist');
    assert.ok((await api.query.oracle.rawValues(bob.address, key)).isNone, 'no raw value kept for Bob');
  });

  it('stops cleanly on SIGINT', async () => {
    const { code, signal } = await node.stop();
    node.stopped = true;
    assert.equal(signal, null, `node ended by ${signal}; log: ${node.logFile}`);
    assert.equal(code, 0, `node exit code ${code}; log: ${node.logFile}`);
  });
});
