// Collateral that earns on a dev node: Bob supplies ETH and USDC; Alice deposits BTC,
// borrows USDC and ETH against it and opens a perpetual; blocks pass and Bob's supply grows
// by what the borrowers pay less the insurance fund's reserve (his reports' interest accrued
// by exactly as much); a BTC drop liquidates
// Alice's position and borrow in one block, with no token leaving the pool; Bob withdraws
// his supply with interest. Charlie keeps his BTC segregated: it margins his short, earns
// nothing and is never lent. Dave, under portfolio margin, borrows BTC and hedges it with
// a long perpetual: the scan nets the two.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clearingAccounts } from '../lib/accounts.mjs';
import { BTC, BTC_PERP, ETH, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_BTC, ONE_ETH, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode, waitFor } from './lib/dev-node.mjs';

/** Submits `tx` signed by `who`, asserting that it dispatched. */
async function ok(api, tx, who) {
  const { error, blockHash, events } = await submitAndFinalize(api, tx, who);
  assert.equal(error, null, `${tx.method.section}.${tx.method.method} failed: ${error}`);
  return { blockHash, events };
}

/** What each of `addresses` holds of `asset` (negative: owes), at block `hash`. */
async function balances(api, hash, addresses, asset) {
  const at = await api.at(hash);
  const out = [];
  for (const address of addresses) {
    const report = (await at.call.clearingApi.accountReport(address)).asOk;
    const line = report.collateral.find((entry) => entry.asset.toNumber() === asset);
    out.push(line ? line.balance.toBigInt() : 0n);
  }
  return out;
}

/** The money market's counters of `asset` at block `hash`. */
async function totals(api, hash, asset) {
  const at = await api.at(hash);
  const t = await at.query.clearing.lendingTotals(asset);
  return { interest: t.interest.toBigInt(), reserve: t.reserve.toBigInt(), supplier: t.supplierInterest.toBigInt() };
}

describe('collateral that earns on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let dave;
  let eve;
  let fund;
  let fees;

  before(async () => {
    ({ node, api, alice, bob, charlie, dave, eve } = await startDevChain());
    ({ insuranceFund: fund, fees } = clearingAccounts(api));
    await ok(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)], [{ Price: 'ETH' }, usd(3_000)]]), alice);
  });

  after(() => stopDevNode(node));

  it('Bob supplies, Alice borrows USDC and ETH against her BTC and opens a perpetual', async () => {
    await ok(api, api.tx.clearing.deposit(USDC, 100_000n * ONE_USDC), bob);
    await ok(api, api.tx.clearing.deposit(ETH, 5n * ONE_ETH), bob);
    await ok(api, api.tx.clearing.deposit(BTC, ONE_BTC), alice);
    const tokensBefore = (await api.query.assets.account(USDC, alice.address)).unwrap().balance.toBigInt();
    await ok(api, api.tx.clearing.borrow(USDC, 40_000n * ONE_USDC), alice);
    await ok(api, api.tx.clearing.borrow(ETH, 2n * ONE_ETH), alice);
    const tokensAfter = (await api.query.assets.account(USDC, alice.address)).unwrap().balance.toBigInt();
    assert.equal(tokensAfter - tokensBefore, 40_000n * ONE_USDC, 'the borrowed USDC left the pool for her wallet');
    // Charlie, margined on BTC, sells Alice 0.2 BTC-PERP.
    await ok(api, api.tx.clearing.deposit(BTC, ONE_BTC), charlie);
    await ok(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC / 5n, 'GoodTilCancelled', false), charlie);
    await ok(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC / 5n, 'ImmediateOrCancel', false), alice);
    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    assert.equal(report.positions[0].positionSize.toBigInt(), ONE_BTC / 5n);
    const eth = report.collateral.find((line) => line.asset.toNumber() === ETH);
    assert.ok(eth.balance.toBigInt() <= -2n * ONE_ETH, 'she owes the ETH she borrowed');
    assert.ok(eth.initialValue.unwrap().toBigInt() < 0n, 'a borrow counts against her margin');
    assert.ok(report.freeCollateral.toBigInt() > 0n);
  });

  it('Charlie segregates his BTC: held apart, never lent, still his margin', async () => {
    const { events } = await ok(api, api.tx.clearing.setSegregated(BTC, true), charlie);
    const set = events.find(({ event }) => api.events.clearing.SegregationSet.is(event));
    assert.ok(set, 'a SegregationSet event');
    assert.equal(set.event.data.amount.toBigInt(), ONE_BTC, 'his whole supply moved to the holding');
    const report = (await api.call.clearingApi.accountReport(charlie.address)).asOk;
    const btc = report.lending.find((line) => line.asset.toNumber() === BTC);
    assert.equal(btc.segregated.toBigInt(), ONE_BTC);
    assert.equal(btc.supplied.toBigInt(), 0n);
    assert.equal(btc.interestPerDay.toBigInt(), 0n, 'a segregated holding earns nothing');
    assert.ok(report.freeCollateral.toBigInt() > 0n, 'it still margins his short');
    const market = (await api.call.clearingApi.moneyMarket()).find((m) => m.asset.toNumber() === BTC);
    assert.ok(market.segregated.toBigInt() >= ONE_BTC);
    // Alice's supply of USDC-backed borrowing shows in her lines: what she owes and pays.
    const alices = (await api.call.clearingApi.marginReport(alice.address)).asOk;
    const usdc = alices.lending.find((line) => line.asset.toNumber() === USDC);
    assert.ok(usdc.borrowed.toBigInt() >= 40_000n * ONE_USDC);
    assert.ok(usdc.interestPerDay.toBigInt() < 0n, 'she pays interest every day');
    // Chain-wide, part of the collateral is lent out and earning.
    const chain = await api.call.clearingApi.capitalEfficiency();
    const usdcYield = chain.collateral.find((line) => line.asset.toNumber() === USDC);
    assert.ok(usdcYield.productiveShare.toNumber() > 0);
    assert.ok(chain.productiveShare.unwrap().toNumber() > 0);
    assert.ok(chain.averageYield.unwrap().toBigInt() > 0n);
  });

  it('the runtime API reports each market: what is lent, its rates and yields', async () => {
    const markets = await api.call.clearingApi.moneyMarket();
    const usdc = markets.find((market) => market.asset.toNumber() === USDC);
    const eth = markets.find((market) => market.asset.toNumber() === ETH);
    assert.ok(usdc && eth, 'every listed asset has a market');
    assert.ok(usdc.borrowed.toBigInt() >= 40_000n * ONE_USDC);
    assert.ok(usdc.supplied.toBigInt() >= 100_000n * ONE_USDC);
    assert.equal(usdc.cash.toBigInt(), (await api.query.clearing.totalDeposits(USDC)).toBigInt());
    assert.ok(usdc.utilisation.toNumber() > 0);
    const rate = usdc.borrowRate.toBigInt();
    assert.ok(rate > 0n && usdc.supplyRate.toBigInt() < rate, 'suppliers earn less than borrowers pay');
    assert.ok(usdc.borrowApy.toBigInt() >= rate, 'compounding adds to the rate');
    assert.equal(eth.config.borrowCap.toBigInt(), 2_000n * ONE_ETH);
  });

  it('blocks pass: Bob\'s supply grows by what the borrowers pay, less the reserve', async () => {
    const start = await api.rpc.chain.getFinalizedHead();
    const startNumber = (await api.rpc.chain.getHeader(start)).number.toNumber();
    await waitFor('five more finalized blocks', async () => {
      const head = await api.rpc.chain.getFinalizedHead();
      return (await api.rpc.chain.getHeader(head)).number.toNumber() >= startNumber + 5;
    }, { timeoutMs: 60_000 });
    const end = await api.rpc.chain.getFinalizedHead();
    for (const asset of [USDC, ETH]) {
      const accounts = [alice.address, charlie.address, bob.address, fees, fund];
      const before = await balances(api, start, accounts, asset);
      const afterwards = await balances(api, end, accounts, asset);
      const change = afterwards.map((value, i) => value - before[i]);
      const [alicePaid, charliePaid] = [-change[0], -change[1]];
      const [bobEarned, feesEarned, fundEarned] = [change[2], change[3], change[4]];
      const counted = await totals(api, end, asset);
      const counted0 = await totals(api, start, asset);
      const interest = counted.interest - counted0.interest;
      const reserve = counted.reserve - counted0.reserve;
      assert.ok(alicePaid > 0n, `Alice paid interest on asset ${asset}`);
      // What the debtors paid is the interest counted, within a unit per balance.
      const paid = alicePaid + charliePaid;
      assert.ok(paid - interest <= 2n && interest - paid <= 2n, `paid ${paid}, counted ${interest}`);
      // The reserve went to the insurance fund; the suppliers got the rest: nothing made
      // or lost beyond a unit per balance and the reserve's carry.
      // (The fund also earns on the reserve it already holds; the counters follow the exact
      // gains within a unit, its balance within one more.)
      assert.ok(reserve > 0n && fundEarned >= reserve - 3n, `reserve ${reserve}, fund earned ${fundEarned}`);
      const earned = bobEarned + feesEarned + fundEarned;
      assert.ok(earned - paid <= 4n && paid - earned <= 4n, `earned ${earned}, paid ${paid}`);
      assert.ok(bobEarned > 0n, `Bob earned on asset ${asset}`);
      // His report's interest accrued moved by exactly what he earned.
      const accruedAt = async (hash) => {
        const report = (await (await api.at(hash)).call.clearingApi.accountReport(bob.address)).asOk;
        return report.lending.find((line) => line.asset.toNumber() === asset).interestAccrued.unwrap().toBigInt();
      };
      assert.equal(await accruedAt(end) - await accruedAt(start), bobEarned, `Bob's interest accrued on asset ${asset}`);
    }
  });

  it('a BTC drop liquidates her position and her borrow in one block, from the pool\'s own balances', async () => {
    const blocks = [];
    const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      blocks.push({ number: header.number.toNumber(), events: await at.query.system.events() });
    });
    const cashBefore = (await api.query.clearing.totalDeposits(USDC)).toBigInt();
    await ok(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(52_000)]]), alice);
    const landed = await waitFor('the borrow liquidation', () => blocks.find((block) => block.events.some(
      ({ event }) => api.events.clearing.BorrowLiquidated.is(event),
    )), { timeoutMs: 30_000 });
    unsubscribe();
    const ofAlice = (kind) => landed.events
      .filter(({ event }) => kind.is(event) && event.data.who.toString() === alice.address);
    assert.equal(ofAlice(api.events.clearing.Liquidated).length, 1, 'her position was closed in the same block');
    const moved = ofAlice(api.events.clearing.BorrowLiquidated)[0].event.data;
    assert.equal(moved.asset.toNumber(), USDC, 'her largest borrow went first');
    assert.equal(moved.collateralAsset.toNumber(), BTC);
    assert.ok(moved.penalty.toBigInt() > 0n);
    // No token moved: the pool's USDC cash is what it was.
    const cashAfter = (await api.query.clearing.totalDeposits(USDC)).toBigInt();
    assert.equal(cashAfter, cashBefore);
    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    assert.ok(report.health.toBigInt() > 0n, 'she is above maintenance again');
    const btc = report.collateral.find((line) => line.asset.toNumber() === BTC).balance.toBigInt();
    assert.ok(btc > 0n && btc < ONE_BTC, 'she keeps part of her BTC');
  });

  it('Bob withdraws his supply with interest once the borrowers repay', async () => {
    // Alice repays everything she owes from her wallet.
    await ok(api, api.tx.clearing.repay(ETH, 2n ** 128n - 1n), alice);
    await ok(api, api.tx.clearing.repay(USDC, 2n ** 128n - 1n), alice);
    const [eth] = await balances(api, await api.rpc.chain.getFinalizedHead(), [bob.address], ETH);
    assert.ok(eth > 5n * ONE_ETH, 'his ETH earned');
    await ok(api, api.tx.clearing.withdraw(ETH, eth), bob);
    // His USDC: all but what the insurance fund took over from Alice (and Charlie's fees)
    // is free; that part waits for their repayment.
    const head = await api.rpc.chain.getFinalizedHead();
    const [usdc, fundOwes, charlieOwes] = await balances(api, head, [bob.address, fund, charlie.address], USDC);
    assert.ok(usdc > 100_000n * ONE_USDC, 'his USDC earned');
    const lent = -(fundOwes < 0n ? fundOwes : 0n) - (charlieOwes < 0n ? charlieOwes : 0n);
    const free = usdc - lent * 2n;
    const tokens = (await api.query.assets.account(USDC, bob.address)).unwrap().balance.toBigInt();
    await ok(api, api.tx.clearing.withdraw(USDC, free), bob);
    const after = (await api.query.assets.account(USDC, bob.address)).unwrap().balance.toBigInt();
    assert.equal(after - tokens, free);
  });

  it('Charlie\'s segregated BTC earned nothing and leaves without waiting on the market', async () => {
    const head = await api.rpc.chain.getFinalizedHead();
    const [btc] = await balances(api, head, [charlie.address], BTC);
    assert.equal(btc, ONE_BTC, 'exactly what he deposited');
    // Half of it leaves at once (his short needs far less); the pool never lent it.
    const tokens = (await api.query.assets.account(BTC, charlie.address)).unwrap().balance.toBigInt();
    await ok(api, api.tx.clearing.withdraw(BTC, ONE_BTC / 2n), charlie);
    const after = (await api.query.assets.account(BTC, charlie.address)).unwrap().balance.toBigInt();
    assert.equal(after - tokens, ONE_BTC / 2n);
    const holdings = await api.query.clearing.segregatedBalances(charlie.address);
    const held = [...holdings.entries()].find(([asset]) => asset.toNumber() === BTC)[1].toBigInt();
    assert.equal(held, ONE_BTC / 2n, 'the rest is still held apart');
  });

  it('under portfolio margin Dave\'s borrowed BTC is a short in the scan, netted by a long perpetual', async () => {
    const report = async () => (await api.call.clearingApi.marginReport(dave.address)).asOk;
    const whole = 10n ** 18n;
    // A fresh BTC price, where the drop above left it.
    await ok(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(52_000)]]), alice);
    await ok(api, api.tx.clearing.deposit(BTC, 2n * ONE_BTC), eve);
    await ok(api, api.tx.clearing.deposit(USDC, 100_000n * ONE_USDC), eve);
    await ok(api, api.tx.clearing.deposit(USDC, 40_000n * ONE_USDC), dave);
    await ok(api, api.tx.clearing.setMarginMode('Portfolio'), dave);
    await ok(api, api.tx.clearing.borrow(BTC, ONE_BTC / 2n), dave);
    const alone = await report();
    assert.equal(alone.underlyings.length, 1, 'the borrow is a leg on BTC');
    const short = alone.underlyings[0].delta.toBigInt();
    assert.ok(short < -whole / 2n + whole / 100n && short > -whole / 2n - whole / 100n, `delta ${short}`);
    assert.ok(alone.portfolio.initialRequirement.toBigInt() > 0n, 'a rise of BTC needs margin');
    // Eve sells him 0.5 BTC-PERP: long the perpetual, short the borrowed BTC.
    await ok(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(52_000), ONE_BTC / 2n, 'GoodTilCancelled', false), eve);
    await ok(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(52_000), ONE_BTC / 2n, 'ImmediateOrCancel', false), dave);
    const hedged = await report();
    const net = hedged.underlyings[0].delta.toBigInt();
    assert.ok(net < whole / 100n && net > -whole / 100n, `net delta ${net}`);
    const portfolio = hedged.portfolio.initialRequirement.toBigInt();
    const cross = hedged.cross.initialRequirement.toBigInt();
    // What is left is mostly the basis: the perpetual's mark may stand 0.5% either side of
    // the index the borrow follows (1% of the 26,000 hedged).
    assert.ok(portfolio >= 260n * ONE_USDC, `hedged ${portfolio}`);
    assert.ok(portfolio * 4n < alone.portfolio.initialRequirement.toBigInt(), `hedged ${portfolio}`);
    assert.ok(portfolio * 4n < cross, `portfolio ${portfolio}, cross ${cross}`);
    assert.equal(hedged.mode.toString(), 'Portfolio');
  });
});
