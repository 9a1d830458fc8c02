// The clearing desk (scripts/desk/) in headless Chromium against a real `clearing-node
// --dev`: the page follows new heads; Bob deposits and rests a sell order from the page and
// sees it in the depth chart; Alice buys from the page and sees her book under isolated,
// cross and portfolio margin with the numbers `clearingApi.marginReport` gives, and a
// what-if that matches `clearingApi.simulate`; a price drop liquidates her and the Risk
// view shows it; a risk change is built, previewed (as `previewRiskChange` says) and
// submitted from the Governance view, and Bob votes on it with conviction; Alice makes and
// signs a two-leg block-trade quote in the Block trades view and Bob, pasting it, executes
// it. Each view's screenshot goes to $DESK_SCREENSHOTS (default: a temporary folder, printed).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { buildDesk } from '../desk/build.mjs';
import { serveDesk } from '../desk/serve.mjs';
import { decimal, grouped, parseDecimal } from '../desk/src/units.js';
import { BTC_PERP, ETH_PERP, SBTC, USDC } from '../lib/chain-ids.mjs';
import { previewToJson, riskChangeType } from '../lib/risk-changes.mjs';
import { submit, submitAndFinalize } from '../lib/tx.mjs';
import { FIXED, ONE_BTC, ONE_CLR, ONE_ETH, ONE_USDC, usd } from '../lib/units.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { startDevChain, stopDevNode } from './lib/dev-node.mjs';

const SHOTS = process.env.DESK_SCREENSHOTS ?? path.join(os.tmpdir(), 'clearing-desk-screenshots');
const TX_TIMEOUT = 60_000;

describe('the clearing desk in a browser', () => {
  let node;
  let api;
  let alice;
  let bob;
  let server;
  let chromium;
  let page;
  const consoleErrors = [];

  /** Waits until `selector` matches and `predicate(element)` holds in the page. */
  const waitForElement = (selector, predicate = 'true', timeout = TX_TIMEOUT) => page.waitForFunction(
    (sel, body) => [...document.querySelectorAll(sel)].some((el) => new Function('el', `return (${body});`)(el)),
    { timeout, polling: 200 }, selector, predicate,
  );
  const rawOf = (selector) => page.$eval(selector, (el) => el.getAttribute('data-raw'));
  /**
   * The raw values of `selectors` as one render shows them, and the chain's state at the
   * block that render read (`at`): the page and the chain compared at the same block.
   */
  const snapshot = async (selectors) => {
    const { block, raws, texts } = await page.evaluate((list) => {
      const els = list.map((sel) => document.querySelector(sel));
      return {
        block: els[0]?.closest('[data-at]')?.dataset.at,
        raws: els.map((el) => el?.getAttribute('data-raw')),
        texts: els.map((el) => el?.textContent.trim()),
      };
    }, selectors);
    assert.ok(block, `${selectors[0]} shows the block it was read at`);
    const at = await api.at(await api.rpc.chain.getBlockHash(Number(block)));
    return { at, raws: raws.map((r) => (r ? BigInt(r) : null)), texts };
  };
  const textOf = (selector) => page.$eval(selector, (el) => el.textContent.trim());
  const go = async (hash) => {
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    await page.waitForSelector(`main[data-view="${hash.split('/')[1]}"]`);
  };
  const signAs = async (pair) => page.select('[data-testid="signer"]', pair.address);
  /** Clicks `button` and waits for the status line `status` to say the transaction is in a block. */
  const transact = async (button, status) => {
    await page.click(`[data-testid="${button}"]`);
    await waitForElement(`[data-testid="${status}"]`, 'el.dataset.state === "ok" || el.dataset.state === "error"');
    const [state, text] = await page.$eval(`[data-testid="${status}"]`, (el) => [el.dataset.state, el.textContent]);
    assert.equal(state, 'ok', text);
    return text;
  };
  const fill = async (selector, value) => {
    await page.$eval(selector, (el) => { el.value = ''; });
    await page.type(selector, value);
  };
  const shoot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    await mkdir(SHOTS, { recursive: true });
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)], [{ Price: 'ETH' }, usd(3_000)]]), alice);
    assert.equal(feed.error, null);
    // The bundle desk.sh serves: minified.
    await buildDesk({ minify: true });
    server = await serveDesk({ port: 0, ws: node.rpcUrl });
    chromium = await launchBrowser();
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterEach(async (t) => {
    // The page as each test left it, for a failure's post-mortem.
    const name = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    await page?.screenshot({ path: path.join(os.tmpdir(), `clearing-desk-after-${name}.png`), fullPage: true }).catch(() => {});
  });

  after(async () => {
    console.log(`desk screenshots: ${SHOTS}`);
    await chromium?.close();
    await server?.close();
    await stopDevNode(node);
  });

  it('loads over the node\'s WebSocket and follows new heads', async () => {
    await page.goto(`${server.url}#/markets`);
    await waitForElement('[data-testid="block-number"]', 'Number(el.dataset.block) > 0');
    const first = Number(await page.$eval('[data-testid="block-number"]', (el) => el.dataset.block));
    await waitForElement('[data-testid="block-number"]', `Number(el.dataset.block) >= ${first + 2}`, 20_000);
    assert.equal(await textOf('[data-testid="chain-name"]'), (await api.rpc.system.chain()).toString());
    // Every market the chain lists, with its index price as the oracle gave it.
    await waitForElement('[data-testid="markets-table"] tr[data-market="0"] .num', `el.dataset.raw === "${usd(60_000)}"`);
    const rows = await page.$$eval('[data-testid="markets-table"] tbody tr', (trs) => trs.map((tr) => tr.dataset.market));
    assert.deepEqual(rows, (await api.query.clearing.markets.keys()).map((k) => k.args[0].toString()).sort());
  });

  it('lets Bob deposit and rest a sell order from the page, and shows it in the depth chart', async () => {
    await signAs(bob);
    await go('#/account');
    await page.waitForSelector('[data-testid="transfers"]');
    await page.select('select[name="transfer-asset"]', String(USDC));
    await fill('input[name="transfer-amount"]', '100000');
    await transact('deposit', 'transfer-status');
    await waitForElement('[data-testid="collateral-balance-1"]', `el.dataset.raw === "${100_000n * ONE_USDC}"`);
    assert.equal(await textOf('[data-testid="collateral-balance-1"]'), '100,000.0000');
    // And takes 0.5 USDC back to the wallet.
    const wallet = (await api.query.assets.account(USDC, bob.address)).unwrap().balance.toBigInt();
    await fill('input[name="transfer-amount"]', '0.5');
    await transact('withdraw', 'transfer-status');
    await waitForElement('[data-testid="wallet-1"]', `el.dataset.raw === "${wallet + ONE_USDC / 2n}"`);
    assert.equal(await rawOf('[data-testid="collateral-balance-1"]'), String(100_000n * ONE_USDC - ONE_USDC / 2n));

    await page.select('select[name="order-market"]', String(BTC_PERP));
    await page.select('select[name="order-side"]', 'Sell');
    await fill('input[name="order-price"]', '60000');
    await fill('input[name="order-size"]', '1');
    await transact('place-order', 'order-status');
    await waitForElement('[data-testid="open-orders"] tr[data-order]');
    // A second order, cancelled from its row: it leaves the book.
    await fill('input[name="order-price"]', '61000');
    await transact('place-order', 'order-status');
    await waitForElement('[data-testid="open-orders"] tbody tr', 'el.parentElement.children.length === 2');
    const [second] = await page.$$eval('[data-testid="open-orders"] tbody tr', (trs) => trs.slice(1).map((tr) => tr.dataset.order));
    await page.click(`[data-testid="open-orders"] tr[data-order="${second}"] button`);
    await waitForElement('[data-testid="order-status"]', `el.dataset.state === "ok" && el.textContent.includes("cancel order ${second}")`);
    await waitForElement('[data-testid="open-orders"] tbody tr', 'el.parentElement.children.length === 1');
    assert.deepEqual((await api.call.orderbookApi.openOrders(bob.address)).map((o) => o.price.toBigInt()), [usd(60_000)]);

    await go('#/markets');
    await waitForElement('[data-testid="depth-chart"] circle[data-side="ask"]', `el.dataset.price === "${usd(60_000)}" && el.dataset.size === "${ONE_BTC}"`);
    const depth = await api.call.orderbookApi.depth(BTC_PERP, 12);
    assert.deepEqual(depth.asks.map((l) => l.price.toBigInt()), [usd(60_000)]);
    assert.equal(await page.$$eval('[data-testid="levels-ask"] tbody tr', (trs) => trs.length), 1);
    await shoot('markets-book');
  });

  it('lets Alice buy, and shows her book under the three margin modes as marginReport does', async () => {
    await signAs(alice);
    await go('#/account');
    await page.waitForSelector('[data-testid="transfers"]');
    await fill('input[name="transfer-amount"]', '5000');
    await transact('deposit', 'transfer-status');
    await page.select('select[name="order-side"]', 'Buy');
    await page.select('select[name="order-tif"]', 'ImmediateOrCancel');
    await fill('input[name="order-price"]', '60000');
    await fill('input[name="order-size"]', '1');
    await transact('place-order', 'order-status');
    await waitForElement('[data-testid="position-size-0"]', `el.dataset.raw === "${ONE_BTC}"`);

    // The page shows what the chain reports, to the unit, in every mode.
    await waitForElement('[data-testid="mode-initial-cross"]', `el.dataset.raw !== "0"`);
    const modes = ['isolated', 'cross', 'portfolio'];
    const shown = await snapshot([
      '[data-testid="equity-maintenance"]',
      ...modes.flatMap((m) => [`[data-testid="mode-initial-${m}"]`, `[data-testid="mode-maintenance-${m}"]`, `[data-testid="mode-efficiency-${m}"]`, `[data-testid="efficiency-bars"] [data-bar="${m}"]`]),
    ]);
    const report = (await shown.at.call.clearingApi.marginReport(alice.address)).asOk;
    modes.forEach((mode, i) => {
      const [initial, maintenance, efficiency, bar] = shown.raws.slice(1 + 4 * i, 5 + 4 * i);
      assert.equal(initial, report[mode].initialRequirement.toBigInt(), `${mode} initial`);
      assert.equal(maintenance, report[mode].maintenanceRequirement.toBigInt(), `${mode} maintenance`);
      assert.equal(efficiency, report[mode].capitalEfficiency.unwrap().toBigInt(), `${mode} efficiency`);
      assert.equal(bar, report[mode].capitalEfficiency.unwrap().toBigInt(), `${mode} bar`);
    });
    // By hand: 1 BTC at 60,000 under a 5% first tier locks 3,000 USDC, 20× the notional.
    assert.equal(report.cross.initialRequirement.toBigInt(), 3_000n * ONE_USDC);
    assert.equal(await textOf('[data-testid="mode-initial-cross"]'), '3,000.00');
    assert.equal(await textOf('[data-testid="mode-efficiency-cross"]'), '20.00×');
    assert.equal(await textOf('[data-testid="gross-notional"]'), '60,000.00 USDC');
    // Equity: 5,000 less the 0.05% taker fee (30 USDC).
    assert.equal(shown.raws[0], 4_970n * ONE_USDC);
    assert.equal(shown.raws[0], (await shown.at.call.clearingApi.accountReport(alice.address)).asOk.equityMaintenance.toBigInt());
    await shoot('account');

    // The what-if: selling half of it, as simulate says.
    await fill('input[name="whatif-size"]', '0.5');
    await page.select('[data-testid="what-if"] select:nth-of-type(1)', String(BTC_PERP)).catch(() => {});
    await page.evaluate(() => {
      const form = document.querySelector('[data-testid="what-if"] form');
      form.querySelectorAll('select')[1].value = 'Sell';
      form.querySelectorAll('select')[1].dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.click('[data-testid="what-if"] button[type="submit"]');
    await page.waitForSelector('[data-testid="what-if-result"]');
    const simulated = (await api.call.clearingApi.simulate(alice.address, [{ market: BTC_PERP, tradeSize: -(ONE_BTC / 2n), price: null }])).asOk;
    for (const mode of ['isolated', 'cross', 'portfolio']) {
      assert.equal(BigInt(await rawOf(`[data-testid="whatif-initial-${mode}"]`)), simulated[mode].initialRequirement.toBigInt(), `what-if ${mode}`);
    }
    assert.equal(simulated.cross.initialRequirement.toBigInt(), 1_500n * ONE_USDC);

    // A phone's width: the same view, one column.
    await page.setViewport({ width: 390, height: 844 });
    await page.waitForSelector('[data-testid="modes-table"]');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 400), 'nothing overflows the phone\'s width');
    await shoot('account-phone');
    await page.setViewport({ width: 1280, height: 800 });

    // The fill in the Markets view, with the size and price traded; the open interest too.
    await go('#/markets');
    await waitForElement('[data-testid="fills-table"] tbody tr');
    const fillRow = await page.$eval('[data-testid="fills-table"] tbody tr', (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));
    assert.deepEqual(fillRow.slice(1, 4), ['Buy', '60,000.00', '1.0000']);
    await waitForElement('[data-testid="oi-0"]', `el.dataset.raw === "${ONE_BTC}"`);
    await waitForElement('[data-testid="depth-empty"]');
    await shoot('markets');
  });

  it('shows the liquidation a price drop causes in the Risk view', async () => {
    await go('#/risk');
    await page.waitForSelector('[data-testid="price-guard"] [data-testid="guard-table"]');
    // 60,000 to 56,000: Alice's 4,970 of equity less 4,000 is below 3% of 56,000 (1,680).
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(56_000)]]), alice);
    assert.equal(feed.error, null);
    await waitForElement('[data-testid="guard-table"] tr[data-market="0"] .num', `el.dataset.raw === "${usd(56_000)}"`);
    assert.equal(await page.$eval('[data-testid="guard-table"] tr[data-market="0"]', (tr) => tr.dataset.state), 'fresh');
    await waitForElement('[data-testid="risk-events"] li[data-event="clearing.Liquidated"]', `el.dataset.who === "${alice.address}"`, 60_000);
    const [line, block] = await page.$eval(`[data-testid="risk-events"] li[data-event="clearing.Liquidated"][data-who="${alice.address}"]`, (li) => [li.textContent, li.dataset.block]);
    // The line's numbers are the event's, in human units.
    const at = await api.at(await api.rpc.chain.getBlockHash(Number(block)));
    const liquidated = (await at.query.system.events()).find(({ event }) => api.events.clearing.Liquidated.is(event) && event.data.who.toString() === alice.address).event.data;
    const size = decimal(liquidated.closedSize.toBigInt(), 8, 4);
    const price = decimal(liquidated.price.toBigInt(), 18, 2);
    const penalty = decimal(liquidated.penalty.toBigInt(), 6, 2);
    assert.equal(line, `#${grouped(Number(block))} Liquidated ${alice.address.slice(0, 6)}…${alice.address.slice(-4)}: BTC-PERP ${size} closed at ${price}, penalty ${penalty} USDC`);
    assert.ok(liquidated.closedSize.toBigInt() < 0n, 'a long is closed by selling');
    // The fund took the penalty: the page shows its balance as the chain reports it.
    await waitForElement('[data-testid="fund-balance"]', 'el.dataset.raw !== "0"');
    const fundShown = await snapshot(['[data-testid="fund-balance"]']);
    const fund = await fundShown.at.call.clearingApi.insuranceFund();
    assert.ok(fund.settlementBalance.toBigInt() >= liquidated.penalty.toBigInt(), 'the penalty went to the fund');
    assert.equal(fundShown.raws[0], fund.settlementBalance.toBigInt());
    assert.equal(fundShown.texts[0], `${decimal(fund.settlementBalance.toBigInt(), 6, 2)} USDC`);
    await shoot('risk');
  });

  it('builds, previews and submits a risk change from the Governance view, and takes a conviction vote', async () => {
    await go('#/governance');
    await page.waitForSelector('[data-testid="propose"]');
    await page.select('select[name="variant"]', 'MarketMarginTiers');
    await page.click('[data-testid="load-current"]');
    await waitForElement('textarea[name="change"]', 'el.value.length > 0');
    const current = JSON.parse(await page.$eval('textarea[name="change"]', (el) => el.value));
    assert.equal(current.market, BTC_PERP);
    assert.deepEqual(current.tiers.map((t) => t.maintenanceFraction), (await api.call.clearingApi.market(BTC_PERP)).unwrap().tiers.map((t) => t.maintenanceFraction.toNumber()));
    // Margin raised fivefold: 25% initial, 15% maintenance on the first tier.
    const proposed = { ...current, tiers: current.tiers.map((t) => ({ ...t, initialFraction: t.initialFraction * 5, maintenanceFraction: t.maintenanceFraction * 5 })) };
    await page.$eval('textarea[name="change"]', (el, text) => {
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, JSON.stringify(proposed));
    await page.click('[data-testid="preview-change"]');
    await page.waitForSelector('[data-testid="proposal-preview"] [data-testid="preview"]');

    const change = api.createType(riskChangeType(api), { MarketMarginTiers: proposed });
    const expected = previewToJson((await api.call.clearingApi.previewRiskChange(change)).asOk);
    const census = await textOf('[data-testid="proposal-preview"] [data-testid="below-maintenance"]');
    assert.equal(census, `${expected.before.accountsBelowMaintenance} → ${expected.after.accountsBelowMaintenance}`);
    const named = await page.$$eval('[data-testid="proposal-preview"] [data-newly-liquidatable]', (links) => links.map((a) => a.dataset.newlyLiquidatable));
    assert.deepEqual(named, expected.newlyBelowMaintenance);
    const changed = await page.$$eval('[data-testid="proposal-preview"] [data-testid="change-diff"] tr.changed', (trs) => trs.map((tr) => tr.dataset.field));
    assert.deepEqual(changed, ['tiers']);

    await signAs(alice);
    await page.click('[data-testid="submit-change"]');
    await waitForElement('[data-testid="propose-status"]', '/decision deposit .* in block|failed|:/.test(el.textContent) && el.dataset.state !== "pending"');
    assert.match(await textOf('[data-testid="propose-status"]'), /place the decision deposit of #0 as Alice: in block/);
    await waitForElement('article[data-referendum="0"] [data-testid="change-diff"] tr.changed');
    await waitForElement('article[data-referendum="0"] [data-testid="below-maintenance"]', `el.textContent.trim() === "${census}"`);

    await signAs(bob);
    await page.$eval('article[data-referendum="0"] select[name="conviction"]', (el) => {
      el.value = 'Locked3x';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.type('article[data-referendum="0"] input[name="vote-amount"]', '200000');
    await page.click('article[data-referendum="0"] [data-testid="vote"]');
    await waitForElement('article[data-referendum="0"] [data-testid="vote-status"]', 'el.dataset.state === "ok" || el.dataset.state === "error"');
    assert.equal(await page.$eval('article[data-referendum="0"] [data-testid="vote-status"]', (el) => el.dataset.state), 'ok');
    // Three times the 200,000 CLR in ayes, the 200,000 itself in support.
    await waitForElement('article[data-referendum="0"] [data-testid="ayes"]', `el.dataset.raw === "${600_000n * ONE_CLR}"`);
    const tally = (await api.query.referenda.referendumInfoFor(0)).unwrap().asOngoing.tally;
    assert.equal(tally.ayes.toBigInt(), 600_000n * ONE_CLR);
    assert.equal(BigInt(await rawOf('article[data-referendum="0"] [data-testid="support"]')), tally.support.toBigInt());
    assert.equal(await textOf('article[data-referendum="0"] [data-testid="approval"]'), '100.00%');
    await shoot('governance');
  });

  it('shows the money markets and the synthetics minted against the pool as the chain reports them', async () => {
    const minted = await submitAndFinalize(api, api.tx.clearing.mintSynthetic(SBTC, ONE_BTC / 100n), bob);
    assert.equal(minted.error, null);
    await go('#/pool');
    await waitForElement(`[data-testid="synthetics-table"] tr[data-asset="${SBTC}"] td .num`, `el.dataset.raw === "${ONE_BTC / 100n}"`);
    const report = (await api.call.clearingApi.synthetics()).find((r) => r.asset.toNumber() === SBTC);
    assert.equal(report.supply.toBigInt(), ONE_BTC / 100n);
    assert.equal(report.issuers.toNumber(), 1);
    const row = await page.$eval(`[data-testid="synthetics-table"] tr[data-asset="${SBTC}"]`, (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));
    assert.equal(row[0], '0.0100');
    assert.equal(row[4], '1');
    assert.match(row[8], new RegExp(bob.address.slice(0, 6)));
    // USDC's money market: what suppliers hold, as the chain says at the page's block.
    const usdc = `[data-testid="money-market-table"] tr[data-asset="${USDC}"] td .num`;
    await waitForElement(usdc);
    const poolShown = await snapshot([usdc]);
    const market = (await poolShown.at.call.clearingApi.moneyMarket()).find((m) => m.asset.toNumber() === USDC);
    assert.equal(poolShown.raws[0], market.supplied.toBigInt());
    assert.ok(market.supplied.toBigInt() >= 100_000n * ONE_USDC, 'Bob\'s deposit is supplied');
    await shoot('pool');
  });

  it('makes and signs a two-leg block trade as Alice, and executes it as Bob from the Block trades view', async () => {
    // Both perpetuals open to block trades (1 bp for the maker, 2.5 for the taker, 0.01 at
    // least), a pool Bob is in, fresh prices, and margin for Alice (the drop liquidated her):
    // one transaction.
    const terms = (minSize) => ({ makerFee: 100_000, takerFee: 250_000, minSize });
    const setup = await submit(api, api.tx.utility.batchAll([
      api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(56_000)], [{ Price: 'ETH' }, usd(3_000)]]),
      api.tx.clearing.deposit(USDC, 20_000n * ONE_USDC),
      api.tx.sudo.sudo(api.tx.utility.batchAll([
        api.tx.blockTrade.setTerms(BTC_PERP, terms(ONE_BTC / 100n)),
        api.tx.blockTrade.setTerms(ETH_PERP, terms(ONE_ETH / 100n)),
        api.tx.clearing.createPool({ Account: alice.address }, true),
        api.tx.clearing.addPoolMember(0, bob.address),
      ])),
    ]), alice);
    assert.equal(setup.error, null);
    const sudid = setup.events.find(({ event }) => api.events.sudo.Sudid.is(event));
    assert.ok(sudid.event.data.sudoResult.isOk, `sudo: ${sudid.event.data.sudoResult.toString()}`);
    const sizeOf = async (who, market) => {
      for (const [key, record] of await api.query.clearing.positions(who.address)) {
        // `size_`: @polkadot/types renames a `size` field (a struct is a Map, whose `size` counts its fields).
        if (key.toNumber() === market) return record.position.get('size_').toBigInt();
      }
      return 0n;
    };
    const sizes = async () => Promise.all([alice, bob].flatMap((who) => [BTC_PERP, ETH_PERP].map((m) => sizeOf(who, m))));

    // Alice quotes: she sells 0.1 BTC-PERP at its index and 1 ETH-PERP half a dollar above.
    await signAs(alice);
    await go('#/blocktrade');
    await waitForElement(`[data-testid="terms-table"] tr[data-market="${ETH_PERP}"]`);
    assert.equal(await rawOf(`[data-testid="terms-taker-fee-${BTC_PERP}"]`), '250000');
    assert.equal(await textOf(`[data-testid="terms-taker-fee-${BTC_PERP}"]`), '2.50 bp');
    assert.equal(await rawOf(`[data-testid="terms-min-size-${ETH_PERP}"]`), String(ONE_ETH / 100n));
    await waitForElement('input[name="leg-0-price"]', 'el.value !== ""');
    assert.equal(await page.$eval('select[name="leg-0-market"]', (el) => el.value), String(BTC_PERP));
    assert.equal(await page.$eval('input[name="leg-0-price"]', (el) => el.value), '56000', 'prefilled at the index');
    await fill('input[name="leg-0-size"]', '0.1');
    await page.click('[data-testid="add-leg"]');
    await waitForElement('input[name="leg-1-price"]', 'el.value !== ""');
    assert.equal(await page.$eval('select[name="leg-1-market"]', (el) => el.value), String(ETH_PERP));
    assert.equal(await page.$eval('input[name="leg-1-price"]', (el) => el.value), '3000');
    await page.select('select[name="leg-1-side"]', 'Sell');
    await fill('input[name="leg-1-size"]', '1');
    await fill('input[name="leg-1-price"]', '3000.5');
    await fill('input[name="quote-taker"]', bob.address);
    await waitForElement('select[name="quote-pool"] option[value="0"]');
    await page.select('select[name="quote-pool"]', '0');
    assert.equal(await page.$$eval('.leg-warning', (els) => els.length), 0, 'no leg the chain would refuse');
    await page.click('[data-testid="sign-quote"]');
    await waitForElement('[data-testid="sign-status"]', 'el.dataset.state === "ok" || el.dataset.state === "error"');
    assert.equal(await page.$eval('[data-testid="sign-status"]', (el) => el.dataset.state), 'ok', await textOf('[data-testid="sign-status"]'));
    const signed = JSON.parse(await page.$eval('[data-testid="signed-quote"]', (el) => el.value));
    assert.deepEqual({ ...signed.quote, expiresAt: undefined, nonce: undefined }, {
      maker: alice.address,
      taker: bob.address,
      takerPool: 0,
      legs: [
        { market: BTC_PERP, side: 'Sell', size: String(ONE_BTC / 10n), price: String(usd(56_000)) },
        { market: ETH_PERP, side: 'Sell', size: String(ONE_ETH), price: String(usd(3_000) + FIXED / 2n) },
      ],
      expiresAt: undefined,
      nonce: undefined,
    });
    assert.ok(/^0x[0-9a-f]{128}$/.test(signed.signature.Sr25519), 'an sr25519 signature');
    const { nonce } = signed.quote;

    // Bob pastes it: the legs from his side, the nonce open; he executes it.
    const before = await sizes();
    await signAs(bob);
    await page.$eval('textarea[name="quote-json"]', (el, text) => {
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, JSON.stringify(signed, null, 2));
    await waitForElement('[data-testid="nonce-status"]', 'el.dataset.status === "Open"');
    const legs = await page.$$eval('[data-testid="take-legs"] tbody tr', (trs) => trs.map((tr) => [tr.dataset.market, tr.dataset.takerSide]));
    assert.deepEqual(legs, [[String(BTC_PERP), 'Buy'], [String(ETH_PERP), 'Buy']]);
    assert.equal(await textOf('[data-testid="signature-check"]'), 'signature valid');
    assert.ok(Number(await page.$eval('[data-testid="quote-expiry"]', (el) => el.dataset.left)) > 90, 'valid for 100 blocks');
    await transact('execute-quote', 'execute-status');
    await waitForElement('[data-testid="executed-trade"] li', 'el.parentElement.children.length === 2');
    const after = await sizes();
    assert.deepEqual(after.map((size, i) => size - before[i]), [-ONE_BTC / 10n, -ONE_ETH, ONE_BTC / 10n, ONE_ETH]);
    assert.equal((await api.call.blockTradeApi.nonceStatus(alice.address, nonce)).type, 'Used');
    await waitForElement('[data-testid="nonce-status"]', 'el.dataset.status === "Used"');
    // The trade in the recent block trades, with both sides' fees as the chain charged them.
    const row = `[data-testid="block-trades-table"] tr[data-nonce="${nonce}"]`;
    await waitForElement(row);
    assert.deepEqual(await page.$eval(row, (tr) => [tr.dataset.maker, tr.dataset.taker]), [alice.address, bob.address]);
    assert.deepEqual(await page.$$eval(`${row} td:nth-child(5) div`, (divs) => divs.map((d) => d.textContent.trim())),
      ['BTC-PERP buy 0.1000 at 56,000.00', 'ETH-PERP buy 1.000 at 3,000.50']);
    const at = await api.at(await api.rpc.chain.getBlockHash(Number(await page.$eval(row, (tr) => tr.dataset.block))));
    const done = (await at.query.system.events()).find(({ event }) => api.events.blockTrade.QuoteExecuted.is(event)).event.data;
    const fees = await page.$$eval(`${row} td .num`, (els) => els.slice(-2).map((el) => el.dataset.raw));
    assert.deepEqual(fees, [done.makerFees.toString(), done.takerFees.toString()]);
    // 1 bp of 5,600 and 3,000.50 for Alice, 2.5 bp for Bob.
    assert.deepEqual(fees, [String(560_000n + 300_050n), String(1_400_000n + 750_125n)]);
    await waitForElement('[data-testid="pools-table"] tr[data-pool="0"]', 'el.dataset.members === "1"');

    // Alice cancels every quote below the one Bob took.
    await signAs(alice);
    await fill('input[name="cancel-below"]', nonce);
    await transact('cancel-quotes', 'cancel-status');
    await waitForElement('[data-testid="nonce-floor"]', `el.dataset.raw === "${nonce}"`);
    await waitForElement('[data-testid="blocktrade-events"] li[data-event="blockTrade.QuotesCancelled"]');
    await shoot('blocktrade');
    await page.setViewport({ width: 390, height: 844 });
    await page.waitForSelector('[data-testid="take-legs"]');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 400), 'nothing overflows the phone\'s width');
    await shoot('blocktrade-phone');
    await page.setViewport({ width: 1280, height: 800 });
  });

  it('is driven by the keyboard, and logged no error', async () => {
    await page.focus('[data-testid="tab-markets"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-view="markets"]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tab-account');
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-view="account"]');
    assert.deepEqual(consoleErrors, []);
  });
});

describe('the desk\'s number formatting', () => {
  it('rounds half away from zero, groups thousands and keeps the sign', () => {
    assert.equal(decimal(1_234_567n, 3, 2), '1,234.57');
    assert.equal(decimal(1_234_565n, 3, 2), '1,234.57');
    assert.equal(decimal(-1_234_565n, 3, 2), '-1,234.57');
    assert.equal(decimal(-4n, 3, 2), '0.00', 'a negative that rounds to nothing shows no sign');
    assert.equal(decimal(60_000n * 10n ** 18n, 18, 2), '60,000.00');
    assert.equal(decimal(123n, 0, 2), '123');
    assert.equal(decimal(5n, 6, 6), '0.000005');
  });

  it('reads back what it writes, at every scale', () => {
    let seed = 12345n;
    for (let i = 0; i < 2_000; i += 1) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
      const decimals = Number(seed % 19n);
      const value = (seed % 2n === 0n ? 1n : -1n) * (seed >> 3n);
      assert.equal(parseDecimal(decimal(value, decimals, decimals), decimals), value);
    }
    assert.equal(parseDecimal('0.25', 8), 25_000_000n);
    assert.equal(parseDecimal('1,000', 6), 1_000_000_000n);
    assert.throws(() => parseDecimal('0.0000001', 6), /more than 6 decimals/);
    assert.throws(() => parseDecimal('abc', 6), /not a number/);
    assert.throws(() => parseDecimal('', 6), /not a number/);
  });
});
