// Synthetic assets on a dev node: Alice deposits ETH and mints sBTC against it; she sends
// it to Bob with a plain `assets.transfer` (Bob sees it as any token); Bob redeems part of
// it at the oracle price, paid into his clearing account by Alice; BTC rises and the
// off-chain worker liquidates Alice's debt into the insurance fund. After every step the
// token's supply equals the debt outstanding, in storage and in `clearingApi.synthetics`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clearingAccounts } from '../lib/accounts.mjs';
import { ETH, SBTC, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_BTC, ONE_ETH, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode, waitFor } from './lib/dev-node.mjs';

/** Submits `tx` signed by `who`, asserting that it dispatched. */
async function ok(api, tx, who) {
  const { error, blockHash, events } = await submitAndFinalize(api, tx, who);
  assert.equal(error, null, `${tx.method.section}.${tx.method.method} failed: ${error}`);
  return { blockHash, events };
}

/** sBTC's supply, its total debt, the sum of every account's debt and the API's figures,
 * at the best block: all must agree. */
async function assertSupplyIsDebt(api, step) {
  const at = await api.at(await api.rpc.chain.getBlockHash());
  const supply = (await at.query.assets.asset(SBTC)).unwrap().supply.toBigInt();
  const state = await at.query.clearing.syntheticStates(SBTC);
  let owed = 0n;
  for (const [, debts] of await at.query.clearing.syntheticDebts.entries()) {
    for (const [asset, debt] of debts.entries()) {
      if (asset.toNumber() === SBTC) owed += debt.amount.toBigInt();
    }
  }
  const report = (await at.call.clearingApi.synthetics()).find((s) => s.asset.toNumber() === SBTC);
  assert.equal(state.totalDebt.toBigInt(), supply, `total debt is the supply (${step})`);
  assert.equal(owed, supply, `the accounts' debts add up to the supply (${step})`);
  assert.equal(report.supply.toBigInt(), supply, `the API's supply (${step})`);
  assert.equal(report.totalDebt.toBigInt(), supply, `the API's debt (${step})`);
  return supply;
}

/** What `who` owes of sBTC. */
async function debtOf(api, who) {
  const debts = await api.query.clearing.syntheticDebts(who);
  const entry = [...debts.entries()].find(([asset]) => asset.toNumber() === SBTC);
  return entry ? entry[1].amount.toBigInt() : 0n;
}

/** `who`'s settlement row in its account report (USDC units; negative: owes). */
async function settlementOf(api, who) {
  const report = (await api.call.clearingApi.accountReport(who)).asOk;
  return report.collateral.find((line) => line.asset.toNumber() === USDC).balance.toBigInt();
}

describe('synthetic assets on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;
  let fund;

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    ({ insuranceFund: fund } = clearingAccounts(api));
    await ok(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)], [{ Price: 'ETH' }, usd(3_000)]]), alice);
  });

  after(() => stopDevNode(node));

  it('sBTC is listed at genesis under a token only the clearing account controls', async () => {
    const listed = (await api.call.clearingApi.synthetics()).find((s) => s.asset.toNumber() === SBTC);
    assert.ok(listed, 'sBTC is in the synthetics report');
    assert.equal(listed.config.peg.asOracle.asPrice.toString(), 'BTC');
    const details = (await api.query.assets.asset(SBTC)).unwrap();
    const clearing = clearingAccounts(api).clearing;
    assert.equal(details.owner.toString(), clearing);
    assert.equal(details.issuer.toString(), clearing);
    const metadata = await api.query.assets.metadata(SBTC);
    assert.equal(metadata.symbol.toUtf8(), 'sBTC');
    assert.equal(metadata.decimals.toNumber(), 8);
    assert.equal(await assertSupplyIsDebt(api, 'genesis'), 0n);
  });

  it('Alice deposits ETH and mints sBTC against it; her report counts the debt like a short', async () => {
    await ok(api, api.tx.clearing.deposit(ETH, 10n * ONE_ETH), alice);
    const { events } = await ok(api, api.tx.clearing.mintSynthetic(SBTC, 3n * ONE_BTC / 10n), alice);
    const minted = events.find(({ event }) => api.events.clearing.SyntheticMinted.is(event)).event.data;
    assert.equal(minted.amount.toBigInt(), 3n * ONE_BTC / 10n);
    // 0.3% of 18,000 USD.
    assert.equal(minted.fee.toBigInt(), 54n * ONE_USDC);
    const tokens = (await api.query.assets.account(SBTC, alice.address)).unwrap().balance.toBigInt();
    assert.equal(tokens, 3n * ONE_BTC / 10n, 'the tokens are in her wallet');
    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    const line = report.synthetics[0];
    assert.equal(line.asset.toNumber(), SBTC);
    assert.equal(line.value.unwrap().toBigInt(), 18_000n * ONE_USDC);
    assert.equal(line.initialRequirement.unwrap().toBigInt(), 3_600n * ONE_USDC, '20% of the debt');
    assert.equal(line.maintenanceRequirement.unwrap().toBigInt(), 1_800n * ONE_USDC, '10% of the debt');
    assert.ok(report.freeCollateral.toBigInt() > 0n);
    assert.equal(await assertSupplyIsDebt(api, 'after the mint'), 3n * ONE_BTC / 10n);
  });

  it('she sends it to Bob with a plain assets.transfer: he holds it as any token', async () => {
    await ok(api, api.tx.assets.transfer(SBTC, bob.address, 3n * ONE_BTC / 10n), alice);
    const held = (await api.query.assets.account(SBTC, bob.address)).unwrap().balance.toBigInt();
    assert.equal(held, 3n * ONE_BTC / 10n);
    assert.equal(await debtOf(api, alice.address), 3n * ONE_BTC / 10n, 'the debt stays hers');
    await assertSupplyIsDebt(api, 'after the transfer');
  });

  it('Bob redeems part of it at the oracle price, less 0.5%, paid by Alice', async () => {
    await ok(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    const bobBefore = await settlementOf(api, bob.address);
    const aliceBefore = await settlementOf(api, alice.address);
    const { events } = await ok(api, api.tx.clearing.redeemSynthetic(SBTC, ONE_BTC / 10n, [alice.address]), bob);
    const redeemed = events.find(({ event }) => api.events.clearing.SyntheticRedeemed.is(event)).event.data;
    // 0.1 BTC at 60,000 is 6,000 USD; 30 of it stays with Alice.
    assert.equal(redeemed.paid.toBigInt(), 5_970n * ONE_USDC);
    assert.equal(redeemed.fee.toBigInt(), 30n * ONE_USDC);
    // Credited to his USDC balance, a supply that earns from then on (a few units since).
    const credited = await settlementOf(api, bob.address) - bobBefore;
    assert.ok(credited >= 5_970n * ONE_USDC && credited < 5_971n * ONE_USDC, `Bob was credited ${credited}`);
    // Alice paid it (her stability fee since the mint, a few units, with it).
    const paid = aliceBefore - await settlementOf(api, alice.address);
    assert.ok(paid >= 5_970n * ONE_USDC && paid < 5_971n * ONE_USDC, `Alice paid ${paid}`);
    const held = (await api.query.assets.account(SBTC, bob.address)).unwrap().balance.toBigInt();
    assert.equal(held, 2n * ONE_BTC / 10n, 'the redeemed tokens were burnt');
    assert.equal(await debtOf(api, alice.address), 2n * ONE_BTC / 10n);
    assert.equal(await assertSupplyIsDebt(api, 'after the redemption'), 2n * ONE_BTC / 10n);
  });

  it('BTC rises and the worker liquidates Alice\'s debt into the insurance fund', async () => {
    const blocks = [];
    const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      blocks.push({ events: await at.query.system.events() });
    });
    // Up in steps the jump breaker lets through: her 10 ETH no longer carry 0.2 BTC at 1.1
    // with the USDC she paid Bob.
    for (const price of [69_000, 79_000, 90_000, 100_000]) {
      await ok(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(price)]]), alice);
      await assertSupplyIsDebt(api, `BTC at ${price}`);
    }
    const landed = await waitFor('the synthetic debt liquidation', () => blocks.find((block) => block.events.some(
      ({ event }) => api.events.clearing.SyntheticDebtLiquidated.is(event),
    )), { timeoutMs: 30_000 });
    unsubscribe();
    const moved = landed.events.find(({ event }) => api.events.clearing.SyntheticDebtLiquidated.is(event)).event.data;
    assert.equal(moved.who.toString(), alice.address);
    assert.equal(moved.asset.toNumber(), SBTC);
    assert.equal(moved.collateralAsset.toNumber(), ETH, 'paid for with her ETH');
    assert.ok(moved.penalty.toBigInt() > 0n);
    const taken = moved.amount.toBigInt();
    assert.equal(await debtOf(api, fund), taken, 'the fund owes what it took over');
    assert.equal(await debtOf(api, alice.address), 2n * ONE_BTC / 10n - taken);
    const report = (await api.call.clearingApi.accountReport(alice.address)).asOk;
    assert.ok(report.health.toBigInt() > 0n, 'she is above maintenance again');
    await assertSupplyIsDebt(api, 'after the liquidation');
    // Bob redeems against the fund first: its debt is retired before Alice's.
    await ok(api, api.tx.clearing.redeemSynthetic(SBTC, taken, [alice.address, fund]), bob);
    assert.equal(await debtOf(api, fund), 0n);
    await assertSupplyIsDebt(api, 'after redeeming the fund\'s debt');
  });
});
