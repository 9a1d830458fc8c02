// Attacks on a dev node (issue 17, defects 1, 2, 3 and 8): each is refused with a typed
// error, and the attacker's and victims' balances are as they were (fees aside).
//
// 8. A fat-finger feed (600,000 for a 60,000 BTC) is held and never comes into force by
//    time alone: the market is in doubt (nothing adds risk, nobody is liquidated) until the
//    true price is fed again.
// 3. Two colluding accounts cannot trade at 1,000,000 USD/BTC while the price is stale: the
//    order is outside the band around the last index.
// 2. Far-away reduce-only orders cannot be parked, resting reduce-only size never exceeds
//    the position, and the orders go (deposits back) when the position closes.
// 1. Nobody names the accounts auto-deleveraging reduces: the call takes only the market,
//    a signed one is refused, and the chain reduces the most profitable short by no more
//    than it has won.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { sendInBlock } from '../lib/tx.mjs';
import { ONE_BTC, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode, waitFor } from './lib/dev-node.mjs';

describe('attacks on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let eve;

  /** Sends `tx` and resolves with the dispatch error's `section.name`, or null. */
  const attempt = (tx, signer) => sendInBlock(api, tx, signer).then(() => null, (error) => error.message);
  const sudo = async (call) => assert.equal(await attempt(api.tx.sudo.sudo(call), alice), null);
  const feed = (dollars) => attempt(api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(dollars)]]), alice);
  const nextBlocks = async (count) => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor(`${count} blocks`, async () => (await api.rpc.chain.getHeader()).number.toNumber() >= start + count, { timeoutMs: 60_000 });
  };
  /** What an account holds in the clearing house and on hold for order deposits. */
  const holdings = async (who) => ({
    settlement: (await api.query.clearing.settlementBalances(who.address)).scaled.toBigInt(),
    positions: JSON.stringify((await api.query.clearing.positions(who.address)).toJSON()),
    reserved: (await api.query.system.account(who.address)).data.reserved.toBigInt(),
  });
  const position = async (who) => {
    const positions = (await api.query.clearing.positions(who.address)).toJSON();
    return BigInt(positions?.[BTC_PERP]?.position?.size ?? 0);
  };

  before(async () => {
    ({ node, api, alice, bob, charlie, eve } = await startDevChain());
    assert.equal(await feed(60_000), null);
    for (const [who, amount] of [[alice, 3_500n], [bob, 100_000n], [charlie, 100_000n], [eve, 10_000n]]) {
      assert.equal(await attempt(api.tx.clearing.deposit(USDC, amount * ONE_USDC), who), null);
    }
  });

  after(() => stopDevNode(node));

  it('8: a fat-finger price is held, keeps the market in doubt, and never comes into force by time', async () => {
    // Eve long 0.1 BTC from Charlie, so that a 600,000 print would liquidate Charlie.
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC / 10n, 'GoodTilCancelled', false), charlie), null);
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC / 10n, 'ImmediateOrCancel', false), eve), null);
    const before = await holdings(charlie);
    assert.equal(await feed(600_000), null);
    await nextBlocks(1);
    let market = await api.call.clearingApi.market(BTC_PERP);
    assert.equal(market.unwrap().heldJump.unwrap().toBigInt(), usd(600_000));
    assert.equal(market.unwrap().indexFresh.isTrue, false, 'the market is in doubt');
    // Nothing adds risk on a doubtful price: a typed error, and nothing moves.
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(59_000), ONE_BTC / 10n, 'GoodTilCancelled', false), bob), 'clearing.StalePrice');
    // Twelve blocks (the old rule let a held jump stand after ten): still held, no liquidation.
    await nextBlocks(12);
    market = (await api.call.clearingApi.market(BTC_PERP)).unwrap();
    assert.equal(market.heldJump.unwrap().toBigInt(), usd(600_000));
    assert.equal((await api.call.clearingApi.liquidatableAccounts(null, 100)).accounts.length, 0);
    assert.deepEqual(await holdings(charlie), before);
    // The true price ends the doubt at once.
    assert.equal(await feed(60_010), null);
    await nextBlocks(1);
    market = (await api.call.clearingApi.market(BTC_PERP)).unwrap();
    assert.ok(market.heldJump.isNone);
    assert.equal(market.indexFresh.isTrue, true);
  });

  it('3: colluders cannot trade at 1,000,000 USD/BTC while the price is stale', async () => {
    // A 5 s maximum price age, and no feed: the index goes stale.
    await sudo(api.tx.clearing.setMaxPriceAge(5_000));
    await nextBlocks(3);
    assert.equal((await api.call.clearingApi.market(BTC_PERP)).unwrap().indexFresh.isTrue, false);
    const eveBefore = await holdings(eve);
    const charlieBefore = await holdings(charlie);
    // Eve (long) would sell her 0.1 BTC back to Charlie (short) at 1,000,000: refused.
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(1_000_000), ONE_BTC / 10n, 'GoodTilCancelled', true), eve), 'orderbook.PriceOutsideBand');
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(1_000_000), ONE_BTC / 10n, 'ImmediateOrCancel', true), charlie), 'orderbook.PriceOutsideBand');
    assert.deepEqual(await holdings(eve), eveBefore);
    assert.deepEqual(await holdings(charlie), charlieBefore);
    await sudo(api.tx.clearing.setMaxPriceAge(300_000));
    assert.equal(await feed(60_000), null);
    await nextBlocks(1);
  });

  it('2: reduce-only orders cannot freeze the book', async () => {
    // Far away: refused by the band, margined or not.
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(90_000), ONE_BTC / 10n, 'GoodTilCancelled', true), eve), 'orderbook.PriceOutsideBand');
    // Eve's 0.1 BTC long carries 0.1 BTC of resting reduce-only asks, not more.
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(65_000), ONE_BTC / 20n, 'GoodTilCancelled', true), eve), null);
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(65_100), ONE_BTC / 20n, 'GoodTilCancelled', true), eve), null);
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(65_200), ONE_BTC / 20n, 'GoodTilCancelled', true), eve), 'orderbook.NothingToReduce');
    const deposit = api.consts.orderbook.defaultOrderDeposit.toBigInt();
    assert.equal((await holdings(eve)).reserved, 2n * deposit, 'each resting order holds its deposit');
    // Eve closes through the book: her parked asks go in the same call, deposits back.
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC / 10n, 'GoodTilCancelled', false), bob), null);
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC / 10n, 'ImmediateOrCancel', false), eve), null);
    assert.equal(await position(eve), 0n);
    assert.deepEqual((await api.call.orderbookApi.openOrders(eve.address)).toJSON(), []);
    assert.equal((await holdings(eve)).reserved, 0n);
    const asks = (await api.call.orderbookApi.depth(BTC_PERP, 10)).asks;
    assert.equal(asks.length, 0, 'no reduce-only ask outlives the position');
  });

  it('1: nobody names the victims of auto-deleveraging, and none loses more than it won', async () => {
    // Alice (3,500 USDC) buys 1 BTC from Charlie at 60,000; BTC falls 15% to 51,000: she is
    // bankrupt, the fund takes her long and pays debt it does not have.
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC, 'GoodTilCancelled', false), charlie), null);
    assert.equal(await attempt(api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC, 'ImmediateOrCancel', false), alice), null);
    const blocks = [];
    const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      blocks.push({ number: header.number.toNumber(), events: await at.query.system.events() });
    });
    assert.equal(await feed(51_000), null);
    // Eve tries to run it herself: the call is unsigned only, and names only the market.
    assert.equal(api.tx.clearing.autoDeleverage.meta.args.length, 1);
    const eveBefore = await holdings(eve);
    assert.equal(await attempt(api.tx.clearing.autoDeleverage(BTC_PERP), eve), 'BadOrigin');
    assert.equal((await holdings(eve)).settlement, eveBefore.settlement);
    // The validators' workers liquidate Alice and then deleverage from the chain's queue.
    const deleveraged = await waitFor('an auto-deleveraging', () => blocks.find((block) => block.events.some(
      ({ event }) => api.events.clearing.AutoDeleveraged.is(event),
    )), { timeoutMs: 60_000 });
    unsubscribe();
    const reductions = deleveraged.events
      .filter(({ event }) => api.events.clearing.AutoDeleveraged.is(event))
      .map(({ event }) => ({ who: event.data.who.toString(), size: event.data.reducedSize.toBigInt(), price: event.data.price.toBigInt() }));
    // Charlie, the short from 60,000, buys back at no more than his entry.
    assert.ok(reductions.length >= 1);
    for (const reduction of reductions) {
      assert.equal(reduction.who, charlie.address);
      assert.ok(reduction.size > 0n && reduction.price <= usd(60_000), `price ${reduction.price}`);
    }
    const report = (await api.call.clearingApi.accountReport(charlie.address)).asOk;
    assert.ok(report.equityMaintenance.toBigInt() > 0n);
  });
});
