// Liquidation on a dev node: Alice opens a leveraged long against Bob through the book; the
// price feeder drops BTC; the validator's off-chain worker submits the liquidation, which
// lands within two blocks of the price update, closes part of the position into the
// insurance fund with the penalty paid to it, and leaves Alice above maintenance.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { clearingAccounts } from '../lib/accounts.mjs';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { FIXED, ONE_BTC, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode, waitFor } from './lib/dev-node.mjs';

describe('liquidation on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    assert.equal(feed.error, null);
    // Alice: 10,000 USDC behind a 1 BTC long (6x); Bob: 100,000 USDC, the seller.
    for (const [who, amount] of [[alice, 10_000n], [bob, 100_000n]]) {
      const { error } = await submitAndFinalize(api, api.tx.clearing.deposit(USDC, amount * ONE_USDC), who);
      assert.equal(error, null);
    }
    const sell = await submitAndFinalize(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC, 'GoodTilCancelled', false), bob);
    assert.equal(sell.error, null);
    const buy = await submitAndFinalize(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC, 'ImmediateOrCancel', false), alice);
    assert.equal(buy.error, null);
    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    assert.equal(report.positions[0].positionSize.toBigInt(), ONE_BTC);
    assert.ok(report.health.toBigInt() > 0n);
  });

  after(() => stopDevNode(node));

  it('the worker liquidates Alice within two blocks of the price drop, partially, paying the fund', async () => {
    // Record every block's events from now on.
    const blocks = [];
    const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      blocks.push({ number: header.number.toNumber(), events: await at.query.system.events() });
    });

    // The operator's feeder drops BTC to 51,000: the mark falls to 51,255 (the last trade
    // held within 0.5% of the index) and Alice's health below zero.
    const csv = path.join(await mkdtemp(path.join(os.tmpdir(), 'liquidation-')), 'drop.csv');
    await writeFile(csv, 'BTC,51000\n');
    const feeder = path.resolve(import.meta.dirname, '../feed-prices.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [feeder, '--ws', node.rpcUrl, '--csv', csv], { timeout: 60_000 });
    const fedAt = Number(/#(\d+)  fed /.exec(stdout)?.[1]);
    assert.ok(fedAt > 0, `the feeder reports its block: ${stdout}`);

    const landed = await waitFor('the liquidation event', () => blocks.find((block) => block.events.some(
      ({ event }) => api.events.clearing.Liquidated.is(event),
    )), { timeoutMs: 30_000 });
    unsubscribe();
    assert.ok(landed.number - fedAt <= 2, `fed in #${fedAt}, liquidated in #${landed.number}`);

    const liquidated = landed.events.find(({ event }) => api.events.clearing.Liquidated.is(event)).event.data;
    assert.equal(liquidated.who.toString(), alice.address);
    const closed = -liquidated.closedSize.toBigInt();
    assert.ok(closed > 0n && closed < ONE_BTC, `a partial close: ${closed} of ${ONE_BTC}`);
    assert.equal(liquidated.price.toBigInt(), usd(51_255));
    // 1% of the closed value at the mark, rounded up, to the insurance fund.
    const closedValue = (closed * usd(51_255) * ONE_USDC) / (ONE_BTC * FIXED);
    const penalty = (closedValue + 99n) / 100n;
    assert.equal(liquidated.penalty.toBigInt(), penalty);
    const { insuranceFund } = clearingAccounts(api);
    const fund = (await api.query.clearing.settlementBalances(insuranceFund)).scaled.toBigInt();
    assert.equal(fund, penalty);
    const fundReport = await api.call.clearingApi.insuranceFund();
    assert.equal(fundReport.account.toString(), insuranceFund);
    assert.equal(fundReport.settlementBalance.toBigInt(), penalty);
    assert.deepEqual(fundReport.positions.map(([market, size]) => [market.toNumber(), size.toBigInt()]), [[BTC_PERP, closed]]);
    // Nobody is left below maintenance.
    const page = await api.call.clearingApi.liquidatableAccounts(null, 100);
    assert.equal(page.accounts.length, 0);
    assert.ok(page.lastChecked.isNone, 'one page covers every account');

    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    assert.equal(report.positions[0].positionSize.toBigInt(), ONE_BTC - closed);
    assert.ok(report.health.toBigInt() >= 0n, `health ${report.health.toBigInt()}`);
  });
});
