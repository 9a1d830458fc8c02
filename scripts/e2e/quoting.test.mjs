// Bulk quoting on a dev node, as a market maker quotes: Bob rests a two-sided ladder in one
// `placeOrders` call with client order ids, Alice sweeps part of it, and Bob moves what is
// left with one atomic `replaceOrders` by client id, then pulls it with `cancelOrders`.
// Each order's result is its own event; the weight each call used is per order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_BTC, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode } from './lib/dev-node.mjs';

const LOT = ONE_BTC / 100n;

/** A post-only quote of one lot at `dollars` with client order id `client`. */
const quote = (side, dollars, client) => ({
  side,
  price: usd(dollars),
  size: LOT,
  timeInForce: 'PostOnly',
  reduceOnly: false,
  clientOrderId: client,
});

/** The events of `section.method` among a call's events. */
const eventsOf = (api, events, section, method) =>
  events.filter(({ event }) => api.events[section][method].is(event)).map(({ event }) => event.data);

/** The weight (ref time) the call used, from its `ExtrinsicSuccess`. */
const usedWeight = (api, events) => {
  const success = events.find(({ event }) => api.events.system.ExtrinsicSuccess.is(event));
  return success.event.data.dispatchInfo.weight.refTime.toBigInt();
};

/** Bob's resting orders as [client id, side, price] sorted by client id. */
async function ladder(api, who) {
  const open = await api.call.orderbookApi.openOrders(who.address);
  return open
    .map((o) => [o.clientOrderId.isSome ? o.clientOrderId.unwrap().toNumber() : null, o.side.type, o.price.toBigInt()])
    .sort((a, b) => a[0] - b[0]);
}

describe('bulk quoting on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    assert.equal(feed.error, null);
    for (const who of [alice, bob]) {
      const { error } = await submitAndFinalize(api, api.tx.clearing.deposit(USDC, 50_000n * ONE_USDC), who);
      assert.equal(error, null);
    }
  });

  after(() => stopDevNode(node));

  it('places a ladder in one call, each order with its own result and priced per order', async () => {
    // Bob's first quote opens his record in the market, which every later margin check of
    // him prices; then one quote alone, and a pair.
    const first = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrders(BTC_PERP, [quote('Buy', 59_900, 100)]),
      bob,
    );
    assert.equal(first.error, null);
    const single = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrders(BTC_PERP, [quote('Buy', 59_870, 103)]),
      bob,
    );
    assert.equal(single.error, null);
    const pair = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrders(BTC_PERP, [quote('Buy', 59_890, 101), quote('Buy', 59_880, 102)]),
      bob,
    );
    assert.equal(pair.error, null);
    // What one more quote in a call costs; every transaction also pays its fixed part.
    const perQuote = usedWeight(api, pair.events) - usedWeight(api, single.events);
    assert.ok(perQuote > 0n);

    const { error, events } = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrders(BTC_PERP, [
        quote('Buy', 59_990, 1),
        quote('Buy', 59_980, 2),
        quote('Sell', 60_010, 3),
        quote('Sell', 60_020, 4),
      ]),
      bob,
    );
    assert.equal(error, null);
    assert.equal(eventsOf(api, events, 'orderbook', 'OrderRested').length, 4);
    // Priced per order: four resting quotes cost two more quotes than the pair.
    assert.equal(usedWeight(api, events), usedWeight(api, pair.events) + 2n * perQuote);

    // The id of a resting quote: that order is refused alone, with its index; the other goes on.
    const again = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrders(BTC_PERP, [quote('Sell', 60_030, 100), quote('Sell', 60_040, 5)]),
      bob,
    );
    assert.equal(again.error, null);
    const rejected = eventsOf(api, again.events, 'orderbook', 'OrderRejected');
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0].index.toNumber(), 0);
    assert.equal(rejected[0].clientOrderId.unwrap().toNumber(), 100);
    assert.equal(api.registry.findMetaError(rejected[0].error.asModule).name, 'DuplicateClientOrderId');
    const cancelFive = await submitAndFinalize(api, api.tx.orderbook.cancelOrders(BTC_PERP, [{ Client: 5 }]), bob);
    assert.equal(cancelFive.error, null);

    assert.deepEqual(await ladder(api, bob), [
      [1, 'Buy', usd(59_990)],
      [2, 'Buy', usd(59_980)],
      [3, 'Sell', usd(60_010)],
      [4, 'Sell', usd(60_020)],
      [100, 'Buy', usd(59_900)],
      [101, 'Buy', usd(59_890)],
      [102, 'Buy', usd(59_880)],
      [103, 'Buy', usd(59_870)],
    ]);
    const depth = await api.call.orderbookApi.depth(BTC_PERP, 10);
    assert.equal(depth.bids[0].price.toBigInt(), usd(59_990));
    assert.equal(depth.asks[0].price.toBigInt(), usd(60_010));
  });

  it('moves the ladder atomically by client id after a sweep', async () => {
    // Alice lifts the first ask.
    const sweep = await submitAndFinalize(
      api,
      api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_010), LOT, 'ImmediateOrCancel', false),
      alice,
    );
    assert.equal(sweep.error, null);
    assert.equal(eventsOf(api, sweep.events, 'orderbook', 'OrderFilled').length, 1);

    // Bob re-quotes everything ten dollars up, naming the filled ask too: it counts as done.
    const { error, events } = await submitAndFinalize(
      api,
      api.tx.orderbook.replaceOrders(
        BTC_PERP,
        [{ Client: 1 }, { Client: 2 }, { Client: 3 }, { Client: 4 }],
        [quote('Buy', 60_000, 1), quote('Buy', 59_990, 2), quote('Sell', 60_020, 3), quote('Sell', 60_030, 4)],
      ),
      bob,
    );
    assert.equal(error, null);
    const missing = eventsOf(api, events, 'orderbook', 'OrderNotFound');
    assert.deepEqual(missing.map((m) => m.order.toJSON()), [{ client: 3 }]);
    assert.deepEqual(await ladder(api, bob), [
      [1, 'Buy', usd(60_000)],
      [2, 'Buy', usd(59_990)],
      [3, 'Sell', usd(60_020)],
      [4, 'Sell', usd(60_030)],
      [100, 'Buy', usd(59_900)],
      [101, 'Buy', usd(59_890)],
      [102, 'Buy', usd(59_880)],
      [103, 'Buy', usd(59_870)],
    ]);

    // A replacement with one bad placement changes nothing at all.
    const bad = await submitAndFinalize(
      api,
      api.tx.orderbook.replaceOrders(
        BTC_PERP,
        [{ Client: 1 }],
        [quote('Buy', 60_001, 1), quote('Buy', 60_020, 9)],
      ),
      bob,
    );
    assert.equal(bad.error, 'orderbook.PostOnlyWouldCross');
    assert.equal((await ladder(api, bob))[0][2], usd(60_000));
  });

  it('pulls quotes by client id and reports the ones already gone', async () => {
    const { error, events } = await submitAndFinalize(
      api,
      api.tx.orderbook.cancelOrders(BTC_PERP, [1, 2, 3, 4, 100, 101, 102, 103, 7].map((client) => ({ Client: client }))),
      bob,
    );
    assert.equal(error, null);
    assert.equal(eventsOf(api, events, 'orderbook', 'OrderCancelled').length, 8);
    assert.deepEqual(eventsOf(api, events, 'orderbook', 'OrderNotFound').map((m) => m.order.toJSON()), [{ client: 7 }]);
    assert.deepEqual(await ladder(api, bob), []);
    // Nothing commits margin any more.
    const report = (await api.call.clearingApi.accountReport(bob.address)).asOk;
    assert.equal(report.openOrderRequirement.toBigInt(), 0n);
  });
});
