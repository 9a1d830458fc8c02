// Adaptive margin on a dev node. Root turns it on for BTC-PERP with a fast volatility model;
// Alice holds 1 BTC long on thin collateral. The price feeder plays a calm walk, then a
// violent one, then calm again. Block by block, `ClearingApi::adaptive_margin` shows the
// volatility estimate and the initial fraction rising by at most the ramp step a block, and
// falling back at once when calm returns; before the ramp ends,
// `ClearingApi::adaptive_margin_warnings` names Alice, who meets her requirement now but
// would not at the ramp's target.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { FIXED, ONE_BTC, ONE_USDC, PERBILL, percent, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode } from './lib/dev-node.mjs';

const RAMP_STEP = percent(1);
const FLOOR_INITIAL = percent(3);

describe('adaptive margin on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;
  const blocks = [];
  let unsubscribe;

  const send = async (tx, who) => {
    const { error } = await submitAndFinalize(api, tx, who);
    assert.equal(error, null, `${tx.method.section}.${tx.method.method}`);
  };
  const sudo = (call) => send(api.tx.sudo.sudo(call), alice);
  const feeder = (walk, vol, count) => promisify(execFile)(process.execPath, [
    path.resolve(import.meta.dirname, '../feed-prices.mjs'),
    '--ws', node.rpcUrl, '--walk', walk, '--vol', String(vol), '--count', String(count), '--interval', '3', '--seed', '7',
  ], { timeout: 180_000 });
  const lastPrice = (stdout) => [...stdout.matchAll(/BTC[= ]+([\d.]+)/g)].at(-1)?.[1];

  before(async () => {
    ({ node, api, alice, bob } = await startDevChain());
    await send(api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    // A model that learns within seconds (half the weight every 10 s), 20% before the first
    // return, a ramp of 1% a block, and adaptive margin on BTC-PERP: three standard
    // deviations of an hour's move initially, two for maintenance, floors 3% / 2%.
    await sudo(api.tx.clearing.setVolatilityModel({
      params: { lambda: percent(50), intervalMs: 10_000, maxGapMs: 10_000 },
      seedVolatility: percent(20),
    }));
    await sudo(api.tx.clearing.setMarginRampStep(RAMP_STEP));
    await sudo(api.tx.clearing.setMarketAdaptiveMargin(BTC_PERP, {
      kInitial: 3n * FIXED,
      kMaintenance: 2n * FIXED,
      horizonMs: 3_600_000,
      floorInitial: FLOOR_INITIAL,
      capInitial: percent(50),
      floorMaintenance: percent(2),
      capMaintenance: percent(30),
      openInterestLower: 1_000n * ONE_BTC,
      openInterestUpper: 10_000n * ONE_BTC,
      openInterestAdd: percent(5),
    }));
    // Alice: 1 BTC long on 4,000 USDC, above the 2% floor's 1,200 but below what a violent
    // market's maintenance asks.
    for (const [who, amount] of [[alice, 4_000n], [bob, 100_000n]]) {
      await send(api.tx.clearing.deposit(USDC, amount * ONE_USDC), who);
    }
    await send(api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC, 'GoodTilCancelled', false), bob);
    await send(api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC, 'ImmediateOrCancel', false), alice);

    unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      const margin = (await at.call.clearingApi.adaptiveMargin(BTC_PERP)).unwrap();
      const warnings = await at.call.clearingApi.adaptiveMarginWarnings();
      const health = (await at.call.clearingApi.accountReport(alice.address)).asOk.health.toBigInt();
      blocks.push({
        number: header.number.toNumber(),
        volatility: Number(margin.volatility.toBigInt()) / 1e18,
        samples: margin.samples.toNumber(),
        effective: margin.effectiveInitial.toNumber(),
        effectiveMaintenance: margin.effectiveMaintenance.toNumber(),
        target: margin.targetInitial.toNumber(),
        blocksLeft: margin.rampBlocksLeft.toNumber(),
        progress: margin.rampProgress.toNumber(),
        alice: warnings.find((warning) => warning.who.toString() === alice.address)?.toJSON(),
        aliceHealth: health,
      });
    });
  });

  after(async () => {
    if (unsubscribe) unsubscribe();
    await stopDevNode(node);
  });

  let calm;
  let violent;

  it('a calm walk keeps the estimate low and the fractions at their floors', async () => {
    const { stdout } = await feeder('BTC=60000', 0.0001, 8);
    calm = lastPrice(stdout);
    const last = blocks.at(-1);
    assert.ok(last.samples >= 6, `returns seen: ${last.samples}`);
    assert.ok(last.volatility < 0.8, `calm volatility ${last.volatility}`);
    assert.equal(last.effective, FLOOR_INITIAL);
    assert.equal(last.target, FLOOR_INITIAL);
    assert.equal(last.alice, undefined);
  });

  it('a violent walk raises sigma and the initial fraction by at most the step a block, and Alice is warned first', async (t) => {
    const from = blocks.length;
    const { stdout } = await feeder(`BTC=${calm}`, 0.005, 8);
    violent = lastPrice(stdout);
    const seen = blocks.slice(from - 1).sort((a, b) => a.number - b.number);
    const peak = Math.max(...seen.map((block) => block.volatility));
    assert.ok(peak > 3 * seen[0].volatility, `sigma ${seen[0].volatility} -> ${peak}`);
    for (let i = 1; i < seen.length; i += 1) {
      if (seen[i].number !== seen[i - 1].number + 1) continue;
      const rise = seen[i].effective - seen[i - 1].effective;
      assert.ok(rise <= RAMP_STEP, `#${seen[i].number}: initial rose by ${rise} ppb`);
      assert.ok(seen[i].effectiveMaintenance - seen[i - 1].effectiveMaintenance <= RAMP_STEP);
    }
    const ramping = seen.filter((block) => block.blocksLeft > 0);
    assert.ok(ramping.length >= 3, 'the target ran ahead of the fractions in force');
    assert.ok(ramping.every((block) => block.progress < PERBILL && block.effective < block.target));
    assert.ok(Math.max(...seen.map((block) => block.effective)) > 2 * FLOOR_INITIAL);
    // Alice is warned while the ramp is under way and she is still above maintenance.
    const warned = seen.find((block) => block.alice);
    assert.ok(warned, 'Alice was warned');
    assert.ok(warned.blocksLeft > 0 && warned.aliceHealth >= 0n, `warned at #${warned.number}`);
    assert.equal(warned.alice.liquidatableAtTarget, true);
    assert.ok(BigInt(warned.alice.maintenanceAtTarget) > BigInt(warned.alice.maintenanceNow));
    assert.ok(BigInt(warned.alice.maintenanceAtTarget) > BigInt(warned.alice.equity));
    const top = seen.reduce((a, b) => (b.effective > a.effective ? b : a));
    t.diagnostic(`sigma ${seen[0].volatility.toFixed(2)} -> ${peak.toFixed(2)}; initial ${seen[0].effective / 1e7}% -> ${top.effective / 1e7}% `
      + `(target ${top.target / 1e7}%) at #${top.number}; ${ramping.length} blocks ramping; Alice warned at #${warned.number} `
      + `(maintenance ${warned.alice.maintenanceNow} now, ${warned.alice.maintenanceAtTarget} at target, ${warned.blocksLeft} blocks left)`);
  });

  it('calm again brings the estimate and the fractions back down, falls at once', async (t) => {
    const from = blocks.length;
    const peak = Math.max(...blocks.map((block) => block.effective));
    await feeder(`BTC=${violent}`, 0.0001, 45);
    const seen = blocks.slice(from).sort((a, b) => a.number - b.number);
    const last = seen.at(-1);
    assert.ok(last.effective < peak, `initial ${last.effective} after a peak of ${peak}`);
    assert.ok(last.volatility < blocks.slice(0, from).map((block) => block.volatility).reduce((a, b) => Math.max(a, b)));
    // A fall is never ramped: once the target is below the fraction in force, they agree.
    for (const block of seen) {
      if (block.target <= block.effective) assert.equal(block.effective, block.target, `#${block.number}`);
    }
    assert.equal(last.effective, FLOOR_INITIAL, `initial back at the floor: ${last.effective}`);
    const floorAt = seen.find((block) => block.effective === FLOOR_INITIAL);
    t.diagnostic(`initial back at the floor at #${floorAt.number}, ${floorAt.number - seen[0].number} blocks into the calm; sigma ${last.volatility.toFixed(2)}`);
  });
});
