#!/usr/bin/env node
// The desk under a large chain: N accounts seeded in genesis (each long 0.005 BTC-PERP, the
// house short the total, as the liquidation-at-scale size of the load harness) and a risk
// referendum open, so that the Risk view's paged scan and the Governance view's preview
// cover every account. For each view, over `--heads` new heads, it measures in headless
// Chromium: how far the view's figures trail the head (blocks), the time from a head to the
// view's refresh, and the main thread's long tasks (over 50 ms) in that time.
//
//   node load/desk.mjs [--accounts 5000] [--heads 10]
//
// A measurement, not a test: it prints a Markdown table and stops its node.
import { parseArgs } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { buildDesk } from '../desk/build.mjs';
import { serveDesk } from '../desk/serve.mjs';
import { launchBrowser } from '../e2e/lib/browser.mjs';
import { setterCall } from '../lib/risk-changes.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_USDC, usd } from '../lib/units.mjs';
import { seededChainSpec, startLoadNode } from './chain.mjs';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '5000' }, heads: { type: 'string', default: '10' } } });
const accounts = Number(values.accounts);
const heads = Number(values.heads);

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const dave = keyring.addFromUri('//Dave');
const spec = await seededChainSpec({
  accounts,
  size: 500_000n,
  entry: 60_000n,
  marginMin: 14n * ONE_USDC,
  marginStep: ((60n - 14n) * ONE_USDC) / BigInt(Math.max(1, accounts - 1)),
  house: dave.address,
  houseMargin: 10_000_000n * ONE_USDC,
});
const node = await startLoadNode(spec);
const { api } = node;
let browser;
let server;
try {
  const ok = (r) => { if (r.error) throw new Error(r.error); };
  ok(await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice));
  // A referendum raising BTC-PERP's maintenance: its preview scans every account.
  const market = (await api.call.clearingApi.market(0)).unwrap();
  const tiers = market.tiers.map((t) => ({ notionalFloor: t.notionalFloor, initialFraction: t.initialFraction.toNumber() * 2, maintenanceFraction: t.maintenanceFraction.toNumber() * 2 }));
  const changeType = api.call.clearingApi.previewRiskChange.meta.params[0].type.toString();
  const call = setterCall(api, api.createType(changeType, { MarketMarginTiers: { market: 0, tiers } }));
  const encoded = call.method.toU8a();
  ok(await submitAndFinalize(api, api.tx.preimage.notePreimage(call.method.toHex()), alice));
  ok(await submitAndFinalize(api, api.tx.referenda.submit({ Origins: 'RiskParameters' }, { Lookup: { hash: blake2AsHex(encoded), len: encoded.length } }, { After: 0 }), alice));
  ok(await submitAndFinalize(api, api.tx.referenda.placeDecisionDeposit(0), alice));

  const previewStarted = Date.now();
  const preview = await api.call.clearingApi.previewRiskChange(api.createType(changeType, { MarketMarginTiers: { market: 0, tiers } }));
  const previewMs = Date.now() - previewStarted;
  console.log(`previewRiskChange from Node.js: ${previewMs} ms (${preview.isOk ? `${preview.asOk.accountsChecked.toNumber()} accounts checked` : preview.asErr.toString()})`);
  const pageStarted = Date.now();
  const page50 = await api.call.clearingApi.liquidatableAccounts(null, 50);
  console.log(`liquidatableAccounts(50) from Node.js: ${Date.now() - pageStarted} ms (${page50.accounts.length} listed)`);

  await buildDesk({ minify: true });
  server = await serveDesk({ port: 0, ws: node.rpcUrl });
  browser = await launchBrowser();
  const page = await browser.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.evaluateOnNewDocument(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${server.url}#/markets`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="block-number"]')?.dataset.block) > 0, { timeout: 120_000 });

  // Governance first: an unvoted referendum is rejected when its decision period (40 blocks on
  // the dev chain) ends.
  const views = [
    ['Governance (preview of every account)', '#/governance', 'article[data-referendum="0"]'],
    ['Markets', '#/markets', '[data-testid="markets-table"]'],
    ['Account (the house)', `#/account/${dave.address}`, '[data-testid="modes-table"]'],
    ['Pool', '#/pool', '[data-testid="money-market-table"]'],
    ['Risk (50 accounts a page)', '#/risk', '[data-testid="liquidatable"] .loaded'],
  ];
  const rows = [];
  for (const [name, hash, selector] of views) {
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    const opened = Date.now();
    await page.waitForSelector(selector, { timeout: 120_000 }).catch(async (error) => {
      console.log(`${name}: ${await page.$eval('main', (m) => m.innerText.slice(0, 400))}`);
      throw error;
    });
    const firstMs = Date.now() - opened;
    await page.evaluate(() => { window.longTasks = []; });
    const lags = [];
    const refreshMs = [];
    for (let i = 0; i < heads; i += 1) {
      const { head, at, ms } = await page.evaluate(async (sel) => {
        const block = () => Number(document.querySelector('[data-testid="block-number"]').dataset.block);
        const atOf = () => Number(document.querySelector(sel)?.closest('[data-at]')?.dataset.at ?? document.querySelector('[data-at]')?.dataset.at ?? 0);
        const start = block();
        while (block() === start) await new Promise((r) => { setTimeout(r, 20); });
        const t0 = performance.now();
        const target = block();
        while (atOf() < target && performance.now() - t0 < 30_000) await new Promise((r) => { setTimeout(r, 20); });
        return { head: target, at: atOf(), ms: performance.now() - t0 };
      }, selector);
      lags.push(head - at);
      refreshMs.push(ms);
    }
    const longTasks = await page.evaluate(() => window.longTasks);
    const sorted = [...refreshMs].sort((a, b) => a - b);
    rows.push({
      name,
      firstMs,
      medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
      maxMs: Math.round(sorted.at(-1)),
      lag: Math.max(...lags),
      longTasks: longTasks.length,
      longestTask: Math.round(Math.max(0, ...longTasks)),
    });
  }
  const memory = await page.metrics();
  console.log(`\nThe desk at ${accounts.toLocaleString('en-US')} seeded accounts, ${heads} heads per view (3 s blocks):\n`);
  console.log('| view | first figures (ms) | head to refresh, median / max (ms) | most blocks behind | long tasks (> 50 ms) | longest (ms) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.name} | ${r.firstMs} | ${r.medianMs} / ${r.maxMs} | ${r.lag} | ${r.longTasks} | ${r.longestTask} |`);
  console.log(`\nJS heap in use at the end: ${(memory.JSHeapUsedSize / 2 ** 20).toFixed(1)} MiB`);
} finally {
  await browser?.close();
  await server?.close();
  await node.stop();
}
