#!/usr/bin/env node
// Lists a European option series on a clearing chain (Root: the dev chain's sudo key).
//
//   node scripts/list-option-series.mjs --market 100 --kind Call --strike 60000 --days 30
//   node scripts/list-option-series.mjs --market 101 --kind Put --strike 3000 --days 7 --underlying ETH
//
// The series is a market whose instrument is `Option { kind, strike, expiryMs,
// volatilityKey }`: marked by Black-76 from the underlying's index and its implied
// volatility (`{ ImpliedVolatility: <underlying> }`, fed like any price: a CSV row
// `IV:BTC,0.6` for scripts/feed-prices.mjs --csv), margined by the standard rule at 15% /
// 7.5%, cash-settled at expiry. Lots of 0.01 BTC or 0.1 ETH; premium tick 0.1 or 0.01 USD.
// Options: --ws (default ws://127.0.0.1:9944), --seed (default //Alice, the dev sudo key),
// --symbol. With --call-only it prints the `clearing.registerMarket` call data (for a
// referendum on the root track on a chain without sudo) and submits nothing.
import { parseArgs } from 'node:util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { optionSeriesParams } from './lib/options.mjs';
import { dispatchErrorName, sendInBlock } from './lib/tx.mjs';

const { values } = parseArgs({
  options: {
    market: { type: 'string' },
    kind: { type: 'string' },
    strike: { type: 'string' },
    days: { type: 'string' },
    underlying: { type: 'string', default: 'BTC' },
    symbol: { type: 'string' },
    ws: { type: 'string', default: 'ws://127.0.0.1:9944' },
    seed: { type: 'string', default: '//Alice' },
    'call-only': { type: 'boolean', default: false },
  },
});
for (const required of ['market', 'kind', 'strike', 'days']) {
  if (values[required] === undefined) {
    console.error(`--${required} is required; see the comment at the top of this script`);
    process.exit(2);
  }
}

await cryptoWaitReady();
const api = await ApiPromise.create({ provider: new WsProvider(values.ws), noInitWarn: true });
try {
  const now = (await api.query.timestamp.now()).toBigInt();
  const expiryMs = now + BigInt(Math.round(Number(values.days) * 86_400_000));
  const params = optionSeriesParams({
    underlying: values.underlying,
    kind: values.kind,
    strike: Number(values.strike),
    expiryMs,
    symbol: values.symbol,
  });
  const call = api.tx.clearing.registerMarket(Number(values.market), params);
  if (values['call-only']) {
    console.log(call.method.toHex());
  } else {
    const signer = new Keyring({ type: 'sr25519' }).addFromUri(values.seed);
    const events = await sendInBlock(api, api.tx.sudo.sudo(call), signer);
    // Sudo succeeds either way; the listing's own outcome is in `Sudid`.
    const sudid = events.find(({ event }) => api.events.sudo.Sudid.is(event));
    const outcome = sudid?.event.data.sudoResult;
    if (!outcome || outcome.isErr) {
      throw new Error(`registerMarket failed: ${outcome ? dispatchErrorName(api, outcome.asErr) : 'no Sudid event'}`);
    }
    const report = (await api.call.clearingApi.market(Number(values.market))).unwrap();
    const mark = report.markPrice.isSome ? Number(report.markPrice.unwrap().toBigInt() / 10n ** 14n) / 1e4 : null;
    console.log(`listed ${params.symbol} as market ${values.market}: expires ${new Date(Number(expiryMs)).toISOString()}, mark ${mark ?? 'unknown (feed the implied volatility)'} USD`);
  }
} finally {
  await api.disconnect();
}
