// The order book on a dev node: Alice and Bob deposit USDC, Bob rests a sell, Alice buys
// through it; positions, fees, margin (resting orders included) and the book's depth are
// checked against figures this test computes itself. Then the demo runs against the node.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { clearingAccounts } from '../lib/accounts.mjs';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { FIXED, ONE_BTC, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode } from './lib/dev-node.mjs';

// BTC-PERP in the dev preset: 5% initial margin below 1M USDC, taker 0.05%, maker 0.02%.
const INITIAL_PERCENT = 5n;
const TAKER_PPB = 500_000n;
const MAKER_PPB = 200_000n;

/** USDC units of `size` satoshi at `price` (18-decimal USD), exact for on-tick prices. */
const notional = (size, price) => (size * price * ONE_USDC) / (ONE_BTC * FIXED);
/** A fee of `ppb` parts per billion, rounded up like the chain. */
const fee = (value, ppb) => (value * ppb + 999_999_999n) / 1_000_000_000n;
/** 5% of `value`, rounded up. */
const initialMargin = (value) => (value * INITIAL_PERCENT + 99n) / 100n;

describe('the order book on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;
  const deposit = 20_000n * ONE_USDC;
  const ask = { price: usd(60_050), size: ONE_BTC / 2n };
  const buy = { price: usd(60_100), size: (ONE_BTC * 3n) / 10n };

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    assert.equal(feed.error, null);
    for (const who of [alice, bob]) {
      const { error } = await submitAndFinalize(api, api.tx.clearing.deposit(USDC, deposit), who);
      assert.equal(error, null);
    }
  });

  after(() => stopDevNode(node));

  it('rests Bob\'s sell, shows it in the depth and commits its margin', async () => {
    const { error, events } = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', ask.price, ask.size, 'GoodTilCancelled', false),
      bob,
    );
    assert.equal(error, null);
    assert.ok(events.some(({ event }) => api.events.orderbook.OrderRested.is(event)));

    const depth = await api.call.orderbookApi.depth(BTC_PERP, 10);
    assert.equal(depth.bids.length, 0);
    assert.deepEqual(
      depth.asks.map((l) => [l.price.toBigInt(), l.totalSize.toBigInt(), l.orders.toNumber()]),
      [[ask.price, ask.size, 1]],
    );
    const open = await api.call.orderbookApi.openOrders(bob.address);
    assert.equal(open.length, 1);
    assert.equal(open[0].remaining.toBigInt(), ask.size);
    assert.equal(open[0].side.type, 'Sell');

    // One-sided book, no trade: the mark is the index, 60,000. Filled, the ask would make
    // Bob short 0.5 BTC = 30,000: 5% = 1,500; it sells above the mark, so no fill loss.
    const report = (await api.call.clearingApi.accountReport(bob.address)).asOk;
    const expected = initialMargin(notional(ask.size, usd(60_000)));
    assert.equal(report.openOrderRequirement.toBigInt(), expected);
    assert.equal(report.initialRequirement.toBigInt(), expected);
    assert.equal(report.freeCollateral.toBigInt(), deposit - expected);
    assert.equal(report.maintenanceRequirement.toBigInt(), 0n);
  });

  it('refuses a post-only order that would cross, with the typed error', async () => {
    const { error } = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', ask.price, buy.size, 'PostOnly', false),
      alice,
    );
    assert.equal(error, 'orderbook.PostOnlyWouldCross');
  });

  it('fills Alice\'s buy at Bob\'s price; positions, fees and reports match', async () => {
    const { error, events } = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', buy.price, buy.size, 'GoodTilCancelled', false),
      alice,
    );
    assert.equal(error, null);
    const fills = events.filter(({ event }) => api.events.orderbook.OrderFilled.is(event)).map(({ event }) => event.data);
    assert.equal(fills.length, 1);
    const tradeValue = notional(buy.size, ask.price); // 0.3 x 60,050 = 18,015 USDC
    const takerFee = fee(tradeValue, TAKER_PPB);
    const makerFee = fee(tradeValue, MAKER_PPB);
    assert.equal(fills[0].price.toBigInt(), ask.price);
    assert.equal(fills[0].fillSize.toBigInt(), buy.size);
    assert.equal(fills[0].takerFee.toBigInt(), takerFee);
    assert.equal(fills[0].makerFee.toBigInt(), makerFee);
    assert.equal(fills[0].maker.toString(), bob.address);
    assert.equal(fills[0].taker.toString(), alice.address);

    // After the trade the mark is the last trade, 60,050 (inside the 0.5% band), so both
    // sides are at zero PnL.
    const aliceReport = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    assert.equal(aliceReport.positions.length, 1);
    assert.equal(aliceReport.positions[0].positionSize.toBigInt(), buy.size);
    assert.equal(aliceReport.positions[0].entryPrice.unwrap().toBigInt(), ask.price);
    assert.equal(aliceReport.positions[0].markPrice.unwrap().toBigInt(), ask.price);
    assert.equal(aliceReport.collateral[0].balance.toBigInt(), deposit - takerFee);
    const aliceInitial = initialMargin(tradeValue);
    assert.equal(aliceReport.initialRequirement.toBigInt(), aliceInitial);
    // Funding counts up to now: with the mark 0.08% above the index, the long owes a little
    // for every block since the fill (under a cent a block at this size).
    const fundingOwed = aliceReport.positions[0].fundingOwed.toBigInt();
    assert.ok(fundingOwed >= 0n && fundingOwed < ONE_USDC, `funding owed ${fundingOwed}`);
    assert.equal(aliceReport.freeCollateral.toBigInt(), deposit - takerFee - aliceInitial - fundingOwed);

    // Bob: short 0.3 plus 0.2 still resting. Filled, the rest makes him short 0.5 at the
    // 60,050 mark: its margin beyond the position's is 5% x (30,025 - 18,015).
    const bobReport = (await api.call.clearingApi.accountReport(bob.address)).asOk;
    assert.equal(bobReport.positions[0].positionSize.toBigInt(), -buy.size);
    assert.equal(bobReport.collateral[0].balance.toBigInt(), deposit - makerFee);
    const bobOpenOrders = initialMargin(notional(ask.size, ask.price)) - initialMargin(tradeValue);
    assert.equal(bobReport.openOrderRequirement.toBigInt(), bobOpenOrders);
    assert.equal(bobReport.initialRequirement.toBigInt(), initialMargin(tradeValue) + bobOpenOrders);

    // The fees went to the fee account's settlement balance.
    const feeBalance = (await api.query.clearing.settlementBalances(clearingAccounts(api).fees)).scaled.toBigInt();
    assert.equal(feeBalance, takerFee + makerFee);

    const depth = await api.call.orderbookApi.depth(BTC_PERP, 10);
    assert.deepEqual(
      depth.asks.map((l) => [l.price.toBigInt(), l.totalSize.toBigInt()]),
      [[ask.price, ask.size - buy.size]],
    );
    const market = (await api.call.clearingApi.market(BTC_PERP)).unwrap();
    assert.equal(market.openInterest.toBigInt(), buy.size);
    assert.equal(market.bestAsk.unwrap().toBigInt(), ask.price);
  });

  it('cancels what is left and releases its margin', async () => {
    const { error, events } = await submitAndFinalize(api, api.tx.orderbook.cancelAll(BTC_PERP), bob);
    assert.equal(error, null);
    const cancelled = events.filter(({ event }) => api.events.orderbook.OrderCancelled.is(event));
    assert.equal(cancelled.length, 1);
    assert.equal(cancelled[0].event.data.reason.type, 'ByOwner');
    assert.equal((await api.call.orderbookApi.depth(BTC_PERP, 10)).asks.length, 0);
    assert.equal((await api.call.orderbookApi.openOrders(bob.address)).length, 0);
    const report = (await api.call.clearingApi.accountReport(bob.address)).asOk;
    assert.equal(report.openOrderRequirement.toBigInt(), 0n);
  });

  it('reports each book under isolated, cross and portfolio margin, and the chain\'s capital efficiency', async () => {
    // Alice: long 0.3 BTC at the 60,050 mark. Isolated and cross both ask 5% of it; the
    // portfolio scan's worst move is the 5% range, so it asks the same.
    const tradeValue = notional(buy.size, ask.price);
    const report = (await api.call.clearingApi.marginReport(alice.address)).asOk;
    assert.equal(report.grossNotional.toBigInt(), tradeValue);
    for (const mode of ['isolated', 'cross', 'portfolio']) {
      assert.equal(report[mode].initialRequirement.toBigInt(), initialMargin(tradeValue), mode);
      assert.equal(report[mode].capitalEfficiency.unwrap().toBigInt(), 20n * FIXED, `${mode}: 20x`);
    }
    assert.equal(report.underlyings.length, 1);
    assert.deepEqual(report.underlyings[0].oracleKey.toJSON(), { price: 'BTC' });
    assert.equal(report.underlyings[0].delta.toBigInt(), buy.size * 10n ** 10n);
    const chain = await api.call.clearingApi.capitalEfficiency();
    assert.equal(chain.accounts.toNumber(), 2);
    assert.equal(chain.grossNotional.toBigInt(), 2n * tradeValue);
    assert.equal(chain.lockedInForce.toBigInt(), 2n * initialMargin(tradeValue));
    // The pre-trade check: Alice selling her 0.3 at the mark would leave her flat.
    const flat = (await api.call.clearingApi.simulate(alice.address, [{ market: BTC_PERP, tradeSize: -buy.size, price: null }])).asOk;
    assert.equal(flat.grossNotional.toBigInt(), 0n);
    assert.equal(flat.cross.initialRequirement.toBigInt(), 0n);
    assert.equal((await api.call.clearingApi.marginReport(alice.address)).asOk.grossNotional.toBigInt(), tradeValue, 'nothing was written');
  });

  it('runs the demo script against the node', async () => {
    const demo = path.resolve(import.meta.dirname, '../demo.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [demo, '--ws', node.rpcUrl], { timeout: 180_000 });
    assert.match(stdout, /Alice bought 0\.3 BTC from Bob at 60,050 USD/);
    assert.match(stdout, /demo finished/);
  });
});
