// Liquidation at scale: N accounts seeded in genesis, two oracle shocks, and how fast the
// chain liquidates everyone each shock puts below maintenance.
//
// Each of the N accounts is long 0.005 BTC-PERP at 60,000 (300 USD of notional) on a margin
// spread evenly from 14 to 60 USDC, so their liquidation prices spread from about 58,970 down
// to 49,480 (health 0 at `(300 - margin) / 0.00485`); the house (Dave) is short the total.
// After the start price is fed:
//   - shock 1 feeds the price that puts the thinnest 1% below maintenance;
//   - shock 2 feeds the price that puts the thinnest 10% below (the first 1% again among them,
//     partly closed by then).
// For each: the accounts the chain sees below maintenance right after the update
// (`clearingApi.liquidatableAccounts` at the update's block), the blocks from the update to
// the last of their liquidations, the most liquidations in one block, and what the worker
// logged after each block (scopes flagged and checked, accounts swept, liquidations
// submitted, milliseconds).
import { readFile } from 'node:fs/promises';
import { Keyring } from '@polkadot/keyring';
import { seededChainSpec, startLoadNode } from './chain.mjs';
import { awaitLiquidations, Tracker, unsafeAt } from './tracker.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_USDC, usd } from '../lib/units.mjs';

const SIZE = 500_000n; // 0.005 BTC in satoshi
const ENTRY = 60_000n;
const MARGIN_MIN = 14n * ONE_USDC;
const MARGIN_MAX = 60n * ONE_USDC;

/** The price (whole USD) at which the account holding `margin` reaches zero health. */
function liquidationPrice(margin) {
  // health(P) = margin - 300 + 0.005 P (1 - 3%) in USDC.
  return Number((300n * ONE_USDC - margin) * 1_000_000n / 4_850n / ONE_USDC);
}

/** The shock price that puts the thinnest `share` of `n` accounts below maintenance. */
function shockPrice(n, share, step) {
  const last = BigInt(Math.max(1, Math.floor(n * share))) - 1n;
  // One dollar under the last one's liquidation price, so that it is in and the next is not.
  return liquidationPrice(MARGIN_MIN + step * last) - 1;
}

/** Parses the worker's log lines: one per run that found something. */
function workerRuns(text) {
  const runs = [];
  const pattern = /liquidation scan: (\d+) flagged and (\d+) swept accounts checked, (\d+) cross and (\d+) isolated liquidations submitted in (\d+) ms/g;
  for (const [, flagged, swept, cross, isolated, ms] of text.matchAll(pattern)) {
    runs.push({ flagged: Number(flagged), swept: Number(swept), submitted: Number(cross) + Number(isolated), ms: Number(ms) });
  }
  return runs;
}

export async function seededScenario({ n, log }) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const dave = keyring.addFromUri('//Dave');
  const step = (MARGIN_MAX - MARGIN_MIN) / BigInt(Math.max(1, n - 1));
  const started = Date.now();
  const spec = await seededChainSpec({
    accounts: n,
    size: SIZE,
    entry: ENTRY,
    marginMin: MARGIN_MIN,
    marginStep: step,
    house: dave.address,
    houseMargin: 100_000_000n * ONE_USDC,
  });
  const node = await startLoadNode(spec);
  const { api } = node;
  const figures = { n, startSeconds: (Date.now() - started) / 1000, shocks: [] };
  log(`seeded ${n} accounts; the node answered after ${figures.startSeconds} s`);
  const tracker = new Tracker(api);
  try {
    await tracker.start();
    const start = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(ENTRY)]]), alice);
    if (start.error) throw new Error(`the start price: ${start.error}`);
    for (const [name, share] of [['shock 1 (1% of accounts)', 0.01], ['shock 2 (10% of accounts)', 0.1]]) {
      const price = shockPrice(n, share, step);
      const logBefore = (await readFile(node.logFile, 'utf8')).length;
      const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(price)]]), alice);
      if (feed.error) throw new Error(`${name}: ${feed.error}`);
      const fedAt = (await api.rpc.chain.getHeader(feed.blockHash)).number.toNumber();
      const unsafe = await unsafeAt(api, feed.blockHash);
      const { liquidated, lastLiquidation } = await awaitLiquidations(tracker, fedAt, unsafe, 300_000);
      const blocks = tracker.range(fedAt + 1, lastLiquidation);
      const runs = workerRuns((await readFile(node.logFile, 'utf8')).slice(logBefore));
      figures.shocks.push({
        name,
        price,
        unsafe: unsafe.size,
        liquidated: liquidated.size,
        fedAt,
        lastLiquidation,
        blocks: lastLiquidation - fedAt,
        inNextBlock: tracker.range(fedAt + 1, fedAt + 1).reduce((sum, b) => sum + b.liquidated.filter((who) => unsafe.has(who)).length, 0),
        mostPerBlock: Math.max(0, ...blocks.map((b) => b.liquidated.length)),
        normalWeightMs: Math.max(0, ...blocks.map((b) => Number(b.normalUsed / 1_000_000_000n))),
        worker: runs,
      });
      log(`${name} at ${price}: ${unsafe.size} unsafe, ${liquidated.size} liquidated by #${lastLiquidation} (fed in #${fedAt})`);
    }
    return figures;
  } finally {
    tracker.stop();
    await node.stop();
  }
}

/** The Markdown section of the seeded runs. */
export function renderSeeded(results) {
  const lines = [];
  lines.push('## Liquidation at scale (seeded accounts)');
  lines.push('');
  lines.push('Each run seeds N accounts in genesis, each long 0.005 BTC-PERP at 60,000 on 14 to 60 USDC (liquidation prices');
  lines.push('spread evenly from about 58,970 down to 49,480), then feeds the price that puts the thinnest 1%, then 10%, below');
  lines.push('maintenance. "Unsafe" is what `clearingApi.liquidatableAccounts` lists at the update\'s block; the worker columns');
  lines.push('are what it logged after the update\'s block (scopes the index flagged, accounts the sweep checked, liquidations');
  lines.push('submitted, its time).');
  lines.push('');
  lines.push('| N | shock | price | unsafe | liquidated in the next block | blocks to the last | most in one block | worker after the update: flagged / swept / submitted / ms |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const run of results) {
    for (const shock of run.shocks) {
      const first = shock.worker[0];
      const worker = first ? `${first.flagged} / ${first.swept} / ${first.submitted} / ${first.ms}` : '–';
      lines.push(`| ${run.n.toLocaleString('en')} | ${shock.name} | ${shock.price.toLocaleString('en')} | ${shock.unsafe} | ${shock.inNextBlock} | ${shock.blocks} | ${shock.mostPerBlock} | ${worker} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
