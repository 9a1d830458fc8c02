// Governance on a dev node: Eve holds a long near her initial margin; Alice proposes a
// higher maintenance fraction for BTC-PERP with scripts/propose-risk-change.mjs, whose
// preview names Eve; Bob, Charlie and Dave vote aye with conviction; the referendum on the
// risk_parameters track passes, the change applies from the next block with its event,
// ClearingApi reports the new schedule, and the accounts liquidated afterwards are exactly
// the ones the preview named. A change out of bounds is refused by the script with the
// chain's typed error.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { BTC_PERP, USDC } from '../lib/chain-ids.mjs';
import { submitAndFinalize } from '../lib/tx.mjs';
import { ONE_BTC, ONE_CLR, ONE_USDC, usd } from '../lib/units.mjs';
import { startDevChain, stopDevNode, waitFor } from './lib/dev-node.mjs';
import { changeFromCall, percentToPerbill, SETTERS, setterCall } from '../lib/risk-changes.mjs';

const proposer = path.resolve(import.meta.dirname, '../propose-risk-change.mjs');
const run = promisify(execFile);

describe('a risk-parameter referendum on a dev node', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let dave;
  let eve;

  before(async () => {
    ({ node, api, alice, bob, charlie, dave, eve } = await startDevChain());
    const feed = await submitAndFinalize(api, api.tx.oracle.feedValues([[{ Price: 'BTC' }, usd(60_000)]]), alice);
    assert.equal(feed.error, null);
    // Eve: 3,100 USDC behind a 1 BTC long bought from Alice at 60,000. After the 30 USDC
    // taker fee she has 3,070: above the 3,000 initial (5%) and 1,800 maintenance (3%).
    for (const [who, amount] of [[alice, 100_000n], [eve, 3_100n]]) {
      const { error } = await submitAndFinalize(api, api.tx.clearing.deposit(USDC, amount * ONE_USDC), who);
      assert.equal(error, null);
    }
    const sell = await submitAndFinalize(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Sell', usd(60_000), ONE_BTC, 'GoodTilCancelled', false), alice);
    assert.equal(sell.error, null);
    const buy = await submitAndFinalize(api, api.tx.orderbook.placeOrder(BTC_PERP, 'Buy', usd(60_000), ONE_BTC, 'ImmediateOrCancel', false), eve);
    assert.equal(buy.error, null);
    const page = await api.call.clearingApi.liquidatableAccounts(null, 100);
    assert.equal(page.accounts.length, 0, 'nobody is liquidatable before the vote');
  });

  after(() => stopDevNode(node));

  it('offers Polkadot.js apps the tracks and documented setters', async () => {
    // Names are fixed 25-byte strings (stable2506's `StringLike`), padded with NULs.
    const tracks = api.consts.referenda.tracks.map(([id, info]) => [id.toNumber(), info.name.toString().replace(/\0+$/, ''), info.decisionDeposit.toBigInt()]);
    assert.deepEqual(tracks, [[0, 'root', 1_000n * ONE_CLR], [1, 'risk_parameters', 100n * ONE_CLR]]);
    for (const setter of ['setMarketMarginTiers', 'setMarketFees', 'setMarketFundingCap', 'setMarketOpenInterestCap', 'setMarketStatus',
      'setCollateralHaircuts', 'setCollateralDepositCap', 'setMaxPriceAge', 'setJumpBreaker', 'setLiquidationParameters', 'setLiquidationScanLimit']) {
      const docs = api.tx.clearing[setter].meta.docs.map((line) => line.toString()).join(' ');
      assert.match(docs, /from\s+the\s+next\s+block/, `clearing.${setter} says when it applies`);
    }
    // The proposer knows a setter for every kind of change the chain takes.
    const changeType = api.call.clearingApi.previewRiskChange.meta.params[0].type.toString();
    const variants = api.createType(changeType).defKeys;
    assert.deepEqual(Object.keys(SETTERS).sort(), [...variants].sort());
    for (const [setter] of Object.values(SETTERS)) assert.ok(api.tx.clearing[setter], `clearing.${setter} exists`);
    // The desk decodes a referendum's call back into its change: the round trip is exact for
    // every variant (a field the call names differently would come back as its default).
    for (const variant of variants) {
      const fields = { market: 1, asset: 3, maxPriceAgeMs: 7, penalty: 11, buffer: 13, accountsPerBlock: 17, minimum: 19, step: 23, ceiling: 29, paused: true, correlation: 31, first: { Price: 'BTC' }, second: { Price: 'ETH' } };
      const change = api.createType(changeType, { [variant]: fields });
      const call = api.createType('Call', setterCall(api, change).method.toU8a());
      assert.equal(changeFromCall(api, call)?.toHex(), change.toHex(), `${variant} decodes back from its call`);
    }
  });

  it('refuses a change out of bounds with the typed error, before anything is submitted', async () => {
    const count = (await api.query.referenda.referendumCount()).toNumber();
    // Maintenance above initial on the first tier.
    const failed = await run(process.execPath, [proposer, '--ws', node.rpcUrl, '--market', '0', '--maintenance', '6,9,18'], { timeout: 60_000 })
      .then(() => null, (error) => error);
    assert.ok(failed, 'the script fails');
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /clearing\.InvalidMarginTiers/);
    assert.equal((await api.query.referenda.referendumCount()).toNumber(), count, 'no referendum was submitted');
  });

  it('passes a referendum that raises BTC-PERP maintenance; the preview named who became liquidatable', async () => {
    const { stdout } = await run(process.execPath, [
      proposer, '--ws', node.rpcUrl, '--json',
      '--market', '0', '--initial', '8,12,24', '--maintenance', '6,9,18',
    ], { timeout: 120_000 });
    const proposal = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(proposal.track, 1);
    // The preview: Eve (3,070 of equity against 3,600 of maintenance at 6%) alone.
    assert.deepEqual(proposal.preview.newlyBelowMaintenance, [eve.address]);
    assert.equal(proposal.preview.before.accountsBelowMaintenance, 0);
    assert.equal(proposal.preview.after.accountsBelowMaintenance, 1);
    assert.equal(BigInt(proposal.preview.after.equityBelowMaintenance), 3_070n * ONE_USDC);
    const info = await api.query.referenda.referendumInfoFor(proposal.referendum);
    assert.ok(info.unwrap().isOngoing, 'the referendum is ongoing');

    // Record every block's events from now on.
    const blocks = [];
    const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      blocks.push({ number: header.number.toNumber(), hash: header.hash, events: await at.query.system.events() });
    });

    // Three holders vote aye, locking 200,000 CLR each for three conviction periods.
    await Promise.all([bob, charlie, dave].map(async (who) => {
      const vote = { Standard: { vote: { aye: true, conviction: 'Locked3x' }, balance: 200_000n * ONE_CLR } };
      const { error } = await submitAndFinalize(api, api.tx.convictionVoting.vote(proposal.referendum, vote), who);
      assert.equal(error, null);
    }));

    const changed = await waitFor('the RiskParameterChanged event', () => blocks.find((block) => block.events.some(
      ({ event }) => api.events.clearing.RiskParameterChanged.is(event),
    )), { timeoutMs: 150_000, intervalMs: 500 });
    // Enacted (scheduled by the referendum's dispatch) in the block before, applied in this.
    const enacted = blocks.find((block) => block.number === changed.number - 1);
    const pending = await (await api.at(enacted.hash)).query.clearing.pendingRiskChanges();
    assert.equal(pending.length, 1, 'the change waited one block');
    assert.ok(enacted.events.some(({ event }) => api.events.scheduler.Dispatched.is(event)), 'the scheduler enacted it');
    assert.ok(blocks.some((block) => block.events.some(({ event }) => api.events.referenda.Confirmed.is(event))), 'the referendum was confirmed');
    const approved = await api.query.referenda.referendumInfoFor(proposal.referendum);
    assert.ok(approved.unwrap().isApproved, 'the referendum is approved');

    const market = (await api.call.clearingApi.market(BTC_PERP)).unwrap();
    assert.deepEqual(
      market.tiers.map((tier) => [tier.initialFraction.toNumber(), tier.maintenanceFraction.toNumber()]),
      [[8, 6], [12, 9], [24, 18]].map(([i, m]) => [percentToPerbill(String(i)), percentToPerbill(String(m))]),
    );

    // Eve is now below maintenance: the worker liquidates her, and nobody else.
    const liquidation = await waitFor('the liquidation after the change', () => blocks.find((block) => block.number > changed.number
      && block.events.some(({ event }) => api.events.clearing.Liquidated.is(event))), { timeoutMs: 30_000 });
    unsubscribe();
    const liquidated = new Set(blocks.filter((block) => block.number <= liquidation.number + 1)
      .flatMap((block) => block.events.filter(({ event }) => api.events.clearing.Liquidated.is(event)))
      .map(({ event }) => event.data.who.toString()));
    assert.deepEqual([...liquidated], proposal.preview.newlyBelowMaintenance);
  });
});
