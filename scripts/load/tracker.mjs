// Submits pre-signed transactions at the rate the node takes them and watches every block:
// which transactions it included, what it weighed, what it filled and liquidated, and when
// it was seen and finalized (for submit-to-inclusion and submit-to-finality latency).
import { setTimeout as sleep } from 'node:timers/promises';

/** The `q`-quantile (0..1) of `values`, nearest rank; `null` when empty. */
export function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export class Tracker {
  constructor(api) {
    this.api = api;
    this.blocks = new Map(); // number -> block record
    this.finalizedAt = new Map(); // number -> ms
    this.lastFinalized = 0;
    this.submittedAt = new Map(); // extrinsic hash -> ms
    this.includedIn = new Map(); // extrinsic hash -> block number
    this.rejected = [];
    this.queue = Promise.resolve();
  }

  async start() {
    const { api } = this;
    this.unsubscribeNew = await api.rpc.chain.subscribeNewHeads((header) => {
      const seenAt = Date.now();
      // One block at a time, in the order they arrive.
      this.queue = this.queue.then(() => this.record(header, seenAt)).catch((error) => {
        console.error(`load: block #${header.number.toNumber()} not recorded: ${error.message}`);
      });
    });
    this.unsubscribeFinal = await api.rpc.chain.subscribeFinalizedHeads((header) => {
      const now = Date.now();
      const number = header.number.toNumber();
      for (let n = this.lastFinalized + 1; n <= number; n += 1) {
        if (!this.finalizedAt.has(n)) this.finalizedAt.set(n, now);
      }
      this.lastFinalized = Math.max(this.lastFinalized, number);
    });
  }

  stop() {
    this.unsubscribeNew?.();
    this.unsubscribeFinal?.();
  }

  async record(header, seenAt) {
    const { api } = this;
    const hash = header.hash;
    const [signedBlock, at] = await Promise.all([api.rpc.chain.getBlock(hash), api.at(hash)]);
    const [events, blockWeight] = await Promise.all([at.query.system.events(), at.query.system.blockWeight()]);
    const number = header.number.toNumber();
    const extrinsics = signedBlock.block.extrinsics;
    let signed = 0;
    for (const extrinsic of extrinsics) {
      const extrinsicHash = extrinsic.hash.toHex();
      if (extrinsic.isSigned) signed += 1;
      if (this.submittedAt.has(extrinsicHash) && !this.includedIn.has(extrinsicHash)) {
        this.includedIn.set(extrinsicHash, number);
      }
    }
    const weights = {}; // call -> actual weights (ref time, ps)
    const liquidated = [];
    let fills = 0;
    let orders = 0;
    let rejectedOrders = 0;
    let failed = 0;
    for (const { phase, event } of events) {
      if (api.events.orderbook.OrderFilled.is(event)) fills += 1;
      if (api.events.orderbook.OrderPlaced.is(event)) orders += 1;
      if (api.events.orderbook.OrderRejected.is(event)) rejectedOrders += 1;
      if (api.events.clearing.Liquidated.is(event)) liquidated.push(event.data.who.toString());
      if (api.events.system.ExtrinsicFailed.is(event)) failed += 1;
      if (api.events.system.ExtrinsicSuccess.is(event) && phase.isApplyExtrinsic) {
        const { method } = extrinsics[phase.asApplyExtrinsic.toNumber()];
        const call = `${method.section}.${method.method}`;
        (weights[call] ??= []).push(event.data.dispatchInfo.weight.refTime.toBigInt());
      }
    }
    const used = ['normal', 'operational', 'mandatory']
      .reduce((sum, kind) => sum + blockWeight[kind].refTime.toBigInt(), 0n);
    this.blocks.set(number, {
      number,
      seenAt,
      extrinsics: extrinsics.length,
      signed,
      failed,
      fills,
      orders,
      rejectedOrders,
      liquidated,
      weights,
      weightUsed: used,
      normalUsed: blockWeight.normal.refTime.toBigInt(),
      length: signedBlock.block.encodedLength,
    });
  }

  /** The newest block recorded. */
  best() {
    return Math.max(0, ...this.blocks.keys());
  }

  /**
   * Submits `txs` (signed), keeping at most `window` in flight and at most `backlog`
   * submitted but not yet included, and resolves with their hashes once all are submitted.
   */
  async submit(txs, { window = 64, backlog = 6_000 } = {}) {
    const hashes = [];
    let next = 0;
    const worker = async () => {
      for (;;) {
        while (this.pending() >= backlog) await sleep(100);
        if (next >= txs.length) return;
        const tx = txs[next];
        next += 1;
        const hash = tx.hash.toHex();
        this.submittedAt.set(hash, Date.now());
        hashes.push(hash);
        try {
          await this.api.rpc.author.submitExtrinsic(tx);
        } catch (error) {
          this.submittedAt.delete(hash);
          this.rejected.push(error.message);
        }
      }
    };
    await Promise.all(Array.from({ length: window }, worker));
    return hashes.filter((hash) => this.submittedAt.has(hash));
  }

  /** Transactions submitted and not yet seen in a block. */
  pending() {
    return this.submittedAt.size - this.includedIn.size;
  }

  /** Resolves once every one of `hashes` is in a block, or after `timeoutMs` (then returns false). */
  async included(hashes, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.queue;
      if (hashes.every((hash) => this.includedIn.has(hash))) return true;
      await sleep(250);
    }
    return false;
  }

  /** Resolves once block `number` is recorded and finalized. */
  async finalized(number, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.queue;
      if (this.blocks.has(number) && this.finalizedAt.has(number)) return true;
      await sleep(250);
    }
    return false;
  }

  /** Median and p99 submit-to-inclusion and submit-to-finality latency (ms) of `hashes`. */
  latency(hashes) {
    const inclusion = [];
    const finality = [];
    for (const hash of hashes) {
      const number = this.includedIn.get(hash);
      if (number === undefined) continue;
      const submitted = this.submittedAt.get(hash);
      inclusion.push(this.blocks.get(number).seenAt - submitted);
      if (this.finalizedAt.has(number)) finality.push(this.finalizedAt.get(number) - submitted);
    }
    return {
      count: inclusion.length,
      inclusion: { median: quantile(inclusion, 0.5), p99: quantile(inclusion, 0.99) },
      finality: { median: quantile(finality, 0.5), p99: quantile(finality, 0.99) },
    };
  }

  /** The blocks from `from` to `to` (inclusive) that were recorded. */
  range(from, to) {
    const out = [];
    for (let n = from; n <= to; n += 1) if (this.blocks.has(n)) out.push(this.blocks.get(n));
    return out;
  }
}

/** The accounts below maintenance at `blockHash`, as `clearingApi.liquidatableAccounts` pages them. */
export async function unsafeAt(api, blockHash) {
  const unsafe = new Set();
  const at = await api.at(blockHash);
  let cursor = null;
  do {
    const page = await at.call.clearingApi.liquidatableAccounts(cursor, 1_000);
    for (const entry of page.accounts) unsafe.add((entry.who ?? entry[0] ?? entry).toString());
    cursor = page.lastChecked.isSome ? page.lastChecked.unwrap() : null;
  } while (cursor !== null);
  return unsafe;
}

/**
 * Waits (at most `timeoutMs`) until every account of `unsafe` has a `Liquidated` event in a
 * block after `fedAt`; returns those liquidated and the block of the last.
 */
export async function awaitLiquidations(tracker, fedAt, unsafe, timeoutMs) {
  const waitUntil = Date.now() + timeoutMs;
  let lastLiquidation = fedAt;
  const liquidated = new Set();
  while (Date.now() < waitUntil) {
    await tracker.queue;
    for (const block of tracker.range(fedAt, tracker.best())) {
      for (const who of block.liquidated) {
        if (unsafe.has(who) && !liquidated.has(who)) {
          liquidated.add(who);
          lastLiquidation = Math.max(lastLiquidation, block.number);
        }
      }
    }
    if (liquidated.size === unsafe.size) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { liquidated, lastLiquidation };
}
