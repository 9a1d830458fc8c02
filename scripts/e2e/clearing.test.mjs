// The clearing pallet on a dev node: collateral deposits, the account report computed by
// the runtime against figures this test computes itself, market info, refused withdrawals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BTC, BTC_PERP, ETH, ETH_PERP, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { FIXED, ONE_BTC, ONE_ETH, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode } from './lib/dev-node.mjs';

const ONE = { [USDC]: ONE_USDC, [BTC]: ONE_BTC, [ETH]: ONE_ETH };

// Oracle prices (USD per whole token, 18 decimals) and the dev preset's haircuts (percent).
const PRICE = { [BTC]: usd(60_000), [ETH]: usd(3_000) };
const HAIRCUT = { [BTC]: { initial: 90n, maintenance: 95n }, [ETH]: { initial: 85n, maintenance: 90n } };

/** Value in USDC units of `amount` smallest units of `asset`, rounded down like the chain. */
function usdcValue(asset, amount) {
  return (amount * PRICE[asset] * ONE[USDC]) / (FIXED * ONE[asset]);
}

describe('clearing on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    const feed = api.tx.oracle.feedValues([
      [{ Price: 'BTC' }, PRICE[BTC]],
      [{ Price: 'ETH' }, PRICE[ETH]],
    ]);
    const { error } = await submitAndFinalize(api, feed, alice);
    assert.equal(error, null);
  });

  after(() => stopDevNode(node));

  it('lists BTC-PERP and ETH-PERP through ClearingApi', async () => {
    const btc = (await api.call.clearingApi.market(BTC_PERP)).unwrap();
    assert.equal(btc.symbol.toUtf8(), 'BTC-PERP');
    assert.equal(btc.sizeDecimals.toNumber(), 8);
    assert.equal(btc.lotSize.toBigInt(), 10_000n);
    assert.equal(btc.tiers.length, 3);
    assert.equal(btc.tiers[0].initialFraction.toNumber(), 50_000_000); // 5% in parts per billion
    assert.equal(btc.openInterest.toBigInt(), 0n);
    assert.equal(btc.indexPrice.unwrap()[0].toBigInt(), PRICE[BTC]);
    const eth = (await api.call.clearingApi.market(ETH_PERP)).unwrap();
    assert.equal(eth.symbol.toUtf8(), 'ETH-PERP');
    assert.ok((await api.call.clearingApi.market(9)).isNone);
  });

  it('deposits collateral and reports it at the haircut values the test computes', async () => {
    const usdc = 10_000n * ONE[USDC];
    const btc = ONE[BTC] / 2n;
    const eth = 2n * ONE[ETH];
    const before = (await api.query.assets.account(BTC, alice.address)).unwrap().balance.toBigInt();
    const { error, events } = await submitAndFinalize(api, api.tx.utility.batchAll([
      api.tx.clearing.deposit(USDC, usdc),
      api.tx.clearing.deposit(BTC, btc),
      api.tx.clearing.deposit(ETH, eth),
    ]), alice);
    assert.equal(error, null);
    const deposited = events.filter(({ event }) => api.events.clearing.Deposited.is(event));
    assert.equal(deposited.length, 3);
    const afterDeposit = (await api.query.assets.account(BTC, alice.address)).unwrap().balance.toBigInt();
    assert.equal(before - afterDeposit, btc, 'the BTC left Alice for the pallet account');

    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    const lines = report.collateral.map((line) => ({
      asset: line.asset.toNumber(),
      balance: line.balance.toBigInt(),
      value: line.value.unwrap().toBigInt(),
      initial: line.initialValue.unwrap().toBigInt(),
      maintenance: line.maintenanceValue.unwrap().toBigInt(),
    }));
    const btcValue = usdcValue(BTC, btc); // 30,000 USDC
    const ethValue = usdcValue(ETH, eth); // 6,000 USDC
    assert.deepEqual(lines, [
      { asset: USDC, balance: usdc, value: usdc, initial: usdc, maintenance: usdc },
      {
        asset: BTC, balance: btc, value: btcValue,
        initial: btcValue * HAIRCUT[BTC].initial / 100n, maintenance: btcValue * HAIRCUT[BTC].maintenance / 100n,
      },
      {
        asset: ETH, balance: eth, value: ethValue,
        initial: ethValue * HAIRCUT[ETH].initial / 100n, maintenance: ethValue * HAIRCUT[ETH].maintenance / 100n,
      },
    ]);
    const equityInitial = usdc + btcValue * 90n / 100n + ethValue * 85n / 100n;
    const equityMaintenance = usdc + btcValue * 95n / 100n + ethValue * 90n / 100n;
    assert.equal(report.equityInitial.toBigInt(), equityInitial);
    assert.equal(report.equityMaintenance.toBigInt(), equityMaintenance);
    assert.equal(report.initialRequirement.toBigInt(), 0n);
    assert.equal(report.freeCollateral.toBigInt(), equityInitial);
    assert.equal(report.health.toBigInt(), equityMaintenance);
    assert.equal(report.positions.length, 0);
    assert.equal(report.usesStalePrices.isTrue, false);
  });

  it('refuses a withdrawal beyond what the pool holds, and pays out one within it', async () => {
    const tooMuch = await submitAndFinalize(api, api.tx.clearing.withdraw(USDC, 10_000n * ONE[USDC] + 1n), alice);
    assert.equal(tooMuch.error, 'clearing.InsufficientCollateral');
    const notRegistered = await submitAndFinalize(api, api.tx.clearing.withdraw(4, 1n), alice);
    assert.equal(notRegistered.error, 'clearing.UnknownCollateral');
    const { error } = await submitAndFinalize(api, api.tx.clearing.withdraw(USDC, 4_000n * ONE[USDC]), alice);
    assert.equal(error, null);
    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    assert.equal(report.collateral[0].balance.toBigInt(), 6_000n * ONE[USDC]);
  });

  it('refuses a withdrawal beyond free collateral once the pool carries a USDC debt', async () => {
    // Alice holds 6,000 USDC, 0.5 BTC and 2 ETH. Moving 20,000 USDC into an isolated
    // BTC-PERP margin leaves a 14,000 USDC debt (a USDC borrow), weighted by USDC's 1.05
    // liability weight. It pays interest from the end of the next block on, so the block
    // that booked it shows it whole.
    const { error, blockHash } = await submitAndFinalize(api, api.tx.clearing.addIsolatedMargin(0, 20_000n * ONE[USDC]), alice);
    assert.equal(error, null);
    const debt = 14_000n * ONE[USDC] * 105n / 100n;
    const btcInitial = usdcValue(BTC, ONE[BTC] / 2n) * 90n / 100n;
    const ethInitial = usdcValue(ETH, 2n * ONE[ETH]) * 85n / 100n;
    const report = (await (await api.at(blockHash)).call.clearingApi.accountReport(alice.address)).asOk;
    assert.equal(report.collateral[0].balance.toBigInt(), -14_000n * ONE[USDC]);
    assert.equal(report.collateral[0].initialValue.unwrap().toBigInt(), -debt);
    assert.equal(report.freeCollateral.toBigInt(), btcInitial + ethInitial - debt);
    assert.equal(report.positions.length, 1);
    assert.equal(report.positions[0].isolatedMargin.unwrap().toBigInt(), 20_000n * ONE[USDC]);

    // Taking all the BTC out would leave ETH's 5,100 against a 14,700 debt: refused.
    const refused = await submitAndFinalize(api, api.tx.clearing.withdraw(BTC, ONE[BTC] / 2n), alice);
    assert.equal(refused.error, 'clearing.BelowInitialMargin');
    // Taking the ETH out leaves BTC's 27,000 against it: paid out.
    const paid = await submitAndFinalize(api, api.tx.clearing.withdraw(ETH, 2n * ONE[ETH]), alice);
    assert.equal(paid.error, null);
    const after = (await (await api.at(paid.blockHash)).call.clearingApi.accountReport(alice.address)).asOk;
    // By then the debt has grown by its interest, weighed like the rest of it.
    const owed = -after.collateral[0].balance.toBigInt();
    assert.ok(owed >= 14_000n * ONE[USDC]);
    assert.equal(after.freeCollateral.toBigInt(), btcInitial - (owed * 105n + 99n) / 100n);
  });

  it('keeps each trader pool separate', async () => {
    const { error } = await submitAndFinalize(api, api.tx.clearing.deposit(USDC, 2_500n * ONE[USDC]), bob);
    assert.equal(error, null);
    const report = (await api.call.clearingApi.accountReport(bob.address)).asOk;
    assert.equal(report.collateral.length, 1);
    // His USDC is lent to Alice's debt from the block it arrived: it earns.
    const held = report.collateral[0].balance.toBigInt();
    assert.ok(held >= 2_500n * ONE[USDC]);
    assert.equal(report.freeCollateral.toBigInt(), held);
    const refused = await submitAndFinalize(api, api.tx.clearing.deposit(USDC, 0n), bob);
    assert.equal(refused.error, 'clearing.ZeroAmount');
  });
});
