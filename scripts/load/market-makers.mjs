// The market-maker scenario (issue 19): quoters keep two-sided ladders in BTC-PERP and move
// them with one `replaceOrders` each every block, while takers sweep them with
// immediate-or-cancel orders that each fill as many quotes as one order may.
//
//   node scripts/load/run.mjs --scenario market-makers --quoters 50 --duration 30
//
// Each quoter rests `levels` one-lot quotes a side, one per price level from one tick off
// 60,000 outward, every quoter at the same prices (a level holds 50 orders, so 50 quoters
// fill each one; more quoters form groups of 50 on interleaved ticks), under client order
// ids 0..2 x levels - 1. The ladders rest before the takers start. Every block, each quoter whose
// last call is in sends one `replaceOrders`. With `requote: 'all'` it cancels its whole
// ladder by client id (the quotes already filled are reported `OrderNotFound`) and places it
// again; with `requote: 'taken'` it reads its book (`orderbook.accountOrders`, one query for
// all quoters a block) and places again only the quotes that were filled, cancelling
// nothing, as a quoter refilling its ladder does (it sends nothing while its ladder is
// whole). Takers, half
// buying and half selling, send orders of `fills` lots through the whole ladder: each fills
// up to that many quotes. Every account has at most one transaction in flight, so what the
// chain includes is what it can carry, not a queue the harness built.
import { setTimeout as sleep } from 'node:timers/promises';
import { fundedChainSpec, loadAccounts, startLoadNode } from './chain.mjs';
import { Tracker } from './tracker.mjs';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { FIXED, ONE_BTC, ONE_USDC, usd } from '../lib/units.mjs';

const TICK = FIXED / 10n; // 0.1 USD
const START = 60_000n;
const LOT = ONE_BTC / 10_000n; // BTC-PERP's lot and minimum size
const DEPOSIT = 100_000n; // USDC each

/** Runs the scenario and returns its figures (see `renderMarketMakers`). */
export async function marketMakers({ quoters, takers, levels, fills, requote = 'all', durationS, log, alice }) {
  const started = Date.now();
  const accounts = loadAccounts(quoters + takers);
  const spec = await fundedChainSpec(accounts.map((pair) => [pair.address, DEPOSIT + 1_000n]));
  const node = await startLoadNode(spec);
  const { api } = node;
  const tracker = new Tracker(api);
  const nonces = new Map(accounts.map((pair) => [pair.address, 0]));
  const inFlight = new Map(); // address -> extrinsic hash
  const sign = (tx, pair) => {
    const nonce = nonces.get(pair.address);
    nonces.set(pair.address, nonce + 1);
    return tx.signAsync(pair, { nonce, era: 0 });
  };
  const figures = { quoters, takers, levels, fills, requote, blocks: [] };
  try {
    await tracker.start();
    const limits = api.consts.system.blockWeights;
    figures.limits = {
      normal: limits.perClass.normal.maxTotal.unwrap().refTime.toBigInt(),
      maxFillsPerOrder: api.consts.orderbook.maxFillsPerOrder.toNumber(),
      maxOrdersPerCall: api.consts.orderbook.maxOrdersPerCall.toNumber(),
    };
    await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(START)]]), alice);
    const deposits = [];
    for (const pair of accounts) deposits.push(await sign(api.tx.clearing.deposit(USDC, DEPOSIT * ONE_USDC), pair));
    const depositHashes = await tracker.submit(deposits);
    if (!(await tracker.included(depositHashes, 300_000))) throw new Error('the deposits were not all included');
    log(`market makers: ${quoters} quoters x ${2 * levels} quotes, ${takers} takers of ${fills} lots`);

    // A level holds `perLevel` orders: quoters beyond that many form groups whose ladders
    // interleave (group g quotes ticks g + 1, g + 1 + groups, ...), so every level fills.
    const perLevel = api.consts.orderbook.maxOrdersPerLevel.toNumber();
    const groups = Math.ceil(quoters / perLevel);
    const ladderOf = (group) => {
      const ladder = [];
      for (let k = 0; k < levels; k += 1) {
        const offset = BigInt(k * groups + group + 1) * TICK;
        for (const [side, price, id] of [['Sell', usd(START) + offset, 2 * k], ['Buy', usd(START) - offset, 2 * k + 1]]) {
          ladder.push({ side, price, size: LOT, timeInForce: 'PostOnly', reduceOnly: false, clientOrderId: id });
        }
      }
      return ladder;
    };
    const ladders = Array.from({ length: groups }, (_, group) => ladderOf(group));
    figures.groups = groups;
    const everyQuote = ladders[0].map((quote) => ({ Client: quote.clientOrderId }));
    const quoterPairs = accounts.slice(0, quoters);
    const takerPairs = accounts.slice(quoters);
    // Through the whole ladder: buys above the highest ask, sells below the lowest bid.
    const reach = BigInt(levels * groups + 1) * TICK;

    // The ladders rest before the takers come, so the first sweep meets every quote.
    const opening = [];
    for (const [index, pair] of quoterPairs.entries()) {
      opening.push(await sign(api.tx.orderbook.replaceOrders(BTC_PERP, [], ladders[Math.floor(index / perLevel)]), pair));
    }
    const openingHashes = await tracker.submit(opening, { window: 32 });
    if (!(await tracker.included(openingHashes, 120_000))) throw new Error('the ladders were not all placed');

    const from = tracker.best() + 1;
    const deadline = Date.now() + durationS * 1000;
    const hashes = { quotes: [], takes: [] };
    let round = 1;
    while (Date.now() < deadline) {
      const best = tracker.best();
      // Whose last transaction is in: they may send the next.
      for (const [address, hash] of inFlight) if (tracker.includedIn.has(hash)) inFlight.delete(address);
      const batch = [];
      // What each quoter still rests, by client order id (read only when refilling).
      const books = requote === 'taken' ? await api.query.orderbook.accountOrders.multi(quoterPairs.map((pair) => pair.address)) : null;
      for (const [index, pair] of quoterPairs.entries()) {
        if (inFlight.has(pair.address)) continue;
        const ladder = ladders[Math.floor(index / perLevel)];
        let tx;
        if (books) {
          const resting = new Set(books[index].orders.map((entry) => (entry.clientOrderId.isSome ? entry.clientOrderId.unwrap().toNumber() : -1)));
          const missing = ladder.filter((quote) => !resting.has(quote.clientOrderId));
          if (missing.length === 0) continue;
          tx = api.tx.orderbook.replaceOrders(BTC_PERP, [], missing);
        } else {
          tx = api.tx.orderbook.replaceOrders(BTC_PERP, everyQuote, ladder);
        }
        batch.push(['quotes', pair, await sign(tx, pair)]);
      }
      takerPairs.forEach((pair, k) => {
        if (inFlight.has(pair.address)) return;
        const buy = (k + round) % 2 === 0;
        const price = buy ? usd(START) + reach : usd(START) - reach;
        const tx = api.tx.orderbook.placeOrder(BTC_PERP, buy ? 'Buy' : 'Sell', price, BigInt(fills) * LOT, 'ImmediateOrCancel', false);
        batch.push(['takes', pair, tx]);
      });
      const signed = [];
      for (const [kind, pair, tx] of batch) {
        const ready = kind === 'quotes' ? tx : await sign(tx, pair);
        signed.push([kind, pair, ready]);
      }
      // Quotes first, so that a block holds the ladders its takers sweep.
      const submitted = await tracker.submit(signed.map(([, , tx]) => tx), { window: 32 });
      const sent = new Set(submitted);
      for (const [kind, pair, tx] of signed) {
        const hash = tx.hash.toHex();
        if (!sent.has(hash)) continue;
        inFlight.set(pair.address, hash);
        hashes[kind].push(hash);
      }
      round += 1;
      // Next round once a new block is in.
      while (tracker.best() === best && Date.now() < deadline) await sleep(100);
    }
    const all = [...hashes.quotes, ...hashes.takes];
    await tracker.included(all, 120_000);
    const to = Math.max(from, ...all.map((h) => tracker.includedIn.get(h) ?? 0));
    await tracker.queue;
    figures.from = from;
    figures.to = to;
    figures.rounds = round;
    figures.blocks = tracker.range(from, to);
    figures.latency = { quotes: tracker.latency(hashes.quotes), takes: tracker.latency(hashes.takes) };
    figures.sent = { quotes: hashes.quotes.length, takes: hashes.takes.length };
    figures.included = {
      quotes: hashes.quotes.filter((h) => tracker.includedIn.has(h)).length,
      takes: hashes.takes.filter((h) => tracker.includedIn.has(h)).length,
    };
    figures.rejected = tracker.rejected.length;
    figures.seconds = (Date.now() - started) / 1000;
    return figures;
  } finally {
    tracker.stop();
    await node.stop();
    const text = await import('node:fs/promises').then((fs) => fs.readFile(node.logFile, 'utf8')).catch(() => '');
    figures.proposalEnds = {};
    for (const [, reason] of text.matchAll(/end: (\w+)/g)) {
      figures.proposalEnds[reason] = (figures.proposalEnds[reason] ?? 0) + 1;
    }
  }
}

const group = (value) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const seconds = (value) => (value === null || value === undefined ? '–' : `${(value / 1000).toFixed(1)} s`);
const percent = (part, whole) => `${(Number((part * 10_000n) / whole) / 100).toFixed(1)}%`;

/** The Markdown section of docs/performance.md for the market-maker scenario. */
export function renderMarketMakers(figures) {
  const lines = [];
  const out = (line = '') => lines.push(line);
  const { blocks, limits } = figures;
  // The blocks in which the harness kept both quoters and takers busy.
  const busy = blocks.filter((b) => b.fills > 0);
  const most = busy.reduce((a, b) => (b.fills > (a?.fills ?? -1) ? b : a), null);
  const mean = (pick) => (busy.length === 0 ? 0 : Math.round(busy.reduce((sum, b) => sum + pick(b), 0) / busy.length));
  const normalShare = (b) => Number((b.normalUsed * 10_000n) / limits.normal) / 100;
  out(`## Market makers: bulk quotes and sweeps (${figures.requote === 'taken' ? 'refilling what was taken' : 'replacing whole ladders'})`);
  out();
  const how = figures.requote === 'taken'
    ? 'refill the quotes taken with one `replaceOrders` a block (cancelling nothing)'
    : 'move them with one `replaceOrders` a block (the whole ladder cancelled and placed again)';
  const where = (figures.groups ?? 1) > 1
    ? `in ${figures.groups} groups of at most 50 quoters on interleaved ticks, a level's 50 orders from one group`
    : 'every quoter at the same prices';
  out(`${figures.quoters} quoters each keep ${2 * figures.levels} one-lot quotes (${figures.levels} levels a side, ${where})`);
  out(`and ${how}; ${figures.takers} takers send immediate-or-cancel`);
  out(`orders of ${figures.fills} lots through the ladder (so each fills up to ${Math.min(figures.fills, limits.maxFillsPerOrder)} quotes). Every account keeps at most one`);
  out('transaction in flight. The scenario is in the header of `scripts/load/market-makers.mjs`.');
  out();
  out('| | blocks with fills | most fills in a block | fills per block (mean) | orders placed per block (mean) | signed transactions per block (mean) | normal class used (busiest block / mean) | to inclusion, quotes (median / p99) | to inclusion, takers (median / p99) |');
  out('| --- | --: | --: | --: | --: | --: | --: | --: | --: |');
  out(`| ${figures.quoters} quoters, ${figures.takers} takers | ${busy.length} | ${group(most?.fills ?? 0)} | ${group(mean((b) => b.fills))} | ${group(mean((b) => b.orders))} | ${group(mean((b) => b.signed))} | ${most ? percent(most.normalUsed, limits.normal) : '–'} / ${mean(normalShare)}% | ${seconds(figures.latency.quotes.inclusion.median)} / ${seconds(figures.latency.quotes.inclusion.p99)} | ${seconds(figures.latency.takes.inclusion.median)} / ${seconds(figures.latency.takes.inclusion.p99)} |`);
  out();
  out('Block by block (fills, orders placed, orders refused inside a bulk call, signed transactions, share of the normal class used):');
  out();
  out('| block | fills | orders placed | orders refused | signed transactions | normal class used |');
  out('| --: | --: | --: | --: | --: | --: |');
  for (const b of blocks) {
    out(`| #${b.number} | ${group(b.fills)} | ${group(b.orders)} | ${group(b.rejectedOrders ?? 0)} | ${b.signed} | ${percent(b.normalUsed, limits.normal)} |`);
  }
  out();
  const ends = Object.entries(figures.proposalEnds ?? {}).map(([reason, count]) => `${reason} ${count}`).join(', ');
  out(`Why the block author stopped filling each block (node log): ${ends || 'not logged'}. The run took ${figures.seconds.toFixed(0)} s;`);
  out(`${group(figures.included.quotes)}/${group(figures.sent.quotes)} quote replacements and ${group(figures.included.takes)}/${group(figures.sent.takes)} taker orders were included, ${figures.rejected} submissions refused by the pool.`);
  return lines;
}
