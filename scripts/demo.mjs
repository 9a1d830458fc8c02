#!/usr/bin/env node
// The clearing chain's story in one run, against a running dev node:
//
//   node scripts/demo.mjs [--ws ws://127.0.0.1:9944]
//
// Alice (an oracle operator on the dev chain) feeds the BTC price; Alice and Bob deposit
// USDC into their collateral pools; Bob rests a sell on the BTC-PERP book; Alice buys
// through it; then both accounts' positions, fees and margin are read back from the
// runtime APIs, and Bob cancels what is left of his order. Needs `npm ci` in scripts/.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { BTC_PERP, USDC } from './lib/chain-ids.mjs';
import { submit as submitTx } from './lib/tx.mjs';
import { ONE_BTC, ONE_USDC, usd } from './lib/units.mjs';

const args = process.argv.slice(2);
const wsIndex = args.indexOf('--ws');
const ws = wsIndex >= 0 ? args[wsIndex + 1] : 'ws://127.0.0.1:9944';

/** `amount` smallest units with `decimals` decimals, grouped, trailing zeros trimmed. */
function formatUnits(amount, decimals) {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(decimals);
  const whole = (abs / scale).toLocaleString('en-US');
  const fraction = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
const usdc = (units) => `${formatUnits(units, 6)} USDC`;
const btc = (units) => `${formatUnits(units, 8)} BTC`;
const price = (fixed) => `${formatUnits(fixed, 18)} USD`;
/** A price to the cent (rounded down), for derived prices such as liquidation prices. */
const cents = (fixed) => `${formatUnits(fixed / 10n ** 16n, 2)} USD`;

/** Signs and sends `tx`; resolves with its events once in a block, throws on failure. */
async function submit(api, tx, signer, what) {
  const { events, error, errorDocs } = await submitTx(api, tx, signer).catch((failure) => {
    throw new Error(`${what}: ${failure.message}`);
  });
  if (error) throw new Error(`${what} failed: ${error}${errorDocs ? `: ${errorDocs}` : ''}`);
  return events.map(({ event }) => event);
}

function step(text) {
  console.log(`\n${text}`);
}

async function printBook(api) {
  const depth = await api.call.orderbookApi.depth(BTC_PERP, 5);
  const side = (levels) => (levels.length === 0
    ? 'empty'
    : levels.map((l) => `${price(l.price.toBigInt())} x ${btc(l.totalSize.toBigInt())} (${l.orders.toNumber()} order${l.orders.toNumber() === 1 ? '' : 's'})`).join(', '));
  console.log(`   book  bids: ${side(depth.bids)}`);
  console.log(`         asks: ${side(depth.asks)}`);
}

async function printAccount(api, name, who) {
  const report = (await api.call.clearingApi.accountReport(who.address)).asOk;
  console.log(`   ${name}:`);
  for (const position of report.positions) {
    const size = position.positionSize.toBigInt();
    const liquidation = position.liquidationPrice.isSome ? cents(position.liquidationPrice.unwrap().toBigInt()) : 'none';
    console.log(`     ${size > 0n ? 'long' : size < 0n ? 'short' : 'flat'} ${btc(size < 0n ? -size : size)} on BTC-PERP,`
      + ` entry ${position.entryPrice.isSome ? price(position.entryPrice.unwrap().toBigInt()) : '-'}`
      + `, mark ${position.markPrice.isSome ? price(position.markPrice.unwrap().toBigInt()) : '-'}`
      + `, unrealized PnL ${usdc(position.unrealizedPnl.toBigInt())}, liquidation price ${liquidation}`);
  }
  console.log(`     USDC in pool ${usdc(report.collateral[0].balance.toBigInt())}`
    + `, equity ${usdc(report.equityInitial.toBigInt())}`);
  console.log(`     initial requirement ${usdc(report.initialRequirement.toBigInt())}`
    + ` (resting orders ${usdc(report.openOrderRequirement.toBigInt())})`
    + `, maintenance ${usdc(report.maintenanceRequirement.toBigInt())}`);
  console.log(`     free collateral ${usdc(report.freeCollateral.toBigInt())}, health ${usdc(report.health.toBigInt())}`);
}

async function main() {
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(ws), throwOnConnect: true, noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const chain = await api.rpc.system.chain();
  const header = await api.rpc.chain.getHeader();
  console.log(`Clearing chain demo on ${ws} (chain "${chain}", block #${header.number.toNumber()})`);

  step('1. Alice, an oracle operator, feeds BTC = 60,000 USD');
  await submit(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice, 'the price feed');
  const market = (await api.call.clearingApi.market(BTC_PERP)).unwrap();
  console.log(`   ${market.symbol.toUtf8()}: index ${price(market.indexPrice.unwrap()[0].toBigInt())}, mark ${price(market.markPrice.unwrap().toBigInt())}`);

  step('2. Alice and Bob each deposit 20,000 USDC into their collateral pools');
  for (const [name, who] of [['Alice', alice], ['Bob', bob]]) {
    await submit(api, api.tx.clearing.deposit(USDC, 20_000n * ONE_USDC), who, `${name}'s deposit`);
  }
  console.log('   deposited');

  step('3. Bob rests a sell of 0.5 BTC-PERP at 60,050 USD (good-til-cancelled)');
  const rested = await submit(
    api,
    api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_050), ONE_BTC / 2n, 'GoodTilCancelled', false),
    bob,
    "Bob's order",
  );
  const restedEvent = rested.find((event) => api.events.orderbook.OrderRested.is(event));
  console.log(`   order #${restedEvent.data.orderId.toString()} rests with ${btc(restedEvent.data.remaining.toBigInt())}`);
  await printBook(api);

  step('4. Alice buys 0.3 BTC-PERP with a limit of 60,100 USD');
  const bought = await submit(
    api,
    api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_100), (ONE_BTC * 3n) / 10n, 'GoodTilCancelled', false),
    alice,
    "Alice's order",
  );
  for (const event of bought.filter((e) => api.events.orderbook.OrderFilled.is(e))) {
    const fill = event.data;
    const buyer = fill.taker.toString() === alice.address ? 'Alice' : fill.taker.toString();
    const seller = fill.maker.toString() === bob.address ? 'Bob' : fill.maker.toString();
    console.log(`   ${buyer} bought ${btc(fill.fillSize.toBigInt())} from ${seller} at ${price(fill.price.toBigInt())};`
      + ` fees: taker ${usdc(fill.takerFee.toBigInt())}, maker ${usdc(fill.makerFee.toBigInt())}`);
  }
  await printBook(api);

  step('5. Positions and margin, as ClearingApi reports them');
  await printAccount(api, 'Alice', alice);
  await printAccount(api, 'Bob', bob);

  step('6. Bob cancels what is left of his order');
  const cancelled = await submit(api, api.tx.orderbook.cancelAll(BTC_PERP), bob, "Bob's cancel");
  for (const event of cancelled.filter((e) => api.events.orderbook.OrderCancelled.is(e))) {
    console.log(`   order #${event.data.orderId.toString()} cancelled with ${btc(event.data.remaining.toBigInt())} left (${event.data.reason.type})`);
  }
  await printBook(api);
  await printAccount(api, 'Bob', bob);

  console.log('\ndemo finished');
  await api.disconnect();
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exit(1);
});
