// Clearing on a network: on alice, the oracle operator feeds BTC, Alice and Bob deposit,
// Bob buys 1 BTC-PERP from Alice with 6x leverage through the book, and the feed drops BTC.
// A validator's off-chain worker submits the liquidation; it is watched for on charlie,
// another node. Returns 1 when charlie sees Bob liquidated, after checking the event.
const { connect, key, send, waitFor } = require('./lib.js');

async function run(nodeName, networkInfo) {
  const { BTC_PERP, USDC } = await import('../scripts/lib/chain-ids.mjs');
  const { ONE_BTC, ONE_USDC, usd } = await import('../scripts/lib/units.mjs');
  const submitter = await connect(networkInfo, nodeName);
  const watcher = await connect(networkInfo, 'charlie');
  try {
    const [alice, bob] = [key('Alice'), key('Bob')];
    const liquidations = [];
    const unsubscribe = await watcher.query.system.events((events) => {
      for (const { event } of events) {
        if (watcher.events.clearing.Liquidated.is(event)) liquidations.push(event.data);
      }
    });

    await send(submitter, submitter.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    await send(submitter, submitter.tx.clearing.deposit(USDC, 100_000n * ONE_USDC), alice);
    await send(submitter, submitter.tx.clearing.deposit(USDC, 10_000n * ONE_USDC), bob);
    await send(submitter, submitter.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC, 'GoodTilCancelled', false), alice);
    const filled = await send(submitter, submitter.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC, 'ImmediateOrCancel', false), bob);
    if (!filled.some(({ event }) => submitter.events.clearing.TradeSettled.is(event))) {
      throw new Error('the order did not fill');
    }
    // The next block may be authored by another validator: the feed must wait for the
    // previous one to be in a block, which send() does.
    await send(submitter, submitter.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(51_000)]]), alice);

    await waitFor('the liquidation, seen from charlie', () => liquidations.some((data) => data.who.toString() === bob.address), { timeoutMs: 90_000 });
    unsubscribe();
    const liquidated = liquidations.find((data) => data.who.toString() === bob.address);
    const closed = -liquidated.closedSize.toBigInt();
    if (!(closed > 0n && closed <= ONE_BTC)) throw new Error(`unexpected closed size ${closed}`);
    console.log(`charlie saw Bob liquidated: ${closed} of ${ONE_BTC} closed at ${liquidated.price.toString()}`);
    return 1;
  } finally {
    await submitter.disconnect();
    await watcher.disconnect();
  }
}

module.exports = { run };
