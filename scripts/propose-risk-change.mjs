#!/usr/bin/env node
// Proposes a risk-parameter change to the clearing chain's governance, and shows what it
// would do before anyone votes.
//
//   node scripts/propose-risk-change.mjs --market 0 --initial 8,12,24 --maintenance 6,9,18
//   node scripts/propose-risk-change.mjs --change '{"LiquidationParameters":{"penalty":15000000,"buffer":100000000}}'
//
// Steps, each a transaction signed by --seed (default //Alice) and awaited in a block:
//   1. the impact preview: `ClearingApi.preview_risk_change` counts the accounts (and their
//      equity) below maintenance and initial margin without and with the change, and
//      names those it would make liquidatable. A change out of bounds stops here with the
//      chain's typed error (exit code 1);
//   2. `preimage.notePreimage` with the setter call;
//   3. `referenda.submit` on the `risk_parameters` track (origin `Origins.RiskParameters`),
//      enacted as soon as the track allows;
//   4. `referenda.placeDecisionDeposit`, so that the referendum can start deciding.
// It prints the referendum index and the preview; with --json, one JSON line instead.
// Holders then vote with `convictionVoting.vote` (Polkadot.js apps: Governance > Referenda).
//
// --market/--initial/--maintenance build a `MarketMarginTiers` change from the market's
// current schedule: percentages per tier, in tier order (one value applies to every tier);
// floors stay. --change takes any `RiskChange` as JSON (Perbill values in parts per
// billion): MarketMarginTiers, MarketFees, MarketFundingCap, MarketOpenInterestCap,
// MarketStatus, CollateralHaircuts, CollateralDepositCap, MaxPriceAge, JumpBreaker,
// LiquidationParameters, LiquidationScanLimit, PortfolioGrid, PortfolioMinimumEquity
// (settlement units), Correlation (FixedI128 in units of 10^-18), VolatilityModel,
// MarketAdaptiveMargin (params null turns it off), MarginRampStep, MarketPriceBand,
// LendingMarket (an asset's money market: rate curve, reserve factor, caps, liability
// weights; rates and weights FixedU128 in units of 10^-18). Needs `npm ci` in scripts/.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { percentToPerbill, previewToJson, setterCall } from './lib/risk-changes.mjs';
import { dispatchErrorName, sendInBlock as send } from './lib/tx.mjs';

export { percentToPerbill, SETTERS } from './lib/risk-changes.mjs';

/** `fraction` of `count` tiers: one value for all, or one per tier. */
function perTier(list, count, what) {
  const values = list.split(',').map(percentToPerbill);
  if (values.length === 1) return Array(count).fill(values[0]);
  if (values.length !== count) {
    throw new Error(`--${what} has ${values.length} values; the market has ${count} tiers`);
  }
  return values;
}

const USAGE = `usage: propose-risk-change.mjs [--ws URL] [--seed SURI] [--json]
         (--market ID [--initial P,...] [--maintenance P,...] | --change JSON)`;

async function main() {
  const { values } = parseArgs({
    options: {
      ws: { type: 'string', default: 'ws://127.0.0.1:9944' },
      seed: { type: 'string', default: '//Alice' },
      market: { type: 'string' },
      initial: { type: 'string' },
      maintenance: { type: 'string' },
      change: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.change === (values.market === undefined)) {
    console.error(USAGE);
    return 2;
  }

  const { ApiPromise, WsProvider } = await import('@polkadot/api');
  const { Keyring } = await import('@polkadot/keyring');
  const { cryptoWaitReady, blake2AsHex } = await import('@polkadot/util-crypto');
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(values.ws), noInitWarn: true });
  const say = values.json ? () => {} : (line) => console.log(line);
  try {
    const signer = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(values.seed);
    let json;
    if (values.change) {
      json = JSON.parse(values.change);
    } else {
      const id = Number(values.market);
      const market = await api.call.clearingApi.market(id);
      if (market.isNone) throw new Error(`market ${id} does not exist`);
      const tiers = market.unwrap().tiers;
      const initial = values.initial ? perTier(values.initial, tiers.length, 'initial') : null;
      const maintenance = values.maintenance ? perTier(values.maintenance, tiers.length, 'maintenance') : null;
      json = {
        MarketMarginTiers: {
          market: id,
          tiers: tiers.map((tier, i) => ({
            notionalFloor: tier.notionalFloor.toBigInt(),
            initialFraction: initial ? initial[i] : tier.initialFraction.toNumber(),
            maintenanceFraction: maintenance ? maintenance[i] : tier.maintenanceFraction.toNumber(),
          })),
        },
      };
    }
    const changeType = api.call.clearingApi.previewRiskChange.meta.params[0].type.toString();
    const change = api.createType(changeType, json);
    say(`change: ${JSON.stringify(change.toHuman())}`);

    // 1. What it would do, before anyone votes.
    const result = await api.call.clearingApi.previewRiskChange(change);
    if (result.isErr) {
      const name = dispatchErrorName(api, result.asErr);
      throw Object.assign(new Error(`the chain refuses this change: ${name}`), { exitCode: 1 });
    }
    const preview = previewToJson(result.asOk);
    say(`preview over ${preview.accountsChecked} accounts with positions:`);
    say(`  below maintenance: ${preview.before.accountsBelowMaintenance} -> ${preview.after.accountsBelowMaintenance} accounts (equity ${preview.before.equityBelowMaintenance} -> ${preview.after.equityBelowMaintenance} USDC units)`);
    say(`  below initial:     ${preview.before.accountsBelowInitial} -> ${preview.after.accountsBelowInitial} accounts (equity ${preview.before.equityBelowInitial} -> ${preview.after.equityBelowInitial} USDC units)`);
    say(`  would become liquidatable: ${preview.newlyBelowMaintenance.join(', ') || 'nobody'}`);
    say(`  would fall below initial margin: ${preview.newlyBelowInitial.join(', ') || 'nobody'}`);

    // 2. The call, as a preimage.
    const call = setterCall(api, change);
    const encoded = call.method.toU8a();
    const hash = blake2AsHex(encoded);
    const status = await api.query.preimage.requestStatusFor(hash);
    if (status.isNone) {
      await send(api, api.tx.preimage.notePreimage(call.method.toHex()), signer);
      say(`preimage noted: ${hash} (${encoded.length} bytes)`);
    } else {
      say(`preimage already noted: ${hash}`);
    }

    // 3. The referendum on the risk_parameters track.
    const events = await send(api, api.tx.referenda.submit(
      { Origins: 'RiskParameters' },
      { Lookup: { hash, len: encoded.length } },
      { After: 0 },
    ), signer);
    const submitted = events.find(({ event }) => api.events.referenda.Submitted.is(event));
    const index = submitted.event.data.index.toNumber();
    const track = submitted.event.data.track.toNumber();
    say(`referendum #${index} submitted on track ${track} (risk_parameters)`);

    // 4. The decision deposit.
    await send(api, api.tx.referenda.placeDecisionDeposit(index), signer);
    say(`decision deposit placed: referendum #${index} can start deciding`);
    if (values.json) {
      console.log(JSON.stringify({ referendum: index, track, preimage: hash, call: call.method.toHex(), preview }));
    }
    return 0;
  } finally {
    await api.disconnect();
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main().then((code) => { process.exitCode = code; }, (error) => {
    console.error(`propose-risk-change: ${error.message}`);
    process.exitCode = error.exitCode ?? 1;
  });
}
