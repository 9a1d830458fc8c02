// Portfolio margin on a dev node. Root lists a 30-day BTC call and put; Alice sells Bob two
// straddles through the order book and hedges their delta with BTC-PERP. Under portfolio
// margin her requirement is at least 3x lower than under cross; she opts in and withdraws
// the freed collateral; then implied volatility jumps and the validator's off-chain worker
// liquidates her pro rata, partially, by the portfolio scan.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { onTick, optionSeriesParams, UNDERLYINGS } from '../lib/options.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { FIXED, fraction, ONE_BTC, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode, waitFor } from './lib/dev-node.mjs';

const CALL = 100;
const PUT = 101;
const ceilDiv = (a, b) => (a + b - 1n) / b;
const { tick: OPTION_TICK } = UNDERLYINGS.BTC;
const PERP_LOT = 10_000n;

describe('portfolio margin on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;

  const send = async (tx, who) => {
    const { error, events } = await submitAndFinalize(api, tx, who);
    assert.equal(error, null, `${tx.method.section}.${tx.method.method}`);
    return events;
  };
  const sudo = (call) => send(api.tx.sudo.sudo(call), alice);
  const mark = async (market) => (await api.call.clearingApi.market(market)).unwrap().markPrice.unwrap().toBigInt();
  const marginReport = async () => (await api.call.clearingApi.marginReport(alice.address)).asOk;
  const accountReport = async (at = api) => (await at.call.clearingApi.accountReport(alice.address)).asOk;

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    await send(api.tx.oracle.feedValues([
      [{ Price: 'BTC' }, usd(60_000)],
      [{ ImpliedVolatility: 'BTC' }, fraction(60, 100)],
    ]), alice);
    const now = (await api.query.timestamp.now()).toBigInt();
    const expiryMs = now + 30n * 86_400_000n;
    for (const [id, kind] of [[CALL, 'Call'], [PUT, 'Put']]) {
      await sudo(api.tx.clearing.registerMarket(id, optionSeriesParams({ kind, strike: 60_000, expiryMs })));
    }
    // A small book: governance lets accounts of 1,000 USDC and up opt in.
    await sudo(api.tx.clearing.setPortfolioMinimumEquity(1_000n * ONE_USDC));
    for (const [who, amount] of [[alice, 60_000n], [bob, 200_000n]]) {
      await send(api.tx.clearing.deposit(USDC, amount * ONE_USDC), who);
    }
  });

  after(() => stopDevNode(node));

  it('lists the series, marked by Black-76 from the implied volatility', async () => {
    const call = (await api.call.clearingApi.market(CALL)).unwrap();
    assert.equal(call.instrument.isOption, true);
    assert.equal(call.instrument.asOption.kind.type, 'Call');
    assert.equal(call.expired.isTrue, false);
    assert.equal(call.impliedVolatility.unwrap().toBigInt(), fraction(60, 100));
    // At the money, 30 days, 60%: about 0.4 x 0.6 x sqrt(30/365) x 60,000 = 4,127.
    const premium = call.markPrice.unwrap().toBigInt();
    assert.ok(premium > usd(4_000) && premium < usd(4_300), `call premium ${premium}`);
    // Put-call parity at the money with no rate: the same premium.
    const put = await mark(PUT);
    assert.ok(put - premium < FIXED / 1_000_000n && premium - put < FIXED / 1_000_000n);
  });

  it('Alice sells two straddles to Bob through the book and hedges their delta', async () => {
    const size = 2n * ONE_BTC;
    for (const market of [CALL, PUT]) {
      const price = onTick(await mark(market), OPTION_TICK);
      await send(api.tx.orderbook.placeOrder(market, 'Buy', price, size, 'GoodTilCancelled', false), bob);
      await send(api.tx.orderbook.placeOrder(market, 'Sell', price, size, 'ImmediateOrCancel', false), alice);
    }
    const delta = (await marginReport()).underlyings[0].delta.toBigInt();
    // Delta in 18 decimals of BTC; the hedge in whole perpetual lots, opposite.
    const hedge = ((-delta / 10n ** 10n) / PERP_LOT) * PERP_LOT;
    assert.ok(hedge !== 0n, 'a straddle at the money has a small delta');
    const [makerSide, takerSide] = hedge > 0n ? ['Sell', 'Buy'] : ['Buy', 'Sell'];
    const perpSize = hedge > 0n ? hedge : -hedge;
    await send(api.tx.orderbook.placeOrder(BTC_PERP, makerSide, usd(60_000), perpSize, 'GoodTilCancelled', false), bob);
    await send(api.tx.orderbook.placeOrder(BTC_PERP, takerSide, usd(60_000), perpSize, 'ImmediateOrCancel', false), alice);
    const report = await marginReport();
    const residual = report.underlyings[0].delta.toBigInt();
    assert.ok(residual < fraction(1, 100) && residual > -fraction(1, 100), `residual delta ${residual}`);
    assert.ok(report.underlyings[0].gamma.toBigInt() < 0n, 'short gamma');
    assert.ok(report.underlyings[0].vega.toBigInt() < 0n, 'short vega');
  });

  it('needs at least 3x less under portfolio margin; Alice opts in and withdraws the freed collateral', async (t) => {
    const report = await marginReport();
    assert.equal(report.mode.type, 'Cross');
    const cross = report.cross.initialRequirement.toBigInt();
    const portfolio = report.portfolio.initialRequirement.toBigInt();
    assert.ok(3n * portfolio <= cross, `portfolio ${portfolio} vs cross ${cross}`);
    t.diagnostic(`cross ${cross / ONE_USDC} USDC, portfolio ${portfolio / ONE_USDC} USDC`);

    // Under cross margin the freed collateral stays locked.
    const equity = report.equity.toBigInt();
    const freed = ((equity - portfolio) / ONE_USDC - 500n) * ONE_USDC;
    const refused = await submitAndFinalize(api, api.tx.clearing.withdraw(USDC, freed), alice);
    assert.equal(refused.error, 'clearing.BelowInitialMargin');

    const events = await send(api.tx.clearing.setMarginMode('Portfolio'), alice);
    assert.ok(events.some(({ event }) => api.events.clearing.MarginModeChanged.is(event)));
    // One block's view of both (the options' time left moves the figures block by block).
    const at = await api.at(await api.rpc.chain.getFinalizedHead());
    const inForce = await accountReport(at);
    const scan = (await at.call.clearingApi.marginReport(alice.address)).asOk;
    assert.equal(scan.mode.type, 'Portfolio');
    assert.equal(inForce.initialRequirement.toBigInt(), scan.portfolio.initialRequirement.toBigInt(), 'the scan is the requirement in force');
    await send(api.tx.clearing.withdraw(USDC, freed), alice);
    const after = await marginReport();
    assert.equal(after.mode.type, 'Portfolio');
    const free = after.equity.toBigInt() - after.portfolio.initialRequirement.toBigInt();
    assert.ok(free >= 0n && free < 600n * ONE_USDC, `free collateral ${free}`);
    // The chain's totals count Alice at her portfolio requirement, Bob at his cross one.
    const bob_ = (await api.call.clearingApi.marginReport(bob.address)).asOk;
    const chain = await api.call.clearingApi.capitalEfficiency();
    assert.equal(
      chain.lockedInForce.toBigInt(),
      after.portfolio.initialRequirement.toBigInt() + bob_.cross.initialRequirement.toBigInt(),
    );
  });

  it('a volatility shock gets her liquidated pro rata and partially by the worker', async (t) => {
    const before = await accountReport();
    const sizes = new Map(before.positions.map((p) => [p.market.toNumber(), p.positionSize.toBigInt()]));
    assert.ok(before.health.toBigInt() > 0n);
    // Implied volatility 60% -> 71%: inside the 20% jump breaker, so it applies at once.
    const blocks = [];
    const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      blocks.push({ number: header.number.toNumber(), hash: header.hash, parent: header.parentHash, events: await at.query.system.events() });
    });
    await send(api.tx.oracle.feedValues([
      [{ Price: 'BTC' }, usd(60_000)],
      [{ ImpliedVolatility: 'BTC' }, fraction(71, 100)],
    ]), alice);
    const isLiquidation = ({ event }) => api.events.clearing.Liquidated.is(event) && event.data.who.toString() === alice.address;
    const landed = await waitFor('the portfolio liquidation', () => blocks.find((b) => b.events.some(isLiquidation)), { timeoutMs: 60_000 });
    unsubscribe();

    // What the chain saw just before: below maintenance under the scan.
    const parent = await accountReport(await api.at(landed.parent));
    assert.ok(parent.health.toBigInt() < 0n, `health before ${parent.health}`);
    const closes = landed.events.filter(isLiquidation).map(({ event }) => event.data);
    assert.deepEqual(closes.map((c) => c.market.toNumber()).sort(), [BTC_PERP, CALL, PUT].sort((a, b) => a - b));
    // The same share of every leg, as the engine's rule sizes it from the scan.
    const maintenance = parent.maintenanceRequirement.toBigInt();
    const target = ceilDiv(maintenance, 10n);
    const bookValue = parent.positions.reduce((sum, p) => {
      const units = p.positionSize.toBigInt() < 0n ? -p.positionSize.toBigInt() : p.positionSize.toBigInt();
      return sum + ceilDiv(units * p.markPrice.unwrap().toBigInt(), 10n ** 20n);
    }, 0n);
    const numerator = target - parent.health.toBigInt();
    const denominator = maintenance + target - ceilDiv(bookValue, 100n);
    const shares = closes.map((c) => {
      const size = sizes.get(c.market.toNumber());
      const closed = c.closedSize.toBigInt();
      assert.ok((size > 0n) !== (closed > 0n), 'each close reduces the position');
      return (FIXED * (closed < 0n ? -closed : closed)) / (size < 0n ? -size : size);
    });
    const expected = (FIXED * numerator) / denominator;
    for (const share of shares) {
      // Lots round each leg up; the block's clock moves the marks a little.
      assert.ok(share >= (expected * 97n) / 100n && share <= (expected * 110n) / 100n + fraction(1, 100),
        `share ${share} against ${expected}`);
    }
    assert.ok(expected < FIXED / 2n, `a partial liquidation (${expected})`);
    t.diagnostic(`liquidated in #${landed.number}: share ${expected * 10_000n / FIXED} bp expected, closed ${shares.map((x) => x * 10_000n / FIXED).join('/')} bp`);
    const after = await accountReport();
    assert.ok(after.health.toBigInt() >= 0n, `health after ${after.health}`);
    assert.equal(after.positions.length, 3, 'every leg stays open');
    assert.equal((await marginReport()).mode.type, 'Portfolio');
    const penalties = closes.reduce((sum, c) => sum + c.penalty.toBigInt(), 0n);
    assert.ok(penalties > 0n);
  });
});
