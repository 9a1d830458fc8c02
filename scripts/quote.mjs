#!/usr/bin/env node
// Block trades by signed quote: a maker signs a package off-chain; a taker executes it.
//
//   node scripts/quote.mjs sign --maker //Alice --leg BTC-PERP:sell:0.5@60000 \
//        --leg ETH-PERP:buy:5@3000 [--taker ADDRESS] [--pool ID] [--valid-for BLOCKS] \
//        [--nonce N] [--out FILE]
//   node scripts/quote.mjs execute --taker //Bob (--file FILE | --quote JSON)
//   node scripts/quote.mjs cancel --maker //Alice --below N
//   node scripts/quote.mjs status --maker ADDRESS --nonce N
//   node scripts/quote.mjs terms
//
// `sign` builds the quote (legs as MARKET:SIDE:SIZE@PRICE: the market by symbol or id, the
// maker's side, the size in whole units, the price in USD), signs the bytes the chain
// checks (the domain tag, the genesis hash and the quote; checked against the node's own
// `blockTradeApi.signingPayload` before signing) and prints `{ quote, signature }` as
// JSON (or writes it to --out). The nonce defaults to the time in ms (always rising); the
// quote is valid for 100 blocks (5 minutes) unless --valid-for says otherwise; `--taker`
// and `--pool` restrict who may take it. Nothing is sent: hand the JSON to the taker.
// `execute` submits it as the taker and prints the settled legs; `cancel` raises the
// maker's nonce floor (every quote below it is void); `status` says whether a nonce may
// still execute; `terms` lists the markets open to block trades, with their fees.
// --ws (default ws://127.0.0.1:9944) picks the node. Needs `npm ci` in scripts/.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  encodeQuote, listMarkets, matchesNodePayload, parseLeg, quoteFromJson, quoteToJson, signQuote,
} from './lib/quotes.mjs';
import { submit } from './lib/tx.mjs';

const USAGE = `usage: quote.mjs sign --maker SURI --leg MARKET:buy|sell:SIZE@PRICE [--leg ...]
                     [--taker ADDRESS] [--pool ID] [--valid-for BLOCKS] [--nonce N] [--out FILE]
       quote.mjs execute --taker SURI (--file FILE | --quote JSON)
       quote.mjs cancel --maker SURI --below N
       quote.mjs status --maker ADDRESS --nonce N
       quote.mjs terms
       (each with [--ws URL])`;

const OPTIONS = {
  ws: { type: 'string', default: 'ws://127.0.0.1:9944' },
  maker: { type: 'string' },
  taker: { type: 'string' },
  leg: { type: 'string', multiple: true },
  pool: { type: 'string' },
  'valid-for': { type: 'string', default: '100' },
  nonce: { type: 'string' },
  out: { type: 'string' },
  file: { type: 'string' },
  quote: { type: 'string' },
  below: { type: 'string' },
  help: { type: 'boolean', default: false },
};

function need(value, what) {
  if (value === undefined) throw new Error(`${what} is required\n${USAGE}`);
  return value;
}

/** Builds and signs a quote; returns `{ quote, signature }` (JSON-safe). */
export async function signCommand(api, keyring, options) {
  const pair = keyring.addFromUri(need(options.maker, '--maker'));
  const legs = need(options.leg, '--leg');
  const markets = await listMarkets(api);
  const head = (await api.rpc.chain.getHeader()).number.toNumber();
  const quote = {
    maker: pair.address,
    taker: options.taker ?? null,
    takerPool: options.pool === undefined ? null : Number(options.pool),
    legs: legs.map((leg) => parseLeg(leg, markets)),
    expiresAt: head + Number(options['valid-for']),
    nonce: BigInt(options.nonce ?? Date.now()),
  };
  // What this script signs must be what the chain checks: a mismatch (an older runtime, a
  // changed type) would only ever be refused, never misread, but say so before signing.
  if (!(await matchesNodePayload(api, quote))) {
    throw new Error('this script encodes quotes differently from the node; not signing');
  }
  return { quote: quoteToJson(quote), signature: signQuote(api, pair, quote) };
}

/** Executes a signed quote as the taker; returns what settled. */
export async function executeCommand(api, keyring, options) {
  const pair = keyring.addFromUri(need(options.taker, '--taker'));
  const text = options.quote ?? (options.file && readFileSync(options.file, 'utf8'));
  const signed = JSON.parse(need(text || undefined, '--file or --quote'));
  const quote = quoteFromJson(signed.quote);
  const tx = api.tx.blockTrade.executeQuote(encodeQuote(api, quote), signed.signature);
  const { blockHash, events, error, errorDocs } = await submit(api, tx, pair);
  if (error) throw new Error(`refused: ${error}${errorDocs ? ` (${errorDocs})` : ''}`);
  const legs = events
    .filter(({ event }) => api.events.clearing.TradeSettled.is(event))
    .map(({ event }) => {
      const { market, tradeSize, price, makerFee, takerFee } = event.data;
      return {
        market: market.toNumber(),
        takerSize: tradeSize.toString(),
        price: price.toString(),
        makerFee: makerFee.toString(),
        takerFee: takerFee.toString(),
      };
    });
  return { blockHash: blockHash.toHex(), maker: quote.maker, nonce: String(quote.nonce), legs };
}

async function main() {
  const { values: options, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
  const command = positionals[0];
  if (options.help || !['sign', 'execute', 'cancel', 'status', 'terms'].includes(command)) {
    console.log(USAGE);
    process.exit(options.help ? 0 : 2);
  }
  const [{ ApiPromise, WsProvider }, { Keyring }, { cryptoWaitReady }] = await Promise.all([
    import('@polkadot/api'), import('@polkadot/keyring'), import('@polkadot/util-crypto'),
  ]);
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const api = await ApiPromise.create({ provider: new WsProvider(options.ws), noInitWarn: true });
  try {
    let result;
    if (command === 'sign') {
      result = await signCommand(api, keyring, options);
      if (options.out) {
        writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
        result = { written: options.out, nonce: result.quote.nonce, expiresAt: result.quote.expiresAt };
      }
    } else if (command === 'execute') {
      result = await executeCommand(api, keyring, options);
    } else if (command === 'cancel') {
      const pair = keyring.addFromUri(need(options.maker, '--maker'));
      const below = BigInt(need(options.below, '--below'));
      const { error } = await submit(api, api.tx.blockTrade.cancelQuotesBelow(below), pair);
      if (error) throw new Error(`refused: ${error}`);
      result = { maker: pair.address, cancelledBelow: String(below) };
    } else if (command === 'status') {
      const maker = need(options.maker, '--maker');
      const nonce = BigInt(need(options.nonce, '--nonce'));
      const status = await api.call.blockTradeApi.nonceStatus(maker, nonce);
      result = { maker, nonce: String(nonce), status: status.type };
    } else {
      const terms = await api.call.blockTradeApi.terms();
      result = terms.map(([market, t]) => ({
        market: market.toNumber(),
        makerFeePerbill: t.makerFee.toNumber(),
        takerFeePerbill: t.takerFee.toNumber(),
        minSize: t.minSize.toString(),
      }));
    }
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await api.disconnect();
  }
}

if (process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url) {
  main().catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
