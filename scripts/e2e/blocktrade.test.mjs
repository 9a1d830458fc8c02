// Block trades and permissioned pools on a dev node. Alice, a market maker long BTC-PERP
// from the book, signs a two-leg quote with scripts/quote.mjs (she sells BTC-PERP and
// ETH-PERP); Bob executes it with the same script: both legs settle in one block, and
// under portfolio margin Alice's requirement falls (margin_report), the block trade netting
// against her book position. The quote cannot be replayed; a cancelled nonce is refused.
// Then Root creates a pool administered by Charlie and restricts ETH-PERP to it: Eve's
// order there is refused until Charlie adds her.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { u8aToHex } from '@polkadot/util';
import { BTC_PERP, ETH_PERP, USDC } from '../lib/chain-ids.mjs';
import { encodeQuote, payloadFromApi, quoteFromJson, signingPayload, signQuote } from '../lib/quotes.mjs';
import { submit } from '../lib/tx.mjs';
import { ONE_BTC, ONE_ETH, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode } from './lib/dev-node.mjs';

const run = promisify(execFile);
const QUOTE_SCRIPT = fileURLToPath(new URL('../quote.mjs', import.meta.url));
const ONE_ETH_SIZE = ONE_ETH; // ETH-PERP's size units: 18 decimals (wei).

describe('block trades and permissioned pools on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let eve;
  let dir;
  let signed;

  // In a block is enough: each test reads the best block, and nothing here waits on finality.
  const send = async (tx, who) => {
    const { error, events } = await submit(api, tx, who);
    assert.equal(error, null, `${tx.method.section}.${tx.method.method}`);
    return events;
  };
  const sudo = (call) => send(api.tx.sudo.sudo(call), alice);
  const quoteScript = async (...args) => {
    const { stdout } = await run(process.execPath, [QUOTE_SCRIPT, ...args, '--ws', node.rpcUrl]);
    return JSON.parse(stdout);
  };
  const portfolioRequirement = async (who) =>
    (await api.call.clearingApi.marginReport(who.address)).asOk.portfolio.initialRequirement.toBigInt();
  const size = async (who, market) => {
    const report = (await api.call.clearingApi.accountReport(who.address)).asOk;
    const line = report.positions.find((position) => position.market.toNumber() === market);
    return line ? line.positionSize.toBigInt() : 0n;
  };

  before(async () => {
    ({ node, api, alice, bob, charlie, eve } = await startDevChain());
    dir = await mkdtemp(join(tmpdir(), 'blocktrade-'));
    // Both perpetuals take block trades: 1 and 2.5 basis points, 0.01 BTC or ETH at least.
    const terms = [[BTC_PERP, ONE_BTC / 100n], [ETH_PERP, ONE_ETH_SIZE / 100n]]
      .map(([market, minSize]) => api.tx.blockTrade.setTerms(market, { makerFee: 100_000, takerFee: 250_000, minSize }));
    await send(api.tx.utility.batchAll([
      api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)], [{ Price: 'ETH' }, usd(3_000)]]),
      api.tx.sudo.sudo(api.tx.utility.batchAll(terms)),
      api.tx.clearing.deposit(USDC, 100_000n * ONE_USDC),
    ]), alice);
    // Each account signs its own: they go in side by side.
    await Promise.all([[bob, 100_000n], [charlie, 100_000n], [eve, 20_000n]]
      .map(([who, amount]) => send(api.tx.clearing.deposit(USDC, amount * ONE_USDC), who)));
    await send(api.tx.clearing.setMarginMode('Portfolio'), alice);
  });

  after(async () => {
    await stopDevNode(node);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Alice buys 1 BTC-PERP on the book', async () => {
    await send(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC, 'GoodTilCancelled', false), charlie);
    await send(api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC, 'ImmediateOrCancel', false), alice);
    assert.equal(await size(alice, BTC_PERP), ONE_BTC);
  });

  it('Alice signs a two-leg quote for Bob with scripts/quote.mjs', async () => {
    const file = join(dir, 'quote.json');
    const written = await quoteScript('sign', '--maker', '//Alice', '--taker', bob.address,
      '--leg', 'BTC-PERP:sell:0.6@60000', '--leg', 'ETH-PERP:sell:2@3000', '--nonce', '7', '--out', file);
    assert.equal(written.nonce, '7');
    signed = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(signed.quote.maker, alice.address);
    assert.equal(signed.quote.legs.length, 2);
    // The bytes signed are the chain's own, and the signature is Alice's sr25519 over them.
    const quote = quoteFromJson(signed.quote);
    const payload = await api.call.blockTradeApi.signingPayload(encodeQuote(api, quote));
    assert.equal(u8aToHex(payloadFromApi(payload)), u8aToHex(signingPayload(api, quote)));
    assert.equal((await api.call.blockTradeApi.nonceStatus(alice.address, 7)).type, 'Open');
  });

  it('Bob executes it: both legs settle in one block and Alice\'s requirement falls', async () => {
    const before = await portfolioRequirement(alice);
    const file = join(dir, 'quote.json');
    const executed = await quoteScript('execute', '--taker', '//Bob', '--file', file);
    assert.equal(executed.legs.length, 2);
    assert.deepEqual(executed.legs.map((leg) => [leg.market, BigInt(leg.takerSize)]),
      [[BTC_PERP, 6n * ONE_BTC / 10n], [ETH_PERP, 2n * ONE_ETH_SIZE]]);
    // The block-trade fees: 1 bp for the maker of 36,000 and 6,000, 2.5 bp for the taker.
    assert.deepEqual(executed.legs.map((leg) => [BigInt(leg.makerFee), BigInt(leg.takerFee)]),
      [[3_600_000n, 9_000_000n], [600_000n, 1_500_000n]]);
    assert.equal(await size(alice, BTC_PERP), 4n * ONE_BTC / 10n);
    assert.equal(await size(alice, ETH_PERP), -2n * ONE_ETH_SIZE);
    assert.equal(await size(bob, BTC_PERP), 6n * ONE_BTC / 10n);
    assert.equal(await size(bob, ETH_PERP), 2n * ONE_ETH_SIZE);
    const after = await portfolioRequirement(alice);
    assert.ok(after < before, `Alice's portfolio requirement ${before} -> ${after}`);
    assert.equal((await api.call.blockTradeApi.nonceStatus(alice.address, 7)).type, 'Used');
  });

  it('the quote cannot be replayed, and a cancelled one cannot execute', async () => {
    const quote = quoteFromJson(signed.quote);
    const replay = await submit(api, api.tx.blockTrade.executeQuote(encodeQuote(api, quote), signed.signature), bob);
    assert.equal(replay.error, 'blockTrade.QuoteAlreadyUsed');
    await send(api.tx.blockTrade.cancelQuotesBelow(100), alice);
    const later = { ...quote, nonce: 50n };
    const cancelled = await submit(api,
      api.tx.blockTrade.executeQuote(encodeQuote(api, later), signQuote(api, alice, later)), bob);
    assert.equal(cancelled.error, 'blockTrade.QuoteCancelled');
    // Signed by someone else, or for the wrong taker, it is refused too.
    const fresh = { ...quote, nonce: 101n };
    const forged = await submit(api,
      api.tx.blockTrade.executeQuote(encodeQuote(api, fresh), signQuote(api, charlie, fresh)), bob);
    assert.equal(forged.error, 'blockTrade.BadSignature');
    const notYours = await submit(api,
      api.tx.blockTrade.executeQuote(encodeQuote(api, fresh), signQuote(api, alice, fresh)), charlie);
    assert.equal(notYours.error, 'blockTrade.WrongTaker');
  });

  it('a restricted market refuses Eve until the pool\'s administrator adds her', async () => {
    await sudo(api.tx.clearing.createPool({ Account: charlie.address }, true));
    await sudo(api.tx.clearing.setMarketPool(ETH_PERP, 0));
    const order = () => api.tx.orderbook.placeOrder(ETH_PERP, 'Buy', usd(2_990), ONE_ETH_SIZE, 'GoodTilCancelled', false);
    const refused = await submit(api, order(), eve);
    assert.equal(refused.error, 'clearing.NotPoolMember');
    // Bob holds ETH-PERP but is no member: he may only reduce (a reduce-only order rests).
    const adding = await submit(api,
      api.tx.orderbook.placeOrder(ETH_PERP, 'Buy', usd(2_990), ONE_ETH_SIZE, 'GoodTilCancelled', false), bob);
    assert.equal(adding.error, 'clearing.NotPoolMember');
    // Only Charlie (or Root) administers the pool.
    const notAdmin = await submit(api, api.tx.clearing.addPoolMember(0, eve.address), bob);
    assert.equal(notAdmin.error, 'clearing.NotPoolAdmin');
    const events = await send(api.tx.clearing.addPoolMember(0, eve.address), charlie);
    assert.ok(events.some(({ event }) => api.events.clearing.PoolMemberAdded.is(event)));
    await send(order(), eve);
    const open = await api.call.orderbookApi.openOrders(eve.address);
    assert.equal(open.length, 1);
    const [pool] = (await api.call.clearingApi.pools()).toJSON();
    assert.deepEqual(pool.members, [eve.address]);
    assert.deepEqual(pool.restrictedMarkets, [ETH_PERP]);
    assert.equal(pool.admin.account, charlie.address);
  });
});
